//! Saved web pages (`.html`/`.htm`) from government portals: the article
//! text, without the page around it.
//!
//! A small tokenizer instead of an HTML5 parser crate (html5ever and friends
//! would double the build): we need text, block boundaries, and to drop
//! whole subtrees (scripts, styles, navigation, footers), not a DOM. Portal
//! boilerplate that sits inside the article area (来源/责任编辑 lines,
//! 【字体：大 中 小】, 打印本页/关闭窗口, share bars, 版权所有) is then removed
//! line by line.

use encoding_rs::{Encoding, GB18030, GBK, UTF_8};

use super::txt::decode_any;
use super::{non_blank, normalize_newlines, ReadError, ReadLimits};

/// How much of the file is searched for the HTML signature and `<meta charset>`.
const SNIFF_BYTES: usize = 2048;

/// Does the content look like an HTML page? Checked on the ASCII-compatible
/// start of the file (UTF-8/GBK pages), or on its UTF-16 decoding.
pub(super) fn looks_like_html(bytes: &[u8]) -> bool {
    let head = bytes.get(..bytes.len().min(SNIFF_BYTES)).unwrap_or_default();
    let head = match Encoding::for_bom(head) {
        Some((enc, len)) if enc != UTF_8 => enc.decode_without_bom_handling(&head[len..]).0.into_owned(),
        Some((_, len)) => String::from_utf8_lossy(&head[len..]).into_owned(),
        None => String::from_utf8_lossy(head).into_owned(),
    };
    let lower = head.trim_start().to_ascii_lowercase();
    if lower.starts_with("<!doctype html") || lower.starts_with("<html") {
        return true;
    }
    // Fragments and pages behind an XML declaration or a comment.
    lower.starts_with('<')
        && ["<html", "<head", "<body", "<meta ", "<title>", "<div", "<p>", "<table"]
            .iter()
            .any(|tag| lower.contains(tag))
}

pub fn extract_html(bytes: &[u8], _limits: &ReadLimits) -> Result<String, ReadError> {
    let html = decode_page(bytes).ok_or(ReadError::Binary)?;
    let blocks = page_text(&html, true);
    let text = if blocks.trim().is_empty() {
        // The boilerplate filter ate everything (an unclosed <div class=nav>
        // swallows the page): fall back to all visible text.
        page_text(&html, false)
    } else {
        blocks
    };
    non_blank(drop_repeated_title(&drop_boilerplate_lines(&normalize_newlines(text))))
}

/// The declared charset wins (GB2312/GBK are read as their superset
/// GB18030); without one, the text decoder's detection decides.
fn decode_page(bytes: &[u8]) -> Option<String> {
    if Encoding::for_bom(bytes).is_none() {
        if let Some(enc) = declared_charset(bytes) {
            let enc = if enc == GBK { GB18030 } else { enc };
            return Some(enc.decode_without_bom_handling(bytes).0.into_owned());
        }
    }
    decode_any(bytes)
}

/// `<meta charset=...>` or `<meta http-equiv=Content-Type content="...; charset=...">`.
fn declared_charset(bytes: &[u8]) -> Option<&'static Encoding> {
    let head = bytes.get(..bytes.len().min(SNIFF_BYTES * 2)).unwrap_or(bytes);
    let lower = String::from_utf8_lossy(head).to_ascii_lowercase();
    let mut rest = lower.as_str();
    while let Some(at) = rest.find("charset") {
        rest = &rest[at + "charset".len()..];
        let value = rest.trim_start_matches([' ', '=', '"', '\'']);
        let label: String = value
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_'))
            .collect();
        if let Some(enc) = Encoding::for_label(label.as_bytes()) {
            return Some(enc);
        }
    }
    None
}

/// Elements whose whole subtree is never article text.
const SKIP_TAGS: &[&str] = &[
    "script", "style", "noscript", "template", "head", "nav", "header", "footer", "aside", "form", "select", "button",
    "iframe", "svg", "object", "map",
];

/// `class`/`id` tokens that mark portal furniture around the article.
const BOILERPLATE_CLASSES: &[&str] = &[
    "nav",
    "menu",
    "footer",
    "foot",
    "breadcrumb",
    "crumb",
    "position",
    "location",
    "share",
    "bdshare",
    "copyright",
    "sidebar",
    "topbar",
    "top-bar",
    "toolbar",
    "tools",
    "print",
    "related",
    "font-size",
    "fontsize",
    "banner",
];

/// Token prefixes (before `-` or `_`) that are furniture whatever follows
/// (`nav-main`, `footer_links`). Kept short: article containers are named
/// freely (`TRS_Editor`, `article-content`, `print-area`), and losing the
/// article is worse than keeping a stray menu line.
const BOILERPLATE_PREFIXES: &[&str] = &["nav", "menu", "footer", "breadcrumb", "share", "copyright", "sidebar"];

