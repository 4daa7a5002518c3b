//! telemetry-core's README carries the signal table of its own section.

#[test]
fn the_core_readme_signal_table_matches_the_core_section() {
    if let Err(e) = telemetry_testing::check_readme_table(
        include_str!("../../telemetry-core/README.md"),
        &telemetry_core::signals::CORE_SECTION,
    ) {
        panic!("{e}");
    }
}

#[test]
fn a_readme_without_the_table_gets_the_table_to_paste() {
    let err = telemetry_testing::check_readme_table(
        "# x\n<!-- signals:begin -->\n<!-- signals:end -->\n",
        &telemetry_core::signals::CORE_SECTION,
    )
    .unwrap_err();
    assert!(
        err.contains(&telemetry_testing::markdown_table(
            &telemetry_core::signals::CORE_SECTION
        )),
        "{err}"
    );
    assert!(err.contains("telemetry catalog"), "{err}");
}
