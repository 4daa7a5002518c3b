//! The Prometheus scrape endpoint.
//!
//! metrics-exporter-prometheus renders the text format; the endpoint itself is a small
//! HTTP/1.1 responder on a thread of its own. It needs no async runtime, binds before
//! `init` returns (so a bad address is an init error, not a lost endpoint), reports the
//! address it bound (port 0 picks a free one), and stops at shutdown.

use super::metric_layers::{PrometheusNames, Specs};
use super::InitError;
use crate::catalog::InstrumentKind;
use metrics_exporter_prometheus::{
    Matcher, PrometheusBuilder, PrometheusHandle, PrometheusRecorder,
};
use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// Histogram buckets applied to every histogram on the scrape; the OpenTelemetry SDK's
/// default explicit boundaries, so both paths bucket alike.
pub(crate) const DEFAULT_BUCKETS: &[f64] = &[
    0.0, 5.0, 10.0, 25.0, 50.0, 75.0, 100.0, 250.0, 500.0, 750.0, 1000.0, 2500.0, 5000.0, 7500.0,
    10000.0,
];

/// The running endpoint.
#[derive(Debug)]
pub(crate) struct ScrapeEndpoint {
    pub(crate) addr: SocketAddr,
    pub(crate) handle: PrometheusHandle,
    stop: Arc<AtomicBool>,
    threads: Vec<JoinHandle<()>>,
}

/// Builds the recorder (catalog buckets per histogram, derived names) and starts serving
/// `GET /metrics` on `addr`.
pub(crate) fn start(
    addr: SocketAddr,
    specs: &Specs,
) -> Result<(PrometheusNames<PrometheusRecorder>, ScrapeEndpoint), InitError> {
    let build_error = |e: metrics_exporter_prometheus::BuildError| InitError::Prometheus {
        addr,
        reason: e.to_string(),
    };
    let mut builder = PrometheusBuilder::new()
        .set_buckets(DEFAULT_BUCKETS)
        .map_err(build_error)?;
    for spec in specs.iter().filter(|m| m.kind == InstrumentKind::Histogram) {
        builder = builder
            .set_buckets_for_metric(Matcher::Full(spec.prometheus_name()), spec.buckets)
            .map_err(build_error)?;
    }
    let recorder = builder.build_recorder();
    let handle = recorder.handle();
    let listener = TcpListener::bind(addr).map_err(|e| InitError::Prometheus {
        addr,
        reason: format!("cannot listen: {e}"),
    })?;
    let bound = listener.local_addr().map_err(|e| InitError::Prometheus {
        addr,
        reason: e.to_string(),
    })?;
    let stop = Arc::new(AtomicBool::new(false));

    let serve = {
        let handle = handle.clone();
        let stop = stop.clone();
        std::thread::Builder::new()
            .name("dataface-telemetry-scrape".into())
            .spawn(move || {
                for conn in listener.incoming() {
                    if stop.load(Ordering::Acquire) {
                        break;
                    }
                    if let Ok(stream) = conn {
                        respond(stream, &handle);
                    }
                }
            })
            .map_err(|e| InitError::Prometheus {
                addr,
                reason: format!("cannot start the scrape thread: {e}"),
            })?
    };
    // Histogram samples are folded into buckets by upkeep; without it they pile up
    // between scrapes.
    let upkeep = {
        let handle = handle.clone();
        let stop = stop.clone();
        std::thread::Builder::new()
            .name("dataface-telemetry-upkeep".into())
            .spawn(move || {
                while !stop.load(Ordering::Acquire) {
                    std::thread::park_timeout(Duration::from_secs(5));
                    handle.run_upkeep();
                }
            })
            .map_err(|e| InitError::Prometheus {
                addr,
                reason: format!("cannot start the upkeep thread: {e}"),
            })?
    };
    Ok((
        PrometheusNames::new(recorder, specs),
        ScrapeEndpoint {
            addr: bound,
            handle,
            stop,
            threads: vec![serve, upkeep],
        },
    ))
}

impl ScrapeEndpoint {
    /// Stops both threads; returns at once.
    pub(crate) fn stop(&mut self) {
        self.stop.store(true, Ordering::Release);
        // Wake the accept loop with one connection of our own.
        let _ = TcpStream::connect_timeout(&self.addr, Duration::from_millis(200));
        for t in self.threads.drain(..) {
            t.thread().unpark();
            // Not joined: shutdown must not wait on a scrape in progress.
        }
    }
}

fn respond(mut stream: TcpStream, handle: &PrometheusHandle) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(2)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(5)));
    let mut buf = [0u8; 4096];
    let mut len = 0;
    // Read the request head (bounded): only the request line matters.
    while len < buf.len() {
        match stream.read(&mut buf[len..]) {
            Ok(0) => break,
            Ok(n) => {
                len += n;
                if buf[..len].windows(4).any(|w| w == b"\r\n\r\n") {
                    break;
                }
            }
            Err(_) => return,
        }
    }
    let head = String::from_utf8_lossy(&buf[..len]);
    let mut parts = head.split_whitespace();
    let (method, path) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let path = path.split('?').next().unwrap_or("");
    let (status, content_type, body) = match (method, path) {
        ("GET", "/metrics") | ("GET", "/") => (
            "200 OK",
            "text/plain; version=0.0.4; charset=utf-8",
            handle.render(),
        ),
        ("GET", _) => (
            "404 Not Found",
            "text/plain; charset=utf-8",
            "not found: the scrape endpoint is /metrics\n".to_owned(),
        ),
        _ => (
            "405 Method Not Allowed",
            "text/plain; charset=utf-8",
            "only GET is served\n".to_owned(),
        ),
    };
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
}
