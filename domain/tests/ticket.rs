//! Given/when/then tests of the Ticket aggregate's rules.

use cqrs_es::test::TestFramework;
use domain::ticket::{Customer, CustomerMessage, MessageSource, OpenTicket};
use domain::values::{Body, CustomerEmail, CustomerName, InquiryNumber, NoteBody, Subject};
use domain::{Channel, Priority, Status, Ticket, TicketCommand, TicketError, TicketEvent};
use time::macros::{date, datetime};
use uuid::Uuid;

type Framework = TestFramework<Ticket>;

fn framework() -> Framework {
    TestFramework::with(())
}

fn ticket_id() -> Uuid {
    Uuid::from_u128(0x0190_0000_0000_7000_8000_0000_0000_0001)
}

fn customer() -> Customer {
    Customer {
        name: CustomerName::parse("山田 太郎").expect("valid"),
        email: Some(CustomerEmail::parse("taro@example.jp").expect("valid")),
    }
}

fn open_command(channel: Channel) -> OpenTicket {
    OpenTicket {
        ticket_id: ticket_id(),
        inquiry_number: InquiryNumber::new(date!(2026 - 11 - 28), 1).expect("valid"),
        channel,
        category_id: 1,
        customer: customer(),
        order_number: None,
        subject: Subject::parse("商品が届きません").expect("valid"),
        body: Body::parse("注文した商品がまだ届きません。").expect("valid"),
        priority: Priority::Medium,
        status: Status::New,
        assignee: None,
        attachments: Vec::new(),
        received_at: datetime!(2026-11-28 05:00 UTC),
        raw_mail: None,
        customer_ref: None,
    }
}

fn opened() -> TicketEvent {
    let open = open_command(Channel::Form);
    TicketEvent::TicketOpened {
        ticket_id: open.ticket_id,
        inquiry_number: open.inquiry_number,
        channel: open.channel,
        category_id: open.category_id,
        customer: open.customer,
        order_number: open.order_number,
        subject: open.subject,
        body: open.body,
        priority: open.priority,
        received_at: open.received_at,
        attachments: open.attachments,
        customer_ref: None,
        raw_mail: None,
    }
}

fn moved(from: Status, to: Status) -> TicketEvent {
    TicketEvent::StatusChanged { from, to }
}

/// The events that bring a fresh ticket to `status` through allowed moves.
fn history_at(status: Status) -> Vec<TicketEvent> {
    let mut events = vec![opened()];
    match status {
        Status::New => {}
        Status::InProgress => events.push(moved(Status::New, Status::InProgress)),
        Status::Resolved => {
            events.push(moved(Status::New, Status::InProgress));
            events.push(moved(Status::InProgress, Status::Resolved));
        }
        Status::Closed => {
            events.push(moved(Status::New, Status::Closed));
            events.push(TicketEvent::TicketClosed {});
        }
    }
    events
}

fn reply(reply_id: Uuid) -> TicketCommand {
    TicketCommand::QueueReply {
        reply_id,
        subject: Subject::parse("【ご回答】INQ-20261128-0001").expect("valid"),
        body: Body::parse("お問い合わせありがとうございます。").expect("valid"),
    }
}

fn customer_message() -> CustomerMessage {
    CustomerMessage {
        message_id: Uuid::from_u128(9),
        source: MessageSource::Email,
        from: Some(CustomerEmail::parse("taro@example.jp").expect("valid")),
        from_name: None,
        subject: Some(Subject::parse("Re: 商品が届きません").expect("valid")),
        body: Body::parse("まだ届いていません。").expect("valid"),
        mail_message_id: Some("<abc@example.jp>".into()),
        attachments: vec![],
        received_at: datetime!(2026-11-29 01:00 UTC),
        raw_mail: None,
    }
}

#[test]
fn a_form_inquiry_opens_as_new_and_medium() {
    framework()
        .given_no_previous_events()
        .when(TicketCommand::Open(Box::new(open_command(Channel::Form))))
        .then_expect_events(vec![opened()]);
}

