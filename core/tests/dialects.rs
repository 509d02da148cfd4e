//! Encodings and dialects: real files as spreadsheets, exports and the
//! clipboard write them, read end to end through `check_bytes`.
//!
//! The fixtures live in `tests/fixtures/dialects/` and are regenerated
//! byte-exact by `tests/fixtures/dialects/make_fixtures.py`; the values
//! asserted here are the ones that script writes.

use chrono::{TimeZone, Utc};
use listgate_core::records::read_all;
use listgate_core::{
    CheckError, CheckOptions, Checker, Code, EncodingSource, JudgeOptions, Mapping, Outputs,
    Profile, ReadOptions, Report, Severity, check_bytes,
};
use std::collections::BTreeMap;

macro_rules! fixture {
    ($name:literal) => {
        std::fs::read(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../tests/fixtures/dialects/",
            $name
        ))
        .expect(concat!("fixture ", $name, " (run make_fixtures.py)"))
    };
}

const WA_TEXT: &str = "Yes, send me offers from Acme Boutique on WhatsApp";
const BOM: &str = "\u{FEFF}";

/// GB as the default country, a fixed clock after every opt-in date and
/// Acme, whose name every fixture's wording holds, as the business.
fn options() -> CheckOptions {
    CheckOptions {
        judging: JudgeOptions {
            default_region: Some("GB".into()),
            business_name: Some("Acme".into()),
            now: Some(Utc.with_ymd_and_hms(2025, 12, 1, 0, 0, 0).unwrap()),
            ..JudgeOptions::default()
        },
        ..CheckOptions::default()
    }
}

fn whatsapp() -> Profile {
    Profile::builtin("whatsapp").expect("built-in profile")
}

fn check(bytes: &[u8], options: CheckOptions) -> (Report, Outputs) {
    let mut outputs = Outputs::default();
    let report = check_bytes(bytes, whatsapp(), options, &mut outputs)
        .unwrap_or_else(|e| panic!("check failed: {e}"));
    assert_counts_add_up(&report, &outputs);
    (report, outputs)
}

/// `rows = importable + rejected`, and the files hold exactly those rows.
fn assert_counts_add_up(report: &Report, outputs: &Outputs) {
    let s = report.summary;
    assert_eq!(s.rows, s.importable + s.rejected, "{s:?}");
    assert_eq!(outputs.counts.clean, s.importable, "clean.csv rows");
    assert_eq!(
        outputs.counts.errors + s.set_aside,
        s.rejected,
        "errors.csv rows + set aside"
    );
    assert!(!report.file.replaced_invalid_bytes, "no byte was replaced");
}

/// The issues as (row, column, code, severity).
fn issues(report: &Report) -> Vec<(u64, Option<&str>, Code, Severity)> {
    report
        .issues
        .iter()
        .map(|i| (i.row, i.column.as_deref(), i.code, i.severity))
        .collect()
}

fn text(bytes: &[u8]) -> &str {
    std::str::from_utf8(bytes).expect("output is UTF-8")
}

/// An output CSV as maps from header to cell, one per data row.
fn csv_rows(bytes: &[u8]) -> Vec<BTreeMap<String, String>> {
    let body = text(bytes)
        .strip_prefix(BOM)
        .expect("outputs start with a BOM");
    let records = read_all(body, b',', true);
    let (header, rows) = records.split_first().expect("a header row");
    let names: Vec<&str> = header.cells().collect();
    rows.iter()
        .map(|r| {
            names
                .iter()
                .enumerate()
                .map(|(c, n)| ((*n).to_owned(), r.get(c).unwrap_or("").to_owned()))
                .collect()
        })
        .collect()
}

fn columns(report: &Report) -> Vec<&str> {
    report.file.columns.iter().map(String::as_str).collect()
}

/// The `row` column of errors.csv.
fn error_rows(outputs: &Outputs) -> Vec<String> {
    csv_rows(&outputs.errors)
        .into_iter()
        .map(|r| r["row"].clone())
        .collect()
}

