//! Robustness: every reader and the structure parser on arbitrary bytes and
//! on mutated real files (truncated, bytes flipped or spliced, zip entries
//! corrupted and re-packed, XML cut short, text re-encoded). Properties: no
//! panic escapes, each file finishes within a time bound, and no call holds
//! more than a memory bound at its peak (a counting allocator measures it).
//!
//! Cases per property come from `WENSHAN_FUZZ_CASES` (default 48, a few
//! seconds in CI). A long session:
//!
//! ```text
//! WENSHAN_FUZZ_CASES=100000 cargo test --release --test fuzz
//! ```

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};
use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::{Cursor, Read, Write};
use std::path::Path;
use std::sync::OnceLock;
use std::time::{Duration, Instant};
use wenshan::read::{self, ReadLimits};

/// Per-thread live and peak heap bytes, so that parallel tests do not
/// disturb each other's measurement.
struct Counting;

thread_local! {
    static LIVE: Cell<usize> = const { Cell::new(0) };
    static PEAK: Cell<usize> = const { Cell::new(0) };
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let _ = LIVE.try_with(|live| {
            let now = live.get() + layout.size();
            live.set(now);
            let _ = PEAK.try_with(|peak| peak.set(peak.get().max(now)));
        });
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        let _ = LIVE.try_with(|live| live.set(live.get().saturating_sub(layout.size())));
        System.dealloc(ptr, layout)
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

/// Limits used while fuzzing: tight, so that a bomb found by mutation shows
/// up as a limit error rather than as a slow case.
const LIMITS: ReadLimits = ReadLimits {
    max_file_size: 64 << 20,
    max_unpacked_size: 16 << 20,
    max_entries: 10_000,
    max_text_chars: 1_000_000,
};
/// Peak heap of one call above what was live before it.
const MAX_PEAK_BYTES: usize = 256 << 20;

fn cases() -> u32 {
    std::env::var("WENSHAN_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48)
}

fn max_time() -> Duration {
    let secs = std::env::var("WENSHAN_FUZZ_MAX_SECS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(if cfg!(debug_assertions) { 20 } else { 5 });
    Duration::from_secs(secs)
}

fn runner() -> TestRunner {
    TestRunner::new(Config {
        cases: cases(),
        failure_persistence: None,
        ..Config::default()
    })
}

/// Run `f` under the time and memory bounds; a panic fails the property.
fn bounded<T>(what: &str, f: impl FnOnce() -> T) -> Result<T, TestCaseError> {
    let base = LIVE.with(Cell::get);
    PEAK.with(|p| p.set(base));
    let start = Instant::now();
    let out = f();
    let took = start.elapsed();
    let peak = PEAK.with(Cell::get).saturating_sub(base);
    prop_assert!(took < max_time(), "{what}: took {took:?}");
    prop_assert!(peak < MAX_PEAK_BYTES, "{what}: peak heap {peak} bytes");
    Ok(out)
}

/// Every real fixture: (name, bytes).
fn seeds() -> &'static [(String, Vec<u8>)] {
    static SEEDS: OnceLock<Vec<(String, Vec<u8>)>> = OnceLock::new();
    SEEDS.get_or_init(|| {
        let mut out: Vec<(String, Vec<u8>)> = std::fs::read_dir(Path::new("tests/fixtures/formats"))
            .unwrap()
            .map(|e| e.unwrap().path())
            .map(|p| {
                (
                    p.file_name().unwrap().to_string_lossy().into_owned(),
                    std::fs::read(&p).unwrap(),
                )
            })
            .collect();
        out.sort();
        out
    })
}

fn seeds_with_ext(ext: &str) -> Vec<usize> {
    (0..seeds().len()).filter(|&i| seeds()[i].0.ends_with(ext)).collect()
}

#[derive(Debug, Clone)]
enum Mutation {
    Truncate(f64),
    Flip(f64, u8),
    Splice(f64, Vec<u8>),
    Delete(f64, usize),
    Duplicate(f64, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (0.0..1.0f64).prop_map(Mutation::Truncate),
        (0.0..1.0f64, any::<u8>()).prop_map(|(at, b)| Mutation::Flip(at, b)),
        (0.0..1.0f64, proptest::collection::vec(any::<u8>(), 1..32)).prop_map(|(at, b)| Mutation::Splice(at, b)),
        (0.0..1.0f64, 1..256usize).prop_map(|(at, n)| Mutation::Delete(at, n)),
        (0.0..1.0f64, 1..4096usize).prop_map(|(at, n)| Mutation::Duplicate(at, n)),
    ]
}

fn apply(bytes: &mut Vec<u8>, m: &Mutation) {
    let at = |f: f64, len: usize| ((f * len as f64) as usize).min(len);
    match m {
        Mutation::Truncate(f) => bytes.truncate(at(*f, bytes.len())),
        Mutation::Flip(f, b) => {
            let i = at(*f, bytes.len());
            if let Some(x) = bytes.get_mut(i) {
                *x ^= b | 1;
            }
        }
        Mutation::Splice(f, b) => {
            let i = at(*f, bytes.len());
            bytes.splice(i..i, b.iter().copied());
        }
        Mutation::Delete(f, n) => {
            let i = at(*f, bytes.len());
            let end = (i + n).min(bytes.len());
            bytes.drain(i..end);
        }
        Mutation::Duplicate(f, n) => {
            let i = at(*f, bytes.len());
            let end = (i + n).min(bytes.len());
            let copy = bytes[i..end].to_vec();
            bytes.splice(i..i, copy);
        }
    }
}

fn mutated(seed: usize, mutations: &[Mutation]) -> Vec<u8> {
    let mut bytes = seeds()[seed].1.clone();
    for m in mutations {
        apply(&mut bytes, m);
    }
    bytes
}

/// Unzip, mutate one entry's content (XML cut short, bytes flipped), and
/// zip again, so the damage reaches the XML parsers instead of stopping at
/// the CRC check.
fn corrupt_zip_entry(zip_bytes: &[u8], entry: usize, mutations: &[Mutation], deflate: bool) -> Vec<u8> {
    let mut archive = zip::ZipArchive::new(Cursor::new(zip_bytes)).unwrap();
    let target = entry % archive.len();
    let method = if deflate {
        zip::CompressionMethod::Deflated
    } else {
        zip::CompressionMethod::Stored
    };
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).unwrap();
        let name = file.name().to_owned();
        let mut data = Vec::new();
        file.read_to_end(&mut data).unwrap();
        if i == target {
            for m in mutations {
                apply(&mut data, m);
            }
        }
        out.start_file(
            name,
            zip::write::SimpleFileOptions::default().compression_method(method),
        )
        .unwrap();
        out.write_all(&data).unwrap();
    }
    out.finish().unwrap().into_inner()
}

