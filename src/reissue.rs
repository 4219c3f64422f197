//! Reissue normalisation (redundancy.md §3, N2–N6): the tokens that a
//! re-dated or level-substituted copy changes — years, dates, 文号, numbers,
//! level words (全省 → 全县) and organisation names — found in the normalised
//! text so they can be replaced by one placeholder each before passage
//! hashing, and compared raw afterwards to say what changed.

use crate::report::Change;
use regex::Regex;
use std::sync::LazyLock;

/// What a reissue placeholder stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum TokenKind {
    DocNumber,
    Date,
    Year,
    Organisation,
    Level,
    Number,
}

impl TokenKind {
    const ALL: [TokenKind; 6] = [
        TokenKind::DocNumber,
        TokenKind::Date,
        TokenKind::Year,
        TokenKind::Organisation,
        TokenKind::Level,
        TokenKind::Number,
    ];

    /// The `kind` of a [`Change`] in the JSON contract.
    pub fn name(self) -> &'static str {
        match self {
            TokenKind::DocNumber => "doc_number",
            TokenKind::Date => "date",
            TokenKind::Year => "year",
            TokenKind::Organisation => "organisation",
            TokenKind::Level => "level",
            TokenKind::Number => "number",
        }
    }

    /// The one character that replaces a token of this kind. Yi syllables:
    /// letters (so the comparison key keeps them) that no 公文 contains.
    pub fn placeholder(self) -> char {
        char::from_u32(0xA000 + self as u32).unwrap_or('\u{A000}')
    }

    fn group(self) -> &'static str {
        match self {
            TokenKind::DocNumber => "docno",
            TokenKind::Date => "date",
            TokenKind::Year => "year",
            TokenKind::Organisation => "org",
            TokenKind::Level => "level",
            TokenKind::Number => "num",
        }
    }
}

/// One token found in a text: char offsets (end exclusive) and the raw value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub kind: TokenKind,
    pub start: usize,
    pub end: usize,
    pub raw: String,
}

/// Functions that name a government body once a level or place is put before
/// them (县应急管理局, 云岭市人民政府办公室). A closed list: an open `\p{Han}+局`
/// would eat 市场监督管理局's 市场.
const FUNCTIONS: &str = "人民政府办公厅|人民政府办公室|人民政府|政府办公厅|政府办公室|政府办|应急管理|教育|公安|民政|财政|\
人力资源和社会保障|人力资源社会保障|自然资源和规划|自然资源|生态环境|住房和城乡建设|住房城乡建设|交通运输|水利|农业农村|\
商务|文化和旅游|文化广电旅游|卫生健康|卫生和计划生育|市场监督管理|市场监管|林业和草原|林业|气象|发展和改革|发展改革|\
工业和信息化|经济和信息化|司法|审计|统计|医疗保障|退役军人事务|消防救援|河长|防汛抗旱指挥部|安全生产委员会|安委|\
委办公室|委办公厅|委组织部|委宣传部|乡村振兴|城市管理|综合行政执法|体育|科学技术|科技|能源|粮食和物资储备|信访";

const SUFFIXES: &str = "办公室|办公厅|委员会|指挥部|支队|大队|中心|厅|局|委|办|部|";

/// Place-name characters: Han, but not the words that sit before a level
/// character in running text (各县, 全市, 经县政府, 我市).
const PLACE: &str = r"[\p{Han}&&[^各全本我该和与及的等要由向对经请报在将从为按省市县区镇乡]]{2,4}?";

static TOKEN_RE: LazyLock<Regex> = LazyLock::new(|| {
    let docno = r"〔(?:19|20)[0-9]{2}〕第?[0-9]{1,5}号";
    let date = concat!(
        r"(?:19|20)[0-9]{2}年(?:1[0-2]|0?[1-9])月(?:3[01]|[12][0-9]|0?[1-9])日",
        r"|[〇○零一二三四五六七八九]{4}年(?:十[一二]?|[一二三四五六七八九])月(?:三十一?|二十[一二三四五六七八九]?|十[一二三四五六七八九]?|[一二三四五六七八九])日",
        r"|(?:1[0-2]|0?[1-9])月(?:3[01]|[12][0-9]|0?[1-9])日",
    );
    let year = r"(?:19|20)[0-9]{2}(?:[-—－–至到](?:19|20)[0-9]{2})?年度?";
    let org = format!(r"(?P<place>{PLACE})?(?:省|市|州|县|区|镇|乡)(?:{FUNCTIONS})(?:{SUFFIXES})");
    let level = concat!(
        r"全(?:国|省|市|州|县|区|旗|镇|乡)",
        r"|党中央|省委|市委|州委|县委|区委|旗委|镇党委|乡党委",
        r"|国务院|(?:省|市|县|区|镇|乡)人民政府|(?:省|市|县|区)政府",
        r"|中央和国家机关各部门|(?:省|市|县|区)直各(?:部门|单位)|(?:省|市|县|区)直",
        r"|各省（区、市）|各市（州）|各设区市|各县（市、区）|各县市区|各区县|各乡镇（街道）|各乡镇|各街道|各村（社区）|各村",
        r"|(?:本|我|该)(?:省|市|州|县|区|镇|乡)",
        r"|(?:国家|省|市|县|区|乡镇)级",
    );
    let num = r"[0-9]+(?:\.[0-9]+)?%?";
    // Alternation order is priority at one start position: a full date wins
    // over its year, an organisation over the level word it begins with.
    Regex::new(&format!(
        "(?P<docno>{docno})|(?P<date>{date})|(?P<year>{year})|(?P<org>{org})|(?P<level>{level})|(?P<num>{num})"
    ))
    .expect("reissue token pattern compiles")
});

