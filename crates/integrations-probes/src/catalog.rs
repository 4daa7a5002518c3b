//! The integrations platform's section of the signal catalog (task card 002): deployments,
//! Fivetran webhooks, billing events and custom domains.

use crate::{
    BillingError, BillingEventType, BillingOutcome, CertificateState, DeployError, DeployOutcome,
    DomainCheckOutcome, DomainError, Environment, WebhookError, WebhookEvent, WebhookOutcome,
};
use telemetry_core::catalog::{
    AttributeSpec, ErrorCodeSpec, InstrumentKind, LabelSpec, MetricSpec, Owner, Requirement,
    Section, SpanSpec,
};

/// Deployments, webhooks and custom domains.
pub const INTEGRATIONS_PLATFORM: Owner = Owner {
    id: "integrations-platform",
    description: "GCP deployments, Fivetran webhooks, custom domains and TLS",
};

/// Charges that fail to record.
pub const BILLING: Owner = Owner {
    id: "billing",
    description: "Billing events and charges that must never be lost",
};

const ENVIRONMENT: LabelSpec = LabelSpec::enumerated(
    "environment",
    "Deployment environment (declared environments, else `other`).",
    Environment::VALUES,
);
const DEPLOY_OUTCOME: LabelSpec = LabelSpec::enumerated(
    "outcome",
    "How the deployment ended.",
    DeployOutcome::VALUES,
);
const WEBHOOK_EVENT: LabelSpec = LabelSpec::enumerated(
    "event_type",
    "Fivetran webhook event type (`other`: undeclared type; `unread`: payload never read).",
    WebhookEvent::VALUES,
);
const WEBHOOK_OUTCOME: LabelSpec =
    LabelSpec::enumerated("outcome", "How the delivery ended.", WebhookOutcome::VALUES);
const BILLING_TYPE: LabelSpec = LabelSpec::enumerated(
    "event_type",
    "Billing event type.",
    BillingEventType::VALUES,
);
const BILLING_OUTCOME: LabelSpec = LabelSpec::enumerated(
    "outcome",
    "How the billing event ended (`retried`: recorded after failed attempts).",
    BillingOutcome::VALUES,
);
const BILLING_ERROR: LabelSpec =
    LabelSpec::enumerated("error.type", "The billing error code.", BillingError::CODES);
