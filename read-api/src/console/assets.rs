//! The console's stylesheet and script, compiled into the binary (the
//! network may be closed, so nothing comes from a CDN). Their URLs carry a
//! content hash, so browsers may cache them for a year.

use std::sync::LazyLock;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use command_api::http::AppState;
use sha2::{Digest, Sha256};

const CSS: &str = include_str!("../../static/console.css");
const JS: &str = include_str!("../../static/console.js");

pub const CSS_PATH: &str = "/console/static/console.css";
pub const JS_PATH: &str = "/console/static/console.js";

static VERSION: LazyLock<String> = LazyLock::new(|| {
    let digest = Sha256::new().chain_update(CSS).chain_update(JS).finalize();
    hex::encode(&digest[..6])
});

/// Asset URLs name this build's content, so a deploy is never served a
/// stale cached script.
pub fn css_url() -> String {
    format!("{CSS_PATH}?v={}", *VERSION)
}

pub fn js_url() -> String {
    format!("{JS_PATH}?v={}", *VERSION)
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            CSS_PATH,
            get(|| async { asset(CSS, "text/css; charset=utf-8") }),
        )
        .route(
            JS_PATH,
            get(|| async { asset(JS, "text/javascript; charset=utf-8") }),
        )
}

fn asset(body: &'static str, content_type: &'static str) -> Response {
    (
        StatusCode::OK,
        [
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            ),
        ],
        body,
    )
        .into_response()
}
