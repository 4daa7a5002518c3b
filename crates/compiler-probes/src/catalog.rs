//! The compiler's section of the signal catalog (task card 000).

use crate::{
    Adapter, CompileError, ContractVersion, FromVersion, MigrationOutcome, Outcome, RenderFormat,
    Stage, ToVersion,
};
use telemetry_core::catalog::{
    AttributeSpec, AttributeType, InstrumentKind, LabelSpec, MetricSpec, Owner, Requirement,
    Section, SeriesBudget, SpanSpec,
};
use telemetry_core::errors::ERROR_TYPE_ATTR;
use telemetry_core::probe::{LabelValue, ABANDONED_ATTR};

/// YAML contract, compiler, execution adapters, rendering, releases.
pub const CORE_COMPILER: Owner = Owner {
    id: "core-compiler",
    description:
        "YAML contract, compiler and normalizer, execution adapters, rendering, core releases",
};

/// Most compiler releases a process reports at once (old and new during a rollout).
pub const MAX_COMPILER_VERSIONS: usize = 16;

/// The `dataface.compiler.version` label: a fixed label of the probes, the release they report (one
/// value in a process, up to [`MAX_COMPILER_VERSIONS`] across a fleet in a rollout).
pub const COMPILER_VERSION: LabelSpec = LabelSpec::bounded(
    "dataface.compiler.version",
    "Release of the compiler that did the work.",
    MAX_COMPILER_VERSIONS,
)
.with_example("2.5.0")
.per_process(1);

const SECONDS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];
const QUERY_SECONDS: &[f64] = &[0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0];
const ROWS: &[f64] = &[0.0, 10.0, 100.0, 1_000.0, 10_000.0, 100_000.0, 1_000_000.0];

