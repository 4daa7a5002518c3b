//! Between the `metrics` facade and the exporters: the cardinality guard (every label
//! bounded by the catalog) and the Prometheus naming layer (every series under its derived
//! Prometheus name).

use crate::catalog::{prometheus_name, Catalog, InstrumentKind, LabelValues, MetricSpec, OTHER};
use crate::redact::Redactor;
use crate::self_metrics::CARDINALITY_OVERFLOW;
use metrics::{
    Counter, Gauge, Histogram, Key, KeyName, Label, Metadata, Recorder, SharedString, Unit,
};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, RwLock};

/// Series an undeclared metric may have before further label sets overflow.
pub(crate) const UNDECLARED_SERIES_LIMIT: usize = 256;

/// The label set an undeclared metric's overflowing series are recorded under: the
/// OpenTelemetry SDK's overflow attribute.
pub(crate) const OVERFLOW_LABEL: (&str, &str) = ("otel.metric.overflow", "true");

/// Distinct metric names outside the catalog the process may register. A handle for a
/// further undeclared name records nothing; each such registration is counted in
/// `dataface.telemetry.cardinality.overflow{dataface.telemetry.metric="otel.metric.overflow"}`. Bounds the
/// memory an unbounded stream of names (a name built from an id) can take.
pub(crate) const UNDECLARED_METRIC_LIMIT: usize = 256;

/// The `dataface.telemetry.metric` label under which registrations past [`UNDECLARED_METRIC_LIMIT`] are
/// counted: one series for all of them, so the overflow counter stays bounded too.
pub(crate) const UNDECLARED_METRIC_OVERFLOW: &str = OVERFLOW_LABEL.0;

/// Longest label value, in bytes, that leaves the process. A longer value is cut at the
/// last character boundary within it and the registration counted as an overflow: one
/// huge value would otherwise sit in every scrape and every OTLP export (and can push a
/// request past a collector's size limit).
pub(crate) const LABEL_VALUE_MAX_BYTES: usize = 256;

/// Keys per instrument kind whose handles the guard keeps, so that registering one again
/// (a `counter!` call per operation) is one hash lookup. Only keys that pass the guard
/// unchanged are kept: a key that overflows is bounded, and counted, on every registration.
/// Past the limit, further keys are registered the long way, as before.
pub(crate) const REGISTRATION_CACHE_LIMIT: usize = 4096;

/// Handles by the key they were registered under.
struct Cache<H>(RwLock<HashMap<Key, H>>);

impl<H: Clone> Cache<H> {
    fn new() -> Self {
        Self(RwLock::new(HashMap::new()))
    }

    /// The cached handle of `key`, or the one `register` gives for the key the guard
    /// bounds it to (`None`: nothing may be registered, `noop`).
    fn get_or_register(
        &self,
        key: &Key,
        bound: impl FnOnce(&Key) -> Option<Key>,
        register: impl FnOnce(&Key) -> H,
        noop: fn() -> H,
    ) -> H {
        if let Some(h) = self.0.read().unwrap_or_else(|p| p.into_inner()).get(key) {
            return h.clone();
        }
        let Some(bounded) = bound(key) else {
            return noop();
        };
        let handle = register(&bounded);
        if bounded == *key {
            let mut map = self.0.write().unwrap_or_else(|p| p.into_inner());
            if map.len() < REGISTRATION_CACHE_LIMIT {
                map.insert(bounded, handle.clone());
            }
        }
        handle
    }
}

/// `value` cut to [`LABEL_VALUE_MAX_BYTES`] on a character boundary, and whether it was cut.
fn capped(value: &str) -> (&str, bool) {
    if value.len() <= LABEL_VALUE_MAX_BYTES {
        return (value, false);
    }
    let mut end = LABEL_VALUE_MAX_BYTES;
    while !value.is_char_boundary(end) {
        end -= 1;
    }
    (&value[..end], true)
}

/// The metrics of the catalogs in use, by name.
#[derive(Debug, Default)]
pub(crate) struct Specs(HashMap<&'static str, &'static MetricSpec>);

