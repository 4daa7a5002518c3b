//! Promise: a metric series costs about what it costs by hand, and a scrape of many series
//! stays quick. Prints the resident bytes per counter series on each path and the scrape
//! render time at 5,000 series, beside the same figures for metrics-exporter-prometheus
//! alone (the Prometheus-only anchor) and the OpenTelemetry SDK alone, measured in the
//! same run.
//!
//! ```text
//! cargo run --release -p stress --bin series_memory            # short (CI): 3 renders
//! cargo run --release -p stress --bin series_memory -- --full  # 21 renders
//! ```
//!
//! Each configuration runs in a process of its own (one global recorder per process):
//! the resident set size (`/proc/self/statm`) is read before and after registering the
//! series and incrementing each once; the difference over the series count is the cost
//! of a series, allocator overhead included. Series are spread over undeclared metric
//! names, 250 label values each (below the cardinality guard's bound for undeclared
//! metrics, so every series is kept). The render time is the median of the renders of
//! the 5,000 series: through `init` a full `GET /metrics` on loopback, for the anchor
//! `PrometheusHandle::render`.

use std::hint::black_box;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Label values per metric name.
const PER_NAME: usize = 250;
/// Series registered, measured and rendered.
const SERIES: usize = 5_000;

const CONFIGS: &[&str] = &["prometheus", "otel", "init"];

fn main() {
    if let Ok(spec) = std::env::var("STRESS_CHILD") {
        return child(&spec);
    }
    stress::clean_env();
    let renders = stress::length(3, 21);
    println!("series_memory: resident bytes per counter series and scrape render time (median of {renders}), {SERIES} series");
    let mut bytes = std::collections::HashMap::new();
    let mut render = std::collections::HashMap::new();
    for config in CONFIGS {
        let out = Command::new(std::env::current_exe().expect("own path"))
            .env("STRESS_CHILD", format!("{config} {renders}"))
            .stderr(Stdio::null())
            .output()
            .expect("run a configuration");
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        assert!(out.status.success(), "{config} failed: {text}");
        for line in text.lines() {
            let (key, value) = line.split_once('\t').expect("`key<TAB>value` lines");
            let value: f64 = value.parse().expect("a number");
            match key {
                "bytes_per_series" => bytes.insert(*config, value),
                "render_ms" => render.insert(*config, value),
                other => panic!("unexpected figure {other}"),
            };
        }
    }
    println!("\n| figure | anchor | through `init()` (Prometheus + OTLP) | ratio |");
    println!("|---|---|---|---|");
    for anchor in ["prometheus", "otel"] {
        println!(
            "| bytes per counter series | {anchor} alone {:.0} B | {:.0} B | {:.2}× |",
            bytes[anchor],
            bytes["init"],
            bytes["init"] / bytes[anchor]
        );
    }
    println!(
        "| scrape render, {SERIES} series | metrics-exporter-prometheus `render()` {:.2} ms | `GET /metrics` {:.2} ms | {:.2}× |",
        render["prometheus"],
        render["init"],
        render["init"] / render["prometheus"]
    );
}

/// Resident bytes of this process.
fn resident() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("/proc/self/statm");
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|p| p.parse().ok())
        .expect("statm's resident field");
    pages * 4096
}

/// The `i`th series: an undeclared metric name and a label value.
fn series_key(i: usize) -> (String, String) {
    (
        format!("stress.series.m{}", i / PER_NAME),
        format!("v{}", i % PER_NAME),
    )
}

fn register_counters(n: usize) {
    for i in 0..n {
        let (name, value) = series_key(i);
        metrics::counter!(name, "k" => value).increment(1);
    }
}

