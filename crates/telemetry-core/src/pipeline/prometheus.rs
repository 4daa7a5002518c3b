//! The Prometheus scrape part: the recorder and the endpoint that serves it.
//!
//! metrics-exporter-prometheus renders the text format (the histograms kept in `shared`
//! are appended by a hook); a scrape whose `Accept` header asks for the delimited protobuf
//! exposition (Prometheus with native histograms on) gets it, rendered by `shared`. `tiny_http`
//! serves both. The
//! endpoint binds before `init` returns (so a bad address is an init error, not a lost
//! endpoint), reports the address it bound (port 0 picks a free one), and stops at
//! shutdown, releasing the port. tiny_http reads each connection's request on a thread of
//! its own and hands complete requests to a fixed pool of [`WORKERS`] threads that render
//! and answer: a client that connects and sends nothing, or half a request, never holds a
//! worker, so it delays no scrape. (Such a client keeps its own tiny_http connection thread
//! until it goes away: tiny_http sets no read timeout. A client that asks and then never
//! reads holds a worker only while its answer does not fit the socket's send buffer.)

use super::metric_layers::{PrometheusNames, Specs};
use super::InitError;
use crate::catalog::InstrumentKind;
use crate::config::Signal;
use metrics_exporter_prometheus::{
    Matcher, PrometheusBuilder, PrometheusHandle, PrometheusRecorder,
};
use std::net::{SocketAddr, TcpListener};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// Histogram buckets applied to every histogram on the scrape; the OpenTelemetry SDK's
/// default explicit boundaries, so both paths bucket alike.
pub(crate) const DEFAULT_BUCKETS: &[f64] = &[
    0.0, 5.0, 10.0, 25.0, 50.0, 75.0, 100.0, 250.0, 500.0, 750.0, 1000.0, 2500.0, 5000.0, 7500.0,
    10000.0,
];

/// Threads that answer complete requests. Scrapes are rare and short; two let one slow
/// reader of a response not hold the next scrape.
const WORKERS: usize = 2;

/// How often an idle worker looks at the stop flag (shutdown also wakes it at once).
const IDLE_POLL: Duration = Duration::from_millis(500);

/// How often histogram samples are folded into buckets.
const UPKEEP_INTERVAL: Duration = Duration::from_secs(5);

/// Work to do right before each render: brings the series the Prometheus recorder only
/// mirrors (counters and gauges kept in `shared`) up to date.
type BeforeRender = Arc<dyn Fn() + Send + Sync>;

/// Appends what the Prometheus recorder does not hold to a rendered scrape: the
/// histograms kept in `shared`.
type AfterRender = Arc<dyn Fn(&mut String) + Send + Sync>;

/// Renders the whole scrape in the delimited protobuf exposition.
type ProtobufRender = Arc<dyn Fn() -> Vec<u8> + Send + Sync>;

/// What the endpoint calls to render a scrape, set once the recorder is built.
pub(crate) struct RenderHooks {
    /// Run right before each text render.
    pub(crate) before: BeforeRender,
    /// Run on each rendered text.
    pub(crate) after: AfterRender,
    /// Renders a protobuf scrape.
    pub(crate) protobuf: ProtobufRender,
}

/// Renders the scrape with the hooks set by [`ScrapeEndpoint::render_hooks`].
#[derive(Clone)]
struct Renderer {
    handle: PrometheusHandle,
    hooks: Arc<OnceLock<RenderHooks>>,
}

impl Renderer {
    fn render(&self) -> String {
        let hooks = self.hooks.get();
        if let Some(hooks) = hooks {
            (hooks.before)();
        }
        let mut text = self.handle.render();
        if let Some(hooks) = hooks {
            (hooks.after)(&mut text);
        }
        text
    }

    /// The protobuf exposition, once the recorder is built.
    fn render_protobuf(&self) -> Option<Vec<u8>> {
        self.hooks.get().map(|hooks| (hooks.protobuf)())
    }
}

/// The running endpoint. Dropped, it stops (see [`ScrapeEndpoint::stop`]).
pub(crate) struct ScrapeEndpoint {
    addr: SocketAddr,
    renderer: Renderer,
    stop: Arc<AtomicBool>,
    server: Option<Arc<tiny_http::Server>>,
    threads: Vec<std::thread::JoinHandle<()>>,
}

