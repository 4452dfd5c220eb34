//! Erasure of a customer's personal data (crypto-shredding), on both
//! backends: afterwards no plain text of theirs is anywhere in the database
//! or the data folder, the log still replays, a rebuild shows 削除済み, and
//! other customers are untouched.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use command_api::commands::{CommandError, TicketService};
use command_api::db::Db;
use command_api::intake::{self, Inquiry, Start};
use command_api::testing::sealed_store;
use domain::metadata::CommandContext;
use domain::ticket::ErasureReason;
use domain::values::{Body, CustomerEmail, CustomerName, NoteBody, OrderNumber, Subject};
use domain::{Actor, TicketCommand, TicketError, TicketEvent};
use mail_builder::MessageBuilder;
use projections::engine::{Step, Worker};
use projections::erasure::Eraser;
use projections::mail::ingest::{Ingested, Ingestor};
use projections::mail::reactor::MailReactor;
use projections::mail::store::MailStore;
use projections::mail::{MailSettings, Signer};
use projections::rebuild::rebuild;
use projections::retention::Retention;
use projections::tickets::TicketsProjection;
use time::OffsetDateTime;
use uuid::Uuid;

const ADMIN: i64 = 1;

/// Everything that identifies 山田 花子 anywhere she wrote or was written about.
const HANAKO: [&str; 10] = [
    "山田",
    "花子",
    "hanako.yamada",
    "LM-77001234",
    "千代田区麹町",
    "電子レンジ扉破損",
    "090-1234-5678",
    "玄関先での受け渡し",
    "破損写真.jpg",
    "hanako-msg-1",
];

/// The other customer, who must be untouched.
const TARO: [&str; 3] = ["佐藤", "taro.sato@example.jp", "加湿器の水漏れ"];

struct Desk {
    db: Db,
    tickets: TicketService,
    files: PathBuf,
    projection: Worker,
    mailer: Worker,
}

impl Desk {
    fn new(db: &Db) -> Self {
        let tickets = TicketService::new(sealed_store(db));
        let files = std::env::temp_dir().join(format!("mdgt_erasure_{}", Uuid::new_v4().simple()));
        let settings = MailSettings {
            from_name: "LifestyleMart お問い合わせ窓口".into(),
            from_address: "support@lifestylemart.example".into(),
            reply_to: "inbound@lifestylemart.example".into(),
            domain: "lifestylemart.example".into(),
            signer: Signer::new(b"erasure-test"),
        };
        Self {
            db: db.clone(),
            projection: Worker::new(tickets.store().clone(), Arc::new(TicketsProjection)),
            mailer: Worker::reactor(
                tickets.store().clone(),
                Arc::new(MailReactor::new(tickets.clone(), settings)),
            ),
            tickets,
            files,
        }
    }

    fn ingestor(&self) -> Ingestor {
        Ingestor::new(
            self.tickets.clone(),
            Signer::new(b"erasure-test"),
            MailStore::Dir(self.files.clone()),
        )
    }

    fn eraser(&self) -> Eraser {
        Eraser::new(self.tickets.clone(), MailStore::Dir(self.files.clone()))
    }

    async fn catch_up(&self) {
        for worker in [&self.projection, &self.mailer] {
            while worker.run_once().await.expect("steps") != Step::CaughtUp {}
        }
    }

    async fn form(&self, name: &str, email: &str, order: &str, subject: &str, body: &str) -> Uuid {
        let inquiry = Inquiry {
            category_id: 1,
            order_number: Some(OrderNumber::parse(order).expect("valid")),
            subject: Subject::parse(subject).expect("valid"),
            body: Body::parse(body).expect("valid"),
            customer_name: CustomerName::parse(name).expect("valid"),
            customer_email: Some(CustomerEmail::parse(email).expect("valid")),
        };
        let ctx = CommandContext::new(Actor::Customer, OffsetDateTime::now_utc(), None);
        intake::open(&self.db, &self.tickets, inquiry, Start::form(), &ctx, None)
            .await
            .expect("opens")
            .ticket_id
    }

    async fn agent(&self, ticket: Uuid, command: TicketCommand) -> Result<(), CommandError> {
        let ctx = CommandContext::new(Actor::Agent(2), OffsetDateTime::now_utc(), None);
        self.tickets
            .execute(ticket, None, command, &ctx, None)
            .await
            .map(|_| ())
    }
}

impl Drop for Desk {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.files);
    }
}

