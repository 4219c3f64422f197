//! WH001 非正式载体下行部署: an informal carrier (便函, 白头通知, 工作提示,
//! 提醒函, 工作联系单, 督办单, a 会议通知 that does more than convene) that
//! gives binding orders to units below the issuer.

use super::carrier::Class;
use super::lexicon::Family;
use super::{Analysis, Evidence, Rule, RuleDoc};

pub const RULE: Rule = Rule { doc: &DOC, check };

static DOC: RuleDoc = RuleDoc {
    code: "WH001",
    name: "非正式载体下行部署",
    summary: "便函、白头通知、工作提示、提醒函、工作联系单、督办单等非正式载体向下级部署有约束力的任务",
    why: "这类载体不计入发文数量，却向下级设定时限、报送、考核等义务，实质上是一份应当纳入发文计划、按程序报批的正式公文（“红头”变“白头”）。复核时看：载体是否为正式公文；主送或分送是否为下级；是否有时限、报送、考核问责或新任务。",
    basis: "《整治形式主义为基层减负若干规定》一、1（严控文件数量，防止“红头”变“白头”、正式改便笺）",
    weight: 0.0,
    fires: &["青禾县应急管理局\n关于开展汛前隐患排查的工作提示\n各乡镇人民政府：\n一、各乡镇务必于5月20日前完成隐患点排查，填写统计表报送县应急管理局。\n二、排查情况纳入年度安全生产目标考核，工作滞后的将全县通报。\n青禾县应急管理局\n2025年5月8日\n"],
    passes: &["青禾县教育局\n关于商请协助做好学校周边交通安全保障的函\n青禾县公安局交通管理大队：\n秋季开学在即，商请贵大队在9月1日至9月7日早晚高峰加强疏导。请予函复。\n青禾县教育局\n2025年8月20日\n"],
};

const BINDING_FAMILIES: [Family; 13] = Family::ALL;

fn check(a: &Analysis) -> Vec<Evidence> {
    let informal = matches!(a.carrier.class(), Class::Letter | Class::Prompt | Class::Logistics);
    if !informal || !a.binding() || a.audience.downward.is_none() && a.audience.lower_governments.is_none() {
        return Vec::new();
    }
    a.evidence_of(&BINDING_FAMILIES)
}
