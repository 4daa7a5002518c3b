//! # telemetry-testing
//!
//! What a Dataface test harness imports to prove its code emits what the catalog promises.
//!
//! ```
//! use telemetry_testing::Capture;
//!
//! let capture = Capture::new();
//! capture.in_scope(|| {
//!     let span = tracing::info_span!("dataface.compile", dataface.contract.version = "v3");
//!     let _entered = span.enter();
//!     tracing::warn!(stage = "resolve", "unknown query");
//!     metrics::counter!("dataface.compile.errors", "error.type" => "unknown_query").increment(1);
//! });
//! let signals = capture.signals();
//! signals.span("dataface.compile").with_attr("dataface.contract.version", "v3").one();
//! signals.log(tracing::Level::WARN).in_span("dataface.compile").with_field("stage", "resolve").one();
//! signals.metric_named("dataface.compile.errors").with("error.type", "unknown_query").value(1);
//! signals.metric_named("dataface.compile.errors").only();
//! ```
//!
//! - [`Capture`]: isolated per thread, carried into threads and tasks explicitly.
//! - Queries ([`Captured::span`], [`Captured::log`], [`Captured::metric`]) with predicates and
//!   terminals (`one`, `exactly(n)`, `none`, `only`, `value`, `gauge`, `histogram_count`).
//! - [`Captured::assert_conforms`]: every signal checked against the catalog.
//! - [`Coverage`]: which declared signals a suite never emitted.
//! - [`assert_section_ready`]: a probe crate's section validates inside its catalog and its
//!   README carries the section's signal table ([`markdown_table`], [`check_readme_table`]).

mod capture;
mod conformance;
mod coverage;
mod query;
mod readme;
mod record;
mod recorder;
pub mod scrape;
mod section;

pub use capture::{Capture, CaptureGuard, Instrumented};
pub use conformance::{ConformanceError, Violation};
pub use coverage::{Coverage, CoverageReport};
pub use query::Query;
pub use readme::{check_readme_table, markdown_table};
pub use record::{
    AttrValue, Captured, LogRecord, MetricRecord, MetricValue, SpanRecord, SpanStatus,
};
pub use section::assert_section_ready;

/// The README's example compiles as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
