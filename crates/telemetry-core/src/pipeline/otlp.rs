//! Building the OTLP exporters of one signal from its resolved settings.
//!
//! gRPC exporters are built inside the pipeline's own Tokio runtime (the tonic channel
//! spawns its worker there), so `init` works from a plain `fn main` and from inside any
//! runtime. HTTP exporters use the blocking client and need no runtime. Both retry the
//! retryable failures (the OTLP specification's list) with bounded exponential backoff.
//!
//! TLS is rustls with the `ring` provider, for both transports: the collector is checked
//! against the system roots plus the configured certificate, and a configured client
//! certificate is presented for mutual TLS.
//!
//! The exporters get exactly the validated configuration: every value is given
//! explicitly, and what opentelemetry-otlp would still read from the process environment
//! on its own (`OTEL_EXPORTER_OTLP_*HEADERS` for both transports, `*COMPRESSION` for HTTP)
//! is overridden on each request: the gRPC interceptor replaces the request metadata with
//! the configured headers, and the HTTP client sends the configured headers and encoding
//! only. `*INSECURE` never applies: every endpoint given to the SDK carries its scheme.

use super::InitError;
use crate::config::{Compression, OtlpSettings, Protocol, Signal};
use crate::redact::redact_url;
use opentelemetry_http::{Bytes, HttpClient, HttpError, Request, Response};
use opentelemetry_otlp::tonic_types::metadata::MetadataMap;
use opentelemetry_otlp::tonic_types::transport::{Certificate, ClientTlsConfig, Identity};
use opentelemetry_otlp::{RetryPolicy, WithExportConfig, WithHttpConfig, WithTonicConfig};
use std::sync::Arc;
use std::time::Duration;

/// The retry policy: 3 retries, 100 ms doubling to at most 1.6 s, plus jitter, and only
/// for the retryable status codes (the exporter classifies them).
fn retry_policy() -> RetryPolicy {
    RetryPolicy::recommended()
        .with_max_retries(3)
        .with_initial_delay(Duration::from_millis(100))
        .with_max_delay(Duration::from_millis(1600))
}

/// The configured headers as an `http` map; an entry that is not a valid header name or
/// value fails the build (by its position: the content is never shown).
fn header_map(signal: Signal, s: &OtlpSettings) -> Result<http::HeaderMap, InitError> {
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
                        "OTLP header entry {} is not a valid header name or value (its content is not shown)",
                        i + 1
                    ),
                })
            }
        }
    }
    Ok(headers)
}

/// The gRPC interceptor: every request carries exactly the configured metadata, whatever
/// the SDK merged in from the process environment.
fn exact_metadata(
    metadata: MetadataMap,
) -> impl FnMut(tonic::Request<()>) -> Result<tonic::Request<()>, tonic::Status> + Clone {
    move |mut request: tonic::Request<()>| {
        *request.metadata_mut() = metadata.clone();
        Ok(request)
    }
}

/// The TLS settings of a gRPC channel to an `https://` endpoint.
fn grpc_tls(s: &OtlpSettings) -> ClientTlsConfig {
    let mut tls = ClientTlsConfig::new().with_native_roots();
    if let Some(ca) = &s.tls.certificate {
        tls = tls.ca_certificate(Certificate::from_pem(ca));
    }
    if let Some(id) = &s.tls.client_identity {
        tls = tls.identity(Identity::from_pem(&id.certificate_chain, &id.private_key));
    }
    tls
}

