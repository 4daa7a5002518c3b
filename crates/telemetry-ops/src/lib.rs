//! # telemetry-ops
//!
//! The launch operations package, generated from the same catalog the probes emit from, so
//! a renamed metric cannot leave a dead alert behind: Prometheus rule files (recording
//! rules for the burn-rate ratios, alerts labelled with severity, owner and surface,
//! annotated with summary, description and runbook URL), an Alertmanager configuration
//! routing by owner, a Grafana dashboard per surface, a runbook per alert (escalation and
//! communication from the support model, [`support`]), the pager escalation policies, the catalog as
//! JSON, markdown and an OpenTelemetry semantic-convention registry, and a catalog diff that
//! tells breaking from additive changes. The `dataface-ops` binary drives it.
//!
//! The objectives and alerts live here, not in what a service links: one module per
//! surface under [`alerts`], each kind of objective in one file under [`objective`].
//!
//! ```no_run
//! let product = &telemetry_ops::OPERATIONS;
//! let owners = telemetry_ops::routing::OwnersFile::parse(
//!     &std::fs::read_to_string("ops/owners.txt")?,
//!     product,
//! )?;
//! let support = telemetry_ops::support::SupportModel::parse(
//!     &std::fs::read_to_string("ops/support.yaml")?,
//! )?;
//! support.validate(product, &owners)?;
//! let links = telemetry_ops::rules::RunbookLinks { base: "runbooks".into() };
//! let written = telemetry_ops::generate(
//!     product,
//!     &owners,
//!     &support,
//!     &links,
//!     std::path::Path::new("ops/generated"),
//! )?;
//! println!("{} files", written.len());
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub mod alert;
pub mod alert_tests;
pub mod alerts;
pub mod budget;
pub mod dashboards;
pub mod diff;
pub mod drill;
pub mod export;
pub mod json;
pub mod native;
pub mod objective;
pub mod promql;
pub mod readiness;
pub mod routing;
pub mod rules;
pub mod runbooks;
pub mod support;
mod templates;

use alert::AlertSpec;
use std::path::{Path, PathBuf};
use telemetry_core::catalog::{Catalog, Section};

/// The product's signal catalog: telemetry-core's section and every surface's, under the
/// product's catalog version. The facade's `CATALOG` is the same list (a test there keeps
/// them equal).
pub static PRODUCT: Catalog = Catalog {
    version: "4.0.0",
    sections: &[
        &telemetry_core::signals::CORE_SECTION,
        &compiler_probes::catalog::SECTION,
        &context_probes::catalog::SECTION,
        &profiler_probes::catalog::SECTION,
        &cloud_probes::catalog::SECTION,
        &integrations_probes::catalog::SECTION,
    ],
};

/// The product catalog with every surface's alerts: what the package is generated from.
pub static OPERATIONS: Product = Product {
    catalog: &PRODUCT,
    surfaces: alerts::SURFACES,
};

/// A catalog and the alerts on its surfaces.
#[derive(Debug, Clone, Copy)]
pub struct Product {
    /// The signal catalog.
    pub catalog: &'static Catalog,
    /// The alerts, per section.
    pub surfaces: &'static [alerts::Surface],
}

impl Product {
    /// The alerts declared on `section` (none when no surface names it).
    pub fn alerts_of(&self, section: &Section) -> &'static [AlertSpec] {
        self.surfaces
            .iter()
            .find(|s| s.section == section)
            .map_or(&[], |s| s.alerts)
    }

    /// Every alert, in surface order.
    pub fn alerts(&self) -> impl Iterator<Item = &'static AlertSpec> + '_ {
        self.surfaces.iter().flat_map(|s| s.alerts.iter())
    }

    /// Checks the catalog ([`Catalog::validate`]) and every alert against it
    /// ([`alerts::validate`]), for a scrape with classic histograms.
    ///
    /// # Errors
    /// [`ProductError`] with every violation of the first check that fails.
    pub fn validate(&self) -> Result<(), ProductError> {
        self.validate_for(native::Histograms::Classic)
    }

    /// As [`validate`](Self::validate), for a fleet whose scrape serves `histograms`
    /// ([`alerts::validate_for`]: native histograms judge a latency threshold between
    /// bucket boundaries).
    ///
    /// # Errors
    /// [`ProductError`] with every violation of the first check that fails.
    pub fn validate_for(&self, histograms: native::Histograms) -> Result<(), ProductError> {
        self.catalog.validate()?;
        alerts::validate_for(self.catalog, self.surfaces, histograms)?;
        Ok(())
    }
}

