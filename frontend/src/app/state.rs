//! The app's one state and its reducer. Every screen reads from here and
//! changes it only through [`Action`]s, so going back and forth between
//! steps never loses a choice.

use crate::app::i18n::Texts;
use crate::protocol::{Checked, Failure, ProblemRow, Progress, RowsPage, Settings};
use chrono::{DateTime, Utc};
use listgate_api::{SelfCheck, SubmissionView};
use listgate_core::edits::{Fix, History};
use listgate_core::output::OutputFile;
use listgate_core::{
    Channels, CheckError, CheckOptions, Encoding, JudgeOptions, Mapping, Preview, Profile,
    ReadOptions,
};
use std::collections::BTreeMap;
use std::rc::Rc;
use yew::Reducible;

/// The merchant's steps, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Step {
    /// Profile and options.
    Start,
    /// Choose, drop or paste the list; confirm how it was read.
    Load,
    /// Source columns → target fields.
    Map,
    /// The check runs, with progress.
    Check,
    /// Summary, segments, issues and rows.
    Results,
    /// Generated files.
    Download,
    /// Consent evidence and attestation.
    Evidence,
}

impl Step {
    /// Every step in order.
    pub const ALL: [Step; 7] = [
        Step::Start,
        Step::Load,
        Step::Map,
        Step::Check,
        Step::Results,
        Step::Download,
        Step::Evidence,
    ];

    /// The message id of the step's name in the step bar.
    pub fn message_id(self) -> &'static str {
        match self {
            Step::Start => "step.start",
            Step::Load => "step.load",
            Step::Map => "step.map",
            Step::Check => "step.check",
            Step::Results => "step.results",
            Step::Download => "step.download",
            Step::Evidence => "step.evidence",
        }
    }

    /// The step's name in the step bar.
    pub fn title(self, texts: &Texts) -> &str {
        texts.get(self.message_id())
    }
}

/// Whether the file has a header row.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HeaderChoice {
    /// Let the checker decide.
    Detect,
    /// The first table row is a header.
    Yes,
    /// Every row is a contact.
    No,
}

/// The Start step's choices.
#[derive(Debug, Clone, PartialEq)]
pub struct Choices {
    /// Built-in profile name.
    pub profile: String,
    /// Whether the file has a header row.
    pub header: HeaderChoice,
    /// Country for numbers written without a country code.
    pub default_region: String,
    /// Declared date format, blank to detect.
    pub date_format: String,
    /// The street column holds the house number too.
    pub house_number_in_street: bool,
    /// Start from the mapping saved in this browser.
    pub use_last_mapping: bool,
    /// Mongoose: fill a blank MobileNumber from WhatsAppMobileNumber.
    pub infer_mobile_number: bool,
    /// Mongoose: existing contacts' numbers may change.
    pub allow_mobile_number_updates: bool,
    /// The business the consent wording must name.
    pub business_name: String,
    /// The channels every contact consented to, declared for a list
    /// without a channel column.
    pub channel: Option<Channels>,
}

impl Default for Choices {
    fn default() -> Self {
        Choices {
            profile: "whatsapp".into(),
            header: HeaderChoice::Detect,
            default_region: String::new(),
            date_format: String::new(),
            house_number_in_street: false,
            use_last_mapping: false,
            infer_mobile_number: false,
            allow_mobile_number_updates: false,
            business_name: String::new(),
            channel: None,
        }
    }
}

impl Choices {
    /// Why the list cannot be checked with these choices yet: the profile
    /// judges that consent wording names the business, and none was given.
    pub fn missing_business_name(&self) -> Option<CheckError> {
        Profile::builtin(&self.profile)
            .ok()?
            .missing_business_name(Some(&self.business_name))
    }
}

/// How the file is read, where the merchant overrode detection.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Reading {
    /// Text encoding.
    pub encoding: Option<Encoding>,
    /// Cell delimiter.
    pub delimiter: Option<char>,
    /// Rows above the header to skip.
    pub skip_rows: Option<usize>,
}

/// The list being checked.
#[derive(Debug, Clone, PartialEq)]
pub struct Source {
    /// The file, or the pasted text as a blob.
    pub blob: web_sys::Blob,
    /// Its name (`pasted text` for a paste).
    pub name: String,
    /// Its size in bytes.
    pub size: u64,
    /// It was pasted: paste limits apply.
    pub pasted: bool,
}

