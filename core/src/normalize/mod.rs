//! Turning cells into canonical values.

pub mod date;
pub mod phone;

/// Trims a cell and undoes listgate's own spreadsheet-safety prefix, so an
/// error file written by listgate can be re-imported unchanged.
pub fn clean_cell(raw: &str) -> &str {
    let trimmed = raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{FEFF}');
    match trimmed.strip_prefix('\'') {
        Some(rest) if rest.starts_with(crate::excel::FORMULA_TRIGGERS) => rest,
        _ => trimmed,
    }
}

/// Reads `true/false/yes/no` (any case), and `y/n/1/0` unless `strict`.
pub fn parse_bool(cell: &str, strict: bool) -> Option<bool> {
    match cell.to_ascii_lowercase().as_str() {
        "true" | "yes" => Some(true),
        "false" | "no" => Some(false),
        "y" | "1" if !strict => Some(true),
        "n" | "0" if !strict => Some(false),
        _ => None,
    }
}

/// Checks an address's shape and returns it with the domain lower-cased, or
/// says what is wrong.
pub fn normalize_email(cell: &str) -> Result<String, &'static str> {
    if cell.chars().any(char::is_whitespace) {
        return Err("contains a space");
    }
    let (local, domain) = cell.rsplit_once('@').ok_or("has no @")?;
    if local.is_empty() || local.contains('@') {
        return Err("needs exactly one @ with a name before it");
    }
    if local.len() > 64 || local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err("the part before @ is malformed");
    }
    let labels: Vec<&str> = domain.split('.').collect();
    let valid_label = |l: &&str| {
        !l.is_empty()
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.chars().all(|c| c.is_alphanumeric() || c == '-')
    };
    if labels.len() < 2 || !labels.iter().all(valid_label) {
        return Err("the domain after @ is malformed");
    }
    let tld = labels[labels.len() - 1];
    if tld.chars().count() < 2 || tld.chars().all(|c| c.is_ascii_digit()) {
        return Err("the domain has no valid ending such as .com");
    }
    Ok(format!("{local}@{}", domain.to_lowercase()))
}

/// Splits a trailing house number off a street (`Hauptstraße 12a` →
/// (`Hauptstraße`, `12a`)), or a leading one (`12 High Street`).
pub fn split_house_number(street: &str) -> Option<(&str, &str)> {
    let looks_like_number = |s: &str| {
        s.starts_with(|c: char| c.is_ascii_digit())
            && s.len() <= 8
            && s.chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '/')
    };
    if let Some((name, number)) = street.rsplit_once(' ')
        && looks_like_number(number)
        && !name.trim().is_empty()
    {
        return Some((name.trim_end_matches([' ', ',']), number));
    }
    let (number, name) = street.split_once(' ')?;
    let number = number.trim_end_matches(',');
    (looks_like_number(number) && !name.trim().is_empty()).then_some((name.trim(), number))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn booleans() {
        for (cell, value) in [("Yes", true), ("n", false), ("TRUE", true), ("0", false)] {
            assert_eq!(parse_bool(cell, false), Some(value));
        }
        assert_eq!(parse_bool("maybe", false), None);
        assert_eq!(parse_bool("No", true), Some(false));
        assert_eq!(parse_bool("TRUE", true), Some(true));
        assert_eq!(parse_bool("1", true), None);
        assert_eq!(parse_bool("y", true), None);
    }

    #[test]
    fn emails() {
        assert_eq!(
            normalize_email("Ana@Example.COM"),
            Ok("Ana@example.com".into())
        );
        for bad in [
            "ana",
            "ana@",
            "@x.com",
            "ana@x",
            "a b@x.com",
            "ana@@x.com",
            "ana@x..com",
            "ana@x.1",
        ] {
            assert!(normalize_email(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn house_numbers() {
        assert_eq!(
            split_house_number("Hauptstraße 12a"),
            Some(("Hauptstraße", "12a"))
        );
        assert_eq!(
            split_house_number("12 High Street"),
            Some(("High Street", "12"))
        );
        assert_eq!(split_house_number("Long Lane"), None);
    }

    #[test]
    fn own_safety_prefix_is_undone() {
        assert_eq!(clean_cell(" '=SUM(A1) "), "=SUM(A1)");
        assert_eq!(clean_cell("'quoted"), "'quoted");
    }
}
