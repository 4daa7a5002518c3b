//! `tracing` events to OpenTelemetry log records, redacted on the way.
//!
//! The same mapping as opentelemetry-appender-tracing (level → severity, `message` →
//! body, other fields → attributes, trace context from the current span), with redaction
//! and the attribute value length limit applied while the record is built: the SDK's log
//! record cannot be changed once built, so this is the one place to do it.

use crate::config::Signal;
use crate::redact::Redactor;
use crate::self_metrics::{Limited, SelfMetrics};
use opentelemetry::logs::{AnyValue, LogRecord, Logger, LoggerProvider, Severity};
use opentelemetry::Key;
use opentelemetry_sdk::logs::{SdkLogger, SdkLoggerProvider};
use std::sync::Arc;
use tracing::field::{Field, Visit};
use tracing::{Event, Level, Subscriber};
use tracing_subscriber::layer::Context;
use tracing_subscriber::Layer;

/// The layer.
pub(crate) struct LogBridge {
    /// The dispatch this layer is part of, to look up an explicit parent's context
    /// (inside a callback, `dispatcher::get_default` may answer with no dispatcher).
    dispatch: std::sync::OnceLock<tracing::dispatcher::WeakDispatch>,
    logger: SdkLogger,
    redactor: Arc<Redactor>,
    value_length_limit: Option<usize>,
    stats: Arc<SelfMetrics>,
}

impl LogBridge {
    pub(crate) fn new(
        provider: &SdkLoggerProvider,
        redactor: Arc<Redactor>,
        value_length_limit: Option<usize>,
        stats: Arc<SelfMetrics>,
    ) -> Self {
        Self {
            dispatch: std::sync::OnceLock::new(),
            logger: provider.logger("dataface-telemetry"),
            redactor,
            value_length_limit,
            stats,
        }
    }
}

const fn severity(level: &Level) -> Severity {
    match *level {
        Level::TRACE => Severity::Trace,
        Level::DEBUG => Severity::Debug,
        Level::INFO => Severity::Info,
        Level::WARN => Severity::Warn,
        Level::ERROR => Severity::Error,
    }
}

struct Fields<'a, R: LogRecord> {
    record: &'a mut R,
    redactor: &'a Redactor,
    limit: Option<usize>,
    /// Values cut to the limit.
    truncated: u64,
}

impl<R: LogRecord> Fields<'_, R> {
    fn text(&mut self, field: &Field, value: &str) {
        let redacted = self.redactor.value(field.name(), value);
        let mut value = redacted.into_owned();
        if let Some(limit) = self.limit {
            if let Some((cut, _)) = value.char_indices().nth(limit) {
                value.truncate(cut);
                self.truncated += 1;
            }
        }
        if field.name() == "message" {
            self.record.set_body(AnyValue::from(value));
        } else {
            self.record
                .add_attribute(Key::new(field.name()), AnyValue::from(value));
        }
    }

    fn secret(&self, field: &Field) -> bool {
        self.redactor.secret_key(field.name())
    }
}

impl<R: LogRecord> Visit for Fields<'_, R> {
    fn record_debug(&mut self, field: &Field, value: &dyn std::fmt::Debug) {
        self.text(field, &format!("{value:?}"));
    }
    fn record_str(&mut self, field: &Field, value: &str) {
        self.text(field, value);
    }
    fn record_error(&mut self, field: &Field, value: &(dyn std::error::Error + 'static)) {
        let _ = field;
        let mut message = self
            .redactor
            .value("exception.message", &value.to_string())
            .into_owned();
        if let Some(limit) = self.limit {
            if let Some((cut, _)) = message.char_indices().nth(limit) {
                message.truncate(cut);
                self.truncated += 1;
            }
        }
        self.record
            .add_attribute(Key::new("exception.message"), AnyValue::from(message));
    }
    fn record_bool(&mut self, field: &Field, value: bool) {
        if self.secret(field) {
            return self.text(field, "");
        }
        self.record
            .add_attribute(Key::new(field.name()), AnyValue::from(value));
    }
    fn record_f64(&mut self, field: &Field, value: f64) {
        if self.secret(field) {
            return self.text(field, "");
        }
        self.record
            .add_attribute(Key::new(field.name()), AnyValue::from(value));
    }
    fn record_i64(&mut self, field: &Field, value: i64) {
        if self.secret(field) {
            return self.text(field, "");
        }
        self.record
            .add_attribute(Key::new(field.name()), AnyValue::from(value));
    }
    fn record_u64(&mut self, field: &Field, value: u64) {
        match i64::try_from(value) {
            Ok(v) => self.record_i64(field, v),
            Err(_) => self.text(field, &value.to_string()),
        }
    }
}

/// The span context of an event's explicit `parent:`, when it has one, looked up through
/// `dispatch` (the dispatch the calling layer is registered in), else through the default
/// dispatch (inside a callback that is only reliable for the global one).
pub fn explicit_parent(
    event: &Event<'_>,
    dispatch: Option<&tracing::dispatcher::WeakDispatch>,
) -> Option<opentelemetry::trace::SpanContext> {
    use opentelemetry::trace::TraceContextExt as _;
    let id = event.parent()?;
    let dispatch = dispatch
        .and_then(tracing::dispatcher::WeakDispatch::upgrade)
        .unwrap_or_else(|| tracing::dispatcher::get_default(tracing::Dispatch::clone));
    let cx = tracing_opentelemetry::get_otel_context(id, &dispatch)?;
    let sc = cx.span().span_context().clone();
    sc.is_valid().then_some(sc)
}

impl<S: Subscriber> Layer<S> for LogBridge {
    fn on_register_dispatch(&self, dispatch: &tracing::Dispatch) {
        let _ = self.dispatch.set(dispatch.downgrade());
    }

    fn on_event(&self, event: &Event<'_>, _ctx: Context<'_, S>) {
        let metadata = event.metadata();
        let severity = severity(metadata.level());
        if !self
            .logger
            .event_enabled(severity, metadata.target(), Some(metadata.name()))
        {
            return;
        }
        let mut record = self.logger.create_log_record();
        record.set_target(metadata.target());
        record.set_event_name(metadata.name());
        record.set_severity_number(severity);
        record.set_severity_text(metadata.level().as_str());
        let mut fields = Fields {
            record: &mut record,
            redactor: &self.redactor,
            limit: self.value_length_limit,
            truncated: 0,
        };
        event.record(&mut fields);
        let truncated = fields.truncated;
        if truncated > 0 {
            self.stats.limited(
                Signal::Logs,
                &Limited {
                    values_truncated: truncated,
                    ..Limited::default()
                },
            );
        }
        // An event with an explicit `parent:` belongs to that span's trace; otherwise the
        // SDK adds the trace context of the current span.
        if let Some(sc) = explicit_parent(event, self.dispatch.get()) {
            record.set_trace_context(sc.trace_id(), sc.span_id(), Some(sc.trace_flags()));
        }
        self.logger.emit(record);
    }
}
