//! Every fault a drill scenario injects exists on the surface it names, and every fault of
//! a surface changes nothing until it is switched on.

use launch_day::workload::{Faults, Load, SimClock, SurfaceLoad};
use launch_day::Surface;
use telemetry_ops::drill::scenarios::{Action, SCENARIOS};

#[test]
fn every_scenario_fault_is_one_the_surface_can_inject() {
    let mut checked = 0;
    for s in SCENARIOS {
        let Action::Fault(name) = s.action else {
            continue;
        };
        let surface = Surface::ALL
            .into_iter()
            .find(|x| x.name() == s.surface)
            .unwrap_or_else(|| panic!("{}: no surface {}", s.name, s.surface));
        let load = SurfaceLoad::new(surface);
        assert!(
            load.faults().iter().any(|f| f.name == name),
            "{}: the {} workload has no fault {name}",
            s.name,
            s.surface
        );
        checked += 1;
    }
    assert!(checked >= 25, "{checked}");
}

#[test]
fn every_fault_runs_a_round_on_and_off() {
    let clock = SimClock::new(240.0);
    for surface in Surface::ALL {
        let mut load = SurfaceLoad::new(surface);
        let faults = Faults::new(load.faults());
        load.round(&clock, &[]);
        for f in load.faults() {
            faults.set(f.name, true).unwrap();
            load.injected(f.name, &clock);
            load.round(&clock, &faults.active());
            faults.set(f.name, false).unwrap();
            for c in faults.take_cleared() {
                load.cleared(&c, &clock);
            }
            load.round(&clock, &faults.active());
        }
        assert!(faults.active().is_empty());
    }
    assert_eq!(clock.real(std::time::Duration::from_secs(240)).as_secs(), 1);
}
