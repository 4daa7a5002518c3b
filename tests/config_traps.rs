//! Configuration traps: a value that is not UTF-8 is a warning naming its variable (never
//! silently unset, never echoed).

mod support;

use std::os::unix::ffi::OsStringExt as _;
use std::process::Command;
use support::is_child;

const NAME: &str = "a_non_utf8_value_is_a_warning_naming_the_variable";

#[test]
fn a_non_utf8_value_is_a_warning_naming_the_variable() {
    if is_child(NAME) {
        let guard = telemetry_core::init("config-traps").expect("not strict: init succeeds");
        let warnings = guard.stats().config_warnings;
        println!("config warnings: {warnings}");
        assert_eq!(warnings, 2);
        guard.shutdown(std::time::Duration::from_secs(5)).unwrap();
        return;
    }
    let bad = std::ffi::OsString::from_vec(b"canary-\xff\xfe-value".to_vec());
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    for (k, _) in std::env::vars_os() {
        let k = k.to_string_lossy().into_owned();
        if k.starts_with("OTEL_") || k.starts_with("DATAFACE_") {
            cmd.env_remove(k);
        }
    }
    let out = cmd
        .args([NAME, "--exact", "--nocapture", "--test-threads=1"])
        .env("DATAFACE_TELEMETRY_TEST_CHILD", NAME)
        .env("OTEL_TRACES_EXPORTER", "none")
        .env("OTEL_LOGS_EXPORTER", "none")
        .env("OTEL_METRICS_EXPORTER", "none")
        .env("DATAFACE_ENVIRONMENT", &bad)
        .env("DATAFACE_TELEMETRY_STRICT", &bad)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "{stdout}\n{stderr}"
    );
    for var in ["DATAFACE_ENVIRONMENT", "DATAFACE_TELEMETRY_STRICT"] {
        assert!(
            stderr
                .lines()
                .any(|l| l.contains(var) && l.contains("UTF-8")),
            "no warning names {var}:\n{stderr}"
        );
    }
    assert!(
        !stderr.contains("canary"),
        "the value is never echoed:\n{stderr}"
    );
}
