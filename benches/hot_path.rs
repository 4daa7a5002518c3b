//! What a metric update, a span and a probe operation cost through `init()`, beside what
//! a user would wire by hand, each configuration in a process of its own (a process can
//! set its global `metrics` recorder and `tracing` subscriber once).
//!
//! ```text
//! cargo bench --bench hot_path            # 3 alternating rounds, prints the table
//! cargo bench --bench hot_path -- --rounds 5
//! ```
//!
//! The parent runs this same binary once per configuration and round, alternating, and
//! keeps for each operation the minimum of the per-round medians (the machine is shared:
//! the minimum is the least disturbed round). Configurations:
//!
//! - `none`: nothing installed: the no-recorder `counter!` and the disabled probes;
//! - `handwired`: the anchors a user would wire by hand: metrics-exporter-prometheus as the
//!   global recorder (Prometheus only), tracing-opentelemetry on an OpenTelemetry SDK
//!   tracer provider with a batch processor and the OTLP/HTTP exporter;
//! - `native`: the OpenTelemetry SDK alone: a span, `Counter::add` with two attributes and
//!   `Histogram::record` with one (as the catalog declares them), batch processor / periodic reader with the OTLP/HTTP exporter;
//! - `init`: `dataface_telemetry::init` with Prometheus and OTLP metrics on, spans and logs
//!   to OTLP, and the probes;
//! - `init_native`: the same with native histograms on the scrape
//!   (`DATAFACE_PROMETHEUS_HISTOGRAMS=native`).
//!
//! Every OTLP exporter sends to `127.0.0.1:9` (nothing listens: each export fails at once,
//! as with an absent collector). Hot-path costs do not depend on it: the host thread only
//! queues.
//!
//! Results (2-core shared VM, AMD EPYC, rustc 1.95.0, 2026-12-01, `-- --rounds 5`; the
//! earlier figures, on an Intel Xeon VM, the profile and the export throughput and memory
//! figures are in `docs/performance.md`):
//!
//! | operation | anchor | through `init()` | ratio | goal | met |
//! |---|---|---|---|---|---|
//! | counter handle `increment(1)` vs Prometheus-only handle | handwired/counter_handle 4.8 ns | init/counter_handle 1.9 ns | 0.40× | ≤ 1.2× | yes |
//! | histogram handle `record` vs Prometheus-only handle | handwired/histogram_handle 24.1 ns | init/histogram_handle 26.8 ns | 1.11× | ≤ 1.3× | yes |
//! | histogram handle `record`, native scrape histograms, vs Prometheus-only handle | handwired/histogram_handle 24.1 ns | init_native/histogram_handle 34.6 ns | 1.43× | ≤ 1.3× | no |
//! | `counter!` with 2 labels, per call, vs Prometheus-only macro | handwired/counter_macro 101.2 ns | init/counter_macro 53.5 ns | 0.53× | ≤ 1.5× | yes |
//! | probe gauge set (`set_dashboards`) vs Prometheus-only gauge handle | handwired/gauge_handle 4.3 ns | init/probe_set_dashboards 3.1 ns | 0.72× | ≤ 1.2× | yes |
//! | span with 2 attributes vs tracing-opentelemetry | handwired/span 675.7 ns | init/span 589.8 ns | 0.87× | — | — |
//! | probe query guard (span, 2 histograms, a counter) vs hand-wired equivalent | handwired/query_equivalent 887.8 ns | init/probe_query 862.5 ns | 0.97× | ≤ 1.1× | yes |
//! | probe query guard vs native OTel SDK span (stretch: 2x) | native/span 221.4 ns | init/probe_query 862.5 ns | 3.90× | ≤ 2.0× | no |
//! | counter handle through `init` vs OTel `Counter::add` with 2 attributes | native/counter_add 66.8 ns | init/counter_handle 1.9 ns | 0.03× | — | — |
//! | histogram handle through `init` vs OTel `Histogram::record` with 1 attribute | native/histogram_record 65.8 ns | init/histogram_handle 26.8 ns | 0.41× | — | — |
//! | disabled probe gauge set vs no-recorder `counter!` | none/counter_macro 25.5 ns | none/probe_set_dashboards 1.9 ns | 0.07× | ≤ 1.0× | yes |
//! | disabled probe query guard vs no-recorder `counter!` | none/counter_macro 25.5 ns | none/probe_query 14.1 ns | 0.55× | ≤ 1.0× | yes |

