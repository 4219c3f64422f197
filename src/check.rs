//! `wenshan archive add` and `wenshan check`: filling the archive, and
//! checking a draft against it before it is issued.
//!
//! `check` finds what `scan` would find for the draft over (archive ∪ draft):
//! the same fingerprint, the same Hamming radius (looked up in the
//! archive's block index instead of an in-memory one), the same text
//! verification and the same thresholds; a test holds the two to the same
//! pairs on the demo corpus.

use crate::archive::{tagged_passages, Archive, ArchiveError, NewDoc, PassageKind, Stored};
use crate::fingerprint::{weighted_fingerprint_of_text, Fingerprint, Method};
use crate::normalize::normalize;
use crate::parse::parse;
use crate::passage::{self, Keyed, PassageHashes};
use crate::read;
use crate::report::{round4, DisguisedIssuance, DocumentEntry, PairEntry, Verdict};
use crate::reuse::{self, LineMap};
use crate::rules::Detector;
use crate::scan::reuse_options;
use crate::scan::{analyze_with, Progress, ScanOptions};
use crate::segment::Segmenter;
use crate::verify::Relation;
use crate::walk::walk;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::{Duration, Instant};
use xxhash_rust::xxh3::xxh3_64;

/// Documents written per transaction at most (`WENSHAN_ARCHIVE_BATCH`
/// overrides, for the crash tests); a batch is also committed when it has
/// waited this long, so a kill loses little work.
const BATCH: usize = 1024;
const BATCH_WAIT: Duration = Duration::from_millis(1000);

fn batch_size() -> usize {
    std::env::var("WENSHAN_ARCHIVE_BATCH")
        .ok()
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(BATCH)
}

/// What `archive add` did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AddSummary {
    pub added: usize,
    pub replaced: usize,
    pub unchanged: usize,
    /// Files that could not be read, with the reason.
    pub failed: Vec<(String, String)>,
    pub seconds: f64,
}

enum Outcome {
    Unchanged,
    Failed(String, String),
    New(Box<NewDoc>),
}

/// Add files and folders to the archive: a file whose content hash is
/// already stored under its path is skipped, a changed one replaced.
/// Analysis runs in parallel; one writer thread commits batches of whole
/// documents as they come.
pub fn add(
    archive: &mut Archive,
    roots: &[PathBuf],
    opts: &ScanOptions,
    progress: &dyn Progress,
) -> Result<AddSummary, ArchiveError> {
    let started = Instant::now();
    let mut files = Vec::new();
    for root in roots {
        let entries = walk(root, read::EXTENSIONS)?;
        files.extend(entries.into_iter().map(|e| (archive.key_of(&e.path), e)));
    }
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files.dedup_by(|a, b| a.0 == b.0);
    let known = archive.content_hashes()?;
    progress.stage(crate::progress::stages::ARCHIVE, Some(files.len()));
    let mut summary = AddSummary::default();
    let batch_max = batch_size();
    let (tx, rx) = std::sync::mpsc::sync_channel::<Outcome>(batch_max * 4);
    let written = std::thread::scope(|s| {
        let writer = s.spawn(|| -> Result<(), ArchiveError> {
            let mut batch: Vec<NewDoc> = Vec::with_capacity(batch_max);
            let mut since = Instant::now();
            let mut flush = |batch: &mut Vec<NewDoc>, summary: &mut AddSummary| -> Result<(), ArchiveError> {
                if !batch.is_empty() {
                    archive.put(batch)?;
                    for d in batch.drain(..) {
                        if known.contains_key(&d.path) {
                            summary.replaced += 1;
                        } else {
                            summary.added += 1;
                        }
                        progress.advance();
                    }
                }
                Ok(())
            };
            for o in rx {
                match o {
                    Outcome::Unchanged => {
                        summary.unchanged += 1;
                        progress.advance();
                    }
                    Outcome::Failed(p, why) => {
                        summary.failed.push((p, why));
                        progress.advance();
                    }
                    Outcome::New(d) => {
                        if batch.is_empty() {
                            since = Instant::now();
                        }
                        batch.push(*d);
                    }
                }
                if batch.len() >= batch_max || (!batch.is_empty() && since.elapsed() >= BATCH_WAIT) {
                    flush(&mut batch, &mut summary)?;
                }
            }
            flush(&mut batch, &mut summary)
        });
        files.par_iter().for_each_with(tx, |tx, (key, e)| {
            let _ = tx.send(analyze_file(key, e, &known, opts));
        });
        writer.join().expect("the archive writer does not panic")
    });
    written?;
    progress.finish();
    summary.failed.sort();
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

fn analyze_file(
    key: &str,
    e: &crate::walk::Entry,
    known: &rustc_hash::FxHashMap<String, u64>,
    opts: &ScanOptions,
) -> Outcome {
    if let Some(why) = &e.error {
        return Outcome::Failed(key.to_string(), why.clone());
    }
    let bytes = match std::fs::read(&e.path) {
        Ok(b) => b,
        Err(err) => return Outcome::Failed(key.to_string(), err.to_string()),
    };
    let content_hash = xxh3_64(&bytes);
    if known.get(key) == Some(&content_hash) {
        return Outcome::Unchanged;
    }
    drop(bytes);
    let raw = match read::read_file_with(&e.path, &opts.limits) {
        Ok(r) => r,
        Err(err) => return Outcome::Failed(key.to_string(), err.to_string()),
    };
    let a = match std::panic::catch_unwind(|| analyze_with(&raw, opts.method, opts.passages, None)) {
        Ok(a) => a,
        Err(_) => {
            return Outcome::Failed(
                key.to_string(),
                "内部错误：分析该文件时程序异常，已跳过（请报告此问题）".into(),
            )
        }
    };
    let s = a.structure;
    Outcome::New(Box::new(NewDoc {
        path: key.to_string(),
        content_hash,
        simhash: a.fingerprint.0,
        chars: a.chars,
        title: s.title,
        doc_number: s.doc_number,
        issuer: s.issuer,
        genre: s.genre,
        date: s.date,
        passages: tagged_passages(&a.passage_hashes),
        text: a.text,
    }))
}

/// One archived document a draft duplicates or contains.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Match {
    /// The pair: `a` is the draft, `b` the archived document.
    #[serde(flatten)]
    pub pair: PairEntry,
    /// The archived document's metadata.
    pub archived: DocumentEntry,
    /// 现行有效 / 已废止 / 已被替代, when set.
    pub status: Option<String>,
}

