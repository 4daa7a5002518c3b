//! The package as a whole: every generated PromQL expression (rules, recording rules,
//! dashboards, runbook queries) parses, and every series it selects exists in the catalog
//! under its derived name with the labels it matches on; the committed catalog JSON equals
//! the code's; the CLI writes the package and `diff` classifies changes.

mod promql;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::process::Command;
use telemetry_core::catalog::{prometheus_label, InstrumentKind};
use telemetry_ops::rules::{Rule, RuleFile, RunbookLinks};

/// The series the catalog makes available on Prometheus, with the labels each carries.
fn derived_names() -> BTreeMap<String, BTreeSet<String>> {
    let mut names = BTreeMap::new();
    for m in telemetry_ops::PRODUCT.metrics() {
        let base = m.prometheus_name();
        let labels: BTreeSet<String> = m.labels.iter().map(|l| prometheus_label(l.key)).collect();
        if m.kind == InstrumentKind::Histogram {
            for suffix in ["_count", "_sum"] {
                names.insert(format!("{base}{suffix}"), labels.clone());
            }
            let mut with_le = labels.clone();
            with_le.insert("le".to_owned());
            names.insert(format!("{base}_bucket"), with_le);
        }
        names.insert(base, labels);
    }
    names
}

#[test]
fn every_metric_a_rule_dashboard_or_runbook_queries_exists_under_its_derived_name() {
    let derived = derived_names();
    let links = RunbookLinks {
        base: "runbooks".into(),
    };
    let product = &telemetry_ops::OPERATIONS;
    let mut records = BTreeSet::new();
    // (where, expression) of every generated query.
    let mut exprs: Vec<(String, String)> = Vec::new();
    for section in product.catalog.sections {
        let alerts = product.alerts_of(section);
        if let Some(text) = telemetry_ops::rules::rule_file(section, alerts, &links) {
            // The rules as Prometheus reads them: the YAML, parsed.
            let file: RuleFile = yaml_serde::from_str(&text)
                .unwrap_or_else(|e| panic!("{} rules are not a rule file: {e}", section.surface));
            assert_eq!(
                Some(&file),
                telemetry_ops::rules::rules(section, alerts, &links).as_ref()
            );
            for rule in file.groups.iter().flat_map(|g| &g.rules) {
                match rule {
                    Rule::Recording(r) => {
                        records.insert(r.record.clone());
                        exprs.push((format!("recording rule {}", r.record), r.expr.clone()));
                    }
                    Rule::Alerting(r) => exprs.push((format!("alert {}", r.alert), r.expr.clone())),
                }
            }
        }
        let dashboard = telemetry_ops::dashboards::dashboard(section, alerts);
        for panel in dashboard["panels"].as_array().unwrap() {
            for target in panel["targets"].as_array().unwrap() {
                exprs.push((
                    format!("dashboard panel {}", panel["title"]),
                    target["expr"].as_str().unwrap().to_owned(),
                ));
            }
        }
        for alert in alerts {
            for query in telemetry_ops::runbooks::queries(alert) {
                for expr in query.exprs {
                    exprs.push((format!("runbook {} ({})", alert.name, query.title), expr));
                }
            }
        }
    }
    let overview = telemetry_ops::dashboards::launch_overview(product);
    let overview_panels = overview["panels"].as_array().unwrap();
    // Alerts firing, targets up, telemetry dropped, and one burn-rate panel per surface
    // with a burn-rate objective.
    let burning = product
        .catalog
        .sections
        .iter()
        .filter(|s| {
            product
                .alerts_of(s)
                .iter()
                .any(|a| a.objective.is_burn_rate())
        })
        .count();
    assert_eq!(overview_panels.len(), 3 + burning);
    for panel in overview_panels {
        for target in panel["targets"].as_array().unwrap() {
            exprs.push((
                format!("launch overview panel {}", panel["title"]),
                target["expr"].as_str().unwrap().to_owned(),
            ));
        }
    }
    assert!(exprs.len() > 100, "{} expressions", exprs.len());
    let mut unknown = Vec::new();
    for (place, expr) in &exprs {
        for selected in promql::selectors(expr) {
            // Recording rules, and the series Prometheus itself writes (alert state, scrape
            // health).
            if records.contains(&selected.name)
                || ["ALERTS", "up"].contains(&selected.name.as_str())
            {
                continue;
            }
            match derived.get(&selected.name) {
                None => unknown.push(format!("{place}: {}", selected.name)),
                Some(labels) => {
                    for label in &selected.labels {
                        // The labels the scrape attaches to every series.
                        let scrape = ["environment", "job", "instance"].contains(&label.as_str());
                        if !labels.contains(label) && !scrape {
                            unknown
                                .push(format!("{place}: {} has no label {label}", selected.name));
                        }
                    }
                }
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "queried but not in the catalog:\n{}",
        unknown.join("\n")
    );
    // And every recording rule an alert uses is defined.
    for section in product.catalog.sections {
        for record in telemetry_ops::dashboards::ratio_records(product.alerts_of(section)) {
            assert!(
                records.contains(&record),
                "{record} is used but not recorded"
            );
        }
    }
}

#[test]
fn the_committed_catalog_json_is_the_codes_catalog() {
    let committed = include_str!("../../../ops/catalog.json");
    let current = telemetry_ops::json::catalog_json(&telemetry_ops::OPERATIONS) + "\n";
    assert!(
        committed == current,
        "ops/catalog.json differs from the code's catalog: review the change with \
         `cargo run -p telemetry-ops -- diff ops/catalog.json <(cargo run -q -p telemetry-ops -- catalog)` \
         and commit `cargo run -q -p telemetry-ops -- catalog --out ops/catalog.json`"
    );
}

fn cli(args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_dataface-ops"))
        .args(args)
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

#[test]
fn generate_writes_the_whole_package() {
    let dir = std::env::temp_dir().join(format!("dataface-ops-generate-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (code, out) = cli(&["generate", "--out", dir.to_str().unwrap()]);
    assert_eq!(code, 0, "{out}");
    for file in [
        "catalog.json",
        "catalog.md",
        "semconv/registry.yaml",
        "alertmanager.yml",
    ] {
        assert!(dir.join(file).is_file(), "{file} missing: {out}");
    }
    let product = &telemetry_ops::OPERATIONS;
    for section in product.catalog.sections {
        let alerts = product.alerts_of(section);
        assert!(dir.join("dashboards/launch-overview.json").is_file());
        let dashboard: PathBuf = dir.join(format!("dashboards/{}.json", section.surface));
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&dashboard).unwrap()).unwrap();
        // A panel per metric, the alert-state panel, an SLO burn panel per burn-rate alert.
        let burn = alerts.iter().filter(|a| a.objective.is_burn_rate()).count();
        assert_eq!(
            json["panels"].as_array().unwrap().len(),
            section.metrics.len() + 1 + burn
        );
        let vars: Vec<&str> = json["templating"]["list"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v["name"].as_str().unwrap())
            .collect();
        assert_eq!(vars, ["datasource", "environment", "service", "instance"]);
        let text = json.to_string();
        assert!(
            !text.contains("time() - max") || text.contains(" > 0)"),
            "a 0 timestamp reads as 56 years"
        );
        for alert in alerts {
            let runbook = std::fs::read_to_string(
                dir.join(format!("runbooks/{}/{}.md", section.surface, alert.name)),
            )
            .unwrap();
            for heading in [
                "## What fired",
                "## What it means for users",
                "## Check first",
                "## Mitigate",
                "## Roll back",
                "## Escalate",
                "## Tell users",
            ] {
                assert!(runbook.contains(heading), "{} lacks {heading}", alert.name);
            }
            assert!(runbook.contains(alert.runbook.user_message));
        }
        if !alerts.is_empty() {
            let rules: RuleFile = yaml_serde::from_str(
                &std::fs::read_to_string(dir.join(format!("alerts/{}.rules.yml", section.surface)))
                    .unwrap(),
            )
            .unwrap();
            let urls: BTreeSet<(&str, &str)> = rules
                .groups
                .iter()
                .flat_map(|g| &g.rules)
                .filter_map(|r| match r {
                    Rule::Alerting(a) => {
                        Some((a.alert.as_str(), a.annotations.runbook_url.as_str()))
                    }
                    Rule::Recording(_) => None,
                })
                .collect();
            for alert in alerts {
                let url = format!("runbooks/{}/{}.md", section.surface, alert.name);
                assert!(
                    urls.contains(&(alert.name, url.as_str())),
                    "{url}: {urls:?}"
                );
            }
        }
    }
}

#[test]
fn a_bad_owners_file_is_an_error_naming_the_line() {
    let dir = std::env::temp_dir().join(format!("dataface-ops-owners-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("owners.txt");
    std::fs::write(&path, "core-compiler pager\n").unwrap();
    let (code, out) = cli(&["routing", "--owners", path.to_str().unwrap()]);
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("line 1") && out.contains("<owner> <page receiver> <ticket receiver>"),
        "{out}"
    );
}

fn fixture(name: &str) -> String {
    format!("{}/tests/diff/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn diff_classifies_a_fixture_set_of_changes() {
    let read = |n: &str| -> serde_json::Value {
        serde_json::from_str(&std::fs::read_to_string(fixture(n)).unwrap()).unwrap()
    };
    let d = telemetry_ops::diff::diff(&read("old.json"), &read("new.json")).unwrap();
    let lines: Vec<String> = d.changes.iter().map(ToString::to_string).collect();
    let expected = [
        "BREAKING: metric dataface.x.removed removed",
        "BREAKING: metric dataface.x.runs: unit changed from \"{run}\" to \"1\"",
        "BREAKING: metric dataface.x.duration: kind changed from \"histogram\" to \"gauge\"",
        "BREAKING: metric dataface.x.runs: label outcome value \"cancelled\" removed",
        "BREAKING: metric dataface.x.runs: label stage removed",
        "BREAKING: error code x_broken removed",
        "BREAKING: error code x_slow: retryable changed from false to true",
        "BREAKING: span dataface.x.run: attribute dataface.x.kind removed",
        "additive: metric dataface.x.runs: label outcome value \"skipped\" added",
        "additive: metric dataface.x.added added",
        "additive: error code x_new added",
        "additive: error code x_slow: remedy reworded",
    ];
    for e in expected {
        assert!(
            lines.iter().any(|l| l == e),
            "missing {e:?} in:\n{}",
            lines.join("\n")
        );
    }
    assert_eq!(
        lines.len(),
        expected.len(),
        "unexpected changes:\n{}",
        lines.join("\n")
    );
    assert!(d.is_breaking() && !d.major_bumped() && !d.acceptable());
}

#[test]
fn diff_exits_non_zero_on_a_breaking_change_without_a_major_bump() {
    let (code, out) = cli(&["diff", &fixture("old.json"), &fixture("new.json")]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("raise the catalog version to 2.0.0"), "{out}");
    let (code, out) = cli(&["diff", &fixture("old.json"), &fixture("new-major.json")]);
    assert_eq!(
        code, 0,
        "a major bump lets a breaking change through: {out}"
    );
    let (code, out) = cli(&["diff", &fixture("old.json"), &fixture("old.json")]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("no change"), "{out}");
    let (code, out) = cli(&["diff", &fixture("old.json"), "Cargo.toml"]);
    assert_eq!(code, 2, "{out}");
}

#[test]
fn a_reader_that_goes_away_ends_the_command_quietly() {
    // `dataface-ops runbooks | head -1`: the reader closes the pipe before the output ends.
    let mut child = Command::new(env!("CARGO_BIN_EXE_dataface-ops"))
        .arg("runbooks")
        .current_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdout = child.stdout.take().unwrap();
    let mut first = [0u8; 1];
    std::io::Read::read_exact(&mut stdout, &mut first).unwrap();
    drop(stdout);
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.success() && !stderr.contains("panicked"),
        "{:?}: {stderr}",
        out.status
    );
}

#[test]
fn the_native_package_reads_no_classic_histogram_series_and_ships_no_promtool_test_that_would_read_them(
) {
    let dir = std::env::temp_dir().join(format!("dataface-ops-native-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let (code, out) = cli(&[
        "generate",
        "--histograms",
        "native",
        "--out",
        dir.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "{out}");
    let product = &telemetry_ops::OPERATIONS;
    let classic_series: Vec<String> = telemetry_ops::native::histogram_names(product.catalog)
        .into_iter()
        .flat_map(|h| ["_bucket", "_count", "_sum"].map(|s| format!("{h}{s}")))
        .collect();
    let mut files = Vec::new();
    let mut stack = vec![dir.clone()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path);
            }
        }
    }
    let mut native_reads = 0;
    for path in &files {
        let rel = path
            .strip_prefix(&dir)
            .unwrap()
            .to_string_lossy()
            .into_owned();
        // The catalog and its exports name the series; queries live in rules, dashboards
        // and runbooks.
        if !(rel.starts_with("alerts/")
            || rel.starts_with("dashboards/")
            || rel.starts_with("runbooks/"))
        {
            continue;
        }
        let text = std::fs::read_to_string(path).unwrap();
        for series in &classic_series {
            assert!(
                !text.contains(series.as_str()),
                "{rel} still reads {series}"
            );
        }
        native_reads += text.matches("histogram_count(").count();
    }
    assert!(native_reads > 100, "{native_reads} native reads");
    // promtool 2.42 cannot write native histograms as test input: no surface whose rules
    // read a histogram has a test file; the Watchdog's and the pipeline's (which read
    // counters only) stay.
    let mut tests: Vec<String> = files
        .iter()
        .filter_map(|p| p.strip_prefix(&dir).unwrap().to_str())
        .filter(|p| p.starts_with("alerts/tests/"))
        .map(str::to_owned)
        .collect();
    tests.sort();
    assert_eq!(
        tests,
        vec![
            "alerts/tests/telemetry.test.yml",
            "alerts/tests/watchdog.test.yml"
        ]
    );
    // The classic package is what `generate` always wrote.
    let links = RunbookLinks {
        base: "runbooks".into(),
    };
    let owners =
        telemetry_ops::routing::OwnersFile::parse(include_str!("../../../ops/owners.txt"), product)
            .unwrap();
    let support =
        telemetry_ops::support::SupportModel::parse(include_str!("../../../ops/support.yaml"))
            .unwrap();
    assert_eq!(
        telemetry_ops::package_for(
            product,
            &owners,
            &support,
            &links,
            telemetry_ops::native::Histograms::Classic
        )
        .unwrap(),
        telemetry_ops::package(product, &owners, &support, &links)
    );
    let _ = std::fs::remove_dir_all(&dir);
}
