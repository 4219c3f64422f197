//! `.docx` text extraction from `word/document.xml`.

use quick_xml::events::{BytesStart, Event};
use quick_xml::name::ResolveResult;
use quick_xml::NsReader;

use super::archive::{corrupt, Zip};
use super::{non_blank, ReadError, ReadLimits};

pub(super) const MAIN_PART: &str = "word/document.xml";
/// WordprocessingML, transitional and strict (ISO 29500) namespaces.
const W_NS: &[&[u8]] = &[
    b"http://schemas.openxmlformats.org/wordprocessingml/2006/main",
    b"http://purl.oclc.org/ooxml/wordprocessingml/main",
];
const MC_NS: &[u8] = b"http://schemas.openxmlformats.org/markup-compatibility/2006";

/// Extract the body text of a `.docx`: one paragraph per line, table cells
/// in document order, tracked deletions and compatibility fallbacks skipped.
pub fn extract_docx(bytes: &[u8], limits: &ReadLimits) -> Result<String, ReadError> {
    extract(Zip::open(bytes, limits)?)
}

pub(super) fn extract(mut zip: Zip) -> Result<String, ReadError> {
    let Some(index) = zip.find(MAIN_PART) else {
        return Err(classify_other_zip(zip.names()));
    };
    let xml = xml_to_string(zip.read(index)?)?;
    non_blank(document_text(&xml)?)
}

/// A ZIP without the main part: a damaged docx or some other container.
fn classify_other_zip(names: &[String]) -> ReadError {
    let has = |prefix: &str| names.iter().any(|n| n.starts_with(prefix));
    let kind = if has("word/") {
        return corrupt(format!("缺少 {MAIN_PART}"));
    } else if has("xl/") {
        "Excel 工作簿（.xlsx）"
    } else if has("ppt/") {
        "PowerPoint 演示文稿（.pptx）"
    } else if has("content.xml") {
        "OpenDocument 文档（.odt 等）"
    } else {
        "ZIP 压缩包（不含 word/document.xml 或 OFD.xml）"
    };
    ReadError::UnsupportedFormat(kind.to_owned())
}

/// document.xml is UTF-8 in practice, but the XML spec allows UTF-16.
pub(super) fn xml_to_string(raw: Vec<u8>) -> Result<String, ReadError> {
    if let Some((encoding, bom_len)) = encoding_rs::Encoding::for_bom(&raw) {
        let rest = raw.get(bom_len..).unwrap_or_default();
        return encoding
            .decode_without_bom_handling_and_without_replacement(rest)
            .map(|text| text.into_owned())
            .ok_or_else(|| corrupt("XML 编码错误"));
    }
    String::from_utf8(raw).map_err(|_| corrupt("XML 不是有效的 UTF-8"))
}

/// What an element means for text extraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Paragraph,
    Text,
    Tab,
    Break,
    Hyphen,
    /// Subtree holds no body text we want (deletions, properties, fallback).
    Skip,
    AlternateContent,
    Choice,
    Other,
}

fn role(ns: &ResolveResult, local: &[u8]) -> Role {
    let ns = match ns {
        ResolveResult::Bound(ns) => ns.0,
        _ => return Role::Other,
    };
    if W_NS.contains(&ns) {
        match local {
            b"p" => Role::Paragraph,
            b"t" => Role::Text,
            b"tab" | b"ptab" => Role::Tab,
            b"br" | b"cr" => Role::Break,
            b"noBreakHyphen" => Role::Hyphen,
            // Tracked deletions; properties hold tab-stop definitions
            // (`w:tabs/w:tab`) that are not tab characters.
            b"del" | b"moveFrom" | b"pPr" | b"rPr" | b"sectPr" => Role::Skip,
            _ => Role::Other,
        }
    } else if ns == MC_NS {
        match local {
            b"AlternateContent" => Role::AlternateContent,
            b"Choice" => Role::Choice,
            // Text boxes are stored twice: DrawingML in Choice, VML here.
            b"Fallback" => Role::Skip,
            _ => Role::Other,
        }
    } else {
        Role::Other
    }
}

