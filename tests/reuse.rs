//! Reused content through the CLI: passages, reissue changes, forwarding,
//! ratios and boilerplate, asserted on the JSON of corpora/reuse.

use assert_cmd::Command;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};

const REUSE: &str = "corpora/reuse";

fn scan_json(root: &Path, extra: &[&str]) -> Value {
    let out = Command::cargo_bin("wenshan")
        .unwrap()
        .arg("scan")
        .arg(root)
        .args(["--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn pair<'a>(report: &'a Value, a: &str, b: &str) -> &'a Value {
    report["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["a"] == a && p["b"] == b)
        .unwrap_or_else(|| panic!("pair {a} {b} not reported"))
}

fn document<'a>(report: &'a Value, path: &str) -> &'a Value {
    report["documents"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["path"] == path)
        .unwrap()
}

fn has_change(p: &Value, kind: &str, from: &str, to: &str) -> bool {
    p["changes"]
        .as_array()
        .unwrap()
        .iter()
        .any(|c| c["kind"] == kind && c["from"] == from && c["to"] == to)
}

const GEO_2024: &str = "01-地质灾害/2024-丰林市政府办-地质灾害防治.txt";
const GEO_2025: &str = "01-地质灾害/2025-丰林市政府办-地质灾害防治.txt";
const GEO_COUNTY: &str = "01-地质灾害/2025-泉河县政府办-地质灾害防治.txt";

#[test]
fn a_redated_copy_is_a_reissue_with_its_changes() {
    let r = scan_json(Path::new(REUSE), &[]);
    let p = pair(&r, GEO_2024, GEO_2025);
    assert_eq!(p["relation"], "reissue");
    assert!(has_change(p, "year", "2024年", "2025年"), "{}", p["changes"]);
    assert!(
        has_change(p, "doc_number", "〔2024〕8号", "〔2025〕6号"),
        "{}",
        p["changes"]
    );
    let level = pair(&r, GEO_2025, GEO_COUNTY);
    assert_eq!(level["relation"], "reissue");
    assert!(has_change(level, "level", "全市", "全县"), "{}", level["changes"]);
    assert!(has_change(level, "organisation", "市自然资源局", "县自然资源局"));
}

#[test]
fn passages_have_valid_offsets_lines_and_diffs() {
    let r = scan_json(Path::new(REUSE), &[]);
    let pairs = r["pairs"].as_array().unwrap();
    assert!(!pairs.is_empty());
    for p in pairs {
        let passages = p["passages"].as_array().unwrap();
        assert!(!passages.is_empty(), "no passages: {p}");
        let lines = |f: &Value| {
            fs::read_to_string(Path::new(REUSE).join(f.as_str().unwrap()))
                .unwrap()
                .lines()
                .count()
        };
        let (la, lb) = (lines(&p["a"]), lines(&p["b"]));
        let mut last = usize::MAX;
        for s in passages {
            let n = |k: &str| s[k].as_u64().unwrap() as usize;
            assert!(n("a_start") < n("a_end") && n("b_start") < n("b_end"), "{s}");
            let text = s["text"].as_str().unwrap();
            assert_eq!(text.chars().count(), n("a_end") - n("a_start"));
            assert!(
                (1..=la).contains(&n("a_line")) && (1..=lb).contains(&n("b_line")),
                "{s}"
            );
            // Longest first.
            assert!(n("a_end") - n("a_start") <= last);
            last = n("a_end") - n("a_start");
            // The diff rebuilds A's text (equal + delete) and has B's length.
            let diff = s["diff"].as_array().unwrap();
            if !diff.is_empty() {
                let side = |skip: &str| -> String {
                    diff.iter()
                        .filter(|d| d["op"] != skip)
                        .map(|d| d["text"].as_str().unwrap())
                        .collect()
                };
                assert_eq!(side("insert"), text);
                assert_eq!(side("delete").chars().count(), n("b_end") - n("b_start"));
            }
        }
        let shared = p["shared_chars"].as_u64().unwrap();
        assert!(shared > 0, "{p}");
    }
}

#[test]
fn ratios_charge_the_copy_not_the_source() {
    let r = scan_json(Path::new(REUSE), &[]);
    for d in r["documents"].as_array().unwrap() {
        assert!(d["ratios"].is_object(), "{}", d["path"]);
    }
    let source = &document(&r, GEO_2024)["ratios"];
    assert_eq!(source["total"], 0.0);
    let copy = &document(&r, GEO_2025)["ratios"];
    assert!(copy["total"].as_f64().unwrap() > 0.8, "{copy}");
    assert_eq!(copy["largest_source"], GEO_2024);
    let sections = copy["sections"].as_array().unwrap();
    assert_eq!(sections.len(), 5, "{copy}");
    assert_eq!(sections[0]["heading"], "一、压实防治责任");
}

#[test]
fn a_forwarding_notice_is_forwarding_and_not_copying() {
    let r = scan_json(Path::new(REUSE), &[]);
    let original = "03-大气污染防治/2025-丰林市政府办-秋冬季大气污染防治.txt";
    let wrapper = "03-大气污染防治/2025-白沙县政府办-转发市政府办大气污染防治通知.txt";
    assert_eq!(pair(&r, original, wrapper)["relation"], "forwarding");
    let ratios = &document(&r, wrapper)["ratios"];
    assert!(ratios["total"].as_f64().unwrap() > 0.5, "{ratios}");
    assert_eq!(ratios["excluding_forwarding"], 0.0, "{ratios}");
}

#[test]
fn embedded_paragraphs_are_containment() {
    let r = scan_json(Path::new(REUSE), &[]);
    let p = pair(
        &r,
        "04-水库安全度汛/2025-丰林市水利局-水库安全度汛.txt",
        "04-水库安全度汛/2025-泉河县水利局-汛期水库安全管理.txt",
    );
    assert_eq!(p["relation"], "containment");
    assert!(p["similarity"].as_f64().unwrap() < 0.8);
}

fn tempdir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("wenshan-reuse-{name}-{}", std::process::id()));
    let _ = fs::remove_dir_all(&d);
    fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn boilerplate_alone_never_makes_a_pair() {
    let d = tempdir("boiler");
    let frame = |body: &str| {
        format!(
            "各乡镇人民政府，县政府各部门：\n现将有关事项通知如下。\n{body}\n请结合实际认真贯彻落实。\n特此通知。\n\
             （此件公开发布）\n抄送：县委办公室，县人大常委会办公室，县政协办公室，县人武部。\n\
             青禾县人民政府办公室　　　　　　　　　2025年4月12日印发\n"
        )
    };
    fs::write(d.join("甲.txt"), frame("县图书馆周末延长开放时间至晚上九点。")).unwrap();
    fs::write(d.join("乙.txt"), frame("本周五下午进行消防疏散演练，请提前安排。")).unwrap();
    let r = scan_json(&d, &["--containment", "0.5", "--threshold", "0.5"]);
    assert_eq!(r["pairs"].as_array().unwrap().len(), 0, "{}", r["pairs"]);
    fs::remove_dir_all(&d).unwrap();
}

#[test]
fn no_passages_is_document_level_only() {
    let r = scan_json(Path::new(REUSE), &["--no-passages"]);
    for p in r["pairs"].as_array().unwrap() {
        assert!(p["passages"].as_array().unwrap().is_empty());
        assert!(["exact", "near_duplicate", "containment"].contains(&p["relation"].as_str().unwrap()));
    }
    assert!(r["documents"][0]["ratios"].is_null());
}
