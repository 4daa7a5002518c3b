//! The profiler's section of the signal catalog (task card 004).

use crate::{Outcome, ProfileError, ReportOutcome, SemanticType, Verdict, WarehouseType};
use telemetry_core::catalog::{
    AttributeSpec, AttributeType, EventSpec, InstrumentKind, MetricSpec, Owner, Requirement,
    Section, SeriesBudget, SpanSpec,
};
use telemetry_core::errors::ERROR_TYPE_ATTR;
use telemetry_core::probe::ABANDONED_ATTR;

/// The warehouse profiler and inspector reports.
pub const INSPECT_PROFILER: Owner = Owner {
    id: "inspect-profiler",
    description: "Warehouse profiling, semantic type detection, inspector reports",
};

/// Profiling runs take seconds on small tables and tens of minutes on large warehouses.
const RUN_SECONDS: &[f64] = &[
    0.1, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1_200.0, 1_800.0, 3_600.0,
];
const REPORT_SECONDS: &[f64] = &[0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];
const CONFIDENCE: &[f64] = &[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99, 1.0];

/// `dataface.profiler.run.duration`: one sample per profiling run (one table).
pub const RUN_DURATION: MetricSpec = MetricSpec {
    name: "dataface.profiler.run.duration",
    kind: InstrumentKind::Histogram,
    unit: "s",
    description: "Time to profile one table, by warehouse type and outcome (success, failure, timeout, cancelled, abandoned); its count is the run rate.",
    labels: &[WarehouseType::LABEL, Outcome::LABEL],
    buckets: RUN_SECONDS,
    owner: INSPECT_PROFILER,
};
/// `dataface.profiler.run.errors`: failed and timed-out runs by warehouse type and code.
pub const RUN_ERRORS: MetricSpec = MetricSpec {
    name: "dataface.profiler.run.errors",
    kind: InstrumentKind::Counter,
    unit: "{error}",
    description: "Profiling runs that failed or timed out (`profile_warehouse_timeout`), by warehouse type and error code.",
    labels: &[WarehouseType::LABEL.zero_init(&[]), ProfileError::LABEL],
    buckets: &[],
    owner: INSPECT_PROFILER,
};
/// `dataface.profiler.runs.active`: runs in flight per warehouse type.
pub const RUNS_ACTIVE: MetricSpec = MetricSpec {
    name: "dataface.profiler.runs.active",
    kind: InstrumentKind::Gauge,
    unit: "{run}",
    description: "Profiling runs in flight, by warehouse type: a run hung on a warehouse stays here after its deadline.",
    labels: &[WarehouseType::LABEL],
    buckets: &[],
    owner: INSPECT_PROFILER,
};
/// `dataface.profiler.columns`: columns profiled.
pub const COLUMNS: MetricSpec = MetricSpec {
    name: "dataface.profiler.columns.profiled",
    kind: InstrumentKind::Counter,
    unit: "{column}",
    description: "Columns profiled, by warehouse type.",
    labels: &[WarehouseType::LABEL.zero_init(&[])],
    buckets: &[],
    owner: INSPECT_PROFILER,
};
/// `dataface.profiler.columns.skipped`: columns a run skipped, by code.
pub const COLUMNS_SKIPPED: MetricSpec = MetricSpec {
    name: "dataface.profiler.columns.skipped",
    kind: InstrumentKind::Counter,
    unit: "{column}",
    description: "Columns a run skipped (unsupported type, sampling failed) while profiling the rest of the table, by warehouse type and error code.",
    labels: &[WarehouseType::LABEL.zero_init(&[]), ProfileError::LABEL],
    buckets: &[],
    owner: INSPECT_PROFILER,
};
/// `dataface.profiler.rows`: rows profiled.
pub const ROWS: MetricSpec = MetricSpec {
    name: "dataface.profiler.rows",
    kind: InstrumentKind::Counter,
    unit: "{row}",
    description: "Rows profiled (scanned or sampled), by warehouse type.",
    labels: &[WarehouseType::LABEL.zero_init(&[])],
    buckets: &[],
    owner: INSPECT_PROFILER,
};
/// `dataface.profiler.last_success`: time of the last successful profile, Unix seconds.
pub const LAST_SUCCESS: MetricSpec = MetricSpec {
    name: "dataface.profiler.last_success",
    kind: InstrumentKind::Gauge,
    unit: "s",
    description: "Time of the last successful profiling run per warehouse type, in Unix seconds: staleness is `time() - this` at query time.",
    labels: &[WarehouseType::LABEL],
    buckets: &[],
    owner: INSPECT_PROFILER,
};
/// `dataface.profiler.semantic.confidence`: one sample per semantic type detection.
pub const SEMANTIC_CONFIDENCE: MetricSpec = MetricSpec {
    name: "dataface.profiler.semantic.confidence",
    kind: InstrumentKind::Histogram,
    unit: "1",
    description: "Confidence (0 to 1) of each semantic type detection, by detected type; its count is the detection rate.",
    labels: &[SemanticType::LABEL.zero_init(&[])],
    buckets: CONFIDENCE,
    owner: INSPECT_PROFILER,
};
/// `dataface.profiler.semantic.feedback`: analysts' verdicts on detected types.
pub const SEMANTIC_FEEDBACK: MetricSpec = MetricSpec {
    name: "dataface.profiler.semantic.feedback",
    kind: InstrumentKind::Counter,
    unit: "{feedback}",
    description: "Analyst feedback on detected semantic types, by detected type and verdict: detection accuracy is confirmed / (confirmed + corrected) over time.",
    labels: &[SemanticType::LABEL, Verdict::LABEL],
    buckets: &[],
    owner: INSPECT_PROFILER,
};
/// `dataface.profiler.report.duration`: inspector report generation time by outcome.
pub const REPORT_DURATION: MetricSpec = MetricSpec {
    name: "dataface.profiler.report.duration",
    kind: InstrumentKind::Histogram,
    unit: "s",
    description: "Time to generate one inspector report, by outcome; its count is the report rate.",
    labels: &[ReportOutcome::LABEL],
    buckets: REPORT_SECONDS,
    owner: INSPECT_PROFILER,
};
/// `dataface.profiler.report.errors`: failed report generations by code.
pub const REPORT_ERRORS: MetricSpec = MetricSpec {
    name: "dataface.profiler.report.errors",
    kind: InstrumentKind::Counter,
    unit: "{error}",
    description: "Inspector report generations that failed, by error code.",
    labels: &[ProfileError::LABEL.zero_init(&[])],
    buckets: &[],
    owner: INSPECT_PROFILER,
};

