//! Reused content across a scan: which pairs share text, how (relation), where
//! (aligned passages with line numbers and diffs), what a re-issue changed,
//! and per document how much of it is copied (ratios).
//!
//! Candidates come from two indexes, never all pairs: the document simhash
//! [`HammingIndex`] (whole-document near-duplicates) and the inverted index of
//! passage fingerprints (embedded passages, containment, re-dated copies).
//! Every candidate is verified on the text: exact 5-gram overlap for the
//! figures, the masked key for reissues, the alignment for passages.

use crate::document::Date;
use crate::index::HammingIndex;
use crate::normalize::{comparison_key, Line, Normalized};
use crate::passage::{self, align, Alignment, HashArena, Keyed, PassageArena, PassageHashes};
use crate::progress::{stages, Progress, Silent};
use crate::report::{round4, Change, DiffSpan, PassageEntry, Ratios, SectionRatio};
use crate::verify::{classify, Overlap, Relation, Shingles, Thresholds};
use rayon::prelude::*;
use regex::Regex;
use rustc_hash::FxHashSet;
use std::collections::BTreeMap;
use std::sync::LazyLock;

/// Passage fingerprints two documents must share to become a candidate: one
/// shared window happens between unrelated notices, two rarely.
pub const MIN_SHARED_WINDOWS: u32 = 2;
/// Winnowed fingerprints a candidate must share: this share of the smaller
/// document's, and at least [`MIN_SHARED_WINNOWED`]. Containment 0.5 leaves
/// about half of them shared when the copy is in long runs, far fewer when
/// it is fragmented. On ../shared/real, recall at containment 0.5 is 0.968
/// at 0.25, 0.982 at 0.15 (+6 % candidates), 0.983 at 0.10 (+16 %).
pub const WINNOWED_SHARE: f64 = 0.15;
pub const MIN_SHARED_WINNOWED: u32 = 3;
/// Pairs below this containment and not masked near-duplicates are not
/// aligned: they cannot be reported, and add little to ratios.
pub const ALIGN_MIN_CONTAINMENT: f64 = 0.1;

/// Char offsets in a normalised text, end exclusive.
pub type Span = (usize, usize);

/// What one other document shares with a document charged with copying it.
#[derive(Debug, Clone, Copy)]
pub struct Source<'a> {
    /// Its index in the scan.
    pub other: usize,
    /// The spans of the charged document it covers.
    pub spans: &'a [Span],
    /// The pair is a forwarding: not copying.
    pub forwarding: bool,
}

/// Where each normalised line starts in the document text, and where it came
/// from in the original file.
#[derive(Debug, Clone, Default)]
pub struct LineMap(Vec<(usize, Line)>);

impl LineMap {
    pub fn of(norm: &Normalized) -> LineMap {
        let mut start = 0;
        LineMap(
            norm.lines
                .iter()
                .map(|l| {
                    let at = start;
                    let n = l.text.chars().count();
                    start += n + 1;
                    let origins = Line {
                        text: String::new(),
                        origins: l.origins.clone(),
                    };
                    (at, origins)
                })
                .collect(),
        )
    }

    /// 1-based line in the original file of a char offset in the text.
    pub fn line_of(&self, offset: usize) -> usize {
        let i = self.0.partition_point(|(s, _)| *s <= offset).saturating_sub(1);
        self.0.get(i).map_or(0, |(s, l)| l.locate(offset - s).0)
    }
}

/// One document as the reduce step sees it.
#[derive(Debug, Clone, Copy)]
pub struct Doc<'a> {
    /// Path relative to the scan root: how ratios name their largest source.
    pub name: &'a str,
    pub text: &'a str,
    pub fingerprint: u64,
    pub hashes: &'a PassageHashes,
    /// The masked key (with bundled boilerplate marked).
    pub keyed: &'a Keyed,
    pub lines: &'a LineMap,
    pub date: Option<Date>,
    /// A 转发/批转/印发 notice: it carries other documents by design.
    pub forwards: bool,
}

/// What the streaming reduce keeps of a document besides its passage
/// fingerprints (a [`PassageArena`] beside): metadata, never the text (texts
/// are re-read on demand).
#[derive(Debug, Clone, Copy)]
pub struct Meta<'a> {
    pub name: &'a str,
    pub fingerprint: u64,
    pub date: Option<Date>,
    pub forwards: bool,
}

/// A document's text rebuilt for verification: the normalised text and its
/// line map (the masked key is rebuilt from the text).
#[derive(Debug, Clone, Default)]
pub struct Loaded {
    pub text: String,
    pub lines: LineMap,
}

/// Most documents whose texts are in memory at once in the streaming reduce
/// (about 35 KB each while prepared): candidate pairs, in order, are cut
/// into blocks that touch at most this many documents.
pub const BLOCK_DOCS: usize = 8192;

