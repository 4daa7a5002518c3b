//! A Grafana dashboard per surface: one panel per metric, querying its derived Prometheus
//! name, broken down by its labels.

use crate::alert::AlertSpec;
use crate::promql;
use serde_json::{json, Value};
use telemetry_core::catalog::{prometheus_label, InstrumentKind, MetricSpec, Section};

/// The dashboard variables every query is narrowed by: environment, service (the scrape
/// job) and instance; "All" matches a series without the label too.
const SCOPE: &str = r#"{environment=~"$environment",job=~"$service",instance=~"$instance"}"#;

/// The PromQL queries of a metric's panel: `(query, legend)`.
pub fn panel_queries(m: &MetricSpec) -> Vec<(String, String)> {
    let name = format!("{}{SCOPE}", m.prometheus_name());
    let by: Vec<String> = m.labels.iter().map(|l| prometheus_label(l.key)).collect();
    let by_clause = if by.is_empty() {
        String::new()
    } else {
        format!(" by ({})", by.join(", "))
    };
    let legend = if by.is_empty() {
        m.name.to_owned()
    } else {
        by.iter()
            .map(|l| format!("{l}={{{{{l}}}}}"))
            .collect::<Vec<_>>()
            .join(" ")
    };
    match m.kind {
        InstrumentKind::Counter => vec![(format!("sum{by_clause} (rate({name}[5m]))"), legend)],
        // A timestamp of 0 is "nothing yet": no data, not 56 years.
        InstrumentKind::Gauge if m.unit == "s" => vec![(
            format!("time() - max{by_clause} ({name} > 0)"),
            format!("age {legend}"),
        )],
        InstrumentKind::Gauge => vec![(format!("max{by_clause} ({name})"), legend)],
        InstrumentKind::Histogram => {
            let with_le = if by.is_empty() {
                "le".to_owned()
            } else {
                format!("le, {}", by.join(", "))
            };
            vec![
                (
                    format!(
                        "histogram_quantile(0.95, sum by ({with_le}) (rate({}_bucket{SCOPE}[5m])))",
                        m.prometheus_name()
                    ),
                    format!("p95 {legend}"),
                ),
                (
                    format!(
                        "sum{by_clause} (rate({}_count{SCOPE}[5m]))",
                        m.prometheus_name()
                    ),
                    format!("rate {legend}"),
                ),
            ]
        }
    }
}

fn unit(m: &MetricSpec) -> &'static str {
    match (m.kind, m.unit) {
        (InstrumentKind::Histogram, "s") => "s",
        (InstrumentKind::Gauge, "s") => "s",
        (_, "By") => "bytes",
        (InstrumentKind::Counter, _) => "ops",
        _ => "short",
    }
}

