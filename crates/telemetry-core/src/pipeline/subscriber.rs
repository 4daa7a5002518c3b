//! The `tracing` subscriber part: the redacted stderr stream, the span layer into the
//! tracer provider and the event layer into the logger provider, each filtered so the
//! export path never feeds itself. Building it has no side effect; `init` sets it as the
//! global default last.

use super::install::Context;
use super::log_bridge::LogBridge;
use crate::config::Signal;
use crate::self_metrics::{DropReason, SelfMetrics};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry_sdk::logs::SdkLoggerProvider;
use opentelemetry_sdk::trace::SdkTracerProvider;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::sync::Arc;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::Layer;

/// The target of the pipeline's own events; kept out of the OTel layers so an export
/// failure cannot feed the pipeline that failed.
pub(crate) const INTERNAL_TARGET: &str = "dataface_telemetry::internal";

/// Crates whose internal events go to stderr (at `warn`) but never into OTLP: they run
/// inside the export path. Matched by exact crate name (the target up to its first `::`):
/// `tower_http`, `reqwest_tracing` or `hyper_util_x` spans of the host are not theirs.
const EXPORT_PATH_CRATES: &[&str] = &[
    "tonic",
    "tower",
    "h2",
    "hyper",
    "hyper_util",
    "reqwest",
    "metrics_exporter_prometheus",
    "tiny_http",
];

/// The OpenTelemetry crates: their diagnostics (`internal-logs`) never reach OTLP, and stay
/// off stderr too, where the pipeline's own events already report the export path once per
/// failure streak. One of them, the collector's `partial_success`, is counted.
const OTEL_CRATES: &[&str] = &[
    "opentelemetry",
    "opentelemetry_sdk",
    "opentelemetry-otlp",
    "opentelemetry_otlp",
    "opentelemetry-http",
    "opentelemetry_http",
    "opentelemetry-proto",
    "opentelemetry_proto",
];

/// The crate an event or span comes from: its target up to the first `::`.
fn crate_of(target: &str) -> &str {
    // A byte scan: this runs for every span and event, on each filter.
    let bytes = target.as_bytes();
    let end = (1..bytes.len())
        .find(|&i| bytes[i] == b':' && bytes[i - 1] == b':')
        .map_or(target.len(), |i| i - 1);
    &target[..end]
}

/// Which output a [`PathFilter`] guards.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Output {
    Stderr,
    Otel,
}

/// The user's `DATAFACE_LOG` directives, with the export path kept out of OTLP (and the
/// OpenTelemetry crates out of stderr). Decided from static metadata only, so each callsite
/// is decided once.
#[derive(Debug, Clone)]
struct PathFilter {
    user: Targets,
    output: Output,
}

impl PathFilter {
    fn decide(&self, meta: &tracing::Metadata<'_>) -> bool {
        let target = meta.target();
        let krate = crate_of(target);
        if OTEL_CRATES.contains(&krate) {
            return false;
        }
        if EXPORT_PATH_CRATES.contains(&krate) {
            return self.output == Output::Stderr && *meta.level() <= tracing::Level::WARN;
        }
        if self.output == Output::Otel && target == INTERNAL_TARGET {
            return false;
        }
        self.user.would_enable(target, meta.level())
    }
}

impl<S> tracing_subscriber::layer::Filter<S> for PathFilter {
    fn enabled(
        &self,
        meta: &tracing::Metadata<'_>,
        _cx: &tracing_subscriber::layer::Context<'_, S>,
    ) -> bool {
        self.decide(meta)
    }

    fn callsite_enabled(
        &self,
        meta: &'static tracing::Metadata<'static>,
    ) -> tracing::subscriber::Interest {
        if self.decide(meta) {
            tracing::subscriber::Interest::always()
        } else {
            tracing::subscriber::Interest::never()
        }
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        let user = tracing_subscriber::layer::Filter::<S>::max_level_hint(&self.user);
        match self.output {
            Output::Stderr => user.map(|l| l.max(LevelFilter::WARN)),
            Output::Otel => user,
        }
    }
}

