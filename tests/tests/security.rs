//! Hostile users, in the real app, CLI and server: markup in cells, headers,
//! file names and consent wording never runs in the merchant's app or the
//! reviewer's console; no generated file starts a cell with a formula; no
//! secret reaches the server's log.

use listgate_core::records::read_all;
use listgate_e2e::browser::{Browser, Server, dist};
use listgate_e2e::lists::{IMG, SCRIPT, SVG, markup_list};
use listgate_e2e::{add_reviewer, add_tenant, binary};
use std::path::Path;
use std::process::Command;

#[tokio::test(flavor = "multi_thread")]
async fn markup_in_lists_wording_and_file_names_never_runs() {
    let server = Server::start();
    let key = add_tenant(&server, "Acme", &[]).secret;
    add_reviewer(
        &server,
        "ana@listgate.example",
        "correct horse battery staple",
    );
    let dir = tempfile::tempdir().expect("tempdir");
    let list = markup_list(dir.path());

    let b = Browser::start().await;
    b.open_app(&server.url).await;
    b.type_into("#default-region", "GB").await;
    b.click("section .actions button.primary").await;
    b.choose_file(&list, 10).await;
    b.wait("#preview", 30).await;
    assert!(b.text("#preview").await.contains(SCRIPT), "shown as text");
    b.assert_no_script_ran("Load").await;
    b.check_with_suggested_mapping().await;
    b.assert_no_script_ran("Results").await;
    assert!(
        b.text("main").await.contains(IMG),
        "the cell is shown as text"
    );

    b.click("nav li:nth-child(7) button").await;
    let wording = format!("Yes to WhatsApp {SVG}");
    b.answer_evidence(dir.path(), [&wording, IMG, SCRIPT], &format!("{SVG}.png"))
        .await;
    b.assert_no_script_ran("Evidence").await;
    b.type_into("#api-key", &key).await;
    b.click("#submit").await;
    b.wait("#submission-status[data-status='pending_review']", 20)
        .await;

    b.sign_in_to_review("ana@listgate.example", "correct horse battery staple")
        .await;
    b.click("#queue tr[data-id] button").await;
    assert_eq!(
        b.text("#review-wording").await,
        format!("Yes to WhatsApp {SVG}")
    );
    assert!(b.text("#review-evidence").await.contains(SVG));
    b.assert_no_script_ran("the reviewer console").await;
    b.close().await;
}

/// Whether a spreadsheet would read `cell` as a formula.
fn formula(cell: &str) -> bool {
    let plain_number = cell
        .strip_prefix(['+', '-'])
        .unwrap_or(cell)
        .chars()
        .all(|c| c.is_ascii_digit() || c == '.')
        && cell.len() > 1;
    cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && !plain_number
}

#[test]
fn no_generated_file_starts_a_cell_with_a_formula() {
    let dir = tempfile::tempdir().expect("tempdir");
    let list = dir.path().join("formulas.csv");
    std::fs::write(
        &list,
        "First Name,phone,opt_in_at,opt_in_source,opt_in_text,opt_in_channel\n\
         \"=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\",+447911123456,2025-03-05,@SUM(1+1),Yes to WhatsApp,whatsapp\n\
         -2+3+cmd|' /C calc'!A0,+447911123457,2025-03-05,shop.example,=1+2 WhatsApp,sms\n\
         +cmd,=447911123458,2025-03-05,shop.example,Yes to WhatsApp,whatsapp\n\
         \"\tTAB\",+447911123459,2025-03-05,shop.example,Yes to WhatsApp,email\n",
    )
    .expect("write");
    let out = dir.path().join("out");
    let status = Command::new(binary())
        .arg("check")
        .arg(&list)
        .args(["--default-region", "GB", "--now", "2025-12-01"])
        .args(["--business-name", "Acme", "--out-dir"])
        .arg(&out)
        .status()
        .expect("run listgate");
    assert!(matches!(status.code(), Some(0 | 1)), "{status}");
    let mut files = 0;
    for entry in std::fs::read_dir(&out).expect("out dir") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|e| e == "csv") {
            files += 1;
            assert_no_formula(&path);
        }
    }
    assert!(files >= 4, "clean, errors and the segment files");
}

fn assert_no_formula(path: &Path) {
    let bytes = std::fs::read(path).expect("read");
    let text = String::from_utf8_lossy(&bytes);
    for record in read_all(text.trim_start_matches('\u{feff}'), b',', true) {
        for cell in record.cells() {
            assert!(
                !formula(cell),
                "{}: row {} starts a cell with a formula: {cell:?}",
                path.display(),
                record.row()
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn no_secret_reaches_the_servers_log() {
    let dir = tempfile::tempdir().expect("tempdir");
    let log_path = dir.path().join("server.log");
    let log = std::fs::File::create(&log_path).expect("log file");
    // The most the server ever logs.
    let server = Server::start_logging(&dist(), log, &[("RUST_LOG", "trace")]);
    let key = add_tenant(&server, "Acme", &[]).secret;
    let password = "correct horse battery staple";
    add_reviewer(&server, "ana@listgate.example", password);
    let http = reqwest::Client::new();

    let submitted = http
        .get(format!("{}/api/v1/submissions/none", server.url))
        .bearer_auth(&key)
        .send()
        .await
        .expect("send");
    assert_eq!(submitted.status(), 404);
    let cookie =
        listgate_e2e::reviewer_cookie(&http, &server.url, "ana@listgate.example", password)
            .await
            .expect("sign in");
    let session = cookie.split('=').nth(1).expect("token").to_owned();
    let queue = http
        .get(format!("{}/api/v1/review/submissions", server.url))
        .header("cookie", &cookie)
        .send()
        .await
        .expect("queue");
    assert!(queue.status().is_success());
    drop(server);

    let log = std::fs::read_to_string(&log_path).expect("log");
    assert!(
        log.contains("/api/v1/session"),
        "the log was written: {log}"
    );
    for (what, secret) in [
        ("the API key", key.as_str()),
        ("the password", password),
        ("the session token", session.as_str()),
    ] {
        assert!(!log.contains(secret), "{what} is in the server log");
    }
}
