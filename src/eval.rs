//! `wenshan eval redundancy`: precision and recall of near-duplicate detection
//! against an exact oracle (the `pairs.jsonl` format of `../shared/real`), for
//! our method and the baselines, timed in the same run.

use crate::config::Config;
use crate::fingerprint::Method;
use crate::normalize::comparison_key;
use crate::read;
use crate::scan::{analyze_with, scan, scan_with_stats, ScanOptions, Silent};
use crate::walk::walk;
use rayon::prelude::*;
use serde::Deserialize;
use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::path::Path;
use std::time::{Duration, Instant};

#[derive(Debug, thiserror::Error)]
pub enum EvalError {
    #[error("无法读取标注文件 {path}：{source}")]
    Oracle { path: String, source: std::io::Error },
    #[error("标注文件 {path} 第 {line} 行格式错误：{source}")]
    OracleLine {
        path: String,
        line: usize,
        source: serde_json::Error,
    },
    #[error(transparent)]
    Scan(#[from] crate::scan::ScanError),
    #[error(transparent)]
    Walk(#[from] crate::walk::WalkError),
}

/// One line of the oracle.
#[derive(Debug, Clone, Deserialize)]
pub struct OraclePair {
    pub a: String,
    pub b: String,
    pub jaccard: f64,
    pub contain_a_in_b: f64,
    pub contain_b_in_a: f64,
}

pub fn load_oracle(path: &Path) -> Result<Vec<OraclePair>, EvalError> {
    read_jsonl(path)
}

/// Every non-blank line of a jsonl file (oracle, labels), parsed; errors
/// name the file and the line.
pub fn read_jsonl<T: serde::de::DeserializeOwned>(path: &Path) -> Result<Vec<T>, EvalError> {
    let p = path.display().to_string();
    let text = std::fs::read_to_string(path).map_err(|source| EvalError::Oracle {
        path: p.clone(),
        source,
    })?;
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            serde_json::from_str(l).map_err(|source| EvalError::OracleLine {
                path: p.clone(),
                line: i + 1,
                source,
            })
        })
        .collect()
}

type PairSet = BTreeSet<(String, String)>;

fn ordered(a: &str, b: &str) -> (String, String) {
    if a <= b {
        (a.to_string(), b.to_string())
    } else {
        (b.to_string(), a.to_string())
    }
}

/// Document id: the file name without its extension (the oracle's ids).
fn doc_id(rel: &str) -> &str {
    let name = rel.rsplit('/').next().unwrap_or(rel);
    name.rsplit_once('.').map_or(name, |(stem, _)| stem)
}

/// Precision, recall and F1 of a predicted set against the truth.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Score {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
}

impl Score {
    pub fn of(predicted: &PairSet, truth: &PairSet) -> Score {
        let tp = predicted.intersection(truth).count();
        Score {
            tp,
            fp: predicted.len() - tp,
            fn_: truth.len() - tp,
        }
    }
    pub fn precision(&self) -> f64 {
        if self.tp + self.fp == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fp) as f64
        }
    }
    pub fn recall(&self) -> f64 {
        if self.tp + self.fn_ == 0 {
            1.0
        } else {
            self.tp as f64 / (self.tp + self.fn_) as f64
        }
    }
    pub fn f1(&self) -> f64 {
        let (p, r) = (self.precision(), self.recall());
        if p + r == 0.0 {
            0.0
        } else {
            2.0 * p * r / (p + r)
        }
    }
}

/// One detector's run.
#[derive(Debug, Clone)]
pub struct MethodRun {
    pub name: String,
    pub predicted: PairSet,
    pub elapsed: Duration,
}

