//! Reads a Prometheus scrape: the text exposition format (version 0.0.4) that
//! [`TelemetryGuard::prometheus_text`](telemetry_core::TelemetryGuard::prometheus_text) and
//! the scrape endpoint serve.
//!
//! One parser for every test, example and workload that looks at a scrape, so none of them
//! splits lines by hand. It follows the format's rules: `# HELP` and `# TYPE` lines describe a
//! family, other `#` lines and blank lines are ignored, a sample is
//! `name{label="value",...} value [timestamp_ms]` with `\\`, `\"` and `\n` escaped in label
//! values, values are floats including `NaN`, `+Inf` and `-Inf`. A histogram family `x` has
//! the samples `x_bucket` (each with an `le` label), `x_sum` and `x_count`; a summary `x` has
//! `x` (with `quantile`), `x_sum` and `x_count`; a counter `x` may show as `x_total`. A line
//! that breaks these rules is an error naming the line, never skipped.
//!
//! ```
//! use telemetry_testing::scrape::{MetricType, Scrape};
//!
//! let scrape = Scrape::parse(
//!     "# TYPE dataface_compile_errors_total counter\n\
//!      dataface_compile_errors_total{error_type=\"unknown_query\",dataface_compile_stage=\"parse\"} 3\n\
//!      ## TYPE dataface_query_duration_seconds histogram\n\
//!      dataface_query_duration_seconds_bucket{dataface_query_adapter=\"duckdb\",le=\"0.5\"} 1\n\
//!      dataface_query_duration_seconds_bucket{dataface_query_adapter=\"duckdb\",le=\"+Inf\"} 2\n\
//!      dataface_query_duration_seconds_sum{dataface_query_adapter=\"duckdb\"} 2.3\n\
//!      dataface_query_duration_seconds_count{dataface_query_adapter=\"duckdb\"} 2\n",
//! )?;
//! let errors = [("error_type", "unknown_query"), ("dataface_compile_stage", "parse")];
//! assert_eq!(scrape.value("dataface_compile_errors_total", &errors), Some(3.0));
//! assert_eq!(
//!     scrape.metric_type("dataface_query_duration_seconds"),
//!     Some(MetricType::Histogram)
//! );
//! let duration = scrape
//!     .histogram("dataface_query_duration_seconds", &[("dataface_query_adapter", "duckdb")])
//!     .expect("the histogram is on the scrape");
//! assert_eq!(duration.buckets, [(0.5, 1.0), (f64::INFINITY, 2.0)]);
//! assert_eq!(duration.count, 2.0);
//! // One number per series: counters and gauges as they are, histograms as their `_count`.
//! let headline: Vec<String> = scrape.headline().map(|s| s.series()).collect();
//! assert_eq!(
//!     headline,
//!     [
//!         "dataface_compile_errors_total{error_type=\"unknown_query\",dataface_compile_stage=\"parse\"}",
//!         "dataface_query_duration_seconds_count{dataface_query_adapter=\"duckdb\"}",
//!     ]
//! );
//! # Ok::<(), telemetry_testing::scrape::ScrapeError>(())
//! ```

use std::collections::BTreeMap;
use std::fmt::{self, Write as _};

/// Parses `text`, the body of a Prometheus scrape. The same as [`Scrape::parse`].
///
/// # Errors
/// The first line that breaks the text format, with its number (see [`ScrapeError`]).
pub fn parse(text: &str) -> Result<Scrape, ScrapeError> {
    Scrape::parse(text)
}

/// Why a scrape's text could not be read: the line, its number, and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScrapeError {
    /// A sample line does not read `name{label="value",...} value [timestamp_ms]`.
    #[error(
        "scrape line {line}: {problem}: {text:?}; a sample reads \
         `name{{label=\"value\",...}} value [timestamp_ms]` (is this the scrape's body, and \
         does the exporter escape label values?)"
    )]
    Sample {
        /// The line's number, from 1.
        line: usize,
        /// The line as it stands.
        text: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A `# TYPE` line does not read `# TYPE name counter|gauge|histogram|summary|untyped`,
    /// repeats a family's type, or follows the family's samples.
    #[error(
        "scrape line {line}: {problem}: {text:?}; a family's type reads \
         `# TYPE name counter|gauge|histogram|summary|untyped`, once, before its samples"
    )]
    Type {
        /// The line's number, from 1.
        line: usize,
        /// The line as it stands.
        text: String,
        /// What is wrong with it.
        problem: String,
    },
    /// A `# HELP` line does not read `# HELP name text`, or repeats a family's help.
    #[error(
        "scrape line {line}: {problem}: {text:?}; a family's help reads `# HELP name text`, \
         once per family"
    )]
    Help {
        /// The line's number, from 1.
        line: usize,
        /// The line as it stands.
        text: String,
        /// What is wrong with it.
        problem: String,
    },
}

