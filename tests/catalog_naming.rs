//! One recording, two paths, the same series: a counter, a gauge and a histogram declared in
//! a catalog are recorded once; the Prometheus scrape shows them under the names and label
//! sets a collector derives from their OTLP form (dotted name + unit), with the catalog's
//! buckets on both paths. An error code sets `error.type` and the span status; a label value
//! outside its declared set is recorded as `other` and counted.

mod support;

use std::collections::BTreeMap;
use std::time::Duration;
use support::{is_child, run_child, Point, Receiver};
use telemetry_core::catalog::*;
use telemetry_core::errors::{record_on_span, ErrorCode};
use telemetry_testing::scrape::Scrape;

const ERROR_TYPE: LabelSpec = LabelSpec::enumerated(
    "error.type",
    "The error code.",
    &["unknown_query", "invalid_yaml"],
);
const STAGE: LabelSpec = LabelSpec::enumerated(
    "dataface.compile.stage",
    "Compile stage.",
    &["parse", "resolve"],
);

const CORE_COMPILER: Owner = Owner {
    id: "core-compiler",
    description: "The compiler.",
};
const CONTEXT_CATALOG: Owner = Owner {
    id: "context-catalog",
    description: "The context catalog.",
};

static SECTION: Section = Section {
    surface: "test",
    metrics: &[
        MetricSpec {
            name: "dataface.test.compile.errors",
            kind: InstrumentKind::Counter,
            unit: "{error}",
            description: "Compile errors by code and stage.",
            labels: &[ERROR_TYPE, STAGE],
            buckets: &[],
            owner: CORE_COMPILER,
        },
        MetricSpec {
            name: "dataface.test.refresh.last_success",
            kind: InstrumentKind::Gauge,
            unit: "s",
            description: "Unix time of the last successful refresh.",
            labels: &[LabelSpec::bounded(
                "dataface.catalog.source.type",
                "Catalog source kind.",
                4,
            )
            .with_example("x")],
            buckets: &[],
            owner: CONTEXT_CATALOG,
        },
        MetricSpec {
            name: "dataface.test.payload.size",
            kind: InstrumentKind::Histogram,
            unit: "By",
            description: "AI context payload size.",
            labels: &[LabelSpec::enumerated(
                "dataface.catalog.consumer",
                "Who asked.",
                &["mcp", "ide"],
            )],
            buckets: &[1024.0, 65536.0, 1048576.0],
            owner: CONTEXT_CATALOG,
        },
    ],
    spans: &[],
    events: &[],
    error_codes: &[UNKNOWN_QUERY],
    owners: &[CORE_COMPILER, CONTEXT_CATALOG],
    series_budget: telemetry_core::catalog::DEFAULT_SERIES_BUDGET,
};
static CATALOG: Catalog = Catalog {
    version: "1.0.0",
    sections: &[&SECTION],
};

const UNKNOWN_QUERY: ErrorCodeSpec = ErrorCodeSpec {
    code: "unknown_query",
    surface: "test",
    class: ErrorClass::User,
    retryable: false,
    severity: Severity::Error,
    owner: CORE_COMPILER,
    summary: "A chart references a query the contract does not define.",
    remedy: "Define the query or fix the chart's query name.",
};

#[derive(Debug, Clone, Copy)]
struct UnknownQuery;
impl ErrorCode for UnknownQuery {
    fn spec(self) -> &'static ErrorCodeSpec {
        &UNKNOWN_QUERY
    }
}

const SCRAPE_BEGIN: &str = "--- scrape begin";
const SCRAPE_END: &str = "--- scrape end";

fn child() {
    let guard = telemetry_core::init_with(
        "naming-test",
        telemetry_core::config::TelemetryConfig::builder().catalog(&CATALOG),
    )
    .expect("init");
    {
        let span = tracing::info_span!("dataface.test.compile");
        let _e = span.enter();
        record_on_span(&span, UnknownQuery);
    }
    metrics::counter!("dataface.test.compile.errors", "error.type" => "unknown_query", "dataface.compile.stage" => "parse")
        .increment(1);
    // Outside the declared set: recorded as `other`, the total kept.
    metrics::counter!("dataface.test.compile.errors", "error.type" => "unknown_query", "dataface.compile.stage" => "render")
        .increment(1);
    metrics::gauge!("dataface.test.refresh.last_success", "dataface.catalog.source.type" => "warehouse").set(1.7e9);
    metrics::histogram!("dataface.test.payload.size", "dataface.catalog.consumer" => "mcp")
        .record(2048.0);
    let text = guard.prometheus_text().expect("prometheus selected");
    println!("{SCRAPE_BEGIN}\n{text}\n{SCRAPE_END}");
    guard.shutdown(Duration::from_secs(10)).expect("shutdown");
}

