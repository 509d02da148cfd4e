//! `header.duplicate`: two columns whose headers read the same (case, spaces
//! and punctuation ignored) where one of them feeds a profile field.
//!
//! Why: which of the two holds the data is unknown, and a guess would judge
//! every row on the wrong column. The refusal names both columns and points
//! at the first.
//!
//! Example: `Phone,Name,phone`.

use super::{Check, Fix, Header, Needs, Rule};
use crate::code::Code;
use crate::error::{CheckError, Position};
use crate::text::{column_letter, squash};

pub(super) const RULE: Rule = Rule {
    code: Code::HeaderDuplicate,
    fix: Fix {
        cli: "Rename or delete one of the two columns, or map the right one explicitly (--map field=Header).",
        app: "Rename or delete one of the two columns, or choose the right one for the field on the Map step.",
    },
    needs: Needs::Nothing,
    check: Check::Header(check),
};

fn check(header: &Header<'_>) -> Result<(), CheckError> {
    let Some(header_row) = header.row else {
        return Ok(());
    };
    let cells = header.cells;
    for (f, column) in header.fields.iter().enumerate() {
        let Some(column) = *column else { continue };
        let key = squash(&cells[column]);
        let twin = cells
            .iter()
            .enumerate()
            .find(|(c, h)| *c != column && !key.is_empty() && squash(h) == key);
        if let Some((other, _)) = twin {
            let (first, second) = (column.min(other), column.max(other));
            return Err(CheckError::refused_at(
                Code::HeaderDuplicate,
                Position::cell(header_row, first),
                format!(
                    "columns {} (`{}`) and {} (`{}`) have the same name, so it is unclear which holds {}",
                    column_letter(first),
                    cells[first],
                    column_letter(second),
                    cells[second],
                    header.profile.fields[f].name
                ),
            ));
        }
    }
    Ok(())
}
