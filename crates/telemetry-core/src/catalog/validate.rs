//! `Catalog::validate`: every rule a catalog must keep, each violation named by entry and rule.

use super::{Catalog, InstrumentKind, LabelValues, MetricSpec};
use std::collections::HashSet;
use std::fmt;

/// A rule of the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Rule {
    /// Metric names, span names and error codes are unique across the whole catalog.
    UniqueName,
    /// Names are dotted lower snake segments with the `dataface.` prefix and no unit in them.
    NamingConvention,
    /// Units are UCUM (`s`, `ms`, `By`, `1`, `{annotation}`, `X/Y`).
    UcumUnit,
    /// Label and attribute keys follow the conventions.
    KeyConvention,
    /// Every owner is a known owner.
    KnownOwner,
    /// Histograms have ascending, finite buckets; other kinds have none.
    Buckets,
    /// No metric label is a high-cardinality identifier, and every label is bounded.
    BoundedLabels,
    /// Descriptions, summaries and remedies are written.
    Documented,
    /// The catalog version is a semantic version.
    SemanticVersion,
    /// An alert's objective reads declared metrics of the right kind, with declared labels
    /// and values, and a latency threshold on a bucket boundary.
    Objective,
}

impl Rule {
    fn text(self) -> &'static str {
        match self {
            Rule::UniqueName => "names and codes must be unique across the catalog",
            Rule::NamingConvention => "names are dotted lower_snake segments starting with `dataface.`, without a unit or `total` in them",
            Rule::UcumUnit => "units are UCUM: s, ms, us, ns, min, h, d, By, KiBy, MiBy, GiBy, bit, 1, %, {annotation}, or X/Y",
            Rule::KeyConvention => "keys are lower_snake, or dotted with a semantic-convention namespace or `dataface.`",
            Rule::KnownOwner => "owners must be one of telemetry_core::catalog::owners::ALL",
            Rule::Buckets => "histograms need ascending, finite buckets; counters and gauges take none",
            Rule::BoundedLabels => "metric labels must be bounded and never an identifier (ids, names of domains, tables, users) — put those on spans and logs",
            Rule::Documented => "every entry needs a description (error codes: a summary and a remedy)",
            Rule::SemanticVersion => "the catalog version is MAJOR.MINOR.PATCH",
            Rule::Objective => "objectives read catalog metrics of the right kind with declared labels and values; latency thresholds sit on a bucket boundary; targets lie strictly between 0 and 1",
        }
    }
}

/// One violation: which entry broke which rule, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogViolation {
    /// The entry, e.g. `metric dataface.compile.duration` or `error code unknown_query`.
    pub entry: String,
    /// The rule it broke.
    pub rule: Rule,
    /// What exactly is wrong.
    pub detail: String,
}

impl fmt::Display for CatalogViolation {
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

/// Every violation [`Catalog::validate`] found.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the telemetry catalog breaks {} rule(s):\n  {}", .0.len(), .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n  "))]
pub struct CatalogViolations(pub Vec<CatalogViolation>);

/// Semantic-convention namespaces a dotted key may use besides `dataface.`.
const SEMCONV_NAMESPACES: &[&str] = &[
    "service.",
    "deployment.",
    "error.",
    "exception.",
    "db.",
    "server.",
    "client.",
    "http.",
    "url.",
    "network.",
    "code.",
    "otel.",
    "cloud.",
    "host.",
    "process.",
    "user_agent.",
    "gen_ai.",
    "rpc.",
    "messaging.",
    "dns.",
    "tls.",
];

/// Label keys that are identifiers, never bounded enough for a metric.
const IDENTIFIER_KEYS: &[&str] = &[
    "id",
    "uuid",
    "name",
    "email",
    "user",
    "domain",
    "host",
    "url",
    "path",
    "table",
    "query",
    "ip",
    "dashboard",
    "project",
    "account",
    "tenant",
    "server.address",
    "url.full",
    "client.address",
    "db.query.text",
    "db.collection.name",
];

/// The most distinct values a bounded label may declare.
pub const MAX_LABEL_VALUES: usize = 256;

fn is_snake(seg: &str) -> bool {
    let mut chars = seg.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_lowercase())
        && chars.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
        && !seg.ends_with('_')
        && !seg.contains("__")
}

