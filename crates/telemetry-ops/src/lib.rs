//! # telemetry-ops
//!
//! The launch operations package, generated from the same catalog the probes emit from, so
//! a renamed metric cannot leave a dead alert behind: Prometheus rule files (recording
//! rules for the burn-rate ratios, alerts labelled with severity, owner and surface,
//! annotated with summary, description and runbook URL), an Alertmanager configuration
//! routing by owner, a Grafana dashboard per surface, a runbook per alert, the catalog as
//! JSON, markdown and an OpenTelemetry semantic-convention registry, and a catalog diff that
//! tells breaking from additive changes. The `dataface-ops` binary drives it.
//!
//! ```no_run
//! let owners = telemetry_ops::routing::OwnersFile::parse(
//!     &std::fs::read_to_string("ops/owners.txt")?,
//!     &dataface_telemetry::CATALOG,
//! )?;
//! let links = telemetry_ops::rules::RunbookLinks { base: "runbooks".into() };
//! let written = telemetry_ops::generate(
//!     &dataface_telemetry::CATALOG, &owners, &links, std::path::Path::new("ops/generated"))?;
//! println!("{} files", written.len());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod dashboards;
pub mod diff;
pub mod export;
pub mod promql;
pub mod routing;
pub mod rules;
pub mod runbooks;
pub mod yaml;

use std::path::{Path, PathBuf};
use telemetry_core::catalog::Catalog;

/// The files of the package, as `(relative path, contents)`.
pub fn package(
    catalog: &Catalog,
    owners: &routing::OwnersFile,
    links: &rules::RunbookLinks,
) -> Vec<(PathBuf, String)> {
    let mut files = vec![
        (PathBuf::from("catalog.json"), catalog.to_json() + "\n"),
        (PathBuf::from("catalog.md"), export::markdown(catalog)),
        (
            PathBuf::from("semconv/registry.yaml"),
            export::semconv(catalog),
        ),
        (
            PathBuf::from("alertmanager.yml"),
            routing::alertmanager_config(owners),
        ),
    ];
    for section in catalog.sections {
        if let Some(rules) = rules::rule_file(section, links) {
            files.push((
                PathBuf::from(format!("alerts/{}.rules.yml", section.surface)),
                rules,
            ));
        }
        files.push((
            PathBuf::from(format!("dashboards/{}.json", section.surface)),
            serde_json::to_string_pretty(&dashboards::dashboard(section))
                .expect("dashboard JSON serialises")
                + "\n",
        ));
        for alert in section.alerts {
            files.push((
                PathBuf::from(format!("runbooks/{}/{}.md", section.surface, alert.name)),
                runbooks::runbook(section, alert, owners),
            ));
        }
    }
    files
}

/// Writes the whole package under `out`; returns the paths written.
///
/// # Errors
/// The first I/O error, with the path it concerns.
pub fn generate(
    catalog: &Catalog,
    owners: &routing::OwnersFile,
    links: &rules::RunbookLinks,
    out: &Path,
) -> Result<Vec<PathBuf>, WriteError> {
    let mut written = Vec::new();
    for (rel, contents) in package(catalog, owners, links) {
        let path = out.join(&rel);
        write(&path, &contents)?;
        written.push(path);
    }
    Ok(written)
}

/// Writes `contents` to `path`, creating its directory.
///
/// # Errors
/// [`WriteError`] naming the path.
pub fn write(path: &Path, contents: &str) -> Result<(), WriteError> {
    let err = |source| WriteError {
        path: path.to_owned(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(err)?;
    }
    std::fs::write(path, contents).map_err(err)
}

/// A file could not be written.
#[derive(Debug, thiserror::Error)]
#[error("cannot write {}: {source}", path.display())]
pub struct WriteError {
    /// The file.
    pub path: PathBuf,
    /// The I/O error.
    #[source]
    pub source: std::io::Error,
}