use std::collections::BTreeMap;
use std::hint::black_box;
use std::process::Command;
use std::time::{Duration, Instant};

/// Where every OTLP exporter of every configuration sends: loopback, nothing listening.
const BLACKHOLE: &str = "http://127.0.0.1:9";

/// Time per sample; the median of [`SAMPLES`] samples is an operation's figure.
const SAMPLE: Duration = Duration::from_millis(2);
const SAMPLES: usize = 41;

const CONFIGS: &[&str] = &["none", "handwired", "native", "init", "init_native"];

/// One row: what is compared, the anchor `(config, op)`, ours `(config, op)`, the goal.
struct Row {
    what: &'static str,
    anchor: (&'static str, &'static str),
    ours: (&'static str, &'static str),
    goal: Option<f64>,
}

const ROWS: &[Row] = &[
    Row {
        what: "counter handle `increment(1)` vs Prometheus-only handle",
        anchor: ("handwired", "counter_handle"),
        ours: ("init", "counter_handle"),
        goal: Some(1.2),
    },
    Row {
        what: "histogram handle `record` vs Prometheus-only handle",
        anchor: ("handwired", "histogram_handle"),
        ours: ("init", "histogram_handle"),
        goal: Some(1.3),
    },
    Row {
        what: "histogram handle `record`, native scrape histograms, vs Prometheus-only handle",
        anchor: ("handwired", "histogram_handle"),
        ours: ("init_native", "histogram_handle"),
        goal: Some(1.3),
    },
    Row {
        what: "`counter!` with 2 labels, per call, vs Prometheus-only macro",
        anchor: ("handwired", "counter_macro"),
        ours: ("init", "counter_macro"),
        goal: Some(1.5),
    },
    Row {
        what: "probe gauge set (`set_dashboards`) vs Prometheus-only gauge handle",
        anchor: ("handwired", "gauge_handle"),
        ours: ("init", "probe_set_dashboards"),
        goal: Some(1.2),
    },
    Row {
        what: "span with 2 attributes vs tracing-opentelemetry",
        anchor: ("handwired", "span"),
        ours: ("init", "span"),
        goal: None,
    },
    Row {
        what: "probe query guard (span, 2 histograms, a counter) vs hand-wired equivalent",
        anchor: ("handwired", "query_equivalent"),
        ours: ("init", "probe_query"),
        goal: Some(1.1),
    },
    Row {
        what: "probe query guard vs native OTel SDK span (stretch: 2x)",
        anchor: ("native", "span"),
        ours: ("init", "probe_query"),
        goal: Some(2.0),
    },
    Row {
        what: "counter handle through `init` vs OTel `Counter::add` with 2 attributes",
        anchor: ("native", "counter_add"),
        ours: ("init", "counter_handle"),
        goal: None,
    },
    Row {
        what: "histogram handle through `init` vs OTel `Histogram::record` with 1 attribute",
        anchor: ("native", "histogram_record"),
        ours: ("init", "histogram_handle"),
        goal: None,
    },
    Row {
        what: "disabled probe gauge set vs no-recorder `counter!`",
        anchor: ("none", "counter_macro"),
        ours: ("none", "probe_set_dashboards"),
        goal: Some(1.0),
    },
    Row {
        what: "disabled probe query guard vs no-recorder `counter!`",
        anchor: ("none", "counter_macro"),
        ours: ("none", "probe_query"),
        goal: Some(1.0),
    },
];

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let value = |flag: &str| {
        args.iter()
            .position(|a| a == flag)
            .and_then(|i| args.get(i + 1))
            .cloned()
    };
    if let Some(config) = value("--config") {
        child(&config);
        return;
    }
    // `cargo bench --no-run` builds this; `cargo test --benches` runs it with `--test`
    // style arguments: only a bench run measures.
    if !args.iter().any(|a| a == "--bench") && value("--rounds").is_none() {
        println!("hot_path: run with `cargo bench --bench hot_path` to measure");
        return;
    }
    let rounds: usize = value("--rounds").and_then(|r| r.parse().ok()).unwrap_or(3);
    parent(rounds);
}

