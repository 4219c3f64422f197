//! Passages: text shared by two documents, found below the document level.
//!
//! A document that embeds three paragraphs of another has a document simhash
//! far from it, so candidates also come from passage fingerprints: hashes of
//! windows of two consecutive sentences of the *masked* comparison key (the
//! [`comparison_key`](crate::normalize::comparison_key) characters with
//! reissue tokens replaced by placeholders, so a re-dated copy still
//! collides). An inverted index maps hashes to documents; hashes present in
//! many documents are boilerplate and dropped.
//!
//! Verified pairs are then aligned on the masked key: seed on shared 5-grams,
//! extend each seed to a maximal exact run, merge runs separated by small
//! gaps into passages. Offsets map back to the normalised text, so a passage
//! is reported where the reviewer reads it, and the raw values under aligned
//! placeholders are the reissue changes (2023年 → 2025年, 全省 → 全县).

use crate::boilerplate;
use crate::normalize::is_letter_number_mark;
use crate::reissue::{self, ChangeList, Token};
use crate::report::Change;
use rayon::prelude::*;
use rustc_hash::{FxHashMap, FxHashSet};
use unicode_normalization::UnicodeNormalization;

/// Seed length: the oracle's shingle length.
pub const SEED: usize = crate::verify::K;
/// Runs separated by at most this many key characters on both sides are one
/// passage: a changed figure or an inserted clause does not split it.
pub const MAX_GAP: usize = 16;
/// Shorter passages are chance (redundancy.md §4: 13 normalised characters).
pub const MIN_PASSAGE: usize = 13;
/// A sentence window shorter than this says too little to index.
const MIN_WINDOW: usize = 12;
/// A single sentence this long is indexed on its own too: renumbered or
/// reordered articles still meet.
const LONG_SENTENCE: usize = 30;
/// Occurrences of one seed in B that are tried; more means a repetitive text.
const MAX_SEEDS: usize = 16;
/// Winnowing (Schleimer et al. 2003): k-grams of passage length, one kept per
/// window of w, so any shared run of w + k − 1 = 24 key characters yields a
/// shared fingerprint, whatever the sentences around it. This finds the
/// paraphrased resolution that shares phrases but no whole sentence.
const WINNOW_K: usize = MIN_PASSAGE;
const WINNOW_W: usize = 12;

/// A document's masked comparison key, mapped back to its normalised text.
#[derive(Debug, Clone, Default)]
pub struct Keyed {
    /// Key characters: letters, digits and marks, tokens as placeholders.
    chars: Vec<char>,
    /// Char offset in the normalised text where each key character starts.
    starts: Vec<u32>,
    /// Key index of the first character of each sentence.
    sentences: Vec<u32>,
    /// Key characters inside boilerplate: never seeded, never counted.
    boiler: Vec<bool>,
    /// The reissue tokens of the text; placeholders point into it.
    tokens: Vec<Token>,
}

fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '；' | '！' | '？' | '\n' | ';' | '!' | '?')
}

/// Comparison-key characters of one text character (NFKC, lower case,
/// letters/digits/marks), as [`comparison_key`](crate::normalize::comparison_key).
fn push_key(c: char, out: &mut Vec<char>) {
    if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
        out.push(c);
    } else if c.is_ascii() {
        if c.is_ascii_alphanumeric() {
            out.push(c.to_ascii_lowercase());
        }
    } else {
        out.extend(
            std::iter::once(c)
                .nfkc()
                .flat_map(char::to_lowercase)
                .filter(|&c| is_letter_number_mark(c)),
        );
    }
}

/// Char ranges of the normalised text covered by bundled boilerplate.
fn bundled_boilerplate(text: &str) -> Vec<bool> {
    let mut marks = Vec::new();
    for line in text.split('\n') {
        let start = marks.len();
        marks.extend(std::iter::repeat_n(false, line.chars().count()));
        for (s, e) in boilerplate::spans_in_line(line) {
            marks[start + s..start + e].iter_mut().for_each(|m| *m = true);
        }
        marks.push(false); // the '\n'
    }
    marks
}

impl Keyed {
    /// Build the masked key of a normalised text.
    pub fn of(text: &str) -> Keyed {
        Keyed::build(text, true)
    }

    /// [`Keyed::of`] with the bundled boilerplate list off (to measure what it removes).
    pub fn of_without_boilerplate(text: &str) -> Keyed {
        Keyed::build(text, false)
    }

