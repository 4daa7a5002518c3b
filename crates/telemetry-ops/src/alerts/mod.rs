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
use crate::native::Histograms;
use crate::objective::{Matcher, Objective};
use std::collections::HashSet;
use std::fmt;
use telemetry_core::catalog::{
    Catalog, ErrorClass, ErrorCodeSpec, LabelValues, MetricSpec, Section,
};

/// The label error codes are recorded under on error counters (`error.type`).
pub const ERROR_TYPE: &str = "error.type";

const fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// The declared `error.type` values of `metric` (none when it has no enumerated
/// `error.type` label).
const fn error_type_values(metric: &MetricSpec) -> &'static [&'static str] {
    let mut i = 0;
    while i < metric.labels.len() {
        if same(metric.labels[i].key, ERROR_TYPE) {
            if let LabelValues::Enumerated(values) = metric.labels[i].values {
                return values;
            }
        }
        i += 1;
    }
    &[]
}

/// Whether `code` is declared in `codes` with the user class (the user fixes it). A value
/// no code declares (`other`) is not.
const fn is_user_code(code: &str, codes: &[ErrorCodeSpec]) -> bool {
    let mut i = 0;
    while i < codes.len() {
        if same(codes[i].code, code) {
            return matches!(codes[i].class, ErrorClass::User);
        }
        i += 1;
    }
    false
}

/// How many of `metric`'s declared `error.type` values are user-class codes of `codes`
/// (`user`), or are not (`!user`): the length [`error_class_matchers`] needs.
pub const fn count_error_class(metric: &MetricSpec, codes: &[ErrorCodeSpec], user: bool) -> usize {
    let values = error_type_values(metric);
    let mut n = 0;
    let mut i = 0;
    while i < values.len() {
        if is_user_code(values[i], codes) == user {
            n += 1;
        }
        i += 1;
    }
    n
}

/// `error.type != code` for each of `metric`'s declared `error.type` values that is a
/// user-class code of `codes` (`user`: the matchers that leave user mistakes out of a budget)
/// or that is not (`!user`: the matchers that keep only user mistakes). Derived from the
/// catalog's error classes, so a new code lands on the right side without editing an alert.
/// `N` is [`count_error_class`] of the same arguments; a mismatch fails at compile time.
///
/// ```
/// use telemetry_ops::alerts::{count_error_class, error_class_matchers};
/// use telemetry_ops::objective::{Matcher, MatchOp};
/// use compiler_probes::catalog::COMPILE_ERRORS;
/// use compiler_probes::CompileError;
///
/// const ERROR_CODES: &[telemetry_core::catalog::ErrorCodeSpec] = CompileError::SPECS;
/// const N: usize = count_error_class(&COMPILE_ERRORS, ERROR_CODES, true);
/// const USER_EXCLUDED: [Matcher; N] = error_class_matchers(&COMPILE_ERRORS, ERROR_CODES, true);
/// assert!(USER_EXCLUDED.contains(&Matcher::ne("error.type", "invalid_yaml")));
/// assert!(USER_EXCLUDED.iter().all(|m| m.op == MatchOp::Ne));
/// ```
pub const fn error_class_matchers<const N: usize>(
    metric: &MetricSpec,
    codes: &[ErrorCodeSpec],
    user: bool,
) -> [Matcher; N] {
    let values = error_type_values(metric);
    let mut out = [Matcher::ne(ERROR_TYPE, ""); N];
    let mut n = 0;
    let mut i = 0;
    while i < values.len() {
        if is_user_code(values[i], codes) == user {
            out[n] = Matcher::ne(ERROR_TYPE, values[i]);
            n += 1;
        }
        i += 1;
    }
    assert!(n == N, "N must be count_error_class of the same arguments");
    out
}

/// `matchers` followed by `last`; `M` is `N + 1` (checked at compile time).
pub const fn and_also<const N: usize, const M: usize>(
    matchers: [Matcher; N],
    last: Matcher,
) -> [Matcher; M] {
    assert!(M == N + 1, "M must be N + 1");
    let mut out = [last; M];
    let mut i = 0;
    while i < N {
        out[i] = matchers[i];
        i += 1;
    }
    out
}

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
            AlertRule::Objective => "objectives read catalog metrics of the right kind with declared labels and values; latency thresholds sit on a bucket boundary where the scrape serves classic histograms; targets lie strictly between 0 and 1",
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

/// Checks every alert of `surfaces` against `catalog` for a scrape with classic histograms
/// (see [`validate_for`]); returns all violations at once.
///
/// # Errors
/// [`AlertViolations`] listing every violation, each naming the alert and the rule.
pub fn validate(catalog: &Catalog, surfaces: &[Surface]) -> Result<(), AlertViolations> {
    validate_for(catalog, surfaces, Histograms::Classic)
}

/// Checks every alert of `surfaces` against `catalog` for a fleet whose scrape serves
/// `histograms`: with classic histograms a latency threshold must sit on one of the
/// histogram's bucket boundaries (a classic histogram answers only there); with native ones
/// any threshold is judged (`histogram_fraction`, in the native package).
///
/// # Errors
/// [`AlertViolations`] listing every violation, each naming the alert and the rule.
pub fn validate_for(
    catalog: &Catalog,
    surfaces: &[Surface],
    histograms: Histograms,
) -> Result<(), AlertViolations> {
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
            for problem in objective_problems(catalog, a, histograms) {
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
/// its kind's own rules, and a latency threshold a classic histogram cannot judge.
fn objective_problems(catalog: &Catalog, alert: &AlertSpec, histograms: Histograms) -> Vec<String> {
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
    if let (Objective::Latency(latency), Histograms::Classic) = (&alert.objective, histograms) {
        out.extend(latency.classic_problem());
    }
    out
}