#[test]
fn utf16le_unicode_text_from_excel() {
    let bytes = fixture!("utf16le_excel_unicode.txt");
    assert!(
        bytes.starts_with(&[0xFF, 0xFE]),
        "fixture has a UTF-16LE BOM"
    );
    let (report, outputs) = check(&bytes, options());

    assert_eq!(report.file.encoding, "UTF-16LE");
    assert_eq!(report.file.delimiter.as_deref(), Some("\t"));
    assert_eq!(report.file.header_row, Some(1));
    assert_eq!(report.file.skipped_rows, 0);
    assert_eq!(report.file.blank_rows, 0);
    assert_eq!(
        columns(&report),
        [
            "First Name",
            "Last Name",
            "Mobile",
            "Email",
            "Opt-in Date",
            "Source",
            "Consent Text",
            "Channel",
            "Notes"
        ]
    );
    assert_eq!(report.mapping["phone"], "Mobile");
    assert_eq!(report.summary.rows, 4);
    assert_eq!(report.summary.importable, 2);
    assert_eq!(report.summary.rejected, 2);
    assert_eq!(report.summary.set_aside, 1);
    assert_eq!(
        issues(&report),
        [
            (
                3,
                Some("Mobile"),
                Code::PhoneNoCountryCode,
                Severity::Warning
            ),
            (4, Some("Mobile"), Code::PhoneUnparseable, Severity::Error),
            (
                5,
                Some("Channel"),
                Code::ConsentNotWhatsappChannel,
                Severity::Error
            ),
        ]
    );
    assert!(report.issues[1].message.contains("07911 12345O"));

    // Accents and a non-BMP emoji survive; day-first dates are inferred from 18/03.
    assert_eq!(
        text(&outputs.clean),
        format!(
            "{BOM}phone,opt_in_at,opt_in_source,opt_in_text,opt_in_channel,first_name,last_name,email,Notes\r\n\
             +447911123456,2025-03-05T14:30:00Z,https://acme.example/join,\"{WA_TEXT}\",whatsapp,José,Álvarez,jose@example.com,Prefers español\r\n\
             +447911123457,2025-03-18T09:15:00Z,in-store tablet,\"{WA_TEXT}\",WhatsApp,Zoë,Müller,zoe@example.com,\u{1F338} VIP — 10% off\r\n"
        )
    );
    let errors = csv_rows(&outputs.errors);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["First Name"], "François");
    assert_eq!(errors[0]["Last Name"], "Øberg");
    assert_eq!(errors[0]["row"], "4");
    let sms = csv_rows(&outputs.segments[1]);
    assert_eq!(sms[0]["first_name"], "Łukasz");
    assert_eq!(sms[0]["phone"], "+447911123458");
}

#[test]
fn windows_1252_with_semicolons() {
    let bytes = fixture!("windows1252_semicolon.csv");
    assert!(std::str::from_utf8(&bytes).is_err(), "fixture is not UTF-8");
    assert!(bytes.windows(2).any(|w| w == b"\r\n"), "fixture uses CRLF");
    let (report, outputs) = check(&bytes, options());

    assert_eq!(report.file.encoding, "windows-1252");
    assert_eq!(report.file.encoding_source, Some(EncodingSource::Detected));
    assert_eq!(report.file.delimiter.as_deref(), Some(";"));
    assert_eq!(report.file.header_row, Some(1));
    assert_eq!(report.file.skipped_rows, 0);
    assert_eq!(
        columns(&report),
        [
            "Vorname",
            "Nachname",
            "Handy",
            "E-Mail",
            "Opt-in Date",
            "Source",
            "Consent Text",
            "Channel",
            "Umsatz",
            "Notiz"
        ]
    );
    assert_eq!(report.mapping["phone"], "Handy");
    assert_eq!(report.mapping["first_name"], "Vorname");
    assert_eq!(report.mapping["email"], "E-Mail");
    assert_eq!(report.summary.rows, 4);
    assert_eq!(report.summary.importable, 2);
    assert_eq!(report.summary.rejected, 2);
    assert_eq!(report.summary.set_aside, 1);
    assert_eq!(
        issues(&report),
        [
            (4, Some("E-Mail"), Code::EmailInvalid, Severity::Error),
            (
                5,
                Some("Channel"),
                Code::ConsentNotWhatsappChannel,
                Severity::Error
            ),
        ]
    );
    assert!(report.issues[0].message.contains("björn@example"));

    // Decimal commas stay in one cell; €, – and umlauts decode from CP1252.
    let consent = "Ja, ich möchte Angebote von Acme per WhatsApp erhalten";
    assert_eq!(
        text(&outputs.clean),
        format!(
            "{BOM}phone,opt_in_at,opt_in_source,opt_in_text,opt_in_channel,first_name,last_name,email,Umsatz,Notiz\r\n\
             +447911123456,2025-03-05T14:30:00Z,Laden München,\"{consent}\",whatsapp,José,Müller,jose@example.com,\"1.234,50 €\",Stammkunde – seit 2019\r\n\
             +447911123457,2025-03-18T09:15:00Z,https://acme.example/join,\"{consent}\",whatsapp,Zoë,Ångström,zoe@example.com,\"12,00 €\",\r\n"
        )
    );
    let errors = csv_rows(&outputs.errors);
    assert_eq!(errors.len(), 1);
    assert_eq!(errors[0]["Vorname"], "Björn");
    assert_eq!(errors[0]["Nachname"], "Weiß");
    assert_eq!(errors[0]["Notiz"], "„Kein Spam“");
    assert_eq!(errors[0]["row"], "4");
    let email_only = csv_rows(&outputs.segments[2]);
    assert_eq!(email_only[0]["last_name"], "Lefèvre");
}

