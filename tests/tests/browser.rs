//! The browser app end to end, in real headless Chromium against the real
//! server: every step walked with real fixture files, the numbers on screen
//! and the downloaded files compared with `listgate check` on the same file,
//! and every network request recorded to prove the list never left the page.

use listgate_e2e::browser::{Browser, Database, NetRequest, Server};
use listgate_e2e::choices::{Choices, cli};
use listgate_e2e::{add_reviewer, add_tenant, add_tenant_with, binary, fixture};
use serde_json::Value;
use std::path::Path;

fn number(text: &str) -> u64 {
    text.replace(',', "")
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("not a number: {text:?}"))
}

/// Start → Load → Map → Check → Results, as a merchant does it.
async fn check_in_browser(b: &Browser, url: &str, file: &Path, choices: &Choices) {
    check_in_browser_with_key(b, url, file, choices, None).await;
}

/// [`check_in_browser`], with the tenant's API key given on the Start step
/// (its opt-outs are then checked in the worker).
async fn check_in_browser_with_key(
    b: &Browser,
    url: &str,
    file: &Path,
    choices: &Choices,
    api_key: Option<&str>,
) {
    b.client.goto(url).await.expect("open the app");
    if let Some(key) = api_key {
        b.type_into("#opt-out-key", key).await;
    }
    b.select("#profile", choices.profile).await;
    if !choices.region.is_empty() {
        b.type_into("#default-region", choices.region).await;
    }
    if !choices.business.is_empty() {
        b.type_into("#business-name", choices.business).await;
    }
    if choices.house_number_in_street {
        b.click("#house-number").await;
    }
    if !choices.date_format.is_empty() {
        b.type_into("#date-format", choices.date_format).await;
    }
    if choices.infer_mobile_number {
        b.click("#infer-mobile").await;
    }
    if choices.allow_mobile_number_updates {
        b.click("#allow-updates").await;
    }
    if !choices.channel.is_empty() {
        b.select("#channel", choices.channel).await;
    }
    b.click("section .actions button.primary").await;
    if choices.pasted {
        let text = std::fs::read_to_string(file).expect("UTF-8 text to paste");
        b.click("details summary").await;
        b.wait("#paste", 10).await;
        // What a paste from a spreadsheet puts in the box (typing would turn
        // tabs into focus moves).
        b.client
            .execute(
                "const box = document.getElementById('paste');
                 box.value = arguments[0];
                 box.dispatchEvent(new Event('input', { bubbles: true }));",
                vec![text.into()],
            )
            .await
            .expect("paste");
        b.click("details button").await;
    } else {
        b.choose_file(file, 10).await;
    }
    b.check_with_suggested_mapping().await;
}

/// Every control on screen has a label a screen reader announces, and at
/// phone width (400 px) nothing but the scrollable tables is wider than the
/// screen.
async fn assert_accessible(b: &Browser, step: &str) {
    let unlabelled = b
        .client
        .execute(
            "return [...document.querySelectorAll('input, select, textarea, button')]
               .filter(e => !e.classList.contains('visually-hidden') || e.type === 'file')
               .filter(e => !(e.labels && e.labels.length) && !e.getAttribute('aria-label')
                            && !(e.tagName === 'BUTTON' && e.textContent.trim()))
               .map(e => e.outerHTML.slice(0, 80));",
            vec![],
        )
        .await
        .expect("find controls");
    assert_eq!(
        unlabelled,
        serde_json::json!([]),
        "{step}: controls without a label"
    );
    b.client
        .set_window_size(400, 900)
        .await
        .expect("narrow window");
    // How far the page scrolls sideways, and what sticks out (outside the
    // tables that scroll on their own).
    let measured = b
        .client
        .execute(
            "const width = document.documentElement.clientWidth;
             const culprits = [...document.querySelectorAll('body *')]
               .filter(e => !e.parentElement.closest('.scroll'))
               .filter(e => e.getBoundingClientRect().right > width + 1 || e.scrollWidth > width)
               .map(e => e.tagName + (e.id ? '#' + e.id : '') + '.' + e.className);
             return [document.documentElement.scrollWidth - width, culprits];",
            vec![],
        )
        .await
        .expect("measure");
    b.screenshot(&format!("narrow-{}", step.to_lowercase().replace(' ', "-")))
        .await;
    b.client
        .set_window_size(1280, 900)
        .await
        .expect("wide window");
    assert!(
        measured[0].as_i64().is_some_and(|px| px <= 0),
        "{step}: the page is {} px wider than a 400 px screen: {}",
        measured[0],
        measured[1]
    );
}

/// On the Download step: every file the page offers, downloaded, equals the
/// CLI's file of that name in `out_dir`, byte for byte. Returns the names.
async fn assert_downloads_equal(b: &Browser, out_dir: &Path) -> Vec<String> {
    b.wait("#downloads", 10).await;
    b.clear_downloads();
    let mut names = Vec::new();
    for link in b.find_all("#downloads a[data-file]").await {
        let name = link.attr("data-file").await.expect("attr").expect("name");
        link.click().await.expect("download");
        let got = b.downloaded(&name).await;
        let want = std::fs::read(out_dir.join(&name)).expect("CLI file");
        if got != want {
            let kept = std::env::temp_dir().join(format!("browser-{name}"));
            std::fs::write(&kept, &got).expect("keep the download");
            panic!(
                "{name} differs from the CLI's (browser copy kept at {})",
                kept.display()
            );
        }
        names.push(name);
    }
    names
}

