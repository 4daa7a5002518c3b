//! The context surface's objectives and alerts, on the metric specs its catalog declares.

use super::{and_also, count_error_class, error_class_matchers, Surface};
use crate::alert::{AlertSeverity, AlertSpec, Runbook};
use crate::objective::{
    Absence, BrokenState, ErrorRatio, Events, Freshness, Latency, Matcher, Objective,
};
use context_probes::catalog::{
    CONTEXT_BREACHES, CONTEXT_CATALOG, CONTEXT_DURATION, CONTRACT_CHANGES, ENRICHMENT_DURATION,
    LAST_SUCCESS, REFRESH_DURATION, RESOLUTION_DURATION, RESOLUTION_ERRORS,
};
use telemetry_core::catalog::ErrorCodeSpec;

/// The context catalog's error codes, with their classes.
const ERROR_CODES: &[ErrorCodeSpec] = context_probes::ContextError::SPECS;
const USER_CODES: usize = count_error_class(&RESOLUTION_ERRORS, ERROR_CODES, true);
const OTHER_CODES: usize = count_error_class(&RESOLUTION_ERRORS, ERROR_CODES, false);

/// Resolution failures the catalog controls: user-class codes (`schema_not_found` after a
/// user's rename) leave the budget, derived from the catalog's error classes, and so does
/// `stale_profile_data` (a served resolution, watched by CatalogServingStaleProfiles).
const OWN_RESOLUTION_FAILURES: &[Matcher] = &and_also::<USER_CODES, { USER_CODES + 1 }>(
    error_class_matchers(&RESOLUTION_ERRORS, ERROR_CODES, true),
    Matcher::ne("error.type", "stale_profile_data"),
);

/// Only the user-class resolution error codes: every other declared code excluded.
const USER_RESOLUTION_FAILURES: &[Matcher] =
    &error_class_matchers::<OTHER_CODES>(&RESOLUTION_ERRORS, ERROR_CODES, false);

/// The context surface: its catalog section and its alerts.
pub static SURFACE: Surface = Surface {
    section: &context_probes::catalog::SECTION,
    alerts: ALERTS,
};
const ESCALATION: &str = "context-catalog on-call, then the context-catalog engineering lead, then the incident commander (declare an incident when dashboards, MCP and IDE are all affected).";