/// Elements that end a line of text.
const BLOCK_TAGS: &[&str] = &[
    "p",
    "div",
    "br",
    "li",
    "tr",
    "td",
    "th",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "section",
    "article",
    "ul",
    "ol",
    "dd",
    "dt",
    "dl",
    "blockquote",
    "pre",
    "hr",
    "title",
    "center",
    "caption",
];

/// Elements with no end tag.
const VOID_TAGS: &[&str] = &[
    "br", "img", "meta", "link", "input", "hr", "area", "base", "col", "embed", "param", "source", "track", "wbr",
];

/// How many open elements an end tag is matched against.
const MAX_UNWIND: usize = 64;

/// Byte offset of `</name` (any case) in `text`.
fn find_end_tag(text: &str, name: &str) -> Option<usize> {
    text.match_indices("</").map(|(at, _)| at).find(|&at| {
        text.as_bytes()
            .get(at + 2..at + 2 + name.len())
            .is_some_and(|candidate| candidate.eq_ignore_ascii_case(name.as_bytes()))
    })
}

struct Tag<'a> {
    name: String,
    closing: bool,
    self_closing: bool,
    attrs: &'a str,
}

/// Parse the inside of `<...>`.
fn parse_tag(inner: &str) -> Tag<'_> {
    let closing = inner.starts_with('/');
    let body = inner.trim_start_matches('/');
    let end = body
        .find(|c: char| c.is_ascii_whitespace() || c == '/')
        .unwrap_or(body.len());
    Tag {
        name: body[..end].to_ascii_lowercase(),
        closing,
        self_closing: inner.ends_with('/'),
        attrs: &body[end..],
    }
}

/// Does a `class` or `id` attribute name portal furniture?
fn is_boilerplate_attr(attrs: &str) -> bool {
    let lower = attrs.to_ascii_lowercase();
    ["class", "id"]
        .iter()
        .any(|key| attr_value(&lower, key).is_some_and(|value| value.split_ascii_whitespace().any(is_furniture_token)))
}

fn is_furniture_token(token: &str) -> bool {
    BOILERPLATE_CLASSES.contains(&token)
        || BOILERPLATE_PREFIXES
            .iter()
            .any(|p| token.strip_prefix(p).is_some_and(|rest| rest.starts_with(['-', '_'])))
}

fn attr_value<'a>(attrs: &'a str, key: &str) -> Option<&'a str> {
    let mut rest = attrs;
    while let Some(at) = rest.find(key) {
        let before_ok = at == 0 || rest[..at].ends_with(|c: char| c.is_ascii_whitespace());
        rest = &rest[at + key.len()..];
        let after = rest.trim_start();
        if before_ok && after.starts_with('=') {
            let value = after[1..].trim_start();
            let (quote, body) = match value.chars().next() {
                Some(q @ ('"' | '\'')) => (Some(q), &value[1..]),
                _ => (None, value),
            };
            let end = match quote {
                Some(q) => body.find(q),
                None => body.find(|c: char| c.is_ascii_whitespace() || c == '>'),
            };
            return Some(&body[..end.unwrap_or(body.len())]);
        }
    }
    None
}

/// Visible text with a newline at every block boundary. `skip_furniture`
/// also drops subtrees whose class/id mark them as navigation, footer etc.
fn page_text(html: &str, skip_furniture: bool) -> String {
    let mut out = String::new();
    // Open elements (names), and the depth at which a skipped subtree began.
    let mut stack: Vec<String> = Vec::new();
    let mut skip_from: Option<usize> = None;
    let mut in_pre = false;
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            if skip_from.is_none() {
                push_text(&mut out, rest, in_pre);
            }
            break;
        };
        if skip_from.is_none() {
            push_text(&mut out, &rest[..lt], in_pre);
        }
        rest = &rest[lt..];
        // Comments, doctype, processing instructions, CDATA.
        if let Some(after) = rest.strip_prefix("<!--") {
            rest = after.find("-->").map_or("", |end| &after[end + 3..]);
            continue;
        }
        if rest.starts_with("<!") || rest.starts_with("<?") {
            rest = rest.find('>').map_or("", |end| &rest[end + 1..]);
            continue;
        }
        // A `<` that does not open a tag is text.
        if !rest[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/') {
            if skip_from.is_none() {
                out.push('<');
            }
            rest = &rest[1..];
            continue;
        }
        let Some(gt) = rest.find('>') else { break };
        let tag = parse_tag(&rest[1..gt]);
        rest = &rest[gt + 1..];
        // Raw-text elements: jump to their end tag (their content may hold `<`).
        if !tag.closing && matches!(tag.name.as_str(), "script" | "style" | "textarea") {
            let stop = find_end_tag(rest, &tag.name).unwrap_or(rest.len());
            rest = &rest[stop..];
            rest = rest.find('>').map_or("", |e| &rest[e + 1..]);
            continue;
        }
        if BLOCK_TAGS.contains(&tag.name.as_str()) && skip_from.is_none() && !out.ends_with('\n') {
            out.push('\n');
        }
        if tag.closing {
            // Only recent elements are searched: a stray end tag after
            // thousands of unclosed ones must not make the scan quadratic.
            let window = stack.len().saturating_sub(MAX_UNWIND);
            if let Some(depth) = stack[window..]
                .iter()
                .rposition(|open| *open == tag.name)
                .map(|d| d + window)
            {
                stack.truncate(depth);
                if skip_from.is_some_and(|from| depth <= from) {
                    skip_from = None;
                }
            }
            if tag.name == "pre" {
                in_pre = false;
            }
            continue;
        }
        if tag.self_closing || VOID_TAGS.contains(&tag.name.as_str()) {
            continue;
        }
        // `<body>` ends an unclosed `<head>`.
        if tag.name == "body" {
            if let Some(head) = stack.iter().position(|open| open == "head") {
                stack.truncate(head);
                skip_from = skip_from.filter(|&from| from < head);
            }
        }
        let skip = SKIP_TAGS.contains(&tag.name.as_str()) || (skip_furniture && is_boilerplate_attr(tag.attrs));
        if skip && skip_from.is_none() {
            skip_from = Some(stack.len());
        }
        in_pre |= tag.name == "pre";
        stack.push(tag.name);
    }
    out
}

