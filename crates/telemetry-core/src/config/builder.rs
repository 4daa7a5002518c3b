//! Code overrides on top of the environment: [`TelemetryConfigBuilder`].

use super::types::{BatchSettings, Compression, Exporters, Protocol, Sampler, Signal};
use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

pub(super) type Lookup = Arc<dyn Fn(&str) -> Option<String> + Send + Sync>;

/// Code overrides, applied over the environment: code > per-signal > general > default.
#[derive(Clone, Default)]
pub struct TelemetryConfigBuilder {
    pub(super) lookup: Option<Lookup>,
    pub(super) disabled: Option<bool>,
    pub(super) service_name: Option<String>,
    pub(super) resource_attributes: Vec<(String, String)>,
    pub(super) exporters: [Option<Exporters>; 3],
    pub(super) endpoint: [Option<String>; 3],
    pub(super) protocol: [Option<Protocol>; 3],
    pub(super) general_endpoint: Option<String>,
    pub(super) general_protocol: Option<Protocol>,
    pub(super) headers: Option<Vec<(String, String)>>,
    pub(super) timeout: Option<Duration>,
    pub(super) compression: Option<Compression>,
    pub(super) sampler: Option<Sampler>,
    pub(super) metric_export_interval: Option<Duration>,
    pub(super) span_batch: Option<BatchSettings>,
    pub(super) log_batch: Option<BatchSettings>,
    pub(super) prometheus_addr: Option<SocketAddr>,
    pub(super) prometheus_histograms: Option<super::PrometheusHistograms>,
    pub(super) release: Option<String>,
    pub(super) commit: Option<String>,
    pub(super) environment: Option<String>,
    pub(super) strict: Option<bool>,
    pub(super) log_filter: Option<String>,
    pub(super) log_stderr: Option<bool>,
    pub(super) catalog: Option<&'static crate::catalog::Catalog>,
    pub(super) redact_keys: Vec<String>,
}

impl fmt::Debug for TelemetryConfigBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TelemetryConfigBuilder")
            .field("custom_lookup", &self.lookup.is_some())
            .field("service_name", &self.service_name)
            .finish_non_exhaustive()
    }
}

pub(super) fn idx(signal: Signal) -> usize {
    signal as usize
}

impl TelemetryConfigBuilder {
    /// Reads variables through `lookup` instead of the process environment (for tests and
    /// for services that keep their settings elsewhere).
    pub fn lookup(
        mut self,
        lookup: impl Fn(&str) -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        self.lookup = Some(Arc::new(lookup));
        self
    }
    /// Turns the whole pipeline off (or on, over `OTEL_SDK_DISABLED`).
    pub fn disabled(mut self, disabled: bool) -> Self {
        self.disabled = Some(disabled);
        self
    }
    /// Sets `service.name`, over `OTEL_SERVICE_NAME`.
    pub fn service_name(mut self, name: impl Into<String>) -> Self {
        self.service_name = Some(name.into());
        self
    }
    /// Adds a resource attribute, over `OTEL_RESOURCE_ATTRIBUTES`.
    pub fn resource_attribute(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.resource_attributes.push((key.into(), value.into()));
        self
    }
    /// Selects the exporters of one signal.
    pub fn exporters(mut self, signal: Signal, exporters: Exporters) -> Self {
        self.exporters[idx(signal)] = Some(exporters);
        self
    }
    /// Sets the OTLP base endpoint of every signal (HTTP appends `/v1/<signal>`).
    pub fn otlp_endpoint(mut self, endpoint: impl Into<String>) -> Self {
        self.general_endpoint = Some(endpoint.into());
        self
    }
    /// Sets the OTLP endpoint of one signal, used as given.
    pub fn signal_endpoint(mut self, signal: Signal, endpoint: impl Into<String>) -> Self {
        self.endpoint[idx(signal)] = Some(endpoint.into());
        self
    }
    /// Sets the OTLP transport of every signal.
    pub fn otlp_protocol(mut self, protocol: Protocol) -> Self {
        self.general_protocol = Some(protocol);
        self
    }
    /// Sets the OTLP transport of one signal.
    pub fn signal_protocol(mut self, signal: Signal, protocol: Protocol) -> Self {
        self.protocol[idx(signal)] = Some(protocol);
        self
    }
    /// Sets the OTLP headers of every signal.
    pub fn otlp_headers(mut self, headers: Vec<(String, String)>) -> Self {
        self.headers = Some(headers);
        self
    }
    /// Sets the OTLP request timeout of every signal.
    pub fn otlp_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
    /// Sets the OTLP compression of every signal.
    pub fn otlp_compression(mut self, compression: Compression) -> Self {
        self.compression = Some(compression);
        self
    }
    /// Sets the span sampler.
    pub fn sampler(mut self, sampler: Sampler) -> Self {
        self.sampler = Some(sampler);
        self
    }
    /// Sets the interval between two metric exports.
    pub fn metric_export_interval(mut self, interval: Duration) -> Self {
        self.metric_export_interval = Some(interval);
        self
    }
    /// Sets the batch span processor settings.
    pub fn span_batch(mut self, settings: BatchSettings) -> Self {
        self.span_batch = Some(settings);
        self
    }
    /// Sets the batch log record processor settings.
    pub fn log_batch(mut self, settings: BatchSettings) -> Self {
        self.log_batch = Some(settings);
        self
    }
    /// Sets the Prometheus scrape endpoint address (port 0 picks a free port).
    pub fn prometheus_addr(mut self, addr: SocketAddr) -> Self {
        self.prometheus_addr = Some(addr);
        self
    }
    /// Sets how the scrape exposes histograms, over `DATAFACE_PROMETHEUS_HISTOGRAMS`.
    pub fn prometheus_histograms(mut self, histograms: super::PrometheusHistograms) -> Self {
        self.prometheus_histograms = Some(histograms);
        self
    }
    /// Sets the release (`service.version`), over `DATAFACE_RELEASE`.
    pub fn release(mut self, release: impl Into<String>) -> Self {
        self.release = Some(release.into());
        self
    }
    /// Sets the commit, over `DATAFACE_COMMIT`.
    pub fn commit(mut self, commit: impl Into<String>) -> Self {
        self.commit = Some(commit.into());
        self
    }
    /// Sets `deployment.environment.name`, over `DATAFACE_ENVIRONMENT`.
    pub fn environment(mut self, environment: impl Into<String>) -> Self {
        self.environment = Some(environment.into());
        self
    }
    /// Turns strict mode on or off, over `DATAFACE_TELEMETRY_STRICT`.
    pub fn strict(mut self, strict: bool) -> Self {
        self.strict = Some(strict);
        self
    }
    /// Sets the event level filter, over `DATAFACE_LOG`.
    pub fn log_filter(mut self, filter: impl Into<String>) -> Self {
        self.log_filter = Some(filter.into());
        self
    }
    /// Turns the stderr event stream on or off, over `DATAFACE_LOG_STDERR`.
    pub fn log_stderr(mut self, on: bool) -> Self {
        self.log_stderr = Some(on);
        self
    }

    /// Adds redaction key patterns, over and above `DATAFACE_REDACT_KEYS`.
    pub fn redact_keys(mut self, patterns: &[&str]) -> Self {
        self.redact_keys
            .extend(patterns.iter().map(|p| (*p).to_owned()));
        self
    }

    /// Sets the signal catalog the pipeline enforces (the product catalog, from the
    /// `dataface-telemetry` facade); without it, only telemetry-core's own section is known.
    pub fn catalog(mut self, catalog: &'static crate::catalog::Catalog) -> Self {
        self.catalog = Some(catalog);
        self
    }
}
