//! Sniffing: delimiter, title rows above the table, and whether the first
//! table row is a header.

use crate::mapping::suggest_from_headers;
use crate::normalize::date::{DateProblem, DateRules, parse_instant};
use crate::profile::Profile;
use crate::records::{Record, read_all};
use crate::text::squash;

/// Delimiters tried, in order of preference on a tie.
pub const DELIMITERS: [u8; 4] = [b',', b';', b'\t', b'|'];

/// Picks the delimiter that splits the sample into the most rows of one
/// consistent width greater than one; `,` when no candidate splits anything.
pub fn sniff_delimiter(sample: &str, complete: bool) -> u8 {
    let mut best = (0usize, 0usize, b',');
    for delimiter in DELIMITERS {
        let records = read_all(sample, delimiter, complete);
        let (width, count) = mode_width(&records);
        if width > 1 && (count, width) > (best.0, best.1) {
            best = (count, width, delimiter);
        }
    }
    best.2
}

/// The most common width among non-blank records, and how many have it.
fn mode_width(records: &[Record]) -> (usize, usize) {
    let mut counts: std::collections::BTreeMap<usize, usize> = Default::default();
    for r in records.iter().filter(|r| !r.is_blank()) {
        *counts.entry(r.len()).or_default() += 1;
    }
    counts
        .into_iter()
        .max_by_key(|&(width, count)| (count, width))
        .unwrap_or((0, 0))
}

/// Where the table starts in the sample.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableStart {
    /// Records (title, blank) skipped before the table.
    pub skipped: usize,
    /// Whether the first table record is a header.
    pub header: bool,
    /// The table's width.
    pub width: usize,
}

/// Finds the table in sample records.
///
/// `header` and `skip` override detection ("file includes column header",
/// "skip N rows").
pub fn find_table(
    records: &[Record],
    profile: &Profile,
    header: Option<bool>,
    skip: Option<usize>,
) -> TableStart {
    let (width, _) = mode_width(records);
    let filled = |r: &Record| r.cells().filter(|c| !c.trim().is_empty()).count();
    let skipped = skip.unwrap_or_else(|| {
        let needed = if width > 1 {
            width.div_ceil(2).max(2)
        } else {
            1
        };
        records
            .iter()
            .position(|r| filled(r) >= needed)
            .unwrap_or(0)
    });
    let header = header.unwrap_or_else(|| {
        records
            .get(skipped)
            .is_some_and(|r| looks_like_header(r, profile))
    });
    TableStart {
        skipped,
        header,
        width: width.max(records.get(skipped).map_or(0, Record::len)),
    }
}

/// A header holds no data-like cell (an email, a number of six digits or
/// more, a date) and either names a profile field or holds only distinct,
/// label-like text.
fn looks_like_header(record: &Record, profile: &Profile) -> bool {
    let cells: Vec<String> = record.cells().map(str::to_owned).collect();
    if cells.iter().any(|c| looks_like_data(c.trim())) {
        return false;
    }
    if suggest_from_headers(profile, &cells)
        .iter()
        .any(Option::is_some)
    {
        return true;
    }
    let labels: Vec<String> = cells.iter().map(|c| squash(c)).collect();
    let distinct = labels
        .iter()
        .enumerate()
        .all(|(i, l)| !labels[..i].contains(l));
    distinct
        && cells
            .iter()
            .all(|c| !c.trim().is_empty() && !c.chars().any(|ch| ch.is_ascii_digit()))
}

fn looks_like_data(cell: &str) -> bool {
    cell.contains('@')
        || cell.chars().filter(char::is_ascii_digit).count() >= 6
        || !matches!(
            parse_instant(cell, &DateRules::default()),
            Err(DateProblem::Unreadable)
        )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn delimiters_are_sniffed() {
        assert_eq!(sniff_delimiter("a;b;c\n1;2,5;3\n", true), b';');
        assert_eq!(sniff_delimiter("a\tb\n1\t2\n", true), b'\t');
        assert_eq!(sniff_delimiter("a|b|c\n1|2|3\n", true), b'|');
        assert_eq!(sniff_delimiter("name,\"x;y\"\n1,\"2;3\"\n", true), b',');
        assert_eq!(
            sniff_delimiter("+447911123456\n+447911123457\n", true),
            b','
        );
    }

    #[test]
    fn title_rows_and_header() {
        let p = Profile::builtin("whatsapp").expect("profile");
        let records = read_all(
            "Export of 2025-03-01\n\nphone,opt_in_at\n+447911123456,2025-01-01\n",
            b',',
            true,
        );
        let start = find_table(&records, &p, None, None);
        assert_eq!(
            start,
            TableStart {
                skipped: 2,
                header: true,
                width: 2
            }
        );
        let headerless = read_all(
            "+447911123456,2025-01-01\n+447911123457,2025-01-02\n",
            b',',
            true,
        );
        assert!(!find_table(&headerless, &p, None, None).header);
        assert!(find_table(&headerless, &p, Some(true), None).header);
    }
}
