//! Configuration from the environment, with code overrides.
//!
//! [`TelemetryConfig::from_env`] reads every variable [`variables`] lists, once. The rules are
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

mod builder;
mod parse;
mod problem;
mod resolve;
mod types;
pub(crate) mod vars;

pub use builder::TelemetryConfigBuilder;
pub use problem::{ConfigProblem, ProblemKind, StrictConfigError};
pub use types::{
    BatchSettings, Compression, Exporters, Headers, HistogramAggregation, OtlpSettings, PerSignal,
    Propagator, Protocol, Sampler, Signal, SpanLimits, TelemetryConfig, Temporality,
};
pub use types::{ClientIdentity, PrometheusHistograms, TlsSettings};

/// Every environment variable telemetry-core reads, with a one-line description, in the
/// order the workspace README's configuration table lists them.
///
/// ```
/// let (name, description) = telemetry_core::config::variables().next().unwrap();
/// assert_eq!(name, "OTEL_SDK_DISABLED");
/// assert!(description.starts_with("Disables the whole pipeline"));
/// ```
pub fn variables() -> impl ExactSizeIterator<Item = (&'static str, &'static str)> {
    vars::DESCRIBED
        .iter()
        .map(|(name, description)| (*name, description.trim()))
}

#[cfg(test)]
mod tests;
