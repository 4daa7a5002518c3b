//! Reading one variable at a time with the OpenTelemetry rules: empty means unset, an
//! unparsable or out-of-range value is a [`ConfigProblem`] and the default is used, an
//! unknown enumerated value is a problem and is ignored.

use super::problem::{ConfigProblem, ProblemKind};
use std::net::{IpAddr, Ipv4Addr};
use std::time::Duration;

/// Reads variables through a lookup function and collects the problems it meets.
pub(crate) struct Reader<'a> {
    lookup: &'a dyn Fn(&str) -> Option<String>,
    pub(crate) problems: Vec<ConfigProblem>,
}

impl<'a> Reader<'a> {
    pub(crate) fn new(lookup: &'a dyn Fn(&str) -> Option<String>) -> Self {
        Self {
            lookup,
            problems: Vec::new(),
        }
    }

    /// The trimmed value, or `None` when unset or empty.
    pub(crate) fn raw(&self, var: &str) -> Option<String> {
        (self.lookup)(var)
            .map(|v| v.trim().to_owned())
            .filter(|v| !v.is_empty())
    }

    pub(crate) fn problem(
        &mut self,
        variable: &'static str,
        kind: ProblemKind,
        expected: impl Into<String>,
        entry: Option<usize>,
        fallback: impl Into<String>,
    ) {
        // Warn once: one problem per variable and entry.
        if self
            .problems
            .iter()
            .any(|p| p.variable == variable && p.entry == entry)
        {
            return;
        }
        self.problems.push(ConfigProblem {
            variable,
            kind,
            expected: expected.into(),
            entry,
            fallback: fallback.into(),
        });
    }

    /// A string value, unset when empty.
    pub(crate) fn string(&self, var: &'static str) -> Option<String> {
        self.raw(var)
    }

    /// `true` or `false`, case-insensitive.
    pub(crate) fn bool(&mut self, var: &'static str) -> Option<bool> {
        let raw = self.raw(var)?;
        match raw.to_ascii_lowercase().as_str() {
            "true" => Some(true),
            "false" => Some(false),
            _ => {
                self.problem(
                    var,
                    ProblemKind::Unparsable,
                    "`true` or `false`",
                    None,
                    "the default",
                );
                None
            }
        }
    }

    /// A whole number in `min..=max`.
    pub(crate) fn integer(&mut self, var: &'static str, min: u64, max: u64) -> Option<u64> {
        let raw = self.raw(var)?;
        let expected = format!("a whole number between {min} and {max}");
        match raw.parse::<i128>() {
            Ok(n) if n >= i128::from(min) && n <= i128::from(max) => Some(n as u64),
            Ok(_) => {
                self.problem(var, ProblemKind::OutOfRange, expected, None, "the default");
                None
            }
            Err(_) => {
                self.problem(var, ProblemKind::Unparsable, expected, None, "the default");
                None
            }
        }
    }

    /// A duration given in whole milliseconds, at least 1 ms.
    pub(crate) fn millis(&mut self, var: &'static str) -> Option<Duration> {
        let raw = self.raw(var)?;
        let expected = "a whole number of milliseconds between 1 and 2147483647";
        match raw.parse::<i128>() {
            Ok(n) if (1..=i128::from(i32::MAX)).contains(&n) => {
                Some(Duration::from_millis(n as u64))
            }
            Ok(_) => {
                self.problem(var, ProblemKind::OutOfRange, expected, None, "the default");
                None
            }
            Err(_) => {
                self.problem(var, ProblemKind::Unparsable, expected, None, "the default");
                None
            }
        }
    }

    /// A number in `[0, 1]`.
    pub(crate) fn ratio(&mut self, var: &'static str) -> Option<f64> {
        let raw = self.raw(var)?;
        let expected = "a number between 0 and 1";
        match raw.parse::<f64>().ok().filter(|x| x.is_finite()).ok_or(()) {
            Ok(x) if (0.0..=1.0).contains(&x) => Some(x),
            Ok(_) => {
                self.problem(var, ProblemKind::OutOfRange, expected, None, "the default");
                None
            }
            Err(_) => {
                self.problem(var, ProblemKind::Unparsable, expected, None, "the default");
                None
            }
        }
    }

    /// One of `choices`, case-insensitive.
    pub(crate) fn choice<T: Copy>(
        &mut self,
        var: &'static str,
        choices: &[(&str, T)],
    ) -> Option<T> {
        let raw = self.raw(var)?.to_ascii_lowercase();
        match choices.iter().find(|(name, _)| *name == raw) {
            Some((_, value)) => Some(*value),
            None => {
                let expected = one_of(choices.iter().map(|(n, _)| *n));
                self.problem(
                    var,
                    ProblemKind::UnknownValue,
                    expected,
                    None,
                    "the default",
                );
                None
            }
        }
    }

