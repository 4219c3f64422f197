//! WH005 部门向下级党委政府发指令: a functional department addressing
//! lower-level Party committees or governments with directive content.

use super::audience::Kind;
use super::{Analysis, Evidence, Rule, RuleDoc};

pub const RULE: Rule = Rule { doc: &DOC, check };

static DOC: RuleDoc = RuleDoc {
    code: "WH005",
    name: "部门向下级党委政府发指令",
    summary: "职能部门（非党委、政府办公室）向下级党委、政府（如各乡镇人民政府）行文并提出指令性要求，且未写明经本级党委、政府同意",
    why: "部门不得向下级党委、政府发指令性公文或在公文中提出指令性要求；需经政府审批的事项，经同意后可由部门行文，文中须注明“经县政府同意”。复核时看落款机关的性质、主送对象和有无同意语。",
    basis: "《党政机关公文处理工作条例》第十六条（二）；《整治形式主义为基层减负若干规定》一、1",
    weight: 20.0,
    fires: &["关于报送秸秆禁烧情况的通知\n各乡镇人民政府：\n请于6月1日前将秸秆禁烧巡查情况报送县农业农村局，未按时报送的予以通报。\n青禾县农业农村局\n2025年5月8日\n"],
    passes: &["关于报送秸秆禁烧情况的通知\n各乡镇人民政府：\n经县人民政府同意，请于6月1日前将秸秆禁烧巡查情况报送县农业农村局。\n青禾县农业农村局\n2025年5月8日\n"],
};

fn check(a: &Analysis) -> Vec<Evidence> {
    let dept = matches!(a.issuer_kind(), Some(Kind::Department | Kind::Internal));
    let Some(span) = a.audience.lower_governments else {
        return Vec::new();
    };
    if !dept || !a.binding() || a.counter("WH107").is_some() {
        return Vec::new();
    }
    let issuer = a.issuer.as_ref().map_or("", |(n, _)| n.as_str());
    vec![Evidence {
        span,
        message: format!("职能部门（{issuer}）以下级党委政府为对象提出指令性要求，未见“经…政府同意”"),
        weight: a.weight(&DOC),
    }]
}
