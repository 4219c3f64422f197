//! The `wenshan` command: parses arguments and calls the library.
//! Exit codes: 0 the run completed (findings are not errors), 2 the run failed;
//! `check` alone returns 1 when it finds something (0 nothing found).

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use wenshan::archive::Archive;
use wenshan::config::Config;
use wenshan::fingerprint::Method;
use wenshan::read::ReadLimits;
use wenshan::scan::{Progress, ScanOptions, DEFAULT_RADIUS};
use wenshan::verify::Thresholds;

// Standard output through `write!`, so a closed pipe (`wenshan scan … | head`)
// is an error that ends the run quietly (see `main`), not a panic.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        write!(std::io::stdout().lock(), $($arg)*).context("无法写出到标准输出")?
    }};
}
macro_rules! sayln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        writeln!(std::io::stdout().lock(), $($arg)*).context("无法写出到标准输出")?
    }};
}

#[derive(Parser)]
#[command(name = "wenshan", version, about = "文山：公文重复发文与变相发文审查工具")]
struct Cli {
    /// Worker threads (default: all cores).
    #[arg(long, global = true)]
    threads: Option<usize>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Find near-duplicate and re-issued documents in a folder.
    Scan(ScanArgs),
    /// Measure detection quality against labelled data.
    #[command(subcommand)]
    Eval(EvalCommand),
    /// Keep the documents already issued: add, remove, list, stats, export.
    #[command(subcommand)]
    Archive(ArchiveCommand),
    /// Check drafts against the archive before issuing them.
    /// Exit code: 0 nothing found, 1 findings, 2 error.
    Check(CheckArgs),
    /// List the disguised-issuance rules (WH0xx find, WH1xx exempt).
    Rules,
    /// Write a synthetic benchmark corpus with planted duplicates (labels.jsonl).
    Gen {
        /// Number of documents.
        #[arg(long)]
        docs: usize,
        /// Output folder (one subfolder per 1000 documents).
        #[arg(long)]
        out: PathBuf,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
    /// Export fingerprints for a distributed join: per document its simhash and
    /// multi-index block keys, per passage its hash (JSON lines).
    Fingerprint {
        /// Folder to fingerprint.
        path: PathBuf,
        /// Output format (jsonl only).
        #[arg(long, default_value = "jsonl", value_parser = ["jsonl"])]
        format: String,
        /// Write to this file instead of stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[command(flatten)]
        matching: Matching,
    },
    /// Verify candidate pairs (jsonl {"a","b"}, paths relative to --docs) as `scan` does.
    Verify {
        #[arg(long)]
        pairs: PathBuf,
        /// The folder the paths are relative to.
        #[arg(long, default_value = ".")]
        docs: PathBuf,
        /// Frequent sentence hashes (jsonl {"hash"}) of the whole collection;
        /// without it every document under --docs is read to count them.
        #[arg(long)]
        frequent: Option<PathBuf>,
        /// Write to this file instead of stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[command(flatten)]
        matching: Matching,
    },
    /// Print a rule's documentation, e.g. `wenshan explain WH003`.
    Explain {
        /// Rule code.
        code: String,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// Chinese report for people.
    Terminal,
    /// One JSON object (contract version 1).
    Json,
    /// One self-contained HTML page (side-by-side pairs, findings).
    Html,
    /// Pairs as CSV (UTF-8 with BOM); with -o X.csv also X.documents.csv.
    Csv,
}

#[derive(Args)]
struct Matching {
    /// Hamming radius for candidate pairs, 0–64 [default: wenshan.toml, else 10].
    #[arg(long, value_parser = clap::value_parser!(u32).range(0..=64))]
    radius: Option<u32>,
    /// Similarity (5-gram Jaccard) at or above which documents are near-duplicates, 0–1 [default: 0.8].
    #[arg(long, value_parser = share)]
    threshold: Option<f64>,
    /// Containment at or above which a pair is reported as containment, 0–1 [default: 0.8].
    #[arg(long, value_parser = share)]
    containment: Option<f64>,
    /// Fingerprint method.
    #[arg(long, value_enum, default_value_t = Method::Weighted)]
    method: Method,
    /// Document-level matching only: no passage fingerprints, aligned
    /// passages, reissue detection or copy ratios (faster).
    #[arg(long)]
    no_passages: bool,
}

/// A share between 0 and 1 (a threshold above 1 would never be met).
fn share(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(x) if (0.0..=1.0).contains(&x) => Ok(x),
        Ok(_) => Err("应在 0 到 1 之间（如 0.8）".to_string()),
        Err(_) => Err("不是数字（如 0.8）".to_string()),
    }
}

impl Matching {
    /// Flags first, then `[matching]` of wenshan.toml, then the defaults.
    fn options_with(&self, config: &Config) -> ScanOptions {
        let m = &config.matching;
        let d = Thresholds::default();
        ScanOptions {
            method: self.method,
            radius: self.radius.or(m.radius).unwrap_or(DEFAULT_RADIUS),
            thresholds: Thresholds {
                similarity: self.threshold.or(m.similarity).unwrap_or(d.similarity),
                containment: self.containment.or(m.containment).unwrap_or(d.containment),
            },
            passages: !self.no_passages,
            ..ScanOptions::default()
        }
    }

