//! Every message of the Japanese inbound-mail corpus decodes as its manifest says.

use std::path::Path;

use projections::mail::inbound::{self, Rejected};
use serde_json::Value;

mod support;

use support::replace_all;

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/mail");

/// Test values for the threading placeholders, ASCII only.
fn substitute(raw: Vec<u8>) -> Vec<u8> {
    let pairs = [
        ("{{OUR_MESSAGE_ID}}", "<0190aaaabbbbccccddddeeeeffff0000.0190aaaabbbbccccddddeeeeffff0001.0123456789abcdef01234567@lifestylemart.example>".to_owned()),
        ("{{KNOWN_MESSAGE_ID}}", "<earlier-customer-mail@example.jp>".to_owned()),
        ("{{BODY_MARKER}}", "[ref:0190aaaabbbbccccddddeeeeffff0000]".to_owned()),
        ("{{INQUIRY_NUMBER}}", "INQ-20261120-0042".to_owned()),
        ("{{CUSTOMER_EMAIL}}", "hanako@example.jp".to_owned()),
    ];
    replace_all(&raw, &pairs)
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}

#[test]
fn the_corpus_decodes_as_the_manifest_says() {
    let manifest: Vec<Value> = serde_json::from_str(
        &std::fs::read_to_string(Path::new(DIR).join("manifest.json")).expect("manifest"),
    )
    .expect("parses");
    let mut failures = Vec::new();
    let mut checked = 0;
    for entry in &manifest {
        let file = entry["file"].as_str().expect("file");
        // Expectations name the placeholders too; give them the same values.
        let expect: Value = serde_json::from_slice(&substitute(
            serde_json::to_vec(&entry["expect"]).expect("serializes"),
        ))
        .expect("parses");
        let expect = &expect;
        let path = Path::new(DIR).join(file);
        let Ok(raw) = std::fs::read(&path) else {
            assert!(
                entry.get("recipe").is_some() || expect["oversized"] == true,
                "{file} is missing"
            );
            continue;
        };
        checked += 1;
        let mut fail = |what: String| failures.push(format!("{file}: {what}"));
        let mail = match inbound::parse(&substitute(raw)) {
            Ok(mail) => mail,
            Err(e) => {
                fail(format!("did not parse: {e}"));
                continue;
            }
        };
        if let Some(from) = expect["from"].as_str()
            && mail.from.as_deref() != Some(from)
        {
            fail(format!("from {:?} ≠ {from}", mail.from));
        }
        if let Some(name) = expect["from_name"].as_str()
            && mail.from_name.as_deref() != Some(name)
        {
            fail(format!("from_name {:?} ≠ {name}", mail.from_name));
        }
        if mail.subject.as_deref() != expect["subject"].as_str() {
            fail(format!(
                "subject {:?} ≠ {:?}",
                mail.subject, expect["subject"]
            ));
        }
        if let Some(id) = expect["message_id"].as_str()
            && mail.message_id.as_deref() != Some(id)
        {
            fail(format!("message_id {:?} ≠ {id}", mail.message_id));
        }
        for needle in strings(&expect["text_contains"]) {
            if !mail.text.contains(&needle) {
                fail(format!("text lacks {needle:?}"));
            }
        }
        for needle in strings(&expect["text_not_contains"]) {
            if mail.text.contains(&needle) {
                fail(format!("text has {needle:?}"));
            }
        }
        for needle in strings(&expect["new_part_contains"]) {
            if !mail.new_part.contains(&needle) {
                fail(format!("new part lacks {needle:?}"));
            }
        }
        for needle in strings(&expect["new_part_not_contains"]) {
            if mail.new_part.contains(&needle) {
                fail(format!("new part has {needle:?}"));
            }
        }
        let names: Vec<String> = expect["attachments"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|x| x["name"].as_str().map(str::to_owned))
                    .collect()
            })
            .unwrap_or_default();
        let got: Vec<String> = mail.attachments.iter().map(|a| a.name.clone()).collect();
        if got != names {
            fail(format!("attachments {got:?} ≠ {names:?}"));
        }
        for (want, have) in expect["attachments"]
            .as_array()
            .into_iter()
            .flatten()
            .zip(&mail.attachments)
        {
            if want["content_type"]
                .as_str()
                .is_some_and(|ct| ct != have.content_type)
            {
                fail(format!(
                    "{} content type {} ≠ {}",
                    have.name, have.content_type, want["content_type"]
                ));
            }
            if want["size"].as_u64().is_some_and(|size| size != have.size) {
                fail(format!(
                    "{} size {} ≠ {}",
                    have.name, have.size, want["size"]
                ));
            }
        }
        if expect["auto"].as_bool() != Some(mail.auto) {
            fail(format!("auto {} ≠ {}", mail.auto, expect["auto"]));
        }
        if expect["bounce"].as_bool() != Some(mail.bounce) {
            fail(format!("bounce {} ≠ {}", mail.bounce, expect["bounce"]));
        }
    }
    assert!(checked >= 40, "only {checked} messages checked");
    assert!(
        failures.is_empty(),
        "{} problems:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn oversized_and_garbage_input_is_refused_with_a_reason() {
    let big = vec![b'a'; inbound::MAX_MAIL_BYTES + 1];
    assert_eq!(
        inbound::parse(&big),
        Err(Rejected::TooLarge {
            limit: inbound::MAX_MAIL_BYTES
        })
    );
    assert_eq!(inbound::parse(b""), Err(Rejected::Unparseable));
}
