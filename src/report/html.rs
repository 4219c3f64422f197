//! The HTML report: one self-contained page (inline CSS, no scripts, no
//! fetches; a Content-Security-Policy forbids them) laid out like the
//! plagiarism-check (复制比) reports reviewers already know: overview first,
//! then each pair side by side with its shared passages, then the
//! disguised-issuance findings and the files that could not be read.
//!
//! The report carries no full document texts, so a pair is shown through its
//! passages: A's reading (equal + delete spans) beside B's (equal + insert).

use super::csv::relation_code;
use super::{Change, DiffSpan, DocumentEntry, FindingEntry, PairEntry, PassageEntry, Ratios, Report, Verdict};
use std::collections::HashMap;
use std::fmt::Write as _;

/// Writes into a `String`; formatting into memory cannot fail.
macro_rules! w {
    ($out:expr, $($arg:tt)*) => {{
        let _ = write!($out, $($arg)*);
    }};
}

impl Report {
    /// The report as one HTML page, in Chinese.
    pub fn to_html(&self) -> String {
        Page::new(self).render()
    }
}

/// Escapes text for element content and quoted attribute values alike.
pub(crate) fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

/// Plagiarism-check colours: red from 50 %, amber from 20 %.
pub(crate) fn ratio_class(x: f64) -> &'static str {
    if x >= 0.5 {
        "r-red"
    } else if x >= 0.2 {
        "r-amber"
    } else {
        "r-green"
    }
}

fn verdict_class(v: Verdict) -> &'static str {
    match v {
        Verdict::Likely => "v-likely",
        Verdict::Review => "v-review",
        Verdict::Unlikely => "v-ok",
    }
}

fn direction_zh(d: &str) -> &str {
    match d {
        "down" => "下行",
        "up" => "上行",
        "peer" => "平行",
        "internal" => "内部",
        "unknown" => "不详",
        other => other,
    }
}

fn change_kind_zh(k: &str) -> &str {
    match k {
        "year" => "年份",
        "date" => "日期",
        "doc_number" => "文号",
        "number" => "数字",
        "level" => "层级词",
        "organisation" => "机构名称",
        other => other,
    }
}

/// Which side a passage column shows: A keeps `delete` spans, B `insert`.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Side {
    A,
    B,
}

impl Side {
    fn own_op(self) -> &'static str {
        match self {
            Side::A => "delete",
            Side::B => "insert",
        }
    }
    /// Text only on this side reads as removed (A) or added (B).
    fn mark_tag(self) -> &'static str {
        match self {
            Side::A => "del",
            Side::B => "ins",
        }
    }
    fn letter(self) -> &'static str {
        match self {
            Side::A => "A",
            Side::B => "B",
        }
    }
}

/// The passage on one side as HTML: shared text highlighted, text only on
/// this side marked as deleted (A) or inserted (B).
fn side_html(p: &PassageEntry, side: Side) -> String {
    if p.diff.is_empty() {
        return format!("<mark>{}</mark>", esc(&p.text));
    }
    let tag = side.mark_tag();
    let mut out = String::new();
    for DiffSpan { op, text } in &p.diff {
        if *op == "equal" {
            w!(out, "<mark>{}</mark>", esc(text));
        } else if *op == side.own_op() {
            w!(out, "<{tag} title=\"仅见于{}\">{}</{tag}>", side.letter(), esc(text));
        }
    }
    out
}

fn passage_kind(p: &PassageEntry) -> &'static str {
    if p.diff.iter().all(|s| s.op == "equal") {
        "文字一致"
    } else {
        "有改动"
    }
}

/// Dates order a pair; unknown dates sort last so a dated document is the
/// presumed source.
fn date_key(d: Option<&DocumentEntry>) -> (bool, Option<crate::Date>) {
    let date = d.and_then(|d| d.date);
    (date.is_none(), date)
}

fn or_dash(s: Option<&str>) -> String {
    s.map_or_else(|| "—".to_string(), esc)
}

