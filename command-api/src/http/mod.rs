//! The command API's routes. One file per action; each module exports `router()`.

pub mod contact;
pub mod error;
pub mod extract;
pub mod fields;
pub mod health;
mod inquiries;
mod metrics;
pub mod openapi;
pub mod respond;
pub mod ticket_fields;
mod tickets;
pub mod triage_rules;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::HeaderMap;

use crate::commands::TicketService;
use crate::db::Db;

/// JSON commands are small; 64 KiB leaves room for a long Japanese reply.
pub const JSON_BODY_LIMIT: usize = 64 * 1024;

/// Shared by every handler of the write side.
#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    pub tickets: TicketService,
    pub contact: contact::ContactSettings,
}

impl AppState {
    pub fn new(db: Db, tickets: TicketService) -> Self {
        Self {
            db,
            tickets,
            contact: contact::ContactSettings::default(),
        }
    }

    pub fn with_contact(mut self, contact: contact::ContactSettings) -> Self {
        self.contact = contact;
        self
    }
}

/// Every command route, under `/api/v1`.
pub fn router() -> Router<AppState> {
    Router::new()
        .merge(inquiries::router())
        .merge(tickets::router())
        .merge(triage_rules::router())
        .merge(contact::submit_router())
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
}

/// The layers every role's HTTP server wears: request ids (generated when
/// absent, echoed back), a trace span per request, and a deadline.
pub fn with_standard_layers<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    use std::time::Duration;
    use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
    use tower_http::timeout::TimeoutLayer;
    use tower_http::trace::TraceLayer;
    let trace = TraceLayer::new_for_http().make_span_with(|request: &axum::http::Request<_>| {
        // The matched route template, never the raw path: paths can carry
        // inquiry numbers, and span names must stay low-cardinality.
        let route = request.extensions().get::<axum::extract::MatchedPath>().map_or("unmatched", |p| p.as_str()).to_owned();
        let request_id = request.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
        // Datadog names the span by `operation.name` and `resource.name`:
        // "http.request" and "POST /api/v1/inquiries", a server span.
        tracing::info_span!("http.request", otel.kind = "server", operation.name = "http.request", resource.name = %format!("{} {route}", request.method()), http.method = %request.method(), http.route = %route, request_id = %request_id, http.status_code = tracing::field::Empty)
    })
    .on_response(|response: &axum::http::Response<_>, latency: Duration, span: &tracing::Span| {
        span.record("http.status_code", response.status().as_u16());
        tracing::info!(status = response.status().as_u16(), latency_ms = latency.as_secs_f64() * 1000.0, "request finished");
    });
    router
        // Every response: no script from elsewhere, no framing, no MIME
        // sniffing, no referrer beyond our origin.
        .layer(header(
            "content-security-policy",
            "default-src 'self'; style-src 'self' 'unsafe-inline'; script-src 'self'; img-src 'self' data:; \
             form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'",
        ))
        .layer(header("x-content-type-options", "nosniff"))
        .layer(header("referrer-policy", "same-origin"))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::SERVICE_UNAVAILABLE,
            Duration::from_secs(10),
        ))
        .layer(trace)
        .layer(axum::middleware::from_fn(observe))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
}

/// Counts each request by its route template and status, with its latency,
/// for `/metrics`. Outside the timeout, so a request cut off at the deadline
/// is counted as the 503 it became.
async fn observe(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or("unmatched", |p| p.as_str())
        .to_owned();
    let method = request.method().clone();
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    crate::instruments::record_request(
        &route,
        method.as_str(),
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

fn header(
    name: &'static str,
    value: &'static str,
) -> tower_http::set_header::SetResponseHeaderLayer<axum::http::HeaderValue> {
    tower_http::set_header::SetResponseHeaderLayer::if_not_present(
        axum::http::HeaderName::from_static(name),
        axum::http::HeaderValue::from_static(value),
    )
}

/// Health and command routes with the standard layers: the command-api role.
pub fn app(state: AppState) -> Router {
    with_standard_layers(
        Router::new()
            .merge(health::router())
            .merge(router())
            .with_state(state),
    )
}

/// The id set by the request-id layer, recorded in event metadata.
pub fn request_id(headers: &HeaderMap) -> Option<String> {
    headers
        .get("x-request-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}
