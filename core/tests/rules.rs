//! One fixture per rule code (`fixtures/rules/<code>.toml`): its `trips`
//! input must raise the code and its `passes` input must not. The report (or
//! refusal) for every `trips` input is snapshotted.

use listgate_core::suppress::Suppressions;
use listgate_core::{
    CheckError, CheckOptions, Code, Discard, Outputs, Profile, Report, Severity, check_bytes,
};
use std::path::PathBuf;

const NOW: &str = "2025-11-26T00:00:00Z";

fn fixture(code: Code) -> toml::Table {
    let path: PathBuf = [
        env!("CARGO_MANIFEST_DIR"),
        "tests",
        "fixtures",
        "rules",
        &format!("{code}.toml"),
    ]
    .iter()
    .collect();
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{code} has no fixture at {}: {e}", path.display()));
    toml::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The fixture's options, judged as of [`NOW`] for Acme (the business the
/// fixtures' wording names) unless the fixture says otherwise.
fn options(table: Option<&toml::Value>) -> CheckOptions {
    let mut json = serde_json::to_value(
        table
            .cloned()
            .unwrap_or(toml::Value::Table(Default::default())),
    )
    .expect("json");
    let json_table = json.as_object_mut().expect("table");
    json_table.entry("now").or_insert(NOW.into());
    json_table.entry("business_name").or_insert("Acme".into());
    serde_json::from_value(json).expect("options")
}

/// `options` with the fixture's `key` table (`limits`, `passes_limits`) as
/// its limits.
fn with_limits(mut options: CheckOptions, f: &toml::Table, key: &str) -> CheckOptions {
    if let Some(table) = f.get(key) {
        options.limits = table.clone().try_into().expect("limits");
    }
    options
}

/// `options` with the fixture's `suppressions` (a suppression list as CSV).
fn with_suppressions(mut options: CheckOptions, f: &toml::Table) -> CheckOptions {
    if let Some(csv) = f.get("suppressions").and_then(toml::Value::as_str) {
        let list = Suppressions::from_csv(csv.as_bytes(), None).expect("a suppression list");
        options.judging.suppressions = std::sync::Arc::new(list);
    }
    options
}

fn input(f: &toml::Table, key: &str, repeat_key: &str) -> String {
    let mut text = f[key].as_str().expect("input text").to_owned();
    if let (Some(n), Some(template)) = (
        f.get(repeat_key).and_then(toml::Value::as_integer),
        f.get("repeat_template"),
    ) {
        let template = template.as_str().expect("template");
        for i in 1..=n {
            text.push_str(&template.replace("{n}", &i.to_string()));
            text.push('\n');
        }
    }
    text
}

fn run(f: &toml::Table, text: &str, options: CheckOptions) -> Result<Report, CheckError> {
    run_into(f, text, options, &mut Discard)
}

fn run_into(
    f: &toml::Table,
    text: &str,
    options: CheckOptions,
    sink: &mut impl listgate_core::Sink,
) -> Result<Report, CheckError> {
    let profile =
        Profile::builtin(f["profile"].as_str().expect("profile")).expect("builtin profile");
    check_bytes(text.as_bytes(), profile, options, sink)
}

fn codes_of(result: &Result<Report, CheckError>) -> Vec<(Code, Severity)> {
    match result {
        Ok(report) => report.issues.iter().map(|i| (i.code, i.severity)).collect(),
        Err(CheckError::Refused { code, .. }) => vec![(*code, Severity::Error)],
        Err(other) => panic!("unexpected error: {other}"),
    }
}

#[test]
fn every_code_trips_on_its_fixture_and_passes_on_the_twin() {
    for &code in Code::ALL {
        let f = fixture(code);
        let trip_options =
            with_suppressions(with_limits(options(f.get("options")), &f, "limits"), &f);
        let trips = run(&f, &input(&f, "trips", "repeat_rows"), trip_options.clone());
        assert!(
            codes_of(&trips).iter().any(|(c, _)| *c == code),
            "{code}: trips input did not raise it: {trips:?}"
        );
        if code.is_file_level() {
            assert!(trips.is_err(), "{code} must refuse the file");
        }
        let pass_options = f.get("passes_options").map_or(trip_options.clone(), |o| {
            with_suppressions(options(Some(o)), &f)
        });
        let pass_options = match f.get("passes_limits") {
            Some(_) => with_limits(pass_options, &f, "passes_limits"),
            None => pass_options,
        };
        let passes = run(&f, &input(&f, "passes", "passes_repeat_rows"), pass_options);
        assert!(
            passes.is_ok(),
            "{code}: passes input was refused: {passes:?}"
        );
        assert!(
            !codes_of(&passes).iter().any(|(c, _)| *c == code),
            "{code}: passes input raised it: {passes:?}"
        );

        let snapshot = match &trips {
            Ok(report) => serde_json::to_value(report).expect("json"),
            Err(e) => serde_json::json!({ "refused": e.to_string(), "fix": e.fix() }),
        };
        insta::assert_json_snapshot!(format!("trips_{code}"), snapshot);
    }
}

#[test]
fn missing_country_code_is_a_warning_once_a_default_region_applies() {
    let f = fixture(Code::PhoneNoCountryCode);
    let report = run(
        &f,
        &input(&f, "trips", "repeat_rows"),
        options(f.get("warning_options")),
    )
    .expect("report");
    assert_eq!(
        codes_of(&Ok(report.clone())),
        vec![(Code::PhoneNoCountryCode, Severity::Warning)]
    );
    assert_eq!(report.summary.importable, 1);
}

/// `Ann@Example.com` and `ann@example.COM` are one contact: the second is
/// the duplicate, and the clean file writes the address's key.
#[test]
fn addresses_differing_only_in_case_are_one_contact_written_lowercase() {
    let f = fixture(Code::EmailDuplicate);
    let mut outputs = Outputs::default();
    let report = run_into(
        &f,
        &input(&f, "trips", "repeat_rows"),
        options(None),
        &mut outputs,
    )
    .expect("report");
    let duplicates: Vec<_> = report
        .issues
        .iter()
        .map(|i| (i.row, i.code, &*i.message))
        .collect();
    assert_eq!(
        duplicates,
        [(
            3,
            Code::EmailDuplicate,
            "ann@example.COM is already on row 2"
        )]
    );
    let clean = String::from_utf8(outputs.clean).expect("utf-8");
    let emails: Vec<&str> = clean
        .lines()
        .skip(1)
        .filter_map(|line| line.split(',').next())
        .collect();
    assert_eq!(emails, ["ann@example.com"], "{clean}");
}

#[test]
fn the_whole_fixture_set_keeps_counts_consistent() {
    for &code in Code::ALL {
        let f = fixture(code);
        if let Ok(r) = run(
            &f,
            &input(&f, "trips", "repeat_rows"),
            with_limits(options(f.get("options")), &f, "limits"),
        ) {
            let s = r.summary;
            assert_eq!(s.rows, s.importable + s.rejected, "{code}");
            assert!(s.set_aside <= s.rejected, "{code}");
            let segments = r.segments.whatsapp
                + r.segments.sms_only
                + r.segments.email_only
                + r.segments.unknown;
            assert_eq!(segments, s.rows, "{code}");
        }
    }
}

/// A checked `profile` list, at the fixtures' moment, with `settings` JSON.
fn check_list(profile: &str, text: &str, settings: serde_json::Value) -> Report {
    let mut options = serde_json::to_value(options(None)).expect("json");
    options
        .as_object_mut()
        .expect("object")
        .extend(settings.as_object().expect("settings").clone());
    let options = serde_json::from_value(options).expect("options");
    check_bytes(
        text.as_bytes(),
        Profile::builtin(profile).expect("builtin"),
        options,
        &mut Discard,
    )
    .expect("report")
}

#[test]
fn an_sms_list_without_a_channel_column_is_importable_only_once_declared() {
    let list = "phone,opt_in_at,date_of_birth\n(201) 555-0123,2025-10-01,1990-07-14\n";
    let undeclared = check_list("sms-us", list, serde_json::json!({}));
    assert_eq!(undeclared.summary.importable, 0);
    assert_eq!(undeclared.summary.set_aside, 1);
    assert_eq!(undeclared.issues[0].code, Code::ConsentNotSmsChannel);
    assert_eq!(
        undeclared.issues[0].message,
        "no channel column, so consent for SMS is not shown: set aside in unknown.csv"
    );
    let declared = check_list("sms-us", list, serde_json::json!({"channel": "sms;email"}));
    assert_eq!(declared.summary.importable, 1);
    let elsewhere = check_list("sms-us", list, serde_json::json!({"channel": "whatsapp"}));
    assert_eq!(
        elsewhere.issues[0].message,
        "the contact consented to WhatsApp, not SMS: set aside in whatsapp.csv"
    );
}

#[test]
fn a_mongoose_file_without_staff_ids_gets_one_notice_and_no_row_warning() {
    let list = "ContactId,FirstName,LastName,MobileNumber,WhatsAppMobileNumber\n\
                1001,Ana,Silva,+1 201 555 0123,\n\
                1002,Ben,Okafor,,\n";
    let report = check_list("mongoose", list, serde_json::json!({}));
    assert_eq!(report.notices.len(), 1);
    assert_eq!(report.notices[0].code, Code::StaffMissing);
    assert!(report.notices[0].message.contains("no StaffId column"));
    // A blank WhatsApp number is a contact without WhatsApp; both blank is
    // no number at all.
    let codes: Vec<(u64, Code)> = report.issues.iter().map(|i| (i.row, i.code)).collect();
    assert_eq!(codes, vec![(3, Code::PhoneMissing)]);
    assert_eq!(
        report.issues[0].message,
        "no MobileNumber and no WhatsAppMobileNumber"
    );
    let with_staff = check_list(
        "mongoose",
        "ContactId,FirstName,LastName,MobileNumber,WhatsAppMobileNumber,StaffId\n1001,Ana,Silva,+1 201 555 0123,,ST-1\n",
        serde_json::json!({}),
    );
    assert!(with_staff.notices.is_empty());
    assert_eq!(with_staff.summary.importable, 1);
}

#[test]
fn a_mongoose_number_twice_in_either_column_is_a_duplicate_naming_it() {
    let list = "ContactId,FirstName,LastName,MobileNumber,WhatsAppMobileNumber,StaffId\n\
                1001,Ana,Silva,+1 201 555 0123,+44 7911 123456,ST-1\n\
                1002,Ben,Okafor,+1 201 555 0124,+44 7911 123456,ST-1\n\
                1003,Chloé,Martin,+1 201 555 0123,,ST-1\n";
    let report = check_list("mongoose", list, serde_json::json!({}));
    let found: Vec<(u64, &str)> = report.issues.iter().map(|i| (i.row, &*i.message)).collect();
    assert_eq!(
        found,
        vec![
            (
                3,
                "+447911123456 is already on row 2 (WhatsAppMobileNumber)"
            ),
            (4, "+12015550123 is already on row 2 (MobileNumber)"),
        ]
    );
}

#[test]
fn a_blank_mongoose_mobile_number_says_how_to_infer_it() {
    let list = "ContactId,FirstName,LastName,MobileNumber,WhatsAppMobileNumber,StaffId\n1001,Ana,Silva,,+1 201 555 0123,ST-1\n";
    let report = check_list("mongoose", list, serde_json::json!({}));
    assert_eq!(
        report.issues[0].message,
        "no MobileNumber: choose \"infer mobile number\" to take it from WhatsAppMobileNumber"
    );
    let inferred = check_list(
        "mongoose",
        list,
        serde_json::json!({"infer_mobile_number": true}),
    );
    assert_eq!(inferred.summary.importable, 1);
}

#[test]
fn a_profile_that_judges_the_brand_refuses_a_check_without_a_business_name() {
    let list = "phone,opt_in_at,opt_in_source,opt_in_text,opt_in_channel\n\
                +447911123456,2025-03-05T14:30:00Z,shop,Yes to WhatsApp offers,whatsapp\n";
    let without = |name: Option<&str>| CheckOptions {
        judging: listgate_core::JudgeOptions {
            business_name: name.map(str::to_owned),
            ..options(None).judging
        },
        ..options(None)
    };
    for name in [None, Some("  ")] {
        let whatsapp = Profile::builtin("whatsapp").expect("profile");
        let error = check_bytes(list.as_bytes(), whatsapp, without(name), &mut Discard)
            .expect_err("refused without a business name");
        assert!(
            matches!(&error, CheckError::NeedsBusinessName { profile } if profile == "whatsapp"),
            "{error:?}"
        );
        assert!(error.to_string().contains("brand"), "{error}");
        assert!(error.fix().is_some_and(|f| f.contains("--business-name")));
        assert!(error.app_fix().is_some_and(|f| f.contains("Start step")));
    }
    // Profiles that do not judge the brand check without one.
    let email = Profile::builtin("email-gdpr").expect("profile");
    let list = "email\nana@example.com\n";
    check_bytes(list.as_bytes(), email, without(None), &mut Discard).expect("email-gdpr checks");
}
