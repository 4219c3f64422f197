//! Bounded access to ZIP containers (`.docx`, `.ofd`): an entry-count cap
//! checked before the central directory is parsed, loose part-name lookup,
//! and one decompression budget shared by every entry read from the file.

use std::io::{Cursor, Read};

use zip::ZipArchive;

use super::{mib, ReadError, ReadLimits};

pub struct Zip<'a> {
    archive: ZipArchive<Cursor<&'a [u8]>>,
    /// Entry names, normalised by [`normalise`], by index.
    names: Vec<String>,
    /// Bytes that may still be decompressed from this file.
    budget: u64,
    limit: u64,
}

/// Part names are case-insensitive in OOXML, some old Windows zippers store
/// `\` separators, and OFD references are often absolute (`/Doc_0/...`).
pub fn normalise(name: &str) -> String {
    let name = name.replace('\\', "/").to_ascii_lowercase();
    let mut parts: Vec<&str> = Vec::new();
    for part in name.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    parts.join("/")
}

impl<'a> Zip<'a> {
    pub fn open(bytes: &'a [u8], limits: &ReadLimits) -> Result<Zip<'a>, ReadError> {
        // The zip crate sizes its entry table from the count the file
        // declares; refuse absurd counts before it allocates.
        if let Some(count) = declared_entries(bytes) {
            check_entries(count, limits.max_entries)?;
        }
        let archive =
            ZipArchive::new(Cursor::new(bytes)).map_err(|e| corrupt(format!("不是有效的 ZIP 文件（{e}）")))?;
        check_entries(archive.len() as u64, limits.max_entries)?;
        let names = (0..archive.len())
            .map(|i| archive.name_for_index(i).map(normalise).unwrap_or_default())
            .collect();
        Ok(Zip {
            archive,
            names,
            budget: limits.max_unpacked_size,
            limit: limits.max_unpacked_size,
        })
    }

    pub fn names(&self) -> &[String] {
        &self.names
    }

    /// Index of the entry called `name` (compared after [`normalise`]).
    pub fn find(&self, name: &str) -> Option<usize> {
        let wanted = normalise(name);
        self.names.iter().position(|n| *n == wanted)
    }

    /// Decompress one entry, charging it to the file's budget. The declared
    /// size is attacker-controlled, so the read itself is capped too.
    pub fn read(&mut self, index: usize) -> Result<Vec<u8>, ReadError> {
        let label = self.names.get(index).cloned().unwrap_or_default();
        let budget = self.budget;
        let bomb = self.bomb();
        let mut entry = self
            .archive
            .by_index(index)
            .map_err(|e| corrupt(format!("无法打开 {label}（{e}）")))?;
        if entry.size() > budget {
            return Err(bomb);
        }
        let mut raw = Vec::new();
        (&mut entry)
            .take(budget + 1)
            .read_to_end(&mut raw)
            .map_err(|e| corrupt(format!("解压 {label} 失败（{e}）")))?;
        if raw.len() as u64 > budget {
            return Err(bomb);
        }
        self.budget = budget - raw.len() as u64;
        Ok(raw)
    }

    fn bomb(&self) -> ReadError {
        ReadError::LimitExceeded(format!(
            "压缩包解压后超过 {} MiB（疑似压缩炸弹），已跳过",
            mib(&self.limit)
        ))
    }
}

impl std::fmt::Debug for Zip<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Zip").field("names", &self.names).finish()
    }
}

fn check_entries(count: u64, max: usize) -> Result<(), ReadError> {
    if count > max as u64 {
        return Err(ReadError::LimitExceeded(format!(
            "压缩包内文件过多（{count} 个，上限 {max} 个），已跳过"
        )));
    }
    Ok(())
}

pub fn corrupt(detail: impl std::fmt::Display) -> ReadError {
    ReadError::Corrupt(detail.to_string())
}

/// Entry count from the end-of-central-directory record (ZIP64 aware), or
/// `None` when there is no readable record (the zip crate then reports it).
fn declared_entries(bytes: &[u8]) -> Option<u64> {
    const EOCD: &[u8] = b"PK\x05\x06";
    const LOCATOR: &[u8] = b"PK\x06\x07";
    // The record is 22 bytes plus a comment of at most 65535.
    let from = bytes.len().saturating_sub(22 + 65_535);
    let eocd = from + bytes.get(from..)?.windows(4).rposition(|w| w == EOCD)?;
    let count = u16_at(bytes, eocd + 10)?;
    if count != u16::MAX {
        return Some(count.into());
    }
    let locator = eocd.checked_sub(20)?;
    if bytes.get(locator..locator + 4)? != LOCATOR {
        return Some(count.into());
    }
    let eocd64 = usize::try_from(u64_at(bytes, locator + 8)?).ok()?;
    u64_at(bytes, eocd64.checked_add(32)?)
}

fn u16_at(bytes: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_le_bytes(bytes.get(at..at.checked_add(2)?)?.try_into().ok()?))
}

fn u64_at(bytes: &[u8], at: usize) -> Option<u64> {
    Some(u64::from_le_bytes(bytes.get(at..at.checked_add(8)?)?.try_into().ok()?))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;
    use zip::write::SimpleFileOptions;
    use zip::ZipWriter;

    fn zip_of(n: usize) -> Vec<u8> {
        let mut w = ZipWriter::new(Cursor::new(Vec::new()));
        for i in 0..n {
            w.start_file(format!("f{i}.xml"), SimpleFileOptions::default()).unwrap();
            w.write_all(b"<x/>").unwrap();
        }
        w.finish().unwrap().into_inner()
    }

    #[test]
    fn names_are_normalised() {
        assert_eq!(normalise("/Doc_0/./Pages/../Document.xml"), "doc_0/document.xml");
        assert_eq!(normalise("Word\\Document.xml"), "word/document.xml");
    }

    #[test]
    fn entry_count_is_capped_before_parsing() {
        let bytes = zip_of(30);
        assert_eq!(declared_entries(&bytes), Some(30));
        let limits = ReadLimits {
            max_entries: 10,
            ..ReadLimits::default()
        };
        let err = Zip::open(&bytes, &limits).err().map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("文件过多")));
        assert!(Zip::open(&bytes, &ReadLimits::default()).is_ok());
    }

    #[test]
    fn budget_is_shared_across_entries() {
        let bytes = zip_of(3);
        let limits = ReadLimits {
            max_unpacked_size: 10,
            ..ReadLimits::default()
        };
        let mut zip = Zip::open(&bytes, &limits).unwrap();
        assert!(zip.read(0).is_ok());
        assert!(zip.read(1).is_ok());
        let err = zip.read(2).err().map(|e| e.to_string());
        assert!(err.is_some_and(|e| e.contains("压缩炸弹")));
    }
}
