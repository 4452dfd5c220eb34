//! Ticket events: facts in the past tense. They carry everything projections
//! need, so no projection ever re-derives a business rule.

use cqrs_es::DomainEvent;
use serde::{Deserialize, Serialize};
use time::OffsetDateTime;
use uuid::Uuid;

use super::{Channel, Priority, Status};
use crate::values::{
    Body, CustomerEmail, CustomerName, InquiryNumber, NoteBody, OrderNumber, Subject,
};

/// The customer as they introduced themselves. Phone callers may give no address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub name: CustomerName,
    pub email: Option<CustomerEmail>,
}

/// A stored attachment: metadata and where the bytes are, never the bytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    pub name: String,
    pub content_type: String,
    pub size: u64,
    pub storage_key: String,
}

/// How a customer message reached us.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MessageSource {
    /// Ingested automatically from inbound mail.
    Email,
    /// Typed in by an agent (a forwarded mail, a phone follow-up, a letter).
    Manual,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum TicketEvent {
    TicketOpened {
        ticket_id: Uuid,
        inquiry_number: InquiryNumber,
        channel: Channel,
        category_id: i64,
        customer: Customer,
        order_number: Option<OrderNumber>,
        subject: Subject,
        body: Body,
        priority: Priority,
        #[serde(with = "time::serde::rfc3339")]
        received_at: OffsetDateTime,
        /// Files that came with the first mail. Absent in older events and
        /// when there are none, so those payloads are unchanged.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        attachments: Vec<Attachment>,
        /// Whose data key seals this ticket's personal fields. Absent in
        /// events written before personal data was sealed.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        customer_ref: Option<Uuid>,
        /// Where the raw mail that opened the ticket is kept, so erasure can
        /// delete it. The key is built from a digest and names no one.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        raw_mail: Option<String>,
    },
    StatusChanged {
        from: Status,
        to: Status,
    },
    PriorityChanged {
        from: Priority,
        to: Priority,
    },
    /// Automatic triage raised the priority because a rule matched.
    PriorityRaised {
        from: Priority,
        to: Priority,
        rule_id: i64,
        /// The keyword or condition that matched, for the audit trail.
        matched: String,
    },
    /// Automatic triage labelled the ticket: what it is about (a tag) and
    /// which team should take it (an assignee group). Only labels the ticket
    /// did not have yet are listed.
    TicketLabelled {
        rule_id: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        tag: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        assignee_group: Option<String>,
    },
    TicketAssigned {
        from: Option<i64>,
        to: i64,
    },
    TicketUnassigned {
        from: i64,
    },
    InternalNoteAdded {
        note_id: Uuid,
        body: NoteBody,
    },
    ReplyQueued {
        reply_id: Uuid,
        to: CustomerEmail,
        subject: Subject,
        body: Body,
        /// The Message-ID of the customer's last mail, for threading.
        in_reply_to: Option<String>,
    },
    ReplyDelivered {
        reply_id: Uuid,
        provider_message_id: String,
    },
    ReplyDeliveryFailed {
        reply_id: Uuid,
        reason: String,
        attempt: u32,
        /// A permanent failure (a rejected address) ends retrying.
        permanent: bool,
    },
    CustomerMessageReceived {
        message_id: Uuid,
        source: MessageSource,
        from: Option<CustomerEmail>,
        from_name: Option<CustomerName>,
        subject: Option<Subject>,
        body: Body,
        /// The RFC 5322 Message-ID of an inbound mail, used for threading and dedup.
        mail_message_id: Option<String>,
        attachments: Vec<Attachment>,
        #[serde(with = "time::serde::rfc3339")]
        received_at: OffsetDateTime,
        /// Where the raw mail is kept (see `TicketOpened::raw_mail`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        raw_mail: Option<String>,
    },
    AcknowledgementSent {
        provider_message_id: String,
    },
    /// A service-level target passed without being met.
    SlaBreached {
        kind: crate::sla::SlaKind,
        /// 0 for the first answer; each reopen starts a new resolution cycle.
        cycle: u32,
        target_minutes: i64,
        #[serde(with = "time::serde::rfc3339")]
        due_at: OffsetDateTime,
    },
    TicketClosed {},
    TicketReopened {},
    /// The customer's personal data was erased: their data key is deleted,
    /// so every sealed field of this ticket now reads as 削除済み. Carries no
    /// personal data itself; the history keeps who did what and when.
    CustomerDataErased {
        customer_ref: Uuid,
        reason: ErasureReason,
    },
}

