//! The engine: judges records once the layout is known. Each record is
//! admitted (inside the table, not blank, within the row limits), judged on
//! its own (here or on a judging thread, see `parallel`), then settled in
//! file order: the rules over earlier rows, the verdict, the cleaned row,
//! the tally and the sink.

use super::DEFAULT_LISTED_ISSUES;
use super::judge::Judge;
use super::parallel::{BATCH_ROWS, Batch, MAX_THREADS, Pool};
use super::table::{Table, output_layout};
use super::tally::Tally;
use crate::code::{Code, Severity};
use crate::edits::Applied;
use crate::error::CheckError;
use crate::limits::Limits;
use crate::normalize::date::{DateRules, infer_order, write_instant};
use crate::normalize::phone::{PhoneRules, parse_region};
use crate::normalize::{clean_cell, split_house_number};
use crate::options::CheckOptions;
use crate::profile::{FieldKind, Profile, Role};
use crate::records::Record;
use crate::report::{FileInfo, Report};
use crate::rules::{Checks, Context, Findings, Row, Seen, Value};
use crate::segment::{Channel, Channels};
use crate::sink::{Disposition, Layout, OutputColumn, RowVerdict, Sink, Stage};
use crate::text::thousands;
use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

/// Judges records once the layout is known.
pub(super) struct Engine {
    pub(super) limits: Limits,
    pub(super) judge: Arc<Judge>,
    pub(super) seen: Seen,
    pub(super) options: CheckOptions,
    pub(super) layout: Layout,
    pub(super) first_table_row: u64,
    pub(super) rows_seen: u64,
    pub(super) tally: Tally,
    /// The cleaned row, its cells reused from row to row.
    pub(super) output: Vec<String>,
    /// Judging threads (natively, with `threads` above one).
    pub(super) pool: Option<Pool>,
    /// Records waiting to fill the next batch for the pool.
    pub(super) pending: Vec<Record>,
    /// Settled batches' emptied vectors, to be filled again.
    pub(super) spare: Vec<Vec<Record>>,
    /// Batches not yet settled, in file order: judged here, or by the pool.
    pub(super) batches: VecDeque<Batch>,
    pub(super) next_batch: u64,
}

