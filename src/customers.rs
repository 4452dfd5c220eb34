//! `madoguchi customer erase`: erasing one customer's personal data on request.

use std::io::BufRead;

use anyhow::{Context, bail};
use command_api::commands::TicketService;
use command_api::employees;
use domain::Actor;
use domain::ticket::ErasureReason;
use domain::values::CustomerEmail;
use projections::erasure::Eraser;
use uuid::Uuid;

use crate::settings::Settings;

/// Whose data to erase.
pub enum Who {
    Email(String),
    Customer(Uuid),
}

/// One line from stdin: the address, kept out of the command line.
pub fn read_email() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .lock()
        .read_line(&mut line)
        .context("reading the address from stdin")?;
    Ok(line.trim().to_owned())
}

pub fn parse_reason(text: &str) -> Result<ErasureReason, String> {
    ErasureReason::parse(text).ok_or_else(|| {
        let known: Vec<&str> = ErasureReason::ALL.iter().map(|r| r.as_str()).collect();
        format!("one of {}", known.join(", "))
    })
}

/// Erases the customer, recorded as done by the admin `by`. The address is
/// never printed or logged.
pub async fn erase(
    settings: &Settings,
    who: Who,
    reason: ErasureReason,
    by: &str,
) -> anyhow::Result<()> {
    let db = crate::serve::connect_migrated(settings).await?;
    let admin = employees::find_by_login(&db, by)
        .await?
        .with_context(|| format!("no employee with login {by}"))?;
    if !admin.active || admin.role != employees::Role::Admin {
        bail!("{by} is not an active admin; only admins erase customer data");
    }
    let tickets = TicketService::new(settings.event_store(&db)?);
    let eraser = Eraser::new(tickets, settings.mail_store().await);
    let actor = Actor::Agent(admin.id);
    let done = match who {
        Who::Email(email) => {
            let email =
                CustomerEmail::parse(&email).map_err(|e| anyhow::anyhow!("address: {e}"))?;
            eraser.erase_email(&email, reason, actor).await?
        }
        Who::Customer(customer) => Some(eraser.erase(customer, reason, actor).await?),
    };
    match done {
        Some(done) => println!(
            "customer {} erased: {} tickets, {} stored mail files deleted",
            done.customer, done.tickets, done.files
        ),
        None => {
            println!("no customer data is kept for that address (never seen, or already erased)")
        }
    }
    Ok(())
}
