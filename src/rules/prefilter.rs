//! Literal gates for the lexicon. One pass over a line's chars cuts it into
//! sentences and finds every literal the lexicon patterns need
//! ([`super::bigram`]); a pattern then runs only on the sentences (and
//! lines) that hold the literals each of its matches must contain. Those
//! literals are read off the pattern's syntax tree, so a gate may let a
//! sentence through needlessly but can never drop a match.

use super::bigram::Bigrams;
use super::lexicon::{re, Gate, Pat};
use super::text::is_break;
use regex::{Match, Regex};
use regex_syntax::hir::literal::{ExtractKind, Extractor};
use regex_syntax::hir::{Class, Hir, HirKind, Look};
use rustc_hash::{FxHashMap, FxHashSet};
use std::ops::Range;
use std::sync::{LazyLock, OnceLock};

/// What every match of a pattern contains: a monotone formula over literals.
#[derive(Debug, Clone, PartialEq)]
enum Need {
    /// Nothing is known: the pattern always runs.
    Any,
    Lit(usize),
    All(Vec<Need>),
    OneOf(Vec<Need>),
}

impl Need {
    fn all(xs: Vec<Need>) -> Need {
        let mut xs: Vec<Need> = xs.into_iter().filter(|x| *x != Need::Any).collect();
        match xs.len() {
            0 => Need::Any,
            1 => xs.swap_remove(0),
            _ => Need::All(xs),
        }
    }

    /// The need with fewer literals to look for. A conjunction keeps its
    /// uncommon parts only: the gate then needs no literal found in many
    /// sentences, at little loss. When every part is common, the plain common
    /// words stand for them (月…日…前), else the rarest. Parts whose literals
    /// are looked for anyway (`free`) are kept: they cost nothing.
    fn prune(&self, lits: &Literals, free: &FxHashSet<usize>) -> Need {
        match self {
            Need::Any | Need::Lit(_) => self.clone(),
            Need::OneOf(xs) => Need::one_of(xs.iter().map(|x| x.prune(lits, free)).collect()),
            Need::All(xs) => {
                let parts: Vec<(f64, Need)> = xs
                    .iter()
                    .map(|x| x.prune(lits, free))
                    .filter(|x| *x != Need::Any)
                    .map(|x| (x.frequency(lits), x))
                    .collect();
                let limit = if parts.iter().any(|x| x.0 < 1.0) {
                    1.0
                } else if parts.iter().any(|x| x.0 < 2.0) {
                    2.0
                } else {
                    parts.iter().map(|x| x.0).fold(f64::INFINITY, f64::min) + f64::EPSILON
                };
                let kept = parts
                    .into_iter()
                    .filter(|(f, x)| *f < limit || x.within(free))
                    .map(|x| x.1)
                    .collect();
                Need::all(kept)
            }
        }
    }

    /// Whether every literal of the need is in `set`.
    fn within(&self, set: &FxHashSet<usize>) -> bool {
        let mut all = true;
        self.for_each_lit(&mut |id| all &= set.contains(&id));
        all
    }

    /// A rough share of the sentences that hold what is needed.
    fn frequency(&self, lits: &Literals) -> f64 {
        match self {
            Need::Any => f64::INFINITY,
            Need::Lit(id) => literal_frequency(&lits.list[*id]),
            Need::All(xs) => xs.iter().map(|x| x.frequency(lits)).fold(f64::INFINITY, f64::min),
            Need::OneOf(xs) => xs.iter().map(|x| x.frequency(lits)).sum(),
        }
    }

    /// The same need over a table holding only the literals in use.
    fn renumber(&self, map: &mut FxHashMap<usize, usize>, used: &mut Vec<Vec<u8>>, lits: &Literals) -> Need {
        match self {
            Need::Any => Need::Any,
            Need::Lit(id) => {
                let next = map.len();
                let new = *map.entry(*id).or_insert(next);
                if new == next {
                    used.push(lits.list[*id].clone());
                }
                Need::Lit(new)
            }
            Need::All(xs) => Need::All(xs.iter().map(|x| x.renumber(map, used, lits)).collect()),
            Need::OneOf(xs) => Need::OneOf(xs.iter().map(|x| x.renumber(map, used, lits)).collect()),
        }
    }

