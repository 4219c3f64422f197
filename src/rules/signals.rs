//! Signals (§5) and counter-signals (§6), each found on a sentence with its
//! span. Discounts are applied here, where the sentence is in view: reported
//! speech and praise count half, a negated sanction ("不得以排名代替考核")
//! counts little, meeting logistics may not carry a document.

use super::audience::{Audience, Direction};
use super::carrier::{Carrier, Class};
use super::lexicon::*;
use super::text::{DocText, Sentence, Span};
use super::Detector;
use crate::document::Structure;
use regex::Regex;
use std::sync::LazyLock;

/// One binding signal.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    pub family: Family,
    pub span: Span,
    /// Contribution after discounts.
    pub weight: f64,
    /// Inside reported speech (a leader's words relayed).
    pub reported: bool,
}

impl Hit {
    pub fn message(&self) -> String {
        let note = if self.reported {
            "（转述他人讲话，权重减半）"
        } else {
            ""
        };
        format!("{}{}", self.family.name_zh(), note)
    }
}

/// One counter-signal, by its rule code (WH1xx).
#[derive(Debug, Clone, PartialEq)]
pub struct Counter {
    pub code: &'static str,
    pub span: Span,
}

/// The issuer's name: 落款, else the 版头 mark, else the 版记 printer, else a
/// chat group's owner, else a first line that reads as an organisation.
pub fn issuer(doc: &DocText, s: &Structure) -> Option<String> {
    static ORGLIKE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^[\p{Han}（）()]{2,30}(?:局|委|办|办公室|人民政府|政府|中心|指挥部|领导小组|专班|委员会|管委会|办事处|分局|大队|站|所|院)$")
            .expect("pattern")
    });
    static GROUP: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r"^【(?P<org>[^】]{2,24}?)(?:工作|业务|通知|联络)?群[^】]*】").expect("pattern"));
    if let Some(i) = s.issuer.as_deref().filter(|i| !i.is_empty()) {
        return Some(i.to_string());
    }
    // A minutes mark names the meeting, not a body: only a `…文件` mark names the issuer.
    if let Some(m) = s.issuer_mark.as_deref().and_then(|m| m.strip_suffix("文件")) {
        return Some(m.to_string());
    }
    if let Some(p) = s.printed_by.as_deref() {
        return Some(p.to_string());
    }
    if let Some(c) = doc.lines.first().and_then(|l| GROUP.captures(l)) {
        return Some(c["org"].to_string());
    }
    doc.lines
        .iter()
        .take(3)
        .find(|l| ORGLIKE.is_match(l))
        .map(|l| l.to_string())
}

/// Byte ranges of 《…》 and “…” in a sentence: titles of other documents and
/// words mentioned or quoted (“接龙”, a draft clause under consultation) are
/// not the sender's own order.
fn quoted(s: &Sentence) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    if !s.may(Pat::QuoteMark) {
        return out;
    }
    let text = s.text;
    let (mut title, mut quote) = (None, None);
    for (i, c) in text.char_indices() {
        match c {
            '《' => title = Some(i),
            '“' => quote = Some(i),
            '》' => out.extend(title.take().map(|o| (o, i))),
            '”' => out.extend(quote.take().map(|o| (o, i))),
            _ => {}
        }
    }
    out
}

const PRAISE: [&str; 4] = ["通报表扬", "予以表彰", "通报嘉奖", "表扬通报"];

/// Praise phrases masked with same-width placeholders, so that 通报表扬 is
/// neither a sanction (通报) nor a form (报表); offsets are unchanged.
fn masked<'a>(s: &Sentence<'a>) -> std::borrow::Cow<'a, str> {
    let text = s.text;
    // Every praise phrase is a commendation: where none may be, none is.
    if !s.may(Pat::Commendation) || !PRAISE.iter().any(|p| text.contains(p)) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut t = text.to_string();
    for p in PRAISE {
        t = t.replace(p, &"〇".repeat(p.chars().count()));
    }
    std::borrow::Cow::Owned(t)
}

/// 要 as a modal verb, not inside 主要, 重要, 需要, 要求, 纪要 …
fn bare_yao(text: &str) -> Option<usize> {
    let mut prev = None;
    let mut chars = text.char_indices().peekable();
    while let Some((b, c)) = chars.next() {
        if c == '要' {
            let next = chars.peek().map(|x| x.1);
            let bad_prev = prev.is_some_and(|p| "主重需纪摘只概提简必想将还总首紧扼撮".contains(p));
            let bad_next = next.is_some_and(|n| "求点素闻害件事务览目职员犯塞".contains(n));
            if !bad_prev && !bad_next {
                return Some(b);
            }
        }
        prev = Some(c);
    }
    None
}

