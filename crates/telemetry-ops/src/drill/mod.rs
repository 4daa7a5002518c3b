//! The launch drill: every task card's failure modes injected live against a real Prometheus
//! and a real Alertmanager, proving alert -> owner -> runbook, measuring time to detect
//! against what each rule promises, and showing that a healthy day pages nobody.
//!
//! [`run`] does, all on 127.0.0.1:
//!
//! 1. generates the package (rules, routing, runbooks) and its [drill profile](profile):
//!    every window, `for:`, age threshold and Alertmanager timer divided by the factor;
//! 2. starts one `drill-workload` process per surface (its simulated clock at the same
//!    factor), the rotel OTLP collector they export to ([`procs::Collector`]), a webhook
//!    [sink](sink) every Alertmanager receiver is rewritten to, Alertmanager and Prometheus
//!    (Debian's binaries), each on a port picked at start and stopped by its pid;
//! 3. runs the healthy baseline: no fault, and every notification but the Watchdog's is a
//!    false page;
//! 4. runs the [scenarios](scenarios::SCENARIOS): lanes at the same time, the scenarios of a
//!    lane one after another, then those that must run alone ([`scenarios::ALONE`]); each
//!    injects its fault, waits for its alerts at their owners' receivers, removes the fault
//!    and waits for the resolved notification;
//! 5. checks each scenario (receivers, runbook sections, time to detect within 1.5x the
//!    theoretical, resolved, inhibitions) and that no undeclared alert notified anyone;
//! 6. writes `drill.json` and the self-contained `drill.html` ([report]).

pub mod http;
pub mod procs;
pub mod profile;
pub mod report;
pub mod scenarios;
pub mod sink;

use crate::alert::{AlertSeverity, AlertSpec};
use crate::objective::{Alerting, Objective};
use crate::promql::parse_duration;
use crate::routing::OwnersFile;
use crate::rules::{AlertingRule, Rule, RuleFile, RunbookLinks};
use crate::support::SupportModel;
use procs::{Collector, Proc, ProcError, Workload, WorkloadCommand};
use profile::{DurationError, TimeProfile};
use scenarios::{Action, Scenario, SCENARIOS};
use serde::Serialize;
use sink::{ListenError, Notification, Sink};
use std::collections::{BTreeMap, BTreeSet};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

/// The sections every runbook must have.
pub const RUNBOOK_SECTIONS: &[&str] = &[
    "What fired",
    "What it means for users",
    "Check first",
    "Mitigate",
    "Roll back",
    "Escalate",
    "Communicate",
    "Tell users",
];

/// How long a scenario waits, after removing its fault, for its alerts to resolve (the
/// page's longest window, 6 h, is 90 s at 240x).
pub const RESOLVE_WAIT: u64 = 150;

/// The shortest Alertmanager timer in the drill, seconds: Alertmanager's inhibitor sees a
/// source alert a moment after the dispatcher does, so a `group_wait` of 125 ms (30 s at
/// 240x) can notify an alert its inhibitor would have held; production's 30 s never loses
/// that race.
pub const AM_TIMER_FLOOR: f64 = 1.0;

/// The largest accepted ratio of measured to theoretical time to detect.
pub const MAX_RATIO: f64 = 1.5;

/// The surfaces that run a workload process.
pub const SURFACES: &[&str] = &["compiler", "context", "profiler", "cloud", "integrations"];

/// How to run the drill.
#[derive(Debug, Clone)]
pub struct DrillOptions {
    /// Where `drill.json`, `drill.html` and the run's files (config, logs) go.
    pub out: PathBuf,
    /// The `drill-workload` binary.
    pub workload: PathBuf,
    /// The time factor (production durations divided by it).
    pub factor: f64,
    /// Prometheus' scrape and rule evaluation interval.
    pub interval: Duration,
    /// How long the healthy baseline runs (real time).
    pub healthy: Duration,
    /// Run only these scenarios (`None`: all; empty: the healthy baseline only).
    pub only: Option<Vec<String>>,
    /// The owners file routing is generated from.
    pub owners: OwnersFile,
    /// The support model the runbooks' escalation and communication come from.
    pub support: SupportModel,
    /// The Prometheus binary.
    pub prometheus: PathBuf,
    /// The Alertmanager binary.
    pub alertmanager: PathBuf,
    /// The rotel binary: the OTLP collector the workloads export to.
    pub rotel: PathBuf,
    /// The histograms the workloads' scrapes serve, and the package's rules read
    /// ([`Histograms::Native`](crate::native::Histograms): native scrape histograms,
    /// Prometheus with `--enable-feature=native-histograms`, the rules of
    /// `generate --histograms native`).
    pub histograms: crate::native::Histograms,
}

impl DrillOptions {
    /// The defaults: factor 240, a 500 ms scrape and evaluation interval, a 45 s
    /// baseline (3 hours of production), every scenario, Debian's `prometheus` and
    /// `prometheus-alertmanager`, and rotel (PyPI) as the collector: `$ROTEL_BIN`, else
    /// `rotel` on the PATH.
    pub fn new(out: PathBuf, workload: PathBuf, owners: OwnersFile, support: SupportModel) -> Self {
        Self {
            out,
            workload,
            factor: 240.0,
            interval: Duration::from_millis(500),
            healthy: Duration::from_secs(45),
            only: None,
            owners,
            support,
            prometheus: "prometheus".into(),
            alertmanager: "prometheus-alertmanager".into(),
            rotel: std::env::var_os("ROTEL_BIN").map_or_else(|| "rotel".into(), PathBuf::from),
            histograms: crate::native::Histograms::Classic,
        }
    }
}

