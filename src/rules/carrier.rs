//! Carrier classification (disguised-issuance.md §3): what kind of paper the
//! text travels on decides which rules apply. A red-header document with a
//! 文号 is counted and may give orders; a 工作提示 may not.

use super::lexicon::{CHAT_CARRIER, FORWARD, ISSUE_NUMBER, MEETING_NOTICE_TITLE};
use super::text::DocText;
use crate::document::{Genre, Structure};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Carrier {
    /// Red header or a real 文号, in a formal genre: counted.
    Formal,
    /// A formal 转发/批转/印发 notice.
    Forwarding,
    /// A notice of a meeting or training.
    MeetingNotice,
    Minutes,
    WorkTip,
    Reminder,
    /// A 情况通报 without a 文号 (an internal series).
    SituationReport,
    Briefing,
    /// 便函, 便笺.
    InformalLetter,
    /// A 通知 with neither red header nor 文号.
    WhiteNotice,
    ContactSlip,
    SupervisionSlip,
    /// A chat-group or SMS message.
    Chat,
    Request,
    UpwardReport,
    /// A 函 with a number: formal, but only for bodies that are not subordinate.
    Letter,
    Other,
}

/// Carrier classes of §3.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Formal,
    Letter,
    Meeting,
    Bulletin,
    Prompt,
    Electronic,
    Upward,
    Logistics,
}

impl Carrier {
    pub fn name_zh(self) -> &'static str {
        match self {
            Carrier::Formal => "正式公文",
            Carrier::Forwarding => "转发通知",
            Carrier::MeetingNotice => "会议通知",
            Carrier::Minutes => "会议纪要",
            Carrier::WorkTip => "工作提示",
            Carrier::Reminder => "提醒函",
            Carrier::SituationReport => "情况通报",
            Carrier::Briefing => "简报",
            Carrier::InformalLetter => "便函",
            Carrier::WhiteNotice => "白头通知",
            Carrier::ContactSlip => "工作联系单",
            Carrier::SupervisionSlip => "督办单",
            Carrier::Chat => "工作群消息",
            Carrier::Request => "请示",
            Carrier::UpwardReport => "报告",
            Carrier::Letter => "函",
            Carrier::Other => "其他",
        }
    }

    pub fn class(self) -> Class {
        match self {
            Carrier::Formal | Carrier::Forwarding => Class::Formal,
            Carrier::InformalLetter | Carrier::WhiteNotice | Carrier::Letter | Carrier::Other => Class::Letter,
            Carrier::Minutes => Class::Meeting,
            Carrier::SituationReport | Carrier::Briefing => Class::Bulletin,
            Carrier::WorkTip | Carrier::Reminder | Carrier::ContactSlip | Carrier::SupervisionSlip => Class::Prompt,
            Carrier::Chat => Class::Electronic,
            Carrier::Request | Carrier::UpwardReport => Class::Upward,
            Carrier::MeetingNotice => Class::Logistics,
        }
    }

    /// Counted as a formal document: the disguised-issuance rules do not apply.
    pub fn is_formal(self) -> bool {
        self.class() == Class::Formal
    }
}

/// Codes that show a number belongs to an informal series, not a 文号.
const INFORMAL_CODES: [&str; 9] = ["提示", "提醒", "联系单", "联系", "督办", "简报", "便函", "专报", "动态"];

fn has_real_doc_number(s: &Structure) -> bool {
    s.doc_number
        .as_deref()
        .is_some_and(|n| !INFORMAL_CODES.iter().any(|c| n.contains(c)))
}

fn is_chat(doc: &DocText, s: &Structure) -> bool {
    let head = doc.lines.iter().take(3).any(|l| CHAT_CARRIER.is_match(l));
    let untitled = s.title.is_none() && s.doc_number.is_none();
    head || (untitled && doc.lines.len() <= 12 && doc.lines.iter().any(|l| CHAT_CARRIER.is_match(l)))
}

/// Carrier words in the first lines when the parser found no title genre.
fn carrier_from_lines(doc: &DocText) -> Option<Carrier> {
    let head: Vec<&str> = doc.lines.iter().take(4).copied().collect();
    let any = |w: &str| head.iter().any(|l| l.contains(w));
    if any("纪要") {
        Some(Carrier::Minutes)
    } else if any("简报") || any("工作动态") || head.iter().any(|l| ISSUE_NUMBER.is_match(l)) {
        Some(Carrier::Briefing)
    } else if any("提示") {
        Some(Carrier::WorkTip)
    } else if any("提醒") {
        Some(Carrier::Reminder)
    } else if any("联系单") {
        Some(Carrier::ContactSlip)
    } else if any("督办") {
        Some(Carrier::SupervisionSlip)
    } else if any("便函") || any("便笺") {
        Some(Carrier::InformalLetter)
    } else if any("情况通报") {
        Some(Carrier::SituationReport)
    } else {
        None
    }
}