/// The result for one draft.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct DraftCheck {
    pub document: DocumentEntry,
    /// Most similar first.
    pub matches: Vec<Match>,
    /// One line in Chinese.
    pub verdict: String,
    /// Whether anything was found (exit code 1).
    pub findings: bool,
}

/// The whole `check` run.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct CheckReport {
    pub tool: &'static str,
    pub version: &'static str,
    pub archive: String,
    pub archived_documents: u64,
    pub drafts: Vec<DraftCheck>,
    /// True when any draft has findings.
    pub findings: bool,
    /// Drafts that could not be read, with why: the others are still checked.
    pub unreadable: Vec<Unreadable>,
}

/// A draft that could not be checked.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Unreadable {
    pub path: String,
    pub error: String,
}

/// Check one draft's text against the archive. `key` is the draft's own
/// archive key, so a draft already archived is not reported as its own copy.
///
/// The same candidates as `scan` over (archive ∪ draft) would pair with the
/// draft — the simhash within the radius (block index), two shared passage
/// windows or a share of winnowed fingerprints (passage index), fingerprints
/// in more than [`passage::frequent_threshold`] documents left out as
/// boilerplate — verified by the same code ([`reuse::find_among`]).
pub fn check_text(
    archive: &Archive,
    raw: &str,
    display: &str,
    key: Option<&str>,
    opts: &ScanOptions,
    detector: Option<&Detector>,
) -> Result<DraftCheck, ArchiveError> {
    let norm = normalize(raw);
    let structure = parse(&norm.line_texts());
    let disguised = detector.map(|d| d.assess(&norm, &structure));
    let text = norm.text();
    let fingerprint = match opts.method {
        Method::Weighted => weighted_fingerprint_of_text(&text),
        m => m.fingerprint(&Segmenter::global().content_tokens(&text)),
    };
    let keyed = if opts.passages {
        Keyed::of(&text)
    } else {
        Keyed::default()
    };
    let hashes = if opts.passages {
        keyed.fingerprints()
    } else {
        PassageHashes::default()
    };
    let self_id = match key {
        Some(k) => archive.id_of_path(k)?,
        None => None,
    };
    let threshold = passage::frequent_threshold(archive.count()? as usize - usize::from(self_id.is_some()) + 1);
    // Documents holding a fingerprint, the draft's own archived copy left out;
    // `None` when the fingerprint is frequent in archive ∪ draft.
    let posting = |h: u64, kind: PassageKind| -> Result<Option<Vec<i64>>, ArchiveError> {
        let mut docs = archive.posting(kind.tag(h), threshold + 2)?;
        docs.retain(|&d| Some(d) != self_id);
        Ok((docs.len() < threshold).then_some(docs))
    };
    let mut cands: BTreeMap<i64, u32> = archive
        .simhash_candidates(fingerprint.0, opts.radius)?
        .into_iter()
        .filter(|&(id, _)| Some(id) != self_id)
        .collect();
    let mut frequent = reuse::Frequent::default();
    if opts.passages {
        let mut windows: BTreeMap<i64, u32> = BTreeMap::new();
        for &h in &hashes.windows {
            match posting(h, PassageKind::Window)? {
                Some(docs) => docs.into_iter().for_each(|d| *windows.entry(d).or_default() += 1),
                None => {
                    frequent.windows.insert(h);
                }
            }
        }
        let mut winnowed: BTreeMap<i64, u32> = BTreeMap::new();
        for &h in &hashes.winnowed {
            match posting(h, PassageKind::Winnowed)? {
                Some(docs) => docs.into_iter().for_each(|d| *winnowed.entry(d).or_default() += 1),
                None => {
                    frequent.winnowed.insert(h);
                }
            }
        }
        let mut extra: Vec<i64> = windows
            .into_iter()
            .filter(|&(_, n)| n >= reuse::MIN_SHARED_WINDOWS)
            .map(|(d, _)| d)
            .collect();
        for (d, n) in winnowed {
            if n < reuse::MIN_SHARED_WINNOWED {
                continue;
            }
            let theirs = archive
                .passages(d)?
                .into_iter()
                .filter(|&h| PassageKind::of(h) == Some(PassageKind::Winnowed))
                .count();
            let smaller = hashes.winnowed.len().min(theirs);
            if n as f64 >= reuse::WINNOWED_SHARE * smaller as f64 {
                extra.push(d);
            }
        }
        for d in extra {
            if let std::collections::btree_map::Entry::Vacant(e) = cands.entry(d) {
                let Some(s) = archive.get(d)? else { continue };
                e.insert((s.simhash ^ fingerprint.0).count_ones());
            }
        }
    }

    // The candidates as the reduce step sees them: analysed from their stored text.
    struct Cand {
        stored: Stored,
        text: String,
        keyed: Keyed,
        hashes: PassageHashes,
        lines: LineMap,
        forwards: bool,
        hamming: u32,
    }
    let mut loaded = Vec::with_capacity(cands.len());
    for (&id, &hamming) in &cands {
        let Some(stored) = archive.get(id)? else { continue };
        let text = archive.text(id)?;
        let keyed = if opts.passages {
            Keyed::of(&text)
        } else {
            Keyed::default()
        };
        let hashes = if opts.passages {
            keyed.fingerprints()
        } else {
            PassageHashes::default()
        };
        loaded.push(Cand {
            lines: LineMap::of(&normalize(&text)),
            forwards: reuse::is_forwarding_notice(stored.title.as_deref(), &text),
            stored,
            text,
            keyed,
            hashes,
            hamming,
        });
    }
    if opts.passages && opts.boilerplate {
        // Frequent sentences mark boilerplate inside the texts compared.
        let mut sentences: Vec<u64> = hashes.sentences.clone();
        for c in &loaded {
            sentences.extend(&c.hashes.sentences);
        }
        sentences.sort_unstable();
        sentences.dedup();
        let mine: rustc_hash::FxHashSet<u64> = hashes.sentences.iter().copied().collect();
        for h in sentences {
            let mut docs = archive.posting(PassageKind::Sentence.tag(h), threshold + 2)?;
            docs.retain(|&d| Some(d) != self_id);
            if docs.len() + usize::from(mine.contains(&h)) > threshold {
                frequent.sentences.insert(h);
            }
        }
    }
    let lines = LineMap::of(&norm);
    let forwards = reuse::is_forwarding_notice(structure.title.as_deref(), &text);
    let mut docs = vec![reuse::Doc {
        name: display,
        text: &text,
        fingerprint: fingerprint.0,
        hashes: &hashes,
        keyed: &keyed,
        lines: &lines,
        date: structure.date,
        forwards,
    }];
    docs.extend(loaded.iter().map(|c| reuse::Doc {
        name: &c.stored.path,
        text: &c.text,
        fingerprint: c.stored.simhash,
        hashes: &c.hashes,
        keyed: &c.keyed,
        lines: &c.lines,
        date: c.stored.date,
        forwards: c.forwards,
    }));
    let pairs: BTreeMap<(usize, usize), u32> = loaded
        .iter()
        .enumerate()
        .map(|(i, c)| ((0, i + 1), c.hamming))
        .collect();
    let found = reuse::find_among(&docs, pairs, &frequent, &reuse_options(opts));
    let mut matches: Vec<Match> = found
        .into_iter()
        .map(|f| {
            let stored = &loaded[f.b - 1].stored;
            Match {
                pair: PairEntry {
                    a: display.to_string(),
                    b: stored.path.clone(),
                    hamming: f.hamming,
                    similarity: round4(f.overlap.jaccard()),
                    containment_a_in_b: round4(f.overlap.a_in_b()),
                    containment_b_in_a: round4(f.overlap.b_in_a()),
                    relation: f.relation,
                    passages: f.passages,
                    changes: f.changes,
                    shared_chars: f.shared_chars,
                },
                archived: stored.entry(),
                status: stored.status.clone(),
            }
        })
        .collect();
    matches.sort_by(|x, y| {
        y.pair
            .similarity
            .total_cmp(&x.pair.similarity)
            .then_with(|| x.pair.b.cmp(&y.pair.b))
    });
    let document = DocumentEntry {
        path: display.to_string(),
        title: structure.title.clone(),
        genre: structure.genre,
        doc_number: structure.doc_number.clone(),
        issuer: structure.issuer.clone(),
        date: structure.date,
        chars: text.chars().filter(|c| *c != '\n').count(),
        simhash: Some(fingerprint),
        error: None,
        ratios: None,
        disguised_issuance: disguised,
    };
    let (verdict, findings) = verdict(&matches, document.disguised_issuance.as_ref());
    Ok(DraftCheck {
        document,
        matches,
        verdict,
        findings,
    })
}

