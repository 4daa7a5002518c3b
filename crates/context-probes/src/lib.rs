//! # context-probes
//!
//! Telemetry for the context catalog (task card 001): the catalog serves metadata to the
//! dashboards, the MCP server and the IDE extension, and a failed schema resolution, stale
//! profile data, an oversized AI context payload or a breaking contract change must be seen
//! when it happens, per consumer, instead of when it has cascaded.
//!
//! ```
//! use context_probes::{BreachAction, ContextError, ContextProbes, Consumer, PayloadCheck, Source};
//!
//! let probes = ContextProbes::new();
//! probes.resolve(Consumer::Mcp, "analytics.orders").resolved();
//! probes.refresh(Source::Profiles, "snowflake-prod").fail(ContextError::CatalogRefreshTimeout);
//! let context = probes.context(Consumer::Ide, "analytics.orders");
//! let check = context.deliver(300 * 1024, 256 * 1024, BreachAction::Truncated);
//! assert_eq!(check, PayloadCheck::Breached(BreachAction::Truncated));
//! ```
//!
//! Every operation (schema resolution, source refresh, AI context build, enrichment run) is
//! a guard started with its context and finished with an outcome; a guard dropped without
//! one records `abandoned`. Freshness is a timestamp gauge per source kind (the Unix time of
//! the last successful refresh): staleness is `time() - dataface_catalog_refresh_last_success_seconds`
//! at query time, with no timer in the process. Metrics go through handle families
//! registered once per label combination in [`ContextProbes::new`]: recording is an index
//! and an atomic update. Schema, source and contract names go on spans only. When telemetry is
//! disabled a guard does no work beyond one check, and no clock is read.

pub mod catalog;

use catalog::*;
use metrics::{Counter, Gauge, Histogram};
use std::time::{Duration, SystemTime};
use telemetry_core::errors::record_warning_on_span;
use telemetry_core::probe::{saturating_i64 as int, Family, LatestTimestamp};
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

telemetry_core::label_enum! {
    /// A surface the catalog serves (the `dataface.catalog.consumer` label).
    pub enum Consumer: "dataface.catalog.consumer",
        "The surface the catalog served (dashboards, the MCP server, the IDE extension)." {
        /// Dashboards: the compiler and the dashboard editor.
        Dashboards = "dashboards",
        /// The MCP server (AI agents).
        Mcp = "mcp",
        /// The IDE extension.
        Ide = "ide",
    }
}

telemetry_core::label_enum! {
    /// A kind of metadata source the catalog refreshes from (the `dataface.catalog.source.type` label). The
    /// concrete source (connection, project, manifest path) goes on the span only.
    pub enum Source: "dataface.catalog.source.type",
        "Kind of metadata source refreshed (the concrete source is on the span)." {
        /// Tables and columns from the warehouse's information schema.
        WarehouseSchema = "warehouse_schema",
        /// Profile data from the inspect profiler (column statistics, semantic types).
        Profiles = "profiles",
        /// Models and docs from a dbt manifest.
        DbtManifest = "dbt_manifest",
        /// Context and dashboard contracts (YAML).
        Contracts = "contracts",
    }
}

telemetry_core::label_enum! {
    /// How a schema resolution ended.
    pub enum ResolutionOutcome: "dataface.outcome",
        "How the resolution ended (`stale`: resolved with profile data past its freshness budget)." {
        /// Resolved from fresh metadata.
        Resolved = "resolved",
        /// Resolved, but with profile data past its freshness budget.
        Stale = "stale",
        /// Failed with an error code.
        Failed = "failed",
        /// The guard was dropped without an outcome: a code path forgot to report.
        Abandoned = "abandoned",
    }
}

telemetry_core::label_enum! {
    /// How a source refresh ended.
    pub enum RefreshOutcome: "dataface.outcome", "How the refresh ended." {
        /// Refreshed: the source's last-success time moved to now.
        Success = "success",
        /// Failed with an error code: the last-success time stays where it was.
        Failed = "failed",
        /// The guard was dropped without an outcome.
        Abandoned = "abandoned",
    }
}

