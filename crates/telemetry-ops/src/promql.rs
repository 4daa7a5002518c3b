//! PromQL for the catalog's objectives, always on derived Prometheus names.

use crate::alert::AlertSpec;
use crate::objective::{Alerting, Events, MatchOp, Matcher};
use telemetry_core::catalog::{prometheus_label, InstrumentKind, MetricSpec};

/// The windows of the multi-window, multi-burn-rate alerts.
pub const WINDOWS: &[&str] = &["5m", "30m", "1h", "2h", "6h", "1d", "3d"];

/// `(long window, short window, burn factor)` of the fast-burn (page) alert.
pub const PAGE_BURNS: &[(&str, &str, f64)] = &[("1h", "5m", 14.4), ("6h", "30m", 6.0)];
/// `(long window, short window, burn factor)` of the slow-burn (ticket) alert.
pub const TICKET_BURNS: &[(&str, &str, f64)] = &[("1d", "2h", 3.0), ("3d", "6h", 1.0)];

/// A label selector `{k="v",...}` (empty string when there is no matcher).
pub fn selector(matchers: &[Matcher], extra: &[(&str, String)]) -> String {
    let mut parts: Vec<String> = matchers
        .iter()
        .map(|m| {
            let op = match m.op {
                MatchOp::Eq => "=",
                MatchOp::Ne => "!=",
            };
            format!("{}{op}\"{}\"", prometheus_label(m.label), m.value)
        })
        .collect();
    parts.extend(extra.iter().map(|(k, v)| format!("{k}=\"{v}\"")));
    if parts.is_empty() {
        String::new()
    } else {
        format!("{{{}}}", parts.join(","))
    }
}

/// The series counting `metric`'s events: the counter, or the histogram's `_count`.
pub fn event_series(metric: &MetricSpec) -> String {
    match metric.kind {
        InstrumentKind::Histogram => format!("{}_count", metric.prometheus_name()),
        _ => metric.prometheus_name(),
    }
}

/// `sum(rate(<events>[w]))`.
pub fn events_rate(e: &Events, window: &str) -> String {
    format!(
        "sum(rate({}{}[{window}]))",
        event_series(e.metric),
        selector(e.matchers, &[])
    )
}

/// The recording rule name of an alert's bad-event ratio over `window`.
pub fn ratio_record(alert: &AlertSpec, window: &str) -> String {
    format!("dataface:{}:bad_ratio_rate{window}", snake(alert.name))
}

/// How the scrape writes a bucket bound in `le` (metrics-exporter-prometheus prints the
/// bound with Rust's float formatting: `0.5`, `1`, `2.5`, `1000000`).
pub fn format_bound(b: f64) -> String {
    format!("{b}")
}

/// The burn-rate alert expression for `burns` (pairs of windows and a factor); the error
/// budget is `1 - target` of a burn-rate objective.
pub fn burn_expr(alert: &AlertSpec, burns: &[(&str, &str, f64)]) -> String {
    let budget = match alert.objective.alerting() {
        Alerting::BurnRate { target, .. } => 1.0 - target,
        Alerting::Direct { .. } => 0.0,
    };
    burns
        .iter()
        .map(|(long, short, factor)| {
            let threshold = trim_float(factor * budget);
            format!(
                "(\n  {} > {threshold}\n  and\n  {} > {threshold}\n)",
                ratio_record(alert, long),
                ratio_record(alert, short)
            )
        })
        .collect::<Vec<_>>()
        .join("\nor\n")
}

/// A float without representation noise (`0.144`, not `0.14400000000000002`).
pub fn trim_float(x: f64) -> String {
    let s = format!("{:.10}", x);
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-" {
        "0".into()
    } else {
        s.to_owned()
    }
}

/// Seconds as a Prometheus duration (`600` -> `10m`).
pub fn duration(seconds: u64) -> String {
    match seconds {
        0 => "0s".into(),
        s if s % 86_400 == 0 => format!("{}d", s / 86_400),
        s if s % 3_600 == 0 => format!("{}h", s / 3_600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

/// `UpperCamelCase` -> `upper_camel_case`.
pub fn snake(name: &str) -> String {
    let mut out = String::new();
    for (i, c) in name.chars().enumerate() {
        if c.is_ascii_uppercase() {
            if i > 0 {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bounds_print_as_the_scrape_writes_le() {
        assert_eq!(format_bound(0.5), "0.5");
        assert_eq!(format_bound(1.0), "1");
        assert_eq!(format_bound(2.5), "2.5");
        assert_eq!(format_bound(1_000_000.0), "1000000");
    }

    #[test]
    fn names_and_durations() {
        assert_eq!(
            snake("CompilerErrorBudgetBurn"),
            "compiler_error_budget_burn"
        );
        assert_eq!(duration(600), "10m");
        assert_eq!(duration(86_400 * 14), "14d");
        assert_eq!(trim_float(14.4 * 0.01), "0.144");
    }
}
