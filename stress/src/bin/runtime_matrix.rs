//! Promise: telemetry works, or fails only by counting, in whatever runtime the host runs,
//! against whatever collector. Each host shape (a plain `main`, a current_thread runtime,
//! a 1-worker multi_thread runtime, `spawn_blocking`, and a runtime dropped right after
//! `init`) records spans, logs and a counter and shuts down, against a healthy rotel
//! collector, an absent one (nothing listens) and a silent one (accepts, never answers),
//! over gRPC and HTTP, each in a process of its own with a watchdog. Figures: how long
//! shutdown took (the anchor: its 2 s bound) and the counts; healthy: everything exported.

use std::time::{Duration, Instant};

const HOSTS: &[&str] = &[
    "plain main",
    "current_thread",
    "multi_thread 1 worker",
    "spawn_blocking",
    "runtime dropped after init",
];
const BOUND: Duration = Duration::from_secs(2);

fn record() {
    for i in 0..100u64 {
        let _span = tracing::info_span!("stress.matrix", i).entered();
        tracing::info!(i, "inside the span");
        metrics::counter!("stress.matrix.steps").increment(1);
    }
}

fn finish(guard: telemetry_core::TelemetryGuard, healthy: bool) {
    let stats = guard.stats_handle();
    let start = Instant::now();
    let result = guard.shutdown(BOUND);
    let took = start.elapsed();
    let s = stats.snapshot();
    println!(
        "figure took_ms {} traces {}/{}/{} logs {}/{}/{} metric_exports {}",
        took.as_millis(),
        s.traces.attempted,
        s.traces.exported,
        s.traces.dropped(),
        s.logs.attempted,
        s.logs.exported,
        s.logs.dropped(),
        s.metrics.exported
    );
    assert!(
        took < BOUND + Duration::from_secs(1),
        "shutdown took {took:?}"
    );
    for c in [s.traces, s.logs] {
        assert_eq!(c.attempted, 100, "{c:?}");
        assert_eq!(c.attempted, c.exported + c.dropped(), "{c:?}");
        if healthy {
            assert_eq!(c.exported, 100, "{c:?}");
        }
    }
    if healthy {
        assert!(result.is_ok(), "{result:?}");
        assert!(s.metrics.exported > 0, "{:?}", s.metrics);
    }
}

fn child(host: &str, healthy: bool) {
    stress::watchdog(Duration::from_secs(30));
    let work = move || {
        let guard = telemetry_core::init("stress-runtime-matrix").expect("init");
        record();
        finish(guard, healthy);
    };
    let multi = || {
        tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("runtime")
    };
    let current = || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .expect("runtime")
    };
    match host {
        "plain main" => work(),
        "current_thread" => current()
            .block_on(async { tokio::spawn(async move { work() }).await.expect("the task") }),
        "multi_thread 1 worker" => {
            multi().block_on(async { tokio::spawn(async move { work() }).await.expect("the task") })
        }
        "spawn_blocking" => multi().block_on(async {
            tokio::task::spawn_blocking(work)
                .await
                .expect("the blocking task")
        }),
        "runtime dropped after init" => {
            let runtime = current();
            let guard = runtime
                .block_on(async { telemetry_core::init("stress-runtime-matrix").expect("init") });
            drop(runtime);
            record();
            finish(guard, healthy);
        }
        other => unreachable!("unknown host {other}"),
    }
}

fn main() {
    if let Some(mode) = stress::child_mode() {
        let (host, collector) = mode.split_once(" | ").expect("host | collector");
        return child(host, collector.starts_with("healthy"));
    }
    let rotel = stress::Rotel::start(stress::free_port());
    let (_hole, silent) = stress::silent_collector();
    let absent = stress::free_port();
    println!("| host | protocol | collector | shutdown took (bound 2 s) | traces, logs attempted/exported/dropped |");
    println!("|---|---|---|---|---|");
    for protocol in ["grpc", "http/protobuf"] {
        for (collector, endpoint) in [
            ("healthy", rotel.endpoint(protocol)),
            ("absent", format!("http://127.0.0.1:{absent}")),
            ("silent", format!("http://127.0.0.1:{silent}")),
        ] {
            for host in HOSTS {
                let (out, _stderr) = stress::run_child_with_stderr(
                    &format!("{host} | {collector}"),
                    &[
                        ("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint.clone()),
                        ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol.into()),
                        ("OTEL_EXPORTER_OTLP_TIMEOUT", "30000".into()),
                        ("DATAFACE_LOG_STDERR", "false".into()),
                    ],
                );
                let line = out
                    .lines()
                    .find_map(|l| l.strip_prefix("figure took_ms "))
                    .expect("the child's figures");
                let mut parts = line.split(' ');
                let took = parts.next().unwrap_or_default();
                let rest: Vec<_> = parts.collect();
                println!(
                    "| {host} | {protocol} | {collector} | {took} ms | {} {}, {} {} |",
                    rest[0], rest[1], rest[2], rest[3]
                );
            }
        }
    }
}