/// The reissue tokens of a text, in order, non-overlapping, char offsets.
pub fn tokens(text: &str) -> Vec<Token> {
    let mut out = Vec::new();
    // Byte → char offsets, walking forward once.
    let (mut byte, mut chars) = (0usize, 0usize);
    let mut char_at = |b: usize| {
        chars += text[byte..b].chars().count();
        byte = b;
        chars
    };
    for caps in TOKEN_RE.captures_iter(text) {
        let Some((kind, m)) = TokenKind::ALL
            .iter()
            .find_map(|k| caps.name(k.group()).map(|m| (*k, m)))
        else {
            continue;
        };
        // 全市场 is a finance term, not a level word.
        if kind == TokenKind::Level && m.as_str() == "全市" && text[m.end()..].starts_with('场') {
            continue;
        }
        // A place name glued to the word before it (…发送至县安委) is a
        // guess too far: keep the level and function only.
        let m_start = match caps.name("place") {
            Some(p) if text[..p.start()].chars().next_back().is_some_and(is_han) => p.end(),
            _ => m.start(),
        };
        let start = char_at(m_start);
        let end = char_at(m.end());
        out.push(Token {
            kind,
            start,
            end,
            raw: text[m_start..m.end()].to_string(),
        });
    }
    out
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{3400}'..='\u{4DBF}' | '\u{4E00}'..='\u{9FFF}')
}

/// The text with every token replaced by its placeholder character.
pub fn mask(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut toks = tokens(text).into_iter().peekable();
    for (i, c) in text.chars().enumerate() {
        match toks.peek() {
            Some(t) if i == t.start => out.push(t.kind.placeholder()),
            Some(t) if i > t.start && i < t.end => {}
            _ => out.push(c),
        }
        if toks.peek().is_some_and(|t| i + 1 >= t.end) {
            toks.next();
        }
    }
    out
}

/// Collects the substitutions between aligned tokens: distinct, in order of
/// first appearance, identical values left out.
#[derive(Debug, Default, Clone)]
pub struct ChangeList(Vec<Change>);

impl ChangeList {
    pub fn add(&mut self, kind: TokenKind, from: &str, to: &str) {
        if from == to || self.0.iter().any(|c| c.from == from && c.to == to) {
            return;
        }
        self.0.push(Change {
            kind: kind.name(),
            from: from.to_string(),
            to: to.to_string(),
        });
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn into_vec(self) -> Vec<Change> {
        self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(TokenKind, String)> {
        tokens(text).into_iter().map(|t| (t.kind, t.raw)).collect()
    }

    #[test]
    fn dates_years_and_doc_numbers_are_tokens() {
        use TokenKind::*;
        assert_eq!(
            kinds("青政办发〔2024〕7号，2024年4月12日印发，做好2024—2025年度工作，5月15日前"),
            vec![
                (DocNumber, "〔2024〕7号".into()),
                (Date, "2024年4月12日".into()),
                (Year, "2024—2025年度".into()),
                (Date, "5月15日".into()),
            ]
        );
        assert_eq!(
            kinds("二〇二五年四月十八日"),
            vec![(Date, "二〇二五年四月十八日".into())]
        );
    }

    #[test]
    fn level_words_are_listed_compounds_only() {
        use TokenKind::*;
        assert_eq!(kinds("全省各级"), vec![(Level, "全省".into())]);
        assert_eq!(kinds("各县（市、区）要"), vec![(Level, "各县（市、区）".into())]);
        assert_eq!(kinds("经县政府同意"), vec![(Level, "县政府".into())]);
        // 市场, 城市, 县域 and 全市场 are not level words.
        assert!(kinds("全市场规范城市县域经济市场监督").is_empty());
    }

    #[test]
    fn organisations_take_their_place_name() {
        use TokenKind::*;
        assert_eq!(
            kinds("青禾县应急管理局、云岭市人民政府办公室"),
            vec![
                (Organisation, "青禾县应急管理局".into()),
                (Organisation, "云岭市人民政府办公室".into())
            ]
        );
        assert_eq!(kinds("要求县教育局"), vec![(Organisation, "县教育局".into())]);
        assert_eq!(kinds("同步发送至县安委办"), vec![(Organisation, "县安委办".into())]);
        assert_eq!(
            kinds("示例省应急管理厅"),
            vec![(Organisation, "示例省应急管理厅".into())]
        );
    }

    #[test]
    fn mask_replaces_each_token_by_one_placeholder() {
        let a = mask("全省各地2024年4月1日前完成");
        let b = mask("全县各地2025年6月30日前完成");
        assert_eq!(a, b);
        assert_eq!(a.chars().count(), "XX各地XX前完成".chars().count() - 2);
        assert_eq!(mask("没有可替换的词"), "没有可替换的词");
    }

    #[test]
    fn change_list_dedupes_in_order_and_skips_equal_values() {
        let mut c = ChangeList::default();
        c.add(TokenKind::Year, "2023年", "2025年");
        c.add(TokenKind::Level, "全省", "全县");
        c.add(TokenKind::Year, "2023年", "2025年");
        c.add(TokenKind::Number, "5", "5");
        let v = c.into_vec();
        assert_eq!(v.len(), 2);
        assert_eq!(
            (v[0].kind, v[0].from.as_str(), v[0].to.as_str()),
            ("year", "2023年", "2025年")
        );
        assert_eq!(v[1].kind, "level");
    }
}
