//! Legacy binary Word (`.doc`, Word 97–2003) and WPS Office (`.wps`, which
//! WPS writes in the same Word 97 binary layout) inside a Compound File
//! Binary container.
//!
//! Why hand-written: the `cfb` crate opens the container, and what we need
//! from inside is only the main text, which [MS-DOC] stores through the
//! piece table. That is ~150 lines here, under our own limits. The one pure
//! Rust alternative, `office_oxide` 0.1, would pull a second `zip` (v9) and
//! `quick-xml` (0.42) next to ours and picks the format from the extension.
//!
//! Layout: the `WordDocument` stream starts with the FIB, which says which
//! table stream (`0Table`/`1Table`) holds the CLX and how many characters the
//! main document has (`ccpText`). The CLX's piece table maps character
//! positions to byte ranges of `WordDocument`, each either UTF-16LE or
//! "compressed" 8-bit (Windows-1252).

use std::io::{Cursor, Read};

use cfb::CompoundFile;
use encoding_rs::{UTF_16LE, WINDOWS_1252};

use super::archive::corrupt;
use super::{non_blank, ReadError, ReadLimits};

/// FIB magic of Word 97 and later (and of WPS's Word-compatible files).
const WORD97_IDENT: u16 = 0xA5EC;
const WORD6_IDENT: u16 = 0xA5DC;
const F_ENCRYPTED: u16 = 0x0100;
const F_WHICH_TABLE: u16 = 0x0200;
/// Index of the `fcClx`/`lcbClx` pair in FibRgFcLcb97.
const CLX_PAIR: usize = 33;
const F_COMPRESSED: u32 = 0x4000_0000;

pub fn extract_doc(bytes: &[u8], limits: &ReadLimits) -> Result<String, ReadError> {
    let mut cfb =
        CompoundFile::open(Cursor::new(bytes)).map_err(|e| corrupt(format!("无法打开 OLE 复合文档（{e}）")))?;
    if !cfb.is_stream("/WordDocument") {
        return Err(classify_other_cfb(&cfb));
    }
    let word = read_stream(&mut cfb, "/WordDocument", limits)?;
    let fib = Fib::parse(&word)?;
    let table_name = if fib.which_table { "/1Table" } else { "/0Table" };
    if !cfb.is_stream(table_name) {
        return Err(corrupt(format!("缺少 {} 流", &table_name[1..])));
    }
    let table = read_stream(&mut cfb, table_name, limits)?;
    let clx = slice(&table, fib.fc_clx, fib.lcb_clx).ok_or_else(|| corrupt("片段表（CLX）越界"))?;
    let pieces = parse_clx(clx)?;
    let raw = main_text(&word, &pieces, fib.ccp_text, limits)?;
    non_blank(clean(&raw))
}

/// A CFB file that is not a Word document: say what it is.
fn classify_other_cfb<F>(cfb: &CompoundFile<F>) -> ReadError {
    let kind = if cfb.is_stream("/EncryptionInfo") {
        return ReadError::Encrypted;
    } else if cfb.is_stream("/Workbook") || cfb.is_stream("/Book") {
        "Excel/WPS 表格（.xls/.et）"
    } else if cfb.is_stream("/PowerPoint Document") {
        "PowerPoint/WPS 演示（.ppt/.dps）"
    } else {
        "OLE 复合文档（不含 WordDocument 流）"
    };
    ReadError::UnsupportedFormat(kind.to_owned())
}

fn read_stream<F: Read + std::io::Seek>(
    cfb: &mut CompoundFile<F>,
    name: &str,
    limits: &ReadLimits,
) -> Result<Vec<u8>, ReadError> {
    let stream = cfb
        .open_stream(name)
        .map_err(|e| corrupt(format!("无法打开 {name} 流（{e}）")))?;
    let mut out = Vec::new();
    stream
        .take(limits.max_unpacked_size)
        .read_to_end(&mut out)
        .map_err(|e| corrupt(format!("读取 {name} 流失败（{e}）")))?;
    Ok(out)
}

#[derive(Debug, PartialEq, Eq)]
struct Fib {
    which_table: bool,
    ccp_text: u32,
    fc_clx: u32,
    lcb_clx: u32,
}

