//! Read stage: turn a file's bytes into text.
//!
//! The format is detected from the content (magic bytes, BOMs, NUL patterns,
//! statistical charset detection), never from the file extension, because
//! 公文 collections routinely contain `.txt` files in GBK, UTF-16 exports from
//! Windows tools, and `.doc` files that are really `.docx` (or vice versa).

mod archive;
mod doc;
mod docx;
mod html;
mod ofd;
mod pdf;
mod txt;

use std::fs::File;
use std::io::{self, Read};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

pub use doc::extract_doc;
pub use docx::extract_docx;
pub use html::extract_html;
pub use ofd::extract_ofd;
pub use pdf::extract_pdf;
pub use txt::decode_text;

/// Largest input file accepted by default (64 MiB).
pub const MAX_FILE_SIZE: u64 = 64 * MIB;

/// File extensions the walker should pick up (lower-case, no dot). The
/// extension only decides what is *looked at*; the content decides how it
/// is read.
pub const EXTENSIONS: &[&str] = &["txt", "text", "docx", "doc", "wps", "pdf", "ofd", "html", "htm"];

const MIB: u64 = 1024 * 1024;

/// Resource limits for reading one file. A batch of thousands of files from
/// unknown sources must survive zip bombs, PDF stream bombs and piece tables
/// that repeat the same bytes a million times, so every reader is bounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReadLimits {
    /// Largest file read at all, in bytes.
    pub max_file_size: u64,
    /// Most bytes decompressed from one container (all zip entries read, or
    /// one PDF page's content streams), against compression bombs.
    pub max_unpacked_size: u64,
    /// Most entries a zip container (.docx, .ofd) may list.
    pub max_entries: usize,
    /// Most characters of extracted text per file.
    pub max_text_chars: usize,
}

impl Default for ReadLimits {
    fn default() -> Self {
        ReadLimits {
            max_file_size: MAX_FILE_SIZE,
            max_unpacked_size: 256 * MIB,
            max_entries: 10_000,
            // About 20 times the longest 公文 anyone writes; a 64 MiB text
            // file of Chinese is ~22 M characters and is refused.
            max_text_chars: 10_000_000,
        }
    }
}

/// What kind of file, detected from magic bytes / content, not from the
/// extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text in some encoding (decoded by [`decode_text`]).
    Text,
    /// A ZIP container: `.docx` or `.ofd`, told apart by its part names.
    Zip,
    /// PDF (text layer).
    Pdf,
    /// Compound File Binary container: legacy Word `.doc` and WPS `.wps`.
    Cfb,
    /// An HTML page (saved from a web portal).
    Html,
}

/// Why a file could not be turned into text. Messages are meant for a
/// (Chinese-speaking) reviewer reading a report.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("无法读取文件：{}", io_reason(.0))]
    Io(#[from] io::Error),
    #[error("文件为空")]
    Empty,
    #[error("不是文本文件（疑似二进制内容）")]
    Binary,
    #[error("不支持的文件格式：{0}")]
    UnsupportedFormat(String),
    #[error("文件已损坏：{0}")]
    Corrupt(String),
    #[error("文件过大（{} MiB，上限 {} MiB）", mib(.size), mib(.limit))]
    TooLarge { size: u64, limit: u64 },
    #[error("{0}")]
    LimitExceeded(String),
    #[error("提取的文字过长（超过 {limit} 字）")]
    TooLong { limit: usize },
    #[error("PDF 没有文本层（可能是扫描件），无法提取文字")]
    NoTextLayer,
    #[error("文件已加密，无法读取")]
    Encrypted,
    #[error("内部错误：解析该文件时程序异常，已跳过（请报告此问题）")]
    Panic,
    /// A report wenshan wrote (saved into the folder it scanned): its text
    /// quotes the documents and would pair with all of them.
    #[error("wenshan 生成的审查报告，不参与比对")]
    OwnReport,
}

/// Read one file with the default [`ReadLimits`].
pub fn read_file(path: &Path) -> Result<String, ReadError> {
    read_file_with(path, &ReadLimits::default())
}

/// Read one file: size limit check, read bytes, detect format, extract text.
/// The file is opened read-only and never written.
pub fn read_file_with(path: &Path, limits: &ReadLimits) -> Result<String, ReadError> {
    let file = File::open(path)?;
    let meta = file.metadata()?;
    if meta.is_dir() {
        return Err(io::Error::from(io::ErrorKind::IsADirectory).into());
    }
    check_size(meta.len(), limits)?;
    let mut bytes = Vec::new();
    // `take` guards against files that grow between `metadata` and `read`.
    file.take(limits.max_file_size + 1).read_to_end(&mut bytes)?;
    check_size(bytes.len() as u64, limits)?;
    decode_with(&bytes, limits)
}

