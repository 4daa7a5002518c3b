//! Each surface's healthy traffic and the faults it can inject.

use super::{FaultSpec, Load, SimClock};
use crate::Surface;
use dataface_telemetry::cloud::{
    AccountFailure, CloudProbes, ProjectLifecycle, ProjectState, ProvisioningFailure, QuotaKind,
    SignupMethod,
};
use dataface_telemetry::compiler::{
    Adapter, CompileError, CompileOutcome, CompilerProbes, ContractVersion, RenderFormat, Stage,
};
use dataface_telemetry::context::{
    BreachAction, Consumer, ContextError, ContextProbes, ContractChange, Source,
};
use dataface_telemetry::integrations::{
    BillingError, BillingEventType, BillingGuard, DeployError, DomainError, Environment,
    IntegrationsProbes, WebhookEvent,
};
use dataface_telemetry::profiler::{
    Feedback, ProfilerProbes, RunOutcome, SemanticType, WarehouseType,
};
use std::time::{Duration, Instant, SystemTime};

const MINUTE: Duration = Duration::from_secs(60);
const HOUR: Duration = Duration::from_secs(3_600);
const DAY: Duration = Duration::from_secs(86_400);

fn on(active: &[String], fault: &str) -> bool {
    active.iter().any(|a| a == fault)
}

/// Whether a job due every `period` of simulated time is due, given when it last ran.
fn due(last: &mut Option<Instant>, clock: &SimClock, period: Duration) -> bool {
    let real = clock.real(period);
    match last {
        Some(t) if t.elapsed() < real => false,
        _ => {
            *last = Some(Instant::now());
            true
        }
    }
}

/// One surface's workload.
#[derive(Debug)]
pub enum SurfaceLoad {
    /// Task card 000.
    Compiler(Box<CompilerLoad>),
    /// Task card 001.
    Context(Box<ContextLoad>),
    /// Task card 004.
    Profiler(Box<ProfilerLoad>),
    /// Task card 003.
    Cloud(Box<CloudLoad>),
    /// Task card 002.
    Integrations(Box<IntegrationsLoad>),
}

impl SurfaceLoad {
    /// The workload of `surface`; its probes register their handles now, so start the
    /// telemetry pipeline first.
    pub fn new(surface: Surface) -> Self {
        match surface {
            Surface::Compiler => Self::Compiler(Box::new(CompilerLoad::new())),
            Surface::Context => Self::Context(Box::new(ContextLoad::new())),
            Surface::Profiler => Self::Profiler(Box::new(ProfilerLoad::new())),
            Surface::Cloud => Self::Cloud(Box::new(CloudLoad::new())),
            Surface::Integrations => Self::Integrations(Box::new(IntegrationsLoad::new())),
        }
    }

    fn load(&mut self) -> &mut dyn Load {
        match self {
            Self::Compiler(l) => l.as_mut(),
            Self::Context(l) => l.as_mut(),
            Self::Profiler(l) => l.as_mut(),
            Self::Cloud(l) => l.as_mut(),
            Self::Integrations(l) => l.as_mut(),
        }
    }

    fn load_ref(&self) -> &dyn Load {
        match self {
            Self::Compiler(l) => l.as_ref(),
            Self::Context(l) => l.as_ref(),
            Self::Profiler(l) => l.as_ref(),
            Self::Cloud(l) => l.as_ref(),
            Self::Integrations(l) => l.as_ref(),
        }
    }
}

impl Load for SurfaceLoad {
    fn faults(&self) -> &'static [FaultSpec] {
        self.load_ref().faults()
    }

    fn round(&mut self, clock: &SimClock, active: &[String]) {
        self.load().round(clock, active);
    }

    fn injected(&mut self, fault: &str, clock: &SimClock) {
        self.load().injected(fault, clock);
    }

    fn cleared(&mut self, fault: &str, clock: &SimClock) {
        self.load().cleared(fault, clock);
    }
}

// ---------------------------------------------------------------- compiler (card 000)

const CONTRACTS: [ContractVersion; 3] = [
    ContractVersion::V1_0,
    ContractVersion::V1_1,
    ContractVersion::V2_0,
];

