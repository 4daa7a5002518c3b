//! The Cloud Suite's section of the signal catalog (task card 003).

use crate::{
    AccountFailure, Attempt, CloudError, FromState, Outcome, ProjectState, ProvisioningCode,
    QuotaKind, SignupMethod, ToState, TRANSITIONAL_STATES,
};
use telemetry_core::catalog::{
    AttributeSpec, AttributeType, EventSpec, InstrumentKind, LabelSpec, MetricSpec, Owner,
    Requirement, Section, SeriesBudget, SpanSpec,
};
use telemetry_core::errors::ERROR_TYPE_ATTR;
use telemetry_core::probe::ABANDONED_ATTR;

/// The hosted Cloud Suite.
pub const CLOUD_SUITE: Owner = Owner {
    id: "cloud-suite",
    description: "Accounts, project provisioning and lifecycle, quotas",
};

/// Billing: the owner of the payment error codes raised while provisioning (declared the
/// same way by integrations-probes; the catalog rejects two different declarations).
pub const BILLING: Owner = Owner {
    id: "billing",
    description: "Billing events and charges that must never be lost",
};

/// The `dataface.cloud.project.state` label values of `dataface.cloud.project.transitional_since`: the
/// transitional states ([`crate::TRANSITIONAL_STATES`]).
pub const TRANSITIONAL_VALUES: &[&str] = &{
    let mut values = [""; TRANSITIONAL_STATES.len()];
    let mut i = 0;
    while i < values.len() {
        values[i] = TRANSITIONAL_STATES[i].as_str();
        i += 1;
    }
    values
};

const ACCOUNT_SECONDS: &[f64] = &[0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0];
const PROVISIONING_SECONDS: &[f64] = &[
    0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1_800.0, 3_600.0,
];
/// From a second to a month: a project stays `requested` for seconds and `active` for months.
const STATE_SECONDS: &[f64] = &[
    1.0,
    10.0,
    60.0,
    300.0,
    900.0,
    1_800.0,
    3_600.0,
    14_400.0,
    86_400.0,
    604_800.0,
    2_592_000.0,
];

