//! Promise: a collector that accepts connections and never answers costs the host nothing
//! but counted drops. Sustained host load (5,000 operations a second, each a span, a log, a
//! counter and a histogram value) runs against a black hole over OTLP/gRPC, beside the
//! anchor: the same load against a healthy rotel collector, at the same time. Figures: host
//! latency p50/p99 (black hole within 10% of healthy), RSS over the run (bounded by the
//! queues: flat once they are full), exported + dropped == attempted, and how soon exports
//! resume once a collector listens on the black hole's port (within one export interval).

use std::time::{Duration, Instant};

const RATE: u32 = 5_000;
/// The span processor's export interval (`OTEL_BSP_SCHEDULE_DELAY`'s default).
const INTERVAL: Duration = Duration::from_secs(5);

fn child(mode: &str) {
    let duration = stress::length(Duration::from_secs(30), Duration::from_secs(300));
    // The black hole is this process's own: once the load is done it closes, and a
    // collector takes its port.
    let hole = (mode == "black hole").then(stress::silent_collector);
    if let Some((_, port)) = &hole {
        stress::otlp_to(*port, "grpc");
    }
    let guard = telemetry_core::init("stress-black-hole").expect("init");
    let stats = guard.stats_handle();
    let load = stress::sustained_load(duration, RATE);
    let (p50, p99) = (load.latency(0.50), load.latency(0.99));
    let warm = load.rss[load.rss.len() / 4];
    let peak = *load.rss.iter().max().unwrap();
    let end = *load.rss.last().unwrap();
    println!(
        "{mode}: {} ops in {:?} ({:.0}/s); latency p50 {p50:?} p99 {p99:?}; RSS at 1/4 {} MiB, peak {} MiB, end {} MiB",
        load.latencies.len(),
        load.elapsed,
        load.rate(),
        warm >> 20,
        peak >> 20,
        end >> 20
    );
    println!("figure p99_ns {}", p99.as_nanos());
    println!("figure rate {:.0}", load.rate());
    println!("figure rss_growth {}", end.saturating_sub(warm));
    let mut _collector = None;
    if let Some((listener, port)) = hole {
        // Recovery: the hole closes (the connections it held are reset) and rotel listens
        // on its port.
        drop(listener);
        let before = stats.snapshot();
        let rotel = stress::Rotel::start(port);
        let back = Instant::now();
        let deadline = back + Duration::from_secs(60);
        loop {
            let _span = tracing::info_span!("stress.after_recovery").entered();
            tracing::info!("after recovery");
            let now = stats.snapshot();
            if now.traces.exported > before.traces.exported
                && now.logs.exported > before.logs.exported
            {
                break;
            }
            assert!(
                Instant::now() < deadline,
                "exports did not resume within 60 s: {now:?}"
            );
            std::thread::sleep(Duration::from_millis(10));
        }
        let resumed = back.elapsed();
        println!("{mode}: exports resumed {resumed:?} after the collector came back (interval {INTERVAL:?})");
        println!("figure resumed_ms {}", resumed.as_millis());
        _collector = Some(rotel);
    }
    stress::shutdown_accounted(mode, guard, Duration::from_secs(10));
}

fn main() {
    if let Some(mode) = stress::child_mode() {
        return child(&mode);
    }
    let rotel = stress::Rotel::start(stress::free_port());
    let env = |endpoint: Option<String>| {
        let mut env = vec![
            ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc".to_owned()),
            ("DATAFACE_LOG_STDERR", "false".to_owned()),
        ];
        if let Some(e) = endpoint {
            env.push(("OTEL_EXPORTER_OTLP_ENDPOINT", e));
        }
        env
    };
    // Both runs at the same time, so the machine's other load weighs on both alike.
    let anchor = {
        let env = env(Some(rotel.endpoint("grpc")));
        std::thread::spawn(move || stress::run_child("healthy (anchor)", &env))
    };
    let hole = stress::run_child("black hole", &env(None));
    let healthy = anchor.join().expect("the anchor run");
    drop(rotel);
    let (p99_healthy, p99_hole) = (
        stress::figure(&healthy, "p99_ns"),
        stress::figure(&hole, "p99_ns"),
    );
    let ratio = p99_hole / p99_healthy;
    println!(
        "black hole p99 / healthy p99 = {:.0} µs / {:.0} µs = {ratio:.2}",
        p99_hole / 1e3,
        p99_healthy / 1e3
    );
    for out in [&healthy, &hole] {
        assert!(
            stress::figure(out, "rate") >= f64::from(RATE) * 0.95,
            "the load fell short of {RATE}/s"
        );
    }
    assert!(
        ratio <= 1.10,
        "the black hole cost the host: p99 {ratio:.2}x the healthy run"
    );
    let growth = stress::figure(&hole, "rss_growth");
    assert!(
        growth < 32.0 * 1024.0 * 1024.0,
        "RSS grew {growth} bytes once the queues were full"
    );
    let resumed = stress::figure(&hole, "resumed_ms");
    assert!(
        resumed <= INTERVAL.as_millis() as f64 + 1_000.0,
        "exports resumed after {resumed} ms"
    );
}
