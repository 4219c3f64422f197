//! Time `Detector::assess` alone over a folder, on one thread: a first pass
//! with each document also cut by jieba, as a scan does (its caches are cold
//! and shared with the segmenter), then warm passes of assess alone.
//! `cargo run --release --example assess_time -- DIR [ROUNDS]`

use std::time::Instant;
use wenshan::normalize::normalize;
use wenshan::parse::parse;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = args.next().unwrap_or_else(|| "corpora/demo".into());
    let rounds: usize = args.next().and_then(|r| r.parse().ok()).unwrap_or(3);
    let files = wenshan::walk::walk(dir.as_ref(), wenshan::read::EXTENSIONS).expect("walk");
    let docs: Vec<_> = files
        .iter()
        .filter_map(|f| wenshan::read::read_file(&f.path).ok())
        .map(|raw| {
            let n = normalize(&raw);
            let s = parse(&n.line_texts());
            (n, s)
        })
        .collect();
    let det = wenshan::rules::Detector::default();
    let seg = wenshan::segment::Segmenter::global();
    let (mut rules, mut jieba) = (0.0, 0.0);
    for (n, s) in &docs {
        let t = Instant::now();
        std::hint::black_box(det.assess(n, s));
        rules += t.elapsed().as_secs_f64();
        let t = Instant::now();
        std::hint::black_box(seg.content_tokens(&n.text()));
        jieba += t.elapsed().as_secs_f64();
    }
    println!(
        "first pass, interleaved with jieba: assess {rules:.3}s, jieba {jieba:.3}s over {} documents",
        docs.len()
    );
    let t = Instant::now();
    for _ in 0..rounds {
        for (n, s) in &docs {
            std::hint::black_box(det.assess(n, s));
        }
    }
    println!(
        "warm, alone: assess {:.3}s per pass",
        t.elapsed().as_secs_f64() / rounds.max(1) as f64
    );
}
