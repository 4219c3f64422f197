//! WH006 议事协调机构发指令: a coordinating body giving orders to
//! lower-level Party committees or governments.

use super::audience::Kind;
use super::{Analysis, Evidence, Rule, RuleDoc};

pub const RULE: Rule = Rule { doc: &DOC, check };

static DOC: RuleDoc = RuleDoc {
    code: "WH006",
    name: "议事协调机构发指令",
    summary: "领导小组、指挥部、工作专班及其办公室等议事协调机构向下级党委、政府提出指令性要求",
    why: "议事协调机构及其办公室不得向下级党委和政府发指令性文件，也不得在文件中提出指令性要求；向本机构成员单位行文属正常工作。复核时看落款是否为议事协调机构、对象是否为下级党委政府。",
    basis: "《整治形式主义为基层减负若干规定》一、1",
    weight: 15.0,
    fires: &["关于开展燃气安全排查的工作提示\n各乡镇人民政府：\n请各乡镇于6月10日前完成辖区餐饮场所燃气排查，结果报县安委办，排查不力的将约谈。\n青禾县安全生产委员会办公室\n2025年6月1日\n"],
    passes: &["关于开展燃气安全排查的工作提示\n县住房城乡建设局、县市场监管局：\n请按成员单位职责于6月10日前完成排查。\n青禾县安全生产委员会办公室\n2025年6月1日\n"],
};

fn check(a: &Analysis) -> Vec<Evidence> {
    if a.issuer_kind() != Some(Kind::Coordinating) || !a.binding() {
        return Vec::new();
    }
    let Some(span) = a.audience.lower_governments else {
        return Vec::new();
    };
    let issuer = a.issuer.as_ref().map_or("", |(n, _)| n.as_str());
    vec![Evidence {
        span,
        message: format!("议事协调机构（{issuer}）向下级党委政府提出指令性要求"),
        weight: a.weight(&DOC),
    }]
}
