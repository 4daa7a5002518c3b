//! Promise: the host never blocks. A guard dropped inside async code, with a collector that
//! never answers, holds the runtime worker a few milliseconds at most; the anchor is the
//! same drop on a plain thread, which waits for its bounded shutdown.

use std::time::{Duration, Instant};

fn run(inside_runtime: bool, port: u16) -> Duration {
    stress::otlp_to(port, "grpc");
    std::env::set_var("OTEL_EXPORTER_OTLP_TIMEOUT", "30000");
    std::env::set_var("DATAFACE_LOG_STDERR", "false");
    let work = || {
        let guard = telemetry_core::init("stress-drop").expect("init");
        for i in 0..stress::length(1_000u64, 100_000) {
            let _span = tracing::info_span!("stress.work", i).entered();
        }
        std::thread::sleep(Duration::from_millis(100));
        let start = Instant::now();
        drop(guard);
        start.elapsed()
    };
    if inside_runtime {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(async { work() })
    } else {
        work()
    }
}

fn main() {
    stress::clean_env();
    let (_hole, port) = stress::silent_collector();
    match std::env::var("STRESS_CHILD").as_deref() {
        Ok("async") => {
            let held = run(true, port);
            println!("drop inside a current_thread runtime held the worker {held:?}");
            assert!(held < Duration::from_millis(50), "{held:?}");
        }
        Ok("plain") => {
            let held = run(false, port);
            println!("anchor: drop on a plain thread took {held:?} (bounded shutdown)");
        }
        _ => {
            for child in ["async", "plain"] {
                let status = std::process::Command::new(std::env::current_exe().unwrap())
                    .args(std::env::args().skip(1))
                    .env("STRESS_CHILD", child)
                    .status()
                    .expect("run the child");
                assert!(status.success(), "{child}: {status}");
            }
        }
    }
}
