//! Opening tickets from outside: the public intake (JSON API and the contact
//! form share these rules) and inquiries that agents register by hand.

use domain::metadata::CommandContext;
use domain::ticket::{Customer, OpenTicket};
use domain::values::{Body, CustomerEmail, CustomerName, OrderNumber, Subject};
use domain::{Channel, Priority, Status};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::categories;
use crate::commands::{CommandError, IdempotencyKey, Outcome, TicketService};
use crate::db::Db;
use crate::http::fields::Fields;
use crate::numbers;

/// A customer's inquiry after validation: what the form and the API accept.
#[derive(Debug, Clone)]
pub struct Inquiry {
    pub category_id: i64,
    pub order_number: Option<OrderNumber>,
    pub subject: Subject,
    pub body: Body,
    pub customer_name: CustomerName,
    pub customer_email: Option<CustomerEmail>,
}

/// Reads the inquiry fields. The address is required unless `email_optional`
/// (phone inquiries). Category existence is checked against the database.
pub async fn read_inquiry(
    db: &Db,
    fields: &mut Fields<'_>,
    email_optional: bool,
) -> Result<Option<Inquiry>, sqlx::Error> {
    let category_id = fields.id("category_id");
    let order_number = fields.parse("order_number", |raw| OrderNumber::parse_optional(Some(raw)));
    let subject = fields.parse("subject", Subject::parse);
    let body = fields.parse("body", Body::parse);
    let customer_name = fields.parse("customer_name", CustomerName::parse);
    let customer_email = if email_optional {
        fields.parse("customer_email", |raw| {
            if raw.trim().is_empty() {
                Ok(None)
            } else {
                CustomerEmail::parse(raw).map(Some)
            }
        })
    } else {
        fields.parse("customer_email", |raw| CustomerEmail::parse(raw).map(Some))
    };
    if let Some(id) = category_id
        && !categories::is_active(db, id).await?
    {
        fields.error(
            "category_id",
            "選択されたカテゴリは現在ご利用いただけません。",
        );
    }
    Ok(
        match (
            category_id,
            order_number,
            subject,
            body,
            customer_name,
            customer_email,
        ) {
            (
                Some(category_id),
                Some(order_number),
                Some(subject),
                Some(body),
                Some(customer_name),
                Some(customer_email),
            ) if !fields.has_errors() => Some(Inquiry {
                category_id,
                order_number,
                subject,
                body,
                customer_name,
                customer_email,
            }),
            _ => None,
        },
    )
}

/// How a new ticket starts: the form's defaults, or what the agent chose.
#[derive(Debug, Clone, Copy)]
pub struct Start {
    pub channel: Channel,
    pub priority: Priority,
    pub status: Status,
    pub assignee: Option<i64>,
}

impl Start {
    /// Form inquiries start as 未対応 with priority 中.
    pub fn form() -> Self {
        Self {
            channel: Channel::Form,
            priority: Priority::Medium,
            status: Status::New,
            assignee: None,
        }
    }
}

/// Allocates the inquiry number and opens the ticket.
pub async fn open(
    db: &Db,
    tickets: &TicketService,
    inquiry: Inquiry,
    start: Start,
    ctx: &CommandContext,
    idempotency: Option<IdempotencyKey>,
) -> Result<Outcome, CommandError> {
    let received_at: OffsetDateTime = ctx.occurred_at;
    let inquiry_number = numbers::allocate(db, received_at)
        .await
        .map_err(|e| CommandError::Append(e.into()))?;
    let open = OpenTicket {
        ticket_id: Uuid::now_v7(),
        inquiry_number,
        channel: start.channel,
        category_id: inquiry.category_id,
        customer: Customer {
            name: inquiry.customer_name,
            email: inquiry.customer_email,
        },
        order_number: inquiry.order_number,
        subject: inquiry.subject,
        body: inquiry.body,
        priority: start.priority,
        status: start.status,
        assignee: start.assignee,
        attachments: Vec::new(),
        received_at,
        raw_mail: None,
        customer_ref: None,
    };
    tickets.open(open, ctx, idempotency).await
}
