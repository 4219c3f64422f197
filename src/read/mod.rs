//! Read stage: turn a file's bytes into text.
//!
//! The format is detected from the content (magic bytes, BOMs, NUL patterns,
//! statistical charset detection), never from the file extension, because
//! 公文 collections routinely contain `.txt` files in GBK, UTF-16 exports from
//! Windows tools, and `.doc` files that are really `.docx` (or vice versa).

mod docx;
mod txt;

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

pub use docx::extract_docx;
pub use txt::decode_text;

/// Largest input file accepted by [`read_file`] (64 MiB).
pub const MAX_FILE_SIZE: u64 = 64 * MIB;

/// Cap on the decompressed size of `word/document.xml` (zip-bomb guard).
pub const MAX_DOCX_XML_SIZE: u64 = 256 * MIB;

/// File extensions the walker should pick up (lower-case, no dot).
pub const EXTENSIONS: &[&str] = &["txt", "text", "docx"];

const MIB: u64 = 1024 * 1024;

/// What kind of file, detected from magic bytes / content, not from the
/// extension alone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Plain text in some encoding (decoded by [`decode_text`]).
    Text,
    /// A ZIP container, expected to be an Office Open XML word document
    /// (checked for `word/document.xml` by [`extract_docx`]).
    Docx,
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
    #[error(".docx 文件已损坏：{0}")]
    Corrupt(String),
    #[error("文件过大（{} MiB，上限 {} MiB）", mib(.size), mib(.limit))]
    TooLarge { size: u64, limit: u64 },
}

/// Read one file: size limit check, read bytes, detect format, extract text.
pub fn read_file(path: &Path) -> Result<String, ReadError> {
    let file = File::open(path)?;
    check_size(file.metadata()?.len())?;
    let mut bytes = Vec::new();
    // `take` guards against files that grow between `metadata` and `read`.
    file.take(MAX_FILE_SIZE + 1).read_to_end(&mut bytes)?;
    check_size(bytes.len() as u64)?;
    decode(&bytes)
}

/// Pure: decode bytes already in memory.
pub fn decode(bytes: &[u8]) -> Result<String, ReadError> {
    match detect_format(bytes)? {
        Format::Text => decode_text(bytes),
        Format::Docx => extract_docx(bytes),
    }
}

/// Detect the format from magic bytes. Known non-text formats that we cannot
/// read (PDF, legacy `.doc`, images, archives) are reported by name, which
/// is more useful to a reviewer than a generic "binary" verdict.
pub fn detect_format(bytes: &[u8]) -> Result<Format, ReadError> {
    if bytes.starts_with(b"PK\x03\x04") {
        return Ok(Format::Docx);
    }
    match MAGIC.iter().find(|(magic, _)| bytes.starts_with(magic)) {
        Some((_, name)) => Err(ReadError::UnsupportedFormat((*name).to_owned())),
        None => Ok(Format::Text),
    }
}

const MAGIC: &[(&[u8], &str)] = &[
    (b"PK\x05\x06", "空的 ZIP 压缩包"),
    (b"%PDF-", "PDF"),
    (
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
        "旧版 Office/WPS 二进制文档（.doc/.wps/.xls）或加密的 Office 文件",
    ),
    (b"{\\rtf", "RTF"),
    (b"\x89PNG", "PNG 图片"),
    (b"\xFF\xD8\xFF", "JPEG 图片"),
    (b"GIF8", "GIF 图片"),
    (b"\x1F\x8B", "gzip 压缩包"),
    (b"Rar!\x1A\x07", "RAR 压缩包"),
    (b"7z\xBC\xAF\x27\x1C", "7z 压缩包"),
];

fn check_size(size: u64) -> Result<(), ReadError> {
    if size > MAX_FILE_SIZE {
        return Err(ReadError::TooLarge {
            size,
            limit: MAX_FILE_SIZE,
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

fn mib(bytes: &u64) -> String {
    let whole = bytes / MIB;
    if bytes.is_multiple_of(MIB) {
        whole.to_string()
    } else {
        format!("{:.1}", *bytes as f64 / MIB as f64)
    }
}

/// OS error texts are English; translate the common kinds.
fn io_reason(err: &io::Error) -> String {
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
        assert_eq!(detect_format(b"PK\x03\x04rest").ok(), Some(Format::Docx));
        assert_eq!(detect_format("通知".as_bytes()).ok(), Some(Format::Text));
        assert_eq!(detect_format(b"").ok(), Some(Format::Text));
        assert!(matches!(
            detect_format(b"%PDF-1.7\n"),
            Err(ReadError::UnsupportedFormat(name)) if name == "PDF"
        ));
        assert!(matches!(
            decode(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0"),
            Err(ReadError::UnsupportedFormat(_))
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
        assert!(check_size(MAX_FILE_SIZE).is_ok());
        assert!(matches!(check_size(MAX_FILE_SIZE + 1), Err(ReadError::TooLarge { .. })));
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
