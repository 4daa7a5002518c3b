//! Shared by the workspace-level tests: process isolation for tests that call `init`,
//! free loopback ports, and an in-process OTLP receiver (gRPC or HTTP/protobuf).
#![allow(dead_code)]

pub(crate) mod nginx;
pub(crate) mod prometheus;

use mock_collector::{MockServer, Protocol, ServerHandle};
use opentelemetry_proto::tonic::common::v1::{any_value, AnyValue, KeyValue};
use std::collections::BTreeMap;
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::Duration;
use std::time::Instant;

const CHILD_VAR: &str = "DATAFACE_TELEMETRY_TEST_CHILD";

/// Shuts `guard` down through the collector and asserts that no span, log or metric was
/// dropped on the way; returns the pipeline's final counts for the test to print.
pub(crate) fn shutdown_dropping_nothing(
    guard: telemetry_core::TelemetryGuard,
) -> telemetry_core::self_metrics::PipelineStats {
    let stats = guard.stats_handle();
    guard
        .shutdown(Duration::from_secs(15))
        .expect("clean shutdown through the collector");
    let s = stats.snapshot();
    assert_eq!(
        (s.traces.dropped(), s.logs.dropped(), s.metrics.dropped()),
        (0, 0, 0),
        "nothing may be dropped on the way to the collector: {s:?}"
    );
    s
}

/// An OTLP number data point's value as f64 (NaN when it carries none).
fn number(v: &Option<opentelemetry_proto::tonic::metrics::v1::number_data_point::Value>) -> f64 {
    use opentelemetry_proto::tonic::metrics::v1::number_data_point::Value;
    match v {
        Some(Value::AsDouble(d)) => *d,
        Some(Value::AsInt(i)) => *i as f64,
        None => f64::NAN,
    }
}

/// Whether this process is the child started by [`run_child`] for test `name`.
///
/// `init` installs process-wide globals, so every test that calls it runs its body in a
/// process of its own, under `cargo test` as under nextest: the test function starts
/// whatever peers it needs, re-runs itself as a child with [`run_child`], and asserts on
/// what the peers saw.
pub(crate) fn is_child(name: &str) -> bool {
    std::env::var(CHILD_VAR).as_deref() == Ok(name)
}

/// Re-runs test `name` (its path as libtest prints it) in a child process with `env`
/// added, and fails with the child's output if the child fails.
pub(crate) fn run_child(name: &str, env: &[(&str, String)]) -> String {
    let exe = std::env::current_exe().expect("test binary path");
    let mut cmd = std::process::Command::new(exe);
    cmd.args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_VAR, name);
    for var in std::env::vars().map(|(k, _)| k) {
        // The child's telemetry configuration is exactly what the test gives it.
        if var.starts_with("OTEL_") || var.starts_with("DATAFACE_") && var != CHILD_VAR {
            cmd.env_remove(var);
        }
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("spawn the test child process");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && stdout.contains("1 passed"),
        "child process for {name} failed ({}):\n--- stdout\n{stdout}\n--- stderr\n{stderr}",
        out.status
    );
    // Shown with --nocapture: the figures a child prints (timings, counts).
    print!("{stdout}");
    eprint!("{stderr}");
    format!("{stdout}{stderr}")
}

/// A loopback port that was free a moment ago.
pub(crate) fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("bind an ephemeral loopback port")
}

/// A span as received, flattened for assertions.
#[derive(Debug, Clone)]
pub(crate) struct Span {
    pub name: String,
    pub trace_id: Vec<u8>,
    pub span_id: Vec<u8>,
    pub parent_span_id: Vec<u8>,
    pub attributes: BTreeMap<String, String>,
    pub resource: BTreeMap<String, String>,
    pub status_code: i32,
}

/// A log record as received.
#[derive(Debug, Clone)]
pub(crate) struct Log {
    pub body: String,
    pub severity_text: String,
    pub trace_id: Vec<u8>,
    pub span_id: Vec<u8>,
    pub attributes: BTreeMap<String, String>,
    pub resource: BTreeMap<String, String>,
}

/// A metric data point as received.
#[derive(Debug, Clone)]
pub(crate) struct Point {
    pub metric: String,
    pub unit: String,
    pub kind: &'static str,
    pub attributes: BTreeMap<String, String>,
    /// Sum or gauge value; histogram sum.
    pub value: f64,
    /// Histogram count.
    pub count: u64,
    pub bounds: Vec<f64>,
    /// An exponential histogram's scale and the samples its zero and positive buckets
    /// hold.
    pub exponential: Option<(i32, u64)>,
    pub resource: BTreeMap<String, String>,
}

