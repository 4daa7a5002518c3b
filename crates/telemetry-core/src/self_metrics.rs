//! Self-metrics: what the pipeline did with what it was given.
//!
//! Every span and log record handed to the pipeline, and every metric export, ends up in
//! exactly one of `exported` or `dropped` (by reason), once its export finished. The counts
//! are kept in atomics (read them with [`TelemetryGuard::stats`](crate::TelemetryGuard::stats))
//! and recorded as metrics, so they reach the Prometheus scrape and OTLP alike:
//!
//! | metric | labels | meaning |
//! |---|---|---|
//! | `dataface.telemetry.attempted` | `signal` | items handed to the pipeline |
//! | `dataface.telemetry.exported` | `signal` | items the exporter accepted |
//! | `dataface.telemetry.dropped` | `signal`, `reason` | items lost: `queue_full`, `export_error`, `rejected` (the collector's `partial_success`), `shutdown_timeout` (still queued when shutdown gave up), `after_shutdown`, `exporter_panic` |
//! | `dataface.telemetry.limited` | `signal`, `limit` | parts of items the limits took: `attribute_value_length` (values cut), `attribute_count`, `event_count`, `link_count` (dropped) |
//! | `dataface.telemetry.stderr.dropped` | | stderr lines dropped because the stderr writer could not keep up |
//! | `dataface.telemetry.config.warnings` | `variable` | configuration values that broke a rule |
//!
//! For `dataface_telemetry_signal="metrics"`, an item is one export of the whole metric set.

use crate::catalog::{owners, InstrumentKind, LabelSpec, MetricSpec};
use crate::config::Signal;
use std::sync::atomic::{AtomicU64, Ordering};

const SIGNAL: LabelSpec = LabelSpec::enumerated(
    "dataface.telemetry.signal",
    "The OpenTelemetry signal.",
    &["traces", "metrics", "logs"],
);
const REASON: LabelSpec = LabelSpec::enumerated(
    "dataface.telemetry.drop.reason",
    "Why the items were lost.",
    &[
        "queue_full",
        "export_error",
        "rejected",
        "shutdown_timeout",
        "after_shutdown",
        "exporter_panic",
    ],
);
const LIMIT: LabelSpec = LabelSpec::enumerated(
    "dataface.telemetry.limit",
    "The limit that took part of an item.",
    &[
        "attribute_value_length",
        "attribute_count",
        "event_count",
        "link_count",
    ],
);

