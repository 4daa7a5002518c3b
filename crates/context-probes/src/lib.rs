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
//! at query time, with no timer in the process. Metrics go through handles registered once
//! per label combination in [`ContextProbes::new`]: recording is an array index and an
//! atomic update. Schema, source and contract names go on spans only. When telemetry is
//! disabled a guard does no work beyond one check, and no clock is read.

pub mod catalog;

use metrics::{Counter, Gauge, Histogram};
use std::array;
use std::time::{Duration, SystemTime};
use telemetry_core::errors::{ErrorCode as _, ERROR_TYPE};
use telemetry_core::probe::{LatestTimestamp, Operation};
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

telemetry_core::label_enum! {
    /// A surface the catalog serves (the `consumer` label).
    pub enum Consumer {
        /// Dashboards: the compiler and the dashboard editor.
        Dashboards = "dashboards",
        /// The MCP server (AI agents).
        Mcp = "mcp",
        /// The IDE extension.
        Ide = "ide",
    }
}

telemetry_core::label_enum! {
    /// A kind of metadata source the catalog refreshes from (the `source` label). The
    /// concrete source (connection, project, manifest path) goes on the span only.
    pub enum Source {
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
    pub enum ResolutionOutcome {
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
    pub enum RefreshOutcome {
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
    pub enum ContextOutcome {
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
    /// `action` label of a breach).
    pub enum BreachAction {
        /// Cut to the limit and delivered.
        Truncated = "truncated",
        /// Refused: nothing delivered.
        Rejected = "rejected",
    }
}

telemetry_core::label_enum! {
    /// A contract change the catalog saw (the `kind` label).
    pub enum ContractChange {
        /// Removes or renames something a consumer may use.
        Breaking = "breaking",
        /// Only adds: existing consumers keep working.
        Additive = "additive",
    }
}

telemetry_core::label_enum! {
    /// How an enrichment run ended.
    pub enum EnrichmentOutcome {
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
    pub enum ContextError for "context" {
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
            "Check time() - dataface_catalog_refresh_last_success_seconds{source=\"profiles\"} and the error.type of the failing dataface.catalog.refresh spans; fix the profiler source, then refresh.";
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

const CONSUMERS: usize = Consumer::ALL.len();
const SOURCES: usize = Source::ALL.len();
const CODES: usize = ContextError::ALL.len();
const RESOLUTION_OUTCOMES: usize = ResolutionOutcome::ALL.len();
const REFRESH_OUTCOMES: usize = RefreshOutcome::ALL.len();
const CONTEXT_OUTCOMES: usize = ContextOutcome::ALL.len();
const ACTIONS: usize = BreachAction::ALL.len();
const CHANGES: usize = ContractChange::ALL.len();
const ENRICHMENT_OUTCOMES: usize = EnrichmentOutcome::ALL.len();

/// An integer span attribute (tracing-opentelemetry turns `u64` into text).
fn int(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
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
    resolution_duration: [[Histogram; RESOLUTION_OUTCOMES]; CONSUMERS],
    resolution_errors: [[Counter; CODES]; CONSUMERS],
    refresh_duration: [[Histogram; REFRESH_OUTCOMES]; SOURCES],
    refresh_errors: [[Counter; CODES]; SOURCES],
    last_success: [LatestTimestamp; SOURCES],
    context_duration: [[Histogram; CONTEXT_OUTCOMES]; CONSUMERS],
    context_size: [Histogram; CONSUMERS],
    context_limit: [Gauge; CONSUMERS],
    context_breaches: [[Counter; ACTIONS]; CONSUMERS],
    contract_changes: [Counter; CHANGES],
    enrichment_duration: [Histogram; ENRICHMENT_OUTCOMES],
}

impl Default for ContextProbes {
    fn default() -> Self {
        Self::new()
    }
}

impl ContextProbes {
    /// Registers every handle, once per label combination.
    pub fn new() -> Self {
        use catalog::*;
        Self {
            resolution_duration: array::from_fn(|c| {
                array::from_fn(|o| {
                    metrics::histogram!(RESOLUTION_DURATION.name,
                        "consumer" => Consumer::ALL[c].as_str(),
                        "outcome" => ResolutionOutcome::ALL[o].as_str())
                })
            }),
            resolution_errors: array::from_fn(|c| {
                array::from_fn(|e| {
                    metrics::counter!(RESOLUTION_ERRORS.name,
                        "consumer" => Consumer::ALL[c].as_str(),
                        "error.type" => ContextError::CODES[e])
                })
            }),
            refresh_duration: array::from_fn(|s| {
                array::from_fn(|o| {
                    metrics::histogram!(REFRESH_DURATION.name,
                        "source" => Source::ALL[s].as_str(),
                        "outcome" => RefreshOutcome::ALL[o].as_str())
                })
            }),
            refresh_errors: array::from_fn(|s| {
                array::from_fn(|e| {
                    metrics::counter!(REFRESH_ERRORS.name,
                        "source" => Source::ALL[s].as_str(),
                        "error.type" => ContextError::CODES[e])
                })
            }),
            last_success: array::from_fn(|s| {
                LatestTimestamp::new(
                    metrics::gauge!(LAST_SUCCESS.name, "source" => Source::ALL[s].as_str()),
                )
            }),
            context_duration: array::from_fn(|c| {
                array::from_fn(|o| {
                    metrics::histogram!(CONTEXT_DURATION.name,
                        "consumer" => Consumer::ALL[c].as_str(),
                        "outcome" => ContextOutcome::ALL[o].as_str())
                })
            }),
            context_size: array::from_fn(
                |c| metrics::histogram!(CONTEXT_SIZE.name, "consumer" => Consumer::ALL[c].as_str()),
            ),
            context_limit: array::from_fn(
                |c| metrics::gauge!(CONTEXT_LIMIT.name, "consumer" => Consumer::ALL[c].as_str()),
            ),
            context_breaches: array::from_fn(|c| {
                array::from_fn(|a| {
                    metrics::counter!(CONTEXT_BREACHES.name,
                        "consumer" => Consumer::ALL[c].as_str(),
                        "action" => BreachAction::ALL[a].as_str())
                })
            }),
            contract_changes: array::from_fn(
                |k| metrics::counter!(CONTRACT_CHANGES.name, "kind" => ContractChange::ALL[k].as_str()),
            ),
            enrichment_duration: array::from_fn(|o| {
                metrics::histogram!(ENRICHMENT_DURATION.name,
                    "outcome" => EnrichmentOutcome::ALL[o].as_str())
            }),
        }
    }

    /// Starts resolving `schema` (a schema, table or model name: span only) for `consumer`.
    pub fn resolve(&self, consumer: Consumer, schema: &str) -> ResolutionGuard<'_> {
        let op = if telemetry_core::enabled() {
            Operation::start(tracing::info_span!(
                "dataface.catalog.resolve",
                dataface.catalog.consumer = consumer.as_str(),
                dataface.catalog.schema = schema,
            ))
        } else {
            Operation::disabled()
        };
        ResolutionGuard {
            probes: self,
            consumer,
            op,
        }
    }

    /// Starts refreshing the catalog from one source of kind `source`; `source_name` (the
    /// connection, project or manifest) goes on the span only.
    pub fn refresh(&self, source: Source, source_name: &str) -> RefreshGuard<'_> {
        let op = if telemetry_core::enabled() {
            Operation::start(tracing::info_span!(
                "dataface.catalog.refresh",
                dataface.catalog.source = source.as_str(),
                dataface.catalog.source.name = source_name,
            ))
        } else {
            Operation::disabled()
        };
        RefreshGuard {
            probes: self,
            source,
            op,
        }
    }

    /// Reports a last successful refresh of `source` known from before this process (the
    /// catalog store's record, read at start), so staleness survives a restart. The gauge
    /// never moves backwards: a time older than a success already reported is ignored, a
    /// time in the future counts as now, a time before the Unix epoch is ignored.
    pub fn restore_last_success(&self, source: Source, at: SystemTime) {
        if !telemetry_core::enabled() {
            return;
        }
        self.last_success[source.index()].advance(at);
    }

    /// Starts building an AI context about `schema` (span only) for `consumer`. Finish it
    /// with [`ContextGuard::deliver`], which checks the payload against the limit.
    pub fn context(&self, consumer: Consumer, schema: &str) -> ContextGuard<'_> {
        let op = if telemetry_core::enabled() {
            Operation::start(tracing::info_span!(
                "dataface.catalog.context.build",
                dataface.catalog.consumer = consumer.as_str(),
                dataface.catalog.schema = schema,
            ))
        } else {
            Operation::disabled()
        };
        ContextGuard {
            probes: self,
            consumer,
            op,
        }
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
        let c = consumer.index();
        self.context_size[c].record(size as f64);
        self.context_limit[c].set(limit as f64);
        if let PayloadCheck::Breached(action) = check {
            self.context_breaches[c][action.index()].increment(1);
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
        self.contract_changes[kind.index()].increment(1);
        let span = tracing::info_span!(
            "dataface.catalog.contract.change",
            dataface.catalog.contract.name = contract,
            dataface.catalog.contract.change_kind = kind.as_str(),
        );
        if kind == ContractChange::Breaking {
            // Seen, not failed: `error.type` names the code, the status stays unset.
            span.set_attribute(ERROR_TYPE, ContextError::BreakingContractChange.code());
        }
    }

    /// Starts an enrichment run over `schema` (span only).
    pub fn enrichment(&self, schema: &str) -> EnrichmentGuard<'_> {
        let op = if telemetry_core::enabled() {
            Operation::start(tracing::info_span!(
                "dataface.catalog.enrichment",
                dataface.catalog.schema = schema,
            ))
        } else {
            Operation::disabled()
        };
        EnrichmentGuard { probes: self, op }
    }
}

/// One schema resolution in flight. Finish it with [`resolved`](Self::resolved),
/// [`served_stale_profile`](Self::served_stale_profile) or [`fail`](Self::fail); dropped
/// without, it records `abandoned`.
#[derive(Debug)]
#[must_use = "finish the resolution with an outcome, or it records `abandoned`"]
pub struct ResolutionGuard<'p> {
    probes: &'p ContextProbes,
    consumer: Consumer,
    op: Operation,
}

impl ResolutionGuard<'_> {
    /// The resolution span: enter it around the work so its logs correlate.
    pub fn span(&self) -> &tracing::Span {
        self.op.span()
    }

    fn duration(&self, outcome: ResolutionOutcome, elapsed: Duration) {
        self.probes.resolution_duration[self.consumer.index()][outcome.index()]
            .record(elapsed.as_secs_f64());
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
            let span = self.op.span();
            span.set_attribute(ERROR_TYPE, ContextError::StaleProfileData.code());
            span.set_attribute("dataface.catalog.profile.age", int(age.as_secs()));
            self.probes.resolution_errors[self.consumer.index()]
                [ContextError::StaleProfileData.index()]
            .increment(1);
            self.duration(ResolutionOutcome::Stale, elapsed);
        }
    }

    /// Failed with `code` (schema not found, timeout ...).
    pub fn fail(mut self, code: ContextError) {
        if let Some(elapsed) = self.op.fail(code) {
            self.probes.resolution_errors[self.consumer.index()][code.index()].increment(1);
            self.duration(ResolutionOutcome::Failed, elapsed);
        }
    }
}

impl Drop for ResolutionGuard<'_> {
    fn drop(&mut self) {
        if let Some(elapsed) = self.op.abandon() {
            self.duration(ResolutionOutcome::Abandoned, elapsed);
        }
    }
}

