//! Byte → text decoding with encoding detection.
//!
//! Detection looks at a byte-order mark first, then at the first
//! [`DETECTION_WINDOW`] bytes: NUL bytes at every other position mean UTF-16
//! without a mark, valid UTF-8 means UTF-8, anything else is read as
//! Windows-1252 (what Excel on Windows writes for "CSV").

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How many bytes are looked at before the encoding is decided.
pub const DETECTION_WINDOW: usize = 64 * 1024;

/// A text encoding listgate can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Encoding {
    /// UTF-8 without a byte-order mark.
    #[serde(rename = "UTF-8")]
    Utf8,
    /// UTF-8 with a byte-order mark (Excel's "CSV UTF-8").
    #[serde(rename = "UTF-8 with BOM")]
    Utf8Bom,
    /// UTF-16 little-endian (Excel's "Unicode text").
    #[serde(rename = "UTF-16LE")]
    Utf16Le,
    /// UTF-16 big-endian.
    #[serde(rename = "UTF-16BE")]
    Utf16Be,
    /// Windows-1252 (Western European), the fallback for non-UTF-8 bytes.
    #[serde(rename = "Windows-1252")]
    Windows1252,
}

impl Encoding {
    /// The name shown to merchants and written to reports.
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "UTF-8",
            Encoding::Utf8Bom => "UTF-8 with BOM",
            Encoding::Utf16Le => "UTF-16LE",
            Encoding::Utf16Be => "UTF-16BE",
            Encoding::Windows1252 => "Windows-1252",
        }
    }

    fn decoder(self) -> encoding_rs::Decoder {
        match self {
            Encoding::Utf8 | Encoding::Utf8Bom => encoding_rs::UTF_8.new_decoder_with_bom_removal(),
            Encoding::Utf16Le => encoding_rs::UTF_16LE.new_decoder_with_bom_removal(),
            Encoding::Utf16Be => encoding_rs::UTF_16BE.new_decoder_with_bom_removal(),
            Encoding::Windows1252 => encoding_rs::WINDOWS_1252.new_decoder_without_bom_handling(),
        }
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Encoding {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key: String = s.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
        match key.to_ascii_lowercase().as_str() {
            "utf8" => Ok(Encoding::Utf8),
            "utf8bom" | "utf8withbom" => Ok(Encoding::Utf8Bom),
            "utf16le" | "utf16" | "unicode" => Ok(Encoding::Utf16Le),
            "utf16be" => Ok(Encoding::Utf16Be),
            "windows1252" | "cp1252" | "latin1" | "iso88591" => Ok(Encoding::Windows1252),
            _ => Err(format!(
                "unknown encoding `{s}`: use utf-8, utf-16le, utf-16be or windows-1252"
            )),
        }
    }
}

/// Decides the encoding from a byte-order mark or from a window of bytes.
///
/// `complete` says whether `window` is the whole input, so that a multi-byte
/// character cut at the window's end is not taken for invalid UTF-8.
pub fn detect(window: &[u8], complete: bool) -> Encoding {
    if window.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Encoding::Utf8Bom;
    }
    if window.starts_with(&[0xFF, 0xFE]) {
        return Encoding::Utf16Le;
    }
    if window.starts_with(&[0xFE, 0xFF]) {
        return Encoding::Utf16Be;
    }
    if let Some(utf16) = detect_utf16_without_bom(window) {
        return utf16;
    }
    match std::str::from_utf8(window) {
        Ok(_) => Encoding::Utf8,
        // error_len() == None: the window ends inside a character.
        Err(e) if e.error_len().is_none() && !complete => Encoding::Utf8,
        Err(_) => Encoding::Windows1252,
    }
}

/// Mostly-ASCII UTF-16 text has a NUL in every other byte.
fn detect_utf16_without_bom(window: &[u8]) -> Option<Encoding> {
    let pairs = window.len() / 2;
    if pairs < 2 {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in window.chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    if odd * 10 >= pairs * 7 && even * 10 < pairs {
        Some(Encoding::Utf16Le)
    } else if even * 10 >= pairs * 7 && odd * 10 < pairs {
        Some(Encoding::Utf16Be)
    } else {
        None
    }
}

/// A streaming decoder: feed bytes, receive UTF-8 text.
pub struct Decoder {
    forced: Option<Encoding>,
    pending: Vec<u8>,
    active: Option<(Encoding, encoding_rs::Decoder)>,
    replaced: bool,
}

impl fmt::Debug for Decoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decoder")
            .field("encoding", &self.encoding())
            .field("replaced", &self.replaced)
            .finish()
    }
}