telemetry_core::label_enum! {
    /// How an AI context build ended.
    pub enum ContextOutcome: "dataface.outcome",
        "How the build ended (`truncated`, `rejected`: over the consumer's limit)." {
        /// Delivered whole, within the consumer's limit.
        Delivered = "delivered",
        /// Over the limit, delivered truncated.
        Truncated = "truncated",
        /// Over the limit, rejected: the consumer got no context.
        Rejected = "rejected",
        /// The build failed with an error code.
        Failed = "failed",
        /// The guard was dropped without an outcome.
        Abandoned = "abandoned",
    }
}

telemetry_core::label_enum! {
    /// What the catalog does with an AI context payload over the consumer's limit (the
    /// `dataface.catalog.context.action` label of a breach).
    pub enum BreachAction: "dataface.catalog.context.action",
        "What was done with the payload: truncated to the limit, or rejected." {
        /// Cut to the limit and delivered.
        Truncated = "truncated",
        /// Refused: nothing delivered.
        Rejected = "rejected",
    }
}

telemetry_core::label_enum! {
    /// A contract change the catalog saw (the `dataface.catalog.contract.change_kind` label).
    pub enum ContractChange: "dataface.catalog.contract.change_kind",
        "Breaking (removes or renames what consumers use) or additive." {
        /// Removes or renames something a consumer may use.
        Breaking = "breaking",
        /// Only adds: existing consumers keep working.
        Additive = "additive",
    }
}

telemetry_core::label_enum! {
    /// How an enrichment run ended.
    pub enum EnrichmentOutcome: "dataface.outcome", "How the run ended (`partial`: some entries failed)." {
        /// Every entry enriched.
        Success = "success",
        /// Some entries enriched, some failed.
        Partial = "partial",
        /// The run failed with an error code.
        Failed = "failed",
        /// The guard was dropped without an outcome.
        Abandoned = "abandoned",
    }
}

use crate::catalog::CONTEXT_CATALOG;
telemetry_core::error_codes! {
    /// The context catalog's error codes (owner: context-catalog).
    pub enum ContextError for "context", "The catalog error code." {
        /// The consumer asked for a schema the catalog does not know.
        SchemaNotFound = "schema_not_found", User, retryable: false, Error, CONTEXT_CATALOG,
            "A consumer asked for a schema, table or model the catalog does not know.",
            "Check the name the consumer sent (span attribute dataface.catalog.schema); if it exists in the warehouse, check the last `warehouse_schema` refresh succeeded and the connection can see it.";
        /// Resolving a schema ran past its timeout.
        SchemaResolutionTimeout = "schema_resolution_timeout", Timeout, retryable: true, Error, CONTEXT_CATALOG,
            "Resolving a schema ran past its timeout.",
            "Retry; if it persists for one consumer, look for slow resolutions in dataface_catalog_resolution_duration_seconds and the catalog store's health.";
        /// Profile data was served past its freshness budget.
        StaleProfileData = "stale_profile_data", Dependency, retryable: true, Warning, CONTEXT_CATALOG,
            "A resolution served profile data older than its freshness budget.",
            "Check time() - dataface_catalog_refresh_last_success_seconds{dataface_catalog_source_type=\"profiles\"} and the error.type of the failing dataface.catalog.refresh spans; fix the profiler source, then refresh.";
        /// An AI context payload exceeded the consumer's limit.
        ContextPayloadOverLimit = "context_payload_over_limit", Configuration, retryable: false, Error, CONTEXT_CATALOG,
            "An AI context payload exceeded the consumer's size limit and was truncated or rejected.",
            "Compare dataface_catalog_context_size_bytes with dataface_catalog_context_limit_bytes for the consumer; narrow what the context includes (recent contract growth is the usual cause) or raise the limit.";
        /// A contract changed in a way that breaks its consumers.
        BreakingContractChange = "breaking_contract_change", User, retryable: false, Error, CONTEXT_CATALOG,
            "A contract removed or renamed something its consumers may use.",
            "Find the contract on the dataface.catalog.contract.change span; restore the removed fields, or version the contract and migrate its dashboards, MCP tools and IDE users.";
        /// An enrichment run failed.
        EnrichmentFailed = "enrichment_failed", Dependency, retryable: true, Error, CONTEXT_CATALOG,
            "An enrichment run failed: catalog entries keep their previous descriptions and tags.",
            "Retry the run; if it fails again, check the enrichment provider's status and quota, and the run's span for the failing step.";
        /// A metadata source could not be read.
        CatalogSourceUnavailable = "catalog_source_unavailable", Dependency, retryable: true, Error, CONTEXT_CATALOG,
            "A catalog refresh could not read its source (warehouse, profiler, manifest or contracts).",
            "Check the source named on the dataface.catalog.refresh span: its connection, credentials and availability; the catalog keeps serving the last good metadata meanwhile.";
        /// A refresh ran past its timeout.
        CatalogRefreshTimeout = "catalog_refresh_timeout", Timeout, retryable: true, Error, CONTEXT_CATALOG,
            "A catalog refresh ran past its timeout.",
            "Retry; if it persists, narrow the refresh (schemas, tables) or raise its timeout, and check the source's load.";
    }
}

