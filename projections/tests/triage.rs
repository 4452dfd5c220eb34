//! Automatic triage: the default rules on a labelled inquiry set, and the
//! reactor on both backends.

use std::sync::Arc;

use command_api::commands::TicketService;
use command_api::db::Db;
use command_api::event_store::EventStore;
use command_api::http::fields::Fields;
use command_api::intake::{self, Start};
use command_api::on_pool;
use command_api::testing::sealed_store;
use command_api::triage_rules::{self, RuleInput};
use cqrs_es::Aggregate;
use domain::metadata::CommandContext;
use domain::{Actor, Channel, Priority, Ticket, TicketCommand};
use projections::engine::{Step, Worker};
use projections::triage::{TriageReactor, rules};
use serde_json::{Value, json};
use time::OffsetDateTime;
use uuid::Uuid;

#[derive(serde::Deserialize)]
struct Labelled {
    id: String,
    category: String,
    channel: String,
    subject: String,
    body: String,
    urgent: bool,
}

/// The shipped default rules meet the targets on the labelled set: nearly
/// every urgent inquiry is caught, and few calm ones are raised.
#[tokio::test]
async fn the_default_rules_catch_urgent_inquiries() {
    let test_db = command_api::testing::TestDb::sqlite().await;
    let db = test_db.db.clone();
    let rules = rules::load_active(&db).await.expect("loads");
    let categories: Vec<(i64, String)> = on_pool!(&db, pool => sqlx::query_as("SELECT id, name FROM categories").fetch_all(pool).await).expect("reads");
    let set: Vec<Labelled> = serde_json::from_str(include_str!("fixtures/triage/inquiries.json"))
        .expect("fixture parses");
    assert!(set.len() >= 40);
    let (mut caught, mut missed, mut false_alarms) = (0, Vec::new(), 0);
    for inquiry in &set {
        let category = categories
            .iter()
            .find(|(_, n)| *n == inquiry.category)
            .map(|(id, _)| *id);
        let channel = inquiry.channel.parse::<Channel>().ok();
        let raised = rules::judge(
            &rules,
            &format!("{}\n{}", inquiry.subject, inquiry.body),
            rules::Facts {
                category_id: category,
                channel,
                days_since_previous: None,
            },
        )
        .is_some();
        match (inquiry.urgent, raised) {
            (true, true) => caught += 1,
            (true, false) => missed.push(inquiry.id.clone()),
            (false, true) => false_alarms += 1,
            (false, false) => {}
        }
    }
    let urgent = caught + missed.len();
    let recall = caught as f64 / urgent as f64;
    let precision = caught as f64 / (caught + false_alarms) as f64;
    println!(
        "triage on {} inquiries: recall {recall:.3}, precision {precision:.3}, missed {missed:?}",
        set.len()
    );
    assert!(
        recall >= 0.95,
        "recall {recall:.3} below 0.95; missed {missed:?}"
    );
    assert!(precision >= 0.8, "precision {precision:.3} below 0.8");
}

async fn open(db: &Db, tickets: &TicketService, subject: &str, body: &str) -> Uuid {
    open_from(db, tickets, "taro@example.jp", subject, body).await
}

async fn open_from(
    db: &Db,
    tickets: &TicketService,
    email: &str,
    subject: &str,
    body: &str,
) -> Uuid {
    let request = json!({ "category_id": 1, "subject": subject, "body": body, "customer_name": "山田", "customer_email": email });
    let map = request.as_object().cloned().unwrap_or_default();
    let mut fields = Fields::new(&map);
    let inquiry = intake::read_inquiry(db, &mut fields, false)
        .await
        .expect("reads")
        .expect("valid");
    let ctx = CommandContext::new(Actor::Customer, OffsetDateTime::now_utc(), None);
    intake::open(db, tickets, inquiry, Start::form(), &ctx, None)
        .await
        .expect("opens")
        .ticket_id
}

async fn run(worker: &Worker) {
    while worker.run_once().await.expect("steps") != Step::CaughtUp {}
}

async fn triage_event(tickets: &TicketService, id: Uuid) -> Option<Value> {
    let stored = tickets
        .store()
        .read_stream(Ticket::TYPE, &id.to_string())
        .await
        .expect("reads");
    stored
        .iter()
        .find(|e| e.event_type == "PriorityRaised")
        .map(|e| json!({ "payload": e.payload, "actor": e.metadata["actor"] }))
}

