//! The whole-product launch-day workload: the five product surfaces working through one
//! simulated launch day, with the failure modes of every task card scripted in, compressed
//! into a few seconds of real time (`examples/launch_day.rs` runs it).
//!
//! [`LaunchDay::run`] drives the five probe crates ([`crate::compiler`], [`crate::catalog`],
//! [`crate::profiler`], [`crate::cloud`], [`crate::integrations`]) the way their services
//! would, so every surface emits its catalog's spans and metrics. Each surface's
//! [incidents](Surface::incidents) happen at a simulated hour, and every simulated hour runs
//! exactly once however fast or slow the machine is, so a run of any length sees every
//! incident. The traffic around them comes from counters, not from a random number
//! generator: the work depends only on the run's length and the machine's pace. Between
//! rounds the day sleeps a few milliseconds, so a run costs little CPU.
//!
//! Start the pipeline first ([`crate::init`] or [`crate::init_with`]): the probes register
//! their metric handles when the day starts, and metrics recorded before the pipeline is
//! installed are lost. Without a pipeline the probes record nothing, but the day still runs
//! and reports what it did:
//!
//! ```
//! use dataface_telemetry::demo::{LaunchDay, Surface};
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
//! use dataface_telemetry::demo::LaunchDay;
//! use std::time::Duration;
//!
//! let guard = dataface_telemetry::init_with("launch-day", dataface_telemetry::local_defaults())?;
//! let report = LaunchDay::new(Duration::from_secs(10)).run(|progress| println!("{progress}"));
//! let scrape = guard.prometheus_text().unwrap_or_default();
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

use crate::cloud::{
    AccountFailure, CloudProbes, ProjectLifecycle, ProjectState, ProvisioningFailure, QuotaKind,
    SignupMethod,
};
use crate::compiler::{
    Adapter, CompileError, CompileOutcome, CompilerProbes, ContractVersion, RenderFormat, Stage,
};
use crate::context::{
    BreachAction, Consumer, ContextError, ContextProbes, ContractChange, PayloadCheck, Source,
};
use crate::core::catalog::{ErrorCodeSpec, InstrumentKind, MetricSpec, Section};
use crate::core::errors::ErrorCode;
use crate::integrations::{
    BillingError, BillingEventType, BillingGuard, DeployError, DomainError, Environment,
    IntegrationsProbes, WebhookError, WebhookEvent,
};
use crate::profiler::{
    Feedback, ProfileError, ProfilerProbes, RunOutcome, SemanticType, WarehouseType,
};
use std::fmt;
use std::time::{Duration, Instant, SystemTime};

/// How long [`LaunchDay::default`] runs: the whole simulated day in 10 s.
pub const DEFAULT_DURATION: Duration = Duration::from_secs(10);

/// How often [`LaunchDay::run`] reports progress unless told otherwise.
pub const DEFAULT_PROGRESS_EVERY: Duration = Duration::from_secs(1);

/// How long the day sleeps between two rounds of traffic unless told otherwise.
pub const DEFAULT_PAUSE: Duration = Duration::from_millis(20);

/// Simulated hours in the day.
const HOURS: u32 = 24;

// -------------------------------------------------------------------------------------------
// Surfaces
// -------------------------------------------------------------------------------------------

/// One of the five product surfaces, each served by a probe crate and described by a section
/// of [`CATALOG`](crate::CATALOG).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Surface {
    /// The YAML contract compiler, migrations, execution adapters and rendering
    /// ([`crate::compiler`], task card 000).
    Compiler,
    /// The context catalog serving dashboards, the MCP server and the IDE
    /// ([`crate::context`], task card 001).
    Context,
    /// The warehouse profiler and inspector reports ([`crate::profiler`], task card 004).
    Profiler,
    /// The Cloud Suite: accounts, projects and quotas ([`crate::cloud`], task card 003).
    Cloud,
    /// Deployments, Fivetran webhooks, billing and custom domains ([`crate::integrations`],
    /// task card 002).
    Integrations,
}

impl Surface {
    /// Every surface, in the catalog's order.
    pub const ALL: [Surface; 5] = [
        Surface::Compiler,
        Surface::Context,
        Surface::Profiler,
        Surface::Cloud,
        Surface::Integrations,
    ];

