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
use crate::passage::{Keyed, PassageArena, PassageHashes};
use crate::progress::stages;
use crate::read;
use crate::report::{self, round4, DisguisedIssuance, DocumentEntry, FamilyEntry, PairEntry, Report};
use crate::reuse::{self, LineMap, Reduced, ReuseOptions};
use crate::rules::Detector;
use crate::segment::Segmenter;
use crate::verify::Thresholds;
use crate::walk::{self, walk, WalkError};
use rayon::prelude::*;
use std::io::{Read, Seek, Write};
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

pub use crate::progress::{Progress, Silent};

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
    Unsegmented::of(raw, passages, detector).segment(method, Segmenter::global())
}

/// A document analysed up to segmentation: all that needs no dictionary.
/// The map runs its first chunk this far while the dictionary loads, so the
/// load (~0.1 s on one thread) does not stall every other thread.
struct Unsegmented {
    structure: Structure,
    text: String,
    disguised: Option<DisguisedIssuance>,
    passage_hashes: PassageHashes,
    keyed: Keyed,
    lines: LineMap,
    forwards: bool,
}

impl Unsegmented {
    fn of(raw: &str, passages: bool, detector: Option<&Detector>) -> Unsegmented {
        let norm = normalize(raw);
        let structure = parse(&norm.line_texts());
        let disguised = detector.map(|d| d.assess(&norm, &structure));
        let text = norm.text();
        let keyed = if passages { Keyed::of(&text) } else { Keyed::default() };
        let passage_hashes = if passages {
            keyed.fingerprints()
        } else {
            PassageHashes::default()
        };
        Unsegmented {
            forwards: reuse::is_forwarding_notice(structure.title.as_deref(), &text),
            lines: LineMap::of(&norm),
            structure,
            text,
            disguised,
            passage_hashes,
            keyed,
        }
    }

    fn segment(self, method: Method, seg: &Segmenter) -> Analyzed {
        let tokens = seg.content_tokens(&self.text);
        Analyzed {
            fingerprint: method.fingerprint(&tokens),
            chars: self.text.chars().filter(|c| *c != '\n').count(),
            structure: self.structure,
            lines: self.lines,
            passage_hashes: self.passage_hashes,
            keyed: self.keyed,
            text: self.text,
            disguised: self.disguised,
            forwards: self.forwards,
        }
    }
}

/// [`analyze_with`], with a bug on one odd input turned into that file's
/// error: a batch of thousands must not die on one document.
pub(crate) fn analyze_guarded(raw: &str, opts: &ScanOptions, detector: Option<&Detector>) -> Result<Analyzed, String> {
    guarded(|| analyze_with(raw, opts.method, opts.passages, detector))
}

/// A panic in `f` as the document's error.
fn guarded<T>(f: impl FnOnce() -> T) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f))
        .map_err(|_| "内部错误：分析该文件时程序异常，已跳过（请报告此问题）".to_string())
}