const SENTENCE_FAMILIES: [Family; 10] = [
    Family::Deadline,
    Family::Reporting,
    Family::Accountability,
    Family::Ranking,
    Family::NewTask,
    Family::Form,
    Family::Effect,
    Family::Enforce,
    Family::Trapping,
    Family::Chat,
];

/// The lexicon pattern of a family found on sentences.
fn pattern(f: Family) -> Option<Pat> {
    match f {
        Family::Deadline => Some(Pat::Deadline),
        Family::Reporting => Some(Pat::Reporting),
        Family::Accountability => Some(Pat::Accountability),
        Family::Ranking => Some(Pat::Ranking),
        Family::NewTask => Some(Pat::NewTask),
        Family::Form => Some(Pat::Form),
        Family::Effect => Some(Pat::Effect),
        Family::Enforce => Some(Pat::Enforce),
        Family::Trapping => Some(Pat::Trapping),
        Family::Chat => Some(Pat::Chat),
        Family::Audience | Family::Directive | Family::Numbering => None,
    }
}

struct Context<'d> {
    det: &'d Detector,
    bulletin: bool,
}

/// What discounts a sentence's hits.
struct Discounts {
    reported: bool,
    negated: bool,
    silence: bool,
    own_plan: bool,
    unaddressed: bool,
    praise: bool,
}

impl Discounts {
    fn of(s: &Sentence, reported: bool, ctx: &Context) -> Discounts {
        Discounts {
            reported,
            negated: s.is_match(Pat::Negated),
            silence: s.is_match(Pat::ConsentDefault),
            own_plan: s.is_match(Pat::SelfCommitment) || DESCRIPTIVE_AT.is_match(s.text),
            // A bulletin's sentence binds its readers only when it turns to them.
            unaddressed: ctx.bulletin && !s.is_match(Pat::Recipient),
            praise: s.is_match(Pat::Commendation),
        }
    }

    fn factor(&self, f: Family) -> f64 {
        let mut x = if self.reported { 0.5 } else { 1.0 };
        if self.negated
            && matches!(
                f,
                Family::Accountability | Family::Ranking | Family::Form | Family::Reporting
            )
        {
            x *= 0.3;
        }
        if self.praise && matches!(f, Family::Accountability | Family::Ranking) {
            x *= 0.5;
        }
        if self.silence && matches!(f, Family::Deadline | Family::Accountability) {
            x = 0.0;
        }
        if self.own_plan {
            x *= 0.3;
        }
        if self.unaddressed && matches!(f, Family::Deadline | Family::Reporting | Family::NewTask) {
            x *= 0.3;
        }
        x
    }
}

/// Hits of one sentence: at most one per family, so a cap means "this many
/// sentences", not "this many words". Returns the first class-of-units
/// subject of a directive, for the audience.
fn sentence_hits<'a>(
    s: &Sentence<'a>,
    reported: bool,
    ctx: &Context,
    extra: &[(Family, Regex)],
    out: &mut Vec<Hit>,
) -> Option<regex::Match<'a>> {
    let quotes = quoted(s);
    let in_quote = |b: usize| quotes.iter().any(|&(o, c)| b > o && b < c);
    // Read only for a sentence with a hit.
    let mut discounts = None;
    // Hits of this sentence start here: one per family per sentence.
    let first = out.len();
    let mut push = |f: Family, r: std::ops::Range<usize>, base: f64| {
        if out[first..].iter().any(|h| h.family == f) {
            return;
        }
        let d = discounts.get_or_insert_with(|| Discounts::of(s, reported, ctx));
        out.push(Hit {
            family: f,
            span: s.span(r),
            weight: base * d.factor(f),
            reported,
        });
    };
    let text = masked(s);
    for f in SENTENCE_FAMILIES {
        // A closed gate: the pattern has no match here, only local terms may.
        let own = pattern(f).filter(|p| s.may(*p));
        if own.is_none() && !extra.iter().any(|(ef, _)| *ef == f) {
            continue;
        }
        let found = own
            .into_iter()
            .flat_map(|p| s.matches(p, &text))
            .chain(
                extra
                    .iter()
                    .filter(|(ef, _)| *ef == f)
                    .flat_map(|(_, re)| re.find_iter(&text)),
            )
            .find(|m| !in_quote(m.start()));
        if let Some(m) = found {
            push(f, m.range(), ctx.det.family_weight(f).0);
        }
    }
    let (dw, _) = ctx.det.family_weight(Family::Directive);
    let subject = s.find(Pat::UnitSubjectModal);
    if let Some(m) = subject.filter(|m| !in_quote(m.start())) {
        push(Family::Directive, m.range(), dw);
    } else if let Some(m) = s.find(Pat::Modal).filter(|m| !in_quote(m.start())) {
        push(Family::Directive, m.range(), dw / 2.0);
    } else if let Some(b) = s
        .may(Pat::Yao)
        .then(|| bare_yao(s.text))
        .flatten()
        .filter(|b| !in_quote(*b))
    {
        push(Family::Directive, b..b + '要'.len_utf8(), dw / 2.0);
    }
    subject
}

