//! The package for a fleet whose scrape serves native histograms
//! (`DATAFACE_PROMETHEUS_HISTOGRAMS=native`): every query that reads a histogram's classic
//! series is rewritten to read the native one.
//!
//! A native histogram is one series under the histogram's own name; its `_bucket`,
//! `_count` and `_sum` series do not exist. [`rewrite`] parses a query (promql-parser) and
//! replaces, for every catalog histogram `h`:
//! - `rate(h_count{..}[w])` by `histogram_count(rate(h{..}[w]))`, and `_sum` by
//!   `histogram_sum` (also under `increase`, `irate` and `delta`, and a bare `h_count{..}`);
//! - `rate(h_bucket{..,le="X"}[w])` (one bucket: the samples at or under `X`) by
//!   `histogram_fraction(0, X, rate(h{..}[w])) * histogram_count(rate(h{..}[w]))`, exact at
//!   the catalog's boundaries and an interpolation (within about 9%) elsewhere;
//! - `rate(h_bucket{..}[w])` without `le` (a quantile's input) by `rate(h{..}[w])`, and
//!   `le` leaves the grouping of the aggregation around it (`histogram_quantile` takes
//!   native histograms as they are).
//!
//! Anything else that reads a classic series (a bucket under another function, a bucket
//! read as an instant vector) is an error naming the query, so nothing is rewritten
//! silently wrong. Latency objectives have their own native form
//! ([`Latency::native_bad_ratio`](crate::objective::Latency::native_bad_ratio)); the
//! rewrite of their classic form gives the same ratio (the per-series fractions weighted by
//! their counts: `tests/native_histograms.rs` compares the two on a real Prometheus).

use promql_parser::label::MatchOp;
use promql_parser::parser::{self, Expr, MatrixSelector, VectorSelector};
use std::collections::HashSet;
use telemetry_core::catalog::{Catalog, InstrumentKind};

/// Which histograms the scrape serves, so which series the package's queries read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Histograms {
    /// The catalog's buckets: `_bucket`, `_count` and `_sum` series (the default).
    #[default]
    Classic,
    /// Prometheus native histograms: one series per label set (see the module).
    Native,
}

/// The Prometheus names of every histogram of `catalog`.
pub fn histogram_names(catalog: &Catalog) -> HashSet<String> {
    catalog
        .sections
        .iter()
        .flat_map(|s| s.metrics.iter())
        .filter(|m| m.kind == InstrumentKind::Histogram)
        .map(|m| m.prometheus_name())
        .collect()
}

/// `expr` reading native histograms instead of the classic series of the histograms
/// named in `histograms` (Prometheus names). A query that reads no histogram comes back
/// unchanged (as written, not reformatted).
///
/// # Errors
/// The query does not parse, or reads a classic series in a way that has no native
/// equivalent here; the message names the construct.
pub fn rewrite(expr: &str, histograms: &HashSet<String>) -> Result<String, String> {
    let mut ast = parser::parse(expr).map_err(|e| format!("{e}: {expr}"))?;
    let mut changed = false;
    walk(&mut ast, histograms, &mut changed)?;
    Ok(if changed {
        ast.to_string()
    } else {
        expr.to_owned()
    })
}

/// The classic series a selector names: `(histogram, suffix)`.
fn classic<'a>(vs: &'a VectorSelector, histograms: &HashSet<String>) -> Option<(&'a str, &'a str)> {
    let name = vs.name.as_deref()?;
    ["_bucket", "_count", "_sum"]
        .into_iter()
        .find_map(|suffix| {
            let base = name.strip_suffix(suffix)?;
            histograms.contains(base).then_some((base, suffix))
        })
}

fn reparse(text: &str) -> Result<Expr, String> {
    parser::parse(text).map_err(|e| format!("the native form does not parse ({e}): {text}"))
}

/// The bound of an `le` matcher (`le="10"` or the package's `le=~"10|10\\.0"`).
fn le_bound(vs: &mut VectorSelector) -> Result<Option<String>, String> {
    let Some(i) = vs.matchers.matchers.iter().position(|m| m.name == "le") else {
        return Ok(None);
    };
    let m = vs.matchers.matchers.remove(i);
    let first = match &m.op {
        MatchOp::Equal => m.value.clone(),
        MatchOp::Re(_) => m
            .value
            .split('|')
            .next()
            .unwrap_or("")
            .replace("\\.", ".")
            .replace("\\+", "+"),
        _ => return Err(format!("an le matcher other than = or =~: {vs}")),
    };
    let bound: f64 = first
        .parse()
        .map_err(|_| format!("an le bound that is not a number ({first}): {vs}"))?;
    Ok(Some(crate::promql::format_bound(bound)))
}