impl ScrapeError {
    /// The number of the offending line, from 1.
    pub fn line(&self) -> usize {
        match self {
            ScrapeError::Sample { line, .. }
            | ScrapeError::Type { line, .. }
            | ScrapeError::Help { line, .. } => *line,
        }
    }
}

/// A family's type, from its `# TYPE` line (`untyped` when it has none).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum MetricType {
    /// `counter`: a monotonic total.
    Counter,
    /// `gauge`: a value that goes up and down.
    Gauge,
    /// `histogram`: cumulative buckets (`_bucket` with `le`), `_sum` and `_count`.
    Histogram,
    /// `summary`: quantiles (`quantile`), `_sum` and `_count`.
    Summary,
    /// `untyped`, or no `# TYPE` line.
    Untyped,
}

impl MetricType {
    /// The type as a `# TYPE` line spells it.
    pub const fn as_str(self) -> &'static str {
        match self {
            MetricType::Counter => "counter",
            MetricType::Gauge => "gauge",
            MetricType::Histogram => "histogram",
            MetricType::Summary => "summary",
            MetricType::Untyped => "untyped",
        }
    }

    fn from_keyword(keyword: &str) -> Option<Self> {
        [
            MetricType::Counter,
            MetricType::Gauge,
            MetricType::Histogram,
            MetricType::Summary,
            MetricType::Untyped,
        ]
        .into_iter()
        .find(|t| t.as_str() == keyword)
    }

    /// The suffixes a sample of a family of this type may add to the family's name.
    fn suffixes(self) -> &'static [&'static str] {
        match self {
            MetricType::Counter => &["_total"],
            MetricType::Histogram => &["_bucket", "_sum", "_count"],
            MetricType::Summary => &["_sum", "_count"],
            MetricType::Gauge | MetricType::Untyped => &[],
        }
    }
}

impl fmt::Display for MetricType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One sample line of a scrape: a series and its value.
#[derive(Debug, Clone, PartialEq)]
pub struct Sample {
    name: String,
    labels: Vec<(String, String)>,
    value: f64,
    timestamp_ms: Option<i64>,
    family: String,
    kind: MetricType,
}

impl Sample {
    /// The sample's name as the scrape shows it (`x_bucket` for a histogram's bucket).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The labels in the scrape's order, values unescaped.
    pub fn labels(&self) -> &[(String, String)] {
        &self.labels
    }

    /// The value of label `key`, if the sample has it.
    pub fn label(&self, key: &str) -> Option<&str> {
        self.labels
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.as_str())
    }

    /// The labels as a map (what an OTLP data point's attributes compare against).
    pub fn label_map(&self) -> BTreeMap<String, String> {
        self.labels.iter().cloned().collect()
    }

    /// Whether the sample's labels are exactly `labels`, in any order.
    pub fn has_labels(&self, labels: &[(&str, &str)]) -> bool {
        self.labels.len() == labels.len() && labels.iter().all(|(k, v)| self.label(k) == Some(*v))
    }

    /// The value (`NaN`, `+Inf` and `-Inf` included).
    pub fn value(&self) -> f64 {
        self.value
    }

    /// The timestamp in milliseconds since the Unix epoch, when the line gives one.
    pub fn timestamp_ms(&self) -> Option<i64> {
        self.timestamp_ms
    }

    /// The family the sample belongs to: the name of its `# TYPE` line, else its own name.
    pub fn family(&self) -> &str {
        &self.family
    }

    /// The family's type.
    pub fn kind(&self) -> MetricType {
        self.kind
    }

    /// What the sample's name adds to its family's: `_bucket`, `_sum`, `_count`, `_total`, or
    /// nothing.
    pub fn suffix(&self) -> &str {
        &self.name[self.family.len()..]
    }

    /// Whether the sample stands for its whole series: a counter's, gauge's or untyped value,
    /// or a histogram's or summary's `_count`.
    pub fn is_headline(&self) -> bool {
        match self.kind {
            MetricType::Histogram | MetricType::Summary => self.suffix() == "_count",
            _ => true,
        }
    }

    /// The series as the scrape writes it: `name{label="value",...}` (just `name` without
    /// labels), label values escaped again.
    pub fn series(&self) -> String {
        let mut out = self.name.clone();
        if !self.labels.is_empty() {
            out.push('{');
            for (i, (key, value)) in self.labels.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                let _ = write!(out, "{key}=\"");
                for c in value.chars() {
                    match c {
                        '\\' => out.push_str("\\\\"),
                        '"' => out.push_str("\\\""),
                        '\n' => out.push_str("\\n"),
                        c => out.push(c),
                    }
                }
                out.push('"');
            }
            out.push('}');
        }
        out
    }
}

