//! Header text that general decoders get wrong in Japanese mail: encoded
//! words (RFC 2047) that split one multibyte character, or one ISO-2022-JP
//! escape sequence, across two words, and RFC 2231 file names continued over
//! several parameters. Both are decoded by joining the raw bytes first and
//! only then applying the charset.

use base64::Engine;
use encoding_rs::Encoding;

/// Charset labels as mailers write them, to the encoding they mean.
pub fn encoding_for(label: &str) -> Option<&'static Encoding> {
    let label = label.trim().to_ascii_lowercase();
    let label = match label.as_str() {
        // The WHATWG Shift_JIS decoder is Microsoft's superset (① ㈱ 髙).
        "cp932" | "ms932" | "windows-31j" | "x-sjis" | "sjis" | "shift-jis" => "shift_jis",
        other => other,
    };
    Encoding::for_label(label.as_bytes())
}

fn decode_bytes(charset: &str, bytes: &[u8]) -> String {
    match encoding_for(charset) {
        Some(encoding) => encoding.decode_without_bom_handling(bytes).0.into_owned(),
        None => String::from_utf8_lossy(bytes).into_owned(),
    }
}

fn decode_q(text: &str) -> Vec<u8> {
    unescape(text, b'=', b'_').0
}

/// Decodes `<escape>XX` hex escapes and `space` as a space (Q encoding:
/// `=`, `_`; URL encoding: `%`, `+`). An escape that is not two hex digits
/// is kept as it is, and reported by the `false`.
pub(crate) fn unescape(text: &str, escape: u8, space: u8) -> (Vec<u8>, bool) {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut clean = true;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b if b == space => out.push(b' '),
            b if b == escape => {
                let hex = bytes
                    .get(i + 1..i + 3)
                    .and_then(|h| std::str::from_utf8(h).ok())
                    .and_then(|h| u8::from_str_radix(h, 16).ok());
                match hex {
                    Some(byte) => {
                        out.push(byte);
                        i += 2;
                    }
                    None => {
                        out.push(escape);
                        clean = false;
                    }
                }
            }
            other => out.push(other),
        }
        i += 1;
    }
    (out, clean)
}

/// Decodes a raw header value's encoded words, joining adjacent words of the
/// same charset before decoding. `None` when it has no encoded word.
pub fn decode_header(raw: &str) -> Option<String> {
    if !raw.contains("=?") {
        return None;
    }
    let unfolded: String = raw
        .replace("\r\n", "\n")
        .split('\n')
        .map(|l| l.trim_start_matches([' ', '\t']))
        .collect::<Vec<_>>()
        .join(" ");
    let mut out = String::new();
    let mut pending: Option<(String, Vec<u8>)> = None;
    let mut rest = unfolded.as_str();
    let flush = |pending: &mut Option<(String, Vec<u8>)>, out: &mut String| {
        if let Some((charset, bytes)) = pending.take() {
            out.push_str(&decode_bytes(&charset, &bytes));
        }
    };
    while let Some(start) = rest.find("=?") {
        let (before, from_start) = rest.split_at(start);
        let word = from_start[2..].splitn(3, '?').collect::<Vec<_>>();
        let parsed = (word.len() == 3)
            .then(|| (word[0], word[1], word[2]))
            .and_then(|(charset, encoding, tail)| {
                let end = tail.find("?=")?;
                Some((charset, encoding, &tail[..end], &tail[end + 2..]))
            });
        let Some((charset, encoding, text, after)) = parsed else {
            flush(&mut pending, &mut out);
            out.push_str(before);
            out.push_str("=?");
            rest = &from_start[2..];
            continue;
        };
        // Whitespace between two encoded words is not part of the text.
        if !(pending.is_some() && before.trim().is_empty()) {
            flush(&mut pending, &mut out);
            out.push_str(before);
        }
        let charset = charset.split('*').next().unwrap_or(charset).to_owned();
        let bytes = if encoding.eq_ignore_ascii_case("b") {
            base64::engine::general_purpose::STANDARD
                .decode(text.trim())
                .unwrap_or_default()
        } else {
            decode_q(text)
        };
        match &mut pending {
            Some((current, buffer)) if current.eq_ignore_ascii_case(&charset) => {
                // ISO-2022-JP words each end in ASCII and the next switches
                // back; an escape straight after an escape decodes as an
                // error, so the pair is dropped when joining.
                if buffer.ends_with(b"\x1b(B")
                    && (bytes.starts_with(b"\x1b$B") || bytes.starts_with(b"\x1b$@"))
                {
                    buffer.truncate(buffer.len() - 3);
                    buffer.extend(&bytes[3..]);
                } else {
                    buffer.extend(bytes);
                }
            }
            _ => {
                flush(&mut pending, &mut out);
                pending = Some((charset, bytes));
            }
        }
        rest = after;
    }
    flush(&mut pending, &mut out);
    out.push_str(rest);
    Some(out.trim().to_owned())
}