/// `error.type`: the error code of a failed or timed-out operation.
pub const ERROR_ATTR: AttributeSpec = AttributeSpec {
    description: "The error code, when the operation failed or timed out.",
    ..ERROR_TYPE_ATTR
};
/// `dataface.warehouse.type`: the kind of warehouse.
pub const WAREHOUSE_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.warehouse.type",
    requirement: Requirement::Required,
    value_type: AttributeType::Enum(WarehouseType::VALUES),
    description: "Kind of warehouse (the `dataface.warehouse.type` label value).",
};
/// `db.collection.name`: the table profiled.
pub const TABLE_ATTR: AttributeSpec = AttributeSpec {
    key: "db.collection.name",
    requirement: Requirement::Recommended,
    value_type: AttributeType::String { example: "orders" },
    description: "The table (spans and logs only, never a metric label).",
};
/// `db.system.name`: the database system profiled.
pub const DB_SYSTEM_ATTR: AttributeSpec = AttributeSpec {
    key: "db.system.name",
    requirement: Requirement::Required,
    value_type: AttributeType::String {
        example: "postgresql",
    },
    description: "The database system (OpenTelemetry semantic convention).",
};
/// `dataface.profiler.deadline`: a run's deadline.
pub const DEADLINE_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.profiler.deadline",
    requirement: Requirement::Required,
    value_type: AttributeType::Double,
    description: "The run's deadline, in seconds from its start.",
};
/// `dataface.profiler.outcome`: how a run ended.
pub const RUN_OUTCOME_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.profiler.outcome",
    requirement: Requirement::Required,
    value_type: AttributeType::Enum(Outcome::VALUES),
    description: "How the run ended (the `dataface.outcome` label value).",
};
/// `dataface.profiler.late_outcome`: what was reported after a run's deadline.
pub const LATE_OUTCOME_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.profiler.late_outcome",
    requirement: Requirement::ConditionallyRequired,
    value_type: AttributeType::Enum(Outcome::VALUES),
    description:
        "What the caller reported after the deadline, when a timed-out run finished later.",
};
/// `dataface.profiler.columns`: columns a run profiled.
pub const COLUMNS_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.profiler.columns",
    requirement: Requirement::Required,
    value_type: AttributeType::Int,
    description: "Columns profiled.",
};
/// `dataface.profiler.columns_skipped`: columns a run skipped.
pub const SKIPPED_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.profiler.columns_skipped",
    requirement: Requirement::Required,
    value_type: AttributeType::Int,
    description: "Columns skipped.",
};
/// `dataface.profiler.rows`: rows a run profiled.
pub const ROWS_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.profiler.rows",
    requirement: Requirement::Required,
    value_type: AttributeType::Int,
    description: "Rows profiled (scanned or sampled).",
};
/// `dataface.column.name`: the column a run's event or a feedback log is about.
pub const COLUMN_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.column.name",
    requirement: Requirement::Required,
    value_type: AttributeType::String {
        example: "customer_email",
    },
    description: "The column (events and logs only, never a metric label).",
};
/// `dataface.semantic_type`: the semantic type detected, on events and feedback logs.
pub const SEMANTIC_TYPE_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.semantic_type",
    requirement: Requirement::Required,
    value_type: AttributeType::Enum(SemanticType::VALUES),
    description: "The semantic type detected (the `dataface.semantic_type` label value).",
};
/// `dataface.semantic.confidence`: the confidence of a detection, on its event.
pub const CONFIDENCE_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.semantic.confidence",
    requirement: Requirement::Required,
    value_type: AttributeType::Double,
    description: "Confidence of the detection, 0 to 1.",
};
/// `dataface.semantic.verdict`: an analyst's verdict, on the feedback log.
pub const VERDICT_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.semantic.verdict",
    requirement: Requirement::Required,
    value_type: AttributeType::Enum(Verdict::VALUES),
    description: "The analyst's verdict: confirmed or corrected.",
};
/// `dataface.semantic.corrected_to`: the type an analyst chose, on the feedback log.
pub const CORRECTED_TO_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.semantic.corrected_to",
    requirement: Requirement::ConditionallyRequired,
    value_type: AttributeType::Enum(SemanticType::VALUES),
    description: "The semantic type the analyst chose, when the verdict is corrected.",
};

