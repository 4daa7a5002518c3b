//! Assertions that read like the catalog. A query narrows the captured spans, log records or
//! metric series with predicates, then a terminal asserts (`exactly(n)`, `none()`, `only()`,
//! `value(n)` ...). A failing assertion panics with what was captured, closest matches first.

use crate::record::{Captured, LogRecord, MetricRecord, MetricValue, SpanRecord, SpanStatus};
use std::fmt::Display;
use telemetry_core::catalog::{InstrumentKind, MetricSpec};

type Pred<'a, T> = (String, u8, Box<dyn Fn(&T) -> bool + 'a>);

/// A query over captured items of one kind.
pub struct Query<'a, T> {
    kind: &'static str,
    items: &'a [T],
    spans: &'a [SpanRecord],
    preds: Vec<Pred<'a, T>>,
}

impl<T: Display> std::fmt::Debug for Query<'_, T> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Query")
            .field("kind", &self.kind)
            .field("expect", &self.describe())
            .finish()
    }
}

impl<'a, T: Display> Query<'a, T> {
    fn new(kind: &'static str, items: &'a [T], spans: &'a [SpanRecord]) -> Self {
        Self {
            kind,
            items,
            spans,
            preds: Vec::new(),
        }
    }

    fn pred(mut self, what: String, weight: u8, f: impl Fn(&T) -> bool + 'a) -> Self {
        self.preds.push((what, weight, Box::new(f)));
        self
    }

    fn describe(&self) -> String {
        let parts: Vec<_> = self.preds.iter().map(|(w, ..)| w.as_str()).collect();
        format!("{} where {}", self.kind, parts.join(" and "))
    }

    fn matches(&self, item: &T) -> bool {
        self.preds.iter().all(|(_, _, p)| p(item))
    }

    /// The items that match every predicate.
    pub fn all(&self) -> Vec<&'a T> {
        self.items.iter().filter(|i| self.matches(i)).collect()
    }

    #[track_caller]
    fn fail(&self, expectation: String) -> ! {
        let mut scored: Vec<(u32, &T)> = self
            .items
            .iter()
            .map(|i| {
                let score = self
                    .preds
                    .iter()
                    .filter(|(_, _, p)| p(i))
                    .map(|(_, w, _)| u32::from(*w))
                    .sum();
                (score, i)
            })
            .collect();
        scored.sort_by_key(|s| std::cmp::Reverse(s.0));
        let listing = if scored.is_empty() {
            format!("  (no {} captured)", self.kind)
        } else {
            scored
                .iter()
                .take(20)
                .map(|(_, i)| format!("  {i}"))
                .collect::<Vec<_>>()
                .join("\n")
        };
        let more = scored.len().saturating_sub(20);
        panic!(
            "expected {expectation}: {}\ncaptured {} {} (closest first):\n{listing}{}",
            self.describe(),
            self.items.len(),
            self.kind,
            if more > 0 {
                format!("\n  ... and {more} more")
            } else {
                String::new()
            }
        );
    }

    /// Asserts at least one item matches; returns the first.
    #[track_caller]
    pub fn exists(self) -> &'a T {
        match self.all().first() {
            Some(i) => i,
            None => self.fail("at least one".into()),
        }
    }

    /// Asserts exactly one item matches; returns it.
    #[track_caller]
    pub fn one(self) -> &'a T {
        let all = self.all();
        if all.len() == 1 {
            all[0]
        } else {
            self.fail(format!("exactly one (found {})", all.len()))
        }
    }

    /// Asserts exactly `n` items match.
    #[track_caller]
    pub fn exactly(self, n: usize) -> Vec<&'a T> {
        let all = self.all();
        if all.len() == n {
            all
        } else {
            self.fail(format!("exactly {n} (found {})", all.len()))
        }
    }

    /// Asserts no item matches.
    #[track_caller]
    pub fn none(self) {
        let found = self.all().len();
        if found != 0 {
            self.fail(format!("none (found {found})"));
        }
    }

    /// Asserts at least one item matches and nothing else of this kind was captured.
    #[track_caller]
    pub fn only(self) -> Vec<&'a T> {
        let all = self.all();
        if !all.is_empty() && all.len() == self.items.len() {
            all
        } else {
            let unexpected = self.items.len() - all.len();
            self.fail(format!(
                "only these (found {} matching, {unexpected} unexpected)",
                all.len()
            ))
        }
    }
}

