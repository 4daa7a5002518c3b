//! Promise: a scrape endpoint nobody scrapes does not make memory grow. Histograms record
//! 100,000 values a second over a few series for 60 s (ten minutes with `--full`) while
//! nothing scrapes. Figures: RSS after the first tenth of the run (the anchor) and at the
//! end (flat: histogram samples are folded into buckets, never kept), and the one scrape at
//! the end, which holds every value recorded.

use std::time::{Duration, Instant};

const PER_TICK: u64 = 1_000;
const TICK: Duration = Duration::from_millis(10);

fn child() {
    let duration = stress::length(Duration::from_secs(60), Duration::from_secs(600));
    stress::watchdog(duration + Duration::from_secs(120));
    let guard = telemetry_core::init("stress-no-scrape").expect("init");
    let start = Instant::now();
    let mut anchor = None;
    let mut peak = 0;
    let mut recorded = 0u64;
    let mut tick = 0u32;
    while start.elapsed() < duration {
        for i in 0..PER_TICK {
            let route = ["a", "b", "c", "d"][(i % 4) as usize];
            metrics::histogram!("stress.latency", "route" => route).record((i % 500) as f64);
        }
        recorded += PER_TICK;
        tick += 1;
        if anchor.is_none() && start.elapsed() >= duration / 10 {
            anchor = Some(stress::rss_bytes());
        }
        peak = peak.max(stress::rss_bytes());
        let due = start + TICK * tick;
        if let Some(wait) = due.checked_duration_since(Instant::now()) {
            std::thread::sleep(wait);
        }
    }
    let end = stress::rss_bytes();
    let anchor = anchor.expect("the run lasted a tenth of its length");
    let growth = end.saturating_sub(anchor);
    println!(
        "{recorded} histogram values in {:?} ({:.0}/s), never scraped: RSS after the first tenth (anchor) {} MiB, peak {} MiB, end {} MiB, growth {} KiB",
        start.elapsed(),
        recorded as f64 / start.elapsed().as_secs_f64(),
        anchor >> 20,
        peak >> 20,
        end >> 20,
        growth >> 10
    );
    let text = guard.prometheus_text().expect("the scrape is on");
    let counted: f64 = text
        .lines()
        .filter(|l| l.starts_with("stress_latency_count{"))
        .filter_map(|l| l.rsplit(' ').next()?.parse::<f64>().ok())
        .sum();
    println!("the first scrape counts {counted} values");
    assert_eq!(
        counted as u64, recorded,
        "every value recorded is on the scrape"
    );
    assert!(
        growth < 8 << 20,
        "RSS grew {growth} bytes with nobody scraping"
    );
    guard.shutdown(Duration::from_secs(5)).expect("shutdown");
}

fn main() {
    if stress::child_mode().is_some() {
        return child();
    }
    stress::run_child(
        "no scrape",
        &[
            ("OTEL_METRICS_EXPORTER", "prometheus".into()),
            ("OTEL_EXPORTER_PROMETHEUS_PORT", "0".into()),
            ("OTEL_TRACES_EXPORTER", "none".into()),
            ("OTEL_LOGS_EXPORTER", "none".into()),
            ("DATAFACE_LOG_STDERR", "false".into()),
        ],
    );
}
