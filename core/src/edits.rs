//! The merchant's changes to a list, applied to the file's records as it
//! is checked again, so every output (clean file, error file, segments,
//! report) includes them: cells typed over where the problems are shown,
//! and bulk fixes ([`Fix`]) that change every row they match.
//!
//! A [`History`] holds the changes as undoable steps; [`History::edits`]
//! folds the steps still done into [`Edits`], which a check applies (the
//! `edits` of its options). Checking a file with edits gives what checking
//! the file edited the same way gives: the records change, not the
//! verdicts. A check tells its sink each cell a fix changed, and the output
//! module writes the change list (`changes_csv`).

use crate::normalize::phone::{PhoneRules, normalize_phone, parse_region};
use crate::profile::PhoneStyle;
use crate::records::Record;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One cell changed: where, and what it held before and after.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CellChange {
    /// The spreadsheet row number of the record.
    pub row: u64,
    /// The column's index in the file.
    pub column: usize,
    /// The cell before the change.
    pub before: String,
    /// The cell after it (blank for a deleted row).
    pub after: String,
}

/// What a step did, for the change list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// One row's cells typed over.
    Edit,
    /// Find and replace in one column.
    Replace,
    /// One column set for the rows a filter matches.
    Set,
    /// The default country added to numbers written without one.
    AddCountry,
    /// The rows a filter matches deleted.
    Delete,
}

impl StepKind {
    /// Every kind, as declared.
    pub const ALL: [StepKind; 5] = [
        StepKind::Edit,
        StepKind::Replace,
        StepKind::Set,
        StepKind::AddCountry,
        StepKind::Delete,
    ];

    /// The kind named `name` in `changes.csv` (see [`StepKind::as_str`]).
    pub fn from_name(name: &str) -> Option<StepKind> {
        StepKind::ALL.into_iter().find(|kind| kind.as_str() == name)
    }

    /// Its name in `changes.csv`.
    pub const fn as_str(self) -> &'static str {
        match self {
            StepKind::Edit => "edit",
            StepKind::Replace => "replace",
            StepKind::Set => "set",
            StepKind::AddCountry => "add_country",
            StepKind::Delete => "delete",
        }
    }
}

/// The rows a bulk fix is for: those whose cell in `column` holds `text`
/// (ignoring case and the spaces around it), as the whole cell or as a part
/// of it. Blank `text` as a part matches every row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RowFilter {
    /// The column's index in the file.
    pub column: usize,
    /// The text looked for.
    pub text: String,
    /// Whether the cell must be `text` itself (else it must contain it).
    pub whole_cell: bool,
}

impl RowFilter {
    /// Whether `record` is one of the filter's rows.
    pub fn matches(&self, record: &Record) -> bool {
        let cell = record.get(self.column).unwrap_or("").trim().to_lowercase();
        let text = self.text.trim().to_lowercase();
        if self.whole_cell {
            cell == text
        } else {
            cell.contains(&text)
        }
    }
}

/// A change to every row of the table it matches at once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "fix")]
pub enum Fix {
    /// `find` replaced by `with` in one column: the whole cell when it is
    /// `find` (spaces around it ignored), or every place it holds `find`.
    /// Case counts: `Email` is not `email`.
    Replace {
        /// The column's index in the file.
        column: usize,
        /// The text replaced (not blank).
        find: String,
        /// What replaces it.
        with: String,
        /// Whether only cells that are `find` itself change.
        whole_cell: bool,
    },
    /// One column set to `value` in the rows `rows` matches.
    Set {
        /// The column's index in the file.
        column: usize,
        /// The value written.
        value: String,
        /// The rows changed.
        rows: RowFilter,
    },
    /// Numbers in one column written without a country code (no `+`, no
    /// `00`) rewritten in E.164 with `region`'s code, where they are valid
    /// numbers of that region; others are left as they are.
    AddCountry {
        /// The column's index in the file.
        column: usize,
        /// The region's code, such as `GB`.
        region: String,
    },
    /// The rows `rows` matches taken out of the list.
    Delete {
        /// The rows deleted.
        rows: RowFilter,
    },
}

