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