/// The numbers on the Results step equal the CLI report's.
async fn assert_results_equal(b: &Browser, report: &Value) {
    let s = &report["summary"];
    for field in ["rows", "importable", "rejected", "warnings", "duplicates"] {
        let shown = number(&b.text(&format!("#summary-{field}")).await);
        assert_eq!(Some(shown), s[field].as_u64(), "summary {field}");
    }
    for segment in listgate_core::Segment::ALL {
        let id = segment.as_str();
        let shown = number(&b.text(&format!("#segment-{id}")).await);
        assert_eq!(Some(shown), report["segments"][id].as_u64(), "segment {id}");
        // What the segment means, beside its count.
        assert_eq!(
            b.text(&format!("#segment-{id} + td")).await,
            segment.meaning()
        );
    }
    let codes = report["issue_counts"].as_array().expect("issue_counts");
    let shown = b.find_all("td.count").await;
    assert_eq!(shown.len(), codes.len(), "one line per code and severity");
    for count in codes {
        let css = format!(
            "td.count[data-code='{}'][data-severity='{}']",
            count["code"].as_str().expect("code"),
            count["severity"].as_str().expect("severity")
        );
        assert_eq!(
            Some(number(&b.text(&css).await)),
            count["count"].as_u64(),
            "{css}"
        );
        // The app's own words: its steps and options, not CLI flags.
        let code: listgate_core::Code = count["code"]
            .as_str()
            .expect("code")
            .parse()
            .expect("a code");
        let fix = b.text(&format!("{css} + td")).await;
        assert_eq!(fix, listgate_core::app_fix_for(code), "the fix for {css}");
        assert!(!fix.contains("--"), "{css}: {fix}");
    }
    assert_eq!(
        b.text("#outcome").await,
        match report["outcome"].as_str() {
            Some("all_importable") => "All rows can be imported.",
            Some("some_importable") => "Some rows can be imported; the rest are in the error file.",
            _ => "No row can be imported; see the error file.",
        }
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn every_step_matches_the_cli_and_nothing_leaves_the_browser() {
    let server = Server::start();
    let b = Browser::start().await;
    let file = fixture("whatsapp_messy.csv");
    let choices = Choices::acme_whatsapp();
    check_in_browser(&b, &server.url, &file, &choices).await;

    let out = tempfile::tempdir().expect("tempdir");
    let report = cli(&b, &file, &choices, out.path()).await;
    assert_results_equal(&b, &report).await;
    for (step, nav) in [
        ("Start", 1),
        ("Load", 2),
        ("Map", 3),
        ("Check", 4),
        ("Download", 6),
        // Last: the row table below is on the Results step.
        ("Results", 5),
    ] {
        b.click(&format!("nav li:nth-child({nav}) button")).await;
        b.wait("section h2", 10).await;
        b.screenshot(&format!("{nav}-{}", step.to_lowercase()))
            .await;
        assert_accessible(&b, step).await;
    }

    // The row table shows a rejected row with its offending cell highlighted.
    b.wait("#row-table td.bad", 10).await;
    let first_issue = report["issues"][0]["row"].as_u64().expect("an issue");
    b.wait(&format!("#row-table tr[data-row='{first_issue}']"), 10)
        .await;

    // The text filter finds rows by a value in any cell, or by row number.
    b.type_into("#text-filter", "Martin").await;
    b.wait_for_text("#rows-shown", "1 of 9", 10).await;
    b.wait("#row-table tr[data-row='8']", 10).await;
    // Ctrl+A, Backspace: emptied as a person does it.
    b.type_into("#text-filter", "\u{E009}a\u{E000}\u{E003}")
        .await;
    b.wait_for_text("#rows-shown", "9 of 9", 10).await;

    // Editing the offending cell: `07911 12345O` (letter O) on row 8 becomes
    // a valid number. The row's own verdict shows at once; then the whole
    // list is checked again with the edit, and every number and download
    // is what `listgate check` gives for the file edited the same way.
    b.wait(
        "#row-table tr[data-row='8'] td.bad input[aria-label='Row 8, Mobile']",
        10,
    )
    .await;
    edit_cell(&b, 8, "Mobile", "+44 7911 123450").await;
    b.wait("#row-table tr[data-row='8'] small.fixed", 10).await;
    b.wait_for_text("#changes-applied", "1 change made", 20)
        .await;
    let change = b.text("#change-list tr[data-row='8']").await;
    assert!(
        change.contains("Mobile")
            && change.contains("07911 12345O")
            && change.contains("+44 7911 123450"),
        "{change}"
    );
    let edited = tempfile::tempdir().expect("tempdir");
    let edited_file = edited.path().join("whatsapp_messy.csv");
    let original = std::fs::read_to_string(&file).expect("fixture");
    assert_eq!(original.matches("07911 12345O").count(), 1);
    std::fs::write(
        &edited_file,
        original.replace("07911 12345O", "+44 7911 123450"),
    )
    .expect("edited copy");
    let edited_out = edited.path().join("out");
    let report = cli(&b, &edited_file, &choices, &edited_out).await;
    assert!(
        !report["issues"]
            .as_array()
            .expect("issues")
            .iter()
            .any(|i| i["row"] == 8),
        "the edited row is clean for the CLI too"
    );
    assert_results_equal(&b, &report).await;
    // The fixed row stays in the table, marked, with its new value.
    b.wait("#row-table tr[data-row='8'] small.fixed", 10).await;
    // changes.csv is the app's own file: what the merchant changed.
    std::fs::write(
        edited_out.join("changes.csv"),
        "step,kind,row,column,before,after,consent\r\n1,edit,8,Mobile,07911 12345O,+44 7911 123450,no\r\n",
    )
    .expect("expected changes.csv");

    // Downloads: byte for byte what `listgate check --out-dir` writes for
    // the edited file.
    b.click("section .actions button.primary").await;
    let mut names = assert_downloads_equal(&b, &edited_out).await;
    b.screenshot("6-download").await;
    names.sort();
    assert_eq!(
        names,
        [
            "batches.csv",
            "changes.csv",
            "clean.csv",
            "email_only.csv",
            "errors.csv",
            "report.json",
            "sms_only.csv",
            "unknown.csv",
            "whatsapp.csv"
        ]
    );
    let clean = String::from_utf8(std::fs::read(edited_out.join("clean.csv")).expect("clean"))
        .expect("UTF-8");
    assert!(
        clean.contains("+447911123450"),
        "the fixed row is in the clean file: {clean}"
    );

    // Evidence and attestation: evidence asked for each opt-in source of
    // the importable contacts, as the CLI's report counts them; the package
    // holds the answers, no row.
    b.click("section .actions button.primary").await;
    b.wait("#evidence-sources", 10).await;
    let mut shown = Vec::new();
    for source in b.find_all("#evidence-sources li").await {
        let name = source
            .attr("data-source")
            .await
            .expect("attr")
            .expect("source");
        let text = source.text().await.expect("text");
        shown.push((name, text));
    }
    let sources = report["opt_in_sources"].as_array().expect("opt_in_sources");
    assert!(!sources.is_empty(), "the fixture names its opt-in sources");
    assert_eq!(shown.len(), sources.len(), "{shown:?}");
    for ((name, text), want) in shown.iter().zip(sources) {
        assert_eq!(Some(name.as_str()), want["source"].as_str());
        let contacts = want["contacts"].as_u64().expect("contacts");
        let words = if contacts == 1 { "contact" } else { "contacts" };
        assert!(text.contains(&format!("{contacts} {words}")), "{text}");
        assert!(text.contains("no evidence yet"), "{text}");
    }
    assert!(b.text("#missing").await.contains("attach evidence for"));
    b.answer_the_evidence_step(out.path()).await;
    assert!(
        !b.text("#evidence-sources")
            .await
            .contains("no evidence yet"),
        "every source has its evidence"
    );
    assert_accessible(&b, "Evidence").await;
    b.click("#build-package").await;
    b.wait("#package", 10).await;
    b.screenshot("7-evidence").await;
    b.click("#package").await;
    let package: Value =
        serde_json::from_slice(&b.downloaded("submission.json").await).expect("package json");
    assert_eq!(package["consent"]["source"], "acme.example/join");
    assert_eq!(package["evidence"][0]["name"], "optin.png");
    assert_eq!(package["summary"], report["summary"]);

    // Privacy: from load through download, every request was a GET for the
    // app's own files or a local blob; none carried a body or a row value.
    let events = b.network_events().await;
    // The browser's own start page loads before ours; a web page cannot
    // make chrome:// requests, so those are not the app's.
    let requests: Vec<&Value> = events
        .iter()
        .filter(|e| e["method"] == "Network.requestWillBeSent")
        .map(|e| &e["params"]["request"])
        .filter(|r| {
            let url = r["url"].as_str().unwrap_or_default();
            !url.starts_with("chrome://") && !url.starts_with("chrome-untrusted://")
        })
        .collect();
    assert!(
        requests.len() >= 5,
        "the log recorded the app loading: {requests:?}"
    );
    let text = std::fs::read(&file).expect("fixture");
    let values: Vec<String> = String::from_utf8_lossy(&text)
        .lines()
        .flat_map(|l| l.split(',').map(str::to_owned).collect::<Vec<_>>())
        .map(|v| v.trim_matches('"').trim().to_owned())
        .filter(|v| v.len() >= 6)
        .chain(["+44 7911 123450".to_owned(), "447911123450".to_owned()])
        .collect();
    let mut printed = Vec::new();
    for request in &requests {
        let url = request["url"].as_str().unwrap_or_default();
        printed.push(format!(
            "{} {url}",
            request["method"].as_str().unwrap_or("?")
        ));
        assert!(
            url.starts_with(&server.url) || url.starts_with("blob:") || url.starts_with("data:"),
            "request to another origin: {url}"
        );
        assert_eq!(request["method"], "GET", "{url}");
        assert!(
            request["hasPostData"].as_bool() != Some(true) && request.get("postData").is_none(),
            "{url} carried a body"
        );
        for value in &values {
            assert!(!url.contains(value.as_str()), "{url} carries `{value}`");
        }
    }
    assert!(
        !events.iter().any(|e| e["method"]
            .as_str()
            .is_some_and(|m| m.starts_with("Network.webSocket"))),
        "no socket was opened"
    );
    println!("requests seen by the page:\n  {}", printed.join("\n  "));

    // The page's log does not show its worker's requests; the browser's
    // network log has every request, each with the origin that asked for it.
    let ours: Vec<NetRequest> = b
        .close_with_net_log()
        .await
        .requests()
        .into_iter()
        .filter(|r| r.initiator == server.url || r.url.starts_with(&server.url))
        .collect();
    assert!(
        ours.iter().any(|r| r.url.ends_with("/worker_bg.wasm")),
        "the network log saw the worker load: {ours:?}"
    );
    for r in &ours {
        assert!(
            r.url.starts_with(&server.url)
                || r.url.starts_with("blob:")
                || r.url.starts_with("data:"),
            "the app fetched another origin: {}",
            r.url
        );
        assert_eq!(r.method, "GET", "{}", r.url);
        assert_eq!(r.uploaded, 0, "{} uploaded a body", r.url);
        for value in &values {
            assert!(
                !r.url.contains(value.as_str()),
                "{} carries `{value}`",
                r.url
            );
        }
    }
    println!(
        "requests made by the app (page and worker), from the browser's network log:\n  {}",
        ours.iter()
            .map(|r| format!("{} {}", r.method, r.url))
            .collect::<Vec<_>>()
            .join("\n  ")
    );
}

/// Types `text` over the cell `column` of row `row` in the row table and
/// leaves it.
async fn edit_cell(b: &Browser, row: u64, column: &str, text: &str) {
    let cell = b
        .wait(
            &format!("#row-table tr[data-row='{row}'] input[aria-label='Row {row}, {column}']"),
            10,
        )
        .await;
    // Ctrl+A, then the new value and Tab, as a person does it (a WebDriver
    // clear would commit the empty cell as an edit of its own).
    cell.click().await.expect("focus the cell");
    cell.send_keys(&format!("\u{E009}a\u{E000}{text}\u{E004}"))
        .await
        .expect("type and leave the cell");
}

#[tokio::test(flavor = "multi_thread")]
async fn an_edit_that_makes_a_duplicate_is_caught_and_undo_and_redo_follow_it() {
    let server = Server::start();
    let b = Browser::start().await;
    let file = fixture("whatsapp_messy.csv");
    let choices = Choices::acme_whatsapp();
    check_in_browser(&b, &server.url, &file, &choices).await;
    let out = tempfile::tempdir().expect("tempdir");
    let before = cli(&b, &file, &choices, &out.path().join("before")).await;
    assert_results_equal(&b, &before).await;
    assert!(
        b.find_all("#undo:not([disabled])").await.is_empty(),
        "nothing to undo yet"
    );

    // Row 7's landline becomes row 9's mobile: judged alone the row is
    // clean, judged with the whole list row 9 is now its duplicate.
    edit_cell(&b, 7, "Mobile", "+44 7911 123458").await;
    b.wait_for_text("#changes-applied", "1 change made", 20)
        .await;
    let original = std::fs::read_to_string(&file).expect("fixture");
    let edited_file = out.path().join("whatsapp_messy.csv");
    std::fs::write(
        &edited_file,
        original.replace("+44 20 7946 0958", "+44 7911 123458"),
    )
    .expect("edited copy");
    let after = cli(&b, &edited_file, &choices, &out.path().join("after")).await;
    assert_eq!(
        after["summary"]["duplicates"].as_u64(),
        before["summary"]["duplicates"].as_u64().map(|n| n + 1),
        "the CLI finds one more duplicate in the edited file"
    );
    assert_results_equal(&b, &after).await;

    // Undo: the list as loaded again, numbers and all; redo: the edit back.
    b.click("#undo").await;
    b.wait_for_text("#changes-status", "No changes yet.", 20)
        .await;
    assert_results_equal(&b, &before).await;
    assert!(b.find_all("#change-list").await.is_empty());
    b.click("#redo").await;
    b.wait_for_text("#changes-applied", "1 change made", 20)
        .await;
    assert_results_equal(&b, &after).await;
    assert!(
        b.text("#change-list tr[data-row='7']")
            .await
            .contains("+44 7911 123458")
    );
    b.close().await;
}

/// Fills in the bulk-fix form and previews the fix: `kind`, then each
/// `(select, value)` chosen and each `(input, text)` typed.
async fn preview_fix(b: &Browser, kind: &str, choose: &[(&str, &str)], typed: &[(&str, &str)]) {
    b.select("#fix-kind", kind).await;
    for (css, value) in choose {
        b.select(css, value).await;
    }
    for (css, text) in typed {
        b.type_into(css, text).await;
    }
    b.click("#fix-preview-button:not([disabled])").await;
    b.wait("#fix-preview-rows", 20).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn bulk_fixes_show_their_row_counts_first_and_flow_into_every_download() {
    let server = Server::start();
    let b = Browser::start().await;
    let file = fixture("whatsapp_messy.csv");
    let choices = Choices::acme_whatsapp();
    check_in_browser(&b, &server.url, &file, &choices).await;
    let out = tempfile::tempdir().expect("tempdir");
    let before = cli(&b, &file, &choices, &out.path().join("before")).await;
    b.click("#bulk-fix summary").await;

    // The channel written in lower case becomes `WhatsApp`, whole cells only:
    // the count shown first is the rows of the file whose channel is that.
    let original = std::fs::read_to_string(&file).expect("fixture");
    let lower: Vec<usize> = original
        .lines()
        .enumerate()
        .filter(|(_, line)| line.ends_with(",whatsapp"))
        .map(|(n, _)| n + 1)
        .collect();
    assert_eq!(lower.len(), 6, "{lower:?}");
    // Channel (column 8) holds consent records: the form says so.
    preview_fix(
        &b,
        "replace",
        &[("#fix-column", "7")],
        &[("#fix-find", "whatsapp"), ("#fix-with", "WhatsApp")],
    )
    .await;
    b.wait("#fix-consent-warning", 10).await;
    b.wait_for_text("#fix-preview-rows", "changes 6 rows", 20)
        .await;
    b.screenshot("5-results-bulk-fix").await;
    assert_accessible(&b, "Bulk fix").await;
    // Discarded, and asked again for whole cells only.
    b.click("#fix-discard").await;
    b.click("#fix-whole").await;
    b.click("#fix-preview-button:not([disabled])").await;
    b.wait_for_text("#fix-preview-rows", "changes 6 rows", 20)
        .await;
    // Previewing changed nothing yet.
    assert_results_equal(&b, &before).await;
    assert!(b.find_all("#change-list").await.is_empty());
    b.click("#fix-apply").await;
    b.wait_for_text("#changes-applied", "1 change made", 10)
        .await;
    b.wait_for_text(
        "#change-list tr.fix[data-kind='replace'] td.rows",
        "6 rows",
        10,
    )
    .await;

    // The tablet's rows get the SMS channel: a filter on another column.
    preview_fix(
        &b,
        "set",
        &[("#fix-column", "7"), ("#fix-filter-column", "5")],
        &[
            ("#fix-value", "sms"),
            ("#fix-filter-text", "In-Store Tablet"),
        ],
    )
    .await;
    b.wait_for_text("#fix-preview-rows", "changes 1 row", 20)
        .await;
    b.click("#fix-apply").await;
    b.wait_for_text("#changes-applied", "2 changes made", 10)
        .await;

    // The same file fixed by hand, checked by the CLI: the same numbers and,
    // byte for byte, the same downloads; changes.csv lists every cell.
    let fixed: Vec<String> = original
        .lines()
        .map(|line| match line.strip_suffix(",whatsapp") {
            Some(rest) if rest.contains("in-store tablet") => format!("{rest},sms"),
            Some(rest) => format!("{rest},WhatsApp"),
            None => line.to_owned(),
        })
        .collect();
    let fixed_file = out.path().join("whatsapp_messy.csv");
    std::fs::write(&fixed_file, fixed.join("\n") + "\n").expect("fixed copy");
    let after_dir = out.path().join("after");
    let after = cli(&b, &fixed_file, &choices, &after_dir).await;
    assert_ne!(
        after["segments"], before["segments"],
        "the tablet's row is SMS now"
    );
    assert_results_equal(&b, &after).await;
    let mut changes = String::from("step,kind,row,column,before,after,consent\r\n");
    for row in &lower {
        changes.push_str(&format!(
            "1,replace,{row},Channel,whatsapp,WhatsApp,yes\r\n"
        ));
    }
    changes.push_str("2,set,6,Channel,WhatsApp,sms,yes\r\n");
    std::fs::write(after_dir.join("changes.csv"), changes).expect("expected changes.csv");
    b.click("section .actions button.primary").await;
    assert_downloads_equal(&b, &after_dir).await;
    b.click("nav li:nth-child(5) button").await;

    // The newsletter's row deleted: it leaves the counts, which say so.
    b.click("#bulk-fix summary").await;
    preview_fix(
        &b,
        "delete",
        &[("#fix-filter-column", "6")],
        &[("#fix-filter-text", "newsletter")],
    )
    .await;
    b.wait_for_text("#fix-preview-rows", "changes 1 row", 20)
        .await;
    b.click("#fix-apply").await;
    b.wait_for_text("#changes-applied", "3 changes made", 10)
        .await;
    let rows = after["summary"]["rows"].as_u64().expect("rows");
    assert_eq!(number(&b.text("#summary-rows").await), rows - 1);
    assert_eq!(number(&b.text("#summary-deleted").await), 1);

    // Undo takes the deletion back, redo does it again.
    b.click("#undo").await;
    b.wait_for_text("#changes-applied", "2 changes made", 20)
        .await;
    assert_results_equal(&b, &after).await;
    assert!(b.find_all("#summary-deleted").await.is_empty());
    b.click("#redo").await;
    b.wait_for_text("#changes-applied", "3 changes made", 20)
        .await;
    assert_eq!(number(&b.text("#summary-deleted").await), 1);

    // The country code added where a number has none: only row 5's
    // `07911 123457` is a British number without one (row 8's has a letter),
    // and its warning goes.
    let no_code = "td.count[data-code='phone.no_country_code']";
    assert_eq!(number(&b.text(no_code).await), 1);
    b.select("#fix-kind", "add_country").await;
    let region = b
        .wait("#fix-region", 10)
        .await
        .prop("value")
        .await
        .expect("value");
    assert_eq!(
        region.as_deref(),
        Some("GB"),
        "the Start step's default country"
    );
    preview_fix(&b, "add_country", &[("#fix-column", "2")], &[]).await;
    b.wait_for_text("#fix-preview-rows", "changes 1 row", 20)
        .await;
    b.click("#fix-apply").await;
    b.wait_for_text("#changes-applied", "4 changes made", 10)
        .await;
    assert!(
        b.find_all(no_code).await.is_empty(),
        "no number lacks its country code now"
    );
    b.click("#undo").await;
    b.wait_for_text("#changes-applied", "3 changes made", 20)
        .await;
    assert_eq!(number(&b.text(no_code).await), 1);
    b.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn each_profile_shows_the_same_numbers_as_the_cli() {
    let server = Server::start();
    let b = Browser::start().await;
    for (name, choices) in [
        (
            "mongoose_export.csv",
            Choices {
                profile: "mongoose",
                infer_mobile_number: true,
                allow_mobile_number_updates: true,
                ..Choices::default()
            },
        ),
        (
            "sms_us_export.csv",
            Choices {
                profile: "sms-us",
                ..Choices::default()
            },
        ),
        (
            "email_gdpr_export.csv",
            Choices {
                profile: "email-gdpr",
                region: "DE",
                house_number_in_street: true,
                ..Choices::default()
            },
        ),
        (
            "dialects/pasted_tab.txt",
            Choices {
                pasted: true,
                ..Choices::acme_whatsapp()
            },
        ),
        (
            "dialects/windows1252_semicolon.csv",
            Choices {
                profile: "whatsapp",
                region: "GB",
                business: "Acme",
                date_format: "%d.%m.%Y %H:%M",
                ..Choices::default()
            },
        ),
        (
            "dialects/values_as_text.xlsx",
            Choices {
                profile: "whatsapp",
                region: "GB",
                business: "Acme",
                ..Choices::default()
            },
        ),
        (
            "dialects/utf16le_excel_unicode.txt",
            Choices {
                profile: "whatsapp",
                region: "GB",
                business: "Acme",
                ..Choices::default()
            },
        ),
    ] {
        let file = fixture(name);
        check_in_browser(&b, &server.url, &file, &choices).await;
        let out = tempfile::tempdir().expect("tempdir");
        let report = cli(&b, &file, &choices, out.path()).await;
        assert_results_equal(&b, &report).await;
        b.click("nav li:nth-child(6) button").await;
        let files = assert_downloads_equal(&b, out.path()).await;
        assert!(files.len() >= 8, "{name}: {files:?}");
        if choices.profile == "email-gdpr" {
            // Email lists need the GDPR consent confirmation before they go.
            b.click("nav li:nth-child(7) button").await;
            b.wait_for_text("#missing", "confirm the GDPR consent statement", 10)
                .await;
            b.click("#gdpr").await;
            assert!(!b.text("#missing").await.contains("GDPR"));
        }
        println!("{name}: the browser shows the CLI's numbers and makes the CLI's files");
    }

    // Reading overrides: a semicolon delimiter on a comma file reads one column.
    let messy = fixture("whatsapp_messy.csv");
    b.open_app(&server.url).await;
    b.click("section .actions button.primary").await;
    b.choose_file(&messy, 10).await;
    b.wait("#preview", 30).await;
    assert_eq!(b.find_all("#preview thead th").await.len(), 8);
    b.select("#delimiter", ";").await;
    b.client
        .wait()
        .for_element(fantoccini::Locator::Css("#preview thead th:only-child"))
        .await
        .expect("one column with `;`");
    b.select("#delimiter", "").await;
    b.client
        .wait()
        .for_element(fantoccini::Locator::Css("#preview thead th:nth-child(8)"))
        .await
        .expect("eight columns again");
    // The header row, found at row 3, can be overruled here too: with no
    // header, the first row after the skipped ones is a contact.
    assert!(b.text("#layout").await.contains("Header: row 3"));
    b.select("#load-header", "no").await;
    b.wait_for_text("#layout", "Header: none", 10).await;
    assert_eq!(
        b.text("#preview tbody tr:first-child td").await,
        "First Name"
    );
    b.select("#load-header", "detect").await;
    b.wait_for_text("#layout", "Header: row 3", 10).await;

    // A saved mapping is reused: unmap E-mail, save, reload, choose "use the
    // last mapping" and load the file again.
    b.click("section .actions button.primary").await;
    // A required field left unmapped is marked, explained, and stops the check.
    b.select("#map-phone", "").await;
    b.wait("#mapping tr.missing #map-phone[aria-invalid='true']", 10)
        .await;
    assert!(b.text("#map-problem").await.contains("phone"));
    assert_eq!(
        b.wait("#run-check", 10)
            .await
            .attr("disabled")
            .await
            .expect("attr"),
        Some("true".into())
    );
    b.select("#map-phone", "Mobile").await;
    b.wait("#run-check:not([disabled])", 10).await;
    assert!(b.find_all("#mapping tr.missing").await.is_empty());
    b.select("#map-email", "").await;
    b.click("#mapping ~ .actions button:not(.primary)").await;
    b.wait("[role=status]", 10).await;
    b.open_app(&server.url).await;
    b.click("#last-mapping").await;
    b.click("section .actions button.primary").await;
    b.choose_file(&messy, 10).await;
    b.wait("#preview", 30).await;
    b.click("section .actions button.primary").await;
    let email = b
        .wait("#map-email", 10)
        .await
        .prop("value")
        .await
        .expect("value");
    assert_eq!(
        email.as_deref(),
        Some(""),
        "the saved mapping left email unmapped"
    );
    let phone = b
        .wait("#map-phone", 10)
        .await
        .prop("value")
        .await
        .expect("value");
    assert_eq!(phone.as_deref(), Some("Mobile"));

    // A refused file gets a plain message; the page stays usable.
    let dir = tempfile::tempdir().expect("tempdir");
    let blank = dir.path().join("blank.csv");
    std::fs::write(&blank, "  \n\n").expect("write");
    b.open_app(&server.url).await;
    b.click("section .actions button.primary").await;
    b.choose_file(&blank, 10).await;
    let alert = b.text("[role=alert]").await;
    assert!(alert.contains("the file is empty"), "{alert}");
    b.choose_file(&fixture("whatsapp_messy.csv"), 10).await;
    b.wait("#preview", 30).await;
    b.close().await;
}

/// One of this profile's platform rules on a small list: the code on the
/// Results page with the app's fix text, and the same report as the CLI.
#[tokio::test(flavor = "multi_thread")]
async fn each_profiles_platform_rules_show_with_the_apps_fix_text() {
    let server = Server::start();
    let b = Browser::start().await;
    let dir = tempfile::tempdir().expect("tempdir");
    for (list, choices, code) in [
        (
            "phone,opt_in_at,opt_in_source,opt_in_text,opt_in_channel\n\
             07911 123456,2025-03-05T14:30:00Z,https://acme.example/join,Send me Acme Boutique order and delivery updates on WhatsApp,whatsapp\n",
            Choices::acme_whatsapp(),
            "consent.text_not_marketing",
        ),
        (
            "phone,opt_in_at,dob,opt_in_channel\n+1 800 555 0199,2025-10-01,07/14/1990,SMS\n(415) 555-2671,2025-10-01,07/14/1990,email\n",
            Choices {
                profile: "sms-us",
                ..Choices::default()
            },
            "phone.not_sms_capable",
        ),
        (
            // No channel column: declared on the Start step.
            "phone,opt_in_at,dob\n(415) 555-2671,2025-10-01,07/14/1990\n1-800-555-0199,2025-10-01,07/14/1990\n",
            Choices {
                profile: "sms-us",
                channel: "sms",
                ..Choices::default()
            },
            "phone.not_sms_capable",
        ),
        (
            "ContactId,FirstName,LastName,MobileNumber,WhatsAppMobileNumber,WhatsAppOptedOut,StaffId\n\
             C-1,Ana,Silva,(201) 555-0123,,1,ST-1\nC-2,Ben,Okafor,(201) 555-0124,,,\n",
            Choices {
                profile: "mongoose",
                ..Choices::default()
            },
            "staff.missing",
        ),
        (
            "email,first_name,channel\nann@example.com,Ann,email\nbob@example.com,Bob,sms\n",
            Choices {
                profile: "email-gdpr",
                ..Choices::default()
            },
            "consent.not_email_channel",
        ),
    ] {
        let file = dir.path().join(format!("{}.csv", choices.profile));
        std::fs::write(&file, list).expect("write the list");
        check_in_browser(&b, &server.url, &file, &choices).await;
        b.wait(&format!("td.count[data-code='{code}']"), 10).await;
        let out = tempfile::tempdir().expect("tempdir");
        let report = cli(&b, &file, &choices, out.path()).await;
        assert!(
            report["issue_counts"]
                .as_array()
                .expect("counts")
                .iter()
                .any(|c| c["code"] == code),
            "{code}: {report}"
        );
        assert_results_equal(&b, &report).await;
        if !choices.channel.is_empty() {
            // Declared on the Start step: no row is set aside for its channel.
            assert_eq!(report["summary"]["set_aside"], 0, "{report}");
        }
    }
    b.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn dropped_files_are_read_and_a_broken_worker_is_explained() {
    // A dropped file is read like a chosen one.
    let server = Server::start();
    let b = Browser::start().await;
    b.open_app(&server.url).await;
    b.click("section .actions button.primary").await;
    b.wait(".drop", 10).await;
    let text = std::fs::read_to_string(fixture("whatsapp_messy.csv")).expect("fixture");
    b.client
        .execute(
            "const data = new DataTransfer();
             data.items.add(new File([arguments[0]], 'dropped.csv', { type: 'text/csv' }));
             const zone = document.querySelector('.drop');
             zone.dispatchEvent(new DragEvent('dragover', { dataTransfer: data, bubbles: true, cancelable: true }));
             zone.dispatchEvent(new DragEvent('drop', { dataTransfer: data, bubbles: true, cancelable: true }));",
            vec![text.into()],
        )
        .await
        .expect("drop a file");
    b.wait("#preview", 30).await;
    assert!(b.text("#loaded").await.contains("dropped.csv"));
    b.close().await;
    drop(server);

    // An app whose worker cannot load says so in plain words and stays usable.
    let broken = tempfile::tempdir().expect("tempdir");
    for entry in std::fs::read_dir(listgate_e2e::browser::dist()).expect("dist") {
        let entry = entry.expect("entry");
        // The app's own files (not the widget's directory), minus the
        // worker's wasm and its brotli and gzip copies.
        let worker_wasm = entry
            .file_name()
            .to_string_lossy()
            .starts_with("worker_bg.wasm");
        if entry.file_type().expect("type").is_file() && !worker_wasm {
            std::fs::copy(entry.path(), broken.path().join(entry.file_name())).expect("copy");
        }
    }
    let server = Server::start_with(broken.path());
    let b = Browser::start().await;
    b.open_app(&server.url).await;
    b.click("section .actions button.primary").await;
    b.choose_file(&fixture("whatsapp_messy.csv"), 10).await;
    let alert = b.text("[role=alert]").await;
    assert!(
        alert.contains("the checker stopped unexpectedly"),
        "{alert}"
    );
    assert!(alert.contains("How to fix it"), "{alert}");
    b.click("nav li:nth-child(1) button").await;
    b.wait("#profile", 10).await;
    b.close().await;
}

/// A Windows-1251 export reads with its Cyrillic headers; the Load step's
/// "Other…" encoding takes any WHATWG label and says so when a label names
/// no encoding.
#[tokio::test(flavor = "multi_thread")]
async fn other_encodings_are_chosen_by_their_label() {
    let server = Server::start();
    let b = Browser::start().await;
    b.open_app(&server.url).await;
    b.click("section .actions button.primary").await;
    b.choose_file(&fixture("dialects/windows1251_cyrillic.csv"), 10)
        .await;
    b.wait_for_text("#preview thead", "Телефон", 30).await;
    b.wait_for_text("#encoding", "Detected: windows-1251", 10)
        .await;
    b.select("#encoding", "other").await;
    b.type_into("#encoding-other", "klingon").await;
    press_enter(&b).await;
    b.wait_for_text(
        "#encoding-other-problem",
        "“klingon” is not an encoding label",
        10,
    )
    .await;
    b.wait("#encoding-other[aria-invalid='true']", 10).await;
    // Read as Windows-1252, the same bytes are the mojibake detection avoids.
    let label = b.wait("#encoding-other", 10).await;
    label.clear().await.expect("clear the label");
    label.send_keys("cp1252").await.expect("type a label");
    press_enter(&b).await;
    b.wait_for_text("#preview thead", "Òåëåôîí", 30).await;
    assert!(b.find_all("#encoding-other-problem").await.is_empty());
    assert_accessible(&b, "Load other encoding").await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn submit_sends_only_the_clean_list_and_shows_review_and_import() {
    let server = Server::start();
    let key = add_tenant(&server, "Acme Boutique", &[]).secret;
    add_reviewer(
        &server,
        "ana@listgate.example",
        "correct horse battery staple",
    );

    let b = Browser::start().await;
    let file = fixture("whatsapp_messy.csv");
    let choices = Choices::acme_whatsapp();
    check_in_browser(&b, &server.url, &file, &choices).await;
    let out = tempfile::tempdir().expect("tempdir");
    cli(&b, &file, &choices, out.path()).await;

    b.click("nav li:nth-child(7) button").await;
    b.answer_the_evidence_step(out.path()).await;
    b.type_into("#api-key", &key).await;
    b.click("#submit").await;
    b.wait("#submission-status[data-status='pending_review']", 20)
        .await;

    // The server stored exactly the clean file the CLI writes: no rejected row left the browser.
    let clean = std::fs::read(out.path().join("clean.csv")).expect("CLI clean file");
    let stored = stored_files(&server.data.path().join("blobs"));
    assert!(stored.contains(&clean), "the stored list is the clean file");
    assert_eq!(
        stored.len(),
        2,
        "the clean file and the evidence, nothing else"
    );

    // A reviewer approves in the console; the merchant's page follows the import.
    b.sign_in_to_review("ana@listgate.example", "correct horse battery staple")
        .await;
    b.click("#queue tr[data-id] button").await;
    assert_eq!(
        b.text("#review-wording").await,
        "Yes, send me WhatsApp offers from Acme Boutique"
    );
    let evidence_link = b.wait("#review-evidence a", 10).await;
    assert_eq!(evidence_link.text().await.expect("text"), "optin.png");
    // The server's own check lists the opt-in sources, each with its evidence.
    assert_eq!(
        b.text("#review-sources tbody").await,
        "https://acme.example/join 2 1"
    );
    assert_accessible(&b, "Reviewer console").await;
    b.click("#approve").await;
    // Approved, nothing imported until the reviewer confirms the plan.
    b.wait("#review-detail[data-status='approved']", 10).await;
    b.wait_for_text("#confirm-plan", "Confirm plan", 10).await;
    b.click("#confirm-plan").await;
    b.wait(
        "#review-detail[data-status='importing'], #review-detail[data-status='imported']",
        10,
    )
    .await;
    wait_for_the_console_to_show_the_import_complete(&b).await;
    assert!(b.text("#batches").await.contains("done"));
    // Who opted in, when, how, to what, and who approved it: one lookup.
    b.type_into("#contact-key", "+447911123456").await;
    b.click("#show-chain").await;
    let imported = b.wait("#consent-chain tr[data-kind='imported']", 10).await;
    let said = imported.text().await.expect("text");
    for part in [
        "imported",
        "to whatsapp",
        "on 2025-03-05T14:30:00Z",
        "via https://acme.example/join",
        "wording “Yes, send me offers from Acme Boutique on WhatsApp”",
        "evidence optin.png",
        "approved by ana@listgate.example",
    ] {
        assert!(said.contains(part), "{part:?} in {said:?}");
    }
    retype(&b, "#contact-key", "+447000000000").await;
    b.click("#show-chain").await;
    b.wait("#consent-chain-error", 10).await;
    b.click("nav.areas a[href='#']").await;
    b.wait("#submission-status[data-status='imported']", 30)
        .await;
    assert_eq!(b.text("#import-progress").await, "2 of 2 contacts imported");

    // The only request that carried list data was the one Submit made.
    let posts: Vec<NetRequest> = b
        .close_with_net_log()
        .await
        .requests()
        .into_iter()
        .filter(|r| r.method != "GET" && r.url.ends_with("/api/v1/submissions"))
        .collect();
    assert_eq!(posts.len(), 1, "{posts:?}");
    assert!(posts[0].uploaded > clean.len() as u64);
}

#[tokio::test(flavor = "multi_thread")]
async fn the_change_list_goes_with_the_submission_and_the_reviewer_sees_consent_changes_first() {
    let server = Server::start();
    let key = add_tenant(&server, "Acme Boutique", &[]).secret;
    add_reviewer(
        &server,
        "ana@listgate.example",
        "correct horse battery staple",
    );
    let b = Browser::start().await;
    let file = fixture("whatsapp_messy.csv");
    let choices = Choices::acme_whatsapp();
    check_in_browser(&b, &server.url, &file, &choices).await;

    // Row 8's number mended, then row 10's opt-in date (consent data) moved
    // out of the future.
    edit_cell(&b, 8, "Mobile", "+44 7911 123450").await;
    b.wait_for_text("#changes-applied", "1 change made", 20)
        .await;
    edit_cell(&b, 10, "Opt-in Date", "2025-03-10").await;
    b.wait_for_text("#changes-applied", "2 changes made", 20)
        .await;
    assert!(
        b.find_all("#change-list tr.consent[data-row='10']")
            .await
            .len()
            == 1,
        "the consent change is marked"
    );
    b.click("section .actions button.primary").await;
    b.wait("#downloads a[data-file='changes.csv']", 10).await;
    b.clear_downloads();
    b.click("#downloads a[data-file='changes.csv']").await;
    let changes = b.downloaded("changes.csv").await;
    assert_eq!(
        String::from_utf8_lossy(&changes),
        "step,kind,row,column,before,after,consent\r\n\
         1,edit,8,Mobile,07911 12345O,+44 7911 123450,no\r\n\
         2,edit,10,Opt-in Date,2027-01-01,2025-03-10,yes\r\n"
    );
    let out = tempfile::tempdir().expect("tempdir");
    b.click("nav li:nth-child(7) button").await;
    b.answer_the_evidence_step(out.path()).await;
    b.type_into("#api-key", &key).await;
    b.click("#submit").await;
    b.wait("#submission-status[data-status='pending_review']", 20)
        .await;
    let stored = stored_files(&server.data.path().join("blobs"));
    assert!(
        stored.contains(&changes),
        "the server keeps the change list"
    );
    assert_eq!(
        stored.len(),
        3,
        "the clean file, the change list and the evidence"
    );

    // The reviewer sees both changes, the consent one first and marked, and
    // downloads the same file.
    b.sign_in_to_review("ana@listgate.example", "correct horse battery staple")
        .await;
    b.click("#queue tr[data-id] button").await;
    b.wait_for_text(
        "#review-changes-summary",
        "2 cells changed, 1 in consent columns",
        10,
    )
    .await;
    let lines = b.find_all("#review-changes tbody tr").await;
    assert_eq!(lines.len(), 2);
    assert_eq!(
        lines[0].attr("class").await.expect("attr").as_deref(),
        Some("consent")
    );
    let first = lines[0].text().await.expect("text");
    assert!(
        first.contains("Opt-in Date")
            && first.contains("2027-01-01")
            && first.contains("2025-03-10"),
        "{first}"
    );
    let link = b.wait("#review-changes a[href$='/changes.csv']", 10).await;
    let href = link.attr("href").await.expect("attr").expect("href");
    let fetched = b
        .client
        .execute_async(
            "const done = arguments[arguments.length - 1];
             fetch(arguments[0]).then(r => r.text()).then(done, e => done(String(e)));",
            vec![href.into()],
        )
        .await
        .expect("fetch changes.csv");
    assert_eq!(
        fetched.as_str().map(str::as_bytes),
        Some(changes.as_slice())
    );
    assert_accessible(&b, "Reviewer console with changes").await;
    b.close().await;
}

/// Refreshes the reviewer's open submission until its import is complete.
async fn wait_for_the_console_to_show_the_import_complete(b: &Browser) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while b
        .client
        .find(fantoccini::Locator::Css("#import-complete"))
        .await
        .is_err()
    {
        assert!(
            std::time::Instant::now() < deadline,
            "the import did not complete"
        );
        b.click("#refresh-detail").await;
        tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    }
}

/// A whatsapp list of eight importable contacts: seven opted in on the web
/// form, one on the shop's tablet.
fn two_sources() -> String {
    let mut list = String::from(
        "First Name,Last Name,Mobile,E-mail,Opt-in Date,Source,Consent Text,Channel\n",
    );
    let names = ["Ana", "Ben", "Cara", "Dev", "Eve", "Finn", "Gus", "Hana"];
    for (i, name) in names.iter().enumerate() {
        let source = if i == 2 {
            "in-store tablet"
        } else {
            "https://acme.example/join"
        };
        list.push_str(&format!(
            "{name},Silva,+44 7911 12345{i},{}@example.com,2025-03-0{} 14:30,{source},\"Yes, send me offers from Acme Boutique on WhatsApp\",whatsapp\n",
            name.to_lowercase(),
            i + 1
        ));
    }
    list
}

/// Replaces the text of the input matching `css` with `text`.
async fn retype(b: &Browser, css: &str, text: &str) {
    b.wait(css, 10)
        .await
        .clear()
        .await
        .expect("clear the field");
    b.type_into(css, text).await;
}

/// The messaging platform reports `signals` for the batch `delivery` carried,
/// with the tenant's secret key, at the path the delivery names.
async fn report_signals(server: &Server, key: &str, delivery: &Value, signals: Value) {
    let path = delivery["signals_path"].as_str().expect("signals path");
    let answer = reqwest::Client::new()
        .post(format!("{}{path}", server.url))
        .bearer_auth(key)
        .json(&signals)
        .send()
        .await
        .expect("report signals");
    assert!(answer.status().is_success(), "{}", answer.status());
}

/// Every contact in `delivery` was sent to and delivered.
fn delivered_all(delivery: &Value) -> Value {
    let n = contacts_in(delivery);
    serde_json::json!({ "sent": n, "delivered": n })
}

fn contacts_in(delivery: &Value) -> usize {
    delivery["contacts"].as_array().expect("contacts").len()
}

#[tokio::test(flavor = "multi_thread")]
async fn the_merchant_follows_changes_requested_an_exclusion_and_a_signal_paced_import_on_sqlite() {
    the_merchant_follows_a_review_and_a_signal_paced_import(Database::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_merchant_follows_changes_requested_an_exclusion_and_a_signal_paced_import_on_postgres()
{
    the_merchant_follows_a_review_and_a_signal_paced_import(Database::Postgres).await;
}

/// A merchant asked for better proof adds it to the same submission; the
/// reviewer approves it without the tablet's contact, at most 200 a day,
/// the first batch one contact and each healthy one twice the last; the
/// messaging platform reports the batches, the import grows on healthy
/// signals and pauses on a bad batch; the merchant's page shows each step
/// by itself and every step arrives by e-mail.
async fn the_merchant_follows_a_review_and_a_signal_paced_import(database: Database) {
    let (smtp, mut inbox) = listgate_testkit::smtp::start().await;
    let (platform, mut deliveries) = listgate_testkit::webhook::start().await;
    let serve = [
        "--smtp-url",
        &smtp,
        "--smtp-from",
        "listgate <noreply@listgate.example>",
        "--batch-interval-seconds",
        "0",
    ];
    let Some(server) = Server::start_on(database, &serve).await else {
        return;
    };
    let tenant = add_tenant_with(
        &server,
        "Acme Boutique",
        &[],
        &[
            "--webhook",
            &platform,
            "--contact-email",
            "owner@acme.example",
        ],
    );
    let set = server
        .cli(&["tenant", "set-signals", &tenant.id, "--wait"])
        .output()
        .expect("run listgate");
    assert!(
        set.status.success(),
        "{}",
        String::from_utf8_lossy(&set.stderr)
    );
    let (reviewer, password) = ("ana@listgate.example", "correct horse battery staple");
    add_reviewer(&server, reviewer, password);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("two_sources.csv");
    std::fs::write(&file, two_sources()).expect("write the list");

    let b = Browser::start().await;
    check_in_browser(&b, &server.url, &file, &Choices::acme_whatsapp()).await;
    b.click("nav li:nth-child(7) button").await;
    b.answer_the_evidence_step(dir.path()).await;
    b.type_into("#api-key", &tenant.secret).await;
    b.click("#submit").await;
    b.wait("#submission-status[data-status='pending_review']", 20)
        .await;

    // The reviewer asks for better proof of opt-in.
    b.sign_in_to_review(reviewer, password).await;
    b.click("#queue tr[data-id] button").await;
    b.wait("#review-detail[data-status='pending_review']", 10)
        .await;
    b.click("#reason-insufficient_proof").await;
    b.type_into("#review-note", "Show the checkout page's checkbox.")
        .await;
    b.click("#request-changes").await;
    b.wait("#review-detail[data-status='changes_requested']", 10)
        .await;
    let mail = inbox.next_containing("changes requested").await;
    assert_eq!(mail.to, "owner@acme.example");
    assert!(
        mail.data.contains("proof of opt-in") && mail.data.contains("checkout page"),
        "{}",
        mail.data
    );

    // The merchant's page learns it by itself (nobody presses Refresh).
    b.click("nav.areas a[href='#']").await;
    b.wait("#submission-status[data-status='changes_requested']", 20)
        .await;
    let missing = b.text("#missing-after-review").await;
    assert!(
        missing.contains("proof of opt-in")
            && missing.contains("Show the checkout page's checkbox."),
        "{missing}"
    );
    b.screenshot("status-changes-requested").await;
    let proof = dir.path().join("checkout.png");
    std::fs::write(&proof, b"\x89PNG\r\n\x1a\n the checkout checkbox").expect("write");
    b.type_into("#amend-source", "https://acme.example/join")
        .await;
    b.type_into("#amend-evidence", proof.to_str().expect("path"))
        .await;
    b.wait_for_text("#amend-files", "checkout.png", 10).await;
    b.type_into("#amend-note", "The checkout page, box unticked.")
        .await;
    b.click("#amend-submit").await;
    b.wait("#submission-status[data-status='pending_review']", 20)
        .await;
    assert!(b.text("#amendments").await.contains("1 evidence file"));

    // The console kept its session; the reviewer sees the amendment and
    // approves without the tablet's contact.
    b.open_review_console().await;
    b.wait("#queue", 10).await;
    b.click("#queue tr[data-id] button").await;
    b.wait("#review-detail[data-status='pending_review']", 10)
        .await;
    let amendments = b.text("#review-amendments").await;
    assert!(
        amendments.contains("1 evidence file") && amendments.contains("box unticked"),
        "{amendments}"
    );
    assert!(b.text("#review-evidence").await.contains("checkout.png"));
    assert!(
        b.text("label[for='exclude-source-1']")
            .await
            .contains("in-store tablet")
    );
    b.click("#exclude-source-1").await;
    b.click("#approve").await;
    b.wait("#review-detail[data-status='approved']", 10).await;
    assert!(
        inbox
            .next_containing("approved")
            .await
            .data
            .contains("approved")
    );
    b.screenshot("review-plan").await;
    retype(&b, "#plan-first", "1").await;
    retype(&b, "#plan-growth", "2").await;
    retype(&b, "#plan-daily-cap", "200").await;
    b.click("#confirm-plan").await;
    b.wait_for_text("#confirm-plan", "Change plan", 10).await;

    // The platform gets one contact, reports it delivered; the next batch
    // doubles. The merchant's page shows the wait for signals by itself.
    b.click("nav.areas a[href='#']").await;
    let first = deliveries.next("contacts").await;
    assert_eq!(contacts_in(&first), 1);
    b.wait_for_text("#awaiting-signals", "batch 1", 20).await;
    let plan = b.text("#import-plan").await;
    assert!(plan.contains("200"), "{plan}");
    assert!(
        inbox
            .next_containing("batch 1 imported")
            .await
            .data
            .contains("6 contacts to go")
    );
    report_signals(&server, &tenant.secret, &first, delivered_all(&first)).await;
    let second = deliveries.next("contacts").await;
    assert_eq!(contacts_in(&second), 2, "grown on healthy signals");
    b.wait_for_text("#awaiting-signals", "batch 2", 20).await;

    // A bad batch: one of its two contacts blocked the business.
    let bad = serde_json::json!({ "sent": 2, "delivered": 1, "blocked": 1 });
    report_signals(&server, &tenant.secret, &second, bad).await;
    b.wait_for_text(
        "#import-paused",
        "1 of 2 contacts blocked or reported as spam",
        20,
    )
    .await;
    b.screenshot("status-paused-by-signals").await;
    assert_eq!(b.text("#import-progress").await, "3 of 7 contacts imported");
    let paused = inbox.next_containing("import paused").await;
    assert!(paused.data.contains("blocked"), "{}", paused.data);

    // The reviewer sees why and resumes; the halved batch goes, and the
    // platform reports every batch healthy to the end.
    b.open_review_console().await;
    b.click("#queue tr[data-id] button").await;
    b.wait_for_text("#review-paused", "1 of 2 contacts blocked", 10)
        .await;
    b.click("#pause").await;
    assert!(
        inbox
            .next_containing("import resumed")
            .await
            .data
            .contains("resumed")
    );
    let mut sizes = Vec::new();
    let mut imported = 3;
    while imported < 7 {
        let batch = deliveries.next("contacts").await;
        sizes.push(contacts_in(&batch));
        imported += contacts_in(&batch);
        report_signals(&server, &tenant.secret, &batch, delivered_all(&batch)).await;
    }
    assert_eq!(
        sizes,
        [1, 2, 1],
        "halved after the bad batch, then grown again"
    );
    let done = inbox.next_containing("import complete").await;
    assert!(done.data.contains("7 contacts imported"), "{}", done.data);

    // The merchant's page follows the import to its end and keeps the whole history.
    b.click("nav.areas a[href='#']").await;
    b.wait("#submission-status[data-status='imported']", 30)
        .await;
    assert_eq!(b.text("#import-progress").await, "7 of 7 contacts imported");
    b.wait("#import-completed", 10).await;
    let history = b.text("#decision-history").await;
    let mut verdicts = Vec::new();
    for item in b.find_all("#decision-history li[data-verdict]").await {
        verdicts.push(
            item.attr("data-verdict")
                .await
                .expect("attr")
                .expect("verdict"),
        );
    }
    assert_eq!(verdicts, ["changes_requested", "approved"], "{history}");
    assert!(
        history.contains("Left out of the import: “in-store tablet” (1 contact)"),
        "{history}"
    );
    b.screenshot("status-imported").await;
    b.close().await;
}

/// Every file in the server's content-addressed store.
fn stored_files(dir: &Path) -> Vec<Vec<u8>> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if entry.path().is_dir() {
            files.extend(stored_files(&entry.path()));
        } else {
            files.push(std::fs::read(entry.path()).expect("read"));
        }
    }
    files
}

/// Presses Tab until the focused element matches `css` and returns how many
/// presses it took. At every stop the focus must be visible: an outline on
/// the element, or, for the drop zone's hidden file input, the zone's border
/// in the focus colour.
async fn tab_to(b: &Browser, css: &str) -> usize {
    for presses in 1..=60 {
        press(b, '\u{E004}').await;
        let focus = b
            .client
            .execute(
                "const e = document.activeElement;
                 const style = getComputedStyle(e);
                 const drop = e.closest('.drop');
                 const ring = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
                 const zone = drop !== null && getComputedStyle(drop).borderTopColor === 'rgb(26, 115, 232)';
                 return [e.matches(arguments[0]), ring || zone, e.outerHTML.slice(0, 80)];",
                vec![css.into()],
            )
            .await
            .expect("ask what has focus");
        assert_eq!(focus[1], true, "focus not visible on {}", focus[2]);
        if focus[0] == true {
            return presses;
        }
    }
    panic!("Tab never reached {css}");
}

/// Presses and releases `key` (a WebDriver key code such as Tab, `\u{E004}`,
/// or Enter, `\u{E007}`) wherever the focus is, as a keyboard does.
async fn press(b: &Browser, key: char) {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    let keys = KeyActions::new("keyboard".into())
        .then(KeyAction::Down { value: key })
        .then(KeyAction::Up { value: key });
    b.client.perform_actions(keys).await.expect("press a key");
}

/// Enter on the focused element.
async fn press_enter(b: &Browser) {
    press(b, '\u{E007}').await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_merchant_can_check_a_list_with_the_keyboard_alone() {
    let server = Server::start();
    let b = Browser::start().await;
    b.client.goto(&server.url).await.expect("open the app");
    b.wait("#profile", 30).await;
    b.type_into("#default-region", "GB").await;
    // whatsapp judges the brand: Next without a business name says why.
    let hint = b.text("#business-name-hint").await;
    assert!(hint.contains("Required for this profile"), "{hint}");
    tab_to(&b, "section .actions button.primary").await;
    press_enter(&b).await;
    let alert = b.text("[role=alert]").await;
    assert!(
        alert.contains("needs your business name") && alert.contains("Start step"),
        "{alert}"
    );
    assert!(b.find_all("#load-title").await.is_empty(), "still on Start");
    b.type_into("#business-name", "Acme").await;
    tab_to(&b, "section .actions button.primary").await;
    press_enter(&b).await;
    b.wait("#load-title", 10).await;
    // The file input hides inside the drop zone; focusing it lights the zone
    // up, and the browser's file chooser opens from it (here the test hands
    // the file to the focused input, as the chooser would).
    tab_to(&b, "#file-input").await;
    b.client
        .active_element()
        .await
        .expect("focused element")
        .send_keys(fixture("whatsapp_messy.csv").to_str().expect("path"))
        .await
        .expect("choose the file");
    b.wait("#preview", 30).await;
    tab_to(&b, "section .actions button.primary").await;
    press_enter(&b).await;
    b.wait("#mapping", 10).await;
    tab_to(&b, "#run-check").await;
    press_enter(&b).await;
    b.wait("#outcome", 60).await;
    // From the issues by code to that code's rows.
    tab_to(&b, "#codes button.show").await;
    press_enter(&b).await;
    b.wait_for_text("#rows-shown", "2 of 9", 10).await;
    b.screenshot("keyboard-results").await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_tenants_opt_outs_are_checked_in_the_browser_without_a_number_leaving_on_sqlite() {
    opt_outs_are_checked_in_the_browser(Database::Sqlite).await;
}

#[tokio::test(flavor = "multi_thread")]
async fn the_tenants_opt_outs_are_checked_in_the_browser_without_a_number_leaving_on_postgres() {
    opt_outs_are_checked_in_the_browser(Database::Postgres).await;
}

/// A merchant who gives the tenant's key on the Start step has the list
/// checked against the tenant's opt-outs in the worker: the number that
/// opted out after its consent is refused exactly as `listgate check
/// --suppressions` refuses it, the address whose consent is newer stands,
/// and no request carries a number or an address (the opt-outs come down
/// as keyed hashes; nothing goes up).
async fn opt_outs_are_checked_in_the_browser(database: Database) {
    let Some(server) = Server::start_on(database, &[]).await else {
        return;
    };
    let tenant = add_tenant(&server, "Acme Boutique", &[]);
    // Dev (+44 7911 123453) consented on 2025-03-04 and replied STOP in
    // June; Ben's address opted out in January, before his consent.
    let opt_outs = [
        (
            serde_json::json!({ "phones": ["+447911123453"], "reason": "replied STOP",
                                "suppressed_at": "2025-06-01T00:00:00Z" }),
            "+447911123453,,replied STOP,2025-06-01T00:00:00Z",
        ),
        (
            serde_json::json!({ "emails": ["ben@example.com"], "reason": "unsubscribed",
                                "suppressed_at": "2025-01-01T00:00:00Z" }),
            ",ben@example.com,unsubscribed,2025-01-01T00:00:00Z",
        ),
    ];
    let mut csv = String::from("phone,email,reason,date\n");
    for (body, line) in &opt_outs {
        let answer = reqwest::Client::new()
            .post(format!("{}/api/v1/suppressions", server.url))
            .bearer_auth(&tenant.secret)
            .json(body)
            .send()
            .await
            .expect("add opt-outs");
        assert!(answer.status().is_success(), "{}", answer.status());
        csv.push_str(line);
        csv.push('\n');
    }
    let dir = tempfile::tempdir().expect("tempdir");
    let (file, list) = (
        dir.path().join("two_sources.csv"),
        dir.path().join("opt-outs.csv"),
    );
    std::fs::write(&file, two_sources()).expect("write the list");
    std::fs::write(&list, csv).expect("write the opt-outs");

    let b = Browser::start().await;
    let choices = Choices::acme_whatsapp();
    check_in_browser_with_key(&b, &server.url, &file, &choices, Some(&tenant.secret)).await;
    b.wait("#outcome", 60).await;
    let note = b.text("#opt-outs").await;
    assert!(note.contains("(2 numbers and addresses)"), "{note}");
    assert_eq!(
        b.text("td.count[data-code='consent.suppressed']").await,
        "1"
    );
    let row = b
        .wait("#row-table tr[data-row='5'] td.issues", 10)
        .await
        .attr("title")
        .await
        .expect("attr")
        .unwrap_or_default();
    assert!(
        row.contains("consent.suppressed")
            && row.contains("opted out on 2025-06-01 (replied STOP)"),
        "{row}"
    );

    // The same verdicts and files as the CLI given the same opt-outs.
    let now = b
        .wait("#checked-at", 10)
        .await
        .attr("datetime")
        .await
        .expect("attr")
        .expect("the check's time");
    let out = dir.path().join("cli");
    let run = std::process::Command::new(binary())
        .arg("check")
        .arg(&file)
        .args(choices.cli_args())
        .arg("--suppressions")
        .arg(&list)
        .args(["--now", &now, "--json", "--out-dir"])
        .arg(&out)
        .output()
        .expect("run listgate");
    let report: Value = serde_json::from_slice(&run.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&run.stderr)));
    assert_results_equal(&b, &report).await;
    b.click("section .actions button.primary").await;
    assert_downloads_equal(&b, &out).await;

    // Submitted (the key given on the Start step is the one Submit uses):
    // the server gets the clean file without Dev, and the reviewer sees
    // what the opt-out list held back.
    b.click("nav li:nth-child(7) button").await;
    b.answer_the_evidence_step(dir.path()).await;
    b.click("#submit").await;
    b.wait("#submission-status[data-status='pending_review']", 20)
        .await;
    let clean = std::fs::read(out.join("clean.csv")).expect("CLI clean file");
    assert!(
        stored_files(&server.data.path().join("blobs")).contains(&clean),
        "the stored list is the clean file"
    );
    let (reviewer, password) = ("ana@listgate.example", "correct horse battery staple");
    add_reviewer(&server, reviewer, password);
    b.sign_in_to_review(reviewer, password).await;
    b.click("#queue tr[data-id] button").await;
    let held = b.text("#review-held-back").await;
    assert!(held.contains("held back 1 numbers and addresses"), "{held}");

    let requests = b.close_with_net_log().await.requests();
    let ours: Vec<&NetRequest> = requests
        .iter()
        .filter(|r| r.initiator == server.url || r.url.starts_with(&server.url))
        .collect();
    assert!(
        ours.iter()
            .any(|r| r.url == format!("{}/api/v1/suppressions/hashed", server.url)),
        "the opt-outs were fetched: {ours:?}"
    );
    let values = [
        "7911123453",
        "7911 123453",
        "ben@example.com",
        "ana@example.com",
    ];
    // Before Submit nothing went up; Submit and the reviewer's sign-in are
    // the only requests with a body.
    let submissions = format!("{}/api/v1/submissions", server.url);
    let sign_in = format!("{}/api/v1/session", server.url);
    for r in &ours {
        if r.url != submissions && r.url != sign_in {
            assert_eq!(r.method, "GET", "{}", r.url);
            assert_eq!(r.uploaded, 0, "{} uploaded a body", r.url);
        }
        for value in values {
            assert!(!r.url.contains(value), "{} carries `{value}`", r.url);
        }
    }
}

/// A merchant asked for changes corrects the consent wording they declared
/// on the submission's page: the same submission goes back to the reviewer,
/// who reads the new wording (a wording left blank is refused before it is
/// sent); asked again, they fix the list in the app and send the corrected
/// clean file to the same submission.
#[tokio::test(flavor = "multi_thread")]
async fn a_merchant_amends_a_submission_with_corrected_consent_details_and_list() {
    let server = Server::start();
    let tenant = add_tenant(&server, "Acme Boutique", &[]);
    let (reviewer, password) = ("ana@listgate.example", "correct horse battery staple");
    add_reviewer(&server, reviewer, password);
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("two_sources.csv");
    std::fs::write(&file, two_sources()).expect("write the list");

    let b = Browser::start().await;
    check_in_browser(&b, &server.url, &file, &Choices::acme_whatsapp()).await;
    b.click("nav li:nth-child(7) button").await;
    b.answer_the_evidence_step(dir.path()).await;
    b.type_into("#api-key", &tenant.secret).await;
    b.click("#submit").await;
    b.wait("#submission-status[data-status='pending_review']", 20)
        .await;

    b.sign_in_to_review(reviewer, password).await;
    b.click("#queue tr[data-id] button").await;
    b.wait("#review-detail[data-status='pending_review']", 10)
        .await;
    let declared = b.text("#review-wording").await;
    b.click("#reason-insufficient_proof").await;
    b.type_into(
        "#review-note",
        "The screenshot's wording differs from the one declared.",
    )
    .await;
    b.click("#request-changes").await;
    b.wait("#review-detail[data-status='changes_requested']", 10)
        .await;

    b.click("nav.areas a[href='#']").await;
    b.wait("#submission-status[data-status='changes_requested']", 20)
        .await;
    let shown = b
        .wait("#amend-wording", 10)
        .await
        .prop("value")
        .await
        .expect("value")
        .unwrap_or_default();
    assert_eq!(shown, declared, "the declared wording to correct");
    assert!(b.find_all("#amend-submit:not([disabled])").await.is_empty());
    retype(&b, "#amend-wording", " ").await;
    b.wait("#amend-consent-problem", 10).await;
    assert!(b.find_all("#amend-submit:not([disabled])").await.is_empty());
    let corrected = "Yes, send me WhatsApp offers and news from Acme Boutique";
    retype(&b, "#amend-wording", corrected).await;
    b.click("#amend-submit:not([disabled])").await;
    b.wait("#submission-status[data-status='pending_review']", 20)
        .await;
    assert!(b.text("#amendments").await.contains("new consent answers"));

    b.open_review_console().await;
    b.click("#queue tr[data-id] button").await;
    b.wait("#review-detail[data-status='pending_review']", 10)
        .await;
    assert_eq!(b.text("#review-wording").await, corrected);
    assert!(
        b.text("#review-amendments")
            .await
            .contains("new consent answers")
    );
    assert!(b.text("#review-detail").await.contains("8 contacts"));

    // Asked again, the merchant leaves out the tablet's contact in the app
    // and sends the list as it is now to the same submission.
    b.click("#reason-insufficient_proof").await;
    b.type_into(
        "#review-note",
        "No proof for the in-store tablet: leave it out.",
    )
    .await;
    b.click("#request-changes").await;
    b.wait("#review-detail[data-status='changes_requested']", 10)
        .await;
    b.click("nav.areas a[href='#']").await;
    b.click("nav li:nth-child(5) button").await;
    b.click("#bulk-fix summary").await;
    preview_fix(
        &b,
        "delete",
        &[("#fix-filter-column", "5")],
        &[("#fix-filter-text", "tablet")],
    )
    .await;
    b.wait_for_text("#fix-preview-rows", "changes 1 row", 20)
        .await;
    b.click("#fix-apply").await;
    b.wait_for_text("#changes-applied", "1 change made", 10)
        .await;
    b.click("nav li:nth-child(7) button").await;
    b.wait("#submission-status[data-status='changes_requested']", 20)
        .await;
    let offer = b.text("label[for='amend-clean']").await;
    assert!(offer.contains("(7 contacts)"), "{offer}");
    b.click("#amend-clean").await;
    b.click("#amend-submit:not([disabled])").await;
    b.wait("#submission-status[data-status='pending_review']", 20)
        .await;
    assert!(
        b.text("#amendments")
            .await
            .contains("a corrected clean file")
    );
    b.open_review_console().await;
    b.click("#queue tr[data-id] button").await;
    b.wait("#review-detail[data-status='pending_review']", 10)
        .await;
    assert!(b.text("#review-detail").await.contains("7 contacts"));
    assert!(!b.text("#review-sources").await.contains("tablet"));
    b.close().await;
}
