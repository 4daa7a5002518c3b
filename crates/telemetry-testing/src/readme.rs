//! The signal table each crate README carries, generated from its catalog section, and the
//! check that keeps the README equal to it.

use telemetry_core::catalog::{InstrumentKind, LabelValues, Section};

/// The section's signals as a markdown table (metrics with their Prometheus names, spans,
/// error codes): each crate README carries this table, and [`check_readme_table`] keeps it
/// equal to the catalog.
pub fn markdown_table(section: &Section) -> String {
    let mut out = String::from(
        "| signal | kind | unit | labels / attributes | owner | description |\n|---|---|---|---|---|---|\n",
    );
    for m in section.metrics {
        let labels: Vec<String> = m
            .labels
            .iter()
            .map(|l| match l.values {
                LabelValues::Enumerated(v) if v.len() <= 8 => {
                    format!("`{}` ({})", l.key, v.join(", "))
                }
                LabelValues::Enumerated(v) => format!("`{}` ({} values)", l.key, v.len()),
                LabelValues::Bounded(n) => format!("`{}` (≤ {n})", l.key),
            })
            .collect();
        out.push_str(&format!(
            "| `{}`<br>`{}` | {} | `{}` | {} | {} | {} |\n",
            m.name,
            m.prometheus_name(),
            match m.kind {
                InstrumentKind::Counter => "counter",
                InstrumentKind::Gauge => "gauge",
                InstrumentKind::Histogram => "histogram",
            },
            m.unit,
            labels.join(", "),
            m.owner.id,
            m.description
        ));
    }
    for sp in section.spans {
        let attrs: Vec<String> = sp
            .attributes
            .iter()
            .map(|a| format!("`{}`", a.key))
            .collect();
        out.push_str(&format!(
            "| `{}` | span | | {} | {} | {} |\n",
            sp.name,
            attrs.join(", "),
            sp.owner.id,
            sp.description
        ));
    }
    for e in section.error_codes {
        out.push_str(&format!(
            "| `{}` | error code | | {:?}, {}retryable, {:?} | {} | {} Next: {} |\n",
            e.code,
            e.class,
            if e.retryable { "" } else { "not " },
            e.severity,
            e.owner.id,
            e.summary,
            e.remedy
        ));
    }
    out
}

/// Checks that `readme` holds `section`'s table between `<!-- signals:begin -->` and
/// `<!-- signals:end -->`; the error shows the table to paste.
///
/// # Errors
/// A message with the expected table when the README differs.
pub fn check_readme_table(readme: &str, section: &Section) -> Result<(), String> {
    let expected = markdown_table(section);
    let found = readme
        .split("<!-- signals:begin -->")
        .nth(1)
        .and_then(|rest| rest.split("<!-- signals:end -->").next())
        .map(str::trim);
    if found == Some(expected.trim()) {
        Ok(())
    } else {
        Err(format!(
            "the README's signal table differs from the {} catalog; put this between <!-- signals:begin --> and <!-- signals:end -->:\n\n{expected}",
            section.surface
        ))
    }
}
