//! `wenshan gen`: a synthetic benchmark corpus of 公文 with planted duplicates.
//!
//! Documents are built from templates and phrase banks written for this
//! project: invented provinces, cities, counties, towns and villages (names
//! drawn from a syllable list), departments, topics, numbered sections,
//! deadlines, 联系人 lines, 落款 and dates, 文号. A share of them are planted
//! copies of an earlier document of the same chunk, at fixed rates:
//!
//! | relation | rate | what changes |
//! |---|---|---|
//! | `light_edit` | 6 % | one or two sentences rewritten |
//! | `reissue` | 6 % | years, dates, 文号, figures |
//! | `level_substitution` | 5 % | 全市→全县, issuer and place names one level down |
//! | `containment` | 5 % | a short notice's 3–4 sections embedded in a new document |
//! | `exact` | 1 % | nothing (another file name) |
//!
//! Planted pairs go to `labels.jsonl` in the `corpora/demo` pair format. The
//! corpus is generated in chunks of [`CHUNK`] documents, one folder each,
//! each chunk from its own seed: the output is the same bytes whatever the
//! thread count, and only a window of chunks is ever in memory.

use rayon::prelude::*;
use std::fmt::Write as _;
use std::fs;
use std::io::{self, Write};
use std::path::Path;

/// Documents per chunk (and per folder).
pub const CHUNK: usize = 1000;

/// SplitMix64: small, fast, and the same on every platform.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }
    pub fn range(&mut self, lo: usize, hi: usize) -> usize {
        lo + self.below(hi - lo + 1)
    }
    pub fn pick<'a, T: ?Sized>(&mut self, items: &[&'a T]) -> &'a T {
        items[self.below(items.len())]
    }
    pub fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }
}

const SYLLABLES: &[&str] = &[
    "临", "江", "云", "岭", "丰", "林", "泉", "河", "白", "沙", "青", "禾", "石", "桥", "鹤", "鸣", "松", "溪", "梅",
    "川", "枫", "湾", "柳", "塘", "金", "峰", "兰", "亭", "翠", "屏", "望", "海", "银", "滩", "芦", "苇", "桃", "源",
    "碧", "龙", "泽", "凤", "阳", "星", "湖", "东", "西", "南", "北", "安", "平", "宁", "乐", "康", "兴", "盛", "茂",
    "清", "明", "秀", "嘉", "永", "长", "新", "和", "顺", "德", "华", "春", "秋", "玉", "珠", "花", "竹", "杨",
];
const SURNAMES: &[&str] = &[
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱", "胡", "郭", "何", "林", "罗",
    "高",
];
const GIVEN: &[&str] = &[
    "伟", "芳", "敏", "静", "磊", "洋", "勇", "军", "杰", "娟", "涛", "明", "超", "霞", "平", "刚", "桂英", "建华",
    "志强", "海燕", "晓东", "文博", "雨涵", "子轩",
];
const DEPARTMENTS: &[&str] = &[
    "应急管理局",
    "教育局",
    "水利局",
    "农业农村局",
    "自然资源局",
    "生态环境局",
    "住房和城乡建设局",
    "交通运输局",
    "卫生健康局",
    "市场监督管理局",
    "林业局",
    "民政局",
    "财政局",
    "商务局",
];
const TOPICS: &[(&str, &str)] = &[
    ("防汛", "汛期"),
    ("安全生产", "生产经营单位"),
    ("森林防火", "林区"),
    ("秸秆禁烧", "田间地头"),
    ("校园安全", "中小学校"),
    ("燃气安全", "餐饮场所"),
    ("河湖长制", "河道"),
    ("农村人居环境整治", "村庄"),
    ("地质灾害防治", "隐患点"),
    ("食品安全", "农贸市场"),
    ("道路交通安全", "国省干线"),
    ("冬春火灾防控", "人员密集场所"),
    ("高标准农田建设", "项目区"),
    ("城乡环境卫生", "背街小巷"),
    ("防溺水", "水库山塘"),
    ("养老服务", "敬老院"),
    ("自建房安全", "经营性自建房"),
    ("耕地保护", "基本农田"),
    ("饮用水水源保护", "水源地"),
    ("消防安全", "高层建筑"),
];
const FACILITIES: &[&str] = &[
    "小流域治理点",
    "安置点",
    "提灌站",
    "渡口",
    "便民服务中心",
    "卫生室",
    "集贸市场",
    "小学",
    "幼儿园",
    "敬老院",
    "水库",
    "山塘",
    "桥梁",
    "隧道",
    "加油站",
    "物流园",
    "文化广场",
    "养殖场",
];
const VERBS: &[&str] = &[
    "全面排查",
    "认真落实",
    "切实加强",
    "组织开展",
    "扎实推进",
    "逐一核实",
    "严格执行",
    "统筹做好",
    "细化完善",
    "定期检查",
    "持续抓好",
    "督促整改",
];
const NOUNS: &[&str] = &[
    "隐患",
    "责任制",
    "工作方案",
    "台账",
    "应急预案",
    "值班值守",
    "宣传教育",
    "巡查记录",
    "物资储备",
    "培训演练",
    "问题清单",
    "监测预警",
];
const SUBJECTS: &[&str] = &[
    "各乡镇人民政府",
    "各有关部门",
    "各村（社区）",
    "各行业主管部门",
    "属地乡镇",
    "相关责任单位",
    "各级网格员",
    "驻村工作队",
];
const ADVERBS: &[&str] = &["及时", "坚决", "扎实", "认真", "主动", "迅速", "切实", "全力"];
const HEADINGS: &[&str] = &[
    "提高思想认识",
    "压实工作责任",
    "突出工作重点",
    "强化隐患排查",
    "加强监测预警",
    "做好应急准备",
    "加大宣传力度",
    "严格督查考核",
    "健全长效机制",
    "强化要素保障",
];
const ACTIONS: &[&str] = &["做好", "加强", "进一步做好", "切实抓好", "扎实开展", "全面加强"];