/// A running check.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Running {
    /// When it started (`performance.now()`, milliseconds).
    pub started_ms: f64,
    /// The latest progress and when it arrived.
    pub progress: Progress,
    /// When the latest progress arrived.
    pub updated_ms: f64,
}

impl Running {
    /// A check of `source` starting at `at_ms`.
    pub fn at(at_ms: f64, source: Option<&Source>) -> Running {
        Running {
            started_ms: at_ms,
            updated_ms: at_ms,
            progress: Progress {
                bytes_done: 0,
                bytes_total: source.map_or(0, |f| f.size),
                rows_done: 0,
            },
        }
    }

    /// Rows judged per second so far.
    pub fn rows_per_second(&self) -> f64 {
        let seconds = (self.updated_ms - self.started_ms) / 1000.0;
        if seconds > 0.0 {
            self.progress.rows_done as f64 / seconds
        } else {
            0.0
        }
    }

    /// Seconds left, from the share of bytes read so far.
    pub fn seconds_left(&self) -> Option<f64> {
        let p = self.progress;
        if p.bytes_done == 0 || p.bytes_total == 0 {
            return None;
        }
        let elapsed = (self.updated_ms - self.started_ms) / 1000.0;
        let rate = p.bytes_done as f64 / elapsed.max(0.001);
        Some(p.bytes_total.saturating_sub(p.bytes_done) as f64 / rate)
    }

    /// Share of the file read, 0–100.
    pub fn percent(&self) -> f64 {
        let p = self.progress;
        if p.bytes_total == 0 {
            0.0
        } else {
            100.0 * p.bytes_done as f64 / p.bytes_total as f64
        }
    }
}

/// A generated file ready to download.
#[derive(Debug, Clone, PartialEq)]
pub struct Ready {
    /// Which file.
    pub file: OutputFile,
    /// What it holds.
    pub label: String,
    /// Data rows in it.
    pub rows: Option<u64>,
    /// The file itself (the clean file is what Submit sends).
    pub blob: web_sys::Blob,
}

/// A bulk fix checked with the list, waiting for the merchant to apply or
/// discard it.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    /// The fix.
    pub fix: Fix,
    /// The changes with the fix as their last step.
    pub history: Rc<History>,
    /// The rows it changes (or deletes).
    pub rows: u64,
    /// The results with it.
    pub checked: Rc<Checked>,
    /// The downloads with it.
    pub downloads: Vec<Ready>,
}

/// The consent evidence and attestation.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Evidence {
    /// Attached files: (opt-in source they prove, file).
    pub files: Vec<(String, web_sys::File)>,
    /// The exact consent wording the contacts agreed to.
    pub wording: String,
    /// How consent was captured (form, checkbox at checkout…).
    pub capture_method: String,
    /// Where (a URL, a shop, an event).
    pub source: String,
    /// How double opt-in works, if used.
    pub double_opt_in: String,
    /// The self-check answers, by question (only the checked profile's
    /// questions are sent: see `evidence::declaration`).
    pub self_check: SelfCheck,
    /// Email profile: the GDPR consent confirmation.
    pub gdpr_confirmed: bool,
    /// The tenant API key Submit sends (never saved, never in the package).
    pub api_key: String,
}

impl Evidence {
    /// How many attached files prove `source`.
    pub fn files_for(&self, source: &str) -> usize {
        self.files.iter().filter(|(s, _)| s == source).count()
    }

    /// Whether `other` makes the same package: everything but the API key,
    /// which says who sends it, not what is sent.
    pub fn same_package(&self, other: &Evidence) -> bool {
        let unkeyed = |e: &Evidence| Evidence {
            api_key: String::new(),
            ..e.clone()
        };
        unkeyed(self) == unkeyed(other)
    }
}

