//! The broken-file corpus through the CLI, the server and the browser.
//!
//! `tests/fixtures/broken/` holds the damage real exports have (made by its
//! `make.py`); the two huge cases, a 10 MB cell and 100,000 columns, are
//! written here. Each file has one expected outcome — refused with a code and
//! a message naming the problem, or checked with a row count — and every
//! door gives that outcome: no panic, no hang, no 500, no silent drop.

use listgate_e2e::browser::{Browser, Server};
use listgate_e2e::{add_tenant, binary, fixture};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

/// What a file must lead to.
#[derive(Debug, Clone, Copy)]
enum Expect {
    /// Refused as a whole with `code`, the message containing `says`.
    Refused {
        code: &'static str,
        says: &'static str,
    },
    /// Checked: `rows` contact rows, and the summary or a row issue
    /// mentions `says` when given.
    Checked {
        rows: u64,
        says: Option<&'static str>,
    },
}

const REPLACED: Option<&str> = Some("replaced with �");

fn corpus(dir: &Path) -> Vec<(PathBuf, Expect)> {
    use Expect::{Checked, Refused};
    let broken = |name: &str| fixture(&format!("broken/{name}"));
    let header = "phone,opt_in_at,opt_in_source,opt_in_text,opt_in_channel\n";
    let huge_cell = dir.join("huge_cell.csv");
    let mut text = String::from(header);
    text.push_str("+447911123456,2025-03-05,shop.example,");
    text.push_str(&"WhatsApp ".repeat(10 * 1024 * 1024 / 9));
    text.push_str(",whatsapp\n");
    std::fs::write(&huge_cell, text).expect("write");
    let wide = dir.join("wide.csv");
    let mut text = String::from(header.trim_end());
    for n in 0..100_000 - 5 {
        text.push_str(&format!(",extra{n}"));
    }
    text.push('\n');
    std::fs::write(&wide, text).expect("write");
    vec![
        (
            broken("empty.csv"),
            Refused {
                code: "file.empty",
                says: "the file is empty",
            },
        ),
        (
            broken("header_only.csv"),
            Refused {
                code: "file.empty",
                says: "header row but no contact rows",
            },
        ),
        (
            broken("truncated_utf16.csv"),
            Checked {
                rows: 3,
                says: REPLACED,
            },
        ),
        (
            broken("lone_surrogate_utf16.csv"),
            Checked {
                rows: 1,
                says: REPLACED,
            },
        ),
        (
            broken("nul_bytes.csv"),
            Refused {
                code: "file.unreadable",
                says: "row 2, column D holds a NUL character",
            },
        ),
        (
            broken("mixed_line_endings.csv"),
            Checked {
                rows: 2,
                says: None,
            },
        ),
        (
            broken("unbalanced_quotes.csv"),
            Checked {
                rows: 1,
                says: Some("row.unclosed_quote"),
            },
        ),
        (
            broken("really_csv.xlsx"),
            Checked {
                rows: 1,
                says: None,
            },
        ),
        (
            broken("really_xlsx.csv"),
            Checked {
                rows: 1,
                says: None,
            },
        ),
        (
            broken("entity_expansion.xlsx"),
            Refused {
                code: "file.unreadable",
                says: "unrecognized entity",
            },
        ),
        (
            broken("far_column.xlsx"),
            Refused {
                code: "file.too_many_columns",
                says: "has cells up to column XFD",
            },
        ),
        (
            broken("far_corner.xlsx"),
            Refused {
                code: "file.too_many_columns",
                says: "cells up to column XFD (cell XFD1048576)",
            },
        ),
        (
            broken("far_row.xlsx"),
            Checked {
                rows: 2,
                says: None,
            },
        ),
        (
            broken("sparse_far_cells.xlsx"),
            Refused {
                code: "file.too_large",
                says: "spans more than 20,000,000 cells",
            },
        ),
        (
            broken("zip_bomb.xlsx"),
            Refused {
                code: "file.too_large",
                says: "the workbook unpacks to 1536 MB",
            },
        ),
        (
            huge_cell,
            Refused {
                code: "file.cell_too_long",
                says: "row 2, column D: a cell of 10,485,756 characters",
            },
        ),
        (
            wide,
            Refused {
                code: "file.too_many_columns",
                says: "cells; a list can have at most 1,000",
            },
        ),
    ]
}

