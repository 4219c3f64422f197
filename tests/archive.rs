//! The archive and `check`: check agrees with scan, the draft fingerprint
//! path equals the full one, incremental adds, exit codes, concurrent
//! readers and writers.

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

const DEMO: &str = "corpora/demo";

fn wenshan() -> Command {
    Command::cargo_bin("wenshan").unwrap()
}

fn temp(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("wenshan-test-archive-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}

fn files(root: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir::WalkDir::new(root)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .map(|e| e.into_path())
        .filter(|p| wenshan::walk::has_extension(p, wenshan::read::EXTENSIONS))
        .collect();
    v.sort();
    v
}

fn copy_tree(from: &Path, to: &Path) {
    for f in files(from) {
        let dest = to.join(f.strip_prefix(from).unwrap());
        fs::create_dir_all(dest.parent().unwrap()).unwrap();
        fs::copy(&f, &dest).unwrap();
    }
}

#[test]
fn draft_fingerprint_equals_the_scan_fingerprint_on_every_corpus_document() {
    let mut n = 0;
    // Every demo document and every fifth labelled one (debug builds are slow).
    for (root, every) in [(DEMO, 1), ("corpora/white_header", 5)] {
        for f in files(Path::new(root)).into_iter().step_by(every) {
            let Ok(raw) = wenshan::read::read_file(&f) else {
                continue;
            };
            let full = wenshan::scan::analyze(&raw, wenshan::fingerprint::Method::Weighted).fingerprint;
            assert_eq!(wenshan::check::draft_fingerprint(&raw), full, "{}", f.display());
            n += 1;
        }
    }
    assert!(n > 80, "{n}");
}

/// (draft, archived, relation, similarity, containments and Hamming distance)
type PairKey = (String, String, String, String, String);

/// Archive `corpus` without the `held` documents, check those, and compare
/// with the pairs `scan` reports between them and the archived documents.
fn check_agrees_with_scan(name: &str, corpus: &str, held: &[String]) -> usize {
    let t = temp(name);
    copy_tree(Path::new(corpus), &t.join("docs"));
    fs::create_dir_all(t.join("drafts")).unwrap();
    let mut drafts = Vec::new();
    for (i, h) in held.iter().enumerate() {
        let name = format!("drafts/{i}-{}", Path::new(h).file_name().unwrap().to_string_lossy());
        fs::rename(t.join("docs").join(h), t.join(&name)).unwrap_or_else(|e| panic!("{h}: {e}"));
        drafts.push(name);
    }
    wenshan()
        .current_dir(&t)
        .args(["archive", "add", "docs"])
        .assert()
        .success();

    let scan = wenshan()
        .current_dir(&t)
        .args(["scan", ".", "--format", "json", "--no-white-header"])
        .output()
        .unwrap();
    let scan: Value = serde_json::from_slice(&scan.stdout).unwrap();
    let is_draft = |p: &str| p.starts_with("drafts/");
    let mut want: BTreeSet<PairKey> = BTreeSet::new();
    for p in scan["pairs"].as_array().unwrap() {
        let (a, b) = (p["a"].as_str().unwrap(), p["b"].as_str().unwrap());
        // Pairs of a draft with an archived document, oriented draft first.
        let (d, o, a_in_b, b_in_a) = match (is_draft(a), is_draft(b)) {
            (true, false) => (a, b, &p["containment_a_in_b"], &p["containment_b_in_a"]),
            (false, true) => (b, a, &p["containment_b_in_a"], &p["containment_a_in_b"]),
            _ => continue,
        };
        want.insert((
            d.into(),
            o.into(),
            p["relation"].to_string(),
            p["similarity"].to_string(),
            format!("{a_in_b} {b_in_a} {}", p["hamming"]),
        ));
    }

    let out = wenshan()
        .current_dir(&t)
        .arg("check")
        .args(&drafts)
        .args(["--format", "json", "--no-white-header"])
        .output()
        .unwrap();
    let code = if want.is_empty() { 0 } else { 1 };
    assert_eq!(
        out.status.code(),
        Some(code),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let check: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut got: BTreeSet<PairKey> = BTreeSet::new();
    for d in check["drafts"].as_array().unwrap() {
        for m in d["matches"].as_array().unwrap() {
            got.insert((
                m["a"].as_str().unwrap().into(),
                m["b"].as_str().unwrap().into(),
                m["relation"].to_string(),
                m["similarity"].to_string(),
                format!(
                    "{} {} {}",
                    m["containment_a_in_b"], m["containment_b_in_a"], m["hamming"]
                ),
            ));
            // Contract field names of the archived document.
            for k in ["path", "title", "doc_number", "date", "simhash"] {
                assert!(m["archived"].get(k).is_some(), "{k}");
            }
        }
        assert!(d["verdict"].as_str().unwrap().starts_with("结论："));
    }
    assert_eq!(got, want);
    fs::remove_dir_all(&t).unwrap();
    want.len()
}

#[test]
fn check_finds_exactly_the_pairs_scan_finds_for_the_draft() {
    // Drafts with copies in the archive (near-duplicates, re-dated copies), and one without.
    let held: Vec<String> = [
        "a/01-防汛/2025-青禾县政府办-关于做好2025年防汛工作的通知.txt",
        "b/07-跨时抄-农业农村工作要点/青禾县农业农村局-关于印发2025年全县农业农村工作要点的通知.txt",
        "b/08-跨时抄-爱国卫生工作要点/青禾县爱国卫生运动委员会-青禾县2025年爱国卫生工作要点.txt",
        "b/12-单篇/青禾县人民政府-关于同意柳溪镇调整部分村民小组设置的批复.txt",
    ]
    .map(String::from)
    .to_vec();
    let n = check_agrees_with_scan("agree-demo", DEMO, &held);
    assert!(n >= 3, "the held-out drafts have archived copies: {n}");
    // Passage reuse: the last document of every group of corpora/reuse
    // (reissues, level copies, embedded passages, same-topic negatives).
    let root = Path::new("corpora/reuse");
    let mut held = Vec::new();
    for group in fs::read_dir(root)
        .unwrap()
        .filter_map(Result::ok)
        .filter(|e| e.path().is_dir())
    {
        if let Some(last) = files(&group.path()).pop() {
            held.push(last.strip_prefix(root).unwrap().to_string_lossy().into_owned());
        }
    }
    held.sort();
    let n = check_agrees_with_scan("agree-reuse", "corpora/reuse", &held);
    assert!(n >= 2, "{n}");
}

#[test]
fn incremental_add_status_export_and_exit_codes() {
    let t = temp("incr");
    let docs = t.join("docs");
    copy_tree(&Path::new(DEMO).join("a/01-防汛"), &docs);
    copy_tree(&Path::new(DEMO).join("b/12-单篇"), &docs.join("single"));
    let arch = t.join("arch");
    let arch_s = arch.to_str().unwrap();
    let add = |extra: &[&str]| {
        let out = wenshan()
            .args(["archive", "add"])
            .arg(&docs)
            .args(["--archive", arch_s])
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        String::from_utf8(out.stderr).unwrap()
    };
    let first = add(&[]);
    assert!(first.contains("未变 0 份"), "{first}");
    let again = add(&[]);
    assert!(again.contains("新增 0 份，更新 0 份"), "{again}");
    // Change one file: replaced, not duplicated.
    let f = files(&docs)
        .into_iter()
        .find(|p| p.extension().is_some_and(|e| e == "txt") && fs::read_to_string(p).is_ok())
        .unwrap();
    let mut text = fs::read_to_string(&f).unwrap();
    text.push_str("\n附：联系人张三，电话12345678。\n");
    fs::write(&f, text).unwrap();
    let changed = add(&[]);
    assert!(changed.contains("更新 1 份"), "{changed}");
    wenshan()
        .args(["archive", "verify", "--archive", arch_s])
        .assert()
        .success();

    // Status, then check shows it; JSON export has a row per document.
    wenshan()
        .args(["archive", "status"])
        .arg(&f)
        .args(["已废止", "--archive", arch_s])
        .assert()
        .success();
    wenshan()
        .args(["archive", "status"])
        .arg(&f)
        .args(["作废了", "--archive", arch_s])
        .assert()
        .code(2);
    let export = wenshan()
        .args(["archive", "export", "--archive", arch_s])
        .output()
        .unwrap();
    let rows: Vec<Value> = String::from_utf8(export.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let n_docs = files(&docs).len();
    assert_eq!(rows.iter().filter(|r| r["kind"] == "document").count(), n_docs);
    assert!(rows.iter().any(|r| r["status"] == "已废止"));

    // A draft like the 2024 notice: findings (1); the status of the archived copy shown.
    let draft = t.join("draft.txt");
    fs::copy(
        Path::new(DEMO).join("a/01-防汛/2024-青禾县政府办-关于做好2024年防汛工作的通知.txt"),
        &draft,
    )
    .unwrap();
    let out = wenshan()
        .arg("check")
        .arg(&draft)
        .args(["--archive", arch_s, "--format", "json", "--no-white-header"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    let m = &v["drafts"][0]["matches"];
    assert!(m.as_array().unwrap().len() >= 2, "{m}");
    assert!(m.as_array().unwrap().iter().any(|x| x["status"] == "已废止"), "{m}");
    // A draft unlike anything archived: nothing found (0).
    let unique = t.join("unique.txt");
    fs::write(
        &unique,
        "关于调整机关食堂开饭时间的通知\n各科室：\n自下周一起，午餐时间调整为十一时半至十二时半。\n",
    )
    .unwrap();
    wenshan()
        .arg("check")
        .arg(&unique)
        .args(["--archive", arch_s, "--no-white-header"])
        .assert()
        .code(0);
    // Errors (2): no archive; a draft that does not exist.
    let out = wenshan()
        .arg("check")
        .arg(&unique)
        .args(["--archive", t.join("none").to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("不存在"));
    wenshan()
        .args(["check", "missing.txt", "--archive", arch_s])
        .assert()
        .code(2);
    // Remove a folder of documents.
    wenshan()
        .args(["archive", "remove"])
        .arg(docs.join("single"))
        .args(["--archive", arch_s])
        .assert()
        .success();
    let out = wenshan()
        .args(["archive", "verify", "--archive", arch_s])
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&out.stdout).contains(&format!("{} 份", n_docs - files(&docs.join("single")).len()))
    );
    fs::remove_dir_all(&t).unwrap();
}

#[test]
fn readers_run_while_a_writer_adds_and_two_writers_wait_for_each_other() {
    let t = temp("concurrent");
    copy_tree(Path::new(DEMO), &t.join("docs"));
    let arch = t.join("arch");
    let arch_s = arch.to_str().unwrap().to_string();
    // An archive to read from the start.
    wenshan()
        .args(["archive", "add"])
        .arg(t.join("docs/a"))
        .args(["--archive", &arch_s])
        .assert()
        .success();
    let bin = assert_cmd::cargo::cargo_bin("wenshan");
    let spawn_add = |dir: &str| {
        std::process::Command::new(&bin)
            .args(["archive", "add"])
            .arg(t.join(dir))
            .args(["--archive", &arch_s])
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap()
    };
    let w1 = spawn_add("docs/b");
    let w2 = spawn_add("docs");
    let draft = t.join("docs/a/01-防汛/2024-青禾县政府办-关于做好2024年防汛工作的通知.txt");
    let mut reads = 0;
    let start = std::time::Instant::now();
    while reads < 5 || start.elapsed().as_millis() < 500 {
        let out = wenshan()
            .arg("check")
            .arg(&draft)
            .args(["--archive", &arch_s, "--no-white-header", "--format", "json"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", String::from_utf8_lossy(&out.stderr));
        reads += 1;
        if start.elapsed().as_secs() > 20 {
            break;
        }
    }
    let mut waited = 0;
    for w in [w1, w2] {
        let out = w.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{err}");
        waited += usize::from(err.contains("另一个进程正在写入该档案库"));
    }
    // At most one had to wait (none if the first was done before the second started).
    assert!(waited <= 1, "{waited}");
    let out = wenshan()
        .args(["archive", "verify", "--archive", &arch_s])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stdout).contains(&format!("{} 份", files(&t.join("docs")).len())));
    fs::remove_dir_all(&t).unwrap();
}

#[test]
fn a_second_writer_says_it_waits_and_finishes_after_the_first() {
    let t = temp("lock");
    copy_tree(&Path::new(DEMO).join("a/01-防汛"), &t.join("docs"));
    let arch = t.join("arch");
    let first = wenshan::archive::Archive::open_write(&arch, &()).unwrap();
    let mut second = std::process::Command::new(assert_cmd::cargo::cargo_bin("wenshan"))
        .args(["archive", "add"])
        .arg(t.join("docs"))
        .arg("--archive")
        .arg(&arch)
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    assert!(second.try_wait().unwrap().is_none(), "the second writer must wait");
    drop(first);
    let out = second.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{err}");
    assert!(err.contains("另一个进程正在写入该档案库"), "{err}");
    assert!(err.contains("新增 3 份"), "{err}");
    fs::remove_dir_all(&t).unwrap();
}

/// One unreadable draft does not hide the others: they are checked and
/// reported, the bad one is listed with why, and the exit code says the run
/// was not complete (2). A folder with no draft to read is an error too.
#[test]
fn an_unreadable_draft_is_listed_and_the_batch_goes_on() {
    let t = temp("bad-draft");
    let arch = t.join("arch");
    let arch_s = arch.to_str().unwrap();
    wenshan()
        .args(["archive", "add"])
        .arg(Path::new(DEMO).join("a/01-防汛"))
        .args(["--archive", arch_s])
        .assert()
        .success();
    let drafts = t.join("drafts");
    fs::create_dir_all(&drafts).unwrap();
    fs::copy(
        Path::new(DEMO).join("a/01-防汛/2024-青禾县政府办-关于做好2024年防汛工作的通知.txt"),
        drafts.join("copy.txt"),
    )
    .unwrap();
    fs::write(drafts.join("empty.txt"), "").unwrap();
    let out = wenshan()
        .arg("check")
        .arg(&drafts)
        .args(["--format", "json", "--archive", arch_s])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report["drafts"].as_array().unwrap().len(), 1);
    assert_eq!(report["findings"], true);
    assert_eq!(report["unreadable"][0]["error"], "文件为空");

    let none = t.join("none");
    fs::create_dir_all(&none).unwrap();
    fs::write(none.join("notes.rtf"), "{\\rtf1 x}").unwrap();
    let out = wenshan()
        .arg("check")
        .arg(&none)
        .args(["--archive", arch_s])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("未找到可检查的草稿"));
}
