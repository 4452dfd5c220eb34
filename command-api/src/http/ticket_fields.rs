//! Reading each agent command from request fields, shared by the JSON API
//! and the console's HTML forms so both accept and refuse exactly the same
//! input with the same Japanese messages. Each returns `None` after recording
//! its errors in `fields`.

use domain::TicketCommand;
use domain::ticket::{CustomerMessage, MessageSource};
use domain::values::{Body, CustomerEmail, CustomerName, NoteBody, Subject};
use domain::{Priority, Status};
use serde_json::Value;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use uuid::Uuid;

use super::fields::Fields;
use crate::db::Db;
use crate::employees;

pub fn status(fields: &mut Fields<'_>) -> Option<TicketCommand> {
    let to = fields.choice::<Status>("status")?;
    Some(TicketCommand::ChangeStatus { to })
}

pub fn priority(fields: &mut Fields<'_>) -> Option<TicketCommand> {
    let to = fields.choice::<Priority>("priority")?;
    Some(TicketCommand::ChangePriority { to })
}

/// `assignee_id`: an employee id, `"me"`, or null / `""` to unassign. Only
/// active employees can be given tickets.
pub async fn assignee(
    db: &Db,
    fields: &mut Fields<'_>,
    value: Option<&Value>,
    me: i64,
) -> Result<Option<TicketCommand>, sqlx::Error> {
    Ok(match value {
        None => {
            fields.error("assignee_id", "担当者を選択してください。");
            None
        }
        Some(Value::Null) => Some(TicketCommand::Unassign),
        Some(Value::String(s)) if s == "me" => Some(TicketCommand::Assign { to: me }),
        Some(Value::String(s)) if s.is_empty() => Some(TicketCommand::Unassign),
        Some(_) => match fields.id("assignee_id") {
            Some(id) if employees::find(db, id).await?.is_some_and(|e| e.active) => {
                Some(TicketCommand::Assign { to: id })
            }
            Some(_) => {
                fields.error(
                    "assignee_id",
                    "選択された担当者は存在しないか、無効になっています。",
                );
                None
            }
            None => None,
        },
    })
}

pub fn note(fields: &mut Fields<'_>) -> Option<TicketCommand> {
    let body = fields.parse("body", NoteBody::parse)?;
    Some(TicketCommand::AddInternalNote {
        note_id: Uuid::now_v7(),
        body,
    })
}

/// A reply; the subject defaults to `【ご回答】<inquiry number>`.
pub fn reply(fields: &mut Fields<'_>, number: &str) -> Option<TicketCommand> {
    let subject = match fields.text("subject").map(str::trim) {
        None | Some("") => Subject::parse(&format!("【ご回答】{number}")).ok(),
        Some(_) => fields.parse("subject", Subject::parse),
    };
    let body = fields.parse("body", Body::parse);
    Some(TicketCommand::QueueReply {
        reply_id: Uuid::now_v7(),
        subject: subject?,
        body: body?,
    })
}

/// A customer message typed in by hand; every field but the body is optional.
pub fn message(fields: &mut Fields<'_>) -> Option<TicketCommand> {
    fn optional<T>(
        raw: &str,
        parse: impl FnOnce(&str) -> Result<T, domain::values::ValueError>,
    ) -> Result<Option<T>, domain::values::ValueError> {
        if raw.trim().is_empty() {
            Ok(None)
        } else {
            parse(raw).map(Some)
        }
    }
    let from = fields.parse("from", |raw| optional(raw, CustomerEmail::parse));
    let from_name = fields.parse("from_name", |raw| optional(raw, CustomerName::parse));
    let subject = fields.parse("subject", |raw| optional(raw, Subject::parse));
    let body = fields.parse("body", Body::parse);
    let received_at = match fields.text("received_at").map(str::trim) {
        None | Some("") => Some(OffsetDateTime::now_utc()),
        Some(raw) => OffsetDateTime::parse(raw, &Rfc3339).ok().or_else(|| {
            fields.error(
                "received_at",
                "日時は RFC 3339 形式(例: 2026-11-28T14:05:00+09:00)で入力してください。",
            );
            None
        }),
    };
    Some(TicketCommand::ReceiveCustomerMessage(Box::new(
        CustomerMessage {
            message_id: Uuid::now_v7(),
            source: MessageSource::Manual,
            from: from?,
            from_name: from_name?,
            subject: subject?,
            body: body?,
            mail_message_id: None,
            attachments: Vec::new(),
            received_at: received_at?,
            raw_mail: None,
        },
    )))
}
