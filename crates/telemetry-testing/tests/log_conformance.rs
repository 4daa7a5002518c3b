//! Conformance covers log events: a named event is declared with its attributes, and a log
//! a probe crate emits without a catalog event name is reported.

use telemetry_core::catalog::{
    owners, AttributeSpec, AttributeType, Catalog, EventSpec, Requirement, Section,
};
use telemetry_testing::{Capture, Coverage, Violation};

const DOMAIN: AttributeSpec = AttributeSpec {
    key: "dataface.fixture.domain",
    requirement: Requirement::Required,
    description: "The domain.",
    value_type: AttributeType::String {
        example: "dashboards.example.com",
    },
};
const EXPIRING: EventSpec = EventSpec {
    name: "dataface.fixture.expiring",
    description: "Something expires.",
    attributes: &[DOMAIN],
    owner: owners::OBSERVABILITY_PLATFORM,
};
static SECTION: Section = Section {
    surface: "fixture",
    metrics: &[],
    spans: &[],
    events: &[EXPIRING],
    error_codes: &[],
    owners: &[owners::OBSERVABILITY_PLATFORM],
    series_budget: telemetry_core::catalog::DEFAULT_SERIES_BUDGET,
};
static CATALOG: Catalog = Catalog {
    version: "1.0.0",
    sections: &[&SECTION],
};

fn rules(emit: impl FnOnce()) -> Vec<Violation> {
    let capture = Capture::new();
    capture.in_scope(emit);
    capture
        .signals()
        .conformance(&CATALOG)
        .into_iter()
        .map(|e| e.rule)
        .collect()
}

#[test]
fn a_declared_event_with_its_attributes_conforms() {
    let found = rules(|| {
        tracing::event!(
            name: EXPIRING.name,
            tracing::Level::WARN,
            { { DOMAIN.key } = "a.example.com" },
            "expires soon"
        )
    });
    assert_eq!(found, vec![]);
}

#[test]
fn an_undeclared_event_an_undeclared_attribute_and_a_missing_one_are_reported() {
    let found = rules(|| {
        tracing::event!(name: "dataface.fixture.unknown", tracing::Level::WARN, "x");
        tracing::event!(
            name: EXPIRING.name,
            tracing::Level::WARN,
            { days_left = 3_i64 },
            "expires soon"
        );
    });
    assert_eq!(
        found,
        vec![
            Violation::UndeclaredEvent,
            Violation::UndeclaredAttribute,
            Violation::MissingRequiredAttribute
        ]
    );
}

#[test]
fn a_probe_crates_log_without_an_event_name_is_reported() {
    let found = rules(|| {
        tracing::warn!(target: "fixture_probes::billing", "retrying");
        // A host application's own log is not the catalog's.
        tracing::warn!(target: "my_service", "started");
    });
    assert_eq!(found, vec![Violation::UnnamedEvent]);
}

#[test]
fn coverage_counts_a_declared_event_once_it_is_emitted() {
    let mut coverage = Coverage::new(&CATALOG);
    assert_eq!(coverage.report().missing_events, vec![EXPIRING.name]);
    let capture = Capture::new();
    capture.in_scope(|| {
        tracing::event!(
            name: EXPIRING.name,
            tracing::Level::WARN,
            { { DOMAIN.key } = "a.example.com" },
            "expires soon"
        )
    });
    coverage.add(&capture.signals());
    let report = coverage.report();
    assert_eq!((report.covered, report.total), (1, 1));
    assert!(report.missing_events.is_empty(), "{report}");
}