impl Specs {
    pub(crate) fn new(catalogs: &[&'static Catalog]) -> Self {
        let mut map = HashMap::new();
        for c in catalogs {
            for m in c.metrics() {
                map.entry(m.name).or_insert(m);
            }
        }
        Self(map)
    }

    pub(crate) fn get(&self, name: &str) -> Option<&'static MetricSpec> {
        self.0.get(name).copied()
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = &'static MetricSpec> + '_ {
        self.0.values().copied()
    }
}

/// Bounds every label of every metric: a value outside its declared set is recorded as
/// `other`, an undeclared label is dropped, an undeclared metric keeps at most
/// [`UNDECLARED_SERIES_LIMIT`] label sets, at most [`UNDECLARED_METRIC_LIMIT`] undeclared
/// names are registered, and no value is longer than [`LABEL_VALUE_MAX_BYTES`]. Secrets
/// in label values are redacted (declared bounded labels and every undeclared label).
/// Keys that pass unchanged keep their handle ([`REGISTRATION_CACHE_LIMIT`]).
/// Each overflow is counted in
/// `dataface.telemetry.cardinality.overflow{metric}`. Values are only rewritten, never
/// lost: the totals stay whole. It runs when a handle is registered, never per update.
pub(crate) struct CardinalityGuard<R> {
    inner: R,
    specs: Specs,
    redactor: Arc<Redactor>,
    seen: Mutex<HashMap<(&'static str, &'static str), HashSet<String>>>,
    /// Label sets seen per undeclared metric name; at most [`UNDECLARED_METRIC_LIMIT`] names.
    undeclared: Mutex<HashMap<String, HashSet<Vec<Label>>>>,
    overflow: Mutex<HashMap<String, Counter>>,
    counters: Cache<Counter>,
    gauges: Cache<Gauge>,
    histograms: Cache<Histogram>,
}

impl<R> std::fmt::Debug for CardinalityGuard<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CardinalityGuard")
            .field("declared_metrics", &self.specs.0.len())
            .finish_non_exhaustive()
    }
}

impl<R: Recorder> CardinalityGuard<R> {
    pub(crate) fn new(inner: R, specs: Specs, redactor: Arc<Redactor>) -> Self {
        Self {
            inner,
            specs,
            redactor,
            seen: Mutex::default(),
            undeclared: Mutex::default(),
            overflow: Mutex::default(),
            counters: Cache::new(),
            gauges: Cache::new(),
            histograms: Cache::new(),
        }
    }

    fn count_overflow(&self, metric: &str) {
        let counter = {
            let mut map = self.overflow.lock().unwrap_or_else(|p| p.into_inner());
            map.entry(metric.to_owned())
                .or_insert_with(|| {
                    let key = Key::from_parts(
                        CARDINALITY_OVERFLOW,
                        vec![Label::new("dataface.telemetry.metric", metric.to_owned())],
                    );
                    let metadata = metrics::Metadata::new(
                        module_path!(),
                        metrics::Level::INFO,
                        Some(module_path!()),
                    );
                    // Straight to the inner recorder: the guard's own counter is bounded
                    // by the catalog's metric count plus the undeclared limit.
                    self.inner.register_counter(&key, &metadata)
                })
                .clone()
        };
        counter.increment(1);
    }

    /// The key to register instead of `key`, or `None` when nothing may be registered
    /// (an undeclared name past [`UNDECLARED_METRIC_LIMIT`]; counted).
    pub(crate) fn bound(&self, key: &Key) -> Option<Key> {
        match self.specs.get(key.name()) {
            Some(spec) => Some(self.bound_declared(spec, key)),
            None => self.bound_undeclared(key),
        }
    }

