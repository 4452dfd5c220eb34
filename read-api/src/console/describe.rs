//! Every ticket event in words, as people read the history: what was done,
//! and the value before and after.

use std::collections::HashMap;

use domain::TicketEvent;
use domain::sla::SlaKind;

pub struct Described {
    pub action: &'static str,
    pub from: Option<String>,
    pub to: Option<String>,
}

fn did(action: &'static str) -> Described {
    Described {
        action,
        from: None,
        to: None,
    }
}

fn changed(action: &'static str, from: impl Into<String>, to: impl Into<String>) -> Described {
    Described {
        action,
        from: Some(from.into()),
        to: Some(to.into()),
    }
}

pub fn describe(event: &TicketEvent, names: &HashMap<i64, String>) -> Described {
    let name = |id: i64| names.get(&id).cloned().unwrap_or_else(|| format!("#{id}"));
    match event {
        TicketEvent::TicketOpened { channel, .. } => Described {
            action: "受付",
            from: None,
            to: Some(channel.label_ja().to_owned()),
        },
        TicketEvent::StatusChanged { from, to } => {
            changed("ステータス変更", from.label_ja(), to.label_ja())
        }
        TicketEvent::PriorityChanged { from, to } => {
            changed("優先度変更", from.label_ja(), to.label_ja())
        }
        TicketEvent::PriorityRaised {
            from, to, matched, ..
        } => Described {
            action: "優先度の自動引き上げ",
            from: Some(from.label_ja().to_owned()),
            to: Some(format!("{} (判定語: {matched})", to.label_ja())),
        },
        TicketEvent::TicketAssigned { from, to } => changed(
            "担当者変更",
            from.map_or_else(|| "未割当".to_owned(), name),
            name(*to),
        ),
        TicketEvent::TicketUnassigned { from } => changed("担当者変更", name(*from), "未割当"),
        TicketEvent::InternalNoteAdded { .. } => did("社内メモ追加"),
        TicketEvent::ReplyQueued { .. } => did("返信作成 (送信待ち)"),
        TicketEvent::ReplyDelivered { .. } => did("返信送信済み"),
        TicketEvent::ReplyDeliveryFailed { permanent, .. } => did(if *permanent {
            "返信送信失敗"
        } else {
            "返信送信の再試行"
        }),
        TicketEvent::CustomerMessageReceived { .. } => did("お客様メッセージ受信"),
        TicketEvent::AcknowledgementSent { .. } => did("受付確認メール送信"),
        TicketEvent::SlaBreached { kind, .. } => did(match kind {
            SlaKind::FirstResponse => "初回回答期限超過",
            SlaKind::Resolution => "解決期限超過",
        }),
        TicketEvent::TicketClosed {} => did("クローズ"),
        TicketEvent::TicketReopened {} => did("再オープン"),
        TicketEvent::TicketLabelled {
            tag,
            assignee_group,
            ..
        } => Described {
            action: "自動振り分け",
            from: None,
            to: Some(labels_ja(tag.as_deref(), assignee_group.as_deref())),
        },
        TicketEvent::CustomerDataErased { reason, .. } => Described {
            action: "個人情報の削除",
            from: None,
            to: Some(reason.label_ja().to_owned()),
        },
    }
}

/// 「タグ「返金」、担当グループ「返金チーム」」.
pub fn labels_ja(tag: Option<&str>, assignee_group: Option<&str>) -> String {
    let parts: Vec<String> = [("タグ", tag), ("担当グループ", assignee_group)]
        .into_iter()
        .filter_map(|(name, label)| label.map(|l| format!("{name}「{l}」")))
        .collect();
    parts.join("、")
}

/// One line: 「ステータス変更: 未対応 → 対応中」.
pub fn one_line(described: &Described) -> String {
    match (&described.from, &described.to) {
        (Some(from), Some(to)) => format!("{}: {from} → {to}", described.action),
        (None, Some(to)) => format!("{}: {to}", described.action),
        _ => described.action.to_owned(),
    }
}
