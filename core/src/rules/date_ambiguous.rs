//! `date.ambiguous`: a date such as `03/04/2025` reads as 3 April or March 4,
//! and nothing in the column settles which.
//!
//! Why: guessing wrong moves consent dates by months, which can make consent
//! look valid when it is stale, or the reverse. listgate never guesses.
//!
//! Example: a column of `03/04/2025`, `05/06/2025`, … with no day above 12 and no `--date-format`.

use super::{Check, Context, Findings, Fix, Needs, Row, Rule, Value};
use crate::code::Code;
use crate::normalize::date::DateProblem;

pub(super) const RULE: Rule = Rule {
    code: Code::DateAmbiguous,
    fix: Fix {
        cli: "Declare the column's date format (--date-format %d/%m/%Y or %m/%d/%Y), or write dates as 2025-04-03.",
        app: "Choose the column's date format on the Start step (Date format: %d/%m/%Y or %m/%d/%Y), or write dates as 2025-04-03.",
    },
    needs: Needs::Nothing,
    check: Check::Row(check),
};

fn check(row: &Row<'_>, _: &Context, out: &mut Findings) {
    for (i, (column, value)) in row.fields.iter().enumerate() {
        let problem = match value {
            Value::Instant(Err(p)) | Value::Date(Err(p)) => p,
            _ => continue,
        };
        if let DateProblem::Ambiguous {
            day_first,
            month_first,
        } = problem
        {
            out.error(
                Code::DateAmbiguous,
                *column,
                format!(
                    "`{}` could be {} (day first) or {} (month first)",
                    row.raw[i],
                    day_first.format("%-d %B %Y"),
                    month_first.format("%-d %B %Y")
                ),
            );
        }
    }
}
