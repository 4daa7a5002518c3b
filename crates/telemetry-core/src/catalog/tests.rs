use super::*;
use std::collections::HashSet;

// ---------------------------------------------------------------------------------------
// Fixtures. A catalog holds `'static` data only: the valid fixture is a `static`, and each
// test that needs a variation leaks its own section (a few bytes per test).
// ---------------------------------------------------------------------------------------

/// The owner the fixture's entries name, declared by its section.
const CORE_COMPILER: Owner = Owner {
    id: "core-compiler",
    description: "YAML contract, compiler, execution adapters, rendering",
};

const OUTCOME: LabelSpec = LabelSpec::enumerated(
    "dataface.outcome",
    "How the compile ended.",
    &["success", "warnings", "failed"],
);
const CONSUMER: LabelSpec =
    LabelSpec::bounded("dataface.consumer", "Who asked for it.", 8).with_example("x");

/// A counter with an enumerated label.
const ERRORS: MetricSpec = MetricSpec {
    name: "dataface.compile.errors",
    kind: InstrumentKind::Counter,
    unit: "{error}",
    description: "Compiles that ended in an error.",
    labels: &[OUTCOME],
    buckets: &[],
    owner: CORE_COMPILER,
};

/// A gauge with a bounded label.
const QUEUE_DEPTH: MetricSpec = MetricSpec {
    name: "dataface.compile.queue.depth",
    kind: InstrumentKind::Gauge,
    unit: "{job}",
    description: "Compile jobs waiting to run.",
    labels: &[CONSUMER],
    buckets: &[],
    owner: CORE_COMPILER,
};

/// A histogram with ascending buckets.
const DURATION: MetricSpec = MetricSpec {
    name: "dataface.compile.duration",
    kind: InstrumentKind::Histogram,
    unit: "s",
    description: "Time to compile one dashboard contract.",
    labels: &[OUTCOME],
    buckets: &[0.01, 0.05, 0.1, 0.5, 1.0, 5.0],
    owner: CORE_COMPILER,
};

/// A span with a semantic-convention attribute and a `dataface.*` one.
const COMPILE_SPAN: SpanSpec = SpanSpec {
    name: "dataface.compile",
    description: "Compiling one dashboard contract.",
    attributes: &[
        AttributeSpec {
            key: "error.type",
            requirement: Requirement::ConditionallyRequired,
            description: "The error code, when the compile failed.",
            value_type: AttributeType::String {
                example: "unknown_query",
            },
        },
        AttributeSpec {
            key: "dataface.dashboard.id",
            requirement: Requirement::Recommended,
            description: "The dashboard being compiled.",
            value_type: AttributeType::String { example: "dash-42" },
        },
    ],
    owner: CORE_COMPILER,
};

const UNKNOWN_QUERY: ErrorCodeSpec = ErrorCodeSpec {
    code: "unknown_query",
    surface: "compiler",
    class: ErrorClass::User,
    retryable: false,
    severity: Severity::Error,
    owner: CORE_COMPILER,
    summary: "The dashboard names a query that is not defined.",
    remedy: "Define the query or fix its name in the dashboard contract.",
};

static FIXTURE_SECTION: Section = Section {
    surface: "compiler",
    metrics: &[ERRORS, QUEUE_DEPTH, DURATION],
    spans: &[COMPILE_SPAN],
    events: &[],
    error_codes: &[UNKNOWN_QUERY],
    owners: &[CORE_COMPILER],
    series_budget: crate::catalog::DEFAULT_SERIES_BUDGET,
};

static FIXTURE: Catalog = Catalog {
    version: "1.2.3",
    sections: &[&FIXTURE_SECTION],
};

/// An owner no section of the fixture declares.
const NOBODY: Owner = Owner {
    id: "nobody",
    description: "x",
};

// ---------------------------------------------------------------------------------------
// Helpers.
// ---------------------------------------------------------------------------------------

fn leak<T>(items: Vec<T>) -> &'static [T] {
    items.leak()
}

fn leak_str(s: String) -> &'static str {
    Box::leak(s.into_boxed_str())
}

/// A catalog of one section holding exactly these entries.
fn catalog(
    version: &'static str,
    metrics: Vec<MetricSpec>,
    spans: Vec<SpanSpec>,
    error_codes: Vec<ErrorCodeSpec>,
) -> Catalog {
    let section: &'static Section = Box::leak(Box::new(Section {
        surface: "test",
        metrics: leak(metrics),
        spans: leak(spans),
        events: &[],
        error_codes: leak(error_codes),
        owners: &[CORE_COMPILER],
        series_budget: crate::catalog::DEFAULT_SERIES_BUDGET,
    }));
    Catalog {
        version,
        sections: leak(vec![section]),
    }
}

fn catalog_with(metric: MetricSpec) -> Catalog {
    catalog("1.0.0", vec![metric], vec![], vec![])
}

fn catalog_with_metrics(metrics: Vec<MetricSpec>) -> Catalog {
    catalog("1.0.0", metrics, vec![], vec![])
}

fn catalog_with_span(span: SpanSpec) -> Catalog {
    catalog("1.0.0", vec![], vec![span], vec![])
}

fn catalog_with_events(events: Vec<EventSpec>) -> Catalog {
    let section: &'static Section = Box::leak(Box::new(Section {
        surface: "test",
        metrics: &[],
        spans: &[],
        events: leak(events),
        error_codes: &[],
        owners: &[CORE_COMPILER],
        series_budget: crate::catalog::DEFAULT_SERIES_BUDGET,
    }));
    Catalog {
        version: "1.0.0",
        sections: leak(vec![section]),
    }
}

fn catalog_with_code(code: ErrorCodeSpec) -> Catalog {
    catalog("1.0.0", vec![], vec![], vec![code])
}

/// The fixture counter with these labels instead of its own.
fn labelled(labels: Vec<LabelSpec>) -> MetricSpec {
    MetricSpec {
        labels: leak(labels),
        ..ERRORS
    }
}

/// A documented, bounded label under `key`.
fn label(key: &'static str) -> LabelSpec {
    LabelSpec::bounded(key, "A label.", 10).with_example("x")
}

/// A span with these attributes.
fn span_with(attributes: Vec<AttributeSpec>) -> SpanSpec {
    SpanSpec {
        attributes: leak(attributes),
        ..COMPILE_SPAN
    }
}

fn attribute(key: &'static str) -> AttributeSpec {
    AttributeSpec {
        key,
        requirement: Requirement::Recommended,
        description: "An attribute.",
        value_type: AttributeType::String { example: "x" },
    }
}

fn metric_entry(name: &str) -> String {
    format!("metric {name}")
}

fn span_entry(name: &str) -> String {
    format!("span {name}")
}

fn code_entry(code: &str) -> String {
    format!("error code {code}")
}

fn version_entry(version: &str) -> String {
    format!("catalog version {version:?}")
}