#[derive(Debug, thiserror::Error)]
pub enum ScanError {
    #[error(transparent)]
    Walk(#[from] WalkError),
    /// The temporary files of a streamed report could not be written or read.
    #[error("临时文件读写失败：{0}")]
    Spill(#[from] std::io::Error),
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
    let mut documents: Vec<DocumentEntry> = Vec::new();
    let mut mapped = map(root, opts, config, progress, false, &mut |entry| {
        if let Entry::Value(d) = entry {
            documents.push(*d);
        }
        Ok(())
    })?;
    let mut pairs: Vec<PairEntry> = Vec::new();
    let reduced = mapped.reduce(opts, progress, &mut |found, metas| {
        pairs.extend(found.into_iter().map(|v| {
            let (a, b) = (metas[v.a].name, metas[v.b].name);
            pair_entry(v, a, b)
        }));
        Ok(())
    })?;
    if opts.passages {
        let metas = mapped.metas();
        let load = mapped.loader(opts);
        reduced.ratios(&metas, &load, progress, &mut |k, r| {
            if let Some(r) = r {
                documents[mapped.ok[k]].ratios = Some(r);
            }
        });
    }
    progress.finish();
    let stats = ScanStats {
        candidates: reduced.candidates,
        boilerplate_only: reduced.boilerplate_only,
    };
    let report = Report {
        tool: "wenshan",
        version: env!("CARGO_PKG_VERSION"),
        root: root.to_string_lossy().into_owned(),
        documents,
        pairs,
        families: mapped.families(),
    };
    Ok((report, stats))
}

/// Scan a folder (or one file) for a JSON report that is written as it is
/// produced ([`JsonScan::write_json`]): the same bytes as the [`Report`] of
/// [`scan_with`], without holding it. Document and pair entries wait as JSON
/// in unnamed temporary files in `spill_dir` (the operating system removes
/// them when they are closed, whatever ends the run); memory holds the
/// fingerprints, the candidates, and what the ratios need.
pub fn scan_json<'p>(
    root: &Path,
    opts: &ScanOptions,
    config: &Config,
    progress: &'p dyn Progress,
    spill_dir: &Path,
) -> Result<JsonScan<'p>, ScanError> {
    let mut documents = Spill::new(spill_dir)?;
    let mut mapped = map(root, opts, config, progress, true, &mut |entry| match entry {
        Entry::Json(parts) => documents.record(&parts),
        Entry::Value(_) => unreachable!("the map renders entries as JSON here"),
    })?;
    let mut pairs = Spill::new(spill_dir)?;
    let mut pair_count = 0usize;
    let reduced = mapped.reduce(opts, progress, &mut |found, metas| {
        let rendered: Vec<Vec<u8>> = found
            .into_par_iter()
            .map(|v| {
                let (a, b) = (metas[v.a].name, metas[v.b].name);
                report::pair_json(&pair_entry(v, a, b))
            })
            .collect();
        for json in rendered {
            pairs.write(if pair_count == 0 { b"\n    " } else { b",\n    " })?;
            pairs.write(&json)?;
            pair_count += 1;
        }
        Ok(())
    })?;
    Ok(JsonScan {
        root: root.to_string_lossy().into_owned(),
        opts: *opts,
        mapped,
        reduced,
        documents,
        pairs,
        pair_count,
        progress,
    })
}

/// A scan whose JSON report is ready to be written ([`scan_json`]).
pub struct JsonScan<'p> {
    root: String,
    opts: ScanOptions,
    mapped: Mapped,
    reduced: Reduced,
    documents: Spill,
    pairs: Spill,
    pair_count: usize,
    /// The ratios are computed, and the report written, by `write_json`.
    progress: &'p dyn Progress,
}

impl JsonScan<'_> {
    pub fn stats(&self) -> ScanStats {
        ScanStats {
            candidates: self.reduced.candidates,
            boilerplate_only: self.reduced.boilerplate_only,
        }
    }

    /// Write the report: the bytes of [`Report::write_json`]. The ratios of
    /// the documents charged with copies are computed here, a block at a
    /// time, and put in place of those the map wrote as the entries stream by.
    pub fn write_json(self, out: &mut dyn Write) -> std::io::Result<()> {
        let JsonScan {
            root,
            opts,
            mapped,
            reduced,
            documents,
            pairs,
            pair_count,
            progress,
        } = self;
        let mut w = report::JsonWriter::start(out, &root)?;
        let mut records = Records {
            reader: documents.reader()?,
            read: 0,
        };
        if opts.passages {
            let metas = mapped.metas();
            let load = mapped.loader(&opts);
            let mut failed: Option<std::io::Error> = None;
            reduced.ratios(&metas, &load, progress, &mut |k, r| {
                let result = (|| {
                    records.copy_until(mapped.ok[k], &mut w)?;
                    let [a, b, c] = records.next()?;
                    match r {
                        Some(r) => w.entry(&[&a, &report::ratios_json(Some(&r)), &c]),
                        None => w.entry(&[&a, &b, &c]),
                    }
                })();
                if let Err(e) = result {
                    failed.get_or_insert(e);
                }
            });
            if let Some(e) = failed {
                return Err(e);
            }
        }
        progress.stage(stages::WRITE, None);
        records.copy_until(mapped.entries.len(), &mut w)?;
        drop(records);
        w.next("pairs")?;
        if pair_count > 0 {
            w.raw_entries(&mut pairs.reader()?)?;
        }
        w.next("families")?;
        for f in mapped.families() {
            w.entry(&[&report::family_json(&f)])?;
        }
        w.finish()?;
        progress.finish();
        Ok(())
    }
}

