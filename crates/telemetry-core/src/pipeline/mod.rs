//! The pipeline: one `init` installs tracing, logs and metrics; the guard shuts them down.

mod counting;
pub(crate) mod log_bridge;
mod metric_layers;
mod otlp;
mod prometheus;

use crate::config::{
    Exporters, Propagator, Sampler, Signal, StrictConfigError, TelemetryConfig,
    TelemetryConfigBuilder, Temporality,
};
use crate::self_metrics::{PipelineStats, SelfMetrics};
use counting::{
    CountingLogExporter, CountingMetricExporter, CountingSpanExporter, Flow, GatedLogProcessor,
    GatedSpanProcessor, SanitizingSpanProcessor,
};
use opentelemetry::trace::TracerProvider as _;
use opentelemetry::KeyValue;
use opentelemetry_sdk::logs::{BatchLogProcessor, SdkLoggerProvider, SimpleLogProcessor};
use opentelemetry_sdk::metrics::{PeriodicReader, SdkMeterProvider};
use opentelemetry_sdk::propagation::{BaggagePropagator, TraceContextPropagator};
use opentelemetry_sdk::trace::{BatchConfigBuilder, BatchSpanProcessor, SdkTracerProvider};
use opentelemetry_sdk::Resource;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tracing_subscriber::filter::{LevelFilter, Targets};
use tracing_subscriber::layer::SubscriberExt;
use tracing_subscriber::Layer;

pub(crate) use otlp::redact_url;

/// The target of the pipeline's own events; kept out of the OTel layers so an export
/// failure cannot feed the pipeline that failed.
pub const INTERNAL_TARGET: &str = "dataface_telemetry::internal";

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
];

/// How long dropping a guard that was not shut down may take.
pub const DROP_SHUTDOWN_TIMEOUT: Duration = Duration::from_secs(3);

static INITIALIZED: AtomicBool = AtomicBool::new(false);
static ENABLED: AtomicBool = AtomicBool::new(false);

thread_local! {
    static LOCAL_ENABLED: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
}

/// Whether probes should record: a pipeline is installed and enabled, or a test capture is
/// entered on this thread. When telemetry is disabled (or `init` was never called) a probe
/// costs this check: one atomic load and one thread-local read.
#[inline]
pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed) || LOCAL_ENABLED.with(|c| c.get() > 0)
}

/// Enables probes on the current thread while the guard lives, whatever the global
/// pipeline says. For test captures (telemetry-testing enters one per capture scope).
pub fn enable_on_this_thread() -> LocalEnableGuard {
    LOCAL_ENABLED.with(|c| c.set(c.get() + 1));
    LocalEnableGuard(std::marker::PhantomData)
}

/// See [`enable_on_this_thread`]. Not `Send`: it belongs to the thread that made it.
#[derive(Debug)]
pub struct LocalEnableGuard(std::marker::PhantomData<*const ()>);

impl Drop for LocalEnableGuard {
    fn drop(&mut self) {
        LOCAL_ENABLED.with(|c| c.set(c.get().saturating_sub(1)));
    }
}