/// What a payload check found; the caller acts on it (truncate, reject, send).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PayloadCheck {
    /// At or under the limit: send it whole.
    Within,
    /// Over the limit: recorded as a breach with this action, which the caller now takes.
    Breached(BreachAction),
}

impl PayloadCheck {
    /// Compares `size_bytes` with `limit_bytes`: over the limit means `on_breach`.
    pub const fn of(size_bytes: u64, limit_bytes: u64, on_breach: BreachAction) -> Self {
        if size_bytes > limit_bytes {
            PayloadCheck::Breached(on_breach)
        } else {
            PayloadCheck::Within
        }
    }

    /// Whether the payload was within the limit.
    pub const fn is_within(self) -> bool {
        matches!(self, PayloadCheck::Within)
    }
}

/// The context catalog's probes. Create it once at start (or inside a test capture): it
/// registers every handle.
#[derive(Debug)]
pub struct ContextProbes {
    resolution_duration: Family<(Consumer, ResolutionOutcome), Histogram>,
    resolution_errors: Family<(Consumer, ContextError), Counter>,
    refresh_duration: Family<(Source, RefreshOutcome), Histogram>,
    refresh_errors: Family<(Source, ContextError), Counter>,
    last_success: Family<Source, LatestTimestamp>,
    context_duration: Family<(Consumer, ContextOutcome), Histogram>,
    context_size: Family<Consumer, Histogram>,
    context_limit: Family<Consumer, Gauge>,
    context_breaches: Family<(Consumer, BreachAction), Counter>,
    contract_changes: Family<ContractChange, Counter>,
    enrichment_duration: Family<EnrichmentOutcome, Histogram>,
}

impl Default for ContextProbes {
    fn default() -> Self {
        Self::new()
    }
}

impl ContextProbes {
    /// Registers every handle, once per label combination.
    pub fn new() -> Self {
        Self {
            resolution_duration: Family::register(&RESOLUTION_DURATION),
            resolution_errors: Family::register(&RESOLUTION_ERRORS),
            refresh_duration: Family::register(&REFRESH_DURATION),
            refresh_errors: Family::register(&REFRESH_ERRORS),
            last_success: Family::register(&LAST_SUCCESS),
            context_duration: Family::register(&CONTEXT_DURATION),
            context_size: Family::register(&CONTEXT_SIZE),
            context_limit: Family::register(&CONTEXT_LIMIT),
            context_breaches: Family::register(&CONTEXT_BREACHES),
            contract_changes: Family::register(&CONTRACT_CHANGES),
            enrichment_duration: Family::register(&ENRICHMENT_DURATION),
        }
    }

