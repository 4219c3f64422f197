//! Disguised issuance (红头转白头, 变相发文): explainable rules over the
//! parsed structure and the text (disguised-issuance.md).
//!
//! The stage runs in four steps, each a module:
//!
//! 1. [`carrier`]: what the text travels on (正式公文, 会议纪要, 工作提示 …);
//! 2. [`audience`]: who writes to whom (issuer level and kind, direction);
//! 3. [`signals`]: phrase classes that bind (deadlines, reporting, sanctions …)
//!    and counter-signals (upward, peer, information only …), each with its span;
//! 4. scoring, gates and bands here, then the rules (`wh001.rs` … one file per
//!    rule, with its documentation and examples) turn the evidence into
//!    findings a reviewer can check in seconds.
//!
//! The score is a suspicion with evidence, never a verdict on its own: every
//! point of it is a finding with a rule code, the sentence and its span.

pub mod audience;
mod bigram;
pub mod carrier;
pub mod counter;
pub mod lexicon;
pub mod prefilter;
pub mod signals;
pub mod text;
mod wh001;
mod wh002;
mod wh003;
mod wh004;
mod wh005;
mod wh006;
mod wh007;
mod wh008;
mod wh009;
mod wh010;

use crate::config::{Config, Organisation, WhiteHeader};
use crate::document::Structure;
use crate::normalize::Normalized;
use crate::report::{DisguisedIssuance, FindingEntry, Verdict};
use audience::{Audience, Direction, Kind, Org};
use carrier::{Carrier, Class};
use lexicon::Family;
use regex::Regex;
use signals::{Counter, Hit};
use text::{DocText, Span};

/// A rule's documentation: what `wenshan explain CODE` prints.
#[derive(Debug)]
pub struct RuleDoc {
    pub code: &'static str,
    pub name: &'static str,
    /// When it fires, in one sentence.
    pub summary: &'static str,
    /// Why it matters and what to check, for the reviewer.
    pub why: &'static str,
    /// The policy text it rests on.
    pub basis: &'static str,
    /// Score weight of the structural fact the rule adds (0: the rule only
    /// explains signals already scored; negative: a counter-signal).
    pub weight: f64,
    /// Texts on which it fires, and look-alikes on which it must not.
    pub fires: &'static [&'static str],
    pub passes: &'static [&'static str],
}

/// One piece of evidence behind a rule.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    pub span: Span,
    pub message: String,
    pub weight: f64,
}

/// A rule: its documentation and its check over the analysed document.
pub struct Rule {
    pub doc: &'static RuleDoc,
    pub check: fn(&Analysis) -> Vec<Evidence>,
}

/// Every rule, in code order: WH0xx find, WH1xx (counter-signals) exempt.
pub fn all() -> Vec<Rule> {
    let mut v = vec![
        wh001::RULE,
        wh002::RULE,
        wh003::RULE,
        wh004::RULE,
        wh005::RULE,
        wh006::RULE,
        wh007::RULE,
        wh008::RULE,
        wh009::RULE,
        wh010::RULE,
    ];
    v.extend(counter::RULES);
    v
}

/// The documentation of a rule code, if it exists.
pub fn rule(code: &str) -> Option<&'static RuleDoc> {
    all()
        .into_iter()
        .map(|r| r.doc)
        .find(|d| d.code.eq_ignore_ascii_case(code))
}

/// Everything the rules read about one document, computed once.
pub struct Analysis<'a> {
    pub doc: DocText<'a>,
    pub structure: &'a Structure,
    pub carrier: Carrier,
    pub issuer: Option<(String, Org)>,
    pub audience: Audience,
    /// Binding signals, weights already discounted (reported speech, praise,
    /// negation, logistics).
    pub hits: Vec<Hit>,
    pub counters: Vec<Counter>,
    pub detector: &'a Detector,
}

