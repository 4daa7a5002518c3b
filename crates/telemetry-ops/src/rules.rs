//! Prometheus rule files: recording rules for the burn-rate ratios and the alerts, labelled
//! with severity, owner and surface, annotated with summary, description and runbook URL.
//! The file is a typed [`RuleFile`], written (and read back by the tests) with `yaml_serde`.

use crate::alert::{AlertSeverity, AlertSpec};
use crate::objective::Alerting;
use crate::promql::{self, PAGE_BURNS, TICKET_BURNS, WINDOWS};
use serde::{Deserialize, Serialize};
use telemetry_core::catalog::Section;

/// A Prometheus rule file (`rule_files:` of the Prometheus configuration).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleFile {
    /// Rule groups, evaluated in order.
    pub groups: Vec<RuleGroup>,
}

/// A named group of rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RuleGroup {
    /// The group name (`dataface-compiler-alerts`).
    pub name: String,
    /// Its rules.
    pub rules: Vec<Rule>,
}

/// A recording or an alerting rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Rule {
    /// A recording rule.
    Recording(RecordingRule),
    /// An alerting rule.
    Alerting(Box<AlertingRule>),
}

/// A recording rule: a series computed from an expression.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordingRule {
    /// The recorded series' name (`dataface:<alert>:bad_ratio_rate5m`).
    pub record: String,
    /// The PromQL it records.
    pub expr: String,
}

/// An alerting rule.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertingRule {
    /// The alert name.
    pub alert: String,
    /// The PromQL that fires it.
    pub expr: String,
    /// How long the expression must hold before the alert fires (`5m`, `0s`).
    #[serde(rename = "for", default, skip_serializing_if = "Option::is_none")]
    pub hold: Option<String>,
    /// Routing labels.
    pub labels: AlertLabels,
    /// What people read.
    pub annotations: AlertAnnotations,
}

/// The labels every generated alert carries: Alertmanager routes on them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertLabels {
    /// `page` or `ticket`.
    pub severity: String,
    /// The owner id paged.
    pub owner: String,
    /// The product surface.
    pub surface: String,
    /// The objective kind (`error_ratio`, `freshness` ...).
    pub objective: String,
    /// `fast` or `slow` on burn-rate alerts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub burn: Option<String>,
    /// `shared` on a shared-infrastructure outage (the routing inhibits its downstream
    /// pages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

/// The annotations every generated alert carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertAnnotations {
    /// One line: what is wrong.
    pub summary: String,
    /// What it means, the objective, the value, the owner (Prometheus templates allowed).
    pub description: String,
    /// Where the runbook is.
    pub runbook_url: String,
}

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

fn alert_rule(
    surface: &str,
    alert: &AlertSpec,
    severity: AlertSeverity,
    burn: Option<&str>,
    expr: String,
    hold: &str,
    links: &RunbookLinks,
) -> AlertingRule {
    let kind = alert.objective.as_kind();
    AlertingRule {
        alert: alert.name.to_owned(),
        expr,
        hold: (!hold.is_empty()).then(|| hold.to_owned()),
        labels: AlertLabels {
            severity: severity.as_str().to_owned(),
            owner: alert.owner.id.to_owned(),
            surface: surface.to_owned(),
            objective: kind.name().to_owned(),
            burn: burn.map(str::to_owned),
            scope: kind.scope().map(str::to_owned),
        },
        annotations: AlertAnnotations {
            summary: alert.summary.to_owned(),
            description: format!(
                "{} {} {} Owner: {}.",
                alert.runbook.meaning,
                kind.objective_text(),
                kind.value_text(),
                alert.owner.id
            ),
            runbook_url: links.url(surface, alert),
        },
    }
}

/// The recording rules of a section's alerts: each burn-rate alert's bad-event ratio and
/// event count per window, for the fleet and per dimension.
pub fn recording_rules(alerts: &[AlertSpec]) -> Vec<RecordingRule> {
    let mut rules = Vec::new();
    for alert in alerts {
        if let Alerting::BurnRate {
            bad_ratio,
            events,
            by,
            ..
        } = alert.objective.alerting()
        {
            for scope in promql::scopes(by) {
                let labels = scope.labels();
                for window in WINDOWS {
                    rules.push(RecordingRule {
                        record: promql::ratio_record(alert, &scope, window),
                        expr: bad_ratio(window, &labels),
                    });
                    rules.push(RecordingRule {
                        record: promql::events_record(alert, &scope, window),
                        expr: events(window, &labels),
                    });
                }
            }
        }
    }
    rules
}