async fn urgent_words_raise_the_priority_as_system_triage(db: Db) {
    let tickets = TicketService::new(EventStore::new(db.clone()));
    let worker = Worker::reactor(
        tickets.store().clone(),
        Arc::new(TriageReactor::new(tickets.clone())),
    );
    let refund = open(
        &db,
        &tickets,
        "返金してほしい",
        "届いた商品が壊れていました。",
    )
    .await;
    let fire = open(&db, &tickets, "充電器について", "充電中に発火しました。").await;
    let calm = open(
        &db,
        &tickets,
        "サイズについて",
        "Mサイズの着丈を教えてください。",
    )
    .await;
    run(&worker).await;
    assert_eq!(
        tickets.load(refund).await.expect("loads").ticket.priority(),
        Priority::High
    );
    assert_eq!(
        tickets.load(fire).await.expect("loads").ticket.priority(),
        Priority::Urgent
    );
    assert_eq!(
        tickets.load(calm).await.expect("loads").ticket.priority(),
        Priority::Medium
    );
    let raised = triage_event(&tickets, fire).await.expect("raised");
    assert_eq!(raised["actor"], "system:triage");
    assert_eq!(raised["payload"]["matched"], "発火し");
    let hits: i64 = on_pool!(&db, pool => sqlx::query_scalar("SELECT hit_count FROM triage_rules WHERE id = ?").bind(raised["payload"]["rule_id"].as_i64()).fetch_one(pool).await).expect("reads");
    assert_eq!(hits, 1);

    // A replay from the beginning raises nothing twice.
    let head = tickets.store().head_position().await.expect("reads");
    on_pool!(&db, pool => sqlx::query("UPDATE projection_checkpoints SET position = 0 WHERE name = 'triage'").execute(pool).await.map(|_| ())).expect("resets");
    run(&worker).await;
    assert_eq!(
        tickets.store().head_position().await.expect("reads"),
        head,
        "the replay appended nothing"
    );
}

async fn an_agents_choice_stands_and_rule_edits_apply_at_once(db: Db) {
    let tickets = TicketService::new(EventStore::new(db.clone()));
    let worker = Worker::reactor(
        tickets.store().clone(),
        Arc::new(TriageReactor::new(tickets.clone())),
    );
    let id = open(&db, &tickets, "至急", "返金してください").await;
    let agent = CommandContext::new(Actor::Agent(1), OffsetDateTime::now_utc(), None);
    tickets
        .execute(
            id,
            None,
            TicketCommand::ChangePriority {
                to: Priority::Urgent,
            },
            &agent,
            None,
        )
        .await
        .expect("changes");
    run(&worker).await;
    assert!(
        triage_event(&tickets, id).await.is_none(),
        "urgent already: triage does nothing"
    );
    assert_eq!(
        tickets.load(id).await.expect("loads").ticket.priority(),
        Priority::Urgent
    );

    // A supervisor adds a rule while the worker keeps running.
    on_pool!(&db, pool => sqlx::query(
        "INSERT INTO triage_rules (name, keywords, priority, tag, active, hit_count, created_at, updated_at) VALUES ('新商品の不具合', 'ふわふわケトル', 'urgent', 'product', TRUE, 0, 0, 0)",
    ).execute(pool).await.map(|_| ())).expect("inserts");
    let kettle = open(&db, &tickets, "フワフワケトルについて", "動きません").await;
    run(&worker).await;
    assert_eq!(
        tickets.load(kettle).await.expect("loads").ticket.priority(),
        Priority::Urgent,
        "katakana matched the hiragana keyword"
    );
}

async fn a_repeat_contact_within_the_window_raises_the_priority(db: Db) {
    let tickets = TicketService::new(sealed_store(&db));
    let worker = Worker::reactor(
        tickets.store().clone(),
        Arc::new(TriageReactor::new(tickets.clone())),
    );
    let rule = RuleInput {
        name: "1週間以内の再問い合わせ".into(),
        keywords: Vec::new(),
        priority: "high",
        tag: "repeat".into(),
        active: true,
        category_id: None,
        channel: None,
        repeat_within_days: Some(7),
        assignee_group: None,
    };
    let rule_id = triage_rules::create(&db, &rule).await.expect("creates");
    let calm = ("サイズについて", "Mサイズの着丈を教えてください。");
    let first = open_from(&db, &tickets, "kana@example.jp", calm.0, calm.1).await;
    // The same customer, whatever case the address is typed in.
    let again = open_from(&db, &tickets, "KANA@example.JP", calm.0, calm.1).await;
    let stranger = open_from(&db, &tickets, "mio@example.jp", calm.0, calm.1).await;
    // Another customer whose previous inquiry was ten days ago.
    let old = open_from(&db, &tickets, "rin@example.jp", calm.0, calm.1).await;
    on_pool!(&db, pool => sqlx::query("UPDATE stream_claims SET claimed_at = claimed_at - ? WHERE aggregate_id = ?")
        .bind(10 * 86_400_000_000_i64)
        .bind(old.to_string())
        .execute(pool)
        .await
        .map(|_| ()))
    .expect("ages the claim");
    let later = open_from(&db, &tickets, "rin@example.jp", calm.0, calm.1).await;
    run(&worker).await;

    let priority = |id| {
        let tickets = tickets.clone();
        async move { tickets.load(id).await.expect("loads").ticket.priority() }
    };
    assert_eq!(priority(first).await, Priority::Medium, "a first contact");
    assert_eq!(
        priority(again).await,
        Priority::High,
        "a repeat within 7 days"
    );
    assert_eq!(priority(stranger).await, Priority::Medium);
    assert_eq!(
        priority(later).await,
        Priority::Medium,
        "outside the window"
    );
    let raised = triage_event(&tickets, again).await.expect("raised");
    assert_eq!(raised["payload"]["rule_id"], rule_id);
    assert_eq!(raised["payload"]["matched"], "7日以内の再問い合わせ");
    assert_eq!(raised["actor"], "system:triage");
}

command_api::contract_tests!(
    urgent_words_raise_the_priority_as_system_triage,
    an_agents_choice_stands_and_rule_edits_apply_at_once,
    a_repeat_contact_within_the_window_raises_the_priority,
);