/// The document records of a [`Spill`], read back in order.
struct Records {
    reader: std::io::BufReader<std::fs::File>,
    read: usize,
}

impl Records {
    fn next(&mut self) -> std::io::Result<[Vec<u8>; 3]> {
        self.read += 1;
        read_record(&mut self.reader)
    }

    /// Write the entries before document `until` as they were recorded.
    fn copy_until(&mut self, until: usize, w: &mut report::JsonWriter) -> std::io::Result<()> {
        while self.read < until {
            let [a, b, c] = self.next()?;
            w.entry(&[&a, &b, &c])?;
        }
        Ok(())
    }
}

/// A document entry as the map hands it over: a value for the in-memory
/// report, or its JSON (cut around the ratios) for the streamed one.
enum Entry {
    Value(Box<DocumentEntry>),
    Json([Vec<u8>; 3]),
}

/// What the reduce needs of a readable document (its entry aside).
#[derive(Debug, Clone, Copy)]
struct Info {
    fingerprint: u64,
    /// xxh3 of the normalised text: a re-read must find the same text.
    text_hash: u64,
    date: Option<crate::document::Date>,
    forwards: bool,
}

/// The scan after the map: no texts and no entries (they went to the
/// caller), only what candidate generation, verification and the families
/// need.
struct Mapped {
    entries: Vec<walk::Entry>,
    /// Positions in `entries` of the readable documents, the only ones that
    /// take part in matching; `infos` and the passage arena follow them.
    ok: Vec<usize>,
    infos: Vec<Info>,
    hashes: PassageArena,
    /// Pairs found by the reduce, as positions in `entries`.
    links: Vec<(usize, usize)>,
}

/// The map's output for a chunk of documents, in walk order: each one's
/// report entry, and what the reduce needs of it when it could be read.
type Analysed = Vec<(Entry, Option<(Info, PassageHashes)>)>;

/// Where the map sends each document's report entry, in walk order.
type EntrySink<'a> = &'a mut (dyn FnMut(Entry) -> std::io::Result<()> + Send);

/// Documents analysed at a time: their entries go to the caller, their
/// fingerprints to one arena, before the next chunk is read.
const MAP_CHUNK: usize = 4096;

/// Documents taken as far as they go without the dictionary while it loads:
/// enough to keep every other thread busy for the ~0.1 s the load takes, few
/// enough that their texts do not raise the peak memory.
fn head_len() -> usize {
    (rayon::current_num_threads() * 256).min(MAP_CHUNK)
}

