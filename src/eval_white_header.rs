//! `wenshan eval white-header`: precision and recall of the disguised-issuance
//! verdict against labelled documents, overall, per carrier and per label
//! level, with the worst misses listed so a reviewer can see why.

use crate::config::Config;
use crate::eval::{read_jsonl, EvalError, Score};
use crate::normalize::normalize;
use crate::parse::parse;
use crate::read;
use crate::report::{DisguisedIssuance, Verdict};
use crate::rules::Detector;
use rayon::prelude::*;
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::Path;

/// One labelled document.
#[derive(Debug, Clone, Deserialize)]
pub struct Label {
    pub path: String,
    pub carrier: String,
    pub disguised: bool,
    #[serde(default)]
    pub level: String,
    #[serde(default)]
    pub evidence: String,
}

pub fn load_labels(path: &Path) -> Result<Vec<Label>, EvalError> {
    read_jsonl(path)
}

/// Confusion counts for one slice.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Confusion {
    pub tp: usize,
    pub fp: usize,
    pub fn_: usize,
    pub tn: usize,
}

impl Confusion {
    pub fn add(&mut self, predicted: bool, actual: bool) {
        match (predicted, actual) {
            (true, true) => self.tp += 1,
            (true, false) => self.fp += 1,
            (false, true) => self.fn_ += 1,
            (false, false) => self.tn += 1,
        }
    }
    /// The positive-class counts, scored as the other evals score.
    fn score(&self) -> Score {
        Score {
            tp: self.tp,
            fp: self.fp,
            fn_: self.fn_,
        }
    }
    pub fn precision(&self) -> f64 {
        self.score().precision()
    }
    pub fn recall(&self) -> f64 {
        self.score().recall()
    }
    pub fn f1(&self) -> f64 {
        self.score().f1()
    }
    pub fn total(&self) -> usize {
        self.tp + self.fp + self.fn_ + self.tn
    }
}

/// One document's outcome.
pub struct Outcome {
    pub label: Label,
    pub result: Result<DisguisedIssuance, String>,
}

impl Outcome {
    fn predicted(&self, at: Verdict) -> bool {
        self.result.as_ref().is_ok_and(|d| d.verdict >= at)
    }
}

/// Assess every labelled document.
pub fn assess_all(docs: &Path, labels: &[Label], config: &Config) -> Vec<Outcome> {
    let detector = Detector::new(config);
    labels
        .par_iter()
        .map(|l| {
            let result = read::read_file(&docs.join(&l.path))
                .map_err(|e| e.to_string())
                .map(|raw| {
                    let n = normalize(&raw);
                    let s = parse(&n.line_texts());
                    detector.assess(&n, &s)
                });
            Outcome {
                label: l.clone(),
                result,
            }
        })
        .collect()
}

fn row(out: &mut String, name: &str, c: &Confusion) {
    let _ = writeln!(
        out,
        "  {:<12} {:>4} {:>4} {:>4} {:>4} {:>4}   {:.3}  {:.3}  {:.3}",
        name,
        c.total(),
        c.tp + c.fn_,
        c.tp,
        c.fp,
        c.fn_,
        c.precision(),
        c.recall(),
        c.f1()
    );
}

fn table(out: &mut String, title: &str, groups: &BTreeMap<String, Confusion>) {
    let _ = writeln!(out, "\n{title}");
    let _ = writeln!(
        out,
        "  {:<12} {:>4} {:>4} {:>4} {:>4} {:>4}   精确率 召回率  F1",
        "", "文件", "正例", "TP", "FP", "FN"
    );
    for (k, c) in groups {
        row(out, k, c);
    }
}

/// The whole evaluation as a printable report.
pub fn evaluate(docs: &Path, labels_path: &Path, config: &Config) -> Result<String, EvalError> {
    let labels = load_labels(labels_path)?;
    let outcomes = assess_all(docs, &labels, config);
    Ok(render(&outcomes))
}

