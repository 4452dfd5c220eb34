//! Outbound mail on both backends: queued from the log, sent through the
//! file transport (and a failing one), outcomes recorded on the ticket.

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;
use command_api::commands::TicketService;
use command_api::db::{Db, now_micros};
use command_api::event_store::EventStore;
use command_api::http::fields::Fields;
use command_api::intake::{self, Start};
use command_api::on_pool;
use cqrs_es::Aggregate;
use domain::metadata::CommandContext;
use domain::ticket::{CustomerMessage, MessageSource};
use domain::values::{Body, CustomerEmail, NoteBody, Subject};
use domain::{Actor, Channel, Ticket, TicketCommand};
use mail_parser::MessageParser;
use projections::engine::{Step, Worker};
use projections::mail::dispatcher::{Dispatched, Dispatcher, backoff_seconds};
use projections::mail::reactor::MailReactor;
use projections::mail::transport::{FileTransport, SendError, Transport};
use projections::mail::{MailSettings, Signer};
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

mod support;

fn settings() -> MailSettings {
    MailSettings {
        from_name: "LifestyleMart お問い合わせ窓口".into(),
        from_address: "support@lifestylemart.example".into(),
        reply_to: "inbound@lifestylemart.example".into(),
        domain: "lifestylemart.example".into(),
        signer: Signer::new(b"test-secret"),
    }
}

struct Mailer {
    tickets: TicketService,
    reactor: Worker,
    outbox: PathBuf,
}

impl Mailer {
    fn new(db: &Db) -> Self {
        let tickets = TicketService::new(EventStore::new(db.clone()));
        let reactor = Worker::reactor(
            tickets.store().clone(),
            Arc::new(MailReactor::new(tickets.clone(), settings())),
        );
        let outbox = std::env::temp_dir().join(format!("mdgt_outbox_{}", Uuid::new_v4().simple()));
        Self {
            tickets,
            reactor,
            outbox,
        }
    }

    fn dispatcher(&self, transport: Arc<dyn Transport>) -> Dispatcher {
        Dispatcher::new(self.tickets.clone(), transport)
    }

    async fn queue(&self) {
        while self.reactor.run_once().await.expect("steps") != Step::CaughtUp {}
    }

    async fn open(&self, channel: Channel, subject: &str) -> (Uuid, String) {
        let request = json!({ "category_id": 1, "subject": subject, "body": "注文した商品が届きません。", "customer_name": "山田 太郎", "customer_email": "taro@example.jp" });
        let map = request.as_object().cloned().unwrap_or_default();
        let mut fields = Fields::new(&map);
        let db = self.tickets.store().db();
        let inquiry = intake::read_inquiry(db, &mut fields, false)
            .await
            .expect("reads")
            .expect("valid");
        let ctx = CommandContext::new(Actor::Customer, OffsetDateTime::now_utc(), None);
        let start = Start {
            channel,
            ..Start::form()
        };
        let outcome = intake::open(db, &self.tickets, inquiry, start, &ctx, None)
            .await
            .expect("opens");
        (outcome.ticket_id, outcome.inquiry_number.to_string())
    }

    fn mails(&self) -> Vec<Vec<u8>> {
        support::eml_files(&self.outbox)
    }

    async fn event_types(&self, id: Uuid) -> Vec<String> {
        self.tickets
            .store()
            .read_stream(Ticket::TYPE, &id.to_string())
            .await
            .expect("reads")
            .into_iter()
            .map(|e| e.event_type)
            .collect()
    }
}

impl Drop for Mailer {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.outbox);
    }
}

async fn a_form_inquiry_gets_one_japanese_acknowledgement_and_a_phone_one_none(db: Db) {
    let mailer = Mailer::new(&db);
    let (ticket, number) = mailer.open(Channel::Form, "配送について").await;
    let (phone, _) = mailer.open(Channel::Phone, "電話のお問い合わせ").await;
    mailer.queue().await;
    let dispatcher = mailer.dispatcher(Arc::new(FileTransport::new(&mailer.outbox)));
    assert_eq!(
        dispatcher.run_once(now_micros()).await.expect("sends").sent,
        1
    );

    let mails = mailer.mails();
    assert_eq!(
        mails.len(),
        1,
        "one acknowledgement, none for the phone call"
    );
    let message = MessageParser::default().parse(&mails[0]).expect("parses");
    assert_eq!(
        message.subject(),
        Some(format!("【お問い合わせ受付】{number}").as_str())
    );
    assert_eq!(
        message
            .to()
            .and_then(|a| a.first())
            .and_then(|a| a.address()),
        Some("taro@example.jp")
    );
    assert_eq!(
        message
            .reply_to()
            .and_then(|a| a.first())
            .and_then(|a| a.address()),
        Some("inbound@lifestylemart.example")
    );
    let text = message.body_text(0).expect("has text").to_string();
    assert!(text.starts_with("山田 太郎 様"), "{text}");
    assert!(
        text.contains(&format!("受付番号: {number}"))
            && text.contains("> 注文した商品が届きません。"),
        "{text}"
    );
    let message_id = message.message_id().expect("has Message-ID");
    assert_eq!(
        settings().signer.verify(message_id),
        Some(ticket),
        "the Message-ID carries the signed ticket id"
    );
    assert!(String::from_utf8_lossy(&mails[0]).contains("Auto-Submitted: auto-generated"));
    assert!(
        mailer
            .event_types(ticket)
            .await
            .contains(&"AcknowledgementSent".to_owned())
    );
    assert!(
        !mailer
            .event_types(phone)
            .await
            .contains(&"AcknowledgementSent".to_owned())
    );

    // A replay from the start queues and sends nothing twice.
    on_pool!(&db, pool => sqlx::query("UPDATE projection_checkpoints SET position = 0 WHERE name = 'mailer'").execute(pool).await.map(|_| ())).expect("resets");
    mailer.queue().await;
    assert_eq!(
        dispatcher.run_once(now_micros()).await.expect("runs"),
        Dispatched::default()
    );
    assert_eq!(mailer.mails().len(), 1);
}