#[test]
fn the_cli_gives_each_broken_file_its_outcome() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (file, expect) in corpus(dir.path()) {
        let out = Command::new(binary())
            .arg("check")
            .arg(&file)
            .args(["--default-region", "GB", "--now", "2025-12-01"])
            .args(["--business-name", "Acme"])
            .output()
            .expect("run listgate");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let name = file.display();
        match expect {
            Expect::Refused { code, says } => {
                assert_eq!(out.status.code(), Some(2), "{name}: {stderr}");
                assert!(
                    stderr.contains(code) && stderr.contains(says),
                    "{name}: {stderr}"
                );
            }
            Expect::Checked { rows, says } => {
                assert!(matches!(out.status.code(), Some(0 | 1)), "{name}: {stderr}");
                assert!(
                    stdout.contains(&format!("  rows {rows}  ")),
                    "{name}: {stdout}"
                );
                if let Some(says) = says {
                    assert!(stdout.contains(says), "{name}: {stdout}");
                }
            }
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_server_refuses_broken_files_as_the_cli_does() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start();
    let keys = add_tenant(&server, "Acme", &[]);
    let client = reqwest::Client::new();
    for (file, expect) in corpus(dir.path()) {
        let settings = serde_json::json!({
            "profile": "whatsapp",
            "options": { "default_region": "GB", "now": "2025-12-01T00:00:00Z", "business_name": "Acme" },
        });
        let consent = serde_json::json!({ "consent": { "wording": "Yes to WhatsApp offers", "source": "shop.example" } });
        let bytes = std::fs::read(&file).expect("read");
        // The server reads only the CSV listgate wrote: a workbook, however
        // it is named, is refused before it is read.
        let expect = if listgate_core::InputKind::of(&bytes) == listgate_core::InputKind::Workbook {
            Expect::Refused {
                code: "",
                says: "the clean part must be the CSV file listgate wrote, not a workbook",
            }
        } else {
            expect
        };
        let form = reqwest::multipart::Form::new()
            .text("settings", settings.to_string())
            .text("consent", consent.to_string())
            .part(
                "clean",
                reqwest::multipart::Part::bytes(bytes).file_name("clean.csv"),
            );
        let response = client
            .post(format!("{}/api/v1/submissions", server.url))
            .bearer_auth(&keys.secret)
            .multipart(form)
            .send()
            .await
            .expect("submit");
        let status = response.status();
        let body = response.text().await.expect("body");
        let name = file.display();
        assert!(!status.is_server_error(), "{name}: {status} {body}");
        let json: Value = serde_json::from_str(&body)
            .unwrap_or_else(|e| panic!("{name}: not JSON ({e}): {body}"));
        if let Expect::Refused { code, says } = expect {
            assert_eq!(status, 422, "{name}: {body}");
            let text = json.to_string();
            assert!(text.contains(code) && text.contains(says), "{name}: {body}");
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn the_app_explains_each_refused_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start();
    let b = Browser::start().await;
    for (file, expect) in corpus(dir.path()) {
        b.open_app(&server.url).await;
        b.click("section .actions button.primary").await;
        b.choose_file(&file, 10).await;
        let name = file.display();
        // The Load step refuses what its preview can see; the rest is
        // refused (or checked) by the check itself.
        let first = b.wait("[role=alert], #preview", 60).await;
        let alert = if first.attr("role").await.expect("role").as_deref() == Some("alert") {
            Some(first.text().await.expect("text"))
        } else {
            b.click("section .actions button.primary").await;
            b.wait("#mapping", 10).await;
            b.click("#run-check").await;
            let done = b.wait("[role=alert], #outcome", 120).await;
            match done.attr("role").await.expect("role").as_deref() {
                Some("alert") => Some(done.text().await.expect("text")),
                _ => None,
            }
        };
        match (expect, alert) {
            (Expect::Refused { says, .. }, Some(alert)) => {
                assert!(alert.contains(says), "{name}: {alert}");
            }
            (Expect::Checked { .. }, None) => {}
            (expect, alert) => panic!("{name}: expected {expect:?}, the app showed {alert:?}"),
        }
    }
    b.close().await;
}

/// Every broken fixture, and every input fuzzing ever crashed on (kept under
/// `tests/fixtures/broken/fuzz/<target>/`), through what its fuzz target
/// calls: a verdict or a refusal, never a panic; the counts add up.
#[test]
fn the_corpus_and_every_fuzz_crash_replay_cleanly() {
    use listgate_core::normalize::date::{DateRules, parse_date, parse_instant};
    use listgate_core::normalize::phone::{PhoneRules, normalize_phone, parse_region};
    use listgate_core::profile::PhoneStyle;
    use listgate_core::{CheckOptions, JudgeOptions, Outputs, Profile, check_bytes};

    let root = fixture("broken");
    let mut inputs: Vec<(String, Vec<u8>)> = Vec::new();
    let mut dirs = vec![root.clone()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("read dir") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_none_or(|e| e != "py") {
                let target = path
                    .strip_prefix(root.join("fuzz"))
                    .ok()
                    .and_then(|p| p.iter().next())
                    .map_or("check_text".to_owned(), |t| {
                        t.to_string_lossy().into_owned()
                    });
                inputs.push((target, std::fs::read(&path).expect("read")));
            }
        }
    }
    assert!(inputs.len() >= 13, "the corpus is there");
    for (target, bytes) in &inputs {
        let text = String::from_utf8_lossy(bytes);
        match target.as_str() {
            "phone" => {
                for (region, nanp_only) in [(None, false), (Some("GB"), false), (Some("US"), true)]
                {
                    let rules = PhoneRules {
                        region: region.and_then(parse_region),
                        region_forced: false,
                        nanp_only,
                        allowed: vec![],
                        style: PhoneStyle::International,
                    };
                    // A number accepted once is accepted again as written.
                    if let Ok(phone) = normalize_phone(&text, &rules) {
                        let again = normalize_phone(&phone.e164, &rules);
                        assert_eq!(again.map(|p| p.e164).as_ref(), Ok(&phone.e164), "{text:?}");
                    }
                }
            }
            "date" => {
                let rules = DateRules::declared(None);
                let _ = (parse_instant(&text, &rules), parse_date(&text, &rules));
            }
            "profile" => {
                let _ = Profile::from_toml(&text);
            }
            _ => {
                for profile in ["whatsapp", "mongoose", "sms-us", "email-gdpr"] {
                    let mut outputs = Outputs::default();
                    let options = CheckOptions {
                        judging: JudgeOptions {
                            default_region: Some("GB".into()),
                            business_name: Some("Acme".into()),
                            ..JudgeOptions::default()
                        },
                        ..CheckOptions::default()
                    };
                    if let Ok(report) = check_bytes(
                        bytes,
                        Profile::builtin(profile).expect("profile"),
                        options,
                        &mut outputs,
                    ) {
                        let s = &report.summary;
                        assert_eq!(s.importable + s.rejected, s.rows, "{target} {profile}");
                    }
                }
            }
        }
    }
}

/// Shows the file (and runs the check when the preview passes it) until the
/// app raises its alert; the alert's text.
async fn alert_for(b: &Browser, url: &str, file: &Path) -> String {
    b.open_app(url).await;
    b.click("section .actions button.primary").await;
    b.choose_file(file, 10).await;
    let first = b.wait("[role=alert], #preview", 60).await;
    if first.attr("role").await.expect("role").as_deref() == Some("alert") {
        return first.text().await.expect("text");
    }
    b.click("section .actions button.primary").await;
    b.wait("#mapping", 10).await;
    b.click("#run-check").await;
    b.wait("[role=alert]", 120)
        .await
        .text()
        .await
        .expect("text")
}

#[tokio::test(flavor = "multi_thread")]
async fn the_app_points_at_the_row_and_cell_a_file_was_refused_for() {
    let dir = tempfile::tempdir().expect("tempdir");
    let server = Server::start();
    let b = Browser::start().await;
    for (name, text, code, row, column) in listgate_e2e::lists::refused_at_a_place() {
        let file = dir.path().join(name);
        std::fs::write(&file, text).expect("write");
        let row = row.to_string();
        let alert = alert_for(&b, &server.url, &file).await;
        assert!(alert.contains(code), "{alert}");
        let position = b.wait("[role=alert] #failure-position", 5).await;
        assert_eq!(
            position.attr("data-row").await.expect("attr").as_deref(),
            Some(row.as_str()),
            "{alert}"
        );
        assert_eq!(
            position.attr("data-column").await.expect("attr").as_deref(),
            column,
            "{alert}"
        );
        let said = position.text().await.expect("text");
        assert!(said.contains(&format!("row {row}")), "{said}");
        if let Some(column) = column {
            assert!(said.contains(&format!("column {column}")), "{said}");
        }
    }
    b.close().await;
}
