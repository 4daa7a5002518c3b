//! # cloud-probes
//!
//! Telemetry for the hosted Cloud Suite (task card 003): account creation, project
//! provisioning, the project lifecycle state machine and quotas. A project that fails to
//! provision, hits a quota, ends in a broken state or sits in `provisioning` for half an hour
//! is a signal with an owner, not a support ticket a week later.
//!
//! ```
//! use cloud_probes::{CloudProbes, ProjectState, ProvisioningFailure, QuotaKind, SignupMethod};
//!
//! let probes = CloudProbes::new();
//! probes.account_creation(SignupMethod::Google).ok("acct-7");
//! let mut project = probes.project("proj-42"); // requested
//! project.provision()?.fail(ProvisioningFailure::QuotaExceeded(QuotaKind::Projects));
//! project.provision()?.ok(); // the retry from `failed` succeeds: active
//! project.transition(ProjectState::Suspended)?;
//! let bug = project.transition(ProjectState::Provisioning); // forbidden: rejected, recorded
//! assert!(bug.is_err());
//! assert_eq!(project.state(), ProjectState::Suspended);
//! # Ok::<(), cloud_probes::InvalidTransition>(())
//! ```
//!
//! ## The lifecycle
//!
//! The states ([`ProjectState`]) and the allowed transitions ([`TRANSITIONS`]) are declared
//! once, here. A [`ProjectLifecycle`] tracks one project: every transition is checked against
//! the table. An allowed one counts the transition, records the time spent in the state it
//! left and moves the per-state gauge; a forbidden one is rejected with an
//! [`InvalidTransition`] and counted as a broken-state signal, never applied. For each
//! transitional state (`requested`, `provisioning`, `deleting`) a timestamp gauge holds when
//! the oldest project still in it entered it, so an alert can say "provisioning stuck for 30
//! minutes"; another holds when the oldest project still in `failed` entered it, so a broken
//! project nobody retries or deletes is seen.
//!
//! ## Cost
//!
//! Every operation is a guard started with its context and finished with an outcome; a
//! guard dropped without one records `abandoned`. Metrics go through handle families
//! registered once per label combination in [`CloudProbes::new`]: recording is an index and
//! an atomic update. Account and project ids go on spans only. A transition also takes a short lock to
//! keep the oldest-transitional timestamps. When telemetry is disabled the guards do no work
//! beyond one check, and the lifecycle only validates (the state machine is enforced either
//! way).

pub mod catalog;

use catalog::*;
use metrics::{Counter, Gauge, Histogram};
use std::collections::BTreeSet;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use telemetry_core::errors::record_on_span;
use telemetry_core::probe::{saturating_i64, Family, Operation};
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

telemetry_core::label_enum! {
    /// A project's lifecycle state (the `state`, `from` and `dataface.cloud.project.to` labels).
    pub enum ProjectState: "dataface.cloud.project.state", "Lifecycle state." {
        /// Asked for; provisioning has not started.
        Requested = "requested",
        /// Its resources are being created.
        Provisioning = "provisioning",
        /// Running: the user works in it.
        Active = "active",
        /// Switched off (payment, abuse, the owner's request); its data is kept.
        Suspended = "suspended",
        /// Its resources are being removed.
        Deleting = "deleting",
        /// Gone.
        Deleted = "deleted",
        /// Provisioning failed; the project can be retried or deleted.
        Failed = "failed",
    }
}

/// The allowed lifecycle transitions, declared once: every other `from -> to` is rejected
/// with [`InvalidTransition`] and counted as an invalid transition.
///
/// ```text
/// requested    -> provisioning | deleting (cancelled before provisioning)
/// provisioning -> active | failed
/// failed       -> provisioning (retry) | deleting
/// active       -> suspended | deleting
/// suspended    -> active | deleting
/// deleting     -> deleted
/// ```
pub const TRANSITIONS: &[(ProjectState, ProjectState)] = {
    use ProjectState::*;
    &[
        (Requested, Provisioning),
        (Requested, Deleting),
        (Provisioning, Active),
        (Provisioning, Failed),
        (Failed, Provisioning),
        (Failed, Deleting),
        (Active, Suspended),
        (Active, Deleting),
        (Suspended, Active),
        (Suspended, Deleting),
        (Deleting, Deleted),
    ]
};