    /// The surface's name in the catalog (`compiler`, `context`, `profiler`, `cloud`,
    /// `integrations`).
    pub const fn name(self) -> &'static str {
        match self {
            Surface::Compiler => "compiler",
            Surface::Context => "context",
            Surface::Profiler => "profiler",
            Surface::Cloud => "cloud",
            Surface::Integrations => "integrations",
        }
    }

    /// The task card (`/work/shared/seeds/<card>_*.txt`) the surface's probes answer.
    pub const fn task_card(self) -> &'static str {
        match self {
            Surface::Compiler => "000",
            Surface::Context => "001",
            Surface::Profiler => "004",
            Surface::Cloud => "003",
            Surface::Integrations => "002",
        }
    }

    /// What the surface is, in a few words.
    pub const fn title(self) -> &'static str {
        match self {
            Surface::Compiler => "YAML contracts, compiler, execution adapters, rendering",
            Surface::Context => "context catalog for dashboards, MCP and the IDE",
            Surface::Profiler => "warehouse profiling, semantic types, inspector reports",
            Surface::Cloud => "accounts, project provisioning and lifecycle, quotas",
            Surface::Integrations => "deployments, Fivetran webhooks, billing, custom domains",
        }
    }

    /// The failure modes the day scripts for this surface, with their simulated times.
    pub const fn incidents(self) -> &'static [&'static str] {
        match self {
            Surface::Compiler => &[
                "10:00 release 2.5.0 ships a migration that breaks contract 1.1: every 1.1 \
                 compile fails in the migrate stage until the 16:00 rollback to 2.4.0",
                "all day: users' typos, query timeouts, truncated results, a render timeout \
                 now and then",
            ],
            Surface::Context => &[
                "all day: the `profiles` source has stopped refreshing (2h10m stale at 00:00), \
                 so resolutions serve stale profiles",
                "08:00 the `orders` contract gains 60 columns: MCP context payloads exceed \
                 the 256 KiB limit (truncated, rejected past 512 KiB)",
                "15:00 a breaking change renames orders.customer_id: dashboards get \
                 schema_not_found; enrichment partial at 09:00, failed at 15:00",
            ],
            Surface::Profiler => &[
                "from 11:00 large Snowflake tables pass their deadline; 13:00-15:59 the whole \
                 warehouse is saturated (one run dropped by the caller's timer)",
                "all day: analysts correct a rising share of postal_code detections",
                "a revoked grant on hr.payroll from 12:00, a sampling failure at 09:00, a \
                 skipped GEOGRAPHY column, a cancelled run, a report that fails at 15:00",
            ],
            Surface::Cloud => &[
                "all day: one project stuck in provisioning since 47 minutes before 00:00",
                "free accounts past 3 projects hit the projects quota, trials end; 20:00 a \
                 provisioning fails on infrastructure and is retried",
                "18:00-19:59 GitHub sign-ups time out; 15:00 a 'reactivate' bug tries \
                 deleting -> active and is rejected",
            ],
            Surface::Integrations => &[
                "16:00 the production deployment of 2.5.1 fails its health checks and is \
                 rolled back to 2.4.0",
                "14:00 the webhook secret is rotated on Fivetran's side only: a burst of \
                 signature failures",
                "09:00-11:59 the billing provider is down: events retry, some are given up; \
                 17:00 a code path drops one event",
                "all day: a certificate expiring in 6 days, a CNAME pointing elsewhere, a \
                 lapsed domain",
            ],
        }
    }

    /// The surface's section of [`CATALOG`](crate::CATALOG): its metrics, spans and error
    /// codes.
    pub fn section(self) -> &'static Section {
        crate::CATALOG
            .sections
            .iter()
            .copied()
            .find(|s| s.surface == self.name())
            .expect("the product catalog has a section for every surface")
    }

    /// The series of this surface's metrics that are not zero in `scrape` (the Prometheus
    /// text of [`TelemetryGuard::prometheus_text`](crate::core::TelemetryGuard::prometheus_text)),
    /// histograms as their `_count`, in scrape order.
    pub fn moved(self, scrape: &str) -> Vec<MovedSeries> {
        let names: Vec<(String, &'static MetricSpec)> = self
            .section()
            .metrics
            .iter()
            .map(|m| {
                let mut name = m.prometheus_name();
                if m.kind == InstrumentKind::Histogram {
                    name.push_str("_count");
                }
                (name, m)
            })
            .collect();
        scrape
            .lines()
            .map(str::trim)
            .filter(|line| !line.is_empty() && !line.starts_with('#'))
            .filter_map(|line| {
                let (series, value) = line.rsplit_once(' ')?;
                let name = series.split('{').next()?;
                let metric = names.iter().find(|(n, _)| n == name)?.1;
                let value: f64 = value.parse().ok()?;
                (value != 0.0 && !value.is_nan()).then(|| MovedSeries {
                    metric,
                    series: series.to_owned(),
                    value,
                })
            })
            .collect()
    }

    const fn index(self) -> usize {
        self as usize
    }
}

impl fmt::Display for Surface {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A series of the Prometheus scrape that is not zero (see [`Surface::moved`]).
#[derive(Debug, Clone, PartialEq)]
pub struct MovedSeries {
    /// The catalog entry of its metric.
    pub metric: &'static MetricSpec,
    /// The series as the scrape shows it: name (a histogram's `_count`) and labels.
    pub series: String,
    /// Its value (for a histogram, the number of observations).
    pub value: f64,
}

// -------------------------------------------------------------------------------------------
// Narrative
// -------------------------------------------------------------------------------------------

/// How serious a [`LogLine`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    /// Something happened that is worth knowing.
    Info,
    /// Degraded, or a failure the user can fix.
    Warn,
    /// An operation failed.
    Error,
}

/// One line of the day's narrative: what a service would log at that moment. A
/// [narrator](LaunchDay::narrator) receives it inside the span of the operation it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LogLine {
    /// How serious it is.
    pub level: Level,
    /// The surface it is about.
    pub surface: Surface,
    /// The error code it is about, if any (the `error.type` of the operation).
    pub code: Option<&'static str>,
    /// The message, with the identifiers it needs (dashboard, table, project, domain).
    pub message: String,
}

/// Hands a [`LogLine`] about the current surface to the narrator, inside `$span` when one is
/// given: `say!(ctx, span, Warn(code), "...")`, `say!(ctx, span, Info, "...")`,
/// `say!(ctx, Info, "...")`.
macro_rules! say {
    ($ctx:expr, $span:expr, $level:ident($code:expr), $($fmt:tt)+) => {
        if let Some(narrate) = $ctx.narrator {
            let line = $ctx.line(Level::$level, Some(ErrorCode::code($code)), format!($($fmt)+));
            $span.in_scope(|| narrate(&line));
        }
    };
    ($ctx:expr, $span:expr, $level:ident, $($fmt:tt)+) => {
        if let Some(narrate) = $ctx.narrator {
            let line = $ctx.line(Level::$level, None, format!($($fmt)+));
            $span.in_scope(|| narrate(&line));
        }
    };
    ($ctx:expr, $level:ident, $($fmt:tt)+) => {
        if let Some(narrate) = $ctx.narrator {
            narrate(&$ctx.line(Level::$level, None, format!($($fmt)+)));
        }
    };
}

// -------------------------------------------------------------------------------------------
// Progress and report
// -------------------------------------------------------------------------------------------

/// Where the day is: handed to [`LaunchDay::run`]'s callback about once per
/// [`progress_every`](LaunchDay::progress_every), and once at the end.
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
    /// The code's entry in [`CATALOG`](crate::CATALOG).
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
    held: Vec<ProjectLifecycle>,
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

