//! The merchant's changes to a list: cell edits made where the problems are
//! shown, applied to the file's records as it is checked again, so every
//! output (clean file, error file, segments, report) includes them.
//!
//! A [`History`] holds the changes as undoable steps; [`History::edits`]
//! folds the steps still done into [`Edits`], which a check applies (the
//! `edits` of its options). Checking a file with edits gives what checking
//! the file edited the same way gives: the records change, not the
//! verdicts. The output module writes the change list (`changes_csv`).

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
    /// The cell after it.
    pub after: String,
}

/// What a step did, for the change list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    /// One cell typed over.
    Edit,
}

impl StepKind {
    /// Its name in `changes.csv`.
    pub const fn as_str(self) -> &'static str {
        match self {
            StepKind::Edit => "edit",
        }
    }
}

/// Changes undone and redone together.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    /// What made the changes.
    pub kind: StepKind,
    /// The cells changed, in order.
    pub changes: Vec<CellChange>,
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
        (!changes.is_empty()).then_some(Step {
            kind: StepKind::Edit,
            changes,
        })
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

    /// The edits the steps done add up to: each cell's latest value.
    pub fn edits(&self) -> Edits {
        let mut edits = Edits::default();
        for change in self.done.iter().flat_map(|s| &s.changes) {
            edits
                .rows
                .entry(change.row)
                .or_default()
                .insert(change.column, change.after.clone());
        }
        edits
    }
}

/// Cell values to use instead of the file's, by row number and column.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Edits {
    rows: BTreeMap<u64, BTreeMap<usize, String>>,
}

impl Edits {
    /// Whether no cell is changed.
    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Whether row `row` has a changed cell.
    pub fn touches(&self, row: u64) -> bool {
        self.rows.contains_key(&row)
    }

    /// `record` with its edited cells, or `None` when none of its cells is
    /// edited. A record shorter than an edited column is padded with blank
    /// cells up to it.
    pub fn apply(&self, record: &Record) -> Option<Record> {
        let cells = self.rows.get(&record.row())?;
        let width = record
            .len()
            .max(cells.keys().next_back().map_or(0, |c| c + 1));
        let edited: Vec<&str> = (0..width)
            .map(|c| {
                cells
                    .get(&c)
                    .map(String::as_str)
                    .unwrap_or_else(|| record.get(c).unwrap_or(""))
            })
            .collect();
        Some(Record::from_cells(record.row(), &edited))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cells(values: &[&str]) -> Vec<String> {
        values.iter().map(|v| (*v).to_owned()).collect()
    }

    #[test]
    fn an_edit_records_only_the_cells_that_differ() {
        let step = Step::edit(4, &cells(&["Ann", "0791"]), &cells(&["Ann", "+44791", "x"]))
            .expect("two cells differ");
        assert_eq!(
            step.changes,
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
        let edited = history.edits().apply(&record).expect("row 2 is edited");
        assert_eq!(edited.cells().collect::<Vec<_>>(), ["c", "keep"]);
        assert!(history.undo() && history.undo());
        assert!(history.can_redo());
        let edited = history.edits().apply(&record).expect("row 2 is edited");
        assert_eq!(edited.get(0), Some("b"));
        assert!(!history.edits().touches(3));
        assert!(history.redo());
        assert_eq!(history.edits().apply(&record).unwrap().get(0), Some("c"));
        // A new step ends the redo.
        history.push(step(5, "", "z"));
        assert!(!history.redo());
        assert_eq!(history.steps().len(), 3);
        assert!(history.undo() && history.undo() && history.undo() && !history.undo());
        assert!(history.edits().is_empty());
        assert_eq!(history.edits().apply(&record), None);
    }

    #[test]
    fn an_edit_past_the_last_cell_pads_the_record() {
        let mut history = History::default();
        history.push(Step::edit(7, &cells(&["a"]), &cells(&["a", "", "c"])).unwrap());
        let edited = history
            .edits()
            .apply(&Record::from_cells(7, &["a"]))
            .unwrap();
        assert_eq!(edited.cells().collect::<Vec<_>>(), ["a", "", "c"]);
        assert_eq!(edited.row(), 7);
    }
}
