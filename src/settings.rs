//! Typed configuration, loaded in layers: built-in defaults, then an optional
//! TOML file (`MADOGUCHI_CONFIG`), then `MADOGUCHI_*` environment variables,
//! then `DATABASE_URL`. Secrets are wrapped so they never reach a log.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;

use anyhow::Context;
use command_api::event_store::EventStore;
use figment::Figment;
use figment::providers::{Env, Format, Serialized, Toml};
use secrecy::{ExposeSecret, SecretString};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MailTransport {
    /// Each mail becomes an `.eml` file in the outbox folder (the default).
    File,
    /// Amazon SES v2.
    Ses,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum LogFormat {
    /// JSON when stdout is not a terminal, readable text when it is.
    Auto,
    Json,
    Pretty,
}

#[derive(Clone, Deserialize)]
pub struct Settings {
    /// `sqlite://…` (embedded) or `mysql://…` (MariaDB). May hold a password.
    pub database_url: SecretString,
    pub bind: SocketAddr,
    pub mail: MailTransport,
    pub outbox_dir: PathBuf,
    pub data_dir: PathBuf,
    pub log_format: LogFormat,
    pub db_max_connections: u32,
    /// The name and address customers see on our mail.
    pub mail_from_name: String,
    pub mail_from: String,
    /// Where customers' replies go: the inbound address.
    pub mail_reply_to: Option<String>,
    /// Signs Message-IDs. When unset, a key file in the data folder is
    /// created on first start (the embedded default).
    pub secret_key: Option<SecretString>,
    /// Wraps every customer's data key (32 bytes, base64). Production takes
    /// it from Secrets Manager; when unset, a key file in the data folder is
    /// created on first start. Losing it makes all personal data unreadable.
    pub master_key: Option<SecretString>,
    /// Believe X-Forwarded-For: set only behind our own load balancer.
    pub trust_forwarded: bool,
    /// Contact-form submissions allowed per client.
    pub contact_limit_per_hour: u32,
    pub contact_limit_per_day: u32,
    /// Mark the console's session cookie `Secure`. Set it wherever the site
    /// is served over HTTPS (behind the load balancer, which terminates TLS).
    pub secure_cookies: bool,
    /// The SES configuration set mail is sent with (event publishing,
    /// suppression settings), when `mail` is `ses`. None: SES defaults.
    pub ses_configuration_set: Option<String>,
    /// The EventBridge bus integration events go to
    /// (`MADOGUCHI_EVENTBRIDGE_BUS`). None: nothing is published.
    pub eventbridge_bus: Option<String>,
    /// The SQS queue notified of inbound mail stored in S3
    /// (`MADOGUCHI_INBOUND_QUEUE_URL`). Set: the projections role ingests it.
    pub inbound_queue_url: Option<String>,
    /// The bucket inbound mail and its attachments are kept in
    /// (`MADOGUCHI_RAW_MAIL_BUCKET`). None: the data folder.
    pub raw_mail_bucket: Option<String>,
    /// Days after a customer's last ticket closed until their personal data
    /// is erased automatically (`MADOGUCHI_RETENTION_DAYS`). 0: never.
    pub retention_days: u32,
}

/// What the layers start from: everything runs locally with nothing set.
#[derive(Serialize)]
struct Defaults {
    database_url: &'static str,
    bind: &'static str,
    mail: MailTransport,
    outbox_dir: &'static str,
    data_dir: &'static str,
    log_format: LogFormat,
    db_max_connections: u32,
    mail_from_name: &'static str,
    mail_from: &'static str,
    trust_forwarded: bool,
    contact_limit_per_hour: u32,
    contact_limit_per_day: u32,
    secure_cookies: bool,
    retention_days: u32,
}

impl Settings {
    pub fn load() -> anyhow::Result<Self> {
        let defaults = Defaults {
            database_url: "sqlite://./data/madoguchi.db",
            bind: "127.0.0.1:8080",
            mail: MailTransport::File,
            outbox_dir: "./data/outbox",
            data_dir: "./data",
            log_format: LogFormat::Auto,
            db_max_connections: 16,
            mail_from_name: "LifestyleMart お問い合わせ窓口",
            mail_from: "support@lifestylemart.example",
            trust_forwarded: false,
            contact_limit_per_hour: 20,
            contact_limit_per_day: 240,
            secure_cookies: false,
            // Three years after the last closing.
            retention_days: 3 * 365,
        };
        let mut figment = Figment::from(Serialized::defaults(defaults));
        if let Ok(path) = std::env::var("MADOGUCHI_CONFIG") {
            figment = figment.merge(Toml::file_exact(path));
        }
        figment
            .merge(Env::prefixed("MADOGUCHI_").ignore(&["CONFIG"]))
            .merge(Env::raw().only(&["DATABASE_URL"]))
            .extract()
            .context("invalid configuration")
    }

    /// Where inbound mail is kept: the configured bucket, else the data folder.
    pub async fn mail_store(&self) -> projections::mail::store::MailStore {
        use projections::mail::store::MailStore;
        match self.raw_mail_bucket.as_deref().filter(|b| !b.is_empty()) {
            Some(bucket) => MailStore::s3(&projections::aws::from_environment().await, bucket),
            None => MailStore::Dir(self.data_dir.clone()),
        }
    }

    pub fn database_url(&self) -> &str {
        self.database_url.expose_secret()
    }

    /// The Message-ID signing key: configured, or a key file in the data
    /// folder that is created (readable by this user only) on first start.
    pub fn signing_key(&self) -> anyhow::Result<Vec<u8>> {
        if let Some(key) = &self.secret_key {
            return Ok(key.expose_secret().as_bytes().to_vec());
        }
        let text = self.key_file("secret.key", || {
            let key: [u8; 32] = rand::random();
            key.iter().map(|b| format!("{b:02x}")).collect()
        })?;
        Ok(text.into_bytes())
    }

    /// The master key that wraps customers' data keys: configured, or a key
    /// file in the data folder created on first start.
    pub fn master_key(&self) -> anyhow::Result<command_api::vault::MasterKey> {
        let text = match &self.master_key {
            Some(key) => key.expose_secret().to_owned(),
            None => self.key_file("master.key", command_api::vault::MasterKey::generate)?,
        };
        command_api::vault::MasterKey::from_base64(&text).context("MADOGUCHI_MASTER_KEY")
    }

    /// The event store, sealing personal data with the master key.
    pub fn event_store(&self, db: &command_api::db::Db) -> anyhow::Result<EventStore> {
        let vault = command_api::vault::Vault::new(db.clone(), self.master_key()?);
        Ok(EventStore::new(db.clone()).with_vault(vault))
    }

    /// A key kept in the data folder, readable by this user only, created by
    /// `fresh` when missing.
    fn key_file(&self, name: &str, fresh: fn() -> String) -> anyhow::Result<String> {
        let path = self.data_dir.join(name);
        if let Ok(existing) = std::fs::read_to_string(&path) {
            return Ok(existing);
        }
        std::fs::create_dir_all(&self.data_dir)
            .with_context(|| format!("creating {}", self.data_dir.display()))?;
        let text = fresh();
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options
            .open(&path)
            .with_context(|| format!("creating {}", path.display()))?;
        std::io::Write::write_all(&mut file, text.as_bytes())?;
        Ok(text)
    }
}

/// Shows where things are without showing credentials.
impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let url = self.database_url.expose_secret();
        let backend = url.split("://").next().unwrap_or("unknown");
        f.debug_struct("Settings")
            .field("database", &backend)
            .field("bind", &self.bind)
            .field("mail", &self.mail)
            .field("outbox_dir", &self.outbox_dir)
            .field("data_dir", &self.data_dir)
            .field("log_format", &self.log_format)
            .field("db_max_connections", &self.db_max_connections)
            .field("mail_from", &self.mail_from)
            .field("secret_key", &self.secret_key.as_ref().map(|_| "(set)"))
            .field("master_key", &self.master_key.as_ref().map(|_| "(set)"))
            .field("ses_configuration_set", &self.ses_configuration_set)
            .field("eventbridge_bus", &self.eventbridge_bus)
            .field("inbound_queue_url", &self.inbound_queue_url)
            .field("raw_mail_bucket", &self.raw_mail_bucket)
            .field("retention_days", &self.retention_days)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_shows_the_database_password() {
        let settings = Settings {
            database_url: SecretString::from("mysql://app:hunter2@db.internal/madoguchi"),
            bind: "127.0.0.1:8080".parse().expect("valid"),
            mail: MailTransport::Ses,
            outbox_dir: "o".into(),
            data_dir: "d".into(),
            log_format: LogFormat::Json,
            db_max_connections: 4,
            mail_from_name: "窓口".into(),
            mail_from: "support@lifestylemart.example".into(),
            mail_reply_to: None,
            secret_key: Some(SecretString::from("very-secret-key")),
            master_key: Some(SecretString::from(
                "bWFzdGVyLWtleS1tdXN0LW5vdC1zaG93LXVwLWhlcmU=",
            )),
            trust_forwarded: false,
            contact_limit_per_hour: 20,
            contact_limit_per_day: 240,
            secure_cookies: true,
            ses_configuration_set: None,
            eventbridge_bus: None,
            inbound_queue_url: None,
            raw_mail_bucket: None,
            retention_days: 1095,
        };
        let shown = format!("{settings:?}");
        assert!(
            !shown.contains("hunter2")
                && !shown.contains("db.internal")
                && !shown.contains("bWFzdGVy"),
            "{shown}"
        );
        assert!(shown.contains("mysql"));
    }
}