/// Our pipeline (`wenshan scan`) with a given fingerprint method.
pub fn run_scan(docs: &Path, opts: &ScanOptions) -> Result<MethodRun, EvalError> {
    let t = Instant::now();
    let report = scan(docs, opts, &Silent)?;
    let elapsed = t.elapsed();
    let predicted = report
        .pairs
        .iter()
        .filter(|p| p.similarity >= opts.thresholds.similarity)
        .map(|p| ordered(doc_id(&p.a), doc_id(&p.b)))
        .collect();
    Ok(MethodRun {
        name: format!("{} (k≤{})", opts.method.name(), opts.radius),
        predicted,
        elapsed,
    })
}

/// The MinHash LSH baseline with the `gaoya` crate: character 5-grams of the
/// same comparison text, 128 hashes, banding tuned for threshold 0.8, pairs
/// kept when the MinHash estimate is ≥ 0.8 (the baseline as specified: no
/// exact verification).
pub fn run_gaoya(docs: &Path, threshold: f64) -> Result<MethodRun, EvalError> {
    use gaoya::minhash::{calculate_minhash_params, MinHashIndex, MinHasher, MinHasher32};
    let t = Instant::now();
    let entries = walk(docs, read::EXTENSIONS)?;
    let (bands, rows) = calculate_minhash_params(threshold, 128);
    let hasher = MinHasher32::new(bands * rows);
    let signed: Vec<(u32, Vec<u32>)> = entries
        .par_iter()
        .enumerate()
        .filter_map(|(i, e)| {
            let raw = read::read_file(&e.path).ok()?;
            let key: Vec<char> = comparison_key(&raw).chars().collect();
            let grams: Vec<String> = key.windows(5).map(|w| w.iter().collect()).collect();
            Some((i as u32, hasher.create_signature(grams.iter())))
        })
        .collect();
    let mut index: MinHashIndex<u32, u32> = MinHashIndex::new(bands, rows, threshold);
    index.par_bulk_insert_pairs(signed.clone());
    let sigs: Vec<Vec<u32>> = signed.iter().map(|s| s.1.clone()).collect();
    let found = index.par_bulk_query_return_similarity(&sigs);
    let mut predicted = PairSet::new();
    for ((i, _), hits) in signed.iter().zip(found) {
        for (j, sim) in hits {
            if j != *i && sim >= threshold {
                predicted.insert(ordered(
                    doc_id(&entries[*i as usize].rel),
                    doc_id(&entries[j as usize].rel),
                ));
            }
        }
    }
    Ok(MethodRun {
        name: "gaoya MinHash LSH (128)".into(),
        predicted,
        elapsed: t.elapsed(),
    })
}

/// For each fingerprint method and radius: how many oracle near-duplicates
/// fall within the radius (candidate recall) and how many pairs must be
/// verified. This is the measurement behind the default method and radius.
pub fn radius_sweep(docs: &Path, truth: &PairSet, radii: &[u32]) -> Result<String, EvalError> {
    let entries = walk(docs, read::EXTENSIONS)?;
    let texts: Vec<(String, String)> = entries
        .par_iter()
        .filter_map(|e| Some((doc_id(&e.rel).to_string(), read::read_file(&e.path).ok()?)))
        .collect();
    let mut out = String::new();
    let _ = writeln!(
        out,
        "指纹方法对比（候选召回率 = 真值近重复对中指纹距离 ≤ k 的比例；候选对数 = 需在文本上核验的对数）"
    );
    let _ = writeln!(
        out,
        "{:<16} {}",
        "方法 \\ k",
        radii.iter().map(|k| format!("{k:>13}")).collect::<String>()
    );
    for method in [Method::Weighted, Method::SimhashCrate] {
        let fps: Vec<(String, u64)> = texts
            .par_iter()
            .map(|(id, raw)| (id.clone(), analyze_with(raw, method, false, None).fingerprint.0))
            .collect();
        let mut cells = String::new();
        for &k in radii {
            let within: Vec<(usize, usize)> =
                crate::index::brute_force_pairs(&fps.iter().map(|f| f.1).collect::<Vec<_>>(), k)
                    .into_iter()
                    .map(|h| (h.a as usize, h.b as usize))
                    .collect();
            let found = within
                .iter()
                .filter(|(a, b)| truth.contains(&ordered(&fps[*a].0, &fps[*b].0)))
                .count();
            let _ = write!(
                cells,
                " {:>5.3}/{:<7}",
                found as f64 / truth.len().max(1) as f64,
                within.len()
            );
        }
        let _ = writeln!(out, "{:<16}{}", method.name(), cells);
    }
    Ok(out)
}