/// `dataface.profiler.run`: profiling one table.
pub const RUN_SPAN: SpanSpec = SpanSpec {
    name: "dataface.profiler.run",
    description: "Profiling one table on a warehouse. Its events, one per column: `column profiled` and `semantic type detected` (DEBUG), `column skipped` with `error.type` (WARN).",
    attributes: &[
        WAREHOUSE_ATTR,
        DB_SYSTEM_ATTR,
        TABLE_ATTR,
        DEADLINE_ATTR,
        RUN_OUTCOME_ATTR,
        LATE_OUTCOME_ATTR,
        COLUMNS_ATTR,
        SKIPPED_ATTR,
        ROWS_ATTR,
        ERROR_ATTR,
        ABANDONED_ATTR,
    ],
    owner: INSPECT_PROFILER,
};
/// `dataface.profiler.report`: generating one inspector report.
pub const REPORT_SPAN: SpanSpec = SpanSpec {
    name: "dataface.profiler.report",
    description: "Generating one inspector report from a table's profile.",
    attributes: &[WAREHOUSE_ATTR, TABLE_ATTR, ERROR_ATTR, ABANDONED_ATTR],
    owner: INSPECT_PROFILER,
};

/// The profiler's spans.
pub const SPANS: &[SpanSpec] = &[RUN_SPAN, REPORT_SPAN];