impl Fix {
    /// What kind of step it is.
    pub const fn kind(&self) -> StepKind {
        match self {
            Fix::Replace { .. } => StepKind::Replace,
            Fix::Set { .. } => StepKind::Set,
            Fix::AddCountry { .. } => StepKind::AddCountry,
            Fix::Delete { .. } => StepKind::Delete,
        }
    }

    /// The column it writes, if it writes one.
    pub const fn column(&self) -> Option<usize> {
        match self {
            Fix::Replace { column, .. }
            | Fix::Set { column, .. }
            | Fix::AddCountry { column, .. } => Some(*column),
            Fix::Delete { .. } => None,
        }
    }

    /// What it does to a row's cell `cell` of its column: the new value,
    /// or `None` when the row is left as it is.
    fn rewrite(&self, record: &Record, cell: &str) -> Option<String> {
        let new = match self {
            Fix::Replace {
                find,
                with,
                whole_cell,
                ..
            } => {
                if find.is_empty() {
                    return None;
                }
                if *whole_cell {
                    (cell.trim() == find.trim()).then(|| with.clone())?
                } else {
                    cell.replace(find.as_str(), with)
                }
            }
            Fix::Set { value, rows, .. } => {
                if !rows.matches(record) {
                    return None;
                }
                value.clone()
            }
            Fix::AddCountry { region, .. } => with_country(cell, region)?,
            Fix::Delete { .. } => return None,
        };
        (new != cell).then_some(new)
    }
}

/// `cell` in E.164 when it is a number of `region` written without a
/// country code.
fn with_country(cell: &str, region: &str) -> Option<String> {
    let text = cell.trim();
    if text.is_empty() || text.starts_with('+') || text.starts_with("00") {
        return None;
    }
    let rules = PhoneRules {
        region: Some(parse_region(region)?),
        region_forced: true,
        nanp_only: false,
        allowed: Vec::new(),
        style: PhoneStyle::E164,
    };
    normalize_phone(text, &rules).ok().map(|phone| phone.e164)
}

/// Changes undone and redone together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "step")]
pub enum Step {
    /// One row's cells typed over.
    Edit {
        /// The cells changed, in order.
        changes: Vec<CellChange>,
    },
    /// A bulk fix of every table row from `from_row` on (the rows above
    /// are titles and the header).
    Fix {
        /// The fix.
        fix: Fix,
        /// The first row of the table.
        from_row: u64,
    },
}

impl Step {
    /// One row's cells typed over: a change for each cell that differs
    /// between `before` and `after` (a row shorter than the other counts
    /// its missing cells as blank). `None` when nothing differs.
    pub fn edit(row: u64, before: &[String], after: &[String]) -> Option<Step> {
        let width = before.len().max(after.len());
        let cell = |cells: &[String], c: usize| cells.get(c).cloned().unwrap_or_default();
        let changes: Vec<CellChange> = (0..width)
            .filter(|&c| cell(before, c) != cell(after, c))
            .map(|column| CellChange {
                row,
                column,
                before: cell(before, column),
                after: cell(after, column),
            })
            .collect();
        (!changes.is_empty()).then_some(Step::Edit { changes })
    }

    /// What kind of step it is.
    pub const fn kind(&self) -> StepKind {
        match self {
            Step::Edit { .. } => StepKind::Edit,
            Step::Fix { fix, .. } => fix.kind(),
        }
    }

    /// The cells it types over (none for a fix: a check finds the cells a
    /// fix changes and tells its sink).
    pub fn typed(&self) -> &[CellChange] {
        match self {
            Step::Edit { changes } => changes,
            Step::Fix { .. } => &[],
        }
    }
}

/// The merchant's steps, with undo and redo.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    done: Vec<Step>,
    undone: Vec<Step>,
}

impl History {
    /// Takes `step` (a new step ends what could be redone).
    pub fn push(&mut self, step: Step) {
        self.done.push(step);
        self.undone.clear();
    }

    /// Reverses the last step done; `false` when there is none.
    pub fn undo(&mut self) -> bool {
        self.done.pop().map(|s| self.undone.push(s)).is_some()
    }

