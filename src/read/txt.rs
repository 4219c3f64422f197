//! Plain-text decoding: BOM → UTF-16 sniffing → UTF-8 → legacy CJK charsets.

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, EUC_JP, EUC_KR, GB18030, GBK, SHIFT_JIS, UTF_16BE, UTF_16LE, UTF_8};

use super::{is_blank, normalize_newlines, ReadError};

/// Share of control / U+FFFD chars above which decoded text counts as binary.
const MAX_BAD_PERCENT: usize = 2;
/// Share of "ordinary" chars a BOM-less UTF-16 guess must reach.
const MIN_PLAUSIBLE_PERCENT: usize = 90;

/// Decode a plain-text file of unknown encoding, strip any BOM, reject binary
/// content and normalise line endings to `\n`.
pub fn decode_text(bytes: &[u8]) -> Result<String, ReadError> {
    if bytes.is_empty() {
        return Err(ReadError::Empty);
    }
    let text = decode_any(bytes).ok_or(ReadError::Binary)?;
    if looks_binary(&text) {
        return Err(ReadError::Binary);
    }
    let text = normalize_newlines(text);
    if is_blank(&text) {
        return Err(ReadError::Empty);
    }
    Ok(text)
}

/// `None` means the bytes are not text in any encoding we handle.
pub(super) fn decode_any(bytes: &[u8]) -> Option<String> {
    // A UTF-16 BOM is authoritative. A UTF-8 BOM is too, except that some
    // tools prepend one to GBK content when "converting".
    if let Some((encoding, bom_len)) = Encoding::for_bom(bytes) {
        let rest = bytes.get(bom_len..).unwrap_or_default();
        if encoding == UTF_8 {
            return decode_utf8(rest).or_else(|| Some(decode_legacy(rest)));
        }
        return Some(encoding.decode_without_bom_handling(rest).0.into_owned());
    }
    // NULs never occur in text except as half of a UTF-16 code unit. (Pure
    // ASCII UTF-16 is *valid* UTF-8, so this must come before the UTF-8 path.)
    if bytes.contains(&0) {
        // Valid UTF-8 followed by NUL padding (pre-allocated files, some
        // export tools) is far likelier than UTF-16 that happens to be so.
        let body = strip_nul_padding(bytes);
        if let Some(text) = body.and_then(decode_utf8).filter(|t| !looks_binary(t)) {
            return Some(text);
        }
        return sniff_utf16(bytes).or_else(|| body.map(decode_legacy));
    }
    decode_utf8(bytes).or_else(|| Some(decode_legacy(bytes)))
}

/// Valid UTF-8, or UTF-8 cut off in the middle of the last character (files
/// truncated by `head -c` or a size-capped export).
fn decode_utf8(bytes: &[u8]) -> Option<String> {
    match std::str::from_utf8(bytes) {
        Ok(text) => Some(text.to_owned()),
        Err(err) if err.error_len().is_none() => {
            let valid = bytes.get(..err.valid_up_to())?;
            // Only trust the prefix if it already holds multi-byte UTF-8;
            // an ASCII prefix says nothing about the encoding.
            if valid.is_ascii() {
                return None;
            }
            std::str::from_utf8(valid).ok().map(str::to_owned)
        }
        Err(_) => None,
    }
}

/// GBK/GB18030, Big5 and other legacy encodings, via chardetng.
fn decode_legacy(bytes: &[u8]) -> String {
    let mut detector = EncodingDetector::new(Iso2022JpDetection::Deny);
    detector.feed(bytes, true);
    let guess = detector.guess(None, Utf8Detection::Allow);
    // GB18030 is a superset of GBK (adds e.g. rare names' characters and
    // four-byte sequences), and decodes every valid GBK text identically.
    let encoding = if guess == GBK { GB18030 } else { guess };
    let (text, had_errors) = encoding.decode_without_bom_handling(bytes);
    // Short GBK texts get mistaken for EUC-KR / Shift_JIS (same byte
    // structure). In a corpus of 公文, a clean GB18030 decoding is the
    // likelier truth whenever the guess is one of those or decodes badly.
    let doubtful = had_errors || [EUC_KR, SHIFT_JIS, EUC_JP].contains(&encoding);
    if doubtful && encoding != GB18030 {
        let (alt, alt_errors) = GB18030.decode_without_bom_handling(bytes);
        if !alt_errors {
            return alt.into_owned();
        }
    }
    text.into_owned()
}