#[test]
fn a_ticket_opens_only_once() {
    framework()
        .given(vec![opened()])
        .when(TicketCommand::Open(Box::new(open_command(Channel::Form))))
        .then_expect_error(TicketError::AlreadyOpened);
}

#[test]
fn commands_on_a_missing_ticket_are_refused() {
    framework()
        .given_no_previous_events()
        .when(TicketCommand::ChangePriority { to: Priority::High })
        .then_expect_error(TicketError::NotOpened);
}

#[test]
fn mail_and_form_inquiries_need_an_address_but_phone_ones_do_not() {
    let mut open = open_command(Channel::Email);
    open.customer.email = None;
    framework()
        .given_no_previous_events()
        .when(TicketCommand::Open(Box::new(open.clone())))
        .then_expect_error(TicketError::EmailRequired);

    open.channel = Channel::Phone;
    let events = framework()
        .given_no_previous_events()
        .when(TicketCommand::Open(Box::new(open)))
        .inspect_result()
        .expect("phone inquiry without address opens");
    assert_eq!(events.len(), 1);
}

#[test]
fn a_phone_call_answered_on_the_spot_walks_the_allowed_path() {
    let mut open = open_command(Channel::Phone);
    open.status = Status::Resolved;
    open.assignee = Some(3);
    let events = framework()
        .given_no_previous_events()
        .when(TicketCommand::Open(Box::new(open)))
        .inspect_result()
        .expect("opens");
    assert_eq!(
        events[1..],
        [
            TicketEvent::TicketAssigned { from: None, to: 3 },
            moved(Status::New, Status::InProgress),
            moved(Status::InProgress, Status::Resolved),
        ]
    );
}

/// Every ordered pair of statuses, allowed or not, against the written table.
#[test]
fn every_status_pair_follows_the_table() {
    use Status::*;
    let allowed = [
        (New, InProgress),
        (New, Closed),
        (InProgress, Resolved),
        (InProgress, Closed),
        (Resolved, InProgress),
        (Resolved, Closed),
        (Closed, InProgress),
    ];
    for from in Status::ALL {
        for to in Status::ALL {
            let result = framework()
                .given(history_at(from))
                .when(TicketCommand::ChangeStatus { to })
                .inspect_result();
            if from == to {
                assert_eq!(result, Ok(vec![]), "{from:?} → {to:?} is a no-op");
            } else if allowed.contains(&(from, to)) {
                let events = result.unwrap_or_else(|e| panic!("{from:?} → {to:?} refused: {e}"));
                assert!(
                    events.contains(&moved(from, to)),
                    "{from:?} → {to:?}: {events:?}"
                );
            } else {
                assert_eq!(
                    result,
                    Err(TicketError::IllegalTransition { from, to }),
                    "{from:?} → {to:?}"
                );
            }
        }
    }
}

#[test]
fn closing_and_reopening_are_recorded_as_facts() {
    framework()
        .given(history_at(Status::Resolved))
        .when(TicketCommand::ChangeStatus { to: Status::Closed })
        .then_expect_events(vec![
            moved(Status::Resolved, Status::Closed),
            TicketEvent::TicketClosed {},
        ]);
    framework()
        .given(history_at(Status::Closed))
        .when(TicketCommand::ChangeStatus {
            to: Status::InProgress,
        })
        .then_expect_events(vec![
            TicketEvent::TicketReopened {},
            moved(Status::Closed, Status::InProgress),
        ]);
}

#[test]
fn the_illegal_transition_reason_is_japanese() {
    let error = TicketError::IllegalTransition {
        from: Status::Closed,
        to: Status::Resolved,
    };
    assert_eq!(
        error.to_string(),
        "ステータスを「クローズ」から「対応完了」に変更することはできません。"
    );
}