/// Run every method and print the comparison table.
pub fn redundancy(docs: &Path, oracle: &Path, opts: &ScanOptions, sweep: bool) -> Result<String, EvalError> {
    let pairs = load_oracle(oracle)?;
    let t = opts.thresholds.similarity;
    let truth: PairSet = pairs
        .iter()
        .filter(|p| p.jaccard >= t)
        .map(|p| ordered(&p.a, &p.b))
        .collect();
    // Like with like: the near-duplicate stage alone (no passages, no
    // disguised-issuance rules) against the MinHash baseline, which does
    // nothing else. Passages are measured below.
    let near = ScanOptions {
        passages: false,
        white_header: false,
        ..*opts
    };
    let ours = run_scan(docs, &near)?;
    let baseline = run_scan(
        docs,
        &ScanOptions {
            method: Method::SimhashCrate,
            ..near
        },
    )?;
    let gaoya = run_gaoya(docs, t)?;

    let mut out = String::new();
    let _ = writeln!(
        out,
        "近重复检测评测：{}，真值 {} 对（Jaccard ≥ {t}，字符 5-gram）",
        docs.display(),
        truth.len()
    );
    let _ = writeln!(
        out,
        "{:<28} {:>6} {:>5} {:>5} {:>5} {:>9} {:>7} {:>7} {:>9} {:>10}",
        "method", "pairs", "TP", "FP", "FN", "precision", "recall", "F1", "time", "vs gaoya"
    );
    for run in [&ours, &baseline, &gaoya] {
        let s = Score::of(&run.predicted, &truth);
        let _ = writeln!(
            out,
            "{:<28} {:>6} {:>5} {:>5} {:>5} {:>9.4} {:>7.4} {:>7.4} {:>8.2}s {:>9.2}×",
            run.name,
            run.predicted.len(),
            s.tp,
            s.fp,
            s.fn_,
            s.precision(),
            s.recall(),
            s.f1(),
            run.elapsed.as_secs_f64(),
            gaoya.elapsed.as_secs_f64() / run.elapsed.as_secs_f64().max(1e-9)
        );
    }
    let missed: Vec<&OraclePair> = pairs
        .iter()
        .filter(|p| p.jaccard >= t && !ours.predicted.contains(&ordered(&p.a, &p.b)))
        .collect();
    if !missed.is_empty() {
        let _ = writeln!(out, "\n默认方法漏检的真值对：");
        for p in missed.iter().take(20) {
            let _ = writeln!(out, "  {} {} jaccard {:.4}", p.a, p.b, p.jaccard);
        }
    }
    let _ = writeln!(out);
    out.push_str(&reuse_figures(docs, &pairs, opts)?);
    if sweep {
        let _ = writeln!(out);
        out.push_str(&radius_sweep(docs, &truth, &[3, 6, 8, 10, 12, 14, 16])?);
    }
    Ok(out)
}

/// Oracle pairs in the containment band: max containment ≥ `c` while
/// Jaccard is below the near-duplicate threshold.
fn containment_truth(pairs: &[OraclePair], c: f64, similarity: f64) -> PairSet {
    pairs
        .iter()
        .filter(|p| p.contain_a_in_b.max(p.contain_b_in_a) >= c && p.jaccard < similarity)
        .map(|p| ordered(&p.a, &p.b))
        .collect()
}