    /// Does the last step undone again; `false` when there is none.
    pub fn redo(&mut self) -> bool {
        self.undone.pop().map(|s| self.done.push(s)).is_some()
    }

    /// Whether there is a step to undo.
    pub fn can_undo(&self) -> bool {
        !self.done.is_empty()
    }

    /// Whether there is a step to redo.
    pub fn can_redo(&self) -> bool {
        !self.undone.is_empty()
    }

    /// The steps done, oldest first.
    pub fn steps(&self) -> &[Step] {
        &self.done
    }

    /// The edits the steps done add up to, in their order: runs of typed
    /// edits fold into each cell's latest value; each fix stays a pass.
    pub fn edits(&self) -> Edits {
        let mut passes: Vec<Pass> = Vec::new();
        for (index, step) in self.done.iter().enumerate() {
            match step {
                Step::Edit { changes } => {
                    if !matches!(passes.last(), Some(Pass::Typed(_))) {
                        passes.push(Pass::Typed(BTreeMap::new()));
                    }
                    let Some(Pass::Typed(rows)) = passes.last_mut() else {
                        unreachable!("a typed pass was just pushed")
                    };
                    for change in changes {
                        rows.entry(change.row)
                            .or_default()
                            .insert(change.column, change.after.clone());
                    }
                }
                Step::Fix { fix, from_row } => passes.push(Pass::Fix {
                    step: index,
                    fix: fix.clone(),
                    from_row: *from_row,
                }),
            }
        }
        Edits { passes }
    }
}

/// One pass of [`Edits`] over a record.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Pass {
    /// Cell values typed over, by row number and column.
    Typed(BTreeMap<u64, BTreeMap<usize, String>>),
    /// A fix, with the index of its step.
    Fix {
        step: usize,
        fix: Fix,
        from_row: u64,
    },
}

/// What [`Edits::apply`] made of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Applied {
    /// Nothing changed it.
    Unchanged,
    /// It, changed.
    Changed(Record),
    /// A fix deleted it.
    Deleted,
}

/// The merchant's changes as a check applies them to each record.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Edits {
    passes: Vec<Pass>,
}

impl Edits {
    /// Whether nothing is changed.
    pub fn is_empty(&self) -> bool {
        self.passes.is_empty()
    }

    /// Whether a cell of row `row` was typed over.
    pub fn touches(&self, row: u64) -> bool {
        self.passes
            .iter()
            .any(|pass| matches!(pass, Pass::Typed(rows) if rows.contains_key(&row)))
    }

    /// `record` after the changes, pass by pass. Fixes leave blank rows and
    /// rows above the table alone; `on_fix(step, change)` hears each cell a
    /// fix changed (every cell with a value, for a row deleted). A record
    /// shorter than a changed column is padded with blank cells up to it.
    pub fn apply(&self, record: &Record, on_fix: &mut dyn FnMut(usize, CellChange)) -> Applied {
        let mut changed: Option<Record> = None;
        for pass in &self.passes {
            let now = changed.as_ref().unwrap_or(record);
            match pass {
                Pass::Typed(rows) => {
                    if let Some(cells) = rows.get(&now.row()) {
                        changed =
                            Some(with_cells(now, cells.iter().map(|(c, v)| (*c, v.as_str()))));
                    }
                }
                Pass::Fix {
                    step,
                    fix,
                    from_row,
                } => {
                    if now.row() < *from_row || now.is_blank() {
                        continue;
                    }
                    if let Fix::Delete { rows } = fix {
                        if rows.matches(now) {
                            for (column, cell) in
                                now.cells().enumerate().filter(|(_, v)| !v.is_empty())
                            {
                                on_fix(
                                    *step,
                                    CellChange {
                                        row: now.row(),
                                        column,
                                        before: cell.to_owned(),
                                        after: String::new(),
                                    },
                                );
                            }
                            return Applied::Deleted;
                        }
                        continue;
                    }
                    let Some(column) = fix.column() else { continue };
                    let cell = now.get(column).unwrap_or("");
                    if let Some(new) = fix.rewrite(now, cell) {
                        on_fix(
                            *step,
                            CellChange {
                                row: now.row(),
                                column,
                                before: cell.to_owned(),
                                after: new.clone(),
                            },
                        );
                        changed = Some(with_cells(now, [(column, new.as_str())]));
                    }
                }
            }
        }
        changed.map_or(Applied::Unchanged, Applied::Changed)
    }
}

