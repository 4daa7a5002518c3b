//! `dataface-ops`: the launch operations package from the signal catalog.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use telemetry_ops::routing::OwnersFile;
use telemetry_ops::rules::RunbookLinks;
use telemetry_ops::support::SupportModel;

/// Generate the launch operations package (alerts, routing, dashboards, runbooks) and
/// catalog exports from the Dataface signal catalog.
#[derive(Debug, Parser)]
#[command(name = "dataface-ops", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Format {
    Json,
    Markdown,
    Semconv,
}

#[derive(Debug, clap::Args)]
struct Out {
    /// Write here instead of stdout (a file, or a directory for multi-file outputs).
    #[arg(long)]
    out: Option<PathBuf>,
}

#[derive(Debug, clap::Args)]
struct OwnersArg {
    /// The owners file (owner, page receiver, ticket receiver per line).
    #[arg(long, default_value = "ops/owners.txt")]
    owners: PathBuf,
    /// The support model (teams, escalation, communication, intake, playbooks, risks).
    #[arg(long, default_value = "ops/support.yaml")]
    support: PathBuf,
}

#[derive(Debug, clap::Args)]
struct LinksArg {
    /// Base URL (or path) the runbooks are published under; alerts link to
    /// `<base>/<surface>/<Alert>.md`.
    #[arg(long, default_value = "runbooks")]
    runbook_base_url: String,
}

/// `--histograms`.
#[derive(Debug, Clone, Copy, clap::ValueEnum)]
enum HistogramsArg {
    /// The catalog's buckets (`_bucket`, `_count`, `_sum`).
    Classic,
    /// Prometheus native histograms.
    Native,
}

impl From<HistogramsArg> for telemetry_ops::native::Histograms {
    fn from(arg: HistogramsArg) -> Self {
        match arg {
            HistogramsArg::Classic => Self::Classic,
            HistogramsArg::Native => Self::Native,
        }
    }
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The whole catalog as JSON, markdown or a semantic-convention registry.
    Catalog {
        /// Output format.
        #[arg(long, value_enum, default_value = "json")]
        format: Format,
        #[command(flatten)]
        out: Out,
    },
    /// Prometheus rule files, one per surface (stdout: all of them, one after another).
    Alerts {
        #[command(flatten)]
        links: LinksArg,
        #[command(flatten)]
        out: Out,
    },
    /// The Alertmanager configuration routing by owner.
    Routing {
        #[command(flatten)]
        owners: OwnersArg,
        #[command(flatten)]
        out: Out,
    },
    /// A Grafana dashboard JSON per surface.
    Dashboards {
        #[command(flatten)]
        out: Out,
    },
    /// A markdown runbook per alert.
    Runbooks {
        #[command(flatten)]
        owners: OwnersArg,
        #[command(flatten)]
        out: Out,
    },
    /// Series and samples per surface per process and at N pods, with classic and native
    /// histograms, against each section's declared budget (worst case, from the catalog).
    Budget {
        /// The pod count to multiply by.
        #[arg(long, default_value_t = telemetry_ops::budget::DEFAULT_PODS)]
        pods: usize,
        /// Also list every metric, largest first, with the labels that multiply it.
        #[arg(long)]
        metrics: bool,
        /// Also list the zero_init marks the rules allow (derived from the objectives'
        /// selectors) that the catalog does not declare yet.
        #[arg(long)]
        zero_init: bool,
    },
    /// Compare two catalog JSON files; exits 1 on a breaking change without a major bump.
    Diff {
        /// The catalog before.
        old: PathBuf,
        /// The catalog after.
        new: PathBuf,
    },
    /// The launch drill: every card's failure modes injected live against a real Prometheus
    /// and Alertmanager; writes drill.json and drill.html; exits 1 on a failed expectation.
    Drill(DrillArgs),
    /// The readiness review of each task card (risk register, go/no-go, shift checklists,
    /// post-release verification, playbooks, a computed "Review cleared"): writes
    /// readiness.json, readiness.md and readiness.html.
    Readiness {
        /// Where to write the review.
        #[arg(long)]
        out: PathBuf,
        /// The last drill report.
        #[arg(long, default_value = "target/drill/drill.json")]
        drill: PathBuf,
        /// The reviewed contract the catalog must equal.
        #[arg(long, default_value = "ops/catalog.json")]
        contract: PathBuf,
        #[command(flatten)]
        owners: OwnersArg,
    },
    /// Everything above, under one directory.
    Generate {
        /// Where to write the package.
        #[arg(long)]
        out: PathBuf,
        /// The histograms the fleet's scrape serves (`DATAFACE_PROMETHEUS_HISTOGRAMS`):
        /// `native` makes every rule, panel and runbook query read native histograms.
        #[arg(long, value_enum, default_value = "classic")]
        histograms: HistogramsArg,
        #[command(flatten)]
        owners: OwnersArg,
        #[command(flatten)]
        links: LinksArg,
    },
}

