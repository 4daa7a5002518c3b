//! Each surface run as its own service stays within its section's declared series budget:
//! its workload, every fault switched on and off, recorded into a recorder of its own; the
//! series counted as a classic scrape shows them (a histogram label set as its buckets,
//! `+Inf`, `_sum` and `_count`) and as native histograms do (a label set, one series). At
//! start it registers no more than the catalog's zero-initialised series, and a series no
//! rule reads appears only once it is recorded.

use dataface_telemetry::core::catalog::{MetricSpec, SeriesCount};
use launch_day::workload::{Faults, Load, SimClock, SurfaceLoad};
use launch_day::Surface;
use metrics_util::debugging::DebuggingRecorder;
use std::collections::BTreeMap;

/// The series of `surface`'s metrics registered with the recorder, as a classic scrape and
/// as native histograms count them, by metric name.
fn series(recorder: &DebuggingRecorder, surface: Surface) -> BTreeMap<String, SeriesCount> {
    let section = surface.section();
    let mut by_metric: BTreeMap<String, SeriesCount> = BTreeMap::new();
    for (key, ..) in recorder.snapshotter().snapshot().into_vec() {
        let name = key.key().name();
        let Some(spec) = section.metrics.iter().find(|m| m.name == name) else {
            continue;
        };
        let one = SeriesCount {
            label_sets: 1,
            classic: spec.series_per_label_set(),
            native: 1,
        };
        let entry = by_metric.entry(name.to_owned()).or_default();
        *entry = *entry + one;
    }
    by_metric
}

/// How many releases of `surface` its workload hosts for `metric`: the compiler's holds the
/// old and the new release of a rollout in one process (so the drill can roll one back),
/// where a real process reports one; its release-labelled metrics count once per release.
fn releases(surface: Surface, metric: &MetricSpec) -> usize {
    if surface == Surface::Compiler && metric.label("dataface.compiler.version").is_some() {
        2
    } else {
        1
    }
}

#[test]
fn each_single_surface_service_stays_within_its_declared_budget() {
    let clock = SimClock::new(240.0);
    for surface in Surface::ALL {
        let section = surface.section();
        let recorder = DebuggingRecorder::new();
        let (at_start, after) = metrics::with_local_recorder(&recorder, || {
            // Probes record only where telemetry is enabled: without this every guard is
            // inert and only the zero-initialised series would be counted.
            let _enabled = dataface_telemetry::core::enable_on_this_thread();
            let mut load = SurfaceLoad::new(surface);
            let at_start = series(&recorder, surface);
            let faults = Faults::new(load.faults());
            // The workload's rates are per simulated second: rounds 50 ms apart, as the
            // drill workload runs them (240 × 50 ms = 12 simulated seconds each).
            let pause = std::time::Duration::from_millis(50);
            for _ in 0..10 {
                std::thread::sleep(pause);
                load.round(&clock, &[]);
            }
            for f in load.faults() {
                faults.set(f.name, true).unwrap();
                load.injected(f.name, &clock);
                for _ in 0..3 {
                    std::thread::sleep(pause);
                    load.round(&clock, &faults.active());
                }
                faults.set(f.name, false).unwrap();
                for c in faults.take_cleared() {
                    load.cleared(&c, &clock);
                }
                std::thread::sleep(pause);
                load.round(&clock, &faults.active());
            }
            (at_start, series(&recorder, surface))
        });
        let total: SeriesCount = after.values().copied().sum();
        let started: usize = at_start.values().map(|c| c.classic).sum();
        let zero_init: usize = section
            .metrics
            .iter()
            .map(|m| m.zero_init_label_sets() * m.series_per_label_set() * releases(surface, m))
            .sum();
        println!(
            "{surface}: {started} series at start (zero-initialised at most {zero_init}); after every fault {} native (budget {}, worst case {}), {} classic (budget {}, worst case {})",
            total.native,
            section.series_budget.native,
            section.series_per_process().native,
            total.classic,
            section.series_budget.classic,
            section.series_per_process().classic,
        );
        assert!(
            section.series_budget.fits(total),
            "{surface}: {total:?} series over its budget of {:?}: {after:?}",
            section.series_budget
        );
        assert!(
            total.classic > started,
            "{surface}: no series appeared with traffic and faults: the workload recorded nothing"
        );
        assert!(
            started <= zero_init,
            "{surface}: {started} series at start, more than the {zero_init} it zero-initialises: {at_start:?}"
        );
    }
}

#[test]
fn a_series_no_rule_reads_appears_with_its_first_event() {
    // The compiler's query errors by code: no rule reads them.
    let recorder = DebuggingRecorder::new();
    metrics::with_local_recorder(&recorder, || {
        let load = SurfaceLoad::new(Surface::Compiler);
        let at_start = series(&recorder, Surface::Compiler);
        assert!(
            !at_start.contains_key("dataface.query.errors"),
            "registered before any query failed: {at_start:?}"
        );
        assert!(
            at_start.contains_key("dataface.compile.errors"),
            "the error budget's counter must be at 0 from the start: {at_start:?}"
        );
        drop(load);
    });
}
