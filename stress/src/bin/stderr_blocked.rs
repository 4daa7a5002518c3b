//! Promise: the host never blocks on stderr. The host loop writes warnings while its stderr
//! is a pipe nobody reads: the loop finishes, lines that did not fit are dropped and counted
//! (`dataface.telemetry.stderr.dropped`); the anchor is the same loop with stderr read.

use std::io::Read as _;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

fn main() {
    let lines: u64 = stress::length(20_000, 2_000_000);
    if let Ok(mode) = std::env::var("STRESS_CHILD") {
        let guard = telemetry_core::init("stress-stderr").expect("init");
        let stats = guard.stats_handle();
        let start = Instant::now();
        for i in 0..lines {
            tracing::warn!(i, "a warning");
        }
        let took = start.elapsed();
        println!(
            "stderr {mode}: {lines} warnings in {took:?} ({:.0}/s), dropped {}",
            lines as f64 / took.as_secs_f64(),
            stats.snapshot().stderr_dropped
        );
        let _ = guard.shutdown(Duration::from_secs(2));
        return;
    }
    stress::clean_env();
    for mode in ["read (anchor)", "never read"] {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(std::env::args().skip(1))
            .env("STRESS_CHILD", mode)
            .env("OTEL_TRACES_EXPORTER", "none")
            .env("OTEL_LOGS_EXPORTER", "none")
            .env("OTEL_METRICS_EXPORTER", "none")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("run the child");
        // Kept open for the whole run; read only in the anchor run.
        let mut stderr = child.stderr.take().unwrap();
        let drain = if mode == "never read" {
            None
        } else {
            Some(std::thread::spawn(move || {
                let mut sink = Vec::new();
                let _ = stderr.read_to_end(&mut sink);
            }))
        };
        let mut out = String::new();
        child
            .stdout
            .take()
            .unwrap()
            .read_to_string(&mut out)
            .unwrap();
        let status = child.wait().unwrap();
        print!("{out}");
        assert!(status.success(), "{mode}: {status}");
        assert!(
            out.contains("warnings in"),
            "{mode}: the loop did not finish"
        );
        if let Some(d) = drain {
            d.join().unwrap();
        }
        if mode == "never read" {
            assert!(
                !out.contains("dropped 0\n"),
                "a full pipe must drop lines: {out}"
            );
        }
    }
}
