//! Beyond one machine: `wenshan fingerprint` exports what candidate generation
//! needs as JSON lines, a distributed engine joins them (equal block keys,
//! equal passage hashes), and `wenshan verify` checks the joined pairs on the
//! texts with the code `scan` uses. See the README for the recipe.
//!
//! Rows of `wenshan fingerprint --format jsonl`:
//!
//! ```text
//! {"kind":"document","path":…,"simhash":"hex16","hi":u32,"lo":u32,"windows":n,"winnowed":n,"keys":["b:v",…],"probes":["b:v",…]}
//! {"kind":"passage","path":…,"set":"window"|"winnowed"|"sentence","hash":"hex16"}
//! {"kind":"corpus","documents":n,"radius":k,"blocks":m,"frequent_threshold":t,"posting_threshold":p}   (last)
//! ```

use crate::index::{block_count, join_keys};
use crate::passage::{self, PassageHashes};
use crate::read;
use crate::report::PairEntry;
use crate::reuse::{self, Meta};
use crate::scan::{analyze_guarded, pair_entry, reload, reuse_options, ScanError, ScanOptions};
use crate::walk::{walk, Entry};
use rayon::prelude::*;
use rustc_hash::FxHashSet;
use std::collections::HashMap;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::Path;
use xxhash_rust::xxh3::xxh3_64;

/// Documents analysed per batch: rows are written in walk order, and only a
/// batch of analyses is in memory.
const BATCH: usize = 4096;

#[derive(Debug, thiserror::Error)]
pub enum DistributedError {
    #[error(transparent)]
    Scan(#[from] ScanError),
    #[error(transparent)]
    Walk(#[from] crate::walk::WalkError),
    #[error("{0}")]
    Io(#[from] io::Error),
    #[error("第 {line} 行格式错误：{why}")]
    Line { line: usize, why: String },
}

/// What matching needs of one readable document.
struct Summary {
    fingerprint: u64,
    hashes: PassageHashes,
    date: Option<crate::Date>,
    forwards: bool,
    text_hash: u64,
}

fn summarise(e: &Entry, opts: &ScanOptions) -> Option<Summary> {
    if e.error.is_some() {
        return None;
    }
    let raw = read::read_file_with(&e.path, &opts.limits).ok()?;
    let a = analyze_guarded(&raw, opts, None).ok()?;
    Some(Summary {
        fingerprint: a.fingerprint.0,
        text_hash: xxh3_64(a.text.as_bytes()),
        hashes: a.passage_hashes,
        date: a.structure.date,
        forwards: a.forwards,
    })
}

/// Write the fingerprint rows of every readable document under `root`.
pub fn fingerprint(root: &Path, opts: &ScanOptions, out: &mut dyn Write) -> Result<(), DistributedError> {
    let entries = walk(root, read::EXTENSIONS)?;
    let m = block_count(opts.radius.min(63), entries.len());
    let mut readable = 0;
    for batch in entries.chunks(BATCH) {
        let rows: Vec<String> = batch
            .par_iter()
            .map(|e| summarise(e, opts).map_or_else(String::new, |s| rows(&e.rel, &s, opts.radius, m)))
            .collect();
        for r in rows.iter().filter(|r| !r.is_empty()) {
            readable += 1;
            out.write_all(r.as_bytes())?;
        }
    }
    writeln!(
        out,
        "{{\"kind\":\"corpus\",\"documents\":{readable},\"radius\":{},\"blocks\":{m},\"frequent_threshold\":{},\"posting_threshold\":{}}}",
        opts.radius,
        passage::frequent_threshold(readable),
        passage::posting_threshold(readable)
    )?;
    out.flush()?;
    Ok(())
}

fn rows(path: &str, s: &Summary, radius: u32, m: u32) -> String {
    let path = serde_json::to_string(path).expect("a string serialises");
    let (keys, probes) = join_keys(s.fingerprint, radius, m);
    let list = |v: &[String]| serde_json::to_string(v).expect("strings serialise");
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{{\"kind\":\"document\",\"path\":{path},\"simhash\":\"{:016x}\",\"hi\":{},\"lo\":{},\"windows\":{},\"winnowed\":{},\"keys\":{},\"probes\":{}}}",
        s.fingerprint,
        s.fingerprint >> 32,
        s.fingerprint & 0xffff_ffff,
        s.hashes.windows.len(),
        s.hashes.winnowed.len(),
        list(&keys),
        list(&probes)
    );
    for (set, hashes) in [
        ("window", &s.hashes.windows),
        ("winnowed", &s.hashes.winnowed),
        ("sentence", &s.hashes.sentences),
    ] {
        for h in hashes {
            let _ = writeln!(
                out,
                "{{\"kind\":\"passage\",\"path\":{path},\"set\":\"{set}\",\"hash\":\"{h:016x}\"}}"
            );
        }
    }
    out
}

/// Read `{"a": path, "b": path}` lines (other fields ignored).
pub fn read_pairs(text: &str) -> Result<Vec<(String, String)>, DistributedError> {
    #[derive(serde::Deserialize)]
    struct Pair {
        a: String,
        b: String,
    }
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str::<Pair>(l)
                .map(|p| (p.a, p.b))
                .map_err(|e| DistributedError::Line {
                    line: i + 1,
                    why: e.to_string(),
                })
        })
        .collect()
}

/// Read frequent sentence hashes: lines `{"hash": "hex16"}`.
pub fn read_hashes(text: &str) -> Result<FxHashSet<u64>, DistributedError> {
    #[derive(serde::Deserialize)]
    struct Row {
        hash: String,
    }
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            let bad = |why: String| DistributedError::Line { line: i + 1, why };
            let row: Row = serde_json::from_str(l).map_err(|e| bad(e.to_string()))?;
            u64::from_str_radix(&row.hash, 16).map_err(|e| bad(e.to_string()))
        })
        .collect()
}

