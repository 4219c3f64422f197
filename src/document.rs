//! The domain types every stage shares: a [`Document`] as read and parsed, its
//! [`Structure`] (the 公文 elements of GB/T 9704), [`Genre`] and [`Date`].

use serde::{Serialize, Serializer};
use std::fmt;
use std::path::PathBuf;

/// A calendar date as written in a 公文 (成文日期). Only what the text states:
/// no time zone, no validation beyond the ranges the parser accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date {
    pub year: u16,
    pub month: u8,
    pub day: u8,
}

impl Date {
    pub fn new(year: u16, month: u8, day: u8) -> Option<Date> {
        let ok = (1900..=2100).contains(&year) && (1..=12).contains(&month) && (1..=31).contains(&day);
        ok.then_some(Date { year, month, day })
    }
}

impl std::str::FromStr for Date {
    type Err = ();
    /// Parses what [`Date`]'s `Display` writes: `YYYY-MM-DD`.
    fn from_str(s: &str) -> Result<Date, ()> {
        let mut it = s.split('-').map(|p| p.parse::<u16>().map_err(|_| ()));
        let (y, m, d) = (it.next().ok_or(())??, it.next().ok_or(())??, it.next().ok_or(())??);
        Date::new(y, u8::try_from(m).map_err(|_| ())?, u8::try_from(d).map_err(|_| ())?).ok_or(())
    }
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

impl Serialize for Date {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// 文种: the fifteen legal genres of 《党政机关公文处理工作条例》第八条, plus the
/// informal carriers offices use instead (not legal genres, but what reviewers
/// must see named).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Genre {
    // The fifteen legal genres.
    Resolution,   // 决议
    Decision,     // 决定
    Order,        // 命令（令）
    Communique,   // 公报
    Announcement, // 公告
    Notice,       // 通告
    Opinion,      // 意见
    Circular,     // 通知
    Bulletin,     // 通报
    Report,       // 报告
    Request,      // 请示
    Reply,        // 批复
    Motion,       // 议案
    Letter,       // 函 (incl. 复函)
    Minutes,      // 纪要 (incl. 会议纪要)
    // Not legal genres: rules, plans and informal carriers named by their title word.
    Rules,           // 条例 / 办法 / 规定 / 细则 / 规则
    Plan,            // 方案 / 计划 / 要点 / 规划
    WorkTip,         // 工作提示 / 提示 / 提示单
    Reminder,        // 提醒 / 提醒函
    InformalLetter,  // 便函
    ContactSlip,     // 工作联系单 / 联系单
    SupervisionSlip, // 督办单 / 督办通知
    Briefing,        // 简报 / 工作动态 / 信息
    Speech,          // 讲话
    Other,
}

impl Genre {
    /// The Chinese name reviewers use; this is what JSON carries.
    pub fn name(self) -> &'static str {
        use Genre::*;
        match self {
            Resolution => "决议",
            Decision => "决定",
            Order => "命令",
            Communique => "公报",
            Announcement => "公告",
            Notice => "通告",
            Opinion => "意见",
            Circular => "通知",
            Bulletin => "通报",
            Report => "报告",
            Request => "请示",
            Reply => "批复",
            Motion => "议案",
            Letter => "函",
            Minutes => "纪要",
            Rules => "规章制度",
            Plan => "方案",
            WorkTip => "工作提示",
            Reminder => "提醒函",
            InformalLetter => "便函",
            ContactSlip => "工作联系单",
            SupervisionSlip => "督办单",
            Briefing => "简报",
            Speech => "讲话",
            Other => "其他",
        }
    }

    /// Every genre, in declaration order.
    pub const ALL: [Genre; 25] = {
        use Genre::*;
        [
            Resolution,
            Decision,
            Order,
            Communique,
            Announcement,
            Notice,
            Opinion,
            Circular,
            Bulletin,
            Report,
            Request,
            Reply,
            Motion,
            Letter,
            Minutes,
            Rules,
            Plan,
            WorkTip,
            Reminder,
            InformalLetter,
            ContactSlip,
            SupervisionSlip,
            Briefing,
            Speech,
            Other,
        ]
    };

    /// The genre whose [`Genre::name`] is `name`.
    pub fn from_name(name: &str) -> Option<Genre> {
        Genre::ALL.into_iter().find(|g| g.name() == name)
    }

    /// True for the fifteen genres of 条例 第八条.
    pub fn is_legal(self) -> bool {
        (self as u8) <= (Genre::Minutes as u8)
    }
}

impl fmt::Display for Genre {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Genre {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.name())
    }
}

/// The 公文 elements found in a document. Every field is `None` when the text
/// does not show it: the parser never guesses.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Structure {
    /// 发文机关标志 (版头), e.g. "青禾县人民政府办公室文件", or a minutes mark "…会议纪要".
    pub issuer_mark: Option<String>,
    /// 发文字号 as written (normalised brackets), e.g. "青政办发〔2025〕9号".
    pub doc_number: Option<String>,
    /// 签发人 (upward documents).
    pub signer: Option<String>,
    /// 标题, joined when it was wrapped over several lines.
    pub title: Option<String>,
    pub genre: Option<Genre>,
    /// 主送机关 without the trailing colon.
    pub addressee: Option<String>,
    /// 发文机关: the 落款 signature, else the organisation in the 版头.
    pub issuer: Option<String>,
    /// 成文日期.
    pub date: Option<Date>,
    /// 抄送 line content.
    pub cc: Option<String>,
    /// 印发机关 (from the "…印发" line).
    pub printed_by: Option<String>,
    /// 印发日期.
    pub printed_on: Option<Date>,
    /// Line range (indices into the normalised lines, end exclusive) of the 正文.
    #[serde(skip)]
    pub body: std::ops::Range<usize>,
}

/// One file of the scan, after reading, normalising and parsing.
#[derive(Debug, Clone)]
pub struct Document {
    /// Path relative to the scan root, with '/' separators.
    pub path: String,
    pub abs_path: PathBuf,
    pub structure: Structure,
    /// Characters of the normalised text.
    pub chars: usize,
}
