//! Document fingerprints: 64-bit simhash.
//!
//! Two methods, measured against each other on the `../shared/real` oracle
//! (see the README): [`Method::Weighted`], our default, and
//! [`Method::SimhashCrate`], the `simhash` crate fed with the same jieba
//! tokens, kept as the baseline.

use rustc_hash::FxHashMap;
use serde::Serialize;
use std::fmt;
use std::sync::OnceLock;
use xxhash_rust::xxh3::xxh3_64;

/// A 64-bit simhash. Displayed and serialised as 16 hex digits.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Fingerprint(pub u64);

impl Fingerprint {
    pub fn hamming(self, other: Fingerprint) -> u32 {
        (self.0 ^ other.0).count_ones()
    }
}

impl fmt::Display for Fingerprint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

impl Serialize for Fingerprint {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// How a document's fingerprint is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Method {
    /// Log-TF × √IDF weighted simhash over jieba words, xxh3 hashes.
    Weighted,
    /// The `simhash` crate (SipHash, unit weights) over the same jieba words.
    SimhashCrate,
}

impl Method {
    pub fn name(self) -> &'static str {
        match self {
            Method::Weighted => "weighted",
            Method::SimhashCrate => "simhash-crate",
        }
    }

    pub fn fingerprint(self, tokens: &[&str]) -> Fingerprint {
        match self {
            Method::Weighted => weighted_simhash(tokens),
            Method::SimhashCrate => Fingerprint(simhash::simhash_stream(tokens.iter().copied())),
        }
    }
}

const IDF_TABLE: &str = include_str!("../assets/jieba/idf.txt");
/// IDF of words missing from the trimmed table: it keeps only words with IDF
/// below 11, so a missing word is at least that rare.
const DEFAULT_IDF: f32 = 12.0;

/// The IDF table is static, not learned from the scanned folder, so a
/// document's fingerprint never depends on what else is scanned: archives and
/// distributed runs can compare fingerprints computed apart.
///
/// Keyed by the word's xxh3 hash, the same hash the simhash uses: one hash
/// per token serves both lookups, and integer keys compare faster than strings.
fn idf_table() -> &'static FxHashMap<u64, f32> {
    static TABLE: OnceLock<FxHashMap<u64, f32>> = OnceLock::new();
    TABLE.get_or_init(|| {
        IDF_TABLE
            .lines()
            .filter_map(|l| {
                let (w, v) = l.rsplit_once(' ')?;
                Some((xxh3_64(w.as_bytes()), v.parse().ok()?))
            })
            .collect()
    })
}

fn idf_of_hash(h: u64) -> f32 {
    idf_table().get(&h).copied().unwrap_or(DEFAULT_IDF)
}

pub fn idf(word: &str) -> f32 {
    idf_of_hash(xxh3_64(word.as_bytes()))
}

/// `SIGNS[b][i]` is +1 where bit `i` of byte `b` is set, else −1.
static SIGNS: [[f32; 8]; 256] = {
    let mut t = [[0f32; 8]; 256];
    let mut b = 0;
    while b < 256 {
        let mut i = 0;
        while i < 8 {
            t[b][i] = if (b >> i) & 1 == 1 { 1.0 } else { -1.0 };
            i += 1;
        }
        b += 1;
    }
    t
};

/// Weighted simhash over distinct words: each weighs (1 + ln tf)·√idf.
///
/// Measured on the `../shared/real` oracle (`wenshan eval redundancy --sweep`,
/// figures in the README): plain TF lets 的/规定/应当 dominate so unrelated
/// documents collide; full IDF lets the rare words that edits touch dominate
/// so near-duplicates drift apart; √idf with log-TF sits between. Adding
/// word bigrams as features moved near-duplicates further apart (recall at
/// k ≤ 8 fell from 1.00 to 0.85), so they are not used.
pub fn weighted_simhash(tokens: &[&str]) -> Fingerprint {
    weighted_simhash_with(tokens, idf_of_hash)
}

