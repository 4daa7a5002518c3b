//! What a capture holds: spans as the OpenTelemetry SDK built them, events as log records,
//! and metric series with their values.

use std::collections::BTreeMap;
use std::fmt;
use telemetry_core::catalog::InstrumentKind;

/// A span attribute value.
#[derive(Debug, Clone, PartialEq)]
pub enum AttrValue {
    /// A string.
    Str(String),
    /// An integer (tracing's `i64` fields; `u64` fields arrive as strings, so use `i64`).
    I64(i64),
    /// A float.
    F64(f64),
    /// A boolean.
    Bool(bool),
    /// Anything else (arrays), as text.
    Other(String),
}

impl AttrValue {
    /// The OpenTelemetry type it travels as: `string`, `int`, `double`, `boolean`, or
    /// `array` (compare [`AttributeType::wire_name`](telemetry_core::catalog::AttributeType::wire_name)).
    pub fn wire_name(&self) -> &'static str {
        match self {
            AttrValue::Str(_) => "string",
            AttrValue::I64(_) => "int",
            AttrValue::F64(_) => "double",
            AttrValue::Bool(_) => "boolean",
            AttrValue::Other(_) => "array",
        }
    }
}

impl fmt::Display for AttrValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AttrValue::Str(s) | AttrValue::Other(s) => f.write_str(s),
            AttrValue::I64(i) => write!(f, "{i}"),
            AttrValue::F64(x) => write!(f, "{x}"),
            AttrValue::Bool(b) => write!(f, "{b}"),
        }
    }
}

/// A span's status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SpanStatus {
    /// Not set.
    Unset,
    /// Explicitly OK.
    Ok,
    /// Failed, with the description.
    Error(String),
}

/// A captured span.
#[derive(Debug, Clone, PartialEq)]
pub struct SpanRecord {
    /// Span name.
    pub name: String,
    /// Trace id (hex).
    pub trace_id: String,
    /// Span id (hex).
    pub span_id: String,
    /// Parent span id (hex), for child spans.
    pub parent_span_id: Option<String>,
    /// Attributes.
    pub attributes: BTreeMap<String, AttrValue>,
    /// Status.
    pub status: SpanStatus,
    /// Events: name and attributes.
    pub events: Vec<(String, BTreeMap<String, AttrValue>)>,
}

/// A captured `tracing` event, as the log record it becomes.
#[derive(Debug, Clone, PartialEq)]
pub struct LogRecord {
    /// The event name: a catalog event's name when the probe declared one (the OTLP log
    /// record's `event_name`), else tracing's `event <file>:<line>`.
    pub name: String,
    /// Level.
    pub level: tracing::Level,
    /// Target (module path unless set).
    pub target: String,
    /// The `message` field.
    pub message: String,
    /// Other fields, with the type each is emitted with (as the product's log bridge
    /// records them: `i64`/`u64` as int, `f64` as double, `bool` as boolean, the rest as text).
    pub fields: BTreeMap<String, AttrValue>,
    /// Trace id of the span the event happened in.
    pub trace_id: Option<String>,
    /// Span id of the span the event happened in.
    pub span_id: Option<String>,
}

/// A metric series' value.
#[derive(Debug, Clone, PartialEq)]
pub enum MetricValue {
    /// Counter total.
    Counter(u64),
    /// Last gauge value.
    Gauge(f64),
    /// Every histogram sample.
    Histogram(Vec<f64>),
}

/// A captured metric series.
#[derive(Debug, Clone, PartialEq)]
pub struct MetricRecord {
    /// OpenTelemetry name, as recorded.
    pub name: String,
    /// Instrument kind it was registered as.
    pub kind: InstrumentKind,
    /// Labels.
    pub labels: BTreeMap<String, String>,
    /// The OpenTelemetry type each label's value arrived with (`string`, `int`, ...; see
    /// [`AttrValue::wire_name`]): always `string` from the `metrics` facade, whose labels are
    /// text; what the data point carried when read from OTLP.
    pub label_types: BTreeMap<String, &'static str>,
    /// Value.
    pub value: MetricValue,
    /// The UCUM unit it was described with, if it was.
    pub unit: Option<&'static str>,
    /// Whether it was ever updated (handles are often registered ahead of use).
    pub touched: bool,
}

impl fmt::Display for SpanRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "span {}", self.name)?;
        write_map(
            f,
            self.attributes
                .iter()
                .map(|(k, v)| (k.as_str(), v.to_string())),
        )?;
        match &self.status {
            SpanStatus::Unset => Ok(()),
            SpanStatus::Ok => write!(f, " status=ok"),
            SpanStatus::Error(d) => write!(f, " status=error({d})"),
        }
    }
}

impl fmt::Display for LogRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "log {} {:?}", self.level, self.message)?;
        write_map(
            f,
            self.fields.iter().map(|(k, v)| (k.as_str(), v.to_string())),
        )
    }
}

impl fmt::Display for MetricRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?} {}", self.kind, self.name)?;
        write_map(f, self.labels.iter().map(|(k, v)| (k.as_str(), v.clone())))?;
        match &self.value {
            MetricValue::Counter(v) => write!(f, " = {v}"),
            MetricValue::Gauge(v) => write!(f, " = {v}"),
            MetricValue::Histogram(s) => {
                write!(f, " count={} sum={}", s.len(), s.iter().sum::<f64>())
            }
        }
    }
}

fn write_map<'a>(
    f: &mut fmt::Formatter<'_>,
    entries: impl Iterator<Item = (&'a str, String)>,
) -> fmt::Result {
    let entries: Vec<_> = entries.map(|(k, v)| format!("{k}={v:?}")).collect();
    if entries.is_empty() {
        Ok(())
    } else {
        write!(f, " {{{}}}", entries.join(", "))
    }
}

/// Everything a capture holds at one moment; queries start here.
#[derive(Debug, Clone, Default)]
pub struct Captured {
    /// Ended spans, in the order they ended.
    pub spans: Vec<SpanRecord>,
    /// Events, in order.
    pub logs: Vec<LogRecord>,
    /// Metric series that were updated.
    pub metrics: Vec<MetricRecord>,
    /// Metric series registered but never updated.
    pub untouched: Vec<MetricRecord>,
}