/// `dataface.compiles`: every dashboard compile, by contract version, release and outcome:
/// the totals the compile error budget divides by, per contract version and release.
pub const COMPILES: MetricSpec = MetricSpec {
    name: "dataface.compiles",
    kind: InstrumentKind::Counter,
    unit: "{compile}",
    description: "Dashboard compiles, by contract version, compiler release and outcome.",
    labels: &[ContractVersion::LABEL, COMPILER_VERSION, Outcome::LABEL],
    buckets: &[],
    owner: CORE_COMPILER,
};
/// `dataface.compile.duration`: one sample per compile that ended with an outcome. The
/// contract version and the outcome are on [`COMPILES`]: crossed with the buckets they
/// multiplied this histogram by sixteen for no decision the latency objective takes.
pub const COMPILE_DURATION: MetricSpec = MetricSpec {
    name: "dataface.compile.duration",
    kind: InstrumentKind::Histogram,
    unit: "s",
    description: "Time to compile one dashboard contract that ended with an outcome (succeeded, with warnings or failed), by compiler release.",
    labels: &[COMPILER_VERSION],
    buckets: SECONDS,
    owner: CORE_COMPILER,
};
/// `dataface.compile.errors`: compile failures by code, contract version and release (what
/// the error budget judges, per version and release). The stage is on
/// [`COMPILE_FAILED_STAGES`]: crossed with versions and releases it multiplied the series by
/// six for no decision.
pub const COMPILE_ERRORS: MetricSpec = MetricSpec {
    name: "dataface.compile.errors",
    kind: InstrumentKind::Counter,
    unit: "{error}",
    description:
        "Dashboard compiles that failed, by error code, contract version and compiler release.",
    labels: &[
        CompileError::LABEL,
        ContractVersion::LABEL,
        COMPILER_VERSION,
    ],
    buckets: &[],
    owner: CORE_COMPILER,
};
/// `dataface.compile.failed_stages`: compile failures by the stage that failed. No rule reads
/// it: each series appears with its first failure. The code is on [`COMPILE_ERRORS`], and
/// both on the failed `dataface.compile.stage` span.
pub const COMPILE_FAILED_STAGES: MetricSpec = MetricSpec {
    name: "dataface.compile.failed_stages",
    kind: InstrumentKind::Counter,
    unit: "{error}",
    description:
        "Dashboard compiles that failed, by the stage that failed (else the last one started).",
    labels: &[<Option<Stage>>::LABEL.zero_init(&[])],
    buckets: &[],
    owner: CORE_COMPILER,
};
/// `dataface.contract.migrations`: contract migrations by versions and outcome.
pub const MIGRATIONS: MetricSpec = MetricSpec {
    name: "dataface.contract.migrations",
    kind: InstrumentKind::Counter,
    unit: "{migration}",
    description: "Dashboard contract migrations, by source and target version and outcome.",
    labels: &[
        FromVersion::LABEL,
        ToVersion::LABEL,
        MigrationOutcome::LABEL,
    ],
    buckets: &[],
    owner: CORE_COMPILER,
};
/// `dataface.contract.dashboards`: dashboards per contract version, as the service counts them.
pub const DASHBOARDS: MetricSpec = MetricSpec {
    name: "dataface.contract.dashboards",
    kind: InstrumentKind::Gauge,
    unit: "{dashboard}",
    description: "Dashboards on each contract version: the blast radius of a breaking migration.",
    labels: &[ContractVersion::LABEL],
    buckets: &[],
    owner: CORE_COMPILER,
};
/// `dataface.compiler.contract.supported`: 1 for each contract version a running release supports.
pub const CONTRACT_SUPPORT: MetricSpec = MetricSpec {
    name: "dataface.compiler.contract.supported",
    kind: InstrumentKind::Gauge,
    unit: "{info}",
    description:
        "1 for each contract version the running compiler release supports (release identity).",
    labels: &[COMPILER_VERSION, ContractVersion::LABEL],
    buckets: &[],
    owner: CORE_COMPILER,
};
/// `dataface.queries`: every query, by adapter and outcome: the query error budget per
/// adapter.
pub const QUERIES: MetricSpec = MetricSpec {
    name: "dataface.queries",
    kind: InstrumentKind::Counter,
    unit: "{query}",
    description: "Queries run through an execution adapter, by adapter and outcome.",
    labels: &[Adapter::LABEL, Outcome::LABEL],
    buckets: &[],
    owner: CORE_COMPILER,
};
/// `dataface.query.duration`: execution time of the queries that returned rows. The outcome
/// is on [`QUERIES`].
pub const QUERY_DURATION: MetricSpec = MetricSpec {
    name: "dataface.query.duration",
    kind: InstrumentKind::Histogram,
    unit: "s",
    description:
        "Time to execute one query that returned rows (complete or truncated), by adapter.",
    labels: &[Adapter::LABEL],
    buckets: QUERY_SECONDS,
    owner: CORE_COMPILER,
};
/// `dataface.query.errors`: failed (or truncated) queries by code. No rule reads it: each
/// series appears with its first error. The adapter is on [`QUERIES`], and both on the
/// `dataface.query.execute` span.
pub const QUERY_ERRORS: MetricSpec = MetricSpec {
    name: "dataface.query.errors",
    kind: InstrumentKind::Counter,
    unit: "{error}",
    description: "Queries that failed (or were truncated), by error code.",
    labels: &[CompileError::LABEL.zero_init(&[])],
    buckets: &[],
    owner: CORE_COMPILER,
};
/// `dataface.query.rows`: rows returned per query.
pub const QUERY_ROWS: MetricSpec = MetricSpec {
    name: "dataface.query.rows",
    kind: InstrumentKind::Histogram,
    unit: "{row}",
    description: "Rows a query returned, by adapter.",
    labels: &[Adapter::LABEL.zero_init(&[])],
    buckets: ROWS,
    owner: CORE_COMPILER,
};
/// `dataface.renders`: every render, by format and outcome: the render error budget.
pub const RENDERS: MetricSpec = MetricSpec {
    name: "dataface.renders",
    kind: InstrumentKind::Counter,
    unit: "{render}",
    description: "Dashboard renders, by format and outcome.",
    labels: &[RenderFormat::LABEL, Outcome::LABEL],
    buckets: &[],
    owner: CORE_COMPILER,
};
/// `dataface.render.duration`: rendering time of the renders that completed. No rule reads
/// it: each series appears with its first render.
pub const RENDER_DURATION: MetricSpec = MetricSpec {
    name: "dataface.render.duration",
    kind: InstrumentKind::Histogram,
    unit: "s",
    description: "Time to render one dashboard that completed, by format.",
    labels: &[RenderFormat::LABEL.zero_init(&[])],
    buckets: SECONDS,
    owner: CORE_COMPILER,
};
/// `dataface.render.errors`: failed renders by code. No rule reads it: each series appears
/// with its first error. The format is on [`RENDERS`], and both on the `dataface.render`
/// span.
pub const RENDER_ERRORS: MetricSpec = MetricSpec {
    name: "dataface.render.errors",
    kind: InstrumentKind::Counter,
    unit: "{error}",
    description: "Renders that failed, by error code.",
    labels: &[CompileError::LABEL.zero_init(&[])],
    buckets: &[],
    owner: CORE_COMPILER,
};

