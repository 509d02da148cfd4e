//! Byte → text decoding with encoding detection.
//!
//! Detection looks at a byte-order mark first, then at the first
//! [`DETECTION_WINDOW`] bytes: NUL bytes at every other position mean UTF-16
//! without a mark, valid UTF-8 means UTF-8, anything else is a legacy
//! encoding guessed by Firefox's detector (`chardetng`): Windows-1252 for
//! Western European text, Windows-1251 for Cyrillic, Shift_JIS for
//! Japanese, and so on. Any encoding of the WHATWG Encoding Standard can be
//! declared instead.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// How many bytes are looked at before the encoding is decided.
pub const DETECTION_WINDOW: usize = 64 * 1024;

/// A text encoding listgate can read: any encoding of the WHATWG Encoding
/// Standard (as implemented by `encoding_rs`). It reads and writes as its
/// WHATWG name (`UTF-8`, `UTF-16LE`, `windows-1251`, `Shift_JIS`) and is
/// parsed from any of its labels (`utf8`, `latin1`, `cp1251`, `sjis`…).
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Encoding(&'static encoding_rs::Encoding);

impl Encoding {
    /// UTF-8, with or without a byte-order mark.
    pub const UTF_8: Encoding = Encoding(encoding_rs::UTF_8);
    /// UTF-16 little-endian (Excel's "Unicode text").
    pub const UTF_16LE: Encoding = Encoding(encoding_rs::UTF_16LE);
    /// UTF-16 big-endian.
    pub const UTF_16BE: Encoding = Encoding(encoding_rs::UTF_16BE);
    /// Windows-1252 (Western European), what Excel on Windows writes for "CSV".
    pub const WINDOWS_1252: Encoding = Encoding(encoding_rs::WINDOWS_1252);

    /// The encoding a WHATWG label names (`utf-8`, `latin1`, `cp1251`,
    /// `shift_jis`…; case and surrounding spaces do not matter). Labels of
    /// the WHATWG "replacement" encoding are refused: they name encodings
    /// nobody can decode (ISO-2022-KR, HZ).
    pub fn for_label(label: &str) -> Result<Encoding, UnknownEncoding> {
        encoding_rs::Encoding::for_label_no_replacement(label.as_bytes())
            .map(Encoding)
            .ok_or_else(|| UnknownEncoding(label.to_owned()))
    }

    /// The WHATWG name, shown to merchants and written to reports.
    pub fn name(self) -> &'static str {
        self.0.name()
    }

    /// Whether the quote, the delimiter and the line ends are always single
    /// ASCII bytes, so that the file can be cut into byte ranges at record
    /// boundaries (see [`crate::split`]): UTF-8 and the one-byte encodings.
    pub fn cuts_at_bytes(self) -> bool {
        self.0 == encoding_rs::UTF_8 || self.0.is_single_byte()
    }

    fn decoder(self) -> encoding_rs::Decoder {
        // Removes this encoding's own byte-order mark only (UTF-8, UTF-16).
        self.0.new_decoder_with_bom_removal()
    }
}

impl From<&'static encoding_rs::Encoding> for Encoding {
    fn from(encoding: &'static encoding_rs::Encoding) -> Self {
        Encoding(encoding)
    }
}

impl fmt::Debug for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Encoding({})", self.name())
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Encoding {
    type Err = UnknownEncoding;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Encoding::for_label(s)
    }
}

impl Serialize for Encoding {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Encoding {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let label = String::deserialize(d)?;
        label.parse().map_err(serde::de::Error::custom)
    }
}

/// A label that names no encoding listgate can read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown encoding `{0}`: use a WHATWG encoding label such as utf-8, utf-16le, windows-1252, windows-1251 or shift_jis"
)]
pub struct UnknownEncoding(pub String);

/// How the encoding in use was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EncodingSource {
    /// Declared by the merchant (`--encoding`, the app's choice, the options).
    Declared,
    /// The file starts with that encoding's byte-order mark.
    ByteOrderMark,
    /// Guessed from the file's first bytes.
    Detected,
}

