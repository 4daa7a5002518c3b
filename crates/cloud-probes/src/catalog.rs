//! The Cloud Suite's section of the signal catalog (task card 003).

use crate::{
    AccountFailure, Attempt, CloudError, FromState, Outcome, ProjectState, ProvisioningCode,
    QuotaKind, SignupMethod, ToState, TRANSITIONAL_STATES,
};
use telemetry_core::catalog::{
    owners, AlertSeverity, AlertSpec, AttributeSpec, Events, InstrumentKind, LabelSpec, Matcher,
    MetricSpec, Objective, Requirement, Runbook, Section, SpanSpec,
};
use telemetry_core::errors::ERROR_TYPE_ATTR;
use telemetry_core::probe::ABANDONED_ATTR;

/// The `state` label values of `dataface.cloud.project.transitional_since`: the
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
    owner: owners::CLOUD_SUITE,
};
/// `dataface.cloud.account.creation.errors`: failed sign-ups by method and code.
pub const ACCOUNT_CREATION_ERRORS: MetricSpec = MetricSpec {
    name: "dataface.cloud.account.creation.errors",
    kind: InstrumentKind::Counter,
    unit: "{error}",
    description: "Account creations that failed, by sign-up method and error code.",
    labels: &[SignupMethod::LABEL, AccountFailure::LABEL],
    buckets: &[],
    owner: owners::CLOUD_SUITE,
};
/// `dataface.cloud.provisioning.duration`: one sample per provisioning attempt.
pub const PROVISIONING_DURATION: MetricSpec = MetricSpec {
    name: "dataface.cloud.provisioning.duration",
    kind: InstrumentKind::Histogram,
    unit: "s",
    description: "Time to provision one project, by attempt (first or a retry from failed) and outcome; its count is the provisioning rate.",
    labels: &[Attempt::LABEL, Outcome::LABEL],
    buckets: PROVISIONING_SECONDS,
    owner: owners::CLOUD_SUITE,
};
/// `dataface.cloud.provisioning.errors`: failed provisionings by code.
pub const PROVISIONING_ERRORS: MetricSpec = MetricSpec {
    name: "dataface.cloud.provisioning.errors",
    kind: InstrumentKind::Counter,
    unit: "{error}",
    description: "Project provisionings that failed, by error code (provisioning failed or timed out, quota exceeded, payment required).",
    labels: &[ProvisioningCode::LABEL],
    buckets: &[],
    owner: owners::CLOUD_SUITE,
};
/// `dataface.cloud.project.transitions`: allowed lifecycle transitions.
pub const PROJECT_TRANSITIONS: MetricSpec = MetricSpec {
    name: "dataface.cloud.project.transitions",
    kind: InstrumentKind::Counter,
    unit: "{transition}",
    description: "Project lifecycle transitions applied, by state left and state entered (only the pairs the lifecycle allows).",
    labels: &[FromState::LABEL, ToState::LABEL],
    buckets: &[],
    owner: owners::CLOUD_SUITE,
};
/// `dataface.cloud.project.invalid_transitions`: forbidden transitions attempted.
pub const INVALID_TRANSITIONS: MetricSpec = MetricSpec {
    name: "dataface.cloud.project.invalid_transitions",
    kind: InstrumentKind::Counter,
    unit: "{transition}",
    description: "Project lifecycle transitions the state machine forbade and rejected (a service bug or a broken project), by current and requested state; any increase deserves a look.",
    labels: &[FromState::LABEL, ToState::LABEL],
    buckets: &[],
    owner: owners::CLOUD_SUITE,
};
/// `dataface.cloud.project.state.duration`: time spent in a state before leaving it.
pub const STATE_DURATION: MetricSpec = MetricSpec {
    name: "dataface.cloud.project.state.duration",
    kind: InstrumentKind::Histogram,
    unit: "s",
    description: "Time a project spent in a lifecycle state before an allowed transition out of it, by that state and the state entered.",
    labels: &[FromState::LABEL, ToState::LABEL],
    buckets: STATE_SECONDS,
    owner: owners::CLOUD_SUITE,
};
/// `dataface.cloud.projects`: projects this process tracks, per state.
pub const PROJECTS: MetricSpec = MetricSpec {
    name: "dataface.cloud.projects",
    kind: InstrumentKind::Gauge,
    unit: "{project}",
    description: "Projects tracked by this process in each lifecycle state (sum over processes for the fleet); `failed` counts projects left broken.",
    labels: &[ProjectState::LABEL],
    buckets: &[],
    owner: owners::CLOUD_SUITE,
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
    owner: owners::CLOUD_SUITE,
};
/// `dataface.cloud.quota.rejections`: requests refused by a plan limit.
pub const QUOTA_REJECTIONS: MetricSpec = MetricSpec {
    name: "dataface.cloud.quota.rejections",
    kind: InstrumentKind::Counter,
    unit: "{rejection}",
    description: "Requests refused because the account reached a plan limit, by quota kind.",
    labels: &[QuotaKind::LABEL],
    buckets: &[],
    owner: owners::CLOUD_SUITE,
};