/// Pure: decode bytes already in memory, with the default limits.
pub fn decode(bytes: &[u8]) -> Result<String, ReadError> {
    decode_with(bytes, &ReadLimits::default())
}

/// Pure: decode bytes already in memory. A panic inside a format library
/// becomes [`ReadError::Panic`] for this file: one odd document must not
/// end a batch of thousands.
pub fn decode_with(bytes: &[u8], limits: &ReadLimits) -> Result<String, ReadError> {
    let text = catch_unwind(AssertUnwindSafe(|| extract(bytes, limits))).unwrap_or(Err(ReadError::Panic))?;
    check_text_len(&text, limits)?;
    Ok(text)
}

/// An HTML report of wenshan's: its generator tag, in the head.
fn is_html_report(bytes: &[u8]) -> bool {
    const TAG: &[u8] = br#"<meta name="generator" content="wenshan""#;
    bytes[..bytes.len().min(4096)].windows(TAG.len()).any(|w| w == TAG)
}

/// A terminal report of wenshan's saved as text (`wenshan scan 目录 > 报告.txt`):
/// its first line.
fn is_terminal_report(text: &str) -> bool {
    text.trim_start().starts_with("文山 wenshan ") && text.lines().next().is_some_and(|l| l.contains("· 扫描"))
}

fn extract(bytes: &[u8], limits: &ReadLimits) -> Result<String, ReadError> {
    match detect_format(bytes)? {
        // wenshan's own reports (saved into the folder scanned) quote every
        // document and would pair with all of them.
        Format::Text => decode_text(bytes).and_then(|t| match is_terminal_report(&t) {
            true => Err(ReadError::OwnReport),
            false => Ok(t),
        }),
        Format::Zip => extract_zip(bytes, limits),
        Format::Pdf => extract_pdf(bytes, limits),
        Format::Cfb => extract_doc(bytes, limits),
        Format::Html if is_html_report(bytes) => Err(ReadError::OwnReport),
        Format::Html => extract_html(bytes, limits),
    }
}

/// `.docx` and `.ofd` share the container; the part names tell them apart.
fn extract_zip(bytes: &[u8], limits: &ReadLimits) -> Result<String, ReadError> {
    let zip = archive::Zip::open(bytes, limits)?;
    if zip.find(ofd::ROOT_PART).is_some() && zip.find(docx::MAIN_PART).is_none() {
        ofd::extract(zip)
    } else {
        docx::extract(zip)
    }
}

/// Detect the format from magic bytes. Known formats that we cannot read
/// (images, other archives, RTF) are reported by name, which is more useful
/// to a reviewer than a generic "binary" verdict.
pub fn detect_format(bytes: &[u8]) -> Result<Format, ReadError> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Ok(Format::Zip);
    }
    if bytes.starts_with(CFB_MAGIC) {
        return Ok(Format::Cfb);
    }
    // The PDF header may follow up to 1 KiB of junk (PDF 32000-1 §7.5.2 note;
    // mail gateways and some scanners prepend bytes).
    if pdf::header_offset(bytes).is_some() {
        return Ok(Format::Pdf);
    }
    if let Some((_, name)) = MAGIC.iter().find(|(magic, _)| bytes.starts_with(magic)) {
        return Err(ReadError::UnsupportedFormat((*name).to_owned()));
    }
    if html::looks_like_html(bytes) {
        return Ok(Format::Html);
    }
    Ok(Format::Text)
}

const CFB_MAGIC: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

const MAGIC: &[(&[u8], &str)] = &[
    (b"PK\x05\x06", "空的 ZIP 压缩包"),
    (b"{\\rtf", "RTF"),
    (b"\x89PNG", "PNG 图片"),
    (b"\xFF\xD8\xFF", "JPEG 图片"),
    (b"GIF8", "GIF 图片"),
    (b"II*\0", "TIFF 图片"),
    (b"MM\0*", "TIFF 图片"),
    (b"\x1F\x8B", "gzip 压缩包"),
    (b"Rar!\x1A\x07", "RAR 压缩包"),
    (b"7z\xBC\xAF\x27\x1C", "7z 压缩包"),
];

fn check_size(size: u64, limits: &ReadLimits) -> Result<(), ReadError> {
    if size > limits.max_file_size {
        return Err(ReadError::TooLarge {
            size,
            limit: limits.max_file_size,
        });
    }
    Ok(())
}

fn check_text_len(text: &str, limits: &ReadLimits) -> Result<(), ReadError> {
    // Bytes bound chars from above: skip the count for ordinary files.
    if text.len() > limits.max_text_chars && text.chars().count() > limits.max_text_chars {
        return Err(ReadError::TooLong {
            limit: limits.max_text_chars,
        });
    }
    Ok(())
}

