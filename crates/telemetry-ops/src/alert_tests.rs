//! `promtool test rules` files for every alert, generated from its objective and written
//! beside the rules (`alerts/tests/<surface>.test.yml`).
//!
//! Each alert gets a case that must fire (with the labels and annotations the rule writes,
//! the value predicted from the synthetic series) and a case that must stay silent, plus
//! the edge cases of its kind: low traffic at the minimum-traffic guard, one dimension
//! failing among healthy ones, a restart (a counter reset, a timestamp back at 0), a value
//! of 0, one stale instance beside a fresh one.
//!
//! The series are chosen so the value Prometheus computes is exact: counters start at 0
//! (no extrapolation before the first sample) and every case is judged at a sample.

use crate::alert::AlertSpec;
use crate::objective::{Alerting, Events, MatchOp, Matcher, Objective};
use crate::promql::{self, event_series, format_bound, PAGE_BURNS};
use crate::rules::{self, AlertingRule, RunbookLinks};
use serde_json::{json, Map, Value};
use std::collections::BTreeMap;
use telemetry_core::catalog::{prometheus_label, LabelValues, MetricSpec, Section};

/// What a case shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaseKind {
    /// The failure the alert watches: it must fire.
    Firing,
    /// A healthy system: it must stay silent.
    Silent,
    /// An edge case (low traffic, one dimension, a restart, a value of 0); it fires or not
    /// as its expectations say.
    Edge,
}

/// One expected alert: its labels (without `alertname`) and the value it carries.
#[derive(Debug, Clone, PartialEq)]
pub struct Expected {
    /// The rule it comes from (fast/slow burn rules differ in labels and annotations).
    pub rule: AlertingRule,
    /// The labels the expression's result carries (dimension, matcher labels).
    pub series_labels: BTreeMap<String, String>,
    /// The value of the alert when judged.
    pub value: f64,
}

/// One `promtool` test case of one alert.
#[derive(Debug, Clone, PartialEq)]
pub struct Case {
    /// The alert tested.
    pub alert: &'static str,
    /// What the case shows.
    pub kind: CaseKind,
    /// What happens, in words (the test's name).
    pub what: String,
    /// The input series: `(series, values)` in promtool's expanding notation, one sample a
    /// minute.
    pub series: Vec<(String, String)>,
    /// When the alert is judged, minutes after the first sample.
    pub eval_minutes: u64,
    /// The alerts that must be firing then (empty: silent).
    pub expected: Vec<Expected>,
}

/// The label values a series must carry to match `matchers` on `metric`.
fn matching_labels(metric: &MetricSpec, matchers: &[Matcher]) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    for m in matchers.iter().filter(|m| m.op == MatchOp::Eq) {
        out.insert(prometheus_label(m.label), m.value.to_owned());
    }
    for m in matchers.iter().filter(|m| m.op == MatchOp::Ne) {
        out.entry(prometheus_label(m.label)).or_insert_with(|| {
            let excluded: Vec<&str> = matchers
                .iter()
                .filter(|n| n.label == m.label && n.op == MatchOp::Ne)
                .map(|n| n.value)
                .collect();
            other_value(metric, m.label, &excluded)
        });
    }
    out
}

/// A declared value of `key` outside `excluded` (`other` for a label with open values).
fn other_value(metric: &MetricSpec, key: &str, excluded: &[&str]) -> String {
    match metric.label(key).map(|l| l.values) {
        Some(LabelValues::Enumerated(values)) => values
            .iter()
            .find(|v| !excluded.contains(v))
            .map(|v| (*v).to_owned())
            .unwrap_or_else(|| "other".into()),
        _ => ["other", "another"]
            .into_iter()
            .find(|v| !excluded.contains(v))
            .unwrap_or("other")
            .into(),
    }
}

/// The `i`-th value of dimension `key` (a declared value where the catalog lists them).
fn dimension_value(metric: &MetricSpec, key: &str, i: usize) -> String {
    match metric.label(key).map(|l| l.values) {
        Some(LabelValues::Enumerated(values)) if values.len() > i => values[i].to_owned(),
        _ => format!("value-{i}"),
    }
}

fn series_text(name: &str, labels: &BTreeMap<String, String>) -> String {
    if labels.is_empty() {
        return name.to_owned();
    }
    let inner: Vec<String> = labels.iter().map(|(k, v)| format!("{k}=\"{v}\"")).collect();
    format!("{name}{{{}}}", inner.join(","))
}

