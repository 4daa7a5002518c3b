//! One aggregation per metric series, read by both metric paths.
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
//! A histogram series is one set of bucket counts and a sum, as atomics ([`Buckets`]): a
//! sample is a bucket search and two atomic updates. The scrape renders these buckets
//! itself ([`SharedSeries::render_histograms`], in the text format and with the names and
//! buckets the Prometheus recorder would use). OTLP cannot read them: OpenTelemetry has no
//! observable histogram and the SDK's data points cannot be built outside it, so the same
//! sample also goes to an SDK histogram instrument bound to the series' attributes at
//! registration (the bridge's bound instruments: no attribute lookup per sample).
//!
//! With native histograms on the scrape ([`PrometheusHistograms`]), a histogram series also
//! (or only) keeps sparse exponential buckets ([`NativeBuckets`]), which only the protobuf
//! exposition carries: [`SharedSeries::render_protobuf`] renders every series (counters and
//! gauges too) from the values kept here, as Prometheus asks for it when its native
//! histograms are on.

use super::native::{NativeBuckets, NativeSnapshot, ZERO_THRESHOLD};
use super::protobuf as pb;
use crate::catalog::InstrumentKind;
use crate::config::PrometheusHistograms;
use metrics::{
    Counter, Gauge, Histogram, HistogramFn, Key, KeyName, Metadata, Recorder, SharedString, Unit,
};
use metrics_exporter_prometheus::formatting::{
    sanitize_description, sanitize_label_key, sanitize_label_value, sanitize_metric_name,
};
use opentelemetry::metrics::Meter;
use opentelemetry::KeyValue;
use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

/// How the scrape names a series: implemented by the Prometheus naming layer.
pub(crate) trait ScrapeNames {
    /// The series' key as the scrape shows it (Prometheus name and label keys).
    fn scrape_key(&self, key: &Key, kind: InstrumentKind) -> Key;
    /// The Prometheus name of a metric name.
    fn scrape_name(&self, name: &str, kind: InstrumentKind) -> String;
}

impl<T: ScrapeNames> ScrapeNames for Arc<T> {
    fn scrape_key(&self, key: &Key, kind: InstrumentKind) -> Key {
        (**self).scrape_key(key, kind)
    }
    fn scrape_name(&self, name: &str, kind: InstrumentKind) -> String {
        (**self).scrape_name(name, kind)
    }
}

/// A series as the scrape shows it: sanitized Prometheus name and label keys, label values
/// as given (the text renders escape them, protobuf needs no escaping).
#[derive(Debug, Clone, Default)]
struct ScrapeId {
    name: String,
    labels: Vec<(String, String)>,
}

impl ScrapeId {
    fn new(names: &impl ScrapeNames, key: &Key, kind: InstrumentKind) -> Self {
        let renamed = names.scrape_key(key, kind);
        Self {
            name: sanitize_metric_name(renamed.name()),
            labels: renamed
                .labels()
                .map(|l| (sanitize_label_key(l.key()), l.value().to_owned()))
                .collect(),
        }
    }

    /// `key="value",…`, escaped, in the key's order.
    fn text_labels(&self) -> String {
        let mut out = String::new();
        for (k, v) in &self.labels {
            if !out.is_empty() {
                out.push(',');
            }
            let _ = write!(out, "{k}=\"{}\"", sanitize_label_value(v));
        }
        out
    }

    fn label_pairs(&self) -> Vec<pb::LabelPair> {
        self.labels
            .iter()
            .map(|(k, v)| pb::LabelPair {
                name: Some(k.clone()),
                value: Some(v.clone()),
            })
            .collect()
    }
}

/// One histogram series as the scrape reads it: a count per bucket (the last one above
/// every bound, `+Inf`) and the sum of the samples.
#[derive(Debug)]
pub(crate) struct Buckets {
    bounds: &'static [f64],
    counts: Box<[AtomicU64]>,
    /// The sum, as `f64` bits.
    sum: AtomicU64,
}

