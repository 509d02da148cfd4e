//! The rules: one file per code, each with what it checks, why it matters
//! and how to fix it.
//!
//! Row rules look at one row's normalized values. Set rules (duplicates) run
//! after the row rules and see whether the row is otherwise clean, so that
//! the first *clean* occurrence of a key is the one that is kept.

use crate::code::{Code, Severity};
use crate::error::CheckError;
use crate::normalize::date::DateProblem;
use crate::normalize::email::EmailProblem;
use crate::normalize::phone::{Phone, PhoneProblem};
use crate::profile::{FieldKind, Needs, Profile, Role, RoleMap};
use crate::records::Record;
use crate::segment::{Channel, Channels};
use crate::suppress::Suppressions;
use chrono::{DateTime, NaiveDate, Utc};
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

mod age_missing;
mod age_under_minimum;
mod consent_bad_timestamp;
mod consent_double_opt_in_before_opt_in;
mod consent_future_timestamp;
mod consent_inferred_text_opt_in;
mod consent_missing_source;
mod consent_missing_text;
mod consent_missing_timestamp;
mod consent_not_email_channel;
mod consent_not_sms_channel;
mod consent_not_whatsapp_channel;
mod consent_opted_out;
mod consent_stale;
mod consent_suppressed;
mod consent_text_missing_business;
mod consent_text_not_marketing;
mod consent_text_not_whatsapp;
mod date_ambiguous;
mod email_duplicate;
mod email_invalid;
mod email_missing;
mod file_cell_too_long;
mod file_empty;
mod file_too_large;
mod file_too_many_columns;
mod file_too_many_rows;
mod file_unreadable;
mod flag_invalid_boolean;
mod header_duplicate;
mod header_missing_required;
mod header_too_many_custom_fields;
mod id_duplicate;
mod id_missing;
mod phone_duplicate;
mod phone_invalid;
mod phone_missing;
mod phone_no_country_code;
mod phone_not_allowed_country;
mod phone_not_mobile;
mod phone_not_sms_capable;
mod phone_unparseable;
mod row_ragged;
mod row_unclosed_quote;
mod staff_missing;
mod staff_unknown;

/// A rule: its code, the fix shown to merchants, the roles it needs and its check.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Rule {
    pub code: Code,
    pub fix: Fix,
    /// What a profile must have for the rule to run (checked when it loads).
    pub needs: Needs,
    pub check: Check,
}

/// How to fix a finding: on the command line (and in reports), and in the
/// browser app, which names its steps and options instead of CLI flags.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fix {
    pub cli: &'static str,
    pub app: &'static str,
}

impl Fix {
    /// The same words everywhere: the fix names no option.
    pub const fn same(text: &'static str) -> Fix {
        Fix {
            cli: text,
            app: text,
        }
    }
}