/// `dataface.contract.version`: the dashboard's contract version.
pub const CONTRACT_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.contract.version",
    requirement: Requirement::Required,
    value_type: AttributeType::Enum(ContractVersion::VALUES),
    description: "Contract version of the dashboard.",
};
/// `dataface.compiler.version`: the compiler release.
pub const COMPILER_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.compiler.version",
    requirement: Requirement::Required,
    value_type: AttributeType::String { example: "2.5.0" },
    description: "Compiler release.",
};
/// `dataface.dashboard.id`: the dashboard compiled.
pub const DASHBOARD_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.dashboard.id",
    requirement: Requirement::Recommended,
    value_type: AttributeType::String { example: "dash-42" },
    description: "The dashboard (spans and logs only, never a metric label).",
};
/// `dataface.compile.warnings`: how many warnings a compile had.
pub const WARNINGS_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.compile.warnings",
    requirement: Requirement::ConditionallyRequired,
    value_type: AttributeType::Int,
    description: "Number of warnings, when the compile succeeded with warnings.",
};
/// `dataface.compile.stage`: the stage of a stage span.
pub const STAGE_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.compile.stage",
    requirement: Requirement::Required,
    value_type: AttributeType::Enum(Stage::VALUES),
    description: "The stage.",
};
/// `dataface.contract.from_version`: the version a migration starts from.
pub const FROM_VERSION_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.contract.from_version",
    requirement: Requirement::Required,
    value_type: AttributeType::Enum(ContractVersion::VALUES),
    description: "Version migrated from.",
};
/// `dataface.contract.to_version`: the version a migration goes to.
pub const TO_VERSION_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.contract.to_version",
    requirement: Requirement::Required,
    value_type: AttributeType::Enum(ContractVersion::VALUES),
    description: "Version migrated to.",
};
/// `db.system.name`: the database system of a query.
pub const DB_SYSTEM_ATTR: AttributeSpec = AttributeSpec {
    key: "db.system.name",
    requirement: Requirement::Required,
    value_type: AttributeType::String {
        example: "postgresql",
    },
    description: "The database system (OpenTelemetry semantic convention).",
};
/// `dataface.query.adapter`: the execution adapter of a query.
pub const ADAPTER_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.query.adapter",
    requirement: Requirement::Required,
    value_type: AttributeType::Enum(Adapter::VALUES),
    description: "The execution adapter.",
};
/// `dataface.query.rows`: rows a query returned.
pub const ROWS_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.query.rows",
    requirement: Requirement::ConditionallyRequired,
    value_type: AttributeType::Int,
    description: "Rows returned, when the query completed.",
};
/// `dataface.render.format`: the output format of a render.
pub const FORMAT_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.render.format",
    requirement: Requirement::Required,
    value_type: AttributeType::Enum(RenderFormat::VALUES),
    description: "Output format.",
};