/// Settings of the reduce step.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ReuseOptions {
    pub radius: u32,
    pub thresholds: Thresholds,
    /// Passage candidates, alignment, reissues and ratios; off = document level only.
    pub passages: bool,
    /// Exclude bundled and frequent boilerplate from passages.
    pub boilerplate: bool,
}

/// A reported pair, by position in the input.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub a: usize,
    pub b: usize,
    pub hamming: u32,
    pub overlap: Overlap,
    pub relation: Relation,
    pub passages: Vec<PassageEntry>,
    pub changes: Vec<Change>,
    pub shared_chars: usize,
}

/// What the streaming reduce keeps once pairs are verified: counts, and what
/// the ratios need (the spans of every aligned pair on the side charged with
/// copying), compactly.
#[derive(Debug, Default)]
pub struct Reduced {
    /// Candidate pairs verified on the text.
    pub candidates: usize,
    /// Pairs that would be reported on shared boilerplate alone, and are not.
    pub boilerplate_only: usize,
    covers: Vec<Cover>,
    spans: Vec<Span>,
}

/// A document charged with copying in one aligned pair: the other document,
/// whether the pair is a forwarding, and the end of its spans in `spans`.
#[derive(Debug, Clone, Copy)]
struct Cover {
    doc: u32,
    other: u32,
    forwarding: bool,
    end: usize,
}

/// Everything the reduce step finds.
#[derive(Debug, Clone, Default)]
pub struct Reuse {
    /// Sorted by (a, b).
    pub pairs: Vec<Found>,
    /// Per input document; `None` without passages.
    pub ratios: Vec<Option<Ratios>>,
    /// Pairs that would be reported on shared boilerplate alone, and are not.
    pub boilerplate_only: usize,
    /// Candidate pairs verified on the text.
    pub candidates: usize,
}

static FORWARD_TITLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:.{0,40}?关于)?(?:转发|批转|印发)").expect("pattern compiles"));
static FORWARD_BODY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"现将[^。\n]{2,200}?(?:转发|批转|印发)给你们").expect("pattern compiles"));

/// A forwarding notice (redundancy.md R6): the title says 转发/批转/印发, or
/// the body says 现将…转发给你们.
pub fn is_forwarding_notice(title: Option<&str>, text: &str) -> bool {
    title.is_some_and(|t| FORWARD_TITLE.is_match(t)) || FORWARD_BODY.is_match(text)
}

/// The relation of a verified pair. `masked` is the overlap of the masked
/// keys; `changed` whether aligned placeholders hold different values.
pub fn relate(raw: &Overlap, masked: &Overlap, changed: bool, fwd: (bool, bool), t: &Thresholds) -> Option<Relation> {
    let base = classify(raw, t)?;
    if base == Relation::Exact {
        return Some(base);
    }
    // Two wrappers that read alike are one notice re-issued, not a forward.
    let wrappers_alike = fwd.0 && fwd.1 && raw.jaccard() >= t.similarity;
    if !wrappers_alike && ((fwd.1 && raw.a_in_b() >= t.containment) || (fwd.0 && raw.b_in_a() >= t.containment)) {
        return Some(Relation::Forwarding);
    }
    relate_masked(masked, changed, t).or(Some(base))
}

/// A reissue: aligned placeholders hold different values, and once they are
/// masked (and boilerplate left out) the texts are near-duplicates — the
/// tokens explain the difference. Raw similarity may be below threshold.
fn relate_masked(masked: &Overlap, changed: bool, t: &Thresholds) -> Option<Relation> {
    (changed && masked.jaccard() >= t.similarity).then_some(Relation::Reissue)
}

/// Candidate pairs with their Hamming distance, from both indexes, sorted.
/// Each passage arena is dropped once indexed, each index once counted.
fn candidates(
    docs: &[Meta],
    windows: HashArena,
    winnowed: HashArena,
    opts: &ReuseOptions,
) -> Vec<((usize, usize), u32)> {
    let fps: Vec<u64> = docs.iter().map(|d| d.fingerprint).collect();
    let mut pairs: Vec<(u32, u32)> = HammingIndex::build(&fps, opts.radius)
        .all_pairs()
        .into_iter()
        .map(|h| (h.a, h.b))
        .collect();
    if opts.passages {
        // Without boilerplate suppression no hash is too frequent.
        let posting = if opts.boilerplate {
            passage::posting_threshold(docs.len())
        } else {
            usize::MAX
        };
        // One after the other (each is parallel inside): one inverted index
        // in memory at a time.
        pairs.extend(passage::arena_pairs(windows, posting, MIN_SHARED_WINDOWS));
        pairs.extend(passage::arena_pairs_relative(
            winnowed,
            posting,
            WINNOWED_SHARE,
            MIN_SHARED_WINNOWED,
        ));
    }
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
        .into_iter()
        .map(|(a, b)| {
            let (a, b) = (a as usize, b as usize);
            ((a, b), (fps[a] ^ fps[b]).count_ones())
        })
        .collect()
}

