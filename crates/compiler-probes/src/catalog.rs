//! The compiler's section of the signal catalog (task card 000).

use crate::{
    Adapter, CompileError, ContractVersion, FromVersion, MigrationOutcome, Outcome, RenderFormat,
    Stage, ToVersion,
};
use telemetry_core::catalog::{
    owners, AlertSeverity, AlertSpec, AttributeSpec, Events, InstrumentKind, LabelSpec, Matcher,
    MetricSpec, Objective, Requirement, Runbook, Section, SpanSpec,
};
use telemetry_core::errors::ERROR_TYPE_ATTR;
use telemetry_core::probe::{LabelValue, ABANDONED_ATTR};

/// Most compiler releases a process reports at once (old and new during a rollout).
pub const MAX_COMPILER_VERSIONS: usize = 16;

/// The `compiler_version` label: a fixed label of the probes, the release they report.
pub const COMPILER_VERSION: LabelSpec = LabelSpec::bounded(
    "compiler_version",
    "Release of the compiler that did the work.",
    MAX_COMPILER_VERSIONS,
);

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
    labels: &[ContractVersion::LABEL, COMPILER_VERSION, Outcome::LABEL],
    buckets: SECONDS,
    owner: owners::CORE_COMPILER,
};
/// `dataface.compile.errors`: compile failures by code, stage, contract version and release.
pub const COMPILE_ERRORS: MetricSpec = MetricSpec {
    name: "dataface.compile.errors",
    kind: InstrumentKind::Counter,
    unit: "{error}",
    description: "Dashboard compiles that failed, by error code, stage, contract version and compiler release.",
    labels: &[
        CompileError::LABEL,
        <Option<Stage>>::LABEL,
        ContractVersion::LABEL,
        COMPILER_VERSION,
    ],
    buckets: &[],
    owner: owners::CORE_COMPILER,
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
    owner: owners::CORE_COMPILER,
};
/// `dataface.contract.dashboards`: dashboards per contract version, as the service counts them.
pub const DASHBOARDS: MetricSpec = MetricSpec {
    name: "dataface.contract.dashboards",
    kind: InstrumentKind::Gauge,
    unit: "{dashboard}",
    description: "Dashboards on each contract version: the blast radius of a breaking migration.",
    labels: &[ContractVersion::LABEL],
    buckets: &[],
    owner: owners::CORE_COMPILER,
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
    owner: owners::CORE_COMPILER,
};
/// `dataface.query.duration`: warehouse query execution time.
pub const QUERY_DURATION: MetricSpec = MetricSpec {
    name: "dataface.query.duration",
    kind: InstrumentKind::Histogram,
    unit: "s",
    description: "Time to execute one query through an execution adapter, by outcome.",
    labels: &[Adapter::LABEL, Outcome::LABEL],
    buckets: QUERY_SECONDS,
    owner: owners::CORE_COMPILER,
};
/// `dataface.query.errors`: failed queries by adapter and code.
pub const QUERY_ERRORS: MetricSpec = MetricSpec {
    name: "dataface.query.errors",
    kind: InstrumentKind::Counter,
    unit: "{error}",
    description: "Queries that failed (or were truncated), by adapter and error code.",
    labels: &[Adapter::LABEL, CompileError::LABEL],
    buckets: &[],
    owner: owners::CORE_COMPILER,
};
/// `dataface.query.rows`: rows returned per query.
pub const QUERY_ROWS: MetricSpec = MetricSpec {
    name: "dataface.query.rows",
    kind: InstrumentKind::Histogram,
    unit: "{row}",
    description: "Rows a query returned, by adapter.",
    labels: &[Adapter::LABEL],
    buckets: ROWS,
    owner: owners::CORE_COMPILER,
};
/// `dataface.render.duration`: rendering time by format and outcome.
pub const RENDER_DURATION: MetricSpec = MetricSpec {
    name: "dataface.render.duration",
    kind: InstrumentKind::Histogram,
    unit: "s",
    description: "Time to render one dashboard, by format and outcome.",
    labels: &[RenderFormat::LABEL, Outcome::LABEL],
    buckets: SECONDS,
    owner: owners::CORE_COMPILER,
};
/// `dataface.render.errors`: failed renders by format and code.
pub const RENDER_ERRORS: MetricSpec = MetricSpec {
    name: "dataface.render.errors",
    kind: InstrumentKind::Counter,
    unit: "{error}",
    description: "Renders that failed, by format and error code.",
    labels: &[RenderFormat::LABEL, CompileError::LABEL],
    buckets: &[],
    owner: owners::CORE_COMPILER,
};

