//! Counting what the OpenTelemetry batch processors would otherwise drop silently.
//!
//! The SDK's batch processors drop items when their queue is full and keep the count
//! private. A gate in front of each processor tracks the items in flight (queued or being
//! exported) and drops, counting, before the processor's own queue can overflow. The
//! exporter wrappers settle each batch as exported or dropped, also when the export future
//! is abandoned by a timeout.

use crate::config::Signal;
use crate::redact::Redactor;
use crate::self_metrics::{DropReason, SelfMetrics};
use opentelemetry::Context;
use opentelemetry::InstrumentationScope;
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::logs::{LogBatch, LogExporter, LogProcessor, SdkLogRecord};
use opentelemetry_sdk::metrics::data::ResourceMetrics;
use opentelemetry_sdk::metrics::exporter::PushMetricExporter;
use opentelemetry_sdk::metrics::Temporality;
use opentelemetry_sdk::trace::{Span, SpanData, SpanExporter, SpanProcessor};
use opentelemetry_sdk::Resource;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::Duration;

/// State shared by a gate and the exporter behind it.
#[derive(Debug)]
pub(crate) struct Flow {
    signal: Signal,
    stats: Arc<SelfMetrics>,
    in_flight: AtomicUsize,
    capacity: usize,
    shut: Arc<AtomicBool>,
    /// Consecutive failed exports; the first of a streak is reported on stderr.
    failures: AtomicU64,
    destination: String,
}

impl Flow {
    pub(crate) fn new(
        signal: Signal,
        stats: Arc<SelfMetrics>,
        capacity: usize,
        shut: Arc<AtomicBool>,
        destination: String,
    ) -> Arc<Self> {
        Arc::new(Self {
            signal,
            stats,
            in_flight: AtomicUsize::new(0),
            capacity,
            shut,
            failures: AtomicU64::new(0),
            destination,
        })
    }

    /// Admits one item, or counts it as dropped.
    fn admit(&self) -> bool {
        self.stats.attempted(self.signal, 1);
        if self.shut.load(Ordering::Acquire) {
            self.stats
                .dropped(self.signal, DropReason::AfterShutdown, 1);
            return false;
        }
        let prev = self.in_flight.fetch_add(1, Ordering::AcqRel);
        if prev >= self.capacity {
            self.in_flight.fetch_sub(1, Ordering::AcqRel);
            self.stats.dropped(self.signal, DropReason::QueueFull, 1);
            return false;
        }
        true
    }

    fn settle(&self, n: usize, ok: bool, error: Option<&dyn std::fmt::Display>) {
        // Items counted by a gate leave the flight; metric exports have no gate.
        let _ = self
            .in_flight
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |v| {
                Some(v.saturating_sub(n))
            });
        if ok {
            self.stats.exported(self.signal, n as u64);
            if self.failures.swap(0, Ordering::AcqRel) > 0 {
                crate::internal_event!(
                    info,
                    "OTLP {} export to {} recovered",
                    self.signal,
                    self.destination
                );
            }
        } else {
            self.stats
                .dropped(self.signal, DropReason::ExportError, n as u64);
            if self.failures.fetch_add(1, Ordering::AcqRel) == 0 {
                let why = error
                    .map(|e| e.to_string())
                    .unwrap_or_else(|| "the export did not finish within its timeout".to_owned());
                crate::internal_event!(
                    warn,
                    "{} export to {} failed: {}; telemetry is being dropped and counted in dataface.telemetry.dropped{{signal=\"{}\",reason=\"export_error\"}} until an export succeeds",
                    self.signal,
                    self.destination,
                    why,
                    self.signal
                );
            }
        }
    }
}

/// Settles a batch as an export error if the export future is dropped before finishing.
struct Pending<'a> {
    flow: &'a Flow,
    n: usize,
    done: bool,
}

impl Pending<'_> {
    fn finish(mut self, result: &OTelSdkResult) {
        self.done = true;
        match result {
            Ok(()) => self.flow.settle(self.n, true, None),
            Err(e) => self.flow.settle(self.n, false, Some(e)),
        }
    }
}

impl Drop for Pending<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.flow.settle(self.n, false, None);
        }
    }
}

/// A span processor that redacts and bounds attribute values before `inner` sees them.
#[derive(Debug)]
pub(crate) struct SanitizingSpanProcessor<P> {
    pub(crate) inner: P,
    pub(crate) redactor: Arc<Redactor>,
    pub(crate) value_length_limit: Option<usize>,
}

impl<P: SpanProcessor> SpanProcessor for SanitizingSpanProcessor<P> {
    fn on_start(&self, span: &mut Span, cx: &Context) {
        self.inner.on_start(span, cx);
    }

