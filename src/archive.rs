//! The archive: every document an office has issued, kept so that a new
//! draft can be checked against all of them (`wenshan check`) without
//! re-reading a single file.
//!
//! An embedded SQLite database (rusqlite, bundled; chosen by measurement, see
//! the README) in WAL mode, in a folder (default `./.wenshan/archive`):
//!
//! - `doc`: one row per document: path, content hash (xxh3 of the file's
//!   bytes), parse metadata, document simhash, status, passage hashes.
//! - `text`: the normalised text, deflated (what `check` verifies and shows).
//! - `simkey`: the persistent form of the multi-index Hamming search
//!   ([`crate::index`]): the simhash cut into 4 blocks of 16 bits, one row
//!   per block, keyed by (block, value). A lookup at radius k probes every
//!   value within ⌊k/4⌋ bits of each of the draft's 4 block values: a few
//!   hundred point reads, never a scan of the archive.
//! - `passage`: the inverted index of passage hashes (hash → document).
//!
//! A document's rows (metadata, fingerprints, index keys, text) are written
//! in one transaction, so a crash or `kill -9` at any moment leaves every
//! document either whole or absent; [`Archive::verify`] checks exactly that.
//! Readers never block the writer (WAL); writers take `write.lock` first, so
//! a second `archive add` says so and waits.

use crate::document::{Date, Genre};
use crate::fingerprint::Fingerprint;
use crate::report::DocumentEntry;
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use std::fs::File;
use std::path::{Component, Path, PathBuf};
use std::time::Duration;
use xxhash_rust::xxh3::xxh3_64;

/// Version of the database layout; checked at open.
pub const SCHEMA_VERSION: i64 = 1;
/// Where the archive lives unless `--archive` or `WENSHAN_ARCHIVE` says otherwise.
pub const DEFAULT_DIR: &str = ".wenshan/archive";
/// Environment variable naming the archive folder.
pub const ENV: &str = "WENSHAN_ARCHIVE";
const DB_FILE: &str = "archive.db";
const LOCK_FILE: &str = "write.lock";

/// Blocks of the persistent simhash index (4 × 16 bits): exact for any
/// radius; ⌊k/4⌋ ≤ 2 (k ≤ 11) costs 4 × 137 probes.
pub const BLOCKS: u32 = 4;
const BLOCK_BITS: u32 = 64 / BLOCKS;

/// The kind of a passage fingerprint, kept in its two low bits in the
/// archive (one index for all three; the bits lost cost nothing measurable).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PassageKind {
    /// Two-sentence windows and long sentences: candidates.
    Window = 0,
    /// Every sentence: only for frequency (boilerplate).
    Sentence = 1,
    /// Winnowed k-grams: candidates below the sentence level.
    Winnowed = 2,
}

impl PassageKind {
    pub fn tag(self, h: u64) -> u64 {
        (h & !3) | self as u64
    }
    pub fn of(tagged: u64) -> Option<PassageKind> {
        match tagged & 3 {
            0 => Some(PassageKind::Window),
            1 => Some(PassageKind::Sentence),
            2 => Some(PassageKind::Winnowed),
            _ => None,
        }
    }
}

/// A document's passage fingerprints as the archive keeps them: tagged, sorted, distinct.
pub fn tagged_passages(p: &crate::passage::PassageHashes) -> Vec<u64> {
    let mut v: Vec<u64> = p
        .windows
        .iter()
        .map(|&h| PassageKind::Window.tag(h))
        .chain(p.sentences.iter().map(|&h| PassageKind::Sentence.tag(h)))
        .chain(p.winnowed.iter().map(|&h| PassageKind::Winnowed.tag(h)))
        .collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Document status (效力状态), shown by `check`.
pub const STATUSES: [&str; 3] = ["现行有效", "已废止", "已被替代"];

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("档案库 {0} 不存在：先运行 `wenshan archive add 目录` 建立档案库，或用 --archive 指定位置")]
    Missing(PathBuf),
    #[error(
        "档案库 {path} 的格式版本为 {found}，本程序只能读取版本 {expected}：请使用与之匹配的 wenshan，\
         或删除该目录后用 `wenshan archive add` 重新建立"
    )]
    Version { path: PathBuf, found: i64, expected: i64 },
    #[error("档案库 {0} 尚未建立完成（建立时被中断）：重新运行 `wenshan archive add` 即可")]
    Empty(PathBuf),
    #[error("{path} 不是 wenshan 档案库：{reason}")]
    NotArchive { path: PathBuf, reason: String },
    #[error("档案库数据库错误：{0}")]
    Sql(#[from] rusqlite::Error),
    /// The message carries the error (not also its source, which would
    /// print it twice in a chain).
    #[error("档案库读写错误：{}", io_reason(.0))]
    Io(std::io::Error),
    #[error(transparent)]
    Walk(#[from] crate::walk::WalkError),
    #[error("无效的效力状态 “{0}”：应为 现行有效、已废止 或 已被替代")]
    Status(String),
    #[error("档案库中没有 {0}")]
    NotFound(String),
}

/// The OS error in Chinese where it is a common one.
fn io_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "没有权限（档案库所在文件夹只读？只读的档案库只能查询）".to_string(),
        std::io::ErrorKind::StorageFull => "磁盘已满".to_string(),
        _ => crate::read::io_reason(e),
    }
}

impl From<std::io::Error> for ArchiveError {
    fn from(e: std::io::Error) -> Self {
        ArchiveError::Io(e)
    }
}

