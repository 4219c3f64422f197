//! Properties of passage alignment on generated text.

use proptest::prelude::*;
use wenshan::passage::{align, Keyed};
use wenshan::reuse::char_diff;

/// Chinese-looking text: Han characters from a small set, punctuation and line breaks.
fn text() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            8 => proptest::sample::select("防汛责任落实巡查水库隐患排查整改督导检查乡镇部门群众安全".chars().collect::<Vec<_>>()),
            1 => proptest::sample::select(vec!['，', '。', '；', '\n']),
        ],
        0..300,
    )
    .prop_map(|v| v.into_iter().collect())
}

fn slice(t: &str, (s, e): (usize, usize)) -> String {
    t.chars().skip(s).take(e - s).collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn a_document_is_its_own_duplicate_in_one_passage(t in text()) {
        let k = Keyed::of(&t);
        let al = align(&k, &k);
        if k.len() >= wenshan::passage::MIN_PASSAGE {
            prop_assert_eq!(al.passages.len(), 1);
            prop_assert_eq!(al.passages[0].a, (0, k.len()));
            prop_assert_eq!(al.passages[0].b, (0, k.len()));
        }
        prop_assert!(al.changes.is_empty());
    }

    #[test]
    fn passage_texts_agree_modulo_their_diff(a in text(), shared in text(), b in text(), edit in text()) {
        // B = its own text + the shared text with an edit in the middle.
        let mid = shared.chars().count() / 2;
        let left: String = shared.chars().take(mid).collect();
        let right: String = shared.chars().skip(mid).collect();
        let x = format!("{a}{shared}");
        let y = format!("{b}{left}{}{right}", edit.chars().take(5).collect::<String>());
        let (kx, ky) = (Keyed::of(&x), Keyed::of(&y));
        for p in align(&kx, &ky).passages {
            let ta = slice(&x, kx.text_span(p.a.0, p.a.1));
            let tb = slice(&y, ky.text_span(p.b.0, p.b.1));
            let d = char_diff(&ta, &tb);
            let side = |skip: &str| d.iter().filter(|s| s.op != skip).map(|s| s.text.as_str()).collect::<String>();
            if d.is_empty() {
                prop_assert_eq!(&ta, &tb);
            } else {
                prop_assert_eq!(side("insert"), ta);
                prop_assert_eq!(side("delete"), tb);
            }
        }
    }
}