/// Runs every configuration `rounds` times, alternating, and prints the table.
fn parent(rounds: usize) {
    let exe = std::env::current_exe().expect("the bench binary knows its own path");
    let mut figures: BTreeMap<(String, String), Vec<f64>> = BTreeMap::new();
    for round in 1..=rounds {
        for config in CONFIGS {
            eprintln!("round {round}/{rounds}: {config}");
            let out = Command::new(&exe)
                .args(["--config", config])
                .env("OTEL_EXPORTER_OTLP_ENDPOINT", BLACKHOLE)
                .env("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
                .env("OTEL_METRICS_EXPORTER", "otlp,prometheus")
                .env("OTEL_EXPORTER_PROMETHEUS_HOST", "127.0.0.1")
                .env("OTEL_EXPORTER_PROMETHEUS_PORT", "0")
                .env(
                    "DATAFACE_PROMETHEUS_HISTOGRAMS",
                    if *config == "init_native" {
                        "native"
                    } else {
                        "classic"
                    },
                )
                .stderr(std::process::Stdio::null())
                .output()
                .expect("the bench binary runs itself");
            assert!(
                out.status.success(),
                "configuration {config} failed: {}",
                String::from_utf8_lossy(&out.stdout)
            );
            for line in String::from_utf8_lossy(&out.stdout).lines() {
                let mut parts = line.split('\t');
                let (Some(op), Some(ns)) = (parts.next(), parts.next()) else {
                    continue;
                };
                let ns: f64 = ns.parse().expect("a child prints `op<TAB>ns`");
                figures
                    .entry(((*config).to_owned(), op.to_owned()))
                    .or_default()
                    .push(ns);
            }
        }
    }
    let best = |(config, op): (&str, &str)| {
        figures
            .get(&(config.to_owned(), op.to_owned()))
            .and_then(|v| v.iter().copied().reduce(f64::min))
            .unwrap_or_else(|| panic!("no figure for {config}/{op}"))
    };
    println!("\nmin of medians over {rounds} alternating rounds, ns per operation\n");
    println!("| operation | anchor | through `init()` | ratio | goal | met |");
    println!("|---|---|---|---|---|---|");
    for row in ROWS {
        let anchor = best(row.anchor);
        let ours = best(row.ours);
        let ratio = ours / anchor;
        let (goal, met) = match row.goal {
            Some(g) => (format!("≤ {g:.1}×"), if ratio <= g { "yes" } else { "no" }),
            None => ("—".to_owned(), "—"),
        };
        println!(
            "| {} | {}/{} {:.1} ns | {}/{} {:.1} ns | {:.2}× | {} | {} |",
            row.what,
            row.anchor.0,
            row.anchor.1,
            anchor,
            row.ours.0,
            row.ours.1,
            ours,
            ratio,
            goal,
            met
        );
    }
}

/// Median nanoseconds per call of `f`, printed as `op<TAB>ns`. With `HOT_PATH_ONLY=<op>`
/// only that operation runs, for ten seconds: for a profiler (`perf record`, see
/// `docs/performance.md`).
fn measure(op: &str, mut f: impl FnMut()) {
    if let Ok(only) = std::env::var("HOT_PATH_ONLY") {
        if only == op {
            let start = Instant::now();
            while start.elapsed() < Duration::from_secs(10) {
                f();
            }
        }
        return;
    }
    // Warm up and size a sample.
    let start = Instant::now();
    let mut calls = 0u64;
    while start.elapsed() < Duration::from_millis(20) {
        f();
        calls += 1;
    }
    let per_call = start.elapsed().as_nanos() as f64 / calls as f64;
    let batch = ((SAMPLE.as_nanos() as f64 / per_call) as u64).max(1);
    let mut samples: Vec<f64> = (0..SAMPLES)
        .map(|_| {
            let t = Instant::now();
            for _ in 0..batch {
                f();
            }
            t.elapsed().as_nanos() as f64 / batch as f64
        })
        .collect();
    samples.sort_by(f64::total_cmp);
    println!("{op}\t{:.3}", samples[SAMPLES / 2]);
}

fn child(config: &str) {
    match config {
        "none" => none(),
        "handwired" => handwired(),
        "native" => native(),
        "init" | "init_native" => through_init(),
        other => panic!("unknown configuration {other}"),
    }
}

use dataface_telemetry::compiler::{Adapter, CompilerProbes, ContractVersion, Outcome};

/// A counter with two declared labels (adapter and outcome).
const QUERIES: &str = "dataface.queries";
/// A histogram with one declared label (adapter).
const DURATION: &str = "dataface.query.duration";
const ROWS_METRIC: &str = "dataface.query.rows";
const DASHBOARDS: &str = "dataface.contract.dashboards";

fn adapter_key() -> &'static str {
    Adapter::LABEL.key
}

