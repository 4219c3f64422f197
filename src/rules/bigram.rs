//! Finds every occurrence of the gate literals in a text, walking it char by
//! char. A literal can only start where its first two chars are (its only
//! char, for a one-char literal): two bitmaps of 8 KiB, over chars and over
//! hashed char pairs, say where, and only there are literals compared. The
//! bitmaps stay in cache where a byte automaton over 700 literals (a table of
//! megabytes) falls out of it between documents.

use rustc_hash::FxHashMap;

const BITS: usize = 1 << 16;

pub struct Bigrams {
    literals: Vec<Box<[u8]>>,
    /// Chars that are a literal on their own (BMP chars, by code point).
    one: Vec<u64>,
    /// Hashes of the char pairs that start a longer literal.
    two: Vec<u64>,
    by_char: FxHashMap<char, Vec<u32>>,
    by_pair: FxHashMap<(char, char), Vec<u32>>,
}

fn pair_hash(a: char, b: char) -> usize {
    ((a as usize).wrapping_mul(0x9E37) ^ (b as usize)) & (BITS - 1)
}

fn set(bits: &mut [u64], i: usize) {
    bits[i / 64] |= 1 << (i % 64);
}

fn get(bits: &[u64], i: usize) -> bool {
    bits[i / 64] & (1 << (i % 64)) != 0
}

impl Bigrams {
    /// The scanner of `literals` (non-empty); a hit reports the literal's index.
    pub fn new<S: AsRef<str>>(literals: &[S]) -> Bigrams {
        let mut b = Bigrams {
            literals: literals.iter().map(|l| l.as_ref().as_bytes().into()).collect(),
            one: vec![0; BITS / 64],
            two: vec![0; BITS / 64],
            by_char: FxHashMap::default(),
            by_pair: FxHashMap::default(),
        };
        for (id, lit) in literals.iter().enumerate() {
            let mut chars = lit.as_ref().chars();
            let first = chars.next().expect("literals are not empty");
            match chars.next() {
                None => {
                    set(&mut b.one, first as usize % BITS);
                    b.by_char.entry(first).or_default().push(id as u32);
                }
                Some(second) => {
                    set(&mut b.two, pair_hash(first, second));
                    b.by_pair.entry((first, second)).or_default().push(id as u32);
                }
            }
        }
        b
    }

    /// Reads char `c` at byte `at` of `text`, `prev` being the char before it
    /// and its byte offset ('\0' where there is none: a hit is always checked
    /// against the text). Calls `hit(literal, start)` for every one-char
    /// literal that is `c` and every longer one that starts at `prev`.
    #[inline]
    pub fn at(&self, text: &str, at: usize, (p_at, p): (usize, char), c: char, mut hit: impl FnMut(u32, usize)) {
        if get(&self.one, c as usize % BITS) {
            self.by_char.get(&c).into_iter().flatten().for_each(|&id| hit(id, at));
        }
        if !get(&self.two, pair_hash(p, c)) {
            return;
        }
        for &id in self.by_pair.get(&(p, c)).into_iter().flatten() {
            if text.as_bytes()[p_at..].starts_with(&self.literals[id as usize]) {
                hit(id, p_at);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// (start, literal) of every occurrence, as aho-corasick's overlapping
    /// search reports them.
    fn reference(lits: &[&str], text: &str) -> Vec<(usize, u32)> {
        let ac = aho_corasick::AhoCorasick::new(lits).expect("builds");
        let mut v: Vec<(usize, u32)> = ac
            .find_overlapping_iter(text)
            .map(|m| (m.start(), m.pattern().as_u32()))
            .collect();
        v.sort_unstable();
        v
    }

    fn ours(b: &Bigrams, text: &str) -> Vec<(usize, u32)> {
        let mut v = Vec::new();
        let mut prev = (0, '\0');
        for (i, c) in text.char_indices() {
            b.at(text, i, prev, c, |id, start| v.push((start, id)));
            prev = (i, c);
        }
        v.sort_unstable();
        v
    }

    #[test]
    fn finds_every_overlapping_occurrence() {
        let lits = [
            "报送",
            "上报",
            "报",
            "截止",
            "止",
            "各乡镇",
            "乡镇",
            "镇",
            "@",
            "a.b",
            "前",
            "之前",
        ];
        let b = Bigrams::new(&lits);
        for text in ["请于5日之前上报送县局，截止！", "各乡镇乡镇镇", "x@a.b", "", "报报报"] {
            assert_eq!(ours(&b, text), reference(&lits, text), "{text}");
        }
    }

    proptest! {
        #[test]
        fn agrees_with_aho_corasick(pieces in proptest::collection::vec(0usize..16, 0..40)) {
            let lits = ["报送", "上报", "报", "送县", "截止", "止", "各乡", "乡镇人民政府", "镇人", "人民", "A", "AB"];
            let alphabet = ["报", "送", "上", "县", "截", "止", "各", "乡", "镇", "人", "民", "政", "府", "A", "B", "。"];
            let text: String = pieces.iter().map(|&i| alphabet[i]).collect();
            let b = Bigrams::new(&lits);
            prop_assert_eq!(ours(&b, &text), reference(&lits, &text));
        }
    }
}
