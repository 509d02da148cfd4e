//! The merchant's Start-step choices, and the CLI run that must agree
//! with what the browser shows for them.

use crate::binary;
use crate::browser::Browser;
use serde_json::Value;
use std::path::Path;
use std::process::Command;

/// The merchant's choices on the Start step, and the same as CLI flags.
#[derive(Debug, Clone, Copy, Default)]
pub struct Choices {
    /// Built-in profile.
    pub profile: &'static str,
    /// Default country (blank: none).
    pub region: &'static str,
    /// Business name the consent must name (blank: none).
    pub business: &'static str,
    /// The street column holds the house number.
    pub house_number_in_street: bool,
    /// Date format of the file (blank: detect).
    pub date_format: &'static str,
    /// Mongoose: fill a blank MobileNumber.
    pub infer_mobile_number: bool,
    /// Mongoose: existing contacts' numbers may be updated.
    pub allow_mobile_number_updates: bool,
    /// Paste the file's text into the paste box instead of choosing the file.
    pub pasted: bool,
    /// The channel every contact consented to (blank: not declared).
    pub channel: &'static str,
}

impl Choices {
    /// The WhatsApp profile for Acme Boutique's UK list (the messy fixture's).
    pub fn acme_whatsapp() -> Choices {
        Choices {
            profile: "whatsapp",
            region: "GB",
            business: "Acme Boutique",
            ..Choices::default()
        }
    }

    /// The same choices as `listgate check` flags.
    pub fn cli_args(&self) -> Vec<&'static str> {
        let mut args = vec!["--profile", self.profile];
        if !self.region.is_empty() {
            args.extend(["--default-region", self.region]);
        }
        if !self.business.is_empty() {
            args.extend(["--business-name", self.business]);
        }
        if self.house_number_in_street {
            args.push("--house-number-in-street");
        }
        if !self.date_format.is_empty() {
            args.extend(["--date-format", self.date_format]);
        }
        if self.infer_mobile_number {
            args.push("--infer-mobile-number");
        }
        if self.allow_mobile_number_updates {
            args.push("--allow-mobile-number-updates");
        }
        if self.pasted {
            args.push("--pasted");
        }
        if !self.channel.is_empty() {
            args.extend(["--channel", self.channel]);
        }
        args
    }
}

/// `listgate check --json --out-dir DIR` on the same file with the same
/// choices, judged as of the same moment as the browser's check.
pub async fn cli(b: &Browser, file: &Path, choices: &Choices, out_dir: &Path) -> Value {
    let now = b
        .wait("#checked-at", 10)
        .await
        .attr("datetime")
        .await
        .expect("attr")
        .expect("the check's time");
    let out = Command::new(binary())
        .arg("check")
        .arg(file)
        .args(choices.cli_args())
        .args(["--now", &now])
        .args(["--json", "--out-dir"])
        .arg(out_dir)
        .output()
        .expect("run listgate");
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {}",
            String::from_utf8_lossy(&out.stderr).trim().to_owned()
        )
    })
}
