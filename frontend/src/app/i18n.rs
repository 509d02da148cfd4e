//! The merchant flow's words in every shipped language, and the partner's
//! overrides of them.
//!
//! Every visible string of the merchant's steps has a message id
//! (`"load.drop_here"`); [`Texts`] turns an id into text: the partner's
//! override, else the locale's table, else English. Numbers go into
//! `{placeholders}`; counts pick a `.one` or `.other` id
//! ([`Texts::plural`]). The tables are in [`en`] and [`es`]; a new language
//! is a new table plus a [`Locale`] variant.
//!
//! Free of `web_sys`, so its tests run natively.

use std::collections::{BTreeMap, HashMap};
use std::sync::LazyLock;

pub mod en;
pub mod es;

/// A shipped language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Locale {
    /// English (the default and the fallback for every id).
    #[default]
    En,
    /// Spanish.
    Es,
}

/// Which form a count takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plural {
    /// Exactly one (`1 row`, `1 fila`).
    One,
    /// Any other count (`0 rows`, `2 filas`).
    Other,
}

impl Locale {
    /// Every shipped locale.
    pub const ALL: [Locale; 2] = [Locale::En, Locale::Es];

    /// The locale for a language tag such as `es`, `es-MX`, `ES_es` or
    /// `en-GB`: its language part, in any case. Anything else is English.
    pub fn parse(tag: &str) -> Locale {
        let language = tag.trim().split(['-', '_']).next().unwrap_or_default();
        Locale::ALL
            .into_iter()
            .find(|l| l.code().eq_ignore_ascii_case(language))
            .unwrap_or_default()
    }

    /// The BCP 47 language code, for `lang` attributes.
    pub fn code(self) -> &'static str {
        match self {
            Locale::En => "en",
            Locale::Es => "es",
        }
    }

    /// The locale's messages, `(id, text)`.
    pub fn table(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Locale::En => en::MESSAGES,
            Locale::Es => es::MESSAGES,
        }
    }

    /// The locale's text for `id`, if its table has one.
    pub fn lookup(self, id: &str) -> Option<&'static str> {
        static EN: LazyLock<HashMap<&str, &str>> = LazyLock::new(|| index(Locale::En));
        static ES: LazyLock<HashMap<&str, &str>> = LazyLock::new(|| index(Locale::Es));
        match self {
            Locale::En => EN.get(id).copied(),
            Locale::Es => ES.get(id).copied(),
        }
    }

    /// The form a count of `n` takes. English and Spanish both use the
    /// singular for exactly one and the plural for everything else (0
    /// included) when the number is written in digits.
    pub fn plural(self, n: u64) -> Plural {
        match (self, n) {
            (Locale::En | Locale::Es, 1) => Plural::One,
            (Locale::En | Locale::Es, _) => Plural::Other,
        }
    }

    /// `n` with the locale's digit grouping: `1,234,567` in English; in
    /// Spanish (as the RAE recommends) a non-breaking space between groups
    /// from five digits on (`1234`, `12 345`).
    pub fn count(self, n: u64) -> String {
        let digits = n.to_string();
        let separator = match self {
            Locale::En => ",",
            Locale::Es if digits.len() <= 4 => return digits,
            Locale::Es => "\u{a0}",
        };
        let mut out = String::with_capacity(digits.len() + digits.len() / 3 * 2);
        for (i, c) in digits.chars().enumerate() {
            if i > 0 && (digits.len() - i).is_multiple_of(3) {
                out.push_str(separator);
            }
            out.push(c);
        }
        out
    }
}

fn index(locale: Locale) -> HashMap<&'static str, &'static str> {
    locale.table().iter().copied().collect()
}

/// The merchant flow's words in one locale, with a partner's overrides.
///
/// ```
/// use listgate_frontend::app::i18n::{Locale, Texts};
/// let texts = Texts::new(Locale::parse("es-MX"))
///     .with_overrides([("start.title", "1. ¿Adónde va tu lista?")]);
/// assert_eq!(texts.get("start.title"), "1. ¿Adónde va tu lista?");
/// assert_eq!(texts.get("load.choose"), "Elegir un archivo");
/// assert_eq!(texts.plural("downloads.rows", 1, &[]), "(1 fila)");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Texts {
    locale: Locale,
    overrides: BTreeMap<String, String>,
}

