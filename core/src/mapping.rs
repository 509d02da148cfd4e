//! Column mapping: which source column feeds which target field.
//!
//! Suggestions come from header names (synonyms; case, spaces and
//! punctuation ignored) or, without a header row, from the values. A
//! [`Mapping`] names columns by header text so it can be saved and reused on
//! the next export of the same list.

use crate::profile::{FieldKind, Profile};
use crate::text::{column_letter, squash};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A saved mapping: target field → source column header (or column letter).
/// An empty header explicitly leaves the field unmapped.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Mapping(pub BTreeMap<String, String>);

impl Mapping {
    /// Parses `field=Header` pairs as given on the command line.
    pub fn from_pairs<S: AsRef<str>>(pairs: &[S]) -> Result<Mapping, String> {
        let mut map = BTreeMap::new();
        for pair in pairs {
            let pair = pair.as_ref();
            let (field, header) = pair.split_once('=').ok_or_else(|| {
                format!("`{pair}` is not FIELD=Header (for example phone=Mobile)")
            })?;
            map.insert(field.trim().to_owned(), header.trim().to_owned());
        }
        Ok(Mapping(map))
    }
}

/// Suggests a column for each field from the header names.
///
/// Exact matches (field name or synonym) win over partial ones ("Customer
/// mobile number" contains "mobile number"); each column feeds one field.
pub fn suggest_from_headers(profile: &Profile, headers: &[String]) -> Vec<Option<usize>> {
    let squashed: Vec<String> = headers.iter().map(|h| squash(h)).collect();
    let mut chosen: Vec<Option<usize>> = vec![None; profile.fields.len()];
    let mut taken = vec![false; headers.len()];
    if profile.exact_headers {
        for (f, field) in profile.fields.iter().enumerate() {
            chosen[f] = headers.iter().position(|h| h.trim() == field.name);
        }
        return chosen;
    }
    let names = |f: usize| {
        let field = &profile.fields[f];
        std::iter::once(squash(&field.name))
            .chain(field.synonyms.iter().map(|s| squash(s)))
            .collect::<Vec<_>>()
    };
    for (f, _) in profile.fields.iter().enumerate() {
        let candidates = names(f);
        if let Some(c) =
            (0..headers.len()).find(|&c| !taken[c] && candidates.contains(&squashed[c]))
        {
            chosen[f] = Some(c);
            taken[c] = true;
        }
    }
    // Partial matches: the longest synonym contained in a header wins.
    let mut partial: Vec<(usize, usize, usize)> = Vec::new();
    for (f, _) in profile
        .fields
        .iter()
        .enumerate()
        .filter(|(f, _)| chosen[*f].is_none())
    {
        for name in names(f).into_iter().filter(|n| n.len() >= 5) {
            for (c, header) in squashed.iter().enumerate() {
                if !taken[c] && header.contains(&name) {
                    partial.push((name.len(), f, c));
                }
            }
        }
    }
    partial.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
    for (_, f, c) in partial {
        if chosen[f].is_none() && !taken[c] {
            chosen[f] = Some(c);
            taken[c] = true;
        }
    }
    chosen
}

/// Suggests columns from values, for files without a header row: a column
/// whose values mostly look like phone numbers, emails or dates.
pub fn suggest_from_values(profile: &Profile, columns: &[Vec<&str>]) -> Vec<Option<usize>> {
    let share = |c: usize, test: &dyn Fn(&str) -> bool| {
        let values: Vec<&&str> = columns[c].iter().filter(|v| !v.trim().is_empty()).collect();
        if values.is_empty() {
            0.0
        } else {
            values.iter().filter(|v| test(v.trim())).count() as f64 / values.len() as f64
        }
    };
    let is_email = |v: &str| crate::normalize::email::normalize_email(v).is_ok();
    let is_phone = |v: &str| {
        let digits = v.chars().filter(char::is_ascii_digit).count();
        (7..=15).contains(&digits)
            && v.chars()
                .all(|c| c.is_ascii_digit() || " +-.()/".contains(c))
    };
    let is_date = |v: &str| {
        use crate::normalize::date::{DateProblem, DateRules, parse_instant};
        // Ambiguous day/month values are dates too.
        !matches!(
            parse_instant(v, &DateRules::default()),
            Err(DateProblem::Unreadable)
        )
    };
    let mut taken = vec![false; columns.len()];
    profile
        .fields
        .iter()
        .map(|field| {
            let test: &dyn Fn(&str) -> bool = match field.kind {
                FieldKind::Phone => &is_phone,
                FieldKind::Email => &is_email,
                FieldKind::Timestamp if field.required => &is_date,
                _ => return None,
            };
            let column = (0..columns.len()).find(|&c| !taken[c] && share(c, test) >= 0.6)?;
            taken[column] = true;
            Some(column)
        })
        .collect()
}

/// Finds the column a saved mapping or `--map` names: exact header, then the
/// header ignoring case and punctuation, then a column letter or number.
pub fn find_column(headers: &[String], wanted: &str) -> Option<usize> {
    headers
        .iter()
        .position(|h| h == wanted)
        .or_else(|| {
            headers
                .iter()
                .position(|h| squash(h) == squash(wanted) && !squash(wanted).is_empty())
        })
        .or_else(|| {
            (0..headers.len()).find(|&c| column_letter(c).eq_ignore_ascii_case(wanted.trim()))
        })
        .or_else(|| {
            wanted
                .trim()
                .parse::<usize>()
                .ok()
                .filter(|n| (1..=headers.len()).contains(n))
                .map(|n| n - 1)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn synonyms_match_ignoring_case_and_punctuation() {
        let p = Profile::builtin("whatsapp").expect("profile");
        let h = headers(&["Mobile", "Opt-in Date", "Source", "Consent Text", "E-Mail"]);
        let s = suggest_from_headers(&p, &h);
        let of = |name: &str| s[p.fields.iter().position(|f| f.name == name).expect("field")];
        assert_eq!(of("phone"), Some(0));
        assert_eq!(of("opt_in_at"), Some(1));
        assert_eq!(of("opt_in_source"), Some(2));
        assert_eq!(of("opt_in_text"), Some(3));
        assert_eq!(of("email"), Some(4));
    }

    #[test]
    fn partial_matches_and_letters() {
        let p = Profile::builtin("whatsapp").expect("profile");
        let s = suggest_from_headers(&p, &headers(&["Customer WhatsApp Number", "x"]));
        assert_eq!(s[0], Some(0));
        assert_eq!(find_column(&headers(&["Name", "Mobile"]), "b"), Some(1));
        assert_eq!(
            find_column(&headers(&["Name", "Mobile"]), "mobile"),
            Some(1)
        );
        assert_eq!(find_column(&headers(&["Name", "Mobile"]), "2"), Some(1));
    }

    #[test]
    fn exact_mode_needs_verbatim_headers() {
        let p = Profile::builtin("mongoose").expect("profile");
        let s = suggest_from_headers(&p, &headers(&["contactid", "ContactId"]));
        assert_eq!(s[1], Some(1));
    }
}
