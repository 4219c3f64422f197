//! Hamming-radius search over 64-bit fingerprints without comparing all pairs:
//! multi-index hashing (Norouzi, Punjani & Fleet 2012; the same pigeonhole idea
//! as the permuted tables of Manku et al. 2007).
//!
//! The 64 bits are cut into `m` blocks. If two fingerprints differ in at most
//! `k` bits, at least one block differs in at most `⌊k/m⌋` bits. Each block has
//! a table sorted by its value; a query probes every value within `⌊k/m⌋` bits
//! of its own block value, then checks the full distance of what it finds.
//! `m` is chosen by a cost model ([`block_count`]): few long blocks mean many
//! probes but few false candidates, many short blocks the reverse; which is
//! cheaper depends on the number of fingerprints. Written here because no
//! maintained crate does radius search over simhashes (gaoya's simhash index is approximate).

use rayon::prelude::*;

/// One hit: the two fingerprint positions (`a < b`) and their distance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Hit {
    pub a: u32,
    pub b: u32,
    pub distance: u32,
}

pub struct HammingIndex {
    radius: u32,
    /// (bit offset, bit width) of each block.
    blocks: Vec<(u32, u32)>,
    tables: Vec<BlockTable>,
    fingerprints: Vec<u64>,
}

/// One block's table: entries sorted by block value, and a direct-addressed
/// offset array over the top bits of the value, so a probe is one array read
/// and a scan of a bucket holding about one entry (no binary search).
struct BlockTable {
    /// (block value, position), sorted.
    entries: Vec<(u32, u32)>,
    /// `offsets[p]..offsets[p + 1]` are the entries whose value has top bits `p`.
    offsets: Vec<u32>,
    /// Low bits dropped to get the bucket.
    shift: u32,
}

impl BlockTable {
    fn new(mut entries: Vec<(u32, u32)>, width: u32) -> BlockTable {
        entries.sort_unstable();
        // About one entry a bucket; at most 2^22 buckets (16 MiB of offsets).
        let bits = (usize::BITS - entries.len().leading_zeros()).clamp(1, 22).min(width);
        let shift = width - bits;
        let mut offsets = vec![0u32; (1usize << bits) + 1];
        for &(v, _) in &entries {
            offsets[(v >> shift) as usize + 1] += 1;
        }
        for i in 1..offsets.len() {
            offsets[i] += offsets[i - 1];
        }
        BlockTable {
            entries,
            offsets,
            shift,
        }
    }

    fn with_value(&self, v: u32) -> impl Iterator<Item = u32> + '_ {
        let b = (v >> self.shift) as usize;
        let bucket = &self.entries[self.offsets[b] as usize..self.offsets[b + 1] as usize];
        bucket.iter().filter(move |e| e.0 == v).map(|e| e.1)
    }
}

fn block_value(fp: u64, (offset, width): (u32, u32)) -> u32 {
    ((fp >> offset) & ((1u64 << width) - 1)) as u32
}

/// Block count for radius `k` over `n` fingerprints: for a probe radius
/// r ∈ {0, 1, 2}, the fewest blocks with ⌊k/m⌋ ≤ r; of those, the one with the
/// least estimated work per query — probes (a random memory access each,
/// weighted 20) plus candidates (a sequential popcount each, weighted 2, about
/// n/2^width per probe). At least 2 blocks, so a block value fits in u32.
pub fn block_count(k: u32, n: usize) -> u32 {
    let cost = |m: u32| {
        let width = 64 / m;
        let r = k / m;
        let probes: f64 = m as f64 * (0..=r).map(|i| binomial(width, i)).sum::<f64>();
        probes * (20.0 + 2.0 * n as f64 / 2f64.powi(width as i32))
    };
    (0..=2u32)
        .map(|r| (k / (r + 1) + 1).max(2))
        .min_by(|&a, &b| cost(a).total_cmp(&cost(b)))
        .unwrap_or(2)
}

fn binomial(n: u32, k: u32) -> f64 {
    (0..k).fold(1.0, |acc, i| acc * (n - i) as f64 / (i + 1) as f64)
}

