//! How the AWS clients are configured: the standard chain (environment,
//! profile, ECS task role; `AWS_ENDPOINT_URL` for a local stand-in) with
//! timeouts of our own, so a hung call never holds a worker for long.

use std::time::Duration;

use aws_config::timeout::TimeoutConfig;
use aws_config::{BehaviorVersion, ConfigLoader};

/// The loader every AWS client starts from. Tests add an endpoint, a region
/// and credentials; the service loads it as it is.
pub fn loader() -> ConfigLoader {
    aws_config::defaults(BehaviorVersion::latest()).timeout_config(
        TimeoutConfig::builder()
            .connect_timeout(Duration::from_secs(3))
            .operation_attempt_timeout(Duration::from_secs(10))
            .operation_timeout(Duration::from_secs(30))
            .build(),
    )
}

/// The configuration from the environment, as the service runs.
pub async fn from_environment() -> aws_config::SdkConfig {
    loader().load().await
}