    fn build(text: &str, boilerplate: bool) -> Keyed {
        let tokens = reissue::tokens(text);
        let boiler_text = if boilerplate {
            bundled_boilerplate(text)
        } else {
            vec![false; text.chars().count()]
        };
        let n = boiler_text.len();
        let mut k = Keyed {
            tokens,
            chars: Vec::with_capacity(n),
            starts: Vec::with_capacity(n),
            boiler: Vec::with_capacity(n),
            sentences: Vec::with_capacity(n / 16),
        };
        let mut next_token = 0;
        let mut sentence_open = false;
        let mut buf = Vec::with_capacity(2);
        for (i, c) in text.chars().enumerate() {
            if let Some(&Token { kind, start, end, .. }) = k.tokens.get(next_token) {
                if i == start {
                    let boiler = boiler_text[start..end].iter().any(|&b| b);
                    k.push(kind.placeholder(), i, boiler, &mut sentence_open);
                }
                if i >= start {
                    if i + 1 >= end {
                        next_token += 1;
                    }
                    continue;
                }
            }
            if is_sentence_end(c) {
                sentence_open = false;
                continue;
            }
            buf.clear();
            push_key(c, &mut buf);
            for &kc in &buf {
                k.push(kc, i, boiler_text[i], &mut sentence_open);
            }
        }
        k
    }

    fn push(&mut self, c: char, at: usize, boiler: bool, sentence_open: &mut bool) {
        if !*sentence_open {
            self.sentences.push(self.chars.len() as u32);
            *sentence_open = true;
        }
        self.chars.push(c);
        self.starts.push(at as u32);
        self.boiler.push(boiler);
    }

    pub fn len(&self) -> usize {
        self.chars.len()
    }

    pub fn is_empty(&self) -> bool {
        self.chars.is_empty()
    }

    /// Key characters outside boilerplate.
    pub fn substantive_len(&self) -> usize {
        self.boiler.iter().filter(|&&b| !b).count()
    }

    /// The masked key as a string (placeholders included).
    pub fn masked(&self) -> String {
        self.chars.iter().collect()
    }

    /// The masked key without boilerplate: what a reissue comparison reads
    /// (redundancy.md N1 leaves 版记, contact lines and formulae out).
    pub fn masked_substance(&self) -> String {
        self.chars
            .iter()
            .zip(&self.boiler)
            .filter(|(_, &b)| !b)
            .map(|(c, _)| *c)
            .collect()
    }

    /// Key ranges of the sentences, in order.
    fn sentence_ranges(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        let ends = self
            .sentences
            .iter()
            .skip(1)
            .map(|&s| s as usize)
            .chain(std::iter::once(self.len()));
        self.sentences.iter().map(|&s| s as usize).zip(ends)
    }

    /// Hash of the key characters `s..e`: a polynomial over the chars, then
    /// mixed; no allocation (this runs once per sentence of every document).
    fn hash_range(&self, s: usize, e: usize) -> u64 {
        let h = self.chars[s..e].iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &c| {
            h.wrapping_mul(0x0100_0000_01b3).wrapping_add(c as u64 + 1)
        });
        mix(h ^ (e - s) as u64)
    }

    /// Passage fingerprints: distinct hashes of two-sentence windows and of
    /// long single sentences, boilerplate sentences left out.
    pub fn fingerprints(&self) -> PassageHashes {
        let sentences: Vec<(usize, usize)> = self
            .sentence_ranges()
            .filter(|&(s, e)| !self.boiler[s..e].iter().all(|&b| b))
            .collect();
        let hashes: Vec<u64> = sentences.iter().map(|&(s, e)| self.hash_range(s, e)).collect();
        let mut windows: Vec<u64> = Vec::with_capacity(sentences.len() * 2);
        for (i, &(s, e)) in sentences.iter().enumerate() {
            if e - s >= LONG_SENTENCE {
                windows.push(hashes[i]);
            }
            if let Some(&(s2, e2)) = sentences.get(i + 1) {
                if (e - s) + (e2 - s2) >= MIN_WINDOW {
                    // A window is the ordered pair of its sentences.
                    windows.push(mix(hashes[i].rotate_left(23) ^ hashes[i + 1]));
                }
            }
        }
        windows.sort_unstable();
        windows.dedup();
        let mut sentences: Vec<u64> = self.sentence_ranges().map(|(s, e)| self.hash_range(s, e)).collect();
        sentences.sort_unstable();
        sentences.dedup();
        let mut winnowed = winnow(&self.chars, &self.boiler);
        winnowed.sort_unstable();
        winnowed.dedup();
        PassageHashes {
            windows,
            sentences,
            winnowed,
        }
    }

    /// Mark as boilerplate every sentence whose hash is in `frequent`.
    pub fn mark_frequent(&mut self, frequent: &FxHashSet<u64>) {
        if frequent.is_empty() {
            return;
        }
        let ranges: Vec<(usize, usize)> = self.sentence_ranges().collect();
        for (s, e) in ranges {
            if frequent.contains(&self.hash_range(s, e)) {
                self.boiler[s..e].iter_mut().for_each(|b| *b = true);
            }
        }
    }

    /// Normalised-text span (char offsets, end exclusive) of key range `s..e`.
    pub fn text_span(&self, s: usize, e: usize) -> (usize, usize) {
        let start = self.starts[s] as usize;
        let last = self.starts[e - 1] as usize;
        (start, self.token_at(e - 1).map_or(last + 1, |t| t.end))
    }

    /// The reissue token under a placeholder key character.
    fn token_at(&self, k: usize) -> Option<&Token> {
        let at = self.starts[k] as usize;
        let i = self.tokens.partition_point(|t| t.start < at);
        self.tokens
            .get(i)
            .filter(|t| t.start == at && self.chars[k] == t.kind.placeholder())
    }
}

