//! Hamming-radius search over 64-bit fingerprints without comparing all pairs:
//! multi-index hashing (Norouzi, Punjani & Fleet 2012; the same pigeonhole idea
//! as the permuted tables of Manku et al. 2007).
//!
//! The 64 bits are cut into blocks, each with a probe radius r, such that the
//! blocks' r + 1 sum to more than `k`: two fingerprints within `k` bits then
//! agree to within r bits on at least one block. Each block has a table sorted
//! by its value; the self-join pairs each bucket with the buckets within r bits
//! of it and checks the full distance of what it finds. The layout is chosen by
//! a cost model (`plan`): few long blocks mean many lookups but few false
//! candidates, many short blocks the reverse; which is cheaper depends on the
//! number of fingerprints. Written here because no
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
    blocks: Vec<Block>,
    tables: Vec<BlockTable>,
}

/// A slice of the 64 bits with its own probe radius. Two fingerprints within
/// `k` bits agree to within `radius` bits on at least one block whenever the
/// blocks' `radius + 1` sum to more than `k` (were every block off by more, the
/// whole would be off by at least that sum). Equal radii are the classic
/// multi-index layout; mixed radii fit the bit budget better (64 bits at
/// k = 10: five 11-bit blocks probed at radius 1 and one 9-bit block at 0 make
/// 31 % fewer candidates than six blocks at radius 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Block {
    offset: u32,
    width: u32,
    radius: u32,
}

impl Block {
    fn value(self, fp: u64) -> u32 {
        block_value(fp, (self.offset, self.width))
    }
}

/// One block's table: positions sorted by block value, with their values and
/// whole fingerprints in the same order, so that checking the members of a
/// bucket is a sequential scan (no jump back to the fingerprint array), and a
/// direct-addressed offset array over the top bits of the value, so finding a
/// bucket is one array read (no binary search).
struct BlockTable {
    values: Vec<u32>,
    positions: Vec<u32>,
    fingerprints: Vec<u64>,
    /// `offsets[p]..offsets[p + 1]` are the entries whose value has top bits `p`.
    offsets: Vec<u32>,
    /// Low bits dropped to get the bucket.
    shift: u32,
}

impl BlockTable {
    fn new(fingerprints: &[u64], blk: Block) -> BlockTable {
        let mut order: Vec<(u32, u32)> = fingerprints
            .iter()
            .enumerate()
            .map(|(i, &fp)| (blk.value(fp), i as u32))
            .collect();
        order.sort_unstable();
        // About one entry a bucket; at most 2^22 buckets (16 MiB of offsets).
        let width = blk.width;
        let bits = (usize::BITS - order.len().leading_zeros()).clamp(1, 22).min(width);
        let shift = width - bits;
        let mut offsets = vec![0u32; (1usize << bits) + 1];
        for &(v, _) in &order {
            offsets[(v >> shift) as usize + 1] += 1;
        }
        for i in 1..offsets.len() {
            offsets[i] += offsets[i - 1];
        }
        BlockTable {
            values: order.iter().map(|e| e.0).collect(),
            positions: order.iter().map(|e| e.1).collect(),
            fingerprints: order.iter().map(|e| fingerprints[e.1 as usize]).collect(),
            offsets,
            shift,
        }
    }

    /// The entry range holding block value `v` (empty when none does).
    fn range_of(&self, v: u32) -> std::ops::Range<usize> {
        let b = (v >> self.shift) as usize;
        let (lo, hi) = (self.offsets[b] as usize, self.offsets[b + 1] as usize);
        if self.shift == 0 {
            return lo..hi;
        }
        let bucket = &self.values[lo..hi];
        let start = lo + bucket.partition_point(|&x| x < v);
        let end = lo + bucket.partition_point(|&x| x <= v);
        start..end
    }

