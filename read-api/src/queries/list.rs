//! The ticket list: filters, Japanese keyword search, sorts and keyset pages.

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use command_api::db::{Db, from_micros, to_micros};
use command_api::on_pool;
use domain::sla::{BusinessCalendar, Policy};
use projections::checkpoint::Checkpoint;
use projections::search::contains_pattern;
use projections::tickets::{self, labels, table};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use time::OffsetDateTime;
use tracing::instrument;

use super::rfc3339;
use super::search::{self, Candidates};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sort {
    Received,
    Updated,
    /// Priority, then received.
    Priority,
}

impl Sort {
    fn columns(self) -> &'static [&'static str] {
        match self {
            Sort::Received => &["received_at", "ticket_id"],
            Sort::Updated => &["updated_at", "ticket_id"],
            Sort::Priority => &["priority_rank", "received_at", "ticket_id"],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Assignee {
    Nobody,
    Employee(i64),
}

#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub statuses: Vec<&'static str>,
    pub priority: Option<&'static str>,
    pub category: Option<i64>,
    pub assignee: Option<Assignee>,
    pub channel: Option<&'static str>,
    pub received_from: Option<i64>,
    pub received_before: Option<i64>,
    /// Whitespace-separated terms, all of which must match.
    pub q: Vec<String>,
    /// A tag, or an assignee group, that triage gave the ticket.
    pub tag: Option<String>,
    pub group: Option<String>,
}

/// The sort key of the last row of a page, opaque to clients.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Cursor(Vec<Value>);

impl Cursor {
    pub fn encode(&self) -> String {
        URL_SAFE_NO_PAD.encode(serde_json::to_vec(&self.0).unwrap_or_default())
    }

    pub fn decode(text: &str, sort: Sort) -> Option<Self> {
        let bytes = URL_SAFE_NO_PAD.decode(text).ok()?;
        let values: Vec<Value> = serde_json::from_slice(&bytes).ok()?;
        let columns = sort.columns();
        let valid = values.len() == columns.len()
            && values[..values.len() - 1].iter().all(Value::is_i64)
            && values.last().is_some_and(Value::is_string);
        valid.then_some(Self(values))
    }
}

#[derive(Debug, Clone)]
pub struct Page {
    pub sort: Sort,
    pub descending: bool,
    pub after: Option<Cursor>,
    pub limit: i64,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Row {
    pub ticket_id: String,
    pub inquiry_number: String,
    pub subject: String,
    pub customer_name: String,
    pub customer_email: Option<String>,
    pub order_number: Option<String>,
    pub category_id: i64,
    pub category_name: Option<String>,
    pub channel: String,
    pub status: String,
    pub priority: String,
    pub priority_rank: i64,
    pub assignee_id: Option<i64>,
    pub assignee_name: Option<String>,
    pub received_at: i64,
    pub updated_at: i64,
    pub last_customer_message_at: Option<i64>,
    pub first_response_at: Option<i64>,
    pub awaiting_reply: bool,
    pub version: i64,
    /// When the first answer is due under the configured policy, while none
    /// was sent and the ticket is open; filled by [`complete`].
    #[sqlx(skip)]
    pub first_response_due: Option<OffsetDateTime>,
    /// Labels from triage; filled by [`complete`].
    #[sqlx(skip)]
    pub tags: Vec<String>,
    #[sqlx(skip)]
    pub assignee_groups: Vec<String>,
}

/// Fills what rows carry besides their columns: the first-response due time
/// from the stored SLA policy (read afresh, so every view agrees with the
/// SLA watcher), and the labels triage gave each ticket. Two small queries
/// per page.
pub async fn complete(db: &Db, generation: i64, rows: &mut [Row]) -> Result<(), sqlx::Error> {
    if rows.is_empty() {
        return Ok(());
    }
    let policy = command_api::sla_policies::load(db).await?;
    for row in rows.iter_mut() {
        row.first_response_due = row.due_under(&policy);
    }
    let sql = format!(
        "SELECT ticket_id, kind, label FROM {} WHERE ticket_id IN ({}) ORDER BY label",
        table("rm_ticket_labels", generation),
        vec!["?"; rows.len()].join(", ")
    );
    let labels: Vec<(String, String, String)> = on_pool!(db, pool => {
        let mut query = sqlx::query_as(&sql);
        for row in rows.iter() {
            query = query.bind(row.ticket_id.as_str());
        }
        query.fetch_all(pool).await
    })?;
    for (ticket, kind, label) in labels {
        // A ticket can be in a page twice (the dashboard's two lists).
        for row in rows.iter_mut().filter(|r| r.ticket_id == ticket) {
            match kind.as_str() {
                labels::TAG => row.tags.push(label.clone()),
                _ => row.assignee_groups.push(label.clone()),
            }
        }
    }
    Ok(())
}

impl Row {
    pub fn to_json(&self) -> Value {
        json!({
            "ticket_id": self.ticket_id,
            "inquiry_number": self.inquiry_number,
            "subject": self.subject,
            "customer_name": self.customer_name,
            "customer_email": self.customer_email,
            "order_number": self.order_number,
            "category_id": self.category_id,
            "category_name": self.category_name,
            "channel": self.channel,
            "status": self.status,
            "priority": self.priority,
            "assignee_id": self.assignee_id,
            "assignee_name": self.assignee_name,
            "received_at": rfc3339(self.received_at),
            "updated_at": rfc3339(self.updated_at),
            "last_customer_message_at": self.last_customer_message_at.map(rfc3339),
            "first_response_seconds": self.first_response_at.map(|at| (at - self.received_at) / 1_000_000),
            "awaiting_reply": self.awaiting_reply,
            "first_response_due_at": self.first_response_due.map(|due| rfc3339(to_micros(due))),
            "first_response_overdue": self.first_response_due.is_some_and(|due| OffsetDateTime::now_utc() > due),
            "tags": self.tags,
            "assignee_groups": self.assignee_groups,
            "version": self.version,
        })
    }

    /// When the first answer is due, in business time, while none was sent.
    fn due_under(&self, policy: &Policy) -> Option<OffsetDateTime> {
        let open = matches!(self.status.as_str(), "new" | "in_progress");
        let priority = self.priority.parse::<domain::Priority>().ok()?;
        (open && self.first_response_at.is_none()).then(|| {
            BusinessCalendar::shared().add_business_minutes(
                from_micros(self.received_at),
                policy.targets(priority).first_response,
            )
        })
    }

    fn cursor(&self, sort: Sort) -> Cursor {
        let id = Value::from(self.ticket_id.clone());
        Cursor(match sort {
            Sort::Received => vec![self.received_at.into(), id],
            Sort::Updated => vec![self.updated_at.into(), id],
            Sort::Priority => vec![self.priority_rank.into(), self.received_at.into(), id],
        })
    }
}

pub const COLUMNS: &str = "t.ticket_id, t.inquiry_number, t.subject, t.customer_name, t.customer_email, t.order_number, t.category_id, \
     c.name AS category_name, t.channel, t.status, t.priority, CAST(t.priority_rank AS SIGNED) AS priority_rank, t.assignee_id, \
     e.display_name AS assignee_name, t.received_at, t.updated_at, t.last_customer_message_at, t.first_response_at, t.awaiting_reply, t.version";

const NAMES: &str =
    "LEFT JOIN categories c ON c.id = t.category_id LEFT JOIN employees e ON e.id = t.assignee_id";

pub fn from_clause(generation: i64) -> String {
    format!("{} t {NAMES}", table("rm_tickets", generation))
}

/// The list's tables when a search has narrowed it to candidate docs: the
/// candidates drive the join, so the database reads those rows only instead
/// of walking the sort order (the join order is forced; a planner that sees
/// `LIMIT` may otherwise prefer the sort index and scan).
fn candidates_from_clause(db: &Db, generation: i64) -> String {
    let join = match db {
        Db::MySql(_) => "STRAIGHT_JOIN",
        Db::Sqlite(_) => "CROSS JOIN",
    };
    format!(
        "{} d {join} {} t ON t.ticket_id = d.ticket_id {NAMES}",
        table("rm_search_docs", generation),
        table("rm_tickets", generation)
    )
}

enum Bind {
    Int(i64),
    Text(String),
}

/// One page of tickets and the cursor of the next, if there is one.
///
/// A search asks the n-gram index for candidates first, when the current
/// generation has a complete index; the terms are then still confirmed with
/// `LIKE`, which is also the whole search when the index cannot narrow it.
#[instrument(skip(db, checkpoint, filter), fields(rows))]
pub async fn list(
    db: &Db,
    checkpoint: &Checkpoint,
    filter: &Filter,
    page: &Page,
) -> Result<(Vec<Row>, Option<Cursor>), sqlx::Error> {
    let generation = checkpoint.generation;
    let indexed = checkpoint.shape >= tickets::SHAPE;
    let docs = if filter.q.is_empty() || !indexed {
        None
    } else {
        match search::candidates(db, generation, &filter.q, search::MAX_CANDIDATES).await? {
            Candidates::Docs(docs) if docs.is_empty() => return Ok((Vec::new(), None)),
            Candidates::Docs(docs) => Some(docs),
            Candidates::TooMany => None,
        }
    };
    let mut conditions: Vec<String> = Vec::new();
    if let Some(docs) = &docs {
        // Integers of our own, inlined: a candidate list may pass the
        // backends' limits on bound parameters.
        let list: Vec<String> = docs.iter().map(i64::to_string).collect();
        conditions.push(format!("d.doc IN ({})", list.join(", ")));
    }
    let mut binds: Vec<Bind> = Vec::new();
    if !filter.statuses.is_empty() {
        conditions.push(format!(
            "t.status IN ({})",
            vec!["?"; filter.statuses.len()].join(", ")
        ));
        binds.extend(filter.statuses.iter().map(|s| Bind::Text((*s).to_owned())));
    }
    let mut equal = |column: &str, bind: Bind| {
        conditions.push(format!("{column} = ?"));
        binds.push(bind);
    };
    if let Some(priority) = filter.priority {
        equal("t.priority", Bind::Text(priority.to_owned()));
    }
    if let Some(category) = filter.category {
        equal("t.category_id", Bind::Int(category));
    }
    if let Some(channel) = filter.channel {
        equal("t.channel", Bind::Text(channel.to_owned()));
    }
    match filter.assignee {
        Some(Assignee::Nobody) => conditions.push("t.assignee_id IS NULL".into()),
        Some(Assignee::Employee(id)) => {
            conditions.push("t.assignee_id = ?".into());
            binds.push(Bind::Int(id));
        }
        None => {}
    }
    if let Some(from) = filter.received_from {
        conditions.push("t.received_at >= ?".into());
        binds.push(Bind::Int(from));
    }
    if let Some(before) = filter.received_before {
        conditions.push("t.received_at < ?".into());
        binds.push(Bind::Int(before));
    }
    let escape = match db {
        Db::MySql(_) => "",
        Db::Sqlite(_) => " ESCAPE '\\'",
    };
    for (kind, label) in [(labels::TAG, &filter.tag), (labels::GROUP, &filter.group)] {
        if let Some(label) = label {
            conditions.push(format!(
                "EXISTS (SELECT 1 FROM {} l WHERE l.ticket_id = t.ticket_id AND l.kind = ? AND l.label = ?)",
                table("rm_ticket_labels", generation)
            ));
            binds.push(Bind::Text(kind.to_owned()));
            binds.push(Bind::Text(label.clone()));
        }
    }
    for term in &filter.q {
        conditions.push(format!("t.search_text LIKE ?{escape}"));
        binds.push(Bind::Text(contains_pattern(term)));
    }
    let columns = page.sort.columns();
    let direction = if page.descending { "DESC" } else { "ASC" };
    if let Some(Cursor(values)) = &page.after {
        // Written as OR-expanded predicates: the row-constructor form
        // `(a, b) < (?, ?)` defeats MariaDB's index range scan.
        let op = if page.descending { "<" } else { ">" };
        let mut alternatives = Vec::new();
        for i in 0..columns.len() {
            let mut parts: Vec<String> =
                columns[..i].iter().map(|c| format!("t.{c} = ?")).collect();
            parts.push(format!("t.{} {op} ?", columns[i]));
            alternatives.push(format!("({})", parts.join(" AND ")));
            for value in &values[..=i] {
                binds.push(match value {
                    Value::Number(n) => Bind::Int(n.as_i64().unwrap_or_default()),
                    other => Bind::Text(other.as_str().unwrap_or_default().to_owned()),
                });
            }
        }
        conditions.push(format!("({})", alternatives.join(" OR ")));
    }
    let order: Vec<String> = columns
        .iter()
        .map(|c| format!("t.{c} {direction}"))
        .collect();
    let sql = format!(
        "SELECT {COLUMNS} FROM {} {} ORDER BY {} LIMIT ?",
        if docs.is_some() {
            candidates_from_clause(db, generation)
        } else {
            from_clause(generation)
        },
        if conditions.is_empty() {
            String::new()
        } else {
            format!("WHERE {}", conditions.join(" AND "))
        },
        order.join(", ")
    );
    let mut rows: Vec<Row> = on_pool!(db, pool => {
        // A candidate list makes each statement unique: not worth caching.
        let mut query = sqlx::query_as(&sql).persistent(docs.is_none());
        for bind in &binds {
            query = match bind {
                Bind::Int(i) => query.bind(*i),
                Bind::Text(s) => query.bind(s.as_str()),
            };
        }
        query.bind(page.limit + 1).fetch_all(pool).await
    })?;
    let next = if rows.len() as i64 > page.limit {
        rows.truncate(usize::try_from(page.limit).unwrap_or_default());
        rows.last().map(|row| row.cursor(page.sort))
    } else {
        None
    };
    tracing::Span::current().record("rows", rows.len());
    complete(db, generation, &mut rows).await?;
    Ok((rows, next))
}