pub type Result<T> = std::result::Result<T, ArchiveError>;

/// One document as stored (what `add` writes; text is the normalised text).
#[derive(Debug, Clone, Default)]
pub struct NewDoc {
    /// Archive key of the path (see [`Archive::key_of`]).
    pub path: String,
    pub content_hash: u64,
    pub simhash: u64,
    pub chars: usize,
    pub title: Option<String>,
    pub doc_number: Option<String>,
    pub issuer: Option<String>,
    pub genre: Option<Genre>,
    pub date: Option<Date>,
    /// Passage fingerprints (sorted, distinct).
    pub passages: Vec<u64>,
    pub text: String,
}

/// One archived document's metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub id: i64,
    pub path: String,
    pub content_hash: u64,
    pub simhash: u64,
    pub chars: usize,
    pub title: Option<String>,
    pub doc_number: Option<String>,
    pub issuer: Option<String>,
    pub genre: Option<Genre>,
    pub date: Option<Date>,
    pub status: Option<String>,
}

impl Stored {
    /// The report's document entry (contract v1 field names).
    pub fn entry(&self) -> DocumentEntry {
        DocumentEntry {
            path: self.path.clone(),
            title: self.title.clone(),
            genre: self.genre,
            doc_number: self.doc_number.clone(),
            issuer: self.issuer.clone(),
            date: self.date,
            chars: self.chars,
            simhash: Some(Fingerprint(self.simhash)),
            error: None,
            ratios: None,
            disguised_issuance: None,
        }
    }
}

/// Sizes for `archive stats`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Stats {
    pub documents: u64,
    pub passage_keys: u64,
    /// Bytes on disk of the database files (main + WAL).
    pub bytes: u64,
    /// Bytes of the stored texts (their table's pages).
    pub text_bytes: u64,
    /// Bytes of the passage index and the passage hashes kept per document.
    pub passage_bytes: u64,
}

impl Stats {
    pub fn per_doc(&self, bytes: u64) -> f64 {
        if self.documents == 0 {
            0.0
        } else {
            bytes as f64 / self.documents as f64
        }
    }
    /// Everything but the stored text and the passage index: metadata,
    /// document fingerprint and its index keys.
    pub fn core_bytes(&self) -> u64 {
        self.bytes.saturating_sub(self.text_bytes + self.passage_bytes)
    }
}

/// The four index keys of a simhash: block number in the top bits.
pub fn block_keys(fp: u64) -> [i64; BLOCKS as usize] {
    std::array::from_fn(|b| {
        let v = (fp >> (b as u32 * BLOCK_BITS)) & ((1 << BLOCK_BITS) - 1);
        (((b as u64) << BLOCK_BITS) | v) as i64
    })
}

/// Every value within `r` bits of `v` in a 16-bit block (r ≤ 3 enumerated; more is all values).
fn neighbours(v: u64, r: u32, out: &mut Vec<u64>) {
    out.clear();
    if r >= 4 {
        out.extend(0..1u64 << BLOCK_BITS);
        return;
    }
    out.push(v);
    let w = BLOCK_BITS;
    for i in 0..w {
        if r >= 1 {
            out.push(v ^ 1 << i);
        }
        for j in i + 1..w {
            if r >= 2 {
                out.push(v ^ 1 << i ^ 1 << j);
            }
            if r >= 3 {
                for k in j + 1..w {
                    out.push(v ^ 1 << i ^ 1 << j ^ 1 << k);
                }
            }
        }
    }
}

fn deflate(text: &str) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec(text.as_bytes(), 1)
}

fn inflate(z: &[u8]) -> Result<String> {
    let bytes = miniz_oxide::inflate::decompress_to_vec(z).map_err(|e| ArchiveError::NotArchive {
        path: PathBuf::new(),
        reason: format!("正文数据损坏（{e:?}）"),
    })?;
    String::from_utf8(bytes).map_err(|_| ArchiveError::NotArchive {
        path: PathBuf::new(),
        reason: "正文不是 UTF-8".into(),
    })
}

fn hashes_to_blob(h: &[u64]) -> Vec<u8> {
    h.iter().flat_map(|x| x.to_le_bytes()).collect()
}

fn blob_to_hashes(b: &[u8]) -> Vec<u64> {
    b.chunks_exact(8)
        .map(|c| u64::from_le_bytes(c.try_into().expect("8 bytes")))
        .collect()
}

/// Lexically clean a path: drop `.`, resolve `..` against what precedes it.
fn clean(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            other => out.push(other),
        }
    }
    out
}

