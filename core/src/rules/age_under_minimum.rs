//! `age.under_minimum`: the contact is younger than the profile's minimum age
//! (US SMS: 18 by default).
//!
//! Why: marketing to minors is restricted by law and by carrier rules.
//!
//! Example: `age = 16` under `sms-us` (minimum 18).

use super::{Check, Context, Findings, Fix, Needs, Row, Rule, Value};
use crate::code::Code;
use crate::normalize::date::age_on;
use crate::profile::Role;

pub(super) const RULE: Rule = Rule {
    code: Code::AgeUnderMinimum,
    fix: Fix::same("Do not import this contact until they reach the minimum age."),
    needs: Needs::AnyRole(&[Role::DateOfBirth, Role::Age]),
    check: Check::Row(check),
};

fn check(row: &Row<'_>, ctx: &Context, out: &mut Findings) {
    let Some(minimum) = ctx.profile.min_age else {
        return;
    };
    let from_age = match row.role(ctx, Role::Age) {
        Some((i, Value::Age(Some(age)))) => Some((i, i64::from(*age))),
        _ => None,
    };
    let from_birth = match (row.role(ctx, Role::DateOfBirth), ctx.now) {
        (Some((i, Value::Date(Ok(birth)))), Some(now)) => {
            Some((i, i64::from(age_on(*birth, now.date_naive()))))
        }
        _ => None,
    };
    if let Some((i, age)) = from_birth.or(from_age)
        && age < i64::from(minimum)
    {
        out.error(
            Code::AgeUnderMinimum,
            row.column(i),
            format!("is {age}; the minimum age is {minimum}"),
        );
    }
}
