//! The tickets projection and its engine, on both backends.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicUsize, Ordering};

use async_trait::async_trait;
use command_api::commands::TicketService;
use command_api::db::Db;
use command_api::event_store::{Append, EventStore, NewEvent};
use command_api::numbers;
use command_api::on_pool;
use command_api::testing::sealed_store;
use domain::metadata::CommandContext;
use domain::ticket::{Customer, CustomerMessage, ErasureReason, MessageSource, OpenTicket};
use domain::values::{Body, CustomerEmail, CustomerName, NoteBody, Subject};
use domain::{Actor, Channel, Priority, Status, Ticket, TicketCommand};
use projections::checkpoint;
use projections::engine::{Envelope, Projection, Step, Worker, WorkerError};
use projections::erasure::Eraser;
use projections::mail::store::MailStore;
use projections::rebuild::rebuild;
use projections::search::grams::{grams, slot};
use projections::tickets::{NAME, SHAPE, TicketsProjection};
use projections::tx::Tx;
use serde_json::json;
use time::OffsetDateTime;
use uuid::Uuid;

fn ctx(actor: Actor) -> CommandContext {
    CommandContext::new(actor, OffsetDateTime::now_utc(), None)
}

async fn open(db: &Db, service: &TicketService, i: usize) -> Uuid {
    let now = OffsetDateTime::now_utc();
    let open = OpenTicket {
        ticket_id: Uuid::now_v7(),
        inquiry_number: numbers::allocate(db, now).await.expect("allocates"),
        channel: if i.is_multiple_of(4) {
            Channel::Phone
        } else {
            Channel::Form
        },
        category_id: 1 + (i % 6) as i64,
        customer: Customer {
            name: CustomerName::parse(&format!("顧客{i}")).expect("valid"),
            email: Some(CustomerEmail::parse(&format!("c{i}@example.jp")).expect("valid")),
        },
        order_number: None,
        subject: Subject::parse(if i.is_multiple_of(3) {
            "返金してほしい"
        } else {
            "配送について"
        })
        .expect("valid"),
        body: Body::parse(&format!("お問い合わせ本文 {i}")).expect("valid"),
        priority: Priority::ALL[i % 4],
        status: Status::New,
        assignee: None,
        attachments: Vec::new(),
        received_at: now,
        raw_mail: None,
        customer_ref: None,
    };
    let id = open.ticket_id;
    service
        .open(open, &ctx(Actor::Customer), None)
        .await
        .expect("opens");
    id
}

/// A varied history: opens, assignments, moves, notes, replies, customer messages.
async fn seed(db: &Db, service: &TicketService, tickets: usize) -> Vec<Uuid> {
    let mut ids = Vec::new();
    for i in 0..tickets {
        let id = open(db, service, i).await;
        let agent = ctx(Actor::Agent(1 + (i % 3) as i64));
        let mut commands = vec![];
        if i.is_multiple_of(2) {
            commands.push(TicketCommand::Assign {
                to: 1 + (i % 3) as i64,
            });
        }
        if i % 3 != 1 {
            commands.push(TicketCommand::AddInternalNote {
                note_id: Uuid::now_v7(),
                body: NoteBody::parse("社内メモ").expect("valid"),
            });
            commands.push(TicketCommand::QueueReply {
                reply_id: Uuid::now_v7(),
                subject: Subject::parse("【ご回答】").expect("valid"),
                body: Body::parse("ご回答します。").expect("valid"),
            });
        }
        if i.is_multiple_of(5) {
            commands.push(TicketCommand::ChangeStatus {
                to: Status::InProgress,
            });
            commands.push(TicketCommand::ChangeStatus {
                to: Status::Resolved,
            });
            commands.push(TicketCommand::ReceiveCustomerMessage(Box::new(
                CustomerMessage {
                    message_id: Uuid::now_v7(),
                    source: MessageSource::Email,
                    from: Some(CustomerEmail::parse(&format!("c{i}@example.jp")).expect("valid")),
                    from_name: None,
                    subject: None,
                    body: Body::parse("まだ解決していません").expect("valid"),
                    mail_message_id: Some(format!("<m{i}@example.jp>")),
                    attachments: vec![],
                    received_at: OffsetDateTime::now_utc(),
                    raw_mail: None,
                },
            )));
        }
        if i.is_multiple_of(7) {
            commands.push(TicketCommand::ChangePriority {
                to: Priority::Urgent,
            });
            commands.push(TicketCommand::Unassign);
        }
        for command in commands {
            service
                .execute(id, None, command, &agent, None)
                .await
                .unwrap_or_else(|e| panic!("ticket {i}: {e}"));
        }
        ids.push(id);
    }
    ids
}

