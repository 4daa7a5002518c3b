//! Building blocks for probe crates: label enums, handle families, spans from the catalog
//! and the operation guard.
//!
//! A probe crate declares its bounded label values with [`label_enum!`](crate::label_enum)
//! (one enum gives the typed API, the catalog's [`LabelSpec`](crate::catalog::LabelSpec)
//! with its key and the handle index), its error codes with
//! [`error_codes!`](crate::error_codes) (the catalog entries and the `error.type` label),
//! registers each metric once as a [`Family`] of handles indexed by those enums, starts each
//! operation with [`operation!`](crate::operation) (a span named and keyed by the catalog's
//! [`SpanSpec`](crate::catalog::SpanSpec) and [`AttributeSpec`]s, built only when telemetry
//! is enabled), and declares its guards with [`probe_guard!`](crate::probe_guard): the span
//! accessor and the `Drop` that records `abandoned` come from one place.
//!
//! ```
//! use metrics::Histogram;
//! use telemetry_core::catalog::*;
//! use telemetry_core::probe::{Family, ABANDONED_ATTR};
//!
//! const COMPILER_TEAM: Owner = Owner { id: "example-team", description: "The compiler." };
//!
//! telemetry_core::label_enum! {
//!     /// How a render ended.
//!     pub enum Outcome: "dataface.outcome", "How the render ended." {
//!         /// Rendered.
//!         Success = "success",
//!         /// Dropped without an outcome.
//!         Abandoned = "abandoned",
//!     }
//! }
//! const RENDER_DURATION: MetricSpec = MetricSpec {
//!     name: "dataface.render.duration",
//!     kind: InstrumentKind::Histogram,
//!     unit: "s",
//!     description: "Time to render one dashboard.",
//!     labels: &[Outcome::LABEL],
//!     buckets: &[0.1, 1.0],
//!     owner: COMPILER_TEAM,
//! };
//! const FORMAT_ATTR: AttributeSpec = AttributeSpec {
//!     key: "dataface.render.format",
//!     requirement: Requirement::Required,
//!     description: "Output format.",
//!     value_type: AttributeType::String { example: "png" },
//! };
//! const RENDER_SPAN: SpanSpec = SpanSpec {
//!     name: "dataface.render",
//!     description: "Rendering one dashboard.",
//!     attributes: &[FORMAT_ATTR, ABANDONED_ATTR],
//!     owner: COMPILER_TEAM,
//! };
//!
//! struct Probes {
//!     duration: Family<Outcome, Histogram>,
//! }
//!
//! telemetry_core::probe_guard! {
//!     /// One render in flight.
//!     struct RenderGuard<'p> {
//!         probes: &'p Probes,
//!     }
//!     drop(&mut self, elapsed) {
//!         self.probes.duration.get(Outcome::Abandoned).record(elapsed.as_secs_f64());
//!     }
//! }
//!
//! impl Probes {
//!     fn render(&self, format: &str) -> RenderGuard<'_> {
//!         RenderGuard::new(self, telemetry_core::operation!(RENDER_SPAN, FORMAT_ATTR = format))
//!     }
//! }
//!
//! impl RenderGuard<'_> {
//!     fn ok(mut self) {
//!         if let Some(elapsed) = self.op.finish() {
//!             self.probes.duration.get(Outcome::Success).record(elapsed.as_secs_f64());
//!         }
//!     }
//! }
//! # impl std::fmt::Debug for Probes {
//! #     fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result { f.write_str("Probes") }
//! # }
//!
//! let probes = Probes { duration: Family::register(&RENDER_DURATION) };
//! probes.render("png").ok();
//! ```

mod family;
mod labels;

pub use family::{Family, Handle, LabelKey};
pub use labels::{LabelValue, WithNone};

/// `tracing`, for the macros of this module.
#[doc(hidden)]
pub use tracing as __tracing;

use crate::catalog::{AttributeSpec, AttributeType, Requirement};
use crate::errors::ErrorCode;
use std::time::{Duration, Instant};

/// The span attribute set on an operation dropped without an outcome.
pub const ABANDONED: &str = "dataface.abandoned";

/// The `dataface.abandoned` span attribute every guarded operation declares: list it in the
/// span's [`SpanSpec::attributes`](crate::catalog::SpanSpec::attributes).
pub const ABANDONED_ATTR: AttributeSpec = AttributeSpec {
    key: ABANDONED,
    requirement: Requirement::ConditionallyRequired,
    value_type: AttributeType::Boolean,
    description: "True when the operation's guard was dropped without an outcome.",
};