/// The compiler: three contract versions compiled every round, a query per adapter in turn,
/// a render, and a background migration of 1.1 dashboards to 2.0.
#[derive(Debug)]
pub struct CompilerLoad {
    good: CompilerProbes,
    bad: CompilerProbes,
    n: u64,
}

impl CompilerLoad {
    fn new() -> Self {
        let good = CompilerProbes::new("2.4.0");
        for (contract, dashboards) in CONTRACTS.iter().zip([310, 1_250, 4_020]) {
            good.set_dashboards(*contract, dashboards);
        }
        Self {
            good,
            bad: CompilerProbes::with_supported(
                "2.5.0",
                &[ContractVersion::V1_1, ContractVersion::V2_0],
            ),
            n: 0,
        }
    }
}

impl Load for CompilerLoad {
    fn faults(&self) -> &'static [FaultSpec] {
        &[
            FaultSpec {
                name: "bad-release",
                effect: "release 2.5.0 goes live and drops contract 1.0: every 1.0 compile fails with unsupported_contract_version",
            },
            FaultSpec {
                name: "breaking-migration",
                effect: "the 1.1 -> 2.0 contract migration fails on every dashboard",
            },
            FaultSpec {
                name: "adapter-timeout",
                effect: "every Snowflake query times out; the other adapters stay healthy",
            },
            FaultSpec {
                name: "render-outage",
                effect: "every render fails with render_timeout",
            },
            FaultSpec {
                name: "user-typos",
                effect: "a newcomer wave: 4 compiles in 5 reference an undefined query",
            },
        ]
    }

    fn round(&mut self, _clock: &SimClock, active: &[String]) {
        let bad_release = on(active, "bad-release");
        let probes = if bad_release { &self.bad } else { &self.good };
        for contract in CONTRACTS {
            self.n += 1;
            let n = self.n;
            let mut compile = probes.compile(contract, &format!("dash-{:04}", n % 5_000));
            compile.stage(Stage::Parse).ok();
            let typo = if on(active, "user-typos") {
                n % 5 != 0
            } else {
                n % 199 == 0
            };
            if typo {
                compile
                    .stage(Stage::Resolve)
                    .fail(CompileError::UnknownQuery);
                compile.finish(CompileOutcome::Failed(CompileError::UnknownQuery));
                continue;
            }
            if bad_release && contract == ContractVersion::V1_0 {
                let code = CompileError::UnsupportedContractVersion;
                compile.stage(Stage::Normalize).fail(code);
                compile.finish(CompileOutcome::Failed(code));
                continue;
            }
            compile.stage(Stage::Normalize).ok();
            compile.stage(Stage::Resolve).ok();
            compile.finish(CompileOutcome::Success);
        }
        // The background migration of 1.1 dashboards.
        let migration = probes.migration(ContractVersion::V1_1, ContractVersion::V2_0);
        if on(active, "breaking-migration") {
            migration.fail(CompileError::MigrationFailed);
        } else {
            migration.ok();
        }
        let adapter = Adapter::ALL[(self.n / 3 % Adapter::ALL.len() as u64) as usize];
        let query = probes.query(adapter);
        if adapter == Adapter::Snowflake && on(active, "adapter-timeout") {
            query.fail(CompileError::QueryTimeout);
        } else {
            query.ok(self.n * 37 % 5_000);
        }
        let render = probes.render(RenderFormat::Html);
        if on(active, "render-outage") {
            render.fail(CompileError::RenderTimeout);
        } else {
            render.ok();
        }
    }

    fn cleared(&mut self, _fault: &str, _clock: &SimClock) {}
}

// ---------------------------------------------------------------- context (card 001)

const CONSUMERS: [Consumer; 3] = [Consumer::Dashboards, Consumer::Mcp, Consumer::Ide];
const SOURCES: [Source; 4] = [
    Source::WarehouseSchema,
    Source::Profiles,
    Source::DbtManifest,
    Source::Contracts,
];

/// The context catalog: resolutions for every consumer, an AI context for the MCP server,
/// an enrichment run every round, every source refreshed every 10 simulated minutes, an
/// additive contract change now and then.
#[derive(Debug)]
pub struct ContextLoad {
    probes: ContextProbes,
    refreshed: [Option<Instant>; 4],
    changed: Option<Instant>,
}

