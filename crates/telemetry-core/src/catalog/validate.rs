//! `Catalog::validate`: every rule a catalog must keep, each violation named by entry and rule.

use super::{
    AttributeSpec, AttributeType, Catalog, InstrumentKind, LabelValues, MetricSpec, Owner,
    SeriesCount,
};
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
    /// Label and attribute keys are dotted lower_snake segments.
    KeyConvention,
    /// Label and attribute keys are namespaced: `dataface.…`, or an OpenTelemetry
    /// attribute (`error.type`).
    Namespaced,
    /// Enumeration members get lower_snake identifiers ([`member_id`](super::member_id)),
    /// distinct within their key.
    EnumMemberId,
    /// No name is both a signal (an attribute, a metric, an event) and the namespace of
    /// another of the same kind (`x.source` beside `x.source.name`).
    SignalNamespace,
    /// No key takes an OpenTelemetry name it does not mean: a key in an OpenTelemetry
    /// namespace is one of its current attributes, never a deprecated one (`state`) or a
    /// namespace (`service`).
    OtelCollision,
    /// A key has one type wherever it is declared.
    ConsistentType,
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
    /// A section's metrics stay within its declared series budget per process, counted in
    /// the worst case (every declared label set) with native histograms (a histogram's label
    /// set is one series) and on a classic scrape (each histogram label set as its buckets,
    /// `+Inf`, `_sum` and `_count`).
    SeriesBudget,
}