/// Asserts `catalog` fails validation with an error for `entry` under `rule`, whose Display
/// (and that of the whole error list) names the entry; returns every error.
#[track_caller]
fn expect_violation(catalog: &Catalog, entry: &str, rule: Rule) -> Vec<CatalogViolation> {
    let errors = match catalog.validate() {
        Ok(()) => panic!("expected `{entry}` to break {rule:?}, but {catalog:?} validated"),
        Err(errors) => errors,
    };
    let found = errors
        .0
        .iter()
        .find(|e| e.entry == entry && e.rule == rule)
        .unwrap_or_else(|| panic!("no {rule:?} error for `{entry}` among:\n{errors:#?}"));
    let shown = found.to_string();
    assert!(
        shown.contains(entry),
        "the error's Display does not name `{entry}`: {shown}"
    );
    assert!(
        shown.contains(&format!("{rule:?}")),
        "the error's Display does not name the rule {rule:?}: {shown}"
    );
    let all = errors.to_string();
    assert!(
        all.contains(entry),
        "the error list's Display does not name `{entry}`: {all}"
    );
    errors.0
}

/// As [`expect_violation`], and no other entry or rule is reported: the variation is focused.
#[track_caller]
fn expect_only_violation(catalog: &Catalog, entry: &str, rule: Rule) -> Vec<CatalogViolation> {
    let errors = expect_violation(catalog, entry, rule);
    for e in &errors {
        assert!(
            e.entry == entry && e.rule == rule,
            "expected only {rule:?} errors for `{entry}`, also got: {e}"
        );
    }
    errors
}

/// Asserts `catalog` validates, showing every error otherwise.
#[track_caller]
fn expect_valid(catalog: &Catalog, what: &str) {
    if let Err(errors) = catalog.validate() {
        panic!("{what} should validate, but: {errors}");
    }
}

// ---------------------------------------------------------------------------------------
// Valid catalogs.
// ---------------------------------------------------------------------------------------

#[test]
fn fixture_catalog_is_valid() {
    expect_valid(&FIXTURE, "the fixture catalog");
}

#[test]
fn fixture_covers_every_kind_of_entry() {
    // Guards the fixture itself: the "valid" test above is only as good as what it holds.
    let kinds: HashSet<_> = FIXTURE.metrics().map(|m| m.kind).collect();
    assert_eq!(kinds.len(), 3, "a counter, a gauge and a histogram");
    assert!(matches!(
        FIXTURE.metric("dataface.compile.errors").unwrap().labels[0].values,
        LabelValues::Enumerated(_)
    ));
    let keys: Vec<_> = FIXTURE
        .spans()
        .flat_map(|s| s.attributes)
        .map(|a| a.key)
        .collect();
    assert!(keys.contains(&"error.type"));
    assert!(keys.iter().any(|k| k.starts_with("dataface.")));
    assert_eq!(FIXTURE.error_codes().count(), 1);
}

#[test]
fn catalog_accessors_find_entries() {
    assert_eq!(FIXTURE.metric("dataface.compile.duration"), Some(&DURATION));
    assert_eq!(FIXTURE.metric("dataface.compile.nothing"), None);
    assert_eq!(DURATION.label("dataface.outcome"), Some(&OUTCOME));
    assert_eq!(DURATION.label("dataface.catalog.consumer"), None);
    let names: Vec<_> = FIXTURE.metrics().map(|m| m.name).collect();
    assert_eq!(
        names,
        [
            "dataface.compile.errors",
            "dataface.compile.queue.depth",
            "dataface.compile.duration"
        ]
    );
    assert_eq!(
        format!("{FIXTURE:?}"),
        r#"Catalog { version: "1.2.3", sections: ["compiler"] }"#
    );
}

// ---------------------------------------------------------------------------------------
// UniqueName.
// ---------------------------------------------------------------------------------------

#[test]
fn duplicate_metric_name_is_rejected() {
    let c = catalog_with_metrics(vec![ERRORS, ERRORS]);
    let errors = expect_only_violation(&c, &metric_entry(ERRORS.name), Rule::UniqueName);
    assert!(
        errors.iter().any(|e| e.detail.contains("declared twice")),
        "{errors:#?}"
    );
}

#[test]
fn duplicate_metric_name_across_sections_is_rejected() {
    static A: Section = Section {
        surface: "a",
        metrics: &[ERRORS],
        spans: &[],
        events: &[],
        error_codes: &[],
        owners: &[CORE_COMPILER],
        series_budget: crate::catalog::DEFAULT_SERIES_BUDGET,
    };
    static B: Section = Section {
        surface: "b",
        metrics: &[ERRORS],
        spans: &[],
        events: &[],
        error_codes: &[],
        owners: &[CORE_COMPILER],
        series_budget: crate::catalog::DEFAULT_SERIES_BUDGET,
    };
    static C: Catalog = Catalog {
        version: "1.0.0",
        sections: &[&A, &B],
    };
    expect_only_violation(&C, &metric_entry(ERRORS.name), Rule::UniqueName);
}

#[test]
fn duplicate_span_name_is_rejected() {
    let c = catalog("1.0.0", vec![], vec![COMPILE_SPAN, COMPILE_SPAN], vec![]);
    expect_only_violation(&c, &span_entry(COMPILE_SPAN.name), Rule::UniqueName);
}

#[test]
fn duplicate_span_attribute_is_rejected() {
    let c = catalog_with_span(span_with(vec![
        attribute("error.type"),
        attribute("error.type"),
    ]));
    expect_only_violation(&c, &span_entry(COMPILE_SPAN.name), Rule::UniqueName);
}

#[test]
fn duplicate_error_code_is_rejected() {
    let c = catalog("1.0.0", vec![], vec![], vec![UNKNOWN_QUERY, UNKNOWN_QUERY]);
    expect_only_violation(&c, &code_entry(UNKNOWN_QUERY.code), Rule::UniqueName);
}

#[test]
fn metrics_with_the_same_prometheus_name_are_rejected() {
    let a = MetricSpec {
        name: "dataface.a.b",
        ..ERRORS
    };
    let b = MetricSpec {
        name: "dataface.a_b",
        ..ERRORS
    };
    assert_ne!(a.name, b.name);
    assert_eq!(a.prometheus_name(), b.prometheus_name());
    let c = catalog_with_metrics(vec![a, b]);
    let errors = expect_only_violation(&c, &metric_entry("dataface.a_b"), Rule::UniqueName);
    assert!(
        errors
            .iter()
            .any(|e| e.detail.contains("dataface_a_b_total")),
        "the detail names the clashing Prometheus name: {errors:#?}"
    );
}

#[test]
fn duplicate_label_key_is_rejected() {
    let c = catalog_with(labelled(vec![OUTCOME, OUTCOME]));
    let errors = expect_only_violation(&c, &metric_entry(ERRORS.name), Rule::UniqueName);
    assert!(errors.iter().any(|e| e.detail.contains("outcome")));
}

