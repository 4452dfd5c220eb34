//! Status, priority and channel, with the allowed status moves.

use serde::{Deserialize, Serialize};

/// Where a ticket is in its life.
///
/// Allowed moves (everything else is refused):
///
/// | from \ to   | new | in_progress | resolved | closed |
/// |-------------|-----|-------------|----------|--------|
/// | new         |  –  |     yes     |    no    |  yes   |
/// | in_progress | no  |      –      |   yes    |  yes   |
/// | resolved    | no  |     yes     |    –     |  yes   |
/// | closed      | no  |   reopen    |    no    |   –    |
///
/// `new → closed` and `in_progress → closed` exist for spam and duplicates, which
/// are closed without an answer. Nothing ever returns to `new`: once someone has
/// looked at a ticket, that fact stays.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    #[default]
    New,
    InProgress,
    Resolved,
    Closed,
}

impl Status {
    pub const ALL: [Status; 4] = [
        Status::New,
        Status::InProgress,
        Status::Resolved,
        Status::Closed,
    ];

    pub fn can_move_to(self, to: Status) -> bool {
        use Status::*;
        matches!(
            (self, to),
            (New, InProgress)
                | (New, Closed)
                | (InProgress, Resolved)
                | (InProgress, Closed)
                | (Resolved, InProgress)
                | (Resolved, Closed)
                | (Closed, InProgress)
        )
    }

    /// The moves offered to an agent from this status.
    pub fn next(self) -> impl Iterator<Item = Status> {
        Status::ALL
            .into_iter()
            .filter(move |to| self.can_move_to(*to))
    }

    pub fn label_ja(self) -> &'static str {
        match self {
            Status::New => "未対応",
            Status::InProgress => "対応中",
            Status::Resolved => "対応完了",
            Status::Closed => "クローズ",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Status::New => "new",
            Status::InProgress => "in_progress",
            Status::Resolved => "resolved",
            Status::Closed => "closed",
        }
    }

    /// Open tickets are the backlog: anything not resolved or closed.
    pub fn is_open(self) -> bool {
        matches!(self, Status::New | Status::InProgress)
    }
}

/// How soon a ticket needs attention. Ordered from low to urgent.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, Default,
)]
#[serde(rename_all = "snake_case")]
pub enum Priority {
    Low,
    #[default]
    Medium,
    High,
    Urgent,
}

impl Priority {
    pub const ALL: [Priority; 4] = [
        Priority::Low,
        Priority::Medium,
        Priority::High,
        Priority::Urgent,
    ];

    pub fn label_ja(self) -> &'static str {
        match self {
            Priority::Low => "低",
            Priority::Medium => "中",
            Priority::High => "高",
            Priority::Urgent => "緊急",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Priority::Low => "low",
            Priority::Medium => "medium",
            Priority::High => "high",
            Priority::Urgent => "urgent",
        }
    }

    /// A number that sorts urgent first when descending; stored in read models.
    pub fn rank(self) -> i64 {
        match self {
            Priority::Low => 1,
            Priority::Medium => 2,
            Priority::High => 3,
            Priority::Urgent => 4,
        }
    }
}

/// How an inquiry reached us.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Form,
    Email,
    Phone,
}

impl Channel {
    pub fn label_ja(self) -> &'static str {
        match self {
            Channel::Form => "フォーム",
            Channel::Email => "メール",
            Channel::Phone => "電話",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Form => "form",
            Channel::Email => "email",
            Channel::Phone => "phone",
        }
    }

    /// Phone inquiries get no acknowledgement mail: the customer was on the line.
    pub fn acknowledges(self) -> bool {
        !matches!(self, Channel::Phone)
    }
}

macro_rules! from_str_via_as_str {
    ($ty:ty) => {
        impl std::str::FromStr for $ty {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <$ty>::ALL_VALUES
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == s)
                    .ok_or_else(|| UnknownValue(s.to_owned()))
            }
        }
    };
}

/// A status, priority or channel name that does not exist.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` は選択できない値です。")]
pub struct UnknownValue(pub String);

impl Status {
    const ALL_VALUES: [Status; 4] = Status::ALL;
}
impl Priority {
    const ALL_VALUES: [Priority; 4] = Priority::ALL;
}
impl Channel {
    const ALL_VALUES: [Channel; 3] = [Channel::Form, Channel::Email, Channel::Phone];
}
from_str_via_as_str!(Status);
from_str_via_as_str!(Priority);
from_str_via_as_str!(Channel);
