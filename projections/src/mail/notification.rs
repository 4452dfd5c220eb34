//! What an inbound-mail notification on the queue points at.
//!
//! Production: an SES receipt rule stores the raw mail in S3 and publishes to
//! SNS, which delivers to SQS, so the body is an SNS envelope around SES's
//! notification. An S3 event notification (sent straight to SQS or through
//! SNS) is understood too, so the bucket can notify instead of SES.

use serde_json::Value;

/// One stored raw mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    pub bucket: String,
    pub key: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Notice {
    /// Raw mail to ingest.
    Mail(Vec<Location>),
    /// A notice that carries no mail (a test event, a subscription
    /// confirmation, a delete): done with it.
    Nothing(&'static str),
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum NoticeError {
    #[error("the notification is not JSON")]
    NotJson,
    #[error("unrecognised notification: {0}")]
    Unrecognised(&'static str),
    #[error("an object key is not valid percent-encoded UTF-8")]
    BadKey,
}

pub fn parse(body: &str) -> Result<Notice, NoticeError> {
    let value: Value = serde_json::from_str(body).map_err(|_| NoticeError::NotJson)?;
    parse_value(&value, 0)
}

fn parse_value(value: &Value, depth: u8) -> Result<Notice, NoticeError> {
    let text = |key: &str| value.get(key).and_then(Value::as_str);
    // SNS envelope: the real notification is a JSON string inside.
    if let (Some(kind), false) = (text("Type"), depth > 2) {
        return match kind {
            "Notification" => {
                let inner =
                    text("Message").ok_or(NoticeError::Unrecognised("SNS without Message"))?;
                let inner: Value = serde_json::from_str(inner).map_err(|_| NoticeError::NotJson)?;
                parse_value(&inner, depth + 1)
            }
            "SubscriptionConfirmation" | "UnsubscribeConfirmation" => {
                Ok(Notice::Nothing("SNS subscription message"))
            }
            _ => Err(NoticeError::Unrecognised("unknown SNS message type")),
        };
    }
    if text("Event") == Some("s3:TestEvent") {
        return Ok(Notice::Nothing("S3 test event"));
    }
    if let Some(kind) = text("notificationType") {
        if kind != "Received" {
            return Ok(Notice::Nothing("SES notification without mail"));
        }
        let action = &value["receipt"]["action"];
        if action["type"].as_str() != Some("S3") {
            return Err(NoticeError::Unrecognised("SES action is not S3"));
        }
        let (Some(bucket), Some(key)) =
            (action["bucketName"].as_str(), action["objectKey"].as_str())
        else {
            return Err(NoticeError::Unrecognised(
                "SES S3 action without bucket or key",
            ));
        };
        return Ok(Notice::Mail(vec![Location {
            bucket: bucket.to_owned(),
            key: key.to_owned(),
        }]));
    }
    if let Some(records) = value.get("Records").and_then(Value::as_array) {
        let mut found = Vec::new();
        for record in records {
            let created = record["eventName"]
                .as_str()
                .is_some_and(|n| n.starts_with("ObjectCreated"));
            if !created {
                continue;
            }
            let (Some(bucket), Some(key)) = (
                record["s3"]["bucket"]["name"].as_str(),
                record["s3"]["object"]["key"].as_str(),
            ) else {
                return Err(NoticeError::Unrecognised("S3 record without bucket or key"));
            };
            found.push(Location {
                bucket: bucket.to_owned(),
                // S3 event keys are URL-encoded, with '+' for a space.
                key: decode_key(key).ok_or(NoticeError::BadKey)?,
            });
        }
        return Ok(if found.is_empty() {
            Notice::Nothing("S3 event without a new object")
        } else {
            Notice::Mail(found)
        });
    }
    Err(NoticeError::Unrecognised("neither SES nor S3"))
}

fn decode_key(key: &str) -> Option<String> {
    let (bytes, clean) = super::words::unescape(key, b'%', b'+');
    clean.then(|| String::from_utf8(bytes).ok()).flatten()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn mail(bucket: &str, key: &str) -> Notice {
        Notice::Mail(vec![Location {
            bucket: bucket.into(),
            key: key.into(),
        }])
    }

    fn ses_received() -> Value {
        json!({
            "notificationType": "Received",
            "mail": { "messageId": "abc" },
            "receipt": { "action": { "type": "S3", "topicArn": "arn:aws:sns:ap-northeast-1:1:t", "bucketName": "raw-mail", "objectKey": "inbound/abc" } }
        })
    }

    #[test]
    fn an_ses_notification_through_sns_points_at_its_object() {
        let envelope = json!({ "Type": "Notification", "Message": ses_received().to_string() });
        assert_eq!(
            parse(&envelope.to_string()),
            Ok(mail("raw-mail", "inbound/abc"))
        );
        // Raw message delivery: SNS passes the notification as it is.
        assert_eq!(
            parse(&ses_received().to_string()),
            Ok(mail("raw-mail", "inbound/abc"))
        );
    }

    #[test]
    fn an_s3_event_key_is_url_decoded() {
        let event = json!({ "Records": [{ "eventName": "ObjectCreated:Put", "s3": { "bucket": { "name": "b" }, "object": { "key": "inbound/a+b%E3%81%82.eml" } } }] });
        assert_eq!(
            parse(&event.to_string()),
            Ok(mail("b", "inbound/a bあ.eml"))
        );
        let removed = json!({ "Records": [{ "eventName": "ObjectRemoved:Delete", "s3": { "bucket": { "name": "b" }, "object": { "key": "k" } } }] });
        assert!(matches!(
            parse(&removed.to_string()),
            Ok(Notice::Nothing(_))
        ));
    }

    #[test]
    fn notices_without_mail_are_done_and_garbage_is_an_error() {
        let test_event = json!({ "Service": "Amazon S3", "Event": "s3:TestEvent" });
        assert!(matches!(
            parse(&test_event.to_string()),
            Ok(Notice::Nothing(_))
        ));
        let setup = json!({ "notificationType": "AMAZON_SES_SETUP_NOTIFICATION" });
        assert!(matches!(parse(&setup.to_string()), Ok(Notice::Nothing(_))));
        assert_eq!(parse("not json"), Err(NoticeError::NotJson));
        assert!(matches!(parse("{}"), Err(NoticeError::Unrecognised(_))));
        let bad = json!({ "Records": [{ "eventName": "ObjectCreated:Put", "s3": { "bucket": { "name": "b" }, "object": { "key": "%zz" } } }] });
        assert_eq!(parse(&bad.to_string()), Err(NoticeError::BadKey));
    }
}
