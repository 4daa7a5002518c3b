//! The owners every metric, span, error code and alert names: support routing keys.

use serde::{Serialize, Serializer};

/// A team that answers for a signal. Serialises as its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Owner {
    /// The routing key (`core-compiler`), used in alert labels and the owners file.
    pub id: &'static str,
    /// What the team answers for.
    pub description: &'static str,
}

impl Serialize for Owner {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id)
    }
}

/// YAML contract, compiler, execution adapters, rendering, releases.
pub const CORE_COMPILER: Owner = Owner {
    id: "core-compiler",
    description:
        "YAML contract, compiler and normalizer, execution adapters, rendering, core releases",
};
/// The context catalog and what it serves to dashboards, MCP and the IDE.
pub const CONTEXT_CATALOG: Owner = Owner {
    id: "context-catalog",
    description: "Context catalog: schema resolution, freshness, AI context payloads, enrichment",
};
/// The warehouse profiler and inspector reports.
pub const INSPECT_PROFILER: Owner = Owner {
    id: "inspect-profiler",
    description: "Warehouse profiling, semantic type detection, inspector reports",
};
/// The hosted Cloud Suite.
pub const CLOUD_SUITE: Owner = Owner {
    id: "cloud-suite",
    description: "Accounts, project provisioning and lifecycle, quotas",
};
/// Deployments, webhooks and custom domains.
pub const INTEGRATIONS_PLATFORM: Owner = Owner {
    id: "integrations-platform",
    description: "GCP deployments, Fivetran webhooks, custom domains and TLS",
};
/// Charges that fail to record.
pub const BILLING: Owner = Owner {
    id: "billing",
    description: "Billing events and charges that must never be lost",
};
/// This instrumentation layer itself.
pub const OBSERVABILITY_PLATFORM: Owner = Owner {
    id: "observability-platform",
    description: "The telemetry pipeline: export, drops, configuration, cardinality",
};

/// Every known owner.
pub const ALL: &[Owner] = &[
    CORE_COMPILER,
    CONTEXT_CATALOG,
    INSPECT_PROFILER,
    CLOUD_SUITE,
    INTEGRATIONS_PLATFORM,
    BILLING,
    OBSERVABILITY_PLATFORM,
];

/// Full owner records, for the catalog's JSON form.
#[derive(Serialize)]
pub(crate) struct OwnerRecord {
    id: &'static str,
    description: &'static str,
}

pub(crate) fn records() -> Vec<OwnerRecord> {
    ALL.iter()
        .map(|o| OwnerRecord {
            id: o.id,
            description: o.description,
        })
        .collect()
}