impl Analysis<'_> {
    pub fn has(&self, f: Family) -> bool {
        self.hits.iter().any(|h| h.family == f && h.weight > 0.0)
    }

    /// Whether anything binds: a deadline, a report, a sanction, a new task or
    /// an effect clause, in the issuer's own words. A meeting notice's receipt
    /// date and address do not count.
    pub fn binding(&self) -> bool {
        let logistics = self.counter("WH109").is_some();
        // A hit discounted as the issuer's own plan, a problem described, a
        // bulletin sentence not addressed to its readers or a negation (×0.3)
        // binds no one.
        self.hits.iter().any(|h| {
            h.family.is_binding()
                && h.weight >= 0.5 * self.detector.family_weight(h.family).0
                && !h.reported
                && !(logistics && matches!(h.family, Family::Deadline | Family::Reporting))
        })
    }

    pub fn counter(&self, code: &str) -> Option<&Counter> {
        self.counters.iter().find(|c| c.code == code)
    }

    pub fn issuer_kind(&self) -> Option<Kind> {
        self.issuer.as_ref().map(|(_, o)| o.kind)
    }

    /// Findings of the signal families listed, as evidence for a rule.
    pub fn evidence_of(&self, families: &[Family]) -> Vec<Evidence> {
        self.hits
            .iter()
            .filter(|h| families.contains(&h.family) && h.weight > 0.0)
            .map(|h| Evidence {
                span: h.span,
                message: h.message(),
                weight: h.weight,
            })
            .collect()
    }

    /// Weight of a rule's fact, as configured.
    pub fn weight(&self, doc: &RuleDoc) -> f64 {
        self.detector.weight_of_rule(doc)
    }
}

/// The configured detector: rule selection, weights, bands, local lexicon.
pub struct Detector {
    settings: WhiteHeader,
    organisation: Organisation,
    extra: Vec<(Family, Regex)>,
}

impl Default for Detector {
    fn default() -> Self {
        Detector::new(&Config::default())
    }
}

impl Detector {
    pub fn new(config: &Config) -> Detector {
        let extra = config
            .white_header
            .lexicon
            .iter()
            .filter_map(|(k, terms)| {
                let fam = Family::from_key(k)?;
                let alt: Vec<String> = terms.iter().map(|t| regex::escape(t.trim())).collect();
                Some((fam, Regex::new(&alt.join("|")).ok()?))
            })
            .collect();
        Detector {
            settings: config.white_header.clone(),
            organisation: config.organisation.clone(),
            extra,
        }
    }

    /// Per-hit weight and cap of a family, as configured.
    pub fn family_weight(&self, f: Family) -> (f64, f64) {
        let (w, cap) = f.default_weight();
        match self.settings.weights.get(f.key()) {
            Some(&nw) if w > 0.0 => (nw, cap * nw / w),
            _ => (w, cap),
        }
    }

    fn weight_of_rule(&self, doc: &RuleDoc) -> f64 {
        self.settings.weights.get(doc.code).copied().unwrap_or(doc.weight)
    }

    /// Assess one normalised, parsed document.
    pub fn assess(&self, norm: &Normalized, structure: &Structure) -> DisguisedIssuance {
        let doc = DocText::new(&norm.lines);
        let carrier = carrier::classify(&doc, structure);
        let issuer = signals::issuer(&doc, structure).map(|name| {
            let o = audience::org(&name, &self.organisation);
            (name, o)
        });
        let no_org = Org {
            level: None,
            kind: Kind::Department,
        };
        let issuer_org = issuer.as_ref().map_or(no_org, |(_, o)| *o);
        let mut audience = audience::audience(
            &doc,
            structure,
            &issuer_org,
            carrier.class() == Class::Upward,
            &self.organisation,
        );
        let (hits, counters) = signals::collect(&doc, structure, carrier, &mut audience, &self.extra, self);
        let a = Analysis {
            doc,
            structure,
            carrier,
            issuer,
            audience,
            hits,
            counters,
            detector: self,
        };
        self.judge(&a)
    }