    fn bound_declared(&self, spec: &'static MetricSpec, key: &Key) -> Key {
        let mut overflowed = false;
        let mut rewritten = false;
        let mut labels = Vec::with_capacity(spec.labels.len());
        for label in key.labels() {
            let Some(decl) = spec.label(label.key()) else {
                overflowed = true; // an undeclared label is dropped
                continue;
            };
            let redacted = match decl.values {
                // Enumerated values are the catalog's own words.
                LabelValues::Enumerated(_) => Cow::Borrowed(label.value()),
                LabelValues::Bounded(_) => self.redactor.value(decl.key, label.value()),
            };
            let (value, cut) = capped(&redacted);
            overflowed |= cut;
            let allowed = match decl.values {
                LabelValues::Enumerated(values) => values.contains(&value),
                LabelValues::Bounded(max) => {
                    let mut seen = self.seen.lock().unwrap_or_else(|p| p.into_inner());
                    let set = seen.entry((spec.name, decl.key)).or_default();
                    if set.contains(value) {
                        true
                    } else if set.len() < max {
                        set.insert(value.to_owned());
                        true
                    } else {
                        false
                    }
                }
            };
            if allowed {
                if value == label.value() {
                    labels.push(label.clone());
                } else {
                    labels.push(Label::new(decl.key, value.to_owned()));
                    rewritten = true;
                }
            } else {
                overflowed = true;
                labels.push(Label::new(decl.key, OTHER));
            }
        }
        if overflowed {
            self.count_overflow(spec.name);
        }
        if overflowed || rewritten {
            Key::from_parts(key.name().to_owned(), labels)
        } else {
            key.clone()
        }
    }

    /// The key to register for a metric the catalog does not declare, or `None` when the
    /// name is past [`UNDECLARED_METRIC_LIMIT`] (counted; the handle records nothing).
    fn bound_undeclared(&self, key: &Key) -> Option<Key> {
        let mut cut_any = false;
        let labels: Vec<Label> = key
            .labels()
            .map(|l| {
                let redacted = self.redactor.value(l.key(), l.value());
                let (value, cut) = capped(&redacted);
                cut_any |= cut;
                // Compare the text, not the `Cow` variant: the redactor answers a secret
                // key with a borrowed constant, which is still a replacement.
                if value == l.value() {
                    l.clone()
                } else {
                    Label::new(l.key().to_owned(), value.to_owned())
                }
            })
            .collect();
        let allowed = {
            let mut map = self.undeclared.lock().unwrap_or_else(|p| p.into_inner());
            let full = map.len() >= UNDECLARED_METRIC_LIMIT;
            let set = match map.get_mut(key.name()) {
                Some(set) => set,
                None if full => {
                    drop(map);
                    self.count_overflow(UNDECLARED_METRIC_OVERFLOW);
                    return None;
                }
                None => map.entry(key.name().to_owned()).or_default(),
            };
            if labels.is_empty() || set.contains(&labels) {
                true
            } else if set.len() < UNDECLARED_SERIES_LIMIT {
                set.insert(labels.clone());
                true
            } else {
                false
            }
        };
        if allowed {
            if cut_any {
                self.count_overflow(key.name());
            }
            Some(Key::from_parts(key.name().to_owned(), labels))
        } else {
            self.count_overflow(key.name());
            Some(Key::from_parts(
                key.name().to_owned(),
                vec![Label::new(OVERFLOW_LABEL.0, OVERFLOW_LABEL.1)],
            ))
        }
    }

    /// Whether a description of `name` may pass: a declared name, or an undeclared one
    /// within [`UNDECLARED_METRIC_LIMIT`] (admitting it, as a registration would).
    fn admits_description(&self, name: &str) -> bool {
        if self.specs.get(name).is_some() {
            return true;
        }
        let mut map = self.undeclared.lock().unwrap_or_else(|p| p.into_inner());
        if map.contains_key(name) {
            return true;
        }
        if map.len() >= UNDECLARED_METRIC_LIMIT {
            drop(map);
            self.count_overflow(UNDECLARED_METRIC_OVERFLOW);
            return false;
        }
        map.insert(name.to_owned(), HashSet::new());
        true
    }
}

