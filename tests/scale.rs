//! Scale features: the benchmark corpus generator, the streaming reduce
//! (same report as before it), and the distributed path (fingerprint rows,
//! a SQL join, `wenshan verify`).

use assert_cmd::Command;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

const DEMO: &str = "corpora/demo";

fn wenshan() -> Command {
    Command::cargo_bin("wenshan").unwrap()
}

fn tempdir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("scale-{name}"));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}

fn run(cmd: &mut Command) -> Vec<u8> {
    let out = cmd.output().unwrap();
    assert!(
        out.status.success(),
        "exit {:?}, stderr: {}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

/// All files under `dir`, relative, with their bytes, sorted.
fn tree(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut out: Vec<(String, Vec<u8>)> = walkdir::WalkDir::new(dir)
        .into_iter()
        .flatten()
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().into_owned();
            (rel, fs::read(e.path()).unwrap())
        })
        .collect();
    out.sort();
    out
}

#[test]
fn the_demo_report_is_unchanged_by_the_streaming_reduce() {
    // tests/snapshots/demo.json: the report of the in-memory reduce before it
    // streamed. Regenerate after a deliberate change of detection with
    // `cargo run --release -- scan corpora/demo --format json -o tests/snapshots/demo.json`.
    let now = run(wenshan().args(["--threads", "2", "scan", DEMO, "--format", "json"]));
    let snapshot = fs::read(Path::new("tests/snapshots/demo.json")).unwrap();
    assert!(
        now == snapshot,
        "scan of corpora/demo differs from tests/snapshots/demo.json"
    );
}

#[test]
fn generation_is_deterministic_and_labelled() {
    let (a, b) = (tempdir("gen-a"), tempdir("gen-b"));
    // 2,345 documents: three folders, the last one partial.
    run(wenshan()
        .args(["--threads", "1", "gen", "--docs", "2345", "--seed", "9", "--out"])
        .arg(&a));
    run(wenshan()
        .args(["--threads", "2", "gen", "--docs", "2345", "--seed", "9", "--out"])
        .arg(&b));
    let (ta, tb) = (tree(&a), tree(&b));
    assert!(ta == tb, "two runs with one seed differ");
    assert_eq!(ta.iter().filter(|(p, _)| p.ends_with(".txt")).count(), 2345);
    let labels = String::from_utf8(fs::read(a.join("labels.jsonl")).unwrap()).unwrap();
    let mut relations = std::collections::BTreeSet::new();
    for line in labels.lines() {
        let v: Value = serde_json::from_str(line).unwrap();
        assert_eq!(v["kind"], "pair");
        assert_eq!(v["duplicate"], true);
        for side in ["a", "b"] {
            assert!(a.join(v[side].as_str().unwrap()).is_file(), "{line}");
        }
        relations.insert(v["relation"].as_str().unwrap().to_string());
    }
    for r in ["light_edit", "reissue", "level_substitution", "containment", "exact"] {
        assert!(relations.contains(r), "no {r} planted: {relations:?}");
    }
    // Another seed, another corpus.
    let c = tempdir("gen-c");
    run(wenshan().args(["gen", "--docs", "50", "--seed", "10", "--out"]).arg(&c));
    assert!(tree(&c)[..3] != ta[..3]);
}

#[test]
fn planted_pairs_are_found() {
    let dir = tempdir("planted");
    run(wenshan().args(["gen", "--docs", "600", "--out"]).arg(&dir));
    let report = dir.join("report.json");
    run(wenshan()
        .arg("scan")
        .arg(&dir)
        .args(["--format", "json", "-o"])
        .arg(&report));
    let out = String::from_utf8(run(wenshan()
        .args(["eval", "planted", "--report"])
        .arg(&report)
        .arg("--labels")
        .arg(dir.join("labels.jsonl"))))
    .unwrap();
    let recall: f64 = out.split("recall ").nth(1).unwrap()[..6].parse().unwrap();
    assert!(recall >= 0.8, "{out}");
    for r in ["reissue", "level_substitution", "light_edit"] {
        let line = out.lines().find(|l| l.trim_start().starts_with(r)).unwrap();
        assert!(line.ends_with("recall 1.0000"), "{out}");
    }
    // The map segments its first 256 documents a thread after the dictionary
    // has loaded, the others at once: one thread takes both paths here,
    // three threads only the first. Same report.
    let scan = |threads: &str| {
        run(wenshan()
            .args(["--threads", threads, "scan"])
            .arg(&dir)
            .args(["--format", "json"]))
    };
    assert!(scan("1") == scan("3"), "the report differs between 1 and 3 threads");
}

fn pairs_of(json: &[u8]) -> Value {
    let v: Value = serde_json::from_slice(json).unwrap();
    v["pairs"].clone()
}

#[test]
fn verify_of_the_scan_pairs_reports_them_as_scan_does() {
    let dir = tempdir("verify");
    let scan = run(wenshan().args(["scan", DEMO, "--format", "json"]));
    let pairs = pairs_of(&scan);
    let lines: String = pairs
        .as_array()
        .unwrap()
        .iter()
        .map(|p| format!("{{\"a\":{},\"b\":{}}}\n", p["a"], p["b"]))
        .collect();
    fs::write(dir.join("pairs.jsonl"), lines).unwrap();
    let verified = run(wenshan()
        .arg("verify")
        .arg("--pairs")
        .arg(dir.join("pairs.jsonl"))
        .args(["--docs", DEMO]));
    assert_eq!(pairs_of(&verified), pairs);
}

#[test]
fn a_sql_join_of_the_fingerprints_then_verify_equals_scan() {
    let dir = tempdir("duckdb");
    let fp = dir.join("fingerprints.jsonl");
    run(wenshan()
        .args(["fingerprint", DEMO, "--format", "jsonl", "-o"])
        .arg(&fp));
    let rows = fs::read_to_string(&fp).unwrap();
    assert!(rows.lines().last().unwrap().contains("\"kind\":\"corpus\""));
    assert!(rows.lines().any(|l| l.contains("\"set\":\"winnowed\"")));
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let has_duckdb = std::process::Command::new(&python)
        .args(["-c", "import duckdb"])
        .output()
        .is_ok_and(|o| o.status.success());
    if !has_duckdb {
        eprintln!("SKIPPED: the DuckDB join needs `{python}` with the duckdb module (pip install duckdb)");
        return;
    }
    let joined = std::process::Command::new(&python)
        .arg("scripts/join_duckdb.py")
        .arg(&fp)
        .arg(&dir)
        .output()
        .unwrap();
    assert!(joined.status.success(), "{}", String::from_utf8_lossy(&joined.stderr));
    let verified = run(wenshan()
        .arg("verify")
        .arg("--pairs")
        .arg(dir.join("candidates.jsonl"))
        .arg("--frequent")
        .arg(dir.join("frequent.jsonl"))
        .args(["--docs", DEMO]));
    let scan = run(wenshan().args(["scan", DEMO, "--format", "json"]));
    assert_eq!(pairs_of(&verified), pairs_of(&scan));
}
