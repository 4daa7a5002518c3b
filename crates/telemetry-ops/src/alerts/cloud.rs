//! The cloud surface's objectives and alerts, on the metric specs its catalog declares.

use super::Surface;
use crate::alert::{AlertSeverity, AlertSpec, Runbook};
use crate::objective::{
    Absence, BrokenState, ErrorRatio, Events, Latency, Matcher, Objective, Stuck,
};
use cloud_probes::catalog::{
    ACCOUNT_CREATION_DURATION, ACCOUNT_CREATION_ERRORS, BILLING, CLOUD_SUITE, FAILED_SINCE,
    INVALID_TRANSITIONS, PROVISIONING_DURATION, PROVISIONING_ERRORS, TRANSITIONAL_SINCE,
};

/// The cloud surface: its catalog section and its alerts.
pub static SURFACE: Surface = Surface {
    section: &cloud_probes::catalog::SECTION,
    alerts: ALERTS,
};
const ESCALATION: &str = "cloud-suite on-call, then the cloud-suite engineering lead, then the incident commander (payment and plan questions go to billing).";

const BILLING_ESCALATION: &str = "billing on-call, then the billing engineering lead and finance operations, then the incident commander (customers refused service for payment they made is always an incident).";

/// The Cloud Suite's objectives and alerts (task card 003: account creation, provisioning,
/// lifecycle, quotas), owned by cloud-suite; payment refusals go to billing.
pub const ALERTS: &[AlertSpec] = &[
    AlertSpec {
        // payment_required is a user-class code and leaves cloud-suite's budget, but a spike
        // of it is a billing outage that looks like card declines: billing's page.
        name: "CloudPaymentRequiredSpike",
        objective: Objective::ErrorRatio(ErrorRatio {
            bad: Events {
                metric: &PROVISIONING_ERRORS,
                matchers: &[Matcher::eq("error.type", "payment_required")],
            },
            total: Events {
                metric: &PROVISIONING_DURATION,
                matchers: &[],
            },
            target: 0.8,
            by: &[],
            min_events: 10,
        }),
        severity: AlertSeverity::Page,
        owner: BILLING,
        summary: "An unusual share of project provisionings is refused for payment (payment_required).",
        runbook: Runbook {
            meaning: "Users are told their plan or payment method does not cover a new project. A few a day are trials ending; this many at once usually means the billing provider or our plan lookup is failing and paying customers are being refused.",
            first_checks: &[
                "Did the payment_required share jump at once (an outage) or climb with sign-ups (a campaign of trials ending)?",
                "Is the billing provider reachable (dataface.billing.errors with billing_provider_unavailable)? Does its status page report an incident?",
                "Do the refused accounts have a valid payment method in the provider's dashboard?",
            ],
            mitigation: &[
                "If the provider or the plan lookup is failing, let provisioning proceed on the account's last known plan until it recovers.",
                "List the refused accounts and retry their projects once billing answers again (failed -> provisioning).",
            ],
            rollback: &["If a billing or Cloud Suite release preceded the spike, redeploy the previous release."],
            escalation: BILLING_ESCALATION,
            user_message: "Some project creations were wrongly refused for payment. We are fixing it; no charge was made, and you can retry shortly.",
        },
    },
    AlertSpec {
        name: "CloudProjectLeftFailed",
        objective: Objective::Stuck(Stuck {
            timestamp: &FAILED_SINCE,
            matchers: &[],
            max_age: 4 * 3600,
        }),
        severity: AlertSeverity::Ticket,
        owner: CLOUD_SUITE,
        summary: "A project has sat in `failed` for 4 hours without a retry or a deletion.",
        runbook: Runbook {
            meaning: "A user's project failed to provision and nobody retried or removed it: the user has no project and may not know why.",
            first_checks: &[
                "Which project (dataface.cloud.project.transition spans into failed, with the provisioning error on their parent span)?",
                "Why did it fail: provisioning_failed, provisioning_timeout, or the user's plan (quota_exceeded, payment_required)?",
            ],
            mitigation: &[
                "If the cause was ours and is fixed, retry the provisioning (failed -> provisioning).",
                "If the user's plan refused it, contact the user; delete the project if they do not want it (failed -> deleting).",
            ],
            rollback: &[],
            escalation: ESCALATION,
            user_message: "Your new project could not be created. We are looking into it and will retry it or contact you.",
        },
    },
    AlertSpec {
        name: "CloudProvisioningErrorBudgetBurn",
        objective: Objective::ErrorRatio(ErrorRatio {
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
            by: &[],
            min_events: 10,
        }),
        severity: AlertSeverity::Page,
        owner: CLOUD_SUITE,
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
        objective: Objective::Stuck(Stuck {
            timestamp: &TRANSITIONAL_SINCE,
            matchers: &[Matcher::eq("dataface.cloud.project.state", "provisioning")],
            max_age: 1800,
        }),
        severity: AlertSeverity::Page,
        owner: CLOUD_SUITE,
        summary: "A project has been stuck in provisioning for 30 minutes.",
        runbook: Runbook {
            meaning: "A user is waiting on a project that neither became active nor failed.",
            first_checks: &[
                "Which project: a provisioning span is exported only when it ends, so look for the dataface.cloud.project.transition span into provisioning with no later transition of the same project (dataface.project.id), then read the provisioner's logs for that project: which step is it on?",
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
        objective: Objective::Stuck(Stuck {
            timestamp: &TRANSITIONAL_SINCE,
            matchers: &[Matcher::eq("dataface.cloud.project.state", "requested")],
            max_age: 900,
        }),
        severity: AlertSeverity::Page,
        owner: CLOUD_SUITE,
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
        objective: Objective::Stuck(Stuck {
            timestamp: &TRANSITIONAL_SINCE,
            matchers: &[Matcher::eq("dataface.cloud.project.state", "deleting")],
            max_age: 14_400,
        }),
        severity: AlertSeverity::Ticket,
        owner: CLOUD_SUITE,
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
        objective: Objective::BrokenState(BrokenState {
            events: Events {
                metric: &INVALID_TRANSITIONS,
                matchers: &[],
            },
            window: 900,
        }),
        severity: AlertSeverity::Page,
        owner: CLOUD_SUITE,
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
        objective: Objective::ErrorRatio(ErrorRatio {
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
            by: &[],
            min_events: 10,
        }),
        severity: AlertSeverity::Page,
        owner: CLOUD_SUITE,
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
        objective: Objective::Latency(Latency {
            histogram: &ACCOUNT_CREATION_DURATION,
            matchers: &[Matcher::eq("dataface.outcome", "success")],
            threshold: 5.0,
            target: 0.95,
            by: &[],
            min_events: 10,
        }),
        severity: AlertSeverity::Ticket,
        owner: CLOUD_SUITE,
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
        objective: Objective::Latency(Latency {
            histogram: &PROVISIONING_DURATION,
            matchers: &[Matcher::eq("dataface.outcome", "success")],
            threshold: 300.0,
            target: 0.95,
            by: &[],
            min_events: 10,
        }),
        severity: AlertSeverity::Ticket,
        owner: CLOUD_SUITE,
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
        objective: Objective::ErrorRatio(ErrorRatio {
            bad: Events {
                metric: &PROVISIONING_ERRORS,
                matchers: &[Matcher::eq("error.type", "quota_exceeded")],
            },
            total: Events {
                metric: &PROVISIONING_DURATION,
                matchers: &[],
            },
            target: 0.9,
            by: &[],
            min_events: 10,
        }),
        severity: AlertSeverity::Ticket,
        owner: CLOUD_SUITE,
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
        objective: Objective::Absence(Absence {
            metric: &TRANSITIONAL_SINCE,
            matchers: &[Matcher::eq("dataface.cloud.project.state", "provisioning")],
            for_seconds: 600,
        }),
        severity: AlertSeverity::Page,
        owner: CLOUD_SUITE,
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
