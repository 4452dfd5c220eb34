//! Signed threading tokens. Our Message-IDs carry the ticket id and an HMAC
//! over it, so an inbound reply that quotes one can be matched to its ticket
//! without trusting anything else in the mail, and cannot be forged.

use hmac::{Hmac, Mac};
use sha2::Sha256;
use uuid::Uuid;

type HmacSha256 = Hmac<Sha256>;

/// The signing secret, never logged.
#[derive(Clone)]
pub struct Signer {
    key: Vec<u8>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Signer(…)")
    }
}

impl Signer {
    pub fn new(key: &[u8]) -> Self {
        Self { key: key.to_vec() }
    }

    fn signature(&self, text: &str) -> String {
        let Ok(mut mac) = HmacSha256::new_from_slice(&self.key) else {
            return String::new();
        };
        mac.update(text.as_bytes());
        hex::encode(&mac.finalize().into_bytes()[..12])
    }

    /// `<ticket.outbox.signature@domain>`, without the angle brackets.
    pub fn message_id(&self, ticket_id: Uuid, outbox_id: Uuid, domain: &str) -> String {
        let text = format!("{}.{}", ticket_id.simple(), outbox_id.simple());
        format!("{text}.{}@{domain}", self.signature(&text))
    }

    /// A line for our mail bodies that names the ticket, signed, so a reply
    /// from a client that drops threading headers still finds its ticket.
    pub fn body_marker(&self, ticket_id: Uuid) -> String {
        let ticket = ticket_id.simple().to_string();
        format!("[ref:{ticket}.{}]", self.signature(&ticket))
    }

    /// The ticket named by a valid body marker anywhere in `text`.
    pub fn find_marker(&self, text: &str) -> Option<Uuid> {
        text.match_indices("[ref:").find_map(|(start, _)| {
            let rest = &text[start + 5..];
            let (ticket, signature) = rest.get(..rest.find(']')?)?.split_once('.')?;
            let expected = self.signature(ticket);
            (expected == signature)
                .then(|| Uuid::parse_str(ticket).ok())
                .flatten()
        })
    }

    /// The ticket a Message-ID we sent belongs to, if the signature holds.
    pub fn verify(&self, message_id: &str) -> Option<Uuid> {
        let local = message_id
            .trim()
            .trim_start_matches('<')
            .trim_end_matches('>')
            .split('@')
            .next()?;
        let mut parts = local.split('.');
        let (ticket, outbox, signature) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let expected = self.signature(&format!("{ticket}.{outbox}"));
        // Compare without an early exit, so timing tells nothing.
        let same = expected.len() == signature.len()
            && expected
                .bytes()
                .zip(signature.bytes())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        if same {
            Uuid::parse_str(ticket).ok()
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signed_ids_verify_and_forgeries_do_not() {
        let signer = Signer::new(b"secret");
        let ticket = Uuid::now_v7();
        let id = signer.message_id(ticket, Uuid::now_v7(), "lifestylemart.example");
        assert_eq!(signer.verify(&format!("<{id}>")), Some(ticket));
        assert_eq!(Signer::new(b"other").verify(&id), None);
        let forged = id.replacen(
            &ticket.simple().to_string(),
            &Uuid::now_v7().simple().to_string(),
            1,
        );
        assert_eq!(signer.verify(&forged), None);
        assert_eq!(signer.verify("<abc@example.jp>"), None);
        let marker = signer.body_marker(ticket);
        assert_eq!(
            signer.find_marker(&format!("> 以前のメール\n> {marker}\n")),
            Some(ticket)
        );
        assert_eq!(Signer::new(b"other").find_marker(&marker), None);
    }
}
