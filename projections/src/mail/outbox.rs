//! The outbox table: queued mails, their attempts and outcomes.

use command_api::db::{Db, is_unique_violation, now_micros};
use command_api::on_pool;
use tracing::instrument;
use uuid::Uuid;

use super::message::Composed;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Acknowledgement,
    Reply(Uuid),
}

/// Queues a mail once: a second call with the same outbox id changes nothing.
#[instrument(skip(db, mail))]
pub async fn enqueue(
    db: &Db,
    outbox_id: Uuid,
    ticket_id: Uuid,
    kind: Kind,
    mail: &Composed,
) -> Result<bool, sqlx::Error> {
    let (kind_name, reply_id) = match kind {
        Kind::Acknowledgement => ("acknowledgement", None),
        Kind::Reply(id) => ("reply", Some(id.to_string())),
    };
    let now = now_micros();
    let result = on_pool!(db, pool => sqlx::query(
        "INSERT INTO mail_outbox (outbox_id, ticket_id, kind, reply_id, recipient, message_id, raw, status, attempts, next_attempt_at, created_at) \
         VALUES (?, ?, ?, ?, ?, ?, ?, 'queued', 0, ?, ?)",
    )
    .bind(outbox_id.to_string()).bind(ticket_id.to_string()).bind(kind_name).bind(reply_id)
    .bind(&mail.recipient).bind(&mail.message_id).bind(&mail.raw).bind(now).bind(now)
    .execute(pool)
    .await
    .map(|_| ()));
    match result {
        Ok(()) => Ok(true),
        Err(e) if is_unique_violation(&e) => Ok(false),
        Err(e) => Err(e),
    }
}

/// Deletes every mail of a ticket, sent or not: after an erasure nothing
/// is sent to the customer, and the mails themselves are personal data.
#[instrument(skip(db))]
pub async fn purge_ticket(db: &Db, ticket_id: Uuid) -> Result<u64, sqlx::Error> {
    on_pool!(db, pool => sqlx::query("DELETE FROM mail_outbox WHERE ticket_id = ?")
        .bind(ticket_id.to_string())
        .execute(pool)
        .await
        .map(|r| r.rows_affected()))
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Due {
    pub outbox_id: String,
    pub ticket_id: String,
    pub kind: String,
    pub reply_id: Option<String>,
    pub recipient: String,
    pub raw: String,
    pub attempts: i32,
}

/// Mails whose turn has come, oldest first.
#[instrument(skip(db))]
pub async fn due(db: &Db, now: i64, limit: i64) -> Result<Vec<Due>, sqlx::Error> {
    on_pool!(db, pool => sqlx::query_as(
        "SELECT outbox_id, ticket_id, kind, reply_id, recipient, raw, CAST(attempts AS SIGNED) AS attempts FROM mail_outbox \
         WHERE status = 'queued' AND next_attempt_at <= ? ORDER BY next_attempt_at LIMIT ?",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(pool)
    .await)
}

/// Takes a due mail for one sender: moves its next attempt to `lease_until`
/// only if it is still due, so of two dispatchers (two replicas) exactly one
/// wins and sends. A sender that dies holding it is replaced when the lease
/// runs out.
#[instrument(skip(db))]
pub async fn claim(
    db: &Db,
    outbox_id: &str,
    now: i64,
    lease_until: i64,
) -> Result<bool, sqlx::Error> {
    let affected = on_pool!(db, pool => sqlx::query(
        "UPDATE mail_outbox SET next_attempt_at = ? WHERE outbox_id = ? AND status = 'queued' AND next_attempt_at <= ?",
    )
    .bind(lease_until)
    .bind(outbox_id)
    .bind(now)
    .execute(pool)
    .await
    .map(|r| r.rows_affected()))?;
    Ok(affected == 1)
}

#[instrument(skip(db, provider_message_id))]
pub async fn mark_sent(
    db: &Db,
    outbox_id: &str,
    provider_message_id: &str,
) -> Result<(), sqlx::Error> {
    on_pool!(db, pool => sqlx::query("UPDATE mail_outbox SET status = 'sent', attempts = attempts + 1, provider_message_id = ?, last_error = NULL WHERE outbox_id = ?")
        .bind(provider_message_id)
        .bind(outbox_id)
        .execute(pool)
        .await
        .map(|_| ()))
}

/// Records a failed attempt: retried at `retry_at`, or abandoned when `None`.
#[instrument(skip(db, error))]
pub async fn mark_failed(
    db: &Db,
    outbox_id: &str,
    error: &str,
    retry_at: Option<i64>,
) -> Result<(), sqlx::Error> {
    let (status, next) = match retry_at {
        Some(at) => ("queued", at),
        None => ("failed", i64::MAX),
    };
    on_pool!(db, pool => sqlx::query("UPDATE mail_outbox SET status = ?, attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE outbox_id = ?")
        .bind(status)
        .bind(next)
        .bind(error)
        .bind(outbox_id)
        .execute(pool)
        .await
        .map(|_| ()))
}