/// Catalog entry of [`ATTEMPTED`].
pub const ATTEMPTED_SPEC: MetricSpec = MetricSpec {
    name: ATTEMPTED,
    kind: InstrumentKind::Counter,
    unit: "{item}",
    description:
        "Spans and log records handed to the telemetry pipeline, and metric exports started.",
    labels: &[SIGNAL],
    buckets: &[],
    owner: owners::OBSERVABILITY_PLATFORM,
};
/// Catalog entry of [`EXPORTED`].
pub const EXPORTED_SPEC: MetricSpec = MetricSpec {
    name: EXPORTED,
    kind: InstrumentKind::Counter,
    unit: "{item}",
    description: "Telemetry items the exporter accepted.",
    labels: &[SIGNAL],
    buckets: &[],
    owner: owners::OBSERVABILITY_PLATFORM,
};
/// Catalog entry of [`DROPPED`].
pub const DROPPED_SPEC: MetricSpec = MetricSpec {
    name: DROPPED,
    kind: InstrumentKind::Counter,
    unit: "{item}",
    description: "Telemetry items lost, by reason.",
    labels: &[SIGNAL, REASON],
    buckets: &[],
    owner: owners::OBSERVABILITY_PLATFORM,
};
/// Catalog entry of [`LIMITED`].
pub const LIMITED_SPEC: MetricSpec = MetricSpec {
    name: LIMITED,
    kind: InstrumentKind::Counter,
    unit: "{item}",
    description: "Attribute values cut and attributes, span events and links dropped by the configured limits.",
    labels: &[SIGNAL, LIMIT],
    buckets: &[],
    owner: owners::OBSERVABILITY_PLATFORM,
};
/// Catalog entry of [`STDERR_DROPPED`].
pub const STDERR_DROPPED_SPEC: MetricSpec = MetricSpec {
    name: STDERR_DROPPED,
    kind: InstrumentKind::Counter,
    unit: "{line}",
    description: "stderr lines dropped because nothing read stderr fast enough; the host never waits for stderr.",
    labels: &[],
    buckets: &[],
    owner: owners::OBSERVABILITY_PLATFORM,
};
/// Catalog entry of [`CONFIG_WARNINGS`].
pub const CONFIG_WARNINGS_SPEC: MetricSpec = MetricSpec {
    name: CONFIG_WARNINGS,
    kind: InstrumentKind::Counter,
    unit: "{warning}",
    description: "Telemetry configuration values that broke a rule and were replaced by a default.",
    labels: &[LabelSpec::enumerated(
        "dataface.telemetry.config.variable",
        "The environment variable.",
        crate::config::vars::ALL,
    )],
    buckets: &[],
    owner: owners::OBSERVABILITY_PLATFORM,
};
/// `dataface.telemetry.cardinality.overflow`: label values recorded as `other` because they
/// were outside their declared set, by metric.
pub const CARDINALITY_OVERFLOW: &str = "dataface.telemetry.cardinality.overflow";
/// Catalog entry of [`CARDINALITY_OVERFLOW`].
pub const CARDINALITY_OVERFLOW_SPEC: MetricSpec = MetricSpec {
    name: CARDINALITY_OVERFLOW,
    kind: InstrumentKind::Counter,
    unit: "{series}",
    description: "Metric registrations whose label values fell outside their declared set and were recorded as `other`.",
    labels: &[LabelSpec::bounded(
        "dataface.telemetry.metric",
        "The metric whose labels overflowed (its OpenTelemetry name).",
        256,
    )
    .with_example("dataface.compile.duration")],
    buckets: &[],
    owner: owners::OBSERVABILITY_PLATFORM,
};

/// `dataface.telemetry.attempted`: spans and log records handed to the pipeline, metric exports started.
pub const ATTEMPTED: &str = "dataface.telemetry.attempted";
/// `dataface.telemetry.exported`: items the exporter accepted.
pub const EXPORTED: &str = "dataface.telemetry.exported";
/// `dataface.telemetry.dropped`: items lost, by `reason`.
pub const DROPPED: &str = "dataface.telemetry.dropped";
/// `dataface.telemetry.limited`: attribute values cut and attributes, events and links
/// dropped by the limits, by `signal` and `limit`.
pub const LIMITED: &str = "dataface.telemetry.limited";
/// `dataface.telemetry.stderr.dropped`: stderr lines dropped by the non-blocking writer.
pub const STDERR_DROPPED: &str = "dataface.telemetry.stderr.dropped";
/// `dataface.telemetry.config.warnings`: configuration values that broke a rule, by `variable`.
pub const CONFIG_WARNINGS: &str = "dataface.telemetry.config.warnings";

/// Why an item was dropped.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum DropReason {
    /// The processor queue was full: the host produced faster than the exporter sends.
    QueueFull,
    /// The exporter failed (collector down, rejecting, timing out) after its retries.
    ExportError,
    /// The collector accepted the request but rejected these items (`partial_success`).
    Rejected,
    /// The items were still queued or in an export when shutdown ran out of time.
    ShutdownTimeout,
    /// The item arrived after shutdown began.
    AfterShutdown,
    /// The exporter panicked while sending the batch; the panic was caught.
    ExporterPanic,
}

impl DropReason {
    /// Every reason, in label order.
    pub(crate) const ALL: [DropReason; 6] = [
        DropReason::QueueFull,
        DropReason::ExportError,
        DropReason::Rejected,
        DropReason::ShutdownTimeout,
        DropReason::AfterShutdown,
        DropReason::ExporterPanic,
    ];

    /// The `dataface.telemetry.drop.reason` label value.
    pub(crate) const fn as_str(self) -> &'static str {
        match self {
            DropReason::QueueFull => "queue_full",
            DropReason::ExportError => "export_error",
            DropReason::Rejected => "rejected",
            DropReason::ShutdownTimeout => "shutdown_timeout",
            DropReason::AfterShutdown => "after_shutdown",
            DropReason::ExporterPanic => "exporter_panic",
        }
    }
}

