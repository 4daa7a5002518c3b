//! The day's narrative: what a service would log at each moment, handed to a
//! [narrator](crate::LaunchDay::narrator) inside the span of the operation it is about.

use crate::Surface;

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
/// [narrator](crate::LaunchDay::narrator) receives it inside the span of the operation it is about.
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
            let line = $ctx.line($crate::Level::$level, Some(::dataface_telemetry::core::errors::ErrorCode::code($code)), format!($($fmt)+));
            $span.in_scope(|| narrate(&line));
        }
    };
    ($ctx:expr, $span:expr, $level:ident, $($fmt:tt)+) => {
        if let Some(narrate) = $ctx.narrator {
            let line = $ctx.line($crate::Level::$level, None, format!($($fmt)+));
            $span.in_scope(|| narrate(&line));
        }
    };
    ($ctx:expr, $level:ident, $($fmt:tt)+) => {
        if let Some(narrate) = $ctx.narrator {
            narrate(&$ctx.line($crate::Level::$level, None, format!($($fmt)+)));
        }
    };
}
pub(crate) use say;
