//! Prometheus rule files: recording rules for the burn-rate ratios and the alerts, labelled
//! with severity, owner and surface, annotated with summary, description and runbook URL.

use crate::promql::{self, PAGE_BURNS, TICKET_BURNS, WINDOWS};
use crate::yaml::{map, Yaml};
use telemetry_core::catalog::{AlertSeverity, AlertSpec, Objective, Section};

/// Where runbooks live: `{base}/{surface}/{AlertName}.md`.
#[derive(Debug, Clone)]
pub struct RunbookLinks {
    /// The base URL (or path) the generated runbooks are published under.
    pub base: String,
}

impl RunbookLinks {
    /// The runbook URL of `alert` in `surface`.
    pub fn url(&self, surface: &str, alert: &AlertSpec) -> String {
        format!(
            "{}/{surface}/{}.md",
            self.base.trim_end_matches('/'),
            alert.name
        )
    }
}

fn objective_text(o: &Objective) -> String {
    match o {
        Objective::ErrorRatio { target, .. } => format!(
            "Objective: {}% of events are good (error budget {}%).",
            promql::trim_float(target * 100.0),
            promql::trim_float((1.0 - target) * 100.0)
        ),
        Objective::Latency {
            threshold, target, ..
        } => format!(
            "Objective: {}% of samples at or under {}.",
            promql::trim_float(target * 100.0),
            promql::format_bound(*threshold)
        ),
        Objective::Freshness { max_age, .. } => format!(
            "Objective: the watched timestamp is younger than {}.",
            promql::duration(*max_age)
        ),
        Objective::Expiry { min_remaining, .. } => format!(
            "Objective: at least {} left before expiry.",
            promql::duration(*min_remaining)
        ),
        Objective::BrokenState { window, .. } => format!(
            "Objective: this never happens (any occurrence in {} fires).",
            promql::duration(*window)
        ),
        Objective::Absence { for_seconds, .. } => format!(
            "Objective: the series exists (missing for {} fires).",
            promql::duration(*for_seconds)
        ),
        Objective::Threshold {
            max, for_seconds, ..
        } => format!(
            "Objective: at most {} (above it for {} fires).",
            promql::trim_float(*max),
            promql::duration(*for_seconds)
        ),
    }
}

fn value_text(o: &Objective) -> &'static str {
    match o {
        Objective::ErrorRatio { .. } | Objective::Latency { .. } => {
            "Bad-event ratio over the long window: {{ $value | humanizePercentage }}."
        }
        Objective::Freshness { .. } => {
            "Time since the last success: {{ $value | humanizeDuration }}."
        }
        Objective::Expiry { .. } => "Time left: {{ $value | humanizeDuration }}.",
        Objective::BrokenState { .. } => "Occurrences in the window: {{ $value }}.",
        Objective::Absence { .. } => "The series is absent.",
        Objective::Threshold { .. } => "Current value: {{ $value }}.",
    }
}

fn alert_rule(
    surface: &str,
    alert: &AlertSpec,
    severity: AlertSeverity,
    burn: Option<&str>,
    expr: String,
    for_: &str,
    links: &RunbookLinks,
) -> Yaml {
    let mut entries = vec![
        ("alert".to_owned(), Yaml::from(alert.name)),
        ("expr".to_owned(), Yaml::from(expr)),
    ];
    if !for_.is_empty() {
        entries.push(("for".to_owned(), Yaml::from(for_)));
    }
    let mut labels = vec![
        ("severity", severity.as_str()),
        ("owner", alert.owner.id),
        ("surface", surface),
        ("objective", alert.objective.kind()),
    ];
    if let Some(burn) = burn {
        labels.push(("burn", burn));
    }
    entries.push(("labels".to_owned(), map(labels)));
    entries.push((
        "annotations".to_owned(),
        map([
            ("summary", alert.summary.to_owned()),
            (
                "description",
                format!(
                    "{} {} {} Owner: {}.",
                    alert.runbook.meaning,
                    objective_text(&alert.objective),
                    value_text(&alert.objective),
                    alert.owner.id
                ),
            ),
            ("runbook_url", links.url(surface, alert)),
        ]),
    ));
    Yaml::Map(entries)
}

/// The recording rules of a section: each burn-rate alert's bad-event ratio per window.
pub fn recording_rules(section: &Section) -> Vec<Yaml> {
    let mut rules = Vec::new();
    for alert in section.alerts {
        for window in WINDOWS {
            if let Some(expr) = promql::bad_ratio(&alert.objective, window) {
                rules.push(map([
                    ("record", promql::ratio_record(alert, window)),
                    ("expr", expr),
                ]));
            }
        }
    }
    rules
}

/// The alerting rules of a section.
pub fn alert_rules(section: &Section, links: &RunbookLinks) -> Vec<Yaml> {
    let mut rules = Vec::new();
    for alert in section.alerts {
        if alert.objective.is_burn_rate() {
            rules.push(alert_rule(
                section.surface,
                alert,
                alert.severity,
                Some("fast"),
                promql::burn_expr(alert, PAGE_BURNS),
                "2m",
                links,
            ));
            rules.push(alert_rule(
                section.surface,
                alert,
                AlertSeverity::Ticket,
                Some("slow"),
                promql::burn_expr(alert, TICKET_BURNS),
                "15m",
                links,
            ));
        } else if let Some(expr) = promql::simple_expr(&alert.objective) {
            let for_ = match &alert.objective {
                Objective::Absence { for_seconds, .. }
                | Objective::Threshold { for_seconds, .. } => promql::duration(*for_seconds),
                o => promql::simple_for(o).to_owned(),
            };
            rules.push(alert_rule(
                section.surface,
                alert,
                alert.severity,
                None,
                expr,
                &for_,
                links,
            ));
        }
    }
    rules
}

/// The rule file of a section (`None` when the section declares no alert).
pub fn rule_file(section: &Section, links: &RunbookLinks) -> Option<String> {
    if section.alerts.is_empty() {
        return None;
    }
    let mut groups = Vec::new();
    let recording = recording_rules(section);
    if !recording.is_empty() {
        groups.push(map([
            (
                "name",
                Yaml::from(format!("dataface-{}-ratios", section.surface)),
            ),
            ("rules", Yaml::List(recording)),
        ]));
    }
    groups.push(map([
        (
            "name",
            Yaml::from(format!("dataface-{}-alerts", section.surface)),
        ),
        ("rules", Yaml::List(alert_rules(section, links))),
    ]));
    Some(crate::yaml::document(
        &format!(
            "Prometheus rules for the {} surface.\nGENERATED by `dataface-ops alerts` from the signal catalog: DO NOT EDIT.",
            section.surface
        ),
        &map([("groups", Yaml::List(groups))]),
    ))
}
