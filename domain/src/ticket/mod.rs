//! The `Ticket` aggregate: one customer inquiry from first contact to closing.
//!
//! `handle` decides (every rule lives there) and `apply` folds state without
//! judgement, as cqrs-es intends. The state kept here is only what the rules
//! need; everything shown to people is built by projections from the events.

mod command;
mod error;
mod event;
mod status;

use std::collections::HashMap;

use cqrs_es::Aggregate;
use cqrs_es::event_sink::EventSink;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

pub use command::{CustomerMessage, OpenTicket, TicketCommand};
pub use error::TicketError;
pub use event::{Attachment, Customer, ErasureReason, MessageSource, TicketEvent};
pub use status::{Channel, Priority, Status, UnknownValue};

use crate::values::{CustomerEmail, InquiryNumber};

/// Where a queued reply stands with the mail provider.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Delivery {
    Queued,
    Delivered,
    Failed { permanent: bool },
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Ticket {
    opened: bool,
    inquiry_number: Option<InquiryNumber>,
    channel: Option<Channel>,
    category_id: Option<i64>,
    status: Status,
    priority: Priority,
    assignee: Option<i64>,
    customer_email: Option<CustomerEmail>,
    acknowledged: bool,
    replies: HashMap<Uuid, Delivery>,
    last_customer_mail_id: Option<String>,
    sla_breaches: Vec<(crate::sla::SlaKind, u32)>,
    customer_ref: Option<Uuid>,
    erased: bool,
    tags: Vec<String>,
    assignee_groups: Vec<String>,
}

impl Ticket {
    pub fn status(&self) -> Status {
        self.status
    }
    pub fn priority(&self) -> Priority {
        self.priority
    }
    pub fn assignee(&self) -> Option<i64> {
        self.assignee
    }
    pub fn inquiry_number(&self) -> Option<InquiryNumber> {
        self.inquiry_number
    }
    pub fn channel(&self) -> Option<Channel> {
        self.channel
    }
    pub fn category_id(&self) -> Option<i64> {
        self.category_id
    }
    pub fn customer_email(&self) -> Option<&CustomerEmail> {
        self.customer_email.as_ref()
    }
    pub fn is_opened(&self) -> bool {
        self.opened
    }
    pub fn acknowledged(&self) -> bool {
        self.acknowledged
    }
    /// Whose data key seals this ticket's personal fields.
    pub fn customer_ref(&self) -> Option<Uuid> {
        self.customer_ref
    }
    pub fn tags(&self) -> &[String] {
        &self.tags
    }
    pub fn assignee_groups(&self) -> &[String] {
        &self.assignee_groups
    }
    /// The customer's personal data has been erased.
    pub fn is_erased(&self) -> bool {
        self.erased
    }
    pub fn delivery(&self, reply_id: Uuid) -> Option<Delivery> {
        self.replies.get(&reply_id).copied()
    }

    /// The events that move the status, including the close/reopen facts.
    fn status_events(&self, to: Status) -> Result<Vec<TicketEvent>, TicketError> {
        let from = self.status;
        if from == to {
            return Ok(Vec::new());
        }
        if !from.can_move_to(to) {
            return Err(TicketError::IllegalTransition { from, to });
        }
        let mut events = Vec::with_capacity(2);
        if from == Status::Closed {
            events.push(TicketEvent::TicketReopened {});
        }
        events.push(TicketEvent::StatusChanged { from, to });
        if to == Status::Closed {
            events.push(TicketEvent::TicketClosed {});
        }
        Ok(events)
    }