async fn catch_up(worker: &Worker) -> usize {
    let mut total = 0;
    loop {
        match worker.run_once().await.expect("steps") {
            Step::Processed(n) => total += n,
            Step::CaughtUp => return total,
            other => panic!("unexpected {other:?}"),
        }
    }
}

/// Every table of a generation as sorted text rows, for comparisons.
async fn snapshot(db: &Db, generation: i64) -> Vec<String> {
    let mut rows = Vec::new();
    let queries = [
        format!(
            "SELECT CONCAT_WS('|', ticket_id, inquiry_number, status, priority, priority_rank, COALESCE(assignee_id, '-'), version, awaiting_reply, COALESCE(first_response_at, '-'), search_text) FROM rm_tickets_g{generation}"
        ),
        format!(
            "SELECT CONCAT_WS('|', ticket_id, sequence, kind, actor, COALESCE(body, '-'), data, COALESCE(delivery, '-')) FROM rm_timeline_g{generation}"
        ),
        format!(
            "SELECT CONCAT_WS('|', status, priority, assigned, count) FROM rm_counts_g{generation} WHERE count <> 0"
        ),
        format!(
            "SELECT CONCAT_WS('|', assignee_id, open_count) FROM rm_workload_g{generation} WHERE open_count <> 0"
        ),
        format!("SELECT CONCAT_WS('|', hour_start, count) FROM rm_received_hourly_g{generation}"),
        format!(
            "SELECT CONCAT_WS('|', hour_start, count) FROM rm_unanswered_hourly_g{generation} WHERE count <> 0"
        ),
        format!(
            "SELECT CONCAT_WS('|', ticket_id, category_id, COALESCE(first_response_at, '-'), COALESCE(first_responder_id, '-'), COALESCE(resolved_at, '-'), COALESCE(resolver_id, '-'), reopen_count, reply_count) FROM rm_ticket_facts_g{generation}"
        ),
        format!("SELECT CONCAT_WS('|', doc, ticket_id) FROM rm_search_docs_g{generation}"),
        format!("SELECT CONCAT_WS('|', block, gram, bits) FROM rm_search_grams_g{generation}"),
    ];
    for sql in queries {
        let sql = match db {
            // SQLite has no CONCAT_WS before 3.44; spell it with ||.
            Db::Sqlite(_) => sqlite_concat(&sql),
            // Binary-collated text comes back as bytes unless cast.
            Db::MySql(_) => sql
                .replacen("SELECT CONCAT_WS", "SELECT CAST(CONCAT_WS", 1)
                .replacen(") FROM", ") AS CHAR) FROM", 1),
        };
        let mut part: Vec<String> =
            on_pool!(db, pool => sqlx::query_scalar(&sql).fetch_all(pool).await).expect("reads");
        part.sort();
        rows.extend(part);
    }
    rows
}

fn sqlite_concat(sql: &str) -> String {
    let start = sql.find("CONCAT_WS('|', ").expect("has concat") + "CONCAT_WS('|', ".len();
    let end = sql.find(") FROM").expect("has from");
    let mut depth = 0;
    let mut parts = Vec::new();
    let mut current = String::new();
    for c in sql[start..end].chars() {
        match c {
            '(' => depth += 1,
            ')' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(current.trim().to_owned());
                current.clear();
                continue;
            }
            _ => {}
        }
        current.push(c);
    }
    parts.push(current.trim().to_owned());
    format!("SELECT {}{}", parts.join(" || '|' || "), &sql[end + 1..])
}

fn worker(store: &EventStore) -> Worker {
    Worker::new(store.clone(), Arc::new(TicketsProjection)).with_batch(37)
}