// -------------------------------------------------------------------------------------------
// The day
// -------------------------------------------------------------------------------------------

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
            catalog: Catalog::new(),
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
fn bump(list: &mut Vec<(&'static str, u64)>, key: &'static str, n: u64) {
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
    crate::CATALOG
        .error_codes()
        .find(|e| e.surface == surface.name() && e.code == code)
        .expect("the day records only error codes its surfaces declare in the catalog")
}

/// What every surface's work shares: the tally, the narrator, and which surface is at work.
struct Ctx {
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
fn spread(n: u64, salt: u64, range: u64) -> u64 {
    (n.wrapping_mul(7_919)
        .wrapping_add(salt.wrapping_mul(104_729))
        ^ 0x5bd1)
        % range
}

/// The five surfaces at work.
struct Day<'p> {
    compiler: Compiler,
    catalog: Catalog,
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
        self.catalog.hour(hour, ctx);
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
        self.catalog.round(ctx);
        ctx.surface = Surface::Profiler;
        self.profiler.round(hour, ctx);
        ctx.surface = Surface::Cloud;
        self.cloud.round(hour, ctx);
        ctx.surface = Surface::Integrations;
        self.integrations.round(hour, ctx);
    }
}

// -------------------------------------------------------------------------------------------
// Compiler (task card 000)
// -------------------------------------------------------------------------------------------

const CONTRACTS: [ContractVersion; 3] = [
    ContractVersion::V1_0,
    ContractVersion::V1_1,
    ContractVersion::V2_0,
];
const GOOD_RELEASE: &str = "2.4.0";
const BAD_RELEASE: &str = "2.5.0";
/// When the bad release goes live and when it is rolled back.
const BAD_RELEASE_LIVE: u32 = 10;
const ROLLBACK: u32 = 16;

struct Compiler {
    /// Probes per release: 2.4.0, then 2.5.0 from its deployment on.
    releases: Vec<CompilerProbes>,
    live: usize,
    n: u64,
}

impl Compiler {
    fn new() -> Self {
        let probes = CompilerProbes::new(GOOD_RELEASE);
        probes.set_dashboards(ContractVersion::V1_0, 310);
        probes.set_dashboards(ContractVersion::V1_1, 1_250);
        probes.set_dashboards(ContractVersion::V2_0, 4_020);
        Self {
            releases: vec![probes],
            live: 0,
            n: 0,
        }
    }

    fn hour(&mut self, hour: u32, ctx: &mut Ctx) {
        if hour == BAD_RELEASE_LIVE {
            self.releases.push(CompilerProbes::new(BAD_RELEASE));
            self.live = 1;
            say!(ctx, Info, "compiler release {BAD_RELEASE} is live");
        }
        if hour == ROLLBACK {
            self.live = 0;
            say!(ctx, Info, "compiler rolled back to {GOOD_RELEASE}");
        }
        // The hourly recompile of one dashboard per contract version.
        for contract in CONTRACTS {
            self.compile(contract, ctx);
        }
    }

    fn round(&mut self, ctx: &mut Ctx) {
        self.compile(CONTRACTS[(self.n % 3) as usize], ctx);
    }

    /// Compiles one dashboard; when it compiles, runs its query and renders it.
    fn compile(&mut self, contract: ContractVersion, ctx: &mut Ctx) {
        self.n += 1;
        let n = self.n;
        let breaks_1_1 = self.live == 1;
        let probes = &self.releases[self.live];
        let dashboard = format!("dash-{:04}", n % 5_000);
        ctx.op("compile");
        let mut compile = probes.compile(contract, &dashboard);
        let span = compile.span().clone();
        let _in_span = span.clone().entered();
        compile.stage(Stage::Parse).ok();
        if n % 17 == 0 {
            let code = CompileError::UnknownQuery;
            say!(
                ctx,
                span,
                Warn(code),
                "{dashboard}: chart `revenue_by_region` references an undefined query"
            );
            compile.stage(Stage::Resolve).fail(code);
            compile.finish(CompileOutcome::Failed(code));
            ctx.err(code);
            return;
        }
        if contract == ContractVersion::V1_1 {
            let migration = probes.migration(ContractVersion::V1_1, ContractVersion::V2_0);
            if breaks_1_1 {
                let code = CompileError::MigrationFailed;
                migration.fail(code);
                say!(
                    ctx,
                    span,
                    Error(code),
                    "{dashboard}: contract 1.1 migration failed under {BAD_RELEASE}"
                );
                compile.stage(Stage::Migrate).fail(code);
                compile.finish(CompileOutcome::Failed(code));
                ctx.err(code);
                return;
            }
            migration.ok();
            compile.stage(Stage::Migrate).ok();
        }
        compile.stage(Stage::Normalize).ok();
        compile.stage(Stage::Resolve).ok();
        compile.finish(if n % 13 == 6 {
            CompileOutcome::Warnings(2)
        } else {
            CompileOutcome::Success
        });

        let adapter = Adapter::ALL[(n % Adapter::ALL.len() as u64) as usize];
        ctx.op("query");
        match n % 23 {
            0 => {
                let code = CompileError::QueryTimeout;
                let query = probes.query(adapter);
                say!(
                    ctx,
                    query.span(),
                    Warn(code),
                    "{dashboard}: query on {adapter} ran past its timeout"
                );
                query.fail(code);
                ctx.err(code);
            }
            1 => {
                probes.query(adapter).truncated(10_000);
                ctx.err(CompileError::ResultTruncated);
            }
            _ => probes.query(adapter).ok(n * 37 % 5_000),
        }

        let format = [RenderFormat::Html, RenderFormat::Png, RenderFormat::Pdf][(n % 3) as usize];
        ctx.op("render");
        if n % 41 == 20 {
            let code = CompileError::RenderTimeout;
            probes.render(format).fail(code);
            ctx.err(code);
        } else {
            probes.render(format).ok();
        }
    }
}

// -------------------------------------------------------------------------------------------
// Context catalog (task card 001)
// -------------------------------------------------------------------------------------------

const KIB: u64 = 1_024;
/// Profile data older than this is stale for the consumers.
const PROFILE_BUDGET: Duration = Duration::from_secs(3_600);
const SCHEMAS: [&str; 5] = [
    "analytics.orders",
    "analytics.customers",
    "analytics.refunds",
    "finance.revenue",
    "marketing.campaigns",
];
const ORDERS_GROW: u32 = 8;
const ORDERS_BREAK: u32 = 15;