/// Passage fingerprints found in too many documents of the scan.
#[derive(Debug, Default)]
pub struct Frequent {
    pub windows: FxHashSet<u64>,
    pub sentences: FxHashSet<u64>,
    pub winnowed: FxHashSet<u64>,
}

/// Per document, what verification needs; built only for candidates, one
/// block of candidate pairs at a time.
struct Prepared {
    raw: Shingles,
    /// Shingles of the masked key without boilerplate: only for pairs whose
    /// alignment found changed tokens, so built on first use.
    masked: std::sync::OnceLock<Shingles>,
    keyed: Keyed,
    text: String,
    lines: LineMap,
}

impl Prepared {
    fn of(loaded: Loaded, frequent: &Frequent, opts: &ReuseOptions) -> Prepared {
        let raw = Shingles::of(&comparison_key(&loaded.text));
        let keyed = if !opts.passages {
            Keyed::default()
        } else if !opts.boilerplate {
            Keyed::of_without_boilerplate(&loaded.text)
        } else {
            // Marks nothing where the text has no frequent sentence.
            let mut k = Keyed::of(&loaded.text);
            k.mark_frequent(&frequent.sentences);
            k
        };
        Prepared {
            raw,
            masked: std::sync::OnceLock::new(),
            keyed,
            text: loaded.text,
            lines: loaded.lines,
        }
    }

    fn masked(&self) -> &Shingles {
        self.masked.get_or_init(|| Shingles::of(&self.keyed.masked_substance()))
    }
}

/// An aligned pair before it becomes a report entry.
struct Evaluated {
    pair: (usize, usize),
    found: Option<Found>,
    /// Normalised-text spans covered in A and in B.
    cover: (Vec<Span>, Vec<Span>),
    relation: Option<Relation>,
    boilerplate_only: bool,
}

/// Find every pair that shares text, and the ratios, with every text in memory.
pub fn find(docs: &[Doc], opts: &ReuseOptions) -> Reuse {
    let metas: Vec<Meta> = docs.iter().map(Doc::meta).collect();
    let mut hashes = PassageArena::default();
    for d in docs {
        hashes.push(d.hashes);
    }
    let load = |i: usize| {
        Some(Loaded {
            text: docs[i].text.to_string(),
            lines: docs[i].lines.clone(),
        })
    };
    let mut pairs = Vec::new();
    let reduced = find_streaming(&metas, hashes, &load, opts, &Silent, &mut |block| pairs.extend(block));
    let mut ratios: Vec<Option<Ratios>> = vec![None; docs.len()];
    if opts.passages {
        reduced.ratios(&metas, &load, &Silent, &mut |i, r| ratios[i] = r);
        for (r, d) in ratios.iter_mut().zip(docs) {
            r.get_or_insert_with(|| doc_ratios(d.text, &[], |_| String::new()));
        }
    }
    Reuse {
        pairs,
        ratios,
        boilerplate_only: reduced.boilerplate_only,
        candidates: reduced.candidates,
    }
}

impl Doc<'_> {
    fn meta(&self) -> Meta<'_> {
        Meta {
            name: self.name,
            fingerprint: self.fingerprint,
            date: self.date,
            forwards: self.forwards,
        }
    }
}

/// Find every pair that shares text holding only the fingerprints: candidate
/// pairs are verified a block at a time on texts that `load` rebuilds (and
/// that are dropped after the block), in the same order and with the same
/// code as when every text is in memory. Documents that `load` cannot
/// rebuild (a file changed or removed since) take part in no pair. Reported
/// pairs go to `pairs` a block at a time, in (a, b) order, and are not kept;
/// the ratios of the documents charged with copies come from
/// [`Reduced::ratios`] (the others' are [`doc_ratios`] with no source, which
/// the caller computes while it has the text). `hashes` holds one entry per
/// document of `docs`, and is dropped as candidate generation goes.
pub fn find_streaming(
    docs: &[Meta],
    hashes: PassageArena,
    load: &(dyn Fn(usize) -> Option<Loaded> + Sync),
    opts: &ReuseOptions,
    progress: &dyn Progress,
    pairs: &mut dyn FnMut(Vec<Found>),
) -> Reduced {
    let mut clock = Stages::new();
    let PassageArena {
        windows,
        sentences,
        winnowed,
    } = hashes;
    let frequent = if opts.passages && opts.boilerplate {
        Frequent {
            sentences: sentences.into_frequent(passage::frequent_threshold(docs.len())),
            ..Frequent::default()
        }
    } else {
        drop(sentences);
        Frequent::default()
    };
    clock.lap("frequent passages");
    progress.stage(stages::CANDIDATES, None);
    let list = candidates(docs, windows, winnowed, opts);
    clock.lap(&format!("candidates ({})", list.len()));
    let mut reduced = Reduced {
        candidates: list.len(),
        ..Reduced::default()
    };
    verify_blocks(docs, &list, load, &frequent, opts, progress, &mut |block| {
        let mut found = Vec::new();
        for e in block {
            reduced.boilerplate_only += usize::from(e.boilerplate_only);
            if opts.passages {
                reduced.cover(docs, &e);
            }
            found.extend(e.found);
        }
        pairs(found);
    });
    clock.lap("verify and align");
    reduced
}

