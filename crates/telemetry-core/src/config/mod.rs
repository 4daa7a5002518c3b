//! Configuration from the environment, with code overrides.
//!
//! [`TelemetryConfig::from_env`] reads every variable in [`vars::ALL`] once. The rules are
//! the OpenTelemetry ones: an empty value means unset; an unparsable or out-of-range value
//! is reported once and the default is used; an unknown enumerated value is reported and
//! ignored. Each report is a [`ConfigProblem`]: `init` prints it as a warning on stderr and
//! counts it in `dataface.telemetry.config.warnings`. With `DATAFACE_TELEMETRY_STRICT=true`
//! the problems are returned as a [`StrictConfigError`] instead. No message ever contains a
//! value: header values and tokens stay out of logs.
//!
//! Precedence, for every setting: code ([`TelemetryConfigBuilder`]) > per-signal variable >
//! general variable > default.
//!
//! ```
//! use telemetry_core::config::{Protocol, Signal, TelemetryConfig};
//!
//! let env = [("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf"),
//!            ("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4318")];
//! let config = TelemetryConfig::builder()
//!     .lookup(move |k| env.iter().find(|(n, _)| *n == k).map(|(_, v)| v.to_string()))
//!     .signal_protocol(Signal::Traces, Protocol::Grpc)
//!     .build()
//!     .unwrap();
//! assert_eq!(config.otlp.logs.endpoint, "http://127.0.0.1:4318/v1/logs");
//! assert_eq!(config.otlp.traces.protocol, Protocol::Grpc);
//! assert_eq!(config.otlp.traces.endpoint, "http://127.0.0.1:4318");
//! ```

mod parse;
mod problem;
pub mod vars;

pub use problem::{ConfigProblem, ProblemKind, StrictConfigError};

use parse::Reader;
use std::fmt;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

/// The three OpenTelemetry signals.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Signal {
    /// Spans.
    Traces,
    /// Metric data points.
    Metrics,
    /// Log records.
    Logs,
}

impl Signal {
    /// The three signals, in a fixed order.
    pub const ALL: [Signal; 3] = [Signal::Traces, Signal::Metrics, Signal::Logs];

    /// The lower-case name used in labels and URLs: `traces`, `metrics`, `logs`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Signal::Traces => "traces",
            Signal::Metrics => "metrics",
            Signal::Logs => "logs",
        }
    }
}

impl fmt::Display for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One value per signal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PerSignal<T> {
    /// For spans.
    pub traces: T,
    /// For metrics.
    pub metrics: T,
    /// For log records.
    pub logs: T,
}

impl<T> PerSignal<T> {
    /// The value for `signal`.
    pub fn get(&self, signal: Signal) -> &T {
        match signal {
            Signal::Traces => &self.traces,
            Signal::Metrics => &self.metrics,
            Signal::Logs => &self.logs,
        }
    }
}

/// Where a signal goes. Several can be selected at once (`otlp,console`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Exporters {
    /// Export over OTLP.
    pub otlp: bool,
    /// Print to stdout (spans and logs) or stderr (metrics), for local debugging.
    pub console: bool,
    /// Serve a Prometheus scrape endpoint (metrics only).
    pub prometheus: bool,
}

impl Exporters {
    /// Nothing selected: the signal is not exported.
    pub const NONE: Exporters = Exporters {
        otlp: false,
        console: false,
        prometheus: false,
    };
    /// OTLP only, the OpenTelemetry default.
    pub const OTLP: Exporters = Exporters {
        otlp: true,
        console: false,
        prometheus: false,
    };

    /// Whether any exporter is selected.
    pub fn any(self) -> bool {
        self.otlp || self.console || self.prometheus
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ExporterName {
    Otlp,
    Console,
    Prometheus,
    None,
}

/// OTLP transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Protocol {
    /// OTLP over gRPC (default port 4317).
    Grpc,
    /// OTLP over HTTP with protobuf bodies (default port 4318).
    HttpProtobuf,
}

/// OTLP payload compression.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Compression {
    /// Uncompressed.
    None,
    /// gzip.
    Gzip,
}