/// Why the drill could not run (a failed expectation is a result, not an error).
#[derive(Debug, thiserror::Error)]
pub enum DrillError {
    /// A file could not be written.
    #[error(transparent)]
    Write(#[from] crate::WriteError),
    /// The package could not be generated for the scrape's histograms.
    #[error(transparent)]
    Generate(#[from] crate::GenerateError),
    /// The drill profile could not scale a duration.
    #[error(transparent)]
    Profile(#[from] DurationError),
    /// A process did not start or come up.
    #[error(transparent)]
    Proc(#[from] ProcError),
    /// A listener did not start.
    #[error(transparent)]
    Listen(#[from] ListenError),
    /// The generated configuration is not what the drill expects.
    #[error("the generated {what} cannot be used: {message}")]
    Config {
        /// Which file.
        what: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The scenario filter names no scenario.
    #[error("no scenario named {0:?}; `dataface-ops drill --list` shows them")]
    UnknownScenario(String),
    /// The workload binary is missing.
    #[error("the drill workload {} does not exist: build it with `cargo build -p launch-day --bin drill-workload`, then pass --workload PATH or set DATAFACE_DRILL_WORKLOAD", .0.display())]
    NoWorkload(PathBuf),
    /// A port could not be picked.
    #[error("cannot pick a free port on 127.0.0.1: {0}")]
    Port(std::io::Error),
    /// The output directory cannot be made absolute.
    #[error("cannot resolve the output directory {}: {source}; pass an absolute --out", .path.display())]
    OutDir {
        /// The directory asked for.
        path: PathBuf,
        /// Why not.
        source: std::io::Error,
    },
}

/// An alert's state change seen on Prometheus' API.
#[derive(Debug, Clone, Serialize)]
pub struct AlertEvent {
    /// Seconds since the drill started.
    pub at: f64,
    /// The alert.
    pub alertname: String,
    /// Its severity (a burn-rate alert has a page and a ticket series).
    pub severity: String,
    /// `fast` or `slow` on a burn-rate alert, empty otherwise.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub burn: String,
    /// `pending`, `firing` or `inactive`.
    pub state: String,
}

/// The theoretical time to detect, in drill seconds, by term.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Theory {
    /// Until the condition holds (burn-rate: the long window's ratio crossing its threshold;
    /// an age bound; 0 for an event or an absence).
    pub condition: f64,
    /// One scrape interval; two for a rate or an increase (it needs two samples after the
    /// change).
    pub scrape: f64,
    /// One evaluation per rule hop (recording rule, alert, the `for` step).
    pub evaluation: f64,
    /// The rule's `for:`.
    pub hold: f64,
    /// Alertmanager's `group_wait`.
    pub group_wait: f64,
    /// The sum.
    pub total: f64,
}

impl Theory {
    /// The theory with `lag` seconds added to the condition: how long the system under test
    /// takes to show the fault at all (an export interval).
    pub fn with_lag(mut self, lag: f64) -> Self {
        self.condition += lag;
        self.total += lag;
        self
    }
}

/// What one expected alert did in a scenario.
#[derive(Debug, Clone, Serialize)]
pub struct ExpectedAlert {
    /// The alert.
    pub alertname: String,
    /// Its severity.
    pub severity: String,
    /// Its owner.
    pub owner: String,
    /// The receivers it must reach.
    pub receivers: Vec<String>,
    /// The receivers it reached (firing).
    pub delivered_to: Vec<String>,
    /// Seconds from injection to the first firing notification at the owner's receiver.
    pub ttd_seconds: Option<f64>,
    /// The theoretical time to detect.
    pub theory: Theory,
    /// Measured / theoretical.
    pub ratio: Option<f64>,
    /// When the resolved notification arrived (drill seconds).
    pub resolved_at: Option<f64>,
    /// Its runbook.
    pub runbook_url: String,
    /// Runbook sections missing.
    pub runbook_missing: Vec<String>,
}

/// One scenario's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct ScenarioResult {
    /// The scenario.
    pub scenario: Scenario,
    /// Drill seconds: fault injected, detected, removed, resolved, window end.
    pub injected_at: f64,
    /// When the last expected alert was detected.
    pub detected_at: Option<f64>,
    /// When the fault was removed.
    pub removed_at: f64,
    /// When the scenario's window closed.
    pub ended_at: f64,
    /// Per expected alert.
    pub expected: Vec<ExpectedAlert>,
    /// Every notification attributed to the scenario.
    pub delivered: Vec<Notification>,
    /// The alerts' state changes on Prometheus during the window.
    pub states: Vec<AlertEvent>,
    /// Failed expectations (empty: passed).
    pub failures: Vec<String>,
}

impl ScenarioResult {
    /// Whether every expectation held.
    pub fn passed(&self) -> bool {
        self.failures.is_empty()
    }
}

/// A scenario not run, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Skipped {
    /// The scenario.
    pub scenario: Scenario,
    /// The expected alerts the product does not have yet.
    pub missing_alerts: Vec<String>,
}

/// The healthy baseline's outcome.
#[derive(Debug, Clone, Serialize)]
pub struct Healthy {
    /// Real seconds it ran.
    pub seconds: f64,
    /// Production time it stands for, in hours.
    pub production_hours: f64,
    /// Notifications other than the Watchdog's (each a false page or ticket).
    pub notifications: Vec<Notification>,
    /// Page-severity alerts seen firing on Prometheus (each would be a false page).
    pub page_alerts_seen: Vec<AlertEvent>,
    /// Page-severity alerts seen pending (not firing: no one was paged), for the record.
    pub page_alerts_pending: Vec<AlertEvent>,
    /// Whether the Watchdog reached the dead man's switch (the pipeline works).
    pub watchdog_delivered: bool,
}

/// Everything the drill found.
#[derive(Debug, Clone, Serialize)]
pub struct DrillReport {
    /// The time factor.
    pub factor: f64,
    /// The histograms the scrapes served and the rules read: `classic` or `native`.
    pub histograms: &'static str,
    /// Scrape and evaluation interval, seconds.
    pub interval_seconds: f64,
    /// The healthy baseline.
    pub healthy: Healthy,
    /// The scenarios run.
    pub scenarios: Vec<ScenarioResult>,
    /// The scenarios not run: their alert does not exist yet.
    pub skipped: Vec<Skipped>,
    /// Failure modes the cards name that no run scenario covers.
    pub gaps: Vec<scenarios::FailureMode>,
    /// Notifications no scenario declared (false pages outside the baseline).
    pub unexpected: Vec<Notification>,
    /// The whole drill's wall time, seconds.
    pub wall_seconds: f64,
}

impl DrillReport {
    /// Whether the drill passed: a quiet baseline, every scenario passed, nothing unexpected.
    pub fn passed(&self) -> bool {
        self.healthy.notifications.is_empty()
            && self.healthy.page_alerts_seen.is_empty()
            && self.healthy.watchdog_delivered
            && self.scenarios.iter().all(ScenarioResult::passed)
            && self.unexpected.is_empty()
    }
}

/// The alert named `name`, with its surface.
pub fn find_alert(name: &str) -> Option<(&'static str, &'static AlertSpec)> {
    crate::OPERATIONS.surfaces.iter().find_map(|s| {
        s.alerts
            .iter()
            .find(|a| a.name == name)
            .map(|a| (s.section.surface, a))
    })
}

/// The scenarios the options select, and those skipped for a missing alert.
///
/// # Errors
/// [`DrillError::UnknownScenario`] for a name in `only` that is no scenario.
pub fn select(only: Option<&[String]>) -> Result<(Vec<Scenario>, Vec<Skipped>), DrillError> {
    if let Some(only) = only {
        for name in only {
            if !SCENARIOS.iter().any(|s| s.name == name) {
                return Err(DrillError::UnknownScenario(name.clone()));
            }
        }
    }
    let mut run = Vec::new();
    let mut skipped = Vec::new();
    for s in SCENARIOS {
        if only.is_some_and(|o| !o.iter().any(|n| n == s.name)) {
            continue;
        }
        let missing: Vec<String> = s
            .expected
            .iter()
            .chain(s.inhibited)
            .filter(|a| find_alert(a).is_none())
            .map(|a| (*a).to_owned())
            .collect();
        if missing.is_empty() {
            run.push(*s);
        } else {
            skipped.push(Skipped {
                scenario: *s,
                missing_alerts: missing,
            });
        }
    }
    Ok((run, skipped))
}

/// The failure modes no run scenario covers.
pub fn gaps(run: &[Scenario]) -> Vec<scenarios::FailureMode> {
    scenarios::failure_modes()
        .into_iter()
        .filter(|m| !run.iter().any(|s| s.failure == m.failure))
        .collect()
}

/// The rule files of the product (and the Watchdog), by surface, as generated for
/// production.
pub fn production_rules(links: &RunbookLinks) -> Vec<(String, RuleFile)> {
    let mut files = vec![("watchdog".to_owned(), crate::rules::watchdog_rules())];
    for section in crate::OPERATIONS.catalog.sections {
        let alerts = crate::OPERATIONS.alerts_of(section);
        if let Some(f) = crate::rules::rules(section, alerts, links) {
            files.push((section.surface.to_owned(), f));
        }
    }
    files
}

/// [`production_rules`] reading the scrape's `histograms` (native: every expression
/// rewritten by [`crate::native::rewrite`]).
///
/// # Errors
/// An expression with no native form, naming its rule.
pub fn production_rules_for(
    links: &RunbookLinks,
    histograms: crate::native::Histograms,
) -> Result<Vec<(String, RuleFile)>, crate::GenerateError> {
    let mut files = production_rules(links);
    if histograms == crate::native::Histograms::Native {
        let names = crate::native::histogram_names(crate::OPERATIONS.catalog);
        for (surface, file) in &mut files {
            crate::native_rules(file, &names, &format!("alerts/{surface}.rules.yml"))?;
        }
    }
    Ok(files)
}

fn alerting_rules(files: &[(String, RuleFile)]) -> impl Iterator<Item = &AlertingRule> {
    files.iter().flat_map(|(_, f)| {
        f.groups.iter().flat_map(|g| {
            g.rules.iter().filter_map(|r| match r {
                Rule::Alerting(a) => Some(a.as_ref()),
                Rule::Recording(_) => None,
            })
        })
    })
}

/// The theoretical time to detect `alert` when `bad_share` of its judged events go bad,
/// under `profile` with a `scrape` interval, an `evaluation` interval and Alertmanager's
/// `group_wait` (all in drill seconds); `None` when the fault cannot make it fire (a share
/// under every burn threshold).
pub fn theory(
    alert: &AlertSpec,
    rules: &[(String, RuleFile)],
    profile: TimeProfile,
    bad_share: f64,
    (scrape, evaluation): (f64, f64),
    group_wait: f64,
) -> Option<Theory> {
    let rule = alerting_rules(rules).find(|r| {
        r.alert == alert.name
            && r.labels.severity == alert.severity.as_str()
            && r.labels.burn.as_deref() != Some("slow")
    })?;
    let hold = profile.scale(rule.hold.as_deref().and_then(parse_duration).unwrap_or(0.0));
    // A rate or an increase needs two samples after the change.
    let samples = match &alert.objective {
        Objective::ErrorRatio(_) | Objective::Latency(_) | Objective::BrokenState(_) => 2.0,
        _ => 1.0,
    };
    let (condition, hops) = match (&alert.objective, alert.objective.alerting()) {
        (_, Alerting::BurnRate { target, .. }) => {
            let budget = 1.0 - target;
            let seconds = crate::promql::PAGE_BURNS
                .iter()
                .filter_map(|(long, _, factor)| {
                    let threshold = crate::promql::burn_threshold(*factor, budget);
                    (threshold < bad_share)
                        .then(|| threshold * parse_duration(long).unwrap_or(0.0) / bad_share)
                })
                .fold(f64::INFINITY, f64::min);
            if !seconds.is_finite() {
                return None;
            }
            (profile.scale(seconds), 3.0)
        }
        (Objective::Freshness(f), _) => (profile.scale(f.max_age as f64), 2.0),
        (Objective::Stuck(s), _) => (profile.scale(s.max_age as f64), 2.0),
        // Silence shows once the last event has left the window.
        (Objective::Silence(s), _) => (
            profile.scale(s.window as f64).max(profile.min_window()),
            2.0,
        ),
        _ => (0.0, if hold > 0.0 { 2.0 } else { 1.0 }),
    };
    let total = condition + samples * scrape + hops * evaluation + hold + group_wait;
    Some(Theory {
        condition,
        scrape: samples * scrape,
        evaluation: hops * evaluation,
        hold,
        group_wait,
        total,
    })
}

/// The receivers a `severity` alert of `owner` must reach: the owner's (or the unknown
/// owner's) receiver, and the war room for a page.
pub fn receivers_for(owners: &OwnersFile, owner: &str, severity: AlertSeverity) -> Vec<String> {
    let route = owners.route(owner);
    let mut out = Vec::new();
    match severity {
        AlertSeverity::Page => {
            if let Some(r) = route
                .map(|r| r.page.clone())
                .or(owners.unknown_owner.clone())
            {
                out.push(r);
            }
            if let Some(w) = &owners.war_room {
                out.push(w.clone());
            }
        }
        AlertSeverity::Ticket => {
            if let Some(r) = route {
                out.push(r.ticket.clone());
            }
        }
    }
    out
}

/// The runbook sections missing from the file at `url`.
pub fn runbook_missing(url: &str) -> Vec<String> {
    match std::fs::read_to_string(url) {
        Ok(text) => RUNBOOK_SECTIONS
            .iter()
            .filter(|s| !text.lines().any(|l| l.trim() == format!("## {s}")))
            .map(|s| (*s).to_owned())
            .collect(),
        Err(e) => vec![format!("the runbook {url} cannot be read: {e}")],
    }
}

/// The drill's live system: processes, sink, collector, poller.
struct Live {
    epoch: Instant,
    sink: Sink,
    collector: Mutex<Collector>,
    workloads: Mutex<BTreeMap<String, Workload>>,
    command: WorkloadCommand,
    events: Arc<Mutex<Vec<AlertEvent>>>,
    _procs: Vec<Proc>,
}

impl Live {
    fn now(&self) -> f64 {
        self.epoch.elapsed().as_secs_f64()
    }

    fn notifications(&self) -> Vec<Notification> {
        self.sink.notifications()
    }

    fn events(&self) -> Vec<AlertEvent> {
        self.events
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Applies (`on`) or removes a scenario's action; an error is returned as text for the
    /// scenario's failures.
    fn act(&self, s: &Scenario, on: bool) -> Result<(), String> {
        match s.action {
            Action::Fault(name) => {
                let control = self
                    .workloads
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .get(s.surface)
                    .map(|w| w.control)
                    .ok_or_else(|| format!("no workload for surface {}", s.surface))?;
                let method = if on { "PUT" } else { "DELETE" };
                let a = http::request(
                    control,
                    method,
                    &format!("/faults/{name}"),
                    "",
                    Duration::from_secs(5),
                )
                .map_err(|e| e.to_string())?;
                if a.status == 204 {
                    Ok(())
                } else {
                    Err(format!(
                        "{method} /faults/{name}: {} {}",
                        a.status,
                        a.body.trim()
                    ))
                }
            }
            Action::StopProcess => {
                let mut w = self
                    .workloads
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner);
                if on {
                    if let Some(workload) = w.get_mut(s.surface) {
                        workload.proc.stop();
                    }
                    Ok(())
                } else {
                    let port = w.get(s.surface).map_or(0, |x| x.metrics.port());
                    let fresh = self
                        .command
                        .start(s.surface, port)
                        .map_err(|e| e.to_string())?;
                    w.insert(s.surface.to_owned(), fresh);
                    Ok(())
                }
            }
            Action::LoseCollector => {
                let mut c = self
                    .collector
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner);
                if on {
                    c.stop();
                    Ok(())
                } else {
                    c.start().map_err(|e| e.to_string())
                }
            }
        }
    }
}

/// Polls Prometheus' alerts every `interval` until `stop`, recording each alert name's
/// state changes (the highest state of its series: firing over pending).
fn poll_alerts(
    prometheus: SocketAddr,
    epoch: Instant,
    interval: Duration,
    events: Arc<Mutex<Vec<AlertEvent>>>,
    stop: Arc<AtomicBool>,
) {
    type Key = (String, String, String);
    let mut state: BTreeMap<Key, String> = BTreeMap::new();
    let event = |at: f64, (name, severity, burn): &Key, state: &str| AlertEvent {
        at,
        alertname: name.clone(),
        severity: severity.clone(),
        burn: burn.clone(),
        state: state.to_owned(),
    };
    while !stop.load(Ordering::Relaxed) {
        if let Ok(body) = http::get(prometheus, "/api/v1/alerts") {
            let at = epoch.elapsed().as_secs_f64();
            let mut now: BTreeMap<Key, String> = BTreeMap::new();
            if let Ok(v) = serde_json::from_str::<serde_json::Value>(&body) {
                for a in v["data"]["alerts"].as_array().into_iter().flatten() {
                    let label = |k: &str| a["labels"][k].as_str().unwrap_or_default().to_owned();
                    let s = a["state"].as_str().unwrap_or_default().to_owned();
                    let e = now
                        .entry((label("alertname"), label("severity"), label("burn")))
                        .or_default();
                    if s == "firing" || e.is_empty() {
                        *e = s;
                    }
                }
            }
            let mut ev = events.lock().unwrap_or_else(PoisonError::into_inner);
            for (key, s) in &now {
                if state.get(key) != Some(s) {
                    ev.push(event(at, key, s));
                }
            }
            for key in state.keys().filter(|k| !now.contains_key(*k)) {
                ev.push(event(at, key, "inactive"));
            }
            state = now;
        }
        std::thread::sleep(interval);
    }
}

/// The production windows whose recording rules the drill evaluates less often: those only
/// the slow-burn (ticket) clauses read.
pub const SLOW_WINDOWS: &[&str] = &["2h", "1d", "3d"];

/// A rule file as YAML-ready JSON, with the recording rules of the [`SLOW_WINDOWS`] moved
/// to a group of their own evaluated every `interval`: over windows of many minutes of
/// drill time, evaluating them as often as the page windows costs the CPU the page windows
/// need, and changes nothing a ticket would show.
pub fn split_slow_windows(file: &RuleFile, interval: &str) -> serde_json::Value {
    let mut groups = Vec::new();
    for g in &file.groups {
        let (slow, fast): (Vec<&Rule>, Vec<&Rule>) = g.rules.iter().partition(|r| match r {
            Rule::Recording(r) => SLOW_WINDOWS.iter().any(|w| {
                r.record.ends_with(&format!("rate{w}"))
                    || r.record.ends_with(&format!("increase{w}"))
            }),
            Rule::Alerting(_) => false,
        });
        groups.push(serde_json::json!({"name": g.name, "rules": fast}));
        if !slow.is_empty() {
            groups.push(serde_json::json!({
                "name": format!("{}-slow-windows", g.name),
                "interval": interval,
                "rules": slow,
            }));
        }
    }
    serde_json::json!({ "groups": groups })
}

/// The page-severity alerts' changes to `state` up to `until`.
fn page_events(events: &[AlertEvent], state: &str, until: f64) -> Vec<AlertEvent> {
    events
        .iter()
        .filter(|e| {
            e.at <= until
                && e.state == state
                && find_alert(&e.alertname).is_some_and(|(_, a)| a.severity == AlertSeverity::Page)
        })
        .cloned()
        .collect()
}

/// Waits until `targets` targets have been scraped with samples twice in a row.
fn wait_scraped(
    prometheus: SocketAddr,
    targets: usize,
    within: Duration,
) -> Result<(), DrillError> {
    let start = Instant::now();
    let mut good = 0;
    while start.elapsed() < within {
        let ok = http::get(
            prometheus,
            "/api/v1/query?query=count(scrape_samples_scraped%20%3E%200)",
        )
        .ok()
        .and_then(|b| serde_json::from_str::<serde_json::Value>(&b).ok())
        .and_then(|v| {
            v["data"]["result"][0]["value"][1]
                .as_str()
                .map(str::to_owned)
        })
        .and_then(|n| n.parse::<usize>().ok())
            == Some(targets);
        good = if ok { good + 1 } else { 0 };
        if good >= 2 {
            return Ok(());
        }
        std::thread::sleep(Duration::from_millis(250));
    }
    Err(DrillError::Config {
        what: "prometheus.yml",
        message: format!(
            "not every one of the {targets} workloads was scraped within {} s: see prometheus.log and the workload logs",
            within.as_secs()
        ),
    })
}

/// Fails unless Prometheus holds a rule group from every file in `rules`: a `rule_files`
/// entry that matches no file is a glob with no match to Prometheus, which then evaluates
/// nothing and reports no error.
fn rules_loaded(prometheus: SocketAddr, rules: &[PathBuf]) -> Result<(), DrillError> {
    let config = |message: String| DrillError::Config {
        what: "prometheus.yml",
        message,
    };
    let body = http::get(prometheus, "/api/v1/rules").map_err(|e| config(e.to_string()))?;
    let v: serde_json::Value = serde_json::from_str(&body)
        .map_err(|e| config(format!("/api/v1/rules is not JSON: {e}")))?;
    let loaded: BTreeSet<&str> = v["data"]["groups"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|g| g["file"].as_str())
        .collect();
    let missing: Vec<String> = rules
        .iter()
        .map(|p| p.display().to_string())
        .filter(|p| !loaded.contains(p.as_str()))
        .collect();
    if missing.is_empty() {
        Ok(())
    } else {
        Err(config(format!(
            "Prometheus loaded no rule group from {} (it loaded {loaded:?}); see prometheus.log",
            missing.join(", ")
        )))
    }
}

fn write_text(path: &Path, text: &str) -> Result<(), DrillError> {
    Ok(crate::write(path, text)?)
}

/// Runs the drill.
///
/// # Errors
/// [`DrillError`] when it cannot run; failed expectations are in the report
/// ([`DrillReport::passed`]).
pub fn run(opts: &DrillOptions) -> Result<DrillReport, DrillError> {
    if !opts.workload.is_file() {
        return Err(DrillError::NoWorkload(opts.workload.clone()));
    }
    let (selected, skipped) = select(opts.only.as_deref())?;
    let epoch = Instant::now();
    // Every range window spans at least four scrapes.
    let profile = TimeProfile::new(opts.factor).with_min_window(opts.interval.as_secs_f64() * 4.0);
    // Absolute: Prometheus resolves `rule_files` against its configuration file's folder, and
    // a path that matches no file loads no rule without a word.
    let work =
        std::path::absolute(opts.out.join("drill-run")).map_err(|source| DrillError::OutDir {
            path: opts.out.clone(),
            source,
        })?;
    let _ = std::fs::remove_dir_all(&work);
    let package_dir = work.join("package");
    let links = RunbookLinks {
        base: package_dir.join("runbooks").display().to_string(),
    };
    crate::generate_for(
        &crate::OPERATIONS,
        &opts.owners,
        &opts.support,
        &links,
        &package_dir,
        opts.histograms,
    )?;

    // The rules, scaled.
    let production = production_rules_for(&links, opts.histograms)?;
    let mut rule_paths = Vec::new();
    let slow_interval = format!("{}ms", opts.interval.as_millis().max(1) * 4);
    for (surface, file) in &production {
        let scaled = split_slow_windows(&profile.rule_file(file)?, &slow_interval);
        let path = work.join(format!("rules/{surface}.rules.yml"));
        write_text(
            &path,
            &crate::yaml_document("Drill profile of the generated rules.", &scaled),
        )?;
        rule_paths.push(path);
    }

    // The routing, scaled, every receiver pointed at the sink.
    let sink = Sink::start(epoch)?;
    let am_text = crate::routing::alertmanager_config(&opts.owners);
    let mut am: yaml_serde::Value =
        yaml_serde::from_str(&am_text).map_err(|e| DrillError::Config {
            what: "alertmanager.yml",
            message: e.to_string(),
        })?;
    profile.alertmanager(&mut am, AM_TIMER_FLOOR)?;
    let receivers: Vec<String> = am["receivers"]
        .as_sequence()
        .into_iter()
        .flatten()
        .filter_map(|r| r["name"].as_str().map(str::to_owned))
        .collect();
    let rewritten: Vec<serde_json::Value> = receivers
        .iter()
        .map(|name| {
            serde_json::json!({
                "name": name,
                "webhook_configs": [{"url": sink.url(name), "send_resolved": true}],
            })
        })
        .collect();
    let rewritten: yaml_serde::Value =
        yaml_serde::to_value(rewritten).map_err(|e| DrillError::Config {
            what: "alertmanager.yml",
            message: e.to_string(),
        })?;
    if let Some(map) = am.as_mapping_mut() {
        map.insert("receivers".into(), rewritten);
        map.remove("global");
    }
    let group_wait = am["route"]["group_wait"]
        .as_str()
        .and_then(parse_duration)
        .unwrap_or(0.0);
    let am_path = work.join("alertmanager.yml");
    write_text(
        &am_path,
        &crate::yaml_document(
            "Drill profile of the generated routing: every receiver posts to the drill's sink.",
            &am,
        ),
    )?;

    // The workloads.
    let port = || procs::free_port().map_err(DrillError::Port);
    let collector = Collector::new(&opts.rotel, &work, port()?, port()?)?;
    let command = WorkloadCommand {
        program: opts.workload.clone(),
        factor: opts.factor,
        otlp: collector.endpoint(),
        dir: work.clone(),
        native_histograms: opts.histograms == crate::native::Histograms::Native,
    };
    let mut workloads = BTreeMap::new();
    for surface in SURFACES {
        workloads.insert((*surface).to_owned(), command.start(surface, 0)?);
    }

    // Alertmanager and Prometheus.
    let am_port = port()?;
    let prom_port = port()?;
    let mut procs_started = Vec::new();
    let mut am_proc = procs::spawn(
        "alertmanager",
        &opts.alertmanager,
        &[
            format!("--config.file={}", am_path.display()),
            format!(
                "--storage.path={}",
                work.join("alertmanager-data").display()
            ),
            format!("--web.listen-address=127.0.0.1:{am_port}"),
            "--cluster.listen-address=".into(),
            "--log.level=warn".into(),
        ],
        &work.join("alertmanager.log"),
        "install it with scripts/install-test-deps.sh (Debian's prometheus-alertmanager)",
    )?;
    let am_addr: SocketAddr = ([127, 0, 0, 1], am_port).into();
    procs::wait_ready(&mut am_proc, am_addr, "/-/ready", Duration::from_secs(30))?;
    procs_started.push(am_proc);

    let interval_ms = opts.interval.as_millis().max(2);
    let eval_ms = interval_ms;
    let scrape_configs: Vec<serde_json::Value> = workloads
        .iter()
        .map(|(surface, w)| {
            serde_json::json!({
                "job_name": format!("dataface-{surface}"),
                "static_configs": [{"targets": [w.metrics.to_string()]}],
            })
        })
        .collect();
    let prom_config = |rules: &[PathBuf]| {
        serde_json::json!({
            "global": {
                "scrape_interval": format!("{interval_ms}ms"),
                "scrape_timeout": format!("{interval_ms}ms"),
                "evaluation_interval": format!("{eval_ms}ms"),
            },
            "rule_files": rules.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
            "alerting": {"alertmanagers": [{"static_configs": [{"targets": [format!("127.0.0.1:{am_port}")]}]}]},
            "scrape_configs": scrape_configs,
        })
    };
    let prom_path = work.join("prometheus.yml");
    // Scraping first; the rules are loaded once every target answers, so an alert does not
    // judge the seconds before the first scrape.
    write_text(
        &prom_path,
        &crate::yaml_document("The drill's Prometheus.", &prom_config(&[])),
    )?;
    let lookback = profile.duration("5m")?;
    let mut prom = procs::spawn(
        "prometheus",
        &opts.prometheus,
        &[
            format!("--config.file={}", prom_path.display()),
            format!(
                "--storage.tsdb.path={}",
                work.join("prometheus-data").display()
            ),
            format!("--web.listen-address=127.0.0.1:{prom_port}"),
            // New and resolved alerts reach Alertmanager at once; a firing one is re-sent
            // every this delay with an expiry of four times it. At the 500 ms evaluation
            // interval, an evaluation slowed by a loaded machine could let an inhibiting
            // alert expire in Alertmanager between two sends; 2 s (an 8 s expiry) leaves
            // room.
            format!("--rules.alert.resend-delay={}ms", (eval_ms * 4).max(2_000)),
            "--web.enable-lifecycle".into(),
            format!("--query.lookback-delta={lookback}"),
            "--log.level=warn".into(),
        ]
        .into_iter()
        .chain(
            (opts.histograms == crate::native::Histograms::Native)
                .then(|| "--enable-feature=native-histograms".to_owned()),
        )
        .collect::<Vec<_>>(),
        &work.join("prometheus.log"),
        "install it with scripts/install-test-deps.sh (Debian's prometheus)",
    )?;
    let prom_addr: SocketAddr = ([127, 0, 0, 1], prom_port).into();
    procs::wait_ready(&mut prom, prom_addr, "/-/ready", Duration::from_secs(30))?;
    wait_scraped(prom_addr, SURFACES.len(), Duration::from_secs(60))?;
    write_text(
        &prom_path,
        &crate::yaml_document("The drill's Prometheus.", &prom_config(&rule_paths)),
    )?;
    let reload = http::request(prom_addr, "POST", "/-/reload", "", Duration::from_secs(30))
        .map_err(|e| DrillError::Config {
            what: "prometheus.yml",
            message: e.to_string(),
        })?;
    if reload.status != 200 {
        return Err(DrillError::Config {
            what: "prometheus.yml",
            message: format!("reload answered {}: {}", reload.status, reload.body),
        });
    }
    rules_loaded(prom_addr, &rule_paths)?;
    procs_started.push(prom);

    let events = Arc::new(Mutex::new(Vec::new()));
    let stop = Arc::new(AtomicBool::new(false));
    let poller = {
        let (events, stop, interval) = (events.clone(), stop.clone(), opts.interval);
        std::thread::spawn(move || poll_alerts(prom_addr, epoch, interval, events, stop))
    };
    let live = Live {
        epoch,
        sink,
        collector: Mutex::new(collector),
        workloads: Mutex::new(workloads),
        command,
        events,
        _procs: procs_started,
    };

    // The healthy baseline.
    let baseline_start = live.now();
    std::thread::sleep(opts.healthy);
    let baseline_end = live.now();
    let in_baseline = |t: f64| t <= baseline_end;
    let all = live.notifications();
    let healthy = Healthy {
        seconds: baseline_end - baseline_start,
        production_hours: (baseline_end - baseline_start) * opts.factor / 3600.0,
        notifications: all
            .iter()
            .filter(|n| in_baseline(n.at) && n.alertname != "Watchdog")
            .cloned()
            .collect(),
        page_alerts_seen: page_events(&live.events(), "firing", baseline_end),
        page_alerts_pending: page_events(&live.events(), "pending", baseline_end),
        watchdog_delivered: all
            .iter()
            .any(|n| n.alertname == "Watchdog" && n.status == "firing"),
    };

    // The scenarios, lane by lane; those of the `alone` lane afterwards, one at a time.
    let mut lanes: Vec<(&str, Vec<Scenario>)> = Vec::new();
    let mut alone: Vec<Scenario> = Vec::new();
    for s in &selected {
        if s.lane == scenarios::ALONE {
            alone.push(*s);
            continue;
        }
        match lanes.iter_mut().find(|(l, _)| *l == s.lane) {
            Some((_, list)) => list.push(*s),
            None => lanes.push((s.lane, vec![*s])),
        }
    }
    let interval = opts.interval.as_secs_f64();
    let mut results: Vec<ScenarioResult> = std::thread::scope(|scope| {
        let handles: Vec<_> = lanes
            .iter()
            .map(|(_, list)| {
                let live = &live;
                let production = &production;
                let owners = &opts.owners;
                scope.spawn(move || {
                    list.iter()
                        .map(|s| {
                            run_scenario(live, s, production, owners, profile, interval, group_wait)
                        })
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    for s in &alone {
        results.push(run_scenario(
            &live,
            s,
            &production,
            &opts.owners,
            profile,
            interval,
            group_wait,
        ));
    }
    std::thread::sleep(Duration::from_secs(1));
    stop.store(true, Ordering::Relaxed);
    let _ = poller.join();

    // Every notification after the baseline belongs to a scenario that declared it.
    let all = live.notifications();
    let mut unexpected = Vec::new();
    for n in all
        .iter()
        .filter(|n| !in_baseline(n.at) && n.alertname != "Watchdog" && n.status == "firing")
    {
        // A declared alert may keep notifying its owner after its scenario (a slow-burn
        // ticket, a repeat) until its windows clear: a follow-up, not a false page.
        let claimed = results.iter().any(|r| {
            n.at >= r.injected_at
                && (r.scenario.expected.contains(&n.alertname.as_str())
                    || r.scenario.also.contains(&n.alertname.as_str()))
        });
        if claimed {
            continue;
        }
        unexpected.push(n.clone());
        for r in results.iter_mut().filter(|r| {
            n.at >= r.injected_at
                && n.at <= r.ended_at
                && n.labels.get("surface").map(String::as_str) == Some(r.scenario.surface)
        }) {
            r.failures.push(format!(
                "{} ({}) notified {} during the scenario without being declared",
                n.alertname,
                n.severity(),
                n.receiver
            ));
        }
    }
    results.sort_by_key(|r| {
        SCENARIOS
            .iter()
            .position(|s| s.name == r.scenario.name)
            .unwrap_or(usize::MAX)
    });
    let run_scenarios: Vec<Scenario> = results.iter().map(|r| r.scenario).collect();
    let report = DrillReport {
        factor: opts.factor,
        histograms: match opts.histograms {
            crate::native::Histograms::Classic => "classic",
            crate::native::Histograms::Native => "native",
        },
        interval_seconds: interval,
        healthy,
        gaps: gaps(&run_scenarios),
        scenarios: results,
        skipped,
        unexpected,
        wall_seconds: live.now(),
    };
    drop(live);
    report::write(&report, &opts.out)?;
    Ok(report)
}

/// Runs one scenario on the live system.
fn run_scenario(
    live: &Live,
    s: &Scenario,
    rules: &[(String, RuleFile)],
    owners: &OwnersFile,
    profile: TimeProfile,
    interval: f64,
    group_wait: f64,
) -> ScenarioResult {
    let mut failures = Vec::new();
    let plan: Vec<(&'static AlertSpec, Vec<String>, Option<Theory>)> = s
        .expected
        .iter()
        .filter_map(|name| find_alert(name))
        .map(|(_, a)| {
            (
                a,
                receivers_for(owners, a.owner.id, a.severity),
                theory(
                    a,
                    rules,
                    profile,
                    s.bad_share,
                    (interval, interval),
                    group_wait,
                )
                .map(|t| t.with_lag(s.lag)),
            )
        })
        .collect();
    // The inhibited alerts must fire on Prometheus too (held back by Alertmanager), so the
    // scenario waits for the slowest of them as well.
    let inhibited_theory = s.inhibited.iter().filter_map(|name| {
        let (_, a) = find_alert(name)?;
        theory(
            a,
            rules,
            profile,
            s.bad_share,
            (interval, interval),
            group_wait,
        )
    });
    let budget = plan
        .iter()
        .map(|(_, _, t)| *t)
        .chain(inhibited_theory.map(Some))
        .map(|t| t.map_or(30.0, |t| t.total))
        .fold(0.0, f64::max);
    let injected_at = live.now();
    if let Err(e) = live.act(s, true) {
        failures.push(format!("could not inject: {e}"));
    }
    // Wait for every expected alert at its owner's receiver.
    let primary_firing = |a: &AlertSpec, receivers: &[String], since: f64| {
        live.notifications().into_iter().find(|n| {
            n.at >= since
                && n.alertname == a.name
                && n.status == "firing"
                && receivers.first() == Some(&n.receiver)
        })
    };
    let inhibited_fired = || {
        let events = live.events();
        s.inhibited.iter().all(|name| {
            events
                .iter()
                .any(|e| e.at >= injected_at && e.alertname == *name && e.state == "firing")
        })
    };
    let deadline = Instant::now() + Duration::from_secs_f64(budget * 2.0 + 15.0);
    while Instant::now() < deadline
        && !(plan
            .iter()
            .all(|(a, r, _)| primary_firing(a, r, injected_at).is_some())
            && inhibited_fired())
    {
        std::thread::sleep(Duration::from_millis(50));
    }
    // Let the war-room copy and the inhibited alerts show.
    std::thread::sleep(Duration::from_secs_f64((interval * 4.0).max(1.0)));
    let detected_at = plan
        .iter()
        .filter_map(|(a, r, _)| primary_firing(a, r, injected_at).map(|n| n.at))
        .fold(None, |m: Option<f64>, t| Some(m.map_or(t, |m| m.max(t))));
    let removed_at = live.now();
    if let Err(e) = live.act(s, false) {
        failures.push(format!("could not remove the fault: {e}"));
    }
    // Resolved: the owner's receiver's last notification of the alert says `resolved` (a
    // resolution followed by a new firing, as an alert that flaps sends, does not count) and
    // Prometheus shows the alert inactive at its severity (every series: a dimension's alert
    // may outlast the fleet's). A slow burn is left out: its 1d and 3d windows hold all of
    // the drill's few minutes of history, so it stays open for as long as the drill could
    // wait (in production those windows dilute a short incident).
    let fast = |burn: &str| burn != "slow";
    let resolved = |a: &AlertSpec, receivers: &[String]| {
        let events = live.events();
        let inactive = events
            .iter()
            .filter(|e| e.alertname == a.name && e.severity == a.severity.as_str() && fast(&e.burn))
            .fold(BTreeMap::new(), |mut last, e| {
                last.insert(e.burn.as_str(), e.state.as_str());
                last
            })
            .values()
            .all(|state| *state == "inactive");
        live.notifications()
            .into_iter()
            .rfind(|n| {
                n.at >= injected_at
                    && n.alertname == a.name
                    && receivers.first() == Some(&n.receiver)
                    && fast(n.labels.get("burn").map_or("", String::as_str))
            })
            .filter(|n| n.status == "resolved" && inactive)
    };
    let deadline = Instant::now() + Duration::from_secs(RESOLVE_WAIT);
    while Instant::now() < deadline && !plan.iter().all(|(a, r, _)| resolved(a, r).is_some()) {
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_secs_f64((interval * 4.0).max(1.0)));
    let ended_at = live.now();
    let window = |t: f64| t >= injected_at && t <= ended_at;
    let notes: Vec<Notification> = live
        .notifications()
        .into_iter()
        .filter(|n| {
            window(n.at)
                && (s.expected.contains(&n.alertname.as_str())
                    || s.also.contains(&n.alertname.as_str())
                    || s.inhibited.contains(&n.alertname.as_str()))
        })
        .collect();
    let states: Vec<AlertEvent> = live
        .events()
        .into_iter()
        .filter(|e| {
            window(e.at)
                && (s.expected.contains(&e.alertname.as_str())
                    || s.also.contains(&e.alertname.as_str())
                    || s.inhibited.contains(&e.alertname.as_str()))
        })
        .collect();
    let mut expected = Vec::new();
    for (a, receivers, theory) in plan {
        let first = primary_firing(a, &receivers, injected_at).filter(|n| n.at <= ended_at);
        let delivered_to: Vec<String> = {
            let mut d: Vec<String> = notes
                .iter()
                .filter(|n| n.alertname == a.name && n.status == "firing")
                .map(|n| n.receiver.clone())
                .collect();
            d.sort();
            d.dedup();
            d
        };
        let ttd = first.as_ref().map(|n| n.at - injected_at);
        let Some(theory) = theory else {
            failures.push(format!(
                "{}: a bad share of {} cannot cross any burn threshold: the scenario cannot fire it",
                a.name, s.bad_share
            ));
            continue;
        };
        let ratio = ttd.map(|t| t / theory.total);
        match (ttd, ratio) {
            (None, _) => failures.push(format!(
                "{} never reached {} (waited {:.1} s; theoretical {:.1} s)",
                a.name,
                receivers.first().map_or("any receiver", String::as_str),
                budget * 2.0 + 15.0,
                theory.total
            )),
            (Some(t), Some(r)) if r > MAX_RATIO => failures.push(format!(
                "{}: detected in {t:.2} s, {r:.2}x the theoretical {:.2} s (at most {MAX_RATIO}x)",
                a.name, theory.total
            )),
            _ => {}
        }
        for r in &receivers {
            if ttd.is_some() && !delivered_to.contains(r) {
                failures.push(format!("{} did not reach {r}", a.name));
            }
        }
        // The same alert's slow-burn ticket goes to the same owner's ticket receiver.
        let own_ticket = owners.route(a.owner.id).map(|r| r.ticket.clone());
        for d in &delivered_to {
            if !receivers.contains(d) && own_ticket.as_ref() != Some(d) {
                failures.push(format!(
                    "{} also reached {d}, which is not its owner's receiver",
                    a.name
                ));
            }
        }
        let resolved_at = resolved(a, &receivers).map(|n| n.at);
        if ttd.is_some() && resolved_at.is_none() {
            failures.push(format!(
                "{}: not resolved (notification and Prometheus inactive) within {RESOLVE_WAIT} s of removing the fault",
                a.name
            ));
        }
        let runbook_url = first
            .as_ref()
            .and_then(|n| n.annotations.get("runbook_url").cloned())
            .unwrap_or_default();
        let runbook_missing = if first.is_some() {
            runbook_missing(&runbook_url)
        } else {
            Vec::new()
        };
        if !runbook_missing.is_empty() {
            failures.push(format!(
                "{}: runbook {runbook_url} lacks {}",
                a.name,
                runbook_missing.join(", ")
            ));
        }
        expected.push(ExpectedAlert {
            alertname: a.name.to_owned(),
            severity: a.severity.as_str().to_owned(),
            owner: a.owner.id.to_owned(),
            receivers,
            delivered_to,
            ttd_seconds: ttd,
            theory,
            ratio,
            resolved_at,
            runbook_url,
            runbook_missing,
        });
    }
    for name in s.inhibited {
        let fired = states
            .iter()
            .any(|e| e.alertname == *name && e.state == "firing");
        let notified = notes
            .iter()
            .any(|n| n.alertname == *name && n.status == "firing");
        if !fired {
            failures.push(format!(
                "{name} never fired on Prometheus, so its inhibition was not exercised"
            ));
        }
        if notified {
            failures.push(format!("{name} notified although it must stay inhibited"));
        }
    }
    ScenarioResult {
        scenario: *s,
        injected_at,
        detected_at,
        removed_at,
        ended_at,
        expected,
        delivered: notes,
        states,
        failures,
    }
}
