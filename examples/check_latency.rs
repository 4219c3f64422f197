//! Scale measurements of the archive, with the real binary:
//!
//! 1. `check` latency: builds synthetic archives (`wenshan archive gen`) of
//!    100k and 1M documents with near-duplicates of a draft planted, then
//!    times whole `wenshan check` processes (start to exit, warm page cache)
//!    and prints p50/p95; every run must find exactly the planted documents.
//! 2. `archive add` vs `scan` throughput on the same 10k new documents
//!    (written here from sentences of the demo corpus).
//!
//! ```text
//! cargo build --release && cargo run --release --example check_latency
//! cargo run --release --example check_latency -- --sizes 100000 --runs 20 --files 2000
//! ```
//! Work files go to $TMPDIR/wenshan-latency (removed at the end).

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const DRAFT: &str = "corpora/demo/a/01-防汛/2025-青禾县政府办-关于做好2025年防汛工作的通知.txt";

fn bin() -> PathBuf {
    let exe = std::env::current_exe().unwrap();
    let dir = exe.parent().unwrap().parent().unwrap();
    let b = dir.join("wenshan");
    assert!(
        b.exists(),
        "build the binary first: cargo build --release ({})",
        b.display()
    );
    b
}

fn arg<T: std::str::FromStr>(name: &str) -> Option<T> {
    let args: Vec<String> = std::env::args().collect();
    args.iter()
        .position(|a| a == name)
        .and_then(|i| args.get(i + 1))
        .and_then(|v| v.parse().ok())
}

fn percentile(sorted: &[f64], p: f64) -> f64 {
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i]
}

fn latency(work: &Path, docs: u64, runs: usize) {
    let arch = work.join(format!("archive-{docs}"));
    let _ = std::fs::remove_dir_all(&arch);
    let t = Instant::now();
    let out = Command::new(bin())
        .args([
            "archive",
            "gen",
            "--docs",
            &docs.to_string(),
            "--plant",
            DRAFT,
            "--planted",
            "5",
        ])
        .arg("--archive")
        .arg(&arch)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let planted: Vec<String> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(String::from)
        .collect();
    let gen_s = t.elapsed().as_secs_f64();
    let stats = Command::new(bin())
        .args(["archive", "stats", "--archive"])
        .arg(&arch)
        .output()
        .unwrap();
    let check = || {
        let t = Instant::now();
        let out = Command::new(bin())
            .args(["check", DRAFT, "--format", "json", "--archive"])
            .arg(&arch)
            .stderr(Stdio::inherit())
            .output()
            .unwrap();
        let ms = t.elapsed().as_secs_f64() * 1000.0;
        assert_eq!(out.status.code(), Some(1));
        let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let mut found: Vec<String> = v["drafts"][0]["matches"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m["b"].as_str().unwrap().to_string())
            .collect();
        found.sort();
        (ms, found)
    };
    let (_, found) = check(); // warm the page cache
    let mut want = planted.clone();
    want.sort();
    assert_eq!(found, want, "check must find exactly the planted near-duplicates");
    let mut times: Vec<f64> = (0..runs).map(|_| check().0).collect();
    times.sort_by(f64::total_cmp);
    println!(
        "check against {docs} documents (generated in {gen_s:.1} s): {runs} runs, p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms; found all {} planted",
        percentile(&times, 0.5),
        percentile(&times, 0.95),
        times[times.len() - 1],
        planted.len()
    );
    for l in String::from_utf8_lossy(&stats.stdout).lines() {
        println!("    {l}");
    }
    let _ = std::fs::remove_dir_all(&arch);
}

/// `n` documents assembled from the demo corpus's sentences: distinct,
/// 公文-like, few near-duplicates among them.
fn write_corpus(dir: &Path, n: usize) {
    let mut sentences = Vec::new();
    for e in walkdir::WalkDir::new("corpora/demo").into_iter().filter_map(Result::ok) {
        if e.path().extension().is_some_and(|x| x == "txt") {
            if let Ok(t) = std::fs::read_to_string(e.path()) {
                sentences.extend(
                    t.split(['。', '\n'])
                        .map(str::trim)
                        .filter(|s| s.chars().count() >= 8)
                        .map(String::from),
                );
            }
        }
    }
    std::fs::create_dir_all(dir).unwrap();
    let mut s = 0x2545_F491_4F6C_DD1Du64;
    for i in 0..n {
        let mut text = format!("关于第{i}号事项的通知\n各有关单位：\n");
        for _ in 0..40 {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            text.push_str(&sentences[(s % sentences.len() as u64) as usize]);
            text.push_str("。\n");
        }
        text.push_str("青禾县人民政府办公室\n2025年3月1日\n");
        std::fs::write(dir.join(format!("{i:05}.txt")), text).unwrap();
    }
}

fn throughput(work: &Path, n: usize) {
    let docs = work.join("docs");
    write_corpus(&docs, n);
    let arch = work.join("archive-add");
    let _ = std::fs::remove_dir_all(&arch);
    let time = |args: &[&str]| {
        let t = Instant::now();
        let out = Command::new(bin()).args(args).stdout(Stdio::null()).output().unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        t.elapsed().as_secs_f64()
    };
    let d = docs.to_str().unwrap();
    let scan_s = time(&["scan", d, "--format", "json", "--no-white-header"]);
    let add_s = time(&["archive", "add", d, "--archive", arch.to_str().unwrap()]);
    println!(
        "{n} new documents: scan {scan_s:.1} s ({:.0} docs/s), archive add {add_s:.1} s ({:.0} docs/s): add/scan time ratio {:.2}",
        n as f64 / scan_s,
        n as f64 / add_s,
        add_s / scan_s
    );
    let stats = Command::new(bin())
        .args(["archive", "stats", "--archive"])
        .arg(&arch)
        .output()
        .unwrap();
    for l in String::from_utf8_lossy(&stats.stdout).lines() {
        println!("    {l}");
    }
}

fn main() {
    let work = std::env::temp_dir().join("wenshan-latency");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&work).unwrap();
    let sizes: String = arg("--sizes").unwrap_or_else(|| "100000,1000000".to_string());
    let runs: usize = arg("--runs").unwrap_or(50);
    let files: usize = arg("--files").unwrap_or(10_000);
    for size in sizes.split(',').filter_map(|s| s.trim().parse().ok()) {
        latency(&work, size, runs);
    }
    if files > 0 {
        throughput(&work, files);
    }
    let _ = std::fs::remove_dir_all(&work);
}