/// When a rule runs and what it sees.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Check {
    /// Refuses the whole file; raised by the checker itself while it reads.
    File,
    /// Refuses the whole file for its header and mapping, before any row.
    Header(fn(&Header<'_>) -> Result<(), CheckError>),
    /// Judges one row.
    Row(fn(&Row<'_>, &Context, &mut Findings)),
    /// Judges one row, and gives a [`Notice`] for the whole file from its
    /// mapping (the source column per profile field) when one is due.
    RowAndFile(
        fn(&Row<'_>, &Context, &mut Findings),
        fn(&Context, &[Option<usize>]) -> Option<String>,
    ),
    /// Judges a row against earlier rows; `clean` says whether the row rules found no error.
    Set(fn(&Row<'_>, &Context, &mut Seen, bool, &mut Findings)),
}

/// Every rule, in reference order.
pub(crate) const RULES: &[Rule] = &[
    file_unreadable::RULE,
    file_empty::RULE,
    file_too_large::RULE,
    file_too_many_rows::RULE,
    file_too_many_columns::RULE,
    file_cell_too_long::RULE,
    // Header rules run in this order: the first refusal is the one reported.
    header_duplicate::RULE,
    header_missing_required::RULE,
    header_too_many_custom_fields::RULE,
    row_ragged::RULE,
    row_unclosed_quote::RULE,
    phone_missing::RULE,
    phone_unparseable::RULE,
    phone_invalid::RULE,
    phone_no_country_code::RULE,
    phone_not_mobile::RULE,
    phone_not_sms_capable::RULE,
    phone_not_allowed_country::RULE,
    phone_duplicate::RULE,
    id_missing::RULE,
    id_duplicate::RULE,
    email_missing::RULE,
    email_invalid::RULE,
    email_duplicate::RULE,
    date_ambiguous::RULE,
    consent_missing_timestamp::RULE,
    consent_bad_timestamp::RULE,
    consent_future_timestamp::RULE,
    consent_stale::RULE,
    consent_missing_source::RULE,
    consent_missing_text::RULE,
    consent_text_not_whatsapp::RULE,
    consent_text_missing_business::RULE,
    consent_text_not_marketing::RULE,
    consent_not_whatsapp_channel::RULE,
    consent_not_sms_channel::RULE,
    consent_not_email_channel::RULE,
    consent_opted_out::RULE,
    consent_suppressed::RULE,
    consent_double_opt_in_before_opt_in::RULE,
    consent_inferred_text_opt_in::RULE,
    age_missing::RULE,
    age_under_minimum::RULE,
    flag_invalid_boolean::RULE,
    staff_missing::RULE,
    staff_unknown::RULE,
];

fn rule(code: Code) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.code == code)
}

/// The fix text for `code`, as reports and the command line give it.
pub fn fix_for(code: Code) -> &'static str {
    rule(code).map_or("", |r| r.fix.cli)
}

/// The fix text for `code` in the browser app: it names the app's steps
/// and options where [`fix_for`] names command-line flags.
pub fn app_fix_for(code: Code) -> &'static str {
    rule(code).map_or("", |r| r.fix.app)
}

/// What a profile must have for rule `code` to run.
pub(crate) fn needs(code: Code) -> Needs {
    rule(code).map_or(Needs::Nothing, |r| r.needs)
}

impl CheckError {
    /// How to fix it, as the command line says it: for refusals and
    /// missing options.
    pub fn fix(&self) -> Option<&'static str> {
        match self {
            CheckError::NeedsBusinessName { .. } => Some(
                "Pass --business-name with your brand as your opt-in wording writes it (--business-name \"Acme Boutique\").",
            ),
            _ => self.code().map(fix_for),
        }
    }

    /// How to fix it in the browser app: its steps and options where
    /// [`CheckError::fix`] names command-line flags.
    pub fn app_fix(&self) -> Option<&'static str> {
        match self {
            CheckError::NeedsBusinessName { .. } => Some(
                "Enter your business name on the Start step, as your opt-in wording writes it.",
            ),
            _ => self.code().map(app_fix_for),
        }
    }
}

/// The notices the profile's rules give for a file mapped as `fields`.
pub(crate) fn file_notices(ctx: &Context, fields: &[Option<usize>]) -> Vec<Notice> {
    RULES
        .iter()
        .filter(|r| ctx.profile.runs(r.code))
        .filter_map(|rule| match rule.check {
            Check::RowAndFile(_, notice) => notice(ctx, fields).map(|message| Notice {
                code: rule.code,
                message,
                fix: rule.fix.cli.to_owned(),
            }),
            _ => None,
        })
        .collect()
}

/// The table's header and mapping, as the header rules see them.
#[derive(Debug)]
pub(crate) struct Header<'a> {
    pub profile: &'a Profile,
    /// Header cells as written (blank without a header row).
    pub cells: &'a [String],
    /// The source column per profile field.
    pub fields: &'a [Option<usize>],
    /// The header's spreadsheet row, when the table has a header.
    pub row: Option<u64>,
}

/// The first header rule that refuses the file, if any.
pub(crate) fn check_header(header: &Header<'_>) -> Result<(), CheckError> {
    for rule in RULES {
        if let Check::Header(check) = rule.check {
            check(header)?;
        }
    }
    Ok(())
}

use crate::report::{Message, Notice};

/// One problem found on a row.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Finding {
    pub code: Code,
    pub severity: Severity,
    pub column: Option<usize>,
    pub message: Message,
}

/// The problems found on one row so far.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Findings(pub Vec<Finding>);

impl Findings {
    pub fn error(&mut self, code: Code, column: Option<usize>, message: impl Into<Message>) {
        self.0.push(Finding {
            code,
            severity: Severity::Error,
            column,
            message: message.into(),
        });
    }

    pub fn warning(&mut self, code: Code, column: Option<usize>, message: impl Into<Message>) {
        self.0.push(Finding {
            code,
            severity: Severity::Warning,
            column,
            message: message.into(),
        });
    }