/// What the limits took from one item.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Limited {
    /// Attribute values cut to the value length limit.
    pub(crate) values_truncated: u64,
    /// Attributes dropped by the count limits (span, event and link attributes).
    pub(crate) attributes_dropped: u64,
    /// Span events dropped by the event count limit.
    pub(crate) events_dropped: u64,
    /// Span links dropped by the link count limit.
    pub(crate) links_dropped: u64,
}

/// The counts of one signal.
#[derive(Debug, Default)]
struct SignalCounts {
    attempted: AtomicU64,
    exported: AtomicU64,
    dropped: [AtomicU64; 6],
    limited: [AtomicU64; 4],
    handles: once_cell::sync::OnceCell<SignalHandles>,
}

#[derive(Debug)]
struct SignalHandles {
    attempted: metrics::Counter,
    exported: metrics::Counter,
    dropped: [metrics::Counter; 6],
    limited: [metrics::Counter; 4],
}

/// A snapshot of the counts of one signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SignalStats {
    /// Items handed to the pipeline.
    pub attempted: u64,
    /// Items the exporter accepted.
    pub exported: u64,
    /// Items dropped because the queue was full.
    pub dropped_queue_full: u64,
    /// Items dropped because the export failed.
    pub dropped_export_error: u64,
    /// Items the collector rejected in a `partial_success` answer.
    pub dropped_rejected: u64,
    /// Items still queued or being exported when shutdown ran out of time.
    pub dropped_shutdown_timeout: u64,
    /// Items dropped because they arrived after shutdown began.
    pub dropped_after_shutdown: u64,
    /// Items of batches whose export panicked (the panic was caught).
    pub dropped_exporter_panic: u64,
    /// Attribute values cut to the attribute value length limit.
    pub values_truncated: u64,
    /// Attributes dropped by the attribute count limits.
    pub attributes_dropped: u64,
    /// Span events dropped by the event count limit.
    pub events_dropped: u64,
    /// Span links dropped by the link count limit.
    pub links_dropped: u64,
}

impl SignalStats {
    /// All drops, whatever the reason.
    pub fn dropped(&self) -> u64 {
        self.dropped_queue_full
            + self.dropped_export_error
            + self.dropped_rejected
            + self.dropped_shutdown_timeout
            + self.dropped_after_shutdown
            + self.dropped_exporter_panic
    }
}

/// A snapshot of every self-metric.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PipelineStats {
    /// Spans.
    pub traces: SignalStats,
    /// Metric exports.
    pub metrics: SignalStats,
    /// Log records.
    pub logs: SignalStats,
    /// Configuration problems reported at init.
    pub config_warnings: u64,
    /// stderr lines dropped because stderr was not read fast enough.
    pub stderr_dropped: u64,
}

/// The live counters shared by the processors and exporters of one pipeline.
#[derive(Debug, Default)]
pub(crate) struct SelfMetrics {
    signals: [SignalCounts; 3],
    config_warnings: AtomicU64,
    stderr_dropped: AtomicU64,
    stderr_handle: once_cell::sync::OnceCell<metrics::Counter>,
}

/// The `dataface.telemetry.limit` label values, in the order of [`SignalCounts::limited`].
const LIMITS: [&str; 4] = [
    "attribute_value_length",
    "attribute_count",
    "event_count",
    "link_count",
];

impl SelfMetrics {
    /// Registers the metric handles, once the recorder is installed.
    pub(crate) fn register_handles(&self) {
        for signal in Signal::ALL {
            let name = signal.as_str();
            let counts = &self.signals[signal as usize];
            let handles = SignalHandles {
                attempted: metrics::counter!(ATTEMPTED, "dataface.telemetry.signal" => name),
                exported: metrics::counter!(EXPORTED, "dataface.telemetry.signal" => name),
                dropped: DropReason::ALL.map(|reason| {
                    metrics::counter!(DROPPED, "dataface.telemetry.signal" => name, "dataface.telemetry.drop.reason" => reason.as_str())
                }),
                limited: LIMITS.map(|limit| {
                    metrics::counter!(LIMITED, "dataface.telemetry.signal" => name, "dataface.telemetry.limit" => limit)
                }),
            };
            // Catch up on what was counted before the recorder existed.
            handles
                .attempted
                .increment(counts.attempted.load(Ordering::Relaxed));
            handles
                .exported
                .increment(counts.exported.load(Ordering::Relaxed));
            for (h, c) in handles.dropped.iter().zip(&counts.dropped) {
                // Touch every series so a scrape shows zeros before the first drop.
                h.increment(c.load(Ordering::Relaxed));
            }
            for (h, c) in handles.limited.iter().zip(&counts.limited) {
                h.increment(c.load(Ordering::Relaxed));
            }
            let _ = counts.handles.set(handles);
        }
        let stderr = metrics::counter!(STDERR_DROPPED);
        stderr.increment(self.stderr_dropped.load(Ordering::Relaxed));
        let _ = self.stderr_handle.set(stderr);
    }

