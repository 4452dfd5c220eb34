//! Parsed values. Each constructor checks the rule once; afterwards the value is
//! trusted everywhere. Error texts are Japanese because they are shown to
//! customers and agents as they are.

mod email;
mod inquiry_number;
mod text;

pub use email::CustomerEmail;
pub use inquiry_number::{InquiryNumber, InquiryNumberError, JST};
pub use text::{Body, CustomerName, NoteBody, OrderNumber, Subject};

/// Why a typed-in value was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ValueError {
    #[error("入力してください。")]
    Required,
    #[error("{max}文字以内で入力してください。")]
    TooLong { max: usize },
    #[error("使用できない制御文字が含まれています。")]
    ControlCharacter,
    #[error("メールアドレスの形式が正しくありません。")]
    InvalidEmail,
}