/// `dataface.compile`: one dashboard compile.
pub const COMPILE_SPAN: SpanSpec = SpanSpec {
    name: "dataface.compile",
    description: "Compiling one dashboard contract.",
    attributes: &[
        CONTRACT_ATTR,
        COMPILER_ATTR,
        DASHBOARD_ATTR,
        WARNINGS_ATTR,
        ERROR_TYPE_ATTR,
        ABANDONED_ATTR,
    ],
    owner: CORE_COMPILER,
};
/// `dataface.compile.stage`: one compile stage.
pub const STAGE_SPAN: SpanSpec = SpanSpec {
    name: "dataface.compile.stage",
    description:
        "One compile stage (parse, normalize, migrate, resolve), a child of dataface.compile.",
    attributes: &[STAGE_ATTR, ERROR_TYPE_ATTR, ABANDONED_ATTR],
    owner: CORE_COMPILER,
};
/// `dataface.contract.migrate`: one contract migration.
pub const MIGRATE_SPAN: SpanSpec = SpanSpec {
    name: "dataface.contract.migrate",
    description: "Migrating one dashboard contract between versions.",
    attributes: &[
        FROM_VERSION_ATTR,
        TO_VERSION_ATTR,
        ERROR_TYPE_ATTR,
        ABANDONED_ATTR,
    ],
    owner: CORE_COMPILER,
};
/// `dataface.query.execute`: one query.
pub const QUERY_SPAN: SpanSpec = SpanSpec {
    name: "dataface.query.execute",
    description: "Executing one query through an execution adapter.",
    attributes: &[
        DB_SYSTEM_ATTR,
        ADAPTER_ATTR,
        ROWS_ATTR,
        ERROR_TYPE_ATTR,
        ABANDONED_ATTR,
    ],
    owner: CORE_COMPILER,
};
/// `dataface.render`: one render.
pub const RENDER_SPAN: SpanSpec = SpanSpec {
    name: "dataface.render",
    description: "Rendering one dashboard.",
    attributes: &[FORMAT_ATTR, ERROR_TYPE_ATTR, ABANDONED_ATTR],
    owner: CORE_COMPILER,
};

/// The compiler's spans.
pub const SPANS: &[SpanSpec] = &[
    COMPILE_SPAN,
    STAGE_SPAN,
    MIGRATE_SPAN,
    QUERY_SPAN,
    RENDER_SPAN,
];

/// The compiler's section of the catalog.
pub static SECTION: Section = Section {
    surface: "compiler",
    metrics: &[
        COMPILES,
        COMPILE_DURATION,
        COMPILE_ERRORS,
        COMPILE_FAILED_STAGES,
        MIGRATIONS,
        DASHBOARDS,
        CONTRACT_SUPPORT,
        QUERIES,
        QUERY_DURATION,
        QUERY_ERRORS,
        QUERY_ROWS,
        RENDERS,
        RENDER_DURATION,
        RENDER_ERRORS,
    ],
    spans: SPANS,
    events: &[],
    error_codes: CompileError::SPECS,
    owners: &[CORE_COMPILER],
    // Within the default with native histograms: 256 series at worst (440 before counters of
    // compiles, queries and renders took the outcome off the histograms, the query and render
    // errors kept only their code and the failed stages only the stage). Over it on a
    // classic scrape: the worst case there is 508 (1,658 before), the query and render
    // durations and the query rows 258 of it. Lower it as dimensions are cut; never raise it
    // without a reason.
    series_budget: SeriesBudget::classic(550),
};

/// The compiler section alone, with telemetry-core's, as a catalog (for tests and tools).
pub static CATALOG: telemetry_core::catalog::Catalog = telemetry_core::catalog::Catalog {
    version: "1.0.0",
    sections: &[&telemetry_core::signals::CORE_SECTION, &SECTION],
};