impl ContextLoad {
    fn new() -> Self {
        Self {
            probes: ContextProbes::new(),
            refreshed: [None; 4],
            changed: None,
        }
    }
}

const KIB: u64 = 1_024;

impl Load for ContextLoad {
    fn faults(&self) -> &'static [FaultSpec] {
        &[
            FaultSpec {
                name: "source-stale",
                effect: "the `profiles` source stops refreshing",
            },
            FaultSpec {
                name: "mcp-over-limit",
                effect: "the `orders` contract grew: every MCP context is 600 KiB, over the 512 KiB hard limit, and is rejected",
            },
            FaultSpec {
                name: "mcp-truncated",
                effect: "every MCP context is 300 KiB, over the 256 KiB soft limit, and is truncated",
            },
            FaultSpec {
                name: "breaking-contract-change",
                effect: "a contract renames orders.customer_id (a breaking change) again and again",
            },
            FaultSpec {
                name: "enrichment-failing",
                effect: "every enrichment run fails (the provider is down)",
            },
            FaultSpec {
                name: "mcp-resolution-failing",
                effect: "every MCP schema resolution times out; dashboards and the IDE stay healthy",
            },
            FaultSpec {
                name: "stale-profiles-served",
                effect: "the IDE's and dashboards' resolutions serve profile data two days old, past its freshness budget",
            },
        ]
    }

    fn round(&mut self, clock: &SimClock, active: &[String]) {
        let p = &self.probes;
        for consumer in CONSUMERS {
            let r = p.resolve(consumer, "analytics.orders");
            if consumer == Consumer::Mcp && on(active, "mcp-resolution-failing") {
                r.fail(ContextError::SchemaResolutionTimeout);
            } else if consumer != Consumer::Mcp && on(active, "stale-profiles-served") {
                r.served_stale_profile(2 * DAY);
            } else {
                r.resolved();
            }
        }
        // The MCP server rejects a context over its 512 KiB hard limit; with the soft limit
        // of 256 KiB switched on it truncates instead.
        let (size, limit, on_breach) = if on(active, "mcp-over-limit") {
            (600 * KIB, 512 * KIB, BreachAction::Rejected)
        } else if on(active, "mcp-truncated") {
            (300 * KIB, 256 * KIB, BreachAction::Truncated)
        } else {
            (180 * KIB, 512 * KIB, BreachAction::Rejected)
        };
        let _ = p
            .context(Consumer::Mcp, "analytics.orders")
            .deliver(size, limit, on_breach);
        let enrichment = p.enrichment("analytics");
        if on(active, "enrichment-failing") {
            enrichment.fail(ContextError::EnrichmentFailed);
        } else {
            enrichment.succeeded(40);
        }
        for (i, source) in SOURCES.iter().enumerate() {
            if *source == Source::Profiles && on(active, "source-stale") {
                continue;
            }
            if due(&mut self.refreshed[i], clock, 10 * MINUTE) {
                p.refresh(*source, "prod").succeeded(1_200);
            }
        }
        if on(active, "breaking-contract-change") {
            p.contract_change(ContractChange::Breaking, "orders");
        } else if due(&mut self.changed, clock, HOUR) {
            p.contract_change(ContractChange::Additive, "orders");
        }
    }

    fn cleared(&mut self, _fault: &str, _clock: &SimClock) {}
}

// ---------------------------------------------------------------- profiler (card 004)

/// Every declared warehouse type: the profiles-stale objective is judged per type, and a
/// type the fleet never profiles reads 0 ("nothing since start") and fires after its bound.
const WAREHOUSES: [WarehouseType; 7] = [
    WarehouseType::Snowflake,
    WarehouseType::BigQuery,
    WarehouseType::PostgreSql,
    WarehouseType::Redshift,
    WarehouseType::DuckDb,
    WarehouseType::File,
    WarehouseType::Other,
];

/// The profiler: a run per declared warehouse type every round, analysts' feedback, a report.
#[derive(Debug)]
pub struct ProfilerLoad {
    probes: ProfilerProbes,
    n: u64,
}

impl ProfilerLoad {
    fn new() -> Self {
        Self {
            probes: ProfilerProbes::new(),
            n: 0,
        }
    }
}

