//! The integrations surface's objectives and alerts, on the metric specs its catalog declares.

use super::Surface;
use crate::alert::{AlertSeverity, AlertSpec, Runbook};
use crate::objective::{
    Absence, BrokenState, ErrorRatio, Events, Expiry, Latency, Matcher, Objective, Threshold,
};
use integrations_probes::catalog::{
    BILLING, BILLING_EVENTS, BILLING_LATENCY, BILLING_PENDING, CERTIFICATE_SOONEST_EXPIRY,
    DEPLOY_DURATION, DOMAIN_CHECKS, INTEGRATIONS_PLATFORM, WEBHOOK_DELIVERIES, WEBHOOK_LAG,
};

/// The integrations surface: its catalog section and its alerts.
pub static SURFACE: Surface = Surface {
    section: &integrations_probes::catalog::SECTION,
    alerts: ALERTS,
};
const PLATFORM_ESCALATION: &str = "integrations-platform on-call, then the integrations-platform engineering lead, then the incident commander (declare an incident when deployments, billing and domains are hit together).";
const BILLING_ESCALATION: &str = "billing on-call, then the billing engineering lead and finance operations, then the incident commander (money not accounted for is always an incident).";

/// Reconciling billing with the provider: the steps every billing runbook shares.
const BILLING_RECONCILE: &[&str] = &[
    "List the affected event ids from the dataface.billing.record spans and error logs.",
    "Reconcile each against the billing provider's dashboard; record the missing ones by hand.",
];

