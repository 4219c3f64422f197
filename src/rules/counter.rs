//! Counter-signals (disguised-issuance.md §6) as rules WH101–WH109: each one
//! is evidence that a text is *not* a disguised order, shown to the reviewer
//! with its span like any finding, with a negative weight or a discount.

use super::{Analysis, Evidence, Rule, RuleDoc};

macro_rules! counter_rule {
    ($name:ident, $code:literal, $title:literal, $summary:literal, $why:literal, $weight:expr, $fires:expr, $passes:expr) => {
        static $name: RuleDoc = RuleDoc {
            code: $code,
            name: $title,
            summary: $summary,
            why: $why,
            basis: "disguised-issuance.md §6（反向信号）",
            weight: $weight,
            fires: $fires,
            passes: $passes,
        };
    };
}

counter_rule!(
    UPWARD,
    "WH101",
    "上行文",
    "主送上级机关，或使用“妥否，请批示”“特此报告”等上行用语",
    "请示、报告写给上级，其中的时限和“必须”是请上级决定的事项，与变相发文正相反。分数压至 20 以下。",
    -30.0,
    &["关于申请调整镇区公交站点的请示\n青禾县人民政府：\n我镇拟将公交站点南移200米，须于8月底前完成施工。\n妥否，请批示。\n青禾县石桥镇人民政府\n2025年6月12日\n"],
    &["关于开展汛前排查的工作提示\n各乡镇人民政府：\n请于5月20日前完成排查。\n青禾县应急管理局\n2025年5月8日\n"]
);

counter_rule!(
    PEER,
    "WH102",
    "平行商洽",
    "商请、征求意见、请予支持、请予函复等平行机关之间的商洽用语，且未面向下级",
    "函用于不相隶属机关之间商洽工作、询问和答复问题；请对方在某日前协助不是命令。",
    -15.0,
    &["关于商请协助做好学校周边交通安全保障的函\n青禾县公安局交通管理大队：\n商请贵大队在开学期间加强疏导，请予函复。\n青禾县教育局\n2025年8月20日\n"],
    &["关于报送数据的通知\n各乡镇：\n请于6月1日前报送。\n青禾县统计局\n2025年5月8日\n"]
);

counter_rule!(
    INFO,
    "WH103",
    "仅供知悉",
    "“供参阅”“仅供参考”“无需回复”等用语，且全文没有时限、报送或问责",
    "只传达信息、不设义务的简报和提醒不是发文。",
    -10.0,
    &["青禾县气象服务提醒\n各乡镇：\n预计明天有大到暴雨，请知悉。\n青禾县气象局\n2025年7月2日\n"],
    &["关于报送数据的通知\n各乡镇：\n请于6月1日前报送，仅供参考的数据不予采用。\n青禾县统计局\n2025年5月8日\n"]
);

counter_rule!(
    ATTENDEES,
    "WH104",
    "纪要限于与会单位",
    "纪要中被布置任务的单位均出席或列席了会议，分送范围不超出与会单位",
    "纪要约束与会单位是这一文种的本来用途。",
    -15.0,
    &["青禾县城区供水保障协调会议纪要\n会议议定：\n一、县水务局7月25日前完成应急管网连通方案。\n出席：孙丽\n列席：县水务局 何平\n分送：县水务局。\n"],
    &["青禾县人居环境整治专题会议纪要\n一、各乡镇要于6月20日前报送方案。\n出席：赵强\n列席：县农业农村局 吴涛\n分送：各乡镇人民政府。\n"]
);

counter_rule!(
    FORWARDING,
    "WH105",
    "正式转发",
    "有文号的正式公文以“现将……转发给你们”转发上级文件",
    "正式转发是计数的正式公文，交由重复发文检查处理，不是变相发文。",
    0.0,
    &["青禾县人民政府办公室文件\n青政办发〔2025〕3号\n关于转发《柳川市森林防灭火工作方案》的通知\n各乡镇人民政府：\n现将《柳川市森林防灭火工作方案》转发给你们，请认真贯彻执行。\n青禾县人民政府办公室\n2025年3月1日\n"],
    &["关于报送数据的便函\n各乡镇：\n请于6月1日前报送。\n青禾县统计局\n2025年5月8日\n"]
);

