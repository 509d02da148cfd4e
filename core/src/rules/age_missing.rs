//! `age.missing`: neither a readable date of birth nor an age.
//!
//! Why: the profile may only message adults (US SMS: 18+); without an age
//! that cannot be shown.
//!
//! Example: an `sms-us` row whose `date_of_birth` and `age` cells are both empty.

use super::{Check, Context, Findings, Fix, Needs, Row, Rule, Value};
use crate::code::Code;
use crate::profile::Role;

pub(super) const RULE: Rule = Rule {
    code: Code::AgeMissing,
    fix: Fix::same("Fill in the date of birth (2001-07-14) or the age in whole years."),
    needs: Needs::AnyRole(&[Role::DateOfBirth, Role::Age]),
    check: Check::Row(check),
};

fn check(row: &Row<'_>, ctx: &Context, out: &mut Findings) {
    let dob = row.role(ctx, Role::DateOfBirth);
    let age = row.role(ctx, Role::Age);
    let usable = matches!(dob, Some((_, Value::Date(Ok(_)))))
        || matches!(age, Some((_, Value::Age(Some(_)))));
    if usable {
        return;
    }
    let (column, message) = match (dob, age) {
        (Some((i, Value::Date(Err(_)))), _) => (
            row.column(i),
            format!("date of birth `{}` cannot be read", row.raw[i]),
        ),
        (_, Some((i, Value::Age(None)))) => (
            row.column(i),
            format!("age `{}` is not a whole number of years", row.raw[i]),
        ),
        _ => (
            [dob, age]
                .into_iter()
                .flatten()
                .find_map(|(i, _)| row.column(i)),
            "no date of birth or age".to_owned(),
        ),
    };
    out.error(Code::AgeMissing, column, message);
}
