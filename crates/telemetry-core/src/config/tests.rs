use super::*;
use std::collections::{HashMap, HashSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::Arc;
use std::sync::Mutex;
use std::time::Duration;
use vars::*;

// ---------------------------------------------------------------------------------------
// Helpers. The process environment is never read or written: every config is built over a
// lookup closure that owns a map of the given pairs.
// ---------------------------------------------------------------------------------------

fn env(pairs: &[(&str, &str)]) -> HashMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// A builder reading `pairs` only.
fn builder(pairs: &[(&str, &str)]) -> TelemetryConfigBuilder {
    let map = env(pairs);
    TelemetryConfig::builder().lookup(move |k| map.get(k).cloned())
}

/// A non-strict config over `pairs`: problems are warnings.
fn cfg(pairs: &[(&str, &str)]) -> TelemetryConfig {
    builder(pairs)
        .strict(false)
        .build()
        .expect("a non-strict build never fails")
}

/// A strict config over `pairs` (`DATAFACE_TELEMETRY_STRICT=true` added).
fn strict(pairs: &[(&str, &str)]) -> Result<TelemetryConfig, StrictConfigError> {
    let mut map = env(pairs);
    map.insert(DATAFACE_TELEMETRY_STRICT.to_owned(), "true".to_owned());
    TelemetryConfig::builder()
        .lookup(move |k| map.get(k).cloned())
        .build()
}

/// The one problem of `config`; fails when there are none or several.
fn single_problem(config: &TelemetryConfig) -> &ConfigProblem {
    match config.problems() {
        [p] => p,
        other => panic!("expected exactly one problem, got {other:#?}"),
    }
}

/// Every resolved setting, without the problems: two configs with the same settings give
/// the same string.
fn settings(config: &TelemetryConfig) -> String {
    let mut config = config.clone();
    config.problems.clear();
    format!("{config:?}")
}

fn kv(name: &str, value: &str) -> (String, String) {
    (name.to_owned(), value.to_owned())
}

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

// ---------------------------------------------------------------------------------------
// Defaults
// ---------------------------------------------------------------------------------------

#[test]
fn empty_environment_gives_the_documented_defaults() {
    let config = cfg(&[]);

    assert!(config.problems().is_empty(), "{:?}", config.problems());
    assert!(!config.disabled);
    assert!(!config.strict);
    assert_eq!(config.service_name, None);
    assert!(config.resource_attributes.is_empty());

    for signal in Signal::ALL {
        assert_eq!(*config.exporters.get(signal), Exporters::OTLP, "{signal}");
        let otlp = config.otlp.get(signal);
        assert_eq!(otlp.protocol, Protocol::Grpc, "{signal}");
        assert_eq!(otlp.endpoint, "http://localhost:4317", "{signal}");
        assert_eq!(otlp.headers, Headers::default(), "{signal}");
        assert_eq!(otlp.timeout, Duration::from_secs(10), "{signal}");
        assert_eq!(otlp.compression, Compression::None, "{signal}");
        assert!(!otlp.insecure, "{signal}");
    }

    assert_eq!(config.sampler, Sampler::ParentBasedAlwaysOn);
    assert_eq!(
        config.span_batch,
        BatchSettings {
            schedule_delay: ms(5000),
            export_timeout: ms(30_000),
            max_queue_size: 2048,
            max_export_batch_size: 512,
        }
    );
    assert_eq!(
        config.log_batch,
        BatchSettings {
            schedule_delay: ms(1000),
            export_timeout: ms(30_000),
            max_queue_size: 2048,
            max_export_batch_size: 512,
        }
    );
    assert_eq!(config.metric_export_interval, Duration::from_secs(60));
    assert_eq!(config.metric_export_timeout, Duration::from_secs(30));
    assert_eq!(
        config.span_limits,
        SpanLimits {
            attribute_value_length: Some(4096),
            attribute_count: 128,
            event_count: 128,
            link_count: 128,
            event_attribute_count: 128,
            link_attribute_count: 128,
        }
    );
    assert_eq!(config.temporality, Temporality::Cumulative);
    assert_eq!(
        config.prometheus_addr,
        "127.0.0.1:9464".parse::<SocketAddr>().unwrap()
    );
    assert_eq!(
        config.propagators,
        vec![Propagator::TraceContext, Propagator::Baggage]
    );
    assert_eq!(config.release, None);
    assert_eq!(config.commit, None);
    assert_eq!(config.environment, None);
    assert_eq!(config.log_filter, "info");
    assert!(config.log_stderr);
}

// ---------------------------------------------------------------------------------------
// Valid values, one test per kind
// ---------------------------------------------------------------------------------------

#[test]
fn valid_bool_is_read_case_insensitively() {
    let config = cfg(&[
        (OTEL_SDK_DISABLED, "TRUE"),
        (DATAFACE_LOG_STDERR, "False"),
        (OTEL_EXPORTER_OTLP_INSECURE, "true"),
        (OTEL_EXPORTER_OTLP_LOGS_INSECURE, "false"),
    ]);
    assert!(config.problems().is_empty(), "{:?}", config.problems());
    assert!(config.disabled);
    assert!(!config.log_stderr);
    assert!(config.otlp.traces.insecure);
    assert!(config.otlp.metrics.insecure);
    assert!(!config.otlp.logs.insecure);
}

#[test]
fn valid_millis_are_read() {
    let config = cfg(&[
        (OTEL_BSP_SCHEDULE_DELAY, "250"),
        (OTEL_BSP_EXPORT_TIMEOUT, "1"),
        (OTEL_BLRP_SCHEDULE_DELAY, "2147483647"),
        (OTEL_METRIC_EXPORT_INTERVAL, "15000"),
        (OTEL_METRIC_EXPORT_TIMEOUT, "7000"),
        (OTEL_EXPORTER_OTLP_TIMEOUT, " 3000 "),
    ]);
    assert!(config.problems().is_empty(), "{:?}", config.problems());
    assert_eq!(config.span_batch.schedule_delay, ms(250));
    assert_eq!(config.span_batch.export_timeout, ms(1));
    assert_eq!(config.log_batch.schedule_delay, ms(2_147_483_647));
    assert_eq!(config.metric_export_interval, ms(15_000));
    assert_eq!(config.metric_export_timeout, ms(7000));
    assert_eq!(config.otlp.traces.timeout, ms(3000));
}

#[test]
fn valid_integers_are_read() {
    let config = cfg(&[
        (OTEL_BSP_MAX_QUEUE_SIZE, "4096"),
        (OTEL_BSP_MAX_EXPORT_BATCH_SIZE, "1024"),
        (OTEL_BLRP_MAX_QUEUE_SIZE, "1"),
        (OTEL_BLRP_MAX_EXPORT_BATCH_SIZE, "1"),
        (OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT, "256"),
        (OTEL_ATTRIBUTE_COUNT_LIMIT, "64"),
        (OTEL_SPAN_EVENT_COUNT_LIMIT, "0"),
        (OTEL_SPAN_LINK_COUNT_LIMIT, "4294967295"),
        (OTEL_EVENT_ATTRIBUTE_COUNT_LIMIT, "16"),
        (OTEL_LINK_ATTRIBUTE_COUNT_LIMIT, "8"),
        (OTEL_EXPORTER_PROMETHEUS_PORT, "0"),
    ]);
    assert!(config.problems().is_empty(), "{:?}", config.problems());
    assert_eq!(config.span_batch.max_queue_size, 4096);
    assert_eq!(config.span_batch.max_export_batch_size, 1024);
    assert_eq!(config.log_batch.max_queue_size, 1);
    assert_eq!(config.log_batch.max_export_batch_size, 1);
    assert_eq!(
        config.span_limits,
        SpanLimits {
            attribute_value_length: Some(256),
            attribute_count: 64,
            event_count: 0,
            link_count: u32::MAX,
            event_attribute_count: 16,
            link_attribute_count: 8,
        }
    );
    assert_eq!(config.prometheus_addr.port(), 0);
}

#[test]
fn span_specific_limits_beat_general_attribute_limits() {
    let config = cfg(&[
        (OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT, "256"),
        (OTEL_SPAN_ATTRIBUTE_VALUE_LENGTH_LIMIT, "1024"),
        (OTEL_ATTRIBUTE_COUNT_LIMIT, "64"),
        (OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT, "32"),
    ]);
    assert!(config.problems().is_empty(), "{:?}", config.problems());
    assert_eq!(config.span_limits.attribute_value_length, Some(1024));
    assert_eq!(config.span_limits.attribute_count, 32);
}

#[test]
fn valid_ratio_is_read() {
    let config = cfg(&[
        (OTEL_TRACES_SAMPLER, "traceidratio"),
        (OTEL_TRACES_SAMPLER_ARG, "0.25"),
    ]);
    assert!(config.problems().is_empty(), "{:?}", config.problems());
    assert_eq!(config.sampler, Sampler::TraceIdRatio(0.25));

    for (arg, ratio) in [("0", 0.0), ("1", 1.0), ("0.5", 0.5)] {
        let config = cfg(&[
            (OTEL_TRACES_SAMPLER, "parentbased_traceidratio"),
            (OTEL_TRACES_SAMPLER_ARG, arg),
        ]);
        assert!(
            config.problems().is_empty(),
            "{arg}: {:?}",
            config.problems()
        );
        assert_eq!(
            config.sampler,
            Sampler::ParentBasedTraceIdRatio(ratio),
            "{arg}"
        );
    }
}

#[test]
fn ratio_sampler_without_argument_samples_everything() {
    let config = cfg(&[(OTEL_TRACES_SAMPLER, "traceidratio")]);
    assert!(config.problems().is_empty(), "{:?}", config.problems());
    assert_eq!(config.sampler, Sampler::TraceIdRatio(1.0));
}

#[test]
fn valid_choice_is_read_case_insensitively() {
    for (value, sampler) in [
        ("always_on", Sampler::AlwaysOn),
        ("ALWAYS_OFF", Sampler::AlwaysOff),
        ("parentbased_always_on", Sampler::ParentBasedAlwaysOn),
        ("ParentBased_Always_Off", Sampler::ParentBasedAlwaysOff),
    ] {
        let config = cfg(&[(OTEL_TRACES_SAMPLER, value)]);
        assert!(
            config.problems().is_empty(),
            "{value}: {:?}",
            config.problems()
        );
        assert_eq!(config.sampler, sampler, "{value}");
    }

    let config = cfg(&[
        (OTEL_EXPORTER_OTLP_PROTOCOL, "HTTP/Protobuf"),
        (OTEL_EXPORTER_OTLP_COMPRESSION, "gzip"),
        (OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE, "Delta"),
    ]);
    assert!(config.problems().is_empty(), "{:?}", config.problems());
    assert_eq!(config.otlp.metrics.protocol, Protocol::HttpProtobuf);
    assert_eq!(config.otlp.metrics.compression, Compression::Gzip);
    assert_eq!(config.temporality, Temporality::Delta);

    let config = cfg(&[(
        OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE,
        "lowmemory",
    )]);
    assert_eq!(config.temporality, Temporality::LowMemory);
}

#[test]
fn the_histogram_aggregation_is_explicit_unless_exponential_is_asked_for() {
    assert_eq!(
        cfg(&[]).histogram_aggregation,
        HistogramAggregation::ExplicitBucket
    );
    let config = cfg(&[(
        OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION,
        "base2_exponential_bucket_histogram",
    )]);
    assert!(config.problems().is_empty(), "{:?}", config.problems());
    assert_eq!(
        config.histogram_aggregation,
        HistogramAggregation::Base2Exponential
    );
    // A value outside the specification's two keeps the default and names the variable.
    let config = cfg(&[(
        OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION,
        "native",
    )]);
    assert_eq!(
        config.histogram_aggregation,
        HistogramAggregation::ExplicitBucket
    );
    let problem = single_problem(&config);
    assert_eq!(
        problem.variable,
        OTEL_EXPORTER_OTLP_METRICS_DEFAULT_HISTOGRAM_AGGREGATION
    );
    assert_eq!(problem.kind, ProblemKind::UnknownValue);
}

#[test]
fn valid_choice_list_selects_every_listed_entry() {
    let config = cfg(&[
        (OTEL_METRICS_EXPORTER, "otlp,prometheus"),
        (OTEL_TRACES_EXPORTER, " console , OTLP "),
        (OTEL_LOGS_EXPORTER, "console"),
        (OTEL_PROPAGATORS, "baggage"),
    ]);
    assert!(config.problems().is_empty(), "{:?}", config.problems());
    assert_eq!(
        config.exporters.metrics,
        Exporters {
            otlp: true,
            console: false,
            prometheus: true,
        }
    );
    assert_eq!(
        config.exporters.traces,
        Exporters {
            otlp: true,
            console: true,
            prometheus: false,
        }
    );
    assert_eq!(
        config.exporters.logs,
        Exporters {
            otlp: false,
            console: true,
            prometheus: false,
        }
    );
    assert_eq!(config.propagators, vec![Propagator::Baggage]);

    let config = cfg(&[(OTEL_PROPAGATORS, "none")]);
    assert!(config.problems().is_empty(), "{:?}", config.problems());
    assert!(config.propagators.is_empty());
}

#[test]
fn valid_key_value_list_is_percent_decoded() {
    let config = cfg(&[(
        OTEL_RESOURCE_ATTRIBUTES,
        "a=b%20c, team = data%2Cface ,empty=,unicode=caf%C3%A9",
    )]);
    assert!(config.problems().is_empty(), "{:?}", config.problems());
    assert_eq!(
        config.resource_attributes,
        vec![
            kv("a", "b c"),
            kv("team", "data,face"),
            kv("empty", ""),
            kv("unicode", "café"),
        ]
    );
}

#[test]
fn code_resource_attributes_are_added_after_the_environment_ones() {
    let config = builder(&[(OTEL_RESOURCE_ATTRIBUTES, "a=1")])
        .resource_attribute("b", "2")
        .build()
        .unwrap();
    assert_eq!(config.resource_attributes, vec![kv("a", "1"), kv("b", "2")]);
}

#[test]
fn valid_endpoint_is_used() {
    for endpoint in [
        "https://collector.example:4317",
        "http://[::1]:4317",
        "http://10.0.0.1",
        "https://user@collector.example/otlp",
        "http://otel_collector.monitoring.svc.cluster.local.:4318",
        "http://[::1]",
    ] {
        let config = cfg(&[(OTEL_EXPORTER_OTLP_ENDPOINT, endpoint)]);
        assert!(
            config.problems().is_empty(),
            "{endpoint}: {:?}",
            config.problems()
        );
        for signal in Signal::ALL {
            assert_eq!(config.otlp.get(signal).endpoint, endpoint, "{signal}");
        }
    }
}

#[test]
fn valid_host_accepts_ip_addresses_and_localhost() {
    for (host, ip) in [
        ("::1", IpAddr::V6(Ipv6Addr::LOCALHOST)),
        ("[::1]", IpAddr::V6(Ipv6Addr::LOCALHOST)),
        ("localhost", IpAddr::V4(Ipv4Addr::LOCALHOST)),
        ("LocalHost", IpAddr::V4(Ipv4Addr::LOCALHOST)),
        ("0.0.0.0", IpAddr::V4(Ipv4Addr::UNSPECIFIED)),
    ] {
        let config = cfg(&[
            (OTEL_EXPORTER_PROMETHEUS_HOST, host),
            (OTEL_EXPORTER_PROMETHEUS_PORT, "9100"),
        ]);
        assert!(
            config.problems().is_empty(),
            "{host}: {:?}",
            config.problems()
        );
        assert_eq!(config.prometheus_addr, SocketAddr::new(ip, 9100), "{host}");
    }
}

#[test]
fn valid_strings_are_read_trimmed() {
    let config = cfg(&[
        (OTEL_SERVICE_NAME, " checkout "),
        (DATAFACE_COMMIT, "0123abc"),
        (DATAFACE_ENVIRONMENT, "staging"),
        (DATAFACE_LOG, "warn,my_crate=debug"),
    ]);
    assert!(config.problems().is_empty(), "{:?}", config.problems());
    assert_eq!(config.service_name.as_deref(), Some("checkout"));
    assert_eq!(config.commit.as_deref(), Some("0123abc"));
    assert_eq!(config.environment.as_deref(), Some("staging"));
    assert_eq!(config.log_filter, "warn,my_crate=debug");
}

// ---------------------------------------------------------------------------------------
// Empty means unset
// ---------------------------------------------------------------------------------------

#[test]
fn empty_or_whitespace_only_value_is_unset_without_problem() {
    let defaults = cfg(&[]);
    for blank in ["", "   ", " \t "] {
        let pairs: Vec<(&str, &str)> = ALL.iter().map(|var| (*var, blank)).collect();
        let config = cfg(&pairs);
        assert!(
            config.problems().is_empty(),
            "{blank:?}: {:?}",
            config.problems()
        );
        assert_eq!(format!("{config:?}"), format!("{defaults:?}"), "{blank:?}");
    }
}

// ---------------------------------------------------------------------------------------
// Unparsable, out of range, unknown
// ---------------------------------------------------------------------------------------

#[test]
fn unparsable_value_falls_back_to_the_default_with_one_unparsable_problem() {
    let config = cfg(&[(OTEL_BSP_SCHEDULE_DELAY, "soon")]);
    assert_eq!(config.span_batch.schedule_delay, ms(5000));
    let problem = single_problem(&config);
    assert_eq!(problem.variable, OTEL_BSP_SCHEDULE_DELAY);
    assert_eq!(problem.kind, ProblemKind::Unparsable);
    assert_eq!(problem.entry, None);
    assert!(problem.to_string().contains(OTEL_BSP_SCHEDULE_DELAY));
    assert_eq!(settings(&config), settings(&cfg(&[])));
}

#[test]
fn unparsable_value_of_every_kind_is_reported_and_ignored() {
    // The sampler is a ratio sampler so that the sampler argument is read.
    let base = [(OTEL_TRACES_SAMPLER, "traceidratio")];
    let baseline = cfg(&base);
    for (var, value) in [
        (OTEL_SDK_DISABLED, "yes"),
        (OTEL_EXPORTER_OTLP_TRACES_INSECURE, "1"),
        (OTEL_BSP_MAX_QUEUE_SIZE, "lots"),
        (OTEL_EXPORTER_PROMETHEUS_PORT, "9464.5"),
        (OTEL_EXPORTER_OTLP_TIMEOUT, "10s"),
        (OTEL_METRIC_EXPORT_INTERVAL, "1e3"),
        (OTEL_TRACES_SAMPLER_ARG, "half"),
        // Without a scheme, `host:port` is valid (gRPC); without a host it is not.
        (OTEL_EXPORTER_OTLP_ENDPOINT, "//:4317"),
        (OTEL_EXPORTER_OTLP_LOGS_ENDPOINT, "ftp://collector"),
        (OTEL_EXPORTER_OTLP_METRICS_ENDPOINT, "http://:4317"),
        // A host that is no host name (the exporter build would refuse it, repeat it in
        // its error and stop init), a port that is no port.
        (OTEL_EXPORTER_OTLP_ENDPOINT, "-1"),
        (OTEL_EXPORTER_OTLP_ENDPOINT, "99999999999999999999999"),
        (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, "canary%%,=;garbage"),
        (
            OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
            "http://canary%%garbage:4318",
        ),
        (OTEL_EXPORTER_OTLP_LOGS_ENDPOINT, "http://collector:99999"),
        (OTEL_EXPORTER_OTLP_LOGS_ENDPOINT, "http://collector:0"),
        (
            OTEL_EXPORTER_OTLP_METRICS_ENDPOINT,
            "http://-collector-:4317",
        ),
        (OTEL_EXPORTER_OTLP_METRICS_ENDPOINT, "http://[::1:4317"),
        (OTEL_EXPORTER_PROMETHEUS_HOST, "not-an-ip"),
        (DATAFACE_LOG_STDERR, "on"),
    ] {
        let config = cfg(&[base[0], (var, value)]);
        let problem = single_problem(&config);
        assert_eq!(problem.variable, var, "{var}={value}");
        assert_eq!(problem.kind, ProblemKind::Unparsable, "{var}={value}");
        assert_eq!(settings(&config), settings(&baseline), "{var}={value}");
    }
}

#[test]
fn out_of_range_value_falls_back_to_the_default_with_an_out_of_range_problem() {
    let check = |pairs: &[(&str, &str)], var: &str| {
        let config = cfg(pairs);
        let problem = single_problem(&config);
        assert_eq!(problem.variable, var, "{pairs:?}");
        assert_eq!(problem.kind, ProblemKind::OutOfRange, "{pairs:?}");
        assert!(problem.to_string().contains(var), "{problem}");
        config
    };

    let config = check(&[(OTEL_BSP_MAX_QUEUE_SIZE, "0")], OTEL_BSP_MAX_QUEUE_SIZE);
    assert_eq!(config.span_batch.max_queue_size, 2048);

    let config = check(
        &[
            (OTEL_TRACES_SAMPLER, "traceidratio"),
            (OTEL_TRACES_SAMPLER_ARG, "1.5"),
        ],
        OTEL_TRACES_SAMPLER_ARG,
    );
    assert_eq!(config.sampler, Sampler::TraceIdRatio(1.0));

    let config = check(&[(OTEL_BSP_SCHEDULE_DELAY, "-5")], OTEL_BSP_SCHEDULE_DELAY);
    assert_eq!(config.span_batch.schedule_delay, ms(5000));

    let config = check(
        &[(OTEL_EXPORTER_PROMETHEUS_PORT, "70000")],
        OTEL_EXPORTER_PROMETHEUS_PORT,
    );
    assert_eq!(config.prometheus_addr.port(), 9464);
}

#[test]
fn out_of_range_value_of_every_kind_is_reported_and_ignored() {
    let base = [(OTEL_TRACES_SAMPLER, "parentbased_traceidratio")];
    let baseline = cfg(&base);
    for (var, value) in [
        (OTEL_TRACES_SAMPLER_ARG, "-0.1"),
        (OTEL_TRACES_SAMPLER_ARG, "1.0000001"),
        (OTEL_EXPORTER_OTLP_TIMEOUT, "0"),
        (OTEL_METRIC_EXPORT_INTERVAL, "2147483648"),
        (OTEL_BLRP_EXPORT_TIMEOUT, "-1"),
        (OTEL_BLRP_MAX_EXPORT_BATCH_SIZE, "1000001"),
        (OTEL_SPAN_ATTRIBUTE_COUNT_LIMIT, "4294967296"),
        (OTEL_ATTRIBUTE_VALUE_LENGTH_LIMIT, "-1"),
        (OTEL_EXPORTER_PROMETHEUS_PORT, "-1"),
    ] {
        let config = cfg(&[base[0], (var, value)]);
        let problem = single_problem(&config);
        assert_eq!(problem.variable, var, "{var}={value}");
        assert_eq!(problem.kind, ProblemKind::OutOfRange, "{var}={value}");
        assert_eq!(settings(&config), settings(&baseline), "{var}={value}");
    }
}

#[test]
fn unknown_list_entry_is_ignored_and_reported_by_position() {
    let config = cfg(&[(OTEL_TRACES_EXPORTER, "otlp,zipkin")]);
    assert_eq!(config.exporters.traces, Exporters::OTLP);
    let problem = single_problem(&config);
    assert_eq!(problem.variable, OTEL_TRACES_EXPORTER);
    assert_eq!(problem.kind, ProblemKind::UnknownValue);
    assert_eq!(problem.entry, Some(2));
    let message = problem.to_string();
    assert!(message.contains(OTEL_TRACES_EXPORTER), "{message}");
    assert!(message.contains("entry 2"), "{message}");
}

#[test]
fn prometheus_is_not_a_span_or_log_exporter() {
    let config = cfg(&[
        (OTEL_TRACES_EXPORTER, "console,prometheus"),
        (OTEL_LOGS_EXPORTER, "prometheus"),
    ]);
    assert!(!config.exporters.traces.prometheus);
    assert!(config.exporters.traces.console);
    // A list with no known entry leaves the default.
    assert_eq!(config.exporters.logs, Exporters::OTLP);
    let reported: Vec<_> = config
        .problems()
        .iter()
        .map(|p| (p.variable, p.kind, p.entry))
        .collect();
    assert_eq!(
        reported,
        vec![
            (OTEL_TRACES_EXPORTER, ProblemKind::UnknownValue, Some(2)),
            (OTEL_LOGS_EXPORTER, ProblemKind::UnknownValue, Some(1)),
        ]
    );
}

#[test]
fn unknown_sampler_falls_back_to_the_default_sampler() {
    let config = cfg(&[(OTEL_TRACES_SAMPLER, "jaeger_remote")]);
    assert_eq!(config.sampler, Sampler::ParentBasedAlwaysOn);
    let problem = single_problem(&config);
    assert_eq!(problem.variable, OTEL_TRACES_SAMPLER);
    assert_eq!(problem.kind, ProblemKind::UnknownValue);
    assert_eq!(problem.entry, None);
}

#[test]
fn unknown_protocol_falls_back_to_grpc() {
    let config = cfg(&[(OTEL_EXPORTER_OTLP_PROTOCOL, "http/json")]);
    for signal in Signal::ALL {
        let otlp = config.otlp.get(signal);
        assert_eq!(otlp.protocol, Protocol::Grpc, "{signal}");
        assert_eq!(otlp.endpoint, "http://localhost:4317", "{signal}");
    }
    let problem = single_problem(&config);
    assert_eq!(problem.variable, OTEL_EXPORTER_OTLP_PROTOCOL);
    assert_eq!(problem.kind, ProblemKind::UnknownValue);
}

#[test]
fn unknown_compression_and_temporality_fall_back_to_defaults() {
    let config = cfg(&[
        (OTEL_EXPORTER_OTLP_TRACES_COMPRESSION, "zstd"),
        (
            OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE,
            "sometimes",
        ),
    ]);
    assert_eq!(config.otlp.traces.compression, Compression::None);
    assert_eq!(config.temporality, Temporality::Cumulative);
    let reported: Vec<_> = config
        .problems()
        .iter()
        .map(|p| (p.variable, p.kind))
        .collect();
    assert_eq!(
        reported,
        vec![
            (
                OTEL_EXPORTER_OTLP_TRACES_COMPRESSION,
                ProblemKind::UnknownValue
            ),
            (
                OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE,
                ProblemKind::UnknownValue
            ),
        ]
    );
}

// ---------------------------------------------------------------------------------------
// `none` exporter, disabled SDK
// ---------------------------------------------------------------------------------------

#[test]
fn none_exporter_selects_no_exporter() {
    let config = cfg(&[
        (OTEL_TRACES_EXPORTER, "none"),
        (OTEL_METRICS_EXPORTER, "NONE"),
        (OTEL_LOGS_EXPORTER, "none"),
    ]);
    assert!(config.problems().is_empty(), "{:?}", config.problems());
    for signal in Signal::ALL {
        assert_eq!(*config.exporters.get(signal), Exporters::NONE, "{signal}");
        assert!(!config.exporters.get(signal).any(), "{signal}");
    }
}

#[test]
fn sdk_disabled_true_sets_disabled() {
    assert!(cfg(&[(OTEL_SDK_DISABLED, "true")]).disabled);
    assert!(!cfg(&[(OTEL_SDK_DISABLED, "false")]).disabled);
    // Code wins over the environment, both ways.
    let config = builder(&[(OTEL_SDK_DISABLED, "true")])
        .disabled(false)
        .build()
        .unwrap();
    assert!(!config.disabled);
    let config = builder(&[]).disabled(true).build().unwrap();
    assert!(config.disabled);
}

// ---------------------------------------------------------------------------------------
// Warn once
// ---------------------------------------------------------------------------------------

#[test]
fn bad_general_value_used_for_three_signals_is_reported_once() {
    let config = cfg(&[(OTEL_EXPORTER_OTLP_HEADERS, "x-team=data,broken")]);
    for signal in Signal::ALL {
        assert_eq!(
            config.otlp.get(signal).headers,
            Headers(vec![kv("x-team", "data")]),
            "{signal}"
        );
    }
    let problem = single_problem(&config);
    assert_eq!(problem.variable, OTEL_EXPORTER_OTLP_HEADERS);
    assert_eq!(problem.kind, ProblemKind::Unparsable);
    assert_eq!(problem.entry, Some(2));
}

#[test]
fn reading_the_same_bad_variable_twice_warns_once() {
    let lookup = |_: &str| Some("soon".to_owned());
    let mut reader = parse::Reader::new(&lookup);
    assert_eq!(reader.millis(OTEL_BSP_SCHEDULE_DELAY), None);
    assert_eq!(reader.millis(OTEL_BSP_SCHEDULE_DELAY), None);
    assert_eq!(reader.integer(OTEL_BSP_SCHEDULE_DELAY, 1, 10), None);
    assert_eq!(reader.problems.len(), 1, "{:?}", reader.problems);
    // Another variable is still reported.
    assert_eq!(reader.millis(OTEL_BLRP_SCHEDULE_DELAY), None);
    assert_eq!(reader.problems.len(), 2, "{:?}", reader.problems);
}

#[test]
fn different_bad_entries_of_one_list_are_each_reported() {
    let config = cfg(&[(OTEL_TRACES_EXPORTER, "zipkin,otlp,jaeger")]);
    assert_eq!(config.exporters.traces, Exporters::OTLP);
    let entries: Vec<_> = config.problems().iter().map(|p| p.entry).collect();
    assert_eq!(entries, vec![Some(1), Some(3)]);
}

// ---------------------------------------------------------------------------------------
// Consistency between settings
// ---------------------------------------------------------------------------------------

#[test]
fn batch_size_larger_than_queue_is_clamped_and_reported_inconsistent() {
    let config = cfg(&[
        (OTEL_BSP_MAX_QUEUE_SIZE, "100"),
        (OTEL_BSP_MAX_EXPORT_BATCH_SIZE, "200"),
    ]);
    assert_eq!(config.span_batch.max_queue_size, 100);
    assert_eq!(config.span_batch.max_export_batch_size, 100);
    let problem = single_problem(&config);
    assert_eq!(problem.variable, OTEL_BSP_MAX_EXPORT_BATCH_SIZE);
    assert_eq!(problem.kind, ProblemKind::Inconsistent);

    // Against the default queue size, and with the default batch size against a small queue.
    let config = cfg(&[(OTEL_BLRP_MAX_EXPORT_BATCH_SIZE, "4096")]);
    assert_eq!(config.log_batch.max_export_batch_size, 2048);
    assert_eq!(single_problem(&config).kind, ProblemKind::Inconsistent);
    let config = cfg(&[(OTEL_BLRP_MAX_QUEUE_SIZE, "10")]);
    assert_eq!(config.log_batch.max_export_batch_size, 10);
    assert_eq!(
        single_problem(&config).variable,
        OTEL_BLRP_MAX_EXPORT_BATCH_SIZE
    );
}

#[test]
fn batch_size_equal_to_queue_is_fine() {
    let config = cfg(&[
        (OTEL_BSP_MAX_QUEUE_SIZE, "256"),
        (OTEL_BSP_MAX_EXPORT_BATCH_SIZE, "256"),
    ]);
    assert!(config.problems().is_empty(), "{:?}", config.problems());
    assert_eq!(config.span_batch.max_export_batch_size, 256);
}

#[test]
fn malformed_resource_attributes_discard_the_whole_list() {
    for value in [
        "a=b,broken,c=d",
        "a=b,=nokey",
        "a=%zz",
        "a=%4",
        "service.version=1.2,x",
    ] {
        let config = cfg(&[(OTEL_RESOURCE_ATTRIBUTES, value)]);
        assert!(config.resource_attributes.is_empty(), "{value}");
        assert_eq!(config.release, None, "{value}");
        let problem = single_problem(&config);
        assert_eq!(problem.variable, OTEL_RESOURCE_ATTRIBUTES, "{value}");
        assert_eq!(problem.kind, ProblemKind::Unparsable, "{value}");
        assert!(problem.entry.is_some(), "{value}");
    }
    let config = cfg(&[(OTEL_RESOURCE_ATTRIBUTES, "a=b,broken,c=d")]);
    assert_eq!(single_problem(&config).entry, Some(2));

    // Attributes set in code are kept.
    let config = builder(&[(OTEL_RESOURCE_ATTRIBUTES, "a=b,broken")])
        .resource_attribute("k", "v")
        .build()
        .unwrap();
    assert_eq!(config.resource_attributes, vec![kv("k", "v")]);
}

#[test]
fn percent_escape_with_a_sign_is_malformed() {
    assert_eq!(parse::percent_decode("%+4"), None);
    assert_eq!(parse::percent_decode("%+41"), None);
    let config = cfg(&[(OTEL_RESOURCE_ATTRIBUTES, "a=%+41")]);
    assert!(
        config.resource_attributes.is_empty(),
        "{:?}",
        config.resource_attributes
    );
    assert_eq!(single_problem(&config).kind, ProblemKind::Unparsable);
}

// ---------------------------------------------------------------------------------------
// Strict mode
// ---------------------------------------------------------------------------------------

fn strict_problem(pairs: &[(&str, &str)]) -> (StrictConfigError, ConfigProblem) {
    let error = strict(pairs).expect_err("strict mode must reject the configuration");
    let problem = match error.problems.as_slice() {
        [p] => p.clone(),
        other => panic!("expected exactly one problem, got {other:#?}"),
    };
    (error, problem)
}

#[test]
fn strict_mode_rejects_an_unparsable_value() {
    let (_, problem) = strict_problem(&[(OTEL_BSP_SCHEDULE_DELAY, "soon")]);
    assert_eq!(problem.variable, OTEL_BSP_SCHEDULE_DELAY);
    assert_eq!(problem.kind, ProblemKind::Unparsable);
}

#[test]
fn strict_mode_rejects_an_out_of_range_value() {
    let (_, problem) = strict_problem(&[(OTEL_BSP_MAX_QUEUE_SIZE, "0")]);
    assert_eq!(problem.variable, OTEL_BSP_MAX_QUEUE_SIZE);
    assert_eq!(problem.kind, ProblemKind::OutOfRange);
}

#[test]
fn strict_mode_rejects_an_unknown_value() {
    let (_, problem) = strict_problem(&[(OTEL_TRACES_SAMPLER, "jaeger_remote")]);
    assert_eq!(problem.variable, OTEL_TRACES_SAMPLER);
    assert_eq!(problem.kind, ProblemKind::UnknownValue);

    let (_, problem) = strict_problem(&[(OTEL_TRACES_EXPORTER, "otlp,zipkin")]);
    assert_eq!(problem.variable, OTEL_TRACES_EXPORTER);
    assert_eq!(problem.kind, ProblemKind::UnknownValue);
    assert_eq!(problem.entry, Some(2));
}

#[test]
fn strict_mode_rejects_an_inconsistent_value() {
    let (_, problem) = strict_problem(&[
        (OTEL_BSP_MAX_QUEUE_SIZE, "100"),
        (OTEL_BSP_MAX_EXPORT_BATCH_SIZE, "200"),
    ]);
    assert_eq!(problem.variable, OTEL_BSP_MAX_EXPORT_BATCH_SIZE);
    assert_eq!(problem.kind, ProblemKind::Inconsistent);
}

#[test]
fn strict_mode_with_a_clean_environment_builds() {
    let config = strict(&[
        (OTEL_TRACES_EXPORTER, "otlp,console"),
        (OTEL_BSP_SCHEDULE_DELAY, "100"),
        (OTEL_EXPORTER_OTLP_ENDPOINT, "http://collector:4317"),
    ])
    .expect("a clean environment builds in strict mode");
    assert!(config.strict);
    assert!(config.problems().is_empty());
    assert_eq!(strict(&[]).map(|c| c.problems().len()), Ok(0));
}

#[test]
fn strict_mode_lists_every_problem_in_reading_order() {
    let error = strict(&[
        (OTEL_SDK_DISABLED, "maybe"),
        (OTEL_TRACES_SAMPLER, "jaeger_remote"),
        (OTEL_BSP_MAX_QUEUE_SIZE, "0"),
    ])
    .unwrap_err();
    let reported: Vec<_> = error
        .problems
        .iter()
        .map(|p| (p.variable, p.kind))
        .collect();
    assert_eq!(
        reported,
        vec![
            (OTEL_SDK_DISABLED, ProblemKind::Unparsable),
            (OTEL_TRACES_SAMPLER, ProblemKind::UnknownValue),
            (OTEL_BSP_MAX_QUEUE_SIZE, ProblemKind::OutOfRange),
        ]
    );
    assert!(error.to_string().starts_with("3 "), "{error}");
}

#[test]
fn strict_mode_can_be_set_in_code() {
    let error = builder(&[(OTEL_BSP_SCHEDULE_DELAY, "soon")])
        .strict(true)
        .build()
        .unwrap_err();
    assert_eq!(error.problems.len(), 1);
    // And turned off in code over the environment.
    let config = builder(&[
        (DATAFACE_TELEMETRY_STRICT, "true"),
        (OTEL_BSP_SCHEDULE_DELAY, "soon"),
    ])
    .strict(false)
    .build()
    .unwrap();
    assert_eq!(config.problems().len(), 1);
}

#[test]
fn strict_error_display_names_the_variable_and_the_expected_form() {
    let (error, problem) = strict_problem(&[(OTEL_BSP_SCHEDULE_DELAY, "soon")]);
    let message = error.to_string();
    assert!(message.contains(OTEL_BSP_SCHEDULE_DELAY), "{message}");
    assert!(message.contains(&problem.expected), "{message}");
    assert!(message.contains("milliseconds"), "{message}");
    assert!(message.contains(DATAFACE_TELEMETRY_STRICT), "{message}");
    assert!(!message.contains("soon"), "{message}");

    let message = problem.to_string();
    assert!(message.contains(OTEL_BSP_SCHEDULE_DELAY), "{message}");
    assert!(message.contains("expected"), "{message}");
    assert!(message.contains(&problem.expected), "{message}");
}

// ---------------------------------------------------------------------------------------
// Secrets
// ---------------------------------------------------------------------------------------

const CANARIES: &[&str] = &["canary", "sk-canary-123", "canary-pass", "Bearer"];

fn assert_no_canary(what: &str, text: &str) {
    for canary in CANARIES {
        assert!(!text.contains(canary), "{what} leaks {canary:?}:\n{text}");
    }
}

#[test]
fn secrets_never_appear_in_messages_or_debug_output() {
    let pairs = [
        (
            OTEL_EXPORTER_OTLP_HEADERS,
            "authorization=Bearer%20sk-canary-123,bad-entry-canary",
        ),
        (
            OTEL_EXPORTER_OTLP_LOGS_HEADERS,
            "x-api-key=canary-logs-key,canary-logs-broken,=canary-no-key,k=%zzcanary",
        ),
        (OTEL_TRACES_EXPORTER, "otlp,canary-exporter"),
        (OTEL_EXPORTER_OTLP_PROTOCOL, "canary-protocol"),
        (
            OTEL_EXPORTER_OTLP_METRICS_ENDPOINT,
            "http://user:canary-pass@",
        ),
        (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, "user:canary-pass@:4317"),
        (OTEL_BSP_SCHEDULE_DELAY, "canary-delay"),
        (DATAFACE_LOG, "canary===canary"),
    ];

    // Strict: the error and each of its problems.
    let error = strict(&pairs).unwrap_err();
    assert_no_canary("strict error Display", &error.to_string());
    assert_no_canary("strict error Debug", &format!("{error:?}"));
    for problem in &error.problems {
        assert_no_canary("problem Display", &problem.to_string());
    }
    let variables: HashSet<_> = error.problems.iter().map(|p| p.variable).collect();
    for var in [
        OTEL_EXPORTER_OTLP_HEADERS,
        OTEL_EXPORTER_OTLP_LOGS_HEADERS,
        OTEL_TRACES_EXPORTER,
        OTEL_EXPORTER_OTLP_PROTOCOL,
        OTEL_EXPORTER_OTLP_METRICS_ENDPOINT,
        OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
        OTEL_BSP_SCHEDULE_DELAY,
        DATAFACE_LOG,
    ] {
        assert!(variables.contains(var), "{var} not reported: {error:#?}");
    }

    // Non-strict: the warnings and the whole config.
    let config = cfg(&pairs);
    assert_eq!(config.problems().len(), error.problems.len());
    for problem in config.problems() {
        assert_no_canary("problem Display", &problem.to_string());
    }
    assert_no_canary("config Debug", &format!("{config:?}"));
    assert_no_canary("config Debug (pretty)", &format!("{config:#?}"));

    // The valid headers are still used, decoded.
    assert_eq!(
        config.otlp.traces.headers.0,
        vec![kv("authorization", "Bearer sk-canary-123")]
    );
    assert_eq!(
        config.otlp.metrics.headers.0,
        vec![kv("authorization", "Bearer sk-canary-123")]
    );
    assert_eq!(
        config.otlp.logs.headers.0,
        vec![kv("x-api-key", "canary-logs-key")]
    );
}

#[test]
fn headers_debug_shows_names_only() {
    let headers = Headers(vec![kv("authorization", "Bearer sk-canary-123")]);
    let debug = format!("{headers:?}");
    assert!(debug.contains("authorization"), "{debug}");
    assert_no_canary("Headers Debug", &debug);
}

#[test]
fn builder_debug_shows_no_header_value() {
    let builder = builder(&[])
        .otlp_headers(vec![kv("authorization", "Bearer sk-canary-123")])
        .otlp_endpoint("http://user:canary-pass@collector:4317");
    assert_no_canary("builder Debug", &format!("{builder:?}"));
}

// ---------------------------------------------------------------------------------------
// Precedence: code > per-signal variable > general variable > default
// ---------------------------------------------------------------------------------------

#[test]
fn http_endpoint_from_the_general_variable_gets_the_signal_path() {
    let config = cfg(&[
        (OTEL_EXPORTER_OTLP_PROTOCOL, "http/protobuf"),
        (OTEL_EXPORTER_OTLP_ENDPOINT, "http://collector:4318/"),
    ]);
    assert_eq!(
        config.otlp.traces.endpoint,
        "http://collector:4318/v1/traces"
    );
    assert_eq!(
        config.otlp.metrics.endpoint,
        "http://collector:4318/v1/metrics"
    );
    assert_eq!(config.otlp.logs.endpoint, "http://collector:4318/v1/logs");

    let config = cfg(&[
        (OTEL_EXPORTER_OTLP_PROTOCOL, "http/protobuf"),
        (OTEL_EXPORTER_OTLP_ENDPOINT, "https://gw.example/otlp"),
    ]);
    assert_eq!(
        config.otlp.traces.endpoint,
        "https://gw.example/otlp/v1/traces"
    );

    // The default endpoint follows the protocol.
    let config = cfg(&[(OTEL_EXPORTER_OTLP_PROTOCOL, "http/protobuf")]);
    assert_eq!(
        config.otlp.traces.endpoint,
        "http://localhost:4318/v1/traces"
    );
    assert_eq!(config.otlp.logs.endpoint, "http://localhost:4318/v1/logs");
}

#[test]
fn endpoint_precedence_is_code_then_per_signal_then_general_then_default() {
    let env = [
        (OTEL_EXPORTER_OTLP_PROTOCOL, "http/protobuf"),
        (OTEL_EXPORTER_OTLP_ENDPOINT, "http://general:4318"),
        (
            OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
            "http://traces:9999/custom",
        ),
    ];

    // Per-signal variable, used as given, beats the general one.
    let config = cfg(&env);
    assert_eq!(config.otlp.traces.endpoint, "http://traces:9999/custom");
    assert_eq!(
        config.otlp.metrics.endpoint,
        "http://general:4318/v1/metrics"
    );

    // Code, even the general override, beats the per-signal variable.
    let config = builder(&env)
        .otlp_endpoint("http://code:4318")
        .build()
        .unwrap();
    assert_eq!(config.otlp.traces.endpoint, "http://code:4318/v1/traces");
    assert_eq!(config.otlp.metrics.endpoint, "http://code:4318/v1/metrics");

    // A per-signal code override beats the general code override and is used as given.
    let config = builder(&env)
        .otlp_endpoint("http://code:4318")
        .signal_endpoint(Signal::Traces, "http://code-traces:1/x")
        .build()
        .unwrap();
    assert_eq!(config.otlp.traces.endpoint, "http://code-traces:1/x");
    assert_eq!(config.otlp.logs.endpoint, "http://code:4318/v1/logs");

    // gRPC uses the general base as given.
    let config = cfg(&[(OTEL_EXPORTER_OTLP_ENDPOINT, "http://general:4317")]);
    assert_eq!(config.otlp.traces.endpoint, "http://general:4317");
}

#[test]
fn bad_per_signal_value_falls_back_to_the_general_value() {
    let config = cfg(&[
        (OTEL_EXPORTER_OTLP_ENDPOINT, "http://general:4317"),
        (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, "ftp://general:4317"),
        (OTEL_EXPORTER_OTLP_TIMEOUT, "5000"),
        (OTEL_EXPORTER_OTLP_TRACES_TIMEOUT, "soon"),
        (OTEL_EXPORTER_OTLP_COMPRESSION, "gzip"),
        (OTEL_EXPORTER_OTLP_TRACES_COMPRESSION, "zstd"),
        (OTEL_EXPORTER_OTLP_PROTOCOL, "grpc"),
        (OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, "http/json"),
    ]);
    assert_eq!(config.otlp.traces.endpoint, "http://general:4317");
    assert_eq!(config.otlp.traces.timeout, ms(5000));
    assert_eq!(config.otlp.traces.compression, Compression::Gzip);
    assert_eq!(config.otlp.traces.protocol, Protocol::Grpc);
    assert_eq!(config.problems().len(), 4, "{:?}", config.problems());
}

#[test]
fn protocol_precedence_is_code_then_per_signal_then_general_then_default() {
    let env = [
        (OTEL_EXPORTER_OTLP_PROTOCOL, "grpc"),
        (OTEL_EXPORTER_OTLP_TRACES_PROTOCOL, "http/protobuf"),
    ];
    let config = cfg(&env);
    assert_eq!(config.otlp.traces.protocol, Protocol::HttpProtobuf);
    assert_eq!(
        config.otlp.traces.endpoint,
        "http://localhost:4318/v1/traces"
    );
    assert_eq!(config.otlp.metrics.protocol, Protocol::Grpc);

    let config = cfg(&[(OTEL_EXPORTER_OTLP_PROTOCOL, "http/protobuf")]);
    assert_eq!(config.otlp.logs.protocol, Protocol::HttpProtobuf);

    let config = builder(&env)
        .signal_protocol(Signal::Traces, Protocol::Grpc)
        .signal_protocol(Signal::Metrics, Protocol::HttpProtobuf)
        .build()
        .unwrap();
    assert_eq!(config.otlp.traces.protocol, Protocol::Grpc);
    assert_eq!(config.otlp.traces.endpoint, "http://localhost:4317");
    assert_eq!(config.otlp.metrics.protocol, Protocol::HttpProtobuf);
    assert_eq!(config.otlp.logs.protocol, Protocol::Grpc);

    let config = builder(&env)
        .otlp_protocol(Protocol::Grpc)
        .signal_protocol(Signal::Logs, Protocol::HttpProtobuf)
        .build()
        .unwrap();
    assert_eq!(config.otlp.traces.protocol, Protocol::Grpc);
    assert_eq!(config.otlp.logs.protocol, Protocol::HttpProtobuf);
}

#[test]
fn timeout_precedence_is_code_then_per_signal_then_general_then_default() {
    let env = [
        (OTEL_EXPORTER_OTLP_TIMEOUT, "5000"),
        (OTEL_EXPORTER_OTLP_TRACES_TIMEOUT, "2000"),
    ];
    let config = cfg(&env);
    assert_eq!(config.otlp.traces.timeout, ms(2000));
    assert_eq!(config.otlp.metrics.timeout, ms(5000));
    assert_eq!(config.otlp.logs.timeout, ms(5000));

    let config = cfg(&[(OTEL_EXPORTER_OTLP_LOGS_TIMEOUT, "700")]);
    assert_eq!(config.otlp.logs.timeout, ms(700));
    assert_eq!(config.otlp.traces.timeout, Duration::from_secs(10));

    let config = builder(&env)
        .otlp_timeout(Duration::from_secs(1))
        .build()
        .unwrap();
    for signal in Signal::ALL {
        assert_eq!(
            config.otlp.get(signal).timeout,
            Duration::from_secs(1),
            "{signal}"
        );
    }
}

#[test]
fn headers_precedence_is_code_then_per_signal_then_general_then_default() {
    let env = [
        (OTEL_EXPORTER_OTLP_HEADERS, "a=1"),
        (OTEL_EXPORTER_OTLP_TRACES_HEADERS, "b=2,c=3"),
    ];
    let config = cfg(&env);
    assert_eq!(
        config.otlp.traces.headers,
        Headers(vec![kv("b", "2"), kv("c", "3")])
    );
    assert_eq!(config.otlp.metrics.headers, Headers(vec![kv("a", "1")]));
    assert_eq!(config.otlp.logs.headers, Headers(vec![kv("a", "1")]));

    let config = builder(&env)
        .otlp_headers(vec![kv("code", "x")])
        .build()
        .unwrap();
    for signal in Signal::ALL {
        assert_eq!(
            config.otlp.get(signal).headers,
            Headers(vec![kv("code", "x")]),
            "{signal}"
        );
    }
}

#[test]
fn compression_precedence_is_code_then_per_signal_then_general_then_default() {
    let env = [
        (OTEL_EXPORTER_OTLP_COMPRESSION, "gzip"),
        (OTEL_EXPORTER_OTLP_TRACES_COMPRESSION, "none"),
    ];
    let config = cfg(&env);
    assert_eq!(config.otlp.traces.compression, Compression::None);
    assert_eq!(config.otlp.metrics.compression, Compression::Gzip);
    assert_eq!(config.otlp.logs.compression, Compression::Gzip);

    let config = cfg(&[(OTEL_EXPORTER_OTLP_METRICS_COMPRESSION, "gzip")]);
    assert_eq!(config.otlp.metrics.compression, Compression::Gzip);
    assert_eq!(config.otlp.traces.compression, Compression::None);

    let config = builder(&env)
        .otlp_compression(Compression::Gzip)
        .build()
        .unwrap();
    for signal in Signal::ALL {
        assert_eq!(
            config.otlp.get(signal).compression,
            Compression::Gzip,
            "{signal}"
        );
    }
}

#[test]
fn insecure_precedence_is_per_signal_then_general_then_default() {
    let config = cfg(&[
        (OTEL_EXPORTER_OTLP_INSECURE, "true"),
        (OTEL_EXPORTER_OTLP_METRICS_INSECURE, "false"),
    ]);
    assert!(config.otlp.traces.insecure);
    assert!(!config.otlp.metrics.insecure);
    assert!(config.otlp.logs.insecure);
}

#[test]
fn code_overrides_beat_the_environment() {
    let addr: SocketAddr = "0.0.0.0:9100".parse().unwrap();
    let batch = BatchSettings {
        schedule_delay: ms(1),
        export_timeout: ms(2),
        max_queue_size: 3,
        max_export_batch_size: 3,
    };
    let config = builder(&[
        (OTEL_SERVICE_NAME, "from-env"),
        (OTEL_TRACES_EXPORTER, "console"),
        (OTEL_TRACES_SAMPLER, "always_off"),
        (OTEL_METRIC_EXPORT_INTERVAL, "1000"),
        (OTEL_BSP_SCHEDULE_DELAY, "10"),
        (OTEL_BLRP_SCHEDULE_DELAY, "10"),
        (OTEL_EXPORTER_PROMETHEUS_PORT, "1234"),
        (DATAFACE_RELEASE, "env-release"),
        (DATAFACE_COMMIT, "env-commit"),
        (DATAFACE_ENVIRONMENT, "env-environment"),
        (DATAFACE_LOG, "debug"),
        (DATAFACE_LOG_STDERR, "true"),
    ])
    .service_name("from-code")
    .exporters(Signal::Traces, Exporters::NONE)
    .sampler(Sampler::AlwaysOn)
    .metric_export_interval(Duration::from_secs(5))
    .span_batch(batch)
    .log_batch(batch)
    .prometheus_addr(addr)
    .release("code-release")
    .commit("code-commit")
    .environment("code-environment")
    .log_filter("trace")
    .log_stderr(false)
    .build()
    .unwrap();
    assert!(config.problems().is_empty(), "{:?}", config.problems());
    assert_eq!(config.service_name.as_deref(), Some("from-code"));
    assert_eq!(config.exporters.traces, Exporters::NONE);
    assert_eq!(config.sampler, Sampler::AlwaysOn);
    assert_eq!(config.metric_export_interval, Duration::from_secs(5));
    assert_eq!(config.span_batch, batch);
    assert_eq!(config.log_batch, batch);
    assert_eq!(config.prometheus_addr, addr);
    assert_eq!(config.release.as_deref(), Some("code-release"));
    assert_eq!(config.commit.as_deref(), Some("code-commit"));
    assert_eq!(config.environment.as_deref(), Some("code-environment"));
    assert_eq!(config.log_filter, "trace");
    assert!(!config.log_stderr);
}

// ---------------------------------------------------------------------------------------
// Dataface variables
// ---------------------------------------------------------------------------------------

#[test]
fn dataface_release_sets_the_release() {
    let config = cfg(&[
        (DATAFACE_RELEASE, "2.4.1"),
        (OTEL_RESOURCE_ATTRIBUTES, "service.version=1.0.0"),
    ]);
    assert_eq!(config.release.as_deref(), Some("2.4.1"));
}

#[test]
fn release_falls_back_to_the_service_version_resource_attribute() {
    let config = cfg(&[(OTEL_RESOURCE_ATTRIBUTES, "team=data,service.version=1.0.0")]);
    assert_eq!(config.release.as_deref(), Some("1.0.0"));
}

#[test]
fn environment_falls_back_to_the_deployment_environment_resource_attribute() {
    let config = cfg(&[(OTEL_RESOURCE_ATTRIBUTES, "deployment.environment.name=prod")]);
    assert_eq!(config.environment.as_deref(), Some("prod"));
    let config = cfg(&[
        (OTEL_RESOURCE_ATTRIBUTES, "deployment.environment.name=prod"),
        (DATAFACE_ENVIRONMENT, "staging"),
    ]);
    assert_eq!(config.environment.as_deref(), Some("staging"));
}

#[test]
fn unparsable_dataface_log_is_reported_and_info_is_used() {
    let config = cfg(&[(DATAFACE_LOG, "nonsense===")]);
    assert_eq!(config.log_filter, "info");
    let problem = single_problem(&config);
    assert_eq!(problem.variable, DATAFACE_LOG);
    assert_eq!(problem.kind, ProblemKind::Unparsable);
    assert!(!problem.to_string().contains("nonsense"), "{problem}");
}

#[test]
fn a_dataface_log_word_naming_no_level_and_no_known_crate_is_a_warning() {
    for word in ["abc", "TRUE", "0", "-1", "warn,abc"] {
        let config = cfg(&[(DATAFACE_LOG, word)]);
        assert_eq!(config.log_filter, "info", "{word}");
        let problem = single_problem(&config);
        assert_eq!(problem.variable, DATAFACE_LOG, "{word}");
        assert_eq!(problem.kind, ProblemKind::UnknownValue, "{word}");
        let (_, p) = strict_problem(&[(DATAFACE_LOG, word)]);
        assert_eq!(p.variable, DATAFACE_LOG, "strict: {word}");
    }
    for fine in [
        "WARN",
        "off",
        "warn,my_crate=debug",
        "my_service::api",
        "telemetry_core",
        "info,hyper",
    ] {
        let config = cfg(&[(DATAFACE_LOG, fine)]);
        assert_eq!(config.log_filter, fine);
        assert!(
            config.problems().is_empty(),
            "{fine}: {:?}",
            config.problems()
        );
    }
}

// ---------------------------------------------------------------------------------------
// The list of variables
// ---------------------------------------------------------------------------------------

#[test]
fn every_variable_is_listed_once() {
    let unique: HashSet<&str> = ALL.iter().copied().collect();
    assert_eq!(unique.len(), ALL.len(), "duplicates in vars::ALL");
    for secret in SECRET {
        assert!(unique.contains(secret), "{secret} is secret but not in ALL");
    }
}

/// Builds a config over `pairs` and returns every name the lookup was asked for.
fn names_read(pairs: &[(&str, &str)]) -> HashSet<String> {
    let asked = Arc::new(Mutex::new(HashSet::new()));
    let map = env(pairs);
    let recorder = Arc::clone(&asked);
    TelemetryConfig::builder()
        .lookup(move |k| {
            recorder.lock().unwrap().insert(k.to_owned());
            map.get(k).cloned()
        })
        .build()
        .unwrap();
    let names = asked.lock().unwrap().clone();
    names
}

#[test]
fn every_listed_variable_is_read() {
    // A ratio sampler, so that the sampler argument is read too.
    let asked = names_read(&[(OTEL_TRACES_SAMPLER, "traceidratio")]);
    let missing: Vec<_> = ALL.iter().filter(|var| !asked.contains(**var)).collect();
    assert!(missing.is_empty(), "never read: {missing:?}");
}

#[test]
fn only_listed_variables_are_read() {
    let asked = names_read(&[(OTEL_TRACES_SAMPLER, "parentbased_traceidratio")]);
    let listed: HashSet<&str> = ALL.iter().copied().collect();
    let unlisted: Vec<_> = asked
        .iter()
        .filter(|name| !listed.contains(name.as_str()))
        .collect();
    assert!(
        unlisted.is_empty(),
        "read but not in vars::ALL: {unlisted:?}"
    );
}

// ---------------------------------------------------------------------------------------
// TLS material and the INSECURE rule.
// ---------------------------------------------------------------------------------------

/// PEM files made for the test, removed when dropped: `ca.pem`, `client.pem`,
/// `client.key`, `garbage.pem` (a PEM envelope around bytes that are no certificate).
struct PemFiles(std::path::PathBuf);

impl PemFiles {
    fn new(tag: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("tls-config-{tag}-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let key = rcgen::KeyPair::generate().unwrap();
        let mut params = rcgen::CertificateParams::new(vec!["collector".to_owned()]).unwrap();
        params.is_ca = rcgen::IsCa::Ca(rcgen::BasicConstraints::Unconstrained);
        let cert = params.self_signed(&key).unwrap();
        std::fs::write(dir.join("ca.pem"), cert.pem()).unwrap();
        std::fs::write(dir.join("client.pem"), cert.pem()).unwrap();
        std::fs::write(dir.join("client.key"), key.serialize_pem()).unwrap();
        std::fs::write(
            dir.join("garbage.pem"),
            "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n",
        )
        .unwrap();
        Self(dir)
    }

    fn path(&self, name: &str) -> String {
        self.0.join(name).display().to_string()
    }
}

impl Drop for PemFiles {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

#[test]
fn certificates_are_read_per_signal_over_the_general_variable() {
    let files = PemFiles::new("precedence");
    let (ca, key, cert) = (
        files.path("ca.pem"),
        files.path("client.key"),
        files.path("client.pem"),
    );
    let config = cfg(&[
        (OTEL_EXPORTER_OTLP_CERTIFICATE, &ca),
        (OTEL_EXPORTER_OTLP_TRACES_CLIENT_CERTIFICATE, &cert),
        (OTEL_EXPORTER_OTLP_TRACES_CLIENT_KEY, &key),
    ]);
    assert!(config.problems().is_empty(), "{:?}", config.problems());
    let ca_pem = std::fs::read(&ca).unwrap();
    for signal in Signal::ALL {
        assert_eq!(
            config.otlp.get(signal).tls.certificate.as_ref(),
            Some(&ca_pem),
            "{signal}"
        );
    }
    let identity = config.otlp.traces.tls.client_identity.as_ref().unwrap();
    assert_eq!(identity.private_key, std::fs::read(&key).unwrap());
    assert!(config.otlp.metrics.tls.client_identity.is_none());
    // Debug shows what is present, never the contents.
    let debug = format!("{config:?}");
    assert!(!debug.contains("BEGIN"), "{debug}");
    assert!(debug.contains("client_identity: true"), "{debug}");
}

#[test]
fn a_missing_or_garbage_certificate_file_is_a_problem_naming_the_variable_only() {
    let files = PemFiles::new("bad");
    let missing = files.path("nope.pem");
    let garbage = files.path("garbage.pem");
    let config = cfg(&[(OTEL_EXPORTER_OTLP_CERTIFICATE, &missing)]);
    let p = single_problem(&config);
    assert_eq!(
        (p.variable(), p.kind()),
        (OTEL_EXPORTER_OTLP_CERTIFICATE, ProblemKind::Unreadable)
    );
    assert!(config.otlp.traces.tls.certificate.is_none());
    assert!(!p.to_string().contains(&missing), "{p}");

    let config = cfg(&[(OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE, &garbage)]);
    let p = single_problem(&config);
    assert_eq!(
        (p.variable(), p.kind()),
        (OTEL_EXPORTER_OTLP_LOGS_CERTIFICATE, ProblemKind::Unparsable)
    );
    // A certificate file given as the key is not a key.
    let err = strict(&[
        (
            OTEL_EXPORTER_OTLP_CLIENT_CERTIFICATE,
            &files.path("client.pem"),
        ),
        (OTEL_EXPORTER_OTLP_CLIENT_KEY, &files.path("client.pem")),
    ])
    .unwrap_err();
    let text = err.to_string();
    assert!(text.contains(OTEL_EXPORTER_OTLP_CLIENT_KEY), "{text}");
    assert!(
        !text.contains("BEGIN") && !text.contains(&files.path("")),
        "{text}"
    );
}

#[test]
fn a_client_certificate_without_its_key_is_inconsistent() {
    let files = PemFiles::new("pair");
    let config = cfg(&[(
        OTEL_EXPORTER_OTLP_METRICS_CLIENT_CERTIFICATE,
        &files.path("client.pem"),
    )]);
    let p = single_problem(&config);
    assert_eq!(
        (p.variable(), p.kind()),
        (
            OTEL_EXPORTER_OTLP_METRICS_CLIENT_CERTIFICATE,
            ProblemKind::Inconsistent
        )
    );
    assert!(config.otlp.metrics.tls.client_identity.is_none());
}

#[test]
fn a_schemeless_grpc_endpoint_takes_its_scheme_from_insecure() {
    let config = cfg(&[
        (OTEL_EXPORTER_OTLP_ENDPOINT, "collector.example:4317"),
        (OTEL_EXPORTER_OTLP_LOGS_INSECURE, "true"),
    ]);
    assert!(config.problems().is_empty(), "{:?}", config.problems());
    assert_eq!(
        config.otlp.traces.endpoint,
        "https://collector.example:4317"
    );
    assert_eq!(config.otlp.logs.endpoint, "http://collector.example:4317");
    // A scheme decides by itself.
    let config = cfg(&[
        (OTEL_EXPORTER_OTLP_ENDPOINT, "http://collector.example:4317"),
        (OTEL_EXPORTER_OTLP_INSECURE, "false"),
    ]);
    assert_eq!(config.otlp.traces.endpoint, "http://collector.example:4317");
}

#[test]
fn a_schemeless_http_endpoint_is_a_problem_and_the_default_is_used() {
    let config = cfg(&[
        (OTEL_EXPORTER_OTLP_PROTOCOL, "http/protobuf"),
        (
            OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
            "collector.example:4318/v1/traces",
        ),
    ]);
    let p = single_problem(&config);
    assert_eq!(
        (p.variable(), p.kind()),
        (OTEL_EXPORTER_OTLP_TRACES_ENDPOINT, ProblemKind::Unparsable)
    );
    assert_eq!(
        config.otlp.traces.endpoint,
        "http://localhost:4318/v1/traces"
    );
}

#[test]
fn scrape_histograms_are_classic_unless_native_or_both_is_asked_for() {
    assert_eq!(
        cfg(&[]).prometheus_histograms,
        PrometheusHistograms::Classic
    );
    for (raw, mode) in [
        ("native", PrometheusHistograms::Native),
        ("BOTH", PrometheusHistograms::Both),
        ("classic", PrometheusHistograms::Classic),
    ] {
        let config = cfg(&[(DATAFACE_PROMETHEUS_HISTOGRAMS, raw)]);
        assert!(config.problems().is_empty(), "{:?}", config.problems());
        assert_eq!(config.prometheus_histograms, mode, "{raw}");
    }
    // The OTLP spelling is not this variable's: the default stays and the variable is named.
    let config = cfg(&[(
        DATAFACE_PROMETHEUS_HISTOGRAMS,
        "base2_exponential_bucket_histogram",
    )]);
    assert_eq!(config.prometheus_histograms, PrometheusHistograms::Classic);
    let problem = single_problem(&config);
    assert_eq!(problem.variable, DATAFACE_PROMETHEUS_HISTOGRAMS);
    assert_eq!(problem.kind, ProblemKind::UnknownValue);
    // Code wins over the environment.
    let config = TelemetryConfig::builder()
        .lookup(|k| (k == DATAFACE_PROMETHEUS_HISTOGRAMS).then(|| "classic".to_owned()))
        .prometheus_histograms(PrometheusHistograms::Native)
        .build()
        .unwrap();
    assert_eq!(config.prometheus_histograms, PrometheusHistograms::Native);
}
