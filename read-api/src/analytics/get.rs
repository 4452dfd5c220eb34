//! `GET /api/v1/analytics?from&to&group=agent|category[&format=csv]`.

use std::collections::HashMap;

use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use command_api::employees::Role;
use command_api::http::AppState;
use command_api::http::error::ApiError;
use command_api::http::extract::Agent;
use command_api::on_pool;
use projections::tickets::NAME;
use serde_json::json;
use time::{Duration, OffsetDateTime};

use crate::params::{Params, rejected};
use crate::queries::analytics::{self, Group};
use crate::queries::detail::employee_names;

#[utoipa::path(
    get, path = "/api/v1/analytics", tag = "analytics",
    params(
        ("from" = Option<String>, Query, description = "First JST date (YYYY-MM-DD), default 8 weeks ago"),
        ("to" = Option<String>, Query, description = "Last JST date (YYYY-MM-DD), default today"),
        ("group" = Option<String>, Query, description = "agent (default) | category"),
        ("format" = Option<String>, Query, description = "json (default) | csv"),
    ),
    responses(
        (status = 200, description = "Per week and group: median/p90 first response, median resolution, reopen rate, replies per ticket"),
        (status = 403, description = "Supervisors and admins only"),
        (status = 422, description = "Bad parameters"),
    ),
    security(("bearer" = []))
)]
pub async fn analytics(
    State(state): State<AppState>,
    agent: Agent,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Result<Response, ApiError> {
    agent.require(Role::Supervisor)?;
    let Query(map) = query.map_err(rejected)?;
    let report = Report::build(&state, map).await?;
    if report.csv {
        return Ok(report.csv_response());
    }
    let Report {
        from,
        to,
        group,
        rows,
        ..
    } = report;
    Ok(axum::Json(json!({
        "from": from.to_string(),
        "to": to.to_string(),
        "group": if group == Group::Agent { "agent" } else { "category" },
        "rows": rows.iter().map(analytics::Figures::to_json).collect::<Vec<_>>(),
    }))
    .into_response())
}

/// The figures for a period and grouping, read from query parameters:
/// shared by the JSON API and the console's analytics page.
pub(crate) struct Report {
    pub from: time::Date,
    pub to: time::Date,
    pub group: Group,
    pub csv: bool,
    pub rows: Vec<analytics::Figures>,
}

impl Report {
    pub(crate) async fn build(
        state: &AppState,
        map: HashMap<String, String>,
    ) -> Result<Self, ApiError> {
        let mut params = Params::new(map);
        let today = OffsetDateTime::now_utc()
            .to_offset(domain::values::JST)
            .date();
        let from = params.date("from").unwrap_or(today - Duration::weeks(8));
        let to = params.date("to").unwrap_or(today);
        if to < from || to - from > Duration::days(366) {
            params.error("to", "期間は開始日以降、1年以内で指定してください。");
        }
        let group = match params.one_of("group", &["agent", "category"]) {
            Some("category") => Group::Category,
            _ => Group::Agent,
        };
        let csv = params.one_of("format", &["json", "csv"]) == Some("csv");
        params.finish()?;

        let generation = projections::checkpoint::load(&state.db, NAME)
            .await?
            .generation;
        let employees = employee_names(&state.db).await?;
        let categories: HashMap<i64, String> = on_pool!(&state.db, pool => sqlx::query_as::<_, (i64, String)>("SELECT id, name FROM categories").fetch_all(pool).await)?
            .into_iter()
            .collect();
        let names = |key: Option<i64>| match (group, key) {
            (_, None) => "(未対応)".to_owned(),
            (Group::Agent, Some(id)) => employees
                .get(&id)
                .cloned()
                .unwrap_or_else(|| format!("#{id}")),
            (Group::Category, Some(id)) => categories
                .get(&id)
                .cloned()
                .unwrap_or_else(|| format!("#{id}")),
        };
        let rows = analytics::figures(&state.db, generation, from, to, group, &names).await?;
        Ok(Report {
            from,
            to,
            group,
            csv,
            rows,
        })
    }

    /// The figures as a CSV download.
    pub(crate) fn csv_response(&self) -> Response {
        let (from, to) = (self.from, self.to);
        let mut response = analytics::csv(&self.rows, self.group).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("text/csv; charset=utf-8"),
        );
        let disposition = format!("attachment; filename=\"madoguchi-analytics-{from}-{to}.csv\"");
        if let Ok(value) = HeaderValue::from_str(&disposition) {
            headers.insert(header::CONTENT_DISPOSITION, value);
        }
        response
    }
}
