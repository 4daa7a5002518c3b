//! The Cloud Suite's day (task card 003): sign-ups, project provisioning and lifecycle work,
//! quotas, a project stuck in provisioning, GitHub sign-ups timing out, a rejected
//! transition, and passkey sign-ups shipped ahead of the catalog.

use crate::narrative::say;
use crate::Ctx;
use dataface_telemetry::cloud::catalog::ACCOUNT_CREATION_DURATION;
use dataface_telemetry::cloud::{
    AccountFailure, CloudProbes, Outcome, ProjectLifecycle, ProjectState, ProvisioningFailure,
    QuotaKind, SignupMethod,
};
use std::time::{Duration, SystemTime};

const GITHUB_DOWN: std::ops::Range<u32> = 18..20;
const REACTIVATE_BUG: u32 = 15;
const INFRA_FAILURE: u32 = 20;
/// When passkey sign-up ships.
const PASSKEY_LAUNCH: u32 = 13;
/// Beyond this many tracked projects, the oldest active one is deleted (a long day stays
/// small).
const MAX_TRACKED: usize = 200;

/// The Cloud Suite at work: the projects it tracks and its counts of sign-ups, requests and
/// rounds.
pub(crate) struct Cloud {
    probes: CloudProbes,
    /// The projects this process tracks; the first one is stuck in provisioning.
    pub(crate) projects: Vec<ProjectLifecycle>,
    signups: u64,
    requested: u64,
    rounds: u64,
}

impl Cloud {
    pub(crate) fn new() -> Self {
        let probes = CloudProbes::new();
        let now = SystemTime::now();
        // The projects this process owns, loaded at start: one has sat in `provisioning`
        // for 47 minutes because its worker died.
        let mut projects = vec![probes.resume_project(
            "proj-0417",
            ProjectState::Provisioning,
            now - Duration::from_secs(47 * 60),
        )];
        projects.extend((0..12).map(|i| {
            probes.resume_project(
                &format!("proj-{:04}", 100 + i),
                ProjectState::Active,
                now - Duration::from_secs(86_400 * (i + 1)),
            )
        }));
        Self {
            probes,
            projects,
            signups: 0,
            requested: 0,
            rounds: 0,
        }
    }

    pub(crate) fn hour(&mut self, hour: u32, ctx: &mut Ctx) {
        // Every hour someone signs up with GitHub, and someone buys a team plan through SSO
        // (at noon with a declined card).
        self.sign_up(SignupMethod::GitHub, hour, false, ctx);
        self.sign_up(SignupMethod::Sso, hour, hour == 12, ctx);
        if hour == 11 {
            // Invitations beyond the free plan's seats.
            for _ in 0..3 {
                ctx.op("invitation");
                self.probes.quota_rejected(QuotaKind::Members);
                ctx.err(ProvisioningFailure::QuotaExceeded(QuotaKind::Members).code());
            }
        }
        if hour == INFRA_FAILURE {
            self.provision(true, ctx);
        }
        if hour == PASSKEY_LAUNCH {
            self.passkey_sign_up(ctx);
        }
        if hour == REACTIVATE_BUG {
            // The bug: "reactivate" called on a project that is being deleted.
            if let Some(i) = self.find(ProjectState::Active) {
                self.transition(i, ProjectState::Deleting, ctx);
                self.transition(i, ProjectState::Active, ctx);
                self.transition(i, ProjectState::Deleted, ctx);
                self.projects.remove(i);
            }
        }
    }

    pub(crate) fn round(&mut self, hour: u32, ctx: &mut Ctx) {
        self.rounds += 1;
        let method = SignupMethod::ALL[(self.signups % SignupMethod::ALL.len() as u64) as usize];
        self.sign_up(method, hour, false, ctx);
        if self.rounds % 3 == 0 {
            self.provision(false, ctx);
        }
        if self.rounds % 5 == 0 {
            self.lifecycle(self.rounds / 5, ctx);
        }
    }

    fn sign_up(&mut self, method: SignupMethod, hour: u32, declined: bool, ctx: &mut Ctx) {
        self.signups += 1;
        let n = self.signups;
        ctx.op("sign-up");
        let signup = self.probes.account_creation(method);
        let span = signup.span().clone();
        let failure = if method == SignupMethod::GitHub && GITHUB_DOWN.contains(&hour) {
            say!(
                ctx,
                span,
                Warn(AccountFailure::IdentityProviderUnavailable.code()),
                "github oauth token exchange timed out"
            );
            Some(AccountFailure::IdentityProviderUnavailable)
        } else if declined {
            say!(
                ctx,
                span,
                Warn(AccountFailure::PaymentRequired.code()),
                "team plan sign-up: card declined"
            );
            Some(AccountFailure::PaymentRequired)
        } else if n % 11 == 7 {
            Some(AccountFailure::AlreadyExists)
        } else {
            None
        };
        match failure {
            Some(failure) => {
                signup.fail(failure);
                ctx.err(failure.code());
            }
            None => signup.ok(&format!("acct-{n:05}")),
        }
    }

