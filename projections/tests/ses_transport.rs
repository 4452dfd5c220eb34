//! The SES v2 transport against moto: Japanese mail arrives byte for byte,
//! SES's refusals and outages are sorted into permanent and temporary, and
//! the dispatcher keeps a mail queued through an outage.

mod moto;

use std::sync::Arc;

use command_api::commands::TicketService;
use command_api::db::{Db, now_micros};
use command_api::event_store::EventStore;
use command_api::http::fields::Fields;
use command_api::intake::{self, Start};
use domain::metadata::CommandContext;
use domain::{Actor, Channel};
use mail_parser::MessageParser;
use projections::engine::{Step, Worker};
use projections::mail::dispatcher::{Dispatched, Dispatcher, backoff_seconds};
use projections::mail::message::{self, Reply};
use projections::mail::outbox;
use projections::mail::reactor::MailReactor;
use projections::mail::ses::SesTransport;
use projections::mail::transport::{SendError, Transport};
use projections::mail::{MailSettings, Signer};
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

fn mail_settings(from: &str) -> MailSettings {
    MailSettings {
        from_name: "LifestyleMart お問い合わせ窓口".into(),
        from_address: from.into(),
        reply_to: "inbound@lifestylemart.example".into(),
        domain: "lifestylemart.example".into(),
        signer: Signer::new(b"test-secret"),
    }
}

/// A sender identity of its own, created in moto the way SES needs it.
async fn verified_sender(config: &aws_config::SdkConfig) -> String {
    let sender = format!("{}@lifestylemart.example", moto::unique("support"));
    verified_identity(config, &sender).await;
    sender
}

async fn verified_identity(config: &aws_config::SdkConfig, sender: &str) {
    aws_sdk_sesv2::Client::new(config)
        .create_email_identity()
        .email_identity(sender)
        .send()
        .await
        .expect("creates the identity");
}

