//! CSV reports for spreadsheets: one row per pair, and one row per document.
//! UTF-8 with a byte-order mark, because Excel and WPS otherwise read
//! Chinese text as the local ANSI code page and show mojibake. Ratios are
//! written as percentages ("91.23%"), which both programs read as numbers.

use super::{DocumentEntry, PairEntry, Report};
use std::collections::HashMap;

const BOM: &str = "\u{feff}";

pub const PAIR_HEADER: [&str; 17] = [
    "文件A",
    "文件B",
    "标题A",
    "标题B",
    "成文日期A",
    "成文日期B",
    "文号A",
    "文号B",
    "相似度",
    "A在B中占比",
    "B在A中占比",
    "关系",
    "关系代码",
    "共有字数",
    "共有段落数",
    "改动",
    "指纹距离",
];

pub const DOCUMENT_HEADER: [&str; 17] = [
    "文件",
    "标题",
    "文号",
    "发文机关",
    "成文日期",
    "文种",
    "字数",
    "总文字复制比",
    "去除转发复制比",
    "单篇最大复制比",
    "最大来源",
    "变相发文判定",
    "变相发文评分",
    "载体",
    "命中规则",
    "相似文件对数",
    "读取错误",
];

fn pct(x: f64) -> String {
    format!("{:.2}%", x * 100.0)
}

/// Text from scanned files goes into a spreadsheet: a leading `=`, `+`, `-`
/// or `@` would make Excel and WPS evaluate it as a formula, so such a field
/// gets a leading apostrophe. No number this module writes starts with one.
fn defuse(field: &str) -> std::borrow::Cow<'_, str> {
    if field.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{field}").into()
    } else {
        field.into()
    }
}

/// Writes rows after a BOM; the csv crate quotes commas, quotes and newlines.
fn write_csv<const N: usize>(header: [&str; N], rows: impl Iterator<Item = [String; N]>) -> String {
    let mut w = ::csv::Writer::from_writer(BOM.as_bytes().to_vec());
    // Writing into a Vec cannot fail.
    let _ = w.write_record(header);
    for row in rows {
        let _ = w.write_record(row.iter().map(|f| defuse(f).into_owned()));
    }
    let bytes = w.into_inner().unwrap_or_default();
    String::from_utf8(bytes).expect("every field is a Rust string")
}

impl Report {
    /// One row per pair, with a Chinese header.
    pub fn to_csv_pairs(&self) -> String {
        let docs: HashMap<&str, &DocumentEntry> = self.documents.iter().map(|d| (d.path.as_str(), d)).collect();
        write_csv(PAIR_HEADER, self.pairs.iter().map(|p| pair_row(p, &docs)))
    }

    /// One row per document: metadata, copy ratios, disguised-issuance verdict.
    pub fn to_csv_documents(&self) -> String {
        let mut pairs: HashMap<&str, usize> = HashMap::new();
        for p in &self.pairs {
            *pairs.entry(&p.a).or_default() += 1;
            *pairs.entry(&p.b).or_default() += 1;
        }
        let count = |d: &DocumentEntry| pairs.get(d.path.as_str()).copied().unwrap_or(0);
        write_csv(
            DOCUMENT_HEADER,
            self.documents.iter().map(|d| document_row(d, count(d))),
        )
    }
}

fn pair_row(p: &PairEntry, docs: &HashMap<&str, &DocumentEntry>) -> [String; 17] {
    let (a, b) = (docs.get(p.a.as_str()).copied(), docs.get(p.b.as_str()).copied());
    let field = |d: Option<&DocumentEntry>, f: fn(&DocumentEntry) -> Option<String>| d.and_then(f).unwrap_or_default();
    let date = |d: &DocumentEntry| d.date.map(|x| x.to_string());
    let number = |d: &DocumentEntry| d.doc_number.clone();
    let title = |d: &DocumentEntry| d.title.clone();
    let changes: Vec<String> = p.changes.iter().map(|c| format!("{}→{}", c.from, c.to)).collect();
    [
        p.a.clone(),
        p.b.clone(),
        field(a, title),
        field(b, title),
        field(a, date),
        field(b, date),
        field(a, number),
        field(b, number),
        pct(p.similarity),
        pct(p.containment_a_in_b),
        pct(p.containment_b_in_a),
        p.relation.name_zh().to_string(),
        relation_code(p),
        p.shared_chars.to_string(),
        p.passages.len().to_string(),
        changes.join("；"),
        p.hamming.to_string(),
    ]
}

fn document_row(d: &DocumentEntry, pairs: usize) -> [String; 17] {
    let r = d.ratios.as_ref();
    let x = d.disguised_issuance.as_ref();
    let mut rules: Vec<&str> = x.map_or_else(Vec::new, |x| x.findings.iter().map(|f| f.rule.as_str()).collect());
    rules.sort_unstable();
    rules.dedup();
    [
        d.path.clone(),
        d.title.clone().unwrap_or_default(),
        d.doc_number.clone().unwrap_or_default(),
        d.issuer.clone().unwrap_or_default(),
        d.date.map(|x| x.to_string()).unwrap_or_default(),
        d.genre.map(|g| g.name().to_string()).unwrap_or_default(),
        d.chars.to_string(),
        r.map(|r| pct(r.total)).unwrap_or_default(),
        r.map(|r| pct(r.excluding_forwarding)).unwrap_or_default(),
        r.map(|r| pct(r.largest_source_ratio)).unwrap_or_default(),
        r.and_then(|r| r.largest_source.clone()).unwrap_or_default(),
        x.map(|x| x.verdict.name_zh().to_string()).unwrap_or_default(),
        x.map(|x| x.score.to_string()).unwrap_or_default(),
        x.map(|x| x.carrier.clone()).unwrap_or_default(),
        rules.join(" "),
        pairs.to_string(),
        d.error.clone().unwrap_or_default(),
    ]
}

/// The relation's JSON code ("near_duplicate"), for spreadsheets and CSS classes.
pub(super) fn relation_code(p: &PairEntry) -> String {
    serde_json::to_value(p.relation)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::verify::Relation;

    #[test]
    fn fields_with_commas_quotes_and_newlines_are_quoted() {
        let r = Report {
            tool: "wenshan",
            version: "0.1.0",
            root: ".".into(),
            documents: vec![],
            pairs: vec![PairEntry {
                a: "a,\"b\".txt".into(),
                b: "c\nd.txt".into(),
                hamming: 1,
                similarity: 0.91234,
                containment_a_in_b: 1.0,
                containment_b_in_a: 0.5,
                relation: Relation::Containment,
                passages: vec![],
                changes: vec![],
                shared_chars: 7,
            }],
            families: vec![],
        };
        let s = r.to_csv_pairs();
        assert!(s.starts_with(BOM));
        assert!(s.contains("\"a,\"\"b\"\".txt\",\"c\nd.txt\""), "{s}");
        assert!(s.contains("91.23%,100.00%,50.00%,包含,containment,7"), "{s}");
    }

    #[test]
    fn fields_that_look_like_formulas_are_defused() {
        assert_eq!(defuse("=HYPERLINK(\"http://x\")"), "'=HYPERLINK(\"http://x\")");
        assert_eq!(defuse("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(defuse("关于=的通知"), "关于=的通知");
        assert_eq!(defuse("2023年→2025年"), "2023年→2025年");
    }
}
