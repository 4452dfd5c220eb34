//! The integration-event publisher: through moto's EventBridge into an SQS
//! queue, checked against the contract's JSON Schemas; and, through the
//! `Publisher` seam, what happens when the bus refuses some entries.

mod moto;

use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;
use command_api::commands::TicketService;
use command_api::db::{Db, now_micros};
use command_api::event_store::{EventStore, StoredEvent};
use command_api::http::fields::Fields;
use command_api::intake::{self, Start};
use domain::metadata::CommandContext;
use domain::ticket::{Attachment, CustomerMessage, MessageSource};
use domain::values::{Body, NoteBody, Subject};
use domain::{Actor, Priority, Status, TicketCommand};
use projections::checkpoint;
use projections::engine::{Step, Worker, WorkerError};
use projections::integration::eventbridge::{
    Entry, EventBridgePublisher, MAX_ENTRIES_PER_CALL, Outcome, Publisher, SOURCE,
};
use projections::integration::{self, IntegrationPublisher, Retry};
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

/// The domain events the contract publishes (docs/integration-events).
const PUBLISHED: [&str; 8] = [
    "TicketOpened",
    "StatusChanged",
    "PriorityChanged",
    "TicketAssigned",
    "TicketUnassigned",
    "ReplyQueued",
    "CustomerMessageReceived",
    "TicketClosed",
];

/// A log with more than two calls' worth of published events on three
/// tickets, plus an internal note that must never leave.
struct Log {
    tickets: TicketService,
    numbers: HashMap<String, String>,
}

impl Log {
    async fn write(db: &Db) -> Self {
        // As the service does when a bus is configured.
        checkpoint::ensure(db, integration::NAME)
            .await
            .expect("creates the checkpoint");
        let tickets = TicketService::new(EventStore::new(db.clone()));
        let mut log = Self {
            tickets,
            numbers: HashMap::new(),
        };
        let a = log.open("配送について").await;
        let b = log.open("返品について").await;
        let c = log.open("請求について").await;
        let message = CustomerMessage {
            message_id: Uuid::now_v7(),
            source: MessageSource::Email,
            from: None,
            from_name: None,
            subject: Some(Subject::parse("Re: 配送について").expect("valid")),
            body: Body::parse("まだ届いていません。").expect("valid"),
            mail_message_id: Some("<m1@example.jp>".into()),
            attachments: vec![Attachment {
                name: "写真.jpg".into(),
                content_type: "image/jpeg".into(),
                size: 1024,
                storage_key: "attachments/x".into(),
            }],
            received_at: OffsetDateTime::now_utc(),
            raw_mail: None,
        };
        for (ticket, command) in [
            (
                a,
                TicketCommand::ChangeStatus {
                    to: Status::InProgress,
                },
            ),
            (a, TicketCommand::Assign { to: 3 }),
            (a, TicketCommand::ChangePriority { to: Priority::High }),
            (
                a,
                TicketCommand::AddInternalNote {
                    note_id: Uuid::now_v7(),
                    body: NoteBody::parse("社内メモ: 倉庫に確認中").expect("valid"),
                },
            ),
            (
                a,
                TicketCommand::QueueReply {
                    reply_id: Uuid::now_v7(),
                    subject: Subject::parse("【ご回答】配送について").expect("valid"),
                    body: Body::parse("本日発送いたしました。").expect("valid"),
                },
            ),
            (a, TicketCommand::ReceiveCustomerMessage(Box::new(message))),
            (a, TicketCommand::Unassign),
            (a, TicketCommand::ChangeStatus { to: Status::Closed }),
            (b, TicketCommand::ChangeStatus { to: Status::Closed }),
            (c, TicketCommand::Assign { to: 2 }),
        ] {
            let agent = CommandContext::new(Actor::Agent(3), OffsetDateTime::now_utc(), None);
            log.tickets
                .execute(ticket, None, command, &agent, None)
                .await
                .expect("the command is accepted");
        }
        log
    }

    async fn open(&mut self, subject: &str) -> Uuid {
        let request = json!({ "category_id": 1, "subject": subject, "body": "本文です。", "customer_name": "山田 太郎", "customer_email": "taro@example.jp" });
        let map = request.as_object().cloned().unwrap_or_default();
        let mut fields = Fields::new(&map);
        let db = self.tickets.store().db();
        let inquiry = intake::read_inquiry(db, &mut fields, false)
            .await
            .expect("reads")
            .expect("valid");
        let ctx = CommandContext::new(Actor::Customer, OffsetDateTime::now_utc(), None);
        let outcome = intake::open(db, &self.tickets, inquiry, Start::form(), &ctx, None)
            .await
            .expect("opens");
        self.numbers.insert(
            outcome.ticket_id.to_string(),
            outcome.inquiry_number.to_string(),
        );
        outcome.ticket_id
    }

