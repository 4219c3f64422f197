//! CLI tests: run the `wenshan` binary on the bundled corpus and on small
//! folders made here, and assert on its JSON and exit codes.

use assert_cmd::Command;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

const DEMO: &str = "corpora/demo";

fn wenshan() -> Command {
    Command::cargo_bin("wenshan").unwrap()
}

fn scan_json(root: &Path, extra: &[&str]) -> Value {
    let out = wenshan()
        .arg("scan")
        .arg(root)
        .args(["--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "stderr: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("stdout is one JSON object")
}

fn labels() -> Vec<Value> {
    fs::read_to_string(Path::new(DEMO).join("labels.jsonl"))
        .unwrap()
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn pair_set(report: &Value) -> BTreeMap<(String, String), Value> {
    report["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                (
                    p["a"].as_str().unwrap().to_string(),
                    p["b"].as_str().unwrap().to_string(),
                ),
                p.clone(),
            )
        })
        .collect()
}

fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("wenshan-cli-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn demo_corpus_finds_every_labelled_duplicate_and_no_hard_negative() {
    let report = scan_json(Path::new(DEMO), &[]);
    assert_eq!(report["tool"], "wenshan");
    let docs = report["documents"].as_array().unwrap();
    assert!(docs.len() >= 60, "only {} documents", docs.len());
    for d in docs {
        assert!(d["error"].is_null(), "{} failed: {}", d["path"], d["error"]);
        assert_eq!(d["simhash"].as_str().unwrap().len(), 16);
    }
    let pairs = pair_set(&report);
    let mut missed = Vec::new();
    let mut false_alarms = Vec::new();
    for l in labels().iter().filter(|l| l["kind"] == "pair") {
        let key = (
            l["a"].as_str().unwrap().to_string(),
            l["b"].as_str().unwrap().to_string(),
        );
        match (l["duplicate"].as_bool().unwrap(), pairs.contains_key(&key)) {
            (true, false) => missed.push(key),
            (false, true) => false_alarms.push(key),
            _ => {}
        }
    }
    assert!(missed.is_empty(), "labelled duplicates not reported: {missed:#?}");
    assert!(
        false_alarms.is_empty(),
        "hard negatives reported as duplicates: {false_alarms:#?}"
    );
}

#[test]
fn pairs_are_ordered_once_and_numbers_are_consistent() {
    let report = scan_json(Path::new(DEMO), &[]);
    let mut seen = BTreeSet::new();
    for p in report["pairs"].as_array().unwrap() {
        let (a, b) = (p["a"].as_str().unwrap(), p["b"].as_str().unwrap());
        assert!(a < b, "{a} !< {b}");
        assert!(seen.insert((a.to_string(), b.to_string())), "pair twice: {a} {b}");
        let sim = p["similarity"].as_f64().unwrap();
        let (cab, cba) = (
            p["containment_a_in_b"].as_f64().unwrap(),
            p["containment_b_in_a"].as_f64().unwrap(),
        );
        // Jaccard never exceeds either containment.
        assert!(sim <= cab + 1e-4 && sim <= cba + 1e-4, "{p}");
        match p["relation"].as_str().unwrap() {
            "exact" => assert_eq!(sim, 1.0),
            "near_duplicate" => assert!(sim >= 0.8),
            "containment" | "forwarding" => assert!(cab.max(cba) >= 0.8),
            "reissue" => assert!(!p["changes"].as_array().unwrap().is_empty(), "{p}"),
            other => panic!("unknown relation {other}"),
        }
    }
}

