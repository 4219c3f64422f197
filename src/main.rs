//! The `wenshan` command: parses arguments and calls the library.
//! Exit codes: 0 the run completed (findings are not errors), 2 the run failed.

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use wenshan::config::Config;
use wenshan::fingerprint::Method;
use wenshan::read::ReadLimits;
use wenshan::scan::{Progress, ScanOptions, DEFAULT_RADIUS};
use wenshan::verify::Thresholds;

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
    /// Hamming radius for candidate pairs.
    #[arg(long, default_value_t = DEFAULT_RADIUS)]
    radius: u32,
    /// Similarity (5-gram Jaccard) at or above which documents are near-duplicates.
    #[arg(long, default_value_t = 0.8)]
    threshold: f64,
    /// Containment at or above which a pair is reported as containment.
    #[arg(long, default_value_t = 0.8)]
    containment: f64,
    /// Fingerprint method.
    #[arg(long, value_enum, default_value_t = Method::Weighted)]
    method: Method,
    /// Document-level matching only: no passage fingerprints, aligned
    /// passages, reissue detection or copy ratios (faster).
    #[arg(long)]
    no_passages: bool,
}

impl Matching {
    fn options(&self) -> ScanOptions {
        ScanOptions {
            method: self.method,
            radius: self.radius,
            thresholds: Thresholds {
                similarity: self.threshold,
                containment: self.containment,
            },
            passages: !self.no_passages,
            ..ScanOptions::default()
        }
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
struct Bar(ProgressBar);

impl Bar {
    fn new() -> Bar {
        let target = if std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(None, target);
        bar.set_style(
            ProgressStyle::with_template("{spinner} 读取与分析 [{bar:30}] {pos}/{len} 份 {per_sec} 剩余 {eta}")
                .unwrap_or_else(|_| ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        Bar(bar)
    }
}

impl Progress for Bar {
    fn start(&self, total: usize) {
        self.0.set_length(total as u64);
    }
    fn advance(&self) {
        self.0.inc(1);
    }
    fn finish(&self) {
        self.0.finish_and_clear();
    }
}

fn run(cli: Cli) -> Result<()> {
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
                ..args.matching.options()
            };
            opts.white_header = !args.no_white_header;
            let report = wenshan::scan::scan_with(&args.path, &opts, &config, &Bar::new())?;
            if let (Format::Json, Some(path)) = (args.format, &args.output) {
                // Streamed: a report of a million documents is gigabytes of JSON.
                wenshan::output::write_atomic_with(path, |w| report.write_json(w))
                    .with_context(|| format!("无法写入报告 {}", path.display()))?;
                return Ok(());
            }
            let text = match args.format {
                Format::Json => report.to_json(),
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
                None => print!("{text}"),
            }
        }
        Command::Eval(EvalCommand::Redundancy {
            docs,
            oracle,
            sweep,
            matching,
        }) => {
            print!(
                "{}",
                wenshan::eval::redundancy(&docs, &oracle, &matching.options(), sweep)?
            );
        }
        Command::Eval(EvalCommand::WhiteHeader { docs, labels, config }) => {
            let config = config_for(config.as_ref(), &docs)?;
            print!("{}", wenshan::eval_white_header::evaluate(&docs, &labels, &config)?);
        }
        Command::Gen { docs, out, seed } => {
            let planted =
                wenshan::gen::generate(&out, docs, seed).with_context(|| format!("无法写入语料 {}", out.display()))?;
            eprintln!("{docs} documents, {planted} planted pairs → {}", out.display());
        }
        Command::Eval(EvalCommand::Planted { report, docs, labels }) => {
            let json = match (report, docs) {
                (Some(r), _) => std::fs::read_to_string(&r).with_context(|| format!("无法读取 {}", r.display()))?,
                (None, Some(d)) => wenshan::scan::scan(&d, &ScanOptions::default(), &Bar::new())?.to_json(),
                (None, None) => anyhow::bail!("需要 --report 或 --docs"),
            };
            print!("{}", wenshan::eval::planted(&json, &labels)?);
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
            let found = wenshan::distributed::verify(&docs, &pairs, frequent, &matching.options())?;
            let mut text = serde_json::to_string_pretty(&serde_json::json!({ "pairs": found }))?;
            text.push('\n');
            match output {
                Some(path) => wenshan::output::write_atomic(&path, text.as_bytes())
                    .with_context(|| format!("无法写入 {}", path.display()))?,
                None => print!("{text}"),
            }
        }
        Command::Rules => print!("{}", wenshan::rules::listing()),
        Command::Explain { code } => match wenshan::rules::rule(&code) {
            Some(doc) => print!("{}", wenshan::rules::explain(doc)),
            None => anyhow::bail!("没有规则 “{code}”；运行 `wenshan rules` 查看全部规则"),
        },
        Command::Eval(EvalCommand::Reuse { corpora, matching }) => {
            for corpus in corpora {
                print!("{}", wenshan::eval::labelled(&corpus, &matching.options())?);
            }
        }
    }
    Ok(())
}

fn main() -> ExitCode {
    match run(Cli::parse()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("wenshan：错误：{e:#}");
            ExitCode::from(2)
        }
    }
}
