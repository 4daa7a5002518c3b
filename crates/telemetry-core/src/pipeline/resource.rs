//! The OpenTelemetry resource every signal carries, and the global propagator.

use crate::config::{Propagator, TelemetryConfig};
use opentelemetry::propagation::{TextMapCompositePropagator, TextMapPropagator};
use opentelemetry::KeyValue;
use opentelemetry_sdk::propagation::{BaggagePropagator, TraceContextPropagator};
use opentelemetry_sdk::Resource;

/// `service.name`, `service.instance.id`, `service.version`, `deployment.environment.name`,
/// the SDK's own attributes and `OTEL_RESOURCE_ATTRIBUTES`, each value redacted like a span
/// attribute (the resource travels with every export).
pub(super) fn resource(
    service_name: &str,
    config: &TelemetryConfig,
    redactor: &crate::redact::Redactor,
) -> Resource {
    let mut attrs: Vec<KeyValue> = config
        .resource_attributes
        .iter()
        .map(|(k, v)| KeyValue::new(k.clone(), redactor.value(k, v).into_owned()))
        .collect();
    let has = |key: &str| config.resource_attributes.iter().any(|(k, _)| k == key);
    if !has("service.instance.id") {
        attrs.push(KeyValue::new("service.instance.id", instance_id()));
    }
    if let Some(release) = &config.release {
        attrs.push(KeyValue::new(
            "service.version",
            redactor.value("service.version", release).into_owned(),
        ));
    }
    if let Some(env) = &config.environment {
        attrs.push(KeyValue::new(
            "deployment.environment.name",
            redactor
                .value("deployment.environment.name", env)
                .into_owned(),
        ));
    }
    Resource::builder_empty()
        .with_detector(Box::new(
            opentelemetry_sdk::resource::TelemetryResourceDetector,
        ))
        .with_attributes(attrs)
        .with_service_name(redactor.text(service_name).into_owned())
        .build()
}

/// The configured propagators, in order, as one.
pub(super) fn propagator(propagators: &[Propagator]) -> TextMapCompositePropagator {
    let all: Vec<Box<dyn TextMapPropagator + Send + Sync>> = propagators
        .iter()
        .map(|p| match p {
            Propagator::TraceContext => {
                Box::new(TraceContextPropagator::new()) as Box<dyn TextMapPropagator + Send + Sync>
            }
            Propagator::Baggage => Box::new(BaggagePropagator::new()),
        })
        .collect();
    TextMapCompositePropagator::new(all)
}

/// A random UUID (version 4 layout) for `service.instance.id`.
fn instance_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut words = [0u64; 2];
    for (i, w) in words.iter_mut().enumerate() {
        let mut h = std::collections::hash_map::RandomState::new().build_hasher();
        h.write_u128(
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map(|d| d.as_nanos())
                .unwrap_or(0),
        );
        h.write_u32(std::process::id());
        h.write_usize(i);
        *w = h.finish();
    }
    let b = (u128::from(words[0]) << 64) | u128::from(words[1]);
    let b = (b & !(0xf000u128 << 64)) | (0x4000u128 << 64); // version 4
    let b = (b & !(0xc000u128 << 48)) | (0x8000u128 << 48); // variant
    let h = format!("{b:032x}");
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}
