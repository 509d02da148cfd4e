//! Spreadsheet safety: a cell that starts with `=`, `+`, `-`, `@`, tab or
//! carriage return is a formula to Excel, so written files prefix it with
//! `'` and read files strip that prefix again. Imports nothing.

use std::borrow::Cow;

/// First characters that make a spreadsheet treat a cell as a formula.
pub const FORMULA_TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// Neutralizes formula-like cells; plain numbers pass unchanged.
pub fn excel_safe(cell: &str) -> Cow<'_, str> {
    if !cell.starts_with(FORMULA_TRIGGERS) || is_plain_number(cell) {
        return Cow::Borrowed(cell);
    }
    Cow::Owned(format!("'{cell}"))
}

fn is_plain_number(cell: &str) -> bool {
    let body = cell.strip_prefix(['+', '-']).unwrap_or(cell);
    // Digits with the separators phone formats use: never a formula that can call anything.
    body.starts_with(|c: char| c.is_ascii_digit())
        && body
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '.' | '-' | '(' | ')'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_neutralized_but_numbers_are_not() {
        assert_eq!(excel_safe("=HYPERLINK(\"x\")"), "'=HYPERLINK(\"x\")");
        assert_eq!(excel_safe("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(
            excel_safe("-2+3+cmd|' /C calc'!A0"),
            "'-2+3+cmd|' /C calc'!A0"
        );
        assert_eq!(excel_safe("+447911123456"), "+447911123456");
        assert_eq!(excel_safe("+44 7911 123456"), "+44 7911 123456");
        assert_eq!(excel_safe("-12.5"), "-12.5");
        assert_eq!(excel_safe("+1 201-555-0123"), "+1 201-555-0123");
        assert_eq!(excel_safe("+1-1+cmd"), "'+1-1+cmd");
        assert_eq!(excel_safe("Ana"), "Ana");
    }
}
