//! `listgate check`: the CLI contract of DESIGN.md.
//!
//! Exit codes: 0 every row importable, 1 some rows rejected, 2 the file was
//! refused or the command was misused (one clear line on stderr).

use anyhow::{Context as _, bail};
use chrono::{DateTime, NaiveDate, Utc};
use clap::Args;
use indicatif::{ProgressBar, ProgressStyle};
use listgate_core::output::{self, OutputFile};
use listgate_core::report::Report;
use listgate_core::suppress::Suppressions;
use listgate_core::{
    Channels, CheckError, CheckLimits, CheckOptions, Encoding, Input, JudgeOptions, Mapping,
    Outputs, Profile, ReadOptions, check_input, fix_for,
};
use std::fs::File;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

const CHUNK: usize = 256 * 1024;
const SHOWN_ISSUES: usize = 20;

#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The list: .csv, .txt, .tsv or .xlsx; `-` reads standard input.
    file: PathBuf,
    /// whatsapp, mongoose, sms-us, email-gdpr, or a path to a .toml profile.
    #[arg(long, default_value = "whatsapp")]
    profile: String,
    /// Map a field to a column header (or letter): --map phone="Mobile number". Repeatable.
    #[arg(long = "map", value_name = "FIELD=Header")]
    map: Vec<String>,
    /// A saved mapping to reuse: JSON `{"field": "Header"}`, e.g. the `mapping` of an earlier report.json.
    #[arg(long, value_name = "FILE")]
    mapping_file: Option<PathBuf>,
    /// Country for numbers written without a country code, e.g. GB.
    #[arg(long, value_name = "CC")]
    default_region: Option<String>,
    /// Date format of the file: strftime (%d/%m/%Y %H:%M) or DD/MM/YYYY style.
    #[arg(long, value_name = "FMT")]
    date_format: Option<String>,
    /// The moment of the check (RFC 3339 or YYYY-MM-DD); default: now.
    #[arg(long, value_name = "RFC3339")]
    now: Option<String>,
    /// Business name the consent wording must mention (required by
    /// whatsapp, whose platform refuses wording that names no brand).
    #[arg(long, value_name = "NAME")]
    business_name: Option<String>,
    /// Write clean.csv, errors.csv, report.json and one CSV per segment here.
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
    /// Print the report as JSON on standard output.
    #[arg(long)]
    json: bool,
    /// The channels all contacts consented to, for lists without a channel
    /// column (`sms`, or several: `sms;email`).
    #[arg(long, value_name = "whatsapp|sms|email")]
    channel: Option<Channels>,
    /// The file has a header row (default: detected).
    #[arg(long, conflicts_with = "no_header")]
    header: bool,
    /// The file has no header row (default: detected).
    #[arg(long)]
    no_header: bool,
    /// Rows to skip above the table (default: detected).
    #[arg(long, value_name = "N")]
    skip_rows: Option<usize>,
    /// Cell delimiter: , ; | or tab (default: detected).
    #[arg(long, value_name = "CHAR")]
    delimiter: Option<String>,
    /// Text encoding, any WHATWG label: utf-8, utf-16le, windows-1252, windows-1251, shift_jis… (default: detected).
    #[arg(long)]
    encoding: Option<Encoding>,
    /// Worksheet to read from an .xlsx workbook (default: the first).
    #[arg(long)]
    sheet: Option<String>,
    /// Email profile: the street column includes the house number; split it out.
    #[arg(long)]
    house_number_in_street: bool,
    /// Mongoose: fill a blank MobileNumber from WhatsAppMobileNumber instead of failing.
    #[arg(long)]
    infer_mobile_number: bool,
    /// Mongoose: existing contacts' numbers may be updated by the import.
    #[arg(long)]
    allow_mobile_number_updates: bool,
    /// Mongoose: a StaffId that exists in the account. Repeatable.
    #[arg(long = "known-staff-id", value_name = "ID")]
    known_staff_ids: Vec<String>,
    /// The tenant's suppression list, a CSV naming a `phone` and/or `email`
    /// column (optional `reason` and `date`): the rows it holds are refused
    /// (`consent.suppressed`) unless their consent is newer than the opt-out.
    #[arg(long, value_name = "FILE")]
    suppressions: Option<PathBuf>,
    /// The input is pasted text (paste limits apply).
    #[arg(long)]
    pasted: bool,
    /// Refuse lists with more contact rows than this.
    #[arg(long, value_name = "N", default_value_t = listgate_core::options::DEFAULT_MAX_ROWS)]
    max_rows: u64,
    /// Refuse rows with more cells than this.
    #[arg(long, value_name = "N", default_value_t = listgate_core::options::DEFAULT_MAX_COLUMNS)]
    max_columns: usize,
    /// Refuse cells longer than this many characters.
    #[arg(long, value_name = "N", default_value_t = listgate_core::options::DEFAULT_MAX_CELL_CHARS)]
    max_cell_chars: usize,
    /// Refuse .xlsx workbooks that unpack to more than this many MB.
    #[arg(long, value_name = "MB", default_value_t = listgate_core::options::DEFAULT_MAX_XLSX_BYTES >> 20)]
    max_xlsx_mb: u64,
    /// Refuse .xlsx worksheets whose rows with values times their width
    /// (up to the rightmost cell) pass this many cells.
    #[arg(long, value_name = "N", default_value_t = listgate_core::options::DEFAULT_MAX_CELLS)]
    max_cells: u64,
    /// Threads that check rows (default: one per core). The verdicts are the
    /// same for any number.
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(u16).range(1..=64))]
    threads: Option<u16>,

    /// Contacts in the first import batch.
    #[arg(long, default_value_t = listgate_core::BatchOptions::DEFAULT_FIRST)]
    batch_first: u64,
    /// Largest import batch.
    #[arg(long, default_value_t = listgate_core::BatchOptions::DEFAULT_CAP)]
    batch_cap: u64,
}