struct Catalog {
    probes: ContextProbes,
    /// When `profiles` last refreshed successfully (from the catalog store).
    profiles_as_of: SystemTime,
    /// Columns the `orders` contract gained today.
    orders_extra_columns: u64,
    /// Whether `orders.customer_id` has been renamed.
    customer_id_renamed: bool,
    n: u64,
}

impl Catalog {
    fn new() -> Self {
        let probes = ContextProbes::new();
        let now = SystemTime::now();
        let profiles_as_of = now - Duration::from_secs(2 * 3_600 + 600);
        for &source in Source::ALL {
            let as_of = match source {
                Source::Profiles => profiles_as_of,
                _ => now - Duration::from_secs(12 * 60),
            };
            probes.restore_last_success(source, as_of);
        }
        Self {
            probes,
            profiles_as_of,
            orders_extra_columns: 0,
            customer_id_renamed: false,
            n: 0,
        }
    }

    fn hour(&mut self, hour: u32, ctx: &mut Ctx) {
        for &source in Source::ALL {
            ctx.op("refresh");
            let refresh = self.probes.refresh(source, "snowflake-prod");
            let span = refresh.span().clone();
            let _in_span = span.clone().entered();
            match source {
                Source::Profiles => {
                    let code = if hour % 3 == 2 {
                        ContextError::CatalogSourceUnavailable
                    } else {
                        ContextError::CatalogRefreshTimeout
                    };
                    say!(
                        ctx,
                        span,
                        Warn(code),
                        "profiles refresh failed ({code}); serving the last good profiles"
                    );
                    refresh.fail(code);
                    ctx.err(code);
                }
                Source::Contracts => {
                    if hour == ORDERS_GROW {
                        self.orders_extra_columns = 60;
                        self.probes
                            .contract_change(ContractChange::Additive, "orders");
                        say!(ctx, span, Info, "contract `orders` gained 60 columns");
                    }
                    if hour == ORDERS_BREAK {
                        self.customer_id_renamed = true;
                        let code = ContextError::BreakingContractChange;
                        self.probes
                            .contract_change(ContractChange::Breaking, "orders");
                        say!(
                            ctx,
                            span,
                            Warn(code),
                            "contract `orders`: customer_id renamed to buyer_id"
                        );
                        ctx.err(code);
                    }
                    refresh.succeeded(42);
                }
                Source::WarehouseSchema => refresh.succeeded(1_840),
                Source::DbtManifest => refresh.succeeded(312),
            }
        }
        // The MCP server's hourly digest of the orders schema.
        self.context(Consumer::Mcp, "analytics.orders", ctx);
        if hour % 6 == 3 {
            ctx.op("enrichment");
            let run = self
                .probes
                .enrichment(SCHEMAS[hour as usize % SCHEMAS.len()]);
            match hour {
                9 => run.partial(180, 12),
                ORDERS_BREAK => {
                    let code = ContextError::EnrichmentFailed;
                    say!(
                        ctx,
                        run.span(),
                        Error(code),
                        "enrichment failed: the provider answered 503"
                    );
                    run.fail(code);
                    ctx.err(code);
                }
                _ => run.succeeded(192),
            }
        }
    }

    fn round(&mut self, ctx: &mut Ctx) {
        self.n += 1;
        for &consumer in Consumer::ALL {
            let schema = SCHEMAS[(self.n as usize + consumer.index()) % SCHEMAS.len()];
            self.resolve(consumer, schema, ctx);
            // The dashboards' assistant asks for context less often than the MCP server and IDE.
            if consumer != Consumer::Dashboards || self.n % 4 == 0 {
                self.context(consumer, schema, ctx);
            }
        }
    }

    fn resolve(&mut self, consumer: Consumer, schema: &str, ctx: &mut Ctx) {
        let n = self.n;
        ctx.op("resolve");
        let resolution = self.probes.resolve(consumer, schema);
        let profile_age = SystemTime::now()
            .duration_since(self.profiles_as_of)
            .unwrap_or_default();
        if consumer == Consumer::Dashboards
            && self.customer_id_renamed
            && schema == "analytics.orders"
        {
            let code = ContextError::SchemaNotFound;
            say!(
                ctx,
                resolution.span(),
                Warn(code),
                "dashboards asked for analytics.orders.customer_id, which no longer exists"
            );
            resolution.fail(code);
            ctx.err(code);
        } else if consumer == Consumer::Ide && n % 37 == 0 {
            let code = ContextError::SchemaResolutionTimeout;
            resolution.fail(code);
            ctx.err(code);
        } else if n % 3 == 0 && profile_age > PROFILE_BUDGET {
            // Column statistics asked for: only stale ones exist.
            resolution.served_stale_profile(profile_age);
            ctx.err(ContextError::StaleProfileData);
        } else {
            resolution.resolved();
        }
    }

    fn context(&mut self, consumer: Consumer, schema: &str, ctx: &mut Ctx) {
        let n = self.n;
        ctx.op("context");
        let context = self.probes.context(consumer, schema);
        let mut size = match consumer {
            Consumer::Dashboards => 8 * KIB + spread(n, 1, 32 * KIB),
            Consumer::Mcp => 150 * KIB + spread(n, 2, 90 * KIB),
            Consumer::Ide => 20 * KIB + spread(n, 3, 70 * KIB),
        };
        if consumer == Consumer::Mcp && schema.starts_with("analytics.") {
            // The MCP server's context includes every related contract in full.
            size += self.orders_extra_columns * (2 * KIB + spread(n, 4, 4 * KIB));
        }
        let (limit, policy) = match consumer {
            Consumer::Dashboards => (512 * KIB, BreachAction::Rejected),
            // The MCP server truncates, but a payload past twice its limit is useless cut.
            Consumer::Mcp if size > 512 * KIB => (256 * KIB, BreachAction::Rejected),
            Consumer::Mcp => (256 * KIB, BreachAction::Truncated),
            Consumer::Ide => (128 * KIB, BreachAction::Truncated),
        };
        let span = context.span().clone();
        match context.deliver(size, limit, policy) {
            PayloadCheck::Within => {}
            PayloadCheck::Breached(action) => {
                let code = ContextError::ContextPayloadOverLimit;
                if action == BreachAction::Rejected {
                    say!(
                        ctx,
                        span,
                        Warn(code),
                        "{consumer} context for {schema} is {} KiB, limit {} KiB: rejected",
                        size / KIB,
                        limit / KIB
                    );
                }
                ctx.err(code);
            }
        }
    }
}

