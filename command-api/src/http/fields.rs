//! Reading request fields and collecting every problem at once, so a form
//! shows all its errors in one round trip.

use std::str::FromStr;

use domain::values::ValueError;
use serde_json::{Map, Value};

use super::error::{ApiError, FieldErrors};

pub struct Fields<'a> {
    map: &'a Map<String, Value>,
    errors: FieldErrors,
}

impl<'a> Fields<'a> {
    pub fn new(map: &'a Map<String, Value>) -> Self {
        Self {
            map,
            errors: FieldErrors::new(),
        }
    }

    pub fn error(&mut self, field: &str, message: impl Into<String>) {
        self.errors
            .entry(field.to_owned())
            .or_default()
            .push(message.into());
    }

    /// A string field; `None` when absent or null. A wrong type is an error.
    pub fn text(&mut self, field: &str) -> Option<&'a str> {
        match self.map.get(field) {
            None | Some(Value::Null) => None,
            Some(Value::String(s)) => Some(s.as_str()),
            Some(_) => {
                self.error(field, "文字列で入力してください。");
                None
            }
        }
    }

    /// A value parsed by a domain constructor; absence counts as empty input.
    pub fn parse<T>(
        &mut self,
        field: &str,
        parse: impl FnOnce(&str) -> Result<T, ValueError>,
    ) -> Option<T> {
        let raw = self.text(field);
        if self.errors.contains_key(field) {
            return None;
        }
        match parse(raw.unwrap_or("")) {
            Ok(value) => Some(value),
            Err(e) => {
                self.error(field, e.to_string());
                None
            }
        }
    }

    /// An integer id, given as a number or a numeric string (HTML forms).
    pub fn id(&mut self, field: &str) -> Option<i64> {
        let id = match self.map.get(field) {
            None | Some(Value::Null) => None,
            Some(Value::Number(n)) => n.as_i64(),
            Some(Value::String(s)) if s.trim().is_empty() => None,
            Some(Value::String(s)) => s.trim().parse().ok(),
            Some(_) => None,
        };
        match (self.map.get(field), id) {
            (_, Some(id)) if id > 0 => Some(id),
            (None | Some(Value::Null), _) => {
                self.error(field, "選択してください。");
                None
            }
            (Some(Value::String(s)), _) if s.trim().is_empty() => {
                self.error(field, "選択してください。");
                None
            }
            _ => {
                self.error(field, "正しい値を選択してください。");
                None
            }
        }
    }

    /// One of a fixed set of values (`status`, `priority`, …).
    pub fn choice<T: FromStr>(&mut self, field: &str) -> Option<T> {
        match self.text(field) {
            None if !self.errors.contains_key(field) => {
                self.error(field, "選択してください。");
                None
            }
            None => None,
            Some(raw) => raw.parse().ok().or_else(|| {
                self.error(field, "選択できない値です。");
                None
            }),
        }
    }

    /// An optional choice: absent or empty means `None`.
    pub fn optional_choice<T: FromStr>(&mut self, field: &str) -> Option<T> {
        match self.text(field) {
            None | Some("") => None,
            Some(raw) => raw.parse().ok().or_else(|| {
                self.error(field, "選択できない値です。");
                None
            }),
        }
    }

    pub fn has_errors(&self) -> bool {
        !self.errors.is_empty()
    }

    /// `Err` with every collected message, or `Ok` when there were none.
    pub fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError::Validation(self.errors))
        }
    }
}

/// A value that validation has already vouched for.
pub fn present<T>(value: Option<T>) -> Result<T, ApiError> {
    value.ok_or_else(|| ApiError::Internal(anyhow::anyhow!("a validated field is missing")))
}