impl<R: Recorder> Recorder for CardinalityGuard<R> {
    fn describe_counter(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        if self.admits_description(key.as_str()) {
            self.inner.describe_counter(key, unit, description);
        }
    }
    fn describe_gauge(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        if self.admits_description(key.as_str()) {
            self.inner.describe_gauge(key, unit, description);
        }
    }
    fn describe_histogram(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        if self.admits_description(key.as_str()) {
            self.inner.describe_histogram(key, unit, description);
        }
    }
    fn register_counter(&self, key: &Key, metadata: &Metadata<'_>) -> Counter {
        self.counters.get_or_register(
            key,
            |k| self.bound(k),
            |k| self.inner.register_counter(k, metadata),
            Counter::noop,
        )
    }
    fn register_gauge(&self, key: &Key, metadata: &Metadata<'_>) -> Gauge {
        self.gauges.get_or_register(
            key,
            |k| self.bound(k),
            |k| self.inner.register_gauge(k, metadata),
            Gauge::noop,
        )
    }
    fn register_histogram(&self, key: &Key, metadata: &Metadata<'_>) -> Histogram {
        self.histograms.get_or_register(
            key,
            |k| self.bound(k),
            |k| self.inner.register_histogram(k, metadata),
            Histogram::noop,
        )
    }
}

/// Registers every series under its derived Prometheus name, so the scrape shows what a
/// collector would make of the OTLP form.
pub(crate) struct PrometheusNames<R> {
    inner: R,
    names: HashMap<&'static str, String>,
    /// Units described for metrics the catalog does not declare.
    described: Mutex<HashMap<String, &'static str>>,
}

impl<R> std::fmt::Debug for PrometheusNames<R> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PrometheusNames").finish_non_exhaustive()
    }
}

impl<R: Recorder> PrometheusNames<R> {
    pub(crate) fn new(inner: R, specs: &Specs) -> Self {
        let names = specs
            .iter()
            .map(|m| (m.name, m.prometheus_name()))
            .collect();
        Self {
            inner,
            names,
            described: Mutex::default(),
        }
    }

    fn name(&self, name: &str, kind: InstrumentKind) -> String {
        match self.names.get(name) {
            Some(n) => n.clone(),
            // Undeclared: the unit it was described with, if any.
            None => {
                let described = self.described.lock().unwrap_or_else(|p| p.into_inner());
                prometheus_name(name, described.get(name).copied().unwrap_or(""), kind)
            }
        }
    }

    fn note_unit(&self, key: &KeyName, unit: Option<Unit>) {
        if let Some(unit) = unit.map(crate::catalog::ucum_unit) {
            if !self.names.contains_key(key.as_str()) {
                self.described
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .insert(key.as_str().to_owned(), unit);
            }
        }
    }

    fn rename(&self, key: &Key, kind: InstrumentKind) -> Key {
        let labels: Vec<Label> = key
            .labels()
            .map(|l| {
                Label::new(
                    crate::catalog::prometheus_label(l.key()),
                    l.value().to_owned(),
                )
            })
            .collect();
        Key::from_parts(self.name(key.name(), kind), labels)
    }
}

impl<R: Recorder> super::shared::ScrapeNames for PrometheusNames<R> {
    fn scrape_key(&self, key: &Key, kind: InstrumentKind) -> Key {
        self.rename(key, kind)
    }
    fn scrape_name(&self, name: &str, kind: InstrumentKind) -> String {
        self.name(name, kind)
    }
}