    /// An empty alternation matches nothing; treating it as `Any` is merely slow.
    fn one_of(mut xs: Vec<Need>) -> Need {
        if xs.is_empty() || xs.contains(&Need::Any) {
            Need::Any
        } else if xs.len() == 1 {
            xs.swap_remove(0)
        } else {
            Need::OneOf(xs)
        }
    }

    /// The literals of a plain disjunction.
    fn clause(&self) -> Option<Vec<usize>> {
        match self {
            Need::Lit(id) => Some(vec![*id]),
            Need::OneOf(xs) => xs.iter().try_fold(Vec::new(), |mut acc, x| {
                acc.extend(x.clause()?);
                Some(acc)
            }),
            _ => None,
        }
    }

    /// The need as a disjunction of terms, each a conjunction of clauses.
    fn terms(&self) -> Vec<Vec<Vec<usize>>> {
        if let Some(c) = self.clause() {
            return vec![vec![c]];
        }
        match self {
            Need::Any => vec![vec![]],
            Need::Lit(id) => vec![vec![vec![*id]]],
            Need::OneOf(xs) => xs.iter().flat_map(Need::terms).collect(),
            Need::All(xs) => xs.iter().fold(vec![vec![]], |acc, x| {
                let ts = x.terms();
                acc.iter()
                    .flat_map(|a| ts.iter().map(move |t| [a.clone(), t.clone()].concat()))
                    .collect()
            }),
        }
    }

    fn for_each_lit(&self, f: &mut impl FnMut(usize)) {
        match self {
            Need::Any => {}
            Need::Lit(id) => f(*id),
            Need::All(xs) | Need::OneOf(xs) => xs.iter().for_each(|x| x.for_each_lit(f)),
        }
    }
}

/// Literals found in more than about one sentence in twenty of either real
/// government texts or the labelled white-header corpora: digits, dates,
/// places and the commonest words of 公文.
const COMMON: [&str; 84] = [
    "的",
    "第",
    "应",
    "应当",
    "（",
    "）",
    "：",
    "一",
    "二",
    "三",
    "四",
    "五",
    "六",
    "会",
    "部",
    "本",
    "在",
    "规定",
    "发",
    "部门",
    "主",
    "经",
    "为",
    "市",
    "区",
    "全",
    "要",
    "上",
    "由",
    "政府",
    "有关",
    "位",
    "处",
    "他",
    "年",
    "内",
    "下",
    "单位",
    "自",
    "人民政府",
    "时",
    "院",
    "委",
    "所",
    "组",
    "按",
    "表",
    "分",
    "期",
    "报",
    "件",
    "组织",
    "办",
    "据",
    "以上",
    "日",
    "月",
    "企业",
    "与",
    "各",
    "县",
    "于",
    "请",
    "供",
    "后",
    "省",
    "责任",
    "实施",
    "局",
    "镇",
    "乡",
    "乡镇",
    "前",
    "村",
    "将",
    "点",
    "每",
    "开展",
    "会议",
    "送",
    "通知",
    "至",
    "落实",
    "街道",
];

/// A rough share of the sentences holding a literal: common words, then any
/// one char (an ASCII one most of all), then longer words.
fn literal_frequency(lit: &[u8]) -> f64 {
    let Ok(s) = std::str::from_utf8(lit) else {
        return 1.0;
    };
    if COMMON.contains(&s) {
        return 1.0;
    }
    match s.chars().count() {
        1 if s.is_ascii() => 1.0,
        1 => 0.1,
        2 => 0.02,
        _ => 0.005,
    }
}

/// Classes of up to this many chars become alternations of one-char literals.
const CLASS_LIMIT: u32 = 16;

/// The literal table the needs point into.
#[derive(Default)]
struct Literals {
    list: Vec<Vec<u8>>,
    ids: FxHashMap<Vec<u8>, usize>,
}