// -------------------------------------------------------------------------------------------
// Profiler (task card 004)
// -------------------------------------------------------------------------------------------

/// Warehouse, table, and whether it is large.
const TABLES: [(WarehouseType, &str, bool); 17] = [
    (WarehouseType::Snowflake, "analytics.orders", true),
    (WarehouseType::Snowflake, "analytics.events", true),
    (WarehouseType::Snowflake, "analytics.sessions", true),
    (WarehouseType::Snowflake, "analytics.customers", false),
    (WarehouseType::Snowflake, "finance.invoices", false),
    (WarehouseType::Snowflake, "marketing.campaigns", false),
    (WarehouseType::BigQuery, "geo.regions", false),
    (WarehouseType::BigQuery, "web.pageviews", true),
    (WarehouseType::BigQuery, "ads.spend", false),
    (WarehouseType::BigQuery, "crm.accounts", false),
    (WarehouseType::PostgreSql, "app.users", false),
    (WarehouseType::PostgreSql, "app.subscriptions", false),
    (WarehouseType::PostgreSql, "hr.payroll", false),
    (WarehouseType::PostgreSql, "app.addresses", false),
    (WarehouseType::DuckDb, "local.prices", false),
    (WarehouseType::DuckDb, "local.fx_rates", false),
    (WarehouseType::DuckDb, "local.stores", false),
];

/// Columns every table draws from: name, detected type, confidence.
const COLUMNS: [(&str, SemanticType, f64); 10] = [
    ("id", SemanticType::Identifier, 0.99),
    ("customer_id", SemanticType::ForeignKey, 0.91),
    ("email", SemanticType::Email, 0.97),
    ("zip", SemanticType::PostalCode, 0.81),
    ("amount", SemanticType::CurrencyAmount, 0.88),
    ("created_at", SemanticType::Timestamp, 0.99),
    ("country", SemanticType::Country, 0.93),
    ("status", SemanticType::Category, 0.74),
    ("store_number", SemanticType::PostalCode, 0.58),
    ("notes", SemanticType::FreeText, 0.66),
];

/// The deadline of a profiling run.
const DEADLINE: Duration = Duration::from_secs(30);

/// What happens to one table's profiling run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plan {
    Normal,
    /// The warehouse's statement timeout stops it.
    TimedOut,
    /// It passes its deadline and the caller's timer drops the work (and the guard).
    DroppedByTimer,
    Fails(ProfileError),
    Cancelled,
}

fn plan(hour: u32, warehouse: WarehouseType, table: &str, large: bool) -> Plan {
    let saturated = (13..16).contains(&hour);
    match (warehouse, table) {
        (WarehouseType::Snowflake, "analytics.sessions") if saturated => Plan::DroppedByTimer,
        (WarehouseType::Snowflake, _) if saturated || (large && hour >= 11) => Plan::TimedOut,
        (WarehouseType::PostgreSql, "hr.payroll") if hour >= 12 => {
            Plan::Fails(ProfileError::PermissionDenied)
        }
        (WarehouseType::DuckDb, "local.fx_rates") if hour == 9 => {
            Plan::Fails(ProfileError::SamplingFailed)
        }
        (WarehouseType::BigQuery, "web.pageviews") if hour == 14 => Plan::Cancelled,
        _ => Plan::Normal,
    }
}

struct Profiler {
    probes: ProfilerProbes,
    cursor: usize,
}

impl Profiler {
    fn new() -> Self {
        Self {
            probes: ProfilerProbes::new(),
            cursor: 0,
        }
    }

    fn hour(&mut self, hour: u32, ctx: &mut Ctx) {
        // The hourly profiling pass over every table.
        for t in 0..TABLES.len() {
            self.profile(t, hour, ctx);
        }
        // Analysts review ten detections of three types; postal_code corrections rise.
        for detected in [
            SemanticType::PostalCode,
            SemanticType::Email,
            SemanticType::CurrencyAmount,
        ] {
            let corrected = match detected {
                SemanticType::PostalCode => 1 + hour * 7 / (HOURS - 1),
                SemanticType::Email => hour % 2,
                _ => (hour + 1) % 2,
            };
            for i in 0..10 {
                ctx.op("feedback");
                let feedback = if i < corrected {
                    Feedback::Corrected {
                        to: SemanticType::Quantity,
                    }
                } else {
                    Feedback::Confirmed
                };
                self.probes.feedback(detected, feedback, "store_number");
            }
        }
    }

    fn round(&mut self, hour: u32, ctx: &mut Ctx) {
        self.cursor += 1;
        self.profile(self.cursor % TABLES.len(), hour, ctx);
    }

