//! The guard that owns a running pipeline.

use super::counting::Flow;
use super::error::{FlushError, ShutdownError};
use super::parts::{run_bounded, IoRuntime, Owned};
use super::prometheus::ScrapeEndpoint;
use super::subscriber::StderrWorker;
use crate::config::TelemetryConfig;
use crate::self_metrics::{PipelineStats, SelfMetrics};
use opentelemetry_sdk::logs::SdkLoggerProvider;
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::trace::SdkTracerProvider;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

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
    /// The flows of the exported signals: what is still in them after shutdown is counted.
    pub(super) flows: Vec<Arc<Flow>>,
    /// The stderr writer's thread, when stderr is on.
    pub(super) stderr: Option<StderrWorker>,
}

impl Parts {
    /// Flushes and stops every part within `timeout`; what did not make it out is counted
    /// (`shutdown_timeout`) before this returns.
    fn shutdown(mut self, timeout: Duration) -> Result<(), ShutdownError> {
        let deadline = Instant::now() + timeout;
        let result = run_bounded(
            timeout,
            [
                self.traces.shutdown_job(),
                self.logs.shutdown_job(),
                self.meter.shutdown_job(),
            ],
        );
        // Items still queued or in an export now are lost: count them before returning.
        for flow in &self.flows {
            let left = flow.abandon();
            if left > 0 {
                crate::internal_event!(
                    warn,
                    "telemetry shutdown ran out of time with {left} {} items not exported; they are counted in dataface.telemetry.dropped{{dataface.telemetry.signal=\"{}\",dataface.telemetry.drop.reason=\"shutdown_timeout\"}}",
                    flow.signal(),
                    flow.signal()
                );
            }
        }
        if let Some(mut scrape) = self.scrape.take() {
            scrape.stop();
        }
        self.runtime.stop();
        if let Some(stderr) = self.stderr.take() {
            // Writes out the queued stderr lines; bounded by what is left of the timeout.
            let (tx, rx) = std::sync::mpsc::channel();
            let spawned = std::thread::Builder::new()
                .name("dataface-telemetry-stderr-stop".into())
                .spawn(move || {
                    stderr.stop();
                    let _ = tx.send(());
                });
            if spawned.is_ok() {
                let _ = rx.recv_timeout(deadline.saturating_duration_since(Instant::now()));
            }
        }
        result.map_err(ShutdownError)
    }
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
        let Some(p) = self.parts.take() else {
            return Ok(());
        };
        super::ENABLED.store(false, Ordering::Release);
        self.shut.store(true, Ordering::Release);
        p.shutdown(timeout)
    }
}

impl Drop for TelemetryGuard {
    /// Shuts down within [`DROP_SHUTDOWN_TIMEOUT`]. Inside a Tokio runtime the shutdown runs
    /// on a thread of its own and the drop returns at once: an async worker is never held
    /// (what the flush could not send in time is still counted).
    fn drop(&mut self) {
        let Some(p) = self.parts.take() else {
            return;
        };
        super::ENABLED.store(false, Ordering::Release);
        self.shut.store(true, Ordering::Release);
        if tokio::runtime::Handle::try_current().is_err() {
            let _ = p.shutdown(DROP_SHUTDOWN_TIMEOUT);
            return;
        }
        // If no thread can be started the closure, and with it the parts, is dropped here:
        // each part then stops itself within its own short bound.
        let _ = std::thread::Builder::new()
            .name("dataface-telemetry-drop".into())
            .spawn(move || {
                let _ = p.shutdown(DROP_SHUTDOWN_TIMEOUT);
            });
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