    fn on_end(&self, mut span: SpanData) {
        if span.span_context.is_sampled() {
            sanitize(&mut span, &self.redactor, self.value_length_limit);
        }
        self.inner.on_end(span);
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.inner.set_resource(resource);
    }
}

fn sanitize(span: &mut SpanData, redactor: &Redactor, limit: Option<usize>) {
    let fix = |kv: &mut opentelemetry::KeyValue| {
        let key = kv.key.as_str().to_owned();
        if redactor.secret_key(&key) {
            kv.value = opentelemetry::Value::String(crate::redact::REDACTED.into());
        } else if let opentelemetry::Value::String(s) = &kv.value {
            if let std::borrow::Cow::Owned(r) = redactor.value(&key, s.as_str()) {
                kv.value = opentelemetry::Value::String(r.into());
            }
        }
        if let Some(limit) = limit {
            truncate_value(&mut kv.value, limit);
        }
    };
    span.attributes.iter_mut().for_each(fix);
    for event in span.events.events.iter_mut() {
        event.attributes.iter_mut().for_each(fix);
    }
}

/// A span processor that admits spans through a [`Flow`].
#[derive(Debug)]
pub(crate) struct GatedSpanProcessor<P> {
    pub(crate) inner: P,
    pub(crate) flow: Arc<Flow>,
}

impl<P: SpanProcessor> SpanProcessor for GatedSpanProcessor<P> {
    fn on_start(&self, span: &mut Span, cx: &Context) {
        self.inner.on_start(span, cx);
    }

    fn on_end(&self, span: SpanData) {
        if !span.span_context.is_sampled() {
            return;
        }
        if !self.flow.admit() {
            return;
        }
        self.inner.on_end(span);
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.inner.set_resource(resource);
    }
}

fn truncate_value(value: &mut opentelemetry::Value, limit: usize) {
    if let opentelemetry::Value::String(s) = value {
        let s_ref = s.as_str();
        if s_ref.chars().count() > limit {
            let cut: String = s_ref.chars().take(limit).collect();
            *value = opentelemetry::Value::String(cut.into());
        }
    }
}

/// A span exporter that settles every batch in its [`Flow`].
#[derive(Debug)]
pub(crate) struct CountingSpanExporter<E> {
    pub(crate) inner: E,
    pub(crate) flow: Arc<Flow>,
}

impl<E: SpanExporter> SpanExporter for CountingSpanExporter<E> {
    async fn export(&self, batch: Vec<SpanData>) -> OTelSdkResult {
        let pending = Pending {
            flow: &self.flow,
            n: batch.len(),
            done: false,
        };
        let result = self.inner.export(batch).await;
        pending.finish(&result);
        result
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.inner.set_resource(resource);
    }
}

/// A log processor that admits records through a [`Flow`].
#[derive(Debug)]
pub(crate) struct GatedLogProcessor<P> {
    pub(crate) inner: P,
    pub(crate) flow: Arc<Flow>,
}

impl<P: LogProcessor> LogProcessor for GatedLogProcessor<P> {
    fn emit(&self, data: &mut SdkLogRecord, instrumentation: &InstrumentationScope) {
        if self.flow.admit() {
            self.inner.emit(data, instrumentation);
        }
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.inner.set_resource(resource);
    }
}

/// A log exporter that settles every batch in its [`Flow`].
#[derive(Debug)]
pub(crate) struct CountingLogExporter<E> {
    pub(crate) inner: E,
    pub(crate) flow: Arc<Flow>,
}

impl<E: LogExporter> LogExporter for CountingLogExporter<E> {
    async fn export(&self, batch: LogBatch<'_>) -> OTelSdkResult {
        let pending = Pending {
            flow: &self.flow,
            n: batch.iter().count(),
            done: false,
        };
        let result = self.inner.export(batch).await;
        pending.finish(&result);
        result
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn set_resource(&mut self, resource: &Resource) {
        self.inner.set_resource(resource);
    }
}

/// A metric exporter that counts each export as one item.
#[derive(Debug)]
pub(crate) struct CountingMetricExporter<E> {
    pub(crate) inner: E,
    pub(crate) flow: Arc<Flow>,
}

impl<E: PushMetricExporter> PushMetricExporter for CountingMetricExporter<E> {
    async fn export(&self, metrics: &ResourceMetrics) -> OTelSdkResult {
        self.flow.stats.attempted(self.flow.signal, 1);
        let pending = Pending {
            flow: &self.flow,
            n: 1,
            done: false,
        };
        let result = self.inner.export(metrics).await;
        pending.finish(&result);
        result
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn temporality(&self) -> Temporality {
        self.inner.temporality()
    }
}