/// One histogram series read back from its `_bucket`, `_sum` and `_count` samples.
#[derive(Debug, Clone, PartialEq)]
pub struct Histogram {
    /// `(le, cumulative count)` per bucket, by ascending bound (the last is `+Inf`).
    pub buckets: Vec<(f64, f64)>,
    /// The `_sum` sample (NaN when the scrape has none).
    pub sum: f64,
    /// The `_count` sample (NaN when the scrape has none).
    pub count: f64,
}

#[derive(Debug, Clone, PartialEq)]
struct Family {
    name: String,
    kind: Option<MetricType>,
    help: Option<String>,
}

/// A parsed scrape: its samples in order, and each family's type and help.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scrape {
    samples: Vec<Sample>,
    families: Vec<Family>,
}

impl Scrape {
    /// Parses `text`, the body of a Prometheus scrape.
    ///
    /// # Errors
    /// The first line that breaks the text format, with its number (see [`ScrapeError`]).
    pub fn parse(text: &str) -> Result<Self, ScrapeError> {
        let mut scrape = Scrape::default();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() {
                continue;
            }
            let number = i + 1;
            match line.strip_prefix('#') {
                Some(comment) => scrape.descriptor(comment, line, number)?,
                None => {
                    let sample = scrape.sample(line).map_err(|problem| ScrapeError::Sample {
                        line: number,
                        text: line.to_owned(),
                        problem,
                    })?;
                    scrape.samples.push(sample);
                }
            }
        }
        Ok(scrape)
    }

    /// Every sample, in the scrape's order.
    pub fn samples(&self) -> &[Sample] {
        &self.samples
    }

    /// How many samples the scrape has.
    pub fn len(&self) -> usize {
        self.samples.len()
    }

    /// Whether the scrape has no sample.
    pub fn is_empty(&self) -> bool {
        self.samples.is_empty()
    }

    /// The samples named `name` (a histogram's `x_count`, not its family `x`).
    pub fn named<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a Sample> + 'a {
        self.samples.iter().filter(move |s| s.name == name)
    }

    /// The sample named `name` whose labels are exactly `labels` (in any order).
    pub fn get(&self, name: &str, labels: &[(&str, &str)]) -> Option<&Sample> {
        self.samples
            .iter()
            .find(|s| s.name == name && s.has_labels(labels))
    }

    /// The value of the sample named `name` whose labels are exactly `labels`.
    pub fn value(&self, name: &str, labels: &[(&str, &str)]) -> Option<f64> {
        self.get(name, labels).map(Sample::value)
    }

    /// One sample per series: counters, gauges and untyped samples as they are, histograms
    /// and summaries as their `_count`, in the scrape's order.
    pub fn headline(&self) -> impl Iterator<Item = &Sample> {
        self.samples.iter().filter(|s| s.is_headline())
    }

    /// The type of family `family`, when a `# TYPE` line declares it.
    pub fn metric_type(&self, family: &str) -> Option<MetricType> {
        self.family(family).and_then(|f| f.kind)
    }

    /// The help text of family `family` (unescaped), when a `# HELP` line gives it.
    pub fn help(&self, family: &str) -> Option<&str> {
        self.family(family).and_then(|f| f.help.as_deref())
    }

    /// The histogram series of family `family` whose labels, besides `le` on its buckets, are
    /// exactly `labels`; `None` when `family` is not a histogram or has no such series.
    pub fn histogram(&self, family: &str, labels: &[(&str, &str)]) -> Option<Histogram> {
        if self.metric_type(family) != Some(MetricType::Histogram) {
            return None;
        }
        let mut buckets = Vec::new();
        let (mut sum, mut count) = (f64::NAN, f64::NAN);
        let mut found = false;
        for s in self.samples.iter().filter(|s| s.family == family) {
            match s.suffix() {
                "_bucket" => {
                    let rest: Vec<(&str, &str)> = s
                        .labels
                        .iter()
                        .filter(|(k, _)| k != "le")
                        .map(|(k, v)| (k.as_str(), v.as_str()))
                        .collect();
                    if rest.len() == labels.len() && labels.iter().all(|l| rest.contains(l)) {
                        let le = s.label("le").and_then(|v| parse_float(v).ok());
                        buckets.push((le.unwrap_or(f64::NAN), s.value));
                        found = true;
                    }
                }
                "_sum" if s.has_labels(labels) => (sum, found) = (s.value, true),
                "_count" if s.has_labels(labels) => (count, found) = (s.value, true),
                _ => {}
            }
        }
        buckets.sort_by(|a, b| a.0.total_cmp(&b.0));
        found.then_some(Histogram {
            buckets,
            sum,
            count,
        })
    }

    fn family(&self, name: &str) -> Option<&Family> {
        self.families.iter().find(|f| f.name == name)
    }

    fn family_mut(&mut self, name: &str) -> &mut Family {
        match self.families.iter().position(|f| f.name == name) {
            Some(i) => &mut self.families[i],
            None => {
                self.families.push(Family {
                    name: name.to_owned(),
                    kind: None,
                    help: None,
                });
                self.families.last_mut().expect("just pushed")
            }
        }
    }

    /// A `#` line: `# TYPE`, `# HELP`, or a comment.
    fn descriptor(&mut self, comment: &str, line: &str, number: usize) -> Result<(), ScrapeError> {
        let comment = comment.trim_start();
        let (keyword, rest) = split_token(comment);
        match keyword {
            "TYPE" => {
                let error = |problem: &str| ScrapeError::Type {
                    line: number,
                    text: line.to_owned(),
                    problem: problem.to_owned(),
                };
                let (name, rest) = split_token(rest);
                let (kind, rest) = split_token(rest);
                if !is_metric_name(name) {
                    return Err(error("no valid metric name"));
                }
                let kind = MetricType::from_keyword(kind)
                    .ok_or_else(|| error(&format!("unknown type {kind:?}")))?;
                if !rest.is_empty() {
                    return Err(error("text after the type"));
                }
                if self.metric_type(name).is_some() {
                    return Err(error(&format!("a second type for {name}")));
                }
                let owns = |s: &Sample| {
                    s.name == name
                        || kind
                            .suffixes()
                            .iter()
                            .any(|suffix| s.name.strip_suffix(suffix) == Some(name))
                };
                if self.samples.iter().any(owns) {
                    return Err(error(&format!(
                        "the type of {name} comes after its samples"
                    )));
                }
                self.family_mut(name).kind = Some(kind);
            }
            "HELP" => {
                let error = |problem: &str| ScrapeError::Help {
                    line: number,
                    text: line.to_owned(),
                    problem: problem.to_owned(),
                };
                let (name, text) = split_token(rest);
                if !is_metric_name(name) {
                    return Err(error("no valid metric name"));
                }
                if self.help(name).is_some() {
                    return Err(error(&format!("a second help for {name}")));
                }
                let help = unescape_help(text).map_err(|problem| error(&problem))?;
                self.family_mut(name).help = Some(help);
            }
            _ => {} // a comment
        }
        Ok(())
    }

    /// A sample line; the error is what is wrong with it.
    fn sample(&self, line: &str) -> Result<Sample, String> {
        let name_end = line
            .char_indices()
            .find(|&(i, c)| !is_name_char(c, i == 0))
            .map_or(line.len(), |(i, _)| i);
        let name = &line[..name_end];
        if name.is_empty() {
            return Err("it does not start with a metric name".to_owned());
        }
        let mut rest = &line[name_end..];
        let mut labels: Vec<(String, String)> = Vec::new();
        if let Some(after) = rest.trim_start().strip_prefix('{') {
            rest = parse_labels(after, &mut labels)?;
        }
        let (value, after) = split_token(rest);
        let (timestamp, after) = split_token(after);
        if value.is_empty() {
            return Err(format!("{name} has no value"));
        }
        if !rest.starts_with([' ', '\t']) {
            return Err(format!(
                "no blank between the series and the value {value:?}"
            ));
        }
        if !after.is_empty() {
            return Err(format!("text after the value and timestamp: {after:?}"));
        }
        let value = parse_float(value).map_err(|_| {
            format!("the value {value:?} is not a number (e.g. 3, 0.25, 1e-3, NaN, +Inf, -Inf)")
        })?;
        let timestamp_ms = match timestamp {
            "" => None,
            t => Some(t.parse::<i64>().map_err(|_| {
                format!("the timestamp {t:?} is not whole milliseconds since the Unix epoch")
            })?),
        };
        let (family, kind) = self.family_of(name);
        let sample = Sample {
            name: name.to_owned(),
            labels,
            value,
            timestamp_ms,
            family: family.to_owned(),
            kind,
        };
        let numeric_label = |key: &str| {
            sample
                .label(key)
                .is_some_and(|v| parse_float(v).is_ok())
                .then_some(())
                .ok_or_else(|| {
                    format!(
                        "a {kind} sample {name} needs a numeric `{key}` label \
                         (e.g. {key}=\"0.5\" or {key}=\"+Inf\")"
                    )
                })
        };
        match (kind, sample.suffix()) {
            (MetricType::Histogram, "_bucket") => numeric_label("le")?,
            (MetricType::Summary, "") => numeric_label("quantile")?,
            (MetricType::Histogram, "") => {
                return Err(format!(
                    "the histogram {name} shows only as {name}_bucket, {name}_sum and \
                     {name}_count"
                ))
            }
            _ => {}
        }
        Ok(sample)
    }

    /// The family a sample named `name` belongs to, and its type.
    fn family_of<'a>(&'a self, name: &'a str) -> (&'a str, MetricType) {
        if let Some(kind) = self.metric_type(name) {
            return (name, kind);
        }
        for family in &self.families {
            let Some(kind) = family.kind else { continue };
            if kind
                .suffixes()
                .iter()
                .any(|suffix| name.strip_suffix(suffix) == Some(family.name.as_str()))
            {
                return (&family.name, kind);
            }
        }
        (name, MetricType::Untyped)
    }
}

