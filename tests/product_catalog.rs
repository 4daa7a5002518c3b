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
