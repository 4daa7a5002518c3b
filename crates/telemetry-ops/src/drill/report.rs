//! The drill's outputs: `drill.json` (machine-readable) and `drill.html` (one
//! self-contained file, no network: inline CSS and SVG).

use super::{DrillError, DrillReport, Notification, ScenarioResult};
use serde_json::json;
use std::fmt::Write as _;
use std::path::Path;

/// `drill.json`: per scenario `name`, `surface`, `expected`, `delivered`, `ttd_seconds`,
/// `theoretical_seconds`, `ratio`, `passed` (and the details), `healthy.notifications`,
/// the skipped scenarios, the gaps, and the overall `passed`.
pub fn json(report: &DrillReport) -> serde_json::Value {
    let scenarios: Vec<_> = report
        .scenarios
        .iter()
        .map(|r| {
            let worst = r.expected.iter().max_by(|a, b| {
                a.ratio
                    .unwrap_or(f64::INFINITY)
                    .total_cmp(&b.ratio.unwrap_or(f64::INFINITY))
            });
            json!({
                "name": r.scenario.name,
                "surface": r.scenario.surface,
                "card": r.scenario.card,
                "failure": r.scenario.failure,
                "expected": r.scenario.expected,
                "delivered": r.delivered.iter().filter(|n| n.status == "firing")
                    .map(|n| format!("{} -> {}", n.alertname, n.receiver))
                    .collect::<std::collections::BTreeSet<_>>(),
                "ttd_seconds": worst.and_then(|e| e.ttd_seconds),
                "theoretical_seconds": worst.map(|e| e.theory.total),
                "ratio": worst.and_then(|e| e.ratio),
                "passed": r.passed(),
                "failures": r.failures,
                "alerts": r.expected,
                "states": r.states,
                "injected_at": r.injected_at,
                "removed_at": r.removed_at,
            })
        })
        .collect();
    json!({
        "passed": report.passed(),
        "factor": report.factor,
        "histograms": report.histograms,
        "interval_seconds": report.interval_seconds,
        "wall_seconds": report.wall_seconds,
        "healthy": {
            "seconds": report.healthy.seconds,
            "production_hours": report.healthy.production_hours,
            "notifications": report.healthy.notifications.len(),
            "notification_list": report.healthy.notifications,
            "page_alerts_seen": report.healthy.page_alerts_seen,
            "page_alerts_pending": report.healthy.page_alerts_pending,
            "watchdog_delivered": report.healthy.watchdog_delivered,
        },
        "scenarios": scenarios,
        "skipped": report.skipped,
        "gaps": report.gaps,
        "unexpected": report.unexpected,
    })
}

pub(crate) fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The sections of a runbook, by heading.
fn section(runbook: &str, heading: &str) -> String {
    let mut out = String::new();
    let mut inside = false;
    for line in runbook.lines() {
        if let Some(h) = line.strip_prefix("## ") {
            inside = h.trim() == heading;
            continue;
        }
        if inside {
            out.push_str(line);
            out.push('\n');
        }
    }
    out.trim().to_owned()
}