    pub fn has_error(&self) -> bool {
        self.0.iter().any(|f| f.severity == Severity::Error)
    }
}

/// A field's value on one row, normalized according to its kind.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) enum Value {
    /// The field has no column.
    Unmapped,
    /// The column is empty on this row.
    Blank,
    /// Non-empty text (read it from `Row::raw`).
    Text,
    Phone(Result<Phone, PhoneProblem>),
    /// The address's [`email_key`](crate::normalize::email::email_key).
    Email(Result<String, EmailProblem>),
    Instant(Result<DateTime<Utc>, DateProblem>),
    Date(Result<NaiveDate, DateProblem>),
    Age(Option<u32>),
    Flag(Option<bool>),
    Channel(#[serde(with = "crate::segment::channel_bits")] Channels),
}

/// One row as the rules see it.
#[derive(Debug)]
pub(crate) struct Row<'a> {
    pub record: &'a Record,
    /// Per profile field: the column it comes from and its value.
    pub fields: Vec<(Option<usize>, Value)>,
    /// The raw cell per profile field (trimmed), for messages.
    pub raw: Vec<&'a str>,
    /// The channels the contact consented to (its cell's, or the list's).
    pub channels: Channels,
}

/// What rules need besides the row: the settings of the check (read-only,
/// shared by every thread that judges rows).
#[derive(Debug)]
pub(crate) struct Context {
    pub profile: Profile,
    /// The field playing each role, resolved once per check.
    pub roles: RoleMap,
    pub now: Option<DateTime<Utc>>,
    pub business_name: Option<String>,
    pub known_staff: HashSet<String>,
    pub width: usize,
    pub channel_mapped: bool,
    /// A blank phone takes the WhatsApp number (Mongoose's "infer mobile number").
    pub infer_mobile_number: bool,
    /// The profile forces the region for numbers without `+` (no warning is due).
    pub region_forced: bool,
    /// The tenant's opt-outs.
    pub suppressions: Arc<Suppressions>,
    /// The rules the profile runs, resolved once per check (see [`Checks::of`]).
    pub checks: Checks,
}

/// A rule over one row.
pub(crate) type RowCheck = fn(&Row<'_>, &Context, &mut Findings);
/// A rule over a row and earlier rows.
pub(crate) type SetCheck = fn(&Row<'_>, &Context, &mut Seen, bool, &mut Findings);

/// The row rules and the rules over earlier rows a profile runs, in
/// [`RULES`] order (the order of a row's findings). Looking each rule up
/// in the profile for every row was 4 % of a check.
#[derive(Debug, Clone, Default)]
pub(crate) struct Checks {
    pub row: Vec<RowCheck>,
    pub set: Vec<SetCheck>,
}

impl Checks {
    /// The checks `profile` runs.
    pub fn of(profile: &Profile) -> Checks {
        let mut checks = Checks::default();
        for rule in RULES.iter().filter(|r| profile.runs(r.code)) {
            match rule.check {
                Check::Row(check) | Check::RowAndFile(check, _) => checks.row.push(check),
                Check::Set(check) => checks.set.push(check),
                Check::File | Check::Header(_) => {}
            }
        }
        checks
    }
}

/// What earlier rows held: the first clean row per number (see
/// [`Phone::key`](crate::normalize::phone::Phone::key)), email key
/// and id. Only the rules over earlier rows, run in file order, see it.
#[derive(Debug, Default)]
pub(crate) struct Seen {
    pub phones: SeenKeys<u128>,
    /// WhatsApp numbers (Mongoose), kept apart from the phones.
    pub whatsapp_numbers: SeenKeys<u128>,
    pub emails: SeenKeys,
    pub ids: SeenKeys,
}

/// Keys seen so far → the row they were first seen on. Hashed with
/// foldhash: a lookup per row on a million rows, where the standard
/// SipHash showed in profiles; its per-process random seed keeps crafted
/// collisions impractical.
pub(crate) type SeenKeys<K = String> = HashMap<K, u64, foldhash::fast::RandomState>;

impl Context {
    /// The index of the field that plays `role`.
    pub fn field(&self, role: Role) -> Option<usize> {
        self.roles.get(role)
    }

    /// Fields of `kind` with their indices.
    pub fn fields_of(&self, kind: FieldKind) -> impl Iterator<Item = usize> + '_ {
        self.profile
            .fields
            .iter()
            .enumerate()
            .filter(move |(_, f)| f.kind == kind)
            .map(|(i, _)| i)
    }
}

impl Context {
    /// Whether the row's contact consented to the channel the profile
    /// imports (any row, for a profile of any channel).
    pub fn imports(&self, row: &Row<'_>) -> bool {
        self.profile
            .channel
            .is_none_or(|c| row.channels.contains(c))
    }
}

/// The `consent.not_*_channel` rules: a contact who did not consent to
/// `channel`, the one the profile imports, is set aside in its segment's file.
pub(crate) fn check_channel(row: &Row<'_>, ctx: &Context, out: &mut Findings, channel: Channel) {
    if row.channels.contains(channel) {
        return;
    }
    let column = ctx.field(Role::OptInChannel).and_then(|i| row.column(i));
    let segment = row.channels.segment();
    let message = if row.channels.is_empty() && !ctx.channel_mapped {
        format!(
            "no channel column, so consent for {} is not shown: set aside in {segment}.csv",
            channel.name()
        )
    } else {
        format!(
            "the contact consented to {}, not {}: set aside in {segment}.csv",
            row.channels.names(),
            channel.name()
        )
    };
    out.error(Code::not_channel(channel), column, message);
}

impl Row<'_> {
    /// The value of field `index`.
    pub fn value(&self, index: usize) -> &Value {
        &self.fields[index].1
    }

    /// The source column of field `index`.
    pub fn column(&self, index: usize) -> Option<usize> {
        self.fields[index].0
    }

    /// The field that plays `role` and its value.
    pub fn role<'c>(&'c self, ctx: &Context, role: Role) -> Option<(usize, &'c Value)> {
        ctx.field(role).map(|i| (i, self.value(i)))
    }

    /// The trimmed text of field `index`, when mapped and non-empty.
    pub fn text_at(&self, index: usize) -> Option<&str> {
        match self.value(index) {
            Value::Unmapped | Value::Blank => None,
            _ => Some(self.raw[index]),
        }
    }

    /// The trimmed text of the field that plays `role`, when mapped and non-empty.
    pub fn role_text(&self, ctx: &Context, role: Role) -> Option<&str> {
        self.text_at(ctx.field(role)?)
    }
}

