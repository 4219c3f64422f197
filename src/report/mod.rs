//! The result of a scan as one value, [`Report`], and its renderers: JSON for
//! machines (contract version 1: field names are kept, fields only added) and
//! a Chinese terminal report for reviewers.
//!
//! Offsets in the report (`start`, `end`, `a_start` …) count Unicode scalar
//! values (chars) in the document's normalised text, end exclusive; lines and
//! columns are 1-based and point into the original file, columns in chars.

use crate::document::{Date, Genre};
use crate::fingerprint::Fingerprint;
use crate::verify::Relation;
use serde::Serialize;

mod csv;
mod html;
mod terminal;
pub(crate) use terminal::width;

pub use self::csv::{DOCUMENT_HEADER, PAIR_HEADER};

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
    /// Copy ratios (复制比); `null` when the file could not be read.
    pub ratios: Option<Ratios>,
    /// The disguised-issuance (红头转白头) assessment; `null` when the file
    /// could not be read or the check was switched off (`--no-white-header`).
    pub disguised_issuance: Option<DisguisedIssuance>,
}

/// CNKI-style copy ratios of one document: the share of its characters
/// covered by passages also found in other documents of the scan. The
/// earliest-dated document of a pair is the presumed source, so only the
/// later one (or both, when dates are unknown or equal) gets a ratio above 0.
#[derive(Debug, Clone, Default, Serialize, PartialEq)]
pub struct Ratios {
    /// Share of characters covered by passages found in any other document.
    pub total: f64,
    /// Same, leaving out passages shared with documents it forwards.
    pub excluding_forwarding: f64,
    /// The single source covering the most characters, and its share.
    pub largest_source: Option<String>,
    pub largest_source_ratio: f64,
    /// Per top-level section (一、二、…), in document order.
    pub sections: Vec<SectionRatio>,
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct SectionRatio {
    /// The section's heading line, e.g. "一、压实防汛责任".
    pub heading: String,
    pub ratio: f64,
}

/// Verdict bands of the disguised-issuance score.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    /// 未见异常
    Unlikely,
    /// 建议复核
    Review,
    /// 高度疑似
    Likely,
}

impl Verdict {
    pub fn name_zh(self) -> &'static str {
        match self {
            Verdict::Unlikely => "未见异常",
            Verdict::Review => "建议复核",
            Verdict::Likely => "高度疑似",
        }
    }
}

#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DisguisedIssuance {
    pub verdict: Verdict,
    /// 0–100.
    pub score: u32,
    /// The carrier as a reviewer names it (正式公文, 会议纪要, 工作提示 …).
    pub carrier: String,
    /// Who writes to whom: "down", "up", "peer", "internal" or "unknown".
    pub direction: String,
    pub findings: Vec<FindingEntry>,
}

/// One piece of evidence: a rule, the sentence that fired it, where.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct FindingEntry {
    /// Rule code, e.g. "WH001".
    pub rule: String,
    /// Chinese message for the reviewer.
    pub message: String,
    /// 1-based line and column (chars) in the original file.
    pub line: usize,
    pub column: usize,
    /// Char offsets in the normalised text.
    pub start: usize,
    pub end: usize,
    /// The matched text.
    pub text: String,
    /// Contribution to the score (negative for counter-signals).
    pub weight: i32,
    /// The normalised line the span is on and the span's char column in it:
    /// what the terminal shows under `-->` (not part of the JSON contract).
    #[serde(skip)]
    pub source: String,
    #[serde(skip)]
    pub source_column: usize,
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
    /// Shared passages, merged into maximal runs, longest first.
    pub passages: Vec<PassageEntry>,
    /// For `reissue`: the tokens that differ ("2023年→2025年", "全省→全县").
    pub changes: Vec<Change>,
    /// Characters of A covered by passages shared with B.
    pub shared_chars: usize,
}

/// A passage shared by both documents of a pair.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct PassageEntry {
    pub a_start: usize,
    pub a_end: usize,
    pub b_start: usize,
    pub b_end: usize,
    /// 1-based line of the passage start in each original file.
    pub a_line: usize,
    pub b_line: usize,
    /// The passage as it reads in A.
    pub text: String,
    /// Small differences inside the run, in order; empty when identical.
    pub diff: Vec<DiffSpan>,
}

impl PassageEntry {
    /// Characters of the passage as reports count them: line breaks are not
    /// characters, as in a pair's shared total and a document's length.
    pub fn chars(&self) -> usize {
        self.text.chars().filter(|&c| c != '\n').count()
    }
}

