//! The real `listgate` binary on real files: exit codes, `--json`, `--out-dir`.

use listgate_e2e::{binary, fixture};
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn listgate(args: &[&str]) -> Output {
    Command::new(binary())
        .args(args)
        .output()
        .expect("run listgate")
}

const NOW: &str = "--now=2025-11-26T00:00:00Z";

fn messy(extra: &[&str]) -> Output {
    let path = fixture("whatsapp_messy.csv");
    let mut args = vec![
        "check",
        path.to_str().expect("utf8 path"),
        "--default-region",
        "GB",
        NOW,
        "--business-name",
        "Acme Boutique",
    ];
    args.extend_from_slice(extra);
    listgate(&args)
}

#[test]
fn exit_codes_follow_the_contract() {
    assert_eq!(messy(&[]).status.code(), Some(1), "some rows rejected");

    let dir = tempfile::tempdir().expect("tempdir");
    let clean = dir.path().join("clean.csv");
    std::fs::write(&clean, "phone,opt_in_at,opt_in_source,opt_in_text,channel\n+447911123456,2025-03-05,https://acme.example,Yes to WhatsApp from Acme,whatsapp\n").expect("write");
    let out = listgate(&[
        "check",
        clean.to_str().expect("path"),
        NOW,
        "--business-name",
        "Acme",
    ]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let refused = dir.path().join("refused.csv");
    std::fs::write(&refused, "phone,opt_in_at\n+447911123456,2025-03-05\n").expect("write");
    let out = listgate(&[
        "check",
        refused.to_str().expect("path"),
        NOW,
        "--business-name",
        "Acme",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
    assert!(
        stderr.contains("header.missing_required") && stderr.contains("opt_in_source"),
        "{stderr}"
    );
}

#[test]
fn unusable_input_gets_one_clear_line_and_exit_2() {
    let dir = tempfile::tempdir().expect("tempdir");
    let garbage = dir.path().join("photo.csv");
    std::fs::write(
        &garbage,
        (0..4096u32)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect::<Vec<_>>(),
    )
    .expect("write");
    let missing = dir.path().join("nope.csv");
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec!["check".into(), missing.display().to_string()],
            "cannot open",
        ),
        (
            vec!["check".into(), garbage.display().to_string()],
            "file.unreadable",
        ),
        (
            vec![
                "check".into(),
                fixture("whatsapp_messy.csv").display().to_string(),
                "--default-region".into(),
                "XX".into(),
            ],
            "not a country code",
        ),
        (
            vec![
                "check".into(),
                fixture("whatsapp_messy.csv").display().to_string(),
                "--profile".into(),
                "telegram".into(),
            ],
            "unknown profile",
        ),
        (
            vec![
                "check".into(),
                fixture("whatsapp_messy.csv").display().to_string(),
                "--map".into(),
                "phone=Fax".into(),
            ],
            "no column `Fax`",
        ),
        (
            vec!["check".into(), dir.path().display().to_string()],
            "folder",
        ),
        (
            vec![
                "check".into(),
                fixture("whatsapp_messy.csv").display().to_string(),
                "--delimiter".into(),
                "§".into(),
            ],
            "use , ; | or tab",
        ),
    ];
    for (args, expected) in cases {
        // Named, so that only the unusable input is refused.
        let mut args: Vec<&str> = args.iter().map(String::as_str).collect();
        args.extend(["--business-name", "Acme Boutique"]);
        let out = listgate(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(
            stderr.contains(expected),
            "{args:?}: expected `{expected}` in {stderr}"
        );
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
}

#[test]
fn a_whatsapp_check_without_a_business_name_is_refused_saying_why() {
    let path = fixture("whatsapp_messy.csv");
    let path = path.to_str().expect("utf8 path");
    for blank in [None, Some(" ")] {
        let mut args = vec!["check", path, "--default-region", "GB", NOW];
        if let Some(blank) = blank {
            args.extend(["--business-name", blank]);
        }
        let out = listgate(&args);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert_eq!(stderr.trim().lines().count(), 1, "one line: {stderr}");
        assert!(
            stderr.contains("needs your business name")
                && stderr.contains("brand")
                && stderr.contains("--business-name"),
            "{stderr}"
        );
    }
}

#[test]
fn json_report_has_the_contract_schema() {
    let out = messy(&["--json"]);
    let report: Value = serde_json::from_slice(&out.stdout).expect("json on stdout");
    for key in ["encoding", "encoding_source", "delimiter", "header_row"] {
        assert!(report["file"].get(key).is_some(), "file.{key}");
    }
    for key in ["rows", "importable", "rejected", "warnings", "duplicates"] {
        assert!(report["summary"][key].is_u64(), "summary.{key}");
    }
    for key in ["whatsapp", "sms_only", "email_only", "unknown"] {
        assert!(report["segments"][key].is_u64(), "segments.{key}");
    }
    let issues = report["issues"].as_array().expect("issues");
    assert!(!issues.is_empty());
    for issue in issues {
        for key in ["row", "column", "code", "severity", "message"] {
            assert!(issue.get(key).is_some(), "issue.{key}: {issue}");
        }
    }
    assert!(report["batches"].is_array());
    // Importable contacts per opt-in source add up to the importable rows.
    let sources = report["opt_in_sources"].as_array().expect("opt_in_sources");
    let listed: u64 = sources.iter().filter_map(|s| s["contacts"].as_u64()).sum();
    assert!(sources.iter().all(|s| s["source"].is_string()));
    assert_eq!(
        Some(
            listed
                + report["opt_in_sources_not_listed"]
                    .as_u64()
                    .expect("not listed")
        ),
        report["summary"]["importable"].as_u64()
    );
    assert_eq!(
        report["file"]["header_row"], 3,
        "two title rows above the header"
    );
    assert_eq!(report["summary"]["rows"], 10);
    let dup = issues
        .iter()
        .find(|i| i["code"] == "phone.duplicate")
        .expect("duplicate");
    assert_eq!(dup["row"], 6);
    assert!(
        dup["message"].as_str().expect("text").contains("row 4"),
        "names the first row"
    );
}

fn csv_rows(path: &Path) -> usize {
    let text = std::fs::read_to_string(path).expect("read output");
    // Every output row of these fixtures is one line; the header is one more.
    text.lines().count() - 1
}

#[test]
fn out_dir_files_account_for_every_row_and_errors_reimport() {
    let dir = tempfile::tempdir().expect("tempdir");
    let out_dir = dir.path().join("out");
    let out = messy(&["--out-dir", out_dir.to_str().expect("path"), "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    for name in [
        "clean.csv",
        "errors.csv",
        "report.json",
        "batches.csv",
        "whatsapp.csv",
        "sms_only.csv",
        "email_only.csv",
        "unknown.csv",
    ] {
        assert!(out_dir.join(name).exists(), "{name} written");
    }
    let on_disk: Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("report.json")).expect("report"))
            .expect("json");
    assert_eq!(on_disk, report);

    let s = &report["summary"];
    let clean = csv_rows(&out_dir.join("clean.csv"));
    let errors = csv_rows(&out_dir.join("errors.csv"));
    let set_aside: usize = ["sms_only.csv", "email_only.csv", "unknown.csv"]
        .iter()
        .map(|n| csv_rows(&out_dir.join(n)))
        .sum();
    assert_eq!(clean as u64, s["importable"].as_u64().expect("n"));
    assert_eq!(
        (clean + errors + set_aside) as u64,
        s["rows"].as_u64().expect("n"),
        "every row in exactly one file"
    );

    let errors_text = std::fs::read_to_string(out_dir.join("errors.csv")).expect("errors");
    assert!(errors_text.starts_with('\u{feff}'), "BOM for Excel");
    assert!(
        errors_text.contains("'=HYPERLINK"),
        "formula neutralized: {errors_text}"
    );
    assert!(
        errors_text
            .lines()
            .next()
            .expect("header")
            .ends_with(",row,errors")
    );

    // The error file re-imports as it is: same rows rejected for the same codes.
    let again = listgate(&[
        "check",
        out_dir.join("errors.csv").to_str().expect("path"),
        "--default-region",
        "GB",
        NOW,
        "--business-name",
        "Acme Boutique",
        "--json",
    ]);
    let second: Value = serde_json::from_slice(&again.stdout).expect("json");
    let codes = |r: &Value| {
        let mut c: Vec<String> = r["issues"]
            .as_array()
            .expect("issues")
            .iter()
            .map(|i| i["code"].as_str().expect("code").to_owned())
            .collect();
        c.sort();
        c
    };
    let first_errors: Vec<String> = codes(&report)
        .into_iter()
        .filter(|c| c != "phone.not_mobile")
        .collect();
    let mut first_rejected = first_errors.clone();
    first_rejected.retain(|c| c != "phone.duplicate");
    let mut second_codes = codes(&second);
    second_codes.retain(|c| c != "phone.not_mobile");
    assert_eq!(second["summary"]["rows"].as_u64(), Some(errors as u64));
    assert!(
        first_rejected.iter().all(|c| second_codes.contains(c)),
        "{first_rejected:?} vs {second_codes:?}"
    );
    assert!(!out_dir.join("clean.csv.partial").exists());
}

#[test]
fn refused_files_leave_only_the_refusal_behind() {
    let dir = tempfile::tempdir().expect("tempdir");
    let refused = dir.path().join("refused.csv");
    std::fs::write(&refused, "name\nAna\n").expect("write");
    let out_dir = dir.path().join("out");
    let out = listgate(&[
        "check",
        refused.to_str().expect("path"),
        "--business-name",
        "Acme",
        "--out-dir",
        out_dir.to_str().expect("path"),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let left: Vec<_> = std::fs::read_dir(&out_dir)
        .expect("dir")
        .map(|e| e.expect("entry").file_name())
        .collect();
    assert_eq!(left, ["report.json"], "no partial files stay");
    let report: Value =
        serde_json::from_slice(&std::fs::read(out_dir.join("report.json")).expect("read"))
            .expect("json");
    assert_eq!(report["refused"]["code"], "header.missing_required");
    assert!(report["refused"]["position"].is_null(), "{report}");
}

#[test]
fn a_refusal_points_at_its_row_and_column() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (name, text, code, row, column) in listgate_e2e::lists::refused_at_a_place() {
        let file = dir.path().join(name);
        std::fs::write(&file, text).expect("write");
        let out_dir = dir.path().join(format!("out-{name}"));
        let out = listgate(&[
            "check",
            file.to_str().expect("path"),
            "--business-name",
            "Acme",
            "--json",
            "--out-dir",
            out_dir.to_str().expect("path"),
        ]);
        assert_eq!(out.status.code(), Some(2), "{name}");
        let printed: Value = serde_json::from_slice(&out.stdout).expect("json on stdout");
        let written: Value =
            serde_json::from_slice(&std::fs::read(out_dir.join("report.json")).expect("read"))
                .expect("json");
        assert_eq!(printed, written, "{name}");
        let refused = &printed["refused"];
        assert_eq!(refused["code"], code, "{refused}");
        assert_eq!(refused["position"]["row"], row, "{refused}");
        let letter = refused["position"]["column"]
            .as_u64()
            .map(|c| listgate_core::text::column_letter(c as usize));
        assert_eq!(letter.as_deref(), column, "{refused}");
        assert!(
            refused["fix"].as_str().is_some_and(|f| !f.is_empty()),
            "{refused}"
        );
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(&format!("row {row}")), "{stderr}");
    }
}

#[test]
fn stdin_and_custom_profiles_work() {
    let dir = tempfile::tempdir().expect("tempdir");
    let profile = dir.path().join("shop.toml");
    std::fs::write(&profile, "name = \"shop\"\nextends = \"whatsapp\"\nallowed_countries = [\"DE\"]\n[[fields]]\nname = \"phone\"\nsynonyms = [\"Handynummer\"]\n").expect("write");
    let mut child = Command::new(binary())
        .args([
            "check",
            "-",
            "--profile",
            profile.to_str().expect("path"),
            NOW,
            "--business-name",
            "Laden",
            "--json",
        ])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn");
    use std::io::Write as _;
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(b"Handynummer;Opt-in Date;Source;Consent Text;Channel\n+49 151 23456789;2025-03-05;https://laden.example;Ja zu WhatsApp vom Laden;WhatsApp\n+44 7911 123456;2025-03-05;https://laden.example;Ja zu WhatsApp vom Laden;WhatsApp\n")
        .expect("write stdin");
    let out = child.wait_with_output().expect("wait");
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["profile"], "shop");
    assert_eq!(report["file"]["delimiter"], ";");
    assert_eq!(report["summary"]["importable"], 1);
    assert_eq!(report["issues"][0]["code"], "phone.not_allowed_country");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn templates_check_clean() {
    let dir = tempfile::tempdir().expect("tempdir");
    for profile in ["whatsapp", "mongoose", "sms-us", "email-gdpr"] {
        let out = listgate(&["template", "--profile", profile]);
        assert_eq!(out.status.code(), Some(0));
        let path = dir.path().join(format!("{profile}.csv"));
        std::fs::write(&path, &out.stdout).expect("write");
        let check = listgate(&[
            "check",
            path.to_str().expect("path"),
            "--profile",
            profile,
            "--now",
            "2025-04-01",
            "--business-name",
            "Acme",
        ]);
        assert_eq!(
            check.status.code(),
            Some(0),
            "{profile}: {}",
            String::from_utf8_lossy(&check.stdout)
        );
    }
}

fn readme() -> (std::path::PathBuf, String) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../README.md");
    let text = std::fs::read_to_string(&path).expect("README");
    (path, text)
}

/// The README's rule table as the rule registry writes it: each code, what
/// it means and its fix, in reference order.
fn rule_table() -> String {
    let mut table = String::from("| code | what it means | how to fix it |\n|---|---|---|\n");
    for code in listgate_core::Code::ALL {
        let fix = listgate_core::fix_for(*code).replace('|', "\\|");
        table.push_str(&format!("| `{code}` | {} | {fix} |\n", code.meaning()));
    }
    table
}

/// The README's rule table is the registry's; `LISTGATE_BLESS=1` rewrites it.
#[test]
fn readme_rule_table_is_generated_from_the_rules() {
    let (path, text) = readme();
    let start = text
        .find("| code | what it means |")
        .expect("README has a rule table");
    let end = start + text[start..].find("\n\n").expect("the table ends");
    let written = &text[start..=end];
    let generated = rule_table();
    if written != generated && std::env::var_os("LISTGATE_BLESS").is_some() {
        let updated = format!("{}{generated}{}", &text[..start], &text[end + 1..]);
        std::fs::write(&path, updated).expect("write README");
        return;
    }
    assert_eq!(
        written, generated,
        "the README's rule table differs from the rules: run LISTGATE_BLESS=1 cargo test -p listgate-e2e --test cli"
    );
}

/// The README's custom-profile section names every role a field can play.
#[test]
fn readme_lists_every_role() {
    let (_, text) = readme();
    let section = &text[text.find("### Custom profiles").expect("section")..];
    for role in listgate_core::profile::Role::ALL {
        assert!(
            section.contains(&format!("`{role}`")),
            "README lacks role {role}"
        );
    }
}

/// Each built-in profile's row in the README names its required fields in
/// the required column and every other field after it.
#[test]
fn readme_profile_table_matches_the_builtin_profiles() {
    let (_, text) = readme();
    for name in listgate_core::profile::BUILTIN_PROFILES {
        let profile = listgate_core::Profile::builtin(name).expect("builtin");
        let row = text
            .lines()
            .find(|l| l.starts_with(&format!("| `{name}` |")))
            .unwrap_or_else(|| panic!("README has no row for {name}"));
        let cells: Vec<&str> = row.split(" | ").collect();
        let (required, others) = (cells[1], cells[2]);
        for field in &profile.fields {
            let named = format!("`{}`", field.name);
            let required_here = field.required
                || profile
                    .required_any
                    .iter()
                    .flatten()
                    .any(|f| *f == field.name);
            if required_here {
                assert!(
                    required.contains(&named),
                    "{name}: {} is required: {row}",
                    field.name
                );
            } else {
                assert!(
                    others.contains(&named)
                        || (others.contains("contact fields") && !required.contains(&named)),
                    "{name}: README does not list {} among the other fields: {row}",
                    field.name
                );
            }
        }
    }
}

#[test]
fn a_saved_mapping_is_reused_from_an_earlier_report() {
    let dir = tempfile::tempdir().expect("tempdir");
    let first = dir.path().join("march.csv");
    std::fs::write(
        &first,
        "Tel,When,Where,Words,Via\n+447911123456,2025-03-05,shop,Yes to Acme on WhatsApp,whatsapp\n",
    )
    .expect("write");
    let maps = [
        "--map",
        "phone=Tel",
        "--map",
        "opt_in_at=When",
        "--map",
        "opt_in_source=Where",
        "--map",
        "opt_in_text=Words",
        "--map",
        "opt_in_channel=Via",
    ];
    let mut args = vec![
        "check",
        first.to_str().expect("path"),
        NOW,
        "--business-name",
        "Acme",
        "--json",
    ];
    args.extend_from_slice(&maps);
    let out = listgate(&args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = dir.path().join("report.json");
    std::fs::write(&report, &out.stdout).expect("write report");

    let second = dir.path().join("april.csv");
    std::fs::write(
        &second,
        "Tel,When,Where,Words,Via\n+447911123457,2025-04-05,shop,Yes to Acme on WhatsApp,whatsapp\n",
    )
    .expect("write");
    let named = ["--business-name", "Acme"];
    let without = listgate(&[&["check", second.to_str().expect("path"), NOW][..], &named].concat());
    assert_eq!(
        without.status.code(),
        Some(2),
        "unmapped headers are refused"
    );
    let with = listgate(&[
        "check",
        second.to_str().expect("path"),
        NOW,
        "--business-name",
        "Acme",
        "--mapping-file",
        report.to_str().expect("path"),
    ]);
    assert_eq!(
        with.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&with.stderr)
    );
}

/// A tab-separated file's report names the tab itself (JSON `"\t"`, not a
/// backslash and a t); the summary says "tab".
#[test]
fn a_tab_delimiter_is_reported_as_a_tab() {
    let dir = tempfile::tempdir().expect("tempdir");
    let tsv = dir.path().join("list.tsv");
    std::fs::write(
        &tsv,
        "phone\topt_in_at\topt_in_source\topt_in_text\n+447911123456\t2025-01-05\tshop.example\tYes to WhatsApp\n",
    )
    .expect("write");
    let path = tsv.to_str().expect("path");
    let named = ["--business-name", "Acme"];
    let out = listgate(&[&["check", path, "--json", NOW][..], &named].concat());
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["file"]["delimiter"], "\t");
    let out = listgate(&[&["check", path, NOW][..], &named].concat());
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(summary.contains(", delimiter tab,"), "{summary}");
}