/// The states a project passes through on its way somewhere else: a project that stays in
/// one too long is stuck. Each has a `dataface.cloud.project.transitional_since` series.
pub const TRANSITIONAL_STATES: &[ProjectState] = &[
    ProjectState::Requested,
    ProjectState::Provisioning,
    ProjectState::Deleting,
];

const STATES: usize = ProjectState::COUNT;

/// [`TRANSITIONS`] as a lookup table.
const ALLOWED: [[bool; STATES]; STATES] = {
    let mut table = [[false; STATES]; STATES];
    let mut i = 0;
    while i < TRANSITIONS.len() {
        let (from, to) = TRANSITIONS[i];
        table[from.index()][to.index()] = true;
        i += 1;
    }
    table
};

impl ProjectState {
    /// Whether the lifecycle allows `self -> to` (see [`TRANSITIONS`]).
    pub const fn can_become(self, to: ProjectState) -> bool {
        ALLOWED[self.index()][to.index()]
    }

    /// The states this one may move to, in declaration order.
    pub fn next_states(self) -> impl Iterator<Item = ProjectState> {
        ProjectState::ALL
            .iter()
            .copied()
            .filter(move |to| self.can_become(*to))
    }

    /// Whether a project passes through this state on its way elsewhere (and can get stuck
    /// in it): one of [`TRANSITIONAL_STATES`].
    pub const fn is_transitional(self) -> bool {
        let mut i = 0;
        while i < TRANSITIONAL_STATES.len() {
            if TRANSITIONAL_STATES[i] as usize == self as usize {
                return true;
            }
            i += 1;
        }
        false
    }
}

telemetry_core::relabel! {
    /// The state a transition leaves (the `dataface.cloud.project.from` label).
    pub(crate) struct FromState(ProjectState): "dataface.cloud.project.from", "Lifecycle state the project was in.";
}

telemetry_core::relabel! {
    /// The state a transition asks for (the `dataface.cloud.project.to` label).
    pub(crate) struct ToState(ProjectState): "dataface.cloud.project.to", "Lifecycle state the transition asked for.";
}

telemetry_core::label_enum! {
    /// How an account signed up (the `dataface.cloud.signup.method` label).
    pub enum SignupMethod: "dataface.cloud.signup.method", "How the account signed up." {
        /// Email and password.
        Email = "email",
        /// Google sign-in.
        Google = "google",
        /// GitHub sign-in.
        GitHub = "github",
        /// Microsoft sign-in.
        Microsoft = "microsoft",
        /// The organisation's SAML or OIDC single sign-on.
        Sso = "sso",
        /// Accepting an invitation to an existing organisation.
        Invitation = "invitation",
    }
}

telemetry_core::label_enum! {
    /// A plan limit (the `dataface.cloud.quota` label).
    pub enum QuotaKind: "dataface.cloud.quota", "The plan limit reached." {
        /// Projects per account.
        Projects = "projects",
        /// Members (seats) per organisation.
        Members = "members",
        /// Dashboards per project.
        Dashboards = "dashboards",
        /// Warehouse connections per project.
        Connections = "connections",
        /// Stored bytes per project.
        Storage = "storage",
    }
}

telemetry_core::label_enum! {
    /// How an account creation or a provisioning ended (the `dataface.outcome` label).
    pub enum Outcome: "dataface.outcome", "How the operation ended." {
        /// Done.
        Success = "success",
        /// Failed with an error code.
        Failed = "failed",
        /// The guard was dropped without an outcome: a code path forgot to report.
        Abandoned = "abandoned",
    }
}

