//! Cutting delimited text into byte ranges at record boundaries, so that
//! several workers can each read one range and together read exactly the
//! records one [`RecordReader`](crate::records::RecordReader) would.
//!
//! Where a record ends depends on everything before it (a quoted cell may
//! hold newlines), so a range cannot find its own start alone. Instead the
//! file is cut into chunks of any size; each chunk is [scanned](Stretch::scan)
//! on its own, from every state the reader could be in at its first byte;
//! then [`cuts`] follows the real state from the first chunk to the last
//! and places one cut at the first record boundary of each chunk, with the
//! number of records before it (so rows keep their numbers). Scanning
//! costs one pass over the chunk: the other start states rejoin the
//! first one's path at a shared record boundary, in all but contrived text.
//!
//! The scan reads bytes, not text: it is exact for encodings in which the
//! quote, the delimiter and the line ends are always the ASCII bytes
//! (UTF-8 and single-byte encodings), not for UTF-16.

use serde::{Deserialize, Serialize};

/// The record reader's state before a byte, as far as record ends go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReadState {
    /// At the start of a record.
    StartRecord,
    /// Just after a `\r` that ended a record (a `\n` next belongs to it).
    AfterCr,
    /// At the start of a cell after a delimiter.
    StartField,
    /// Inside an unquoted cell (a quote here is text).
    Unquoted,
    /// Inside a quoted cell.
    Quoted,
    /// After a quote inside a quoted cell (a second quote is a literal one).
    QuoteInQuoted,
}

impl ReadState {
    /// Every state, in the order [`Stretch`] keeps them.
    const ALL: [ReadState; 6] = [
        ReadState::StartRecord,
        ReadState::AfterCr,
        ReadState::StartField,
        ReadState::Unquoted,
        ReadState::Quoted,
        ReadState::QuoteInQuoted,
    ];

    fn index(self) -> usize {
        self as usize
    }
}

/// What reading one chunk does when it starts in a given state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Path {
    /// The state after the chunk's last byte.
    pub end: ReadState,
    /// Records that end inside the chunk.
    pub records: u64,
    /// The chunk's first record boundary (offset in the chunk) and the
    /// records that end before it; `None` when no record starts in it.
    pub first_boundary: Option<(u64, u64)>,
}

/// How one chunk moves the reader, from each state it could start in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stretch {
    /// The chunk's length in bytes.
    pub len: u64,
    /// Per start state, in [`ReadState`] order.
    pub paths: Vec<Path>,
}

/// Where a range starts: a record boundary, and how many records come
/// before it (the first record of the range is row `records_before + 1`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cut {
    /// Byte offset in the file.
    pub offset: u64,
    /// Records before the offset (blank lines included).
    pub records_before: u64,
}

impl Stretch {
    /// Scans one chunk of the file, with `delimiter` and `"` as the quote.
    pub fn scan(bytes: &[u8], delimiter: u8) -> Stretch {
        // The path from the start of a record, with every boundary on it:
        // the other start states stop once they reach one of these.
        let mut boundaries: Vec<(usize, u64)> = Vec::new();
        let main = run(
            bytes,
            ReadState::StartRecord,
            delimiter,
            &mut |at, records| {
                boundaries.push((at, records));
                false
            },
        );
        let main_path = Path {
            end: main.state,
            records: main.records,
            first_boundary: boundaries.first().map(|&(at, n)| (at as u64, n)),
        };
        let paths = ReadState::ALL
            .iter()
            .map(|&start| {
                if start == ReadState::StartRecord {
                    return main_path;
                }
                let mut first = None;
                let mut joined = None;
                let own = run(bytes, start, delimiter, &mut |at, records| {
                    first.get_or_insert((at as u64, records));
                    match boundaries.binary_search_by_key(&at, |&(b, _)| b) {
                        Ok(i) => {
                            joined = Some((records, boundaries[i].1));
                            true
                        }
                        Err(_) => false,
                    }
                });
                match joined {
                    // From a shared boundary on, the main path's records.
                    Some((own_records, main_records)) => Path {
                        end: main.state,
                        records: own_records + (main.records - main_records),
                        first_boundary: first,
                    },
                    None => Path {
                        end: own.state,
                        records: own.records,
                        first_boundary: first,
                    },
                }
            })
            .collect();
        Stretch {
            len: bytes.len() as u64,
            paths,
        }
    }