/// A built-in profile name or a path to a TOML profile.
pub fn load_profile(name: &str) -> anyhow::Result<Profile> {
    if name.ends_with(".toml") || Path::new(name).is_file() {
        let text =
            std::fs::read_to_string(name).with_context(|| format!("cannot read profile {name}"))?;
        return Profile::from_toml(&text).with_context(|| format!("profile {name}"));
    }
    Ok(Profile::builtin(name)?)
}

fn parse_now(text: &str) -> anyhow::Result<DateTime<Utc>> {
    if let Ok(t) = DateTime::parse_from_rfc3339(text) {
        return Ok(t.with_timezone(&Utc));
    }
    let date = NaiveDate::parse_from_str(text, "%Y-%m-%d").with_context(|| {
        format!("--now `{text}` is not RFC 3339 (2025-03-05T12:00:00Z) or YYYY-MM-DD")
    })?;
    Ok(date.and_hms_opt(0, 0, 0).unwrap_or_default().and_utc())
}

fn parse_delimiter(text: &str) -> anyhow::Result<char> {
    match text {
        "tab" | "\\t" | "\t" => Ok('\t'),
        "," | ";" | "|" => Ok(text.chars().next().unwrap_or(',')),
        other => bail!("--delimiter `{other}`: use , ; | or tab"),
    }
}

/// The saved mapping (if any) with `--map` pairs on top.
fn mapping(args: &CheckArgs) -> anyhow::Result<Mapping> {
    let mut mapping = match &args.mapping_file {
        Some(path) => {
            let text = std::fs::read_to_string(path)
                .with_context(|| format!("cannot read {}", path.display()))?;
            let value: serde_json::Value = serde_json::from_str(&text)
                .with_context(|| format!("{} is not JSON", path.display()))?;
            // A whole report.json works too: its `mapping` is the saved form.
            let saved = value.get("mapping").cloned().unwrap_or(value);
            serde_json::from_value(saved).with_context(|| {
                format!(
                    "{} is not a mapping like {{\"phone\": \"Mobile\"}}",
                    path.display()
                )
            })?
        }
        None => Mapping::default(),
    };
    mapping.0.extend(
        Mapping::from_pairs(&args.map)
            .map_err(anyhow::Error::msg)?
            .0,
    );
    Ok(mapping)
}

/// The suppression list `--suppressions` names (none without it).
fn suppressions(args: &CheckArgs) -> anyhow::Result<Suppressions> {
    let Some(path) = &args.suppressions else {
        return Ok(Suppressions::default());
    };
    let bytes = std::fs::read(path)
        .with_context(|| format!("cannot read the suppression list {}", path.display()))?;
    Suppressions::from_csv(&bytes, args.default_region.as_deref())
        .with_context(|| format!("{} is not a suppression list", path.display()))
}