/// The map: every document read and analysed (in parallel, a chunk at a
/// time); its entry goes to `put`, as JSON when `json` is set.
fn map(
    root: &Path,
    opts: &ScanOptions,
    config: &Config,
    progress: &dyn Progress,
    json: bool,
    put: EntrySink,
) -> Result<Mapped, ScanError> {
    let started = std::time::Instant::now();
    let detector = opts.white_header.then(|| Detector::new(config));
    // A document's map work in two steps: all that needs no dictionary, then
    // segmentation, fingerprint and its entry.
    let unsegmented = |e: &walk::Entry| -> Result<Unsegmented, String> {
        if let Some(why) = &e.error {
            return Err(why.clone());
        }
        let raw = read::read_file_with(&e.path, &opts.limits).map_err(|err| err.to_string())?;
        guarded(|| Unsegmented::of(&raw, opts.passages, detector.as_ref()))
    };
    let finish = |e: &walk::Entry, u: Result<Unsegmented, String>| {
        let seg = Segmenter::global();
        let (entry, kept) = match u.and_then(|u| guarded(|| u.segment(opts.method, seg))) {
            Ok(a) => {
                let (entry, info, hashes) = keep(&e.rel, a, opts.passages);
                (entry, Some((info, hashes)))
            }
            Err(why) => (document_entry(&e.rel, &Err(why)), None),
        };
        progress.advance();
        let entry = if json {
            Entry::Json(report::document_json(entry))
        } else {
            Entry::Value(Box::new(entry))
        };
        (entry, kept)
    };
    // The dictionary and the IDF table load (~0.1 s each, one thread each)
    // while the walk runs and the first chunk is taken as far as it goes
    // without them: otherwise every other thread would wait on the load.
    let (_, walked) = rayon::join(
        || rayon::join(Segmenter::global, || crate::fingerprint::idf("的")),
        || -> Result<_, WalkError> {
            let entries = walk(root, read::EXTENSIONS)?;
            progress.stage(stages::READ, Some(entries.len()));
            let head = &entries[..entries.len().min(head_len())];
            let first: Vec<Result<Unsegmented, String>> = head.par_iter().with_max_len(1).map(unsegmented).collect();
            Ok((entries, first))
        },
    );
    let (entries, first) = walked?;
    let head = first.len();
    let mut first = Some(first);
    // Per document only its entry and what candidate generation needs are
    // kept: the texts are dropped here and rebuilt by the reduce for the few
    // documents that reach verification.
    let mut mapped = Mapped {
        ok: Vec::new(),
        infos: Vec::new(),
        hashes: PassageArena::default(),
        links: Vec::new(),
        entries: Vec::new(),
    };
    let chunks = std::iter::once(&entries[..head]).chain(entries[head..].chunks(MAP_CHUNK));
    // A chunk's results are stored (entries to `put`, hashes to the arena:
    // serial, a few µs a document) while the next chunk is analysed, so the
    // other threads never wait on it.
    let mut analysed: Option<(usize, Analysed)> = None;
    let mut offset = 0;
    for chunk in chunks {
        let previous = analysed.take();
        let (stored, done) = rayon::join(
            || previous.map_or(Ok(()), |(at, done)| mapped.store(at, done, put)),
            // Split down to single documents: a thread that is done steals
            // from the other to the end of the chunk (rayon otherwise leaves
            // runs of documents that only their own thread works through).
            || -> Analysed {
                match first.take() {
                    Some(pending) => chunk
                        .par_iter()
                        .zip(pending)
                        .with_max_len(1)
                        .map(|(e, u)| finish(e, u))
                        .collect(),
                    None => chunk
                        .par_iter()
                        .with_max_len(1)
                        .map(|e| finish(e, unsegmented(e)))
                        .collect(),
                }
            },
        );
        stored?;
        analysed = Some((offset, done));
        offset += chunk.len();
    }
    if let Some((at, done)) = analysed {
        mapped.store(at, done, put)?;
    }
    mapped.entries = entries;
    if std::env::var_os("WENSHAN_TIMINGS").is_some() {
        let h = &mapped.hashes;
        eprintln!(
            "map: {:.2}s{}; passage hashes: {} windows, {} sentences, {} winnowed",
            started.elapsed().as_secs_f64(),
            reuse::memory_note(),
            h.windows.total(),
            h.sentences.total(),
            h.winnowed.total()
        );
    }
    Ok(mapped)
}

/// The report entry, the reduce's information and the passage fingerprints
/// of an analysed document. The entry has the ratios the document has when
/// nothing is copied into it.
fn keep(path: &str, a: Analyzed, passages: bool) -> (DocumentEntry, Info, PassageHashes) {
    let ratios = passages.then(|| reuse::doc_ratios(&a.text, &[], |_| String::new()));
    let entry = DocumentEntry {
        ratios,
        ..analyzed_entry(path, &a)
    };
    let info = Info {
        fingerprint: a.fingerprint.0,
        text_hash: xxh3_64(a.text.as_bytes()),
        date: a.structure.date,
        forwards: a.forwards,
    };
    (entry, info, a.passage_hashes)
}

