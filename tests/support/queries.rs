//! Every query the operations package hands a person, evaluated by a real Prometheus
//! scraping the launch day (see `tests/runbook_queries.rs` and
//! `tests/runbook_queries_native.rs`, which include it beside `support`).

use crate::support::free_port;
use crate::support::prometheus::Prometheus;
use dataface_telemetry::core::config::{PrometheusHistograms, Signal};
use launch_day::LaunchDay;
use std::collections::{BTreeMap, HashSet};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;
use telemetry_ops::native::Histograms;
use telemetry_ops::objective::Alerting;
use telemetry_ops::rules::RunbookLinks;
use telemetry_ops::OPERATIONS;

/// How long the launch day runs while Prometheus scrapes it.
const DAY: Duration = Duration::from_secs(25);

/// Starts Prometheus scraping `target` every second with the generated rules of `dir`
/// (asking for native histograms when `native`).
fn start_prometheus(
    target: SocketAddr,
    rules: &[PathBuf],
    dir: PathBuf,
    native: bool,
) -> Prometheus {
    let rule_files: String = rules
        .iter()
        .map(|r| format!("  - {}\n", r.display()))
        .collect();
    let config = format!(
        "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nrule_files:\n{rule_files}scrape_configs:\n  - job_name: dataface-launch-day\n    static_configs:\n      - targets: ['{target}']\n"
    );
    let flags: &[&str] = if native {
        &["--enable-feature=native-histograms"]
    } else {
        &[]
    };
    Prometheus::start(&config, flags, dir)
}

/// Where a query comes from, and whether it must return series.
struct Query {
    place: String,
    expr: String,
    must_return_series: bool,
}

/// Every query of the package: runbooks, dashboards (their variables set to "All"), the
/// launch overview, recording rules and alert expressions.
fn every_query(histograms: Histograms) -> Vec<Query> {
    let all = |expr: &str| {
        expr.replace("$environment", ".*")
            .replace("$service", ".*")
            .replace("$instance", ".*")
    };
    let mut out = Vec::new();
    let mut dashboard = |name: &str, json: &serde_json::Value| {
        for panel in json["panels"].as_array().unwrap() {
            for target in panel["targets"].as_array().unwrap() {
                let expr = target["expr"].as_str().unwrap();
                out.push(Query {
                    place: format!("{name} dashboard, panel {}", panel["title"]),
                    expr: all(expr),
                    // Alert state exists while an alert is pending or firing only.
                    must_return_series: !expr.contains("ALERTS{"),
                });
            }
        }
    };
    dashboard(
        "launch overview",
        &telemetry_ops::dashboards::launch_overview(&OPERATIONS),
    );
    for section in OPERATIONS.catalog.sections {
        let alerts = OPERATIONS.alerts_of(section);
        dashboard(
            section.surface,
            &telemetry_ops::dashboards::dashboard(section, alerts),
        );
    }
    for alert in OPERATIONS.alerts() {
        for query in telemetry_ops::runbooks::queries(alert) {
            let own_expression = matches!(alert.objective.alerting(), Alerting::Direct { .. })
                && query.title == "The alert's own expression";
            for expr in query.exprs {
                out.push(Query {
                    place: format!("runbook {} ({})", alert.name, query.title),
                    expr,
                    must_return_series: !own_expression,
                });
            }
        }
    }
    let links = RunbookLinks {
        base: "runbooks".into(),
    };
    for section in OPERATIONS.catalog.sections {
        let alerts = OPERATIONS.alerts_of(section);
        if let Some(rules) = telemetry_ops::rules::rules(section, alerts, &links) {
            for rule in rules.groups.iter().flat_map(|g| &g.rules) {
                match rule {
                    telemetry_ops::rules::Rule::Recording(r) => out.push(Query {
                        place: format!("recording rule {}", r.record),
                        expr: r.expr.clone(),
                        must_return_series: true,
                    }),
                    telemetry_ops::rules::Rule::Alerting(a) => out.push(Query {
                        place: format!("alert {}", a.alert),
                        expr: a.expr.clone(),
                        must_return_series: false,
                    }),
                }
            }
        }
    }
    if histograms == Histograms::Native {
        // As the package rewrites them (`telemetry_ops::package_for`).
        let names: HashSet<String> = telemetry_ops::native::histogram_names(OPERATIONS.catalog);
        for q in &mut out {
            q.expr = telemetry_ops::native::rewrite(&q.expr, &names)
                .unwrap_or_else(|e| panic!("{}: {e}", q.place));
        }
    }
    out
}

