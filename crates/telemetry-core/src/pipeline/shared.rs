//! One aggregation for counters and gauges, read by both metric paths.
//!
//! A counter or gauge handle is one atomic (`Arc<AtomicU64>`, which `metrics` accepts as a
//! handle): an update is one atomic operation, the cost of a Prometheus-only handle,
//! whatever exporters are on. The exporters read the atomics when they collect:
//! - OTLP: one observable instrument per metric name, whose callback reports every series
//!   of that name, at each collection of the meter provider (views still give the
//!   catalog's unit and description);
//! - the scrape: right before each render, every series' value is copied into the series
//!   the Prometheus recorder registered for it (`absolute` for counters, `set` for gauges).
//!
//! Histograms keep one instrument per exporter (the fanout): a histogram sample must be
//! bucketed by each, and OpenTelemetry has no observable histogram.

use metrics::{Counter, Gauge, Histogram, Key, KeyName, Metadata, Recorder, SharedString, Unit};
use opentelemetry::metrics::Meter;
use opentelemetry::KeyValue;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

/// The series of one metric name as OTLP reports them: attributes and the shared value.
type OtelSeries = Arc<RwLock<Vec<(Vec<KeyValue>, Arc<AtomicU64>)>>>;

/// One counter or gauge series: the value both paths read, and its mirror on the scrape.
struct Series<H> {
    value: Arc<AtomicU64>,
    scrape: Option<H>,
}

struct Kind<H> {
    series: HashMap<Key, Series<H>>,
    /// Per metric name: what its OTLP instrument's callback reads.
    otel: HashMap<String, OtelSeries>,
}

impl<H> Default for Kind<H> {
    fn default() -> Self {
        Self {
            series: HashMap::new(),
            otel: HashMap::new(),
        }
    }
}

/// Counters and gauges, shared by the scrape and OTLP.
pub(crate) struct SharedSeries<P> {
    /// The Prometheus recorder, when the scrape is on (its mirrors are registered on it).
    scrape: Option<P>,
    meter: Option<Meter>,
    counters: Mutex<Kind<Counter>>,
    gauges: Mutex<Kind<Gauge>>,
}

/// The recorder: counters and gauges to the shared series, histograms and descriptions
/// to `rest` (a fanout to the exporters).
pub(crate) struct Split<P, R> {
    shared: Arc<SharedSeries<P>>,
    rest: R,
}

impl<P, R> Split<P, R> {
    pub(crate) fn new(shared: Arc<SharedSeries<P>>, rest: R) -> Self {
        Self { shared, rest }
    }
}

impl<P, R> std::fmt::Debug for Split<P, R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Split").finish_non_exhaustive()
    }
}

impl<P> std::fmt::Debug for SharedSeries<P> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SharedSeries").finish_non_exhaustive()
    }
}

fn attributes(key: &Key) -> Vec<KeyValue> {
    key.labels()
        .map(|l| KeyValue::new(l.key().to_owned(), l.value().to_owned()))
        .collect()
}

impl<P: Recorder> SharedSeries<P> {
    pub(crate) fn new(scrape: Option<P>, meter: Option<Meter>) -> Self {
        Self {
            scrape,
            meter,
            counters: Mutex::default(),
            gauges: Mutex::default(),
        }
    }

    /// Copies every counter and gauge into its scrape mirror: run right before a render.
    pub(crate) fn sync_scrape(&self) {
        {
            let counters = self.counters.lock().unwrap_or_else(|p| p.into_inner());
            for s in counters.series.values() {
                if let Some(mirror) = &s.scrape {
                    mirror.absolute(s.value.load(Ordering::Relaxed));
                }
            }
        }
        let gauges = self.gauges.lock().unwrap_or_else(|p| p.into_inner());
        for s in gauges.series.values() {
            if let Some(mirror) = &s.scrape {
                mirror.set(f64::from_bits(s.value.load(Ordering::Relaxed)));
            }
        }
    }

    /// The shared value of `key`, registering it on both paths the first time.
    fn value<H>(
        &self,
        kind: &Mutex<Kind<H>>,
        key: &Key,
        mirror: impl FnOnce(&P) -> H,
        instrument: impl FnOnce(&Meter, String, OtelSeries),
        zero: u64,
    ) -> Arc<AtomicU64> {
        let mut kind = kind.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(s) = kind.series.get(key) {
            return s.value.clone();
        }
        let value = Arc::new(AtomicU64::new(zero));
        if let Some(meter) = &self.meter {
            let otel = match kind.otel.get(key.name()) {
                Some(series) => series.clone(),
                None => {
                    let series = OtelSeries::default();
                    instrument(meter, key.name().to_owned(), series.clone());
                    kind.otel.insert(key.name().to_owned(), series.clone());
                    series
                }
            };
            otel.write()
                .unwrap_or_else(|p| p.into_inner())
                .push((attributes(key), value.clone()));
        }
        let scrape = self.scrape.as_ref().map(mirror);
        kind.series.insert(
            key.clone(),
            Series {
                value: value.clone(),
                scrape,
            },
        );
        value
    }
}

impl<P: Recorder, R: Recorder> Recorder for Split<P, R> {
    fn describe_counter(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        self.rest.describe_counter(key, unit, description);
    }
    fn describe_gauge(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        self.rest.describe_gauge(key, unit, description);
    }
    fn describe_histogram(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        self.rest.describe_histogram(key, unit, description);
    }