    /// A comma-separated list of `choices`; unknown entries are reported and ignored.
    /// `None` when unset or when no entry was known.
    pub(crate) fn choice_list<T: Copy>(
        &mut self,
        var: &'static str,
        choices: &[(&str, T)],
    ) -> Option<Vec<T>> {
        let raw = self.raw(var)?;
        let mut out = Vec::new();
        for (i, entry) in raw.split(',').map(str::trim).enumerate() {
            let entry = entry.to_ascii_lowercase();
            match choices.iter().find(|(name, _)| *name == entry) {
                Some((_, value)) => out.push(*value),
                None => {
                    let expected = format!(
                        "a comma-separated list of {}",
                        one_of(choices.iter().map(|(n, _)| *n))
                    );
                    self.problem(
                        var,
                        ProblemKind::UnknownValue,
                        expected,
                        Some(i + 1),
                        "the entry is ignored",
                    );
                }
            }
        }
        if out.is_empty() {
            None
        } else {
            Some(out)
        }
    }

    /// `key=value` pairs separated by commas, values percent-decoded. Values are never
    /// echoed; a malformed entry is reported by position and skipped. The flag tells
    /// whether any entry was malformed.
    pub(crate) fn key_values(
        &mut self,
        var: &'static str,
    ) -> Option<(Vec<(String, String)>, bool)> {
        let raw = self.raw(var)?;
        let mut out = Vec::new();
        let mut bad = false;
        for (i, entry) in raw.split(',').enumerate() {
            let entry = entry.trim();
            if entry.is_empty() {
                continue;
            }
            let parsed = entry.split_once('=').and_then(|(k, v)| {
                let key = k.trim();
                let valid_key = !key.is_empty()
                    && key
                        .chars()
                        .all(|c| c.is_ascii_graphic() && c != '=' && c != ',');
                let value = percent_decode(v.trim())?;
                valid_key.then(|| (key.to_owned(), value))
            });
            match parsed {
                Some(kv) => out.push(kv),
                None => {
                    bad = true;
                    self.problem(
                        var,
                        ProblemKind::Unparsable,
                        "comma-separated `key=value` pairs with percent-encoded values",
                        Some(i + 1),
                        "the entry is ignored",
                    );
                }
            }
        }
        if out.is_empty() && bad {
            // Nothing usable: treat as unset so a general value still applies.
            return None;
        }
        Some((out, bad))
    }

    /// An `http://` or `https://` URL with a host, or a `host:port` without a scheme (which
    /// only gRPC accepts: the caller picks the scheme from the `INSECURE` setting).
    pub(crate) fn endpoint(&mut self, var: &'static str) -> Option<String> {
        let raw = self.raw(var)?;
        if valid_endpoint(&raw) || schemeless_endpoint(&raw) {
            Some(raw)
        } else {
            self.problem(
                var,
                ProblemKind::Unparsable,
                "an absolute URL starting with http:// or https://, e.g. http://127.0.0.1:4317 (gRPC also takes host:port)",
                None,
                "the default endpoint",
            );
            None
        }
    }

    /// The contents of the PEM file the variable names, when it holds what `kind` asks
    /// for. A missing or unreadable file, or one without valid PEM of that kind, is a
    /// problem (naming the variable, never the path or the contents) and `fallback` is used.
    pub(crate) fn pem_file(
        &mut self,
        var: &'static str,
        kind: PemKind,
        fallback: &str,
    ) -> Option<Vec<u8>> {
        let path = self.raw(var)?;
        let expected = match kind {
            PemKind::Certificates => {
                "the path of a readable PEM file holding one or more X.509 certificates"
            }
            PemKind::PrivateKey => {
                "the path of a readable PEM file holding one private key (PKCS#8, PKCS#1 or SEC1)"
            }
        };
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(_) => {
                self.problem(var, ProblemKind::Unreadable, expected, None, fallback);
                return None;
            }
        };
        if valid_pem(&bytes, kind) {
            Some(bytes)
        } else {
            self.problem(var, ProblemKind::Unparsable, expected, None, fallback);
            None
        }
    }

    /// An IP address, or `localhost` (read as 127.0.0.1).
    pub(crate) fn host(&mut self, var: &'static str) -> Option<IpAddr> {
        let raw = self.raw(var)?;
        if raw.eq_ignore_ascii_case("localhost") {
            return Some(IpAddr::V4(Ipv4Addr::LOCALHOST));
        }
        match raw.trim_matches(|c| c == '[' || c == ']').parse::<IpAddr>() {
            Ok(ip) => Some(ip),
            Err(_) => {
                self.problem(
                    var,
                    ProblemKind::Unparsable,
                    "an IP address such as 127.0.0.1 or ::1, or localhost",
                    None,
                    "127.0.0.1",
                );
                None
            }
        }
    }
}

