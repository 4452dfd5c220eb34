//! What agents, customers and system components ask of a ticket.

use time::OffsetDateTime;
use uuid::Uuid;

use super::event::{Attachment, Customer, MessageSource};
use super::{Channel, Priority, Status};
use crate::values::{
    Body, CustomerEmail, CustomerName, InquiryNumber, NoteBody, OrderNumber, Subject,
};

/// Opening a ticket. The number is allocated by the caller beforehand, because
/// allocation needs storage and the aggregate does no I/O.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenTicket {
    pub ticket_id: Uuid,
    pub inquiry_number: InquiryNumber,
    pub channel: Channel,
    pub category_id: i64,
    pub customer: Customer,
    pub order_number: Option<OrderNumber>,
    pub subject: Subject,
    pub body: Body,
    pub priority: Priority,
    /// Phone inquiries may start further along, for calls answered on the spot.
    pub status: Status,
    pub assignee: Option<i64>,
    /// Files that came with the first mail.
    pub attachments: Vec<Attachment>,
    pub received_at: OffsetDateTime,
    /// Where the raw mail is kept, for a ticket opened by mail.
    pub raw_mail: Option<String>,
    /// Whose data key seals the ticket. The ticket service fills it in from
    /// the customer's address; callers leave it `None`.
    pub customer_ref: Option<Uuid>,
}

/// A message from the customer, typed in by hand or ingested from mail.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerMessage {
    pub message_id: Uuid,
    pub source: MessageSource,
    pub from: Option<CustomerEmail>,
    pub from_name: Option<CustomerName>,
    pub subject: Option<Subject>,
    pub body: Body,
    pub mail_message_id: Option<String>,
    pub attachments: Vec<Attachment>,
    pub received_at: OffsetDateTime,
    /// Where the raw mail is kept, for a message ingested from mail.
    pub raw_mail: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum TicketCommand {
    Open(Box<OpenTicket>),
    ChangeStatus {
        to: Status,
    },
    ChangePriority {
        to: Priority,
    },
    /// Raise, never lower: a no-op when the ticket is already at `to` or above,
    /// so a priority an agent set is never undone and a replay changes nothing.
    RaisePriority {
        to: Priority,
        rule_id: i64,
        matched: String,
    },
    Assign {
        to: i64,
    },
    Unassign,
    AddInternalNote {
        note_id: Uuid,
        body: NoteBody,
    },
    QueueReply {
        reply_id: Uuid,
        subject: Subject,
        body: Body,
    },
    RecordDelivery {
        reply_id: Uuid,
        provider_message_id: String,
    },
    RecordDeliveryFailure {
        reply_id: Uuid,
        reason: String,
        attempt: u32,
        permanent: bool,
    },
    ReceiveCustomerMessage(Box<CustomerMessage>),
    /// Recorded once per kind and cycle; a repeat changes nothing.
    RecordSlaBreach {
        kind: crate::sla::SlaKind,
        cycle: u32,
        target_minutes: i64,
        due_at: OffsetDateTime,
    },
    RecordAcknowledgement {
        provider_message_id: String,
    },
    /// Adds a triage rule's labels; those the ticket has already change nothing.
    Label {
        rule_id: i64,
        tag: Option<String>,
        assignee_group: Option<String>,
    },
    /// Records that the customer's data key is being deleted. A ticket
    /// already erased changes nothing, so erasing twice is a no-op.
    RecordErasure {
        reason: super::event::ErasureReason,
    },
}