/// Why a product's catalog or alerts are not ready to generate from.
#[derive(Debug, thiserror::Error)]
pub enum ProductError {
    /// The catalog breaks a rule.
    #[error(transparent)]
    Catalog(#[from] telemetry_core::catalog::CatalogViolations),
    /// An alert breaks a rule.
    #[error(transparent)]
    Alerts(#[from] alerts::AlertViolations),
}

/// The files of the package, as `(relative path, contents)`, for a scrape with classic
/// histograms (see [`package_for`]).
pub fn package(
    product: &Product,
    owners: &routing::OwnersFile,
    support: &support::SupportModel,
    links: &rules::RunbookLinks,
) -> Vec<(PathBuf, String)> {
    package_for(product, owners, support, links, native::Histograms::Classic)
        .expect("the classic package rewrites no query")
}

/// The files of the package, as `(relative path, contents)`, reading the histograms the
/// scrape serves. With [`native::Histograms::Native`] every rule, dashboard panel and
/// runbook query reads the native series ([`native::rewrite`]), and a surface whose rules
/// read a histogram gets no promtool test file: promtool 2.42 cannot write native
/// histograms in a test's input series (the classic package's tests prove the same alert
/// logic).
///
/// # Errors
/// A query with no native form, naming the file.
pub fn package_for(
    product: &Product,
    owners: &routing::OwnersFile,
    support: &support::SupportModel,
    links: &rules::RunbookLinks,
    histograms: native::Histograms,
) -> Result<Vec<(PathBuf, String)>, GenerateError> {
    let catalog = product.catalog;
    let names = match histograms {
        native::Histograms::Classic => None,
        native::Histograms::Native => Some(native::histogram_names(catalog)),
    };
    let read = |file: &str, expr: String| -> Result<String, GenerateError> {
        match &names {
            None => Ok(expr),
            Some(names) => native::rewrite(&expr, names).map_err(|problem| GenerateError::Native {
                file: PathBuf::from(file),
                problem,
            }),
        }
    };
    let dashboard = |file: &str, mut value: serde_json::Value| -> Result<String, GenerateError> {
        if let Some(panels) = value["panels"].as_array_mut() {
            for panel in panels {
                if let Some(targets) = panel["targets"].as_array_mut() {
                    for target in targets {
                        if let Some(expr) = target["expr"].as_str() {
                            target["expr"] = read(file, expr.to_owned())?.into();
                        }
                    }
                }
            }
        }
        Ok(serde_json::to_string_pretty(&value).expect("dashboard JSON serialises") + "\n")
    };
    let mut files = vec![
        (
            PathBuf::from("catalog.json"),
            json::catalog_json(product) + "\n",
        ),
        (PathBuf::from("catalog.md"), export::markdown(product)),
        (
            PathBuf::from("semconv/registry.yaml"),
            export::semconv(catalog),
        ),
        (
            PathBuf::from("semconv/registry_manifest.yaml"),
            export::semconv_manifest(catalog),
        ),
        (
            PathBuf::from("alertmanager.yml"),
            routing::alertmanager_config(owners),
        ),
        (
            PathBuf::from("support/escalation-policies.json"),
            serde_json::to_string_pretty(&support.escalation_policies())
                .expect("escalation policies serialise")
                + "\n",
        ),
    ];
    let (watchdog, watchdog_test) = rules::watchdog_files();
    files.push((PathBuf::from("alerts/watchdog.rules.yml"), watchdog));
    files.push((
        PathBuf::from("alerts/tests/watchdog.test.yml"),
        watchdog_test,
    ));
    let overview = "dashboards/launch-overview.json";
    files.push((
        PathBuf::from(overview),
        dashboard(overview, dashboards::launch_overview(product))?,
    ));
    for section in catalog.sections {
        let alerts = product.alerts_of(section);
        let rules_path = format!("alerts/{}.rules.yml", section.surface);
        let mut rewritten = false;
        if let Some(mut file) = rules::rules(section, alerts, links) {
            if let Some(names) = &names {
                rewritten = native_rules(&mut file, names, &rules_path)?;
            }
            files.push((
                PathBuf::from(&rules_path),
                rules::rule_document(section, &file),
            ));
        }
        if !rewritten {
            if let Some(tests) = alert_tests::test_file(section, alerts, links) {
                files.push((
                    PathBuf::from(format!("alerts/tests/{}.test.yml", section.surface)),
                    tests,
                ));
            }
        }
        let path = format!("dashboards/{}.json", section.surface);
        files.push((
            PathBuf::from(&path),
            dashboard(&path, dashboards::dashboard(section, alerts))?,
        ));
        for alert in alerts {
            let path = format!("runbooks/{}/{}.md", section.surface, alert.name);
            let mut queries = Vec::new();
            for mut q in runbooks::queries(alert) {
                q.exprs = q
                    .exprs
                    .into_iter()
                    .map(|e| read(&path, e))
                    .collect::<Result<_, _>>()?;
                queries.push(q);
            }
            let mut text = runbooks::runbook_with(section, alert, owners, support, queries);
            // The prose names the events too (`h_count`): say what the native series is.
            for name in names.iter().flatten() {
                text = text
                    .replace(
                        &format!("{name}_count"),
                        &format!("histogram_count({name})"),
                    )
                    .replace(&format!("{name}_sum"), &format!("histogram_sum({name})"));
            }
            files.push((PathBuf::from(path), text));
        }
    }
    Ok(files)
}

/// Rewrites every expression of `file` (written to `path`) to read the native histograms
/// named in `names` ([`native::rewrite`]); returns whether any changed.
///
/// # Errors
/// An expression with no native form, naming `path`.
pub fn native_rules(
    file: &mut rules::RuleFile,
    names: &std::collections::HashSet<String>,
    path: &str,
) -> Result<bool, GenerateError> {
    let mut changed = false;
    for rule in file.groups.iter_mut().flat_map(|g| g.rules.iter_mut()) {
        let expr = match rule {
            rules::Rule::Recording(r) => &mut r.expr,
            rules::Rule::Alerting(a) => &mut a.expr,
        };
        let native = native::rewrite(expr, names).map_err(|problem| GenerateError::Native {
            file: PathBuf::from(path),
            problem,
        })?;
        changed |= native != *expr;
        *expr = native;
    }
    Ok(changed)
}

/// Writes the whole package under `out` for a scrape with classic histograms; returns the
/// paths written.
///
/// # Errors
/// The first I/O error, with the path it concerns.
pub fn generate(
    product: &Product,
    owners: &routing::OwnersFile,
    support: &support::SupportModel,
    links: &rules::RunbookLinks,
    out: &Path,
) -> Result<Vec<PathBuf>, WriteError> {
    write_all(out, package(product, owners, support, links))
}

/// Writes the whole package under `out` for the scrape's `histograms` (see
/// [`package_for`]); returns the paths written.
///
/// # Errors
/// A query with no native form, or the first I/O error.
pub fn generate_for(
    product: &Product,
    owners: &routing::OwnersFile,
    support: &support::SupportModel,
    links: &rules::RunbookLinks,
    out: &Path,
    histograms: native::Histograms,
) -> Result<Vec<PathBuf>, GenerateError> {
    let files = package_for(product, owners, support, links, histograms)?;
    Ok(write_all(out, files)?)
}

fn write_all(out: &Path, files: Vec<(PathBuf, String)>) -> Result<Vec<PathBuf>, WriteError> {
    let mut written = Vec::new();
    for (rel, contents) in files {
        let path = out.join(&rel);
        write(&path, &contents)?;
        written.push(path);
    }
    Ok(written)
}

/// The package could not be generated.
#[derive(Debug, thiserror::Error)]
pub enum GenerateError {
    /// A query of the package has no native-histogram form.
    #[error("{}: a query has no native-histogram form: {problem}", file.display())]
    Native {
        /// The file the query belongs to.
        file: PathBuf,
        /// What could not be rewritten.
        problem: String,
    },
    /// A file could not be written.
    #[error(transparent)]
    Write(#[from] WriteError),
}

/// A YAML document of `value` (written by `yaml_serde`) under a `#` comment header.
pub(crate) fn yaml_document(header: &str, value: &impl serde::Serialize) -> String {
    let mut out: String = header.lines().map(|l| format!("# {l}\n")).collect();
    out.push_str(
        &yaml_serde::to_string(value)
            .expect("the package's YAML documents hold only strings, lists and maps"),
    );
    out
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