/// A document's passage fingerprints.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PassageHashes {
    /// Two-sentence windows and long sentences: candidate generation.
    pub windows: Vec<u64>,
    /// Every sentence: document frequency finds the scan's own boilerplate.
    pub sentences: Vec<u64>,
    /// Winnowed k-gram fingerprints: candidates below the sentence level.
    pub winnowed: Vec<u64>,
}

/// splitmix64's finaliser: spreads a polynomial hash so minima are uniform.
fn mix(mut x: u64) -> u64 {
    x ^= x >> 30;
    x = x.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x ^= x >> 27;
    x = x.wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// Winnowed fingerprints of a key; k-grams starting in boilerplate never win.
fn winnow(chars: &[char], boiler: &[bool]) -> Vec<u64> {
    const B: u64 = 0x0100_0000_01b3;
    if chars.len() < WINNOW_K {
        return Vec::new();
    }
    let top = (1..WINNOW_K).fold(1u64, |p, _| p.wrapping_mul(B));
    let mut h = 0u64;
    let mut grams = Vec::with_capacity(chars.len() + 1 - WINNOW_K);
    for (i, &c) in chars.iter().enumerate() {
        if i >= WINNOW_K {
            h = h.wrapping_sub((chars[i - WINNOW_K] as u64 + 1).wrapping_mul(top));
        }
        h = h.wrapping_mul(B).wrapping_add(c as u64 + 1);
        if i + 1 >= WINNOW_K {
            let start = i + 1 - WINNOW_K;
            grams.push(if boiler[start] { u64::MAX } else { mix(h) });
        }
    }
    // The window minimum, kept as the window slides; rescanned only when it
    // leaves the window (amortised O(n)). Rightmost minimum, as in the paper.
    let w = WINNOW_W.min(grams.len());
    let mut out = Vec::new();
    let mut at = usize::MAX;
    for end in w - 1..grams.len() {
        let start = end + 1 - w;
        let moved = if at == usize::MAX || at < start {
            at = (start..=end)
                .rev()
                .min_by_key(|&i| grams[i])
                .expect("window is not empty");
            true
        } else if grams[end] <= grams[at] {
            at = end;
            true
        } else {
            false
        };
        if moved && grams[at] != u64::MAX {
            out.push(grams[at]);
        }
    }
    out
}

/// Document frequency above which a passage is boilerplate: five copies of a
/// text is a family, hundreds are a formula. Ten, or 1 % of a large scan.
pub fn frequent_threshold(docs: usize) -> usize {
    10.max(docs / 100)
}

/// Longest posting list walked for candidate pairs (window and winnowed
/// hashes): counting the pairs of a list costs its length squared, so past
/// 100,000 documents the 1 % rule would make candidate generation grow with
/// the square of the collection. A passage in more than a thousand documents
/// is a formula; sentences still use [`frequent_threshold`] for boilerplate.
/// Up to 100,099 documents this is the same threshold.
pub const MAX_POSTING: usize = 1000;

/// Document frequency above which window and winnowed hashes make no candidates.
pub fn posting_threshold(docs: usize) -> usize {
    frequent_threshold(docs).min(MAX_POSTING)
}

/// Hashes found in more than `threshold` documents.
pub fn frequent<'a>(sets: impl Iterator<Item = &'a [u64]>, threshold: usize) -> FxHashSet<u64> {
    // Sorted, then counted by runs: 8 bytes a hash where a count map took
    // about 18, and most hashes occur once (at a million documents this was
    // the peak of the scan).
    let mut all: Vec<u64> = sets.flatten().copied().collect();
    all.par_sort_unstable();
    all.chunk_by(|x, y| x == y)
        .filter(|run| run.len() > threshold)
        .map(|run| run[0])
        .collect()
}

