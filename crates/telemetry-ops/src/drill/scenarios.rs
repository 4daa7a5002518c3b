//! The drill's scenarios and the task cards' failure modes they cover, as data.
//!
//! A scenario names the fault it injects, the alerts it expects (each must reach its
//! owner's receiver), the alerts it lets fire besides (declared, not required), the alerts
//! that must stay inhibited, and the share of events its fault turns bad in the judged
//! scope (what a burn-rate alert's theoretical time to detect depends on). A scenario whose
//! expected alert does not exist in the product yet is not run: it shows in the drill's
//! gaps, with the alert it waits for. Adding a scenario is one entry of [`SCENARIOS`] (and,
//! for a new fault, one arm of the surface's workload in `launch-day`).

use serde::Serialize;

/// What a scenario does to the system.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "name")]
pub enum Action {
    /// Switches on a named fault of the surface's workload (its control endpoint).
    Fault(&'static str),
    /// Stops the surface's workload process: it no longer reports. Removing the fault
    /// starts it again on the same port.
    StopProcess,
    /// Stops the OTLP collector every workload exports to. Removing the fault starts it
    /// again.
    LoseCollector,
}

/// One rehearsed failure.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Scenario {
    /// The scenario's name.
    pub name: &'static str,
    /// The workload surface it acts on (`compiler` ...).
    pub surface: &'static str,
    /// The task card (`000` ...).
    pub card: &'static str,
    /// The failure, in the card's words.
    pub failure: &'static str,
    /// Scenarios of one lane run one after another; lanes run at the same time.
    pub lane: &'static str,
    /// What is injected.
    pub action: Action,
    /// The alerts that must reach their owner.
    pub expected: &'static [&'static str],
    /// Alerts declared as possibly firing too (they may notify, nobody else may).
    pub also: &'static [&'static str],
    /// Alerts that fire in Prometheus but must not notify (an inhibition holds them).
    pub inhibited: &'static [&'static str],
    /// The share of the judged scope's events the fault turns bad (1: all of them), for a
    /// burn-rate alert's theoretical time to detect.
    pub bad_share: f64,
    /// Seconds the system under test takes to show the fault at all, added to the
    /// theoretical time to detect (a drop is counted at the next export, every second).
    pub lag: f64,
}

const fn fault(
    name: &'static str,
    surface: &'static str,
    card: &'static str,
    failure: &'static str,
    action: &'static str,
    expected: &'static [&'static str],
) -> Scenario {
    Scenario {
        name,
        surface,
        card,
        failure,
        lane: surface,
        action: Action::Fault(action),
        expected,
        also: &[],
        inhibited: &[],
        bad_share: 1.0,
        lag: 0.0,
    }
}

impl Scenario {
    const fn lane(mut self, lane: &'static str) -> Self {
        self.lane = lane;
        self
    }
    const fn also(mut self, also: &'static [&'static str]) -> Self {
        self.also = also;
        self
    }
    const fn inhibited(mut self, inhibited: &'static [&'static str]) -> Self {
        self.inhibited = inhibited;
        self
    }
    const fn share(mut self, bad_share: f64) -> Self {
        self.bad_share = bad_share;
        self
    }
    const fn action(mut self, action: Action) -> Self {
        self.action = action;
        self
    }
}

/// The lane of scenarios that run after every other lane, one at a time: a fault whose alert
/// holds back other owners' pages (a shared-infrastructure outage) would hide the pages the
/// scenarios running beside it expect.
pub const ALONE: &str = "alone";

