//! Where inbound mail is kept: the raw `.eml` and each stored attachment.
//! The data folder when embedded, an S3 bucket in production.
//!
//! Keys are built by us only (`inbound/<sha256>.eml`,
//! `attachments/<sha256>/<index>`): nothing a sender writes, such as a file
//! name, ever becomes part of a path or an object key.

use std::path::PathBuf;

use anyhow::Context;
use aws_sdk_s3::primitives::ByteStream;

#[derive(Debug, Clone)]
pub enum MailStore {
    /// Files under a folder (the embedded default: the data folder).
    Dir(PathBuf),
    /// Objects in a bucket.
    S3 {
        client: aws_sdk_s3::Client,
        bucket: String,
    },
}

/// The key of a raw mail, by the SHA-256 of its bytes.
pub fn raw_key(digest: &str) -> String {
    format!("inbound/{digest}.eml")
}

/// The key of the `index`-th attachment of the mail with this digest.
pub fn attachment_key(digest: &str, index: usize) -> String {
    format!("attachments/{digest}/{index}")
}

impl MailStore {
    /// A bucket, reached with the service's AWS configuration.
    pub fn s3(config: &aws_config::SdkConfig, bucket: impl Into<String>) -> Self {
        Self::S3 {
            client: s3_client(config),
            bucket: bucket.into(),
        }
    }

    /// Stores `bytes` under `key`. Keys name their content, so writing one
    /// that exists changes nothing and is skipped.
    #[tracing::instrument(name = "mail.store.put", skip(self, bytes), fields(bytes = bytes.len()))]
    pub async fn put(&self, key: &str, bytes: &[u8]) -> anyhow::Result<()> {
        match self {
            Self::Dir(root) => {
                let path = root.join(key);
                if tokio::fs::metadata(&path).await.is_ok() {
                    return Ok(());
                }
                if let Some(parent) = path.parent() {
                    tokio::fs::create_dir_all(parent)
                        .await
                        .with_context(|| format!("creating {}", parent.display()))?;
                }
                // Written aside and renamed, so a crash never leaves half a file
                // under the final name.
                let partial = path.with_extension("partial");
                tokio::fs::write(&partial, bytes)
                    .await
                    .with_context(|| format!("writing {}", partial.display()))?;
                tokio::fs::rename(&partial, &path).await?;
                Ok(())
            }
            Self::S3 { client, bucket } => {
                client
                    .put_object()
                    .bucket(bucket)
                    .key(key)
                    .body(ByteStream::from(bytes.to_vec()))
                    .send()
                    .await
                    .with_context(|| format!("storing s3://{bucket}/{key}"))?;
                Ok(())
            }
        }
    }

    /// The bytes under `key`, or `None` when nothing is stored there.
    #[tracing::instrument(name = "mail.store.get", skip(self))]
    pub async fn get(&self, key: &str) -> anyhow::Result<Option<Vec<u8>>> {
        match self {
            Self::Dir(root) => match tokio::fs::read(root.join(key)).await {
                Ok(bytes) => Ok(Some(bytes)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(e).with_context(|| format!("reading {key}")),
            },
            Self::S3 { client, bucket } => get_object(client, bucket, key).await,
        }
    }

    /// Deletes what is under `key` for good; deleting nothing is not an
    /// error, so an interrupted erasure can simply run again.
    ///
    /// The bucket is versioned, and a plain delete only hides the object
    /// behind a delete marker, so every version of the key (and any marker)
    /// is deleted by its version id.
    #[tracing::instrument(name = "mail.store.delete", skip(self))]
    pub async fn delete(&self, key: &str) -> anyhow::Result<()> {
        match self {
            Self::Dir(root) => match tokio::fs::remove_file(root.join(key)).await {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(e).with_context(|| format!("deleting {key}")),
            },
            Self::S3 { client, bucket } => {
                let listed = client
                    .list_object_versions()
                    .bucket(bucket)
                    .prefix(key)
                    .send()
                    .await
                    .with_context(|| format!("listing versions of s3://{bucket}/{key}"))?;
                let versions = listed
                    .versions()
                    .iter()
                    .map(|v| (v.key(), v.version_id()))
                    .chain(
                        listed
                            .delete_markers()
                            .iter()
                            .map(|m| (m.key(), m.version_id())),
                    );
                for (found, version) in versions {
                    // The prefix also matches longer keys; only this one goes.
                    if found != Some(key) {
                        continue;
                    }
                    client
                        .delete_object()
                        .bucket(bucket)
                        .key(key)
                        .set_version_id(version.map(str::to_owned))
                        .send()
                        .await
                        .with_context(|| format!("deleting s3://{bucket}/{key}"))?;
                }
                Ok(())
            }
        }
    }
}

/// An S3 client with the service's AWS configuration. Path-style
/// addressing only against a local stand-in (`AWS_ENDPOINT_URL`).
pub fn s3_client(config: &aws_config::SdkConfig) -> aws_sdk_s3::Client {
    let s3 = aws_sdk_s3::config::Builder::from(config)
        .force_path_style(config.endpoint_url().is_some())
        .build();
    aws_sdk_s3::Client::from_conf(s3)
}

/// One object's bytes; `None` when the bucket has no such key.
pub async fn get_object(
    client: &aws_sdk_s3::Client,
    bucket: &str,
    key: &str,
) -> anyhow::Result<Option<Vec<u8>>> {
    match client.get_object().bucket(bucket).key(key).send().await {
        Ok(object) => {
            let bytes = object
                .body
                .collect()
                .await
                .with_context(|| format!("reading s3://{bucket}/{key}"))?;
            Ok(Some(bytes.into_bytes().to_vec()))
        }
        Err(e) if e.as_service_error().is_some_and(|e| e.is_no_such_key()) => Ok(None),
        Err(e) => Err(anyhow::Error::new(e).context(format!("fetching s3://{bucket}/{key}"))),
    }
}
