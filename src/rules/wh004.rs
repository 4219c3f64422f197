//! WH004 工作群/即时通知下达任务: a chat-group message that sets a task.

use super::carrier::Carrier;
use super::lexicon::Family;
use super::{Analysis, Evidence, Rule, RuleDoc};

pub const RULE: Rule = Rule { doc: &DOC, check };

static DOC: RuleDoc = RuleDoc {
    code: "WH004",
    name: "工作群/即时通知下达任务",
    summary: "在工作群、短信等即时渠道向下级下达有时限、报送或考核要求的任务",
    why: "“指尖上的形式主义”：以群消息代替发文，随意布置任务、要求即时回复、接龙、拍照上传，既规避发文数量，又加重基层负担。复核时看消息是否面向下级单位、是否设定时限和后果。",
    basis: "中央网信委《关于防治“指尖上的形式主义”的若干意见》（各地转发文件中的工作群管理要求）",
    weight: 0.0,
    fires: &["【青禾县卫健局工作群】\n@所有人 请各乡镇卫生院今天下午5点前接龙上报本院老人体检完成数，并拍照上传现场照片。未按时上报的单位纳入本月绩效考核。收到请回复“收到”。\n"],
    passes: &["【青禾县卫健局工作群】\n@所有人 明天上午9点在三楼会议室召开周例会，请各位准时参加。\n"],
};

fn check(a: &Analysis) -> Vec<Evidence> {
    if a.carrier != Carrier::Chat || !a.binding() {
        return Vec::new();
    }
    a.evidence_of(&Family::ALL)
}