/// The rustls configuration of the HTTP client: system roots plus the configured
/// certificate, and the client certificate when one is configured.
fn rustls_config(signal: Signal, s: &OtlpSettings) -> Result<rustls::ClientConfig, InitError> {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    let fail = |reason: String| InitError::Exporter { signal, reason };
    let mut roots = rustls::RootCertStore::empty();
    // Unreadable system certificates are skipped: the configured ones may be all that is needed.
    roots.add_parsable_certificates(rustls_native_certs::load_native_certs().certs);
    if let Some(ca) = &s.tls.certificate {
        for cert in CertificateDer::pem_slice_iter(ca) {
            let added = cert
                .map_err(|e| e.to_string())
                .and_then(|c| roots.add(c).map_err(|e| e.to_string()));
            added.map_err(|e| fail(format!("the trusted certificate (OTEL_EXPORTER_OTLP_{}_CERTIFICATE or OTEL_EXPORTER_OTLP_CERTIFICATE) cannot be used: {e}", signal.as_str().to_ascii_uppercase())))?;
        }
    }
    let builder = rustls::ClientConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .map_err(|e| fail(format!("no TLS protocol version available: {e}")))?
    .with_root_certificates(roots);
    match &s.tls.client_identity {
        None => Ok(builder.with_no_client_auth()),
        Some(id) => {
            let identity_problem = |e: String| {
                let upper = signal.as_str().to_ascii_uppercase();
                fail(format!("the client certificate and key (OTEL_EXPORTER_OTLP_{upper}_CLIENT_CERTIFICATE / _CLIENT_KEY or the general ones) cannot be used together: {e}"))
            };
            let chain: Vec<CertificateDer<'static>> =
                CertificateDer::pem_slice_iter(&id.certificate_chain)
                    .collect::<Result<_, _>>()
                    .map_err(|e| identity_problem(e.to_string()))?;
            let key = PrivateKeyDer::from_pem_slice(&id.private_key)
                .map_err(|e| identity_problem(e.to_string()))?;
            builder
                .with_client_auth_cert(chain, key)
                .map_err(|e| identity_problem(e.to_string()))
        }
    }
}

/// The HTTP client: a blocking reqwest client over the rustls configuration above that
/// sends exactly the configured headers and encoding.
#[derive(Debug)]
struct ExactHttpClient {
    inner: reqwest::blocking::Client,
    headers: http::HeaderMap,
    gzip: bool,
}

#[async_trait::async_trait]
impl HttpClient for ExactHttpClient {
    async fn send_bytes(&self, mut request: Request<Bytes>) -> Result<Response<Bytes>, HttpError> {
        // The SDK compresses when the process environment asks it to, even against the
        // configuration: undo it (a protobuf body never starts with the gzip magic).
        let body = request.body();
        let gzipped = body.starts_with(&[0x1f, 0x8b]);
        if gzipped && !self.gzip {
            use std::io::Read;
            let mut plain = Vec::new();
            flate2::read::GzDecoder::new(&body[..]).read_to_end(&mut plain)?;
            *request.body_mut() = Bytes::from(plain);
        }
        let mut headers = self.headers.clone();
        if gzipped && self.gzip {
            headers.insert(
                http::header::CONTENT_ENCODING,
                http::HeaderValue::from_static("gzip"),
            );
        }
        *request.headers_mut() = headers;
        self.inner.send_bytes(request).await
    }
}

fn http_client(
    signal: Signal,
    s: &OtlpSettings,
    timeout: Duration,
) -> Result<ExactHttpClient, InitError> {
    let mut headers = header_map(signal, s)?;
    headers.insert(
        http::header::CONTENT_TYPE,
        http::HeaderValue::from_static("application/x-protobuf"),
    );
    headers.insert(
        http::header::USER_AGENT,
        http::HeaderValue::from_static(concat!(
            "dataface-telemetry/",
            env!("CARGO_PKG_VERSION"),
            " OTel-OTLP-Exporter-Rust"
        )),
    );
    let tls = rustls_config(signal, s)?;
    // The blocking client starts a runtime of its own: build it outside any runtime.
    let inner = std::thread::Builder::new()
        .name("dataface-telemetry-http-client".into())
        .spawn(move || {
            reqwest::blocking::Client::builder()
                .timeout(timeout)
                .tls_backend_preconfigured(tls)
                .build()
        })
        .map_err(|e| InitError::Exporter {
            signal,
            reason: format!("cannot start a thread to build the HTTP client: {e}"),
        })?
        .join()
        .map_err(|_| InitError::Exporter {
            signal,
            reason: "building the HTTP client panicked".to_owned(),
        })?
        .map_err(|e| InitError::Exporter {
            signal,
            reason: format!(
                "the HTTP client cannot be built: {}",
                scrub(&e.to_string(), s)
            ),
        })?;
    Ok(ExactHttpClient {
        inner,
        headers,
        gzip: s.compression == Compression::Gzip,
    })
}