/// `dataface.contract.version`: the dashboard's contract version.
pub const CONTRACT_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.contract.version",
    requirement: Requirement::Required,
    description: "Contract version of the dashboard.",
};
/// `dataface.compiler.version`: the compiler release.
pub const COMPILER_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.compiler.version",
    requirement: Requirement::Required,
    description: "Compiler release.",
};
/// `dataface.dashboard.id`: the dashboard compiled.
pub const DASHBOARD_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.dashboard.id",
    requirement: Requirement::Recommended,
    description: "The dashboard (spans and logs only, never a metric label).",
};
/// `dataface.compile.warnings`: how many warnings a compile had.
pub const WARNINGS_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.compile.warnings",
    requirement: Requirement::ConditionallyRequired,
    description: "Number of warnings, when the compile succeeded with warnings.",
};
/// `dataface.compile.stage`: the stage of a stage span.
pub const STAGE_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.compile.stage",
    requirement: Requirement::Required,
    description: "The stage.",
};
/// `dataface.contract.from_version`: the version a migration starts from.
pub const FROM_VERSION_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.contract.from_version",
    requirement: Requirement::Required,
    description: "Version migrated from.",
};
/// `dataface.contract.to_version`: the version a migration goes to.
pub const TO_VERSION_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.contract.to_version",
    requirement: Requirement::Required,
    description: "Version migrated to.",
};
/// `db.system.name`: the database system of a query.
pub const DB_SYSTEM_ATTR: AttributeSpec = AttributeSpec {
    key: "db.system.name",
    requirement: Requirement::Required,
    description: "The database system (OpenTelemetry semantic convention).",
};
/// `dataface.query.adapter`: the execution adapter of a query.
pub const ADAPTER_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.query.adapter",
    requirement: Requirement::Required,
    description: "The execution adapter.",
};
/// `dataface.query.rows`: rows a query returned.
pub const ROWS_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.query.rows",
    requirement: Requirement::ConditionallyRequired,
    description: "Rows returned, when the query completed.",
};
/// `dataface.render.format`: the output format of a render.
pub const FORMAT_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.render.format",
    requirement: Requirement::Required,
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
    owner: owners::CORE_COMPILER,
};
/// `dataface.compile.stage`: one compile stage.
pub const STAGE_SPAN: SpanSpec = SpanSpec {
    name: "dataface.compile.stage",
    description:
        "One compile stage (parse, normalize, migrate, resolve), a child of dataface.compile.",
    attributes: &[STAGE_ATTR, ERROR_TYPE_ATTR, ABANDONED_ATTR],
    owner: owners::CORE_COMPILER,
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
    owner: owners::CORE_COMPILER,
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
    owner: owners::CORE_COMPILER,
};
/// `dataface.render`: one render.
pub const RENDER_SPAN: SpanSpec = SpanSpec {
    name: "dataface.render",
    description: "Rendering one dashboard.",
    attributes: &[FORMAT_ATTR, ERROR_TYPE_ATTR, ABANDONED_ATTR],
    owner: owners::CORE_COMPILER,
};

/// The compiler's spans.
pub const SPANS: &[SpanSpec] = &[
    COMPILE_SPAN,
    STAGE_SPAN,
    MIGRATE_SPAN,
    QUERY_SPAN,
    RENDER_SPAN,
];

const ESCALATION: &str = "core-compiler on-call, then the core-compiler engineering lead, then the incident commander (declare an incident when more than one contract version or adapter is affected).";

/// Rolling back a compiler release: the release and contract-version steps every
/// release-related runbook shares.
const RELEASE_ROLLBACK: &[&str] = &[
    "Redeploy the previous compiler release (the last compiler_version without the spike) through the normal release pipeline.",
    "Pin the affected dashboards to their previous contract version until a fixed release ships.",
    "Confirm the rollback: dataface.compiler.contract.supported shows the previous compiler_version and the error ratio falls.",
];