telemetry_core::label_enum! {
    /// Whether a provisioning is a project's first or a retry from `failed` (the `attempt`
    /// label).
    pub enum Attempt: "dataface.cloud.provisioning.attempt", "First provisioning of the project, or a retry from `failed`." {
        /// From `requested`.
        First = "first",
        /// From `failed`.
        Retry = "retry",
    }
}

use crate::catalog::{BILLING, CLOUD_SUITE};
telemetry_core::error_codes! {
    /// The Cloud Suite's error codes (owner: cloud-suite; payment: billing).
    pub enum CloudError for "cloud", "The Cloud Suite error code." {
        /// An account already exists for this identity.
        AccountAlreadyExists = "account_already_exists", User, retryable: false, Info, CLOUD_SUITE,
            "An account already exists for this email or identity.",
            "Send the user to sign in or reset their password; support can merge duplicate identities.";
        /// The identity provider failed during sign-up.
        IdentityProviderUnavailable = "identity_provider_unavailable", Dependency, retryable: true, Error, CLOUD_SUITE,
            "The identity provider (Google, GitHub, Microsoft, SSO) failed or timed out during sign-up.",
            "Retry; if it persists, check the provider's status page and the OAuth or SAML app settings for the method.";
        /// Provisioning the project's resources failed.
        ProvisioningFailed = "provisioning_failed", Dependency, retryable: true, Error, CLOUD_SUITE,
            "Creating the project's resources (database, storage, workers) failed.",
            "Retry the provisioning (failed -> provisioning); if retries fail, read the provisioner's logs for the project id on the span and page cloud-suite.";
        /// Provisioning ran past its deadline.
        ProvisioningTimeout = "provisioning_timeout", Timeout, retryable: true, Error, CLOUD_SUITE,
            "Provisioning the project ran past its deadline.",
            "Check the provisioner's queue and the cloud provider's status; retry once it drains.";
        /// A plan limit was reached.
        QuotaExceeded = "quota_exceeded", User, retryable: false, Warning, CLOUD_SUITE,
            "The account reached a plan limit (the `dataface.cloud.quota` label or attribute says which).",
            "Tell the user which limit they hit and offer to free capacity or upgrade the plan; raise the limit only through billing.";
        /// The plan or payment method does not cover the request.
        PaymentRequired = "payment_required", User, retryable: false, Error, BILLING,
            "The account's plan or payment method does not cover this (trial ended, card declined).",
            "Ask the user to update the payment method; billing handles disputes and refunds.";
        /// Service code attempted a transition the lifecycle forbids.
        InvalidLifecycleTransition = "invalid_lifecycle_transition", Internal, retryable: false, Error, CLOUD_SUITE,
            "Service code attempted a project lifecycle transition the state machine forbids; it was rejected and the project kept its state.",
            "A service bug: find the caller from the span's trace and the from/to labels, fix it, then reconcile the project's state.";
    }
}

telemetry_core::error_subset! {
    /// Why an account creation failed: each is a [`CloudError`] code (the `error.type` label
    /// of `dataface.cloud.account.creation.errors`).
    pub enum AccountFailure: CloudError, "Why the account creation failed." {
        /// An account already exists for this identity.
        AlreadyExists = AccountAlreadyExists,
        /// The identity provider failed.
        IdentityProviderUnavailable = IdentityProviderUnavailable,
        /// A paid plan's payment method was declined.
        PaymentRequired = PaymentRequired,
    }
}

/// Why a provisioning failed. A quota names the limit it hit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProvisioningFailure {
    /// The project's resources could not be created ([`CloudError::ProvisioningFailed`]).
    Failed,
    /// Provisioning ran past its deadline ([`CloudError::ProvisioningTimeout`]).
    TimedOut,
    /// A plan limit was reached ([`CloudError::QuotaExceeded`]).
    QuotaExceeded(QuotaKind),
    /// The plan or payment method does not cover it ([`CloudError::PaymentRequired`]).
    PaymentRequired,
}