/// The labels of a good event: matched by `total`, not by `bad` (same metric).
fn good_labels(bad: &Events, total: &Events) -> BTreeMap<String, String> {
    let mut labels = matching_labels(total.metric, total.matchers);
    for m in bad.matchers {
        let pinned_by_total = total.matchers.iter().any(|t| t.label == m.label);
        if pinned_by_total {
            continue;
        }
        let value = match m.op {
            MatchOp::Eq => other_value(total.metric, m.label, &[m.value]),
            MatchOp::Ne => m.value.to_owned(),
        };
        labels.insert(prometheus_label(m.label), value);
        return labels;
    }
    panic!(
        "no label tells a good {} event from a bad one: the bad matchers must narrow the total",
        total.metric.name
    )
}

/// A counter shape: the samples of a counter growing `rate` events a minute.
type Shape = dyn Fn(u64) -> String;

/// The counters of a burn-rate objective for one group of series (one dimension value):
/// bad events at `bad` a minute, good ones at `good`, in `shape`.
fn ratio_series(
    objective: &Objective,
    dims: &BTreeMap<String, String>,
    shape: &Shape,
    bad: u64,
    good: u64,
) -> Vec<(String, String)> {
    let with_dims = |mut l: BTreeMap<String, String>| {
        l.extend(dims.iter().map(|(k, v)| (k.clone(), v.clone())));
        l
    };
    match objective {
        Objective::ErrorRatio(r) => {
            if std::ptr::eq(r.bad.metric, r.total.metric) || r.bad.metric == r.total.metric {
                let mut bad_labels = matching_labels(r.total.metric, r.total.matchers);
                bad_labels.extend(matching_labels(r.bad.metric, r.bad.matchers));
                let name = event_series(r.bad.metric);
                vec![
                    (series_text(&name, &with_dims(bad_labels)), shape(bad)),
                    (
                        series_text(&name, &with_dims(good_labels(&r.bad, &r.total))),
                        shape(good),
                    ),
                ]
            } else {
                vec![
                    (
                        series_text(
                            &event_series(r.bad.metric),
                            &with_dims(matching_labels(r.bad.metric, r.bad.matchers)),
                        ),
                        shape(bad),
                    ),
                    (
                        series_text(
                            &event_series(r.total.metric),
                            &with_dims(matching_labels(r.total.metric, r.total.matchers)),
                        ),
                        shape(bad + good),
                    ),
                ]
            }
        }
        Objective::Latency(l) => {
            let name = l.histogram.prometheus_name();
            let labels = with_dims(matching_labels(l.histogram, l.matchers));
            let mut bucket = labels.clone();
            bucket.insert("le".into(), format_bound(l.threshold));
            vec![
                (series_text(&format!("{name}_bucket"), &bucket), shape(good)),
                (
                    series_text(&format!("{name}_count"), &labels),
                    shape(bad + good),
                ),
            ]
        }
        _ => Vec::new(),
    }
}

/// The metric a burn-rate objective's dimensions are declared on.
fn dimension_metric(objective: &Objective) -> &'static MetricSpec {
    match objective {
        Objective::ErrorRatio(r) => r.total.metric,
        Objective::Latency(l) => l.histogram,
        other => other.metrics().next().expect("an objective reads a metric"),
    }
}

fn rules_of(surface: &str, alert: &AlertSpec, links: &RunbookLinks) -> Vec<AlertingRule> {
    rules::alert_rules(surface, std::slice::from_ref(alert), links)
}

