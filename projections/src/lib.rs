//! Workers that follow the event log in global order.
//!
//! The catch-up reader they build on is `command_api::event_store::EventStore::read_all`,
//! which never passes a position that is not yet visible. The read models and
//! reactors (mail, EventBridge) are added here.