impl Reduced {
    /// Keep what the ratios need of an aligned pair.
    fn cover(&mut self, docs: &[Meta], e: &Evaluated) {
        let (a, b) = e.pair;
        let forwarding = e.relation == Some(Relation::Forwarding);
        for (doc, other, spans) in [(a, b, &e.cover.0), (b, a, &e.cover.1)] {
            if charged(docs[doc].date, docs[other].date) {
                self.spans.extend_from_slice(spans);
                self.covers.push(Cover {
                    doc: doc as u32,
                    other: other as u32,
                    forwarding,
                    end: self.spans.len(),
                });
            }
        }
    }

    /// The ratios of every document charged in a pair, from the aligned
    /// pairs, to `emit` in document order (`None` where `load` cannot rebuild
    /// the text); the others have none. Texts are rebuilt a block at a time.
    pub fn ratios(
        &self,
        docs: &[Meta],
        load: &(dyn Fn(usize) -> Option<Loaded> + Sync),
        progress: &dyn Progress,
        emit: &mut dyn FnMut(usize, Option<Ratios>),
    ) {
        let mut clock = Stages::new();
        // Per document, its covers in the order the pairs were verified.
        let mut order: Vec<u32> = (0..self.covers.len() as u32).collect();
        order.sort_by_key(|&c| self.covers[c as usize].doc);
        let charged: Vec<&[u32]> = order
            .chunk_by(|&x, &y| self.covers[x as usize].doc == self.covers[y as usize].doc)
            .collect();
        let source = |c: u32| {
            let c = c as usize;
            let start = if c == 0 { 0 } else { self.covers[c - 1].end };
            Source {
                other: self.covers[c].other as usize,
                spans: &self.spans[start..self.covers[c].end],
                forwarding: self.covers[c].forwarding,
            }
        };
        progress.stage(stages::RATIOS, Some(charged.len()));
        for block in charged.chunks(BLOCK_DOCS) {
            let done: Vec<(usize, Option<Ratios>)> = block
                .par_iter()
                .map(|covers| {
                    let i = self.covers[covers[0] as usize].doc as usize;
                    let sources: Vec<Source> = covers.iter().map(|&c| source(c)).collect();
                    let r = load(i).map(|l| doc_ratios(&l.text, &sources, |o| docs[o].name.to_string()));
                    progress.advance();
                    (i, r)
                })
                .collect();
            for (i, r) in done {
                emit(i, r);
            }
        }
        clock.lap("ratios");
    }

    /// Bytes held for the ratios (for the `WENSHAN_TIMINGS` lines).
    pub fn bytes(&self) -> usize {
        self.covers.capacity() * std::mem::size_of::<Cover>() + self.spans.capacity() * std::mem::size_of::<Span>()
    }
}

