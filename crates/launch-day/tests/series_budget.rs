//! Each surface run as its own service stays within its section's declared series budget:
//! its workload, every fault switched on and off, recorded into a recorder of its own; the
//! series counted as a classic scrape shows them (a histogram label set as its buckets,
//! `+Inf`, `_sum` and `_count`). At start it registers no more than the catalog's
//! zero-initialised series, and a series no rule reads appears only once it is recorded.

use launch_day::workload::{Faults, Load, SimClock, SurfaceLoad};
use launch_day::Surface;
use metrics_util::debugging::DebuggingRecorder;
use std::collections::BTreeMap;

/// The series of `surface`'s metrics registered with the recorder, as a classic scrape
/// counts them, by metric name.
fn series(recorder: &DebuggingRecorder, surface: Surface) -> BTreeMap<String, usize> {
    let section = surface.section();
    let mut by_metric = BTreeMap::new();
    for (key, ..) in recorder.snapshotter().snapshot().into_vec() {
        let name = key.key().name();
        let Some(spec) = section.metrics.iter().find(|m| m.name == name) else {
            continue;
        };
        *by_metric.entry(name.to_owned()).or_insert(0) += spec.series_per_label_set();
    }
    by_metric
}

#[test]
fn each_single_surface_service_stays_within_its_declared_budget() {
    let clock = SimClock::new(240.0);
    for surface in Surface::ALL {
        let section = surface.section();
        let recorder = DebuggingRecorder::new();
        let (at_start, after) = metrics::with_local_recorder(&recorder, || {
            let mut load = SurfaceLoad::new(surface);
            let at_start = series(&recorder, surface).values().sum::<usize>();
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
        let total: usize = after.values().sum();
        let zero_init: usize = section
            .metrics
            .iter()
            .map(|m| m.zero_init_label_sets() * m.series_per_label_set())
            .sum();
        println!(
            "{surface}: {at_start} series at start (zero-initialised at most {zero_init}), {total} after every fault, budget {}, worst case {}",
            section.series_budget,
            section.series_per_process().classic
        );
        assert!(
            total <= section.series_budget,
            "{surface}: {total} series over its budget of {}: {after:?}",
            section.series_budget
        );
        assert!(
            at_start <= zero_init,
            "{surface}: {at_start} series at start, more than the {zero_init} it zero-initialises"
        );
    }
}

#[test]
fn a_series_no_rule_reads_appears_with_its_first_event() {
    // The compiler's query errors by adapter and code: no rule reads them.
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
