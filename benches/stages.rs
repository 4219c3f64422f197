//! Per-stage benches (divan) over the bundled demo corpus, and the whole scan.
//! `cargo bench --bench stages`. Absolute times are for comparing a stage with
//! itself across changes on one machine; cross-stage ratios are in `ratios`.

use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use wenshan::fingerprint::Method;
use wenshan::normalize::{comparison_key, normalize};
use wenshan::parse::parse;
use wenshan::segment::Segmenter;
use wenshan::verify::{Overlap, Shingles};

fn main() {
    divan::main();
}

fn demo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("corpora/demo")
}

static RAW: LazyLock<Vec<String>> = LazyLock::new(|| {
    wenshan::walk::walk(&demo(), wenshan::read::EXTENSIONS)
        .unwrap()
        .iter()
        .filter_map(|e| wenshan::read::read_file(&e.path).ok())
        .collect()
});
static TEXTS: LazyLock<Vec<String>> = LazyLock::new(|| RAW.iter().map(|r| normalize(r).text()).collect());

#[divan::bench]
fn read_all() -> usize {
    let files = wenshan::walk::walk(&demo(), wenshan::read::EXTENSIONS).unwrap();
    files
        .iter()
        .filter_map(|e| wenshan::read::read_file(&e.path).ok())
        .map(|t| t.len())
        .sum()
}

#[divan::bench]
fn normalize_all() -> usize {
    RAW.iter().map(|r| normalize(r).lines.len()).sum()
}

#[divan::bench]
fn parse_all(b: divan::Bencher) {
    let norms: Vec<_> = RAW.iter().map(|r| normalize(r)).collect();
    b.bench(|| {
        norms
            .iter()
            .map(|n| parse(&n.line_texts()).title.is_some() as usize)
            .sum::<usize>()
    });
}

#[divan::bench]
fn segment_all() -> usize {
    let seg = Segmenter::global();
    TEXTS.iter().map(|t| seg.content_tokens(t).len()).sum()
}

#[divan::bench(args = [Method::Weighted, Method::SimhashCrate])]
fn fingerprint_all(b: divan::Bencher, method: Method) {
    let seg = Segmenter::global();
    let tokens: Vec<Vec<&str>> = TEXTS.iter().map(|t| seg.content_tokens(t)).collect();
    b.bench(|| tokens.iter().map(|t| method.fingerprint(t).0).fold(0, |a, f| a ^ f));
}

#[divan::bench]
fn shingle_and_overlap(b: divan::Bencher) {
    let keys: Vec<String> = TEXTS.iter().map(|t| comparison_key(t)).collect();
    b.bench(|| {
        let s: Vec<Shingles> = keys.iter().map(|k| Shingles::of(k)).collect();
        s.windows(2).map(|w| Overlap::of(&w[0], &w[1]).shared).sum::<usize>()
    });
}

#[divan::bench(sample_count = 10)]
fn scan_end_to_end() -> usize {
    wenshan::scan::scan(&demo(), &Default::default(), &wenshan::scan::Silent)
        .unwrap()
        .pairs
        .len()
}
