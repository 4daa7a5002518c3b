//! Counting what the OpenTelemetry batch processors would otherwise drop silently.
//!
//! The SDK's batch processors drop items when their queue is full and keep the count
//! private. A gate in front of each processor tracks the items in flight (queued or being
//! exported) and drops, counting, before the processor's own queue can overflow. The
//! exporter wrappers settle each batch as exported or dropped, also when the export future
//! is abandoned by a timeout.

use crate::config::Signal;
use crate::redact::Redactor;
use crate::self_metrics::{DropReason, Limited, SelfMetrics};
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
    /// Items admitted and not yet settled (spans and logs; metric exports are not gated).
    in_flight: AtomicUsize,
    capacity: usize,
    shut: Arc<AtomicBool>,
    /// Consecutive failed exports; the first of a streak is reported on stderr.
    failures: AtomicU64,
    /// Items of the export in progress the collector rejected (`partial_success`), reported
    /// while the export runs and settled with it.
    rejected: AtomicU64,
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
            rejected: AtomicU64::new(0),
            destination,
        })
    }

    /// The signal this flow carries.
    pub(crate) fn signal(&self) -> Signal {
        self.signal
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

    /// Notes that the collector rejected `n` items of the export in progress.
    pub(crate) fn rejected(&self, n: u64) {
        self.rejected.fetch_add(n, Ordering::AcqRel);
    }

    /// Counts what is still in flight as lost to a shutdown that ran out of time; exports
    /// that finish afterwards count nothing more. Returns how many items that was.
    pub(crate) fn abandon(&self) -> u64 {
        let left = self.in_flight.swap(0, Ordering::AcqRel) as u64;
        if left > 0 {
            self.stats
                .dropped(self.signal, DropReason::ShutdownTimeout, left);
        }
        left
    }

    /// Takes `n` items out of the flight; how many of them were still counted in it (fewer
    /// when a timed-out shutdown already counted them).
    fn land(&self, n: usize) -> u64 {
        if self.signal == Signal::Metrics {
            // Metric exports are not gated: every export is settled here.
            return n as u64;
        }
        let prev = self
            .in_flight
            .fetch_update(Ordering::AcqRel, Ordering::Acquire, |v| {
                Some(v.saturating_sub(n))
            })
            .unwrap_or(0);
        prev.min(n) as u64
    }

    fn settle(&self, n: usize, outcome: Outcome<'_>) {
        let n = self.land(n);
        let rejected = self.rejected.swap(0, Ordering::AcqRel).min(n);
        match outcome {
            Outcome::Exported => {
                self.stats.exported(self.signal, n - rejected);
                if rejected > 0 {
                    self.stats
                        .dropped(self.signal, DropReason::Rejected, rejected);
                }
                if self.failures.swap(0, Ordering::AcqRel) > 0 {
                    crate::internal_event!(
                        info,
                        "OTLP {} export to {} recovered",
                        self.signal,
                        self.destination
                    );
                }
            }
            Outcome::Failed(error) => {
                self.stats.dropped(self.signal, DropReason::ExportError, n);
                if self.failures.fetch_add(1, Ordering::AcqRel) == 0 {
                    let why = error.map(|e| e.to_string()).unwrap_or_else(|| {
                        "the export did not finish within its timeout".to_owned()
                    });
                    crate::internal_event!(
                        warn,
                        "{} export to {} failed: {}; telemetry is being dropped and counted in dataface.telemetry.dropped{{dataface.telemetry.signal=\"{}\",dataface.telemetry.drop.reason=\"export_error\"}} until an export succeeds",
                        self.signal,
                        self.destination,
                        why,
                        self.signal
                    );
                }
            }
            Outcome::Panicked(message) => {
                self.stats
                    .dropped(self.signal, DropReason::ExporterPanic, n);
                crate::internal_event!(
                    error,
                    "the {} exporter panicked ({}); the batch is dropped and counted in dataface.telemetry.dropped{{dataface.telemetry.signal=\"{}\",dataface.telemetry.drop.reason=\"exporter_panic\"}}, exporting goes on",
                    self.signal,
                    message,
                    self.signal
                );
            }
        }
    }
}

/// How one export ended.
enum Outcome<'a> {
    Exported,
    Failed(Option<&'a dyn std::fmt::Display>),
    Panicked(&'a str),
}

/// Settles a batch as an export error if the export future is dropped before finishing.
struct Pending<'a> {
    flow: &'a Flow,
    n: usize,
    done: bool,
}

impl Pending<'_> {
    fn finish(mut self, result: &Result<OTelSdkResult, String>) {
        self.done = true;
        match result {
            Ok(Ok(())) => self.flow.settle(self.n, Outcome::Exported),
            Ok(Err(e)) => self.flow.settle(self.n, Outcome::Failed(Some(e))),
            Err(panic) => self.flow.settle(self.n, Outcome::Panicked(panic)),
        }
    }
}

