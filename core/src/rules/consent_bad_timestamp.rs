//! `consent.bad_timestamp`: a date or time (opt-in, confirmation, last
//! message) that cannot be read.
//!
//! Why: an unreadable date proves nothing about consent.
//!
//! Example: `opt_in_at = "last spring"`.

use super::{Check, Context, Findings, Fix, Needs, Row, Rule, Value};
use crate::code::Code;
use crate::normalize::date::DateProblem;
use crate::profile::FieldKind;

pub(super) const RULE: Rule = Rule {
    code: Code::ConsentBadTimestamp,
    fix: Fix {
        cli: "Write the date as 2025-03-05 14:30 (or declare your format with --date-format).",
        app: "Write the date as 2025-03-05 14:30, or choose your date format on the Start step (Date format).",
    },
    needs: Needs::Kind(FieldKind::Timestamp),
    check: Check::Row(check),
};

fn check(row: &Row<'_>, ctx: &Context, out: &mut Findings) {
    for (i, (column, value)) in row.fields.iter().enumerate() {
        if let Value::Instant(Err(DateProblem::Unreadable)) = value {
            out.error(
                Code::ConsentBadTimestamp,
                *column,
                format!(
                    "`{}` is not a date listgate can read ({})",
                    row.raw[i], ctx.profile.fields[i].name
                ),
            );
        }
    }
}