/// One source refresh in flight. Finish it with [`succeeded`](Self::succeeded) or
/// [`fail`](Self::fail); dropped without, it records `abandoned`.
#[derive(Debug)]
#[must_use = "finish the refresh with succeeded(entries) or fail(code), or it records `abandoned`"]
pub struct RefreshGuard<'p> {
    probes: &'p ContextProbes,
    source: Source,
    op: Operation,
}

impl RefreshGuard<'_> {
    /// The refresh span: enter it around the work (contract changes seen during the refresh
    /// then nest under it).
    pub fn span(&self) -> &tracing::Span {
        self.op.span()
    }

    fn duration(&self, outcome: RefreshOutcome, elapsed: Duration) {
        self.probes.refresh_duration[self.source.index()][outcome.index()]
            .record(elapsed.as_secs_f64());
    }

    /// Refreshed `entries` catalog entries: the source's last-success time becomes now.
    pub fn succeeded(mut self, entries: u64) {
        if let Some(elapsed) = self.op.finish() {
            self.op
                .span()
                .set_attribute("dataface.catalog.refresh.entries", int(entries));
            self.probes.last_success[self.source.index()].advance(SystemTime::now());
            self.duration(RefreshOutcome::Success, elapsed);
        }
    }

    /// Failed with `code` (source unavailable, timeout ...): the last-success time stays, so
    /// staleness keeps growing.
    pub fn fail(mut self, code: ContextError) {
        if let Some(elapsed) = self.op.fail(code) {
            self.probes.refresh_errors[self.source.index()][code.index()].increment(1);
            self.duration(RefreshOutcome::Failed, elapsed);
        }
    }
}