fn mail(from: (&str, &str), message_id: &str, subject: &str, body: &str) -> Vec<u8> {
    // Each sender's own file name, so a trace of one is never the other's.
    let file = if from.1.starts_with("hanako") {
        "破損写真.jpg"
    } else {
        "水漏れ.jpg"
    };
    MessageBuilder::new()
        .from(from)
        .to("inbound@lifestylemart.example")
        .subject(subject)
        .message_id(message_id)
        .text_body(body)
        .attachment(
            "image/jpeg",
            file,
            b"\xff\xd8\xff not really a jpeg".as_slice(),
        )
        .write_to_vec()
        .expect("builds")
}

/// Every text value of every column of every table, with where it is.
async fn every_value(db: &Db) -> Vec<(String, String)> {
    let mut found = Vec::new();
    match db {
        Db::MySql(pool) => {
            let columns: Vec<(String, String)> = sqlx::query_as(
                "SELECT CAST(table_name AS CHAR), CAST(column_name AS CHAR) FROM information_schema.columns WHERE table_schema = DATABASE()",
            )
            .fetch_all(pool)
            .await
            .expect("lists columns");
            for (table, column) in columns {
                let sql = format!(
                    "SELECT CAST(`{column}` AS BINARY) FROM `{table}` WHERE `{column}` IS NOT NULL"
                );
                let values: Vec<Vec<u8>> = sqlx::query_scalar(&sql)
                    .fetch_all(pool)
                    .await
                    .expect("reads");
                found.extend(values.iter().map(|v| {
                    (
                        format!("{table}.{column}"),
                        String::from_utf8_lossy(v).into_owned(),
                    )
                }));
            }
        }
        Db::Sqlite(pool) => {
            let tables: Vec<String> =
                sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
                    .fetch_all(pool)
                    .await
                    .expect("lists tables");
            for table in tables {
                let columns: Vec<String> =
                    sqlx::query_scalar(&format!("SELECT name FROM pragma_table_info('{table}')"))
                        .fetch_all(pool)
                        .await
                        .expect("lists columns");
                for column in columns {
                    let sql = format!(
                        "SELECT CAST(\"{column}\" AS BLOB) FROM \"{table}\" WHERE \"{column}\" IS NOT NULL"
                    );
                    let values: Vec<Vec<u8>> = sqlx::query_scalar(&sql)
                        .fetch_all(pool)
                        .await
                        .expect("reads");
                    found.extend(values.iter().map(|v| {
                        (
                            format!("{table}.{column}"),
                            String::from_utf8_lossy(v).into_owned(),
                        )
                    }));
                }
            }
        }
    }
    found
}