/// Everything a receiver got.
#[derive(Debug, Clone, Default)]
pub(crate) struct Received {
    pub spans: Vec<Span>,
    pub logs: Vec<Log>,
    pub points: Vec<Point>,
    /// Every received span, log record and metric with its resource, as the protobuf
    /// message's `Debug` text: names, events, links, status and arrays included.
    pub raw: String,
}

impl Received {
    pub(crate) fn span(&self, name: &str) -> &Span {
        self.spans
            .iter()
            .find(|s| s.name == name)
            .unwrap_or_else(|| panic!("no span {name:?}; received {:#?}", self.spans))
    }

    pub(crate) fn log(&self, body: &str) -> &Log {
        self.logs
            .iter()
            .find(|l| l.body.contains(body))
            .unwrap_or_else(|| panic!("no log {body:?}; received {:#?}", self.logs))
    }

    /// The last data point of `metric` whose attributes include `labels`.
    pub(crate) fn point(&self, metric: &str, labels: &[(&str, &str)]) -> &Point {
        self.points
            .iter()
            .rev()
            .find(|p| {
                p.metric == metric
                    && labels
                        .iter()
                        .all(|(k, v)| p.attributes.get(*k).map(String::as_str) == Some(*v))
            })
            .unwrap_or_else(|| {
                let names: Vec<_> = self
                    .points
                    .iter()
                    .map(|p| format!("{} {:?}", p.metric, p.attributes))
                    .collect();
                panic!("no point {metric} {labels:?}; received {names:#?}")
            })
    }
}

fn text(v: &Option<AnyValue>) -> String {
    match v.as_ref().and_then(|v| v.value.as_ref()) {
        Some(any_value::Value::StringValue(s)) => s.clone(),
        Some(any_value::Value::IntValue(i)) => i.to_string(),
        Some(any_value::Value::DoubleValue(d)) => d.to_string(),
        Some(any_value::Value::BoolValue(b)) => b.to_string(),
        Some(other) => format!("{other:?}"),
        None => String::new(),
    }
}

fn map(kvs: &[KeyValue]) -> BTreeMap<String, String> {
    kvs.iter()
        .map(|kv| (kv.key.clone(), text(&kv.value)))
        .collect()
}

/// An in-process OTLP receiver on 127.0.0.1, running on a runtime of its own so the code
/// under test can run in any context.
pub(crate) struct Receiver {
    runtime: tokio::runtime::Runtime,
    handle: Option<ServerHandle>,
    pub port: u16,
    pub grpc: bool,
}

impl Receiver {
    pub(crate) fn start(grpc: bool) -> Self {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .enable_all()
            .build()
            .expect("receiver runtime");
        let protocol = if grpc {
            Protocol::Grpc
        } else {
            Protocol::HttpBinary
        };
        let handle = runtime
            .block_on(
                MockServer::builder()
                    .protocol(protocol)
                    .host("127.0.0.1".parse().unwrap())
                    .port(0)
                    .start(),
            )
            .expect("start the in-process OTLP receiver");
        let port = handle.addr().port();
        Self {
            runtime,
            handle: Some(handle),
            port,
            grpc,
        }
    }

    /// The base endpoint (`OTEL_EXPORTER_OTLP_ENDPOINT`).
    pub(crate) fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// The variables that point a child's OTLP exporters here.
    pub(crate) fn env(&self) -> Vec<(&'static str, String)> {
        vec![
            ("OTEL_EXPORTER_OTLP_ENDPOINT", self.endpoint()),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", self.protocol().to_owned()),
        ]
    }