/// UTF-16 without BOM. chardetng doesn't detect it, so both byte orders are
/// decoded and scored. The wrong order scatters CJK over the whole BMP and
/// turns `\n` into U+0A00, so it scores lower; but it can look plausible
/// too (ASCII `a` → U+6100, a CJK char), so ties go to the order the NULs
/// point at: ASCII has a zero high byte, `xx 00` in LE, `00 xx` in BE.
fn sniff_utf16(bytes: &[u8]) -> Option<String> {
    // A trailing odd byte is junk from truncation.
    let even = bytes.get(..bytes.len() & !1)?;
    let (mut le_hits, mut be_hits) = (0usize, 0usize);
    for unit in even.chunks_exact(2) {
        match unit {
            [0, 0] => {}
            [_, 0] => le_hits += 1,
            [0, _] => be_hits += 1,
            _ => {}
        }
    }
    [(UTF_16LE, le_hits), (UTF_16BE, be_hits)]
        .into_iter()
        .filter_map(|(encoding, hits)| {
            let text = encoding.decode_without_bom_handling_and_without_replacement(even)?;
            let (ordinary, total) = ordinary_count(&text);
            let plausible = total > 0 && ordinary * 100 >= total * MIN_PLAUSIBLE_PERCENT;
            plausible.then_some((ordinary, hits, text))
        })
        .max_by_key(|&(ordinary, hits, _)| (ordinary, hits))
        .map(|(_, _, text)| text.into_owned())
}

/// The bytes before a trailing run of NULs, if there are no other NULs.
fn strip_nul_padding(bytes: &[u8]) -> Option<&[u8]> {
    let end = bytes.iter().rposition(|&b| b != 0)? + 1;
    let body = bytes.get(..end)?;
    (!body.contains(&0)).then_some(body)
}

/// (ordinary, total) char counts: how much looks like human-written text
/// (Latin, CJK, common punctuation and symbols).
fn ordinary_count(text: &str) -> (usize, usize) {
    text.chars().fold((0, 0), |(ordinary, total), c| {
        (ordinary + usize::from(is_ordinary(c)), total + 1)
    })
}

fn is_ordinary(c: char) -> bool {
    matches!(c,
        '\t' | '\n' | '\r' | ' '..='~'
        | '\u{A0}'..='\u{24F}'      // Latin-1, Latin Extended
        | '\u{370}'..='\u{4FF}'     // Greek, Cyrillic
        | '\u{2000}'..='\u{2BFF}'   // punctuation, number forms, ①, symbols
        | '\u{2E80}'..='\u{9FFF}'   // CJK radicals, 、。, kana, Ext A, unified
        | '\u{F900}'..='\u{FAFF}'   // CJK compatibility ideographs
        | '\u{FE30}'..='\u{FE4F}'   // CJK compatibility forms
        | '\u{FF00}'..='\u{FFEF}'   // full-width forms
        | '\u{20000}'..='\u{3FFFF}' // CJK Ext B+
    )
}