    /// Starts resolving `schema` (a schema, table or model name: span only) for `consumer`.
    pub fn resolve(&self, consumer: Consumer, schema: &str) -> ResolutionGuard<'_> {
        let op = telemetry_core::operation!(
            RESOLVE_SPAN,
            CONSUMER_ATTR = consumer.as_str(),
            SCHEMA_ATTR = schema,
        );
        ResolutionGuard::new(self, consumer, op)
    }

    /// Starts refreshing the catalog from one source of kind `source`; `source_name` (the
    /// connection, project or manifest) goes on the span only.
    pub fn refresh(&self, source: Source, source_name: &str) -> RefreshGuard<'_> {
        let op = telemetry_core::operation!(
            REFRESH_SPAN,
            SOURCE_ATTR = source.as_str(),
            SOURCE_NAME_ATTR = source_name,
        );
        RefreshGuard::new(self, source, op)
    }

    /// Reports a last successful refresh of `source` known from before this process (the
    /// catalog store's record, read at start), so staleness survives a restart. The gauge
    /// never moves backwards: a time older than a success already reported is ignored, a
    /// time in the future counts as now, a time before the Unix epoch is ignored.
    pub fn restore_last_success(&self, source: Source, at: SystemTime) {
        if telemetry_core::enabled() {
            self.last_success.get(source).advance(at);
        }
    }

    /// Starts building an AI context about `schema` (span only) for `consumer`. Finish it
    /// with [`ContextGuard::deliver`], which checks the payload against the limit.
    pub fn context(&self, consumer: Consumer, schema: &str) -> ContextGuard<'_> {
        let op = telemetry_core::operation!(
            CONTEXT_SPAN,
            CONSUMER_ATTR = consumer.as_str(),
            SCHEMA_ATTR = schema,
        );
        ContextGuard::new(self, consumer, op)
    }

    /// Checks an AI context payload of `size_bytes` against the consumer's configured
    /// `limit_bytes` and records both: the size, the limit, and, over the limit, a breach
    /// with `on_breach`, the action the caller takes. The check is returned also when
    /// telemetry is disabled: act on it.
    ///
    /// ```
    /// # use context_probes::*;
    /// let probes = ContextProbes::new();
    /// match probes.context_payload(Consumer::Mcp, 70_000, 65_536, BreachAction::Rejected) {
    ///     PayloadCheck::Within => { /* send it */ }
    ///     PayloadCheck::Breached(_) => { /* answer "context too large" */ }
    /// }
    /// ```
    pub fn context_payload(
        &self,
        consumer: Consumer,
        size_bytes: u64,
        limit_bytes: u64,
        on_breach: BreachAction,
    ) -> PayloadCheck {
        let check = PayloadCheck::of(size_bytes, limit_bytes, on_breach);
        if telemetry_core::enabled() {
            self.record_payload(consumer, size_bytes, limit_bytes, check);
        }
        check
    }

    fn record_payload(&self, consumer: Consumer, size: u64, limit: u64, check: PayloadCheck) {
        self.context_size.get(consumer).record(size as f64);
        self.context_limit.get(consumer).set(limit as f64);
        if let PayloadCheck::Breached(action) = check {
            self.context_breaches.get((consumer, action)).increment(1);
        }
    }

    /// Reports a contract change the catalog saw: counted by kind; `contract` (its name)
    /// goes on a `dataface.catalog.contract.change` span, a child of the current span (enter
    /// the refresh's span to nest it there), with `error.type = breaking_contract_change`
    /// when breaking.
    pub fn contract_change(&self, kind: ContractChange, contract: &str) {
        if !telemetry_core::enabled() {
            return;
        }
        self.contract_changes.get(kind).increment(1);
        let span = telemetry_core::probe_span!(
            CONTRACT_CHANGE_SPAN,
            CONTRACT_NAME_ATTR = contract,
            CHANGE_KIND_ATTR = kind.as_str(),
        );
        if kind == ContractChange::Breaking {
            // Seen, not failed: `error.type` names the code, the status stays unset.
            record_warning_on_span(&span, ContextError::BreakingContractChange);
        }
    }

    /// Starts an enrichment run over `schema` (span only).
    pub fn enrichment(&self, schema: &str) -> EnrichmentGuard<'_> {
        let op = telemetry_core::operation!(ENRICHMENT_SPAN, SCHEMA_ATTR = schema);
        EnrichmentGuard { probes: self, op }
    }
}

