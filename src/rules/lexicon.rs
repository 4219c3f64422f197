//! The signal lexicon: phrase classes that show a text binds its readers
//! (disguised-issuance.md §5) and phrases that show it does not (§6).
//!
//! Patterns are classes (a deadline is "a date + 前", a sanction is "纳入 … 考核"),
//! not sentences: the detector is measured on documents written by others.
//! Local terms from `wenshan.toml` are added per family at run time.

use super::prefilter::AtStart;
use regex::Regex;
use std::sync::LazyLock;

/// A family of signals, with its default weight per hit and cap per document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    /// D1 the text is addressed to units below the issuer.
    Audience,
    /// D2 directive modality (要/必须/务必/确保/严禁/不得).
    Directive,
    /// D3 a deadline.
    Deadline,
    /// D4 a demand to report, submit or send.
    Reporting,
    /// D5 accountability: assessment, sanctions, interviews.
    Accountability,
    /// D6 ranking of units.
    Ranking,
    /// D7 a new task, mechanism or standing rule.
    NewTask,
    /// D8 a form to fill.
    Form,
    /// D9 effect formulae of a formal document (自印发之日起施行).
    Effect,
    /// D9 distribution formulae (请认真贯彻执行).
    Enforce,
    /// D9 formal trappings (现将有关事项通知如下, 特此通知).
    Trapping,
    /// D10 numbering that imitates a 文号.
    Numbering,
    /// D11 chat-group directives (收到请回复, 接龙).
    Chat,
}

impl Family {
    pub const ALL: [Family; 13] = [
        Family::Audience,
        Family::Directive,
        Family::Deadline,
        Family::Reporting,
        Family::Accountability,
        Family::Ranking,
        Family::NewTask,
        Family::Form,
        Family::Effect,
        Family::Enforce,
        Family::Trapping,
        Family::Numbering,
        Family::Chat,
    ];

    /// The key used in `wenshan.toml` (`[white-header.lexicon] deadline = [...]`).
    pub fn key(self) -> &'static str {
        match self {
            Family::Audience => "audience",
            Family::Directive => "directive",
            Family::Deadline => "deadline",
            Family::Reporting => "reporting",
            Family::Accountability => "accountability",
            Family::Ranking => "ranking",
            Family::NewTask => "new_task",
            Family::Form => "form",
            Family::Effect => "effect",
            Family::Enforce => "enforce",
            Family::Trapping => "trapping",
            Family::Numbering => "numbering",
            Family::Chat => "chat",
        }
    }

    pub fn from_key(k: &str) -> Option<Family> {
        Family::ALL.into_iter().find(|f| f.key() == k)
    }

    pub fn name_zh(self) -> &'static str {
        match self {
            Family::Audience => "面向下级",
            Family::Directive => "指令语气",
            Family::Deadline => "时限要求",
            Family::Reporting => "报送要求",
            Family::Accountability => "考核问责",
            Family::Ranking => "排名通报",
            Family::NewTask => "部署新任务/新机制",
            Family::Form => "要求填报表格",
            Family::Effect => "生效条款",
            Family::Enforce => "执行要求用语",
            Family::Trapping => "正式公文套语",
            Family::Numbering => "仿文号编号",
            Family::Chat => "工作群指令",
        }
    }

    /// (weight per hit, cap per document), on the 0–100 score scale.
    pub fn default_weight(self) -> (f64, f64) {
        match self {
            Family::Audience => (15.0, 15.0),
            Family::Directive => (2.0, 12.0),
            Family::Deadline => (6.0, 15.0),
            Family::Reporting => (5.0, 15.0),
            Family::Accountability => (10.0, 20.0),
            Family::Ranking => (8.0, 16.0),
            Family::NewTask => (6.0, 15.0),
            Family::Form => (8.0, 10.0),
            Family::Effect => (12.0, 12.0),
            Family::Enforce => (6.0, 6.0),
            Family::Trapping => (3.0, 6.0),
            Family::Numbering => (6.0, 10.0),
            Family::Chat => (4.0, 12.0),
        }
    }

    /// Families that make a text binding: without one of them, directive tone
    /// alone never lifts a document above the review band (§7, gate 4).
    pub fn is_binding(self) -> bool {
        matches!(
            self,
            Family::Deadline | Family::Reporting | Family::Accountability | Family::NewTask | Family::Effect
        )
    }
}