impl<R: Recorder> Recorder for PrometheusNames<R> {
    fn describe_counter(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        self.note_unit(&key, unit);
        let name = self.name(key.as_str(), InstrumentKind::Counter);
        self.inner.describe_counter(name.into(), None, description);
    }
    fn describe_gauge(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        self.note_unit(&key, unit);
        let name = self.name(key.as_str(), InstrumentKind::Gauge);
        self.inner.describe_gauge(name.into(), None, description);
    }
    fn describe_histogram(&self, key: KeyName, unit: Option<Unit>, description: SharedString) {
        self.note_unit(&key, unit);
        let name = self.name(key.as_str(), InstrumentKind::Histogram);
        self.inner
            .describe_histogram(name.into(), None, description);
    }
    fn register_counter(&self, key: &Key, metadata: &Metadata<'_>) -> Counter {
        self.inner
            .register_counter(&self.rename(key, InstrumentKind::Counter), metadata)
    }
    fn register_gauge(&self, key: &Key, metadata: &Metadata<'_>) -> Gauge {
        self.inner
            .register_gauge(&self.rename(key, InstrumentKind::Gauge), metadata)
    }
    fn register_histogram(&self, key: &Key, metadata: &Metadata<'_>) -> Histogram {
        self.inner
            .register_histogram(&self.rename(key, InstrumentKind::Histogram), metadata)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{owners, LabelSpec, Section};
    use metrics_util::debugging::{DebugValue, DebuggingRecorder};

    static SECTION: Section = Section {
        surface: "test",
        metrics: &[MetricSpec {
            name: "dataface.test.queries",
            kind: InstrumentKind::Counter,
            unit: "{query}",
            description: "Queries run.",
            labels: &[
                LabelSpec::bounded("warehouse", "Warehouse instance kind.", 100).with_example("x"),
                LabelSpec::enumerated("dataface.outcome", "How it ended.", &["success", "failed"]),
            ],
            buckets: &[],
            owner: owners::OBSERVABILITY_PLATFORM,
        }],
        spans: &[],
        events: &[],
        error_codes: &[],
        owners: &[owners::OBSERVABILITY_PLATFORM],
        series_budget: crate::catalog::DEFAULT_SERIES_BUDGET,
    };
    static CATALOG: Catalog = Catalog {
        version: "1.0.0",
        sections: &[&SECTION],
    };

    fn guard() -> (
        CardinalityGuard<DebuggingRecorder>,
        metrics_util::debugging::Snapshotter,
    ) {
        let recorder = DebuggingRecorder::new();
        let snapshotter = recorder.snapshotter();
        (
            CardinalityGuard::new(recorder, Specs::new(&[&CATALOG]), Arc::default()),
            snapshotter,
        )
    }

    fn metadata() -> Metadata<'static> {
        Metadata::new("test", metrics::Level::INFO, None)
    }

    /// (series of `name`, sum of their counters, overflow count).
    fn totals(snapshotter: &metrics_util::debugging::Snapshotter, name: &str) -> (usize, u64, u64) {
        let mut series = 0;
        let mut sum = 0;
        let mut overflow = 0;
        for (key, _, _, value) in snapshotter.snapshot().into_vec() {
            let DebugValue::Counter(v) = value else {
                continue;
            };
            if key.key().name() == name {
                series += 1;
                sum += v;
            } else if key.key().name() == CARDINALITY_OVERFLOW {
                overflow += v;
            }
        }
        (series, sum, overflow)
    }

    #[test]
    fn a_million_distinct_values_stay_within_the_declared_bound_and_keep_the_total() {
        let (guard, snapshotter) = guard();
        for i in 0..1_000_000u32 {
            let key = Key::from_parts(
                "dataface.test.queries",
                vec![
                    Label::new("warehouse", format!("wh-{i}")),
                    Label::new("dataface.outcome", "success"),
                ],
            );
            guard.register_counter(&key, &metadata()).increment(1);
        }
        let (series, sum, overflow) = totals(&snapshotter, "dataface.test.queries");
        assert_eq!(series, 100 + 1, "the declared bound plus `other`");
        assert_eq!(sum, 1_000_000, "no increment lost");
        assert_eq!(
            overflow,
            1_000_000 - 100,
            "every overflowing registration counted"
        );
    }

    #[test]
    fn an_enumerated_label_outside_its_set_is_recorded_as_other() {
        let (guard, snapshotter) = guard();
        let key = Key::from_parts(
            "dataface.test.queries",
            vec![
                Label::new("warehouse", "wh"),
                Label::new("dataface.outcome", "exploded"),
            ],
        );
        guard.register_counter(&key, &metadata()).increment(3);
        let snapshot = snapshotter.snapshot().into_vec();
        let (key, _, _, value) = snapshot
            .iter()
            .find(|(k, ..)| k.key().name() == "dataface.test.queries")
            .unwrap();
        let labels: Vec<_> = key.key().labels().map(|l| (l.key(), l.value())).collect();
        assert_eq!(
            labels,
            vec![("warehouse", "wh"), ("dataface.outcome", "other")]
        );
        assert_eq!(*value, DebugValue::Counter(3));
    }

