//! The checks every probe crate runs on its own catalog section, in one call.

use telemetry_core::catalog::{check_readme_table, Catalog, Section};

/// Asserts that `section` is ready to ship inside `catalog` (a probe crate's catalog: the
/// core section and its own): the catalog passes every `validate()` rule, holds the
/// section, `readme` carries the section's generated signal table, and the section
/// declares alerts that read only its own metrics.
///
/// ```no_run
/// # mod catalog { pub static CATALOG: telemetry_core::catalog::Catalog = telemetry_core::catalog::CORE_CATALOG; pub static SECTION: &telemetry_core::catalog::Section = &telemetry_core::catalog::CORE_SECTION; }
/// telemetry_testing::assert_section_ready(&catalog::CATALOG, catalog::SECTION, include_str!("../README.md"));
/// ```
#[track_caller]
pub fn assert_section_ready(catalog: &Catalog, section: &Section, readme: &str) {
    if let Err(e) = catalog.validate() {
        panic!("{e}");
    }
    assert!(
        catalog.sections.contains(&section),
        "the catalog does not hold the {} section",
        section.surface
    );
    if let Err(e) = check_readme_table(readme, section) {
        panic!("{e}");
    }
    assert!(
        !section.alerts.is_empty(),
        "the {} section declares no alert: every task card asks for alerts on its failure modes",
        section.surface
    );
    for alert in section.alerts {
        for metric in alert.objective.metrics() {
            assert!(
                section.metrics.contains(metric),
                "alert {} reads {}, which the {} section does not declare",
                alert.name,
                metric.name,
                section.surface
            );
        }
    }
}