    /// Passkey sign-up ships before the catalog knows the method: its handler records the
    /// sign-up's duration by hand under `method = passkey`. The pipeline records the
    /// undeclared value as `other` and counts it in `dataface.telemetry.cardinality.overflow`.
    fn passkey_sign_up(&mut self, ctx: &mut Ctx) {
        self.signups += 1;
        ctx.op("sign-up");
        metrics::histogram!(
            ACCOUNT_CREATION_DURATION.name,
            SignupMethod::LABEL.key => "passkey",
            Outcome::LABEL.key => Outcome::Success.as_str(),
        )
        .record(0.8);
        say!(
            ctx,
            Info,
            "passkey sign-up is live; its handler reports a method the catalog does not declare"
        );
    }

    /// Requests and provisions one project; `infra_fails` makes the first attempt fail on
    /// infrastructure, and the operator retries it.
    fn provision(&mut self, infra_fails: bool, ctx: &mut Ctx) {
        self.requested += 1;
        let i = self.requested;
        let mut project = self.probes.project(&format!("proj-{:04}", 1_000 + i));
        ctx.op("provisioning");
        let Ok(provisioning) = project.provision() else {
            return;
        };
        let span = provisioning.span().clone();
        let failure = if infra_fails {
            say!(
                ctx,
                span,
                Error(ProvisioningFailure::Failed.code()),
                "provisioner: create_database hit the cloud provider's database quota"
            );
            Some(ProvisioningFailure::Failed)
        } else if i % 9 == 4 {
            // A free account that already owns its three projects.
            say!(
                ctx,
                span,
                Info(ProvisioningFailure::QuotaExceeded(QuotaKind::Projects).code()),
                "free plan: project limit reached"
            );
            Some(ProvisioningFailure::QuotaExceeded(QuotaKind::Projects))
        } else if i % 25 == 17 {
            Some(ProvisioningFailure::PaymentRequired) // the trial ended
        } else if i % 31 == 3 {
            Some(ProvisioningFailure::TimedOut) // a slow region ran past the deadline
        } else {
            None
        };
        match failure {
            Some(failure) => {
                provisioning.fail(failure);
                ctx.err(failure.code());
            }
            None => provisioning.ok(),
        }
        if infra_fails {
            // The operator retries once the provider's limit is raised.
            ctx.op("provisioning");
            if let Ok(retry) = project.provision() {
                retry.ok();
            }
        }
        self.projects.push(project);
        if self.projects.len() > MAX_TRACKED {
            if let Some(i) = self.find(ProjectState::Active) {
                self.transition(i, ProjectState::Deleting, ctx);
                self.transition(i, ProjectState::Deleted, ctx);
                self.projects.remove(i);
            }
        }
    }

    /// Day-to-day lifecycle work: suspensions, resumptions, upgrades after a quota, deletions.
    fn lifecycle(&mut self, step: u64, ctx: &mut Ctx) {
        match step % 4 {
            0 => {
                if let Some(i) = self.find(ProjectState::Active) {
                    self.transition(i, ProjectState::Suspended, ctx);
                }
            }
            1 => {
                if let Some(i) = self.find(ProjectState::Suspended) {
                    self.transition(i, ProjectState::Active, ctx);
                }
            }
            2 => {
                if let Some(i) = self.find(ProjectState::Failed) {
                    if step % 8 == 2 {
                        // The owner upgraded: provisioning is retried and succeeds.
                        ctx.op("provisioning");
                        if let Ok(retry) = self.projects[i].provision() {
                            retry.ok();
                        }
                    } else {
                        self.transition(i, ProjectState::Deleting, ctx);
                        self.transition(i, ProjectState::Deleted, ctx);
                        self.projects.remove(i);
                    }
                }
            }
            _ => {
                if let Some(i) = self.find(ProjectState::Active) {
                    self.transition(i, ProjectState::Deleting, ctx);
                    self.transition(i, ProjectState::Deleted, ctx);
                    self.projects.remove(i);
                }
            }
        }
    }

    fn find(&self, state: ProjectState) -> Option<usize> {
        self.projects.iter().position(|p| p.state() == state)
    }

    fn transition(&mut self, i: usize, to: ProjectState, ctx: &mut Ctx) {
        ctx.op("transition");
        if let Err(rejected) = self.projects[i].transition(to) {
            // The probe logs it on the transition span; the project keeps its state.
            ctx.err(rejected.code());
        }
    }
}