/// Why `init` failed. Nothing is left half-installed when it returns one of these, except
/// where the variant says so.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum InitError {
    /// `init` was already called in this process; keep the first guard for the process
    /// lifetime and pass it (or nothing) around instead of initialising again.
    #[error("telemetry is already initialised in this process: call init once, at start-up, and keep its guard")]
    AlreadyInitialized,
    /// Strict mode is on and the configuration broke a rule.
    #[error(transparent)]
    Config(#[from] StrictConfigError),
    /// An exporter could not be built from the configuration.
    #[error("{signal} exporter: {reason}")]
    Exporter {
        /// The signal whose exporter failed.
        signal: Signal,
        /// What went wrong and what to change.
        reason: String,
    },
    /// The Prometheus scrape endpoint could not start.
    #[error("Prometheus scrape endpoint on {addr}: {reason}; set OTEL_EXPORTER_PROMETHEUS_HOST/PORT to a free local address, or drop `prometheus` from OTEL_METRICS_EXPORTER")]
    Prometheus {
        /// The address asked for.
        addr: SocketAddr,
        /// What went wrong.
        reason: String,
    },
    /// Another `metrics` recorder is already installed; telemetry-core must own it.
    #[error("another `metrics` recorder is already installed: remove it and let telemetry_core::init install the recorder")]
    MetricsRecorderTaken,
    /// Another global `tracing` subscriber is already installed. The metrics recorder was
    /// installed before this was found.
    #[error("another global `tracing` subscriber is already installed: remove it and let telemetry_core::init install the subscriber")]
    SubscriberTaken,
    /// The pipeline's I/O runtime (for gRPC) could not start.
    #[error("cannot start the telemetry I/O runtime: {0}")]
    Runtime(#[source] std::io::Error),
}

/// Why a shutdown did not complete cleanly. Whatever it says, the call returned within
/// its timeout and the pipeline accepts nothing more.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("telemetry shutdown incomplete: timed out: [{}]; failed: [{}]. What was still queued is lost and counted in dataface.telemetry.dropped.",
    names(.timed_out), .failed.iter().map(|(s, r)| format!("{s}: {r}")).collect::<Vec<_>>().join(", "))]
pub struct ShutdownError {
    /// Signals whose flush did not finish within the timeout.
    pub timed_out: Vec<Signal>,
    /// Signals whose flush failed, with the reason.
    pub failed: Vec<(Signal, String)>,
}