impl Engine {
    pub(super) fn new(
        profile: Profile,
        options: CheckOptions,
        sample: &[Record],
        mut file: FileInfo,
    ) -> Result<Engine, CheckError> {
        let table = Table::find(&profile, &options, sample)?;
        if let Some(refusal) = table.refusal(&profile) {
            return Err(refusal);
        }
        let Table {
            source_headers,
            columns,
            has_header,
            header_row,
            skipped,
            data_start,
            fields,
        } = table;

        file.header_row = header_row;
        file.skipped_rows = skipped as u64;
        file.columns = columns.clone();
        let (output_headers, output_columns) = output_layout(
            &profile,
            &options,
            &columns,
            &source_headers,
            has_header,
            &fields,
        );
        let first_table_row = sample
            .get(data_start)
            .map_or((data_start + 1) as u64, Record::row);

        let region_forced = profile.assumed_region.is_some();
        let phone_rules = PhoneRules {
            region: profile
                .assumed_region
                .as_deref()
                .or(options.judging.default_region.as_deref())
                .and_then(parse_region),
            region_forced,
            nanp_only: profile.nanp_only,
            allowed: profile
                .allowed_countries
                .iter()
                .filter_map(|c| parse_region(c))
                .collect(),
            style: profile.phone_style,
        };
        let declared = DateRules::declared(options.judging.date_format.as_deref());
        let date_rules = profile
            .fields
            .iter()
            .zip(&fields)
            .map(
                |(field, column)| match (field.kind, column, declared.order) {
                    (FieldKind::Timestamp | FieldKind::Date, Some(c), None) => DateRules {
                        order: infer_order(
                            sample[data_start.min(sample.len())..]
                                .iter()
                                .filter_map(|r| r.get(*c)),
                        ),
                        ..declared.clone()
                    },
                    _ => declared.clone(),
                },
            )
            .collect();
        let channel_mapped = profile
            .fields
            .iter()
            .zip(&fields)
            .any(|(f, c)| f.kind == FieldKind::Channel && c.is_some());
        // Declared for the whole list; else a GDPR list (its merchant confirms
        // consent before submitting) consented to email.
        let list_channels = options.judging.channel.unwrap_or_else(|| {
            if profile.gdpr_confirmation {
                Channels::only(Channel::Email)
            } else {
                Channels::NONE
            }
        });
        let ctx = Context {
            now: options.judging.now,
            business_name: options
                .judging
                .business_name
                .clone()
                .filter(|b| !b.trim().is_empty()),
            known_staff: options
                .judging
                .known_staff_ids
                .iter()
                .map(|s| s.trim().to_owned())
                .collect::<HashSet<_>>(),
            width: columns.len(),
            channel_mapped,
            infer_mobile_number: options.judging.infer_mobile_number,
            suppressions: Arc::clone(&options.judging.suppressions),
            roles: profile.roles(),
            region_forced,
            checks: Checks::of(&profile),
            profile,
        };
        let judge = Arc::new(Judge {
            ctx,
            fields: fields.clone(),
            phone_rules,
            date_rules,
            list_channels,
        });
        // WebAssembly in the browser has no threads to start.
        let threads = if cfg!(target_family = "wasm") {
            1
        } else {
            options.limits.threads.unwrap_or(1).clamp(1, MAX_THREADS)
        };
        // This thread reads, settles and judges when the others are busy.
        let pool = (threads > 1).then(|| Pool::start(&judge, threads - 1));
        let source_field = judge
            .ctx
            .field(Role::OptInSource)
            .filter(|&f| fields[f].is_some());
        let listed_issues = options
            .limits
            .max_listed_issues
            .unwrap_or(DEFAULT_LISTED_ISSUES);
        Ok(Engine {
            limits: Limits::of(&options),
            judge,
            seen: Seen::default(),
            options,
            layout: Layout {
                file,
                fields,
                output_headers,
                output_columns,
                source_headers,
            },
            first_table_row,
            rows_seen: 0,
            tally: Tally::new(source_field, listed_issues),
            output: Vec::new(),
            pool,
            pending: Vec::new(),
            spare: Vec::new(),
            batches: VecDeque::new(),
            next_batch: 0,
        })
    }

    /// Takes the next record, with the merchant's edits: judged now with
    /// one thread; with several, kept for the next batch.
    pub(super) fn take(&mut self, record: &Record, sink: &mut impl Sink) -> Result<(), CheckError> {
        let edits = Arc::clone(&self.options.edits);
        let edited = edits.apply(record, &mut |step, change| sink.fixed(step, change));
        let record = match &edited {
            Applied::Unchanged => record,
            Applied::Changed(edited) => edited,
            Applied::Deleted => {
                self.layout.file.deleted_rows += 1;
                return Ok(());
            }
        };
        self.limits.check(record)?;
        if self.pool.is_none() {
            return self.process(record, sink);
        }
        self.pending.push(record.clone());
        if self.pending.len() >= BATCH_ROWS {
            self.dispatch(sink)?;
        }
        Ok(())
    }

    /// Judges one record and records its verdict.
    pub(super) fn process(
        &mut self,
        record: &Record,
        sink: &mut impl Sink,
    ) -> Result<(), CheckError> {
        if self.admit(record)? {
            let judge = Arc::clone(&self.judge);
            let (row, findings) = judge.judge(record, sink);
            self.settle(row, findings, sink);
        }
        Ok(())
    }

    /// Counts the blank rows strictly between workbook rows `after` and
    /// `before` that lie in the table (a workbook has no record for them).
    pub(super) fn count_blank_rows_between(&mut self, after: u64, before: u64) {
        let first = after.saturating_add(1).max(self.first_table_row);
        self.layout.file.blank_rows += before.saturating_sub(first);
    }

