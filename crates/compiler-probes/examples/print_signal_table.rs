//! Prints the compiler's signal table (generated from its catalog), for its README.
fn main() {
    print!("{}", compiler_probes::catalog::SECTION.markdown_table());
}