/// The alerting rules of a section's alerts (`surface` labels them).
pub fn alert_rules(surface: &str, alerts: &[AlertSpec], links: &RunbookLinks) -> Vec<AlertingRule> {
    let mut rules = Vec::new();
    for alert in alerts {
        match alert.objective.alerting() {
            Alerting::BurnRate { .. } => {
                rules.push(alert_rule(
                    surface,
                    alert,
                    alert.severity,
                    Some("fast"),
                    promql::burn_expr(alert, PAGE_BURNS),
                    "2m",
                    links,
                ));
                rules.push(alert_rule(
                    surface,
                    alert,
                    AlertSeverity::Ticket,
                    Some("slow"),
                    promql::burn_expr(alert, TICKET_BURNS),
                    "15m",
                    links,
                ));
            }
            Alerting::Direct { expr, hold } => {
                rules.push(alert_rule(
                    surface,
                    alert,
                    alert.severity,
                    None,
                    expr,
                    &hold,
                    links,
                ));
            }
        }
    }
    rules
}

/// The rules of a section and its alerts (`None` when it has no alert): a group of
/// recording rules when a burn-rate alert needs them, then the alerts.
pub fn rules(section: &Section, alerts: &[AlertSpec], links: &RunbookLinks) -> Option<RuleFile> {
    if alerts.is_empty() {
        return None;
    }
    let mut groups = Vec::new();
    let recording = recording_rules(alerts);
    if !recording.is_empty() {
        groups.push(RuleGroup {
            name: format!("dataface-{}-ratios", section.surface),
            rules: recording.into_iter().map(Rule::Recording).collect(),
        });
    }
    groups.push(RuleGroup {
        name: format!("dataface-{}-alerts", section.surface),
        rules: alert_rules(section.surface, alerts, links)
            .into_iter()
            .map(|r| Rule::Alerting(Box::new(r)))
            .collect(),
    });
    Some(RuleFile { groups })
}

/// The rule file of a section and its alerts, as YAML (`None` when it has no alert).
pub fn rule_file(section: &Section, alerts: &[AlertSpec], links: &RunbookLinks) -> Option<String> {
    rules(section, alerts, links).map(|file| rule_document(section, &file))
}

/// The YAML document of a section's rule file, under its header.
pub fn rule_document(section: &Section, file: &RuleFile) -> String {
    crate::yaml_document(
        &format!(
            "Prometheus rules for the {} surface.\nGENERATED by `dataface-ops alerts` from the signal catalog: DO NOT EDIT.",
            section.surface
        ),
        file,
    )
}

/// The Watchdog: an alert that always fires, routed to a dead man's switch that alarms
/// when the Watchdog stops arriving (Prometheus, its rules or Alertmanager are down).
pub fn watchdog_rules() -> RuleFile {
    RuleFile {
        groups: vec![RuleGroup {
            name: "dataface-watchdog".into(),
            rules: vec![Rule::Alerting(Box::new(AlertingRule {
                alert: "Watchdog".into(),
                expr: "vector(1)".into(),
                hold: None,
                labels: AlertLabels {
                    severity: "none".into(),
                    owner: telemetry_core::catalog::owners::OBSERVABILITY_PLATFORM.id.into(),
                    surface: "telemetry".into(),
                    objective: "watchdog".into(),
                    burn: None,
                    scope: None,
                },
                annotations: AlertAnnotations {
                    summary: "Always firing: the alerting pipeline works.".into(),
                    description: "This alert always fires. The dead man's switch it is routed to alarms when it stops arriving: Prometheus, its rules or Alertmanager are down. Owner: observability-platform.".into(),
                    runbook_url: String::new(),
                },
            }))],
        }],
    }
}

/// The Watchdog rule file with its `promtool` test, as `(rules, test)` YAML; the test reads
/// the rules as `../watchdog.rules.yml`.
pub fn watchdog_files() -> (String, String) {
    let rules = crate::yaml_document(
        "The Watchdog: always firing, routed to the dead man's switch.\nGENERATED by `dataface-ops generate`: DO NOT EDIT.",
        &watchdog_rules(),
    );
    let rule = match &watchdog_rules().groups[0].rules[0] {
        Rule::Alerting(a) => a.as_ref().clone(),
        Rule::Recording(_) => unreachable!("the Watchdog is an alert"),
    };
    let test = serde_json::json!({
        "rule_files": ["../watchdog.rules.yml"],
        "evaluation_interval": "1m",
        "tests": [{
            "name": "Watchdog fires: always, with no series at all",
            "interval": "1m",
            "input_series": [],
            "alert_rule_test": [
                {"eval_time": "0m", "alertname": "Watchdog", "exp_alerts": [{
                    "exp_labels": rule.labels,
                    "exp_annotations": rule.annotations,
                }]},
                {"eval_time": "1d", "alertname": "Watchdog", "exp_alerts": [{
                    "exp_labels": rule.labels,
                    "exp_annotations": rule.annotations,
                }]},
                {"eval_time": "1m", "alertname": "NoSuchAlert", "exp_alerts": []},
            ],
        }],
    });
    let test = crate::yaml_document(
        "promtool unit test of the Watchdog.\nGENERATED by `dataface-ops generate`: DO NOT EDIT.",
        &test,
    );
    (rules, test)
}