/// Document `a`'s pairs `(a, b)`, sorted, among the later documents it shares
/// hashes with (`shared`: b → count), for which `keep(a, b, count)` holds.
fn kept_pairs(a: u32, shared: &FxHashMap<u32, u32>, keep: &impl Fn(u32, u32, u32) -> bool) -> Vec<(u32, u32)> {
    let mut mine: Vec<(u32, u32)> = shared
        .iter()
        .filter(|&(&b, &n)| keep(a, b, n))
        .map(|(&b, _)| (a, b))
        .collect();
    mine.sort_unstable();
    mine
}

/// Candidate pairs (a < b, sorted) sharing at least `min_shared` passage
/// fingerprints, through an inverted index; `frequent` hashes are skipped.
pub fn candidate_pairs(windows: &[&[u64]], frequent: &FxHashSet<u64>, min_shared: u32) -> Vec<(u32, u32)> {
    candidate_pairs_by(windows, frequent, |_, _, n| n >= min_shared)
}

/// Candidate pairs sharing at least `share` of the smaller document's
/// fingerprints, and at least `min_shared`.
pub fn candidate_pairs_relative(
    sets: &[&[u64]],
    frequent: &FxHashSet<u64>,
    share: f64,
    min_shared: u32,
) -> Vec<(u32, u32)> {
    candidate_pairs_by(sets, frequent, |a, b, n| {
        let smaller = sets[a as usize].len().min(sets[b as usize].len());
        n >= min_shared && n as f64 >= share * smaller as f64
    })
}

fn candidate_pairs_by(
    windows: &[&[u64]],
    frequent: &FxHashSet<u64>,
    keep: impl Fn(u32, u32, u32) -> bool + Sync,
) -> Vec<(u32, u32)> {
    // The inverted index as one sorted list of (hash, document): no
    // allocation per posting list, and documents ascend within a hash.
    let total = windows.iter().map(|s| s.len()).sum();
    let mut postings: Vec<(u64, u32)> = Vec::with_capacity(total);
    for (d, set) in windows.iter().enumerate() {
        postings.extend(set.iter().filter(|h| !frequent.contains(h)).map(|&h| (h, d as u32)));
    }
    postings.par_sort_unstable();
    // Each document counts the later documents it shares hashes with, in a
    // map of its own: no map of every pair sharing one hash (which grows with
    // the square of the posting lists), and documents run in parallel.
    let per_doc: Vec<Vec<(u32, u32)>> = (0..windows.len() as u32)
        .into_par_iter()
        .map_init(FxHashMap::<u32, u32>::default, |shared, a| {
            shared.clear();
            for &h in windows[a as usize] {
                let from = postings.partition_point(|&p| p <= (h, a));
                for &(_, b) in postings[from..].iter().take_while(|p| p.0 == h) {
                    *shared.entry(b).or_default() += 1;
                }
            }
            kept_pairs(a, shared, &keep)
        })
        .collect();
    per_doc.concat()
}

/// One kind of passage fingerprint for every document of a scan in one
/// allocation: no vector header or spare capacity per document (at a million
/// documents, three vectors each cost more than their hashes' share of the
/// map's memory). Document `i`'s hashes, sorted, are [`HashArena::get`]`(i)`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HashArena {
    hashes: Vec<u64>,
    ends: Vec<usize>,
}

impl HashArena {
    /// Append the next document's hashes.
    pub fn push(&mut self, hashes: &[u64]) {
        self.hashes.extend_from_slice(hashes);
        self.ends.push(self.hashes.len());
    }

    /// Documents.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Hashes of all documents together.
    pub fn total(&self) -> usize {
        self.hashes.len()
    }

    pub fn get(&self, doc: usize) -> &[u64] {
        let start = if doc == 0 { 0 } else { self.ends[doc - 1] };
        &self.hashes[start..self.ends[doc]]
    }

