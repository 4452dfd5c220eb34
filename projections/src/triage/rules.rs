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
}

/// The active rules, read afresh each time so edits apply without a restart.
#[instrument(skip(db))]
pub async fn load_active(db: &Db) -> Result<Vec<Rule>, sqlx::Error> {
    let rows: Vec<RuleRow> = on_pool!(db, pool => sqlx::query_as(
        "SELECT id, name, keywords, priority, tag, category_id, channel FROM triage_rules WHERE active = TRUE ORDER BY id",
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

/// The most urgent rule the text satisfies, if any. A rule with keywords
/// needs one of them in the text; a category or channel, when set, must
/// also agree.
pub fn judge<'a>(
    rules: &'a [Rule],
    text: &str,
    category_id: Option<i64>,
    channel: Option<Channel>,
) -> Option<Verdict<'a>> {
    let folded = fold_for_matching(text);
    rules
        .iter()
        .filter(|rule| rule.category_id.is_none_or(|c| Some(c) == category_id))
        .filter(|rule| rule.channel.is_none_or(|c| Some(c) == channel))
        .filter_map(|rule| {
            if rule.keywords.is_empty() {
                // A rule of conditions alone (a category, a channel).
                return (rule.category_id.is_some() || rule.channel.is_some()).then(|| Verdict {
                    rule,
                    matched: rule.name.clone(),
                });
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
        }
    }

    #[test]
    fn matches_across_kana_and_width_and_prefers_the_most_urgent_rule() {
        let rules = [
            rule(1, &["返金", "へんきん"], Priority::High),
            rule(2, &["発火"], Priority::Urgent),
        ];
        assert_eq!(
            judge(&rules, "ﾍﾝｷﾝしてください", None, None).map(|v| v.rule.id),
            Some(1)
        );
        assert_eq!(
            judge(&rules, "返金と、充電中に発火しました", None, None)
                .map(|v| (v.rule.id, v.matched)),
            Some((2, "発火".into()))
        );
        assert!(judge(&rules, "サイズの質問です", None, None).is_none());
    }

    #[test]
    fn conditions_must_agree() {
        let mut phone_only = rule(3, &["至急"], Priority::High);
        phone_only.channel = Some(Channel::Phone);
        let rules = [phone_only];
        assert!(judge(&rules, "至急お願いします", None, Some(Channel::Form)).is_none());
        assert!(judge(&rules, "至急お願いします", None, Some(Channel::Phone)).is_some());
    }
}
