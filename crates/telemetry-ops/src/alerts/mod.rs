//! Every surface's alerts, one module per surface, each on the metric specs its probe crate
//! declares (by constant: a renamed metric is a compile error here), and the rules an alert
//! must keep ([`validate`]).

pub mod cloud;
pub mod compiler;
pub mod context;
pub mod integrations;
pub mod profiler;
pub mod telemetry;

use crate::alert::AlertSpec;
use std::collections::HashSet;
use std::fmt;
use telemetry_core::catalog::{Catalog, LabelValues, Section};

/// One catalog section and the alerts on it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Surface {
    /// The section, as its crate declares it.
    pub section: &'static Section,
    /// Its objectives and alerts.
    pub alerts: &'static [AlertSpec],
}

/// Every surface of the product with its alerts, in the product catalog's order.
pub static SURFACES: &[Surface] = &[
    telemetry::SURFACE,
    compiler::SURFACE,
    context::SURFACE,
    profiler::SURFACE,
    cloud::SURFACE,
    integrations::SURFACE,
];

/// A rule an alert must keep.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AlertRule {
    /// Alert names are unique across the product.
    UniqueName,
    /// Alert names are UpperCamelCase.
    NamingConvention,
    /// The owner paged is declared by a section of the catalog.
    KnownOwner,
    /// A summary and a runbook (meaning, first checks, mitigation, escalation, user message).
    Documented,
    /// The objective reads declared metrics of the right kind, with declared labels and
    /// values, and keeps its kind's own rules.
    Objective,
    /// The alerts belong to a section of the catalog.
    Surface,
}

impl AlertRule {
    fn text(self) -> &'static str {
        match self {
            AlertRule::UniqueName => "alert names must be unique across the product",
            AlertRule::NamingConvention => "alert names are UpperCamelCase",
            AlertRule::KnownOwner => "the owner paged must be declared by a section of the catalog",
            AlertRule::Documented => "every alert needs a summary and a runbook: meaning, first checks, mitigation, escalation and a user message",
            AlertRule::Objective => "objectives read catalog metrics of the right kind with declared labels and values; latency thresholds sit on a bucket boundary; targets lie strictly between 0 and 1",
            AlertRule::Surface => "alerts are declared for a section the catalog holds",
        }
    }
}

/// One violation: which alert broke which rule, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AlertViolation {
    /// The entry, e.g. `alert CompilerCompileErrorBudgetBurn`.
    pub entry: String,
    /// The rule it broke.
    pub rule: AlertRule,
    /// What exactly is wrong.
    pub detail: String,
}

impl fmt::Display for AlertViolation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} ({:?}: {})",
            self.entry,
            self.detail,
            self.rule,
            self.rule.text()
        )
    }
}

/// Every violation [`validate`] found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the alerts break {} rule(s):\n  {}", .0.len(), .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n  "))]
pub struct AlertViolations(pub Vec<AlertViolation>);

/// Checks every alert of `surfaces` against `catalog`; returns all violations at once.
///
/// # Errors
/// [`AlertViolations`] listing every violation, each naming the alert and the rule.
pub fn validate(catalog: &Catalog, surfaces: &[Surface]) -> Result<(), AlertViolations> {
    let mut errors = Vec::new();
    let mut err = |entry: String, rule: AlertRule, detail: String| {
        errors.push(AlertViolation {
            entry,
            rule,
            detail,
        })
    };
    let mut names = HashSet::new();
    for surface in surfaces {
        if !catalog.sections.contains(&surface.section) {
            err(
                format!("surface {}", surface.section.surface),
                AlertRule::Surface,
                "the catalog does not hold this section".into(),
            );
        }
        for a in surface.alerts {
            let entry = format!("alert {}", a.name);
            if !names.insert(a.name) {
                err(
                    entry.clone(),
                    AlertRule::UniqueName,
                    "declared twice".into(),
                );
            }
            let camel = a.name.starts_with(|c: char| c.is_ascii_uppercase())
                && a.name.chars().all(|c| c.is_ascii_alphanumeric());
            if !camel {
                err(
                    entry.clone(),
                    AlertRule::NamingConvention,
                    "alert names are UpperCamelCase".into(),
                );
            }
            match catalog.owner(a.owner.id) {
                Some(declared) if *declared == a.owner => {}
                Some(_) => err(
                    entry.clone(),
                    AlertRule::KnownOwner,
                    format!(
                        "owner {:?} differs from the one the catalog declares",
                        a.owner.id
                    ),
                ),
                None => err(
                    entry.clone(),
                    AlertRule::KnownOwner,
                    format!(
                        "unknown owner {:?}: no section of the catalog declares it",
                        a.owner.id
                    ),
                ),
            }
            let r = &a.runbook;
            if a.summary.trim().is_empty()
                || r.meaning.trim().is_empty()
                || r.first_checks.is_empty()
                || r.mitigation.is_empty()
                || r.escalation.trim().is_empty()
                || r.user_message.trim().is_empty()
            {
                err(
                    entry.clone(),
                    AlertRule::Documented,
                    "needs a summary and a runbook: meaning, first checks, mitigation, escalation and a user message".into(),
                );
            }
            for problem in objective_problems(catalog, a) {
                err(entry.clone(), AlertRule::Objective, problem);
            }
        }
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(AlertViolations(errors))
    }
}

/// The problems of an alert's objective: the metrics, labels and values its selectors name,
/// then its kind's own rules.
fn objective_problems(catalog: &Catalog, alert: &AlertSpec) -> Vec<String> {
    let mut out = Vec::new();
    for (metric, matchers) in alert.objective.selectors() {
        match catalog.metric(metric.name) {
            Some(declared) if declared == metric => {}
            Some(_) => out.push(format!(
                "reads {} as declared elsewhere, not as this catalog declares it",
                metric.name
            )),
            None => out.push(format!(
                "reads {}, which the catalog does not declare",
                metric.name
            )),
        }
        for m in matchers {
            match metric.label(m.label) {
                None => out.push(format!(
                    "matches label {:?}, which {} does not declare",
                    m.label, metric.name
                )),
                Some(l) => {
                    if let LabelValues::Enumerated(values) = l.values {
                        if !values.contains(&m.value) {
                            out.push(format!(
                                "matches {}={:?}, outside the declared values of {}",
                                m.label, m.value, metric.name
                            ));
                        }
                    }
                }
            }
        }
    }
    out.extend(alert.objective.as_kind().problems());
    out
}
