//! Prints the integrations platform's signal table (generated from its catalog), for its README.
fn main() {
    print!("{}", integrations_probes::catalog::SECTION.markdown_table());
}