const CHECK_OUTCOME: LabelSpec = LabelSpec::enumerated(
    "outcome",
    "How the domain check ended.",
    DomainCheckOutcome::VALUES,
);
const CERT_STATE: LabelSpec = LabelSpec::enumerated(
    "state",
    "Where the certificate stands: `expiring` within 14 days, `expired`, else `valid`.",
    CertificateState::VALUES,
);

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
    labels: &[ENVIRONMENT, DEPLOY_OUTCOME],
    buckets: DEPLOY_SECONDS,
    owner: INTEGRATIONS_PLATFORM,
};
/// `dataface.webhook.deliveries`: Fivetran webhook deliveries by event type and outcome.
pub const WEBHOOK_DELIVERIES: MetricSpec = MetricSpec {
    name: "dataface.webhook.deliveries",
    kind: InstrumentKind::Counter,
    unit: "{delivery}",
    description: "Fivetran webhook deliveries received, by event type and outcome.",
    labels: &[WEBHOOK_EVENT, WEBHOOK_OUTCOME],
    buckets: &[],
    owner: INTEGRATIONS_PLATFORM,
};
/// `dataface.webhook.lag`: time from a Fivetran event to its receipt.
pub const WEBHOOK_LAG: MetricSpec = MetricSpec {
    name: "dataface.webhook.lag",
    kind: InstrumentKind::Histogram,
    unit: "s",
    description: "Time from a Fivetran event's own timestamp to the receipt of its webhook, by event type (deliveries with a valid signature).",
    labels: &[WEBHOOK_EVENT],
    buckets: LAG_SECONDS,
    owner: INTEGRATIONS_PLATFORM,
};
/// `dataface.webhook.duration`: time to handle one delivery.
pub const WEBHOOK_DURATION: MetricSpec = MetricSpec {
    name: "dataface.webhook.duration",
    kind: InstrumentKind::Histogram,
    unit: "s",
    description: "Time to verify and process one Fivetran webhook delivery, by outcome.",
    labels: &[WEBHOOK_OUTCOME],
    buckets: PROCESSING_SECONDS,
    owner: INTEGRATIONS_PLATFORM,
};
/// `dataface.billing.events`: billing events by type and outcome.
pub const BILLING_EVENTS: MetricSpec = MetricSpec {
    name: "dataface.billing.events",
    kind: InstrumentKind::Counter,
    unit: "{event}",
    description: "Billing events handled, by type and outcome; `failed` and `abandoned` are charges not accounted for.",
    labels: &[BILLING_TYPE, BILLING_OUTCOME],
    buckets: &[],
    owner: BILLING,
};
/// `dataface.billing.latency`: receipt to durable record.
pub const BILLING_LATENCY: MetricSpec = MetricSpec {
    name: "dataface.billing.latency",
    kind: InstrumentKind::Histogram,
    unit: "s",
    description: "Time from receiving a billing event to its durable record (recorded and retried events), by type.",
    labels: &[BILLING_TYPE],
    buckets: BILLING_SECONDS,
    owner: BILLING,
};
/// `dataface.billing.events.pending`: received, not yet recorded.
pub const BILLING_PENDING: MetricSpec = MetricSpec {
    name: "dataface.billing.events.pending",
    kind: InstrumentKind::Gauge,
    unit: "{event}",
    description: "Billing events received and not yet recorded (in flight, retries included), by type: a charge that is never recorded stays here until it is.",
    labels: &[BILLING_TYPE],
    buckets: &[],
    owner: BILLING,
};
/// `dataface.billing.errors`: failed attempts, final failures and abandoned events by code.
pub const BILLING_ERRORS: MetricSpec = MetricSpec {
    name: "dataface.billing.errors",
    kind: InstrumentKind::Counter,
    unit: "{error}",
    description: "Billing errors by type and code: each failed attempt (retried or final) and each event dropped without an outcome (`billing_event_abandoned`).",
    labels: &[BILLING_TYPE, BILLING_ERROR],
    buckets: &[],
    owner: BILLING,
};
/// `dataface.domain.checks`: custom-domain checks by outcome.
pub const DOMAIN_CHECKS: MetricSpec = MetricSpec {
    name: "dataface.domain.checks",
    kind: InstrumentKind::Counter,
    unit: "{check}",
    description: "Custom-domain DNS and TLS checks, by outcome (the domain is on the span only).",
    labels: &[CHECK_OUTCOME],
    buckets: &[],
    owner: INTEGRATIONS_PLATFORM,
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
    owner: INTEGRATIONS_PLATFORM,
};
/// `dataface.domain.certificates`: observed certificates by state.
pub const CERTIFICATES: MetricSpec = MetricSpec {
    name: "dataface.domain.certificates",
    kind: InstrumentKind::Gauge,
    unit: "{certificate}",
    description: "Observed custom-domain certificates by state; `expiring` plus `expired` is the count expiring within 14 days.",
    labels: &[CERT_STATE],
    buckets: &[],
    owner: INTEGRATIONS_PLATFORM,
};

const ERROR_ATTR: AttributeSpec = AttributeSpec {
    key: "error.type",
    requirement: Requirement::ConditionallyRequired,
    description: "The error code, when the operation failed.",
};
const ABANDONED_ATTR: AttributeSpec = AttributeSpec {
    key: telemetry_core::probe::ABANDONED,
    requirement: Requirement::ConditionallyRequired,
    description: "True when the operation's guard was dropped without an outcome.",
};
const DOMAIN_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.domain.name",
    requirement: Requirement::Required,
    description: "The custom domain (spans and logs only, never a metric label).",
};