/// `message` with every URL in it reduced to what is safe to print (no userinfo, query
/// or fragment): the SDK's errors repeat the endpoint as given.
pub(crate) fn scrub(message: &str, s: &OtlpSettings) -> String {
    let message = message.replace(&s.endpoint, &redact_url(&s.endpoint));
    message
        .split_inclusive(|c: char| c.is_whitespace() || c == '\'' || c == '"' || c == '`')
        .map(|token| {
            let end = token.len()
                - token
                    .chars()
                    .last()
                    .filter(|c| c.is_whitespace() || matches!(c, '\'' | '"' | '`'))
                    .map_or(0, char::len_utf8);
            let (word, sep) = token.split_at(end);
            if word.contains("://") && word.contains('@') {
                format!("{}{sep}", redact_url(word))
            } else {
                token.to_owned()
            }
        })
        .collect()
}

fn build_error(signal: Signal, s: &OtlpSettings, e: impl std::fmt::Display) -> InitError {
    InitError::Exporter {
        signal,
        reason: format!(
            "OTLP exporter to {} could not be built: {}",
            redact_url(&s.endpoint),
            scrub(&e.to_string(), s)
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
                let metadata = MetadataMap::from_headers(header_map(signal, s)?);
                let mut b = <$exporter>::builder()
                    .with_tonic()
                    .with_endpoint(s.endpoint.clone())
                    .with_timeout(timeout)
                    .with_metadata(metadata.clone())
                    .with_interceptor(exact_metadata(metadata))
                    .with_retry_policy(retry_policy());
                if s.endpoint.starts_with("https://") {
                    b = b.with_tls_config(grpc_tls(s));
                }
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
                    .with_http_client(http_client(signal, s, timeout)?)
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::TelemetryConfig;

    fn settings(endpoint: &str) -> OtlpSettings {
        let mut s = TelemetryConfig::builder()
            .lookup(|_| None)
            .build()
            .unwrap()
            .otlp
            .traces;
        s.endpoint = endpoint.to_owned();
        s
    }

    #[test]
    fn scrub_removes_userinfo_from_every_url_in_a_message() {
        let s = settings("https://user:pw-canary@collector:4317");
        let message = "invalid endpoint 'https://user:pw-canary@collector:4317': bad; also \"http://a:b-canary@other/x?token=q-canary\" and https://plain:1/ok";
        let scrubbed = scrub(message, &s);
        assert!(!scrubbed.contains("canary"), "{scrubbed}");
        assert!(scrubbed.contains("'https://collector:4317'"), "{scrubbed}");
        assert!(scrubbed.contains("\"http://other/x\""), "{scrubbed}");
        assert!(scrubbed.ends_with("https://plain:1/ok"), "{scrubbed}");
    }

    #[test]
    fn build_errors_never_repeat_url_credentials() {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let _entered = runtime.enter();
        for protocol in [Protocol::Grpc, Protocol::HttpProtobuf] {
            let mut s = settings("https://user:pw-canary@col{lector:4317");
            s.protocol = protocol;
            let err = span_exporter(&s, Duration::from_secs(1)).unwrap_err();
            let text = format!("{err} {err:?}");
            assert!(!text.contains("pw-canary"), "{protocol:?}: {text}");
            assert!(text.contains("col{lector:4317"), "{protocol:?}: {text}");
        }
    }
}
