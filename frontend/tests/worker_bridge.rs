//! The worker bridge and the file slicing, in a real dedicated worker in
//! headless Chromium (`scripts/test` runs these with wasm-bindgen-test).
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Uint8Array};
use listgate_core::edits::{Fix, History, RowFilter, Step};
use listgate_core::{CheckOptions, JudgeOptions, Outputs, Profile, check_bytes};
use listgate_frontend::protocol::{Request, Response, RowQuery, Settings};
use listgate_frontend::worker::{SLICE_BYTES, read_head, read_slices, respond, set};
use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;
use web_sys::Blob;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

const MESSY: &[u8] = include_bytes!("../../tests/fixtures/whatsapp_messy.csv");

fn blob(bytes: &[u8]) -> Blob {
    Blob::new_with_u8_array_sequence(&Array::of1(&Uint8Array::from(bytes))).unwrap()
}

fn settings() -> Settings {
    Settings {
        profile: "whatsapp".into(),
        options: CheckOptions {
            judging: JudgeOptions {
                default_region: Some("GB".into()),
                business_name: Some("Acme Boutique".into()),
                ..JudgeOptions::default()
            },
            ..CheckOptions::default()
        },
    }
}

/// A check of the file as loaded, without edits.
fn check(settings: Settings) -> Request {
    Request::Check {
        settings,
        history: History::default(),
        preview: false,
    }
}

/// Sends one request as the page does and collects every answer.
fn ask(request: &Request, file: Option<&Blob>) -> Vec<(Response, Option<Array>)> {
    let message = js_sys::Object::new();
    let json = serde_json::to_string(request).unwrap();
    set(&message, "json", &JsValue::from_str(&json));
    if let Some(file) = file {
        set(&message, "file", file);
    }
    let mut answers = Vec::new();
    respond(&message.into(), &mut |response, blobs| {
        answers.push((response, blobs))
    });
    answers
}

/// A list larger than several slices: the messy fixture's rows repeated.
fn big_list(min_bytes: usize) -> Vec<u8> {
    let text = std::str::from_utf8(MESSY).unwrap();
    let (header, body) = text.split_once('\n').unwrap();
    let mut out = format!("{header}\n").into_bytes();
    while out.len() < min_bytes {
        out.extend_from_slice(body.as_bytes());
        if !body.ends_with('\n') {
            out.push(b'\n');
        }
    }
    out
}

#[wasm_bindgen_test]
fn slices_cover_the_file_exactly_in_order() {
    let bytes: Vec<u8> = (0..100_000u32).map(|i| (i % 251) as u8).collect();
    for slice in [1, 7, 4096, 65_536, 1 << 20] {
        // One browser read per slice: tiny slices on a short prefix.
        let bytes = &bytes[..bytes.len().min(slice * 3000)];
        let mut seen = Vec::new();
        let mut offsets = Vec::new();
        read_slices(&blob(bytes), slice, |part, end| {
            assert!(part.len() <= slice);
            seen.extend_from_slice(part);
            offsets.push(end);
            Ok::<(), ()>(())
        })
        .unwrap()
        .unwrap();
        assert_eq!(seen, bytes, "slice {slice}");
        assert_eq!(*offsets.last().unwrap(), bytes.len() as u64);
        assert!(offsets.windows(2).all(|w| w[0] < w[1]));
    }
    assert_eq!(read_head(&blob(&bytes), 10).unwrap(), bytes[..10]);
    assert_eq!(read_head(&blob(b"ab"), 10).unwrap(), b"ab");
}

#[wasm_bindgen_test]
fn a_slice_callback_error_stops_the_reading() {
    let mut calls = 0;
    let result = read_slices(&blob(&[0; 100]), 10, |_, _| {
        calls += 1;
        if calls == 3 { Err("stop") } else { Ok(()) }
    })
    .unwrap();
    assert_eq!(result, Err("stop"));
    assert_eq!(calls, 3);
}

