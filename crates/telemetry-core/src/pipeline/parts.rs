//! The parts `init` builds, each owning its teardown.
//!
//! A part that was built but never handed to a [`TelemetryGuard`](super::TelemetryGuard)
//! (because a later step of `init` failed) shuts itself down when dropped, within a
//! bounded time. So every early return of `init` leaves nothing running, whatever step
//! failed. A guard takes the providers out of their parts to shut them down in parallel.

use super::error::{Incomplete, InitError};
use crate::config::Signal;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::logs::SdkLoggerProvider;
use opentelemetry_sdk::metrics::SdkMeterProvider;
use opentelemetry_sdk::trace::SdkTracerProvider;
use std::time::{Duration, Instant};

/// How long a part that was never committed may take to shut itself down.
const TEARDOWN_TIMEOUT: Duration = Duration::from_millis(500);

/// One bounded flush or shutdown of one signal, run on a thread of its own.
pub(crate) type Job = Box<dyn FnOnce(Duration) -> OTelSdkResult + Send>;

/// An OpenTelemetry SDK provider of one signal.
pub(crate) trait Provider: Clone + Send + std::fmt::Debug + 'static {
    /// The signal it carries.
    const SIGNAL: Signal;
    /// Exports what is buffered.
    fn flush(&self) -> OTelSdkResult;
    /// Flushes and stops, waiting at most `timeout`.
    fn shutdown_within(&self, timeout: Duration) -> OTelSdkResult;
}

impl Provider for SdkTracerProvider {
    const SIGNAL: Signal = Signal::Traces;
    fn flush(&self) -> OTelSdkResult {
        self.force_flush()
    }
    fn shutdown_within(&self, timeout: Duration) -> OTelSdkResult {
        self.shutdown_with_timeout(timeout)
    }
}

impl Provider for SdkLoggerProvider {
    const SIGNAL: Signal = Signal::Logs;
    fn flush(&self) -> OTelSdkResult {
        self.force_flush()
    }
    fn shutdown_within(&self, timeout: Duration) -> OTelSdkResult {
        self.shutdown_with_timeout(timeout)
    }
}

impl Provider for SdkMeterProvider {
    const SIGNAL: Signal = Signal::Metrics;
    fn flush(&self) -> OTelSdkResult {
        self.force_flush()
    }
    fn shutdown_within(&self, timeout: Duration) -> OTelSdkResult {
        self.shutdown_with_timeout(timeout)
    }
}

/// A provider of the pipeline (or none, when its signal is not exported). Dropped while it
/// still holds its provider, it shuts the provider down within [`TEARDOWN_TIMEOUT`].
#[derive(Debug)]
pub(crate) struct Owned<P: Provider>(Option<P>);

impl<P: Provider> Owned<P> {
    /// No provider: the signal is not exported.
    pub(crate) const fn none() -> Self {
        Self(None)
    }

    pub(crate) const fn new(provider: P) -> Self {
        Self(Some(provider))
    }

    pub(crate) fn get(&self) -> Option<&P> {
        self.0.as_ref()
    }

    /// A flush of the provider, leaving it in place.
    pub(crate) fn flush_job(&self) -> Option<(Signal, Job)> {
        self.0
            .clone()
            .map(|p| (P::SIGNAL, Box::new(move |_: Duration| p.flush()) as Job))
    }

    /// A shutdown of the provider, taking it out: afterwards this part holds nothing.
    pub(crate) fn shutdown_job(&mut self) -> Option<(Signal, Job)> {
        self.0
            .take()
            .map(|p| (P::SIGNAL, Box::new(move |d| p.shutdown_within(d)) as Job))
    }
}

impl<P: Provider> Drop for Owned<P> {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = p.shutdown_within(TEARDOWN_TIMEOUT);
        }
    }
}

/// The Tokio runtime gRPC exporters run on, when any signal exports over gRPC. Dropped, it
/// stops without blocking (also inside an async context).
#[derive(Debug)]
pub(crate) struct IoRuntime(Option<tokio::runtime::Runtime>);

impl IoRuntime {
    /// Starts the runtime when `needed`.
    pub(crate) fn start(needed: bool) -> Result<Self, InitError> {
        if !needed {
            return Ok(Self(None));
        }
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("dataface-telemetry-io")
            .enable_all()
            .build()
            .map(|rt| Self(Some(rt)))
            .map_err(InitError::Runtime)
    }

    /// Makes the runtime current on this thread while the guard lives (exporters built
    /// meanwhile spawn their tasks on it).
    pub(crate) fn enter(&self) -> Option<tokio::runtime::EnterGuard<'_>> {
        self.0.as_ref().map(|rt| rt.enter())
    }

    /// Stops the runtime without waiting for its tasks.
    pub(crate) fn stop(&mut self) {
        if let Some(rt) = self.0.take() {
            rt.shutdown_background();
        }
    }
}

impl Drop for IoRuntime {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Runs each job on a thread of its own and waits for all of them until `timeout`.
/// A job that overruns keeps its thread; the caller is not held.
pub(crate) fn run_bounded(
    timeout: Duration,
    jobs: [Option<(Signal, Job)>; 3],
) -> Result<(), Incomplete> {
    let deadline = Instant::now() + timeout;
    let (tx, rx) = std::sync::mpsc::channel();
    let mut pending = Vec::new();
    let mut failed = Vec::new();
    for (signal, job) in jobs.into_iter().flatten() {
        let tx = tx.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("dataface-telemetry-{signal}-shutdown"))
            .spawn(move || {
                let _ = tx.send((signal, job(timeout)));
            });
        match spawned {
            Ok(_) => pending.push(signal),
            Err(e) => failed.push((signal, format!("cannot start a thread for it: {e}"))),
        }
    }
    drop(tx);
    while !pending.is_empty() {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok((signal, result)) => {
                pending.retain(|s| *s != signal);
                if let Err(e) = result {
                    // An exporter's error may quote what it sent or where: redacted.
                    let reason = crate::redact::Redactor::default()
                        .text(&e.to_string())
                        .into_owned();
                    failed.push((signal, reason));
                }
            }
            Err(_) => break,
        }
    }
    if pending.is_empty() && failed.is_empty() {
        Ok(())
    } else {
        Err(Incomplete {
            timed_out: pending,
            failed,
        })
    }
}
