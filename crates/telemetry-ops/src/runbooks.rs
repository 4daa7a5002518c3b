//! A markdown runbook per alert: what fired and what it means for users, the queries to
//! check first, mitigation, rollback, escalation to the owner, and a user message.

use crate::alert::AlertSpec;
use crate::objective::Alerting;
use crate::promql;
use crate::routing::OwnersFile;
use crate::support::{Communication, Person, SupportModel};
use serde::Serialize;
use telemetry_core::catalog::{prometheus_label, InstrumentKind, Section};

/// A query the runbook suggests: a title and one or more PromQL expressions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Query {
    /// What it shows.
    pub title: String,
    /// The expressions, one per line of the block.
    pub exprs: Vec<String>,
}

/// The queries a runbook suggests for `alert`: the alert's own ratio or expression, then
/// each selected series broken down by each of its labels.
pub fn queries(alert: &AlertSpec) -> Vec<Query> {
    let mut out = Vec::new();
    let o = &alert.objective;
    match o.alerting() {
        Alerting::BurnRate { by, .. } => {
            for scope in promql::scopes(by) {
                let title = match &scope {
                    promql::Scope::Fleet => {
                        "Bad-event ratio now (5 minutes) and over the last hour".to_owned()
                    }
                    promql::Scope::By(key) => {
                        format!("Bad-event ratio per {key} now (5 minutes) and over the last hour")
                    }
                };
                out.push(Query {
                    title,
                    exprs: vec![
                        promql::ratio_record(alert, &scope, "5m"),
                        promql::ratio_record(alert, &scope, "1h"),
                    ],
                });
            }
        }
        Alerting::Direct { expr, .. } => out.push(Query {
            title: "The alert's own expression".to_owned(),
            exprs: vec![expr],
        }),
    }
    for (metric, matchers) in o.selectors() {
        let series = promql::event_series(metric);
        let sel = promql::selector(matchers, &[]);
        for label in metric.labels {
            let l = prometheus_label(label.key);
            let q = match metric.kind {
                InstrumentKind::Gauge => format!("max by ({l}) ({series}{sel})"),
                _ => format!("sum by ({l}) (rate({series}{sel}[15m]))"),
            };
            out.push(Query {
                title: format!("{} by {}", metric.name, label.key),
                exprs: vec![q],
            });
        }
    }
    out.dedup();
    out
}

#[derive(Serialize)]
struct QueryView {
    title: String,
    lines: Vec<String>,
}

#[derive(Serialize)]
struct RouteView<'a> {
    page: &'a str,
    ticket: &'a str,
}

#[derive(Serialize)]
struct StepView {
    role: String,
    after_minutes: u32,
    people: String,
}

#[derive(Serialize)]
struct RunbookView<'a> {
    name: &'a str,
    surface: &'a str,
    owner: &'a str,
    severity: &'a str,
    burn_rate: bool,
    kind: &'a str,
    summary: &'a str,
    objective: String,
    meaning: &'a str,
    first_checks: &'a [&'a str],
    queries: Vec<QueryView>,
    mitigation: &'a [&'a str],
    rollback: &'a [&'a str],
    route: Option<RouteView<'a>>,
    escalation: &'a str,
    steps: Vec<StepView>,
    communication: Option<&'a Communication>,
    playbooks: Vec<(&'a str, &'a str)>,
    components: &'a [String],
    intake: Vec<&'a str>,
    incident_commander: Option<&'a str>,
    war_room: Option<&'a str>,
    user_message: &'a str,
}

/// The runbook of `alert` in `section` (template `templates/runbook.md`): its escalation
/// and communication sections come from the owner's team in `support`.
pub fn runbook(
    section: &Section,
    alert: &AlertSpec,
    owners: &OwnersFile,
    support: &SupportModel,
) -> String {
    runbook_with(section, alert, owners, support, queries(alert))
}

/// As [`runbook`], with its queries given (the package for native histograms passes them
/// rewritten).
pub fn runbook_with(
    section: &Section,
    alert: &AlertSpec,
    owners: &OwnersFile,
    support: &SupportModel,
    queries: Vec<Query>,
) -> String {
    let r = &alert.runbook;
    let team = support.team(alert.owner.id);
    let steps = team
        .map(|t| {
            t.escalation
                .iter()
                .map(|s| StepView {
                    role: s.role.clone(),
                    after_minutes: s.after_minutes,
                    people: support
                        .people(Some(t), &s.role)
                        .unwrap_or_default()
                        .iter()
                        .map(Person::label)
                        .collect::<Vec<_>>()
                        .join(", "),
                })
                .collect()
        })
        .unwrap_or_default();
    let kind = alert.objective.as_kind();
    crate::templates::render(
        crate::templates::RUNBOOK,
        &RunbookView {
            name: alert.name,
            surface: section.surface,
            owner: alert.owner.id,
            severity: alert.severity.as_str(),
            burn_rate: alert.objective.is_burn_rate(),
            kind: kind.name(),
            summary: alert.summary,
            objective: kind.runbook_line(),
            meaning: r.meaning,
            first_checks: r.first_checks,
            queries: queries
                .into_iter()
                .map(|q| QueryView {
                    title: q.title,
                    lines: q
                        .exprs
                        .iter()
                        .flat_map(|e| e.lines())
                        .map(str::to_owned)
                        .collect(),
                })
                .collect(),
            mitigation: r.mitigation,
            rollback: r.rollback,
            route: owners.route(alert.owner.id).map(|route| RouteView {
                page: &route.page,
                ticket: &route.ticket,
            }),
            escalation: r.escalation,
            steps,
            communication: team.map(|t| &t.communication),
            playbooks: support
                .playbooks
                .iter()
                .filter(|p| p.triggers.iter().any(|t| t == alert.name))
                .map(|p| (p.name.as_str(), p.title.as_str()))
                .collect(),
            components: support
                .status_page
                .iter()
                .find(|c| c.surface == section.surface)
                .map_or(&[], |c| c.components.as_slice()),
            intake: support
                .intake
                .iter()
                .filter(|i| i.check_alerts.iter().any(|a| a == alert.name))
                .map(|i| i.report.as_str())
                .collect(),
            incident_commander: owners.incident_commander.as_deref(),
            war_room: owners.war_room.as_deref(),
            user_message: r.user_message,
        },
    )
}
