//! Time each map stage over a folder on one thread: where a scan spends its time.
//! `cargo run --release --example stages -- DIR`

use std::time::Instant;
use wenshan::fingerprint::Method;
use wenshan::normalize::{comparison_key, normalize};
use wenshan::parse::parse;
use wenshan::segment::Segmenter;

fn main() {
    let dir = std::env::args().nth(1).unwrap_or_else(|| "corpora/demo".into());
    let seg = Segmenter::global();
    let _ = wenshan::fingerprint::idf("预热");
    let files = wenshan::walk::walk(dir.as_ref(), wenshan::read::EXTENSIONS).expect("walk");
    let mut t = [0f64; 9];
    let mut bytes = 0;
    for f in &files {
        let s = Instant::now();
        let Ok(raw) = wenshan::read::read_file(&f.path) else {
            continue;
        };
        t[0] += s.elapsed().as_secs_f64();
        bytes += raw.len();
        let s = Instant::now();
        let norm = normalize(&raw);
        let text = norm.text();
        t[1] += s.elapsed().as_secs_f64();
        let s = Instant::now();
        let st = parse(&norm.line_texts());
        t[2] += s.elapsed().as_secs_f64();
        let s = Instant::now();
        let cut = seg.cut(&text);
        t[3] += s.elapsed().as_secs_f64();
        let s = Instant::now();
        let toks = seg.content_tokens(&text);
        t[4] += s.elapsed().as_secs_f64();
        let s = Instant::now();
        let fp = Method::Weighted.fingerprint(&toks);
        t[5] += s.elapsed().as_secs_f64();
        let s = Instant::now();
        let key = comparison_key(&text);
        t[6] += s.elapsed().as_secs_f64();
        let s = Instant::now();
        let toks = wenshan::reissue::tokens(&text);
        t[7] += s.elapsed().as_secs_f64();
        let s = Instant::now();
        let boiler: usize = text.lines().map(|l| wenshan::boilerplate::spans_in_line(l).len()).sum();
        t[8] += s.elapsed().as_secs_f64();
        std::hint::black_box((st, cut, fp, key, toks, boiler));
    }
    let names = [
        "read",
        "normalize",
        "parse",
        "jieba cut",
        "content tokens (cut+filter)",
        "fingerprint",
        "comparison key",
        "reissue tokens",
        "bundled boilerplate",
    ];
    println!("{} files, {:.1} MB", files.len(), bytes as f64 / 1e6);
    for (n, v) in names.iter().zip(t) {
        println!("{n:<30} {:>8.3}s  {:>7.1} MB/s", v, bytes as f64 / 1e6 / v);
    }
}
