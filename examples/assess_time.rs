//! Time `Detector::assess` alone over a folder, on one thread, after a warm-up
//! pass: what the disguised-issuance rules cost in a scan.
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
    let t = Instant::now();
    for (n, s) in &docs {
        std::hint::black_box(det.assess(n, s));
    }
    println!(
        "warm-up: {:.3}s over {} documents",
        t.elapsed().as_secs_f64(),
        docs.len()
    );
    let t = Instant::now();
    for _ in 0..rounds {
        for (n, s) in &docs {
            std::hint::black_box(det.assess(n, s));
        }
    }
    println!("assess: {:.3}s per pass", t.elapsed().as_secs_f64() / rounds as f64);
}