    fn store(&self) -> &EventStore {
        self.tickets.store()
    }

    async fn events(&self) -> Vec<StoredEvent> {
        self.store()
            .read_all(0, 10_000)
            .await
            .expect("reads the log")
    }

    async fn published(&self) -> Vec<StoredEvent> {
        let published: Vec<StoredEvent> = self
            .events()
            .await
            .into_iter()
            .filter(|e| PUBLISHED.contains(&e.event_type.as_str()))
            .collect();
        assert!(
            published.len() > MAX_ENTRIES_PER_CALL,
            "{}",
            published.len()
        );
        published
    }

    async fn checkpoint(&self) -> i64 {
        checkpoint::load(self.store().db(), integration::NAME)
            .await
            .expect("the migration created the checkpoint")
            .position
    }
}

/// Checks details with the contract's own validator
/// (docs/integration-events/validate_examples.py); returns its complaints.
fn schema_problems(details: &[(String, Value)]) -> Vec<String> {
    const SCRIPT: &str = r#"
import json, pathlib, sys
sys.dont_write_bytecode = True
folder = pathlib.Path(sys.argv[1])
sys.path.insert(0, str(folder))
from validate_examples import load_json, validate
problems = []
for detail_type, detail in json.load(sys.stdin):
    schema = load_json(folder / f"{detail_type}.v1.schema.json")
    problems += [f"{detail_type} at {detail.get('position')}: {e}" for e in validate(detail, schema)]
print(json.dumps(problems))
"#;
    use std::io::Write;
    let folder = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../docs/integration-events");
    let mut child = std::process::Command::new("python3")
        .arg("-c")
        .arg(SCRIPT)
        .arg(&folder)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("python3 runs the contract's validator");
    let input = serde_json::to_vec(details).expect("serializes");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(&input)
        .expect("writes");
    let output = child.wait_with_output().expect("finishes");
    assert!(output.status.success(), "the validator failed");
    serde_json::from_slice(&output.stdout).expect("a JSON list of problems")
}

/// Counts the calls the real publisher gets, to see the batching.
struct CountingCalls {
    inner: EventBridgePublisher,
    sizes: Mutex<Vec<usize>>,
}

#[async_trait]
impl Publisher for CountingCalls {
    async fn publish(&self, entries: &[Entry]) -> anyhow::Result<Vec<Outcome>> {
        self.sizes.lock().expect("lock").push(entries.len());
        self.inner.publish(entries).await
    }
}

/// A bus, and a rule that copies every Madoguchi event into a fresh queue.
async fn bus_into_queue(config: &aws_config::SdkConfig) -> (String, String) {
    let events = aws_sdk_eventbridge::Client::new(config);
    let sqs = aws_sdk_sqs::Client::new(config);
    let bus = moto::unique("madoguchi-test");
    events
        .create_event_bus()
        .name(&bus)
        .send()
        .await
        .expect("creates the bus");
    let queue_url = sqs
        .create_queue()
        .queue_name(moto::unique("integration"))
        .send()
        .await
        .expect("creates the queue")
        .queue_url
        .expect("has a URL");
    let arn = sqs
        .get_queue_attributes()
        .queue_url(&queue_url)
        .attribute_names(aws_sdk_sqs::types::QueueAttributeName::QueueArn)
        .send()
        .await
        .expect("reads the queue")
        .attributes
        .and_then(|a| {
            a.get(&aws_sdk_sqs::types::QueueAttributeName::QueueArn)
                .cloned()
        })
        .expect("has an ARN");
    // The rule the contract documents for receiving every Madoguchi event.
    let pattern = json!({ "source": [SOURCE], "detail-type": [{ "prefix": "ticket." }] });
    events
        .put_rule()
        .name("all-madoguchi-events")
        .event_bus_name(&bus)
        .event_pattern(pattern.to_string())
        .send()
        .await
        .expect("creates the rule");
    events
        .put_targets()
        .rule("all-madoguchi-events")
        .event_bus_name(&bus)
        .targets(
            aws_sdk_eventbridge::types::Target::builder()
                .id("queue")
                .arn(arn)
                .build()
                .expect("valid target"),
        )
        .send()
        .await
        .expect("targets the queue");
    (bus, queue_url)
}