    /// Hashes per document.
    pub fn lens(&self) -> Vec<u32> {
        (0..self.len()).map(|d| self.get(d).len() as u32).collect()
    }

    /// [`frequent`] of the documents' hashes, sorting the arena in place
    /// (it is consumed: no second copy of the hashes).
    pub fn into_frequent(self, threshold: usize) -> FxHashSet<u64> {
        let mut all = self.hashes;
        drop(self.ends);
        all.par_sort_unstable();
        all.chunk_by(|x, y| x == y)
            .filter(|run| run.len() > threshold)
            .map(|run| run[0])
            .collect()
    }
}

/// The passage fingerprints of a scan's documents, one arena per kind.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PassageArena {
    pub windows: HashArena,
    pub sentences: HashArena,
    pub winnowed: HashArena,
}

impl PassageArena {
    pub fn push(&mut self, h: &PassageHashes) {
        self.windows.push(&h.windows);
        self.sentences.push(&h.sentences);
        self.winnowed.push(&h.winnowed);
    }

    pub fn len(&self) -> usize {
        self.windows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.windows.is_empty()
    }
}

/// The inverted index of one kind of passage fingerprint, kept to what makes
/// candidates: a hash in one document pairs nothing and one in more than the
/// threshold is a formula, so only hashes in 2..=threshold documents are
/// runs (their documents ascending), and each document lists its runs. No
/// hash is stored: 4 bytes per posting and 4 per document's run, where a
/// sorted list of (hash, document) took 16 beside the hashes themselves.
#[derive(Debug, Default)]
pub struct Postings {
    run_ends: Vec<usize>,
    docs: Vec<u32>,
    doc_ends: Vec<usize>,
    doc_runs: Vec<u32>,
}

/// The hash space is sorted one slice at a time (by the top bits): the
/// (hash, document) pairs of one slice are the only copy made.
const POSTING_SLICES: u64 = 16;

impl Postings {
    pub fn build(arena: &HashArena, threshold: usize) -> Postings {
        let n = arena.len();
        let shift = 64 - POSTING_SLICES.trailing_zeros();
        let mut run_ends: Vec<usize> = Vec::new();
        let mut docs: Vec<u32> = Vec::new();
        let mut runs_of_doc = vec![0u32; n];
        for slice in 0..POSTING_SLICES {
            let mut part: Vec<(u64, u32)> = (0..n)
                .into_par_iter()
                .flat_map_iter(|d| {
                    let hs = arena.get(d);
                    let from = hs.partition_point(|&h| (h >> shift) < slice);
                    let to = hs.partition_point(|&h| (h >> shift) <= slice);
                    hs[from..to].iter().map(move |&h| (h, d as u32))
                })
                .collect();
            part.par_sort_unstable();
            for run in part.chunk_by(|x, y| x.0 == y.0) {
                if run.len() >= 2 && run.len() <= threshold {
                    docs.extend(run.iter().map(|&(_, d)| d));
                    run_ends.push(docs.len());
                    for &(_, d) in run {
                        runs_of_doc[d as usize] += 1;
                    }
                }
            }
        }
        docs.shrink_to_fit();
        run_ends.shrink_to_fit();
        let mut doc_ends = Vec::with_capacity(n);
        let mut at = 0usize;
        for &k in &runs_of_doc {
            at += k as usize;
            doc_ends.push(at);
        }
        drop(runs_of_doc);
        let mut next: Vec<usize> = std::iter::once(0).chain(doc_ends.iter().copied()).take(n).collect();
        let mut doc_runs = vec![0u32; at];
        let mut start = 0;
        for (r, &end) in run_ends.iter().enumerate() {
            for &d in &docs[start..end] {
                doc_runs[next[d as usize]] = r as u32;
                next[d as usize] += 1;
            }
            start = end;
        }
        Postings {
            run_ends,
            docs,
            doc_ends,
            doc_runs,
        }
    }

    fn run(&self, r: u32) -> &[u32] {
        let r = r as usize;
        let start = if r == 0 { 0 } else { self.run_ends[r - 1] };
        &self.docs[start..self.run_ends[r]]
    }

    fn runs_of(&self, doc: usize) -> &[u32] {
        let start = if doc == 0 { 0 } else { self.doc_ends[doc - 1] };
        &self.doc_runs[start..self.doc_ends[doc]]
    }