/// Rewrites `expr` in place; returns whether it held a quantile's bucket input (so `le`
/// leaves the grouping of the aggregation above it).
fn walk(expr: &mut Expr, histograms: &HashSet<String>, changed: &mut bool) -> Result<bool, String> {
    let mut quantile_input = false;
    match expr {
        Expr::Aggregate(a) => {
            let inner = walk(&mut a.expr, histograms, changed)?;
            if let Some(p) = &mut a.param {
                walk(p, histograms, changed)?;
            }
            if inner {
                if let Some(promql_parser::parser::LabelModifier::Include(labels)) = &mut a.modifier
                {
                    labels.labels.retain(|l| l != "le");
                    if labels.labels.is_empty() {
                        a.modifier = None;
                    }
                }
            }
        }
        Expr::Unary(u) => quantile_input = walk(&mut u.expr, histograms, changed)?,
        Expr::Binary(b) => {
            let l = walk(&mut b.lhs, histograms, changed)?;
            let r = walk(&mut b.rhs, histograms, changed)?;
            quantile_input = l || r;
        }
        Expr::Paren(p) => quantile_input = walk(&mut p.expr, histograms, changed)?,
        Expr::Subquery(s) => quantile_input = walk(&mut s.expr, histograms, changed)?,
        Expr::VectorSelector(vs) => {
            if let Some((base, suffix)) = classic(vs, histograms) {
                let wrap = match suffix {
                    "_count" => "histogram_count",
                    "_sum" => "histogram_sum",
                    _ => return Err(format!("a bucket read as an instant vector: {vs}")),
                };
                let mut native = vs.clone();
                native.name = Some(base.to_owned());
                *expr = reparse(&format!("{wrap}({native})"))?;
                *changed = true;
            }
        }
        Expr::MatrixSelector(ms) if classic(&ms.vs, histograms).is_some() => {
            return Err(format!(
                "a classic histogram series read as a range outside rate or increase: {ms}"
            ));
        }
        Expr::Call(call) => {
            let over_classic = match call.args.args.first().map(|a| &**a) {
                Some(Expr::MatrixSelector(ms)) => classic(&ms.vs, histograms)
                    .map(|(base, suffix)| (ms.clone(), base.to_owned(), suffix.to_owned())),
                _ => None,
            };
            match over_classic {
                Some((ms, base, suffix)) => {
                    let func = call.func.name;
                    if !["rate", "increase", "irate", "delta"].contains(&func) {
                        return Err(format!(
                            "{func}() of a classic histogram series has no native form here: {call}"
                        ));
                    }
                    let MatrixSelector { mut vs, range } = ms;
                    vs.name = Some(base);
                    let le = le_bound(&mut vs)?;
                    let inner = format!("{func}({})", MatrixSelector { vs, range });
                    let text = match (suffix.as_str(), le) {
                        ("_count", _) => format!("histogram_count({inner})"),
                        ("_sum", _) => format!("histogram_sum({inner})"),
                        (_, Some(le)) => format!(
                            "(histogram_fraction(0, {le}, {inner}) * histogram_count({inner}))"
                        ),
                        (_, None) => {
                            quantile_input = true;
                            inner
                        }
                    };
                    *expr = reparse(&text)?;
                    *changed = true;
                }
                None => {
                    for arg in &mut call.args.args {
                        quantile_input |= walk(arg, histograms, changed)?;
                    }
                }
            }
        }
        _ => {}
    }
    Ok(quantile_input)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names() -> HashSet<String> {
        HashSet::from(["dataface_query_duration_seconds".to_owned()])
    }

    fn native(expr: &str) -> String {
        rewrite(expr, &names()).unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn counts_and_sums_read_the_native_histogram() {
        assert_eq!(
            native("sum by (dataface_query_adapter) (rate(dataface_query_duration_seconds_count{dataface_outcome=\"success\"}[5m]))"),
            "sum by (dataface_query_adapter) (histogram_count(rate(dataface_query_duration_seconds{dataface_outcome=\"success\"}[5m])))"
        );
        assert_eq!(
            native("rate(dataface_query_duration_seconds_sum[5m]) / rate(dataface_query_duration_seconds_count[5m])"),
            "histogram_sum(rate(dataface_query_duration_seconds[5m])) / histogram_count(rate(dataface_query_duration_seconds[5m]))"
        );
        assert_eq!(
            native("dataface_query_duration_seconds_count > 0"),
            "histogram_count(dataface_query_duration_seconds) > 0"
        );
    }

    #[test]
    fn a_bucket_becomes_a_fraction_of_the_count_and_a_quantile_loses_le() {
        assert_eq!(
            native("sum(rate(dataface_query_duration_seconds_bucket{dataface_outcome=\"success\",le=~\"10|10\\\\.0\"}[1h]))"),
            "sum((histogram_fraction(0, 10, rate(dataface_query_duration_seconds{dataface_outcome=\"success\"}[1h])) * histogram_count(rate(dataface_query_duration_seconds{dataface_outcome=\"success\"}[1h]))))"
        );
        assert_eq!(
            native("histogram_quantile(0.95, sum by (le, dataface_query_adapter) (rate(dataface_query_duration_seconds_bucket[5m])))"),
            "histogram_quantile(0.95, sum by (dataface_query_adapter) (rate(dataface_query_duration_seconds[5m])))"
        );
        assert_eq!(
            native("histogram_quantile(0.5, sum by (le) (rate(dataface_query_duration_seconds_bucket[5m])))"),
            "histogram_quantile(0.5, sum(rate(dataface_query_duration_seconds[5m])))"
        );
    }

    #[test]
    fn a_query_without_histograms_is_left_as_written() {
        let expr = "sum(rate(dataface_query_errors_total[5m]))  /  2";
        assert_eq!(native(expr), expr);
    }

    #[test]
    fn what_has_no_native_form_is_an_error_naming_it() {
        for (expr, says) in [
            ("dataface_query_duration_seconds_bucket", "instant vector"),
            (
                "resets(dataface_query_duration_seconds_count[5m])",
                "resets()",
            ),
            (
                "max_over_time(dataface_query_duration_seconds_sum[5m])",
                "max_over_time()",
            ),
            (
                "sum(rate(dataface_query_duration_seconds_bucket{le!=\"1\"}[5m]))",
                "= or =~",
            ),
            ("sum(", "sum("),
        ] {
            let e = rewrite(expr, &names()).unwrap_err();
            assert!(e.contains(says), "{expr}: {e}");
        }
    }
}
