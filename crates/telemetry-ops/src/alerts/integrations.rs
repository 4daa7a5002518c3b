//! The integrations surface's objectives and alerts, on the metric specs its catalog declares.

use super::Surface;
use crate::alert::{AlertSeverity, AlertSpec, Runbook};
use crate::objective::{
    Absence, BrokenState, Coincidence, ErrorRatio, Events, Expiry, Latency, Matcher, Objective,
    Silence, Stuck, Threshold,
};
use integrations_probes::catalog::{
    BILLING, BILLING_ERRORS, BILLING_EVENTS, BILLING_LATENCY, BILLING_OLDEST_PENDING,
    BILLING_PENDING, CERTIFICATES, CERTIFICATE_SOONEST_EXPIRY, CERTIFICATE_SOONEST_VALID_EXPIRY,
    DEPLOY_DURATION, DOMAIN_CHECKS, INTEGRATIONS_PLATFORM, WEBHOOK_DELIVERIES, WEBHOOK_LAG,
};

/// The integrations surface: its catalog section and its alerts.
pub static SURFACE: Surface = Surface {
    section: &integrations_probes::catalog::SECTION,
    alerts: ALERTS,
};
const PLATFORM_ESCALATION: &str = "integrations-platform on-call, then the integrations-platform engineering lead, then the incident commander (declare an incident when deployments, billing and domains are hit together).";
const BILLING_ESCALATION: &str = "billing on-call, then the billing engineering lead and finance operations, then the incident commander (money not accounted for is always an incident).";

