//! What inbound mail leaves on disk: the raw mail always, each attachment
//! within the limits on its own, and a clear outcome for what is too big.

use command_api::commands::TicketService;
use command_api::db::Db;
use command_api::event_store::EventStore;
use mail_builder::MessageBuilder;
use projections::mail::Signer;
use projections::mail::inbound::MAX_MAIL_BYTES;
use projections::mail::ingest::{Ingested, Ingestor, MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS};
use projections::mail::store::MailStore;
use sha2::{Digest, Sha256};
use uuid::Uuid;

struct Folder(std::path::PathBuf);

impl Folder {
    fn new() -> Self {
        Self(std::env::temp_dir().join(format!("mdgt_mailstore_{}", Uuid::new_v4().simple())))
    }
}

impl Drop for Folder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn raw_path(folder: &Folder, raw: &[u8]) -> std::path::PathBuf {
    folder
        .0
        .join("inbound")
        .join(format!("{}.eml", hex::encode(Sha256::digest(raw))))
}

async fn attachments_are_stored_within_their_limits(db: Db) {
    let folder = Folder::new();
    let tickets = TicketService::new(EventStore::new(db.clone()));
    let ingestor = Ingestor::new(
        tickets.clone(),
        Signer::new(b"storage-test"),
        MailStore::Dir(folder.0.clone()),
    );
    let files: Vec<Vec<u8>> = (0..=MAX_ATTACHMENTS)
        .map(|i| format!("レシート {i}").into_bytes())
        .collect();
    let mut builder = MessageBuilder::new()
        .from(("鈴木 次郎", "jiro@example.jp"))
        .to("support@lifestylemart.example")
        .subject("返品したい商品のレシートです")
        .message_id(format!("{}@example.jp", Uuid::new_v4().simple()))
        .text_body("レシートを全部お送りします。");
    let oversized = vec![b'x'; usize::try_from(MAX_ATTACHMENT_BYTES).expect("fits") + 1];
    builder = builder.attachment("application/octet-stream", "動画.bin", oversized.as_slice());
    for (i, file) in files.iter().enumerate() {
        builder = builder.attachment("text/plain", format!("レシート{i}.txt"), file.as_slice());
    }
    let raw = builder.write_to_vec().expect("builds");
    assert!(
        raw.len() < MAX_MAIL_BYTES,
        "the mail itself is within its limit"
    );

    let Ingested::Opened { ticket_id } = ingestor.ingest(&raw).await.expect("ingests") else {
        panic!("a new mail opens a ticket")
    };

    let events = tickets
        .store()
        .read_stream("ticket", &ticket_id.to_string())
        .await
        .expect("reads");
    let listed = events[0].payload["attachments"]
        .as_array()
        .expect("attachments are listed")
        .clone();
    assert_eq!(listed.len(), MAX_ATTACHMENTS + 2, "every file is listed");
    let raw_key = format!("inbound/{}.eml", hex::encode(Sha256::digest(&raw)));
    // The oversized file came first: listed, but kept only in the raw mail.
    assert_eq!(listed[0]["name"], "動画.bin");
    assert_eq!(listed[0]["storage_key"], raw_key.as_str());
    assert_eq!(listed[0]["size"], MAX_ATTACHMENT_BYTES + 1);
    let store = MailStore::Dir(folder.0.clone());
    for (i, file) in files.iter().enumerate().take(MAX_ATTACHMENTS - 1) {
        let entry = &listed[i + 1];
        assert_eq!(entry["name"], format!("レシート{i}.txt").as_str());
        let key = entry["storage_key"].as_str().expect("a key");
        assert!(key.starts_with("attachments/"), "{key}");
        let kept = store.get(key).await.expect("reads");
        assert_eq!(kept.as_deref(), Some(file.as_slice()), "attachment {i}");
    }
    // Past the count limit: listed, kept in the raw mail only.
    for entry in &listed[MAX_ATTACHMENTS..] {
        assert_eq!(entry["storage_key"], raw_key.as_str(), "{entry}");
    }
    assert_eq!(
        std::fs::read(raw_path(&folder, &raw)).expect("the raw mail is kept"),
        raw
    );
    let stored = std::fs::read_dir(folder.0.join("attachments"))
        .expect("stored")
        .flat_map(|d| std::fs::read_dir(d.expect("entry").path()).expect("folder"))
        .count();
    assert_eq!(stored, MAX_ATTACHMENTS - 1, "only files within the limits");
}

async fn an_oversized_mail_is_refused_with_its_raw_copy_kept(db: Db) {
    let folder = Folder::new();
    let tickets = TicketService::new(EventStore::new(db.clone()));
    let ingestor = Ingestor::new(
        tickets,
        Signer::new(b"storage-test"),
        MailStore::Dir(folder.0.clone()),
    );
    let mut raw =
        b"From: jiro@example.jp\r\nSubject: big\r\nMessage-ID: <big@example.jp>\r\n\r\n".to_vec();
    raw.resize(MAX_MAIL_BYTES + 1, b'a');

    let outcome = ingestor.ingest(&raw).await.expect("ingests");

    let Ingested::Rejected { reason } = outcome else {
        panic!("an oversized mail is refused, not {outcome:?}")
    };
    assert!(reason.contains(&MAX_MAIL_BYTES.to_string()), "{reason}");
    assert_eq!(
        std::fs::read(raw_path(&folder, &raw))
            .expect("the raw mail is kept")
            .len(),
        raw.len()
    );
}

command_api::contract_tests!(
    attachments_are_stored_within_their_limits,
    an_oversized_mail_is_refused_with_its_raw_copy_kept,
);
