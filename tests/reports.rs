//! The human-facing reports: `--format html` opened in a real headless
//! browser (DOM dump and screenshot), and `--format csv` parsed back.
//!
//! The browser tests skip, with a printed reason, only where no Chromium or
//! Chrome can be found (`WENSHAN_BROWSER`, or chromium / chromium-browser /
//! google-chrome on PATH). Screenshots are kept under target/tmp/reports/.

use assert_cmd::Command;
use serde_json::Value;
use std::collections::BTreeSet;
use std::fs;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::process::Stdio;
use std::sync::Mutex;
use std::time::{Duration, Instant};
use wenshan::fingerprint::Fingerprint;
use wenshan::report::{
    Change, DiffSpan, DisguisedIssuance, DocumentEntry, FamilyEntry, FindingEntry, PairEntry, PassageEntry, Ratios,
    Report, SectionRatio, Verdict, DOCUMENT_HEADER, PAIR_HEADER,
};
use wenshan::verify::Relation;
use wenshan::{Date, Genre};

const DEMO: &str = "corpora/demo";
const BOM: &[u8] = b"\xEF\xBB\xBF";

fn wenshan() -> Command {
    Command::cargo_bin("wenshan").unwrap()
}

fn outdir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join("reports").join(name);
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}

// ---------------------------------------------------------------- browser

fn browser() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("WENSHAN_BROWSER") {
        return Some(PathBuf::from(p));
    }
    let path = std::env::var_os("PATH")?;
    ["chromium", "chromium-browser", "google-chrome", "google-chrome-stable"]
        .iter()
        .flat_map(|name| std::env::split_paths(&path).map(move |dir| dir.join(name)))
        .find(|c| c.is_file())
}

/// Writes past the test harness's output capture, so CI logs show it.
fn say(line: &str) {
    let _ = writeln!(std::io::stderr(), "{line}");
}

fn skip_browser() {
    say("reports: browser checks skipped: no chromium, chromium-browser or google-chrome on PATH, no WENSHAN_BROWSER");
}

/// One browser at a time: the test machines have two cores.
static BROWSER: Mutex<()> = Mutex::new(());

/// Runs headless Chromium on a local file with the flags that keep it off
/// the (closed) network, and returns its stdout.
fn chromium(exe: &Path, work: &Path, page: &Path, extra: &[String]) -> String {
    let _one = BROWSER.lock().unwrap_or_else(|e| e.into_inner());
    let profile = work.join(format!("profile-{}", extra.len()));
    let _ = fs::remove_dir_all(&profile);
    let stdout_file = work.join("chromium.stdout");
    let mut child = std::process::Command::new(exe)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--hide-scrollbars",
        ])
        .arg(format!("--user-data-dir={}", profile.display()))
        .args(extra)
        .arg(format!("file://{}", page.canonicalize().unwrap().display()))
        .stdin(Stdio::null())
        .stdout(fs::File::create(&stdout_file).unwrap())
        .stderr(Stdio::null())
        .spawn()
        .expect("browser starts");
    let deadline = Instant::now() + Duration::from_secs(120);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            panic!("{} did not finish within 120 s", exe.display());
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(status.success(), "{} failed: {status}", exe.display());
    let _ = fs::remove_dir_all(&profile);
    fs::read_to_string(stdout_file).unwrap()
}

fn dump_dom(exe: &Path, work: &Path, page: &Path) -> String {
    chromium(exe, work, page, &["--dump-dom".into()])
}

/// Screenshots the page and checks it is a real 1280×2000 PNG with content.
fn screenshot(exe: &Path, work: &Path, page: &Path) -> PathBuf {
    let png = work.join(page.with_extension("png").file_name().unwrap());
    let _ = fs::remove_file(&png);
    chromium(
        exe,
        work,
        page,
        &[
            format!("--screenshot={}", png.display()),
            "--window-size=1280,2000".into(),
        ],
    );
    let bytes = fs::read(&png).expect("screenshot written");
    assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let be32 = |at: usize| u32::from_be_bytes(bytes[at..at + 4].try_into().unwrap());
    assert_eq!((be32(16), be32(20)), (1280, 2000), "IHDR size");
    // A blank page compresses to a few kilobytes; a rendered report does not.
    assert!(bytes.len() > 30_000, "screenshot only {} bytes", bytes.len());
    say(&format!("screenshot: {}", png.display()));
    png
}

