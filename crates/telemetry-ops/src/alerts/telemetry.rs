//! The telemetry surface's objectives and alerts, on the metric specs its catalog declares.

use super::Surface;
use crate::alert::{AlertSeverity, AlertSpec, Runbook};
use crate::objective::{BrokenState, Events, Matcher, Objective};
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
        name: "TelemetryExportFailing",
        objective: Objective::BrokenState(BrokenState {
            events: Events {
                metric: &self_metrics::DROPPED_SPEC,
                matchers: &[Matcher::eq("reason", "export_error")],
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
                matchers: &[Matcher::eq("reason", "queue_full")],
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
