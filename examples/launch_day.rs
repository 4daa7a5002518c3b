//! Launch day: the whole product at once.
//!
//! The five product surfaces (compiler, context catalog, profiler, Cloud Suite,
//! integrations) work through one simulated launch day, compressed into ten seconds, with the
//! failure modes of every task card scripted in: a compiler release that breaks contract 1.1,
//! a catalog source that stopped refreshing and AI context payloads over their limit, a
//! saturated warehouse, quotas and a stuck project, passkey sign-ups shipped ahead of the
//! catalog, failed, timed-out and rolled-back deployments, a malformed webhook and a webhook
//! signature burst, a billing outage, and certificates about to expire, expired and not yet
//! provisioned. The workload is the
//! `launch-day` crate (crates/launch-day).
//!
//! While it runs it prints one progress line a second; at the end, per surface: the
//! operations, the errors by code with their owner from the signal catalog, and the Prometheus
//! series that moved.
//!
//! ```text
//! cargo run --example launch_day                 # 10 s, scrape on 127.0.0.1:9464
//! DEMO_SECONDS=3 cargo run --example launch_day  # or: ... --example launch_day -- --seconds 3
//! OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4317 cargo run --example launch_day
//! ```
//!
//! With no configuration it needs no collector: metrics are served for scraping on loopback
//! while the day runs, spans and logs go nowhere. With `OTEL_EXPORTER_OTLP_ENDPOINT` set, all
//! three signals are exported to that collector too. Every standard variable applies; log
//! events are not echoed on stderr unless `DATAFACE_LOG_STDERR=true`.

mod common;

use dataface_telemetry::core::catalog::InstrumentKind;
use dataface_telemetry::core::config::{Protocol, Signal};
use dataface_telemetry::core::{InitError, TelemetryGuard};
use launch_day::{LaunchDay, Level, LogLine, MovedSeries, Report, Surface, DEFAULT_DURATION};
use std::net::SocketAddr;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use telemetry_testing::scrape::Scrape;

const SERVICE: &str = "dataface-launch-day";
const USAGE: &str = "usage: cargo run --example launch_day [-- --seconds N]   (or DEMO_SECONDS=N)";

fn main() {
    let duration = duration().unwrap_or_else(|problem| {
        eprintln!("{problem}\n{USAGE}");
        std::process::exit(2);
    });
    println!(
        "Dataface launch day: the five product surfaces through one simulated day (00:00 to \
         24:00) in {} s,\nwith the failure modes of every task card scripted in.\n",
        duration.as_secs_f64()
    );
    let guard = start(SERVICE);
    where_the_signals_go(&guard);

    println!("\nthe day (elapsed, simulated clock, operations so far per surface):");
    let report = LaunchDay::new(duration)
        .narrator(narrate)
        .run(|progress| println!("{progress}"));

    let scrape = guard.prometheus_text().map(|text| {
        Scrape::parse(&text).unwrap_or_else(|e| {
            eprintln!("the scrape could not be read: {e}");
            std::process::exit(2);
        })
    });
    for surface in Surface::ALL {
        summary(&report, surface, scrape.as_ref());
    }
    println!(
        "\nin all: {} operations, {} errors, in {:.1} s ({} rounds of traffic).",
        group(report.operations_total() as f64),
        group(report.errors_total() as f64),
        report.elapsed.as_secs_f64(),
        report.rounds
    );
    let collector = guard.config().exporters.traces.otlp;
    match (scrape.is_some(), collector) {
        (_, true) => {
            println!("the collector has the day's spans, metrics and logs (what was sent: below).")
        }
        (true, false) => println!(
            "the scrape endpoint closes now: point OTEL_EXPORTER_OTLP_ENDPOINT at a collector to \
             keep the signals."
        ),
        (false, false) => {}
    }
    drop(report);
    common::finish(guard);
}

/// The day's length: `--seconds N` (or `--seconds=N`), else `DEMO_SECONDS`, else 10 s.
fn duration() -> Result<Duration, String> {
    let mut args = std::env::args().skip(1);
    let mut given = None;
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--seconds" | "-s" => {
                given = Some(args.next().ok_or("--seconds needs a number of seconds")?);
            }
            "--help" | "-h" => {
                println!("{USAGE}");
                std::process::exit(0);
            }
            _ => match arg.strip_prefix("--seconds=") {
                Some(value) => given = Some(value.to_owned()),
                None => return Err(format!("unknown argument {arg:?}")),
            },
        }
    }
    let text = match given {
        Some(text) => text,
        None => match std::env::var("DEMO_SECONDS") {
            Ok(text) if !text.trim().is_empty() => text,
            _ => return Ok(DEFAULT_DURATION),
        },
    };
    match text.trim().parse::<f64>() {
        Ok(seconds) if seconds.is_finite() && (0.0..=3_600.0).contains(&seconds) => {
            Ok(Duration::from_secs_f64(seconds))
        }
        _ => Err(format!(
            "the day's length must be a number of seconds from 0 to 3600, not {text:?}"
        )),
    }
}