    #[test]
    fn an_undeclared_label_is_dropped_and_counted() {
        let (guard, snapshotter) = guard();
        let key = Key::from_parts(
            "dataface.test.queries",
            vec![
                Label::new("dataface.outcome", "success"),
                Label::new("dashboard.id", "d-42"),
            ],
        );
        guard.register_counter(&key, &metadata()).increment(1);
        // One snapshot: taking one resets the debugging recorder's counters.
        let snapshot = snapshotter.snapshot().into_vec();
        let (key, ..) = snapshot
            .iter()
            .find(|(k, ..)| k.key().name() == "dataface.test.queries")
            .unwrap();
        assert!(key.key().labels().all(|l| l.key() != "dashboard.id"));
        let overflow = snapshot
            .iter()
            .find(|(k, ..)| k.key().name() == CARDINALITY_OVERFLOW)
            .map(|(.., v)| v);
        assert_eq!(overflow, Some(&DebugValue::Counter(1)));
    }

    #[test]
    fn an_undeclared_metric_keeps_a_bounded_number_of_series() {
        let (guard, snapshotter) = guard();
        for i in 0..(UNDECLARED_SERIES_LIMIT + 50) {
            let key = Key::from_parts(
                "dataface.test.undeclared",
                vec![Label::new("k", i.to_string())],
            );
            guard.register_counter(&key, &metadata()).increment(1);
        }
        let (series, sum, overflow) = totals(&snapshotter, "dataface.test.undeclared");
        assert_eq!(series, UNDECLARED_SERIES_LIMIT + 1);
        assert_eq!(sum, (UNDECLARED_SERIES_LIMIT + 50) as u64);
        assert_eq!(overflow, 50);
    }

