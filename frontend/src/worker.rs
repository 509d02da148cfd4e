//! The checking worker: reads the merchant's file in slices and runs core.
//!
//! It runs in a dedicated web worker, so the page never blocks. The file is
//! read with `FileReaderSync` one slice at a time straight into core's
//! streaming checker: there is never a copy of the whole file as a string.

use crate::protocol::{
    Checked, Download, Failure, Listed, MAX_PROBLEM_ROWS, OptOutsUsed, ProblemRow, Progress,
    Request, Response, RowIssue, Settings,
};
use js_sys::{Array, Uint8Array};
use listgate_core::edits::{CellChange, Edits, History};
use listgate_core::output::{ChangeLog, OutputFile, batch_plan_csv, report_json, write_csv_row};
use listgate_core::records::Record;
use listgate_core::suppress::Suppressions;
use listgate_core::{
    CheckOptions, Code, Input, Layout, Outputs, Profile, Report, RowVerdict, Segment, Sink,
    check_bytes, check_input, preview_input,
};
use std::cell::RefCell;
use std::sync::Arc;
use wasm_bindgen::JsCast;
use wasm_bindgen::prelude::*;
use web_sys::{Blob, BlobPropertyBag, DedicatedWorkerGlobalScope, FileReaderSync, MessageEvent};

/// Bytes read per slice: large enough that crossing into wasm costs little,
/// small enough that progress moves smoothly.
pub const SLICE_BYTES: usize = 1 << 20;

thread_local! {
    /// The last check's rows with issues, for [`Request::Rows`]. A worker
    /// is single-threaded and checks one file at a time.
    static KEPT_ROWS: RefCell<Vec<KeptRow>> = const { RefCell::new(Vec::new()) };
    /// A previewed fix's rows, kept until [`Request::Adopt`] makes them
    /// the last check's (or the next preview replaces them).
    static PREVIEW_ROWS: RefCell<Vec<KeptRow>> = const { RefCell::new(Vec::new()) };
    /// The tenant's opt-outs every check judges rows against.
    static SUPPRESSIONS: RefCell<Option<Arc<Suppressions>>> = RefCell::default();
    /// The JS buffer generated files pass through on their way into Blobs.
    static BLOB_SCRATCH: RefCell<Uint8Array> = RefCell::new(Uint8Array::new_with_length(0));
}

/// Installs the message handler. Called once by the worker binary.
pub fn start() {
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_to = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        respond(&event.data(), &mut |response, blobs| {
            // A message that cannot be posted has nowhere to be reported.
            let _ = reply_to.post_message(&encode(&response, blobs));
        });
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
}

/// Builds a message: `{ json, blobs? }`.
pub fn encode(response: &Response, blobs: Option<Array>) -> JsValue {
    let message = js_sys::Object::new();
    let json = serde_json::to_string(response).unwrap_or_default();
    set(&message, "json", &JsValue::from_str(&json));
    if let Some(blobs) = blobs {
        set(&message, "blobs", &blobs);
    }
    message.into()
}

/// Sets a property on a plain object (which cannot fail).
pub fn set(object: &js_sys::Object, key: &str, value: &JsValue) {
    let _ = js_sys::Reflect::set(object, &JsValue::from_str(key), value);
}