/// `dataface.cloud.account.creation.duration`: one sample per sign-up.
pub const ACCOUNT_CREATION_DURATION: MetricSpec = MetricSpec {
    name: "dataface.cloud.account.creation.duration",
    kind: InstrumentKind::Histogram,
    unit: "s",
    description: "Time to create one account, by sign-up method and outcome; its count is the rate of accounts created (outcome success) and of failed sign-ups.",
    labels: &[SignupMethod::LABEL, Outcome::LABEL],
    buckets: ACCOUNT_SECONDS,
    owner: CLOUD_SUITE,
};
/// `dataface.cloud.account.creation.errors`: failed sign-ups by method and code.
pub const ACCOUNT_CREATION_ERRORS: MetricSpec = MetricSpec {
    name: "dataface.cloud.account.creation.errors",
    kind: InstrumentKind::Counter,
    unit: "{error}",
    description: "Account creations that failed, by sign-up method and error code.",
    labels: &[SignupMethod::LABEL, AccountFailure::LABEL],
    buckets: &[],
    owner: CLOUD_SUITE,
};
/// `dataface.cloud.provisioning.duration`: one sample per provisioning attempt.
pub const PROVISIONING_DURATION: MetricSpec = MetricSpec {
    name: "dataface.cloud.provisioning.duration",
    kind: InstrumentKind::Histogram,
    unit: "s",
    description: "Time to provision one project, by attempt (first or a retry from failed) and outcome; its count is the provisioning rate.",
    labels: &[Attempt::LABEL, Outcome::LABEL],
    buckets: PROVISIONING_SECONDS,
    owner: CLOUD_SUITE,
};
/// `dataface.cloud.provisioning.errors`: failed provisionings by code.
pub const PROVISIONING_ERRORS: MetricSpec = MetricSpec {
    name: "dataface.cloud.provisioning.errors",
    kind: InstrumentKind::Counter,
    unit: "{error}",
    description: "Project provisionings that failed, by error code (provisioning failed or timed out, quota exceeded, payment required).",
    labels: &[ProvisioningCode::LABEL],
    buckets: &[],
    owner: CLOUD_SUITE,
};
/// `dataface.cloud.project.transitions`: allowed lifecycle transitions.
pub const PROJECT_TRANSITIONS: MetricSpec = MetricSpec {
    name: "dataface.cloud.project.transitions",
    kind: InstrumentKind::Counter,
    unit: "{transition}",
    description: "Project lifecycle transitions applied, by state left and state entered (only the pairs the lifecycle allows).",
    labels: &[FromState::LABEL.zero_init(&[]), ToState::LABEL],
    buckets: &[],
    owner: CLOUD_SUITE,
};
/// `dataface.cloud.project.invalid_transitions`: forbidden transitions attempted.
pub const INVALID_TRANSITIONS: MetricSpec = MetricSpec {
    name: "dataface.cloud.project.invalid_transitions",
    kind: InstrumentKind::Counter,
    unit: "{transition}",
    description: "Project lifecycle transitions the state machine forbade and rejected (a service bug or a broken project), by current and requested state; any increase deserves a look.",
    labels: &[FromState::LABEL, ToState::LABEL],
    buckets: &[],
    owner: CLOUD_SUITE,
};
/// `dataface.cloud.project.state.duration`: time spent in a state before leaving it.
pub const STATE_DURATION: MetricSpec = MetricSpec {
    name: "dataface.cloud.project.state.duration",
    kind: InstrumentKind::Histogram,
    unit: "s",
    description: "Time a project spent in a lifecycle state before an allowed transition out of it, by that state and the state entered.",
    labels: &[FromState::LABEL.zero_init(&[]), ToState::LABEL],
    buckets: STATE_SECONDS,
    owner: CLOUD_SUITE,
};
/// `dataface.cloud.projects`: projects this process tracks, per state.
pub const PROJECTS: MetricSpec = MetricSpec {
    name: "dataface.cloud.projects",
    kind: InstrumentKind::Gauge,
    unit: "{project}",
    description: "Projects tracked by this process in each lifecycle state (sum over processes for the fleet); `failed` counts projects left broken.",
    labels: &[ProjectState::LABEL.zero_init(&[])],
    buckets: &[],
    owner: CLOUD_SUITE,
};
/// `dataface.cloud.project.transitional_since`: when the oldest project still in a
/// transitional state entered it (Unix seconds; 0 when none).
pub const TRANSITIONAL_SINCE: MetricSpec = MetricSpec {
    name: "dataface.cloud.project.transitional_since",
    kind: InstrumentKind::Gauge,
    unit: "s",
    description: "Unix time at which the oldest project still in this transitional state (per process) entered it, 0 when none: `time() - metric` (where metric > 0) is how long it has been stuck.",
    labels: &[LabelSpec::enumerated(
        ProjectState::KEY,
        "Transitional lifecycle state.",
        TRANSITIONAL_VALUES,
    )],
    buckets: &[],
    owner: CLOUD_SUITE,
};
/// `dataface.cloud.project.failed_since`: when the oldest project still in `failed` entered
/// it (Unix seconds; 0 when none).
pub const FAILED_SINCE: MetricSpec = MetricSpec {
    name: "dataface.cloud.project.failed_since",
    kind: InstrumentKind::Gauge,
    unit: "s",
    description: "Unix time at which the oldest project still in `failed` (per process) entered it, 0 when none: `time() - metric` (where metric > 0) is how long a broken project has waited for a retry or a deletion.",
    labels: &[],
    buckets: &[],
    owner: CLOUD_SUITE,
};
/// `dataface.cloud.quota.rejections`: requests refused by a plan limit.
pub const QUOTA_REJECTIONS: MetricSpec = MetricSpec {
    name: "dataface.cloud.quota.rejections",
    kind: InstrumentKind::Counter,
    unit: "{rejection}",
    description: "Requests refused because the account reached a plan limit, by quota kind.",
    labels: &[QuotaKind::LABEL.zero_init(&[])],
    buckets: &[],
    owner: CLOUD_SUITE,
};

/// `dataface.cloud.signup.method`: how an account signed up.
pub const METHOD_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.cloud.signup.method",
    requirement: Requirement::Required,
    value_type: AttributeType::Enum(SignupMethod::VALUES),
    description: "How the account signed up.",
};
/// `dataface.account.id`: the account created.
pub const ACCOUNT_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.account.id",
    requirement: Requirement::ConditionallyRequired,
    value_type: AttributeType::String {
        example: "acct-7f3a",
    },
    description: "The account created, when it was (spans and logs only).",
};
/// `dataface.project.id`: the project.
pub const PROJECT_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.project.id",
    requirement: Requirement::Required,
    value_type: AttributeType::String {
        example: "proj-19c2",
    },
    description: "The project (spans and logs only, never a metric label).",
};
/// `dataface.cloud.provisioning.attempt`: first provisioning or a retry.
pub const ATTEMPT_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.cloud.provisioning.attempt",
    requirement: Requirement::Required,
    value_type: AttributeType::Enum(Attempt::VALUES),
    description: "`first`, or `retry` from `failed`.",
};
/// `dataface.cloud.quota`: the plan limit a provisioning hit.
pub const QUOTA_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.cloud.quota",
    requirement: Requirement::ConditionallyRequired,
    value_type: AttributeType::Enum(QuotaKind::VALUES),
    description: "The plan limit reached, when the provisioning failed on a quota.",
};
/// `dataface.cloud.project.from`: the state a transition leaves.
pub const FROM_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.cloud.project.from",
    requirement: Requirement::Required,
    value_type: AttributeType::Enum(ProjectState::VALUES),
    description: "State the project was in.",
};
/// `dataface.cloud.project.to`: the state a transition asks for.
pub const TO_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.cloud.project.to",
    requirement: Requirement::Required,
    value_type: AttributeType::Enum(ProjectState::VALUES),
    description: "State asked for.",
};
/// `dataface.cloud.transition.dwell_ms`: time spent in the state left.
pub const DWELL_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.cloud.transition.dwell_ms",
    requirement: Requirement::ConditionallyRequired,
    value_type: AttributeType::Int,
    description: "Milliseconds spent in the state left, when the transition was applied.",
};