/// The dashboard JSON of a section, naming the alerts on it.
pub fn dashboard(section: &Section, alerts: &[AlertSpec]) -> Value {
    let mut panels = Vec::new();
    for (i, m) in section.metrics.iter().enumerate() {
        let targets: Vec<Value> = panel_queries(m)
            .into_iter()
            .enumerate()
            .map(|(j, (expr, legend))| {
                json!({
                    "refId": ((b'A' + j as u8) as char).to_string(),
                    "datasource": {"type": "prometheus", "uid": "${datasource}"},
                    "expr": expr,
                    "legendFormat": legend,
                })
            })
            .collect();
        panels.push(json!({
            "id": i + 1,
            "type": "timeseries",
            "title": m.name,
            "description": format!("{} Owner: {}. Prometheus: {}.", m.description, m.owner.id, m.prometheus_name()),
            "datasource": {"type": "prometheus", "uid": "${datasource}"},
            "gridPos": {"h": 8, "w": 12, "x": (i % 2) * 12, "y": (i / 2) * 8},
            "fieldConfig": {"defaults": {"unit": unit(m)}, "overrides": []},
            "options": {"legend": {"displayMode": "list", "placement": "bottom"}},
            "targets": targets,
        }));
    }
    let mut next_id = panels.len() + 1;
    let mut y = section.metrics.len().div_ceil(2) * 8;
    let mut push =
        |title: String, description: String, targets: Vec<(String, String)>, unit: &str| {
            let targets: Vec<Value> = targets
                .into_iter()
                .enumerate()
                .map(|(j, (expr, legend))| {
                    json!({
                        "refId": ((b'A' + j as u8) as char).to_string(),
                        "datasource": {"type": "prometheus", "uid": "${datasource}"},
                        "expr": expr,
                        "legendFormat": legend,
                    })
                })
                .collect();
            panels.push(json!({
                "id": next_id,
                "type": "timeseries",
                "title": title,
                "description": description,
                "datasource": {"type": "prometheus", "uid": "${datasource}"},
                "gridPos": {"h": 8, "w": 12, "x": ((next_id - 1) % 2) * 12, "y": y},
                "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
                "options": {"legend": {"displayMode": "list", "placement": "bottom"}},
                "targets": targets,
            }));
            if next_id % 2 == 0 {
                y += 8;
            }
            next_id += 1;
        };
    push(
        format!("Alerts firing on {}", section.surface),
        "The generated alerts of this surface by state (pending, firing).".into(),
        vec![(
            format!(
                "count by (alertname, alertstate, severity) (ALERTS{{surface=\"{}\"}})",
                section.surface
            ),
            "{{alertname}} {{alertstate}} ({{severity}})".into(),
        )],
        "short",
    );
    for a in alerts {
        if let crate::objective::Alerting::BurnRate { target, by, .. } = a.objective.alerting() {
            let mut targets = Vec::new();
            for scope in promql::scopes(by) {
                for w in ["1h", "6h", "1d"] {
                    let legend = match &scope {
                        promql::Scope::Fleet => format!("fleet {w}"),
                        promql::Scope::By(k) => {
                            format!("{}={{{{{}}}}} {w}", k, prometheus_label(k))
                        }
                    };
                    targets.push((promql::ratio_record(a, &scope, w), legend));
                }
            }
            targets.push((
                format!("vector({})", promql::trim_float(1.0 - target)),
                "error budget (1x burn)".into(),
            ));
            push(
                format!("{}: SLO burn", a.name),
                format!(
                    "Bad-event ratio of the {} objective ({}% good) per window, from its recording rules, against the error budget: a ratio at k x the budget burns it k times too fast.",
                    a.name,
                    promql::trim_float(target * 100.0)
                ),
                targets,
                "percentunit",
            );
        }
    }
    let alerts: Vec<String> = alerts.iter().map(|a| a.name.to_owned()).collect();
    json!({
        "uid": format!("dataface-{}", section.surface),
        "title": format!("Dataface · {}", section.surface),
        "description": format!("GENERATED by `dataface-telemetry dashboards` from the signal catalog: DO NOT EDIT. Alerts on this surface: {}.", if alerts.is_empty() { "none".to_owned() } else { alerts.join(", ") }),
        "tags": ["dataface", section.surface],
        "timezone": "utc",
        "schemaVersion": 39,
        "version": 1,
        "editable": false,
        "time": {"from": "now-6h", "to": "now"},
        "refresh": "30s",
        "templating": {"list": [
            {
                "name": "datasource",
                "type": "datasource",
                "query": "prometheus",
                "label": "Prometheus",
            },
            variable("environment", "Environment", "label_values(up, environment)"),
            variable("service", "Service", "label_values(up{environment=~\"$environment\"}, job)"),
            variable("instance", "Instance", "label_values(up{environment=~\"$environment\",job=~\"$service\"}, instance)"),
        ]},
        "panels": panels,
    })
}

