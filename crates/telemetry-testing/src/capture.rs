//! The capture: a tracing dispatcher and a metrics recorder installed for the current
//! thread only, so parallel tests never see each other's signals.

use crate::record::{
    AttrValue, Captured, LogRecord, MetricRecord, MetricValue, SpanRecord, SpanStatus,
};
use crate::recorder::CaptureRecorder;
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::trace::{SdkTracerProvider, SpanData, SpanProcessor};
use std::collections::BTreeMap;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use tracing::field::{Field, Visit};
use tracing::{Dispatch, Subscriber};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::Layer;

#[derive(Debug, Default)]
struct Store {
    spans: Mutex<Vec<SpanData>>,
    logs: Mutex<Vec<LogRecord>>,
}

#[derive(Debug)]
struct SpanSink(Arc<Store>);

impl SpanProcessor for SpanSink {
    fn on_start(&self, _span: &mut opentelemetry_sdk::trace::Span, _cx: &opentelemetry::Context) {}
    fn on_end(&self, span: SpanData) {
        self.0
            .spans
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(span);
    }
    fn force_flush(&self) -> opentelemetry_sdk::error::OTelSdkResult {
        Ok(())
    }
    fn shutdown_with_timeout(
        &self,
        _timeout: std::time::Duration,
    ) -> opentelemetry_sdk::error::OTelSdkResult {
        Ok(())
    }
}

/// Records each `tracing` event as a [`LogRecord`], with its span's trace context.
struct LogSink(
    Arc<Store>,
    std::sync::OnceLock<tracing::dispatcher::WeakDispatch>,
);

struct FieldVisitor<'a> {
    message: &'a mut String,
    fields: &'a mut BTreeMap<String, AttrValue>,
}

impl FieldVisitor<'_> {
    fn typed(&mut self, field: &Field, value: AttrValue) {
        self.fields.insert(field.name().to_owned(), value);
    }
}

/// Fields keep the type the product's log bridge gives them on the OTLP log record.
impl Visit for FieldVisitor<'_> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        if field.name() == "message" {
            *self.message = format!("{value:?}");
        } else {
            self.typed(field, AttrValue::Str(format!("{value:?}")));
        }
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        if field.name() == "message" {
            *self.message = value.to_owned();
        } else {
            self.typed(field, AttrValue::Str(value.to_owned()));
        }
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        self.typed(field, AttrValue::I64(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        match i64::try_from(value) {
            Ok(v) => self.typed(field, AttrValue::I64(v)),
            Err(_) => self.typed(field, AttrValue::Str(value.to_string())),
        }
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        self.typed(field, AttrValue::F64(value));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        self.typed(field, AttrValue::Bool(value));
    }
}

impl<S: Subscriber> Layer<S> for LogSink {
    fn on_register_dispatch(&self, dispatch: &Dispatch) {
        let _ = self.1.set(dispatch.downgrade());
    }

    fn on_event(
        &self,
        event: &tracing::Event<'_>,
        _ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        use opentelemetry::trace::TraceContextExt as _;
        let mut message = String::new();
        let mut fields = BTreeMap::new();
        event.record(&mut FieldVisitor {
            message: &mut message,
            fields: &mut fields,
        });
        // An explicit `parent:` decides the span; otherwise the current span does.
        let sc = match event.parent() {
            Some(_) => telemetry_core::explicit_parent(event, self.1.get())
                .unwrap_or_else(opentelemetry::trace::SpanContext::empty_context),
            None if event.is_root() => opentelemetry::trace::SpanContext::empty_context(),
            None => opentelemetry::Context::current()
                .span()
                .span_context()
                .clone(),
        };
        let (trace_id, span_id) = if sc.is_valid() {
            (
                Some(sc.trace_id().to_string()),
                Some(sc.span_id().to_string()),
            )
        } else {
            (None, None)
        };
        let meta = event.metadata();
        self.0
            .logs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(LogRecord {
                name: meta.name().to_owned(),
                level: *meta.level(),
                target: meta.target().to_owned(),
                message,
                fields,
                trace_id,
                span_id,
            });
    }
}

