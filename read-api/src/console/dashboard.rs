//! `GET /console/dashboard` (S-13): the backlog at a glance. The 30-day chart
//! is SVG drawn here on the server; no chart library, no script.

use axum::extract::State;
use axum::response::{IntoResponse, Response};
use command_api::http::AppState;
use maud::{Markup, html};
use projections::tickets::NAME;
use time::OffsetDateTime;

use super::auth::Staff;
use super::error::ConsoleError;
use super::layout::{self, priority_badge, status_badge};
use crate::consistency::wait_for;
use crate::dashboard::DEFAULT_OVERDUE_AFTER;
use crate::queries::dashboard::{self, Dashboard};
use crate::queries::jst;
use crate::queries::list::Row;

pub async fn show(State(state): State<AppState>, staff: Staff) -> Result<Response, ConsoleError> {
    let consistent = wait_for(&state.db, NAME, None).await?;
    let now = OffsetDateTime::now_utc();
    let board = dashboard::load(
        &state.db,
        consistent.checkpoint.generation,
        now,
        DEFAULT_OVERDUE_AFTER,
    )
    .await?;
    let figures = board.to_json();
    let count = |path: &[&str]| {
        path.iter()
            .fold(&figures, |v, k| &v[*k])
            .as_i64()
            .unwrap_or_default()
    };
    let body = html! {
        h1 { "ダッシュボード" }
        section #counts aria-label="件数" {
            div.cards {
                (card("未対応", count(&["by_status", "new"]), "/console/tickets?status=new"))
                (card("対応中", count(&["by_status", "in_progress"]), "/console/tickets?status=in_progress"))
                (card("未割当 (未完了)", count(&["unassigned_open"]), "/console/tickets?assignee=none"))
                (card("緊急 (未完了)", count(&["urgent_open"]), "/console/tickets?priority=urgent"))
                (card("初回回答待ち (受付から24時間超)", count(&["overdue_count"]), "/console/tickets?sort=received&order=asc"))
                (card("SLA超過中 (初回回答)", board.sla.first_response, "/console/tickets?sort=received&order=asc"))
                (card("SLA超過中 (解決)", board.sla.resolution, "/console/tickets?sort=received&order=asc"))
                (card("本日の受付", count(&["received_today"]), "/console/tickets?status=all"))
            }
            @if let Some(at) = board.sla.counted_at {
                p.muted { "SLA超過の件数は " (jst(command_api::db::from_micros(at))) " 時点のものです(1分ごとに更新)。" }
            }
        }
        div.columns {
            section #overdue {
                h2 { "初回回答が遅れているお問い合わせ" }
                (rows(&board.overdue, "遅れているお問い合わせはありません。"))
            }
            section #urgent {
                h2 { "緊急のお問い合わせ" }
                (rows(&board.urgent, "緊急のお問い合わせはありません。"))
            }
        }
        div.columns {
            section #workload {
                h2 { "担当者別の未完了件数" }
                @if board.workload.is_empty() {
                    p.empty { "担当中のお問い合わせはありません。" }
                } @else {
                    table.workload {
                        thead { tr { th scope="col" { "担当者" } th scope="col" { "件数" } } }
                        tbody {
                            @for (id, name, open) in &board.workload {
                                tr {
                                    td { a href={ "/console/tickets?assignee=" (id) } { (name.as_deref().unwrap_or("(削除された社員)")) } }
                                    td.num { (open) }
                                }
                            }
                        }
                    }
                }
            }
            figure #received-chart {
                figcaption { "過去30日間の受付件数" }
                (chart(&board))
            }
        }
        p.muted { "集計時刻: " (jst(now)) }
    };
    Ok(layout::page(&staff, "ダッシュボード", body).into_response())
}

fn card(label: &str, value: i64, href: &str) -> Markup {
    html! {
        a.card href=(href) {
            span.card-label { (label) }
            span.card-value { (value) }
        }
    }
}

fn rows(rows: &[Row], empty: &str) -> Markup {
    html! {
        @if rows.is_empty() {
            p.empty { (empty) }
        } @else {
            ul.compact {
                @for row in rows {
                    li {
                        a href={ "/console/tickets/" (row.inquiry_number) } { (row.inquiry_number) }
                        " " (row.subject) " " (status_badge(&row.status)) " " (priority_badge(&row.priority))
                    }
                }
            }
        }
    }
}

/// Bars per JST day, with a title on each for screen readers and hovering.
fn chart(board: &Dashboard) -> Markup {
    let days = board.daily();
    let max = days.iter().map(|(_, n)| *n).max().unwrap_or(0).max(1);
    let (width, height, pad) = (600.0_f64, 180.0_f64, 24.0_f64);
    let step = (width - pad) / days.len().max(1) as f64;
    let scale = (height - pad * 2.0) / max as f64;
    let total: i64 = days.iter().map(|(_, n)| n).sum();
    let label = format!("過去30日間の受付件数の棒グラフ。合計{total}件、1日の最大{max}件。");
    html! {
        svg.chart viewBox={ "0 0 " (width) " " (height) } role="img" aria-label=(label) {
            line x1=(pad) y1=(height - pad) x2=(width) y2=(height - pad) class="axis" {}
            text x="0" y=(pad) class="tick" { (max) }
            text x="0" y=(height - pad) class="tick" { "0" }
            @for (i, (date, n)) in days.iter().enumerate() {
                @let h = *n as f64 * scale;
                @let x = pad + i as f64 * step + 1.0;
                rect x=(format!("{x:.1}")) y=(format!("{:.1}", height - pad - h)) width=(format!("{:.1}", step - 2.0)) height=(format!("{h:.1}")) class="bar" {
                    title { (date) ": " (n) "件" }
                }
                // Weekly labels, and the last day right-aligned so it fits.
                @if i + 1 == days.len() {
                    text x=(format!("{:.1}", x + step - 2.0)) y=(height - 6.0) class="tick" text-anchor="end" { (date.get(5..).unwrap_or(date)) }
                } @else if i % 7 == 0 && i + 4 < days.len() {
                    text x=(format!("{x:.1}")) y=(height - 6.0) class="tick" { (date.get(5..).unwrap_or(date)) }
                }
            }
        }
    }
}
