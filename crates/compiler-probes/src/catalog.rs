//! The compiler's section of the signal catalog (task card 000).

use crate::{Adapter, CompileError, ContractVersion, MigrationOutcome, Outcome, RenderFormat};
use telemetry_core::catalog::{
    AttributeSpec, InstrumentKind, LabelSpec, MetricSpec, Owner, Requirement, Section, SpanSpec,
};

/// YAML contract, compiler, execution adapters, rendering, releases.
pub const CORE_COMPILER: Owner = Owner {
    id: "core-compiler",
    description:
        "YAML contract, compiler and normalizer, execution adapters, rendering, core releases",
};

/// Most compiler releases a process reports at once (old and new during a rollout).
pub const MAX_COMPILER_VERSIONS: usize = 16;

const CONTRACT_VERSION: LabelSpec = LabelSpec::enumerated(
    "contract_version",
    "YAML contract version of the dashboard (declared supported versions, else `other`).",
    ContractVersion::VALUES,
);
const COMPILER_VERSION: LabelSpec = LabelSpec::bounded(
    "compiler_version",
    "Release of the compiler that did the work.",
    MAX_COMPILER_VERSIONS,
);
const OUTCOME: LabelSpec =
    LabelSpec::enumerated("outcome", "How the operation ended.", Outcome::VALUES);
const STAGE: LabelSpec = LabelSpec::enumerated(
    "stage",
    "Compile stage where the error arose (`none`: outside any stage).",
    crate::ERROR_STAGES,
);
const ERROR_TYPE: LabelSpec = LabelSpec::enumerated(
    "error.type",
    "The compiler error code.",
    CompileError::CODES,
);
const ADAPTER: LabelSpec = LabelSpec::enumerated(
    "adapter",
    "Execution adapter (warehouse kind).",
    Adapter::VALUES,
);
const FORMAT: LabelSpec =
    LabelSpec::enumerated("format", "Rendered output format.", RenderFormat::VALUES);

const SECONDS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];
const QUERY_SECONDS: &[f64] = &[0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0];
const ROWS: &[f64] = &[0.0, 10.0, 100.0, 1_000.0, 10_000.0, 100_000.0, 1_000_000.0];

/// `dataface.compile.duration`: one sample per dashboard compile.
pub const COMPILE_DURATION: MetricSpec = MetricSpec {
    name: "dataface.compile.duration",
    kind: InstrumentKind::Histogram,
    unit: "s",
    description: "Time to compile one dashboard contract, by contract version, compiler release and outcome; its count is the compile rate.",
    labels: &[CONTRACT_VERSION, COMPILER_VERSION, OUTCOME],
    buckets: SECONDS,
    owner: CORE_COMPILER,
};
/// `dataface.compile.errors`: compile failures by code, stage, contract version and release.
pub const COMPILE_ERRORS: MetricSpec = MetricSpec {
    name: "dataface.compile.errors",
    kind: InstrumentKind::Counter,
    unit: "{error}",
    description: "Dashboard compiles that failed, by error code, stage, contract version and compiler release.",
    labels: &[ERROR_TYPE, STAGE, CONTRACT_VERSION, COMPILER_VERSION],
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
        LabelSpec::enumerated(
            "from_version",
            "Contract version migrated from.",
            ContractVersion::VALUES,
        ),
        LabelSpec::enumerated(
            "to_version",
            "Contract version migrated to.",
            ContractVersion::VALUES,
        ),
        LabelSpec::enumerated(
            "outcome",
            "How the migration ended.",
            MigrationOutcome::VALUES,
        ),
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
    labels: &[CONTRACT_VERSION],
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
    labels: &[COMPILER_VERSION, CONTRACT_VERSION],
    buckets: &[],
    owner: CORE_COMPILER,
};
/// `dataface.query.duration`: warehouse query execution time.
pub const QUERY_DURATION: MetricSpec = MetricSpec {
    name: "dataface.query.duration",
    kind: InstrumentKind::Histogram,
    unit: "s",
    description: "Time to execute one query through an execution adapter, by outcome.",
    labels: &[ADAPTER, OUTCOME],
    buckets: QUERY_SECONDS,
    owner: CORE_COMPILER,
};
/// `dataface.query.errors`: failed queries by adapter and code.
pub const QUERY_ERRORS: MetricSpec = MetricSpec {
    name: "dataface.query.errors",
    kind: InstrumentKind::Counter,
    unit: "{error}",
    description: "Queries that failed (or were truncated), by adapter and error code.",
    labels: &[ADAPTER, ERROR_TYPE],
    buckets: &[],
    owner: CORE_COMPILER,
};
/// `dataface.query.rows`: rows returned per query.
pub const QUERY_ROWS: MetricSpec = MetricSpec {
    name: "dataface.query.rows",
    kind: InstrumentKind::Histogram,
    unit: "{row}",
    description: "Rows a query returned, by adapter.",
    labels: &[ADAPTER],
    buckets: ROWS,
    owner: CORE_COMPILER,
};
/// `dataface.render.duration`: rendering time by format and outcome.
pub const RENDER_DURATION: MetricSpec = MetricSpec {
    name: "dataface.render.duration",
    kind: InstrumentKind::Histogram,
    unit: "s",
    description: "Time to render one dashboard, by format and outcome.",
    labels: &[FORMAT, OUTCOME],
    buckets: SECONDS,
    owner: CORE_COMPILER,
};
/// `dataface.render.errors`: failed renders by format and code.
pub const RENDER_ERRORS: MetricSpec = MetricSpec {
    name: "dataface.render.errors",
    kind: InstrumentKind::Counter,
    unit: "{error}",
    description: "Renders that failed, by format and error code.",
    labels: &[FORMAT, ERROR_TYPE],
    buckets: &[],
    owner: CORE_COMPILER,
};

