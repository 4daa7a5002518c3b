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
    version: "3.2.0",
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
    /// ([`alerts::validate`]).
    ///
    /// # Errors
    /// [`ProductError`] with every violation of the first check that fails.
    pub fn validate(&self) -> Result<(), ProductError> {
        self.catalog.validate()?;
        alerts::validate(self.catalog, self.surfaces)?;
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

/// The files of the package, as `(relative path, contents)`.
pub fn package(
    product: &Product,
    owners: &routing::OwnersFile,
    support: &support::SupportModel,
    links: &rules::RunbookLinks,
) -> Vec<(PathBuf, String)> {
    let catalog = product.catalog;
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
    files.push((
        PathBuf::from("dashboards/launch-overview.json"),
        serde_json::to_string_pretty(&dashboards::launch_overview(product))
            .expect("dashboard JSON serialises")
            + "\n",
    ));
    for section in catalog.sections {
        let alerts = product.alerts_of(section);
        if let Some(rules) = rules::rule_file(section, alerts, links) {
            files.push((
                PathBuf::from(format!("alerts/{}.rules.yml", section.surface)),
                rules,
            ));
        }
        if let Some(tests) = alert_tests::test_file(section, alerts, links) {
            files.push((
                PathBuf::from(format!("alerts/tests/{}.test.yml", section.surface)),
                tests,
            ));
        }
        files.push((
            PathBuf::from(format!("dashboards/{}.json", section.surface)),
            serde_json::to_string_pretty(&dashboards::dashboard(section, alerts))
                .expect("dashboard JSON serialises")
                + "\n",
        ));
        for alert in alerts {
            files.push((
                PathBuf::from(format!("runbooks/{}/{}.md", section.surface, alert.name)),
                runbooks::runbook(section, alert, owners, support),
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
    product: &Product,
    owners: &routing::OwnersFile,
    support: &support::SupportModel,
    links: &rules::RunbookLinks,
    out: &Path,
) -> Result<Vec<PathBuf>, WriteError> {
    let mut written = Vec::new();
    for (rel, contents) in package(product, owners, support, links) {
        let path = out.join(&rel);
        write(&path, &contents)?;
        written.push(path);
    }
    Ok(written)
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