/// The span layer's filter: the [`PathFilter`], and at most `limit` events kept per span.
/// tracing-opentelemetry buffers a span's events until the span closes, entered or not; the
/// SDK's event limit applies only then. Past the limit, events are dropped here, as they
/// come, and counted (`dataface.telemetry.limited{dataface.telemetry.limit="event_count"}`).
struct SpanFilter {
    path: PathFilter,
    limit: u32,
    stats: Arc<SelfMetrics>,
}

/// Events seen so far on one span.
struct EventsSeen(u32);

impl<S> tracing_subscriber::layer::Filter<S> for SpanFilter
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
{
    fn enabled(
        &self,
        meta: &tracing::Metadata<'_>,
        _cx: &tracing_subscriber::layer::Context<'_, S>,
    ) -> bool {
        self.path.decide(meta)
    }

    fn callsite_enabled(
        &self,
        meta: &'static tracing::Metadata<'static>,
    ) -> tracing::subscriber::Interest {
        tracing_subscriber::layer::Filter::<S>::callsite_enabled(&self.path, meta)
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        tracing_subscriber::layer::Filter::<S>::max_level_hint(&self.path)
    }

    fn event_enabled(
        &self,
        event: &tracing::Event<'_>,
        cx: &tracing_subscriber::layer::Context<'_, S>,
    ) -> bool {
        let Some(span) = cx.event_span(event) else {
            return true;
        };
        let mut extensions = span.extensions_mut();
        let seen = match extensions.get_mut::<EventsSeen>() {
            Some(seen) => {
                seen.0 = seen.0.saturating_add(1);
                seen.0
            }
            None => {
                extensions.insert(EventsSeen(1));
                1
            }
        };
        if seen <= self.limit {
            return true;
        }
        self.stats.limited(
            Signal::Traces,
            &crate::self_metrics::Limited {
                events_dropped: 1,
                ..Default::default()
            },
        );
        false
    }
}

/// Counts the items a collector rejected in a `partial_success` answer: opentelemetry-otlp
/// reports it only as an internal event, raised while the export runs.
struct PartialSuccess {
    flows: Vec<Arc<super::counting::Flow>>,
}

/// Where partial-success events come from, and the field naming the rejected count.
fn partial_success_signal(name: &str) -> Option<(Signal, &'static str)> {
    match name {
        "TonicTracesClient.PartialSuccess" | "HttpTraceClient.PartialSuccess" => {
            Some((Signal::Traces, "rejected_spans"))
        }
        "TonicLogsClient.PartialSuccess" | "HttpLogsClient.PartialSuccess" => {
            Some((Signal::Logs, "rejected_log_records"))
        }
        "TonicMetricsClient.PartialSuccess" | "HttpMetricsClient.PartialSuccess" => {
            Some((Signal::Metrics, "rejected_data_points"))
        }
        _ => None,
    }
}

/// Only the partial-success events, decided once per callsite.
struct PartialSuccessFilter;

impl<S> tracing_subscriber::layer::Filter<S> for PartialSuccessFilter {
    fn enabled(
        &self,
        meta: &tracing::Metadata<'_>,
        _cx: &tracing_subscriber::layer::Context<'_, S>,
    ) -> bool {
        partial_success_signal(meta.name()).is_some()
    }

    fn callsite_enabled(
        &self,
        meta: &'static tracing::Metadata<'static>,
    ) -> tracing::subscriber::Interest {
        if partial_success_signal(meta.name()).is_some() {
            tracing::subscriber::Interest::always()
        } else {
            tracing::subscriber::Interest::never()
        }
    }

    fn max_level_hint(&self) -> Option<LevelFilter> {
        Some(LevelFilter::WARN)
    }
}