    fn path(&self, start: ReadState) -> Path {
        self.paths[start.index()]
    }
}

/// One cut per chunk that holds a record boundary, in order; the first is
/// at offset 0. `stretches` are the file's chunks in order, back to back.
/// The range a cut starts runs to the next cut (the last, to the end).
pub fn cuts(stretches: &[Stretch]) -> Vec<Cut> {
    let mut cuts = Vec::new();
    let mut state = ReadState::StartRecord;
    let mut offset = 0;
    let mut records = 0;
    for stretch in stretches {
        let path = stretch.path(state);
        if let Some((at, before)) = path.first_boundary {
            let cut = Cut {
                offset: offset + at,
                records_before: records + before,
            };
            // A boundary at the chunk's end is the next chunk's start (or
            // the end of the file, which starts no range).
            let fresh = cuts
                .last()
                .is_none_or(|last: &Cut| cut.offset > last.offset);
            if cuts.is_empty() || (fresh && at < stretch.len) {
                cuts.push(cut);
            }
        }
        state = path.end;
        offset += stretch.len;
        records += path.records;
    }
    cuts
}

/// Where [`run`] stopped.
struct Ran {
    state: ReadState,
    records: u64,
}

/// Reads `bytes` from `state`, as the record reader does, calling
/// `boundary(offset, records so far)` at every record boundary (a place a
/// fresh reader could start); `boundary` returning true stops the run.
fn run(
    bytes: &[u8],
    mut state: ReadState,
    delimiter: u8,
    boundary: &mut impl FnMut(usize, u64) -> bool,
) -> Ran {
    const QUOTE: u8 = b'"';
    let is_end = |b: u8| b == b'\n' || b == b'\r';
    let mut records = 0;
    let mut i = 0;
    if state == ReadState::StartRecord && boundary(0, 0) {
        return Ran { state, records };
    }
    while i < bytes.len() {
        let b = bytes[i];
        match state {
            ReadState::AfterCr => {
                state = ReadState::StartRecord;
                if b == b'\n' {
                    i += 1;
                }
                if boundary(i, records) {
                    break;
                }
                continue;
            }
            ReadState::StartRecord | ReadState::StartField => {
                if b == QUOTE {
                    state = ReadState::Quoted;
                } else if b == delimiter {
                    state = ReadState::StartField;
                } else if is_end(b) {
                    records += 1;
                    state = ReadState::AfterCr;
                    if b == b'\n' {
                        state = ReadState::StartRecord;
                        if boundary(i + 1, records) {
                            break;
                        }
                    }
                } else {
                    state = ReadState::Unquoted;
                    continue;
                }
                i += 1;
            }
            ReadState::Unquoted => {
                let run = bytes[i..]
                    .iter()
                    .position(|&c| c == delimiter || is_end(c))
                    .unwrap_or(bytes.len() - i);
                i += run;
                if i == bytes.len() {
                    break;
                }
                if bytes[i] == delimiter {
                    state = ReadState::StartField;
                } else {
                    records += 1;
                    state = ReadState::AfterCr;
                    if bytes[i] == b'\n' {
                        state = ReadState::StartRecord;
                        if boundary(i + 1, records) {
                            break;
                        }
                    }
                }
                i += 1;
            }
            ReadState::Quoted => match bytes[i..].iter().position(|&c| c == QUOTE) {
                Some(run) => {
                    i += run + 1;
                    state = ReadState::QuoteInQuoted;
                }
                None => i = bytes.len(),
            },
            ReadState::QuoteInQuoted => {
                if b == QUOTE {
                    state = ReadState::Quoted;
                } else if b == delimiter {
                    state = ReadState::StartField;
                } else if is_end(b) {
                    records += 1;
                    state = ReadState::AfterCr;
                    if b == b'\n' {
                        state = ReadState::StartRecord;
                        if boundary(i + 1, records) {
                            break;
                        }
                    }
                } else {
                    state = ReadState::Unquoted;
                    continue;
                }
                i += 1;
            }
        }
    }
    Ran { state, records }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::records::{Record, RecordReader};

    /// The records of `text` read whole by one reader.
    fn whole(text: &str) -> Vec<Record> {
        let mut reader = RecordReader::new(b',');
        let mut out = Vec::new();
        reader.feed(text, &mut |r| out.push(r.clone()));
        reader.finish(&mut |r| out.push(r.clone()));
        out
    }

    /// The records of `text` cut into chunks at `at` (byte offsets), each
    /// range read by its own reader continuing the row numbers.
    fn by_ranges(text: &str, at: &[usize]) -> Vec<Record> {
        let bytes = text.as_bytes();
        let mut edges = vec![0];
        edges.extend(at.iter().copied());
        edges.push(bytes.len());
        let stretches: Vec<Stretch> = edges
            .windows(2)
            .map(|w| Stretch::scan(&bytes[w[0]..w[1]], b','))
            .collect();
        let cuts = cuts(&stretches);
        assert_eq!(
            cuts[0],
            Cut {
                offset: 0,
                records_before: 0
            }
        );
        let mut out = Vec::new();
        for (i, cut) in cuts.iter().enumerate() {
            let end = cuts.get(i + 1).map_or(bytes.len(), |c| c.offset as usize);
            let range = std::str::from_utf8(&bytes[cut.offset as usize..end])
                .expect("cuts fall between characters");
            let mut reader = RecordReader::continuing(b',', cut.records_before);
            reader.feed(range, &mut |r| out.push(r.clone()));
            reader.finish(&mut |r| out.push(r.clone()));
        }
        out
    }

    #[test]
    fn cuts_inside_quoted_cells_still_read_every_record_once() {
        let text = "name,note\r\nana,\"two\nlines, and \"\"quotes\"\"\"\r\n\rbo,\"x\r\ny\"\n\"\"\"\",z\nlast,\"open\n";
        for a in 0..=text.len() {
            for b in a..=text.len() {
                assert_eq!(by_ranges(text, &[a, b]), whole(text), "cut at {a} and {b}");
            }
        }
    }

    #[test]
    fn a_text_without_quotes_is_cut_after_line_ends() {
        let text = "a,b\nc,d\ne,f\n";
        let stretches = [
            Stretch::scan(&text.as_bytes()[..5], b','),
            Stretch::scan(&text.as_bytes()[5..], b','),
        ];
        assert_eq!(
            cuts(&stretches),
            vec![
                Cut {
                    offset: 0,
                    records_before: 0
                },
                Cut {
                    offset: 8,
                    records_before: 2
                },
            ]
        );
    }

    /// Random lists of quoted, unquoted and stray-quoted cells, mixed line
    /// ends and blank lines, cut at random places: always the same records
    /// as one reader, with the same row numbers.
    #[test]
    fn random_lists_and_cut_points_read_the_same_records() {
        let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
        let mut next = |n: u64| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed % n
        };
        let pieces = [
            "a",
            "bc",
            ",",
            "\"",
            "\"\"",
            "\n",
            "\r",
            "\r\n",
            " ",
            "é",
            "\"x,\ny\"",
        ];
        for _ in 0..3000 {
            let text: String = (0..next(40))
                .map(|_| pieces[next(pieces.len() as u64) as usize])
                .collect();
            let mut at: Vec<usize> = (0..next(5))
                .map(|_| next(text.len() as u64 + 1) as usize)
                .filter(|&i| text.is_char_boundary(i))
                .collect();
            at.sort_unstable();
            assert_eq!(
                by_ranges(&text, &at),
                whole(&text),
                "{text:?} cut at {at:?}"
            );
        }
    }
}