impl Drop for RefreshGuard<'_> {
    fn drop(&mut self) {
        if let Some(elapsed) = self.op.abandon() {
            self.duration(RefreshOutcome::Abandoned, elapsed);
        }
    }
}

/// One AI context build in flight. Finish it with [`deliver`](Self::deliver) or
/// [`fail`](Self::fail); dropped without, it records `abandoned`.
#[derive(Debug)]
#[must_use = "finish the context build with deliver(..) or fail(code), or it records `abandoned`"]
pub struct ContextGuard<'p> {
    probes: &'p ContextProbes,
    consumer: Consumer,
    op: Operation,
}

impl ContextGuard<'_> {
    /// The context build span.
    pub fn span(&self) -> &tracing::Span {
        self.op.span()
    }

    fn duration(&self, outcome: ContextOutcome, elapsed: Duration) {
        self.probes.context_duration[self.consumer.index()][outcome.index()]
            .record(elapsed.as_secs_f64());
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
        span.set_attribute("dataface.catalog.context.size", int(size_bytes));
        span.set_attribute("dataface.catalog.context.limit", int(limit_bytes));
        if let PayloadCheck::Breached(action) = check {
            span.set_attribute("dataface.catalog.context.action", action.as_str());
            if action == BreachAction::Truncated {
                span.set_attribute(ERROR_TYPE, code.code());
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

impl Drop for ContextGuard<'_> {
    fn drop(&mut self) {
        if let Some(elapsed) = self.op.abandon() {
            self.duration(ContextOutcome::Abandoned, elapsed);
        }
    }
}

/// One enrichment run in flight. Finish it with [`succeeded`](Self::succeeded),
/// [`partial`](Self::partial) or [`fail`](Self::fail); dropped without, it records
/// `abandoned`.
#[derive(Debug)]
#[must_use = "finish the enrichment run with an outcome, or it records `abandoned`"]
pub struct EnrichmentGuard<'p> {
    probes: &'p ContextProbes,
    op: Operation,
}

impl EnrichmentGuard<'_> {
    /// The enrichment run span.
    pub fn span(&self) -> &tracing::Span {
        self.op.span()
    }

    fn duration(&self, outcome: EnrichmentOutcome, elapsed: Duration) {
        self.probes.enrichment_duration[outcome.index()].record(elapsed.as_secs_f64());
    }

    /// Enriched all `entries` entries.
    pub fn succeeded(mut self, entries: u64) {
        if let Some(elapsed) = self.op.finish() {
            self.op
                .span()
                .set_attribute("dataface.catalog.enrichment.entries", int(entries));
            self.duration(EnrichmentOutcome::Success, elapsed);
        }
    }

    /// Enriched `enriched` entries; `failed` others kept their previous metadata.
    pub fn partial(mut self, enriched: u64, failed: u64) {
        if let Some(elapsed) = self.op.finish() {
            let span = self.op.span();
            span.set_attribute("dataface.catalog.enrichment.entries", int(enriched));
            span.set_attribute("dataface.catalog.enrichment.failed_entries", int(failed));
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

impl Drop for EnrichmentGuard<'_> {
    fn drop(&mut self) {
        if let Some(elapsed) = self.op.abandon() {
            self.duration(EnrichmentOutcome::Abandoned, elapsed);
        }
    }
}

/// The README's example compiles and runs as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