telemetry_core::probe_guard! {
    /// One schema resolution in flight. Finish it with [`resolved`](Self::resolved),
    /// [`served_stale_profile`](Self::served_stale_profile) or [`fail`](Self::fail); dropped
    /// without, it records `abandoned`.
    #[must_use = "finish the resolution with an outcome, or it records `abandoned`"]
    pub struct ResolutionGuard<'p> {
        probes: &'p ContextProbes,
        consumer: Consumer,
    }
    drop(&mut self, elapsed) {
        self.duration(ResolutionOutcome::Abandoned, elapsed);
    }
}

impl ResolutionGuard<'_> {
    fn duration(&self, outcome: ResolutionOutcome, elapsed: Duration) {
        let key = (self.consumer, outcome);
        self.probes.resolution_duration.get(key).record(elapsed);
    }

    /// Resolved from fresh metadata.
    pub fn resolved(mut self) {
        if let Some(elapsed) = self.op.finish() {
            self.duration(ResolutionOutcome::Resolved, elapsed);
        }
    }

    /// Resolved, but the profile data served was `age` old, past its freshness budget:
    /// outcome `stale`, a `stale_profile_data` error (a warning: the span status stays
    /// unset) and the age on the span.
    pub fn served_stale_profile(mut self, age: Duration) {
        if let Some(elapsed) = self.op.finish() {
            let (span, code) = (self.op.span(), ContextError::StaleProfileData);
            record_warning_on_span(span, code);
            span.set_attribute(PROFILE_AGE_ATTR.key, int(age.as_secs()));
            let key = (self.consumer, code);
            self.probes.resolution_errors.get(key).increment(1);
            self.duration(ResolutionOutcome::Stale, elapsed);
        }
    }

    /// Failed with `code` (schema not found, timeout ...).
    pub fn fail(mut self, code: ContextError) {
        if let Some(elapsed) = self.op.fail(code) {
            let key = (self.consumer, code);
            self.probes.resolution_errors.get(key).increment(1);
            self.duration(ResolutionOutcome::Failed, elapsed);
        }
    }
}

telemetry_core::probe_guard! {
    /// One source refresh in flight. Finish it with [`succeeded`](Self::succeeded) or
    /// [`fail`](Self::fail); dropped without, it records `abandoned`. Enter its span around
    /// the work: contract changes seen during the refresh then nest under it.
    #[must_use = "finish the refresh with succeeded(entries) or fail(code), or it records `abandoned`"]
    pub struct RefreshGuard<'p> {
        probes: &'p ContextProbes,
        source: Source,
    }
    drop(&mut self, elapsed) {
        self.duration(RefreshOutcome::Abandoned, elapsed);
    }
}

impl RefreshGuard<'_> {
    fn duration(&self, outcome: RefreshOutcome, elapsed: Duration) {
        let key = (self.source, outcome);
        self.probes.refresh_duration.get(key).record(elapsed);
    }

    /// Refreshed `entries` catalog entries: the source's last-success time becomes now.
    pub fn succeeded(mut self, entries: u64) {
        if let Some(elapsed) = self.op.finish() {
            let span = self.op.span();
            span.set_attribute(REFRESH_ENTRIES_ATTR.key, int(entries));
            self.probes
                .last_success
                .get(self.source)
                .advance(SystemTime::now());
            self.duration(RefreshOutcome::Success, elapsed);
        }
    }

    /// Failed with `code` (source unavailable, timeout ...): the last-success time stays, so
    /// staleness keeps growing.
    pub fn fail(mut self, code: ContextError) {
        if let Some(elapsed) = self.op.fail(code) {
            self.probes
                .refresh_errors
                .get((self.source, code))
                .increment(1);
            self.duration(RefreshOutcome::Failed, elapsed);
        }
    }
}

telemetry_core::probe_guard! {
    /// One AI context build in flight. Finish it with [`deliver`](Self::deliver) or
    /// [`fail`](Self::fail); dropped without, it records `abandoned`.
    #[must_use = "finish the context build with deliver(..) or fail(code), or it records `abandoned`"]
    pub struct ContextGuard<'p> {
        probes: &'p ContextProbes,
        consumer: Consumer,
    }
    drop(&mut self, elapsed) {
        self.duration(ContextOutcome::Abandoned, elapsed);
    }
}

