//! Where mail goes: a folder of `.eml` files (the embedded default) or a
//! provider. Sending is keyed by the outbox id, so a retried send of the same
//! mail does not produce a second one where the transport can tell.

use std::path::PathBuf;

use async_trait::async_trait;
use uuid::Uuid;

#[derive(Debug, thiserror::Error)]
pub enum SendError {
    /// Worth retrying: an outage, a throttle, a timeout.
    #[error("temporary failure: {0}")]
    Transient(String),
    /// Retrying cannot help: a rejected address, a message refused as is.
    #[error("permanent failure: {0}")]
    Permanent(String),
}

#[async_trait]
pub trait Transport: Send + Sync {
    /// Sends one mail and returns the provider's id for it.
    async fn send(&self, outbox_id: Uuid, recipient: &str, raw: &[u8])
    -> Result<String, SendError>;
}

/// Writes each mail as `<outbox id>.eml` into a folder, atomically (a
/// temporary file renamed into place), so a reader never sees half a mail and
/// a repeat overwrites the same file instead of adding one.
pub struct FileTransport {
    dir: PathBuf,
}

impl FileTransport {
    pub fn new(dir: impl Into<PathBuf>) -> Self {
        Self { dir: dir.into() }
    }
}

#[async_trait]
impl Transport for FileTransport {
    async fn send(
        &self,
        outbox_id: Uuid,
        _recipient: &str,
        raw: &[u8],
    ) -> Result<String, SendError> {
        tokio::fs::create_dir_all(&self.dir)
            .await
            .map_err(|e| SendError::Transient(format!("outbox folder: {e}")))?;
        let name = format!("{outbox_id}.eml");
        let temporary = self.dir.join(format!(".{name}.tmp"));
        tokio::fs::write(&temporary, raw)
            .await
            .map_err(|e| SendError::Transient(format!("writing mail: {e}")))?;
        tokio::fs::rename(&temporary, self.dir.join(&name))
            .await
            .map_err(|e| SendError::Transient(format!("placing mail: {e}")))?;
        Ok(format!("file:{name}"))
    }
}
