//! Contract tests of the event store, run against MariaDB and SQLite alike.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use command_api::db::Db;
use command_api::event_store::{
    Append, AppendError, Claim, EventStore, IdempotencyRecord, NewEvent,
};
use command_api::idempotency::{self, Previous};
use serde_json::json;
use uuid::Uuid;

fn event(n: i64) -> NewEvent {
    NewEvent {
        event_id: Uuid::now_v7(),
        event_type: "Tested".into(),
        event_version: "1".into(),
        payload: json!({ "n": n, "text": "返金してほしい" }),
        metadata: json!({ "actor": "system:test" }),
        seal_for: None,
    }
}

fn append<'a>(stream: &'a str, expected_version: i64, events: Vec<NewEvent>) -> Append<'a> {
    Append {
        aggregate_type: "test",
        aggregate_id: stream,
        expected_version,
        events,
        claims: vec![],
        idempotency: None,
        customer_key: None,
    }
}

async fn append_and_load(db: Db) {
    let store = EventStore::new(db);
    let first = store
        .append(append("a", 0, vec![event(1), event(2)]))
        .await
        .expect("appends");
    assert_eq!(
        (first.first_position, first.last_position, first.version),
        (1, 2, 2)
    );
    let second = store
        .append(append("b", 0, vec![event(3)]))
        .await
        .expect("appends");
    assert_eq!((second.first_position, second.version), (3, 1));
    let third = store
        .append(append("a", 2, vec![event(4)]))
        .await
        .expect("appends");
    assert_eq!((third.last_position, third.version), (4, 3));

    let stream = store.read_stream("test", "a").await.expect("reads");
    assert_eq!(
        stream
            .iter()
            .map(|e| (e.sequence, e.position))
            .collect::<Vec<_>>(),
        [(1, 1), (2, 2), (3, 4)]
    );
    assert_eq!(
        stream[0].payload,
        json!({ "n": 1, "text": "返金してほしい" })
    );
    assert_eq!(stream[2].metadata, json!({ "actor": "system:test" }));

    let all = store.read_all(1, 2).await.expect("reads");
    assert_eq!(all.iter().map(|e| e.position).collect::<Vec<_>>(), [2, 3]);
    assert_eq!(store.head_position().await.expect("reads"), 4);
    assert!(store.read_all(4, 100).await.expect("reads").is_empty());
}

async fn a_stale_version_is_a_conflict_and_changes_nothing(db: Db) {
    let store = EventStore::new(db);
    store
        .append(append("s", 0, vec![event(1)]))
        .await
        .expect("appends");
    let stale = store.append(append("s", 0, vec![event(2)])).await;
    assert!(matches!(stale, Err(AppendError::Conflict)), "{stale:?}");
    assert_eq!(
        store.read_stream("test", "s").await.expect("reads").len(),
        1
    );
    // The rolled-back append gave its position back: no hole in the order.
    let next = store
        .append(append("s", 1, vec![event(3)]))
        .await
        .expect("appends");
    assert_eq!(next.first_position, 2);
}

async fn an_idempotency_key_is_stored_with_the_events(db: Db) {
    let store = EventStore::new(db.clone());
    let hash = idempotency::request_hash(b"{\"subject\":\"x\"}");
    let record = IdempotencyRecord {
        scope: "inquiries".into(),
        key: "k-1".into(),
        request_hash: hash.clone(),
        response: json!({ "ok": true }),
    };
    let mut first = append("i", 0, vec![event(1)]);
    first.idempotency = Some(record.clone());
    let committed = store.append(first).await.expect("appends");

    let replay = idempotency::lookup(&db, "inquiries", "k-1", &hash)
        .await
        .expect("reads");
    assert_eq!(
        replay,
        Previous::Replay(json!({ "ok": true, "version": 1, "position": committed.last_position }))
    );
    let other = idempotency::lookup(
        &db,
        "inquiries",
        "k-1",
        &idempotency::request_hash(b"other"),
    )
    .await
    .expect("reads");
    assert_eq!(other, Previous::Mismatch);
    assert_eq!(
        idempotency::lookup(&db, "inquiries", "k-2", &hash)
            .await
            .expect("reads"),
        Previous::None
    );

    // A concurrent duplicate that slipped past the lookup appends nothing.
    let mut again = append("i2", 0, vec![event(2)]);
    again.idempotency = Some(record);
    assert!(matches!(
        store.append(again).await,
        Err(AppendError::IdempotencyKeyTaken)
    ));
    assert!(
        store
            .read_stream("test", "i2")
            .await
            .expect("reads")
            .is_empty()
    );
}

