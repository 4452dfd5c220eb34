//! Inbound mail threads onto the right ticket, on both backends, across the
//! corpus's threading cases.

use std::path::Path;
use std::sync::Arc;

use command_api::commands::TicketService;
use command_api::db::Db;
use command_api::event_store::EventStore;
use command_api::http::fields::Fields;
use command_api::intake::{self, Start};
use command_api::on_pool;
use domain::metadata::CommandContext;
use domain::values::{Body, Subject};
use domain::{Actor, Status, TicketCommand};
use projections::engine::{Step, Worker};
use projections::mail::ingest::{Ingested, Ingestor};
use projections::mail::reactor::MailReactor;
use projections::mail::store::MailStore;
use projections::mail::{MailSettings, Signer};
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

mod support;

use support::replace_all;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/mail");

fn signer() -> Signer {
    Signer::new(b"threading-test")
}

async fn the_corpus_threads_onto_the_right_ticket(db: Db) {
    let tickets = TicketService::new(EventStore::new(db.clone()));
    let raw_dir = std::env::temp_dir().join(format!("mdgt_inbound_{}", Uuid::new_v4().simple()));
    let ingestor = Ingestor::new(tickets.clone(), signer(), MailStore::Dir(raw_dir.clone()));

    // The customer's ticket, with one reply of ours queued in the outbox.
    let request = json!({ "category_id": 1, "subject": "配送状況について", "body": "まだ届きません", "customer_name": "山田 花子", "customer_email": "hanako@example.jp" });
    let map = request.as_object().cloned().unwrap_or_default();
    let inquiry = intake::read_inquiry(&db, &mut Fields::new(&map), false)
        .await
        .expect("reads")
        .expect("valid");
    let opened = intake::open(
        &db,
        &tickets,
        inquiry,
        Start::form(),
        &CommandContext::new(Actor::Customer, OffsetDateTime::now_utc(), None),
        None,
    )
    .await
    .expect("opens");
    let ticket = opened.ticket_id;
    let number = opened.inquiry_number.to_string();
    let agent = CommandContext::new(Actor::Agent(1), OffsetDateTime::now_utc(), None);
    let reply_id = Uuid::now_v7();
    tickets
        .execute(
            ticket,
            None,
            TicketCommand::QueueReply {
                reply_id,
                subject: Subject::parse(&format!("【ご回答】{number}")).expect("valid"),
                body: Body::parse("確認します").expect("valid"),
            },
            &agent,
            None,
        )
        .await
        .expect("replies");
    let settings = MailSettings {
        from_name: "窓口".into(),
        from_address: "support@lifestylemart.example".into(),
        reply_to: "support@lifestylemart.example".into(),
        domain: "lifestylemart.example".into(),
        signer: signer(),
    };
    let mailer = Worker::reactor(
        tickets.store().clone(),
        Arc::new(MailReactor::new(tickets.clone(), settings)),
    );
    while mailer.run_once().await.expect("queues") != Step::CaughtUp {}
    let our_id: String = on_pool!(&db, pool => sqlx::query_scalar("SELECT message_id FROM mail_outbox WHERE reply_id IS NOT NULL").fetch_one(pool).await).expect("queued");
    let our_id = format!("<{our_id}>");

    // An earlier customer mail on the ticket, so its Message-ID is known.
    let earlier = format!(
        "From: hanako@example.jp\r\nTo: support@lifestylemart.example\r\nSubject: Re: test\r\nMessage-ID: <earlier-customer-mail@example.jp>\r\nIn-Reply-To: {our_id}\r\n\r\nよろしくお願いします。\r\n"
    );
    assert_eq!(
        ingestor.ingest(earlier.as_bytes()).await.expect("ingests"),
        Ingested::Threaded { ticket_id: ticket }
    );

    let pairs = [
        ("{{OUR_MESSAGE_ID}}", our_id.clone()),
        (
            "{{KNOWN_MESSAGE_ID}}",
            "<earlier-customer-mail@example.jp>".to_owned(),
        ),
        ("{{BODY_MARKER}}", signer().body_marker(ticket)),
        ("{{INQUIRY_NUMBER}}", number.clone()),
        ("{{CUSTOMER_EMAIL}}", "hanako@example.jp".to_owned()),
    ];
    let manifest: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(Path::new(DIR).join("manifest.json")).expect("manifest"),
    )
    .expect("parses");
    let mut problems = Vec::new();
    let mut seen_threads = std::collections::BTreeSet::new();
    for entry in &manifest {
        let file = entry["file"].as_str().expect("file");
        let Ok(raw) = std::fs::read(Path::new(DIR).join(file)) else {
            continue;
        };
        let expect = &entry["expect"];
        let thread = expect["thread"].as_str().unwrap_or("new");
        let outcome = ingestor
            .ingest(&replace_all(&raw, &pairs))
            .await
            .expect("ingests");
        let wanted_here = matches!(
            thread,
            "our_message_id"
                | "references"
                | "known_message_id"
                | "body_marker"
                | "subject_number_customer"
                | "cc_reply"
        );
        let ok = if expect["bounce"] == true {
            outcome == Ingested::Bounced { ticket_id: ticket }
        } else if expect["auto"] == true {
            matches!(outcome, Ingested::Ignored { .. })
        } else if expect["duplicate_of"].is_string() {
            outcome == Ingested::Duplicate
        } else if wanted_here {
            outcome == Ingested::Threaded { ticket_id: ticket }
        } else {
            matches!(outcome, Ingested::Opened { ticket_id } if ticket_id != ticket)
        };
        seen_threads.insert(thread.to_owned());
        if !ok {
            problems.push(format!("{file} ({thread}): {outcome:?}"));
        }
    }
    assert!(
        problems.is_empty(),
        "{} misthreaded:\n{}",
        problems.len(),
        problems.join("\n")
    );
    for case in [
        "our_message_id",
        "references",
        "known_message_id",
        "body_marker",
        "subject_number_customer",
        "subject_number_stranger",
        "cc_reply",
        "new",
    ] {
        assert!(seen_threads.contains(case), "the corpus has no {case} case");
    }
    let loaded = tickets.load(ticket).await.expect("loads").ticket;
    assert_eq!(
        loaded.customer_email().map(|e| e.as_str()),
        Some("hanako@example.jp"),
        "a CC reply never changes the customer"
    );
    assert_eq!(
        loaded.delivery(reply_id),
        Some(domain::ticket::Delivery::Failed { permanent: true }),
        "the bounce marked our reply failed"
    );
    assert!(
        std::fs::read_dir(raw_dir.join("inbound"))
            .expect("raw mail kept")
            .count()
            >= 40,
        "every raw mail is kept"
    );

    // A reply to a closed ticket opens a new one that names the old.
    tickets
        .execute(
            ticket,
            None,
            TicketCommand::ChangeStatus { to: Status::Closed },
            &agent,
            None,
        )
        .await
        .expect("closes");
    let late = format!(
        "From: hanako@example.jp\r\nSubject: Re: [{number}]\r\nMessage-ID: <late@example.jp>\r\nIn-Reply-To: {our_id}\r\n\r\nもう一度確認させてください。\r\n"
    );
    let Ingested::Opened { ticket_id: fresh } =
        ingestor.ingest(late.as_bytes()).await.expect("ingests")
    else {
        panic!("a closed ticket takes no mail")
    };
    let stored = tickets
        .store()
        .read_stream("ticket", &fresh.to_string())
        .await
        .expect("reads");
    assert!(
        stored[0].payload["body"]
            .as_str()
            .is_some_and(|b| b.contains(&number)),
        "the new ticket names the closed one"
    );
    let _ = std::fs::remove_dir_all(raw_dir);
}

command_api::contract_tests!(the_corpus_threads_onto_the_right_ticket);