#[test]
fn label_listing_a_value_twice_is_rejected() {
    let c = catalog_with(labelled(vec![LabelSpec::enumerated(
        "dataface.outcome",
        "How it ended.",
        &["success", "failed", "success"],
    )]));
    expect_only_violation(&c, &metric_entry(ERRORS.name), Rule::UniqueName);
}

// ---------------------------------------------------------------------------------------
// NamingConvention.
// ---------------------------------------------------------------------------------------

#[test]
fn metric_name_without_dataface_prefix_is_rejected() {
    for name in [
        "compile.duration",
        "telemetry.attempted",
        "datafacex.compile.duration",
        "dataface",
    ] {
        let c = catalog_with(MetricSpec { name, ..DURATION });
        expect_only_violation(&c, &metric_entry(name), Rule::NamingConvention);
    }
}

#[test]
fn metric_name_in_upper_case_is_rejected() {
    for name in [
        "dataface.Compile.duration",
        "dataface.compile.Duration",
        "Dataface.compile.duration",
    ] {
        let c = catalog_with(MetricSpec { name, ..DURATION });
        expect_only_violation(&c, &metric_entry(name), Rule::NamingConvention);
    }
}

#[test]
fn metric_name_segment_with_dash_is_rejected() {
    let name = "dataface.compile-time.duration";
    let c = catalog_with(MetricSpec { name, ..DURATION });
    expect_only_violation(&c, &metric_entry(name), Rule::NamingConvention);
}

#[test]
fn metric_name_with_malformed_segments_is_rejected() {
    for name in [
        "dataface.",
        "dataface..duration",
        "dataface.compile.",
        "dataface.compile_.duration",
        "dataface.compile__time",
        "dataface.2xx.responses",
        "dataface.compile duration",
    ] {
        let c = catalog_with(MetricSpec { name, ..DURATION });
        expect_only_violation(&c, &metric_entry(name), Rule::NamingConvention);
    }
}

#[test]
fn metric_name_ending_in_unit_or_total_is_rejected() {
    for (base, name) in [
        (DURATION, "dataface.compile.duration_seconds"),
        (DURATION, "dataface.compile.duration_milliseconds"),
        (DURATION, "dataface.catalog.payload.bytes"),
        (ERRORS, "dataface.compile.errors_total"),
        (ERRORS, "dataface.compile.total"),
    ] {
        let c = catalog_with(MetricSpec { name, ..base });
        let errors = expect_only_violation(&c, &metric_entry(name), Rule::NamingConvention);
        assert!(
            errors.iter().any(|e| e.detail.contains("ends in")),
            "{errors:#?}"
        );
    }
}

#[test]
fn error_code_not_lower_snake_is_rejected() {
    for code in [
        "UnknownQuery",
        "unknown-query",
        "unknown.query",
        "unknown query",
        "_unknown_query",
        "unknown_query_",
        "1_unknown",
    ] {
        let c = catalog_with_code(ErrorCodeSpec {
            code,
            ..UNKNOWN_QUERY
        });
        expect_only_violation(&c, &code_entry(code), Rule::NamingConvention);
    }
}

#[test]
fn malformed_span_name_is_rejected() {
    for name in [
        "compile",
        "compile.run",
        "dataface.Compile",
        "dataface.compile-run",
        "dataface..compile",
        "dataface.",
        "dataface compile",
    ] {
        let c = catalog_with_span(SpanSpec {
            name,
            ..COMPILE_SPAN
        });
        expect_only_violation(&c, &span_entry(name), Rule::NamingConvention);
    }
}

// ---------------------------------------------------------------------------------------
// UcumUnit.
// ---------------------------------------------------------------------------------------

#[test]
fn non_ucum_unit_is_rejected() {
    for unit in [
        "seconds",
        "bytes",
        "{}",
        "sec",
        "",
        "By/seconds",
        "{event",
        "event}",
    ] {
        let c = catalog_with(MetricSpec {
            unit,
            ..QUEUE_DEPTH
        });
        let errors = expect_only_violation(&c, &metric_entry(QUEUE_DEPTH.name), Rule::UcumUnit);
        assert!(
            errors
                .iter()
                .any(|e| e.detail.contains(&format!("{unit:?}"))),
            "the detail names the unit {unit:?}: {errors:#?}"
        );
    }
}

#[test]
fn ucum_units_are_accepted() {
    for unit in [
        "s",
        "ms",
        "By",
        "KiBy",
        "1",
        "%",
        "{event}",
        "By/s",
        "{request}/s",
    ] {
        let c = catalog_with(MetricSpec {
            unit,
            ..QUEUE_DEPTH
        });
        expect_valid(&c, &format!("unit {unit:?}"));
    }
}

// ---------------------------------------------------------------------------------------
// KeyConvention.
// ---------------------------------------------------------------------------------------

#[test]
fn label_key_outside_the_conventions_is_rejected() {
    for key in ["Outcome", "dataface.Consumer", "outcome-kind", "error."] {
        let c = catalog_with(labelled(vec![label(key)]));
        let errors = expect_violation(&c, &metric_entry(ERRORS.name), Rule::KeyConvention);
        assert!(
            errors
                .iter()
                .any(|e| e.detail.contains(&format!("{key:?}"))),
            "the detail names the key {key:?}: {errors:#?}"
        );
    }
}

#[test]
fn conventional_label_keys_are_accepted() {
    for key in [
        "error.type",
        "dataface.consumer",
        "dataface.outcome",
        "http.request.method",
    ] {
        let c = catalog_with(labelled(vec![label(key)]));
        expect_valid(&c, &format!("label key {key:?}"));
    }
    let c = catalog_with(labelled(vec![label("db.system.name")]));
    if let Err(errors) = c.validate() {
        assert!(
            errors.0.iter().all(|e| e.rule != Rule::KeyConvention),
            "{errors}"
        );
    }
}

#[test]
fn semconv_label_db_system_name_is_accepted() {
    let c = catalog_with(labelled(vec![LabelSpec::enumerated(
        "db.system.name",
        "The database system.",
        &["postgresql", "snowflake", "bigquery"],
    )]));
    expect_valid(&c, "label key \"db.system.name\"");
}

#[test]
fn span_attribute_key_outside_the_conventions_is_rejected() {
    for key in ["Error.type", "dataface.Dashboard", "dataface..id"] {
        let c = catalog_with_span(span_with(vec![attribute(key)]));
        let errors = expect_violation(&c, &span_entry(COMPILE_SPAN.name), Rule::KeyConvention);
        assert!(
            errors
                .iter()
                .any(|e| e.detail.contains(&format!("{key:?}"))),
            "the detail names the key {key:?}: {errors:#?}"
        );
    }
}

