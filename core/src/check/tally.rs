//! The tally: every settled row counted into the report's summary,
//! segments, opt-in sources, listed issues and issue counts; and the report
//! itself once the file is done.

use crate::code::{Code, Severity};
use crate::error::CheckError;
use crate::options::CheckOptions;
use crate::report::{
    CodeCount, Issue, Outcome, Report, Segments, SourceTally, Summary, plan_batches,
};
use crate::rules::{Context, Finding, Findings, Row, fix_for};
use crate::sink::{Disposition, Layout};
use crate::text::column_letter;
use std::collections::BTreeMap;

/// What the report counts, row by row.
#[derive(Debug)]
pub(super) struct Tally {
    summary: Summary,
    segments: Segments,
    sources: SourceTally,
    /// The opt-in source field, when the file maps it.
    source_field: Option<usize>,
    issues: Vec<Issue>,
    /// Issues listed at most (the rest are only counted).
    listed_issues: usize,
    issues_not_listed: u64,
    counts: BTreeMap<(Code, Severity), u64>,
    /// The last row's issues, its cells reused from row to row.
    row_issues: Vec<Issue>,
}

impl Tally {
    /// An empty tally; `source_field` is the mapped opt-in source field.
    pub(super) fn new(source_field: Option<usize>, listed_issues: usize) -> Tally {
        Tally {
            summary: Summary::default(),
            segments: Segments::default(),
            sources: SourceTally::default(),
            source_field,
            issues: Vec::new(),
            listed_issues,
            issues_not_listed: 0,
            counts: BTreeMap::new(),
            row_issues: Vec::new(),
        }
    }

    /// Counts one settled row; `columns` name the file's columns for issues.
    pub(super) fn add(
        &mut self,
        row: &Row<'_>,
        findings: Findings,
        disposition: Disposition,
        columns: &[String],
    ) {
        self.summary.rows += 1;
        self.segments.add(row.channels.segment());
        match disposition {
            Disposition::Clean => {
                self.summary.importable += 1;
                if let Some(source) = self.source_field {
                    self.sources.add(row.raw[source]);
                }
            }
            Disposition::Rejected => self.summary.rejected += 1,
            Disposition::SetAside => {
                self.summary.rejected += 1;
                self.summary.set_aside += 1;
            }
        }
        let has = |pred: &dyn Fn(&Finding) -> bool| findings.0.iter().any(pred);
        self.summary.warnings += u64::from(has(&|f| f.severity == Severity::Warning));
        self.summary.duplicates += u64::from(has(&|f| {
            matches!(
                f.code,
                Code::PhoneDuplicate | Code::EmailDuplicate | Code::IdDuplicate
            )
        }));
        self.row_issues.clear();
        for f in findings.0 {
            *self.counts.entry((f.code, f.severity)).or_default() += 1;
            let issue = Issue {
                row: row.record.row(),
                column: f.column.map(|c| {
                    columns
                        .get(c)
                        .cloned()
                        .unwrap_or_else(|| format!("Column {}", column_letter(c)))
                }),
                code: f.code,
                severity: f.severity,
                message: f.message,
            };
            if self.issues.len() < self.listed_issues {
                self.issues.push(issue.clone());
            } else {
                self.issues_not_listed += 1;
            }
            self.row_issues.push(issue);
        }
    }

    /// The issues of the row counted last.
    pub(super) fn row_issues(&self) -> &[Issue] {
        &self.row_issues
    }

    /// The report; a file without contact rows is refused.
    pub(super) fn into_report(
        self,
        ctx: &Context,
        options: &CheckOptions,
        layout: Layout,
    ) -> Result<Report, CheckError> {
        if self.summary.rows == 0 {
            let message = if layout.file.header_row.is_some() {
                "the file has a header row but no contact rows below it"
            } else {
                "the file has no contact rows"
            };
            return Err(CheckError::refused(Code::FileEmpty, message));
        }
        let (opt_in_sources, opt_in_sources_not_listed) = self.sources.into_listed();
        let outcome = match (self.summary.importable, self.summary.rejected) {
            (_, 0) => Outcome::AllImportable,
            (0, _) => Outcome::NoneImportable,
            _ => Outcome::SomeImportable,
        };
        let profile = &ctx.profile;
        let mapping = profile
            .fields
            .iter()
            .zip(&layout.fields)
            .filter_map(|(f, c)| c.map(|c| (f.name.clone(), layout.file.columns[c].clone())))
            .collect();
        Ok(Report {
            profile: profile.name.clone(),
            checked_at: options.judging.now,
            notices: crate::rules::file_notices(ctx, &layout.fields),
            file: layout.file,
            mapping,
            summary: self.summary,
            outcome,
            segments: self.segments,
            issues: self.issues,
            issues_not_listed: self.issues_not_listed,
            issue_counts: self
                .counts
                .into_iter()
                .map(|((code, severity), count)| CodeCount {
                    code,
                    severity,
                    count,
                    fix: fix_for(code).to_owned(),
                })
                .collect(),
            batches: plan_batches(self.summary.importable, &options.batches),
            opt_in_sources,
            opt_in_sources_not_listed,
        })
    }
}