#[test]
fn families_start_with_the_earliest_dated_member() {
    let report = scan_json(Path::new(DEMO), &[]);
    let dates: BTreeMap<&str, Option<&str>> = report["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["path"].as_str().unwrap(), d["date"].as_str()))
        .collect();
    let families = report["families"].as_array().unwrap();
    assert!(!families.is_empty());
    for f in families {
        let members: Vec<&str> = f["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m.as_str().unwrap())
            .collect();
        assert_eq!(f["earliest"].as_str().unwrap(), members[0]);
        let known: Vec<&str> = members.iter().filter_map(|m| dates[m]).collect();
        assert!(
            known.windows(2).all(|w| w[0] <= w[1]),
            "family not in date order: {members:?} {known:?}"
        );
    }
}

#[test]
fn output_is_identical_across_thread_counts() {
    let one = wenshan()
        .args(["--threads", "1", "scan", DEMO, "--format", "json"])
        .output()
        .unwrap();
    let four = wenshan()
        .args(["--threads", "4", "scan", DEMO, "--format", "json"])
        .output()
        .unwrap();
    assert!(one.status.success() && four.status.success());
    assert!(one.stdout == four.stdout, "JSON differs between 1 and 4 threads");
}

#[test]
fn a_document_is_its_own_duplicate() {
    let d = tempdir("self");
    let src = fs::read_dir(Path::new(DEMO).join("a"))
        .unwrap()
        .flatten()
        .find(|e| e.path().is_dir())
        .unwrap()
        .path();
    let file = fs::read_dir(&src)
        .unwrap()
        .flatten()
        .find(|e| e.path().extension().is_some_and(|x| x == "txt"))
        .unwrap()
        .path();
    fs::copy(&file, d.join("原件.txt")).unwrap();
    fs::copy(&file, d.join("副本.txt")).unwrap();
    let report = scan_json(&d, &[]);
    let pairs = report["pairs"].as_array().unwrap();
    assert_eq!(pairs.len(), 1, "{report}");
    assert_eq!(pairs[0]["relation"], "exact");
    assert_eq!(pairs[0]["similarity"], 1.0);
    assert_eq!(pairs[0]["hamming"], 0);
    fs::remove_dir_all(&d).unwrap();
}

#[test]
fn bad_files_get_errors_and_the_batch_goes_on() {
    let d = tempdir("bad");
    let good = fs::read_dir(Path::new(DEMO).join("b"))
        .unwrap()
        .flatten()
        .find(|e| e.path().is_dir())
        .unwrap()
        .path();
    for e in fs::read_dir(&good)
        .unwrap()
        .flatten()
        .filter(|e| e.path().extension().is_some_and(|x| x == "txt"))
    {
        fs::copy(e.path(), d.join(e.file_name())).unwrap();
    }
    fs::write(d.join("空文件.txt"), "").unwrap();
    fs::write(
        d.join("乱码.txt"),
        (0..4096u32).map(|i| (i * 7919 % 251) as u8).collect::<Vec<u8>>(),
    )
    .unwrap();
    fs::write(d.join("损坏.docx"), b"PK\x03\x04 this is not really a zip").unwrap();
    let report = scan_json(&d, &[]);
    let docs = report["documents"].as_array().unwrap();
    let errors: BTreeMap<&str, &str> = docs
        .iter()
        .filter_map(|d| Some((d["path"].as_str().unwrap(), d["error"].as_str()?)))
        .collect();
    assert_eq!(
        errors.keys().copied().collect::<Vec<_>>(),
        ["乱码.txt", "损坏.docx", "空文件.txt"],
        "{errors:?}"
    );
    assert!(docs.iter().filter(|d| d["error"].is_null()).count() >= 2);
    assert!(errors.values().all(|e| !e.is_empty()));
    fs::remove_dir_all(&d).unwrap();
}

#[test]
fn report_can_be_written_to_a_file_and_terminal_report_is_chinese() {
    let d = tempdir("out");
    let out = d.join("report.json");
    wenshan()
        .args(["scan", DEMO, "--format", "json", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    let v: Value = serde_json::from_str(&fs::read_to_string(&out).unwrap()).unwrap();
    assert!(v["documents"].as_array().unwrap().len() >= 60);
    let text = wenshan().args(["scan", DEMO]).output().unwrap();
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("组相似文件") && text.contains("相似度"), "{text}");
    fs::remove_dir_all(&d).unwrap();
}

#[test]
fn failures_of_the_run_exit_with_2() {
    wenshan().args(["scan", "/nonexistent/草稿"]).assert().code(2);
    wenshan().args(["scan"]).assert().code(2);
    wenshan().args(["scan", DEMO, "--format", "xml"]).assert().code(2);
}

#[test]
fn empty_folder_is_a_successful_scan() {
    let d = tempdir("empty");
    let report = scan_json(&d, &[]);
    assert_eq!(report["documents"].as_array().unwrap().len(), 0);
    assert_eq!(report["pairs"].as_array().unwrap().len(), 0);
    fs::remove_dir_all(&d).unwrap();
}

#[test]
fn structure_fields_match_the_labels() {
    let report = scan_json(Path::new(DEMO), &[]);
    let docs: BTreeMap<&str, &Value> = report["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["path"].as_str().unwrap(), d))
        .collect();
    let labels = labels();
    let mut right: BTreeMap<&str, usize> = BTreeMap::new();
    let mut wrong: Vec<String> = Vec::new();
    let mut total = 0;
    for l in labels.iter().filter(|l| l["kind"] == "document") {
        total += 1;
        let d = docs[l["path"].as_str().unwrap()];
        for field in ["title", "genre", "doc_number", "issuer", "date"] {
            if d[field] == l[field] {
                *right.entry(field).or_default() += 1;
            } else {
                wrong.push(format!("{} {field}: got {} want {}", l["path"], d[field], l[field]));
            }
        }
    }
    // 文号 and 成文日期 decide family order and are shown to reviewers: all must be right.
    for field in ["doc_number", "date"] {
        assert_eq!(right[field], total, "{field} wrong: {wrong:#?}");
    }
    for field in ["title", "genre", "issuer"] {
        assert!(
            right[field] * 100 >= total * 95,
            "{field}: {}/{total} right: {wrong:#?}",
            right[field]
        );
    }
}

/// `wenshan scan … | head`: the reader closes the pipe early. The run stops
/// quietly, as ripgrep does: no panic, no error message, exit 0.
#[test]
fn a_closed_pipe_ends_the_run_quietly() {
    for format in ["terminal", "json"] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("wenshan"))
            .args(["scan", DEMO, "--format", format])
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Both reports are larger than a pipe's buffer, so a write meets the closed end.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(
            !stderr.contains("panicked") && !stderr.contains("错误"),
            "{format}: {stderr}"
        );
        assert_eq!(out.status.code(), Some(0), "{format}: {stderr}");
    }
}

/// A reviewer adds up what the terminal report says: with one shared
/// passage, the pair's shared total and the passage's length are one number
/// (line breaks count in neither).
#[test]
fn a_single_passage_has_the_pair_s_shared_length() {
    let out = wenshan().args(["scan", DEMO]).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let number = |s: &str, before: &str, after: &str| -> usize {
        let rest = &s[s.find(before).unwrap() + before.len()..];
        rest[..rest.find(after).unwrap()].parse().unwrap()
    };
    let mut checked = 0;
    for (i, l) in lines.iter().enumerate() {
        if l.trim_start().starts_with("重复段落 1 处") {
            let total = number(l, "共 ", " 字");
            let passage = number(lines[i + 1], "行（", "字）");
            assert_eq!(total, passage, "{l}\n{}", lines[i + 1]);
            checked += 1;
        }
    }
    assert!(checked >= 3, "only {checked} single-passage pairs in the demo report");
}

/// Rules turned off in wenshan.toml neither report nor flag: a document the
/// default rules find 高度疑似 is not flagged, with no evidence, once every
/// rule is ignored.
#[test]
fn ignored_rules_leave_no_verdict_without_evidence() {
    let dir = tempdir("ignored-rules");
    fs::copy("corpora/white_header/docs/a002.txt", dir.join("a002.txt")).unwrap();
    let verdict = |report: &Value| {
        let d = &report["documents"][0]["disguised_issuance"];
        (
            d["verdict"].as_str().unwrap().to_string(),
            d["findings"].as_array().unwrap().len(),
        )
    };
    let (v, n) = verdict(&scan_json(&dir, &[]));
    assert!(v == "likely" && n > 0, "{v} with {n} findings by default");
    fs::write(dir.join("wenshan.toml"), "[white-header]\nignore = [\"WH\"]\n").unwrap();
    assert_eq!(verdict(&scan_json(&dir, &[])), ("unlikely".to_string(), 0));
}

/// Pairs read old → new in the terminal report, whatever order the file
/// names give: here the later notice sorts first.
#[test]
fn changes_read_from_the_earlier_document_to_the_later() {
    let dir = tempdir("old-to-new");
    let src = Path::new(DEMO).join("a/01-防汛");
    fs::copy(
        src.join("2024-青禾县政府办-关于做好2024年防汛工作的通知.txt"),
        dir.join("a.txt"),
    )
    .unwrap();
    fs::copy(
        src.join("2023-青禾县政府办-关于做好2023年防汛工作的通知.txt"),
        dir.join("b.txt"),
    )
    .unwrap();
    let out = wenshan().arg("scan").arg(&dir).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("[1]↔[2]") && text.contains("〔2023〕11号→〔2024〕7号"),
        "{text}"
    );
    assert!(!text.contains("〔2024〕7号→〔2023〕11号"), "{text}");
}