// ---------------------------------------------------------------- helpers

/// Every in-page link (`href="#x"`) has its target (`id="x"`).
fn assert_links_resolve(html: &str) {
    let grab = |prefix: &str| -> BTreeSet<String> {
        html.split(prefix)
            .skip(1)
            .map(|rest| rest[..rest.find('"').unwrap()].to_string())
            .collect()
    };
    let ids = grab(" id=\"");
    let missing: Vec<String> = grab("href=\"#").difference(&ids).cloned().collect();
    assert!(missing.is_empty(), "links without targets: {missing:?}");
}

fn count(hay: &str, needle: &str) -> usize {
    hay.matches(needle).count()
}

fn doc(path: &str, date: Option<Date>, total: f64, verdict: Verdict, findings: Vec<FindingEntry>) -> DocumentEntry {
    DocumentEntry {
        path: path.into(),
        title: Some(format!(
            "青禾县应急管理局关于{}的通知",
            &path[..path.find('.').unwrap()]
        )),
        genre: Some(Genre::Circular),
        doc_number: Some("青应急发〔2025〕3号".into()),
        issuer: Some("青禾县应急管理局".into()),
        date,
        chars: 2_000,
        simhash: Some(Fingerprint(7)),
        error: None,
        ratios: Some(Ratios {
            total,
            excluding_forwarding: total / 2.0,
            largest_source: (total > 0.0).then(|| "2023 <源> & \"旧\".txt".into()),
            largest_source_ratio: total * 0.9,
            sections: vec![
                SectionRatio {
                    heading: "一、压实防汛责任".into(),
                    ratio: total,
                },
                SectionRatio {
                    heading: "二、加强隐患排查".into(),
                    ratio: 0.1,
                },
            ],
        }),
        disguised_issuance: Some(DisguisedIssuance {
            verdict,
            score: match verdict {
                Verdict::Likely => 88,
                Verdict::Review => 55,
                Verdict::Unlikely => 5,
            },
            carrier: "工作提示".into(),
            direction: "down".into(),
            findings,
        }),
    }
}

fn finding(rule: &str, text: &str, weight: i32) -> FindingEntry {
    FindingEntry {
        rule: rule.into(),
        message: format!("{rule}：部门向乡镇部署任务 <须核实>"),
        line: 12,
        column: 3,
        start: 140,
        end: 149,
        text: text.into(),
        weight,
        source: String::new(),
        source_column: 0,
    }
}

fn span(op: &'static str, text: &str) -> DiffSpan {
    DiffSpan { op, text: text.into() }
}

/// A report with every part filled: ratios in all three colours, findings,
/// a read error, passages with diffs, reissue changes, hostile paths.
fn full_report() -> Report {
    let old = "2023 <源> & \"旧\".txt";
    let new = "2025 <script>alert(1)</script>.txt";
    let mid = "2024-中间稿.txt";
    let mut bad = doc("损坏.docx", None, 0.0, Verdict::Unlikely, vec![]);
    bad.error = Some("不是有效的 docx（zip 结构损坏）<EOF>".into());
    bad.ratios = None;
    bad.disguised_issuance = None;
    let passage = PassageEntry {
        a_start: 120,
        a_end: 168,
        b_start: 118,
        b_end: 166,
        a_line: 8,
        b_line: 9,
        text: "各乡镇要于2023年5月20日前完成隐患排查，并将结果报县应急管理局。".into(),
        diff: vec![
            span("equal", "各乡镇要于"),
            span("delete", "2023年5月20日"),
            span("insert", "2025年6月30日"),
            span("equal", "前完成隐患排查，并将结果报县应急管理局。"),
        ],
    };
    let identical = PassageEntry {
        a_start: 300,
        a_end: 330,
        b_start: 310,
        b_end: 340,
        a_line: 15,
        b_line: 16,
        text: "严格落实24小时值班和领导带班制度 & “零报告”制度。".into(),
        diff: vec![],
    };
    Report {
        tool: "wenshan",
        version: "0.1.0",
        root: "草稿 <2025>".into(),
        documents: vec![
            doc(old, Date::new(2023, 4, 20), 0.0, Verdict::Unlikely, vec![]),
            doc(
                new,
                Date::new(2025, 4, 18),
                0.874,
                Verdict::Likely,
                vec![
                    finding("WH005", "各乡镇人民政府：", 30),
                    finding("WH008", "请于5月20日前报送落实情况 <附表>", 15),
                    finding("WH010", "正式文号", -10),
                ],
            ),
            doc(
                mid,
                Date::new(2024, 4, 12),
                0.31,
                Verdict::Review,
                vec![finding("WH001", "纳入年度考核", 20)],
            ),
            bad,
        ],
        pairs: vec![
            PairEntry {
                a: old.into(),
                b: new.into(),
                hamming: 4,
                similarity: 0.8391,
                containment_a_in_b: 0.9176,
                containment_b_in_a: 0.9074,
                relation: Relation::Reissue,
                passages: vec![passage, identical],
                changes: vec![
                    Change {
                        kind: "year",
                        from: "2023年".into(),
                        to: "2025年".into(),
                    },
                    Change {
                        kind: "level",
                        from: "全省".into(),
                        to: "全县".into(),
                    },
                ],
                shared_chars: 1_748,
            },
            PairEntry {
                a: mid.into(),
                b: new.into(),
                hamming: 9,
                similarity: 0.12,
                containment_a_in_b: 0.81,
                containment_b_in_a: 0.15,
                relation: Relation::Containment,
                passages: vec![],
                changes: vec![],
                shared_chars: 300,
            },
        ],
        families: vec![FamilyEntry {
            members: vec![old.into(), mid.into(), new.into()],
            earliest: old.into(),
        }],
    }
}

