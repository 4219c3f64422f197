//! Normalise extracted text: the shapes that .txt, .docx and PDF text layers
//! give differ in width, punctuation, spacing and line wrapping, and matching
//! must not depend on them.
//!
//! Two outputs:
//! * [`normalize`] gives display lines (what the parser and reports read), each
//!   mapped back to the original line numbers so findings can point at the
//!   user's file;
//! * [`comparison_key`] gives the string similarity is measured on: NFKC,
//!   lower-cased, letters/digits/marks only. It is exactly the normalisation of
//!   the `../shared/real` oracle, so our Jaccard equals the oracle's.

use unicode_general_category::{get_general_category, GeneralCategory as Gc};
use unicode_normalization::UnicodeNormalization;

/// One normalised line and where it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub text: String,
    /// For each original line joined into this one: (char offset in `text`
    /// where it starts, 1-based line number in the original file).
    pub origins: Vec<(usize, usize)>,
}

impl Line {
    /// 1-based line number in the original file of the first line joined here.
    pub fn first_line(&self) -> usize {
        self.origins.first().map_or(0, |o| o.1)
    }

    /// Original (line, 1-based column) of a char offset in `text`.
    pub fn locate(&self, char_offset: usize) -> (usize, usize) {
        let idx = self.origins.partition_point(|o| o.0 <= char_offset).saturating_sub(1);
        let (start, line) = self.origins.get(idx).copied().unwrap_or((0, 0));
        (line, char_offset - start + 1)
    }
}

/// A document's text after normalisation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Normalized {
    pub lines: Vec<Line>,
}

impl Normalized {
    pub fn line_texts(&self) -> Vec<&str> {
        self.lines.iter().map(|l| l.text.as_str()).collect()
    }

    /// The lines joined with '\n'.
    pub fn text(&self) -> String {
        let mut s = String::new();
        for (i, l) in self.lines.iter().enumerate() {
            if i > 0 {
                s.push('\n');
            }
            s.push_str(&l.text);
        }
        s
    }
}

/// Normalise raw text into display lines.
pub fn normalize(raw: &str) -> Normalized {
    let cleaned: Vec<(usize, String)> = raw
        .lines()
        .enumerate()
        .map(|(i, l)| (i + 1, clean_line(l)))
        .filter(|(_, l)| !l.is_empty() && !is_noise_line(l))
        .collect();
    Normalized {
        lines: join_wrapped(cleaned),
    }
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{20000}'..='\u{2FFFF}' | '〇')
}

/// Width, punctuation and spacing of one line.
fn clean_line(line: &str) -> String {
    // Most lines of a clean text need nothing but their indent (`　　`) and
    // trailing spaces dropped, which the rewriting below does too: skip it.
    let trimmed = line.trim();
    if !trimmed.chars().any(needs_cleaning) {
        return unify_doc_number_brackets(trimmed);
    }
    let chars: Vec<char> = line
        .chars()
        .filter(|c| !matches!(c, '\u{200B}'..='\u{200D}' | '\u{FEFF}' | '\u{00AD}'))
        .map(unify_char)
        .collect();
    // The next non-space character after each position, found in one backward pass.
    let mut next_solid: Vec<Option<char>> = vec![None; chars.len() + 1];
    for i in (0..chars.len()).rev() {
        next_solid[i] = if chars[i].is_whitespace() {
            next_solid[i + 1]
        } else {
            Some(chars[i])
        };
    }
    let mut out = String::with_capacity(line.len());
    let mut prev: Option<char> = None;
    for (i, &c) in chars.iter().enumerate() {
        if c.is_whitespace() {
            // Spacing between Han characters (letter-spaced headers, `通　　知`,
            // PDF justification) carries no meaning in Chinese; elsewhere keep one space.
            let (prev, next) = (prev.as_ref(), next_solid[i + 1].as_ref());
            // Spaces between Han text and digits (`〔 2025 〕`, `2025 年`) go too.
            let between_han = matches!((prev, next), (Some(&p), Some(&n))
                if (is_cjkish(p) || p.is_ascii_digit()) && (is_cjkish(n) || n.is_ascii_digit()) && (is_cjkish(p) || is_cjkish(n)));
            if between_han || prev.is_none() || next.is_none() || out.ends_with(' ') {
                continue;
            }
            out.push(' ');
        } else {
            out.push(c);
            prev = Some(c);
        }
    }
    unify_doc_number_brackets(&to_fullwidth_punct(&out))
}