/// Lexicon patterns are long alternations over Han text: with the default
/// 2 MiB lazy-DFA cache they kept rebuilding states (a fifth of a scan's CPU
/// in determinisation on the real corpus), so they get a larger cache.
pub(crate) fn re(p: &str) -> Regex {
    regex::RegexBuilder::new(p)
        .dfa_size_limit(32 << 20)
        .build()
        .expect("lexicon pattern compiles")
}

const CN_NUM: &str = "[0-9一二三四五六七八九十两]";

/// Units below the issuer, named as a class (各乡镇, 县直各部门, 各村（社区）).
pub static CLASS_OF_UNITS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"各(?:乡镇|乡|镇|街道|村|社区|县|区|市|旗|部门|单位|学校|中小学|中小学校|幼儿园|医院|卫生院|医疗卫生机构|医疗机构|站所|中队|派出所|片区|网格|园区|管委会|院|校|站|所|中心)|(?:县|市|区|州|省)直(?:各|有关)?(?:部门|单位)|各有关(?:部门|单位|乡镇|县|村)|全(?:县|市|区)各(?:乡镇|部门|单位|村)|你单位|你乡|你镇|你村|你们",
    )
});

/// Lower-level Party committees and governments as addressees (WH005/WH006).
pub static LOWER_GOVERNMENTS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"各(?:乡镇|乡|镇|街道)(?:人民政府|党委|政府|办事处|党工委)?(?:[（(]街道[）)])?|各(?:县|市|区|县市区)(?:[（(][市区、]+[）)])?(?:人民政府|党委|政府)|各(?:村|社区)(?:[（(]社区[）)])?(?:党组织|委员会|两委)?|各乡镇人民政府|[\p{Han}]{1,8}(?:镇|乡)人民政府|[\p{Han}]{2,4}(?:镇|乡|街道)(?:党委|政府)?(?:[、，,]|$)",
    )
});

/// Directive modal verbs that need no subject to bind.
pub static MODAL: LazyLock<Regex> =
    LazyLock::new(|| re(r"必须|务必|务求|一律|严禁|不得|确保|立即|抓紧|切实|严格落实|坚决|限期|须|应当"));

/// A class of units as the subject of a directive clause: 各乡镇要…, 各村务必….
pub static UNIT_SUBJECT_MODAL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:各(?:乡镇|乡|镇|街道|村|社区|县|区|部门|单位|学校|校|院|站|所|中心|医院|卫生院|企业|有关单位|有关部门)|[县市区]直各?(?:部门|单位)|你单位|你们|你镇|你乡|你村|你院|你校)[\p{Han}（）()、]{0,14}?(?:要|须|必须|务必|务求|一律|不得|严禁|应当|应|请|需)",
    )
});

pub static DEADLINE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"于?{n}{{1,3}}月{n}{{1,3}}日(?:[上下]午|中午|晚)?(?:{n}{{1,2}}(?:[:：][0-9]{{2}}|时|点)(?:半|[0-9]{{1,2}}分)?)?(?:前|之前|以前|止)|(?:于|在)?{n}{{1,3}}日(?:[上下]午)?(?:前|之前|以前)|每(?:月|周|季度|季|旬|半月|天|日)[^。；，]{{0,8}}?(?:{n}{{1,2}}日|周[一二三四五六日]|星期[一二三四五六日天])?(?:{n}{{1,2}}(?:时|点))?(?:前|之前)|(?:今天|今日|明天|明日|当天|当日|今晚|今早|明早|明晚|今夜|本周[一二三四五六日]?|下周[一二三四五六日]?|周[一二三四五六日]|[上下]午|中午|晚上)[^。；]{{0,6}}?(?:[上下]午|中午|晚上?)?(?:{n}{{1,2}}(?:[:：][0-9]{{2}}|时|点)(?:半)?)?(?:前|之前|下班前)|(?:{n}{{1,2}}月|年|本月|月|季度)(?:底|末|中旬|上旬|下旬)(?:前|之前)|限期|逾期|截止(?:时间|日期)?[:：为至]|限{n}{{1,3}}(?:个工作日|日|天|小时)内|{n}{{1,3}}个?(?:工作日|小时)内|即日起|(?:第一时间|立即)(?:报|上报|报送|反馈)|{n}{{1,2}}[:：][0-9]{{2}}(?:前|之前)|{n}{{1,2}}(?:时|点)(?:半)?(?:前|之前)",
        n = CN_NUM
    ))
});