    /// Whether `record` is a row to judge (not before the table, not blank);
    /// counts it, and refuses a paste over the profile's row limit.
    pub(super) fn admit(&mut self, record: &Record) -> Result<bool, CheckError> {
        if record.row() < self.first_table_row {
            return Ok(false);
        }
        if !self.is_judged(record) {
            self.layout.file.blank_rows += 1;
            return Ok(false);
        }
        self.rows_seen += 1;
        if self.rows_seen > self.limits.rows {
            return Err(CheckError::refused(
                Code::FileTooManyRows,
                format!(
                    "the list has more than {} rows, the most one check takes",
                    thousands(self.limits.rows)
                ),
            ));
        }
        let profile = &self.judge.ctx.profile;
        if let Some(limit) = profile
            .max_pasted_rows
            .filter(|_| self.options.reading.pasted)
            && self.rows_seen > limit
        {
            return Err(CheckError::refused(
                Code::FileTooManyRows,
                format!(
                    "more than {limit} rows were pasted (the limit for {})",
                    profile.name
                ),
            ));
        }
        Ok(true)
    }

    /// Whether `record` is a row of the table to judge, not a blank one
    /// (the part of [`Engine::admit`] that needs no earlier row).
    pub(super) fn is_judged(&self, record: &Record) -> bool {
        record.row() >= self.first_table_row && (!record.is_blank() || record.has_unclosed_quote())
    }

    /// In file order: the rules over earlier rows (duplicates), the verdict,
    /// the cleaned row, the report's counts and the sink.
    pub(super) fn settle(&mut self, row: Row<'_>, mut findings: Findings, sink: &mut impl Sink) {
        sink.stage(Stage::Rules);
        // Channel-only rejections still count as clean for duplicate purposes.
        let clean = !findings
            .0
            .iter()
            .any(|f| f.severity == Severity::Error && !f.code.sets_aside());
        let ctx = &self.judge.ctx;
        for check in &ctx.checks.set {
            check(&row, ctx, &mut self.seen, clean, &mut findings);
        }
        let disposition = if !findings.has_error() {
            Disposition::Clean
        } else if findings
            .0
            .iter()
            .all(|f| f.severity == Severity::Warning || f.code.sets_aside())
        {
            Disposition::SetAside
        } else {
            Disposition::Rejected
        };
        sink.stage(Stage::Outputs);
        self.fill_output(&row);
        self.tally
            .add(&row, findings, disposition, &self.layout.file.columns);
        sink.row(&RowVerdict {
            record: row.record,
            output: &self.output,
            issues: self.tally.row_issues(),
            segment: row.channels.segment(),
            disposition,
        });
        // Back to reading records.
        sink.stage(Stage::Parse);
    }

    /// The cleaned row, written into the cells of the previous one (their
    /// buffers are reused: no allocation per cell once the first rows ran).
    pub(super) fn fill_output(&mut self, row: &Row<'_>) {
        use std::fmt::Write as _;
        let street = self.judge.ctx.field(Role::Street);
        let split = street
            .filter(|_| self.options.judging.house_number_in_street)
            .and_then(|s| split_house_number(row.raw[s]));
        let columns = self.layout.output_columns.len();
        self.output.resize_with(columns, String::new);
        for (cell, column) in self.output.iter_mut().zip(&self.layout.output_columns) {
            cell.clear();
            match *column {
                OutputColumn::Field(i) => match row.value(i) {
                    Value::Phone(Ok(p)) => cell.push_str(p.written()),
                    Value::Email(Ok(e)) => cell.push_str(e),
                    Value::Instant(Ok(t)) => write_instant(cell, *t),
                    Value::Date(Ok(d)) => {
                        let _ = write!(cell, "{}", d.format("%Y-%m-%d"));
                    }
                    Value::Flag(Some(b)) => cell.push_str(if *b { "true" } else { "false" }),
                    _ if Some(i) == street => {
                        cell.push_str(split.map_or(row.raw[i], |(name, _)| name));
                    }
                    _ => cell.push_str(row.raw[i]),
                },
                OutputColumn::Source(c) => cell.push_str(row.record.get(c).map_or("", clean_cell)),
                OutputColumn::HouseNumber => cell.push_str(split.map_or("", |(_, n)| n)),
            }
        }
    }

    /// The report, once every record is settled.
    pub(super) fn into_report(self) -> Result<Report, CheckError> {
        self.tally
            .into_report(&self.judge.ctx, &self.options, self.layout)
    }
}
