//! The document as the rules see it: normalised lines cut into sentences,
//! with every span convertible to a char offset in the normalised text and a
//! line:column in the user's original file.

use crate::normalize::Line;

/// A span inside one normalised line, in chars.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Span {
    pub line: usize,
    pub start: usize,
    pub end: usize,
}

/// One sentence (or clause run ending in 。；！？) of one line.
#[derive(Debug, Clone)]
pub struct Sentence<'a> {
    pub line: usize,
    /// Char offset of the sentence in its line.
    pub start: usize,
    pub text: &'a str,
}

impl Sentence<'_> {
    /// The span of a byte range of this sentence's text.
    pub fn span(&self, bytes: std::ops::Range<usize>) -> Span {
        let start = self.start + self.text[..bytes.start].chars().count();
        let len = self.text[bytes.start..bytes.end].chars().count();
        Span {
            line: self.line,
            start,
            end: start + len,
        }
    }

    pub fn whole(&self) -> Span {
        self.span(0..self.text.len())
    }
}

/// Lines plus the bookkeeping to place spans.
pub struct DocText<'a> {
    pub lines: Vec<&'a str>,
    origins: &'a [Line],
    /// Char offset of each line in the normalised text (lines joined by '\n').
    line_start: Vec<usize>,
}

impl<'a> DocText<'a> {
    pub fn new(lines: &'a [Line]) -> Self {
        let mut line_start = Vec::with_capacity(lines.len());
        let mut at = 0;
        for l in lines {
            line_start.push(at);
            at += l.text.chars().count() + 1;
        }
        DocText {
            lines: lines.iter().map(|l| l.text.as_str()).collect(),
            origins: lines,
            line_start,
        }
    }

    /// Sentences of every line, in order. A line is never merged with the next:
    /// 公文 elements (主送, 附件, 落款) sit on lines of their own.
    pub fn sentences(&self) -> Vec<Sentence<'a>> {
        let mut out = Vec::new();
        for (li, line) in self.lines.iter().enumerate() {
            let mut start_b = 0;
            let mut start_c = 0;
            let mut c = 0;
            for (b, ch) in line.char_indices() {
                c += 1;
                if matches!(ch, '。' | '；' | '！' | '？' | ';' | '!' | '?') {
                    let end = b + ch.len_utf8();
                    out.push(Sentence {
                        line: li,
                        start: start_c,
                        text: &line[start_b..end],
                    });
                    start_b = end;
                    start_c = c;
                }
            }
            if start_b < line.len() {
                out.push(Sentence {
                    line: li,
                    start: start_c,
                    text: &line[start_b..],
                });
            }
        }
        out
    }

    /// Char offset in the normalised text.
    pub fn offset(&self, line: usize, col: usize) -> usize {
        self.line_start.get(line).copied().unwrap_or(0) + col
    }

    /// 1-based (line, column) in the original file.
    pub fn locate(&self, line: usize, col: usize) -> (usize, usize) {
        self.origins.get(line).map_or((0, 0), |l| l.locate(col))
    }

    /// The text of a span.
    pub fn text(&self, s: Span) -> String {
        self.lines
            .get(s.line)
            .map(|l| l.chars().skip(s.start).take(s.end - s.start).collect())
            .unwrap_or_default()
    }

    /// The span of a whole line.
    pub fn line_span(&self, line: usize) -> Span {
        Span {
            line,
            start: 0,
            end: self.lines.get(line).map_or(0, |l| l.chars().count()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::normalize;

    #[test]
    fn sentences_keep_offsets_and_end_punctuation() {
        let n = normalize("标题\n一、各乡镇要落实。请于5月1日前报送；逾期通报\n");
        let d = DocText::new(&n.lines);
        let s = d.sentences();
        let texts: Vec<&str> = s.iter().map(|s| s.text).collect();
        assert_eq!(texts, ["标题", "一、各乡镇要落实。", "请于5月1日前报送；", "逾期通报"]);
        assert_eq!(s[2].start, 9);
        let sp = s[2].span(0..s[2].text.find('报').unwrap());
        assert_eq!(d.text(Span { end: sp.end, ..sp }), "请于5月1日前");
        assert_eq!(d.offset(1, 0), 3);
        assert_eq!(d.locate(1, 0), (2, 1));
    }
}