fn cite(m: &Match) -> String {
    let title = m.archived.title.as_deref().unwrap_or(&m.pair.b);
    match &m.archived.doc_number {
        Some(n) => format!("《{title}》（{n}）"),
        None => format!("《{title}》"),
    }
}

/// The one-line verdict, and whether there are findings.
fn verdict(matches: &[Match], disguised: Option<&DisguisedIssuance>) -> (String, bool) {
    // A forwarding notice (转发) carries the other document by design: shown, not a finding.
    let forwarded: Vec<&Match> = matches
        .iter()
        .filter(|m| m.pair.relation == Relation::Forwarding)
        .collect();
    let matches: Vec<&Match> = matches
        .iter()
        .filter(|m| m.pair.relation != Relation::Forwarding)
        .collect();
    let in_force = matches
        .iter()
        .copied()
        .find(|m| m.status.as_deref().is_none_or(|s| s == "现行有效"));
    let mut parts = Vec::new();
    if let Some(m) = in_force {
        let known = m.status.is_some();
        let what = match m.pair.relation {
            Relation::Containment if m.pair.containment_b_in_a >= m.pair.containment_a_in_b => {
                "大段重复（本稿包含其内容）"
            }
            Relation::Containment => "大段重复（本稿内容已包含在其中）",
            Relation::Reissue => "雷同（仅改换日期、层级或数字）",
            Relation::Forwarding => "存在转发关系",
            _ => "重复",
        };
        parts.push(format!(
            "不建议印发：本稿与{}文件{}{}{}（凡是现行文件规定仍然适用的，不再重复发文）",
            if known { "现行有效" } else { "已发" },
            cite(m),
            if matches.len() > 1 {
                format!("等 {} 份文件", matches.len())
            } else {
                String::new()
            },
            what
        ));
    } else if let Some(m) = matches.first() {
        parts.push(format!(
            "本稿与{}文件{}相似：请确认本稿是替代该文件的新规定，并在文中写明废止或替代关系",
            m.status.as_deref().unwrap_or(""),
            cite(m)
        ));
    }
    if let Some(d) = disguised {
        match d.verdict {
            Verdict::Likely => parts.push(format!("高度疑似变相发文（红头转白头，得分 {}）", d.score)),
            Verdict::Review => parts.push(format!("变相发文风险建议复核（得分 {}）", d.score)),
            Verdict::Unlikely => {}
        }
    }
    if parts.is_empty() {
        let note = forwarded
            .first()
            .map(|m| format!("（本稿转发{}，属正常转发）", cite(m)))
            .unwrap_or_default();
        (format!("结论：未发现重复发文或变相发文，可以印发{note}"), false)
    } else {
        (format!("结论：{}", parts.join("；")), true)
    }
}

