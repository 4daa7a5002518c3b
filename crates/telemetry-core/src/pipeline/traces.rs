//! The traces part: a tracer provider with the OTLP batch path (gated, counted, sanitized)
//! and the console path, as selected.

use super::counting::{CountingSpanExporter, GatedSpanProcessor, SanitizingSpanProcessor};
use super::error::InitError;
use super::install::Context;
use super::otlp;
use super::parts::Owned;
use crate::config::{Sampler, Signal};
use opentelemetry_sdk::trace::{BatchConfigBuilder, BatchSpanProcessor, SdkTracerProvider};

/// Builds the tracer provider, or none when spans are not exported.
pub(super) fn build(cx: &Context<'_>) -> Result<Owned<SdkTracerProvider>, InitError> {
    let config = cx.config;
    let selected = config.exporters.traces;
    if !selected.any() {
        return Ok(Owned::none());
    }
    let limits = &config.span_limits;
    let mut b = SdkTracerProvider::builder()
        .with_resource(cx.resource.clone())
        .with_sampler(sampler(config.sampler))
        .with_max_attributes_per_span(limits.attribute_count)
        .with_max_events_per_span(limits.event_count)
        .with_max_links_per_span(limits.link_count)
        .with_max_attributes_per_event(limits.event_attribute_count)
        .with_max_attributes_per_link(limits.link_attribute_count);
    if selected.otlp {
        let s = &config.span_batch;
        // What the SDK's batch processor holds: `max_queue_size` items waiting, plus the
        // batch it took out of its queue to export. The gate admits as many (and counts
        // the rest as `queue_full`); the processor's own queue is sized to hold all the
        // gate admits, so it never drops an item the gate counted as in flight.
        let capacity = s.max_queue_size + s.max_export_batch_size;
        let flow = cx.flow(Signal::Traces, capacity);
        let exporter = CountingSpanExporter {
            inner: otlp::span_exporter(&config.otlp.traces, s.export_timeout)?,
            flow: flow.clone(),
        };
        let batch = BatchSpanProcessor::builder(exporter)
            .with_batch_config(
                BatchConfigBuilder::default()
                    .with_max_queue_size(capacity)
                    .with_max_export_batch_size(s.max_export_batch_size)
                    .with_scheduled_delay(s.schedule_delay)
                    .build(),
            )
            .build();
        b = b.with_span_processor(GatedSpanProcessor {
            inner: SanitizingSpanProcessor {
                inner: batch,
                redactor: cx.redactor.clone(),
                value_length_limit: limits.attribute_value_length,
                stats: Some(cx.stats.clone()),
            },
            flow,
        });
    }
    if selected.console {
        b = b.with_span_processor(SanitizingSpanProcessor {
            inner: opentelemetry_sdk::trace::SimpleSpanProcessor::new(
                opentelemetry_stdout::SpanExporter::default(),
            ),
            redactor: cx.redactor.clone(),
            value_length_limit: limits.attribute_value_length,
            // The OTLP path counts what the limits took; counted once.
            stats: (!selected.otlp).then(|| cx.stats.clone()),
        });
    }
    Ok(Owned::new(b.build()))
}

fn sampler(s: Sampler) -> opentelemetry_sdk::trace::Sampler {
    use opentelemetry_sdk::trace::Sampler as S;
    match s {
        Sampler::AlwaysOn => S::AlwaysOn,
        Sampler::AlwaysOff => S::AlwaysOff,
        Sampler::TraceIdRatio(r) => S::TraceIdRatioBased(r),
        Sampler::ParentBasedAlwaysOn => S::ParentBased(Box::new(S::AlwaysOn)),
        Sampler::ParentBasedAlwaysOff => S::ParentBased(Box::new(S::AlwaysOff)),
        Sampler::ParentBasedTraceIdRatio(r) => S::ParentBased(Box::new(S::TraceIdRatioBased(r))),
    }
}