pub static REPORTING: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"报送|上报|报至|报给|报县|报市|报区|报镇|报乡|报局|反馈至|反馈到|反馈给|及时反馈|书面反馈|提交至|提交到|发送至|发送到|发至|传至|交至|报备|备案|汇总后报|[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}|电子版|纸质版|加盖公章",
    )
});

pub static ACCOUNTABILITY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"纳入[^。；]{0,16}?(?:考核|考评|绩效|督查|督办|评先评优|目标管理|评价|评议|评比|述职)|与[^。；]{0,12}?(?:考核|绩效|评先评优)[^。；]{0,3}?挂钩|作为[^。；]{0,20}?(?:考核|考评|评先评优|奖惩|资金|拨付|奖补|补助|评比|评优|绩效)[^。；]{0,8}?依据|与[^。；]{0,10}?(?:资金|奖补|补助|拨付)[^。；]{0,4}?挂钩|表态发言|作检讨|书面检查|(?:不得|取消|暂停)[^。；]{0,8}?(?:评优|评先|评选|评比资格)|(?:抽查|定期|按月|每月|逐月|季度|逐季|每季)[^。；]{0,4}?通报|当面说明|书面说明|说明原因|点名批评|会上点名|例会上[^。；]{0,6}?点名|一票否决|通报批评|予以通报|进行通报|全(?:县|市|区|镇|乡)(?:范围内)?(?:通报|点名)|在全[县市区镇乡][^。；]{0,6}?通报|约谈|问责|追责|追究[^。；]{0,10}?责任|责任追究|严肃处理|严肃追究|扣分|扣减|挂牌督办|黄牌|红牌|曝光|点名通报|通报并|将被通报|将予以|视为未完成|督查问效|跟踪问效|效能问责",
    )
});

pub static RANKING: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"排名|排序|名次|倒数(?:第|前)?{n}*|后{n}+位|后{n}+名|末位|垫底|红黑榜|晾晒|亮灯|亮黄灯|打分排名|评分排名|通报排位",
        n = CN_NUM
    ))
});

pub static NEW_TASK: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:建立|健全|实行|推行|落实)[^。；，]{1,12}?(?:机制|制度|台账|清单|日报|周报|月报|包保|责任制)|成立[^。；]{1,16}?(?:领导小组|工作专班|专班|指挥部|工作组|工作小组|突击队)|(?:确定|明确|指定|安排|落实)[^。；，]{0,10}?(?:专人|联络员|管理员|信息员|责任人|分管领导|专班)|签订[^。；]{0,10}?(?:责任书|责任状|承诺书)|制定[^。；]{0,14}?(?:实施方案|工作方案|实施细则|细则|配套文件|贯彻落实意见|行动方案|整改方案)|(?:今后|从即日起|自即日起|此后|以后)[^。；]{0,24}?(?:一律|均须|均需|必须|须|应|不得|要)|凡[^。；]{2,24}?(?:一律|均须|均需|必须|均应|均不得)|开展[^。；]{1,16}?(?:专项行动|大排查|大整治|全覆盖|集中整治|专项检查|专项整治)|每(?:日|天|周|月)[^。；]{0,10}?(?:报送|上报|更新|巡查|排查|调度)|(?:覆盖率|完成率|达标率|参保率|签约率|注册率|入户率|知晓率|整改率)[^。；]{0,8}?(?:达到|以上|不低于|不少于|达)",
    )
});

pub static FORM: LazyLock<Regex> = LazyLock::new(|| {
    re(r"填写|填报|报表|统计表|汇总表|登记表|明细表|一览表|调查表|台账|模板|附表|清单表|信息表|情况表|花名册")
});

/// A form named in an attachment line: lists and rosters count there.
pub static ATTACHMENT_FORM: LazyLock<Regex> = LazyLock::new(|| re(r"表|清单|台账|模板|名单|名册|目录|底册|样表|格式"));