/// Builds the recorder (catalog buckets per histogram, derived names) and starts serving
/// `GET /metrics` on `addr`.
pub(crate) fn start(
    addr: SocketAddr,
    specs: &Specs,
) -> Result<(PrometheusNames<PrometheusRecorder>, ScrapeEndpoint), InitError> {
    let build_error = |e: metrics_exporter_prometheus::BuildError| InitError::Exporter {
        signal: Signal::Metrics,
        reason: format!("the Prometheus recorder rejected the catalog's buckets: {e}"),
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

    let listen_error = |source| InitError::Prometheus { addr, source };
    let listener = TcpListener::bind(addr).map_err(listen_error)?;
    let bound = listener.local_addr().map_err(listen_error)?;
    let server = tiny_http::Server::from_listener(listener, None)
        .map_err(|e| listen_error(std::io::Error::other(e)))?;
    // From here the endpoint owns the server: an early return stops what started.
    let renderer = Renderer {
        handle: handle.clone(),
        hooks: Arc::default(),
    };
    let mut endpoint = ScrapeEndpoint {
        addr: bound,
        renderer: renderer.clone(),
        stop: Arc::new(AtomicBool::new(false)),
        server: Some(Arc::new(server)),
        threads: Vec::with_capacity(WORKERS + 1),
    };
    for i in 0..WORKERS {
        let server = endpoint.server.clone();
        let (renderer, stop) = (renderer.clone(), endpoint.stop.clone());
        let worker = std::thread::Builder::new()
            .name(format!("dataface-telemetry-scrape-{i}"))
            .spawn(move || {
                if let Some(server) = server {
                    serve(&server, &renderer, &stop);
                }
            })
            .map_err(listen_error)?;
        endpoint.threads.push(worker);
    }
    // Histogram samples are folded into buckets by upkeep; without it they pile up
    // between scrapes.
    let upkeep = {
        let (handle, stop) = (handle.clone(), endpoint.stop.clone());
        std::thread::Builder::new()
            .name("dataface-telemetry-upkeep".into())
            .spawn(move || {
                while !stop.load(Ordering::Acquire) {
                    std::thread::park_timeout(UPKEEP_INTERVAL);
                    handle.run_upkeep();
                }
            })
            .map_err(listen_error)?
    };
    endpoint.threads.push(upkeep);
    Ok((PrometheusNames::new(recorder, specs), endpoint))
}

impl std::fmt::Debug for ScrapeEndpoint {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ScrapeEndpoint")
            .field("addr", &self.addr)
            .field("serving", &self.server.is_some())
            .finish_non_exhaustive()
    }
}

impl ScrapeEndpoint {
    /// The address the endpoint listens on.
    pub(crate) fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The text a scrape would get now.
    pub(crate) fn render(&self) -> String {
        self.renderer.render()
    }

    /// Sets what renders a scrape (once; later calls are ignored).
    pub(crate) fn render_hooks(&self, hooks: RenderHooks) {
        let _ = self.renderer.hooks.set(hooks);
    }

    /// Stops serving and releases the port; returns at once. A response being written
    /// finishes on its worker, which then exits; the listener closes when the last worker
    /// has let go of the server.
    pub(crate) fn stop(&mut self) {
        self.stop.store(true, Ordering::Release);
        if let Some(server) = self.server.take() {
            for _ in 0..WORKERS {
                server.unblock();
            }
        }
        for t in self.threads.drain(..) {
            t.thread().unpark();
            // Not joined: shutdown must not wait on a scrape in progress.
        }
    }
}

impl Drop for ScrapeEndpoint {
    fn drop(&mut self) {
        self.stop();
    }
}

/// One worker: answers complete requests until the endpoint stops.
fn serve(server: &tiny_http::Server, renderer: &Renderer, stop: &AtomicBool) {
    while !stop.load(Ordering::Acquire) {
        match server.recv_timeout(IDLE_POLL) {
            Ok(Some(request)) if !stop.load(Ordering::Acquire) => respond(request, renderer),
            // Stopping, woken to stop, or idle.
            Ok(_) => {}
            // The listener failed: nothing more will arrive.
            Err(_) => return,
        }
    }
}

fn respond(request: tiny_http::Request, renderer: &Renderer) {
    let path = request.url().split('?').next().unwrap_or("");
    let protobuf = request
        .headers()
        .iter()
        .filter(|h| h.field.equiv("Accept"))
        .any(|h| super::protobuf::accepted(h.value.as_str()));
    let (status, content_type, body) = match (request.method(), path) {
        (tiny_http::Method::Get, "/metrics" | "/") => {
            match protobuf.then(|| renderer.render_protobuf()).flatten() {
                Some(body) => (200, super::protobuf::CONTENT_TYPE, body),
                None => (
                    200,
                    "text/plain; version=0.0.4; charset=utf-8",
                    renderer.render().into_bytes(),
                ),
            }
        }
        (tiny_http::Method::Get, _) => (
            404,
            "text/plain; charset=utf-8",
            b"not found: the scrape endpoint is /metrics\n".to_vec(),
        ),
        _ => (
            405,
            "text/plain; charset=utf-8",
            b"only GET is served\n".to_vec(),
        ),
    };
    let headers = tiny_http::Header::from_bytes("Content-Type", content_type)
        .into_iter()
        .collect();
    let length = body.len();
    let response = tiny_http::Response::new(
        tiny_http::StatusCode(status),
        headers,
        std::io::Cursor::new(body),
        Some(length),
        None,
    );
    // A client that went away is not an error of ours.
    let _ = request.respond(response);
}
