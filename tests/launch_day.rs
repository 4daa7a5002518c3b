//! The launch-day workload end to end through a real collector: a child process runs
//! the `launch-day` crate's day for two seconds on the product's pipeline, exporting over gRPC
//! or HTTP/protobuf to a `rotel` collector process (installed by
//! scripts/install-test-deps.sh) on loopback ports the test picks, which forwards everything
//! with its own OTLP exporter to an in-process receiver. The test asserts that every
//! surface's spans, logs and metrics arrived under the catalog's names, with the declared
//! attributes and labels, the catalog's units and buckets, and the configured resource; and
//! that the same run's Prometheus scrape shows every metric that arrived under its derived
//! Prometheus name, with the same counts.

mod support;

use dataface_telemetry::core::catalog::{InstrumentKind, MetricSpec, Requirement};
use dataface_telemetry::CATALOG;
use launch_day::{LaunchDay, Level, LogLine, Surface};
use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;
use support::{is_child, run_child, Received, Receiver, Rotel};
use telemetry_testing::scrape::Scrape;

const SERVICE: &str = "launch-day-e2e";
const RELEASE: &str = "9.8.7";
const ENVIRONMENT: &str = "launch-rehearsal";
const SCRAPE_BEGIN: &str = "----- prometheus scrape begin -----";
const SCRAPE_END: &str = "----- prometheus scrape end -----";

// ---------------------------------------------------------------------------------------------
// The rotel collector (as in collector_hop.rs)
// ---------------------------------------------------------------------------------------------

// ---------------------------------------------------------------------------------------------
// The child: the demo workload on the product pipeline
// ---------------------------------------------------------------------------------------------

/// The day's narrative as `tracing` events inside the operations' spans (as the example).
fn narrate(line: &LogLine) {
    macro_rules! event {
        ($level:ident) => {
            match line.code {
                Some(code) => tracing::$level!(
                    dataface.surface = line.surface.name(),
                    error.type = code,
                    "{}",
                    line.message
                ),
                None => {
                    tracing::$level!(dataface.surface = line.surface.name(), "{}", line.message)
                }
            }
        };
    }
    match line.level {
        Level::Info => event!(info),
        Level::Warn => event!(warn),
        Level::Error => event!(error),
    }
}

fn child() {
    let guard =
        dataface_telemetry::init_with(SERVICE, dataface_telemetry::local_defaults()).expect("init");
    let report = LaunchDay::new(Duration::from_secs(2))
        .narrator(narrate)
        .run(|progress| println!("{progress}"));
    for surface in Surface::ALL {
        let r = report.surface(surface);
        assert!(r.operations_total() > 0 && r.errors_total() > 0, "{r:?}");
    }
    let scrape = guard
        .prometheus_text()
        .expect("OTEL_METRICS_EXPORTER has prometheus");
    println!("{SCRAPE_BEGIN}\n{scrape}\n{SCRAPE_END}");
    drop(report);
    let s = support::shutdown_dropping_nothing(guard);
    println!("pipeline: {s:?}");
}

// ---------------------------------------------------------------------------------------------
// The scrape
// ---------------------------------------------------------------------------------------------

fn parse_scrape(text: &str) -> Scrape {
    Scrape::parse(text).unwrap_or_else(|e| panic!("the child's scrape: {e}"))
}

fn scrape_of(child_output: &str) -> String {
    let begin = child_output
        .find(SCRAPE_BEGIN)
        .expect("the child printed its scrape")
        + SCRAPE_BEGIN.len();
    let end = child_output[begin..]
        .find(SCRAPE_END)
        .expect("the scrape's end marker")
        + begin;
    child_output[begin..end].to_owned()
}

/// The Prometheus series name a catalog metric shows as (a histogram as its `_count`).
fn scrape_name(spec: &MetricSpec) -> String {
    let name = spec.prometheus_name();
    if spec.kind == InstrumentKind::Histogram {
        format!("{name}_count")
    } else {
        name
    }
}

// ---------------------------------------------------------------------------------------------
// What arrived
// ---------------------------------------------------------------------------------------------