/// Context propagators installed as the global text-map propagator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Propagator {
    /// W3C Trace Context (`traceparent`, `tracestate`).
    TraceContext,
    /// W3C Baggage.
    Baggage,
}

/// The span sampler.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Sampler {
    /// Record every span.
    AlwaysOn,
    /// Record no span.
    AlwaysOff,
    /// Record the given share of traces, by trace id.
    TraceIdRatio(f64),
    /// Follow the parent's decision; root spans always on (the default).
    ParentBasedAlwaysOn,
    /// Follow the parent's decision; root spans always off.
    ParentBasedAlwaysOff,
    /// Follow the parent's decision; root spans by trace id ratio.
    ParentBasedTraceIdRatio(f64),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SamplerName {
    AlwaysOn,
    AlwaysOff,
    TraceIdRatio,
    ParentBasedAlwaysOn,
    ParentBasedAlwaysOff,
    ParentBasedTraceIdRatio,
}

/// Aggregation temporality for OTLP metrics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Temporality {
    /// Values since the process started (the default; what Prometheus expects).
    Cumulative,
    /// Values since the last export.
    Delta,
    /// Delta for synchronous counters and histograms, cumulative otherwise.
    LowMemory,
}

/// Settings of a batch processor (spans or log records).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchSettings {
    /// Delay between two exports.
    pub schedule_delay: Duration,
    /// Maximum time one export may take.
    pub export_timeout: Duration,
    /// Items held before new ones are dropped (and counted).
    pub max_queue_size: usize,
    /// Items sent in one export.
    pub max_export_batch_size: usize,
}

/// Limits that bound the memory a span can take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SpanLimits {
    /// Longest string attribute value kept, in characters (`None`: no limit).
    pub attribute_value_length: Option<usize>,
    /// Most attributes kept on a span.
    pub attribute_count: u32,
    /// Most events kept on a span.
    pub event_count: u32,
    /// Most links kept on a span.
    pub link_count: u32,
    /// Most attributes kept on an event.
    pub event_attribute_count: u32,
    /// Most attributes kept on a link.
    pub link_attribute_count: u32,
}

/// OTLP request headers. `Debug` shows the names only, never the values.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct Headers(pub Vec<(String, String)>);

impl fmt::Debug for Headers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(k, _)| format!("{k}=<redacted>")))
            .finish()
    }
}

/// The resolved OTLP settings of one signal. `Debug` hides URL userinfo and query.
#[derive(Clone, PartialEq, Eq)]
pub struct OtlpSettings {
    /// Transport.
    pub protocol: Protocol,
    /// Full endpoint URL (for HTTP, including `/v1/<signal>`).
    pub endpoint: String,
    /// Request headers.
    pub headers: Headers,
    /// Request timeout.
    pub timeout: Duration,
    /// Payload compression.
    pub compression: Compression,
    /// gRPC: allow plain text when the endpoint has no scheme.
    pub insecure: bool,
}

impl fmt::Debug for OtlpSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OtlpSettings")
            .field("protocol", &self.protocol)
            .field("endpoint", &crate::pipeline::redact_url(&self.endpoint))
            .field("headers", &self.headers)
            .field("timeout", &self.timeout)
            .field("compression", &self.compression)
            .field("insecure", &self.insecure)
            .finish()
    }
}

