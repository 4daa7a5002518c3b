//! Promise: the pipeline exports as fast as the plain OpenTelemetry SDK. The highest span
//! rate and log rate exported to a local collector without a single drop, at the default
//! queue sizes, through `init()`, beside the same figure for the plain SDK batch processor
//! with the same exporter (opentelemetry-otlp over HTTP/protobuf) in the same run. Goal:
//! ours ≥ 0.95× the SDK's.
//!
//! ```text
//! cargo run --release -p stress --bin throughput            # short (CI): one rough round
//! cargo run --release -p stress --bin throughput -- --full  # 3 rounds, 3 s per trial, finer search
//! ```
//!
//! The collector is rotel (`scripts/install-test-deps.sh`) on a loopback port with its
//! blackhole exporter, started here and stopped by its process id. Each trial is a process
//! of its own (one `init` per process): a producer thread emits at a fixed rate (in 1 ms
//! ticks) for the trial's length, then the pipeline shuts down (flushing what is queued)
//! and the trial reports what it produced and what was exported. A rate passes when
//! everything was exported and the producer kept the rate. The search doubles the rate
//! from 2,000/s until a trial drops, then bisects; the two paths' searches take turns,
//! one trial each, so a change in the machine's load hits both alike. With `--full` the
//! whole search runs 3 times and the median round counts.
//!
//! - spans: `tracing::info_span!` with two attributes, entered and closed: through `init`
//!   (its batch processor, counted in its self-metrics) against tracing-opentelemetry on an
//!   SDK tracer provider with the default `BatchSpanProcessor` (counted by a wrapper around
//!   the exporter);
//! - logs: `tracing::info!` with one field through `init`, against an SDK logger with the
//!   default `BatchLogProcessor` emitting the same record (target, event name, severity,
//!   body, one attribute).

use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// What a trial runs: the signal, and which pipeline.
const SIGNALS: &[&str] = &["spans", "logs"];
const PATHS: &[&str] = &["sdk", "init"];

/// The first rate tried, per second.
const START_RATE: u64 = 2_000;
/// The search stops doubling here: beyond the producer on this kind of machine.
const MAX_RATE: u64 = 4_096_000;

fn main() {
    if let Ok(spec) = std::env::var("STRESS_CHILD") {
        return child(&spec);
    }
    stress::clean_env();
    let trial = stress::length(Duration::from_millis(400), Duration::from_secs(3));
    let bisections = stress::length(2, 5);
    let rotel = Rotel::start();
    println!(
        "throughput: highest rate exported without drops, default queue sizes, OTLP/HTTP to rotel (blackhole) on 127.0.0.1:{}; {} ms per trial, {bisections} bisection steps",
        rotel.port,
        trial.as_millis()
    );
    let mut rounds: std::collections::BTreeMap<(&str, &str), Vec<u64>> = Default::default();
    for round in 1..=stress::length(1, 3) {
        for signal in SIGNALS {
            // Both paths' searches advance together, one trial each in turn: a change in
            // the machine's load hits both alike.
            let mut searches: Vec<Search> = PATHS.iter().map(|_| Search::new(bisections)).collect();
            while searches.iter().any(|s| s.next().is_some()) {
                for (path, search) in PATHS.iter().zip(searches.iter_mut()) {
                    if let Some(rate) = search.next() {
                        search.record(run(&rotel, signal, path, rate, trial));
                    }
                }
            }
            for (path, search) in PATHS.iter().zip(&searches) {
                println!(
                    "  round {round}: {signal} through {path}: {}/s without drops",
                    search.ok
                );
                rounds.entry((*signal, *path)).or_default().push(search.ok);
            }
        }
    }
    // The median round of each: one unlucky trial decides a search, so a single round is
    // noisy on a shared machine.
    let best: std::collections::BTreeMap<(&str, &str), u64> = rounds
        .into_iter()
        .map(|(k, mut v)| {
            v.sort_unstable();
            (k, v[v.len() / 2])
        })
        .collect();
    println!("\nthe median round of each:\n");
    println!(
        "| signal | anchor: plain SDK batch processor | through `init()` | ratio | goal | met |"
    );
    println!("|---|---|---|---|---|---|");
    for signal in SIGNALS {
        let (anchor, ours) = (best[&(*signal, "sdk")], best[&(*signal, "init")]);
        let ratio = ours as f64 / anchor.max(1) as f64;
        println!(
            "| {signal}/s without drops | {anchor} | {ours} | {ratio:.2}× | ≥ 0.95× | {} |",
            if ratio >= 0.95 { "yes" } else { "no" }
        );
    }
}