    /// Counts what the limits took from items of `signal`.
    pub(crate) fn limited(&self, signal: Signal, limited: &Limited) {
        let c = &self.signals[signal as usize];
        let amounts = [
            limited.values_truncated,
            limited.attributes_dropped,
            limited.events_dropped,
            limited.links_dropped,
        ];
        for (i, n) in amounts.into_iter().enumerate() {
            if n > 0 {
                c.limited[i].fetch_add(n, Ordering::Relaxed);
                if let Some(h) = c.handles.get() {
                    h.limited[i].increment(n);
                }
            }
        }
    }

    /// Counts stderr lines the non-blocking writer dropped.
    pub(crate) fn stderr_dropped(&self, n: u64) {
        if n == 0 {
            return;
        }
        self.stderr_dropped.fetch_add(n, Ordering::Relaxed);
        if let Some(h) = self.stderr_handle.get() {
            h.increment(n);
        }
    }

    pub(crate) fn attempted(&self, signal: Signal, n: u64) {
        let c = &self.signals[signal as usize];
        c.attempted.fetch_add(n, Ordering::Relaxed);
        if let Some(h) = c.handles.get() {
            h.attempted.increment(n);
        }
    }

    pub(crate) fn exported(&self, signal: Signal, n: u64) {
        let c = &self.signals[signal as usize];
        c.exported.fetch_add(n, Ordering::Relaxed);
        if let Some(h) = c.handles.get() {
            h.exported.increment(n);
        }
    }

    pub(crate) fn dropped(&self, signal: Signal, reason: DropReason, n: u64) {
        let c = &self.signals[signal as usize];
        c.dropped[reason as usize].fetch_add(n, Ordering::Relaxed);
        if let Some(h) = c.handles.get() {
            h.dropped[reason as usize].increment(n);
        }
    }

    pub(crate) fn config_warnings(&self, variables: &[&'static str]) {
        self.config_warnings
            .fetch_add(variables.len() as u64, Ordering::Relaxed);
        for var in variables {
            metrics::counter!(CONFIG_WARNINGS, "dataface.telemetry.config.variable" => *var)
                .increment(1);
        }
    }

    pub(crate) fn snapshot(&self) -> PipelineStats {
        let one = |s: Signal| {
            let c = &self.signals[s as usize];
            let d = |r: DropReason| c.dropped[r as usize].load(Ordering::Relaxed);
            SignalStats {
                attempted: c.attempted.load(Ordering::Relaxed),
                exported: c.exported.load(Ordering::Relaxed),
                dropped_queue_full: d(DropReason::QueueFull),
                dropped_export_error: d(DropReason::ExportError),
                dropped_rejected: d(DropReason::Rejected),
                dropped_shutdown_timeout: d(DropReason::ShutdownTimeout),
                dropped_after_shutdown: d(DropReason::AfterShutdown),
                dropped_exporter_panic: d(DropReason::ExporterPanic),
                values_truncated: c.limited[0].load(Ordering::Relaxed),
                attributes_dropped: c.limited[1].load(Ordering::Relaxed),
                events_dropped: c.limited[2].load(Ordering::Relaxed),
                links_dropped: c.limited[3].load(Ordering::Relaxed),
            }
        };
        PipelineStats {
            traces: one(Signal::Traces),
            metrics: one(Signal::Metrics),
            logs: one(Signal::Logs),
            config_warnings: self.config_warnings.load(Ordering::Relaxed),
            stderr_dropped: self.stderr_dropped.load(Ordering::Relaxed),
        }
    }
}