/// Everything the app knows.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AppState {
    /// The step on screen.
    pub step: StepState,
    /// Start-step choices.
    pub choices: Choices,
    /// The list, once chosen.
    pub source: Option<Source>,
    /// Reading overrides.
    pub reading: Reading,
    /// How the file reads with the current choices.
    pub preview: Option<Rc<Preview>>,
    /// A preview is being made.
    pub previewing: bool,
    /// Field → column chosen on the Map step (blank = leave unmapped).
    pub mapping: BTreeMap<String, String>,
    /// A check in progress.
    pub running: Option<Running>,
    /// The last finished check.
    pub checked: Option<Rc<Checked>>,
    /// Its downloads.
    pub downloads: Vec<Ready>,
    /// The window of rows with issues on screen.
    pub rows: Option<Rc<RowsPage>>,
    /// The settings the last check ran with (for re-checking edited rows).
    pub checked_with: Option<Settings>,
    /// The built-in profile those settings name, parsed once per check (the
    /// results read its roles on every render).
    pub checked_profile: Option<Rc<Profile>>,
    /// Edited rows' verdicts judged on their own, by row number: shown at
    /// once, until the whole list's check with the edits replaces them.
    pub edited: Rc<BTreeMap<u64, ProblemRow>>,
    /// The merchant's changes to the list, with undo and redo (kept across
    /// checks of the same file, forgotten with it).
    pub history: Rc<History>,
    /// The changes `checked` and `downloads` include: `history` once the
    /// check with its latest change is done.
    pub applied: Rc<History>,
    /// The list being checked again with the latest changes, or with a
    /// fix to preview.
    pub refreshing: Option<Running>,
    /// The fix being previewed, with the changes it would make.
    pub fix_asked: Option<(Rc<History>, Fix)>,
    /// A previewed fix waiting to be applied or discarded.
    pub pending: Option<Rc<Pending>>,
    /// The tenant's opt-outs the worker judges rows against.
    pub opt_outs: Option<OptOuts>,
    /// The last failure, shown until the next action.
    pub failure: Option<Failure>,
    /// Evidence and attestation.
    pub evidence: Evidence,
    /// The submission as the server last reported it.
    pub submission: Option<Rc<SubmissionView>>,
    /// The clean file the submission last received: a clean file made
    /// since (the list changed) can correct it.
    pub sent_clean: Option<web_sys::Blob>,
    /// A submission is on its way.
    pub submitting: bool,
    /// The Idempotency-Key this check's package was last sent with: pressing
    /// Submit again (a retry) sends it again, so it never creates a second
    /// submission. `None` before the first Submit and once the package
    /// changed after a failed or refused one: Submit then takes a fresh key,
    /// so changed content is never judged as the earlier package's retry.
    pub submission_key: Option<String>,
}

/// The tenant's opt-out list as the worker holds it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OptOuts {
    /// The API key it was fetched with.
    pub key: String,
}

/// The step on screen (a newtype so `Default` is the Start step).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepState(pub Step);

impl Default for StepState {
    fn default() -> Self {
        StepState(Step::Start)
    }
}

impl AppState {
    /// The options for the worker. `now` is the browser's clock (core has none).
    pub fn settings(&self, now: DateTime<Utc>) -> Settings {
        let c = &self.choices;
        let text = |s: &str| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        let options = CheckOptions {
            reading: ReadOptions {
                header: match c.header {
                    HeaderChoice::Detect => None,
                    HeaderChoice::Yes => Some(true),
                    HeaderChoice::No => Some(false),
                },
                skip_rows: self.reading.skip_rows,
                delimiter: self.reading.delimiter,
                encoding: self.reading.encoding,
                mapping: Mapping(self.mapping.clone()),
                pasted: self.source.as_ref().is_some_and(|s| s.pasted),
                ..ReadOptions::default()
            },
            judging: JudgeOptions {
                default_region: text(&c.default_region).map(|r| r.to_ascii_uppercase()),
                date_format: text(&c.date_format),
                now: Some(now),
                business_name: text(&c.business_name),
                house_number_in_street: c.house_number_in_street,
                infer_mobile_number: c.infer_mobile_number,
                allow_mobile_number_updates: c.allow_mobile_number_updates,
                channel: c.channel,
                ..JudgeOptions::default()
            },
            ..CheckOptions::default()
        };
        Settings {
            profile: c.profile.clone(),
            options,
        }
    }

    /// The generated file `file`, when the last check made one.
    pub fn download(&self, file: OutputFile) -> Option<&Ready> {
        self.downloads.iter().find(|d| d.file == file)
    }

