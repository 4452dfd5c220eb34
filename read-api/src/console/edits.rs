//! Edits of reference data (employees, categories, 定型文) end one of three
//! ways: saved, refused with a message the admin can act on, or failed in a
//! way that is not theirs to fix. [`sorted`] tells them apart once for all.

use command_api::canned_replies::CannedError;
use command_api::categories::CategoryError;
use command_api::employee_admin::AdminError;
use command_api::employees::EmployeeError;

use super::error::ConsoleError;

pub trait Refusal: std::fmt::Display {
    /// The failure as a console error when it is not the user's to fix.
    fn unexpected(self) -> Result<Self, ConsoleError>
    where
        Self: Sized;
}

/// `Ok(Ok(()))` saved, `Ok(Err(message))` refused, `Err` anything else.
pub fn sorted<E: Refusal>(result: Result<(), E>) -> Result<Result<(), String>, ConsoleError> {
    match result {
        Ok(()) => Ok(Ok(())),
        Err(error) => error.unexpected().map(|refusal| Err(refusal.to_string())),
    }
}

impl Refusal for CategoryError {
    fn unexpected(self) -> Result<Self, ConsoleError> {
        match self {
            CategoryError::NotFound => Err(ConsoleError::NotFound),
            CategoryError::Database(e) => Err(e.into()),
            refusal => Ok(refusal),
        }
    }
}

impl Refusal for CannedError {
    fn unexpected(self) -> Result<Self, ConsoleError> {
        match self {
            CannedError::NotFound => Err(ConsoleError::NotFound),
            CannedError::Database(e) => Err(e.into()),
            refusal => Ok(refusal),
        }
    }
}

impl Refusal for AdminError {
    fn unexpected(self) -> Result<Self, ConsoleError> {
        match self {
            AdminError::NotFound => Err(ConsoleError::NotFound),
            AdminError::Database(e) | AdminError::Invalid(EmployeeError::Database(e)) => {
                Err(e.into())
            }
            AdminError::Invalid(EmployeeError::Hash(e)) => {
                Err(ConsoleError::Internal(anyhow::anyhow!(e)))
            }
            refusal => Ok(refusal),
        }
    }
}
