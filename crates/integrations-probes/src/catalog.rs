//! The integrations platform's section of the signal catalog (task card 002): deployments,
//! Fivetran webhooks, billing events and custom domains.

use crate::{
    BillingError, BillingEventType, BillingOutcome, CertificateState, DeployOutcome,
    DomainCheckOutcome, Environment, WebhookEvent, WebhookOutcome,
};
use telemetry_core::catalog::{
    AttributeSpec, AttributeType, EventSpec, InstrumentKind, MetricSpec, Owner, Requirement,
    Section, SeriesBudget, SpanSpec,
};
use telemetry_core::errors::ERROR_TYPE_ATTR;
use telemetry_core::probe::ABANDONED_ATTR;

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
    owner: INTEGRATIONS_PLATFORM,
};
/// `dataface.webhook.deliveries`: Fivetran webhook deliveries by event type and outcome.
pub const WEBHOOK_DELIVERIES: MetricSpec = MetricSpec {
    name: "dataface.webhook.deliveries",
    kind: InstrumentKind::Counter,
    unit: "{delivery}",
    description: "Fivetran webhook deliveries received, by event type and outcome.",
    labels: &[WebhookEvent::LABEL, WebhookOutcome::LABEL],
    buckets: &[],
    owner: INTEGRATIONS_PLATFORM,
};
/// `dataface.webhook.lag`: time from a Fivetran event to its receipt.
pub const WEBHOOK_LAG: MetricSpec = MetricSpec {
    name: "dataface.webhook.lag",
    kind: InstrumentKind::Histogram,
    unit: "s",
    description: "Time from a Fivetran event's own timestamp to the receipt of its webhook, by event type (deliveries with a valid signature).",
    labels: &[WebhookEvent::LABEL],
    buckets: LAG_SECONDS,
    owner: INTEGRATIONS_PLATFORM,
};
/// `dataface.webhook.duration`: time to handle one delivery.
pub const WEBHOOK_DURATION: MetricSpec = MetricSpec {
    name: "dataface.webhook.duration",
    kind: InstrumentKind::Histogram,
    unit: "s",
    description: "Time to verify and process one Fivetran webhook delivery, by outcome.",
    labels: &[WebhookOutcome::LABEL.zero_init(&[])],
    buckets: PROCESSING_SECONDS,
    owner: INTEGRATIONS_PLATFORM,
};
/// `dataface.billing.events.handled`: billing events by type and outcome.
pub const BILLING_EVENTS: MetricSpec = MetricSpec {
    name: "dataface.billing.events.handled",
    kind: InstrumentKind::Counter,
    unit: "{event}",
    description: "Billing events handled, by type and outcome; `failed` and `abandoned` are charges not accounted for.",
    labels: &[BillingEventType::LABEL, BillingOutcome::LABEL],
    buckets: &[],
    owner: BILLING,
};
/// `dataface.billing.latency`: receipt to durable record.
pub const BILLING_LATENCY: MetricSpec = MetricSpec {
    name: "dataface.billing.latency",
    kind: InstrumentKind::Histogram,
    unit: "s",
    description: "Time from receiving a billing event to its durable record (recorded and retried events), by type.",
    labels: &[BillingEventType::LABEL],
    buckets: BILLING_SECONDS,
    owner: BILLING,
};
/// `dataface.billing.events.pending`: received, not yet recorded.
pub const BILLING_PENDING: MetricSpec = MetricSpec {
    name: "dataface.billing.events.pending",
    kind: InstrumentKind::Gauge,
    unit: "{event}",
    description: "Billing events received and not yet recorded (in flight, retries included), by type: a charge that is never recorded stays here until it is.",
    labels: &[BillingEventType::LABEL],
    buckets: &[],
    owner: BILLING,
};
/// `dataface.billing.events.oldest_pending`: when the oldest billing event still pending was
/// received (Unix seconds; 0 when none is pending).
pub const BILLING_OLDEST_PENDING: MetricSpec = MetricSpec {
    name: "dataface.billing.events.oldest_pending",
    kind: InstrumentKind::Gauge,
    unit: "s",
    description: "Unix time at which the oldest billing event still pending (received, not yet recorded, failed or dropped) was received, by type, 0 when none is pending: `time() - metric` (where metric > 0) is how long it has waited.",
    labels: &[BillingEventType::LABEL],
    buckets: &[],
    owner: BILLING,
};
/// `dataface.billing.errors`: failed attempts, final failures and abandoned events by code.
pub const BILLING_ERRORS: MetricSpec = MetricSpec {
    name: "dataface.billing.errors",
    kind: InstrumentKind::Counter,
    unit: "{error}",
    description: "Billing errors by type and code: each failed attempt (retried or final) and each event dropped without an outcome (`billing_event_abandoned`).",
    labels: &[BillingEventType::LABEL, BillingError::LABEL],
    buckets: &[],
    owner: BILLING,
};
/// `dataface.domain.checks`: custom-domain checks by outcome.
pub const DOMAIN_CHECKS: MetricSpec = MetricSpec {
    name: "dataface.domain.checks",
    kind: InstrumentKind::Counter,
    unit: "{check}",
    description: "Custom-domain DNS and TLS checks, by outcome (the domain is on the span only).",
    labels: &[DomainCheckOutcome::LABEL],
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
/// `dataface.domain.certificate.soonest_valid_expiry`: the earliest expiry of the known
/// certificates that have not expired yet, in Unix seconds.
pub const CERTIFICATE_SOONEST_VALID_EXPIRY: MetricSpec = MetricSpec {
    name: "dataface.domain.certificate.soonest_valid_expiry",
    kind: InstrumentKind::Gauge,
    unit: "s",
    description: "When the first of the observed custom-domain certificates that has not expired yet expires, as a Unix time (`+Inf` with none); time left is this minus `time()`. Expired certificates count in `dataface.domain.certificates` (`dataface_domain_certificate_state=\"expired\"`) only, so a lapsed one hides no other.",
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
    labels: &[CertificateState::LABEL],
    buckets: &[],
    owner: INTEGRATIONS_PLATFORM,
};

/// `deployment.environment.name`: the environment deployed to.
pub const ENVIRONMENT_ATTR: AttributeSpec = AttributeSpec {
    key: "deployment.environment.name",
    requirement: Requirement::Required,
    value_type: AttributeType::String {
        example: "production",
    },
    description: "The environment (OpenTelemetry semantic convention).",
};
/// `dataface.deploy.release`: the release deployed.
pub const RELEASE_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.deploy.release",
    requirement: Requirement::Required,
    value_type: AttributeType::String {
        example: "2026.11.3",
    },
    description: "The release deployed (version or image tag).",
};
/// `dataface.deploy.outcome`: how a deployment ended.
pub const DEPLOY_OUTCOME_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.deploy.outcome",
    requirement: Requirement::Required,
    value_type: AttributeType::Enum(DeployOutcome::VALUES),
    description: "How the deployment ended.",
};
/// `dataface.deploy.rollback_to`: the release rolled back to.
pub const ROLLBACK_TO_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.deploy.rollback_to",
    requirement: Requirement::ConditionallyRequired,
    value_type: AttributeType::String {
        example: "2026.11.2",
    },
    description: "The release rolled back to, when the deployment was rolled back.",
};
/// `dataface.webhook.outcome`: how a delivery ended.
pub const WEBHOOK_OUTCOME_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.webhook.outcome",
    requirement: Requirement::Required,
    value_type: AttributeType::Enum(WebhookOutcome::VALUES),
    description: "How the delivery ended.",
};
/// `dataface.webhook.event_type`: a delivery's event type.
pub const EVENT_TYPE_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.webhook.event_type",
    requirement: Requirement::ConditionallyRequired,
    value_type: AttributeType::Enum(WebhookEvent::VALUES),
    description: "The event type, when the payload was read.",
};
/// `dataface.fivetran.connector.id`: the connector a delivery concerns.
pub const CONNECTOR_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.fivetran.connector.id",
    requirement: Requirement::ConditionallyRequired,
    value_type: AttributeType::String {
        example: "connector_abc123",
    },
    description: "The Fivetran connector, when the payload was read.",
};
/// `dataface.webhook.lag`: from the event's own time to its receipt.
pub const LAG_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.webhook.lag",
    requirement: Requirement::ConditionallyRequired,
    value_type: AttributeType::Double,
    description: "Seconds from the event's own time to its receipt (negative on clock skew), when the payload was read.",
};
/// `dataface.billing.event_type`: the billing event type.
pub const BILLING_TYPE_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.billing.event_type",
    requirement: Requirement::Required,
    value_type: AttributeType::Enum(BillingEventType::VALUES),
    description: "The billing event type.",
};
/// `dataface.billing.event.id`: the provider's event id.
pub const BILLING_EVENT_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.billing.event.id",
    requirement: Requirement::Required,
    value_type: AttributeType::String {
        example: "evt_1Nq2",
    },
    description: "The provider's event id (spans and logs only).",
};
/// `dataface.billing.outcome`: how a billing event ended.
pub const BILLING_OUTCOME_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.billing.outcome",
    requirement: Requirement::Required,
    value_type: AttributeType::Enum(BillingOutcome::VALUES),
    description: "How the billing event ended.",
};
/// `dataface.billing.attempts`: attempts made to record a billing event.
pub const ATTEMPTS_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.billing.attempts",
    requirement: Requirement::Required,
    value_type: AttributeType::Int,
    description: "Attempts made to record the event.",
};
/// `dataface.domain.name`: the custom domain.
pub const DOMAIN_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.domain.name",
    requirement: Requirement::Required,
    value_type: AttributeType::String {
        example: "dashboards.example.com",
    },
    description: "The custom domain (spans and logs only, never a metric label).",
};
/// `dataface.domain.check.outcome`: how a domain check ended.
pub const CHECK_OUTCOME_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.domain.check.outcome",
    requirement: Requirement::Required,
    value_type: AttributeType::Enum(DomainCheckOutcome::VALUES),
    description: "How the check ended.",
};
/// `dataface.domain.certificate.not_after`: a certificate's expiry.
pub const NOT_AFTER_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.domain.certificate.not_after",
    requirement: Requirement::Required,
    value_type: AttributeType::Int,
    description: "The certificate's expiry, as a Unix time in seconds.",
};
/// `dataface.domain.certificate.days_left`: whole days until a certificate's expiry.
pub const DAYS_LEFT_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.domain.certificate.days_left",
    requirement: Requirement::Required,
    value_type: AttributeType::Int,
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
    owner: INTEGRATIONS_PLATFORM,
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
    owner: INTEGRATIONS_PLATFORM,
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
    owner: BILLING,
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
    owner: INTEGRATIONS_PLATFORM,
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
    owner: INTEGRATIONS_PLATFORM,
};

