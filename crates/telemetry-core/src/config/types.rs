//! The resolved configuration and its value types.

use super::problem::ConfigProblem;
use super::StrictConfigError;
use std::fmt;
use std::net::SocketAddr;
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

/// How OTLP aggregates histograms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HistogramAggregation {
    /// The catalog's explicit bucket boundaries (the default; the scrape uses the same).
    ExplicitBucket,
    /// OpenTelemetry's base-2 exponential histogram: up to 160 buckets whose scale adapts to
    /// the samples, so a latency can be judged at any threshold, one data point per series
    /// whatever the range (the SDK's defaults: max size 160, max scale 20).
    Base2Exponential,
}

/// How the Prometheus scrape exposes histograms.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PrometheusHistograms {
    /// A series per catalog bucket, `_sum` and `_count`, in the text and the protobuf
    /// exposition (the default).
    Classic,
    /// One native histogram series per label set: sparse base-2 exponential buckets
    /// (8 per power of two, fewer past 160 populated buckets), judged at any threshold
    /// with `histogram_fraction`. Only the protobuf exposition carries them, which
    /// Prometheus asks for with `--enable-feature=native-histograms`; the text exposition
    /// then shows each histogram's `+Inf` bucket, `_sum` and `_count` only.
    Native,
    /// Both on every histogram: the classic buckets for text scrapers and for rules not yet
    /// moved, the native ones where protobuf is scraped (a migration; costs both).
    Both,
}

impl PrometheusHistograms {
    /// Whether histograms keep the catalog's buckets.
    pub fn classic(self) -> bool {
        matches!(self, Self::Classic | Self::Both)
    }

    /// Whether histograms keep native buckets.
    pub fn native(self) -> bool {
        matches!(self, Self::Native | Self::Both)
    }
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
    /// Longest string attribute value kept, in characters (`None`: no limit). From the
    /// environment it defaults to 4,096, which keeps a full batch under the common 4 MiB
    /// collector request limit.
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
pub struct Headers(pub(crate) Vec<(String, String)>);

impl fmt::Debug for Headers {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|(k, _)| format!("{k}=<redacted>")))
            .finish()
    }
}

/// TLS material for an `https://` OTLP endpoint, read from the PEM files the
/// `OTEL_EXPORTER_OTLP[_SIGNAL]_CERTIFICATE`, `_CLIENT_CERTIFICATE` and `_CLIENT_KEY`
/// variables name. The server is always checked against the system roots; a configured
/// certificate adds trusted roots. `Debug` shows what is present, never the contents.
#[derive(Clone, PartialEq, Eq, Default)]
pub struct TlsSettings {
    /// Extra trusted root certificates (PEM), on top of the system roots.
    pub certificate: Option<Vec<u8>>,
    /// The client certificate chain and its private key (both PEM), for mutual TLS.
    pub client_identity: Option<ClientIdentity>,
}

/// A client certificate chain with its private key, both PEM. `Debug` shows neither.
#[derive(Clone, PartialEq, Eq)]
pub struct ClientIdentity {
    /// The certificate chain, leaf first (PEM).
    pub certificate_chain: Vec<u8>,
    /// The private key of the leaf (PEM: PKCS#8, PKCS#1 or SEC1).
    pub private_key: Vec<u8>,
}

impl fmt::Debug for ClientIdentity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClientIdentity(<certificate and key not shown>)")
    }
}

impl fmt::Debug for TlsSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsSettings")
            .field("certificate", &self.certificate.is_some())
            .field("client_identity", &self.client_identity.is_some())
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
    /// gRPC: plain text (`true`) or TLS (`false`) for an endpoint given without a
    /// scheme; the endpoint above already carries the scheme this chose.
    pub insecure: bool,
    /// TLS material, used when the endpoint is `https://`.
    pub tls: TlsSettings,
}

impl fmt::Debug for OtlpSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("OtlpSettings")
            .field("protocol", &self.protocol)
            .field("endpoint", &crate::redact::redact_url(&self.endpoint))
            .field("headers", &self.headers)
            .field("timeout", &self.timeout)
            .field("compression", &self.compression)
            .field("insecure", &self.insecure)
            .field("tls", &self.tls)
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
    /// How OTLP aggregates histograms.
    pub histogram_aggregation: HistogramAggregation,
    /// Address of the Prometheus scrape endpoint (when selected).
    pub prometheus_addr: SocketAddr,
    /// `DATAFACE_PROMETHEUS_HISTOGRAMS`: how the scrape exposes histograms.
    pub prometheus_histograms: PrometheusHistograms,
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
    /// The signal catalog the pipeline enforces (units, buckets, label bounds, names), if
    /// one was given; telemetry-core's own section is always enforced as well.
    pub catalog: Option<&'static crate::catalog::Catalog>,
    pub(super) problems: Vec<ConfigProblem>,
}

impl TelemetryConfig {
    /// Reads the process environment. Returns an error only in strict mode.
    pub fn from_env() -> Result<Self, StrictConfigError> {
        Self::builder().build()
    }

    /// A builder: code overrides on top of the environment (or of a given lookup).
    pub fn builder() -> super::TelemetryConfigBuilder {
        super::TelemetryConfigBuilder::default()
    }

    /// The problems met while reading the configuration (warnings, outside strict mode).
    pub fn problems(&self) -> &[ConfigProblem] {
        &self.problems
    }
}