impl Fib {
    fn parse(word: &[u8]) -> Result<Fib, ReadError> {
        let short = || corrupt("FIB 不完整");
        match u16_at(word, 0).ok_or_else(short)? {
            WORD97_IDENT => {}
            WORD6_IDENT => return Err(ReadError::UnsupportedFormat("Word 6.0/95 文档".to_owned())),
            _ => return Err(corrupt("WordDocument 流不是 Word 97 及以后的格式")),
        }
        let flags = u16_at(word, 0x0A).ok_or_else(short)?;
        if flags & F_ENCRYPTED != 0 {
            return Err(ReadError::Encrypted);
        }
        // FibBase (32 bytes), then three counted arrays: rgW (u16),
        // rgLw (u32, ccpText is its 4th), rgFcLcb (u32 pairs).
        let csw = usize::from(u16_at(word, 32).ok_or_else(short)?);
        let rg_lw_count_at = 34 + csw * 2;
        let cslw = usize::from(u16_at(word, rg_lw_count_at).ok_or_else(short)?);
        let rg_lw = rg_lw_count_at + 2;
        let ccp_text = u32_at(word, rg_lw + 12).ok_or_else(short)?;
        let fc_lcb_count_at = rg_lw + cslw * 4;
        let pairs = usize::from(u16_at(word, fc_lcb_count_at).ok_or_else(short)?);
        if pairs <= CLX_PAIR {
            return Err(short());
        }
        let clx_at = fc_lcb_count_at + 2 + CLX_PAIR * 8;
        Ok(Fib {
            which_table: flags & F_WHICH_TABLE != 0,
            ccp_text,
            fc_clx: u32_at(word, clx_at).ok_or_else(short)?,
            lcb_clx: u32_at(word, clx_at + 4).ok_or_else(short)?,
        })
    }
}

/// One run of characters `[cp_start, cp_end)` stored at `offset` in the
/// WordDocument stream.
#[derive(Debug, PartialEq, Eq)]
struct Piece {
    cp_start: u32,
    cp_end: u32,
    offset: usize,
    compressed: bool,
}

/// The CLX is a run of property records (`0x01`, skipped) followed by the
/// piece table (`0x02`, length, then n+1 CPs and n 8-byte descriptors).
fn parse_clx(clx: &[u8]) -> Result<Vec<Piece>, ReadError> {
    let bad = || corrupt("片段表（CLX）格式错误");
    let mut at = 0usize;
    while clx.get(at) == Some(&0x01) {
        let size = i16::from_le_bytes([*clx.get(at + 1).ok_or_else(bad)?, *clx.get(at + 2).ok_or_else(bad)?]);
        at += 3 + usize::try_from(size).map_err(|_| bad())?;
    }
    if clx.get(at) != Some(&0x02) {
        return Err(bad());
    }
    let len = u32_at(clx, at + 1).ok_or_else(bad)?;
    let plc = slice(clx, u32::try_from(at + 5).map_err(|_| bad())?, len).ok_or_else(bad)?;
    if plc.len() < 4 || (plc.len() - 4) % 12 != 0 {
        return Err(bad());
    }
    let n = (plc.len() - 4) / 12;
    let pcds = 4 * (n + 1);
    (0..n)
        .map(|i| {
            let fc = u32_at(plc, pcds + i * 8 + 2).ok_or_else(bad)?;
            let compressed = fc & F_COMPRESSED != 0;
            let fc = (fc & !(F_COMPRESSED | 0x8000_0000)) as usize;
            Ok(Piece {
                cp_start: u32_at(plc, i * 4).ok_or_else(bad)?,
                cp_end: u32_at(plc, i * 4 + 4).ok_or_else(bad)?,
                offset: if compressed { fc / 2 } else { fc },
                compressed,
            })
        })
        .collect()
}

/// The first `ccp_text` characters (the main document; footnotes, headers
/// and text boxes follow it). Pieces pointing past the stream are cut short
/// rather than failing, so a damaged file still yields what it holds.
fn main_text(word: &[u8], pieces: &[Piece], ccp_text: u32, limits: &ReadLimits) -> Result<String, ReadError> {
    let mut out = String::new();
    let mut chars = 0usize;
    for piece in pieces {
        let start = piece.cp_start.min(ccp_text);
        let end = piece.cp_end.min(ccp_text);
        let count = end.saturating_sub(start) as usize;
        if count == 0 {
            continue;
        }
        // Pieces may all point at the same bytes: bound the output itself.
        chars += count;
        if chars > limits.max_text_chars {
            return Err(ReadError::TooLong {
                limit: limits.max_text_chars,
            });
        }
        let (width, encoding) = if piece.compressed {
            (1, WINDOWS_1252)
        } else {
            (2, UTF_16LE)
        };
        let from = piece.offset.min(word.len());
        let to = piece.offset.saturating_add(count * width).min(word.len());
        let bytes = word.get(from..to).unwrap_or_default();
        out.push_str(&encoding.decode_without_bom_handling(bytes).0);
    }
    Ok(out)
}

