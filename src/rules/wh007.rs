//! WH007 内设机构对外行文: an internal unit of a department issuing to
//! bodies outside it.

use super::audience::Kind;
use super::{Analysis, Evidence, Rule, RuleDoc};

pub const RULE: Rule = Rule { doc: &DOC, check };

static DOC: RuleDoc = RuleDoc {
    code: "WH007",
    name: "内设机构对外行文",
    summary: "部门内设机构（科、股、处、大队等，办公室除外）向本部门以外的单位行文布置工作",
    why: "部门内设机构除办公厅（室）外不得对外正式行文。以科室名义向乡镇、其他部门布置任务，既越权又规避发文统计。复核时看落款是否为科室一级、对象是否在本部门之外。",
    basis: "《党政机关公文处理工作条例》第十七条",
    weight: 15.0,
    fires: &["关于报送食品安全抽检台账的通知\n各乡镇人民政府：\n请于6月5日前报送辖区食品安全抽检台账。\n青禾县市场监督管理局食品安全科\n2025年5月28日\n"],
    passes: &["关于报送食品安全抽检台账的通知\n各乡镇人民政府：\n经县人民政府同意，请于6月5日前报送辖区食品安全抽检台账。\n青禾县人民政府办公室\n2025年5月28日\n"],
};

fn check(a: &Analysis) -> Vec<Evidence> {
    if a.issuer_kind() != Some(Kind::Internal) || !a.binding() {
        return Vec::new();
    }
    let Some(span) = a.audience.downward.or(a.audience.lower_governments) else {
        return Vec::new();
    };
    let issuer = a.issuer.as_ref().map_or("", |(n, _)| n.as_str());
    vec![Evidence {
        span,
        message: format!("内设机构（{issuer}）对外布置工作"),
        weight: a.weight(&DOC),
    }]
}
