//! WH003 通报/简报夹带部署: a 情况通报 or 简报 that carries orders.

use super::carrier::Class;
use super::lexicon::Family;
use super::{Analysis, Evidence, Rule, RuleDoc};

pub const RULE: Rule = Rule { doc: &DOC, check };

static DOC: RuleDoc = RuleDoc {
    code: "WH003",
    name: "通报/简报夹带部署",
    summary: "情况通报、简报、工作动态等信息类载体夹带时限、报送、考核问责或新任务",
    why: "通报和简报用于传达情况，不是部署工作的文种。在“下一步工作要求”中向各乡镇设定时限和问责，等于用信息载体发了一份通知。复核时看这些要求是本机关提出的，还是转述领导讲话（转述不算）。",
    basis: "《整治形式主义为基层减负若干规定》一、1",
    weight: 0.0,
    fires: &["青禾县“清洁家园”行动情况通报\n（第5期）\n6月份全县共清理垃圾1260吨。\n各乡镇要对照问题清单于7月15日前整改到位，整改情况报县爱卫办。连续两个月排名末位的，年度考核中扣分。\n发：各乡镇人民政府，县直有关单位。\n"],
    passes: &["青禾工作简报\n第12期\n我县秋粮收购进度过半\n截至9月8日，全县已收购秋粮3.1万吨。县长张华在调研时强调，要确保农民售粮不压级、不压价。\n报：市政府办公室\n发：各乡镇人民政府，县直各部门\n"],
};

fn check(a: &Analysis) -> Vec<Evidence> {
    if a.carrier.class() != Class::Bulletin || !a.binding() {
        return Vec::new();
    }
    if a.audience.downward.is_none() && a.audience.lower_governments.is_none() {
        return Vec::new();
    }
    a.evidence_of(&Family::ALL)
}
