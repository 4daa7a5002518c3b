//! The integrations platform's section of the signal catalog (task card 002): deployments,
//! Fivetran webhooks, billing events and custom domains.

use crate::{
    BillingError, BillingEventType, BillingOutcome, CertificateState, DeployOutcome,
    DomainCheckOutcome, Environment, WebhookEvent, WebhookOutcome,
};
use telemetry_core::catalog::{
    owners, AlertSeverity, AlertSpec, AttributeSpec, Events, InstrumentKind, Matcher, MetricSpec,
    Objective, Requirement, Runbook, Section, SpanSpec,
};
use telemetry_core::errors::ERROR_TYPE_ATTR;
use telemetry_core::probe::ABANDONED_ATTR;

const DEPLOY_SECONDS: &[f64] = &[
    1.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 900.0, 1800.0, 3600.0,
];
const LAG_SECONDS: &[f64] = &[
    1.0, 5.0, 15.0, 30.0, 60.0, 300.0, 900.0, 1800.0, 3600.0, 21600.0, 86400.0,
];
const PROCESSING_SECONDS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];
const BILLING_SECONDS: &[f64] = &[
    0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0, 900.0, 3600.0,
];

/// `dataface.deploy.duration`: one sample per deployment, by environment and outcome.
pub const DEPLOY_DURATION: MetricSpec = MetricSpec {
    name: "dataface.deploy.duration",
    kind: InstrumentKind::Histogram,
    unit: "s",
    description: "Time to deploy one release, by environment and outcome; its count is the deployment rate, `rolled_back` the rollbacks.",
    labels: &[Environment::LABEL, DeployOutcome::LABEL],
    buckets: DEPLOY_SECONDS,
    owner: owners::INTEGRATIONS_PLATFORM,
};
/// `dataface.webhook.deliveries`: Fivetran webhook deliveries by event type and outcome.
pub const WEBHOOK_DELIVERIES: MetricSpec = MetricSpec {
    name: "dataface.webhook.deliveries",
    kind: InstrumentKind::Counter,
    unit: "{delivery}",
    description: "Fivetran webhook deliveries received, by event type and outcome.",
    labels: &[WebhookEvent::LABEL, WebhookOutcome::LABEL],
    buckets: &[],
    owner: owners::INTEGRATIONS_PLATFORM,
};
/// `dataface.webhook.lag`: time from a Fivetran event to its receipt.
pub const WEBHOOK_LAG: MetricSpec = MetricSpec {
    name: "dataface.webhook.lag",
    kind: InstrumentKind::Histogram,
    unit: "s",
    description: "Time from a Fivetran event's own timestamp to the receipt of its webhook, by event type (deliveries with a valid signature).",
    labels: &[WebhookEvent::LABEL],
    buckets: LAG_SECONDS,
    owner: owners::INTEGRATIONS_PLATFORM,
};
/// `dataface.webhook.duration`: time to handle one delivery.
pub const WEBHOOK_DURATION: MetricSpec = MetricSpec {
    name: "dataface.webhook.duration",
    kind: InstrumentKind::Histogram,
    unit: "s",
    description: "Time to verify and process one Fivetran webhook delivery, by outcome.",
    labels: &[WebhookOutcome::LABEL],
    buckets: PROCESSING_SECONDS,
    owner: owners::INTEGRATIONS_PLATFORM,
};
/// `dataface.billing.events`: billing events by type and outcome.
pub const BILLING_EVENTS: MetricSpec = MetricSpec {
    name: "dataface.billing.events",
    kind: InstrumentKind::Counter,
    unit: "{event}",
    description: "Billing events handled, by type and outcome; `failed` and `abandoned` are charges not accounted for.",
    labels: &[BillingEventType::LABEL, BillingOutcome::LABEL],
    buckets: &[],
    owner: owners::BILLING,
};
/// `dataface.billing.latency`: receipt to durable record.
pub const BILLING_LATENCY: MetricSpec = MetricSpec {
    name: "dataface.billing.latency",
    kind: InstrumentKind::Histogram,
    unit: "s",
    description: "Time from receiving a billing event to its durable record (recorded and retried events), by type.",
    labels: &[BillingEventType::LABEL],
    buckets: BILLING_SECONDS,
    owner: owners::BILLING,
};
/// `dataface.billing.events.pending`: received, not yet recorded.
pub const BILLING_PENDING: MetricSpec = MetricSpec {
    name: "dataface.billing.events.pending",
    kind: InstrumentKind::Gauge,
    unit: "{event}",
    description: "Billing events received and not yet recorded (in flight, retries included), by type: a charge that is never recorded stays here until it is.",
    labels: &[BillingEventType::LABEL],
    buckets: &[],
    owner: owners::BILLING,
};
/// `dataface.billing.errors`: failed attempts, final failures and abandoned events by code.
pub const BILLING_ERRORS: MetricSpec = MetricSpec {
    name: "dataface.billing.errors",
    kind: InstrumentKind::Counter,
    unit: "{error}",
    description: "Billing errors by type and code: each failed attempt (retried or final) and each event dropped without an outcome (`billing_event_abandoned`).",
    labels: &[BillingEventType::LABEL, BillingError::LABEL],
    buckets: &[],
    owner: owners::BILLING,
};
/// `dataface.domain.checks`: custom-domain checks by outcome.
pub const DOMAIN_CHECKS: MetricSpec = MetricSpec {
    name: "dataface.domain.checks",
    kind: InstrumentKind::Counter,
    unit: "{check}",
    description: "Custom-domain DNS and TLS checks, by outcome (the domain is on the span only).",
    labels: &[DomainCheckOutcome::LABEL],
    buckets: &[],
    owner: owners::INTEGRATIONS_PLATFORM,
};
/// `dataface.domain.certificate.soonest_expiry`: the earliest expiry of the known
/// certificates, in Unix seconds.
pub const CERTIFICATE_SOONEST_EXPIRY: MetricSpec = MetricSpec {
    name: "dataface.domain.certificate.soonest_expiry",
    kind: InstrumentKind::Gauge,
    unit: "s",
    description: "When the first of the observed custom-domain certificates expires, as a Unix time (`+Inf` with none); time left is this minus `time()`.",
    labels: &[],
    buckets: &[],
    owner: owners::INTEGRATIONS_PLATFORM,
};
/// `dataface.domain.certificates`: observed certificates by state.
pub const CERTIFICATES: MetricSpec = MetricSpec {
    name: "dataface.domain.certificates",
    kind: InstrumentKind::Gauge,
    unit: "{certificate}",
    description: "Observed custom-domain certificates by state; `expiring` plus `expired` is the count expiring within 14 days.",
    labels: &[CertificateState::LABEL],
    buckets: &[],
    owner: owners::INTEGRATIONS_PLATFORM,
};