#[test]
fn priority_changes_record_from_and_to_and_repeat_is_a_no_op() {
    framework()
        .given(vec![opened()])
        .when(TicketCommand::ChangePriority {
            to: Priority::Urgent,
        })
        .then_expect_events(vec![TicketEvent::PriorityChanged {
            from: Priority::Medium,
            to: Priority::Urgent,
        }]);
    framework()
        .given(vec![opened()])
        .when(TicketCommand::ChangePriority {
            to: Priority::Medium,
        })
        .then_expect_events(vec![]);
}

#[test]
fn assignment_records_the_previous_assignee() {
    framework()
        .given(vec![
            opened(),
            TicketEvent::TicketAssigned { from: None, to: 1 },
        ])
        .when(TicketCommand::Assign { to: 2 })
        .then_expect_events(vec![TicketEvent::TicketAssigned {
            from: Some(1),
            to: 2,
        }]);
    framework()
        .given(vec![
            opened(),
            TicketEvent::TicketAssigned { from: None, to: 1 },
        ])
        .when(TicketCommand::Unassign)
        .then_expect_events(vec![TicketEvent::TicketUnassigned { from: 1 }]);
    framework()
        .given(vec![opened()])
        .when(TicketCommand::Unassign)
        .then_expect_events(vec![]);
}

#[test]
fn a_reply_on_a_new_ticket_takes_it_into_progress_and_threads_to_the_last_mail() {
    let reply_id = Uuid::from_u128(7);
    let mut given = vec![opened()];
    let TicketCommand::ReceiveCustomerMessage(message) =
        TicketCommand::ReceiveCustomerMessage(Box::new(customer_message()))
    else {
        unreachable!()
    };
    given.push(TicketEvent::CustomerMessageReceived {
        message_id: message.message_id,
        source: message.source,
        from: message.from,
        from_name: None,
        subject: message.subject,
        body: message.body,
        mail_message_id: message.mail_message_id,
        attachments: vec![],
        received_at: message.received_at,
        raw_mail: None,
    });
    let events = framework()
        .given(given)
        .when(reply(reply_id))
        .inspect_result()
        .expect("queued");
    assert_eq!(events[0], moved(Status::New, Status::InProgress));
    match &events[1] {
        TicketEvent::ReplyQueued {
            reply_id: id,
            to,
            in_reply_to,
            ..
        } => {
            assert_eq!(*id, reply_id);
            assert_eq!(to.as_str(), "taro@example.jp");
            assert_eq!(in_reply_to.as_deref(), Some("<abc@example.jp>"));
        }
        other => panic!("expected ReplyQueued, got {other:?}"),
    }
}

#[test]
fn nothing_can_be_replied_on_a_closed_ticket() {
    framework()
        .given(history_at(Status::Closed))
        .when(reply(Uuid::from_u128(1)))
        .then_expect_error(TicketError::ReplyOnClosed);
}

#[test]
fn triage_labels_a_ticket_once_and_only_with_what_is_new() {
    let labelled = TicketEvent::TicketLabelled {
        rule_id: 3,
        tag: Some("refund".into()),
        assignee_group: Some("返金チーム".into()),
    };
    framework()
        .given(vec![opened()])
        .when(TicketCommand::Label {
            rule_id: 3,
            tag: Some("refund".into()),
            assignee_group: Some("返金チーム".into()),
        })
        .then_expect_events(vec![labelled.clone()]);
    framework()
        .given(vec![opened(), labelled.clone()])
        .when(TicketCommand::Label {
            rule_id: 3,
            tag: Some("refund".into()),
            assignee_group: Some("返金チーム".into()),
        })
        .then_expect_events(vec![]);
    // Another rule with the same team but a new tag adds only the tag.
    framework()
        .given(vec![opened(), labelled])
        .when(TicketCommand::Label {
            rule_id: 5,
            tag: Some("defect".into()),
            assignee_group: Some("返金チーム".into()),
        })
        .then_expect_events(vec![TicketEvent::TicketLabelled {
            rule_id: 5,
            tag: Some("defect".into()),
            assignee_group: None,
        }]);
}

