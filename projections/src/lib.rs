//! Workers that follow the event log in global order.
//!
//! Layout:
//! - [`engine`]: the worker (`run_once` → `Processed(n) | CaughtUp | …`),
//!   leases, halting on events it cannot read.
//! - [`checkpoint`]: positions, generations, leases; the compare-and-set that
//!   fences concurrent appliers.
//! - [`tickets`]: the list, timeline and dashboard read models.
//! - [`mail`]: outbound mail, queued from the log and sent with retries
//!   (to a folder, or through Amazon SES).
//! - [`integration`]: the publisher of integration events to Amazon EventBridge.
//! - [`aws`]: how the AWS clients are configured.
//! - [`sla`]: the watcher that records passed service-level targets.
//! - [`triage`]: the reactor that raises priorities when rules match.
//! - [`erasure`]: erasing a customer's personal data (key deletion, files,
//!   outgoing mail).
//! - [`retention`]: erases customers whose tickets have all been closed for
//!   longer than the retention period.
//! - [`periodic`]: the loop of time-driven workers (SLA, retention).
//! - [`rebuild`]: replay into the next generation of tables, then switch.
//! - [`search`]: the text normalization indexing and queries share.

pub mod aws;
pub mod checkpoint;
pub mod engine;
pub mod erasure;
pub mod integration;
pub mod mail;
pub mod periodic;
pub mod rebuild;
pub mod retention;
pub mod search;
pub mod sla;
pub mod tickets;
pub mod triage;
pub mod tx;
