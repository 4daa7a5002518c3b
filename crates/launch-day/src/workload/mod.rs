//! The drill workload: one product surface per process, healthy traffic on a simulated clock,
//! and named faults switched on and off at run time.
//!
//! `dataface-ops drill` starts one `drill-workload` process per surface (as production runs
//! one service per surface), scrapes each with a real Prometheus and injects the task cards'
//! failure modes one by one. Where [`LaunchDay`](crate::LaunchDay) scripts a whole day with
//! its incidents at fixed hours, this workload is healthy until told otherwise:
//!
//! - [`Load::round`] does one round of the surface's traffic, every operation within its
//!   objective, unless a [fault](Load::faults) is active;
//! - the [`SimClock`] runs at the drill's time factor, so scheduled work (a catalog refresh
//!   every 10 simulated minutes, certificates valid for 60 simulated days) keeps the same
//!   proportions to the alerts' windows as in production once those windows are divided by
//!   the same factor;
//! - the control endpoint ([`control`]) switches faults on and off by name.
//!
//! ```
//! use launch_day::workload::{Faults, Load, SimClock, SurfaceLoad};
//! use launch_day::Surface;
//!
//! let mut load = SurfaceLoad::new(Surface::Compiler);
//! assert!(load.faults().iter().any(|f| f.name == "render-outage"));
//! let clock = SimClock::new(240.0);
//! let faults = Faults::new(load.faults());
//! faults.set("render-outage", true).unwrap_or_else(|e| panic!("{e}"));
//! load.round(&clock, &faults.active());
//! ```

pub mod control;
mod loads;

pub use control::{ControlError, Faults};
pub use loads::SurfaceLoad;

use std::time::{Duration, Instant, SystemTime};

/// A fault a surface's workload can inject: its name (what the control endpoint and the
/// drill's scenarios say) and what it does, in the task card's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FaultSpec {
    /// The fault's name (`render-outage`).
    pub name: &'static str,
    /// What it does to the traffic.
    pub effect: &'static str,
}

/// One surface's traffic: a round at a time, faults by name.
pub trait Load {
    /// The faults this surface can inject.
    fn faults(&self) -> &'static [FaultSpec];

    /// One round of traffic at `clock`'s simulated time, with the faults named in `active`
    /// (names from [`faults`](Self::faults)) in effect.
    fn round(&mut self, clock: &SimClock, active: &[String]);

    /// Called once when `fault` is switched on, before the next round: apply what happens
    /// once (a certificate observed with 2 days left).
    fn injected(&mut self, fault: &str, clock: &SimClock) {
        let _ = (fault, clock);
    }

    /// Called when `fault` is switched off: finish what the fault held (a stuck project, the
    /// billing events waiting on the provider).
    fn cleared(&mut self, fault: &str, clock: &SimClock);
}

/// The workload's clock: simulated time runs `factor` times faster than real time, from the
/// real time the clock was made.
#[derive(Debug, Clone, Copy)]
pub struct SimClock {
    started: Instant,
    started_at: SystemTime,
    factor: f64,
}

impl SimClock {
    /// A clock running `factor` times real time (at least 1).
    pub fn new(factor: f64) -> Self {
        Self {
            started: Instant::now(),
            started_at: SystemTime::now(),
            factor: factor.max(1.0),
        }
    }

    /// The time factor.
    pub fn factor(&self) -> f64 {
        self.factor
    }

    /// Simulated time elapsed since the clock started.
    pub fn elapsed(&self) -> Duration {
        self.started.elapsed().mul_f64(self.factor)
    }

    /// A simulated span of time, in real time (`span / factor`).
    pub fn real(&self, span: Duration) -> Duration {
        span.div_f64(self.factor)
    }

    /// The wall-clock time (what Prometheus' `time()` reads) `span` of simulated time from
    /// now: a certificate valid for 60 simulated days expires `60 d / factor` from now.
    pub fn wall_in(&self, span: Duration) -> SystemTime {
        SystemTime::now() + self.real(span)
    }

    /// The wall-clock time `span` of simulated time ago.
    pub fn wall_ago(&self, span: Duration) -> SystemTime {
        SystemTime::now() - self.real(span)
    }

    /// When the clock started, on the wall clock.
    pub fn started_at(&self) -> SystemTime {
        self.started_at
    }
}