    fn profile(&mut self, t: usize, hour: u32, ctx: &mut Ctx) {
        let (warehouse, table, large) = TABLES[t];
        let plan = plan(hour, warehouse, table, large);
        ctx.op("profile run");
        match plan {
            Plan::DroppedByTimer => {
                let run = self.probes.profile_run(warehouse, table, Duration::ZERO);
                let code = ProfileError::WarehouseTimeout;
                say!(
                    ctx,
                    run.span(),
                    Warn(code),
                    "{table} on {warehouse}: past its deadline, dropped by the timer"
                );
                std::thread::sleep(Duration::from_micros(100));
                drop(run); // past the deadline: recorded as a timeout
                ctx.err(code);
                return;
            }
            Plan::Fails(code) => {
                let run = self.probes.profile_run(warehouse, table, DEADLINE);
                say!(
                    ctx,
                    run.span(),
                    Error(code),
                    "profiling {table} on {warehouse} failed: {}",
                    code.spec().summary
                );
                run.finish(RunOutcome::Failed(code));
                ctx.err(code);
                return;
            }
            Plan::Normal | Plan::TimedOut | Plan::Cancelled => {}
        }
        let mut run = self.probes.profile_run(warehouse, table, DEADLINE);
        for c in 0..6 {
            let (column, semantic_type, confidence) = COLUMNS[(t * 3 + c) % COLUMNS.len()];
            if table == "geo.regions" && c == 5 {
                run.column_skipped("boundary", ProfileError::UnsupportedColumnType);
                ctx.err(ProfileError::UnsupportedColumnType);
                continue;
            }
            run.column_profiled(column);
            run.semantic_type_detected(column, semantic_type, confidence);
        }
        run.rows_profiled(if large {
            2_500_000
        } else {
            40_000 + 1_000 * t as u64
        });
        match plan {
            Plan::TimedOut => {
                let code = ProfileError::WarehouseTimeout;
                say!(
                    ctx,
                    run.span(),
                    Warn(code),
                    "{table} on {warehouse}: the warehouse's statement timeout stopped the run"
                );
                run.finish(RunOutcome::TimedOut);
                ctx.err(code);
            }
            Plan::Cancelled => run.finish(RunOutcome::Cancelled),
            _ => {
                run.finish(RunOutcome::Success);
                ctx.op("report");
                let report = self.probes.report(warehouse, table);
                if hour == 15 && table == "ads.spend" {
                    let code = ProfileError::ReportRenderFailed;
                    say!(
                        ctx,
                        report.span(),
                        Error(code),
                        "inspector report for {table} failed to render"
                    );
                    report.fail(code);
                    ctx.err(code);
                } else {
                    report.ok();
                }
            }
        }
    }
}

// -------------------------------------------------------------------------------------------
// Cloud Suite (task card 003)
// -------------------------------------------------------------------------------------------

const GITHUB_DOWN: std::ops::Range<u32> = 18..20;
const REACTIVATE_BUG: u32 = 15;
const INFRA_FAILURE: u32 = 20;
/// Beyond this many tracked projects, the oldest active one is deleted (a long day stays
/// small).
const MAX_TRACKED: usize = 200;

struct Cloud {
    probes: CloudProbes,
    /// The projects this process tracks; the first one is stuck in provisioning.
    projects: Vec<ProjectLifecycle>,
    signups: u64,
    requested: u64,
    rounds: u64,
}

impl Cloud {
    fn new() -> Self {
        let probes = CloudProbes::new();
        let now = SystemTime::now();
        // The projects this process owns, loaded at start: one has sat in `provisioning`
        // for 47 minutes because its worker died.
        let mut projects = vec![probes.resume_project(
            "proj-0417",
            ProjectState::Provisioning,
            now - Duration::from_secs(47 * 60),
        )];
        projects.extend((0..12).map(|i| {
            probes.resume_project(
                &format!("proj-{:04}", 100 + i),
                ProjectState::Active,
                now - Duration::from_secs(86_400 * (i + 1)),
            )
        }));
        Self {
            probes,
            projects,
            signups: 0,
            requested: 0,
            rounds: 0,
        }
    }

    fn hour(&mut self, hour: u32, ctx: &mut Ctx) {
        // Every hour someone signs up with GitHub, and someone buys a team plan through SSO
        // (at noon with a declined card).
        self.sign_up(SignupMethod::GitHub, hour, false, ctx);
        self.sign_up(SignupMethod::Sso, hour, hour == 12, ctx);
        if hour == 11 {
            // Invitations beyond the free plan's seats.
            for _ in 0..3 {
                ctx.op("invitation");
                self.probes.quota_rejected(QuotaKind::Members);
                ctx.err(ProvisioningFailure::QuotaExceeded(QuotaKind::Members).code());
            }
        }
        if hour == INFRA_FAILURE {
            self.provision(true, ctx);
        }
        if hour == REACTIVATE_BUG {
            // The bug: "reactivate" called on a project that is being deleted.
            if let Some(i) = self.find(ProjectState::Active) {
                self.transition(i, ProjectState::Deleting, ctx);
                self.transition(i, ProjectState::Active, ctx);
                self.transition(i, ProjectState::Deleted, ctx);
                self.projects.remove(i);
            }
        }
    }

    fn round(&mut self, hour: u32, ctx: &mut Ctx) {
        self.rounds += 1;
        let method = SignupMethod::ALL[(self.signups % SignupMethod::ALL.len() as u64) as usize];
        self.sign_up(method, hour, false, ctx);
        if self.rounds % 3 == 0 {
            self.provision(false, ctx);
        }
        if self.rounds % 5 == 0 {
            self.lifecycle(self.rounds / 5, ctx);
        }
    }

    fn sign_up(&mut self, method: SignupMethod, hour: u32, declined: bool, ctx: &mut Ctx) {
        self.signups += 1;
        let n = self.signups;
        ctx.op("sign-up");
        let signup = self.probes.account_creation(method);
        let span = signup.span().clone();
        let failure = if method == SignupMethod::GitHub && GITHUB_DOWN.contains(&hour) {
            say!(
                ctx,
                span,
                Warn(AccountFailure::IdentityProviderUnavailable.code()),
                "github oauth token exchange timed out"
            );
            Some(AccountFailure::IdentityProviderUnavailable)
        } else if declined {
            say!(
                ctx,
                span,
                Warn(AccountFailure::PaymentRequired.code()),
                "team plan sign-up: card declined"
            );
            Some(AccountFailure::PaymentRequired)
        } else if n % 11 == 7 {
            Some(AccountFailure::AlreadyExists)
        } else {
            None
        };
        match failure {
            Some(failure) => {
                signup.fail(failure);
                ctx.err(failure.code());
            }
            None => signup.ok(&format!("acct-{n:05}")),
        }
    }

