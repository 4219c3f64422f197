//! WH009 以通报排名变相考核: a 通报 or bulletin that ranks units and attaches
//! consequences.

use super::carrier::Class;
use super::lexicon::Family;
use super::{Analysis, Evidence, Rule, RuleDoc};

pub const RULE: Rule = Rule { doc: &DOC, check };

static DOC: RuleDoc = RuleDoc {
    code: "WH009",
    name: "以通报排名变相考核",
    summary: "通报、简报对下级排名，并对排名靠后者设定批评、约谈、扣分等后果",
    why: "排名加问责等于一次未经备案的考核。表彰先进的通报不在此列；排名只有与后果相连时才是信号。复核时看排名是否与考核、约谈、扣分挂钩。",
    basis: "《整治形式主义为基层减负若干规定》三（统筹规范督查检查考核）",
    weight: 0.0,
    fires: &["青禾县“清洁家园”行动情况通报\n（第5期）\n经暗访评分，排名后三位的是东坪镇、西岭乡、北川镇，现予通报批评。\n发：各乡镇人民政府。\n"],
    passes: &["青禾县“清洁家园”行动情况通报\n（第5期）\n经评比，石桥镇、河口镇、柳林乡成效突出，予以通报表扬。\n发：各乡镇人民政府。\n"],
};

fn check(a: &Analysis) -> Vec<Evidence> {
    let bulletin =
        a.carrier.class() == Class::Bulletin || a.structure.title.as_deref().is_some_and(|t| t.contains("通报"));
    let strong = |f: Family| a.hits.iter().any(|h| h.family == f && h.weight >= 4.0);
    if !bulletin || a.carrier.is_formal() || !strong(Family::Ranking) || !strong(Family::Accountability) {
        return Vec::new();
    }
    a.evidence_of(&[Family::Ranking, Family::Accountability])
}