struct Rejected(u64, &'static str);

impl tracing::field::Visit for Rejected {
    fn record_u64(&mut self, field: &tracing::field::Field, value: u64) {
        if field.name() == self.1 {
            self.0 = value;
        }
    }
    fn record_i64(&mut self, field: &tracing::field::Field, value: i64) {
        if field.name() == self.1 {
            self.0 = value.max(0) as u64;
        }
    }
    fn record_debug(&mut self, _field: &tracing::field::Field, _value: &dyn std::fmt::Debug) {}
}

impl<S: tracing::Subscriber> Layer<S> for PartialSuccess {
    fn on_event(&self, event: &tracing::Event<'_>, _cx: tracing_subscriber::layer::Context<'_, S>) {
        let Some((signal, field)) = partial_success_signal(event.metadata().name()) else {
            return;
        };
        let mut rejected = Rejected(0, field);
        event.record(&mut rejected);
        // A metric export is one item: rejected data points lose that export.
        let n = match signal {
            Signal::Metrics => u64::from(rejected.0 > 0),
            _ => rejected.0,
        };
        if n == 0 {
            return;
        }
        for flow in self.flows.iter().filter(|f| f.signal() == signal) {
            flow.rejected(n);
        }
    }
}

thread_local! {
    /// Where the stderr layer formats one field value before redacting it.
    static FIELD_BUFFER: std::cell::RefCell<String> = const { std::cell::RefCell::new(String::new()) };
}

/// How many stderr lines may wait for the stderr writer thread; more are dropped and
/// counted in `dataface.telemetry.stderr.dropped`.
pub(crate) const STDERR_BUFFERED_LINES: usize = 4096;

/// The stderr writer: lines go through a bounded queue to a thread of their own, so a stderr
/// nobody reads never stops the host; lines that do not fit are dropped and counted. After
/// [`StderrWorker::stop`] lines are written directly.
#[derive(Debug)]
pub(crate) struct StderrWriter {
    queue: tracing_appender::non_blocking::NonBlocking,
    errors: tracing_appender::non_blocking::ErrorCounter,
    /// Drops already counted in the self-metric.
    counted: AtomicUsize,
    direct: Arc<AtomicBool>,
    stats: Arc<SelfMetrics>,
}

impl StderrWriter {
    fn count_drops(&self) {
        let now = self.errors.dropped_lines();
        let before = self.counted.swap(now, Ordering::AcqRel);
        if now > before {
            self.stats.stderr_dropped((now - before) as u64);
        }
    }
}

/// One line on its way to stderr.
#[derive(Debug)]
pub(crate) enum StderrLine<'a> {
    /// Into the queue; drops are counted when the line is done.
    Queued(
        tracing_appender::non_blocking::NonBlocking,
        &'a StderrWriter,
    ),
    /// Straight to stderr (the queue's thread has stopped).
    Direct(std::io::Stderr),
}

impl std::io::Write for StderrLine<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self {
            StderrLine::Queued(q, _) => q.write(buf),
            StderrLine::Direct(e) => e.write(buf),
        }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        match self {
            StderrLine::Queued(q, _) => q.flush(),
            StderrLine::Direct(e) => e.flush(),
        }
    }
}

