//! The checker embedded in a partner's page, in real Chromium: the partner
//! page (`examples/partner-portal/`) is served from its own port, the widget
//! from the listgate server on another, so every call crosses origins as it
//! does in production.

use listgate_e2e::browser::{Browser, NetLog, NetRequest, Server, Site};
use listgate_e2e::choices::{Choices, cli};
use listgate_e2e::{TenantKeys, add_tenant, fixture};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The widget's element on the partner page.
const WIDGET: &str = "listgate-import";

fn partner_portal() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples/partner-portal")
}

/// A listgate server, a partner page served from another port, a tenant
/// and a browser on that page.
struct Portal {
    listgate: Server,
    partner: Site,
    keys: TenantKeys,
    b: Browser,
}

impl Portal {
    /// Opens the partner page (with `extra` query parameters) for a tenant
    /// that allows `origin`, or the partner page's own origin for `None`.
    async fn open(origin: Option<&str>, extra: &str) -> Portal {
        let listgate = Server::start();
        let partner = Site::start(&partner_portal());
        let origin = origin.unwrap_or(&partner.url).to_owned();
        let keys = add_tenant(&listgate, "Brightline", &[&origin]);
        let b = Browser::start().await;
        b.client
            .goto(&format!(
                "{}/?listgate={}&tenant={}{extra}",
                partner.url, listgate.url, keys.publishable
            ))
            .await
            .expect("open the partner page");
        Portal {
            listgate,
            partner,
            keys,
            b,
        }
    }
}