    fn judge(&self, a: &Analysis) -> DisguisedIssuance {
        let mut fired: Vec<(&'static RuleDoc, Vec<Evidence>)> = Vec::new();
        for r in all() {
            if !self.settings.enabled(r.doc.code) {
                continue;
            }
            let ev = (r.check)(a);
            if !ev.is_empty() {
                fired.push((r.doc, ev));
            }
        }
        let score = self.score(a, &fired);
        // A verdict is only as good as the evidence shown for it: when the
        // rules that would show it are turned off (select/ignore), the signals
        // they would cite do not flag the document either.
        let shown = fired.iter().any(|(d, _)| !d.code.starts_with("WH1"));
        let score = if shown {
            score
        } else {
            score.min(self.settings.review.saturating_sub(1))
        };
        let verdict = if score >= self.settings.likely {
            Verdict::Likely
        } else if score >= self.settings.review {
            Verdict::Review
        } else {
            Verdict::Unlikely
        };
        // The carrier rules (WH001–WH004) explain a score in the review band or
        // above; below it they would only be noise.
        let explains = |code: &str| matches!(code, "WH001" | "WH002" | "WH003" | "WH004");
        let mut findings: Vec<FindingEntry> = fired
            .iter()
            .filter(|(d, _)| verdict != Verdict::Unlikely || !explains(d.code))
            .flat_map(|(d, ev)| ev.iter().map(|e| self.finding(a, d, e)))
            .collect();
        findings.sort_by(|x, y| (x.start, &x.rule).cmp(&(y.start, &y.rule)));
        DisguisedIssuance {
            verdict,
            score,
            carrier: a.carrier.name_zh().to_string(),
            direction: a.audience.direction.key().to_string(),
            findings,
        }
    }

    fn finding(&self, a: &Analysis, d: &RuleDoc, e: &Evidence) -> FindingEntry {
        let (line, column) = a.doc.locate(e.span.line, e.span.start);
        FindingEntry {
            rule: d.code.to_string(),
            message: format!("{}：{}", d.name, e.message),
            line,
            column,
            start: a.doc.offset(e.span.line, e.span.start),
            end: a.doc.offset(e.span.line, e.span.end),
            text: a.doc.text(e.span),
            weight: e.weight.round() as i32,
            source: a.doc.lines.get(e.span.line).map_or_else(String::new, |l| l.to_string()),
            source_column: e.span.start,
        }
    }

    /// A letter whose title says it asks for views (征求意见, 商请) and that
    /// threatens nothing: a consultation, whoever it is sent to.
    fn consultation(&self, a: &Analysis) -> bool {
        let title = a.structure.title.as_deref().unwrap_or("");
        let sanctions = a
            .hits
            .iter()
            .any(|h| h.family == Family::Accountability && h.weight >= 4.0);
        lexicon::CONSULTATION.is_match(title) && !sanctions
    }

    /// score = Σ families (each capped) + structural facts (capped at 20) +
    /// counter-signals, then the gates of §7.
    fn score(&self, a: &Analysis, fired: &[(&'static RuleDoc, Vec<Evidence>)]) -> u32 {
        let mut total = 0.0;
        for f in Family::ALL {
            let (_, cap) = self.family_weight(f);
            let sum: f64 = a.hits.iter().filter(|h| h.family == f).map(|h| h.weight).sum();
            total += sum.min(cap);
        }
        let facts: f64 = fired
            .iter()
            .map(|(d, _)| self.weight_of_rule(d))
            .filter(|w| *w > 0.0)
            .sum();
        total += facts.min(20.0);
        total += fired
            .iter()
            .map(|(d, _)| self.weight_of_rule(d))
            .filter(|w| *w < 0.0)
            .sum::<f64>();
        // Gates (§7). "Cleared" documents stay below the review band: counted
        // documents (authority rules still report on them), upward, peer and
        // internal texts, minutes binding only those at the table, texts with no
        // audience below. Tone with no deadline, report, sanction or new task
        // binds no one: at most worth a glance.
        let cleared = (self.settings.review.saturating_sub(1)) as f64;
        let glance = (self.settings.likely.saturating_sub(1)) as f64;
        let downward = a.audience.downward.is_some() || a.audience.lower_governments.is_some();
        let sideways = matches!(
            a.audience.direction,
            Direction::Peer | Direction::Internal | Direction::Public
        );
        let mut cap: f64 = 100.0;
        if a.carrier.is_formal()
            || a.audience.direction == Direction::Up
            || (sideways && !downward)
            || a.counter("WH104").is_some()
            || (!downward && a.carrier != Carrier::Chat)
            || self.consultation(a)
        {
            cap = cleared;
        }
        if !a.binding() {
            cap = cap.min(glance);
        }
        total.clamp(0.0, cap).round() as u32
    }
}

/// Severity a reviewer reads first: authority rules are errors, numbering is
/// a hint, counter-signals are notes.
pub fn severity(code: &str) -> &'static str {
    match code {
        "WH005" | "WH006" | "WH007" => "error",
        "WH010" => "info",
        c if c.starts_with("WH1") => "note",
        _ => "warning",
    }
}

/// `wenshan rules`: one line per rule.
pub fn listing() -> String {
    use crate::report::width;
    let rules = all();
    // The name column as wide as the widest name, two spaces after it.
    let column = rules.iter().map(|r| width(r.doc.name)).max().unwrap_or(0) + 2;
    let mut out = format!("代码    级别      名称{}触发条件\n", " ".repeat(column - width("名称")));
    for r in rules {
        let d = r.doc;
        let pad = " ".repeat(column - width(d.name));
        out.push_str(&format!(
            "{:<7} {:<9} {}{pad}{}\n",
            d.code,
            severity(d.code),
            d.name,
            d.summary
        ));
    }
    out.push_str("\n用 `wenshan explain 代码` 查看规则说明与示例；在 wenshan.toml 的 [white-header] 中用 select/ignore 选择规则。\n");
    out
}

/// `wenshan explain CODE`: the rule's documentation with its examples.
pub fn explain(d: &RuleDoc) -> String {
    let mut out = format!("{} {}（{}）\n\n", d.code, d.name, severity(d.code));
    out.push_str(&format!("触发条件：{}\n\n", d.summary));
    out.push_str(&format!("为什么：{}\n\n", d.why));
    out.push_str(&format!("依据：{}\n", d.basis));
    if d.weight != 0.0 {
        out.push_str(&format!(
            "分值：{:+}（可在 wenshan.toml [white-header.weights] 中以 {} = … 调整）\n",
            d.weight, d.code
        ));
    }
    let block = |title: &str, xs: &[&str]| {
        let mut s = format!("\n{title}\n");
        for x in xs {
            for l in x.lines() {
                s.push_str(&format!("    {l}\n"));
            }
            s.push('\n');
        }
        s
    };
    out.push_str(&block("会触发的示例：", d.fires));
    out.push_str(&block("不触发的示例：", d.passes));
    out
}

/// Assess with the default configuration.
pub fn assess(norm: &Normalized, structure: &Structure) -> DisguisedIssuance {
    Detector::default().assess(norm, structure)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::normalize;
    use crate::parse::parse;

    pub(crate) fn run(text: &str) -> DisguisedIssuance {
        let n = normalize(text);
        let s = parse(&n.line_texts());
        assess(&n, &s)
    }

    #[test]
    fn every_rule_has_a_unique_code_and_documentation() {
        let rules = all();
        let mut codes: Vec<&str> = rules.iter().map(|r| r.doc.code).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), rules.len());
        for r in &rules {
            assert!(!r.doc.summary.is_empty() && !r.doc.why.is_empty() && !r.doc.basis.is_empty());
            assert!(!r.doc.fires.is_empty(), "{} needs an example that fires", r.doc.code);
            assert!(!r.doc.passes.is_empty(), "{} needs an example that passes", r.doc.code);
        }
    }