pub static ATTACHMENT_LINE: LazyLock<Regex> = LazyLock::new(|| re(r"^附(?:件|表)\s*[0-9]{0,2}\s*[:：.．、]?"));

pub static RECEIPT: LazyLock<Regex> = LazyLock::new(|| re(r"回执|报名表|参会"));

pub static EFFECT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"自(?:印发|发布|公布|下发|发文)之日起(?:施行|执行|实施|生效)|由[^。；]{1,20}?负责解释|同时废止|以本(?:通知|提示|提醒|纪要|联系单|函)为准|(?:本|此)(?:提示|提醒|纪要|联系单|便函|函|通报)[^。；]{0,6}?(?:执行|施行|实施|生效)",
    )
});

pub static ENFORCE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"请(?:各[^。；，]{1,10}?)?(?:认真)?(?:贯彻执行|贯彻落实|遵照执行|抓好落实|按照执行|严格执行|认真执行|照此执行|认真落实|抓紧落实)|请结合实际[^。；]{0,8}?(?:落实|执行)|遵照执行|抓好贯彻落实",
    )
});

pub static TRAPPING: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"现将(?:有关)?[^。；]{0,10}?(?:事项|要求)[^。；]{0,4}?(?:通知|提示|提醒|明确|通报|部署)如下|特此通知|特此提醒|特此提示|经[^。；]{1,12}?研究(?:决定|同意)?",
    )
});

pub static NUMBERING: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:提示|提醒|联系单|联系|督办|督查|通报|简报|便函|纪要|专报)[〔\[［(（【](?:19|20)[0-9]{2}[〕\]］)）】]\s*第?[0-9]*\s*号|[〔\[［【](?:19|20)[0-9]{2}[〕\]］】]\s*号",
    )
});

pub static ISSUE_NUMBER: LazyLock<Regex> =
    LazyLock::new(|| re(r"^[（(]?第\s*[0-9一二三四五六七八九十]{1,5}\s*期[）)]?"));

pub static CHAT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"[@＠](?:所有人|全体成员|all|ALL)|收到请回复|收到请回|回复[“"‘]?收到|请回复收到|收到回复|接龙|截图|拍照上传|上传照片|定位打卡|打卡|群内|在群里|群里报|发群里|发到群里|发群|群文件|私信|@[\p{Han}]{2,8}"#,
    )
});

/// Chat artefacts that show the carrier is a group message.
pub static CHAT_CARRIER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^【[^】]{0,30}(?:群|微信|钉钉|政务微信|QQ)[^】]{0,10}】|[@＠](?:所有人|全体成员)|^\S{1,12}\s+[0-9]{1,2}[:：][0-9]{2}(?:[:：][0-9]{2})?$|^[0-9]{4}[-/年][0-9]{1,2}[-/月][0-9]{1,2}日?\s+[0-9]{1,2}[:：][0-9]{2}|^\[?(?:群公告|群通知)\]?|工作群|微信群|钉钉群|QQ群|群公告|^[\[【(（]?[0-9]{4}[-/.][0-9]{1,2}[-/.][0-9]{1,2}\s+[0-9]{1,2}[:：][0-9]{2}(?:[:：][0-9]{2})?[\]】)）]?\s*\S{1,16}[:：]|^[\p{Han}（）()·]{2,30}(?:群|工作群|微信群)$",
    )
});

// ---- counter-signals (§6) ----

/// C1: written to a superior.
pub static UPWARD_FORMULA: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"妥否|当否|请批示|请审批|请审定|请审阅|请予批准|请予审批|特此报告|特此请示|恳请|请示如下|报告如下|请予批复|请批复|请领导审阅|呈报|以上报告",
    )
});

/// C2: peer consultation.
pub static PEER: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"商请|征求[^。；]{0,12}?意见|请予支持|请予函复|盼复|是否同意|请予协助|予以支持|予以协助|请协助|协助做好|给予支持|贵(?:局|委|办|院|单位|中心|大队|公司|所|厅|部|会|站|校|镇|乡|司|处)|为盼|望予支持|敬请支持|函商",
    )
});