/// Polls `script` (with `args`) in the page until it returns something
/// other than null, for at most `secs`; `what` names it in the failure.
async fn value_in_page(
    b: &Browser,
    script: &str,
    args: Vec<Value>,
    secs: u64,
    what: &str,
) -> Value {
    let deadline = Instant::now() + Duration::from_secs(secs);
    loop {
        let value = b
            .client
            .execute(script, args.clone())
            .await
            .unwrap_or_else(|e| panic!("{what}: {e}"));
        if !value.is_null() {
            return value;
        }
        assert!(Instant::now() < deadline, "{what} did not happen");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// Waits until the page has received the event `name`; returns its detail.
async fn event(b: &Browser, name: &str) -> Value {
    value_in_page(
        b,
        "const found = (window.listgateEvents || []).find(e => e.name === arguments[0]);
         return found ? found.detail : null;",
        vec![name.into()],
        30,
        &format!("the page receiving {name}"),
    )
    .await
}

/// Chooses `file` in the widget and runs the check with the suggested mapping.
async fn check_in_widget(b: &Browser, file: &Path) {
    b.look_inside(Some(WIDGET));
    b.choose_file(file, 60).await;
    b.check_with_suggested_mapping().await;
}

/// Requests the browser sent to `server`, by path.
fn requests_to(log: &NetLog, server: &Server) -> Vec<NetRequest> {
    log.requests()
        .into_iter()
        .filter(|r| r.url.starts_with(&server.url))
        .collect()
}

/// A tenant's business name reaches the widget: the page checks with it,
/// as the server will, whatever name the partner page gives.
#[tokio::test(flavor = "multi_thread")]
async fn the_widget_checks_with_the_tenants_business_name() {
    let Portal {
        listgate,
        partner: _partner,
        keys,
        b,
    } = Portal::open(None, "").await;
    let set = listgate
        .cli(&["tenant", "set-business-name", &keys.id, "Globex Outfitters"])
        .output()
        .expect("run listgate");
    assert!(
        set.status.success(),
        "{}",
        String::from_utf8_lossy(&set.stderr)
    );
    b.client.refresh().await.expect("reload the partner page");
    let file = fixture("whatsapp_messy.csv");
    check_in_widget(&b, &file).await;
    let validated = event(&b, "listgate:validated").await;
    let out = tempfile::tempdir().expect("tempdir");
    let globex = Choices {
        business: "Globex Outfitters",
        ..Choices::acme_whatsapp()
    };
    let tenants = cli(&b, &file, &globex, out.path()).await;
    assert_eq!(validated["summary"], tenants["summary"]);
    let partners = cli(&b, &file, &Choices::acme_whatsapp(), out.path()).await;
    assert_ne!(
        validated["summary"], partners["summary"],
        "the page's own business name (Acme Boutique) was not used"
    );
    b.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_partner_page_checks_and_submits_a_list_through_the_widget() {
    // Every server stays up until the test ends (`_name` keeps a value alive; `..` would drop it).
    let Portal {
        listgate,
        partner,
        keys,
        b,
    } = Portal::open(None, "").await;
    let file = fixture("whatsapp_messy.csv");
    check_in_widget(&b, &file).await;
    b.wait(".tenant", 10).await;
    assert!(b.text(".tenant").await.contains("Brightline"));
    // The results, the widest step, fit the partner's 400-pixel panel.
    let fit = b
        .client
        .execute(
            "const box = document.querySelector('listgate-import').shadowRoot.querySelector('.listgate');
             return { width: box.getBoundingClientRect().width, scroll: box.scrollWidth, client: box.clientWidth };",
            vec![],
        )
        .await
        .expect("measure");
    assert!(fit["width"].as_f64().expect("width") <= 400.5, "{fit}");
    assert!(
        fit["scroll"].as_f64() <= fit["client"].as_f64(),
        "nothing sticks out sideways: {fit}"
    );

    // The page heard the verdict, and it is the CLI's.
    let validated = event(&b, "listgate:validated").await;
    let out = tempfile::tempdir().expect("tempdir");
    let report = cli(&b, &file, &Choices::acme_whatsapp(), out.path()).await;
    assert_eq!(validated["summary"], report["summary"]);
    assert_eq!(validated["segments"], report["segments"]);
    assert!(
        validated.get("clean.csv").is_none() && validated.get("report").is_none(),
        "outside headless mode the page gets the verdict, not the rows: {validated}"
    );

    // Evidence and Submit: the last step of the widget's bar.
    b.click("nav li:last-child button").await;
    b.answer_the_evidence_step(out.path()).await;
    assert!(
        b.client
            .execute(
                "return document.querySelector('listgate-import').shadowRoot.querySelector('#api-key') === null;",
                vec![]
            )
            .await
            .expect("script")
            .as_bool()
            == Some(true),
        "the widget submits with the partner's publishable key; the merchant types none"
    );
    b.click("#submit").await;
    let submitted = event(&b, "listgate:submitted").await;
    let id = submitted["id"]
        .as_str()
        .expect("a submission id")
        .to_owned();

    // The submission is the tenant's, on the server.
    let stored: Value = reqwest::Client::new()
        .get(format!("{}/api/v1/submissions/{id}", listgate.url))
        .bearer_auth(&keys.secret)
        .send()
        .await
        .expect("ask the server")
        .json()
        .await
        .expect("json");
    assert_eq!(stored["status"], "pending_review", "{stored}");
    assert_eq!(
        stored["contacts"].as_u64(),
        report["summary"]["importable"].as_u64()
    );

    // Only Submit carried data, and only to the listgate server's API.
    let log = b.close_with_net_log().await;
    let requests = log.requests();
    let with_body: Vec<_> = requests.iter().filter(|r| r.uploaded > 0).collect();
    assert_eq!(with_body.len(), 1, "{with_body:?}");
    assert_eq!(with_body[0].method, "POST");
    assert_eq!(
        with_body[0].url,
        format!("{}/api/v1/submissions", listgate.url)
    );
    // Whatever the page and the widget asked for went to the partner's own
    // origin or the listgate server (or stayed in the browser).
    let allowed = [
        partner.url.as_str(),
        listgate.url.as_str(),
        "blob:",
        "data:",
    ];
    let from_pages: Vec<_> = requests
        .iter()
        .filter(|r| r.initiator == partner.url || r.initiator == listgate.url)
        .collect();
    assert!(
        from_pages.len() >= 4,
        "the log holds the widget's own requests (script, module, wasm, worker…): {from_pages:?}"
    );
    for request in from_pages {
        assert!(
            allowed.iter().any(|a| request.url.starts_with(a)),
            "request to elsewhere: {request:?}"
        );
    }
    let fixture_text = std::fs::read_to_string(&file).expect("fixture");
    for request in &requests {
        for value in fixture_text
            .lines()
            .flat_map(|l| l.split(','))
            .map(|v| v.trim_matches('"').trim())
            .filter(|v| v.len() >= 6)
        {
            assert!(
                !request.url.contains(value),
                "{} carries `{value}`",
                request.url
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_page_on_an_origin_the_tenant_does_not_allow_is_refused_in_its_language() {
    let Portal {
        listgate: _listgate,
        partner,
        keys: _,
        b,
    } = Portal::open(Some("https://portal.brightline.example"), "&locale=es").await;
    b.look_inside(Some(WIDGET));
    let refusal = b.text("#widget-refused").await;
    assert!(
        refusal.contains("Esta página no puede enviar listas a listgate."),
        "the partner chose Spanish: {refusal}"
    );
    assert!(
        refusal.contains(&partner.url.to_ascii_lowercase()),
        "the refusal names the page's origin: {refusal}"
    );
    assert!(refusal.contains("allowed origins"), "{refusal}");
    let error = event(&b, "listgate:error").await;
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("not allowed")),
        "{error}"
    );
    b.close().await;
}

/// A whatsapp widget with no `business-name` attribute, for a tenant with
/// no business name, shows why instead of steps whose check would be refused.
#[tokio::test(flavor = "multi_thread")]
async fn a_whatsapp_widget_without_a_business_name_says_which_attribute_is_missing() {
    let Portal {
        listgate: _listgate,
        partner: _partner,
        keys: _,
        b,
    } = Portal::open(None, "&business=").await;
    b.look_inside(Some(WIDGET));
    let refusal = b.text("#widget-refused").await;
    assert!(
        refusal.contains("needs your business name") && refusal.contains("`business-name`"),
        "{refusal}"
    );
    assert!(b.find_all("#start-title, #load-title").await.is_empty());
    let error = event(&b, "listgate:error").await;
    assert!(
        error["message"]
            .as_str()
            .is_some_and(|m| m.contains("set-business-name")),
        "{error}"
    );
    b.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn a_hostile_partner_stylesheet_leaves_the_widget_usable() {
    let Portal {
        listgate: _listgate,
        partner: _partner,
        keys: _,
        b,
    } = Portal::open(None, "").await;
    b.client
        .execute(
            "const style = document.createElement('style');
             style.textContent = '* { all: unset !important; } html, body, div { font-size: 72px !important; } \
                 listgate-import { font: 900 60px fantasy !important; color: red !important; }';
             document.head.append(style);",
            vec![],
        )
        .await
        .expect("add the hostile stylesheet");
    let file = fixture("whatsapp_messy.csv");
    check_in_widget(&b, &file).await;
    let sizes = b
        .client
        .execute(
            "const root = document.querySelector('listgate-import').shadowRoot;
             const box = root.querySelector('.listgate');
             const button = root.querySelector('nav button');
             return { font: getComputedStyle(box).fontSize, button: getComputedStyle(button).fontSize,
                      width: box.getBoundingClientRect().width, scroll: box.scrollWidth, client: box.clientWidth };",
            vec![],
        )
        .await
        .expect("measure");
    assert_eq!(sizes["font"], "16px", "{sizes}");
    let button: f64 = sizes["button"]
        .as_str()
        .and_then(|s| s.trim_end_matches("px").parse().ok())
        .expect("px");
    assert!(button < 20.0, "buttons keep their size: {sizes}");
    assert!(
        sizes["scroll"].as_f64() <= sizes["client"].as_f64(),
        "nothing sticks out sideways: {sizes}"
    );
    b.screenshot("widget-hostile-css").await;
    b.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn headless_mode_hands_the_rows_to_the_page_and_calls_no_api() {
    let Portal {
        listgate,
        partner: _partner,
        keys: _,
        b,
    } = Portal::open(None, "&headless").await;
    let file = fixture("whatsapp_messy.csv");
    check_in_widget(&b, &file).await;
    let validated = event(&b, "listgate:validated").await;
    let out = tempfile::tempdir().expect("tempdir");
    let report = cli(&b, &file, &Choices::acme_whatsapp(), out.path()).await;
    assert_eq!(validated["report"]["summary"], report["summary"]);
    let received = value_in_page(
        &b,
        "return window.partnerReceived ?? null;",
        vec![],
        10,
        "the page getting the clean file",
    )
    .await;
    let received = received.as_str().expect("text");
    let clean = std::fs::read(out.path().join("clean.csv")).expect("CLI clean.csv");
    // Blob.text() decodes UTF-8 and drops the byte-order mark the file starts with.
    assert_eq!(
        received.as_bytes(),
        clean.strip_prefix(b"\xEF\xBB\xBF").expect("a BOM"),
        "the page got the CLI's clean file"
    );
    assert!(
        b.client
            .execute(
                "return document.querySelector('listgate-import').shadowRoot.querySelector('nav li:last-child button').textContent;",
                vec![]
            )
            .await
            .expect("script")
            .as_str()
            .is_some_and(|t| !t.contains("Evidence")),
        "no Submit step in headless mode"
    );
    let log = b.close_with_net_log().await;
    let to_listgate = requests_to(&log, &listgate);
    assert!(!to_listgate.is_empty(), "the widget loaded from the server");
    for request in to_listgate {
        assert_eq!(request.method, "GET", "{}", request.url);
        assert!(
            !request.url.contains("/api/"),
            "headless mode calls no API: {}",
            request.url
        );
    }
    assert!(
        log.requests().iter().all(|r| r.uploaded == 0),
        "nothing was uploaded anywhere"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn the_javascript_api_mounts_with_theme_locale_and_texts_and_destroys() {
    let Portal {
        listgate: _listgate,
        partner: _partner,
        keys: _,
        b,
    } = Portal::open(None, "&headless").await;
    // The page's module has loaded listgate.js once `listgate` exists.
    let mounted = b
        .client
        .execute_async(
            "const done = arguments[0];
             const started = Date.now();
             const attempt = async () => {
               if (!window.listgate) {
                 if (Date.now() - started > 30000) return done({ error: 'listgate.js did not load' });
                 return setTimeout(attempt, 100);
               }
               const element = document.createElement('div');
               element.id = 'mounted';
               document.body.append(element);
               window.mountedHandle = await listgate.mount(element, {
                 headless: true, profile: 'whatsapp', locale: 'es',
                 options: { defaultRegion: 'GB', businessName: 'Acme Boutique' },
                 theme: { accent: 'rgb(1, 2, 3)', radius: '0px' },
                 texts: { 'step.map': 'Columnas' },
                 onValidated: (detail) => { window.callbackSummary = detail.summary; },
               });
               const root = element.shadowRoot;
               const wait = () => root.querySelector('nav button.current') ? read() : setTimeout(wait, 50);
               const read = () => {
                 const current = root.querySelector('nav button.current');
                 done({
                   background: getComputedStyle(current).backgroundColor,
                   radius: getComputedStyle(root.querySelector('section')).borderTopLeftRadius,
                   steps: [...root.querySelectorAll('nav button')].map(b => b.textContent),
                   lang: root.querySelector('[lang]').getAttribute('lang'),
                 });
               };
               wait();
             };
             attempt();",
            vec![],
        )
        .await
        .expect("mount");
    assert_eq!(mounted["background"], "rgb(1, 2, 3)", "{mounted}");
    assert_eq!(mounted["radius"], "0px", "{mounted}");
    assert_eq!(mounted["lang"], "es", "{mounted}");
    let steps: Vec<&str> = mounted["steps"]
        .as_array()
        .expect("steps")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert_eq!(steps[0], "Cargar", "Spanish: {steps:?}");
    assert_eq!(steps[1], "Columnas", "the partner's override: {steps:?}");

    // The mount() callback hears the check like an event listener would.
    b.look_inside(Some("#mounted"));
    let file = fixture("whatsapp_messy.csv");
    b.choose_file(&file, 30).await;
    b.check_with_suggested_mapping().await;
    let summary = value_in_page(
        &b,
        "return window.callbackSummary ?? null;",
        vec![],
        10,
        "the onValidated callback",
    )
    .await;
    let out = tempfile::tempdir().expect("tempdir");
    let report = cli(&b, &file, &Choices::acme_whatsapp(), out.path()).await;
    assert_eq!(summary, report["summary"]);

    // destroy() removes it.
    let left = b
        .client
        .execute(
            "window.mountedHandle.destroy();
             return document.getElementById('mounted').shadowRoot.childElementCount;",
            vec![],
        )
        .await
        .expect("destroy");
    assert_eq!(left.as_u64(), Some(0));
    b.close().await;
}

#[tokio::test(flavor = "multi_thread")]
async fn markup_in_a_list_never_runs_in_the_widget() {
    let Portal {
        listgate: _listgate,
        partner: _partner,
        keys: _,
        b,
    } = Portal::open(None, "").await;
    let dir = tempfile::tempdir().expect("tempdir");
    check_in_widget(&b, &listgate_e2e::lists::markup_list(dir.path())).await;
    b.assert_no_script_ran("the widget's results").await;
    let shown = b.text("main, section, .listgate").await;
    assert!(
        shown.contains(listgate_e2e::lists::IMG),
        "shown as text: {shown}"
    );
    b.look_inside(None);
    b.assert_no_script_ran("the partner page").await;
    b.close().await;
}
