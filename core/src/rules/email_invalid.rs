//! `email.invalid`: the email address is not one mail can be sent to. The
//! shape is the WHATWG HTML "valid e-mail address" (what a browser's email
//! field accepts): before the @ one or more of `a-z A-Z 0-9` and
//! ``.!#$%&'*+/=?^_`{|}~-``; after it labels of letters, digits and hyphens,
//! 1 to 63 each, not starting or ending with a hyphen, joined by dots. On top
//! come the RFC 5321 lengths: at most 64 characters before the @, 253 in the
//! domain and 254 in all. The message names the part that is wrong.
//!
//! Deliberately stricter than WHATWG: the domain needs a dot and must not end
//! in a number. `ana@localhost` is valid HTML, but a domain without a dot
//! names no mail server on the internet, so a marketing list cannot reach
//! it; and no top-level domain is all digits (RFC 3696), so `ana@10.0.0.1`
//! names a machine, not a domain (see
//! [`normalize_email`](crate::normalize::email::normalize_email)).
//!
//! Why: mail to it bounces, and many bounces get the sender blocked.
//!
//! Example: `ana.example.com` (no @), `ana@-acme.com` (a hyphen starts the
//! domain), `ana@localhost` (no dot).

use super::{Check, Context, Findings, Fix, Needs, Row, Rule, Value};
use crate::code::Code;
use crate::profile::Role;

pub(super) const RULE: Rule = Rule {
    code: Code::EmailInvalid,
    fix: Fix::same(
        "Correct the address (name@example.com) or clear the cell if you do not have one.",
    ),
    needs: Needs::Role(Role::Email),
    check: Check::Row(check),
};

fn check(row: &Row<'_>, ctx: &Context, out: &mut Findings) {
    if let Some((i, Value::Email(Err(why)))) = row.role(ctx, Role::Email) {
        out.error(
            Code::EmailInvalid,
            row.column(i),
            format!("`{}` {why}", row.raw[i]),
        );
    }
}
