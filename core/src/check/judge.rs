//! Judging a row on its own: its values and the rules that need nothing but
//! the row. No earlier row is needed, so natively the judging threads (see
//! `parallel`) judge batches of rows while the checker reads the next
//! records and settles judged rows in file order (duplicates, verdicts,
//! outputs).

use crate::normalize::clean_cell;
use crate::normalize::date::{DateRules, parse_date, parse_instant};
use crate::normalize::email::normalize_email;
use crate::normalize::parse_bool;
use crate::normalize::phone::{PhoneRules, normalize_phone};
use crate::profile::{FieldKind, Role};
use crate::records::Record;
use crate::rules::{Context, Findings, Row, Value};
use crate::segment::Channels;
use crate::sink::{Discard, Sink, Stage};

/// Everything judging a row needs; read-only, shared by the judging threads.
#[derive(Debug)]
pub(crate) struct Judge {
    pub ctx: Context,
    /// The source column per profile field.
    pub fields: Vec<Option<usize>>,
    pub phone_rules: PhoneRules,
    /// Per profile field.
    pub date_rules: Vec<DateRules>,
    /// The channels of every row when no column holds them.
    pub list_channels: Channels,
}

/// A row judged away from its record: its values, channels and findings.
/// [`Judge::row`] puts it back together with the record's cells.
#[derive(Debug, serde::Serialize, serde::Deserialize)]
pub(crate) struct Judged {
    fields: Vec<(Option<usize>, Value)>,
    #[serde(with = "crate::segment::channel_bits")]
    channels: Channels,
    pub findings: Findings,
}

impl Judge {
    /// The row's values and what the rules that see only this row find.
    pub fn judge<'r>(&self, record: &'r Record, sink: &mut impl Sink) -> (Row<'r>, Findings) {
        sink.stage(Stage::Map);
        let row = self.build_row(record, sink);
        sink.stage(Stage::Rules);
        let mut findings = Findings::default();
        for check in &self.ctx.checks.row {
            check(&row, &self.ctx, &mut findings);
        }
        (row, findings)
    }

    /// [`Judge::judge`] for each admitted record, kept without the record.
    pub fn judge_all(&self, records: &[Record], admitted: &[bool]) -> Vec<Option<Judged>> {
        records
            .iter()
            .zip(admitted)
            .map(|(record, &admit)| admit.then(|| self.judged(record, &mut Discard)))
            .collect()
    }

    /// [`Judge::judge`], kept without the record.
    pub fn judged(&self, record: &Record, sink: &mut impl Sink) -> Judged {
        let (row, findings) = self.judge(record, sink);
        Judged {
            fields: row.fields,
            channels: row.channels,
            findings,
        }
    }

    /// A row judged by [`Judge::judge_all`], whole again.
    pub fn row<'r>(&self, record: &'r Record, judged: Judged) -> (Row<'r>, Findings) {
        let row = Row {
            record,
            raw: self.raw(record),
            fields: judged.fields,
            channels: judged.channels,
        };
        (row, judged.findings)
    }

    /// The trimmed cell per profile field (empty when unmapped).
    fn raw<'r>(&self, record: &'r Record) -> Vec<&'r str> {
        self.fields
            .iter()
            .map(|c| c.and_then(|c| record.get(c)).map_or("", clean_cell))
            .collect()
    }

    fn build_row<'r>(&self, record: &'r Record, sink: &mut impl Sink) -> Row<'r> {
        let profile = &self.ctx.profile;
        let raw = self.raw(record);
        let mut fields = Vec::with_capacity(profile.fields.len());
        for (i, field) in profile.fields.iter().enumerate() {
            let column = self.fields[i];
            let mut text = raw[i];
            if text.is_empty()
                && self.ctx.infer_mobile_number
                && field.role == Some(Role::Phone)
                && let Some(whatsapp) = self.ctx.field(Role::WhatsappNumber)
            {
                text = raw[whatsapp];
            }
            let value = match (column, text.is_empty()) {
                (None, _) => Value::Unmapped,
                (Some(_), true) => Value::Blank,
                (Some(_), false) => {
                    sink.stage(Stage::Normalize);
                    let value = match field.kind {
                        FieldKind::Phone => Value::Phone(normalize_phone(text, &self.phone_rules)),
                        FieldKind::Email => Value::Email(normalize_email(text)),
                        FieldKind::Timestamp => {
                            Value::Instant(parse_instant(text, &self.date_rules[i]))
                        }
                        FieldKind::Date => Value::Date(parse_date(text, &self.date_rules[i])),
                        FieldKind::Age => Value::Age(text.parse().ok().filter(|a| *a < 150)),
                        FieldKind::Boolean => Value::Flag(parse_bool(text, profile.strict_flags)),
                        FieldKind::Channel => Value::Channel(Channels::from_cell(text)),
                        FieldKind::Text | FieldKind::Id | FieldKind::Staff => Value::Text,
                    };
                    sink.stage(Stage::Map);
                    value
                }
            };
            fields.push((column, value));
        }
        let channels = if self.ctx.channel_mapped {
            fields
                .iter()
                .find_map(|(_, v)| match v {
                    Value::Channel(c) => Some(*c),
                    _ => None,
                })
                .unwrap_or(Channels::NONE)
        } else {
            self.list_channels
        };
        Row {
            record,
            fields,
            raw,
            channels,
        }
    }
}
