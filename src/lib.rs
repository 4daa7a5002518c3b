//! # dataface-telemetry
//!
//! The instrumentation layer every Dataface service links. This facade re-exports the
//! workspace's libraries under one name and knows the whole product catalog:
//!
//! - [`core`]: configuration from the environment, `init`/shutdown, the OTLP and
//!   Prometheus pipeline, the catalog types, error codes, redaction, self-metrics.
//! - [`compiler`]: YAML contract compile, migrations, execution adapters, rendering.
//! - [`context`]: the context catalog: schema resolution per consumer, freshness, AI context payloads, enrichment.
//! - [`profiler`]: profiling runs per warehouse, semantic types, inspector reports.
//! - [`cloud`]: accounts, project provisioning, the lifecycle state machine, quotas.
//! - [`integrations`]: deployments, Fivetran webhooks, billing, custom domains and TLS.
//!
//! ```no_run
//! use std::time::Duration;
//!
//! let guard = dataface_telemetry::init("dataface-compiler")?;
//! let probes = dataface_telemetry::compiler::CompilerProbes::new(env!("CARGO_PKG_VERSION"));
//! tracing::info!("started");
//! guard.shutdown(Duration::from_secs(5))?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

pub use cloud_probes as cloud;
pub use compiler_probes as compiler;
pub use context_probes as context;
pub use integrations_probes as integrations;
pub use profiler_probes as profiler;
pub use telemetry_core as core;

use std::time::Duration;
use telemetry_core::catalog::Catalog;
use telemetry_core::config::{Exporters, Signal, TelemetryConfig, TelemetryConfigBuilder};
use telemetry_core::signals::CORE_SECTION;
use telemetry_core::{InitError, TelemetryGuard};

/// The whole product's signal catalog: telemetry-core's section and every surface's.
pub static CATALOG: Catalog = Catalog {
    version: "4.0.0",
    sections: &[
        &CORE_SECTION,
        &compiler_probes::catalog::SECTION,
        &context_probes::catalog::SECTION,
        &profiler_probes::catalog::SECTION,
        &cloud_probes::catalog::SECTION,
        &integrations_probes::catalog::SECTION,
    ],
};

/// Installs the pipeline for `service` with the product catalog, configured from the
/// environment. See [`telemetry_core::init`].
///
/// # Errors
/// See [`InitError`].
pub fn init(service: &str) -> Result<TelemetryGuard, InitError> {
    init_with(service, TelemetryConfig::builder())
}

/// As [`init`], with code overrides.
///
/// # Errors
/// See [`InitError`].
pub fn init_with(
    service: &str,
    builder: TelemetryConfigBuilder,
) -> Result<TelemetryGuard, InitError> {
    telemetry_core::init_with(service, builder.catalog(&CATALOG))
}

/// Defaults for running on a laptop with no collector, applied only where the environment
/// says nothing: metrics served for scraping on loopback (and exported over OTLP too when
/// `OTEL_EXPORTER_OTLP_ENDPOINT` is set), spans and logs exported only when it is set, and
/// metrics exported every 2 s. The examples and the launch-day demo start this way.
pub fn local_defaults() -> TelemetryConfigBuilder {
    let env = |var: &str| std::env::var(var).ok().filter(|v| !v.trim().is_empty());
    let collector = env("OTEL_EXPORTER_OTLP_ENDPOINT").is_some();
    let mut builder = TelemetryConfig::builder();
    if env("OTEL_METRICS_EXPORTER").is_none() {
        builder = builder.exporters(
            Signal::Metrics,
            Exporters {
                otlp: collector,
                prometheus: true,
                ..Exporters::NONE
            },
        );
    }
    for (signal, var) in [
        (Signal::Traces, "OTEL_TRACES_EXPORTER"),
        (Signal::Logs, "OTEL_LOGS_EXPORTER"),
    ] {
        if env(var).is_none() && !collector {
            builder = builder.exporters(signal, Exporters::NONE);
        }
    }
    if env("OTEL_METRIC_EXPORT_INTERVAL").is_none() {
        builder = builder.metric_export_interval(Duration::from_secs(2));
    }
    builder
}

/// The README's examples compile and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