async fn the_read_models_agree_with_a_fold_of_the_events(db: Db) {
    let store = sealed_store(&db);
    let service = TicketService::new(store.clone());
    let ids = seed(&db, &service, 30).await;
    catch_up(&worker(&store)).await;
    for id in ids {
        let folded = service.load(id).await.expect("loads");
        let ticket: &Ticket = &folded.ticket;
        let row: (String, String, Option<i64>, i64) = on_pool!(&db, pool => sqlx::query_as(
            "SELECT status, priority, assignee_id, version FROM rm_tickets_g1 WHERE ticket_id = ?",
        ).bind(id.to_string()).fetch_one(pool).await)
        .expect("row exists");
        assert_eq!(
            row,
            (
                ticket.status().as_str().to_owned(),
                ticket.priority().as_str().to_owned(),
                ticket.assignee(),
                folded.version
            )
        );
    }
    // The counters equal a GROUP BY over the rows they summarize.
    let grouped: Vec<(String, String, i64)> = on_pool!(&db, pool => sqlx::query_as(
        "SELECT status, priority, CAST(COUNT(*) AS SIGNED) FROM rm_tickets_g1 GROUP BY status, priority ORDER BY status, priority",
    ).fetch_all(pool).await).expect("reads");
    let counted: Vec<(String, String, i64)> = on_pool!(&db, pool => sqlx::query_as(
        "SELECT status, priority, CAST(SUM(count) AS SIGNED) FROM rm_counts_g1 GROUP BY status, priority HAVING SUM(count) <> 0 ORDER BY status, priority",
    ).fetch_all(pool).await).expect("reads");
    assert_eq!(counted, grouped);
    // The unanswered backlog per hour equals the open rows without a response.
    let waiting: i64 = on_pool!(&db, pool => sqlx::query_scalar(
        "SELECT CAST(COUNT(*) AS SIGNED) FROM rm_tickets_g1 WHERE first_response_at IS NULL AND status IN ('new', 'in_progress')",
    ).fetch_one(pool).await).expect("reads");
    let backlog: i64 = on_pool!(&db, pool => sqlx::query_scalar(
        "SELECT CAST(COALESCE(SUM(count), 0) AS SIGNED) FROM rm_unanswered_hourly_g1",
    ).fetch_one(pool).await)
    .expect("reads");
    assert!(waiting > 0, "the seed leaves some tickets unanswered");
    assert_eq!(backlog, waiting);
    // The n-gram index holds exactly the grams of each ticket's text.
    let texts: Vec<(String, String)> = on_pool!(&db, pool => sqlx::query_as(
        "SELECT ticket_id, CAST(search_text AS CHAR) FROM rm_tickets_g1",
    ).fetch_all(pool).await)
    .expect("reads");
    let docs: HashMap<String, i64> = on_pool!(&db, pool => sqlx::query_as(
        "SELECT ticket_id, doc FROM rm_search_docs_g1",
    ).fetch_all(pool).await)
    .expect("reads")
    .into_iter()
    .collect();
    let index: Vec<(i64, i64, i64)> = on_pool!(&db, pool => sqlx::query_as(
        "SELECT block, gram, bits FROM rm_search_grams_g1",
    ).fetch_all(pool).await)
    .expect("reads");
    assert_eq!(docs.len(), texts.len(), "every ticket has a doc");
    for (ticket, text) in texts {
        let (block, bit) = slot(docs[&ticket]);
        let indexed: BTreeSet<i64> = index
            .iter()
            .filter(|(b, _, bits)| *b == block && bits & bit != 0)
            .map(|(_, gram, _)| *gram)
            .collect();
        assert_eq!(indexed, grams(&text).into_iter().collect(), "{ticket}");
    }
}

async fn a_rebuild_equals_the_incrementally_built_tables(db: Db) {
    let store = sealed_store(&db);
    let service = TicketService::new(store.clone());
    seed(&db, &service, 25).await;
    // One customer erased: the live tables redact when the event arrives, a
    // rebuild reads the stand-ins instead; both must arrive at the same rows.
    let files = std::env::temp_dir().join(format!("mdgt_files_{}", Uuid::new_v4().simple()));
    let erased = Eraser::new(service.clone(), MailStore::Dir(files))
        .erase_email(
            &CustomerEmail::parse("c0@example.jp").expect("valid"),
            ErasureReason::CustomerRequest,
            Actor::Agent(1),
        )
        .await
        .expect("erases")
        .expect("the customer exists");
    assert_eq!(erased.tickets, 1);
    let live = worker(&store);
    catch_up(&live).await;
    let incremental = snapshot(&db, 1).await;
    let mut reports = 0;
    let rebuilt = rebuild(&store, Arc::new(TicketsProjection), |_| reports += 1)
        .await
        .expect("rebuilds");
    assert_eq!(rebuilt.generation, 2);
    assert_eq!(
        rebuilt.position,
        store.head_position().await.expect("reads")
    );
    assert!(reports > 0, "progress was reported");
    assert_eq!(snapshot(&db, 2).await, incremental);
    assert_eq!(
        checkpoint::load(&db, NAME).await.expect("reads").shape,
        SHAPE,
        "the rebuild records the shape it built"
    );
    // The indexes dropped for the replay are all back, unique ones unique.
    assert_eq!(index_shapes(&db, 2).await, index_shapes(&db, 1).await);
    // The live worker follows the new generation from where the rebuild ended.
    seed(&db, &service, 3).await;
    catch_up(&live).await;
    let state = checkpoint::load(&db, NAME).await.expect("reads");
    assert_eq!(
        (state.generation, state.position),
        (2, store.head_position().await.expect("reads"))
    );
}