counter_rule!(
    REPORTED,
    "WH106",
    "转述讲话",
    "信号出现在转述领导或会议讲话的句子里（“……书记强调”“会议指出”）",
    "简报转述讲话中的“要”“必须”不是本机关提出的要求，权重减半。纪要中的“会议要求/议定”是纪要本身的决定，不减。",
    0.0,
    &["青禾工作简报\n第12期\n县长张华在调研时强调，要确保9月底前完成收购，纳入年度考核。\n发：各乡镇人民政府\n"],
    &["关于报送数据的通知\n各乡镇：\n请于6月1日前报送。\n青禾县统计局\n2025年5月8日\n"]
);

counter_rule!(
    APPROVAL,
    "WH107",
    "经政府同意",
    "部门下行文写明“经县政府同意”等",
    "经本级政府同意后由部门行文是条例规定的正当途径，撤销 WH005。",
    0.0,
    &["关于报送秸秆禁烧情况的通知\n各乡镇人民政府：\n经县人民政府同意，请于6月1日前报送巡查情况。\n青禾县农业农村局\n2025年5月8日\n"],
    &["关于报送秸秆禁烧情况的通知\n各乡镇人民政府：\n请于6月1日前报送巡查情况。\n青禾县农业农村局\n2025年5月8日\n"]
);

counter_rule!(
    PRAISE,
    "WH108",
    "通报表扬",
    "排名或通报出现在表扬、表彰的语境中",
    "表彰先进的名单看似排名，考核问责类信号权重减半。",
    0.0,
    &["青禾县秸秆禁烧工作情况通报\n经评比，石桥镇排名第一，予以通报表扬。\n发：各乡镇人民政府。\n"],
    &["青禾县秸秆禁烧工作情况通报\n排名后三位的乡镇予以通报批评。\n发：各乡镇人民政府。\n"]
);

counter_rule!(
    LOGISTICS,
    "WH109",
    "会务安排",
    "会议、培训通知：时间、地点、参会人员和回执",
    "回执的报送时限是会务安排，不是部署任务；时限、报送、表格三类合计不超过 5 分。",
    0.0,
    &["关于召开全县秋季开学工作会议的通知\n各乡镇中心学校：\n会议时间：9月5日上午9时。\n会议地点：县教育局三楼会议室。\n请于9月3日前将参会回执报县教育局。\n青禾县教育局\n2025年9月1日\n"],
    &["关于报送数据的通知\n各乡镇：\n请于6月1日前报送。\n青禾县统计局\n2025年5月8日\n"]
);

fn evidence(a: &Analysis, doc: &'static RuleDoc) -> Vec<Evidence> {
    a.counter(doc.code)
        .map(|c| Evidence {
            span: c.span,
            message: doc.summary.to_string(),
            weight: a.weight(doc),
        })
        .into_iter()
        .collect()
}

macro_rules! counter_check {
    ($f:ident, $doc:ident) => {
        fn $f(a: &Analysis) -> Vec<Evidence> {
            evidence(a, &$doc)
        }
    };
}

counter_check!(upward, UPWARD);
counter_check!(peer, PEER);
counter_check!(info, INFO);
counter_check!(attendees, ATTENDEES);
counter_check!(forwarding, FORWARDING);
counter_check!(reported, REPORTED);
counter_check!(approval, APPROVAL);
counter_check!(praise, PRAISE);
counter_check!(logistics, LOGISTICS);

pub const RULES: [Rule; 9] = [
    Rule {
        doc: &UPWARD,
        check: upward,
    },
    Rule {
        doc: &PEER,
        check: peer,
    },
    Rule {
        doc: &INFO,
        check: info,
    },
    Rule {
        doc: &ATTENDEES,
        check: attendees,
    },
    Rule {
        doc: &FORWARDING,
        check: forwarding,
    },
    Rule {
        doc: &REPORTED,
        check: reported,
    },
    Rule {
        doc: &APPROVAL,
        check: approval,
    },
    Rule {
        doc: &PRAISE,
        check: praise,
    },
    Rule {
        doc: &LOGISTICS,
        check: logistics,
    },
];
