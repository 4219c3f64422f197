//! Who writes to whom (disguised-issuance.md §4, steps 2–3). The hard cases
//! turn on direction and authority, not on word counts: a request for data
//! between equal-rank agencies is not an order; a 请示 quoting the orders it
//! wants issued is the opposite of disguised issuance.

use super::lexicon::{Pat, CLASS_OF_UNITS, DISTRIBUTION_AT, LOWER_GOVERNMENTS, UPWARD_FORMULA};
use super::text::{DocText, Span};
use crate::config::Organisation;
use crate::document::Structure;
use regex::Regex;
use std::sync::LazyLock;

/// Administrative level, higher is senior.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Village,
    Township,
    County,
    City,
    Province,
}

/// What kind of body an organisation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A Party committee or a people's government.
    Government,
    /// Its general office (办公室/办公厅): may address lower governments when authorised.
    GovernmentOffice,
    /// A functional department (局, 委, 办, 中心 …).
    Department,
    /// A coordinating body (领导小组, 指挥部, 专班, 安委办 …).
    Coordinating,
    /// An internal unit of a department (科, 股, 室, 大队): may not issue externally.
    Internal,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Org {
    pub level: Option<Level>,
    pub kind: Kind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Down,
    Up,
    Peer,
    Internal,
    Public,
    Unknown,
}

impl Direction {
    pub fn key(self) -> &'static str {
        match self {
            Direction::Down => "down",
            Direction::Up => "up",
            Direction::Peer => "peer",
            Direction::Internal => "internal",
            Direction::Public => "public",
            Direction::Unknown => "unknown",
        }
    }
}

const NOT_LEVEL: [&str; 14] = [
    "农村",
    "乡村",
    "城乡",
    "市场",
    "城市",
    "市政",
    "市容",
    "社区卫生",
    "区域",
    "村镇",
    "新区",
    "园区",
    "景区",
    "小区",
];
static LEVEL_WORD: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"省|自治区|市|州|盟|县|区|旗|镇|乡|街道|村|社区").expect("pattern"));
static COORDINATING: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"领导小组|指挥部|工作专班|专班|联席会议|委员会办公室|安委办|爱卫办|防指|河长办|林长办|创建办|攻坚办|整治办|治理办|工作组|推进办|协调小组|机制办公室|机制办|减负办|专项办").expect("pattern")
});
static INTERNAL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:局|委|厅|院|部)[\p{Han}]{1,10}(?:科|股|处|大队|中队|支队|中心|站|所)$|(?:科|股)$|^[\p{Han}]{2,8}(?:科|股)$").expect("pattern")
});
static GOVERNMENT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:人民政府|政府|党委|[县市区镇乡]委|党工委|街道办事处|管委会|村民委员会|居民委员会|村委会|居委会)$")
        .expect("pattern")
});
static GOV_OFFICE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:人民政府|政府|[县市区镇乡]委|党委)办公(?:室|厅)$|^(?:[县市区省]政府办|[县市区省]委办|党政办|政府办|党政综合办公室)").expect("pattern")
});
/// "县人民政府征兵办公室": an office named for a task, set up by the government.
static GOV_NAMED_OFFICE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"人民政府[\p{Han}]{2,10}办公室$").expect("pattern"));
static SUPERIOR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:[\p{Han}]{0,10}(?:省|市|县|区|州))?(?:人民政府|委员会|党委|[省市县区]委|政府|人大常委会)(?:办公室|办公厅)?[：:]?$").expect("pattern")
});
static INTERNAL_AUDIENCE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"机关各(?:科室|股室|处室|部门)|各(?:科室|股室|处室)|全体(?:干部|职工|党员|人员)|本(?:局|单位|委|办)[^，。；]{0,6}(?:人员|同志|干部)|机关全体").expect("pattern")
});
static ENTERPRISE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:公司|企业|集团|厂|商店|超市|酒店|合作社|商户|经营户|经营者|业主|物业)[：:]?$").expect("pattern")
});
static PUBLIC: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"广大|市民|居民朋友|村民朋友|群众朋友|各位家长|家长朋友|同学们|游客|驾驶人|社会各界").expect("pattern")
});

