//! A real TLS gateway for the workspace tests: Debian's nginx (installed by
//! scripts/install-test-deps.sh) terminates TLS on loopback ports the test picks and
//! passes the plain traffic to a collector (`grpc_pass` for gRPC, a plain proxy for HTTP).
//! The certificates are made at test time with rcgen. nginx is stopped by its process id.

use super::{free_port, Rotel};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// A directory removed when dropped.
struct TempDir(PathBuf);

impl TempDir {
    fn new(prefix: &str) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.subsec_nanos())
            .unwrap_or(0);
        let dir = std::env::temp_dir().join(format!("{prefix}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("create a temporary directory");
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A test PKI in files: a CA, a server certificate for 127.0.0.1 and localhost, the same
/// server key with an expired certificate, a client certificate for mutual TLS, and an
/// unrelated CA.
pub(crate) struct Pki {
    dir: TempDir,
}

impl Pki {
    pub(crate) fn new() -> Self {
        use rcgen::{
            date_time_ymd, BasicConstraints, CertificateParams, DnType, ExtendedKeyUsagePurpose,
            IsCa, Issuer, KeyPair,
        };
        let dir = TempDir::new("tls-pki");
        let write = |name: &str, pem: String| std::fs::write(dir.0.join(name), pem).unwrap();
        let ca = |cn: &str| {
            let key = KeyPair::generate().unwrap();
            let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
            params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
            params.distinguished_name.push(DnType::CommonName, cn);
            let cert = params.self_signed(&key).unwrap();
            (cert.pem(), Issuer::new(params, key))
        };
        let (ca_pem, issuer) = ca("dataface test CA");
        write("ca.pem", ca_pem);
        let (other_pem, _) = ca("unrelated test CA");
        write("other-ca.pem", other_pem);

        let server_key = KeyPair::generate().unwrap();
        let server = |not_after| {
            let mut params =
                CertificateParams::new(vec!["127.0.0.1".to_owned(), "localhost".to_owned()])
                    .unwrap();
            params
                .distinguished_name
                .push(DnType::CommonName, "collector");
            params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
            params.not_before = date_time_ymd(2020, 1, 1);
            params.not_after = not_after;
            params.signed_by(&server_key, &issuer).unwrap().pem()
        };
        write("server.pem", server(date_time_ymd(2099, 1, 1)));
        write("expired.pem", server(date_time_ymd(2021, 1, 1)));
        write("server.key", server_key.serialize_pem());

        let client_key = KeyPair::generate().unwrap();
        let mut params = CertificateParams::new(Vec::<String>::new()).unwrap();
        params
            .distinguished_name
            .push(DnType::CommonName, "dataface service");
        params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ClientAuth];
        write(
            "client.pem",
            params.signed_by(&client_key, &issuer).unwrap().pem(),
        );
        write("client.key", client_key.serialize_pem());
        Self { dir }
    }

    /// The path of one of the files: `ca.pem`, `other-ca.pem`, `server.pem`, `server.key`,
    /// `expired.pem`, `client.pem`, `client.key`.
    pub(crate) fn path(&self, name: &str) -> String {
        self.dir.0.join(name).display().to_string()
    }
}

/// The nginx binary: `NGINX_BIN`, else `nginx` on PATH or in /usr/sbin.
pub(crate) fn nginx_binary() -> String {
    if let Ok(bin) = std::env::var("NGINX_BIN") {
        return bin;
    }
    for candidate in ["/usr/sbin/nginx", "/usr/local/sbin/nginx"] {
        if Path::new(candidate).exists() {
            return candidate.to_owned();
        }
    }
    let found = Command::new("sh")
        .args(["-c", "command -v nginx"])
        .output()
        .ok()
        .filter(|o| o.status.success())
        .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_owned());
    found.unwrap_or_else(|| {
        panic!("nginx is not installed: run scripts/install-test-deps.sh (or set NGINX_BIN)")
    })
}

/// How the gateway presents itself.
pub(crate) struct Gateway<'a> {
    /// The server certificate file name in the PKI (`server.pem` or `expired.pem`).
    pub(crate) certificate: &'a str,
    /// Whether a client certificate signed by the test CA is required.
    pub(crate) require_client_certificate: bool,
}

