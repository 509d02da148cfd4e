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
    assert!(clean.contains("S-501,C-1001,Maria,Lopez,+1 201-555-0123,+1 201-555-0123,false,false,,ST-7,Nursing,Fall 2025"), "{clean}");
    assert!(
        clean.contains("S-508,C-1008,Noah,Kim,+1 201-555-0128,,"),
        "a contact without WhatsApp is imported: {clean}"
    );
    // Mongoose's own rules, each on its row.
    let found = |code: &str, row: u64| {
        report["issues"]
            .as_array()
            .expect("issues")
            .iter()
            .any(|i| i["code"] == code && i["row"] == row)
    };
    assert!(found("phone.missing", 10), "both numbers blank");
    assert!(
        found("flag.invalid_boolean", 11),
        "1 is not a Mongoose flag"
    );
    assert!(
        found("consent.inferred_text_opt_in", 12),
        "inferred +1 number"
    );
    assert!(found("phone.duplicate", 13), "a WhatsApp number twice");
    assert!(found("staff.missing", 8), "no StaffId");
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
    let codes: Vec<(u64, &str)> = report["issues"]
        .as_array()
        .expect("issues")
        .iter()
        .filter_map(|i| Some((i["row"].as_u64()?, i["code"].as_str()?)))
        .collect();
    assert!(
        codes.contains(&(10, "consent.not_sms_channel")),
        "email only: {codes:?}"
    );
    assert!(
        codes.contains(&(11, "consent.not_sms_channel")),
        "WhatsApp only: {codes:?}"
    );
    assert!(
        codes.contains(&(12, "phone.not_sms_capable")),
        "toll-free: {codes:?}"
    );
    assert!(
        !codes.iter().any(|(row, _)| *row == 13),
        "text message is SMS: {codes:?}"
    );
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
    assert_eq!(report["file"]["encoding"], "windows-1252");
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

/// Each built-in's own TOML, saved as a custom profile under another name,
/// gives the same report and the same files on its real-looking export: a
/// custom profile can say everything a built-in says.
#[test]
fn a_custom_copy_of_each_builtin_gives_the_same_verdicts() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../core/profiles");
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, file, args) in [
        (
            "whatsapp",
            "whatsapp_messy.csv",
            &["--default-region", "GB", "--business-name", "Acme Boutique"][..],
        ),
        (
            "mongoose",
            "mongoose_export.csv",
            &["--infer-mobile-number"][..],
        ),
        ("sms-us", "sms_us_export.csv", &[][..]),
        (
            "email-gdpr",
            "email_gdpr_export.csv",
            &["--house-number-in-street", "--default-region", "DE"][..],
        ),
    ] {
        let text = std::fs::read_to_string(root.join(format!("{name}.toml"))).expect("toml");
        let copy = text.replacen(&format!("name = \"{name}\""), "name = \"copy\"", 1);
        assert_ne!(
            copy, text,
            "{name}: the name line is where the copy renames it"
        );
        let path = dir.path().join(format!("{name}-copy.toml"));
        std::fs::write(&path, copy).expect("write");
        let builtin_args: Vec<&str> = ["--profile", name].iter().chain(args).copied().collect();
        let copy_args: Vec<&str> = ["--profile", path.to_str().expect("path")]
            .iter()
            .chain(args)
            .copied()
            .collect();
        let (code, mut builtin, builtin_dir) = check(file, &builtin_args);
        let (copy_code, copied, copy_dir) = check(file, &copy_args);
        assert_eq!(code, copy_code, "{name}");
        assert_eq!(copied["profile"], "copy");
        builtin["profile"] = "copy".into();
        assert_eq!(builtin, copied, "{name}");
        for output in ["clean.csv", "errors.csv", "batches.csv"] {
            assert_eq!(
                read(&builtin_dir, output),
                read(&copy_dir, output),
                "{name}: {output}"
            );
        }
    }
}

/// A profile written from scratch: its phone field is called `mobile` and it
/// has no age fields. Duplicates are found on `mobile`; no row is asked for
/// an age.
#[test]
fn a_custom_profile_finds_its_fields_by_role() {
    let dir = tempfile::tempdir().expect("tempdir");
    let profile = dir.path().join("shop.toml");
    std::fs::write(
        &profile,
        "name = \"shop\"\n[[fields]]\nname = \"mobile\"\nkind = \"phone\"\nrequired = true\n[[fields]]\nname = \"given_name\"\n[[fields]]\nname = \"signed_up\"\nrole = \"opt_in_at\"\n",
    )
    .expect("write");
    let list = dir.path().join("list.csv");
    std::fs::write(
        &list,
        "mobile,given_name,signed_up\n+44 7911 123456,Ana,2025-01-05\n+447911123456,Ben,2025-02-01\n+44 7911 123457,Cy,2025-03-01\n",
    )
    .expect("write");
    let out = Command::new(binary())
        .args([
            "check",
            list.to_str().expect("path"),
            "--json",
            "--now",
            "2025-11-26T00:00:00Z",
        ])
        .args(["--profile", profile.to_str().expect("path")])
        .output()
        .expect("run listgate");
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stderr)));
    let codes: Vec<(&str, u64)> = report["issues"]
        .as_array()
        .expect("issues")
        .iter()
        .map(|i| {
            (
                i["code"].as_str().expect("code"),
                i["row"].as_u64().expect("row"),
            )
        })
        .collect();
    assert_eq!(codes, [("phone.duplicate", 3)], "{report}");
    assert_eq!(report["summary"]["duplicates"], 1);
    assert_eq!(report["summary"]["importable"], 2);
    assert_eq!(out.status.code(), Some(1));

    // Switching on a rule whose role no field has is refused at load.
    std::fs::write(
        &profile,
        "name = \"shop\"\n[rules]\n\"age.under_minimum\" = true\n[[fields]]\nname = \"mobile\"\nkind = \"phone\"\n",
    )
    .expect("write");
    let out = Command::new(binary())
        .args(["check", list.to_str().expect("path")])
        .args(["--profile", profile.to_str().expect("path")])
        .output()
        .expect("run listgate");
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("age.under_minimum") && stderr.contains("date_of_birth"),
        "{stderr}"
    );
}
