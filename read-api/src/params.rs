//! Query-string parameters, checked with every problem reported at once as a
//! 422 with Japanese messages; a bad parameter is never a 500.

use std::collections::HashMap;
use std::str::FromStr;

use command_api::http::error::{ApiError, FieldErrors};

pub struct Params {
    map: HashMap<String, String>,
    errors: FieldErrors,
}

impl Params {
    pub fn new(map: HashMap<String, String>) -> Self {
        Self {
            map,
            errors: FieldErrors::new(),
        }
    }

    pub fn error(&mut self, field: &str, message: &str) {
        self.errors
            .entry(field.to_owned())
            .or_default()
            .push(message.to_owned());
    }

    /// A non-empty, trimmed value.
    pub fn text(&self, field: &str) -> Option<&str> {
        self.map
            .get(field)
            .map(|v| v.trim())
            .filter(|v| !v.is_empty())
    }

    pub fn parse<T: FromStr>(&mut self, field: &str, message: &str) -> Option<T> {
        let raw = self.text(field)?.to_owned();
        raw.parse().ok().or_else(|| {
            self.error(field, message);
            None
        })
    }

    /// A value that must be one of `allowed`; returned as the static spelling.
    pub fn one_of(&mut self, field: &str, allowed: &[&'static str]) -> Option<&'static str> {
        let raw = self.text(field)?.to_owned();
        allowed.iter().copied().find(|a| *a == raw).or_else(|| {
            self.error(field, "選択できない値です。");
            None
        })
    }

    /// A JST calendar date written `YYYY-MM-DD`.
    pub fn date(&mut self, field: &str) -> Option<time::Date> {
        let raw = self.text(field)?.to_owned();
        time::Date::parse(
            &raw,
            time::macros::format_description!("[year]-[month]-[day]"),
        )
        .ok()
        .or_else(|| {
            self.error(field, "日付は YYYY-MM-DD 形式で入力してください。");
            None
        })
    }

    pub fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.errors))
        }
    }
}

/// Axum's query rejection (bad percent-encoding) as our 422.
pub fn rejected(rejection: axum::extract::rejection::QueryRejection) -> ApiError {
    tracing::debug!(%rejection, "query rejected");
    ApiError::field("query", "検索条件の形式が正しくありません。")
}