telemetry_core::error_subset! {
    /// The `error.type` label of `dataface.cloud.provisioning.errors`: a
    /// [`ProvisioningFailure`] without its quota.
    pub(crate) enum ProvisioningCode: CloudError, "Why the provisioning failed." {
        /// [`ProvisioningFailure::Failed`].
        Failed = ProvisioningFailed,
        /// [`ProvisioningFailure::TimedOut`].
        TimedOut = ProvisioningTimeout,
        /// [`ProvisioningFailure::QuotaExceeded`].
        QuotaExceeded = QuotaExceeded,
        /// [`ProvisioningFailure::PaymentRequired`].
        PaymentRequired = PaymentRequired,
    }
}

/// The `error.type` values of `dataface.cloud.provisioning.errors`, in
/// [`ProvisioningFailure`] order.
pub const PROVISIONING_CODES: &[&str] = ProvisioningCode::VALUES;

impl ProvisioningFailure {
    /// The error code.
    pub const fn code(self) -> CloudError {
        self.label().code()
    }

    /// The `error.type` label value.
    const fn label(self) -> ProvisioningCode {
        match self {
            ProvisioningFailure::Failed => ProvisioningCode::Failed,
            ProvisioningFailure::TimedOut => ProvisioningCode::TimedOut,
            ProvisioningFailure::QuotaExceeded(_) => ProvisioningCode::QuotaExceeded,
            ProvisioningFailure::PaymentRequired => ProvisioningCode::PaymentRequired,
        }
    }
}

impl From<ProvisioningFailure> for CloudError {
    fn from(f: ProvisioningFailure) -> Self {
        f.code()
    }
}

/// A lifecycle transition the state machine forbids. It was not applied: the project keeps
/// its state, and the attempt was counted in `dataface.cloud.project.invalid_transitions`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct InvalidTransition {
    /// The project's state, unchanged.
    pub from: ProjectState,
    /// The state asked for.
    pub to: ProjectState,
}

impl InvalidTransition {
    /// The error code: [`CloudError::InvalidLifecycleTransition`].
    pub const fn code(&self) -> CloudError {
        CloudError::InvalidLifecycleTransition
    }
}

impl fmt::Display for InvalidTransition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "the project lifecycle forbids {} -> {}; the project stays {} (allowed from {}:",
            self.from, self.to, self.from, self.from
        )?;
        let mut none = true;
        for next in self.from.next_states() {
            write!(f, " {next}")?;
            none = false;
        }
        if none {
            f.write_str(" none")?;
        }
        f.write_str("). A service bug: fix the caller, then reconcile the project's state.")
    }
}

impl std::error::Error for InvalidTransition {}

/// A project in a transitional state: when it entered it (Unix nanoseconds) and which
/// project (a process-unique number).
type Pending = (u64, u64);

type Transition = (FromState, ToState);

#[derive(Debug)]
struct Inner {
    account_duration: Family<(SignupMethod, Outcome), Histogram>,
    account_errors: Family<(SignupMethod, AccountFailure), Counter>,
    provisioning_duration: Family<(Attempt, Outcome), Histogram>,
    provisioning_errors: Family<ProvisioningCode, Counter>,
    transitions: Family<Transition, Counter>,
    invalid_transitions: Family<Transition, Counter>,
    state_duration: Family<Transition, Histogram>,
    projects: Family<ProjectState, Gauge>,
    transitional_since: Family<ProjectState, Gauge>,
    failed_since: Family<(), Gauge>,
    quota_rejections: Family<QuotaKind, Counter>,
    /// Per state (transitional ones and `failed` only), the projects in it.
    pending: Mutex<[BTreeSet<Pending>; STATES]>,
    next_project: AtomicU64,
}