const ERROR_ATTR: AttributeSpec = AttributeSpec {
    key: "error.type",
    requirement: Requirement::ConditionallyRequired,
    description: "The error code, when the operation failed.",
};
const ABANDONED_ATTR: AttributeSpec = AttributeSpec {
    key: telemetry_core::probe::ABANDONED,
    requirement: Requirement::ConditionallyRequired,
    description: "True when the operation's guard was dropped without an outcome.",
};
const CONTRACT_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.contract.version",
    requirement: Requirement::Required,
    description: "Contract version of the dashboard.",
};
const COMPILER_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.compiler.version",
    requirement: Requirement::Required,
    description: "Compiler release.",
};

/// The compiler's spans.
pub const SPANS: &[SpanSpec] = &[
    SpanSpec {
        name: "dataface.compile",
        description: "Compiling one dashboard contract.",
        attributes: &[
            CONTRACT_ATTR,
            COMPILER_ATTR,
            AttributeSpec {
                key: "dataface.dashboard.id",
                requirement: Requirement::Recommended,
                description: "The dashboard (spans and logs only, never a metric label).",
            },
            AttributeSpec {
                key: "dataface.compile.warnings",
                requirement: Requirement::ConditionallyRequired,
                description: "Number of warnings, when the compile succeeded with warnings.",
            },
            ERROR_ATTR,
            ABANDONED_ATTR,
        ],
        owner: CORE_COMPILER,
    },
    SpanSpec {
        name: "dataface.compile.stage",
        description:
            "One compile stage (parse, normalize, migrate, resolve), a child of dataface.compile.",
        attributes: &[
            AttributeSpec {
                key: "dataface.compile.stage",
                requirement: Requirement::Required,
                description: "The stage.",
            },
            ERROR_ATTR,
            ABANDONED_ATTR,
        ],
        owner: CORE_COMPILER,
    },
    SpanSpec {
        name: "dataface.contract.migrate",
        description: "Migrating one dashboard contract between versions.",
        attributes: &[
            AttributeSpec {
                key: "dataface.contract.from_version",
                requirement: Requirement::Required,
                description: "Version migrated from.",
            },
            AttributeSpec {
                key: "dataface.contract.to_version",
                requirement: Requirement::Required,
                description: "Version migrated to.",
            },
            ERROR_ATTR,
            ABANDONED_ATTR,
        ],
        owner: CORE_COMPILER,
    },
    SpanSpec {
        name: "dataface.query.execute",
        description: "Executing one query through an execution adapter.",
        attributes: &[
            AttributeSpec {
                key: "db.system.name",
                requirement: Requirement::Required,
                description: "The database system (OpenTelemetry semantic convention).",
            },
            AttributeSpec {
                key: "dataface.query.adapter",
                requirement: Requirement::Required,
                description: "The execution adapter.",
            },
            AttributeSpec {
                key: "dataface.query.rows",
                requirement: Requirement::ConditionallyRequired,
                description: "Rows returned, when the query completed.",
            },
            ERROR_ATTR,
            ABANDONED_ATTR,
        ],
        owner: CORE_COMPILER,
    },
    SpanSpec {
        name: "dataface.render",
        description: "Rendering one dashboard.",
        attributes: &[
            AttributeSpec {
                key: "dataface.render.format",
                requirement: Requirement::Required,
                description: "Output format.",
            },
            ERROR_ATTR,
            ABANDONED_ATTR,
        ],
        owner: CORE_COMPILER,
    },
];

/// The compiler's section of the catalog.
pub static SECTION: Section = Section {
    surface: "compiler",
    metrics: &[
        COMPILE_DURATION,
        COMPILE_ERRORS,
        MIGRATIONS,
        DASHBOARDS,
        CONTRACT_SUPPORT,
        QUERY_DURATION,
        QUERY_ERRORS,
        QUERY_ROWS,
        RENDER_DURATION,
        RENDER_ERRORS,
    ],
    spans: SPANS,
    error_codes: CompileError::SPECS,
    owners: &[CORE_COMPILER],
};

/// The compiler section alone, with telemetry-core's, as a catalog (for tests and tools).
pub static CATALOG: telemetry_core::catalog::Catalog = telemetry_core::catalog::Catalog {
    version: "1.0.0",
    sections: &[&telemetry_core::signals::CORE_SECTION, &SECTION],
};