fn options(args: &CheckArgs) -> anyhow::Result<CheckOptions> {
    Ok(CheckOptions {
        batches: listgate_core::BatchOptions {
            first: args.batch_first,
            cap: args.batch_cap,
        },
        limits: CheckLimits {
            max_file_bytes: None,
            max_listed_issues: None,
            max_rows: Some(args.max_rows),
            max_columns: Some(args.max_columns),
            max_cell_chars: Some(args.max_cell_chars),
            max_xlsx_bytes: Some(args.max_xlsx_mb.saturating_mul(1 << 20)),
            max_cells: Some(args.max_cells),
            threads: Some(args.threads.map_or_else(
                || std::thread::available_parallelism().map_or(1, usize::from),
                usize::from,
            )),
        },
        reading: ReadOptions {
            header: match (args.header, args.no_header) {
                (true, _) => Some(true),
                (_, true) => Some(false),
                _ => None,
            },
            skip_rows: args.skip_rows,
            delimiter: args.delimiter.as_deref().map(parse_delimiter).transpose()?,
            encoding: args.encoding,
            mapping: mapping(args)?,
            pasted: args.pasted,
            sheet: args.sheet.clone(),
        },
        judging: JudgeOptions {
            default_region: args.default_region.clone(),
            date_format: args.date_format.clone(),
            now: Some(
                args.now
                    .as_deref()
                    .map(parse_now)
                    .transpose()?
                    .unwrap_or_else(Utc::now),
            ),
            business_name: args.business_name.clone(),
            channel: args.channel,
            house_number_in_street: args.house_number_in_street,
            infer_mobile_number: args.infer_mobile_number,
            allow_mobile_number_updates: args.allow_mobile_number_updates,
            known_staff_ids: args.known_staff_ids.clone(),
            suppressions: Arc::new(suppressions(args)?),
        },
        // The CLI checks the file as it is; edits are the app's.
        edits: Default::default(),
    })
}

/// Output files being written as the check goes.
struct OutDir {
    dir: PathBuf,
    files: Vec<(PathBuf, std::io::BufWriter<File>)>,
}

impl OutDir {
    fn create(dir: &Path) -> anyhow::Result<OutDir> {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(OutDir {
            dir: dir.to_owned(),
            files: Vec::new(),
        })
    }

    /// Moves what the checker buffered into the files.
    fn drain(&mut self, outputs: &mut Outputs) -> anyhow::Result<()> {
        for (i, (file, buffer, _)) in outputs.files_mut().enumerate() {
            if i == self.files.len() {
                let path = self.dir.join(format!("{file}.partial"));
                let file = File::create(&path)
                    .with_context(|| format!("cannot create {}", path.display()))?;
                self.files.push((path, std::io::BufWriter::new(file)));
            }
            let (path, writer) = &mut self.files[i];
            writer
                .write_all(buffer)
                .with_context(|| format!("cannot write {}", path.display()))?;
            buffer.clear();
        }
        Ok(())
    }

