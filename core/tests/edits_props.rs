//! Checking a file with the merchant's edits gives exactly what checking
//! the file edited the same way gives: the same report and the same bytes
//! in every output, for any list and any edits (duplicates, header
//! detection and date orders included).

use listgate_core::edits::{Applied, Fix, History, RowFilter, Step};
use listgate_core::records::Record;
mod common;

use common::options;
use listgate_core::{CheckOptions, Checker, Outputs, Profile, Report};
use proptest::prelude::*;
use std::sync::Arc;

fn cell() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("+44 7911 123456".to_owned()),
        Just("07911 123457".to_owned()),
        Just("not a number".to_owned()),
        Just("2025-03-05".to_owned()),
        Just("03/04/2025".to_owned()),
        Just("Yes to Acme offers on WhatsApp".to_owned()),
        Just("whatsapp".to_owned()),
        Just("sms".to_owned()),
        Just("ann@example.com".to_owned()),
        Just("quoted, \"text\"\nline".to_owned()),
        Just(String::new()),
        "[a-zA-Z0-9 @.+-]{0,10}",
    ]
}

/// Every cell quoted, quotes doubled: a file that reads back as `rows`,
/// after `filler` rows that push them past the sample the layout is found
/// from (edits are applied to the sample and to the records after it).
fn csv(filler: usize, rows: &[Vec<String>]) -> Vec<u8> {
    let mut out = String::from("phone,opt_in_at,opt_in_source,opt_in_text,channel,email\n");
    for n in 0..filler {
        out.push_str(&format!(
            "+4479111{n:05},2025-03-05,shop,Yes to Acme,whatsapp,\n"
        ));
    }
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .map(|c| format!("\"{}\"", c.replace('"', "\"\"")))
            .collect();
        out.push_str(&cells.join(","));
        out.push('\n');
    }
    out.into_bytes()
}

/// Checks `bytes` fed in 4 KiB chunks, as a file is read: the records after
/// the first 64 KiB of text are judged as they arrive, not as a sample.
fn check(bytes: &[u8], options: CheckOptions) -> Option<(Report, Vec<Vec<u8>>)> {
    let mut outputs = Outputs::default();
    let profile = Profile::builtin("whatsapp").expect("profile");
    let mut checker = Checker::new(profile, options).ok()?;
    for chunk in bytes.chunks(4096) {
        checker.feed(chunk, &mut outputs).ok()?;
    }
    let report = checker.finish(&mut outputs).ok()?;
    let files = outputs
        .files_mut()
        .map(|(_, bytes, _)| bytes.clone())
        .collect();
    Some((report, files))
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    #[test]
    fn edits_check_as_the_edited_file_does(
        rows in prop::collection::vec(prop::collection::vec(cell(), 6), 1..14),
        edits in prop::collection::vec((0usize..14, 0usize..6, cell()), 0..8),
        undo in 0usize..3,
        past_the_sample in any::<bool>(),
    ) {
        let filler = if past_the_sample { 1_500 } else { 0 };
        let mut edited_rows = rows.clone();
        let mut history = History::default();
        let mut kept = Vec::new();
        for (row, column, value) in edits {
            let row = row % rows.len();
            let before = edited_rows[row].clone();
            let mut after = before.clone();
            after[column] = value;
            // Row 1 is the header: the list's first contact is row 2.
            if let Some(step) = Step::edit((filler + row) as u64 + 2, &before, &after) {
                kept.push((row, before));
                history.push(step);
                edited_rows[row] = after;
            }
        }
        // Undone steps leave the file as it was before them.
        for _ in 0..undo {
            if history.undo() {
                let (row, before) = kept.pop().expect("a step to undo");
                edited_rows[row] = before;
            }
        }
        let with_edits = check(&csv(filler, &rows), CheckOptions {
            edits: Arc::new(history.edits()),
            ..options()
        });
        let edited_file = check(&csv(filler, &edited_rows), options());
        prop_assert_eq!(with_edits, edited_file);
    }
}

