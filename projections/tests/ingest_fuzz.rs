//! The ingest path over arbitrary bytes: it never panics, never fails with
//! an error for bad input, and every input is either recorded on a ticket or
//! turned away with a reason. Inputs are random bytes, random header-shaped
//! text, and the fixture corpus with random damage.

use std::sync::OnceLock;

use command_api::commands::TicketService;
use command_api::event_store::EventStore;
use command_api::testing::TestDb;
use projections::mail::Signer;
use projections::mail::ingest::{Ingested, Ingestor};
use projections::mail::store::MailStore;
use proptest::prelude::*;
use uuid::Uuid;

mod support;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/mail");

fn corpus() -> &'static Vec<Vec<u8>> {
    static CORPUS: OnceLock<Vec<Vec<u8>>> = OnceLock::new();
    CORPUS.get_or_init(|| support::eml_files(std::path::Path::new(DIR)))
}

/// A corpus mail with bytes overwritten, inserted and cut.
fn damaged() -> impl Strategy<Value = Vec<u8>> {
    (
        0..corpus().len(),
        prop::collection::vec((any::<prop::sample::Index>(), any::<u8>(), 0u8..3), 1..12),
    )
        .prop_map(|(which, edits)| {
            let mut mail = corpus()[which].clone();
            for (at, byte, kind) in edits {
                if mail.is_empty() {
                    break;
                }
                let i = at.index(mail.len());
                match kind {
                    0 => mail[i] = byte,
                    1 => mail.insert(i, byte),
                    _ => mail.truncate(i.max(1)),
                }
            }
            mail
        })
}

/// Header-shaped text with hostile values: encoded words, odd charsets,
/// boundaries and threading headers pointing anywhere.
fn header_soup() -> impl Strategy<Value = Vec<u8>> {
    let header = prop_oneof![
        "From: [ -~]{0,40}",
        "Subject: =\\?(utf-8|iso-2022-jp|shift_jis|x-unknown)\\?[BQbq]\\?[ -~]{0,30}\\?=",
        "(In-Reply-To|References|Message-ID): <[ -~]{0,40}>",
        "Content-Type: (multipart/(mixed|report|alternative)|text/(plain|html)); (boundary|charset)=\"?[ -~]{0,20}\"?",
        "Content-Transfer-Encoding: (base64|quoted-printable|7bit|x-garbage)",
        "(Auto-Submitted|Precedence): [a-z-]{0,12}",
        "Content-Disposition: attachment; filename\\*[0-9]?\\*?=[ -~]{0,30}",
    ];
    (prop::collection::vec(header, 0..10), "[\\PC\\n]{0,200}").prop_map(|(headers, body)| {
        let mut mail = headers.join("\r\n").into_bytes();
        mail.extend_from_slice(b"\r\n\r\n");
        mail.extend_from_slice(body.as_bytes());
        mail
    })
}

fn any_mail() -> impl Strategy<Value = Vec<u8>> {
    prop_oneof![
        prop::collection::vec(any::<u8>(), 0..600),
        header_soup(),
        damaged(),
    ]
}

/// Fields drop in order: the runtime last, after everything that may need it.
struct Harness {
    ingestor: Ingestor,
    tickets: TicketService,
    _db: TestDb,
    folder: std::path::PathBuf,
    runtime: tokio::runtime::Runtime,
}

impl Drop for Harness {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.folder);
    }
}

fn harness() -> Harness {
    let runtime = tokio::runtime::Runtime::new().expect("a runtime");
    let db = runtime.block_on(TestDb::sqlite());
    let tickets = TicketService::new(EventStore::new(db.db.clone()));
    let folder = std::env::temp_dir().join(format!("mdgt_fuzz_{}", Uuid::new_v4().simple()));
    let ingestor = Ingestor::new(
        tickets.clone(),
        Signer::new(b"fuzz"),
        MailStore::Dir(folder.clone()),
    );
    Harness {
        runtime,
        _db: db,
        tickets,
        ingestor,
        folder,
    }
}

thread_local! {
    // One store for every case: a mail equal to an earlier case's is then a
    // duplicate, which the property allows.
    static HARNESS: Harness = harness();
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    #[test]
    fn every_input_is_recorded_or_turned_away_with_a_reason(mail in any_mail()) {
        HARNESS.with(|h| check(h, &mail))?;
    }
}

fn check(h: &Harness, mail: &[u8]) -> Result<(), TestCaseError> {
    let outcome = h.runtime.block_on(h.ingestor.ingest(mail));
    let outcome = match outcome {
        Ok(outcome) => outcome,
        Err(error) => {
            return Err(TestCaseError::fail(format!(
                "an error, not an outcome: {error:#}"
            )));
        }
    };
    match &outcome {
        Ingested::Opened { ticket_id } | Ingested::Threaded { ticket_id } => {
            let events = h
                .runtime
                .block_on(
                    h.tickets
                        .store()
                        .read_stream("ticket", &ticket_id.to_string()),
                )
                .expect("reads");
            prop_assert!(!events.is_empty(), "recorded on its ticket");
        }
        Ingested::Rejected { reason } => prop_assert!(!reason.trim().is_empty()),
        Ingested::Ignored { reason } => prop_assert!(!reason.trim().is_empty()),
        Ingested::Duplicate | Ingested::Bounced { .. } => {}
    }
    // Recorded once: the same bytes again are a duplicate.
    let again = h
        .runtime
        .block_on(h.ingestor.ingest(mail))
        .expect("ingests again");
    match (&outcome, &again) {
        (Ingested::Opened { .. } | Ingested::Threaded { .. }, Ingested::Duplicate) => {}
        (Ingested::Opened { .. } | Ingested::Threaded { .. }, other) => {
            prop_assert!(false, "recorded twice: {other:?}");
        }
        _ => {}
    }
    Ok(())
}
