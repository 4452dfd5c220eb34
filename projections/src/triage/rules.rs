//! Triage rules: loading them, and deciding which one an inquiry matches.

use command_api::db::Db;
use command_api::on_pool;
use domain::{Channel, Priority};
use tracing::instrument;

use crate::search::fold_for_matching;

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub id: i64,
    pub name: String,
    /// Already folded for matching.
    pub keywords: Vec<String>,
    pub priority: Priority,
    pub tag: String,
    pub category_id: Option<i64>,
    pub channel: Option<Channel>,
    /// Matches only when the customer's previous inquiry is this recent.
    pub repeat_within_days: Option<i64>,
    /// The team a matching ticket is labelled for.
    pub assignee_group: Option<String>,
}

#[derive(sqlx::FromRow)]
struct RuleRow {
    id: i64,
    name: String,
    keywords: String,
    priority: String,
    tag: String,
    category_id: Option<i64>,
    channel: Option<String>,
    repeat_within_days: Option<i64>,
    assignee_group: Option<String>,
}

/// The active rules, read afresh each time so edits apply without a restart.
#[instrument(skip(db))]
pub async fn load_active(db: &Db) -> Result<Vec<Rule>, sqlx::Error> {
    let rows: Vec<RuleRow> = on_pool!(db, pool => sqlx::query_as(
        "SELECT id, name, keywords, priority, tag, category_id, channel, CAST(repeat_within_days AS SIGNED) AS repeat_within_days, assignee_group FROM triage_rules WHERE active = TRUE ORDER BY id",
    )
    .fetch_all(pool)
    .await)?;
    Ok(rows
        .into_iter()
        .filter_map(|row| {
            Some(Rule {
                id: row.id,
                keywords: row
                    .keywords
                    .lines()
                    .map(str::trim)
                    .filter(|k| !k.is_empty())
                    .map(fold_for_matching)
                    .collect(),
                priority: row.priority.parse().ok()?,
                channel: row.channel.as_deref().and_then(|c| c.parse().ok()),
                name: row.name,
                tag: row.tag,
                category_id: row.category_id,
                repeat_within_days: row.repeat_within_days,
                assignee_group: row.assignee_group,
            })
        })
        .collect())
}

/// What a rule matched on, for the audit trail.
#[derive(Debug, Clone, PartialEq)]
pub struct Verdict<'a> {
    pub rule: &'a Rule,
    pub matched: String,
}

/// What is known about the inquiry besides its text.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Facts {
    pub category_id: Option<i64>,
    pub channel: Option<Channel>,
    /// Whole days since the same customer's previous inquiry was opened;
    /// `None` for a first contact, and for later messages on a ticket.
    pub days_since_previous: Option<i64>,
}

/// The most urgent rule the text satisfies, if any. A rule with keywords
/// needs one of them in the text; a category, channel or repeat-contact
/// window, when set, must also agree.
pub fn judge<'a>(rules: &'a [Rule], text: &str, facts: Facts) -> Option<Verdict<'a>> {
    let folded = fold_for_matching(text);
    rules
        .iter()
        .filter(|rule| {
            rule.category_id
                .is_none_or(|c| Some(c) == facts.category_id)
        })
        .filter(|rule| rule.channel.is_none_or(|c| Some(c) == facts.channel))
        .filter(|rule| {
            rule.repeat_within_days
                .is_none_or(|window| facts.days_since_previous.is_some_and(|d| d <= window))
        })
        .filter_map(|rule| {
            if rule.keywords.is_empty() {
                // A rule of conditions alone (a category, a channel, a repeat).
                let matched = match rule.repeat_within_days {
                    Some(window) => format!("{window}日以内の再問い合わせ"),
                    None => rule.name.clone(),
                };
                return (rule.category_id.is_some()
                    || rule.channel.is_some()
                    || rule.repeat_within_days.is_some())
                .then_some(Verdict { rule, matched });
            }
            rule.keywords
                .iter()
                .find(|k| folded.contains(k.as_str()))
                .map(|k| Verdict {
                    rule,
                    matched: k.clone(),
                })
        })
        .max_by_key(|verdict| (verdict.rule.priority, std::cmp::Reverse(verdict.rule.id)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(id: i64, keywords: &[&str], priority: Priority) -> Rule {
        Rule {
            id,
            name: format!("rule {id}"),
            keywords: keywords.iter().map(|k| fold_for_matching(k)).collect(),
            priority,
            tag: String::new(),
            category_id: None,
            channel: None,
            repeat_within_days: None,
            assignee_group: None,
        }
    }

    fn facts(channel: Option<Channel>) -> Facts {
        Facts {
            channel,
            ..Facts::default()
        }
    }

    #[test]
    fn matches_across_kana_and_width_and_prefers_the_most_urgent_rule() {
        let rules = [
            rule(1, &["返金", "へんきん"], Priority::High),
            rule(2, &["発火"], Priority::Urgent),
        ];
        assert_eq!(
            judge(&rules, "ﾍﾝｷﾝしてください", facts(None)).map(|v| v.rule.id),
            Some(1)
        );
        assert_eq!(
            judge(&rules, "返金と、充電中に発火しました", facts(None))
                .map(|v| (v.rule.id, v.matched)),
            Some((2, "発火".into()))
        );
        assert!(judge(&rules, "サイズの質問です", facts(None)).is_none());
    }

    #[test]
    fn conditions_must_agree() {
        let mut phone_only = rule(3, &["至急"], Priority::High);
        phone_only.channel = Some(Channel::Phone);
        let rules = [phone_only];
        assert!(judge(&rules, "至急お願いします", facts(Some(Channel::Form))).is_none());
        assert!(judge(&rules, "至急お願いします", facts(Some(Channel::Phone))).is_some());
    }

    #[test]
    fn a_repeat_contact_matches_only_within_its_window() {
        let mut repeat = rule(4, &[], Priority::High);
        repeat.repeat_within_days = Some(7);
        let rules = [repeat];
        let after = |days| Facts {
            days_since_previous: days,
            ..Facts::default()
        };
        assert_eq!(
            judge(&rules, "サイズの質問です", after(Some(3))).map(|v| v.matched),
            Some("7日以内の再問い合わせ".into())
        );
        assert!(judge(&rules, "サイズの質問です", after(Some(7))).is_some());
        assert!(judge(&rules, "サイズの質問です", after(Some(8))).is_none());
        assert!(
            judge(&rules, "サイズの質問です", after(None)).is_none(),
            "a first contact"
        );
    }
}
