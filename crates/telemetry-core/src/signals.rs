//! telemetry-core's own section of the catalog: the pipeline's self-metrics
//! ([`self_metrics`](crate::self_metrics)) and its release identity
//! ([`release`](crate::release)), declared beside the modules that emit them so the
//! [`catalog`](crate::catalog) module stays a leaf of types and validation.

use crate::catalog::{owners, Catalog, Section};

/// telemetry-core's own section: the pipeline's self-metrics and release identity, owned by
/// [`owners::OBSERVABILITY_PLATFORM`].
pub static CORE_SECTION: Section = Section {
    surface: "telemetry",
    metrics: &[
        crate::self_metrics::ATTEMPTED_SPEC,
        crate::self_metrics::EXPORTED_SPEC,
        crate::self_metrics::DROPPED_SPEC,
        crate::self_metrics::LIMITED_SPEC,
        crate::self_metrics::STDERR_DROPPED_SPEC,
        crate::self_metrics::CONFIG_WARNINGS_SPEC,
        crate::self_metrics::CARDINALITY_OVERFLOW_SPEC,
        crate::release::BUILD_INFO_SPEC,
    ],
    spans: &[],
    events: &[],
    error_codes: &[],
    owners: &[owners::OBSERVABILITY_PLATFORM],
    // Over the default (crate::catalog::DEFAULT_SERIES_BUDGET), in both modes alike (no
    // histograms): the worst case today is 391, the cardinality-overflow counter alone 257
    // (one per metric of the catalog). Lower it as dimensions are cut; never raise it without
    // a reason.
    series_budget: crate::catalog::SeriesBudget::new(400, 400),
};

/// The catalog of telemetry-core alone (what `init` knows without a product catalog).
pub static CORE_CATALOG: Catalog = Catalog {
    version: "0.1.0",
    sections: &[&CORE_SECTION],
};

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn core_catalog_is_valid() {
        if let Err(e) = CORE_CATALOG.validate() {
            panic!("CORE_CATALOG: {e}");
        }
    }

    #[test]
    fn core_catalog_holds_the_self_metrics_and_build_info() {
        for name in [
            crate::self_metrics::ATTEMPTED,
            crate::self_metrics::EXPORTED,
            crate::self_metrics::DROPPED,
            crate::self_metrics::LIMITED,
            crate::self_metrics::STDERR_DROPPED,
            crate::self_metrics::CONFIG_WARNINGS,
            crate::self_metrics::CARDINALITY_OVERFLOW,
            crate::release::BUILD_INFO,
        ] {
            let m = CORE_CATALOG
                .metric(name)
                .unwrap_or_else(|| panic!("{name} is not in CORE_CATALOG"));
            assert_eq!(m.owner, owners::OBSERVABILITY_PLATFORM, "{name}");
        }
        assert_eq!(CORE_CATALOG.metrics().count(), 8);
        assert_eq!(
            CORE_CATALOG
                .metric(crate::self_metrics::DROPPED)
                .unwrap()
                .prometheus_name(),
            "dataface_telemetry_dropped_total"
        );
        assert_eq!(
            crate::release::BUILD_INFO_SPEC.prometheus_name(),
            "dataface_build_info"
        );
    }

    #[test]
    fn core_metrics_use_the_derived_prometheus_names_and_bounded_series() {
        use crate::catalog::prometheus_name;
        for m in CORE_CATALOG.metrics() {
            assert_eq!(
                m.prometheus_name(),
                prometheus_name(m.name, m.unit, m.kind),
                "{}",
                m.name
            );
        }
        let dropped = CORE_CATALOG.metric(crate::self_metrics::DROPPED).unwrap();
        assert_eq!(
            dropped.max_series(),
            4 * 7,
            "signal (3 + other) x reason (6 + other)"
        );
    }

    #[test]
    fn core_declares_only_its_own_owner() {
        let ids: Vec<_> = CORE_CATALOG.owners().iter().map(|o| o.id).collect();
        assert_eq!(ids, ["observability-platform"]);
    }
}