/// Word's control characters → plain text. Fields (`0x13` instruction
/// `0x14` result `0x15`) keep their result and drop the instruction, so a
/// `PAGE` or hyperlink field shows what the reader saw.
fn clean(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    // Per open field: still in its instruction part?
    let mut fields: Vec<bool> = Vec::new();
    for c in raw.chars() {
        match c {
            '\u{13}' => fields.push(true),
            '\u{14}' => {
                if let Some(instruction) = fields.last_mut() {
                    *instruction = false;
                }
            }
            '\u{15}' => {
                fields.pop();
            }
            _ if fields.iter().any(|&instruction| instruction) => {}
            // Paragraph end, cell/row end, line break, page/column break.
            '\r' | '\u{7}' | '\u{B}' | '\u{C}' | '\u{E}' => out.push('\n'),
            '\u{1E}' => out.push('-'),
            '\t' => out.push('\t'),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

fn slice(bytes: &[u8], at: u32, len: u32) -> Option<&[u8]> {
    let at = at as usize;
    bytes.get(at..at.checked_add(len as usize)?)
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(bytes.get(at..at.checked_add(2)?)?.try_into().ok()?))
}

fn u32_at(bytes: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_le_bytes(bytes.get(at..at.checked_add(4)?)?.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn plc(cps: &[u32], fcs: &[u32]) -> Vec<u8> {
        let mut body = Vec::new();
        for cp in cps {
            body.extend_from_slice(&cp.to_le_bytes());
        }
        for fc in fcs {
            body.extend_from_slice(&[0, 0]);
            body.extend_from_slice(&fc.to_le_bytes());
            body.extend_from_slice(&[0, 0]);
        }
        let mut clx = vec![0x01, 2, 0, 0xAA, 0xBB, 0x02];
        clx.extend_from_slice(&(body.len() as u32).to_le_bytes());
        clx.extend(body);
        clx
    }

    #[test]
    fn piece_table_mixes_compressed_and_utf16() {
        // "ab" 8-bit at byte 100, then "通知" UTF-16 at byte 200.
        let mut word = vec![0u8; 300];
        word[100..102].copy_from_slice(b"ab");
        let utf16: Vec<u8> = "通知\r".encode_utf16().flat_map(u16::to_le_bytes).collect();
        word[200..206].copy_from_slice(&utf16);
        let clx = plc(&[0, 2, 5], &[200 | F_COMPRESSED, 200]);
        let pieces = parse_clx(&clx).unwrap();
        assert_eq!(pieces.len(), 2);
        assert!(pieces[0].compressed && pieces[0].offset == 100);
        let text = main_text(&word, &pieces, 5, &ReadLimits::default()).unwrap();
        assert_eq!(clean(&text), "ab通知\n");
        // ccpText cuts off what follows the main document.
        let text = main_text(&word, &pieces, 3, &ReadLimits::default()).unwrap();
        assert_eq!(text, "ab通");
    }

    #[test]
    fn repeated_pieces_are_bounded() {
        let word = vec![b'x'; 64];
        let cps: Vec<u32> = (0..=100).map(|i| i * 32).collect();
        let clx = plc(&cps, &vec![F_COMPRESSED; 100]);
        let pieces = parse_clx(&clx).unwrap();
        let limits = ReadLimits {
            max_text_chars: 1000,
            ..ReadLimits::default()
        };
        assert!(matches!(
            main_text(&word, &pieces, u32::MAX, &limits),
            Err(ReadError::TooLong { .. })
        ));
    }

    #[test]
    fn fields_keep_their_result() {
        let raw = "见\u{13} HYPERLINK \"http://x\" \u{14}附件1\u{15}。第\u{13}PAGE\u{14}3\u{15}页\u{7}\u{1}\u{8}";
        assert_eq!(clean(raw), "见附件1。第3页\n");
    }

    #[test]
    fn bad_clx_and_fib_are_errors() {
        assert!(parse_clx(&[0x02, 0xFF, 0xFF, 0xFF, 0x7F]).is_err());
        assert!(parse_clx(&[0x01, 0xFF, 0xFF]).is_err());
        assert!(Fib::parse(&[0xEC, 0xA5]).is_err());
        assert!(matches!(
            Fib::parse(&[0xDC, 0xA5, 0, 0]),
            Err(ReadError::UnsupportedFormat(_))
        ));
    }
}
