//! What can be wrong with a configuration value, and the error strict mode returns.

use std::fmt;

/// The kind of rule a configuration value broke.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProblemKind {
    /// The value could not be parsed as the expected form (a number, a boolean, a URL...).
    Unparsable,
    /// The value parsed but lies outside the allowed range.
    OutOfRange,
    /// An enumerated value (an exporter, a sampler, a protocol...) this crate does not know.
    UnknownValue,
    /// Two values contradict each other (e.g. a batch larger than its queue).
    Inconsistent,
    /// The value names a file that does not exist or cannot be read.
    Unreadable,
}

impl ProblemKind {
    fn describe(self) -> &'static str {
        match self {
            ProblemKind::Unparsable => "could not be parsed",
            ProblemKind::OutOfRange => "is out of range",
            ProblemKind::UnknownValue => "holds an unknown value",
            ProblemKind::Inconsistent => "contradicts another setting",
            ProblemKind::Unreadable => "names a file that cannot be read",
        }
    }
}

/// One configuration value that broke a rule.
///
/// The message names the variable, what was wrong and the expected form. It never
/// contains the value itself: a misplaced token or a header value must not reach a log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigProblem {
    /// The environment variable (or code setting) that holds the value.
    pub(crate) variable: &'static str,
    /// Which rule it broke.
    pub(crate) kind: ProblemKind,
    /// The expected form, e.g. "a whole number of milliseconds between 1 and 2147483647".
    pub(crate) expected: String,
    /// Where in a list the bad entry sits, when the value is a list (1-based).
    pub(crate) entry: Option<usize>,
    /// What happens instead when the problem is only a warning.
    pub(crate) fallback: String,
}

impl ConfigProblem {
    /// The environment variable (or code setting) that holds the value.
    pub fn variable(&self) -> &'static str {
        self.variable
    }

    /// Which rule it broke.
    pub fn kind(&self) -> ProblemKind {
        self.kind
    }

    /// The expected form, e.g. "a whole number of milliseconds between 1 and 2147483647".
    pub fn expected(&self) -> &str {
        &self.expected
    }

    /// Where in a list the bad entry sits, when the value is a list (1-based).
    pub fn entry(&self) -> Option<usize> {
        self.entry
    }

    /// What happens instead when the problem is only a warning.
    pub fn fallback(&self) -> &str {
        &self.fallback
    }
}

impl fmt::Display for ConfigProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {}", self.variable, self.kind.describe())?;
        if let Some(entry) = self.entry {
            write!(f, " (entry {entry})")?;
        }
        write!(f, "; expected {}", self.expected)
    }
}

/// The error [`TelemetryConfig::from_env`](super::TelemetryConfig::from_env) returns in strict
/// mode (`DATAFACE_TELEMETRY_STRICT=true`), listing every value that broke a rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} telemetry configuration problem(s), strict mode is on ({}=true): {}. Fix the variables or unset strict mode to fall back to defaults with a warning.",
    .problems.len(), super::vars::DATAFACE_TELEMETRY_STRICT, list(.problems))]
pub struct StrictConfigError {
    /// The problems, in the order the variables were read.
    pub(crate) problems: Vec<ConfigProblem>,
}

impl StrictConfigError {
    /// The problems, in the order the variables were read.
    pub fn problems(&self) -> &[ConfigProblem] {
        &self.problems
    }
}

fn list(problems: &[ConfigProblem]) -> String {
    problems
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}
