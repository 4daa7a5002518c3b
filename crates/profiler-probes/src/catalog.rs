//! The profiler's section of the signal catalog (task card 004).

use crate::{Outcome, ProfileError, ReportOutcome, SemanticType, Verdict, WarehouseType};
use telemetry_core::catalog::{
    owners, AlertSeverity, AlertSpec, AttributeSpec, Events, InstrumentKind, Matcher, MetricSpec,
    Objective, Requirement, Runbook, Section, SpanSpec,
};
use telemetry_core::errors::ERROR_TYPE_ATTR;
use telemetry_core::probe::ABANDONED_ATTR;

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
    owner: owners::INSPECT_PROFILER,
};
/// `dataface.profiler.run.errors`: failed and timed-out runs by warehouse type and code.
pub const RUN_ERRORS: MetricSpec = MetricSpec {
    name: "dataface.profiler.run.errors",
    kind: InstrumentKind::Counter,
    unit: "{error}",
    description: "Profiling runs that failed or timed out (`profile_warehouse_timeout`), by warehouse type and error code.",
    labels: &[WarehouseType::LABEL, ProfileError::LABEL],
    buckets: &[],
    owner: owners::INSPECT_PROFILER,
};
/// `dataface.profiler.runs.active`: runs in flight per warehouse type.
pub const RUNS_ACTIVE: MetricSpec = MetricSpec {
    name: "dataface.profiler.runs.active",
    kind: InstrumentKind::Gauge,
    unit: "{run}",
    description: "Profiling runs in flight, by warehouse type: a run hung on a warehouse stays here after its deadline.",
    labels: &[WarehouseType::LABEL],
    buckets: &[],
    owner: owners::INSPECT_PROFILER,
};
/// `dataface.profiler.columns`: columns profiled.
pub const COLUMNS: MetricSpec = MetricSpec {
    name: "dataface.profiler.columns",
    kind: InstrumentKind::Counter,
    unit: "{column}",
    description: "Columns profiled, by warehouse type.",
    labels: &[WarehouseType::LABEL],
    buckets: &[],
    owner: owners::INSPECT_PROFILER,
};
/// `dataface.profiler.columns.skipped`: columns a run skipped, by code.
pub const COLUMNS_SKIPPED: MetricSpec = MetricSpec {
    name: "dataface.profiler.columns.skipped",
    kind: InstrumentKind::Counter,
    unit: "{column}",
    description: "Columns a run skipped (unsupported type, sampling failed) while profiling the rest of the table, by warehouse type and error code.",
    labels: &[WarehouseType::LABEL, ProfileError::LABEL],
    buckets: &[],
    owner: owners::INSPECT_PROFILER,
};
/// `dataface.profiler.rows`: rows profiled.
pub const ROWS: MetricSpec = MetricSpec {
    name: "dataface.profiler.rows",
    kind: InstrumentKind::Counter,
    unit: "{row}",
    description: "Rows profiled (scanned or sampled), by warehouse type.",
    labels: &[WarehouseType::LABEL],
    buckets: &[],
    owner: owners::INSPECT_PROFILER,
};
/// `dataface.profiler.last_success`: time of the last successful profile, Unix seconds.
pub const LAST_SUCCESS: MetricSpec = MetricSpec {
    name: "dataface.profiler.last_success",
    kind: InstrumentKind::Gauge,
    unit: "s",
    description: "Time of the last successful profiling run per warehouse type, in Unix seconds: staleness is `time() - this` at query time.",
    labels: &[WarehouseType::LABEL],
    buckets: &[],
    owner: owners::INSPECT_PROFILER,
};
/// `dataface.profiler.semantic.confidence`: one sample per semantic type detection.
pub const SEMANTIC_CONFIDENCE: MetricSpec = MetricSpec {
    name: "dataface.profiler.semantic.confidence",
    kind: InstrumentKind::Histogram,
    unit: "1",
    description: "Confidence (0 to 1) of each semantic type detection, by detected type; its count is the detection rate.",
    labels: &[SemanticType::LABEL],
    buckets: CONFIDENCE,
    owner: owners::INSPECT_PROFILER,
};
/// `dataface.profiler.semantic.feedback`: analysts' verdicts on detected types.
pub const SEMANTIC_FEEDBACK: MetricSpec = MetricSpec {
    name: "dataface.profiler.semantic.feedback",
    kind: InstrumentKind::Counter,
    unit: "{feedback}",
    description: "Analyst feedback on detected semantic types, by detected type and verdict: detection accuracy is confirmed / (confirmed + corrected) over time.",
    labels: &[SemanticType::LABEL, Verdict::LABEL],
    buckets: &[],
    owner: owners::INSPECT_PROFILER,
};
/// `dataface.profiler.report.duration`: inspector report generation time by outcome.
pub const REPORT_DURATION: MetricSpec = MetricSpec {
    name: "dataface.profiler.report.duration",
    kind: InstrumentKind::Histogram,
    unit: "s",
    description: "Time to generate one inspector report, by outcome; its count is the report rate.",
    labels: &[ReportOutcome::LABEL],
    buckets: REPORT_SECONDS,
    owner: owners::INSPECT_PROFILER,
};
/// `dataface.profiler.report.errors`: failed report generations by code.
pub const REPORT_ERRORS: MetricSpec = MetricSpec {
    name: "dataface.profiler.report.errors",
    kind: InstrumentKind::Counter,
    unit: "{error}",
    description: "Inspector report generations that failed, by error code.",
    labels: &[ProfileError::LABEL],
    buckets: &[],
    owner: owners::INSPECT_PROFILER,
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
    description: "Kind of warehouse (the `warehouse_type` label value).",
};
/// `db.collection.name`: the table profiled.
pub const TABLE_ATTR: AttributeSpec = AttributeSpec {
    key: "db.collection.name",
    requirement: Requirement::Recommended,
    description: "The table (spans and logs only, never a metric label).",
};
/// `db.system.name`: the database system profiled.
pub const DB_SYSTEM_ATTR: AttributeSpec = AttributeSpec {
    key: "db.system.name",
    requirement: Requirement::Required,
    description: "The database system (OpenTelemetry semantic convention).",
};
/// `dataface.profiler.deadline`: a run's deadline.
pub const DEADLINE_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.profiler.deadline",
    requirement: Requirement::Required,
    description: "The run's deadline, in seconds from its start.",
};
/// `dataface.profiler.outcome`: how a run ended.
pub const RUN_OUTCOME_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.profiler.outcome",
    requirement: Requirement::Required,
    description: "How the run ended (the `outcome` label value).",
};
/// `dataface.profiler.late_outcome`: what was reported after a run's deadline.
pub const LATE_OUTCOME_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.profiler.late_outcome",
    requirement: Requirement::ConditionallyRequired,
    description:
        "What the caller reported after the deadline, when a timed-out run finished later.",
};
/// `dataface.profiler.columns`: columns a run profiled.
pub const COLUMNS_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.profiler.columns",
    requirement: Requirement::Required,
    description: "Columns profiled.",
};
/// `dataface.profiler.columns_skipped`: columns a run skipped.
pub const SKIPPED_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.profiler.columns_skipped",
    requirement: Requirement::Required,
    description: "Columns skipped.",
};
/// `dataface.profiler.rows`: rows a run profiled.
pub const ROWS_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.profiler.rows",
    requirement: Requirement::Required,
    description: "Rows profiled (scanned or sampled).",
};
/// `dataface.column.name`: the column a run's event or a feedback log is about.
pub const COLUMN_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.column.name",
    requirement: Requirement::Required,
    description: "The column (events and logs only, never a metric label).",
};
/// `dataface.semantic_type`: the semantic type detected, on events and feedback logs.
pub const SEMANTIC_TYPE_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.semantic_type",
    requirement: Requirement::Required,
    description: "The semantic type detected (the `semantic_type` label value).",
};
/// `dataface.semantic.confidence`: the confidence of a detection, on its event.
pub const CONFIDENCE_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.semantic.confidence",
    requirement: Requirement::Required,
    description: "Confidence of the detection, 0 to 1.",
};
/// `dataface.semantic.verdict`: an analyst's verdict, on the feedback log.
pub const VERDICT_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.semantic.verdict",
    requirement: Requirement::Required,
    description: "The analyst's verdict: confirmed or corrected.",
};
/// `dataface.semantic.corrected_to`: the type an analyst chose, on the feedback log.
pub const CORRECTED_TO_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.semantic.corrected_to",
    requirement: Requirement::ConditionallyRequired,
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
    owner: owners::INSPECT_PROFILER,
};
/// `dataface.profiler.report`: generating one inspector report.
pub const REPORT_SPAN: SpanSpec = SpanSpec {
    name: "dataface.profiler.report",
    description: "Generating one inspector report from a table's profile.",
    attributes: &[WAREHOUSE_ATTR, TABLE_ATTR, ERROR_ATTR, ABANDONED_ATTR],
    owner: owners::INSPECT_PROFILER,
};