/// C3: information only.
pub static INFO_ONLY: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"供参阅|仅供参考|供参考|无需回复|无需报送|不需回复|不需报送|无须回复|知悉即可|请知悉|供[^。；]{1,10}?(?:参考|参阅|借鉴)|请周知|特此告知|温馨提示|敬请关注|请注意防范",
    )
});

/// C6: reported speech — a leader's or a meeting's words relayed in a bulletin.
pub static REPORTED: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:书记|县长|市长|区长|镇长|乡长|主任|局长|部长|厅长|省长|主席|同志|领导|总理|秘书长|指挥长|组长|他|她)[\p{Han}]{0,4}?(?:在[^。；，]{0,24}?(?:时|上|中|期间))?[，,]?(?:强调|指出|要求|提出|表示|认为|希望|说|讲)|(?:会议|大会|讲话|调研中|座谈中|会上|[\p{Han}]{1,6}(?:组|团))[，,]?(?:强调|指出|提出|认为|要求)|据[^。；]{1,10}?(?:介绍|了解|统计)",
    )
});

/// The issuer's own plans ("我局将…"): not an order to anyone.
pub static SELF_COMMITMENT: LazyLock<Regex> = LazyLock::new(|| {
    re(r"(?:我局|本局|我们|我委|我办|我中心|局里|我县|本单位|我单位|我镇|我乡|我院)(?:将|已|拟|正在|计划)")
});

/// A recipient as the subject or the addressee of a clause.
pub static RECIPIENT: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"请(?:各|你|于|在|按|将|及时|务必|认真|抓紧|尽快|立即|做好|加强|组织|对照|结合|相关|有关)|各(?:乡镇|乡|镇|街道|村|社区|县|区|部门|单位|学校|校|院|站|所|中心|医院|卫生院|企业|有关)|你(?:单位|们|镇|乡|村|院|校)|[县市区]直",
    )
});

/// C6 for every carrier: a duty quoted from a law or an earlier document
/// ("《条例》第四十九条规定，…应当…") is not a new order.
pub static CITATION: LazyLock<Regex> =
    LazyLock::new(|| re(r"《[^》]{2,40}》(?:第[一二三四五六七八九十百零]+条)?[^。；，]{0,4}(?:规定|明确)"));

/// C6 inside minutes: the meeting's own decisions are not reported speech.
pub static MINUTES_DECISION: LazyLock<Regex> =
    LazyLock::new(|| re(r"会议(?:要求|议定|决定|明确|同意|确定|研究决定|认为|强调)"));

/// C7: the approval route of a department's downward document.
pub static APPROVAL: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"经(?:县|市|区|省|州|旗|镇|乡)?(?:委|人民政府|政府)[^。；]{0,6}?(?:同意|批准)|经[\p{Han}]{1,10}(?:县|市|区|省)(?:委|人民政府|政府)(?:同意|批准)",
    )
});

/// C8: commendation.
pub static COMMENDATION: LazyLock<Regex> = LazyLock::new(|| {
    re(r"通报表扬|予以表扬|予以表彰|表扬|表彰|嘉奖|先进典型|先进集体|先进个人|学习借鉴|通报如下[:：]?[^。]*表扬")
});

/// A sentence that describes problems found ("有的单位…", "个别乡镇仍…"):
/// the words it quotes are the problem, not an order.
pub static DESCRIPTIVE: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^[一二三四五六七八九十0-9、.（）()]*(?:有的|个别|少数|部分单位|仍有|仍存在|存在[^。；]{0,10}?问题)")
});

/// A consultation by its title: 征求意见, 商请.
pub static CONSULTATION: LazyLock<Regex> = LazyLock::new(|| re(r"征求[^。；]{0,24}?意见|商请|意见征询|征询意见"));

/// A negated signal: "不得以排名代替考核" explains a rule, it does not rank.
pub static NEGATED: LazyLock<Regex> =
    LazyLock::new(|| re(r"不得以|不得将|严禁以|禁止以|不再|不搞|不得随意|不得擅自要求|不要求|无需|不需要|避免"));

/// Attendance lines of minutes.
pub static ATTENDANCE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?:出席|列席|参加|参会|出席人员|列席人员|参加人员|参会人员|参会单位|参加单位|出席单位|列席单位|与会人员|与会单位|请假)\s*[:：]",
    )
});