/// Append text outside tags: entities decoded, whitespace collapsed (HTML
/// renders runs of spaces and newlines as one space) except inside `<pre>`.
fn push_text(out: &mut String, raw: &str, in_pre: bool) {
    let text = decode_entities(raw);
    if in_pre {
        out.push_str(&text);
        return;
    }
    for c in text.chars() {
        if matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0C') {
            if !out.is_empty() && !out.ends_with([' ', '\n']) {
                out.push(' ');
            }
        } else {
            out.push(c);
        }
    }
}

/// Longest entity name looked for, `;` included.
const MAX_ENTITY: usize = 11;

fn decode_entities(raw: &str) -> String {
    if !raw.contains('&') {
        return raw.to_owned();
    }
    let mut out = String::with_capacity(raw.len());
    let mut rest = raw;
    while let Some(at) = rest.find('&') {
        out.push_str(&rest[..at]);
        rest = &rest[at..];
        // Entity names are short; `;` is ASCII, so the slices stay on char boundaries.
        let semi = rest.as_bytes().iter().skip(1).take(MAX_ENTITY).position(|&b| b == b';');
        match semi.and_then(|at| entity(&rest[1..=at]).map(|c| (c, at))) {
            Some((c, at)) => {
                out.push(c);
                rest = &rest[at + 2..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    if let Some(num) = name.strip_prefix('#') {
        let code = match num.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => num.parse().ok()?,
        };
        return char::from_u32(code).filter(|c| *c != '\0');
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        // A non-breaking space indents or pads: keep it as a plain space.
        "nbsp" | "ensp" | "emsp" | "thinsp" => ' ',
        "ldquo" => '“',
        "rdquo" => '”',
        "lsquo" => '‘',
        "rsquo" => '’',
        "mdash" => '—',
        "ndash" => '–',
        "hellip" => '…',
        "middot" => '·',
        "times" => '×',
        "divide" => '÷',
        "copy" => '©',
        "reg" => '®',
        "deg" => '°',
        "plusmn" => '±',
        "permil" => '‰',
        "sect" => '§',
        "bull" => '•',
        _ => return None,
    })
}

/// Markers that make a short line portal furniture wherever they appear.
const BOILERPLATE_MARKERS: &[&str] = &[
    "打印本页",
    "关闭窗口",
    "【打印】",
    "【关闭】",
    "[打印]",
    "[关闭]",
    "版权所有",
    "ICP备",
    "网站标识码",
    "公网安备",
    "分享到",
    "【字体",
    "字号：",
    "【字号",
    "扫一扫在手机",
    "收藏本页",
    "返回顶部",
];

/// Labels that make a short line page metadata when it starts with them.
const METADATA_LABELS: &[&str] = &[
    "来源：",
    "来源:",
    "信息来源",
    "责任编辑",
    "编辑：",
    "作者：",
    "发布时间：",
    "发布日期：",
    "浏览次数",
    "点击数",
    "访问量",
    "阅读次数",
    "当前位置",
    "您现在的位置",
    "您的位置",
    "主办：",
    "承办：",
];

/// Longest line that may be judged furniture (article paragraphs are longer
/// or lack the markers).
const MAX_FURNITURE_CHARS: usize = 120;

fn is_boilerplate_line(line: &str) -> bool {
    let trimmed = line.trim_matches(|c: char| c.is_whitespace());
    if trimmed.chars().count() > MAX_FURNITURE_CHARS {
        return false;
    }
    BOILERPLATE_MARKERS.iter().any(|m| trimmed.contains(m)) || METADATA_LABELS.iter().any(|l| trimmed.starts_with(l))
}

fn drop_boilerplate_lines(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.lines().filter(|l| !l.trim().is_empty() && !is_boilerplate_line(l)) {
        out.push_str(line.trim_end());
        out.push('\n');
    }
    out
}

/// Lines searched for a repeat of the page heading.
const TITLE_WINDOW: usize = 10;

/// Portals print the title as the page heading and again inside the
/// document's own header block: keep the document's copy.
fn drop_repeated_title(text: &str) -> String {
    let mut lines = text.lines();
    let Some(first) = lines.next() else {
        return String::new();
    };
    let heading = first.trim();
    if lines.take(TITLE_WINDOW).any(|l| l.trim() == heading) {
        return text[first.len()..].trim_start_matches('\n').to_owned();
    }
    text.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(html: &str) -> String {
        extract_html(html.as_bytes(), &ReadLimits::default()).unwrap()
    }

    #[test]
    fn detects_pages_not_text() {
        assert!(looks_like_html(b"  <!DOCTYPE html><html>"));
        assert!(looks_like_html(b"<?xml version=\"1.0\"?>\n<html xmlns=\"x\">"));
        assert!(looks_like_html(b"<div class=\"article\"><p>x</p></div>"));
        assert!(!looks_like_html("关于<html>标签的说明".as_bytes()));
        assert!(!looks_like_html(b"plain"));
        let utf16: Vec<u8> = "\u{FEFF}<html><body>通知</body></html>"
            .encode_utf16()
            .flat_map(u16::to_le_bytes)
            .collect();
        assert!(looks_like_html(&utf16));
    }

    #[test]
    fn strips_furniture_keeps_paragraphs() {
        let page = r#"<html><head><title>站点</title><script>var a = "<p>不要</p>";</script><style>p{}</style></head>
<body><div class="nav"><a>首页</a></div><div class="position">当前位置：首页 &gt; 通知</div>
<div class="article"><p>关于做好&ldquo;防汛&rdquo;工作的通知</p><p>&nbsp;&nbsp;各乡镇：<br/>现将有关事项   通知如下。</p>
<p>来源：县政府办</p><p>【字体：大 中 小】</p><p>打印本页 关闭窗口</p></div>
<div id="footer">版权所有 &copy; 青禾县</div></body></html>"#;
        assert_eq!(
            text(page),
            "关于做好“防汛”工作的通知\n各乡镇：\n现将有关事项 通知如下。\n"
        );
    }

    #[test]
    fn charset_from_meta_and_detection() {
        let body = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=gb2312\"></head><body><p>关于加强耕地保护的通知</p></body></html>";
        let (gbk, _, _) = GBK.encode(body);
        assert_eq!(
            extract_html(&gbk, &ReadLimits::default()).unwrap(),
            "关于加强耕地保护的通知\n"
        );
        let no_meta = body.replace("charset=gb2312", "");
        let (gbk, _, _) = GBK.encode(&no_meta);
        assert_eq!(
            extract_html(&gbk, &ReadLimits::default()).unwrap(),
            "关于加强耕地保护的通知\n"
        );
    }

    #[test]
    fn unclosed_furniture_falls_back_to_all_text() {
        assert_eq!(
            text("<html><body><div class=\"menu\"><p>正文内容</p></body></html>"),
            "正文内容\n"
        );
    }

    #[test]
    fn heading_repeated_by_the_document_is_dropped_once() {
        let page = "<html><body><h1>关于印发方案的通知</h1><p>青政办发〔2025〕3号</p><p>关于印发方案的通知</p><p>正文。</p></body></html>";
        assert_eq!(text(page), "青政办发〔2025〕3号\n关于印发方案的通知\n正文。\n");
    }

    #[test]
    fn article_containers_are_not_furniture() {
        for class in [
            "TRS_Editor",
            "article-content",
            "print-area",
            "editor",
            "header-title",
            "content",
        ] {
            assert!(!is_boilerplate_attr(&format!(" class=\"{class}\"")), "{class}");
        }
        for class in [
            "nav",
            "nav-main",
            "footer_links",
            "bdshare bdshare-button-style0-16",
            "position",
        ] {
            assert!(is_boilerplate_attr(&format!(" class=\"{class}\"")), "{class}");
        }
    }

    #[test]
    fn entities() {
        assert_eq!(decode_entities("a&amp;b&#x4E00;&#19968;&bogus;&"), "a&b一一&bogus;&");
        assert_eq!(decode_entities("&#0;&#xFFFFFFFF;"), "&#0;&#xFFFFFFFF;");
    }
}
