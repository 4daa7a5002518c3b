//! Building blocks for probe crates: label enums, error-code enums and the operation guard.
//!
//! A probe crate declares its bounded label values with [`label_enum!`] (one enum gives the
//! typed API, the catalog's value list and the handle index), its error codes with
//! [`error_codes!`] (one enum gives the catalog entries and the `error.type` values), and
//! wraps each operation in an [`Operation`]: the span, the start time, and whether an
//! outcome was recorded, so a guard dropped without one can say `abandoned`.

use crate::errors::ErrorCode;
use std::time::{Duration, Instant};

/// Declares a label enum: each variant with its label value.
///
/// ```
/// telemetry_core::label_enum! {
///     /// How a compile ended.
///     pub enum Outcome {
///         /// Compiled cleanly.
///         Success = "success",
///         /// Failed with an error code.
///         Failed = "failed",
///     }
/// }
/// assert_eq!(Outcome::VALUES, &["success", "failed"]);
/// assert_eq!(Outcome::Failed.as_str(), "failed");
/// assert_eq!(Outcome::Failed.index(), 1);
/// assert_eq!(Outcome::ALL.len(), 2);
/// ```
#[macro_export]
macro_rules! label_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident = $value:literal ),+ $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The label values, in declaration order (for the catalog).
            pub const VALUES: &'static [&'static str] = &[$($value),+];

            /// The label value.
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $value),+ }
            }

            /// The position in [`Self::ALL`]: the index of this value's handle.
            pub const fn index(self) -> usize {
                self as usize
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

/// Declares a surface's error codes: the enum, its catalog entries and the `error.type`
/// values.
///
/// ```
/// use telemetry_core::catalog::{owners, ErrorClass::*, Severity::*};
/// telemetry_core::error_codes! {
///     /// Why a compile failed.
///     pub enum CompileError for "compiler" {
///         /// The chart's query is not defined.
///         UnknownQuery = "unknown_query", User, retryable: false, Error, owners::CORE_COMPILER,
///             "A chart references a query the contract does not define.",
///             "Define the query under `queries:` or fix the chart's `query:` name.";
///     }
/// }
/// use telemetry_core::errors::ErrorCode;
/// assert_eq!(CompileError::UnknownQuery.code(), "unknown_query");
/// assert_eq!(CompileError::CODES, &["unknown_query"]);
/// assert_eq!(CompileError::SPECS[0].remedy.starts_with("Define"), true);
/// ```
#[macro_export]
macro_rules! error_codes {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident for $surface:literal {
            $(
                $(#[$vmeta:meta])*
                $variant:ident = $code:literal, $class:ident, retryable: $retry:literal,
                $severity:ident, $owner:expr, $summary:literal, $remedy:literal;
            )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        $vis enum $name {
            $( $(#[$vmeta])* $variant ),+
        }

        impl $name {
            /// Every code, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The code strings (the `error.type` label values).
            pub const CODES: &'static [&'static str] = &[$($code),+];
            /// The catalog entries, in declaration order.
            pub const SPECS: &'static [$crate::catalog::ErrorCodeSpec] = &[$(
                $crate::catalog::ErrorCodeSpec {
                    code: $code,
                    surface: $surface,
                    class: $crate::catalog::ErrorClass::$class,
                    retryable: $retry,
                    severity: $crate::catalog::Severity::$severity,
                    owner: $owner,
                    summary: $summary,
                    remedy: $remedy,
                }
            ),+];

            /// The position in [`Self::ALL`]: the index of this code's handles.
            pub const fn index(self) -> usize {
                self as usize
            }
        }

        impl $crate::errors::ErrorCode for $name {
            fn spec(self) -> &'static $crate::catalog::ErrorCodeSpec {
                &Self::SPECS[self as usize]
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str($crate::errors::ErrorCode::code(*self))
            }
        }
    };
}

/// The span attribute set on an operation dropped without an outcome.
pub const ABANDONED: &str = "dataface.abandoned";

/// One operation in flight: its span, its start, and whether its outcome was recorded.
///
/// When telemetry is disabled the span is a no-op and no clock is read.
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
