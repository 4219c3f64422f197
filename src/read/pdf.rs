//! `.pdf` text layer via lopdf (without default features: no rayon, no
//! chrono). lopdf parses the file and maps font codes to Unicode (CID fonts
//! with UniGB-UCS2-H or a ToUnicode CMap included); unlike pdf-extract it
//! does not panic on Chinese fonts, and any panic left is caught by the
//! caller. A PDF whose pages show no text at all is a scan.
//!
//! Text is placed by position, not taken in content-stream order: office
//! suites draw each font run as its own text object (Latin digits in one
//! font, CJK in another, quotation marks last), so stream order scrambles a
//! line. Each glyph gets its position from the text and graphics matrices
//! and its advance from the font's widths; glyphs are then grouped into
//! lines by baseline and read left to right.

use std::collections::BTreeMap;

use lopdf::content::Content;
use lopdf::{DecompressError, Dictionary, Document, Encoding, LoadOptions, Object};

use super::archive::corrupt;
use super::{is_blank, mib, ReadError, ReadLimits};

/// How far into the file the `%PDF-` header may start.
const HEADER_WINDOW: usize = 1024;
/// Deepest `q` nesting tracked (the graphics-state stack of a hostile file
/// must not grow without bound).
const MAX_STATE_DEPTH: usize = 256;

/// Offset of the `%PDF-` header, if it is within the first KiB.
pub(super) fn header_offset(bytes: &[u8]) -> Option<usize> {
    let window = bytes.get(..bytes.len().min(HEADER_WINDOW))?;
    window.windows(5).position(|w| w == b"%PDF-")
}

pub fn extract_pdf(bytes: &[u8], limits: &ReadLimits) -> Result<String, ReadError> {
    let start = header_offset(bytes).ok_or_else(|| corrupt("缺少 %PDF- 文件头"))?;
    let cap = usize::try_from(limits.max_unpacked_size).unwrap_or(usize::MAX);
    let options = LoadOptions {
        max_decompressed_size: Some(cap),
        ..LoadOptions::default()
    };
    let doc = Document::load_mem_with_options(bytes.get(start..).unwrap_or_default(), options)
        .map_err(|e| corrupt(format!("PDF 解析失败（{e}）")))?;
    if doc.is_encrypted() && doc.encryption_state.is_none() {
        return Err(ReadError::Encrypted);
    }
    let text = pages_text(&doc, limits)?;
    if is_blank(&text) {
        return Err(ReadError::NoTextLayer);
    }
    Ok(text)
}

/// Text of every page in page order. The decompression budget is shared by
/// all pages: a thousand pages pointing at one bomb stream must not cost a
/// thousand times the limit. Pages that fail to decode are skipped so that a
/// damaged page does not hide the rest of the document.
fn pages_text(doc: &Document, limits: &ReadLimits) -> Result<String, ReadError> {
    let pages = doc.get_pages();
    if pages.is_empty() {
        return Err(corrupt("PDF 中没有页面"));
    }
    let mut budget = usize::try_from(limits.max_unpacked_size).unwrap_or(usize::MAX);
    let mut out = String::new();
    for &id in pages.values() {
        let content = match doc.get_page_content_with_limit(id, budget) {
            Ok(content) => content,
            Err(lopdf::Error::Decompress(DecompressError::MemoryLimitExceeded { .. })) => return Err(bomb(limits)),
            Err(_) => continue,
        };
        budget = budget.saturating_sub(content.len());
        let Ok(content) = Content::decode(&content) else {
            continue;
        };
        let fonts = page_fonts(doc, id, budget);
        out.push_str(&layout(glyphs(&content.operations, &fonts)));
        // Bytes bound chars from above (4 bytes at most per char).
        if out.len() / 4 > limits.max_text_chars {
            return Err(ReadError::TooLong {
                limit: limits.max_text_chars,
            });
        }
    }
    Ok(out)
}