    /// A fresh state; with the partner's `choices` the Start step is done
    /// and the merchant begins by loading the list.
    pub fn starting_with(choices: Option<Choices>) -> AppState {
        match choices {
            Some(choices) => AppState {
                choices,
                step: StepState(Step::Load),
                ..AppState::default()
            },
            None => AppState::default(),
        }
    }

    /// Whether `step` can be opened yet.
    pub fn can_open(&self, step: Step) -> bool {
        match step {
            Step::Start | Step::Load => true,
            Step::Map | Step::Check => self.preview.is_some(),
            Step::Results | Step::Download | Step::Evidence => self.checked.is_some(),
        }
    }
}

/// A fresh Idempotency-Key: 128 bits from the browser's cryptographic
/// generator (`crypto.getRandomValues`), as 32 hex digits.
pub fn new_submission_key() -> String {
    let mut bytes = [0u8; 16];
    web_sys::window()
        .and_then(|window| window.crypto().ok())
        .and_then(|crypto| crypto.get_random_values_with_u8_array(&mut bytes).ok())
        .expect("crypto.getRandomValues is in every browser listgate supports");
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Everything that changes the state.
#[derive(Debug, Clone)]
pub enum Action {
    /// Open a step.
    Go(Step),
    /// The checks from now on use these opt-outs (`None`: none).
    OptOuts(Option<OptOuts>),
    /// New Start-step choices; the file must be read again.
    Choose(Choices),
    /// A file was chosen or text pasted.
    Load(Source),
    /// New reading overrides.
    Read(Reading),
    /// A preview was asked for.
    Previewing,
    /// The preview arrived.
    Previewed(Preview),
    /// The merchant mapped `field` to a column (blank = unmapped).
    Map {
        /// Target field.
        field: String,
        /// Column name, or blank.
        column: String,
    },
    /// A whole mapping, e.g. the one saved in the browser.
    UseMapping(BTreeMap<String, String>),
    /// A check started.
    CheckStarted {
        /// `performance.now()` at the start.
        at_ms: f64,
        /// Its settings.
        settings: Settings,
    },
    /// Progress arrived.
    Progressed {
        /// The progress.
        progress: Progress,
        /// `performance.now()` when it arrived.
        at_ms: f64,
    },
    /// The check finished.
    Checked {
        /// Its result.
        checked: Box<Checked>,
        /// Downloads with object URLs, in `checked.files` order.
        downloads: Vec<Ready>,
    },
    /// The merchant cancelled the check.
    Cancelled,
    /// A window of rows with issues arrived.
    Rows(RowsPage),
    /// An edited row's verdict, judged on its own.
    Rechecked(ProblemRow),
    /// The merchant changed the list (an edit, an undo, a redo): the list
    /// is being checked again with `history`.
    Changed {
        /// The changes now.
        history: Rc<History>,
        /// `performance.now()` when the check started.
        at_ms: f64,
    },
    /// A bulk fix is being previewed: the list is checked with `history`,
    /// whose last step is `fix`.
    FixPreviewing {
        /// The fix.
        fix: Fix,
        /// The changes with it.
        history: Rc<History>,
        /// `performance.now()` when the check started.
        at_ms: f64,
    },
    /// The previewed fix is applied (`true`) or discarded.
    Pending(bool),
    /// The worker failed.
    Failed(Failure),
    /// Evidence or attestation changed.
    Evidence(Evidence),
    /// Submit was pressed; the package goes with this Idempotency-Key
    /// (`AppState::submission_key`, or a fresh one when that is `None`).
    Submitting {
        /// The key sent.
        idempotency_key: String,
    },
    /// The server's view of the submission (after Submit, a refresh or an
    /// amendment).
    Submitted(Box<SubmissionView>),
    /// Submitting or refreshing failed.
    SubmitFailed(Failure),
    /// The submission received this clean file (by Submit or an amendment).
    ListSent(web_sys::Blob),
}

impl Reducible for AppState {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        let mut s = (*self).clone();
        match action {
            Action::Go(step) => {
                // The Start step is not done until the check can run.
                let leaving_start = s.step.0 == Step::Start && step > Step::Start;
                let missing = leaving_start
                    .then(|| s.choices.missing_business_name())
                    .flatten();
                match missing {
                    Some(missing) => s.failure = Some(missing.into()),
                    None if s.can_open(step) => {
                        s.step = StepState(step);
                        s.failure = None;
                    }
                    None => {}
                }
            }
            Action::OptOuts(opt_outs) => s.opt_outs = opt_outs,
            Action::Choose(choices) => {
                if choices.profile != s.choices.profile {
                    s.mapping.clear();
                }
                s.choices = choices;
                s.failure = None;
            }
            Action::Load(source) => {
                // A new file is read and mapped afresh; changes were to the old one.
                s.source = Some(source);
                s.history = Rc::default();
                s.applied = Rc::default();
                s.reading = Reading::default();
                s.mapping.clear();
                s.preview = None;
                s.failure = None;
            }
            Action::Read(reading) => s.reading = reading,
            Action::Previewing => {
                s.previewing = true;
                s.failure = None;
            }
            Action::Previewed(preview) => {
                s.previewing = false;
                s.preview = Some(Rc::new(preview));
            }
            Action::Map { field, column } => {
                s.mapping.insert(field, column);
            }
            Action::UseMapping(mapping) => s.mapping = mapping,
            Action::CheckStarted { at_ms, settings } => {
                s.submission_key = None;
                s.step = StepState(Step::Check);
                s.failure = None;
                s.checked = None;
                s.downloads.clear();
                s.rows = None;
                s.submission = None;
                s.edited = Rc::default();
                s.checked_profile = Profile::builtin(&settings.profile).ok().map(Rc::new);
                s.checked_with = Some(settings);
                s.refreshing = None;
                s.running = Some(Running::at(at_ms, s.source.as_ref()));
            }
            Action::Progressed { progress, at_ms } => {
                if let Some(running) = s.running.as_mut().or(s.refreshing.as_mut()) {
                    running.progress = progress;
                    running.updated_ms = at_ms;
                }
            }
            Action::Checked { checked, downloads } if checked.preview => {
                s.refreshing = None;
                // A preview no longer asked for (a change came since) is dropped.
                if let Some((history, fix)) = s.fix_asked.take() {
                    s.pending = Some(Rc::new(Pending {
                        fix,
                        history,
                        rows: checked.changed.last().copied().unwrap_or(0),
                        checked: Rc::new(*checked),
                        downloads,
                    }));
                }
            }
            Action::Checked { checked, downloads } => {
                // A first check opens the results; a check with the latest
                // changes replaces them where the merchant is.
                if s.running.take().is_some() {
                    s.step = StepState(Step::Results);
                }
                s.refreshing = None;
                s.checked = Some(Rc::new(*checked));
                s.downloads = downloads;
                s.applied = s.history.clone();
                s.edited = Rc::default();
                s.rows = None;
            }
            Action::FixPreviewing {
                fix,
                history,
                at_ms,
            } => {
                s.fix_asked = Some((history, fix));
                s.refreshing = Some(Running::at(at_ms, s.source.as_ref()));
                s.failure = None;
            }
            Action::Pending(apply) => {
                let Some(pending) = s.pending.take() else {
                    return self;
                };
                let pending = Rc::unwrap_or_clone(pending);
                if apply {
                    s.checked = Some(pending.checked);
                    s.downloads = pending.downloads;
                    s.history = pending.history;
                    s.applied = s.history.clone();
                    s.edited = Rc::default();
                    s.rows = None;
                    if s.submission.is_none() {
                        s.submission_key = None;
                    }
                }
            }
            Action::Changed { history, at_ms } => {
                // A preview made before this change is of another list.
                s.fix_asked = None;
                s.pending = None;
                // A verdict shown for a row the changes no longer touch is stale.
                let edits = history.edits();
                Rc::make_mut(&mut s.edited).retain(|row, _| edits.touches(*row));
                s.history = history;
                s.refreshing = Some(Running::at(at_ms, s.source.as_ref()));
                s.failure = None;
                if s.submission.is_none() {
                    s.submission_key = None;
                }
            }
            Action::Cancelled => {
                s.running = None;
                s.checked_with = None;
                s.checked_profile = None;
            }
            Action::Rows(page) => s.rows = Some(Rc::new(page)),
            Action::Rechecked(row) => {
                Rc::make_mut(&mut s.edited).insert(row.row, row);
            }
            Action::Failed(failure) => {
                s.previewing = false;
                s.running = None;
                // The changes that could not be checked are not kept: the
                // results and files stay those of the changes before them.
                if s.refreshing.take().is_some() {
                    s.history = s.applied.clone();
                    s.edited = Rc::default();
                    s.fix_asked = None;
                }
                s.failure = Some(failure);
            }
            Action::Evidence(evidence) => {
                // Until the server took a package, a changed one is new
                // content: the same key would be refused (409) or, had the
                // lost answer created it, stand for the package sent before.
                if s.submission.is_none() && !evidence.same_package(&s.evidence) {
                    s.submission_key = None;
                }
                s.evidence = evidence;
            }
            Action::Submitting { idempotency_key } => {
                s.submitting = true;
                s.failure = None;
                s.submission_key = Some(idempotency_key);
            }
            Action::Submitted(view) => {
                s.submitting = false;
                s.submission = Some(Rc::from(view));
            }
            Action::SubmitFailed(failure) => {
                s.submitting = false;
                s.failure = Some(failure);
            }
            Action::ListSent(clean) => s.sent_clean = Some(clean),
        }
        Rc::new(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use listgate_api::{Plan, ReviewKind, SelfCheckQuestion, SubmissionStatus};
    use listgate_core::{BatchOptions, Channel, Discard};

    /// A submission waiting for review, as the server shows a real check's.
    fn pending_submission() -> SubmissionView {
        let report = listgate_core::check_bytes(
            b"phone,opt_in_at,opt_in_source,age\n+12025550143,2025-03-01,shop,34\n",
            Profile::builtin("sms-us").expect("a built-in profile"),
            CheckOptions::default(),
            &mut Discard,
        )
        .expect("a report");
        SubmissionView {
            id: "s1".into(),
            status: SubmissionStatus::PendingReview,
            profile: "sms-us".into(),
            review_kind: ReviewKind::Sms,
            contacts: report.summary.importable,
            proposed_plan: Plan::proposed(&BatchOptions::default(), 3_600),
            report,
            consent: None,
            unticked: Vec::new(),
            evidence: Vec::new(),
            changes: None,
            created_at: "2026-11-26T10:00:00Z".into(),
            purged_at: None,
            evidence_purged_at: None,
            decisions: Vec::new(),
            amendments: Vec::new(),
            schedule: None,
            declared: Vec::new(),
        }
    }

    fn refusal() -> Failure {
        Failure {
            message: "this profile needs `gdpr_confirmed`".into(),
            fix: None,
            position: None,
        }
    }

    fn sent_with(state: Rc<AppState>, key: &str) -> Rc<AppState> {
        state.reduce(Action::Submitting {
            idempotency_key: key.into(),
        })
    }

    #[test]
    fn a_retry_resends_the_key_and_a_changed_package_takes_a_new_one() {
        let evidence = Evidence {
            wording: "Texts from Acme".into(),
            ..Evidence::default()
        };
        let state = Rc::new(AppState {
            evidence: evidence.clone(),
            ..AppState::default()
        });
        assert_eq!(state.submission_key, None, "no key before the first Submit");
        let refused = sent_with(state, "first").reduce(Action::SubmitFailed(refusal()));
        assert!(!refused.submitting);
        assert_eq!(refused.submission_key.as_deref(), Some("first"));
        // Typing the API key again changes who sends, not what: a retry.
        let rekeyed = refused.reduce(Action::Evidence(Evidence {
            api_key: "lg_sk_other".into(),
            ..evidence.clone()
        }));
        assert_eq!(rekeyed.submission_key.as_deref(), Some("first"));
        // Another answer is another package.
        let answered = Evidence {
            self_check: SelfCheck::from([(SelfCheckQuestion::WordingNamesSms, true)]),
            ..evidence.clone()
        };
        let changed = rekeyed.reduce(Action::Evidence(answered));
        assert_eq!(changed.submission_key, None);
        // Once the server took a package its key stays: sent again, the
        // server answers with that submission, or refuses other content.
        let taken =
            sent_with(changed, "second").reduce(Action::Submitted(Box::new(pending_submission())));
        assert!(!taken.submitting);
        assert_eq!(taken.submission.as_ref().map(|v| v.id.as_str()), Some("s1"));
        let edited = taken.reduce(Action::Evidence(evidence));
        assert_eq!(edited.submission_key.as_deref(), Some("second"));
    }

    #[test]
    fn a_new_check_forgets_the_submission_and_its_key() {
        let submitted = sent_with(Rc::new(AppState::default()), "first")
            .reduce(Action::Submitted(Box::new(pending_submission())));
        let settings = submitted.settings(DateTime::UNIX_EPOCH);
        let again = submitted.reduce(Action::CheckStarted {
            at_ms: 0.0,
            settings,
        });
        assert_eq!(again.submission, None);
        assert_eq!(again.submission_key, None);
    }

    #[test]
    fn settings_carry_every_choice_and_override() {
        let mut state = AppState {
            choices: Choices {
                profile: "mongoose".into(),
                header: HeaderChoice::No,
                default_region: " gb ".into(),
                date_format: "%d/%m/%Y".into(),
                house_number_in_street: true,
                use_last_mapping: true,
                infer_mobile_number: true,
                allow_mobile_number_updates: true,
                business_name: "  ".into(),
                channel: Some(Channels::only(Channel::Sms)),
            },
            ..AppState::default()
        };
        state.reading.delimiter = Some(';');
        state.mapping.insert("FirstName".into(), "Column B".into());
        let now = DateTime::parse_from_rfc3339("2026-11-26T10:00:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let settings = state.settings(now);
        assert_eq!(settings.profile, "mongoose");
        let o = settings.options;
        assert_eq!(o.judging.default_region.as_deref(), Some("GB"));
        assert_eq!(o.judging.date_format.as_deref(), Some("%d/%m/%Y"));
        assert_eq!(o.judging.business_name, None);
        assert_eq!(o.reading.header, Some(false));
        assert_eq!(o.reading.delimiter, Some(';'));
        assert_eq!(o.judging.now, Some(now));
        assert!(
            o.judging.house_number_in_street
                && o.judging.infer_mobile_number
                && o.judging.allow_mobile_number_updates
        );
        assert_eq!(o.reading.mapping.0["FirstName"], "Column B");
        assert_eq!(o.judging.channel, Some(Channels::only(Channel::Sms)));
    }

    #[test]
    fn later_steps_open_only_once_their_input_exists() {
        let state = Rc::new(AppState::default()).reduce(Action::Choose(Choices {
            business_name: "Acme".into(),
            ..Choices::default()
        }));
        let state = state.reduce(Action::Go(Step::Results));
        assert_eq!(state.step.0, Step::Start);
        let state = state.reduce(Action::Go(Step::Load));
        assert_eq!(state.step.0, Step::Load);
    }

    #[test]
    fn the_whatsapp_start_step_is_done_only_with_a_business_name() {
        let state = Rc::new(AppState::default()).reduce(Action::Go(Step::Load));
        assert_eq!(state.step.0, Step::Start);
        let failure = state.failure.clone().expect("a failure says why");
        assert!(failure.message.contains("business name"), "{failure:?}");
        assert!(failure.fix.is_some_and(|f| f.contains("Start step")));
        // Typing the name clears the failure and opens the next step.
        let named = state.reduce(Action::Choose(Choices {
            business_name: "Acme".into(),
            ..Choices::default()
        }));
        assert_eq!(named.failure, None);
        assert_eq!(named.reduce(Action::Go(Step::Load)).step.0, Step::Load);
        // Profiles that do not judge the brand need none.
        let sms = Rc::new(AppState::default()).reduce(Action::Choose(Choices {
            profile: "sms-us".into(),
            ..Choices::default()
        }));
        assert_eq!(sms.reduce(Action::Go(Step::Load)).step.0, Step::Load);
    }

    #[test]
    fn changing_the_profile_forgets_the_mapping() {
        let mut state = AppState::default();
        state.mapping.insert("phone".into(), "Mobile".into());
        let same = Rc::new(state.clone()).reduce(Action::Choose(Choices {
            business_name: "Acme".into(),
            ..state.choices.clone()
        }));
        assert_eq!(same.mapping.len(), 1);
        let other = same.reduce(Action::Choose(Choices {
            profile: "sms-us".into(),
            ..Choices::default()
        }));
        assert!(other.mapping.is_empty());
    }
}