    fn options(&self) -> ScanOptions {
        self.options_with(&Config::default())
    }
}

#[derive(Args)]
struct ScanArgs {
    /// Folder (or single file) to scan.
    path: PathBuf,
    #[arg(long, value_enum, default_value_t = Format::Terminal)]
    format: Format,
    /// Write the report to this file instead of stdout.
    #[arg(short, long)]
    output: Option<PathBuf>,
    #[command(flatten)]
    matching: Matching,
    /// Skip the disguised-issuance (红头转白头) rules.
    #[arg(long)]
    no_white_header: bool,
    /// Rule configuration (default: the nearest wenshan.toml upward from PATH).
    #[arg(long)]
    config: Option<PathBuf>,
    #[command(flatten)]
    limits: Limits,
}

/// Per-file limits: a batch from unknown sources must survive bombs.
#[derive(Args)]
struct Limits {
    /// Skip files larger than this many MiB.
    #[arg(long, value_name = "MIB", default_value_t = 64)]
    max_file_size: u64,
    /// Most MiB decompressed from one file (zip entries, PDF streams).
    #[arg(long, value_name = "MIB", default_value_t = 256)]
    max_unpacked_size: u64,
    /// Most entries in a zip-based file (.docx, .ofd).
    #[arg(long, value_name = "N", default_value_t = 10_000)]
    max_entries: usize,
    /// Most characters of text extracted from one file.
    #[arg(long, value_name = "CHARS", default_value_t = 10_000_000)]
    max_text_chars: usize,
}

impl Limits {
    fn read_limits(&self) -> ReadLimits {
        const MIB: u64 = 1024 * 1024;
        ReadLimits {
            max_file_size: self.max_file_size.saturating_mul(MIB),
            max_unpacked_size: self.max_unpacked_size.saturating_mul(MIB),
            max_entries: self.max_entries,
            max_text_chars: self.max_text_chars,
        }
    }
}

/// The configuration to use: `--config`, else the nearest `wenshan.toml`.
fn config_for(explicit: Option<&PathBuf>, start: &std::path::Path) -> Result<Config> {
    match explicit.cloned().or_else(|| Config::discover(start)) {
        Some(p) => Ok(Config::load(&p)?),
        None => Ok(Config::default()),
    }
}

/// Where the archive is: `--archive`, else $WENSHAN_ARCHIVE, else ./.wenshan/archive.
#[derive(Args)]
struct ArchiveAt {
    /// Archive folder [default: $WENSHAN_ARCHIVE, else ./.wenshan/archive].
    #[arg(long, value_name = "PATH")]
    archive: Option<PathBuf>,
}

impl ArchiveAt {
    fn dir(&self) -> PathBuf {
        Archive::location(self.archive.as_deref())
    }
}

#[derive(Subcommand)]
enum ArchiveCommand {
    /// Add files and folders (unchanged files are skipped, changed ones replaced).
    Add {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        at: ArchiveAt,
        #[command(flatten)]
        limits: Limits,
    },
    /// Remove documents (a file, or every document under a folder).
    Remove {
        #[arg(required = true)]
        paths: Vec<PathBuf>,
        #[command(flatten)]
        at: ArchiveAt,
    },
    /// List the archived documents.
    List {
        #[command(flatten)]
        at: ArchiveAt,
    },
    /// Documents, size on disk, bytes per document with and without text.
    Stats {
        #[command(flatten)]
        at: ArchiveAt,
    },
    /// Check that every document is whole and every index key valid.
    Verify {
        #[command(flatten)]
        at: ArchiveAt,
    },
    /// Export one JSON line per document and per passage.
    Export {
        #[arg(long, value_enum, default_value_t = ExportFormat::Jsonl)]
        format: ExportFormat,
        /// Write to this file instead of stdout.
        #[arg(short, long)]
        output: Option<PathBuf>,
        #[command(flatten)]
        at: ArchiveAt,
    },
    /// Set a document's status (现行有效 / 已废止 / 已被替代), or many from a CSV (path,status).
    Status {
        /// Document (or folder) and status; leave out with --csv.
        #[arg(num_args = 0..=2)]
        args: Vec<String>,
        #[arg(long, value_name = "FILE")]
        csv: Option<PathBuf>,
        #[command(flatten)]
        at: ArchiveAt,
    },
    /// Build a synthetic archive (for scale tests), with planted near-duplicates of a draft.
    Gen {
        /// Number of synthetic documents.
        #[arg(long)]
        docs: u64,
        /// Draft to plant near-duplicates of.
        #[arg(long)]
        plant: Option<PathBuf>,
        /// Near-duplicates planted.
        #[arg(long, default_value_t = 5)]
        planted: usize,
        #[arg(long, default_value_t = 1)]
        seed: u64,
        #[command(flatten)]
        at: ArchiveAt,
    },
}

#[derive(Clone, Copy, ValueEnum)]
enum ExportFormat {
    Jsonl,
}

#[derive(Clone, Copy, ValueEnum)]
enum CheckFormat {
    Terminal,
    Json,
}

#[derive(Args)]
struct CheckArgs {
    /// Draft files, or folders of drafts.
    #[arg(required = true)]
    drafts: Vec<PathBuf>,
    #[command(flatten)]
    at: ArchiveAt,
    #[arg(long, value_enum, default_value_t = CheckFormat::Terminal)]
    format: CheckFormat,
    /// Rule and threshold configuration (default: the nearest wenshan.toml upward from the first draft).
    #[arg(long)]
    config: Option<PathBuf>,
    #[command(flatten)]
    matching: Matching,
    /// Skip the disguised-issuance (红头转白头) rules.
    #[arg(long)]
    no_white_header: bool,
}

struct WaitMessage;
impl wenshan::archive::WaitNotice for WaitMessage {
    fn waiting(&self, lock: &std::path::Path) {
        eprintln!(
            "wenshan：另一个进程正在写入该档案库（{}），等待其完成……",
            lock.display()
        );
    }
}

#[derive(Subcommand)]
enum EvalCommand {
    /// Near-duplicate precision/recall against an exact oracle (pairs.jsonl).
    Redundancy {
        #[arg(long)]
        docs: PathBuf,
        #[arg(long)]
        oracle: PathBuf,
        /// Also print candidate recall per Hamming radius for both fingerprints.
        #[arg(long)]
        sweep: bool,
        #[command(flatten)]
        matching: Matching,
    },
    /// Disguised-issuance precision/recall against labelled documents.
    WhiteHeader {
        /// Folder of labelled documents.
        #[arg(long)]
        docs: PathBuf,
        /// Labels (jsonl: path, carrier, disguised, level …).
        #[arg(long)]
        labels: PathBuf,
        /// Rule configuration (default: the nearest wenshan.toml upward from DOCS).
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Planted-pair recall and precision of a scan (labels from `wenshan gen`).
    Planted {
        /// A JSON report of the corpus (`scan --format json -o FILE`); without it the corpus is scanned.
        #[arg(long)]
        report: Option<PathBuf>,
        /// The corpus folder (scanned when no --report is given).
        #[arg(long)]
        docs: Option<PathBuf>,
        #[arg(long)]
        labels: PathBuf,
    },
    /// Reissue recall and same-topic false positives on labelled corpora
    /// (labels.jsonl in the corpora/demo format).
    Reuse {
        /// Corpus folders, each with a labels.jsonl.
        #[arg(required = true)]
        corpora: Vec<PathBuf>,
        #[command(flatten)]
        matching: Matching,
    },
}

/// A progress bar on stderr, only when stderr is a terminal.
/// The progress line on stderr, drawn only when stderr is a terminal: one
/// line that every stage of the run takes over in turn.
struct Bar(ProgressBar);

impl Bar {
    fn new() -> Bar {
        if !std::io::stderr().is_terminal() {
            return Bar(ProgressBar::hidden());
        }
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
        bar.set_style(Bar::style(None));
        bar.set_message("准备中");
        // Stages without steps (finding candidates) still show they are alive.
        bar.enable_steady_tick(std::time::Duration::from_millis(150));
        Bar(bar)
    }