/// Where each of `needles` still appears in the database.
async fn traces(db: &Db, needles: &[&str]) -> Vec<String> {
    every_value(db)
        .await
        .into_iter()
        .flat_map(|(place, value)| {
            needles
                .iter()
                .filter(|n| value.contains(**n))
                .map(|n| format!("{n} in {place}"))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn files_under(dir: &Path) -> Vec<PathBuf> {
    let mut files = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return files;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(files_under(&path));
        } else {
            files.push(path);
        }
    }
    files.sort();
    files
}

async fn list_row(db: &Db, ticket: Uuid) -> (String, String, Option<String>) {
    let generation = projections::checkpoint::load(db, projections::tickets::NAME)
        .await
        .expect("reads")
        .generation;
    let sql = format!(
        "SELECT customer_name, subject, customer_email FROM rm_tickets_g{generation} WHERE ticket_id = ?"
    );
    command_api::on_pool!(db, pool => sqlx::query_as(&sql).bind(ticket.to_string()).fetch_one(pool).await)
        .expect("row exists")
}

async fn erasure_leaves_no_personal_data_and_keeps_the_history(db: Db) {
    let desk = Desk::new(&db);
    // 山田 花子: a form inquiry, a note and a reply about her, then a mail.
    let first = desk
        .form(
            "山田 花子",
            "hanako.yamada@example.jp",
            "LM-77001234",
            "電子レンジ扉破損の件",
            "届いた電子レンジの扉が割れていました。東京都千代田区麹町1-2-3 090-1234-5678",
        )
        .await;
    desk.agent(
        first,
        TicketCommand::AddInternalNote {
            note_id: Uuid::now_v7(),
            body: NoteBody::parse("山田様は玄関先での受け渡しを希望").expect("valid"),
        },
    )
    .await
    .expect("notes");
    desk.agent(
        first,
        TicketCommand::QueueReply {
            reply_id: Uuid::now_v7(),
            subject: Subject::parse("電子レンジ扉破損の件").expect("valid"),
            body: Body::parse("山田 花子 様\n交換品を手配いたします。").expect("valid"),
        },
    )
    .await
    .expect("replies");
    let Ingested::Opened { ticket_id: second } = desk
        .ingestor()
        .ingest(&mail(
            ("山田 花子", "hanako.yamada@example.jp"),
            "hanako-msg-1@example.jp",
            "写真を送ります",
            "電子レンジ扉破損の写真です。",
        ))
        .await
        .expect("ingests")
    else {
        panic!("the mail opens a ticket")
    };
    // 佐藤 太郎, who stays.
    let other = desk
        .form(
            "佐藤 太郎",
            "taro.sato@example.jp",
            "LM-55000001",
            "加湿器の水漏れ",
            "加湿器の水漏れがあります。",
        )
        .await;
    desk.ingestor()
        .ingest(&mail(
            ("佐藤 太郎", "taro.sato@example.jp"),
            "taro-msg-1@example.jp",
            "加湿器の水漏れ",
            "写真です。",
        ))
        .await
        .expect("ingests");
    desk.catch_up().await;

    // Sealed from the start: the log never held her data in clear, while
    // the read models and the mail folder (before erasure) do.
    let before = traces(&db, &HANAKO).await;
    assert!(
        before.iter().all(|t| !t.contains(" in events.")),
        "plain personal data in the event log: {before:?}"
    );
    assert!(
        before.iter().any(|t| t.contains("rm_tickets")),
        "{before:?}"
    );
    assert!(
        before.iter().any(|t| t.contains("mail_outbox")),
        "{before:?}"
    );
    let files_before = files_under(&desk.files);
    assert!(
        files_before.len() >= 4,
        "raw mails and attachments kept: {files_before:?}"
    );

    let erased = desk
        .eraser()
        .erase_email(
            &CustomerEmail::parse("Hanako.Yamada@EXAMPLE.jp").expect("valid"),
            ErasureReason::CustomerRequest,
            Actor::Agent(ADMIN),
        )
        .await
        .expect("erases")
        .expect("she is a customer");
    // Her mail and its attachment; the form inquiry has no files.
    assert_eq!((erased.tickets, erased.files), (2, 2));
    desk.catch_up().await;

    // Nothing of hers anywhere in the database, nor in the data folder.
    assert_eq!(traces(&db, &HANAKO).await, Vec::<String>::new());
    let files_after = files_under(&desk.files);
    assert_eq!(files_after.len(), files_before.len() - 2, "{files_after:?}");
    for file in &files_after {
        let bytes = std::fs::read(file).expect("reads");
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("hanako"),
            "{} still holds her mail",
            file.display()
        );
    }

    // The other customer is untouched.
    let still = traces(&db, &TARO).await;
    assert!(still.iter().any(|t| t.contains("rm_tickets")), "{still:?}");
    assert_eq!(list_row(&db, other).await.0, "佐藤 太郎");

    // The history keeps who did what and when, with 削除済み in place of her data.
    let history = desk.tickets.history(first).await.expect("still replays");
    let TicketEvent::TicketOpened {
        subject, customer, ..
    } = &history[0].event
    else {
        panic!("the first event opens the ticket")
    };
    assert_eq!(
        (subject.as_str(), customer.name.as_str()),
        ("削除済み", "削除済み")
    );
    assert_eq!(customer.email, None);
    assert!(history.iter().any(|r| r.metadata.actor == Actor::Agent(2)));
    let last = history.last().expect("has events");
    assert!(matches!(
        last.event,
        TicketEvent::CustomerDataErased {
            reason: ErasureReason::CustomerRequest,
            ..
        }
    ));
    assert_eq!(last.metadata.actor, Actor::Agent(ADMIN));
    assert_eq!(
        list_row(&db, first).await,
        ("削除済み".into(), "削除済み".into(), None)
    );

    // Nothing personal can be added to her erased tickets.
    let refused = desk
        .agent(
            second,
            TicketCommand::AddInternalNote {
                note_id: Uuid::now_v7(),
                body: NoteBody::parse("追記").expect("valid"),
            },
        )
        .await;
    assert!(
        matches!(refused, Err(CommandError::Rejected(TicketError::Erased))),
        "{refused:?}"
    );

    // A rebuild from the log arrives at the same redacted rows.
    rebuild(desk.tickets.store(), Arc::new(TicketsProjection), |_| {})
        .await
        .expect("rebuilds");
    assert_eq!(traces(&db, &HANAKO).await, Vec::<String>::new());
    assert_eq!(list_row(&db, second).await.0, "削除済み");
    assert_eq!(list_row(&db, other).await.0, "佐藤 太郎");

    // Erasing twice is a no-op.
    let again = desk
        .eraser()
        .erase_email(
            &CustomerEmail::parse("hanako.yamada@example.jp").expect("valid"),
            ErasureReason::CustomerRequest,
            Actor::Agent(ADMIN),
        )
        .await
        .expect("runs");
    assert_eq!(again, None);
    let by_reference = desk
        .eraser()
        .erase(
            erased.customer,
            ErasureReason::CustomerRequest,
            Actor::Agent(ADMIN),
        )
        .await
        .expect("runs");
    assert_eq!(by_reference.tickets, 2);
    assert_eq!(
        desk.tickets.history(first).await.expect("reads").len(),
        history.len(),
        "no second erasure event"
    );

    // If she writes again, that is a new customer record with a new key.
    let Ingested::Opened { ticket_id: fresh } = desk
        .ingestor()
        .ingest(&mail(
            ("山田 花子", "hanako.yamada@example.jp"),
            "hanako-msg-2@example.jp",
            "再度のお問い合わせ",
            "改めてご連絡します。",
        ))
        .await
        .expect("ingests")
    else {
        panic!("a new mail from an erased customer opens a new ticket")
    };
    desk.catch_up().await;
    assert_eq!(list_row(&db, fresh).await.0, "山田 花子");
}