/// The multi-index keys of one fingerprint for an equality join elsewhere
/// (`wenshan fingerprint`): `m` stored keys `"block:value"`, and the probe
/// keys (every value within the probe radius ⌊k/m⌋ of each block). Two
/// fingerprints within `radius` bits share a probe key of one with a stored
/// key of the other, in at least one block; `m` = [`block_count`]`(radius, n)`.
pub fn join_keys(fp: u64, radius: u32, m: u32) -> (Vec<String>, Vec<String>) {
    let blocks = layout(m.clamp(2, 64));
    let r = radius.min(63) / blocks.len() as u32;
    let mut keys = Vec::with_capacity(blocks.len());
    let mut probes = Vec::new();
    let mut near = Vec::new();
    for (i, &blk) in blocks.iter().enumerate() {
        let v = block_value(fp, blk);
        keys.push(format!("{i}:{v}"));
        neighbours(v, blk.1, r, &mut near);
        probes.extend(near.iter().map(|n| format!("{i}:{n}")));
    }
    (keys, probes)
}

/// Cut 64 bits into `m` blocks as equal as possible.
fn layout(m: u32) -> Vec<(u32, u32)> {
    let mut out = Vec::with_capacity(m as usize);
    let mut offset = 0;
    for i in 0..m {
        let width = 64 / m + u32::from(i < 64 % m);
        out.push((offset, width));
        offset += width;
    }
    out
}

/// Every value within `r` bits of `v` in a `width`-bit space (including `v`).
fn neighbours(v: u32, width: u32, r: u32, out: &mut Vec<u32>) {
    out.clear();
    out.push(v);
    if r >= 1 {
        for i in 0..width {
            out.push(v ^ (1 << i));
        }
    }
    if r >= 2 {
        for i in 0..width {
            for j in i + 1..width {
                out.push(v ^ (1 << i) ^ (1 << j));
            }
        }
    }
}

impl HammingIndex {
    /// Index `fingerprints` for queries of radius `radius` (at most 63).
    pub fn build(fingerprints: &[u64], radius: u32) -> HammingIndex {
        HammingIndex::with_blocks(fingerprints, radius, block_count(radius.min(63), fingerprints.len()))
    }

    /// Index with `m` blocks (2 ≤ m ≤ 64); any `m` gives exact results, only speed differs.
    pub fn with_blocks(fingerprints: &[u64], radius: u32, m: u32) -> HammingIndex {
        let radius = radius.min(63);
        let blocks = layout(m.clamp(2, 64));
        let tables = blocks
            .par_iter()
            .map(|&blk| {
                let entries: Vec<(u32, u32)> = fingerprints
                    .iter()
                    .enumerate()
                    .map(|(i, &fp)| (block_value(fp, blk), i as u32))
                    .collect();
                BlockTable::new(entries, blk.1)
            })
            .collect();
        HammingIndex {
            radius,
            blocks,
            tables,
            fingerprints: fingerprints.to_vec(),
        }
    }

    fn probe_radius(&self) -> u32 {
        self.radius / self.blocks.len() as u32
    }

    /// Positions within the radius of `fp`, with their distance, sorted by position.
    pub fn query(&self, fp: u64) -> Vec<(u32, u32)> {
        let mut found = Vec::new();
        self.probe(fp, |j, block, d| {
            // Report each position once: from the first block within the probe radius.
            if self.first_close_block(fp, self.fingerprints[j as usize]) == block {
                found.push((j, d));
            }
        });
        found.sort_unstable();
        found
    }

    fn probe(&self, fp: u64, mut visit: impl FnMut(u32, usize, u32)) {
        let r = self.probe_radius();
        let mut keys = Vec::new();
        for (bi, (&blk, table)) in self.blocks.iter().zip(&self.tables).enumerate() {
            neighbours(block_value(fp, blk), blk.1, r, &mut keys);
            for &key in &keys {
                for j in table.with_value(key) {
                    let d = (fp ^ self.fingerprints[j as usize]).count_ones();
                    if d <= self.radius {
                        visit(j, bi, d);
                    }
                }
            }
        }
    }

    fn first_close_block(&self, x: u64, y: u64) -> usize {
        let r = self.probe_radius();
        self.blocks
            .iter()
            .position(|&blk| (block_value(x, blk) ^ block_value(y, blk)).count_ones() <= r)
            .unwrap_or(usize::MAX)
    }

