//! `Catalog::validate`: every rule a catalog must keep, each violation named by entry and rule.

use super::{AttributeType, Catalog, InstrumentKind, LabelValues, MetricSpec, Owner};
use std::collections::{BTreeSet, HashSet};
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
    /// Every owner a metric, span or error code names is declared by a section of the
    /// catalog, and sections declaring the same owner agree on it.
    KnownOwner,
    /// Histograms have ascending, finite buckets; other kinds have none.
    Buckets,
    /// No metric label is a high-cardinality identifier, and every label is bounded.
    BoundedLabels,
    /// Descriptions, summaries and remedies are written.
    Documented,
    /// The catalog version is a semantic version.
    SemanticVersion,
}

impl Rule {
    fn text(self) -> &'static str {
        match self {
            Rule::UniqueName => "names and codes must be unique across the catalog",
            Rule::NamingConvention => "names are dotted lower_snake segments starting with `dataface.`, without a unit or `total` in them",
            Rule::UcumUnit => "units are UCUM: s, ms, us, ns, min, h, d, By, KiBy, MiBy, GiBy, bit, 1, %, {annotation}, or X/Y",
            Rule::KeyConvention => "keys are lower_snake, or dotted with a semantic-convention namespace or `dataface.`",
            Rule::KnownOwner => "owners must be declared in the `owners` of a section of the same catalog (the surface's catalog.rs declares its teams), the same way everywhere",
            Rule::Buckets => "histograms need ascending, finite buckets; counters and gauges take none",
            Rule::BoundedLabels => "metric labels must be bounded and never an identifier (ids, names of domains, tables, users) — put those on spans and logs",
            Rule::Documented => "every entry needs a description (error codes: a summary and a remedy)",
            Rule::SemanticVersion => "the catalog version is MAJOR.MINOR.PATCH",
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
        if let Err(e) = semver::Version::parse(self.version) {
            err(
                format!("catalog version {:?}", self.version),
                Rule::SemanticVersion,
                format!("not a semantic version MAJOR.MINOR.PATCH ({e})"),
            );
        }
        let owners = self.owner_ids(&mut err);
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
                    unknown_owner(s.owner.id, &owners),
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
                if matches!(a.value_type, AttributeType::String { example } if example.trim().is_empty())
                {
                    err(
                        entry.clone(),
                        Rule::Documented,
                        format!("string attribute {} has no example", a.key),
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
                    unknown_owner(e.owner.id, &owners),
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
        if errors.is_empty() {
            Ok(())
        } else {
            Err(CatalogViolations(errors))
        }
    }
}

impl Catalog {
    /// The ids of the owners the sections declare; reports owners declared differently by
    /// two sections and owners without an id or a description.
    fn owner_ids(&self, err: &mut impl FnMut(String, Rule, String)) -> BTreeSet<&'static str> {
        let mut seen: Vec<(&'static str, &Owner)> = Vec::new();
        for section in self.sections {
            for owner in section.owners {
                let entry = format!("owner {:?} of section {}", owner.id, section.surface);
                if !is_owner_id(owner.id) {
                    err(
                        entry.clone(),
                        Rule::KeyConvention,
                        "owner ids are lower-kebab (`example-team`)".into(),
                    );
                }
                if owner.description.trim().is_empty() {
                    err(entry.clone(), Rule::Documented, "no description".into());
                }
                match seen.iter().find(|(_, o)| o.id == owner.id) {
                    Some((first, o)) if *o != owner => err(
                        entry,
                        Rule::KnownOwner,
                        format!(
                            "declared differently by section {first}: declare each owner once the same way"
                        ),
                    ),
                    Some(_) => {}
                    None => seen.push((section.surface, owner)),
                }
            }
        }
        seen.into_iter().map(|(_, o)| o.id).collect()
    }
}

fn is_owner_id(id: &str) -> bool {
    !id.is_empty()
        && id.split('-').all(|seg| {
            seg.starts_with(|c: char| c.is_ascii_lowercase())
                && seg
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
}

fn unknown_owner(id: &str, owners: &BTreeSet<&str>) -> String {
    format!(
        "unknown owner {id:?}: no section of this catalog declares it (declared: {}); add it to the `owners` of the section that answers for it",
        if owners.is_empty() {
            "none".to_owned()
        } else {
            owners.iter().copied().collect::<Vec<_>>().join(", ")
        }
    )
}

fn check_metric(
    m: &MetricSpec,
    entry: &str,
    owners: &BTreeSet<&str>,
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
        err(e(), Rule::KnownOwner, unknown_owner(m.owner.id, owners));
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
                if l.example.is_none_or(|e| e.trim().is_empty()) {
                    err(
                        e(),
                        Rule::Documented,
                        format!(
                            "label {} has no example: declare one with `LabelSpec::bounded(..).with_example(..)`",
                            l.key
                        ),
                    );
                }
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