/// Why a customer's data was erased. A fixed list rather than free text, so
/// that the reason itself can never hold personal data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErasureReason {
    /// The customer asked (APPI 第35条).
    CustomerRequest,
    /// The retention period after closing passed.
    Retention,
    /// A legal obligation or an authority's request.
    Legal,
}

impl ErasureReason {
    pub const ALL: [ErasureReason; 3] = [
        ErasureReason::CustomerRequest,
        ErasureReason::Retention,
        ErasureReason::Legal,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ErasureReason::CustomerRequest => "customer_request",
            ErasureReason::Retention => "retention",
            ErasureReason::Legal => "legal",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == text)
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            ErasureReason::CustomerRequest => "ご本人からの削除依頼",
            ErasureReason::Retention => "保存期間の満了",
            ErasureReason::Legal => "法令・当局の要請",
        }
    }
}

impl TicketEvent {
    /// Every event type this version of the code understands, at its current version.
    pub const TYPES: [&'static str; 17] = [
        "TicketOpened",
        "StatusChanged",
        "PriorityChanged",
        "PriorityRaised",
        "TicketAssigned",
        "TicketUnassigned",
        "InternalNoteAdded",
        "ReplyQueued",
        "ReplyDelivered",
        "ReplyDeliveryFailed",
        "CustomerMessageReceived",
        "AcknowledgementSent",
        "SlaBreached",
        "TicketClosed",
        "TicketReopened",
        "CustomerDataErased",
        "TicketLabelled",
    ];

    pub fn type_name(&self) -> &'static str {
        match self {
            TicketEvent::TicketOpened { .. } => "TicketOpened",
            TicketEvent::StatusChanged { .. } => "StatusChanged",
            TicketEvent::PriorityChanged { .. } => "PriorityChanged",
            TicketEvent::PriorityRaised { .. } => "PriorityRaised",
            TicketEvent::TicketAssigned { .. } => "TicketAssigned",
            TicketEvent::TicketUnassigned { .. } => "TicketUnassigned",
            TicketEvent::InternalNoteAdded { .. } => "InternalNoteAdded",
            TicketEvent::ReplyQueued { .. } => "ReplyQueued",
            TicketEvent::ReplyDelivered { .. } => "ReplyDelivered",
            TicketEvent::ReplyDeliveryFailed { .. } => "ReplyDeliveryFailed",
            TicketEvent::CustomerMessageReceived { .. } => "CustomerMessageReceived",
            TicketEvent::AcknowledgementSent { .. } => "AcknowledgementSent",
            TicketEvent::SlaBreached { .. } => "SlaBreached",
            TicketEvent::TicketClosed { .. } => "TicketClosed",
            TicketEvent::TicketReopened { .. } => "TicketReopened",
            TicketEvent::CustomerDataErased { .. } => "CustomerDataErased",
            TicketEvent::TicketLabelled { .. } => "TicketLabelled",
        }
    }

    /// The payload without the enum tag; the type is stored in its own column.
    pub fn to_payload(&self) -> Result<serde_json::Value, serde_json::Error> {
        match serde_json::to_value(self)? {
            serde_json::Value::Object(mut map) if map.len() == 1 => Ok(map
                .remove(self.type_name())
                .unwrap_or(serde_json::Value::Null)),
            other => Ok(other),
        }
    }

    /// Rebuilds an event from its type and payload (after any upcasting).
    pub fn from_payload(
        event_type: &str,
        payload: serde_json::Value,
    ) -> Result<Self, serde_json::Error> {
        let mut map = serde_json::Map::with_capacity(1);
        map.insert(event_type.to_owned(), payload);
        serde_json::from_value(serde_json::Value::Object(map))
    }
}

impl DomainEvent for TicketEvent {
    fn event_type(&self) -> String {
        self.type_name().to_owned()
    }

    fn event_version(&self) -> String {
        "1".to_owned()
    }
}