/// A timeline of one scenario as inline SVG.
fn timeline(r: &ScenarioResult) -> String {
    let (t0, t1) = (r.injected_at, r.ended_at.max(r.injected_at + 1.0));
    let w = 720.0;
    let x = |t: f64| 10.0 + (t - t0) / (t1 - t0) * (w - 20.0);
    // One row per alert series Prometheus showed (name, severity, burn), then the declared
    // alerts that never showed.
    let mut rows: Vec<(String, String, String)> = Vec::new();
    for e in &r.states {
        let key = (e.alertname.clone(), e.severity.clone(), e.burn.clone());
        if !rows.contains(&key) {
            rows.push(key);
        }
    }
    let declared = r
        .expected
        .iter()
        .map(|e| e.alertname.as_str())
        .chain(r.scenario.inhibited.iter().copied())
        .chain(r.scenario.also.iter().copied());
    for name in declared {
        if !rows.iter().any(|(n, _, _)| n == name) {
            rows.push((name.to_owned(), String::new(), String::new()));
        }
    }
    rows.sort();
    let h = 40 + rows.len() * 22;
    let mut svg = format!(
        r##"<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}" font-size="10">"##
    );
    // The fault.
    let _ = write!(
        svg,
        r##"<rect x="{}" y="4" width="{}" height="10" fill="#f4c7c3"/><text x="{}" y="12">fault injected {:.1}s -> removed {:.1}s</text>"##,
        x(r.injected_at),
        (x(r.removed_at) - x(r.injected_at)).max(1.0),
        x(r.injected_at) + 2.0,
        0.0,
        r.removed_at - t0
    );
    for (i, (name, severity, burn)) in rows.iter().enumerate() {
        let y = 24 + i * 22;
        let label = match (severity.is_empty(), burn.is_empty()) {
            (true, _) => name.clone(),
            (false, true) => format!("{name} ({severity})"),
            (false, false) => format!("{name} ({severity}, {burn} burn)"),
        };
        let _ = write!(
            svg,
            r##"<text x="10" y="{}">{}</text>"##,
            y + 14,
            esc(&label)
        );
        // States from Prometheus.
        let mut states: Vec<_> = r
            .states
            .iter()
            .filter(|e| &e.alertname == name && &e.severity == severity && &e.burn == burn)
            .collect();
        states.sort_by(|a, b| a.at.total_cmp(&b.at));
        for (j, e) in states.iter().enumerate() {
            let end = states.get(j + 1).map_or(r.ended_at, |n| n.at);
            let color = match e.state.as_str() {
                "pending" => "#ffe08a",
                "firing" => "#e06666",
                _ => continue,
            };
            let _ = write!(
                svg,
                r##"<rect x="{}" y="{}" width="{}" height="8" fill="{color}"><title>{} {:.2}s</title></rect>"##,
                x(e.at),
                y + 16,
                (x(end) - x(e.at)).max(1.0),
                e.state,
                e.at - t0
            );
        }
        // Notifications of that series.
        let label = |n: &Notification, k: &str| n.labels.get(k).cloned().unwrap_or_default();
        for n in r.delivered.iter().filter(|n| {
            &n.alertname == name && &label(n, "severity") == severity && &label(n, "burn") == burn
        }) {
            let color = if n.status == "firing" {
                "#1f4e9c"
            } else {
                "#38761d"
            };
            let _ = write!(
                svg,
                r##"<circle cx="{}" cy="{}" r="3" fill="{color}"><title>{} to {} at {:.2}s</title></circle>"##,
                x(n.at),
                y + 20,
                n.status,
                esc(&n.receiver),
                n.at - t0
            );
        }
    }
    svg.push_str("</svg>");
    svg
}

