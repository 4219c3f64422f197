//! Walk the folder to scan: every document file under the root, in a sorted
//! order so that reports are reproducible. Hidden files and folders are
//! skipped; symlinks are followed, and walkdir reports a loop as an error for
//! that path instead of looping.

use std::path::{Path, PathBuf};
use thiserror::Error;
use walkdir::WalkDir;

#[derive(Debug, Error)]
pub enum WalkError {
    #[error("扫描目录不存在：{0}")]
    NotFound(PathBuf),
    /// `reason` is the OS error in Chinese where it is a common one.
    #[error("无法读取扫描目录 {path}：{reason}")]
    Unreadable { path: PathBuf, reason: String },
}

/// A file found by the walk, or a path that could not be walked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub path: PathBuf,
    /// Relative to the root, '/' separators (the root's own name when the root is a file).
    pub rel: String,
    /// Why the walk could not go into or stat this path.
    pub error: Option<String>,
}

fn is_hidden(name: &std::ffi::OsStr) -> bool {
    name.to_str()
        .is_some_and(|s| s.starts_with('.') && s != "." && s != "..")
}

/// Does the file name carry one of `extensions` (lower-case, no dot)?
pub fn has_extension(path: &Path, extensions: &[&str]) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| extensions.iter().any(|x| x.eq_ignore_ascii_case(e)))
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    let parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    parts.join("/")
}

/// Every file with one of `extensions` under `root` (or `root` itself when it
/// is a file), sorted by relative path. Errors on single paths are entries
/// with `error` set; only an unusable root is an `Err`.
pub fn walk(root: &Path, extensions: &[&str]) -> Result<Vec<Entry>, WalkError> {
    let meta = std::fs::metadata(root).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => WalkError::NotFound(root.to_path_buf()),
        _ => WalkError::Unreadable {
            path: root.to_path_buf(),
            reason: crate::read::io_reason(&e),
        },
    })?;
    if meta.is_file() {
        let rel = root.file_name().map_or_else(
            || root.to_string_lossy().into_owned(),
            |n| n.to_string_lossy().into_owned(),
        );
        return Ok(vec![Entry {
            path: root.to_path_buf(),
            rel,
            error: None,
        }]);
    }
    std::fs::read_dir(root).map_err(|e| WalkError::Unreadable {
        path: root.to_path_buf(),
        reason: crate::read::io_reason(&e),
    })?;
    let mut out = Vec::new();
    let walker = WalkDir::new(root)
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_hidden(e.file_name()));
    for item in walker {
        match item {
            Ok(e) if e.file_type().is_file() && has_extension(e.path(), extensions) => {
                out.push(Entry {
                    rel: relative(root, e.path()),
                    path: e.into_path(),
                    error: None,
                });
            }
            Ok(_) => {}
            Err(err) => {
                let path = err.path().map_or_else(|| root.to_path_buf(), Path::to_path_buf);
                let why = if err.loop_ancestor().is_some() {
                    "符号链接形成循环，已跳过".to_string()
                } else {
                    format!("无法访问：{err}")
                };
                out.push(Entry {
                    rel: relative(root, &path),
                    path,
                    error: Some(why),
                });
            }
        }
    }
    out.sort_by(|a, b| a.rel.cmp(&b.rel));
    out.dedup_by(|a, b| a.rel == b.rel);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn tmpdir(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("wenshan-walk-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn finds_documents_sorted_and_skips_hidden_and_others() {
        let d = tmpdir("basic");
        fs::create_dir_all(d.join("sub")).unwrap();
        fs::create_dir_all(d.join(".git")).unwrap();
        for f in ["b.txt", "a-b.TXT", "sub/c.docx", ".hidden.txt", ".git/x.txt", "img.png"] {
            fs::write(d.join(f), "x").unwrap();
        }
        let rels: Vec<String> = walk(&d, &["txt", "docx"]).unwrap().into_iter().map(|e| e.rel).collect();
        assert_eq!(rels, ["a-b.TXT", "b.txt", "sub/c.docx"]);
        fs::remove_dir_all(&d).unwrap();
    }

    #[test]
    fn missing_root_is_an_error() {
        assert!(matches!(
            walk(Path::new("/nonexistent/wenshan"), &["txt"]),
            Err(WalkError::NotFound(_))
        ));
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loop_is_reported_not_followed_forever() {
        let d = tmpdir("loop");
        fs::create_dir_all(d.join("a")).unwrap();
        fs::write(d.join("a/doc.txt"), "x").unwrap();
        std::os::unix::fs::symlink(&d, d.join("a/back")).unwrap();
        let entries = walk(&d, &["txt"]).unwrap();
        assert!(entries.iter().any(|e| e.rel == "a/doc.txt" && e.error.is_none()));
        assert!(entries.iter().any(|e| e.error.is_some()), "{entries:?}");
        fs::remove_dir_all(&d).unwrap();
    }
}