/// Bulk fixes of any kind but deletion (which renumbers the rows of a file
/// edited by hand), with texts short enough to be found in cells.
fn fix() -> impl Strategy<Value = Fix> {
    let text = prop_oneof![cell(), "[a-z0-9 +]{1,2}"];
    let filter =
        (0usize..6, text.clone(), any::<bool>()).prop_map(|(column, text, whole_cell)| RowFilter {
            column,
            text,
            whole_cell,
        });
    prop_oneof![
        (0usize..6, text.clone(), text.clone(), any::<bool>()).prop_map(
            |(column, find, with, whole_cell)| Fix::Replace {
                column,
                find,
                with,
                whole_cell
            }
        ),
        (0usize..6, text, filter).prop_map(|(column, value, rows)| Fix::Set {
            column,
            value,
            rows
        }),
        Just(Fix::AddCountry {
            column: 0,
            region: "GB".into()
        }),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(128))]

    /// Typed edits and fixes mixed: the check applies them as it reads, to
    /// the sample and past it, in 4 KiB chunks; the file they are compared
    /// with has each row edited up front.
    #[test]
    fn fixes_check_as_the_fixed_file_does(
        rows in prop::collection::vec(prop::collection::vec(cell(), 6), 1..14),
        steps in prop::collection::vec(
            prop_oneof![
                fix().prop_map(Err),
                (0usize..14, 0usize..6, cell()).prop_map(Ok),
            ],
            0..6,
        ),
        past_the_sample in any::<bool>(),
    ) {
        let filler = if past_the_sample { 1_500 } else { 0 };
        let first = filler as u64 + 2;
        let mut history = History::default();
        for step in steps {
            match step {
                Err(fix) => history.push(Step::Fix { fix, from_row: first }),
                Ok((row, column, value)) => {
                    let row = row % rows.len();
                    let mut after = rows[row].clone();
                    after[column] = value;
                    if let Some(step) = Step::edit(first + row as u64, &rows[row], &after) {
                        history.push(step);
                    }
                }
            }
        }
        let edits = history.edits();
        let edited_rows: Vec<Vec<String>> = rows
            .iter()
            .enumerate()
            .map(|(n, row)| {
                let record = Record::from_cells(first + n as u64, row);
                match edits.apply(&record, &mut |_, _| {}) {
                    Applied::Changed(record) => record.cells().map(str::to_owned).collect(),
                    Applied::Unchanged => row.clone(),
                    Applied::Deleted => unreachable!("no deletion is generated"),
                }
            })
            .collect();
        let with_fixes = check(&csv(filler, &rows), CheckOptions {
            edits: Arc::new(edits),
            ..options()
        });
        prop_assert_eq!(with_fixes, check(&csv(filler, &edited_rows), options()));
    }
}

#[test]
fn deleted_rows_leave_the_list_and_are_counted() {
    let row = |phone: &str, source: &str| {
        [
            phone,
            "2025-03-05",
            source,
            "Yes to Acme offers on WhatsApp",
            "whatsapp",
            "",
        ]
        .map(str::to_owned)
        .to_vec()
    };
    let rows = vec![
        row("+447911123456", "shop"),
        row("+447911123457", "In-store TABLET"),
        row("bad", "tablet"),
        row("+447911123458", "web"),
    ];
    let mut history = History::default();
    history.push(Step::Fix {
        fix: Fix::Delete {
            rows: RowFilter {
                column: 2,
                text: "tablet".into(),
                whole_cell: false,
            },
        },
        from_row: 2,
    });
    let (report, files) = check(
        &csv(0, &rows),
        CheckOptions {
            edits: Arc::new(history.edits()),
            ..options()
        },
    )
    .expect("a report");
    let kept = vec![rows[0].clone(), rows[3].clone()];
    let (by_hand, by_hand_files) = check(&csv(0, &kept), options()).expect("a report");
    assert_eq!(report.file.deleted_rows, 2);
    assert_eq!(report.summary, by_hand.summary);
    assert_eq!(report.summary.rows, 2);
    // The clean file names no row: it is the file's without the deleted rows.
    assert_eq!(files[0], by_hand_files[0]);
}

#[test]
fn an_edit_that_repeats_another_rows_number_is_a_duplicate() {
    let rows = vec![
        [
            "+447911123456",
            "2025-03-05",
            "shop",
            "Yes to Acme offers on WhatsApp",
            "whatsapp",
            "a@example.com",
        ],
        [
            "not a number",
            "2025-03-05",
            "shop",
            "Yes to Acme offers on WhatsApp",
            "whatsapp",
            "b@example.com",
        ],
    ]
    .into_iter()
    .map(|r| r.map(str::to_owned).to_vec())
    .collect::<Vec<_>>();
    let (before, _) = check(&csv(0, &rows), options()).expect("a report");
    assert_eq!(
        (before.summary.importable, before.summary.duplicates),
        (1, 0)
    );
    let mut fixed = rows[1].clone();
    fixed[0] = "+447911123456".into();
    let mut history = History::default();
    history.push(Step::edit(3, &rows[1], &fixed).expect("a change"));
    let (after, _) = check(
        &csv(0, &rows),
        CheckOptions {
            edits: Arc::new(history.edits()),
            ..options()
        },
    )
    .expect("a report");
    assert_eq!(after.summary.duplicates, 1, "{:?}", after.summary);
    assert_eq!(after.summary.importable, 1);
}
