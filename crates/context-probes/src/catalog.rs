//! The context catalog's section of the signal catalog (task card 001).

use crate::{
    BreachAction, Consumer, ContextError, ContextOutcome, ContractChange, EnrichmentOutcome,
    RefreshOutcome, ResolutionOutcome, Source,
};
use telemetry_core::catalog::{
    AttributeSpec, InstrumentKind, LabelSpec, MetricSpec, Owner, Requirement, Section, SpanSpec,
};

/// The context catalog and what it serves to dashboards, MCP and the IDE.
pub const CONTEXT_CATALOG: Owner = Owner {
    id: "context-catalog",
    description: "Context catalog: schema resolution, freshness, AI context payloads, enrichment",
};

const CONSUMER: LabelSpec = LabelSpec::enumerated(
    "consumer",
    "The surface the catalog served (dashboards, the MCP server, the IDE extension).",
    Consumer::VALUES,
);
const SOURCE: LabelSpec = LabelSpec::enumerated(
    "source",
    "Kind of metadata source refreshed (the concrete source is on the span).",
    Source::VALUES,
);
const ERROR_TYPE: LabelSpec =
    LabelSpec::enumerated("error.type", "The catalog error code.", ContextError::CODES);

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
    labels: &[
        CONSUMER,
        LabelSpec::enumerated(
            "outcome",
            "How the resolution ended (`stale`: resolved with profile data past its freshness budget).",
            ResolutionOutcome::VALUES,
        ),
    ],
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
    labels: &[CONSUMER, ERROR_TYPE],
    buckets: &[],
    owner: CONTEXT_CATALOG,
};
/// `dataface.catalog.refresh.duration`: one sample per source refresh.
pub const REFRESH_DURATION: MetricSpec = MetricSpec {
    name: "dataface.catalog.refresh.duration",
    kind: InstrumentKind::Histogram,
    unit: "s",
    description: "Time to refresh the catalog from one source, by source kind and outcome; its count is the refresh rate.",
    labels: &[
        SOURCE,
        LabelSpec::enumerated(
            "outcome",
            "How the refresh ended.",
            RefreshOutcome::VALUES,
        ),
    ],
    buckets: REFRESH_SECONDS,
    owner: CONTEXT_CATALOG,
};
/// `dataface.catalog.refresh.errors`: failed refreshes by source kind and code.
pub const REFRESH_ERRORS: MetricSpec = MetricSpec {
    name: "dataface.catalog.refresh.errors",
    kind: InstrumentKind::Counter,
    unit: "{error}",
    description: "Catalog refreshes that failed, by source kind and error code.",
    labels: &[SOURCE, ERROR_TYPE],
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
    labels: &[SOURCE],
    buckets: &[],
    owner: CONTEXT_CATALOG,
};
/// `dataface.catalog.context.duration`: one sample per AI context build.
pub const CONTEXT_DURATION: MetricSpec = MetricSpec {
    name: "dataface.catalog.context.duration",
    kind: InstrumentKind::Histogram,
    unit: "s",
    description: "Time to build one AI context payload, by consumer and outcome; its count is the build rate.",
    labels: &[
        CONSUMER,
        LabelSpec::enumerated(
            "outcome",
            "How the build ended (`truncated`, `rejected`: over the consumer's limit).",
            ContextOutcome::VALUES,
        ),
    ],
    buckets: CONTEXT_SECONDS,
    owner: CONTEXT_CATALOG,
};
/// `dataface.catalog.context.size`: AI context payload sizes.
pub const CONTEXT_SIZE: MetricSpec = MetricSpec {
    name: "dataface.catalog.context.size",
    kind: InstrumentKind::Histogram,
    unit: "By",
    description: "Size of each AI context payload as built (before any truncation), by consumer.",
    labels: &[CONSUMER],
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
    labels: &[CONSUMER],
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
    labels: &[
        CONSUMER,
        LabelSpec::enumerated(
            "action",
            "What was done with the payload: truncated to the limit, or rejected.",
            BreachAction::VALUES,
        ),
    ],
    buckets: &[],
    owner: CONTEXT_CATALOG,
};
/// `dataface.catalog.contract.changes`: contract changes the catalog saw, by kind.
pub const CONTRACT_CHANGES: MetricSpec = MetricSpec {
    name: "dataface.catalog.contract.changes",
    kind: InstrumentKind::Counter,
    unit: "{change}",
    description: "Contract changes the catalog saw, breaking or additive.",
    labels: &[LabelSpec::enumerated(
        "kind",
        "Breaking (removes or renames what consumers use) or additive.",
        ContractChange::VALUES,
    )],
    buckets: &[],
    owner: CONTEXT_CATALOG,
};
/// `dataface.catalog.enrichment.duration`: one sample per enrichment run.
pub const ENRICHMENT_DURATION: MetricSpec = MetricSpec {
    name: "dataface.catalog.enrichment.duration",
    kind: InstrumentKind::Histogram,
    unit: "s",
    description: "Time of one enrichment run, by outcome; its count is the run rate.",
    labels: &[LabelSpec::enumerated(
        "outcome",
        "How the run ended (`partial`: some entries failed).",
        EnrichmentOutcome::VALUES,
    )],
    buckets: ENRICHMENT_SECONDS,
    owner: CONTEXT_CATALOG,
};