/// A legacy export: its encoding's WHATWG name, its delimiter, the
/// `field=Header` pairs that map it (its headers are in its own language),
/// and the first importable contact as clean.csv writes it.
struct Legacy {
    bytes: Vec<u8>,
    encoding: &'static str,
    delimiter: &'static str,
    mapping: [&'static str; 6],
    first: [(&'static str, &'static str); 3],
}

#[test]
fn legacy_code_pages_are_detected_and_decoded() {
    let cases = [
        Legacy {
            bytes: fixture!("windows1251_cyrillic.csv"),
            encoding: "windows-1251",
            delimiter: ";",
            mapping: [
                "phone=Телефон",
                "first_name=Имя",
                "opt_in_at=Дата согласия",
                "opt_in_source=Источник",
                "opt_in_text=Текст согласия",
                "opt_in_channel=Канал",
            ],
            first: [
                ("phone", "+79161234567"),
                ("first_name", "Алексей"),
                ("opt_in_source", "Магазин на Тверской"),
            ],
        },
        Legacy {
            bytes: fixture!("windows1250_central_european.csv"),
            encoding: "windows-1250",
            delimiter: ";",
            mapping: [
                "phone=Mobil",
                "first_name=Jméno",
                "opt_in_at=Datum souhlasu",
                "opt_in_source=Zdroj",
                "opt_in_text=Text souhlasu",
                "opt_in_channel=Kanál",
            ],
            first: [
                ("phone", "+420601123456"),
                ("first_name", "Jiří"),
                ("opt_in_source", "Prodejna Brno"),
            ],
        },
        Legacy {
            bytes: fixture!("shift_jis_japanese.csv"),
            encoding: "Shift_JIS",
            delimiter: ",",
            mapping: [
                "phone=電話番号",
                "first_name=名",
                "opt_in_at=同意日時",
                "opt_in_source=取得元",
                "opt_in_text=同意文",
                "opt_in_channel=チャネル",
            ],
            first: [
                ("phone", "+819012345678"),
                ("first_name", "太郎"),
                ("opt_in_source", "渋谷店"),
            ],
        },
    ];
    for case in cases {
        assert!(
            std::str::from_utf8(&case.bytes).is_err(),
            "{}",
            case.encoding
        );
        let mut options = options();
        options.reading.mapping = Mapping::from_pairs(&case.mapping).expect("pairs");
        let (report, outputs) = check(&case.bytes, options);
        assert_eq!(report.file.encoding, case.encoding);
        assert_eq!(report.file.encoding_source, Some(EncodingSource::Detected));
        assert_eq!(report.file.delimiter.as_deref(), Some(case.delimiter));
        assert_eq!(report.file.header_row, Some(1), "{}", case.encoding);
        for pair in case.mapping {
            let (field, header) = pair.split_once('=').expect("pair");
            assert_eq!(report.mapping[field], header, "{}", case.encoding);
        }
        assert_eq!(report.summary.rows, 4, "{}", case.encoding);
        let clean = csv_rows(&outputs.clean);
        for (field, value) in case.first {
            assert_eq!(clean[0][field], value, "{}", case.encoding);
        }
    }
}

#[test]
fn quoted_newlines_keep_spreadsheet_row_numbers() {
    let bytes = fixture!("quoted_newlines.csv");
    let (report, outputs) = check(&bytes, options());

    assert_eq!(report.file.encoding, "UTF-8");
    assert_eq!(report.file.delimiter.as_deref(), Some(","));
    assert_eq!(report.file.header_row, Some(1));
    assert_eq!(report.file.skipped_rows, 0);
    assert_eq!(report.file.blank_rows, 0);
    assert_eq!(report.file.columns.len(), 8);
    assert_eq!(report.summary.rows, 5);
    assert_eq!(report.summary.importable, 3);
    assert_eq!(report.summary.rejected, 2);
    assert_eq!(report.summary.set_aside, 1);
    // Rows are records: the invalid phone is on spreadsheet row 4 although
    // it starts on line 6 of the text.
    assert_eq!(
        issues(&report),
        [
            (4, Some("Phone"), Code::PhoneInvalid, Severity::Error),
            (
                5,
                Some("Channel"),
                Code::ConsentNotWhatsappChannel,
                Severity::Error
            ),
        ]
    );
    assert_eq!(error_rows(&outputs), ["4"]);

    // Newlines (LF and CRLF), commas and doubled quotes inside cells survive.
    assert_eq!(
        text(&outputs.clean),
        format!(
            "{BOM}phone,opt_in_at,opt_in_source,opt_in_text,opt_in_channel,first_name,last_name,Notes\r\n\
             +447911123456,2025-03-05T14:30:00Z,https://acme.example/join,\"{WA_TEXT}.\nReply STOP to opt out.\",whatsapp,José,García,\"Flat 2\r\n10 High St, Leeds\"\r\n\
             +447911123457,2025-03-06T09:15:00Z,https://acme.example/join,\"{WA_TEXT}\",whatsapp,Zoë,O'Brien,\"Said \"\"yes please\"\"\non the phone\"\r\n\
             +447911123459,2025-03-09T12:00:00Z,https://acme.example/join,\"{WA_TEXT}\",whatsapp,Ana,Müller,\"multi\n\nline\"\r\n"
        )
    );
    let sms = csv_rows(&outputs.segments[1]);
    assert_eq!(sms[0]["opt_in_text"], "Yes, text me offers\n(SMS only)");
    assert_eq!(sms[0]["first_name"], "Søren");
}

#[test]
fn utf8_bom_and_crlf_from_excel() {
    let bytes = fixture!("utf8_bom_crlf.csv");
    assert!(bytes.starts_with(b"\xEF\xBB\xBFPhone Number,"));
    let (report, outputs) = check(&bytes, options());

    assert_eq!(report.file.encoding, "UTF-8");
    assert_eq!(
        report.file.encoding_source,
        Some(EncodingSource::ByteOrderMark)
    );
    assert_eq!(report.file.delimiter.as_deref(), Some(","));
    assert_eq!(report.file.header_row, Some(1));
    assert_eq!(report.file.skipped_rows, 0);
    // The trailing row of empty cells is blank, not a contact.
    assert_eq!(report.file.blank_rows, 1);
    // The BOM does not stick to the first header.
    assert_eq!(report.file.columns[0], "Phone Number");
    assert_eq!(report.mapping["phone"], "Phone Number");
    assert_eq!(report.summary.rows, 3);
    assert_eq!(report.summary.importable, 2);
    assert_eq!(report.summary.rejected, 1);
    assert_eq!(report.summary.warnings, 1);
    assert_eq!(report.summary.duplicates, 1);
    assert_eq!(
        issues(&report),
        [
            (
                3,
                Some("Phone Number"),
                Code::PhoneNoCountryCode,
                Severity::Warning
            ),
            (
                4,
                Some("Phone Number"),
                Code::PhoneDuplicate,
                Severity::Error
            ),
        ]
    );
    assert!(report.issues[1].message.contains("row 2"));

    // `007` and `0042` stay text; `07911 123457` is read in GB.
    assert_eq!(
        text(&outputs.clean),
        format!(
            "{BOM}phone,opt_in_at,opt_in_source,opt_in_text,opt_in_channel,first_name,last_name,email,Customer No\r\n\
             +447911123456,2025-03-05T14:30:00Z,https://acme.example/join,\"{WA_TEXT}\",whatsapp,José,Núñez,jose@example.com,007\r\n\
             +447911123457,2025-03-06T09:15:00Z,https://acme.example/join,\"{WA_TEXT}\",WhatsApp,Zoë,Müller,zoe@example.com,0042\r\n"
        )
    );
    // The error file keeps the row as written, `+44 …` included.
    let errors = csv_rows(&outputs.errors);
    assert_eq!(errors[0]["Phone Number"], "+44 7911 123456");
    assert_eq!(errors[0]["Customer No"], "0100");
    assert_eq!(errors[0]["row"], "4");
}

#[test]
fn title_rows_above_the_header_are_skipped() {
    let bytes = fixture!("title_rows.csv");
    let (report, outputs) = check(&bytes, options());

    assert_eq!(report.file.encoding, "UTF-8");
    assert_eq!(report.file.delimiter.as_deref(), Some(","));
    assert_eq!(report.file.header_row, Some(4));
    assert_eq!(report.file.skipped_rows, 3);
    assert_eq!(
        columns(&report),
        [
            "Mobile",
            "First Name",
            "Last Name",
            "Opt-in Date",
            "Source",
            "Consent Text",
            "Channel",
            "Tier"
        ]
    );
    assert_eq!(report.summary.rows, 3);
    assert_eq!(report.summary.importable, 2);
    assert_eq!(report.summary.rejected, 1);
    assert_eq!(
        issues(&report),
        [
            (
                6,
                Some("Consent Text"),
                Code::ConsentTextNotWhatsapp,
                Severity::Error
            ),
            (
                6,
                Some("Consent Text"),
                Code::ConsentTextMissingBusiness,
                Severity::Error
            )
        ]
    );
    assert_eq!(error_rows(&outputs), ["6"]);

    assert_eq!(
        text(&outputs.clean),
        format!(
            "{BOM}phone,opt_in_at,opt_in_source,opt_in_text,opt_in_channel,first_name,last_name,Tier\r\n\
             +447911123456,2025-03-05T14:30:00Z,https://acme.example/join,\"{WA_TEXT}\",whatsapp,José,Müller,Gold\r\n\
             +447911123458,2025-03-07T10:00:00Z,in-store tablet,\"{WA_TEXT}\",whatsapp,Chloé,Dupont,Bronze\r\n"
        )
    );
}

/// The merchant maps the columns values cannot reveal, by letter.
fn headerless_options(header: Option<bool>) -> CheckOptions {
    CheckOptions {
        reading: ReadOptions {
            header,
            mapping: Mapping::from_pairs(&[
                "first_name=A",
                "opt_in_source=E",
                "opt_in_text=F",
                "opt_in_channel=G",
            ])
            .expect("mapping"),
            ..(options()).reading
        },
        ..options()
    }
}

fn assert_headerless_report(report: &Report, outputs: &Outputs) {
    assert_eq!(report.file.encoding, "UTF-8");
    assert_eq!(report.file.delimiter.as_deref(), Some(","));
    assert_eq!(report.file.header_row, None);
    assert_eq!(report.file.skipped_rows, 0);
    assert_eq!(
        columns(report),
        [
            "Column A", "Column B", "Column C", "Column D", "Column E", "Column F", "Column G"
        ]
    );
    // Phone, email and opt-in date are recognised from their values.
    assert_eq!(report.mapping["phone"], "Column B");
    assert_eq!(report.mapping["email"], "Column C");
    assert_eq!(report.mapping["opt_in_at"], "Column D");
    assert_eq!(report.summary.rows, 4);
    assert_eq!(report.summary.importable, 3);
    assert_eq!(report.summary.rejected, 1);
    // Without a header, data starts on row 1.
    assert_eq!(
        issues(report),
        [(3, Some("Column B"), Code::PhoneInvalid, Severity::Error)]
    );
    let clean = csv_rows(&outputs.clean);
    assert_eq!(clean.len(), 3);
    assert_eq!(clean[0]["phone"], "+447911123456");
    assert_eq!(clean[0]["first_name"], "José");
    assert_eq!(clean[0]["opt_in_at"], "2025-03-05T14:30:00Z");
    assert_eq!(clean[1]["first_name"], "Zoë");
    assert_eq!(clean[2]["first_name"], "Chloé");
    assert_eq!(clean[2]["email"], "chloe@example.com");
    let errors = csv_rows(&outputs.errors);
    assert_eq!(errors[0]["Column A"], "Müller");
    assert_eq!(errors[0]["row"], "3");
}

#[test]
fn headerless_file_is_detected() {
    let bytes = fixture!("headerless.csv");
    // Header detection must not take the first contact for a header,
    // although its cells mention WhatsApp.
    let (report, outputs) = check(&bytes, headerless_options(None));
    assert_headerless_report(&report, &outputs);
}

#[test]
fn headerless_file_declared_without_header() {
    let bytes = fixture!("headerless.csv");
    let (report, outputs) = check(&bytes, headerless_options(Some(false)));
    assert_headerless_report(&report, &outputs);
}

#[test]
fn pasted_tab_separated_cells() {
    let bytes = fixture!("pasted_tab.txt");
    let (report, outputs) = check(
        &bytes,
        CheckOptions {
            reading: ReadOptions {
                pasted: true,
                ..(options()).reading
            },
            ..options()
        },
    );

    assert_eq!(report.file.encoding, "UTF-8");
    assert_eq!(report.file.delimiter.as_deref(), Some("\t"));
    assert_eq!(report.file.header_row, Some(1));
    assert_eq!(report.file.skipped_rows, 0);
    assert_eq!(report.file.blank_rows, 0);
    assert_eq!(report.file.columns.len(), 8);
    assert_eq!(report.mapping["phone"], "Mobile");
    assert_eq!(report.summary.rows, 3);
    assert_eq!(report.summary.importable, 2);
    assert_eq!(report.summary.rejected, 1);
    assert_eq!(
        issues(&report),
        [(
            4,
            Some("Opt-in Date"),
            Code::ConsentMissingTimestamp,
            Severity::Error
        )]
    );
    assert_eq!(error_rows(&outputs), ["4"]);

    // Stray spaces are trimmed; `007` keeps its zeros.
    assert_eq!(
        text(&outputs.clean),
        format!(
            "{BOM}phone,opt_in_at,opt_in_source,opt_in_text,opt_in_channel,first_name,last_name,Customer No\r\n\
             +447911123456,2025-03-05T14:30:00Z,https://acme.example/join,\"{WA_TEXT}\",whatsapp,José,Müller,007\r\n\
             +447911123457,2025-03-06T09:15:00Z,https://acme.example/join,\"{WA_TEXT}\",whatsapp,Zoë,Ng,0008\r\n"
        )
    );
}

#[test]
fn xlsx_values_stay_text() {
    let bytes = fixture!("values_as_text.xlsx");
    let (report, outputs) = check(&bytes, options());

    assert_eq!(report.file.encoding, "xlsx");
    assert_eq!(report.file.delimiter, None);
    assert_eq!(report.file.sheet.as_deref(), Some("Subscribers"));
    // Title in A1, blank row 2, header on the sheet's row 3.
    assert_eq!(report.file.header_row, Some(3));
    assert_eq!(report.file.skipped_rows, 2);
    assert_eq!(
        columns(&report),
        [
            "Customer No",
            "First Name",
            "Last Name",
            "Mobile",
            "Opt-in Date",
            "Source",
            "Consent Text",
            "Channel",
            "Landline"
        ]
    );
    assert_eq!(report.summary.rows, 3);
    assert_eq!(report.summary.importable, 2);
    assert_eq!(report.summary.rejected, 1);
    assert_eq!(report.summary.warnings, 1);
    assert_eq!(
        issues(&report),
        [
            (
                5,
                Some("Mobile"),
                Code::PhoneNoCountryCode,
                Severity::Warning
            ),
            (6, Some("Mobile"), Code::PhoneInvalid, Severity::Error),
        ]
    );

    // Text cells keep `007` and `+44 …`; the number 42 has no `.0`; a date
    // cell and a date typed as text both normalize.
    assert_eq!(
        text(&outputs.clean),
        format!(
            "{BOM}phone,opt_in_at,opt_in_source,opt_in_text,opt_in_channel,first_name,last_name,Customer No,Landline\r\n\
             +447911123456,2025-03-05T14:30:00Z,https://acme.example/join,\"{WA_TEXT}\",whatsapp,José,Müller,007,+44 20 7946 0958\r\n\
             +447911123457,2025-03-06T09:15:00Z,in-store tablet,\"{WA_TEXT}\",WhatsApp,Zoë,Ng,42,\r\n"
        )
    );
    let errors = csv_rows(&outputs.errors);
    assert_eq!(errors[0]["Customer No"], "0042");
    assert_eq!(errors[0]["First Name"], "François");
    assert_eq!(errors[0]["Mobile"], "+44 7911 12345");
    assert_eq!(errors[0]["row"], "6");
}

#[test]
fn xlsx_list_on_a_second_named_sheet() {
    let bytes = fixture!("second_sheet.xlsx");
    let sheet = |name: &str| CheckOptions {
        reading: ReadOptions {
            sheet: Some(name.into()),
            ..(options()).reading
        },
        ..options()
    };
    let (report, outputs) = check(&bytes, sheet("Contacts"));

    assert_eq!(report.file.encoding, "xlsx");
    assert_eq!(report.file.delimiter, None);
    assert_eq!(report.file.sheet.as_deref(), Some("Contacts"));
    // The table starts at B2: row numbers are the sheet's own.
    assert_eq!(report.file.header_row, Some(2));
    assert_eq!(report.file.skipped_rows, 0);
    assert_eq!(report.mapping["phone"], "Phone Number");
    assert_eq!(report.mapping["last_name"], "Last Name");
    assert_eq!(report.summary.rows, 3);
    assert_eq!(report.summary.importable, 2);
    assert_eq!(report.summary.rejected, 1);
    assert_eq!(report.summary.set_aside, 1);
    assert_eq!(
        issues(&report),
        [(
            5,
            Some("Channel"),
            Code::ConsentNotWhatsappChannel,
            Severity::Error
        )]
    );
    let clean = csv_rows(&outputs.clean);
    assert_eq!(clean.len(), 2);
    assert_eq!(clean[0]["phone"], "+447911123456");
    assert_eq!(clean[0]["first_name"], "Zoë");
    assert_eq!(clean[0]["last_name"], "Ångström");
    assert_eq!(clean[0]["opt_in_at"], "2025-03-05T14:30:00Z");
    assert_eq!(clean[1]["first_name"], "José");
    let email_only = csv_rows(&outputs.segments[2]);
    assert_eq!(email_only[0]["first_name"], "Chloé");

    // Sheet names match ignoring case.
    let (again, _) = check(&bytes, sheet("contacts"));
    assert_eq!(again.file.sheet.as_deref(), Some("Contacts"));
    assert_eq!(again.summary, report.summary);

    // An unknown sheet names the ones there are.
    let mut sink = Outputs::default();
    match check_bytes(&bytes, whatsapp(), sheet("Kontakte"), &mut sink) {
        Err(CheckError::InvalidOption(message)) => {
            assert!(message.contains("Read me, Contacts"), "{message}");
        }
        other => panic!("expected an invalid sheet option, got {other:?}"),
    }

    // Without a sheet the first one ("Read me") is read, and it has no list.
    match check_bytes(&bytes, whatsapp(), options(), &mut Outputs::default()) {
        Err(CheckError::Refused { code, .. }) => assert_eq!(code, Code::HeaderMissingRequired),
        other => panic!("expected the Read me sheet to be refused, got {other:?}"),
    }
}

#[test]
fn xlsx_table_starting_at_b2_adds_no_empty_column() {
    // Column A of the Contacts sheet is empty (outside the table). Custom
    // columns are unmapped source columns *that have a header*, so the clean
    // file holds the mapped fields only.
    let bytes = fixture!("second_sheet.xlsx");
    let (_, outputs) = check(
        &bytes,
        CheckOptions {
            reading: ReadOptions {
                sheet: Some("Contacts".into()),
                ..(options()).reading
            },
            ..options()
        },
    );
    let clean = text(&outputs.clean);
    let header = clean.lines().next().expect("header line");
    assert_eq!(
        header,
        format!(
            "{BOM}phone,opt_in_at,opt_in_source,opt_in_text,opt_in_channel,first_name,last_name"
        )
    );
}

/// Streaming the text fixtures in small pieces (splitting UTF-16 code
/// units, CP1252 bytes, BOMs and CRLF pairs) gives the same result.
#[test]
fn text_fixtures_stream_in_any_chunk_size() {
    let cases: [(&str, Vec<u8>, CheckOptions); 6] = [
        ("utf16le", fixture!("utf16le_excel_unicode.txt"), options()),
        (
            "windows1252",
            fixture!("windows1252_semicolon.csv"),
            options(),
        ),
        ("quoted", fixture!("quoted_newlines.csv"), options()),
        ("bom_crlf", fixture!("utf8_bom_crlf.csv"), options()),
        ("title", fixture!("title_rows.csv"), options()),
        (
            "pasted",
            fixture!("pasted_tab.txt"),
            CheckOptions {
                reading: ReadOptions {
                    pasted: true,
                    ..(options()).reading
                },
                ..options()
            },
        ),
    ];
    for (name, bytes, opts) in cases {
        let (whole, whole_outputs) = check(&bytes, opts.clone());
        for chunk in [1, 2, 3, 7, 64] {
            let mut outputs = Outputs::default();
            let mut checker = Checker::new(whatsapp(), opts.clone()).expect("options");
            for piece in bytes.chunks(chunk) {
                checker.feed(piece, &mut outputs).expect("feed");
            }
            let report = checker.finish(&mut outputs).expect("finish");
            assert_eq!(report, whole, "{name} in chunks of {chunk}");
            assert_eq!(outputs.clean, whole_outputs.clean, "{name} {chunk}");
            assert_eq!(outputs.errors, whole_outputs.errors, "{name} {chunk}");
        }
    }
}

/// A UTF-16LE export larger than the sniffing sample, with quoted CRLFs
/// and emoji (surrogate pairs), streamed across the sample boundary.
#[test]
fn large_utf16le_export_streams_past_the_sample() {
    let mut text = String::from(
        "First Name\tLast Name\tMobile\tOpt-in Date\tSource\tConsent Text\tChannel\r\n",
    );
    for i in 0..1500u32 {
        text.push_str(&format!(
            "Zoë\tMüller \u{1F338}\t+44 7911 {:06}\t18/03/2025 09:15\tshop\t\"Yes to Acme on WhatsApp,\r\nweekly\"\twhatsapp\r\n",
            100_000 + i
        ));
    }
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    assert!(bytes.len() > 4 * 64 * 1024);

    let (whole, whole_outputs) = check(&bytes, options());
    assert_eq!(whole.file.encoding, "UTF-16LE");
    assert_eq!(whole.file.delimiter.as_deref(), Some("\t"));
    assert_eq!(whole.summary.rows, 1500);
    assert_eq!(whole.summary.importable, 1500);
    let clean = csv_rows(&whole_outputs.clean);
    assert_eq!(clean.len(), 1500);
    assert_eq!(clean[1499]["phone"], "+447911101499");
    assert_eq!(clean[1499]["last_name"], "Müller \u{1F338}");
    assert_eq!(
        clean[1499]["opt_in_text"],
        "Yes to Acme on WhatsApp,\r\nweekly"
    );

    for chunk in [1, 3, 4095, 65_537] {
        let mut outputs = Outputs::default();
        let mut checker = Checker::new(whatsapp(), options()).expect("options");
        for piece in bytes.chunks(chunk) {
            checker.feed(piece, &mut outputs).expect("feed");
        }
        let report = checker.finish(&mut outputs).expect("finish");
        assert_eq!(report, whole, "chunks of {chunk}");
        assert_eq!(outputs.clean, whole_outputs.clean, "chunks of {chunk}");
    }
}