fn names(signals: &[Signal]) -> String {
    signals
        .iter()
        .map(|s| s.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

/// Installs the pipeline for `service_name`, configured from the environment.
///
/// `service_name` is the default `service.name`; `OTEL_SERVICE_NAME` overrides it.
/// Keep the returned guard for the life of the process and call
/// [`TelemetryGuard::shutdown`] before exiting.
///
/// # Errors
/// See [`InitError`]. In particular, a second call in the same process fails with
/// [`InitError::AlreadyInitialized`].
pub fn init(service_name: &str) -> Result<TelemetryGuard, InitError> {
    init_with(service_name, TelemetryConfig::builder())
}

/// Installs the pipeline with code overrides on top of the environment.
///
/// ```no_run
/// use std::time::Duration;
/// use telemetry_core::config::{Protocol, TelemetryConfig};
///
/// let guard = telemetry_core::init_with(
///     "dataface-compiler",
///     TelemetryConfig::builder()
///         .release(env!("CARGO_PKG_VERSION"))
///         .otlp_protocol(Protocol::HttpProtobuf),
/// )?;
/// tracing::info!("started");
/// guard.shutdown(Duration::from_secs(5))?;
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// # Errors
/// See [`InitError`].
pub fn init_with(
    service_name: &str,
    builder: TelemetryConfigBuilder,
) -> Result<TelemetryGuard, InitError> {
    if INITIALIZED
        .compare_exchange(false, true, Ordering::AcqRel, Ordering::Acquire)
        .is_err()
    {
        return Err(InitError::AlreadyInitialized);
    }
    let result = builder
        .build()
        .map_err(InitError::from)
        .and_then(|config| install(service_name, config));
    if let Err(
        InitError::Config(_)
        | InitError::Exporter { .. }
        | InitError::Prometheus { .. }
        | InitError::Runtime(_),
    ) = &result
    {
        // Nothing global was touched: a corrected retry may succeed.
        INITIALIZED.store(false, Ordering::Release);
    }
    result
}

/// Owns the pipeline. Shut it down explicitly with [`shutdown`](Self::shutdown); dropping
/// it shuts down too, bounded by [`DROP_SHUTDOWN_TIMEOUT`].
#[derive(Debug)]
pub struct TelemetryGuard {
    config: TelemetryConfig,
    service_name: String,
    tracer_provider: Option<SdkTracerProvider>,
    logger_provider: Option<SdkLoggerProvider>,
    meter_provider: Option<SdkMeterProvider>,
    scrape: Option<prometheus::ScrapeEndpoint>,
    runtime: Option<tokio::runtime::Runtime>,
    stats: Arc<SelfMetrics>,
    shut: Arc<AtomicBool>,
    done: bool,
}

impl TelemetryGuard {
    /// The configuration the pipeline runs with.
    pub fn config(&self) -> &TelemetryConfig {
        &self.config
    }

    /// The `service.name` in use.
    pub fn service_name(&self) -> &str {
        &self.service_name
    }

    /// Whether the pipeline is a no-op (`OTEL_SDK_DISABLED=true`).
    pub fn is_disabled(&self) -> bool {
        self.config.disabled
    }

    /// The address the Prometheus scrape endpoint listens on, when selected.
    pub fn prometheus_addr(&self) -> Option<SocketAddr> {
        self.scrape.as_ref().map(|s| s.addr)
    }

    /// The Prometheus text the scrape endpoint would serve now, when selected.
    pub fn prometheus_text(&self) -> Option<String> {
        self.scrape.as_ref().map(|s| s.handle.render())
    }

    /// A snapshot of the self-metrics.
    pub fn stats(&self) -> PipelineStats {
        self.stats.snapshot()
    }

    /// A handle on the self-metrics that stays readable after shutdown.
    pub fn stats_handle(&self) -> StatsHandle {
        StatsHandle(self.stats.clone())
    }

    /// Exports what is buffered now, without shutting down; bounded by `timeout`.
    ///
    /// # Errors
    /// The signals that did not flush in time or failed.
    pub fn force_flush(&self, timeout: Duration) -> Result<(), ShutdownError> {
        let t = self.tracer_provider.clone();
        let l = self.logger_provider.clone();
        let m = self.meter_provider.clone();
        run_bounded(
            timeout,
            [
                t.map(|p| {
                    (
                        Signal::Traces,
                        Box::new(move |_: Duration| p.force_flush()) as Job,
                    )
                }),
                l.map(|p| {
                    (
                        Signal::Logs,
                        Box::new(move |_: Duration| p.force_flush()) as Job,
                    )
                }),
                m.map(|p| {
                    (
                        Signal::Metrics,
                        Box::new(move |_: Duration| p.force_flush()) as Job,
                    )
                }),
            ],
        )
    }

    /// Flushes all three signals and stops the pipeline, returning within `timeout` even
    /// when the collector is gone. Items recorded afterwards are dropped and counted.
    ///
    /// # Errors
    /// The signals that did not flush in time or failed; the pipeline is stopped anyway.
    pub fn shutdown(mut self, timeout: Duration) -> Result<(), ShutdownError> {
        self.shutdown_inner(timeout)
    }

    fn shutdown_inner(&mut self, timeout: Duration) -> Result<(), ShutdownError> {
        if self.done {
            return Ok(());
        }
        self.done = true;
        ENABLED.store(false, Ordering::Release);
        self.shut.store(true, Ordering::Release);
        let t = self.tracer_provider.take();
        let l = self.logger_provider.take();
        let m = self.meter_provider.take();
        let result = run_bounded(
            timeout,
            [
                t.map(|p| {
                    (
                        Signal::Traces,
                        Box::new(move |d| p.shutdown_with_timeout(d)) as Job,
                    )
                }),
                l.map(|p| {
                    (
                        Signal::Logs,
                        Box::new(move |d| p.shutdown_with_timeout(d)) as Job,
                    )
                }),
                m.map(|p| {
                    (
                        Signal::Metrics,
                        Box::new(move |d| p.shutdown_with_timeout(d)) as Job,
                    )
                }),
            ],
        );
        if let Some(mut scrape) = self.scrape.take() {
            scrape.stop();
        }
        if let Some(rt) = self.runtime.take() {
            // Never blocks, so it is safe inside an async context too.
            rt.shutdown_background();
        }
        result
    }
}

impl Drop for TelemetryGuard {
    fn drop(&mut self) {
        let _ = self.shutdown_inner(DROP_SHUTDOWN_TIMEOUT);
    }
}

/// Reads the self-metrics of a pipeline, also after its guard is gone.
#[derive(Debug, Clone)]
pub struct StatsHandle(Arc<SelfMetrics>);

impl StatsHandle {
    /// A snapshot of the self-metrics.
    pub fn snapshot(&self) -> PipelineStats {
        self.0.snapshot()
    }
}

type Job = Box<dyn FnOnce(Duration) -> opentelemetry_sdk::error::OTelSdkResult + Send>;

/// Runs each job on a thread of its own and waits for all of them until `timeout`.
/// A job that overruns keeps its thread; the caller is not held.
fn run_bounded(timeout: Duration, jobs: [Option<(Signal, Job)>; 3]) -> Result<(), ShutdownError> {
    let deadline = Instant::now() + timeout;
    let (tx, rx) = std::sync::mpsc::channel();
    let mut pending = Vec::new();
    for (signal, job) in jobs.into_iter().flatten() {
        let tx = tx.clone();
        let spawned = std::thread::Builder::new()
            .name(format!("dataface-telemetry-{signal}-shutdown"))
            .spawn(move || {
                let _ = tx.send((signal, job(timeout)));
            });
        match spawned {
            Ok(_) => pending.push(signal),
            Err(e) => {
                return Err(ShutdownError {
                    timed_out: Vec::new(),
                    failed: vec![(signal, format!("cannot start a shutdown thread: {e}"))],
                })
            }
        }
    }
    drop(tx);
    let mut failed = Vec::new();
    while !pending.is_empty() {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok((signal, result)) => {
                pending.retain(|s| *s != signal);
                if let Err(e) = result {
                    failed.push((signal, e.to_string()));
                }
            }
            Err(_) => break,
        }
    }
    if pending.is_empty() && failed.is_empty() {
        Ok(())
    } else {
        Err(ShutdownError {
            timed_out: pending,
            failed,
        })
    }
}

fn install(service_name: &str, config: TelemetryConfig) -> Result<TelemetryGuard, InitError> {
    let stats = Arc::new(SelfMetrics::default());
    let shut = Arc::new(AtomicBool::new(false));
    let service_name = config
        .service_name
        .clone()
        .unwrap_or_else(|| service_name.to_owned());
    let mut guard = TelemetryGuard {
        config,
        service_name,
        tracer_provider: None,
        logger_provider: None,
        meter_provider: None,
        scrape: None,
        runtime: None,
        stats,
        shut,
        done: false,
    };
    if guard.config.disabled {
        guard.done = true;
        return Ok(guard);
    }
    let config = &guard.config;
    let resource = resource(&guard.service_name, config);
    let specs = || metric_layers::Specs::new(&[&crate::signals::CORE_CATALOG, config.catalog]);
    let redactor = Arc::new(crate::redact::Redactor::with_extra_keys(
        &config.redact_keys,
    ));

    let needs_runtime = Signal::ALL.iter().any(|s| {
        config.exporters.get(*s).otlp
            && config.otlp.get(*s).protocol == crate::config::Protocol::Grpc
    });
    if needs_runtime {
        guard.runtime = Some(
            tokio::runtime::Builder::new_multi_thread()
                .worker_threads(1)
                .thread_name("dataface-telemetry-io")
                .enable_all()
                .build()
                .map_err(InitError::Runtime)?,
        );
    }
    let _entered = guard.runtime.as_ref().map(|rt| rt.enter());

    let flow = |signal: Signal, capacity: usize| {
        Flow::new(
            signal,
            guard.stats.clone(),
            capacity,
            guard.shut.clone(),
            redact_url(&config.otlp.get(signal).endpoint),
        )
    };

    // Traces.
    let traces = config.exporters.traces;
    let tracer_provider = if traces.any() {
        let mut b = SdkTracerProvider::builder()
            .with_resource(resource.clone())
            .with_sampler(sampler(config.sampler))
            .with_max_attributes_per_span(config.span_limits.attribute_count)
            .with_max_events_per_span(config.span_limits.event_count)
            .with_max_links_per_span(config.span_limits.link_count)
            .with_max_attributes_per_event(config.span_limits.event_attribute_count)
            .with_max_attributes_per_link(config.span_limits.link_attribute_count);
        if traces.otlp {
            let s = &config.span_batch;
            let flow = flow(Signal::Traces, s.max_queue_size);
            let exporter = CountingSpanExporter {
                inner: otlp::span_exporter(&config.otlp.traces, s.export_timeout)?,
                flow: flow.clone(),
            };
            let batch = BatchSpanProcessor::builder(exporter)
                .with_batch_config(
                    BatchConfigBuilder::default()
                        .with_max_queue_size(s.max_queue_size)
                        .with_max_export_batch_size(s.max_export_batch_size)
                        .with_scheduled_delay(s.schedule_delay)
                        .build(),
                )
                .build();
            b = b.with_span_processor(GatedSpanProcessor {
                inner: SanitizingSpanProcessor {
                    inner: batch,
                    redactor: redactor.clone(),
                    value_length_limit: config.span_limits.attribute_value_length,
                },
                flow,
            });
        }
        if traces.console {
            b = b.with_span_processor(SanitizingSpanProcessor {
                inner: opentelemetry_sdk::trace::SimpleSpanProcessor::new(
                    opentelemetry_stdout::SpanExporter::default(),
                ),
                redactor: redactor.clone(),
                value_length_limit: config.span_limits.attribute_value_length,
            });
        }
        Some(b.build())
    } else {
        None
    };

    // Logs.
    let logs = config.exporters.logs;
    let logger_provider = if logs.any() {
        let mut b = SdkLoggerProvider::builder().with_resource(resource.clone());
        if logs.otlp {
            let s = &config.log_batch;
            let flow = flow(Signal::Logs, s.max_queue_size);
            let exporter = CountingLogExporter {
                inner: otlp::log_exporter(&config.otlp.logs, s.export_timeout)?,
                flow: flow.clone(),
            };
            let batch = BatchLogProcessor::builder(exporter)
                .with_batch_config(
                    opentelemetry_sdk::logs::BatchConfigBuilder::default()
                        .with_max_queue_size(s.max_queue_size)
                        .with_max_export_batch_size(s.max_export_batch_size)
                        .with_scheduled_delay(s.schedule_delay)
                        .build(),
                )
                .build();
            b = b.with_log_processor(GatedLogProcessor { inner: batch, flow });
        }
        if logs.console {
            b = b.with_log_processor(SimpleLogProcessor::new(
                opentelemetry_stdout::LogExporter::default(),
            ));
        }
        Some(b.build())
    } else {
        None
    };

    // Metrics.
    let metrics_sel: Exporters = config.exporters.metrics;
    let temporality = match config.temporality {
        Temporality::Cumulative => opentelemetry_sdk::metrics::Temporality::Cumulative,
        Temporality::Delta => opentelemetry_sdk::metrics::Temporality::Delta,
        Temporality::LowMemory => opentelemetry_sdk::metrics::Temporality::LowMemory,
    };
    let meter_provider = if metrics_sel.otlp || metrics_sel.console {
        let view_specs = specs();
        let mut b = SdkMeterProvider::builder()
            .with_resource(resource.clone())
            .with_view(move |instrument: &opentelemetry_sdk::metrics::Instrument| {
                // The catalog's unit, description and buckets on the OTLP path.
                let spec = view_specs.get(instrument.name())?;
                let mut stream = opentelemetry_sdk::metrics::Stream::builder()
                    .with_unit(spec.unit)
                    .with_description(spec.description);
                if spec.kind == crate::catalog::InstrumentKind::Histogram {
                    stream = stream.with_aggregation(
                        opentelemetry_sdk::metrics::Aggregation::ExplicitBucketHistogram {
                            boundaries: spec.buckets.to_vec(),
                            record_min_max: true,
                        },
                    );
                }
                stream.build().ok()
            });
        if metrics_sel.otlp {
            let exporter = CountingMetricExporter {
                inner: otlp::metric_exporter(
                    &config.otlp.metrics,
                    config.metric_export_timeout,
                    temporality,
                )?,
                flow: flow(Signal::Metrics, usize::MAX),
            };
            b = b.with_reader(
                PeriodicReader::builder(exporter)
                    .with_interval(config.metric_export_interval)
                    .build(),
            );
        }
        if metrics_sel.console {
            b = b.with_reader(
                PeriodicReader::builder(
                    opentelemetry_stdout::MetricExporter::builder()
                        .with_temporality(temporality)
                        .build(),
                )
                .with_interval(config.metric_export_interval)
                .build(),
            );
        }
        Some(b.build())
    } else {
        None
    };
    let scrape = if metrics_sel.prometheus {
        Some(prometheus::start(config.prometheus_addr, &specs())?)
    } else {
        None
    };

    // The metrics recorder: a fanout to the Prometheus recorder and the OTel bridge.
    let mut fanout = metrics_util::layers::FanoutBuilder::default();
    let mut any_recorder = false;
    let scrape = scrape.map(|(recorder, endpoint)| {
        fanout = std::mem::take(&mut fanout).add_recorder(recorder);
        any_recorder = true;
        endpoint
    });
    if let Some(mp) = &meter_provider {
        use opentelemetry::metrics::MeterProvider as _;
        let meter = mp.meter("dataface-telemetry");
        fanout = fanout.add_recorder(metrics_opentelemetry::OpenTelemetryRecorder::new(
            metrics_opentelemetry::OpenTelemetryMetrics::new(meter),
        ));
        any_recorder = true;
    }
    let guarded = metric_layers::CardinalityGuard::new(fanout.build(), specs(), redactor.clone());
    if any_recorder && metrics::set_global_recorder(guarded).is_err() {
        // Leave nothing running behind the error.
        for p in [&tracer_provider].into_iter().flatten() {
            let _ = p.shutdown_with_timeout(Duration::from_millis(100));
        }
        if let Some(mut s) = scrape {
            s.stop();
        }
        INITIALIZED.store(false, Ordering::Release);
        return Err(InitError::MetricsRecorderTaken);
    }

    // The tracing subscriber.
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
        let redactor = redactor.clone();
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
    let trace_layer = tracer_provider.as_ref().map(|p| {
        let after_shutdown = AfterShutdown {
            stats: guard.stats.clone(),
            shut: guard.shut.clone(),
        };
        tracing_opentelemetry::layer()
            .with_tracer(p.tracer("dataface-telemetry"))
            .and_then(after_shutdown)
            .with_filter(otel_filter.clone())
    });
    let log_layer = logger_provider.as_ref().map(|p| {
        log_bridge::LogBridge::new(
            p,
            redactor.clone(),
            config.span_limits.attribute_value_length,
        )
        .with_filter(otel_filter.clone())
    });
    let subscriber = tracing_subscriber::registry()
        .with(fmt_layer)
        .with(trace_layer)
        .with(log_layer);
    if tracing::subscriber::set_global_default(subscriber).is_err() {
        return Err(InitError::SubscriberTaken);
    }

    // Globals for code that uses the OpenTelemetry API directly.
    if let Some(p) = &tracer_provider {
        opentelemetry::global::set_tracer_provider(p.clone());
    }
    if let Some(p) = &meter_provider {
        opentelemetry::global::set_meter_provider(p.clone());
    }
    let mut propagators: Vec<Box<dyn opentelemetry::propagation::TextMapPropagator + Send + Sync>> =
        Vec::new();
    for p in &config.propagators {
        match p {
            Propagator::TraceContext => propagators.push(Box::new(TraceContextPropagator::new())),
            Propagator::Baggage => propagators.push(Box::new(BaggagePropagator::new())),
        }
    }
    opentelemetry::global::set_text_map_propagator(
        opentelemetry::propagation::TextMapCompositePropagator::new(propagators),
    );

    // Descriptions, self-metrics, build info and the configuration warnings, now that
    // they have somewhere to go.
    for spec in specs().iter() {
        let (name, text) = (spec.name, spec.description);
        match spec.kind {
            crate::catalog::InstrumentKind::Counter => metrics::describe_counter!(name, text),
            crate::catalog::InstrumentKind::Gauge => metrics::describe_gauge!(name, text),
            crate::catalog::InstrumentKind::Histogram => metrics::describe_histogram!(name, text),
        }
    }
    guard.stats.register_handles();
    crate::release::record_build_info(&guard.service_name, config);
    let problems = config.problems();
    for p in problems {
        crate::internal_event!(
            warn,
            "telemetry configuration: {p}; using {} instead",
            p.fallback
        );
    }
    guard
        .stats
        .config_warnings(&problems.iter().map(|p| p.variable).collect::<Vec<_>>());

    drop(_entered);
    guard.tracer_provider = tracer_provider;
    guard.logger_provider = logger_provider;
    guard.meter_provider = meter_provider;
    guard.scrape = scrape;
    ENABLED.store(true, Ordering::Release);
    Ok(guard)
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
            self.stats.dropped(
                Signal::Traces,
                crate::self_metrics::DropReason::AfterShutdown,
                1,
            );
        }
    }
}

