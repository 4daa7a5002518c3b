//! Prints telemetry-core's signal table (generated from its catalog), for its README.
fn main() {
    print!("{}", telemetry_core::catalog::CORE_SECTION.markdown_table());
}