    /// The labels of every series of `name` in one snapshot.
    fn series(
        snapshotter: &metrics_util::debugging::Snapshotter,
        name: &str,
    ) -> Vec<Vec<(String, String)>> {
        snapshotter
            .snapshot()
            .into_vec()
            .into_iter()
            .filter(|(key, ..)| key.key().name() == name)
            .map(|(key, ..)| {
                key.key()
                    .labels()
                    .map(|l| (l.key().to_owned(), l.value().to_owned()))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn an_undeclared_label_under_a_secret_key_is_redacted() {
        let (guard, snapshotter) = guard();
        let key = Key::from_parts(
            "dataface.test.undeclared",
            vec![
                Label::new("password", "hunter2-canary"),
                Label::new("region", "eu"),
            ],
        );
        guard.register_counter(&key, &metadata()).increment(1);
        let series = series(&snapshotter, "dataface.test.undeclared");
        assert_eq!(
            series,
            vec![vec![
                ("password".to_owned(), "[REDACTED]".to_owned()),
                ("region".to_owned(), "eu".to_owned()),
            ]]
        );
    }

    #[test]
    fn undeclared_metric_names_are_bounded_and_the_rest_counted() {
        let (guard, snapshotter) = guard();
        let extra = 40;
        for i in 0..(UNDECLARED_METRIC_LIMIT + extra) {
            let name = format!("dataface.test.undeclared.n{i}");
            let key = Key::from_parts(name, vec![Label::new("k", "v")]);
            guard.register_counter(&key, &metadata()).increment(1);
        }
        // A name already admitted still records once the limit is reached.
        let first = Key::from_parts("dataface.test.undeclared.n0", vec![Label::new("k", "v")]);
        guard.register_counter(&first, &metadata()).increment(1);
        // Descriptions past the limit are refused (and counted) too.
        guard.describe_counter("dataface.test.undeclared.late".into(), None, "late".into());
        // One snapshot: taking one resets the debugging recorder's counters.
        let snapshot = snapshotter.snapshot().into_vec();
        let names: HashSet<String> = snapshot
            .iter()
            .map(|(k, ..)| k.key().name().to_owned())
            .filter(|n| n.starts_with("dataface.test.undeclared"))
            .collect();
        assert_eq!(names.len(), UNDECLARED_METRIC_LIMIT);
        assert!(names.contains("dataface.test.undeclared.n0"));
        let overflow = snapshot
            .iter()
            .find(|(k, ..)| {
                k.key().name() == CARDINALITY_OVERFLOW
                    && k.key()
                        .labels()
                        .any(|l| l.value() == UNDECLARED_METRIC_OVERFLOW)
            })
            .map(|(.., v)| v);
        assert_eq!(
            overflow,
            Some(&DebugValue::Counter(extra as u64 + 1)),
            "every refused registration and description counted under one series"
        );
    }

    #[test]
    fn long_label_values_are_cut_to_the_cap_on_a_character_boundary() {
        let (guard, snapshotter) = guard();
        // 'é' is two bytes: the cap falls inside one when the value starts with one ASCII byte.
        let long = format!("x{}", "é".repeat(LABEL_VALUE_MAX_BYTES));
        let undeclared = Key::from_parts("dataface.test.undeclared", vec![Label::new("k", long)]);
        guard
            .register_counter(&undeclared, &metadata())
            .increment(1);
        let declared = Key::from_parts(
            "dataface.test.queries",
            vec![
                Label::new("warehouse", "w".repeat(10 * LABEL_VALUE_MAX_BYTES)),
                Label::new("dataface.outcome", "success"),
            ],
        );
        guard.register_counter(&declared, &metadata()).increment(1);
        let snapshot = snapshotter.snapshot().into_vec();
        let mut overflow = HashMap::new();
        for (key, _, _, value) in &snapshot {
            for label in key.key().labels() {
                assert!(
                    label.value().len() <= LABEL_VALUE_MAX_BYTES,
                    "{} is {} bytes",
                    label.key(),
                    label.value().len()
                );
            }
            if key.key().name() == CARDINALITY_OVERFLOW {
                if let DebugValue::Counter(v) = value {
                    let metric = key.key().labels().next().unwrap().value().to_owned();
                    overflow.insert(metric, *v);
                }
            }
        }
        let value_of = |name: &str, label: &str| {
            snapshot
                .iter()
                .find(|(k, ..)| k.key().name() == name)
                .and_then(|(k, ..)| k.key().labels().find(|l| l.key() == label))
                .map(|l| l.value().to_owned())
                .unwrap()
        };
        let cut = value_of("dataface.test.undeclared", "k");
        assert_eq!(
            cut.len(),
            LABEL_VALUE_MAX_BYTES - 1,
            "cut before the split 'é'"
        );
        assert!(cut.starts_with('x') && cut[1..].chars().all(|c| c == 'é'));
        assert_eq!(
            value_of("dataface.test.queries", "warehouse"),
            "w".repeat(LABEL_VALUE_MAX_BYTES)
        );
        assert_eq!(overflow.get("dataface.test.undeclared"), Some(&1));
        assert_eq!(overflow.get("dataface.test.queries"), Some(&1));
    }

    #[test]
    fn a_cached_key_keeps_its_series_and_an_overflowing_key_is_counted_every_time() {
        let (guard, snapshotter) = guard();
        let clean = Key::from_parts(
            "dataface.test.queries",
            vec![
                Label::new("warehouse", "wh"),
                Label::new("dataface.outcome", "success"),
            ],
        );
        let bad = Key::from_parts(
            "dataface.test.queries",
            vec![
                Label::new("warehouse", "wh"),
                Label::new("dataface.outcome", "exploded"),
            ],
        );
        for _ in 0..3 {
            guard.register_counter(&clean, &metadata()).increment(1);
            guard.register_counter(&bad, &metadata()).increment(1);
        }
        assert_eq!(
            guard.counters.0.read().unwrap().len(),
            1,
            "only the clean key"
        );
        let (series, sum, overflow) = totals(&snapshotter, "dataface.test.queries");
        assert_eq!((series, sum, overflow), (2, 6, 3));
    }
}