/// What is still missing for each surface: a span of its own, a log record correlated with
/// one of its spans, a metric of its own.
fn missing(got: &Received) -> Vec<String> {
    let mut missing = Vec::new();
    for surface in Surface::ALL {
        let section = surface.section();
        let spans: BTreeSet<&str> = section.spans.iter().map(|s| s.name).collect();
        let ids: BTreeSet<(&[u8], &[u8])> = got
            .spans
            .iter()
            .filter(|s| spans.contains(s.name.as_str()))
            .map(|s| (s.trace_id.as_slice(), s.span_id.as_slice()))
            .collect();
        if ids.is_empty() {
            missing.push(format!("{surface}: no span named in its catalog section"));
        }
        if !got
            .logs
            .iter()
            .any(|l| ids.contains(&(l.trace_id.as_slice(), l.span_id.as_slice())))
        {
            missing.push(format!(
                "{surface}: no log record correlated with its spans"
            ));
        }
        if !got
            .points
            .iter()
            .any(|p| section.metrics.iter().any(|m| m.name == p.metric))
        {
            missing.push(format!("{surface}: no metric of its catalog section"));
        }
    }
    missing
}

/// The surfaces' counter and histogram series whose largest OTLP value (cumulative) differs
/// from the scrape's: `(series, otlp, scrape)`. (The pipeline's own `dataface.telemetry.*`
/// counts keep moving while it exports, after the scrape was taken.)
fn disagreements(got: &Received, scrape: &Scrape) -> Vec<(String, f64, Option<f64>)> {
    let mut otlp: BTreeMap<(String, Vec<(String, String)>), f64> = BTreeMap::new();
    for p in &got.points {
        let Some(spec) = Surface::ALL
            .iter()
            .flat_map(|s| s.section().metrics)
            .find(|m| m.name == p.metric)
        else {
            continue;
        };
        let value = match spec.kind {
            InstrumentKind::Gauge => continue,
            InstrumentKind::Counter => p.value,
            InstrumentKind::Histogram => p.count as f64,
        };
        let labels = p
            .attributes
            .iter()
            .map(|(k, v)| (k.replace('.', "_"), v.clone()))
            .collect();
        let entry = otlp.entry((scrape_name(spec), labels)).or_insert(0.0);
        *entry = entry.max(value);
    }
    otlp.into_iter()
        .filter_map(|((name, labels), value)| {
            let labels: BTreeMap<String, String> = labels.into_iter().collect();
            let scraped = scrape
                .named(&name)
                .find(|s| s.label_map() == labels)
                .map(|s| s.value());
            (scraped != Some(value)).then(|| (format!("{name}{labels:?}"), value, scraped))
        })
        .collect()
}

