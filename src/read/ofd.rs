//! `.ofd` (GB/T 33190-2016, the Chinese fixed-layout format for official
//! documents): a ZIP of XML parts. `OFD.xml` names each document's root
//! (`DocBody/DocRoot`, usually `Doc_0/Document.xml`), which lists its pages
//! in order (`Pages/Page@BaseLoc`); each page's content holds the text as
//! `TextObject/TextCode` elements with their positions.

use quick_xml::events::{BytesStart, Event};
use quick_xml::Reader;

use super::archive::{corrupt, normalise, Zip};
use super::docx::xml_to_string;
use super::{non_blank, ReadError, ReadLimits};

pub(super) const ROOT_PART: &str = "OFD.xml";

/// Glyphs whose baselines differ by more than this (in mm, the OFD unit)
/// are on different lines.
const SAME_LINE_MM: f64 = 1.0;

pub fn extract_ofd(bytes: &[u8], limits: &ReadLimits) -> Result<String, ReadError> {
    extract(Zip::open(bytes, limits)?)
}

pub(super) fn extract(mut zip: Zip) -> Result<String, ReadError> {
    let root = read_xml(&mut zip, ROOT_PART)?;
    let doc_roots = element_texts(&root, b"DocRoot")?;
    // A package may bundle several documents; they are read in order.
    let mut out = String::new();
    for doc_root in doc_roots.iter().filter(|d| !d.trim().is_empty()) {
        let doc_path = normalise(doc_root.trim());
        let document = read_xml(&mut zip, &doc_path)?;
        let base = doc_path.rsplit_once('/').map_or("", |(dir, _)| dir);
        for page in page_locations(&document)? {
            let content = read_xml(&mut zip, &resolve(base, &page))?;
            out.push_str(&page_text(&content)?);
        }
    }
    if doc_roots.is_empty() {
        return Err(corrupt("OFD.xml 中没有 DocRoot"));
    }
    non_blank(out)
}

fn read_xml(zip: &mut Zip, name: &str) -> Result<String, ReadError> {
    let index = zip.find(name).ok_or_else(|| corrupt(format!("缺少 {name}")))?;
    xml_to_string(zip.read(index)?)
}

/// `BaseLoc` is relative to the document's folder unless it starts with `/`.
fn resolve(base: &str, loc: &str) -> String {
    let loc = loc.trim();
    if loc.starts_with('/') || base.is_empty() {
        normalise(loc)
    } else {
        normalise(&format!("{base}/{loc}"))
    }
}

fn bad_xml(err: quick_xml::Error, pos: u64) -> ReadError {
    corrupt(format!("XML 解析失败（位置 {pos}：{err}）"))
}

/// Events of a whole part, failing on XML that never closes (truncation).
fn for_each_event(xml: &str, mut f: impl FnMut(&Event) -> Result<(), ReadError>) -> Result<(), ReadError> {
    let mut reader = Reader::from_str(xml);
    let mut depth = 0usize;
    loop {
        let event = reader.read_event().map_err(|e| bad_xml(e, reader.error_position()))?;
        match &event {
            Event::Start(_) => depth += 1,
            Event::End(_) => depth = depth.saturating_sub(1),
            Event::Eof => break,
            _ => {}
        }
        f(&event)?;
    }
    if depth > 0 {
        return Err(corrupt("XML 不完整（元素未闭合）"));
    }
    Ok(())
}

/// Text content of every element with local name `local`.
fn element_texts(xml: &str, local: &[u8]) -> Result<Vec<String>, ReadError> {
    let mut out = Vec::new();
    let mut inside = false;
    for_each_event(xml, |event| {
        match event {
            Event::Start(e) if e.local_name().as_ref() == local => {
                inside = true;
                out.push(String::new());
            }
            Event::End(e) if e.local_name().as_ref() == local => inside = false,
            Event::Text(t) if inside => {
                let text = t.unescape().map_err(|e| bad_xml(e, 0))?;
                if let Some(last) = out.last_mut() {
                    last.push_str(&text);
                }
            }
            _ => {}
        }
        Ok(())
    })?;
    Ok(out)
}

fn attr(e: &BytesStart, name: &[u8]) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| a.unescape_value().ok().map(|v| v.into_owned()))
}

/// `BaseLoc` of every `Pages/Page`, in document (= page) order.
fn page_locations(document: &str) -> Result<Vec<String>, ReadError> {
    let mut pages = Vec::new();
    let mut in_pages = false;
    for_each_event(document, |event| {
        match event {
            Event::Start(e) if e.local_name().as_ref() == b"Pages" => in_pages = true,
            Event::End(e) if e.local_name().as_ref() == b"Pages" => in_pages = false,
            Event::Start(e) | Event::Empty(e) if in_pages && e.local_name().as_ref() == b"Page" => {
                if let Some(loc) = attr(e, b"BaseLoc") {
                    pages.push(loc);
                }
            }
            _ => {}
        }
        Ok(())
    })?;
    Ok(pages)
}

