//! The README's configuration table lists exactly the variables the code reads, in order.

#[test]
fn readme_configuration_table_matches_the_variables_the_code_reads() {
    let readme = include_str!("../README.md");
    let table = readme
        .split("<!-- configuration-table")
        .nth(1)
        .expect("the configuration table marker in README.md");
    let documented: Vec<&str> = table
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .filter_map(|l| l.split('`').nth(1))
        .filter(|name| name.chars().all(|c| c.is_ascii_uppercase() || c == '_'))
        .collect();
    let read: Vec<&str> = telemetry_core::config::variables()
        .map(|(name, _)| name)
        .collect();
    assert_eq!(
        documented, read,
        "README.md's configuration table and telemetry_core::config::variables() differ"
    );
}
