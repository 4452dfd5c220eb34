//! The production inbound path: long-poll SQS for notifications of mail that
//! SES stored in S3, fetch each raw mail, ingest it, and delete the SQS
//! message only after the ingest is committed.
//!
//! A message that fails stays on the queue: it becomes visible again after
//! the queue's visibility timeout, and after a few failed receives the
//! queue's redrive policy moves it to the dead-letter queue, where the
//! "queue age" monitor sees it. Ingesting is idempotent (the Message-ID
//! claim), so a redelivered message is recorded once.

use std::time::Duration;

use tokio::sync::watch;

use super::ingest::Ingestor;
use super::notification::{self, Notice};
use super::store;

/// What one receive did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Polled {
    /// Messages taken off the queue and deleted.
    pub done: usize,
    /// Messages left on the queue to be retried.
    pub failed: usize,
}

pub struct QueueIngest {
    sqs: aws_sdk_sqs::Client,
    s3: aws_sdk_s3::Client,
    queue_url: String,
    ingestor: Ingestor,
    /// How long one receive waits for a message (SQS long polling, ≤ 20 s).
    wait_seconds: i32,
}

impl QueueIngest {
    pub fn new(config: &aws_config::SdkConfig, queue_url: String, ingestor: Ingestor) -> Self {
        Self {
            sqs: aws_sdk_sqs::Client::new(config),
            s3: store::s3_client(config),
            queue_url,
            ingestor,
            wait_seconds: 20,
        }
    }

    /// Waits at most this long per receive (tests use a short wait).
    #[must_use]
    pub fn wait_seconds(mut self, seconds: i32) -> Self {
        self.wait_seconds = seconds.clamp(0, 20);
        self
    }

    /// One receive of up to ten messages, each handled and deleted when done.
    #[tracing::instrument(name = "mail.queue.receive", skip(self), fields(done, failed))]
    pub async fn run_once(&self) -> anyhow::Result<Polled> {
        let received = self
            .sqs
            .receive_message()
            .queue_url(&self.queue_url)
            .max_number_of_messages(10)
            .wait_time_seconds(self.wait_seconds)
            .send()
            .await?;
        let mut polled = Polled::default();
        for message in received.messages() {
            let Some(handle) = message.receipt_handle() else {
                continue;
            };
            match self.handle(message.body().unwrap_or_default()).await {
                Ok(()) => {
                    self.sqs
                        .delete_message()
                        .queue_url(&self.queue_url)
                        .receipt_handle(handle)
                        .send()
                        .await?;
                    polled.done += 1;
                }
                Err(error) => {
                    tracing::warn!(
                        sqs_message_id = message.message_id().unwrap_or_default(),
                        error = %format!("{error:#}"),
                        "inbound mail not ingested; left on the queue for a retry"
                    );
                    polled.failed += 1;
                }
            }
        }
        tracing::Span::current()
            .record("done", polled.done)
            .record("failed", polled.failed);
        Ok(polled)
    }

    async fn handle(&self, body: &str) -> anyhow::Result<()> {
        let locations = match notification::parse(body)? {
            Notice::Nothing(reason) => {
                tracing::info!(reason, "notification without mail");
                return Ok(());
            }
            Notice::Mail(locations) => locations,
        };
        for location in locations {
            let Some(raw) = store::get_object(&self.s3, &location.bucket, &location.key).await?
            else {
                anyhow::bail!("the notified object is not in the bucket");
            };
            let outcome = self.ingestor.ingest_stored(&raw, &location.key).await?;
            tracing::info!(outcome = outcome.kind(), "mail ingested");
        }
        Ok(())
    }

    /// Receives until shut down, pausing after errors so an outage of SQS or
    /// the database causes no hot loop.
    pub async fn run(self, mut shutdown: watch::Receiver<bool>) {
        let mut pause = Duration::from_secs(1);
        loop {
            if *shutdown.borrow() {
                break;
            }
            let step = tokio::select! {
                step = self.run_once() => step,
                _ = shutdown.changed() => break,
            };
            match step {
                Ok(_) => pause = Duration::from_secs(1),
                Err(error) => {
                    tracing::warn!(error = %format!("{error:#}"), "receiving inbound mail failed");
                    tokio::select! {
                        () = tokio::time::sleep(pause) => {}
                        _ = shutdown.changed() => break,
                    }
                    pause = (pause * 2).min(Duration::from_secs(60));
                }
            }
        }
    }
}
