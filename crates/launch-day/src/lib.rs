//! # launch-day
//!
//! The whole-product launch-day workload: the five product surfaces working through one
//! simulated launch day, with the failure modes of every task card scripted in, compressed
//! into a few seconds of real time. The demo (`cargo run --example launch_day` at the
//! workspace root) runs it, and so do the end-to-end tests that send its signals through a
//! real collector. It is not published: a service links the probes, never this simulator.
//!
//! [`LaunchDay::run`] drives the five probe crates ([`dataface_telemetry::compiler`],
//! [`dataface_telemetry::context`], [`dataface_telemetry::profiler`],
//! [`dataface_telemetry::cloud`], [`dataface_telemetry::integrations`]) the way their
//! services would, so every surface emits its catalog's spans and metrics. Each surface's
//! [incidents](Surface::incidents) happen at a simulated hour, and every simulated hour runs
//! exactly once however fast or slow the machine is, so a run of any length sees every
//! incident. The traffic around them comes from counters, not from a random number
//! generator: the work depends only on the run's length and the machine's pace. Between
//! rounds the day sleeps a few milliseconds, so a run costs little CPU.
//!
//! Start the pipeline first ([`dataface_telemetry::init`] or
//! [`dataface_telemetry::init_with`]): the probes register their metric handles when the day
//! starts, and metrics recorded before the pipeline is installed are lost. Without a pipeline
//! the probes record nothing, but the day still runs and reports what it did:
//!
//! ```
//! use launch_day::{LaunchDay, Surface};
//! use std::time::Duration;
//!
//! let report = LaunchDay::new(Duration::from_millis(100)).run(|progress| println!("{progress}"));
//! let compiler = report.surface(Surface::Compiler);
//! assert!(compiler.error("migration_failed") > 0, "release 2.5.0 breaks contract 1.1");
//! let migration = compiler.errors.iter().find(|e| e.spec.code == "migration_failed").unwrap();
//! assert_eq!(migration.spec.owner.id, "core-compiler");
//! ```
//!
//! With the pipeline, the report and the scrape together say what happened on each surface:
//!
//! ```no_run
//! use launch_day::LaunchDay;
//! use std::time::Duration;
//! use telemetry_testing::scrape::Scrape;
//!
//! let guard = dataface_telemetry::init_with("launch-day", dataface_telemetry::local_defaults())?;
//! let report = LaunchDay::new(Duration::from_secs(10)).run(|progress| println!("{progress}"));
//! let scrape = Scrape::parse(&guard.prometheus_text().unwrap_or_default())?;
//! for surface in &report.surfaces {
//!     println!("{}: {} operations", surface.surface, surface.operations_total());
//!     for error in &surface.errors {
//!         println!("  {} x {} (owner {})", error.count, error.spec.code, error.spec.owner.id);
//!     }
//!     for moved in surface.surface.moved(&scrape) {
//!         println!("  {} {}", moved.series, moved.value);
//!     }
//! }
//! drop(report);
//! guard.shutdown(Duration::from_secs(5))?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! The probes log on their own where their crates say so (billing retries and losses,
//! rejected lifecycle transitions, expiring certificates, skipped columns). The rest of the
//! day's narrative (a failed migration, a stale source, a rollback) is handed as
//! [`LogLine`]s to a [narrator](LaunchDay::narrator), called inside the span of the operation
//! it is about: a narrator that emits a `tracing` event there makes a log record correlated
//! with that span.

mod narrative;

mod cloud;
mod compiler;
mod context;
mod integrations;
mod profiler;
mod summary;
mod surface;
pub mod workload;

pub use narrative::{Level, LogLine};
pub use summary::{ErrorCount, Progress, Report, SurfaceReport};
pub use surface::{MovedSeries, Surface};

use cloud::Cloud;
use compiler::Compiler;
use context::ContextCatalog;
use dataface_telemetry::core::catalog::ErrorCodeSpec;
use dataface_telemetry::core::errors::ErrorCode;
use dataface_telemetry::integrations::IntegrationsProbes;
use integrations::Integrations;
use profiler::Profiler;
use std::time::{Duration, Instant};

/// How long [`LaunchDay::default`] runs: the whole simulated day in 10 s.
pub const DEFAULT_DURATION: Duration = Duration::from_secs(10);

/// How often [`LaunchDay::run`] reports progress unless told otherwise.
pub const DEFAULT_PROGRESS_EVERY: Duration = Duration::from_secs(1);

/// How long the day sleeps between two rounds of traffic unless told otherwise.
pub const DEFAULT_PAUSE: Duration = Duration::from_millis(20);

/// Simulated hours in the day.
pub(crate) const HOURS: u32 = 24;

/// The launch day: how long it runs, how often it reports progress, how it narrates.
#[derive(Debug, Clone)]
pub struct LaunchDay {
    duration: Duration,
    progress_every: Duration,
    pause: Duration,
    narrator: Option<fn(&LogLine)>,
}