/// `dataface.cloud.signup.method`: how an account signed up.
pub const METHOD_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.cloud.signup.method",
    requirement: Requirement::Required,
    description: "How the account signed up.",
};
/// `dataface.account.id`: the account created.
pub const ACCOUNT_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.account.id",
    requirement: Requirement::ConditionallyRequired,
    description: "The account created, when it was (spans and logs only).",
};
/// `dataface.project.id`: the project.
pub const PROJECT_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.project.id",
    requirement: Requirement::Required,
    description: "The project (spans and logs only, never a metric label).",
};
/// `dataface.cloud.provisioning.attempt`: first provisioning or a retry.
pub const ATTEMPT_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.cloud.provisioning.attempt",
    requirement: Requirement::Required,
    description: "`first`, or `retry` from `failed`.",
};
/// `dataface.cloud.quota`: the plan limit a provisioning hit.
pub const QUOTA_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.cloud.quota",
    requirement: Requirement::ConditionallyRequired,
    description: "The plan limit reached, when the provisioning failed on a quota.",
};
/// `dataface.cloud.project.from`: the state a transition leaves.
pub const FROM_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.cloud.project.from",
    requirement: Requirement::Required,
    description: "State the project was in.",
};
/// `dataface.cloud.project.to`: the state a transition asks for.
pub const TO_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.cloud.project.to",
    requirement: Requirement::Required,
    description: "State asked for.",
};
/// `dataface.cloud.transition.dwell_ms`: time spent in the state left.
pub const DWELL_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.cloud.transition.dwell_ms",
    requirement: Requirement::ConditionallyRequired,
    description: "Milliseconds spent in the state left, when the transition was applied.",
};

/// `dataface.cloud.account.create`: one account creation.
pub const ACCOUNT_SPAN: SpanSpec = SpanSpec {
    name: "dataface.cloud.account.create",
    description: "Creating one account at sign-up.",
    attributes: &[METHOD_ATTR, ACCOUNT_ATTR, ERROR_TYPE_ATTR, ABANDONED_ATTR],
    owner: owners::CLOUD_SUITE,
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
    owner: owners::CLOUD_SUITE,
};
/// `dataface.cloud.project.transition`: one lifecycle transition attempt.
pub const TRANSITION_SPAN: SpanSpec = SpanSpec {
    name: "dataface.cloud.project.transition",
    description: "One project lifecycle transition attempt (instantaneous); a forbidden one fails with invalid_lifecycle_transition and is not applied.",
    attributes: &[PROJECT_ATTR, FROM_ATTR, TO_ATTR, DWELL_ATTR, ERROR_TYPE_ATTR],
    owner: owners::CLOUD_SUITE,
};

/// The Cloud Suite's spans.
pub const SPANS: &[SpanSpec] = &[ACCOUNT_SPAN, PROVISION_SPAN, TRANSITION_SPAN];

const ESCALATION: &str = "cloud-suite on-call, then the cloud-suite engineering lead, then the incident commander (payment and plan questions go to billing).";