#[wasm_bindgen_test]
fn a_check_through_the_bridge_equals_core_on_the_whole_file() {
    let bytes = big_list(3 * SLICE_BYTES + 12_345);
    let answers = ask(&check(settings()), Some(&blob(&bytes)));
    let progress: Vec<_> = answers
        .iter()
        .filter_map(|(r, _)| match r {
            Response::Progress(p) => Some(*p),
            _ => None,
        })
        .collect();
    assert!(
        progress.len() >= 4,
        "progress after every slice: {}",
        progress.len()
    );
    assert!(
        progress
            .windows(2)
            .all(|w| w[0].bytes_done <= w[1].bytes_done)
    );
    let last = progress.last().unwrap();
    assert_eq!(last.bytes_done, bytes.len() as u64);

    let (Response::Checked(checked), Some(blobs)) = answers.last().cloned().unwrap() else {
        panic!("the last answer is the result");
    };
    let mut outputs = Outputs::default();
    let expected = check_bytes(
        &bytes,
        Profile::builtin("whatsapp").unwrap(),
        settings().options,
        &mut outputs,
    )
    .unwrap();
    // The page gets the report without its issue list (it pages through the
    // rows instead); report.json has it all.
    assert_eq!(
        checked.report,
        listgate_core::Report {
            issues: Vec::new(),
            ..expected.clone()
        }
    );
    assert_eq!(last.rows_done, expected.summary.rows);
    // One blob per download; the clean and error files are byte for byte core's.
    assert_eq!(blobs.length() as usize, checked.files.len());
    for (index, name, want) in [
        (0, "clean.csv", &outputs.clean),
        (1, "errors.csv", &outputs.errors),
    ] {
        assert_eq!(checked.files[index].file.name(), name);
        let file: Blob = blobs.get(index as u32).into();
        assert_eq!(&read_head(&file, 1 << 30).unwrap(), want, "{name}");
    }
    let report_json: Blob = blobs.get(checked.files.len() as u32 - 2).into();
    let full: listgate_core::Report =
        serde_json::from_slice(&read_head(&report_json, 1 << 30).unwrap()).unwrap();
    assert_eq!(full, expected);

    // Every row with an issue can be paged through, filtered by code.
    let rows_with_issues: std::collections::BTreeSet<u64> =
        expected.issues.iter().map(|i| i.row).collect();
    assert_eq!(checked.rows_kept, rows_with_issues.len() as u64);
    assert_eq!(checked.rows_not_kept, 0);
    let page = |query: RowQuery| match ask(&Request::Rows(query), None).remove(0).0 {
        Response::Rows(page) => page,
        other => panic!("{other:?}"),
    };
    let all = page(RowQuery {
        offset: 5,
        limit: 7,
        ..RowQuery::default()
    });
    assert_eq!(all.matching, rows_with_issues.len());
    let wanted: Vec<u64> = rows_with_issues.iter().copied().skip(5).take(7).collect();
    assert_eq!(all.rows.iter().map(|r| r.row).collect::<Vec<_>>(), wanted);
    let code = expected.issue_counts[0].code.as_str().to_owned();
    let by_code = page(RowQuery {
        code: code.clone(),
        limit: usize::MAX,
        ..RowQuery::default()
    });
    let rows_with_code: std::collections::BTreeSet<u64> = expected
        .issues
        .iter()
        .filter(|i| i.code.as_str() == code)
        .map(|i| i.row)
        .collect();
    assert_eq!(by_code.matching, rows_with_code.len());
}

#[wasm_bindgen_test]
fn a_preview_reads_the_layout_and_suggests_the_mapping() {
    let answers = ask(&Request::Preview(settings()), Some(&blob(MESSY)));
    let [(Response::Preview(preview), None)] = answers.as_slice() else {
        panic!("one preview answer: {answers:?}");
    };
    assert_eq!(preview.file.delimiter.as_deref(), Some(","));
    assert!(preview.mapping.contains_key("phone"));
    assert!(!preview.rows.is_empty());
}