    fn register_counter(&self, key: &Key, metadata: &Metadata<'_>) -> Counter {
        let shared = &self.shared;
        Counter::from_arc(shared.value(
            &shared.counters,
            key,
            |p| p.register_counter(key, metadata),
            |meter, name, series| {
                // The pipeline keeps the callback; the handle need not be kept.
                let _ = meter
                    .u64_observable_counter(name)
                    .with_callback(move |observer| {
                        for (attributes, value) in
                            series.read().unwrap_or_else(|p| p.into_inner()).iter()
                        {
                            observer.observe(value.load(Ordering::Relaxed), attributes);
                        }
                    })
                    .build();
            },
            0,
        ))
    }

    fn register_gauge(&self, key: &Key, metadata: &Metadata<'_>) -> Gauge {
        let shared = &self.shared;
        Gauge::from_arc(shared.value(
            &shared.gauges,
            key,
            |p| p.register_gauge(key, metadata),
            |meter, name, series| {
                let _ = meter
                    .f64_observable_gauge(name)
                    .with_callback(move |observer| {
                        for (attributes, value) in
                            series.read().unwrap_or_else(|p| p.into_inner()).iter()
                        {
                            observer
                                .observe(f64::from_bits(value.load(Ordering::Relaxed)), attributes);
                        }
                    })
                    .build();
            },
            0.0f64.to_bits(),
        ))
    }

    fn register_histogram(&self, key: &Key, metadata: &Metadata<'_>) -> Histogram {
        self.rest.register_histogram(key, metadata)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use metrics_util::debugging::{DebugValue, DebuggingRecorder};
    use opentelemetry::metrics::MeterProvider as _;
    use opentelemetry_sdk::error::OTelSdkResult;
    use opentelemetry_sdk::metrics::data::ResourceMetrics;
    use opentelemetry_sdk::metrics::data::{AggregatedMetrics, MetricData};
    use opentelemetry_sdk::metrics::exporter::PushMetricExporter;
    use opentelemetry_sdk::metrics::{PeriodicReader, SdkMeterProvider};

    /// An exporter that keeps the value of the first data point of each metric.
    #[derive(Debug, Clone, Default)]
    struct Values(Arc<Mutex<HashMap<String, Point>>>);

    /// A data point's value and attributes.
    type Point = (f64, Vec<KeyValue>);

    impl PushMetricExporter for Values {
        async fn export(&self, metrics: &ResourceMetrics) -> OTelSdkResult {
            let mut values = self.0.lock().unwrap();
            for sm in metrics.scope_metrics() {
                for m in sm.metrics() {
                    let point = match m.data() {
                        AggregatedMetrics::U64(MetricData::Sum(s)) => {
                            let p = s.data_points().next().unwrap();
                            (p.value() as f64, p.attributes().cloned().collect())
                        }
                        AggregatedMetrics::F64(MetricData::Gauge(g)) => {
                            let p = g.data_points().next().unwrap();
                            (p.value(), p.attributes().cloned().collect())
                        }
                        _ => continue,
                    };
                    values.insert(m.name().to_owned(), point);
                }
            }
            Ok(())
        }
        fn force_flush(&self) -> OTelSdkResult {
            Ok(())
        }
        fn shutdown_with_timeout(&self, _: std::time::Duration) -> OTelSdkResult {
            Ok(())
        }
        fn temporality(&self) -> opentelemetry_sdk::metrics::Temporality {
            opentelemetry_sdk::metrics::Temporality::Cumulative
        }
    }

    fn metadata() -> Metadata<'static> {
        Metadata::new("test", metrics::Level::INFO, None)
    }

    #[test]
    fn both_paths_read_the_one_value_a_handle_updates() {
        let scrape = DebuggingRecorder::new();
        let snapshotter = scrape.snapshotter();
        let exported = Values::default();
        let provider = SdkMeterProvider::builder()
            .with_reader(PeriodicReader::builder(exported.clone()).build())
            .build();
        let series = Arc::new(SharedSeries::new(
            Some(scrape),
            Some(provider.meter("test")),
        ));
        let shared = Split::new(series.clone(), metrics::NoopRecorder);
        let key = Key::from_parts("dataface.test.count", vec![metrics::Label::new("k", "v")]);
        let a = shared.register_counter(&key, &metadata());
        let b = shared.register_counter(&key, &metadata());
        a.increment(2);
        b.increment(3);
        let gauge_key = Key::from_name("dataface.test.level");
        let gauge = shared.register_gauge(&gauge_key, &metadata());
        gauge.set(7.5);
        gauge.increment(0.5);

        // The scrape sees the values only once synced (right before a render).
        series.sync_scrape();
        let mut scraped = HashMap::new();
        for (k, _, _, v) in snapshotter.snapshot().into_vec() {
            scraped.insert(k.key().name().to_owned(), v);
        }
        assert_eq!(scraped["dataface.test.count"], DebugValue::Counter(5));
        assert_eq!(
            scraped["dataface.test.level"],
            DebugValue::Gauge(8.0.into())
        );

        provider.force_flush().unwrap();
        let exported = exported.0.lock().unwrap();
        assert_eq!(
            exported["dataface.test.count"],
            (5.0, vec![KeyValue::new("k", "v")])
        );
        assert_eq!(exported["dataface.test.level"], (8.0, vec![]));
    }
}
