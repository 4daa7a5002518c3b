//! Shared by the stress binaries: the run length (short in CI, full behind `--full` or
//! `STRESS_FULL=1`), a collector that accepts connections and never answers, and the
//! environment a run starts from.

use std::net::TcpListener;

/// Whether this run is the full-length one (`--full` on the command line or `STRESS_FULL=1`).
pub fn full() -> bool {
    std::env::args().any(|a| a == "--full") || std::env::var("STRESS_FULL").as_deref() == Ok("1")
}

/// `short` in CI, `long` with [`full`].
pub fn length<T>(short: T, long: T) -> T {
    if full() {
        long
    } else {
        short
    }
}

/// A loopback collector that accepts connections and never answers (a black hole); its
/// port. Keep the listener alive for as long as the run needs the hole.
pub fn silent_collector() -> (TcpListener, u16) {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    let port = listener.local_addr().expect("local address").port();
    (listener, port)
}

/// Removes every `OTEL_*` and `DATAFACE_*` variable, so a run is configured only by what it
/// sets itself.
pub fn clean_env() {
    for (k, _) in std::env::vars_os() {
        let k = k.to_string_lossy().into_owned();
        if k.starts_with("OTEL_") || k.starts_with("DATAFACE_") {
            // Single-threaded at this point: no other thread reads the environment.
            std::env::remove_var(k);
        }
    }
}

/// Points the OTLP exporters at `127.0.0.1:port` with `protocol`.
pub fn otlp_to(port: u16, protocol: &str) {
    std::env::set_var(
        "OTEL_EXPORTER_OTLP_ENDPOINT",
        format!("http://127.0.0.1:{port}"),
    );
    std::env::set_var("OTEL_EXPORTER_OTLP_PROTOCOL", protocol);
}