/// Reported pairs in the same band, by our own (exact) figures.
fn containment_predicted(report: &crate::report::Report, c: f64, similarity: f64) -> PairSet {
    report
        .pairs
        .iter()
        .filter(|p| p.containment_a_in_b.max(p.containment_b_in_a) >= c && p.similarity < similarity)
        .map(|p| ordered(doc_id(&p.a), doc_id(&p.b)))
        .collect()
}

fn pair_ids(report: &crate::report::Report) -> PairSet {
    report
        .pairs
        .iter()
        .map(|p| ordered(doc_id(&p.a), doc_id(&p.b)))
        .collect()
}

/// Containment precision/recall at 0.8 and 0.5 (one scan per threshold),
/// what boilerplate suppression removes, and the cost of passages.
pub fn reuse_figures(docs: &Path, pairs: &[OraclePair], opts: &ScanOptions) -> Result<String, EvalError> {
    let sim = opts.thresholds.similarity;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "包含关系评测（真值：最大包含度 ≥ c 且 Jaccard < {sim}；预测：报告中同一区间的文件对）"
    );
    let mut default_report = None;
    for c in [0.8, 0.5] {
        let o = ScanOptions {
            thresholds: crate::verify::Thresholds {
                containment: c,
                ..opts.thresholds
            },
            ..*opts
        };
        let t = Instant::now();
        let (report, stats) = scan_with_stats(docs, &o, &Config::default(), &Silent)?;
        let elapsed = t.elapsed();
        let truth = containment_truth(pairs, c, sim);
        let s = Score::of(&containment_predicted(&report, c, sim), &truth);
        let _ = writeln!(
            out,
            "  c ≥ {c}: 真值 {} 对，报告 {} 对，TP {} FP {} FN {}，precision {:.4}，recall {:.4}（候选对 {}，仅共享套话而剔除 {}，{:.2}s）",
            truth.len(),
            s.tp + s.fp,
            s.tp,
            s.fp,
            s.fn_,
            s.precision(),
            s.recall(),
            stats.candidates,
            stats.boilerplate_only,
            elapsed.as_secs_f64()
        );
        if c == opts.thresholds.containment || default_report.is_none() {
            default_report = Some((report, stats));
        }
    }
    let (report, stats) = default_report.expect("one threshold ran");
    // Reported pairs that share nothing outside boilerplate (goal 0).
    let only_boilerplate = report
        .pairs
        .iter()
        .filter(|p| p.relation != crate::verify::Relation::Exact && p.shared_chars == 0)
        .count();
    let (without, _) = scan_with_stats(
        docs,
        &ScanOptions {
            boilerplate: false,
            ..*opts
        },
        &Config::default(),
        &Silent,
    )?;
    let removed = pair_ids(&without).difference(&pair_ids(&report)).count();
    let _ = writeln!(
        out,
        "套话（公文格式语与版记）：报告中仅因套话相同而成对 {only_boilerplate} 对；关闭套话排除时多报 {removed} 对；本次扫描因仅共享套话而剔除 {} 对",
        stats.boilerplate_only
    );
    // Alternate the two scans and keep each one's fastest of three: on a
    // shared machine a single run measures the neighbours as much as us.
    let doc_level_opts = ScanOptions {
        passages: false,
        ..*opts
    };
    let (mut with_passages, mut doc_level_time) = (Duration::MAX, Duration::MAX);
    let mut doc_level_pairs = 0;
    for _ in 0..3 {
        let t = Instant::now();
        scan(docs, opts, &Silent)?;
        with_passages = with_passages.min(t.elapsed());
        let t = Instant::now();
        doc_level_pairs = scan(docs, &doc_level_opts, &Silent)?.pairs.len();
        doc_level_time = doc_level_time.min(t.elapsed());
    }
    let _ = writeln!(
        out,
        "段落级比对开销（三次取最快）：{:.2}s（含段落，{} 对）/ {:.2}s（仅全文指纹，{} 对）= {:.2}×（目标 ≤ 2×）",
        with_passages.as_secs_f64(),
        report.pairs.len(),
        doc_level_time.as_secs_f64(),
        doc_level_pairs,
        with_passages.as_secs_f64() / doc_level_time.as_secs_f64().max(1e-9)
    );
    Ok(out)
}

