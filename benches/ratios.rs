//! Ratios measured in one run (absolute times on shared machines are noise):
//!
//! * whole scan vs jieba segmentation alone, same documents (goal ≥ 0.8×);
//! * the Hamming index vs brute force at 1k, 10k and 50k fingerprints (goal ≥ 20× at 50k);
//! * our weighted simhash vs the `simhash` crate on the same tokens;
//! * the scan with passages vs `--no-passages` (goal ≤ 2×);
//! * memory per document: the peak heap of a scan over the corpus, per document
//!   (a counting allocator; the texts are not kept, so this is the index, the
//!   report entries and one block of verification texts).
//!
//! Run with `cargo bench --bench ratios`. Each figure is the median of several rounds.

use rayon::prelude::*;
use std::alloc::{GlobalAlloc, Layout, System};
use std::hint::black_box;
use std::path::Path;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use wenshan::fingerprint::{weighted_simhash, Method};
use wenshan::index::{brute_force_pairs, HammingIndex};
use wenshan::scan::{scan, ScanOptions, Silent};
use wenshan::segment::Segmenter;

/// Counts live and peak heap bytes (for memory per document).
struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);
/// Counting only while memory is measured: the timings run at full speed.
static COUNTING: AtomicBool = AtomicBool::new(false);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, l: Layout) -> *mut u8 {
        if COUNTING.load(Ordering::Relaxed) {
            let now = LIVE.fetch_add(l.size(), Ordering::Relaxed) + l.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        unsafe { System.alloc(l) }
    }
    unsafe fn dealloc(&self, p: *mut u8, l: Layout) {
        if COUNTING.load(Ordering::Relaxed) {
            LIVE.fetch_sub(l.size(), Ordering::Relaxed);
        }
        unsafe { System.dealloc(p, l) }
    }
    unsafe fn realloc(&self, p: *mut u8, l: Layout, new: usize) -> *mut u8 {
        if !COUNTING.load(Ordering::Relaxed) {
        } else if new > l.size() {
            let now = LIVE.fetch_add(new - l.size(), Ordering::Relaxed) + new - l.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        } else {
            LIVE.fetch_sub(l.size() - new, Ordering::Relaxed);
        }
        unsafe { System.realloc(p, l, new) }
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn median(mut f: impl FnMut(), rounds: usize) -> Duration {
    let mut times: Vec<Duration> = (0..rounds)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed()
        })
        .collect();
    times.sort();
    times[rounds / 2]
}

/// Fingerprints in clusters of near-duplicates, like a real archive: most
/// documents unrelated, some with a few bits flipped.
fn clustered(n: usize, seed: u64) -> Vec<u64> {
    let mut x = seed;
    let mut next = move || {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x
    };
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let base = next();
        out.push(base);
        if next() % 10 == 0 {
            let mut fp = base;
            for _ in 0..next() % 8 {
                fp ^= 1 << (next() % 64);
            }
            out.push(fp);
        }
    }
    out.truncate(n);
    out
}

/// `cargo bench --bench ratios [-- scan|memory|simhash|index …]`: only the named parts.
fn wanted(part: &str) -> bool {
    let named: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with('-')).collect();
    named.is_empty() || named.iter().any(|a| a == part)
}

fn main() {
    // The real-text corpus beside the project when it is there (developers, CI),
    // else the bundled demo corpus; WENSHAN_BENCH_DIR overrides both.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let demo = std::env::var_os("WENSHAN_BENCH_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            let real = root.join("../shared/real/docs");
            if real.is_dir() {
                real
            } else {
                root.join("corpora/demo")
            }
        });
    let texts: Vec<String> = walkdir::WalkDir::new(&demo)
        .into_iter()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "txt" || x == "docx"))
        .filter_map(|e| wenshan::read::read_file(e.path()).ok())
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    println!(
        "corpus: {} documents, {:.1} MB ({})",
        texts.len(),
        bytes as f64 / 1e6,
        demo.display()
    );

    if wanted("scan") {
        scan_ratios(&demo, &texts);
    }
    if wanted("memory") {
        memory(&demo);
    }
    if wanted("simhash") {
        simhash(&texts);
    }
    if wanted("index") {
        index();
    }
}

