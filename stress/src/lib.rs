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

/// A loopback port that was free a moment ago.
pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .map(|a| a.port())
        .expect("bind an ephemeral loopback port")
}

/// The resident set size of this process, in bytes (Linux `/proc/self/statm`).
pub fn rss_bytes() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("read /proc/self/statm");
    let pages: u64 = statm
        .split_whitespace()
        .nth(1)
        .and_then(|v| v.parse().ok())
        .expect("statm's second field is the resident page count");
    pages * 4096
}

/// The `q`-quantile (0..=1) of `samples`, which it sorts.
pub fn quantile(samples: &mut [std::time::Duration], q: f64) -> std::time::Duration {
    if samples.is_empty() {
        return std::time::Duration::ZERO;
    }
    samples.sort_unstable();
    let i = ((samples.len() - 1) as f64 * q).round() as usize;
    samples[i]
}

/// Re-runs this binary as a child with `STRESS_CHILD=mode` and `env` added (every `OTEL_*`
/// and `DATAFACE_*` variable of this process removed first), passing `--full` on; returns
/// its stdout, which is also printed (but for its `figure` lines). Panics with the child's output if it fails.
pub fn run_child(mode: &str, env: &[(&str, String)]) -> String {
    run_child_with_stderr(mode, env).0
}