/// Writes to stdout like `print!`; a reader that went away (`dataface-ops … | head`) ends
/// the program quietly and successfully, as a Unix filter does, instead of a panic.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = write!(std::io::stdout().lock(), $($arg)*) {
            stdout_failed(&e);
        }
    }};
}

/// [`out!`] with a newline.
macro_rules! outln {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if let Err(e) = writeln!(std::io::stdout().lock(), $($arg)*) {
            stdout_failed(&e);
        }
    }};
}

fn stdout_failed(e: &std::io::Error) -> ! {
    if e.kind() == std::io::ErrorKind::BrokenPipe {
        std::process::exit(0);
    }
    eprintln!("dataface-ops: cannot write to stdout: {e}");
    std::process::exit(2);
}

fn fail(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("dataface-ops: {message}");
    ExitCode::from(2)
}

fn owners(path: &Path) -> Result<OwnersFile, String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "cannot read the owners file {}: {e}; pass --owners PATH (format: ops/owners.txt)",
            path.display()
        )
    })?;
    OwnersFile::parse(&text, &telemetry_ops::OPERATIONS).map_err(|e| e.to_string())
}

/// The support model at `path`, parsed (not yet checked against the product).
fn support_model(path: &Path) -> Result<SupportModel, String> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        format!(
            "cannot read the support model {}: {e}; pass --support PATH (format: ops/support.yaml)",
            path.display()
        )
    })?;
    SupportModel::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
}

/// The owners file and the support model, the latter checked against the former.
fn ops(args: &OwnersArg) -> Result<(OwnersFile, SupportModel), String> {
    let owners = owners(&args.owners)?;
    let support = support_model(&args.support)?;
    support
        .validate(&telemetry_ops::OPERATIONS, &owners)
        .map_err(|e| format!("{}: {e}", args.support.display()))?;
    Ok((owners, support))
}

/// Writes `files` under `out`, or prints them (with a header line each) to stdout.
fn emit(files: Vec<(PathBuf, String)>, out: &Option<PathBuf>, single: bool) -> ExitCode {
    match out {
        Some(path) if single && files.len() == 1 => match telemetry_ops::write(path, &files[0].1) {
            Ok(()) => ExitCode::SUCCESS,
            Err(e) => fail(e),
        },
        Some(dir) => {
            for (rel, contents) in &files {
                if let Err(e) = telemetry_ops::write(&dir.join(rel), contents) {
                    return fail(e);
                }
                outln!("wrote {}", dir.join(rel).display());
            }
            ExitCode::SUCCESS
        }
        None => {
            let many = files.len() > 1;
            for (rel, contents) in files {
                if many {
                    outln!("# ---- {}", rel.display());
                }
                out!("{contents}");
            }
            ExitCode::SUCCESS
        }
    }
}

