//! The package as a whole: every metric a rule, recording rule or dashboard query names
//! exists in the catalog under that derived name; the committed catalog JSON equals the
//! code's; the CLI writes the package and `diff` classifies changes.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;
use telemetry_ops::rules::RunbookLinks;

/// Every `dataface_*` / `dataface:*` name in a PromQL text.
fn names_in(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let bytes: Vec<char> = text.chars().collect();
    let mut i = 0;
    while i < bytes.len() {
        let starts =
            text[text.char_indices().nth(i).map(|(b, _)| b).unwrap_or(0)..].starts_with("dataface");
        let boundary = i == 0
            || !(bytes[i - 1].is_ascii_alphanumeric()
                || bytes[i - 1] == '_'
                || bytes[i - 1] == '.');
        if starts && boundary {
            let mut j = i;
            while j < bytes.len()
                && (bytes[j].is_ascii_alphanumeric() || bytes[j] == '_' || bytes[j] == ':')
            {
                j += 1;
            }
            let name: String = bytes[i..j].iter().collect();
            // `dataface-...` group and file names are not series.
            if name.len() > "dataface".len() {
                out.insert(name);
            }
            i = j;
        } else {
            i += 1;
        }
    }
    out
}

/// The series names the catalog makes available on Prometheus.
fn derived_names() -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for m in telemetry_ops::PRODUCT.metrics() {
        let base = m.prometheus_name();
        if m.kind == telemetry_core::catalog::InstrumentKind::Histogram {
            for suffix in ["_bucket", "_count", "_sum"] {
                names.insert(format!("{base}{suffix}"));
            }
        }
        names.insert(base);
    }
    names
}

#[test]
fn every_metric_a_rule_or_dashboard_queries_exists_under_its_derived_name() {
    let derived = derived_names();
    let links = RunbookLinks {
        base: "runbooks".into(),
    };
    let mut records = BTreeSet::new();
    let mut referenced = BTreeSet::new();
    let product = &telemetry_ops::OPERATIONS;
    for section in product.catalog.sections {
        let alerts = product.alerts_of(section);
        for rule in telemetry_ops::rules::recording_rules(alerts) {
            let telemetry_ops::yaml::Yaml::Map(entries) = rule else {
                panic!()
            };
            for (k, v) in entries {
                if let telemetry_ops::yaml::Yaml::Str(s) = v {
                    if k == "record" {
                        records.insert(s);
                    } else {
                        referenced.extend(names_in(&s));
                    }
                }
            }
        }
        if let Some(text) = telemetry_ops::rules::rule_file(section, alerts, &links) {
            for line in text.lines().filter(|l| !l.trim_start().starts_with('#')) {
                if !line.contains("record:") && !line.contains("runbook_url") {
                    referenced.extend(names_in(line));
                }
            }
        }
        let dashboard = telemetry_ops::dashboards::dashboard(section, alerts).to_string();
        for panel in telemetry_ops::dashboards::dashboard(section, alerts)["panels"]
            .as_array()
            .unwrap()
        {
            for target in panel["targets"].as_array().unwrap() {
                referenced.extend(names_in(target["expr"].as_str().unwrap()));
            }
        }
        assert!(dashboard.contains("panels"));
    }
    assert!(!referenced.is_empty());
    let unknown: Vec<_> = referenced
        .iter()
        .filter(|n| !derived.contains(*n) && !records.contains(*n))
        .collect();
    assert!(
        unknown.is_empty(),
        "queried but not in the catalog: {unknown:?}"
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
        let dashboard: PathBuf = dir.join(format!("dashboards/{}.json", section.surface));
        let json: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(&dashboard).unwrap()).unwrap();
        assert_eq!(
            json["panels"].as_array().unwrap().len(),
            section.metrics.len()
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
            let rules =
                std::fs::read_to_string(dir.join(format!("alerts/{}.rules.yml", section.surface)))
                    .unwrap();
            for alert in alerts {
                assert!(rules.contains(&format!(
                    "runbook_url: \"runbooks/{}/{}.md\"",
                    section.surface, alert.name
                )));
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
