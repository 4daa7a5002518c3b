//! Prints the context catalog's signal table (generated from its catalog), for its README.
fn main() {
    print!("{}", catalog_probes::catalog::SECTION.markdown_table());
}