async fn replies_thread_to_the_customer_and_never_carry_notes(db: Db) {
    let mailer = Mailer::new(&db);
    let (ticket, number) = mailer.open(Channel::Email, "返金について").await;
    let agent = CommandContext::new(Actor::Agent(1), OffsetDateTime::now_utc(), None);
    let message = CustomerMessage {
        message_id: Uuid::now_v7(),
        source: MessageSource::Email,
        from: Some(CustomerEmail::parse("taro@example.jp").expect("valid")),
        from_name: None,
        subject: None,
        body: Body::parse("まだですか").expect("valid"),
        mail_message_id: Some("<customer-1@example.jp>".into()),
        attachments: vec![],
        received_at: OffsetDateTime::now_utc(),
        raw_mail: None,
    };
    let reply_id = Uuid::now_v7();
    for command in [
        TicketCommand::ReceiveCustomerMessage(Box::new(message)),
        TicketCommand::AddInternalNote {
            note_id: Uuid::now_v7(),
            body: NoteBody::parse("社内限定: 返金は部長承認待ち").expect("valid"),
        },
        TicketCommand::QueueReply {
            reply_id,
            subject: Subject::parse(&format!("【ご回答】{number}")).expect("valid"),
            body: Body::parse("ご返金の手続きを進めております。").expect("valid"),
        },
    ] {
        mailer
            .tickets
            .execute(ticket, None, command, &agent, None)
            .await
            .expect("executes");
    }
    mailer.queue().await;
    mailer
        .dispatcher(Arc::new(FileTransport::new(&mailer.outbox)))
        .run_once(now_micros())
        .await
        .expect("sends");
    let mails = mailer.mails();
    assert_eq!(mails.len(), 2, "the acknowledgement and the reply");
    for raw in &mails {
        let text = String::from_utf8_lossy(raw).to_string();
        let parsed = MessageParser::default().parse(raw).expect("parses");
        let body = parsed.body_text(0).expect("text").to_string();
        assert!(
            !body.contains("社内限定") && !text.contains("部長承認"),
            "an internal note leaked into a mail"
        );
    }
    let reply = mails
        .iter()
        .map(|raw| MessageParser::default().parse(raw).expect("parses"))
        .find(|m| m.subject().is_some_and(|s| s.starts_with("【ご回答】")))
        .expect("reply sent");
    assert_eq!(reply.in_reply_to().as_text(), Some("customer-1@example.jp"));
    let events = mailer.event_types(ticket).await;
    assert!(events.contains(&"ReplyDelivered".to_owned()), "{events:?}");
}

/// Fails the first `failures` sends temporarily, then delegates.
struct Flaky {
    failures: AtomicUsize,
    permanent: bool,
    inner: FileTransport,
}

#[async_trait]
impl Transport for Flaky {
    async fn send(
        &self,
        outbox_id: Uuid,
        recipient: &str,
        raw: &[u8],
    ) -> Result<String, SendError> {
        if self.permanent {
            return Err(SendError::Permanent("address rejected".into()));
        }
        if self.failures.load(Ordering::SeqCst) > 0 {
            self.failures.fetch_sub(1, Ordering::SeqCst);
            return Err(SendError::Transient("provider unavailable".into()));
        }
        self.inner.send(outbox_id, recipient, raw).await
    }
}