impl Default for LaunchDay {
    /// A day of [`DEFAULT_DURATION`].
    fn default() -> Self {
        Self::new(DEFAULT_DURATION)
    }
}

impl LaunchDay {
    /// A day that runs for `duration` of real time (the simulated 24 hours compressed into
    /// it), reporting progress every second, with no narrator.
    pub fn new(duration: Duration) -> Self {
        Self {
            duration,
            progress_every: DEFAULT_PROGRESS_EVERY,
            pause: DEFAULT_PAUSE,
            narrator: None,
        }
    }

    /// Reports progress every `every` (at least every millisecond) instead of every second.
    pub fn progress_every(mut self, every: Duration) -> Self {
        self.progress_every = every.max(Duration::from_millis(1));
        self
    }

    /// Sleeps `pause` between two rounds of traffic instead of [`DEFAULT_PAUSE`]: shorter
    /// means more traffic and more CPU.
    pub fn pause(mut self, pause: Duration) -> Self {
        self.pause = pause;
        self
    }

    /// Hands the day's narrative to `narrate`, called inside the span of the operation each
    /// line is about (see [`LogLine`]).
    pub fn narrator(mut self, narrate: fn(&LogLine)) -> Self {
        self.narrator = Some(narrate);
        self
    }

    /// How long the day runs.
    pub fn duration(&self) -> Duration {
        self.duration
    }

    /// Runs the day: every simulated hour's scripted work once, rounds of traffic in between
    /// until `duration` has passed, `on_tick` about every
    /// [`progress_every`](Self::progress_every) and once at the end. Returns what each
    /// surface did.
    pub fn run(&self, mut on_tick: impl FnMut(&Progress)) -> Report {
        let started = Instant::now();
        let integrations = IntegrationsProbes::new();
        let mut ctx = Ctx {
            tally: Tally::default(),
            narrator: self.narrator,
            surface: Surface::Compiler,
        };
        let mut day = Day {
            compiler: Compiler::new(),
            context: ContextCatalog::new(),
            profiler: Profiler::new(),
            cloud: Cloud::new(),
            integrations: Integrations::new(&integrations),
        };
        let mut next_hour = 0;
        let mut rounds = 0;
        let mut next_tick = self.progress_every;
        loop {
            let elapsed = started.elapsed();
            let over = elapsed >= self.duration;
            let fraction = if over {
                1.0
            } else {
                elapsed.as_secs_f64() / self.duration.as_secs_f64()
            };
            // Every hour up to now runs once, also those a slow round skipped past.
            let hour = ((fraction * f64::from(HOURS)) as u32).min(HOURS - 1);
            while next_hour <= hour {
                day.hour(next_hour, &mut ctx);
                next_hour += 1;
            }
            if over {
                break;
            }
            day.round(hour, &mut ctx);
            rounds += 1;
            if elapsed >= next_tick {
                on_tick(&ctx.progress(elapsed, self.duration, fraction, rounds, false));
                while next_tick <= elapsed {
                    next_tick += self.progress_every;
                }
            }
            std::thread::sleep(self.pause);
        }
        day.integrations.close();
        let elapsed = started.elapsed();
        on_tick(&ctx.progress(elapsed, self.duration, 1.0, rounds, true));
        Report {
            elapsed,
            rounds,
            surfaces: Surface::ALL.iter().map(|s| ctx.tally.report(*s)).collect(),
            held: std::mem::take(&mut day.cloud.projects),
        }
    }
}

/// Runs a [`LaunchDay`] of `duration` with the defaults, calling `on_tick` with its progress.
pub fn run(duration: Duration, on_tick: impl FnMut(&Progress)) -> Report {
    LaunchDay::new(duration).run(on_tick)
}