impl Buckets {
    fn new(bounds: &'static [f64]) -> Self {
        Self {
            bounds,
            counts: (0..=bounds.len()).map(|_| AtomicU64::new(0)).collect(),
            sum: AtomicU64::new(0.0f64.to_bits()),
        }
    }

    /// The counts per bucket (not cumulative) and the sum, now.
    fn read(&self) -> (Vec<u64>, f64) {
        let counts = self
            .counts
            .iter()
            .map(|c| c.load(Ordering::Relaxed))
            .collect();
        (counts, f64::from_bits(self.sum.load(Ordering::Relaxed)))
    }
}

impl HistogramFn for Buckets {
    /// Counts `value` in the first bucket whose bound is at least `value` (Prometheus `le`,
    /// as the OpenTelemetry SDK buckets). NaN and infinities are ignored, as the SDK
    /// ignores them: they would make the sum meaningless for good.
    fn record(&self, value: f64) {
        if !value.is_finite() {
            return;
        }
        let i = self.bounds.partition_point(|&b| b < value);
        self.counts[i].fetch_add(1, Ordering::Relaxed);
        let _ = self
            .sum
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |bits| {
                Some((f64::from_bits(bits) + value).to_bits())
            });
    }
}

/// One histogram series on the scrape: the catalog's buckets, native buckets, or both
/// (per [`PrometheusHistograms`]).
#[derive(Debug)]
pub(crate) struct ScrapeHistogram {
    classic: Option<Buckets>,
    native: Option<NativeBuckets>,
}

impl HistogramFn for ScrapeHistogram {
    fn record(&self, value: f64) {
        if let Some(classic) = &self.classic {
            classic.record(value);
        }
        if let Some(native) = &self.native {
            native.record(value);
        }
    }
}

/// A histogram handle on both paths: the scrape's buckets and the bound OTLP instrument.
struct Both {
    scrape: Arc<ScrapeHistogram>,
    otel: Histogram,
}

impl HistogramFn for Both {
    fn record(&self, value: f64) {
        self.scrape.record(value);
        self.otel.record(value);
    }
}

/// One histogram series: its scrape name and labels, its buckets, and its OTLP handle.
struct HistogramSeries {
    id: ScrapeId,
    /// `key="value",…`, sanitized, in the key's order.
    labels: String,
    scrape: Option<Arc<ScrapeHistogram>>,
    otel: Option<Histogram>,
}

impl HistogramSeries {
    fn handle(&self) -> Histogram {
        match (&self.scrape, &self.otel) {
            (Some(scrape), Some(otel)) => Histogram::from_arc(Arc::new(Both {
                scrape: scrape.clone(),
                otel: otel.clone(),
            })),
            (Some(scrape), None) => Histogram::from_arc(scrape.clone()),
            (None, Some(otel)) => otel.clone(),
            (None, None) => Histogram::noop(),
        }
    }
}

/// Histograms: the series by key.
#[derive(Default)]
struct Histograms {
    series: HashMap<Key, HistogramSeries>,
}

/// The series of one metric name as OTLP reports them: attributes and the shared value.
type OtelSeries = Arc<RwLock<Vec<(Vec<KeyValue>, Arc<AtomicU64>)>>>;

/// One counter or gauge series: the value both paths read, and its mirror on the scrape.
/// (The protobuf exposition derives its name and labels from the key when it renders: kept
/// per series, they cost every series about 230 bytes for a format few scrapes ask for.)
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
    histograms: Mutex<Histograms>,
    /// The scrape's help texts, by Prometheus name (the first one given is kept, as the
    /// Prometheus recorder keeps it).
    help: Mutex<HashMap<String, String>>,
    /// The buckets of each catalog histogram (by OpenTelemetry name); others get
    /// [`DEFAULT_BUCKETS`](super::prometheus::DEFAULT_BUCKETS).
    buckets: HashMap<&'static str, &'static [f64]>,
    /// Which buckets scrape histograms keep.
    mode: PrometheusHistograms,
}

/// The recorder: counters, gauges and histograms to the shared series; descriptions to
/// `describe` (a fanout to the exporters); histograms on the OTLP path to `otel` (the
/// bridge to OpenTelemetry, registered only when OTLP is on).
pub(crate) struct Split<P, R, H> {
    shared: Arc<SharedSeries<P>>,
    describe: R,
    otel: Option<H>,
}

