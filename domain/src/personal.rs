//! Which event fields are personal data, and what stands in for them once
//! the customer's data is erased.
//!
//! The event store seals exactly these fields with the customer's data key
//! (crypto-shredding). Deleting the key erases them from every stored event
//! at once, without rewriting the append-only log; a sealed field whose key
//! is gone reads back as its [`Erased`] stand-in, so old events still decode
//! and every projection can still be rebuilt.

/// Shown wherever erased personal data used to be.
pub const ERASED_TEXT: &str = "削除済み";

/// The stand-in for a field whose key was deleted. It keeps the field's JSON
/// shape so the event still decodes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Erased {
    /// A text field: becomes [`ERASED_TEXT`].
    Text,
    /// An optional field: becomes absent (`null`).
    Absent,
    /// A list (attachments): becomes empty.
    Empty,
}

impl Erased {
    pub fn stand_in(self) -> serde_json::Value {
        match self {
            Erased::Text => serde_json::Value::String(ERASED_TEXT.to_owned()),
            Erased::Absent => serde_json::Value::Null,
            Erased::Empty => serde_json::Value::Array(Vec::new()),
        }
    }
}

/// A personal field of an event payload, as a JSON pointer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PersonalField {
    pub pointer: &'static str,
    pub erased: Erased,
}

const fn field(pointer: &'static str, erased: Erased) -> PersonalField {
    PersonalField { pointer, erased }
}

const OPENED: &[PersonalField] = &[
    field("/customer/name", Erased::Text),
    // The address goes absent rather than becoming text, so nothing ever
    // tries to send mail to a stand-in.
    field("/customer/email", Erased::Absent),
    field("/order_number", Erased::Absent),
    field("/subject", Erased::Text),
    field("/body", Erased::Text),
    field("/attachments", Erased::Empty),
];

const CUSTOMER_MESSAGE: &[PersonalField] = &[
    field("/from", Erased::Absent),
    field("/from_name", Erased::Absent),
    field("/subject", Erased::Absent),
    field("/body", Erased::Text),
    field("/mail_message_id", Erased::Absent),
    field("/attachments", Erased::Empty),
];

const REPLY: &[PersonalField] = &[
    field("/to", Erased::Text),
    field("/subject", Erased::Text),
    field("/body", Erased::Text),
    field("/in_reply_to", Erased::Absent),
];

// Notes are about the customer and often quote them.
const NOTE: &[PersonalField] = &[field("/body", Erased::Text)];

// A provider's refusal often quotes the address.
const DELIVERY_FAILURE: &[PersonalField] = &[field("/reason", Erased::Text)];

/// The personal fields of an event type; empty for events without any.
pub fn personal_fields(event_type: &str) -> &'static [PersonalField] {
    match event_type {
        "TicketOpened" => OPENED,
        "CustomerMessageReceived" => CUSTOMER_MESSAGE,
        "ReplyQueued" => REPLY,
        "InternalNoteAdded" => NOTE,
        "ReplyDeliveryFailed" => DELIVERY_FAILURE,
        _ => &[],
    }
}

/// The stand-in for a field of an event type, if that field is personal.
pub fn stand_in(event_type: &str, pointer: &str) -> Option<serde_json::Value> {
    personal_fields(event_type)
        .iter()
        .find(|f| f.pointer == pointer)
        .map(|f| f.erased.stand_in())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::TicketEvent;

    #[test]
    fn every_listed_type_exists() {
        for event_type in TicketEvent::TYPES {
            for field in personal_fields(event_type) {
                assert!(
                    field.pointer.starts_with('/'),
                    "{event_type}{}",
                    field.pointer
                );
            }
        }
        assert!(personal_fields("TicketAssigned").is_empty());
        assert!(personal_fields("CustomerDataErased").is_empty());
    }

    #[test]
    fn stand_ins_keep_the_shape() {
        assert_eq!(
            stand_in("TicketOpened", "/subject"),
            Some(serde_json::json!("削除済み"))
        );
        assert_eq!(
            stand_in("TicketOpened", "/attachments"),
            Some(serde_json::json!([]))
        );
        assert_eq!(
            stand_in("TicketOpened", "/customer/email"),
            Some(serde_json::Value::Null)
        );
        assert_eq!(stand_in("TicketOpened", "/ticket_id"), None);
    }
}