/// Parses the labels after `{` into `labels`; returns what follows the closing `}`.
fn parse_labels<'a>(
    mut rest: &'a str,
    labels: &mut Vec<(String, String)>,
) -> Result<&'a str, String> {
    loop {
        rest = rest.trim_start();
        if let Some(after) = rest.strip_prefix('}') {
            return Ok(after);
        }
        let key_end = rest
            .char_indices()
            .find(|&(i, c)| !is_label_char(c, i == 0))
            .map_or(rest.len(), |(i, _)| i);
        let key = &rest[..key_end];
        if key.is_empty() {
            return Err(match rest.chars().next() {
                None => "the labels have no closing `}`".to_owned(),
                Some(c) => format!("expected a label name or `}}`, found {c:?}"),
            });
        }
        rest = rest[key_end..].trim_start();
        rest = rest
            .strip_prefix('=')
            .ok_or_else(|| format!("expected `=` after the label name {key}"))?
            .trim_start();
        rest = rest
            .strip_prefix('"')
            .ok_or_else(|| format!("the value of label {key} is not quoted"))?;
        let mut value = String::new();
        let mut chars = rest.char_indices();
        let end = loop {
            match chars.next() {
                None => return Err(format!("the value of label {key} has no closing quote")),
                Some((i, '"')) => break i + 1,
                Some((_, '\\')) => match chars.next() {
                    Some((_, '\\')) => value.push('\\'),
                    Some((_, '"')) => value.push('"'),
                    Some((_, 'n')) => value.push('\n'),
                    Some((_, c)) => {
                        return Err(format!(
                            "the value of label {key} has the escape \\{c} (only \\\\, \\\" and \
                             \\n exist)"
                        ))
                    }
                    None => return Err(format!("the value of label {key} has no closing quote")),
                },
                Some((_, c)) => value.push(c),
            }
        };
        if labels.iter().any(|(k, _)| k == key) {
            return Err(format!("the label {key} appears twice"));
        }
        labels.push((key.to_owned(), value));
        rest = rest[end..].trim_start();
        if let Some(after) = rest.strip_prefix(',') {
            rest = after;
        } else if rest.is_empty() {
            return Err("the labels have no closing `}`".to_owned());
        } else if !rest.starts_with('}') {
            return Err(format!(
                "expected `,` or `}}` after the value of label {key}"
            ));
        }
    }
}

