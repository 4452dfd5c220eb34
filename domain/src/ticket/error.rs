//! Why a command was refused. The texts are shown to agents as they are.

use super::Status;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TicketError {
    #[error("お問い合わせが見つかりません。")]
    NotOpened,
    #[error("このお問い合わせはすでに登録されています。")]
    AlreadyOpened,
    #[error("ステータスを「{}」から「{}」に変更することはできません。", from.label_ja(), to.label_ja())]
    IllegalTransition { from: Status, to: Status },
    #[error("クローズ済みのお問い合わせには返信できません。再オープンしてから返信してください。")]
    ReplyOnClosed,
    #[error("クローズ済みのお問い合わせにはお客様のメッセージを追加できません。")]
    MessageOnClosed,
    #[error("お客様のメールアドレスが登録されていないため、メールで返信できません。")]
    NoCustomerEmail,
    #[error("該当する返信が見つかりません。")]
    UnknownReply,
    #[error("電話以外の受付にはお客様のメールアドレスが必要です。")]
    EmailRequired,
    #[error("このお客様の個人情報は削除済みのため、返信・メモ・メッセージの追加はできません。")]
    Erased,
    #[error(
        "このお問い合わせは個人情報の暗号化前に登録されたため、鍵の削除による消去はできません。"
    )]
    NotSealed,
}
