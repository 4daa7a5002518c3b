//! The checks every probe crate runs on its own catalog section, in one call.

use crate::readme::check_readme_table;
use telemetry_core::catalog::{Catalog, Section};

/// Asserts that `section` is ready to ship inside `catalog` (a probe crate's catalog: the
/// core section and its own): the catalog passes every `validate()` rule (owners included:
/// every owner its entries name is declared by one of its sections), holds the section, and
/// `readme` carries the section's generated signal table. Alerts are checked where they are
/// declared, in telemetry-ops.
///
/// ```no_run
/// # mod catalog { pub static CATALOG: telemetry_core::catalog::Catalog = telemetry_core::signals::CORE_CATALOG; pub static SECTION: &telemetry_core::catalog::Section = &telemetry_core::signals::CORE_SECTION; }
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
    assert!(
        !section.owners.is_empty(),
        "the {} section declares no owner: declare the teams that answer for its signals",
        section.surface
    );
    if let Err(e) = check_readme_table(readme, section) {
        panic!("{e}");
    }
}