async fn receive_all(config: &aws_config::SdkConfig, queue_url: &str) -> Vec<Value> {
    let sqs = aws_sdk_sqs::Client::new(config);
    let mut received = Vec::new();
    for _ in 0..20 {
        let batch = sqs
            .receive_message()
            .queue_url(queue_url)
            .max_number_of_messages(10)
            .wait_time_seconds(1)
            .send()
            .await
            .expect("receives")
            .messages
            .unwrap_or_default();
        if batch.is_empty() {
            break;
        }
        for message in batch {
            received.push(serde_json::from_str(message.body().unwrap_or("")).expect("JSON event"));
        }
    }
    received
}

async fn every_published_event_arrives_once_and_matches_its_schema(db: Db) {
    let Some(endpoint) =
        moto::endpoint("every_published_event_arrives_once_and_matches_its_schema")
    else {
        return;
    };
    let config = moto::config(&endpoint).await;
    let (bus, queue_url) = bus_into_queue(&config).await;
    let log = Log::write(&db).await;
    let calls = Arc::new(CountingCalls {
        inner: EventBridgePublisher::new(&config, &bus),
        sizes: Mutex::new(Vec::new()),
    });
    let worker = Worker::reactor(
        log.store().clone(),
        Arc::new(IntegrationPublisher::new(
            log.store().clone(),
            calls.clone(),
        )),
    );

    let all = log.events().await;
    assert_eq!(
        worker.run_once().await.expect("publishes"),
        Step::Processed(all.len())
    );
    assert_eq!(worker.run_once().await.expect("steps"), Step::CaughtUp);

    let published = log.published().await;
    let sizes = calls.sizes.lock().expect("lock").clone();
    assert!(
        sizes.len() >= 2 && sizes.iter().all(|n| *n <= MAX_ENTRIES_PER_CALL),
        "{sizes:?}"
    );
    assert_eq!(sizes.iter().sum::<usize>(), published.len());
    assert_eq!(
        log.checkpoint().await,
        log.store().head_position().await.expect("head")
    );

    let received = receive_all(&config, &queue_url).await;
    let mut by_event_id: HashMap<String, &Value> = HashMap::new();
    for event in &received {
        let id = event["detail"]["event_id"]
            .as_str()
            .expect("event_id")
            .to_owned();
        assert!(
            by_event_id.insert(id, event).is_none(),
            "delivered twice: {event}"
        );
    }
    assert_eq!(received.len(), published.len());
    let note = all
        .iter()
        .find(|e| e.event_type == "InternalNoteAdded")
        .expect("the log has a note");
    assert!(
        !by_event_id.contains_key(&note.event_id.to_string()),
        "notes never leave"
    );
    let mut details = Vec::new();
    for stored in &published {
        let event = by_event_id
            .get(&stored.event_id.to_string())
            .unwrap_or_else(|| {
                panic!("{} at {} never arrived", stored.event_type, stored.position)
            });
        let detail = &event["detail"];
        assert_eq!(event["source"], SOURCE);
        assert_eq!(detail["position"], stored.position);
        assert_eq!(detail["ticket_id"], stored.aggregate_id.as_str());
        assert_eq!(
            detail["inquiry_number"],
            log.numbers[&stored.aggregate_id].as_str()
        );
        let occurred: OffsetDateTime = time::OffsetDateTime::parse(
            detail["occurred_at"].as_str().expect("occurred_at"),
            &time::format_description::well_known::Rfc3339,
        )
        .expect("RFC 3339");
        let time: OffsetDateTime = time::OffsetDateTime::parse(
            event["time"].as_str().expect("time"),
            &time::format_description::well_known::Rfc3339,
        )
        .expect("RFC 3339");
        assert_eq!(time.unix_timestamp(), occurred.unix_timestamp());
        let detail_type = event["detail-type"]
            .as_str()
            .expect("detail-type")
            .to_owned();
        details.push((detail_type, detail.clone()));
    }
    let types: HashSet<&str> = details.iter().map(|(t, _)| t.as_str()).collect();
    assert_eq!(
        types.len(),
        7,
        "every documented type is covered: {types:?}"
    );
    let text = serde_json::to_string(&received).expect("serializes");
    for personal in [
        "taro@example.jp",
        "山田",
        "配送について",
        "本日発送",
        "写真.jpg",
        "attachments/x",
    ] {
        assert!(!text.contains(personal), "{personal} left Madoguchi");
    }
    assert_eq!(schema_problems(&details), Vec::<String>::new());
    // The validator is live: a detail with personal data is refused.
    let mut leaked = details[0].clone();
    leaked.1["customer_email"] = json!("taro@example.jp");
    assert!(!schema_problems(&[leaked]).is_empty());
}

