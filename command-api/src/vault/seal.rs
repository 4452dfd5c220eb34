//! Sealing the personal fields of one event payload, and opening them again.
//!
//! Sealing moves every personal field present (see `domain::personal`) into
//! one AES-256-GCM ciphertext under the payload member `$sealed`:
//!
//! ```json
//! {"ticket_id": "…", "channel": "form", …,
//!  "$sealed": {"customer": "<uuid>", "fields": ["/subject", "/body"], "data": "<base64>"}}
//! ```
//!
//! The ciphertext is bound to the event id and the customer, so it cannot be
//! moved to another event. Opening puts the fields back; without the key
//! (erased), each listed field gets its stand-in instead.

use aes_gcm::aead::generic_array::GenericArray;
use aes_gcm::aead::{Aead, Payload};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use domain::personal::{personal_fields, stand_in};
use serde_json::{Map, Value};
use uuid::Uuid;

use super::{DataKey, NONCE_BYTES};

pub const MEMBER: &str = "$sealed";

#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error("the sealed fields are malformed: {0}")]
    Malformed(&'static str),
    #[error("the sealed fields do not decrypt with the customer's key")]
    Decrypt,
}

/// Whether the payload has personal fields to seal.
pub fn has_personal_fields(event_type: &str, payload: &Value) -> bool {
    personal_fields(event_type)
        .iter()
        .any(|f| payload.pointer(f.pointer).is_some_and(|v| !v.is_null()))
}

/// Seals the personal fields of `payload` with `key`. A payload without
/// any is left as it is.
pub fn seal(event_type: &str, payload: &mut Value, event_id: Uuid, customer: Uuid, key: &DataKey) {
    let mut plain = Map::new();
    for field in personal_fields(event_type) {
        // An absent optional field (null) stays as it is: there is nothing to hide.
        if payload.pointer(field.pointer).is_some_and(|v| !v.is_null())
            && let Some(value) = take(payload, field.pointer)
        {
            plain.insert(field.pointer.to_owned(), value);
        }
    }
    if plain.is_empty() {
        return;
    }
    let fields: Vec<Value> = plain.keys().map(|k| Value::String(k.clone())).collect();
    let nonce: [u8; NONCE_BYTES] = rand::random();
    let message = Value::Object(plain).to_string();
    let sealed = key
        .0
        .encrypt(
            GenericArray::from_slice(&nonce),
            Payload {
                msg: message.as_bytes(),
                aad: &aad(event_id, customer),
            },
        )
        .unwrap_or_default();
    if let Value::Object(map) = payload {
        map.insert(
            MEMBER.to_owned(),
            serde_json::json!({
                "customer": customer,
                "fields": fields,
                "data": STANDARD.encode([nonce.as_slice(), &sealed].concat()),
            }),
        );
    }
}

/// The customer whose key sealed this payload, if it is sealed.
pub fn sealed_by(payload: &Value) -> Option<Uuid> {
    payload
        .get(MEMBER)?
        .get("customer")?
        .as_str()
        .and_then(|id| Uuid::parse_str(id).ok())
}

/// Opens a sealed payload in place: with the key, the fields come back;
/// without it (the customer was erased), each field gets its stand-in.
pub fn open(
    event_type: &str,
    payload: &mut Value,
    event_id: Uuid,
    key: Option<&DataKey>,
) -> Result<(), OpenError> {
    let Some(sealed) = payload.as_object_mut().and_then(|m| m.remove(MEMBER)) else {
        return Ok(());
    };
    let customer = sealed_by(&serde_json::json!({ MEMBER: sealed.clone() }))
        .ok_or(OpenError::Malformed("customer"))?;
    let values: Map<String, Value> = match key {
        Some(key) => {
            let bytes = sealed
                .get("data")
                .and_then(Value::as_str)
                .and_then(|d| STANDARD.decode(d).ok())
                .ok_or(OpenError::Malformed("data"))?;
            if bytes.len() <= NONCE_BYTES {
                return Err(OpenError::Malformed("data"));
            }
            let (nonce, ciphertext) = bytes.split_at(NONCE_BYTES);
            let plain = key
                .0
                .decrypt(
                    GenericArray::from_slice(nonce),
                    Payload {
                        msg: ciphertext,
                        aad: &aad(event_id, customer),
                    },
                )
                .map_err(|_| OpenError::Decrypt)?;
            serde_json::from_slice(&plain).map_err(|_| OpenError::Malformed("fields"))?
        }
        None => sealed
            .get("fields")
            .and_then(Value::as_array)
            .ok_or(OpenError::Malformed("fields"))?
            .iter()
            .filter_map(Value::as_str)
            .map(|p| (p.to_owned(), stand_in(event_type, p).unwrap_or(Value::Null)))
            .collect(),
    };
    for (pointer, value) in values {
        put(payload, &pointer, value);
    }
    Ok(())
}

