//! Every way `init` can fail leaves nothing installed: no thread of the pipeline keeps
//! running, the scrape port is free again, no global (`tracing` subscriber, `metrics`
//! recorder) was set, probes stay off, and a corrected `init` succeeds.

mod support;

use std::net::{SocketAddr, TcpListener};
use std::time::{Duration, Instant};
use support::{free_port, is_child, run_child};
use telemetry_core::config::{Protocol, Signal, TelemetryConfig};
use telemetry_core::InitError;

/// The threads of this process that belong to a pipeline: the SDK's processors and
/// readers, the gRPC runtime, the scrape workers. Linux keeps 15 bytes of a thread name.
fn pipeline_threads() -> Vec<String> {
    let mut names = Vec::new();
    for task in std::fs::read_dir("/proc/self/task").expect("/proc/self/task") {
        let comm = task.expect("a task").path().join("comm");
        if let Ok(name) = std::fs::read_to_string(comm) {
            let name = name.trim().to_owned();
            if name.starts_with("OpenTelemetry") || name.starts_with("dataface-telem") {
                names.push(name);
            }
        }
    }
    names
}

/// The number of pipeline threads once it has stayed the same for 200 ms (at most 5 s).
fn settled_thread_count() -> usize {
    let deadline = Instant::now() + Duration::from_secs(5);
    let mut last = pipeline_threads().len();
    let mut since = Instant::now();
    while Instant::now() < deadline && since.elapsed() < Duration::from_millis(200) {
        std::thread::sleep(Duration::from_millis(20));
        let now = pipeline_threads().len();
        if now != last {
            (last, since) = (now, Instant::now());
        }
    }
    last
}

