//! Boilerplate (redundancy.md §3 N7): 公文 formulae and 版记 lines that recur
//! in almost every document. Shared text inside them is evidence of nothing,
//! so passages are never seeded there and ratios never count it. The list is
//! `assets/boilerplate.txt`, compiled in; phrases that are frequent in one
//! scan are found separately, by document frequency (see [`crate::passage`]).

use regex::Regex;
use std::sync::LazyLock;

const LIST: &str = include_str!("../assets/boilerplate.txt");

/// The bundled list, parsed once.
struct Bundled {
    /// Whole-line patterns (`^…` entries), as one alternation.
    lines: Regex,
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
        phrases: Regex::new(&phrases).expect("escaped phrases compile"),
    }
});

/// Whether a whole normalised line is boilerplate (版记, contact line …).
pub fn is_boilerplate_line(line: &str) -> bool {
    BUNDLED.lines.is_match(line.trim())
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
    fn phrases_are_marked_where_they_occur() {
        let s = spans_in_line("为做好汛期工作，现将有关事项通知如下。");
        assert_eq!(s, vec![(8, 18)]);
        assert!(spans_in_line("各乡镇要压实属地责任").is_empty());
    }
}