/// The context catalog's objectives and alerts (task card 001: silent catalog regressions
/// across dashboards, the MCP server and the IDE extension), owned by context-catalog.
pub const ALERTS: &[AlertSpec] = &[
    AlertSpec {
        name: "CatalogResolutionErrorBudgetBurn",
        // The budget counts what context-catalog controls: user-class codes leave it and
        // have their own ticket, CatalogUserResolutionErrorsHigh.
        objective: Objective::ErrorRatio(ErrorRatio {
            bad: Events {
                metric: &RESOLUTION_ERRORS,
                matchers: OWN_RESOLUTION_FAILURES,
            },
            total: Events {
                metric: &RESOLUTION_DURATION,
                matchers: &[],
            },
            target: 0.99,
            by: &["dataface.catalog.consumer"],
            min_events: 10,
        }),
        severity: AlertSeverity::Page,
        owner: CONTEXT_CATALOG,
        summary: "Schema resolutions are failing faster than the 99% objective allows.",
        runbook: Runbook {
            meaning: "Dashboards, the MCP server or the IDE cannot look up tables and models: charts break and AI suggestions lose their context.",
            first_checks: &[
                "Which consumer carries the failures: dashboards, mcp or ide?",
                "Which error.type leads dataface.catalog.resolution.errors (schema_resolution_timeout, catalog_source_unavailable ...)? schema_not_found is left out of this budget: see CatalogUserResolutionErrorsHigh.",
                "Did a catalog release, a contract change or a failed refresh happen just before?",
            ],
            mitigation: &[
                "If a catalog release started it, roll it back.",
                "If a refresh dropped schemas, re-run the refresh for that source.",
                "If resolutions time out, scale out the catalog service.",
            ],
            rollback: &[
                "Redeploy the previous catalog service release.",
                "Restore the last good catalog snapshot for the affected source if a refresh corrupted it.",
            ],
            escalation: ESCALATION,
            user_message: "Some dashboards and AI assistants cannot load table information right now. We are working on it; your data is safe.",
        },
    },
    AlertSpec {
        name: "CatalogResolutionLatency",
        objective: Objective::Latency(Latency {
            histogram: &RESOLUTION_DURATION,
            matchers: &[Matcher::eq("dataface.outcome", "resolved")],
            threshold: 0.5,
            target: 0.95,
            by: &[],
            min_events: 10,
        }),
        severity: AlertSeverity::Ticket,
        owner: CONTEXT_CATALOG,
        summary: "More than 5% of schema resolutions take longer than 500 ms.",
        runbook: Runbook {
            meaning: "Dashboards open slowly and the IDE and MCP answer late.",
            first_checks: &[
                "Which consumer sees the slow resolutions?",
                "Is the catalog store or the service saturated?",
            ],
            mitigation: &[
                "Scale out the catalog service.",
                "If a release made it slower, roll it back.",
            ],
            rollback: &["Redeploy the previous catalog service release."],
            escalation: ESCALATION,
            user_message: "Dashboards and AI assistants are responding more slowly than usual. We are working on it.",
        },
    },
    AlertSpec {
        name: "CatalogServingStaleProfiles",
        objective: Objective::ErrorRatio(ErrorRatio {
            bad: Events {
                metric: &RESOLUTION_DURATION,
                matchers: &[Matcher::eq("dataface.outcome", "stale")],
            },
            total: Events {
                metric: &RESOLUTION_DURATION,
                matchers: &[],
            },
            target: 0.95,
            by: &[],
            min_events: 10,
        }),
        severity: AlertSeverity::Ticket,
        owner: CONTEXT_CATALOG,
        summary: "More than 5% of resolutions serve profile data past its freshness budget.",
        runbook: Runbook {
            meaning: "Consumers get outdated column statistics: AI suggestions and data quality hints may be wrong.",
            first_checks: &[
                "Is the profiles source refresh failing (dataface.catalog.refresh.errors, source profiles)?",
                "Is the profiler itself stale (ProfilerProfilesStale)?",
            ],
            mitigation: &[
                "Re-run the profiles refresh once its source is healthy.",
                "If the profiler is behind, hand over to inspect-profiler.",
            ],
            rollback: &[],
            escalation: ESCALATION,
            user_message: "Column statistics shown in dashboards and AI assistants may be out of date. We are refreshing them.",
        },
    },
    AlertSpec {
        name: "CatalogRefreshStale",
        objective: Objective::Freshness(Freshness {
            timestamp: &LAST_SUCCESS,
            matchers: &[],
            max_age: 3600,
            attempts: Some(Events {
                metric: &REFRESH_DURATION,
                matchers: &[],
            }),
        }),
        severity: AlertSeverity::Page,
        owner: CONTEXT_CATALOG,
        summary: "A catalog source has not refreshed successfully for an hour.",
        runbook: Runbook {
            meaning: "The catalog serves outdated schemas: new tables and columns are missing and removed ones still appear. (A source that never succeeded since start reads 0 and is watched by CatalogRefreshErrorBudgetBurn.)",
            first_checks: &[
                "Which source kind is stale: warehouse_schema, profiles, dbt_manifest or contracts?",
                "What do its recent refreshes say (dataface.catalog.refresh.errors by error.type)?",
                "Is the source itself reachable (warehouse, dbt artifacts bucket)?",
            ],
            mitigation: &[
                "Fix the source's credentials or connectivity, then trigger a refresh.",
                "If refreshes time out, raise the refresh timeout for that source or refresh it in parts.",
            ],
            rollback: &["If a catalog release broke refreshes, redeploy the previous release."],
            escalation: ESCALATION,
            user_message: "Recently added tables or columns may not appear in dashboards and AI assistants yet. We are refreshing the catalog.",
        },
    },
    AlertSpec {
        name: "CatalogRefreshErrorBudgetBurn",
        objective: Objective::ErrorRatio(ErrorRatio {
            bad: Events {
                metric: &REFRESH_DURATION,
                matchers: &[Matcher::eq("dataface.outcome", "failed")],
            },
            total: Events {
                metric: &REFRESH_DURATION,
                matchers: &[],
            },
            target: 0.95,
            by: &[],
            min_events: 10,
        }),
        severity: AlertSeverity::Page,
        owner: CONTEXT_CATALOG,
        summary: "Catalog refreshes are failing faster than the 95% objective allows.",
        runbook: Runbook {
            meaning: "Metadata stops updating; after a restart nothing may have refreshed at all, which the freshness alert does not judge.",
            first_checks: &[
                "Which source kind fails, and with which error.type (catalog_source_unavailable, catalog_refresh_timeout)?",
                "Did the service restart recently and has any refresh succeeded since?",
            ],
            mitigation: &[
                "Restore the failing source's access, then trigger a refresh.",
                "If a release broke refreshes, roll it back.",
            ],
            rollback: &["Redeploy the previous catalog service release."],
            escalation: ESCALATION,
            user_message: "Table information in dashboards and AI assistants may be out of date. We are working on it.",
        },
    },
    AlertSpec {
        name: "CatalogRefreshNotReporting",
        objective: Objective::Absence(Absence {
            metric: &LAST_SUCCESS,
            matchers: &[],
            for_seconds: 900,
        }),
        severity: AlertSeverity::Page,
        owner: CONTEXT_CATALOG,
        summary: "The catalog has reported no refresh timestamps for 15 minutes.",
        runbook: Runbook {
            meaning: "The catalog service is down or its telemetry is lost; staleness cannot be judged.",
            first_checks: &[
                "Are catalog instances running and healthy?",
                "Do other catalog series still arrive? If none do, check the telemetry pipeline.",
            ],
            mitigation: &[
                "Restart or redeploy the catalog service.",
                "If only telemetry is missing, hand over to observability-platform.",
            ],
            rollback: &["If a new release started without reporting, redeploy the previous catalog release."],
            escalation: ESCALATION,
            user_message: "Dashboards and AI assistants may be unable to load table information. We are investigating and will update within 30 minutes.",
        },
    },
    AlertSpec {
        name: "CatalogContextBuildErrorBudgetBurn",
        objective: Objective::ErrorRatio(ErrorRatio {
            bad: Events {
                metric: &CONTEXT_DURATION,
                matchers: &[Matcher::eq("dataface.outcome", "failed")],
            },
            total: Events {
                metric: &CONTEXT_DURATION,
                matchers: &[],
            },
            target: 0.99,
            by: &[],
            min_events: 10,
        }),
        severity: AlertSeverity::Ticket,
        owner: CONTEXT_CATALOG,
        summary: "AI context payload builds are failing faster than the 99% objective allows.",
        runbook: Runbook {
            meaning: "The MCP server and the IDE extension answer without catalog context: AI suggestions get worse.",
            first_checks: &[
                "Which consumer fails?",
                "Do resolutions fail too (CatalogResolutionErrorBudgetBurn)?",
            ],
            mitigation: &["If a release started it, roll it back."],
            rollback: &["Redeploy the previous catalog service release."],
            escalation: ESCALATION,
            user_message: "AI suggestions may be less accurate while we fix a problem loading table context.",
        },
    },
    AlertSpec {
        name: "CatalogContextPayloadRejected",
        objective: Objective::BrokenState(BrokenState {
            events: Events {
                metric: &CONTEXT_BREACHES,
                matchers: &[Matcher::eq("dataface.catalog.context.action", "rejected")],
            },
            window: 900,
        }),
        severity: AlertSeverity::Ticket,
        owner: CONTEXT_CATALOG,
        summary: "An AI context payload over its consumer's size limit was rejected.",
        runbook: Runbook {
            meaning: "An MCP or IDE request got no catalog context at all because the payload was too large.",
            first_checks: &[
                "Which consumer rejected it, and what is its limit (dataface.catalog.context.limit)?",
                "How large are payloads now (dataface.catalog.context.size)? Did a large schema or a limit change arrive?",
            ],
            mitigation: &[
                "Switch the consumer's breach action to truncate, or raise its limit if the model allows.",
                "Trim the context built for very large schemas.",
            ],
            rollback: &["Restore the consumer's previous payload limit if a configuration change lowered it."],
            escalation: ESCALATION,
            user_message: "AI assistants may answer without table context for very large schemas. We are working on it.",
        },
    },
    AlertSpec {
        name: "CatalogBreakingContractChange",
        objective: Objective::BrokenState(BrokenState {
            events: Events {
                metric: &CONTRACT_CHANGES,
                matchers: &[Matcher::eq("dataface.catalog.contract.change_kind", "breaking")],
            },
            window: 3600,
        }),
        severity: AlertSeverity::Ticket,
        owner: CONTEXT_CATALOG,
        summary: "The catalog saw a breaking contract change (fields removed or renamed).",
        runbook: Runbook {
            meaning: "Dashboards, MCP tools or IDE users that rely on the removed fields will break.",
            first_checks: &[
                "Which contract changed (dataface.catalog.contract.change span) and who changed it?",
                "Do resolution errors rise for any consumer since the change?",
            ],
            mitigation: &[
                "Ask the contract owner to restore the removed fields, or version the contract.",
                "Migrate the dependent dashboards, MCP tools and IDE users before removing fields again.",
            ],
            rollback: &["Revert the contract to its previous version."],
            escalation: ESCALATION,
            user_message: "A data model change may affect some dashboards and AI answers. We are restoring compatibility.",
        },
    },
    AlertSpec {
        name: "CatalogEnrichmentErrorBudgetBurn",
        // Enrichment runs four times a day: three runs in a window are enough to judge (ten
        // would never be reached, and the alert could never fire).
        objective: Objective::ErrorRatio(ErrorRatio {
            bad: Events {
                metric: &ENRICHMENT_DURATION,
                matchers: &[Matcher::eq("dataface.outcome", "failed")],
            },
            total: Events {
                metric: &ENRICHMENT_DURATION,
                matchers: &[],
            },
            target: 0.9,
            by: &[],
            min_events: 3,
        }),
        severity: AlertSeverity::Ticket,
        owner: CONTEXT_CATALOG,
        summary: "Enrichment runs are failing faster than the 90% objective allows.",
        runbook: Runbook {
            meaning: "Catalog descriptions and tags stop improving; existing enrichment stays served.",
            first_checks: &[
                "Which error.type leads (enrichment_failed)? Is the model provider degraded?",
                "Are runs partial rather than failed (outcome partial)?",
            ],
            mitigation: &[
                "Pause enrichment until the model provider recovers, then re-run.",
                "If a prompt or release change broke it, roll it back.",
            ],
            rollback: &["Redeploy the previous enrichment release or prompt version."],
            escalation: ESCALATION,
            user_message: "Automatic table descriptions are delayed. Existing descriptions are unaffected.",
        },
    },
    AlertSpec {
        name: "CatalogUserResolutionErrorsHigh",
        // User-class errors (a schema the user renamed or removed, a breaking change the
        // user made) are the users' to fix: a ticket when they pass a fifth of all
        // resolutions, never a page.
        objective: Objective::ErrorRatio(ErrorRatio {
            bad: Events {
                metric: &RESOLUTION_ERRORS,
                matchers: USER_RESOLUTION_FAILURES,
            },
            total: Events {
                metric: &RESOLUTION_DURATION,
                matchers: &[],
            },
            target: 0.8,
            by: &["dataface.catalog.consumer"],
            min_events: 50,
        }),
        severity: AlertSeverity::Ticket,
        owner: CONTEXT_CATALOG,
        summary: "More than a fifth of schema resolutions fail on user-side causes (schema_not_found).",
        runbook: Runbook {
            meaning: "Dashboards, MCP tools or IDE users ask for schemas that no longer exist, usually after a contract change renamed or removed them. Nothing is broken on the catalog's side, but users see errors.",
            first_checks: &[
                "Which consumer and which error.type (schema_not_found, breaking_contract_change)?",
                "Did a breaking contract change land just before (CatalogBreakingContractChange, dataface.catalog.contract.change spans)?",
            ],
            mitigation: &[
                "Tell the contract owner which dashboards and tools still reference the removed names.",
                "Help the affected users migrate their references; restore the old names as aliases if many are affected.",
            ],
            rollback: &[],
            escalation: "context-catalog's ticket queue during working hours, then the context-catalog engineering lead.",
            user_message: "A recent data model change renamed some tables or fields. Update your dashboard or tool to the new names; we can help with the migration.",
        },
    },
    AlertSpec {
        name: "CatalogContextTruncated",
        // Truncated payloads are delivered, but the AI answers without part of the context:
        // judged per consumer (the MCP server and the IDE have their own limits).
        objective: Objective::ErrorRatio(ErrorRatio {
            bad: Events {
                metric: &CONTEXT_BREACHES,
                matchers: &[Matcher::eq("dataface.catalog.context.action", "truncated")],
            },
            total: Events {
                metric: &CONTEXT_DURATION,
                matchers: &[],
            },
            target: 0.95,
            by: &["dataface.catalog.consumer"],
            min_events: 10,
        }),
        severity: AlertSeverity::Ticket,
        owner: CONTEXT_CATALOG,
        summary: "More than 5% of AI context payloads are truncated to their consumer's size limit.",
        runbook: Runbook {
            meaning: "The MCP server or the IDE extension gets cut context for large schemas: AI answers miss tables and columns without saying so.",
            first_checks: &[
                "Which consumer truncates, and what is its limit (dataface.catalog.context.limit)?",
                "How large are payloads now (dataface.catalog.context.size)? Did a contract gain many columns (dataface.catalog.contract.change spans)?",
            ],
            mitigation: &[
                "Raise the consumer's limit if its model allows, or trim what the context includes for very large schemas.",
                "If one contract grew suddenly, ask its owner whether the new columns belong in the AI context.",
            ],
            rollback: &["Restore the consumer's previous payload limit if a configuration change lowered it."],
            escalation: ESCALATION,
            user_message: "AI assistants may miss some table details for very large schemas. We are working on it.",
        },
    },
];