    /// The protocol name for `OTEL_EXPORTER_OTLP_PROTOCOL`.
    pub(crate) fn protocol(&self) -> &'static str {
        if self.grpc {
            "grpc"
        } else {
            "http/protobuf"
        }
    }

    /// Waits until `done` holds for what arrived (or `timeout` passes), then returns it.
    pub(crate) fn wait(&self, timeout: Duration, done: impl Fn(&Received) -> bool) -> Received {
        let deadline = std::time::Instant::now() + timeout;
        loop {
            let got = self.received();
            if done(&got) || std::time::Instant::now() > deadline {
                return got;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub(crate) fn received(&self) -> Received {
        let handle = self.handle.as_ref().expect("receiver running");
        self.runtime.block_on(handle.with_collector(|c| {
            let mut raw = String::new();
            for s in c.spans() {
                raw.push_str(&format!("{:?} {:?}\n", s.span(), s.resource_attrs()));
            }
            for l in c.logs() {
                raw.push_str(&format!("{:?} {:?}\n", l.log_record(), l.resource_attrs()));
            }
            for m in c.metrics() {
                raw.push_str(&format!("{:?} {:?}\n", m.metric(), m.resource_attrs()));
            }
            let spans = c
                .spans()
                .iter()
                .map(|s| {
                    let span = s.span();
                    Span {
                        name: span.name.clone(),
                        trace_id: span.trace_id.clone(),
                        span_id: span.span_id.clone(),
                        parent_span_id: span.parent_span_id.clone(),
                        attributes: map(&span.attributes),
                        resource: map(s.resource_attrs()),
                        status_code: span.status.as_ref().map(|st| st.code).unwrap_or(0),
                    }
                })
                .collect();
            let logs = c
                .logs()
                .iter()
                .map(|l| {
                    let r = l.log_record();
                    Log {
                        body: text(&r.body),
                        severity_text: r.severity_text.clone(),
                        trace_id: r.trace_id.clone(),
                        span_id: r.span_id.clone(),
                        attributes: map(&r.attributes),
                        resource: map(l.resource_attrs()),
                    }
                })
                .collect();
            let mut points = Vec::new();
            for m in c.metrics() {
                use opentelemetry_proto::tonic::metrics::v1::metric::Data;
                let metric = m.metric();
                let resource = map(m.resource_attrs());
                let mut push = |kind,
                                attributes: &[KeyValue],
                                value,
                                count,
                                bounds: Vec<f64>,
                                exponential: Option<(i32, u64)>| {
                    points.push(Point {
                        metric: metric.name.clone(),
                        unit: metric.unit.clone(),
                        kind,
                        attributes: map(attributes),
                        value,
                        count,
                        bounds,
                        exponential,
                        resource: resource.clone(),
                    })
                };
                match &metric.data {
                    Some(Data::Sum(s)) => {
                        for p in &s.data_points {
                            push("sum", &p.attributes, number(&p.value), 0, Vec::new(), None);
                        }
                    }
                    Some(Data::Gauge(g)) => {
                        for p in &g.data_points {
                            push(
                                "gauge",
                                &p.attributes,
                                number(&p.value),
                                0,
                                Vec::new(),
                                None,
                            );
                        }
                    }
                    Some(Data::Histogram(h)) => {
                        for p in &h.data_points {
                            push(
                                "histogram",
                                &p.attributes,
                                p.sum.unwrap_or(f64::NAN),
                                p.count,
                                p.explicit_bounds.clone(),
                                None,
                            );
                        }
                    }
                    Some(Data::ExponentialHistogram(h)) => {
                        for p in &h.data_points {
                            let held = p.zero_count
                                + p.positive
                                    .as_ref()
                                    .map_or(0, |b| b.bucket_counts.iter().sum::<u64>())
                                + p.negative
                                    .as_ref()
                                    .map_or(0, |b| b.bucket_counts.iter().sum::<u64>());
                            push(
                                "exponential_histogram",
                                &p.attributes,
                                p.sum.unwrap_or(f64::NAN),
                                p.count,
                                Vec::new(),
                                Some((p.scale, held)),
                            );
                        }
                    }
                    other => panic!(
                        "metric {} arrived as {other:?}, which the receiver does not read",
                        metric.name
                    ),
                }
            }
            Received {
                spans,
                logs,
                points,
                raw,
            }
        }))
    }
}

impl Drop for Receiver {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            let _ = self.runtime.block_on(h.shutdown());
        }
    }
}