/// Characters that [`clean_line`] changes or looks around.
fn needs_cleaning(c: char) -> bool {
    c.is_whitespace()
        || matches!(
            c,
            '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' | '\u{200B}'..='\u{200D}' | '\u{FEFF}' | '\u{00AD}' | '．' | '－' | '–' | '―' | '─'
                | '「' | '『' | '」' | '』' | ',' | ';' | ':' | '?' | '!' | '(' | ')'
        )
}

/// Han characters and full-width punctuation: both sides of a removable space.
fn is_cjkish(c: char) -> bool {
    is_han(c)
        || matches!(c, '\u{3000}'..='\u{303F}' | '\u{FF01}'..='\u{FF0F}' | '\u{FF1A}'..='\u{FF20}' | '“' | '”' | '‘' | '’' | '—' | '…')
}

/// Full-width digits and Latin letters → ASCII; U+3000 → space; dash and
/// quote variants to one form.
fn unify_char(c: char) -> char {
    match c {
        '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        '\u{3000}' | '\u{00A0}' | '\t' => ' ',
        '．' => '.',
        '－' | '–' => '-',
        '―' | '─' => '—',
        '「' | '『' => '“',
        '」' | '』' => '”',
        _ => c,
    }
}

/// ASCII punctuation written inside Chinese text becomes its full-width form
/// (`,` → `，`, `:` → `：`, `(` → `（`), so later stages see one shape. Only
/// when a neighbour is Han: `17:00`, `1.5` and Latin text stay as they are.
fn to_fullwidth_punct(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    for (i, &c) in chars.iter().enumerate() {
        let prev = i.checked_sub(1).map(|j| chars[j]);
        let next = chars.get(i + 1).copied();
        let near_han = prev.is_some_and(is_cjkish) || next.is_some_and(is_cjkish);
        let full = match c {
            ',' if near_han => '，',
            ';' if near_han => '；',
            ':' if near_han || next.is_none() => '：',
            '?' if near_han => '？',
            '!' if near_han => '！',
            '(' if next.is_some_and(is_han) || prev.is_some_and(is_han) => '（',
            ')' if prev.is_some_and(is_han) || next.is_some_and(is_han) => '）',
            _ => c,
        };
        out.push(full);
    }
    out
}

/// `[2025]`, `（2025）`, `【2025】`, `(2025)` right after Han characters and
/// before a serial and 号 are 发文字号 brackets: write them as `〔2025〕`.
fn unify_doc_number_brackets(s: &str) -> String {
    if !s.contains('号') {
        return s.to_string();
    }
    use regex::Regex;
    use std::sync::LazyLock;
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(\p{Han})[\[［(（【〔]((?:19|20)[0-9]{2})[\]］)）】〕](第?[0-9]{0,5}号)").unwrap()
    });
    RE.replace_all(s, "$1〔$2〕$3").into_owned()
}

/// Page numbers (`— 3 —`, `-3-`) and rules drawn with characters.
fn is_noise_line(l: &str) -> bool {
    // Page numbers are short; rule lines are made of a few rule characters.
    let first = l.chars().find(|c| !c.is_whitespace());
    if l.len() > 24 && !first.is_some_and(|c| matches!(c, '━' | '—' | '-' | '_' | '─' | '═' | '=' | '*' | '·' | '…'))
    {
        return false;
    }
    let t: String = l.chars().filter(|c| !c.is_whitespace()).collect();
    let is_rule = t.chars().count() >= 3
        && t.chars()
            .all(|c| matches!(c, '━' | '—' | '-' | '_' | '─' | '═' | '=' | '*' | '·' | '…'));
    let is_page = {
        let inner = t.trim_matches(|c| matches!(c, '—' | '-' | '－' | '–'));
        inner.len() < t.len() && !inner.is_empty() && inner.len() <= 3 && inner.chars().all(|c| c.is_ascii_digit())
    };
    let is_page_word = {
        // 第 3 页 / 共 5 页
        let re_like = t.starts_with('第') && t.ends_with('页') && t.chars().count() <= 8;
        re_like && t.chars().any(|c| c.is_ascii_digit())
    };
    is_rule || is_page || is_page_word
}

/// Display width: Han and full-width forms count 2, ASCII 1.
fn width(s: &str) -> usize {
    s.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum()
}