fn outcome_key() -> &'static str {
    Outcome::LABEL.key
}

/// The operations every metrics configuration measures, on handles registered here.
fn metric_ops() {
    let labels = [
        (adapter_key(), Adapter::Snowflake.as_str()),
        (outcome_key(), Outcome::Failed.as_str()),
    ];
    let counter = metrics::counter!(QUERIES, &labels);
    measure("counter_handle", || counter.increment(black_box(1)));
    let histogram = metrics::histogram!(DURATION, adapter_key() => Adapter::Snowflake.as_str());
    measure("histogram_handle", || histogram.record(black_box(0.25)));
    let gauge = metrics::gauge!(DASHBOARDS, ContractVersion::LABEL.key => "2.0");
    measure("gauge_handle", || gauge.set(black_box(40.0)));
    measure("counter_macro", || {
        metrics::counter!(
            QUERIES,
            adapter_key() => black_box(Adapter::Snowflake.as_str()),
            outcome_key() => black_box(Outcome::Failed.as_str())
        )
        .increment(1);
    });
}

/// A span with the query span's two start attributes, as the probe opens it.
fn span_op() {
    measure("span", || {
        let span = tracing::info_span!(
            "dataface.query.execute",
            db.system.name = black_box("snowflake"),
            dataface.adapter = black_box("snowflake"),
        );
        black_box(&span);
    });
}

fn none() {
    measure("counter_macro", || {
        metrics::counter!(
            QUERIES,
            adapter_key() => black_box(Adapter::Snowflake.as_str()),
            outcome_key() => black_box(Outcome::Failed.as_str())
        )
        .increment(1);
    });
    let probes = CompilerProbes::new("2.5.0");
    measure("probe_set_dashboards", || {
        probes.set_dashboards(black_box(ContractVersion::V2_0), black_box(40));
    });
    measure("probe_query", || {
        probes
            .query(black_box(Adapter::Snowflake))
            .ok(black_box(120));
    });
}

fn otlp_span_exporter() -> opentelemetry_otlp::SpanExporter {
    use opentelemetry_otlp::WithExportConfig as _;
    install_crypto_provider();
    opentelemetry_otlp::SpanExporter::builder()
        .with_http()
        .with_endpoint(format!("{BLACKHOLE}/v1/traces"))
        .build()
        .expect("the OTLP/HTTP span exporter builds")
}

/// The HTTP client's TLS stack is built without a default crypto provider (as the
/// workspace's reqwest is): a hand-wired exporter needs one installed, as a user would.
fn install_crypto_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}