/// `drill.html`: the summary, the scenario table, a timeline and a tabletop sheet per
/// scenario, the skipped scenarios and the gaps.
pub fn html(report: &DrillReport) -> String {
    let mut h = String::new();
    let verdict = if report.passed() { "PASSED" } else { "FAILED" };
    let _ = write!(
        h,
        r##"<!doctype html><html><head><meta charset="utf-8"><title>Dataface launch drill: {verdict}</title>
<style>body{{font-family:sans-serif;max-width:1100px;margin:2em auto;color:#222}}table{{border-collapse:collapse}}td,th{{border:1px solid #ccc;padding:3px 6px;font-size:13px;vertical-align:top}}.ok{{color:#38761d}}.bad{{color:#b00}}section{{border-top:1px solid #ddd;margin-top:1.5em}}pre{{white-space:pre-wrap;background:#f6f6f6;padding:6px}}</style></head><body>
<h1>Dataface launch drill: <span class="{}">{verdict}</span></h1>
<p>Time factor {}: one drill second stands for {} production seconds; scrape and evaluation every {:.3} s. Wall time {:.0} s.
Legend: red bar = fault active; yellow = alert pending; dark red = firing (Prometheus); blue dot = firing notification; green dot = resolved notification.</p>
<h2>Healthy baseline</h2><p>{:.0} s of healthy traffic ({:.1} production hours): <b>{}</b> notifications (Watchdog excluded), {} page alerts seen firing ({} pending changes, which page nobody); Watchdog delivered to the dead man's switch: {}.</p>"##,
        if report.passed() { "ok" } else { "bad" },
        report.factor,
        report.factor,
        report.interval_seconds,
        report.wall_seconds,
        report.healthy.seconds,
        report.healthy.production_hours,
        report.healthy.notifications.len(),
        report.healthy.page_alerts_seen.len(),
        report.healthy.page_alerts_pending.len(),
        report.healthy.watchdog_delivered,
    );
    for n in &report.healthy.notifications {
        let _ = write!(
            h,
            "<p class=bad>false {} {} to {}</p>",
            esc(&n.status),
            esc(&n.alertname),
            esc(&n.receiver)
        );
    }
    h.push_str("<h2>Scenarios</h2><table><tr><th>scenario</th><th>card</th><th>expected</th><th>delivered to</th><th>TTD s</th><th>theoretical s</th><th>ratio</th><th>result</th></tr>");
    for r in &report.scenarios {
        for (i, e) in r.expected.iter().enumerate() {
            let _ = write!(
                h,
                "<tr><td>{}</td><td>{}</td><td>{} ({})</td><td>{}</td><td>{}</td><td>{:.2}</td><td>{}</td><td class={}>{}</td></tr>",
                if i == 0 { esc(r.scenario.name) } else { String::new() },
                r.scenario.card,
                esc(&e.alertname),
                e.severity,
                esc(&e.delivered_to.join(", ")),
                e.ttd_seconds.map_or("-".into(), |t| format!("{t:.2}")),
                e.theory.total,
                e.ratio.map_or("-".into(), |r| format!("{r:.2}")),
                if r.passed() { "ok" } else { "bad" },
                if r.passed() { "passed".to_owned() } else { esc(&r.failures.join("; ")) },
            );
        }
    }
    h.push_str("</table>");
    for n in &report.unexpected {
        let _ = write!(
            h,
            "<p class=bad>undeclared notification: {} ({}) to {} at {:.1}s</p>",
            esc(&n.alertname),
            esc(n.severity()),
            esc(&n.receiver),
            n.at
        );
    }
    for r in &report.scenarios {
        let _ = write!(
            h,
            "<section><h3 id=\"{0}\">{0}</h3><p>Card {1}: {2}. Injected: <code>{3}</code>.</p>{4}",
            esc(r.scenario.name),
            r.scenario.card,
            esc(r.scenario.failure),
            esc(&match r.scenario.action {
                super::scenarios::Action::Fault(f) =>
                    format!("fault {f} on {}", r.scenario.surface),
                super::scenarios::Action::StopProcess =>
                    format!("stop the {} process", r.scenario.surface),
                super::scenarios::Action::LoseCollector => "stop the OTLP collector".into(),
            }),
            timeline(r)
        );
        for e in &r.expected {
            let runbook = std::fs::read_to_string(&e.runbook_url).unwrap_or_default();
            let seen = r
                .delivered
                .iter()
                .find(|n| n.alertname == e.alertname && n.status == "firing");
            let _ = write!(
                h,
                "<h4>Tabletop sheet: {}</h4><table><tr><th>what the on-call sees</th><td>{}</td></tr><tr><th>who is paged</th><td>{} ({}, owner {})</td></tr><tr><th>runbook, first steps</th><td><pre>{}</pre><small>{}</small></td></tr><tr><th>what users are told</th><td><pre>{}</pre></td></tr><tr><th>time to detect</th><td>{} s measured; theoretical {:.2} s = condition {:.2} + scrape {:.2} + evaluation {:.2} + for {:.2} + group_wait {:.2}</td></tr></table>",
                esc(&e.alertname),
                seen.map_or("(no notification)".into(), |n| esc(&format!(
                    "{}: {}",
                    n.annotations.get("summary").cloned().unwrap_or_default(),
                    n.annotations.get("description").cloned().unwrap_or_default()
                ))),
                esc(&e.delivered_to.join(", ")),
                e.severity,
                esc(&e.owner),
                esc(&section(&runbook, "Check first").lines().take(4).collect::<Vec<_>>().join("\n")),
                esc(&e.runbook_url),
                esc(&section(&runbook, "Tell users")),
                e.ttd_seconds.map_or("-".into(), |t| format!("{t:.2}")),
                e.theory.total,
                e.theory.condition,
                e.theory.scrape,
                e.theory.evaluation,
                e.theory.hold,
                e.theory.group_wait,
            );
        }
        if !r.failures.is_empty() {
            let _ = write!(h, "<p class=bad>{}</p>", esc(&r.failures.join("<br>")));
        }
        h.push_str("</section>");
    }
    h.push_str("<h2>Gaps: tribal knowledge left</h2><p>Failure modes the task cards name that no scenario rehearses in this run.</p><table><tr><th>card</th><th>failure mode</th><th>why</th></tr>");
    for g in &report.gaps {
        let why = report
            .skipped
            .iter()
            .filter(|s| s.scenario.failure == g.failure)
            .map(|s| {
                format!(
                    "scenario {} waits for alert(s) {}",
                    s.scenario.name,
                    s.missing_alerts.join(", ")
                )
            })
            .collect::<Vec<_>>();
        let why = if why.is_empty() {
            "no scenario injects it yet".to_owned()
        } else {
            why.join("; ")
        };
        let _ = write!(
            h,
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            g.card,
            esc(g.failure),
            esc(&why)
        );
    }
    h.push_str("</table></body></html>\n");
    h
}

/// Writes `drill.json` and `drill.html` under `out`.
///
/// # Errors
/// [`DrillError::Write`] naming the file.
pub fn write(report: &DrillReport, out: &Path) -> Result<(), DrillError> {
    crate::write(
        &out.join("drill.json"),
        &(serde_json::to_string_pretty(&json(report)).expect("the report serialises") + "\n"),
    )?;
    crate::write(&out.join("drill.html"), &html(report))?;
    Ok(())
}