    /// Pairs (a < b, sorted) for which `keep(a, b, shared hashes)` holds,
    /// among those sharing at least one hash.
    pub fn pairs(&self, keep: impl Fn(u32, u32, u32) -> bool + Sync) -> Vec<(u32, u32)> {
        // Each document counts the later documents it shares hashes with, in
        // a map of its own (documents in parallel).
        (0..self.doc_ends.len() as u32)
            .into_par_iter()
            .map_init(FxHashMap::<u32, u32>::default, |shared, a| {
                shared.clear();
                for &r in self.runs_of(a as usize) {
                    let run = self.run(r);
                    let from = run.partition_point(|&d| d <= a);
                    for &b in &run[from..] {
                        *shared.entry(b).or_default() += 1;
                    }
                }
                kept_pairs(a, shared, &keep)
            })
            .flatten_iter()
            .collect()
    }

    /// Bytes held (for the `WENSHAN_TIMINGS` lines).
    pub fn bytes(&self) -> usize {
        (self.run_ends.len() + self.doc_ends.len()) * 8 + (self.docs.len() + self.doc_runs.len()) * 4
    }
}

/// [`candidate_pairs`] over an arena: pairs sharing at least `min_shared`
/// hashes, hashes in more than `threshold` documents skipped. The arena is
/// dropped once indexed.
pub fn arena_pairs(arena: HashArena, threshold: usize, min_shared: u32) -> Vec<(u32, u32)> {
    let postings = Postings::build(&arena, threshold);
    drop(arena);
    postings.pairs(|_, _, n| n >= min_shared)
}

/// [`candidate_pairs_relative`] over an arena (dropped once indexed).
pub fn arena_pairs_relative(arena: HashArena, threshold: usize, share: f64, min_shared: u32) -> Vec<(u32, u32)> {
    let lens = arena.lens();
    let postings = Postings::build(&arena, threshold);
    drop(arena);
    postings.pairs(|a, b, n| {
        let smaller = lens[a as usize].min(lens[b as usize]);
        n >= min_shared && n as f64 >= share * smaller as f64
    })
}

/// An exact run of the masked keys: A[a..a+len] == B[b..b+len].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Run {
    pub a: usize,
    pub b: usize,
    pub len: usize,
}

/// A passage in key coordinates: runs merged across small gaps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct KeySpan {
    pub a: (usize, usize),
    pub b: (usize, usize),
}

/// What two documents share.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Alignment {
    /// Longest first (by A length, then A position).
    pub passages: Vec<KeySpan>,
    /// Substitutions under aligned placeholders, in order of A.
    pub changes: Vec<Change>,
}

/// Maximal exact runs of A found in B, in A order, seeded on 5-grams and
/// never crossing boilerplate.
pub fn runs(a: &Keyed, b: &Keyed) -> Vec<Run> {
    if a.len() < SEED || b.len() < SEED {
        return Vec::new();
    }
    // Seed table of B: first occurrence per 5-gram, then a chain of the next.
    let mut first: FxHashMap<&[char], u32> = FxHashMap::with_capacity_and_hasher(b.len(), Default::default());
    let mut next = vec![u32::MAX; b.len()];
    for j in (0..=b.len() - SEED).rev() {
        if b.boiler[j] {
            continue;
        }
        if let Some(prev) = first.insert(&b.chars[j..j + SEED], j as u32) {
            next[j] = prev;
        }
    }
    let mut out = Vec::new();
    let mut i = 0;
    let mut b_end = 0;
    while i + SEED <= a.len() {
        let mut best: Option<Run> = None;
        if !a.boiler[i] {
            let mut j = first.get(&a.chars[i..i + SEED]).copied().unwrap_or(u32::MAX);
            let mut tried = 0;
            while j != u32::MAX && tried < MAX_SEEDS {
                let len = extend(a, b, i, j as usize);
                let better = match best {
                    None => true,
                    // Longer wins; on a tie, the one right after the last run.
                    Some(r) => len > r.len || (len == r.len && (j as usize) >= b_end && r.b < b_end),
                };
                if better {
                    best = Some(Run {
                        a: i,
                        b: j as usize,
                        len,
                    });
                }
                j = next[j as usize];
                tried += 1;
            }
        }
        match best {
            Some(r) if r.len >= SEED => {
                out.push(r);
                b_end = r.b + r.len;
                i += r.len;
            }
            _ => i += 1,
        }
    }
    out
}

fn extend(a: &Keyed, b: &Keyed, i: usize, j: usize) -> usize {
    let mut len = 0;
    while i + len < a.len() && j + len < b.len() && a.chars[i + len] == b.chars[j + len] && !a.boiler[i + len] {
        len += 1;
    }
    len
}