/// Distribution and addressee lines: (label, rest).
pub static DISTRIBUTION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^(?P<label>主\s*送|分\s*送|发\s*送|抄\s*送|抄\s*报|报\s*送|印\s*发至|发至|发|送|报|印\s*送|下发|致|督办对象|收单单位|接收单位|收件单位|收文单位|承办单位|责任单位|送达单位|主送单位|发往|抄告|对象|提醒对象|提示对象|发送对象|通知对象)\s*[:：]\s*(?P<rest>.+)$",
    )
});

/// "视为无意见": a default for silence, not a sanction.
pub static CONSENT_DEFAULT: LazyLock<Regex> = LazyLock::new(|| re(r"视为(?:无意见|同意|无异议|认可|没有意见|放弃)"));

/// A 转发 wrapper: "现将《…》转发给你们".
pub static FORWARD: LazyLock<Regex> = LazyLock::new(|| {
    re(r"现将[^。；]{2,80}?(?:转发|印发|批转)给你们|^(?:关于)?(?:转发|批转|转送)[^。；]{2,80}的(?:通知|函|便函)$")
});

/// Meeting logistics: a notice of a meeting or training.
pub static MEETING_NOTICE_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:召开|举办|举行|参加|组织)[^。；]{0,40}?(?:会议|会|培训|培训班|座谈会|推进会|调度会|现场会|研讨|比赛|活动|讲座|论坛|考试|评审)[^。；]{0,6}?的?(?:通知|便函|函)$|会议通知$|培训通知$|(?:会议|培训)的通知$",
    )
});

pub static MEETING_LOGISTICS: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"会议时间|会议地点|参会人员|参加人员|培训时间|培训地点|报到时间|报到地点|时间[:：]|地点[:：]|会议议程|会议内容|参训人员|请准时参加|准时参会|会场|签到",
    )
});

/// WH008: a demand to report on implementation, or to draft implementing rules.
pub static IMPLEMENTATION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:贯彻落实|落实|执行|推进|整改|进展|开展|工作)情况[^。；]{0,20}?(?:报送|上报|报告|反馈|书面报)|(?:报送|上报|反馈)[^。；]{0,12}?(?:贯彻落实|落实|整改|进展)情况|制定[^。；]{0,14}?(?:实施方案|工作方案|实施细则|配套文件|贯彻落实意见|具体措施)",
    )
});

/// A title or quotation opens: 《…》 or “…”.
pub static QUOTE_MARK: LazyLock<Regex> = LazyLock::new(|| re("[《“]"));

/// 要, a modal verb when bare (see `signals::bare_yao`).
pub static YAO: LazyLock<Regex> = LazyLock::new(|| re("要"));

/// The patterns anchored at a line's start, tried only on lines that begin
/// the way they do.
pub static DISTRIBUTION_AT: AtStart = AtStart::new(&DISTRIBUTION);
pub static ATTENDANCE_AT: AtStart = AtStart::new(&ATTENDANCE);
pub static ATTACHMENT_LINE_AT: AtStart = AtStart::new(&ATTACHMENT_LINE);
pub static DESCRIPTIVE_AT: AtStart = AtStart::new(&DESCRIPTIVE);

/// Which lexicon patterns (and branches of them) may match a text, a bit each.
pub type Gate = u128;

/// The lexicon patterns run over every sentence or line, each behind a
/// literal gate ([`super::prefilter`]): one bit each of a [`Gate`]. Patterns
/// anchored at the start of a line, or run on a few lines only, are cheap
/// without one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Pat {
    ClassOfUnits,
    Modal,
    UnitSubjectModal,
    Deadline,
    Reporting,
    Accountability,
    Ranking,
    NewTask,
    Form,
    Receipt,
    Effect,
    Enforce,
    Trapping,
    Chat,
    Peer,
    InfoOnly,
    Reported,
    SelfCommitment,
    Recipient,
    Citation,
    MinutesDecision,
    Approval,
    Commendation,
    Negated,
    ConsentDefault,
    Forward,
    MeetingLogistics,
    QuoteMark,
    Yao,
    Implementation,
}

