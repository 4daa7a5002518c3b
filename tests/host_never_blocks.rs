//! The host never waits for telemetry: not for a stderr nobody reads, not for a guard
//! dropped inside async code; and a shutdown that runs out of time still accounts for
//! every item before it returns.

mod support;

use std::io::Read as _;
use std::net::TcpListener;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use support::{is_child, run_child};

/// A collector that accepts connections and never answers.
fn silent_collector() -> (TcpListener, u16) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    (listener, port)
}

fn silent_env(port: u16, protocol: &str) -> Vec<(&'static str, String)> {
    vec![
        (
            "OTEL_EXPORTER_OTLP_ENDPOINT",
            format!("http://127.0.0.1:{port}"),
        ),
        ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol.into()),
        ("OTEL_EXPORTER_OTLP_TIMEOUT", "30000".into()),
        ("OTEL_BSP_SCHEDULE_DELAY", "10".into()),
        ("OTEL_BLRP_SCHEDULE_DELAY", "10".into()),
    ]
}

#[test]
fn a_timed_out_shutdown_counts_what_it_left_before_returning() {
    const NAME: &str = "a_timed_out_shutdown_counts_what_it_left_before_returning";
    if !is_child(NAME) {
        let (_listener, port) = silent_collector();
        run_child(NAME, &silent_env(port, "http/protobuf"));
        return;
    }
    let guard = telemetry_core::init("silent-collector").unwrap();
    let stats = guard.stats_handle();
    for _ in 0..2000 {
        let _span = tracing::info_span!("dataface.work").entered();
        tracing::info!("working");
    }
    std::thread::sleep(Duration::from_millis(100)); // an export is now hanging
    guard
        .shutdown(Duration::from_millis(300))
        .expect_err("the flush cannot finish against a silent collector");
    // Read at once: nothing may be counted later.
    let s = stats.snapshot();
    println!("after shutdown: {s:?}");
    for (signal, c) in [("traces", s.traces), ("logs", s.logs)] {
        assert_eq!(
            c.attempted,
            c.exported + c.dropped(),
            "{signal}: every item accounted for when shutdown returns: {c:?}"
        );
        assert!(c.dropped_shutdown_timeout > 0, "{signal}: {c:?}");
    }
    std::thread::sleep(Duration::from_millis(500));
    assert_eq!(stats.snapshot(), s, "nothing is counted twice afterwards");
}

#[test]
fn dropping_the_guard_inside_async_code_does_not_hold_the_worker() {
    const NAME: &str = "dropping_the_guard_inside_async_code_does_not_hold_the_worker";
    if !is_child(NAME) {
        let (_listener, port) = silent_collector();
        run_child(NAME, &silent_env(port, "grpc"));
        return;
    }
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let guard = telemetry_core::init("silent-collector").unwrap();
        for _ in 0..100 {
            let _span = tracing::info_span!("dataface.work").entered();
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
        let start = Instant::now();
        drop(guard);
        let took = start.elapsed();
        println!("drop inside async code returned in {took:?}");
        assert!(
            took < Duration::from_millis(50),
            "the runtime worker was held {took:?}"
        );
        assert!(!telemetry_core::enabled());
        // The worker is free: a timer on this single-threaded runtime fires on time.
        let tick = Instant::now();
        tokio::time::sleep(Duration::from_millis(10)).await;
        assert!(tick.elapsed() < Duration::from_millis(500));
    });
}

const STDERR_CHILD: &str = "a_stderr_nobody_reads_never_stops_the_host";
const LINES: u64 = 20_000;

#[test]
fn a_stderr_nobody_reads_never_stops_the_host() {
    if is_child(STDERR_CHILD) {
        let guard = telemetry_core::init("stderr-blocked").unwrap();
        let stats = guard.stats_handle();
        let start = Instant::now();
        for i in 0..LINES {
            tracing::warn!(i, "a warning nobody reads");
        }
        let took = start.elapsed();
        let dropped = stats.snapshot().stderr_dropped;
        println!("loop of {LINES} warnings finished in {took:?}; stderr dropped {dropped}");
        assert!(dropped > 0, "the pipe is full: lines must be dropped");
        let _ = guard.shutdown(Duration::from_secs(2));
        return;
    }
    // The child's stderr is a pipe this test never reads; stdout is read.
    let exe = std::env::current_exe().unwrap();
    let mut cmd = Command::new(exe);
    for (k, _) in std::env::vars() {
        if k.starts_with("OTEL_") || k.starts_with("DATAFACE_") {
            cmd.env_remove(k);
        }
    }
    cmd.args([STDERR_CHILD, "--exact", "--nocapture", "--test-threads=1"])
        .env("DATAFACE_TELEMETRY_TEST_CHILD", STDERR_CHILD)
        .env("OTEL_TRACES_EXPORTER", "none")
        .env("OTEL_LOGS_EXPORTER", "none")
        .env("OTEL_METRICS_EXPORTER", "none")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap();
    let _unread_stderr = child.stderr.take();
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let deadline = Instant::now() + Duration::from_secs(60);
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        if Instant::now() > deadline {
            // Stopped by its own process id.
            let _ = child.kill();
            let _ = child.wait();
            panic!("the host loop stopped: the child did not finish within 60 s");
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let out = reader.join().unwrap();
    print!("{out}");
    assert!(
        status.success() && out.contains("1 passed"),
        "{status}: {out}"
    );
    assert!(out.contains("loop of 20000 warnings finished"), "{out}");
}
