//! WH008 要求报送落实情况或制定配套文件.

use super::audience::Direction;
use super::lexicon::Pat;
use super::text::Sentence;
use super::{Analysis, Evidence, Rule, RuleDoc};

pub const RULE: Rule = Rule { doc: &DOC, check };

static DOC: RuleDoc = RuleDoc {
    code: "WH008",
    name: "要求报送落实情况或制定配套文件",
    summary: "向下级要求报送贯彻落实情况，或要求下级制定实施方案、细则等配套文件",
    why: "文件原则上不要求报送贯彻落实情况、不要求制定配套文件；层层要求方案和落实报告正是“以文件落实文件”。复核时看是否确有必要并经评估。",
    basis: "《整治形式主义为基层减负若干规定》一、3；中办2019年《关于解决形式主义突出问题为基层减负的通知》",
    weight: 0.0,
    fires: &["关于做好秸秆禁烧工作的提示\n各乡镇：\n各乡镇要制定本乡镇秸秆禁烧实施方案，并于每月5日前报送上月落实情况。\n青禾县农业农村局\n2025年5月8日\n"],
    passes: &["关于石桥镇秸秆禁烧工作情况的报告\n青禾县人民政府：\n我镇已制定实施方案，现将落实情况报告如下。特此报告。\n青禾县石桥镇人民政府\n2025年5月8日\n"],
};

fn span_of(s: &Sentence) -> Option<super::text::Span> {
    s.find(Pat::Implementation).map(|m| s.span(m.range()))
}

fn check(a: &Analysis) -> Vec<Evidence> {
    if a.audience.direction != Direction::Down || a.carrier.is_formal() {
        return Vec::new();
    }
    a.doc
        .sentences()
        .iter()
        .filter_map(|s| span_of(s).filter(|_| !s.is_match(Pat::Reported)))
        .map(|span| Evidence {
            span,
            message: "要求下级报送落实情况或制定配套文件".into(),
            weight: 0.0,
        })
        .collect()
}