/// The rotel collector binary: `ROTEL_BIN`, else `rotel` on PATH (scripts/install-test-deps.sh).
pub(crate) fn rotel_binary() -> String {
    if let Ok(bin) = std::env::var("ROTEL_BIN") {
        return bin;
    }
    let found = Command::new("sh")
        .args(["-c", "command -v rotel"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    found.unwrap_or_else(|| {
        panic!("the rotel collector is not installed: run scripts/install-test-deps.sh (or set ROTEL_BIN)")
    })
}

/// A rotel process; killed by its process id when dropped.
pub(crate) struct Rotel {
    child: Child,
    pub grpc_port: u16,
    pub http_port: u16,
    dir: std::path::PathBuf,
}

impl Rotel {
    /// Starts rotel on two loopback ports picked here, forwarding over gRPC to `forward_to`.
    pub(crate) fn start(forward_to: &Receiver) -> Self {
        let (grpc_port, http_port) = (free_port(), free_port());
        let dir = std::env::temp_dir().join(format!("rotel-{}-{grpc_port}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let child = Command::new(rotel_binary())
            .arg("start")
            .args(["--otlp-grpc-endpoint", &format!("127.0.0.1:{grpc_port}")])
            .args(["--otlp-http-endpoint", &format!("127.0.0.1:{http_port}")])
            .args(["--exporter", "otlp"])
            .args(["--otlp-exporter-endpoint", &forward_to.endpoint()])
            .args(["--otlp-exporter-protocol", "grpc"])
            .args(["--batch-timeout", "50ms"])
            .arg("--pid-file")
            .arg(dir.join("rotel.pid"))
            .arg("--log-file")
            .arg(dir.join("rotel.log"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start rotel");
        let rotel = Self {
            child,
            grpc_port,
            http_port,
            dir,
        };
        rotel.wait_listening();
        rotel
    }

    fn wait_listening(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        for port in [self.grpc_port, self.http_port] {
            while TcpStream::connect(("127.0.0.1", port)).is_err() {
                assert!(
                    Instant::now() < deadline,
                    "rotel did not listen on 127.0.0.1:{port}; its log: {}",
                    std::fs::read_to_string(self.dir.join("rotel.log")).unwrap_or_default()
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }
}

impl Drop for Rotel {
    fn drop(&mut self) {
        // Stopped by its own process id, never by name.
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

/// An OTLP attribute value with its type, as the capture crate types it.
fn typed(v: &Option<AnyValue>) -> telemetry_testing::AttrValue {
    use telemetry_testing::AttrValue;
    match v.as_ref().and_then(|v| v.value.as_ref()) {
        Some(any_value::Value::StringValue(s)) => AttrValue::Str(s.clone()),
        Some(any_value::Value::IntValue(i)) => AttrValue::I64(*i),
        Some(any_value::Value::DoubleValue(d)) => AttrValue::F64(*d),
        Some(any_value::Value::BoolValue(b)) => AttrValue::Bool(*b),
        Some(other) => AttrValue::Other(format!("{other:?}")),
        None => AttrValue::Other(String::new()),
    }
}

fn typed_map(kvs: &[KeyValue]) -> BTreeMap<String, telemetry_testing::AttrValue> {
    kvs.iter()
        .map(|kv| (kv.key.clone(), typed(&kv.value)))
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// What [`Receiver::captured`] read: the records in the capture crate's form, and how
/// many OTLP items of each kind they came from.
pub(crate) struct ReceivedSignals {
    pub captured: telemetry_testing::Captured,
    pub spans: usize,
    pub span_events: usize,
    pub log_records: usize,
    pub data_points: usize,
    /// Attributes read on spans, span events, log records and data points.
    pub attributes: usize,
}

impl Receiver {
    /// Everything received, typed, in the capture crate's form, so its conformance check
    /// and coverage apply to what crossed the wire: attribute values keep their OTLP type,
    /// a log record's name is its `event_name`, each data point is one metric record whose
    /// `label_types` are the types its attributes arrived with. (OTLP carries a histogram's
    /// count and sum, not its samples: the record holds `count` copies of the mean.)
    pub(crate) fn captured(&self) -> ReceivedSignals {
        use opentelemetry_proto::tonic::metrics::v1::metric::Data;
        use telemetry_core::catalog::InstrumentKind;
        use telemetry_testing::{
            Captured, LogRecord, MetricRecord, MetricValue, SpanRecord, SpanStatus,
        };
        let handle = self.handle.as_ref().expect("receiver running");
        self.runtime.block_on(handle.with_collector(|c| {
            let mut out = ReceivedSignals {
                captured: Captured::default(),
                spans: 0,
                span_events: 0,
                log_records: 0,
                data_points: 0,
                attributes: 0,
            };
            for s in c.spans() {
                let span = s.span();
                out.spans += 1;
                out.span_events += span.events.len();
                out.attributes += span.attributes.len()
                    + span
                        .events
                        .iter()
                        .map(|e| e.attributes.len())
                        .sum::<usize>();
                let status = match span.status.as_ref().map(|st| (st.code, &st.message)) {
                    Some((1, _)) => SpanStatus::Ok,
                    Some((2, message)) => SpanStatus::Error(message.clone()),
                    _ => SpanStatus::Unset,
                };
                out.captured.spans.push(SpanRecord {
                    name: span.name.clone(),
                    trace_id: hex(&span.trace_id),
                    span_id: hex(&span.span_id),
                    parent_span_id: (!span.parent_span_id.is_empty())
                        .then(|| hex(&span.parent_span_id)),
                    attributes: typed_map(&span.attributes),
                    status,
                    events: span
                        .events
                        .iter()
                        .map(|e| (e.name.clone(), typed_map(&e.attributes)))
                        .collect(),
                });
            }
            for l in c.logs() {
                let r = l.log_record();
                out.log_records += 1;
                out.attributes += r.attributes.len();
                let level = match r.severity_number {
                    n if n >= 17 => tracing::Level::ERROR,
                    n if n >= 13 => tracing::Level::WARN,
                    n if n >= 9 => tracing::Level::INFO,
                    n if n >= 5 => tracing::Level::DEBUG,
                    _ => tracing::Level::TRACE,
                };
                let valid =
                    |id: &[u8]| (!id.is_empty() && id.iter().any(|b| *b != 0)).then(|| hex(id));
                out.captured.logs.push(LogRecord {
                    name: r.event_name.clone(),
                    level,
                    // OTLP carries the target as the scope name, which the receiver does not
                    // keep; the live test holds every received record to a declared name.
                    target: String::new(),
                    message: text(&r.body),
                    fields: typed_map(&r.attributes),
                    trace_id: valid(&r.trace_id),
                    span_id: valid(&r.span_id),
                });
            }
            for m in c.metrics() {
                let metric = m.metric();
                let unit: Option<&'static str> =
                    Some(Box::leak(metric.unit.clone().into_boxed_str()));
                let mut push = |kind, attributes: &[KeyValue], value: MetricValue| {
                    out.data_points += 1;
                    out.attributes += attributes.len();
                    // A counter still at 0 or a histogram without a sample was registered,
                    // never updated: the in-process capture keeps such series apart
                    // (`untouched`), so coverage does not count them as seen.
                    let touched = match &value {
                        MetricValue::Counter(n) => *n > 0,
                        MetricValue::Histogram(samples) => !samples.is_empty(),
                        _ => true,
                    };
                    let record = MetricRecord {
                        name: metric.name.clone(),
                        kind,
                        labels: map(attributes),
                        label_types: typed_map(attributes)
                            .into_iter()
                            .map(|(k, v)| (k, v.wire_name()))
                            .collect(),
                        value,
                        unit,
                        touched,
                    };
                    if touched {
                        out.captured.metrics.push(record);
                    } else {
                        out.captured.untouched.push(record);
                    }
                };
                // A histogram point as `count` samples at its mean (the catalog check reads
                // the count and the kind, not the shape).
                let histogram = |sum: Option<f64>, count: u64| {
                    let mean = sum.unwrap_or(0.0) / (count.max(1) as f64);
                    MetricValue::Histogram(vec![mean; count as usize])
                };
                match &metric.data {
                    Some(Data::Sum(s)) => {
                        for p in &s.data_points {
                            let total = number(&p.value).max(0.0) as u64;
                            push(
                                InstrumentKind::Counter,
                                &p.attributes,
                                MetricValue::Counter(total),
                            );
                        }
                    }
                    Some(Data::Gauge(g)) => {
                        for p in &g.data_points {
                            push(
                                InstrumentKind::Gauge,
                                &p.attributes,
                                MetricValue::Gauge(number(&p.value)),
                            );
                        }
                    }
                    Some(Data::Histogram(h)) => {
                        for p in &h.data_points {
                            push(
                                InstrumentKind::Histogram,
                                &p.attributes,
                                histogram(p.sum, p.count),
                            );
                        }
                    }
                    Some(Data::ExponentialHistogram(h)) => {
                        for p in &h.data_points {
                            push(
                                InstrumentKind::Histogram,
                                &p.attributes,
                                histogram(p.sum, p.count),
                            );
                        }
                    }
                    other => panic!(
                        "metric {} arrived as {other:?}, which the catalog has no kind for",
                        metric.name
                    ),
                }
            }
            out
        }))
    }
}