/// One piece of a passage diff: text kept, or only in A, or only in B.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DiffSpan {
    /// "equal", "delete" (only in A) or "insert" (only in B).
    pub op: &'static str,
    pub text: String,
}

/// One substitution between a re-issued document and its source.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Change {
    /// "year", "date", "doc_number", "number", "level" or "organisation".
    pub kind: &'static str,
    pub from: String,
    pub to: String,
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
    /// [`Report::to_json`], streamed: the same bytes.
    pub fn write_json(&self, out: &mut dyn std::io::Write) -> std::io::Result<()> {
        serde_json::to_writer_pretty(&mut *out, self)?;
        out.write_all(b"\n")
    }

    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a report always serialises");
        s.push('\n');
        s
    }

    pub(crate) fn document(&self, path: &str) -> Option<&DocumentEntry> {
        self.documents
            .binary_search_by(|d| d.path.as_str().cmp(path))
            .ok()
            .map(|i| &self.documents[i])
    }

    pub fn failed(&self) -> impl Iterator<Item = &DocumentEntry> {
        self.documents.iter().filter(|d| d.error.is_some())
    }
}

/// Nesting of a document, pair or family entry in the report's JSON (the
/// report object, then its array).
const ENTRY_DEPTH: usize = 2;

/// `json` (pretty-printed by serde_json at the top level) as it reads
/// `depth` levels deeper: serde_json indents two spaces a level, and a line
/// break only ever comes before an indent (a JSON string holds no raw one).
fn reindent(json: &[u8], depth: usize, out: &mut Vec<u8>) {
    let mut lines = json.split(|&b| b == b'\n');
    if let Some(first) = lines.next() {
        out.extend_from_slice(first);
    }
    for line in lines {
        out.push(b'\n');
        out.extend(std::iter::repeat_n(b' ', 2 * depth));
        out.extend_from_slice(line);
    }
}

/// Pretty JSON of `value` nested `depth` levels deep in the report.
fn pretty_at<T: Serialize + ?Sized>(value: &T, depth: usize) -> Vec<u8> {
    let json = serde_json::to_vec_pretty(value).expect("report values always serialise");
    let mut out = Vec::with_capacity(json.len() + json.len() / 8);
    reindent(&json, depth, &mut out);
    out
}

/// A document entry's JSON as it reads in the report, cut around the value
/// of `ratios` (which the reduce fills in for documents charged with copies,
/// after the entry is written away): `[before, ratios, after]`.
pub fn document_json(mut entry: DocumentEntry) -> [Vec<u8>; 3] {
    let ratios = entry.ratios.take();
    let json = serde_json::to_vec_pretty(&entry).expect("an entry always serialises");
    // The key at the entry's own level: a line break, two spaces. No string
    // value can hold it (JSON escapes line breaks).
    const KEY: &[u8] = b"\n  \"ratios\": ";
    let at = json
        .windows(KEY.len())
        .position(|w| w == KEY)
        .expect("an entry has ratios")
        + KEY.len();
    debug_assert!(json[at..].starts_with(b"null"));
    let mut before = Vec::with_capacity(at + at / 4);
    reindent(&json[..at], ENTRY_DEPTH, &mut before);
    let mut after = Vec::with_capacity(json.len() - at);
    reindent(&json[at + 4..], ENTRY_DEPTH, &mut after);
    [before, ratios_json(ratios.as_ref()), after]
}

/// The value of a document entry's `ratios` as it reads in the report.
pub fn ratios_json(ratios: Option<&Ratios>) -> Vec<u8> {
    pretty_at(&ratios, ENTRY_DEPTH + 1)
}

/// A pair entry's JSON as it reads in the report.
pub fn pair_json(pair: &PairEntry) -> Vec<u8> {
    pretty_at(pair, ENTRY_DEPTH)
}

/// A family entry's JSON as it reads in the report.
pub fn family_json(family: &FamilyEntry) -> Vec<u8> {
    pretty_at(family, ENTRY_DEPTH)
}

/// The JSON report written as it is produced, entry by entry, in the bytes
/// of [`Report::write_json`]: the documents, then the pairs, then the
/// families (each entry from [`document_json`], [`pair_json`],
/// [`family_json`]).
pub struct JsonWriter<'a> {
    out: &'a mut dyn std::io::Write,
    /// No entry in the current array yet.
    first: bool,
}