/// `\r\n` and lone `\r` (classic Mac OS) → `\n`.
fn normalize_newlines(text: String) -> String {
    if !text.contains('\r') {
        return text;
    }
    text.replace("\r\n", "\n").replace('\r', "\n")
}

/// Blank or whitespace-only (including U+3000 ideographic space) text.
fn is_blank(text: &str) -> bool {
    text.trim().is_empty()
}

/// Extracted text with nothing in it is an empty document, not a success.
fn non_blank(text: String) -> Result<String, ReadError> {
    if is_blank(&text) {
        return Err(ReadError::Empty);
    }
    Ok(text)
}

fn mib(bytes: &u64) -> String {
    let whole = bytes / MIB;
    if bytes.is_multiple_of(MIB) {
        whole.to_string()
    } else {
        format!("{:.1}", *bytes as f64 / MIB as f64)
    }
}

/// OS error texts are English; translate the common kinds.
pub fn io_reason(err: &io::Error) -> String {
    match err.kind() {
        io::ErrorKind::NotFound => "文件不存在".to_owned(),
        io::ErrorKind::PermissionDenied => "没有读取权限".to_owned(),
        io::ErrorKind::IsADirectory => "这是一个目录".to_owned(),
        _ => err.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_formats_by_magic() {
        assert_eq!(detect_format(b"PK\x03\x04rest").ok(), Some(Format::Zip));
        assert_eq!(detect_format("通知".as_bytes()).ok(), Some(Format::Text));
        assert_eq!(detect_format(b"").ok(), Some(Format::Text));
        assert_eq!(detect_format(b"%PDF-1.7\n").ok(), Some(Format::Pdf));
        assert_eq!(
            detect_format(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0").ok(),
            Some(Format::Cfb)
        );
        assert_eq!(detect_format(b"<!DOCTYPE html><html>").ok(), Some(Format::Html));
        assert!(matches!(
            detect_format(b"\x89PNG\r\n"),
            Err(ReadError::UnsupportedFormat(name)) if name == "PNG 图片"
        ));
        assert!(matches!(
            decode(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0"),
            Err(ReadError::Corrupt(_))
        ));
    }

    #[test]
    fn error_messages_are_chinese() {
        let too_large = ReadError::TooLarge {
            size: 100 * MIB + MIB / 2,
            limit: MAX_FILE_SIZE,
        };
        assert_eq!(too_large.to_string(), "文件过大（100.5 MiB，上限 64 MiB）");
        assert_eq!(ReadError::Empty.to_string(), "文件为空");
        assert_eq!(ReadError::Binary.to_string(), "不是文本文件（疑似二进制内容）");
        let not_found = ReadError::from(io::Error::from(io::ErrorKind::NotFound));
        assert_eq!(not_found.to_string(), "无法读取文件：文件不存在");
    }

    #[test]
    fn read_file_reads_and_reports_missing() {
        let dir = std::env::temp_dir().join(format!("wenshan-read-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        let path = dir.join("a.txt");
        std::fs::write(&path, "关于加强安全生产工作的通知\r\n").expect("write");
        assert_eq!(read_file(&path).ok().as_deref(), Some("关于加强安全生产工作的通知\n"));
        assert!(matches!(read_file(&dir.join("missing.txt")), Err(ReadError::Io(_))));
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn size_limit() {
        let limits = ReadLimits::default();
        assert!(check_size(MAX_FILE_SIZE, &limits).is_ok());
        assert!(matches!(
            check_size(MAX_FILE_SIZE + 1, &limits),
            Err(ReadError::TooLarge { .. })
        ));
        let short = ReadLimits {
            max_text_chars: 3,
            ..limits
        };
        assert!(matches!(
            decode_with("一二三四".as_bytes(), &short),
            Err(ReadError::TooLong { .. })
        ));
        assert!(decode_with("一二三".as_bytes(), &short).is_ok());
    }

    #[test]
    fn newline_normalisation() {
        assert_eq!(normalize_newlines("a\r\nb\rc\n".into()), "a\nb\nc\n");
    }
}

#[cfg(test)]
mod fuzz {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        #[test]
        fn decode_never_panics(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
            let _ = decode(&bytes);
        }

        #[test]
        fn docx_prefixed_junk_never_panics(tail in proptest::collection::vec(any::<u8>(), 0..512)) {
            let mut bytes = b"PK\x03\x04".to_vec();
            bytes.extend(tail);
            prop_assert!(decode(&bytes).is_err());
        }

        #[test]
        fn utf8_text_round_trips(text in "[\\u{4E00}-\\u{9FA5}，。：；、（）0-9a-z\\n]{1,80}") {
            prop_assume!(!is_blank(&text));
            prop_assert_eq!(decode(text.as_bytes()).ok(), Some(text));
        }
    }
}