/// Too many control or replacement characters for real text.
fn looks_binary(text: &str) -> bool {
    let (mut total, mut bad) = (0usize, 0usize);
    for c in text.chars() {
        total += 1;
        let is_bad = c == '\u{FFFD}' || (c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\x0C'));
        if is_bad {
            bad += 1;
        }
    }
    bad * 100 > total * MAX_BAD_PERCENT
}

#[cfg(test)]
mod tests {
    use super::*;
    use encoding_rs::BIG5;

    const NOTICE: &str = "关于进一步加强基层减负工作的通知\n各区县人民政府，市政府各部门：\n为切实解决文山会海问题，现就有关事项通知如下。\n";

    fn utf16(text: &str, little_endian: bool) -> Vec<u8> {
        text.encode_utf16()
            .flat_map(|unit| {
                if little_endian {
                    unit.to_le_bytes()
                } else {
                    unit.to_be_bytes()
                }
            })
            .collect()
    }

    fn decoded(bytes: &[u8]) -> String {
        match decode_text(bytes) {
            Ok(text) => text,
            Err(err) => panic!("decode failed: {err}"),
        }
    }

    #[test]
    fn utf8_plain_and_with_bom() {
        assert_eq!(decoded(NOTICE.as_bytes()), NOTICE);
        let mut with_bom = b"\xEF\xBB\xBF".to_vec();
        with_bom.extend_from_slice(NOTICE.as_bytes());
        assert_eq!(decoded(&with_bom), NOTICE);
        let mut bom_then_gbk = b"\xEF\xBB\xBF".to_vec();
        bom_then_gbk.extend_from_slice(&GBK.encode(NOTICE).0);
        assert_eq!(decoded(&bom_then_gbk), NOTICE);
    }

    #[test]
    fn utf8_truncated_mid_character() {
        let bytes = NOTICE.as_bytes();
        let cut = &bytes[..bytes.len() - 2]; // inside the final "。"
        let text = decoded(cut);
        assert!(NOTICE.starts_with(&text));
        assert!(text.ends_with("如下"));
    }

    #[test]
    fn gbk() {
        let (bytes, _, unmappable) = GBK.encode(NOTICE);
        assert!(!unmappable);
        assert!(std::str::from_utf8(&bytes).is_err());
        assert_eq!(decoded(&bytes), NOTICE);
    }

    #[test]
    fn gbk_short_sentence() {
        let sentence = "市人民政府办公室关于印发全市安全生产大检查实施方案的通知";
        let (bytes, _, _) = GBK.encode(sentence);
        assert_eq!(decoded(&bytes), sentence);
        // chardetng alone calls this EUC-KR.
        let (bytes, _, _) = GBK.encode("步办进府");
        assert_eq!(decoded(&bytes), "步办进府");
    }

    #[test]
    fn gb18030_four_byte_characters() {
        // 䶮 (U+4DAE, a character in personal names) is not in GBK.
        let text = "经研究，同意任命龑䶮同志为办公室主任。请各部门认真贯彻落实，确保各项工作取得实效。";
        let (bytes, _, unmappable) = GB18030.encode(text);
        assert!(!unmappable);
        assert_eq!(decoded(&bytes), text);
    }

    #[test]
    fn big5() {
        let text = "關於進一步加強基層減負工作的通知。各機關單位應確實精簡文件與會議，避免重複發文。";
        let (bytes, _, unmappable) = BIG5.encode(text);
        assert!(!unmappable);
        assert_eq!(decoded(&bytes), text);
    }

    #[test]
    fn utf16_with_bom() {
        let mut le = vec![0xFF, 0xFE];
        le.extend(utf16(NOTICE, true));
        assert_eq!(decoded(&le), NOTICE);
        let mut be = vec![0xFE, 0xFF];
        be.extend(utf16(NOTICE, false));
        assert_eq!(decoded(&be), NOTICE);
    }

    #[test]
    fn utf16_without_bom() {
        assert_eq!(decoded(&utf16(NOTICE, true)), NOTICE);
        assert_eq!(decoded(&utf16(NOTICE, false)), NOTICE);
        let ascii = "Notice No. 12 (2024)\n";
        assert_eq!(decoded(&utf16(ascii, true)), ascii);
        assert_eq!(decoded(&utf16(ascii, false)), ascii);
    }

    #[test]
    fn utf16_without_bom_rich_in_zero_low_bytes() {
        // 一 is U+4E00: in LE its *first* byte is NUL, like ASCII in BE.
        let text = "一、一一\n二、一";
        assert_eq!(decoded(&utf16(text, true)), text);
        assert_eq!(decoded(&utf16(text, false)), text);
    }

    #[test]
    fn crlf_and_cr() {
        assert_eq!(decoded("第一条\r\n第二条\r第三条".as_bytes()), "第一条\n第二条\n第三条");
    }

    #[test]
    fn empty_and_blank() {
        assert!(matches!(decode_text(b""), Err(ReadError::Empty)));
        assert!(matches!(
            decode_text(" \r\n\t\u{3000}".as_bytes()),
            Err(ReadError::Empty)
        ));
        assert!(matches!(decode_text(b"\xEF\xBB\xBF"), Err(ReadError::Empty)));
    }

    #[test]
    fn binary_junk() {
        let junk: Vec<u8> = (0u32..4096)
            .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
            .collect();
        assert!(matches!(decode_text(&junk), Err(ReadError::Binary)));
        let mut elf = b"\x7fELF\x02\x01\x01".to_vec();
        elf.extend_from_slice(&[0, 0, 0, 0, 3, 0, 0x3e, 0]);
        assert!(matches!(decode_text(&elf), Err(ReadError::Binary)));
        // Control characters without NULs.
        let controls: Vec<u8> = (1u8..32).cycle().take(200).collect();
        assert!(matches!(decode_text(&controls), Err(ReadError::Binary)));
    }

    #[test]
    fn nul_in_utf8_text_is_binary_unless_trailing_padding() {
        let mut inner = "通知".as_bytes().to_vec();
        inner.push(0);
        inner.extend_from_slice("如下".as_bytes());
        assert!(matches!(decode_text(&inner), Err(ReadError::Binary)));
        let mut padded = NOTICE.as_bytes().to_vec();
        padded.extend_from_slice(&[0; 7]);
        assert_eq!(decoded(&padded), NOTICE);
    }

    #[test]
    fn plausibility() {
        assert_eq!(ordinary_count("关于印发《实施方案》的通知（2024年）①"), (21, 21));
        assert_eq!(ordinary_count("\u{2D4E}\u{AD8B}\u{1234}\u{E000}一"), (1, 5));
        assert!(!looks_binary(&format!("{}\u{1A}", "正常文本".repeat(20))));
        assert!(looks_binary("\u{FFFD}\u{FFFD}文本"));
    }
}

#[cfg(test)]
mod roundtrip {
    use super::*;
    use proptest::prelude::*;

    const POOL: &str = "关于进一步加强基层减负工作的通知各区县人民政府市政府各部门为切实解决文山会海问题现就有关事项通知如下一二三、，。：；（）《》0123456789年月日实施方案安全生产检查落实责任单位办公室";

    const POOL_TRADITIONAL: &str = "關於進一步加強基層減負工作的通知各區縣人民政府市政府各部門為切實解決文山會海問題現就有關事項通知如下一二三、，。：；（）0123456789年月日實施方案安全生產檢查落實責任單位辦公室";

    fn sentence() -> impl Strategy<Value = String> {
        sentence_from(POOL)
    }

    fn sentence_from(pool: &str) -> impl Strategy<Value = String> {
        let chars: Vec<char> = pool.chars().collect();
        proptest::collection::vec(proptest::sample::select(chars), 10..60).prop_map(|v| v.into_iter().collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn gbk_round_trips(text in sentence()) {
            let (bytes, _, _) = GBK.encode(&text);
            prop_assert_eq!(decode_text(&bytes).ok(), Some(text));
        }

        #[test]
        fn big5_round_trips(text in sentence_from(POOL_TRADITIONAL)) {
            let (bytes, _, unmappable) = encoding_rs::BIG5.encode(&text);
            prop_assert!(!unmappable);
            prop_assert_eq!(decode_text(&bytes).ok(), Some(text));
        }

        #[test]
        fn utf16_no_bom_round_trips(text in sentence(), le in any::<bool>()) {
            // Without any ASCII (hence no NUL) it is undetectable: e.g. 关
            // is `51 73` in BE, which is valid ASCII "Qs".
            let text = format!("{text}\n");
            let bytes: Vec<u8> = text.encode_utf16()
                .flat_map(|u| if le { u.to_le_bytes() } else { u.to_be_bytes() })
                .collect();
            prop_assert_eq!(decode_text(&bytes).ok(), Some(text));
        }
    }
}
