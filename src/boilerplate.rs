//! Boilerplate (redundancy.md §3 N7): 公文 formulae and 版记 lines that recur
//! in almost every document. Shared text inside them is evidence of nothing,
//! so passages are never seeded there and ratios never count it. The list is
//! `assets/boilerplate.txt`, compiled in; phrases that are frequent in one
//! scan are found separately, by document frequency (see [`crate::passage`]).

use regex::Regex;
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use std::sync::LazyLock;

const LIST: &str = include_str!("../assets/boilerplate.txt");

/// The bundled list, parsed once.
struct Bundled {
    /// Whole-line patterns (`^…` entries), as one alternation.
    lines: Regex,
    /// What a line must begin or end with to be worth running `lines` on:
    /// nearly every body line is neither, and the anchored DFA would read
    /// up to 40 chars of each (`.{2,40}…印发`). `None` when some entry
    /// bounds neither end.
    gate: Option<LineGate>,
    /// Literal phrases as one alternation, longest first so that of two
    /// entries starting at one place the longer marks.
    phrases: Regex,
}

static BUNDLED: LazyLock<Bundled> = LazyLock::new(|| {
    let entries = LIST
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'));
    let (patterns, mut phrases): (Vec<&str>, Vec<&str>) = entries.partition(|l| l.starts_with('^'));
    let alternation = patterns
        .iter()
        .map(|p| format!("(?:{})", p.trim_start_matches('^')))
        .collect::<Vec<_>>()
        .join("|");
    phrases.sort_by_key(|p| std::cmp::Reverse(p.chars().count()));
    let phrases = phrases.iter().map(|p| regex::escape(p)).collect::<Vec<_>>().join("|");
    Bundled {
        lines: Regex::new(&format!("^(?:{alternation})$")).expect("assets/boilerplate.txt patterns compile"),
        gate: LineGate::of(&patterns),
        phrases: Regex::new(&phrases).expect("escaped phrases compile"),
    }
});

/// Literals every match of one of the line patterns begins with, or ends with.
#[derive(Debug, Default)]
struct LineGate {
    prefixes: Vec<Vec<u8>>,
    suffixes: Vec<Vec<u8>>,
}

impl LineGate {
    /// Each whole-line pattern's prefix literals, else its suffix literals
    /// (from its syntax tree: an inexact literal is still a necessary start
    /// or end); `None` if some pattern has neither.
    fn of(patterns: &[&str]) -> Option<LineGate> {
        let mut gate = LineGate::default();
        for p in patterns {
            let hir = regex_syntax::parse(&format!("^(?:{})$", p.trim_start_matches('^'))).ok()?;
            let bounded = |kind| {
                let seq = Extractor::new().kind(kind).extract(&hir);
                let lits = seq.literals()?;
                (!lits.iter().any(|l| l.as_bytes().is_empty()))
                    .then(|| lits.iter().map(|l| l.as_bytes().to_vec()).collect())
            };
            if let Some(p) = bounded(ExtractKind::Prefix) {
                gate.prefixes.extend::<Vec<_>>(p);
            } else {
                gate.suffixes.extend::<Vec<_>>(bounded(ExtractKind::Suffix)?);
            }
        }
        Some(gate)
    }

    fn may_match(&self, line: &str) -> bool {
        let b = line.as_bytes();
        self.prefixes.iter().any(|p| b.starts_with(p)) || self.suffixes.iter().any(|s| b.ends_with(s))
    }
}

/// Whether a whole normalised line is boilerplate (版记, contact line …).
pub fn is_boilerplate_line(line: &str) -> bool {
    let line = line.trim();
    BUNDLED.gate.as_ref().is_none_or(|g| g.may_match(line)) && BUNDLED.lines.is_match(line)
}

/// Char ranges (end exclusive) of a line covered by bundled boilerplate: the
/// whole line, or the phrases it contains.
pub fn spans_in_line(line: &str) -> Vec<(usize, usize)> {
    let n = line.chars().count();
    if is_boilerplate_line(line) {
        return vec![(0, n)];
    }
    BUNDLED
        .phrases
        .find_iter(line)
        .map(|m| {
            let start = line[..m.start()].chars().count();
            (start, start + m.as_str().chars().count())
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn colophon_and_contact_lines_are_boilerplate() {
        assert!(is_boilerplate_line("抄送：县委办公室，县人大常委会办公室。"));
        assert!(is_boilerplate_line("青禾县人民政府办公室　　　2024年4月12日印发"));
        assert!(is_boilerplate_line("联系人：张明，联系电话：0871-1234567"));
        assert!(is_boilerplate_line("（此件公开发布）"));
        assert!(is_boilerplate_line("特此通知。"));
        assert!(!is_boilerplate_line("各乡镇要压实属地责任，确保安全度汛。"));
    }

    #[test]
    fn every_bundled_line_pattern_is_gated_by_its_start_or_end() {
        let g = BUNDLED
            .gate
            .as_ref()
            .expect("each bundled pattern bounds its start or its end");
        assert!(g.prefixes.iter().any(|p| p == "抄送：".as_bytes()));
        assert!(g.suffixes.iter().any(|s| s == "印发".as_bytes()));
        assert!(!g.may_match("各乡镇要压实属地责任，确保安全度汛。"));
    }

    /// The gate never changes an answer: every line of the labelled corpora
    /// (and of the real-text corpus beside the project, when there) is
    /// judged alike with and without it.
    #[test]
    fn the_gate_drops_no_boilerplate_line() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let (mut lines, mut matched) = (0, 0);
        let files = [root.join("corpora"), root.join("../shared/real/docs")]
            .into_iter()
            .flat_map(|r| walkdir::WalkDir::new(r).into_iter().flatten());
        for e in files {
            if e.path().extension().is_none_or(|x| x != "txt") {
                continue;
            }
            let Ok(raw) = std::fs::read_to_string(e.path()) else {
                continue;
            };
            let norm = crate::normalize::normalize(&raw);
            for line in norm.line_texts() {
                let bare = BUNDLED.lines.is_match(line.trim());
                assert_eq!(is_boilerplate_line(line), bare, "{line}");
                lines += 1;
                matched += usize::from(bare);
            }
        }
        assert!(lines > 3_000 && matched > 100, "{lines} lines, {matched} boilerplate");
    }

    #[test]
    fn phrases_are_marked_where_they_occur() {
        let s = spans_in_line("为做好汛期工作，现将有关事项通知如下。");
        assert_eq!(s, vec![(8, 18)]);
        assert!(spans_in_line("各乡镇要压实属地责任").is_empty());
    }
}