/// Adds `n` to `key`'s entry in `list`, appending it when new.
pub(crate) fn bump(list: &mut Vec<(&'static str, u64)>, key: &'static str, n: u64) {
    match list.iter_mut().find(|(k, _)| *k == key) {
        Some((_, count)) => *count += n,
        None => list.push((key, n)),
    }
}

/// Operations and errors per surface.
#[derive(Debug, Default)]
struct Tally {
    operations: [Vec<(&'static str, u64)>; 5],
    errors: [Vec<(&'static str, u64)>; 5],
}

impl Tally {
    fn report(&self, surface: Surface) -> SurfaceReport {
        let i = surface.index();
        let mut errors: Vec<ErrorCount> = self.errors[i]
            .iter()
            .map(|(code, count)| ErrorCount {
                spec: catalog_spec(surface, code),
                count: *count,
            })
            .collect();
        errors.sort_by(|a, b| b.count.cmp(&a.count).then(a.spec.code.cmp(b.spec.code)));
        SurfaceReport {
            surface,
            operations: self.operations[i].clone(),
            errors,
        }
    }
}

/// The catalog's entry for `code` of `surface`.
fn catalog_spec(surface: Surface, code: &str) -> &'static ErrorCodeSpec {
    dataface_telemetry::CATALOG
        .error_codes()
        .find(|e| e.surface == surface.name() && e.code == code)
        .expect("the day records only error codes its surfaces declare in the catalog")
}

/// What every surface's work shares: the tally, the narrator, and which surface is at work.
pub(crate) struct Ctx {
    tally: Tally,
    narrator: Option<fn(&LogLine)>,
    surface: Surface,
}

impl Ctx {
    /// Counts an operation of kind `kind` on the current surface.
    fn op(&mut self, kind: &'static str) {
        bump(&mut self.tally.operations[self.surface.index()], kind, 1);
    }

    /// Counts an operation of the current surface that failed (or warned) with `code`.
    fn err(&mut self, code: impl ErrorCode) {
        bump(&mut self.tally.errors[self.surface.index()], code.code(), 1);
    }

    fn line(&self, level: Level, code: Option<&'static str>, message: String) -> LogLine {
        LogLine {
            level,
            surface: self.surface,
            code,
            message,
        }
    }

    fn progress(
        &self,
        elapsed: Duration,
        duration: Duration,
        fraction: f64,
        rounds: u64,
        finished: bool,
    ) -> Progress {
        let sum = |list: &[(&'static str, u64)]| -> u64 { list.iter().map(|(_, n)| n).sum() };
        Progress {
            elapsed,
            duration,
            minute_of_day: (fraction.clamp(0.0, 1.0) * f64::from(HOURS * 60)) as u32,
            rounds,
            operations: std::array::from_fn(|i| sum(&self.tally.operations[i])),
            errors: std::array::from_fn(|i| sum(&self.tally.errors[i])),
            finished,
        }
    }
}

/// A deterministic spread of `n` over `0..range`.
pub(crate) fn spread(n: u64, salt: u64, range: u64) -> u64 {
    (n.wrapping_mul(7_919)
        .wrapping_add(salt.wrapping_mul(104_729))
        ^ 0x5bd1)
        % range
}

/// The five surfaces at work.
struct Day<'p> {
    compiler: Compiler,
    context: ContextCatalog,
    profiler: Profiler,
    cloud: Cloud,
    integrations: Integrations<'p>,
}

impl Day<'_> {
    /// The scripted work of simulated hour `hour`.
    fn hour(&mut self, hour: u32, ctx: &mut Ctx) {
        ctx.surface = Surface::Compiler;
        self.compiler.hour(hour, ctx);
        ctx.surface = Surface::Context;
        self.context.hour(hour, ctx);
        ctx.surface = Surface::Profiler;
        self.profiler.hour(hour, ctx);
        ctx.surface = Surface::Cloud;
        self.cloud.hour(hour, ctx);
        ctx.surface = Surface::Integrations;
        self.integrations.hour(hour, ctx);
    }

    /// One round of traffic during simulated hour `hour`.
    fn round(&mut self, hour: u32, ctx: &mut Ctx) {
        ctx.surface = Surface::Compiler;
        self.compiler.round(ctx);
        ctx.surface = Surface::Context;
        self.context.round(ctx);
        ctx.surface = Surface::Profiler;
        self.profiler.round(hour, ctx);
        ctx.surface = Surface::Cloud;
        self.cloud.round(hour, ctx);
        ctx.surface = Surface::Integrations;
        self.integrations.round(hour, ctx);
    }
}

/// The README's example compiles and runs as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_surface_has_its_catalog_section_and_scripts_errors_with_owners() {
        let report = LaunchDay::new(Duration::ZERO).run(|_| {});
        assert_eq!(report.rounds, 0, "a zero-length day runs only its 24 hours");
        for surface in Surface::ALL {
            assert_eq!(surface.section().surface, surface.name());
            let r = report.surface(surface);
            assert!(r.operations_total() > 0, "{surface}: no operations");
            assert!(r.errors_total() > 0, "{surface}: no errors");
            for e in &r.errors {
                assert_eq!(e.spec.surface, surface.name());
            }
        }
        let owners = report.surface(Surface::Integrations).errors_by_owner();
        assert!(owners.iter().any(|(o, _)| *o == "billing"), "{owners:?}");
        assert!(owners.iter().any(|(o, _)| *o == "integrations-platform"));
    }

    #[test]
    fn the_same_length_of_day_does_the_same_scripted_work() {
        let a = LaunchDay::new(Duration::ZERO).run(|_| {});
        let b = LaunchDay::new(Duration::ZERO).run(|_| {});
        assert_eq!(a.surfaces, b.surfaces);
        let c = a.surface(Surface::Compiler);
        // 24 hourly recompiles of each contract version; 1.1 fails from 10:00 to 15:59
        // (minus the users' own typos).
        assert_eq!(c.operations[0], ("compile", 72));
        assert_eq!(c.error("migration_failed"), 6, "{c:?}");
    }
}