/// The organisation an issuer name denotes; `None` for a name we cannot read.
pub fn org(name: &str, local: &Organisation) -> Org {
    let name = name.trim();
    // Level words inside department names (农村, 市场, 城乡 …) say nothing about level.
    let mut masked = name.to_string();
    for w in NOT_LEVEL {
        masked = masked.replace(w, &"〇".repeat(w.chars().count()));
    }
    let level = LEVEL_WORD.find_iter(&masked).last().map(|m| match m.as_str() {
        "省" | "自治区" => Level::Province,
        "市" | "州" | "盟" => Level::City,
        "县" | "区" | "旗" => Level::County,
        "镇" | "乡" | "街道" => Level::Township,
        _ => Level::Village,
    });
    let kind = if local.internal_units.iter().any(|u| name.contains(u.as_str())) {
        Kind::Internal
    } else if local.coordinating_bodies.iter().any(|u| name.contains(u.as_str()))
        || COORDINATING.is_match(name)
        || GOV_NAMED_OFFICE.is_match(name)
    {
        Kind::Coordinating
    } else if GOV_OFFICE.is_match(name) {
        Kind::GovernmentOffice
    } else if GOVERNMENT.is_match(name) {
        Kind::Government
    } else if INTERNAL.is_match(name) && !name.ends_with("办公室") {
        Kind::Internal
    } else {
        Kind::Department
    };
    Org { level, kind }
}

/// Who the text is addressed to, with the line that says so.
#[derive(Debug, Clone)]
pub struct Audience {
    pub direction: Direction,
    /// The addressee or distribution span naming units below, if any.
    pub downward: Option<Span>,
    /// Lower-level Party committees or governments among the addressees.
    pub lower_governments: Option<Span>,
    /// Where an upward or peer reading comes from.
    pub evidence: Option<Span>,
}

/// Lines that address the text: the 主送 line (parsed) and the distribution
/// lines of the 版记 (分送/发/印发至). 抄报/报 lines go up and are skipped.
fn addressee_lines(doc: &DocText, s: &Structure) -> Vec<(usize, bool)> {
    let mut out = Vec::new();
    if let Some(to) = s.addressee.as_deref() {
        if let Some(i) = doc.lines.iter().position(|l| l.starts_with(to) || l.contains(to)) {
            out.push((i, true));
        }
    }
    // A salutation the parser did not take for the 主送 (an odd title block
    // above it): a short early line naming units and ending in a colon.
    for (i, l) in doc.lines.iter().enumerate().take(8) {
        let short = l.chars().count() <= 60;
        if short
            && (l.ends_with('：') || l.ends_with(':'))
            && CLASS_OF_UNITS.is_match(l)
            && !out.iter().any(|o| o.0 == i)
        {
            out.push((i, true));
        }
    }
    // "工作联系单（县水利局→各乡镇）": an arrow in the heading names the addressee.
    for (i, l) in doc.lines.iter().enumerate().take(4) {
        if l.contains('→') {
            out.push((i, true));
        }
    }
    for (i, l) in doc.lines.iter().enumerate() {
        if let Some(c) = DISTRIBUTION_AT.captures(l) {
            let label: String = c["label"].chars().filter(|c| !c.is_whitespace()).collect();
            let up = matches!(label.as_str(), "抄报" | "报" | "报送");
            out.push((i, !up));
        }
    }
    out
}