impl Drop for StderrLine<'_> {
    fn drop(&mut self) {
        if let StderrLine::Queued(_, owner) = self {
            owner.count_drops();
        }
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for StderrWriter {
    type Writer = StderrLine<'a>;
    fn make_writer(&'a self) -> Self::Writer {
        if self.direct.load(Ordering::Acquire) {
            StderrLine::Direct(std::io::stderr())
        } else {
            StderrLine::Queued(self.queue.clone(), self)
        }
    }
}

/// The thread behind the [`StderrWriter`].
#[derive(Debug)]
pub(crate) struct StderrWorker {
    guard: tracing_appender::non_blocking::WorkerGuard,
    direct: Arc<AtomicBool>,
    errors: tracing_appender::non_blocking::ErrorCounter,
}

impl StderrWorker {
    /// Writes out what is queued, stops the thread, and sends later lines straight to
    /// stderr. When lines were dropped, stderr is not being read: the thread and its queue
    /// stay (later lines keep being dropped and counted, never written where they would
    /// block), since stopping would wait on a write that does not finish.
    pub(crate) fn stop(self) {
        if self.errors.dropped_lines() > 0 {
            std::mem::forget(self.guard);
            return;
        }
        drop(self.guard);
        self.direct.store(true, Ordering::Release);
    }
}

/// The stderr line format: tracing-subscriber's full format, with the names of the spans
/// in the line's context (literal names included, which the field formatter never sees)
/// replaced by their redacted form. The fields are already redacted by the field formatter.
struct RedactedLine {
    inner: tracing_subscriber::fmt::format::Format,
    redactor: Arc<crate::redact::Redactor>,
}

impl<S, N> tracing_subscriber::fmt::FormatEvent<S, N> for RedactedLine
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
    N: for<'a> tracing_subscriber::fmt::FormatFields<'a> + 'static,
{
    fn format_event(
        &self,
        ctx: &tracing_subscriber::fmt::FmtContext<'_, S, N>,
        mut writer: tracing_subscriber::fmt::format::Writer<'_>,
        event: &tracing::Event<'_>,
    ) -> std::fmt::Result {
        let mut line = String::new();
        self.inner.format_event(
            ctx,
            tracing_subscriber::fmt::format::Writer::new(&mut line),
            event,
        )?;
        for span in ctx.event_scope().into_iter().flatten() {
            let name = span.metadata().name();
            if let std::borrow::Cow::Owned(redacted) = self.redactor.text(name) {
                line = line.replace(name, &redacted);
            }
        }
        writer.write_str(&line)
    }
}

/// The stderr writer and its thread.
fn stderr_writer(stats: Arc<SelfMetrics>) -> (StderrWriter, StderrWorker) {
    let (queue, guard) = tracing_appender::non_blocking::NonBlockingBuilder::default()
        .lossy(true)
        .buffered_lines_limit(STDERR_BUFFERED_LINES)
        .thread_name("dataface-telemetry-stderr")
        .finish(std::io::stderr());
    let direct = Arc::new(AtomicBool::new(false));
    let writer = StderrWriter {
        errors: queue.error_counter(),
        queue,
        counted: AtomicUsize::new(0),
        direct: direct.clone(),
        stats,
    };
    let errors = writer.errors.clone();
    (
        writer,
        StderrWorker {
            guard,
            direct,
            errors,
        },
    )
}

/// Builds the subscriber over the given providers, and the stderr thread when stderr is on.
pub(super) fn build(
    cx: &Context<'_>,
    traces: Option<&SdkTracerProvider>,
    logs: Option<&SdkLoggerProvider>,
) -> (
    impl tracing::Subscriber + Send + Sync + 'static,
    Option<StderrWorker>,
) {
    let config = cx.config;
    let user = config
        .log_filter
        .parse::<Targets>()
        .unwrap_or_else(|_| Targets::new().with_default(LevelFilter::INFO));
    let stderr_filter = PathFilter {
        user: user.clone(),
        output: Output::Stderr,
    };
    let otel_filter = PathFilter {
        user,
        output: Output::Otel,
    };
    let mut worker = None;
    let fmt_layer = config.log_stderr.then(|| {
        use std::io::IsTerminal as _;
        use tracing_subscriber::field::MakeExt as _;
        let redactor = cx.redactor.clone();
        // The stderr stream is redacted like the exported signals.
        let fields = tracing_subscriber::fmt::format::debug_fn(
            move |w: &mut tracing_subscriber::fmt::format::Writer<'_>,
                  field: &tracing::field::Field,
                  value: &dyn std::fmt::Debug| {
                let name = field.name();
                let prefix = if name == "message" { "" } else { name };
                let eq = if prefix.is_empty() { "" } else { "=" };
                // A secret key's value is not even formatted.
                if redactor.secret_key(name) {
                    return write!(w, "{prefix}{eq}{}", crate::redact::REDACTED);
                }
                // Formatted into a buffer kept per thread: no allocation per field (a
                // value whose `Debug` itself logs gets a buffer of its own).
                FIELD_BUFFER.with(|buffer| {
                    let mut own = String::new();
                    let mut kept = buffer.try_borrow_mut();
                    let buffer = match kept.as_deref_mut() {
                        Ok(b) => b,
                        Err(_) => &mut own,
                    };
                    buffer.clear();
                    use std::fmt::Write as _;
                    let _ = write!(buffer, "{value:?}");
                    let shown = redactor.text(buffer);
                    write!(w, "{prefix}{eq}{shown}")
                })
            },
        )
        .delimited(" ");
        let (writer, w) = stderr_writer(cx.stats.clone());
        worker = Some(w);
        let ansi = std::io::stderr().is_terminal();
        EventsOnly(
            tracing_subscriber::fmt::layer()
                .fmt_fields(fields)
                .event_format(RedactedLine {
                    // The line is formatted into a string first: the colours are set here.
                    inner: tracing_subscriber::fmt::format().with_ansi(ansi),
                    redactor: cx.redactor.clone(),
                })
                .with_writer(writer)
                .with_ansi(ansi),
        )
        .with_filter(stderr_filter)
    });
    let trace_layer = traces.map(|p| {
        let after_shutdown = AfterShutdown {
            stats: cx.stats.clone(),
            shut: cx.shut.clone(),
        };
        // Only the span's own fields become attributes: the bridge's extras (busy/idle
        // time, `code.*` location, `thread.*`, `target`) are per-span work nobody
        // declared or reads.
        tracing_opentelemetry::layer()
            .with_tracked_inactivity(false)
            .with_location(false)
            .with_threads(false)
            .with_target(false)
            .with_tracer(p.tracer("dataface-telemetry"))
            .and_then(after_shutdown)
            .with_filter(SpanFilter {
                path: otel_filter.clone(),
                limit: config.span_limits.event_count,
                stats: cx.stats.clone(),
            })
    });
    let log_layer = logs.map(|p| {
        LogBridge::new(
            p,
            cx.redactor.clone(),
            config.span_limits.attribute_value_length,
            cx.stats.clone(),
        )
        .with_filter(otel_filter.clone())
    });
    let partial_success = PartialSuccess {
        flows: cx.flows.borrow().clone(),
    }
    .with_filter(PartialSuccessFilter);
    let subscriber = tracing_subscriber::registry()
        .with(partial_success)
        .with(fmt_layer)
        .with(trace_layer)
        .with(log_layer);
    (subscriber, worker)
}

/// The stderr stream: events only. Each line names the spans it happened in, without
/// their fields: the fmt layer would format every span's fields when the span opens, for
/// every span, though a line shows them only for the few spans an event is printed in.
/// Span fields are exported as span attributes.
struct EventsOnly<L>(L);

impl<S, L> Layer<S> for EventsOnly<L>
where
    S: tracing::Subscriber + for<'a> tracing_subscriber::registry::LookupSpan<'a>,
    L: Layer<S>,
{
    fn on_register_dispatch(&self, subscriber: &tracing::Dispatch) {
        self.0.on_register_dispatch(subscriber);
    }

    fn on_layer(&mut self, subscriber: &mut S) {
        self.0.on_layer(subscriber);
    }

    fn register_callsite(
        &self,
        meta: &'static tracing::Metadata<'static>,
    ) -> tracing::subscriber::Interest {
        self.0.register_callsite(meta)
    }

    fn enabled(
        &self,
        meta: &tracing::Metadata<'_>,
        cx: tracing_subscriber::layer::Context<'_, S>,
    ) -> bool {
        self.0.enabled(meta, cx)
    }

    fn event_enabled(
        &self,
        event: &tracing::Event<'_>,
        cx: tracing_subscriber::layer::Context<'_, S>,
    ) -> bool {
        self.0.event_enabled(event, cx)
    }

    fn on_event(&self, event: &tracing::Event<'_>, cx: tracing_subscriber::layer::Context<'_, S>) {
        self.0.on_event(event, cx);
    }
}

/// Counts the spans started after shutdown: the SDK stops recording them without a trace.
struct AfterShutdown {
    stats: Arc<SelfMetrics>,
    shut: Arc<AtomicBool>,
}

impl<S: tracing::Subscriber> Layer<S> for AfterShutdown {
    fn on_new_span(
        &self,
        _attrs: &tracing::span::Attributes<'_>,
        _id: &tracing::span::Id,
        _ctx: tracing_subscriber::layer::Context<'_, S>,
    ) {
        if self.shut.load(Ordering::Relaxed) {
            self.stats.attempted(Signal::Traces, 1);
            self.stats
                .dropped(Signal::Traces, DropReason::AfterShutdown, 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::crate_of;

    #[test]
    fn the_crate_is_the_target_up_to_its_first_double_colon() {
        for (target, krate) in [
            ("tonic::transport", "tonic"),
            ("hyper_util::client::legacy", "hyper_util"),
            ("tower_http", "tower_http"),
            ("a:::b", "a"),
            ("::x", ""),
            ("odd:target", "odd:target"),
            ("trailing:", "trailing:"),
            ("é::x", "é"),
            ("", ""),
        ] {
            assert_eq!(crate_of(target), krate, "{target}");
            assert_eq!(
                crate_of(target),
                target.split("::").next().unwrap_or(target),
                "{target}"
            );
        }
    }
}
