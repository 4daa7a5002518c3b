//! The profiler surface's objectives and alerts, on the metric specs its catalog declares.

use super::Surface;
use crate::alert::{AlertSeverity, AlertSpec, Runbook};
use crate::objective::{Absence, ErrorRatio, Events, Freshness, Latency, Matcher, Objective};
use profiler_probes::catalog::{
    INSPECT_PROFILER, LAST_SUCCESS, REPORT_DURATION, RUNS_ACTIVE, RUN_DURATION, SEMANTIC_FEEDBACK,
};

/// The profiler surface: its catalog section and its alerts.
pub static SURFACE: Surface = Surface {
    section: &profiler_probes::catalog::SECTION,
    alerts: ALERTS,
};
const ESCALATION: &str = "inspect-profiler on-call, then the inspect-profiler engineering lead, then the incident commander (declare an incident when several warehouse types are affected).";

/// The profiler's objectives and alerts (task card 004: missing or misleading data quality
/// insights), owned by inspect-profiler.
pub const ALERTS: &[AlertSpec] = &[
    AlertSpec {
        name: "ProfilerRunTimeoutBudgetBurn",
        objective: Objective::ErrorRatio(ErrorRatio {
            bad: Events {
                metric: &RUN_DURATION,
                matchers: &[Matcher::eq("dataface.outcome", "timeout")],
            },
            total: Events {
                metric: &RUN_DURATION,
                matchers: &[],
            },
            target: 0.95,
            by: &["dataface.warehouse.type"],
            min_events: 10,
        }),
        severity: AlertSeverity::Ticket,
        owner: INSPECT_PROFILER,
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
        objective: Objective::ErrorRatio(ErrorRatio {
            bad: Events {
                metric: &RUN_DURATION,
                matchers: &[Matcher::eq("dataface.outcome", "failure")],
            },
            total: Events {
                metric: &RUN_DURATION,
                matchers: &[],
            },
            target: 0.95,
            by: &["dataface.warehouse.type"],
            min_events: 10,
        }),
        severity: AlertSeverity::Ticket,
        owner: INSPECT_PROFILER,
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
        objective: Objective::Freshness(Freshness {
            timestamp: &LAST_SUCCESS,
            matchers: &[],
            max_age: 86_400,
            attempts: Some(Events {
                metric: &RUN_DURATION,
                matchers: &[],
            }),
        }),
        severity: AlertSeverity::Ticket,
        owner: INSPECT_PROFILER,
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
        objective: Objective::ErrorRatio(ErrorRatio {
            bad: Events {
                metric: &SEMANTIC_FEEDBACK,
                matchers: &[Matcher::eq("dataface.semantic.verdict", "corrected")],
            },
            total: Events {
                metric: &SEMANTIC_FEEDBACK,
                matchers: &[],
            },
            target: 0.9,
            by: &[],
            min_events: 10,
        }),
        severity: AlertSeverity::Ticket,
        owner: INSPECT_PROFILER,
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
        objective: Objective::ErrorRatio(ErrorRatio {
            bad: Events {
                metric: &REPORT_DURATION,
                matchers: &[Matcher::eq("dataface.outcome", "failure")],
            },
            total: Events {
                metric: &REPORT_DURATION,
                matchers: &[],
            },
            target: 0.99,
            by: &[],
            min_events: 10,
        }),
        severity: AlertSeverity::Page,
        owner: INSPECT_PROFILER,
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
        objective: Objective::Latency(Latency {
            histogram: &REPORT_DURATION,
            matchers: &[Matcher::eq("dataface.outcome", "success")],
            threshold: 5.0,
            target: 0.95,
            by: &[],
            min_events: 10,
        }),
        severity: AlertSeverity::Ticket,
        owner: INSPECT_PROFILER,
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
        objective: Objective::Absence(Absence {
            metric: &RUNS_ACTIVE,
            matchers: &[],
            for_seconds: 1800,
        }),
        severity: AlertSeverity::Ticket,
        owner: INSPECT_PROFILER,
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