fn line_span(doc: &DocText, line: usize, m: regex::Match) -> Span {
    let l = doc.lines[line];
    let start = l[..m.start()].chars().count();
    Span {
        line,
        start,
        end: start + m.as_str().chars().count(),
    }
}

/// All hits and counter-signals of a document. May set the audience from the
/// body when no addressee line names it (§7 gate 2: a class of units as the
/// subject of a directive sentence counts).
pub fn collect(
    doc: &DocText,
    s: &Structure,
    carrier: Carrier,
    audience: &mut Audience,
    extra: &[(Family, Regex)],
    det: &Detector,
) -> (Vec<Hit>, Vec<Counter>) {
    let ctx = Context {
        det,
        bulletin: carrier.class() == Class::Bulletin,
    };
    let sentences = doc.sentences();
    let body = body_lines(doc, s, carrier);
    let mut hits = Vec::new();
    let reported = reported_sentences(sentences, carrier);
    let mut subject = None;
    for (sent, &rep) in sentences.iter().zip(&reported).filter(|(x, _)| body(x.line)) {
        let m = sentence_hits(sent, rep, &ctx, extra, &mut hits);
        if subject.is_none() {
            subject = m.and_then(|m| class_subject(sent, m));
        }
    }
    attachment_hits(doc, det, &mut hits);
    numbering_hits(doc, s, carrier, det, &mut hits);
    infer_audience(doc, subject, carrier, audience);
    if let Some(span) = audience.downward.or(audience.lower_governments) {
        hits.push(Hit {
            family: Family::Audience,
            span,
            weight: det.family_weight(Family::Audience).0,
            reported: false,
        });
    }
    let mut counters = counters(doc, s, carrier, audience, sentences, &hits);
    if let Some(span) = logistics(doc, s, carrier) {
        cap_logistics(&mut hits);
        counters.push(Counter { code: "WH109", span });
    }
    hits.sort_by_key(|h| (h.span, h.family));
    (hits, counters)
}

/// Which sentences relay someone else's words. A speech, once introduced
/// ("县长在讲话中指出，…"), runs on to the end of its paragraph. Speech is
/// discounted only where the carrier reports (简报, 通报, 纪要): a 工作提示
/// that passes on "会议要求，各乡镇要…" is giving that order itself. A duty
/// quoted from a law is discounted in every carrier.
fn reported_sentences(sentences: &[Sentence], carrier: Carrier) -> Vec<bool> {
    let reports = matches!(carrier.class(), Class::Bulletin | Class::Meeting);
    let minutes = carrier == Carrier::Minutes;
    let mut out = Vec::with_capacity(sentences.len());
    let mut speech_line = None;
    for x in sentences {
        let own_decision = minutes && x.is_match(Pat::MinutesDecision);
        if own_decision {
            speech_line = None;
        } else if reports && x.is_match(Pat::Reported) {
            speech_line = Some(x.line);
        }
        let cited = x.is_match(Pat::Citation);
        out.push(cited || (!own_decision && speech_line == Some(x.line)));
    }
    out
}