fn evaluate(
    docs: &[Meta],
    (a, b): (usize, usize),
    hamming: u32,
    (pa, pb): (&Prepared, &Prepared),
    opts: &ReuseOptions,
) -> Option<Evaluated> {
    let t = &opts.thresholds;
    let raw = Overlap::of(&pa.raw, &pb.raw);
    if !opts.passages {
        let relation = classify(&raw, t)?;
        return Some(Evaluated {
            pair: (a, b),
            found: Some(Found {
                a,
                b,
                hamming,
                overlap: raw,
                relation,
                passages: Vec::new(),
                changes: Vec::new(),
                shared_chars: 0,
            }),
            cover: Default::default(),
            relation: Some(relation),
            boilerplate_only: false,
        });
    }
    // Masking changes a few tokens, never a tenth of a text: below this
    // containment there is no reissue to find either.
    if raw.a_in_b().max(raw.b_in_a()) < ALIGN_MIN_CONTAINMENT {
        return None;
    }
    let al = align(&pa.keyed, &pb.keyed);
    let changed = !al.changes.is_empty();
    let masked = if changed {
        Overlap::of(pa.masked(), pb.masked())
    } else {
        raw
    };
    let fwd = (docs[a].forwards, docs[b].forwards);
    let relation = relate(&raw, &masked, changed, fwd, t).or_else(|| relate_masked(&masked, changed, t));
    let boilerplate_only = relation.is_some_and(|r| r != Relation::Exact) && !substantive(&al, pa, pb, t);
    let relation = relation.filter(|_| !boilerplate_only);
    let chars_a: Vec<char> = pa.text.chars().collect();
    let chars_b: Vec<char> = pb.text.chars().collect();
    let spans: Vec<(Span, Span)> = al
        .passages
        .iter()
        .map(|p| {
            widen(
                &chars_a,
                &chars_b,
                pa.keyed.text_span(p.a.0, p.a.1),
                pb.keyed.text_span(p.b.0, p.b.1),
            )
        })
        .collect();
    let cover: (Vec<Span>, Vec<Span>) = spans.iter().copied().unzip();
    let found = relation.map(|relation| Found {
        a,
        b,
        hamming,
        overlap: raw,
        relation,
        shared_chars: covered_chars(&pa.text, &cover.0),
        passages: passage_entries(&spans, (&chars_a, &chars_b), (&pa.lines, &pb.lines)),
        changes: al.changes.clone(),
    });
    Some(Evaluated {
        pair: (a, b),
        found,
        cover,
        relation,
        boilerplate_only,
    })
}

/// Whether the passages outside boilerplate cover enough of either document
/// to stand for the relation: at least half the containment threshold.
fn substantive(al: &Alignment, pa: &Prepared, pb: &Prepared, t: &Thresholds) -> bool {
    let covered_a: usize = al.passages.iter().map(|p| p.a.1 - p.a.0).sum();
    let covered_b: usize = al.passages.iter().map(|p| p.b.1 - p.b.0).sum();
    let share = |c: usize, k: &Keyed| c as f64 / k.substantive_len().max(1) as f64;
    share(covered_a, &pa.keyed).max(share(covered_b, &pb.keyed)) >= t.containment / 2.0
}

/// Report entries of an alignment: text spans, lines, and the char diff.
fn passage_entries(
    spans: &[(Span, Span)],
    (chars_a, chars_b): (&[char], &[char]),
    (la, lb): (&LineMap, &LineMap),
) -> Vec<PassageEntry> {
    spans
        .iter()
        .map(|&((a_start, a_end), (b_start, b_end))| {
            let text: String = chars_a[a_start..a_end].iter().collect();
            let other: String = chars_b[b_start..b_end].iter().collect();
            PassageEntry {
                a_start,
                a_end,
                b_start,
                b_end,
                a_line: la.line_of(a_start),
                b_line: lb.line_of(b_start),
                diff: char_diff(&text, &other),
                text,
            }
        })
        .collect()
}

/// Take in the punctuation around a passage when both sides have it (the
/// key drops punctuation, so a run starts after `（` and stops before `。`):
/// a reviewer reads `（三）在建工程。`, not `三）在建工程`.
fn widen(a: &[char], b: &[char], (mut a0, mut a1): Span, (mut b0, mut b1): Span) -> (Span, Span) {
    const OPENING: &str = "（《“‘〔【(";
    const CLOSING: &str = "）》”’〕】)。；！？";
    while a0 > 0 && b0 > 0 && a[a0 - 1] == b[b0 - 1] && OPENING.contains(a[a0 - 1]) {
        a0 -= 1;
        b0 -= 1;
    }
    while a1 < a.len() && b1 < b.len() && a[a1] == b[b1] && CLOSING.contains(a[a1]) {
        a1 += 1;
        b1 += 1;
    }
    ((a0, a1), (b0, b1))
}

/// The differences inside a passage as equal/delete/insert spans; empty when
/// both sides read the same.
pub fn char_diff(a: &str, b: &str) -> Vec<DiffSpan> {
    use similar::{ChangeTag, TextDiff};
    if a == b {
        return Vec::new();
    }
    let diff = TextDiff::from_chars(a, b);
    let mut out: Vec<DiffSpan> = Vec::new();
    for change in diff.iter_all_changes() {
        let op = match change.tag() {
            ChangeTag::Equal => "equal",
            ChangeTag::Delete => "delete",
            ChangeTag::Insert => "insert",
        };
        match out.last_mut() {
            Some(last) if last.op == op => last.text.push_str(change.value()),
            _ => out.push(DiffSpan {
                op,
                text: change.value().to_string(),
            }),
        }
    }
    out
}

/// Characters (line breaks aside) of `text` inside the union of `spans`.
fn covered_chars(text: &str, spans: &[(usize, usize)]) -> usize {
    let mask = coverage(text.chars().count(), spans.iter());
    text.chars().zip(mask).filter(|&(c, m)| m && c != '\n').count()
}