fn child(spec: &str) {
    let (config, renders) = spec.split_once(' ').expect("`config renders`");
    let renders: usize = renders.parse().expect("renders");
    let series = SERIES;
    match config {
        "prometheus" => {
            let recorder = metrics_exporter_prometheus::PrometheusBuilder::new().build_recorder();
            let handle = recorder.handle();
            metrics::set_global_recorder(recorder).expect("first recorder");
            let before = resident();
            register_counters(series);
            println!("bytes_per_series\t{}", per_series(before, series));
            let ms = median_ms(renders, || {
                black_box(handle.render());
            });
            println!("render_ms\t{ms}");
        }
        "otel" => {
            use opentelemetry::metrics::MeterProvider as _;
            let provider = opentelemetry_sdk::metrics::SdkMeterProvider::builder()
                .with_reader(
                    opentelemetry_sdk::metrics::PeriodicReader::builder(Discard)
                        .with_interval(Duration::from_secs(3600))
                        .build(),
                )
                .build();
            let meter = provider.meter("stress");
            let before = resident();
            let mut counters = std::collections::HashMap::new();
            for i in 0..series {
                let (name, value) = series_key(i);
                counters
                    .entry(name.clone())
                    .or_insert_with(|| meter.u64_counter(name).build())
                    .add(1, &[opentelemetry::KeyValue::new("k", value)]);
            }
            println!("bytes_per_series\t{}", per_series(before, series));
            let _ = provider.shutdown();
        }
        "init" => {
            std::env::set_var("OTEL_METRICS_EXPORTER", "otlp,prometheus");
            std::env::set_var("OTEL_EXPORTER_PROMETHEUS_HOST", "127.0.0.1");
            std::env::set_var("OTEL_EXPORTER_PROMETHEUS_PORT", "0");
            // Nothing listens there: no export succeeds, none is needed.
            let (_hole, port) = stress::silent_collector();
            stress::otlp_to(port, "http/protobuf");
            std::env::set_var("OTEL_METRIC_EXPORT_INTERVAL", "3600000");
            std::env::set_var("DATAFACE_LOG_STDERR", "false");
            let guard = telemetry_core::init("stress-series").expect("init");
            let addr = guard.prometheus_addr().expect("the scrape endpoint is on");
            let before = resident();
            register_counters(series);
            println!("bytes_per_series\t{}", per_series(before, series));
            let ms = median_ms(renders, || {
                black_box(scrape(addr));
            });
            println!("render_ms\t{ms}");
            let _ = guard.shutdown(Duration::from_millis(200));
        }
        other => panic!("unknown configuration {other}"),
    }
}

fn per_series(before: u64, series: usize) -> f64 {
    resident().saturating_sub(before) as f64 / series as f64
}

/// Median milliseconds of `runs` runs of `f`, after one to warm up.
fn median_ms(runs: usize, mut f: impl FnMut()) -> f64 {
    f();
    let mut times: Vec<f64> = (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    times.sort_by(f64::total_cmp);
    times[runs / 2]
}

/// One `GET /metrics`: the whole body.
fn scrape(addr: std::net::SocketAddr) -> String {
    use std::io::{Read as _, Write as _};
    let mut stream = std::net::TcpStream::connect(addr).expect("connect to the scrape endpoint");
    stream
        .write_all(b"GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        .expect("send the request");
    let mut body = String::new();
    stream.read_to_string(&mut body).expect("read the answer");
    assert!(body.starts_with("HTTP/1.1 200"), "{body}");
    body
}

/// A metric exporter that keeps nothing (the anchor's reader never exports in the run).
#[derive(Debug)]
struct Discard;

impl opentelemetry_sdk::metrics::exporter::PushMetricExporter for Discard {
    async fn export(
        &self,
        _: &opentelemetry_sdk::metrics::data::ResourceMetrics,
    ) -> opentelemetry_sdk::error::OTelSdkResult {
        Ok(())
    }
    fn force_flush(&self) -> opentelemetry_sdk::error::OTelSdkResult {
        Ok(())
    }
    fn shutdown_with_timeout(&self, _: Duration) -> opentelemetry_sdk::error::OTelSdkResult {
        Ok(())
    }
    fn temporality(&self) -> opentelemetry_sdk::metrics::Temporality {
        opentelemetry_sdk::metrics::Temporality::Cumulative
    }
}
