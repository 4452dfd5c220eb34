//! `/console/admin/sla`: the service-level targets per priority, in business
//! minutes (JST 9:00–18:00 on business days). The SLA watcher and every
//! due time shown read them afresh, so a saved change applies within a
//! minute without a restart.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use command_api::employees::Role;
use command_api::http::AppState;
use command_api::http::error::FieldErrors;
use command_api::sla_policies::{self, MAX_MINUTES};
use domain::Priority;
use domain::sla::{Policy, Targets};
use maud::html;

use crate::console::auth::{ConsoleForm, Staff};
use crate::console::error::ConsoleError;
use crate::console::layout::{self, csrf_field, field_errors};

const PATH: &str = "/console/admin/sla";

/// Most urgent first, as people read the table.
const ORDER: [Priority; 4] = [
    Priority::Urgent,
    Priority::High,
    Priority::Medium,
    Priority::Low,
];

fn field(kind: &str, priority: Priority) -> String {
    format!("{kind}_{}", priority.as_str())
}

pub async fn show(State(state): State<AppState>, staff: Staff) -> Result<Response, ConsoleError> {
    staff.require(Role::Admin)?;
    let policy = sla_policies::load(&state.db).await?;
    let value = |name: &str| {
        ORDER
            .iter()
            .find_map(|&p| {
                let t = policy.targets(p);
                (name == field("first_response", p))
                    .then_some(t.first_response)
                    .or((name == field("resolution", p)).then_some(t.resolution))
            })
            .map(|m| m.to_string())
            .unwrap_or_default()
    };
    Ok(page(&staff, &value, &FieldErrors::new(), StatusCode::OK))
}

fn page(
    staff: &Staff,
    value: &dyn Fn(&str) -> String,
    errors: &FieldErrors,
    status: StatusCode,
) -> Response {
    let body = html! {
        h1 { "SLA設定" }
        p.muted {
            "目標時間は営業時間(平日 9:00〜18:00、祝日・年末年始を除く)の分で指定します。1営業日は540分です。"
            "解決の目標は再オープンのたびに新しく数えます。"
        }
        form #sla-form.stack method="post" action=(PATH) novalidate {
            (csrf_field(staff))
            table #sla-policies {
                thead { tr { th scope="col" { "優先度" } th scope="col" { "初回回答(分)" } th scope="col" { "解決(分)" } } }
                tbody {
                    @for p in ORDER {
                        @let first = field("first_response", p);
                        @let resolution = field("resolution", p);
                        tr {
                            th scope="row" { (layout::priority_badge(p.as_str())) }
                            td {
                                label.visually-hidden for=(first) { (p.label_ja()) "の初回回答目標(分)" }
                                input id=(first) name=(first) type="number" min="1" max=(MAX_MINUTES) required value=(value(&first));
                                (field_errors(errors, &first))
                            }
                            td {
                                label.visually-hidden for=(resolution) { (p.label_ja()) "の解決目標(分)" }
                                input id=(resolution) name=(resolution) type="number" min="1" max=(MAX_MINUTES) required value=(value(&resolution));
                                (field_errors(errors, &resolution))
                            }
                        }
                    }
                }
            }
            button type="submit" { "保存する" }
        }
    };
    (status, layout::page(staff, "SLA設定", body)).into_response()
}

/// Every priority's targets from the form, or a message per bad field.
fn read(form: &ConsoleForm) -> Result<Policy, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut policy = Policy::default();
    let minutes =
        |name: String, errors: &mut FieldErrors| match form.text(&name).trim().parse::<i64>() {
            Ok(m) if (1..=MAX_MINUTES).contains(&m) => Some(m),
            _ => {
                errors.entry(name).or_default().push(format!(
                    "1〜{MAX_MINUTES}の整数(営業時間の分)で入力してください。"
                ));
                None
            }
        };
    for p in ORDER {
        let first = minutes(field("first_response", p), &mut errors);
        let resolution = minutes(field("resolution", p), &mut errors);
        if let (Some(first_response), Some(resolution)) = (first, resolution) {
            if first_response > resolution {
                errors
                    .entry(field("resolution", p))
                    .or_default()
                    .push("解決の目標は初回回答の目標以上にしてください。".to_owned());
            }
            policy = policy.with(
                p,
                Targets {
                    first_response,
                    resolution,
                },
            );
        }
    }
    if errors.is_empty() {
        Ok(policy)
    } else {
        Err(errors)
    }
}

pub async fn save(
    State(state): State<AppState>,
    form: ConsoleForm,
) -> Result<Response, ConsoleError> {
    form.staff.require(Role::Admin)?;
    match read(&form) {
        Ok(policy) => {
            sla_policies::save(&state.db, &policy).await?;
            tracing::info!(employee = form.staff.id(), "SLA targets saved");
            form.staff.flash(true, "SLAの目標を保存しました。").await?;
            Ok(Redirect::to(PATH).into_response())
        }
        Err(errors) => {
            let value = |name: &str| form.text(name).to_owned();
            Ok(page(
                &form.staff,
                &value,
                &errors,
                StatusCode::UNPROCESSABLE_ENTITY,
            ))
        }
    }
}
