//! The Chinese terminal report: families first, then per pair the top shared
//! passages, then disguised-issuance diagnostics, then per-file errors.

use super::{FindingEntry, PairEntry, Report, Verdict};
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
                // The earlier document first (members are in date order), so
                // that changes read old → new whatever the file names.
                let flipped = idx(&p.a) > idx(&p.b);
                let (first, second) = if flipped { (&p.b, &p.a) } else { (&p.a, &p.b) };
                let (first_in, second_in) = if flipped {
                    (p.containment_b_in_a, p.containment_a_in_b)
                } else {
                    (p.containment_a_in_b, p.containment_b_in_a)
                };
                let (i, j) = (idx(first), idx(second));
                let _ = writeln!(
                    out,
                    "    [{i}]↔[{j}] {}：相似度 {:.1}%，[{i}]在[{j}]中 {:.1}%，[{j}]在[{i}]中 {:.1}%（指纹距离 {}）",
                    p.relation.name_zh(),
                    p.similarity * 100.0,
                    first_in * 100.0,
                    second_in * 100.0,
                    p.hamming
                );
                pair_details(&mut out, p, flipped);
            }
        }
        self.disguised_section(&mut out);
        if failed > 0 {
            let _ = writeln!(out, "\n读取失败的文件（未参与比对）：");
            for d in self.failed() {
                let _ = writeln!(out, "  {}：{}", d.path, d.error.as_deref().unwrap_or(""));
            }
        }
        out
    }

    /// rustc/ruff-style diagnostics for documents in the review band or above.
    fn disguised_section(&self, out: &mut String) {
        let flagged: Vec<_> = self
            .documents
            .iter()
            .filter_map(|d| d.disguised_issuance.as_ref().map(|x| (d, x)))
            .filter(|(_, x)| x.verdict != Verdict::Unlikely)
            .collect();
        let assessed = self.documents.iter().filter(|d| d.disguised_issuance.is_some()).count();
        if assessed == 0 {
            return;
        }
        let likely = flagged.iter().filter(|(_, x)| x.verdict == Verdict::Likely).count();
        let _ = writeln!(
            out,
            "\n━━ 变相发文（红头转白头）检查 · {} 份文件：高度疑似 {} 份，建议复核 {} 份 ━━",
            assessed,
            likely,
            flagged.len() - likely
        );
        for (d, x) in flagged {
            let _ = writeln!(
                out,
                "\n{}：{}（{} 分）· 载体：{} · 行文方向：{}",
                d.path,
                x.verdict.name_zh(),
                x.score,
                x.carrier,
                direction_zh(&x.direction)
            );
            for f in &x.findings {
                diagnostic(out, &d.path, f);
            }
        }
        let _ = writeln!(
            out,
            "\n（用 `wenshan explain 规则代码` 查看规则说明；在 wenshan.toml 中调整规则与权重。）"
        );
    }
}

fn direction_zh(d: &str) -> &'static str {
    match d {
        "down" => "下行",
        "up" => "上行",
        "peer" => "平行",
        "internal" => "内部",
        "public" => "面向社会",
        _ => "不明",
    }
}

/// Display width in a terminal: CJK and full-width forms take two columns.
pub(crate) fn width(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum()
}

/// Chars of context shown on each side of a span.
const CONTEXT: usize = 24;

fn diagnostic(out: &mut String, path: &str, f: &FindingEntry) {
    let level = match crate::rules::severity(&f.rule) {
        "error" => "错误",
        "info" => "提示",
        "note" => "说明",
        _ => "警告",
    };
    let _ = writeln!(out, "{level}[{}]: {}", f.rule, f.message);
    let _ = writeln!(out, "  --> {}:{}:{}", path, f.line, f.column);
    if f.source.is_empty() {
        return;
    }
    let gutter = " ".repeat(f.line.to_string().len());
    // Long paragraphs are cut to a window around the span, as rustc does.
    let chars: Vec<char> = f.source.chars().collect();
    let len = f.text.chars().count();
    let from = f.source_column.saturating_sub(CONTEXT);
    let to = (f.source_column + len + CONTEXT).min(chars.len());
    let lead = if from > 0 { "…" } else { "" };
    let tail = if to < chars.len() { "…" } else { "" };
    let shown: String = chars[from..to].iter().collect();
    let before: String = lead
        .chars()
        .chain(chars[from..f.source_column.min(chars.len())].iter().copied())
        .collect();
    let _ = writeln!(out, "{gutter} |");
    let _ = writeln!(out, "{} | {lead}{shown}{tail}", f.line);
    let _ = writeln!(
        out,
        "{gutter} | {}{} {:+}",
        " ".repeat(width(&before)),
        "^".repeat(width(&f.text).max(1)),
        f.weight
    );
}

/// Passages shown per pair, and characters shown per passage.
const SHOWN_PASSAGES: usize = 3;
const SHOWN_CHARS: usize = 60;

/// Under a pair line: what a reissue changed, then its longest shared
/// passages; `flipped` when the pair is shown B first (B is the earlier).
fn pair_details(out: &mut String, p: &PairEntry, flipped: bool) {
    if !p.changes.is_empty() {
        let list: Vec<String> = p
            .changes
            .iter()
            .take(12)
            .map(|c| match flipped {
                false => format!("{}→{}", c.from, c.to),
                true => format!("{}→{}", c.to, c.from),
            })
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
        let shown: String = s
            .text
            .chars()
            .take(SHOWN_CHARS)
            .map(|c| if c == '\n' { '⏎' } else { c })
            .collect();
        let tail = if s.text.chars().nth(SHOWN_CHARS).is_some() {
            "…"
        } else {
            ""
        };
        let (first, second) = if flipped {
            (s.b_line, s.a_line)
        } else {
            (s.a_line, s.b_line)
        };
        let _ = writeln!(
            out,
            "        {}. 第{}行 ↔ 第{}行（{}字）{}{}",
            i + 1,
            first,
            second,
            s.chars(),
            shown,
            tail
        );
    }
}
