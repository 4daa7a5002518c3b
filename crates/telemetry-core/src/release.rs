//! Release identity: the `dataface.build.info` series.
//!
//! One gauge series with value 1, labelled with the service, its release and the commit it
//! was built from, so an error spike can be joined to the release that caused it:
//! `sum by (service_version) (rate(dataface_compile_errors_total[5m]) * on(service_name) group_left(service_version) dataface_build_info)`.
//!
//! The release comes from code ([`TelemetryConfigBuilder::release`](crate::config::TelemetryConfigBuilder::release),
//! typically `env!("CARGO_PKG_VERSION")` via [`build_info!`](crate::build_info)), else
//! `DATAFACE_RELEASE`, else `service.version` in `OTEL_RESOURCE_ATTRIBUTES`; the commit
//! from code, else `DATAFACE_COMMIT`. What is not known is labelled `unknown`.

use crate::catalog::{owners, InstrumentKind, LabelSpec, MetricSpec};
use crate::config::TelemetryConfig;

/// `dataface.build.info`: value 1, labels `service`, `version`, `commit`.
pub const BUILD_INFO: &str = "dataface.build.info";

/// Catalog entry of [`BUILD_INFO`].
pub const BUILD_INFO_SPEC: MetricSpec = MetricSpec {
    name: BUILD_INFO,
    kind: InstrumentKind::Gauge,
    unit: "{info}",
    description: "Release identity of the running service; always 1.",
    labels: &[
        LabelSpec::bounded("service.name", "The service name.", 16)
            .with_example("dataface-compiler")
            .per_process(1),
        LabelSpec::bounded("service.version", "The release (`service.version`).", 16)
            .with_example("2.5.0")
            .per_process(1),
        LabelSpec::bounded(
            "vcs.ref.head.revision",
            "The commit the release was built from.",
            16,
        )
        .with_example("47617e2")
        .per_process(1),
    ],
    buckets: &[],
    owner: owners::OBSERVABILITY_PLATFORM,
};

/// The label value for a release or commit nobody configured.
pub(crate) const UNKNOWN: &str = "unknown";

/// Applies the calling crate's version (and the `DATAFACE_COMMIT` seen when it was
/// compiled, if any) to a [`TelemetryConfigBuilder`](crate::config::TelemetryConfigBuilder).
///
/// ```
/// let builder = telemetry_core::build_info!(telemetry_core::config::TelemetryConfig::builder());
/// let config = builder.lookup(|_| None).build().unwrap();
/// assert_eq!(config.release.as_deref(), Some(env!("CARGO_PKG_VERSION")));
/// ```
#[macro_export]
macro_rules! build_info {
    ($builder:expr) => {{
        let builder = $builder.release(env!("CARGO_PKG_VERSION"));
        match option_env!("DATAFACE_COMMIT") {
            Some(commit) => builder.commit(commit),
            None => builder,
        }
    }};
}

pub(crate) fn record_build_info(service: &str, config: &TelemetryConfig) {
    metrics::gauge!(
        BUILD_INFO,
        "service.name" => service.to_owned(),
        "service.version" => config.release.clone().unwrap_or_else(|| UNKNOWN.to_owned()),
        "vcs.ref.head.revision" => config.commit.clone().unwrap_or_else(|| UNKNOWN.to_owned()),
    )
    .set(1.0);
}
