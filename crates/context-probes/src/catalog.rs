//! The context catalog's section of the signal catalog (task card 001).

use crate::{
    BreachAction, Consumer, ContextError, ContextOutcome, ContractChange, EnrichmentOutcome,
    RefreshOutcome, ResolutionOutcome, Source,
};
use telemetry_core::catalog::{
    AttributeSpec, AttributeType, InstrumentKind, MetricSpec, Owner, Requirement, Section,
    SeriesBudget, SpanSpec,
};
use telemetry_core::errors::ERROR_TYPE_ATTR;
use telemetry_core::probe::ABANDONED_ATTR;

/// The context catalog and what it serves to dashboards, MCP and the IDE.
pub const CONTEXT_CATALOG: Owner = Owner {
    id: "context-catalog",
    description: "Context catalog: schema resolution, freshness, AI context payloads, enrichment",
};

/// Schema resolutions serve interactive requests: milliseconds to seconds.
const RESOLUTION_SECONDS: &[f64] = &[
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// Refreshes read whole sources: a tenth of a second to half an hour.
const REFRESH_SECONDS: &[f64] = &[
    0.1, 0.5, 1.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0,
];
/// AI context builds sit on a request path.
const CONTEXT_SECONDS: &[f64] = &[
    0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
];
/// Enrichment runs call a model over many entries: seconds to an hour.
const ENRICHMENT_SECONDS: &[f64] = &[
    1.0, 5.0, 10.0, 30.0, 60.0, 120.0, 300.0, 600.0, 1800.0, 3600.0,
];
/// AI context payloads: 1 KiB to 8 MiB, in powers of two and four.
const PAYLOAD_BYTES: &[f64] = &[
    1_024.0,
    4_096.0,
    16_384.0,
    65_536.0,
    131_072.0,
    262_144.0,
    524_288.0,
    1_048_576.0,
    2_097_152.0,
    4_194_304.0,
    8_388_608.0,
];

/// `dataface.catalog.resolution.duration`: one sample per schema resolution.
pub const RESOLUTION_DURATION: MetricSpec = MetricSpec {
    name: "dataface.catalog.resolution.duration",
    kind: InstrumentKind::Histogram,
    unit: "s",
    description: "Time to resolve one schema for a consumer, by consumer and outcome; its count is the resolution rate.",
    labels: &[Consumer::LABEL, ResolutionOutcome::LABEL],
    buckets: RESOLUTION_SECONDS,
    owner: CONTEXT_CATALOG,
};
/// `dataface.catalog.resolution.errors`: failed (and stale) resolutions by consumer and code.
pub const RESOLUTION_ERRORS: MetricSpec = MetricSpec {
    name: "dataface.catalog.resolution.errors",
    kind: InstrumentKind::Counter,
    unit: "{error}",
    description:
        "Schema resolutions that failed or served stale profile data, by consumer and error code.",
    labels: &[Consumer::LABEL, ContextError::LABEL],
    buckets: &[],
    owner: CONTEXT_CATALOG,
};
/// `dataface.catalog.refresh.duration`: one sample per source refresh.
pub const REFRESH_DURATION: MetricSpec = MetricSpec {
    name: "dataface.catalog.refresh.duration",
    kind: InstrumentKind::Histogram,
    unit: "s",
    description: "Time to refresh the catalog from one source, by source kind and outcome; its count is the refresh rate.",
    labels: &[Source::LABEL, RefreshOutcome::LABEL],
    buckets: REFRESH_SECONDS,
    owner: CONTEXT_CATALOG,
};
/// `dataface.catalog.refresh.errors`: failed refreshes by source kind and code.
pub const REFRESH_ERRORS: MetricSpec = MetricSpec {
    name: "dataface.catalog.refresh.errors",
    kind: InstrumentKind::Counter,
    unit: "{error}",
    description: "Catalog refreshes that failed, by source kind and error code.",
    labels: &[Source::LABEL.zero_init(&[]), ContextError::LABEL],
    buckets: &[],
    owner: CONTEXT_CATALOG,
};
/// `dataface.catalog.refresh.last_success`: Unix time of the last successful refresh per
/// source kind; staleness is `time() - dataface_catalog_refresh_last_success_seconds`.
pub const LAST_SUCCESS: MetricSpec = MetricSpec {
    name: "dataface.catalog.refresh.last_success",
    kind: InstrumentKind::Gauge,
    unit: "s",
    description: "Unix time of the last successful refresh from each source kind; staleness is time() minus this value.",
    labels: &[Source::LABEL],
    buckets: &[],
    owner: CONTEXT_CATALOG,
};
/// `dataface.catalog.context.duration`: one sample per AI context build.
pub const CONTEXT_DURATION: MetricSpec = MetricSpec {
    name: "dataface.catalog.context.duration",
    kind: InstrumentKind::Histogram,
    unit: "s",
    description: "Time to build one AI context payload, by consumer and outcome; its count is the build rate.",
    labels: &[Consumer::LABEL, ContextOutcome::LABEL],
    buckets: CONTEXT_SECONDS,
    owner: CONTEXT_CATALOG,
};
/// `dataface.catalog.context.size`: AI context payload sizes.
pub const CONTEXT_SIZE: MetricSpec = MetricSpec {
    name: "dataface.catalog.context.size",
    kind: InstrumentKind::Histogram,
    unit: "By",
    description: "Size of each AI context payload as built (before any truncation), by consumer.",
    labels: &[Consumer::LABEL.zero_init(&[])],
    buckets: PAYLOAD_BYTES,
    owner: CONTEXT_CATALOG,
};
/// `dataface.catalog.context.limit`: the configured payload limit per consumer.
pub const CONTEXT_LIMIT: MetricSpec = MetricSpec {
    name: "dataface.catalog.context.limit",
    kind: InstrumentKind::Gauge,
    unit: "By",
    description:
        "The AI context payload size limit configured for each consumer, as last checked against.",
    labels: &[Consumer::LABEL.zero_init(&[])],
    buckets: &[],
    owner: CONTEXT_CATALOG,
};
/// `dataface.catalog.context.breaches`: payloads over the limit, by consumer and action.
pub const CONTEXT_BREACHES: MetricSpec = MetricSpec {
    name: "dataface.catalog.context.breaches",
    kind: InstrumentKind::Counter,
    unit: "{payload}",
    description:
        "AI context payloads over the consumer's size limit, by consumer and the action taken.",
    labels: &[Consumer::LABEL, BreachAction::LABEL],
    buckets: &[],
    owner: CONTEXT_CATALOG,
};
/// `dataface.catalog.contract.changes`: contract changes the catalog saw, by kind.
pub const CONTRACT_CHANGES: MetricSpec = MetricSpec {
    name: "dataface.catalog.contract.changes",
    kind: InstrumentKind::Counter,
    unit: "{change}",
    description: "Contract changes the catalog saw, breaking or additive.",
    labels: &[ContractChange::LABEL],
    buckets: &[],
    owner: CONTEXT_CATALOG,
};
/// `dataface.catalog.enrichment.duration`: one sample per enrichment run.
pub const ENRICHMENT_DURATION: MetricSpec = MetricSpec {
    name: "dataface.catalog.enrichment.duration",
    kind: InstrumentKind::Histogram,
    unit: "s",
    description: "Time of one enrichment run, by outcome; its count is the run rate.",
    labels: &[EnrichmentOutcome::LABEL],
    buckets: ENRICHMENT_SECONDS,
    owner: CONTEXT_CATALOG,
};

/// `error.type`: the error code, also set (status unset) when degraded.
pub const ERROR_ATTR: AttributeSpec = AttributeSpec {
    description: "The error code, when the operation failed (or, as a warning, was degraded).",
    ..ERROR_TYPE_ATTR
};
/// `dataface.catalog.consumer`: the consumer served.
pub const CONSUMER_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.catalog.consumer",
    requirement: Requirement::Required,
    value_type: AttributeType::Enum(Consumer::VALUES),
    description: "The consumer served: dashboards, mcp or ide.",
};
/// `dataface.catalog.schema`: the schema, table or model concerned.
pub const SCHEMA_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.catalog.schema",
    requirement: Requirement::Recommended,
    value_type: AttributeType::String {
        example: "analytics.orders",
    },
    description:
        "The schema, table or model concerned (spans and logs only, never a metric label).",
};
/// `dataface.catalog.profile.age`: the age of stale profile data served.
pub const PROFILE_AGE_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.catalog.profile.age",
    requirement: Requirement::ConditionallyRequired,
    value_type: AttributeType::Int,
    description: "Age in seconds of the profile data served, when past its freshness budget.",
};
/// `dataface.catalog.source.type`: the kind of source refreshed.
pub const SOURCE_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.catalog.source.type",
    requirement: Requirement::Required,
    value_type: AttributeType::Enum(Source::VALUES),
    description: "Kind of source: warehouse_schema, profiles, dbt_manifest or contracts.",
};
/// `dataface.catalog.source.name`: the concrete source refreshed.
pub const SOURCE_NAME_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.catalog.source.name",
    requirement: Requirement::Recommended,
    value_type: AttributeType::String {
        example: "snowflake-prod",
    },
    description: "The concrete source (connection, project, manifest).",
};
/// `dataface.catalog.refresh.entries`: entries a refresh refreshed.
pub const REFRESH_ENTRIES_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.catalog.refresh.entries",
    requirement: Requirement::ConditionallyRequired,
    value_type: AttributeType::Int,
    description: "Catalog entries refreshed, when the refresh succeeded.",
};
/// `dataface.catalog.context.size`: an AI context payload's size.
pub const CONTEXT_SIZE_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.catalog.context.size",
    requirement: Requirement::ConditionallyRequired,
    value_type: AttributeType::Int,
    description: "Payload size in bytes as built, when built.",
};
/// `dataface.catalog.context.limit`: the consumer's payload limit.
pub const CONTEXT_LIMIT_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.catalog.context.limit",
    requirement: Requirement::ConditionallyRequired,
    value_type: AttributeType::Int,
    description: "The consumer's limit in bytes, when built.",
};
/// `dataface.catalog.context.action`: what was done with a payload over the limit.
pub const CONTEXT_ACTION_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.catalog.context.action",
    requirement: Requirement::ConditionallyRequired,
    value_type: AttributeType::Enum(BreachAction::VALUES),
    description: "truncated or rejected, when over the limit.",
};
/// `dataface.catalog.contract.name`: the contract that changed.
pub const CONTRACT_NAME_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.catalog.contract.name",
    requirement: Requirement::Recommended,
    value_type: AttributeType::String {
        example: "orders_contract",
    },
    description: "The contract that changed.",
};
/// `dataface.catalog.contract.change_kind`: breaking or additive.
pub const CHANGE_KIND_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.catalog.contract.change_kind",
    requirement: Requirement::Required,
    value_type: AttributeType::Enum(ContractChange::VALUES),
    description: "breaking or additive.",
};
/// `dataface.catalog.enrichment.entries`: entries an enrichment run enriched.
pub const ENRICHMENT_ENTRIES_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.catalog.enrichment.entries",
    requirement: Requirement::ConditionallyRequired,
    value_type: AttributeType::Int,
    description: "Entries enriched, when the run completed.",
};
/// `dataface.catalog.enrichment.failed_entries`: entries a partial run failed on.
pub const ENRICHMENT_FAILED_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.catalog.enrichment.failed_entries",
    requirement: Requirement::ConditionallyRequired,
    value_type: AttributeType::Int,
    description: "Entries that failed, when the run was partial.",
};

