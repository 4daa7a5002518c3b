//! Alerts: an objective with its severity, owner, summary and runbook text.
//!
//! The alerts of each surface live in [`alerts`](crate::alerts), one module per surface,
//! and read the probe crates' metric specs by constant, so a renamed metric is a compile
//! error there; [`Product::validate`](crate::Product::validate) checks every alert against
//! the catalog.

use crate::objective::Objective;
use serde::Serialize;
use telemetry_core::catalog::Owner;

/// How urgently a human must act.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AlertSeverity {
    /// Within the working day.
    Ticket,
    /// Now: wake someone up.
    Page,
}

impl AlertSeverity {
    /// The `severity` label value.
    pub const fn as_str(self) -> &'static str {
        match self {
            AlertSeverity::Ticket => "ticket",
            AlertSeverity::Page => "page",
        }
    }
}

/// What the person paged reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Runbook {
    /// What fired means for users.
    pub meaning: &'static str,
    /// What to look at first (the generated runbook adds the queries).
    pub first_checks: &'static [&'static str],
    /// How to stop the harm.
    pub mitigation: &'static [&'static str],
    /// How to roll back (release, contract version) where it applies; empty if nothing
    /// rolls back.
    pub rollback: &'static [&'static str],
    /// Who to call next, after the owner's on-call.
    pub escalation: &'static str,
    /// A message users can be sent while it is being fixed.
    pub user_message: &'static str,
}

/// An alert on an objective, with its owner and runbook.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct AlertSpec {
    /// The Prometheus alert name, UpperCamelCase (`CompileErrorBudgetBurn`).
    pub name: &'static str,
    /// What it watches.
    pub objective: Objective,
    /// Severity; burn-rate objectives page on fast burn and ticket on slow burn whatever
    /// this says, and use it as the fast-burn severity.
    pub severity: AlertSeverity,
    /// Who is paged.
    pub owner: Owner,
    /// One line: what is wrong.
    pub summary: &'static str,
    /// What to do.
    pub runbook: Runbook,
}