async fn an_outage_delays_mail_with_backoff_and_loses_none(db: Db) {
    let mailer = Mailer::new(&db);
    let (ticket, _) = mailer.open(Channel::Form, "問い合わせ").await;
    let agent = CommandContext::new(Actor::Agent(1), OffsetDateTime::now_utc(), None);
    mailer
        .tickets
        .execute(
            ticket,
            None,
            TicketCommand::QueueReply {
                reply_id: Uuid::now_v7(),
                subject: Subject::parse("【ご回答】").expect("valid"),
                body: Body::parse("回答です").expect("valid"),
            },
            &agent,
            None,
        )
        .await
        .expect("queues");
    mailer.queue().await;
    let flaky = Arc::new(Flaky {
        failures: AtomicUsize::new(4),
        permanent: false,
        inner: FileTransport::new(&mailer.outbox),
    });
    let dispatcher = mailer.dispatcher(flaky.clone());
    let now = now_micros();
    assert_eq!(
        dispatcher.run_once(now).await.expect("runs"),
        Dispatched {
            sent: 0,
            retrying: 2,
            failed: 0
        }
    );
    // Nothing is due again until the backoff has passed: no hot loop.
    assert_eq!(
        dispatcher.run_once(now + 1_000_000).await.expect("runs"),
        Dispatched::default()
    );
    let later = now + backoff_seconds(1) * 1_000_000;
    assert_eq!(
        dispatcher.run_once(later).await.expect("runs"),
        Dispatched {
            sent: 0,
            retrying: 2,
            failed: 0
        }
    );
    let much_later = later + backoff_seconds(2) * 1_000_000;
    assert_eq!(
        dispatcher.run_once(much_later).await.expect("runs"),
        Dispatched {
            sent: 2,
            retrying: 0,
            failed: 0
        }
    );
    assert_eq!(
        mailer.mails().len(),
        2,
        "both mails arrived after the outage"
    );
    let events = mailer.event_types(ticket).await;
    assert_eq!(
        events
            .iter()
            .filter(|e| *e == "ReplyDeliveryFailed")
            .count(),
        2,
        "{events:?}"
    );
    assert!(events.contains(&"ReplyDelivered".to_owned()));
}

async fn a_rejected_address_stops_retrying_and_shows_as_failed(db: Db) {
    let mailer = Mailer::new(&db);
    let (ticket, _) = mailer.open(Channel::Form, "問い合わせ").await;
    let agent = CommandContext::new(Actor::Agent(1), OffsetDateTime::now_utc(), None);
    let reply_id = Uuid::now_v7();
    mailer
        .tickets
        .execute(
            ticket,
            None,
            TicketCommand::QueueReply {
                reply_id,
                subject: Subject::parse("【ご回答】").expect("valid"),
                body: Body::parse("回答です").expect("valid"),
            },
            &agent,
            None,
        )
        .await
        .expect("queues");
    mailer.queue().await;
    let dispatcher = mailer.dispatcher(Arc::new(Flaky {
        failures: AtomicUsize::new(0),
        permanent: true,
        inner: FileTransport::new(&mailer.outbox),
    }));
    assert_eq!(
        dispatcher
            .run_once(now_micros())
            .await
            .expect("runs")
            .failed,
        2
    );
    assert_eq!(
        dispatcher
            .run_once(now_micros() + 86_400_000_000)
            .await
            .expect("runs"),
        Dispatched::default(),
        "never retried"
    );
    let loaded = mailer.tickets.load(ticket).await.expect("loads").ticket;
    assert_eq!(
        loaded.delivery(reply_id),
        Some(domain::ticket::Delivery::Failed { permanent: true })
    );
}

/// Counts sends, to see how many mails really left.
struct Counting {
    sent: AtomicUsize,
}

#[async_trait]
impl Transport for Counting {
    async fn send(
        &self,
        outbox_id: Uuid,
        _recipient: &str,
        _raw: &[u8],
    ) -> Result<String, SendError> {
        self.sent.fetch_add(1, Ordering::SeqCst);
        tokio::task::yield_now().await;
        Ok(format!("counted:{outbox_id}"))
    }
}

async fn two_dispatchers_never_send_the_same_mail_twice(db: Db) {
    let mailer = Mailer::new(&db);
    for i in 0..5 {
        mailer.open(Channel::Form, &format!("問い合わせ{i}")).await;
    }
    mailer.queue().await;
    let counting = Arc::new(Counting {
        sent: AtomicUsize::new(0),
    });
    let (first, second) = (
        mailer.dispatcher(counting.clone()),
        mailer.dispatcher(counting.clone()),
    );
    let now = now_micros();
    let (a, b) = tokio::join!(first.run_once(now), second.run_once(now));
    assert_eq!(a.expect("runs").sent + b.expect("runs").sent, 5);
    assert_eq!(
        counting.sent.load(Ordering::SeqCst),
        5,
        "each mail left exactly once"
    );
}

command_api::contract_tests!(
    a_form_inquiry_gets_one_japanese_acknowledgement_and_a_phone_one_none,
    two_dispatchers_never_send_the_same_mail_twice,
    replies_thread_to_the_customer_and_never_carry_notes,
    an_outage_delays_mail_with_backoff_and_loses_none,
    a_rejected_address_stops_retrying_and_shows_as_failed,
);