/// Answers one message from the page through `post` (progress may come first).
pub fn respond(data: &JsValue, post: &mut dyn FnMut(Response, Option<Array>)) {
    let failed = |message: String| {
        Response::Failed(Failure {
            message,
            fix: None,
            position: None,
        })
    };
    let request: Request = match js_sys::Reflect::get(data, &"json".into())
        .ok()
        .and_then(|j| j.as_string())
        .map(|j| serde_json::from_str(&j))
    {
        Some(Ok(request)) => request,
        Some(Err(e)) => {
            return post(
                failed(format!("the page sent an unreadable request: {e}")),
                None,
            );
        }
        None => return post(failed("the page sent a request without JSON".into()), None),
    };
    let file = js_sys::Reflect::get(data, &"file".into())
        .ok()
        .and_then(|f| f.dyn_into::<Blob>().ok());
    let result = match (request, file) {
        (Request::Preview(settings), Some(file)) => {
            run_preview(&file, &settings).map(|p| (Response::Preview(p), None))
        }
        (
            Request::Check {
                settings,
                history,
                preview,
            },
            Some(file),
        ) => {
            // A preview leaves the last check's rows in place; a check
            // frees them before it starts.
            let kept = if preview { &PREVIEW_ROWS } else { &KEPT_ROWS };
            kept.with(|rows| rows.borrow_mut().clear());
            run_check(&file, &settings, &history, &mut |progress| {
                post(Response::Progress(progress), None)
            })
            .map(|(checked, blobs, rows)| {
                kept.with(|kept| *kept.borrow_mut() = rows);
                let checked = Checked { preview, ..checked };
                (Response::Checked(Box::new(checked)), Some(blobs))
            })
        }
        (Request::Adopt, _) => {
            PREVIEW_ROWS.with(|preview| KEPT_ROWS.with(|kept| kept.swap(preview)));
            PREVIEW_ROWS.with(|preview| preview.borrow_mut().clear());
            return;
        }
        (Request::Rows(query), _) => Ok((
            Response::Rows(KEPT_ROWS.with(|rows| query.page(&rows.borrow()))),
            None,
        )),
        (
            Request::Recheck {
                settings,
                columns,
                cells,
                row,
            },
            _,
        ) => recheck(&settings, &columns, &cells, row).map(|r| (Response::Rechecked(r), None)),
        (Request::Suppressions { list }, _) => {
            let list = match list.map(|l| l.suppressions()).transpose() {
                Ok(list) => list.map(Arc::new),
                Err(why) => return post(failed(why.to_string()), None),
            };
            SUPPRESSIONS.with(|s| *s.borrow_mut() = list);
            return;
        }
        (_, None) => Err(Failure {
            message: "no file was attached to the request".into(),
            fix: Some("choose the file again".into()),
            position: None,
        }),
    };
    match result {
        Ok((response, blobs)) => post(response, blobs),
        Err(failure) => post(Response::Failed(failure), None),
    }
}

fn browser_failure(what: &str, error: JsValue) -> Failure {
    let detail = error
        .dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .or_else(|| error.as_string())
        .unwrap_or_default();
    Failure {
        position: None,
        message: format!("the browser could not {what}: {detail}"),
        fix: Some("choose the file again; if it was moved or changed, pick the new copy".into()),
    }
}

fn profile(settings: &Settings) -> Result<Profile, Failure> {
    Profile::builtin(&settings.profile).map_err(|e| Failure {
        message: e.to_string(),
        fix: None,
        position: None,
    })
}

/// Reads `blob` from `start` in slices of `slice` bytes, calling `each` with
/// every slice and the offset after it, until the end or `each` fails.
pub fn read_slices<E>(
    blob: &Blob,
    slice: usize,
    mut each: impl FnMut(&[u8], u64) -> Result<(), E>,
) -> Result<Result<(), E>, JsValue> {
    let reader = FileReaderSync::new()?;
    let size = blob.size();
    let mut buffer = Vec::with_capacity(slice);
    let mut offset = 0.0;
    while offset < size {
        let end = (offset + slice as f64).min(size);
        let part = blob.slice_with_f64_and_f64(offset, end)?;
        let buffer_js = reader.read_as_array_buffer(&part)?;
        let bytes = Uint8Array::new(&buffer_js);
        buffer.resize(bytes.length() as usize, 0);
        bytes.copy_to(&mut buffer);
        offset = end;
        if let Err(e) = each(&buffer, offset as u64) {
            return Ok(Err(e));
        }
    }
    Ok(Ok(()))
}

