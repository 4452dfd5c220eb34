//! `GET /console/analytics` and `/console/analytics.csv`: handling quality
//! per agent or category and week, for supervisors. The figures are the
//! same as the JSON API's.

use std::collections::HashMap;

use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use command_api::employees::Role;
use command_api::http::AppState;
use command_api::http::error::ApiError;
use maud::html;

use super::auth::Staff;
use super::error::ConsoleError;
use super::layout;
use super::query_string;
use crate::analytics::get::Report;
use crate::queries::analytics::Group;

fn minutes(value: Option<f64>) -> String {
    match value {
        None => "—".to_owned(),
        Some(m) if m >= 120.0 => format!("{:.1} 時間", m / 60.0),
        Some(m) => format!("{m:.0} 分"),
    }
}

pub async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Query(mut map): Query<HashMap<String, String>>,
) -> Result<Response, ConsoleError> {
    staff.require(Role::Supervisor)?;
    map.remove("format");
    let (report, errors) = match Report::build(&state, map.clone()).await {
        Ok(report) => (report, Vec::new()),
        Err(ApiError::Validation(errors)) => (
            Report::build(&state, HashMap::new()).await?,
            errors.into_values().flatten().collect(),
        ),
        Err(other) => return Err(other.into()),
    };
    let group = if report.group == Group::Category {
        "category"
    } else {
        "agent"
    };
    let csv_link = format!(
        "/console/analytics.csv?{}",
        query_string(&[
            ("from", report.from.to_string()),
            ("to", report.to.to_string()),
            ("group", group.to_owned()),
        ])
    );
    let body = html! {
        div.page-head {
            h1 { "分析" }
            a #csv-download.button href=(csv_link) download { "CSV をダウンロード" }
        }
        @for error in &errors { div.flash.flash-error role="alert" { (error) } }
        form.filters method="get" action="/console/analytics" {
            div.field { label for="from" { "開始日" } input #from name="from" type="date" value=(report.from.to_string()); }
            div.field { label for="to" { "終了日" } input #to name="to" type="date" value=(report.to.to_string()); }
            div.field {
                label for="group" { "集計単位" }
                select #group name="group" {
                    option value="agent" selected[group == "agent"] { "担当者別" }
                    option value="category" selected[group == "category"] { "カテゴリ別" }
                }
            }
            div.field.actions { button type="submit" { "集計する" } }
        }
        @if report.rows.is_empty() {
            p.empty { "この期間のお問い合わせはありません。" }
        } @else {
            table #analytics {
                thead { tr {
                    th scope="col" { "週" } th scope="col" { (if group == "agent" { "担当者" } else { "カテゴリ" }) }
                    th scope="col" { "件数" } th scope="col" { "初回回答 (中央値)" } th scope="col" { "初回回答 (90%)" }
                    th scope="col" { "解決まで (中央値)" } th scope="col" { "再オープン率" } th scope="col" { "返信数/件" }
                } }
                tbody {
                    @for row in &report.rows {
                        tr {
                            td data-label="週" { (row.week) }
                            td data-label="名前" { (row.name) }
                            td.num data-label="件数" { (row.tickets) }
                            td.num data-label="初回回答 (中央値)" { (minutes(row.first_response_median)) }
                            td.num data-label="初回回答 (90%)" { (minutes(row.first_response_p90)) }
                            td.num data-label="解決まで (中央値)" { (minutes(row.resolution_median)) }
                            td.num data-label="再オープン率" { (row.reopen_rate.map_or("—".to_owned(), |r| format!("{:.0}%", r * 100.0))) }
                            td.num data-label="返信数/件" { (format!("{:.1}", row.replies_per_ticket)) }
                        }
                    }
                }
            }
        }
        p.muted { "時間は営業時間ではなく経過時間です。週は月曜始まり (日本時間)。" }
    };
    Ok(layout::page(&staff, "分析", body).into_response())
}

pub async fn csv(
    State(state): State<AppState>,
    staff: Staff,
    Query(map): Query<HashMap<String, String>>,
) -> Result<Response, ConsoleError> {
    staff.require(Role::Supervisor)?;
    let report = Report::build(&state, map).await.map_err(|e| match e {
        ApiError::Validation(_) => ConsoleError::BadRequest("期間の指定が正しくありません。"),
        other => other.into(),
    })?;
    Ok(report.csv_response())
}