/// Every index of a generation's tables: its columns and uniqueness (and on
/// SQLite its name without the generation; MariaDB's `CREATE TABLE … LIKE`
/// keeps the template's index names).
async fn index_shapes(db: &Db, generation: i64) -> Vec<String> {
    let suffix = format!("_g{generation}");
    let mut shapes: Vec<String> = match db {
        Db::MySql(pool) => sqlx::query_scalar(
            "SELECT CONCAT(table_name, ':', MIN(non_unique), ':', GROUP_CONCAT(column_name ORDER BY seq_in_index)) \
             FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name LIKE ? \
             GROUP BY table_name, index_name",
        )
        .bind(format!("rm\\_%{suffix}"))
        .fetch_all(pool)
        .await,
        Db::Sqlite(pool) => sqlx::query_scalar(
            "SELECT m.tbl_name || ':' || m.name || ':' || COALESCE(m.sql, 'pk') FROM sqlite_master m \
             WHERE m.type = 'index' AND m.tbl_name LIKE ?",
        )
        .bind(format!("rm%{suffix}"))
        .fetch_all(pool)
        .await,
    }
    .expect("reads the catalog");
    for shape in &mut shapes {
        *shape = shape.replace(&suffix, "_gN");
    }
    shapes.sort();
    assert!(shapes.len() > 5, "the tables have indexes: {shapes:?}");
    shapes
}

/// A projection that fails on its Nth event, like a process killed mid-batch.
struct Crashing {
    remaining: AtomicUsize,
}

#[async_trait]
impl Projection for Crashing {
    fn name(&self) -> &'static str {
        NAME
    }
    fn tables(&self) -> &'static [&'static str] {
        TicketsProjection.tables()
    }
    async fn apply(
        &self,
        tx: &mut Tx,
        event: &Envelope,
        generation: i64,
    ) -> Result<(), sqlx::Error> {
        if self.remaining.fetch_sub(1, Ordering::SeqCst) == 0 {
            return Err(sqlx::Error::Protocol("killed mid-batch".into()));
        }
        TicketsProjection.apply(tx, event, generation).await
    }
}

async fn a_worker_killed_mid_batch_resumes_without_loss_or_duplication(db: Db) {
    let store = sealed_store(&db);
    let service = TicketService::new(store.clone());
    seed(&db, &service, 20).await;
    let crashing = Worker::new(
        store.clone(),
        Arc::new(Crashing {
            remaining: AtomicUsize::new(50),
        }),
    )
    .with_batch(37);
    assert_eq!(
        crashing.run_once().await.expect("first batch"),
        Step::Processed(37)
    );
    assert!(
        crashing.run_once().await.is_err(),
        "the second batch dies after 13 of its events"
    );
    assert_eq!(
        checkpoint::load(&db, NAME).await.expect("reads").position,
        37,
        "the dead batch left no trace"
    );
    // A fresh process takes over once the dead one's lease has expired.
    let later = Arc::new(AtomicI64::new(command_api::db::now_micros() + 60_000_000));
    let resumed = worker(&store).with_clock(Arc::new(move || later.load(Ordering::SeqCst)));
    catch_up(&resumed).await;
    let resumed_rows = snapshot(&db, 1).await;
    rebuild(&store, Arc::new(TicketsProjection), |_| {})
        .await
        .expect("rebuilds");
    assert_eq!(
        snapshot(&db, 2).await,
        resumed_rows,
        "equal to a full replay"
    );
}

