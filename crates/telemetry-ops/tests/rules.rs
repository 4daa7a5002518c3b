//! The generated rules, judged by Prometheus' own tools: `promtool check rules` on every
//! product rule file, `amtool check-config` on the routing, and `promtool test rules` over
//! synthetic series for one alert of every objective kind, with the firing cases written
//! by hand (series, when it must fire, with which labels and value) so the generator is
//! checked against a human reading of each objective.

mod fixture;
mod promql;

use serde_json::{json, Value};
use std::path::{Path, PathBuf};
use std::process::Command;
use telemetry_ops::rules::{self, RunbookLinks};

fn tool(name: &str) -> String {
    let found = Command::new("sh")
        .args(["-c", &format!("command -v {name}")])
        .output()
        .map(|o| o.status.success())
        .unwrap_or(false);
    assert!(
        found,
        "{name} is not installed: run scripts/install-test-deps.sh"
    );
    name.to_owned()
}

fn temp_dir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("dataface-ops-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(cmd: &str, args: &[&str]) -> (bool, String) {
    let out = Command::new(tool(cmd)).args(args).output().unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn links() -> RunbookLinks {
    RunbookLinks {
        base: "runbooks".into(),
    }
}

/// The repository's owners file.
fn owners() -> telemetry_ops::routing::OwnersFile {
    telemetry_ops::routing::OwnersFile::parse(
        include_str!("../../../ops/owners.txt"),
        &telemetry_ops::OPERATIONS,
    )
    .expect("ops/owners.txt routes every owner")
}

/// The whole package from the repository's owners file and support model, under `dir`.
fn generate_package(dir: &std::path::Path) {
    let support =
        telemetry_ops::support::SupportModel::parse(include_str!("../../../ops/support.yaml"))
            .expect("ops/support.yaml parses");
    telemetry_ops::generate(
        &telemetry_ops::OPERATIONS,
        &owners(),
        &support,
        &links(),
        dir,
    )
    .expect("the package is written");
}

#[test]
fn every_product_rule_file_passes_promtool_check_rules() {
    let dir = temp_dir("check");
    let mut checked = 0;
    let product = &telemetry_ops::OPERATIONS;
    for section in product.catalog.sections {
        if let Some(text) = rules::rule_file(section, product.alerts_of(section), &links()) {
            let path = dir.join(format!("{}.rules.yml", section.surface));
            std::fs::write(&path, text).unwrap();
            let (ok, out) = run("promtool", &["check", "rules", path.to_str().unwrap()]);
            assert!(ok && out.contains("SUCCESS"), "{}:\n{out}", path.display());
            checked += 1;
        }
    }
    assert!(checked >= 1, "no product surface declares alerts");
}

#[test]
fn the_routing_passes_amtool_check_config() {
    let owners = owners();
    let dir = temp_dir("routing");
    let path = dir.join("alertmanager.yml");
    std::fs::write(&path, telemetry_ops::routing::alertmanager_config(&owners)).unwrap();
    let (ok, out) = run("amtool", &["check-config", path.to_str().unwrap()]);
    assert!(
        ok && out.contains("SUCCESS") && out.contains("receivers"),
        "{out}"
    );
    let config: telemetry_ops::routing::AlertmanagerConfig =
        yaml_serde::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    assert_eq!(config, telemetry_ops::routing::alertmanager(&owners));
    for route in &owners.routes {
        let matcher = format!("owner=\"{}\"", route.owner);
        let routed: Vec<_> = config
            .route
            .routes
            .iter()
            .filter(|r| r.matchers.contains(&matcher))
            .map(|r| r.receiver.as_str())
            .collect();
        assert_eq!(routed, [&route.page, &route.ticket], "{matcher}");
    }
}

/// The annotations the generator writes for an alert, with the `{{ $value ... }}` template
/// replaced by the value a human expects.
fn annotations(name: &str, burn: Option<&str>, value: &str) -> Value {
    let rule = rules::alert_rules("fixture", fixture::ALERTS, &links())
        .into_iter()
        .find(|r| r.alert == name && r.labels.burn.as_deref() == burn)
        .unwrap_or_else(|| panic!("the generator wrote no rule {name} (burn {burn:?})"));
    let fill = |s: &str| match s.find("{{ $value") {
        Some(i) => {
            let end = s[i..].find("}}").map(|j| i + j + 2).unwrap();
            format!("{}{value}{}", &s[..i], &s[end..])
        }
        None => s.to_owned(),
    };
    let a = rule.annotations;
    json!({
        "summary": fill(&a.summary),
        "description": fill(&a.description),
        "runbook_url": fill(&a.runbook_url),
    })
}

/// An expected alert: its labels written by hand, its annotations from the generator with
/// the hand-predicted value.
fn expect(
    name: &str,
    severity: &str,
    owner: &str,
    objective: &str,
    burn: Option<&str>,
    value: &str,
) -> Value {
    let mut labels = json!({
        "severity": severity,
        "owner": owner,
        "surface": "fixture",
        "objective": objective,
    });
    if let Some(b) = burn {
        labels["burn"] = json!(b);
    }
    json!({
        "exp_labels": labels,
        "exp_annotations": annotations(name, burn, value),
    })
}

fn series(s: &str, values: &str) -> Value {
    json!({ "series": s, "values": values })
}

fn case(series: Vec<Value>, at: &str, alert: &str, expected: Vec<Value>) -> Value {
    json!({
        "interval": "1m",
        "input_series": series,
        "alert_rule_test": [{
            "eval_time": at,
            "alertname": alert,
            "exp_alerts": expected,
        }],
    })
}

fn promtool_test(name: &str, cases: Vec<Value>) {
    let dir = temp_dir(name);
    let rules_path = dir.join("fixture.rules.yml");
    std::fs::write(
        &rules_path,
        rules::rule_file(&fixture::SECTION, fixture::ALERTS, &links()).unwrap(),
    )
    .unwrap();
    let test = json!({
        "rule_files": ["fixture.rules.yml"],
        "evaluation_interval": "1m",
        "tests": cases,
    });
    let test_path: &Path = &dir.join("fixture.test.yml");
    std::fs::write(test_path, yaml_serde::to_string(&test).unwrap()).unwrap();
    let (ok, out) = run("promtool", &["test", "rules", test_path.to_str().unwrap()]);
    assert!(
        ok && out.contains("SUCCESS"),
        "promtool test rules:\n{out}\n{}",
        std::fs::read_to_string(test_path).unwrap()
    );
}

#[test]
fn the_fixture_catalog_is_valid() {
    fixture::PRODUCT.validate().unwrap();
}

#[test]
fn every_fixture_rule_reads_as_a_rule_file_and_its_promql_parses() {
    let text = rules::rule_file(&fixture::SECTION, fixture::ALERTS, &links()).unwrap();
    let file: rules::RuleFile = yaml_serde::from_str(&text).unwrap();
    assert_eq!(
        Some(file.clone()),
        rules::rules(&fixture::SECTION, fixture::ALERTS, &links())
    );
    let mut kinds = std::collections::BTreeSet::new();
    for rule in file.groups.iter().flat_map(|g| &g.rules) {
        let expr = match rule {
            rules::Rule::Recording(r) => &r.expr,
            rules::Rule::Alerting(r) => {
                kinds.insert(r.labels.objective.clone());
                &r.expr
            }
        };
        assert!(!promql::selectors(expr).is_empty(), "{expr}");
    }
    assert_eq!(kinds.len(), 7, "one alert of every kind: {kinds:?}");
}

#[test]
fn an_error_ratio_burning_20_percent_pages_and_tickets_and_a_clean_one_is_silent() {
    // 2 of every 10 runs fail for 70 minutes: 20% bad, over 14.4 x the 1% budget on the
    // 1h/5m pair (page) and over 3 x on 1d/2h (ticket: a 1d rate over 70 minutes of data is
    // still 20%).
    let burning = vec![
        series(
            r#"dataface_fx_runs_total{dataface_outcome="failed"}"#,
            "0+2x80",
        ),
        series(
            r#"dataface_fx_runs_total{dataface_outcome="success"}"#,
            "0+8x80",
        ),
    ];
    let clean = vec![
        series(
            r#"dataface_fx_runs_total{dataface_outcome="failed"}"#,
            "0x80",
        ),
        series(
            r#"dataface_fx_runs_total{dataface_outcome="success"}"#,
            "0+10x80",
        ),
    ];
    promtool_test(
        "ratio",
        vec![
            case(
                burning,
                "70m",
                "FxErrorBudgetBurn",
                vec![
                    expect(
                        "FxErrorBudgetBurn",
                        "page",
                        "core-compiler",
                        "error_ratio",
                        Some("fast"),
                        "20%",
                    ),
                    expect(
                        "FxErrorBudgetBurn",
                        "ticket",
                        "core-compiler",
                        "error_ratio",
                        Some("slow"),
                        "20%",
                    ),
                ],
            ),
            case(clean, "70m", "FxErrorBudgetBurn", vec![]),
        ],
    );
}

#[test]
fn latency_over_the_bucket_boundary_fires_and_within_it_does_not() {
    // 9 of every 10 runs take longer than 1 s: 90% bad against a 5% budget.
    let slow = vec![
        series(r#"dataface_fx_duration_seconds_bucket{le="1"}"#, "0+1x80"),
        series(r#"dataface_fx_duration_seconds_count"#, "0+10x80"),
    ];
    let fast = vec![
        series(r#"dataface_fx_duration_seconds_bucket{le="1"}"#, "0+10x80"),
        series(r#"dataface_fx_duration_seconds_count"#, "0+10x80"),
    ];
    promtool_test(
        "latency",
        vec![
            case(
                slow,
                "70m",
                "FxLatency",
                vec![
                    expect(
                        "FxLatency",
                        "page",
                        "core-compiler",
                        "latency",
                        Some("fast"),
                        "90%",
                    ),
                    expect(
                        "FxLatency",
                        "ticket",
                        "core-compiler",
                        "latency",
                        Some("slow"),
                        "90%",
                    ),
                ],
            ),
            case(fast, "70m", "FxLatency", vec![]),
        ],
    );
}

#[test]
fn a_source_silent_for_over_an_hour_is_stale_and_one_that_never_succeeded_for_an_hour_is_too() {
    // Last success at Unix second 1; at 70m, time() is 4200: 4199 s old, over 3600.
    let stale = vec![series(
        r#"dataface_fx_last_success_seconds{dataface_catalog_source_type="profiles"}"#,
        "1x80",
    )];
    // Succeeding every minute: its timestamp is the current time.
    let fresh = vec![series(
        r#"dataface_fx_last_success_seconds{dataface_catalog_source_type="profiles"}"#,
        "0+60x80",
    )];
    // Never succeeded since start: 0, not "56 years stale"; silent for the first hour,
    // then stale (nothing succeeded in an hour), with a value of 0 s.
    let never = vec![series(
        r#"dataface_fx_last_success_seconds{dataface_catalog_source_type="profiles"}"#,
        "0x80",
    )];
    let mut stale_alert = expect(
        "FxStale",
        "page",
        "context-catalog",
        "freshness",
        None,
        "1h 9m 59s",
    );
    stale_alert["exp_labels"]["dataface_catalog_source_type"] = json!("profiles");
    let mut never_alert = expect(
        "FxStale",
        "page",
        "context-catalog",
        "freshness",
        None,
        "0s",
    );
    never_alert["exp_labels"]["dataface_catalog_source_type"] = json!("profiles");
    promtool_test(
        "freshness",
        vec![
            case(stale, "70m", "FxStale", vec![stale_alert]),
            case(fresh, "70m", "FxStale", vec![]),
            case(never.clone(), "30m", "FxStale", vec![]),
            case(never, "70m", "FxStale", vec![never_alert]),
        ],
    );
}

#[test]
fn a_certificate_expiring_within_a_day_fires_and_one_a_year_away_does_not() {
    // Expires at Unix second 3600; at 20m (time() 1200) 2400 s are left.
    let soon = vec![series("dataface_fx_certificate_expiry_seconds", "3600x40")];
    let later = vec![series(
        "dataface_fx_certificate_expiry_seconds",
        "31536000x40",
    )];
    promtool_test(
        "expiry",
        vec![
            case(
                soon,
                "20m",
                "FxCertificateExpiring",
                vec![expect(
                    "FxCertificateExpiring",
                    "ticket",
                    "integrations-platform",
                    "expiry",
                    None,
                    "40m 0s",
                )],
            ),
            case(later, "20m", "FxCertificateExpiring", vec![]),
        ],
    );
}

#[test]
fn any_invalid_transition_fires_and_none_is_silent() {
    // One forbidden transition at minute 31.
    let broken = vec![series("dataface_fx_invalid_transitions_total", "0x30 1x30")];
    let fine = vec![series("dataface_fx_invalid_transitions_total", "0x60")];
    promtool_test(
        "broken",
        vec![
            case(
                broken,
                "35m",
                "FxInvalidTransition",
                vec![expect(
                    "FxInvalidTransition",
                    "page",
                    "cloud-suite",
                    "broken_state",
                    None,
                    "1",
                )],
            ),
            case(fine, "35m", "FxInvalidTransition", vec![]),
        ],
    );
}

#[test]
fn a_vanished_series_fires_after_ten_minutes_and_a_present_one_does_not() {
    let gone = vec![series("dataface_fx_other", "1x30")];
    let present = vec![series("dataface_fx_support", "1x30")];
    promtool_test(
        "absence",
        vec![
            case(
                gone,
                "15m",
                "FxSupportAbsent",
                vec![expect(
                    "FxSupportAbsent",
                    "page",
                    "core-compiler",
                    "absence",
                    None,
                    "",
                )],
            ),
            case(present, "15m", "FxSupportAbsent", vec![]),
        ],
    );
}

#[test]
fn charges_pending_for_half_an_hour_fire_and_a_drained_queue_does_not() {
    let stuck = vec![series("dataface_fx_pending", "3x40")];
    let drained = vec![series("dataface_fx_pending", "3x10 0x30")];
    promtool_test(
        "threshold",
        vec![
            case(
                stuck,
                "35m",
                "FxChargesPending",
                vec![expect(
                    "FxChargesPending",
                    "page",
                    "billing",
                    "threshold",
                    None,
                    "3",
                )],
            ),
            case(drained, "35m", "FxChargesPending", vec![]),
        ],
    );
}

/// The alerts a generated `promtool` test document judges firing, and silent.
fn judged(doc: &Value) -> (Vec<String>, Vec<String>) {
    let (mut firing, mut silent) = (Vec::new(), Vec::new());
    for test in doc["tests"].as_array().expect("a tests list") {
        for case in test["alert_rule_test"].as_array().expect("alert_rule_test") {
            let name = case["alertname"].as_str().unwrap().to_owned();
            match case["exp_alerts"].as_array() {
                Some(a) if !a.is_empty() => firing.push(name),
                _ => silent.push(name),
            }
        }
    }
    (firing, silent)
}

#[test]
fn generate_writes_a_promtool_test_for_every_product_alert_and_promtool_passes_them_all() {
    let dir = temp_dir("alert-tests");
    let product = &telemetry_ops::OPERATIONS;
    generate_package(&dir);
    let mut missing = Vec::new();
    let mut files = Vec::new();
    let mut alerts = 0;
    for section in product.catalog.sections {
        let path = dir.join(format!("alerts/tests/{}.test.yml", section.surface));
        let declared = product.alerts_of(section);
        if declared.is_empty() {
            assert!(
                !path.exists(),
                "{} has no alert but a test file",
                section.surface
            );
            continue;
        }
        let text = std::fs::read_to_string(&path)
            .unwrap_or_else(|e| panic!("generate wrote no {}: {e}", path.display()));
        let doc: Value = yaml_serde::from_str(&text).unwrap();
        let (firing, silent) = judged(&doc);
        for alert in declared {
            alerts += 1;
            if !firing.iter().any(|n| n == alert.name) {
                missing.push(format!("{}: no case where it fires", alert.name));
            }
            if !silent.iter().any(|n| n == alert.name) {
                missing.push(format!("{}: no case where it stays silent", alert.name));
            }
        }
        files.push(path);
    }
    assert!(
        missing.is_empty(),
        "alerts without tests:\n{}",
        missing.join("\n")
    );
    let watchdog = dir.join("alerts/tests/watchdog.test.yml");
    let doc: Value = yaml_serde::from_str(&std::fs::read_to_string(&watchdog).unwrap()).unwrap();
    assert_eq!(judged(&doc).0, ["Watchdog", "Watchdog"]);
    files.push(watchdog);
    let (ok, out) = run(
        "promtool",
        &[
            "check",
            "rules",
            dir.join("alerts/watchdog.rules.yml").to_str().unwrap(),
        ],
    );
    assert!(ok, "{out}");
    // Two at a time: the machine's cores.
    for pair in files.chunks(2) {
        std::thread::scope(|scope| {
            let runs: Vec<_> = pair
                .iter()
                .map(|p| {
                    scope.spawn(move || {
                        (p, run("promtool", &["test", "rules", p.to_str().unwrap()]))
                    })
                })
                .collect();
            for r in runs {
                let (path, (ok, out)) = r.join().unwrap();
                assert!(ok && out.contains("SUCCESS"), "{}:\n{out}", path.display());
            }
        });
    }
    assert!(alerts >= 40, "only {alerts} product alerts judged");
}

#[test]
fn a_missing_case_is_reported() {
    let doc = json!({"tests": [
        {"alert_rule_test": [{"alertname": "A", "exp_alerts": [{"exp_labels": {}}]}]},
        {"alert_rule_test": [{"alertname": "B", "exp_alerts": []}]},
    ]});
    let (firing, silent) = judged(&doc);
    assert_eq!(firing, ["A"]);
    assert_eq!(silent, ["B"]);
}

#[test]
fn a_generated_case_that_expects_the_wrong_value_fails_promtool() {
    let dir = temp_dir("alert-tests-wrong");
    generate_package(&dir);
    let path = dir.join("alerts/tests/compiler.test.yml");
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("window: 100%"));
    std::fs::write(&path, text.replacen("window: 100%", "window: 99%", 1)).unwrap();
    let (ok, out) = run("promtool", &["test", "rules", path.to_str().unwrap()]);
    assert!(!ok && out.contains("FAILED"), "{out}");
}

/// `amtool config routes test` for `labels`: the receivers, in order.
fn routed(config: &Path, labels: &[String]) -> Vec<String> {
    let mut args = vec![
        "config".to_owned(),
        "routes".to_owned(),
        "test".to_owned(),
        format!("--config.file={}", config.display()),
    ];
    args.extend(labels.iter().cloned());
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = Command::new(tool("amtool")).args(&args).output().unwrap();
    assert!(out.status.success(), "amtool {args:?}: {out:?}");
    String::from_utf8_lossy(&out.stdout)
        .trim()
        .split(',')
        .map(str::to_owned)
        .collect()
}

#[test]
fn amtool_routes_every_owner_and_severity_and_the_roles_to_their_receivers() {
    let owners = owners();
    let dir = temp_dir("routes-test");
    let path = dir.join("alertmanager.yml");
    std::fs::write(&path, telemetry_ops::routing::alertmanager_config(&owners)).unwrap();
    let war_room = owners
        .war_room
        .clone()
        .expect("ops/owners.txt names a war room");
    let mut cases = 0;
    for owner in telemetry_ops::OPERATIONS.catalog.owners() {
        let route = owners
            .route(owner.id)
            .unwrap_or_else(|| panic!("ops/owners.txt routes no {}", owner.id));
        for (severity, expected) in [
            ("page", vec![war_room.clone(), route.page.clone()]),
            ("ticket", vec![route.ticket.clone()]),
        ] {
            let labels = [
                format!("owner={}", owner.id),
                format!("severity={severity}"),
                "alertname=Any".to_owned(),
            ];
            assert_eq!(routed(&path, &labels), expected, "{labels:?}");
            cases += 1;
        }
    }
    assert!(cases >= 14, "{cases} owner x severity cases");
    let unknown = owners.unknown_owner.clone().unwrap();
    assert_eq!(
        routed(&path, &["owner=nobody".into(), "severity=page".into()]),
        [war_room.clone(), unknown],
        "a page of an unknown owner reaches a pager"
    );
    assert_eq!(
        routed(
            &path,
            &["alertname=Watchdog".into(), "severity=none".into()]
        ),
        [owners.watchdog.clone().unwrap()]
    );
    let ic = owners.incident_commander.clone().unwrap();
    let billing = owners.route("billing").unwrap().page.clone();
    assert_eq!(
        routed(
            &path,
            &[
                "owner=billing".into(),
                "severity=page".into(),
                "incident=declared".into()
            ]
        ),
        [war_room, ic, billing]
    );
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("send_resolved: true"));
    assert!(
        !text.contains("routing_key:") && !text.contains("api_url:"),
        "a secret is inlined:\n{text}"
    );
}

#[test]
fn an_integration_with_an_inline_secret_or_an_unknown_kind_is_refused() {
    let product = &telemetry_ops::OPERATIONS;
    let base = include_str!("../../../ops/owners.txt");
    for (line, needle) in [
        (
            "receiver billing-pager pagerduty routing_key=abc",
            "routing_key",
        ),
        (
            "receiver billing-pager pager routing_key_file=/x",
            "unknown integration kind",
        ),
        (
            "receiver billing-pager slack channel=#x",
            "needs api_url_file",
        ),
        ("war-room a b", "war-room"),
    ] {
        let err = telemetry_ops::routing::OwnersFile::parse(&format!("{base}\n{line}\n"), product)
            .unwrap_err()
            .to_string();
        assert!(err.contains(needle), "{line}: {err}");
    }
}

#[test]
fn a_hash_inside_a_value_is_kept_and_a_hash_after_whitespace_starts_a_comment() {
    let product = &telemetry_ops::OPERATIONS;
    let owners =
        telemetry_ops::routing::OwnersFile::parse(include_str!("../../../ops/owners.txt"), product)
            .unwrap();
    let config = telemetry_ops::routing::alertmanager_config(&owners);
    let parsed: serde_json::Value = yaml_serde::from_str(&config).unwrap();
    let receivers = parsed["receivers"].as_array().unwrap();
    let tickets = receivers
        .iter()
        .find(|r| r["name"] == "core-compiler-tickets")
        .expect("the core-compiler ticket receiver");
    assert_eq!(
        tickets["slack_configs"][0]["channel"], "#core-compiler-alerts",
        "the owners file's `channel=#core-compiler-alerts` reaches the routing"
    );
    // A comment after the columns is still a comment.
    let commented = include_str!("../../../ops/owners.txt").replace(
        "billing                  billing-pager                  billing-tickets",
        "billing billing-pager billing-tickets # charges that fail to record",
    );
    telemetry_ops::routing::OwnersFile::parse(&commented, product).unwrap();
}