#[wasm_bindgen_test]
fn refusals_and_bad_requests_come_back_as_failures() {
    let empty = ask(&check(settings()), Some(&blob(b"")));
    assert!(
        matches!(&empty[..], [.., (Response::Failed(f), _)] if f.message.contains("empty")),
        "{empty:?}"
    );
    let mut unknown = settings();
    unknown.profile = "fax".into();
    let answers = ask(&check(unknown), Some(&blob(MESSY)));
    assert!(matches!(&answers[..], [(Response::Failed(_), None)]));
    let no_file = ask(&Request::Preview(settings()), None);
    assert!(matches!(&no_file[..], [(Response::Failed(f), None)] if f.fix.is_some()));
    let mut garbage = Vec::new();
    let message = js_sys::Object::new();
    set(
        &message,
        "json",
        &JsValue::from_str("{\"kind\":\"nonsense\"}"),
    );
    respond(&message.into(), &mut |r, _| garbage.push(r));
    assert!(matches!(&garbage[..], [Response::Failed(_)]));
}

#[wasm_bindgen_test]
fn an_edited_row_is_checked_again_with_the_same_mapping() {
    let columns: Vec<String> = [
        "phone",
        "opt_in_at",
        "opt_in_source",
        "opt_in_text",
        "opt_in_channel",
    ]
    .map(String::from)
    .to_vec();
    let wording = "Yes to WhatsApp offers from Acme Boutique";
    let recheck = |phone: &str| {
        let cells = [phone, "2025-01-05", "shop", wording, "whatsapp"];
        let answers = ask(
            &Request::Recheck {
                settings: settings(),
                columns: columns.clone(),
                cells: cells.map(String::from).to_vec(),
                row: 42,
            },
            None,
        );
        match answers.into_iter().next().map(|a| a.0) {
            Some(Response::Rechecked(row)) => row,
            other => panic!("{other:?}"),
        }
    };
    let before = recheck("+44 7911 12345");
    assert_eq!(before.row, 42);
    assert!(!before.importable);
    assert_eq!(before.issues[0].column, Some(0), "{before:?}");
    let after = recheck("+44 7911 123456");
    assert!(after.importable, "{after:?}");
    assert!(after.issues.is_empty(), "{after:?}");
}

#[wasm_bindgen_test]
fn a_check_with_edits_writes_them_into_the_downloads_and_keeps_the_edited_rows() {
    // Unique contacts over more than two slices, the last with a bad number.
    let wording = "Yes to WhatsApp offers from Acme Boutique";
    let row = |phone: &str| format!("{phone},2025-01-05,shop,{wording},whatsapp");
    let header = "phone,opt_in_at,opt_in_source,opt_in_text,opt_in_channel";
    let mut text = format!("{header}\n");
    let mut n = 0;
    while text.len() < 2 * SLICE_BYTES {
        text.push_str(&row(&format!("+447911{n:06}")));
        text.push('\n');
        n += 1;
    }
    text.push_str(&row("not a number"));
    text.push('\n');
    let last = n as u64 + 2;
    // The bad number typed over with the first contact's: a duplicate.
    let cells = |line: &str| line.split(',').map(str::to_owned).collect::<Vec<_>>();
    let (before, after) = (cells(&row("not a number")), cells(&row("+447911000000")));
    let mut history = History::default();
    history.push(Step::edit(last, &before, &after).expect("a change"));
    let answers = ask(
        &Request::Check {
            settings: settings(),
            history: history.clone(),
            preview: false,
        },
        Some(&blob(text.as_bytes())),
    );
    let (Response::Checked(checked), Some(blobs)) = answers.last().cloned().unwrap() else {
        panic!("the last answer is the result");
    };
    let edited_file = text.replace("not a number", "+447911000000");
    let mut outputs = Outputs::default();
    let expected = check_bytes(
        edited_file.as_bytes(),
        Profile::builtin("whatsapp").unwrap(),
        settings().options,
        &mut outputs,
    )
    .unwrap();
    assert_eq!(expected.summary.duplicates, 1);
    assert_eq!(checked.report.summary, expected.summary);
    for (index, want) in [(0, &outputs.clean), (1, &outputs.errors)] {
        let file: Blob = blobs.get(index).into();
        assert_eq!(&read_head(&file, 1 << 30).unwrap(), want, "file {index}");
    }
    // The change list is the last download.
    let changes = checked.files.len() - 1;
    assert_eq!(checked.files[changes].file.name(), "changes.csv");
    let csv = read_head(&blobs.get(changes as u32).into(), 1 << 20).unwrap();
    assert_eq!(
        String::from_utf8(csv).unwrap(),
        format!(
            "step,kind,row,column,before,after,consent\r\n1,edit,{last},phone,not a number,+447911000000,no\r\n"
        )
    );
    let Response::Rows(page) = ask(
        &Request::Rows(RowQuery {
            text: last.to_string(),
            limit: 10,
            ..RowQuery::default()
        }),
        None,
    )
    .remove(0)
    .0
    else {
        panic!("a page of rows");
    };
    let edited = page
        .rows
        .iter()
        .find(|r| r.row == last)
        .expect("the edited row is kept");
    assert!(edited.edited);
    assert_eq!(edited.cells, after);
    assert!(
        edited
            .issues
            .iter()
            .any(|i| i.code.as_str() == "phone.duplicate"),
        "judged against the whole list: {:?}",
        edited.issues
    );
}

