//! Verify candidate pairs on the text itself. Every number reported comes from
//! here, never from a Hamming distance.
//!
//! Similarity is the Jaccard index of the sets of character 5-grams of the
//! [`comparison_key`](crate::normalize::comparison_key) text, and containment
//! the share of one set found in the other: the definitions of the
//! `../shared/real` oracle, so `wenshan eval` compares like with like.

use serde::Serialize;
use xxhash_rust::xxh3::xxh3_64;

/// Shingle length in characters.
pub const K: usize = 5;

/// The distinct 5-gram shingles of a text, as sorted 64-bit hashes. With
/// xxh3, the chance of any collision among the ~12 M shingles of a large
/// corpus is about 4·10⁻⁶: far below the 4-decimal rounding of the figures.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Shingles(Vec<u64>);

impl Shingles {
    pub fn of(key: &str) -> Shingles {
        let bounds: Vec<usize> = key
            .char_indices()
            .map(|(i, _)| i)
            .chain(std::iter::once(key.len()))
            .collect();
        let chars = bounds.len() - 1;
        let mut hashes: Vec<u64> = if chars == 0 {
            Vec::new()
        } else if chars < K {
            vec![xxh3_64(key.as_bytes())]
        } else {
            (0..=chars - K)
                .map(|i| xxh3_64(&key.as_bytes()[bounds[i]..bounds[i + K]]))
                .collect()
        };
        hashes.sort_unstable();
        hashes.dedup();
        Shingles(hashes)
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn hashes(&self) -> &[u64] {
        &self.0
    }
}

/// How much two shingle sets share.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Overlap {
    pub shared: usize,
    pub a: usize,
    pub b: usize,
}

fn ratio(n: usize, d: usize) -> f64 {
    if d == 0 {
        0.0
    } else {
        n as f64 / d as f64
    }
}

impl Overlap {
    pub fn of(a: &Shingles, b: &Shingles) -> Overlap {
        let (x, y) = (&a.0, &b.0);
        let (mut i, mut j, mut shared) = (0, 0, 0);
        while i < x.len() && j < y.len() {
            match x[i].cmp(&y[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    shared += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        Overlap {
            shared,
            a: x.len(),
            b: y.len(),
        }
    }

    pub fn jaccard(&self) -> f64 {
        ratio(self.shared, self.a + self.b - self.shared)
    }

    /// Share of A's shingles found in B.
    pub fn a_in_b(&self) -> f64 {
        ratio(self.shared, self.a)
    }

    pub fn b_in_a(&self) -> f64 {
        ratio(self.shared, self.b)
    }
}

/// What a verified pair is to a reviewer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// The same text after normalisation.
    Exact,
    /// Similarity at or above the near-duplicate threshold.
    NearDuplicate,
    /// One document is (almost) inside the other, similarity below threshold.
    Containment,
    /// The same text once years, dates, 文号, numbers, level words and
    /// organisation names are replaced by placeholders: last year's notice
    /// re-issued, or a higher level's copied with 全省 turned into 全县.
    Reissue,
    /// A 转发…的通知 that wraps the other document: legitimate, and not
    /// counted as copying in the ratios.
    Forwarding,
}

impl Relation {
    pub fn name_zh(self) -> &'static str {
        match self {
            Relation::Exact => "完全相同",
            Relation::NearDuplicate => "高度相似",
            Relation::Containment => "包含",
            Relation::Reissue => "换日期/层级重发",
            Relation::Forwarding => "转发",
        }
    }
}

/// Thresholds that turn an overlap into a relation.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// Jaccard at or above which a pair is a near-duplicate (the oracle's 0.8).
    pub similarity: f64,
    /// Containment at or above which a pair is a containment.
    pub containment: f64,
}

impl Default for Thresholds {
    fn default() -> Self {
        Thresholds {
            similarity: 0.8,
            containment: 0.8,
        }
    }
}

pub fn classify(o: &Overlap, t: &Thresholds) -> Option<Relation> {
    if o.a > 0 && o.shared == o.a && o.shared == o.b {
        Some(Relation::Exact)
    } else if o.jaccard() >= t.similarity {
        Some(Relation::NearDuplicate)
    } else if o.a_in_b().max(o.b_in_a()) >= t.containment {
        Some(Relation::Containment)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jaccard_and_containment_are_exact_fractions() {
        // "abcdefg": abcde bcdef cdefg; "abcdefgh": + defgh
        let a = Shingles::of("abcdefg");
        let b = Shingles::of("abcdefgh");
        let o = Overlap::of(&a, &b);
        assert_eq!((o.shared, o.a, o.b), (3, 3, 4));
        assert_eq!(o.jaccard(), 0.75);
        assert_eq!(o.a_in_b(), 1.0);
        assert_eq!(o.b_in_a(), 0.75);
    }

    #[test]
    fn repeated_shingles_count_once() {
        assert_eq!(Shingles::of("aaaaaaaaaa").len(), 1);
    }

    #[test]
    fn short_text_is_its_own_shingle() {
        assert_eq!(Shingles::of("通知").len(), 1);
        assert!(Shingles::of("").is_empty());
    }

    #[test]
    fn a_document_is_its_own_exact_duplicate() {
        let s = Shingles::of("各乡镇要压实属地责任确保安全度汛");
        let o = Overlap::of(&s, &s);
        assert_eq!(classify(&o, &Thresholds::default()), Some(Relation::Exact));
    }

    #[test]
    fn classification_follows_thresholds() {
        let t = Thresholds::default();
        let near = Overlap {
            shared: 90,
            a: 100,
            b: 100,
        };
        let inside = Overlap {
            shared: 50,
            a: 50,
            b: 400,
        };
        let apart = Overlap {
            shared: 10,
            a: 100,
            b: 100,
        };
        assert_eq!(classify(&near, &t), Some(Relation::NearDuplicate));
        assert_eq!(classify(&inside, &t), Some(Relation::Containment));
        assert_eq!(classify(&apart, &t), None);
    }
}
