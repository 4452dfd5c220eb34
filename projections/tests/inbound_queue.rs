//! The production inbound path against moto: a mail stored in S3, notified
//! through SQS (by the bucket itself, or by SES through SNS), lands on the
//! right ticket, its attachment is stored, and the SQS message is deleted
//! only once the mail is recorded.

mod moto;

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    BucketLocationConstraint, CreateBucketConfiguration, Event, NotificationConfiguration,
    QueueConfiguration,
};
use aws_sdk_sqs::types::QueueAttributeName;
use command_api::commands::TicketService;
use command_api::db::Db;
use command_api::event_store::EventStore;
use mail_builder::MessageBuilder;
use projections::mail::Signer;
use projections::mail::ingest::{Ingestor, MAIL_CLAIM};
use projections::mail::queue::{Polled, QueueIngest};
use projections::mail::store::MailStore;
use serde_json::json;
use uuid::Uuid;

struct Aws {
    config: aws_config::SdkConfig,
    s3: aws_sdk_s3::Client,
    sqs: aws_sdk_sqs::Client,
}

impl Aws {
    async fn new(endpoint: &str) -> Self {
        let config = moto::config(endpoint).await;
        let s3 = aws_sdk_s3::config::Builder::from(&config)
            .force_path_style(true)
            .build();
        Self {
            s3: aws_sdk_s3::Client::from_conf(s3),
            sqs: aws_sdk_sqs::Client::new(&config),
            config,
        }
    }

    async fn bucket(&self, prefix: &str) -> String {
        let bucket = moto::unique(prefix);
        self.s3
            .create_bucket()
            .bucket(&bucket)
            .create_bucket_configuration(
                CreateBucketConfiguration::builder()
                    .location_constraint(BucketLocationConstraint::ApNortheast1)
                    .build(),
            )
            .send()
            .await
            .expect("creates the bucket");
        bucket
    }

    async fn queue(&self) -> (String, String) {
        let url = self
            .sqs
            .create_queue()
            .queue_name(moto::unique("inbound"))
            .send()
            .await
            .expect("creates the queue")
            .queue_url
            .expect("has a url");
        let arn = self
            .sqs
            .get_queue_attributes()
            .queue_url(&url)
            .attribute_names(QueueAttributeName::QueueArn)
            .send()
            .await
            .expect("reads the queue")
            .attributes
            .and_then(|a| a.get(&QueueAttributeName::QueueArn).cloned())
            .expect("has an ARN");
        (url, arn)
    }

    /// (visible, in flight) messages on the queue.
    async fn depth(&self, url: &str) -> (u32, u32) {
        let attributes = self
            .sqs
            .get_queue_attributes()
            .queue_url(url)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessages)
            .attribute_names(QueueAttributeName::ApproximateNumberOfMessagesNotVisible)
            .send()
            .await
            .expect("reads the queue")
            .attributes
            .unwrap_or_default();
        let count = |name| {
            attributes
                .get(&name)
                .and_then(|v| v.parse().ok())
                .unwrap_or(u32::MAX)
        };
        (
            count(QueueAttributeName::ApproximateNumberOfMessages),
            count(QueueAttributeName::ApproximateNumberOfMessagesNotVisible),
        )
    }

    async fn put(&self, bucket: &str, key: &str, bytes: Vec<u8>) {
        self.s3
            .put_object()
            .bucket(bucket)
            .key(key)
            .body(ByteStream::from(bytes))
            .send()
            .await
            .expect("stores the object");
    }
}

/// Receives until a receive finds the queue empty (the bucket's
/// notification arrives asynchronously, and moto may add a test event).
async fn drain(worker: &QueueIngest) -> Polled {
    let mut total = Polled::default();
    for _ in 0..10 {
        let polled = worker.run_once().await.expect("receives");
        if polled == Polled::default() && total != Polled::default() {
            break;
        }
        total.done += polled.done;
        total.failed += polled.failed;
    }
    total
}

const PHOTO: &[u8] = b"\x89PNG\r\n\x1a\n not really a picture, but bytes all the same \x00\xff";