/// The cases of one alert.
pub fn cases(surface: &str, alert: &'static AlertSpec, links: &RunbookLinks) -> Vec<Case> {
    let rules = rules_of(surface, alert, links);
    let case = |kind, what: &str, series, eval_minutes, expected| Case {
        alert: alert.name,
        kind,
        what: what.to_owned(),
        series,
        eval_minutes,
        expected,
    };
    let every_rule = |labels: &BTreeMap<String, String>, value: f64| -> Vec<Expected> {
        rules
            .iter()
            .map(|rule| Expected {
                rule: rule.clone(),
                series_labels: labels.clone(),
                value,
            })
            .collect()
    };
    let o = &alert.objective;
    match o.alerting() {
        Alerting::BurnRate { min_events, by, .. } => {
            let metric = dimension_metric(o);
            let dims = |i: usize| -> BTreeMap<String, String> {
                by.iter()
                    .map(|k| (prometheus_label(k), dimension_value(metric, k, i)))
                    .collect()
            };
            // Every scope fires when every series fails: the fleet, and each dimension
            // named with its failing value.
            let all_scopes = |value: f64| -> Vec<Expected> {
                let mut out = every_rule(&BTreeMap::new(), value);
                for k in by {
                    let key = prometheus_label(k);
                    let one = BTreeMap::from([(key.clone(), dims(0)[&key].clone())]);
                    out.extend(every_rule(&one, value));
                }
                out
            };
            // Only the slow burn in every scope: its short windows (2h, 6h) still hold a
            // failure the fast burn's short windows (5m, 30m) have forgotten.
            let slow_only = |value: f64| -> Vec<Expected> {
                all_scopes(value)
                    .into_iter()
                    .filter(|e| e.rule.labels.burn.as_deref() == Some("slow"))
                    .collect()
            };
            // Under this many events in a fast burn's long window, an empty short window is
            // low-volume traffic and the long window judges alone.
            let low_volume = PAGE_BURNS
                .iter()
                .map(|(long, short, _)| promql::low_volume_events(long, short))
                .min()
                .unwrap_or(0);
            let steady: Box<Shape> = Box::new(|r| format!("0+{r}x90"));
            let restart: Box<Shape> = Box::new(|r| format!("0+{r}x30 0+{r}x59"));
            let stopped: Box<Shape> = Box::new(|r| format!("0+{r}x30 {}x60", r * 30));
            let trickle = |n: u64| -> Box<Shape> {
                Box::new(move |r| {
                    // All `n` events within the first minute, then none: every later
                    // short window is empty, every long one holds exactly `n`.
                    format!("0 {}x88", r * n)
                })
            };
            let budget = match o.alerting() {
                Alerting::BurnRate { target, .. } => 1.0 - target,
                Alerting::Direct { .. } => unreachable!("a burn-rate objective"),
            };
            let mut out = vec![
                case(
                    CaseKind::Firing,
                    "every event fails for an hour: fast and slow burn fire",
                    ratio_series(o, &dims(0), &*steady, 10, 0),
                    60,
                    all_scopes(1.0),
                ),
                case(
                    CaseKind::Silent,
                    "every event succeeds for an hour",
                    ratio_series(o, &dims(0), &*steady, 0, 10),
                    60,
                    Vec::new(),
                ),
                case(
                    CaseKind::Edge,
                    "a process restarts (counters reset) during a full outage: it still fires",
                    ratio_series(o, &dims(0), &*restart, 10, 0),
                    60,
                    all_scopes(1.0),
                ),
                case(
                    CaseKind::Edge,
                    "no event at all (every counter at 0): silent, nothing to judge",
                    ratio_series(o, &dims(0), &*trickle(0), 0, 0),
                    60,
                    Vec::new(),
                ),
                case(
                    CaseKind::Edge,
                    &format!(
                        "low traffic: {} failing events then none, under the {min_events}-event guard: silent",
                        min_events - 1
                    ),
                    ratio_series(o, &dims(0), &*trickle(min_events - 1), 1, 0),
                    50,
                    Vec::new(),
                ),
                if min_events < low_volume {
                    case(
                        CaseKind::Edge,
                        &format!(
                            "low traffic: {min_events} failing events then none (empty short windows, fewer than {low_volume} events in the long one): the outage still fires"
                        ),
                        ratio_series(o, &dims(0), &*trickle(min_events), 1, 0),
                        50,
                        all_scopes(1.0),
                    )
                } else {
                    case(
                        CaseKind::Edge,
                        &format!(
                            "{min_events} failing events then none: at this volume an empty short window is stopped traffic, so only the slow burn, whose 2h window still holds them, fires"
                        ),
                        ratio_series(o, &dims(0), &*trickle(min_events), 1, 0),
                        50,
                        slow_only(1.0),
                    )
                },
                case(
                    CaseKind::Edge,
                    "the failing traffic stops after 30 minutes (a release rolled back): the fast burn resolves once its short windows are empty, the slow burn stays",
                    ratio_series(o, &dims(0), &*stopped, 10, 0),
                    70,
                    slow_only(1.0),
                ),
            ];
            if !by.is_empty() {
                // Healthy traffic so large that the fleet stays under a quarter of the budget.
                let healthy = ((10.0 / (budget / 4.0)).ceil() as u64).max(1);
                let mut series = ratio_series(o, &dims(0), &*steady, 10, 0);
                series.extend(ratio_series(o, &dims(1), &*steady, 0, healthy));
                let mut expected = Vec::new();
                for k in by {
                    let key = prometheus_label(k);
                    let one = BTreeMap::from([(key.clone(), dims(0)[&key].clone())]);
                    expected.extend(every_rule(&one, 1.0));
                }
                out.push(case(
                    CaseKind::Edge,
                    "one dimension fails among healthy ones: only that dimension fires, named in its labels",
                    series,
                    60,
                    expected,
                ));
            }
            out
        }
        Alerting::Direct { .. } => direct_cases(alert, &rules, &case),
    }
}