/// `dataface.catalog.resolve`: one schema resolution.
pub const RESOLVE_SPAN: SpanSpec = SpanSpec {
    name: "dataface.catalog.resolve",
    description: "Resolving one schema, table or model for a consumer.",
    attributes: &[
        CONSUMER_ATTR,
        SCHEMA_ATTR,
        PROFILE_AGE_ATTR,
        ERROR_ATTR,
        ABANDONED_ATTR,
    ],
    owner: CONTEXT_CATALOG,
};
/// `dataface.catalog.refresh`: one source refresh.
pub const REFRESH_SPAN: SpanSpec = SpanSpec {
    name: "dataface.catalog.refresh",
    description: "Refreshing the catalog from one metadata source.",
    attributes: &[
        SOURCE_ATTR,
        SOURCE_NAME_ATTR,
        REFRESH_ENTRIES_ATTR,
        ERROR_ATTR,
        ABANDONED_ATTR,
    ],
    owner: CONTEXT_CATALOG,
};
/// `dataface.catalog.context.build`: one AI context build.
pub const CONTEXT_SPAN: SpanSpec = SpanSpec {
    name: "dataface.catalog.context.build",
    description:
        "Building one AI context payload for a consumer and checking it against the limit.",
    attributes: &[
        CONSUMER_ATTR,
        SCHEMA_ATTR,
        CONTEXT_SIZE_ATTR,
        CONTEXT_LIMIT_ATTR,
        CONTEXT_ACTION_ATTR,
        ERROR_ATTR,
        ABANDONED_ATTR,
    ],
    owner: CONTEXT_CATALOG,
};
/// `dataface.catalog.contract.change`: one contract change seen.
pub const CONTRACT_CHANGE_SPAN: SpanSpec = SpanSpec {
    name: "dataface.catalog.contract.change",
    description: "A contract change the catalog saw (a point in time, under the current span).",
    attributes: &[
        CONTRACT_NAME_ATTR,
        CHANGE_KIND_ATTR,
        AttributeSpec {
            description: "breaking_contract_change, when breaking (the status stays unset).",
            ..ERROR_TYPE_ATTR
        },
    ],
    owner: CONTEXT_CATALOG,
};
/// `dataface.catalog.enrichment`: one enrichment run.
pub const ENRICHMENT_SPAN: SpanSpec = SpanSpec {
    name: "dataface.catalog.enrichment",
    description: "One enrichment run over catalog entries.",
    attributes: &[
        SCHEMA_ATTR,
        ENRICHMENT_ENTRIES_ATTR,
        ENRICHMENT_FAILED_ATTR,
        ERROR_ATTR,
        ABANDONED_ATTR,
    ],
    owner: CONTEXT_CATALOG,
};