/// The compiler's objectives and alerts (task card 000: "my dashboard broke after an
/// upgrade"), owned by core-compiler. Release-related runbooks roll back in two steps:
/// redeploy the previous compiler release, pin affected dashboards to their previous
/// contract version.
pub const ALERTS: &[AlertSpec] = &[
    AlertSpec {
        name: "CompilerCompileErrorBudgetBurn",
        objective: Objective::ErrorRatio {
            bad: Events {
                metric: &COMPILE_DURATION,
                matchers: &[Matcher::eq("outcome", "failed")],
            },
            total: Events {
                metric: &COMPILE_DURATION,
                matchers: &[],
            },
            target: 0.99,
        },
        severity: AlertSeverity::Page,
        owner: owners::CORE_COMPILER,
        summary: "Dashboards are failing to compile faster than the 99% objective allows.",
        runbook: Runbook {
            meaning: "Users open dashboards and see compile errors instead of charts.",
            first_checks: &[
                "Which contract_version and compiler_version carry the failures? A spike on one new release points at the release.",
                "Which error.type and stage lead dataface.compile.errors? migration_failed or unsupported_contract_version point at a release; unknown_query or invalid_yaml point at user edits.",
                "Did a compiler release or a contract change ship in the last hours?",
            ],
            mitigation: &[
                "If the spike started with a release, stop its rollout and roll back.",
                "If one contract version fails in the migrate stage, pin its dashboards to their previous contract version.",
                "If failures are user errors on a few dashboards, contact their owners; no rollback needed.",
            ],
            rollback: RELEASE_ROLLBACK,
            escalation: ESCALATION,
            user_message: "Some dashboards fail to load after a recent update. We are rolling back the change; dashboards will recover without any action on your part.",
        },
    },
    AlertSpec {
        name: "CompilerCompileLatency",
        objective: Objective::Latency {
            histogram: &COMPILE_DURATION,
            matchers: &[Matcher::ne("outcome", "abandoned")],
            threshold: 2.5,
            target: 0.95,
        },
        severity: AlertSeverity::Ticket,
        owner: owners::CORE_COMPILER,
        summary: "More than 5% of dashboard compiles take longer than 2.5 seconds.",
        runbook: Runbook {
            meaning: "Dashboards open slowly; users wait seconds before any chart appears.",
            first_checks: &[
                "Is the slowdown on one compiler_version or one contract_version?",
                "Which compile stage is slow on the dataface.compile.stage spans?",
                "Is the service short of CPU or memory?",
            ],
            mitigation: &[
                "Scale out the compiler service if it is saturated.",
                "If a new release is slower, roll it back.",
            ],
            rollback: RELEASE_ROLLBACK,
            escalation: ESCALATION,
            user_message: "Dashboards are loading more slowly than usual. We are working on it; no data is affected.",
        },
    },
    AlertSpec {
        name: "CompilerQueryErrorBudgetBurn",
        objective: Objective::ErrorRatio {
            bad: Events {
                metric: &QUERY_DURATION,
                matchers: &[Matcher::eq("outcome", "failed")],
            },
            total: Events {
                metric: &QUERY_DURATION,
                matchers: &[],
            },
            target: 0.99,
        },
        severity: AlertSeverity::Page,
        owner: owners::CORE_COMPILER,
        summary: "Warehouse queries are failing faster than the 99% objective allows.",
        runbook: Runbook {
            meaning: "Dashboards compile but their charts show query errors.",
            first_checks: &[
                "Which adapter carries the failures? One adapter points at that warehouse or its driver.",
                "Which error.type leads dataface.query.errors: warehouse_unavailable, query_timeout or warehouse_auth_failed?",
                "Does the warehouse vendor's status page report an incident?",
            ],
            mitigation: &[
                "If one warehouse is down, post the status message for its users and wait for the vendor.",
                "If auth failures started with a credentials rotation, restore the previous credentials.",
                "If a compiler release changed the generated SQL, roll it back.",
            ],
            rollback: RELEASE_ROLLBACK,
            escalation: ESCALATION,
            user_message: "Some charts cannot load data from your warehouse right now. We are investigating; your data and dashboards are safe.",
        },
    },
    AlertSpec {
        name: "CompilerQueryLatency",
        objective: Objective::Latency {
            histogram: &QUERY_DURATION,
            matchers: &[Matcher::eq("outcome", "success")],
            threshold: 10.0,
            target: 0.95,
        },
        severity: AlertSeverity::Ticket,
        owner: owners::CORE_COMPILER,
        summary: "More than 5% of successful warehouse queries take longer than 10 seconds.",
        runbook: Runbook {
            meaning: "Charts fill in slowly; users wait on the warehouse.",
            first_checks: &[
                "Which adapter is slow?",
                "Is the warehouse queueing (vendor console) or returning more rows than usual (dataface.query.rows)?",
            ],
            mitigation: &[
                "Ask affected customers to size up the warehouse or add filters.",
                "If a compiler release generates heavier SQL, roll it back.",
            ],
            rollback: RELEASE_ROLLBACK,
            escalation: ESCALATION,
            user_message: "Charts are loading slowly for some warehouses. We are investigating.",
        },
    },
    AlertSpec {
        name: "CompilerRenderErrorBudgetBurn",
        objective: Objective::ErrorRatio {
            bad: Events {
                metric: &RENDER_DURATION,
                matchers: &[Matcher::eq("outcome", "failed")],
            },
            total: Events {
                metric: &RENDER_DURATION,
                matchers: &[],
            },
            target: 0.99,
        },
        severity: AlertSeverity::Page,
        owner: owners::CORE_COMPILER,
        summary: "Dashboard renders are failing faster than the 99% objective allows.",
        runbook: Runbook {
            meaning: "Dashboards or their exports (PNG, PDF, CSV) come back blank or as errors.",
            first_checks: &[
                "Which format fails, and with which error.type on dataface.render.errors (render_timeout, template_output_too_large)?",
                "Did a compiler release ship just before?",
            ],
            mitigation: &[
                "If one export format fails, tell users to use HTML while it is fixed.",
                "If the failures started with a release, roll it back.",
            ],
            rollback: RELEASE_ROLLBACK,
            escalation: ESCALATION,
            user_message: "Some dashboards or exports fail to render. We are working on a fix; viewing dashboards in the browser still works.",
        },
    },
    AlertSpec {
        name: "CompilerContractMigrationFailed",
        objective: Objective::BrokenState {
            events: Events {
                metric: &MIGRATIONS,
                matchers: &[Matcher::eq("outcome", "failed")],
            },
            window: 900,
        },
        severity: AlertSeverity::Page,
        owner: owners::CORE_COMPILER,
        summary: "A dashboard contract migration failed: a dashboard broke on upgrade.",
        runbook: Runbook {
            meaning: "Dashboards on the from_version cannot be upgraded and fail to compile.",
            first_checks: &[
                "Which from_version and to_version pair fails?",
                "How many dashboards sit on the from_version (dataface.contract.dashboards)? That is the blast radius.",
                "Which compiler_version runs the migration?",
            ],
            mitigation: &[
                "Pin dashboards on the failing from_version to their previous contract version.",
                "Stop the rollout of the release that ships the migration.",
            ],
            rollback: RELEASE_ROLLBACK,
            escalation: ESCALATION,
            user_message: "Some dashboards could not be upgraded to the new format and may not load. We are restoring them to their previous version; no edits are lost.",
        },
    },
    AlertSpec {
        name: "CompilerContractMigrationAbandoned",
        objective: Objective::BrokenState {
            events: Events {
                metric: &MIGRATIONS,
                matchers: &[Matcher::eq("outcome", "abandoned")],
            },
            window: 3600,
        },
        severity: AlertSeverity::Ticket,
        owner: owners::CORE_COMPILER,
        summary: "A contract migration ended without an outcome: a dashboard may be half-migrated.",
        runbook: Runbook {
            meaning: "A migration stopped midway (crash, cancelled request, early return); its dashboard may be left inconsistent.",
            first_checks: &[
                "Find the dataface.contract.migrate spans with dataface.abandoned and their dashboards.",
                "Did the compiler restart or panic at that time?",
            ],
            mitigation: &[
                "Re-run the migration for the affected dashboards, or restore them to their previous contract version.",
                "Fix the code path that dropped the migration without an outcome.",
            ],
            rollback: &["Restore each affected dashboard to its previous contract version."],
            escalation: ESCALATION,
            user_message: "A few dashboards were caught mid-upgrade. We are restoring them; no action is needed on your part.",
        },
    },
    AlertSpec {
        // A broken state on the histogram's count would read better, but `validate()` accepts
        // only counters there: a ratio with a tight objective does the same job.
        name: "CompilerCompilesAbandoned",
        objective: Objective::ErrorRatio {
            bad: Events {
                metric: &COMPILE_DURATION,
                matchers: &[Matcher::eq("outcome", "abandoned")],
            },
            total: Events {
                metric: &COMPILE_DURATION,
                matchers: &[],
            },
            target: 0.999,
        },
        severity: AlertSeverity::Ticket,
        owner: owners::CORE_COMPILER,
        summary: "More than 0.1% of compiles end without an outcome (abandoned).",
        runbook: Runbook {
            meaning: "Compiles are cut off (timeouts upstream, crashes, early returns); users see spinners that never finish.",
            first_checks: &[
                "Which compiler_version and contract_version carry the abandoned compiles?",
                "Find dataface.compile spans with dataface.abandoned: which stage was last?",
                "Are compiler instances restarting (out of memory, failed health checks)?",
            ],
            mitigation: &[
                "If instances are restarting, scale out or raise their memory.",
                "If a release introduced it, roll it back.",
            ],
            rollback: RELEASE_ROLLBACK,
            escalation: ESCALATION,
            user_message: "Some dashboards may stop loading partway. Reloading the page usually helps while we fix it.",
        },
    },
    AlertSpec {
        name: "CompilerReleaseNotReporting",
        objective: Objective::Absence {
            metric: &CONTRACT_SUPPORT,
            matchers: &[],
            for_seconds: 600,
        },
        severity: AlertSeverity::Page,
        owner: owners::CORE_COMPILER,
        summary: "No compiler release has reported its supported contract versions for 10 minutes.",
        runbook: Runbook {
            meaning: "The compiler is down or its telemetry is lost: compile failures and rollbacks cannot be seen.",
            first_checks: &[
                "Are compiler instances running and passing health checks?",
                "Do other compiler series (dataface.compile.duration) still arrive? If not either, check the telemetry pipeline.",
            ],
            mitigation: &[
                "Restart or redeploy the compiler service if it is down.",
                "If only telemetry is missing, hand over to observability-platform and watch dashboards by hand.",
            ],
            rollback: &["If a new release started without reporting, redeploy the previous compiler release."],
            escalation: ESCALATION,
            user_message: "Dashboards may be unavailable. We are investigating and will post an update within 30 minutes.",
        },
    },
    AlertSpec {
        name: "CompilerUnknownContractDashboards",
        objective: Objective::Threshold {
            gauge: &DASHBOARDS,
            matchers: &[Matcher::eq("contract_version", "other")],
            max: 0.0,
            for_seconds: 3600,
        },
        severity: AlertSeverity::Ticket,
        owner: owners::CORE_COMPILER,
        summary: "Dashboards declare a contract version no supported compiler release knows.",
        runbook: Runbook {
            meaning: "These dashboards cannot compile (unsupported_contract_version) until their version is fixed or supported.",
            first_checks: &[
                "How many dashboards are on contract_version other, and since when?",
                "Did a tool or a newer release write a contract version this release does not declare?",
            ],
            mitigation: &[
                "If a newer release wrote them, ship support for that version or roll the writer back.",
                "If they are user typos, ask the dashboard owners to set a supported version.",
            ],
            rollback: &["Pin the affected dashboards to their previous contract version."],
            escalation: ESCALATION,
            user_message: "A few dashboards use a format version we do not support yet. We are contacting their owners; other dashboards are unaffected.",
        },
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
    alerts: ALERTS,
};

/// The compiler section alone, with telemetry-core's, as a catalog (for tests and tools).
pub static CATALOG: telemetry_core::catalog::Catalog = telemetry_core::catalog::Catalog {
    version: "1.0.0",
    sections: &[&telemetry_core::catalog::CORE_SECTION, &SECTION],
};