#[test]
fn conventional_span_attribute_keys_are_accepted() {
    for key in [
        "error.type",
        "db.system.name",
        "server.address",
        "dataface.dashboard.id",
    ] {
        let c = catalog_with_span(span_with(vec![attribute(key)]));
        expect_valid(&c, &format!("span attribute {key:?}"));
    }
}

// ---------------------------------------------------------------------------------------
// KnownOwner.
// ---------------------------------------------------------------------------------------

#[test]
fn unknown_owner_on_a_metric_is_rejected() {
    let c = catalog_with(MetricSpec {
        owner: NOBODY,
        ..ERRORS
    });
    let errors = expect_only_violation(&c, &metric_entry(ERRORS.name), Rule::KnownOwner);
    assert!(errors.iter().any(|e| e.detail.contains("nobody")));
}

#[test]
fn unknown_owner_on_a_span_is_rejected() {
    let c = catalog_with_span(SpanSpec {
        owner: NOBODY,
        ..COMPILE_SPAN
    });
    expect_only_violation(&c, &span_entry(COMPILE_SPAN.name), Rule::KnownOwner);
}

#[test]
fn unknown_owner_on_an_error_code_is_rejected() {
    let c = catalog_with_code(ErrorCodeSpec {
        owner: NOBODY,
        ..UNKNOWN_QUERY
    });
    expect_only_violation(&c, &code_entry(UNKNOWN_QUERY.code), Rule::KnownOwner);
}

#[test]
fn an_owner_declared_by_another_section_of_the_catalog_is_accepted() {
    const BILLING: Owner = Owner {
        id: "billing",
        description: "Billing events and charges",
    };
    static OWNERS_ONLY: Section = Section {
        surface: "billing",
        metrics: &[],
        spans: &[],
        events: &[],
        error_codes: &[],
        owners: &[BILLING],
        series_budget: crate::catalog::DEFAULT_SERIES_BUDGET,
    };
    let c = catalog(
        "1.0.0",
        vec![MetricSpec {
            owner: BILLING,
            ..ERRORS
        }],
        vec![SpanSpec {
            owner: BILLING,
            ..COMPILE_SPAN
        }],
        vec![ErrorCodeSpec {
            owner: BILLING,
            ..UNKNOWN_QUERY
        }],
    );
    let mut sections = c.sections.to_vec();
    sections.push(&OWNERS_ONLY);
    let c = Catalog {
        version: "1.0.0",
        sections: leak(sections),
    };
    expect_valid(&c, "an owner declared by the billing section");
    let ids: Vec<_> = c.owners().iter().map(|o| o.id).collect();
    assert_eq!(ids, ["core-compiler", "billing"]);
    assert_eq!(c.owner("billing"), Some(&BILLING));
    assert_eq!(c.owner("nobody"), None);
}

#[test]
fn an_unknown_owner_names_the_entry_the_owner_and_the_declared_ones() {
    let c = catalog_with(MetricSpec {
        owner: NOBODY,
        ..ERRORS
    });
    let errors = expect_only_violation(&c, &metric_entry(ERRORS.name), Rule::KnownOwner);
    let shown = errors[0].to_string();
    assert!(
        shown.contains("\"nobody\"") && shown.contains("declared: core-compiler"),
        "{shown}"
    );
}

#[test]
fn an_owner_declared_differently_by_two_sections_is_rejected() {
    static A: Section = Section {
        surface: "a",
        metrics: &[],
        spans: &[],
        events: &[],
        error_codes: &[],
        owners: &[CORE_COMPILER],
        series_budget: crate::catalog::DEFAULT_SERIES_BUDGET,
    };
    static B: Section = Section {
        surface: "b",
        metrics: &[],
        spans: &[],
        events: &[],
        error_codes: &[],
        owners: &[Owner {
            id: "core-compiler",
            description: "Someone else's words",
        }],
        series_budget: crate::catalog::DEFAULT_SERIES_BUDGET,
    };
    static C: Catalog = Catalog {
        version: "1.0.0",
        sections: &[&A, &B],
    };
    let errors =
        expect_only_violation(&C, "owner \"core-compiler\" of section b", Rule::KnownOwner);
    assert!(errors[0].detail.contains("section a"), "{}", errors[0]);
    // The same declaration twice is one owner.
    static D: Catalog = Catalog {
        version: "1.0.0",
        sections: &[&A, &A],
    };
    assert_eq!(D.owners().len(), 1);
}

#[test]
fn an_owner_id_outside_kebab_case_or_without_description_is_rejected() {
    static S: Section = Section {
        surface: "s",
        metrics: &[],
        spans: &[],
        events: &[],
        error_codes: &[],
        owners: &[Owner {
            id: "Core_Compiler",
            description: " ",
        }],
        series_budget: crate::catalog::DEFAULT_SERIES_BUDGET,
    };
    static C: Catalog = Catalog {
        version: "1.0.0",
        sections: &[&S],
    };
    let entry = "owner \"Core_Compiler\" of section s";
    expect_violation(&C, entry, Rule::KeyConvention);
    expect_violation(&C, entry, Rule::Documented);
}

// ---------------------------------------------------------------------------------------
// Buckets.
// ---------------------------------------------------------------------------------------

#[test]
fn histogram_without_buckets_is_rejected() {
    let c = catalog_with(MetricSpec {
        buckets: &[],
        ..DURATION
    });
    expect_only_violation(&c, &metric_entry(DURATION.name), Rule::Buckets);
}

#[test]
fn unsorted_buckets_are_rejected() {
    let c = catalog_with(MetricSpec {
        buckets: &[0.1, 1.0, 0.5, 5.0],
        ..DURATION
    });
    expect_only_violation(&c, &metric_entry(DURATION.name), Rule::Buckets);
}

#[test]
fn duplicate_bucket_is_rejected() {
    let c = catalog_with(MetricSpec {
        buckets: &[0.1, 0.5, 0.5, 1.0],
        ..DURATION
    });
    expect_only_violation(&c, &metric_entry(DURATION.name), Rule::Buckets);
}

#[test]
fn non_finite_bucket_is_rejected() {
    let cases: [&'static [f64]; 4] = [
        &[0.1, f64::NAN, 1.0],
        &[f64::NAN],
        &[0.1, 1.0, f64::INFINITY],
        &[f64::NEG_INFINITY, 0.1],
    ];
    for buckets in cases {
        let c = catalog_with(MetricSpec {
            buckets,
            ..DURATION
        });
        let errors = expect_only_violation(&c, &metric_entry(DURATION.name), Rule::Buckets);
        assert!(
            errors.iter().any(|e| e.detail.contains("not finite")),
            "{buckets:?}: {errors:#?}"
        );
    }
}

#[test]
fn counter_or_gauge_with_buckets_is_rejected() {
    for base in [ERRORS, QUEUE_DEPTH] {
        let c = catalog_with(MetricSpec {
            buckets: &[0.1, 1.0],
            ..base
        });
        expect_only_violation(&c, &metric_entry(base.name), Rule::Buckets);
    }
}