const CSS: &str = r#"
:root{--red:#c62828;--red-bg:#fdecea;--amber:#b26a00;--amber-bg:#fff4e0;--green:#2e7d32;--green-bg:#e8f5e9;--line:#d9dde3;--ink:#1f2328;--muted:#5f6b7a;--accent:#8b1a1a}
*{box-sizing:border-box}
body{margin:0;color:var(--ink);background:#f4f5f7;font:14px/1.6 "Noto Sans CJK SC","Source Han Sans SC","Microsoft YaHei","PingFang SC","WenQuanYi Micro Hei",sans-serif}
main{max-width:1240px;margin:0 auto;padding:0 20px 40px}
header.top{background:#fff;border-bottom:3px solid var(--accent);padding:18px 20px 12px}
header.top h1{margin:0 auto;max-width:1200px;font-size:22px;color:var(--accent);letter-spacing:1px}
header.top p{margin:4px auto 0;max-width:1200px;color:var(--muted)}
nav.toc{max-width:1200px;margin:6px auto 0}
nav.toc a{margin-right:16px}
section.card{background:#fff;border:1px solid var(--line);border-radius:6px;margin:18px 0;padding:14px 18px}
h2{font-size:18px;margin:0 0 10px;padding-left:8px;border-left:4px solid var(--accent)}
h3{font-size:16px;margin:0 0 8px}
a{color:#0b57d0;text-decoration:none}
a:hover{text-decoration:underline}
.stats{display:flex;flex-wrap:wrap;gap:10px}
.stat{flex:1 1 130px;border:1px solid var(--line);border-radius:6px;padding:8px 12px;background:#fafbfc}
.stat b{display:block;font-size:24px}
.stat span{color:var(--muted)}
.legend span{margin-right:12px}
table{border-collapse:collapse;width:100%}
th,td{border:1px solid var(--line);padding:4px 8px;text-align:left;vertical-align:top}
th{background:#eef1f5;font-weight:600;white-space:nowrap}
td.nw{white-space:nowrap}
td.num{text-align:right;white-space:nowrap;font-variant-numeric:tabular-nums}
.path{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:12px;word-break:break-all}
td.path{min-width:14em}
table.fam{table-layout:fixed}
table.fam th:nth-child(1){width:3.5em}
table.fam th:nth-child(2){width:7.5em}
table.fam th:nth-child(3){width:11em}
table.fam th:nth-child(4){width:38%}
table.fam th:nth-child(6){width:8.5em}
.r-red{color:var(--red);background:var(--red-bg);font-weight:600}
.r-amber{color:var(--amber);background:var(--amber-bg);font-weight:600}
.r-green{color:var(--green);background:var(--green-bg)}
.chip{display:inline-block;padding:0 6px;border-radius:3px;white-space:nowrap}
.v-likely{color:#fff;background:var(--red)}
.v-review{color:#fff;background:var(--amber)}
.v-ok{color:var(--green);background:var(--green-bg)}
.rel{color:#fff;background:#455a64}
.rel-exact,.rel-reissue{background:var(--red)}
.rel-near_duplicate,.rel-containment{background:var(--amber)}
.rel-forwarding{background:#1565c0}
.origin{color:#fff;background:var(--accent)}
.muted{color:var(--muted)}
.family{border-top:1px dashed var(--line);padding-top:10px;margin-top:10px}
.family:first-of-type{border-top:0;margin-top:0;padding-top:0}
section.pair{scroll-margin-top:10px}
.sbs{display:grid;grid-template-columns:1fr 1fr;gap:12px}
.meta{border:1px solid var(--line);border-radius:6px;padding:8px 12px;background:#fafbfc}
.meta h4{margin:0 0 4px}
.meta dl{display:grid;grid-template-columns:5em 1fr;margin:0;gap:2px 8px}
.meta dt{color:var(--muted)}
.meta dd{margin:0}
.figures{margin:10px 0;display:flex;flex-wrap:wrap;gap:8px}
.figures span{border:1px solid var(--line);border-radius:4px;padding:2px 8px;background:#fff}
ul.changes{margin:4px 0 10px;padding-left:20px}
.from{color:var(--red);text-decoration:line-through}
.to{color:var(--green);font-weight:600}
ol.plist{margin:4px 0 10px;padding-left:24px}
.prow{display:grid;grid-template-columns:1fr 1fr;gap:12px;margin:8px 0}
.pcell{border:1px solid var(--line);border-radius:6px;padding:6px 10px;background:#fff;scroll-margin-top:10px}
.pcell .loc{color:var(--muted);font-size:12px}
.ptext{margin:4px 0 0;font-family:"Noto Serif CJK SC","FangSong","STFangsong",serif;font-size:15px;line-height:1.9;white-space:pre-wrap}
mark{background:#ffe08a;color:inherit;padding:0}
del{background:#ffd7d5;color:var(--red)}
ins{background:#d3f5d9;color:var(--green);text-decoration:underline}
:target{outline:3px solid #0b57d0;outline-offset:2px}
td.hit mark{background:#ffc9c9}
.err{color:var(--red)}
footer{color:var(--muted);font-size:12px;margin-top:20px}
@media print{body{background:#fff}section.card{break-inside:avoid-page;border:0}nav.toc{display:none}}
"#;

struct Page<'a> {
    r: &'a Report,
    /// Path → index into `r.documents`, for anchors and look-ups.
    docs: HashMap<&'a str, usize>,
    /// Path → indices into `r.pairs` of the pairs it is in, so that large
    /// scans are not rendered in quadratic time.
    pairs_of: HashMap<&'a str, Vec<usize>>,
}

impl<'a> Page<'a> {
    fn new(r: &'a Report) -> Page<'a> {
        let docs = r
            .documents
            .iter()
            .enumerate()
            .map(|(i, d)| (d.path.as_str(), i))
            .collect();
        let mut pairs_of: HashMap<&str, Vec<usize>> = HashMap::new();
        for (i, p) in r.pairs.iter().enumerate() {
            pairs_of.entry(&p.a).or_default().push(i);
            pairs_of.entry(&p.b).or_default().push(i);
        }
        Page { r, docs, pairs_of }
    }

    /// The pairs a document is in, in report order.
    fn pairs_of(&self, path: &str) -> &[usize] {
        self.pairs_of.get(path).map_or(&[], Vec::as_slice)
    }

    fn doc(&self, path: &str) -> Option<&'a DocumentEntry> {
        self.docs.get(path).map(|&i| &self.r.documents[i])
    }

    /// A link to a document's overview row, or the bare escaped path.
    fn doc_link(&self, path: &str) -> String {
        match self.docs.get(path) {
            Some(i) => format!("<a class=\"path\" href=\"#doc-{}\">{}</a>", i + 1, esc(path)),
            None => format!("<span class=\"path\">{}</span>", esc(path)),
        }
    }

    fn render(&self) -> String {
        let mut out = String::with_capacity(64 * 1024);
        w!(
            out,
            "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <meta name=\"generator\" content=\"wenshan\">\n\
             <title>文山审查报告 · {}</title>\n<style>{}</style>\n</head>\n<body>\n",
            esc(&self.r.root),
            CSS
        );
        out.push_str(&self.header());
        out.push_str("<main>\n");
        out.push_str(&self.summary());
        out.push_str(&self.families());
        out.push_str(&self.documents());
        out.push_str(&self.pair_table());
        for (i, p) in self.r.pairs.iter().enumerate() {
            out.push_str(&self.pair(i + 1, p));
        }
        out.push_str(&self.findings());
        out.push_str(&self.errors());
        w!(
            out,
            "<footer>由 文山 {} {} 生成。位置中的“第N行”指原文件行号；字符区间按规范化文本计。\
             报告不含文件全文，对照部分仅展示共有段落。复制比着色：≥50% 红，≥20% 橙，其余绿。</footer>\n",
            esc(self.r.tool),
            esc(self.r.version)
        );
        out.push_str("</main>\n</body>\n</html>\n");
        out
    }

    fn header(&self) -> String {
        format!(
            "<header class=\"top\"><h1>公文重复发文与变相发文审查报告</h1>\
             <p>扫描目录：<span class=\"path\">{}</span> · 文山 {} {}</p>\
             <nav class=\"toc\"><a href=\"#overview\">概览</a><a href=\"#families\">相似文件组</a>\
             <a href=\"#documents\">文件一览</a><a href=\"#pairs\">文件对</a>\
             <a href=\"#findings\">变相发文</a><a href=\"#errors\">读取失败</a></nav></header>\n",
            esc(&self.r.root),
            esc(self.r.tool),
            esc(self.r.version)
        )
    }

    fn summary(&self) -> String {
        let docs = &self.r.documents;
        let failed = self.r.failed().count();
        // A count over a check nobody ran would read as "nothing found": show a dash instead.
        let count_if = |ran: bool, n: usize| if ran { Some(n) } else { None };
        let ratios_ran = docs.iter().any(|d| d.ratios.is_some());
        let wh_ran = docs.iter().any(|d| d.disguised_issuance.is_some());
        let high_copy = docs
            .iter()
            .filter(|d| d.ratios.as_ref().is_some_and(|r| r.total >= 0.5))
            .count();
        let verdicts = |v| {
            docs.iter()
                .filter(|d| d.disguised_issuance.as_ref().is_some_and(|x| x.verdict == v))
                .count()
        };
        let stats = [
            (Some(docs.len()), "文件总数", ""),
            (Some(docs.len() - failed), "成功读取", ""),
            (Some(failed), "读取失败", "r-red"),
            (Some(self.r.families.len()), "相似文件组", ""),
            (Some(self.r.pairs.len()), "相似文件对", ""),
            (count_if(ratios_ran, high_copy), "复制比≥50%的文件", "r-red"),
            (
                count_if(wh_ran, verdicts(Verdict::Likely)),
                "变相发文·高度疑似",
                "r-red",
            ),
            (
                count_if(wh_ran, verdicts(Verdict::Review)),
                "变相发文·建议复核",
                "r-amber",
            ),
        ];
        let mut out = String::from("<section class=\"card\" id=\"overview\"><h2>概览</h2><div class=\"stats\">");
        for (n, label, class) in stats {
            match n {
                Some(n) => {
                    let class = if n > 0 { class } else { "" };
                    w!(out, "<div class=\"stat {class}\"><b>{n}</b><span>{label}</span></div>");
                }
                None => w!(
                    out,
                    "<div class=\"stat\"><b class=\"muted\">—</b><span>{label}（未计算）</span></div>"
                ),
            }
        }
        out.push_str(
            "</div><p class=\"legend\">复制比：<span class=\"chip r-red\">≥50%</span>\
             <span class=\"chip r-amber\">20%–50%</span><span class=\"chip r-green\">&lt;20%</span>\
             变相发文：<span class=\"chip v-likely\">高度疑似</span><span class=\"chip v-review\">建议复核</span>\
             <span class=\"chip v-ok\">未见异常</span></p></section>\n",
        );
        out
    }

    fn families(&self) -> String {
        let mut out = String::from("<section class=\"card\" id=\"families\"><h2>相似文件组</h2>");
        if self.r.families.is_empty() {
            out.push_str("<p>未发现重复或高度相似的文件。</p></section>\n");
            return out;
        }
        w!(
            out,
            "<p class=\"muted\">共 {} 组。组内按成文日期排序，最早者为推定原始文件。</p>",
            self.r.families.len()
        );
        for (fi, fam) in self.r.families.iter().enumerate() {
            let mut members: Vec<&String> = fam.members.iter().collect();
            members.sort_by_key(|m| date_key(self.doc(m)));
            w!(
                out,
                "<div class=\"family\" id=\"family-{}\"><h3>第 {} 组 · {} 份文件</h3>\
                 <table class=\"fam\"><tr><th>序号</th><th>成文日期</th><th>文号</th><th>文件</th><th>标题</th><th>身份</th></tr>",
                fi + 1,
                fi + 1,
                members.len()
            );
            for (mi, m) in members.iter().enumerate() {
                let d = self.doc(m);
                let role = if **m == fam.earliest {
                    "<span class=\"chip origin\">推定原始文件</span>"
                } else {
                    "后发"
                };
                w!(
                    out,
                    "<tr><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"nw\">{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    mi + 1,
                    d.and_then(|d| d.date).map_or_else(|| "日期不详".into(), |x| x.to_string()),
                    or_dash(d.and_then(|d| d.doc_number.as_deref())),
                    self.doc_link(m),
                    or_dash(d.and_then(|d| d.title.as_deref())),
                    role
                );
            }
            out.push_str("</table><p>文件对：");
            // Each pair is listed once, under its A side.
            let mut in_family: Vec<usize> = (fam.members.iter())
                .flat_map(|m| {
                    self.pairs_of(m)
                        .iter()
                        .copied()
                        .filter(move |&i| self.r.pairs[i].a == *m)
                })
                .collect();
            in_family.sort_unstable();
            for pi in in_family {
                let p = &self.r.pairs[pi];
                w!(
                    out,
                    "<a href=\"#pair-{}\">对 {}（{} {}）</a> ",
                    pi + 1,
                    pi + 1,
                    p.relation.name_zh(),
                    pct(p.similarity)
                );
            }
            out.push_str("</p></div>");
        }
        out.push_str("</section>\n");
        out
    }

    fn ratio_cells(&self, r: Option<&Ratios>, chars: usize) -> String {
        let Some(r) = r else {
            return "<td class=\"num\">—</td><td class=\"num\">—</td><td>—</td>".into();
        };
        // Absolute counts beside the ratio: 90 % of a 300-character notice is three sentences.
        let copied = (r.total * chars as f64).round() as usize;
        let mut total = format!("<td class=\"num {}\">{}", ratio_class(r.total), pct(r.total));
        if copied > 0 {
            w!(total, "<br><small>约{copied}/{chars}字</small>");
        }
        if !r.sections.is_empty() {
            total.push_str("<details><summary>分节</summary>");
            for s in &r.sections {
                w!(
                    total,
                    "<div class=\"{}\">{} {}</div>",
                    ratio_class(s.ratio),
                    esc(&s.heading),
                    pct(s.ratio)
                );
            }
            total.push_str("</details>");
        }
        total.push_str("</td>");
        let largest = match &r.largest_source {
            Some(src) => format!(
                "<td><span class=\"chip {}\">{}</span> {}</td>",
                ratio_class(r.largest_source_ratio),
                pct(r.largest_source_ratio),
                self.doc_link(src)
            ),
            None => "<td class=\"muted\">无</td>".into(),
        };
        format!(
            "{total}<td class=\"num {}\">{}</td>{largest}",
            ratio_class(r.excluding_forwarding),
            pct(r.excluding_forwarding)
        )
    }

    fn documents(&self) -> String {
        let mut out = String::from(
            "<section class=\"card\" id=\"documents\"><h2>文件一览</h2><table id=\"doc-table\">\
             <tr><th>#</th><th>文件</th><th>标题</th><th>文号</th><th>成文日期</th><th>文种</th>\
             <th>总文字复制比</th><th>去除转发复制比</th><th>单篇最大复制比（来源）</th><th>变相发文</th><th>相似文件对</th></tr>",
        );
        for (i, d) in self.r.documents.iter().enumerate() {
            w!(
                out,
                "<tr id=\"doc-{}\"><td class=\"num\">{}</td><td class=\"path\">{}</td>",
                i + 1,
                i + 1,
                esc(&d.path)
            );
            if let Some(e) = &d.error {
                w!(out, "<td colspan=\"8\" class=\"err\">读取失败：{}</td>", esc(e));
            } else {
                w!(
                    out,
                    "<td>{}</td><td class=\"nw\">{}</td><td class=\"num\">{}</td><td class=\"nw\">{}</td>{}<td>{}</td>",
                    or_dash(d.title.as_deref()),
                    or_dash(d.doc_number.as_deref()),
                    d.date.map_or_else(|| "不详".into(), |x| x.to_string()),
                    d.genre.map_or("—", |g| g.name()),
                    self.ratio_cells(d.ratios.as_ref(), d.chars),
                    self.verdict_cell(i, d)
                );
            }
            out.push_str("<td>");
            for n in self.pairs_of(&d.path).iter().map(|i| i + 1) {
                w!(out, "<a href=\"#pair-{n}\">对{n}</a> ");
            }
            out.push_str("</td></tr>");
        }
        out.push_str("</table></section>\n");
        out
    }

    fn verdict_cell(&self, i: usize, d: &DocumentEntry) -> String {
        match &d.disguised_issuance {
            None => "<span class=\"muted\">未检查</span>".into(),
            Some(x) => {
                let chip = format!(
                    "<span class=\"chip {}\">{}</span> {}分",
                    verdict_class(x.verdict),
                    x.verdict.name_zh(),
                    x.score
                );
                if shows_findings(d) {
                    format!("<a href=\"#wh-{}\">{chip}</a>", i + 1)
                } else {
                    chip
                }
            }
        }
    }

    fn pair_table(&self) -> String {
        let mut out = String::from("<section class=\"card\" id=\"pairs\"><h2>相似文件对</h2>");
        if self.r.pairs.is_empty() {
            out.push_str("<p>无。</p></section>\n");
            return out;
        }
        out.push_str(
            "<table id=\"pair-table\"><tr><th>#</th><th>文件A</th><th>文件B</th><th>关系</th><th>相似度</th>\
             <th>A在B中</th><th>B在A中</th><th>共有字数</th><th>共有段落</th></tr>",
        );
        for (i, p) in self.r.pairs.iter().enumerate() {
            w!(
                out,
                "<tr><td class=\"num\"><a href=\"#pair-{n}\">{n}</a></td><td>{}</td><td>{}</td>\
                 <td><a href=\"#pair-{n}\"><span class=\"chip rel rel-{}\">{}</span></a></td>\
                 <td class=\"num {}\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
                 <td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                self.doc_link(&p.a),
                self.doc_link(&p.b),
                relation_code(p),
                p.relation.name_zh(),
                ratio_class(p.similarity),
                pct(p.similarity),
                pct(p.containment_a_in_b),
                pct(p.containment_b_in_a),
                p.shared_chars,
                p.passages.len(),
                n = i + 1
            );
        }
        out.push_str("</table></section>\n");
        out
    }

    /// One pair side by side: metadata, figures, changes, passages.
    fn pair(&self, n: usize, p: &PairEntry) -> String {
        let (da, db) = (self.doc(&p.a), self.doc(&p.b));
        // The earlier-dated side is the presumed source; equal or unknown dates name none.
        let origin = match (da.and_then(|d| d.date), db.and_then(|d| d.date)) {
            (Some(x), Some(y)) if x < y => Some(Side::A),
            (Some(x), Some(y)) if y < x => Some(Side::B),
            _ => None,
        };
        let mut out = format!(
            "<section class=\"card pair\" id=\"pair-{n}\"><h2>文件对 {n} · <span class=\"chip rel rel-{}\">{}</span></h2>\
             <div class=\"sbs\">{}{}</div>",
            relation_code(p),
            p.relation.name_zh(),
            self.meta(Side::A, &p.a, da, origin == Some(Side::A)),
            self.meta(Side::B, &p.b, db, origin == Some(Side::B)),
        );
        let share_a = da
            .filter(|d| d.chars > 0)
            .map(|d| p.shared_chars as f64 / d.chars as f64);
        w!(
            out,
            "<div class=\"figures\"><span>相似度 <b class=\"{}\">{}</b></span><span>A在B中 <b>{}</b></span>\
             <span>B在A中 <b>{}</b></span><span>共有 <b>{}</b> 字{}</span><span>指纹距离 {}</span></div>",
            ratio_class(p.similarity),
            pct(p.similarity),
            pct(p.containment_a_in_b),
            pct(p.containment_b_in_a),
            p.shared_chars,
            share_a.map_or_else(String::new, |s| format!("（占A {}）", pct(s))),
            p.hamming
        );
        out.push_str(&changes(&p.changes));
        out.push_str(&passages(n, &p.passages));
        out.push_str("<p><a href=\"#pairs\">↑ 返回文件对列表</a></p></section>\n");
        out
    }

    fn meta(&self, side: Side, path: &str, d: Option<&DocumentEntry>, origin: bool) -> String {
        let mark = if origin {
            " <span class=\"chip origin\">较早 · 推定原始文件</span>"
        } else {
            ""
        };
        let mut out = format!(
            "<div class=\"meta\"><h4>文件{}{mark}</h4><dl><dt>文件</dt><dd>{}</dd>",
            side.letter(),
            self.doc_link(path)
        );
        if let Some(d) = d {
            let rows = [
                ("标题", d.title.as_deref().map(esc)),
                ("文号", d.doc_number.as_deref().map(esc)),
                ("发文机关", d.issuer.as_deref().map(esc)),
                ("成文日期", d.date.map(|x| x.to_string())),
                ("文种", d.genre.map(|g| g.name().to_string())),
                ("字数", Some(d.chars.to_string())),
            ];
            for (k, v) in rows {
                w!(out, "<dt>{k}</dt><dd>{}</dd>", v.unwrap_or_else(|| "—".into()));
            }
        }
        out.push_str("</dl></div>");
        out
    }

    fn findings(&self) -> String {
        let mut out = String::from("<section class=\"card\" id=\"findings\"><h2>变相发文（红头转白头）</h2>");
        let shown: Vec<(usize, &DocumentEntry)> = self
            .r
            .documents
            .iter()
            .enumerate()
            .filter(|(_, d)| shows_findings(d))
            .collect();
        if shown.is_empty() {
            let checked = self.r.documents.iter().any(|d| d.disguised_issuance.is_some());
            out.push_str(if checked {
                "<p>未见异常。</p></section>\n"
            } else {
                "<p class=\"muted\">本次扫描未进行变相发文检查。</p></section>\n"
            });
            return out;
        }
        for (i, d) in shown {
            let Some(x) = &d.disguised_issuance else { continue };
            w!(
                out,
                "<div class=\"family\" id=\"wh-{}\"><h3><span class=\"chip {}\">{}</span> {}分 · {}</h3>\
                 <p class=\"muted\">载体：{} · 行文方向：{} · 标题：{}</p>",
                i + 1,
                verdict_class(x.verdict),
                x.verdict.name_zh(),
                x.score,
                self.doc_link(&d.path),
                esc(&x.carrier),
                esc(direction_zh(&x.direction)),
                or_dash(d.title.as_deref())
            );
            if x.findings.is_empty() {
                out.push_str("<p>无具体命中。</p></div>");
                continue;
            }
            out.push_str(
                "<table class=\"findings\"><tr><th>规则</th><th>说明</th><th>位置</th><th>命中文本</th><th>权重</th></tr>",
            );
            for f in &x.findings {
                out.push_str(&finding_row(f));
            }
            out.push_str("</table></div>");
        }
        out.push_str("</section>\n");
        out
    }

    fn errors(&self) -> String {
        let mut out = String::from("<section class=\"card\" id=\"errors\"><h2>读取失败的文件（未参与比对）</h2>");
        let failed: Vec<&DocumentEntry> = self.r.failed().collect();
        if failed.is_empty() {
            out.push_str("<p>无。</p></section>\n");
            return out;
        }
        out.push_str("<table><tr><th>文件</th><th>原因</th></tr>");
        for d in failed {
            w!(
                out,
                "<tr><td class=\"path\">{}</td><td class=\"err\">{}</td></tr>",
                esc(&d.path),
                esc(d.error.as_deref().unwrap_or(""))
            );
        }
        out.push_str("</table></section>\n");
        out
    }
}

/// A document gets a findings block when there is something to read.
fn shows_findings(d: &DocumentEntry) -> bool {
    d.disguised_issuance
        .as_ref()
        .is_some_and(|x| x.verdict != Verdict::Unlikely || !x.findings.is_empty())
}

fn finding_row(f: &FindingEntry) -> String {
    let weight_class = if f.weight > 0 { "err" } else { "muted" };
    format!(
        "<tr><td><b>{}</b></td><td>{}</td><td class=\"num\">第{}行第{}列</td>\
         <td class=\"hit\"><mark>{}</mark></td><td class=\"num {weight_class}\">{:+}</td></tr>",
        esc(&f.rule),
        esc(&f.message),
        f.line,
        f.column,
        esc(&f.text),
        f.weight
    )
}

fn changes(cs: &[Change]) -> String {
    if cs.is_empty() {
        return String::new();
    }
    let mut out = String::from("<h3>改动（重发时替换的内容）</h3><ul class=\"changes\">");
    for c in cs {
        w!(
            out,
            "<li><span class=\"muted\">{}</span> <span class=\"from\">{}</span>→<span class=\"to\">{}</span></li>",
            esc(change_kind_zh(c.kind)),
            esc(&c.from),
            esc(&c.to)
        );
    }
    out.push_str("</ul>");
    out
}

/// The passage list (links into both columns) and the two-column passages.
fn passages(n: usize, ps: &[PassageEntry]) -> String {
    if ps.is_empty() {
        return "<p class=\"muted\">本报告未附共有段落。</p>".into();
    }
    let mut out = format!("<h3>共有段落（{} 段）</h3><ol class=\"plist\">", ps.len());
    for (k, p) in ps.iter().enumerate() {
        let id = format!("pair-{n}-p{}", k + 1);
        w!(
            out,
            "<li id=\"{id}\"><a href=\"#{id}-a\">A 第{}行</a> ↔ <a href=\"#{id}-b\">B 第{}行</a> · {}字 · {}</li>",
            p.a_line,
            p.b_line,
            p.chars(),
            passage_kind(p)
        );
    }
    out.push_str("</ol>");
    for (k, p) in ps.iter().enumerate() {
        let id = format!("pair-{n}-p{}", k + 1);
        out.push_str("<div class=\"prow\">");
        for (side, line, start, end) in [
            (Side::A, p.a_line, p.a_start, p.a_end),
            (Side::B, p.b_line, p.b_start, p.b_end),
        ] {
            w!(
                out,
                "<div class=\"pcell\" id=\"{id}-{}\"><div class=\"loc\">段落{} · {} 第{}行 · 字符 {}–{} \
                 <a href=\"#{id}\">↑</a></div><p class=\"ptext\">{}</p></div>",
                side.letter().to_lowercase(),
                k + 1,
                side.letter(),
                line,
                start,
                end,
                side_html(p, side)
            );
        }
        out.push_str("</div>");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The passage as it reads on one side, as plain text.
    fn side_text(p: &PassageEntry, side: Side) -> String {
        if p.diff.is_empty() {
            return p.text.clone();
        }
        p.diff
            .iter()
            .filter(|s| s.op == "equal" || s.op == side.own_op())
            .map(|s| s.text.as_str())
            .collect()
    }

    fn passage(diff: &[(&'static str, &str)]) -> PassageEntry {
        PassageEntry {
            a_start: 0,
            a_end: 10,
            b_start: 0,
            b_end: 10,
            a_line: 3,
            b_line: 4,
            text: "各乡镇要于2023年完成".into(),
            diff: diff.iter().map(|(op, t)| DiffSpan { op, text: (*t).into() }).collect(),
        }
    }

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(esc(r#"<a href="x">&'"#), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }

    #[test]
    fn ratio_colours_follow_the_plagiarism_check_bands() {
        assert_eq!(ratio_class(0.5), "r-red");
        assert_eq!(ratio_class(0.4999), "r-amber");
        assert_eq!(ratio_class(0.2), "r-amber");
        assert_eq!(ratio_class(0.1999), "r-green");
    }

    #[test]
    fn sides_are_rebuilt_from_the_diff() {
        let p = passage(&[
            ("equal", "各乡镇要于"),
            ("delete", "2023"),
            ("insert", "2025"),
            ("equal", "年完成"),
        ]);
        assert_eq!(side_text(&p, Side::A), "各乡镇要于2023年完成");
        assert_eq!(side_text(&p, Side::B), "各乡镇要于2025年完成");
        let b = side_html(&p, Side::B);
        assert!(
            b.contains("<ins title=\"仅见于B\">2025</ins>") && !b.contains("2023"),
            "{b}"
        );
        assert_eq!(side_text(&passage(&[]), Side::B), "各乡镇要于2023年完成");
    }

    #[test]
    fn empty_report_renders_a_complete_page() {
        let r = Report {
            tool: "wenshan",
            version: "0.1.0",
            root: "<空>".into(),
            documents: vec![],
            pairs: vec![],
            families: vec![],
        };
        let h = r.to_html();
        assert!(h.starts_with("<!DOCTYPE html>") && h.trim_end().ends_with("</html>"));
        assert!(h.contains("&lt;空&gt;") && !h.contains("<空>"));
        assert!(h.contains("未发现重复或高度相似的文件"));
        assert!(
            h.contains("复制比≥50%的文件（未计算）"),
            "a check not run must not read as zero"
        );
    }
}
