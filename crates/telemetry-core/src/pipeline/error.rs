//! The errors of the pipeline's operations: one per operation.

use crate::config::{Signal, StrictConfigError};
use std::net::SocketAddr;

/// Why `init` failed. Whatever the variant, nothing was left installed: every part built
/// before the failure shut itself down, no global (metrics recorder, `tracing` subscriber,
/// OpenTelemetry providers) was set, and a corrected call to `init` may succeed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InitError {
    /// `init` was already called in this process; keep the first guard for the process
    /// lifetime and pass it (or nothing) around instead of initialising again.
    #[error("telemetry is already initialised in this process: call init once, at start-up, and keep its guard")]
    AlreadyInitialized,
    /// Strict mode is on and the configuration broke a rule.
    #[error(transparent)]
    Config(#[from] StrictConfigError),
    /// An exporter could not be built from the configuration.
    #[error("{signal} exporter: {reason}")]
    Exporter {
        /// The signal whose exporter failed.
        signal: Signal,
        /// What went wrong and what to change.
        reason: String,
    },
    /// The Prometheus scrape endpoint could not listen on its address (or start serving);
    /// the source is the operating system's error.
    #[error("the Prometheus scrape endpoint cannot listen on {addr}: set OTEL_EXPORTER_PROMETHEUS_HOST/PORT to a free local address, or drop `prometheus` from OTEL_METRICS_EXPORTER")]
    Prometheus {
        /// The address asked for.
        addr: SocketAddr,
        /// Why it could not be used.
        #[source]
        source: std::io::Error,
    },
    /// Another `metrics` recorder is already installed; telemetry-core must own it.
    #[error("another `metrics` recorder is already installed: remove it and let telemetry_core::init install the recorder")]
    MetricsRecorderTaken,
    /// Another global `tracing` subscriber is already installed; telemetry-core must own it.
    #[error("another global `tracing` subscriber is already installed: remove it and let telemetry_core::init install the subscriber")]
    SubscriberTaken,
    /// The pipeline's I/O runtime (for gRPC) could not start.
    #[error("cannot start the telemetry I/O runtime (threads for gRPC export): free some threads or memory, or use OTEL_EXPORTER_OTLP_PROTOCOL=http/protobuf, which needs none")]
    Runtime(#[source] std::io::Error),
}

/// The signals a bounded operation did not finish: which ran out of time, which failed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Incomplete {
    pub(crate) timed_out: Vec<Signal>,
    pub(crate) failed: Vec<(Signal, String)>,
}

impl Incomplete {
    fn timed_out_names(&self) -> String {
        self.timed_out
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }

    fn failed_reasons(&self) -> String {
        self.failed
            .iter()
            .map(|(s, r)| format!("{s}: {r}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// Why a shutdown did not complete cleanly. Whatever it says, the call returned within
/// its timeout and the pipeline accepts nothing more.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("telemetry shutdown incomplete: timed out: [{}]; failed: [{}]. What was still queued is lost and counted in dataface.telemetry.dropped.",
    .0.timed_out_names(), .0.failed_reasons())]
pub struct ShutdownError(pub(crate) Incomplete);

impl ShutdownError {
    /// Signals whose flush did not finish within the timeout.
    pub fn timed_out(&self) -> &[Signal] {
        &self.0.timed_out
    }

    /// Signals whose flush failed, with the reason.
    pub fn failed(&self) -> &[(Signal, String)] {
        &self.0.failed
    }
}

/// Why a [`force_flush`](crate::TelemetryGuard::force_flush) did not complete. The call
/// returned within its timeout and the pipeline keeps running: what was not exported stays
/// queued for the next export, or is counted in `dataface.telemetry.dropped` if the
/// exporter gave up on it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("telemetry flush incomplete: timed out: [{}]; failed: [{}]. The pipeline keeps running; check the collector named in the export warnings, or flush again with a longer timeout.",
    .0.timed_out_names(), .0.failed_reasons())]
pub struct FlushError(pub(crate) Incomplete);

impl FlushError {
    /// Signals whose flush did not finish within the timeout.
    pub fn timed_out(&self) -> &[Signal] {
        &self.0.timed_out
    }

    /// Signals whose flush failed, with the reason.
    pub fn failed(&self) -> &[(Signal, String)] {
        &self.0.failed
    }
}
