//! The conversation on the detail page: customer messages, our replies with
//! their delivery state, internal notes styled so nobody mistakes them for
//! mail, and the smaller changes as one-line activity.

use std::collections::HashMap;

use command_api::db::from_micros;
use maud::{Markup, html};
use serde_json::Value;

use crate::queries::detail::{Entry, actor_name};
use crate::queries::jst;

pub fn render(entries: &[Entry], names: &HashMap<i64, String>) -> Markup {
    html! {
        ol.thread {
            @for entry in entries {
                li { (item(entry, names)) }
            }
        }
    }
}

fn item(entry: &Entry, names: &HashMap<i64, String>) -> Markup {
    let data: Value = serde_json::from_str(&entry.data).unwrap_or(Value::Null);
    let who = actor_name(&entry.actor, names);
    let when = jst(from_micros(entry.occurred_at));
    let body = entry.body.as_deref().unwrap_or_default();
    match entry.kind.as_str() {
        "opened" | "customer_message" => html! {
            article.entry.customer {
                header {
                    span.label { "お客様" }
                    @if let Some(from) = data.get("from").and_then(Value::as_str) { " " span.muted { (from) } }
                    time { (when) }
                }
                @if let Some(subject) = data.get("subject").and_then(Value::as_str) { p.subject { (subject) } }
                (folded(body))
                @if let Some(files) = data.get("attachments").and_then(Value::as_array).filter(|a| !a.is_empty()) {
                    ul.attachments {
                        @for file in files {
                            li {
                                "📎 " (file.get("name").and_then(Value::as_str).unwrap_or("添付ファイル"))
                                @if file.get("stored").and_then(Value::as_bool) == Some(false) {
                                    " " span.muted { "(上限を超えたため、原本メールにのみ保管しています)" }
                                }
                            }
                        }
                    }
                }
            }
        },
        "reply" => {
            let (class, label) = match entry.delivery.as_deref() {
                Some("sent") => ("delivery delivery-sent", "送信済み"),
                Some("failed") => ("delivery delivery-failed", "送信失敗"),
                Some("retrying") => ("delivery delivery-queued", "送信待ち (再送中)"),
                _ => ("delivery delivery-queued", "送信待ち"),
            };
            html! {
                article.entry.reply {
                    header {
                        span.label { "返信" } " " (who)
                        " " span class=(class) { (label) }
                        time { (when) }
                    }
                    @if let Some(subject) = data.get("subject").and_then(Value::as_str) { p.subject { (subject) } }
                    div.body { (body) }
                }
            }
        }
        "note" => html! {
            article.entry.note {
                header { span.label { "社内メモ" } " " (who) time { (when) } }
                div.body { (body) }
            }
        },
        _ => html! {
            div.activity { time { (when) } " " (who) ": " (activity(&entry.kind, &data)) }
        },
    }
}

fn activity(kind: &str, data: &Value) -> String {
    let text = |key: &str| data.get(key).and_then(Value::as_str).unwrap_or("");
    match kind {
        "status" => format!(
            "ステータスを「{}」→「{}」に変更",
            status_label(text("from")),
            status_label(text("to"))
        ),
        "priority" => format!(
            "優先度を「{}」→「{}」に変更",
            priority_label(text("from")),
            priority_label(text("to"))
        ),
        "assigned" => "担当者を割り当て".to_owned(),
        "unassigned" => "担当者を解除".to_owned(),
        "acknowledged" => "受付確認メールを送信".to_owned(),
        "sla_breached" => match text("kind") {
            "resolution" => "解決期限を超過".to_owned(),
            _ => "初回回答期限を超過".to_owned(),
        },
        "labelled" => format!(
            "自動振り分け: {}",
            crate::console::describe::labels_ja(
                data.get("tag").and_then(Value::as_str),
                data.get("assignee_group").and_then(Value::as_str)
            )
        ),
        "erased" => format!(
            "お客様の個人情報を削除 ({})",
            domain::ticket::ErasureReason::parse(text("reason")).map_or("?", |r| r.label_ja())
        ),
        other => other.to_owned(),
    }
}

fn status_label(raw: &str) -> &'static str {
    raw.parse::<domain::Status>().map_or("?", |s| s.label_ja())
}

fn priority_label(raw: &str) -> &'static str {
    raw.parse::<domain::Priority>()
        .map_or("?", |p| p.label_ja())
}

/// Quoted history (lines starting with `>`, or everything after a
/// 「…wrote:」 line) folds away, so the new part of a mail is what shows.
fn folded(body: &str) -> Markup {
    let lines: Vec<&str> = body.lines().collect();
    let start = lines.iter().position(|line| {
        let t = line.trim();
        t.starts_with('>')
            || t.starts_with("-----Original Message-----")
            || (t.starts_with("On ") && t.ends_with("wrote:"))
            || t.ends_with("のメール:")
            || t.ends_with("書きました:")
            || t.ends_with("書きました：")
    });
    match start {
        Some(at) if at > 0 => {
            let (new, quoted) = lines.split_at(at);
            html! {
                div.body { (new.join("\n").trim_end()) }
                details.quoted {
                    summary { "引用部分を表示" }
                    div.body { (quoted.join("\n")) }
                }
            }
        }
        _ => html! { div.body { (body) } },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoted_history_is_folded_and_escaped() {
        let html = folded("ありがとうございます。\n<b>太字</b>\n\n2026/11/27 10:00 サポート のメール:\n> 以前の回答").into_string();
        assert!(html.contains("<details class=\"quoted\">"), "{html}");
        assert!(html.contains("&lt;b&gt;太字&lt;/b&gt;"), "{html}");
        assert!(html.find("以前の回答") > html.find("<details"), "{html}");
    }

    #[test]
    fn a_mail_that_is_all_quote_is_shown_whole() {
        let html = folded("> only quoted").into_string();
        assert!(!html.contains("details"), "{html}");
    }
}
