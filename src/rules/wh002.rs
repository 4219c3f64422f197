//! WH002 纪要超出与会范围约束: minutes that give tasks to units that did not
//! attend, or are distributed downward with binding content.

use super::carrier::Carrier;
use super::lexicon::Family;
use super::signals::minutes;
use super::{Analysis, Evidence, Rule, RuleDoc};

pub const RULE: Rule = Rule { doc: &DOC, check };

static DOC: RuleDoc = RuleDoc {
    code: "WH002",
    name: "纪要超出与会范围约束",
    summary: "会议纪要给未出席、列席会议的单位布置任务，或分送下级并设定有约束力的要求",
    why: "纪要记载会议主要情况和议定事项，约束的是与会单位；要约束其他单位，应另行发文。纪要分送各乡镇并设定时限、报送、考核的，实质是以纪要代替正式发文。复核时对照出席、列席名单与被布置任务的单位。",
    basis: "《党政机关公文处理工作条例》第八条（十五）；《整治形式主义为基层减负若干规定》一、1",
    weight: 10.0,
    fires: &["青禾县人居环境整治工作专题会议纪要\n6月3日，副县长赵强主持召开专题会议。纪要如下：\n一、各乡镇要制定本乡镇整治实施方案，6月20日前报县农业农村局备案。\n二、排名后三位的乡镇由县政府分管领导约谈。\n出席：赵强\n列席：县农业农村局 吴涛\n分送：各乡镇人民政府，县直有关部门。\n"],
    passes: &["青禾县城区供水保障协调会议纪要\n7月18日，副县长孙丽主持召开协调会。会议议定：\n一、县水务局7月25日前完成应急管网连通方案。\n二、城关镇负责做好停水期间沿线居民告知工作。\n出席：孙丽\n列席：县水务局 何平，城关镇 高敏\n分送：县水务局，城关镇人民政府。\n"],
};

fn check(a: &Analysis) -> Vec<Evidence> {
    if a.carrier != Carrier::Minutes || !a.binding() {
        return Vec::new();
    }
    let m = minutes(&a.doc, a.doc.sentences(), &a.audience);
    if m.absent.is_empty() && !m.distributed_beyond {
        return Vec::new();
    }
    let w = a.weight(&DOC);
    let mut ev: Vec<Evidence> = m
        .absent
        .iter()
        .enumerate()
        .map(|(i, &span)| Evidence {
            span,
            message: "被布置任务的单位未出席或列席会议".into(),
            weight: if i == 0 { w } else { 0.0 },
        })
        .collect();
    if m.absent.is_empty() {
        if let Some(span) = a.audience.downward {
            ev.push(Evidence {
                span,
                message: "纪要分送未与会的下级单位".into(),
                weight: w,
            });
        }
    }
    ev.extend(a.evidence_of(&Family::ALL));
    ev
}