/// The profiler's spans.
pub const SPANS: &[SpanSpec] = &[RUN_SPAN, REPORT_SPAN];

const ESCALATION: &str = "inspect-profiler on-call, then the inspect-profiler engineering lead, then the incident commander (declare an incident when several warehouse types are affected).";

/// The profiler's objectives and alerts (task card 004: missing or misleading data quality
/// insights), owned by inspect-profiler.
pub const ALERTS: &[AlertSpec] = &[
    AlertSpec {
        name: "ProfilerRunTimeoutBudgetBurn",
        objective: Objective::ErrorRatio {
            bad: Events {
                metric: &RUN_DURATION,
                matchers: &[Matcher::eq("outcome", "timeout")],
            },
            total: Events {
                metric: &RUN_DURATION,
                matchers: &[],
            },
            target: 0.95,
        },
        severity: AlertSeverity::Ticket,
        owner: owners::INSPECT_PROFILER,
        summary: "Profiling runs are timing out faster than the 95% objective allows.",
        runbook: Runbook {
            meaning: "Tables go unprofiled: analysts see missing or old data quality insights.",
            first_checks: &[
                "Which warehouse_type times out? Large Snowflake or BigQuery tables are the usual suspects.",
                "Is the warehouse queueing (vendor console) or running on a smaller size than usual?",
                "How many runs are still in flight (dataface.profiler.runs.active)?",
            ],
            mitigation: &[
                "Profile with a smaller sample, or ask the customer for a larger warehouse size.",
                "Raise the deadline only for tables known to be large.",
            ],
            rollback: &["If a profiler release made runs slower, redeploy the previous release."],
            escalation: ESCALATION,
            user_message: "Data profiles for some large tables are delayed. Existing profiles remain available.",
        },
    },
    AlertSpec {
        name: "ProfilerRunFailureBudgetBurn",
        objective: Objective::ErrorRatio {
            bad: Events {
                metric: &RUN_DURATION,
                matchers: &[Matcher::eq("outcome", "failure")],
            },
            total: Events {
                metric: &RUN_DURATION,
                matchers: &[],
            },
            target: 0.95,
        },
        severity: AlertSeverity::Ticket,
        owner: owners::INSPECT_PROFILER,
        summary: "Profiling runs are failing faster than the 95% objective allows.",
        runbook: Runbook {
            meaning: "Tables go unprofiled: analysts see missing data quality insights.",
            first_checks: &[
                "Which warehouse_type fails, and with which error.type (profile_permission_denied, profile_warehouse_unavailable, profile_sampling_failed)?",
                "Did a profiler release ship just before?",
            ],
            mitigation: &[
                "For permission errors, ask the customer to grant read access to the profiler role.",
                "For an unavailable warehouse, wait for the vendor and re-run.",
                "If a release started it, roll it back.",
            ],
            rollback: &["Redeploy the previous profiler release."],
            escalation: ESCALATION,
            user_message: "Profiling is failing for some warehouses. Existing profiles remain available while we fix it.",
        },
    },
    AlertSpec {
        name: "ProfilerProfilesStale",
        objective: Objective::Freshness {
            timestamp: &LAST_SUCCESS,
            matchers: &[],
            max_age: 86_400,
        },
        severity: AlertSeverity::Ticket,
        owner: owners::INSPECT_PROFILER,
        summary: "No profiling run has succeeded on a warehouse type for 24 hours.",
        runbook: Runbook {
            meaning: "Analysts see profiles older than a day for that warehouse type; the catalog serves stale statistics.",
            first_checks: &[
                "Which warehouse_type is stale?",
                "Are its runs failing or timing out, or are none scheduled at all?",
            ],
            mitigation: &[
                "Fix the failing runs (see the timeout and failure alerts), then re-run the profiles.",
                "If the scheduler stopped, restart it.",
            ],
            rollback: &[],
            escalation: ESCALATION,
            user_message: "Data profiles for some warehouses are more than a day old. We are refreshing them.",
        },
    },
    AlertSpec {
        name: "ProfilerSemanticTypeAccuracy",
        objective: Objective::ErrorRatio {
            bad: Events {
                metric: &SEMANTIC_FEEDBACK,
                matchers: &[Matcher::eq("verdict", "corrected")],
            },
            total: Events {
                metric: &SEMANTIC_FEEDBACK,
                matchers: &[],
            },
            target: 0.9,
        },
        severity: AlertSeverity::Ticket,
        owner: owners::INSPECT_PROFILER,
        summary: "Analysts correct more than 10% of detected semantic types.",
        runbook: Runbook {
            meaning: "Semantic types are misleading: wrong column types feed charts, suggestions and data quality checks.",
            first_checks: &[
                "Which semantic_type gets corrected most?",
                "Did a detector release or a threshold change ship just before?",
                "Do confidences for that type drop (dataface.profiler.semantic.confidence)?",
            ],
            mitigation: &[
                "Raise the confidence threshold for the type analysts keep correcting.",
                "If a detector release caused it, roll it back.",
            ],
            rollback: &["Redeploy the previous semantic type detector release."],
            escalation: ESCALATION,
            user_message: "Some detected column types may be wrong. You can correct them in the inspector; we are improving detection.",
        },
    },
    AlertSpec {
        name: "ProfilerReportErrorBudgetBurn",
        objective: Objective::ErrorRatio {
            bad: Events {
                metric: &REPORT_DURATION,
                matchers: &[Matcher::eq("outcome", "failure")],
            },
            total: Events {
                metric: &REPORT_DURATION,
                matchers: &[],
            },
            target: 0.99,
        },
        severity: AlertSeverity::Page,
        owner: owners::INSPECT_PROFILER,
        summary: "Inspector reports are failing faster than the 99% objective allows.",
        runbook: Runbook {
            meaning: "Analysts open the inspector and get an error instead of a report.",
            first_checks: &[
                "Which error.type leads dataface.profiler.report.errors (inspector_report_render_failed)?",
                "Did a profiler or report template release ship just before?",
            ],
            mitigation: &["If a release started it, roll it back."],
            rollback: &["Redeploy the previous profiler release."],
            escalation: ESCALATION,
            user_message: "Inspector reports are failing to open. We are working on a fix; your data is unaffected.",
        },
    },
    AlertSpec {
        name: "ProfilerReportLatency",
        objective: Objective::Latency {
            histogram: &REPORT_DURATION,
            matchers: &[Matcher::eq("outcome", "success")],
            threshold: 5.0,
            target: 0.95,
        },
        severity: AlertSeverity::Ticket,
        owner: owners::INSPECT_PROFILER,
        summary: "More than 5% of inspector reports take longer than 5 seconds.",
        runbook: Runbook {
            meaning: "Analysts wait for inspector reports.",
            first_checks: &[
                "Is the profiler service saturated?",
                "Are reports for very wide tables dominating?",
            ],
            mitigation: &[
                "Scale out the profiler service.",
                "If a release made reports slower, roll it back.",
            ],
            rollback: &["Redeploy the previous profiler release."],
            escalation: ESCALATION,
            user_message: "Inspector reports are loading slowly. We are working on it.",
        },
    },
    AlertSpec {
        name: "ProfilerNotReporting",
        objective: Objective::Absence {
            metric: &RUNS_ACTIVE,
            matchers: &[],
            for_seconds: 1800,
        },
        severity: AlertSeverity::Ticket,
        owner: owners::INSPECT_PROFILER,
        summary: "The profiler has reported no in-flight run gauge for 30 minutes.",
        runbook: Runbook {
            meaning: "The profiler is down or its telemetry is lost: profiles go stale unseen.",
            first_checks: &[
                "Are profiler workers running?",
                "Do other profiler series still arrive? If none do, check the telemetry pipeline.",
            ],
            mitigation: &[
                "Restart or redeploy the profiler workers.",
                "If only telemetry is missing, hand over to observability-platform.",
            ],
            rollback: &["If a new release started without reporting, redeploy the previous profiler release."],
            escalation: ESCALATION,
            user_message: "Data profiling is paused. Existing profiles remain available; we are restarting it.",
        },
    },
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
    error_codes: ProfileError::SPECS,
    alerts: ALERTS,
};

/// The profiler section alone, with telemetry-core's, as a catalog (for tests and tools).
pub static CATALOG: telemetry_core::catalog::Catalog = telemetry_core::catalog::Catalog {
    version: "1.0.0",
    sections: &[&telemetry_core::catalog::CORE_SECTION, &SECTION],
};