    /// The examples in each rule's documentation are tests: those that fire
    /// must produce a finding with the rule's code, those that pass must not.
    #[test]
    fn documented_examples_behave_as_documented() {
        for r in all() {
            for ex in r.doc.fires {
                let d = run(ex);
                assert!(
                    d.findings.iter().any(|f| f.rule == r.doc.code),
                    "{} should fire on:\n{ex}\n{d:#?}",
                    r.doc.code
                );
            }
            for ex in r.doc.passes {
                let d = run(ex);
                assert!(
                    !d.findings.iter().any(|f| f.rule == r.doc.code),
                    "{} should not fire on:\n{ex}\n{d:#?}",
                    r.doc.code
                );
            }
        }
    }

    #[test]
    fn findings_point_into_the_text() {
        let t = "青禾县应急管理局\n关于开展汛前排查的工作提示\n各乡镇人民政府：\n一、各乡镇务必于5月20日前完成排查，报送县应急管理局。\n二、排查情况纳入年度考核。\n青禾县应急管理局\n2025年5月8日\n";
        let d = run(t);
        assert_eq!(d.verdict, Verdict::Likely, "{d:#?}");
        let chars: Vec<char> = normalize(t).text().chars().collect();
        for f in &d.findings {
            let got: String = chars[f.start..f.end].iter().collect();
            assert_eq!(got, f.text, "{f:?}");
            assert!(f.line >= 1 && f.column >= 1);
        }
    }

    #[test]
    fn ignoring_a_rule_removes_its_findings() {
        let t = "青禾县应急管理局\n关于开展汛前排查的工作提示\n青应急提示〔2025〕7号\n各乡镇人民政府：\n各乡镇务必于5月20日前完成排查，纳入年度考核。\n";
        let cfg = Config::parse("[white-header]\nignore = [\"WH010\"]\n", std::path::Path::new("w.toml")).unwrap();
        let n = normalize(t);
        let s = parse(&n.line_texts());
        let d = Detector::new(&cfg).assess(&n, &s);
        assert!(!d.findings.iter().any(|f| f.rule == "WH010"));
        assert!(run(t).findings.iter().any(|f| f.rule == "WH010"));
    }
}
