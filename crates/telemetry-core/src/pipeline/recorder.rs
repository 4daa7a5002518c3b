//! The `metrics` recorder: behind the cardinality guard, counters and gauges as one
//! shared value each that both paths read, histograms as buckets the scrape renders plus
//! the OpenTelemetry bridge's bound instrument (`shared`); descriptions through a fanout
//! to the Prometheus recorder and the bridge.
//!
//! The process-wide recorder is a slot of ours: claiming it (setting it as the global
//! recorder) and filling it are two steps, so `init` can claim it before it sets the
//! `tracing` subscriber and fill it only once nothing else can fail. An empty slot records
//! nothing, like no recorder at all; handles only go through it when they are registered,
//! so the hot path does not see it.

use super::install::Context;
use super::metric_layers::{CardinalityGuard, PrometheusNames, Specs};
use super::prometheus::{RenderHooks, ScrapeEndpoint};
use super::shared::{SharedSeries, Split};
use super::InitError;
use crate::catalog::InstrumentKind;
use metrics::{Counter, Gauge, Histogram, Key, KeyName, Metadata, Recorder, SharedString, Unit};
use metrics_exporter_prometheus::PrometheusRecorder;
use metrics_util::layers::{Fanout, FanoutBuilder};
use opentelemetry_sdk::metrics::SdkMeterProvider;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

/// What the bridge to OpenTelemetry records histograms on.
type OtelBridge = metrics_opentelemetry::OpenTelemetryRecorder;
/// The scrape's recorder, shared by the counter/gauge mirrors and the histogram fanout.
type Scrape = Arc<PrometheusNames<PrometheusRecorder>>;
type Inner = CardinalityGuard<Split<Scrape, Fanout, Arc<OtelBridge>>>;

/// The recorder the slot forwards to, once `init` committed. Leaked, as a global recorder
/// is: it lives as long as the process.
static FILLED: once_cell::sync::OnceCell<&'static (dyn Recorder + Sync)> =
    once_cell::sync::OnceCell::new();
/// Whether the slot is the process's global recorder.
static CLAIMED: AtomicBool = AtomicBool::new(false);

/// Builds the recorder, or none when no metric exporter is selected. Counters and gauges
/// are one shared value each, read by both paths at collection (see `shared`); with the
/// scrape on, `endpoint` syncs them right before each render.
pub(super) fn build(
    cx: &Context<'_>,
    scrape: Option<PrometheusNames<PrometheusRecorder>>,
    endpoint: Option<&ScrapeEndpoint>,
    meter: Option<&SdkMeterProvider>,
) -> Option<Inner> {
    if scrape.is_none() && meter.is_none() {
        return None;
    }
    let scrape: Option<Scrape> = scrape.map(Arc::new);
    let mut fanout = FanoutBuilder::default();
    if let Some(scrape) = &scrape {
        fanout = fanout.add_recorder(scrape.clone());
    }
    let meter = meter.map(|mp| {
        use opentelemetry::metrics::MeterProvider as _;
        mp.meter("dataface-telemetry")
    });
    let bridge = meter.as_ref().map(|meter| {
        Arc::new(OtelBridge::new(
            metrics_opentelemetry::OpenTelemetryMetrics::new(meter.clone()),
        ))
    });
    if let Some(bridge) = &bridge {
        fanout = fanout.add_recorder(bridge.clone());
    }
    let specs = cx.specs();
    let buckets = specs
        .iter()
        .filter(|m| m.kind == InstrumentKind::Histogram)
        .map(|m| (m.name, m.buckets))
        .collect();
    let shared = Arc::new(SharedSeries::new(
        scrape,
        meter,
        buckets,
        cx.config.prometheus_histograms,
    ));
    if let Some(endpoint) = endpoint {
        let (before, after, protobuf) = (shared.clone(), shared.clone(), shared.clone());
        endpoint.render_hooks(RenderHooks {
            before: Arc::new(move || before.sync_scrape()),
            after: Arc::new(move |out: &mut String| after.render_histograms(out)),
            protobuf: Arc::new(move || protobuf.render_protobuf()),
        });
    }
    Some(CardinalityGuard::new(
        Split::new(shared, fanout.build(), bridge),
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