// ---------------------------------------------------------------- HTML

#[test]
fn full_report_renders_every_part_in_a_browser() {
    let html = full_report().to_html();
    assert_links_resolve(&html);
    assert!(!html.contains("<script"), "a path became markup");
    assert!(
        !html.contains("http://") && !html.contains("https://"),
        "page refers to the network"
    );
    for want in [
        "id=\"doc-table\"",
        "id=\"pair-table\"",
        "id=\"pair-1-p1-a\"",
        "id=\"pair-1-p2-b\"",
        "href=\"#pair-1-p1-b\"",
        "href=\"#pair-2\"",
        "推定原始文件",
        "换日期/层级重发",
        "<del title=\"仅见于A\">2023年5月20日</del>",
        "<ins title=\"仅见于B\">2025年6月30日</ins>",
        "2023年</span>→<span class=\"to\">2025年",
        "第12行第3列",
        "&lt;script&gt;alert(1)&lt;/script&gt;",
        "读取失败：不是有效的 docx（zip 结构损坏）&lt;EOF&gt;",
        "一、压实防汛责任",
        "下行",
    ] {
        assert!(html.contains(want), "missing {want}");
    }
    let Some(exe) = browser() else {
        return skip_browser();
    };
    let work = outdir("full");
    let page = work.join("full.html");
    fs::write(&page, &html).unwrap();
    let dom = dump_dom(&exe, &work, &page);
    assert!(!dom.contains("<script"), "the browser built a script element");
    // The parsed page keeps the structure: three documents, one error row,
    // two pair sections, two passages in both columns, four findings.
    assert_eq!(count(&dom, "<tr id=\"doc-"), 4, "{dom}");
    assert_eq!(count(&dom, "class=\"card pair\""), 2);
    assert_eq!(count(&dom, "class=\"pcell\" id=\"pair-1-p"), 4);
    assert_eq!(count(&dom, "<table class=\"findings\">"), 2);
    assert_eq!(count(&dom, "<td><b>WH"), 4);
    for class in [
        "r-red",
        "r-amber",
        "r-green",
        "v-likely",
        "v-review",
        "rel-reissue",
        "rel-containment",
    ] {
        assert!(dom.contains(class), "no {class} in the rendered page");
    }
    assert!(dom.contains("<mark>各乡镇人民政府：</mark>"));
    assert!(dom.contains("&lt;script&gt;alert(1)&lt;/script&gt;.txt"));
    screenshot(&exe, &work, &page);
}

