//! Group verified pairs into families (connected components, union-find) and
//! order each family by 成文日期: the earliest document is the presumed source.

use crate::document::Date;

struct UnionFind {
    parent: Vec<usize>,
}

impl UnionFind {
    fn new(n: usize) -> Self {
        UnionFind {
            parent: (0..n).collect(),
        }
    }

    fn find(&mut self, mut x: usize) -> usize {
        while self.parent[x] != x {
            self.parent[x] = self.parent[self.parent[x]];
            x = self.parent[x];
        }
        x
    }

    fn union(&mut self, a: usize, b: usize) {
        let (ra, rb) = (self.find(a), self.find(b));
        // The smaller index becomes the root: deterministic whatever the pair order.
        if ra != rb {
            let (lo, hi) = (ra.min(rb), ra.max(rb));
            self.parent[hi] = lo;
        }
    }
}

/// Families of documents `0..n` linked by `pairs`, each ordered earliest first
/// (documents without a date after dated ones, then by `order_key`); families
/// are ordered by their first member. Singletons are not families.
pub fn families<K: Ord>(
    n: usize,
    pairs: &[(usize, usize)],
    date: impl Fn(usize) -> Option<Date>,
    order_key: impl Fn(usize) -> K,
) -> Vec<Vec<usize>> {
    let mut uf = UnionFind::new(n);
    for &(a, b) in pairs {
        uf.union(a, b);
    }
    let mut groups: Vec<Vec<usize>> = vec![Vec::new(); n];
    for i in 0..n {
        let r = uf.find(i);
        groups[r].push(i);
    }
    let mut out: Vec<Vec<usize>> = groups.into_iter().filter(|g| g.len() > 1).collect();
    for g in &mut out {
        g.sort_by_key(|&i| (date(i).is_none(), date(i), order_key(i)));
    }
    out.sort_by_key(|g| order_key(g[0]));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn components_ordered_by_date_then_key() {
        let dates = [
            Date::new(2025, 1, 1),
            None,
            Date::new(2023, 5, 1),
            Date::new(2024, 1, 1),
            None,
        ];
        let fams = families(5, &[(0, 1), (1, 2), (3, 4)], |i| dates[i], |i| i);
        assert_eq!(fams, vec![vec![2, 0, 1], vec![3, 4]]);
    }

    #[test]
    fn no_pairs_no_families() {
        assert!(families(3, &[], |_| None, |i| i).is_empty());
    }
}
