//! Text helpers every layer uses: header squashing, spreadsheet column
//! letters, numbers and sizes written for people. Imports nothing.

/// Lower-case letters and digits only: `Opt-in Date` → `optindate`.
pub fn squash(text: &str) -> String {
    squashed(text).collect()
}

/// The characters of [`squash`]`(text)`, without building the string (the
/// per-row rules use this: no allocation per cell).
pub fn squashed(text: &str) -> impl Iterator<Item = char> + Clone + '_ {
    text.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
}

/// Whether [`squash`]`(text)` contains `needle`, without allocating.
pub fn squashed_contains(text: &str, needle: &str) -> bool {
    // Most cells are short ASCII: squash into a stack buffer and search bytes.
    const SHORT: usize = 256;
    if text.len() <= SHORT && text.is_ascii() {
        let mut squashed = [0u8; SHORT];
        let mut len = 0;
        for byte in text.bytes().filter(u8::is_ascii_alphanumeric) {
            squashed[len] = byte.to_ascii_lowercase();
            len += 1;
        }
        let needle = needle.as_bytes();
        return needle.is_empty() || squashed[..len].windows(needle.len()).any(|w| w == needle);
    }
    let wanted = needle.chars().count();
    let mut rest = squashed(text);
    loop {
        if rest.clone().take(wanted).eq(needle.chars()) {
            return true;
        }
        if rest.next().is_none() {
            return false;
        }
    }
}

/// The spreadsheet letter of a 0-based column: 0 → `A`, 27 → `AB`.
pub fn column_letter(index: usize) -> String {
    let mut n = index + 1;
    let mut letters = Vec::new();
    while n > 0 {
        let rem = (n - 1) % 26;
        letters.push(char::from(b'A' + rem as u8));
        n = (n - 1) / 26;
    }
    letters.iter().rev().collect()
}

/// `1234567` → `1,234,567`.
pub fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

/// A size as merchants read it: `5 MB`, `900 bytes`.
pub fn human_bytes(bytes: u64) -> String {
    if bytes >= 1024 * 1024 {
        format!("{:.0} MB", bytes as f64 / (1024.0 * 1024.0))
    } else {
        format!("{bytes} bytes")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        /// The allocation-free check agrees with building the squashed text.
        #[test]
        fn squashed_contains_agrees_with_squash(
            text in "[ a-zA-Z0-9,.!İKÅß-]{0,40}",
            needle in "[a-z0-9İß]{0,6}",
        ) {
            prop_assert_eq!(squashed_contains(&text, &needle), squash(&text).contains(&needle));
        }
    }

    #[test]
    fn letters_numbers_and_sizes() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1_234_567), "1,234,567");
        assert_eq!(human_bytes(900), "900 bytes");
        assert_eq!(human_bytes(5 * 1024 * 1024), "5 MB");
        assert_eq!(squash("Opt-in Date"), "optindate");
    }
}
