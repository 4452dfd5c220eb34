//! The store drives the aggregate through cqrs-es's own framework too.

use std::collections::HashMap;

use command_api::db::Db;
use command_api::event_store::EventStore;
use cqrs_es::{AggregateError, CqrsFramework, EventStore as _};
use domain::ticket::{Customer, OpenTicket};
use domain::values::{Body, CustomerEmail, CustomerName, InquiryNumber, Subject};
use domain::{Channel, Priority, Status, Ticket, TicketCommand, TicketError};
use time::OffsetDateTime;
use uuid::Uuid;

fn open(id: Uuid) -> TicketCommand {
    TicketCommand::Open(Box::new(OpenTicket {
        ticket_id: id,
        inquiry_number: InquiryNumber::new(time::macros::date!(2026 - 11 - 28), 7).expect("valid"),
        channel: Channel::Form,
        category_id: 1,
        customer: Customer {
            name: CustomerName::parse("山田 太郎").expect("valid"),
            email: Some(CustomerEmail::parse("taro@example.jp").expect("valid")),
        },
        order_number: None,
        subject: Subject::parse("返金してほしい").expect("valid"),
        body: Body::parse("壊れていました。").expect("valid"),
        priority: Priority::Medium,
        status: Status::New,
        assignee: None,
        attachments: Vec::new(),
        received_at: OffsetDateTime::now_utc(),
        raw_mail: None,
        customer_ref: None,
    }))
}

async fn the_framework_executes_commands_against_the_store(db: Db) {
    let store = EventStore::new(db);
    let cqrs = CqrsFramework::new(store.clone(), vec![], ());
    let id = Uuid::now_v7().to_string();
    let metadata = HashMap::from([("actor".to_owned(), "agent:3".to_owned())]);
    cqrs.execute_with_metadata(
        &id,
        open(Uuid::parse_str(&id).expect("uuid")),
        metadata.clone(),
    )
    .await
    .expect("opens");
    cqrs.execute_with_metadata(
        &id,
        TicketCommand::ChangeStatus {
            to: Status::InProgress,
        },
        metadata,
    )
    .await
    .expect("moves");

    let events = store.load_events(&id).await.expect("loads");
    assert_eq!(events.len(), 2);
    assert_eq!(events[1].sequence, 2);
    assert_eq!(events[1].metadata["actor"], "agent:3");
    let context = store.load_aggregate(&id).await.expect("loads");
    let mut context = context;
    assert_eq!(
        cqrs_es::AggregateContext::aggregate(&mut context).status(),
        Status::InProgress
    );

    let refused = cqrs
        .execute(&id, TicketCommand::ChangeStatus { to: Status::New })
        .await;
    assert!(
        matches!(
            refused,
            Err(AggregateError::UserError(
                TicketError::IllegalTransition { .. }
            ))
        ),
        "{refused:?}"
    );
    let _: &Ticket = cqrs_es::AggregateContext::aggregate(&mut context);
}

command_api::contract_tests!(the_framework_executes_commands_against_the_store);