/// What a collector makes of an OTLP data point, by the OpenTelemetry-to-Prometheus rules,
/// written out independently of the code under test.
fn collector_series(p: &Point) -> (String, BTreeMap<String, String>) {
    let suffix = match p.unit.as_str() {
        "s" => "_seconds",
        "By" => "_bytes",
        u if u.starts_with('{') => "",
        other => panic!("unit {other} not covered by this test"),
    };
    let mut name = format!("{}{suffix}", p.metric.replace('.', "_"));
    if p.kind == "sum" {
        name.push_str("_total");
    }
    let labels = p
        .attributes
        .iter()
        .map(|(k, v)| (k.replace('.', "_"), v.clone()))
        .collect();
    (name, labels)
}

/// Every series of the scrape as (name, labels).
fn scrape_series(text: &str) -> Vec<(String, BTreeMap<String, String>)> {
    Scrape::parse(text)
        .unwrap_or_else(|e| panic!("the child's scrape: {e}\n{text}"))
        .samples()
        .iter()
        .map(|s| (s.name().to_owned(), s.label_map()))
        .collect()
}

#[test]
fn one_recording_shows_the_same_series_on_both_paths() {
    const NAME: &str = "one_recording_shows_the_same_series_on_both_paths";
    if is_child(NAME) {
        return child();
    }
    CATALOG.validate().expect("the fixture catalog is valid");
    let rx = Receiver::start(true);
    let mut env = rx.env();
    env.push(("OTEL_METRICS_EXPORTER", "otlp,prometheus".into()));
    env.push(("OTEL_EXPORTER_PROMETHEUS_PORT", "0".into()));
    let output = run_child(NAME, &env);
    let scrape = output
        .split(SCRAPE_BEGIN)
        .nth(1)
        .and_then(|s| s.split(SCRAPE_END).next())
        .expect("the child printed its scrape");
    let scraped = scrape_series(scrape);
    let got = rx.wait(Duration::from_secs(10), |r| {
        r.points
            .iter()
            .any(|p| p.metric == "dataface.test.payload.size")
    });

    // Hand-written: what an SRE types into a query.
    for (name, labels) in [
        (
            "dataface_test_compile_errors_total",
            vec![
                ("error_type", "unknown_query"),
                ("dataface_compile_stage", "parse"),
            ],
        ),
        (
            "dataface_test_compile_errors_total",
            vec![
                ("error_type", "unknown_query"),
                ("dataface_compile_stage", "other"),
            ],
        ),
        (
            "dataface_test_refresh_last_success_seconds",
            vec![("dataface_catalog_source_type", "warehouse")],
        ),
        (
            "dataface_test_payload_size_bytes_count",
            vec![("dataface_catalog_consumer", "mcp")],
        ),
        (
            "dataface_test_payload_size_bytes_bucket",
            vec![("dataface_catalog_consumer", "mcp"), ("le", "65536")],
        ),
        (
            "dataface_telemetry_cardinality_overflow_total",
            vec![("dataface_telemetry_metric", "dataface.test.compile.errors")],
        ),
    ] {
        let want: BTreeMap<String, String> = labels
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert!(
            scraped.iter().any(|(n, l)| n == name && *l == want),
            "scrape lacks {name}{want:?}:\n{scrape}"
        );
    }
    assert!(
        scraped.iter().all(|(_, l)| !l.contains_key("quantile")),
        "no summaries on the scrape:\n{scrape}"
    );

    // Every catalog metric that arrived over OTLP, translated as a collector would, is a
    // series of the scrape.
    for metric in SECTION.metrics {
        let points: Vec<_> = got
            .points
            .iter()
            .filter(|p| p.metric == metric.name)
            .collect();
        assert!(
            !points.is_empty(),
            "{} did not arrive over OTLP",
            metric.name
        );
        for p in points {
            assert_eq!(p.unit, metric.unit, "catalog unit on the OTLP path");
            let (name, labels) = collector_series(p);
            let name = if p.kind == "histogram" {
                format!("{name}_count")
            } else {
                name
            };
            assert!(
                scraped.iter().any(|(n, l)| *n == name && *l == labels),
                "OTLP {} {:?} would be {name}{labels:?}, absent from the scrape:\n{scrape}",
                p.metric,
                p.attributes
            );
            if p.kind == "histogram" {
                assert_eq!(p.bounds, metric.buckets, "catalog buckets on the OTLP path");
            }
        }
    }

    let span = got.span("dataface.test.compile");
    assert_eq!(span.attributes["error.type"], "unknown_query");
    assert_eq!(span.status_code, 2, "span status is error");
}