#[test]
fn single_and_negative_ascending_buckets_are_accepted() {
    let cases: [&'static [f64]; 2] = [&[1.0], &[-1.0, 0.0, 1.0]];
    for buckets in cases {
        let c = catalog_with(MetricSpec {
            buckets,
            ..DURATION
        });
        expect_valid(&c, &format!("buckets {buckets:?}"));
    }
}

// ---------------------------------------------------------------------------------------
// BoundedLabels.
// ---------------------------------------------------------------------------------------

#[test]
fn identifier_label_is_rejected() {
    for key in [
        "dashboard_id",
        "project.id",
        "domain",
        "table",
        "user_id",
        "server.address",
        "url.full",
        "dataface.dashboard",
        "tenant",
    ] {
        let c = catalog_with(labelled(vec![label(key)]));
        // `project.id` also breaks the key convention (no such namespace): not only this rule.
        let errors = expect_violation(&c, &metric_entry(ERRORS.name), Rule::BoundedLabels);
        assert!(
            errors
                .iter()
                .any(|e| e.rule == Rule::BoundedLabels && e.detail.contains(&format!("{key:?}"))),
            "the detail names the key {key:?}: {errors:#?}"
        );
    }
}

#[test]
fn bounded_label_outside_its_range_is_rejected() {
    for max in [0, MAX_LABEL_VALUES + 1, usize::MAX] {
        let c = catalog_with(labelled(vec![LabelSpec::bounded(
            "dataface.catalog.consumer",
            "Who asked.",
            max,
        )
        .with_example("x")]));
        expect_only_violation(&c, &metric_entry(ERRORS.name), Rule::BoundedLabels);
    }
}

#[test]
fn bounded_label_at_its_limits_is_accepted() {
    for max in [1, MAX_LABEL_VALUES] {
        let c = catalog_with(labelled(vec![LabelSpec::bounded(
            "dataface.catalog.consumer",
            "Who asked.",
            max,
        )
        .with_example("x")]));
        expect_valid(&c, &format!("a label bounded by {max}"));
    }
}

#[test]
fn enumerated_label_without_values_is_rejected() {
    let c = catalog_with(labelled(vec![LabelSpec::enumerated(
        "dataface.outcome",
        "How it ended.",
        &[],
    )]));
    let errors = expect_only_violation(&c, &metric_entry(ERRORS.name), Rule::BoundedLabels);
    assert!(errors.iter().any(|e| e.detail.contains("no values")));
}

fn values(n: usize) -> &'static [&'static str] {
    leak((0..n).map(|i| leak_str(format!("v{i}"))).collect())
}

#[test]
fn enumerated_label_with_too_many_values_is_rejected() {
    let c = catalog_with(labelled(vec![LabelSpec::enumerated(
        "dataface.outcome",
        "How it ended.",
        values(MAX_LABEL_VALUES + 1),
    )]));
    expect_only_violation(&c, &metric_entry(ERRORS.name), Rule::BoundedLabels);
    let c = catalog_with(labelled(vec![LabelSpec::enumerated(
        "dataface.outcome",
        "How it ended.",
        values(MAX_LABEL_VALUES),
    )]));
    expect_valid(&c, "a label with MAX_LABEL_VALUES values");
}

// ---------------------------------------------------------------------------------------
// Documented.
// ---------------------------------------------------------------------------------------

#[test]
fn metric_without_description_is_rejected() {
    for description in ["", "   "] {
        let c = catalog_with(MetricSpec {
            description,
            ..ERRORS
        });
        expect_only_violation(&c, &metric_entry(ERRORS.name), Rule::Documented);
    }
}

#[test]
fn label_without_description_is_rejected() {
    let c = catalog_with(labelled(vec![LabelSpec::enumerated(
        "dataface.outcome",
        "",
        &["success", "failed"],
    )]));
    let errors = expect_only_violation(&c, &metric_entry(ERRORS.name), Rule::Documented);
    assert!(errors.iter().any(|e| e.detail.contains("outcome")));
}

#[test]
fn span_without_description_is_rejected() {
    let c = catalog_with_span(SpanSpec {
        description: "",
        ..COMPILE_SPAN
    });
    expect_only_violation(&c, &span_entry(COMPILE_SPAN.name), Rule::Documented);
}

#[test]
fn span_attribute_without_description_is_rejected() {
    let c = catalog_with_span(span_with(vec![AttributeSpec {
        description: " ",
        ..attribute("error.type")
    }]));
    expect_only_violation(&c, &span_entry(COMPILE_SPAN.name), Rule::Documented);
}

#[test]
fn error_code_without_summary_or_remedy_is_rejected() {
    for code in [
        ErrorCodeSpec {
            summary: "",
            ..UNKNOWN_QUERY
        },
        ErrorCodeSpec {
            remedy: "",
            ..UNKNOWN_QUERY
        },
        ErrorCodeSpec {
            remedy: "\t",
            ..UNKNOWN_QUERY
        },
    ] {
        let c = catalog_with_code(code);
        expect_only_violation(&c, &code_entry(UNKNOWN_QUERY.code), Rule::Documented);
    }
}

// ---------------------------------------------------------------------------------------
// SemanticVersion.
// ---------------------------------------------------------------------------------------

#[test]
fn version_that_is_not_semantic_is_rejected() {
    for version in ["1.0", "v1.0.0", "1.0.x", "", "1.0.0.0", "1..0", "-1.0.0"] {
        let c = catalog(version, vec![ERRORS], vec![], vec![]);
        expect_only_violation(&c, &version_entry(version), Rule::SemanticVersion);
    }
}

#[test]
fn semantic_version_is_accepted() {
    for version in ["2.3.4", "0.1.0", "10.20.30", "2.0.0-rc.1"] {
        let c = catalog(version, vec![ERRORS], vec![], vec![]);
        expect_valid(&c, &format!("version {version}"));
    }
}

#[test]
fn version_with_sign_or_leading_zero_is_rejected() {
    for version in ["+1.0.0", "1.+2.3", "01.0.0", "1.00.0"] {
        let c = catalog(version, vec![ERRORS], vec![], vec![]);
        expect_only_violation(&c, &version_entry(version), Rule::SemanticVersion);
    }
}

// ---------------------------------------------------------------------------------------
// Every problem at once.
// ---------------------------------------------------------------------------------------