/// One invented place hierarchy: a document's issuer and the names in it.
#[derive(Debug, Clone)]
struct Place {
    province: String,
    city: String,
    county: String,
    towns: Vec<String>,
    villages: Vec<String>,
}

fn name(r: &mut Rng, len: usize) -> String {
    (0..len).map(|_| r.pick(SYLLABLES)).collect()
}

impl Place {
    fn new(r: &mut Rng) -> Place {
        Place {
            province: name(r, 2),
            city: name(r, 2),
            county: name(r, 2),
            towns: (0..4).map(|_| name(r, 2)).collect(),
            villages: (0..6).map(|_| name(r, 2)).collect(),
        }
    }
}

/// A document as lines, kept for planting copies.
#[derive(Debug, Clone)]
struct Doc {
    /// 县 or 市: the level of the issuer.
    level: &'static str,
    place: Place,
    dept: &'static str,
    topic: usize,
    year: usize,
    number: usize,
    month: usize,
    day: usize,
    /// Numbered sections: heading and sentences.
    sections: Vec<(String, Vec<String>)>,
    intro: Vec<String>,
    contact: String,
}

const NUMERALS: &[&str] = &["一", "二", "三", "四", "五", "六", "七", "八"];

impl Doc {
    fn area(&self) -> &str {
        if self.level == "市" {
            &self.place.city
        } else {
            &self.place.county
        }
    }

    fn issuer(&self) -> String {
        format!("{}{}{}", self.area(), self.level, self.dept)
    }

    fn docno(&self) -> String {
        let abbrev: String = self.area().chars().take(1).collect();
        let dept: String = self.dept.chars().take(1).collect();
        format!("{abbrev}{dept}发〔{}〕{}号", self.year, self.number)
    }

    fn title(&self) -> String {
        let (topic, _) = TOPICS[self.topic];
        format!(
            "{}关于{}{}年{}工作的通知",
            self.issuer(),
            ACTIONS[self.topic % ACTIONS.len()],
            self.year,
            topic
        )
    }