/// The whole telemetry configuration, after environment and code overrides.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct TelemetryConfig {
    /// `OTEL_SDK_DISABLED`: nothing is installed; probes cost an atomic load.
    pub disabled: bool,
    /// `service.name`; `None` means the name passed to `init`.
    pub service_name: Option<String>,
    /// Extra resource attributes from `OTEL_RESOURCE_ATTRIBUTES` and code.
    pub resource_attributes: Vec<(String, String)>,
    /// Exporters per signal.
    pub exporters: PerSignal<Exporters>,
    /// Propagators, in order.
    pub propagators: Vec<Propagator>,
    /// Span sampler.
    pub sampler: Sampler,
    /// Batch span processor.
    pub span_batch: BatchSettings,
    /// Batch log record processor.
    pub log_batch: BatchSettings,
    /// Interval between two metric exports.
    pub metric_export_interval: Duration,
    /// Maximum time one metric export may take.
    pub metric_export_timeout: Duration,
    /// Span limits.
    pub span_limits: SpanLimits,
    /// OTLP settings per signal.
    pub otlp: PerSignal<OtlpSettings>,
    /// OTLP metric temporality.
    pub temporality: Temporality,
    /// Address of the Prometheus scrape endpoint (when selected).
    pub prometheus_addr: SocketAddr,
    /// `DATAFACE_RELEASE` or `service.version` from the resource attributes.
    pub release: Option<String>,
    /// `DATAFACE_COMMIT`.
    pub commit: Option<String>,
    /// `DATAFACE_ENVIRONMENT`: `deployment.environment.name`.
    pub environment: Option<String>,
    /// `DATAFACE_TELEMETRY_STRICT`.
    pub strict: bool,
    /// `DATAFACE_LOG`: level filter in `tracing` target syntax.
    pub log_filter: String,
    /// `DATAFACE_LOG_STDERR`: human-readable events on stderr.
    pub log_stderr: bool,
    /// `DATAFACE_REDACT_KEYS`: key patterns redacted in addition to the defaults.
    pub redact_keys: Vec<String>,
    /// The signal catalog the pipeline enforces (units, buckets, label bounds, names);
    /// telemetry-core's own section is always added.
    pub catalog: &'static crate::catalog::Catalog,
    problems: Vec<ConfigProblem>,
}

impl TelemetryConfig {
    /// Reads the process environment. Returns an error only in strict mode.
    pub fn from_env() -> Result<Self, StrictConfigError> {
        Self::builder().build()
    }

    /// A builder: code overrides on top of the environment (or of a given lookup).
    pub fn builder() -> TelemetryConfigBuilder {
        TelemetryConfigBuilder::default()
    }

    /// The problems met while reading the configuration (warnings, outside strict mode).
    pub fn problems(&self) -> &[ConfigProblem] {
        &self.problems
    }
}

type Lookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Code overrides, applied over the environment: code > per-signal > general > default.
#[derive(Clone, Default)]
pub struct TelemetryConfigBuilder {
    lookup: Option<Lookup>,
    disabled: Option<bool>,
    service_name: Option<String>,
    resource_attributes: Vec<(String, String)>,
    exporters: [Option<Exporters>; 3],
    endpoint: [Option<String>; 3],
    protocol: [Option<Protocol>; 3],
    general_endpoint: Option<String>,
    general_protocol: Option<Protocol>,
    headers: Option<Vec<(String, String)>>,
    timeout: Option<Duration>,
    compression: Option<Compression>,
    sampler: Option<Sampler>,
    metric_export_interval: Option<Duration>,
    span_batch: Option<BatchSettings>,
    log_batch: Option<BatchSettings>,
    prometheus_addr: Option<SocketAddr>,
    release: Option<String>,
    commit: Option<String>,
    environment: Option<String>,
    strict: Option<bool>,
    log_filter: Option<String>,
    log_stderr: Option<bool>,
    catalog: Option<&'static crate::catalog::Catalog>,
    redact_keys: Vec<String>,
}

impl fmt::Debug for TelemetryConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TelemetryConfigBuilder")
            .field("custom_lookup", &self.lookup.is_some())
            .field("service_name", &self.service_name)
            .finish_non_exhaustive()
    }
}

fn idx(signal: Signal) -> usize {
    signal as usize
}