/// Classify the carrier from the parsed structure and the first lines.
pub fn classify(doc: &DocText, s: &Structure) -> Carrier {
    if is_chat(doc, s) {
        return Carrier::Chat;
    }
    let title = s.title.as_deref().unwrap_or("");
    let formal = has_real_doc_number(s) || s.issuer_mark.as_deref().is_some_and(|m| m.ends_with("文件"));
    let by_genre = match s.genre {
        Some(Genre::Minutes) => Some(Carrier::Minutes),
        Some(Genre::WorkTip) => Some(Carrier::WorkTip),
        Some(Genre::Reminder) => Some(Carrier::Reminder),
        Some(Genre::InformalLetter) => Some(Carrier::InformalLetter),
        Some(Genre::ContactSlip) => Some(Carrier::ContactSlip),
        Some(Genre::SupervisionSlip) => Some(Carrier::SupervisionSlip),
        Some(Genre::Briefing) => Some(Carrier::Briefing),
        Some(Genre::Request) => Some(Carrier::Request),
        Some(Genre::Report) => Some(Carrier::UpwardReport),
        Some(Genre::Bulletin) if formal => Some(Carrier::Formal),
        Some(Genre::Bulletin) => Some(Carrier::SituationReport),
        Some(Genre::Letter) if title.contains("便函") || !formal => Some(Carrier::InformalLetter),
        Some(Genre::Letter) => Some(Carrier::Letter),
        _ => None,
    };
    if let Some(c) = by_genre {
        return c;
    }
    // A slip or tip may carry a 通知-shaped title: the header lines decide.
    if let Some(c) = carrier_from_lines(doc).filter(|_| !formal) {
        return c;
    }
    if MEETING_NOTICE_TITLE.is_match(title) && !formal {
        return Carrier::MeetingNotice;
    }
    if FORWARD.is_match(title) && formal {
        return Carrier::Forwarding;
    }
    match s.genre {
        Some(_) if formal => Carrier::Formal,
        Some(Genre::Circular) => Carrier::WhiteNotice,
        None if formal => Carrier::Formal,
        _ => Carrier::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::normalize::normalize;
    use crate::parse::parse;

    fn carrier(text: &str) -> Carrier {
        let n = normalize(text);
        let s = parse(&n.line_texts());
        classify(&DocText::new(&n.lines), &s)
    }

    #[test]
    fn header_and_number_make_a_formal_document() {
        let t = "青禾县人民政府办公室文件\n青政办发〔2025〕12号\n关于做好防汛工作的通知\n各乡镇人民政府：\n请做好防汛。\n青禾县人民政府办公室\n2025年5月8日\n";
        assert_eq!(carrier(t), Carrier::Formal);
    }

    #[test]
    fn a_tip_with_a_pseudo_number_is_a_prompt() {
        let t = "青禾县应急管理局\n关于开展汛前安全隐患大排查的工作提示\n青应急提示〔2025〕7号\n各乡镇人民政府：\n请排查。\n";
        assert_eq!(carrier(t), Carrier::WorkTip);
    }

    #[test]
    fn a_group_message_is_chat() {
        let t = "【青禾县卫健局工作群】\n@所有人 请各乡镇卫生院今天下午5点前接龙上报。收到请回复。\n";
        assert_eq!(carrier(t), Carrier::Chat);
    }

    #[test]
    fn an_unnumbered_notice_is_white_headed() {
        let t = "关于报送秸秆禁烧情况的通知\n各乡镇：\n请于6月1日前报送。\n青禾县农业农村局\n2025年5月8日\n";
        assert_eq!(carrier(t), Carrier::WhiteNotice);
    }

    #[test]
    fn meeting_notices_are_logistics() {
        let t =
            "关于召开全县安全生产工作会议的通知\n各乡镇人民政府：\n定于6月3日召开会议。\n青禾县安委办\n2025年5月8日\n";
        assert_eq!(carrier(t), Carrier::MeetingNotice);
    }
}