/// The integrations platform's spans.
pub const SPANS: &[SpanSpec] = &[
    SpanSpec {
        name: "dataface.deploy",
        description: "Deploying one release to one environment.",
        attributes: &[
            AttributeSpec {
                key: "deployment.environment.name",
                requirement: Requirement::Required,
                description: "The environment (OpenTelemetry semantic convention).",
            },
            AttributeSpec {
                key: "dataface.deploy.release",
                requirement: Requirement::Required,
                description: "The release deployed (version or image tag).",
            },
            AttributeSpec {
                key: "dataface.deploy.outcome",
                requirement: Requirement::Required,
                description: "How the deployment ended.",
            },
            AttributeSpec {
                key: "dataface.deploy.rollback_to",
                requirement: Requirement::ConditionallyRequired,
                description: "The release rolled back to, when the deployment was rolled back.",
            },
            ERROR_ATTR,
            ABANDONED_ATTR,
        ],
        owner: INTEGRATIONS_PLATFORM,
    },
    SpanSpec {
        name: "dataface.webhook.receive",
        description: "Receiving, verifying and processing one Fivetran webhook delivery.",
        attributes: &[
            AttributeSpec {
                key: "dataface.webhook.outcome",
                requirement: Requirement::Required,
                description: "How the delivery ended.",
            },
            AttributeSpec {
                key: "dataface.webhook.event_type",
                requirement: Requirement::ConditionallyRequired,
                description: "The event type, when the payload was read.",
            },
            AttributeSpec {
                key: "dataface.fivetran.connector.id",
                requirement: Requirement::ConditionallyRequired,
                description: "The Fivetran connector, when the payload was read.",
            },
            AttributeSpec {
                key: "dataface.webhook.lag",
                requirement: Requirement::ConditionallyRequired,
                description: "Seconds from the event's own time to its receipt (negative on clock skew), when the payload was read.",
            },
            ERROR_ATTR,
            ABANDONED_ATTR,
        ],
        owner: INTEGRATIONS_PLATFORM,
    },
    SpanSpec {
        name: "dataface.billing.record",
        description: "One billing event from its receipt to its durable record; failed attempts are warning events inside it.",
        attributes: &[
            AttributeSpec {
                key: "dataface.billing.event_type",
                requirement: Requirement::Required,
                description: "The billing event type.",
            },
            AttributeSpec {
                key: "dataface.billing.event.id",
                requirement: Requirement::Required,
                description: "The provider's event id (spans and logs only).",
            },
            AttributeSpec {
                key: "dataface.billing.outcome",
                requirement: Requirement::Required,
                description: "How the billing event ended.",
            },
            AttributeSpec {
                key: "dataface.billing.attempts",
                requirement: Requirement::Required,
                description: "Attempts made to record the event.",
            },
            ERROR_ATTR,
            ABANDONED_ATTR,
        ],
        owner: BILLING,
    },
    SpanSpec {
        name: "dataface.domain.check",
        description: "Checking one custom domain's DNS and TLS.",
        attributes: &[
            DOMAIN_ATTR,
            AttributeSpec {
                key: "dataface.domain.check.outcome",
                requirement: Requirement::Required,
                description: "How the check ended.",
            },
            ERROR_ATTR,
            ABANDONED_ATTR,
        ],
        owner: INTEGRATIONS_PLATFORM,
    },
    SpanSpec {
        name: "dataface.domain.certificate",
        description: "One observation of a custom domain's TLS certificate (an instant).",
        attributes: &[
            DOMAIN_ATTR,
            AttributeSpec {
                key: "dataface.domain.certificate.not_after",
                requirement: Requirement::Required,
                description: "The certificate's expiry, as a Unix time in seconds.",
            },
            AttributeSpec {
                key: "dataface.domain.certificate.days_left",
                requirement: Requirement::Required,
                description: "Whole days until expiry (negative once expired).",
            },
            AttributeSpec {
                key: "error.type",
                requirement: Requirement::ConditionallyRequired,
                description: "`certificate_expiring` within 14 days (status unset), `certificate_expired` once expired (status error).",
            },
        ],
        owner: INTEGRATIONS_PLATFORM,
    },
];

const CODES: usize = DeployError::SPECS.len()
    + WebhookError::SPECS.len()
    + BillingError::SPECS.len()
    + DomainError::SPECS.len();

const fn concat<const N: usize>(parts: &[&[ErrorCodeSpec]]) -> [ErrorCodeSpec; N] {
    let mut out = [parts[0][0]; N];
    let (mut k, mut i) = (0, 0);
    while k < parts.len() {
        let mut j = 0;
        while j < parts[k].len() {
            out[i] = parts[k][j];
            i += 1;
            j += 1;
        }
        k += 1;
    }
    assert!(i == N, "every error code is listed once");
    out
}

/// Every error code of the section: deployments, webhooks, billing, then domains.
pub static ERROR_CODES: [ErrorCodeSpec; CODES] = concat(&[
    DeployError::SPECS,
    WebhookError::SPECS,
    BillingError::SPECS,
    DomainError::SPECS,
]);

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
    error_codes: &ERROR_CODES,
    owners: &[INTEGRATIONS_PLATFORM, BILLING],
};

/// The integrations section alone, with telemetry-core's, as a catalog (for tests and tools).
pub static CATALOG: telemetry_core::catalog::Catalog = telemetry_core::catalog::Catalog {
    version: "1.0.0",
    sections: &[&telemetry_core::signals::CORE_SECTION, &SECTION],
};
