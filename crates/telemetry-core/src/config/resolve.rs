//! Resolution: each setting from code, else the per-signal variable, else the general
//! variable, else the default, read with the OpenTelemetry rules (see `parse`); strict
//! mode is applied by [`TelemetryConfigBuilder::build`](super::TelemetryConfigBuilder::build).

use super::builder::{idx, Lookup, TelemetryConfigBuilder};
use super::parse::{schemeless_endpoint, PemKind, Reader};
use super::problem::ProblemKind;
use super::types::{
    BatchSettings, ClientIdentity, Compression, Exporters, Headers, HistogramAggregation,
    OtlpSettings, PerSignal, PrometheusHistograms, Propagator, Protocol, Sampler, Signal,
    SpanLimits, TelemetryConfig, Temporality, TlsSettings,
};
use super::vars;
use super::StrictConfigError;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ExporterName {
    Otlp,
    Console,
    Prometheus,
    None,
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

impl TelemetryConfigBuilder {
    /// Reads the environment (or the lookup) and applies the overrides.
    ///
    /// # Errors
    /// In strict mode, every problem met is returned in one [`StrictConfigError`].
    pub fn build(self) -> Result<TelemetryConfig, StrictConfigError> {
        let lookup: Lookup = self
            .lookup
            .clone()
            .unwrap_or_else(|| Arc::new(|k: &str| std::env::var(k).ok()));
        // The process environment may hold values that are not UTF-8: they are ignored, as
        // if unset, and each is reported naming its variable (never its value).
        let not_utf8: Vec<&'static str> = if self.lookup.is_none() {
            vars::ALL
                .iter()
                .copied()
                .filter(|v| matches!(std::env::var(v), Err(std::env::VarError::NotUnicode(_))))
                .collect()
        } else {
            Vec::new()
        };
        let mut r = Reader::new(&*lookup);
        for variable in not_utf8 {
            r.problem(
                variable,
                ProblemKind::Unparsable,
                "text in UTF-8",
                None,
                "the default, as if the variable were unset",
            );
        }
        let config = self.resolve(&mut r);
        if config.strict && !config.problems.is_empty() {
            return Err(StrictConfigError {
                problems: config.problems,
            });
        }
        Ok(config)
    }

    pub(super) fn resolve(self, r: &mut Reader<'_>) -> TelemetryConfig {
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
                .map_or(DEFAULT_ATTRIBUTE_VALUE_LENGTH, |n| n as usize)
                .into(),
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
        let histogram_aggregation = r
            .choice(
                OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION,
                &[
                    (
                        "explicit_bucket_histogram",
                        HistogramAggregation::ExplicitBucket,
                    ),
                    (
                        "base2_exponential_bucket_histogram",
                        HistogramAggregation::Base2Exponential,
                    ),
                ],
            )
            .unwrap_or(HistogramAggregation::ExplicitBucket);
        let prometheus_histograms = self
            .prometheus_histograms
            .or_else(|| {
                r.choice(
                    DATAFACE_PROMETHEUS_HISTOGRAMS,
                    &[
                        ("classic", PrometheusHistograms::Classic),
                        ("native", PrometheusHistograms::Native),
                        ("both", PrometheusHistograms::Both),
                    ],
                )
            })
            .unwrap_or(PrometheusHistograms::Classic);

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
                Some(f) if f.parse::<tracing_subscriber::filter::Targets>().is_ok() => {
                    match f
                        .split(',')
                        .map(str::trim)
                        .find(|d| !names_level_or_crate(d))
                    {
                        None => f,
                        Some(_) => {
                            // A bare word (`abc`, `TRUE`, `0`) parses as a target at `trace`
                            // and turns everything else off: never silently dark.
                            r.problem(
                                DATAFACE_LOG,
                                ProblemKind::UnknownValue,
                                "directives that each name a level (`error`, `warn`, `info`, `debug`, `trace`, `off`) or a crate or module path with `=level` (a bare word names no level and no known crate)",
                                None,
                                "info",
                            );
                            "info".to_owned()
                        }
                    }
                }
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
            histogram_aggregation,
            prometheus_addr,
            prometheus_histograms,
            release,
            commit,
            environment,
            strict,
            log_filter,
            log_stderr,
            catalog: self.catalog,
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
        let g_certificate = r.pem_file(
            OTEL_EXPORTER_OTLP_CERTIFICATE,
            PemKind::Certificates,
            CA_FALLBACK,
        );
        let g_client_certificate = r
            .pem_file(
                OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE,
                PemKind::Certificates,
                CLIENT_FALLBACK,
            )
            .map(|pem| (pem, OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE));
        let g_client_key = r
            .pem_file(
                OTEL_EXPORTER_OTLP_CLIENT_KEY,
                PemKind::PrivateKey,
                CLIENT_FALLBACK,
            )
            .map(|pem| (pem, OTEL_EXPORTER_OTLP_CLIENT_KEY));

        let mut one = |signal: Signal, names: [&'static str; 9]| {
            let [endpoint_var, headers_var, timeout_var, compression_var, protocol_var, insecure_var, certificate_var, client_certificate_var, client_key_var] =
                names;
            let i = idx(signal);
            let insecure = r.bool(insecure_var).or(g_insecure).unwrap_or(false);
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
            // The endpoint and the variable it came from (none: code or default).
            let (endpoint, from_var) = if let Some(e) = &self.endpoint[i] {
                (e.clone(), None)
            } else if let Some(base) = &self.general_endpoint {
                (from_base(base), None)
            } else if let Some(e) = r.endpoint(endpoint_var) {
                (e, Some(endpoint_var))
            } else if let Some(base) = &g_endpoint {
                (from_base(base), Some(OTEL_EXPORTER_OTLP_ENDPOINT))
            } else {
                let default = match protocol {
                    Protocol::Grpc => "http://localhost:4317".to_owned(),
                    Protocol::HttpProtobuf => format!("http://localhost:4318{signal_path}"),
                };
                (default, None)
            };
            // The specification's INSECURE rule: a gRPC endpoint without a scheme is plain
            // text when insecure, TLS otherwise. HTTP endpoints need their scheme.
            let endpoint = if schemeless_endpoint(&endpoint) {
                match (protocol, from_var) {
                    (Protocol::Grpc, _) if insecure => format!("http://{endpoint}"),
                    (Protocol::Grpc, _) => format!("https://{endpoint}"),
                    (Protocol::HttpProtobuf, Some(var)) => {
                        r.problem(
                            var,
                            ProblemKind::Unparsable,
                            "an absolute URL starting with http:// or https:// (only gRPC takes host:port)",
                            None,
                            "the default endpoint",
                        );
                        format!("http://localhost:4318{signal_path}")
                    }
                    (Protocol::HttpProtobuf, None) => endpoint,
                }
            } else {
                endpoint
            };
            let certificate = r
                .pem_file(certificate_var, PemKind::Certificates, CA_FALLBACK)
                .or_else(|| g_certificate.clone());
            let client_certificate = r
                .pem_file(
                    client_certificate_var,
                    PemKind::Certificates,
                    CLIENT_FALLBACK,
                )
                .map(|pem| (pem, client_certificate_var))
                .or_else(|| g_client_certificate.clone());
            let client_key = r
                .pem_file(client_key_var, PemKind::PrivateKey, CLIENT_FALLBACK)
                .map(|pem| (pem, client_key_var))
                .or_else(|| g_client_key.clone());
            let client_identity = match (client_certificate, client_key) {
                (Some((certificate_chain, _)), Some((private_key, _))) => Some(ClientIdentity {
                    certificate_chain,
                    private_key,
                }),
                (Some((_, var)), None) => {
                    r.problem(
                        var,
                        ProblemKind::Inconsistent,
                        format!("a client certificate together with its key ({client_key_var} or {OTEL_EXPORTER_OTLP_CLIENT_KEY})"),
                        None,
                        CLIENT_FALLBACK,
                    );
                    None
                }
                (None, Some((_, var))) => {
                    r.problem(
                        var,
                        ProblemKind::Inconsistent,
                        format!("a client key together with its certificate ({client_certificate_var} or {OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE})"),
                        None,
                        CLIENT_FALLBACK,
                    );
                    None
                }
                (None, None) => None,
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
            if protocol == Protocol::Grpc && compression == Compression::None {
                // The gRPC exporter reads these variables from the process environment
                // itself and has no way to be told "none": say so rather than compress
                // silently against the configuration.
                if let Some(var) = sdk_grpc_gzip_variable(compression_var) {
                    r.problem(
                        var,
                        ProblemKind::Inconsistent,
                        "`none` or unset when the configuration asks for no compression: the gRPC exporter reads this variable from the process environment itself",
                        None,
                        "gzip over gRPC",
                    );
                }
            }
            OtlpSettings {
                protocol,
                endpoint,
                headers: Headers(headers),
                timeout,
                compression,
                insecure,
                tls: TlsSettings {
                    certificate,
                    client_identity,
                },
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
                    OTEL_EXPORTER_OTLP_TRACES_CERTIFICATE,
                    OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE,
                    OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY,
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
                    OTEL_EXPORTER_OTLP_METRICS_CERTIFICATE,
                    OTEL_EXPORTER_OTLP_METRICS_CLIENT_CERTIFICATE,
                    OTEL_EXPORTER_OTLP_METRICS_CLIENT_KEY,
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
                    OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE,
                    OTEL_EXPORTER_OTLP_LOGS_CLIENT_CERTIFICATE,
                    OTEL_EXPORTER_OTLP_LOGS_CLIENT_KEY,
                ],
            ),
        }
    }
}

