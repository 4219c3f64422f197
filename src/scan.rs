//! `wenshan scan`: the whole pipeline over a folder.
//!
//! Map (in parallel, one document at a time, no shared state): read →
//! normalise → parse → segment → fingerprint. Then reduce: index the
//! fingerprints, verify the candidate pairs on the text, cluster into
//! families, build the [`Report`]. Every step is deterministic and results are
//! sorted, so the report is identical whatever the thread count.

use crate::cluster;
use crate::config::Config;
use crate::document::Structure;
use crate::fingerprint::{Fingerprint, Method};
use crate::normalize::normalize;
use crate::parse::parse;
use crate::passage::{Keyed, PassageHashes};
use crate::read;
use crate::report::DisguisedIssuance;
use crate::report::{round4, DocumentEntry, FamilyEntry, PairEntry, Report};
use crate::reuse::{self, LineMap, ReuseOptions};
use crate::rules::Detector;
use crate::segment::Segmenter;
use crate::verify::Thresholds;
use crate::walk::{walk, WalkError};
use rayon::prelude::*;
use std::path::Path;
use xxhash_rust::xxh3::xxh3_64;

/// Settings of a scan. The defaults are the ones measured in the README.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ScanOptions {
    pub method: Method,
    /// Hamming radius for candidate pairs. Wide on purpose: candidates are
    /// cheap to verify on the text, missed pairs are lost for good.
    pub radius: u32,
    pub thresholds: Thresholds,
    /// Run the disguised-issuance (红头转白头) rules on every document.
    pub white_header: bool,
    /// Per-file resource limits of the read stage.
    pub limits: read::ReadLimits,
    /// Passage fingerprints, alignment, reissues and ratios (`--no-passages`
    /// turns them off: document-level near-duplicates only).
    pub passages: bool,
    /// Exclude boilerplate from passages (off only to measure what it removes).
    pub boilerplate: bool,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            method: Method::Weighted,
            radius: DEFAULT_RADIUS,
            thresholds: Thresholds::default(),
            white_header: true,
            limits: read::ReadLimits::default(),
            passages: true,
            boilerplate: true,
        }
    }
}

/// See the README's measurement: the radius at which recall of oracle
/// near-duplicates levels off while candidates stay few.
pub const DEFAULT_RADIUS: u32 = 10;

/// Progress of a long run; the CLI draws a bar, the library stays silent.
pub trait Progress: Sync {
    fn start(&self, _total: usize) {}
    fn advance(&self) {}
    fn finish(&self) {}
}

/// No progress output.
pub struct Silent;
impl Progress for Silent {}

/// One document analysed on its own: everything later stages need.
#[derive(Debug, Clone)]
pub struct Analyzed {
    pub structure: Structure,
    pub chars: usize,
    pub fingerprint: Fingerprint,
    /// The normalised text. Its [`comparison_key`] is computed only for
    /// documents that reach verification: most never do.
    pub text: String,
    /// The disguised-issuance assessment, when the rules ran.
    pub disguised: Option<DisguisedIssuance>,
    /// Passage fingerprints (empty when passages are off).
    pub passage_hashes: PassageHashes,
    /// The masked comparison key, kept for alignment (empty when passages are off).
    pub keyed: Keyed,
    /// Text offsets back to original line numbers.
    pub lines: LineMap,
    /// A 转发/批转/印发 notice.
    pub forwards: bool,
}

/// The map step for one text.
pub fn analyze(raw: &str, method: Method) -> Analyzed {
    analyze_with(raw, method, true, None)
}

/// [`analyze`], with passage fingerprints only when `passages` is set and the
/// disguised-issuance rules when a detector is given.
pub fn analyze_with(raw: &str, method: Method, passages: bool, detector: Option<&Detector>) -> Analyzed {
    let norm = normalize(raw);
    let structure = parse(&norm.line_texts());
    let disguised = detector.map(|d| d.assess(&norm, &structure));
    let text = norm.text();
    let tokens = Segmenter::global().content_tokens(&text);
    let keyed = if passages { Keyed::of(&text) } else { Keyed::default() };
    let passage_hashes = if passages {
        keyed.fingerprints()
    } else {
        PassageHashes::default()
    };
    Analyzed {
        forwards: reuse::is_forwarding_notice(structure.title.as_deref(), &text),
        structure,
        chars: text.chars().filter(|c| *c != '\n').count(),
        fingerprint: method.fingerprint(&tokens),
        lines: LineMap::of(&norm),
        passage_hashes,
        keyed,
        text,
        disguised,
    }
}

