//! The result of a scan as one value, [`Report`], and its renderers: JSON for
//! machines (contract version 1: field names are kept, fields only added) and
//! a Chinese terminal report for reviewers.

use crate::document::{Date, Genre};
use crate::fingerprint::Fingerprint;
use crate::verify::Relation;
use serde::Serialize;
use std::fmt::Write as _;

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Report {
    pub tool: &'static str,
    pub version: &'static str,
    pub root: String,
    pub documents: Vec<DocumentEntry>,
    pub pairs: Vec<PairEntry>,
    pub families: Vec<FamilyEntry>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DocumentEntry {
    pub path: String,
    pub title: Option<String>,
    pub genre: Option<Genre>,
    pub doc_number: Option<String>,
    pub issuer: Option<String>,
    pub date: Option<Date>,
    pub chars: usize,
    /// `null` only when the file could not be read.
    pub simhash: Option<Fingerprint>,
    pub error: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PairEntry {
    pub a: String,
    pub b: String,
    pub hamming: u32,
    pub similarity: f64,
    pub containment_a_in_b: f64,
    pub containment_b_in_a: f64,
    pub relation: Relation,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FamilyEntry {
    pub members: Vec<String>,
    pub earliest: String,
}

/// Ratios are reported to 4 decimals, as the oracle is.
pub fn round4(x: f64) -> f64 {
    (x * 10_000.0).round() / 10_000.0
}

impl Report {
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a report always serialises");
        s.push('\n');
        s
    }

    fn document(&self, path: &str) -> Option<&DocumentEntry> {
        self.documents
            .binary_search_by(|d| d.path.as_str().cmp(path))
            .ok()
            .map(|i| &self.documents[i])
    }

    pub fn failed(&self) -> impl Iterator<Item = &DocumentEntry> {
        self.documents.iter().filter(|d| d.error.is_some())
    }

    /// The report a reviewer reads in a terminal, in Chinese.
    pub fn to_terminal(&self) -> String {
        let mut out = String::new();
        let failed = self.failed().count();
        let _ = writeln!(
            out,
            "文山 wenshan {} · 扫描 {}：共 {} 份文件，成功读取 {} 份，读取失败 {} 份。",
            self.version,
            self.root,
            self.documents.len(),
            self.documents.len() - failed,
            failed
        );
        if self.families.is_empty() {
            let _ = writeln!(out, "未发现重复或高度相似的文件。");
        } else {
            let _ = writeln!(
                out,
                "发现 {} 组相似文件，共 {} 对（按成文日期排序，最早者为推定原始文件）。",
                self.families.len(),
                self.pairs.len()
            );
        }
        for (fi, fam) in self.families.iter().enumerate() {
            let _ = writeln!(out, "\n━━ 第 {} 组 · {} 份文件 ━━", fi + 1, fam.members.len());
            for (mi, m) in fam.members.iter().enumerate() {
                let Some(d) = self.document(m) else { continue };
                let date = d.date.map_or_else(|| "日期不详".to_string(), |x| x.to_string());
                let number = d.doc_number.as_deref().unwrap_or("无文号");
                let mark = if m == &fam.earliest { "（最早）" } else { "" };
                let _ = writeln!(out, "  [{}] {}  {}  {}{}", mi + 1, date, number, d.path, mark);
                if let Some(t) = &d.title {
                    let _ = writeln!(out, "      《{}》", t);
                }
            }
            let idx = |p: &str| fam.members.iter().position(|m| m == p).map_or(0, |i| i + 1);
            for p in self.pairs.iter().filter(|p| fam.members.contains(&p.a)) {
                let _ = writeln!(
                    out,
                    "    [{}]↔[{}] {}：相似度 {:.1}%，[{}]在[{}]中 {:.1}%，[{}]在[{}]中 {:.1}%（指纹距离 {}）",
                    idx(&p.a),
                    idx(&p.b),
                    p.relation.name_zh(),
                    p.similarity * 100.0,
                    idx(&p.a),
                    idx(&p.b),
                    p.containment_a_in_b * 100.0,
                    idx(&p.b),
                    idx(&p.a),
                    p.containment_b_in_a * 100.0,
                    p.hamming
                );
            }
        }
        if failed > 0 {
            let _ = writeln!(out, "\n读取失败的文件（未参与比对）：");
            for d in self.failed() {
                let _ = writeln!(out, "  {}：{}", d.path, d.error.as_deref().unwrap_or(""));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(path: &str, date: Option<Date>) -> DocumentEntry {
        DocumentEntry {
            path: path.into(),
            title: Some("关于做好防汛工作的通知".into()),
            genre: Some(Genre::Circular),
            doc_number: Some("青政办发〔2025〕9号".into()),
            issuer: None,
            date,
            chars: 100,
            simhash: Some(Fingerprint(1)),
            error: None,
        }
    }

    fn sample() -> Report {
        Report {
            tool: "wenshan",
            version: "0.1.0",
            root: "草稿".into(),
            documents: vec![
                doc("a.txt", Date::new(2024, 4, 18)),
                doc("b.txt", Date::new(2025, 4, 18)),
            ],
            pairs: vec![PairEntry {
                a: "a.txt".into(),
                b: "b.txt".into(),
                hamming: 3,
                similarity: 0.9123,
                containment_a_in_b: 0.95,
                containment_b_in_a: 0.94,
                relation: Relation::NearDuplicate,
            }],
            families: vec![FamilyEntry {
                members: vec!["a.txt".into(), "b.txt".into()],
                earliest: "a.txt".into(),
            }],
        }
    }

    #[test]
    fn json_uses_contract_field_names() {
        let v: serde_json::Value = serde_json::from_str(&sample().to_json()).unwrap();
        assert_eq!(v["documents"][0]["date"], "2024-04-18");
        assert_eq!(v["documents"][0]["genre"], "通知");
        assert_eq!(v["documents"][0]["simhash"], "0000000000000001");
        assert_eq!(v["pairs"][0]["relation"], "near_duplicate");
        assert_eq!(v["families"][0]["earliest"], "a.txt");
        for k in ["hamming", "similarity", "containment_a_in_b", "containment_b_in_a"] {
            assert!(v["pairs"][0].get(k).is_some(), "{k}");
        }
    }

    #[test]
    fn terminal_report_names_pairs_and_percentages_in_chinese() {
        let t = sample().to_terminal();
        assert!(t.contains("发现 1 组相似文件"), "{t}");
        assert!(t.contains("相似度 91.2%"), "{t}");
        assert!(t.contains("青政办发〔2025〕9号"), "{t}");
        assert!(t.contains("a.txt（最早）"), "{t}");
    }

    #[test]
    fn rounding_keeps_four_decimals() {
        assert_eq!(round4(0.123_456), 0.1235);
    }
}
