//! The form's pages, in Japanese, with no script at all (the CSP allows none).

use maud::{DOCTYPE, Markup, html};

use crate::categories::Category;
use crate::http::error::FieldErrors;

const STYLE: &str = "body{font-family:system-ui,'Hiragino Sans','Noto Sans JP',sans-serif;max-width:40rem;margin:2rem auto;padding:0 1rem;line-height:1.7;color:#1f2933}\
label{display:block;font-weight:600;margin-top:1rem}input,select,textarea{width:100%;box-sizing:border-box;padding:.5rem;font:inherit;border:1px solid #9aa5b1;border-radius:4px}\
textarea{min-height:10rem}.error{color:#b42318;margin:.25rem 0 0}.invalid{border-color:#b42318}button{margin-top:1.5rem;padding:.6rem 2rem;font:inherit;background:#1d4ed8;color:#fff;border:0;border-radius:4px}\
.hp{position:absolute;left:-10000px}.note{color:#52606d;font-size:.9rem}.number{font-size:1.5rem;font-weight:700}";

pub fn layout(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="ja" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " | LifestyleMart" }
                style { (STYLE) }
            }
            body { main { (body) } }
        }
    }
}

/// What the customer typed, shown again after an error.
#[derive(Debug, Default, Clone)]
pub struct Values {
    pub category_id: String,
    pub order_number: String,
    pub subject: String,
    pub body: String,
    pub customer_name: String,
    pub customer_email: String,
}

fn errors_for(errors: &FieldErrors, field: &str) -> Markup {
    html! {
        @for message in errors.get(field).into_iter().flatten() {
            p.error id={ (field) "-error" } { (message) }
        }
    }
}

fn text_field(
    label: &str,
    field: &str,
    value: &str,
    kind: &str,
    autocomplete: &str,
    errors: &FieldErrors,
    required: bool,
) -> Markup {
    let invalid = errors.contains_key(field);
    html! {
        label for=(field) { (label) @if !required { " (任意)" } }
        input id=(field) name=(field) type=(kind) value=(value) autocomplete=(autocomplete) required[required]
            class=[invalid.then_some("invalid")] aria-invalid=[invalid.then_some("true")]
            aria-describedby=[invalid.then(|| format!("{field}-error"))];
        (errors_for(errors, field))
    }
}

pub fn form(categories: &[Category], values: &Values, errors: &FieldErrors, token: &str) -> Markup {
    let invalid_body = errors.contains_key("body");
    layout(
        "お問い合わせ",
        html! {
            h1 { "お問い合わせ" }
            p { "内容を確認のうえ、担当者よりメールでご連絡いたします。受付後に受付番号をお知らせします。" }
            @if !errors.is_empty() {
                p.error role="alert" { "入力内容をご確認ください。" }
            }
            (errors_for(errors, "form_token"))
            form method="post" action="/contact" novalidate {
                input type="hidden" name="form_token" value=(token);
                label for="category_id" { "カテゴリ" }
                select id="category_id" name="category_id" required aria-invalid=[errors.contains_key("category_id").then_some("true")] {
                    option value="" { "選択してください" }
                    @for category in categories {
                        option value=(category.id) selected[values.category_id == category.id.to_string()] { (category.name) }
                    }
                }
                (errors_for(errors, "category_id"))
                (text_field("注文番号", "order_number", &values.order_number, "text", "off", errors, false))
                (text_field("件名", "subject", &values.subject, "text", "off", errors, true))
                label for="body" { "お問い合わせ内容" }
                textarea id="body" name="body" required class=[invalid_body.then_some("invalid")] aria-invalid=[invalid_body.then_some("true")] { (values.body) }
                (errors_for(errors, "body"))
                (text_field("お名前", "customer_name", &values.customer_name, "text", "name", errors, true))
                (text_field("メールアドレス", "customer_email", &values.customer_email, "email", "email", errors, true))
                // Invisible to people; bots fill it in.
                div.hp aria-hidden="true" {
                    label for="website" { "ウェブサイト" }
                    input id="website" name="website" type="text" tabindex="-1" autocomplete="off";
                }
                button type="submit" { "送信する" }
            }
        },
    )
}

pub fn done(inquiry_number: Option<&str>) -> Markup {
    layout(
        "お問い合わせを受け付けました",
        html! {
            h1 { "お問い合わせを受け付けました" }
            @if let Some(number) = inquiry_number {
                p { "受付番号" }
                p.number { (number) }
            }
            p { "ご入力のメールアドレスに受付確認メールをお送りしました。担当者より順次ご連絡いたします。" }
            p.note { "受付確認メールが届かない場合は、迷惑メールフォルダをご確認ください。お問い合わせの際は受付番号をお知らせください。" }
        },
    )
}

pub fn too_many() -> Markup {
    layout(
        "しばらくお待ちください",
        html! {
            h1 { "しばらくお待ちください" }
            p { "短時間に多くのお問い合わせが送信されました。お手数ですが、時間をおいて再度お試しください。" }
        },
    )
}

pub fn refused() -> Markup {
    layout(
        "送信できませんでした",
        html! {
            h1 { "送信できませんでした" }
            p { "このページからは送信できません。お問い合わせフォームを開き直してから送信してください。" }
            p { a href="/contact" { "お問い合わせフォームへ" } }
        },
    )
}
