//! The `metrics` recorder: a fanout to the Prometheus recorder and the OpenTelemetry
//! bridge, behind the cardinality guard.
//!
//! The process-wide recorder is a slot of ours: claiming it (setting it as the global
//! recorder) and filling it are two steps, so `init` can claim it before it sets the
//! `tracing` subscriber and fill it only once nothing else can fail. An empty slot records
//! nothing, like no recorder at all; handles only go through it when they are registered,
//! so the hot path does not see it.

use super::install::Context;
use super::metric_layers::{CardinalityGuard, PrometheusNames, Specs};
use super::InitError;
use crate::catalog::InstrumentKind;
use metrics::{Counter, Gauge, Histogram, Key, KeyName, Metadata, Recorder, SharedString, Unit};
use metrics_exporter_prometheus::PrometheusRecorder;
use metrics_util::layers::{Fanout, FanoutBuilder};
use opentelemetry_sdk::metrics::SdkMeterProvider;
use std::sync::atomic::{AtomicBool, Ordering};

type Inner = CardinalityGuard<Fanout>;

/// The recorder the slot forwards to, once `init` committed. Leaked, as a global recorder
/// is: it lives as long as the process.
static FILLED: once_cell::sync::OnceCell<&'static (dyn Recorder + Sync)> =
    once_cell::sync::OnceCell::new();
/// Whether the slot is the process's global recorder.
static CLAIMED: AtomicBool = AtomicBool::new(false);

/// Builds the recorder, or none when no metric exporter is selected.
pub(super) fn build(
    cx: &Context<'_>,
    scrape: Option<PrometheusNames<PrometheusRecorder>>,
    meter: Option<&SdkMeterProvider>,
) -> Option<Inner> {
    if scrape.is_none() && meter.is_none() {
        return None;
    }
    let mut fanout = FanoutBuilder::default();
    if let Some(scrape) = scrape {
        fanout = fanout.add_recorder(scrape);
    }
    if let Some(mp) = meter {
        use opentelemetry::metrics::MeterProvider as _;
        fanout = fanout.add_recorder(metrics_opentelemetry::OpenTelemetryRecorder::new(
            metrics_opentelemetry::OpenTelemetryMetrics::new(mp.meter("dataface-telemetry")),
        ));
    }
    Some(CardinalityGuard::new(
        fanout.build(),
        cx.specs(),
        cx.redactor.clone(),
    ))
}

/// Makes the slot the global `metrics` recorder (once per process).
pub(super) fn claim_global() -> Result<(), InitError> {
    if CLAIMED.load(Ordering::Acquire) {
        return Ok(());
    }
    metrics::set_global_recorder(Slot).map_err(|_| InitError::MetricsRecorderTaken)?;
    CLAIMED.store(true, Ordering::Release);
    Ok(())
}

/// Fills the claimed slot; from now on metrics are recorded.
pub(super) fn fill(recorder: Inner) {
    // `init` succeeds once per process, so the slot is empty here.
    let _ = FILLED.set(Box::leak(Box::new(recorder)));
}

/// Describes every catalog metric to the recorder (units and help texts on the scrape).
pub(super) fn describe(specs: &Specs) {
    for spec in specs.iter() {
        let (name, text) = (spec.name, spec.description);
        match spec.kind {
            InstrumentKind::Counter => metrics::describe_counter!(name, text),
            InstrumentKind::Gauge => metrics::describe_gauge!(name, text),
            InstrumentKind::Histogram => metrics::describe_histogram!(name, text),
        }
    }
}

/// The global recorder: forwards to the filled recorder, records nothing while empty.
#[derive(Debug)]
struct Slot;

impl Recorder for Slot {
    fn describe_counter(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        if let Some(r) = FILLED.get() {
            r.describe_counter(key, unit, description);
        }
    }

    fn describe_gauge(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        if let Some(r) = FILLED.get() {
            r.describe_gauge(key, unit, description);
        }
    }

    fn describe_histogram(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        if let Some(r) = FILLED.get() {
            r.describe_histogram(key, unit, description);
        }
    }

    fn register_counter(&self, key: &Key, metadata: &Metadata<'_>) -> Counter {
        FILLED
            .get()
            .map_or_else(Counter::noop, |r| r.register_counter(key, metadata))
    }

    fn register_gauge(&self, key: &Key, metadata: &Metadata<'_>) -> Gauge {
        FILLED
            .get()
            .map_or_else(Gauge::noop, |r| r.register_gauge(key, metadata))
    }

    fn register_histogram(&self, key: &Key, metadata: &Metadata<'_>) -> Histogram {
        FILLED
            .get()
            .map_or_else(Histogram::noop, |r| r.register_histogram(key, metadata))
    }
}