fn bomb(limits: &ReadLimits) -> ReadError {
    ReadError::LimitExceeded(format!(
        "PDF 内容流解压后超过 {} MiB（疑似压缩炸弹），已跳过",
        mib(&limits.max_unpacked_size)
    ))
}

/// What we need of a font: code → text, code length, code → advance.
struct Font<'a> {
    encoding: Option<Encoding<'a>>,
    /// Type0 (CID) fonts use two-byte codes (Identity-H, UniGB-UCS2-H).
    two_byte: bool,
    /// Advance per code in 1/1000 text-space units.
    widths: BTreeMap<u32, f32>,
    default_width: f32,
}

fn page_fonts(doc: &Document, page: lopdf::ObjectId, limit: usize) -> BTreeMap<Vec<u8>, Font<'_>> {
    let Ok(fonts) = doc.get_page_fonts(page) else {
        return BTreeMap::new();
    };
    fonts
        .into_iter()
        .map(|(name, dict)| (name, font(doc, dict, limit.max(1))))
        .collect()
}

fn font<'a>(doc: &'a Document, dict: &'a Dictionary, limit: usize) -> Font<'a> {
    let two_byte = matches!(dict.get(b"Subtype"), Ok(Object::Name(n)) if n == b"Type0");
    let mut font = Font {
        encoding: dict.get_font_encoding_with_limit(doc, limit).ok(),
        two_byte,
        widths: BTreeMap::new(),
        default_width: if two_byte { 1000.0 } else { 500.0 },
    };
    if two_byte {
        let descendant = resolve(doc, dict.get(b"DescendantFonts").ok())
            .and_then(array)
            .and_then(|a| resolve(doc, a.first()))
            .and_then(|o| o.as_dict().ok());
        if let Some(cid) = descendant {
            if let Some(dw) = resolve(doc, cid.get(b"DW").ok()).and_then(number) {
                font.default_width = dw;
            }
            if let Some(w) = resolve(doc, cid.get(b"W").ok()).and_then(array) {
                cid_widths(doc, w, &mut font.widths);
            }
        }
    } else {
        let first = resolve(doc, dict.get(b"FirstChar").ok())
            .and_then(number)
            .unwrap_or(0.0);
        if let Some(widths) = resolve(doc, dict.get(b"Widths").ok()).and_then(array) {
            for (i, w) in widths.iter().enumerate() {
                if let Some(w) = resolve(doc, Some(w)).and_then(number) {
                    font.widths.insert(first as u32 + i as u32, w);
                }
            }
        }
    }
    font
}

/// CID `W` array: `c [w1 w2 …]` or `c_first c_last w`.
fn cid_widths(doc: &Document, w: &[Object], out: &mut BTreeMap<u32, f32>) {
    let mut items = w.iter().map(|o| resolve(doc, Some(o)));
    // Far more entries than any real font; bounds hostile ranges.
    const MAX_CIDS: u32 = 65_536;
    while let Some(Some(first)) = items.next() {
        let Some(first) = number(first) else { return };
        match items.next().flatten() {
            Some(Object::Array(list)) => {
                for (i, w) in list.iter().enumerate().take(MAX_CIDS as usize) {
                    if let Some(w) = number(w) {
                        out.insert(first as u32 + i as u32, w);
                    }
                }
            }
            Some(last) => {
                let (Some(last), Some(Some(w))) = (number(last), items.next().map(|o| o.and_then(number))) else {
                    return;
                };
                for cid in (first as u32..=last as u32).take(MAX_CIDS as usize) {
                    out.insert(cid, w);
                }
            }
            None => return,
        }
    }
}

fn resolve<'a>(doc: &'a Document, obj: Option<&'a Object>) -> Option<&'a Object> {
    doc.dereference(obj?).ok().map(|(_, o)| o)
}

fn array(obj: &Object) -> Option<&[Object]> {
    match obj {
        Object::Array(a) => Some(a),
        _ => None,
    }
}

fn number(obj: &Object) -> Option<f32> {
    match *obj {
        Object::Integer(i) => Some(i as f32),
        Object::Real(r) if r.is_finite() => Some(r),
        _ => None,
    }
}

