//! Why a check could not run: the whole file refused (with the code, and
//! where in the file when one place is to blame) or an option that cannot
//! be used. Imports only the codes.

use crate::code::Code;
use serde::{Deserialize, Serialize};
use std::fmt;

/// A place in the file as the merchant's spreadsheet shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Position {
    /// The spreadsheet row (1-based; the header is row 1 when it comes first).
    pub row: u64,
    /// The column, 0-based (`0` is column A), when one column is to blame.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<usize>,
}

impl Position {
    /// Row `row`, no column.
    pub const fn row(row: u64) -> Position {
        Position { row, column: None }
    }

    /// Row `row`, column `column` (0-based).
    pub const fn cell(row: u64, column: usize) -> Position {
        Position {
            row,
            column: Some(column),
        }
    }
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "row {}", self.row)?;
        if let Some(column) = self.column {
            write!(f, ", column {}", crate::text::column_letter(column))?;
        }
        Ok(())
    }
}

/// Why a check could not run or the file was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CheckError {
    /// The file is refused as a whole (exit code 2).
    #[error("{message} ({code})")]
    Refused {
        /// A file-level code such as `header.missing_required`.
        code: Code,
        /// What is wrong, naming columns or sizes.
        message: String,
        /// Where, when one row or cell is to blame.
        position: Option<Position>,
    },
    /// An option is not usable (unknown country, unknown mapping field…).
    #[error("{0}")]
    InvalidOption(String),
    /// The profile checks that each contact's consent wording names the
    /// business, and no business name was given.
    #[error(
        "the {profile} profile needs your business name: the platform refuses consent that does not name the brand the contact agreed to hear from, and listgate checks every row's wording for it"
    )]
    NeedsBusinessName {
        /// The profile's name.
        profile: String,
    },
    /// A check spread over workers (see [`crate::check::SpreadCheck`]) lost
    /// its way between them: not the file's fault.
    #[error("the check could not be shared between workers: {0}")]
    Worker(String),
}

impl CheckError {
    /// A refusal of the whole file, not tied to one place.
    pub(crate) fn refused(code: Code, message: impl Into<String>) -> CheckError {
        CheckError::Refused {
            code,
            message: message.into(),
            position: None,
        }
    }

    /// A refusal caused by the row or cell at `position`.
    pub(crate) fn refused_at(
        code: Code,
        position: Position,
        message: impl Into<String>,
    ) -> CheckError {
        CheckError::Refused {
            code,
            message: message.into(),
            position: Some(position),
        }
    }

    /// The refusal's code.
    pub fn code(&self) -> Option<Code> {
        match self {
            CheckError::Refused { code, .. } => Some(*code),
            CheckError::InvalidOption(_)
            | CheckError::NeedsBusinessName { .. }
            | CheckError::Worker(_) => None,
        }
    }

    /// Where the refusal points, if at one place.
    pub fn position(&self) -> Option<Position> {
        match self {
            CheckError::Refused { position, .. } => *position,
            CheckError::InvalidOption(_)
            | CheckError::NeedsBusinessName { .. }
            | CheckError::Worker(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn positions_read_as_a_spreadsheet_shows_them() {
        assert_eq!(Position::row(7).to_string(), "row 7");
        assert_eq!(Position::cell(7, 2).to_string(), "row 7, column C");
        let json = serde_json::to_string(&Position::cell(7, 2)).expect("json");
        assert_eq!(json, r#"{"row":7,"column":2}"#);
    }
}