/// Verify `pairs` (paths relative to `root`) as `scan` would, and return the
/// reported ones as report entries (sorted, `a < b`). `frequent` are the
/// collection's frequent sentence hashes; without them every document under
/// `root` is read once to count them, as `scan` does.
/// What `verify` found: the reported pairs, and the documents named in the
/// pairs that are not under the root or could not be read (their pairs were
/// not verified).
pub struct Verified {
    pub pairs: Vec<PairEntry>,
    pub skipped: Vec<String>,
}

pub fn verify(
    root: &Path,
    pairs: &[(String, String)],
    frequent: Option<FxHashSet<u64>>,
    opts: &ScanOptions,
) -> Result<Verified, DistributedError> {
    let entries = walk(root, read::EXTENSIONS)?;
    let frequent = match frequent {
        Some(f) => f,
        None => {
            let sentences: Vec<Option<Vec<u64>>> = entries
                .par_iter()
                .map(|e| summarise(e, opts).map(|s| s.hashes.sentences))
                .collect();
            let readable: Vec<&[u64]> = sentences.iter().flatten().map(Vec::as_slice).collect();
            passage::frequent(readable.iter().copied(), passage::frequent_threshold(readable.len()))
        }
    };
    // Only the documents named in pairs, in walk (path) order as in a scan.
    let named: FxHashSet<&str> = pairs.iter().flat_map(|(a, b)| [a.as_str(), b.as_str()]).collect();
    let involved: Vec<&Entry> = entries.iter().filter(|e| named.contains(e.rel.as_str())).collect();
    let summaries: Vec<Option<Summary>> = involved.par_iter().map(|e| summarise(e, opts)).collect();
    let ok: Vec<usize> = (0..involved.len()).filter(|&i| summaries[i].is_some()).collect();
    let metas: Vec<Meta> = ok
        .iter()
        .filter_map(|&i| {
            let s = summaries[i].as_ref()?;
            Some(Meta {
                name: &involved[i].rel,
                fingerprint: s.fingerprint,
                date: s.date,
                forwards: s.forwards,
            })
        })
        .collect();
    let position: HashMap<&str, usize> = metas.iter().enumerate().map(|(k, m)| (m.name, k)).collect();
    let wanted: Vec<(usize, usize)> = pairs
        .iter()
        .filter_map(|(a, b)| Some((*position.get(a.as_str())?, *position.get(b.as_str())?)))
        .collect();
    let load = |k: usize| {
        let i = ok[k];
        reload(&involved[i].path, &opts.limits, summaries[i].as_ref()?.text_hash)
    };
    let found = reuse::verify_pairs(&metas, &wanted, &load, frequent, &reuse_options(opts));
    let mut skipped: Vec<String> = named
        .iter()
        .filter(|n| !position.contains_key(*n))
        .map(|n| n.to_string())
        .collect();
    skipped.sort();
    Ok(Verified {
        pairs: found
            .into_iter()
            .map(|f| {
                let (a, b) = (metas[f.a].name, metas[f.b].name);
                pair_entry(f, a, b)
            })
            .collect(),
        skipped,
    })
}