/// A Windows-1251 export with Cyrillic headers: its encoding is detected,
/// `--map` finds its columns by their Cyrillic names, and the summary names
/// the encoding and how it was chosen.
#[test]
fn a_cyrillic_export_is_detected_and_mapped_by_its_own_headers() {
    let path = fixture("dialects/windows1251_cyrillic.csv");
    let mut args = vec![
        "check",
        path.to_str().expect("utf8 path"),
        NOW,
        "--business-name",
        "Acme Boutique",
    ];
    for pair in [
        "phone=Телефон",
        "opt_in_at=Дата согласия",
        "opt_in_source=Источник",
        "opt_in_text=Текст согласия",
        "opt_in_channel=Канал",
    ] {
        args.extend(["--map", pair]);
    }
    let out = listgate(&[args.as_slice(), &["--json"]].concat());
    let report: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|_| panic!("json: {}", String::from_utf8_lossy(&out.stderr)));
    assert_eq!(report["file"]["encoding"], "windows-1251");
    assert_eq!(report["file"]["encoding_source"], "detected");
    assert_eq!(report["mapping"]["phone"], "Телефон");
    assert_eq!(report["summary"]["rows"], 4);
    assert_eq!(report["summary"]["importable"], 3, "{report:#}");

    let out = listgate(&args);
    let summary = String::from_utf8_lossy(&out.stdout);
    assert!(
        summary.contains("read as encoding windows-1251 (detected), delimiter `;`"),
        "{summary}"
    );
}

