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
//! minutes".
//!
//! ## Cost
//!
//! Every operation is a guard started with its context and finished with an outcome; a
//! guard dropped without one records `abandoned`. Metrics go through handles registered once
//! per label combination in [`CloudProbes::new`]: recording is an array index and an atomic
//! update. Account and project ids go on spans only. A transition also takes a short lock to
//! keep the oldest-transitional timestamps. When telemetry is disabled the guards do no work
//! beyond one check, and the lifecycle only validates (the state machine is enforced either
//! way).

pub mod catalog;

use metrics::{Counter, Gauge, Histogram};
use std::array;
use std::collections::BTreeSet;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use telemetry_core::errors::record_on_span;
use telemetry_core::probe::Operation;
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

telemetry_core::label_enum! {
    /// A project's lifecycle state (the `state`, `from` and `to` labels).
    pub enum ProjectState {
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

const STATES: usize = ProjectState::ALL.len();
const TRANSITIONAL: usize = TRANSITIONAL_STATES.len();

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
    /// in it): `requested`, `provisioning`, `deleting`.
    pub const fn is_transitional(self) -> bool {
        self.transitional_slot().is_some()
    }

    /// The position in [`TRANSITIONAL_STATES`].
    const fn transitional_slot(self) -> Option<usize> {
        match self {
            ProjectState::Requested => Some(0),
            ProjectState::Provisioning => Some(1),
            ProjectState::Deleting => Some(2),
            _ => None,
        }
    }
}

telemetry_core::label_enum! {
    /// How an account signed up (the `method` label).
    pub enum SignupMethod {
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
    /// A plan limit (the `quota` label).
    pub enum QuotaKind {
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
    /// How an account creation or a provisioning ended (the `outcome` label).
    pub enum Outcome {
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
    pub enum Attempt {
        /// From `requested`.
        First = "first",
        /// From `failed`.
        Retry = "retry",
    }
}

use crate::catalog::{BILLING, CLOUD_SUITE};
telemetry_core::error_codes! {
    /// The Cloud Suite's error codes (owner: cloud-suite; payment: billing).
    pub enum CloudError for "cloud" {
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
            "The account reached a plan limit (the `quota` label or attribute says which).",
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

telemetry_core::label_enum! {
    /// Why an account creation failed: each is a [`CloudError`] code (the `error.type` label
    /// of `dataface.cloud.account.creation.errors`).
    pub enum AccountFailure {
        /// An account already exists for this identity.
        AlreadyExists = "account_already_exists",
        /// The identity provider failed.
        IdentityProviderUnavailable = "identity_provider_unavailable",
        /// A paid plan's payment method was declined.
        PaymentRequired = "payment_required",
    }
}

impl AccountFailure {
    /// The error code.
    pub const fn code(self) -> CloudError {
        match self {
            AccountFailure::AlreadyExists => CloudError::AccountAlreadyExists,
            AccountFailure::IdentityProviderUnavailable => CloudError::IdentityProviderUnavailable,
            AccountFailure::PaymentRequired => CloudError::PaymentRequired,
        }
    }
}

impl From<AccountFailure> for CloudError {
    fn from(f: AccountFailure) -> Self {
        f.code()
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

/// The `error.type` values of `dataface.cloud.provisioning.errors`, in
/// [`ProvisioningFailure`] order.
pub const PROVISIONING_CODES: &[&str] = &[
    "provisioning_failed",
    "provisioning_timeout",
    "quota_exceeded",
    "payment_required",
];

impl ProvisioningFailure {
    /// The error code.
    pub const fn code(self) -> CloudError {
        match self {
            ProvisioningFailure::Failed => CloudError::ProvisioningFailed,
            ProvisioningFailure::TimedOut => CloudError::ProvisioningTimeout,
            ProvisioningFailure::QuotaExceeded(_) => CloudError::QuotaExceeded,
            ProvisioningFailure::PaymentRequired => CloudError::PaymentRequired,
        }
    }

    /// The position in [`PROVISIONING_CODES`].
    const fn index(self) -> usize {
        match self {
            ProvisioningFailure::Failed => 0,
            ProvisioningFailure::TimedOut => 1,
            ProvisioningFailure::QuotaExceeded(_) => 2,
            ProvisioningFailure::PaymentRequired => 3,
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

const METHODS: usize = SignupMethod::ALL.len();
const OUTCOMES: usize = Outcome::ALL.len();
const ATTEMPTS: usize = Attempt::ALL.len();
const ACCOUNT_FAILURES: usize = AccountFailure::ALL.len();
const PROVISIONING_FAILURES: usize = PROVISIONING_CODES.len();
const QUOTAS: usize = QuotaKind::ALL.len();

/// A project in a transitional state: when it entered it (Unix nanoseconds) and which
/// project (a process-unique number).
type Pending = (u64, u64);

#[derive(Debug)]
struct Inner {
    account_duration: [[Histogram; OUTCOMES]; METHODS],
    account_errors: [[Counter; ACCOUNT_FAILURES]; METHODS],
    provisioning_duration: [[Histogram; OUTCOMES]; ATTEMPTS],
    provisioning_errors: [Counter; PROVISIONING_FAILURES],
    transitions: [[Counter; STATES]; STATES],
    invalid_transitions: [[Counter; STATES]; STATES],
    state_duration: [[Histogram; STATES]; STATES],
    projects: [Gauge; STATES],
    transitional_since: [Gauge; TRANSITIONAL],
    quota_rejections: [Counter; QUOTAS],
    pending: Mutex<[BTreeSet<Pending>; TRANSITIONAL]>,
    next_project: AtomicU64,
}

impl Inner {
    /// Moves a project's entry between the transitional sets and republishes the oldest
    /// entry time of each set it touched (0 when the set is empty).
    fn move_pending(&self, leave: Option<(usize, Pending)>, enter: Option<(usize, Pending)>) {
        if leave.is_none() && enter.is_none() {
            return;
        }
        let mut sets = self.pending.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((slot, key)) = leave {
            sets[slot].remove(&key);
            self.publish_oldest(&sets[slot], slot);
        }
        if let Some((slot, key)) = enter {
            sets[slot].insert(key);
            self.publish_oldest(&sets[slot], slot);
        }
    }

    fn publish_oldest(&self, set: &BTreeSet<Pending>, slot: usize) {
        let oldest = set
            .first()
            .map_or(0.0, |(nanos, _)| Duration::from_nanos(*nanos).as_secs_f64());
        self.transitional_since[slot].set(oldest);
    }
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
        use catalog::*;
        let state = |i: usize| ProjectState::ALL[i];
        let inner = Inner {
            account_duration: array::from_fn(|m| {
                array::from_fn(|o| {
                    metrics::histogram!(ACCOUNT_CREATION_DURATION.name,
                        "method" => SignupMethod::ALL[m].as_str(),
                        "outcome" => Outcome::ALL[o].as_str())
                })
            }),
            account_errors: array::from_fn(|m| {
                array::from_fn(|e| {
                    metrics::counter!(ACCOUNT_CREATION_ERRORS.name,
                        "method" => SignupMethod::ALL[m].as_str(),
                        "error.type" => AccountFailure::VALUES[e])
                })
            }),
            provisioning_duration: array::from_fn(|a| {
                array::from_fn(|o| {
                    metrics::histogram!(PROVISIONING_DURATION.name,
                        "attempt" => Attempt::ALL[a].as_str(),
                        "outcome" => Outcome::ALL[o].as_str())
                })
            }),
            provisioning_errors: array::from_fn(
                |e| metrics::counter!(PROVISIONING_ERRORS.name, "error.type" => PROVISIONING_CODES[e]),
            ),
            transitions: array::from_fn(|f| {
                array::from_fn(|t| {
                    if state(f).can_become(state(t)) {
                        metrics::counter!(PROJECT_TRANSITIONS.name,
                            "from" => state(f).as_str(), "to" => state(t).as_str())
                    } else {
                        Counter::noop()
                    }
                })
            }),
            invalid_transitions: array::from_fn(|f| {
                array::from_fn(|t| {
                    if state(f).can_become(state(t)) {
                        Counter::noop()
                    } else {
                        metrics::counter!(INVALID_TRANSITIONS.name,
                            "from" => state(f).as_str(), "to" => state(t).as_str())
                    }
                })
            }),
            state_duration: array::from_fn(|f| {
                array::from_fn(|t| {
                    if state(f).can_become(state(t)) {
                        metrics::histogram!(STATE_DURATION.name,
                            "from" => state(f).as_str(), "to" => state(t).as_str())
                    } else {
                        Histogram::noop()
                    }
                })
            }),
            projects: array::from_fn(
                |s| metrics::gauge!(PROJECTS.name, "state" => state(s).as_str()),
            ),
            transitional_since: array::from_fn(|s| {
                metrics::gauge!(TRANSITIONAL_SINCE.name,
                    "state" => TRANSITIONAL_STATES[s].as_str())
            }),
            quota_rejections: array::from_fn(
                |q| metrics::counter!(QUOTA_REJECTIONS.name, "quota" => QuotaKind::ALL[q].as_str()),
            ),
            pending: Mutex::new(array::from_fn(|_| BTreeSet::new())),
            next_project: AtomicU64::new(0),
        };
        Self {
            inner: Arc::new(inner),
        }
    }

    /// Starts creating one account signing up with `method`. The account id is known at the
    /// end: pass it to [`AccountCreation::ok`].
    pub fn account_creation(&self, method: SignupMethod) -> AccountCreation<'_> {
        let op = if telemetry_core::enabled() {
            Operation::start(tracing::info_span!(
                "dataface.cloud.account.create",
                dataface.cloud.signup.method = method.as_str(),
                dataface.account.id = tracing::field::Empty,
            ))
        } else {
            Operation::disabled()
        };
        AccountCreation {
            inner: &self.inner,
            method,
            op,
        }
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
            inner.projects[state.index()].increment(1.0);
            inner.move_pending(None, state.transitional_slot().map(|s| (s, (entered, seq))));
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
        self.inner.quota_rejections[quota.index()].increment(1);
    }
}

/// One account creation in flight. Finish it with [`ok`](Self::ok) or [`fail`](Self::fail);
/// dropped without, it records `abandoned`.
#[derive(Debug)]
#[must_use = "finish the account creation with ok(account_id) or fail(failure), or it records `abandoned`"]
pub struct AccountCreation<'p> {
    inner: &'p Inner,
    method: SignupMethod,
    op: Operation,
}

impl AccountCreation<'_> {
    /// The account creation span: enter it around the work so its logs correlate.
    pub fn span(&self) -> &tracing::Span {
        self.op.span()
    }

    /// The account `account_id` was created (the id goes on the span only).
    pub fn ok(mut self, account_id: &str) {
        if let Some(elapsed) = self.op.finish() {
            self.op.span().record("dataface.account.id", account_id);
            self.inner.account_duration[self.method.index()][Outcome::Success.index()]
                .record(elapsed.as_secs_f64());
        }
    }

    /// The account creation failed: `error.type` on the span, the error counted by method
    /// and code.
    pub fn fail(mut self, failure: AccountFailure) {
        if let Some(elapsed) = self.op.fail(failure.code()) {
            let m = self.method.index();
            self.inner.account_errors[m][failure.index()].increment(1);
            self.inner.account_duration[m][Outcome::Failed.index()].record(elapsed.as_secs_f64());
        }
    }
}

impl Drop for AccountCreation<'_> {
    fn drop(&mut self) {
        if let Some(elapsed) = self.op.abandon() {
            self.inner.account_duration[self.method.index()][Outcome::Abandoned.index()]
                .record(elapsed.as_secs_f64());
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
            Some(rec) => Operation::start(tracing::info_span!(
                "dataface.cloud.project.provision",
                dataface.project.id = &*rec.project_id,
                dataface.cloud.provisioning.attempt = attempt.as_str(),
                dataface.cloud.quota = tracing::field::Empty,
            )),
            None => Operation::disabled(),
        };
        let entered = self.apply(ProjectState::Provisioning, Some(op.span()));
        debug_assert!(entered.is_ok(), "checked above");
        Ok(Provisioning {
            project: self,
            attempt,
            op,
        })
    }

    /// Records a forbidden transition attempt (counter, failed span, error log) and returns
    /// the error; the state is untouched.
    fn reject(&self, to: ProjectState, parent: Option<&tracing::Span>) -> InvalidTransition {
        let from = self.state;
        if let Some(rec) = &self.recording {
            rec.inner.invalid_transitions[from.index()][to.index()].increment(1);
            let span = transition_span(parent, &rec.project_id, from, to, None);
            record_on_span(&span, CloudError::InvalidLifecycleTransition);
            span.in_scope(|| {
                tracing::error!(
                    dataface.project.id = &*rec.project_id,
                    from = from.as_str(),
                    to = to.as_str(),
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
            let (f, t) = (from.index(), to.index());
            let inner = &rec.inner;
            inner.transitions[f][t].increment(1);
            inner.state_duration[f][t].record(dwell.as_secs_f64());
            inner.projects[f].decrement(1.0);
            inner.projects[t].increment(1.0);
            inner.move_pending(
                from.transitional_slot()
                    .map(|s| (s, (rec.entered, rec.seq))),
                to.transitional_slot().map(|s| (s, (now, rec.seq))),
            );
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
    let span = match parent {
        Some(parent) => tracing::info_span!(
            parent: parent,
            "dataface.cloud.project.transition",
            dataface.project.id = project_id,
            dataface.cloud.project.from = from.as_str(),
            dataface.cloud.project.to = to.as_str(),
        ),
        None => tracing::info_span!(
            "dataface.cloud.project.transition",
            dataface.project.id = project_id,
            dataface.cloud.project.from = from.as_str(),
            dataface.cloud.project.to = to.as_str(),
        ),
    };
    if let Some(dwell) = dwell {
        span.set_attribute(
            "dataface.cloud.transition.dwell_ms",
            i64::try_from(dwell.as_millis()).unwrap_or(i64::MAX),
        );
    }
    span
}

impl Drop for ProjectLifecycle {
    fn drop(&mut self) {
        if let Some(rec) = &self.recording {
            rec.inner.projects[self.state.index()].decrement(1.0);
            rec.inner.move_pending(
                self.state
                    .transitional_slot()
                    .map(|s| (s, (rec.entered, rec.seq))),
                None,
            );
        }
    }
}

/// One provisioning in flight; the project is `provisioning`. Finish it with
/// [`ok`](Self::ok) or [`fail`](Self::fail); dropped without, it records `abandoned` and the
/// project stays `provisioning`.
#[derive(Debug)]
#[must_use = "finish the provisioning with ok() or fail(failure), or it records `abandoned` and the project stays provisioning"]
pub struct Provisioning<'a> {
    project: &'a mut ProjectLifecycle,
    attempt: Attempt,
    op: Operation,
}

impl Provisioning<'_> {
    /// The provisioning span: enter it around the work so its logs correlate.
    pub fn span(&self) -> &tracing::Span {
        self.op.span()
    }

    /// Whether this is the project's first provisioning or a retry from `failed`.
    pub fn attempt(&self) -> Attempt {
        self.attempt
    }

    /// The project is provisioned: it moves to `active`.
    pub fn ok(mut self) {
        let elapsed = self.op.finish();
        let moved = self
            .project
            .apply(ProjectState::Active, Some(self.op.span()));
        debug_assert!(moved.is_ok(), "provisioning -> active is allowed");
        if let (Some(rec), Some(elapsed)) = (&self.project.recording, elapsed) {
            rec.inner.provisioning_duration[self.attempt.index()][Outcome::Success.index()]
                .record(elapsed.as_secs_f64());
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
                self.op
                    .span()
                    .record("dataface.cloud.quota", quota.as_str());
                inner.quota_rejections[quota.index()].increment(1);
            }
            inner.provisioning_errors[failure.index()].increment(1);
            inner.provisioning_duration[self.attempt.index()][Outcome::Failed.index()]
                .record(elapsed.as_secs_f64());
        }
        let moved = self
            .project
            .apply(ProjectState::Failed, Some(self.op.span()));
        debug_assert!(moved.is_ok(), "provisioning -> failed is allowed");
    }
}

impl Drop for Provisioning<'_> {
    fn drop(&mut self) {
        if let Some(elapsed) = self.op.abandon() {
            if let Some(rec) = &self.project.recording {
                rec.inner.provisioning_duration[self.attempt.index()][Outcome::Abandoned.index()]
                    .record(elapsed.as_secs_f64());
            }
        }
    }
}

/// The README's example compiles and runs as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
