//! Promise: the exporters retry what the OTLP specification calls retryable, honour a
//! collector's requested delay up to the export timeout, never retry the rest, and count
//! every outcome. A scripted collector answers each request with the status its script
//! says: over HTTP (tiny_http) 429/502/503/504 with and without `Retry-After`, 400, and a
//! `partial_success`; over gRPC (h2, with tonic-types' RetryInfo) UNAVAILABLE and
//! RESOURCE_EXHAUSTED with and without RetryInfo. Each case runs in a process of its own
//! (one span, then shutdown); figures: requests seen, the gap before the retry, how long
//! the export took, and the counts.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// The OTLP request timeout every case runs with: it bounds a collector's requested delay.
const TIMEOUT: Duration = Duration::from_secs(3);

#[derive(Clone, Copy, Debug)]
enum Answer {
    Http(u16, Option<&'static str>),
    /// 200 with a `partial_success` rejecting one item.
    HttpPartial,
    Grpc(tonic::Code, Option<Duration>),
}

struct Case {
    name: &'static str,
    script: &'static [Answer],
    requests: usize,
    /// The retry came at least this long after the first request.
    min_gap: Option<Duration>,
    exported: u64,
    export_error: u64,
    rejected: u64,
}

const fn case(
    name: &'static str,
    script: &'static [Answer],
    requests: usize,
    min_gap: Option<Duration>,
    (exported, export_error, rejected): (u64, u64, u64),
) -> Case {
    Case {
        name,
        script,
        requests,
        min_gap,
        exported,
        export_error,
        rejected,
    }
}

use tonic::Code::{ResourceExhausted, Unavailable};
use Answer::{Grpc, Http, HttpPartial};
const OK: Answer = Http(200, None);
const GRPC_OK: Answer = Grpc(tonic::Code::Ok, None);
const SECOND: Option<Duration> = Some(Duration::from_secs(1));
const HOUR: Option<Duration> = Some(Duration::from_secs(3600));

const CASES: &[Case] = &[
    case(
        "HTTP 429, then 200",
        &[Http(429, None), OK],
        2,
        None,
        (1, 0, 0),
    ),
    case(
        "HTTP 502, then 200",
        &[Http(502, None), OK],
        2,
        None,
        (1, 0, 0),
    ),
    case(
        "HTTP 503, then 200",
        &[Http(503, None), OK],
        2,
        None,
        (1, 0, 0),
    ),
    case(
        "HTTP 504, then 200",
        &[Http(504, None), OK],
        2,
        None,
        (1, 0, 0),
    ),
    case(
        "HTTP 429 Retry-After: 1, then 200",
        &[Http(429, Some("1")), OK],
        2,
        SECOND,
        (1, 0, 0),
    ),
    case(
        "HTTP 503 Retry-After: 1, then 200",
        &[Http(503, Some("1")), OK],
        2,
        SECOND,
        (1, 0, 0),
    ),
    case(
        "HTTP 503 Retry-After: 3600 (capped by the timeout)",
        &[Http(503, Some("3600")), OK],
        1,
        None,
        (0, 1, 0),
    ),
    case(
        "HTTP 503 on every request (retries bounded)",
        &[Http(503, None)],
        4,
        None,
        (0, 1, 0),
    ),
    case(
        "HTTP 400 (never retried)",
        &[Http(400, None), OK],
        1,
        None,
        (0, 1, 0),
    ),
    case(
        "HTTP partial_success (never retried)",
        &[HttpPartial, OK],
        1,
        None,
        (0, 0, 1),
    ),
    case(
        "gRPC UNAVAILABLE, then OK",
        &[Grpc(Unavailable, None), GRPC_OK],
        2,
        None,
        (1, 0, 0),
    ),
    case(
        "gRPC UNAVAILABLE RetryInfo 1 s, then OK",
        &[Grpc(Unavailable, SECOND), GRPC_OK],
        2,
        SECOND,
        (1, 0, 0),
    ),
    case(
        "gRPC RESOURCE_EXHAUSTED without RetryInfo (never retried)",
        &[Grpc(ResourceExhausted, None), GRPC_OK],
        1,
        None,
        (0, 1, 0),
    ),
    case(
        "gRPC RESOURCE_EXHAUSTED RetryInfo 1 s, then OK",
        &[Grpc(ResourceExhausted, SECOND), GRPC_OK],
        2,
        SECOND,
        (1, 0, 0),
    ),
    case(
        "gRPC RESOURCE_EXHAUSTED RetryInfo 3600 s (capped by the timeout)",
        &[Grpc(ResourceExhausted, HOUR), GRPC_OK],
        1,
        None,
        (0, 1, 0),
    ),
];

type Seen = Arc<Mutex<Vec<Instant>>>;

/// `ExportTraceServiceResponse { partial_success: { rejected_spans: 1, error_message } }`.
fn partial_success() -> Vec<u8> {
    let message = b"one span refused";
    let mut inner = vec![0x08, 1, 0x12, message.len() as u8];
    inner.extend_from_slice(message);
    let mut out = vec![0x0A, inner.len() as u8];
    out.extend(inner);
    out
}

/// An OTLP/HTTP collector answering the n-th request with `script[n]` (the last repeats).
fn http_collector(script: &'static [Answer], seen: Seen) -> u16 {
    let server = tiny_http::Server::http("127.0.0.1:0").expect("bind the scripted collector");
    let port = server.server_addr().to_ip().expect("an IP address").port();
    std::thread::spawn(move || {
        for mut request in server.incoming_requests() {
            let mut body = Vec::new();
            let _ = std::io::Read::read_to_end(request.as_reader(), &mut body);
            let n = {
                let mut seen = seen.lock().unwrap();
                seen.push(Instant::now());
                seen.len() - 1
            };
            let header = |h: &str| h.parse::<tiny_http::Header>().expect("a valid header");
            let answer = match script[n.min(script.len() - 1)] {
                Http(status, retry_after) => {
                    let mut r = tiny_http::Response::from_data(Vec::new())
                        .with_status_code(status)
                        .with_header(header("Content-Type: application/x-protobuf"));
                    if let Some(after) = retry_after {
                        r = r.with_header(header(&format!("Retry-After: {after}")));
                    }
                    r
                }
                HttpPartial => tiny_http::Response::from_data(partial_success())
                    .with_header(header("Content-Type: application/x-protobuf")),
                Grpc(..) => unreachable!("an HTTP script holds HTTP answers"),
            };
            let _ = request.respond(answer);
        }
    });
    port
}

/// An OTLP/gRPC collector on `runtime` answering the n-th request with `script[n]`.
fn grpc_collector(runtime: &tokio::runtime::Runtime, script: &'static [Answer], seen: Seen) -> u16 {
    let listener = runtime
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .expect("bind the scripted collector");
    let port = listener.local_addr().expect("local address").port();
    runtime.spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let seen = seen.clone();
            tokio::spawn(async move {
                let Ok(mut connection) = h2::server::handshake(socket).await else {
                    return;
                };
                // The connection is driven here; each request is answered by a task.
                while let Some(Ok((request, respond))) = connection.accept().await {
                    tokio::spawn(answer_grpc(request, respond, script, seen.clone()));
                }
            });
        }
    });
    port
}

