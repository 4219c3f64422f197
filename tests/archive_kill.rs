//! Crash safety: `wenshan archive add` killed with SIGKILL at random moments
//! (50 times here; `WENSHAN_KILL_RUNS=1000` for a long run) must always leave
//! an archive that opens and is consistent — every document whole (metadata,
//! fingerprints, index keys and text), every index key pointing to a stored
//! document — and a final run completes the add.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use wenshan::archive::{Archive, ArchiveError};

fn corpus(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in walkdir::WalkDir::new("corpora/demo").into_iter().filter_map(Result::ok) {
        let p = e.path();
        if e.file_type().is_file() && p.extension().is_some_and(|x| x == "txt") {
            let dest = dir.join(format!("{:03}.txt", out.len()));
            fs::copy(p, &dest).unwrap();
            out.push(dest);
        }
    }
    out
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

fn add(arch: &Path, docs: &Path) -> Command {
    let mut c = Command::new(assert_cmd::cargo::cargo_bin("wenshan"));
    c.args(["archive", "add"]).arg(docs).arg("--archive").arg(arch);
    // Small transactions: many commit points for the kills to land between.
    c.env("WENSHAN_ARCHIVE_BATCH", "3");
    c.stdout(Stdio::null()).stderr(Stdio::null());
    c
}

/// Opens and is consistent; returns the document count and how many of
/// them are up to date with their file (0 for an archive killed before its
/// schema was committed, which a re-run completes).
fn check_consistent(arch: &Path, files: &[PathBuf], run: usize) -> (u64, usize) {
    match Archive::open(arch) {
        Ok(a) => {
            let n = a
                .verify()
                .unwrap_or_else(|e| panic!("run {run}: inconsistent archive: {e}"));
            assert!(
                n as usize <= files.len(),
                "run {run}: {n} documents from {} files",
                files.len()
            );
            let stored = a.content_hashes().unwrap();
            let current = files
                .iter()
                .filter(|f| {
                    let key = a.key_of(f);
                    stored.get(&key) == Some(&xxhash_rust::xxh3::xxh3_64(&fs::read(f).unwrap()))
                })
                .count();
            (n, current)
        }
        Err(ArchiveError::Missing(_) | ArchiveError::Empty(_)) => (0, 0),
        Err(e) => panic!("run {run}: archive does not open: {e}"),
    }
}

#[test]
fn kill_9_during_archive_add_never_leaves_a_broken_archive() {
    let runs: usize = std::env::var("WENSHAN_KILL_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(50);
    let seed: u64 = std::env::var("WENSHAN_KILL_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    eprintln!("kill test: {runs} runs, WENSHAN_KILL_SEED={seed}");
    let mut rng = Rng(seed);
    let t = std::env::temp_dir().join(format!("wenshan-kill-{}", std::process::id()));
    let _ = fs::remove_dir_all(&t);
    let docs = t.join("docs");
    fs::create_dir_all(&docs).unwrap();
    let files = corpus(&docs);
    let arch = t.join("arch");

    // How long a whole add takes: kills are spread over that time.
    let start = Instant::now();
    assert!(add(&t.join("timing"), &docs).status().unwrap().success());
    let full = start.elapsed().as_micros() as u64;

    let mut killed_mid_write = 0;
    for run in 0..runs {
        if run % 5 == 0 {
            // From scratch: the kill lands in a large first add.
            let _ = fs::remove_dir_all(&arch);
        } else {
            // Change a few files so the add has replacements to make.
            for _ in 0..10 {
                let f = &files[(rng.next() % files.len() as u64) as usize];
                let mut text = fs::read(f).unwrap();
                text.extend_from_slice(format!("\n（第 {run} 次修改）\n").as_bytes());
                fs::write(f, text).unwrap();
            }
        }
        check_consistent(&arch, &files, run);
        let mut child = add(&arch, &docs).spawn().unwrap();
        std::thread::sleep(Duration::from_micros(rng.next() % (full + 1)));
        let finished = child.try_wait().unwrap().is_some();
        child.kill().ok(); // SIGKILL
        child.wait().unwrap();
        let (_, current) = check_consistent(&arch, &files, run);
        if !finished && current > 0 && current < files.len() {
            killed_mid_write += 1;
        }
    }
    eprintln!("kill test: {killed_mid_write} of {runs} kills landed in the middle of an add (some documents committed, not all)");

    // A final run completes the add; a second finds nothing to do.
    assert!(add(&arch, &docs).status().unwrap().success());
    assert_eq!(check_consistent(&arch, &files, runs), (files.len() as u64, files.len()));
    assert!(
        killed_mid_write >= runs / 25,
        "too few kills landed mid-add: {killed_mid_write}"
    );
    let out = Command::new(assert_cmd::cargo::cargo_bin("wenshan"))
        .args(["archive", "add"])
        .arg(&docs)
        .arg("--archive")
        .arg(&arch)
        .output()
        .unwrap();
    let msg = String::from_utf8_lossy(&out.stderr);
    assert!(msg.contains("新增 0 份，更新 0 份"), "{msg}");
    fs::remove_dir_all(&t).unwrap();
}
