//! Rows judged on several threads give exactly what one thread gives: the
//! same report, the same clean, error and segment files, byte for byte —
//! on the fixtures and on a generated list long enough for many batches.

use listgate_core::{CheckLimits, CheckOptions, JudgeOptions, Outputs, Profile, check_bytes};
use listgate_e2e::fixture;

fn check(bytes: &[u8], profile: &str, options: &CheckOptions, threads: usize) -> (String, Outputs) {
    let mut outputs = Outputs::default();
    let report = check_bytes(
        bytes,
        Profile::builtin(profile).expect("profile"),
        CheckOptions {
            limits: CheckLimits {
                threads: Some(threads),
                ..CheckLimits::default()
            },
            ..options.clone()
        },
        &mut outputs,
    )
    .expect("check");
    (serde_json::to_string(&report).expect("json"), outputs)
}

fn assert_same_on_any_number_of_threads(
    name: &str,
    bytes: &[u8],
    profile: &str,
    options: CheckOptions,
) {
    let (report, outputs) = check(bytes, profile, &options, 1);
    for threads in [2, 3, 8] {
        let (parallel_report, parallel) = check(bytes, profile, &options, threads);
        assert_eq!(
            parallel_report, report,
            "{name}: report with {threads} threads"
        );
        assert_eq!(
            parallel.clean, outputs.clean,
            "{name}: clean.csv with {threads} threads"
        );
        assert_eq!(
            parallel.errors, outputs.errors,
            "{name}: errors.csv with {threads} threads"
        );
        assert_eq!(
            parallel.segments, outputs.segments,
            "{name}: segments with {threads} threads"
        );
        assert_eq!(
            parallel.counts, outputs.counts,
            "{name}: counts with {threads} threads"
        );
    }
}

fn at_a_fixed_moment(options: CheckOptions) -> CheckOptions {
    CheckOptions {
        judging: JudgeOptions {
            now: Some(
                chrono::DateTime::parse_from_rfc3339("2025-12-01T00:00:00Z")
                    .expect("time")
                    .into(),
            ),
            ..options.judging
        },
        ..options
    }
}

#[test]
fn threads_change_nothing_on_the_fixtures() {
    let cases = [
        (
            "whatsapp_messy.csv",
            "whatsapp",
            CheckOptions {
                judging: JudgeOptions {
                    default_region: Some("GB".into()),
                    business_name: Some("Acme Boutique".into()),
                    ..JudgeOptions::default()
                },
                ..CheckOptions::default()
            },
        ),
        (
            "mongoose_export.csv",
            "mongoose",
            CheckOptions {
                judging: JudgeOptions {
                    infer_mobile_number: true,
                    ..JudgeOptions::default()
                },
                ..CheckOptions::default()
            },
        ),
        ("sms_us_export.csv", "sms-us", CheckOptions::default()),
        (
            "email_gdpr_export.csv",
            "email-gdpr",
            CheckOptions {
                judging: JudgeOptions {
                    default_region: Some("DE".into()),
                    house_number_in_street: true,
                    ..JudgeOptions::default()
                },
                ..CheckOptions::default()
            },
        ),
    ];
    for (name, profile, options) in cases {
        let bytes = std::fs::read(fixture(name)).expect("fixture");
        assert_same_on_any_number_of_threads(name, &bytes, profile, at_a_fixed_moment(options));
    }
}

#[test]
fn threads_change_nothing_on_a_long_generated_list() {
    let list = listgate_e2e::lists::whatsapp_list(50_000);
    assert_same_on_any_number_of_threads(
        "generated 50,000 rows",
        &list,
        "whatsapp",
        at_a_fixed_moment(CheckOptions {
            judging: JudgeOptions {
                default_region: Some("GB".into()),
                business_name: Some("Acme".into()),
                ..JudgeOptions::default()
            },
            ..CheckOptions::default()
        }),
    );
}