/// Affine matrix `[a b c d e f]` as in PDF.
type Matrix = [f32; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `m × n` (apply `m`, then `n`).
fn mul(m: &Matrix, n: &Matrix) -> Matrix {
    [
        m[0] * n[0] + m[1] * n[2],
        m[0] * n[1] + m[1] * n[3],
        m[2] * n[0] + m[3] * n[2],
        m[2] * n[1] + m[3] * n[3],
        m[4] * n[0] + m[5] * n[2] + n[4],
        m[4] * n[1] + m[5] * n[3] + n[5],
    ]
}

fn translate(tx: f32, ty: f32) -> Matrix {
    [1.0, 0.0, 0.0, 1.0, tx, ty]
}

/// One shown glyph in device space.
#[derive(Debug, Clone)]
struct Glyph {
    x: f32,
    y: f32,
    /// Advance (device units) and font size, for gaps and line tolerance.
    advance: f32,
    size: f32,
    text: String,
}

/// Text state while walking a content stream.
struct State<'f, 'a> {
    ctm: Matrix,
    saved: Vec<Matrix>,
    tm: Matrix,
    tlm: Matrix,
    font: Option<&'f Font<'a>>,
    size: f32,
    char_spacing: f32,
    word_spacing: f32,
    h_scale: f32,
    leading: f32,
    out: Vec<Glyph>,
}

impl<'f, 'a> State<'f, 'a> {
    fn next_line(&mut self, tx: f32, ty: f32) {
        self.tlm = mul(&translate(tx, ty), &self.tlm);
        self.tm = self.tlm;
    }

    fn show(&mut self, bytes: &[u8]) {
        let Some(font) = self.font else { return };
        let step = if font.two_byte { 2 } else { 1 };
        for code in bytes.chunks(step) {
            let cid = code.iter().fold(0u32, |acc, b| acc << 8 | u32::from(*b));
            let text = font
                .encoding
                .as_ref()
                .and_then(|e| Document::decode_text(e, code).ok())
                .unwrap_or_default();
            let width = font.widths.get(&cid).copied().unwrap_or(font.default_width) / 1000.0;
            let space = if code == [32] { self.word_spacing } else { 0.0 };
            let tx = (width * self.size + self.char_spacing + space) * self.h_scale;
            let at = mul(&self.tm, &self.ctm);
            let scale = at[2].hypot(at[3]);
            if !text.is_empty() {
                self.out.push(Glyph {
                    x: at[4],
                    y: at[5],
                    advance: tx * at[0].hypot(at[1]),
                    size: (self.size * scale).abs(),
                    text,
                });
            }
            self.tm = mul(&translate(tx, 0.0), &self.tm);
        }
    }
}

fn operand(op: &lopdf::content::Operation, i: usize) -> f32 {
    op.operands.get(i).and_then(number).unwrap_or(0.0)
}

fn matrix(op: &lopdf::content::Operation) -> Matrix {
    [0, 1, 2, 3, 4, 5].map(|i| operand(op, i))
}

/// Every glyph a content stream shows, positioned.
fn glyphs(ops: &[lopdf::content::Operation], fonts: &BTreeMap<Vec<u8>, Font>) -> Vec<Glyph> {
    let mut st = State {
        ctm: IDENTITY,
        saved: Vec::new(),
        tm: IDENTITY,
        tlm: IDENTITY,
        font: None,
        size: 0.0,
        char_spacing: 0.0,
        word_spacing: 0.0,
        h_scale: 1.0,
        leading: 0.0,
        out: Vec::new(),
    };
    let string = |o: &Object| match o {
        Object::String(s, _) => Some(s.clone()),
        _ => None,
    };
    for op in ops {
        match op.operator.as_str() {
            "q" if st.saved.len() < MAX_STATE_DEPTH => st.saved.push(st.ctm),
            "Q" => st.ctm = st.saved.pop().unwrap_or(IDENTITY),
            "cm" => st.ctm = mul(&matrix(op), &st.ctm),
            "BT" => (st.tm, st.tlm) = (IDENTITY, IDENTITY),
            "Tf" => {
                st.font = op.operands.first().and_then(|n| match n {
                    Object::Name(name) => fonts.get(name),
                    _ => None,
                });
                st.size = operand(op, 1);
            }
            "Tc" => st.char_spacing = operand(op, 0),
            "Tw" => st.word_spacing = operand(op, 0),
            "Tz" => st.h_scale = operand(op, 0) / 100.0,
            "TL" => st.leading = operand(op, 0),
            "Td" => st.next_line(operand(op, 0), operand(op, 1)),
            "TD" => {
                st.leading = -operand(op, 1);
                st.next_line(operand(op, 0), operand(op, 1));
            }
            "Tm" => (st.tm, st.tlm) = (matrix(op), matrix(op)),
            "T*" => st.next_line(0.0, -st.leading),
            "Tj" => {
                if let Some(s) = op.operands.first().and_then(string) {
                    st.show(&s);
                }
            }
            "'" | "\"" => {
                if op.operator == "\"" {
                    st.word_spacing = operand(op, 0);
                    st.char_spacing = operand(op, 1);
                }
                st.next_line(0.0, -st.leading);
                if let Some(s) = op.operands.last().and_then(string) {
                    st.show(&s);
                }
            }
            "TJ" => {
                for item in op.operands.first().and_then(array).unwrap_or_default() {
                    match item {
                        Object::String(s, _) => st.show(s),
                        other => {
                            let shift = -number(other).unwrap_or(0.0) / 1000.0 * st.size * st.h_scale;
                            st.tm = mul(&translate(shift, 0.0), &st.tm);
                        }
                    }
                }
            }
            _ => {}
        }
    }
    st.out
}

/// Glyphs → lines: top to bottom by baseline, left to right within a line.
/// A space goes between glyphs only where Latin text has a visible gap
/// (CJK text is justified with gaps that are not spaces).
fn layout(mut glyphs: Vec<Glyph>) -> String {
    glyphs.retain(|g| g.x.is_finite() && g.y.is_finite());
    glyphs.sort_by(|a, b| b.y.total_cmp(&a.y));
    let mut lines: Vec<Vec<Glyph>> = Vec::new();
    for g in glyphs {
        let tolerance = (g.size * 0.5).max(1.0);
        match lines.last_mut() {
            Some(line) if (line[0].y - g.y).abs() <= tolerance => line.push(g),
            _ => lines.push(vec![g]),
        }
    }
    let mut out = String::new();
    for mut line in lines {
        line.sort_by(|a, b| a.x.total_cmp(&b.x));
        let mut prev: Option<&Glyph> = None;
        for g in &line {
            if let Some(p) = prev {
                // Fake bold: the same glyph drawn again a hair to the right.
                if p.text == g.text && (g.x - p.x).abs() < p.size * 0.2 {
                    continue;
                }
                let gap = g.x - (p.x + p.advance);
                let latin = |s: &str| s.chars().all(|c| c.is_ascii_alphanumeric());
                if gap > p.size * 0.25 && latin(&p.text) && latin(&g.text) && !out.ends_with(' ') {
                    out.push(' ');
                }
            }
            out.push_str(&g.text);
            prev = Some(g);
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_may_follow_junk() {
        assert_eq!(header_offset(b"%PDF-1.7\n"), Some(0));
        assert_eq!(header_offset(b"\r\n\r\nJunk%PDF-1.4"), Some(8));
        assert_eq!(header_offset(b"plain text"), None);
        let mut late = vec![b' '; 2000];
        late.extend_from_slice(b"%PDF-1.4");
        assert_eq!(header_offset(&late), None);
    }

    #[test]
    fn garbage_after_header_is_corrupt() {
        let err = extract_pdf(b"%PDF-1.4\nnot really a pdf", &ReadLimits::default());
        assert!(matches!(err, Err(ReadError::Corrupt(_))), "{err:?}");
    }
}