/// A capture of everything the code under test emits on the threads it is entered on.
///
/// ```
/// use telemetry_testing::Capture;
///
/// let capture = Capture::new();
/// capture.in_scope(|| {
///     let _span = tracing::info_span!("dataface.compile", dataface.contract.version = "v3").entered();
///     metrics::counter!("dataface.compile.outcomes", "dataface.outcome" => "success").increment(1);
/// });
/// let signals = capture.signals();
/// signals.span("dataface.compile").with_attr("dataface.contract.version", "v3").exactly(1);
/// signals.metric_named("dataface.compile.outcomes").with("dataface.outcome", "success").value(1);
/// ```
///
/// What is captured: spans, events (as log records) and metrics recorded on a thread
/// while the capture is entered there ([`enter`](Self::enter), [`in_scope`](Self::in_scope)).
/// Work on other threads or Tokio tasks is captured only when carried there with
/// [`wrap`](Self::wrap) (closures for `std::thread::spawn`, `spawn_blocking`) or
/// [`task`](Self::task) (futures for `tokio::spawn`); otherwise it goes to
/// whatever subscriber and recorder that thread has (the global ones, or none). Metric
/// handles keep the recorder they were registered with: create probes (which register
/// their handles) inside the capture. Probes see telemetry as enabled
/// ([`telemetry_core::enabled`]) on a thread where a capture is entered.
#[derive(Clone)]
pub struct Capture {
    dispatch: Dispatch,
    recorder: Arc<CaptureRecorder>,
    store: Arc<Store>,
    _provider: SdkTracerProvider,
}

impl std::fmt::Debug for Capture {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Capture").finish_non_exhaustive()
    }
}

impl Default for Capture {
    fn default() -> Self {
        Self::new()
    }
}

/// Keeps a capture entered on the current thread; leaving it restores what was there.
#[must_use = "the capture is entered only while this guard lives"]
pub struct CaptureGuard<'a> {
    _dispatch: tracing::dispatcher::DefaultGuard,
    _metrics: metrics::LocalRecorderGuard<'a>,
    _enabled: telemetry_core::LocalEnableGuard,
}

impl std::fmt::Debug for CaptureGuard<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("CaptureGuard").finish_non_exhaustive()
    }
}

impl Capture {
    /// A fresh, empty capture.
    pub fn new() -> Self {
        // With a single dispatcher in the process, tracing caches a callsite's interest from
        // the first thread that hits it: a site first hit outside the capture would stay off
        // inside it. A second, process-wide dispatcher makes tracing ask each thread's own.
        static KEEP: std::sync::OnceLock<Dispatch> = std::sync::OnceLock::new();
        KEEP.get_or_init(|| Dispatch::new(tracing::subscriber::NoSubscriber::default()));
        let store = Arc::new(Store::default());
        let provider = SdkTracerProvider::builder()
            .with_span_processor(SpanSink(store.clone()))
            .build();
        let subscriber = tracing_subscriber::registry()
            .with(
                tracing_opentelemetry::layer()
                    .with_tracer(provider.tracer("telemetry-testing"))
                    .with_location(false)
                    .with_threads(false)
                    .with_tracked_inactivity(false),
            )
            .with(LogSink(store.clone(), std::sync::OnceLock::new()));
        Self {
            dispatch: Dispatch::new(subscriber),
            recorder: Arc::new(CaptureRecorder::default()),
            store,
            _provider: provider,
        }
    }