    /// Requests and provisions one project; `infra_fails` makes the first attempt fail on
    /// infrastructure, and the operator retries it.
    fn provision(&mut self, infra_fails: bool, ctx: &mut Ctx) {
        self.requested += 1;
        let i = self.requested;
        let mut project = self.probes.project(&format!("proj-{:04}", 1_000 + i));
        ctx.op("provisioning");
        let Ok(provisioning) = project.provision() else {
            return;
        };
        let span = provisioning.span().clone();
        let failure = if infra_fails {
            say!(
                ctx,
                span,
                Error(ProvisioningFailure::Failed.code()),
                "provisioner: create_database hit the cloud provider's database quota"
            );
            Some(ProvisioningFailure::Failed)
        } else if i % 9 == 4 {
            // A free account that already owns its three projects.
            say!(
                ctx,
                span,
                Info(ProvisioningFailure::QuotaExceeded(QuotaKind::Projects).code()),
                "free plan: project limit reached"
            );
            Some(ProvisioningFailure::QuotaExceeded(QuotaKind::Projects))
        } else if i % 25 == 17 {
            Some(ProvisioningFailure::PaymentRequired) // the trial ended
        } else {
            None
        };
        match failure {
            Some(failure) => {
                provisioning.fail(failure);
                ctx.err(failure.code());
            }
            None => provisioning.ok(),
        }
        if infra_fails {
            // The operator retries once the provider's limit is raised.
            ctx.op("provisioning");
            if let Ok(retry) = project.provision() {
                retry.ok();
            }
        }
        self.projects.push(project);
        if self.projects.len() > MAX_TRACKED {
            if let Some(i) = self.find(ProjectState::Active) {
                self.transition(i, ProjectState::Deleting, ctx);
                self.transition(i, ProjectState::Deleted, ctx);
                self.projects.remove(i);
            }
        }
    }

    /// Day-to-day lifecycle work: suspensions, resumptions, upgrades after a quota, deletions.
    fn lifecycle(&mut self, step: u64, ctx: &mut Ctx) {
        match step % 4 {
            0 => {
                if let Some(i) = self.find(ProjectState::Active) {
                    self.transition(i, ProjectState::Suspended, ctx);
                }
            }
            1 => {
                if let Some(i) = self.find(ProjectState::Suspended) {
                    self.transition(i, ProjectState::Active, ctx);
                }
            }
            2 => {
                if let Some(i) = self.find(ProjectState::Failed) {
                    if step % 8 == 2 {
                        // The owner upgraded: provisioning is retried and succeeds.
                        ctx.op("provisioning");
                        if let Ok(retry) = self.projects[i].provision() {
                            retry.ok();
                        }
                    } else {
                        self.transition(i, ProjectState::Deleting, ctx);
                        self.transition(i, ProjectState::Deleted, ctx);
                        self.projects.remove(i);
                    }
                }
            }
            _ => {
                if let Some(i) = self.find(ProjectState::Active) {
                    self.transition(i, ProjectState::Deleting, ctx);
                    self.transition(i, ProjectState::Deleted, ctx);
                    self.projects.remove(i);
                }
            }
        }
    }

    fn find(&self, state: ProjectState) -> Option<usize> {
        self.projects.iter().position(|p| p.state() == state)
    }

    fn transition(&mut self, i: usize, to: ProjectState, ctx: &mut Ctx) {
        ctx.op("transition");
        if let Err(rejected) = self.projects[i].transition(to) {
            // The probe logs it on the transition span; the project keeps its state.
            ctx.err(rejected.code());
        }
    }
}

// -------------------------------------------------------------------------------------------
// Integrations platform (task card 002)
// -------------------------------------------------------------------------------------------

const DAY_SECONDS: u64 = 86_400;
const CONNECTORS: u64 = 6;
/// Failed attempts after which a billing event is given up.
const MAX_FAILED_ATTEMPTS: u32 = 3;
const PROVIDER_DOWN: std::ops::RangeInclusive<u32> = 9..=11;
const SECRET_ROTATED: u32 = 14;
/// Custom domains and how many days their certificates have left.
const DOMAINS: [(&str, u64); 5] = [
    ("reports.acme.example", 6),
    ("bi.umbrella.example", 74),
    ("dash.globex.example", 51),
    ("metrics.hooli.example", 88),
    ("old.initech.example", 33),
];

struct Integrations<'p> {
    probes: &'p IntegrationsProbes,
    /// Billing events received and not yet recorded.
    waiting: Vec<BillingGuard<'p>>,
    billing_events: u64,
    webhooks: u64,
    start: SystemTime,
}

impl<'p> Integrations<'p> {
    fn new(probes: &'p IntegrationsProbes) -> Self {
        Self {
            probes,
            waiting: Vec::new(),
            billing_events: 0,
            webhooks: 0,
            start: SystemTime::now(),
        }
    }

    fn hour(&mut self, hour: u32, ctx: &mut Ctx) {
        self.deployments(hour, ctx);
        if hour == SECRET_ROTATED {
            // Fivetran's redeliveries of the hour, all signed with the new secret.
            for _ in 0..30 {
                self.webhook(hour, false, ctx);
            }
        }
        if hour == 18 || hour == 20 {
            // A delivery for a deleted connector (18:00), one that fails on our side (20:00).
            self.webhook(hour, true, ctx);
        }
        self.billing(hour, ctx);
        if hour % 6 == 0 {
            self.domains(hour, ctx);
        }
    }

    fn round(&mut self, hour: u32, ctx: &mut Ctx) {
        self.webhook(hour, false, ctx);
    }

    fn deployments(&mut self, hour: u32, ctx: &mut Ctx) {
        let (environment, release) = match hour {
            2 => (Environment::Staging, BAD_RELEASE),
            6 => (Environment::Preview, "pr-412"),
            BAD_RELEASE_LIVE => (Environment::Production, BAD_RELEASE),
            15 => (Environment::Staging, "2.5.1"),
            ROLLBACK => (Environment::Production, "2.5.1"),
            _ => return,
        };
        ctx.op("deployment");
        let deploy = self.probes.deployment(environment, release);
        if hour == ROLLBACK {
            let code = DeployError::HealthCheckFailed;
            say!(
                ctx,
                deploy.span(),
                Error(code),
                "{release} fails its health checks: rolling back to {GOOD_RELEASE}"
            );
            deploy.rolled_back(code, GOOD_RELEASE);
            ctx.err(code);
        } else {
            say!(
                ctx,
                deploy.span(),
                Info,
                "{release} deployed to {environment}"
            );
            deploy.succeeded();
        }
    }