impl Load for ProfilerLoad {
    fn faults(&self) -> &'static [FaultSpec] {
        &[
            FaultSpec {
                name: "snowflake-timeout",
                effect: "every Snowflake profile passes its deadline; BigQuery and PostgreSQL stay healthy",
            },
            FaultSpec {
                name: "semantic-corrections",
                effect: "analysts correct every detected postal code (the columns hold quantities)",
            },
            FaultSpec {
                name: "report-failing",
                effect: "every inspector report fails to render",
            },
            FaultSpec {
                name: "bigquery-stale",
                effect: "the BigQuery profiling schedule stops: no BigQuery profile succeeds any more",
            },
        ]
    }

    fn round(&mut self, _clock: &SimClock, active: &[String]) {
        let p = &self.probes;
        self.n += 1;
        for warehouse in WAREHOUSES {
            if warehouse == WarehouseType::BigQuery && on(active, "bigquery-stale") {
                continue;
            }
            let mut run = p.profile_run(warehouse, "analytics.orders", Duration::from_secs(600));
            run.column_profiled("order_id");
            run.rows_profiled(10_000);
            if warehouse == WarehouseType::Snowflake && on(active, "snowflake-timeout") {
                run.finish(RunOutcome::TimedOut);
            } else {
                run.finish(RunOutcome::Success);
            }
        }
        let feedback = if on(active, "semantic-corrections") {
            Feedback::Corrected {
                to: SemanticType::Quantity,
            }
        } else {
            Feedback::Confirmed
        };
        p.feedback(SemanticType::PostalCode, feedback, "orders.zip");
        let report = p.report(WarehouseType::Snowflake, "analytics.orders");
        if on(active, "report-failing") {
            report.fail(dataface_telemetry::profiler::ProfileError::ReportRenderFailed);
        } else {
            report.ok();
        }
    }

    fn cleared(&mut self, _fault: &str, _clock: &SimClock) {}
}

// ---------------------------------------------------------------- cloud (card 003)

/// The Cloud Suite: a sign-up per round (email, Google, GitHub in turn), a project
/// requested, provisioned and later deleted per round.
#[derive(Debug)]
pub struct CloudLoad {
    probes: CloudProbes,
    n: u64,
    stuck: Option<ProjectLifecycle>,
    stuck_deleting: Option<ProjectLifecycle>,
    left_failed: Option<ProjectLifecycle>,
    live: Vec<ProjectLifecycle>,
}

impl CloudLoad {
    fn new() -> Self {
        Self {
            probes: CloudProbes::new(),
            n: 0,
            stuck: None,
            stuck_deleting: None,
            left_failed: None,
            live: Vec::new(),
        }
    }
}