/// Drafts named on the command line, with folders expanded to the files
/// `scan` would read in them (sorted, hidden files skipped); what cannot be
/// walked goes to `unreadable`.
fn expand(drafts: &[PathBuf], unreadable: &mut Vec<Unreadable>) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for p in drafts {
        if !p.is_dir() {
            out.push(p.clone());
            continue;
        }
        match crate::walk::walk(p, read::EXTENSIONS) {
            Ok(entries) => {
                for e in entries {
                    match e.error {
                        Some(why) => unreadable.push(Unreadable {
                            path: e.path.to_string_lossy().into_owned(),
                            error: why,
                        }),
                        None => out.push(e.path),
                    }
                }
            }
            Err(err) => unreadable.push(Unreadable {
                path: p.to_string_lossy().into_owned(),
                error: err.to_string(),
            }),
        }
    }
    out
}

pub fn check_files(
    archive: &Archive,
    drafts: &[PathBuf],
    opts: &ScanOptions,
    detector: Option<&Detector>,
) -> Result<CheckReport, anyhow::Error> {
    // A draft that cannot be read is listed and the others are checked: one
    // bad file must not hide the findings of the rest of a batch.
    let mut out = Vec::new();
    let mut unreadable = Vec::new();
    let files = expand(drafts, &mut unreadable);
    if files.is_empty() && unreadable.is_empty() {
        anyhow::bail!(
            "未找到可检查的草稿（支持 {}）",
            read::EXTENSIONS
                .iter()
                .map(|e| format!(".{e}"))
                .collect::<Vec<_>>()
                .join(" ")
        );
    }
    for p in &files {
        let raw = match read::read_file_with(p, &opts.limits) {
            Ok(raw) => raw,
            Err(e) => {
                unreadable.push(Unreadable {
                    path: p.to_string_lossy().into_owned(),
                    error: e.to_string(),
                });
                continue;
            }
        };
        let key = archive.key_of(p);
        out.push(check_text(
            archive,
            &raw,
            &p.to_string_lossy(),
            Some(&key),
            opts,
            detector,
        )?);
    }
    Ok(CheckReport {
        tool: "wenshan",
        version: env!("CARGO_PKG_VERSION"),
        archive: archive.dir().to_string_lossy().into_owned(),
        archived_documents: archive.count()?,
        findings: out.iter().any(|d| d.findings),
        drafts: out,
        unreadable,
    })
}