    /// Enters the capture on the current thread until the guard is dropped.
    pub fn enter(&self) -> CaptureGuard<'_> {
        CaptureGuard {
            _dispatch: tracing::dispatcher::set_default(&self.dispatch),
            _metrics: metrics::set_default_local_recorder(&*self.recorder),
            _enabled: telemetry_core::enable_on_this_thread(),
        }
    }

    /// Runs `f` with the capture entered on the current thread.
    pub fn in_scope<T>(&self, f: impl FnOnce() -> T) -> T {
        let _guard = self.enter();
        f()
    }

    /// Carries the capture into `f`, for another thread:
    /// `std::thread::spawn(capture.wrap(move || work()))`.
    pub fn wrap<T>(
        &self,
        f: impl FnOnce() -> T + Send + 'static,
    ) -> impl FnOnce() -> T + Send + 'static {
        let capture = self.clone();
        move || capture.in_scope(f)
    }

    /// Carries the capture into a future, for `tokio::spawn(capture.task(async { .. }))`: every poll runs
    /// with the capture entered on whichever thread polls it.
    pub fn task<F: Future>(&self, future: F) -> Instrumented<F> {
        Instrumented {
            capture: self.clone(),
            inner: Box::pin(future),
        }
    }

    /// What has been captured so far.
    pub fn signals(&self) -> Captured {
        let spans = self
            .store
            .spans
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .iter()
            .map(span_record)
            .collect();
        let logs = self
            .store
            .logs
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone();
        let (metrics, registered): (Vec<MetricRecord>, Vec<MetricRecord>) =
            self.recorder.records().into_iter().partition(|m| m.touched);
        Captured {
            spans,
            logs,
            metrics,
            untouched: registered,
        }
    }
}

/// A future carrying a [`Capture`]; see [`Capture::task`].
pub struct Instrumented<F> {
    capture: Capture,
    inner: Pin<Box<F>>,
}

impl<F> std::fmt::Debug for Instrumented<F> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Instrumented").finish_non_exhaustive()
    }
}

impl<F: Future> Future for Instrumented<F> {
    type Output = F::Output;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<F::Output> {
        let this = self.get_mut();
        let _guard = this.capture.enter();
        this.inner.as_mut().poll(cx)
    }
}

fn span_record(s: &SpanData) -> SpanRecord {
    use opentelemetry::trace::Status;
    let attrs = |kvs: &[opentelemetry::KeyValue]| {
        kvs.iter()
            .map(|kv| (kv.key.as_str().to_owned(), AttrValue::from(&kv.value)))
            .collect::<BTreeMap<_, _>>()
    };
    let parent = s.parent_span_id;
    SpanRecord {
        name: s.name.to_string(),
        trace_id: s.span_context.trace_id().to_string(),
        span_id: s.span_context.span_id().to_string(),
        parent_span_id: (parent != opentelemetry::trace::SpanId::INVALID)
            .then(|| parent.to_string()),
        attributes: attrs(&s.attributes),
        status: match &s.status {
            Status::Unset => SpanStatus::Unset,
            Status::Ok => SpanStatus::Ok,
            Status::Error { description } => SpanStatus::Error(description.to_string()),
        },
        events: s
            .events
            .events
            .iter()
            .map(|e| (e.name.to_string(), attrs(&e.attributes)))
            .collect(),
    }
}

impl From<&opentelemetry::Value> for AttrValue {
    fn from(v: &opentelemetry::Value) -> Self {
        match v {
            opentelemetry::Value::String(s) => AttrValue::Str(s.to_string()),
            opentelemetry::Value::I64(i) => AttrValue::I64(*i),
            opentelemetry::Value::F64(f) => AttrValue::F64(*f),
            opentelemetry::Value::Bool(b) => AttrValue::Bool(*b),
            other => AttrValue::Other(other.to_string()),
        }
    }
}

impl MetricValue {
    /// The counter value, gauge value, or histogram sample count, as a number.
    pub fn as_f64(&self) -> f64 {
        match self {
            MetricValue::Counter(v) => *v as f64,
            MetricValue::Gauge(v) => *v,
            MetricValue::Histogram(samples) => samples.len() as f64,
        }
    }
}