/// `dataface.profiler.semantic.corrected`: an analyst corrected a detected semantic type.
pub const CORRECTED_EVENT: EventSpec = EventSpec {
    name: "dataface.profiler.semantic.corrected",
    description: "An analyst corrected a detected semantic type (INFO).",
    attributes: &[
        SEMANTIC_TYPE_ATTR,
        VERDICT_ATTR,
        CORRECTED_TO_ATTR,
        COLUMN_ATTR,
    ],
    owner: INSPECT_PROFILER,
};
/// `dataface.profiler.semantic.confirmed`: an analyst confirmed a detected semantic type.
pub const CONFIRMED_EVENT: EventSpec = EventSpec {
    name: "dataface.profiler.semantic.confirmed",
    description: "An analyst confirmed a detected semantic type (DEBUG).",
    attributes: &[SEMANTIC_TYPE_ATTR, VERDICT_ATTR, COLUMN_ATTR],
    owner: INSPECT_PROFILER,
};
/// `dataface.profiler.column.profiled`: one column was profiled.
pub const COLUMN_PROFILED_EVENT: EventSpec = EventSpec {
    name: "dataface.profiler.column.profiled",
    description: "One column was profiled (DEBUG, on the run span).",
    attributes: &[COLUMN_ATTR],
    owner: INSPECT_PROFILER,
};
/// `dataface.profiler.column.skipped`: a column was skipped.
pub const COLUMN_SKIPPED_EVENT: EventSpec = EventSpec {
    name: "dataface.profiler.column.skipped",
    description:
        "A column was skipped with an error code; the run goes on (WARN, on the run span).",
    attributes: &[COLUMN_ATTR, ERROR_ATTR],
    owner: INSPECT_PROFILER,
};
/// `dataface.profiler.semantic.detected`: a semantic type was detected on a column.
pub const DETECTED_EVENT: EventSpec = EventSpec {
    name: "dataface.profiler.semantic.detected",
    description: "A semantic type was detected on a column (DEBUG, on the run span).",
    attributes: &[COLUMN_ATTR, SEMANTIC_TYPE_ATTR, CONFIDENCE_ATTR],
    owner: INSPECT_PROFILER,
};

/// The profiler's log events.
pub const EVENTS: &[EventSpec] = &[
    CORRECTED_EVENT,
    CONFIRMED_EVENT,
    COLUMN_PROFILED_EVENT,
    COLUMN_SKIPPED_EVENT,
    DETECTED_EVENT,
];

/// The profiler's section of the catalog.
pub static SECTION: Section = Section {
    surface: "profiler",
    metrics: &[
        RUN_DURATION,
        RUN_ERRORS,
        RUNS_ACTIVE,
        COLUMNS,
        COLUMNS_SKIPPED,
        ROWS,
        LAST_SUCCESS,
        SEMANTIC_CONFIDENCE,
        SEMANTIC_FEEDBACK,
        REPORT_DURATION,
        REPORT_ERRORS,
    ],
    spans: SPANS,
    events: EVENTS,
    error_codes: ProfileError::SPECS,
    owners: &[INSPECT_PROFILER],
    // Within the default with native histograms (263 series at worst). Over it on a classic
    // scrape: the worst case there is 1,281, the run duration alone 714 (7 warehouse types × 6
    // outcomes × 17 series per label set). Lower it as dimensions are cut; never raise it
    // without a reason.
    series_budget: SeriesBudget::classic(1_300),
};

/// The profiler section alone, with telemetry-core's, as a catalog (for tests and tools).
pub static CATALOG: telemetry_core::catalog::Catalog = telemetry_core::catalog::Catalog {
    version: "1.0.0",
    sections: &[&telemetry_core::signals::CORE_SECTION, &SECTION],
};