/// `dataface.cloud.account.create`: one account creation.
pub const ACCOUNT_SPAN: SpanSpec = SpanSpec {
    name: "dataface.cloud.account.create",
    description: "Creating one account at sign-up.",
    attributes: &[METHOD_ATTR, ACCOUNT_ATTR, ERROR_TYPE_ATTR, ABANDONED_ATTR],
    owner: CLOUD_SUITE,
};
/// `dataface.cloud.project.provision`: one provisioning.
pub const PROVISION_SPAN: SpanSpec = SpanSpec {
    name: "dataface.cloud.project.provision",
    description: "Provisioning one project's resources: from its move to `provisioning` until it is `active` or `failed`; its transitions are children.",
    attributes: &[
        PROJECT_ATTR,
        ATTEMPT_ATTR,
        QUOTA_ATTR,
        ERROR_TYPE_ATTR,
        ABANDONED_ATTR,
    ],
    owner: CLOUD_SUITE,
};
/// `dataface.cloud.project.transition`: one lifecycle transition attempt.
pub const TRANSITION_SPAN: SpanSpec = SpanSpec {
    name: "dataface.cloud.project.transition",
    description: "One project lifecycle transition attempt (instantaneous); a forbidden one fails with invalid_lifecycle_transition and is not applied.",
    attributes: &[PROJECT_ATTR, FROM_ATTR, TO_ATTR, DWELL_ATTR, ERROR_TYPE_ATTR],
    owner: CLOUD_SUITE,
};

/// The Cloud Suite's spans.
pub const SPANS: &[SpanSpec] = &[ACCOUNT_SPAN, PROVISION_SPAN, TRANSITION_SPAN];

/// `dataface.cloud.project.transition.rejected`: an invalid lifecycle transition was rejected.
pub const TRANSITION_REJECTED_EVENT: EventSpec = EventSpec {
    name: "dataface.cloud.project.transition.rejected",
    description: "An invalid project lifecycle transition was rejected; the project stays where it was (ERROR).",
    attributes: &[PROJECT_ATTR, FROM_ATTR, TO_ATTR],
    owner: CLOUD_SUITE,
};

/// The cloud surface's log events.
pub const EVENTS: &[EventSpec] = &[TRANSITION_REJECTED_EVENT];

/// The Cloud Suite's section of the catalog.
pub static SECTION: Section = Section {
    surface: "cloud",
    metrics: &[
        ACCOUNT_CREATION_DURATION,
        ACCOUNT_CREATION_ERRORS,
        PROVISIONING_DURATION,
        PROVISIONING_ERRORS,
        PROJECT_TRANSITIONS,
        INVALID_TRANSITIONS,
        STATE_DURATION,
        PROJECTS,
        TRANSITIONAL_SINCE,
        FAILED_SINCE,
        QUOTA_REJECTIONS,
    ],
    spans: SPANS,
    events: EVENTS,
    error_codes: CloudError::SPECS,
    owners: &[CLOUD_SUITE, BILLING],
    // Within the default with native histograms (284 series at worst). Over it on a classic
    // scrape: the worst case there is 1,620, the state duration alone 896 (8 × 8 states × 14
    // series per label set). Lower it as dimensions are cut; never raise it without a reason.
    series_budget: SeriesBudget::classic(1_650),
};

/// The Cloud Suite section alone, with telemetry-core's, as a catalog (for tests and tools).
pub static CATALOG: telemetry_core::catalog::Catalog = telemetry_core::catalog::Catalog {
    version: "1.0.0",
    sections: &[&telemetry_core::signals::CORE_SECTION, &SECTION],
};