impl<P, R, H> Split<P, R, H> {
    pub(crate) fn new(shared: Arc<SharedSeries<P>>, describe: R, otel: Option<H>) -> Self {
        Self {
            shared,
            describe,
            otel,
        }
    }
}

impl<P, R, H> std::fmt::Debug for Split<P, R, H> {
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

impl<P: Recorder + ScrapeNames> SharedSeries<P> {
    /// `buckets`: the buckets of each catalog histogram, by OpenTelemetry name; `mode`:
    /// which buckets the scrape's histograms keep.
    pub(crate) fn new(
        scrape: Option<P>,
        meter: Option<Meter>,
        buckets: HashMap<&'static str, &'static [f64]>,
        mode: PrometheusHistograms,
    ) -> Self {
        Self {
            scrape,
            meter,
            counters: Mutex::default(),
            gauges: Mutex::default(),
            histograms: Mutex::default(),
            help: Mutex::default(),
            buckets,
            mode,
        }
    }

    /// Appends every histogram series to `out` in the Prometheus text format (help, type,
    /// cumulative `_bucket` lines up to `+Inf`, `_sum`, `_count`), families by name. A
    /// native-only histogram shows its `+Inf` bucket, `_sum` and `_count` (what
    /// client_golang shows of one in text).
    pub(crate) fn render_histograms(&self, out: &mut String) {
        let histograms = self.histograms.lock().unwrap_or_else(|p| p.into_inner());
        let help = self.help.lock().unwrap_or_else(|p| p.into_inner());
        let mut families: BTreeMap<&str, Vec<(&str, &ScrapeHistogram)>> = BTreeMap::new();
        for s in histograms.series.values() {
            if let Some(scrape) = &s.scrape {
                families
                    .entry(s.id.name.as_str())
                    .or_default()
                    .push((s.labels.as_str(), scrape));
            }
        }
        for (name, mut series) in families {
            series.sort_by(|a, b| a.0.cmp(b.0));
            if let Some(help) = help.get(name) {
                let _ = writeln!(out, "# HELP {name} {}", sanitize_description(help));
            }
            let _ = writeln!(out, "# TYPE {name} histogram");
            for (labels, scrape) in series {
                let sep = if labels.is_empty() { "" } else { "," };
                let (total, sum) = match (&scrape.classic, &scrape.native) {
                    (Some(buckets), _) => {
                        let (counts, sum) = buckets.read();
                        let mut cumulative = 0u64;
                        for (bound, count) in buckets.bounds.iter().zip(&counts) {
                            cumulative += count;
                            let _ = writeln!(
                                out,
                                "{name}_bucket{{{labels}{sep}le=\"{bound}\"}} {cumulative}"
                            );
                        }
                        (cumulative + counts.last().copied().unwrap_or(0), sum)
                    }
                    (None, Some(native)) => {
                        let snapshot = native.snapshot();
                        (snapshot.count, snapshot.sum)
                    }
                    (None, None) => continue,
                };
                let _ = writeln!(out, "{name}_bucket{{{labels}{sep}le=\"+Inf\"}} {total}");
                let braces = |labels: &str| {
                    if labels.is_empty() {
                        String::new()
                    } else {
                        format!("{{{labels}}}")
                    }
                };
                let _ = writeln!(out, "{name}_sum{} {sum}", braces(labels));
                let _ = writeln!(out, "{name}_count{} {total}", braces(labels));
            }
            out.push('\n');
        }
    }