impl Inner {
    /// Moves a project's entry between the sets of the tracked states (transitional ones and
    /// `failed`; the others have none) and republishes the oldest entry time of each set it
    /// touched (0 when the set is empty).
    fn move_pending(
        &self,
        leave: Option<(ProjectState, Pending)>,
        enter: Option<(ProjectState, Pending)>,
    ) {
        let leave = leave.filter(|(state, _)| tracks_oldest(*state));
        let enter = enter.filter(|(state, _)| tracks_oldest(*state));
        if leave.is_none() && enter.is_none() {
            return;
        }
        let mut sets = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((state, key)) = leave {
            sets[state.index()].remove(&key);
            self.publish_oldest(&sets[state.index()], state);
        }
        if let Some((state, key)) = enter {
            sets[state.index()].insert(key);
            self.publish_oldest(&sets[state.index()], state);
        }
    }

    fn publish_oldest(&self, set: &BTreeSet<Pending>, state: ProjectState) {
        let oldest = set
            .first()
            .map_or(0.0, |(nanos, _)| Duration::from_nanos(*nanos).as_secs_f64());
        if state == ProjectState::Failed {
            self.failed_since.get(()).set(oldest);
        } else {
            self.transitional_since.get(state).set(oldest);
        }
    }
}

/// Whether the oldest project in `state` is published: transitional states (stuck work) and
/// `failed` (a broken project waiting for a retry or a deletion).
fn tracks_oldest(state: ProjectState) -> bool {
    state.is_transitional() || state == ProjectState::Failed
}

fn unix_nanos(t: SystemTime) -> u64 {
    t.duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

/// The Cloud Suite's probes. Create them once per process at start (or inside a test
/// capture): they register every handle and keep the process's oldest-transitional
/// timestamps. Cloning is cheap and shares everything.
#[derive(Debug, Clone)]
pub struct CloudProbes {
    inner: Arc<Inner>,
}

impl Default for CloudProbes {
    fn default() -> Self {
        Self::new()
    }
}

impl CloudProbes {
    /// Registers every handle: once per label combination, and for the transition metrics
    /// only the pairs the lifecycle allows (respectively forbids).
    pub fn new() -> Self {
        let allowed = |(from, to): Transition| from.0.can_become(to.0);
        let inner = Inner {
            account_duration: Family::register(&ACCOUNT_CREATION_DURATION),
            account_errors: Family::register(&ACCOUNT_CREATION_ERRORS),
            provisioning_duration: Family::register(&PROVISIONING_DURATION),
            provisioning_errors: Family::register(&PROVISIONING_ERRORS),
            transitions: Family::register_where(&PROJECT_TRANSITIONS, &[], allowed),
            invalid_transitions: Family::register_where(&INVALID_TRANSITIONS, &[], |t| !allowed(t)),
            state_duration: Family::register_where(&STATE_DURATION, &[], allowed),
            projects: Family::register(&PROJECTS),
            transitional_since: Family::register_where(
                &TRANSITIONAL_SINCE,
                &[],
                ProjectState::is_transitional,
            ),
            failed_since: Family::register(&FAILED_SINCE),
            quota_rejections: Family::register(&QUOTA_REJECTIONS),
            pending: Mutex::default(),
            next_project: AtomicU64::new(0),
        };
        Self {
            inner: Arc::new(inner),
        }
    }

    /// Starts creating one account signing up with `method`. The account id is known at the
    /// end: pass it to [`AccountCreation::ok`].
    pub fn account_creation(&self, method: SignupMethod) -> AccountCreation<'_> {
        let op = telemetry_core::operation!(
            ACCOUNT_SPAN,
            METHOD_ATTR = method.as_str(),
            ACCOUNT_ATTR = tracing::field::Empty,
        );
        AccountCreation::new(&self.inner, method, op)
    }

    /// Starts tracking a newly requested project: it enters `requested` now. The project id
    /// goes on spans and logs only.
    pub fn project(&self, project_id: &str) -> ProjectLifecycle {
        self.track(project_id, ProjectState::Requested, None)
    }

    /// Tracks a project this process did not create (loaded at start, handed over by another
    /// worker): it has been in `state` since `since`. No transition is recorded; the
    /// per-state gauge and, for a transitional state, the oldest-entry timestamp count it
    /// from now on, so a project stuck before a restart stays visible. A resumed project in
    /// `provisioning` has no provisioning guard: finish it with
    /// [`ProjectLifecycle::transition`] to `active` or `failed` once the provisioner reports.
    pub fn resume_project(
        &self,
        project_id: &str,
        state: ProjectState,
        since: SystemTime,
    ) -> ProjectLifecycle {
        self.track(project_id, state, Some(since))
    }

    fn track(
        &self,
        project_id: &str,
        state: ProjectState,
        since: Option<SystemTime>,
    ) -> ProjectLifecycle {
        let recording = telemetry_core::enabled().then(|| {
            let inner = Arc::clone(&self.inner);
            let seq = inner.next_project.fetch_add(1, Ordering::Relaxed);
            let entered = unix_nanos(since.unwrap_or_else(SystemTime::now));
            inner.projects.get(state).increment(1.0);
            inner.move_pending(None, Some((state, (entered, seq))));
            Recording {
                inner,
                project_id: project_id.into(),
                seq,
                entered,
            }
        });
        ProjectLifecycle { state, recording }
    }

    /// Counts a request rejected by the `quota` limit outside provisioning (an invitation
    /// beyond the seats, a dashboard beyond the plan). Put the account on the caller's span
    /// or log. A provisioning failed by a quota counts itself: see
    /// [`ProvisioningFailure::QuotaExceeded`].
    pub fn quota_rejected(&self, quota: QuotaKind) {
        self.inner.quota_rejections.get(quota).increment(1);
    }
}