#[test]
fn a_phone_ticket_without_address_cannot_be_answered_by_mail() {
    let mut open = open_command(Channel::Phone);
    open.customer.email = None;
    let TicketEvent::TicketOpened { .. } = opened() else {
        unreachable!()
    };
    let phone_opened = TicketEvent::TicketOpened {
        ticket_id: open.ticket_id,
        inquiry_number: open.inquiry_number,
        channel: Channel::Phone,
        category_id: 1,
        customer: open.customer,
        order_number: None,
        subject: open.subject,
        body: open.body,
        priority: Priority::Medium,
        received_at: open.received_at,
        attachments: Vec::new(),
        customer_ref: None,
        raw_mail: None,
    };
    framework()
        .given(vec![phone_opened])
        .when(reply(Uuid::from_u128(1)))
        .then_expect_error(TicketError::NoCustomerEmail);
}

#[test]
fn a_customer_message_reopens_a_resolved_ticket_and_is_refused_on_a_closed_one() {
    let events = framework()
        .given(history_at(Status::Resolved))
        .when(TicketCommand::ReceiveCustomerMessage(Box::new(
            customer_message(),
        )))
        .inspect_result()
        .expect("recorded");
    assert_eq!(events[0], moved(Status::Resolved, Status::InProgress));
    assert!(matches!(
        events[1],
        TicketEvent::CustomerMessageReceived { .. }
    ));

    framework()
        .given(history_at(Status::Closed))
        .when(TicketCommand::ReceiveCustomerMessage(Box::new(
            customer_message(),
        )))
        .then_expect_error(TicketError::MessageOnClosed);
}

#[test]
fn deliveries_are_recorded_once_and_late_failures_change_nothing() {
    let reply_id = Uuid::from_u128(5);
    let queued = TicketEvent::ReplyQueued {
        reply_id,
        to: CustomerEmail::parse("taro@example.jp").expect("valid"),
        subject: Subject::parse("件名").expect("valid"),
        body: Body::parse("本文").expect("valid"),
        in_reply_to: None,
    };
    let delivered = TicketEvent::ReplyDelivered {
        reply_id,
        provider_message_id: "ses-1".into(),
    };
    framework()
        .given(vec![opened(), queued.clone()])
        .when(TicketCommand::RecordDelivery {
            reply_id,
            provider_message_id: "ses-1".into(),
        })
        .then_expect_events(vec![delivered.clone()]);
    framework()
        .given(vec![opened(), queued.clone(), delivered.clone()])
        .when(TicketCommand::RecordDelivery {
            reply_id,
            provider_message_id: "ses-1".into(),
        })
        .then_expect_events(vec![]);
    framework()
        .given(vec![opened(), queued, delivered])
        .when(TicketCommand::RecordDeliveryFailure {
            reply_id,
            reason: "late".into(),
            attempt: 2,
            permanent: false,
        })
        .then_expect_events(vec![]);
    framework()
        .given(vec![opened()])
        .when(TicketCommand::RecordDelivery {
            reply_id,
            provider_message_id: "x".into(),
        })
        .then_expect_error(TicketError::UnknownReply);
}

#[test]
fn the_acknowledgement_is_recorded_once() {
    framework()
        .given(vec![
            opened(),
            TicketEvent::AcknowledgementSent {
                provider_message_id: "m1".into(),
            },
        ])
        .when(TicketCommand::RecordAcknowledgement {
            provider_message_id: "m2".into(),
        })
        .then_expect_events(vec![]);
}

#[test]
fn internal_notes_are_events_of_their_own_and_never_part_of_a_reply() {
    let note = NoteBody::parse("社内メモ: 返金承認待ち").expect("valid");
    let events = framework()
        .given(vec![
            opened(),
            TicketEvent::InternalNoteAdded {
                note_id: Uuid::from_u128(2),
                body: note,
            },
        ])
        .when(reply(Uuid::from_u128(3)))
        .inspect_result()
        .expect("queued");
    let json = serde_json::to_string(&events).expect("serializes");
    assert!(
        !json.contains("社内メモ"),
        "a reply must never carry a note: {json}"
    );
}