    fn decide(&self, command: TicketCommand) -> Result<Vec<TicketEvent>, TicketError> {
        if let TicketCommand::Open(open) = command {
            return self.decide_open(*open);
        }
        if !self.opened {
            return Err(TicketError::NotOpened);
        }
        // Nothing personal can be added once the key that would seal it is gone.
        if self.erased
            && matches!(
                command,
                TicketCommand::AddInternalNote { .. }
                    | TicketCommand::QueueReply { .. }
                    | TicketCommand::ReceiveCustomerMessage(_)
                    | TicketCommand::RecordDeliveryFailure { .. }
            )
        {
            return Err(TicketError::Erased);
        }
        match command {
            TicketCommand::Open(_) => Err(TicketError::AlreadyOpened),
            TicketCommand::ChangeStatus { to } => self.status_events(to),
            TicketCommand::ChangePriority { to } if to == self.priority => Ok(Vec::new()),
            TicketCommand::ChangePriority { to } => Ok(vec![TicketEvent::PriorityChanged {
                from: self.priority,
                to,
            }]),
            TicketCommand::RecordSlaBreach { kind, cycle, .. }
                if self.sla_breaches.contains(&(kind, cycle)) =>
            {
                Ok(Vec::new())
            }
            TicketCommand::RecordSlaBreach {
                kind,
                cycle,
                target_minutes,
                due_at,
            } => Ok(vec![TicketEvent::SlaBreached {
                kind,
                cycle,
                target_minutes,
                due_at,
            }]),
            TicketCommand::RaisePriority { to, .. }
                if to <= self.priority || self.status == Status::Closed =>
            {
                Ok(Vec::new())
            }
            TicketCommand::RaisePriority {
                to,
                rule_id,
                matched,
            } => Ok(vec![TicketEvent::PriorityRaised {
                from: self.priority,
                to,
                rule_id,
                matched,
            }]),
            TicketCommand::Assign { to } if Some(to) == self.assignee => Ok(Vec::new()),
            TicketCommand::Assign { to } => Ok(vec![TicketEvent::TicketAssigned {
                from: self.assignee,
                to,
            }]),
            TicketCommand::Unassign => Ok(self
                .assignee
                .map(|from| TicketEvent::TicketUnassigned { from })
                .into_iter()
                .collect()),
            TicketCommand::AddInternalNote { note_id, body } => {
                Ok(vec![TicketEvent::InternalNoteAdded { note_id, body }])
            }
            TicketCommand::QueueReply {
                reply_id,
                subject,
                body,
            } => self.decide_reply(reply_id, subject, body),
            TicketCommand::RecordDelivery {
                reply_id,
                provider_message_id,
            } => match self.replies.get(&reply_id) {
                None => Err(TicketError::UnknownReply),
                Some(Delivery::Delivered) => Ok(Vec::new()),
                Some(_) => Ok(vec![TicketEvent::ReplyDelivered {
                    reply_id,
                    provider_message_id,
                }]),
            },
            TicketCommand::RecordDeliveryFailure {
                reply_id,
                reason,
                attempt,
                permanent,
            } => {
                match self.replies.get(&reply_id) {
                    None => Err(TicketError::UnknownReply),
                    // A late failure report for a delivered or abandoned mail changes nothing.
                    Some(Delivery::Delivered | Delivery::Failed { permanent: true }) => {
                        Ok(Vec::new())
                    }
                    Some(_) => Ok(vec![TicketEvent::ReplyDeliveryFailed {
                        reply_id,
                        reason,
                        attempt,
                        permanent,
                    }]),
                }
            }
            TicketCommand::ReceiveCustomerMessage(message) => {
                self.decide_customer_message(*message)
            }
            TicketCommand::RecordAcknowledgement { .. } if self.acknowledged => Ok(Vec::new()),
            TicketCommand::RecordAcknowledgement {
                provider_message_id,
            } => Ok(vec![TicketEvent::AcknowledgementSent {
                provider_message_id,
            }]),
            TicketCommand::Label {
                rule_id,
                tag,
                assignee_group,
            } => {
                let tag = tag.filter(|t| !t.is_empty() && !self.tags.contains(t));
                let assignee_group =
                    assignee_group.filter(|g| !g.is_empty() && !self.assignee_groups.contains(g));
                if tag.is_none() && assignee_group.is_none() {
                    return Ok(Vec::new());
                }
                Ok(vec![TicketEvent::TicketLabelled {
                    rule_id,
                    tag,
                    assignee_group,
                }])
            }
            TicketCommand::RecordErasure { .. } if self.erased => Ok(Vec::new()),
            // A ticket from before sealing has no key to delete.
            TicketCommand::RecordErasure { reason } => match self.customer_ref {
                Some(customer_ref) => Ok(vec![TicketEvent::CustomerDataErased {
                    customer_ref,
                    reason,
                }]),
                None => Err(TicketError::NotSealed),
            },
        }
    }

    fn decide_open(&self, open: OpenTicket) -> Result<Vec<TicketEvent>, TicketError> {
        if self.opened {
            return Err(TicketError::AlreadyOpened);
        }
        if open.channel != Channel::Phone && open.customer.email.is_none() {
            return Err(TicketError::EmailRequired);
        }
        let mut events = vec![TicketEvent::TicketOpened {
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
            customer_ref: open.customer_ref,
            raw_mail: open.raw_mail,
        }];
        if let Some(to) = open.assignee {
            events.push(TicketEvent::TicketAssigned { from: None, to });
        }
        // A call answered on the spot starts further along; walk the allowed path
        // so the history reads as it happened.
        let path: &[Status] = match open.status {
            Status::New => &[],
            Status::InProgress => &[Status::InProgress],
            Status::Resolved => &[Status::InProgress, Status::Resolved],
            Status::Closed => &[Status::Closed],
        };
        let mut from = Status::New;
        for &to in path {
            events.push(TicketEvent::StatusChanged { from, to });
            from = to;
        }
        if from == Status::Closed {
            events.push(TicketEvent::TicketClosed {});
        }
        Ok(events)
    }