fn pct(x: f64) -> String {
    format!("{:.1}%", x * 100.0)
}

impl CheckReport {
    pub fn to_json(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a check report always serialises");
        s.push('\n');
        s
    }

    pub fn to_terminal(&self) -> String {
        use std::fmt::Write;
        let mut t = String::new();
        let _ = writeln!(t, "档案库 {}（{} 份文件）", self.archive, self.archived_documents);
        for d in &self.drafts {
            let doc = &d.document;
            let _ = writeln!(t, "\n草稿：{}", doc.path);
            let _ = writeln!(
                t,
                "  标题：{}  文号：{}  日期：{}",
                doc.title.as_deref().unwrap_or("—"),
                doc.doc_number.as_deref().unwrap_or("—"),
                doc.date.map_or("—".to_string(), |x| x.to_string())
            );
            if d.matches.is_empty() {
                let _ = writeln!(t, "  重复发文：档案库中未见相似或包含关系的文件");
            } else {
                let _ = writeln!(t, "  重复发文：{} 份档案文件与本稿相似或存在包含关系", d.matches.len());
                for (i, m) in d.matches.iter().enumerate() {
                    let a = &m.archived;
                    let _ = writeln!(
                        t,
                        "  {}. [{}] {}",
                        i + 1,
                        m.status.as_deref().unwrap_or("状态未登记"),
                        m.pair.b
                    );
                    let _ = writeln!(
                        t,
                        "     {}  文号 {}  日期 {}",
                        a.title.as_deref().unwrap_or("（无标题）"),
                        a.doc_number.as_deref().unwrap_or("—"),
                        a.date.map_or("—".to_string(), |x| x.to_string())
                    );
                    let _ = writeln!(
                        t,
                        "     关系：{}  相似度 {}  本稿在其中 {}  其在本稿中 {}",
                        m.pair.relation.name_zh(),
                        pct(m.pair.similarity),
                        pct(m.pair.containment_a_in_b),
                        pct(m.pair.containment_b_in_a)
                    );
                    // The pair is (draft, archived): a change reads archived → draft.
                    for c in &m.pair.changes {
                        let _ = writeln!(t, "     改动（档案 → 本稿）：{} → {}", c.to, c.from);
                    }
                    for p in m.pair.passages.iter().take(3) {
                        let text: String = p
                            .text
                            .chars()
                            .map(|c| if c == '\n' { ' ' } else { c })
                            .take(60)
                            .collect();
                        let _ = writeln!(
                            t,
                            "     相同段落（本稿第 {} 行，档案第 {} 行）：{text}",
                            p.a_line, p.b_line
                        );
                    }
                }
            }
            match &doc.disguised_issuance {
                Some(di) => {
                    let _ = writeln!(
                        t,
                        "  变相发文（红头转白头）：{}（得分 {}，载体 {}）",
                        di.verdict.name_zh(),
                        di.score,
                        di.carrier
                    );
                    // The strongest evidence first; the JSON carries all of it.
                    let mut shown: Vec<_> = di.findings.iter().filter(|f| f.weight > 0).collect();
                    shown.sort_by_key(|f| (std::cmp::Reverse(f.weight), f.line, f.column));
                    const SHOWN: usize = 8;
                    for f in shown.iter().take(SHOWN) {
                        let _ = writeln!(t, "     {} 第 {} 行：{}（{}）", f.rule, f.line, f.message, f.text);
                    }
                    if shown.len() > SHOWN {
                        let _ = writeln!(t, "     ……另有 {} 处（--format json 列出全部）", shown.len() - SHOWN);
                    }
                }
                None => {
                    let _ = writeln!(t, "  变相发文（红头转白头）：未检查");
                }
            }
            let _ = writeln!(t, "  {}", d.verdict);
        }
        if !self.unreadable.is_empty() {
            let _ = writeln!(t, "\n无法检查的草稿（未读取，请处理后重新检查）：");
            for u in &self.unreadable {
                let _ = writeln!(t, "  {}：{}", u.path, u.error);
            }
        }
        t
    }
}