    /// Every pair of indexed fingerprints within the radius, sorted.
    pub fn all_pairs(&self) -> Vec<Hit> {
        let mut hits: Vec<Hit> = (0..self.fingerprints.len() as u32)
            .into_par_iter()
            .flat_map_iter(|a| {
                let fp = self.fingerprints[a as usize];
                let mut local = Vec::new();
                self.probe(fp, |b, block, distance| {
                    if b > a && self.first_close_block(fp, self.fingerprints[b as usize]) == block {
                        local.push(Hit { a, b, distance });
                    }
                });
                local
            })
            .collect();
        hits.sort_unstable();
        hits
    }
}

/// The reference the index must equal: compare every pair.
pub fn brute_force_pairs(fingerprints: &[u64], radius: u32) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (a, &x) in fingerprints.iter().enumerate() {
        for (b, &y) in fingerprints.iter().enumerate().skip(a + 1) {
            let distance = (x ^ y).count_ones();
            if distance <= radius {
                hits.push(Hit {
                    a: a as u32,
                    b: b as u32,
                    distance,
                });
            }
        }
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Fingerprints in clusters, so that small radii have hits too.
    fn clustered() -> impl Strategy<Value = Vec<u64>> {
        (
            prop::collection::vec(any::<u64>(), 1..20),
            prop::collection::vec((0usize..20, any::<u64>(), 0u32..14), 0..200),
        )
            .prop_map(|(centres, members)| {
                let mut fps = centres.clone();
                for (c, noise, bits) in members {
                    let centre = centres[c % centres.len()];
                    // Flip `bits` bits chosen from `noise`.
                    let mut fp = centre;
                    let mut n = noise;
                    for _ in 0..bits {
                        fp ^= 1 << (n % 64);
                        n = n.rotate_left(7).wrapping_mul(0x9E37_79B9_7F4A_7C15);
                    }
                    fps.push(fp);
                }
                fps
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(200))]
        #[test]
        fn index_equals_brute_force(fps in clustered(), radius in 0u32..=16, r in 0u32..=2) {
            // Every block layout the cost model may pick, not only the one it picks here.
            let m = (radius / (r + 1) + 1).max(2);
            let index = HammingIndex::with_blocks(&fps, radius, m);
            prop_assert_eq!(index.all_pairs(), brute_force_pairs(&fps, radius));
            prop_assert_eq!(HammingIndex::build(&fps, radius).all_pairs(), brute_force_pairs(&fps, radius));
        }

        #[test]
        fn query_equals_brute_force(fps in clustered(), q in any::<u64>(), radius in 0u32..=12) {
            let index = HammingIndex::build(&fps, radius);
            let expect: Vec<(u32, u32)> = fps.iter().enumerate()
                .map(|(i, &f)| (i as u32, (f ^ q).count_ones()))
                .filter(|&(_, d)| d <= radius).collect();
            prop_assert_eq!(index.query(q), expect);
        }

        #[test]
        fn a_fingerprint_finds_itself(fps in clustered(), radius in 0u32..=12) {
            let index = HammingIndex::build(&fps, radius);
            for (i, &f) in fps.iter().enumerate() {
                prop_assert!(index.query(f).contains(&(i as u32, 0)));
            }
        }
    }

    #[test]
    fn block_count_keeps_the_probe_radius_at_most_two() {
        for k in 0..=16 {
            for n in [10, 1_000, 50_000, 1_000_000] {
                let m = block_count(k, n);
                assert!(m >= 2 && k / m <= 2, "k={k} n={n} m={m}");
            }
        }
    }

    #[test]
    fn layout_covers_64_bits() {
        for m in 1..=8 {
            let l = layout(m);
            assert_eq!(l.iter().map(|b| b.1).sum::<u32>(), 64);
            assert_eq!(l.last().map(|b| b.0 + b.1), Some(64));
        }
    }

    #[test]
    fn duplicates_are_all_paired() {
        let fps = vec![7, 7, 7];
        assert_eq!(HammingIndex::build(&fps, 0).all_pairs().len(), 3);
    }
}
