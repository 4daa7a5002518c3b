//! Prometheus native histograms on the scrape, end to end through a real Prometheus
//! (Debian's 2.42, `--enable-feature=native-histograms`, which makes it ask for the
//! protobuf exposition).
//!
//! Two services run the same traffic on one catalog histogram
//! (`dataface.catalog.resolution.duration`, the CatalogResolutionLatency objective: 95% of
//! resolutions at or under 0.5 s), one with `DATAFACE_PROMETHEUS_HISTOGRAMS=classic`, one
//! with `native`, each in a child process of its own; one Prometheus scrapes both every
//! second. The traffic has two phases on a shared clock: a healthy one (3% of samples
//! above 0.5 s) and a slow one (20% above). The test then evaluates, at the end of each
//! phase, the objective's generated classic expression (`_bucket{le="0.5"}` over
//! `_count`) and its native one (`histogram_fraction`), and requires the same verdict from
//! both and values within a point of the truth; a threshold between the catalog's buckets
//! (0.3 s) is answered by the native histogram within two points, where the classic one
//! can only bracket it. Each child also checks that what Prometheus stored from its
//! protobuf scrape equals its text scrape, series by series, and the test prints the
//! series Prometheus holds for each service (the fleet cost).

mod support;

use std::collections::BTreeMap;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use support::prometheus::Prometheus;
use support::{free_port, is_child, run_child};
use telemetry_ops::objective::{Alerting, Latency, Objective, ObjectiveKind};
use telemetry_testing::scrape::{MetricType, Scrape};

/// Seconds of each traffic phase.
const PHASE: f64 = 12.0;
/// The rate window the objective is judged over at the end of a phase.
const WINDOW: &str = "9s";
/// Samples per tick, and the tick.
const PER_TICK: usize = 40;
const TICK: Duration = Duration::from_millis(20);
/// Share of samples above the threshold in each phase.
const BAD_HEALTHY: f64 = 0.03;
const BAD_SLOW: f64 = 0.20;

const NAME: &str = "a_latency_objective_gives_the_same_verdict_on_classic_and_native_histograms";

fn now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

/// The CatalogResolutionLatency objective, as the operations package declares it.
fn objective() -> &'static Latency {
    telemetry_ops::OPERATIONS
        .alerts()
        .find_map(|a| match &a.objective {
            Objective::Latency(l) if a.name == "CatalogResolutionLatency" => Some(l),
            _ => None,
        })
        .expect("the CatalogResolutionLatency objective")
}

/// The `i`-th sample of a phase whose share `bad` lies above 0.5 s: good samples spread
/// evenly over [0.05, 0.45] s, bad ones over [0.6, 2.0] s (a golden-ratio sequence, so any
/// run of samples covers the range).
fn sample(i: u64, bad: f64) -> f64 {
    let spread = (i as f64 * 0.618_033_988_749_895).fract();
    // Every 100 samples hold `bad * 100` bad ones.
    if ((i % 100) as f64) < bad * 100.0 {
        0.6 + 1.4 * spread
    } else {
        0.05 + 0.4 * spread
    }
}

/// The share of a phase's samples at or under `bound` (for a bound under 0.45 s).
fn truth_under(bound: f64, bad: f64) -> f64 {
    (1.0 - bad) * ((bound - 0.05) / 0.4).clamp(0.0, 1.0)
}