fn ends_paragraph(s: &str) -> bool {
    s.ends_with([
        '。', '！', '？', '；', '：', '”', '…', '）', ')', '.', '!', '?', ';', ':',
    ])
}

/// Line starts that begin a new element even after a full-width line.
fn starts_element(s: &str) -> bool {
    use regex::Regex;
    use std::sync::LazyLock;
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(?:[一二三四五六七八九十]{1,3}、|[（(][一二三四五六七八九十0-9]{1,3}[）)]|[0-9]{1,2}[.、．][^0-9]|第[一二三四五六七八九十百零〇0-9]+[章节条]|附件|抄送|主送|印发|出席|列席|请假)").unwrap()
    });
    RE.is_match(s)
}

/// Text layers of PDFs (and text copied from them) break paragraphs at a fixed
/// width: GB/T 9704 sets 28 characters a line. A document is treated as
/// hard-wrapped only when many of its lines share one width; then a line of
/// that width without closing punctuation continues on the next line.
fn join_wrapped(lines: Vec<(usize, String)>) -> Vec<Line> {
    let wrap = wrap_width(&lines);
    let mut out: Vec<Line> = Vec::with_capacity(lines.len());
    let mut open = false;
    for (no, text) in lines {
        if open && !starts_element(&text) {
            if let Some(last) = out.last_mut() {
                let offset = last.text.chars().count();
                let sep = last.text.ends_with(|c: char| c.is_ascii_alphanumeric())
                    && text.starts_with(|c: char| c.is_ascii_alphanumeric());
                if sep {
                    last.text.push(' ');
                }
                last.origins.push((offset + usize::from(sep), no));
                last.text.push_str(&text);
                open = wrap.is_some_and(|w| continues(&text, w));
                continue;
            }
        }
        open = wrap.is_some_and(|w| continues(&text, w));
        out.push(Line {
            text,
            origins: vec![(0, no)],
        });
    }
    out
}

fn continues(text: &str, wrap: usize) -> bool {
    width(text) + 4 >= wrap && !ends_paragraph(text)
}

/// The common line width of a hard-wrapped document, if it is one.
fn wrap_width(lines: &[(usize, String)]) -> Option<usize> {
    let widths: Vec<usize> = lines.iter().map(|(_, l)| width(l)).filter(|&w| w >= 30).collect();
    if widths.len() < 4 {
        return None;
    }
    let max = *widths.iter().max()?;
    // Lines at (or within a few cells of) the maximum width: the wrap column.
    let at_max = widths.iter().filter(|&&w| w + 4 >= max).count();
    (at_max * 3 >= lines.len() && at_max >= 3 && max <= 200).then_some(max)
}

/// The string similarity is measured on (see the module docs): NFKC,
/// lower-case, then only characters of the Unicode categories L, N and M.
///
/// CJK unified ideographs (U+4E00–U+9FFF), nearly all of a 公文, are NFKC
/// starters that never compose with a neighbour and are letters: they are
/// copied as they are, and only the runs between them go through NFKC. The
/// result is the same as NFKC on the whole text, several times faster.
pub fn comparison_key(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut run_start = None;
    for (i, c) in text.char_indices() {
        if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
            if let Some(s) = run_start.take() {
                push_key_chars(&text[s..i], &mut out);
            }
            out.push(c);
        } else if run_start.is_none() {
            run_start = Some(i);
        }
    }
    if let Some(s) = run_start {
        push_key_chars(&text[s..], &mut out);
    }
    out
}

fn push_key_chars(run: &str, out: &mut String) {
    if run.bytes().all(|b| b.is_ascii()) {
        // NFKC leaves ASCII alone.
        out.extend(
            run.chars()
                .filter(char::is_ascii_alphanumeric)
                .map(|c| c.to_ascii_lowercase()),
        );
    } else {
        out.extend(
            run.nfkc()
                .flat_map(char::to_lowercase)
                .filter(|&c| is_letter_number_mark(c)),
        );
    }
}