impl EncodingSource {
    /// The words shown to merchants: `declared`, `byte-order mark`, `detected`.
    pub fn as_str(self) -> &'static str {
        match self {
            EncodingSource::Declared => "declared",
            EncodingSource::ByteOrderMark => "byte-order mark",
            EncodingSource::Detected => "detected",
        }
    }
}

impl fmt::Display for EncodingSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Decides the encoding from a byte-order mark or from a window of bytes.
///
/// `complete` says whether `window` is the whole input, so that a multi-byte
/// character cut at the window's end is not taken for invalid UTF-8.
pub fn detect(window: &[u8], complete: bool) -> (Encoding, EncodingSource) {
    if let Some((encoding, _)) = encoding_rs::Encoding::for_bom(window) {
        return (Encoding(encoding), EncodingSource::ByteOrderMark);
    }
    let encoding = detect_utf16_without_bom(window).unwrap_or_else(|| {
        match std::str::from_utf8(window) {
            Ok(_) => Encoding::UTF_8,
            // error_len() == None: the window ends inside a character.
            Err(e) if e.error_len().is_none() && !complete => Encoding::UTF_8,
            Err(_) => guess_legacy(window, complete),
        }
    });
    (encoding, EncodingSource::Detected)
}

/// The legacy encoding bytes that are not UTF-8 are most likely in. Without
/// a top-level domain to go by, chardetng falls back to Windows-1252 when
/// nothing else fits better. ISO-2022-JP is never guessed: it is plain ASCII
/// with escapes, and an export is not written in it.
fn guess_legacy(window: &[u8], complete: bool) -> Encoding {
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(window, complete);
    Encoding(detector.guess(None, chardetng::Utf8Detection::Deny))
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
        Some(Encoding::UTF_16LE)
    } else if even * 10 >= pairs * 7 && odd * 10 < pairs {
        Some(Encoding::UTF_16BE)
    } else {
        None
    }
}

/// A streaming decoder: feed bytes, receive UTF-8 text.
pub struct Decoder {
    forced: Option<Encoding>,
    pending: Vec<u8>,
    active: Option<(Encoding, EncodingSource, encoding_rs::Decoder)>,
    replaced: bool,
}