/// `deployment.environment.name`: the environment deployed to.
pub const ENVIRONMENT_ATTR: AttributeSpec = AttributeSpec {
    key: "deployment.environment.name",
    requirement: Requirement::Required,
    description: "The environment (OpenTelemetry semantic convention).",
};
/// `dataface.deploy.release`: the release deployed.
pub const RELEASE_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.deploy.release",
    requirement: Requirement::Required,
    description: "The release deployed (version or image tag).",
};
/// `dataface.deploy.outcome`: how a deployment ended.
pub const DEPLOY_OUTCOME_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.deploy.outcome",
    requirement: Requirement::Required,
    description: "How the deployment ended.",
};
/// `dataface.deploy.rollback_to`: the release rolled back to.
pub const ROLLBACK_TO_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.deploy.rollback_to",
    requirement: Requirement::ConditionallyRequired,
    description: "The release rolled back to, when the deployment was rolled back.",
};
/// `dataface.webhook.outcome`: how a delivery ended.
pub const WEBHOOK_OUTCOME_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.webhook.outcome",
    requirement: Requirement::Required,
    description: "How the delivery ended.",
};
/// `dataface.webhook.event_type`: a delivery's event type.
pub const EVENT_TYPE_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.webhook.event_type",
    requirement: Requirement::ConditionallyRequired,
    description: "The event type, when the payload was read.",
};
/// `dataface.fivetran.connector.id`: the connector a delivery concerns.
pub const CONNECTOR_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.fivetran.connector.id",
    requirement: Requirement::ConditionallyRequired,
    description: "The Fivetran connector, when the payload was read.",
};
/// `dataface.webhook.lag`: from the event's own time to its receipt.
pub const LAG_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.webhook.lag",
    requirement: Requirement::ConditionallyRequired,
    description: "Seconds from the event's own time to its receipt (negative on clock skew), when the payload was read.",
};
/// `dataface.billing.event_type`: the billing event type.
pub const BILLING_TYPE_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.billing.event_type",
    requirement: Requirement::Required,
    description: "The billing event type.",
};
/// `dataface.billing.event.id`: the provider's event id.
pub const BILLING_EVENT_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.billing.event.id",
    requirement: Requirement::Required,
    description: "The provider's event id (spans and logs only).",
};
/// `dataface.billing.outcome`: how a billing event ended.
pub const BILLING_OUTCOME_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.billing.outcome",
    requirement: Requirement::Required,
    description: "How the billing event ended.",
};
/// `dataface.billing.attempts`: attempts made to record a billing event.
pub const ATTEMPTS_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.billing.attempts",
    requirement: Requirement::Required,
    description: "Attempts made to record the event.",
};
/// `dataface.domain.name`: the custom domain.
pub const DOMAIN_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.domain.name",
    requirement: Requirement::Required,
    description: "The custom domain (spans and logs only, never a metric label).",
};
/// `dataface.domain.check.outcome`: how a domain check ended.
pub const CHECK_OUTCOME_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.domain.check.outcome",
    requirement: Requirement::Required,
    description: "How the check ended.",
};
/// `dataface.domain.certificate.not_after`: a certificate's expiry.
pub const NOT_AFTER_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.domain.certificate.not_after",
    requirement: Requirement::Required,
    description: "The certificate's expiry, as a Unix time in seconds.",
};
/// `dataface.domain.certificate.days_left`: whole days until a certificate's expiry.
pub const DAYS_LEFT_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.domain.certificate.days_left",
    requirement: Requirement::Required,
    description: "Whole days until expiry (negative once expired).",
};