/// Lines whose sentences are scored: the body, or everything for a chat
/// message or a fragment the parser could not place.
fn body_lines<'s>(doc: &DocText, s: &Structure, carrier: Carrier) -> impl Fn(usize) -> bool + 's {
    let all = carrier == Carrier::Chat || s.body.is_empty();
    let body = s.body.clone();
    let skip: Vec<usize> = doc
        .lines
        .iter()
        .enumerate()
        .filter(|(_, l)| DISTRIBUTION_AT.is_match(l) || ATTENDANCE_AT.is_match(l) || ATTACHMENT_LINE_AT.is_match(l))
        .map(|(i, _)| i)
        .collect();
    let title = s.title.clone();
    let titles: Vec<usize> = doc
        .lines
        .iter()
        .enumerate()
        .take(8)
        .filter(|(_, l)| title.as_deref().is_some_and(|t| !l.is_empty() && t.contains(*l)))
        .map(|(i, _)| i)
        .collect();
    move |i| (all || body.contains(&i) || i >= body.end) && !skip.contains(&i) && !titles.contains(&i)
}

fn attachment_hits(doc: &DocText, det: &Detector, hits: &mut Vec<Hit>) {
    let (w, _) = det.family_weight(Family::Form);
    for (i, l) in doc.lines.iter().enumerate() {
        if !ATTACHMENT_LINE_AT.is_match(l) {
            continue;
        }
        let (m, weight) = match (
            ATTACHMENT_FORM.find(l).filter(|_| !RECEIPT.is_match(l)),
            RECEIPT.find(l),
        ) {
            (Some(m), _) => (m, w),
            (None, Some(m)) => (m, w / 4.0),
            _ => continue,
        };
        hits.push(Hit {
            family: Family::Form,
            span: line_span(doc, i, m),
            weight,
            reported: false,
        });
    }
}

/// A 文号-like number or an issue number on a carrier that is not counted.
fn numbering_hits(doc: &DocText, s: &Structure, carrier: Carrier, det: &Detector, hits: &mut Vec<Hit>) {
    if carrier.is_formal() {
        return;
    }
    let (w, _) = det.family_weight(Family::Numbering);
    let head = s.body.start.max(4).min(doc.lines.len());
    for (i, l) in doc.lines.iter().enumerate().take(head) {
        // Briefings and minutes are numbered by issue (第N期) by nature.
        let issue = || {
            ISSUE_NUMBER
                .find(l)
                .filter(|_| matches!(carrier.class(), Class::Prompt | Class::Letter))
        };
        if let Some(m) = NUMBERING.find(l).or_else(issue) {
            hits.push(Hit {
                family: Family::Numbering,
                span: line_span(doc, i, m),
                weight: w,
                reported: false,
            });
            return;
        }
    }
}

/// The class of units that is the subject of a directive sentence, unless
/// the sentence relays someone else's words.
fn class_subject(x: &Sentence, m: regex::Match) -> Option<Span> {
    if x.is_match(Pat::Reported) {
        return None;
    }
    let cls = CLASS_OF_UNITS.find(m.as_str())?;
    Some(x.span(m.start() + cls.start()..m.start() + cls.end()))
}

/// The audience from the body: the first body sentence with a class of units
/// as its subject (`subject`), else, in a chat, a class or @所有人.
fn infer_audience(doc: &DocText, subject: Option<Span>, carrier: Carrier, audience: &mut Audience) {
    if audience.downward.is_some() || audience.direction == Direction::Up {
        return;
    }
    // In a chat, @所有人 reaches units below only in a group of such units
    // (its name says 村, 社区, 乡镇 …); in an office's own group it is staff.
    let group_of_units = doc.lines.first().is_some_and(|l| LOWER_GROUP.is_match(l));
    let chat = || {
        (carrier == Carrier::Chat)
            .then(|| {
                doc.lines.iter().enumerate().find_map(|(i, l)| {
                    doc.line_find(i, Pat::ClassOfUnits)
                        .or_else(|| {
                            CHAT_CARRIER
                                .find(l)
                                .filter(|m| group_of_units && m.as_str().contains("所有人"))
                        })
                        .map(|m| line_span(doc, i, m))
                })
            })
            .flatten()
    };
    audience.downward = subject.or_else(chat);
    if audience.downward.is_some() && matches!(audience.direction, Direction::Unknown | Direction::Peer) {
        audience.direction = Direction::Down;
    }
}

static LOWER_GROUP: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"村|社区|乡镇|街道|网格|站所|卫生院|学校|书记|片区|镇|乡").expect("pattern"));

