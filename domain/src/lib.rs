//! The Ticket domain of Madoguchi, free of I/O.
//!
//! Layout:
//! - [`values`]: parsed newtypes for everything a customer or agent types in
//!   (`CustomerEmail`, `Subject`, `InquiryNumber`, …). A value that exists is valid.
//! - [`ticket`]: the `Ticket` aggregate on cqrs-es: commands, events, the status
//!   state machine and typed errors. `handle` holds every rule, `apply` only folds.
//! - [`sla`]: business hours (JST, holidays) and service-level targets.
//! - [`personal`]: which event fields are personal data, and their stand-ins
//!   once erased.
//! - [`metadata`]: who caused an event and why (actor, correlation, causation).
//!
//! Storage, HTTP and mail live in the other crates; this one only decides.

pub mod metadata;
pub mod personal;
pub mod sla;
pub mod ticket;
pub mod values;

pub use metadata::{Actor, EventMetadata};
pub use ticket::{Channel, Priority, Status, Ticket, TicketCommand, TicketError, TicketEvent};
