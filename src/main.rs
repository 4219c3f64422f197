//! The `wenshan` command: parses arguments and calls the library.
//! Exit codes: 0 the run completed (findings are not errors), 2 the run failed.

use anyhow::{Context, Result};
use clap::{Args, Parser, Subcommand, ValueEnum};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use wenshan::fingerprint::Method;
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
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    /// Chinese report for people.
    Terminal,
    /// One JSON object (contract version 1).
    Json,
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
            let report = wenshan::scan::scan(&args.path, &args.matching.options(), &Bar::new())?;
            let text = match args.format {
                Format::Json => report.to_json(),
                Format::Terminal => report.to_terminal(),
            };
            match args.output {
                Some(path) => {
                    std::fs::write(&path, text).with_context(|| format!("无法写入报告 {}", path.display()))?
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
