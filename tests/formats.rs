//! Every format reviewers have: the same document exported by real tools
//! (LibreOffice for .docx/.doc/.pdf, the OFD spec for .ofd, a portal-shaped
//! saved page for .html; see corpora/tools/make_fixtures.py) must read to
//! the same text as its .txt.

use assert_cmd::Command;
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use wenshan::read::{read_file, ReadError};

const FIXTURES: &str = "tests/fixtures/formats";
const DOCS: &[&str] = &["fangxun", "jingwen", "pifu", "jiegan"];
const FORMATS: &[&str] = &["docx", "doc", "wps", "pdf", "ofd", "html"];

fn fixture(name: &str) -> PathBuf {
    Path::new(FIXTURES).join(name)
}

fn read(path: &Path) -> String {
    read_file(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// The comparison ignores whitespace only: formats differ in line wrapping
/// (PDF and OFD wrap at the page width, HTML collapses runs of spaces, blank
/// paragraphs vanish), never in the characters of the text. So the test
/// demands exact equality of the non-whitespace characters, in order.
fn squeeze(text: &str) -> String {
    text.chars().filter(|c| !c.is_whitespace()).collect()
}

fn first_difference(a: &str, b: &str) -> String {
    let at = a.chars().zip(b.chars()).take_while(|(x, y)| x == y).count();
    let around = |s: &str| s.chars().skip(at.saturating_sub(10)).take(30).collect::<String>();
    format!("at char {at}: expected …{}… got …{}…", around(a), around(b))
}

#[test]
fn same_text_from_every_format() {
    for doc in DOCS {
        let reference = squeeze(&read(&fixture(&format!("{doc}.txt"))));
        assert!(reference.chars().count() > 500, "{doc}: reference too short");
        for format in FORMATS {
            let path = fixture(&format!("{doc}.{format}"));
            let text = squeeze(&read(&path));
            assert!(
                text == reference,
                "{}: {}",
                path.display(),
                first_difference(&reference, &text)
            );
        }
    }
}

#[test]
fn paragraphs_survive_as_lines() {
    // Formats that keep paragraphs (not page-wrapped) give the .txt's lines.
    let lines = |t: &str| -> Vec<String> {
        t.lines()
            .map(|l| l.trim().to_string())
            .filter(|l| !l.is_empty())
            .collect()
    };
    let reference = lines(&read(&fixture("jingwen.txt")));
    for format in ["docx", "doc", "html"] {
        let got = lines(&read(&fixture(&format!("jingwen.{format}"))));
        assert_eq!(got, reference, "jingwen.{format}");
    }
}

#[test]
fn content_decides_the_format_not_the_extension() {
    let dir = std::env::temp_dir().join(format!("wenshan-formats-ext-{}", std::process::id()));
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).unwrap();
    let reference = squeeze(&read(&fixture("pifu.txt")));
    // (real format, misleading name)
    for (real, named) in [
        ("docx", "really-docx.doc"),
        ("pdf", "really-pdf.txt"),
        ("doc", "really-doc.docx"),
        ("ofd", "really-ofd.pdf"),
        ("html", "really-html.txt"),
        ("wps", "really-wps.doc"),
    ] {
        let path = dir.join(named);
        fs::copy(fixture(&format!("pifu.{real}")), &path).unwrap();
        assert_eq!(squeeze(&read(&path)), reference, "{named}");
    }
    fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn scanned_pdf_has_a_clear_error() {
    let err = read_file(&fixture("scanned.pdf")).err();
    assert!(matches!(err, Some(ReadError::NoTextLayer)), "{err:?}");
    assert_eq!(
        ReadError::NoTextLayer.to_string(),
        "PDF 没有文本层（可能是扫描件），无法提取文字"
    );
}

#[test]
fn scan_of_mixed_formats_pairs_each_document_with_its_copies() {
    let out = Command::cargo_bin("wenshan")
        .unwrap()
        .args(["scan", FIXTURES, "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let docs = report["documents"].as_array().unwrap();
    assert_eq!(docs.len(), DOCS.len() * (FORMATS.len() + 1) + 1);
    for d in docs {
        let path = d["path"].as_str().unwrap();
        if path == "scanned.pdf" {
            assert!(d["error"].as_str().unwrap().contains("没有文本层"));
        } else {
            assert!(d["error"].is_null(), "{path}: {}", d["error"]);
        }
    }
    // Each document and its six other formats form one family.
    let families = report["families"].as_array().unwrap();
    assert_eq!(families.len(), DOCS.len(), "{families:#?}");
    for f in families {
        let members = f["members"].as_array().unwrap();
        assert_eq!(members.len(), FORMATS.len() + 1, "{members:?}");
        let stem = |m: &Value| m.as_str().unwrap().split('.').next().unwrap().to_string();
        assert!(members.iter().all(|m| stem(m) == stem(&members[0])), "{members:?}");
    }
}