impl Load for CloudLoad {
    fn faults(&self) -> &'static [FaultSpec] {
        &[
            FaultSpec {
                name: "provisioning-failures",
                effect: "every provisioning fails on infrastructure (provisioning_failed)",
            },
            FaultSpec {
                name: "stuck-provisioning",
                effect: "one project enters provisioning and never leaves it",
            },
            FaultSpec {
                name: "stuck-deleting",
                effect: "one project enters deleting and its resources are never removed",
            },
            FaultSpec {
                name: "invalid-transition",
                effect: "a `reactivate` bug tries deleting -> active on every round (rejected)",
            },
            FaultSpec {
                name: "quota-exhaustion",
                effect: "every new project hits the free plan's projects quota",
            },
            FaultSpec {
                name: "payment-required",
                effect: "the billing provider declines every plan check: provisioning fails with payment_required",
            },
            FaultSpec {
                name: "idp-outage",
                effect: "Google and GitHub sign-ups fail: the identity provider is unavailable",
            },
            FaultSpec {
                name: "failed-left",
                effect: "one project fails to provision and the cleanup that retries or deletes failed projects is stopped: it stays in `failed`",
            },
        ]
    }

    fn round(&mut self, _clock: &SimClock, active: &[String]) {
        self.n += 1;
        let n = self.n;
        let method = [
            SignupMethod::Email,
            SignupMethod::Google,
            SignupMethod::GitHub,
        ][(n % 3) as usize];
        let account = self.probes.account_creation(method);
        if method != SignupMethod::Email && on(active, "idp-outage") {
            account.fail(AccountFailure::IdentityProviderUnavailable);
        } else {
            account.ok(&format!("acct-{n}"));
        }
        let mut project = self.probes.project(&format!("proj-{n}"));
        let failure = if on(active, "provisioning-failures") {
            Some(ProvisioningFailure::Failed)
        } else if on(active, "quota-exhaustion") {
            Some(ProvisioningFailure::QuotaExceeded(QuotaKind::Projects))
        } else if on(active, "payment-required") {
            Some(ProvisioningFailure::PaymentRequired)
        } else {
            None
        };
        if let Ok(provisioning) = project.provision() {
            match failure {
                Some(f) => provisioning.fail(f),
                None => provisioning.ok(),
            }
        }
        if project.state() == ProjectState::Failed {
            let _ = project.transition(ProjectState::Deleting);
            let _ = project.transition(ProjectState::Deleted);
        } else {
            self.live.push(project);
        }
        // Projects live a few rounds, then are deleted.
        if self.live.len() > 8 {
            let mut old = self.live.remove(0);
            let _ = old.transition(ProjectState::Deleting);
            if on(active, "invalid-transition") {
                // The reactivate bug: deleting -> active is forbidden and rejected.
                let _ = old.transition(ProjectState::Active);
            }
            let _ = old.transition(ProjectState::Deleted);
        }
        if on(active, "stuck-provisioning") && self.stuck.is_none() {
            self.stuck = Some(self.probes.resume_project(
                "proj-stuck",
                ProjectState::Provisioning,
                SystemTime::now(),
            ));
        }
        if on(active, "stuck-deleting") && self.stuck_deleting.is_none() {
            self.stuck_deleting = Some(self.probes.resume_project(
                "proj-stuck-deleting",
                ProjectState::Deleting,
                SystemTime::now(),
            ));
        }
    }

    fn injected(&mut self, fault: &str, _clock: &SimClock) {
        if fault == "failed-left" && self.left_failed.is_none() {
            let mut project = self.probes.project("proj-left-failed");
            if let Ok(provisioning) = project.provision() {
                provisioning.fail(ProvisioningFailure::Failed);
            }
            self.left_failed = Some(project);
        }
    }

    fn cleared(&mut self, fault: &str, _clock: &SimClock) {
        match fault {
            "stuck-provisioning" => {
                if let Some(mut project) = self.stuck.take() {
                    let _ = project.transition(ProjectState::Active);
                }
            }
            // The blocking resource is removed: the deletion finishes.
            "stuck-deleting" => {
                if let Some(mut project) = self.stuck_deleting.take() {
                    let _ = project.transition(ProjectState::Deleted);
                }
            }
            // The cleanup runs again: the failed project is deleted.
            "failed-left" => {
                if let Some(mut project) = self.left_failed.take() {
                    let _ = project.transition(ProjectState::Deleting);
                    let _ = project.transition(ProjectState::Deleted);
                }
            }
            _ => {}
        }
    }
}

// ---------------------------------------------------------------- integrations (card 002)

const DOMAINS: [&str; 3] = ["shop.example.com", "data.example.org", "bi.example.net"];

/// Deployments, Fivetran webhooks, billing events and custom domains: a webhook delivery,
/// a usage event and a domain check every round, a production deployment every 5 rounds,
/// certificates valid for 60 simulated days renewed every simulated day.
#[derive(Debug)]
pub struct IntegrationsLoad {
    probes: &'static IntegrationsProbes,
    n: u64,
    waiting: Vec<BillingGuard<'static>>,
    renewed: Option<Instant>,
}

impl IntegrationsLoad {
    fn new() -> Self {
        // One per process, for the process' whole life: the billing guards borrow it.
        let probes: &'static IntegrationsProbes = Box::leak(Box::new(IntegrationsProbes::new()));
        Self {
            probes,
            n: 0,
            waiting: Vec::new(),
            renewed: None,
        }
    }
}

