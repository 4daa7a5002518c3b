//! Owners: the teams that answer for signals, used as support routing keys.
//!
//! telemetry-core names no product team: each surface declares its owners in its own
//! catalog section ([`Section::owners`](super::Section::owners)), and
//! [`Catalog::validate`](super::Catalog::validate) checks every owner a metric, span or
//! error code names against the owners its catalog's sections declare. telemetry-core
//! declares only [`OBSERVABILITY_PLATFORM`], the owner of its own self-metrics.

use serde::{Serialize, Serializer};

/// A team that answers for a signal. Serialises as its id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Owner {
    /// The routing key (for example `example-team`), used in alert labels and the owners file.
    pub id: &'static str,
    /// What the team answers for.
    pub description: &'static str,
}

impl Serialize for Owner {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.id)
    }
}

/// This instrumentation layer itself: the owner of telemetry-core's own signals.
pub const OBSERVABILITY_PLATFORM: Owner = Owner {
    id: "observability-platform",
    description: "The telemetry pipeline: export, drops, configuration, cardinality",
};