pub fn render(outcomes: &[Outcome]) -> String {
    let mut out = String::new();
    let errors = outcomes.iter().filter(|o| o.result.is_err()).count();
    let pos = outcomes.iter().filter(|o| o.label.disguised).count();
    let _ = writeln!(
        out,
        "变相发文（红头转白头）检测评估：{} 份标注文件（正例 {}，反例 {}，读取失败 {}）",
        outcomes.len(),
        pos,
        outcomes.len() - pos,
        errors
    );
    let mut likely = Confusion::default();
    let mut review = Confusion::default();
    let mut by_carrier: BTreeMap<String, Confusion> = BTreeMap::new();
    let mut by_level: BTreeMap<String, Confusion> = BTreeMap::new();
    for o in outcomes {
        let p = o.predicted(Verdict::Likely);
        likely.add(p, o.label.disguised);
        review.add(o.predicted(Verdict::Review), o.label.disguised);
        by_carrier
            .entry(o.label.carrier.clone())
            .or_default()
            .add(p, o.label.disguised);
        let level = if o.label.level.is_empty() {
            "—"
        } else {
            o.label.level.as_str()
        };
        by_level.entry(level.to_string()).or_default().add(p, o.label.disguised);
    }
    let _ = writeln!(out, "\n判定为“高度疑似”(likely)：");
    let _ = writeln!(
        out,
        "  precision {:.4}  recall {:.4}  F1 {:.4}  (TP {} FP {} FN {} TN {})",
        likely.precision(),
        likely.recall(),
        likely.f1(),
        likely.tp,
        likely.fp,
        likely.fn_,
        likely.tn
    );
    let _ = writeln!(out, "判定为“建议复核”及以上(review+)：");
    let _ = writeln!(
        out,
        "  precision {:.4}  recall {:.4}  F1 {:.4}  (TP {} FP {} FN {} TN {})",
        review.precision(),
        review.recall(),
        review.f1(),
        review.tp,
        review.fp,
        review.fn_,
        review.tn
    );
    table(&mut out, "按载体（标注）：", &by_carrier);
    table(&mut out, "按难度（标注）：", &by_level);
    misses(&mut out, outcomes);
    out
}

/// The worst cases: false alarms with the highest scores, misses with the
/// lowest, each with its top evidence.
fn misses(out: &mut String, outcomes: &[Outcome]) {
    let score = |o: &Outcome| o.result.as_ref().map_or(0, |d| d.score);
    let mut fps: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| !o.label.disguised && o.predicted(Verdict::Likely))
        .collect();
    fps.sort_by_key(|o| std::cmp::Reverse(score(o)));
    let mut fns: Vec<&Outcome> = outcomes
        .iter()
        .filter(|o| o.label.disguised && !o.predicted(Verdict::Likely))
        .collect();
    fns.sort_by_key(|o| score(o));
    for (title, list) in [
        ("误报（标注为否、判为高度疑似）：", fps),
        ("漏报（标注为是、未判为高度疑似）：", fns),
    ] {
        let _ = writeln!(out, "\n{title}{}", if list.is_empty() { " 无" } else { "" });
        for o in list.iter().take(10) {
            describe(out, o);
        }
    }
}

fn describe(out: &mut String, o: &Outcome) {
    match &o.result {
        Err(e) => {
            let _ = writeln!(out, "  {}：读取失败：{e}", o.label.path);
        }
        Ok(d) => {
            let _ = writeln!(
                out,
                "  {}  标注载体 {} / 识别载体 {}，方向 {}，得分 {}（{}）",
                o.label.path,
                o.label.carrier,
                d.carrier,
                d.direction,
                d.score,
                d.verdict.name_zh()
            );
            if !o.label.evidence.is_empty() {
                let _ = writeln!(out, "      标注依据：{}", o.label.evidence);
            }
            let mut top: Vec<_> = d.findings.iter().collect();
            top.sort_by_key(|f| std::cmp::Reverse(f.weight.abs()));
            for f in top.iter().take(4) {
                let _ = writeln!(out, "      {} {:+} {}「{}」", f.rule, f.weight, f.message, f.text);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn confusion_ratios() {
        let mut c = Confusion::default();
        for (p, a) in [(true, true), (true, false), (false, true), (false, false), (true, true)] {
            c.add(p, a);
        }
        assert_eq!((c.tp, c.fp, c.fn_, c.tn), (2, 1, 1, 1));
        assert!((c.precision() - 2.0 / 3.0).abs() < 1e-12);
        assert!((c.recall() - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(Confusion::default().precision(), 1.0);
    }
}