/// The fingerprint `check` computes for a draft text (for tests and tools).
pub fn draft_fingerprint(raw: &str) -> Fingerprint {
    weighted_fingerprint_of_text(&normalize(raw).text())
}

/// What `archive gen` built.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Generated {
    pub documents: u64,
    /// Paths of the near-duplicates of the draft that a check must find.
    pub planted: Vec<String>,
    pub seconds: f64,
}

struct Rng(u64);
impl Rng {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[(self.next() % xs.len() as u64) as usize]
    }
}

const GEN_ISSUERS: &[&str] = &[
    "青禾县人民政府办公室",
    "青禾县教育局",
    "青禾县农业农村局",
    "青禾县应急管理局",
    "青禾县住房和城乡建设局",
    "柳溪镇人民政府",
    "白石县卫生健康局",
    "青禾县财政局",
];
const GEN_TOPICS: &[&str] = &[
    "做好防汛抗旱",
    "加强安全生产",
    "推进政务公开",
    "开展爱国卫生运动",
    "做好秋冬季森林防火",
    "加强校园安全管理",
    "推进高标准农田建设",
    "开展燃气安全隐患排查",
    "做好寒假期间学生安全",
    "规范财政资金管理",
];
const GEN_PHRASES: &[&str] = &[
    "各乡镇人民政府、县直各部门要高度重视",
    "切实加强组织领导，压实工作责任",
    "严格落实属地管理责任和部门监管责任",
    "建立健全工作台账，实行清单化管理",
    "加强督促检查，确保各项措施落到实处",
    "对工作不力、造成严重后果的，依规依纪严肃追责问责",
    "请于每月五日前将工作进展情况报送县指挥部办公室",
    "广泛开展宣传教育，提高群众的防范意识和能力",
    "统筹做好资金保障，加大投入力度",
    "强化部门协同，形成工作合力",
    "各单位要结合实际制定具体实施方案",
    "认真梳理排查风险隐患，做到早发现早处置",
];