impl TelemetryConfigBuilder {
    /// Reads variables through `lookup` instead of the process environment (for tests and
    /// for services that keep their settings elsewhere).
    pub fn lookup(
        mut self,
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        self.lookup = Some(Arc::new(lookup));
        self
    }
    /// Turns the whole pipeline off (or on, over `OTEL_SDK_DISABLED`).
    pub fn disabled(mut self, disabled: bool) -> Self {
        self.disabled = Some(disabled);
        self
    }
    /// Sets `service.name`, over `OTEL_SERVICE_NAME`.
    pub fn service_name(mut self, name: impl Into<String>) -> Self {
        self.service_name = Some(name.into());
        self
    }
    /// Adds a resource attribute, over `OTEL_RESOURCE_ATTRIBUTES`.
    pub fn resource_attribute(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.resource_attributes.push((key.into(), value.into()));
        self
    }
    /// Selects the exporters of one signal.
    pub fn exporters(mut self, signal: Signal, exporters: Exporters) -> Self {
        self.exporters[idx(signal)] = Some(exporters);
        self
    }
    /// Sets the OTLP base endpoint of every signal (HTTP appends `/v1/<signal>`).
    pub fn otlp_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.general_endpoint = Some(endpoint.into());
        self
    }
    /// Sets the OTLP endpoint of one signal, used as given.
    pub fn signal_endpoint(mut self, signal: Signal, endpoint: impl Into<String>) -> Self {
        self.endpoint[idx(signal)] = Some(endpoint.into());
        self
    }
    /// Sets the OTLP transport of every signal.
    pub fn otlp_protocol(mut self, protocol: Protocol) -> Self {
        self.general_protocol = Some(protocol);
        self
    }
    /// Sets the OTLP transport of one signal.
    pub fn signal_protocol(mut self, signal: Signal, protocol: Protocol) -> Self {
        self.protocol[idx(signal)] = Some(protocol);
        self
    }
    /// Sets the OTLP headers of every signal.
    pub fn otlp_headers(mut self, headers: Vec<(String, String)>) -> Self {
        self.headers = Some(headers);
        self
    }
    /// Sets the OTLP request timeout of every signal.
    pub fn otlp_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
    /// Sets the OTLP compression of every signal.
    pub fn otlp_compression(mut self, compression: Compression) -> Self {
        self.compression = Some(compression);
        self
    }
    /// Sets the span sampler.
    pub fn sampler(mut self, sampler: Sampler) -> Self {
        self.sampler = Some(sampler);
        self
    }
    /// Sets the interval between two metric exports.
    pub fn metric_export_interval(mut self, interval: Duration) -> Self {
        self.metric_export_interval = Some(interval);
        self
    }
    /// Sets the batch span processor settings.
    pub fn span_batch(mut self, settings: BatchSettings) -> Self {
        self.span_batch = Some(settings);
        self
    }
    /// Sets the batch log record processor settings.
    pub fn log_batch(mut self, settings: BatchSettings) -> Self {
        self.log_batch = Some(settings);
        self
    }
    /// Sets the Prometheus scrape endpoint address (port 0 picks a free port).
    pub fn prometheus_addr(mut self, addr: SocketAddr) -> Self {
        self.prometheus_addr = Some(addr);
        self
    }
    /// Sets the release (`service.version`), over `DATAFACE_RELEASE`.
    pub fn release(mut self, release: impl Into<String>) -> Self {
        self.release = Some(release.into());
        self
    }
    /// Sets the commit, over `DATAFACE_COMMIT`.
    pub fn commit(mut self, commit: impl Into<String>) -> Self {
        self.commit = Some(commit.into());
        self
    }
    /// Sets `deployment.environment.name`, over `DATAFACE_ENVIRONMENT`.
    pub fn environment(mut self, environment: impl Into<String>) -> Self {
        self.environment = Some(environment.into());
        self
    }
    /// Turns strict mode on or off, over `DATAFACE_TELEMETRY_STRICT`.
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = Some(strict);
        self
    }
    /// Sets the event level filter, over `DATAFACE_LOG`.
    pub fn log_filter(mut self, filter: impl Into<String>) -> Self {
        self.log_filter = Some(filter.into());
        self
    }
    /// Turns the stderr event stream on or off, over `DATAFACE_LOG_STDERR`.
    pub fn log_stderr(mut self, on: bool) -> Self {
        self.log_stderr = Some(on);
        self
    }

    /// Adds redaction key patterns, over and above `DATAFACE_REDACT_KEYS`.
    pub fn redact_keys(mut self, patterns: &[&str]) -> Self {
        self.redact_keys
            .extend(patterns.iter().map(|p| (*p).to_owned()));
        self
    }

    /// Sets the signal catalog the pipeline enforces (the product catalog, from the
    /// `dataface-telemetry` facade); without it, only telemetry-core's own section is known.
    pub fn catalog(mut self, catalog: &'static crate::catalog::Catalog) -> Self {
        self.catalog = Some(catalog);
        self
    }

    /// Reads the environment (or the lookup) and applies the overrides.
    ///
    /// # Errors
    /// In strict mode, every problem met is returned in one [`StrictConfigError`].
    pub fn build(self) -> Result<TelemetryConfig, StrictConfigError> {
        let lookup: Lookup = self
            .lookup
            .clone()
            .unwrap_or_else(|| Arc::new(|k: &str| std::env::var(k).ok()));
        let mut r = Reader::new(&*lookup);
        let config = self.resolve(&mut r);
        if config.strict && !config.problems.is_empty() {
            return Err(StrictConfigError {
                problems: config.problems,
            });
        }
        Ok(config)
    }

    fn resolve(self, r: &mut Reader<'_>) -> TelemetryConfig {
        use vars::*;
        let strict = self
            .strict
            .or_else(|| r.bool(DATAFACE_TELEMETRY_STRICT))
            .unwrap_or(false);
        let disabled = self
            .disabled
            .or_else(|| r.bool(OTEL_SDK_DISABLED))
            .unwrap_or(false);
        let otlp = self.otlp(r);
        let service_name = self.service_name.or_else(|| r.string(OTEL_SERVICE_NAME));

        let mut resource_attributes = match r.key_values(OTEL_RESOURCE_ATTRIBUTES) {
            // The specification: a malformed list is discarded whole.
            Some((_, true)) | None => Vec::new(),
            Some((kvs, false)) => kvs,
        };
        resource_attributes.extend(self.resource_attributes.iter().cloned());

        let exporter_names: &[(&str, ExporterName)] = &[
            ("otlp", ExporterName::Otlp),
            ("console", ExporterName::Console),
            ("none", ExporterName::None),
        ];
        let metric_exporter_names: &[(&str, ExporterName)] = &[
            ("otlp", ExporterName::Otlp),
            ("prometheus", ExporterName::Prometheus),
            ("console", ExporterName::Console),
            ("none", ExporterName::None),
        ];
        let mut exporters_for = |signal: Signal, var: &'static str, names| {
            self.exporters[idx(signal)].unwrap_or_else(|| {
                r.choice_list(var, names)
                    .map(|list| to_exporters(&list))
                    .unwrap_or(Exporters::OTLP)
            })
        };
        let exporters = PerSignal {
            traces: exporters_for(Signal::Traces, OTEL_TRACES_EXPORTER, exporter_names),
            metrics: exporters_for(
                Signal::Metrics,
                OTEL_METRICS_EXPORTER,
                metric_exporter_names,
            ),
            logs: exporters_for(Signal::Logs, OTEL_LOGS_EXPORTER, exporter_names),
        };

        let propagators = r
            .choice_list(
                OTEL_PROPAGATORS,
                &[
                    ("tracecontext", Some(Propagator::TraceContext)),
                    ("baggage", Some(Propagator::Baggage)),
                    ("none", None),
                ],
            )
            .map(|list| list.into_iter().flatten().collect())
            .unwrap_or_else(|| vec![Propagator::TraceContext, Propagator::Baggage]);

        let sampler = self.sampler.unwrap_or_else(|| {
            let name = r
                .choice(
                    OTEL_TRACES_SAMPLER,
                    &[
                        ("always_on", SamplerName::AlwaysOn),
                        ("always_off", SamplerName::AlwaysOff),
                        ("traceidratio", SamplerName::TraceIdRatio),
                        ("parentbased_always_on", SamplerName::ParentBasedAlwaysOn),
                        ("parentbased_always_off", SamplerName::ParentBasedAlwaysOff),
                        (
                            "parentbased_traceidratio",
                            SamplerName::ParentBasedTraceIdRatio,
                        ),
                    ],
                )
                .unwrap_or(SamplerName::ParentBasedAlwaysOn);
            let mut ratio = || r.ratio(OTEL_TRACES_SAMPLER_ARG).unwrap_or(1.0);
            match name {
                SamplerName::AlwaysOn => Sampler::AlwaysOn,
                SamplerName::AlwaysOff => Sampler::AlwaysOff,
                SamplerName::TraceIdRatio => Sampler::TraceIdRatio(ratio()),
                SamplerName::ParentBasedAlwaysOn => Sampler::ParentBasedAlwaysOn,
                SamplerName::ParentBasedAlwaysOff => Sampler::ParentBasedAlwaysOff,
                SamplerName::ParentBasedTraceIdRatio => Sampler::ParentBasedTraceIdRatio(ratio()),
            }
        });

        let span_batch = self.span_batch.unwrap_or_else(|| {
            batch(
                r,
                [
                    OTEL_BSP_SCHEDULE_DELAY,
                    OTEL_BSP_EXPORT_TIMEOUT,
                    OTEL_BSP_MAX_QUEUE_SIZE,
                    OTEL_BSP_MAX_EXPORT_BATCH_SIZE,
                ],
                Duration::from_millis(5000),
            )
        });
        let log_batch = self.log_batch.unwrap_or_else(|| {
            batch(
                r,
                [
                    OTEL_BLRP_SCHEDULE_DELAY,
                    OTEL_BLRP_EXPORT_TIMEOUT,
                    OTEL_BLRP_MAX_QUEUE_SIZE,
                    OTEL_BLRP_MAX_EXPORT_BATCH_SIZE,
                ],
                Duration::from_millis(1000),
            )
        });
        let metric_export_interval = self
            .metric_export_interval
            .or_else(|| r.millis(OTEL_METRIC_EXPORT_INTERVAL))
            .unwrap_or(Duration::from_millis(60_000));
        let metric_export_timeout = r
            .millis(OTEL_METRIC_EXPORT_TIMEOUT)
            .unwrap_or(Duration::from_millis(30_000));

        let general_len = r.integer(OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT, 0, u64::from(u32::MAX));
        let general_count = r.integer(OTEL_ATTRIBUTE_COUNT_LIMIT, 0, u64::from(u32::MAX));
        let mut count = |var, general: Option<u64>| {
            r.integer(var, 0, u64::from(u32::MAX))
                .or(general)
                .map(|n| n as u32)
                .unwrap_or(128)
        };
        let span_limits = SpanLimits {
            attribute_count: count(OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT, general_count),
            event_count: count(OTEL_SPAN_EVENT_COUNT_LIMIT, None),
            link_count: count(OTEL_SPAN_LINK_COUNT_LIMIT, None),
            event_attribute_count: count(OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT, None),
            link_attribute_count: count(OTEL_LINK_ATTRIBUTE_COUNT_LIMIT, None),
            attribute_value_length: r
                .integer(
                    OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT,
                    0,
                    u64::from(u32::MAX),
                )
                .or(general_len)
                .map(|n| n as usize),
        };

        let temporality = r
            .choice(
                OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE,
                &[
                    ("cumulative", Temporality::Cumulative),
                    ("delta", Temporality::Delta),
                    ("lowmemory", Temporality::LowMemory),
                ],
            )
            .unwrap_or(Temporality::Cumulative);

        let prometheus_addr = self.prometheus_addr.unwrap_or_else(|| {
            let host = r
                .host(OTEL_EXPORTER_PROMETHEUS_HOST)
                .unwrap_or(IpAddr::V4(Ipv4Addr::LOCALHOST));
            let port = r
                .integer(OTEL_EXPORTER_PROMETHEUS_PORT, 0, 65535)
                .unwrap_or(9464) as u16;
            SocketAddr::new(host, port)
        });

        let release = self
            .release
            .or_else(|| r.string(DATAFACE_RELEASE))
            .or_else(|| {
                resource_attributes
                    .iter()
                    .find(|(k, _)| k == "service.version")
                    .map(|(_, v)| v.clone())
            });
        let commit = self.commit.or_else(|| r.string(DATAFACE_COMMIT));
        let environment = self
            .environment
            .or_else(|| r.string(DATAFACE_ENVIRONMENT))
            .or_else(|| {
                resource_attributes
                    .iter()
                    .find(|(k, _)| k == "deployment.environment.name")
                    .map(|(_, v)| v.clone())
            });

        let log_filter = match self.log_filter {
            Some(filter) => filter,
            None => match r.string(DATAFACE_LOG) {
                Some(f) if f.parse::<tracing_subscriber::filter::Targets>().is_ok() => f,
                Some(_) => {
                    r.problem(
                        DATAFACE_LOG,
                        ProblemKind::Unparsable,
                        "a level (`error`, `warn`, `info`, `debug`, `trace`) or `target=level` pairs separated by commas",
                        None,
                        "info",
                    );
                    "info".to_owned()
                }
                None => "info".to_owned(),
            },
        };
        let log_stderr = self
            .log_stderr
            .or_else(|| r.bool(DATAFACE_LOG_STDERR))
            .unwrap_or(true);

        let mut redact_keys: Vec<String> = r
            .string(DATAFACE_REDACT_KEYS)
            .map(|v| {
                v.split(',')
                    .map(|p| p.trim().to_owned())
                    .filter(|p| !p.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        redact_keys.extend(self.redact_keys.iter().cloned());

        TelemetryConfig {
            redact_keys,
            disabled,
            service_name,
            resource_attributes,
            exporters,
            propagators,
            sampler,
            span_batch,
            log_batch,
            metric_export_interval,
            metric_export_timeout,
            span_limits,
            otlp,
            temporality,
            prometheus_addr,
            release,
            commit,
            environment,
            strict,
            log_filter,
            log_stderr,
            catalog: self.catalog.unwrap_or(&crate::signals::CORE_CATALOG),
            problems: std::mem::take(&mut r.problems),
        }
    }

    fn otlp(&self, r: &mut Reader<'_>) -> PerSignal<OtlpSettings> {
        use vars::*;
        let protocols: &[(&str, Protocol)] = &[
            ("grpc", Protocol::Grpc),
            ("http/protobuf", Protocol::HttpProtobuf),
        ];
        let compressions: &[(&str, Compression)] =
            &[("gzip", Compression::Gzip), ("none", Compression::None)];
        let g_endpoint = r.endpoint(OTEL_EXPORTER_OTLP_ENDPOINT);
        let g_headers = r.key_values(OTEL_EXPORTER_OTLP_HEADERS).map(|(kv, _)| kv);
        let g_timeout = r.millis(OTEL_EXPORTER_OTLP_TIMEOUT);
        let g_compression = r.choice(OTEL_EXPORTER_OTLP_COMPRESSION, compressions);
        let g_protocol = r.choice(OTEL_EXPORTER_OTLP_PROTOCOL, protocols);
        let g_insecure = r.bool(OTEL_EXPORTER_OTLP_INSECURE);

        let mut one = |signal: Signal, names: [&'static str; 6]| {
            let [endpoint_var, headers_var, timeout_var, compression_var, protocol_var, insecure_var] =
                names;
            let i = idx(signal);
            let protocol = self.protocol[i]
                .or(self.general_protocol)
                .or_else(|| r.choice(protocol_var, protocols))
                .or(g_protocol)
                .unwrap_or(Protocol::Grpc);
            let signal_path = format!("/v1/{}", signal.as_str());
            let from_base = |base: &str| match protocol {
                Protocol::Grpc => base.to_owned(),
                Protocol::HttpProtobuf => format!("{}{}", base.trim_end_matches('/'), signal_path),
            };
            let endpoint = if let Some(e) = &self.endpoint[i] {
                e.clone()
            } else if let Some(base) = &self.general_endpoint {
                from_base(base)
            } else if let Some(e) = r.endpoint(endpoint_var) {
                e
            } else if let Some(base) = &g_endpoint {
                from_base(base)
            } else {
                match protocol {
                    Protocol::Grpc => "http://localhost:4317".to_owned(),
                    Protocol::HttpProtobuf => format!("http://localhost:4318{signal_path}"),
                }
            };
            let headers = self
                .headers
                .clone()
                .or_else(|| r.key_values(headers_var).map(|(kv, _)| kv))
                .or_else(|| g_headers.clone())
                .unwrap_or_default();
            let timeout = self
                .timeout
                .or_else(|| r.millis(timeout_var))
                .or(g_timeout)
                .unwrap_or(Duration::from_secs(10));
            let compression = self
                .compression
                .or_else(|| r.choice(compression_var, compressions))
                .or(g_compression)
                .unwrap_or(Compression::None);
            let insecure = r.bool(insecure_var).or(g_insecure).unwrap_or(false);
            OtlpSettings {
                protocol,
                endpoint,
                headers: Headers(headers),
                timeout,
                compression,
                insecure,
            }
        };
        PerSignal {
            traces: one(
                Signal::Traces,
                [
                    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
                    OTEL_EXPORTER_OTLP_TRACES_HEADERS,
                    OTEL_EXPORTER_OTLP_TRACES_TIMEOUT,
                    OTEL_EXPORTER_OTLP_TRACES_COMPRESSION,
                    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL,
                    OTEL_EXPORTER_OTLP_TRACES_INSECURE,
                ],
            ),
            metrics: one(
                Signal::Metrics,
                [
                    OTEL_EXPORTER_OTLP_METRICS_ENDPOINT,
                    OTEL_EXPORTER_OTLP_METRICS_HEADERS,
                    OTEL_EXPORTER_OTLP_METRICS_TIMEOUT,
                    OTEL_EXPORTER_OTLP_METRICS_COMPRESSION,
                    OTEL_EXPORTER_OTLP_METRICS_PROTOCOL,
                    OTEL_EXPORTER_OTLP_METRICS_INSECURE,
                ],
            ),
            logs: one(
                Signal::Logs,
                [
                    OTEL_EXPORTER_OTLP_LOGS_ENDPOINT,
                    OTEL_EXPORTER_OTLP_LOGS_HEADERS,
                    OTEL_EXPORTER_OTLP_LOGS_TIMEOUT,
                    OTEL_EXPORTER_OTLP_LOGS_COMPRESSION,
                    OTEL_EXPORTER_OTLP_LOGS_PROTOCOL,
                    OTEL_EXPORTER_OTLP_LOGS_INSECURE,
                ],
            ),
        }
    }
}

fn to_exporters(list: &[ExporterName]) -> Exporters {
    let mut e = Exporters::NONE;
    for name in list {
        match name {
            ExporterName::Otlp => e.otlp = true,
            ExporterName::Console => e.console = true,
            ExporterName::Prometheus => e.prometheus = true,
            ExporterName::None => {}
        }
    }
    e
}

fn batch(r: &mut Reader<'_>, vars: [&'static str; 4], default_delay: Duration) -> BatchSettings {
    let [delay, timeout, queue, batch] = vars;
    let max_queue_size = r.integer(queue, 1, 1_000_000).unwrap_or(2048) as usize;
    let mut max_export_batch_size = r.integer(batch, 1, 1_000_000).unwrap_or(512) as usize;
    if max_export_batch_size > max_queue_size {
        r.problem(
            batch,
            ProblemKind::Inconsistent,
            format!("a batch size no larger than the queue size ({max_queue_size})"),
            None,
            "the queue size",
        );
        max_export_batch_size = max_queue_size;
    }
    BatchSettings {
        schedule_delay: r.millis(delay).unwrap_or(default_delay),
        export_timeout: r.millis(timeout).unwrap_or(Duration::from_millis(30_000)),
        max_queue_size,
        max_export_batch_size,
    }
}

#[cfg(test)]
mod tests;