/// `record` with the cells `cells` (column, value) written over.
fn with_cells<'a>(
    record: &Record,
    cells: impl IntoIterator<Item = (usize, &'a str)> + Clone,
) -> Record {
    let width = cells
        .clone()
        .into_iter()
        .map(|(c, _)| c + 1)
        .fold(record.len(), usize::max);
    let mut values: Vec<&str> = (0..width).map(|c| record.get(c).unwrap_or("")).collect();
    for (column, value) in cells {
        values[column] = value;
    }
    Record::from_cells(record.row(), &values)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| (*v).to_owned()).collect()
    }

    /// `record` after `edits`, `None` when unchanged, with the fixes' changes.
    fn applied(edits: &Edits, record: &Record) -> (Option<Record>, Vec<(usize, CellChange)>) {
        let mut heard = Vec::new();
        let record = match edits.apply(record, &mut |step, change| heard.push((step, change))) {
            Applied::Unchanged => None,
            Applied::Changed(record) => Some(record),
            Applied::Deleted => Some(Record::from_cells(0, &["deleted"])),
        };
        (record, heard)
    }

    #[test]
    fn an_edit_records_only_the_cells_that_differ() {
        let step = Step::edit(4, &cells(&["Ann", "0791"]), &cells(&["Ann", "+44791", "x"]))
            .expect("two cells differ");
        assert_eq!(
            step.typed(),
            [
                CellChange {
                    row: 4,
                    column: 1,
                    before: "0791".into(),
                    after: "+44791".into()
                },
                CellChange {
                    row: 4,
                    column: 2,
                    before: String::new(),
                    after: "x".into()
                },
            ]
        );
        assert_eq!(Step::edit(4, &cells(&["a"]), &cells(&["a", ""])), None);
    }

    #[test]
    fn undo_and_redo_move_steps_and_the_latest_value_wins() {
        let mut history = History::default();
        let step = |row, before: &str, after: &str| {
            Step::edit(row, &cells(&[before]), &cells(&[after])).expect("a change")
        };
        history.push(step(2, "a", "b"));
        history.push(step(2, "b", "c"));
        history.push(step(3, "x", "y"));
        let record = Record::from_cells(2, &["a", "keep"]);
        let edited = applied(&history.edits(), &record)
            .0
            .expect("row 2 is edited");
        assert_eq!(edited.cells().collect::<Vec<_>>(), ["c", "keep"]);
        assert!(history.undo() && history.undo());
        assert!(history.can_redo());
        let edited = applied(&history.edits(), &record)
            .0
            .expect("row 2 is edited");
        assert_eq!(edited.get(0), Some("b"));
        assert!(!history.edits().touches(3));
        assert!(history.redo());
        assert_eq!(
            applied(&history.edits(), &record).0.unwrap().get(0),
            Some("c")
        );
        // A new step ends the redo.
        history.push(step(5, "", "z"));
        assert!(!history.redo());
        assert_eq!(history.steps().len(), 3);
        assert!(history.undo() && history.undo() && history.undo() && !history.undo());
        assert!(history.edits().is_empty());
        assert_eq!(applied(&history.edits(), &record).0, None);
    }

    #[test]
    fn an_edit_past_the_last_cell_pads_the_record() {
        let mut history = History::default();
        history.push(Step::edit(7, &cells(&["a"]), &cells(&["a", "", "c"])).unwrap());
        let edited = applied(&history.edits(), &Record::from_cells(7, &["a"]))
            .0
            .unwrap();
        assert_eq!(edited.cells().collect::<Vec<_>>(), ["a", "", "c"]);
        assert_eq!(edited.row(), 7);
    }

    fn fix(fix: Fix) -> Step {
        Step::Fix { fix, from_row: 2 }
    }

    #[test]
    fn fixes_change_the_rows_they_match_in_step_order_and_tell_each_change() {
        let mut history = History::default();
        history.push(
            Step::edit(
                3,
                &cells(&["07911 123456", "web"]),
                &cells(&["07911 123457", "web"]),
            )
            .unwrap(),
        );
        history.push(fix(Fix::AddCountry {
            column: 0,
            region: "gb".into(),
        }));
        history.push(fix(Fix::Replace {
            column: 1,
            find: "web".into(),
            with: "website".into(),
            whole_cell: false,
        }));
        history.push(fix(Fix::Set {
            column: 2,
            value: "whatsapp".into(),
            rows: RowFilter {
                column: 1,
                text: "WEBSITE".into(),
                whole_cell: true,
            },
        }));
        let edits = history.edits();
        let (row, heard) = applied(&edits, &Record::from_cells(3, &["07911 123456", "web"]));
        assert_eq!(
            row.expect("changed").cells().collect::<Vec<_>>(),
            ["+447911123457", "website", "whatsapp"]
        );
        let steps: Vec<(usize, &str, &str)> = heard
            .iter()
            .map(|(s, c)| (*s, c.before.as_str(), c.after.as_str()))
            .collect();
        assert_eq!(
            steps,
            [
                (1, "07911 123457", "+447911123457"),
                (2, "web", "website"),
                (3, "", "whatsapp")
            ]
        );
        // The header row and blank rows are not the table's rows.
        let (header, heard) = applied(&edits, &Record::from_cells(1, &["web", "web"]));
        assert_eq!((header, heard.len()), (None, 0));
        assert_eq!(applied(&edits, &Record::from_cells(4, &["", ""])).0, None);
        // An international number, and one the region does not have, stay.
        assert_eq!(with_country("+44 7911 123456", "GB"), None);
        assert_eq!(with_country("0044 7911 123456", "GB"), None);
        assert_eq!(with_country("12", "GB"), None);
    }

    #[test]
    fn replacing_the_whole_cell_leaves_cells_that_only_contain_it() {
        let whole = Fix::Replace {
            column: 0,
            find: "sms".into(),
            with: "SMS".into(),
            whole_cell: true,
        };
        let record = Record::from_cells(5, &["sms only"]);
        assert_eq!(whole.rewrite(&record, "sms only"), None);
        assert_eq!(whole.rewrite(&record, " sms "), Some("SMS".into()));
        let part = Fix::Replace {
            column: 0,
            find: "sms".into(),
            with: "SMS".into(),
            whole_cell: false,
        };
        assert_eq!(
            part.rewrite(&record, "sms only, sms"),
            Some("SMS only, SMS".into())
        );
        let blank = Fix::Replace {
            column: 0,
            find: String::new(),
            with: "x".into(),
            whole_cell: false,
        };
        assert_eq!(blank.rewrite(&record, "a"), None);
    }

    #[test]
    fn a_deleted_row_is_told_cell_by_cell_and_later_steps_do_not_see_it() {
        let mut history = History::default();
        history.push(fix(Fix::Delete {
            rows: RowFilter {
                column: 1,
                text: "tablet".into(),
                whole_cell: false,
            },
        }));
        history.push(fix(Fix::Set {
            column: 0,
            value: "x".into(),
            rows: RowFilter {
                column: 0,
                text: String::new(),
                whole_cell: false,
            },
        }));
        let edits = history.edits();
        let mut heard = Vec::new();
        let record = Record::from_cells(9, &["Ann", "In-store Tablet", ""]);
        assert_eq!(
            edits.apply(&record, &mut |s, c| heard.push((s, c))),
            Applied::Deleted
        );
        assert_eq!(heard.len(), 2);
        assert!(
            heard
                .iter()
                .all(|(step, c)| *step == 0 && c.after.is_empty() && c.row == 9)
        );
        let kept = Record::from_cells(10, &["Bo", "web"]);
        assert_eq!(
            edits.apply(&kept, &mut |_, _| {}),
            Applied::Changed(Record::from_cells(10, &["x", "web"]))
        );
    }
}