fn unset(var: &str) -> bool {
    std::env::var(var).map_or(true, |v| v.trim().is_empty())
}

/// Starts the pipeline as every example does (the local defaults: no collector needed), with
/// two differences for a demo that logs a lot while it prints progress: log events stay off
/// stderr unless `DATAFACE_LOG_STDERR` says otherwise, and when the default scrape port is
/// taken a free one is used.
fn start(service: &str) -> TelemetryGuard {
    let builder = || {
        let builder = dataface_telemetry::core::build_info!(dataface_telemetry::local_defaults());
        if unset("DATAFACE_LOG_STDERR") {
            builder.log_stderr(false)
        } else {
            builder
        }
    };
    let failed = |e: InitError| -> TelemetryGuard {
        eprintln!("telemetry init failed: {e}");
        std::process::exit(2);
    };
    match dataface_telemetry::init_with(service, builder()) {
        Ok(guard) => guard,
        Err(InitError::Prometheus { addr, .. }) if unset("OTEL_EXPORTER_PROMETHEUS_PORT") => {
            println!(
                "port {} is taken (another demo still running?): scraping on a free port instead",
                addr.port()
            );
            let free = SocketAddr::new(addr.ip(), 0);
            dataface_telemetry::init_with(service, builder().prometheus_addr(free))
                .unwrap_or_else(failed)
        }
        Err(e) => failed(e),
    }
}

fn where_the_signals_go(guard: &TelemetryGuard) {
    let config = guard.config();
    println!("where the signals go (service.name = {SERVICE}):");
    match guard.prometheus_addr() {
        Some(addr) => println!(
            "  metrics  served on http://{addr}/metrics while the day runs\n           \
             (in another terminal: curl -s http://{addr}/metrics | grep ^dataface_)"
        ),
        None => {
            println!("  metrics  no scrape endpoint (`prometheus` is not in OTEL_METRICS_EXPORTER)")
        }
    }
    let mut exported = false;
    for signal in Signal::ALL {
        if !config.exporters.get(signal).otlp {
            continue;
        }
        let otlp = config.otlp.get(signal);
        let protocol = match otlp.protocol {
            Protocol::Grpc => "grpc",
            Protocol::HttpProtobuf => "http/protobuf",
        };
        let head = if exported { "" } else { "OTLP" };
        println!(
            "  {head:<8} {:<7} -> {} ({protocol})",
            signal.as_str(),
            otlp.endpoint
        );
        exported = true;
    }
    if !exported {
        println!(
            "  OTLP     nothing exported: set OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4317\n\
             \x20          to send traces, metrics and logs to a collector as well"
        );
    }
    if !config.log_stderr {
        println!("  logs     not echoed here (DATAFACE_LOG_STDERR=true to see them on stderr)");
    }
}

/// The day's narrative as `tracing` events: inside the operation's span, so over OTLP each is
/// a log record correlated with that span.
fn narrate(line: &LogLine) {
    macro_rules! event {
        ($level:ident) => {
            match line.code {
                Some(code) => tracing::$level!(
                    dataface.surface = line.surface.name(),
                    error.type = code,
                    "{}",
                    line.message
                ),
                None => {
                    tracing::$level!(dataface.surface = line.surface.name(), "{}", line.message)
                }
            }
        };
    }
    match line.level {
        Level::Info => event!(info),
        Level::Warn => event!(warn),
        Level::Error => event!(error),
    }
}