/// Where the reduce hands reported pairs, a block at a time, with the
/// documents their positions point into.
type PairSink<'a> = &'a mut dyn FnMut(Vec<reuse::Found>, &[reuse::Meta]) -> std::io::Result<()>;

impl Mapped {
    /// Keeps a chunk's results, the chunk starting at `offset` in the walk.
    fn store(&mut self, offset: usize, done: Analysed, put: EntrySink) -> std::io::Result<()> {
        for (j, (entry, kept)) in done.into_iter().enumerate() {
            if let Some((info, hashes)) = kept {
                self.ok.push(offset + j);
                self.infos.push(info);
                self.hashes.push(&hashes);
            }
            put(entry)?;
        }
        Ok(())
    }

    fn metas(&self) -> Vec<reuse::Meta<'_>> {
        self.ok
            .iter()
            .zip(&self.infos)
            .map(|(&i, info)| reuse::Meta {
                name: &self.entries[i].rel,
                fingerprint: info.fingerprint,
                date: info.date,
                forwards: info.forwards,
            })
            .collect()
    }

    /// Rebuild a readable document's text; the file must still read as it
    /// did in the map step.
    fn loader<'a>(&'a self, opts: &'a ScanOptions) -> impl Fn(usize) -> Option<reuse::Loaded> + Sync + 'a {
        move |k: usize| reload(&self.entries[self.ok[k]].path, &opts.limits, self.infos[k].text_hash)
    }

    /// Candidates, verification and alignment: reported pairs go to `pairs`
    /// a block at a time, in order, with the documents they point into; the
    /// passage arena is dropped as it is indexed.
    fn reduce(&mut self, opts: &ScanOptions, progress: &dyn Progress, pairs: PairSink) -> Result<Reduced, ScanError> {
        let hashes = std::mem::take(&mut self.hashes);
        let metas = self.metas();
        let load = self.loader(opts);
        let mut links = Vec::new();
        let mut failed: Option<std::io::Error> = None;
        let reduced = reuse::find_streaming(&metas, hashes, &load, &reuse_options(opts), progress, &mut |found| {
            links.extend(found.iter().map(|v| (self.ok[v.a], self.ok[v.b])));
            if failed.is_none() {
                if let Err(e) = pairs(found, &metas) {
                    failed = Some(e);
                }
            }
        });
        drop((metas, load));
        self.links = links;
        match failed {
            Some(e) => Err(e.into()),
            None => Ok(reduced),
        }
    }

    /// Families of the found pairs, earliest first.
    fn families(&self) -> Vec<FamilyEntry> {
        let mut dates: Vec<Option<crate::document::Date>> = vec![None; self.entries.len()];
        for (&i, info) in self.ok.iter().zip(&self.infos) {
            dates[i] = info.date;
        }
        let rel = |i: usize| self.entries[i].rel.clone();
        cluster::families(self.entries.len(), &self.links, |i| dates[i], rel)
            .into_iter()
            .map(|members| {
                let members: Vec<String> = members.into_iter().map(rel).collect();
                FamilyEntry {
                    earliest: members[0].clone(),
                    members,
                }
            })
            .collect()
    }
}

/// An unnamed temporary file, written once and read back once; the
/// operating system removes it when it is closed, whatever ends the run
/// (error, panic, kill), so none is ever left behind.
struct Spill(std::io::BufWriter<std::fs::File>);

impl Spill {
    fn new(dir: &Path) -> std::io::Result<Spill> {
        let file = tempfile::tempfile_in(dir).or_else(|_| tempfile::tempfile())?;
        Ok(Spill(std::io::BufWriter::with_capacity(1 << 20, file)))
    }

    fn write(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        self.0.write_all(bytes)
    }

    /// Pieces with their lengths, read back by [`read_record`].
    fn record(&mut self, pieces: &[Vec<u8>; 3]) -> std::io::Result<()> {
        for p in pieces {
            self.0.write_all(&(p.len() as u64).to_le_bytes())?;
        }
        for p in pieces {
            self.0.write_all(p)?;
        }
        Ok(())
    }