fn dotted_name_ok(name: &str) -> bool {
    name.starts_with("dataface.") && name.split('.').count() >= 2 && name.split('.').all(is_snake)
}

fn key_ok(key: &str) -> bool {
    if key.contains('.') {
        (key.starts_with("dataface.") || SEMCONV_NAMESPACES.iter().any(|ns| key.starts_with(ns)))
            && key.split('.').all(is_snake)
    } else {
        is_snake(key)
    }
}

fn ucum_ok(unit: &str) -> bool {
    fn atom(u: &str) -> bool {
        matches!(
            u,
            "s" | "ms"
                | "us"
                | "ns"
                | "min"
                | "h"
                | "d"
                | "By"
                | "KiBy"
                | "MiBy"
                | "GiBy"
                | "TiBy"
                | "KBy"
                | "MBy"
                | "GBy"
                | "TBy"
                | "bit"
                | "1"
                | "%"
                | "Hz"
                | "m"
                | "w"
                | "mo"
                | "y"
        ) || (u.starts_with('{')
            && u.ends_with('}')
            && u.len() > 2
            && u[1..u.len() - 1]
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '_' || c == '.'))
    }
    match unit.split_once('/') {
        Some((a, b)) => atom(a) && atom(b),
        None => atom(unit),
    }
}

const UNIT_WORDS: &[&str] = &[
    "seconds",
    "second",
    "milliseconds",
    "bytes",
    "total",
    "ratio",
    "percent",
    "count",
];

fn identifier_key(key: &str) -> bool {
    if IDENTIFIER_KEYS.contains(&key) {
        return true;
    }
    // Semantic-convention keys are judged whole: `db.system.name` is bounded,
    // `server.address` is listed above.
    if SEMCONV_NAMESPACES.iter().any(|ns| key.starts_with(ns)) {
        return key.ends_with(".id");
    }
    let last = key.rsplit(['.', '_']).next().unwrap_or(key);
    IDENTIFIER_KEYS.contains(&last) || key.ends_with("_id")
}