/// A pair line of a corpus's labels.jsonl (corpora/demo format).
#[derive(Debug, Clone, Deserialize)]
struct LabelLine {
    kind: String,
    #[serde(default)]
    a: String,
    #[serde(default)]
    b: String,
    #[serde(default)]
    relation: String,
    #[serde(default)]
    duplicate: bool,
}

/// Reuse figures on a labelled corpus: recall of reissues and level
/// substitutions (found at all, and named `reissue`), recall of the other
/// labelled duplicates, false positives among same-topic non-duplicates.
pub fn labelled(corpus: &Path, opts: &ScanOptions) -> Result<String, EvalError> {
    let labels: Vec<LabelLine> = read_jsonl::<LabelLine>(&corpus.join("labels.jsonl"))?
        .into_iter()
        .filter(|l| l.kind == "pair")
        .collect();
    let report = scan(corpus, opts, &Silent)?;
    let found: std::collections::BTreeMap<(String, String), crate::verify::Relation> =
        report.pairs.iter().map(|p| (ordered(&p.a, &p.b), p.relation)).collect();
    let is_reissue = |l: &&LabelLine| matches!(l.relation.as_str(), "reissue" | "level_substitution");
    let reissues: Vec<&LabelLine> = labels.iter().filter(is_reissue).collect();
    let found_any = reissues
        .iter()
        .filter(|l| found.contains_key(&ordered(&l.a, &l.b)))
        .count();
    let named = reissues
        .iter()
        .filter(|l| found.get(&ordered(&l.a, &l.b)) == Some(&crate::verify::Relation::Reissue))
        .count();
    let others: Vec<&LabelLine> = labels.iter().filter(|l| l.duplicate && !is_reissue(l)).collect();
    let others_found = others
        .iter()
        .filter(|l| found.contains_key(&ordered(&l.a, &l.b)))
        .count();
    let negatives: Vec<&LabelLine> = labels.iter().filter(|l| !l.duplicate).collect();
    let fp = negatives
        .iter()
        .filter(|l| found.contains_key(&ordered(&l.a, &l.b)))
        .count();
    let ratio = |n: usize, d: usize| if d == 0 { 1.0 } else { n as f64 / d as f64 };
    let without = scan(
        corpus,
        &ScanOptions {
            boilerplate: false,
            ..*opts
        },
        &Silent,
    )?;
    let removed = pair_ids(&without).difference(&pair_ids(&report)).count();
    let mut out = String::new();
    let _ = writeln!(out, "标注语料 {}：", corpus.display());
    let _ = writeln!(
        out,
        "  重发与层级替换 {} 对：检出 {}（召回 {:.4}），判为 reissue {}（{:.4}）",
        reissues.len(),
        found_any,
        ratio(found_any, reissues.len()),
        named,
        ratio(named, reissues.len())
    );
    let _ = writeln!(
        out,
        "  其他重复（包含、转发、改写、完全相同）{} 对：检出 {}（召回 {:.4}）",
        others.len(),
        others_found,
        ratio(others_found, others.len())
    );
    let _ = writeln!(
        out,
        "  同题非重复 {} 对：误报 {}（误报率 {:.4}）",
        negatives.len(),
        fp,
        if negatives.is_empty() {
            0.0
        } else {
            fp as f64 / negatives.len() as f64
        }
    );
    let _ = writeln!(out, "  关闭套话排除时多报 {removed} 对");
    Ok(out)
}

