//! What the day reports: its progress while it runs, and per surface what it did.

use crate::{bump, Surface};
use dataface_telemetry::cloud::ProjectLifecycle;
use dataface_telemetry::core::catalog::ErrorCodeSpec;
use std::fmt;
use std::time::Duration;

/// Where the day is: handed to [`LaunchDay::run`](crate::LaunchDay::run)'s callback about once per
/// [`progress_every`](crate::LaunchDay::progress_every), and once at the end.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    /// Real time since the day started.
    pub elapsed: Duration,
    /// How long the day runs.
    pub duration: Duration,
    /// The simulated clock, in minutes since 00:00 (1440 at the end).
    pub minute_of_day: u32,
    /// Rounds of traffic so far.
    pub rounds: u64,
    /// Operations so far per surface, in [`Surface::ALL`] order.
    pub operations: [u64; 5],
    /// Errors so far per surface, in [`Surface::ALL`] order.
    pub errors: [u64; 5],
    /// Whether the day is over (the last call).
    pub finished: bool,
}

impl Progress {
    /// Operations of `surface` so far.
    pub fn operations(&self, surface: Surface) -> u64 {
        self.operations[surface.index()]
    }

    /// Errors of `surface` so far.
    pub fn errors(&self, surface: Surface) -> u64 {
        self.errors[surface.index()]
    }

    /// The simulated clock as `HH:MM`.
    pub fn clock(&self) -> String {
        format!(
            "{:02}:{:02}",
            self.minute_of_day / 60,
            self.minute_of_day % 60
        )
    }
}

/// One line: elapsed time, simulated clock, operations per surface.
impl fmt::Display for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:>5.1} s  day {}  operations:",
            self.elapsed.as_secs_f64(),
            self.clock()
        )?;
        for surface in Surface::ALL {
            write!(f, "  {} {}", surface, self.operations(surface))?;
        }
        Ok(())
    }
}

/// How many times one error code was recorded, with its catalog entry (owner, severity,
/// summary, remedy).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ErrorCount {
    /// The code's entry in [`CATALOG`](dataface_telemetry::CATALOG).
    pub spec: &'static ErrorCodeSpec,
    /// How many operations failed (or warned) with it.
    pub count: u64,
}

/// What one surface did during the day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SurfaceReport {
    /// The surface.
    pub surface: Surface,
    /// Operations by kind (`compile`, `query`, `webhook` ...), in the order first seen.
    pub operations: Vec<(&'static str, u64)>,
    /// Errors by code, most frequent first.
    pub errors: Vec<ErrorCount>,
}

impl SurfaceReport {
    /// All operations.
    pub fn operations_total(&self) -> u64 {
        self.operations.iter().map(|(_, n)| n).sum()
    }

    /// All errors.
    pub fn errors_total(&self) -> u64 {
        self.errors.iter().map(|e| e.count).sum()
    }

    /// How many times `code` was recorded.
    pub fn error(&self, code: &str) -> u64 {
        self.errors
            .iter()
            .filter(|e| e.spec.code == code)
            .map(|e| e.count)
            .sum()
    }

    /// Errors by owner (the routing key of each code's owner), most first.
    pub fn errors_by_owner(&self) -> Vec<(&'static str, u64)> {
        let mut owners: Vec<(&'static str, u64)> = Vec::new();
        for e in &self.errors {
            bump(&mut owners, e.spec.owner.id, e.count);
        }
        owners.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        owners
    }
}

/// What the day did, per surface. It keeps the projects the cloud surface still tracks until
/// it is dropped, so the gauges describing them (projects per state, the stuck project)
/// stay on the scrape while the report is read.
#[derive(Debug)]
pub struct Report {
    /// Real time the day took.
    pub elapsed: Duration,
    /// Rounds of traffic.
    pub rounds: u64,
    /// One report per surface, in [`Surface::ALL`] order.
    pub surfaces: Vec<SurfaceReport>,
    /// Open work that outlives the day until the report is dropped.
    pub(crate) held: Vec<ProjectLifecycle>,
}

impl Report {
    /// The report of `surface`.
    pub fn surface(&self, surface: Surface) -> &SurfaceReport {
        &self.surfaces[surface.index()]
    }

    /// All operations of the day.
    pub fn operations_total(&self) -> u64 {
        self.surfaces
            .iter()
            .map(SurfaceReport::operations_total)
            .sum()
    }

    /// All errors of the day.
    pub fn errors_total(&self) -> u64 {
        self.surfaces.iter().map(SurfaceReport::errors_total).sum()
    }

    /// Projects the cloud surface still tracks (they leave its gauges when the report is
    /// dropped).
    pub fn projects_tracked(&self) -> usize {
        self.held.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn progress_reads_as_one_line() {
        let p = Progress {
            elapsed: Duration::from_millis(2_500),
            duration: Duration::from_secs(10),
            minute_of_day: 9 * 60 + 36,
            rounds: 100,
            operations: [1, 2, 3, 4, 5],
            errors: [0; 5],
            finished: false,
        };
        assert_eq!(
            p.to_string(),
            "  2.5 s  day 09:36  operations:  compiler 1  context 2  profiler 3  cloud 4  \
             integrations 5"
        );
    }
}
