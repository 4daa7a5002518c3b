//! Prometheus names derived from the OpenTelemetry form, by the OpenTelemetry-to-Prometheus
//! translation rules: dots (and any other character Prometheus rejects) become `_`, the
//! unit becomes a suffix (`s` → `_seconds`, `By` → `_bytes`, `1` on a gauge → `_ratio`,
//! `X/Y` → `_X_per_Y`, annotations such as `{event}` → nothing), and counters end in
//! `_total`. A collector translating our OTLP produces the same names.

use super::InstrumentKind;

fn unit_word(unit: &str) -> Option<&'static str> {
    Some(match unit {
        "d" => "days",
        "h" => "hours",
        "min" => "minutes",
        "s" => "seconds",
        "ms" => "milliseconds",
        "us" => "microseconds",
        "ns" => "nanoseconds",
        "By" => "bytes",
        "KiBy" => "kibibytes",
        "MiBy" => "mebibytes",
        "GiBy" => "gibibytes",
        "TiBy" => "tebibytes",
        "KBy" => "kilobytes",
        "MBy" => "megabytes",
        "GBy" => "gigabytes",
        "TBy" => "terabytes",
        "bit" => "bits",
        "m" => "meters",
        "V" => "volts",
        "A" => "amperes",
        "J" => "joules",
        "W" => "watts",
        "g" => "grams",
        "Cel" => "celsius",
        "Hz" => "hertz",
        "%" => "percent",
        _ => return None,
    })
}

fn per_word(unit: &str) -> Option<&'static str> {
    Some(match unit {
        "s" => "second",
        "m" => "minute",
        "h" => "hour",
        "d" => "day",
        "w" => "week",
        "mo" => "month",
        "y" => "year",
        _ => return None,
    })
}

/// The unit suffix (without separator) for a UCUM unit on an instrument of `kind`, if any.
pub fn unit_suffix(unit: &str, kind: InstrumentKind) -> Option<String> {
    let unit = unit.trim();
    if unit.is_empty() || (unit.starts_with('{') && !unit.contains('/')) {
        return None;
    }
    if unit == "1" {
        return (kind == InstrumentKind::Gauge).then(|| "ratio".to_owned());
    }
    match unit.split_once('/') {
        Some((main, per)) => {
            let per = per_word(per)
                .map(str::to_owned)
                .unwrap_or_else(|| sanitize(per));
            if main.starts_with('{') || main.is_empty() {
                Some(format!("per_{per}"))
            } else {
                let main = unit_word(main)
                    .map(str::to_owned)
                    .unwrap_or_else(|| sanitize(main));
                Some(format!("{main}_per_{per}"))
            }
        }
        None => Some(
            unit_word(unit)
                .map(str::to_owned)
                .unwrap_or_else(|| sanitize(unit)),
        ),
    }
}

fn sanitize(s: &str) -> String {
    let mut out: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == ':' {
                c
            } else {
                '_'
            }
        })
        .collect();
    while out.contains("__") {
        out = out.replace("__", "_");
    }
    out.trim_matches('_').to_owned()
}

/// The Prometheus metric name for an OpenTelemetry metric `name` with `unit` and `kind`.
///
/// ```
/// use telemetry_core::catalog::{prometheus_name, InstrumentKind::*};
/// assert_eq!(prometheus_name("dataface.compile.duration", "s", Histogram), "dataface_compile_duration_seconds");
/// assert_eq!(prometheus_name("dataface.compile.errors", "{error}", Counter), "dataface_compile_errors_total");
/// assert_eq!(prometheus_name("dataface.catalog.payload.size", "By", Histogram), "dataface_catalog_payload_size_bytes");
/// assert_eq!(prometheus_name("dataface.profiler.accuracy", "1", Gauge), "dataface_profiler_accuracy_ratio");
/// ```
pub fn prometheus_name(name: &str, unit: &str, kind: InstrumentKind) -> String {
    let mut out = sanitize(name);
    if let Some(suffix) = unit_suffix(unit, kind) {
        if !out.ends_with(&format!("_{suffix}")) {
            out.push('_');
            out.push_str(&suffix);
        }
    }
    if kind == InstrumentKind::Counter && !out.ends_with("_total") {
        out.push_str("_total");
    }
    out
}

/// The Prometheus label name for an OpenTelemetry attribute key (`error.type` → `error_type`).
pub fn prometheus_label(key: &str) -> String {
    let out: String = key
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        format!("key_{out}")
    } else {
        out
    }
}

/// The UCUM form of a `metrics` unit (as the OpenTelemetry bridge sends it).
pub fn ucum_unit(unit: metrics::Unit) -> &'static str {
    match unit {
        metrics::Unit::Count => "1",
        metrics::Unit::Percent => "%",
        metrics::Unit::Seconds => "s",
        metrics::Unit::Milliseconds => "ms",
        metrics::Unit::Microseconds => "us",
        metrics::Unit::Nanoseconds => "ns",
        metrics::Unit::Tebibytes => "TiBy",
        metrics::Unit::Gibibytes => "GiBy",
        metrics::Unit::Mebibytes => "MiBy",
        metrics::Unit::Kibibytes => "KiBy",
        metrics::Unit::Bytes => "By",
        metrics::Unit::TerabitsPerSecond => "Tbit/s",
        metrics::Unit::GigabitsPerSecond => "Gbit/s",
        metrics::Unit::MegabitsPerSecond => "Mbit/s",
        metrics::Unit::KilobitsPerSecond => "kbit/s",
        metrics::Unit::BitsPerSecond => "bit/s",
        metrics::Unit::CountPerSecond => "1/s",
    }
}