type CaseFn<'a> = dyn Fn(CaseKind, &str, Vec<(String, String)>, u64, Vec<Expected>) -> Case + 'a;

fn direct_cases(alert: &AlertSpec, rules: &[AlertingRule], case: &CaseFn<'_>) -> Vec<Case> {
    let expect = |labels: &BTreeMap<String, String>, value: f64| -> Vec<Expected> {
        rules
            .iter()
            .map(|rule| Expected {
                rule: rule.clone(),
                series_labels: labels.clone(),
                value,
            })
            .collect()
    };
    match &alert.objective {
        Objective::Threshold(t) => {
            let labels = matching_labels(t.gauge, t.matchers);
            let s = series_text(&t.gauge.prometheus_name(), &labels);
            let hold = t.for_seconds / 60;
            let n = hold + 30;
            let eval = hold + 10;
            let above = t.max + 1.0;
            vec![
                case(
                    CaseKind::Firing,
                    "the gauge stays above its bound",
                    vec![(s.clone(), format!("{above}x{n}"))],
                    eval,
                    expect(&labels, above),
                ),
                case(
                    CaseKind::Silent,
                    "the gauge sits at its bound",
                    vec![(s.clone(), format!("{}x{n}", t.max))],
                    eval,
                    Vec::new(),
                ),
                case(
                    CaseKind::Edge,
                    "the gauge reads 0",
                    vec![(s, format!("0x{n}"))],
                    eval,
                    Vec::new(),
                ),
            ]
        }
        Objective::BrokenState(b) => {
            let labels = matching_labels(b.events.metric, b.events.matchers);
            let s = series_text(&event_series(b.events.metric), &labels);
            vec![
                case(
                    CaseKind::Firing,
                    "five occurrences at once",
                    vec![(s.clone(), "0x10 5x30".into())],
                    12,
                    expect(&labels, 5.0),
                ),
                case(
                    CaseKind::Silent,
                    "the counter does not move",
                    vec![(s.clone(), "3x40".into())],
                    12,
                    Vec::new(),
                ),
                case(
                    CaseKind::Edge,
                    "a restart resets the counter to 0: not an occurrence",
                    vec![(s.clone(), "5x10 0x30".into())],
                    12,
                    Vec::new(),
                ),
                case(
                    CaseKind::Edge,
                    "the counter reads 0",
                    vec![(s, "0x40".into())],
                    12,
                    Vec::new(),
                ),
            ]
        }
        Objective::Freshness(f) => {
            let labels = matching_labels(f.timestamp, f.matchers);
            let name = f.timestamp.prometheus_name();
            let on = |instance: &str| {
                let mut l = labels.clone();
                l.insert("instance".into(), instance.into());
                series_text(&name, &l)
            };
            let age_minutes = f.max_age / 60;
            let eval = age_minutes + 15;
            let n = eval + 5;
            // The attempts the objective asks for before "never succeeded" fires: one a
            // minute on instance a (none when the objective counts no attempts).
            let attempted: Vec<(String, String)> = f
                .attempts
                .iter()
                .map(|a| {
                    let mut l = matching_labels(a.metric, a.matchers);
                    l.insert("instance".into(), "a".into());
                    (series_text(&event_series(a.metric), &l), format!("0+1x{n}"))
                })
                .collect();
            let with_attempts = |mut series: Vec<(String, String)>| {
                series.extend(attempted.iter().cloned());
                series
            };
            let mut out = vec![
                case(
                    CaseKind::Firing,
                    "the last success is older than the bound on every instance",
                    vec![(on("a"), format!("1x{n}")), (on("b"), format!("1x{n}"))],
                    eval,
                    expect(&labels, (eval * 60 - 1) as f64),
                ),
                case(
                    CaseKind::Silent,
                    "every instance succeeds every minute",
                    vec![(on("a"), format!("0+60x{n}")), (on("b"), format!("0+60x{n}"))],
                    eval,
                    Vec::new(),
                ),
                case(
                    CaseKind::Edge,
                    "one instance is stale, another succeeds: the fleet is fresh, silent",
                    vec![(on("a"), format!("1x{n}")), (on("b"), format!("0+60x{n}"))],
                    eval,
                    Vec::new(),
                ),
                case(
                    CaseKind::Edge,
                    "right after a restart (timestamps back at 0): silent while the last success is recent",
                    vec![(on("a"), format!("0+60x9 0x{}", n - 10))],
                    12,
                    Vec::new(),
                ),
                case(
                    CaseKind::Edge,
                    "nothing succeeded since a restart for longer than the bound, though attempted: fires",
                    with_attempts(vec![(on("a"), format!("0+60x9 0x{}", n - 10))]),
                    eval,
                    expect(&labels, 0.0),
                ),
                case(
                    CaseKind::Edge,
                    "the timestamp reads 0 from the start (never succeeded, though attempted): fires",
                    with_attempts(vec![(on("a"), format!("0x{n}"))]),
                    eval,
                    expect(&labels, 0.0),
                ),
            ];
            if !attempted.is_empty() {
                let idle: Vec<(String, String)> = attempted
                    .iter()
                    .map(|(series, _)| (series.clone(), format!("0x{n}")))
                    .collect();
                let mut series = vec![(on("a"), format!("0x{n}"))];
                series.extend(idle);
                out.push(case(
                    CaseKind::Edge,
                    "the timestamp reads 0 and nothing was attempted (a value nobody uses): silent",
                    series,
                    eval,
                    Vec::new(),
                ));
            }
            out
        }

        Objective::Stuck(st) => {
            let labels = matching_labels(st.timestamp, st.matchers);
            let name = st.timestamp.prometheus_name();
            let on = |instance: &str| {
                let mut l = labels.clone();
                l.insert("instance".into(), instance.into());
                series_text(&name, &l)
            };
            let age_minutes = st.max_age / 60;
            let eval = age_minutes + 15;
            let n = eval + 5;
            vec![
                case(
                    CaseKind::Firing,
                    "an item has waited since the start on one instance; nothing waits on the other",
                    vec![(on("a"), format!("1x{n}")), (on("b"), format!("0x{n}"))],
                    eval,
                    expect(&labels, (eval * 60 - 1) as f64),
                ),
                case(
                    CaseKind::Silent,
                    "nothing waits anywhere (the gauge reads 0): a quiet state is healthy",
                    vec![(on("a"), format!("0x{n}")), (on("b"), format!("0x{n}"))],
                    eval,
                    Vec::new(),
                ),
                case(
                    CaseKind::Edge,
                    "items keep moving: the oldest waiting item is always recent, silent",
                    vec![(on("a"), format!("0+60x{n}")), (on("b"), format!("0+60x{n}"))],
                    eval,
                    Vec::new(),
                ),
                case(
                    CaseKind::Edge,
                    "one instance holds a stuck item, another moves: the oldest counts, fires",
                    vec![(on("a"), format!("1x{n}")), (on("b"), format!("0+60x{n}"))],
                    eval,
                    expect(&labels, (eval * 60 - 1) as f64),
                ),
            ]
        }
        Objective::Expiry(e) => {
            let labels = matching_labels(e.timestamp, e.matchers);
            let s = series_text(&e.timestamp.prometheus_name(), &labels);
            let eval = 20;
            let now = eval * 60;
            let soon = now + e.min_remaining / 2;
            let later = now + 2 * e.min_remaining;
            vec![
                case(
                    CaseKind::Firing,
                    "expires in half the margin",
                    vec![(s.clone(), format!("{soon}x30"))],
                    eval,
                    expect(&labels, (e.min_remaining / 2) as f64),
                ),
                case(
                    CaseKind::Silent,
                    "expires in twice the margin",
                    vec![(s.clone(), format!("{later}x30"))],
                    eval,
                    Vec::new(),
                ),
                case(
                    CaseKind::Edge,
                    "the timestamp reads 0 (nothing known yet): no data, silent",
                    vec![(s, "0x30".into())],
                    eval,
                    Vec::new(),
                ),
            ]
        }
        Objective::Absence(a) => {
            let labels: BTreeMap<String, String> = a
                .matchers
                .iter()
                .filter(|m| m.op == MatchOp::Eq)
                .map(|m| (prometheus_label(m.label), m.value.to_owned()))
                .collect();
            let present = matching_labels(a.metric, a.matchers);
            let s = series_text(&event_series(a.metric), &present);
            let eval = a.for_seconds / 60 + 10;
            let n = eval + 5;
            vec![
                case(
                    CaseKind::Firing,
                    "the series is missing",
                    Vec::new(),
                    eval,
                    expect(&labels, 1.0),
                ),
                case(
                    CaseKind::Silent,
                    "the series is present",
                    vec![(s.clone(), format!("1x{n}"))],
                    eval,
                    Vec::new(),
                ),
                case(
                    CaseKind::Edge,
                    "the series is present and reads 0",
                    vec![(s.clone(), format!("0x{n}"))],
                    eval,
                    Vec::new(),
                ),
                {
                    // Two scrape targets carry the series; one goes down (`up` 0) and its
                    // series ends: that target alone is named.
                    let target = |instance: &str| {
                        let mut l = present.clone();
                        l.insert("job".into(), "dataface".into());
                        l.insert("instance".into(), instance.into());
                        l
                    };
                    let up =
                        |instance: &str| format!("up{{instance=\"{instance}\",job=\"dataface\"}}");
                    let name = event_series(a.metric);
                    let down = BTreeMap::from([
                        ("instance".to_owned(), "a".to_owned()),
                        ("job".to_owned(), "dataface".to_owned()),
                    ]);
                    case(
                        CaseKind::Edge,
                        "one scrape target goes down while another reports: that target fires",
                        vec![
                            (series_text(&name, &target("a")), "1x5".into()),
                            (up("a"), format!("1x5 0x{n}")),
                            (series_text(&name, &target("b")), format!("1x{n}")),
                            (up("b"), format!("1x{n}")),
                        ],
                        eval,
                        expect(&down, 0.0),
                    )
                },
                {
                    let mut l = present.clone();
                    l.insert("job".into(), "dataface".into());
                    l.insert("instance".into(), "b".into());
                    case(
                        CaseKind::Edge,
                        "a target removed from discovery (no `up` left) while another reports: silent",
                        vec![
                            (series_text(&event_series(a.metric), &l), format!("1x{n}")),
                            (
                                "up{instance=\"b\",job=\"dataface\"}".into(),
                                format!("1x{n}"),
                            ),
                        ],
                        eval,
                        Vec::new(),
                    )
                },
            ]
        }
        Objective::Silence(si) => {
            let labels = matching_labels(si.events.metric, si.events.matchers);
            let eq_labels: BTreeMap<String, String> = si
                .events
                .matchers
                .iter()
                .filter(|m| m.op == MatchOp::Eq)
                .map(|m| (prometheus_label(m.label), m.value.to_owned()))
                .collect();
            let name = event_series(si.events.metric);
            let on = |instance: &str| {
                let mut l = labels.clone();
                l.insert("instance".into(), instance.into());
                series_text(&name, &l)
            };
            let window = si.window / 60;
            let eval = window + 30;
            let n = eval + 5;
            // Enough a minute that every window holds well over the minimum.
            let busy = si.min_events.max(1) * 2;
            vec![
                case(
                    CaseKind::Firing,
                    "the counters stop moving on every instance (the sender went silent)",
                    vec![
                        (on("a"), format!("0+{busy}x10 {}x{}", busy * 10, n - 10)),
                        (on("b"), format!("0+{busy}x10 {}x{}", busy * 10, n - 10)),
                    ],
                    eval,
                    expect(&BTreeMap::new(), 0.0),
                ),
                case(
                    CaseKind::Silent,
                    "events keep arriving",
                    vec![(on("a"), format!("0+{busy}x{n}"))],
                    eval,
                    Vec::new(),
                ),
                case(
                    CaseKind::Edge,
                    "one instance goes silent, another keeps receiving: the fleet is not silent",
                    vec![
                        (on("a"), format!("0+{busy}x10 {}x{}", busy * 10, n - 10)),
                        (on("b"), format!("0+{busy}x{n}")),
                    ],
                    eval,
                    Vec::new(),
                ),
                case(
                    CaseKind::Edge,
                    "a restart resets the counter while events keep arriving: not a drop",
                    vec![(on("a"), format!("0+{busy}x{} 0+{busy}x{}", n / 2, n / 2))],
                    eval,
                    Vec::new(),
                ),
                case(
                    CaseKind::Edge,
                    "the counter reads 0 from the start (nothing ever arrived): fires",
                    vec![(on("a"), format!("0x{n}"))],
                    eval,
                    expect(&BTreeMap::new(), 0.0),
                ),
                case(
                    CaseKind::Edge,
                    "no series at all: fires",
                    Vec::new(),
                    eval,
                    expect(&eq_labels, 1.0),
                ),
            ]
        }
        Objective::Coincidence(co) => {
            let series = |failing: usize| -> Vec<(String, String)> {
                co.signals
                    .iter()
                    .enumerate()
                    .map(|(i, (_, e))| {
                        let labels = matching_labels(e.metric, e.matchers);
                        let values = if i < failing { "0x10 5x30" } else { "3x40" };
                        (series_text(&event_series(e.metric), &labels), values.into())
                    })
                    .collect()
            };
            let n = co.min_signals;
            let restarted: Vec<(String, String)> = series(0)
                .into_iter()
                .map(|(s, _)| (s, "5x10 0x30".into()))
                .collect();
            vec![
                case(
                    CaseKind::Firing,
                    &format!("{n} of the signals fail within the window"),
                    series(n),
                    12,
                    expect(&BTreeMap::new(), n as f64),
                ),
                case(
                    CaseKind::Silent,
                    "no signal fails",
                    series(0),
                    12,
                    Vec::new(),
                ),
                case(
                    CaseKind::Edge,
                    &format!(
                        "{} signal(s) fail alone: each has its own alert, silent",
                        n - 1
                    ),
                    series(n - 1),
                    12,
                    Vec::new(),
                ),
                case(
                    CaseKind::Edge,
                    "every process restarts (counters back at 0): not a failure",
                    restarted,
                    12,
                    Vec::new(),
                ),
            ]
        }
        Objective::FleetShare(fs) => {
            let labels = matching_labels(fs.events.metric, fs.events.matchers);
            let name = event_series(fs.events.metric);
            let on = |instance: &str| {
                let mut l = labels.clone();
                l.insert("job".into(), "dataface".into());
                l.insert("instance".into(), instance.into());
                series_text(&name, &l)
            };
            let eval = fs.window / 60 + 10;
            let n = eval + 5;
            let failing = format!("0x5 0+5x{n}");
            let flat = format!("2x{n}");
            // The fewest of four instances that reach the share.
            let enough = ((fs.min_share * 4.0).ceil() as usize).clamp(1, 4);
            let four = |k: usize| -> Vec<(String, String)> {
                ["a", "b", "c", "d"]
                    .iter()
                    .enumerate()
                    .map(|(i, inst)| (on(inst), if i < k { failing.clone() } else { flat.clone() }))
                    .collect()
            };
            let mut out = vec![
                case(
                    CaseKind::Firing,
                    "every instance counts failures",
                    four(4),
                    eval,
                    expect(&BTreeMap::new(), 1.0),
                ),
                case(
                    CaseKind::Silent,
                    "no instance counts a failure",
                    four(0),
                    eval,
                    Vec::new(),
                ),
                case(
                    CaseKind::Edge,
                    &format!("{enough} of four instances reach the share: fires"),
                    four(enough),
                    eval,
                    expect(&BTreeMap::new(), enough as f64 / 4.0),
                ),
                case(
                    CaseKind::Edge,
                    "every instance restarts (counters back at 0): not a failure",
                    ["a", "b", "c", "d"]
                        .iter()
                        .map(|i| (on(i), format!("5x5 0x{n}")))
                        .collect(),
                    eval,
                    Vec::new(),
                ),
            ];
            if enough > 1 {
                out.push(case(
                    CaseKind::Edge,
                    &format!(
                        "{} of four instances fail: one service's problem, silent",
                        enough - 1
                    ),
                    four(enough - 1),
                    eval,
                    Vec::new(),
                ));
            }
            out
        }
        Objective::ErrorRatio(_) | Objective::Latency(_) => {
            unreachable!("ratios are alerted by burn rates")
        }
    }
}