impl Load for IntegrationsLoad {
    fn faults(&self) -> &'static [FaultSpec] {
        &[
            FaultSpec {
                name: "deploy-failing",
                effect: "every production deployment fails its health checks and is rolled back",
            },
            FaultSpec {
                name: "signature-burst",
                effect: "the webhook secret was rotated on Fivetran's side only: every delivery has an invalid signature",
            },
            FaultSpec {
                name: "billing-provider-down",
                effect: "the billing provider is down: every event retries and stays pending",
            },
            FaultSpec {
                name: "charge-unrecordable",
                effect: "a code path cannot record charges: every charge event fails (charge_record_failed)",
            },
            FaultSpec {
                name: "cert-near-expiry",
                effect: "shop.example.com's certificate failed to renew: 2 days left",
            },
            FaultSpec {
                name: "cert-expired",
                effect: "data.example.org's certificate expired a day ago",
            },
            FaultSpec {
                name: "dns-mismatch",
                effect: "a customer's CNAME points elsewhere: every domain check reports a mismatch",
            },
            FaultSpec {
                name: "fivetran-silent",
                effect: "Fivetran stops delivering webhooks",
            },
            FaultSpec {
                name: "infrastructure-outage",
                effect: "a region outage: deployments roll back, the billing provider is unreachable and custom domains fail their TLS handshake at once",
            },
        ]
    }

    fn round(&mut self, clock: &SimClock, active: &[String]) {
        let p = self.probes;
        self.n += 1;
        let n = self.n;
        let outage = on(active, "infrastructure-outage");
        if n % 5 == 0 {
            let deploy = p.deployment(Environment::Production, "2.5.1");
            if on(active, "deploy-failing") || outage {
                deploy.rolled_back(DeployError::HealthCheckFailed, "2.4.0");
            } else {
                deploy.succeeded();
            }
        }
        if !on(active, "fivetran-silent") {
            let mut delivery = p.webhook_delivery();
            delivery.event(
                WebhookEvent::SyncEnd,
                clock.wall_ago(2 * MINUTE),
                "connector-1",
            );
            if on(active, "signature-burst") {
                delivery.invalid_signature();
            } else {
                delivery.accepted();
            }
        }
        let event_type = if n % 4 == 0 {
            BillingEventType::Charge
        } else {
            BillingEventType::Usage
        };
        let mut event = p.billing_event(event_type, &format!("evt-{n}"));
        if on(active, "billing-provider-down") || outage {
            event.retrying(BillingError::ProviderUnavailable);
            self.waiting.push(event);
        } else if event_type == BillingEventType::Charge && on(active, "charge-unrecordable") {
            event.failed(BillingError::ChargeRecordFailed);
        } else {
            event.recorded();
        }
        let check = p.domain_check(DOMAINS[(n % 3) as usize]);
        if outage {
            // Customers' records are fine; our edge in the region does not answer.
            check.tls_error(DomainError::TlsHandshakeFailed);
        } else if on(active, "dns-mismatch") {
            check.mismatch();
        } else {
            check.resolved();
        }
        if due(&mut self.renewed, clock, DAY) {
            for domain in DOMAINS {
                let near = domain == DOMAINS[0] && on(active, "cert-near-expiry");
                let expired = domain == DOMAINS[1] && on(active, "cert-expired");
                if !near && !expired {
                    p.observe_certificate(domain, clock.wall_in(60 * DAY));
                }
            }
        }
        p.refresh_certificates();
    }

    fn injected(&mut self, fault: &str, clock: &SimClock) {
        self.injected_once(fault, clock);
    }

    fn cleared(&mut self, fault: &str, clock: &SimClock) {
        match fault {
            "billing-provider-down" | "infrastructure-outage" => {
                for event in self.waiting.drain(..) {
                    event.recorded();
                }
            }
            "cert-near-expiry" => self
                .probes
                .observe_certificate(DOMAINS[0], clock.wall_in(60 * DAY)),
            "cert-expired" => self
                .probes
                .observe_certificate(DOMAINS[1], clock.wall_in(60 * DAY)),
            _ => {}
        }
    }
}

impl IntegrationsLoad {
    fn injected_once(&mut self, fault: &str, clock: &SimClock) {
        match fault {
            "cert-near-expiry" => self
                .probes
                .observe_certificate(DOMAINS[0], clock.wall_in(2 * DAY)),
            "cert-expired" => self
                .probes
                .observe_certificate(DOMAINS[1], clock.wall_ago(DAY)),
            _ => {}
        }
    }
}