#[test]
fn demo_scan_writes_a_page_that_a_browser_renders() {
    let work = outdir("demo");
    let page = work.join("demo.html");
    wenshan()
        .args(["scan", DEMO, "--format", "html", "-o"])
        .arg(&page)
        .assert()
        .success()
        .stdout("");
    let html = fs::read_to_string(&page).unwrap();
    assert_links_resolve(&html);
    let json: Value = serde_json::from_slice(
        &wenshan()
            .args(["scan", DEMO, "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let (docs, pairs) = (json["documents"].as_array().unwrap(), json["pairs"].as_array().unwrap());
    assert_eq!(count(&html, "<tr id=\"doc-"), docs.len());
    assert_eq!(count(&html, "class=\"card pair\""), pairs.len());
    // Without -o the page goes to stdout.
    let stdout = wenshan()
        .args(["scan", DEMO, "--format", "html"])
        .output()
        .unwrap()
        .stdout;
    assert!(stdout.starts_with(b"<!DOCTYPE html>"));
    let Some(exe) = browser() else {
        return skip_browser();
    };
    let dom = dump_dom(&exe, &work, &page);
    assert!(dom.contains("id=\"overview\"") && dom.contains("id=\"families\""));
    assert_eq!(count(&dom, "class=\"card pair\""), pairs.len());
    assert!(dom.contains("推定原始文件"));
    screenshot(&exe, &work, &page);
}

// ---------------------------------------------------------------- CSV

/// Checks the BOM and the header, and returns the data rows.
fn parse_csv(bytes: &[u8], header: &[&str]) -> Vec<csv::StringRecord> {
    assert!(bytes.starts_with(BOM), "no UTF-8 byte-order mark");
    let mut r = csv::Reader::from_reader(&bytes[BOM.len()..]);
    assert_eq!(r.headers().unwrap(), header);
    r.records().map(|x| x.unwrap()).collect()
}

#[test]
fn demo_scan_writes_one_csv_row_per_pair_and_per_document() {
    let work = outdir("csv");
    let out = work.join("pairs.csv");
    wenshan()
        .args(["scan", DEMO, "--format", "csv", "-o"])
        .arg(&out)
        .assert()
        .success()
        .stdout("");
    let json: Value = serde_json::from_slice(
        &wenshan()
            .args(["scan", DEMO, "--format", "json"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let pairs = json["pairs"].as_array().unwrap();
    let rows = parse_csv(&fs::read(&out).unwrap(), &PAIR_HEADER);
    assert_eq!(PAIR_HEADER[..3], ["文件A", "文件B", "标题A"]);
    assert_eq!(rows.len(), pairs.len());
    assert!(!rows.is_empty());
    for (row, p) in rows.iter().zip(pairs) {
        assert_eq!(&row[0], p["a"].as_str().unwrap());
        assert_eq!(&row[1], p["b"].as_str().unwrap());
        assert_eq!(&row[12], p["relation"].as_str().unwrap());
        assert_eq!(&row[13], p["shared_chars"].to_string());
        let sim: f64 = row[8].trim_end_matches('%').parse().unwrap();
        assert!(
            (sim / 100.0 - p["similarity"].as_f64().unwrap()).abs() < 1e-4,
            "{row:?}"
        );
    }
    let docs = parse_csv(&fs::read(work.join("pairs.documents.csv")).unwrap(), &DOCUMENT_HEADER);
    assert_eq!(docs.len(), json["documents"].as_array().unwrap().len());
    // Without -o only the pair table is written, to stdout.
    let stdout = wenshan()
        .args(["scan", DEMO, "--format", "csv"])
        .output()
        .unwrap()
        .stdout;
    assert_eq!(parse_csv(&stdout, &PAIR_HEADER).len(), pairs.len());
}

#[test]
fn hand_built_csv_round_trips_awkward_fields() {
    let report = full_report();
    let rows = parse_csv(report.to_csv_pairs().as_bytes(), &PAIR_HEADER);
    assert_eq!(rows.len(), 2);
    let r: Vec<&str> = rows[0].iter().collect();
    assert_eq!(r[0], "2023 <源> & \"旧\".txt");
    assert_eq!(
        &r[4..8],
        ["2023-04-20", "2025-04-18", "青应急发〔2025〕3号", "青应急发〔2025〕3号"]
    );
    assert_eq!(
        &r[8..16],
        [
            "83.91%",
            "91.76%",
            "90.74%",
            "换日期/层级重发",
            "reissue",
            "1748",
            "2",
            "2023年→2025年；全省→全县"
        ]
    );
    let docs = parse_csv(report.to_csv_documents().as_bytes(), &DOCUMENT_HEADER);
    assert_eq!(docs.len(), 4);
    assert_eq!(
        docs[1].iter().collect::<Vec<_>>()[11..15],
        ["高度疑似", "88", "工作提示", "WH005 WH008 WH010"]
    );
    assert_eq!(&docs[3][16], "不是有效的 docx（zip 结构损坏）<EOF>");
}