/// The search for the highest rate without drops: doubling from [`START_RATE`] until a
/// trial drops, then bisecting between the last rate that passed and the first that did
/// not.
struct Search {
    /// The highest rate that passed.
    ok: u64,
    /// The lowest rate that dropped, once one did.
    failed: Option<u64>,
    bisections_left: u32,
}

impl Search {
    fn new(bisections: u32) -> Self {
        Self {
            ok: 0,
            failed: None,
            bisections_left: bisections,
        }
    }

    /// The rate to try next, or none when the search is over.
    fn next(&self) -> Option<u64> {
        match self.failed {
            None => {
                let rate = if self.ok == 0 {
                    START_RATE
                } else {
                    self.ok * 2
                };
                (rate <= MAX_RATE).then_some(rate)
            }
            Some(high) => {
                let mid = (self.ok + high) / 2;
                (self.bisections_left > 0 && mid > self.ok).then_some(mid)
            }
        }
    }

    /// Notes the outcome of a trial at [`Search::next`]'s rate.
    fn record(&mut self, passed: bool) {
        let Some(rate) = self.next() else {
            return;
        };
        if self.failed.is_some() {
            self.bisections_left -= 1;
        }
        if passed {
            self.ok = rate;
        } else {
            self.failed = Some(rate);
        }
    }
}