/// A file name given as RFC 2231 parameters (`filename*=UTF-8''…`, or
/// `filename*0*=…; filename*1*=…`), from a raw Content-Disposition or
/// Content-Type value.
pub fn rfc2231_filename(raw: &str) -> Option<String> {
    let unfolded = raw.replace("\r\n", " ").replace('\n', " ");
    let mut segments: Vec<(u32, bool, String)> = Vec::new();
    for param in unfolded.split(';').map(str::trim) {
        let Some((key, value)) = param.split_once('=') else {
            continue;
        };
        let key = key.trim().to_ascii_lowercase();
        let Some(star) = key
            .strip_prefix("filename*")
            .or_else(|| key.strip_prefix("name*"))
        else {
            continue;
        };
        let encoded = star.ends_with('*') || star.is_empty();
        let index = star.trim_end_matches('*').parse::<u32>().unwrap_or(0);
        segments.push((index, encoded, value.trim().trim_matches('"').to_owned()));
    }
    if segments.is_empty() {
        return None;
    }
    segments.sort_by_key(|(index, ..)| *index);
    let mut charset = String::from("utf-8");
    let mut bytes = Vec::new();
    for (i, (_, encoded, value)) in segments.iter().enumerate() {
        let mut value = value.as_str();
        if i == 0 && *encoded {
            let mut parts = value.splitn(3, '\'');
            if let (Some(cs), Some(_lang), Some(text)) = (parts.next(), parts.next(), parts.next())
            {
                if !cs.is_empty() {
                    charset = cs.to_owned();
                }
                value = text;
            }
        }
        if *encoded {
            let raw = value.as_bytes();
            let mut j = 0;
            while j < raw.len() {
                if raw[j] == b'%'
                    && j + 2 < raw.len()
                    && let Ok(byte) = u8::from_str_radix(
                        std::str::from_utf8(&raw[j + 1..j + 3]).unwrap_or("zz"),
                        16,
                    )
                {
                    bytes.push(byte);
                    j += 3;
                    continue;
                }
                bytes.push(raw[j]);
                j += 1;
            }
        } else {
            bytes.extend_from_slice(value.as_bytes());
        }
    }
    Some(decode_bytes(&charset, &bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joins_words_that_split_a_character() {
        // 「引」 is E5 BC 95; split after its first byte.
        let raw = "=?UTF-8?B?5Y+X5LuY?= =?UTF-8?Q?=E5?=\r\n =?UTF-8?Q?=BC=95?=";
        assert_eq!(decode_header(raw).as_deref(), Some("受付引"));
        assert_eq!(decode_header("plain"), None);
        assert_eq!(
            decode_header("Re: =?UTF-8?B?6L+U6YeR?= です").as_deref(),
            Some("Re: 返金 です")
        );
    }

    #[test]
    fn joins_iso_2022_jp_words_without_a_stray_escape() {
        let raw = "=?ISO-2022-JP?B?GyRCJDckPxsoQg==?=\r\n =?ISO-2022-JP?B?GyRCJDckPxsoQg==?=";
        assert_eq!(decode_header(raw).as_deref(), Some("したした"));
    }

    #[test]
    fn continued_file_names_are_joined_before_decoding() {
        let raw = "attachment; filename*0*=UTF-8''%E9%9B; filename*1*=%BB%E6%B0%97.jpg";
        assert_eq!(rfc2231_filename(raw).as_deref(), Some("電気.jpg"));
    }
}
