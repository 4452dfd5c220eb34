//! Logs and traces.
//!
//! - Logs: JSON lines for CloudWatch when not on a terminal, readable text
//!   when on one. JSON lines carry `dd.trace_id` and `dd.span_id` so Datadog
//!   links each line to its trace. Handlers log ids and counts only, never
//!   names, addresses, bodies or secrets.
//! - Traces: every `tracing` span goes to the Datadog agent through
//!   datadog-opentelemetry, configured by the standard `DD_*` variables
//!   (`DD_SERVICE`, `DD_ENV`, `DD_VERSION`, `DD_TRACE_AGENT_URL` or
//!   `DD_AGENT_HOST`). With no agent configured, tracing is off.

use std::fmt::Write as _;
use std::io::IsTerminal;
use std::time::Duration;

use opentelemetry::trace::{TraceContextExt, TracerProvider as _};
use tracing::{Event, Subscriber};
use tracing_opentelemetry::OpenTelemetrySpanExt;
use tracing_subscriber::EnvFilter;
use tracing_subscriber::fmt::format::Writer;
use tracing_subscriber::fmt::writer::BoxMakeWriter;
use tracing_subscriber::fmt::{FmtContext, FormatEvent, FormatFields};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::registry::LookupSpan;
use tracing_subscriber::util::SubscriberInitExt;

use crate::settings::LogFormat;

/// Flushes the spans still buffered when the process ends.
pub struct Telemetry {
    shutdown: Option<Box<dyn FnOnce() + Send>>,
}

impl Telemetry {
    pub fn shutdown(mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            shutdown();
        }
    }
}

/// Whether an agent is configured to send traces to.
fn agent_configured() -> bool {
    let set = |name: &str| std::env::var(name).is_ok_and(|v| !v.trim().is_empty());
    let disabled = std::env::var("DD_TRACE_ENABLED").is_ok_and(|v| v.eq_ignore_ascii_case("false"));
    !disabled && (set("DD_TRACE_AGENT_URL") || set("DD_AGENT_HOST"))
}

pub fn init(format: LogFormat, to_stdout: bool) -> Telemetry {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_http=warn"));
    let json = match format {
        LogFormat::Json => true,
        LogFormat::Pretty => false,
        LogFormat::Auto => !std::io::stdout().is_terminal(),
    };
    let writer = if to_stdout {
        BoxMakeWriter::new(std::io::stdout)
    } else {
        BoxMakeWriter::new(std::io::stderr)
    };
    let provider = agent_configured().then(|| datadog_opentelemetry::tracing().init());
    let traces = provider
        .as_ref()
        .map(|p| tracing_opentelemetry::layer().with_tracer(p.tracer("madoguchi")));
    let registry = tracing_subscriber::registry().with(filter).with(traces);
    if json {
        registry
            .with(
                tracing_subscriber::fmt::layer()
                    .json()
                    .event_format(WithTraceIds::new(
                        tracing_subscriber::fmt::format()
                            .json()
                            .flatten_event(true)
                            .with_current_span(true),
                    ))
                    .with_writer(writer),
            )
            .init();
    } else {
        registry
            .with(
                tracing_subscriber::fmt::layer()
                    .compact()
                    .with_writer(writer),
            )
            .init();
    }
    Telemetry {
        shutdown: provider.map(|p| {
            Box::new(move || {
                if let Err(error) = p.shutdown_with_timeout(Duration::from_secs(2)) {
                    eprintln!("flushing traces failed: {error}");
                }
            }) as Box<dyn FnOnce() + Send>
        }),
    }
}

/// Adds Datadog's correlation fields to each JSON line written inside a
/// traced span, plus the service, env and version it was traced under.
struct WithTraceIds<F> {
    inner: F,
    tags: String,
}

impl<F> WithTraceIds<F> {
    fn new(inner: F) -> Self {
        let mut tags = String::new();
        for (field, var) in [
            ("dd.service", "DD_SERVICE"),
            ("dd.env", "DD_ENV"),
            ("dd.version", "DD_VERSION"),
        ] {
            if let Ok(value) = std::env::var(var) {
                let _ = write!(tags, ",\"{field}\":{}", serde_json::Value::String(value));
            }
        }
        Self { inner, tags }
    }
}

/// The current span's ids as Datadog writes them: the trace id's low 64
/// bits and the span id, in decimal.
fn correlation() -> Option<(u64, u64)> {
    let context = tracing::Span::current().context();
    let span = context.span();
    let ids = span.span_context();
    if !ids.is_valid() {
        return None;
    }
    let trace = u128::from_be_bytes(ids.trace_id().to_bytes()) as u64;
    Some((trace, u64::from_be_bytes(ids.span_id().to_bytes())))
}

impl<S, N, F> FormatEvent<S, N> for WithTraceIds<F>
where
    S: Subscriber + for<'a> LookupSpan<'a>,
    N: for<'a> FormatFields<'a> + 'static,
    F: FormatEvent<S, N>,
{
    fn format_event(
        &self,
        ctx: &FmtContext<'_, S, N>,
        mut writer: Writer<'_>,
        event: &Event<'_>,
    ) -> std::fmt::Result {
        // Read before formatting: the formatter holds span extensions while
        // it runs, and the ids are read from those extensions too.
        let ids = correlation();
        let mut line = String::new();
        self.inner
            .format_event(ctx, Writer::new(&mut line), event)?;
        let Some(open) = line.trim_end().strip_suffix('}') else {
            return writer.write_str(&line);
        };
        writer.write_str(open)?;
        if let Some((trace, span)) = ids {
            write!(
                writer,
                ",\"dd.trace_id\":\"{trace}\",\"dd.span_id\":\"{span}\""
            )?;
        }
        writer.write_str(&self.tags)?;
        writer.write_str("}\n")
    }
}