/// The first blank-separated token of `text` and what follows it (trimmed at the start).
fn split_token(text: &str) -> (&str, &str) {
    let text = text.trim_start();
    match text.find([' ', '\t']) {
        Some(i) => (&text[..i], text[i..].trim_start()),
        None => (text, ""),
    }
}

/// A float as the text format writes it: Go's spelling, so `NaN`, `+Inf` and `-Inf` too.
fn parse_float(text: &str) -> Result<f64, std::num::ParseFloatError> {
    text.parse::<f64>()
}

fn is_name_char(c: char, first: bool) -> bool {
    c.is_ascii_alphabetic() || c == '_' || c == ':' || (!first && c.is_ascii_digit())
}

fn is_label_char(c: char, first: bool) -> bool {
    c.is_ascii_alphabetic() || c == '_' || (!first && c.is_ascii_digit())
}

fn is_metric_name(name: &str) -> bool {
    !name.is_empty() && name.char_indices().all(|(i, c)| is_name_char(c, i == 0))
}

/// A help text with `\\` and `\n` unescaped.
fn unescape_help(text: &str) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut chars = text.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => match chars.next() {
                Some('\\') => out.push('\\'),
                Some('n') => out.push('\n'),
                Some(c) => return Err(format!("the escape \\{c} (only \\\\ and \\n exist)")),
                None => return Err("a trailing backslash".to_owned()),
            },
            c => out.push(c),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(text: &str) -> Scrape {
        Scrape::parse(text).unwrap_or_else(|e| panic!("{e}"))
    }

    fn problem(text: &str) -> ScrapeError {
        Scrape::parse(text).expect_err("the text is malformed")
    }

    #[test]
    fn label_values_keep_escaped_quotes_commas_backslashes_and_newlines() {
        let scrape = parse_ok(
            r#"dataface_x_total{path="a,b=c",quote="say \"hi\"",slash="C:\\tmp",nl="one\ntwo",brace="{x}"} 7"#,
        );
        let s = &scrape.samples()[0];
        assert_eq!(s.label("path"), Some("a,b=c"));
        assert_eq!(s.label("quote"), Some("say \"hi\""));
        assert_eq!(s.label("slash"), Some("C:\\tmp"));
        assert_eq!(s.label("nl"), Some("one\ntwo"));
        assert_eq!(s.label("brace"), Some("{x}"));
        assert_eq!(s.labels().len(), 5);
        assert_eq!(s.value(), 7.0);
        // Written back as the scrape wrote it.
        assert_eq!(
            s.series(),
            r#"dataface_x_total{path="a,b=c",quote="say \"hi\"",slash="C:\\tmp",nl="one\ntwo",brace="{x}"}"#
        );
    }

    #[test]
    fn blanks_around_labels_a_trailing_comma_and_empty_braces_are_allowed() {
        let scrape = parse_ok("a{ x = \"1\" , y=\"2\", } 1\nb{} 2\nc 3 1700000000000\n");
        assert_eq!(scrape.value("a", &[("y", "2"), ("x", "1")]), Some(1.0));
        assert_eq!(scrape.value("b", &[]), Some(2.0));
        let c = scrape.get("c", &[]).expect("c");
        assert_eq!(c.timestamp_ms(), Some(1_700_000_000_000));
        assert_eq!(c.series(), "c");
        assert_eq!(
            scrape.value("a", &[("x", "1")]),
            None,
            "labels match exactly"
        );
    }

    #[test]
    fn histogram_buckets_sum_and_count_belong_to_their_family() {
        let scrape = parse_ok(
            "# HELP dataface_payload_bytes AI context payload size.\n\
             # TYPE dataface_payload_bytes histogram\n\
             dataface_payload_bytes_bucket{dataface_catalog_consumer=\"mcp\",le=\"65536\"} 2\n\
             dataface_payload_bytes_bucket{dataface_catalog_consumer=\"mcp\",le=\"1024\"} 1\n\
             dataface_payload_bytes_bucket{dataface_catalog_consumer=\"mcp\",le=\"+Inf\"} 3\n\
             dataface_payload_bytes_sum{dataface_catalog_consumer=\"mcp\"} 70000\n\
             dataface_payload_bytes_count{dataface_catalog_consumer=\"mcp\"} 3\n\
             dataface_payload_bytes_bucket{dataface_catalog_consumer=\"ide\",le=\"+Inf\"} 0\n\
             dataface_payload_bytes_sum{dataface_catalog_consumer=\"ide\"} 0\n\
             dataface_payload_bytes_count{dataface_catalog_consumer=\"ide\"} 0\n",
        );
        assert_eq!(
            scrape.metric_type("dataface_payload_bytes"),
            Some(MetricType::Histogram)
        );
        assert_eq!(
            scrape.help("dataface_payload_bytes"),
            Some("AI context payload size.")
        );
        let mcp = scrape
            .histogram(
                "dataface_payload_bytes",
                &[("dataface_catalog_consumer", "mcp")],
            )
            .expect("mcp series");
        assert_eq!(
            mcp.buckets,
            [(1024.0, 1.0), (65536.0, 2.0), (f64::INFINITY, 3.0)]
        );
        assert_eq!((mcp.sum, mcp.count), (70000.0, 3.0));
        assert!(scrape
            .histogram(
                "dataface_payload_bytes",
                &[("dataface_catalog_consumer", "bi")]
            )
            .is_none());
        let bucket = &scrape.samples()[0];
        assert_eq!(
            (bucket.family(), bucket.suffix(), bucket.kind()),
            ("dataface_payload_bytes", "_bucket", MetricType::Histogram)
        );
        let headline: Vec<_> = scrape.headline().map(Sample::series).collect();
        assert_eq!(
            headline,
            [
                "dataface_payload_bytes_count{dataface_catalog_consumer=\"mcp\"}",
                "dataface_payload_bytes_count{dataface_catalog_consumer=\"ide\"}"
            ]
        );
    }

    #[test]
    fn counters_gauges_and_summaries_resolve_their_family() {
        let scrape = parse_ok(
            "# TYPE requests counter\n\
             requests_total{code=\"200\"} 5\n\
             # TYPE dataface_compile_errors_total counter\n\
             dataface_compile_errors_total 1\n\
             # TYPE temperature gauge\n\
             temperature -3.5\n\
             # TYPE latency summary\n\
             latency{quantile=\"0.99\"} 0.2\n\
             latency_sum 4\n\
             latency_count 20\n\
             loose_metric 1\n",
        );
        let family = |name: &str| {
            let s = scrape.named(name).next().expect(name);
            (s.family().to_owned(), s.kind(), s.is_headline())
        };
        assert_eq!(
            family("requests_total"),
            ("requests".into(), MetricType::Counter, true)
        );
        assert_eq!(
            family("dataface_compile_errors_total"),
            (
                "dataface_compile_errors_total".into(),
                MetricType::Counter,
                true
            )
        );
        assert_eq!(
            family("temperature"),
            ("temperature".into(), MetricType::Gauge, true)
        );
        assert_eq!(
            family("latency"),
            ("latency".into(), MetricType::Summary, false)
        );
        assert_eq!(
            family("latency_count"),
            ("latency".into(), MetricType::Summary, true)
        );
        assert_eq!(
            family("loose_metric"),
            ("loose_metric".into(), MetricType::Untyped, true)
        );
        assert_eq!(scrape.metric_type("loose_metric"), None);
        assert_eq!(scrape.len(), 7);
    }

    #[test]
    fn nan_and_infinities_are_values() {
        let scrape = parse_ok("a NaN\nb +Inf\nc -Inf\nd 1e-3\ne Inf\n");
        let values: Vec<f64> = scrape.samples().iter().map(Sample::value).collect();
        assert!(values[0].is_nan());
        assert_eq!(
            values[1..],
            [f64::INFINITY, f64::NEG_INFINITY, 0.001, f64::INFINITY]
        );
        assert_eq!(
            parse_ok("# TYPE h histogram\nh_bucket{le=\"+Inf\"} 1\n").samples()[0].label("le"),
            Some("+Inf")
        );
    }

    #[test]
    fn comments_blank_lines_and_crlf_are_skipped() {
        let scrape = parse_ok(
            "\n# a comment\n#\n   \n# EOF is a comment in this format\r\nx 1\r\n\n\t\ny 2",
        );
        let names: Vec<&str> = scrape.samples().iter().map(Sample::name).collect();
        assert_eq!(names, ["x", "y"]);
        assert!(parse_ok("").is_empty());
        assert!(parse_ok("# only comments\n").is_empty());
    }

    #[test]
    fn help_text_is_unescaped() {
        let scrape = parse_ok("# HELP x Says \\\\ and\\nmore, \"quoted\".\nx 1\n");
        assert_eq!(scrape.help("x"), Some("Says \\ and\nmore, \"quoted\"."));
    }

    #[test]
    fn a_malformed_sample_names_its_line_and_the_problem() {
        let cases: [(&str, usize, &str); 12] = [
            ("ok 1\nbroken{a=\"1\" 2\n", 2, "expected `,` or `}`"),
            ("x{a=\"unterminated} 1", 1, "no closing quote"),
            ("x{a=1} 1", 1, "not quoted"),
            ("x{a=\"1\",a=\"2\"} 1", 1, "appears twice"),
            ("x{a=\"\\t\"} 1", 1, "escape \\t"),
            ("x{=\"1\"} 1", 1, "expected a label name"),
            ("x{a=\"1\"", 1, "no closing `}`"),
            ("x", 1, "x has no value"),
            ("x one", 1, "not a number"),
            ("x 1 soon", 1, "not whole milliseconds"),
            ("x 1 2 3", 1, "text after the value"),
            ("{a=\"1\"} 1", 1, "does not start with a metric name"),
        ];
        for (text, line, needle) in cases {
            let e = problem(text);
            assert!(matches!(e, ScrapeError::Sample { .. }), "{text:?}: {e:?}");
            assert_eq!(e.line(), line, "{text:?}: {e}");
            let message = e.to_string();
            assert!(message.contains(needle), "{text:?}: {message}");
            assert!(
                message.contains("a sample reads `name{label=\"value\",...} value"),
                "{message}"
            );
        }
    }

    #[test]
    fn histogram_and_summary_samples_need_their_numeric_label() {
        let e = problem("# TYPE h histogram\nh_bucket{le=\"high\"} 1\n");
        assert_eq!(e.line(), 2);
        assert!(e.to_string().contains("numeric `le` label"), "{e}");
        let e = problem("# TYPE h histogram\nh_bucket 1\n");
        assert!(e.to_string().contains("numeric `le` label"), "{e}");
        let e = problem("# TYPE h histogram\nh 1\n");
        assert!(e.to_string().contains("shows only as h_bucket"), "{e}");
        let e = problem("# TYPE s summary\ns 1\n");
        assert!(e.to_string().contains("numeric `quantile` label"), "{e}");
    }

    #[test]
    fn malformed_type_and_help_lines_are_errors() {
        let cases: [(&str, usize, &str); 6] = [
            ("# TYPE x countr\n", 1, "unknown type \"countr\""),
            ("# TYPE\n", 1, "no valid metric name"),
            ("# TYPE x gauge extra\n", 1, "text after the type"),
            (
                "# TYPE x gauge\n# TYPE x counter\n",
                2,
                "a second type for x",
            ),
            (
                "x_total 1\n# TYPE x counter\n",
                2,
                "comes after its samples",
            ),
            ("# TYPE 9x gauge\n", 1, "no valid metric name"),
        ];
        for (text, line, needle) in cases {
            let e = problem(text);
            assert!(matches!(e, ScrapeError::Type { .. }), "{text:?}: {e:?}");
            assert_eq!(e.line(), line, "{text:?}");
            assert!(e.to_string().contains(needle), "{text:?}: {e}");
        }
        let e = problem("# HELP x one\n# HELP x two\n");
        assert!(matches!(e, ScrapeError::Help { line: 2, .. }), "{e:?}");
        assert!(e.to_string().contains("a second help for x"), "{e}");
        let e = problem("# HELP x bad \\q escape\n");
        assert!(e.to_string().contains("the escape \\q"), "{e}");
    }

    #[test]
    fn the_error_message_shows_the_line_and_the_expected_form() {
        let e = problem("# TYPE a gauge\na{x=\"1\"} many\n");
        assert_eq!(
            e.to_string(),
            "scrape line 2: the value \"many\" is not a number (e.g. 3, 0.25, 1e-3, NaN, +Inf, \
             -Inf): \"a{x=\\\"1\\\"} many\"; a sample reads `name{label=\"value\",...} value \
             [timestamp_ms]` (is this the scrape's body, and does the exporter escape label \
             values?)"
        );
    }
}