/// Go's `%.4g`, as Prometheus' humanize functions print.
fn go_g4(v: f64) -> String {
    if v == 0.0 {
        return "0".into();
    }
    let sci = format!("{:.3e}", v);
    let (mantissa, exp) = sci.split_once('e').expect("scientific notation");
    let exp: i32 = exp.parse().expect("an exponent");
    let trim = |s: &str| -> String {
        if s.contains('.') {
            s.trim_end_matches('0').trim_end_matches('.').to_owned()
        } else {
            s.to_owned()
        }
    };
    if !(-4..4).contains(&exp) {
        format!(
            "{}e{}{:02}",
            trim(mantissa),
            if exp < 0 { '-' } else { '+' },
            exp.abs()
        )
    } else {
        trim(&format!("{:.*}", (3 - exp).max(0) as usize, v))
    }
}

/// Prometheus' `humanizeDuration`.
fn humanize_duration(v: f64) -> String {
    if v == 0.0 {
        return "0s".into();
    }
    if v.abs() >= 1.0 {
        let sign = if v < 0.0 { "-" } else { "" };
        let d = v.abs() as i64;
        let (s, m, h, days) = (d % 60, (d / 60) % 60, (d / 3600) % 24, d / 86_400);
        return if days != 0 {
            format!("{sign}{days}d {h}h {m}m {s}s")
        } else if h != 0 {
            format!("{sign}{h}h {m}m {s}s")
        } else if m != 0 {
            format!("{sign}{m}m {s}s")
        } else {
            format!("{sign}{}s", go_g4(v.abs()))
        };
    }
    format!("{}ms", go_g4(v * 1000.0))
}