#[test]
fn a_latency_objective_gives_the_same_verdict_on_classic_and_native_histograms() {
    if is_child(NAME) {
        return child();
    }
    let (classic_port, native_port) = (free_port(), free_port());
    let dir = std::env::temp_dir().join(format!(
        "dataface-native-histograms-{}-{}",
        std::process::id(),
        free_port()
    ));
    let config = format!(
        "global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: classic\n    static_configs:\n      - targets: ['127.0.0.1:{classic_port}']\n  - job_name: native\n    static_configs:\n      - targets: ['127.0.0.1:{native_port}']\n"
    );
    let prometheus = Prometheus::start(&config, &["--enable-feature=native-histograms"], dir);
    // Both services start their traffic at the same second, after their start-up.
    let start = now().ceil() + 4.0;
    let children: Vec<_> = [("classic", classic_port), ("native", native_port)]
        .into_iter()
        .map(|(mode, port)| {
            let env = vec![
                ("OTEL_METRICS_EXPORTER", "prometheus".to_owned()),
                ("OTEL_EXPORTER_PROMETHEUS_HOST", "127.0.0.1".to_owned()),
                ("OTEL_EXPORTER_PROMETHEUS_PORT", port.to_string()),
                ("OTEL_TRACES_EXPORTER", "none".to_owned()),
                ("OTEL_LOGS_EXPORTER", "none".to_owned()),
                ("DATAFACE_LOG_STDERR", "false".to_owned()),
                ("DATAFACE_PROMETHEUS_HISTOGRAMS", mode.to_owned()),
                ("NATIVE_TEST_START", start.to_string()),
                ("NATIVE_TEST_JOB", mode.to_owned()),
                ("NATIVE_TEST_PROMETHEUS", prometheus.addr.to_string()),
            ];
            std::thread::spawn(move || {
                let env: Vec<(&str, String)> = env.iter().map(|(k, v)| (*k, v.clone())).collect();
                run_child(NAME, &env)
            })
        })
        .collect();
    for child in children {
        if let Err(panic) = child.join() {
            std::panic::resume_unwind(panic);
        }
    }

    let latency = objective();
    let Alerting::BurnRate {
        target, bad_ratio, ..
    } = latency.alerting()
    else {
        panic!("a latency objective alerts by burn rate");
    };
    let budget = 1.0 - target;
    let value = |expr: &str, at: f64| -> f64 {
        let data = prometheus
            .query_at(expr, Some(at))
            .unwrap_or_else(|e| panic!("{e}\n{expr}\n{}", prometheus.log()));
        let result = data["result"].as_array().cloned().unwrap_or_default();
        assert_eq!(result.len(), 1, "one series for {expr} at {at}: {data}");
        result[0]["value"][1]
            .as_str()
            .and_then(|v| v.parse().ok())
            .unwrap_or_else(|| panic!("a number: {data}"))
    };
    println!("objective: {}", latency.objective_text());
    for (phase, end, bad) in [
        ("healthy", start + PHASE, BAD_HEALTHY),
        ("slow", start + 2.0 * PHASE, BAD_SLOW),
    ] {
        let at = end - 0.5;
        let classic_expr = bad_ratio(WINDOW, &[]);
        let native_expr = latency.native_bad_ratio(WINDOW, &[]);
        let (classic, native) = (value(&classic_expr, at), value(&native_expr, at));
        // The package for native histograms (`generate --histograms native`) rewrites the
        // classic expression: it must read the same ratio off the native histogram.
        let names = telemetry_ops::native::histogram_names(telemetry_ops::OPERATIONS.catalog);
        let rewritten_expr = telemetry_ops::native::rewrite(&classic_expr, &names).unwrap();
        let rewritten = value(&rewritten_expr, at);
        assert!(
            (rewritten - native).abs() < 1e-9,
            "{phase}: the rewritten classic expression reads {rewritten}, the native one {native}\n{rewritten_expr}"
        );
        println!(
            "{phase}: bad ratio classic {classic:.4}, native {native:.4}, the package's rewrite of the classic form {rewritten:.4}, truth {bad:.4}, budget {budget:.4}"
        );
        assert_eq!(
            classic > budget,
            native > budget,
            "{phase}: the classic ({classic}) and native ({native}) verdicts differ\n{classic_expr}\n{native_expr}"
        );
        assert_eq!(native > budget, bad > budget, "{phase}: wrong verdict");
        for (path, v) in [("classic", classic), ("native", native)] {
            assert!(
                (v - bad).abs() < 0.01,
                "{phase}: the {path} bad ratio {v} is not within a point of {bad}"
            );
        }
        // The native events count matches the classic one.
        let events = value(
            &format!(
                "sum(increase(dataface_catalog_resolution_duration_seconds_count{{dataface_outcome=\"resolved\"}}[{WINDOW}]))"
            ),
            at,
        );
        let native_events = value(&latency.native_events(WINDOW, &[]), at);
        assert!(
            (events - native_events).abs() <= 0.05 * events,
            "{phase}: events classic {events}, native {native_events}"
        );

        // A threshold between the catalog's buckets (0.25 and 0.5).
        let under = |bound: f64| {
            value(
                &format!("histogram_fraction(0, {bound}, sum(rate(dataface_catalog_resolution_duration_seconds{{dataface_outcome=\"resolved\"}}[{WINDOW}])))"),
                at,
            )
        };
        let classic_under = |le: &str| {
            value(&format!("sum(rate(dataface_catalog_resolution_duration_seconds_bucket{{dataface_outcome=\"resolved\",le=\"{le}\"}}[{WINDOW}])) / sum(rate(dataface_catalog_resolution_duration_seconds_count{{dataface_outcome=\"resolved\"}}[{WINDOW}]))"), at)
        };
        let (native_03, truth_03) = (under(0.3), truth_under(0.3, bad));
        let (low, high) = (classic_under("0.25"), classic_under("0.5"));
        println!(
            "{phase}: share at or under 0.3 s: native {native_03:.4}, truth {truth_03:.4}; classic can only bracket it: [{low:.4}, {high:.4}]"
        );
        assert!(
            (native_03 - truth_03).abs() < 0.02,
            "{phase}: histogram_fraction(0, 0.3) = {native_03}, truth {truth_03}"
        );
        assert!(low < native_03 && native_03 < high);
    }

    // The fleet cost, as Prometheus holds it, right after the last sample: both services
    // are still up (once they exit, their series go stale).
    let count = |selector: &str| {
        prometheus
            .query_at(
                &format!("count({selector})"),
                Some(start + 2.0 * PHASE + 1.0),
            )
            .ok()
            .and_then(|d| d["result"][0]["value"][1].as_str().map(str::to_owned))
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(0.0)
    };
    let histogram = "__name__=~\"dataface_catalog_resolution_duration_seconds.*\"";
    let (classic_one, native_one) = (
        count(&format!("{{job=\"classic\",{histogram}}}")),
        count(&format!("{{job=\"native\",{histogram}}}")),
    );
    let (classic_all, native_all) = (
        count("{job=\"classic\",__name__=~\"dataface_.*\"}"),
        count("{job=\"native\",__name__=~\"dataface_.*\"}"),
    );
    println!(
        "series Prometheus holds: the resolution histogram classic {classic_one}, native {native_one}; every dataface_ series classic {classic_all}, native {native_all} ({:.2}x)",
        native_all / classic_all
    );
    // Scraped as protobuf, a classic bound is stored as Prometheus writes floats (`1.0`);
    // the generated rules match both forms.
    let (op, le) = telemetry_ops::promql::le_matcher(1.0);
    let stored_as = |le: &str| count(&format!("{{job=\"classic\",le=\"{le}\"}}"));
    let matched = count(&format!("{{job=\"classic\",le{op}\"{le}\"}}"));
    println!(
        "classic bound 1 stored as le=\"1.0\": {}, as le=\"1\": {}; matched by le{op}\"{le}\": {matched}",
        stored_as("1.0"),
        stored_as("1")
    );
    assert!(stored_as("1.0") > 0.0 && stored_as("1") == 0.0);
    assert_eq!(matched, stored_as("1.0"));
    // A series per label set against 13 buckets + `+Inf` + `_sum` + `_count`.
    assert!(native_one >= 2.0, "{native_one}");
    assert_eq!(classic_one, 16.0 * native_one);
    // Every other series is the same on both.
    assert_eq!(native_all - native_one, classic_all - classic_one);
}

