//! The document as the rules see it: normalised lines cut into sentences,
//! with every span convertible to a char offset in the normalised text and a
//! line:column in the user's original file.

use super::lexicon::{Gate, Pat};
use super::prefilter::GATES;
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
    /// Lexicon patterns that may match the text.
    gate: Gate,
}

impl<'a> Sentence<'a> {
    /// Whether `p` may match: when false, it surely does not.
    pub fn may(&self, p: Pat) -> bool {
        self.gate & p.bit() != 0
    }

    pub fn is_match(&self, p: Pat) -> bool {
        GATES.is_match(p, self.gate, self.text)
    }

    pub fn find(&self, p: Pat) -> Option<regex::Match<'a>> {
        GATES.find_at(p, self.gate, self.text, 0)
    }

    /// The successive matches of `p` in `text`: this sentence's text, or a
    /// mask of it that only replaces chars (its gate still holds).
    pub fn matches<'t>(&self, p: Pat, text: &'t str) -> impl Iterator<Item = regex::Match<'t>> {
        let gate = self.gate;
        let mut at = Some(0);
        std::iter::from_fn(move || {
            let m = GATES.find_at(p, gate, text, at?)?;
            // Every match holds a gate literal, so none is empty: the next
            // search starts at this one's end, as `Regex::find_iter` does.
            at = (m.end() > m.start()).then_some(m.end());
            Some(m)
        })
    }

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

/// Sentences of every line, the gates of each sentence and line (one literal
/// scan per line serves every lexicon pattern), and each line's char offset.
fn split<'a>(lines: &[&'a str]) -> (Vec<Sentence<'a>>, Vec<Gate>, Vec<usize>) {
    let gates = &*GATES;
    let mut scratch = gates.scratch();
    let mut sentences = Vec::new();
    let mut line_gates = Vec::with_capacity(lines.len());
    let mut line_start = Vec::with_capacity(lines.len());
    let mut at = 0;
    for (li, &line) in lines.iter().enumerate() {
        let mut chars = 0;
        let gate = gates.cut(line, &mut scratch, |r, gate| {
            let text = &line[r];
            sentences.push(Sentence {
                line: li,
                start: chars,
                text,
                gate,
            });
            chars += text.chars().count();
        });
        line_gates.push(gate);
        line_start.push(at);
        at += chars + 1;
    }
    (sentences, line_gates, line_start)
}

/// Punctuation that ends a sentence.
pub fn is_break(c: char) -> bool {
    matches!(c, '。' | '；' | '！' | '？' | ';' | '!' | '?')
}

/// Lines plus the bookkeeping to place spans.
pub struct DocText<'a> {
    pub lines: Vec<&'a str>,
    origins: &'a [Line],
    /// Char offset of each line in the normalised text (lines joined by '\n').
    line_start: Vec<usize>,
    sentences: Vec<Sentence<'a>>,
    /// Per line, the patterns that may match it.
    line_gates: Vec<Gate>,
}

impl<'a> DocText<'a> {
    pub fn new(lines: &'a [Line]) -> Self {
        let texts: Vec<&'a str> = lines.iter().map(|l| l.text.as_str()).collect();
        let (sentences, line_gates, line_start) = split(&texts);
        DocText {
            lines: texts,
            origins: lines,
            line_start,
            sentences,
            line_gates,
        }
    }

    /// Sentences of every line, in order. A line is never merged with the next:
    /// 公文 elements (主送, 附件, 落款) sit on lines of their own.
    pub fn sentences(&self) -> &[Sentence<'a>] {
        &self.sentences
    }

    pub fn line_is_match(&self, i: usize, p: Pat) -> bool {
        self.line_gates
            .get(i)
            .is_some_and(|&g| GATES.is_match(p, g, self.lines[i]))
    }

    pub fn line_find(&self, i: usize, p: Pat) -> Option<regex::Match<'a>> {
        let g = *self.line_gates.get(i)?;
        GATES.find_at(p, g, self.lines[i], 0)
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
