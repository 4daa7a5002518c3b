//! init + record + shutdown from a plain `fn main`, inside a multi-thread Tokio runtime and
//! inside a current_thread runtime, over gRPC and over HTTP: no panic, no hang, and the
//! span arrives.

mod support;

use std::time::Duration;
use support::{is_child, run_child, Receiver};

#[derive(Clone, Copy)]
enum Host {
    PlainMain,
    MultiThread,
    CurrentThread,
}

fn record_and_shutdown() {
    let guard = telemetry_core::init("runtime-matrix").expect("init");
    {
        let _span = tracing::info_span!("dataface.matrix", dataface.step = 1_i64).entered();
        tracing::info!("inside the span");
        metrics::counter!("dataface.matrix.steps").increment(1);
    }
    guard.shutdown(Duration::from_secs(10)).expect("shutdown");
}

fn child(host: Host) {
    match host {
        Host::PlainMain => record_and_shutdown(),
        Host::MultiThread => tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap()
            .block_on(async { record_and_shutdown() }),
        Host::CurrentThread => tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap()
            .block_on(async {
                // Also from a task, the way a service's handlers run.
                tokio::spawn(async { record_and_shutdown() }).await.unwrap()
            }),
    }
}

fn run(name: &str, host: Host, grpc: bool) {
    if is_child(name) {
        return child(host);
    }
    let rx = Receiver::start(grpc);
    run_child(name, &rx.env());
    let got = rx.wait(Duration::from_secs(10), |r| {
        !r.spans.is_empty() && !r.logs.is_empty() && !r.points.is_empty()
    });
    let span = got.span("dataface.matrix");
    assert_eq!(got.log("inside the span").trace_id, span.trace_id);
    assert_eq!(got.point("dataface.matrix.steps", &[]).value, 1.0);
}

#[test]
fn plain_main_grpc() {
    run("plain_main_grpc", Host::PlainMain, true);
}
#[test]
fn plain_main_http() {
    run("plain_main_http", Host::PlainMain, false);
}
#[test]
fn multi_thread_runtime_grpc() {
    run("multi_thread_runtime_grpc", Host::MultiThread, true);
}
#[test]
fn multi_thread_runtime_http() {
    run("multi_thread_runtime_http", Host::MultiThread, false);
}
#[test]
fn current_thread_runtime_grpc() {
    run("current_thread_runtime_grpc", Host::CurrentThread, true);
}
#[test]
fn current_thread_runtime_http() {
    run("current_thread_runtime_http", Host::CurrentThread, false);
}
