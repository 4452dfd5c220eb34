//! The console's page shell and the small pieces every page shares. maud
//! escapes every value it renders, so customer text is always shown as text.

use command_api::employees::Role;
use maud::{DOCTYPE, Markup, html};

use super::assets;
use super::auth::Staff;

/// The page shell for signed-in employees: navigation, flash message, and
/// the keyboard-shortcut help.
pub fn page(staff: &Staff, title: &str, body: Markup) -> Markup {
    let role = staff.employee.role;
    html! {
        (DOCTYPE)
        html lang="ja" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                meta name="csrf-token" content=(staff.csrf);
                title { (title) " | 窓口" }
                link rel="stylesheet" href=(assets::css_url());
                script src=(assets::js_url()) defer {}
            }
            body {
                a.skip href="#main" { "本文へ移動" }
                header.topbar {
                    a.brand href="/console/tickets" { "窓口" }
                    nav aria-label="メインメニュー" {
                        a href="/console/tickets" { "お問い合わせ一覧" }
                        a href="/console/dashboard" { "ダッシュボード" }
                        a href="/console/phone" { "電話受付" }
                        @if role >= Role::Supervisor {
                            a href="/console/analytics" { "分析" }
                            a href="/console/canned-replies" { "定型文" }
                            a href="/console/triage-rules" { "自動振り分け" }
                        }
                        @if role >= Role::Admin {
                            a href="/console/admin/employees" { "社員管理" }
                            a href="/console/admin/categories" { "カテゴリ管理" }
                            a href="/console/admin/sla" { "SLA設定" }
                            a href="/console/admin/customers/erase" { "個人情報の削除" }
                        }
                    }
                    div.me {
                        a href="/console/password" title="パスワード変更" { (staff.employee.display_name) }
                        span.role { (role.label_ja()) }
                        form #logout-form method="post" action="/logout" {
                            (csrf_field(staff))
                            button.link type="submit" { "ログアウト" }
                        }
                    }
                }
                main #main {
                    @if let Some(flash) = &staff.flash {
                        @if flash.ok {
                            div.flash.flash-ok role="status" { (flash.message) }
                        } @else {
                            div.flash.flash-error role="alert" { (flash.message) }
                        }
                    }
                    (body)
                }
                (shortcut_help())
            }
        }
    }
}

/// A page without navigation: login, errors.
pub fn bare(title: &str, message: &str) -> Markup {
    shell(
        title,
        html! {
            h1 { (title) }
            p { (message) }
            p { a href="/console/tickets" { "お問い合わせ一覧へ戻る" } }
        },
    )
}

pub fn shell(title: &str, body: Markup) -> Markup {
    html! {
        (DOCTYPE)
        html lang="ja" {
            head {
                meta charset="utf-8";
                meta name="viewport" content="width=device-width, initial-scale=1";
                title { (title) " | 窓口" }
                link rel="stylesheet" href=(assets::css_url());
            }
            body.bare { main #main { (body) } }
        }
    }
}

fn shortcut_help() -> Markup {
    html! {
        dialog #shortcut-help aria-labelledby="shortcut-help-title" {
            h2 #shortcut-help-title { "キーボードショートカット" }
            dl {
                dt { kbd { "j" } " / " kbd { "k" } } dd { "次 / 前のお問い合わせを選択" }
                dt { kbd { "Enter" } " / " kbd { "o" } } dd { "選択中のお問い合わせを開く" }
                dt { kbd { "/" } } dd { "検索欄へ移動" }
                dt { kbd { "?" } } dd { "このヘルプを表示" }
            }
            form method="dialog" { button type="submit" { "閉じる" } }
        }
    }
}

pub fn csrf_field(staff: &Staff) -> Markup {
    html! { input type="hidden" name="csrf" value=(staff.csrf); }
}

pub fn status_badge(status: &str) -> Markup {
    let label = status
        .parse::<domain::Status>()
        .map_or(status, |s| s.label_ja());
    html! { span class={ "status status-" (status) } { (label) } }
}

pub fn priority_badge(priority: &str) -> Markup {
    let label = priority
        .parse::<domain::Priority>()
        .map_or(priority, |p| p.label_ja());
    html! { span class={ "priority priority-" (priority) } { (label) } }
}

pub fn channel_label(channel: &str) -> &str {
    channel
        .parse::<domain::Channel>()
        .map_or(channel, |c| c.label_ja())
}

/// Field errors under a form control.
pub fn field_errors(errors: &command_api::http::error::FieldErrors, field: &str) -> Markup {
    html! {
        @for message in errors.get(field).into_iter().flatten() {
            p.error id={ (field) "-error" } { (message) }
        }
    }
}