/// Reads the first `len` bytes of `blob` (all of it when shorter).
pub fn read_head(blob: &Blob, len: usize) -> Result<Vec<u8>, JsValue> {
    let mut head = Vec::new();
    let part = blob.slice_with_f64_and_f64(0.0, blob.size().min(len as f64))?;
    read_slices(&part, len.max(1), |bytes, _| {
        head.extend_from_slice(bytes);
        Ok::<(), ()>(())
    })?
    .ok();
    Ok(head)
}

fn read_all(blob: &Blob) -> Result<Vec<u8>, Failure> {
    read_head(blob, blob.size() as usize).map_err(|e| browser_failure("read the file", e))
}

/// The merchant's file as core's driver reads it: in [`SLICE_BYTES`] slices.
struct BlobInput<'a>(&'a Blob);

impl Input for BlobInput<'_> {
    type Error = Failure;

    fn head(&mut self, len: usize) -> Result<Vec<u8>, Failure> {
        read_head(self.0, len).map_err(|e| browser_failure("read the file", e))
    }

    fn read_all(&mut self) -> Result<Vec<u8>, Failure> {
        read_all(self.0)
    }

    fn each_chunk(
        &mut self,
        mut each: impl FnMut(&[u8]) -> Result<(), Failure>,
    ) -> Result<(), Failure> {
        read_slices(self.0, SLICE_BYTES, |bytes, _| each(bytes))
            .map_err(|e| browser_failure("read the file", e))?
    }
}

/// `options` with the tenant's opt-outs, when the page sent them.
fn judged(options: &CheckOptions) -> CheckOptions {
    let mut options = options.clone();
    if let Some(list) = SUPPRESSIONS.with(|s| s.borrow().clone()) {
        options.judging.suppressions = list;
    }
    options
}

fn run_preview(file: &Blob, settings: &Settings) -> Result<listgate_core::Preview, Failure> {
    let profile = profile(settings)?;
    preview_input(&mut BlobInput(file), &profile, &settings.options)
}

/// Checks the whole file with the merchant's changes in `history`: progress
/// after every slice, then the report, the rows with issues (and the edited
/// ones) and one blob per download (`changes.csv` once there are changes).
fn run_check(
    file: &Blob,
    settings: &Settings,
    history: &History,
    on_progress: &mut dyn FnMut(Progress),
) -> Result<(Checked, Array, Vec<KeptRow>), Failure> {
    let profile = profile(settings)?;
    let edits = Arc::new(history.edits());
    let mut sink = Collector {
        edits: Arc::clone(&edits),
        history: Some((history.clone(), profile.clone())),
        ..Collector::default()
    };
    let mut spilled = Spilled::default();
    let total = file.size() as u64;
    let report = check_input(
        &mut BlobInput(file),
        profile.clone(),
        CheckOptions {
            edits,
            ..judged(&settings.options)
        },
        &mut sink,
        |sink, done| {
            spilled.spill(&mut sink.outputs, SPILL_BYTES)?;
            on_progress(Progress {
                bytes_done: done,
                bytes_total: total,
                rows_done: sink.rows_done,
            });
            Ok(())
        },
    )?;
    on_progress(Progress {
        bytes_done: total,
        bytes_total: total,
        rows_done: sink.rows_done,
    });
    let mut files = Vec::new();
    let blobs = Array::new();
    spilled.spill(&mut sink.outputs, 0)?;
    for ((file, _, rows), parts) in sink.outputs.files_mut().zip(&spilled.parts) {
        blobs.push(joined(parts, file.mime())?.as_ref());
        files.push(Download::of(file, Some(rows)));
    }
    blobs.push(blob(&report_json(&report), OutputFile::Report.mime())?.as_ref());
    files.push(Download::of(OutputFile::Report, None));
    let batches = OutputFile::Batches;
    blobs.push(blob(&batch_plan_csv(&report.batches), batches.mime())?.as_ref());
    files.push(Download::of(batches, Some(report.batches.len() as u64)));
    let changed = sink
        .changes
        .as_ref()
        .map(ChangeLog::rows_changed)
        .unwrap_or_default();
    if let Some(changes) = sink
        .changes
        .as_ref()
        .filter(|_| !history.steps().is_empty())
    {
        let file = OutputFile::Changes;
        blobs.push(blob(&changes.csv(), file.mime())?.as_ref());
        files.push(Download::of(file, Some(changes.cells_changed())));
    }
    let opt_outs = SUPPRESSIONS.with(|s| s.borrow().as_ref().map(|list| list.len() as u64));
    let held_back = report
        .issue_counts
        .iter()
        .find(|c| c.code == Code::ConsentSuppressed)
        .map_or(0, |c| c.count);
    let checked = Checked {
        opt_outs: opt_outs.map(|entries| OptOutsUsed { entries, held_back }),
        report: Report {
            issues: Vec::new(),
            ..report
        },
        rows_kept: sink.rows.len() as u64,
        rows_not_kept: sink.rows_not_listed,
        files,
        changed,
        preview: false,
    };
    Ok((checked, blobs, sink.rows))
}

