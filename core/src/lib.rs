//! listgate-core: parse, map and judge contact lists for consent-safe
//! WhatsApp / SMS / email imports.
//!
//! Bytes in, verdicts out: no I/O, no clock, threads only when asked
//! ([`CheckLimits::threads`], native builds). The same code runs in
//! the CLI, the server and the browser (WebAssembly), so all three give the
//! same verdict for the same file.
//!
//! ```
//! use listgate_core::{check_bytes, CheckOptions, Outputs, Profile};
//! let csv = b"phone,opt_in_at,opt_in_source,opt_in_text,opt_in_channel\n\
//!             +447911123456,2025-01-05,shop.example/join,Yes to Acme offers on WhatsApp,whatsapp\n";
//! let mut outputs = Outputs::default();
//! // The whatsapp profile checks that the wording names the business.
//! let options = CheckOptions::default().with_business_name("Acme");
//! let report = check_bytes(csv, Profile::builtin("whatsapp")?, options, &mut outputs)?;
//! assert_eq!(report.summary.importable, 1);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(missing_docs)]

mod catalog;
pub mod check;
pub mod code;
pub mod decode;
pub mod edits;
pub mod error;
pub mod excel;
pub mod input;
mod limits;
pub mod mapping;
pub mod normalize;
pub mod options;
pub mod output;
pub mod preview;
pub mod profile;
pub mod records;
pub mod report;
mod rules;
pub mod segment;
pub mod sink;
pub mod sniff;
pub mod split;
pub mod suppress;
pub mod template;
pub mod text;
pub mod xlsx;

pub use check::{Checker, SPREAD_HEAD_BYTES, SpreadCheck};
pub use code::{Code, Severity};
pub use decode::{Encoding, EncodingSource, UnknownEncoding};
pub use error::{CheckError, Position};
pub use input::{Input, InputKind, check_input};
pub use mapping::Mapping;
pub use options::{BatchOptions, CheckLimits, CheckOptions, JudgeOptions, ReadOptions};
pub use output::Outputs;
pub use preview::{Preview, preview, preview_input};
pub use profile::{Profile, ProfileError};
pub use report::{Issue, Notice, Outcome, Report};
pub use rules::{app_fix_for, fix_for};
pub use segment::{Channel, Channels, Segment};
pub use sink::{Discard, Disposition, Layout, RowVerdict, Sink, Stage};

/// Checks a whole file held in memory: `.xlsx` workbooks by their zip
/// signature, anything else as delimited text (see [`input`]).
pub fn check_bytes(
    mut bytes: &[u8],
    profile: Profile,
    options: CheckOptions,
    sink: &mut impl Sink,
) -> Result<Report, CheckError> {
    check_input(&mut bytes, profile, options, sink, |_, _| Ok(()))
}
