//! The guard that owns a running pipeline.

use super::error::{FlushError, ShutdownError};
use super::parts::{run_bounded, IoRuntime, Owned};
use super::prometheus::ScrapeEndpoint;
use crate::config::TelemetryConfig;
use crate::self_metrics::{PipelineStats, SelfMetrics};
use opentelemetry_sdk::logs::SdkLoggerProvider;
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::trace::SdkTracerProvider;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// How long dropping a guard that was not shut down may take.
pub const DROP_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(3);

/// The running parts a guard owns.
#[derive(Debug)]
pub(super) struct Parts {
    pub(super) traces: Owned<SdkTracerProvider>,
    pub(super) logs: Owned<SdkLoggerProvider>,
    pub(super) meter: Owned<SdkMeterProvider>,
    pub(super) scrape: Option<ScrapeEndpoint>,
    pub(super) runtime: IoRuntime,
}

/// Owns the pipeline. Shut it down explicitly with [`shutdown`](Self::shutdown); dropping
/// it shuts down too, bounded by [`DROP_SHUTDOWN_TIMEOUT`].
#[derive(Debug)]
pub struct TelemetryGuard {
    config: TelemetryConfig,
    service_name: String,
    parts: Option<Parts>,
    stats: Arc<SelfMetrics>,
    shut: Arc<AtomicBool>,
}

impl TelemetryGuard {
    /// A guard over nothing (`OTEL_SDK_DISABLED=true`).
    pub(super) fn disabled(
        config: TelemetryConfig,
        service_name: String,
        stats: Arc<SelfMetrics>,
        shut: Arc<AtomicBool>,
    ) -> Self {
        Self {
            config,
            service_name,
            parts: None,
            stats,
            shut,
        }
    }

    /// A guard over committed parts.
    pub(super) fn running(
        config: TelemetryConfig,
        service_name: String,
        parts: Parts,
        stats: Arc<SelfMetrics>,
        shut: Arc<AtomicBool>,
    ) -> Self {
        Self {
            config,
            service_name,
            parts: Some(parts),
            stats,
            shut,
        }
    }

    /// The configuration the pipeline runs with.
    pub fn config(&self) -> &TelemetryConfig {
        &self.config
    }

    /// The `service.name` in use.
    pub fn service_name(&self) -> &str {
        &self.service_name
    }

    /// Whether the pipeline is a no-op (`OTEL_SDK_DISABLED=true`).
    pub fn is_disabled(&self) -> bool {
        self.config.disabled
    }

    fn scrape(&self) -> Option<&ScrapeEndpoint> {
        self.parts.as_ref().and_then(|p| p.scrape.as_ref())
    }

    /// The address the Prometheus scrape endpoint listens on, when selected.
    pub fn prometheus_addr(&self) -> Option<SocketAddr> {
        self.scrape().map(ScrapeEndpoint::addr)
    }

    /// The Prometheus text the scrape endpoint would serve now, when selected.
    pub fn prometheus_text(&self) -> Option<String> {
        self.scrape().map(ScrapeEndpoint::render)
    }

    /// A snapshot of the self-metrics.
    pub fn stats(&self) -> PipelineStats {
        self.stats.snapshot()
    }

    /// A handle on the self-metrics that stays readable after shutdown.
    pub fn stats_handle(&self) -> StatsHandle {
        StatsHandle(self.stats.clone())
    }

    /// Exports what is buffered now, without shutting down; bounded by `timeout`.
    ///
    /// # Errors
    /// The signals that did not flush in time or failed; the pipeline keeps running.
    pub fn force_flush(&self, timeout: Duration) -> Result<(), FlushError> {
        let Some(p) = &self.parts else {
            return Ok(());
        };
        run_bounded(
            timeout,
            [
                p.traces.flush_job(),
                p.logs.flush_job(),
                p.meter.flush_job(),
            ],
        )
        .map_err(FlushError)
    }

    /// Flushes all three signals and stops the pipeline, returning within `timeout` even
    /// when the collector is gone. Items recorded afterwards are dropped and counted.
    ///
    /// # Errors
    /// The signals that did not flush in time or failed; the pipeline is stopped anyway.
    pub fn shutdown(mut self, timeout: Duration) -> Result<(), ShutdownError> {
        self.shutdown_inner(timeout)
    }

    fn shutdown_inner(&mut self, timeout: Duration) -> Result<(), ShutdownError> {
        let Some(mut p) = self.parts.take() else {
            return Ok(());
        };
        super::ENABLED.store(false, Ordering::Release);
        self.shut.store(true, Ordering::Release);
        let result = run_bounded(
            timeout,
            [
                p.traces.shutdown_job(),
                p.logs.shutdown_job(),
                p.meter.shutdown_job(),
            ],
        );
        if let Some(mut scrape) = p.scrape.take() {
            scrape.stop();
        }
        p.runtime.stop();
        result.map_err(ShutdownError)
    }
}

impl Drop for TelemetryGuard {
    fn drop(&mut self) {
        let _ = self.shutdown_inner(DROP_SHUTDOWN_TIMEOUT);
    }
}

/// Reads the self-metrics of a pipeline, also after its guard is gone.
#[derive(Debug, Clone)]
pub struct StatsHandle(Arc<SelfMetrics>);

impl StatsHandle {
    /// A snapshot of the self-metrics.
    pub fn snapshot(&self) -> PipelineStats {
        self.0.snapshot()
    }
}