telemetry_core::probe_guard! {
    /// One account creation in flight. Finish it with [`ok`](Self::ok) or
    /// [`fail`](Self::fail); dropped without, it records `abandoned`.
    #[must_use = "finish the account creation with ok(account_id) or fail(failure), or it records `abandoned`"]
    pub struct AccountCreation<'p> {
        inner: &'p Inner,
        method: SignupMethod,
    }
    drop(&mut self, elapsed) {
        self.duration(Outcome::Abandoned, elapsed);
    }
}

impl AccountCreation<'_> {
    fn duration(&self, outcome: Outcome, elapsed: Duration) {
        let key = (self.method, outcome);
        self.inner.account_duration.get(key).record(elapsed);
    }

    /// The account `account_id` was created (the id goes on the span only).
    pub fn ok(mut self, account_id: &str) {
        if let Some(elapsed) = self.op.finish() {
            self.op.span().record(ACCOUNT_ATTR.key, account_id);
            self.duration(Outcome::Success, elapsed);
        }
    }

    /// The account creation failed: `error.type` on the span, the error counted by method
    /// and code.
    pub fn fail(mut self, failure: AccountFailure) {
        if let Some(elapsed) = self.op.fail(failure.code()) {
            let key = (self.method, failure);
            self.inner.account_errors.get(key).increment(1);
            self.duration(Outcome::Failed, elapsed);
        }
    }
}

#[derive(Debug)]
struct Recording {
    inner: Arc<Inner>,
    project_id: Box<str>,
    seq: u64,
    /// When the project entered its current state, in Unix nanoseconds.
    entered: u64,
}

/// One project's lifecycle, as this process sees it: its state, validated on every
/// transition against [`TRANSITIONS`]. Keep it with the project for as long as this process
/// works on it; dropping it takes the project out of the per-state gauge (no transition is
/// recorded).
#[derive(Debug)]
pub struct ProjectLifecycle {
    state: ProjectState,
    recording: Option<Recording>,
}

impl ProjectLifecycle {
    /// The project's current state.
    pub fn state(&self) -> ProjectState {
        self.state
    }