impl Literals {
    fn lit(&mut self, bytes: &[u8]) -> Need {
        // Sentences are scanned one by one: a literal across a break would be missed.
        let crosses = std::str::from_utf8(bytes).map_or(true, |s| s.chars().any(is_break));
        if bytes.is_empty() || crosses {
            return Need::Any;
        }
        let next = self.list.len();
        let id = *self.ids.entry(bytes.to_vec()).or_insert(next);
        if id == next {
            self.list.push(bytes.to_vec());
        }
        Need::Lit(id)
    }

    fn class(&mut self, c: &Class) -> Need {
        let Class::Unicode(u) = c else {
            return Need::Any;
        };
        let size: u32 = u.ranges().iter().map(|r| r.end() as u32 - r.start() as u32 + 1).sum();
        if size > CLASS_LIMIT {
            return Need::Any;
        }
        let chars = u.iter().flat_map(|r| r.start()..=r.end());
        let xs = chars
            .map(|ch| self.lit(ch.encode_utf8(&mut [0; 4]).as_bytes()))
            .collect();
        Need::one_of(xs)
    }

    /// Every match of `h` contains a match of each part of a concatenation, of
    /// one branch of an alternation, of a repetition's body when it must occur.
    fn need(&mut self, h: &Hir) -> Need {
        match h.kind() {
            HirKind::Empty | HirKind::Look(_) => Need::Any,
            HirKind::Literal(l) => self.lit(&l.0),
            HirKind::Class(c) => self.class(c),
            HirKind::Repetition(r) if r.min > 0 => self.need(&r.sub),
            HirKind::Repetition(_) => Need::Any,
            HirKind::Capture(c) => self.need(&c.sub),
            HirKind::Concat(xs) => self.concat(xs),
            HirKind::Alternation(xs) => Need::one_of(xs.iter().map(|x| self.need(x)).collect()),
        }
    }

    /// Neighbours that match few strings are spelled out together: 各 then
    /// 乡镇|部门|… needs one of 各乡镇, 各部门, …, much rarer than 各.
    fn concat(&mut self, xs: &[Hir]) -> Need {
        let mut parts = Vec::new();
        let mut run: Option<Vec<Vec<u8>>> = None;
        for x in xs {
            let Some(strings) = spelled(x) else {
                if let Some(r) = run.take() {
                    parts.push(self.one_of_strings(&r));
                }
                parts.push(self.need(x));
                continue;
            };
            run = match run.take() {
                None => Some(strings),
                Some(r) => match product(&r, &strings) {
                    Some(p) => Some(p),
                    None => {
                        parts.push(self.one_of_strings(&r));
                        Some(strings)
                    }
                },
            };
        }
        if let Some(r) = run {
            parts.push(self.one_of_strings(&r));
        }
        Need::all(parts)
    }

    fn one_of_strings(&mut self, strings: &[Vec<u8>]) -> Need {
        Need::one_of(strings.iter().map(|s| self.lit(s)).collect())
    }
}

/// At most this many strings are spelled out for one part of a pattern.
const SPELL_LIMIT: usize = 64;

/// Every string a part of a pattern can match, when there are few of them
/// (look-arounds count as "", a superset of what they match).
fn spelled(h: &Hir) -> Option<Vec<Vec<u8>>> {
    match h.kind() {
        HirKind::Empty | HirKind::Look(_) => Some(vec![Vec::new()]),
        HirKind::Literal(l) => Some(vec![l.0.to_vec()]),
        HirKind::Class(Class::Unicode(u)) => {
            let size: u32 = u.ranges().iter().map(|r| r.end() as u32 - r.start() as u32 + 1).sum();
            let chars = u.iter().flat_map(|r| r.start()..=r.end());
            (size <= CLASS_LIMIT).then(|| chars.map(|c| c.to_string().into_bytes()).collect())
        }
        HirKind::Class(_) => None,
        HirKind::Capture(c) => spelled(&c.sub),
        HirKind::Alternation(xs) => {
            let mut out: Vec<Vec<u8>> = Vec::new();
            for x in xs {
                out.extend(spelled(x)?);
                if out.len() > SPELL_LIMIT {
                    return None;
                }
            }
            out.sort_unstable();
            out.dedup();
            Some(out)
        }
        HirKind::Concat(xs) => xs
            .iter()
            .try_fold(vec![Vec::new()], |acc, x| product(&acc, &spelled(x)?)),
        HirKind::Repetition(r) => {
            let body = spelled(&r.sub)?;
            let mut out = Vec::new();
            let mut power = vec![Vec::new()];
            for n in 0..=r.max.filter(|&m| m <= 3)? {
                if n >= r.min {
                    out.extend(power.iter().cloned());
                }
                power = product(&power, &body)?;
            }
            out.sort_unstable();
            out.dedup();
            (out.len() <= SPELL_LIMIT).then_some(out)
        }
    }
}

