//! The error-code taxonomy on the wire.
//!
//! A probe crate declares its error codes as [`ErrorCodeSpec`]s and exposes them as an
//! enum implementing [`ErrorCode`]. Recording one on a span sets the `error.type`
//! attribute (the OpenTelemetry semantic convention) and the span status to error; on a
//! metric, the code is the value of the `error.type` label (`error_type` on Prometheus)
//! of the surface's declared error counter.
//!
//! ```
//! use telemetry_core::catalog::{ErrorClass, ErrorCodeSpec, Owner, Severity};
//! use telemetry_core::errors::{record_on_span, ErrorCode};
//!
//! const COMPILER_TEAM: Owner = Owner { id: "example-team", description: "The compiler." };
//! #[derive(Debug, Clone, Copy)]
//! enum CompileError { UnknownQuery }
//!
//! const UNKNOWN_QUERY: ErrorCodeSpec = ErrorCodeSpec {
//!     code: "unknown_query", surface: "compiler", class: ErrorClass::User, retryable: false,
//!     severity: Severity::Error, owner: COMPILER_TEAM,
//!     summary: "A chart references a query the contract does not define.",
//!     remedy: "Define the query under `queries:` or fix the chart's `query:` name.",
//! };
//! impl ErrorCode for CompileError {
//!     fn spec(self) -> &'static ErrorCodeSpec { match self { CompileError::UnknownQuery => &UNKNOWN_QUERY } }
//! }
//!
//! let span = tracing::info_span!("dataface.compile");
//! record_on_span(&span, CompileError::UnknownQuery);
//! assert_eq!(CompileError::UnknownQuery.code(), "unknown_query");
//! ```

use crate::catalog::{AttributeSpec, AttributeType, ErrorCodeSpec, Requirement};
use opentelemetry::trace::Status;
use tracing_opentelemetry::OpenTelemetrySpanExt;

/// The span attribute and metric label that carry an error code.
pub const ERROR_TYPE: &str = "error.type";

/// The `error.type` span attribute every operation that can fail declares. A section that
/// says more overrides the description.
///
/// ```
/// use telemetry_core::catalog::AttributeSpec;
/// use telemetry_core::errors::{ERROR_TYPE, ERROR_TYPE_ATTR};
/// const ERROR_ATTR: AttributeSpec = AttributeSpec {
///     description: "The error code, when the operation failed or timed out.",
///     ..ERROR_TYPE_ATTR
/// };
/// assert_eq!(ERROR_ATTR.key, ERROR_TYPE);
/// ```
pub const ERROR_TYPE_ATTR: AttributeSpec = AttributeSpec {
    key: ERROR_TYPE,
    requirement: Requirement::ConditionallyRequired,
    value_type: AttributeType::String {
        example: "unknown_query",
    },
    description: "The error code, when the operation failed.",
};

/// An error code of a surface: each variant maps to its catalog entry.
pub trait ErrorCode: Copy + std::fmt::Debug + 'static {
    /// The catalog entry.
    fn spec(self) -> &'static ErrorCodeSpec;

    /// The stable code string (`unknown_query`).
    fn code(self) -> &'static str {
        self.spec().code
    }
}

/// Marks `span` failed with `code`: `error.type` = the code, status = error with the code's
/// summary as its message. Costs nothing when telemetry is disabled.
pub fn record_on_span(span: &tracing::Span, code: impl ErrorCode) {
    if span.is_disabled() {
        return;
    }
    let spec = code.spec();
    span.set_attribute(ERROR_TYPE, spec.code);
    span.set_status(Status::error(spec.summary));
}

/// Marks `span` degraded with `code`: `error.type` = the code, the status stays unset (a
/// warning: the operation went on). Costs nothing when telemetry is disabled.
///
/// ```
/// # use telemetry_core::catalog::{ErrorClass, ErrorCodeSpec, Owner, Severity};
/// # use telemetry_core::errors::ErrorCode;
/// # #[derive(Debug, Clone, Copy)]
/// # struct Truncated;
/// # const TEAM: Owner = Owner { id: "example-team", description: "The compiler." };
/// # const SPEC: ErrorCodeSpec = ErrorCodeSpec {
/// #     code: "result_truncated", surface: "compiler", class: ErrorClass::User,
/// #     retryable: false, severity: Severity::Warning, owner: TEAM,
/// #     summary: "The result was truncated.", remedy: "Aggregate in the query.",
/// # };
/// # impl ErrorCode for Truncated { fn spec(self) -> &'static ErrorCodeSpec { &SPEC } }
/// let span = tracing::info_span!("dataface.query.execute");
/// telemetry_core::errors::record_warning_on_span(&span, Truncated);
/// ```
pub fn record_warning_on_span(span: &tracing::Span, code: impl ErrorCode) {
    if !span.is_disabled() {
        span.set_attribute(ERROR_TYPE, code.code());
    }
}