impl Captured {
    /// Spans named `name`.
    pub fn span(&self, name: &str) -> Query<'_, SpanRecord> {
        let owned = name.to_owned();
        Query::new("spans", &self.spans, &self.spans).pred(
            format!("name = {name:?}"),
            3,
            move |s| s.name == owned,
        )
    }

    /// Every span, to narrow with predicates (e.g. `any_span().only()` forms).
    pub fn any_span(&self) -> Query<'_, SpanRecord> {
        Query::new("spans", &self.spans, &self.spans)
    }

    /// Log records at `level`.
    pub fn log(&self, level: tracing::Level) -> Query<'_, LogRecord> {
        Query::new("log records", &self.logs, &self.spans).pred(
            format!("level = {level}"),
            2,
            move |l| l.level == level,
        )
    }

    /// Every log record.
    pub fn any_log(&self) -> Query<'_, LogRecord> {
        Query::new("log records", &self.logs, &self.spans)
    }

    /// Series of the catalog metric `spec`, which must have been recorded as its declared
    /// instrument kind.
    pub fn metric(&self, spec: &MetricSpec) -> Query<'_, MetricRecord> {
        let (name, kind) = (spec.name, spec.kind);
        Query::new("metric series", &self.metrics, &self.spans)
            .pred(format!("name = {name:?}"), 3, move |m| m.name == name)
            .pred(format!("kind = {kind:?}"), 1, move |m| m.kind == kind)
    }

    /// Series of the metric named `name`.
    pub fn metric_named(&self, name: &str) -> Query<'_, MetricRecord> {
        let owned = name.to_owned();
        Query::new("metric series", &self.metrics, &self.spans).pred(
            format!("name = {name:?}"),
            3,
            move |m| m.name == owned,
        )
    }

    /// Every updated metric series.
    pub fn any_metric(&self) -> Query<'_, MetricRecord> {
        Query::new("metric series", &self.metrics, &self.spans)
    }
}

impl<'a> Query<'a, SpanRecord> {
    /// The attribute `key` equals `value` (compared as text: `42` matches an `i64` 42).
    pub fn with_attr(self, key: &str, value: impl Display) -> Self {
        let (k, v) = (key.to_owned(), value.to_string());
        self.pred(format!("{key} = {v:?}"), 1, move |s| {
            s.attributes.get(&k).map(|a| a.to_string()) == Some(v.clone())
        })
    }

    /// The attribute `key` is set.
    pub fn with_attr_present(self, key: &str) -> Self {
        let k = key.to_owned();
        self.pred(format!("{key} is set"), 1, move |s| {
            s.attributes.contains_key(&k)
        })
    }

    /// The attribute `key` is not set.
    pub fn without_attr(self, key: &str) -> Self {
        let k = key.to_owned();
        self.pred(format!("{key} is not set"), 1, move |s| {
            !s.attributes.contains_key(&k)
        })
    }

    /// The span status is error.
    pub fn status_error(self) -> Self {
        self.pred("status = error".into(), 1, |s| {
            matches!(s.status, SpanStatus::Error(_))
        })
    }

    /// The span status is unset or ok (not error).
    pub fn status_not_error(self) -> Self {
        self.pred("status != error".into(), 1, |s| {
            !matches!(s.status, SpanStatus::Error(_))
        })
    }

    /// The span failed with error code `code`: `error.type = code` and status error.
    pub fn error_type(self, code: &str) -> Self {
        self.with_attr("error.type", code).status_error()
    }

    /// The span's parent is a span named `parent`.
    pub fn child_of(self, parent: &str) -> Self {
        let spans = self.spans;
        let p = parent.to_owned();
        self.pred(format!("parent = {parent:?}"), 1, move |s| {
            s.parent_span_id
                .as_ref()
                .is_some_and(|pid| spans.iter().any(|c| &c.span_id == pid && c.name == p))
        })
    }