impl fmt::Debug for Decoder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Decoder")
            .field("encoding", &self.encoding())
            .field("source", &self.encoding_source())
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

    /// A decoder for a byte range that starts inside the file in
    /// `encoding` (a byte-order mark there would be text, not a mark).
    pub fn resuming(encoding: Encoding) -> Self {
        Decoder {
            forced: Some(encoding),
            pending: Vec::new(),
            active: Some((
                encoding,
                EncodingSource::Declared,
                encoding.0.new_decoder_without_bom_handling(),
            )),
            replaced: false,
        }
    }

    /// The encoding in use, once decided.
    pub fn encoding(&self) -> Option<Encoding> {
        self.active.as_ref().map(|(e, _, _)| *e)
    }

    /// How the encoding in use was chosen, once decided.
    pub fn encoding_source(&self) -> Option<EncodingSource> {
        self.active.as_ref().map(|(_, s, _)| *s)
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
        // The first window only, however the file was sliced: the same
        // file is read the same way by every front door and every worker.
        let window = &self.pending[..self.pending.len().min(DETECTION_WINDOW)];
        let complete = complete && window.len() == self.pending.len();
        let (encoding, source) = match self.forced {
            Some(forced) => (forced, EncodingSource::Declared),
            None => detect(window, complete),
        };
        self.active = Some((encoding, source, encoding.decoder()));
    }

    fn decode(&mut self, mut bytes: &[u8], last: bool, out: &mut String) {
        let Some((_, _, decoder)) = self.active.as_mut() else {
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

    fn decode_all(bytes: &[u8], chunk: usize) -> (Encoding, EncodingSource, String) {
        let mut d = Decoder::new(None);
        let mut out = String::new();
        for piece in bytes.chunks(chunk.max(1)) {
            d.feed(piece, &mut out);
        }
        d.finish(&mut out);
        let source = d.encoding_source().expect("decided");
        (d.encoding().expect("decided"), source, out)
    }

    #[test]
    fn detects_boms_and_strips_them() {
        let bom = EncodingSource::ByteOrderMark;
        assert_eq!(
            decode_all(b"\xEF\xBB\xBFa,b", 1),
            (Encoding::UTF_8, bom, "a,b".into())
        );
        assert_eq!(
            decode_all(b"\xFF\xFEa\0,\0b\0", 3),
            (Encoding::UTF_16LE, bom, "a,b".into())
        );
        assert_eq!(
            decode_all(b"\xFE\xFF\0a\0,\0b", 2),
            (Encoding::UTF_16BE, bom, "a,b".into())
        );
    }

    #[test]
    fn utf8_split_across_chunks_survives() {
        let text = "Zoë,Ångström,日本";
        assert_eq!(
            decode_all(text.as_bytes(), 1),
            (Encoding::UTF_8, EncodingSource::Detected, text.into())
        );
    }

    #[test]
    fn western_bytes_read_as_windows_1252() {
        let (enc, _, text) = decode_all(b"Jos\xE9;M\xFCller;\x80", 4);
        assert_eq!(enc, Encoding::WINDOWS_1252);
        assert_eq!(text, "José;Müller;€");
    }

    #[test]
    fn legacy_encodings_are_guessed() {
        let cases = [
            (
                encoding_rs::WINDOWS_1251,
                "Имя;Фамилия;Телефон\nАлексей;Смирнов;+79161234567\n",
            ),
            (
                encoding_rs::SHIFT_JIS,
                "名前,電話番号\n山田太郎,+819012345678\n",
            ),
        ];
        for (encoding, text) in cases {
            let (bytes, _, _) = encoding.encode(text);
            let (enc, source, decoded) = decode_all(&bytes, 3);
            assert_eq!((enc, source), (encoding.into(), EncodingSource::Detected));
            assert_eq!(decoded, text);
        }
    }

    #[test]
    fn a_declared_encoding_wins() {
        let mut d = Decoder::new(Some(Encoding::for_label("cp1251").expect("label")));
        let mut out = String::new();
        d.feed(b"\xD2\xE5\xEB\xE5\xF4\xEE\xED", &mut out);
        d.finish(&mut out);
        assert_eq!(out, "Телефон");
        assert_eq!(d.encoding_source(), Some(EncodingSource::Declared));
    }

    #[test]
    fn labels_parse_and_names_serialise() {
        for (label, name) in [
            ("UTF-8", "UTF-8"),
            ("utf8", "UTF-8"),
            (" Windows-1252 ", "windows-1252"),
            ("latin1", "windows-1252"),
            ("iso-8859-1", "windows-1252"),
            ("utf-16", "UTF-16LE"),
            ("UTF-16BE", "UTF-16BE"),
            ("cp1251", "windows-1251"),
            ("sjis", "Shift_JIS"),
        ] {
            let encoding: Encoding = label.parse().expect(label);
            assert_eq!(encoding.name(), name);
            let json = serde_json::to_string(&encoding).expect("json");
            assert_eq!(json, format!("\"{name}\""));
            assert_eq!(
                serde_json::from_str::<Encoding>(&json).expect("back"),
                encoding
            );
        }
        for label in ["klingon", "utf8bom", "iso-2022-kr"] {
            let err = label.parse::<Encoding>().expect_err(label);
            assert_eq!(err, UnknownEncoding(label.into()));
            assert!(err.to_string().contains(&format!("`{label}`")), "{err}");
        }
        let err = serde_json::from_str::<Encoding>("\"klingon\"").expect_err("unknown");
        assert!(err.to_string().contains("`klingon`"), "{err}");
    }

    #[test]
    fn utf16_without_bom_is_detected() {
        let bytes: Vec<u8> = "name,phone\n"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        let (enc, source, _) = decode_all(&bytes, 5);
        assert_eq!(
            (enc, source),
            (Encoding::UTF_16LE, EncodingSource::Detected)
        );
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