    /// Completes every file under its final name, and the report.
    fn commit(self, report: &Report) -> anyhow::Result<()> {
        for (path, mut writer) in self.files {
            writer
                .flush()
                .with_context(|| format!("cannot write {}", path.display()))?;
            std::fs::rename(&path, path.with_extension(""))
                .with_context(|| format!("cannot rename {}", path.display()))?;
        }
        for (file, bytes) in [
            (OutputFile::Report, output::report_json(report)),
            (OutputFile::Batches, output::batch_plan_csv(&report.batches)),
        ] {
            let path = self.dir.join(file.name());
            std::fs::write(&path, bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        Ok(())
    }

    /// Removes partial files after a failure: no half-written output stays behind.
    fn abandon(self) {
        for (path, writer) in self.files {
            drop(writer);
            let _ = std::fs::remove_file(path);
        }
    }

    /// Removes partial files after a refusal and writes `report.json`
    /// saying why the file was refused.
    fn abandon_refused(self, refused: Option<&output::Refusal>) -> anyhow::Result<()> {
        let path = self.dir.join(OutputFile::Report.name());
        self.abandon();
        if let Some(refused) = refused {
            std::fs::write(&path, refused.json())
                .with_context(|| format!("cannot write {}", path.display()))?;
        }
        Ok(())
    }
}

fn open_input(path: &Path) -> anyhow::Result<(Box<dyn Read>, Option<u64>, String)> {
    if path.as_os_str() == "-" {
        return Ok((
            Box::new(std::io::stdin().lock()),
            None,
            "standard input".into(),
        ));
    }
    let name = path.display().to_string();
    let file = File::open(path).with_context(|| format!("cannot open {name}"))?;
    let meta = file
        .metadata()
        .with_context(|| format!("cannot read {name}"))?;
    if meta.is_dir() {
        bail!("{name} is a folder, not a file");
    }
    Ok((Box::new(file), Some(meta.len()), name))
}

fn progress_bar(total: Option<u64>) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = match total {
        Some(total) => ProgressBar::new(total),
        None => ProgressBar::new_spinner(),
    };
    let style = ProgressStyle::with_template(
        "{spinner} checking {bytes}/{total_bytes} {bar:30} {bytes_per_sec} ~{eta}",
    )
    .unwrap_or_else(|_| ProgressStyle::default_bar());
    bar.set_style(style);
    bar
}

pub fn run(args: CheckArgs) -> anyhow::Result<ExitCode> {
    let profile = load_profile(&args.profile)?;
    let options = options(&args)?;
    let (mut input, size, name) = open_input(&args.file)?;
    let mut out_dir = args.out_dir.as_deref().map(OutDir::create).transpose()?;
    let mut outputs = Outputs::default();
    let bar = progress_bar(size);

    let result = check_stream(
        &mut *input,
        &name,
        profile,
        options,
        &mut outputs,
        &mut out_dir,
        &bar,
    );
    bar.finish_and_clear();
    let report = match result {
        Ok(report) => report,
        Err(error) => {
            let Some(error) = error.downcast_ref::<CheckError>() else {
                if let Some(dir) = out_dir {
                    dir.abandon();
                }
                return Err(error);
            };
            // A refusal is said on stderr; --out-dir's report.json and
            // --json's stdout say it too, with its position and fix.
            let refused = output::Refusal::of(error);
            if let Some(dir) = out_dir {
                dir.abandon_refused(refused.as_ref())?;
            }
            if let Some(refused) = refused.filter(|_| args.json) {
                let mut stdout = std::io::stdout().lock();
                stdout
                    .write_all(&refused.json())
                    .and_then(|()| writeln!(stdout))
                    .context("cannot write to standard output")?;
            }
            return Err(refusal(&name, error));
        }
    };
    if let Some(mut dir) = out_dir {
        dir.drain(&mut outputs)?;
        dir.commit(&report)?;
    }
    let mut stdout = std::io::stdout().lock();
    if args.json {
        serde_json::to_writer_pretty(&mut stdout, &report)?;
        writeln!(stdout)?;
    } else {
        write_summary(&mut stdout, &name, &report, args.out_dir.as_deref())?;
    }
    Ok(if report.summary.rejected == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn refusal(name: &str, error: &CheckError) -> anyhow::Error {
    match error.fix() {
        Some(fix) => anyhow::anyhow!("{name}: {error}. {fix}"),
        None => anyhow::anyhow!("{name}: {error}"),
    }
}

/// A file or standard input, read in chunks; the first bytes are held so
/// the check can tell a workbook from text before reading on.
struct ReadInput<'a> {
    input: &'a mut dyn Read,
    name: &'a str,
    held: Vec<u8>,
}

impl ReadInput<'_> {
    fn read_some(&mut self, buffer: &mut [u8]) -> anyhow::Result<usize> {
        loop {
            match self.input.read(buffer) {
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                other => return other.with_context(|| format!("cannot read {}", self.name)),
            }
        }
    }
}

impl Input for ReadInput<'_> {
    type Error = anyhow::Error;

    fn head(&mut self, len: usize) -> anyhow::Result<Vec<u8>> {
        let mut buffer = vec![0u8; len];
        while self.held.len() < len {
            let read = self.read_some(&mut buffer[..len - self.held.len()])?;
            if read == 0 {
                break;
            }
            self.held.extend_from_slice(&buffer[..read]);
        }
        Ok(self.held[..len.min(self.held.len())].to_vec())
    }

    fn read_all(&mut self) -> anyhow::Result<Vec<u8>> {
        let mut bytes = std::mem::take(&mut self.held);
        self.input
            .read_to_end(&mut bytes)
            .with_context(|| format!("cannot read {}", self.name))?;
        Ok(bytes)
    }

    fn each_chunk(
        &mut self,
        mut each: impl FnMut(&[u8]) -> anyhow::Result<()>,
    ) -> anyhow::Result<()> {
        let held = std::mem::take(&mut self.held);
        if !held.is_empty() {
            each(&held)?;
        }
        let mut buffer = vec![0u8; CHUNK];
        loop {
            let read = self.read_some(&mut buffer)?;
            if read == 0 {
                return Ok(());
            }
            each(&buffer[..read])?;
        }
    }
}