    /// The span is a root span (no parent).
    pub fn root(self) -> Self {
        self.pred("no parent".into(), 1, |s| s.parent_span_id.is_none())
    }

    /// The span carries an event named `name`.
    pub fn with_event(self, name: &str) -> Self {
        let n = name.to_owned();
        self.pred(format!("has event {name:?}"), 1, move |s| {
            s.events.iter().any(|(e, _)| *e == n)
        })
    }
}

impl<'a> Query<'a, LogRecord> {
    /// The message contains `text`.
    pub fn message_contains(self, text: &str) -> Self {
        let t = text.to_owned();
        self.pred(format!("message contains {text:?}"), 2, move |l| {
            l.message.contains(&t)
        })
    }

    /// The field `key` equals `value` (as text).
    pub fn with_field(self, key: &str, value: impl Display) -> Self {
        let (k, v) = (key.to_owned(), value.to_string());
        self.pred(format!("{key} = {v:?}"), 1, move |l| {
            l.fields.get(&k).map(ToString::to_string) == Some(v.clone())
        })
    }

    /// The record was emitted inside a span named `span`.
    pub fn in_span(self, span: &str) -> Self {
        let spans = self.spans;
        let n = span.to_owned();
        self.pred(format!("inside span {span:?}"), 1, move |l| {
            l.span_id
                .as_ref()
                .is_some_and(|id| spans.iter().any(|s| &s.span_id == id && s.name == n))
        })
    }
}

impl<'a> Query<'a, MetricRecord> {
    /// The label `key` equals `value`.
    pub fn with(self, key: &str, value: &str) -> Self {
        let (k, v) = (key.to_owned(), value.to_owned());
        self.pred(format!("{key} = {value:?}"), 1, move |m| {
            m.labels.get(&k) == Some(&v)
        })
    }

    /// Asserts the matching counter series add up to `expected`.
    #[track_caller]
    pub fn value(self, expected: u64) {
        let all = self.all();
        let total: u64 = all
            .iter()
            .map(|m| match m.value {
                MetricValue::Counter(v) => v,
                _ => 0,
            })
            .sum();
        if all.is_empty()
            || total != expected
            || all.iter().any(|m| m.kind != InstrumentKind::Counter)
        {
            self.fail(format!(
                "a counter total of {expected} (found {total} over {} series)",
                all.len()
            ));
        }
    }

    /// Asserts exactly one gauge series matches, with value `expected`.
    #[track_caller]
    pub fn gauge(self, expected: f64) {
        let all = self.all();
        match all.as_slice() {
            [m] if m.value == MetricValue::Gauge(expected) => {}
            _ => self.fail(format!("one gauge series = {expected}")),
        }
    }

    /// Asserts the matching histogram series hold `expected` samples in all.
    #[track_caller]
    pub fn histogram_count(self, expected: usize) {
        let all = self.all();
        let count: usize = all
            .iter()
            .map(|m| match &m.value {
                MetricValue::Histogram(s) => s.len(),
                _ => 0,
            })
            .sum();
        let kinds_ok = all.iter().all(|m| m.kind == InstrumentKind::Histogram);
        if all.is_empty() || !kinds_ok || count != expected {
            self.fail(format!("{expected} histogram samples (found {count})"));
        }
    }

    /// Asserts the matching histogram samples add up to `expected` (within 1e-9).
    #[track_caller]
    pub fn histogram_sum(self, expected: f64) {
        let all = self.all();
        let sum: f64 = all
            .iter()
            .map(|m| match &m.value {
                MetricValue::Histogram(s) => s.iter().sum::<f64>(),
                _ => 0.0,
            })
            .sum();
        let kinds_ok = all.iter().all(|m| m.kind == InstrumentKind::Histogram);
        if all.is_empty() || !kinds_ok || (sum - expected).abs() > 1e-9 {
            self.fail(format!(
                "histogram samples summing to {expected} (found {sum})"
            ));
        }
    }
}