/// The weighted fingerprint of one normalised text, without loading the full
/// dictionary or IDF table (~0.25 s together): only the words the text
/// contains are loaded ([`Segmenter::for_text`](crate::segment::Segmenter::for_text)).
/// Equal to `Method::Weighted.fingerprint(&Segmenter::global().content_tokens(text))`;
/// a test holds it to that on every corpus document.
pub fn weighted_fingerprint_of_text(text: &str) -> Fingerprint {
    let seg = crate::segment::Segmenter::for_text(text);
    let tokens = seg.content_tokens(text);
    let wanted: rustc_hash::FxHashSet<u64> = tokens.iter().map(|t| xxh3_64(t.as_bytes())).collect();
    let mut idf: FxHashMap<u64, f32> = FxHashMap::default();
    for l in IDF_TABLE.lines() {
        if let Some((w, v)) = l.rsplit_once(' ') {
            let h = xxh3_64(w.as_bytes());
            if wanted.contains(&h) {
                if let Ok(v) = v.parse() {
                    idf.insert(h, v);
                }
            }
        }
    }
    weighted_simhash_with(&tokens, |h| idf.get(&h).copied().unwrap_or(DEFAULT_IDF))
}

/// [`weighted_simhash`] with the IDF of a word's hash given by `idf`.
pub fn weighted_simhash_with(tokens: &[&str], idf: impl Fn(u64) -> f32) -> Fingerprint {
    let mut features: FxHashMap<u64, u32> = FxHashMap::default();
    for t in tokens {
        *features.entry(xxh3_64(t.as_bytes())).or_insert(0) += 1;
    }
    let mut acc = [0f32; 64];
    // Sorted so the float sums run in one order whatever the map's layout.
    let mut features: Vec<(u64, u32)> = features.into_iter().collect();
    features.sort_unstable();
    for (h, tf) in features {
        let w = (1.0 + (tf as f32).ln()) * idf(h).sqrt();
        // ±w per bit, eight bits at a time from a sign table: vectorises.
        for (k, lanes) in acc.chunks_exact_mut(8).enumerate() {
            let signs = &SIGNS[(h >> (8 * k)) as usize & 0xFF];
            for (a, s) in lanes.iter_mut().zip(signs) {
                *a += w * s;
            }
        }
    }
    Fingerprint(
        acc.iter()
            .enumerate()
            .fold(0u64, |fp, (bit, &a)| if a > 0.0 { fp | 1 << bit } else { fp }),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn identical_tokens_give_identical_fingerprints() {
        let t = ["防汛", "责任", "落实", "乡镇"];
        for m in [Method::Weighted, Method::SimhashCrate] {
            assert_eq!(m.fingerprint(&t), m.fingerprint(&t));
        }
    }

    #[test]
    fn small_edit_moves_few_bits_unrelated_text_many() {
        let a: Vec<String> = (0..300).map(|i| format!("词{}", i % 120)).collect();
        let mut b = a.clone();
        for w in b.iter_mut().step_by(40) {
            *w = "改动".into();
        }
        let c: Vec<String> = (0..300).map(|i| format!("字{}", i % 120)).collect();
        let r = |v: &Vec<String>| weighted_simhash(&v.iter().map(String::as_str).collect::<Vec<_>>());
        let (fa, fb, fc) = (r(&a), r(&b), r(&c));
        assert!(fa.hamming(fb) < 12, "edit moved {} bits", fa.hamming(fb));
        assert!(fa.hamming(fc) > 16, "unrelated only {} bits apart", fa.hamming(fc));
    }

    #[test]
    fn fingerprint_prints_as_16_hex_digits() {
        assert_eq!(Fingerprint(0xab).to_string(), "00000000000000ab");
    }

    #[test]
    fn idf_table_loads_and_defaults() {
        assert!(idf("的") < 3.0);
        assert_eq!(idf("一个不存在的词语组合"), DEFAULT_IDF);
    }
}
