//! `GET/POST /console/phone` (S-11): an inquiry taken by phone, or a mail that
//! reached someone directly, registered by hand with its channel, category,
//! customer, subject, body, assignee, status and priority.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use command_api::categories::{self, Category};
use command_api::commands::{CommandError, IdempotencyKey};
use command_api::employee_admin;
use command_api::http::AppState;
use command_api::http::error::{ApiError, FieldErrors};
use command_api::http::fields::Fields;
use command_api::idempotency::{self, Previous};
use command_api::intake::{self, Start};
use domain::metadata::CommandContext;
use domain::{Actor, Channel, Priority, Status};
use maud::{Markup, html};
use time::OffsetDateTime;
use uuid::Uuid;

use super::auth::{ConsoleForm, Staff};
use super::error::ConsoleError;
use super::layout::{self, csrf_field, field_errors};

pub async fn show(State(state): State<AppState>, staff: Staff) -> Result<Response, ConsoleError> {
    let categories = categories::list_active(&state.db).await?;
    let employees = employee_admin::active_names(&state.db).await?;
    let values = |_: &str| String::new();
    Ok(page(
        &staff,
        &categories,
        &employees,
        &values,
        &FieldErrors::new(),
    )
    .into_response())
}

pub async fn submit(
    State(state): State<AppState>,
    form: ConsoleForm,
) -> Result<Response, ConsoleError> {
    let map = form.json();
    let mut fields = Fields::new(&map);
    let channel = match form.text("channel") {
        "phone" => Some(Channel::Phone),
        "email" => Some(Channel::Email),
        _ => {
            fields.error("channel", "電話かメールを選択してください。");
            None
        }
    };
    let priority = fields
        .optional_choice::<Priority>("priority")
        .unwrap_or_default();
    let status = fields
        .optional_choice::<Status>("status")
        .unwrap_or_default();
    let assignee = match form.text("assignee") {
        "" => None,
        "me" => Some(form.staff.id()),
        raw => match raw.parse::<i64>() {
            Ok(id)
                if command_api::employees::find(&state.db, id)
                    .await?
                    .is_some_and(|e| e.active) =>
            {
                Some(id)
            }
            _ => {
                fields.error(
                    "assignee",
                    "選択された担当者は存在しないか、無効になっています。",
                );
                None
            }
        },
    };
    let inquiry =
        intake::read_inquiry(&state.db, &mut fields, channel == Some(Channel::Phone)).await?;
    let (inquiry, channel) = match (fields.finish(), inquiry, channel) {
        (Ok(()), Some(inquiry), Some(channel)) => (inquiry, channel),
        (result, ..) => {
            let errors = match result {
                Err(ApiError::Validation(errors)) => errors,
                _ => FieldErrors::from([(
                    "form".to_owned(),
                    vec!["入力内容を確認してください。".to_owned()],
                )]),
            };
            return again(&state, &form, &errors).await;
        }
    };
    let key = Uuid::parse_str(form.text("form_token"))
        .ok()
        .map(|token| IdempotencyKey {
            scope: format!("console:phone:{}", form.staff.id()),
            key: token.to_string(),
            request_hash: idempotency::request_hash(form.text("body").as_bytes()),
        });
    if let Some(key) = &key
        && let Previous::Replay(outcome) =
            idempotency::lookup(&state.db, &key.scope, &key.key, &key.request_hash).await?
    {
        return Ok(opened(
            outcome["inquiry_number"].as_str(),
            outcome["position"].as_i64(),
        ));
    }
    let ctx = CommandContext::new(
        Actor::Agent(form.staff.id()),
        OffsetDateTime::now_utc(),
        form.request_id.clone(),
    );
    let start = Start {
        channel,
        priority,
        status,
        assignee,
    };
    match intake::open(&state.db, &state.tickets, inquiry, start, &ctx, key.clone()).await {
        Ok(outcome) => {
            form.staff
                .flash(
                    true,
                    format!("{} として登録しました。", outcome.inquiry_number),
                )
                .await?;
            Ok(opened(
                Some(&outcome.inquiry_number.to_string()),
                outcome.position,
            ))
        }
        Err(CommandError::IdempotencyRace) => {
            let errors = FieldErrors::from([(
                "form".to_owned(),
                vec!["このフォームは送信済みです。一覧をご確認ください。".to_owned()],
            )]);
            again(&state, &form, &errors).await
        }
        Err(e) => Err(e.into()),
    }
}