/// The process-environment variable that makes opentelemetry-otlp's gRPC exporter
/// compress with gzip on its own, read the way it reads it (the signal's variable first;
/// `none` stops the search; a value it cannot use is skipped).
fn sdk_grpc_gzip_variable(signal_var: &'static str) -> Option<&'static str> {
    for var in [signal_var, vars::OTEL_EXPORTER_OTLP_COMPRESSION] {
        match std::env::var(var) {
            Ok(v) if v.eq_ignore_ascii_case("none") => return None,
            Ok(v) if v.eq_ignore_ascii_case("gzip") => return Some(var),
            _ => {}
        }
    }
    None
}

/// What a certificate problem falls back to.
/// The default longest attribute value kept, in characters, when neither
/// `OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT` nor `OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT` is set.
///
/// Collectors commonly refuse a request over 4 MiB (the gRPC default message size), and a
/// refused request loses its whole batch. A full default batch is 512 items: with one value
/// at this cap on every item, the values take 512 × 4,096 = 2 MiB (ASCII), which leaves the
/// other half for names, the other attributes and the framing. One 10 MB value therefore
/// costs its own tail, counted in `dataface.telemetry.limited{dataface.telemetry.limit="attribute_value_length"}`,
/// never the batch it travels in.
pub(crate) const DEFAULT_ATTRIBUTE_VALUE_LENGTH: usize = 4096;

const CA_FALLBACK: &str = "the system roots only";
const CLIENT_FALLBACK: &str = "no client certificate";

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

/// The crates a bare `DATAFACE_LOG` directive (one without `=level`) may name: this
/// workspace's and the export path's. Any other bare word is taken for a mistake.
const KNOWN_CRATES: &[&str] = &[
    "dataface_telemetry",
    "telemetry_core",
    "telemetry_testing",
    "compiler_probes",
    "context_probes",
    "profiler_probes",
    "cloud_probes",
    "integrations_probes",
    "launch_day",
    "opentelemetry",
    "opentelemetry_sdk",
    "opentelemetry_otlp",
    "tonic",
    "tower",
    "h2",
    "hyper",
    "hyper_util",
    "reqwest",
];

/// Whether one `DATAFACE_LOG` directive names a level, or a target with a level, or a
/// module path (`a::b`) or known crate on its own.
fn names_level_or_crate(directive: &str) -> bool {
    const LEVELS: &[&str] = &["error", "warn", "info", "debug", "trace", "off"];
    if directive.is_empty() || directive.contains('=') || directive.contains("::") {
        return true;
    }
    LEVELS.iter().any(|l| l.eq_ignore_ascii_case(directive)) || KNOWN_CRATES.contains(&directive)
}
