//! The write side of Madoguchi.
//!
//! Layout:
//! - [`db`]: the MariaDB/SQLite pool and migrations.
//! - [`event_store`]: the append-only store with gapless global positions.
//! - [`codec`]: Ticket events to stored rows and back.
//! - [`commands`]: load, decide, append, for every Ticket command.
//! - [`cqrs_store`]: the same store behind cqrs-es's `EventStore` trait.
//! - [`numbers`], [`categories`], [`employees`], [`idempotency`]: the small
//!   tables commands rely on.
//! - [`vault`]: per-customer data keys and the sealing of personal fields.
//! - [`http`]: the axum routes of the command API, one file per action.

pub mod accounts;
pub mod canned_replies;
pub mod categories;
pub mod codec;
pub mod commands;
pub mod cqrs_store;
pub mod db;
pub mod employee_admin;
pub mod employees;
pub mod event_store;
pub mod http;
pub mod idempotency;
pub mod instruments;
pub mod intake;
pub mod numbers;
pub mod sla_policies;
pub mod triage_rules;
pub mod vault;

#[cfg(feature = "testing")]
pub mod testing;