fn coverage<'a>(len: usize, spans: impl Iterator<Item = &'a (usize, usize)>) -> Vec<bool> {
    let mut mask = vec![false; len];
    for &(s, e) in spans {
        mask[s.min(len)..e.min(len)].iter_mut().for_each(|m| *m = true);
    }
    mask
}

/// Whether a document is charged with copying in a pair: the earlier-dated
/// one is the presumed source; equal or unknown dates charge both.
fn charged(me: Option<Date>, other: Option<Date>) -> bool {
    !matches!((me, other), (Some(x), Some(y)) if x < y)
}

static SECTION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^[一二三四五六七八九十]+、").expect("pattern compiles"));

/// Resident memory now and at its peak, and CPU time so far, for the
/// `WENSHAN_TIMINGS` lines (Linux: `/proc/self`; empty elsewhere).
pub(crate) fn memory_note() -> String {
    let Ok(status) = std::fs::read_to_string("/proc/self/status") else {
        return String::new();
    };
    let kib = |key: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
    };
    // CPU time of all threads so far (utime + stime, in the 100 Hz ticks of
    // the /proc ABI): with cores shared, it says more than wall time.
    let cpu = std::fs::read_to_string("/proc/self/stat").ok().and_then(|stat| {
        let after = &stat[stat.rfind(')')? + 2..];
        let f: Vec<&str> = after.split(' ').collect();
        Some((f.get(11)?.parse::<u64>().ok()? + f.get(12)?.parse::<u64>().ok()?) as f64 / 100.0)
    });
    match (kib("VmRSS:"), kib("VmHWM:")) {
        (Some(now), Some(peak)) => format!(
            " (RSS {} MiB, peak {} MiB{})",
            now / 1024,
            peak / 1024,
            cpu.map_or(String::new(), |c| format!(", CPU {c:.1}s"))
        ),
        _ => String::new(),
    }
}

/// Wall time of each reduce stage on stderr when `WENSHAN_TIMINGS` is set
/// (for profiling runs; never in reports).
struct Stages(Option<std::time::Instant>);

impl Stages {
    fn new() -> Stages {
        Stages(std::env::var_os("WENSHAN_TIMINGS").map(|_| std::time::Instant::now()))
    }
    fn lap(&mut self, what: &str) {
        if let Some(t) = &mut self.0 {
            eprintln!("reduce: {what} {:.2}s{}", t.elapsed().as_secs_f64(), memory_note());
            *t = std::time::Instant::now();
        }
    }
}

/// Verify candidate pairs (sorted by position) a block of documents at a time.
fn verify_blocks(
    docs: &[Meta],
    list: &[((usize, usize), u32)],
    load: &(dyn Fn(usize) -> Option<Loaded> + Sync),
    frequent: &Frequent,
    opts: &ReuseOptions,
    progress: &dyn Progress,
    on_block: &mut dyn FnMut(Vec<Evaluated>),
) {
    let blocks = blocks(list, BLOCK_DOCS);
    if std::env::var_os("WENSHAN_TIMINGS").is_some() {
        eprintln!("reduce: {} blocks of at most {BLOCK_DOCS} documents", blocks.len());
    }
    // Each block's documents, sorted. Steps: every document prepared (most of
    // the time goes there) and every pair evaluated.
    let members: Vec<Vec<usize>> = blocks
        .iter()
        .map(|block| {
            let mut ids: Vec<usize> = block.iter().flat_map(|&((a, b), _)| [a, b]).collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        })
        .collect();
    progress.stage(
        stages::VERIFY,
        Some(list.len() + members.iter().map(Vec::len).sum::<usize>()),
    );
    for (block, ids) in blocks.into_iter().zip(members) {
        let prepared: Vec<Option<Prepared>> = ids
            .par_iter()
            .map(|&i| {
                progress.advance();
                Some(Prepared::of(load(i)?, frequent, opts))
            })
            .collect();
        let at = |i: usize| ids.binary_search(&i).ok().and_then(|k| prepared[k].as_ref());
        let evaluated: Vec<Evaluated> = block
            .par_iter()
            .filter_map(|&((a, b), hamming)| {
                progress.advance();
                let (pa, pb) = (at(a)?, at(b)?);
                evaluate(docs, (a, b), hamming, (pa, pb), opts)
            })
            .collect();
        // Thousands of texts and shingle sets: freed in parallel too.
        prepared.into_par_iter().for_each(drop);
        on_block(evaluated);
    }
}

/// [`verify_blocks`], the reported pairs collected.
fn verified(
    docs: &[Meta],
    list: &[((usize, usize), u32)],
    load: &(dyn Fn(usize) -> Option<Loaded> + Sync),
    frequent: &Frequent,
    opts: &ReuseOptions,
) -> Vec<Found> {
    let mut found = Vec::new();
    verify_blocks(docs, list, load, frequent, opts, &Silent, &mut |block| {
        found.extend(block.into_iter().filter_map(|e| e.found));
    });
    found
}

