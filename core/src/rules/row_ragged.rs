//! `row.ragged`: a row with a different number of cells than the header.
//!
//! Why: extra filled cells mean a value was split or shifted (an unquoted
//! delimiter in a name or consent text), so every later column may hold the
//! wrong data: an error. Missing trailing cells are read as empty: a warning.
//!
//! Example: `+447911123456,Smith, Ana,2025-01-05` under the header
//! `phone,name,opt_in_at`: the unquoted comma in the name makes four cells.

use super::{Check, Context, Findings, Fix, Needs, Row, Rule};
use crate::code::Code;

pub(super) const RULE: Rule = Rule {
    code: Code::RowRagged,
    fix: Fix::same(
        "Put quotes around values that contain the delimiter (or re-export the file from your tool) so every row has one cell per column.",
    ),
    needs: Needs::Nothing,
    check: Check::Row(check),
};

fn check(row: &Row<'_>, ctx: &Context, out: &mut Findings) {
    let cells = row.record.len();
    if cells > ctx.width {
        let extra_filled =
            (ctx.width..cells).any(|i| row.record.get(i).is_some_and(|c| !c.trim().is_empty()));
        if extra_filled {
            out.error(
                Code::RowRagged,
                None,
                format!("has {cells} cells but the header has {}: values may have shifted into the wrong columns", ctx.width),
            );
        }
    } else if cells < ctx.width {
        out.warning(
            Code::RowRagged,
            None,
            format!(
                "has {cells} cells but the header has {}: the missing cells are read as empty",
                ctx.width
            ),
        );
    }
}