/// Walks document.xml events and accumulates text.
#[derive(Default)]
struct Extractor {
    out: String,
    /// >0 while inside a skipped subtree (counts nested start tags).
    skip_depth: usize,
    in_text: bool,
    /// Per open paragraph: was it interrupted by a nested (text-box) one?
    paragraphs: Vec<bool>,
    /// Per open `mc:AlternateContent`: has a `mc:Choice` been taken?
    alternates: Vec<bool>,
    /// Open elements outside skipped subtrees, to detect truncated XML.
    depth: usize,
}

impl Extractor {
    fn start(&mut self, role: Role) {
        if self.skip_depth > 0 {
            self.skip_depth += 1;
            return;
        }
        match role {
            Role::Skip => {
                self.skip_depth = 1;
                return;
            }
            Role::Choice => {
                // Only the first Choice of an AlternateContent is used.
                if let Some(taken) = self.alternates.last_mut() {
                    if *taken {
                        self.skip_depth = 1;
                        return;
                    }
                    *taken = true;
                }
            }
            Role::AlternateContent => self.alternates.push(false),
            Role::Paragraph => self.open_paragraph(),
            Role::Text => self.in_text = true,
            _ => self.empty(role),
        }
        self.depth += 1;
    }

    fn end(&mut self, role: Role) {
        if self.skip_depth > 0 {
            self.skip_depth -= 1;
            return;
        }
        self.depth = self.depth.saturating_sub(1);
        match role {
            Role::AlternateContent => {
                self.alternates.pop();
            }
            Role::Paragraph => self.close_paragraph(),
            Role::Text => self.in_text = false,
            _ => {}
        }
    }

    /// Self-closing element (`<w:tab/>`, `<w:br/>`, `<w:p/>`).
    fn empty(&mut self, role: Role) {
        if self.skip_depth > 0 {
            return;
        }
        match role {
            Role::Tab => self.out.push('\t'),
            Role::Break => self.out.push('\n'),
            Role::Hyphen => self.out.push('-'),
            Role::Paragraph => {
                self.open_paragraph();
                self.close_paragraph();
            }
            _ => {}
        }
    }

    fn text(&mut self, text: &str) {
        if self.skip_depth == 0 && self.in_text {
            self.out.push_str(text);
        }
    }

    /// A paragraph nested in another (text box anchored in a run) starts on
    /// its own line instead of being glued to the outer paragraph's text.
    fn open_paragraph(&mut self) {
        if let Some(interrupted) = self.paragraphs.last_mut() {
            *interrupted = true;
            if !self.out.is_empty() && !self.out.ends_with('\n') {
                self.out.push('\n');
            }
        }
        self.paragraphs.push(false);
    }

    fn close_paragraph(&mut self) {
        let interrupted = self.paragraphs.pop().unwrap_or(false);
        // After a nested paragraph the line is already closed, unless the
        // outer paragraph resumed with more text.
        if !(interrupted && self.out.ends_with('\n')) {
            self.out.push('\n');
        }
    }
}

fn element_role(reader: &NsReader<&[u8]>, start: &BytesStart) -> Role {
    let (ns, local) = reader.resolve_element(start.name());
    role(&ns, local.as_ref())
}