impl Drop for Pending<'_> {
    fn drop(&mut self) {
        if !self.done {
            self.flow.settle(self.n, Outcome::Failed(None));
        }
    }
}

/// Runs an export future, turning a panic while it is polled into `Err(message)`: the SDK's
/// batch worker that awaits it lives on.
async fn catch_panic<F: std::future::Future<Output = OTelSdkResult>>(
    fut: F,
) -> Result<OTelSdkResult, String> {
    let mut fut = std::pin::pin!(fut);
    std::future::poll_fn(move |cx| {
        match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| fut.as_mut().poll(cx))) {
            Ok(std::task::Poll::Ready(r)) => std::task::Poll::Ready(Ok(r)),
            Ok(std::task::Poll::Pending) => std::task::Poll::Pending,
            Err(payload) => {
                let message = payload
                    .downcast_ref::<&str>()
                    .map(|s| (*s).to_owned())
                    .or_else(|| payload.downcast_ref::<String>().cloned())
                    .unwrap_or_else(|| "a non-string panic payload".to_owned());
                std::task::Poll::Ready(Err(message))
            }
        }
    })
    .await
}

/// What an export returns to the SDK: a caught panic becomes an error.
fn to_sdk(result: Result<OTelSdkResult, String>) -> OTelSdkResult {
    result.unwrap_or_else(|panic| {
        Err(opentelemetry_sdk::error::OTelSdkError::InternalFailure(
            format!("the exporter panicked: {panic}"),
        ))
    })
}

/// A span processor that redacts every string of a span (its name, status description,
/// attributes, event names and attributes, link attributes) and bounds attribute values
/// before `inner` sees them; truncations and the SDK's limit drops are counted.
#[derive(Debug)]
pub(crate) struct SanitizingSpanProcessor<P> {
    pub(crate) inner: P,
    pub(crate) redactor: Arc<Redactor>,
    pub(crate) value_length_limit: Option<usize>,
    /// Where truncations and limit drops are counted (`None`: counted by another path).
    pub(crate) stats: Option<Arc<SelfMetrics>>,
}

impl<P: SpanProcessor> SpanProcessor for SanitizingSpanProcessor<P> {
    fn on_start(&self, span: &mut Span, cx: &Context) {
        self.inner.on_start(span, cx);
    }

