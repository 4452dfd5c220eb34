//! `/console/admin/customers/erase`: erasing a customer's personal data on
//! their request (APPI 第35条). Admins only; the address, a reason from a
//! fixed list and an explicit confirmation are required, because it cannot
//! be undone. The address is never echoed back into the page or a log.

use axum::Extension;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use command_api::employees::Role;
use command_api::http::AppState;
use domain::Actor;
use domain::ticket::ErasureReason;
use domain::values::CustomerEmail;
use maud::html;
use projections::erasure::Eraser;

use crate::console::ConsoleConfig;
use crate::console::auth::{ConsoleForm, Staff};
use crate::console::error::ConsoleError;
use crate::console::layout::{self, csrf_field};

const PATH: &str = "/console/admin/customers/erase";

#[derive(Default)]
struct Errors {
    email: Option<String>,
    reason: Option<&'static str>,
    confirm: Option<&'static str>,
}

pub async fn show(staff: Staff) -> Result<Response, ConsoleError> {
    staff.require(Role::Admin)?;
    Ok(page(&staff, &Errors::default(), None, StatusCode::OK))
}

fn page(
    staff: &Staff,
    errors: &Errors,
    reason: Option<ErasureReason>,
    status: StatusCode,
) -> Response {
    let body = html! {
        h1 { "個人情報の削除" }
        p {
            "お客様の氏名・メールアドレス・注文番号・件名・本文・メモ・返信・受信メールと添付ファイルを、すべてのお問い合わせから削除します。"
            "対応履歴(誰がいつ何をしたか)は残り、削除した箇所は「削除済み」と表示されます。"
        }
        p.flash.flash-error role="note" { "この操作は元に戻せません。" }
        form #erase-form.stack method="post" action=(PATH) novalidate {
            (csrf_field(staff))
            div.field {
                label for="email" { "お客様のメールアドレス" }
                input #email name="email" type="email" required maxlength="100" autocomplete="off"
                    aria-invalid=[errors.email.as_ref().map(|_| "true")]
                    aria-describedby=[errors.email.as_ref().map(|_| "email-error")];
                @if let Some(e) = &errors.email { p.field-error #email-error { (e) } }
            }
            div.field {
                label for="reason" { "削除の理由" }
                select #reason name="reason" required aria-invalid=[errors.reason.map(|_| "true")] {
                    option value="" { "選択してください" }
                    @for r in ErasureReason::ALL {
                        option value=(r.as_str()) selected[reason == Some(r)] { (r.label_ja()) }
                    }
                }
                @if let Some(e) = errors.reason { p.field-error { (e) } }
            }
            div.field {
                label {
                    input name="confirm" type="checkbox" value="yes";
                    " 元に戻せないことを確認しました"
                }
                @if let Some(e) = errors.confirm { p.field-error { (e) } }
            }
            button.danger type="submit" { "個人情報を削除する" }
        }
    };
    (status, layout::page(staff, "個人情報の削除", body)).into_response()
}

pub async fn submit(
    State(state): State<AppState>,
    Extension(config): Extension<ConsoleConfig>,
    form: ConsoleForm,
) -> Result<Response, ConsoleError> {
    form.staff.require(Role::Admin)?;
    let email = CustomerEmail::parse(form.text("email"));
    let reason = ErasureReason::parse(form.text("reason"));
    let confirmed = form.text("confirm") == "yes";
    let (Ok(email), Some(reason), true) = (&email, reason, confirmed) else {
        let errors = Errors {
            email: email.as_ref().err().map(ToString::to_string),
            reason: reason.is_none().then_some("削除の理由を選択してください。"),
            confirm: (!confirmed).then_some("元に戻せないことを確認してください。"),
        };
        return Ok(page(
            &form.staff,
            &errors,
            reason,
            StatusCode::UNPROCESSABLE_ENTITY,
        ));
    };
    let files = config.files.clone().ok_or_else(|| {
        ConsoleError::Internal(anyhow::anyhow!(
            "the console has no mail store to erase files from"
        ))
    })?;
    let eraser = Eraser::new(state.tickets.clone(), files);
    let done = eraser
        .erase_email(email, reason, Actor::Agent(form.staff.employee.id))
        .await
        .map_err(ConsoleError::Internal)?;
    let message = match done {
        Some(done) => format!(
            "お客様の個人情報を削除しました(お問い合わせ {} 件、保管メール {} 件)。",
            done.tickets, done.files
        ),
        None => {
            "このメールアドレスのお客様の個人情報は保存されていません(未登録、または削除済み)。"
                .to_owned()
        }
    };
    form.staff.flash(true, message).await?;
    Ok(Redirect::to(PATH).into_response())
}
