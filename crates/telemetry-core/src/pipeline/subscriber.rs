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
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::Layer;

/// The target of the pipeline's own events; kept out of the OTel layers so an export
/// failure cannot feed the pipeline that failed.
pub(crate) const INTERNAL_TARGET: &str = "dataface_telemetry::internal";

/// Crates whose internal events go to stderr (at `warn`) but never into OTLP: they run
/// inside the export path.
const EXPORT_PATH_CRATES: &[&str] = &[
    "opentelemetry",
    "opentelemetry_sdk",
    "opentelemetry_otlp",
    "opentelemetry_http",
    "tonic",
    "tower",
    "h2",
    "hyper",
    "hyper_util",
    "reqwest",
    "metrics_exporter_prometheus",
    "tiny_http",
];

/// Builds the subscriber over the given providers.
pub(super) fn build(
    cx: &Context<'_>,
    traces: Option<&SdkTracerProvider>,
    logs: Option<&SdkLoggerProvider>,
) -> impl tracing::Subscriber + Send + Sync + 'static {
    let config = cx.config;
    let user = config
        .log_filter
        .parse::<Targets>()
        .unwrap_or_else(|_| Targets::new().with_default(LevelFilter::INFO));
    let mut stderr_filter = user.clone();
    let mut otel_filter = user.with_target(INTERNAL_TARGET, LevelFilter::OFF);
    for krate in EXPORT_PATH_CRATES {
        stderr_filter = stderr_filter.with_target(*krate, LevelFilter::WARN);
        otel_filter = otel_filter.with_target(*krate, LevelFilter::OFF);
    }
    let fmt_layer = config.log_stderr.then(|| {
        use std::io::IsTerminal as _;
        use tracing_subscriber::field::MakeExt as _;
        let redactor = cx.redactor.clone();
        // The stderr stream is redacted like the exported signals.
        let fields = tracing_subscriber::fmt::format::debug_fn(
            move |w: &mut tracing_subscriber::fmt::format::Writer<'_>,
                  field: &tracing::field::Field,
                  value: &dyn std::fmt::Debug| {
                let raw = format!("{value:?}");
                let shown = redactor.value(field.name(), &raw);
                if field.name() == "message" {
                    write!(w, "{shown}")
                } else {
                    write!(w, "{field}={shown}")
                }
            },
        )
        .delimited(" ");
        tracing_subscriber::fmt::layer()
            .fmt_fields(fields)
            .with_writer(std::io::stderr)
            .with_ansi(std::io::stderr().is_terminal())
            .with_filter(stderr_filter)
    });
    let trace_layer = traces.map(|p| {
        let after_shutdown = AfterShutdown {
            stats: cx.stats.clone(),
            shut: cx.shut.clone(),
        };
        tracing_opentelemetry::layer()
            .with_tracer(p.tracer("dataface-telemetry"))
            .and_then(after_shutdown)
            .with_filter(otel_filter.clone())
    });
    let log_layer = logs.map(|p| {
        LogBridge::new(
            p,
            cx.redactor.clone(),
            config.span_limits.attribute_value_length,
        )
        .with_filter(otel_filter.clone())
    });
    tracing_subscriber::registry()
        .with(fmt_layer)
        .with(trace_layer)
        .with(log_layer)
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