/// What the scan keeps of an analysed document until the report: its report
/// entry (with the ratios it has when nothing is copied into it) and what
/// candidate generation needs. No text: memory grows with the index only.
struct Kept {
    entry: DocumentEntry,
    hashes: PassageHashes,
    forwards: bool,
    /// xxh3 of the normalised text: a re-read must find the same text.
    text_hash: u64,
}

impl Kept {
    fn of(path: &str, a: Analyzed, passages: bool) -> Kept {
        let ratios = passages.then(|| reuse::doc_ratios(&a.text, &[], |_| String::new()));
        let text_hash = xxh3_64(a.text.as_bytes());
        let entry = DocumentEntry {
            ratios,
            ..analyzed_entry(path, &a)
        };
        let mut hashes = a.passage_hashes;
        hashes.windows.shrink_to_fit();
        hashes.sentences.shrink_to_fit();
        hashes.winnowed.shrink_to_fit();
        let forwards = a.forwards;
        Kept {
            entry,
            hashes,
            forwards,
            text_hash,
        }
    }
}

/// [`analyze_with`], with a bug on one odd input turned into that file's
/// error: a batch of thousands must not die on one document.
pub(crate) fn analyze_guarded(raw: &str, opts: &ScanOptions, detector: Option<&Detector>) -> Result<Analyzed, String> {
    std::panic::catch_unwind(|| analyze_with(raw, opts.method, opts.passages, detector))
        .map_err(|_| "内部错误：分析该文件时程序异常，已跳过（请报告此问题）".to_string())
}

#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error(transparent)]
    Walk(#[from] WalkError),
}

pub fn reuse_options(opts: &ScanOptions) -> ReuseOptions {
    ReuseOptions {
        radius: opts.radius,
        thresholds: opts.thresholds,
        passages: opts.passages,
        boilerplate: opts.boilerplate,
    }
}

/// Counts of a scan that the report does not carry (for `wenshan eval`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ScanStats {
    /// Candidate pairs verified on the text.
    pub candidates: usize,
    /// Pairs not reported because they share only boilerplate.
    pub boilerplate_only: usize,
}

/// Scan a folder (or one file) with the default rule configuration.
pub fn scan(root: &Path, opts: &ScanOptions, progress: &dyn Progress) -> Result<Report, ScanError> {
    scan_with_stats(root, opts, &Config::default(), progress).map(|(r, _)| r)
}

/// Scan a folder (or one file) and report near-duplicate families, reused
/// passages and disguised issuance, with rules configured by `config`
/// (`wenshan.toml`).
pub fn scan_with(
    root: &Path,
    opts: &ScanOptions,
    config: &Config,
    progress: &dyn Progress,
) -> Result<Report, ScanError> {
    scan_with_stats(root, opts, config, progress).map(|(r, _)| r)
}