    fn style(steps: Option<usize>) -> ProgressStyle {
        let template = match steps {
            Some(_) => "{spinner} {msg} [{bar:30}] {pos}/{len}（每秒 {rate}，剩余 {eta}）",
            None => "{spinner} {msg}（已用 {elapsed}）",
        };
        ProgressStyle::with_template(template)
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .with_key("rate", |s: &indicatif::ProgressState, w: &mut dyn std::fmt::Write| {
                let _ = write!(w, "{:.0}", s.per_sec());
            })
            .progress_chars("=> ")
    }
}

impl Progress for Bar {
    fn stage(&self, name: &str, steps: Option<usize>) {
        // Every setter but the style redraws: the last one draws the new stage.
        self.0.set_style(Bar::style(steps));
        self.0.set_message(name.to_string());
        self.0.set_length(steps.unwrap_or(0) as u64);
        self.0.reset();
    }
    fn advance(&self) {
        self.0.inc(1);
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    if let Some(n) = cli.threads {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build_global()
            .context("无法设置线程数")?;
    }
    match cli.command {
        Command::Scan(args) => {
            let config = config_for(args.config.as_ref(), &args.path)?;
            let mut opts = ScanOptions {
                limits: args.limits.read_limits(),
                ..args.matching.options_with(&config)
            };
            opts.white_header = !args.no_white_header;
            if let Format::Json = args.format {
                // Streamed: a report of a million documents is gigabytes of
                // JSON. Its entries wait in temporary files beside the report
                // (or in the system's temporary folder when it goes to stdout).
                let spill = match &args.output {
                    Some(path) => match path.parent() {
                        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
                        _ => std::path::PathBuf::from("."),
                    },
                    None => std::env::temp_dir(),
                };
                let bar = Bar::new();
                let scanned = wenshan::scan::scan_json(&args.path, &opts, &config, &bar, &spill)?;
                match &args.output {
                    Some(path) => wenshan::output::write_atomic_with(path, |w| scanned.write_json(w))
                        .with_context(|| format!("无法写入报告 {}", path.display()))?,
                    None => {
                        let mut out = std::io::BufWriter::with_capacity(1 << 20, std::io::stdout().lock());
                        scanned.write_json(&mut out).context("无法输出报告")?;
                        std::io::Write::flush(&mut out).context("无法输出报告")?;
                    }
                }
                return Ok(ExitCode::SUCCESS);
            }
            let report = wenshan::scan::scan_with(&args.path, &opts, &config, &Bar::new())?;
            let text = match args.format {
                Format::Json => unreachable!("streamed above"),
                Format::Terminal => report.to_terminal(),
                Format::Html => report.to_html(),
                Format::Csv => report.to_csv_pairs(),
            };
            match args.output {
                // Via a temporary file and a rename: an interrupted run never
                // leaves a partial report that looks complete.
                Some(path) => {
                    wenshan::output::write_atomic(&path, text.as_bytes())
                        .with_context(|| format!("无法写入报告 {}", path.display()))?;
                    if let Format::Csv = args.format {
                        let docs = path.with_extension("documents.csv");
                        wenshan::output::write_atomic(&docs, report.to_csv_documents().as_bytes())
                            .with_context(|| format!("无法写入报告 {}", docs.display()))?;
                    }
                }
                None => say!("{text}"),
            }
        }
        Command::Eval(EvalCommand::Redundancy {
            docs,
            oracle,
            sweep,
            matching,
        }) => {
            say!(
                "{}",
                wenshan::eval::redundancy(&docs, &oracle, &matching.options(), sweep)?
            );
        }
        Command::Eval(EvalCommand::WhiteHeader { docs, labels, config }) => {
            let config = config_for(config.as_ref(), &docs)?;
            say!("{}", wenshan::eval_white_header::evaluate(&docs, &labels, &config)?);
        }
        Command::Archive(cmd) => archive(cmd)?,
        Command::Check(args) => return check(args),
        Command::Gen { docs, out, seed } => {
            // Never overwrite: labels.jsonl and NNNN/*.txt would replace a user's files.
            if std::fs::read_dir(&out).is_ok_and(|mut d| d.next().is_some()) {
                anyhow::bail!(
                    "输出文件夹 {} 不为空：请指定一个新的或空的文件夹（gen 不覆盖已有文件）",
                    out.display()
                );
            }
            let planted =
                wenshan::gen::generate(&out, docs, seed).with_context(|| format!("无法写入语料 {}", out.display()))?;
            eprintln!("生成 {docs} 份文件，植入 {planted} 对重复 → {}", out.display());
        }
        Command::Eval(EvalCommand::Planted { report, docs, labels }) => {
            let json = match (report, docs) {
                (Some(r), _) => std::fs::read_to_string(&r).with_context(|| format!("无法读取 {}", r.display()))?,
                (None, Some(d)) => wenshan::scan::scan(&d, &ScanOptions::default(), &Bar::new())?.to_json(),
                (None, None) => anyhow::bail!("需要 --report 或 --docs"),
            };
            say!("{}", wenshan::eval::planted(&json, &labels)?);
        }
        Command::Fingerprint {
            path,
            format: _,
            output,
            matching,
        } => {
            let opts = matching.options();
            match output {
                Some(file) => {
                    let f = std::fs::File::create(&file).with_context(|| format!("无法写入 {}", file.display()))?;
                    wenshan::distributed::fingerprint(&path, &opts, &mut std::io::BufWriter::new(f))?;
                }
                None => wenshan::distributed::fingerprint(
                    &path,
                    &opts,
                    &mut std::io::BufWriter::new(std::io::stdout().lock()),
                )?,
            }
        }
        Command::Verify {
            pairs,
            docs,
            frequent,
            output,
            matching,
        } => {
            let read = |p: &PathBuf| std::fs::read_to_string(p).with_context(|| format!("无法读取 {}", p.display()));
            let pairs = wenshan::distributed::read_pairs(&read(&pairs)?)?;
            let frequent = match frequent {
                Some(f) => Some(wenshan::distributed::read_hashes(&read(&f)?)?),
                None => None,
            };
            let verified = wenshan::distributed::verify(&docs, &pairs, frequent, &matching.options())?;
            for p in &verified.skipped {
                eprintln!(
                    "wenshan：跳过含 {p} 的文件对：{} 中没有该文件或无法读取",
                    docs.display()
                );
            }
            let mut text = serde_json::to_string_pretty(&serde_json::json!({ "pairs": verified.pairs }))?;
            text.push('\n');
            match output {
                Some(path) => wenshan::output::write_atomic(&path, text.as_bytes())
                    .with_context(|| format!("无法写入 {}", path.display()))?,
                None => say!("{text}"),
            }
        }
        Command::Rules => say!("{}", wenshan::rules::listing()),
        Command::Explain { code } => match wenshan::rules::rule(&code) {
            Some(doc) => say!("{}", wenshan::rules::explain(doc)),
            None => anyhow::bail!("没有规则 “{code}”；运行 `wenshan rules` 查看全部规则"),
        },
        Command::Eval(EvalCommand::Reuse { corpora, matching }) => {
            for corpus in corpora {
                say!("{}", wenshan::eval::labelled(&corpus, &matching.options())?);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn check(args: CheckArgs) -> Result<ExitCode> {
    let config = config_for(args.config.as_ref(), &args.drafts[0])?;
    let opts = args.matching.options_with(&config);
    let archive = Archive::open(&args.at.dir())?;
    let detector = (!args.no_white_header).then(|| wenshan::rules::Detector::new(&config));
    let report = wenshan::check::check_files(&archive, &args.drafts, &opts, detector.as_ref())?;
    match args.format {
        CheckFormat::Json => say!("{}", report.to_json()),
        CheckFormat::Terminal => say!("{}", report.to_terminal()),
    }
    // A draft that could not be checked is an error of the run, even when
    // the others were checked and reported.
    Ok(if !report.unreadable.is_empty() {
        ExitCode::from(2)
    } else if report.findings {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn archive(cmd: ArchiveCommand) -> Result<()> {
    match cmd {
        ArchiveCommand::Add { paths, at, limits } => {
            let dir = at.dir();
            let config = config_for(None, &paths[0])?;
            let opts = ScanOptions {
                limits: limits.read_limits(),
                white_header: false,
                ..Matching::options_with(
                    &Matching {
                        radius: None,
                        threshold: None,
                        containment: None,
                        method: Method::Weighted,
                        no_passages: false,
                    },
                    &config,
                )
            };
            let mut a = Archive::open_write(&dir, &WaitMessage)?;
            let bar = Bar::new();
            let s = wenshan::check::add(&mut a, &paths, &opts, &bar)?;
            for (p, why) in &s.failed {
                eprintln!("wenshan：跳过 {p}：{why}");
            }
            let total = s.added + s.replaced + s.unchanged + s.failed.len();
            eprintln!(
                "档案库 {}：新增 {} 份，更新 {} 份，未变 {} 份，失败 {} 份；{:.1} 秒（{:.0} 份/秒），共 {} 份",
                dir.display(),
                s.added,
                s.replaced,
                s.unchanged,
                s.failed.len(),
                s.seconds,
                total as f64 / s.seconds.max(1e-9),
                a.count()?
            );
        }
        ArchiveCommand::Remove { paths, at } => {
            let mut a = Archive::open_write(&at.dir(), &WaitMessage)?;
            for p in paths {
                let key = a.key_of(&p);
                let n = a.remove(&key)?;
                if n == 0 {
                    anyhow::bail!("档案库中没有 {key}");
                }
                eprintln!("已从档案库移除 {n} 份：{key}");
            }
        }
        ArchiveCommand::List { at } => {
            let a = Archive::open(&at.dir())?;
            let mut out = String::new();
            a.list(|s| {
                out.push_str(&format!(
                    "{}\t{}\t{}\t{}\t{}\t{}\n",
                    s.path,
                    s.title.as_deref().unwrap_or(""),
                    s.doc_number.as_deref().unwrap_or(""),
                    s.date.map(|d| d.to_string()).unwrap_or_default(),
                    s.status.as_deref().unwrap_or(""),
                    wenshan::fingerprint::Fingerprint(s.simhash)
                ))
            })?;
            say!("{out}");
        }
        ArchiveCommand::Stats { at } => {
            let a = Archive::open(&at.dir())?;
            let s = a.stats()?;
            sayln!("文件数：{}", s.documents);
            sayln!("段落指纹：{}", s.passage_keys);
            sayln!("磁盘占用：{} 字节", s.bytes);
            sayln!("每份文件：{:.0} 字节（含正文）", s.per_doc(s.bytes));
            sayln!(
                "每份文件：{:.0} 字节（不含正文）",
                s.per_doc(s.bytes.saturating_sub(s.text_bytes))
            );
            sayln!(
                "每份文件：{:.0} 字节（元数据、文档指纹与索引键；不含正文与段落指纹）",
                s.per_doc(s.core_bytes())
            );
        }
        ArchiveCommand::Verify { at } => {
            let a = Archive::open(&at.dir())?;
            match a.verify() {
                Ok(n) => sayln!("档案库完整：{n} 份文件，每份的元数据、指纹、索引键与正文齐全"),
                Err(e) => anyhow::bail!("档案库不一致：{e}"),
            }
        }
        ArchiveCommand::Export {
            format: ExportFormat::Jsonl,
            output,
            at,
        } => {
            let a = Archive::open(&at.dir())?;
            let mut buf = Vec::new();
            a.export_jsonl(&mut buf)?;
            match output {
                Some(p) => {
                    wenshan::output::write_atomic(&p, &buf).with_context(|| format!("无法写入 {}", p.display()))?
                }
                None => {
                    use std::io::Write;
                    std::io::stdout().write_all(&buf)?;
                }
            }
        }
        ArchiveCommand::Status { args, csv, at } => {
            let mut a = Archive::open_write(&at.dir(), &WaitMessage)?;
            let mut pairs: Vec<(String, String)> = Vec::new();
            if let Some(file) = csv {
                let mut r = ::csv::ReaderBuilder::new()
                    .has_headers(false)
                    .flexible(true)
                    .from_path(&file)
                    .with_context(|| format!("无法读取 {}", file.display()))?;
                for rec in r.records() {
                    let rec = rec?;
                    let (Some(p), Some(st)) = (rec.get(0), rec.get(1)) else {
                        continue;
                    };
                    let p = p.trim_start_matches('\u{feff}').trim();
                    if p == "path" || p == "路径" {
                        continue;
                    }
                    pairs.push((p.to_string(), st.trim().to_string()));
                }
            }
            match args.as_slice() {
                [p, st] => pairs.push((p.clone(), st.clone())),
                [] if !pairs.is_empty() => {}
                _ => anyhow::bail!("用法：wenshan archive status 路径 状态，或 --csv 文件（每行：路径,状态）"),
            }
            for (p, st) in pairs {
                let key = a.key_of(std::path::Path::new(&p));
                let n = a.set_status(&key, &st).or_else(|_| a.set_status(&p, &st))?;
                eprintln!("{key}：{st}（{n} 份）");
            }
        }
        ArchiveCommand::Gen {
            docs,
            plant,
            planted,
            seed,
            at,
        } => {
            let raw = match &plant {
                Some(p) => Some(wenshan::read::read_file(p).with_context(|| format!("无法读取 {}", p.display()))?),
                None => None,
            };
            let mut a = Archive::open_write(&at.dir(), &WaitMessage)?;
            let g = wenshan::check::generate(&mut a, docs, raw.as_deref(), planted, seed)?;
            eprintln!("生成 {} 份文件，用时 {:.1} 秒", g.documents, g.seconds);
            for p in g.planted {
                sayln!("{p}");
            }
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(code) => code,
        // The reader went away (`| head`, a closed pager): like ripgrep, stop quietly.
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wenshan：错误：{}", describe(&e));
            ExitCode::from(2)
        }
    }
}

fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// An error and its causes, in Chinese where the cause is a common OS error
/// (their own texts are English: "No such file or directory (os error 2)").
fn describe(e: &anyhow::Error) -> String {
    e.chain()
        .map(|c| match c.downcast_ref::<std::io::Error>().map(std::io::Error::kind) {
            Some(std::io::ErrorKind::NotFound) => "路径不存在".to_string(),
            Some(std::io::ErrorKind::PermissionDenied) => "没有权限".to_string(),
            Some(std::io::ErrorKind::StorageFull) => "磁盘已满".to_string(),
            _ => c.to_string(),
        })
        .collect::<Vec<_>>()
        .join("：")
}