/// Merge runs (in A order) whose gaps on both sides are at most [`MAX_GAP`]
/// and that go forward in B; keep passages of at least [`MIN_PASSAGE`].
pub fn merge(runs: &[Run]) -> Vec<KeySpan> {
    let mut out: Vec<KeySpan> = Vec::new();
    for r in runs {
        let span = KeySpan {
            a: (r.a, r.a + r.len),
            b: (r.b, r.b + r.len),
        };
        match out.last_mut() {
            Some(p) if r.a >= p.a.1 && r.a - p.a.1 <= MAX_GAP && r.b >= p.b.1 && r.b - p.b.1 <= MAX_GAP => {
                p.a.1 = span.a.1;
                p.b.1 = span.b.1;
            }
            _ => out.push(span),
        }
    }
    out.retain(|p| p.a.1 - p.a.0 >= MIN_PASSAGE);
    out
}

/// Align two documents: passages and the reissue changes between them.
pub fn align(a: &Keyed, b: &Keyed) -> Alignment {
    let runs = runs(a, b);
    let mut changes = ChangeList::default();
    for r in &runs {
        for k in 0..r.len {
            if let (Some(x), Some(y)) = (a.token_at(r.a + k), b.token_at(r.b + k)) {
                changes.add(x.kind, &x.raw, &y.raw);
            }
        }
    }
    let mut passages = merge(&runs);
    passages.sort_by_key(|p| (std::cmp::Reverse(p.a.1 - p.a.0), p.a.0));
    Alignment {
        passages,
        changes: changes.into_vec(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn chars(text: &str, (s, e): (usize, usize)) -> String {
        text.chars().skip(s).take(e - s).collect()
    }

    const CITY: &str = "各县（市、区）要压实防汛责任，落实行政首长负责制。\n汛期实行24小时领导带班和专人值班制度，值班电话必须保持畅通。\n发生险情灾情要在30分钟内电话报告，严禁迟报漏报瞒报。";

    #[test]
    fn a_text_aligns_with_itself_in_one_passage() {
        let k = Keyed::of(CITY);
        let al = align(&k, &k);
        assert_eq!(al.passages.len(), 1);
        let p = al.passages[0];
        assert_eq!(p.a, (0, k.len()));
        assert_eq!(k.text_span(p.a.0, p.a.1), (0, CITY.chars().count() - 1));
        assert!(al.changes.is_empty());
    }

    #[test]
    fn spans_are_exact_in_the_normalised_text() {
        let a = "本地情况说明。\n汛期实行领导带班和专人值班制度，值班电话必须保持畅通。\n其他事项另行通知。";
        let b = "开头不同的文字在这里。汛期实行领导带班和专人值班制度，值班电话必须保持畅通。结尾也不同";
        let (ka, kb) = (Keyed::of(a), Keyed::of(b));
        let al = align(&ka, &kb);
        assert_eq!(al.passages.len(), 1);
        let p = al.passages[0];
        let sa = chars(a, ka.text_span(p.a.0, p.a.1));
        let sb = chars(b, kb.text_span(p.b.0, p.b.1));
        assert_eq!(sa, "汛期实行领导带班和专人值班制度，值班电话必须保持畅通");
        assert_eq!(sa, sb);
    }

    #[test]
    fn reissue_changes_are_listed_in_order_once() {
        let a = "全省各地要在2023年5月1日前完成排查，2023年度任务清单见附件。全省各地要在2023年5月1日前上报。";
        let b = "全县各地要在2025年6月1日前完成排查，2025年度任务清单见附件。全县各地要在2025年6月1日前上报。";
        let al = align(&Keyed::of(a), &Keyed::of(b));
        let got: Vec<(&str, &str, &str)> = al
            .changes
            .iter()
            .map(|c| (c.kind, c.from.as_str(), c.to.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("level", "全省", "全县"),
                ("date", "2023年5月1日", "2025年6月1日"),
                ("year", "2023年度", "2025年度"),
            ]
        );
        assert_eq!(al.passages.len(), 1, "placeholders keep one passage");
    }

    #[test]
    fn boilerplate_is_never_matched() {
        let a = "现将有关事项通知如下。\n请结合实际认真贯彻落实。\n抄送：县委办公室，县人大常委会办公室。";
        let b = "现将有关事项通知如下。\n请结合实际认真贯彻落实。\n抄送：县委办公室，县人大常委会办公室。";
        let (ka, kb) = (Keyed::of(a), Keyed::of(b));
        assert!(align(&ka, &kb).passages.is_empty());
        assert!(ka.fingerprints().windows.is_empty());
    }

    #[test]
    fn frequent_sentences_become_boilerplate() {
        let mut k = Keyed::of(CITY);
        let hashes = k.fingerprints().sentences;
        k.mark_frequent(&hashes.iter().copied().collect());
        assert!(align(&k, &k).passages.is_empty());
    }

    #[test]
    fn shared_windows_make_candidates_and_frequent_ones_do_not() {
        let a = [1u64, 2, 3];
        let b = [2u64, 3, 9];
        let c = [3u64, 7];
        let sets: Vec<&[u64]> = vec![&a, &b, &c];
        assert_eq!(candidate_pairs(&sets, &FxHashSet::default(), 2), vec![(0, 1)]);
        assert_eq!(
            candidate_pairs(&sets, &FxHashSet::default(), 1),
            vec![(0, 1), (0, 2), (1, 2)]
        );
        let freq = frequent(sets.iter().copied(), 2);
        assert_eq!(freq, [3u64].into_iter().collect());
        assert!(candidate_pairs(&sets, &freq, 2).is_empty());
    }

    fn arena_of(sets: &[Vec<u64>]) -> HashArena {
        let mut arena = HashArena::default();
        for s in sets {
            arena.push(s);
        }
        arena
    }

    proptest! {
        #[test]
        fn the_arena_index_finds_the_pairs_of_the_sorted_list(
            raw in prop::collection::vec(prop::collection::vec(0u64..40, 0..12), 0..40),
            threshold in 1usize..8,
            min_shared in 1u32..4,
        ) {
            // Spread the small values over the hash space (every slice of
            // the index gets some), sorted and distinct as fingerprints are.
            let sets: Vec<Vec<u64>> = raw
                .iter()
                .map(|s| {
                    let mut v: Vec<u64> = s.iter().map(|&x| mix(x)).collect();
                    v.sort_unstable();
                    v.dedup();
                    v
                })
                .collect();
            let slices: Vec<&[u64]> = sets.iter().map(Vec::as_slice).collect();
            let freq = frequent(slices.iter().copied(), threshold);
            prop_assert_eq!(&arena_of(&sets).into_frequent(threshold), &freq);
            prop_assert_eq!(
                arena_pairs(arena_of(&sets), threshold, min_shared),
                candidate_pairs(&slices, &freq, min_shared)
            );
            prop_assert_eq!(
                arena_pairs_relative(arena_of(&sets), threshold, 0.3, min_shared),
                candidate_pairs_relative(&slices, &freq, 0.3, min_shared)
            );
        }
    }

    #[test]
    fn an_arena_gives_back_each_documents_hashes() {
        let arena = arena_of(&[vec![1, 2], vec![], vec![3]]);
        assert_eq!((arena.len(), arena.total()), (3, 3));
        assert_eq!(arena.get(0), [1, 2]);
        assert!(arena.get(1).is_empty());
        assert_eq!(arena.get(2), [3]);
        assert_eq!(arena.lens(), [2, 0, 1]);
    }

    #[test]
    fn a_shared_run_of_24_chars_shares_a_winnowed_fingerprint() {
        let shared = "汛期实行二十四小时领导带班和专人值班制度值班电话必须保持畅通";
        let a = Keyed::of(&format!("本县情况特殊需要说明。{shared}。其他事项"));
        let b = Keyed::of(&format!("各地要求互不相同的开头。{shared}。另行通知"));
        let (wa, wb) = (a.fingerprints().winnowed, b.fingerprints().winnowed);
        assert!(wa.iter().any(|h| wb.binary_search(h).is_ok()));
        assert!(Keyed::of("短文").fingerprints().winnowed.is_empty());
    }

    #[test]
    fn merge_bridges_small_gaps_only() {
        let runs = [
            Run { a: 0, b: 0, len: 10 },
            Run { a: 12, b: 13, len: 10 },
            Run { a: 60, b: 70, len: 20 },
            Run { a: 85, b: 20, len: 5 },
        ];
        let m = merge(&runs);
        assert_eq!(
            m,
            vec![
                KeySpan { a: (0, 22), b: (0, 23) },
                KeySpan {
                    a: (60, 80),
                    b: (70, 90)
                }
            ]
        );
    }
}
