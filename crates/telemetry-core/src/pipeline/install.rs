//! `init`'s work: build every part, then install the globals, then commit.
//!
//! Each step either returns a part that owns its teardown or fails; on failure the parts
//! built so far are dropped and shut themselves down. The globals come last, each checked
//! before it is set, and nothing after them can fail: so every [`InitError`] leaves
//! nothing installed.

use super::error::InitError;
use super::guard::TelemetryGuard;
use super::parts::IoRuntime;
use super::{counting::Flow, logs, meter, prometheus, recorder, resource, subscriber, traces};
use crate::config::{Protocol, Signal, TelemetryConfig};
use crate::redact::{redact_url, Redactor};
use crate::self_metrics::SelfMetrics;
use opentelemetry_sdk::Resource;
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

/// What every builder needs.
pub(super) struct Context<'a> {
    pub(super) config: &'a TelemetryConfig,
    pub(super) resource: Resource,
    pub(super) redactor: Arc<Redactor>,
    pub(super) stats: Arc<SelfMetrics>,
    pub(super) shut: Arc<AtomicBool>,
    /// Every flow built, for the guard to settle at shutdown.
    pub(super) flows: std::cell::RefCell<Vec<Arc<Flow>>>,
}

impl Context<'_> {
    /// The flow (admission, counting, failure reports) of one exported signal.
    pub(super) fn flow(&self, signal: Signal, capacity: usize) -> Arc<Flow> {
        let flow = Flow::new(
            signal,
            self.stats.clone(),
            capacity,
            self.shut.clone(),
            redact_url(&self.config.otlp.get(signal).endpoint),
        );
        self.flows.borrow_mut().push(flow.clone());
        flow
    }

    /// The metrics of telemetry-core's own section and of the configured catalog.
    pub(super) fn specs(&self) -> super::metric_layers::Specs {
        let mut catalogs = vec![&crate::signals::CORE_CATALOG];
        catalogs.extend(self.config.catalog);
        super::metric_layers::Specs::new(&catalogs)
    }
}

pub(super) fn install(
    service_name: &str,
    config: TelemetryConfig,
) -> Result<TelemetryGuard, InitError> {
    let service_name = config
        .service_name
        .clone()
        .unwrap_or_else(|| service_name.to_owned());
    let stats = Arc::new(SelfMetrics::default());
    let shut = Arc::new(AtomicBool::new(false));
    if config.disabled {
        return Ok(TelemetryGuard::disabled(config, service_name, stats, shut));
    }
    let redactor = Arc::new(Redactor::with_extra_keys(&config.redact_keys));
    let cx = Context {
        resource: resource::resource(&service_name, &config, &redactor),
        redactor,
        config: &config,
        stats,
        shut,
        flows: std::cell::RefCell::new(Vec::new()),
    };

    // The parts, in the order they are built; a failure drops (and so stops) the ones
    // before it, the runtime last.
    let needs_runtime = Signal::ALL
        .iter()
        .any(|s| config.exporters.get(*s).otlp && config.otlp.get(*s).protocol == Protocol::Grpc);
    let runtime = IoRuntime::start(needs_runtime)?;
    let entered = runtime.enter();
    let traces = traces::build(&cx)?;
    let logs = logs::build(&cx)?;
    let meter = meter::build(&cx)?;
    let (scrape_recorder, scrape) = if config.exporters.metrics.prometheus {
        let (recorder, endpoint) = prometheus::start(config.prometheus_addr, &cx.specs())?;
        (Some(recorder), Some(endpoint))
    } else {
        (None, None)
    };
    let recorder = recorder::build(&cx, scrape_recorder, scrape.as_ref(), meter.get());
    let (subscriber, stderr) = subscriber::build(&cx, traces.get(), logs.get());

    // The globals, each checked before anything is set.
    if tracing::dispatcher::has_been_set() {
        return Err(InitError::SubscriberTaken);
    }
    if recorder.is_some() {
        recorder::claim_global()?;
    }
    // Only a subscriber set by another thread since the check above fails here; the
    // recorder claimed above stays empty (inert) and a later init can fill it.
    tracing::subscriber::set_global_default(subscriber).map_err(|_| InitError::SubscriberTaken)?;

    // Committed: nothing below fails.
    if let Some(recorder) = recorder {
        recorder::fill(recorder);
    }
    if let Some(p) = traces.get() {
        opentelemetry::global::set_tracer_provider(p.clone());
    }
    if let Some(p) = meter.get() {
        opentelemetry::global::set_meter_provider(p.clone());
    }
    opentelemetry::global::set_text_map_propagator(resource::propagator(&config.propagators));
    recorder::describe(&cx.specs());
    cx.stats.register_handles();
    crate::release::record_build_info(&service_name, &config);
    let problems = config.problems();
    for p in problems {
        crate::internal_event!(
            warn,
            "telemetry configuration: {p}; using {} instead",
            p.fallback
        );
    }
    cx.stats
        .config_warnings(&problems.iter().map(|p| p.variable).collect::<Vec<_>>());

    drop(entered);
    let Context {
        stats, shut, flows, ..
    } = cx;
    Ok(TelemetryGuard::running(
        config,
        service_name,
        super::guard::Parts {
            traces,
            logs,
            meter,
            scrape,
            runtime,
            flows: flows.into_inner(),
            stderr,
        },
        stats,
        shut,
    ))
}