fn check(got: &Received, scrape: &Scrape) {
    let missing = missing(got);
    assert!(missing.is_empty(), "missing: {missing:#?}");

    // Resource: every span, log record and data point says which service, release and
    // environment it came from.
    let resources = got
        .spans
        .iter()
        .map(|s| ("span", &s.resource))
        .chain(got.logs.iter().map(|l| ("log record", &l.resource)))
        .chain(got.points.iter().map(|p| ("data point", &p.resource)));
    for (what, resource) in resources {
        for (key, expected) in [
            ("service.name", SERVICE),
            ("service.version", RELEASE),
            ("deployment.environment.name", ENVIRONMENT),
        ] {
            assert_eq!(
                resource.get(key).map(String::as_str),
                Some(expected),
                "{what} resource {key}: {resource:?}"
            );
        }
    }

    // Spans: catalog names only, with every Required attribute.
    let mut span_names = BTreeSet::new();
    for span in &got.spans {
        let spec = CATALOG
            .spans()
            .find(|s| s.name == span.name)
            .unwrap_or_else(|| panic!("span {:?} is not in the catalog", span.name));
        span_names.insert(spec.name);
        for attribute in spec.attributes {
            if attribute.requirement == Requirement::Required {
                assert!(
                    span.attributes.contains_key(attribute.key),
                    "span {} lacks its required attribute {}: {:?}",
                    span.name,
                    attribute.key,
                    span.attributes
                );
            }
        }
    }

    // Logs: the narrative and the probes' own records, correlated and attributed.
    let correlated = got
        .logs
        .iter()
        .filter(|l| !l.trace_id.is_empty() && l.trace_id.iter().any(|b| *b != 0))
        .count();
    assert!(correlated > 0);
    let failed_migration = got
        .logs
        .iter()
        .find(|l| l.body.contains("contract 1.1 migration failed"))
        .expect("the compiler's failed migrations are logged");
    assert_eq!(failed_migration.severity_text, "ERROR");
    assert_eq!(
        failed_migration
            .attributes
            .get("error.type")
            .map(String::as_str),
        Some("migration_failed")
    );
    let compile = got
        .spans
        .iter()
        .find(|s| s.span_id == failed_migration.span_id && s.trace_id == failed_migration.trace_id)
        .expect("the failed migration's log belongs to a span that arrived");
    assert_eq!(compile.name, "dataface.compile");
    assert_eq!(compile.attributes["dataface.contract.version"], "1.1");
    assert_eq!(compile.attributes["dataface.compiler.version"], "2.5.0");
    assert_eq!(compile.attributes["error.type"], "migration_failed");
    assert_eq!(
        compile.status_code, 2,
        "the failed compile's status is error"
    );

    // Metrics: catalog names, kinds, units, buckets and labels only.
    let mut metric_names = BTreeSet::new();
    for p in &got.points {
        let spec = CATALOG
            .metric(&p.metric)
            .unwrap_or_else(|| panic!("metric {:?} is not in the catalog", p.metric));
        metric_names.insert(spec.name);
        let kind = match spec.kind {
            InstrumentKind::Counter => "sum",
            InstrumentKind::Gauge => "gauge",
            InstrumentKind::Histogram => "histogram",
        };
        assert_eq!((p.kind, p.unit.as_str()), (kind, spec.unit), "{p:?}");
        if spec.kind == InstrumentKind::Histogram {
            assert_eq!(p.bounds, spec.buckets, "{} buckets", spec.name);
        }
        for key in p.attributes.keys() {
            assert!(
                spec.label(key).is_some(),
                "{} carries the undeclared label {key}",
                spec.name
            );
        }
    }

    // The same run's scrape: every metric that arrived over OTLP is there under its derived
    // Prometheus name, and every counter and histogram series counts the same.
    for name in &metric_names {
        let spec = CATALOG.metric(name).expect("checked above");
        let expected = scrape_name(spec);
        assert!(
            scrape.named(&expected).next().is_some(),
            "{name} arrived over OTLP, but the scrape has no {expected}"
        );
    }
    let differ = disagreements(got, scrape);
    assert!(
        differ.is_empty(),
        "OTLP and the scrape disagree (series, OTLP, scrape): {differ:#?}"
    );
    for surface in Surface::ALL {
        assert!(
            !surface.moved(scrape).is_empty(),
            "{surface}: nothing moved on the scrape"
        );
    }
    println!(
        "arrived: {} spans ({} names), {} log records ({correlated} correlated), {} data points \
         ({} metrics); scrape: {} series",
        got.spans.len(),
        span_names.len(),
        got.logs.len(),
        got.points.len(),
        metric_names.len(),
        scrape.len()
    );
}

fn launch_day(name: &str, grpc: bool) {
    if is_child(name) {
        return child();
    }
    let rx = Receiver::start(true);
    let rotel = Rotel::start(&rx);
    let (port, protocol) = if grpc {
        (rotel.grpc_port, "grpc")
    } else {
        (rotel.http_port, "http/protobuf")
    };
    let output = run_child(
        name,
        &[
            (
                "OTEL_EXPORTER_OTLP_ENDPOINT",
                format!("http://127.0.0.1:{port}"),
            ),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol.into()),
            ("OTEL_METRICS_EXPORTER", "otlp,prometheus".into()),
            ("OTEL_EXPORTER_PROMETHEUS_PORT", "0".into()),
            ("OTEL_METRIC_EXPORT_INTERVAL", "500".into()),
            ("OTEL_BSP_SCHEDULE_DELAY", "200".into()),
            ("OTEL_BLRP_SCHEDULE_DELAY", "200".into()),
            ("DATAFACE_RELEASE", RELEASE.into()),
            ("DATAFACE_ENVIRONMENT", ENVIRONMENT.into()),
            ("DATAFACE_LOG_STDERR", "false".into()),
        ],
    );
    let scrape = parse_scrape(&scrape_of(&output));
    // The child has shut down (everything flushed to rotel); wait for rotel to forward it all.
    let got = rx.wait(Duration::from_secs(30), |r| {
        missing(r).is_empty() && disagreements(r, &scrape).is_empty()
    });
    drop(rotel);
    check(&got, &scrape);
}

#[test]
fn launch_day_crosses_a_real_collector_over_grpc() {
    launch_day("launch_day_crosses_a_real_collector_over_grpc", true);
}

#[test]
fn launch_day_crosses_a_real_collector_over_http() {
    launch_day("launch_day_crosses_a_real_collector_over_http", false);
}
