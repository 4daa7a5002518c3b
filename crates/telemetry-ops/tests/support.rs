//! The support model and the readiness review: ops/support.yaml validates against the
//! product and the owners file, each rule of `validate()` fails on the file broken in its
//! way, the runbooks' escalation names only roles the model defines, and `dataface-ops
//! readiness` writes five cards whose "Review cleared" follows the evidence.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::Command;
use telemetry_ops::readiness::{self, Evidence};
use telemetry_ops::routing::OwnersFile;
use telemetry_ops::support::{SupportModel, INCIDENT_COMMANDER, TEAM_ROLES};
use telemetry_ops::OPERATIONS;

const SUPPORT: &str = include_str!("../../../ops/support.yaml");

fn owners() -> OwnersFile {
    OwnersFile::parse(include_str!("../../../ops/owners.txt"), &OPERATIONS).unwrap()
}

fn support() -> SupportModel {
    SupportModel::parse(SUPPORT).unwrap()
}

/// The violations of `model`, joined.
fn violations(model: &SupportModel) -> String {
    model
        .validate(&OPERATIONS, &owners())
        .expect_err("the model breaks a rule")
        .to_string()
}

#[test]
fn the_repository_support_model_is_valid() {
    support()
        .validate(&OPERATIONS, &owners())
        .unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn an_alert_owner_missing_from_the_support_model_fails_validation() {
    let mut model = support();
    model.teams.retain(|t| t.owner != "core-compiler");
    let err = violations(&model);
    assert!(
        err.contains("owner \"core-compiler\" (alert Compiler")
            && err.contains("add `- owner: core-compiler` under teams"),
        "{err}"
    );
}

#[test]
fn an_error_code_owner_missing_from_the_support_model_fails_validation() {
    // observability-platform owns alerts and the telemetry error codes: removing its
    // team names it whichever it is found through first.
    let mut model = support();
    model.teams.retain(|t| t.owner != "observability-platform");
    let err = violations(&model);
    assert!(err.contains("owner \"observability-platform\""), "{err}");
}

#[test]
fn an_escalation_must_end_at_the_incident_commander_through_defined_roles() {
    let mut model = support();
    let team = &mut model.teams[0];
    team.escalation.pop();
    team.escalation[1].role = "vice-president".into();
    let err = violations(&model);
    assert!(
        err.contains("the escalation ends at incident-commander"),
        "{err}"
    );
    assert!(
        err.contains("role \"vice-president\" is defined nowhere"),
        "{err}"
    );
}

#[test]
fn an_escalation_whose_timeouts_do_not_grow_fails() {
    let mut model = support();
    model.teams[0].escalation[2].after_minutes = 5;
    let err = violations(&model);
    assert!(err.contains("is not later than"), "{err}");
}

#[test]
fn every_intake_names_a_known_owner_and_alert() {
    let mut model = support();
    model.intake[0].owner = "nobody".into();
    model.intake[1].check_alerts.push("NoSuchAlert".into());
    let err = violations(&model);
    assert!(err.contains("owner \"nobody\" has no team"), "{err}");
    assert!(
        err.contains("alert \"NoSuchAlert\" does not exist"),
        "{err}"
    );
}

#[test]
fn a_placeholder_must_be_explicit() {
    let text = SUPPORT.replacen("placeholder: core-compiler primary on-call", "name: TBD", 1);
    let err = violations(&SupportModel::parse(&text).unwrap());
    assert!(
        err.contains("\"TBD\" is not a name: write `placeholder:"),
        "{err}"
    );
    let both = SUPPORT.replacen(
        "{placeholder: core-compiler primary on-call}",
        "{placeholder: core-compiler primary on-call, name: Ada}",
        1,
    );
    let err = SupportModel::parse(&both).unwrap_err().to_string();
    assert!(err.contains("exactly one of them"), "{err}");
    let unknown = SUPPORT.replacen("hours: always", "hours: always\n    pager: yes", 1);
    let err = SupportModel::parse(&unknown).unwrap_err().to_string();
    assert!(err.contains("unknown field `pager`"), "{err}");
}

#[test]
fn every_task_card_is_reviewed() {
    let mut model = support();
    model.cards.retain(|c| c.card != "002");
    let err = violations(&model);
    assert!(
        err.contains("task card 002 has drill scenarios but no entry under cards"),
        "{err}"
    );
}

#[test]
fn a_team_that_pages_cannot_work_working_hours_only() {
    let text = SUPPORT.replacen("hours: always", "hours: working-hours", 1);
    let err = violations(&SupportModel::parse(&text).unwrap());
    assert!(err.contains("it owns paging alerts"), "{err}");
}

#[test]
fn every_unrehearsed_failure_mode_is_declared_with_an_owner_and_a_decision() {
    let mut model = support();
    for c in &mut model.cards {
        c.not_covered
            .retain(|n| !n.risk.starts_with("a revoked warehouse grant"));
    }
    let err = violations(&model);
    assert!(
        err.contains(
            "card 004: the failure mode \"a revoked warehouse grant (permission denied on one table)\" has no drill scenario"
        ),
        "{err}"
    );
}

#[test]
fn a_playbook_names_existing_alerts_scenarios_roles_and_every_message_channel() {
    let mut model = support();
    let p = &mut model.playbooks[0];
    p.triggers.push("NoSuchAlert".into());
    p.drill.push("no-such-scenario".into());
    p.messages.retain(|m| m.channel != "support-macro");
    let err = violations(&model);
    for needle in [
        "alert \"NoSuchAlert\" does not exist",
        "drill scenario \"no-such-scenario\" does not exist",
        "no support-macro message",
    ] {
        assert!(err.contains(needle), "{needle}: {err}");
    }
}

/// Issue 21's must-show: the runbooks' escalation sections name roles the model defines.
#[test]
fn every_runbook_escalation_names_roles_the_support_model_defines() {
    let model = support();
    let mut defined: BTreeSet<String> = TEAM_ROLES.iter().map(|r| (*r).to_owned()).collect();
    defined.insert(INCIDENT_COMMANDER.into());
    defined.extend(model.roles.keys().cloned());
    let package = telemetry_ops::package(
        &OPERATIONS,
        &owners(),
        &model,
        &telemetry_ops::rules::RunbookLinks {
            base: "runbooks".into(),
        },
    );
    let mut runbooks = 0;
    for (path, text) in package.iter().filter(|(p, _)| p.starts_with("runbooks")) {
        runbooks += 1;
        let escalate = text
            .split("## Escalate")
            .nth(1)
            .and_then(|s| s.split("## Communicate").next())
            .unwrap_or_else(|| panic!("{}: no Escalate section", path.display()));
        let roles: Vec<&str> = escalate
            .lines()
            .filter(|l| l.starts_with("| ") && l.contains(" min |"))
            .map(|l| l.split('|').nth(2).unwrap().trim())
            .collect();
        assert!(
            roles.len() >= 4,
            "{}: the escalation table is missing",
            path.display()
        );
        for r in &roles {
            assert!(
                defined.contains(*r),
                "{}: role {r} is undefined",
                path.display()
            );
        }
        assert_eq!(
            roles.last(),
            Some(&INCIDENT_COMMANDER),
            "{}",
            path.display()
        );
        let communicate = text.split("## Communicate").nth(1).unwrap();
        assert!(
            !communicate.contains("has no team"),
            "{}: no communication",
            path.display()
        );
    }
    assert!(runbooks >= 50, "{runbooks} runbooks");
}

#[test]
fn escalation_policies_follow_the_escalation_with_each_step_delay() {
    let policies = support().escalation_policies();
    let compiler = policies["escalation_policies"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["owner"] == "core-compiler")
        .unwrap();
    let rules = compiler["escalation_rules"].as_array().unwrap();
    let delays: Vec<Option<u64>> = rules
        .iter()
        .map(|r| r["escalation_delay_in_minutes"].as_u64())
        .collect();
    assert_eq!(delays, [Some(10), Some(10), Some(10), None]);
    assert_eq!(rules[3]["targets"][0]["role"], INCIDENT_COMMANDER);
}

/// A drill report in which every scenario of the table passed.
fn green_drill() -> serde_json::Value {
    serde_json::json!({
        "passed": true,
        "scenarios": telemetry_ops::drill::scenarios::SCENARIOS
            .iter()
            .map(|s| serde_json::json!({"name": s.name, "passed": true}))
            .collect::<Vec<_>>(),
    })
}

fn contract() -> serde_json::Value {
    serde_json::from_str(include_str!("../../../ops/catalog.json")).unwrap()
}

fn review(model: &SupportModel, drill: Option<serde_json::Value>) -> readiness::Readiness {
    readiness::review(&Evidence {
        product: &OPERATIONS,
        owners: &owners(),
        support: model,
        contract: Some(contract()),
        drill,
        drill_path: PathBuf::from("drill.json"),
    })
}

/// The repository's model with every seat staffed and every gap accepted by a name.
fn staffed() -> SupportModel {
    let text = SUPPORT
        .replace("placeholder:", "name:")
        .replace("decision: close", "decision: accept");
    SupportModel::parse(&text).unwrap()
}

#[test]
fn a_staffed_model_with_a_green_full_drill_clears_every_card() {
    let r = review(&staffed(), Some(green_drill()));
    assert_eq!(r.cards.len(), 5);
    for c in &r.cards {
        assert!(c.review_cleared, "card {}: {:#?}", c.card, c.blockers);
        assert!(c.steps.iter().all(|s| s.satisfied), "card {}", c.card);
    }
    assert!(r.go_no_go.iter().all(|i| i.satisfied), "{:#?}", r.go_no_go);
}

#[test]
fn review_cleared_follows_the_evidence() {
    // The repository's placeholders hold every card back, naming the seats.
    let r = review(&support(), Some(green_drill()));
    for c in &r.cards {
        assert!(!c.review_cleared, "card {}", c.card);
        assert!(
            c.blockers.iter().any(|b| b.contains("named owners")),
            "card {}: {:#?}",
            c.card,
            c.blockers
        );
    }
    // A failed scenario holds back its card only (and the go/no-go of all).
    let mut drill = green_drill();
    drill["passed"] = false.into();
    for s in drill["scenarios"].as_array_mut().unwrap() {
        if s["name"] == "profiler-report-failing" {
            s["passed"] = false.into();
        }
    }
    let r = review(&staffed(), Some(drill));
    let profiler = r.cards.iter().find(|c| c.card == "004").unwrap();
    let risk = profiler
        .risks
        .iter()
        .find(|x| x.alert == "ProfilerReportErrorBudgetBurn")
        .unwrap();
    assert_eq!(risk.status, readiness::RiskStatus::DrillFailed);
    assert!(!profiler.review_cleared);
    // A subset drill is not the full drill.
    let mut subset = green_drill();
    subset["scenarios"].as_array_mut().unwrap().truncate(7);
    let r = review(&staffed(), Some(subset));
    let drill_item = r
        .go_no_go
        .iter()
        .find(|i| i.item.contains("drill"))
        .unwrap();
    assert!(!drill_item.satisfied && drill_item.evidence.contains("a subset"));
    // No drill at all.
    let r = review(&staffed(), None);
    assert!(r.cards.iter().all(|c| !c.review_cleared));
    // A contract the catalog no longer equals.
    let mut old = contract();
    old["version"] = "0.0.1".into();
    old["sections"][1]["metrics"]
        .as_array_mut()
        .unwrap()
        .remove(0);
    let r = readiness::review(&Evidence {
        product: &OPERATIONS,
        owners: &owners(),
        support: &staffed(),
        contract: Some(old),
        drill: Some(green_drill()),
        drill_path: PathBuf::from("drill.json"),
    });
    let item = r
        .go_no_go
        .iter()
        .find(|i| i.item.contains("contract diff"))
        .unwrap();
    assert!(!item.satisfied, "{}", item.evidence);
}

#[test]
fn every_risk_has_signal_alert_owner_runbook_and_drill_or_an_acceptance() {
    let r = review(&support(), Some(green_drill()));
    for c in &r.cards {
        assert!(
            !c.risks.is_empty() && !c.dependencies.is_empty(),
            "card {}",
            c.card
        );
        for x in &c.risks {
            if x.alert.is_empty() {
                assert!(
                    !x.decision.is_empty() && !x.owner.is_empty(),
                    "card {}: {x:?}",
                    c.card
                );
            } else {
                assert!(
                    !x.signals.is_empty()
                        && !x.owner.is_empty()
                        && x.runbook.starts_with("runbooks/")
                        && !x.drill.is_empty(),
                    "card {}: {x:?}",
                    c.card
                );
            }
        }
    }
}

#[test]
fn the_post_release_verification_is_valid_promql() {
    let p = readiness::post_release(&OPERATIONS);
    for (what, expr) in [
        ("ratio", p.ratio_by_release.clone()),
        ("compiles", p.compiles_by_release.clone()),
        (
            "rollback",
            p.rollback_when
                .replace("$NEW", "2.4.0")
                .replace("$PREVIOUS", "2.3.1"),
        ),
    ] {
        promql_parser::parser::parse(&expr).unwrap_or_else(|e| panic!("{what}: {e}\n{expr}"));
    }
    assert!(p.ratio_by_release.contains("dataface_compiler_version"));
}

/// Issue 21's must-show: the CLI writes readiness.json with five cards.
#[test]
fn dataface_ops_readiness_writes_five_cards() {
    let dir = std::env::temp_dir().join(format!("dataface-readiness-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let drill = dir.join("drill.json");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(&drill, green_drill().to_string()).unwrap();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let out = Command::new(env!("CARGO_BIN_EXE_dataface-ops"))
        .current_dir(&root)
        .args(["readiness", "--out"])
        .arg(dir.join("review"))
        .arg("--drill")
        .arg(&drill)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("review/readiness.json")).unwrap())
            .unwrap();
    let cards = json["cards"].as_array().unwrap();
    assert_eq!(cards.len(), 5);
    for c in cards {
        assert!(c["review_cleared"].is_boolean());
        assert_eq!(c["steps"].as_array().unwrap().len(), 4);
        for r in c["risks"].as_array().unwrap() {
            assert!(r["owner"].as_str().is_some_and(|o| !o.is_empty()), "{r}");
        }
    }
    let html = std::fs::read_to_string(dir.join("review/readiness.html")).unwrap();
    assert!(!html.contains("src=") && !html.contains("<link"));
    let md = std::fs::read_to_string(dir.join("review/readiness.md")).unwrap();
    assert!(md.contains("## Compiler post-release verification"));
    assert!(md.contains("### A bad core release"));
    assert_eq!(stdout.matches("review NOT cleared").count(), 5, "{stdout}");
    let _ = std::fs::remove_dir_all(&dir);
}

/// A support file that is not UTF-8, not YAML, or misses a field is refused with exit 2 and
/// a message naming the file and what is wrong, by every command that reads it.
#[test]
fn a_broken_support_file_is_refused_naming_the_file() {
    let dir = std::env::temp_dir().join(format!("dataface-support-bad-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..");
    let cases: [(&str, &[u8], &str); 3] = [
        (
            "latin1.yaml",
            b"teams:\n  - owner: \xff\xfe\n",
            "valid UTF-8",
        ),
        ("flow.yaml", b"teams: [\n", "line 2 column 1"),
        (
            "empty.yaml",
            b"incident_commander: []\n",
            "missing field `teams`",
        ),
    ];
    for (file, bytes, says) in cases {
        let path = dir.join(file);
        std::fs::write(&path, bytes).unwrap();
        for command in ["readiness", "runbooks", "generate"] {
            let out = Command::new(env!("CARGO_BIN_EXE_dataface-ops"))
                .current_dir(&root)
                .arg(command)
                .args(["--out", dir.join("out").to_str().unwrap()])
                .arg("--support")
                .arg(&path)
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{command} {file}: {stderr}");
            assert!(
                stderr.contains(file) && stderr.contains(says) && !stderr.contains("panicked"),
                "{command} {file}: {stderr}"
            );
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}