/// Verify given pairs (`wenshan verify`: candidates joined elsewhere) with
/// the code `scan` uses. `frequent_sentences` are the sentence hashes found
/// in more than [`passage::frequent_threshold`] documents of the whole
/// collection (boilerplate of the scan). Reported pairs, sorted.
pub fn verify_pairs(
    docs: &[Meta],
    pairs: &[(usize, usize)],
    load: &(dyn Fn(usize) -> Option<Loaded> + Sync),
    frequent_sentences: FxHashSet<u64>,
    opts: &ReuseOptions,
) -> Vec<Found> {
    let mut list: Vec<((usize, usize), u32)> = pairs
        .iter()
        .filter(|&&(a, b)| a != b)
        .map(|&(a, b)| {
            let (a, b) = (a.min(b), a.max(b));
            ((a, b), (docs[a].fingerprint ^ docs[b].fingerprint).count_ones())
        })
        .collect();
    list.sort_unstable();
    list.dedup();
    let frequent = Frequent {
        sentences: if opts.boilerplate {
            frequent_sentences
        } else {
            FxHashSet::default()
        },
        ..Frequent::default()
    };
    verified(docs, &list, load, &frequent, opts)
}

/// The reported pairs among `cands` only: what `check` uses, with the
/// candidates it found in the archive's indexes and the frequent
/// fingerprints of archive ∪ draft. The same verification as [`find`].
pub fn find_among(
    docs: &[Doc],
    cands: BTreeMap<(usize, usize), u32>,
    frequent: &Frequent,
    opts: &ReuseOptions,
) -> Vec<Found> {
    let metas: Vec<Meta> = docs.iter().map(Doc::meta).collect();
    let load = |i: usize| {
        docs.get(i).map(|d| Loaded {
            text: d.text.to_string(),
            lines: d.lines.clone(),
        })
    };
    let list: Vec<((usize, usize), u32)> = cands.into_iter().collect();
    verified(&metas, &list, &load, frequent, opts)
}

/// Consecutive runs of candidate pairs that touch at most `budget` documents each.
fn blocks(list: &[((usize, usize), u32)], budget: usize) -> Vec<&[((usize, usize), u32)]> {
    let mut out = Vec::new();
    let mut seen: FxHashSet<usize> = FxHashSet::default();
    let mut start = 0;
    for (i, &((a, b), _)) in list.iter().enumerate() {
        let new = usize::from(!seen.contains(&a)) + usize::from(!seen.contains(&b));
        if seen.len() + new > budget && i > start {
            out.push(&list[start..i]);
            start = i;
            seen.clear();
        }
        seen.insert(a);
        seen.insert(b);
    }
    if start < list.len() {
        out.push(&list[start..]);
    }
    out
}

/// Ratios of one document from the spans other documents share with it.
pub fn doc_ratios(text: &str, sources: &[Source], name: impl Fn(usize) -> String) -> Ratios {
    let chars: Vec<char> = text.chars().collect();
    let counts = |mask: &[bool]| chars.iter().zip(mask).filter(|&(c, &m)| m && *c != '\n').count();
    let total_chars = chars.iter().filter(|&&c| c != '\n').count().max(1);
    let all = coverage(chars.len(), sources.iter().flat_map(|s| s.spans.iter()));
    let own = coverage(
        chars.len(),
        sources.iter().filter(|s| !s.forwarding).flat_map(|s| s.spans.iter()),
    );
    let mut per_source: BTreeMap<usize, Vec<Span>> = BTreeMap::new();
    for s in sources {
        per_source.entry(s.other).or_default().extend(s.spans.iter());
    }
    let largest = per_source
        .iter()
        .map(|(o, spans)| (*o, counts(&coverage(chars.len(), spans.iter()))))
        .max_by_key(|&(o, c)| (c, std::cmp::Reverse(o)))
        .filter(|&(_, c)| c > 0);
    Ratios {
        total: round4(counts(&all) as f64 / total_chars as f64),
        excluding_forwarding: round4(counts(&own) as f64 / total_chars as f64),
        largest_source: largest.map(|(o, _)| name(o)),
        largest_source_ratio: largest.map_or(0.0, |(_, c)| round4(c as f64 / total_chars as f64)),
        sections: sections(text, &all),
    }
}

