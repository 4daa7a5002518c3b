//! Conformance compares the type every attribute is emitted with against the type the
//! catalog declares for its key: on spans, span events, log records and metric data points.

use std::collections::BTreeMap;
use telemetry_core::catalog::{
    owners, AttributeSpec, AttributeType, Catalog, EventSpec, InstrumentKind, LabelSpec,
    MetricSpec, Requirement, Section, SpanSpec,
};
use telemetry_testing::{Capture, Captured, MetricRecord, MetricValue, Violation};

const ATTEMPT: AttributeSpec = AttributeSpec {
    key: "dataface.fixture.attempt",
    requirement: Requirement::Recommended,
    description: "Which attempt this is.",
    value_type: AttributeType::Enum(&["first", "retry"]),
};
const ROWS: AttributeSpec = AttributeSpec {
    key: "dataface.fixture.rows",
    requirement: Requirement::Recommended,
    description: "Rows read.",
    value_type: AttributeType::Int,
};
const RATIO: AttributeSpec = AttributeSpec {
    key: "dataface.fixture.ratio",
    requirement: Requirement::Recommended,
    description: "Share of rows kept.",
    value_type: AttributeType::Double,
};
const CACHED: AttributeSpec = AttributeSpec {
    key: "dataface.fixture.cached",
    requirement: Requirement::Recommended,
    description: "Whether the result came from the cache.",
    value_type: AttributeType::Boolean,
};
const TABLE: AttributeSpec = AttributeSpec {
    key: "dataface.fixture.table",
    requirement: Requirement::Recommended,
    description: "The table read.",
    value_type: AttributeType::String { example: "orders" },
};
const READ: SpanSpec = SpanSpec {
    name: "dataface.fixture.read",
    description: "One read.",
    attributes: &[ATTEMPT, ROWS, RATIO, CACHED, TABLE],
    owner: owners::OBSERVABILITY_PLATFORM,
};
const RETRIED: EventSpec = EventSpec {
    name: "dataface.fixture.retried",
    description: "A read was retried.",
    attributes: &[ROWS, ATTEMPT],
    owner: owners::OBSERVABILITY_PLATFORM,
};
const OUTCOME: LabelSpec = LabelSpec::enumerated(
    "dataface.fixture.outcome",
    "How it ended.",
    &["ok", "failed"],
);
const READS: MetricSpec = MetricSpec {
    name: "dataface.fixture.reads",
    kind: InstrumentKind::Counter,
    unit: "{read}",
    description: "Reads.",
    labels: &[OUTCOME],
    buckets: &[],
    owner: owners::OBSERVABILITY_PLATFORM,
};
static SECTION: Section = Section {
    surface: "fixture",
    metrics: &[READS],
    spans: &[READ],
    events: &[RETRIED],
    error_codes: &[],
    owners: &[owners::OBSERVABILITY_PLATFORM],
    series_budget: telemetry_core::catalog::DEFAULT_SERIES_BUDGET,
};
static CATALOG: Catalog = Catalog {
    version: "1.0.0",
    sections: &[&SECTION],
};

fn captured(emit: impl FnOnce()) -> Captured {
    let capture = Capture::new();
    capture.in_scope(emit);
    capture.signals()
}

/// The type violations, as their details.
fn wrong_types(signals: &Captured) -> Vec<String> {
    signals
        .conformance(&CATALOG)
        .into_iter()
        .filter(|e| e.rule == Violation::WrongType)
        .map(|e| e.detail)
        .collect()
}

#[test]
fn every_attribute_with_its_declared_type_conforms() {
    let signals = captured(|| {
        let _span = tracing::info_span!(
            "dataface.fixture.read",
            { ATTEMPT.key } = "retry",
            { ROWS.key } = 120_i64,
            { RATIO.key } = 0.5,
            { CACHED.key } = true,
            { TABLE.key } = "orders",
        )
        .entered();
        tracing::event!(
            name: RETRIED.name,
            tracing::Level::WARN,
            // An `i64`: tracing-opentelemetry makes a `u64` field of a span event a string.
            { { ROWS.key } = 3_i64, { ATTEMPT.key } = "retry" },
            "read retried"
        );
        metrics::counter!(READS.name, OUTCOME.key => "ok").increment(1);
    });
    assert_eq!(signals.conformance(&CATALOG), vec![]);
}

#[test]
fn an_int_for_an_enumeration_on_a_span_is_reported() {
    let signals = captured(|| {
        let _span = tracing::info_span!("dataface.fixture.read", { ATTEMPT.key } = 2_i64).entered();
    });
    assert_eq!(
        wrong_types(&signals),
        vec![
            "span dataface.fixture.read attribute dataface.fixture.attempt: declared string, \
             emitted int (2)"
        ]
    );
}

#[test]
fn a_string_for_an_int_a_float_for_a_boolean_and_an_int_for_a_string_are_reported() {
    let signals = captured(|| {
        let _span = tracing::info_span!(
            "dataface.fixture.read",
            { ROWS.key } = "120",
            { CACHED.key } = 1.0,
            { TABLE.key } = 7_i64,
            { RATIO.key } = 0.25,
        )
        .entered();
    });
    assert_eq!(
        wrong_types(&signals),
        vec![
            "span dataface.fixture.read attribute dataface.fixture.cached: declared boolean, \
             emitted double (1)",
            "span dataface.fixture.read attribute dataface.fixture.rows: declared int, \
             emitted string (120)",
            "span dataface.fixture.read attribute dataface.fixture.table: declared string, \
             emitted int (7)",
        ]
    );
}

#[test]
fn a_mistyped_log_record_field_is_reported() {
    let signals = captured(|| {
        tracing::event!(
            name: RETRIED.name,
            tracing::Level::WARN,
            { { ROWS.key } = "three", { ATTEMPT.key } = 2_i64 },
            "read retried"
        );
    });
    assert_eq!(
        wrong_types(&signals),
        vec![
            "log event dataface.fixture.retried attribute dataface.fixture.attempt: declared \
             string, emitted int (2)",
            "log event dataface.fixture.retried attribute dataface.fixture.rows: declared int, \
             emitted string (three)",
        ]
    );
}

#[test]
fn a_mistyped_span_event_attribute_is_reported() {
    // Inside a span, the event also becomes a span event: its attributes are checked against
    // the catalog's declaration of each key.
    let signals = captured(|| {
        let _span = tracing::info_span!("dataface.fixture.read").entered();
        tracing::info!({ ROWS.key } = true, "rows counted");
    });
    let found = wrong_types(&signals);
    assert!(
        found.contains(
            &"span dataface.fixture.read event \"rows counted\" attribute dataface.fixture.rows: \
              declared int, emitted boolean (true)"
                .to_owned()
        ),
        "{found:#?}"
    );
}

#[test]
fn a_metric_label_that_arrives_as_an_int_is_reported() {
    // The `metrics` facade only has text labels; a data point read from OTLP carries the
    // type the pipeline gave it.
    let point = MetricRecord {
        name: READS.name.to_owned(),
        kind: InstrumentKind::Counter,
        labels: BTreeMap::from([(OUTCOME.key.to_owned(), "1".to_owned())]),
        label_types: BTreeMap::from([(OUTCOME.key.to_owned(), "int")]),
        value: MetricValue::Counter(1),
        unit: Some("{read}"),
        touched: true,
    };
    let signals = Captured {
        metrics: vec![point],
        ..Captured::default()
    };
    let found = wrong_types(&signals);
    assert_eq!(
        found,
        vec![
            "metric dataface.fixture.reads label dataface.fixture.outcome: declared string, \
             emitted int (1)"
        ]
    );
}