/// Reconciling billing with the provider: the mitigation steps every billing runbook that may
/// have lost an event shares (a step of its own, never a rollback: nothing is rolled back).
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
        // burns the budget fast enough to page. Production sees a few deployments a day, so
        // one deployment is enough traffic to judge (min_events 1).
        name: "IntegrationsProductionDeployFailing",
        objective: Objective::ErrorRatio(ErrorRatio {
            bad: Events {
                metric: &DEPLOY_DURATION,
                matchers: &[
                    Matcher::eq("deployment.environment.name", "production"),
                    Matcher::ne("dataface.outcome", "succeeded"),
                ],
            },
            total: Events {
                metric: &DEPLOY_DURATION,
                matchers: &[Matcher::eq("deployment.environment.name", "production")],
            },
            target: 0.95,
            by: &[],
            min_events: 1,
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
                matchers: &[Matcher::eq("dataface.outcome", "invalid_signature")],
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
                matchers: &[Matcher::eq("dataface.outcome", "failed")],
            },
            total: Events {
                metric: &WEBHOOK_DELIVERIES,
                matchers: &[],
            },
            target: 0.99,
            by: &["dataface.webhook.event_type"],
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
        // Judged on the oldest event still pending, not on the count: steady usage traffic
        // always has events in flight, but none of them should wait 30 minutes.
        name: "BillingEventsPending",
        objective: Objective::Stuck(Stuck {
            timestamp: &BILLING_OLDEST_PENDING,
            matchers: &[],
            max_age: 1800,
        }),
        severity: AlertSeverity::Page,
        owner: BILLING,
        summary: "A billing event has stayed unrecorded for 30 minutes.",
        runbook: Runbook {
            meaning: "Charges, refunds or usage are received but not durably recorded: money is at risk until they are.",
            first_checks: &[
                "Which event_type carries the oldest pending event, and how many are pending (dataface.billing.events.pending)?",
                "Are attempts failing with billing_provider_unavailable (dataface.billing.errors)? Check the provider's status page.",
                "Is the billing worker alive and retrying?",
            ],
            mitigation: &[
                "If the provider is down, let retries continue and watch the oldest pending event move forward after recovery.",
                "If the worker is stuck, restart it: pending events are retried from the queue.",
                "Once the pending events drain, reconcile the affected ones against the billing provider.",
            ],
            rollback: &[],
            escalation: BILLING_ESCALATION,
            user_message: "Some billing updates are delayed. You will not be charged twice; invoices will update once processing resumes.",
        },
    },
    AlertSpec {
        name: "BillingChargeRecordFailed",
        objective: Objective::BrokenState(BrokenState {
            events: Events {
                metric: &BILLING_EVENTS,
                matchers: &[Matcher::eq("dataface.outcome", "failed")],
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
                "Fix the cause before more events fail.",
                // Reconciliation: its own step, whatever the cause.
                BILLING_RECONCILE[0],
                BILLING_RECONCILE[1],
            ],
            rollback: &["If a release preceded the failures, redeploy the previous integrations release."],
            escalation: BILLING_ESCALATION,
            user_message: "A billing update could not be processed. We are correcting it by hand; you will not be charged incorrectly.",
        },
    },
    AlertSpec {
        name: "BillingEventAbandoned",
        objective: Objective::BrokenState(BrokenState {
            events: Events {
                metric: &BILLING_EVENTS,
                matchers: &[Matcher::eq("dataface.outcome", "abandoned")],
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
                "Fix the code path that returned early.",
                BILLING_RECONCILE[0],
                BILLING_RECONCILE[1],
            ],
            rollback: &[
                "If a release introduced the early return, redeploy the previous integrations release.",
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
                "If only telemetry is missing, hand over to observability-platform.",
                BILLING_RECONCILE[0],
                BILLING_RECONCILE[1],
            ],
            rollback: &[],
            escalation: BILLING_ESCALATION,
            user_message: "Billing updates may be delayed. You will not be charged incorrectly.",
        },
    },
    AlertSpec {
        name: "IntegrationsCertificateExpiring",
        objective: Objective::Expiry(Expiry {
            timestamp: &CERTIFICATE_SOONEST_VALID_EXPIRY,
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
            timestamp: &CERTIFICATE_SOONEST_VALID_EXPIRY,
            matchers: &[],
            min_remaining: 3 * 86_400,
        }),
        severity: AlertSeverity::Page,
        owner: INTEGRATIONS_PLATFORM,
        summary: "A custom-domain TLS certificate expires within 3 days.",
        runbook: Runbook {
            meaning: "Within days browsers will refuse the customer's dashboards on their domain.",
            first_checks: &[
                "Which domain (certificate_expiring logs, dataface.domain.certificate spans)?",
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
        // Counted apart from the soonest valid expiry: one lapsed customer certificate is a
        // ticket while it lasts, and hides no other certificate's expiry.
        name: "IntegrationsCertificateExpired",
        objective: Objective::Threshold(Threshold {
            gauge: &CERTIFICATES,
            matchers: &[Matcher::eq("dataface.domain.certificate.state", "expired")],
            max: 0.0,
            for_seconds: 1800,
        }),
        severity: AlertSeverity::Ticket,
        owner: INTEGRATIONS_PLATFORM,
        summary: "A custom-domain TLS certificate has expired.",
        runbook: Runbook {
            meaning: "Browsers refuse the customer's dashboards on their own domain; the default Dataface address still works.",
            first_checks: &[
                "Which domain (certificate_expired error logs, dataface.domain.certificate spans with error.type certificate_expired)?",
                "Does the domain still point at us (dataface.domain.checks outcome mismatch or nxdomain)? Renewal cannot pass DNS validation otherwise.",
            ],
            mitigation: &[
                "If the domain still points at us, renew or reissue the certificate now.",
                "If the customer moved or dropped the domain, tell them and remove the custom domain (its certificate then stops counting).",
            ],
            rollback: &[],
            escalation: PLATFORM_ESCALATION,
            user_message: "Your custom domain's certificate has expired. Your dashboards stay reachable at your default Dataface address; please check that the domain's DNS record still points to Dataface.",
        },
    },
    AlertSpec {
        // The budget counts what integrations-platform controls: a customer's own DNS
        // mistake (mismatch, nxdomain: user-class codes) leaves it and has its own ticket,
        // IntegrationsCustomerDomainsMisconfigured. Every custom domain is checked every few
        // hours: five checks are enough to judge.
        name: "IntegrationsDomainChecksFailing",
        objective: Objective::ErrorRatio(ErrorRatio {
            bad: Events {
                metric: &DOMAIN_CHECKS,
                matchers: &[
                    Matcher::ne("dataface.outcome", "resolved"),
                    Matcher::ne("dataface.outcome", "mismatch"),
                    Matcher::ne("dataface.outcome", "nxdomain"),
                ],
            },
            total: Events {
                metric: &DOMAIN_CHECKS,
                matchers: &[],
            },
            target: 0.9,
            by: &[],
            min_events: 5,
        }),
        severity: AlertSeverity::Ticket,
        owner: INTEGRATIONS_PLATFORM,
        summary: "More than 10% of custom-domain checks fail on our side (TLS, unfinished checks).",
        runbook: Runbook {
            meaning: "Customers' dashboards on their own domains may be unreachable or show certificate errors.",
            first_checks: &[
                "tls_error or abandoned? tls_error is certificate provisioning or our load balancer; abandoned is the checker itself.",
                "Did our ingress or certificate configuration change?",
            ],
            mitigation: &[
                "For tls_error, check certificate provisioning and the load balancer configuration.",
                "For abandoned checks, look at the checker's logs and restart it.",
            ],
            rollback: &["Restore the previous ingress or certificate configuration if it changed."],
            escalation: PLATFORM_ESCALATION,
            user_message: "Some custom domains are not reachable. Your dashboards remain available at your default Dataface address.",
        },
    },
    AlertSpec {
        // Customers' own DNS mistakes: a ticket only, and only when most checked domains are
        // wrong at once (a change of our CNAME target, a mass migration), never for one
        // customer's lapsed domain.
        name: "IntegrationsCustomerDomainsMisconfigured",
        objective: Objective::ErrorRatio(ErrorRatio {
            bad: Events {
                metric: &DOMAIN_CHECKS,
                matchers: &[
                    Matcher::ne("dataface.outcome", "resolved"),
                    Matcher::ne("dataface.outcome", "tls_error"),
                    Matcher::ne("dataface.outcome", "abandoned"),
                ],
            },
            total: Events {
                metric: &DOMAIN_CHECKS,
                matchers: &[],
            },
            target: 0.5,
            by: &[],
            min_events: 5,
        }),
        severity: AlertSeverity::Ticket,
        owner: INTEGRATIONS_PLATFORM,
        summary: "Most custom-domain checks find the customer's DNS pointing elsewhere or gone.",
        runbook: Runbook {
            meaning: "Customers' domains do not point at Dataface: their dashboards are unreachable on those domains. One customer's mistake is theirs to fix; most of them at once suggests our published CNAME target changed.",
            first_checks: &[
                "mismatch or nxdomain? Which domains (dataface.domain.check spans with error.type dns_mismatch or domain_nxdomain)?",
                "Did the CNAME target we publish in the domain settings change recently?",
            ],
            mitigation: &[
                "If our target changed, restore the previous one or keep both until customers have moved.",
                "Otherwise contact the affected customers with the expected CNAME target.",
            ],
            rollback: &["Restore the previously published CNAME target if it changed."],
            escalation: PLATFORM_ESCALATION,
            user_message: "Your custom domain does not point to Dataface. Please set its CNAME record to the target shown in your domain settings; your dashboards remain available at your default Dataface address.",
        },
    },
    AlertSpec {
        name: "IntegrationsFivetranWebhooksSilent",
        objective: Objective::Silence(Silence {
            events: Events {
                metric: &WEBHOOK_DELIVERIES,
                matchers: &[],
            },
            window: 3600,
            min_events: 1,
        }),
        severity: AlertSeverity::Page,
        owner: INTEGRATIONS_PLATFORM,
        summary: "No Fivetran webhook delivery has arrived for an hour.",
        runbook: Runbook {
            meaning: "Fivetran has gone silent (or cannot reach us): syncs finish without notifying Dataface, so dashboards stop refreshing after new data lands.",
            first_checks: &[
                "Is Fivetran reporting an incident on its status page? Are syncs still running in its dashboard?",
                "Can Fivetran reach us: is the webhook endpoint up behind the load balancer, and do its access logs show requests?",
                "Were the webhook registrations changed or deleted in Fivetran?",
            ],
            mitigation: &[
                "If our endpoint is down, restore it; Fivetran redelivers what failed.",
                "If Fivetran is down, trigger refreshes of the affected connectors by hand once it recovers.",
                "If the registrations are gone, register the webhooks again.",
            ],
            rollback: &["If a release or ingress change preceded the silence, redeploy the previous integrations release or ingress configuration."],
            escalation: PLATFORM_ESCALATION,
            user_message: "Dashboards may not refresh automatically after Fivetran syncs. We are looking into it; you can refresh them by hand meanwhile.",
        },
    },
    AlertSpec {
        // One shared outage (a GCP region, the network, a common dependency) breaks
        // deployments, webhooks, billing and domains at once. This alert carries
        // `scope="shared"`: the routing inhibits the downstream integrations, billing and
        // cloud pages while it fires, so one incident pages once.
        name: "IntegrationsSharedInfrastructureOutage",
        objective: Objective::Coincidence(Coincidence {
            signals: &[
                (
                    // Failed, rolled back (a failed health check) or abandoned.
                    "deployments",
                    Events {
                        metric: &DEPLOY_DURATION,
                        matchers: &[Matcher::ne("dataface.outcome", "succeeded")],
                    },
                ),
                (
                    "webhooks",
                    Events {
                        metric: &WEBHOOK_DELIVERIES,
                        matchers: &[Matcher::eq("dataface.outcome", "failed")],
                    },
                ),
                (
                    "billing",
                    Events {
                        metric: &BILLING_ERRORS,
                        matchers: &[Matcher::eq("error.type", "billing_provider_unavailable")],
                    },
                ),
                (
                    "domains",
                    Events {
                        metric: &DOMAIN_CHECKS,
                        matchers: &[Matcher::eq("dataface.outcome", "tls_error")],
                    },
                ),
            ],
            min_signals: 2,
            window: 900,
        }),
        severity: AlertSeverity::Page,
        owner: INTEGRATIONS_PLATFORM,
        summary: "Deployments, webhooks, billing and custom domains fail together: a shared infrastructure outage.",
        runbook: Runbook {
            meaning: "Several independent integrations fail at once, which points at what they share (the GCP region, the network, DNS, a common dependency): users may see failed updates, stale dashboards, delayed billing and unreachable custom domains together. The separate pages of those integrations are held back while this fires.",
            first_checks: &[
                "Which signals fail (the alert's value counts them; the surface's dashboard shows each)?",
                "Does the GCP status page report an incident in our region? Do other GCP services in the project fail?",
                "Did a network, DNS or load-balancer change ship just before?",
            ],
            mitigation: &[
                "Declare an incident and take the incident-commander role or hand it over: one incident, one response.",
                "Fail over to the secondary region if the primary is down; freeze deployments meanwhile.",
                "Once it recovers, check each downstream alert (billing pending, webhook redeliveries) is resolved.",
            ],
            rollback: &["Roll back the network, DNS or load-balancer change if one preceded the failures."],
            escalation: "integrations-platform on-call, then the incident commander at once (several teams are affected).",
            user_message: "Several Dataface integrations are degraded by an infrastructure problem: updates, dashboard refreshes and billing may be delayed. We are working on it and will post updates every 30 minutes.",
        },
    },
];