fn product(a: &[Vec<u8>], b: &[Vec<u8>]) -> Option<Vec<Vec<u8>>> {
    if a.len() * b.len() > SPELL_LIMIT {
        return None;
    }
    Some(
        a.iter()
            .flat_map(|x| b.iter().map(move |y| [x.as_slice(), y].concat()))
            .collect(),
    )
}

/// A need in disjunctive form over literal bitsets: it holds when a literal
/// of `direct` is present, or when every clause of some term is (a clause
/// holds when any of its literals is present).
#[derive(Debug, Default)]
struct Compiled {
    direct: Clause,
    terms: Vec<Vec<Clause>>,
}

/// A set of literals as (word, bits) pairs of a literal bitset.
type Clause = Vec<(usize, u64)>;

fn clause(ids: &[usize]) -> Clause {
    let mut out: Clause = Vec::new();
    for &id in ids {
        let (w, bit) = (id / 64, 1 << (id % 64));
        match out.iter_mut().find(|x| x.0 == w) {
            Some(x) => x.1 |= bit,
            None => out.push((w, bit)),
        }
    }
    out
}

fn meets(c: &Clause, present: &[u64]) -> bool {
    c.iter().any(|&(w, bits)| present[w] & bits != 0)
}

impl Compiled {
    /// `None` when the need holds on any text.
    fn new(need: &Need) -> Option<Compiled> {
        let mut out = Compiled::default();
        let mut direct = Vec::new();
        for term in need.terms() {
            match term.len() {
                0 => return None,
                1 => direct.extend_from_slice(&term[0]),
                _ => out.terms.push(term.iter().map(|c| clause(c)).collect()),
            }
        }
        out.direct = clause(&direct);
        Some(out)
    }

    fn holds(&self, present: &[u64]) -> bool {
        meets(&self.direct, present) || self.terms.iter().any(|t| t.iter().all(|c| meets(c, present)))
    }
}

/// A pattern anchored at the start of the text, tried only on texts that
/// begin with a char its matches can begin with (read off its prefix
/// literals): most lines are no 主送/出席/附件 line, and say so in one char.
pub struct AtStart {
    re: &'static LazyLock<Regex>,
    /// Sorted; `None` when the pattern is not anchored or its prefixes are
    /// not bounded, and every text is tried.
    first: OnceLock<Option<Vec<char>>>,
}

impl AtStart {
    pub const fn new(re: &'static LazyLock<Regex>) -> AtStart {
        AtStart {
            re,
            first: OnceLock::new(),
        }
    }

    fn admits(&self, text: &str) -> bool {
        match self.first.get_or_init(|| first_chars(self.re)) {
            Some(cs) => text.chars().next().is_some_and(|c| cs.binary_search(&c).is_ok()),
            None => true,
        }
    }

    pub fn is_match(&self, text: &str) -> bool {
        self.admits(text) && self.re.is_match(text)
    }

    pub fn find<'t>(&self, text: &'t str) -> Option<Match<'t>> {
        self.admits(text).then(|| self.re.find(text)).flatten()
    }

    pub fn captures<'t>(&self, text: &'t str) -> Option<regex::Captures<'t>> {
        self.admits(text).then(|| self.re.captures(text)).flatten()
    }
}