    /// The whole scrape in the delimited protobuf exposition: every counter, gauge and
    /// histogram series, families by name, series by labels. Read from the values kept
    /// here (no sync needed); the classic buckets, the native ones or both, per the mode.
    pub(crate) fn render_protobuf(&self) -> Vec<u8> {
        let mut families: BTreeMap<String, (pb::MetricType, Vec<(String, pb::Metric)>)> =
            BTreeMap::new();
        let Some(names) = &self.scrape else {
            return Vec::new();
        };
        let mut add = |id: &ScrapeId, kind: pb::MetricType, metric: pb::Metric| {
            let family = families
                .entry(id.name.clone())
                .or_insert_with(|| (kind, Vec::new()));
            family.1.push((id.text_labels(), metric));
        };
        each_scraped(
            &self.counters,
            names,
            InstrumentKind::Counter,
            |id, value| {
                let metric = pb::Metric {
                    label: id.label_pairs(),
                    counter: Some(pb::Counter {
                        value: Some(value as f64),
                    }),
                    ..pb::Metric::default()
                };
                add(id, pb::MetricType::Counter, metric);
            },
        );
        each_scraped(&self.gauges, names, InstrumentKind::Gauge, |id, value| {
            let metric = pb::Metric {
                label: id.label_pairs(),
                gauge: Some(pb::Gauge {
                    value: Some(f64::from_bits(value)),
                }),
                ..pb::Metric::default()
            };
            add(id, pb::MetricType::Gauge, metric);
        });
        {
            let histograms = self.histograms.lock().unwrap_or_else(|p| p.into_inner());
            for s in histograms.series.values() {
                if let Some(scrape) = &s.scrape {
                    let metric = pb::Metric {
                        label: s.id.label_pairs(),
                        histogram: Some(histogram_message(scrape)),
                        ..pb::Metric::default()
                    };
                    add(&s.id, pb::MetricType::Histogram, metric);
                }
            }
        }
        let help = self.help.lock().unwrap_or_else(|p| p.into_inner());
        let mut out = Vec::new();
        for (name, (kind, mut series)) in families {
            series.sort_by(|a, b| a.0.cmp(&b.0));
            let family = pb::MetricFamily {
                help: help.get(&name).cloned(),
                name: Some(name),
                r#type: Some(kind as i32),
                metric: series.into_iter().map(|(_, m)| m).collect(),
            };
            pb::write(&family, &mut out);
        }
        out
    }

    /// Notes the help text of a metric for the scrape (the first one given is kept, as
    /// the Prometheus recorder keeps it).
    fn describe(&self, name: &KeyName, kind: InstrumentKind, description: &SharedString) {
        if let Some(scrape) = &self.scrape {
            let name = sanitize_metric_name(&scrape.scrape_name(name.as_str(), kind));
            self.help
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .entry(name)
                .or_insert_with(|| description.to_string());
        }
    }