fn summary(report: &Report, surface: Surface, scrape: Option<&Scrape>) {
    let r = report.surface(surface);
    println!(
        "\n== {surface} (task card {}): {}",
        surface.task_card(),
        surface.title()
    );
    for (i, incident) in surface.incidents().iter().enumerate() {
        let head = if i == 0 { "scripted" } else { "" };
        for (j, line) in wrap(incident, 84).iter().enumerate() {
            let bullet = if j == 0 { "-" } else { " " };
            println!("   {:<11} {bullet} {line}", if j == 0 { head } else { "" });
        }
    }
    let kinds: Vec<String> = r
        .operations
        .iter()
        .map(|(kind, n)| format!("{kind} {}", group(*n as f64)))
        .collect();
    println!(
        "   operations  {:>6}  ({})",
        group(r.operations_total() as f64),
        kinds.join(", ")
    );
    println!(
        "   errors      {:>6}  by code, with the owner and severity the signal catalog gives it:",
        group(r.errors_total() as f64)
    );
    for e in &r.errors {
        println!(
            "               {:>6}  {:<32} {:<22} {}",
            group(e.count as f64),
            e.spec.code,
            e.spec.owner.id,
            format!("{:?}", e.spec.severity).to_lowercase()
        );
    }
    let owners: Vec<String> = r
        .errors_by_owner()
        .iter()
        .map(|(owner, n)| format!("{owner} {}", group(*n as f64)))
        .collect();
    println!("   by owner            {}", owners.join(", "));

    let Some(scrape) = scrape else {
        println!("   moved       no scrape endpoint in this configuration");
        return;
    };
    let moved = surface.moved(scrape);
    println!(
        "   moved       {} non-zero series on the scrape (histograms as their _count):",
        moved.len()
    );
    for metric in surface.section().metrics {
        let series: Vec<&MovedSeries> = moved.iter().filter(|m| m.metric == metric).collect();
        if !series.is_empty() {
            print_metric(&series);
        }
    }
}

/// `text` in lines of at most `width` characters.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = vec![String::new()];
    for word in text.split_whitespace() {
        let line = lines.last_mut().expect("one line at least");
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(word.to_owned());
        } else {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    lines
}

/// One metric's moved series: a counter's or histogram's total and its biggest series, or a
/// gauge's values (timestamps as how long ago).
fn print_metric(series: &[&MovedSeries]) {
    let metric = series[0].metric;
    let name = series[0].series.split('{').next().unwrap_or_default();
    let labels = |m: &MovedSeries| m.series[name.len()..].to_owned();
    if metric.kind == InstrumentKind::Gauge {
        let timestamp = metric.unit == "s";
        let mut sorted = series.to_vec();
        if timestamp {
            sorted.sort_by(|a, b| a.value.total_cmp(&b.value)); // the oldest first
        } else {
            sorted.sort_by(|a, b| b.value.total_cmp(&a.value));
        }
        for m in sorted.iter().take(4) {
            let value = if timestamp {
                relative(m.value)
            } else {
                group(m.value)
            };
            println!("   {value:>11}  {}", m.series);
        }
        if sorted.len() > 4 {
            println!(
                "   {:>11}  ... and {} more {name} series",
                "",
                sorted.len() - 4
            );
        }
        return;
    }
    let total: f64 = series.iter().map(|m| m.value).sum();
    let top = series
        .iter()
        .max_by(|a, b| a.value.total_cmp(&b.value))
        .expect("not empty");
    if series.len() == 1 {
        println!("   {:>11}  {}", group(total), top.series);
    } else {
        println!(
            "   {:>11}  {name} ({} series), the biggest:",
            group(total),
            series.len()
        );
        println!("   {:>11}    {}", group(top.value), labels(top));
    }
}

/// `1234567` as `1,234,567`; fractions with up to three decimals.
fn group(value: f64) -> String {
    if value.fract() != 0.0 || value.abs() >= 1e15 {
        return format!("{value:.3}");
    }
    let digits = format!("{}", value.abs() as u64);
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if value < 0.0 {
        out.insert(0, '-');
    }
    out
}

/// A Unix time as how long ago (or how far ahead) it is.
fn relative(unix_seconds: f64) -> String {
    if !unix_seconds.is_finite() || unix_seconds <= 0.0 {
        return "never".to_owned();
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64();
    let delta = now - unix_seconds;
    let span = |s: f64| {
        let s = s.abs() as u64;
        match s {
            0..=59 => format!("{s}s"),
            60..=3_599 => format!("{}m", s / 60),
            3_600..=86_399 => format!("{}h{:02}m", s / 3_600, s % 3_600 / 60),
            _ => format!("{:.1} days", s as f64 / 86_400.0),
        }
    };
    if delta >= 0.0 {
        format!("{} ago", span(delta))
    } else {
        format!("in {}", span(delta))
    }
}