    /// Runs of equal block values: `(value, start..end)`.
    fn runs(&self) -> Vec<(u32, u32, u32)> {
        let mut out = Vec::new();
        let mut start = 0;
        for i in 1..=self.values.len() {
            if i == self.values.len() || self.values[i] != self.values[start] {
                out.push((self.values[start], start as u32, i as u32));
                start = i;
            }
        }
        out
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

/// The block layout for the self-join [`HammingIndex::all_pairs`] over `n`
/// fingerprints at radius `k`: every mix of blocks probed at radius 0, 1 and 2
/// whose radii + 1 sum to k + 1, with every split of the 64 bits among them,
/// scored by a cost model. The join visits, per block, each occupied bucket's
/// neighbours within the block's radius (a lookup each, weighted 16:
/// measured) and checks every pair of members of neighbouring buckets (the
/// brute-force comparison kernel, weight 1): about n²/2 · (values within r
/// bits) / 2^width candidates a block. Long blocks cut the candidates but
/// multiply the lookups; the optimum moves to longer blocks as `n` grows,
/// which is why the index's lead over brute force grows with `n`.
fn plan(k: u32, n: usize) -> Vec<Block> {
    let n = n as f64;
    let block_cost = |width: u32, r: u32| {
        let near: f64 = (0..=r).map(|i| binomial(width, i)).sum();
        let buckets = 2f64.powi(width as i32);
        let occupied = buckets * (1.0 - (-n / buckets).exp());
        16.0 * occupied * near / 2.0 + n * n / 2.0 * near / buckets
    };
    let need = k + 1;
    let mut best: Option<(f64, Vec<(u32, u32)>)> = None;
    for c2 in 0..=need / 3 {
        for c1 in 0..=(need - 3 * c2) / 2 {
            let c0 = need - 3 * c2 - 2 * c1;
            if c0 + c1 + c2 < 2 || c0 + c1 + c2 > 64 {
                continue;
            }
            for w2 in if c2 > 0 { 1..=32 } else { 0..=0 } {
                for w1 in if c1 > 0 { 1..=32 } else { 0..=0 } {
                    let Some(rest) = 64u32.checked_sub(c2 * w2 + c1 * w1) else {
                        continue;
                    };
                    // (width, radius) of each block; the radius-0 blocks share what is left.
                    let mut widths = vec![(w2, 2); c2 as usize];
                    widths.extend(vec![(w1, 1); c1 as usize]);
                    if let Some(w0) = rest.checked_div(c0) {
                        let extra = rest % c0;
                        if w0 == 0 || w0 + u32::from(extra > 0) > 32 {
                            continue;
                        }
                        widths.extend((0..c0).map(|i| (w0 + u32::from(i < extra), 0)));
                    } else if rest != 0 {
                        continue;
                    }
                    let cost: f64 = widths.iter().map(|&(w, r)| block_cost(w, r)).sum();
                    if best.as_ref().is_none_or(|(b, _)| cost < *b) {
                        best = Some((cost, widths));
                    }
                }
            }
        }
    }
    let widths = best.map(|(_, w)| w).unwrap_or_else(|| vec![(32, k / 2), (32, k / 2)]);
    let mut offset = 0;
    widths
        .into_iter()
        .map(|(width, radius)| {
            let b = Block { offset, width, radius };
            offset += width;
            b
        })
        .collect()
}

/// Blocks of the plan for radius `k` over `n` fingerprints, as (width, radius):
/// for benchmarks and docs.
pub fn plan_summary(k: u32, n: usize) -> String {
    let blocks = plan(k.min(63), n);
    let mut parts: Vec<String> = Vec::new();
    for r in 0..=2 {
        let ws: Vec<String> = blocks
            .iter()
            .filter(|b| b.radius == r)
            .map(|b| b.width.to_string())
            .collect();
        if !ws.is_empty() {
            parts.push(format!("{}×r{r} (widths {})", ws.len(), ws.join("/")));
        }
    }
    parts.join(" + ")
}

impl HammingIndex {
    /// Index `fingerprints` for queries of radius `radius` (at most 63), with
    /// the block count that makes [`HammingIndex::all_pairs`] cheapest.
    pub fn build(fingerprints: &[u64], radius: u32) -> HammingIndex {
        let radius = radius.min(63);
        HammingIndex::with_layout(fingerprints, radius, plan(radius, fingerprints.len()))
    }

    /// Index with `m` equal blocks probed at ⌊radius/m⌋ (2 ≤ m ≤ 64); any `m`
    /// gives exact results, only speed differs.
    pub fn with_blocks(fingerprints: &[u64], radius: u32, m: u32) -> HammingIndex {
        let radius = radius.min(63);
        let m = m.clamp(2, 64);
        let blocks = layout(m)
            .into_iter()
            .map(|(offset, width)| Block {
                offset,
                width,
                radius: radius / m,
            })
            .collect();
        HammingIndex::with_layout(fingerprints, radius, blocks)
    }

    fn with_layout(fingerprints: &[u64], radius: u32, blocks: Vec<Block>) -> HammingIndex {
        debug_assert!(blocks.iter().map(|b| b.radius + 1).sum::<u32>() > radius);
        debug_assert_eq!(blocks.iter().map(|b| b.width).sum::<u32>(), 64);
        let tables = blocks
            .par_iter()
            .map(|&blk| BlockTable::new(fingerprints, blk))
            .collect();
        HammingIndex { radius, blocks, tables }
    }

    /// Positions within the radius of `fp`, with their distance, sorted by position.
    pub fn query(&self, fp: u64) -> Vec<(u32, u32)> {
        let mut found = Vec::new();
        let mut keys = Vec::new();
        for (bi, (&blk, table)) in self.blocks.iter().zip(&self.tables).enumerate() {
            neighbours(blk.value(fp), blk.width, blk.radius, &mut keys);
            for &key in &keys {
                for i in table.range_of(key) {
                    let other = table.fingerprints[i];
                    let d = (fp ^ other).count_ones();
                    // Report each position once: from the first block within the probe radius.
                    if d <= self.radius && self.first_close_block(fp, other) == bi {
                        found.push((table.positions[i], d));
                    }
                }
            }
        }
        found.sort_unstable();
        found
    }

    fn first_close_block(&self, x: u64, y: u64) -> usize {
        self.blocks
            .iter()
            .position(|&blk| (blk.value(x) ^ blk.value(y)).count_ones() <= blk.radius)
            .unwrap_or(usize::MAX)
    }

    /// Every pair of indexed fingerprints within the radius, sorted.
    ///
    /// A self-join per block rather than one query per fingerprint: each
    /// occupied bucket is paired with itself and with the neighbouring buckets
    /// of higher value, so every candidate pair is met once per block (queries
    /// meet it twice, once from each side), and its members are compared in
    /// two contiguous slices. A pair close in several blocks is kept from the
    /// first.
    pub fn all_pairs(&self) -> Vec<Hit> {
        let mut hits = Vec::new();
        for (bi, (&blk, table)) in self.blocks.iter().zip(&self.tables).enumerate() {
            let runs = table.runs();
            let found: Vec<Hit> = runs
                .par_iter()
                .fold(
                    || (Vec::new(), Vec::new()),
                    |(mut local, mut keys): (Vec<Hit>, Vec<u32>), &(v, s, e)| {
                        let (s, e) = (s as usize, e as usize);
                        for i in s..e {
                            self.join_slices(bi, table, i, i + 1..e, &mut local);
                        }
                        neighbours(v, blk.width, blk.radius, &mut keys);
                        for &w in keys.iter().filter(|&&w| w > v) {
                            let other = table.range_of(w);
                            if !other.is_empty() {
                                for i in s..e {
                                    self.join_slices(bi, table, i, other.clone(), &mut local);
                                }
                            }
                        }
                        (local, keys)
                    },
                )
                .map(|(local, _)| local)
                .flatten_iter()
                .collect();
            hits.extend(found);
        }
        hits.par_sort_unstable();
        hits
    }

    /// Entry `i` of block `bi` against the entries `others` of the same table.
    #[inline]
    fn join_slices(&self, bi: usize, table: &BlockTable, i: usize, others: std::ops::Range<usize>, out: &mut Vec<Hit>) {
        let x = table.fingerprints[i];
        let start = others.start;
        for_each_close(x, &table.fingerprints[others], self.radius, |j, distance| {
            let y = table.fingerprints[start + j];
            if self.first_close_block(x, y) == bi {
                let (p, q) = (table.positions[i], table.positions[start + j]);
                out.push(Hit {
                    a: p.min(q),
                    b: p.max(q),
                    distance,
                });
            }
        });
    }
}

/// The reference the index must equal: compare every pair.
pub fn brute_force_pairs(fingerprints: &[u64], radius: u32) -> Vec<Hit> {
    let mut hits = Vec::new();
    for (a, &x) in fingerprints.iter().enumerate() {
        for_each_close(x, &fingerprints[a + 1..], radius, |j, distance| {
            hits.push(Hit {
                a: a as u32,
                b: (a + 1 + j) as u32,
                distance,
            })
        });
    }
    hits
}

/// Calls `hit(j, distance)` for every `ys[j]` within `radius` bits of `x`.
/// The comparison kernel of both the index and brute force, so that their
/// ratio is the algorithm's: chunks are first tested with a branch-free
/// reduction the compiler vectorises, since most hold no hit.
#[inline]
fn for_each_close(x: u64, ys: &[u64], radius: u32, mut hit: impl FnMut(usize, u32)) {
    const CHUNK: usize = 16;
    for (c, chunk) in ys.chunks(CHUNK).enumerate() {
        if chunk
            .iter()
            .fold(false, |any, &y| any | ((x ^ y).count_ones() <= radius))
        {
            for (j, &y) in chunk.iter().enumerate() {
                let distance = (x ^ y).count_ones();
                if distance <= radius {
                    hit(c * CHUNK + j, distance);
                }
            }
        }
    }
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
        fn every_planned_layout_equals_brute_force(fps in clustered(), radius in 0u32..=16, n_exp in 2u32..=7) {
            // The plan for archives of 100 to 10M documents, applied to a small set.
            let blocks = plan(radius, 10usize.pow(n_exp));
            prop_assert!(blocks.iter().map(|b| b.radius + 1).sum::<u32>() > radius);
            prop_assert_eq!(blocks.iter().map(|b| b.width).sum::<u32>(), 64);
            let index = HammingIndex::with_layout(&fps, radius, blocks);
            prop_assert_eq!(index.all_pairs(), brute_force_pairs(&fps, radius));
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
