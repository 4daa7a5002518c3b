//! A real collector in the path: the `rotel` OTLP collector (installed by
//! scripts/install-test-deps.sh) receives our OTLP over gRPC or HTTP on loopback ports the
//! test picks and forwards it with its own OTLP exporter to an in-process receiver; the
//! test asserts all three signals arrive intact and stops rotel by its process id.

mod support;

use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};
use support::{free_port, is_child, run_child, Receiver};

fn rotel_binary() -> String {
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
struct Rotel {
    child: Child,
    grpc_port: u16,
    http_port: u16,
    dir: std::path::PathBuf,
}

impl Rotel {
    fn start(forward_to: &Receiver) -> Self {
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

fn child() {
    let guard = telemetry_core::init("collector-hop").expect("init");
    metrics::describe_histogram!(
        "dataface.render.duration",
        metrics::Unit::Seconds,
        "Time to render one dashboard."
    );
    {
        let _span = tracing::info_span!(
            "dataface.render",
            dataface.render.format = "png",
            dataface.rows = 7_i64
        )
        .entered();
        tracing::warn!(dataface.render.format = "png", "render was slow");
        metrics::counter!("dataface.render.outcomes", "format" => "png", "outcome" => "success")
            .increment(2);
        metrics::histogram!("dataface.render.duration", "format" => "png").record(1.5);
    }
    guard.shutdown(Duration::from_secs(10)).expect("shutdown");
}

fn hop(name: &str, grpc: bool) {
    if is_child(name) {
        return child();
    }
    let rx = Receiver::start(true);
    let rotel = Rotel::start(&rx);
    let (port, protocol) = if grpc {
        (rotel.grpc_port, "grpc")
    } else {
        (rotel.http_port, "http/protobuf")
    };
    run_child(
        name,
        &[
            (
                "OTEL_EXPORTER_OTLP_ENDPOINT",
                format!("http://127.0.0.1:{port}"),
            ),
            ("OTEL_EXPORTER_OTLP_PROTOCOL", protocol.into()),
            ("DATAFACE_RELEASE", "3.1.4".into()),
        ],
    );
    let got = rx.wait(Duration::from_secs(20), |r| {
        r.spans.iter().any(|s| s.name == "dataface.render")
            && !r.logs.is_empty()
            && r.points
                .iter()
                .any(|p| p.metric == "dataface.render.duration")
            && r.points
                .iter()
                .any(|p| p.metric == "dataface.render.outcomes")
    });
    drop(rotel);

    let span = got.span("dataface.render");
    assert_eq!(span.attributes["dataface.render.format"], "png");
    assert_eq!(span.attributes["dataface.rows"], "7");
    assert_eq!(span.resource["service.name"], "collector-hop");
    assert_eq!(span.resource["service.version"], "3.1.4");
    let log = got.log("render was slow");
    assert_eq!(log.severity_text, "WARN");
    assert_eq!(
        (&log.trace_id, &log.span_id),
        (&span.trace_id, &span.span_id)
    );
    assert_eq!(log.resource["service.name"], "collector-hop");
    let counter = got.point(
        "dataface.render.outcomes",
        &[("format", "png"), ("outcome", "success")],
    );
    assert_eq!((counter.kind, counter.value), ("sum", 2.0));
    let hist = got.point("dataface.render.duration", &[("format", "png")]);
    assert_eq!(
        (hist.kind, hist.count, hist.unit.as_str()),
        ("histogram", 1, "s")
    );
    assert_eq!(hist.value, 1.5);
    assert_eq!(hist.resource["service.version"], "3.1.4");
}

#[test]
fn all_signals_cross_a_real_collector_over_grpc() {
    hop("all_signals_cross_a_real_collector_over_grpc", true);
}

#[test]
fn all_signals_cross_a_real_collector_over_http() {
    hop("all_signals_cross_a_real_collector_over_http", false);
}