/// Adds "the same key was on row N" findings and records first clean rows.
pub(crate) fn check_duplicate<K: std::hash::Hash + Eq>(
    seen: &mut SeenKeys<K>,
    key: K,
    row: u64,
    clean: bool,
    found: impl FnOnce(u64),
) {
    // One lookup: on a million rows most keys miss the processor's caches.
    match seen.entry(key) {
        Entry::Occupied(first) => found(*first.get()),
        Entry::Vacant(slot) => {
            if clean {
                slot.insert(row);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Each code's file says what it checks (naming its code first), why it
    /// matters and an example; its `fix` is the fourth section.
    #[test]
    fn every_rule_file_has_the_same_doc_sections() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
        for code in Code::ALL {
            let file = dir.join(format!("{}.rs", code.as_str().replace('.', "_")));
            let text = std::fs::read_to_string(&file)
                .unwrap_or_else(|e| panic!("{code} has no file {}: {e}", file.display()));
            let doc: Vec<&str> = text.lines().take_while(|l| l.starts_with("//!")).collect();
            assert!(
                doc.first()
                    .is_some_and(|l| l.starts_with(&format!("//! `{code}`: "))),
                "{code}: the doc starts with the code and what it checks"
            );
            for section in ["//! Why: ", "//! Example: "] {
                assert!(
                    doc.iter().any(|l| l.starts_with(section)),
                    "{code}: no `{section}` section"
                );
            }
            assert!(
                text.contains(&format!("code: Code::{code:?},")),
                "{code}: its RULE is here"
            );
        }
    }

    #[test]
    fn every_code_has_exactly_one_rule_with_a_fix() {
        for code in Code::ALL {
            let rules: Vec<_> = RULES.iter().filter(|r| r.code == *code).collect();
            assert_eq!(rules.len(), 1, "{code}");
            assert!(rules[0].fix.cli.len() > 20, "{code} needs a real fix text");
            assert!(
                !rules[0].fix.app.contains("--"),
                "{code}: the app's fix names the step and option, not a CLI flag"
            );
            assert_eq!(
                matches!(rules[0].check, Check::File | Check::Header(_)),
                code.is_file_level(),
                "{code}"
            );
        }
    }
}
