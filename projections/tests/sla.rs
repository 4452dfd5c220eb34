//! The SLA watcher with an injected clock, on both backends.

use std::sync::Arc;

use command_api::commands::TicketService;
use command_api::db::Db;
use command_api::event_store::EventStore;
use command_api::numbers;
use command_api::sla_policies;
use cqrs_es::Aggregate;
use domain::metadata::CommandContext;
use domain::sla::Targets;
use domain::ticket::{Customer, OpenTicket};
use domain::values::{Body, CustomerEmail, CustomerName, Subject};
use domain::{Actor, Channel, Priority, Status, Ticket};
use projections::engine::{Step, Worker};
use projections::sla::SlaWatcher;
use projections::tickets::TicketsProjection;
use time::macros::datetime;
use uuid::Uuid;

/// A high-priority form inquiry received Friday 2026-11-20 17:00 JST.
async fn open_friday_evening(db: &Db, tickets: &TicketService) -> Uuid {
    let received_at = datetime!(2026-11-20 17:00 +9);
    let ticket_id = Uuid::now_v7();
    let open = OpenTicket {
        ticket_id,
        inquiry_number: numbers::allocate(db, received_at).await.expect("allocates"),
        channel: Channel::Form,
        category_id: 1,
        customer: Customer {
            name: CustomerName::parse("山田 太郎").expect("valid"),
            email: Some(CustomerEmail::parse("taro@example.jp").expect("valid")),
        },
        order_number: None,
        subject: Subject::parse("返金してほしい").expect("valid"),
        body: Body::parse("壊れていました").expect("valid"),
        priority: Priority::High,
        status: Status::New,
        assignee: None,
        attachments: Vec::new(),
        received_at,
        raw_mail: None,
        customer_ref: None,
    };
    tickets
        .open(
            open,
            &CommandContext::new(Actor::Customer, received_at, None),
            None,
        )
        .await
        .expect("opens");
    ticket_id
}

async fn a_passed_first_response_target_is_recorded_once_by_system_sla(db: Db) {
    let tickets = TicketService::new(EventStore::new(db.clone()));
    // Friday 17:00 JST, high priority: the first answer is due Tuesday 12:00,
    // since the weekend and Monday's holiday (勤労感謝の日) do not count.
    let ticket_id = open_friday_evening(&db, &tickets).await;
    let projection = Worker::new(tickets.store().clone(), Arc::new(TicketsProjection));
    while projection.run_once().await.expect("steps") != Step::CaughtUp {}

    let watcher = SlaWatcher::new(tickets.clone());
    assert_eq!(
        watcher
            .run_once(datetime!(2026-11-24 11:59 +9))
            .await
            .expect("checks"),
        0
    );
    assert_eq!(
        watcher
            .run_once(datetime!(2026-11-24 12:01 +9))
            .await
            .expect("checks"),
        1
    );
    assert_eq!(
        watcher
            .run_once(datetime!(2026-11-24 12:02 +9))
            .await
            .expect("checks"),
        0,
        "recorded once"
    );
    let stream = tickets
        .store()
        .read_stream(Ticket::TYPE, &ticket_id.to_string())
        .await
        .expect("reads");
    let breach = stream
        .iter()
        .find(|e| e.event_type == "SlaBreached")
        .expect("recorded");
    assert_eq!(breach.metadata["actor"], "system:sla");
    assert_eq!(breach.payload["kind"], "first_response");
    assert_eq!(breach.payload["due_at"], "2026-11-24T03:00:00Z");
    while projection.run_once().await.expect("steps") != Step::CaughtUp {}
    let kinds: Vec<String> = command_api::on_pool!(&db, pool => sqlx::query_scalar("SELECT kind FROM rm_timeline_g1 ORDER BY sequence").fetch_all(pool).await).expect("reads");
    assert!(kinds.contains(&"sla_breached".to_owned()), "{kinds:?}");
}

async fn an_admins_targets_apply_on_the_next_pass_and_the_dashboard_counts_breaches(db: Db) {
    let tickets = TicketService::new(EventStore::new(db.clone()));
    let ticket_id = open_friday_evening(&db, &tickets).await;
    let projection = Worker::new(tickets.store().clone(), Arc::new(TicketsProjection));
    while projection.run_once().await.expect("steps") != Step::CaughtUp {}
    let watcher = SlaWatcher::new(tickets.clone());
    // Under the default four hours nothing has passed on Tuesday at 10:01.
    assert_eq!(
        watcher
            .run_once(datetime!(2026-11-24 10:01 +9))
            .await
            .expect("checks"),
        0
    );
    let counted = sla_policies::open_breaches(&db).await.expect("reads");
    assert_eq!((counted.first_response, counted.resolution), (0, 0));
    assert!(counted.counted_at.is_some());
    // An admin asks high priority to be answered within two business hours.
    let stricter = sla_policies::load(&db).await.expect("loads").with(
        Priority::High,
        Targets {
            first_response: 120,
            resolution: 9 * 60,
        },
    );
    sla_policies::save(&db, &stricter).await.expect("saves");
    assert_eq!(
        watcher
            .run_once(datetime!(2026-11-24 10:01 +9))
            .await
            .expect("checks"),
        1
    );
    let stream = tickets
        .store()
        .read_stream(Ticket::TYPE, &ticket_id.to_string())
        .await
        .expect("reads");
    let breach = stream
        .iter()
        .find(|e| e.event_type == "SlaBreached")
        .expect("recorded");
    assert_eq!(breach.payload["target_minutes"], 120);
    assert_eq!(breach.payload["due_at"], "2026-11-24T01:00:00Z");
    let counted = sla_policies::open_breaches(&db).await.expect("reads");
    assert_eq!((counted.first_response, counted.resolution), (1, 0));
}

command_api::contract_tests!(
    a_passed_first_response_target_is_recorded_once_by_system_sla,
    an_admins_targets_apply_on_the_next_pass_and_the_dashboard_counts_breaches,
);