async fn a_taken_claim_rolls_the_whole_append_back(db: Db) {
    let store = EventStore::new(db);
    let claim = Claim {
        kind: "inquiry_number",
        value: "INQ-20261128-0001".into(),
    };
    let mut first = append("c1", 0, vec![event(1)]);
    first.claims = vec![claim.clone()];
    store.append(first).await.expect("appends");
    let mut second = append("c2", 0, vec![event(2)]);
    second.claims = vec![claim];
    assert!(matches!(
        store.append(second).await,
        Err(AppendError::ClaimTaken {
            kind: "inquiry_number"
        })
    ));
    assert!(
        store
            .read_stream("test", "c2")
            .await
            .expect("reads")
            .is_empty()
    );
    assert_eq!(
        store
            .find_claim("inquiry_number", "INQ-20261128-0001")
            .await
            .expect("reads")
            .as_deref(),
        Some("c1")
    );
}

async fn events_cannot_be_updated_or_deleted(db: Db) {
    let store = EventStore::new(db.clone());
    store
        .append(append("u", 0, vec![event(1)]))
        .await
        .expect("appends");
    let update = command_api::on_pool!(&db, pool => sqlx::query("UPDATE events SET event_type = 'Forged'").execute(pool).await.map(|_| ()));
    let delete = command_api::on_pool!(&db, pool => sqlx::query("DELETE FROM events").execute(pool).await.map(|_| ()));
    for result in [update, delete] {
        let error = result.expect_err("the events table is append-only");
        assert!(error.to_string().contains("append-only"), "{error}");
    }
    let stream = store.read_stream("test", "u").await.expect("reads");
    assert_eq!(stream[0].event_type, "Tested");
}

/// The central correctness property: while 32 writers append concurrently (a
/// quarter of their transactions rolling back on purpose), a reader following
/// `position > checkpoint` sees every committed event exactly once, in each
/// stream's order.
async fn a_catch_up_reader_never_skips_an_event(db: Db) {
    const WRITERS: usize = 32;
    const APPENDS_PER_WRITER: usize = 160;
    const EVENTS_PER_APPEND: usize = 4;
    let store = EventStore::new(db);
    // Claimed up front, so appends that claim it again roll back after they
    // have already reserved positions.
    let mut blocker = append("blocker", 0, vec![event(0)]);
    blocker.claims = vec![Claim {
        kind: "test",
        value: "taken".into(),
    }];
    store.append(blocker).await.expect("appends");

    let done = Arc::new(AtomicBool::new(false));
    let reader = {
        let (store, done) = (store.clone(), done.clone());
        tokio::spawn(async move {
            let mut seen = Vec::new();
            let mut checkpoint = 0;
            loop {
                let finished = done.load(Ordering::Acquire);
                let batch = store.read_all(checkpoint, 500).await.expect("reads");
                if batch.is_empty() && finished {
                    return seen;
                }
                if let Some(last) = batch.last() {
                    checkpoint = last.position;
                }
                seen.extend(
                    batch
                        .into_iter()
                        .map(|e| (e.position, e.event_id, e.aggregate_id, e.sequence)),
                );
                tokio::task::yield_now().await;
            }
        })
    };

    let writers = (0..WRITERS).map(|w| {
        let store = store.clone();
        tokio::spawn(async move {
            let stream = format!("w{w}");
            let mut committed = Vec::new();
            let mut version = 0;
            for i in 0..APPENDS_PER_WRITER {
                let events: Vec<NewEvent> =
                    (0..EVENTS_PER_APPEND).map(|_| event(i as i64)).collect();
                let ids: Vec<Uuid> = events.iter().map(|e| e.event_id).collect();
                let mut request = append(&stream, version, events);
                let rollback = i % 4 == 3;
                if rollback {
                    request.claims = vec![Claim {
                        kind: "test",
                        value: "taken".into(),
                    }];
                }
                match store.append(request).await {
                    Ok(c) => {
                        assert!(!rollback);
                        version = c.version;
                        committed.extend(ids);
                    }
                    Err(AppendError::ClaimTaken { .. }) if rollback => {}
                    Err(e) => panic!("writer {w} append {i}: {e}"),
                }
            }
            committed
        })
    });
    let mut expected = HashSet::new();
    for writer in futures::future::join_all(writers).await {
        expected.extend(writer.expect("writer finished"));
    }
    done.store(true, Ordering::Release);
    let seen = reader.await.expect("reader finished");

    let committed_events = WRITERS * APPENDS_PER_WRITER * EVENTS_PER_APPEND * 3 / 4;
    assert_eq!(expected.len(), committed_events);
    assert!(
        committed_events >= 15_000,
        "the test must exercise at least 15k committed events"
    );
    // Compared one by one so that a failure names the first gap, not 20k numbers.
    for (expected_position, (position, ..)) in (1..).zip(&seen) {
        if *position != expected_position {
            let stored = store
                .read_all(expected_position - 1, 1)
                .await
                .expect("reads");
            panic!(
                "the reader jumped from {} to {position}; position {expected_position} is {} in the store",
                expected_position - 1,
                if stored
                    .first()
                    .is_some_and(|e| e.position == expected_position)
                {
                    "present"
                } else {
                    "absent"
                }
            );
        }
    }
    let seen_ids: HashSet<Uuid> = seen
        .iter()
        .filter(|s| s.2 != "blocker")
        .map(|s| s.1)
        .collect();
    assert_eq!(
        seen.len() - 1,
        seen_ids.len(),
        "no event was delivered twice"
    );
    assert_eq!(seen_ids, expected, "every committed event was seen");
    let mut last_sequence: HashMap<&str, i64> = HashMap::new();
    for (_, _, stream, sequence) in &seen {
        let previous = last_sequence.insert(stream, *sequence).unwrap_or(0);
        assert_eq!(
            *sequence,
            previous + 1,
            "stream {stream} is read in sequence order"
        );
    }
}