/// Planted-pair recall and precision of a scan report (`wenshan gen`
/// labels): recall per relation; precision counts a reported pair as right
/// when both documents belong to one planted family (two reissues of one
/// notice are duplicates of each other too), and strictly when the pair
/// itself is planted.
pub fn planted(report_json: &str, labels: &Path) -> Result<String, EvalError> {
    #[derive(Deserialize)]
    struct Label {
        kind: String,
        #[serde(default)]
        a: String,
        #[serde(default)]
        b: String,
        #[serde(default)]
        relation: String,
        #[serde(default)]
        duplicate: bool,
    }
    #[derive(Deserialize)]
    struct Pair {
        a: String,
        b: String,
    }
    #[derive(Deserialize)]
    struct Report {
        pairs: Vec<Pair>,
    }
    let mut truth: Vec<(String, String, String)> = Vec::new();
    for l in read_jsonl::<Label>(labels)? {
        if l.kind == "pair" && l.duplicate {
            let (a, b) = ordered(&l.a, &l.b);
            truth.push((a, b, l.relation));
        }
    }
    let report: Report = serde_json::from_str(report_json).map_err(|source| EvalError::OracleLine {
        path: "report".into(),
        line: 1,
        source,
    })?;
    let predicted: PairSet = report.pairs.iter().map(|x| ordered(&x.a, &x.b)).collect();
    // Planted families: union-find over the labelled pairs.
    let mut id: std::collections::HashMap<&str, usize> = std::collections::HashMap::new();
    for (a, b, _) in &truth {
        for x in [a, b] {
            let n = id.len();
            id.entry(x.as_str()).or_insert(n);
        }
    }
    let mut parent: Vec<usize> = (0..id.len()).collect();
    fn find(parent: &mut [usize], mut x: usize) -> usize {
        while parent[x] != x {
            parent[x] = parent[parent[x]];
            x = parent[x];
        }
        x
    }
    for (a, b, _) in &truth {
        let (ra, rb) = (find(&mut parent, id[a.as_str()]), find(&mut parent, id[b.as_str()]));
        parent[ra] = rb;
    }
    let family_ok = predicted
        .iter()
        .filter(|(a, b)| match (id.get(a.as_str()), id.get(b.as_str())) {
            (Some(&x), Some(&y)) => find(&mut parent, x) == find(&mut parent, y),
            _ => false,
        })
        .count();
    let truth_set: PairSet = truth.iter().map(|(a, b, _)| (a.clone(), b.clone())).collect();
    let score = Score::of(&predicted, &truth_set);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "planted pairs {} · reported {} · recall {:.4} · precision {:.4} (same planted family) / {:.4} (planted pair itself)",
        truth_set.len(),
        predicted.len(),
        score.recall(),
        if predicted.is_empty() { 1.0 } else { family_ok as f64 / predicted.len() as f64 },
        score.precision()
    );
    let mut by: std::collections::BTreeMap<&str, (usize, usize)> = Default::default();
    for (a, b, rel) in &truth {
        let e = by.entry(rel.as_str()).or_default();
        e.0 += 1;
        e.1 += usize::from(predicted.contains(&(a.clone(), b.clone())));
    }
    for (rel, (n, found)) in by {
        let _ = writeln!(
            out,
            "  {rel:<20} {found:>7} / {n:<7} recall {:.4}",
            found as f64 / n.max(1) as f64
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(v: &[(&str, &str)]) -> PairSet {
        v.iter().map(|(a, b)| ordered(a, b)).collect()
    }

    #[test]
    fn score_counts_tp_fp_fn() {
        let truth = set(&[("a", "b"), ("c", "d")]);
        let pred = set(&[("b", "a"), ("e", "f")]);
        let s = Score::of(&pred, &truth);
        assert_eq!((s.tp, s.fp, s.fn_), (1, 1, 1));
        assert_eq!(s.precision(), 0.5);
        assert_eq!(s.recall(), 0.5);
        assert_eq!(s.f1(), 0.5);
    }

    #[test]
    fn doc_id_is_the_file_stem() {
        assert_eq!(doc_id("docs/law-000006.txt"), "law-000006");
        assert_eq!(doc_id("x"), "x");
    }
}