fn one_of<'s>(names: impl Iterator<Item = &'s str>) -> String {
    let names: Vec<_> = names.map(|n| format!("`{n}`")).collect();
    format!("one of {}", names.join(", "))
}

/// What a PEM file named by a certificate variable must hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum PemKind {
    /// One or more X.509 certificates.
    Certificates,
    /// One private key.
    PrivateKey,
}

/// Whether `pem` holds what `kind` asks for, each item well formed.
pub(crate) fn valid_pem(pem: &[u8], kind: PemKind) -> bool {
    use rustls_pki_types::pem::PemObject;
    use rustls_pki_types::{CertificateDer, PrivateKeyDer};
    match kind {
        PemKind::Certificates => {
            let certs: Result<Vec<_>, _> = CertificateDer::pem_slice_iter(pem).collect();
            match certs {
                Ok(certs) if !certs.is_empty() => {
                    // Each must parse as an X.509 certificate, not only as base64.
                    let mut store = rustls::RootCertStore::empty();
                    certs.into_iter().all(|c| store.add(c).is_ok())
                }
                _ => false,
            }
        }
        PemKind::PrivateKey => PrivateKeyDer::from_pem_slice(pem)
            .map(|key| rustls::crypto::ring::sign::any_supported_type(&key).is_ok())
            .unwrap_or(false),
    }
}

/// Whether `endpoint` is a `host:port` (optionally with a path) without a scheme.
pub(crate) fn schemeless_endpoint(endpoint: &str) -> bool {
    !endpoint.contains("://") && valid_endpoint(&format!("http://{endpoint}"))
}

/// Whether `url` is an absolute http(s) URL whose host is an IP address or a host name
/// and whose port, if any, is a port number. A value such as `-1`, `99999` or free text
/// is refused here, where the problem can name its variable, rather than by the exporter
/// build, whose error would repeat the value and stop `init`.
pub(crate) fn valid_endpoint(url: &str) -> bool {
    let rest = url
        .strip_prefix("http://")
        .or_else(|| url.strip_prefix("https://"));
    match rest {
        Some(rest) => {
            let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
            let host_port = authority.rsplit('@').next().unwrap_or("");
            !url.contains(char::is_whitespace) && valid_host_port(host_port)
        }
        None => false,
    }
}

/// `host[:port]`, with a bracketed IPv6 address, an IPv4 address or a host name (labels of
/// letters, digits, `-` and `_`, neither starting nor ending with `-`, at most 253
/// characters in all, not all digits), and a port from 1 to 65535.
fn valid_host_port(host_port: &str) -> bool {
    let (host, port) = if let Some(v6) = host_port.strip_prefix('[') {
        let Some((addr, after)) = v6.split_once(']') else {
            return false;
        };
        if addr.parse::<std::net::Ipv6Addr>().is_err() {
            return false;
        }
        match after {
            "" => return true,
            _ => match after.strip_prefix(':') {
                Some(port) => ("[v6]", Some(port)),
                None => return false,
            },
        }
    } else {
        match host_port.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (host_port, None),
        }
    };
    let port_ok = port.is_none_or(|p| {
        !p.is_empty()
            && p.bytes().all(|b| b.is_ascii_digit())
            && p.parse::<u16>().is_ok_and(|n| n > 0)
    });
    if !port_ok {
        return false;
    }
    if host == "[v6]" || host.parse::<std::net::Ipv4Addr>().is_ok() {
        return true;
    }
    let name = host.strip_suffix('.').unwrap_or(host);
    !name.is_empty()
        && name.len() <= 253
        && !name.bytes().all(|b| b.is_ascii_digit() || b == b'.')
        && name.split('.').all(|label| {
            !label.is_empty()
                && !label.starts_with('-')
                && !label.ends_with('-')
                && label
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// Decodes `%XX` escapes; `None` when an escape is malformed or the result is not UTF-8.
pub(crate) fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = bytes.get(i + 1..i + 3)?;
            if !hex.iter().all(u8::is_ascii_hexdigit) {
                return None;
            }
            let hex = std::str::from_utf8(hex).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}