fn aad(event_id: Uuid, customer: Uuid) -> [u8; 32] {
    let mut aad = [0u8; 32];
    aad[..16].copy_from_slice(event_id.as_bytes());
    aad[16..].copy_from_slice(customer.as_bytes());
    aad
}

/// Splits `/a/b` into the parent's pointer `/a` and the member `b`.
fn split(pointer: &str) -> Option<(&str, &str)> {
    pointer.rsplit_once('/')
}

fn take(payload: &mut Value, pointer: &str) -> Option<Value> {
    let (parent, member) = split(pointer)?;
    payload.pointer_mut(parent)?.as_object_mut()?.remove(member)
}

fn put(payload: &mut Value, pointer: &str, value: Value) {
    if let Some((parent, member)) = split(pointer)
        && let Some(object) = payload.pointer_mut(parent).and_then(Value::as_object_mut)
    {
        object.insert(member.to_owned(), value);
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn key() -> DataKey {
        DataKey::new(&rand::random::<[u8; 32]>()).unwrap_or_else(|| unreachable!())
    }

    fn opened() -> Value {
        json!({
            "ticket_id": "0193",
            "customer": {"name": "山田 花子", "email": "hanako@example.jp"},
            "order_number": null,
            "subject": "返金について",
            "body": "返金してほしい",
            "channel": "form"
        })
    }

    #[test]
    fn sealing_hides_every_personal_field_and_opening_restores_them() {
        let (key, event, customer) = (key(), Uuid::now_v7(), Uuid::now_v7());
        let mut payload = opened();
        seal("TicketOpened", &mut payload, event, customer, &key);
        let text = payload.to_string();
        for secret in ["山田", "hanako", "返金"] {
            assert!(!text.contains(secret), "{secret} left in {text}");
        }
        assert_eq!(payload["channel"], "form");
        assert_eq!(sealed_by(&payload), Some(customer));
        open("TicketOpened", &mut payload, event, Some(&key)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(payload, opened());
    }

    #[test]
    fn without_the_key_fields_read_as_their_stand_ins() {
        let (key, event, customer) = (key(), Uuid::now_v7(), Uuid::now_v7());
        let mut payload = opened();
        seal("TicketOpened", &mut payload, event, customer, &key);
        open("TicketOpened", &mut payload, event, None).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(payload["customer"]["name"], "削除済み");
        assert_eq!(payload["customer"]["email"], Value::Null);
        assert_eq!(payload["subject"], "削除済み");
        assert_eq!(payload["order_number"], Value::Null);
        assert!(payload.get(MEMBER).is_none());
    }

    #[test]
    fn a_ciphertext_moved_to_another_event_or_key_does_not_open() {
        let (key, event, customer) = (key(), Uuid::now_v7(), Uuid::now_v7());
        let mut payload = opened();
        seal("TicketOpened", &mut payload, event, customer, &key);
        let mut moved = payload.clone();
        assert!(matches!(
            open("TicketOpened", &mut moved, Uuid::now_v7(), Some(&key)),
            Err(OpenError::Decrypt)
        ));
        assert!(matches!(
            open("TicketOpened", &mut payload, event, Some(&self::key())),
            Err(OpenError::Decrypt)
        ));
    }

    #[test]
    fn events_without_personal_fields_are_left_alone() {
        let mut payload = json!({"from": "new", "to": "in_progress"});
        let before = payload.clone();
        seal(
            "StatusChanged",
            &mut payload,
            Uuid::now_v7(),
            Uuid::now_v7(),
            &key(),
        );
        assert_eq!(payload, before);
        assert!(!has_personal_fields("StatusChanged", &payload));
        assert!(has_personal_fields("TicketOpened", &opened()));
    }
}