    fn reader(self) -> std::io::Result<std::io::BufReader<std::fs::File>> {
        let mut file = self.0.into_inner().map_err(|e| e.into_error())?;
        file.seek(std::io::SeekFrom::Start(0))?;
        Ok(std::io::BufReader::with_capacity(1 << 20, file))
    }
}

fn read_record(r: &mut impl Read) -> std::io::Result<[Vec<u8>; 3]> {
    let mut lens = [0u8; 24];
    r.read_exact(&mut lens)?;
    let mut out: [Vec<u8>; 3] = Default::default();
    for (k, piece) in out.iter_mut().enumerate() {
        let len = u64::from_le_bytes(lens[8 * k..8 * k + 8].try_into().expect("8 bytes"));
        piece.resize(len as usize, 0);
        r.read_exact(piece)?;
    }
    Ok(out)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_streamed_json_report_is_the_in_memory_one_and_leaves_no_file() {
        let demo = Path::new("corpora/demo");
        let spill = std::env::temp_dir().join(format!("wenshan-spill-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&spill);
        std::fs::create_dir_all(&spill).unwrap();
        for passages in [true, false] {
            let opts = ScanOptions {
                passages,
                ..ScanOptions::default()
            };
            let (report, stats) = scan_with_stats(demo, &opts, &Config::default(), &Silent).unwrap();
            let scanned = scan_json(demo, &opts, &Config::default(), &Silent, &spill).unwrap();
            assert_eq!(scanned.stats(), stats);
            let mut streamed = Vec::new();
            scanned.write_json(&mut streamed).unwrap();
            assert!(
                String::from_utf8(streamed).unwrap() == report.to_json(),
                "passages {passages}"
            );
        }
        // The temporary files were never named, so nothing is left.
        assert_eq!(std::fs::read_dir(&spill).unwrap().count(), 0);
        std::fs::remove_dir_all(&spill).unwrap();
    }

    /// What a progress line would show: each stage with its step count, and
    /// the steps taken in it.
    #[derive(Default)]
    struct Recorded(std::sync::Mutex<Seen>);

    /// Stages as (name, steps announced, steps taken), and whether the run finished.
    #[derive(Default)]
    struct Seen(Vec<(String, Option<usize>, usize)>, bool);

    impl Progress for Recorded {
        fn stage(&self, name: &str, steps: Option<usize>) {
            self.0.lock().unwrap().0.push((name.to_string(), steps, 0));
        }
        fn advance(&self) {
            self.0.lock().unwrap().0.last_mut().expect("a step inside a stage").2 += 1;
        }
        fn finish(&self) {
            self.0.lock().unwrap().1 = true;
        }
    }

    #[test]
    fn every_stage_of_a_scan_is_announced_and_counted_to_its_end() {
        let demo = Path::new("corpora/demo");
        let recorded = Recorded::default();
        let scanned = scan_json(
            demo,
            &ScanOptions::default(),
            &Config::default(),
            &recorded,
            &std::env::temp_dir(),
        );
        scanned.unwrap().write_json(&mut Vec::new()).unwrap();
        let Seen(stages, finished) = recorded.0.into_inner().unwrap();
        let names: Vec<&str> = stages.iter().map(|s| s.0.as_str()).collect();
        use crate::progress::stages::*;
        assert_eq!(names, [READ, CANDIDATES, VERIFY, RATIOS, WRITE]);
        for (name, steps, taken) in &stages {
            assert_eq!(steps.unwrap_or(0), *taken, "{name}");
        }
        assert_eq!(stages[0].1, Some(75), "the demo corpus has 75 files");
        assert!(stages[2].2 > 0 && finished);
    }

    #[test]
    fn a_spill_folder_that_does_not_exist_falls_back_to_the_system_one() {
        let missing = Path::new("/nonexistent/wenshan/spill");
        let scanned = scan_json(
            Path::new("corpora/demo"),
            &ScanOptions::default(),
            &Config::default(),
            &Silent,
            missing,
        );
        assert!(scanned.is_ok());
    }
}