impl Pat {
    pub const ALL: [Pat; 30] = [
        Pat::ClassOfUnits,
        Pat::Modal,
        Pat::UnitSubjectModal,
        Pat::Deadline,
        Pat::Reporting,
        Pat::Accountability,
        Pat::Ranking,
        Pat::NewTask,
        Pat::Form,
        Pat::Receipt,
        Pat::Effect,
        Pat::Enforce,
        Pat::Trapping,
        Pat::Chat,
        Pat::Peer,
        Pat::InfoOnly,
        Pat::Reported,
        Pat::SelfCommitment,
        Pat::Recipient,
        Pat::Citation,
        Pat::MinutesDecision,
        Pat::Approval,
        Pat::Commendation,
        Pat::Negated,
        Pat::ConsentDefault,
        Pat::Forward,
        Pat::MeetingLogistics,
        Pat::QuoteMark,
        Pat::Yao,
        Pat::Implementation,
    ];

    pub fn regex(self) -> &'static Regex {
        match self {
            Pat::ClassOfUnits => &CLASS_OF_UNITS,
            Pat::Modal => &MODAL,
            Pat::UnitSubjectModal => &UNIT_SUBJECT_MODAL,
            Pat::Deadline => &DEADLINE,
            Pat::Reporting => &REPORTING,
            Pat::Accountability => &ACCOUNTABILITY,
            Pat::Ranking => &RANKING,
            Pat::NewTask => &NEW_TASK,
            Pat::Form => &FORM,
            Pat::Receipt => &RECEIPT,
            Pat::Effect => &EFFECT,
            Pat::Enforce => &ENFORCE,
            Pat::Trapping => &TRAPPING,
            Pat::Chat => &CHAT,
            Pat::Peer => &PEER,
            Pat::InfoOnly => &INFO_ONLY,
            Pat::Reported => &REPORTED,
            Pat::SelfCommitment => &SELF_COMMITMENT,
            Pat::Recipient => &RECIPIENT,
            Pat::Citation => &CITATION,
            Pat::MinutesDecision => &MINUTES_DECISION,
            Pat::Approval => &APPROVAL,
            Pat::Commendation => &COMMENDATION,
            Pat::Negated => &NEGATED,
            Pat::ConsentDefault => &CONSENT_DEFAULT,
            Pat::Forward => &FORWARD,
            Pat::MeetingLogistics => &MEETING_LOGISTICS,
            Pat::QuoteMark => &QUOTE_MARK,
            Pat::Yao => &YAO,
            Pat::Implementation => &IMPLEMENTATION,
        }
    }

    pub(crate) fn bit(self) -> Gate {
        1 << self as u32
    }

    /// Long alternations of open-ended branches (纳入…考核, 建立…机制, 月…日前):
    /// run branch by branch, each behind its own gate. Together their lazy
    /// DFA tracks every branch opened anywhere in the sentence at once and
    /// grows to megabytes; apart, each stays small and runs only where its
    /// own literals are.
    pub(crate) fn by_branch(self) -> bool {
        matches!(self, Pat::Deadline | Pat::Accountability | Pat::NewTask)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_need_a_limit_word() {
        assert!(DEADLINE.is_match("请于5月20日前报送"));
        assert!(DEADLINE.is_match("每周五17时前报送"));
        assert!(DEADLINE.is_match("今天下午5点前接龙"));
        assert!(DEADLINE.is_match("6月底前完成"));
        assert!(!DEADLINE.is_match("9月1日至9月7日早晚高峰"));
    }

    #[test]
    fn classes_of_units_are_found_in_addressee_lines() {
        for s in [
            "各乡镇人民政府：",
            "各乡镇（街道）、县直各部门：",
            "各村（社区）",
            "市直有关单位",
        ] {
            assert!(CLASS_OF_UNITS.is_match(s), "{s}");
        }
        assert!(!CLASS_OF_UNITS.is_match("县人民政府："));
    }

    #[test]
    fn sanctions_and_praise_are_different_classes() {
        assert!(ACCOUNTABILITY.is_match("纳入年度目标考核"));
        assert!(ACCOUNTABILITY.is_match("将在全县通报"));
        assert!(COMMENDATION.is_match("予以通报表扬"));
    }

    #[test]
    fn every_family_has_a_unique_key() {
        for f in Family::ALL {
            assert_eq!(Family::from_key(f.key()), Some(f));
        }
    }
}