#[test]
fn events_round_trip_through_their_stored_payload() {
    for event in history_at(Status::Closed).into_iter().chain([
        TicketEvent::PriorityChanged {
            from: Priority::Low,
            to: Priority::Urgent,
        },
        TicketEvent::TicketReopened {},
    ]) {
        let payload = event.to_payload().expect("serializes");
        assert!(payload.is_object(), "{payload}");
        assert_eq!(
            TicketEvent::from_payload(event.type_name(), payload).expect("decodes"),
            event
        );
    }
}

#[test]
fn triage_raises_priority_but_never_lowers_it_and_repeats_change_nothing() {
    let raise = |to| TicketCommand::RaisePriority {
        to,
        rule_id: 5,
        matched: "返金".into(),
    };
    framework()
        .given(vec![opened()])
        .when(raise(Priority::High))
        .then_expect_events(vec![TicketEvent::PriorityRaised {
            from: Priority::Medium,
            to: Priority::High,
            rule_id: 5,
            matched: "返金".into(),
        }]);
    // An agent already chose urgent: triage leaves it alone.
    framework()
        .given(vec![
            opened(),
            TicketEvent::PriorityChanged {
                from: Priority::Medium,
                to: Priority::Urgent,
            },
        ])
        .when(raise(Priority::High))
        .then_expect_events(vec![]);
    framework()
        .given(vec![
            opened(),
            TicketEvent::PriorityRaised {
                from: Priority::Medium,
                to: Priority::High,
                rule_id: 5,
                matched: "返金".into(),
            },
        ])
        .when(raise(Priority::High))
        .then_expect_events(vec![]);
    framework()
        .given(history_at(Status::Closed))
        .when(raise(Priority::Urgent))
        .then_expect_events(vec![]);
}

mod sla {
    use super::*;
    use domain::sla::{BusinessCalendar, Policy, SlaKind, Targets, breaches};
    use time::OffsetDateTime;
    use time::macros::datetime;

    fn opened_at(at: OffsetDateTime, priority: Priority) -> TicketEvent {
        match opened() {
            TicketEvent::TicketOpened {
                ticket_id,
                inquiry_number,
                channel,
                category_id,
                customer,
                order_number,
                subject,
                body,
                ..
            } => TicketEvent::TicketOpened {
                ticket_id,
                inquiry_number,
                channel,
                category_id,
                customer,
                order_number,
                subject,
                body,
                priority,
                received_at: at,
                attachments: Vec::new(),
                customer_ref: None,
                raw_mail: None,
            },
            other => other,
        }
    }

