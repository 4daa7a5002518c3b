//! The compiler surface's objectives and alerts, on the metric specs its catalog declares.

use super::{count_error_class, error_class_matchers, Surface};
use crate::alert::{AlertSeverity, AlertSpec, Runbook};
use crate::objective::{
    Absence, BrokenState, ErrorRatio, Events, Latency, Matcher, Objective, Threshold,
};
use compiler_probes::catalog::{
    COMPILES, COMPILE_DURATION, COMPILE_ERRORS, CONTRACT_SUPPORT, CORE_COMPILER, DASHBOARDS,
    MIGRATIONS, QUERIES, QUERY_DURATION, RENDERS,
};

/// The compiler's error codes, with their classes.
const ERROR_CODES: &[telemetry_core::catalog::ErrorCodeSpec] = compiler_probes::CompileError::SPECS;
const USER_CODES: usize = count_error_class(&COMPILE_ERRORS, ERROR_CODES, true);
const OTHER_CODES: usize = count_error_class(&COMPILE_ERRORS, ERROR_CODES, false);

/// The user-class compile error codes (the user fixes them), excluded from the budget:
/// derived from the catalog's error classes.
const USER_CODES_EXCLUDED: &[Matcher] =
    &error_class_matchers::<USER_CODES>(&COMPILE_ERRORS, ERROR_CODES, true);

/// Only the user-class compile error codes: every other declared code excluded.
const USER_CODES_ONLY: &[Matcher] =
    &error_class_matchers::<OTHER_CODES>(&COMPILE_ERRORS, ERROR_CODES, false);