pub(crate) fn is_letter_number_mark(c: char) -> bool {
    use Gc::*;
    matches!(
        get_general_category(c),
        UppercaseLetter
            | LowercaseLetter
            | TitlecaseLetter
            | ModifierLetter
            | OtherLetter
            | DecimalNumber
            | LetterNumber
            | OtherNumber
            | NonspacingMark
            | SpacingMark
            | EnclosingMark
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(n: &Normalized) -> Vec<&str> {
        n.line_texts()
    }

    #[test]
    fn fullwidth_digits_and_letters_become_ascii() {
        let n = normalize("２０２５年３月５日　ＡＢｃ");
        assert_eq!(texts(&n), ["2025年3月5日 ABc"]);
    }

    #[test]
    fn letter_spaced_header_is_closed_up() {
        let n = normalize("青 禾 县 人 民 政 府 文 件\n通　　知");
        assert_eq!(texts(&n), ["青禾县人民政府文件", "通知"]);
    }

    #[test]
    fn doc_number_brackets_are_unified() {
        for raw in [
            "青政发[2025]3号",
            "青政发（2025）3号",
            "青政发【2025】3号",
            "青政发(2025)3号",
            "青 政 发 〔 2025 〕 3 号",
        ] {
            assert_eq!(texts(&normalize(raw)), ["青政发〔2025〕3号"], "{raw}");
        }
    }

    #[test]
    fn ordinary_parentheses_stay() {
        let n = normalize("各县（市、区）人民政府：");
        assert_eq!(texts(&n), ["各县（市、区）人民政府："]);
    }

    #[test]
    fn ascii_punctuation_in_chinese_becomes_fullwidth_but_times_do_not() {
        let n = normalize("各乡镇要在17:00前报送,逾期不候:");
        assert_eq!(texts(&n), ["各乡镇要在17:00前报送，逾期不候："]);
    }

    #[test]
    fn page_numbers_rules_and_blank_lines_are_dropped() {
        let n = normalize("第一段。\n\n— 3 —\n━━━━━━━━\n-12-\n第二段。");
        assert_eq!(texts(&n), ["第一段。", "第二段。"]);
        assert_eq!(n.lines[1].first_line(), 6);
    }

    #[test]
    fn hard_wrapped_paragraphs_are_joined_with_a_line_map() {
        let raw = "为切实做好今年汛期地质灾害防范工作，经县政府同意，现\n就有关事项通知如下。各乡镇要明确每处隐患点的监测责任\n人，并于5月10日前将名单报县自然资源局，逾期将予以通\n报。\n一、压实防范责任\n各乡镇每月5日前报送上月巡查情况，遇强降雨须加密巡查\n并及时报告。";
        let n = normalize(raw);
        assert_eq!(n.lines.len(), 3, "{:#?}", n.lines);
        assert!(n.lines[0].text.starts_with("为切实做好") && n.lines[0].text.ends_with("予以通报。"));
        assert_eq!(n.lines[1].text, "一、压实防范责任");
        assert_eq!(
            n.lines[2].text,
            "各乡镇每月5日前报送上月巡查情况，遇强降雨须加密巡查并及时报告。"
        );
        // The char after "现" came from original line 2, column 1.
        let off = n.lines[0].text.chars().position(|c| c == '现').unwrap() + 1;
        assert_eq!(n.lines[0].locate(off), (2, 1));
        assert_eq!(n.lines[2].first_line(), 6);
    }

    #[test]
    fn unwrapped_documents_are_left_alone() {
        let raw =
            "青禾县人民政府办公室关于做好2025年防汛工作的通知\n各乡镇人民政府，县政府各部门：\n现将有关事项通知如下。";
        assert_eq!(normalize(raw).lines.len(), 3);
    }

    #[test]
    fn comparison_key_equals_plain_nfkc_filtering() {
        let plain = |t: &str| -> String {
            t.nfkc()
                .flat_map(char::to_lowercase)
                .filter(|&c| is_letter_number_mark(c))
                .collect()
        };
        for t in [
            "第一条　为了（规范）ＡＢ１２，《条例》。",
            "e\u{301}中文ﬁ①Ⅻ",
            "㍻令和「〇」",
            "",
            "ABC abc",
            "汉\u{301}字",
        ] {
            assert_eq!(comparison_key(t), plain(t), "{t}");
        }
    }

    #[test]
    fn comparison_key_keeps_letters_and_digits_only() {
        assert_eq!(
            comparison_key("第一条　为了（规范）ＡＢ１２，《条例》。"),
            "第一条为了规范ab12条例"
        );
        assert_eq!(comparison_key("二〇二五年"), "二〇二五年");
    }
}