    fn decide_reply(
        &self,
        reply_id: Uuid,
        subject: crate::values::Subject,
        body: crate::values::Body,
    ) -> Result<Vec<TicketEvent>, TicketError> {
        if self.status == Status::Closed {
            return Err(TicketError::ReplyOnClosed);
        }
        let to = self
            .customer_email
            .clone()
            .ok_or(TicketError::NoCustomerEmail)?;
        let mut events = Vec::with_capacity(2);
        // Answering is working on it: a reply takes a new ticket into progress.
        if self.status == Status::New {
            events.push(TicketEvent::StatusChanged {
                from: Status::New,
                to: Status::InProgress,
            });
        }
        events.push(TicketEvent::ReplyQueued {
            reply_id,
            to,
            subject,
            body,
            in_reply_to: self.last_customer_mail_id.clone(),
        });
        Ok(events)
    }

    fn decide_customer_message(
        &self,
        message: CustomerMessage,
    ) -> Result<Vec<TicketEvent>, TicketError> {
        if self.status == Status::Closed {
            return Err(TicketError::MessageOnClosed);
        }
        let mut events = Vec::with_capacity(2);
        // The customer is not satisfied yet: a resolved ticket goes back into progress.
        if self.status == Status::Resolved {
            events.push(TicketEvent::StatusChanged {
                from: Status::Resolved,
                to: Status::InProgress,
            });
        }
        events.push(TicketEvent::CustomerMessageReceived {
            message_id: message.message_id,
            source: message.source,
            from: message.from,
            from_name: message.from_name,
            subject: message.subject,
            body: message.body,
            mail_message_id: message.mail_message_id,
            attachments: message.attachments,
            received_at: message.received_at,
            raw_mail: message.raw_mail,
        });
        Ok(events)
    }
}

impl Aggregate for Ticket {
    const TYPE: &'static str = "ticket";
    type Command = TicketCommand;
    type Event = TicketEvent;
    type Error = TicketError;
    type Services = ();

    async fn handle(
        &mut self,
        command: Self::Command,
        _services: &Self::Services,
        sink: &EventSink<Self>,
    ) -> Result<(), Self::Error> {
        for event in self.decide(command)? {
            sink.write(event, self).await;
        }
        Ok(())
    }

    fn apply(&mut self, event: Self::Event) {
        match event {
            TicketEvent::TicketOpened {
                inquiry_number,
                channel,
                category_id,
                customer,
                priority,
                customer_ref,
                ..
            } => {
                self.opened = true;
                self.customer_ref = customer_ref;
                self.inquiry_number = Some(inquiry_number);
                self.channel = Some(channel);
                self.category_id = Some(category_id);
                self.customer_email = customer.email;
                self.priority = priority;
                self.status = Status::New;
            }
            TicketEvent::StatusChanged { to, .. } => self.status = to,
            TicketEvent::PriorityChanged { to, .. } | TicketEvent::PriorityRaised { to, .. } => {
                self.priority = to
            }
            TicketEvent::TicketAssigned { to, .. } => self.assignee = Some(to),
            TicketEvent::TicketUnassigned { .. } => self.assignee = None,
            TicketEvent::ReplyQueued { reply_id, .. } => {
                self.replies.insert(reply_id, Delivery::Queued);
            }
            TicketEvent::ReplyDelivered { reply_id, .. } => {
                self.replies.insert(reply_id, Delivery::Delivered);
            }
            TicketEvent::ReplyDeliveryFailed {
                reply_id,
                permanent,
                ..
            } => {
                self.replies
                    .insert(reply_id, Delivery::Failed { permanent });
            }
            TicketEvent::CustomerMessageReceived {
                mail_message_id, ..
            } => {
                if mail_message_id.is_some() {
                    self.last_customer_mail_id = mail_message_id;
                }
            }
            TicketEvent::AcknowledgementSent { .. } => self.acknowledged = true,
            TicketEvent::TicketLabelled {
                tag,
                assignee_group,
                ..
            } => {
                self.tags.extend(tag);
                self.assignee_groups.extend(assignee_group);
            }
            TicketEvent::CustomerDataErased { .. } => {
                self.erased = true;
                self.customer_email = None;
                self.last_customer_mail_id = None;
            }
            TicketEvent::SlaBreached { kind, cycle, .. } => self.sla_breaches.push((kind, cycle)),
            TicketEvent::InternalNoteAdded { .. }
            | TicketEvent::TicketClosed {}
            | TicketEvent::TicketReopened {} => {}
        }
    }
}