/// The rows with issues the worker holds, as the page asks for them.
fn rows_with_issues() -> Vec<u64> {
    let query = RowQuery {
        limit: 100,
        ..RowQuery::default()
    };
    let Response::Rows(page) = ask(&Request::Rows(query), None).remove(0).0 else {
        panic!("a page of rows");
    };
    page.rows.iter().map(|r| r.row).collect()
}

#[wasm_bindgen_test]
fn a_previewed_fix_counts_its_rows_and_its_rows_replace_the_tables_only_when_adopted() {
    let file = blob(MESSY);
    ask(&check(settings()), Some(&file));
    let before = rows_with_issues();
    assert!(
        before.contains(&12),
        "row 12's number is a formula: {before:?}"
    );
    // Delete the rows whose source is the tablet (row 6) or whose number is
    // the formula (row 12): two rows, the header untouched.
    let mut history = History::default();
    for text in ["in-store tablet", "hyperlink"] {
        let column = if text == "hyperlink" { 2 } else { 5 };
        history.push(Step::Fix {
            fix: Fix::Delete {
                rows: RowFilter {
                    column,
                    text: text.into(),
                    whole_cell: false,
                },
            },
            from_row: 4,
        });
    }
    let answers = ask(
        &Request::Check {
            settings: settings(),
            history,
            preview: true,
        },
        Some(&file),
    );
    let Some((Response::Checked(checked), Some(blobs))) = answers.last().cloned() else {
        panic!("the last answer is the result");
    };
    assert!(checked.preview);
    assert_eq!(checked.changed, [1, 1]);
    assert_eq!(checked.report.file.deleted_rows, 2);
    let changes = checked.files.len() - 1;
    let csv =
        String::from_utf8(read_head(&blobs.get(changes as u32).into(), 1 << 20).unwrap()).unwrap();
    assert!(csv.lines().skip(1).all(|l| l.contains(",delete,")), "{csv}");
    assert!(
        csv.contains(",delete,12,Mobile,\"'=HYPERLINK"),
        "formulas stay harmless: {csv}"
    );
    // Until it is applied, the table still shows the list without the fix.
    assert_eq!(rows_with_issues(), before);
    ask(&Request::Adopt, None);
    let after = rows_with_issues();
    assert!(!after.contains(&12) && !after.contains(&6), "{after:?}");
}