impl Texts {
    /// The locale's words, without overrides.
    pub fn new(locale: Locale) -> Texts {
        Texts {
            locale,
            overrides: BTreeMap::new(),
        }
    }

    /// The words for a language tag (`es-ES`, `en`…; see [`Locale::parse`]).
    pub fn for_language(tag: &str) -> Texts {
        Texts::new(Locale::parse(tag))
    }

    /// These words with `overrides` (message id → text) replacing the
    /// locale's. An override keeps the message's `{placeholders}` to have
    /// them filled; unknown ids are kept but never shown.
    pub fn with_overrides<K, V>(mut self, overrides: impl IntoIterator<Item = (K, V)>) -> Texts
    where
        K: Into<String>,
        V: Into<String>,
    {
        for (id, text) in overrides {
            self.set_override(id, text);
        }
        self
    }

    /// Replaces the text of one message id.
    pub fn set_override(&mut self, id: impl Into<String>, text: impl Into<String>) {
        self.overrides.insert(id.into(), text.into());
    }

    /// The overrides in effect, by message id.
    pub fn overrides(&self) -> &BTreeMap<String, String> {
        &self.overrides
    }

    /// The locale.
    pub fn locale(&self) -> Locale {
        self.locale
    }

    /// The language code for `lang` attributes (`en`, `es`).
    pub fn lang(&self) -> &'static str {
        self.locale.code()
    }

    /// The text of `id`: the override, else the locale's, else English,
    /// else the id itself (a missing message shows up instead of vanishing).
    pub fn get<'a>(&'a self, id: &'a str) -> &'a str {
        self.overrides
            .get(id)
            .map(String::as_str)
            .or_else(|| self.locale.lookup(id))
            .or_else(|| Locale::En.lookup(id))
            .unwrap_or(id)
    }

    /// `source`, an English text from core or the server, in this locale:
    /// the override of `id`, else the locale's translation of `id` (English
    /// shows `source` itself, so it never drifts from its origin), else
    /// `source`.
    pub fn localize<'a>(&'a self, id: &str, source: &'a str) -> &'a str {
        if let Some(text) = self.overrides.get(id) {
            return text;
        }
        match self.locale {
            Locale::En => source,
            locale => locale.lookup(id).unwrap_or(source),
        }
    }

    /// The text of `id` with each `{name}` replaced by its value in `args`;
    /// a placeholder without a value stays as written.
    pub fn format(&self, id: &str, args: &[(&str, &str)]) -> String {
        fill(self.get(id), args)
    }

    /// The text of `id.one` or `id.other`, whichever `n` takes in this
    /// locale, with `{n}` as the grouped count and `args` filled in.
    pub fn plural(&self, id: &str, n: u64, args: &[(&str, &str)]) -> String {
        let form = match self.locale.plural(n) {
            Plural::One => "one",
            Plural::Other => "other",
        };
        let count = self.count(n);
        let mut all = Vec::with_capacity(args.len() + 1);
        all.push(("n", count.as_str()));
        all.extend_from_slice(args);
        fill(self.get(&format!("{id}.{form}")), &all)
    }

    /// `n` with the locale's digit grouping (see [`Locale::count`]).
    pub fn count(&self, n: u64) -> String {
        self.locale.count(n)
    }
}