/// Copy ratio per top-level section (一、二、…), from its heading line to the next.
fn sections(text: &str, covered: &[bool]) -> Vec<SectionRatio> {
    let mut out: Vec<(String, usize, usize)> = Vec::new(); // heading, chars, covered
    let mut at = 0;
    for line in text.split('\n') {
        let n = line.chars().count();
        if SECTION.is_match(line) {
            out.push((line.to_string(), 0, 0));
        }
        if let Some(last) = out.last_mut() {
            last.1 += n;
            last.2 += covered[at..at + n].iter().filter(|&&m| m).count();
        }
        at += n + 1;
    }
    out.into_iter()
        .map(|(heading, n, c)| SectionRatio {
            heading,
            ratio: round4(c as f64 / n.max(1) as f64),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn diff_spans_reconstruct_both_texts() {
        let (a, b) = (
            "对全县37座小型水库逐一明确责任人",
            "对全县46座小型水库逐一明确责任人并公布",
        );
        let d = char_diff(a, b);
        let side = |skip: &str| {
            d.iter()
                .filter(|s| s.op != skip)
                .map(|s| s.text.as_str())
                .collect::<String>()
        };
        assert_eq!(side("insert"), a);
        assert_eq!(side("delete"), b);
        assert!(d.iter().any(|s| s.op == "delete" && s.text == "37"));
        assert!(char_diff(a, a).is_empty());
    }

    #[test]
    fn passages_take_in_shared_brackets_and_full_stops() {
        let a: Vec<char> = "甲（三）在建工程。乙".chars().collect();
        let b: Vec<char> = "丙（三）在建工程。".chars().collect();
        // Key run 三…程 = chars 2..8 in both.
        assert_eq!(widen(&a, &b, (2, 8), (2, 8)), ((1, 9), (1, 9)));
        let c: Vec<char> = "丙〔三）在建工程".chars().collect();
        assert_eq!(widen(&a, &c, (2, 8), (2, 8)), ((2, 8), (2, 8)));
    }

    #[test]
    fn the_earlier_document_is_not_charged() {
        let (old, new) = (Date::new(2023, 4, 1), Date::new(2025, 4, 1));
        assert!(!charged(old, new));
        assert!(charged(new, old));
        assert!(charged(old, old));
        assert!(charged(None, new));
    }

    #[test]
    fn ratios_count_sections_sources_and_forwarding() {
        let text = "通知\n一、甲甲甲甲\n二、乙乙乙乙";
        // 18 chars without line breaks? 2 + 6 + 6 = 14.
        let s1 = [(3usize, 9usize)]; // all of section 一
        let s2 = [(10usize, 13usize)]; // part of section 二
        let src = |other, spans, forwarding| Source {
            other,
            spans,
            forwarding,
        };
        let r = doc_ratios(text, &[src(7, &s1, false), src(8, &s2, true)], |o| o.to_string());
        assert_eq!(r.total, round4(9.0 / 14.0));
        assert_eq!(r.excluding_forwarding, round4(6.0 / 14.0));
        assert_eq!(r.largest_source.as_deref(), Some("7"));
        assert_eq!(r.sections.len(), 2);
        assert_eq!(r.sections[0].heading, "一、甲甲甲甲");
        assert_eq!(r.sections[0].ratio, 1.0);
        assert_eq!(r.sections[1].ratio, 0.5);
    }

    #[test]
    fn forwarding_notices_are_recognised() {
        assert!(is_forwarding_notice(
            Some("青禾县人民政府办公室关于转发《云岭市防汛通知》的通知"),
            ""
        ));
        assert!(is_forwarding_notice(
            None,
            "现将《关于加强汛期安全管理的通知》转发给你们，请认真贯彻执行。"
        ));
        assert!(!is_forwarding_notice(
            Some("关于做好2025年防汛工作的通知"),
            "各乡镇要压实责任。"
        ));
    }

    #[test]
    fn a_reissue_needs_changes_and_a_close_masked_text() {
        let t = Thresholds::default();
        let o = |shared, a, b| Overlap { shared, a, b };
        assert_eq!(
            relate(&o(90, 100, 100), &o(99, 100, 100), true, (false, false), &t),
            Some(Relation::Reissue)
        );
        assert_eq!(
            relate(&o(90, 100, 100), &o(99, 100, 100), false, (false, false), &t),
            Some(Relation::NearDuplicate)
        );
        assert_eq!(
            relate(&o(90, 100, 100), &o(70, 100, 100), true, (false, false), &t),
            Some(Relation::NearDuplicate)
        );
        assert_eq!(
            relate(&o(50, 50, 400), &o(50, 50, 400), false, (false, true), &t),
            Some(Relation::Forwarding)
        );
        assert_eq!(relate_masked(&o(60, 100, 100), true, &t), None);
        assert_eq!(relate_masked(&o(95, 100, 100), true, &t), Some(Relation::Reissue));
        assert_eq!(relate_masked(&o(95, 100, 100), false, &t), None);
    }
}