/// `--encoding` takes any WHATWG label and the report says it was declared;
/// a label that names no encoding is refused with a message naming it.
#[test]
fn encoding_labels_are_whatwg_labels() {
    let out = messy(&["--encoding", "latin1", "--json"]);
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    assert_eq!(report["file"]["encoding"], "windows-1252");
    assert_eq!(report["file"]["encoding_source"], "declared");

    let out = messy(&["--encoding", "klingon-8"]);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("unknown encoding `klingon-8`"), "{stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
}

#[test]
fn a_suppression_list_refuses_the_rows_it_holds_unless_their_consent_is_newer() {
    let dir = tempfile::tempdir().expect("tempdir");
    let list = dir.path().join("suppressions.csv");
    // Ana (row 4, opted in 2025-03-05) opted out after; Jon (row 14, opted in
    // 2025-03-12) opted out before he opted in again; Dev (row 7) by address.
    std::fs::write(
        &list,
        "phone,email,reason,date\n\
         07911 123456,,replied STOP,2025-06-01\n\
         +44 7911 123461,,unsubscribed,2025-01-01\n\
         ,DEV@example.com,,\n",
    )
    .expect("write the list");
    let before: Value = serde_json::from_slice(&messy(&["--json"]).stdout).expect("json");
    let out = messy(&["--json", "--suppressions", list.to_str().expect("utf8")]);
    let report: Value = serde_json::from_slice(&out.stdout).expect("json");
    let suppressed: Vec<(u64, String)> = report["issues"]
        .as_array()
        .expect("issues")
        .iter()
        .filter(|i| i["code"] == "consent.suppressed")
        .map(|i| {
            (
                i["row"].as_u64().expect("row"),
                i["message"].as_str().expect("message").to_owned(),
            )
        })
        .collect();
    let rows: Vec<u64> = suppressed.iter().map(|(row, _)| *row).collect();
    // Row 6 (Cara) has Ana's number too, and is her duplicate already.
    assert_eq!(rows, [4, 6, 7], "{suppressed:?}");
    assert!(
        suppressed[0]
            .1
            .contains("opted out on 2025-06-01 (replied STOP)"),
        "{suppressed:?}"
    );
    assert_eq!(
        report["summary"]["importable"].as_u64(),
        before["summary"]["importable"].as_u64().map(|n| n - 2),
        "Ana and Dev are held back; Jon's newer consent stands"
    );
    // A list that cannot be read names its line and the fix.
    std::fs::write(&list, "phone\n+447911123456\nnot a number\n").expect("write");
    let out = messy(&["--suppressions", list.to_str().expect("utf8")]);
    assert_eq!(out.status.code(), Some(2));
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("line 3 of the suppression list") && said.contains("country code"),
        "{said}"
    );
}