/// A span named by a catalog [`SpanSpec`](crate::catalog::SpanSpec), its fields keyed by the
/// catalog's [`AttributeSpec`]s (`ATTR = value`), at INFO; `parent: span,` first for an
/// explicit parent. Span names and attribute keys are never written at a call site:
/// `tracing` 0.1 takes the span name as an expression that goes into the callsite's static
/// metadata, and a field name as `{ CONST } = value`, so both come from constants at no cost
/// (the metadata is built at compile time either way).
///
/// ```
/// use telemetry_core::catalog::{AttributeSpec, AttributeType, Owner, Requirement, SpanSpec};
/// const COMPILER_TEAM: Owner = Owner { id: "example-team", description: "The compiler." };
/// const ROWS: AttributeSpec = AttributeSpec {
///     key: "dataface.query.rows",
///     requirement: Requirement::Recommended,
///     value_type: AttributeType::Int,
///     description: "Rows returned.",
/// };
/// const QUERY: SpanSpec = SpanSpec {
///     name: "dataface.query.execute",
///     description: "One query.",
///     attributes: &[ROWS],
///     owner: COMPILER_TEAM,
/// };
/// let span = telemetry_core::probe_span!(QUERY, ROWS = 12_i64);
/// let child = telemetry_core::probe_span!(parent: &span, QUERY);
/// # drop(child);
/// ```
#[macro_export]
macro_rules! probe_span {
    (parent: $parent:expr, $span:path $(, $attr:path = $value:expr)* $(,)?) => {
        $crate::probe::__tracing::info_span!(
            parent: $parent, $span.name, $({ $attr.key } = $value),*
        )
    };
    ($span:path $(, $attr:path = $value:expr)* $(,)?) => {
        $crate::probe::__tracing::info_span!($span.name, $({ $attr.key } = $value),*)
    };
}

/// Starts an [`Operation`] with a [`probe_span!`](crate::probe_span) when telemetry is
/// enabled ([`crate::enabled`]); otherwise an inert one, and the span's fields are not even
/// evaluated.
///
/// ```
/// use telemetry_core::catalog::{Owner, SpanSpec};
/// const COMPILER_TEAM: Owner = Owner { id: "example-team", description: "The compiler." };
/// const COMPILE: SpanSpec = SpanSpec {
///     name: "dataface.compile",
///     description: "One compile.",
///     attributes: &[],
///     owner: COMPILER_TEAM,
/// };
/// let op = telemetry_core::operation!(COMPILE);
/// assert!(!op.is_recording(), "no pipeline installed");
/// ```
#[macro_export]
macro_rules! operation {
    ($($args:tt)*) => {
        $crate::probe::Operation::start_with(|| $crate::probe_span!($($args)*))
    };
}

/// Declares a probe guard: the struct (its fields, plus `op:` [`Operation`]), a private
/// `new(fields.., op)`, `span()`, and, with a `drop(&mut self, elapsed) { .. }` clause, the
/// `Drop` that runs the clause with the elapsed time when the guard is dropped without an
/// outcome (after marking the span `abandoned`). Without the clause, write the `Drop` by
/// hand.
///
/// See the [module example](self).
#[macro_export]
macro_rules! probe_guard {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident<$lt:lifetime> {
            $( $field:ident : $ty:ty ),* $(,)?
        }
        $( drop(&mut $this:ident, $elapsed:pat) $body:block )?
    ) => {
        $(#[$meta])*
        #[derive(Debug)]
        $vis struct $name<$lt> {
            $( $field: $ty, )*
            op: $crate::probe::Operation,
        }

        impl<$lt> $name<$lt> {
            /// The guard of `op`, with its context.
            #[allow(dead_code, clippy::too_many_arguments)]
            fn new($( $field: $ty, )* op: $crate::probe::Operation) -> Self {
                Self { $( $field, )* op }
            }

            /// The operation's span: enter it around the work so its logs correlate.
            $vis fn span(&self) -> &$crate::probe::__tracing::Span {
                self.op.span()
            }
        }

        $(
            impl Drop for $name<'_> {
                fn drop(&mut $this) {
                    if let Some($elapsed) = $this.op.abandon() $body
                }
            }
        )?
    };
}

/// One operation in flight: its span, its start, and whether its outcome was recorded.
///
/// When telemetry is disabled the span is a no-op and no clock is read.
///
/// ```
/// use telemetry_core::probe::Operation;
///
/// let mut built = false;
/// let op = Operation::start_with(|| {
///     built = true;
///     tracing::info_span!("dataface.compile")
/// });
/// assert!(!built && !op.is_recording(), "no pipeline: no span built, no clock read");
/// let stage = op.child(|parent| tracing::info_span!(parent: parent, "dataface.compile.stage"));
/// assert!(!stage.is_recording());
///
/// let mut op = Operation::start(tracing::Span::none());
/// assert!(op.finish().is_some());
/// assert_eq!(op.finish(), None, "an outcome is recorded once");
/// assert_eq!(op.abandon(), None, "a finished operation is not abandoned");
/// ```
#[derive(Debug)]
pub struct Operation {
    span: tracing::Span,
    started: Option<Instant>,
    finished: bool,
}

impl Operation {
    /// Starts an operation with `span` (build it with `tracing::info_span!`; when disabled,
    /// pass what [`Operation::disabled`] gives).
    pub fn start(span: tracing::Span) -> Self {
        Self {
            started: Some(Instant::now()),
            span,
            finished: false,
        }
    }