impl<'a> JsonWriter<'a> {
    /// Write the report's header and open `documents`.
    pub fn start(out: &'a mut dyn std::io::Write, root: &str) -> std::io::Result<JsonWriter<'a>> {
        out.write_all(b"{\n  \"tool\": \"wenshan\",\n  \"version\": ")?;
        serde_json::to_writer(&mut *out, env!("CARGO_PKG_VERSION"))?;
        out.write_all(b",\n  \"root\": ")?;
        serde_json::to_writer(&mut *out, root)?;
        out.write_all(b",\n  \"documents\": [")?;
        Ok(JsonWriter { out, first: true })
    }

    /// One entry of the current array, in pieces.
    pub fn entry(&mut self, pieces: &[&[u8]]) -> std::io::Result<()> {
        self.out.write_all(if self.first { b"\n    " } else { b",\n    " })?;
        self.first = false;
        for p in pieces {
            self.out.write_all(p)?;
        }
        Ok(())
    }

    /// Entries written elsewhere with their separators (`\n    ` before the
    /// first, `,\n    ` before each other), into an array that has none yet.
    pub fn raw_entries(&mut self, from: &mut dyn std::io::Read) -> std::io::Result<()> {
        if std::io::copy(from, &mut self.out)? > 0 {
            self.first = false;
        }
        Ok(())
    }

    /// Close the current array and open the next (`pairs`, then `families`).
    pub fn next(&mut self, key: &str) -> std::io::Result<()> {
        self.close()?;
        self.out.write_all(b",\n  ")?;
        serde_json::to_writer(&mut *self.out, key)?;
        self.out.write_all(b": [")?;
        self.first = true;
        Ok(())
    }

    fn close(&mut self) -> std::io::Result<()> {
        self.out.write_all(if self.first { b"]" } else { b"\n  ]" })
    }

    /// Close the last array and the report.
    pub fn finish(mut self) -> std::io::Result<()> {
        self.close()?;
        self.out.write_all(b"\n}\n")
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
            ratios: Some(Ratios::default()),
            disguised_issuance: None,
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
                passages: vec![],
                changes: vec![],
                shared_chars: 95,
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

    /// [`JsonWriter`] over a report's entries.
    fn streamed(r: &Report) -> String {
        let mut out = Vec::new();
        let mut w = JsonWriter::start(&mut out, &r.root).unwrap();
        for d in &r.documents {
            let parts = document_json(d.clone());
            w.entry(&[&parts[0], &parts[1], &parts[2]]).unwrap();
        }
        w.next("pairs").unwrap();
        for p in &r.pairs {
            w.entry(&[&pair_json(p)]).unwrap();
        }
        w.next("families").unwrap();
        for f in &r.families {
            w.entry(&[&family_json(f)]).unwrap();
        }
        w.finish().unwrap();
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn the_streamed_json_is_the_reports_json() {
        let mut r = sample();
        r.root = "草稿\n\"引号\"".into();
        r.documents[0].ratios = Some(Ratios {
            total: 0.5,
            excluding_forwarding: 0.25,
            largest_source: Some("b.txt".into()),
            largest_source_ratio: 0.5,
            sections: vec![SectionRatio {
                heading: "一、\"ratios\": null".into(),
                ratio: 1.0,
            }],
        });
        r.documents[1].ratios = None;
        r.documents[1].title = Some("\n  \"ratios\": 标题".into());
        r.documents[1].disguised_issuance = Some(DisguisedIssuance {
            verdict: Verdict::Review,
            score: 40,
            carrier: "工作提示".into(),
            direction: "down".into(),
            findings: vec![FindingEntry {
                rule: "WH001".into(),
                message: "要求\n执行".into(),
                line: 3,
                column: 1,
                start: 10,
                end: 14,
                text: "务必落实".into(),
                weight: 20,
                source: "不写入".into(),
                source_column: 0,
            }],
        });
        r.pairs[0].passages = vec![PassageEntry {
            a_start: 0,
            a_end: 4,
            b_start: 0,
            b_end: 4,
            a_line: 1,
            b_line: 1,
            text: "防汛工作".into(),
            diff: vec![DiffSpan {
                op: "equal",
                text: "防汛".into(),
            }],
        }];
        assert_eq!(streamed(&r), r.to_json());
        // Empty arrays are `[]`, as serde_json writes them.
        let empty = Report {
            documents: vec![],
            pairs: vec![],
            families: vec![],
            ..sample()
        };
        assert_eq!(streamed(&empty), empty.to_json());
        let no_pairs = Report {
            pairs: vec![],
            ..r.clone()
        };
        assert_eq!(streamed(&no_pairs), no_pairs.to_json());
    }

    #[test]
    fn rounding_keeps_four_decimals() {
        assert_eq!(round4(0.123_456), 0.1235);
    }
}