/// The integrations platform's objectives and alerts (task card 002): deployments and
/// webhooks and custom domains (integrations-platform), billing events that must never be
/// lost (billing).
pub const ALERTS: &[AlertSpec] = &[
    AlertSpec {
        // A broken state on the histogram's count would read better, but `validate()` accepts
        // only counters there: with a 95% objective a single failed production deployment
        // burns the budget fast enough to page.
        name: "IntegrationsProductionDeployFailing",
        objective: Objective::ErrorRatio(ErrorRatio {
            bad: Events {
                metric: &DEPLOY_DURATION,
                matchers: &[
                    Matcher::eq("environment", "production"),
                    Matcher::ne("outcome", "succeeded"),
                ],
            },
            total: Events {
                metric: &DEPLOY_DURATION,
                matchers: &[Matcher::eq("environment", "production")],
            },
            target: 0.95,
            by: &[],
            min_events: 10,
        }),
        severity: AlertSeverity::Page,
        owner: INTEGRATIONS_PLATFORM,
        summary: "Production deployments are failing, rolling back or being abandoned.",
        runbook: Runbook {
            meaning: "A release did not go live (or was rolled back): fixes and features are blocked, and a rolled-back release may have hurt users briefly.",
            first_checks: &[
                "Outcome failed, rolled_back or abandoned? Which error.type on the dataface.deploy span (deploy_failed, deploy_health_check_failed, deploy_timeout)?",
                "Which release, and which release did it roll back to (dataface.deploy.rollback_to)?",
                "Are GCP quotas, Cloud Build or the instance startup logs reporting errors?",
            ],
            mitigation: &[
                "Freeze production deployments until the cause is known.",
                "Keep the previous release serving; compare the failed release's error rates with it.",
            ],
            rollback: &[
                "If the failed release is partly live, redeploy the last release that succeeded in production.",
                "Confirm the rollback: the next production deployment succeeds and health checks pass.",
            ],
            escalation: PLATFORM_ESCALATION,
            user_message: "A planned update was paused. Dataface is running on the previous version; no action is needed.",
        },
    },
    AlertSpec {
        name: "IntegrationsWebhookSignatureInvalid",
        objective: Objective::ErrorRatio(ErrorRatio {
            bad: Events {
                metric: &WEBHOOK_DELIVERIES,
                matchers: &[Matcher::eq("outcome", "invalid_signature")],
            },
            total: Events {
                metric: &WEBHOOK_DELIVERIES,
                matchers: &[],
            },
            target: 0.99,
            by: &[],
            min_events: 10,
        }),
        severity: AlertSeverity::Page,
        owner: INTEGRATIONS_PLATFORM,
        summary: "Fivetran webhooks are failing their signature check faster than the 99% objective allows.",
        runbook: Runbook {
            meaning: "Sync notifications from Fivetran are refused: dashboards stop refreshing after syncs.",
            first_checks: &[
                "A burst right after a secret rotation? Then Fivetran and we disagree on the secret.",
                "Are the invalid deliveries from Fivetran's addresses, or scattered probes from elsewhere?",
            ],
            mitigation: &[
                "Set the same webhook secret in Fivetran and in our configuration.",
                "If the traffic is hostile, block its source at the load balancer.",
                "Ask Fivetran to redeliver, or trigger a refresh of the affected connectors.",
            ],
            rollback: &["Restore the previous webhook secret until both sides are rotated together."],
            escalation: PLATFORM_ESCALATION,
            user_message: "Dashboards may not refresh automatically after Fivetran syncs. We are fixing it; data will catch up without any action.",
        },
    },
    AlertSpec {
        name: "IntegrationsWebhookProcessingErrorBudgetBurn",
        objective: Objective::ErrorRatio(ErrorRatio {
            bad: Events {
                metric: &WEBHOOK_DELIVERIES,
                matchers: &[Matcher::eq("outcome", "failed")],
            },
            total: Events {
                metric: &WEBHOOK_DELIVERIES,
                matchers: &[],
            },
            target: 0.99,
            by: &["event_type"],
            min_events: 10,
        }),
        severity: AlertSeverity::Ticket,
        owner: INTEGRATIONS_PLATFORM,
        summary: "Verified Fivetran webhooks are failing to process faster than the 99% objective allows.",
        runbook: Runbook {
            meaning: "Fivetran redelivers, but until processing works the affected dashboards show stale data.",
            first_checks: &[
                "Which event_type fails? Read the webhook span's logs (webhook_processing_failed).",
                "Did an integrations release ship just before?",
            ],
            mitigation: &["Fix or roll back the processing change; redeliveries catch up on their own."],
            rollback: &["Redeploy the previous integrations release."],
            escalation: PLATFORM_ESCALATION,
            user_message: "Dashboards may refresh late after Fivetran syncs. We are working on it.",
        },
    },
    AlertSpec {
        name: "IntegrationsWebhookLag",
        objective: Objective::Latency(Latency {
            histogram: &WEBHOOK_LAG,
            matchers: &[],
            threshold: 300.0,
            target: 0.95,
            by: &[],
            min_events: 10,
        }),
        severity: AlertSeverity::Ticket,
        owner: INTEGRATIONS_PLATFORM,
        summary: "More than 5% of Fivetran webhooks arrive more than 5 minutes after their event.",
        runbook: Runbook {
            meaning: "Dashboards refresh minutes after syncs finish.",
            first_checks: &[
                "Is Fivetran delayed (its status page), or are we slow to accept (dataface.webhook.duration)?",
                "Is the lag on one event_type only?",
            ],
            mitigation: &["Scale out the webhook receiver if we are the bottleneck; otherwise wait for Fivetran."],
            rollback: &[],
            escalation: PLATFORM_ESCALATION,
            user_message: "Dashboards are refreshing a few minutes late after data syncs.",
        },
    },
    AlertSpec {
        name: "BillingEventsPending",
        objective: Objective::Threshold(Threshold {
            gauge: &BILLING_PENDING,
            matchers: &[],
            max: 0.0,
            for_seconds: 1800,
        }),
        severity: AlertSeverity::Page,
        owner: BILLING,
        summary: "Billing events have stayed unrecorded for 30 minutes.",
        runbook: Runbook {
            meaning: "Charges, refunds or usage are received but not durably recorded: money is at risk until they are.",
            first_checks: &[
                "Which event_type is pending?",
                "Are attempts failing with billing_provider_unavailable (dataface.billing.errors)? Check the provider's status page.",
                "Is the billing worker alive and retrying?",
            ],
            mitigation: &[
                "If the provider is down, let retries continue and watch the pending count drain after recovery.",
                "If the worker is stuck, restart it: pending events are retried from the queue.",
            ],
            rollback: BILLING_RECONCILE,
            escalation: BILLING_ESCALATION,
            user_message: "Some billing updates are delayed. You will not be charged twice; invoices will update once processing resumes.",
        },
    },
    AlertSpec {
        name: "BillingChargeRecordFailed",
        objective: Objective::BrokenState(BrokenState {
            events: Events {
                metric: &BILLING_EVENTS,
                matchers: &[Matcher::eq("outcome", "failed")],
            },
            window: 900,
        }),
        severity: AlertSeverity::Page,
        owner: BILLING,
        summary: "A billing event could not be recorded and its retries are exhausted.",
        runbook: Runbook {
            meaning: "Money is not accounted for: a charge, refund or usage record is missing.",
            first_checks: &[
                "Which event_type, and which error.type (charge_record_failed)?",
                "Find the event ids in the error logs of the dataface.billing.record spans.",
            ],
            mitigation: &[
                "Record each missing event by hand from the provider's dashboard.",
                "Fix the cause before more events fail.",
            ],
            rollback: BILLING_RECONCILE,
            escalation: BILLING_ESCALATION,
            user_message: "A billing update could not be processed. We are correcting it by hand; you will not be charged incorrectly.",
        },
    },
    AlertSpec {
        name: "BillingEventAbandoned",
        objective: Objective::BrokenState(BrokenState {
            events: Events {
                metric: &BILLING_EVENTS,
                matchers: &[Matcher::eq("outcome", "abandoned")],
            },
            window: 900,
        }),
        severity: AlertSeverity::Page,
        owner: BILLING,
        summary: "A billing event's handling ended without an outcome: it may be lost.",
        runbook: Runbook {
            meaning: "A code path dropped a billing event (crash, early return): it may never be recorded.",
            first_checks: &[
                "Find the event ids in the billing_event_abandoned error logs.",
                "Did the billing worker restart or a release ship at that time?",
            ],
            mitigation: &[
                "Reconcile each event against the provider and record the missing ones.",
                "Fix the code path that returned early.",
            ],
            rollback: &[
                "If a release introduced the early return, redeploy the previous integrations release.",
                "Reconcile the affected events against the billing provider's dashboard.",
            ],
            escalation: BILLING_ESCALATION,
            user_message: "A billing update may be delayed. We are reconciling it by hand; you will not be charged incorrectly.",
        },
    },
    AlertSpec {
        name: "BillingRecordLatency",
        objective: Objective::Latency(Latency {
            histogram: &BILLING_LATENCY,
            matchers: &[],
            threshold: 60.0,
            target: 0.99,
            by: &[],
            min_events: 10,
        }),
        severity: AlertSeverity::Ticket,
        owner: BILLING,
        summary: "More than 1% of billing events take longer than a minute to record.",
        runbook: Runbook {
            meaning: "Billing lags: invoices and usage totals update late, and retries pile up.",
            first_checks: &[
                "Is the provider slow or failing (billing_provider_unavailable retries)?",
                "Which event_type is slow?",
            ],
            mitigation: &["Scale the billing worker; if the provider throttles, lower our request rate."],
            rollback: &[],
            escalation: BILLING_ESCALATION,
            user_message: "Billing updates are taking longer than usual to appear.",
        },
    },
    AlertSpec {
        name: "BillingNotReporting",
        objective: Objective::Absence(Absence {
            metric: &BILLING_PENDING,
            matchers: &[],
            for_seconds: 900,
        }),
        severity: AlertSeverity::Page,
        owner: BILLING,
        summary: "The billing worker has reported no pending-events gauge for 15 minutes.",
        runbook: Runbook {
            meaning: "The billing worker is down or its telemetry is lost: charges that fail to record cannot be seen.",
            first_checks: &[
                "Is the billing worker running?",
                "Do other integrations series still arrive? If none do, check the telemetry pipeline.",
            ],
            mitigation: &[
                "Restart or redeploy the billing worker.",
                "If only telemetry is missing, hand over to observability-platform and reconcile with the provider by hand.",
            ],
            rollback: BILLING_RECONCILE,
            escalation: BILLING_ESCALATION,
            user_message: "Billing updates may be delayed. You will not be charged incorrectly.",
        },
    },
    AlertSpec {
        name: "IntegrationsCertificateExpiring",
        objective: Objective::Expiry(Expiry {
            timestamp: &CERTIFICATE_SOONEST_EXPIRY,
            matchers: &[],
            min_remaining: 14 * 86_400,
        }),
        severity: AlertSeverity::Ticket,
        owner: INTEGRATIONS_PLATFORM,
        summary: "A custom-domain TLS certificate expires within 14 days.",
        runbook: Runbook {
            meaning: "Automatic renewal has not happened yet; if it does not, browsers will refuse the customer's dashboards.",
            first_checks: &[
                "Which domain (certificate_expiring logs, dataface.domain.certificate spans)?",
                "Why did renewal not happen? Usually a DNS change on the customer's side.",
            ],
            mitigation: &[
                "Trigger the managed-certificate renewal for the domain.",
                "If DNS no longer points at us, ask the customer to restore the CNAME.",
            ],
            rollback: &[],
            escalation: PLATFORM_ESCALATION,
            user_message: "Your custom domain's certificate needs renewing. Please check that its DNS record still points to Dataface.",
        },
    },
    AlertSpec {
        name: "IntegrationsCertificateExpiryImminent",
        objective: Objective::Expiry(Expiry {
            timestamp: &CERTIFICATE_SOONEST_EXPIRY,
            matchers: &[],
            min_remaining: 3 * 86_400,
        }),
        severity: AlertSeverity::Page,
        owner: INTEGRATIONS_PLATFORM,
        summary: "A custom-domain TLS certificate expires within 3 days (or has expired).",
        runbook: Runbook {
            meaning: "Within days browsers will refuse the customer's dashboards on their domain.",
            first_checks: &[
                "Which domain, and is it already expired (dataface.domain.certificates state expired)?",
                "Does the renewal fail on DNS validation or on the certificate authority?",
            ],
            mitigation: &[
                "Renew or reissue the certificate now.",
                "Tell the customer and give them the default Dataface address in the meantime.",
            ],
            rollback: &[],
            escalation: PLATFORM_ESCALATION,
            user_message: "Your custom domain's certificate is about to expire. We are renewing it; your dashboards stay reachable at your default Dataface address.",
        },
    },
    AlertSpec {
        name: "IntegrationsCertificateTrackingAbsent",
        objective: Objective::Absence(Absence {
            metric: &CERTIFICATE_SOONEST_EXPIRY,
            matchers: &[],
            for_seconds: 3600,
        }),
        severity: AlertSeverity::Ticket,
        owner: INTEGRATIONS_PLATFORM,
        summary: "No certificate expiry has been reported for an hour.",
        runbook: Runbook {
            meaning: "Certificate expiry alerts are blind: an expiring certificate would go unseen.",
            first_checks: &[
                "Is the integrations service running?",
                "Do other integrations series still arrive? If none do, check the telemetry pipeline.",
            ],
            mitigation: &["Restart the integrations service; check certificates by hand until the series returns."],
            rollback: &[],
            escalation: PLATFORM_ESCALATION,
            user_message: "No user impact yet. We are restoring certificate monitoring.",
        },
    },
    AlertSpec {
        name: "IntegrationsDomainChecksFailing",
        objective: Objective::ErrorRatio(ErrorRatio {
            bad: Events {
                metric: &DOMAIN_CHECKS,
                matchers: &[Matcher::ne("outcome", "resolved")],
            },
            total: Events {
                metric: &DOMAIN_CHECKS,
                matchers: &[],
            },
            target: 0.9,
            by: &[],
            min_events: 10,
        }),
        severity: AlertSeverity::Ticket,
        owner: INTEGRATIONS_PLATFORM,
        summary: "More than 10% of custom-domain checks fail.",
        runbook: Runbook {
            meaning: "Customers' dashboards on their own domains may be unreachable or show certificate errors.",
            first_checks: &[
                "Which outcome leads: mismatch and nxdomain are customer DNS; tls_error is usually ours.",
                "Did our ingress or certificate configuration change?",
            ],
            mitigation: &[
                "For tls_error, check certificate provisioning and the load balancer configuration.",
                "For DNS problems, contact the affected customers with the expected CNAME target.",
            ],
            rollback: &["Restore the previous ingress or certificate configuration if it changed."],
            escalation: PLATFORM_ESCALATION,
            user_message: "Some custom domains are not reachable. Your dashboards remain available at your default Dataface address.",
        },
    },
];