/// A report saved into the folder it scanned (HTML with -o, or the terminal
/// report redirected to a .txt) is not read as a document by the next scan.
#[test]
fn reports_saved_in_the_scanned_folder_are_not_documents() {
    let dir = tempdir("own-reports");
    let src = Path::new(DEMO).join("a/01-防汛");
    for e in fs::read_dir(&src).unwrap().flatten() {
        fs::copy(e.path(), dir.join(e.file_name())).unwrap();
    }
    let before = scan_json(&dir, &[]);
    wenshan()
        .arg("scan")
        .arg(&dir)
        .args(["--format", "html", "-o"])
        .arg(dir.join("审查报告.html"))
        .assert()
        .success();
    let terminal = wenshan().arg("scan").arg(&dir).output().unwrap().stdout;
    fs::write(dir.join("报告.txt"), terminal).unwrap();
    let after = scan_json(&dir, &[]);
    assert_eq!(pair_set(&after).len(), pair_set(&before).len());
    for name in ["审查报告.html", "报告.txt"] {
        let d = after["documents"]
            .as_array()
            .unwrap()
            .iter()
            .find(|d| d["path"] == name)
            .unwrap();
        assert_eq!(d["error"], "wenshan 生成的审查报告，不参与比对", "{name}");
    }
}

/// `wenshan verify` names the documents of its pairs that it cannot find,
/// instead of dropping their pairs without a word.
#[test]
fn verify_names_the_documents_it_cannot_find() {
    let dir = tempdir("verify-missing");
    let pairs = dir.join("pairs.jsonl");
    fs::write(
        &pairs,
        "{\"a\":\"nonexist.txt\",\"b\":\"a/01-防汛/2023-青禾县政府办-关于做好2023年防汛工作的通知.txt\"}\n",
    )
    .unwrap();
    let out = wenshan()
        .args(["verify", "--docs", DEMO, "--pairs"])
        .arg(&pairs)
        .output()
        .unwrap();
    assert!(out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("跳过含 nonexist.txt 的文件对"), "{stderr}");
}
