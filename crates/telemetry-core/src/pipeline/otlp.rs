//! Building the OTLP exporters of one signal from its resolved settings.
//!
//! gRPC exporters are built inside the pipeline's own Tokio runtime (the tonic channel
//! spawns its worker there), so `init` works from a plain `fn main` and from inside any
//! runtime. HTTP exporters use the blocking client and need no runtime. Both retry the
//! retryable failures (the OTLP specification's list) with bounded exponential backoff.

use super::InitError;
use crate::config::{Compression, OtlpSettings, Protocol, Signal};
use crate::redact::redact_url;
use opentelemetry_otlp::{RetryPolicy, WithExportConfig, WithHttpConfig, WithTonicConfig};
use std::collections::HashMap;
use std::time::Duration;

/// The retry policy: 3 retries, 100 ms doubling to at most 1.6 s, plus jitter, and only
/// for the retryable status codes (the exporter classifies them).
fn retry_policy() -> RetryPolicy {
    RetryPolicy::recommended()
        .with_max_retries(3)
        .with_initial_delay(Duration::from_millis(100))
        .with_max_delay(Duration::from_millis(1600))
}

fn metadata(
    signal: Signal,
    s: &OtlpSettings,
) -> Result<opentelemetry_otlp::tonic_types::metadata::MetadataMap, InitError> {
    let mut headers = http::HeaderMap::new();
    for (i, (k, v)) in s.headers.0.iter().enumerate() {
        let name = http::HeaderName::from_bytes(k.to_ascii_lowercase().as_bytes());
        let value = http::HeaderValue::from_str(v);
        match (name, value) {
            (Ok(name), Ok(value)) => {
                headers.insert(name, value);
            }
            _ => {
                return Err(InitError::Exporter {
                    signal,
                    reason: format!(
                        "OTLP header entry {} is not a valid gRPC metadata name or value (its content is not shown)",
                        i + 1
                    ),
                })
            }
        }
    }
    Ok(opentelemetry_otlp::tonic_types::metadata::MetadataMap::from_headers(headers))
}

fn http_headers(s: &OtlpSettings) -> HashMap<String, String> {
    s.headers.0.iter().cloned().collect()
}

fn build_error(signal: Signal, s: &OtlpSettings, e: impl std::fmt::Display) -> InitError {
    InitError::Exporter {
        signal,
        reason: format!(
            "OTLP exporter to {} could not be built: {e}",
            redact_url(&s.endpoint)
        ),
    }
}

macro_rules! otlp_exporter {
    ($exporter:ty, $signal:expr, $s:expr, $export_timeout:expr $(, $extra:ident($arg:expr))?) => {{
        let s: &OtlpSettings = $s;
        // The SDK's thread-based processors do not bound an export: each request is
        // bounded by the smaller of the OTLP timeout and the processor's export timeout.
        let timeout: Duration = s.timeout.min($export_timeout);
        let signal: Signal = $signal;
        match s.protocol {
            Protocol::Grpc => {
                let mut b = <$exporter>::builder()
                    .with_tonic()
                    .with_endpoint(s.endpoint.clone())
                    .with_timeout(timeout)
                    .with_metadata(metadata(signal, s)?)
                    .with_retry_policy(retry_policy());
                if s.compression == Compression::Gzip {
                    b = b.with_compression(opentelemetry_otlp::Compression::Gzip);
                }
                $(let b = b.$extra($arg);)?
                b.build().map_err(|e| build_error(signal, s, e))
            }
            Protocol::HttpProtobuf => {
                let mut b = <$exporter>::builder()
                    .with_http()
                    .with_protocol(opentelemetry_otlp::Protocol::HttpBinary)
                    .with_endpoint(s.endpoint.clone())
                    .with_timeout(timeout)
                    .with_headers(http_headers(s))
                    .with_retry_policy(retry_policy());
                if s.compression == Compression::Gzip {
                    b = b.with_compression(opentelemetry_otlp::Compression::Gzip);
                }
                $(let b = b.$extra($arg);)?
                b.build().map_err(|e| build_error(signal, s, e))
            }
        }
    }};
}

pub(crate) fn span_exporter(
    s: &OtlpSettings,
    export_timeout: Duration,
) -> Result<opentelemetry_otlp::SpanExporter, InitError> {
    otlp_exporter!(
        opentelemetry_otlp::SpanExporter,
        Signal::Traces,
        s,
        export_timeout
    )
}

pub(crate) fn log_exporter(
    s: &OtlpSettings,
    export_timeout: Duration,
) -> Result<opentelemetry_otlp::LogExporter, InitError> {
    otlp_exporter!(
        opentelemetry_otlp::LogExporter,
        Signal::Logs,
        s,
        export_timeout
    )
}

pub(crate) fn metric_exporter(
    s: &OtlpSettings,
    export_timeout: Duration,
    temporality: opentelemetry_sdk::metrics::Temporality,
) -> Result<opentelemetry_otlp::MetricExporter, InitError> {
    otlp_exporter!(
        opentelemetry_otlp::MetricExporter,
        Signal::Metrics,
        s,
        export_timeout,
        with_temporality(temporality)
    )
}