/// Meeting logistics: a meeting or training notice whose time, place and
/// receipt are the whole of what it asks (§6 C9).
fn logistics(doc: &DocText, s: &Structure, carrier: Carrier) -> Option<Span> {
    let title = s.title.as_deref().unwrap_or("");
    let meeting = |t: &str| {
        ["会议", "培训", "座谈", "参训", "参会", "研讨", "报名"]
            .iter()
            .any(|w| t.contains(w))
    };
    let logistic = |i: usize| doc.line_is_match(i, Pat::MeetingLogistics);
    let marks = (0..doc.lines.len()).filter(|&i| logistic(i)).count();
    // A receipt for a training or meeting place is logistics even when the
    // title does not say so ("关于推荐人员参加…的便函").
    let receipt = (0..doc.lines.len()).any(|i| doc.line_is_match(i, Pat::Receipt) && meeting(doc.lines[i]));
    let is_logistics = carrier != Carrier::Minutes
        && (carrier == Carrier::MeetingNotice
            || (meeting(title) && marks >= 2)
            || (receipt && (meeting(title) || marks >= 1)));
    if !is_logistics {
        return None;
    }
    let i = (0..doc.lines.len()).find(|&i| logistic(i) || doc.lines[i].contains(title))?;
    Some(doc.line_span(i))
}

/// Deadlines, reporting and forms of a meeting notice are its receipt: capped
/// at 5 points together.
fn cap_logistics(hits: &mut [Hit]) {
    let logistic = |f: Family| matches!(f, Family::Deadline | Family::Reporting | Family::Form);
    let sum: f64 = hits.iter().filter(|h| logistic(h.family)).map(|h| h.weight).sum();
    if sum > 5.0 {
        for h in hits.iter_mut().filter(|h| logistic(h.family)) {
            h.weight *= 5.0 / sum;
        }
    }
}

fn first_match(doc: &DocText, sentences: &[Sentence], p: Pat) -> Option<Span> {
    sentences
        .iter()
        .find_map(|x| x.find(p).map(|m| x.span(m.range())))
        .or_else(|| (0..doc.lines.len()).find_map(|i| doc.line_find(i, p).map(|m| line_span(doc, i, m))))
}

fn counters(
    doc: &DocText,
    s: &Structure,
    carrier: Carrier,
    audience: &Audience,
    sentences: &[Sentence],
    hits: &[Hit],
) -> Vec<Counter> {
    let mut out = Vec::new();
    let mut add = |code: &'static str, span: Option<Span>| {
        if let Some(span) = span {
            out.push(Counter { code, span });
        }
    };
    let class_audience = audience.downward.is_some() || audience.lower_governments.is_some();
    if audience.direction == Direction::Up {
        let title_line = doc
            .lines
            .iter()
            .position(|l| s.title.as_deref().is_some_and(|t| t.contains(*l)));
        add("WH101", audience.evidence.or(title_line.map(|i| doc.line_span(i))));
    }
    // Consultation is peer-like even when sent to many units (征求意见函), as
    // long as nothing in it sanctions.
    let sanctions = hits
        .iter()
        .any(|h| h.family == Family::Accountability && h.weight >= 4.0);
    let consult_title = s.title.as_deref().is_some_and(|t| PEER.is_match(t));
    if !class_audience || consult_title {
        // Reported speech is looked for only where a peer phrase is.
        let peer = sentences.iter().find_map(|x| {
            let m = x.find(Pat::Peer).filter(|_| !x.is_match(Pat::Reported))?;
            Some(x.span(m.range()))
        });
        add("WH102", peer.filter(|_| !sanctions || !class_audience));
    }
    let binding = hits
        .iter()
        .any(|h| h.family.is_binding() && !h.reported && h.weight >= 1.0);
    if !binding {
        add("WH103", first_match(doc, sentences, Pat::InfoOnly));
    }
    if carrier == Carrier::Minutes {
        let m = minutes(doc, sentences, audience);
        if m.attendance.is_some() && m.absent.is_empty() && !m.distributed_beyond {
            add("WH104", m.attendance);
        }
    }
    if carrier.is_formal() {
        add("WH105", first_match(doc, sentences, Pat::Forward));
    }
    if hits.iter().any(|h| h.reported) {
        let rep = sentences
            .iter()
            .find_map(|x| x.find(Pat::Reported).map(|m| x.span(m.range())));
        add("WH106", rep);
    }
    add("WH107", first_match(doc, sentences, Pat::Approval));
    if hits
        .iter()
        .any(|h| matches!(h.family, Family::Accountability | Family::Ranking))
    {
        let praise = sentences
            .iter()
            .find_map(|x| x.find(Pat::Commendation).map(|m| x.span(m.range())));
        add("WH108", praise);
    }
    out
}