const ERROR_ATTR: AttributeSpec = AttributeSpec {
    key: "error.type",
    requirement: Requirement::ConditionallyRequired,
    description: "The error code, when the operation failed (or, as a warning, was degraded).",
};
const ABANDONED_ATTR: AttributeSpec = AttributeSpec {
    key: telemetry_core::probe::ABANDONED,
    requirement: Requirement::ConditionallyRequired,
    description: "True when the operation's guard was dropped without an outcome.",
};
const CONSUMER_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.catalog.consumer",
    requirement: Requirement::Required,
    description: "The consumer served: dashboards, mcp or ide.",
};
const SCHEMA_ATTR: AttributeSpec = AttributeSpec {
    key: "dataface.catalog.schema",
    requirement: Requirement::Recommended,
    description:
        "The schema, table or model concerned (spans and logs only, never a metric label).",
};

/// The context catalog's spans.
pub const SPANS: &[SpanSpec] = &[
    SpanSpec {
        name: "dataface.catalog.resolve",
        description: "Resolving one schema, table or model for a consumer.",
        attributes: &[
            CONSUMER_ATTR,
            SCHEMA_ATTR,
            AttributeSpec {
                key: "dataface.catalog.profile.age",
                requirement: Requirement::ConditionallyRequired,
                description:
                    "Age in seconds of the profile data served, when past its freshness budget.",
            },
            ERROR_ATTR,
            ABANDONED_ATTR,
        ],
        owner: CONTEXT_CATALOG,
    },
    SpanSpec {
        name: "dataface.catalog.refresh",
        description: "Refreshing the catalog from one metadata source.",
        attributes: &[
            AttributeSpec {
                key: "dataface.catalog.source",
                requirement: Requirement::Required,
                description:
                    "Kind of source: warehouse_schema, profiles, dbt_manifest or contracts.",
            },
            AttributeSpec {
                key: "dataface.catalog.source.name",
                requirement: Requirement::Recommended,
                description: "The concrete source (connection, project, manifest).",
            },
            AttributeSpec {
                key: "dataface.catalog.refresh.entries",
                requirement: Requirement::ConditionallyRequired,
                description: "Catalog entries refreshed, when the refresh succeeded.",
            },
            ERROR_ATTR,
            ABANDONED_ATTR,
        ],
        owner: CONTEXT_CATALOG,
    },
    SpanSpec {
        name: "dataface.catalog.context.build",
        description:
            "Building one AI context payload for a consumer and checking it against the limit.",
        attributes: &[
            CONSUMER_ATTR,
            SCHEMA_ATTR,
            AttributeSpec {
                key: "dataface.catalog.context.size",
                requirement: Requirement::ConditionallyRequired,
                description: "Payload size in bytes as built, when built.",
            },
            AttributeSpec {
                key: "dataface.catalog.context.limit",
                requirement: Requirement::ConditionallyRequired,
                description: "The consumer's limit in bytes, when built.",
            },
            AttributeSpec {
                key: "dataface.catalog.context.action",
                requirement: Requirement::ConditionallyRequired,
                description: "truncated or rejected, when over the limit.",
            },
            ERROR_ATTR,
            ABANDONED_ATTR,
        ],
        owner: CONTEXT_CATALOG,
    },
    SpanSpec {
        name: "dataface.catalog.contract.change",
        description: "A contract change the catalog saw (a point in time, under the current span).",
        attributes: &[
            AttributeSpec {
                key: "dataface.catalog.contract.name",
                requirement: Requirement::Recommended,
                description: "The contract that changed.",
            },
            AttributeSpec {
                key: "dataface.catalog.contract.change_kind",
                requirement: Requirement::Required,
                description: "breaking or additive.",
            },
            AttributeSpec {
                key: "error.type",
                requirement: Requirement::ConditionallyRequired,
                description: "breaking_contract_change, when breaking (the status stays unset).",
            },
        ],
        owner: CONTEXT_CATALOG,
    },
    SpanSpec {
        name: "dataface.catalog.enrichment",
        description: "One enrichment run over catalog entries.",
        attributes: &[
            SCHEMA_ATTR,
            AttributeSpec {
                key: "dataface.catalog.enrichment.entries",
                requirement: Requirement::ConditionallyRequired,
                description: "Entries enriched, when the run completed.",
            },
            AttributeSpec {
                key: "dataface.catalog.enrichment.failed_entries",
                requirement: Requirement::ConditionallyRequired,
                description: "Entries that failed, when the run was partial.",
            },
            ERROR_ATTR,
            ABANDONED_ATTR,
        ],
        owner: CONTEXT_CATALOG,
    },
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
    error_codes: ContextError::SPECS,
    owners: &[CONTEXT_CATALOG],
};

/// The catalog section alone, with telemetry-core's, as a catalog (for tests and tools).
pub static CATALOG: telemetry_core::catalog::Catalog = telemetry_core::catalog::Catalog {
    version: "1.0.0",
    sections: &[&telemetry_core::signals::CORE_SECTION, &SECTION],
};