/// The integrations platform's spans.
pub const SPANS: &[SpanSpec] = &[
    DEPLOY_SPAN,
    WEBHOOK_SPAN,
    BILLING_SPAN,
    DOMAIN_CHECK_SPAN,
    CERTIFICATE_SPAN,
];

pub use crate::ERROR_CODES;

/// `dataface.billing.attempt`: the number of a failed attempt to record a billing event.
pub const ATTEMPT_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.billing.attempt",
    requirement: Requirement::Required,
    description: "Which attempt failed (1 for the first).",
    value_type: AttributeType::Int,
};

/// `dataface.domain.certificate.expiring`: a certificate expires within 14 days.
pub const CERTIFICATE_EXPIRING_EVENT: EventSpec = EventSpec {
    name: "dataface.domain.certificate.expiring",
    description: "A custom domain's certificate expires within 14 days (WARN).",
    attributes: &[DOMAIN_ATTR, DAYS_LEFT_ATTR, ERROR_TYPE_ATTR],
    owner: INTEGRATIONS_PLATFORM,
};
/// `dataface.domain.certificate.expired`: a certificate has expired.
pub const CERTIFICATE_EXPIRED_EVENT: EventSpec = EventSpec {
    name: "dataface.domain.certificate.expired",
    description: "A custom domain's certificate has expired (ERROR).",
    attributes: &[DOMAIN_ATTR, DAYS_LEFT_ATTR, ERROR_TYPE_ATTR],
    owner: INTEGRATIONS_PLATFORM,
};
/// `dataface.billing.attempt.failed`: an attempt to record a billing event failed and is retried.
pub const BILLING_RETRY_EVENT: EventSpec = EventSpec {
    name: "dataface.billing.attempt.failed",
    description: "An attempt to record a billing event failed; it is retried (WARN).",
    attributes: &[ERROR_TYPE_ATTR, ATTEMPT_ATTR],
    owner: BILLING,
};
/// `dataface.billing.event.failed`: a billing event was given up on.
pub const BILLING_FAILED_EVENT: EventSpec = EventSpec {
    name: "dataface.billing.event.failed",
    description: "A billing event was not recorded: given up after its attempts (ERROR).",
    attributes: &[ERROR_TYPE_ATTR, ATTEMPTS_ATTR],
    owner: BILLING,
};
/// `dataface.billing.event.abandoned`: a billing event's guard was dropped without an outcome.
pub const BILLING_ABANDONED_EVENT: EventSpec = EventSpec {
    name: "dataface.billing.event.abandoned",
    description: "A billing event was dropped without an outcome: it may be lost (ERROR).",
    attributes: &[ERROR_TYPE_ATTR],
    owner: BILLING,
};