/// An nginx process terminating TLS in front of a rotel collector; stopped by its pid.
pub(crate) struct Nginx {
    child: Child,
    /// TLS port passing gRPC to rotel.
    pub(crate) grpc_port: u16,
    /// TLS port proxying HTTP to rotel.
    pub(crate) http_port: u16,
    dir: TempDir,
}

impl Nginx {
    pub(crate) fn start(pki: &Pki, rotel: &Rotel, gateway: Gateway<'_>) -> Self {
        let (grpc_port, http_port) = (free_port(), free_port());
        let dir = TempDir::new("tls-nginx");
        let d = dir.0.display();
        let client_auth = if gateway.require_client_certificate {
            format!(
                "ssl_client_certificate {};\n    ssl_verify_client on;",
                pki.path("ca.pem")
            )
        } else {
            String::new()
        };
        let conf = format!(
            r#"daemon off;
master_process off;
worker_processes 1;
pid {d}/nginx.pid;
error_log {d}/error.log info;
events {{ worker_connections 128; }}
http {{
    log_format otlp '$server_port $request_uri tenant=$http_x_dataface_tenant extra=$http_x_extra encoding=$http_content_encoding grpc_encoding=$http_grpc_encoding status=$status';
    access_log {d}/access.log otlp;
    client_body_temp_path {d}/client_body;
    proxy_temp_path {d}/proxy;
    fastcgi_temp_path {d}/fastcgi;
    uwsgi_temp_path {d}/uwsgi;
    scgi_temp_path {d}/scgi;
    client_max_body_size 16m;
    ssl_certificate {cert};
    ssl_certificate_key {key};
    {client_auth}
    server {{
        listen 127.0.0.1:{grpc_port} ssl http2;
        location / {{ grpc_pass grpc://127.0.0.1:{rotel_grpc}; }}
    }}
    server {{
        listen 127.0.0.1:{http_port} ssl;
        location / {{ proxy_pass http://127.0.0.1:{rotel_http}; }}
    }}
}}
"#,
            cert = pki.path(gateway.certificate),
            key = pki.path("server.key"),
            rotel_grpc = rotel.grpc_port,
            rotel_http = rotel.http_port,
        );
        std::fs::write(dir.0.join("nginx.conf"), conf).unwrap();
        let child = Command::new(nginx_binary())
            .arg("-p")
            .arg(&dir.0)
            .arg("-c")
            .arg(dir.0.join("nginx.conf"))
            .arg("-e")
            .arg(dir.0.join("error.log"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("start nginx");
        let nginx = Self {
            child,
            grpc_port,
            http_port,
            dir,
        };
        nginx.wait_listening();
        nginx
    }

    fn wait_listening(&self) {
        let deadline = Instant::now() + Duration::from_secs(20);
        for port in [self.grpc_port, self.http_port] {
            while TcpStream::connect(("127.0.0.1", port)).is_err() {
                assert!(
                    Instant::now() < deadline,
                    "nginx did not listen on 127.0.0.1:{port}; its log: {}",
                    self.error_log()
                );
                std::thread::sleep(Duration::from_millis(50));
            }
        }
    }

    /// The `https://` base endpoint of the gRPC or the HTTP port.
    pub(crate) fn endpoint(&self, grpc: bool) -> String {
        let port = if grpc { self.grpc_port } else { self.http_port };
        format!("https://127.0.0.1:{port}")
    }

    /// nginx's error log (TLS handshake failures are logged there).
    pub(crate) fn error_log(&self) -> String {
        std::fs::read_to_string(self.dir.0.join("error.log")).unwrap_or_default()
    }

    /// One line per request nginx passed on or refused: port, path, the `x-dataface-tenant`
    /// and `x-extra` headers, the content and gRPC encodings, the status.
    pub(crate) fn access_log(&self) -> String {
        std::fs::read_to_string(self.dir.0.join("access.log")).unwrap_or_default()
    }
}

impl Drop for Nginx {
    fn drop(&mut self) {
        // Stopped by its own process id, never by name.
        let _ = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status();
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