fn handwired() {
    use opentelemetry::trace::TracerProvider as _;
    use tracing_subscriber::layer::SubscriberExt as _;

    let recorder = metrics_exporter_prometheus::PrometheusBuilder::new()
        .set_buckets(&[
            0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0,
        ])
        .expect("buckets are valid")
        .build_recorder();
    metrics::set_global_recorder(recorder).expect("first recorder of this process");
    let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder()
        .with_batch_exporter(otlp_span_exporter())
        .build();
    let subscriber = tracing_subscriber::registry()
        .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("bench")));
    tracing::subscriber::set_global_default(subscriber).expect("first subscriber");

    metric_ops();
    span_op();
    // What `CompilerProbes::query(..).ok(rows)` does, wired by hand.
    let duration = metrics::histogram!(DURATION, adapter_key() => Adapter::Snowflake.as_str());
    let rows = metrics::histogram!(ROWS_METRIC, adapter_key() => Adapter::Snowflake.as_str());
    let queries = metrics::counter!(
        QUERIES,
        adapter_key() => Adapter::Snowflake.as_str(),
        outcome_key() => Outcome::Success.as_str()
    );
    measure("query_equivalent", || {
        let start = Instant::now();
        let span = tracing::info_span!(
            "dataface.query.execute",
            db.system.name = black_box("snowflake"),
            dataface.adapter = black_box("snowflake"),
            dataface.query.rows = tracing::field::Empty,
        );
        let n: u64 = black_box(120);
        span.record("dataface.query.rows", n as i64);
        rows.record(n as f64);
        duration.record(start.elapsed().as_secs_f64());
        queries.increment(1);
        drop(span);
    });
    let _ = provider.shutdown_with_timeout(Duration::from_millis(100));
}

fn native() {
    use opentelemetry::metrics::MeterProvider as _;
    use opentelemetry::trace::{Span as _, Tracer as _, TracerProvider as _};
    use opentelemetry::KeyValue;
    use opentelemetry_otlp::WithExportConfig as _;

    let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder()
        .with_batch_exporter(otlp_span_exporter())
        .build();
    let tracer = provider.tracer("bench");
    measure("span", || {
        let mut span = tracer
            .span_builder("dataface.query.execute")
            .with_attributes([
                KeyValue::new("db.system.name", black_box("snowflake")),
                KeyValue::new("dataface.adapter", black_box("snowflake")),
            ])
            .start(&tracer);
        span.end();
    });
    let exporter = opentelemetry_otlp::MetricExporter::builder()
        .with_http()
        .with_endpoint(format!("{BLACKHOLE}/v1/metrics"))
        .build()
        .expect("the OTLP/HTTP metric exporter builds");
    let meters = opentelemetry_sdk::metrics::SdkMeterProvider::builder()
        .with_reader(opentelemetry_sdk::metrics::PeriodicReader::builder(exporter).build())
        .build();
    let meter = meters.meter("bench");
    let attributes = [
        KeyValue::new(adapter_key(), Adapter::Snowflake.as_str()),
        KeyValue::new(outcome_key(), Outcome::Failed.as_str()),
    ];
    let counter = meter.u64_counter(QUERIES).build();
    measure("counter_add", || counter.add(black_box(1), &attributes));
    let histogram = meter.f64_histogram(DURATION).build();
    let adapter = [KeyValue::new(adapter_key(), Adapter::Snowflake.as_str())];
    measure("histogram_record", || {
        histogram.record(black_box(0.25), &adapter);
    });
    let _ = provider.shutdown_with_timeout(Duration::from_millis(100));
    let _ = meters.shutdown_with_timeout(Duration::from_millis(100));
}

fn through_init() {
    let guard = dataface_telemetry::init("bench").expect("init with the bench's environment");
    metric_ops();
    span_op();
    let probes = CompilerProbes::new("2.5.0");
    measure("probe_set_dashboards", || {
        probes.set_dashboards(black_box(ContractVersion::V2_0), black_box(40));
    });
    measure("probe_query", || {
        probes
            .query(black_box(Adapter::Snowflake))
            .ok(black_box(120));
    });
    let _ = guard.shutdown(Duration::from_millis(200));
}
