//! Reading a customer's mail: headers, the text in any Japanese encoding,
//! attachments, whether it was sent by a machine, and which part is new.

use mail_parser::{MessageParser, MimeHeaders};
use time::OffsetDateTime;

use super::words;

/// A mail as the desk needs it.
#[derive(Debug, Clone, PartialEq)]
pub struct Inbound {
    pub from: Option<String>,
    pub from_name: Option<String>,
    pub subject: Option<String>,
    /// With angle brackets, as in the header.
    pub message_id: Option<String>,
    pub in_reply_to: Vec<String>,
    pub references: Vec<String>,
    pub date: Option<OffsetDateTime>,
    /// The whole readable text (HTML-only mail is converted).
    pub text: String,
    /// The customer's new words, without the quoted history.
    pub new_part: String,
    pub attachments: Vec<InboundAttachment>,
    /// Sent by a machine (auto-reply, bulk): never opens a ticket or gets an acknowledgement.
    pub auto: bool,
    /// A delivery status notification about a mail we sent.
    pub bounce: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub struct InboundAttachment {
    pub name: String,
    pub content_type: String,
    pub size: u64,
    pub inline: bool,
    /// The decoded bytes.
    pub content: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Rejected {
    #[error("not a mail message")]
    Unparseable,
    #[error("the mail is larger than {limit} bytes")]
    TooLarge { limit: usize },
}

/// Mail above this size is refused (its raw copy is still kept by the caller).
pub const MAX_MAIL_BYTES: usize = 10 * 1024 * 1024;

fn bracketed(id: &str) -> String {
    let id = id.trim().trim_start_matches('<').trim_end_matches('>');
    format!("<{id}>")
}

/// Charset labels that the decoder does not know by that name, mapped to
/// the encoding they mean in Japanese mail.
fn normalize_charset_labels(raw: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    const ALIASES: [(&[u8], &[u8]); 2] = [
        (b"charset=cp932", b"charset=ms932"),
        (b"charset=\"cp932\"", b"charset=\"ms932\""),
    ];
    let lower = raw.to_ascii_lowercase();
    if !ALIASES
        .iter()
        .any(|(from, _)| lower.windows(from.len()).any(|w| w == *from))
    {
        return std::borrow::Cow::Borrowed(raw);
    }
    let mut out = raw.to_vec();
    for (from, to) in ALIASES {
        let mut i = 0;
        while i + from.len() <= out.len() {
            if out[i..i + from.len()].eq_ignore_ascii_case(from) {
                out.splice(i..i + from.len(), to.iter().copied());
                i += to.len();
            } else {
                i += 1;
            }
        }
    }
    std::borrow::Cow::Owned(out)
}

pub fn parse(raw: &[u8]) -> Result<Inbound, Rejected> {
    if raw.len() > MAX_MAIL_BYTES {
        return Err(Rejected::TooLarge {
            limit: MAX_MAIL_BYTES,
        });
    }
    let raw = normalize_charset_labels(raw);
    let message = MessageParser::default()
        .parse(raw.as_ref())
        .ok_or(Rejected::Unparseable)?;
    if message.headers().is_empty() {
        return Err(Rejected::Unparseable);
    }
    let sender = message.from().and_then(|a| a.first());
    let header_text = |name: &str| {
        message
            .header(name)
            .and_then(|h| h.as_text())
            .map(|t| t.trim().to_ascii_lowercase())
    };
    let auto_submitted = header_text("Auto-Submitted").is_some_and(|v| v != "no");
    let precedence =
        header_text("Precedence").is_some_and(|v| matches!(v.as_str(), "bulk" | "junk" | "list"));
    let autoreply =
        message.header("X-Autoreply").is_some() || message.header("X-Autorespond").is_some();
    let content_type = message.content_type();
    let bounce = content_type.is_some_and(|ct| {
        ct.ctype().eq_ignore_ascii_case("multipart")
            && ct
                .subtype()
                .is_some_and(|s| s.eq_ignore_ascii_case("report"))
    });
    let text = message
        .body_text(0)
        .map(|t| t.into_owned())
        .unwrap_or_default();
    let text = repair_mislabelled_utf8(&message, text).replace("\r\n", "\n");
    let attachments = message
        .attachments()
        .filter_map(|part| {
            let mut name = part.attachment_name()?.to_owned();
            if name.contains('\u{FFFD}') {
                // Continued RFC 2231 parameters, split inside a character.
                let raw = message.raw_message();
                let repaired = part.headers().iter().find_map(|h| {
                    let value = std::str::from_utf8(
                        raw.get(h.offset_start as usize..h.offset_end as usize)?,
                    )
                    .ok()?;
                    words::rfc2231_filename(value)
                });
                name = repaired.unwrap_or(name);
            }
            let content_type =
                part.content_type()
                    .map_or("application/octet-stream".to_owned(), |ct| {
                        match ct.subtype() {
                            Some(sub) => format!("{}/{}", ct.ctype(), sub),
                            None => ct.ctype().to_string(),
                        }
                    });
            let inline = part
                .content_disposition()
                .is_some_and(|d| d.ctype().eq_ignore_ascii_case("inline"));
            Some(InboundAttachment {
                name,
                content_type: content_type.to_ascii_lowercase(),
                size: part.contents().len() as u64,
                inline,
                content: part.contents().to_vec(),
            })
        })
        .collect();
    Ok(Inbound {
        from: sender
            .and_then(|a| a.address())
            .map(|a| a.trim().to_owned()),
        from_name: display_name(&message).or_else(|| {
            sender
                .and_then(|a| a.name())
                .map(|n| n.trim().to_owned())
                .filter(|n| !n.is_empty())
        }),
        // Re-decoded from the raw header: words split inside a character
        // decode wrongly one by one.
        subject: message
            .header_raw("Subject")
            .and_then(words::decode_header)
            .or_else(|| message.subject().map(|s| s.trim().to_owned())),
        message_id: message.message_id().map(bracketed),
        in_reply_to: message
            .in_reply_to()
            .as_text_list()
            .map(|ids| ids.iter().map(|id| bracketed(id)).collect())
            .unwrap_or_default(),
        references: message
            .references()
            .as_text_list()
            .map(|ids| ids.iter().map(|id| bracketed(id)).collect())
            .unwrap_or_default(),
        date: message
            .date()
            .and_then(|d| OffsetDateTime::from_unix_timestamp(d.to_timestamp()).ok()),
        new_part: new_part(&text),
        text,
        attachments,
        auto: auto_submitted || precedence || autoreply,
        bounce,
    })
}

/// The From display name decoded from the raw header, for names whose
/// encoded words split a character or use a charset label the parser lacks.
fn display_name(message: &mail_parser::Message<'_>) -> Option<String> {
    let decoded = words::decode_header(message.header_raw("From")?)?;
    let name = decoded.split('<').next()?.trim().trim_matches('"').trim();
    (!name.is_empty() && !name.contains('@')).then(|| name.to_owned())
}

/// Some mailers label UTF-8 text as ISO-2022-JP. A correct ISO-2022-JP body is
/// 7-bit, so 8-bit bytes that form valid UTF-8 mean the label lies.
fn repair_mislabelled_utf8(message: &mail_parser::Message<'_>, decoded: String) -> String {
    if !decoded.contains('\u{FFFD}') {
        return decoded;
    }
    let Some(part) = message
        .text_body
        .first()
        .and_then(|id| message.parts.get(*id as usize))
    else {
        return decoded;
    };
    let raw = message.raw_message();
    let body = raw
        .get(part.offset_body as usize..(part.offset_end as usize).min(raw.len()))
        .unwrap_or_default();
    match std::str::from_utf8(body) {
        Ok(utf8) if !utf8.is_ascii() => utf8.replace("\r\n", "\n"),
        _ => decoded,
    }
}

/// The text above the quoted history: Gmail's "…wrote:" / 「…のメッセージ:」 /
/// 「2026年11月20日(金) 10:00 … <…>:」 lines, Outlook's "-----Original
/// Message-----" / 「-----元のメッセージ-----」 / underscore rule followed by
/// a From:/差出人: block, or a trailing run of "> " lines.
pub fn new_part(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let is_attribution = |line: &str| {
        let line = line.trim();
        (line.ends_with("wrote:")
            || line.ends_with("のメッセージ:")
            || line.ends_with("書きました:")
            || line.ends_with("書きました：")
            || (line.ends_with(">:") && line.contains('@'))
            || (line.ends_with(':') && line.contains('年') && line.contains('@')))
            && !line.starts_with('>')
    };
    let is_outlook_rule = |line: &str| {
        let line = line.trim();
        line.contains("-----Original Message-----")
            || line.contains("-----元のメッセージ-----")
            || line.contains("----- Original Message -----")
            || (line.len() >= 20 && line.chars().all(|c| c == '_'))
    };
    let is_header_block = |i: usize| {
        let first = lines[i].trim_start();
        (first.starts_with("From:") || first.starts_with("差出人:") || first.starts_with("送信者:"))
            && lines.get(i + 1..i + 4).is_some_and(|next| {
                next.iter().any(|l| {
                    let l = l.trim_start();
                    l.starts_with("Sent:")
                        || l.starts_with("送信日時:")
                        || l.starts_with("Date:")
                        || l.starts_with("日時:")
                })
            })
    };
    let quoted_tail = |i: usize| {
        lines[i].trim_start().starts_with('>')
            && lines[i..]
                .iter()
                .all(|l| l.trim().is_empty() || l.trim_start().starts_with('>'))
    };
    let cut = (0..lines.len()).find(|&i| {
        is_attribution(lines[i])
            || is_outlook_rule(lines[i])
            || is_header_block(i)
            || quoted_tail(i)
    });
    let kept = match cut {
        Some(i) => &lines[..i],
        None => &lines[..],
    };
    kept.join("\n").trim().to_owned()
}