    fn on_end(&self, mut span: SpanData) {
        if span.span_context.is_sampled() {
            let limited = sanitize(&mut span, &self.redactor, self.value_length_limit);
            if let Some(stats) = &self.stats {
                stats.limited(Signal::Traces, &limited);
            }
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

/// A redacted string: the original when nothing was secret.
fn redacted(
    redactor: &Redactor,
    text: std::borrow::Cow<'static, str>,
) -> std::borrow::Cow<'static, str> {
    match redactor.text(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(r) => r.into(),
    }
}

fn fix_value(
    key: &str,
    value: &mut opentelemetry::Value,
    redactor: &Redactor,
    limit: Option<usize>,
) -> u64 {
    use opentelemetry::{Array, StringValue, Value};
    if redactor.secret_key(key) {
        *value = Value::String(crate::redact::REDACTED.into());
        return 0;
    }
    let mut truncated = 0;
    let mut fix = |s: &mut StringValue| {
        if let std::borrow::Cow::Owned(r) = redactor.text(s.as_str()) {
            *s = r.into();
        }
        if let Some(limit) = limit {
            if truncate_str(s, limit) {
                truncated += 1;
            }
        }
    };
    match value {
        Value::String(s) => fix(s),
        Value::Array(Array::String(items)) => items.iter_mut().for_each(fix),
        _ => {}
    }
    truncated
}

fn fix_attributes(
    attributes: &mut [opentelemetry::KeyValue],
    redactor: &Redactor,
    limit: Option<usize>,
) -> u64 {
    attributes
        .iter_mut()
        .map(|kv| fix_value(kv.key.as_str(), &mut kv.value, redactor, limit))
        .sum()
}

fn sanitize(span: &mut SpanData, redactor: &Redactor, limit: Option<usize>) -> Limited {
    let mut limited = Limited {
        attributes_dropped: u64::from(span.dropped_attributes_count),
        events_dropped: u64::from(span.events.dropped_count),
        links_dropped: u64::from(span.links.dropped_count),
        ..Limited::default()
    };
    span.name = redacted(redactor, std::mem::take(&mut span.name));
    limited.values_truncated += u64::from(truncate_cow(&mut span.name, limit));
    if let opentelemetry::trace::Status::Error { description } = &mut span.status {
        *description = redacted(redactor, std::mem::take(description));
        limited.values_truncated += u64::from(truncate_cow(description, limit));
    }
    limited.values_truncated += fix_attributes(&mut span.attributes, redactor, limit);
    for event in span.events.events.iter_mut() {
        // tracing-opentelemetry copies an event's message into the event name: a huge
        // message would otherwise make the whole batch exceed a collector's request limit.
        event.name = redacted(redactor, std::mem::take(&mut event.name));
        limited.values_truncated += u64::from(truncate_cow(&mut event.name, limit));
        limited.values_truncated += fix_attributes(&mut event.attributes, redactor, limit);
        limited.attributes_dropped += u64::from(event.dropped_attributes_count);
    }
    for link in span.links.links.iter_mut() {
        limited.values_truncated += fix_attributes(&mut link.attributes, redactor, limit);
        limited.attributes_dropped += u64::from(link.dropped_attributes_count);
    }
    limited
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

/// Cuts a name or description to `limit` characters, like an attribute value; whether it
/// was longer.
fn truncate_cow(s: &mut std::borrow::Cow<'static, str>, limit: Option<usize>) -> bool {
    let Some(limit) = limit else { return false };
    match s.char_indices().nth(limit) {
        Some((cut, _)) => {
            s.to_mut().truncate(cut);
            true
        }
        None => false,
    }
}

/// Cuts `s` to `limit` characters; whether it was longer.
fn truncate_str(s: &mut opentelemetry::StringValue, limit: usize) -> bool {
    let text = s.as_str();
    match text.char_indices().nth(limit) {
        Some((cut, _)) => {
            *s = text[..cut].to_owned().into();
            true
        }
        None => false,
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
        let result = catch_panic(self.inner.export(batch)).await;
        pending.finish(&result);
        to_sdk(result)
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
        let result = catch_panic(self.inner.export(batch)).await;
        pending.finish(&result);
        to_sdk(result)
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
        let result = catch_panic(self.inner.export(metrics)).await;
        pending.finish(&result);
        to_sdk(result)
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

#[cfg(test)]
mod tests {
    use super::*;
    use opentelemetry::trace::{Span as _, Tracer as _, TracerProvider as _};
    use opentelemetry_sdk::trace::{BatchSpanProcessor, SdkTracerProvider};

    fn flow(stats: &Arc<SelfMetrics>) -> Arc<Flow> {
        Flow::new(
            Signal::Traces,
            stats.clone(),
            1000,
            Arc::new(AtomicBool::new(false)),
            "http://127.0.0.1:4318".into(),
        )
    }

    #[derive(Debug)]
    struct Panicking;

    impl SpanExporter for Panicking {
        async fn export(&self, _batch: Vec<SpanData>) -> OTelSdkResult {
            panic!("an exporter bug");
        }
    }

    #[test]
    fn an_exporter_panic_is_caught_counted_and_the_worker_lives_on() {
        let stats = Arc::new(SelfMetrics::default());
        let flow = flow(&stats);
        let batch = BatchSpanProcessor::builder(CountingSpanExporter {
            inner: Panicking,
            flow: flow.clone(),
        })
        .build();
        let provider = SdkTracerProvider::builder()
            .with_span_processor(GatedSpanProcessor { inner: batch, flow })
            .build();
        let tracer = provider.tracer("test");
        for round in 1..=3u64 {
            for _ in 0..10 {
                tracer.start("work").end();
            }
            let _ = provider.force_flush();
            let s = stats.snapshot().traces;
            assert_eq!(s.dropped_exporter_panic, 10 * round, "{s:?}");
            assert_eq!(s.dropped_queue_full, 0, "the worker is alive: {s:?}");
            assert_eq!(s.attempted, s.exported + s.dropped());
        }
        let _ = provider.shutdown();
    }

    #[test]
    fn a_partial_success_counts_the_rejected_items_as_dropped() {
        let stats = Arc::new(SelfMetrics::default());
        let flow = flow(&stats);
        for _ in 0..10 {
            assert!(flow.admit());
        }
        flow.rejected(3);
        flow.settle(10, Outcome::Exported);
        let s = stats.snapshot().traces;
        assert_eq!((s.exported, s.dropped_rejected), (7, 3), "{s:?}");
    }

    #[test]
    fn what_a_timed_out_shutdown_left_is_counted_once() {
        let stats = Arc::new(SelfMetrics::default());
        let flow = flow(&stats);
        for _ in 0..10 {
            assert!(flow.admit());
        }
        flow.settle(4, Outcome::Exported);
        assert_eq!(flow.abandon(), 6);
        // The export that was still running finishes after shutdown returned.
        flow.settle(6, Outcome::Exported);
        let s = stats.snapshot().traces;
        assert_eq!((s.exported, s.dropped_shutdown_timeout), (4, 6), "{s:?}");
        assert_eq!(s.attempted, s.exported + s.dropped());
    }
}
