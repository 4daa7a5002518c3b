//! The OTLP metrics part: a meter provider whose views carry the catalog's unit,
//! description and buckets, read periodically by the OTLP and console exporters, as
//! selected. (The Prometheus scrape is its own part, see `prometheus`.)

use super::counting::CountingMetricExporter;
use super::error::InitError;
use super::install::Context;
use super::otlp;
use super::parts::Owned;
use crate::catalog::InstrumentKind;
use crate::config::{HistogramAggregation, Signal, Temporality};
use opentelemetry_sdk::metrics::{
    Aggregation, Instrument, InstrumentKind as SdkInstrumentKind, PeriodicReader, SdkMeterProvider,
    Stream,
};

/// Builds the meter provider, or none when metrics go neither to OTLP nor to the console.
pub(super) fn build(cx: &Context<'_>) -> Result<Owned<SdkMeterProvider>, InitError> {
    let config = cx.config;
    let selected = config.exporters.metrics;
    if !(selected.otlp || selected.console) {
        return Ok(Owned::none());
    }
    let temporality = match config.temporality {
        Temporality::Cumulative => opentelemetry_sdk::metrics::Temporality::Cumulative,
        Temporality::Delta => opentelemetry_sdk::metrics::Temporality::Delta,
        Temporality::LowMemory => opentelemetry_sdk::metrics::Temporality::LowMemory,
    };
    let view_specs = cx.specs();
    let histograms = config.histogram_aggregation;
    let mut b = SdkMeterProvider::builder()
        .with_resource(cx.resource.clone())
        .with_view(move |instrument: &Instrument| {
            // The catalog's unit, description and buckets on the OTLP path; with
            // exponential histograms on, every histogram (declared or not) is one.
            let spec = view_specs.get(instrument.name());
            let exponential = histograms == HistogramAggregation::Base2Exponential
                && instrument.kind() == SdkInstrumentKind::Histogram;
            if spec.is_none() && !exponential {
                return None;
            }
            let mut stream = Stream::builder();
            if let Some(spec) = spec {
                stream = stream
                    .with_unit(spec.unit)
                    .with_description(spec.description);
            }
            if exponential {
                stream = stream.with_aggregation(Aggregation::Base2ExponentialHistogram {
                    max_size: 160,
                    max_scale: 20,
                    record_min_max: true,
                });
            } else if let Some(spec) = spec.filter(|s| s.kind == InstrumentKind::Histogram) {
                stream = stream.with_aggregation(Aggregation::ExplicitBucketHistogram {
                    boundaries: spec.buckets.to_vec(),
                    record_min_max: true,
                });
            }
            stream.build().ok()
        });
    if selected.otlp {
        let exporter = CountingMetricExporter {
            inner: otlp::metric_exporter(
                &config.otlp.metrics,
                config.metric_export_timeout,
                temporality,
            )?,
            flow: cx.flow(Signal::Metrics, usize::MAX),
        };
        b = b.with_reader(
            PeriodicReader::builder(exporter)
                .with_interval(config.metric_export_interval)
                .build(),
        );
    }
    if selected.console {
        b = b.with_reader(
            PeriodicReader::builder(
                opentelemetry_stdout::MetricExporter::builder()
                    .with_temporality(temporality)
                    .build(),
            )
            .with_interval(config.metric_export_interval)
            .build(),
        );
    }
    Ok(Owned::new(b.build()))
}