/// `template` with each `{name}` replaced by its value in `args`, in one
/// pass (a value's own braces are never read as placeholders).
pub fn fill(template: &str, args: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let value = after.find('}').and_then(|close| {
            let name = &after[..close];
            args.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v, close))
        });
        match value {
            Some((value, close)) => {
                out.push_str(value);
                rest = &after[close + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `{placeholder}` names in `text`, sorted and without repeats.
pub fn placeholders(text: &str) -> Vec<&str> {
    let mut names: Vec<&str> = text
        .split('{')
        .skip(1)
        .filter_map(|part| part.split_once('}').map(|(name, _)| name))
        .filter(|name| {
            !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn ids(locale: Locale) -> BTreeSet<&'static str> {
        locale.table().iter().map(|(id, _)| *id).collect()
    }

    #[test]
    fn no_table_repeats_an_id() {
        for locale in Locale::ALL {
            let mut seen = BTreeSet::new();
            for (id, _) in locale.table() {
                assert!(seen.insert(*id), "{locale:?} has {id} twice");
            }
        }
    }

    #[test]
    fn every_locale_has_exactly_the_english_ids() {
        let english = ids(Locale::En);
        for locale in Locale::ALL {
            let theirs = ids(locale);
            let missing: Vec<_> = english.difference(&theirs).collect();
            let extra: Vec<_> = theirs.difference(&english).collect();
            assert!(missing.is_empty(), "{locale:?} lacks {missing:?}");
            assert!(
                extra.is_empty(),
                "{locale:?} has ids English lacks: {extra:?}"
            );
        }
    }

    #[test]
    fn translations_keep_the_placeholders() {
        for locale in Locale::ALL {
            for (id, text) in locale.table() {
                let english = Locale::En.lookup(id).expect("English has every id");
                assert_eq!(
                    placeholders(text),
                    placeholders(english),
                    "{locale:?} {id}: {text:?}"
                );
            }
        }
    }

    #[test]
    fn no_message_is_blank_or_untrimmed() {
        for locale in Locale::ALL {
            for (id, text) in locale.table() {
                assert!(!text.trim().is_empty(), "{locale:?} {id} is blank");
                assert_eq!(text.trim(), *text, "{locale:?} {id} has outer spaces");
            }
        }
    }

    #[test]
    fn counted_messages_have_both_forms() {
        for locale in Locale::ALL {
            for (id, _) in locale.table() {
                if let Some(base) = id.strip_suffix(".one") {
                    assert!(locale.lookup(&format!("{base}.other")).is_some(), "{id}");
                }
                if let Some(base) = id.strip_suffix(".other") {
                    assert!(locale.lookup(&format!("{base}.one")).is_some(), "{id}");
                }
            }
        }
    }

    #[test]
    fn locales_parse_by_language_in_any_case() {
        for tag in ["es", "ES", "es-ES", "es-MX", "es_419", " es-ar "] {
            assert_eq!(Locale::parse(tag), Locale::Es, "{tag}");
        }
        for tag in [
            "en", "en-US", "EN-gb", "fr", "fr-FR", "", "e", "esp", "spanish", "x-es",
        ] {
            assert_eq!(Locale::parse(tag), Locale::En, "{tag}");
        }
        assert_eq!(Texts::for_language("es-MX").lang(), "es");
        assert_eq!(Texts::default().lang(), "en");
    }

    #[test]
    fn an_unknown_locale_reads_english() {
        let texts = Texts::for_language("de-DE");
        assert_eq!(texts.locale(), Locale::En);
        assert_eq!(texts.get("check.cancel"), "Cancel");
    }

    #[test]
    fn texts_come_from_the_locale() {
        assert_eq!(Texts::new(Locale::En).get("check.cancel"), "Cancel");
        assert_eq!(Texts::new(Locale::Es).get("check.cancel"), "Cancelar");
    }

    #[test]
    fn overrides_win_and_keep_placeholders() {
        let texts = Texts::new(Locale::Es).with_overrides([
            ("check.cancel", "Detener"),
            ("results.cell_label", "{column} de la fila {row}"),
        ]);
        assert_eq!(texts.get("check.cancel"), "Detener");
        assert_eq!(
            texts.format("results.cell_label", &[("row", "8"), ("column", "Mobile")]),
            "Mobile de la fila 8"
        );
        // Other ids are untouched.
        assert_eq!(texts.get("load.choose"), "Elegir un archivo");
        let mut english = Texts::default();
        english.set_override("step.map", "Columns");
        assert_eq!(english.get("step.map"), "Columns");
        assert_eq!(english.overrides().len(), 1);
    }

    #[test]
    fn an_unknown_id_shows_itself() {
        assert_eq!(Texts::new(Locale::Es).get("no.such.id"), "no.such.id");
    }

    #[test]
    fn format_fills_placeholders_once() {
        let texts = Texts::default();
        assert_eq!(
            texts.format("results.cell_label", &[("row", "8"), ("column", "Mobile")]),
            "Row 8, Mobile"
        );
        assert_eq!(
            fill("{a} and {b}", &[("a", "{b}"), ("b", "2")]),
            "{b} and 2"
        );
        assert_eq!(fill("{missing} {", &[]), "{missing} {");
        assert_eq!(fill("no braces", &[("a", "1")]), "no braces");
        assert_eq!(fill("{a}{a}", &[("a", "x")]), "xx");
        assert_eq!(fill("ñ{a}é", &[("a", "ü")]), "ñüé");
    }

    #[test]
    fn counts_pick_their_form() {
        let en = Texts::default();
        let es = Texts::new(Locale::Es);
        assert_eq!(en.plural("downloads.rows", 1, &[]), "(1 row)");
        assert_eq!(en.plural("downloads.rows", 0, &[]), "(0 rows)");
        assert_eq!(en.plural("downloads.rows", 1234, &[]), "(1,234 rows)");
        assert_eq!(es.plural("downloads.rows", 1, &[]), "(1 fila)");
        assert_eq!(es.plural("downloads.rows", 2, &[]), "(2 filas)");
        assert_eq!(
            es.plural("downloads.rows", 12345, &[]),
            "(12\u{a0}345 filas)"
        );
        assert_eq!(
            en.plural("status.import_progress", 2, &[("imported", "2")]),
            "2 of 2 contacts imported"
        );
        assert_eq!(
            es.plural("status.import_progress", 1, &[("imported", "0")]),
            "0 de 1 contacto importado"
        );
    }

    #[test]
    fn numbers_are_grouped_per_locale() {
        assert_eq!(Locale::En.count(0), "0");
        assert_eq!(Locale::En.count(1000), "1,000");
        assert_eq!(Locale::En.count(1_234_567), "1,234,567");
        assert_eq!(Locale::Es.count(999), "999");
        assert_eq!(Locale::Es.count(1000), "1000");
        assert_eq!(Locale::Es.count(10_000), "10\u{a0}000");
        assert_eq!(Locale::Es.count(1_234_567), "1\u{a0}234\u{a0}567");
    }

    #[test]
    fn localize_prefers_overrides_then_translations_then_the_source() {
        let source = "All rows can be imported.";
        assert_eq!(
            Texts::default().localize("outcome.all_importable", source),
            source
        );
        assert_eq!(
            Texts::new(Locale::Es).localize("outcome.all_importable", source),
            "Todas las filas se pueden importar."
        );
        assert_eq!(
            Texts::new(Locale::Es).localize("no.such.id", "as sent"),
            "as sent"
        );
        let overridden = Texts::default().with_overrides([("outcome.all_importable", "Ready.")]);
        assert_eq!(
            overridden.localize("outcome.all_importable", source),
            "Ready."
        );
    }

    /// The English copies of core's words are core's words: the English
    /// page reads exactly as before, and the browser tests find them.
    #[test]
    fn english_copies_of_core_texts_match_core() {
        use listgate_core::{Code, Outcome, Profile, Segment, app_fix_for};
        let en = Texts::default();
        for segment in Segment::ALL {
            let s = segment.as_str();
            assert_eq!(en.get(&format!("segment.{s}.name")), segment.channel_name());
            assert_eq!(en.get(&format!("segment.{s}.meaning")), segment.meaning());
        }
        for (id, outcome) in [
            ("outcome.all_importable", Outcome::AllImportable),
            ("outcome.some_importable", Outcome::SomeImportable),
            ("outcome.none_importable", Outcome::NoneImportable),
        ] {
            assert_eq!(en.get(id), outcome.message());
        }
        // The server's words for the self-check and for what is missing.
        for question in listgate_api::SelfCheckQuestion::ALL {
            let id = crate::app::components::evidence::self_check_id(*question);
            assert_eq!(en.get(&id), question.question(), "{id}");
        }
        for reason in listgate_api::Reason::ALL {
            let id = format!("status.reason.{reason}");
            assert_eq!(en.get(&id), reason.what_is_missing(), "{id}");
        }
        for code in Code::ALL {
            assert_eq!(
                en.get(&format!("fix.{}", code.as_str())),
                app_fix_for(*code),
                "{code:?}"
            );
        }
        for (name, _) in crate::app::components::start::PROFILES {
            let profile = Profile::builtin(name).expect("a built-in profile");
            assert_eq!(
                en.get(&format!("profile.{name}.description")),
                profile.description
            );
            for field in &profile.fields {
                assert_eq!(
                    en.get(&format!("field.{name}.{}", field.name)),
                    field.description
                );
            }
            assert_eq!(
                en.get(&format!("start.profile.{name}")),
                crate::app::components::start::PROFILES
                    .iter()
                    .find(|(n, _)| *n == name)
                    .map(|(_, t)| *t)
                    .unwrap_or_default()
            );
        }
    }

    /// Ids made at run time (`format!("step.{}")`…) exist in English.
    #[test]
    fn every_computed_id_exists() {
        use crate::app::components::evidence::self_check_id;
        use crate::app::state::Step;
        use listgate_api::{BatchStatus, Reason, SelfCheckQuestion, SubmissionStatus, Verdict};
        let mut wanted: Vec<String> = Vec::new();
        wanted.extend(Step::ALL.iter().map(|s| s.message_id().to_owned()));
        wanted.extend(SelfCheckQuestion::ALL.iter().map(|q| self_check_id(*q)));
        wanted.extend(SubmissionStatus::ALL.iter().map(|s| format!("status.{s}")));
        wanted.extend(Verdict::ALL.iter().map(|v| format!("status.verdict.{v}")));
        wanted.extend(BatchStatus::ALL.iter().map(|b| format!("status.batch.{b}")));
        wanted.extend(Reason::ALL.iter().map(|r| format!("status.reason.{r}")));
        for file in ["clean", "errors", "report", "batches", "segment"] {
            wanted.push(format!("downloads.file.{file}"));
        }
        for status in ["fixed", "still_rejected", "importable", "rejected"] {
            wanted.push(format!("results.status.{status}"));
        }
        for severity in ["error", "warning"] {
            wanted.push(format!("results.severity.{severity}"));
        }
        for stat in ["rows", "importable", "rejected", "warnings", "duplicates"] {
            wanted.push(format!("results.stat.{stat}.one"));
            wanted.push(format!("results.stat.{stat}.other"));
        }
        for delimiter in ["comma", "semicolon", "tab", "pipe"] {
            wanted.push(format!("load.delimiter.{delimiter}"));
        }
        for id in &wanted {
            assert!(Locale::En.lookup(id).is_some(), "English lacks {id}");
        }
    }

    /// Every message id written as a literal in the merchant flow's code
    /// exists (directly, or as a counted message's `.one`/`.other`).
    #[test]
    fn every_id_in_the_code_exists() {
        const SOURCES: [(&str, &str); 11] = [
            ("mod.rs", include_str!("mod.rs")),
            ("state.rs", include_str!("state.rs")),
            ("form.rs", include_str!("components/form.rs")),
            ("start.rs", include_str!("components/start.rs")),
            ("load.rs", include_str!("components/load.rs")),
            ("map.rs", include_str!("components/map.rs")),
            ("check.rs", include_str!("components/check.rs")),
            ("results.rs", include_str!("components/results.rs")),
            ("downloads.rs", include_str!("components/downloads.rs")),
            ("evidence.rs", include_str!("components/evidence.rs")),
            ("status.rs", include_str!("components/status.rs")),
        ];
        let prefixes: BTreeSet<&str> = Locale::En
            .table()
            .iter()
            .filter_map(|(id, _)| id.split_once('.').map(|(p, _)| p))
            .collect();
        let mut found = 0;
        for (file, source) in SOURCES {
            for literal in source.split('"').skip(1).step_by(2) {
                let Some((prefix, rest)) = literal.split_once('.') else {
                    continue;
                };
                let is_id = prefixes.contains(prefix)
                    && !rest.is_empty()
                    && !rest.ends_with('.')
                    && rest
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || "_.-".contains(c));
                if !is_id || literal.ends_with(".rs") || literal.ends_with(".csv") {
                    continue;
                }
                found += 1;
                let exists = Locale::En.lookup(literal).is_some()
                    || (Locale::En.lookup(&format!("{literal}.one")).is_some()
                        && Locale::En.lookup(&format!("{literal}.other")).is_some());
                assert!(exists, "{file} uses {literal:?}, which English lacks");
            }
        }
        assert!(
            found > 100,
            "only {found} ids found: is the scan still right?"
        );
    }
}
