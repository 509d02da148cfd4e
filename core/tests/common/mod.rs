//! What the pipeline property tests share.

use listgate_core::{CheckOptions, JudgeOptions};

/// A check of British lists with a fixed clock and business name, so runs
/// are reproducible.
pub fn options() -> CheckOptions {
    CheckOptions {
        judging: JudgeOptions {
            default_region: Some("GB".into()),
            now: "2025-11-26T00:00:00Z".parse().ok(),
            business_name: Some("Acme".into()),
            ..JudgeOptions::default()
        },
        ..CheckOptions::default()
    }
}