/// One trial in a child process: whether every item was exported at `rate`.
fn run(rotel: &Rotel, signal: &str, path: &str, rate: u64, trial: Duration) -> bool {
    let out = Command::new(std::env::current_exe().expect("own path"))
        .env(
            "STRESS_CHILD",
            format!(
                "{signal} {path} {rate} {} {}",
                trial.as_millis(),
                rotel.port
            ),
        )
        .stderr(Stdio::null())
        .output()
        .expect("run a trial");
    assert!(
        out.status.success(),
        "trial {signal}/{path} at {rate}/s failed: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    let figures: Vec<u64> = text
        .split_whitespace()
        .map(|n| {
            n.parse()
                .expect("a trial prints `produced exported achieved`")
        })
        .collect();
    let [produced, exported, achieved] = figures[..] else {
        panic!("trial {signal}/{path}: unexpected output {text}");
    };
    // The producer must have kept the rate (within 5 %): a rate it cannot reach is not one
    // the pipeline sustained.
    produced == exported && achieved * 100 >= rate * 95
}

fn child(spec: &str) {
    let parts: Vec<&str> = spec.split(' ').collect();
    let [signal, path, rate, millis, port] = parts[..] else {
        panic!("STRESS_CHILD is `signal path rate millis port`: {spec}");
    };
    let rate: u64 = rate.parse().expect("rate");
    let length = Duration::from_millis(millis.parse().expect("millis"));
    let endpoint = format!("http://127.0.0.1:{port}");
    let (produced, exported, achieved) = match path {
        "init" => through_init(signal, rate, length, &endpoint),
        "sdk" => through_sdk(signal, rate, length, &endpoint),
        other => panic!("unknown path {other}"),
    };
    println!("{produced} {exported} {achieved}");
}

/// Emits `rate` items per second for `length` with `emit`; the items emitted and the rate
/// achieved per second.
fn produce(rate: u64, length: Duration, mut emit: impl FnMut(u64)) -> (u64, u64) {
    let tick = Duration::from_millis(1);
    let per_tick = rate as f64 / 1000.0;
    let start = Instant::now();
    let mut produced = 0u64;
    let mut ticks = 0u32;
    while start.elapsed() < length {
        ticks += 1;
        let due = (per_tick * f64::from(ticks)) as u64;
        while produced < due {
            emit(produced);
            produced += 1;
        }
        let next = start + tick * ticks;
        if let Some(wait) = next.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
    }
    let achieved = (produced as f64 / start.elapsed().as_secs_f64()) as u64;
    (produced, achieved)
}

fn emit_span(i: u64) {
    let span = tracing::info_span!("stress.throughput", stress.item = i, stress.kind = "span");
    drop(span.entered());
}

fn emit_log(i: u64) {
    tracing::info!(stress.item = i, "throughput item");
}

fn through_init(signal: &str, rate: u64, length: Duration, endpoint: &str) -> (u64, u64, u64) {
    std::env::set_var("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint);
    std::env::set_var("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
    std::env::set_var("OTEL_METRICS_EXPORTER", "none");
    std::env::set_var("DATAFACE_LOG_STDERR", "false");
    let guard = telemetry_core::init("stress-throughput").expect("init");
    let stats = guard.stats_handle();
    let (produced, achieved) = match signal {
        "spans" => produce(rate, length, emit_span),
        _ => produce(rate, length, emit_log),
    };
    let _ = guard.shutdown(Duration::from_secs(20));
    let s = stats.snapshot();
    let counts = if signal == "spans" { s.traces } else { s.logs };
    (produced, counts.exported, achieved)
}

/// The anchor: the plain SDK batch processor (default configuration) with the OTLP/HTTP
/// exporter, counting what the exporter sent.
fn through_sdk(signal: &str, rate: u64, length: Duration, endpoint: &str) -> (u64, u64, u64) {
    use opentelemetry_otlp::WithExportConfig as _;
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::Arc;
    // The workspace's HTTP client is built without a default crypto provider; a hand-wired
    // exporter installs one, as a user would.
    let _ = rustls::crypto::ring::default_provider().install_default();
    let exported = Arc::new(AtomicU64::new(0));
    let (produced, achieved) = if signal == "spans" {
        use opentelemetry::trace::TracerProvider as _;
        use tracing_subscriber::layer::SubscriberExt as _;
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_endpoint(format!("{endpoint}/v1/traces"))
            .build()
            .expect("the OTLP/HTTP span exporter builds");
        let provider = opentelemetry_sdk::trace::SdkTracerProvider::builder()
            .with_batch_exporter(Counted {
                inner: exporter,
                exported: exported.clone(),
            })
            .build();
        let subscriber = tracing_subscriber::registry()
            .with(tracing_opentelemetry::layer().with_tracer(provider.tracer("stress")));
        tracing::subscriber::set_global_default(subscriber).expect("first subscriber");
        let r = produce(rate, length, emit_span);
        let _ = provider.shutdown_with_timeout(Duration::from_secs(20));
        r
    } else {
        use opentelemetry::logs::{LogRecord as _, Logger as _, LoggerProvider as _};
        let exporter = opentelemetry_otlp::LogExporter::builder()
            .with_http()
            .with_endpoint(format!("{endpoint}/v1/logs"))
            .build()
            .expect("the OTLP/HTTP log exporter builds");
        let provider = opentelemetry_sdk::logs::SdkLoggerProvider::builder()
            .with_batch_exporter(Counted {
                inner: exporter,
                exported: exported.clone(),
            })
            .build();
        let logger = provider.logger("stress");
        let r = produce(rate, length, |i| {
            // The record `init`'s bridge builds from `emit_log`'s event: target, event
            // name, severity, body, one attribute.
            let mut record = logger.create_log_record();
            record.set_target(module_path!());
            record.set_event_name(concat!("event ", file!(), ":", line!()));
            record.set_severity_number(opentelemetry::logs::Severity::Info);
            record.set_severity_text("INFO");
            record.set_body("throughput item".into());
            record.add_attribute("stress.item", i as i64);
            logger.emit(record);
        });
        let _ = provider.shutdown_with_timeout(Duration::from_secs(20));
        r
    };
    (produced, exported.load(Ordering::Relaxed), achieved)
}

/// An exporter that counts the items its inner exporter sent.
#[derive(Debug)]
struct Counted<E> {
    inner: E,
    exported: std::sync::Arc<std::sync::atomic::AtomicU64>,
}

impl<E: opentelemetry_sdk::trace::SpanExporter> opentelemetry_sdk::trace::SpanExporter
    for Counted<E>
{
    async fn export(
        &self,
        batch: Vec<opentelemetry_sdk::trace::SpanData>,
    ) -> opentelemetry_sdk::error::OTelSdkResult {
        let n = batch.len() as u64;
        let result = self.inner.export(batch).await;
        if result.is_ok() {
            self.exported
                .fetch_add(n, std::sync::atomic::Ordering::Relaxed);
        }
        result
    }
    fn shutdown_with_timeout(&self, timeout: Duration) -> opentelemetry_sdk::error::OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }
    fn force_flush(&self) -> opentelemetry_sdk::error::OTelSdkResult {
        self.inner.force_flush()
    }
    fn set_resource(&mut self, resource: &opentelemetry_sdk::Resource) {
        self.inner.set_resource(resource);
    }
}

impl<E: opentelemetry_sdk::logs::LogExporter> opentelemetry_sdk::logs::LogExporter for Counted<E> {
    async fn export(
        &self,
        batch: opentelemetry_sdk::logs::LogBatch<'_>,
    ) -> opentelemetry_sdk::error::OTelSdkResult {
        let n = batch.iter().count() as u64;
        let result = self.inner.export(batch).await;
        if result.is_ok() {
            self.exported
                .fetch_add(n, std::sync::atomic::Ordering::Relaxed);
        }
        result
    }
    fn shutdown_with_timeout(&self, timeout: Duration) -> opentelemetry_sdk::error::OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }
    fn set_resource(&mut self, resource: &opentelemetry_sdk::Resource) {
        self.inner.set_resource(resource);
    }
}

/// rotel on a loopback port with its blackhole exporter; stopped by its process id.
struct Rotel {
    child: std::process::Child,
    port: u16,
    /// rotel's pid and log files.
    dir: std::path::PathBuf,
}

impl Rotel {
    fn start() -> Self {
        let binary = std::env::var("ROTEL_BIN").unwrap_or_else(|_| "rotel".to_owned());
        let (grpc, http) = (free_port(), free_port());
        let dir =
            std::env::temp_dir().join(format!("stress-throughput-rotel-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("a directory for rotel's pid and log files");
        let child = Command::new(&binary)
            .arg("start")
            .args(["--otlp-grpc-endpoint", &format!("127.0.0.1:{grpc}")])
            .args(["--otlp-http-endpoint", &format!("127.0.0.1:{http}")])
            .args(["--exporter", "blackhole"])
            .arg("--pid-file")
            .arg(dir.join("rotel.pid"))
            .arg("--log-file")
            .arg(dir.join("rotel.log"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("start {binary} (run scripts/install-test-deps.sh or set ROTEL_BIN): {e}")
            });
        let rotel = Self {
            child,
            port: http,
            dir,
        };
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::net::TcpStream::connect(("127.0.0.1", http)).is_err() {
            assert!(
                Instant::now() < deadline,
                "rotel did not listen on 127.0.0.1:{http}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        rotel
    }
}

impl Drop for Rotel {
    fn drop(&mut self) {
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                let _ = std::fs::remove_dir_all(&self.dir);
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("a free loopback port")
}