    #[test]
    fn the_first_answer_is_due_in_business_hours_across_a_weekend_and_a_holiday() {
        let calendar = BusinessCalendar::japan();
        let history = vec![(
            opened_at(datetime!(2026-11-20 17:00 +9), Priority::High),
            datetime!(2026-11-20 17:00 +9),
        )];
        assert!(
            breaches(
                &history,
                &calendar,
                &Policy::default(),
                datetime!(2026-11-24 11:59 +9)
            )
            .is_empty()
        );
        let found = breaches(
            &history,
            &calendar,
            &Policy::default(),
            datetime!(2026-11-24 12:01 +9),
        );
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].kind, found[0].due_at),
            (SlaKind::FirstResponse, datetime!(2026-11-24 12:00 +9))
        );
    }

    #[test]
    fn a_configured_policy_moves_the_due_time() {
        let calendar = BusinessCalendar::japan();
        let history = vec![(
            opened_at(datetime!(2026-11-20 17:00 +9), Priority::High),
            datetime!(2026-11-20 17:00 +9),
        )];
        // High answered within 2 business hours instead of 4: Friday's last
        // hour, then Tuesday 09:00-10:00 after the weekend and the holiday.
        let stricter = Policy::default().with(
            Priority::High,
            Targets {
                first_response: 120,
                resolution: 9 * 60,
            },
        );
        assert!(
            breaches(
                &history,
                &calendar,
                &stricter,
                datetime!(2026-11-24 09:59 +9)
            )
            .is_empty()
        );
        let found = breaches(
            &history,
            &calendar,
            &stricter,
            datetime!(2026-11-24 10:01 +9),
        );
        assert_eq!(
            found
                .iter()
                .map(|b| (b.kind, b.due_at, b.target_minutes))
                .collect::<Vec<_>>(),
            [(SlaKind::FirstResponse, datetime!(2026-11-24 10:00 +9), 120)]
        );
        assert!(
            breaches(
                &history,
                &calendar,
                &Policy::default(),
                datetime!(2026-11-24 10:01 +9)
            )
            .is_empty(),
            "the default still allows four hours"
        );
    }

    #[test]
    fn a_breach_is_recorded_once_and_a_reopen_starts_a_new_resolution_clock() {
        let calendar = BusinessCalendar::japan();
        let start = datetime!(2026-11-24 09:00 +9);
        let reply = TicketEvent::ReplyQueued {
            reply_id: Uuid::from_u128(1),
            to: CustomerEmail::parse("taro@example.jp").expect("valid"),
            subject: Subject::parse("件名").expect("valid"),
            body: Body::parse("本文").expect("valid"),
            in_reply_to: None,
        };
        let mut history = vec![
            (opened_at(start, Priority::Urgent), start),
            (moved(Status::New, Status::InProgress), start),
            (reply, start),
        ];
        // Urgent: resolution within 8 business hours, so 17:00 the same day.
        let late = breaches(
            &history,
            &calendar,
            &Policy::default(),
            datetime!(2026-11-24 17:30 +9),
        );
        assert_eq!(
            late.iter().map(|b| (b.kind, b.cycle)).collect::<Vec<_>>(),
            [(SlaKind::Resolution, 0)]
        );
        history.push((
            TicketEvent::SlaBreached {
                kind: SlaKind::Resolution,
                cycle: 0,
                target_minutes: 480,
                due_at: late[0].due_at,
            },
            datetime!(2026-11-24 17:31 +9),
        ));
        assert!(
            breaches(
                &history,
                &calendar,
                &Policy::default(),
                datetime!(2026-11-25 17:30 +9)
            )
            .is_empty(),
            "recorded once"
        );
        history.push((
            moved(Status::InProgress, Status::Resolved),
            datetime!(2026-11-25 10:00 +9),
        ));
        history.push((
            moved(Status::Resolved, Status::InProgress),
            datetime!(2026-11-26 10:00 +9),
        ));
        assert!(
            breaches(
                &history,
                &calendar,
                &Policy::default(),
                datetime!(2026-11-26 17:59 +9)
            )
            .is_empty(),
            "the new cycle has a fresh clock"
        );
        // Reopened at 10:00; eight business hours later is 18:00 the same day.
        let reopened = breaches(
            &history,
            &calendar,
            &Policy::default(),
            datetime!(2026-11-26 18:01 +9),
        );
        assert_eq!(
            reopened
                .iter()
                .map(|b| (b.kind, b.cycle, b.due_at))
                .collect::<Vec<_>>(),
            [(SlaKind::Resolution, 1, datetime!(2026-11-26 18:00 +9))]
        );
    }

    #[test]
    fn a_repeated_breach_command_changes_nothing() {
        let breach = TicketEvent::SlaBreached {
            kind: SlaKind::FirstResponse,
            cycle: 0,
            target_minutes: 60,
            due_at: datetime!(2026-11-24 10:00 +9),
        };
        framework()
            .given(vec![opened(), breach])
            .when(TicketCommand::RecordSlaBreach {
                kind: SlaKind::FirstResponse,
                cycle: 0,
                target_minutes: 60,
                due_at: datetime!(2026-11-24 10:00 +9),
            })
            .then_expect_events(vec![]);
    }
}
