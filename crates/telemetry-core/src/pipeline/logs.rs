//! The logs part: a logger provider with the OTLP batch path (gated, counted) and the
//! console path, as selected.

use super::counting::{CountingLogExporter, GatedLogProcessor};
use super::error::InitError;
use super::install::Context;
use super::otlp;
use super::parts::Owned;
use crate::config::Signal;
use opentelemetry_sdk::logs::{
    BatchConfigBuilder, BatchLogProcessor, SdkLoggerProvider, SimpleLogProcessor,
};

/// Builds the logger provider, or none when log records are not exported.
pub(super) fn build(cx: &Context<'_>) -> Result<Owned<SdkLoggerProvider>, InitError> {
    let config = cx.config;
    let selected = config.exporters.logs;
    if !selected.any() {
        return Ok(Owned::none());
    }
    let mut b = SdkLoggerProvider::builder().with_resource(cx.resource.clone());
    if selected.otlp {
        let s = &config.log_batch;
        // What the SDK's batch processor holds: `max_queue_size` items waiting, plus the
        // batch it took out of its queue to export. The gate admits as many (and counts
        // the rest as `queue_full`); the processor's own queue is sized to hold all the
        // gate admits, so it never drops an item the gate counted as in flight.
        let capacity = s.max_queue_size + s.max_export_batch_size;
        let flow = cx.flow(Signal::Logs, capacity);
        let exporter = CountingLogExporter {
            inner: otlp::log_exporter(&config.otlp.logs, s.export_timeout)?,
            flow: flow.clone(),
        };
        let batch = BatchLogProcessor::builder(exporter)
            .with_batch_config(
                BatchConfigBuilder::default()
                    .with_max_queue_size(capacity)
                    .with_max_export_batch_size(s.max_export_batch_size)
                    .with_scheduled_delay(s.schedule_delay)
                    .build(),
            )
            .build();
        b = b.with_log_processor(GatedLogProcessor { inner: batch, flow });
    }
    if selected.console {
        b = b.with_log_processor(SimpleLogProcessor::new(
            opentelemetry_stdout::LogExporter::default(),
        ));
    }
    Ok(Owned::new(b.build()))
}