/// A bus that refuses chosen entries a given number of times, and records
/// every entry it accepted.
#[derive(Default)]
struct Refusing {
    refusals: Mutex<HashMap<i64, u32>>,
    accepted: Mutex<Vec<i64>>,
}

#[async_trait]
impl Publisher for Refusing {
    async fn publish(&self, entries: &[Entry]) -> anyhow::Result<Vec<Outcome>> {
        assert!(entries.len() <= MAX_ENTRIES_PER_CALL);
        let mut refusals = self.refusals.lock().expect("lock");
        let mut accepted = self.accepted.lock().expect("lock");
        Ok(entries
            .iter()
            .map(|entry| match refusals.get_mut(&entry.position) {
                Some(left) if *left > 0 => {
                    *left -= 1;
                    Outcome::Failed("InternalFailure: try again".into())
                }
                _ => {
                    accepted.push(entry.position);
                    Outcome::Accepted
                }
            })
            .collect())
    }
}

fn quick() -> Retry {
    Retry {
        attempts: 3,
        first_backoff: Duration::from_millis(1),
    }
}

async fn refused_entries_are_retried_and_the_checkpoint_never_passes_them(db: Db) {
    let log = Log::write(&db).await;
    let published: Vec<i64> = log.published().await.iter().map(|e| e.position).collect();
    let head = log.store().head_position().await.expect("head");
    // One entry refused once (retried within the step), and one in the
    // second call refused until the bus recovers.
    let flaky = published[2];
    let stuck = published[MAX_ENTRIES_PER_CALL + 1];
    let bus = Arc::new(Refusing::default());
    bus.refusals
        .lock()
        .expect("lock")
        .extend([(flaky, 1), (stuck, u32::MAX)]);
    let worker = Worker::reactor(
        log.store().clone(),
        Arc::new(IntegrationPublisher::new(log.store().clone(), bus.clone()).with_retry(quick())),
    );

    let error = worker
        .run_once()
        .await
        .expect_err("one entry is still refused");
    assert!(matches!(error, WorkerError::Reaction(_)), "{error}");
    assert_eq!(
        log.checkpoint().await,
        stuck - 1,
        "stops just before the refused event"
    );
    {
        let accepted = bus.accepted.lock().expect("lock");
        let before: Vec<i64> = published.iter().copied().filter(|p| *p < stuck).collect();
        assert!(before.iter().all(|p| accepted.contains(p)), "{accepted:?}");
        assert_eq!(accepted.iter().filter(|p| **p == flaky).count(), 1);
        assert!(!accepted.contains(&stuck));
    }

    // The bus recovers; a restarted publisher (nothing cached) resumes at
    // the refused event, looking its ticket's inquiry number up again.
    bus.refusals.lock().expect("lock").clear();
    let after_the_lease = Arc::new(|| now_micros() + 60_000_000);
    let restarted = Worker::reactor(
        log.store().clone(),
        Arc::new(IntegrationPublisher::new(log.store().clone(), bus.clone()).with_retry(quick())),
    )
    .with_clock(after_the_lease);
    assert!(matches!(
        restarted.run_once().await.expect("publishes"),
        Step::Processed(_)
    ));
    assert_eq!(log.checkpoint().await, head);
    let accepted = bus.accepted.lock().expect("lock").clone();
    for position in &published {
        let times = accepted.iter().filter(|p| *p == position).count();
        if *position < stuck {
            assert_eq!(times, 1, "{position} was published again: {accepted:?}");
        } else {
            // Entries after the refused one in its call may go out twice:
            // at least once is the promise.
            assert!(times >= 1, "{position} never published: {accepted:?}");
        }
    }
    assert_eq!(accepted.iter().filter(|p| **p == stuck).count(), 1);
}

command_api::contract_tests!(
    every_published_event_arrives_once_and_matches_its_schema,
    refused_entries_are_retried_and_the_checkpoint_never_passes_them,
);