/// Checks the input through core's driver: the bar follows the bytes read
/// and the output directory takes each chunk's rows as they are judged.
fn check_stream(
    input: &mut dyn Read,
    name: &str,
    profile: Profile,
    options: CheckOptions,
    outputs: &mut Outputs,
    out_dir: &mut Option<OutDir>,
    bar: &ProgressBar,
) -> anyhow::Result<Report> {
    let mut input = ReadInput {
        input,
        name,
        held: Vec::new(),
    };
    check_input(
        &mut input,
        profile,
        options,
        outputs,
        |outputs: &mut Outputs, done| {
            bar.set_position(done);
            if let Some(dir) = out_dir.as_mut() {
                dir.drain(outputs)?;
            }
            Ok(())
        },
    )
}

fn write_summary(
    out: &mut impl Write,
    name: &str,
    report: &Report,
    out_dir: Option<&Path>,
) -> std::io::Result<()> {
    let s = &report.summary;
    let f = &report.file;
    writeln!(out, "{name}: {}", report.outcome.message())?;
    let delimiter = f
        .delimiter
        .as_deref()
        .map(|d| match d {
            "\t" => ", delimiter tab".to_owned(),
            d => format!(", delimiter `{d}`"),
        })
        .unwrap_or_default();
    let header = f
        .header_row
        .map_or("no header row".to_owned(), |r| format!("header on row {r}"));
    let encoding = match f.encoding_source {
        Some(source) => format!("encoding {} ({source})", f.encoding),
        None => f.encoding.clone(),
    };
    writeln!(
        out,
        "  read as {encoding}{delimiter}, {header}, profile {}",
        report.profile
    )?;
    if f.replaced_invalid_bytes {
        writeln!(
            out,
            "  note: some bytes are not valid {} and were replaced with �: the file may be cut short or in another encoding (choose it with --encoding)",
            f.encoding
        )?;
    }
    writeln!(
        out,
        "  rows {}  importable {}  rejected {} (set aside by channel {})  with warnings {}  duplicates {}",
        s.rows, s.importable, s.rejected, s.set_aside, s.warnings, s.duplicates
    )?;
    let g = &report.segments;
    writeln!(
        out,
        "  segments: whatsapp {}  sms_only {}  email_only {}  unknown {}",
        g.whatsapp, g.sms_only, g.email_only, g.unknown
    )?;
    for notice in &report.notices {
        writeln!(
            out,
            "  note: {} ({})\n        fix: {}",
            notice.message, notice.code, notice.fix
        )?;
    }
    if !report.issue_counts.is_empty() {
        writeln!(out, "\nIssues by code:")?;
        for c in &report.issue_counts {
            let severity = format!("{:?}", c.severity).to_lowercase();
            writeln!(
                out,
                "  {:>7}  {:<36} {severity}\n           fix: {}",
                c.count,
                c.code.as_str(),
                fix_for(c.code)
            )?;
        }
        writeln!(out, "\nFirst issues:")?;
        for issue in report.issues.iter().take(SHOWN_ISSUES) {
            let column = issue
                .column
                .as_deref()
                .map(|c| format!(", column {c}"))
                .unwrap_or_default();
            writeln!(
                out,
                "  row {}{column}: {} {}",
                issue.row, issue.code, issue.message
            )?;
        }
        let total: u64 = report.issue_counts.iter().map(|c| c.count).sum();
        if total > SHOWN_ISSUES as u64 {
            writeln!(
                out,
                "  … {} more (use --json or --out-dir for all)",
                total - SHOWN_ISSUES as u64
            )?;
        }
    }
    if !report.batches.is_empty() {
        let sizes: Vec<String> = report
            .batches
            .iter()
            .take(6)
            .map(|b| b.contacts.to_string())
            .collect();
        let more = if report.batches.len() > 6 {
            ", …"
        } else {
            ""
        };
        writeln!(
            out,
            "\nProposed import: {} batches ({}{more})",
            report.batches.len(),
            sizes.join(", ")
        )?;
    }
    if let Some(dir) = out_dir {
        let names: Vec<&str> = OutputFile::ALL.iter().map(|f| f.name()).collect();
        writeln!(out, "\nWrote {} to {}", names.join(", "), dir.display())?;
    }
    Ok(())
}