/// Output buffered beyond this moves out of WebAssembly memory.
const SPILL_BYTES: usize = 1 << 20;

/// The generated files leave WebAssembly memory as they grow: each becomes
/// a list of Blob parts, which the browser keeps (on disk if it must), so
/// the worker holds about a slice's worth of output instead of every file
/// twice over (its linear memory never shrinks).
#[derive(Default)]
struct Spilled {
    /// Per file, in [`Outputs::files_mut`] order.
    parts: Vec<Array>,
}

impl Spilled {
    /// Moves every file's buffered bytes, once there are `at_least`, into a part.
    fn spill(&mut self, outputs: &mut Outputs, at_least: usize) -> Result<(), Failure> {
        for (index, (_, bytes, _)) in outputs.files_mut().enumerate() {
            if self.parts.len() <= index {
                self.parts.push(Array::new());
            }
            if !bytes.is_empty() && bytes.len() >= at_least {
                self.parts[index].push(blob(bytes, "text/csv")?.as_ref());
                bytes.clear();
            }
        }
        Ok(())
    }
}

/// One Blob of `parts` (Blobs), without copying them.
fn joined(parts: &Array, mime: &str) -> Result<Blob, Failure> {
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    Blob::new_with_blob_sequence_and_options(parts, &options)
        .map_err(|e| browser_failure("prepare a download", e))
}

fn blob(bytes: &[u8], mime: &str) -> Result<Blob, Failure> {
    let options = BlobPropertyBag::new();
    options.set_type(mime);
    // The bytes pass through one reused JS buffer (the Blob copies them):
    // a fresh copy per part was garbage the size of every file.
    let part = BLOB_SCRATCH.with(|scratch| {
        let mut scratch = scratch.borrow_mut();
        let len = bytes.len() as u32;
        if scratch.length() < len {
            *scratch = Uint8Array::new_with_length(len.next_power_of_two());
        }
        let part = scratch.subarray(0, len);
        part.copy_from(bytes);
        part
    });
    Blob::new_with_u8_array_sequence_and_options(&Array::of1(&part), &options)
        .map_err(|e| browser_failure("prepare a download", e))
}