/// The chars every match of a start-anchored pattern can begin with: the
/// first chars of its prefix literals, when every match begins with one.
fn first_chars(re: &Regex) -> Option<Vec<char>> {
    let hir = regex_syntax::parse(re.as_str()).ok()?;
    if !hir.properties().look_set_prefix().contains(Look::Start) {
        return None;
    }
    // Classes of numbering chars (一二三…、（）) may start a line: let them count.
    let seq = Extractor::new().kind(ExtractKind::Prefix).limit_class(64).extract(&hir);
    let mut out = Vec::new();
    for lit in seq.literals()? {
        let b = lit.as_bytes();
        // The first char whole; a literal cut inside it bounds nothing.
        let first = (1..=4).find_map(|w| std::str::from_utf8(b.get(..w)?).ok())?;
        out.push(first.chars().next()?);
    }
    out.sort_unstable();
    out.dedup();
    Some(out)
}

/// A pattern run branch by branch: contiguous runs of its top-level
/// alternatives, each a regex behind its own gate bit.
struct Branches {
    regexes: Vec<Regex>,
    /// Gate bit of the first run; the others follow.
    first_bit: u32,
}

impl Branches {
    fn open(&self, gate: Gate) -> impl Iterator<Item = &Regex> {
        let first = self.first_bit;
        let bits = (gate >> first) & ((1 << self.regexes.len()) - 1);
        self.regexes
            .iter()
            .enumerate()
            .filter(move |(i, _)| bits & (1 << i) != 0)
            .map(|x| x.1)
    }

    /// The leftmost-first match of the whole alternation at or after `at`:
    /// the earliest start, and at one start the earlier branch, as a
    /// backtracking search tries them.
    fn find_at<'t>(&self, gate: Gate, text: &'t str, at: usize) -> Option<Match<'t>> {
        let mut best: Option<Match> = None;
        for re in self.open(gate) {
            if let Some(m) = re.find_at(text, at) {
                if best.is_none_or(|b| m.start() < b.start()) {
                    best = Some(m);
                }
            }
            if best.is_some_and(|b| b.start() == at) {
                break;
            }
        }
        best
    }
}

/// A pattern's top-level alternatives, as source text: the `|` outside any
/// group or class.
fn alternatives(pattern: &str) -> Vec<&str> {
    let (mut out, mut depth, mut class, mut escaped, mut from) = (Vec::new(), 0, false, false, 0);
    for (i, c) in pattern.char_indices() {
        match c {
            _ if escaped => escaped = false,
            '\\' => escaped = true,
            '[' => class = true,
            ']' => class = false,
            '(' if !class => depth += 1,
            ')' if !class => depth -= 1,
            '|' if !class && depth == 0 => {
                out.push(&pattern[from..i]);
                from = i + 1;
            }
            _ => {}
        }
    }
    out.push(&pattern[from..]);
    out
}

/// Runs of a pattern's alternatives: a plain literal joins the literals
/// next to it, anything else stands alone.
fn branch_runs(pattern: &str) -> Vec<String> {
    let mut runs: Vec<(bool, String)> = Vec::new();
    for alt in alternatives(pattern) {
        let literal = regex_syntax::parse(alt).is_ok_and(|h| matches!(h.kind(), HirKind::Literal(_)));
        match runs.last_mut() {
            Some((true, run)) if literal => {
                run.push('|');
                run.push_str(alt);
            }
            _ => runs.push((literal, alt.to_string())),
        }
    }
    runs.into_iter().map(|r| r.1).collect()
}

/// The gates of every [`Pat`] and branch run, with the scanner of their
/// literals.
pub struct Gates {
    /// Every occurrence of every literal (overlapping).
    scan: Bigrams,
    /// Indexed by gate bit: `Pat as usize`, then branch runs.
    needs: Vec<Compiled>,
    /// Indexed by `Pat as usize`: the branch runs of a pattern run by branch.
    branches: Vec<Option<Branches>>,
    /// Per literal: the gate bits whose need mentions it.
    by_lit: Vec<Gate>,
    /// Gate bits with nothing to gate on.
    always: Gate,
    /// Gate bits whose need is met by any one of their literals.
    plain: Gate,
    words: usize,
}

pub static GATES: LazyLock<Gates> = LazyLock::new(Gates::build);

