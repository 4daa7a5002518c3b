//! The product catalog as a whole: every surface's section together still passes every
//! rule, so names and error codes are unique across surfaces.

#[test]
fn the_product_catalog_is_valid_across_all_surfaces() {
    if let Err(e) = dataface_telemetry::CATALOG.validate() {
        panic!("{e}");
    }
    let surfaces: Vec<_> = dataface_telemetry::CATALOG
        .sections
        .iter()
        .map(|s| s.surface)
        .collect();
    assert_eq!(
        surfaces,
        [
            "telemetry",
            "compiler",
            "context",
            "profiler",
            "cloud",
            "integrations"
        ]
    );
    for section in dataface_telemetry::CATALOG.sections {
        assert!(
            !section.metrics.is_empty(),
            "surface {} declares no metric",
            section.surface
        );
    }
}

#[test]
fn the_facade_catalog_is_the_operations_package_product_catalog() {
    // telemetry-ops generates alerts, routing and dashboards from its own copy of the
    // section list (it does not depend on this facade): the two lists must not drift.
    let facade = &dataface_telemetry::CATALOG;
    let ops = &telemetry_ops::PRODUCT;
    assert_eq!(facade.version, ops.version, "catalog versions differ");
    let surfaces = |c: &telemetry_core::catalog::Catalog| -> Vec<&str> {
        c.sections.iter().map(|s| s.surface).collect()
    };
    assert_eq!(surfaces(facade), surfaces(ops), "section lists differ");
    assert!(
        facade == ops,
        "the facade's CATALOG and telemetry_ops::PRODUCT hold different sections"
    );
}

#[test]
fn every_surface_of_the_product_has_its_alerts_in_the_operations_package() {
    let product = &telemetry_ops::OPERATIONS;
    if let Err(e) = product.validate() {
        panic!("{e}");
    }
    for section in dataface_telemetry::CATALOG.sections {
        assert!(
            !product.alerts_of(section).is_empty(),
            "surface {} has no alert in telemetry-ops",
            section.surface
        );
    }
}
