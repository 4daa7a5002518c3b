//! A real Prometheus (Debian's `prometheus`, installed by scripts/install-test-deps.sh) on a
//! loopback port the test picks, its storage in a directory of the test's, stopped by its
//! pid when dropped, pass or fail.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A Prometheus process, stopped by its pid on drop.
pub(crate) struct Prometheus {
    child: Child,
    pub(crate) addr: SocketAddr,
    dir: PathBuf,
}

impl Drop for Prometheus {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

impl Prometheus {
    /// Starts Prometheus with `config` (the YAML of `prometheus.yml`, written to `dir`)
    /// and `flags`, and waits until it is ready.
    pub(crate) fn start(config: &str, flags: &[&str], dir: PathBuf) -> Self {
        std::fs::create_dir_all(&dir).expect("create the Prometheus directory");
        let config_path = dir.join("prometheus.yml");
        std::fs::write(&config_path, config).expect("write the Prometheus configuration");
        let addr: SocketAddr = format!("127.0.0.1:{}", super::free_port()).parse().unwrap();
        let child = Command::new("prometheus")
            .arg(format!("--config.file={}", config_path.display()))
            .arg(format!(
                "--storage.tsdb.path={}",
                dir.join("data").display()
            ))
            .arg(format!("--web.listen-address={addr}"))
            .args(flags)
            .stdout(Stdio::null())
            .stderr(Stdio::from(
                std::fs::File::create(dir.join("prometheus.log")).unwrap(),
            ))
            .spawn()
            .expect("`prometheus` runs: install it with scripts/install-test-deps.sh");
        let p = Prometheus { child, addr, dir };
        let deadline = Instant::now() + Duration::from_secs(30);
        while get(p.addr, "/-/ready").map(|(status, _)| status) != Some(200) {
            assert!(
                Instant::now() < deadline,
                "Prometheus did not become ready in 30s: {}",
                p.log()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        p
    }

    /// What Prometheus logged so far.
    pub(crate) fn log(&self) -> String {
        std::fs::read_to_string(self.dir.join("prometheus.log")).unwrap_or_default()
    }

    /// Evaluates `expr` (at `time`, Unix seconds, or now): see [`query_at`].
    pub(crate) fn query_at(
        &self,
        expr: &str,
        time: Option<f64>,
    ) -> Result<serde_json::Value, String> {
        query_at(self.addr, expr, time)
    }

    /// Evaluates `expr` now: `Ok(number of series)` or the error Prometheus gave.
    pub(crate) fn query(&self, expr: &str) -> Result<usize, String> {
        let data = self.query_at(expr, None)?;
        Ok(match data["resultType"].as_str() {
            Some("vector") | Some("matrix") => data["result"].as_array().map_or(0, Vec::len),
            // A scalar or a string is one value.
            _ => 1,
        })
    }
}

/// Evaluates `expr` on the Prometheus at `addr` (at `time`, Unix seconds, or now): the
/// `data` of the answer, or the error Prometheus gave. For a process that knows only the
/// address (a child of the test).
pub(crate) fn query_at(
    addr: SocketAddr,
    expr: &str,
    time: Option<f64>,
) -> Result<serde_json::Value, String> {
    let mut path = format!("/api/v1/query?query={}", percent_encode(expr));
    if let Some(t) = time {
        path.push_str(&format!("&time={t:.3}"));
    }
    let (status, body) = get(addr, &path).ok_or_else(|| "no answer from Prometheus".to_owned())?;
    let json: serde_json::Value =
        serde_json::from_str(&body).map_err(|e| format!("HTTP {status}: {e}: {body}"))?;
    if json["status"] != "success" {
        return Err(format!(
            "{}: {}",
            json["errorType"].as_str().unwrap_or("?"),
            json["error"].as_str().unwrap_or(&body)
        ));
    }
    Ok(json["data"].clone())
}

/// A plain HTTP/1.0 GET on loopback: `(status, body)`, or `None` when nothing answers.
pub(crate) fn get(addr: SocketAddr, path: &str) -> Option<(u16, String)> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(2)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .ok()?;
    write!(stream, "GET {path} HTTP/1.0\r\nHost: {addr}\r\n\r\n").ok()?;
    let mut response = String::new();
    stream.read_to_string(&mut response).ok()?;
    let (head, body) = response.split_once("\r\n\r\n")?;
    let status = head.split_whitespace().nth(1)?.parse().ok()?;
    Some((status, body.to_owned()))
}

fn percent_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}
