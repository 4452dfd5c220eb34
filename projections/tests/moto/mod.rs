//! Reaching the moto server (`scripts/moto.sh`) that stands in for AWS.
//!
//! The AWS tests run only when `MADOGUCHI_TEST_MOTO_URL` is set, and say so
//! when they skip. Every test makes its own identities, buses and queues
//! under fresh names, so tests run in parallel and nothing is reset.

use aws_config::{Region, SdkConfig};
use aws_sdk_sesv2::config::Credentials;
use uuid::Uuid;

/// The moto endpoint, or `None` after printing why the test is skipped.
pub fn endpoint(test: &str) -> Option<String> {
    match std::env::var("MADOGUCHI_TEST_MOTO_URL") {
        Ok(url) if !url.is_empty() => Some(url.trim_end_matches('/').to_owned()),
        _ => {
            eprintln!(
                "skipping {test}: MADOGUCHI_TEST_MOTO_URL is not set (start moto with scripts/moto.sh)"
            );
            None
        }
    }
}

/// The service's own client configuration, pointed at `endpoint`.
pub async fn config(endpoint: &str) -> SdkConfig {
    projections::aws::loader()
        .endpoint_url(endpoint)
        .region(Region::new("ap-northeast-1"))
        .credentials_provider(Credentials::new("moto", "moto", None, None, "moto"))
        .load()
        .await
}

/// A name no other test uses.
pub fn unique(prefix: &str) -> String {
    format!("{prefix}-{}", Uuid::new_v4().simple())
}

/// A moto server of a test's own, which the test can stop and start again
/// (an outage). Needs `MADOGUCHI_TEST_MOTO_PYTHON`, the Python that has
/// moto installed (`scripts/test.sh` sets it).
#[allow(dead_code)] // only the outage tests start one
pub struct OwnMoto {
    python: String,
    port: u16,
    child: Option<std::process::Child>,
}

#[allow(dead_code)]
impl OwnMoto {
    /// Started on a free port, or `None` after printing why the test is skipped.
    pub async fn start(test: &str) -> Option<Self> {
        let Ok(python) = std::env::var("MADOGUCHI_TEST_MOTO_PYTHON") else {
            eprintln!("skipping {test}: MADOGUCHI_TEST_MOTO_PYTHON is not set");
            return None;
        };
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let mut moto = Self {
            python,
            port,
            child: None,
        };
        moto.resume().await;
        Some(moto)
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Starts the server (with empty state, as after any restart) and waits
    /// until it answers.
    pub async fn resume(&mut self) {
        let child = std::process::Command::new(&self.python)
            .args(["-m", "moto.server", "-H", "127.0.0.1", "-p"])
            .arg(self.port.to_string())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("starts moto");
        self.child = Some(child);
        let url = format!("{}/moto-api/data.json", self.endpoint());
        for _ in 0..120 {
            if reqwest::get(&url)
                .await
                .is_ok_and(|r| r.status().is_success())
            {
                return;
            }
            tokio::time::sleep(std::time::Duration::from_millis(250)).await;
        }
        panic!("moto did not start on port {}", self.port);
    }

    /// Stops the server: nothing listens on its port until `resume`.
    pub fn stop(&mut self) {
        if let Some(mut child) = self.child.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

impl Drop for OwnMoto {
    fn drop(&mut self) {
        self.stop();
    }
}
