//! Turning cells into canonical values.

pub mod date;
pub mod email;
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