fn opened(number: Option<&str>, position: Option<i64>) -> Response {
    match (number, position) {
        (Some(n), Some(p)) => {
            Redirect::to(&format!("/console/tickets/{n}?after={p}")).into_response()
        }
        (Some(n), None) => Redirect::to(&format!("/console/tickets/{n}")).into_response(),
        _ => Redirect::to("/console/tickets").into_response(),
    }
}

async fn again(
    state: &AppState,
    form: &ConsoleForm,
    errors: &FieldErrors,
) -> Result<Response, ConsoleError> {
    let categories = categories::list_active(&state.db).await?;
    let employees = employee_admin::active_names(&state.db).await?;
    let values = |field: &str| form.text(field).to_owned();
    Ok((
        StatusCode::UNPROCESSABLE_ENTITY,
        page(&form.staff, &categories, &employees, &values, errors),
    )
        .into_response())
}

fn page(
    staff: &Staff,
    categories: &[Category],
    employees: &[(i64, String)],
    value: &dyn Fn(&str) -> String,
    errors: &FieldErrors,
) -> Markup {
    let text = |label: &str, field: &str, kind: &str, required: bool| {
        html! {
            div.field {
                label for=(field) { (label) @if !required { " " span.muted { "(任意)" } } }
                input id=(field) name=(field) type=(kind) value=(value(field)) required[required]
                    aria-invalid=[errors.contains_key(field).then_some("true")];
                (field_errors(errors, field))
            }
        }
    };
    let chosen = |field: &str, option: &str| value(field) == option;
    let body = html! {
        h1 { "電話・メールの手動登録" }
        @if !errors.is_empty() { div.flash.flash-error role="alert" { "入力内容をご確認ください。" (field_errors(errors, "form")) } }
        form #phone-form.stack method="post" action="/console/phone" {
            (csrf_field(staff))
            input type="hidden" name="form_token" value=(Uuid::new_v4());
            fieldset {
                legend { "受付経路" }
                label.inline { input type="radio" name="channel" value="phone" checked[value("channel") != "email"]; " 電話" }
                label.inline { input type="radio" name="channel" value="email" checked[chosen("channel", "email")]; " メール" }
                (field_errors(errors, "channel"))
            }
            div.field {
                label for="category_id" { "カテゴリ" }
                select #category_id name="category_id" required {
                    option value="" { "選択してください" }
                    @for c in categories { option value=(c.id) selected[chosen("category_id", &c.id.to_string())] { (c.name) } }
                }
                (field_errors(errors, "category_id"))
            }
            (text("お客様のお名前", "customer_name", "text", true))
            (text("メールアドレス (電話では任意)", "customer_email", "email", false))
            (text("注文番号", "order_number", "text", false))
            (text("件名", "subject", "text", true))
            div.field {
                label for="body" { "内容" }
                textarea #body name="body" rows="8" required { (value("body")) }
                (field_errors(errors, "body"))
            }
            div.row {
                div.field {
                    label for="assignee" { "担当者" }
                    select #assignee name="assignee" {
                        option value="" { "未割当" }
                        option value="me" selected[chosen("assignee", "me")] { "自分" }
                        @for (id, name) in employees { option value=(id) selected[chosen("assignee", &id.to_string())] { (name) } }
                    }
                    (field_errors(errors, "assignee"))
                }
                div.field {
                    label for="status" { "ステータス" }
                    select #status name="status" {
                        @for s in [Status::New, Status::InProgress, Status::Resolved] {
                            option value=(s.as_str()) selected[chosen("status", s.as_str())] { (s.label_ja()) }
                        }
                    }
                    (field_errors(errors, "status"))
                }
                div.field {
                    label for="priority" { "優先度" }
                    select #priority name="priority" {
                        @for p in Priority::ALL {
                            option value=(p.as_str()) selected[chosen("priority", p.as_str()) || (value("priority").is_empty() && p == Priority::Medium)] { (p.label_ja()) }
                        }
                    }
                    (field_errors(errors, "priority"))
                }
            }
            button type="submit" { "登録する" }
        }
    };
    layout::page(staff, "電話・メールの手動登録", body)
}
