//! The telemetry surface's objectives and alerts, on the metric specs its catalog declares.

use super::Surface;
use crate::alert::{AlertSeverity, AlertSpec, Runbook};
use crate::objective::{BrokenState, Events, FleetShare, Matcher, Objective};
use telemetry_core::catalog::owners::OBSERVABILITY_PLATFORM;
use telemetry_core::self_metrics;

/// The telemetry surface: its catalog section and its alerts.
pub static SURFACE: Surface = Surface {
    section: &telemetry_core::signals::CORE_SECTION,
    alerts: ALERTS,
};

/// telemetry-core's alerts: telemetry itself being lost, owned by observability-platform.
pub const ALERTS: &[AlertSpec] = &[
    AlertSpec {
        // Read on the scrape path (each service's own endpoint, by job and instance), which
        // does not cross the collector: it still sees a collector outage. It pages, and the
        // routing lets a telemetry page inhibit the NotReporting pages the outage causes.
        name: "TelemetryCollectorDown",
        objective: Objective::FleetShare(FleetShare {
            events: Events {
                metric: &self_metrics::DROPPED_SPEC,
                matchers: &[Matcher::eq("dataface.telemetry.drop.reason", "export_error")],
            },
            window: 600,
            min_share: 0.5,
        }),
        severity: AlertSeverity::Page,
        owner: OBSERVABILITY_PLATFORM,
        summary: "At least half of the services fail to export to the OTLP collector: the collector is down or unreachable.",
        runbook: Runbook {
            meaning: "Spans, logs and OTLP metrics of most services are lost while it lasts: dashboards fed by the collector go blank and every surface's NotReporting alert would page (they are inhibited while this fires).",
            first_checks: &[
                "Is the collector process up, and does its health endpoint answer from the services' network?",
                "Which signals drop (dataface_telemetry_dropped_total by signal, reason export_error)? All of them points at the collector or the network; one signal at that pipeline.",
                "Did the collector, its load balancer or OTEL_EXPORTER_OTLP_* settings change just before?",
            ],
            mitigation: &[
                "Restart or scale the collector; point the services at a healthy collector (OTEL_EXPORTER_OTLP_ENDPOINT) if it stays down.",
                "Use the services' scrape endpoints (still served) for the surfaces' dashboards meanwhile.",
            ],
            rollback: &["Roll back a collector or network change made just before the drops began."],
            escalation: "observability-platform on-call, then the platform lead, then the incident commander (every team is blind while it lasts).",
            user_message: "No user impact: internal monitoring is degraded while we restore it.",
        },
    },
    AlertSpec {
        name: "TelemetryExportFailing",
        objective: Objective::BrokenState(BrokenState {
            events: Events {
                metric: &self_metrics::DROPPED_SPEC,
                matchers: &[Matcher::eq("dataface.telemetry.drop.reason", "export_error")],
            },
            window: 900,
        }),
        severity: AlertSeverity::Ticket,
        owner: OBSERVABILITY_PLATFORM,
        summary: "Services are dropping telemetry because the OTLP collector rejects or does not answer.",
        runbook: Runbook {
            meaning: "Spans, logs or metrics from some services never reach the collector: dashboards and alerts on those services see less than happened.",
            first_checks: &[
                "Which service (service.name on the scrape target) and which signal is dropping?",
                "Is the collector up and reachable from the service's network (its own health endpoint and logs)?",
                "Did OTEL_EXPORTER_OTLP_* settings change with the last deploy?",
            ],
            mitigation: &[
                "Restore the collector or point the services at a healthy one (OTEL_EXPORTER_OTLP_ENDPOINT).",
                "If the collector rejects payloads, check its limits and the services' batch sizes (OTEL_BSP_MAX_EXPORT_BATCH_SIZE).",
            ],
            rollback: &["Roll back a collector or configuration change made just before the drops began."],
            escalation: "observability-platform on-call, then the platform lead.",
            user_message: "No user impact: some internal monitoring data is delayed.",
        },
    },
    AlertSpec {
        name: "TelemetryQueueOverflowing",
        objective: Objective::BrokenState(BrokenState {
            events: Events {
                metric: &self_metrics::DROPPED_SPEC,
                matchers: &[Matcher::eq("dataface.telemetry.drop.reason", "queue_full")],
            },
            window: 900,
        }),
        severity: AlertSeverity::Ticket,
        owner: OBSERVABILITY_PLATFORM,
        summary: "A service produces telemetry faster than it can export it and drops the excess.",
        runbook: Runbook {
            meaning: "Some spans or log records of a busy service are dropped before export; traces of the busiest paths have gaps.",
            first_checks: &[
                "Which service and signal: dataface_telemetry_dropped_total by signal and reason.",
                "Is the export slow (collector latency) or the volume new (a loop logging per row)?",
            ],
            mitigation: &[
                "Lower the volume at the source (log level via DATAFACE_LOG, sampling via OTEL_TRACES_SAMPLER).",
                "Raise OTEL_BSP_MAX_QUEUE_SIZE / OTEL_BLRP_MAX_QUEUE_SIZE within the service's memory budget.",
            ],
            rollback: &["Roll back the release that raised the telemetry volume."],
            escalation: "observability-platform on-call, then the owning team of the service.",
            user_message: "No user impact: some internal monitoring data is incomplete.",
        },
    },
];