/// Second number of a `Boundary="x y w h"` box: the object's top.
fn boundary_top(e: &BytesStart) -> f64 {
    attr(e, b"Boundary")
        .and_then(|b| b.split_whitespace().nth(1).and_then(|y| y.parse().ok()))
        .unwrap_or(0.0)
}

/// The text of one page: `TextCode` runs in content order, a new line
/// wherever the baseline moves.
fn page_text(content: &str) -> Result<String, ReadError> {
    let mut out = String::new();
    let mut object_top = 0.0;
    let mut code_y: Option<f64> = None;
    let mut last_y: Option<f64> = None;
    let mut in_code = false;
    for_each_event(content, |event| {
        match event {
            Event::Start(e) if e.local_name().as_ref() == b"TextObject" => object_top = boundary_top(e),
            Event::Start(e) if e.local_name().as_ref() == b"TextCode" => {
                in_code = true;
                code_y = attr(e, b"Y").and_then(|y| y.trim().parse::<f64>().ok());
                let y = object_top + code_y.unwrap_or(0.0);
                if last_y.is_some_and(|last| (y - last).abs() > SAME_LINE_MM) && !out.ends_with('\n') {
                    out.push('\n');
                }
                last_y = Some(y);
            }
            Event::End(e) if e.local_name().as_ref() == b"TextCode" => in_code = false,
            Event::Text(t) if in_code => out.push_str(&t.unescape().map_err(|e| bad_xml(e, 0))?),
            Event::CData(t) if in_code => out.push_str(&String::from_utf8_lossy(t)),
            _ => {}
        }
        Ok(())
    })?;
    if !out.is_empty() && !out.ends_with('\n') {
        out.push('\n');
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};
    use zip::write::SimpleFileOptions;
    use zip::ZipWriter;

    const NS: &str = r#"xmlns:ofd="http://www.ofdspec.org/2016""#;

    fn ofd(files: &[(&str, String)]) -> Vec<u8> {
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        for (name, data) in files {
            w.start_file(*name, SimpleFileOptions::default()).unwrap();
            w.write_all(data.as_bytes()).unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    fn text_object(top: f64, y: f64, text: &str) -> String {
        format!(
            r#"<ofd:TextObject ID="1" Boundary="20 {top} 170 8" Font="2" Size="5"><ofd:TextCode X="0" Y="{y}" DeltaX="5 5">{text}</ofd:TextCode></ofd:TextObject>"#
        )
    }

    fn sample() -> Vec<(&'static str, String)> {
        let page = |body: String| {
            format!(r#"<ofd:Page {NS}><ofd:Content><ofd:Layer ID="3">{body}</ofd:Layer></ofd:Content></ofd:Page>"#)
        };
        vec![
            (
                "OFD.xml",
                format!(
                    r#"<ofd:OFD {NS} Version="1.0"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>"#
                ),
            ),
            (
                "Doc_0/Document.xml",
                // Page order is the order of the list, not of the file names.
                format!(
                    r#"<ofd:Document {NS}><ofd:Pages><ofd:Page ID="2" BaseLoc="Pages/Page_1/Content.xml"/><ofd:Page ID="1" BaseLoc="/Doc_0/Pages/Page_0/Content.xml"/></ofd:Pages></ofd:Document>"#
                ),
            ),
            (
                "Doc_0/Pages/Page_0/Content.xml",
                page(format!(
                    "{}{}",
                    text_object(50.0, 5.0, "第二页"),
                    text_object(60.0, 5.0, "末行")
                )),
            ),
            (
                "Doc_0/Pages/Page_1/Content.xml",
                page(format!(
                    "{}{}{}",
                    text_object(30.0, 5.0, "关于做好"),
                    text_object(30.2, 4.9, "防汛工作的通知"),
                    text_object(40.0, 5.0, "各乡镇&amp;部门：")
                )),
            ),
        ]
    }

    #[test]
    fn pages_in_listed_order_lines_by_baseline() {
        let text = extract_ofd(&ofd(&sample()), &ReadLimits::default()).unwrap();
        assert_eq!(text, "关于做好防汛工作的通知\n各乡镇&部门：\n第二页\n末行\n");
    }

    #[test]
    fn missing_or_truncated_parts_are_errors() {
        let mut files = sample();
        files.retain(|(n, _)| !n.starts_with("Doc_0/Pages/Page_0"));
        let err = extract_ofd(&ofd(&files), &ReadLimits::default())
            .err()
            .map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("缺少")));
        let mut files = sample();
        let cut = files[3].1.len() - 20;
        files[3].1.truncate(cut);
        assert!(matches!(
            extract_ofd(&ofd(&files), &ReadLimits::default()),
            Err(ReadError::Corrupt(_))
        ));
    }

    #[test]
    fn detected_by_content_through_decode() {
        let text = super::super::decode(&ofd(&sample())).unwrap();
        assert!(text.starts_with("关于做好防汛工作的通知\n"));
    }
}