/// Waits (bounded) until `done` holds, and says whether it did.
fn eventually(timeout: Duration, done: impl Fn() -> bool) -> bool {
    let deadline = Instant::now() + timeout;
    while Instant::now() < deadline {
        if done() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
    done()
}

/// What a failed `init` must leave: nothing running, nothing listening, probes off.
fn assert_nothing_left(scrape: Option<SocketAddr>) {
    assert!(!telemetry_core::enabled(), "probes were left on");
    assert!(
        eventually(Duration::from_secs(3), || pipeline_threads().is_empty()),
        "pipeline threads left running: {:?}",
        pipeline_threads()
    );
    if let Some(addr) = scrape {
        assert!(
            eventually(Duration::from_secs(3), || TcpListener::bind(addr).is_ok()),
            "the scrape port {addr} is still held"
        );
    }
}

/// Traces, logs and metrics over gRPC to a port where nothing listens, plus a scrape
/// endpoint on `scrape`: every part of the pipeline is built before the last one.
fn everything(
    otlp_port: u16,
    scrape: SocketAddr,
) -> telemetry_core::config::TelemetryConfigBuilder {
    TelemetryConfig::builder()
        .otlp_protocol(Protocol::Grpc)
        .otlp_endpoint(format!("http://127.0.0.1:{otlp_port}"))
        .prometheus_addr(scrape)
        .log_stderr(false)
}

fn loopback(port: u16) -> SocketAddr {
    SocketAddr::from(([127, 0, 0, 1], port))
}

#[test]
fn a_taken_scrape_port_fails_init_with_the_os_error_and_leaves_nothing() {
    const NAME: &str = "a_taken_scrape_port_fails_init_with_the_os_error_and_leaves_nothing";
    if !is_child(NAME) {
        run_child(NAME, &[("OTEL_METRICS_EXPORTER", "otlp,prometheus".into())]);
        return;
    }
    let otlp_port = free_port();
    let taken = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = taken.local_addr().unwrap();

    let err = telemetry_core::init_with("taken-port", everything(otlp_port, addr))
        .expect_err("the scrape port is taken");
    match &err {
        InitError::Prometheus { addr: asked, .. } => assert_eq!(*asked, addr),
        other => panic!("expected InitError::Prometheus, got {other:?}"),
    }
    let source = std::error::Error::source(&err)
        .and_then(|s| s.downcast_ref::<std::io::Error>())
        .expect("the bind error is the source");
    assert_eq!(source.kind(), std::io::ErrorKind::AddrInUse, "{source}");
    assert!(
        err.to_string().contains("OTEL_EXPORTER_PROMETHEUS_"),
        "{err}"
    );
    assert_nothing_left(None);
    assert!(!tracing::dispatcher::has_been_set(), "a subscriber was set");

    drop(taken);
    let guard = telemetry_core::init_with("taken-port", everything(otlp_port, loopback(0)))
        .expect("init after a failed init");
    assert!(telemetry_core::enabled());
    assert!(guard.prometheus_addr().is_some());
    assert!(tracing::dispatcher::has_been_set());
    guard.shutdown(Duration::from_millis(200)).ok();
}

#[test]
fn a_bad_endpoint_fails_init_after_other_parts_were_built_and_leaves_nothing() {
    const NAME: &str = "a_bad_endpoint_fails_init_after_other_parts_were_built_and_leaves_nothing";
    if !is_child(NAME) {
        run_child(NAME, &[("OTEL_METRICS_EXPORTER", "otlp,prometheus".into())]);
        return;
    }
    let otlp_port = free_port();
    let scrape = loopback(free_port());
    // Traces are built (and the gRPC runtime started) before the logs exporter fails.
    let err = telemetry_core::init_with(
        "bad-endpoint",
        everything(otlp_port, scrape).signal_endpoint(Signal::Logs, "http://bad host:4317"),
    )
    .expect_err("the logs endpoint is not a URL");
    assert!(
        matches!(
            err,
            InitError::Exporter {
                signal: Signal::Logs,
                ..
            }
        ),
        "{err:?}"
    );
    assert_nothing_left(Some(scrape));

    let guard = telemetry_core::init_with("bad-endpoint", everything(otlp_port, scrape))
        .expect("init after a failed init");
    assert!(telemetry_core::enabled());
    assert_eq!(guard.prometheus_addr(), Some(scrape));
    guard.shutdown(Duration::from_millis(200)).ok();
}

#[test]
fn a_foreign_metrics_recorder_fails_init_and_leaves_nothing() {
    const NAME: &str = "a_foreign_metrics_recorder_fails_init_and_leaves_nothing";
    if !is_child(NAME) {
        run_child(NAME, &[("OTEL_METRICS_EXPORTER", "prometheus".into())]);
        return;
    }
    metrics::set_global_recorder(metrics::NoopRecorder).unwrap();
    let scrape = loopback(free_port());
    let err = telemetry_core::init_with("foreign-recorder", everything(free_port(), scrape))
        .expect_err("the recorder is taken");
    assert!(matches!(err, InitError::MetricsRecorderTaken), "{err:?}");
    assert_nothing_left(Some(scrape));
    assert!(!tracing::dispatcher::has_been_set(), "a subscriber was set");

    // Without metrics, the pipeline does not need the recorder.
    let guard = telemetry_core::init_with(
        "foreign-recorder",
        everything(free_port(), scrape)
            .exporters(Signal::Metrics, telemetry_core::config::Exporters::NONE),
    )
    .expect("init after a failed init");
    assert!(telemetry_core::enabled());
    assert!(tracing::dispatcher::has_been_set());
    guard.shutdown(Duration::from_millis(200)).ok();
}

#[test]
fn a_foreign_subscriber_fails_init_before_the_recorder_is_taken() {
    const NAME: &str = "a_foreign_subscriber_fails_init_before_the_recorder_is_taken";
    if !is_child(NAME) {
        run_child(NAME, &[("OTEL_METRICS_EXPORTER", "otlp,prometheus".into())]);
        return;
    }
    tracing::subscriber::set_global_default(tracing::subscriber::NoSubscriber::default()).unwrap();
    let scrape = loopback(free_port());
    let err = telemetry_core::init_with("foreign-subscriber", everything(free_port(), scrape))
        .expect_err("the subscriber is taken");
    assert!(matches!(err, InitError::SubscriberTaken), "{err:?}");
    assert_nothing_left(Some(scrape));
    assert!(
        metrics::set_global_recorder(metrics::NoopRecorder).is_ok(),
        "the failed init kept the metrics recorder"
    );
}

#[test]
fn init_twice_keeps_the_first_pipeline_and_installs_nothing_more() {
    const NAME: &str = "init_twice_keeps_the_first_pipeline_and_installs_nothing_more";
    if !is_child(NAME) {
        run_child(NAME, &[("OTEL_METRICS_EXPORTER", "prometheus".into())]);
        return;
    }
    let first = telemetry_core::init_with("first", everything(free_port(), loopback(0)))
        .expect("the first init");
    // A thread names itself once it runs: count the first pipeline's threads once the
    // count has settled, so a late-named one is not taken for the second init's.
    let threads = settled_thread_count();
    let second_scrape = loopback(free_port());
    let second = telemetry_core::init_with("second", everything(free_port(), second_scrape));
    assert!(
        matches!(second, Err(InitError::AlreadyInitialized)),
        "{second:?}"
    );
    assert!(
        TcpListener::bind(second_scrape).is_ok(),
        "the second init listened on {second_scrape}"
    );
    assert_eq!(
        pipeline_threads().len(),
        threads,
        "the second init started threads"
    );
    assert!(
        telemetry_core::enabled(),
        "the first pipeline was turned off"
    );
    assert_eq!(first.service_name(), "first");
    let scrape = first.prometheus_text().expect("the first scrape endpoint");
    assert!(scrape.contains(r#"service_name="first""#), "{scrape}");
    first.shutdown(Duration::from_millis(200)).ok();
}
