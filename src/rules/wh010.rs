//! WH010 伪文号/期号异常: an informal carrier numbered like a formal document.

use super::lexicon::Family;
use super::{Analysis, Evidence, Rule, RuleDoc};

pub const RULE: Rule = Rule { doc: &DOC, check };

static DOC: RuleDoc = RuleDoc {
    code: "WH010",
    name: "伪文号/期号异常",
    summary: "非正式载体使用仿文号编号（如“青应急提示〔2025〕7号”）或在部署性文字上加期号",
    why: "仿照发文字号编号的提示、联系单，在收文单位眼里就是正式文件，却不计入发文统计。复核时看编号代字与发文字号体系是否一致。",
    basis: "《整治形式主义为基层减负若干规定》一、1（防止规避发文数量）",
    weight: 0.0,
    fires: &["青禾县应急管理局\n关于开展汛前隐患排查的工作提示\n青应急提示〔2025〕7号\n各乡镇人民政府：\n各乡镇务必于5月20日前完成排查。\n"],
    passes: &["青禾县人民政府办公室文件\n青政办发〔2025〕12号\n关于做好防汛工作的通知\n各乡镇人民政府：\n各乡镇务必于5月20日前完成排查。\n"],
};

fn check(a: &Analysis) -> Vec<Evidence> {
    if !a.binding() {
        return Vec::new();
    }
    a.hits
        .iter()
        .filter(|h| h.family == Family::Numbering)
        .map(|h| Evidence {
            span: h.span,
            message: "非正式载体使用仿文号或期号编号".into(),
            weight: h.weight,
        })
        .collect()
}