impl Decoder {
    /// A decoder that detects the encoding, or uses `forced` when given.
    pub fn new(forced: Option<Encoding>) -> Self {
        Decoder {
            forced,
            pending: Vec::new(),
            active: None,
            replaced: false,
        }
    }

    /// The encoding in use, once decided.
    pub fn encoding(&self) -> Option<Encoding> {
        self.active.as_ref().map(|(e, _)| *e)
    }

    /// Whether any byte sequence was invalid and replaced by U+FFFD.
    pub fn replaced_invalid_bytes(&self) -> bool {
        self.replaced
    }

    /// Decodes `bytes`, appending text to `out`.
    pub fn feed(&mut self, bytes: &[u8], out: &mut String) {
        if self.active.is_none() {
            self.pending.extend_from_slice(bytes);
            if self.pending.len() < DETECTION_WINDOW {
                return;
            }
            self.start(false);
            let pending = std::mem::take(&mut self.pending);
            self.decode(&pending, false, out);
            return;
        }
        self.decode(bytes, false, out);
    }

    /// Decides the encoding from the bytes seen so far, without ending the
    /// input, and decodes them to `out` (a preview of a file's start).
    pub fn decide(&mut self, out: &mut String) {
        if self.active.is_none() {
            self.start(false);
            let pending = std::mem::take(&mut self.pending);
            self.decode(&pending, false, out);
        }
    }

    /// Ends the input, flushing any partial character to `out`.
    pub fn finish(&mut self, out: &mut String) {
        if self.active.is_none() {
            self.start(true);
        }
        let pending = std::mem::take(&mut self.pending);
        self.decode(&pending, true, out);
    }

    fn start(&mut self, complete: bool) {
        let encoding = self
            .forced
            .unwrap_or_else(|| detect(&self.pending, complete));
        self.active = Some((encoding, encoding.decoder()));
    }

    fn decode(&mut self, mut bytes: &[u8], last: bool, out: &mut String) {
        let Some((_, decoder)) = self.active.as_mut() else {
            return;
        };
        loop {
            let room = decoder
                .max_utf8_buffer_length(bytes.len())
                .unwrap_or(bytes.len() * 3 + 16);
            out.reserve(room);
            let (result, read, replaced) = decoder.decode_to_string(bytes, out, last);
            self.replaced |= replaced;
            bytes = &bytes[read..];
            if result == encoding_rs::CoderResult::InputEmpty {
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(bytes: &[u8], chunk: usize) -> (Encoding, String) {
        let mut d = Decoder::new(None);
        let mut out = String::new();
        for piece in bytes.chunks(chunk.max(1)) {
            d.feed(piece, &mut out);
        }
        d.finish(&mut out);
        (d.encoding().expect("decided"), out)
    }

    #[test]
    fn detects_boms_and_strips_them() {
        assert_eq!(
            decode_all(b"\xEF\xBB\xBFa,b", 1),
            (Encoding::Utf8Bom, "a,b".into())
        );
        assert_eq!(
            decode_all(b"\xFF\xFEa\0,\0b\0", 3),
            (Encoding::Utf16Le, "a,b".into())
        );
        assert_eq!(
            decode_all(b"\xFE\xFF\0a\0,\0b", 2),
            (Encoding::Utf16Be, "a,b".into())
        );
    }

    #[test]
    fn utf8_split_across_chunks_survives() {
        let text = "Zoë,Ångström,日本";
        assert_eq!(
            decode_all(text.as_bytes(), 1),
            (Encoding::Utf8, text.into())
        );
    }

    #[test]
    fn windows_1252_fallback_keeps_accents() {
        let (enc, text) = decode_all(b"Jos\xE9;M\xFCller;\x80", 4);
        assert_eq!(enc, Encoding::Windows1252);
        assert_eq!(text, "José;Müller;€");
    }

    #[test]
    fn utf16_without_bom_is_detected() {
        let bytes: Vec<u8> = "name,phone\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert_eq!(decode_all(&bytes, 5).0, Encoding::Utf16Le);
    }

    #[test]
    fn truncated_utf16_reports_replacement() {
        let mut d = Decoder::new(None);
        let mut out = String::new();
        d.feed(b"\xFF\xFEa\0b", &mut out);
        d.finish(&mut out);
        assert_eq!(out, "a\u{FFFD}");
        assert!(d.replaced_invalid_bytes());
    }
}
