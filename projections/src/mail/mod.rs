//! Outbound mail, driven by the event log and never by an HTTP request.
//!
//! - The [`reactor::MailReactor`] follows the log and queues one outbox row per
//!   mail (an acknowledgement for each form or mail inquiry, one per queued
//!   reply), keyed by the id of the event that caused it.
//! - The [`dispatcher::Dispatcher`] sends due rows through a [`transport`],
//!   retries temporary failures with capped exponential backoff, gives up on
//!   permanent ones, and records each outcome on the ticket as an event
//!   (`AcknowledgementSent`, `ReplyDelivered`, `ReplyDeliveryFailed`).
//!
//! The crash window: a mail accepted by the provider just before the process
//! dies, before its row is marked sent, is sent again on restart. The file
//! transport closes it (the same file is rewritten); providers are asked to
//! keep it small by marking the row straight after their answer.

pub mod dispatcher;
pub mod inbound;
pub mod ingest;
pub mod message;
pub mod notification;
pub mod outbox;
pub mod queue;
pub mod reactor;
pub mod ses;
pub mod store;
pub mod token;
pub mod transport;
pub mod words;

pub use token::Signer;

/// Who mail comes from, and the key its Message-IDs are signed with.
#[derive(Debug, Clone)]
pub struct MailSettings {
    pub from_name: String,
    pub from_address: String,
    /// Where customers' replies go: the inbound address.
    pub reply_to: String,
    /// The domain of our Message-IDs.
    pub domain: String,
    pub signer: Signer,
}