    /// Moves the project to `to`. Allowed: counts the transition, records the time spent in
    /// the state it leaves, moves the per-state gauge and emits a transition span. Forbidden:
    /// the project keeps its state, the attempt is counted as an invalid transition, the
    /// transition span carries `error.type = invalid_lifecycle_transition` and an error log
    /// is written inside it.
    ///
    /// # Errors
    /// [`InvalidTransition`] when the lifecycle forbids `state() -> to`.
    pub fn transition(&mut self, to: ProjectState) -> Result<(), InvalidTransition> {
        self.apply(to, None)
    }

    /// Starts provisioning the project: moves it to `provisioning` (from `requested`, or from
    /// `failed` as a retry) inside a provisioning span. Finish with
    /// [`Provisioning::ok`] (to `active`) or [`Provisioning::fail`] (to `failed`); dropped
    /// without, it records `abandoned` and the project stays `provisioning`, where the
    /// oldest-transitional timestamp shows it stuck.
    ///
    /// # Errors
    /// [`InvalidTransition`] when the project cannot move to `provisioning` (recorded as
    /// [`transition`](Self::transition) does; nothing is provisioned).
    pub fn provision(&mut self) -> Result<Provisioning<'_>, InvalidTransition> {
        if !self.state.can_become(ProjectState::Provisioning) {
            return Err(self.reject(ProjectState::Provisioning, None));
        }
        let attempt = if self.state == ProjectState::Failed {
            Attempt::Retry
        } else {
            Attempt::First
        };
        let op = match &self.recording {
            Some(rec) => Operation::start(telemetry_core::probe_span!(
                PROVISION_SPAN,
                PROJECT_ATTR = &*rec.project_id,
                ATTEMPT_ATTR = attempt.as_str(),
                QUOTA_ATTR = tracing::field::Empty,
            )),
            None => Operation::disabled(),
        };
        let entered = self.apply(ProjectState::Provisioning, Some(op.span()));
        debug_assert!(entered.is_ok(), "checked above");
        Ok(Provisioning::new(self, attempt, op))
    }

    /// Records a forbidden transition attempt (counter, failed span, error log) and returns
    /// the error; the state is untouched.
    fn reject(&self, to: ProjectState, parent: Option<&tracing::Span>) -> InvalidTransition {
        let from = self.state;
        if let Some(rec) = &self.recording {
            let key = (FromState(from), ToState(to));
            rec.inner.invalid_transitions.get(key).increment(1);
            let span = transition_span(parent, &rec.project_id, from, to, None);
            record_on_span(&span, CloudError::InvalidLifecycleTransition);
            span.in_scope(|| {
                tracing::event!(
                    name: TRANSITION_REJECTED_EVENT.name,
                    tracing::Level::ERROR,
                    {
                        { PROJECT_ATTR.key } = &*rec.project_id,
                        { FROM_ATTR.key } = from.as_str(),
                        { TO_ATTR.key } = to.as_str(),
                    },
                    "invalid project lifecycle transition {from} -> {to} rejected; the project stays {from}"
                );
            });
        }
        InvalidTransition { from, to }
    }

    fn apply(
        &mut self,
        to: ProjectState,
        parent: Option<&tracing::Span>,
    ) -> Result<(), InvalidTransition> {
        let from = self.state;
        if !from.can_become(to) {
            return Err(self.reject(to, parent));
        }
        self.state = to;
        if let Some(rec) = &mut self.recording {
            let now = unix_nanos(SystemTime::now());
            let dwell = Duration::from_nanos(now.saturating_sub(rec.entered));
            let (inner, key) = (&rec.inner, (FromState(from), ToState(to)));
            inner.transitions.get(key).increment(1);
            inner.state_duration.get(key).record(dwell);
            inner.projects.get(from).decrement(1.0);
            inner.projects.get(to).increment(1.0);
            let (left, entered) = ((from, (rec.entered, rec.seq)), (to, (now, rec.seq)));
            inner.move_pending(Some(left), Some(entered));
            rec.entered = now;
            let _span = transition_span(parent, &rec.project_id, from, to, Some(dwell));
        }
        Ok(())
    }
}