/// The Cloud Suite's objectives and alerts (task card 003: account creation, provisioning,
/// lifecycle, quotas), owned by cloud-suite.
pub const ALERTS: &[AlertSpec] = &[
    AlertSpec {
        name: "CloudProvisioningErrorBudgetBurn",
        objective: Objective::ErrorRatio {
            bad: Events {
                metric: &PROVISIONING_ERRORS,
                // Our failures: provisioning_failed and provisioning_timeout, not the
                // user's plan (quota_exceeded, payment_required).
                matchers: &[
                    Matcher::ne("error.type", "quota_exceeded"),
                    Matcher::ne("error.type", "payment_required"),
                ],
            },
            total: Events {
                metric: &PROVISIONING_DURATION,
                matchers: &[],
            },
            target: 0.99,
        },
        severity: AlertSeverity::Page,
        owner: owners::CLOUD_SUITE,
        summary: "Project provisioning is failing faster than the 99% objective allows.",
        runbook: Runbook {
            meaning: "New projects end in `failed`: users cannot start working.",
            first_checks: &[
                "provisioning_failed or provisioning_timeout? A timeout points at the provisioner queue or the cloud provider.",
                "Do first attempts and retries both fail (attempt label)?",
                "Does the cloud provider's status page report an incident? Did a cloud release ship just before?",
            ],
            mitigation: &[
                "If the provider is degraded, pause new provisioning and queue requests.",
                "If a release started it, roll it back, then retry the failed projects (failed -> provisioning).",
            ],
            rollback: &[
                "Redeploy the previous Cloud Suite release.",
                "Retry the projects left in `failed` once the previous release is live.",
            ],
            escalation: ESCALATION,
            user_message: "Creating new projects is failing for some users. Existing projects are unaffected; we will retry your project automatically once fixed.",
        },
    },
    AlertSpec {
        name: "CloudProvisioningStuck",
        objective: Objective::Freshness {
            timestamp: &TRANSITIONAL_SINCE,
            matchers: &[Matcher::eq("state", "provisioning")],
            max_age: 1800,
        },
        severity: AlertSeverity::Page,
        owner: owners::CLOUD_SUITE,
        summary: "A project has been stuck in provisioning for 30 minutes.",
        runbook: Runbook {
            meaning: "A user is waiting on a project that neither became active nor failed.",
            first_checks: &[
                "Find the oldest dataface.cloud.project.provision span still open: which project, which step?",
                "Is the provisioner queue draining? Is the cloud provider slow?",
            ],
            mitigation: &[
                "Fail the stuck provisioning so it can be retried (provisioning -> failed -> provisioning).",
                "If the provisioner is wedged, restart it.",
            ],
            rollback: &["If a release wedged the provisioner, redeploy the previous Cloud Suite release."],
            escalation: ESCALATION,
            user_message: "Your new project is taking longer than usual to set up. We are on it and will let you know when it is ready.",
        },
    },
    AlertSpec {
        name: "CloudProjectRequestStuck",
        objective: Objective::Freshness {
            timestamp: &TRANSITIONAL_SINCE,
            matchers: &[Matcher::eq("state", "requested")],
            max_age: 900,
        },
        severity: AlertSeverity::Page,
        owner: owners::CLOUD_SUITE,
        summary: "A requested project has waited 15 minutes for provisioning to start.",
        runbook: Runbook {
            meaning: "Provisioning is not picking up requests: new projects sit in `requested`.",
            first_checks: &[
                "Is the provisioning worker running and consuming its queue?",
                "Do provisioning attempts still start (dataface.cloud.provisioning.duration)?",
            ],
            mitigation: &["Restart the provisioning worker; requests in the queue are picked up again."],
            rollback: &["If a release stopped the worker, redeploy the previous Cloud Suite release."],
            escalation: ESCALATION,
            user_message: "New projects are queued and will be set up shortly. No action is needed.",
        },
    },
    AlertSpec {
        name: "CloudProjectDeletionStuck",
        objective: Objective::Freshness {
            timestamp: &TRANSITIONAL_SINCE,
            matchers: &[Matcher::eq("state", "deleting")],
            max_age: 14_400,
        },
        severity: AlertSeverity::Ticket,
        owner: owners::CLOUD_SUITE,
        summary: "A project has been deleting for 4 hours.",
        runbook: Runbook {
            meaning: "A project's resources are not being removed: data we promised to delete is still held and still costs.",
            first_checks: &[
                "Find the project from its transition to deleting (dataface.cloud.project.transition span): which resource failed to delete?",
                "Is the cloud provider refusing the deletion (locks, dependencies)?",
            ],
            mitigation: &["Remove the blocking resource by hand, then let the deletion finish."],
            rollback: &[],
            escalation: ESCALATION,
            user_message: "Deleting your project is taking longer than usual. It remains inaccessible and will be removed shortly.",
        },
    },
    AlertSpec {
        name: "CloudInvalidLifecycleTransition",
        objective: Objective::BrokenState {
            events: Events {
                metric: &INVALID_TRANSITIONS,
                matchers: &[],
            },
            window: 900,
        },
        severity: AlertSeverity::Page,
        owner: owners::CLOUD_SUITE,
        summary: "Service code attempted a project lifecycle transition the state machine forbids.",
        runbook: Runbook {
            meaning: "A service bug: the transition was rejected, so a project may be stuck in a state the user did not ask for.",
            first_checks: &[
                "Which from and to states (labels of dataface.cloud.project.invalid_transitions)?",
                "Find the caller in the trace of the rejected transition span.",
                "Did a Cloud Suite release ship just before?",
            ],
            mitigation: &[
                "Fix or disable the calling code path.",
                "Reconcile the affected projects' states by hand.",
            ],
            rollback: &["If a release introduced the call, redeploy the previous Cloud Suite release."],
            escalation: ESCALATION,
            user_message: "Some project actions (suspend, resume, delete) may not apply right now. We are fixing it; your data is safe.",
        },
    },
    AlertSpec {
        name: "CloudAccountCreationErrorBudgetBurn",
        objective: Objective::ErrorRatio {
            bad: Events {
                metric: &ACCOUNT_CREATION_ERRORS,
                // Our side or the identity provider's; a duplicate account or a missing
                // payment method is the user's.
                matchers: &[Matcher::eq("error.type", "identity_provider_unavailable")],
            },
            total: Events {
                metric: &ACCOUNT_CREATION_DURATION,
                matchers: &[],
            },
            target: 0.99,
        },
        severity: AlertSeverity::Page,
        owner: owners::CLOUD_SUITE,
        summary: "Sign-ups are failing on the identity provider faster than the 99% objective allows.",
        runbook: Runbook {
            meaning: "New users cannot create an account with one or more sign-in methods.",
            first_checks: &[
                "Which method fails: google, github, microsoft, sso?",
                "Does the provider's status page report an incident? Did the OAuth or SAML app settings change?",
            ],
            mitigation: &[
                "Point users to email sign-up while one provider is down.",
                "Restore the previous OAuth or SAML app settings if they changed.",
            ],
            rollback: &[
                "Restore the previous identity provider configuration.",
                "Redeploy the previous Cloud Suite release if the failures started with it.",
            ],
            escalation: ESCALATION,
            user_message: "Signing up with some providers is failing right now. Please use email sign-up or try again shortly.",
        },
    },
    AlertSpec {
        name: "CloudAccountCreationLatency",
        objective: Objective::Latency {
            histogram: &ACCOUNT_CREATION_DURATION,
            matchers: &[Matcher::eq("outcome", "success")],
            threshold: 5.0,
            target: 0.95,
        },
        severity: AlertSeverity::Ticket,
        owner: owners::CLOUD_SUITE,
        summary: "More than 5% of sign-ups take longer than 5 seconds.",
        runbook: Runbook {
            meaning: "Sign-up feels broken: new users wait and may give up.",
            first_checks: &[
                "Which method is slow?",
                "Is the identity provider or our account database slow?",
            ],
            mitigation: &["Scale out the account service; if a release made it slower, roll it back."],
            rollback: &["Redeploy the previous Cloud Suite release."],
            escalation: ESCALATION,
            user_message: "Sign-up is slower than usual. It still completes; we are working on it.",
        },
    },
    AlertSpec {
        name: "CloudProvisioningLatency",
        objective: Objective::Latency {
            histogram: &PROVISIONING_DURATION,
            matchers: &[Matcher::eq("outcome", "success")],
            threshold: 300.0,
            target: 0.95,
        },
        severity: AlertSeverity::Ticket,
        owner: owners::CLOUD_SUITE,
        summary: "More than 5% of successful provisionings take longer than 5 minutes.",
        runbook: Runbook {
            meaning: "New projects take minutes longer than promised to become active.",
            first_checks: &[
                "Is the provisioner queue backing up?",
                "Is one cloud provider step (database, storage, workers) slow?",
            ],
            mitigation: &["Scale out the provisioner; raise the cloud provider quota if it throttles us."],
            rollback: &["If a release made it slower, redeploy the previous Cloud Suite release."],
            escalation: ESCALATION,
            user_message: "New projects are taking a few minutes longer than usual to set up.",
        },
    },
    AlertSpec {
        name: "CloudQuotaRejectionsHigh",
        objective: Objective::ErrorRatio {
            bad: Events {
                metric: &PROVISIONING_ERRORS,
                matchers: &[Matcher::eq("error.type", "quota_exceeded")],
            },
            total: Events {
                metric: &PROVISIONING_DURATION,
                matchers: &[],
            },
            target: 0.9,
        },
        severity: AlertSeverity::Ticket,
        owner: owners::CLOUD_SUITE,
        summary: "More than 10% of provisionings are refused by a plan limit.",
        runbook: Runbook {
            meaning: "Users hit plan limits far more than expected: a limit may be misconfigured.",
            first_checks: &[
                "Which quota refuses (dataface.cloud.quota.rejections by quota)?",
                "Did a plan or limit configuration change ship?",
            ],
            mitigation: &[
                "Restore the previous limit if it was lowered by mistake.",
                "Tell affected users which limit they hit and how to upgrade.",
            ],
            rollback: &["Restore the previous plan limits configuration."],
            escalation: ESCALATION,
            user_message: "Some users are seeing plan limit errors when creating projects. We are checking the limits and will follow up.",
        },
    },
    AlertSpec {
        name: "CloudLifecycleNotReporting",
        objective: Objective::Absence {
            metric: &TRANSITIONAL_SINCE,
            matchers: &[Matcher::eq("state", "provisioning")],
            for_seconds: 600,
        },
        severity: AlertSeverity::Page,
        owner: owners::CLOUD_SUITE,
        summary: "The Cloud Suite has reported no provisioning lifecycle gauge for 10 minutes.",
        runbook: Runbook {
            meaning: "The Cloud Suite is down or its telemetry is lost: stuck projects cannot be seen.",
            first_checks: &[
                "Are Cloud Suite instances running and healthy?",
                "Do other cloud series still arrive? If none do, check the telemetry pipeline.",
            ],
            mitigation: &[
                "Restart or redeploy the Cloud Suite.",
                "If only telemetry is missing, hand over to observability-platform.",
            ],
            rollback: &["If a new release started without reporting, redeploy the previous Cloud Suite release."],
            escalation: ESCALATION,
            user_message: "Sign-up and project creation may be unavailable. We are investigating and will update within 30 minutes.",
        },
    },
];

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
        QUOTA_REJECTIONS,
    ],
    spans: SPANS,
    error_codes: CloudError::SPECS,
    alerts: ALERTS,
};

/// The Cloud Suite section alone, with telemetry-core's, as a catalog (for tests and tools).
pub static CATALOG: telemetry_core::catalog::Catalog = telemetry_core::catalog::Catalog {
    version: "1.0.0",
    sections: &[&telemetry_core::catalog::CORE_SECTION, &SECTION],
};