/// Direction of the text from its addressees, distribution and formulae.
pub fn audience(doc: &DocText, s: &Structure, issuer: &Org, upward_genre: bool, local: &Organisation) -> Audience {
    let mut a = Audience {
        direction: Direction::Unknown,
        downward: None,
        lower_governments: None,
        evidence: None,
    };
    let lines = addressee_lines(doc, s);
    let find = |re: &Regex, want_down: bool| {
        lines
            .iter()
            .filter(|(_, down)| *down || !want_down)
            .find_map(|&(i, _)| {
                let l = doc.lines[i];
                let m = whole_unit(re, l)?;
                let start = l[..m.start()].chars().count();
                Some(Span {
                    line: i,
                    start,
                    end: start + m.as_str().chars().count(),
                })
            })
    };
    a.downward = find(&CLASS_OF_UNITS, true).or_else(|| local_lower(doc, &lines, local));
    a.lower_governments = find(&LOWER_GOVERNMENTS, true).filter(|sp| {
        // A named township government is below a county body, not below a peer township.
        let to = org(&doc.text(*sp), local);
        match (to.level, issuer.level) {
            (Some(t), Some(i)) => t < i,
            _ => true,
        }
    });
    if a.downward.is_none() {
        a.downward = a.lower_governments;
    }
    let closing = doc.lines.iter().enumerate().rev().take(8).find_map(|(i, l)| {
        UPWARD_FORMULA.find(l).map(|m| {
            let start = l[..m.start()].chars().count();
            Span {
                line: i,
                start,
                end: start + m.as_str().chars().count(),
            }
        })
    });
    let addressee = s.addressee.as_deref().unwrap_or("");
    let superior = !addressee.is_empty() && !addressee.starts_with('各') && SUPERIOR.is_match(addressee) && {
        let to = org(addressee, local);
        match (to.level, issuer.level) {
            (Some(t), Some(i)) => t > i || (t == i && to.kind == Kind::Government && issuer.kind != Kind::Government),
            _ => true,
        }
    };
    // Staff of the issuer, or an enterprise it regulates: neither is a unit
    // below it in the sense of the document caps.
    let regulated = ENTERPRISE.is_match(addressee) && !CLASS_OF_UNITS.is_match(addressee);
    if INTERNAL_AUDIENCE.is_match(addressee) || regulated {
        a.downward = None;
        a.lower_governments = None;
    }
    a.direction = if upward_genre || (closing.is_some() && a.downward.is_none()) || (superior && a.downward.is_none()) {
        a.evidence = closing.or_else(|| find(&SUPERIOR, false));
        Direction::Up
    } else if a.downward.is_some() {
        Direction::Down
    } else if INTERNAL_AUDIENCE.is_match(addressee) {
        Direction::Internal
    } else if regulated
        || PUBLIC.is_match(addressee)
        || (addressee.is_empty() && doc.lines.iter().take(4).any(|l| PUBLIC.is_match(l)))
    {
        Direction::Public
    } else if !addressee.is_empty() && (0..doc.lines.len()).any(|i| doc.line_is_match(i, Pat::Peer)) {
        Direction::Peer
    } else if !addressee.is_empty() {
        let to = org(addressee, local);
        match (to.level, issuer.level) {
            (Some(t), Some(i)) if t < i => Direction::Down,
            (Some(t), Some(i)) if t == i => Direction::Peer,
            _ => Direction::Unknown,
        }
    } else {
        Direction::Unknown
    };
    a
}

/// The first match that names a whole unit: "各乡镇" in "各乡镇、县直各部门" but
/// not in "各乡镇财政所" (a township's station, not its government).
fn whole_unit<'l>(re: &Regex, line: &'l str) -> Option<regex::Match<'l>> {
    re.find_iter(line).find(|m| {
        if !std::ptr::eq(re, &*LOWER_GOVERNMENTS) {
            return true;
        }
        let next = line[m.end()..].chars().next();
        next.is_none_or(|c| !is_han(c) || "和及与等".contains(c))
    })
}

fn is_han(c: char) -> bool {
    ('\u{4E00}'..='\u{9FFF}').contains(&c)
}

/// Units the local config names as lower-level, found on an addressee line.
fn local_lower(doc: &DocText, lines: &[(usize, bool)], local: &Organisation) -> Option<Span> {
    lines.iter().filter(|(_, d)| *d).find_map(|&(i, _)| {
        let l = doc.lines[i];
        local.lower_units.iter().find_map(|u| {
            let b = l.find(u.as_str())?;
            let start = l[..b].chars().count();
            Some(Span {
                line: i,
                start,
                end: start + u.chars().count(),
            })
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn o(name: &str) -> Org {
        org(name, &Organisation::default())
    }

    #[test]
    fn organisation_names_give_level_and_kind() {
        assert_eq!(
            o("青禾县人民政府"),
            Org {
                level: Some(Level::County),
                kind: Kind::Government
            }
        );
        assert_eq!(o("青禾县应急管理局").kind, Kind::Department);
        assert_eq!(o("青禾县人民政府办公室").kind, Kind::GovernmentOffice);
        assert_eq!(o("青禾县防汛抗旱指挥部办公室").kind, Kind::Coordinating);
        assert_eq!(o("青禾县石桥镇人民政府").level, Some(Level::Township));
        assert_eq!(o("县市场监管局食品安全科").kind, Kind::Internal);
        assert_eq!(o("青禾县卫生健康委员会").kind, Kind::Department);
    }
}
