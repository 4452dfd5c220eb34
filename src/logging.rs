//! Logs: JSON lines for CloudWatch when not on a terminal, readable text when
//! on one. Handlers log ids and counts only, never names, addresses or bodies.

use std::io::IsTerminal;

use tracing_subscriber::EnvFilter;

use crate::settings::LogFormat;

pub fn init(format: LogFormat, to_stdout: bool) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let json = match format {
        LogFormat::Json => true,
        LogFormat::Pretty => false,
        LogFormat::Auto => !std::io::stdout().is_terminal(),
    };
    let builder = tracing_subscriber::fmt().with_env_filter(filter);
    match (json, to_stdout) {
        (true, true) => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_writer(std::io::stdout)
            .init(),
        (true, false) => builder
            .json()
            .flatten_event(true)
            .with_current_span(true)
            .with_writer(std::io::stderr)
            .init(),
        (false, true) => builder.compact().with_writer(std::io::stdout).init(),
        (false, false) => builder.compact().with_writer(std::io::stderr).init(),
    }
}