async fn retention_erases_customers_whose_tickets_all_closed_long_ago(db: Db) {
    let desk = Desk::new(&db);
    let closed = desk
        .form(
            "古川 一郎",
            "ichiro@example.jp",
            "LM-10000001",
            "サイズ交換",
            "交換をお願いします。",
        )
        .await;
    desk.agent(
        closed,
        TicketCommand::ChangeStatus {
            to: domain::Status::Closed,
        },
    )
    .await
    .expect("closes");
    let open = desk
        .form(
            "新井 二郎",
            "jiro@example.jp",
            "LM-10000002",
            "配送状況",
            "まだ届きません。",
        )
        .await;
    // One closed ticket and one open: the customer is still being served.
    let mixed_closed = desk
        .form(
            "三浦 三郎",
            "saburo@example.jp",
            "LM-10000003",
            "返品",
            "返品したいです。",
        )
        .await;
    desk.agent(
        mixed_closed,
        TicketCommand::ChangeStatus {
            to: domain::Status::Closed,
        },
    )
    .await
    .expect("closes");
    let mixed_open = desk
        .form(
            "三浦 三郎",
            "saburo@example.jp",
            "LM-10000004",
            "追加の質問",
            "もう一点あります。",
        )
        .await;
    desk.catch_up().await;

    let retention = Retention::new(desk.eraser(), time::Duration::days(3 * 365));
    let now = OffsetDateTime::now_utc();
    assert_eq!(
        retention.run_once(now).await.expect("runs"),
        0,
        "closed only just now"
    );
    let later = now + time::Duration::days(3 * 365 + 1);
    assert_eq!(retention.run_once(later).await.expect("runs"), 1);
    desk.catch_up().await;

    assert_eq!(list_row(&db, closed).await.0, "削除済み");
    let history = desk.tickets.history(closed).await.expect("replays");
    let last = history.last().expect("has events");
    assert!(matches!(
        last.event,
        TicketEvent::CustomerDataErased {
            reason: ErasureReason::Retention,
            ..
        }
    ));
    assert_eq!(last.metadata.actor, Actor::System("retention".into()));
    for (ticket, name) in [
        (open, "新井 二郎"),
        (mixed_closed, "三浦 三郎"),
        (mixed_open, "三浦 三郎"),
    ] {
        assert_eq!(list_row(&db, ticket).await.0, name);
    }
    assert_eq!(
        retention.run_once(later).await.expect("runs"),
        0,
        "nothing left to erase"
    );
}

async fn first_contacts_at_once_from_one_address_share_one_customer(db: Db) {
    let desk = Desk::new(&db);
    let orders: Vec<String> = (0..6).map(|i| format!("LM-2000000{i}")).collect();
    let opened = futures::future::join_all(orders.iter().map(|order| {
        desk.form(
            "同時 太郎",
            "same.time@example.jp",
            order,
            "同時の問い合わせ",
            "同じ住所から同時に送信しました。",
        )
    }))
    .await;
    let mut customers = Vec::new();
    for ticket in opened {
        let loaded = desk.tickets.load(ticket).await.expect("loads");
        customers.push(loaded.ticket.customer_ref().expect("sealed"));
    }
    customers.dedup();
    assert_eq!(customers.len(), 1, "one customer, one key: {customers:?}");
    let keys: i64 = command_api::on_pool!(&db, pool => sqlx::query_scalar("SELECT COUNT(*) FROM customer_keys").fetch_one(pool).await)
        .expect("counts");
    assert_eq!(keys, 1);
}

command_api::contract_tests!(
    first_contacts_at_once_from_one_address_share_one_customer,
    erasure_leaves_no_personal_data_and_keeps_the_history,
    retention_erases_customers_whose_tickets_all_closed_long_ago,
);