fn subset(
    prefix: &str,
    links: &RunbookLinks,
    ops: Option<&(OwnersFile, SupportModel)>,
) -> Vec<(PathBuf, String)> {
    let fallback;
    let (owners, support) = match ops {
        Some(o) => o,
        None => {
            fallback = (OwnersFile::default(), SupportModel::default());
            &fallback
        }
    };
    telemetry_ops::package(&telemetry_ops::OPERATIONS, owners, support, links)
        .into_iter()
        .filter(|(p, _)| p.starts_with(prefix))
        .map(|(p, c)| {
            (
                p.strip_prefix(prefix).map(Path::to_path_buf).unwrap_or(p),
                c,
            )
        })
        .collect()
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let product = &telemetry_ops::OPERATIONS;
    let default_links = RunbookLinks {
        base: "runbooks".into(),
    };
    // Nothing is generated from a catalog or alerts that break a rule (for the histograms
    // the fleet's scrape serves); the budget report is printed for a catalog over its
    // budget too (that is when it is read).
    let histograms = match &cli.command {
        Command::Generate { histograms, .. } => (*histograms).into(),
        Command::Drill(args) => args.histograms.into(),
        _ => telemetry_ops::native::Histograms::Classic,
    };
    if !matches!(cli.command, Command::Diff { .. } | Command::Budget { .. }) {
        if let Err(e) = product.validate_for(histograms) {
            return fail(e);
        }
    }
    match cli.command {
        Command::Catalog { format, out } => {
            let files = match format {
                Format::Json => vec![(
                    PathBuf::from("catalog.json"),
                    telemetry_ops::json::catalog_json(product) + "\n",
                )],
                Format::Markdown => vec![(
                    PathBuf::from("catalog.md"),
                    telemetry_ops::export::markdown(product),
                )],
                // The registry and its manifest: `--out` names their directory.
                Format::Semconv => telemetry_ops::export::semconv_files(product.catalog),
            };
            emit(files, &out.out, true)
        }
        Command::Alerts { links, out } => emit(
            subset(
                "alerts",
                &RunbookLinks {
                    base: links.runbook_base_url,
                },
                None,
            ),
            &out.out,
            false,
        ),
        // The routing is checked with the support model: every team it names is routed.
        Command::Routing { owners: o, out } => match ops(&o) {
            Ok((o, _)) => emit(
                vec![(
                    PathBuf::from("alertmanager.yml"),
                    telemetry_ops::routing::alertmanager_config(&o),
                )],
                &out.out,
                true,
            ),
            Err(e) => fail(e),
        },
        Command::Dashboards { out } => {
            emit(subset("dashboards", &default_links, None), &out.out, false)
        }
        Command::Runbooks { owners: o, out } => match ops(&o) {
            Ok(o) => emit(
                subset("runbooks", &default_links, Some(&o)),
                &out.out,
                false,
            ),
            Err(e) => fail(e),
        },
        Command::Budget {
            pods,
            metrics,
            zero_init,
        } => {
            out!("{}", telemetry_ops::budget::table(product.catalog, pods));
            if metrics {
                outln!();
                out!("{}", telemetry_ops::budget::metrics_table(product.catalog));
            }
            if zero_init {
                outln!();
                for line in telemetry_ops::budget::zero_init_suggestions(product) {
                    outln!("- {line}");
                }
                for line in telemetry_ops::budget::zero_init_gaps(product) {
                    outln!("- missing: {line}");
                }
            }
            if let Err(e) = product.validate() {
                return fail(e);
            }
            ExitCode::SUCCESS
        }
        Command::Diff { old, new } => {
            let read = |p: &Path| -> Result<serde_json::Value, String> {
                let text = std::fs::read_to_string(p)
                    .map_err(|e| format!("cannot read {}: {e}", p.display()))?;
                serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", p.display()))
            };
            let (old_v, new_v) = match (read(&old), read(&new)) {
                (Ok(o), Ok(n)) => (o, n),
                (Err(e), _) | (_, Err(e)) => return fail(e),
            };
            let diff = match telemetry_ops::diff::diff(&old_v, &new_v) {
                Ok(d) => d,
                Err(e) => return fail(e),
            };
            outln!("catalog {} -> {}", diff.old_version, diff.new_version);
            if diff.changes.is_empty() {
                outln!("no change");
            }
            for c in &diff.changes {
                outln!("  {c}");
            }
            if diff.acceptable() {
                ExitCode::SUCCESS
            } else {
                eprintln!(
                    "dataface-ops: breaking change(s) without a major version bump: raise the catalog version to {} (or undo the breaking change)",
                    diff.next_major()
                );
                ExitCode::from(1)
            }
        }
        Command::Drill(args) => drill(args),
        Command::Readiness {
            out,
            drill,
            contract,
            owners: o,
        } => readiness(&out, drill, &contract, &o),
        Command::Generate {
            out,
            histograms,
            owners: o,
            links,
        } => {
            let (owners, support) = match ops(&o) {
                Ok(o) => o,
                Err(e) => return fail(e),
            };
            let links = RunbookLinks {
                base: links.runbook_base_url,
            };
            match telemetry_ops::generate_for(
                product,
                &owners,
                &support,
                &links,
                &out,
                histograms.into(),
            ) {
                Ok(written) => {
                    outln!("wrote {} files under {}", written.len(), out.display());
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
    }
}

fn readiness(out: &Path, drill: PathBuf, contract: &Path, o: &OwnersArg) -> ExitCode {
    use telemetry_ops::readiness;
    let owners = match owners(&o.owners) {
        Ok(x) => x,
        Err(e) => return fail(e),
    };
    // An invalid support model is a go/no-go item of the review, not a reason to write none;
    // a file that does not parse is.
    let support = match support_model(&o.support) {
        Ok(s) => s,
        Err(e) => return fail(e),
    };
    let json = |p: &Path| -> Option<serde_json::Value> {
        serde_json::from_str(&std::fs::read_to_string(p).ok()?).ok()
    };
    let evidence = readiness::Evidence {
        product: &telemetry_ops::OPERATIONS,
        owners: &owners,
        support: &support,
        contract: json(contract),
        drill: json(&drill),
        drill_path: drill,
    };
    let review = readiness::review(&evidence);
    let files = [
        (
            "readiness.json",
            serde_json::to_string_pretty(&review).expect("the review serialises") + "\n",
        ),
        ("readiness.md", readiness::markdown(&review)),
        ("readiness.html", readiness::html(&review)),
    ];
    for (name, text) in &files {
        if let Err(e) = telemetry_ops::write(&out.join(name), text) {
            return fail(e);
        }
    }
    for i in review.go_no_go.iter().filter(|i| !i.satisfied) {
        outln!("no-go    {}: {}", i.item, i.evidence);
    }
    for c in &review.cards {
        outln!(
            "card {}  review {}  {} risks, {} open, {} blocker(s)",
            c.card,
            if c.review_cleared {
                "cleared"
            } else {
                "NOT cleared"
            },
            c.risks.len(),
            c.risks.iter().filter(|r| !r.clears()).count(),
            c.blockers.len()
        );
    }
    outln!("wrote {}", out.join("readiness.{json,md,html}").display());
    ExitCode::SUCCESS
}

// The drill's options (its help text is the `Drill` command's).
#[derive(Debug, clap::Args)]
struct DrillArgs {
    /// Where drill.json, drill.html and the run's files go.
    #[arg(long)]
    out: Option<PathBuf>,
    /// The drill-workload binary (default: $DATAFACE_DRILL_WORKLOAD, else
    /// drill-workload beside this binary).
    #[arg(long)]
    workload: Option<PathBuf>,
    /// Production durations are divided by this factor.
    #[arg(long, default_value_t = 240.0)]
    factor: f64,
    /// Prometheus' scrape and rule evaluation interval, milliseconds (default 500; 1000
    /// with `--histograms native`, whose rules Prometheus could not evaluate every 500 ms
    /// on 2 cores: docs/performance.md).
    #[arg(long)]
    interval_ms: Option<u64>,
    /// How long the healthy baseline runs, seconds of real time.
    #[arg(long, default_value_t = 45)]
    healthy_seconds: u64,
    /// Run only these scenarios (comma-separated names); `none` runs the baseline only.
    #[arg(long, value_delimiter = ',')]
    only: Option<Vec<String>>,
    /// List the scenarios and exit.
    #[arg(long)]
    list: bool,
    /// The histograms the workloads' scrapes serve and the rules read.
    #[arg(long, value_enum, default_value = "classic")]
    histograms: HistogramsArg,
    #[command(flatten)]
    owners: OwnersArg,
}

fn drill(args: DrillArgs) -> ExitCode {
    use telemetry_ops::drill;
    if args.list {
        let (run, skipped) = match drill::select(None) {
            Ok(x) => x,
            Err(e) => return fail(e),
        };
        for s in &run {
            outln!("{:<40} {:<14} {}", s.name, s.lane, s.expected.join(", "));
        }
        for s in &skipped {
            outln!(
                "{:<40} {:<14} not run: alert(s) {} missing",
                s.scenario.name,
                s.scenario.lane,
                s.missing_alerts.join(", ")
            );
        }
        return ExitCode::SUCCESS;
    }
    let Some(out) = args.out else {
        return fail("--out DIR is required (where drill.json and drill.html go)");
    };
    let (owners, support) = match ops(&args.owners) {
        Ok(o) => o,
        Err(e) => return fail(e),
    };
    let workload = args
        .workload
        .or_else(|| std::env::var_os("DATAFACE_DRILL_WORKLOAD").map(PathBuf::from))
        .or_else(|| {
            std::env::current_exe()
                .ok()
                .and_then(|p| p.parent().map(|d| d.join("drill-workload")))
        })
        .unwrap_or_else(|| PathBuf::from("drill-workload"));
    let mut opts = drill::DrillOptions::new(out.clone(), workload, owners, support);
    opts.factor = args.factor;
    opts.histograms = args.histograms.into();
    let default_interval = match args.histograms {
        HistogramsArg::Classic => 500,
        HistogramsArg::Native => 1000,
    };
    opts.interval =
        std::time::Duration::from_millis(args.interval_ms.unwrap_or(default_interval).max(1));
    opts.healthy = std::time::Duration::from_secs(args.healthy_seconds);
    opts.only = args.only.map(|o| {
        o.into_iter()
            .filter(|n| n != "none" && !n.is_empty())
            .collect()
    });
    let report = match drill::run(&opts) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    outln!(
        "healthy baseline: {} notifications in {:.0} s ({:.1} production hours)",
        report.healthy.notifications.len(),
        report.healthy.seconds,
        report.healthy.production_hours
    );
    for r in &report.scenarios {
        for e in &r.expected {
            outln!(
                "{:<8} {:<40} {:<40} ttd {:>6} s  theory {:>6.2} s  ratio {}",
                if r.passed() { "ok" } else { "FAILED" },
                r.scenario.name,
                e.alertname,
                e.ttd_seconds.map_or("-".into(), |t| format!("{t:.2}")),
                e.theory.total,
                e.ratio.map_or("-".into(), |x| format!("{x:.2}"))
            );
        }
        for f in &r.failures {
            outln!("         {f}");
        }
    }
    for s in &report.skipped {
        outln!(
            "skipped  {:<40} alert(s) missing: {}",
            s.scenario.name,
            s.missing_alerts.join(", ")
        );
    }
    for n in &report.unexpected {
        outln!("undeclared notification: {} to {}", n.alertname, n.receiver);
    }
    if !report.healthy.watchdog_delivered {
        // No notification reached the drill's sink: show why Alertmanager did not deliver.
        let log = out.join("drill-run/alertmanager.log");
        let text = std::fs::read_to_string(&log).unwrap_or_default();
        let lines: Vec<&str> = text.lines().collect();
        outln!(
            "the Watchdog never reached the dead man's switch; the last lines of {}:",
            log.display()
        );
        for line in &lines[lines.len().saturating_sub(20)..] {
            outln!("  {line}");
        }
    }
    outln!(
        "drill {} in {:.0} s: {}/{} scenarios passed; wrote {} and {}",
        if report.passed() { "passed" } else { "FAILED" },
        report.wall_seconds,
        report.scenarios.iter().filter(|r| r.passed()).count(),
        report.scenarios.len(),
        out.join("drill.json").display(),
        out.join("drill.html").display()
    );
    if report.passed() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    }
}
