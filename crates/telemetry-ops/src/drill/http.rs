//! A minimal HTTP/1.1 client for loopback only: the drill talks to the Prometheus,
//! Alertmanager and workload processes it started on 127.0.0.1, and to nothing else.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

/// An HTTP exchange with a local process failed.
#[derive(Debug, thiserror::Error)]
pub enum HttpError {
    /// The address is not on the loopback interface.
    #[error("{0} is not a loopback address: the drill talks to 127.0.0.1 only")]
    NotLoopback(SocketAddr),
    /// Connecting, writing or reading failed.
    #[error("{method} http://{addr}{path}: {source}")]
    Io {
        /// The method.
        method: String,
        /// The address.
        addr: SocketAddr,
        /// The path.
        path: String,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The answer is not HTTP.
    #[error("{method} http://{addr}{path}: the answer is not HTTP: {head:?}")]
    Malformed {
        /// The method.
        method: String,
        /// The address.
        addr: SocketAddr,
        /// The path.
        path: String,
        /// The start of the answer.
        head: String,
    },
}

/// An HTTP answer: status and body.
#[derive(Debug, Clone)]
pub struct Answer {
    /// The status code.
    pub status: u16,
    /// The body (chunked transfer decoded).
    pub body: String,
}

/// Sends `method path` with `body` to `addr` (loopback only) and reads the whole answer.
///
/// # Errors
/// [`HttpError`] when the address is not loopback or the exchange fails.
pub fn request(
    addr: SocketAddr,
    method: &str,
    path: &str,
    body: &str,
    timeout: Duration,
) -> Result<Answer, HttpError> {
    if !addr.ip().is_loopback() {
        return Err(HttpError::NotLoopback(addr));
    }
    let io = |source| HttpError::Io {
        method: method.to_owned(),
        addr,
        path: path.to_owned(),
        source,
    };
    let mut stream = TcpStream::connect_timeout(&addr, timeout).map_err(io)?;
    stream.set_read_timeout(Some(timeout)).map_err(io)?;
    stream.set_write_timeout(Some(timeout)).map_err(io)?;
    let content_type = if body.starts_with('{') || body.starts_with('[') {
        "application/json"
    } else {
        "application/x-www-form-urlencoded"
    };
    write!(
        stream,
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n{body}",
        body.len()
    )
    .map_err(io)?;
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).map_err(io)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let malformed = || HttpError::Malformed {
        method: method.to_owned(),
        addr,
        path: path.to_owned(),
        head: text.chars().take(80).collect(),
    };
    let (head, rest) = text.split_once("\r\n\r\n").ok_or_else(malformed)?;
    let status: u16 = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(malformed)?;
    let chunked = head.lines().any(|l| {
        l.to_ascii_lowercase().starts_with("transfer-encoding:")
            && l.to_ascii_lowercase().contains("chunked")
    });
    let body = if chunked {
        dechunk(rest).ok_or_else(malformed)?
    } else {
        rest.to_owned()
    };
    Ok(Answer { status, body })
}

/// A chunked body, decoded.
fn dechunk(mut s: &str) -> Option<String> {
    let mut out = String::new();
    loop {
        let (size, rest) = s.split_once("\r\n")?;
        let size = usize::from_str_radix(size.split(';').next()?.trim(), 16).ok()?;
        if size == 0 {
            return Some(out);
        }
        out.push_str(rest.get(..size)?);
        s = rest.get(size + 2..)?;
    }
}

/// `GET path`, the body of a 2xx answer.
///
/// # Errors
/// [`HttpError`], or a non-2xx status as [`HttpError::Malformed`] naming it.
pub fn get(addr: SocketAddr, path: &str) -> Result<String, HttpError> {
    let a = request(addr, "GET", path, "", Duration::from_secs(5))?;
    if (200..300).contains(&a.status) {
        Ok(a.body)
    } else {
        Err(HttpError::Malformed {
            method: "GET".into(),
            addr,
            path: path.to_owned(),
            head: format!(
                "status {}: {}",
                a.status,
                a.body.chars().take(200).collect::<String>()
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunked_bodies_decode_and_only_loopback_is_reached() {
        assert_eq!(
            dechunk("4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n").unwrap(),
            "Wikipedia"
        );
        let far: SocketAddr = "192.0.2.1:80".parse().unwrap();
        assert!(matches!(
            request(far, "GET", "/", "", Duration::from_millis(10)),
            Err(HttpError::NotLoopback(_))
        ));
    }
}