    fn render(&self) -> String {
        let mut s = String::with_capacity(4096);
        let _ = writeln!(s, "{}", self.docno());
        let _ = writeln!(s, "{}", self.title());
        let lower = if self.level == "市" {
            "各县（市、区）人民政府，市直有关部门"
        } else {
            "各乡镇人民政府，县直有关部门"
        };
        let _ = writeln!(s, "{lower}：");
        let _ = writeln!(s, "{}", self.intro.concat());
        for (i, (heading, body)) in self.sections.iter().enumerate() {
            let _ = writeln!(s, "{}、{}", NUMERALS[i % NUMERALS.len()], heading);
            let _ = writeln!(s, "{}", body.concat());
        }
        let _ = writeln!(s, "{}", self.contact);
        let _ = writeln!(s, "{}", self.issuer());
        let _ = writeln!(s, "{}年{}月{}日", self.year, self.month, self.day);
        s
    }
}

/// One sentence: a subject, a task on a named place, a deadline or a figure.
fn sentence(r: &mut Rng, d: &Doc) -> String {
    let (topic, field) = TOPICS[d.topic];
    let village = d.place.villages[r.below(d.place.villages.len())].clone();
    let town = d.place.towns[r.below(d.place.towns.len())].clone();
    let whole = if d.level == "市" { "全市" } else { "全县" };
    match r.below(8) {
        7 => format!(
            "按照{}省{}市统一部署，{}{}{}，{}。",
            d.place.province,
            d.place.city,
            r.pick(ADVERBS),
            r.pick(VERBS),
            topic,
            [
                "确保各项任务按期完成",
                "推动工作取得实效",
                "筑牢安全防线",
                "切实维护群众利益"
            ][r.below(4)]
        ),
        0 => format!(
            "{}要{}{}{}{}，{}{}{}。",
            r.pick(SUBJECTS),
            r.pick(VERBS),
            field,
            topic,
            r.pick(NOUNS),
            r.pick(ADVERBS),
            r.pick(VERBS),
            r.pick(NOUNS)
        ),
        1 => format!(
            "对{}镇{}村{}等{}处重点部位，{}{}，确保{}。",
            town,
            village,
            r.pick(FACILITIES),
            r.range(3, 60),
            r.pick(VERBS),
            r.pick(NOUNS),
            ["不漏一户", "不留死角", "责任到人", "措施到位", "万无一失"][r.below(5)]
        ),
        2 => format!(
            "请于{}月{}日前将{}{}报送{}{}，逾期未报的予以通报。",
            r.range(1, 12),
            r.range(1, 28),
            topic,
            r.pick(NOUNS),
            d.area(),
            d.level.to_string() + d.dept
        ),
        3 => format!(
            "{}共有{}{}{}个，今年计划完成{}个，其中{}{}{}{}处。",
            whole,
            field,
            r.pick(FACILITIES),
            r.range(20, 900),
            r.range(5, 200),
            village,
            r.pick(FACILITIES),
            ["改造", "新建", "加固", "提升"][r.below(4)],
            r.range(1, 30)
        ),
        4 => format!(
            "{}{}{}{}，由{}{}牵头，{}镇{}配合，形成{}合力。",
            r.pick(ADVERBS),
            r.pick(VERBS),
            village,
            r.pick(FACILITIES),
            d.level,
            DEPARTMENTS[r.below(DEPARTMENTS.len())],
            town,
            r.pick(SUBJECTS),
            ["上下联动", "部门协同", "齐抓共管", "群防群治"][r.below(4)]
        ),
        5 => format!(
            "{}村{}、{}村{}等{}曾发生{}问题，{}要{}{}。",
            village,
            r.pick(FACILITIES),
            name(r, 2),
            r.pick(FACILITIES),
            field,
            ["渗漏", "塌方", "积水", "火情", "超员", "私搭乱建"][r.below(6)],
            r.pick(SUBJECTS),
            r.pick(ADVERBS),
            r.pick(VERBS)
        ),
        _ => format!(
            "对{}{}{}不力、{}不到位的，{}依规依纪严肃追责问责。",
            topic,
            r.pick(NOUNS),
            ["落实", "整改", "排查"][r.below(3)],
            r.pick(NOUNS),
            ["一律", "坚决", "将"][r.below(3)]
        ),
    }
}