    /// One Fivetran webhook delivery; `scripted` makes it the hour's scripted failure.
    fn webhook(&mut self, hour: u32, scripted: bool, ctx: &mut Ctx) {
        self.webhooks += 1;
        let n = self.webhooks;
        ctx.op("webhook");
        let mut delivery = self.probes.webhook_delivery();
        if hour == SECRET_ROTATED {
            // Fivetran signs with the new secret; we still verify with the old one.
            let code = WebhookError::SignatureInvalid;
            say!(
                ctx,
                delivery.span(),
                Warn(code),
                "webhook signature does not match the shared secret"
            );
            delivery.invalid_signature();
            ctx.err(code);
            return;
        }
        let connector = format!("connector_{}", n % CONNECTORS);
        let kind = match n % 4 {
            0 => WebhookEvent::SyncStart,
            1 | 2 => WebhookEvent::SyncEnd,
            _ => WebhookEvent::TransformationRunSucceeded,
        };
        let lag = 2 + spread(n, u64::from(hour), 40);
        let redelivery = spread(n, u64::from(hour), 25) == 0;
        let created =
            SystemTime::now() - Duration::from_secs(if redelivery { 300 + lag } else { lag });
        delivery.event(kind, created, &connector);
        let span = delivery.span().clone();
        if redelivery && !scripted {
            delivery.duplicate();
        } else if hour == 18 && (scripted || n % 5 == 0) {
            let code = WebhookError::ConnectorUnknown;
            say!(
                ctx,
                span,
                Warn(code),
                "webhook for {connector}, which no project owns"
            );
            delivery.rejected(code);
            ctx.err(code);
        } else if hour == 20 && (scripted || n % 5 == 0) {
            let code = WebhookError::ProcessingFailed;
            say!(
                ctx,
                span,
                Error(code),
                "processing the {kind} webhook of {connector} failed; Fivetran will redeliver"
            );
            delivery.failed(code);
            ctx.err(code);
        } else {
            delivery.accepted();
        }
    }

    /// Receives the hour's billing events, then tries to record everything waiting.
    fn billing(&mut self, hour: u32, ctx: &mut Ctx) {
        let mut arrivals = vec![BillingEventType::Usage; 6];
        if hour % 3 == 0 {
            arrivals.push(BillingEventType::Charge);
        }
        if hour == 12 {
            arrivals.push(BillingEventType::Refund);
        }
        if hour == 17 {
            arrivals.push(BillingEventType::Subscription);
        }
        for kind in arrivals {
            self.billing_events += 1;
            ctx.op("billing event");
            let event = self
                .probes
                .billing_event(kind, &format!("evt_{:05}", self.billing_events));
            if hour == 17 && kind == BillingEventType::Subscription {
                // A bug: the plan-change handler returns early on a missing field. The probe
                // records the loss (error log, error counter) when the guard drops.
                drop(event);
                ctx.err(BillingError::EventAbandoned);
                continue;
            }
            self.waiting.push(event);
        }
        let provider_up = !PROVIDER_DOWN.contains(&hour);
        for mut event in std::mem::take(&mut self.waiting) {
            if provider_up {
                event.recorded();
            } else if event.failed_attempts() + 1 >= MAX_FAILED_ATTEMPTS {
                event.failed(BillingError::ChargeRecordFailed);
                ctx.err(BillingError::ChargeRecordFailed);
            } else {
                event.retrying(BillingError::ProviderUnavailable);
                ctx.err(BillingError::ProviderUnavailable);
                self.waiting.push(event);
            }
        }
    }

    fn domains(&mut self, hour: u32, ctx: &mut Ctx) {
        for (domain, days_left) in DOMAINS {
            ctx.op("domain check");
            let check = self.probes.domain_check(domain);
            match domain {
                "dash.globex.example" if hour >= 12 => {
                    let code = DomainError::DnsMismatch;
                    say!(
                        ctx,
                        check.span(),
                        Warn(code),
                        "{domain} resolves, but not to the Dataface target"
                    );
                    check.mismatch();
                    ctx.err(code);
                }
                "old.initech.example" => {
                    let code = DomainError::Nxdomain;
                    say!(
                        ctx,
                        check.span(),
                        Warn(code),
                        "{domain} does not exist in DNS"
                    );
                    check.nxdomain();
                    ctx.err(code);
                }
                _ => {
                    let not_after = self.start + Duration::from_secs(days_left * DAY_SECONDS);
                    check
                        .span()
                        .in_scope(|| self.probes.observe_certificate(domain, not_after));
                    if days_left <= 14 {
                        // The probe warns on the certificate span.
                        ctx.err(DomainError::CertificateExpiring);
                    }
                    check.resolved();
                }
            }
        }
        self.probes.refresh_certificates();
    }

    /// End of day: the provider is up, everything still waiting is recorded.
    fn close(&mut self) {
        for event in std::mem::take(&mut self.waiting) {
            event.recorded();
        }
    }
}

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

    #[test]
    fn moved_reads_a_surface_series_from_the_scrape() {
        let scrape = "# TYPE dataface_compile_errors_total counter\n\
            dataface_compile_errors_total{error_type=\"unknown_query\"} 3\n\
            dataface_compile_errors_total{error_type=\"invalid_yaml\"} 0\n\
            dataface_compile_duration_seconds_bucket{le=\"1\"} 4\n\
            dataface_compile_duration_seconds_count{outcome=\"success\"} 4\n\
            dataface_webhook_deliveries_total{outcome=\"accepted\"} 9\n";
        let moved = Surface::Compiler.moved(scrape);
        let names: Vec<_> = moved.iter().map(|m| (m.metric.name, m.value)).collect();
        assert_eq!(
            names,
            [
                ("dataface.compile.errors", 3.0),
                ("dataface.compile.duration", 4.0)
            ]
        );
    }

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