/// The (already ended when dropped) span of one transition attempt.
fn transition_span(
    parent: Option<&tracing::Span>,
    project_id: &str,
    from: ProjectState,
    to: ProjectState,
    dwell: Option<Duration>,
) -> tracing::Span {
    let (from, to) = (from.as_str(), to.as_str());
    let span = match parent {
        Some(parent) => telemetry_core::probe_span!(
            parent: parent,
            TRANSITION_SPAN,
            PROJECT_ATTR = project_id,
            FROM_ATTR = from,
            TO_ATTR = to,
        ),
        None => telemetry_core::probe_span!(
            TRANSITION_SPAN,
            PROJECT_ATTR = project_id,
            FROM_ATTR = from,
            TO_ATTR = to,
        ),
    };
    if let Some(dwell) = dwell {
        span.set_attribute(DWELL_ATTR.key, saturating_i64(dwell.as_millis()));
    }
    span
}

impl Drop for ProjectLifecycle {
    fn drop(&mut self) {
        if let Some(rec) = &self.recording {
            rec.inner.projects.get(self.state).decrement(1.0);
            rec.inner
                .move_pending(Some((self.state, (rec.entered, rec.seq))), None);
        }
    }
}

telemetry_core::probe_guard! {
    /// One provisioning in flight; the project is `provisioning`. Finish it with
    /// [`ok`](Self::ok) or [`fail`](Self::fail); dropped without, it records `abandoned` and
    /// the project stays `provisioning`.
    #[must_use = "finish the provisioning with ok() or fail(failure), or it records `abandoned` and the project stays provisioning"]
    pub struct Provisioning<'a> {
        project: &'a mut ProjectLifecycle,
        attempt: Attempt,
    }
    drop(&mut self, elapsed) {
        self.duration(Outcome::Abandoned, elapsed);
    }
}

impl Provisioning<'_> {
    /// Whether this is the project's first provisioning or a retry from `failed`.
    pub fn attempt(&self) -> Attempt {
        self.attempt
    }

    fn duration(&self, outcome: Outcome, elapsed: Duration) {
        if let Some(rec) = &self.project.recording {
            let key = (self.attempt, outcome);
            rec.inner.provisioning_duration.get(key).record(elapsed);
        }
    }

    /// The project is provisioned: it moves to `active`.
    pub fn ok(mut self) {
        let elapsed = self.op.finish();
        let moved = self
            .project
            .apply(ProjectState::Active, Some(self.op.span()));
        debug_assert!(moved.is_ok(), "provisioning -> active is allowed");
        if let Some(elapsed) = elapsed {
            self.duration(Outcome::Success, elapsed);
        }
    }

    /// Provisioning failed: `error.type` on the span (and the quota, for a quota), the error
    /// counted by code, a quota counted by kind; the project moves to `failed`, from where it
    /// can be retried or deleted.
    pub fn fail(mut self, failure: ProvisioningFailure) {
        let elapsed = self.op.fail(failure.code());
        if let (Some(rec), Some(elapsed)) = (&self.project.recording, elapsed) {
            let inner = &rec.inner;
            if let ProvisioningFailure::QuotaExceeded(quota) = failure {
                self.op.span().record(QUOTA_ATTR.key, quota.as_str());
                inner.quota_rejections.get(quota).increment(1);
            }
            inner.provisioning_errors.get(failure.label()).increment(1);
            self.duration(Outcome::Failed, elapsed);
        }
        let moved = self
            .project
            .apply(ProjectState::Failed, Some(self.op.span()));
        debug_assert!(moved.is_ok(), "provisioning -> failed is allowed");
    }
}

/// The README's example compiles and runs as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