/// Body text of document.xml, one paragraph per line.
fn document_text(xml: &str) -> Result<String, ReadError> {
    let mut reader = NsReader::from_str(xml);
    let mut ex = Extractor::default();
    let bad_xml = |e: quick_xml::Error, pos: u64| corrupt(format!("XML 解析失败（位置 {pos}：{e}）"));
    loop {
        let event = reader.read_event().map_err(|e| bad_xml(e, reader.error_position()))?;
        match event {
            Event::Start(start) => ex.start(element_role(&reader, &start)),
            Event::Empty(start) => ex.empty(element_role(&reader, &start)),
            Event::End(end) => {
                let (ns, local) = reader.resolve_element(end.name());
                ex.end(role(&ns, local.as_ref()));
            }
            Event::Text(text) => {
                let text = text.unescape().map_err(|e| bad_xml(e, reader.buffer_position()))?;
                ex.text(&text);
            }
            Event::CData(data) => ex.text(&String::from_utf8_lossy(&data)),
            Event::Eof => break,
            _ => {}
        }
    }
    if ex.depth > 0 || ex.skip_depth > 0 {
        return Err(corrupt(format!("{MAIN_PART} 不完整（XML 未闭合）")));
    }
    Ok(ex.out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Cursor;
    use std::io::Write;
    use zip::write::SimpleFileOptions;
    use zip::{CompressionMethod, ZipWriter};

    fn docx_text(bytes: &[u8]) -> Result<String, ReadError> {
        extract_docx(bytes, &ReadLimits::default())
    }

    fn zip_bytes(files: &[(&str, &[u8])], method: CompressionMethod) -> Vec<u8> {
        let mut writer = ZipWriter::new(Cursor::new(Vec::new()));
        let options = SimpleFileOptions::default().compression_method(method);
        for (name, data) in files {
            writer.start_file(*name, options).expect("start_file");
            writer.write_all(data).expect("write");
        }
        writer.finish().expect("finish").into_inner()
    }

    fn document_xml(body: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main" xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:wps="http://schemas.microsoft.com/office/word/2010/wordprocessingShape" xmlns:v="urn:schemas-microsoft-com:vml" mc:Ignorable="wps">
  <w:body>{body}<w:sectPr><w:pgSz w:w="11906" w:h="16838"/></w:sectPr></w:body>
</w:document>"#
        )
    }

    fn docx(body: &str) -> Vec<u8> {
        let xml = document_xml(body);
        zip_bytes(
            &[("[Content_Types].xml", b"<Types/>"), (MAIN_PART, xml.as_bytes())],
            CompressionMethod::Deflated,
        )
    }

    fn extracted(bytes: &[u8]) -> String {
        match docx_text(bytes) {
            Ok(text) => text,
            Err(err) => panic!("extract failed: {err}"),
        }
    }

    fn para(text: &str) -> String {
        format!("<w:p><w:r><w:t>{text}</w:t></w:r></w:p>")
    }

    #[test]
    fn paragraphs_runs_tabs_breaks_entities() {
        let body = format!(
            r#"{}<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="420"/></w:tabs><w:rPr><w:b/></w:rPr></w:pPr>
<w:r><w:t xml:space="preserve">一、</w:t></w:r><w:r><w:tab/><w:t>总体要求 &amp; 目标</w:t><w:br/><w:t>&#x7B2C;二行&lt;注&gt;</w:t></w:r></w:p><w:p/>{}"#,
            para("关于进一步精简文件的通知"),
            para("附件：1．实施方案")
        );
        assert_eq!(
            extracted(&docx(&body)),
            "关于进一步精简文件的通知\n一、\t总体要求 & 目标\n第二行<注>\n\n附件：1．实施方案\n"
        );
    }

    #[test]
    fn stored_zip_works_too() {
        let xml = document_xml(&para("通知"));
        let bytes = zip_bytes(&[(MAIN_PART, xml.as_bytes())], CompressionMethod::Stored);
        assert_eq!(extracted(&bytes), "通知\n");
        assert_eq!(super::super::decode(&bytes).ok().as_deref(), Some("通知\n"));
    }

    #[test]
    fn table_cells_in_order() {
        let cell = |t: &str| format!("<w:tc><w:tcPr><w:tcW w:w=\"2000\"/></w:tcPr>{}</w:tc>", para(t));
        let body = format!(
            "{}<w:tbl><w:tblPr/><w:tr>{}{}</w:tr><w:tr>{}<w:tc>{}{}</w:tc></w:tr></w:tbl>{}",
            para("表1"),
            cell("序号"),
            cell("文件名称"),
            cell("1"),
            para("第一段"),
            para("第二段"),
            para("表后")
        );
        assert_eq!(
            extracted(&docx(&body)),
            "表1\n序号\n文件名称\n1\n第一段\n第二段\n表后\n"
        );
    }

    #[test]
    fn tracked_changes_skip_deletions_keep_insertions() {
        let body = r#"<w:p><w:r><w:t>请于</w:t></w:r><w:del w:id="1" w:author="a"><w:r><w:delText>3月1日</w:delText></w:r></w:del><w:ins w:id="2" w:author="a"><w:r><w:t>4月1日</w:t></w:r></w:ins><w:moveFrom w:id="3"><w:r><w:t>旧位置</w:t></w:r></w:moveFrom><w:r><w:t>前报送。</w:t></w:r></w:p>"#;
        assert_eq!(extracted(&docx(body)), "请于4月1日前报送。\n");
    }

    #[test]
    fn alternate_content_uses_choice_only() {
        let text_box = |t: &str| format!("<w:txbxContent>{}</w:txbxContent>", para(t));
        let body = format!(
            r#"<w:p><w:r><w:t>正文前</w:t></w:r><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><wps:txbx>{}</wps:txbx></w:drawing></mc:Choice><mc:Choice Requires="x"><w:t>第二选择</w:t></mc:Choice><mc:Fallback><w:pict><v:textbox>{}</v:textbox></w:pict></mc:Fallback></mc:AlternateContent></w:r><w:r><w:t>正文后</w:t></w:r></w:p>{}"#,
            text_box("文本框内容"),
            text_box("文本框内容"),
            para("下一段")
        );
        assert_eq!(extracted(&docx(&body)), "正文前\n文本框内容\n正文后\n下一段\n");
    }

    #[test]
    fn custom_namespace_prefix() {
        let xml = r#"<ns0:document xmlns:ns0="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><ns0:body><ns0:p><ns0:r><ns0:t>前缀不同</ns0:t></ns0:r></ns0:p></ns0:body></ns0:document>"#;
        let bytes = zip_bytes(&[(MAIN_PART, xml.as_bytes())], CompressionMethod::Deflated);
        assert_eq!(extracted(&bytes), "前缀不同\n");
    }

    #[test]
    fn corrupt_inputs_are_errors_not_panics() {
        let good = docx(&para("完整的文件内容"));
        for cut in [4, 30, good.len() / 2, good.len() - 10] {
            assert!(
                matches!(docx_text(&good[..cut]), Err(ReadError::Corrupt(_))),
                "cut at {cut}"
            );
        }
        assert!(matches!(docx_text(b"not a zip"), Err(ReadError::Corrupt(_))));
        let mut flipped = good.clone();
        let mid = flipped.len() / 3;
        flipped[mid] ^= 0xFF;
        assert!(docx_text(&flipped).is_err());
    }

    #[test]
    fn bad_or_truncated_xml() {
        let bad = zip_bytes(
            &[(MAIN_PART, b"<w:document><w:body></w:p></w:body>")],
            CompressionMethod::Stored,
        );
        assert!(matches!(docx_text(&bad), Err(ReadError::Corrupt(_))));
        let full = document_xml(&para("被截断"));
        let truncated = &full.as_bytes()[..full.len() - 30];
        let bytes = zip_bytes(&[(MAIN_PART, truncated)], CompressionMethod::Stored);
        assert!(matches!(docx_text(&bytes), Err(ReadError::Corrupt(_))));
    }

    #[test]
    fn zip_that_is_not_a_docx() {
        let plain = zip_bytes(&[("readme.txt", b"hello")], CompressionMethod::Deflated);
        assert!(matches!(docx_text(&plain), Err(ReadError::UnsupportedFormat(_))));
        let xlsx = zip_bytes(&[("xl/workbook.xml", b"<x/>")], CompressionMethod::Stored);
        assert!(matches!(
            docx_text(&xlsx),
            Err(ReadError::UnsupportedFormat(kind)) if kind.contains("xlsx")
        ));
        let broken = zip_bytes(&[("word/styles.xml", b"<x/>")], CompressionMethod::Stored);
        assert!(matches!(docx_text(&broken), Err(ReadError::Corrupt(_))));
    }

    #[test]
    fn decompression_is_capped() {
        // 4 MiB of highly compressible XML against a 1 MiB cap.
        let body = para(&"重复".repeat(700_000));
        let bomb = docx(&body);
        assert!(bomb.len() < 64 * 1024);
        let small = ReadLimits {
            max_unpacked_size: 1 << 20,
            ..ReadLimits::default()
        };
        let err = extract_docx(&bomb, &small).err();
        assert!(
            matches!(&err, Some(ReadError::LimitExceeded(d)) if d.contains("压缩炸弹")),
            "{err:?}"
        );
        assert!(docx_text(&bomb).is_ok());
    }

    #[test]
    fn loose_part_name_and_empty_document() {
        let xml = document_xml(&para("大小写"));
        let bytes = zip_bytes(&[("Word/Document.xml", xml.as_bytes())], CompressionMethod::Stored);
        assert_eq!(extracted(&bytes), "大小写\n");
        assert!(matches!(
            docx_text(&docx("<w:p/><w:p><w:r><w:t> </w:t></w:r></w:p>")),
            Err(ReadError::Empty)
        ));
    }
}