/// Literal bitsets of the current sentence and line, reused from line to line.
pub(crate) struct Scratch {
    sentence: Vec<u64>,
    line: Vec<u64>,
}

impl Gates {
    fn build() -> Gates {
        // Gated units: every pattern, then the branch runs of those run by branch.
        let mut sources: Vec<String> = Pat::ALL.iter().map(|p| p.regex().as_str().to_string()).collect();
        let mut branches = Vec::with_capacity(Pat::ALL.len());
        for p in Pat::ALL {
            branches.push(p.by_branch().then(|| {
                let runs = branch_runs(p.regex().as_str());
                let first_bit = sources.len() as u32;
                sources.extend(runs.iter().cloned());
                Branches {
                    regexes: runs.iter().map(|r| re(r)).collect(),
                    first_bit,
                }
            }));
        }
        assert!(sources.len() <= Gate::BITS as usize, "more gated units than gate bits");
        let mut lits = Literals::default();
        let needs: Vec<Need> = sources
            .iter()
            .map(|src| lits.need(&regex_syntax::parse(src).expect("lexicon pattern parses")))
            .collect();
        // The literals of the strictest gates are scanned for anyway; the
        // second pruning keeps every part of a conjunction made of them.
        let mut free = FxHashSet::default();
        for n in &needs {
            n.prune(&lits, &FxHashSet::default()).for_each_lit(&mut |id| {
                free.insert(id);
            });
        }
        let needs: Vec<Need> = needs.iter().map(|n| n.prune(&lits, &free)).collect();
        let (mut map, mut used) = (FxHashMap::default(), Vec::new());
        let needs: Vec<Need> = needs.iter().map(|n| n.renumber(&mut map, &mut used, &lits)).collect();
        let mut by_lit = vec![0; used.len()];
        let (mut always, mut plain) = (0, 0);
        let mut compiled = Vec::with_capacity(needs.len());
        for (i, need) in needs.iter().enumerate() {
            let bit: Gate = 1 << i;
            need.for_each_lit(&mut |id| by_lit[id] |= bit);
            let c = Compiled::new(need).unwrap_or_else(|| {
                always |= bit;
                Compiled::default()
            });
            if c.terms.is_empty() {
                plain |= bit;
            }
            compiled.push(c);
        }
        let texts: Vec<&str> = used
            .iter()
            .map(|l| std::str::from_utf8(l).expect("literals are whole chars"))
            .collect();
        Gates {
            scan: Bigrams::new(&texts),
            words: used.len().div_ceil(64),
            needs: compiled,
            branches,
            by_lit,
            always,
            plain,
        }
    }