fn scan_ratios(demo: &Path, texts: &[String]) {
    let seg = Segmenter::global();
    // Both sides use every core: segmentation alone in parallel over documents
    // too. Rounds alternate, so a busy neighbour slows both alike.
    let opts = ScanOptions::default();
    // The whole scan, then without the passage stage, then the document-level
    // near-duplicate core alone (no 变相发文 rules either): where the time goes.
    let variants = [
        ("whole scan", opts),
        (
            "scan --no-passages",
            ScanOptions {
                passages: false,
                ..ScanOptions::default()
            },
        ),
        (
            "scan --no-passages --no-white-header",
            ScanOptions {
                passages: false,
                white_header: false,
                ..ScanOptions::default()
            },
        ),
    ];
    for (name, o) in &variants {
        let (t_seg, t_scan) = alternated(
            || texts.par_iter().for_each(|t| drop(black_box(seg.cut(t)))),
            || drop(black_box(scan(demo, o, &Silent).unwrap())),
            7,
        );
        println!(
            "{name} vs segmentation alone: throughput ratio {:.2}× (goal ≥ 0.8× for the whole scan)",
            t_seg.as_secs_f64() / t_scan.as_secs_f64()
        );
    }

    // Passages (fingerprints, alignment, reissues, ratios) against the
    // document-level scan alone, same documents, same thread pool.
    // Rounds alternate the two, so a busy neighbour slows both alike.
    let doc_level = ScanOptions {
        passages: false,
        ..ScanOptions::default()
    };
    let (mut with, mut without): (Vec<Duration>, Vec<Duration>) = (Vec::new(), Vec::new());
    for _ in 0..7 {
        with.push(median(|| drop(black_box(scan(demo, &opts, &Silent).unwrap())), 1));
        without.push(median(|| drop(black_box(scan(demo, &doc_level, &Silent).unwrap())), 1));
    }
    with.sort();
    without.sort();
    println!(
        "scan with passages vs document level only: {:.2}× the time (goal ≤ 2×)",
        with[3].as_secs_f64() / without[3].as_secs_f64()
    );
}

fn memory(demo: &Path) {
    let opts = ScanOptions::default();
    // Memory per document: peak heap during one scan above the heap before it
    // (dictionary and IDF table already loaded), over the documents scanned.
    // LIVE counts from zero here: frees of older blocks may take it below
    // zero (wrapping), so the peak is taken over signed values.
    LIVE.store(1 << 60, Ordering::Relaxed);
    PEAK.store(1 << 60, Ordering::Relaxed);
    COUNTING.store(true, Ordering::Relaxed);
    let report = scan(demo, &opts, &Silent).unwrap();
    COUNTING.store(false, Ordering::Relaxed);
    let peak = PEAK.load(Ordering::Relaxed) - (1 << 60);
    let docs = report.documents.len().max(1);
    let json = report.to_json().len();
    drop(report);
    println!(
        "memory per document: {:.1} KiB peak heap of a scan ({} documents, {:.1} MiB; report JSON {:.1} KiB per document, written streamed)",
        peak as f64 / docs as f64 / 1024.0,
        docs,
        peak as f64 / 1048576.0,
        json as f64 / docs as f64 / 1024.0
    );
}

fn simhash(texts: &[String]) {
    let seg = Segmenter::global();
    let tokens: Vec<Vec<&str>> = texts.iter().map(|t| seg.content_tokens(t)).collect();
    let t_ours = median(
        || {
            tokens.iter().for_each(|t| {
                black_box(weighted_simhash(t));
            })
        },
        15,
    );
    let t_crate = median(
        || {
            tokens.iter().for_each(|t| {
                black_box(Method::SimhashCrate.fingerprint(t));
            })
        },
        15,
    );
    println!(
        "weighted simhash vs simhash crate: {:.2}× the crate's speed",
        t_crate.as_secs_f64() / t_ours.as_secs_f64()
    );
}

/// Median times of `f` and `g`, run alternately so that a busy neighbour slows both alike.
fn alternated(mut f: impl FnMut(), mut g: impl FnMut(), rounds: usize) -> (Duration, Duration) {
    let (mut tf, mut tg) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        tf.push(median(&mut f, 1));
        tg.push(median(&mut g, 1));
    }
    tf.sort();
    tg.sort();
    (tf[rounds / 2], tg[rounds / 2])
}

fn index() {
    let cases = [
        (1_000, 10),
        (10_000, 10),
        (50_000, 10),
        (100_000, 10),
        (200_000, 10),
        (50_000, 6),
        (50_000, 3),
    ];
    for (n, radius) in cases {
        let fps = clustered(n, 0x5eed + n as u64);
        let rounds = match n {
            0..=20_000 => 7,
            20_001..=120_000 => 5,
            _ => 3,
        };
        // One thread for both: the ratio is the algorithm's, not the core count's.
        let one = rayon::ThreadPoolBuilder::new().num_threads(1).build().unwrap();
        let (t_index, t_brute) = one.install(|| {
            alternated(
                || drop(black_box(HammingIndex::build(&fps, radius).all_pairs())),
                || drop(black_box(brute_force_pairs(&fps, radius))),
                rounds,
            )
        });
        println!(
            "index vs brute force, {n} fingerprints, k≤{radius}: {:.1}× faster; blocks {} (goal ≥ 20× at 50k; default k = {})",
            t_brute.as_secs_f64() / t_index.as_secs_f64(),
            wenshan::index::plan_summary(radius, n),
            wenshan::scan::DEFAULT_RADIUS
        );
    }
}
