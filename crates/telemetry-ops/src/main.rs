//! `dataface-ops`: the launch operations package from the signal catalog.

use clap::{Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use telemetry_ops::routing::OwnersFile;
use telemetry_ops::rules::RunbookLinks;

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
}

#[derive(Debug, clap::Args)]
struct LinksArg {
    /// Base URL (or path) the runbooks are published under; alerts link to
    /// `<base>/<surface>/<Alert>.md`.
    #[arg(long, default_value = "runbooks")]
    runbook_base_url: String,
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
    /// Compare two catalog JSON files; exits 1 on a breaking change without a major bump.
    Diff {
        /// The catalog before.
        old: PathBuf,
        /// The catalog after.
        new: PathBuf,
    },
    /// Everything above, under one directory.
    Generate {
        /// Where to write the package.
        #[arg(long)]
        out: PathBuf,
        #[command(flatten)]
        owners: OwnersArg,
        #[command(flatten)]
        links: LinksArg,
    },
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
                println!("wrote {}", dir.join(rel).display());
            }
            ExitCode::SUCCESS
        }
        None => {
            let many = files.len() > 1;
            for (rel, contents) in files {
                if many {
                    println!("# ---- {}", rel.display());
                }
                print!("{contents}");
            }
            ExitCode::SUCCESS
        }
    }
}

fn subset(
    prefix: &str,
    links: &RunbookLinks,
    owners: Option<&OwnersFile>,
) -> Vec<(PathBuf, String)> {
    let fallback;
    let owners = match owners {
        Some(o) => o,
        None => {
            fallback = OwnersFile::default();
            &fallback
        }
    };
    telemetry_ops::package(&telemetry_ops::OPERATIONS, owners, links)
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
    // Nothing is generated from a catalog or alerts that break a rule.
    if !matches!(cli.command, Command::Diff { .. }) {
        if let Err(e) = product.validate() {
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
        Command::Routing { owners: o, out } => match owners(&o.owners) {
            Ok(o) => emit(
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
        Command::Runbooks { owners: o, out } => match owners(&o.owners) {
            Ok(o) => emit(
                subset("runbooks", &default_links, Some(&o)),
                &out.out,
                false,
            ),
            Err(e) => fail(e),
        },
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
            println!("catalog {} -> {}", diff.old_version, diff.new_version);
            if diff.changes.is_empty() {
                println!("no change");
            }
            for c in &diff.changes {
                println!("  {c}");
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
        Command::Generate {
            out,
            owners: o,
            links,
        } => {
            let owners = match owners(&o.owners) {
                Ok(o) => o,
                Err(e) => return fail(e),
            };
            let links = RunbookLinks {
                base: links.runbook_base_url,
            };
            match telemetry_ops::generate(product, &owners, &links, &out) {
                Ok(written) => {
                    println!("wrote {} files under {}", written.len(), out.display());
                    ExitCode::SUCCESS
                }
                Err(e) => fail(e),
            }
        }
    }
}
