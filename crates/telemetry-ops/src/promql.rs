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

/// A label selector `{k="v",...}` (empty string when there is no matcher); each `extra`
/// is `(key, operator, value)`.
pub fn selector(matchers: &[Matcher], extra: &[(&str, &str, String)]) -> String {
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
    parts.extend(extra.iter().map(|(k, op, v)| format!("{k}{op}\"{v}\"")));
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

/// `sum` or `sum by (a, b) ` for Prometheus label names.
pub fn sum_by(by: &[String]) -> String {
    if by.is_empty() {
        "sum".into()
    } else {
        format!("sum by ({}) ", by.join(", "))
    }
}

/// `sum [by (..)] (rate(<events>[w]))`.
pub fn events_rate(e: &Events, window: &str, by: &[String]) -> String {
    format!(
        "{}(rate({}{}[{window}]))",
        sum_by(by),
        event_series(e.metric),
        selector(e.matchers, &[])
    )
}

/// `sum [by (..)] (increase(<events>[w]))`.
pub fn events_increase(e: &Events, window: &str, by: &[String]) -> String {
    format!(
        "{}(increase({}{}[{window}]))",
        sum_by(by),
        event_series(e.metric),
        selector(e.matchers, &[])
    )
}

/// Where a burn-rate alert is judged: the whole fleet, or per value of a catalog label.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The fleet's ratio (the overall budget).
    Fleet,
    /// Per value of this catalog label key.
    By(&'static str),
}

impl Scope {
    /// The Prometheus labels the scope groups by.
    pub fn labels(&self) -> Vec<String> {
        match self {
            Scope::Fleet => Vec::new(),
            Scope::By(key) => vec![prometheus_label(key)],
        }
    }

    fn suffix(&self) -> String {
        match self {
            Scope::Fleet => String::new(),
            Scope::By(key) => format!("_by_{}", prometheus_label(key)),
        }
    }
}

/// The scopes of a burn-rate alert: the fleet, then each dimension.
pub fn scopes(by: &[&'static str]) -> Vec<Scope> {
    std::iter::once(Scope::Fleet)
        .chain(by.iter().map(|k| Scope::By(k)))
        .collect()
}

/// The recording rule name of an alert's bad-event ratio over `window` in `scope`.
pub fn ratio_record(alert: &AlertSpec, scope: &Scope, window: &str) -> String {
    format!(
        "dataface:{}{}:bad_ratio_rate{window}",
        snake(alert.name),
        scope.suffix()
    )
}

/// The recording rule name of an alert's event count over `window` in `scope`.
pub fn events_record(alert: &AlertSpec, scope: &Scope, window: &str) -> String {
    format!(
        "dataface:{}{}:events_increase{window}",
        snake(alert.name),
        scope.suffix()
    )
}

/// The ratio a burn clause compares with: `factor x budget`, capped halfway between the
/// budget and 1 so that a low target (a large budget) still leaves a threshold a ratio can
/// exceed (a ratio never exceeds 1).
pub fn burn_threshold(factor: f64, budget: f64) -> f64 {
    (factor * budget).min((1.0 + budget) / 2.0)
}

/// How the scrape writes a bucket bound in `le` (metrics-exporter-prometheus prints the
/// bound with Rust's float formatting: `0.5`, `1`, `2.5`, `1000000`).
pub fn format_bound(b: f64) -> String {
    format!("{b}")
}

/// How Prometheus writes a bucket bound it read from the protobuf exposition (which it
/// asks for once its native histograms are on; Prometheus 3 writes text bounds the same
/// way): Go's shortest `%g`, with `.0` added to a whole number (`0.5`, `1.0`, `2.5`,
/// `1e+06`).
pub fn openmetrics_bound(b: f64) -> String {
    if b == 0.0 {
        return "0.0".into();
    }
    let exponent = b.abs().log10().floor();
    if (-4.0..6.0).contains(&exponent) {
        let plain = format!("{b}");
        if plain.contains('.') {
            plain
        } else {
            format!("{plain}.0")
        }
    } else {
        // Rust's `1.5e6` is Go's `1.5e+06`.
        let scientific = format!("{b:e}");
        let (mantissa, exp) = scientific.split_once('e').unwrap_or((&scientific, "0"));
        let exp: i32 = exp.parse().unwrap_or(0);
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    }
}

/// The `le` matcher of a classic bucket: `le="0.5"`, or, where the scrape's form and
/// Prometheus' protobuf form differ, a regular expression matching both
/// (`le=~"1|1\\.0"`), so a rule reads the bucket however Prometheus scraped it.
pub fn le_matcher(b: f64) -> (&'static str, String) {
    let (text, openmetrics) = (format_bound(b), openmetrics_bound(b));
    if text == openmetrics {
        ("=", text)
    } else {
        let escape = |s: &str| s.replace('.', "\\\\.").replace('+', "\\\\+");
        ("=~", format!("{}|{}", escape(&text), escape(&openmetrics)))
    }
}

/// The burn-rate alert expression for `burns` (pairs of windows and a factor) in every
/// scope (fleet, then each dimension); the error budget is `1 - target` of a burn-rate
/// objective. A clause fires when the long window's ratio exceeds the threshold, the long
/// window holds at least `min_events` events, and the short window's ratio exceeds it too
/// or, at low volume, the short window saw no event.
///
/// Low volume means the long window's events, spread evenly, leave less than one for the
/// short window (fewer than [`low_volume_events`]): an empty short window is then the
/// objective's normal traffic and the long window judges alone (enrichment runs a few times
/// a day). Above that, an empty short window means the traffic stopped (a release rolled
/// back, a warehouse type no longer queried): nothing fails now, so the page resolves
/// instead of firing until the long window forgets the outage.
pub fn burn_expr(alert: &AlertSpec, burns: &[(&str, &str, f64)]) -> String {
    let (budget, min_events, by) = match alert.objective.alerting() {
        Alerting::BurnRate {
            target,
            min_events,
            by,
            ..
        } => (1.0 - target, min_events, by),
        Alerting::Direct { .. } => (0.0, 1, &[][..]),
    };
    let mut clauses = Vec::new();
    for scope in scopes(by) {
        for (long, short, factor) in burns {
            let threshold = trim_float(burn_threshold(*factor, budget));
            clauses.push(format!(
                "(\n  {} > {threshold}\n  and\n  (\n    {} > {threshold}\n    or\n    ({} < 1 and {} < {})\n  )\n  and\n  {} >= {min_events}\n)",
                ratio_record(alert, &scope, long),
                ratio_record(alert, &scope, short),
                events_record(alert, &scope, short),
                events_record(alert, &scope, long),
                low_volume_events(long, short),
                events_record(alert, &scope, long),
            ));
        }
    }
    clauses.join("\nor\n")
}

/// The long window's event count under which an empty short window is normal traffic: the
/// number of short windows in the long one (12 for every pair of the SRE workbook's).
pub fn low_volume_events(long: &str, short: &str) -> u64 {
    let seconds = |w: &str| parse_duration(w).unwrap_or_else(|| panic!("{w:?} is one of WINDOWS"));
    (seconds(long) / seconds(short)).round() as u64
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

/// Seconds of a Prometheus duration: one or more `<n><unit>` with units ms, s, m, h, d,
/// w, y.
pub fn parse_duration(text: &str) -> Option<f64> {
    let mut rest = text.trim();
    if rest.is_empty() {
        return None;
    }
    let mut total = 0.0;
    while !rest.is_empty() {
        let digits = rest.find(|c: char| !c.is_ascii_digit())?;
        if digits == 0 {
            return None;
        }
        let n: f64 = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        let unit_len = rest
            .find(|c: char| c.is_ascii_digit())
            .unwrap_or(rest.len());
        let unit = match &rest[..unit_len] {
            "ms" => 0.001,
            "s" => 1.0,
            "m" => 60.0,
            "h" => 3_600.0,
            "d" => 86_400.0,
            "w" => 604_800.0,
            "y" => 31_536_000.0,
            _ => return None,
        };
        total += n * unit;
        rest = &rest[unit_len..];
    }
    Some(total)
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
    fn bounds_print_as_prometheus_writes_protobuf_le() {
        assert_eq!(openmetrics_bound(0.5), "0.5");
        assert_eq!(openmetrics_bound(1.0), "1.0");
        assert_eq!(openmetrics_bound(2.5), "2.5");
        assert_eq!(openmetrics_bound(10.0), "10.0");
        assert_eq!(openmetrics_bound(0.0), "0.0");
        assert_eq!(openmetrics_bound(0.001), "0.001");
        assert_eq!(openmetrics_bound(100_000.0), "100000.0");
        assert_eq!(openmetrics_bound(1_000_000.0), "1e+06");
        assert_eq!(openmetrics_bound(1_500_000.0), "1.5e+06");
        assert_eq!(openmetrics_bound(0.00001), "1e-05");
        assert_eq!(le_matcher(0.5), ("=", "0.5".to_owned()));
        assert_eq!(le_matcher(10.0), ("=~", "10|10\\\\.0".to_owned()));
        assert_eq!(le_matcher(1e6), ("=~", "1000000|1e\\\\+06".to_owned()));
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

    #[test]
    fn burn_thresholds_stay_under_one() {
        assert_eq!(trim_float(burn_threshold(14.4, 0.01)), "0.144");
        assert_eq!(trim_float(burn_threshold(14.4, 0.1)), "0.55");
        assert_eq!(trim_float(burn_threshold(1.0, 0.1)), "0.1");
        for budget in [0.001, 0.01, 0.05, 0.1, 0.2, 0.5, 0.9] {
            for (_, _, f) in PAGE_BURNS.iter().chain(TICKET_BURNS) {
                let t = burn_threshold(*f, budget);
                assert!(
                    t < 1.0 && t >= budget.min(*f * budget),
                    "{f} x {budget} -> {t}"
                );
            }
        }
    }
}
