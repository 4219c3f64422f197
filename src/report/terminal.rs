//! The Chinese terminal report: families first, then per pair the top shared
//! passages, then disguised-issuance diagnostics, then per-file errors.

use super::{PairEntry, Report};
use std::fmt::Write as _;

impl Report {
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
                pair_details(&mut out, p);
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

/// Passages shown per pair, and characters shown per passage.
const SHOWN_PASSAGES: usize = 3;
const SHOWN_CHARS: usize = 60;

/// Under a pair line: what a reissue changed, then its longest shared passages.
fn pair_details(out: &mut String, p: &PairEntry) {
    if !p.changes.is_empty() {
        let list: Vec<String> = p
            .changes
            .iter()
            .take(12)
            .map(|c| format!("{}→{}", c.from, c.to))
            .collect();
        let more = if p.changes.len() > 12 {
            format!(" 等 {} 处", p.changes.len())
        } else {
            String::new()
        };
        let _ = writeln!(out, "      改动：{}{}", list.join("；"), more);
    }
    if p.passages.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "      重复段落 {} 处，共 {} 字（前{}处最长）：",
        p.passages.len(),
        p.shared_chars,
        SHOWN_PASSAGES.min(p.passages.len())
    );
    for (i, s) in p.passages.iter().take(SHOWN_PASSAGES).enumerate() {
        let chars = s.text.chars().count();
        let shown: String = s
            .text
            .chars()
            .take(SHOWN_CHARS)
            .map(|c| if c == '\n' { '⏎' } else { c })
            .collect();
        let tail = if chars > SHOWN_CHARS { "…" } else { "" };
        let _ = writeln!(
            out,
            "        {}. 第{}行 ↔ 第{}行（{}字）{}{}",
            i + 1,
            s.a_line,
            s.b_line,
            chars,
            shown,
            tail
        );
    }
}