fn original(r: &mut Rng, sections: (usize, usize)) -> Doc {
    let place = Place::new(r);
    let mut d = Doc {
        level: if r.chance(40) { "市" } else { "县" },
        place,
        dept: DEPARTMENTS[r.below(DEPARTMENTS.len())],
        topic: r.below(TOPICS.len()),
        year: r.range(2019, 2025),
        number: r.range(1, 120),
        month: r.range(1, 12),
        day: r.range(1, 28),
        sections: Vec::new(),
        intro: Vec::new(),
        contact: String::new(),
    };
    d.intro = (0..r.range(1, 3)).map(|_| sentence(r, &d)).collect();
    let n = r.range(sections.0, sections.1);
    let mut headings: Vec<&str> = HEADINGS.to_vec();
    for _ in 0..n {
        let h = headings.remove(r.below(headings.len()));
        let body = (0..r.range(3, 7)).map(|_| sentence(r, &d)).collect();
        d.sections.push((h.to_string(), body));
    }
    d.contact = format!(
        "联系人：{}{}，联系电话：0{}-{}。",
        r.pick(SURNAMES),
        r.pick(GIVEN),
        r.range(300, 999),
        r.range(1_000_000, 9_999_999)
    );
    d
}

/// A planted copy of `src` and its relation, or a fresh original.
fn derive(r: &mut Rng, src: &Doc, relation: &str) -> Doc {
    let mut d = src.clone();
    match relation {
        "light_edit" => {
            for _ in 0..r.range(1, 2) {
                let s = r.below(d.sections.len());
                let k = r.below(d.sections[s].1.len());
                d.sections[s].1[k] = sentence(r, src);
            }
        }
        "reissue" => {
            let shift = r.range(1, 3);
            d.year += shift;
            d.number = r.range(1, 120);
            d.month = r.range(1, 12);
            d.day = r.range(1, 28);
            let (old, new) = (src.year.to_string(), d.year.to_string());
            for (_, body) in &mut d.sections {
                for s in body.iter_mut() {
                    *s = s.replace(&old, &new);
                }
            }
        }
        "level_substitution" => {
            // A county copies its city's notice: level words and names go one level down.
            d.level = if src.level == "市" { "县" } else { "市" };
            d.place.county = name(r, 2);
            d.place.city = name(r, 2);
            d.dept = DEPARTMENTS[r.below(DEPARTMENTS.len())];
            d.number = r.range(1, 120);
            d.day = r.range(1, 28);
            let (from, to) = if src.level == "市" {
                ("全市", "全县")
            } else {
                ("全县", "全市")
            };
            let area = d.area().to_string();
            for part in d
                .sections
                .iter_mut()
                .flat_map(|(_, b)| b.iter_mut())
                .chain(d.intro.iter_mut())
            {
                *part = part.replace(from, to).replace(src.area(), &area);
            }
        }
        _ => {}
    }
    d
}