impl Rule {
    fn text(self) -> &'static str {
        match self {
            Rule::UniqueName => "names and codes must be unique across the catalog",
            Rule::NamingConvention => "names are dotted lower_snake segments starting with `dataface.`, without a unit or `total` in them",
            Rule::UcumUnit => "units are UCUM: s, ms, us, ns, min, h, d, By, KiBy, MiBy, GiBy, bit, 1, %, {annotation}, or X/Y",
            Rule::KeyConvention => "keys are dotted lower_snake segments",
            Rule::Namespaced => "keys are namespaced: `dataface.<area>.<name>`, or an OpenTelemetry attribute such as `error.type`",
            Rule::EnumMemberId => "enumeration values must give distinct lower_snake member ids (lower case, other characters as `_`)",
            Rule::SignalNamespace => "a name is a signal or a namespace, not both: rename one (`x.source` beside `x.source.name` becomes `x.source.kind`)",
            Rule::OtelCollision => "keep off OpenTelemetry's names: in its namespaces use only its current attributes, never a deprecated attribute or a namespace as a key",
            Rule::ConsistentType => "declare a key with the same type everywhere (or give the other use its own key)",
            Rule::KnownOwner => "owners must be declared in the `owners` of a section of the same catalog (the surface's catalog.rs declares its teams), the same way everywhere",
            Rule::Buckets => "histograms need ascending, finite buckets; counters and gauges take none",
            Rule::BoundedLabels => "metric labels must be bounded and never an identifier (ids, names of domains, tables, users) — put those on spans and logs",
            Rule::Documented => "every entry needs a description (error codes: a summary and a remedy)",
            Rule::SemanticVersion => "the catalog version is MAJOR.MINOR.PATCH",
            Rule::SeriesBudget => "every series is multiplied by the pod count: cut a label that carries no decision (split a metric by the question each label answers), bound a label per process, drop buckets, or raise the section's `series_budget` with a reason (`SeriesBudget::classic(n)` for latency histograms worth their buckets)",
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
    key.split('.').all(is_snake)
}

/// Whether `key` is `dataface.<…>.<…>` or in an OpenTelemetry namespace.
fn namespaced(key: &str) -> bool {
    match key.split_once('.') {
        Some(("dataface", rest)) => !rest.is_empty(),
        Some((ns, _)) => super::otel_namespace(ns),
        None => false,
    }
}

/// How `key` collides with OpenTelemetry's names, if it does.
fn otel_collision(key: &str) -> Option<String> {
    if key == "dataface" || key.starts_with("dataface.") {
        return None;
    }
    match super::otel_attribute(key) {
        Some(a) if a.deprecated => {
            return Some(format!(
                "{key:?} is OpenTelemetry's deprecated attribute {key}"
            ))
        }
        Some(_) => return None,
        None => {}
    }
    if super::otel_namespace(key) {
        return Some(format!(
            "{key:?} is OpenTelemetry's namespace {key}.* (e.g. use `{key}.name` if that is what it holds)"
        ));
    }
    match key.split_once('.') {
        Some((ns, _)) if super::otel_namespace(ns) => Some(format!(
            "{key:?} is in OpenTelemetry's namespace {ns}.* but is not one of its attributes (v{})",
            super::OTEL_SEMCONV_VERSION
        )),
        _ => None,
    }
}

/// How a metric's worst-case `series` multiply: `dataface.x.errors = 360 series (error.type
/// 12 × stage 6 × contract_version 5)`, a histogram's series per label set last when
/// `classic`.
fn series_breakdown(m: &MetricSpec, series: usize, classic: bool) -> String {
    let labels: Vec<String> = m
        .labels
        .iter()
        .map(|l| format!("{} {}", l.key, l.max_values_per_process()))
        .collect();
    let mut factors = if labels.is_empty() {
        vec!["no labels: 1".to_owned()]
    } else {
        labels
    };
    if classic && m.kind == InstrumentKind::Histogram {
        factors.push(format!(
            "{} series per label set ({} buckets, +Inf, _sum, _count)",
            m.series_per_label_set(),
            m.buckets.len()
        ));
    }
    format!("{} = {series} series ({})", m.name, factors.join(" × "))
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
            for (rule, detail) in attribute_problems(s.attributes) {
                err(entry.clone(), rule, detail);
            }
        }
        self.check_budgets(&mut err);
        self.check_events(&owners, &mut err);
        self.check_names(&mut err);
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
    /// Reports each section whose worst-case series per process exceed its budget, with
    /// native or with classic histograms, naming its metrics from the largest down and the
    /// labels that multiply each.
    fn check_budgets(&self, err: &mut impl FnMut(String, Rule, String)) {
        for section in self.sections {
            // A label bounded outside 1..=MAX_LABEL_VALUES is reported by BoundedLabels;
            // the section's worst case means nothing until it is fixed.
            let unbounded = section.metrics.iter().flat_map(|m| m.labels).any(
                |l| matches!(l.values, LabelValues::Bounded(n) if n == 0 || n > MAX_LABEL_VALUES),
            );
            if unbounded {
                continue;
            }
            let modes = [
                (
                    "with native histograms",
                    false,
                    section.series_budget.native,
                ),
                ("on a classic scrape", true, section.series_budget.classic),
            ];
            for (mode, classic, budget) in modes {
                let count = |c: SeriesCount| if classic { c.classic } else { c.native };
                let total = count(section.series_per_process());
                if total <= budget {
                    continue;
                }
                let mut metrics: Vec<&MetricSpec> = section.metrics.iter().collect();
                metrics.sort_by_key(|m| std::cmp::Reverse(count(m.series_per_process())));
                // Name the largest metrics, down to the first one whose removal alone would
                // bring the section within budget, and at least one.
                let mut named = Vec::new();
                let mut rest = total;
                for m in metrics {
                    if rest <= budget && !named.is_empty() {
                        break;
                    }
                    let series = count(m.series_per_process());
                    rest = rest.saturating_sub(series);
                    named.push(series_breakdown(m, series, classic));
                }
                err(
                    format!("section {}", section.surface),
                    Rule::SeriesBudget,
                    format!(
                        "{total} series per process {mode} in the worst case, over its budget of {budget}; largest: {}",
                        named.join("; ")
                    ),
                );
            }
        }
    }

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

/// Where a key is declared: the entry, the key, its type.
type KeyUse = (String, &'static str, AttributeType);

impl Catalog {
    /// Log events: unique, well-named, documented, owned, their attributes keyed and
    /// documented.
    fn check_events(&self, owners: &BTreeSet<&str>, err: &mut impl FnMut(String, Rule, String)) {
        let mut names = HashSet::new();
        for ev in self.events() {
            let entry = format!("event {}", ev.name);
            if !names.insert(ev.name) {
                err(entry.clone(), Rule::UniqueName, "declared twice".into());
            }
            if !dotted_name_ok(ev.name) {
                err(
                    entry.clone(),
                    Rule::NamingConvention,
                    "malformed event name".into(),
                );
            }
            if ev.description.trim().is_empty() {
                err(entry.clone(), Rule::Documented, "no description".into());
            }
            if !owners.contains(ev.owner.id) {
                err(
                    entry.clone(),
                    Rule::KnownOwner,
                    unknown_owner(ev.owner.id, owners),
                );
            }
            for (rule, detail) in attribute_problems(ev.attributes) {
                err(entry.clone(), rule, detail);
            }
        }
    }

    /// Every key where it is declared (span and event attributes, metric labels).
    fn key_uses(&self) -> Vec<KeyUse> {
        let mut uses = Vec::new();
        for s in self.spans() {
            for a in s.attributes {
                uses.push((format!("span {}", s.name), a.key, a.value_type));
            }
        }
        for ev in self.events() {
            for a in ev.attributes {
                uses.push((format!("event {}", ev.name), a.key, a.value_type));
            }
        }
        for m in self.metrics() {
            for l in m.labels {
                uses.push((format!("metric {}", m.name), l.key, l.attribute_type()));
            }
        }
        uses
    }

    /// OpenTelemetry's naming rules: namespaced keys, lower_snake member ids, no signal
    /// that is also a namespace, no collision with OpenTelemetry's names, one type per key.
    fn check_names(&self, err: &mut impl FnMut(String, Rule, String)) {
        let uses = self.key_uses();
        let mut types: Vec<(&'static str, AttributeType, &str)> = Vec::new();
        for (entry, key, ty) in &uses {
            if !namespaced(key) {
                err(
                    entry.clone(),
                    Rule::Namespaced,
                    format!("key {key:?} has no namespace"),
                );
            }
            if let Some(detail) = otel_collision(key) {
                err(entry.clone(), Rule::OtelCollision, detail);
            }
            if let AttributeType::Enum(values) = ty {
                let mut ids: Vec<String> = Vec::new();
                for (i, v) in values.iter().enumerate() {
                    let id = super::member_id(v);
                    if values[..i].contains(v) {
                        // The same value twice: UniqueName reports it.
                        continue;
                    }
                    if !is_snake(&id) {
                        err(
                            entry.clone(),
                            Rule::EnumMemberId,
                            format!("key {key:?}: value {v:?} gives the member id {id:?}, not lower_snake"),
                        );
                    } else if ids.contains(&id) {
                        err(
                            entry.clone(),
                            Rule::EnumMemberId,
                            format!("key {key:?}: value {v:?} gives the member id {id:?} another value has"),
                        );
                    }
                    ids.push(id);
                }
            }
            match types.iter().find(|(k, _, _)| k == key) {
                Some((_, first, first_entry)) if first.wire_name() != ty.wire_name() => {
                    err(
                        entry.clone(),
                        Rule::ConsistentType,
                        format!(
                            "key {key:?} is {} here and {} on {first_entry}",
                            type_word(ty),
                            type_word(first)
                        ),
                    );
                }
                Some(_) => {}
                None => types.push((key, *ty, entry.as_str())),
            }
        }
        let keys: BTreeSet<&str> = uses.iter().map(|(_, k, _)| *k).collect();
        let metrics: BTreeSet<&str> = self.metrics().map(|m| m.name).collect();
        let events: BTreeSet<&str> = self.events().map(|e| e.name).collect();
        for (what, names) in [
            ("attribute", &keys),
            ("metric", &metrics),
            ("event", &events),
        ] {
            for name in names {
                let prefix = format!("{name}.");
                let inner = names.iter().find(|n| n.starts_with(&prefix));
                if let Some(inner) = inner {
                    err(
                        format!("{what} {name}"),
                        Rule::SignalNamespace,
                        format!("{name} is also the namespace of the {what} {inner}"),
                    );
                }
            }
        }
    }
}

fn type_word(ty: &AttributeType) -> &'static str {
    match ty {
        AttributeType::Enum(_) => "an enumeration",
        AttributeType::String { .. } => "a string",
        AttributeType::Int => "an int",
        AttributeType::Double => "a double",
        AttributeType::Boolean => "a boolean",
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

/// What is wrong with a span's or a log event's attributes: a key declared twice, a key
/// outside the convention, no description, a string attribute without an example.
fn attribute_problems(attributes: &[AttributeSpec]) -> Vec<(Rule, String)> {
    let mut problems = Vec::new();
    let mut keys = HashSet::new();
    for a in attributes {
        if !keys.insert(a.key) {
            problems.push((
                Rule::UniqueName,
                format!("attribute {} declared twice", a.key),
            ));
        }
        if !key_ok(a.key) {
            problems.push((
                Rule::KeyConvention,
                format!("attribute {:?} is not dotted lower_snake", a.key),
            ));
        }
        if a.description.trim().is_empty() {
            problems.push((
                Rule::Documented,
                format!("attribute {} has no description", a.key),
            ));
        }
        if matches!(a.value_type, AttributeType::String { example } if example.trim().is_empty()) {
            problems.push((
                Rule::Documented,
                format!("string attribute {} has no example", a.key),
            ));
        }
    }
    problems
}
