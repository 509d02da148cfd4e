//! `phone.no_country_code`: the number is written without a country code.
//!
//! Why: `07911 123456` means different people in different countries. With a
//! default country the number is read in it (a warning, so the merchant can
//! confirm); without one the row cannot be imported (an error).
//!
//! Example: `07911 123456` with no default country.

use super::{Check, Context, Findings, Fix, Needs, Row, Rule, Value};
use crate::code::Code;
use crate::normalize::phone::PhoneProblem;
use crate::profile::FieldKind;

pub(super) const RULE: Rule = Rule {
    code: Code::PhoneNoCountryCode,
    fix: Fix {
        cli: "Write numbers with + and the country code, or choose the default country the numbers belong to (--default-region GB).",
        app: "Write numbers with + and the country code, or choose the country the numbers belong to on the Start step (Default country).",
    },
    needs: Needs::Kind(FieldKind::Phone),
    check: Check::Row(check),
};

fn check(row: &Row<'_>, ctx: &Context, out: &mut Findings) {
    for i in ctx.fields_of(FieldKind::Phone) {
        match row.value(i) {
            Value::Phone(Err(PhoneProblem::NoCountryCode)) => out.error(
                Code::PhoneNoCountryCode,
                row.column(i),
                format!(
                    "`{}` has no country code and no default country was chosen",
                    row.raw[i]
                ),
            ),
            Value::Phone(Ok(phone)) if phone.region_applied && !ctx.region_forced => out.warning(
                Code::PhoneNoCountryCode,
                row.column(i),
                format!(
                    "`{}` has no country code; read as {}",
                    row.raw[i], phone.e164
                ),
            ),
            _ => {}
        }
    }
}