async fn an_unreadable_event_halts_the_projection_at_its_position(db: Db) {
    let store = sealed_store(&db);
    let service = TicketService::new(store.clone());
    let id = open(&db, &service, 1).await;
    let alien = NewEvent {
        event_id: Uuid::now_v7(),
        event_type: "TicketTeleported".into(),
        event_version: "1".into(),
        payload: json!({}),
        metadata: json!({}),
        seal_for: None,
    };
    let committed = store
        .append(Append {
            aggregate_type: "ticket",
            aggregate_id: &id.to_string(),
            expected_version: 1,
            events: vec![alien],
            claims: vec![],
            idempotency: None,
            customer_key: None,
        })
        .await
        .expect("appends");
    let worker = worker(&store);
    assert_eq!(
        worker.run_once().await.expect("first event applies"),
        Step::Processed(1)
    );
    match worker.run_once().await {
        Err(WorkerError::Halted {
            position, reason, ..
        }) => {
            assert_eq!(position, committed.last_position);
            assert!(reason.contains("TicketTeleported"), "{reason}");
        }
        other => panic!("expected a halt, got {other:?}"),
    }
    let state = checkpoint::load(&db, NAME).await.expect("reads");
    assert_eq!(state.position, 1, "never skipped");
    assert_eq!(state.halted_position, Some(committed.last_position));
    assert!(worker.run_once().await.is_err(), "it stays halted");
}

async fn only_the_lease_holder_applies_and_another_takes_over_when_it_dies(db: Db) {
    let store = sealed_store(&db);
    let service = TicketService::new(store.clone());
    seed(&db, &service, 4).await;
    let now = Arc::new(AtomicI64::new(command_api::db::now_micros()));
    let clock = |now: &Arc<AtomicI64>| {
        let now = now.clone();
        Arc::new(move || now.load(Ordering::SeqCst)) as projections::engine::Clock
    };
    let first = worker(&store).with_clock(clock(&now));
    let second = worker(&store).with_clock(clock(&now));
    assert!(matches!(
        first.run_once().await.expect("steps"),
        Step::Processed(_)
    ));
    assert_eq!(second.run_once().await.expect("steps"), Step::NotLeader);
    // The first replica dies without releasing; its lease runs out.
    now.fetch_add(16_000_000, Ordering::SeqCst);
    assert!(matches!(
        second.run_once().await.expect("steps"),
        Step::Processed(_) | Step::CaughtUp
    ));
    assert_eq!(first.run_once().await.expect("steps"), Step::NotLeader);
    catch_up(&second).await;
    assert_eq!(
        checkpoint::load(&db, NAME).await.expect("reads").position,
        store.head_position().await.expect("reads")
    );
}

async fn count(db: &Db, table: &str) -> i64 {
    let sql = format!("SELECT CAST(COUNT(*) AS SIGNED) FROM {table}");
    on_pool!(db, pool => sqlx::query_scalar(&sql).fetch_one(pool).await).expect("counts")
}

async fn a_generation_from_before_the_search_index_keeps_working_until_rebuilt(db: Db) {
    let store = sealed_store(&db);
    let service = TicketService::new(store.clone());
    seed(&db, &service, 4).await;
    let live = worker(&store);
    catch_up(&live).await;
    rebuild(&store, Arc::new(TicketsProjection), |_| {})
        .await
        .expect("rebuilds");
    // A database at generation 2 as the index's migration leaves it: the
    // index tables exist only as first-generation templates, shape 1.
    for statement in [
        "DROP TABLE rm_search_docs_g2",
        "DROP TABLE rm_search_grams_g2",
        "UPDATE projection_checkpoints SET shape = 1 WHERE name = 'tickets'",
    ] {
        on_pool!(&db, pool => sqlx::query(statement).execute(pool).await.map(|_| ()))
            .expect("runs");
    }
    seed(&db, &service, 2).await;
    catch_up(&live).await;
    let state = checkpoint::load(&db, NAME).await.expect("reads");
    assert_eq!(
        (state.generation, state.shape, state.position),
        (2, 1, store.head_position().await.expect("reads")),
        "the worker went on, the shape still says the index is partial"
    );
    assert_eq!(
        count(&db, "rm_search_docs_g2").await,
        2,
        "only the new tickets"
    );
    rebuild(&store, Arc::new(TicketsProjection), |_| {})
        .await
        .expect("rebuilds");
    let state = checkpoint::load(&db, NAME).await.expect("reads");
    assert_eq!((state.generation, state.shape), (3, SHAPE));
    assert_eq!(count(&db, "rm_search_docs_g3").await, 6, "every ticket");
}

command_api::contract_tests!(
    a_generation_from_before_the_search_index_keeps_working_until_rebuilt,
    the_read_models_agree_with_a_fold_of_the_events,
    a_rebuild_equals_the_incrementally_built_tables,
    a_worker_killed_mid_batch_resumes_without_loss_or_duplication,
    an_unreadable_event_halts_the_projection_at_its_position,
    only_the_lease_holder_applies_and_another_takes_over_when_it_dies,
);
