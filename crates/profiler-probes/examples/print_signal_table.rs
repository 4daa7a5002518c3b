//! Prints the profiler's signal table (generated from its catalog), for its README.
fn main() {
    print!("{}", profiler_probes::catalog::SECTION.markdown_table());
}