/// The context catalog's spans.
pub const SPANS: &[SpanSpec] = &[
    RESOLVE_SPAN,
    REFRESH_SPAN,
    CONTEXT_SPAN,
    CONTRACT_CHANGE_SPAN,
    ENRICHMENT_SPAN,
];

/// The context catalog's section of the catalog.
pub static SECTION: Section = Section {
    surface: "context",
    metrics: &[
        RESOLUTION_DURATION,
        RESOLUTION_ERRORS,
        REFRESH_DURATION,
        REFRESH_ERRORS,
        LAST_SUCCESS,
        CONTEXT_DURATION,
        CONTEXT_SIZE,
        CONTEXT_LIMIT,
        CONTEXT_BREACHES,
        CONTRACT_CHANGES,
        ENRICHMENT_DURATION,
    ],
    spans: SPANS,
    events: &[],
    error_codes: ContextError::SPECS,
    owners: &[CONTEXT_CATALOG],
    // Within the default with native histograms (178 series at worst). Over it on a classic
    // scrape: the worst case there is 1,162, five histograms of 13-16 series per label set.
    // Lower it as dimensions are cut; never raise it without a reason.
    series_budget: SeriesBudget::classic(1_200),
};

/// The catalog section alone, with telemetry-core's, as a catalog (for tests and tools).
pub static CATALOG: telemetry_core::catalog::Catalog = telemetry_core::catalog::Catalog {
    version: "1.0.0",
    sections: &[&telemetry_core::signals::CORE_SECTION, &SECTION],
};