async fn answer_grpc(
    request: http::Request<h2::RecvStream>,
    mut respond: h2::server::SendResponse<bytes::Bytes>,
    script: &'static [Answer],
    seen: Seen,
) {
    use tonic_types::{ErrorDetails, StatusExt as _};
    let mut body = request.into_body();
    while let Some(Ok(chunk)) = body.data().await {
        let _ = body.flow_control().release_capacity(chunk.len());
    }
    let n = {
        let mut seen = seen.lock().unwrap();
        seen.push(Instant::now());
        seen.len() - 1
    };
    let Grpc(code, retry) = script[n.min(script.len() - 1)] else {
        unreachable!("a gRPC script holds gRPC answers")
    };
    let head = || {
        http::Response::builder()
            .status(200)
            .header("content-type", "application/grpc")
            .body(())
            .expect("a valid response head")
    };
    if code == tonic::Code::Ok {
        let Ok(mut stream) = respond.send_response(head(), false) else {
            return;
        };
        // An empty ExportTraceServiceResponse, then grpc-status 0.
        let _ = stream.send_data(bytes::Bytes::from_static(&[0, 0, 0, 0, 0]), false);
        let mut trailers = http::HeaderMap::new();
        trailers.insert("grpc-status", http::HeaderValue::from_static("0"));
        let _ = stream.send_trailers(trailers);
        return;
    }
    let status = match retry {
        Some(delay) => tonic::Status::with_error_details(
            code,
            "scripted",
            ErrorDetails::with_retry_info(Some(delay)),
        ),
        None => tonic::Status::new(code, "scripted"),
    };
    let mut response = head();
    status
        .add_header(response.headers_mut())
        .expect("the status fits a header");
    // Trailers-only: the status in the head, nothing after.
    let _ = respond.send_response(response, true);
}