#[test]
fn validate_reports_every_problem_at_once() {
    let c = catalog(
        "1.0",
        vec![MetricSpec {
            owner: NOBODY,
            ..ERRORS
        }],
        vec![SpanSpec {
            description: "",
            ..COMPILE_SPAN
        }],
        vec![ErrorCodeSpec {
            code: "Unknown-Query",
            ..UNKNOWN_QUERY
        }],
    );
    let errors = c.validate().expect_err("four independent problems");
    assert!(errors.0.len() >= 4, "{errors:#?}");
    for (entry, rule) in [
        (version_entry("1.0"), Rule::SemanticVersion),
        (metric_entry(ERRORS.name), Rule::KnownOwner),
        (span_entry(COMPILE_SPAN.name), Rule::Documented),
        (code_entry("Unknown-Query"), Rule::NamingConvention),
    ] {
        expect_violation(&c, &entry, rule);
    }
    let shown = errors.to_string();
    assert!(
        shown.starts_with(&format!(
            "the telemetry catalog breaks {} rule(s):",
            errors.0.len()
        )),
        "{shown}"
    );
    assert_eq!(shown.lines().count(), errors.0.len() + 1, "{shown}");
}

#[test]
fn several_problems_in_one_metric_are_all_reported() {
    let c = catalog_with(MetricSpec {
        name: "dataface.compile.duration_seconds",
        unit: "seconds",
        description: "",
        buckets: &[],
        ..DURATION
    });
    let errors = c.validate().expect_err("four problems in one metric");
    let rules: HashSet<_> = errors.0.iter().map(|e| e.rule).collect();
    assert_eq!(
        rules,
        HashSet::from([
            Rule::NamingConvention,
            Rule::UcumUnit,
            Rule::Documented,
            Rule::Buckets
        ]),
        "{errors:#?}"
    );
}

// ---------------------------------------------------------------------------------------
// Naming: Prometheus names, labels and unit suffixes.
// ---------------------------------------------------------------------------------------

#[test]
fn prometheus_name_follows_the_otel_rules() {
    use InstrumentKind::{Counter, Gauge, Histogram};
    let cases = [
        (
            "dataface.compile.duration",
            "s",
            Histogram,
            "dataface_compile_duration_seconds",
        ),
        (
            "dataface.compile.duration",
            "ms",
            Histogram,
            "dataface_compile_duration_milliseconds",
        ),
        (
            "dataface.compile.duration",
            "s",
            Gauge,
            "dataface_compile_duration_seconds",
        ),
        (
            "dataface.cpu.time",
            "s",
            Counter,
            "dataface_cpu_time_seconds_total",
        ),
        (
            "dataface.catalog.payload.size",
            "By",
            Histogram,
            "dataface_catalog_payload_size_bytes",
        ),
        (
            "dataface.export.sent",
            "By",
            Counter,
            "dataface_export_sent_bytes_total",
        ),
        (
            "dataface.profiler.accuracy",
            "1",
            Gauge,
            "dataface_profiler_accuracy_ratio",
        ),
        (
            "dataface.profiler.columns",
            "1",
            Counter,
            "dataface_profiler_columns_total",
        ),
        (
            "dataface.profiler.score",
            "1",
            Histogram,
            "dataface_profiler_score",
        ),
        (
            "dataface.compile.errors",
            "{error}",
            Counter,
            "dataface_compile_errors_total",
        ),
        (
            "dataface.compile.queue.depth",
            "{job}",
            Gauge,
            "dataface_compile_queue_depth",
        ),
        (
            "dataface.compile.rows",
            "{row}",
            Histogram,
            "dataface_compile_rows",
        ),
        (
            "dataface.export.throughput",
            "By/s",
            Gauge,
            "dataface_export_throughput_bytes_per_second",
        ),
        (
            "dataface.export.throughput",
            "By/s",
            Counter,
            "dataface_export_throughput_bytes_per_second_total",
        ),
        (
            "dataface.build.info",
            "{info}",
            Gauge,
            "dataface_build_info",
        ),
        ("dataface.a.b", "{x}", Counter, "dataface_a_b_total"),
        ("dataface.a_b", "{x}", Counter, "dataface_a_b_total"),
        // A suffix already present is not doubled.
        (
            "dataface.compile.duration_seconds",
            "s",
            Histogram,
            "dataface_compile_duration_seconds",
        ),
        (
            "dataface.compile.errors_total",
            "{error}",
            Counter,
            "dataface_compile_errors_total",
        ),
        (
            "dataface.cpu.time_seconds",
            "s",
            Counter,
            "dataface_cpu_time_seconds_total",
        ),
        (
            "dataface.payload_bytes",
            "By",
            Gauge,
            "dataface_payload_bytes",
        ),
        (
            "dataface.accuracy_ratio",
            "1",
            Gauge,
            "dataface_accuracy_ratio",
        ),
    ];
    for (name, unit, kind, expected) in cases {
        assert_eq!(
            prometheus_name(name, unit, kind),
            expected,
            "prometheus_name({name:?}, {unit:?}, {kind:?})"
        );
    }
}

#[test]
fn annotated_rate_unit_keeps_its_per_suffix() {
    use InstrumentKind::{Counter, Gauge};
    assert_eq!(
        unit_suffix("{request}/s", Gauge).as_deref(),
        Some("per_second")
    );
    assert_eq!(
        prometheus_name("dataface.compile.rate", "{request}/s", Gauge),
        "dataface_compile_rate_per_second"
    );
    assert_eq!(
        prometheus_name("dataface.compile.rate", "{request}/s", Counter),
        "dataface_compile_rate_per_second_total"
    );
}

#[test]
fn unit_suffix_maps_ucum_units() {
    use InstrumentKind::{Counter, Gauge, Histogram};
    let cases: [(&str, InstrumentKind, Option<&str>); 16] = [
        ("s", Histogram, Some("seconds")),
        ("s", Counter, Some("seconds")),
        ("ms", Histogram, Some("milliseconds")),
        ("us", Histogram, Some("microseconds")),
        ("min", Gauge, Some("minutes")),
        ("By", Gauge, Some("bytes")),
        ("KiBy", Gauge, Some("kibibytes")),
        ("%", Gauge, Some("percent")),
        ("1", Gauge, Some("ratio")),
        ("1", Counter, None),
        ("1", Histogram, None),
        ("{event}", Counter, None),
        ("{event}", Gauge, None),
        ("", Gauge, None),
        ("By/s", Gauge, Some("bytes_per_second")),
        ("ms/h", Gauge, Some("milliseconds_per_hour")),
    ];
    for (unit, kind, expected) in cases {
        assert_eq!(
            unit_suffix(unit, kind).as_deref(),
            expected,
            "unit_suffix({unit:?}, {kind:?})"
        );
    }
}

#[test]
fn prometheus_label_replaces_dots() {
    for (key, expected) in [
        ("error.type", "error_type"),
        ("outcome", "outcome"),
        ("db.system.name", "db_system_name"),
        ("dataface.consumer", "dataface_consumer"),
        ("http.request-method", "http_request_method"),
        ("2xx", "key_2xx"),
    ] {
        assert_eq!(prometheus_label(key), expected, "prometheus_label({key:?})");
    }
}

#[test]
fn metric_spec_prometheus_name_uses_its_unit_and_kind() {
    assert_eq!(ERRORS.prometheus_name(), "dataface_compile_errors_total");
    assert_eq!(
        QUEUE_DEPTH.prometheus_name(),
        "dataface_compile_queue_depth"
    );
    assert_eq!(
        DURATION.prometheus_name(),
        "dataface_compile_duration_seconds"
    );
}