/// As [`run_child`]; returns the child's stdout and stderr.
pub fn run_child_with_stderr(mode: &str, env: &[(&str, String)]) -> (String, String) {
    let mut cmd = std::process::Command::new(std::env::current_exe().expect("own path"));
    cmd.args(std::env::args().skip(1)).env("STRESS_CHILD", mode);
    for (k, _) in std::env::vars_os() {
        let k = k.to_string_lossy().into_owned();
        if k.starts_with("OTEL_") || k.starts_with("DATAFACE_") {
            cmd.env_remove(k);
        }
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run the child");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    // The `figure` lines are for the parent; the rest is the child's report.
    for line in stdout.lines().filter(|l| !l.starts_with("figure ")) {
        println!("{line}");
    }
    assert!(
        out.status.success(),
        "child {mode} failed ({}):\n--- stderr\n{stderr}",
        out.status,
    );
    (stdout, stderr)
}

/// The value of the line `figure <key> <value>` a child printed.
pub fn figure(out: &str, key: &str) -> f64 {
    out.lines()
        .find_map(|l| l.strip_prefix(&format!("figure {key} ")))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or_else(|| panic!("no figure {key} in:\n{out}"))
}

/// The mode this process runs in when it is a child started by [`run_child`].
pub fn child_mode() -> Option<String> {
    std::env::var("STRESS_CHILD").ok()
}

/// A rotel collector on two loopback ports, exporting to its black-hole exporter (it
/// accepts and discards). Killed by its process id when dropped.
#[derive(Debug)]
pub struct Rotel {
    child: std::process::Child,
    /// The OTLP/gRPC port.
    pub grpc_port: u16,
    /// The OTLP/HTTP port.
    pub http_port: u16,
    dir: std::path::PathBuf,
}

impl Rotel {
    /// Starts rotel (`ROTEL_BIN`, else `rotel` on PATH: scripts/install-test-deps.sh) on
    /// `grpc_port` and a free HTTP port, and waits until both listen.
    pub fn start(grpc_port: u16) -> Self {
        let http_port = free_port();
        let bin = std::env::var("ROTEL_BIN").unwrap_or_else(|_| "rotel".into());
        let dir =
            std::env::temp_dir().join(format!("stress-rotel-{}-{grpc_port}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("rotel's directory");
        let child = std::process::Command::new(&bin)
            .arg("start")
            .args(["--otlp-grpc-endpoint", &format!("127.0.0.1:{grpc_port}")])
            .args(["--otlp-http-endpoint", &format!("127.0.0.1:{http_port}")])
            .args(["--exporter", "blackhole"])
            .arg("--pid-file")
            .arg(dir.join("rotel.pid"))
            .arg("--log-file")
            .arg(dir.join("rotel.log"))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap_or_else(|e| {
                panic!("start {bin}: {e} (run scripts/install-test-deps.sh or set ROTEL_BIN)")
            });
        let rotel = Self {
            child,
            grpc_port,
            http_port,
            dir,
        };
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
        for port in [grpc_port, http_port] {
            while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
                assert!(
                    std::time::Instant::now() < deadline,
                    "rotel did not listen on 127.0.0.1:{port}"
                );
                std::thread::sleep(std::time::Duration::from_millis(20));
            }
        }
        rotel
    }

    /// The endpoint for `protocol` (`grpc` or `http/protobuf`).
    pub fn endpoint(&self, protocol: &str) -> String {
        let port = if protocol == "grpc" {
            self.grpc_port
        } else {
            self.http_port
        };
        format!("http://127.0.0.1:{port}")
    }
}

impl Drop for Rotel {
    fn drop(&mut self) {
        // Stopped by its own process id, never by name.
        let _ = std::process::Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = std::time::Instant::now() + std::time::Duration::from_secs(5);
        while std::time::Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                let _ = std::fs::remove_dir_all(&self.dir);
                return;
            }
            std::thread::sleep(std::time::Duration::from_millis(20));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

/// What a [`sustained_load`] run did.
#[derive(Debug)]
pub struct Load {
    /// How long each operation took, in order.
    pub latencies: Vec<std::time::Duration>,
    /// How long the whole run took.
    pub elapsed: std::time::Duration,
    /// The resident set size sampled once a second, in bytes.
    pub rss: Vec<u64>,
}

impl Load {
    /// Operations per second achieved.
    pub fn rate(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64()
    }

    /// The `q`-quantile of the operation latencies.
    pub fn latency(&self, q: f64) -> std::time::Duration {
        quantile(&mut self.latencies.clone(), q)
    }
}

/// Host work at `rate` operations per second for `duration`: each operation enters a span
/// with an attribute, logs inside it, increments a counter and records a histogram value;
/// each is timed. Paced by the clock, so a slow operation is not made up for by skipping.
pub fn sustained_load(duration: std::time::Duration, rate: u32) -> Load {
    use std::time::{Duration, Instant};
    let period = Duration::from_secs(1) / rate;
    let total = (duration.as_secs_f64() * f64::from(rate)) as usize;
    let mut latencies = Vec::with_capacity(total);
    let mut rss = Vec::new();
    let start = Instant::now();
    let mut next_sample = start;
    for i in 0..total {
        let due = start + period * i as u32;
        let now = Instant::now();
        if due > now {
            std::thread::sleep(due - now);
        }
        if Instant::now() >= next_sample {
            rss.push(rss_bytes());
            next_sample += Duration::from_secs(1);
        }
        let t = Instant::now();
        {
            let _span = tracing::info_span!("stress.op", stress.op = i as u64).entered();
            tracing::info!(i, "an operation");
            metrics::counter!("stress.ops").increment(1);
            metrics::histogram!("stress.op.size").record((i % 1000) as f64);
        }
        latencies.push(t.elapsed());
    }
    rss.push(rss_bytes());
    Load {
        latencies,
        elapsed: start.elapsed(),
        rss,
    }
}

/// Ends this process with exit code 3 and a message if it is still running after `limit`:
/// a hang becomes a failure the parent sees, never a stuck run.
pub fn watchdog(limit: std::time::Duration) {
    std::thread::Builder::new()
        .name("stress-watchdog".into())
        .spawn(move || {
            std::thread::sleep(limit);
            println!("hung: still running after {limit:?}");
            std::process::exit(3);
        })
        .expect("spawn the watchdog");
}

/// The value of the first Prometheus series line that starts with `series`.
pub fn scraped(text: &str, series: &str) -> Option<f64> {
    text.lines()
        .find(|l| l.starts_with(series))
        .and_then(|l| l.rsplit(' ').next())
        .and_then(|v| v.parse().ok())
}

/// Shuts `guard` down within `timeout`, prints how long it took and how it ended under `mode`,
/// then [`assert_accounted`] on the final counts, which it returns.
pub fn shutdown_accounted(
    mode: &str,
    guard: telemetry_core::TelemetryGuard,
    timeout: std::time::Duration,
) -> telemetry_core::self_metrics::PipelineStats {
    let stats = guard.stats_handle();
    let start = std::time::Instant::now();
    let result = guard.shutdown(timeout);
    let s = stats.snapshot();
    println!(
        "{mode}: shutdown in {:?} ({})",
        start.elapsed(),
        result
            .as_ref()
            .map_or_else(|e| e.to_string(), |()| "ok".into())
    );
    assert_accounted(mode, &s);
    s
}

/// Prints each span and log count of `stats` (attempted = exported + dropped, by reason) under
/// `mode`, and panics when an item is unaccounted for.
pub fn assert_accounted(mode: &str, stats: &telemetry_core::self_metrics::PipelineStats) {
    for (name, c) in [("traces", stats.traces), ("logs", stats.logs)] {
        println!(
            "  {name}: attempted {} = exported {} + dropped {} (queue_full {}, export_error {}, shutdown_timeout {})",
            c.attempted, c.exported, c.dropped(), c.dropped_queue_full, c.dropped_export_error, c.dropped_shutdown_timeout
        );
        assert_eq!(
            c.attempted,
            c.exported + c.dropped(),
            "{mode} {name}: {c:?}"
        );
    }
}
