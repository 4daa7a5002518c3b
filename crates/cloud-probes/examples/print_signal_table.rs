//! Prints the Cloud Suite's signal table (generated from its catalog), for its README.
fn main() {
    print!("{}", cloud_probes::catalog::SECTION.markdown_table());
}
