//! The processes the drill starts (Prometheus, Alertmanager, the OTLP collector, one
//! workload per surface), each stopped by its pid when dropped.

use super::http;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

/// A process the drill could not start or that did not come up.
#[derive(Debug, thiserror::Error)]
pub enum ProcError {
    /// The program is not installed or not found.
    #[error("cannot start {program} ({what}): {source}; {hint}")]
    Spawn {
        /// What it is.
        what: String,
        /// The program.
        program: String,
        /// What to do.
        hint: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// It did not become ready in time.
    #[error("{what} did not become ready within {seconds} s; its log is {}", log.display())]
    NotReady {
        /// What it is.
        what: String,
        /// How long the drill waited.
        seconds: u64,
        /// Its log.
        log: PathBuf,
    },
    /// A log file could not be created.
    #[error("cannot create the log {}: {source}", path.display())]
    Log {
        /// The log file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

/// A child process, killed by its pid and reaped when dropped.
#[derive(Debug)]
pub struct Proc {
    /// What it is (`prometheus`, `workload compiler`).
    pub what: String,
    child: Child,
    stdin: Option<ChildStdin>,
    /// Its combined log.
    pub log: PathBuf,
}

impl Proc {
    /// The pid.
    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Stops it now (SIGKILL to its pid) and reaps it.
    pub fn stop(&mut self) {
        drop(self.stdin.take());
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Whether it is still running.
    pub fn running(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(None))
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        self.stop();
    }
}

fn log_file(path: &Path) -> Result<std::fs::File, ProcError> {
    std::fs::File::create(path).map_err(|source| ProcError::Log {
        path: path.to_owned(),
        source,
    })
}

/// Starts `program args`, output to `log`.
///
/// # Errors
/// [`ProcError::Spawn`] with `hint` when it cannot start.
pub fn spawn(
    what: &str,
    program: &Path,
    args: &[String],
    log: &Path,
    hint: &str,
) -> Result<Proc, ProcError> {
    let out = log_file(log)?;
    let err = out.try_clone().map_err(|source| ProcError::Log {
        path: log.to_owned(),
        source,
    })?;
    let child = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stdout(out)
        .stderr(err)
        .spawn()
        .map_err(|source| ProcError::Spawn {
            what: what.to_owned(),
            program: program.display().to_string(),
            hint: hint.to_owned(),
            source,
        })?;
    Ok(Proc {
        what: what.to_owned(),
        child,
        stdin: None,
        log: log.to_owned(),
    })
}

/// Waits until `GET path` on `addr` answers 2xx.
///
/// # Errors
/// [`ProcError::NotReady`] after `within`.
pub fn wait_ready(
    p: &mut Proc,
    addr: SocketAddr,
    path: &str,
    within: Duration,
) -> Result<(), ProcError> {
    let start = Instant::now();
    while start.elapsed() < within {
        if http::get(addr, path).is_ok() {
            return Ok(());
        }
        if !p.running() {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    Err(ProcError::NotReady {
        what: p.what.clone(),
        seconds: within.as_secs(),
        log: p.log.clone(),
    })
}

/// A free TCP port on 127.0.0.1 (bound, read, released).
pub fn free_port() -> std::io::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// A running workload: its process and where it serves metrics and control.
#[derive(Debug)]
pub struct Workload {
    /// The process.
    pub proc: Proc,
    /// The scrape endpoint.
    pub metrics: SocketAddr,
    /// The control endpoint.
    pub control: SocketAddr,
}

/// How to start a workload process.
#[derive(Debug, Clone)]
pub struct WorkloadCommand {
    /// The `drill-workload` binary.
    pub program: PathBuf,
    /// The time factor.
    pub factor: f64,
    /// The OTLP endpoint it exports metrics to.
    pub otlp: String,
    /// Where logs go.
    pub dir: PathBuf,
    /// Whether the scrape serves native histograms (`DATAFACE_PROMETHEUS_HISTOGRAMS`).
    pub native_histograms: bool,
}

impl WorkloadCommand {
    /// Starts the workload of `surface`, serving metrics on `metrics_port` (0: any) and
    /// waits for its `ready` line.
    ///
    /// # Errors
    /// [`ProcError`] when it cannot start or does not announce itself.
    pub fn start(&self, surface: &str, metrics_port: u16) -> Result<Workload, ProcError> {
        let log = self.dir.join(format!("workload-{surface}.log"));
        let err = log_file(&log)?;
        let mut child = Command::new(&self.program)
            .args([
                "--surface",
                surface,
                "--factor",
                &self.factor.to_string(),
                "--stdin-lifeline",
            ])
            .env("OTEL_EXPORTER_PROMETHEUS_HOST", "127.0.0.1")
            .env("OTEL_EXPORTER_PROMETHEUS_PORT", metrics_port.to_string())
            .env("OTEL_EXPORTER_OTLP_ENDPOINT", &self.otlp)
            .env("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf")
            .env("OTEL_METRICS_EXPORTER", "prometheus,otlp")
            .env(
                "DATAFACE_PROMETHEUS_HISTOGRAMS",
                if self.native_histograms {
                    "native"
                } else {
                    "classic"
                },
            )
            .env("OTEL_TRACES_EXPORTER", "none")
            .env("OTEL_LOGS_EXPORTER", "none")
            .env("OTEL_METRIC_EXPORT_INTERVAL", "1000")
            .env("OTEL_EXPORTER_OTLP_TIMEOUT", "5000")
            .env("OTEL_RESOURCE_ATTRIBUTES", "deployment.environment.name=drill")
            .env("RUST_LOG", "error")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(err)
            .spawn()
            .map_err(|source| ProcError::Spawn {
                what: format!("workload {surface}"),
                program: self.program.display().to_string(),
                hint: "build it with `cargo build -p launch-day --bin drill-workload` and pass --workload PATH or DATAFACE_DRILL_WORKLOAD".into(),
                source,
            })?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take();
        let mut proc = Proc {
            what: format!("workload {surface}"),
            child,
            stdin,
            log: log.clone(),
        };
        let not_ready = || ProcError::NotReady {
            what: format!("workload {surface}"),
            seconds: 20,
            log: log.clone(),
        };
        let mut line = String::new();
        let read = stdout.map(|o| BufReader::new(o).read_line(&mut line));
        if !matches!(read, Some(Ok(n)) if n > 0) {
            proc.stop();
            return Err(not_ready());
        }
        let field = |key: &str| -> Option<SocketAddr> {
            line.split_whitespace()
                .find_map(|w| w.strip_prefix(key))
                .and_then(|v| v.parse().ok())
        };
        match (field("metrics="), field("control=")) {
            (Some(metrics), Some(control)) => Ok(Workload {
                proc,
                metrics,
                control,
            }),
            _ => Err(not_ready()),
        }
    }
}

/// The OTLP collector the workloads export to: a rotel process (its exporter a black hole),
/// killed to rehearse "collector lost" (its connections die with it, as a crashed
/// collector's do) and started again on the same ports.
#[derive(Debug)]
pub struct Collector {
    program: PathBuf,
    dir: PathBuf,
    http_port: u16,
    grpc_port: u16,
    starts: u32,
    proc: Option<Proc>,
}

impl Collector {
    /// Starts rotel listening on 127.0.0.1 at `http_port` (OTLP/HTTP) and `grpc_port`,
    /// its logs in `dir`.
    ///
    /// # Errors
    /// [`ProcError`] when rotel cannot start or does not listen within 30 s.
    pub fn new(
        program: &Path,
        dir: &Path,
        http_port: u16,
        grpc_port: u16,
    ) -> Result<Self, ProcError> {
        let mut c = Self {
            program: program.to_owned(),
            dir: dir.to_owned(),
            http_port,
            grpc_port,
            starts: 0,
            proc: None,
        };
        c.start()?;
        Ok(c)
    }

    /// The OTLP/HTTP endpoint (`http://127.0.0.1:<port>`).
    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.http_port)
    }

    /// Starts it (again) on the same ports and waits until it accepts connections.
    ///
    /// # Errors
    /// [`ProcError`] when rotel cannot start or does not listen within 30 s.
    pub fn start(&mut self) -> Result<(), ProcError> {
        if self.proc.is_some() {
            return Ok(());
        }
        self.starts += 1;
        let mut p = spawn(
            "OTLP collector (rotel)",
            &self.program,
            &[
                "start".into(),
                format!("--otlp-http-endpoint=127.0.0.1:{}", self.http_port),
                format!("--otlp-grpc-endpoint=127.0.0.1:{}", self.grpc_port),
                "--exporter=blackhole".into(),
            ],
            &self.dir.join(format!("collector-{}.log", self.starts)),
            "install it with scripts/install-test-deps.sh (rotel from PyPI) or set ROTEL_BIN",
        )?;
        let addr: SocketAddr = ([127, 0, 0, 1], self.http_port).into();
        let start = Instant::now();
        while std::net::TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_err() {
            if start.elapsed() > Duration::from_secs(30) || !p.running() {
                return Err(ProcError::NotReady {
                    what: p.what.clone(),
                    seconds: 30,
                    log: p.log.clone(),
                });
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        self.proc = Some(p);
        Ok(())
    }

    /// Kills it (SIGKILL to its pid): the collector is lost.
    pub fn stop(&mut self) {
        if let Some(mut p) = self.proc.take() {
            p.stop();
        }
    }
}