    /// Starts an operation with the span `make_span` builds when telemetry is enabled
    /// ([`crate::enabled`]), else an inert one (`make_span` is not called).
    #[inline]
    pub fn start_with(make_span: impl FnOnce() -> tracing::Span) -> Self {
        if crate::enabled() {
            Self::start(make_span())
        } else {
            Self::disabled()
        }
    }

    /// Starts a child operation, with the span `make_span` builds under this operation's
    /// span, when this operation records; else an inert one.
    #[inline]
    pub fn child(&self, make_span: impl FnOnce(&tracing::Span) -> tracing::Span) -> Self {
        if self.is_recording() {
            Self::start(make_span(&self.span))
        } else {
            Self::disabled()
        }
    }

    /// An inert operation, for when [`crate::enabled`] is false.
    pub fn disabled() -> Self {
        Self {
            span: tracing::Span::none(),
            started: None,
            finished: false,
        }
    }

    /// Whether this operation records anything.
    pub fn is_recording(&self) -> bool {
        self.started.is_some()
    }

    /// The operation's span.
    pub fn span(&self) -> &tracing::Span {
        &self.span
    }

    /// Time since start (zero when not recording).
    pub fn elapsed(&self) -> Duration {
        self.started.map(|s| s.elapsed()).unwrap_or_default()
    }

    /// Marks the outcome recorded; returns the elapsed time, or `None` when the outcome was
    /// already recorded or the operation does not record.
    pub fn finish(&mut self) -> Option<Duration> {
        if self.finished {
            return None;
        }
        self.finished = true;
        self.started.map(|s| s.elapsed())
    }

    /// Marks the outcome recorded as a failure with `code` (sets `error.type` and the span
    /// status); returns the elapsed time as [`finish`](Self::finish) does.
    pub fn fail(&mut self, code: impl ErrorCode) -> Option<Duration> {
        let elapsed = self.finish();
        if elapsed.is_some() {
            crate::errors::record_on_span(&self.span, code);
        }
        elapsed
    }

    /// Whether an outcome was recorded.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// For a guard's `Drop`: when the operation records and no outcome was recorded, marks
    /// the span (`dataface.abandoned = true`, status error) and returns the elapsed time so
    /// the guard can record `abandoned` on its metrics.
    pub fn abandon(&mut self) -> Option<Duration> {
        use tracing_opentelemetry::OpenTelemetrySpanExt as _;
        let elapsed = self.finish()?;
        self.span.set_attribute(ABANDONED, true);
        self.span.set_status(opentelemetry::trace::Status::error(
            "abandoned: the operation's guard was dropped without an outcome",
        ));
        Some(elapsed)
    }
}

/// A count as an integer span attribute (tracing-opentelemetry turns `u64` into text):
/// saturates at `i64::MAX`.
///
/// ```
/// use telemetry_core::probe::saturating_i64;
/// assert_eq!(saturating_i64(12_u64), 12);
/// assert_eq!(saturating_i64(u64::MAX), i64::MAX);
/// assert_eq!(saturating_i64(u128::MAX), i64::MAX);
/// ```
pub fn saturating_i64(n: impl TryInto<i64>) -> i64 {
    n.try_into().unwrap_or(i64::MAX)
}

/// Seconds since the Unix epoch, as timestamp gauges hold them; `None` before the epoch.
pub fn unix_seconds(at: std::time::SystemTime) -> Option<f64> {
    at.duration_since(std::time::UNIX_EPOCH)
        .ok()
        .map(|d| d.as_secs_f64())
}

/// A timestamp gauge (Unix seconds, unit `s`) that only moves forward, whatever the order
/// concurrent operations report in: a last-success time. Freshness is then
/// `time() - gauge` at query time, with no timer in the process. It reads 0 until the first
/// success (alerts do not judge 0).
#[derive(Debug)]
pub struct LatestTimestamp {
    /// The latest time reported, as `f64` bits: non-negative floats order like their bits.
    bits: std::sync::atomic::AtomicU64,
    gauge: metrics::Gauge,
}

impl LatestTimestamp {
    /// Wraps the registered gauge handle.
    pub fn new(gauge: metrics::Gauge) -> Self {
        Self {
            bits: std::sync::atomic::AtomicU64::new(0),
            gauge,
        }
    }

    /// Moves to `at` when it is later than what the gauge holds; a time in the future
    /// counts as now and a time before the epoch is ignored. Returns whether it moved.
    pub fn advance(&self, at: std::time::SystemTime) -> bool {
        let Some(secs) = unix_seconds(at.min(std::time::SystemTime::now())) else {
            return false;
        };
        let bits = secs.to_bits();
        let previous = self
            .bits
            .fetch_max(bits, std::sync::atomic::Ordering::Relaxed);
        if previous < bits {
            self.gauge.set(secs);
            true
        } else {
            false
        }
    }

    /// The latest time reported, in Unix seconds (0 before the first).
    pub fn seconds(&self) -> f64 {
        f64::from_bits(self.bits.load(std::sync::atomic::Ordering::Relaxed))
    }
}