// ---------------------------------------------------------------------------------------
// Cardinality bounds.
// ---------------------------------------------------------------------------------------

#[test]
fn label_max_values_counts_other() {
    // Enumerated without `other`: the overflow value adds one.
    assert_eq!(OUTCOME.max_values(), 4);
    // Enumerated with `other` listed: it is already counted.
    let with_other = LabelSpec::enumerated("dataface.outcome", "d", &["success", OTHER]);
    assert_eq!(with_other.max_values(), 2);
    // Bounded n: n values plus `other`.
    assert_eq!(
        LabelSpec::bounded("dataface.catalog.consumer", "d", 8)
            .with_example("x")
            .max_values(),
        9
    );
    assert_eq!(
        LabelSpec::bounded("dataface.catalog.consumer", "d", 1)
            .with_example("x")
            .max_values(),
        2
    );
}

#[test]
fn metric_max_series_is_the_product_of_its_labels() {
    let m = labelled(vec![
        OUTCOME,                                                                   // 3 + other = 4
        LabelSpec::bounded("dataface.catalog.consumer", "d", 8).with_example("x"), // 9
        LabelSpec::enumerated("dataface.catalog.contract.change_kind", "d", &["a", OTHER]), // 2
    ]);
    assert_eq!(m.max_series(), 4 * 9 * 2);
    assert_eq!(labelled(vec![]).max_series(), 1, "no labels: one series");
    assert_eq!(DURATION.max_series(), 4);
}

// ---------------------------------------------------------------------------------------
// OpenTelemetry's naming rules.
// ---------------------------------------------------------------------------------------

#[test]
fn a_key_without_a_namespace_is_rejected() {
    for key in ["queue", "foo.bar", "dashboard_id"] {
        let c = catalog_with_span(span_with(vec![attribute(key)]));
        let errors = expect_violation(&c, &span_entry(COMPILE_SPAN.name), Rule::Namespaced);
        assert!(
            errors
                .iter()
                .any(|e| e.detail.contains(&format!("{key:?}"))),
            "{errors:#?}"
        );
        let c = catalog_with(labelled(vec![label(key)]));
        expect_violation(&c, &metric_entry(ERRORS.name), Rule::Namespaced);
    }
    for key in ["dataface.queue.name", "error.type", "db.system.name"] {
        let c = catalog_with_span(span_with(vec![attribute(key)]));
        expect_valid(&c, &format!("span attribute {key:?}"));
    }
}

#[test]
fn an_enumeration_member_id_that_is_not_lower_snake_or_repeats_is_rejected() {
    // `--` gives an empty id; `a.b` and `a_b` give the same id.
    for values in [&["ok", "--"][..], &["a.b", "a_b"][..]] {
        let c = catalog_with(labelled(vec![LabelSpec::enumerated(
            "dataface.kind",
            "d",
            leak(values.to_vec()),
        )]));
        expect_only_violation(&c, &metric_entry(ERRORS.name), Rule::EnumMemberId);
    }
    // Upper case and versions are fine: their ids are `otel_sdk_disabled` and `v1_0`.
    let c = catalog_with(labelled(vec![LabelSpec::enumerated(
        "dataface.kind",
        "d",
        &["OTEL_SDK_DISABLED", "1.0", "GET"],
    )]));
    expect_valid(&c, "upper-case and version values");
    assert_eq!(member_id("1.0"), "v1_0");
    assert_eq!(member_id("OTEL_SDK_DISABLED"), "otel_sdk_disabled");
}

#[test]
fn a_name_that_is_also_a_namespace_is_rejected() {
    // Attributes: `dataface.source` beside `dataface.source.name`.
    let c = catalog_with_span(span_with(vec![
        attribute("dataface.source"),
        attribute("dataface.source.name"),
    ]));
    let errors = expect_only_violation(&c, "attribute dataface.source", Rule::SignalNamespace);
    assert!(
        errors[0].detail.contains("dataface.source.name"),
        "{errors:#?}"
    );
    // Metrics: `dataface.queue.events` beside `dataface.queue.events.pending`.
    let events = MetricSpec {
        name: "dataface.queue.events",
        ..ERRORS
    };
    let pending = MetricSpec {
        name: "dataface.queue.events.pending",
        ..ERRORS
    };
    let c = catalog_with_metrics(vec![events, pending]);
    expect_only_violation(&c, "metric dataface.queue.events", Rule::SignalNamespace);
    // Events likewise.
    let retry = EventSpec {
        name: "dataface.billing.retry",
        description: "A retry.",
        attributes: &[],
        owner: CORE_COMPILER,
    };
    let retry_late = EventSpec {
        name: "dataface.billing.retry.late",
        ..retry
    };
    let c = catalog_with_events(vec![retry, retry_late]);
    expect_only_violation(&c, "event dataface.billing.retry", Rule::SignalNamespace);
}

#[test]
fn a_key_that_takes_an_opentelemetry_name_is_rejected() {
    // A deprecated OpenTelemetry attribute, one of its namespaces as a key (as `state` and
    // `service` were), and a key it does not define inside one of its namespaces.
    for (key, says) in [
        ("host", "namespace"),
        ("db.system", "deprecated"),
        ("http.dataface_route", "not one of its attributes"),
    ] {
        let c = catalog_with_span(span_with(vec![attribute(key)]));
        let errors = expect_violation(&c, &span_entry(COMPILE_SPAN.name), Rule::OtelCollision);
        assert!(
            errors
                .iter()
                .any(|e| e.rule == Rule::OtelCollision && e.detail.contains(says)),
            "{key}: {errors:#?}"
        );
    }
    let c = catalog_with_span(span_with(vec![attribute("service.name")]));
    expect_valid(&c, "OpenTelemetry's service.name");
}

#[test]
fn a_key_declared_with_two_types_is_rejected() {
    // `attempt`: an int on a log, an enumeration on a metric label.
    let int = AttributeSpec {
        value_type: AttributeType::Int,
        ..attribute("dataface.billing.attempt")
    };
    let c = catalog(
        "1.0.0",
        vec![labelled(vec![LabelSpec::enumerated(
            "dataface.billing.attempt",
            "d",
            &["first", "retry"],
        )])],
        vec![span_with(vec![int])],
        vec![],
    );
    let errors = c.validate().expect_err("two types for one key");
    assert!(
        errors.0.iter().any(
            |e| e.rule == Rule::ConsistentType && e.detail.contains("dataface.billing.attempt")
        ),
        "{errors}"
    );
}

