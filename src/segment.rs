//! Word segmentation: jieba-rs with its dictionary vendored (the crate's
//! default feature would compile zstd C code to embed it) plus a bundled
//! dictionary of 公文/policy terms and a stopword list.

use jieba_rs::Jieba;
use rustc_hash::FxHashSet;
use std::io::BufReader;
use std::sync::OnceLock;

const JIEBA_DICT: &str = include_str!("../assets/jieba/dict.txt");
const POLICY_DICT: &str = include_str!("../assets/policy_dict.txt");
const STOPWORDS: &str = include_str!("../assets/stopwords.txt");

/// Frequency given to policy terms: high enough that jieba keeps them whole.
const POLICY_FREQ: usize = 50_000;

pub struct Segmenter {
    jieba: Jieba,
    stopwords: FxHashSet<&'static str>,
}

/// Entries of a bundled list: one per line, `#` starts a comment.
fn list_entries(text: &'static str) -> impl Iterator<Item = &'static str> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
}

/// Longest dictionary word, in chars, that [`Segmenter::for_text`] looks up
/// by substring hash; longer words (a handful) are found with `contains`.
const SUBSTRING_CHARS: usize = 16;

/// A word that no text contains (private-use characters): it carries the
/// frequency of the words a filtered dictionary leaves out.
const ABSENT_WORD: &str = "\u{E000}\u{E001}\u{E002}";

impl Segmenter {
    fn load() -> Segmenter {
        Segmenter::from_dict(JIEBA_DICT)
    }

    /// A segmenter that cuts `text` exactly as [`Segmenter::global`] does,
    /// loaded in a few milliseconds instead of ~150: only the dictionary words
    /// that occur in `text` are loaded (jieba's DAG can use no other), and one
    /// absent word carries the frequency of all the others, so the total that
    /// every path probability is divided by is unchanged. Used by `wenshan
    /// check`, which fingerprints one draft. Words of the policy dictionary
    /// are always kept, so `add_word` adjusts the total in the same way.
    pub fn for_text(text: &str) -> Segmenter {
        use xxhash_rust::xxh3::xxh3_64;
        let starts: Vec<usize> = text.char_indices().map(|(i, _)| i).chain([text.len()]).collect();
        let mut present: FxHashSet<u64> = FxHashSet::default();
        for i in 0..starts.len() - 1 {
            for j in i + 1..starts.len().min(i + 1 + SUBSTRING_CHARS) {
                present.insert(xxh3_64(&text.as_bytes()[starts[i]..starts[j]]));
            }
        }
        let policy: FxHashSet<&str> = list_entries(POLICY_DICT).collect();
        let mut kept = String::with_capacity(64 * 1024);
        let (mut total, mut kept_total) = (0usize, 0usize);
        for line in JIEBA_DICT.lines() {
            let mut fields = line.split_whitespace();
            let Some(word) = fields.next() else { continue };
            let freq: usize = fields.next().and_then(|f| f.parse().ok()).unwrap_or(0);
            total += freq;
            let found = if word.chars().nth(SUBSTRING_CHARS).is_none() {
                present.contains(&xxh3_64(word.as_bytes()))
            } else {
                text.contains(word)
            };
            if found || policy.contains(word) {
                kept_total += freq;
                kept.push_str(line);
                kept.push('\n');
            }
        }
        kept.push_str(&format!("{ABSENT_WORD} {}\n", total - kept_total));
        Segmenter::from_dict(&kept)
    }

    fn from_dict(dict: &str) -> Segmenter {
        let mut jieba = Jieba::with_dict(&mut BufReader::new(dict.as_bytes()))
            .expect("the bundled jieba dictionary is well-formed");
        for term in list_entries(POLICY_DICT) {
            jieba.add_word(term, Some(POLICY_FREQ), None);
        }
        Segmenter {
            jieba,
            stopwords: list_entries(STOPWORDS).collect(),
        }
    }

    /// The shared instance: the dictionary takes ~150 ms and ~30 MB to load,
    /// so every thread uses this one (jieba's `cut` takes `&self`).
    pub fn global() -> &'static Segmenter {
        static INSTANCE: OnceLock<Segmenter> = OnceLock::new();
        INSTANCE.get_or_init(Segmenter::load)
    }

    /// Every token jieba produces (no HMM: 公文 vocabulary is in the
    /// dictionaries and HMM costs ~10 % for little gain on it).
    pub fn cut<'a>(&self, text: &'a str) -> Vec<&'a str> {
        self.jieba.cut(text, false).into_iter().map(|t| t.word).collect()
    }

    /// Content tokens: no punctuation or whitespace, no stopwords.
    pub fn content_tokens<'a>(&self, text: &'a str) -> Vec<&'a str> {
        let mut out = Vec::with_capacity(text.len() / 6);
        for line in text.lines() {
            for tok in self.jieba.cut(line, false) {
                let w = tok.word;
                if has_content(w) && !self.stopwords.contains(w) {
                    out.push(w);
                }
            }
        }
        out
    }

    pub fn is_stopword(&self, word: &str) -> bool {
        self.stopwords.contains(word)
    }
}

/// A token with a letter or digit (Han first: it is nearly every token).
fn has_content(w: &str) -> bool {
    w.chars().any(|c| {
        ('\u{4E00}'..='\u{9FFF}').contains(&c) || c.is_ascii_alphanumeric() || (!c.is_ascii() && c.is_alphanumeric())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy_terms_stay_whole() {
        let s = Segmenter::global();
        let toks = s.cut("各乡镇要压实属地责任，持续推进精文减会和基层减负");
        for term in ["属地责任", "精文减会", "基层减负", "持续推进"] {
            assert!(toks.contains(&term), "{term} split: {toks:?}");
        }
    }

    #[test]
    fn content_tokens_drop_punctuation_and_stopwords() {
        let s = Segmenter::global();
        let toks = s.content_tokens("为了做好防汛工作，各乡镇的责任人要在5月10日前报送名单。");
        assert!(
            !toks.iter().any(|t| matches!(*t, "，" | "。" | "的" | "工作")),
            "{toks:?}"
        );
        assert!(toks.contains(&"防汛"), "{toks:?}");
        assert!(toks.contains(&"报送"), "{toks:?}");
    }
}