/// The compiler surface: its catalog section and its alerts.
pub static SURFACE: Surface = Surface {
    section: &compiler_probes::catalog::SECTION,
    alerts: ALERTS,
};
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
        // The budget counts what core-compiler controls: user-class codes (a typo in a
        // contract) leave it and have their own ticket, CompilerUserErrorsHigh. Judged per
        // contract version and per compiler release too: one failing version is a small
        // share of the fleet's compiles.
        objective: Objective::ErrorRatio(ErrorRatio {
            bad: Events {
                metric: &COMPILE_ERRORS,
                matchers: USER_CODES_EXCLUDED,
            },
            total: Events {
                metric: &COMPILES,
                matchers: &[],
            },
            target: 0.99,
            by: &["dataface.contract.version", "dataface.compiler.version"],
            min_events: 10,
        }),
        severity: AlertSeverity::Page,
        owner: CORE_COMPILER,
        summary: "Dashboards are failing to compile faster than the 99% objective allows.",
        runbook: Runbook {
            meaning: "Users open dashboards and see compile errors instead of charts.",
            first_checks: &[
                "Which contract_version and compiler_version carry the failures? A spike on one new release points at the release.",
                "Which error.type leads dataface.compile.errors, and in which stage (dataface.compile.failed_stages)? migration_failed or unsupported_contract_version point at a release; unknown_query or invalid_yaml point at user edits.",
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
        objective: Objective::Latency(Latency {
            histogram: &COMPILE_DURATION,
            matchers: &[],
            threshold: 2.5,
            target: 0.95,
            by: &[],
            min_events: 10,
        }),
        severity: AlertSeverity::Ticket,
        owner: CORE_COMPILER,
        summary: "More than 5% of dashboard compiles take longer than 2.5 seconds.",
        runbook: Runbook {
            meaning: "Dashboards open slowly; users wait seconds before any chart appears.",
            first_checks: &[
                "Is the slowdown on one compiler_version? Which contract versions do the slow dataface.compile spans carry?",
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
        objective: Objective::ErrorRatio(ErrorRatio {
            bad: Events {
                metric: &QUERIES,
                matchers: &[Matcher::eq("dataface.outcome", "failed")],
            },
            total: Events {
                metric: &QUERIES,
                matchers: &[],
            },
            target: 0.99,
            by: &["dataface.query.adapter"],
            min_events: 10,
        }),
        severity: AlertSeverity::Page,
        owner: CORE_COMPILER,
        summary: "Warehouse queries are failing faster than the 99% objective allows.",
        runbook: Runbook {
            meaning: "Dashboards compile but their charts show query errors.",
            first_checks: &[
                "Which adapter carries the failures (dataface.queries)? One adapter points at that warehouse or its driver.",
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
        objective: Objective::Latency(Latency {
            histogram: &QUERY_DURATION,
            matchers: &[],
            threshold: 10.0,
            target: 0.95,
            by: &[],
            min_events: 10,
        }),
        severity: AlertSeverity::Ticket,
        owner: CORE_COMPILER,
        summary: "More than 5% of the warehouse queries that return rows take longer than 10 seconds.",
        runbook: Runbook {
            meaning: "Charts fill in slowly; users wait on the warehouse.",
            first_checks: &[
                "Which adapter is slow (dataface.query.duration by adapter)?",
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
        objective: Objective::ErrorRatio(ErrorRatio {
            bad: Events {
                metric: &RENDERS,
                matchers: &[Matcher::eq("dataface.outcome", "failed")],
            },
            total: Events {
                metric: &RENDERS,
                matchers: &[],
            },
            target: 0.99,
            by: &[],
            min_events: 10,
        }),
        severity: AlertSeverity::Page,
        owner: CORE_COMPILER,
        summary: "Dashboard renders are failing faster than the 99% objective allows.",
        runbook: Runbook {
            meaning: "Dashboards or their exports (PNG, PDF, CSV) come back blank or as errors.",
            first_checks: &[
                "Which format fails (dataface.renders), and with which error.type (dataface.render.errors: render_timeout, template_output_too_large)?",
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
        objective: Objective::BrokenState(BrokenState {
            events: Events {
                metric: &MIGRATIONS,
                matchers: &[Matcher::eq("dataface.outcome", "failed")],
            },
            window: 900,
        }),
        severity: AlertSeverity::Page,
        owner: CORE_COMPILER,
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
        objective: Objective::BrokenState(BrokenState {
            events: Events {
                metric: &MIGRATIONS,
                matchers: &[Matcher::eq("dataface.outcome", "abandoned")],
            },
            window: 3600,
        }),
        severity: AlertSeverity::Ticket,
        owner: CORE_COMPILER,
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
        // A ratio, not a broken state: a rare abandoned compile (a client gone mid-request)
        // is no ticket, a share of them is.
        name: "CompilerCompilesAbandoned",
        objective: Objective::ErrorRatio(ErrorRatio {
            bad: Events {
                metric: &COMPILES,
                matchers: &[Matcher::eq("dataface.outcome", "abandoned")],
            },
            total: Events {
                metric: &COMPILES,
                matchers: &[],
            },
            target: 0.999,
            by: &[],
            min_events: 10,
        }),
        severity: AlertSeverity::Ticket,
        owner: CORE_COMPILER,
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
        objective: Objective::Absence(Absence {
            metric: &CONTRACT_SUPPORT,
            matchers: &[],
            for_seconds: 600,
        }),
        severity: AlertSeverity::Page,
        owner: CORE_COMPILER,
        summary: "No compiler release has reported its supported contract versions for 10 minutes.",
        runbook: Runbook {
            meaning: "The compiler is down or its telemetry is lost: compile failures and rollbacks cannot be seen.",
            first_checks: &[
                "Are compiler instances running and passing health checks?",
                "Do other compiler series (dataface.compiles) still arrive? If not either, check the telemetry pipeline.",
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
        objective: Objective::Threshold(Threshold {
            gauge: &DASHBOARDS,
            matchers: &[Matcher::eq("dataface.contract.version", "other")],
            max: 0.0,
            for_seconds: 3600,
        }),
        severity: AlertSeverity::Ticket,
        owner: CORE_COMPILER,
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
    AlertSpec {
        name: "CompilerUserErrorsHigh",
        // User-class errors (typos, missing queries) are the users' to fix: a ticket when
        // they pass a fifth of all compiles, never a page.
        objective: Objective::ErrorRatio(ErrorRatio {
            bad: Events {
                metric: &COMPILE_ERRORS,
                matchers: USER_CODES_ONLY,
            },
            total: Events {
                metric: &COMPILES,
                matchers: &[],
            },
            target: 0.8,
            by: &[],
            min_events: 50,
        }),
        severity: AlertSeverity::Ticket,
        owner: CORE_COMPILER,
        summary: "More than a fifth of compiles fail on user errors (invalid YAML, unknown queries).",
        runbook: Runbook {
            meaning: "Many users hit contract mistakes: the docs, the editor's validation or a new template may be misleading them. Nothing is broken on our side.",
            first_checks: &[
                "Which error.type leads dataface.compile.errors among unknown_query, source_not_found, invalid_yaml, template_output_too_large and result_truncated?",
                "Did a docs page, a template or an editor release change in the last days?",
            ],
            mitigation: &[
                "Point the docs or the editor's validation at the leading mistake.",
                "Tell support which mistake leads, with its fix (`dft validate` shows the line).",
            ],
            rollback: &[],
            escalation: "core-compiler's ticket queue during working hours, then the core-compiler engineering lead.",
            user_message: "If a dashboard does not compile, `dft validate` names the line to fix; our docs describe the most common mistakes.",
        },
    },
];