/// [`scan_with`], with the counts behind the report.
pub fn scan_with_stats(
    root: &Path,
    opts: &ScanOptions,
    config: &Config,
    progress: &dyn Progress,
) -> Result<(Report, ScanStats), ScanError> {
    let started = std::time::Instant::now();
    let detector = opts.white_header.then(|| Detector::new(config));
    // Load the dictionary and the IDF table side by side while the walk runs
    // (both are one-time costs of ~0.1 s each).
    let (entries, _) = rayon::join(
        || walk(root, read::EXTENSIONS),
        || rayon::join(Segmenter::global, || crate::fingerprint::idf("的")),
    );
    let entries = entries?;
    progress.start(entries.len());
    // The map keeps per document only its report entry and what candidate
    // generation needs: the texts are dropped here and rebuilt by the reduce
    // for the few documents that reach verification.
    let kept: Vec<Result<Kept, String>> = entries
        .par_iter()
        .map(|e| {
            let r = match &e.error {
                Some(why) => Err(why.clone()),
                None => read::read_file_with(&e.path, &opts.limits)
                    .map_err(|err| err.to_string())
                    .and_then(|raw| analyze_guarded(&raw, opts, detector.as_ref()))
                    .map(|a| Kept::of(&e.rel, a, opts.passages)),
            };
            progress.advance();
            r
        })
        .collect();
    progress.finish();
    if std::env::var_os("WENSHAN_TIMINGS").is_some() {
        eprintln!("map: {:.2}s", started.elapsed().as_secs_f64());
    }

    // Only readable documents take part in matching; `ok` maps back to entries.
    let ok: Vec<usize> = (0..entries.len()).filter(|&i| kept[i].is_ok()).collect();
    let good = |i: usize| kept[i].as_ref().ok();
    let metas: Vec<reuse::Meta> = ok
        .iter()
        .filter_map(|&i| Some((i, good(i)?)))
        .map(|(i, k)| reuse::Meta {
            name: &entries[i].rel,
            fingerprint: k.entry.simhash.map_or(0, |f| f.0),
            hashes: &k.hashes,
            date: k.entry.date,
            forwards: k.forwards,
        })
        .collect();
    // The file must still read as it did in the map step.
    let load = |k: usize| reload(&entries[ok[k]].path, &opts.limits, good(ok[k])?.text_hash);
    let found = reuse::find_streaming(&metas, &load, &reuse_options(opts));
    let mut ratios: Vec<Option<crate::report::Ratios>> = vec![None; entries.len()];
    for (k, r) in found.ratios.into_iter().enumerate() {
        ratios[ok[k]] = r;
    }

    let documents: Vec<DocumentEntry> = entries
        .iter()
        .zip(kept)
        .zip(ratios)
        .map(|((e, k), r)| match k {
            Ok(k) => DocumentEntry {
                ratios: r.or(k.entry.ratios),
                ..k.entry
            },
            Err(why) => document_entry(&e.rel, &Err(why)),
        })
        .collect();
    let links: Vec<(usize, usize)> = found.pairs.iter().map(|v| (ok[v.a], ok[v.b])).collect();
    // Moved, not copied: at a million documents the passages of the pairs are gigabytes.
    let pairs: Vec<PairEntry> = found
        .pairs
        .into_iter()
        .map(|v| {
            let (a, b) = (ok[v.a], ok[v.b]);
            pair_entry(v, &entries[a].rel, &entries[b].rel)
        })
        .collect();
    let dates: Vec<Option<crate::document::Date>> = documents.iter().map(|d| d.date).collect();
    let families = cluster::families(entries.len(), &links, |i| dates[i], |i| entries[i].rel.clone())
        .into_iter()
        .map(|members| {
            let members: Vec<String> = members.into_iter().map(|i| entries[i].rel.clone()).collect();
            FamilyEntry {
                earliest: members[0].clone(),
                members,
            }
        })
        .collect();
    let stats = ScanStats {
        candidates: found.candidates,
        boilerplate_only: found.boilerplate_only,
    };
    let report = Report {
        tool: "wenshan",
        version: env!("CARGO_PKG_VERSION"),
        root: root.to_string_lossy().into_owned(),
        documents,
        pairs,
        families,
    };
    Ok((report, stats))
}

/// The report entry of a found pair.
pub(crate) fn pair_entry(v: reuse::Found, a: &str, b: &str) -> PairEntry {
    PairEntry {
        a: a.to_string(),
        b: b.to_string(),
        hamming: v.hamming,
        similarity: round4(v.overlap.jaccard()),
        containment_a_in_b: round4(v.overlap.a_in_b()),
        containment_b_in_a: round4(v.overlap.b_in_a()),
        relation: v.relation,
        passages: v.passages,
        changes: v.changes,
        shared_chars: v.shared_chars,
    }
}

/// Rebuild the normalised text of a file for verification, if it still reads
/// as it did (`hash` of the text in the map step).
pub(crate) fn reload(path: &Path, limits: &read::ReadLimits, hash: u64) -> Option<reuse::Loaded> {
    let raw = read::read_file_with(path, limits).ok()?;
    let norm = std::panic::catch_unwind(|| normalize(&raw)).ok()?;
    let text = norm.text();
    (hash == xxh3_64(text.as_bytes())).then(|| reuse::Loaded {
        lines: LineMap::of(&norm),
        text,
    })
}

fn analyzed_entry(path: &str, a: &Analyzed) -> DocumentEntry {
    let s = &a.structure;
    DocumentEntry {
        path: path.to_string(),
        title: s.title.clone(),
        genre: s.genre,
        doc_number: s.doc_number.clone(),
        issuer: s.issuer.clone(),
        date: s.date,
        chars: a.chars,
        simhash: Some(a.fingerprint),
        error: None,
        ratios: None,
        disguised_issuance: a.disguised.clone(),
    }
}

fn document_entry(path: &str, a: &Result<Analyzed, String>) -> DocumentEntry {
    match a {
        Ok(a) => analyzed_entry(path, a),
        Err(e) => DocumentEntry {
            path: path.to_string(),
            title: None,
            genre: None,
            doc_number: None,
            issuer: None,
            date: None,
            chars: 0,
            simhash: None,
            error: Some(e.clone()),
            ratios: None,
            disguised_issuance: None,
        },
    }
}