/// Build a synthetic archive of `docs` documents quickly: random simhashes,
/// realistic metadata and short texts, random passage hashes; plus `planted`
/// near-duplicates of `draft` (its text with a few characters changed, real
/// fingerprints), whose paths are returned so a check can be validated.
pub fn generate(
    archive: &mut Archive,
    docs: u64,
    draft: Option<&str>,
    planted: usize,
    seed: u64,
) -> Result<Generated, ArchiveError> {
    let started = Instant::now();
    let mut rng = Rng(seed | 1);
    let mut out = Generated::default();
    let mut plants = Vec::new();
    if let Some(raw) = draft {
        let text = normalize(raw).text();
        let chars: Vec<char> = text.chars().collect();
        for i in 0..planted {
            // Change one character in every 60 to 160 (a light edit).
            let step = 60 + (i * 13) % 100;
            let edited: String = chars
                .iter()
                .enumerate()
                .map(|(j, &c)| if j % step == step / 2 && c != '\n' { '某' } else { c })
                .collect();
            let a = analyze_with(&edited, Method::Weighted, true, None);
            let path = format!(
                "planted/{:03}-{}.txt",
                i,
                a.structure.title.as_deref().unwrap_or("草稿近似件")
            );
            out.planted.push(path.clone());
            plants.push(NewDoc {
                path,
                content_hash: xxh3_64(edited.as_bytes()),
                simhash: a.fingerprint.0,
                chars: a.chars,
                title: a.structure.title,
                doc_number: a.structure.doc_number,
                issuer: a.structure.issuer,
                genre: a.structure.genre,
                date: a.structure.date,
                passages: tagged_passages(&a.passage_hashes),
                text: a.text,
            });
        }
    }
    out.documents += archive.bulk_insert(plants.into_iter())?;
    const CHUNK: u64 = 100_000;
    let mut made = 0;
    while made < docs {
        let n = CHUNK.min(docs - made);
        let batch: Vec<NewDoc> = (made..made + n).map(|i| synthetic(&mut rng, i)).collect();
        out.documents += archive.bulk_insert(batch.into_iter())?;
        made += n;
    }
    archive.checkpoint()?;
    out.seconds = started.elapsed().as_secs_f64();
    Ok(out)
}

fn synthetic(rng: &mut Rng, i: u64) -> NewDoc {
    let issuer = rng.pick(GEN_ISSUERS);
    let topic = rng.pick(GEN_TOPICS);
    let year = 2015 + rng.next() % 11;
    let title = format!("关于{topic}工作的通知");
    let mut text = format!("{title}\n各有关单位：\n");
    for _ in 0..6 {
        text.push_str(rng.pick(GEN_PHRASES));
        text.push_str(&format!("，第{}项。\n", rng.next() % 1000));
    }
    text.push_str(&format!(
        "{issuer}\n{year}年{}月{}日\n",
        1 + rng.next() % 12,
        1 + rng.next() % 28
    ));
    // As many passage fingerprints as a short notice has: windows, sentences, winnowed.
    let kinds = [PassageKind::Window, PassageKind::Sentence, PassageKind::Winnowed];
    let mut passages: Vec<u64> = (0..24).map(|i| kinds[i % 3].tag(rng.next())).collect();
    passages.sort_unstable();
    NewDoc {
        path: format!("{year}/{issuer}-{title}-{i:07}.txt"),
        content_hash: rng.next(),
        simhash: rng.next(),
        chars: text.chars().count(),
        doc_number: Some(format!("青政办发〔{year}〕{}号", 1 + rng.next() % 200)),
        issuer: Some(issuer.to_string()),
        genre: Some(crate::Genre::Circular),
        date: crate::Date::new(year as u16, (1 + rng.next() % 12) as u8, (1 + rng.next() % 28) as u8),
        title: Some(title),
        passages,
        text,
    }
}
