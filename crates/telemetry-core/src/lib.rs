//! # telemetry-core
//!
//! The foundation every Dataface service links: configuration from the environment, one
//! init call that installs traces, logs and metrics, and the OTLP and Prometheus pipeline
//! behind them.
//!
//! ```no_run
//! use std::time::Duration;
//!
//! let guard = telemetry_core::init("dataface-compiler")?;
//! let _span = tracing::info_span!("compile", dataface.contract.version = "v3").entered();
//! tracing::info!(rows = 12_i64, "compiled");
//! metrics::counter!("dataface.compile.outcomes", "outcome" => "success").increment(1);
//! guard.shutdown(Duration::from_secs(5))?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Everything is configured with the OpenTelemetry environment variables plus a few
//! `DATAFACE_*` ones: see [`config`] and the workspace README. The pipeline keeps the
//! promises of the architecture: it never panics into the host, never blocks it on a
//! slow collector, counts every item it drops ([`self_metrics`]), and shuts down within
//! the time it is given.
//!
//! ## Feature flags
//! None: every exporter is always built in.
//!
//! ## Minimum supported Rust version
//! 1.85.

/// Emits one of the pipeline's own events, on a target kept out of the OTel layers.
macro_rules! internal_event {
    ($level:ident, $($arg:tt)+) => {
        tracing::$level!(target: "dataface_telemetry::internal", $($arg)+)
    };
}
pub(crate) use internal_event;

pub mod catalog;
pub mod config;
pub mod errors;
mod pipeline;
pub mod probe;
pub mod redact;
pub mod release;
pub mod self_metrics;
pub mod signals;

pub use pipeline::log_bridge::explicit_parent;
pub use pipeline::{
    enable_on_this_thread, enabled, init, init_with, InitError, LocalEnableGuard, ShutdownError,
    StatsHandle, TelemetryGuard, DROP_SHUTDOWN_TIMEOUT, INTERNAL_TARGET,
};

/// The README's example compiles as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