/// What the minutes say about who attended and who is tasked.
pub struct Minutes {
    /// The first attendance line (出席/列席), if any.
    pub attendance: Option<Span>,
    /// Units given a task that did not attend.
    pub absent: Vec<Span>,
    /// Distributed (分送/发) to a class of units that did not attend.
    pub distributed_beyond: bool,
}

static TASKED_UNIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:由)?(?P<u>[\p{Han}]{1,12}?(?:局|镇|乡|街道|办|委|公司|中心|院|所|队|站|办公室|集团))(?:负责|牵头|要|须|务必|于|在|抓紧|会同|做好|组织|立即|尽快)")
        .expect("pattern")
});

/// A unit name without the place prefix: 县水务局 ~ 青禾县水务局 ~ 水务局.
fn unit_key(u: &str) -> &str {
    let cut = u
        .char_indices()
        .filter(|(_, c)| matches!(c, '县' | '市' | '区'))
        .map(|(i, c)| i + c.len_utf8())
        .find(|&i| i < u.len().saturating_sub(3));
    cut.map_or(u, |i| &u[i..])
}

pub fn minutes(doc: &DocText, sentences: &[Sentence], audience: &Audience) -> Minutes {
    let attendance_lines: Vec<usize> = (0..doc.lines.len())
        .filter(|&i| ATTENDANCE_AT.is_match(doc.lines[i]))
        .collect();
    let attended: String = attendance_lines
        .iter()
        .map(|&i| doc.lines[i])
        .collect::<Vec<_>>()
        .join("，");
    let mut absent = Vec::new();
    for x in sentences.iter().filter(|x| !ATTENDANCE_AT.is_match(doc.lines[x.line])) {
        // A class of units is tasked when it is the subject of a directive or
        // shares its sentence with a deadline, a report or a new task.
        let tasked = x.find(Pat::UnitSubjectModal).and_then(|m| {
            let c = CLASS_OF_UNITS.find(m.as_str())?;
            Some(m.start() + c.start()..m.start() + c.end())
        });
        let tasked = tasked.or_else(|| {
            let binds = x.is_match(Pat::Deadline) || x.is_match(Pat::Reporting) || x.is_match(Pat::NewTask);
            x.find(Pat::ClassOfUnits).filter(|_| binds).map(|c| c.range())
        });
        if let Some(r) = tasked {
            let class = x.text[r.clone()].trim_start_matches('各');
            // "各单位/各部门" in minutes means the units at the table.
            let generic = matches!(class, "单位" | "部门" | "有关单位" | "有关部门");
            if !generic && !attended.contains(class) {
                absent.push(x.span(r));
            }
        }
        // "各成员单位负责同志" attended: named departments are among them.
        let members = attended.contains("成员单位") || attended.contains("有关部门") || attended.contains("有关单位");
        for c in TASKED_UNIT.captures_iter(x.text) {
            let u = c.name("u").expect("group");
            let department = !matches!(u.as_str().chars().last(), Some('镇' | '乡' | '道'));
            if members && department {
                continue;
            }
            if !attendance_lines.is_empty() && !attended.contains(unit_key(u.as_str())) {
                absent.push(x.span(u.range()));
            }
        }
    }
    let distributed_beyond = audience.downward.is_some_and(|sp| {
        let t = doc.text(sp);
        let class = t.trim_start_matches('各').trim_end_matches("人民政府");
        let generic = matches!(class, "单位" | "部门" | "有关单位" | "有关部门");
        (!generic || attendance_lines.is_empty()) && !attended.contains(class)
    });
    Minutes {
        attendance: attendance_lines.first().map(|&i| doc.line_span(i)),
        absent,
        distributed_beyond,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yao_as_a_modal_and_inside_words() {
        assert!(bare_yao("各乡镇要加强巡查").is_some());
        assert!(bare_yao("主要负责同志").is_none());
        assert!(bare_yao("按照会议要求").is_none());
        assert!(bare_yao("会议纪要如下").is_none());
    }

    #[test]
    fn praise_phrases_are_commendations() {
        // `masked` skips sentences whose commendation gate is shut.
        for p in PRAISE {
            assert!(COMMENDATION.is_match(p), "{p}");
        }
    }

    #[test]
    fn unit_keys_drop_the_place() {
        assert_eq!(unit_key("青禾县水务局"), "水务局");
        assert_eq!(unit_key("县水务局"), "水务局");
        assert_eq!(unit_key("城关镇"), "城关镇");
    }
}