/// Every scenario, in the order the drill runs each lane. The billing scenarios share the
/// integrations lane: a failing deployment beside an unreachable billing provider is two
/// integrations failing together, which the shared-infrastructure alert rightly pages as one
/// outage.
pub const SCENARIOS: &[Scenario] = &[
    // ---- compiler, task card 000
    fault("compiler-bad-release", "compiler", "000", "a bad release that breaks one contract version", "bad-release",
        &["CompilerCompileErrorBudgetBurn"]),
    fault("compiler-breaking-migration", "compiler", "000", "a breaking migration", "breaking-migration",
        &["CompilerContractMigrationFailed"]),
    fault("compiler-adapter-timeout", "compiler", "000", "one adapter timing out while the others stay healthy", "adapter-timeout",
        &["CompilerQueryErrorBudgetBurn"]),
    fault("compiler-render-outage", "compiler", "000", "a render outage", "render-outage",
        &["CompilerRenderErrorBudgetBurn"]),
    fault("compiler-newcomer-typos", "compiler", "000", "launch-day newcomers' typos (user errors, not the owner's budget)", "user-typos",
        &["CompilerUserErrorsHigh"]).share(0.8),
    // ---- context catalog, task card 001
    fault("catalog-source-stops-refreshing", "context", "001", "a source that stops refreshing", "source-stale",
        &["CatalogRefreshStale"]).lane("context-freshness"),
    fault("catalog-mcp-context-over-limit", "context", "001", "the MCP context over its limit", "mcp-over-limit",
        &["CatalogContextPayloadRejected"]).also(&["CatalogContextBuildErrorBudgetBurn"]),
    fault("catalog-mcp-context-truncated", "context", "001", "the MCP context truncated to its limit", "mcp-truncated",
        &["CatalogContextTruncated"]),
    fault("catalog-breaking-contract-change", "context", "001", "a breaking contract change", "breaking-contract-change",
        &["CatalogBreakingContractChange"]),
    fault("catalog-enrichment-failing", "context", "001", "enrichment failing", "enrichment-failing",
        &["CatalogEnrichmentErrorBudgetBurn"]),
    fault("catalog-stale-profiles-served", "context", "001", "an IDE or dashboard consumer served stale profile data", "stale-profiles-served",
        &["CatalogServingStaleProfiles"]).share(2.0 / 3.0),
    fault("catalog-one-consumer-failing", "context", "001", "schema resolution failing for one consumer (MCP) while the others stay healthy", "mcp-resolution-failing",
        &["CatalogResolutionErrorBudgetBurn"]),
    // ---- profiler, task card 004
    fault("profiler-warehouse-timeout", "profiler", "004", "one warehouse type timing out while the others stay healthy", "snowflake-timeout",
        &["ProfilerRunTimeoutBudgetBurn"]),
    fault("profiler-semantic-corrections", "profiler", "004", "semantic types being corrected", "semantic-corrections",
        &["ProfilerSemanticTypeAccuracy"]),
    fault("profiler-report-failing", "profiler", "004", "report generation failing", "report-failing",
        &["ProfilerReportErrorBudgetBurn"]),
    fault("profiler-profiles-stale", "profiler", "004", "profiles going stale", "bigquery-stale",
        &["ProfilerProfilesStale"]).lane("profiler-freshness"),
    // ---- cloud, task card 003
    fault("cloud-provisioning-failures", "cloud", "003", "provisioning failures", "provisioning-failures",
        &["CloudProvisioningErrorBudgetBurn"]).also(&["CloudProjectLeftFailed"]),
    fault("cloud-project-stuck-provisioning", "cloud", "003", "a project stuck provisioning", "stuck-provisioning",
        &["CloudProvisioningStuck"]).lane("cloud-stuck"),
    fault("cloud-project-stuck-deleting", "cloud", "003", "a project stuck deleting", "stuck-deleting",
        &["CloudProjectDeletionStuck"]).lane("cloud-stuck"),
    fault("cloud-invalid-transition", "cloud", "003", "an invalid lifecycle transition", "invalid-transition",
        &["CloudInvalidLifecycleTransition"]),
    fault("cloud-quota-exhaustion", "cloud", "003", "quota exhaustion", "quota-exhaustion",
        &["CloudQuotaRejectionsHigh"]),
    fault("cloud-idp-outage-at-signup", "cloud", "003", "an identity-provider outage at sign-up", "idp-outage",
        &["CloudAccountCreationErrorBudgetBurn"]).share(2.0 / 3.0),
    fault("cloud-projects-left-failed", "cloud", "003", "projects left in `failed`", "failed-left",
        &["CloudProjectLeftFailed"]).lane("cloud-left-failed"),
    // ---- integrations, task card 002
    fault("integrations-failed-production-deploy", "integrations", "002", "a failed production deploy", "deploy-failing",
        &["IntegrationsProductionDeployFailing"]),
    fault("integrations-fivetran-signature-burst", "integrations", "002", "a Fivetran signature burst", "signature-burst",
        &["IntegrationsWebhookSignatureInvalid"]),
    fault("integrations-fivetran-silent", "integrations", "002", "Fivetran going silent", "fivetran-silent",
        &["IntegrationsFivetranWebhooksSilent"]),
    fault("billing-provider-down", "integrations", "002", "the billing provider down: events left unrecorded, the oldest one aging", "billing-provider-down",
        &["BillingEventsPending"]).also(&["BillingRecordLatency"]),
    fault("billing-charge-not-recorded", "integrations", "002", "a charge that cannot be recorded", "charge-unrecordable",
        &["BillingChargeRecordFailed"]),
    fault("billing-payment-required-spike", "cloud", "003", "payment_required spikes (a billing outage looking like card declines)", "payment-required",
        &["CloudPaymentRequiredSpike"]),
    fault("integrations-certificate-near-expiry", "integrations", "002", "a certificate near expiry", "cert-near-expiry",
        &["IntegrationsCertificateExpiryImminent"]).lane("certificates").inhibited(&["IntegrationsCertificateExpiring"]),
    fault("integrations-certificate-expired", "integrations", "002", "a certificate expired", "cert-expired",
        &["IntegrationsCertificateExpired"]).lane("certificates"),
    fault("integrations-dns-mismatch", "integrations", "002", "DNS mismatch (customers' own records: a ticket, not the owner's budget)", "dns-mismatch",
        &["IntegrationsCustomerDomainsMisconfigured"]),
    fault("integrations-infrastructure-outage", "integrations", "002", "an infrastructure outage that hits deployments, billing and domains at once: one page to its owner, not three", "infrastructure-outage",
        &["IntegrationsSharedInfrastructureOutage"])
        .lane(ALONE)
        .inhibited(&["IntegrationsProductionDeployFailing", "BillingEventsPending"])
        .also(&["IntegrationsDomainChecksFailing", "BillingRecordLatency"]),
    // ---- the pipeline itself
    Scenario {
        name: "pipeline-collector-lost",
        surface: "pipeline",
        card: "pipeline",
        failure: "the collector lost",
        lane: "pipeline",
        action: Action::LoseCollector,
        expected: &["TelemetryCollectorDown", "TelemetryExportFailing"],
        also: &[],
        inhibited: &[],
        bad_share: 1.0,
        // The workloads export every second: the loss shows at the next export.
        lag: 1.0,
    },
    fault("pipeline-service-stops-reporting", "context", "pipeline", "a service that stops reporting", "",
        &["CatalogRefreshNotReporting"])
        .action(Action::StopProcess),
];

/// A failure mode a task card names, and the scenarios that rehearse it.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct FailureMode {
    /// The card (`000` ...; `pipeline` for the telemetry pipeline itself).
    pub card: &'static str,
    /// The failure, in the card's words.
    pub failure: &'static str,
}

/// Every failure mode the cards name: those of [`SCENARIOS`], plus risks no scenario
/// rehearses yet (listed in the drill's gaps until one does).
pub fn failure_modes() -> Vec<FailureMode> {
    let mut modes: Vec<FailureMode> = Vec::new();
    for s in SCENARIOS {
        if !modes.iter().any(|m| m.failure == s.failure) {
            modes.push(FailureMode {
                card: s.card,
                failure: s.failure,
            });
        }
    }
    modes.extend(UNREHEARSED);
    modes
}

/// Risks the cards name that no scenario injects yet.
pub const UNREHEARSED: &[FailureMode] = &[FailureMode {
    card: "004",
    failure: "a revoked warehouse grant (permission denied on one table)",
}];
