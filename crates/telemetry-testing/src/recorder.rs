//! A `metrics` recorder that keeps every registration and every value.

use crate::record::{MetricRecord, MetricValue};
use metrics::{
    Counter, CounterFn, Gauge, GaugeFn, Histogram, HistogramFn, Key, KeyName, Metadata, Recorder,
    SharedString, Unit,
};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use telemetry_core::catalog::{ucum_unit, InstrumentKind};

#[derive(Debug, Default)]
struct Cell {
    touched: AtomicBool,
    counter: AtomicU64,
    gauge: AtomicU64,
    samples: Mutex<Vec<f64>>,
}

impl CounterFn for Cell {
    fn increment(&self, value: u64) {
        self.touched.store(true, Ordering::Relaxed);
        self.counter.fetch_add(value, Ordering::Relaxed);
    }
    fn absolute(&self, value: u64) {
        self.touched.store(true, Ordering::Relaxed);
        self.counter.fetch_max(value, Ordering::Relaxed);
    }
}

impl GaugeFn for Cell {
    fn increment(&self, value: f64) {
        self.touched.store(true, Ordering::Relaxed);
        let _ = self
            .gauge
            .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |b| {
                Some((f64::from_bits(b) + value).to_bits())
            });
    }
    fn decrement(&self, value: f64) {
        GaugeFn::increment(self, -value);
    }
    fn set(&self, value: f64) {
        self.touched.store(true, Ordering::Relaxed);
        self.gauge.store(value.to_bits(), Ordering::Relaxed);
    }
}

impl HistogramFn for Cell {
    fn record(&self, value: f64) {
        self.touched.store(true, Ordering::Relaxed);
        self.samples
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(value);
    }
}

/// Keeps every series registered through it, by kind and key.
#[derive(Debug, Default)]
pub(crate) struct CaptureRecorder {
    cells: Mutex<Vec<(InstrumentKind, Key, Arc<Cell>)>>,
    index: Mutex<HashMap<(InstrumentKind, Key), Arc<Cell>>>,
    units: Mutex<HashMap<String, Unit>>,
}

impl CaptureRecorder {
    fn cell(&self, kind: InstrumentKind, key: &Key) -> Arc<Cell> {
        let mut index = self.index.lock().unwrap_or_else(|p| p.into_inner());
        index
            .entry((kind, key.clone()))
            .or_insert_with(|| {
                let cell = Arc::new(Cell::default());
                self.cells.lock().unwrap_or_else(|p| p.into_inner()).push((
                    kind,
                    key.clone(),
                    cell.clone(),
                ));
                cell
            })
            .clone()
    }

    fn describe(&self, key: KeyName, unit: Option<Unit>) {
        if let Some(unit) = unit {
            self.units
                .lock()
                .unwrap_or_else(|p| p.into_inner())
                .insert(key.as_str().to_owned(), unit);
        }
    }

    pub(crate) fn records(&self) -> Vec<MetricRecord> {
        let units = self.units.lock().unwrap_or_else(|p| p.into_inner()).clone();
        self.cells
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .map(|(kind, key, cell)| MetricRecord {
                name: key.name().to_owned(),
                kind: *kind,
                labels: key
                    .labels()
                    .map(|l| (l.key().to_owned(), l.value().to_owned()))
                    .collect::<BTreeMap<_, _>>(),
                label_types: key
                    .labels()
                    .map(|l| (l.key().to_owned(), "string"))
                    .collect(),
                value: match kind {
                    InstrumentKind::Counter => {
                        MetricValue::Counter(cell.counter.load(Ordering::Relaxed))
                    }
                    InstrumentKind::Gauge => {
                        MetricValue::Gauge(f64::from_bits(cell.gauge.load(Ordering::Relaxed)))
                    }
                    InstrumentKind::Histogram => MetricValue::Histogram(
                        cell.samples
                            .lock()
                            .unwrap_or_else(|p| p.into_inner())
                            .clone(),
                    ),
                },
                unit: units.get(key.name()).map(|u| ucum_unit(*u)),
                touched: cell.touched.load(Ordering::Relaxed),
            })
            .collect()
    }
}

impl Recorder for CaptureRecorder {
    fn describe_counter(&self, key: KeyName, unit: Option<Unit>, _d: SharedString) {
        self.describe(key, unit);
    }
    fn describe_gauge(&self, key: KeyName, unit: Option<Unit>, _d: SharedString) {
        self.describe(key, unit);
    }
    fn describe_histogram(&self, key: KeyName, unit: Option<Unit>, _d: SharedString) {
        self.describe(key, unit);
    }
    fn register_counter(&self, key: &Key, _m: &Metadata<'_>) -> Counter {
        Counter::from_arc(self.cell(InstrumentKind::Counter, key))
    }
    fn register_gauge(&self, key: &Key, _m: &Metadata<'_>) -> Gauge {
        Gauge::from_arc(self.cell(InstrumentKind::Gauge, key))
    }
    fn register_histogram(&self, key: &Key, _m: &Metadata<'_>) -> Histogram {
        Histogram::from_arc(self.cell(InstrumentKind::Histogram, key))
    }
}