async fn mail_stored_in_s3_reaches_its_ticket_through_sqs(db: Db) {
    let Some(endpoint) = moto::endpoint("mail_stored_in_s3_reaches_its_ticket_through_sqs") else {
        return;
    };
    let aws = Aws::new(&endpoint).await;
    let raw_bucket = aws.bucket("raw-mail").await;
    let (queue_url, queue_arn) = aws.queue().await;
    // The bucket notifies the queue of every new object, as S3 does.
    aws.s3
        .put_bucket_notification_configuration()
        .bucket(&raw_bucket)
        .notification_configuration(
            NotificationConfiguration::builder()
                .queue_configurations(
                    QueueConfiguration::builder()
                        .queue_arn(&queue_arn)
                        .events(Event::from("s3:ObjectCreated:*"))
                        .build()
                        .expect("valid"),
                )
                .build(),
        )
        .send()
        .await
        .expect("configures the notification");
    let tickets = TicketService::new(EventStore::new(db.clone()));
    let ingestor = Ingestor::new(
        tickets.clone(),
        Signer::new(b"queue-test"),
        MailStore::s3(&aws.config, &raw_bucket),
    );
    let worker = QueueIngest::new(&aws.config, queue_url.clone(), ingestor).wait_seconds(1);

    let first_id = format!("<{}@example.jp>", Uuid::new_v4().simple());
    let first = MessageBuilder::new()
        .from(("佐藤 一郎", "ichiro@example.jp"))
        .to("support@lifestylemart.example")
        .subject("届いた商品が壊れていました")
        .message_id(first_id.trim_matches(['<', '>']))
        .text_body("昨日届いたスタンドライトの笠が割れていました。写真を添付します。")
        .attachment("image/png", "破損箇所.png", PHOTO)
        .write_to_vec()
        .expect("builds");
    aws.put(&raw_bucket, "inbound/first-mail", first).await;

    let polled = drain(&worker).await;

    // The object's notification, and any s3:TestEvent: all done, none failed.
    assert!(polled.done >= 1 && polled.failed == 0, "{polled:?}");
    let store = tickets.store();
    let ticket = store
        .find_claim(MAIL_CLAIM, &first_id)
        .await
        .expect("reads")
        .expect("the mail opened a ticket");
    let events = store.read_stream("ticket", &ticket).await.expect("reads");
    assert_eq!(events[0].event_type, "TicketOpened");
    let attachment = &events[0].payload["attachments"][0];
    assert_eq!(attachment["name"], "破損箇所.png");
    let key = attachment["storage_key"].as_str().expect("a key");
    let kept = MailStore::s3(&aws.config, &raw_bucket)
        .get(key)
        .await
        .expect("reads S3");
    assert_eq!(
        kept.as_deref(),
        Some(PHOTO),
        "the attachment is in the bucket"
    );
    assert_eq!(
        aws.depth(&queue_url).await,
        (0, 0),
        "the message was deleted"
    );

    // SES's own notification, wrapped by SNS, for a reply kept in another
    // bucket: threaded by the Message-ID it answers.
    let ses_bucket = aws.bucket("ses-mail").await;
    let reply = format!(
        "From: ichiro@example.jp\r\nTo: support@lifestylemart.example\r\nSubject: Re: 届いた商品が壊れていました\r\nMessage-ID: <{}@example.jp>\r\nIn-Reply-To: {first_id}\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n交換をお願いできますか。\r\n",
        Uuid::new_v4().simple()
    );
    aws.put(&ses_bucket, "inbound/reply", reply.into_bytes())
        .await;
    let ses = json!({
        "notificationType": "Received",
        "mail": { "messageId": "reply" },
        "receipt": { "action": { "type": "S3", "topicArn": "arn:aws:sns:ap-northeast-1:123456789012:inbound", "bucketName": ses_bucket, "objectKey": "inbound/reply" } }
    });
    let envelope = json!({ "Type": "Notification", "MessageId": Uuid::new_v4().to_string(), "Message": ses.to_string() });
    aws.sqs
        .send_message()
        .queue_url(&queue_url)
        .message_body(envelope.to_string())
        .send()
        .await
        .expect("sends");

    assert_eq!(drain(&worker).await, Polled { done: 1, failed: 0 });
    let events = store.read_stream("ticket", &ticket).await.expect("reads");
    let last = events.last().expect("has events");
    assert_eq!(last.event_type, "CustomerMessageReceived");
    assert!(
        last.payload["body"]
            .as_str()
            .is_some_and(|b| b.contains("交換をお願いできますか。")),
        "{}",
        last.payload
    );

    // A notice whose object is gone fails and stays on the queue for a retry
    // (and, after the redrive limit, the dead-letter queue).
    let missing = json!({ "Records": [{ "eventName": "ObjectCreated:Put", "s3": { "bucket": { "name": ses_bucket }, "object": { "key": "inbound/never-stored" } } }] });
    aws.sqs
        .send_message()
        .queue_url(&queue_url)
        .message_body(missing.to_string())
        .send()
        .await
        .expect("sends");
    assert_eq!(
        worker.run_once().await.expect("receives"),
        Polled { done: 0, failed: 1 }
    );
    assert_eq!(aws.depth(&queue_url).await, (0, 1), "kept, in flight");
}

command_api::contract_tests!(mail_stored_in_s3_reaches_its_ticket_through_sqs);

/// Erasure deletes a stored mail for good: the bucket is versioned, so every
/// version goes, not just the current one behind a delete marker. A longer
/// key that merely starts with the same text is left alone.
#[tokio::test]
async fn deleting_a_mail_object_removes_every_version() {
    let Some(endpoint) = moto::endpoint("deleting_a_mail_object_removes_every_version") else {
        return;
    };
    let aws = Aws::new(&endpoint).await;
    let bucket = aws.bucket("raw-mail").await;
    aws.s3
        .put_bucket_versioning()
        .bucket(&bucket)
        .versioning_configuration(
            aws_sdk_s3::types::VersioningConfiguration::builder()
                .status(aws_sdk_s3::types::BucketVersioningStatus::Enabled)
                .build(),
        )
        .send()
        .await
        .expect("enables versioning");
    let key = "inbound/abc.eml";
    let store = MailStore::s3(&aws.config, &bucket);
    for body in [b"first".as_slice(), b"second".as_slice()] {
        aws.s3
            .put_object()
            .bucket(&bucket)
            .key(key)
            .body(body.to_vec().into())
            .send()
            .await
            .expect("puts");
    }
    store
        .put("inbound/abc.eml.other", b"someone else")
        .await
        .expect("puts");

    store.delete(key).await.expect("deletes");
    store.delete(key).await.expect("deleting again is fine");

    let left = aws
        .s3
        .list_object_versions()
        .bucket(&bucket)
        .send()
        .await
        .expect("lists");
    let keys: Vec<&str> = left
        .versions()
        .iter()
        .filter_map(|v| v.key())
        .chain(left.delete_markers().iter().filter_map(|m| m.key()))
        .collect();
    assert_eq!(keys, vec!["inbound/abc.eml.other"]);
    assert_eq!(store.get(key).await.expect("reads"), None);
}