/// Every reader on one input: the dispatcher and each extractor directly
/// (so each parser sees every input, not only what detection routes to it).
fn all_readers(bytes: &[u8]) -> Result<(), TestCaseError> {
    // Results are irrelevant here (most inputs are rightly errors); what is
    // checked is that each call returns, in time and memory, without panic.
    let _ = bounded("decode", || read::decode_with(bytes, &LIMITS))?;
    let _ = bounded("docx", || read::extract_docx(bytes, &LIMITS))?;
    let _ = bounded("ofd", || read::extract_ofd(bytes, &LIMITS))?;
    let _ = bounded("doc", || read::extract_doc(bytes, &LIMITS))?;
    let _ = bounded("html", || read::extract_html(bytes, &LIMITS))?;
    let _ = bounded("txt", || read::decode_text(bytes))?;
    if read::detect_format(bytes).is_ok_and(|f| f == read::Format::Pdf) {
        let _ = bounded("pdf", || read::extract_pdf(bytes, &LIMITS))?;
    }
    Ok(())
}

/// What `scan` does after reading: normalise, then parse the structure.
fn parse_text(text: &str) -> Result<(), TestCaseError> {
    bounded("parse", || {
        let norm = wenshan::normalize::normalize(text);
        wenshan::parse::parse(&norm.line_texts())
    })?;
    Ok(())
}