fn child() {
    let guard = telemetry_core::init("stress-retries").expect("init");
    let stats = guard.stats_handle();
    drop(tracing::info_span!("stress.retried").entered());
    let start = Instant::now();
    let _ = guard.shutdown(Duration::from_secs(20));
    let t = stats.snapshot().traces;
    println!("figure took_ms {}", start.elapsed().as_millis());
    println!("figure exported {}", t.exported);
    println!("figure export_error {}", t.dropped_export_error);
    println!("figure rejected {}", t.dropped_rejected);
    println!("figure dropped {}", t.dropped());
}

fn main() {
    if stress::child_mode().is_some() {
        return child();
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("the scripted collector's runtime");
    println!("| case | requests | gap before the retry | export took | exported / export_error / rejected |");
    println!("|---|---|---|---|---|");
    let mut failures = Vec::new();
    for c in CASES {
        let seen = Seen::default();
        let grpc = matches!(c.script[0], Grpc(..));
        let (port, endpoint) = if grpc {
            let port = grpc_collector(&runtime, c.script, seen.clone());
            (port, format!("http://127.0.0.1:{port}"))
        } else {
            let port = http_collector(c.script, seen.clone());
            (port, format!("http://127.0.0.1:{port}/v1/traces"))
        };
        let _ = port;
        let out = stress::run_child(
            c.name,
            &[
                ("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", endpoint),
                (
                    "OTEL_EXPORTER_OTLP_PROTOCOL",
                    if grpc { "grpc" } else { "http/protobuf" }.into(),
                ),
                (
                    "OTEL_EXPORTER_OTLP_TIMEOUT",
                    TIMEOUT.as_millis().to_string(),
                ),
                ("OTEL_METRICS_EXPORTER", "none".into()),
                ("OTEL_LOGS_EXPORTER", "none".into()),
                ("DATAFACE_LOG_STDERR", "false".into()),
            ],
        );
        let seen = seen.lock().unwrap().clone();
        let gap = (seen.len() > 1).then(|| seen[1] - seen[0]);
        let took = Duration::from_millis(stress::figure(&out, "took_ms") as u64);
        let counts =
            ["exported", "export_error", "rejected"].map(|k| stress::figure(&out, k) as u64);
        println!(
            "| {} | {} | {} | {took:?} | {} / {} / {} |",
            c.name,
            seen.len(),
            gap.map_or("-".into(), |g| format!("{g:?}")),
            counts[0],
            counts[1],
            counts[2]
        );
        let mut wrong = Vec::new();
        if seen.len() != c.requests {
            wrong.push(format!("{} requests, expected {}", seen.len(), c.requests));
        }
        if let (Some(min), Some(gap)) = (c.min_gap, gap) {
            if gap < min {
                wrong.push(format!(
                    "retried after {gap:?}, before the requested {min:?}"
                ));
            }
        }
        if counts != [c.exported, c.export_error, c.rejected] {
            wrong.push(format!(
                "counts {counts:?}, expected {:?}",
                [c.exported, c.export_error, c.rejected]
            ));
        }
        if took > TIMEOUT + Duration::from_secs(2) {
            wrong.push(format!(
                "the export took {took:?}, over its {TIMEOUT:?} timeout"
            ));
        }
        if !wrong.is_empty() {
            failures.push(format!("{}: {}", c.name, wrong.join("; ")));
        }
    }
    assert!(
        failures.is_empty(),
        "retry promises broken:\n{}",
        failures.join("\n")
    );
}
