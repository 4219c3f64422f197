//! Store bench for the wenshan archive: N documents, each one metadata row
//! (~160 B), 4 simhash block keys, 30 passage hashes; batches of 1000 docs.
use std::time::Instant;
fn rng(s: &mut u64) -> u64 { *s ^= *s << 13; *s ^= *s >> 7; *s ^= *s << 17; *s }
fn dir_size(p: &std::path::Path) -> u64 {
    std::fs::read_dir(p).unwrap().map(|e| e.unwrap().metadata().unwrap().len()).sum()
}
fn main() {
    let n: u64 = std::env::args().nth(1).map(|s| s.parse().unwrap()).unwrap_or(100_000);
    let meta = vec![b'x'; 160];
    // sqlite
    let d = std::path::Path::new("/tmp/wenshan-storebench/sq"); let _ = std::fs::remove_dir_all(d); std::fs::create_dir_all(d).unwrap();
    let t = Instant::now();
    let mut c = rusqlite::Connection::open(d.join("a.db")).unwrap();
    c.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;
      CREATE TABLE doc(id INTEGER PRIMARY KEY, fp INTEGER, meta BLOB);
      CREATE TABLE simkey(key INTEGER, doc INTEGER, fp INTEGER, PRIMARY KEY(key, doc)) WITHOUT ROWID;
      CREATE TABLE pkey(h INTEGER, doc INTEGER, PRIMARY KEY(h, doc)) WITHOUT ROWID;").unwrap();
    let mut s = 1u64;
    for b in 0..n / 1000 {
        let tx = c.transaction().unwrap();
        {
            let mut d1 = tx.prepare_cached("INSERT INTO doc VALUES(?,?,?)").unwrap();
            let mut d2 = tx.prepare_cached("INSERT INTO simkey VALUES(?,?,?)").unwrap();
            let mut d3 = tx.prepare_cached("INSERT INTO pkey VALUES(?,?)").unwrap();
            for i in 0..1000 { let id = (b * 1000 + i) as i64; let fp = rng(&mut s);
                d1.execute(rusqlite::params![id, fp as i64, meta]).unwrap();
                for k in 0..4u64 { d2.execute(rusqlite::params![((k << 16) | ((fp >> (16 * k)) & 0xffff)) as i64, id, fp as i64]).unwrap(); }
                for _ in 0..30 { d3.execute(rusqlite::params![(rng(&mut s) >> 32) as i64, id]).unwrap(); }
            }
        }
        tx.commit().unwrap();
    }
    c.execute_batch("PRAGMA wal_checkpoint(TRUNCATE)").unwrap();
    let ins = t.elapsed();
    let t = Instant::now();
    let mut st = c.prepare_cached("SELECT doc, fp FROM simkey WHERE key = ?").unwrap();
    let mut hits = 0;
    for q in 0..548u64 { let mut r = st.query([((q % 4) << 16 | (q * 7919 & 0xffff)) as i64]).unwrap(); while let Some(_) = r.next().unwrap() { hits += 1; } }
    println!("sqlite: insert {n} docs {:.2?} ({:.0} docs/s), {} bytes ({} B/doc), 548 probes {:.2?} ({hits} hits)", ins, n as f64 / ins.as_secs_f64(), dir_size(d), dir_size(d) / n, t.elapsed());
    drop(st); drop(c);
    // redb
    use redb::{Database, TableDefinition, MultimapTableDefinition, ReadableDatabase};
    const DOC: TableDefinition<u64, (u64, &[u8])> = TableDefinition::new("doc");
    const SK: MultimapTableDefinition<u32, (u64, u64)> = MultimapTableDefinition::new("simkey");
    const PK: MultimapTableDefinition<u32, u64> = MultimapTableDefinition::new("pkey");
    let d = std::path::Path::new("/tmp/wenshan-storebench/rd"); let _ = std::fs::remove_dir_all(d); std::fs::create_dir_all(d).unwrap();
    let t = Instant::now();
    let db = Database::create(d.join("a.redb")).unwrap();
    let mut s = 1u64;
    for b in 0..n / 1000 {
        let tx = db.begin_write().unwrap();
        {
            let mut t1 = tx.open_table(DOC).unwrap(); let mut t2 = tx.open_multimap_table(SK).unwrap(); let mut t3 = tx.open_multimap_table(PK).unwrap();
            for i in 0..1000 { let id = b * 1000 + i; let fp = rng(&mut s);
                t1.insert(id, (fp, meta.as_slice())).unwrap();
                for k in 0..4u64 { t2.insert(((k << 16) | ((fp >> (16 * k)) & 0xffff)) as u32, (id, fp)).unwrap(); }
                for _ in 0..30 { t3.insert((rng(&mut s) >> 32) as u32, id).unwrap(); }
            }
        }
        tx.commit().unwrap();
    }
    let mut db = db; db.compact().unwrap();
    let ins = t.elapsed();
    let t = Instant::now();
    let rt = db.begin_read().unwrap(); let t2 = rt.open_multimap_table(SK).unwrap();
    let mut hits = 0;
    for q in 0..548u64 { for v in t2.get(((q % 4) << 16 | (q * 7919 & 0xffff)) as u32).unwrap() { let _ = v.unwrap(); hits += 1; } }
    println!("redb:   insert {n} docs {:.2?} ({:.0} docs/s), {} bytes ({} B/doc), 548 probes {:.2?} ({hits} hits)", ins, n as f64 / ins.as_secs_f64(), dir_size(d), dir_size(d) / n, t.elapsed());
    // Second process-style open while the first is open:
    match Database::create(d.join("a.redb")) { Ok(_) => println!("redb: second open while open: ok"), Err(e) => println!("redb: second open while open: {e}") }
}