#[test]
fn readers_on_arbitrary_bytes() {
    let magic = prop_oneof![
        Just(b"".to_vec()),
        Just(b"PK\x03\x04".to_vec()),
        Just(b"%PDF-1.7\n".to_vec()),
        Just(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1".to_vec()),
        Just(b"<!DOCTYPE html><html>".to_vec()),
        Just(b"\xFF\xFE".to_vec()),
    ];
    let input = (magic, proptest::collection::vec(any::<u8>(), 0..2048));
    runner()
        .run(&input, |(mut head, tail)| {
            head.extend(tail);
            all_readers(&head)
        })
        .unwrap();
}

#[test]
fn readers_on_mutated_real_files() {
    let input = (0..seeds().len(), proptest::collection::vec(mutation(), 1..6));
    runner()
        .run(&input, |(seed, mutations)| {
            let bytes = mutated(seed, &mutations);
            all_readers(&bytes)?;
            if let Ok(text) = read::decode_with(&bytes, &LIMITS) {
                parse_text(&text)?;
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn zip_readers_on_corrupted_entries() {
    let zips: Vec<usize> = [seeds_with_ext(".docx"), seeds_with_ext(".ofd")].concat();
    let input = (
        proptest::sample::select(zips),
        0..8usize,
        proptest::collection::vec(mutation(), 1..4),
        any::<bool>(),
    );
    runner()
        .run(&input, |(seed, entry, mutations, deflate)| {
            let bytes = corrupt_zip_entry(&seeds()[seed].1, entry, &mutations, deflate);
            let text = bounded("zip", || read::decode_with(&bytes, &LIMITS))?;
            if let Ok(text) = text {
                parse_text(&text)?;
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn text_in_random_encodings() {
    use encoding_rs::{BIG5, EUC_KR, GB18030, GBK, SHIFT_JIS, UTF_16BE, UTF_16LE, UTF_8};
    let texts = seeds_with_ext(".txt");
    let encodings = [UTF_8, GBK, GB18030, BIG5, SHIFT_JIS, EUC_KR, UTF_16LE, UTF_16BE];
    let input = (
        proptest::sample::select(texts),
        0..encodings.len(),
        any::<bool>(),
        proptest::collection::vec(mutation(), 0..3),
    );
    runner()
        .run(&input, |(seed, enc, bom, mutations)| {
            let text = String::from_utf8(seeds()[seed].1.clone()).unwrap();
            let encoding = encodings[enc];
            let mut bytes = match encoding {
                // encoding_rs encodes UTF-16 as UTF-8; do it by hand.
                e if e == UTF_16LE => text.encode_utf16().flat_map(u16::to_le_bytes).collect(),
                e if e == UTF_16BE => text.encode_utf16().flat_map(u16::to_be_bytes).collect(),
                e => e.encode(&text).0.into_owned(),
            };
            if bom {
                let mark: &[u8] = match encoding {
                    e if e == UTF_16LE => b"\xFF\xFE",
                    e if e == UTF_16BE => b"\xFE\xFF",
                    _ => b"\xEF\xBB\xBF",
                };
                bytes.splice(0..0, mark.iter().copied());
            }
            let pristine = mutations.is_empty();
            for m in &mutations {
                apply(&mut bytes, m);
            }
            let decoded = bounded("txt", || read::decode_with(&bytes, &LIMITS))?;
            // Unmutated text in a CJK encoding must read back (Big5 and the
            // Japanese/Korean ones cannot hold every simplified character).
            let faithful = [UTF_8, GBK, GB18030, UTF_16LE, UTF_16BE].contains(&encoding);
            if pristine && faithful {
                prop_assert_eq!(decoded.as_deref().ok(), Some(text.as_str()));
            }
            if let Ok(text) = decoded {
                parse_text(&text)?;
            }
            Ok(())
        })
        .unwrap();
}

#[test]
fn parser_on_arbitrary_lines() {
    let line = prop_oneof![
        "\\PC{0,60}",
        "[〔〕（）()：:，。、；一二三四五六七八九十〇年月日号第关于通知的政府办公室县市省0-9 \\t]{0,40}",
        Just(String::new()),
    ];
    runner()
        .run(&proptest::collection::vec(line, 0..40), |lines| {
            let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
            bounded("parse lines", || wenshan::parse::parse(&refs))?;
            parse_text(&lines.join("\n"))
        })
        .unwrap();
}
