//! CLI tests of the disguised-issuance (红头转白头) check: the JSON contract,
//! spans that point into the user's file, rules/explain, wenshan.toml, and
//! the quality floor on the labelled corpus.

use assert_cmd::Command;
use serde_json::Value;
use std::path::{Path, PathBuf};

const DOCS: &str = "corpora/white_header/docs";
const LABELS: &str = "corpora/white_header/labels.jsonl";

fn wenshan() -> Command {
    Command::cargo_bin("wenshan").expect("binary builds")
}

fn scan_json(args: &[&str]) -> Value {
    let out = wenshan()
        .arg("scan")
        .args(args)
        .args(["--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).unwrap()
}

fn labels() -> Vec<Value> {
    std::fs::read_to_string(LABELS)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn temp_dir(name: &str) -> PathBuf {
    let d = Path::new(env!("CARGO_TARGET_TMPDIR")).join(name);
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

#[test]
fn every_document_carries_an_assessment_with_the_contract_fields() {
    let v = scan_json(&[DOCS]);
    let docs = v["documents"].as_array().unwrap();
    assert_eq!(docs.len(), labels().len());
    for d in docs {
        let di = &d["disguised_issuance"];
        assert!(
            ["likely", "review", "unlikely"].contains(&di["verdict"].as_str().unwrap()),
            "{d}"
        );
        assert!(di["score"].as_u64().unwrap() <= 100);
        assert!(!di["carrier"].as_str().unwrap().is_empty());
        for f in di["findings"].as_array().unwrap() {
            for k in ["rule", "message", "line", "column", "start", "end", "text", "weight"] {
                assert!(f.get(k).is_some(), "{k} missing in {f}");
            }
            assert!(f["rule"].as_str().unwrap().starts_with("WH"));
        }
    }
}

/// line:column must point at the matched text in the original file, so a
/// reviewer's editor jumps to the evidence.
#[test]
fn finding_spans_point_into_the_original_file() {
    let v = scan_json(&[DOCS]);
    let mut checked = 0;
    for d in v["documents"].as_array().unwrap() {
        let text = std::fs::read_to_string(Path::new(DOCS).join(d["path"].as_str().unwrap())).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        for f in d["disguised_issuance"]["findings"].as_array().unwrap() {
            let (line, col) = (
                f["line"].as_u64().unwrap() as usize,
                f["column"].as_u64().unwrap() as usize,
            );
            let want = f["text"].as_str().unwrap();
            let src: String = lines[line - 1].trim_start().chars().skip(col - 1).collect();
            if src.starts_with(want) {
                checked += 1;
            } else {
                // A span may start on a hard-wrapped line joined to the previous one.
                let joined: String = lines[line - 1..].concat();
                assert!(
                    joined.contains(want.split('\n').next().unwrap()),
                    "{f} not at {line}:{col}"
                );
            }
        }
    }
    assert!(checked > 100, "only {checked} spans checked");
}

#[test]
fn the_labelled_corpus_meets_the_quality_floor() {
    let out = wenshan()
        .args(["eval", "white-header", "--docs", DOCS, "--labels", LABELS])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    let line = text.lines().find(|l| l.trim_start().starts_with("precision")).unwrap();
    let num = |key: &str| -> f64 {
        let rest = &line[line.find(key).unwrap() + key.len()..];
        rest.split_whitespace().next().unwrap().parse().unwrap()
    };
    assert!(num("precision") >= 0.92 && num("recall") >= 0.92, "{text}");
    assert!(text.contains("按载体"), "{text}");
}

#[test]
fn rules_lists_every_code_and_explain_prints_documentation() {
    let out = wenshan().arg("rules").output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    for code in ["WH001", "WH005", "WH010", "WH101", "WH109"] {
        assert!(text.contains(code), "{code} in {text}");
    }
    let out = wenshan().args(["explain", "wh003"]).output().unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("通报/简报夹带部署") && text.contains("会触发的示例") && text.contains("依据"));
    let out = wenshan().args(["explain", "WH999"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("没有规则"));
}

const TIP: &str = "青禾县应急管理局\n关于开展汛前隐患排查的工作提示\n青应急提示〔2025〕7号\n各乡镇人民政府：\n一、各乡镇务必于5月20日前完成隐患点排查，填写统计表报送县应急管理局。\n二、排查情况纳入年度安全生产目标考核，工作滞后的将全县通报。\n青禾县应急管理局\n2025年5月8日\n";

fn rules_of(v: &Value) -> Vec<String> {
    v["documents"][0]["disguised_issuance"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn wenshan_toml_is_found_upward_and_selects_rules() {
    let root = temp_dir("wh-config");
    let sub = root.join("drafts");
    std::fs::create_dir_all(&sub).unwrap();
    std::fs::write(sub.join("tip.txt"), TIP).unwrap();
    let before = scan_json(&[sub.to_str().unwrap()]);
    assert!(rules_of(&before).contains(&"WH005".to_string()));
    assert_eq!(before["documents"][0]["disguised_issuance"]["verdict"], "likely");

    std::fs::write(
        root.join("wenshan.toml"),
        "[white-header]\nignore = [\"WH005\", \"WH010\"]\n",
    )
    .unwrap();
    let after = scan_json(&[sub.to_str().unwrap()]);
    let rules = rules_of(&after);
    assert!(!rules.iter().any(|r| r == "WH005" || r == "WH010"), "{rules:?}");
    assert!(rules.iter().any(|r| r == "WH001"));

    // Thresholds come from the file too.
    let cfg = root.join("custom.toml");
    std::fs::write(&cfg, "[white-header]\nlikely = 99\nreview = 98\n").unwrap();
    let strict = scan_json(&[sub.to_str().unwrap(), "--config", cfg.to_str().unwrap()]);
    assert_eq!(strict["documents"][0]["disguised_issuance"]["verdict"], "unlikely");
}

#[test]
fn local_lexicon_terms_become_evidence() {
    let root = temp_dir("wh-lexicon");
    let tip = TIP.replace(
        "纳入年度安全生产目标考核，工作滞后的将全县通报",
        "滞后的乡镇列入重点关注名单",
    );
    std::fs::write(root.join("tip.txt"), &tip).unwrap();
    let texts = |v: &Value| -> Vec<String> {
        v["documents"][0]["disguised_issuance"]["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["text"].as_str().unwrap().to_string())
            .collect()
    };
    assert!(!texts(&scan_json(&[root.to_str().unwrap()])).contains(&"列入重点关注名单".to_string()));
    std::fs::write(
        root.join("wenshan.toml"),
        "[white-header.lexicon]\naccountability = [\"列入重点关注名单\"]\n",
    )
    .unwrap();
    assert!(texts(&scan_json(&[root.to_str().unwrap()])).contains(&"列入重点关注名单".to_string()));
}

#[test]
fn a_bad_config_is_a_clear_error() {
    let root = temp_dir("wh-bad-config");
    std::fs::write(root.join("tip.txt"), TIP).unwrap();
    std::fs::write(root.join("wenshan.toml"), "[white-header]\nweights = { WH999 = 3 }\n").unwrap();
    let out = wenshan().arg("scan").arg(&root).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("WH999"), "{err}");
}

#[test]
fn the_check_can_be_switched_off() {
    let v = scan_json(&[DOCS, "--no-white-header"]);
    assert!(v["documents"]
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["disguised_issuance"].is_null()));
}

#[test]
fn terminal_diagnostics_name_file_line_rule_and_underline() {
    let root = temp_dir("wh-terminal");
    std::fs::write(root.join("tip.txt"), TIP).unwrap();
    let out = wenshan().arg("scan").arg(&root).output().unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("高度疑似"), "{text}");
    assert!(text.contains("--> tip.txt:6:"), "{text}");
    assert!(text.contains("错误[WH005]"), "{text}");
    assert!(text.contains("^^^^"), "{text}");
}