/// Generate chunk `c`: its documents written under `out/NNNN/`, its label lines returned.
fn chunk(out: &Path, seed: u64, c: usize, docs: usize) -> io::Result<String> {
    let mut r = Rng::new(seed ^ (c as u64).wrapping_mul(0x2545_f491_4f6c_dd1d));
    let dir = out.join(format!("{c:04}"));
    fs::create_dir_all(&dir)?;
    let path = |i: usize| format!("{c:04}/{:07}.txt", c * CHUNK + i);
    // Originals that copies may take from (the last few, so families stay local).
    let mut pool: Vec<(usize, Doc)> = Vec::new();
    let mut short: Vec<(usize, Doc)> = Vec::new();
    let mut labels = String::new();
    for i in 0..docs {
        let roll = r.below(100);
        let relation = match roll {
            0..6 => "light_edit",
            6..12 => "reissue",
            12..17 => "level_substitution",
            17..22 => "containment",
            22..23 => "exact",
            _ => "",
        };
        let (doc, source) = if relation == "containment" && !short.is_empty() {
            let (j, src) = &short[r.below(short.len())];
            let mut host = original(&mut r, (2, 4));
            let at = r.below(host.sections.len() + 1);
            for (k, s) in src.sections.iter().enumerate() {
                host.sections.insert((at + k).min(host.sections.len()), s.clone());
            }
            (host, Some(*j))
        } else if !relation.is_empty() && relation != "containment" && !pool.is_empty() {
            let (j, src) = &pool[r.below(pool.len())];
            (derive(&mut r, src, relation), Some(*j))
        } else {
            // A short notice (3–4 sections, long) now and then: embedding material.
            let d = if r.chance(15) {
                original(&mut r, (3, 4))
            } else {
                original(&mut r, (3, 6))
            };
            (d, None)
        };
        let text = doc.render();
        fs::write(dir.join(format!("{:07}.txt", c * CHUNK + i)), text.as_bytes())?;
        match source {
            Some(j) => {
                let (a, b) = (path(j), path(i));
                let _ = writeln!(
                    labels,
                    "{{\"kind\":\"pair\",\"a\":\"{a}\",\"b\":\"{b}\",\"relation\":\"{relation}\",\"duplicate\":true}}"
                );
            }
            None => {
                if doc.sections.len() <= 4 && short.len() < 8 {
                    short.push((i, doc.clone()));
                } else if doc.sections.len() <= 4 {
                    let k = r.below(short.len());
                    short[k] = (i, doc.clone());
                }
                if pool.len() < 16 {
                    pool.push((i, doc));
                } else {
                    let k = r.below(pool.len());
                    pool[k] = (i, doc);
                }
            }
        }
    }
    Ok(labels)
}

/// Write `docs` documents under `out` (one folder per [`CHUNK`]) and
/// `out/labels.jsonl`; returns the number of planted pairs.
pub fn generate(out: &Path, docs: usize, seed: u64) -> io::Result<usize> {
    fs::create_dir_all(out)?;
    let chunks = docs.div_ceil(CHUNK);
    let mut labels = io::BufWriter::new(fs::File::create(out.join("labels.jsonl"))?);
    let mut planted = 0;
    // A window of chunks at a time: parallel, yet labels are written in order
    // and memory stays bounded whatever `docs` is.
    let window = 4 * rayon::current_num_threads().max(1);
    for start in (0..chunks).step_by(window) {
        let lines: Vec<io::Result<String>> = (start..chunks.min(start + window))
            .into_par_iter()
            .map(|c| chunk(out, seed, c, CHUNK.min(docs - c * CHUNK)))
            .collect();
        for l in lines {
            let l = l?;
            planted += l.lines().count();
            labels.write_all(l.as_bytes())?;
        }
    }
    labels.flush()?;
    Ok(planted)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_rng_is_uniform_enough_and_stable() {
        let mut r = Rng::new(7);
        let mut counts = [0usize; 10];
        for _ in 0..10_000 {
            counts[r.below(10)] += 1;
        }
        assert!(counts.iter().all(|&c| (800..1200).contains(&c)), "{counts:?}");
        assert_eq!(Rng::new(1).next_u64(), Rng::new(1).next_u64());
    }

    #[test]
    fn documents_look_like_notices() {
        let mut r = Rng::new(3);
        let d = original(&mut r, (3, 6));
        let text = d.render();
        assert!(text.contains("关于") && text.contains("的通知"));
        assert!(text.contains("一、") && text.contains("联系人："));
        assert!(text.contains('〔'));
    }
}