impl Catalog {
    /// Checks every rule; returns all violations at once, each naming the entry and rule.
    ///
    /// # Errors
    /// [`CatalogViolations`] listing every violation.
    pub fn validate(&self) -> Result<(), CatalogViolations> {
        let mut errors = Vec::new();
        let mut err = |entry: String, rule: Rule, detail: String| {
            errors.push(CatalogViolation {
                entry,
                rule,
                detail,
            })
        };
        let parts: Vec<_> = self.version.split('.').collect();
        let numeric = |p: &&str| {
            !p.is_empty()
                && p.chars().all(|c| c.is_ascii_digit())
                && (*p == "0" || !p.starts_with('0'))
        };
        if parts.len() != 3 || !parts.iter().all(numeric) {
            err(
                format!("catalog version {:?}", self.version),
                Rule::SemanticVersion,
                "not MAJOR.MINOR.PATCH".into(),
            );
        }
        let owners: HashSet<_> = super::owners::ALL.iter().map(|o| o.id).collect();
        let mut names = HashSet::new();
        let mut prom_names = HashSet::new();
        for m in self.metrics() {
            let entry = format!("metric {}", m.name);
            if !names.insert(m.name) {
                err(entry.clone(), Rule::UniqueName, "declared twice".into());
            }
            if !prom_names.insert(m.prometheus_name()) {
                err(
                    entry.clone(),
                    Rule::UniqueName,
                    format!(
                        "another metric has the same Prometheus name {}",
                        m.prometheus_name()
                    ),
                );
            }
            check_metric(m, &entry, &owners, &mut err);
        }
        let mut spans = HashSet::new();
        for s in self.spans() {
            let entry = format!("span {}", s.name);
            if !spans.insert(s.name) {
                err(entry.clone(), Rule::UniqueName, "declared twice".into());
            }
            if !dotted_name_ok(s.name) {
                err(
                    entry.clone(),
                    Rule::NamingConvention,
                    "malformed span name".into(),
                );
            }
            if s.description.trim().is_empty() {
                err(entry.clone(), Rule::Documented, "no description".into());
            }
            if !owners.contains(s.owner.id) {
                err(
                    entry.clone(),
                    Rule::KnownOwner,
                    format!("unknown owner {:?}", s.owner.id),
                );
            }
            let mut keys = HashSet::new();
            for a in s.attributes {
                if !keys.insert(a.key) {
                    err(
                        entry.clone(),
                        Rule::UniqueName,
                        format!("attribute {} declared twice", a.key),
                    );
                }
                if !key_ok(a.key) || !(a.key.contains('.')) {
                    err(
                        entry.clone(),
                        Rule::KeyConvention,
                        format!(
                            "attribute {:?} is neither a semantic-convention key nor dataface.*",
                            a.key
                        ),
                    );
                }
                if a.description.trim().is_empty() {
                    err(
                        entry.clone(),
                        Rule::Documented,
                        format!("attribute {} has no description", a.key),
                    );
                }
            }
        }
        let mut codes = HashSet::new();
        for e in self.error_codes() {
            let entry = format!("error code {}", e.code);
            if !codes.insert(e.code) {
                err(entry.clone(), Rule::UniqueName, "declared twice".into());
            }
            if !is_snake(e.code) {
                err(
                    entry.clone(),
                    Rule::NamingConvention,
                    "codes are lower_snake".into(),
                );
            }
            if !owners.contains(e.owner.id) {
                err(
                    entry.clone(),
                    Rule::KnownOwner,
                    format!("unknown owner {:?}", e.owner.id),
                );
            }
            if e.summary.trim().is_empty() || e.remedy.trim().is_empty() {
                err(
                    entry.clone(),
                    Rule::Documented,
                    "needs a summary and a remedy".into(),
                );
            }
        }
        let mut alert_names = HashSet::new();
        for a in self.alerts() {
            let entry = format!("alert {}", a.name);
            if !alert_names.insert(a.name) {
                err(entry.clone(), Rule::UniqueName, "declared twice".into());
            }
            let camel = a.name.starts_with(|c: char| c.is_ascii_uppercase())
                && a.name.chars().all(|c| c.is_ascii_alphanumeric());
            if !camel {
                err(
                    entry.clone(),
                    Rule::NamingConvention,
                    "alert names are UpperCamelCase".into(),
                );
            }
            if !owners.contains(a.owner.id) {
                err(
                    entry.clone(),
                    Rule::KnownOwner,
                    format!("unknown owner {:?}", a.owner.id),
                );
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
                    Rule::Documented,
                    "needs a summary and a runbook: meaning, first checks, mitigation, escalation and a user message".into(),
                );
            }
            for problem in objective_problems(self, &a.objective) {
                err(entry.clone(), Rule::Objective, problem);
            }
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(CatalogViolations(errors))
        }
    }
}