command_api::contract_tests!(
    append_and_load,
    a_stale_version_is_a_conflict_and_changes_nothing,
    an_idempotency_key_is_stored_with_the_events,
    a_taken_claim_rolls_the_whole_append_back,
    events_cannot_be_updated_or_deleted,
    a_catch_up_reader_never_skips_an_event,
);

/// Why the store does not use a plain AUTO_INCREMENT position: ids are taken at
/// insert but become visible at commit, so a reader following `id > checkpoint`
/// passes an id whose transaction commits later, and never sees it.
#[tokio::test]
async fn a_naive_auto_increment_log_skips_events_on_mariadb() {
    use sqlx::{Connection, Executor};
    let test_db = command_api::testing::TestDb::mysql().await;
    let Db::MySql(pool) = &test_db.db else {
        unreachable!()
    };
    pool.execute("CREATE TABLE naive_events (id BIGINT AUTO_INCREMENT PRIMARY KEY, body VARCHAR(20) NOT NULL)").await.expect("creates");
    let read_after = |checkpoint: i64| async move {
        sqlx::query_scalar::<_, i64>("SELECT id FROM naive_events WHERE id > ? ORDER BY id")
            .bind(checkpoint)
            .fetch_all(pool)
            .await
            .expect("reads")
    };

    let mut slow = pool.acquire().await.expect("connects");
    let mut slow_tx = slow.begin().await.expect("begins");
    sqlx::query("INSERT INTO naive_events (body) VALUES ('slow')")
        .execute(&mut *slow_tx)
        .await
        .expect("inserts"); // takes id 1
    sqlx::query("INSERT INTO naive_events (body) VALUES ('fast')")
        .execute(pool)
        .await
        .expect("inserts"); // id 2, committed

    let mut checkpoint = 0;
    let mut seen = read_after(checkpoint).await;
    checkpoint = *seen.last().expect("sees the fast event");
    slow_tx.commit().await.expect("commits");
    seen.extend(read_after(checkpoint).await);

    let stored = read_after(0).await;
    assert_eq!(stored, [1, 2]);
    assert_eq!(seen, [2], "the naive reader skipped id 1 for good");
}

/// An upcaster that brings version "0" events (which had a `note` field) to
/// the current shape (`text`) before any reader sees them.
struct RenameNoteToText;

impl cqrs_es::persist::EventUpcaster for RenameNoteToText {
    fn can_upcast(&self, event_type: &str, event_version: &str) -> bool {
        event_type == "Tested" && event_version == "0"
    }

    fn upcast(
        &self,
        mut event: cqrs_es::persist::SerializedEvent,
    ) -> cqrs_es::persist::SerializedEvent {
        if let Some(note) = event.payload.as_object_mut().and_then(|p| p.remove("note")) {
            event.payload["text"] = note;
        }
        event.event_version = "1".into();
        event
    }
}

async fn upcasters_rewrite_old_versions_on_every_read(db: Db) {
    let writer = EventStore::new(db.clone());
    let mut old = event(1);
    old.event_version = "0".into();
    old.payload = json!({ "n": 1, "note": "旧形式" });
    writer
        .append(append("old", 0, vec![old, event(2)]))
        .await
        .expect("appends");

    let reader = EventStore::with_upcasters(db, vec![Box::new(RenameNoteToText)]);
    for events in [
        reader.read_stream("test", "old").await.expect("reads"),
        reader.read_all(0, 10).await.expect("reads"),
    ] {
        assert_eq!(events[0].event_version, "1");
        assert_eq!(events[0].payload, json!({ "n": 1, "text": "旧形式" }));
        assert_eq!(
            events[1].payload,
            json!({ "n": 2, "text": "返金してほしい" }),
            "current versions pass untouched"
        );
    }
}

mod upcasting {
    use super::upcasters_rewrite_old_versions_on_every_read;
    command_api::contract_tests!(upcasters_rewrite_old_versions_on_every_read);
}
