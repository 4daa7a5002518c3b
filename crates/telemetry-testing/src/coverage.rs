//! Coverage: which declared signals a test suite never emitted.

use crate::record::Captured;
use std::collections::BTreeSet;
use std::fmt;
use telemetry_core::catalog::{Catalog, ErrorCodeSpec, EventSpec, MetricSpec, Section, SpanSpec};

/// Accumulates what a suite emitted against a catalog.
///
/// Nextest runs every test in a process of its own, so coverage is gathered by a test that
/// runs a crate's scenarios in one process and adds each capture:
///
/// ```
/// use telemetry_testing::{Capture, Coverage};
/// # use telemetry_core::catalog::*;
/// # static SECTION: Section = Section { surface: "demo", metrics: &[MetricSpec {
/// #   name: "dataface.demo.runs", kind: InstrumentKind::Counter, unit: "{run}",
/// #   description: "Runs.", labels: &[], buckets: &[], owner: owners::OBSERVABILITY_PLATFORM }],
/// #   spans: &[], events: &[], error_codes: &[], owners: &[owners::OBSERVABILITY_PLATFORM],
/// #   series_budget: DEFAULT_SERIES_BUDGET };
/// # static CATALOG: Catalog = Catalog { version: "1.0.0", sections: &[&SECTION] };
/// let mut coverage = Coverage::new(&CATALOG);
/// let capture = Capture::new();
/// capture.in_scope(|| metrics::counter!("dataface.demo.runs").increment(1));
/// coverage.add(&capture.signals());
/// coverage.assert_complete();
/// ```
#[derive(Debug, Clone)]
pub struct Coverage {
    sections: Vec<&'static Section>,
    metrics: BTreeSet<&'static str>,
    spans: BTreeSet<&'static str>,
    events: BTreeSet<&'static str>,
    error_codes: BTreeSet<&'static str>,
}

/// What was and was not emitted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CoverageReport {
    /// Declared metrics never updated.
    pub missing_metrics: Vec<&'static str>,
    /// Declared spans never ended.
    pub missing_spans: Vec<&'static str>,
    /// Declared log events never emitted.
    pub missing_events: Vec<&'static str>,
    /// Declared error codes never recorded (as `error.type` on a span or a metric label).
    pub missing_error_codes: Vec<&'static str>,
    /// Declared signals emitted.
    pub covered: usize,
    /// Declared signals in all.
    pub total: usize,
}

impl CoverageReport {
    /// Whether everything declared was emitted.
    pub fn is_complete(&self) -> bool {
        self.covered == self.total
    }
}

impl fmt::Display for CoverageReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "telemetry coverage: {}/{} declared signals emitted",
            self.covered, self.total
        )?;
        for (what, list) in [
            ("metrics", &self.missing_metrics),
            ("spans", &self.missing_spans),
            ("log events", &self.missing_events),
            ("error codes", &self.missing_error_codes),
        ] {
            if !list.is_empty() {
                writeln!(f, "  never emitted {what}: {}", list.join(", "))?;
            }
        }
        Ok(())
    }
}

impl Coverage {
    /// Empty coverage of `catalog`.
    pub fn new(catalog: &'static Catalog) -> Self {
        Self::of_sections(catalog.sections.to_vec())
    }

    /// Empty coverage of one section (a probe crate's own signals).
    pub fn for_section(section: &'static Section) -> Self {
        Self::of_sections(vec![section])
    }

    fn of_sections(sections: Vec<&'static Section>) -> Self {
        Self {
            sections,
            metrics: BTreeSet::new(),
            spans: BTreeSet::new(),
            events: BTreeSet::new(),
            error_codes: BTreeSet::new(),
        }
    }

    fn metrics(&self) -> impl Iterator<Item = &'static MetricSpec> + '_ {
        self.sections.iter().flat_map(|s| s.metrics.iter())
    }

    fn spans(&self) -> impl Iterator<Item = &'static SpanSpec> + '_ {
        self.sections.iter().flat_map(|s| s.spans.iter())
    }

    fn events(&self) -> impl Iterator<Item = &'static EventSpec> + '_ {
        self.sections.iter().flat_map(|s| s.events.iter())
    }

    fn error_codes(&self) -> impl Iterator<Item = &'static ErrorCodeSpec> + '_ {
        self.sections.iter().flat_map(|s| s.error_codes.iter())
    }

    /// Adds what one capture emitted.
    pub fn add(&mut self, captured: &Captured) {
        let sections = self.sections.clone();
        for decl in sections.iter().flat_map(|s| s.metrics.iter()) {
            if captured.metrics.iter().any(|m| m.name == decl.name) {
                self.metrics.insert(decl.name);
            }
        }
        for decl in sections.iter().flat_map(|s| s.spans.iter()) {
            if captured.spans.iter().any(|s| s.name == decl.name) {
                self.spans.insert(decl.name);
            }
        }
        for decl in sections.iter().flat_map(|s| s.events.iter()) {
            if captured.logs.iter().any(|l| l.name == decl.name) {
                self.events.insert(decl.name);
            }
        }
        for decl in sections.iter().flat_map(|s| s.error_codes.iter()) {
            let on_span = captured.spans.iter().any(|s| {
                s.attributes
                    .get("error.type")
                    .map(|v| v.to_string())
                    .as_deref()
                    == Some(decl.code)
            });
            let on_metric = captured
                .metrics
                .iter()
                .any(|m| m.labels.get("error.type").map(String::as_str) == Some(decl.code));
            if on_span || on_metric {
                self.error_codes.insert(decl.code);
            }
        }
    }

    /// The report so far.
    pub fn report(&self) -> CoverageReport {
        let missing_metrics: Vec<_> = self
            .metrics()
            .map(|m| m.name)
            .filter(|n| !self.metrics.contains(n))
            .collect();
        let missing_spans: Vec<_> = self
            .spans()
            .map(|s| s.name)
            .filter(|n| !self.spans.contains(n))
            .collect();
        let missing_events: Vec<_> = self
            .events()
            .map(|e| e.name)
            .filter(|n| !self.events.contains(n))
            .collect();
        let missing_error_codes: Vec<_> = self
            .error_codes()
            .map(|e| e.code)
            .filter(|c| !self.error_codes.contains(c))
            .collect();
        let total = self.metrics().count()
            + self.spans().count()
            + self.events().count()
            + self.error_codes().count();
        let missing = missing_metrics.len()
            + missing_spans.len()
            + missing_events.len()
            + missing_error_codes.len();
        CoverageReport {
            missing_metrics,
            missing_spans,
            missing_events,
            missing_error_codes,
            covered: total - missing,
            total,
        }
    }

    /// Panics with the report when anything declared was never emitted.
    #[track_caller]
    pub fn assert_complete(&self) {
        let report = self.report();
        if !report.is_complete() {
            panic!("{report}");
        }
    }
}