/// The launch overview: every surface on one dashboard. Alerts firing by surface and
/// severity, the fleet burn rate (bad-event ratio over the error budget, 1 = burning exactly
/// the budget) of every burn-rate objective per surface from its recording rules, the scrape
/// targets up, and the telemetry the services drop.
pub fn launch_overview(product: &crate::Product) -> Value {
    let mut panels = Vec::new();
    let mut add =
        |title: String, description: String, targets: Vec<(String, String)>, unit: &str| {
            let i = panels.len();
            let targets: Vec<Value> = targets
                .into_iter()
                .enumerate()
                .map(|(j, (expr, legend))| {
                    json!({
                        "refId": ((b'A' + j as u8) as char).to_string(),
                        "datasource": {"type": "prometheus", "uid": "${datasource}"},
                        "expr": expr,
                        "legendFormat": legend,
                    })
                })
                .collect();
            panels.push(json!({
                "id": i + 1,
                "type": "timeseries",
                "title": title,
                "description": description,
                "datasource": {"type": "prometheus", "uid": "${datasource}"},
                "gridPos": {"h": 8, "w": 12, "x": (i % 2) * 12, "y": (i / 2) * 8},
                "fieldConfig": {"defaults": {"unit": unit}, "overrides": []},
                "options": {"legend": {"displayMode": "list", "placement": "bottom"}},
                "targets": targets,
            }));
        };
    add(
        "Alerts firing by surface".into(),
        "Every generated alert firing now, by surface and severity: pages first.".into(),
        vec![(
            "count by (surface, severity) (ALERTS{alertstate=\"firing\"})".into(),
            "{{surface}} {{severity}}".into(),
        )],
        "short",
    );
    add(
        "Scrape targets up".into(),
        "Scrape targets reporting, by service (job): a drop is a service or its telemetry gone."
            .into(),
        vec![(format!("sum by (job) (up{SCOPE})"), "{{job}}".into())],
        "short",
    );
    for section in product.catalog.sections {
        let alerts = product.alerts_of(section);
        let mut targets = Vec::new();
        for a in alerts {
            if let crate::objective::Alerting::BurnRate { target, .. } = a.objective.alerting() {
                targets.push((
                    format!(
                        "{} / {}",
                        promql::ratio_record(a, &promql::Scope::Fleet, "1h"),
                        promql::trim_float(1.0 - target)
                    ),
                    a.name.to_owned(),
                ));
            }
        }
        if targets.is_empty() {
            continue;
        }
        add(
            format!("{}: burn rate (1h)", section.surface),
            format!(
                "The fleet bad-event ratio of each {} objective over the last hour divided by its error budget: 1 burns exactly the budget, 14.4 pages.",
                section.surface
            ),
            targets,
            "short",
        );
    }
    add(
        "Telemetry dropped".into(),
        "Spans, logs and metrics the services drop, by reason (export_error: the collector is failing).".into(),
        vec![(
            format!(
                "sum by (dataface_telemetry_drop_reason) (rate({}{SCOPE}[5m]))",
                telemetry_core::self_metrics::DROPPED_SPEC.prometheus_name()
            ),
            "{{reason}}".into(),
        )],
        "ops",
    );
    json!({
        "uid": "dataface-launch-overview",
        "title": "Dataface · launch overview",
        "description": "GENERATED by `dataface-ops generate` from the signal catalog and the alerts: DO NOT EDIT. Every surface on one page; each surface's own dashboard has the detail.",
        "tags": ["dataface", "launch"],
        "timezone": "utc",
        "schemaVersion": 39,
        "version": 1,
        "editable": false,
        "time": {"from": "now-6h", "to": "now"},
        "refresh": "30s",
        "templating": {"list": [
            {
                "name": "datasource",
                "type": "datasource",
                "query": "prometheus",
                "label": "Prometheus",
            },
            variable("environment", "Environment", "label_values(up, environment)"),
            variable("service", "Service", "label_values(up{environment=~\"$environment\"}, job)"),
            variable("instance", "Instance", "label_values(up{environment=~\"$environment\",job=~\"$service\"}, instance)"),
        ]},
        "panels": panels,
    })
}

/// A query variable that may select all values ("All" matches a missing label too).
fn variable(name: &str, label: &str, query: &str) -> Value {
    json!({
        "name": name,
        "label": label,
        "type": "query",
        "datasource": {"type": "prometheus", "uid": "${datasource}"},
        "query": {"query": query, "refId": name},
        "includeAll": true,
        "allValue": ".*",
        "multi": true,
        "current": {"text": "All", "value": "$__all"},
        "refresh": 2,
    })
}

/// Every burn-rate recording rule a dashboard could chart, for cross-checks.
pub fn ratio_records(alerts: &[AlertSpec]) -> Vec<String> {
    alerts
        .iter()
        .flat_map(|a| match a.objective.alerting() {
            crate::objective::Alerting::BurnRate { by, .. } => promql::scopes(by)
                .into_iter()
                .flat_map(|scope| {
                    promql::WINDOWS
                        .iter()
                        .map(move |w| promql::ratio_record(a, &scope, w))
                        .collect::<Vec<_>>()
                })
                .collect::<Vec<_>>(),
            crate::objective::Alerting::Direct { .. } => Vec::new(),
        })
        .collect()
}