/// Checks one edited row on its own: every row rule runs; duplicates are
/// judged only within the row (the whole list's check with the edit, which
/// follows, judges them against every row).
pub fn recheck(
    settings: &Settings,
    columns: &[String],
    cells: &[String],
    row: u64,
) -> Result<ProblemRow, Failure> {
    let profile = profile(settings)?;
    let mut csv = Vec::new();
    write_csv_row(&mut csv, columns.iter().map(String::as_str));
    write_csv_row(&mut csv, cells.iter().map(String::as_str));
    // The row is written as listgate writes CSV, in the file's own columns.
    let options = judged(&settings.options).listgate_csv();
    let mut sink = Collector {
        keep_clean_rows: true,
        ..Collector::default()
    };
    let report = check_bytes(&csv, profile, options, &mut sink)?;
    let mut verdict = sink
        .rows
        .pop()
        .ok_or_else(|| Failure {
            message: "the edited row is blank".into(),
            fix: Some("fill in the row or leave it out of the file".into()),
            position: None,
        })?
        .to_problem_row();
    verdict.row = row;
    verdict.importable = report.summary.importable == 1;
    verdict.edited = true;
    Ok(verdict)
}

/// A row kept for the results table: its record (one string for all its
/// cells) rather than a string per cell, which at 200,000 kept rows was
/// the largest thing in the worker's memory.
#[derive(Debug)]
struct KeptRow {
    record: Record,
    /// Cells shown: the file's columns, or more if the row has more.
    width: usize,
    issues: Vec<RowIssue>,
    segment: Segment,
    importable: bool,
    edited: bool,
}

impl Listed for KeptRow {
    fn number(&self) -> u64 {
        self.record.row()
    }

    fn cells(&self) -> impl Iterator<Item = &str> {
        self.record.cells()
    }

    fn issues(&self) -> &[RowIssue] {
        &self.issues
    }

    fn to_problem_row(&self) -> ProblemRow {
        ProblemRow {
            row: self.record.row(),
            cells: (0..self.width)
                .map(|c| self.record.get(c).unwrap_or("").to_owned())
                .collect(),
            issues: self.issues.clone(),
            segment: self.segment,
            importable: self.importable,
            edited: self.edited,
        }
    }
}

/// The sink the worker checks into: the downloads, the rows with issues and
/// the edited rows for the results table, and a row count for progress.
#[derive(Debug, Default)]
struct Collector {
    outputs: Outputs,
    columns: Vec<String>,
    rows_done: u64,
    rows: Vec<KeptRow>,
    rows_not_listed: u64,
    /// Keep rows without issues too (a re-check wants its one row back).
    keep_clean_rows: bool,
    /// The merchant's edits: a row typed over is kept even once it is
    /// clean, so the table shows what the edit did.
    edits: Arc<Edits>,
    /// The merchant's changes and the profile, for the change list.
    history: Option<(History, Profile)>,
    /// The change list, begun with the layout.
    changes: Option<ChangeLog>,
}

impl Sink for Collector {
    fn layout(&mut self, layout: &Layout) {
        self.outputs.layout(layout);
        self.columns = layout.file.columns.clone();
        if let Some((history, profile)) = &self.history {
            self.changes = Some(ChangeLog::new(history.clone(), profile, layout));
        }
    }

    fn fixed(&mut self, step: usize, change: CellChange) {
        if let Some(changes) = &mut self.changes {
            changes.fixed(step, &change);
        }
    }

    fn row(&mut self, verdict: &RowVerdict<'_>) {
        self.outputs.row(verdict);
        self.rows_done += 1;
        let edited = self.edits.touches(verdict.record.row());
        if verdict.issues.is_empty() && !self.keep_clean_rows && !edited {
            return;
        }
        if self.rows.len() >= MAX_PROBLEM_ROWS {
            self.rows_not_listed += 1;
            return;
        }
        self.rows.push(KeptRow {
            record: verdict.record.clone(),
            width: self.columns.len().max(verdict.record.len()),
            issues: verdict
                .issues
                .iter()
                .map(|issue| RowIssue {
                    column: issue
                        .column
                        .as_ref()
                        .and_then(|name| self.columns.iter().position(|c| c == name)),
                    code: issue.code,
                    severity: issue.severity,
                    message: issue.message.clone(),
                })
                .collect(),
            segment: verdict.segment,
            importable: verdict.disposition == listgate_core::Disposition::Clean,
            edited,
        });
    }
}