    /// The handle of the histogram series `key`, registering it the first time: buckets
    /// for the scrape, and `otel()` (the bound OTLP instrument) when OTLP is on.
    fn histogram(&self, key: &Key, otel: impl FnOnce() -> Option<Histogram>) -> Histogram {
        let mut histograms = self.histograms.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(s) = histograms.series.get(key) {
            return s.handle();
        }
        let (id, scrape) = match &self.scrape {
            Some(p) => {
                let bounds = self
                    .buckets
                    .get(key.name())
                    .copied()
                    .filter(|b| !b.is_empty())
                    .unwrap_or(super::prometheus::DEFAULT_BUCKETS);
                let scrape = ScrapeHistogram {
                    classic: self.mode.classic().then(|| Buckets::new(bounds)),
                    native: self.mode.native().then(NativeBuckets::default),
                };
                (
                    ScrapeId::new(p, key, InstrumentKind::Histogram),
                    Some(Arc::new(scrape)),
                )
            }
            None => (ScrapeId::default(), None),
        };
        let otel = if self.meter.is_some() { otel() } else { None };
        let series = HistogramSeries {
            labels: id.text_labels(),
            id,
            scrape,
            otel,
        };
        let handle = series.handle();
        histograms.series.insert(key.clone(), series);
        handle
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

/// Calls `each` with the scrape name and labels (as `names` derives them for `instrument`)
/// and the raw value (counter, or gauge bits) of every counter or gauge series on the
/// scrape.
fn each_scraped<H>(
    kind: &Mutex<Kind<H>>,
    names: &impl ScrapeNames,
    instrument: InstrumentKind,
    mut each: impl FnMut(&ScrapeId, u64),
) {
    let kind = kind.lock().unwrap_or_else(|p| p.into_inner());
    for (key, s) in &kind.series {
        if s.scrape.is_some() {
            each(
                &ScrapeId::new(names, key, instrument),
                s.value.load(Ordering::Relaxed),
            );
        }
    }
}

/// One histogram series as a protobuf message: the classic buckets (cumulative, `+Inf`
/// left implicit), the native ones, or both.
fn histogram_message(scrape: &ScrapeHistogram) -> pb::Histogram {
    let mut message = pb::Histogram::default();
    if let Some(buckets) = &scrape.classic {
        let (counts, sum) = buckets.read();
        let mut cumulative = 0u64;
        for (bound, count) in buckets.bounds.iter().zip(&counts) {
            cumulative += count;
            message.bucket.push(pb::Bucket {
                cumulative_count: Some(cumulative),
                upper_bound: Some(*bound),
            });
        }
        message.sample_count = Some(cumulative + counts.last().copied().unwrap_or(0));
        message.sample_sum = Some(sum);
    }
    if let Some(native) = &scrape.native {
        let NativeSnapshot {
            schema,
            zero_count,
            positive,
            negative,
            count,
            sum,
        } = native.snapshot();
        let (positive_span, positive_delta) = pb::spans(&positive);
        let (negative_span, negative_delta) = pb::spans(&negative);
        message.schema = Some(schema);
        message.zero_threshold = Some(ZERO_THRESHOLD);
        message.zero_count = Some(zero_count);
        message.positive_span = positive_span;
        message.positive_delta = positive_delta;
        message.negative_span = negative_span;
        message.negative_delta = negative_delta;
        // Both paths count the same samples; the native snapshot is taken last, so a
        // sample recorded between the two reads is in it (and in the next classic read).
        if scrape.classic.is_none() {
            message.sample_count = Some(count);
            message.sample_sum = Some(sum);
        }
    }
    message
}

impl<P: Recorder + ScrapeNames, R: Recorder, H: Recorder> Recorder for Split<P, R, H> {
    fn describe_counter(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        // First the exporters (the scrape's naming layer notes the unit of an undeclared
        // metric, which its Prometheus name uses), then the help text the scrape renders.
        self.describe
            .describe_counter(key.clone(), unit, description.clone());
        self.shared
            .describe(&key, InstrumentKind::Counter, &description);
    }
    fn describe_gauge(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        self.describe
            .describe_gauge(key.clone(), unit, description.clone());
        self.shared
            .describe(&key, InstrumentKind::Gauge, &description);
    }
    fn describe_histogram(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        // First the exporters (the scrape's naming layer notes the unit of an undeclared
        // metric, which its Prometheus name uses), then the help text the scrape renders.
        self.describe
            .describe_histogram(key.clone(), unit, description.clone());
        self.shared
            .describe(&key, InstrumentKind::Histogram, &description);
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
        self.shared.histogram(key, || {
            self.otel
                .as_ref()
                .map(|otel| otel.register_histogram(key, metadata))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use metrics::NoopRecorder;
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

    /// The test scrape names a series as it is.
    impl ScrapeNames for DebuggingRecorder {
        fn scrape_key(&self, key: &Key, _: InstrumentKind) -> Key {
            key.clone()
        }
        fn scrape_name(&self, name: &str, _: InstrumentKind) -> String {
            name.to_owned()
        }
    }

    /// An exporter that keeps every histogram data point: name → (attributes, count,
    /// sum, bucket counts, min, max).
    #[derive(Debug, Clone, Default)]
    struct HistogramPoints(Arc<Mutex<Vec<HistogramPoint>>>);

    type HistogramPoint = (
        String,
        Vec<KeyValue>,
        u64,
        f64,
        Vec<u64>,
        Option<f64>,
        Option<f64>,
    );

    impl PushMetricExporter for HistogramPoints {
        async fn export(&self, metrics: &ResourceMetrics) -> OTelSdkResult {
            let mut points = self.0.lock().unwrap();
            points.clear();
            for sm in metrics.scope_metrics() {
                for m in sm.metrics() {
                    if let AggregatedMetrics::F64(MetricData::Histogram(h)) = m.data() {
                        for p in h.data_points() {
                            points.push((
                                m.name().to_owned(),
                                p.attributes().cloned().collect(),
                                p.count(),
                                p.sum(),
                                p.bucket_counts().collect(),
                                p.min(),
                                p.max(),
                            ));
                        }
                    }
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

    #[test]
    fn a_histogram_sample_reaches_the_scrape_buckets_and_the_otlp_data_point() {
        static BOUNDS: &[f64] = &[0.1, 1.0, 10.0];
        let exported = HistogramPoints::default();
        let provider = SdkMeterProvider::builder()
            .with_reader(PeriodicReader::builder(exported.clone()).build())
            .build();
        let meter = provider.meter("test");
        let mut buckets = HashMap::new();
        buckets.insert("dataface.test.duration", BOUNDS);
        let series = Arc::new(SharedSeries::new(
            Some(DebuggingRecorder::new()),
            Some(meter.clone()),
            buckets,
            PrometheusHistograms::Classic,
        ));
        let bridge = Arc::new(metrics_opentelemetry::OpenTelemetryRecorder::new(
            metrics_opentelemetry::OpenTelemetryMetrics::new(meter),
        ));
        let shared = Split::new(series.clone(), bridge.clone(), Some(bridge));
        shared.describe_histogram(
            "dataface.test.duration".into(),
            None,
            "How long \\ it took.".into(),
        );
        let key = Key::from_parts(
            "dataface.test.duration",
            vec![metrics::Label::new("k", "a\"b")],
        );
        // Two registrations of one key are one series.
        let a = shared.register_histogram(&key, &metadata());
        let b = shared.register_histogram(&key, &metadata());
        for v in [0.05, 0.1, 0.5, 5.0] {
            a.record(v);
        }
        b.record(50.0);
        b.record(f64::NAN);
        let other = shared.register_histogram(&Key::from_name("dataface.test.other"), &metadata());
        other.record(3.0);

        let mut text = String::new();
        series.render_histograms(&mut text);
        assert_eq!(
            text,
            "# HELP dataface_test_duration How long \\\\ it took.\n\
             # TYPE dataface_test_duration histogram\n\
             dataface_test_duration_bucket{k=\"a\\\"b\",le=\"0.1\"} 2\n\
             dataface_test_duration_bucket{k=\"a\\\"b\",le=\"1\"} 3\n\
             dataface_test_duration_bucket{k=\"a\\\"b\",le=\"10\"} 4\n\
             dataface_test_duration_bucket{k=\"a\\\"b\",le=\"+Inf\"} 5\n\
             dataface_test_duration_sum{k=\"a\\\"b\"} 55.65\n\
             dataface_test_duration_count{k=\"a\\\"b\"} 5\n\
             \n\
             # TYPE dataface_test_other histogram\n\
             dataface_test_other_bucket{le=\"0\"} 0\n\
             dataface_test_other_bucket{le=\"5\"} 1\n\
             dataface_test_other_bucket{le=\"10\"} 1\n\
             dataface_test_other_bucket{le=\"25\"} 1\n\
             dataface_test_other_bucket{le=\"50\"} 1\n\
             dataface_test_other_bucket{le=\"75\"} 1\n\
             dataface_test_other_bucket{le=\"100\"} 1\n\
             dataface_test_other_bucket{le=\"250\"} 1\n\
             dataface_test_other_bucket{le=\"500\"} 1\n\
             dataface_test_other_bucket{le=\"750\"} 1\n\
             dataface_test_other_bucket{le=\"1000\"} 1\n\
             dataface_test_other_bucket{le=\"2500\"} 1\n\
             dataface_test_other_bucket{le=\"5000\"} 1\n\
             dataface_test_other_bucket{le=\"7500\"} 1\n\
             dataface_test_other_bucket{le=\"10000\"} 1\n\
             dataface_test_other_bucket{le=\"+Inf\"} 1\n\
             dataface_test_other_sum 3\n\
             dataface_test_other_count 1\n\
             \n"
        );

        provider.force_flush().unwrap();
        let mut points = exported.0.lock().unwrap().clone();
        points.sort_by(|a, b| a.0.cmp(&b.0));
        assert_eq!(points.len(), 2, "one data point per series: {points:?}");
        let (name, attributes, count, sum, _, min, max) = &points[0];
        assert_eq!(name, "dataface.test.duration");
        assert_eq!(attributes, &vec![KeyValue::new("k", "a\"b")]);
        assert_eq!((*count, *min, *max), (5, Some(0.05), Some(50.0)));
        assert!((sum - 55.65).abs() < 1e-9, "sum {sum}");
        assert_eq!(points[1].0, "dataface.test.other");
        assert_eq!(points[1].2, 1);
    }

    #[test]
    fn native_histograms_reach_the_protobuf_scrape_and_the_text_shows_their_totals() {
        use prost::Message as _;
        let series = Arc::new(SharedSeries::new(
            Some(DebuggingRecorder::new()),
            None,
            HashMap::new(),
            PrometheusHistograms::Native,
        ));
        let shared = Split::new(series.clone(), metrics::NoopRecorder, None::<NoopRecorder>);
        shared.describe_counter("dataface.test.count".into(), None, "Tests.".into());
        let key = Key::from_parts(
            "dataface.test.duration",
            vec![metrics::Label::new("k", "a\"b")],
        );
        let h = shared.register_histogram(&key, &metadata());
        for v in [0.0, 1.0, 1.05, 2.0, -3.0] {
            h.record(v);
        }
        shared
            .register_counter(&Key::from_name("dataface.test.count"), &metadata())
            .increment(4);

        let mut text = String::new();
        series.render_histograms(&mut text);
        assert_eq!(
            text,
            "# TYPE dataface_test_duration histogram\n\
             dataface_test_duration_bucket{k=\"a\\\"b\",le=\"+Inf\"} 5\n\
             dataface_test_duration_sum{k=\"a\\\"b\"} 1.0499999999999998\n\
             dataface_test_duration_count{k=\"a\\\"b\"} 5\n\
             \n"
        );

        let body = series.render_protobuf();
        let mut buf = body.as_slice();
        let mut families = Vec::new();
        while !buf.is_empty() {
            families.push(pb::MetricFamily::decode_length_delimited(&mut buf).unwrap());
        }
        assert_eq!(families.len(), 2, "{families:?}");
        let counter = &families[0];
        assert_eq!(counter.name.as_deref(), Some("dataface_test_count"));
        assert_eq!(counter.help.as_deref(), Some("Tests."));
        assert_eq!(counter.r#type, Some(pb::MetricType::Counter as i32));
        assert_eq!(counter.metric[0].counter.as_ref().unwrap().value, Some(4.0));
        let histogram = &families[1];
        assert_eq!(histogram.r#type, Some(pb::MetricType::Histogram as i32));
        let m = &histogram.metric[0];
        assert_eq!(
            (m.label[0].name.as_deref(), m.label[0].value.as_deref()),
            (Some("k"), Some("a\"b"))
        );
        let h = m.histogram.as_ref().unwrap();
        assert!(h.bucket.is_empty(), "no classic buckets: {h:?}");
        assert_eq!(
            (h.sample_count, h.schema, h.zero_count),
            (Some(5), Some(3), Some(1))
        );
        // 1 closes bucket 0, 1.05 is in bucket 1, 2 closes bucket 8: spans [0, 2) and [8, 9).
        let spans: Vec<_> = h
            .positive_span
            .iter()
            .map(|s| (s.offset.unwrap(), s.length.unwrap()))
            .collect();
        assert_eq!(spans, vec![(0, 2), (6, 1)]);
        assert_eq!(h.positive_delta, vec![1, 0, 0]);
        // -3 lies in (2^(12/8), 2^(13/8)]: bucket 13 of the negative side.
        assert_eq!(h.negative_span[0].offset, Some(13));
        assert_eq!(h.negative_delta, vec![1]);
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
            HashMap::new(),
            PrometheusHistograms::Classic,
        ));
        let shared = Split::new(series.clone(), metrics::NoopRecorder, None::<NoopRecorder>);
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