#[test]
fn a_string_attribute_or_bounded_label_without_an_example_is_rejected() {
    let bare = AttributeSpec {
        value_type: AttributeType::String { example: "" },
        ..attribute("dataface.dashboard.name")
    };
    let c = catalog_with_span(span_with(vec![bare]));
    expect_only_violation(&c, &span_entry(COMPILE_SPAN.name), Rule::Documented);
    let c = catalog_with(labelled(vec![LabelSpec::bounded(
        "dataface.release",
        "d",
        4,
    )]));
    expect_only_violation(&c, &metric_entry(ERRORS.name), Rule::Documented);
}

// ---------------------------------------------------------------------------------------
// Series budget.
// ---------------------------------------------------------------------------------------

/// A section of these metrics under `budget`.
fn budgeted(metrics: Vec<MetricSpec>, budget: SeriesBudget) -> Catalog {
    let section: &'static Section = Box::leak(Box::new(Section {
        surface: "test",
        metrics: leak(metrics),
        spans: &[],
        events: &[],
        error_codes: &[],
        owners: &[CORE_COMPILER],
        series_budget: budget,
    }));
    Catalog {
        version: "1.0.0",
        sections: leak(vec![section]),
    }
}

#[test]
fn a_histogram_is_its_buckets_inf_sum_and_count_per_label_set() {
    // OUTCOME: 3 values + other = 4 label sets; 6 buckets + +Inf + _sum + _count = 9.
    assert_eq!(DURATION.series_per_label_set(), 9);
    assert_eq!(
        DURATION.series_per_process(),
        SeriesCount {
            label_sets: 4,
            classic: 36,
            native: 4
        }
    );
    assert_eq!(ERRORS.series_per_label_set(), 1);
    assert_eq!(ERRORS.series_per_process().classic, 4);
    assert_eq!(
        FIXTURE_SECTION.series_per_process(),
        SeriesCount {
            label_sets: 4 + 9 + 4,
            classic: 4 + 9 + 36,
            native: 4 + 9 + 4
        }
    );
}

#[test]
fn a_label_bounded_per_process_counts_its_per_process_values() {
    let release = LabelSpec::bounded("dataface.release", "The release.", 16)
        .with_example("2.5.0")
        .per_process(1);
    assert_eq!(release.max_values(), 17, "the fleet still sees 16 + other");
    assert_eq!(release.max_values_per_process(), 1);
    let m = labelled(vec![OUTCOME, release]);
    assert_eq!(m.max_series(), 4 * 17);
    assert_eq!(m.label_sets_per_process(), 4);
    // A per-process bound above the label's own never raises it.
    assert_eq!(OUTCOME.per_process(50).max_values_per_process(), 4);
}

#[test]
fn a_section_within_its_budget_validates_at_the_boundary() {
    // 17 series exactly with native histograms, 49 on a classic scrape.
    expect_valid(
        &budgeted(
            vec![ERRORS, QUEUE_DEPTH, DURATION],
            SeriesBudget::new(17, 49),
        ),
        "17 and 49 series under budgets of 17 and 49",
    );
}

#[test]
fn a_section_over_its_budget_names_the_metric_and_the_labels_that_multiply() {
    let c = budgeted(
        vec![ERRORS, QUEUE_DEPTH, DURATION],
        SeriesBudget::new(17, 48),
    );
    let errors = expect_only_violation(&c, "section test", Rule::SeriesBudget);
    assert_eq!(errors.len(), 1);
    let detail = &errors[0].detail;
    assert!(
        detail.starts_with(
            "49 series per process on a classic scrape in the worst case, over its budget of 48"
        ),
        "{detail}"
    );
    // The largest metric is named with what multiplies it; one name is enough here.
    assert!(
        detail.contains(
            "dataface.compile.duration = 36 series (dataface.outcome 4 × 9 series per label set (6 buckets, +Inf, _sum, _count))"
        ),
        "{detail}"
    );
    assert!(!detail.contains("dataface.compile.queue.depth"), "{detail}");
}

#[test]
fn a_new_label_on_a_metric_breaks_the_budget_it_fitted() {
    // The change a budget exists to catch: one more label multiplies every series.
    let before = labelled(vec![OUTCOME, CONSUMER]); // 4 × 9 = 36
    expect_valid(
        &budgeted(vec![before], SeriesBudget::new(40, 40)),
        "36 series under 40",
    );
    let after = labelled(vec![OUTCOME, CONSUMER, label("dataface.compile.stage")]);
    let errors = expect_only_violation(
        &budgeted(vec![after], SeriesBudget::new(40, 40)),
        "section test",
        Rule::SeriesBudget,
    );
    // A counter is the same series in both modes: both budgets break.
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert!(
        errors[0].detail.contains(
            "dataface.compile.errors = 396 series (dataface.outcome 4 × dataface.consumer 9 × dataface.compile.stage 11)"
        ),
        "{}",
        errors[0].detail
    );
}

#[test]
fn every_section_is_checked_against_its_own_budget() {
    static SMALL: Section = Section {
        surface: "small",
        metrics: &[ERRORS],
        spans: &[],
        events: &[],
        error_codes: &[],
        owners: &[CORE_COMPILER],
        series_budget: SeriesBudget::new(3, 3),
    };
    static LARGE: Section = Section {
        surface: "large",
        metrics: &[DURATION],
        spans: &[],
        events: &[],
        error_codes: &[],
        owners: &[],
        series_budget: SeriesBudget::new(4, 36),
    };
    static BOTH: Catalog = Catalog {
        version: "1.0.0",
        sections: &[&SMALL, &LARGE],
    };
    let errors = expect_only_violation(&BOTH, "section small", Rule::SeriesBudget);
    assert!(
        errors[0].detail.starts_with("4 series"),
        "{}",
        errors[0].detail
    );
}

#[test]
fn a_section_over_its_native_budget_names_label_sets_not_buckets() {
    // 17 label sets against 16: the native budget breaks, the classic one holds.
    let c = budgeted(
        vec![ERRORS, QUEUE_DEPTH, DURATION],
        SeriesBudget::new(16, 49),
    );
    let errors = expect_only_violation(&c, "section test", Rule::SeriesBudget);
    assert_eq!(errors.len(), 1, "{errors:?}");
    let detail = &errors[0].detail;
    assert!(
        detail.starts_with(
            "17 series per process with native histograms in the worst case, over its budget of 16"
        ),
        "{detail}"
    );
    assert!(
        detail.contains("dataface.compile.queue.depth = 9 series ("),
        "{detail}"
    );
    assert!(!detail.contains("per label set"), "{detail}");
}

#[test]
fn the_default_budget_is_300_series_in_both_modes() {
    assert_eq!(DEFAULT_SERIES_BUDGET, SeriesBudget::new(300, 300));
    assert_eq!(SeriesBudget::classic(550), SeriesBudget::new(300, 550));
    let over_classic = SeriesCount {
        label_sets: 300,
        classic: 301,
        native: 300,
    };
    assert!(!DEFAULT_SERIES_BUDGET.fits(over_classic));
    assert!(SeriesBudget::classic(301).fits(over_classic));
}