    /// The first match of `p` in `text` at or after `at`, where `gate` is the
    /// gate of `text` (or of a text it masks, char for char).
    pub(crate) fn find_at<'t>(&self, p: Pat, gate: Gate, text: &'t str, at: usize) -> Option<Match<'t>> {
        if gate & p.bit() == 0 {
            return None;
        }
        match &self.branches[p as usize] {
            Some(b) => b.find_at(gate, text, at),
            None => p.regex().find_at(text, at),
        }
    }

    pub(crate) fn is_match(&self, p: Pat, gate: Gate, text: &str) -> bool {
        if gate & p.bit() == 0 {
            return false;
        }
        match &self.branches[p as usize] {
            Some(b) => b.open(gate).any(|re| re.is_match(text)),
            None => p.regex().is_match(text),
        }
    }

    pub(crate) fn scratch(&self) -> Scratch {
        Scratch {
            sentence: vec![0; self.words],
            line: vec![0; self.words],
        }
    }

    /// Cuts a line into sentences after each break (。；！？;!?) and gates
    /// them: `sentence` gets each one's byte range and gate, in order. Returns
    /// the gate of the whole line. No literal holds a break, so a literal
    /// found starting in the sentence being read lies in it.
    pub(crate) fn cut(&self, line: &str, s: &mut Scratch, mut sentence: impl FnMut(Range<usize>, Gate)) -> Gate {
        s.line.fill(0);
        s.sentence.fill(0);
        let (mut start, mut cand, mut line_cand) = (0, 0, 0);
        let mut prev = (0, '\0');
        for (at, c) in line.char_indices() {
            if is_break(c) {
                let end = at + c.len_utf8();
                sentence(start..end, self.admit(cand, &s.sentence));
                s.sentence.fill(0);
                line_cand |= cand;
                cand = 0;
                start = end;
                prev = (end, '\0');
                continue;
            }
            self.scan.at(line, at, prev, c, |id, _| {
                let id = id as usize;
                s.sentence[id / 64] |= 1 << (id % 64);
                s.line[id / 64] |= 1 << (id % 64);
                cand |= self.by_lit[id];
            });
            prev = (at, c);
        }
        if start < line.len() {
            sentence(start..line.len(), self.admit(cand, &s.sentence));
            line_cand |= cand;
        }
        self.admit(line_cand, &s.line)
    }

    /// The gate bits, among the candidates, whose need holds on `present`.
    fn admit(&self, cand: Gate, present: &[u64]) -> Gate {
        let mut open = self.always | (cand & self.plain);
        let mut rest = cand & !open;
        while rest != 0 {
            let i = rest.trailing_zeros() as usize;
            rest &= rest - 1;
            if self.needs[i].holds(present) {
                open |= 1 << i;
            }
        }
        open
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pats_are_numbered_in_order() {
        for (i, p) in Pat::ALL.iter().enumerate() {
            assert_eq!(*p as usize, i);
        }
        assert!(Pat::ALL.len() <= 64);
    }

    #[test]
    fn needs_follow_the_syntax() {
        let mut lits = Literals::default();
        let need = |lits: &mut Literals, p: &str| {
            let full = lits.need(&regex_syntax::parse(p).expect("parses"));
            full.prune(lits, &FxHashSet::default())
        };
        assert_eq!(need(&mut lits, r"[^。]{0,3}"), Need::Any);
        let n = need(&mut lits, r"纳入[^。；]{0,16}?(?:考核|考评)");
        assert!(matches!(n, Need::All(ref xs) if xs.len() == 2), "{n:?}");
        // Neighbours that match few strings are spelled out together.
        let spelled =
            |lits: &mut Literals, xs: &[&str]| Need::OneOf(xs.iter().map(|x| lits.lit(x.as_bytes())).collect());
        assert_eq!(
            need(&mut lits, r"[县市区]直"),
            spelled(&mut lits, &["区直", "县直", "市直"])
        );
        let n = need(&mut lits, r"各(?:乡镇|部门)[^。]{0,3}(?:时|点)半?前");
        let parts = [
            spelled(&mut lits, &["各乡镇", "各部门"]),
            spelled(&mut lits, &["时前", "时半前", "点前", "点半前"]),
        ];
        assert_eq!(n, Need::All(parts.to_vec()));
        // A common part of a conjunction is left out when a rarer one stands for it.
        assert_eq!(need(&mut lits, r"第[^。]{0,3}报送"), lits.lit("报送".as_bytes()));
        assert_eq!(need(&mut lits, r"a?b*"), Need::Any);
    }

    #[test]
    fn branch_runs_rebuild_the_pattern() {
        assert_eq!(alternatives(r"a(?:b|c)|[|d]|\\|e"), [r"a(?:b|c)", "[|d]", r"\\", "e"]);
        assert_eq!(branch_runs("ab|cd|e[fg]|gh|ij"), ["ab|cd", "e[fg]", "gh|ij"]);
        for p in Pat::ALL.into_iter().filter(|p| p.by_branch()) {
            assert_eq!(branch_runs(p.regex().as_str()).join("|"), p.regex().as_str());
        }
    }

    #[test]
    fn anchored_patterns_know_their_first_chars() {
        use crate::rules::lexicon::{ATTACHMENT_LINE, ATTENDANCE, DESCRIPTIVE, DISTRIBUTION};
        for re in [&DISTRIBUTION, &ATTENDANCE, &ATTACHMENT_LINE, &DESCRIPTIVE] {
            let first = first_chars(re).expect("bounded prefixes");
            assert!(!first.is_empty() && first.len() < 60, "{first:?}");
        }
        assert_eq!(first_chars(&crate::rules::lexicon::FORWARD), None);
        static A: AtStart = AtStart::new(&ATTACHMENT_LINE);
        assert!(A.is_match("附件1：排查表") && !A.is_match("请见附件1") && !A.is_match(""));
    }

    #[test]
    fn branches_keep_leftmost_first() {
        let pattern = "x[0-9]|abc|ab[a-z]d|[a-z]cd";
        let b = Branches {
            regexes: branch_runs(pattern).iter().map(|r| re(r)).collect(),
            first_bit: 0,
        };
        let whole = re(pattern);
        for text in ["abcd", "zabcd", "qcd abcd", "x1abc", "ab"] {
            for at in 0..text.len() {
                let got = b.find_at(Gate::MAX, text, at).map(|m| m.range());
                assert_eq!(got, whole.find_at(text, at).map(|m| m.range()), "{text} at {at}");
            }
        }
    }

    #[test]
    fn every_lexicon_pattern_is_gated() {
        let g = &*GATES;
        for p in Pat::ALL {
            assert!(g.always & p.bit() == 0, "{p:?} has no literal to gate on");
        }
        for i in 0..g.needs.len() {
            assert!(g.always & (1 << i) == 0, "branch run {i} has no literal to gate on");
        }
    }

    /// Every labelled document of the repository and every documented
    /// example: each line, and each sentence, that a pattern matches has its
    /// gate open, and the gated search finds what the pattern finds, match for
    /// match (branch by branch where it runs so). The families run on
    /// praise-masked text: masking only removes literals, so a gate open
    /// there is open on the original.
    #[test]
    fn gates_never_drop_a_match() {
        use crate::normalize::normalize;
        use crate::rules::lexicon::{ATTACHMENT_LINE_AT, ATTENDANCE_AT, DESCRIPTIVE_AT, DISTRIBUTION_AT};
        use crate::rules::text::DocText;
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("corpora");
        let files = crate::walk::walk(&root, crate::read::EXTENSIONS).expect("corpora");
        let mut texts: Vec<String> = files
            .iter()
            .filter_map(|f| crate::read::read_file(&f.path).ok())
            .collect();
        assert!(texts.len() > 200, "{} documents", texts.len());
        for r in crate::rules::all() {
            texts.extend(r.doc.fires.iter().chain(r.doc.passes).map(|t| t.to_string()));
        }
        let ranges = |it: &mut dyn Iterator<Item = Match>| it.map(|m| m.range()).collect::<Vec<_>>();
        let anchored = [&DISTRIBUTION_AT, &ATTENDANCE_AT, &ATTACHMENT_LINE_AT, &DESCRIPTIVE_AT];
        let mut matched = [0usize; Pat::ALL.len()];
        for t in &texts {
            let n = normalize(t);
            let d = DocText::new(&n.lines);
            for (p, count) in Pat::ALL.iter().zip(&mut matched) {
                for s in d.sentences() {
                    let all = ranges(&mut p.regex().find_iter(s.text));
                    assert_eq!(ranges(&mut s.matches(*p, s.text)), all, "{p:?} on {}", s.text);
                    assert_eq!(
                        s.find(*p).map(|m| m.range()),
                        all.first().cloned(),
                        "{p:?} on {}",
                        s.text
                    );
                    assert_eq!(s.is_match(*p), !all.is_empty(), "{p:?} on {}", s.text);
                    *count += !all.is_empty() as usize;
                }
                for (i, l) in d.lines.iter().enumerate() {
                    for a in anchored {
                        assert_eq!(a.find(l).map(|m| m.range()), a.re.find(l).map(|m| m.range()), "{l}");
                    }
                    let first = p.regex().find(l).map(|m| m.range());
                    assert_eq!(d.line_find(i, *p).map(|m| m.range()), first, "{p:?} on {l}");
                    assert_eq!(d.line_is_match(i, *p), first.is_some(), "{p:?} on {l}");
                }
            }
        }
        let seen = matched.iter().filter(|&&c| c > 0).count();
        assert!(seen + 2 >= Pat::ALL.len(), "patterns seen matching: {matched:?}");
    }
}