/// What moto recorded for one sent mail: (destinations, raw MIME).
async fn sent_mail(endpoint: &str, message_id: &str) -> (Vec<String>, String) {
    let data: Value = reqwest::get(format!("{endpoint}/moto-api/data.json"))
        .await
        .expect("moto answers")
        .json()
        .await
        .expect("JSON");
    let sent = data["ses"]["RawMessage"]
        .as_array()
        .and_then(|all| all.iter().find(|m| m["id"] == message_id))
        .unwrap_or_else(|| panic!("moto has no mail {message_id}"));
    let destinations = sent["destinations"]
        .as_array()
        .map(|d| {
            d.iter()
                .filter_map(|a| a.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let raw = sent["raw_data"].as_str().expect("raw_data").to_owned();
    (destinations, raw)
}

/// An address on which nothing listens.
fn closed_endpoint() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("binds");
    let port = listener.local_addr().expect("has an address").port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

#[tokio::test]
async fn a_japanese_reply_reaches_ses_byte_for_byte() {
    let Some(endpoint) = moto::endpoint("a_japanese_reply_reaches_ses_byte_for_byte") else {
        return;
    };
    let config = moto::config(&endpoint).await;
    let sender = verified_sender(&config).await;
    let outbox_id = Uuid::now_v7();
    let composed = message::reply(
        &mail_settings(&sender),
        &Reply {
            ticket_id: Uuid::now_v7(),
            outbox_id,
            inquiry_number: "INQ-20261128-0042",
            to: "taro@example.jp",
            subject: "【ご回答】配送について",
            body: "山田 太郎 様\n\nお問い合わせの商品は本日発送いたしました。\n髙橋・①・㈱も届きます。",
            in_reply_to: None,
            sent_at: OffsetDateTime::now_utc(),
        },
    )
    .expect("composes");
    let transport = SesTransport::new(&config, sender.clone(), None);

    let message_id = transport
        .send(outbox_id, &composed.recipient, composed.raw.as_bytes())
        .await
        .expect("SES accepts it");

    let (destinations, raw) = sent_mail(&endpoint, &message_id).await;
    assert!(
        destinations.iter().all(|d| d == "taro@example.jp"),
        "{destinations:?}"
    );
    assert!(!destinations.is_empty());
    assert_eq!(
        raw.as_bytes(),
        composed.raw.as_bytes(),
        "the MIME is untouched"
    );
    let parsed = MessageParser::default()
        .parse(raw.as_bytes())
        .expect("parses");
    assert_eq!(
        parsed.subject(),
        Some("【ご回答】配送について [INQ-20261128-0042]")
    );
    let body = parsed.body_text(0).expect("has text");
    assert!(
        body.contains("お問い合わせの商品は本日発送いたしました。") && body.contains("髙橋・①・㈱"),
        "{body}"
    );
}

#[tokio::test]
async fn an_unverified_sender_is_a_permanent_failure() {
    let Some(endpoint) = moto::endpoint("an_unverified_sender_is_a_permanent_failure") else {
        return;
    };
    let config = moto::config(&endpoint).await;
    let sender = format!("{}@unverified.example", moto::unique("nobody"));
    let transport = SesTransport::new(&config, sender.clone(), None);
    let raw = format!("From: {sender}\r\nTo: taro@example.jp\r\nSubject: test\r\n\r\nbody\r\n");

    let error = transport
        .send(Uuid::now_v7(), "taro@example.jp", raw.as_bytes())
        .await
        .expect_err("refused");

    assert!(matches!(error, SendError::Permanent(_)), "{error:?}");
    assert!(error.to_string().contains("MessageRejected"), "{error}");
    assert!(
        !error.to_string().contains(&sender),
        "no address in the reason: {error}"
    );
}

#[tokio::test]
async fn an_unreachable_ses_is_a_temporary_failure() {
    if moto::endpoint("an_unreachable_ses_is_a_temporary_failure").is_none() {
        return;
    }
    let config = moto::config(&closed_endpoint()).await;
    let transport = SesTransport::new(&config, "support@lifestylemart.example", None);

    let error = transport
        .send(
            Uuid::now_v7(),
            "taro@example.jp",
            b"Subject: x\r\n\r\nx\r\n",
        )
        .await
        .expect_err("nothing listens");

    assert!(matches!(error, SendError::Transient(_)), "{error:?}");
}

struct Desk {
    tickets: TicketService,
    mailer: Worker,
}

impl Desk {
    fn new(db: &Db, sender: &str) -> Self {
        let tickets = TicketService::new(EventStore::new(db.clone()));
        let mailer = Worker::reactor(
            tickets.store().clone(),
            Arc::new(MailReactor::new(tickets.clone(), mail_settings(sender))),
        );
        Self { tickets, mailer }
    }

    /// A form inquiry, with its acknowledgement queued in the outbox.
    async fn form_inquiry(&self) -> String {
        let request = json!({ "category_id": 1, "subject": "配送について", "body": "注文した商品が届きません。", "customer_name": "山田 太郎", "customer_email": "taro@example.jp" });
        let map = request.as_object().cloned().unwrap_or_default();
        let mut fields = Fields::new(&map);
        let db = self.tickets.store().db();
        let inquiry = intake::read_inquiry(db, &mut fields, false)
            .await
            .expect("reads")
            .expect("valid");
        let ctx = CommandContext::new(Actor::Customer, OffsetDateTime::now_utc(), None);
        let start = Start {
            channel: Channel::Form,
            ..Start::form()
        };
        let outcome = intake::open(db, &self.tickets, inquiry, start, &ctx, None)
            .await
            .expect("opens");
        while self.mailer.run_once().await.expect("steps") != Step::CaughtUp {}
        outcome.inquiry_number.to_string()
    }

    async fn queued(&self) -> Vec<outbox::Due> {
        outbox::due(self.tickets.store().db(), i64::MAX, 10)
            .await
            .expect("reads the outbox")
    }
}

async fn the_dispatcher_sends_the_acknowledgement_through_ses(db: Db) {
    let Some(endpoint) = moto::endpoint("the_dispatcher_sends_the_acknowledgement_through_ses")
    else {
        return;
    };
    let config = moto::config(&endpoint).await;
    let sender = verified_sender(&config).await;
    let desk = Desk::new(&db, &sender);
    let number = desk.form_inquiry().await;
    let queued = desk.queued().await;
    assert_eq!(queued.len(), 1);
    let dispatcher = Dispatcher::new(
        desk.tickets.clone(),
        Arc::new(SesTransport::new(&config, sender, None)),
    );

    let done = dispatcher.run_once(now_micros()).await.expect("runs");

    assert_eq!(done.sent, 1, "{done:?}");
    assert!(desk.queued().await.is_empty());
    let provider_id: String = command_api::on_pool!(&db, pool => sqlx::query_scalar(
        "SELECT provider_message_id FROM mail_outbox WHERE outbox_id = ?",
    ).bind(&queued[0].outbox_id).fetch_one(pool).await)
    .expect("the row records SES's id");
    let (destinations, raw) = sent_mail(&endpoint, &provider_id).await;
    assert!(
        destinations.contains(&"taro@example.jp".to_owned()),
        "{destinations:?}"
    );
    assert_eq!(raw.as_bytes(), queued[0].raw.as_bytes());
    let parsed = MessageParser::default()
        .parse(raw.as_bytes())
        .expect("parses");
    assert_eq!(
        parsed.subject(),
        Some(format!("【お問い合わせ受付】{number}").as_str())
    );
    let body = parsed.body_text(0).expect("has text");
    assert!(body.starts_with("山田 太郎 様"), "{body}");
    assert!(body.contains(&format!("受付番号: {number}")), "{body}");
}

async fn an_ses_outage_keeps_the_mail_queued_until_it_is_sent(db: Db) {
    let Some(endpoint) = moto::endpoint("an_ses_outage_keeps_the_mail_queued_until_it_is_sent")
    else {
        return;
    };
    let config = moto::config(&endpoint).await;
    let sender = verified_sender(&config).await;
    let desk = Desk::new(&db, &sender);
    desk.form_inquiry().await;
    let down = Dispatcher::new(
        desk.tickets.clone(),
        Arc::new(SesTransport::new(
            &moto::config(&closed_endpoint()).await,
            sender.clone(),
            None,
        )),
    );
    let now = now_micros();

    assert_eq!(
        down.run_once(now).await.expect("runs"),
        Dispatched {
            sent: 0,
            retrying: 1,
            failed: 0
        }
    );
    let queued = desk.queued().await;
    assert_eq!(queued.len(), 1, "the mail stays in the outbox");
    assert_eq!(queued[0].attempts, 1);
    assert!(
        outbox::due(&db, now + 1_000_000, 10)
            .await
            .expect("reads")
            .is_empty(),
        "not retried before its backoff"
    );

    let up = Dispatcher::new(
        desk.tickets.clone(),
        Arc::new(SesTransport::new(&config, sender, None)),
    );
    let later = now + backoff_seconds(1) * 1_000_000;
    assert_eq!(up.run_once(later).await.expect("runs").sent, 1);
    assert!(desk.queued().await.is_empty());
}

/// SES itself goes away while mail is queued and comes back later (moto is
/// stopped and started again on the same address): nothing is lost, nothing
/// is tried again before its backoff, and everything is sent once it is back.
async fn every_mail_queued_during_an_ses_outage_is_sent_after_it(db: Db) {
    let test = "every_mail_queued_during_an_ses_outage_is_sent_after_it";
    if moto::endpoint(test).is_none() {
        return;
    }
    let Some(mut ses) = moto::OwnMoto::start(test).await else {
        return;
    };
    let config = moto::config(&ses.endpoint()).await;
    let sender = verified_sender(&config).await;
    let desk = Desk::new(&db, &sender);
    for _ in 0..3 {
        desk.form_inquiry().await;
    }
    let dispatcher = Dispatcher::new(
        desk.tickets.clone(),
        Arc::new(SesTransport::new(&config, sender.clone(), None)),
    );
    let now = now_micros();

    ses.stop();
    let during = dispatcher.run_once(now).await.expect("runs");

    assert_eq!(
        during,
        Dispatched {
            sent: 0,
            retrying: 3,
            failed: 0
        }
    );
    // Nothing is tried again while SES is down and the backoff runs.
    for seconds in [1, 5, 29] {
        assert_eq!(
            dispatcher
                .run_once(now + seconds * 1_000_000)
                .await
                .expect("runs"),
            Dispatched::default(),
            "no attempt {seconds} s later"
        );
    }
    let queued = desk.queued().await;
    assert_eq!(queued.len(), 3, "every mail stays queued");
    assert!(queued.iter().all(|m| m.attempts == 1), "one attempt each");

    ses.resume().await;
    // A restarted moto has forgotten everything, as a new account would.
    verified_identity(&config, &sender).await;
    let after = dispatcher
        .run_once(now + backoff_seconds(1) * 1_000_000)
        .await
        .expect("runs");

    assert_eq!(after.sent, 3, "{after:?}");
    assert!(desk.queued().await.is_empty());
    let data: Value = reqwest::get(format!("{}/moto-api/data.json", ses.endpoint()))
        .await
        .expect("moto answers")
        .json()
        .await
        .expect("JSON");
    let sent = data["ses"]["RawMessage"].as_array().map_or(0, Vec::len);
    assert_eq!(sent, 3, "each mail reached SES exactly once");
}

command_api::contract_tests!(
    the_dispatcher_sends_the_acknowledgement_through_ses,
    an_ses_outage_keeps_the_mail_queued_until_it_is_sent,
    every_mail_queued_during_an_ses_outage_is_sent_after_it,
);
