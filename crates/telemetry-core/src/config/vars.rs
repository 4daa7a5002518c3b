//! The environment variables that [`TelemetryConfig::from_env`](super::TelemetryConfig::from_env)
//! reads, as crate-private constants; [`super::variables`] lists them for everyone else.
//!
//! The OpenTelemetry SDK set keeps the names the specification gives them; the `DATAFACE_*`
//! set covers what the specification does not. [`ALL`] lists every one of them, in the
//! order the README's configuration table shows them; a test keeps that table and this
//! list equal. Each constant's documentation is also its description in
//! [`super::variables`].

/// Declares each variable as a constant named and valued alike, documented by its
/// description, and lists them all in [`ALL`] and [`DESCRIBED`].
macro_rules! variables {
    ($( $(#[doc = $doc:literal])+ $name:ident; )+) => {
        $(
            $(#[doc = $doc])+
            pub(crate) const $name: &str = stringify!($name);
        )+

        /// Every variable this crate reads, in documentation order.
        pub(crate) const ALL: &[&str] = &[$($name),+];

        /// Every variable with its description (the lines of its documentation, joined).
        pub(crate) const DESCRIBED: &[(&str, &str)] = &[$((stringify!($name), concat!($($doc),+))),+];
    };
}

variables! {
    /// Disables the whole pipeline when `true`: probes become no-ops.
    OTEL_SDK_DISABLED;
    /// The `service.name` resource attribute; the name passed to `init` is the default.
    OTEL_SERVICE_NAME;
    /// Extra resource attributes, `key1=value1,key2=value2`, values percent-encoded.
    OTEL_RESOURCE_ATTRIBUTES;
    /// Span exporters: a comma-separated list of `otlp`, `console`, `none`.
    OTEL_TRACES_EXPORTER;
    /// Metric exporters: a comma-separated list of `otlp`, `prometheus`, `console`, `none`.
    OTEL_METRICS_EXPORTER;
    /// Log record exporters: a comma-separated list of `otlp`, `console`, `none`.
    OTEL_LOGS_EXPORTER;
    /// Context propagators: a comma-separated list of `tracecontext`, `baggage`, `none`.
    OTEL_PROPAGATORS;
    /// The sampler: `always_on`, `always_off`, `traceidratio`, `parentbased_always_on`,
    /// `parentbased_always_off`, `parentbased_traceidratio`.
    OTEL_TRACES_SAMPLER;
    /// The ratio for the `traceidratio` samplers, a number in `[0, 1]`.
    OTEL_TRACES_SAMPLER_ARG;
    /// Batch span processor: delay between two exports, milliseconds.
    OTEL_BSP_SCHEDULE_DELAY;
    /// Batch span processor: maximum time one export may take, milliseconds.
    OTEL_BSP_EXPORT_TIMEOUT;
    /// Batch span processor: spans held before new ones are dropped.
    OTEL_BSP_MAX_QUEUE_SIZE;
    /// Batch span processor: spans sent in one export (at most the queue size).
    OTEL_BSP_MAX_EXPORT_BATCH_SIZE;
    /// Batch log record processor: delay between two exports, milliseconds.
    OTEL_BLRP_SCHEDULE_DELAY;
    /// Batch log record processor: maximum time one export may take, milliseconds.
    OTEL_BLRP_EXPORT_TIMEOUT;
    /// Batch log record processor: records held before new ones are dropped.
    OTEL_BLRP_MAX_QUEUE_SIZE;
    /// Batch log record processor: records sent in one export (at most the queue size).
    OTEL_BLRP_MAX_EXPORT_BATCH_SIZE;
    /// Periodic metric reader: interval between two exports, milliseconds.
    OTEL_METRIC_EXPORT_INTERVAL;
    /// Periodic metric reader: maximum time one export may take, milliseconds.
    OTEL_METRIC_EXPORT_TIMEOUT;
    /// Longest attribute value kept (characters), for every signal unless a per-signal limit is set.
    OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT;
    /// Most attributes kept, for every signal unless a per-signal limit is set.
    OTEL_ATTRIBUTE_COUNT_LIMIT;
    /// Longest span attribute value kept (characters).
    OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT;
    /// Most attributes kept on a span.
    OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT;
    /// Most events kept on a span.
    OTEL_SPAN_EVENT_COUNT_LIMIT;
    /// Most links kept on a span.
    OTEL_SPAN_LINK_COUNT_LIMIT;
    /// Most attributes kept on a span event.
    OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT;
    /// Most attributes kept on a span link.
    OTEL_LINK_ATTRIBUTE_COUNT_LIMIT;

    /// OTLP base endpoint; HTTP appends `/v1/traces`, `/v1/metrics`, `/v1/logs`.
    OTEL_EXPORTER_OTLP_ENDPOINT;
    /// OTLP endpoint for spans, used as given.
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
    /// OTLP endpoint for metrics, used as given.
    OTEL_EXPORTER_OTLP_METRICS_ENDPOINT;
    /// OTLP endpoint for log records, used as given.
    OTEL_EXPORTER_OTLP_LOGS_ENDPOINT;
    /// OTLP request headers, `key1=value1,key2=value2`, values percent-encoded. Never echoed.
    OTEL_EXPORTER_OTLP_HEADERS;
    /// OTLP request headers for spans. Never echoed.
    OTEL_EXPORTER_OTLP_TRACES_HEADERS;
    /// OTLP request headers for metrics. Never echoed.
    OTEL_EXPORTER_OTLP_METRICS_HEADERS;
    /// OTLP request headers for log records. Never echoed.
    OTEL_EXPORTER_OTLP_LOGS_HEADERS;
    /// OTLP request timeout, milliseconds.
    OTEL_EXPORTER_OTLP_TIMEOUT;
    /// OTLP request timeout for spans, milliseconds.
    OTEL_EXPORTER_OTLP_TRACES_TIMEOUT;
    /// OTLP request timeout for metrics, milliseconds.
    OTEL_EXPORTER_OTLP_METRICS_TIMEOUT;
    /// OTLP request timeout for log records, milliseconds.
    OTEL_EXPORTER_OTLP_LOGS_TIMEOUT;
    /// OTLP payload compression: `gzip` or `none`.
    OTEL_EXPORTER_OTLP_COMPRESSION;
    /// OTLP payload compression for spans.
    OTEL_EXPORTER_OTLP_TRACES_COMPRESSION;
    /// OTLP payload compression for metrics.
    OTEL_EXPORTER_OTLP_METRICS_COMPRESSION;
    /// OTLP payload compression for log records.
    OTEL_EXPORTER_OTLP_LOGS_COMPRESSION;
    /// OTLP transport: `grpc` or `http/protobuf`.
    OTEL_EXPORTER_OTLP_PROTOCOL;
    /// OTLP transport for spans.
    OTEL_EXPORTER_OTLP_TRACES_PROTOCOL;
    /// OTLP transport for metrics.
    OTEL_EXPORTER_OTLP_METRICS_PROTOCOL;
    /// OTLP transport for log records.
    OTEL_EXPORTER_OTLP_LOGS_PROTOCOL;
    /// gRPC only, for an endpoint given without a scheme (`collector:4317`): `true` sends
    /// plain text, `false` (the default) TLS. An `http://` or `https://` endpoint decides by
    /// its scheme.
    OTEL_EXPORTER_OTLP_INSECURE;
    /// gRPC only, spans: see `OTEL_EXPORTER_OTLP_INSECURE`.
    OTEL_EXPORTER_OTLP_TRACES_INSECURE;
    /// gRPC only, metrics: see `OTEL_EXPORTER_OTLP_INSECURE`.
    OTEL_EXPORTER_OTLP_METRICS_INSECURE;
    /// gRPC only, log records: see `OTEL_EXPORTER_OTLP_INSECURE`.
    OTEL_EXPORTER_OTLP_LOGS_INSECURE;
    /// Path of a PEM file of root certificates trusted for the collector's TLS certificate,
    /// on top of the system roots.
    OTEL_EXPORTER_OTLP_CERTIFICATE;
    /// Trusted root certificates for the span endpoint.
    OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE;
    /// Trusted root certificates for the metric endpoint.
    OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE;
    /// Trusted root certificates for the log endpoint.
    OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE;
    /// Path of the PEM client certificate chain for mutual TLS (with the client key).
    OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE;
    /// Client certificate chain for the span endpoint.
    OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE;
    /// Client certificate chain for the metric endpoint.
    OTEL_EXPORTER_OTLP_METRICS_CLIENT_CERTIFICATE;
    /// Client certificate chain for the log endpoint.
    OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE;
    /// Path of the PEM private key of the client certificate, for mutual TLS. Never echoed.
    OTEL_EXPORTER_OTLP_CLIENT_KEY;
    /// Client private key for the span endpoint.
    OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY;
    /// Client private key for the metric endpoint.
    OTEL_EXPORTER_OTLP_METRICS_CLIENT_KEY;
    /// Client private key for the log endpoint.
    OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY;
    /// Aggregation temporality of OTLP metrics: `cumulative`, `delta` or `lowmemory`.
    OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE;
    /// Histogram aggregation of OTLP metrics: `explicit_bucket_histogram` (the catalog's
    /// buckets) or `base2_exponential_bucket_histogram`.
    OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION;
    /// Address the Prometheus scrape endpoint listens on.
    OTEL_EXPORTER_PROMETHEUS_HOST;
    /// Port the Prometheus scrape endpoint listens on (`0` picks a free one).
    OTEL_EXPORTER_PROMETHEUS_PORT;
    /// How the scrape exposes histograms: `classic` (the catalog's buckets, every format),
    /// `native` (Prometheus native histograms, in the protobuf exposition Prometheus asks
    /// for with `--enable-feature=native-histograms`) or `both` (for a migration).
    DATAFACE_PROMETHEUS_HISTOGRAMS;

    /// The release of the service (`service.version` and the `service.version` label of build info).
    DATAFACE_RELEASE;
    /// The commit the service was built from (the `vcs.ref.head.revision` label of build info).
    DATAFACE_COMMIT;
    /// The `deployment.environment.name` resource attribute, e.g. `production`.
    DATAFACE_ENVIRONMENT;
    /// `true` turns every configuration warning into an error returned by `init`.
    DATAFACE_TELEMETRY_STRICT;
    /// Level filter for the service's own events, in `tracing` target syntax (`info`,
    /// `warn,my_crate=debug`).
    DATAFACE_LOG;
    /// `false` turns off the human-readable event stream on stderr.
    DATAFACE_LOG_STDERR;

    /// Extra redaction key patterns, comma-separated (e.g. `ssn,dob`): any attribute, field or
    /// label whose key contains one has its value replaced by `[REDACTED]`.
    DATAFACE_REDACT_KEYS;
}

/// Variables whose values are secrets: never echoed in an error, a warning or a log.
#[cfg(test)]
pub(crate) const SECRET: &[&str] = &[
    OTEL_EXPORTER_OTLP_HEADERS,
    OTEL_EXPORTER_OTLP_TRACES_HEADERS,
    OTEL_EXPORTER_OTLP_METRICS_HEADERS,
    OTEL_EXPORTER_OTLP_LOGS_HEADERS,
];
