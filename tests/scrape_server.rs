//! The scrape endpoint serves every scrape promptly whatever other clients do: one that
//! connects and sends nothing, or half a request, holds no scrape. At shutdown it stops
//! and releases its port.

mod support;

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::time::{Duration, Instant};
use support::{is_child, run_child};

/// One scrape, asking the server to close the connection after the answer.
fn scrape(addr: SocketAddr) -> String {
    let mut stream = TcpStream::connect(addr).expect("connect to the scrape endpoint");
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    stream
        .write_all(b"GET /metrics HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n")
        .unwrap();
    let mut response = String::new();
    stream
        .read_to_string(&mut response)
        .expect("a whole answer");
    response
}

/// Reads one answer (head, then a body of its Content-Length) from a kept-alive stream.
fn read_answer(stream: &mut TcpStream) -> (String, String) {
    let mut head = Vec::new();
    let mut byte = [0u8; 1];
    while !head.ends_with(b"\r\n\r\n") {
        stream.read_exact(&mut byte).expect("an answer head");
        head.push(byte[0]);
    }
    let head = String::from_utf8(head).expect("an ASCII head");
    let length: usize = head
        .lines()
        .find_map(|l| {
            let (name, value) = l.split_once(':')?;
            name.eq_ignore_ascii_case("content-length")
                .then(|| value.trim().parse().ok())?
        })
        .expect("a Content-Length");
    let mut body = vec![0u8; length];
    stream.read_exact(&mut body).expect("the whole body");
    (head, String::from_utf8(body).expect("a UTF-8 body"))
}

#[test]
fn stalled_clients_do_not_delay_a_scrape_and_shutdown_releases_the_port() {
    const NAME: &str = "stalled_clients_do_not_delay_a_scrape_and_shutdown_releases_the_port";
    if !is_child(NAME) {
        run_child(
            NAME,
            &[
                ("OTEL_METRICS_EXPORTER", "prometheus".into()),
                ("OTEL_EXPORTER_PROMETHEUS_HOST", "127.0.0.1".into()),
                ("OTEL_EXPORTER_PROMETHEUS_PORT", "0".into()),
                ("OTEL_TRACES_EXPORTER", "none".into()),
                ("OTEL_LOGS_EXPORTER", "none".into()),
                ("DATAFACE_LOG_STDERR", "false".into()),
            ],
        );
        return;
    }
    let guard = telemetry_core::init("scrape-server").expect("init");
    let addr = guard.prometheus_addr().expect("scrape endpoint");

    // More stalled clients than the endpoint has workers: some send nothing, some half a
    // request line, and none of them ever finishes.
    let silent: Vec<TcpStream> = (0..6)
        .map(|_| TcpStream::connect(addr).expect("connect"))
        .collect();
    let half: Vec<TcpStream> = (0..6)
        .map(|_| {
            let mut s = TcpStream::connect(addr).expect("connect");
            s.write_all(b"GET /metr").expect("half a request");
            s
        })
        .collect();
    std::thread::sleep(Duration::from_millis(100));

    for _ in 0..3 {
        let start = Instant::now();
        let response = scrape(addr);
        let took = start.elapsed();
        assert!(response.starts_with("HTTP/1.1 200"), "{response}");
        assert!(
            response.contains("dataface_telemetry_attempted_total"),
            "{response}"
        );
        assert!(
            took < Duration::from_millis(500),
            "a scrape took {took:?} beside {} stalled clients",
            silent.len() + half.len()
        );
    }

    // A kept-alive connection gets one whole answer per request.
    let mut kept = TcpStream::connect(addr).unwrap();
    kept.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
    for _ in 0..2 {
        kept.write_all(b"GET /metrics HTTP/1.1\r\nHost: test\r\n\r\n")
            .unwrap();
        let (head, body) = read_answer(&mut kept);
        assert!(head.starts_with("HTTP/1.1 200"), "{head}");
        assert!(body.contains("dataface_build_info"), "{body}");
    }

    let start = Instant::now();
    guard
        .shutdown(Duration::from_secs(1))
        .expect("a clean shutdown");
    assert!(
        start.elapsed() < Duration::from_secs(1),
        "shutdown waited on the stalled clients: {:?}",
        start.elapsed()
    );
    let deadline = Instant::now() + Duration::from_secs(2);
    let released = loop {
        match TcpListener::bind(addr) {
            Ok(_) => break true,
            Err(_) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(20)),
            Err(_) => break false,
        }
    };
    assert!(
        released,
        "the scrape port {addr} is still held after shutdown"
    );
    drop((silent, half, kept));
}