impl ContextGuard<'_> {
    fn duration(&self, outcome: ContextOutcome, elapsed: Duration) {
        let key = (self.consumer, outcome);
        self.probes.context_duration.get(key).record(elapsed);
    }

    /// The payload is built: checks its `size_bytes` against the consumer's `limit_bytes`
    /// and records as [`ContextProbes::context_payload`] does, plus the outcome
    /// (`delivered`, `truncated` or `rejected`) and size, limit and action on the span. A
    /// truncation sets `error.type = context_payload_over_limit` as a warning (status
    /// unset); a rejection fails the span with it. Returns the check: act on it.
    pub fn deliver(
        mut self,
        size_bytes: u64,
        limit_bytes: u64,
        on_breach: BreachAction,
    ) -> PayloadCheck {
        let check = PayloadCheck::of(size_bytes, limit_bytes, on_breach);
        let code = ContextError::ContextPayloadOverLimit;
        let (elapsed, outcome) = match check {
            PayloadCheck::Within => (self.op.finish(), ContextOutcome::Delivered),
            PayloadCheck::Breached(BreachAction::Truncated) => {
                (self.op.finish(), ContextOutcome::Truncated)
            }
            PayloadCheck::Breached(BreachAction::Rejected) => {
                (self.op.fail(code), ContextOutcome::Rejected)
            }
        };
        let Some(elapsed) = elapsed else {
            return check;
        };
        let span = self.op.span();
        span.set_attribute(CONTEXT_SIZE_ATTR.key, int(size_bytes));
        span.set_attribute(CONTEXT_LIMIT_ATTR.key, int(limit_bytes));
        if let PayloadCheck::Breached(action) = check {
            span.set_attribute(CONTEXT_ACTION_ATTR.key, action.as_str());
            if action == BreachAction::Truncated {
                record_warning_on_span(span, code);
            }
        }
        self.probes
            .record_payload(self.consumer, size_bytes, limit_bytes, check);
        self.duration(outcome, elapsed);
        check
    }

    /// The build failed with `code` before a payload existed (e.g. the schema was not
    /// found): nothing is sized.
    pub fn fail(mut self, code: ContextError) {
        if let Some(elapsed) = self.op.fail(code) {
            self.duration(ContextOutcome::Failed, elapsed);
        }
    }
}

telemetry_core::probe_guard! {
    /// One enrichment run in flight. Finish it with [`succeeded`](Self::succeeded),
    /// [`partial`](Self::partial) or [`fail`](Self::fail); dropped without, it records
    /// `abandoned`.
    #[must_use = "finish the enrichment run with an outcome, or it records `abandoned`"]
    pub struct EnrichmentGuard<'p> {
        probes: &'p ContextProbes,
    }
    drop(&mut self, elapsed) {
        self.duration(EnrichmentOutcome::Abandoned, elapsed);
    }
}

impl EnrichmentGuard<'_> {
    fn duration(&self, outcome: EnrichmentOutcome, elapsed: Duration) {
        self.probes.enrichment_duration.get(outcome).record(elapsed);
    }

    /// Enriched all `entries` entries.
    pub fn succeeded(mut self, entries: u64) {
        if let Some(elapsed) = self.op.finish() {
            let span = self.op.span();
            span.set_attribute(ENRICHMENT_ENTRIES_ATTR.key, int(entries));
            self.duration(EnrichmentOutcome::Success, elapsed);
        }
    }

    /// Enriched `enriched` entries; `failed` others kept their previous metadata.
    pub fn partial(mut self, enriched: u64, failed: u64) {
        if let Some(elapsed) = self.op.finish() {
            let span = self.op.span();
            span.set_attribute(ENRICHMENT_ENTRIES_ATTR.key, int(enriched));
            span.set_attribute(ENRICHMENT_FAILED_ATTR.key, int(failed));
            self.duration(EnrichmentOutcome::Partial, elapsed);
        }
    }

    /// The run failed with `code` (usually [`ContextError::EnrichmentFailed`]).
    pub fn fail(mut self, code: ContextError) {
        if let Some(elapsed) = self.op.fail(code) {
            self.duration(EnrichmentOutcome::Failed, elapsed);
        }
    }
}

/// The README's example compiles and runs as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