fn objective_problems(catalog: &Catalog, o: &super::Objective) -> Vec<String> {
    use super::{InstrumentKind::*, Objective};
    let mut out = Vec::new();
    for (metric, matchers) in o.selectors() {
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
    let kind_is =
        |metric: &MetricSpec, kinds: &[InstrumentKind], what: &str, out: &mut Vec<String>| {
            if !kinds.contains(&metric.kind) {
                out.push(format!("{} is a {:?}; {what}", metric.name, metric.kind));
            }
        };
    let target_ok = |t: f64, out: &mut Vec<String>| {
        if !(t > 0.0 && t < 1.0) {
            out.push(format!("target {t} is not strictly between 0 and 1"));
        }
    };
    match o {
        Objective::ErrorRatio { bad, total, target } => {
            for m in [bad.metric, total.metric] {
                kind_is(
                    m,
                    &[Counter, Histogram],
                    "a ratio counts events (counters or histogram counts)",
                    &mut out,
                );
            }
            target_ok(*target, &mut out);
        }
        Objective::Latency {
            histogram,
            threshold,
            target,
            ..
        } => {
            kind_is(
                histogram,
                &[Histogram],
                "a latency objective needs a histogram",
                &mut out,
            );
            if !histogram.buckets.contains(threshold) {
                out.push(format!(
                    "threshold {threshold} lies between the buckets of {} ({:?}): put it on a boundary",
                    histogram.name, histogram.buckets
                ));
            }
            target_ok(*target, &mut out);
        }
        Objective::Freshness { timestamp, .. } | Objective::Expiry { timestamp, .. } => {
            kind_is(timestamp, &[Gauge], "a timestamp is a gauge", &mut out);
            if timestamp.unit != "s" {
                out.push(format!(
                    "{} has unit {:?}; a timestamp is in seconds (`s`)",
                    timestamp.name, timestamp.unit
                ));
            }
        }
        Objective::BrokenState { events, window } => {
            kind_is(
                events.metric,
                &[Counter],
                "a broken state is a counter that must not move",
                &mut out,
            );
            if *window == 0 {
                out.push("a zero look-back window".into());
            }
        }
        Objective::Absence { for_seconds, .. } => {
            if *for_seconds == 0 {
                out.push("a zero absence duration".into());
            }
        }
        Objective::Threshold { gauge, max, .. } => {
            kind_is(gauge, &[Gauge], "a threshold applies to a gauge", &mut out);
            if !max.is_finite() {
                out.push("the threshold is not finite".into());
            }
        }
    }
    out
}

fn check_metric(
    m: &MetricSpec,
    entry: &str,
    owners: &HashSet<&str>,
    err: &mut impl FnMut(String, Rule, String),
) {
    let e = || entry.to_owned();
    if !dotted_name_ok(m.name) {
        err(e(), Rule::NamingConvention, "malformed metric name".into());
    } else if let Some(word) = m
        .name
        .rsplit(['.', '_'])
        .next()
        .filter(|w| UNIT_WORDS.contains(w))
    {
        err(
            e(),
            Rule::NamingConvention,
            format!("the name ends in {word:?}: units and `total` are derived, not written"),
        );
    }
    if !ucum_ok(m.unit) {
        err(
            e(),
            Rule::UcumUnit,
            format!("unit {:?} is not UCUM", m.unit),
        );
    }
    if m.description.trim().is_empty() {
        err(e(), Rule::Documented, "no description".into());
    }
    if !owners.contains(m.owner.id) {
        err(
            e(),
            Rule::KnownOwner,
            format!("unknown owner {:?}", m.owner.id),
        );
    }
    match m.kind {
        InstrumentKind::Histogram => {
            if m.buckets.is_empty() {
                err(e(), Rule::Buckets, "a histogram without buckets".into());
            }
            if m.buckets.iter().any(|b| !b.is_finite()) {
                err(e(), Rule::Buckets, "a bucket is not finite".into());
            }
            if m.buckets.windows(2).any(|w| w[0] >= w[1]) {
                err(
                    e(),
                    Rule::Buckets,
                    "buckets are not strictly ascending".into(),
                );
            }
        }
        _ => {
            if !m.buckets.is_empty() {
                err(
                    e(),
                    Rule::Buckets,
                    format!("a {:?} takes no buckets", m.kind),
                );
            }
        }
    }
    let mut keys = HashSet::new();
    for l in m.labels {
        if !keys.insert(l.key) {
            err(
                e(),
                Rule::UniqueName,
                format!("label {} declared twice", l.key),
            );
        }
        if !key_ok(l.key) {
            err(e(), Rule::KeyConvention, format!("label key {:?}", l.key));
        }
        if identifier_key(l.key) {
            err(
                e(),
                Rule::BoundedLabels,
                format!("label {:?} names an identifier", l.key),
            );
        }
        if l.description.trim().is_empty() {
            err(
                e(),
                Rule::Documented,
                format!("label {} has no description", l.key),
            );
        }
        match l.values {
            LabelValues::Enumerated(values) => {
                if values.is_empty() {
                    err(
                        e(),
                        Rule::BoundedLabels,
                        format!("label {} has no values", l.key),
                    );
                }
                if values.len() > MAX_LABEL_VALUES {
                    err(
                        e(),
                        Rule::BoundedLabels,
                        format!("label {} has more than {MAX_LABEL_VALUES} values", l.key),
                    );
                }
                let unique: HashSet<_> = values.iter().collect();
                if unique.len() != values.len() {
                    err(
                        e(),
                        Rule::UniqueName,
                        format!("label {} lists a value twice", l.key),
                    );
                }
            }
            LabelValues::Bounded(n) => {
                if n == 0 || n > MAX_LABEL_VALUES {
                    err(
                        e(),
                        Rule::BoundedLabels,
                        format!(
                            "label {} bound {n} is outside 1..={MAX_LABEL_VALUES}",
                            l.key
                        ),
                    );
                }
            }
        }
    }
}
