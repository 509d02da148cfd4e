//! Real-looking exports for each built-in profile, through the real binary,
//! with the JSON report snapshotted and the output files checked.

use listgate_e2e::{binary, fixture};
use serde_json::Value;
use std::process::Command;

fn check(file: &str, args: &[&str]) -> (Option<i32>, Value, tempfile::TempDir) {
    let out_dir = tempfile::tempdir().expect("tempdir");
    let path = fixture(file);
    let out = Command::new(binary())
        .arg("check")
        .arg(&path)
        .args(["--now", "2025-11-26T00:00:00Z", "--json", "--out-dir"])
        .arg(out_dir.path())
        .args(args)
        .output()
        .expect("run listgate");
    let report = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    (out.status.code(), report, out_dir)
}

fn read(dir: &tempfile::TempDir, name: &str) -> String {
    std::fs::read_to_string(dir.path().join(name)).expect("output file")
}

#[test]
fn whatsapp_export() {
    let (code, report, _dir) = check(
        "whatsapp_messy.csv",
        &["--default-region", "GB", "--business-name", "Acme Boutique"],
    );
    assert_eq!(code, Some(1));
    insta::assert_json_snapshot!(report);
}

#[test]
fn mongoose_export() {
    let (code, report, dir) = check(
        "mongoose_export.csv",
        &["--profile", "mongoose", "--infer-mobile-number"],
    );
    assert_eq!(code, Some(1));
    let clean = read(&dir, "clean.csv");
    assert!(clean.contains("S-501,C-1001,Maria,Lopez,+1 201-555-0123,+1 201-555-0123,false,false,ST-7,Nursing,Fall 2025"), "{clean}");
    assert!(
        clean.contains("James,Okoro,+44 7911 123456,+44 7911 123456"),
        "MobileNumber inferred: {clean}"
    );
    assert!(
        clean.contains("Priya,Shah,+1 201-555-0124,+1 201-555-0124,true,"),
        "opted out is imported with its flag: {clean}"
    );
    insta::assert_json_snapshot!(report);
}

#[test]
fn sms_us_export() {
    let (code, report, _dir) = check("sms_us_export.csv", &["--profile", "sms-us"]);
    assert_eq!(code, Some(1));
    assert_eq!(report["mapping"]["date_of_birth"], "dob");
    insta::assert_json_snapshot!(report);
}

#[test]
fn email_gdpr_export() {
    let (code, report, dir) = check(
        "email_gdpr_export.csv",
        &[
            "--profile",
            "email-gdpr",
            "--house-number-in-street",
            "--default-region",
            "DE",
        ],
    );
    assert_eq!(code, Some(1));
    assert_eq!(report["file"]["encoding"], "Windows-1252");
    assert_eq!(report["file"]["delimiter"], ";");
    let clean = read(&dir, "clean.csv");
    assert!(
        clean.contains(
            "anna.mueller@example.de,Anna,Müller,+4915123456789,Hauptstraße,12a,10115,Berlin"
        ),
        "{clean}"
    );
    insta::assert_json_snapshot!(report);
}