/// Queries that return series only while something is wrong. They must evaluate; empty is
/// their healthy answer:
/// - a timestamp gauge read as an age (`> 0`) of a state the healthy part of the day
///   leaves empty (nothing waiting reads 0);
/// - the pipeline's own problem counters, created by their first occurrence (a
///   configuration warning, a label value over its declared set): a clean process has none.
fn only_while_something_is_wrong(expr: &str) -> bool {
    let waiting = [
        // A project waiting in a transitional state or left failed.
        "dataface_cloud_project_transitional_since_seconds",
        "dataface_cloud_project_failed_since_seconds",
        // A billing event waiting for the provider.
        "dataface_billing_events_oldest_pending_seconds",
    ]
    .iter()
    .any(|series| expr.contains(series) && expr.contains("> 0"));
    let first_occurrence = [
        "dataface_telemetry_config_warnings_total",
        "dataface_telemetry_cardinality_overflow_total",
    ]
    .iter()
    .any(|series| expr.contains(series));
    waiting || first_occurrence
}

/// Runs the launch day with the scrape serving `histograms`, Prometheus scraping it with the
/// package generated for them, and checks every query; prints what it evaluated.
pub(crate) fn every_query_evaluates(histograms: Histograms) {
    let native = histograms == Histograms::Native;
    let guard = dataface_telemetry::init_with(
        "launch-day-queries",
        dataface_telemetry::local_defaults()
            .prometheus_addr("127.0.0.1:0".parse().unwrap())
            .prometheus_histograms(if native {
                PrometheusHistograms::Native
            } else {
                PrometheusHistograms::Classic
            })
            .log_stderr(false),
    )
    .expect("init");
    assert!(guard.config().exporters.get(Signal::Metrics).prometheus);
    let target = guard.prometheus_addr().expect("a scrape endpoint");

    let dir = std::env::temp_dir().join(format!(
        "dataface-runbook-queries-{}-{}",
        std::process::id(),
        free_port()
    ));
    let links = RunbookLinks {
        base: "runbooks".into(),
    };
    let owners = telemetry_ops::routing::OwnersFile::parse(
        include_str!("../../ops/owners.txt"),
        &OPERATIONS,
    )
    .expect("ops/owners.txt");
    let support =
        telemetry_ops::support::SupportModel::parse(include_str!("../../ops/support.yaml"))
            .expect("ops/support.yaml");
    let written =
        telemetry_ops::generate_for(&OPERATIONS, &owners, &support, &links, &dir, histograms)
            .expect("generate the package");
    let rules: Vec<PathBuf> = written
        .into_iter()
        .filter(|p| {
            p.extension().is_some_and(|e| e == "yml") && p.to_string_lossy().ends_with(".rules.yml")
        })
        .collect();
    assert!(rules.len() >= 6, "{rules:?}");
    let prometheus = start_prometheus(target, &rules, dir, native);

    let report = LaunchDay::new(DAY).run(|_| {});
    assert!(report.operations_total() > 0);
    // Let the last scrapes and rule evaluations land.
    std::thread::sleep(Duration::from_secs(3));
    assert_eq!(
        prometheus.query("up{job=\"dataface-launch-day\"} == 1"),
        Ok(1),
        "Prometheus scrapes the launch day"
    );

    let queries = every_query(histograms);
    let mut errors = Vec::new();
    let mut empty = Vec::new();
    let mut by_place: BTreeMap<&str, usize> = BTreeMap::new();
    for q in &queries {
        *by_place
            .entry(q.place.split_whitespace().next().unwrap_or(""))
            .or_default() += 1;
        match prometheus.query(&q.expr) {
            Err(e) => errors.push(format!("{}: {e}\n    {}", q.place, q.expr)),
            Ok(0) if q.must_return_series && !only_while_something_is_wrong(&q.expr) => {
                empty.push(format!("{}:\n    {}", q.place, q.expr))
            }
            Ok(_) => {}
        }
    }
    println!("{} queries evaluated: {by_place:?}", queries.len());
    assert!(queries.len() > 300, "{} queries", queries.len());
    assert!(
        errors.is_empty(),
        "{} queries fail on Prometheus:\n{}",
        errors.len(),
        errors.join("\n")
    );
    assert!(
        empty.is_empty(),
        "{} queries return no series after a launch day:\n{}",
        empty.len(),
        empty.join("\n")
    );
    drop(prometheus);
    guard.shutdown(Duration::from_secs(5)).expect("shutdown");
}