/// `dataface.deploy`: one deployment.
pub const DEPLOY_SPAN: SpanSpec = SpanSpec {
    name: "dataface.deploy",
    description: "Deploying one release to one environment.",
    attributes: &[
        ENVIRONMENT_ATTR,
        RELEASE_ATTR,
        DEPLOY_OUTCOME_ATTR,
        ROLLBACK_TO_ATTR,
        ERROR_TYPE_ATTR,
        ABANDONED_ATTR,
    ],
    owner: owners::INTEGRATIONS_PLATFORM,
};
/// `dataface.webhook.receive`: one webhook delivery.
pub const WEBHOOK_SPAN: SpanSpec = SpanSpec {
    name: "dataface.webhook.receive",
    description: "Receiving, verifying and processing one Fivetran webhook delivery.",
    attributes: &[
        WEBHOOK_OUTCOME_ATTR,
        EVENT_TYPE_ATTR,
        CONNECTOR_ATTR,
        LAG_ATTR,
        ERROR_TYPE_ATTR,
        ABANDONED_ATTR,
    ],
    owner: owners::INTEGRATIONS_PLATFORM,
};
/// `dataface.billing.record`: one billing event.
pub const BILLING_SPAN: SpanSpec = SpanSpec {
    name: "dataface.billing.record",
    description: "One billing event from its receipt to its durable record; failed attempts are warning events inside it.",
    attributes: &[
        BILLING_TYPE_ATTR,
        BILLING_EVENT_ATTR,
        BILLING_OUTCOME_ATTR,
        ATTEMPTS_ATTR,
        ERROR_TYPE_ATTR,
        ABANDONED_ATTR,
    ],
    owner: owners::BILLING,
};
/// `dataface.domain.check`: one custom-domain check.
pub const DOMAIN_CHECK_SPAN: SpanSpec = SpanSpec {
    name: "dataface.domain.check",
    description: "Checking one custom domain's DNS and TLS.",
    attributes: &[
        DOMAIN_ATTR,
        CHECK_OUTCOME_ATTR,
        ERROR_TYPE_ATTR,
        ABANDONED_ATTR,
    ],
    owner: owners::INTEGRATIONS_PLATFORM,
};
/// `dataface.domain.certificate`: one certificate observation.
pub const CERTIFICATE_SPAN: SpanSpec = SpanSpec {
    name: "dataface.domain.certificate",
    description: "One observation of a custom domain's TLS certificate (an instant).",
    attributes: &[
        DOMAIN_ATTR,
        NOT_AFTER_ATTR,
        DAYS_LEFT_ATTR,
        AttributeSpec {
            description: "`certificate_expiring` within 14 days (status unset), `certificate_expired` once expired (status error).",
            ..ERROR_TYPE_ATTR
        },
    ],
    owner: owners::INTEGRATIONS_PLATFORM,
};

/// The integrations platform's spans.
pub const SPANS: &[SpanSpec] = &[
    DEPLOY_SPAN,
    WEBHOOK_SPAN,
    BILLING_SPAN,
    DOMAIN_CHECK_SPAN,
    CERTIFICATE_SPAN,
];