const SCHEMA: &str = "
CREATE TABLE IF NOT EXISTS meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS doc(
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL,
    path_hash INTEGER NOT NULL,
    content_hash INTEGER NOT NULL,
    simhash INTEGER NOT NULL,
    chars INTEGER NOT NULL,
    title TEXT, doc_number TEXT, issuer TEXT, genre TEXT, date TEXT,
    status TEXT
);
CREATE TABLE IF NOT EXISTS docpass(doc INTEGER PRIMARY KEY, hashes BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS doc_path ON doc(path_hash);
CREATE TABLE IF NOT EXISTS text(doc INTEGER PRIMARY KEY, deflated BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS simkey(
    key INTEGER NOT NULL, doc INTEGER NOT NULL, simhash INTEGER NOT NULL,
    PRIMARY KEY(key, doc)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS passage(
    hash INTEGER NOT NULL, doc INTEGER NOT NULL,
    PRIMARY KEY(hash, doc)) WITHOUT ROWID;
";

/// An open archive.
pub struct Archive {
    conn: Connection,
    dir: PathBuf,
    /// Paths are stored relative to this folder when they are inside it.
    root: PathBuf,
    /// Held by writers for as long as the archive is open.
    _lock: Option<File>,
}

/// How a writer waits for another.
pub trait WaitNotice {
    fn waiting(&self, _lock: &Path) {}
}
impl WaitNotice for () {}

impl Archive {
    /// The archive folder: `explicit`, else `$WENSHAN_ARCHIVE`, else `./.wenshan/archive`.
    pub fn location(explicit: Option<&Path>) -> PathBuf {
        explicit
            .map(Path::to_path_buf)
            .or_else(|| std::env::var_os(ENV).filter(|v| !v.is_empty()).map(PathBuf::from))
            .unwrap_or_else(|| PathBuf::from(DEFAULT_DIR))
    }

    fn root_of(dir: &Path) -> PathBuf {
        let abs = std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf());
        let abs = clean(&abs);
        let parent = abs.parent().map(Path::to_path_buf).unwrap_or_default();
        if parent.file_name().is_some_and(|n| n == ".wenshan") {
            parent.parent().map(Path::to_path_buf).unwrap_or(parent)
        } else {
            parent
        }
    }

    fn connect(dir: &Path, create: bool) -> Result<Connection> {
        let db = dir.join(DB_FILE);
        let flags = if create {
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE
        } else {
            OpenFlags::SQLITE_OPEN_READ_WRITE
        };
        let conn = Connection::open_with_flags(&db, flags | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
        conn.busy_timeout(Duration::from_secs(30))?;
        let not_archive = |e: rusqlite::Error| ArchiveError::NotArchive {
            path: dir.to_path_buf(),
            reason: e.to_string(),
        };
        // FULL: a committed document survives power loss too, not only a kill.
        conn.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=OFF;")
            .map_err(not_archive)?;
        Ok(conn)
    }

    /// Open an existing archive to read (`check`, `list`, `stats`, `export`).
    /// Reading never waits for a writer.
    pub fn open(dir: &Path) -> Result<Archive> {
        if !dir.join(DB_FILE).is_file() {
            return Err(ArchiveError::Missing(dir.to_path_buf()));
        }
        // An archive the user may read but not write (a shared folder, a
        // read-only copy) is read as it stands.
        let conn = Archive::connect(dir, false).or_else(|e| Archive::connect_read_only(dir).map_err(|_| e))?;
        let a = Archive {
            conn,
            dir: dir.to_path_buf(),
            root: Archive::root_of(dir),
            _lock: None,
        };
        a.check_version()?;
        Ok(a)
    }

    /// Read-only and `immutable`: SQLite then needs no lock or WAL index
    /// files, which a read-only folder could not hold. Only for archives the
    /// user cannot write, so no writer of theirs can change it meanwhile.
    fn connect_read_only(dir: &Path) -> Result<Connection> {
        let db = dir.join(DB_FILE);
        // Percent-encode what a URI path must not contain as is.
        let mut path = String::new();
        for c in db.to_string_lossy().chars() {
            match c {
                '%' | '?' | '#' => path.push_str(&format!("%{:02X}", c as u32)),
                c => path.push(c),
            }
        }
        let uri = format!("file:{path}?immutable=1");
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        Ok(Connection::open_with_flags(uri, flags)?)
    }

    /// Open (creating if needed) to write. Only one writer at a time: a
    /// second one calls `notice.waiting` and waits for the first to finish.
    pub fn open_write(dir: &Path, notice: &dyn WaitNotice) -> Result<Archive> {
        std::fs::create_dir_all(dir)?;
        let lock_path = dir.join(LOCK_FILE);
        let lock = File::options()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&lock_path)?;
        match lock.try_lock() {
            Ok(()) => {}
            Err(std::fs::TryLockError::WouldBlock) => {
                notice.waiting(&lock_path);
                lock.lock()?;
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(e.into()),
        }
        let conn = Archive::connect(dir, true)?;
        // A large cache keeps the passage index's pages in memory while it grows.
        conn.execute_batch("PRAGMA cache_size = -131072; PRAGMA wal_autocheckpoint = 8192;")?;
        let a = Archive {
            conn,
            dir: dir.to_path_buf(),
            root: Archive::root_of(dir),
            _lock: Some(lock),
        };
        let version: Option<String> = a
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'schema_version'", [], |r| r.get(0))
            .optional()
            .or_else(|e| match e {
                rusqlite::Error::SqliteFailure(_, Some(ref m)) if m.contains("no such table") => Ok(None),
                e => Err(e),
            })
            .map_err(|e| ArchiveError::NotArchive {
                path: dir.to_path_buf(),
                reason: e.to_string(),
            })?;
        match version {
            None => {
                let tx = a.conn.unchecked_transaction()?;
                tx.execute_batch(SCHEMA)?;
                tx.execute(
                    "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?1), ('fingerprint', 'weighted'),
                     ('index', 'simhash blocks 4x16'), ('documents', '0')",
                    [SCHEMA_VERSION.to_string()],
                )?;
                tx.commit()?;
            }
            Some(_) => a.check_version()?,
        }
        Ok(a)
    }

    fn check_version(&self) -> Result<()> {
        let tables: i64 = self
            .conn
            .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
            .map_err(|e| ArchiveError::NotArchive {
                path: self.dir.clone(),
                reason: e.to_string(),
            })?;
        if tables == 0 {
            return Err(ArchiveError::Empty(self.dir.clone()));
        }
        let found: Option<String> = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'schema_version'", [], |r| r.get(0))
            .optional()
            .map_err(|e| ArchiveError::NotArchive {
                path: self.dir.clone(),
                reason: e.to_string(),
            })?;
        let found: i64 = found.and_then(|v| v.parse().ok()).unwrap_or(0);
        if found != SCHEMA_VERSION {
            return Err(ArchiveError::Version {
                path: self.dir.clone(),
                found,
                expected: SCHEMA_VERSION,
            });
        }
        Ok(())
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The key a file is stored under: its path relative to the archive's
    /// project folder (the one holding `.wenshan`) when inside it, else
    /// absolute; `/` separators.
    pub fn key_of(&self, path: &Path) -> String {
        let abs = std::fs::canonicalize(path)
            .ok()
            .unwrap_or_else(|| clean(&std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())));
        let root = std::fs::canonicalize(&self.root).unwrap_or_else(|_| self.root.clone());
        let rel = abs.strip_prefix(&root).map(Path::to_path_buf).unwrap_or(abs);
        rel.to_string_lossy().replace('\\', "/")
    }

    /// The id of the document stored under `path`.
    pub fn id_of_path(&self, path: &str) -> Result<Option<i64>> {
        Ok(Archive::id_of(&self.conn, path)?.map(|x| x.0))
    }

    /// Content hash of every stored path (for incremental adds).
    pub fn content_hashes(&self) -> Result<rustc_hash::FxHashMap<String, u64>> {
        let mut st = self.conn.prepare("SELECT path, content_hash FROM doc")?;
        let rows = st.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)? as u64)))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    fn id_of(tx: &Connection, path: &str) -> Result<Option<(i64, u64, Vec<u64>)>> {
        let mut st = tx.prepare_cached(
            "SELECT d.id, d.path, d.simhash, coalesce(p.hashes, x'') FROM doc d
             LEFT JOIN docpass p ON p.doc = d.id WHERE d.path_hash = ?1",
        )?;
        let mut rows = st.query([xxh3_64(path.as_bytes()) as i64])?;
        while let Some(r) = rows.next()? {
            if r.get::<_, String>(1)? == path {
                return Ok(Some((
                    r.get(0)?,
                    r.get::<_, i64>(2)? as u64,
                    blob_to_hashes(&r.get::<_, Vec<u8>>(3)?),
                )));
            }
        }
        Ok(None)
    }

    fn delete_doc(tx: &Connection, id: i64, simhash: u64, passages: &[u64]) -> Result<()> {
        let mut k = tx.prepare_cached("DELETE FROM simkey WHERE key = ?1 AND doc = ?2")?;
        for key in block_keys(simhash) {
            k.execute(params![key, id])?;
        }
        let mut p = tx.prepare_cached("DELETE FROM passage WHERE hash = ?1 AND doc = ?2")?;
        for &h in passages {
            p.execute(params![h as i64, id])?;
        }
        tx.prepare_cached("DELETE FROM text WHERE doc = ?1")?.execute([id])?;
        tx.prepare_cached("DELETE FROM docpass WHERE doc = ?1")?.execute([id])?;
        tx.prepare_cached("DELETE FROM doc WHERE id = ?1")?.execute([id])?;
        Ok(())
    }

    /// Insert a document's rows but its passage index rows, which the
    /// caller inserts in key order with the rest of the batch.
    fn insert_doc(tx: &Connection, d: &NewDoc, status: Option<&str>) -> Result<i64> {
        tx.prepare_cached(
            "INSERT INTO doc(path, path_hash, content_hash, simhash, chars, title, doc_number, issuer, genre,
                             date, status)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
        )?
        .execute(params![
            d.path,
            xxh3_64(d.path.as_bytes()) as i64,
            d.content_hash as i64,
            d.simhash as i64,
            d.chars as i64,
            d.title,
            d.doc_number,
            d.issuer,
            d.genre.map(Genre::name),
            d.date.map(|x| x.to_string()),
            status,
        ])?;
        let id = tx.last_insert_rowid();
        let mut k = tx.prepare_cached("INSERT INTO simkey VALUES (?1, ?2, ?3)")?;
        for key in block_keys(d.simhash) {
            k.execute(params![key, id, d.simhash as i64])?;
        }
        tx.prepare_cached("INSERT INTO docpass VALUES (?1, ?2)")?
            .execute(params![id, hashes_to_blob(&d.passages)])?;
        tx.prepare_cached("INSERT INTO text VALUES (?1, ?2)")?
            .execute(params![id, deflate(&d.text)])?;
        Ok(id)
    }

    fn insert_passages(tx: &Connection, mut rows: Vec<(i64, i64)>) -> Result<()> {
        // In key order: neighbouring inserts land on the same b-tree pages.
        rows.sort_unstable();
        rows.dedup();
        // Many rows a statement: the per-statement cost dominates otherwise.
        const ROWS: usize = 200;
        let many = format!(
            "INSERT OR IGNORE INTO passage VALUES {}",
            vec!["(?, ?)"; ROWS].join(", ")
        );
        let mut chunks = rows.chunks_exact(ROWS);
        let mut p = tx.prepare_cached(&many)?;
        for chunk in &mut chunks {
            p.execute(rusqlite::params_from_iter(chunk.iter().flat_map(|&(h, id)| [h, id])))?;
        }
        let mut p = tx.prepare_cached("INSERT OR IGNORE INTO passage VALUES (?1, ?2)")?;
        for &(h, id) in chunks.remainder() {
            p.execute(params![h, id])?;
        }
        Ok(())
    }

    /// Store documents, replacing any stored under the same path (keeping
    /// its status), in one transaction: all of them or none.
    pub fn put(&mut self, docs: &[NewDoc]) -> Result<()> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut rows = Vec::new();
        let mut added = 0;
        for d in docs {
            let mut status = None;
            added += 1;
            if let Some((id, simhash, passages)) = Archive::id_of(&tx, &d.path)? {
                status = tx.query_row("SELECT status FROM doc WHERE id = ?1", [id], |r| {
                    r.get::<_, Option<String>>(0)
                })?;
                Archive::delete_doc(&tx, id, simhash, &passages)?;
                added -= 1;
            }
            let id = Archive::insert_doc(&tx, d, status.as_deref())?;
            rows.extend(d.passages.iter().map(|&h| (h as i64, id)));
        }
        Archive::insert_passages(&tx, rows)?;
        Archive::add_to_count(&tx, added)?;
        tx.commit()?;
        Ok(())
    }

    /// Remove documents stored under `key` or inside the folder `key`; returns how many.
    pub fn remove(&mut self, key: &str) -> Result<usize> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let prefix = format!("{}/", key.trim_end_matches('/'));
        let victims: Vec<(i64, u64, Vec<u8>)> = {
            let mut st = tx.prepare(
                "SELECT d.id, d.simhash, coalesce(p.hashes, x'') FROM doc d LEFT JOIN docpass p ON p.doc = d.id
                 WHERE d.path = ?1 OR substr(d.path, 1, ?2) = ?3",
            )?;
            let rows = st.query_map(params![key, prefix.chars().count() as i64, prefix], |r| {
                Ok((r.get(0)?, r.get::<_, i64>(1)? as u64, r.get(2)?))
            })?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for (id, simhash, passages) in &victims {
            Archive::delete_doc(&tx, *id, *simhash, &blob_to_hashes(passages))?;
        }
        Archive::add_to_count(&tx, -(victims.len() as i64))?;
        tx.commit()?;
        Ok(victims.len())
    }

    /// Set the status of the documents under `key` (a path or folder).
    pub fn set_status(&mut self, key: &str, status: &str) -> Result<usize> {
        if !STATUSES.contains(&status) {
            return Err(ArchiveError::Status(status.to_string()));
        }
        let prefix = format!("{}/", key.trim_end_matches('/'));
        let n = self.conn.execute(
            "UPDATE doc SET status = ?1 WHERE path = ?2 OR substr(path, 1, ?3) = ?4",
            params![status, key, prefix.chars().count() as i64, prefix],
        )?;
        if n == 0 {
            return Err(ArchiveError::NotFound(key.to_string()));
        }
        Ok(n)
    }

    fn stored(r: &rusqlite::Row) -> rusqlite::Result<Stored> {
        Ok(Stored {
            id: r.get(0)?,
            path: r.get(1)?,
            content_hash: r.get::<_, i64>(2)? as u64,
            simhash: r.get::<_, i64>(3)? as u64,
            chars: r.get::<_, i64>(4)? as usize,
            title: r.get(5)?,
            doc_number: r.get(6)?,
            issuer: r.get(7)?,
            genre: r.get::<_, Option<String>>(8)?.and_then(|g| Genre::from_name(&g)),
            date: r.get::<_, Option<String>>(9)?.and_then(|d| d.parse().ok()),
            status: r.get(10)?,
        })
    }

    const STORED_COLUMNS: &'static str =
        "id, path, content_hash, simhash, chars, title, doc_number, issuer, genre, date, status";

    /// Every document, by path.
    pub fn list(&self, mut each: impl FnMut(Stored)) -> Result<()> {
        let mut st = self
            .conn
            .prepare(&format!("SELECT {} FROM doc ORDER BY path", Archive::STORED_COLUMNS))?;
        let mut rows = st.query([])?;
        while let Some(r) = rows.next()? {
            each(Archive::stored(r)?);
        }
        Ok(())
    }

    pub fn get(&self, id: i64) -> Result<Option<Stored>> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {} FROM doc WHERE id = ?1", Archive::STORED_COLUMNS))?
            .query_row([id], Archive::stored)
            .optional()?)
    }

    /// The stored normalised text of a document.
    pub fn text(&self, id: i64) -> Result<String> {
        let z: Vec<u8> = self
            .conn
            .prepare_cached("SELECT deflated FROM text WHERE doc = ?1")?
            .query_row([id], |r| r.get(0))?;
        inflate(&z)
    }

    /// Passage hashes of a document.
    pub fn passages(&self, id: i64) -> Result<Vec<u64>> {
        let b: Vec<u8> = self
            .conn
            .prepare_cached("SELECT hashes FROM docpass WHERE doc = ?1")?
            .query_row([id], |r| r.get(0))?;
        Ok(blob_to_hashes(&b))
    }

    /// Documents whose simhash is within `radius` bits of `fp`, with the
    /// distance, sorted by id: exactly what [`crate::index::HammingIndex`]
    /// finds, through point reads of the block tables (pigeonhole: one of the
    /// 4 blocks differs in at most ⌊radius/4⌋ bits).
    pub fn simhash_candidates(&self, fp: u64, radius: u32) -> Result<Vec<(i64, u32)>> {
        let r = radius / BLOCKS;
        let mut st = self
            .conn
            .prepare_cached("SELECT doc, simhash FROM simkey WHERE key = ?1")?;
        let mut found = Vec::new();
        let mut values = Vec::new();
        for b in 0..BLOCKS {
            let v = (fp >> (b * BLOCK_BITS)) & ((1 << BLOCK_BITS) - 1);
            neighbours(v, r, &mut values);
            for &n in &values {
                let key = ((u64::from(b) << BLOCK_BITS) | n) as i64;
                let mut rows = st.query([key])?;
                while let Some(row) = rows.next()? {
                    let other = row.get::<_, i64>(1)? as u64;
                    let d = (fp ^ other).count_ones();
                    if d <= radius {
                        found.push((row.get::<_, i64>(0)?, d));
                    }
                }
            }
        }
        found.sort_unstable();
        found.dedup();
        Ok(found)
    }

    /// The documents holding the (tagged) passage hash `h`, up to `limit`
    /// of them (a posting list longer than that is boilerplate anyway).
    pub fn posting(&self, h: u64, limit: usize) -> Result<Vec<i64>> {
        let mut st = self
            .conn
            .prepare_cached("SELECT doc FROM passage WHERE hash = ?1 LIMIT ?2")?;
        let rows = st.query_map(params![h as i64, limit as i64], |r| r.get(0))?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// The number of documents: a counter kept in the same transactions as
    /// the documents (`count(*)` would read a whole index of a large archive).
    pub fn count(&self) -> Result<u64> {
        let n: String = self
            .conn
            .query_row("SELECT value FROM meta WHERE key = 'documents'", [], |r| r.get(0))?;
        Ok(n.parse().unwrap_or(0))
    }

    fn add_to_count(tx: &Connection, delta: i64) -> Result<()> {
        tx.prepare_cached("UPDATE meta SET value = CAST(CAST(value AS INTEGER) + ?1 AS TEXT) WHERE key = 'documents'")?
            .execute([delta])?;
        Ok(())
    }

    /// Sizes on disk, split by what they hold.
    pub fn stats(&self) -> Result<Stats> {
        let documents = self.count()?;
        let passage_keys = self
            .conn
            .query_row("SELECT count(*) FROM passage", [], |r| r.get::<_, i64>(0))? as u64;
        let file = |name: &str| std::fs::metadata(self.dir.join(name)).map(|m| m.len()).unwrap_or(0);
        let bytes = file(DB_FILE) + file(&format!("{DB_FILE}-wal"));
        // Bytes of the pages of each table and index (SQLite's dbstat).
        let pages = |names: &str| -> Result<u64> {
            Ok(self.conn.query_row(
                &format!("SELECT coalesce(sum(pgsize), 0) FROM dbstat WHERE name IN ({names})"),
                [],
                |r| r.get::<_, i64>(0),
            )? as u64)
        };
        Ok(Stats {
            documents,
            passage_keys,
            bytes,
            text_bytes: pages("'text'")?,
            passage_bytes: pages("'passage', 'docpass'")?,
        })
    }

    /// Check that every document is whole and every index key points to a
    /// document: what a crash must never break. Returns the document count.
    pub fn verify(&self) -> std::result::Result<u64, String> {
        let q = |sql: &str| -> std::result::Result<i64, String> {
            self.conn
                .query_row(sql, [], |r| r.get(0))
                .map_err(|e| format!("{sql}: {e}"))
        };
        let ok: String = self
            .conn
            .query_row("PRAGMA quick_check", [], |r| r.get(0))
            .map_err(|e| e.to_string())?;
        if ok != "ok" {
            return Err(format!("SQLite quick_check: {ok}"));
        }
        let docs = q("SELECT count(*) FROM doc")?;
        let counted = self.count().map_err(|e| e.to_string())?;
        if counted != docs as u64 {
            return Err(format!("文档计数 {counted} 与实际文档数 {docs} 不符"));
        }
        let checks = [
            (
                "文档缺正文",
                "SELECT count(*) FROM doc WHERE id NOT IN (SELECT doc FROM text)",
            ),
            (
                "正文无文档",
                "SELECT count(*) FROM text WHERE doc NOT IN (SELECT id FROM doc)",
            ),
            (
                "文档缺段落指纹",
                "SELECT count(*) FROM doc WHERE id NOT IN (SELECT doc FROM docpass)",
            ),
            (
                "段落指纹无文档",
                "SELECT count(*) FROM docpass WHERE doc NOT IN (SELECT id FROM doc)",
            ),
            (
                "索引键指向不存在的文档",
                "SELECT count(*) FROM simkey WHERE doc NOT IN (SELECT id FROM doc)",
            ),
            (
                "段落键指向不存在的文档",
                "SELECT count(*) FROM passage WHERE doc NOT IN (SELECT id FROM doc)",
            ),
            (
                "索引键与指纹不符",
                "SELECT count(*) FROM simkey k JOIN doc d ON d.id = k.doc WHERE k.simhash != d.simhash",
            ),
            (
                "文档缺索引键",
                "SELECT count(*) FROM doc d WHERE (SELECT count(*) FROM simkey k WHERE k.doc = d.id) != 4",
            ),
            ("路径重复", "SELECT count(*) - count(DISTINCT path) FROM doc"),
        ];
        for (what, sql) in checks {
            let n = q(sql)?;
            if n != 0 {
                return Err(format!("{what}：{n}"));
            }
        }
        // Each document's index keys are exactly those of its simhash, and its
        // passage rows exactly its passage hashes.
        let mut st = self
            .conn
            .prepare("SELECT d.id, d.simhash, coalesce(p.hashes, x'') FROM doc d LEFT JOIN docpass p ON p.doc = d.id")
            .map_err(|e| e.to_string())?;
        let mut rows = st.query([]).map_err(|e| e.to_string())?;
        let mut key_st = self
            .conn
            .prepare("SELECT count(*) FROM simkey WHERE key = ?1 AND doc = ?2")
            .map_err(|e| e.to_string())?;
        let mut passage_rows = 0i64;
        let mut distinct_st = self
            .conn
            .prepare("SELECT count(*) FROM passage WHERE hash = ?1 AND doc = ?2")
            .map_err(|e| e.to_string())?;
        while let Some(r) = rows.next().map_err(|e| e.to_string())? {
            let id: i64 = r.get(0).map_err(|e| e.to_string())?;
            let fp = r.get::<_, i64>(1).map_err(|e| e.to_string())? as u64;
            for key in block_keys(fp) {
                let n: i64 = key_st
                    .query_row(params![key, id], |r| r.get(0))
                    .map_err(|e| e.to_string())?;
                if n != 1 {
                    return Err(format!("文档 {id} 缺索引键 {key}"));
                }
            }
            let hashes = blob_to_hashes(&r.get::<_, Vec<u8>>(2).map_err(|e| e.to_string())?);
            for h in &hashes {
                let n: i64 = distinct_st
                    .query_row(params![*h as i64, id], |r| r.get(0))
                    .map_err(|e| e.to_string())?;
                if n != 1 {
                    return Err(format!("文档 {id} 缺段落键"));
                }
            }
            passage_rows += hashes.len() as i64;
        }
        let total = q("SELECT count(*) FROM passage")?;
        if total != passage_rows {
            return Err(format!("段落键数 {total} 与文档记录的 {passage_rows} 不符"));
        }
        Ok(docs as u64)
    }

    /// Bulk load for the generator: documents with fresh paths, no
    /// replacement check, index rows inserted in key order afterwards (fast
    /// on a large archive: sequential b-tree appends, not random inserts).
    pub fn bulk_insert(&mut self, docs: impl Iterator<Item = NewDoc>) -> Result<u64> {
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut keys: Vec<(i64, i64, i64)> = Vec::new();
        let mut passages: Vec<(i64, i64)> = Vec::new();
        let mut n = 0;
        {
            let mut d_st = tx.prepare(
                "INSERT INTO doc(path, path_hash, content_hash, simhash, chars, title, doc_number, issuer, genre,
                                 date, status)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, NULL)",
            )?;
            let mut t_st = tx.prepare("INSERT INTO text VALUES (?1, ?2)")?;
            let mut p_st = tx.prepare("INSERT INTO docpass VALUES (?1, ?2)")?;
            for d in docs {
                d_st.execute(params![
                    d.path,
                    xxh3_64(d.path.as_bytes()) as i64,
                    d.content_hash as i64,
                    d.simhash as i64,
                    d.chars as i64,
                    d.title,
                    d.doc_number,
                    d.issuer,
                    d.genre.map(Genre::name),
                    d.date.map(|x| x.to_string()),
                ])?;
                let id = tx.last_insert_rowid();
                t_st.execute(params![id, deflate(&d.text)])?;
                p_st.execute(params![id, hashes_to_blob(&d.passages)])?;
                keys.extend(block_keys(d.simhash).map(|k| (k, id, d.simhash as i64)));
                passages.extend(d.passages.iter().map(|&h| (h as i64, id)));
                n += 1;
            }
        }
        keys.sort_unstable();
        passages.sort_unstable();
        passages.dedup();
        {
            let mut k_st = tx.prepare("INSERT INTO simkey VALUES (?1, ?2, ?3)")?;
            for (k, id, fp) in keys {
                k_st.execute(params![k, id, fp])?;
            }
            let mut p_st = tx.prepare("INSERT INTO passage VALUES (?1, ?2)")?;
            for (h, id) in passages {
                p_st.execute(params![h, id])?;
            }
        }
        Archive::add_to_count(&tx, n as i64)?;
        tx.commit()?;
        Ok(n)
    }

    /// Merge the WAL into the database file (after large writes).
    pub fn checkpoint(&self) -> Result<()> {
        self.conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")?;
        Ok(())
    }

    /// Write one JSON line per document and per passage hash.
    pub fn export_jsonl(&self, out: &mut dyn std::io::Write) -> Result<u64> {
        let mut st = self.conn.prepare(&format!(
            "SELECT {}, coalesce(p.hashes, x'') FROM doc LEFT JOIN docpass p ON p.doc = doc.id ORDER BY path",
            Archive::STORED_COLUMNS
        ))?;
        let mut rows = st.query([])?;
        let mut n = 0;
        while let Some(r) = rows.next()? {
            let s = Archive::stored(r)?;
            let passages = blob_to_hashes(&r.get::<_, Vec<u8>>(11)?);
            let keys: Vec<String> = block_keys(s.simhash).iter().map(|k| format!("{k:05x}")).collect();
            let row = serde_json::json!({
                "kind": "document",
                "path": s.path,
                "content_hash": format!("{:016x}", s.content_hash),
                "simhash": Fingerprint(s.simhash),
                "index_keys": keys,
                "title": s.title,
                "doc_number": s.doc_number,
                "issuer": s.issuer,
                "genre": s.genre,
                "date": s.date,
                "chars": s.chars,
                "status": s.status,
                "passages": passages.len(),
            });
            writeln!(out, "{row}")?;
            for h in passages {
                let of = match PassageKind::of(h) {
                    Some(PassageKind::Window) => "window",
                    Some(PassageKind::Sentence) => "sentence",
                    Some(PassageKind::Winnowed) => "winnowed",
                    None => "unknown",
                };
                let row = serde_json::json!({
                    "kind": "passage",
                    "path": s.path,
                    "hash": format!("{h:016x}"),
                    "fingerprint": of,
                });
                writeln!(out, "{row}")?;
            }
            n += 1;
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tmp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("wenshan-archive-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        d
    }

    fn doc(path: &str, fp: u64, text: &str) -> NewDoc {
        NewDoc {
            path: path.into(),
            content_hash: xxh3_64(text.as_bytes()),
            simhash: fp,
            chars: text.chars().count(),
            title: Some("关于做好防汛工作的通知".into()),
            genre: Some(Genre::Circular),
            date: Date::new(2025, 4, 18),
            passages: vec![1, 2, 3],
            text: text.into(),
            ..NewDoc::default()
        }
    }

    /// The fallback for archives the user cannot write: read-only and
    /// immutable, through a URI (a path with `%`, `?` and `#` is encoded).
    #[test]
    fn a_read_only_connection_reads_the_documents() {
        let dir = tmp("ro %?#");
        let mut a = Archive::open_write(&dir, &()).unwrap();
        a.put(&[
            doc("a.txt", 1, "各乡镇要做好防汛工作。"),
            doc("b.txt", 2, "请于5月10日前报送。"),
        ])
        .unwrap();
        drop(a);
        let conn = Archive::connect_read_only(&dir).unwrap();
        let n: i64 = conn.query_row("SELECT COUNT(*) FROM doc", [], |r| r.get(0)).unwrap();
        assert_eq!(n, 2);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn neighbours_count() {
        let mut v = Vec::new();
        for (r, n) in [(0, 1), (1, 17), (2, 137), (3, 697)] {
            neighbours(0xabcd, r, &mut v);
            assert_eq!(v.len(), n);
            assert!(v.iter().all(|x| (x ^ 0xabcd).count_ones() <= r));
        }
    }

    #[test]
    fn lookup_equals_brute_force() {
        let dir = tmp("lookup");
        let mut a = Archive::open_write(&dir, &()).unwrap();
        let mut s = 0x9E37_79B9_7F4A_7C15u64;
        let base = 0x0123_4567_89ab_cdefu64;
        let mut fps = Vec::new();
        for i in 0..400 {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            // Half near `base`, half anywhere.
            let fp = if i % 2 == 0 { base ^ (s & s >> 11 & s >> 23) } else { s };
            fps.push(fp);
        }
        let docs: Vec<NewDoc> = fps
            .iter()
            .enumerate()
            .map(|(i, &f)| doc(&format!("d{i}"), f, "正文"))
            .collect();
        a.put(&docs).unwrap();
        for radius in [0, 3, 8, 10, 13] {
            let got: Vec<u32> = a
                .simhash_candidates(base, radius)
                .unwrap()
                .iter()
                .map(|x| x.1)
                .collect();
            let mut want: Vec<u32> = fps
                .iter()
                .map(|f| (f ^ base).count_ones())
                .filter(|&d| d <= radius)
                .collect();
            let mut got_sorted = got.clone();
            got_sorted.sort();
            want.sort();
            assert_eq!(got_sorted, want, "radius {radius}");
        }
        assert_eq!(a.verify(), Ok(400));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn replace_remove_status_and_text() {
        let dir = tmp("replace");
        let mut a = Archive::open_write(&dir, &()).unwrap();
        a.put(&[doc("x/a.txt", 1, "第一版"), doc("x/b.txt", 2, "另一份")])
            .unwrap();
        a.set_status("x/a.txt", "已废止").unwrap();
        a.put(&[doc("x/a.txt", 3, "第二版")]).unwrap();
        assert_eq!(a.count().unwrap(), 2);
        let mut seen = Vec::new();
        a.list(|s| seen.push(s)).unwrap();
        assert_eq!(seen[0].simhash, 3);
        assert_eq!(
            seen[0].status.as_deref(),
            Some("已废止"),
            "status survives a replacement"
        );
        assert_eq!(a.text(seen[0].id).unwrap(), "第二版");
        assert!(a.set_status("x/a.txt", "作废").is_err());
        assert_eq!(a.verify(), Ok(2));
        assert_eq!(a.remove("x").unwrap(), 2);
        assert_eq!(a.verify(), Ok(0));
        drop(a);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn version_mismatch_is_reported_in_chinese() {
        let dir = tmp("version");
        let a = Archive::open_write(&dir, &()).unwrap();
        a.conn
            .execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'", [])
            .unwrap();
        drop(a);
        let e = Archive::open(&dir).err().unwrap().to_string();
        assert!(e.contains("格式版本为 99"), "{e}");
        let e = Archive::open(&dir.join("none")).err().unwrap().to_string();
        assert!(e.contains("不存在"), "{e}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