/// One service: the two phases of traffic on the shared clock, then the check that what
/// Prometheus stored from the protobuf scrape equals the text scrape.
fn child() {
    let env = |k: &str| std::env::var(k).unwrap_or_else(|_| panic!("{k} is set"));
    let start: f64 = env("NATIVE_TEST_START").parse().unwrap();
    let job = env("NATIVE_TEST_JOB");
    let guard = dataface_telemetry::init("native-histograms-test").expect("init");
    let scrape_addr = guard.prometheus_addr().expect("a scrape endpoint");

    let resolved = |consumer: &'static str| {
        metrics::histogram!(
            "dataface.catalog.resolution.duration",
            "dataface.catalog.consumer" => consumer,
            "dataface.outcome" => "resolved"
        )
    };
    let (dashboards, mcp) = (resolved("dashboards"), resolved("mcp"));
    std::thread::sleep(Duration::from_secs_f64((start - now()).max(0.0)));
    let mut i = 0u64;
    let mut next = start;
    while now() < start + 2.0 * PHASE {
        let bad = if now() < start + PHASE {
            BAD_HEALTHY
        } else {
            BAD_SLOW
        };
        for _ in 0..PER_TICK {
            let h = if i % 2 == 0 { &dashboards } else { &mcp };
            h.record(sample(i / 2, bad));
            i += 1;
        }
        next += TICK.as_secs_f64();
        std::thread::sleep(Duration::from_secs_f64((next - now()).max(0.0)));
    }
    println!("{job}: {i} samples");
    // Two scrapes after the last sample.
    std::thread::sleep(Duration::from_millis(2500));

    let (status, text) = support::prometheus::get(scrape_addr, "/metrics").expect("a scrape");
    assert_eq!(status, 200);
    let scrape = Scrape::parse(&text).unwrap_or_else(|e| panic!("{e}"));
    let prometheus: std::net::SocketAddr = env("NATIVE_TEST_PROMETHEUS").parse().unwrap();
    let stored = stored_series(prometheus, &job);
    let mut compared = 0;
    let mut missing = Vec::new();
    for s in scrape.samples() {
        // Native histograms have no `_bucket`, `_sum` or `_count` series in Prometheus.
        if s.kind() == MetricType::Histogram && job == "native" {
            continue;
        }
        let mut labels = s.label_map();
        labels.insert("__name__".into(), s.name().to_owned());
        // Prometheus writes a bound it read from protobuf its own way (`1.0`, not `1`).
        if let Some(le) = labels.get_mut("le") {
            if let Ok(bound) = le.parse::<f64>() {
                if bound.is_finite() {
                    *le = telemetry_ops::promql::openmetrics_bound(bound);
                }
            }
        }
        match stored.get(&labels) {
            Some(v) => {
                assert!(
                    (v - s.value()).abs() <= 1e-9 * s.value().abs().max(1.0),
                    "{labels:?}: Prometheus stored {v}, the text scrape shows {}",
                    s.value()
                );
                compared += 1;
            }
            None => missing.push(labels),
        }
    }
    assert!(
        missing.is_empty(),
        "{job}: {} series of the text scrape are not in Prometheus, e.g. {:?}",
        missing.len(),
        missing.first()
    );
    assert!(compared >= 30, "{compared} series compared");
    println!("{job}: {compared} series stored by Prometheus equal the text scrape");
    guard.shutdown(Duration::from_secs(5)).expect("shutdown");
}

/// Every float series Prometheus holds for `job` now: labels (without `job` and
/// `instance`) → value.
fn stored_series(
    prometheus: std::net::SocketAddr,
    job: &str,
) -> BTreeMap<BTreeMap<String, String>, f64> {
    let data = support::prometheus::query_at(
        prometheus,
        &format!("{{job=\"{job}\",__name__=~\"dataface_.*\"}}"),
        None,
    )
    .unwrap_or_else(|e| panic!("Prometheus answers: {e}"));
    let mut out = BTreeMap::new();
    for series in data["result"].as_array().unwrap() {
        let Some(value) = series["value"][1].as_str() else {
            // A native histogram (`histogram`, not `value`).
            continue;
        };
        let mut labels: BTreeMap<String, String> =
            serde_json::from_value(series["metric"].clone()).unwrap();
        labels.remove("job");
        labels.remove("instance");
        out.insert(labels, value.parse().unwrap());
    }
    out
}