/// Every error code of the section: deployments, webhooks, billing, then domains.
pub use crate::ERROR_CODES;

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
        objective: Objective::ErrorRatio {
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
        },
        severity: AlertSeverity::Page,
        owner: owners::INTEGRATIONS_PLATFORM,
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
        objective: Objective::ErrorRatio {
            bad: Events {
                metric: &WEBHOOK_DELIVERIES,
                matchers: &[Matcher::eq("outcome", "invalid_signature")],
            },
            total: Events {
                metric: &WEBHOOK_DELIVERIES,
                matchers: &[],
            },
            target: 0.99,
        },
        severity: AlertSeverity::Page,
        owner: owners::INTEGRATIONS_PLATFORM,
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
        objective: Objective::ErrorRatio {
            bad: Events {
                metric: &WEBHOOK_DELIVERIES,
                matchers: &[Matcher::eq("outcome", "failed")],
            },
            total: Events {
                metric: &WEBHOOK_DELIVERIES,
                matchers: &[],
            },
            target: 0.99,
        },
        severity: AlertSeverity::Ticket,
        owner: owners::INTEGRATIONS_PLATFORM,
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
        objective: Objective::Latency {
            histogram: &WEBHOOK_LAG,
            matchers: &[],
            threshold: 300.0,
            target: 0.95,
        },
        severity: AlertSeverity::Ticket,
        owner: owners::INTEGRATIONS_PLATFORM,
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
        objective: Objective::Threshold {
            gauge: &BILLING_PENDING,
            matchers: &[],
            max: 0.0,
            for_seconds: 1800,
        },
        severity: AlertSeverity::Page,
        owner: owners::BILLING,
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
        objective: Objective::BrokenState {
            events: Events {
                metric: &BILLING_EVENTS,
                matchers: &[Matcher::eq("outcome", "failed")],
            },
            window: 900,
        },
        severity: AlertSeverity::Page,
        owner: owners::BILLING,
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
        objective: Objective::BrokenState {
            events: Events {
                metric: &BILLING_EVENTS,
                matchers: &[Matcher::eq("outcome", "abandoned")],
            },
            window: 900,
        },
        severity: AlertSeverity::Page,
        owner: owners::BILLING,
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
        objective: Objective::Latency {
            histogram: &BILLING_LATENCY,
            matchers: &[],
            threshold: 60.0,
            target: 0.99,
        },
        severity: AlertSeverity::Ticket,
        owner: owners::BILLING,
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
        objective: Objective::Absence {
            metric: &BILLING_PENDING,
            matchers: &[],
            for_seconds: 900,
        },
        severity: AlertSeverity::Page,
        owner: owners::BILLING,
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
        objective: Objective::Expiry {
            timestamp: &CERTIFICATE_SOONEST_EXPIRY,
            matchers: &[],
            min_remaining: 14 * 86_400,
        },
        severity: AlertSeverity::Ticket,
        owner: owners::INTEGRATIONS_PLATFORM,
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
        objective: Objective::Expiry {
            timestamp: &CERTIFICATE_SOONEST_EXPIRY,
            matchers: &[],
            min_remaining: 3 * 86_400,
        },
        severity: AlertSeverity::Page,
        owner: owners::INTEGRATIONS_PLATFORM,
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
        objective: Objective::Absence {
            metric: &CERTIFICATE_SOONEST_EXPIRY,
            matchers: &[],
            for_seconds: 3600,
        },
        severity: AlertSeverity::Ticket,
        owner: owners::INTEGRATIONS_PLATFORM,
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
        objective: Objective::ErrorRatio {
            bad: Events {
                metric: &DOMAIN_CHECKS,
                matchers: &[Matcher::ne("outcome", "resolved")],
            },
            total: Events {
                metric: &DOMAIN_CHECKS,
                matchers: &[],
            },
            target: 0.9,
        },
        severity: AlertSeverity::Ticket,
        owner: owners::INTEGRATIONS_PLATFORM,
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

/// The integrations platform's section of the catalog.
pub static SECTION: Section = Section {
    surface: "integrations",
    metrics: &[
        DEPLOY_DURATION,
        WEBHOOK_DELIVERIES,
        WEBHOOK_LAG,
        WEBHOOK_DURATION,
        BILLING_EVENTS,
        BILLING_LATENCY,
        BILLING_PENDING,
        BILLING_ERRORS,
        DOMAIN_CHECKS,
        CERTIFICATE_SOONEST_EXPIRY,
        CERTIFICATES,
    ],
    spans: SPANS,
    error_codes: ERROR_CODES,
    alerts: ALERTS,
};

/// The integrations section alone, with telemetry-core's, as a catalog (for tests and tools).
pub static CATALOG: telemetry_core::catalog::Catalog = telemetry_core::catalog::Catalog {
    version: "1.0.0",
    sections: &[&telemetry_core::catalog::CORE_SECTION, &SECTION],
};