/// Go's `%v` of a float64, as `{{ $value }}` prints.
fn go_plain(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e21 {
        format!("{}", v as i64)
    } else {
        format!("{v}")
    }
}

/// `text` with each `{{ $value ... }}` template replaced by how Prometheus prints `value`.
pub fn fill_value(text: &str, value: f64) -> String {
    let mut out = String::new();
    let mut rest = text;
    while let Some(i) = rest.find("{{ $value") {
        let end = rest[i..]
            .find("}}")
            .map(|j| i + j + 2)
            .expect("a closed template");
        let template = &rest[i..end];
        let printed = if template.contains("humanizePercentage") {
            format!("{}%", go_g4(value * 100.0))
        } else if template.contains("humanizeDuration") {
            humanize_duration(value)
        } else {
            go_plain(value)
        };
        out.push_str(&rest[..i]);
        out.push_str(&printed);
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn expected_alert(e: &Expected) -> Value {
    let mut labels = match serde_json::to_value(&e.rule.labels) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    };
    for (k, v) in &e.series_labels {
        labels.insert(k.clone(), json!(v));
    }
    let a = &e.rule.annotations;
    json!({
        "exp_labels": labels,
        "exp_annotations": {
            "summary": fill_value(&a.summary, e.value),
            "description": fill_value(&a.description, e.value),
            "runbook_url": fill_value(&a.runbook_url, e.value),
        },
    })
}

/// The `promtool test rules` document of a section's alerts (`None` without alerts); it
/// reads the rule file `../<surface>.rules.yml`.
pub fn test_document(
    section: &Section,
    alerts: &'static [AlertSpec],
    links: &RunbookLinks,
) -> Option<Value> {
    if alerts.is_empty() {
        return None;
    }
    let mut tests = Vec::new();
    for alert in alerts {
        for c in cases(section.surface, alert, links) {
            let kind = match c.kind {
                CaseKind::Firing => "fires",
                CaseKind::Silent => "silent",
                CaseKind::Edge => "edge",
            };
            tests.push(json!({
                "name": format!("{} {kind}: {}", c.alert, c.what),
                "interval": "1m",
                "input_series": c.series.iter().map(|(s, v)| json!({"series": s, "values": v})).collect::<Vec<_>>(),
                "alert_rule_test": [{
                    "eval_time": promql::duration(c.eval_minutes * 60),
                    "alertname": c.alert,
                    "exp_alerts": c.expected.iter().map(expected_alert).collect::<Vec<_>>(),
                }],
            }));
        }
    }
    Some(json!({
        "rule_files": [format!("../{}.rules.yml", section.surface)],
        "evaluation_interval": "1m",
        "tests": tests,
    }))
}

/// The `promtool test rules` file of a section's alerts, as YAML (`None` without alerts).
pub fn test_file(
    section: &Section,
    alerts: &'static [AlertSpec],
    links: &RunbookLinks,
) -> Option<String> {
    test_document(section, alerts, links).map(|doc| {
        crate::yaml_document(
            &format!(
                "promtool unit tests of the {} surface's alerts: `promtool test rules {}.test.yml`.\nGENERATED by `dataface-ops generate` from each alert's objective: DO NOT EDIT.",
                section.surface, section.surface
            ),
            &doc,
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_print_as_prometheus_templates_do() {
        assert_eq!(fill_value("{{ $value | humanizePercentage }}", 1.0), "100%");
        assert_eq!(
            fill_value("x {{ $value | humanizePercentage }} y", 0.5),
            "x 50% y"
        );
        assert_eq!(fill_value("{{ $value | humanizeDuration }}", 0.0), "0s");
        assert_eq!(
            fill_value("{{ $value | humanizeDuration }}", 3_900.0),
            "1h 5m 0s"
        );
        assert_eq!(
            fill_value("{{ $value | humanizeDuration }}", 7.0 * 86_400.0),
            "7d 0h 0m 0s"
        );
        assert_eq!(fill_value("{{ $value }}", 5.0), "5");
        assert_eq!(go_g4(12_346.0), "1.235e+04");
        assert_eq!(go_g4(0.5), "0.5");
    }
}
