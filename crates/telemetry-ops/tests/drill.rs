//! The launch drill: its profile leaves production untouched and scales every generated
//! rule into rules Prometheus accepts; the scenario table only expects alerts that exist or
//! lists them as gaps; and a healthy day, through a real Prometheus and Alertmanager fed by
//! the workload processes, notifies nobody and fires no page.

use std::path::PathBuf;
use std::process::Command;
use telemetry_ops::drill::{self, profile::TimeProfile, scenarios, DrillOptions};
use telemetry_ops::routing::OwnersFile;
use telemetry_ops::rules::RunbookLinks;

fn links() -> RunbookLinks {
    RunbookLinks {
        base: "runbooks".into(),
    }
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dataface-drill-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// `dir` relative to the working directory, as `scripts/test.sh` passes `--out target/drill`.
fn relative_to_cwd(dir: &std::path::Path) -> PathBuf {
    let cwd = std::env::current_dir().unwrap();
    let common = cwd
        .components()
        .zip(dir.components())
        .take_while(|(a, b)| a == b)
        .count();
    let mut rel: PathBuf = cwd.components().skip(common).map(|_| "..").collect();
    rel.extend(dir.components().skip(common));
    assert!(rel.is_relative());
    rel
}

fn support() -> telemetry_ops::support::SupportModel {
    telemetry_ops::support::SupportModel::parse(include_str!("../../../ops/support.yaml")).unwrap()
}

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

#[test]
fn the_production_profile_leaves_every_generated_rule_byte_identical() {
    let owners = OwnersFile::parse(
        &std::fs::read_to_string(workspace().join("ops/owners.txt")).unwrap(),
        &telemetry_ops::OPERATIONS,
    )
    .unwrap();
    let package = telemetry_ops::package(&telemetry_ops::OPERATIONS, &owners, &support(), &links());
    let mut compared = 0;
    for (surface, file) in drill::production_rules(&links()) {
        let same = TimeProfile::PRODUCTION.rule_file(&file).unwrap();
        assert_eq!(
            same, file,
            "{surface}: the production profile changed a rule"
        );
        let generated = package
            .iter()
            .find(|(p, _)| p.to_str() == Some(&format!("alerts/{surface}.rules.yml")))
            .map(|(_, text)| text.clone())
            .unwrap_or_else(|| panic!("no alerts/{surface}.rules.yml in the package"));
        let ours: telemetry_ops::rules::RuleFile = yaml_serde::from_str(&generated).unwrap();
        assert_eq!(
            ours, file,
            "{surface}: the drill reads other rules than the package's"
        );
        compared += 1;
    }
    assert!(compared >= 6, "{compared} rule files");
    let mut am: yaml_serde::Value =
        yaml_serde::from_str(&telemetry_ops::routing::alertmanager_config(&owners)).unwrap();
    let before = am.clone();
    TimeProfile::PRODUCTION.alertmanager(&mut am, 1.0).unwrap();
    assert_eq!(am, before);
}

#[test]
fn the_drill_profile_scales_every_rule_into_rules_promtool_accepts() {
    let profile = TimeProfile::new(240.0).with_min_window(2.0);
    let dir = temp_dir("profile");
    for (surface, file) in drill::production_rules(&links()) {
        let scaled = profile.rule_file(&file).unwrap();
        for (g, sg) in file.groups.iter().zip(&scaled.groups) {
            for (r, sr) in g.rules.iter().zip(&sg.rules) {
                let (expr, sexpr, hold, shold) = match (r, sr) {
                    (
                        telemetry_ops::rules::Rule::Alerting(a),
                        telemetry_ops::rules::Rule::Alerting(b),
                    ) => (&a.expr, &b.expr, a.hold.clone(), b.hold.clone()),
                    (
                        telemetry_ops::rules::Rule::Recording(a),
                        telemetry_ops::rules::Rule::Recording(b),
                    ) => (&a.expr, &b.expr, None, None),
                    _ => panic!("the profile reordered rules"),
                };
                promql_parser::parser::parse(sexpr)
                    .unwrap_or_else(|e| panic!("{surface}: {sexpr}\n{e}"));
                if expr.contains('[') {
                    assert_ne!(expr, sexpr, "{surface}: a window was not scaled");
                }
                for long in ["[1h]", "[1d]", "[3d]", "[6h]", "[15m]"] {
                    assert!(!sexpr.contains(long), "{surface}: {long} left in {sexpr}");
                }
                if let (Some(h), Some(s)) = (hold, shold) {
                    let (h, s) = (
                        telemetry_ops::promql::parse_duration(&h).unwrap(),
                        telemetry_ops::promql::parse_duration(&s).unwrap(),
                    );
                    assert!((h / 240.0 - s).abs() < 0.001, "for: {h} -> {s}");
                }
            }
        }
        let path = dir.join(format!("{surface}.rules.yml"));
        std::fs::write(
            &path,
            yaml_serde::to_string(&drill::split_slow_windows(&scaled, "2s")).unwrap(),
        )
        .unwrap();
        let out = Command::new("promtool")
            .args(["check", "rules", path.to_str().unwrap()])
            .output()
            .expect("promtool is installed by scripts/install-test-deps.sh");
        assert!(
            out.status.success(),
            "{surface}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn scenarios_expect_existing_alerts_or_show_as_gaps() {
    let (run, skipped) = drill::select(None).unwrap();
    assert!(run.len() >= 25, "{} runnable scenarios", run.len());
    let surfaces: std::collections::BTreeSet<_> = run
        .iter()
        .filter(|s| drill::SURFACES.contains(&s.surface))
        .map(|s| s.surface)
        .collect();
    assert_eq!(surfaces.len(), 5, "{surfaces:?}");
    for s in &run {
        for a in s.expected.iter().chain(s.inhibited) {
            assert!(drill::find_alert(a).is_some(), "{}: {a}", s.name);
        }
    }
    let gaps = drill::gaps(&run);
    for s in &skipped {
        assert!(!s.missing_alerts.is_empty());
        assert!(
            gaps.iter().any(|g| g.failure == s.scenario.failure)
                || run.iter().any(|r| r.failure == s.scenario.failure),
            "{} is skipped but its failure mode is neither run nor a gap",
            s.scenario.name
        );
    }
    for u in scenarios::UNREHEARSED {
        assert!(gaps.iter().any(|g| g.failure == u.failure));
    }
    let mut names: Vec<_> = scenarios::SCENARIOS.iter().map(|s| s.name).collect();
    names.sort();
    names.dedup();
    assert_eq!(
        names.len(),
        scenarios::SCENARIOS.len(),
        "duplicate scenario names"
    );
    assert!(matches!(
        drill::select(Some(&["no-such".to_owned()])),
        Err(drill::DrillError::UnknownScenario(_))
    ));
}

/// The workload binary: `DATAFACE_DRILL_WORKLOAD`, else built with the cargo running us.
fn workload() -> PathBuf {
    if let Some(p) = std::env::var_os("DATAFACE_DRILL_WORKLOAD") {
        return PathBuf::from(p);
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(workspace())
        .args(["build", "-q", "-p", "launch-day", "--bin", "drill-workload"])
        .status()
        .expect("cargo runs");
    assert!(status.success(), "building drill-workload failed");
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target"));
    target.join("debug/drill-workload")
}

/// Issue 18's proof: a healthy day through a real Prometheus fires no page and Alertmanager
/// notifies nobody (the Watchdog aside, which must arrive).
#[test]
fn a_healthy_day_through_real_prometheus_and_alertmanager_pages_nobody() {
    let owners = OwnersFile::parse(
        &std::fs::read_to_string(workspace().join("ops/owners.txt")).unwrap(),
        &telemetry_ops::OPERATIONS,
    )
    .unwrap();
    // A relative output directory beside the working directory, as the CLI gets `--out
    // target/drill`: the rule files Prometheus is given must still load (it resolves
    // relative ones against prometheus.yml's folder).
    let out = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("drill-healthy-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&out);
    let mut opts = DrillOptions::new(relative_to_cwd(&out), workload(), owners, support());
    opts.only = Some(Vec::new());
    opts.healthy = std::time::Duration::from_secs(40);
    let report = drill::run(&opts).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        report.healthy.notifications.is_empty(),
        "false notifications: {:#?}",
        report.healthy.notifications
    );
    assert!(
        report.healthy.page_alerts_seen.is_empty(),
        "page alerts fired: {:#?}",
        report.healthy.page_alerts_seen
    );
    assert!(
        report.healthy.watchdog_delivered,
        "the Watchdog never arrived"
    );
    assert!(report.healthy.production_hours >= 2.5);
    assert!(report.scenarios.is_empty());
    assert!(report.passed());
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("drill.json")).unwrap()).unwrap();
    assert_eq!(json["healthy"]["notifications"], 0);
    assert_eq!(json["passed"], true);
    let html = std::fs::read_to_string(out.join("drill.html")).unwrap();
    assert!(html.contains("Healthy baseline"));
    assert!(
        !html.contains("src=") && !html.contains("<link") && !html.contains("@import"),
        "drill.html must need no network"
    );
    let _ = std::fs::remove_dir_all(&out);
}