/// The integrations surface's log events.
pub const EVENTS: &[EventSpec] = &[
    CERTIFICATE_EXPIRING_EVENT,
    CERTIFICATE_EXPIRED_EVENT,
    BILLING_RETRY_EVENT,
    BILLING_FAILED_EVENT,
    BILLING_ABANDONED_EVENT,
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
        BILLING_OLDEST_PENDING,
        BILLING_ERRORS,
        DOMAIN_CHECKS,
        CERTIFICATE_SOONEST_EXPIRY,
        CERTIFICATE_SOONEST_VALID_EXPIRY,
        CERTIFICATES,
    ],
    spans: SPANS,
    events: EVENTS,
    error_codes: ERROR_CODES,
    owners: &[INTEGRATIONS_PLATFORM, BILLING],
    // Within the default with native histograms (236 series at worst). Over it on a classic
    // scrape: the worst case there is 944, five histograms of 13-16 series per label set.
    // Lower it as dimensions are cut; never raise it without a reason.
    series_budget: SeriesBudget::classic(950),
};

/// The integrations section alone, with telemetry-core's, as a catalog (for tests and tools).
pub static CATALOG: telemetry_core::catalog::Catalog = telemetry_core::catalog::Catalog {
    version: "1.0.0",
    sections: &[&telemetry_core::signals::CORE_SECTION, &SECTION],
};