fn sampler(s: Sampler) -> opentelemetry_sdk::trace::Sampler {
    use opentelemetry_sdk::trace::Sampler as S;
    match s {
        Sampler::AlwaysOn => S::AlwaysOn,
        Sampler::AlwaysOff => S::AlwaysOff,
        Sampler::TraceIdRatio(r) => S::TraceIdRatioBased(r),
        Sampler::ParentBasedAlwaysOn => S::ParentBased(Box::new(S::AlwaysOn)),
        Sampler::ParentBasedAlwaysOff => S::ParentBased(Box::new(S::AlwaysOff)),
        Sampler::ParentBasedTraceIdRatio(r) => S::ParentBased(Box::new(S::TraceIdRatioBased(r))),
    }
}

fn resource(service_name: &str, config: &TelemetryConfig) -> Resource {
    let mut attrs: Vec<KeyValue> = config
        .resource_attributes
        .iter()
        .map(|(k, v)| KeyValue::new(k.clone(), v.clone()))
        .collect();
    let has = |key: &str| config.resource_attributes.iter().any(|(k, _)| k == key);
    if !has("service.instance.id") {
        attrs.push(KeyValue::new("service.instance.id", instance_id()));
    }
    if let Some(release) = &config.release {
        attrs.push(KeyValue::new("service.version", release.clone()));
    }
    if let Some(env) = &config.environment {
        attrs.push(KeyValue::new("deployment.environment.name", env.clone()));
    }
    Resource::builder_empty()
        .with_detector(Box::new(
            opentelemetry_sdk::resource::TelemetryResourceDetector,
        ))
        .with_attributes(attrs)
        .with_service_name(service_name.to_owned())
        .build()
}

/// A random UUID (version 4 layout) for `service.instance.id`.
fn instance_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut words = [0u64; 2];
    for (i, w) in words.iter_mut().enumerate() {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
        );
        h.write_u32(std::process::id());
        h.write_usize(i);
        *w = h.finish();
    }
    let b = (u128::from(words[0]) << 64) | u128::from(words[1]);
    let b = (b & !(0xf000u128 << 64)) | (0x4000u128 << 64); // version 4
    let b = (b & !(0xc000u128 << 48)) | (0x8000u128 << 48); // variant
    let h = format!("{b:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}
