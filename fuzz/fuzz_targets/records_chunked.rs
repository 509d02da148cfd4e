//! The record reader gives the same records however the text is cut into
//! chunks (the browser and the CLI feed it in pieces).
#![no_main]

use libfuzzer_sys::fuzz_target;
use listgate_core::records::{RecordReader, read_all};

fuzz_target!(|data: &[u8]| {
    let Some((&cut, rest)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    let delimiter = [b',', b';', b'\t', b'|'][usize::from(cut) % 4];
    let whole = read_all(&text, delimiter, true);
    let mut pieces = Vec::new();
    let mut reader = RecordReader::new(delimiter);
    let step = usize::from(cut / 4).max(1);
    let mut start = 0;
    while start < text.len() {
        let mut end = (start + step).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        reader.feed(&text[start..end], &mut |r| pieces.push(r.clone()));
        start = end;
    }
    reader.finish(&mut |r| pieces.push(r.clone()));
    assert_eq!(whole, pieces);
});
