//! The readiness review of each task card: its risk register, the go/no-go checklist, the
//! launch-day shift checklists, the compiler's post-release verification and a computed
//! "Review cleared".
//!
//! Every row is computed from evidence: the product's alerts and their owners, the support
//! model ([`crate::support`]), the generated package (runbooks, dashboards, routing), the
//! committed contract (`ops/catalog.json`) and the last drill report (`drill.json`). A card
//! is cleared when every risk of its register is covered (an alert whose owner has a team,
//! a runbook, and a drill scenario that passed in the last full drill) or accepted by a
//! named person, its rotations hold no placeholder, and every go/no-go item holds.

use crate::alert::AlertSpec;
use crate::alert_tests::{self, CaseKind};
use crate::drill::report::esc;
use crate::drill::scenarios::SCENARIOS;
use crate::objective::Objective;
use crate::promql::{self, Scope};
use crate::routing::OwnersFile;
use crate::support::{GapDecision, SupportModel};
use crate::Product;
use serde::Serialize;
use std::collections::BTreeSet;
use std::path::PathBuf;

/// The card's plan steps, in the cards' words.
pub const PLAN_STEPS: [&str; 4] = [
    "List the launch-day risks, including failure modes, ownership gaps, and dependencies on adjacent teams or systems.",
    "Write the required runbooks and operating checklists covering monitoring, escalation, rollback, and communication.",
    "Confirm the launch support model with named owners and the minimal dashboards, logs, or review artifacts they need.",
    "Run a tabletop or rehearsal pass and update the plan anywhere the team still relies on tribal knowledge.",
];

/// What the review is computed from.
#[derive(Debug, Clone)]
pub struct Evidence<'a> {
    /// The product.
    pub product: &'a Product,
    /// The owners file (routing).
    pub owners: &'a OwnersFile,
    /// The support model.
    pub support: &'a SupportModel,
    /// The committed contract (`ops/catalog.json`), if read.
    pub contract: Option<serde_json::Value>,
    /// The last drill report (`drill.json`), if one exists.
    pub drill: Option<serde_json::Value>,
    /// Where the drill report was looked for (named in the evidence).
    pub drill_path: PathBuf,
}

/// One checklist item and whether the evidence satisfies it.
#[derive(Debug, Clone, Serialize)]
pub struct Item {
    /// What must hold.
    pub item: String,
    /// Whether it holds.
    pub satisfied: bool,
    /// What was looked at, and what was found.
    pub evidence: String,
}

/// One drill scenario's last result.
#[derive(Debug, Clone, Serialize)]
pub struct DrillResult {
    /// The scenario.
    pub scenario: String,
    /// `passed`, `failed` or `not run`.
    pub result: String,
}

/// One row of a risk register.
#[derive(Debug, Clone, Serialize)]
pub struct Risk {
    /// The failure mode.
    pub failure_mode: String,
    /// The metrics that see it (empty for a declared gap).
    pub signals: Vec<String>,
    /// The alert (empty for a declared gap).
    pub alert: String,
    /// `page`, `ticket`, or empty.
    pub severity: String,
    /// The owner team.
    pub owner: String,
    /// The runbook (package path).
    pub runbook: String,
    /// The drill scenarios that rehearse it and their last results.
    pub drill: Vec<DrillResult>,
    /// Where it stands.
    pub status: RiskStatus,
    /// For a declared gap: why, and who decided.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub decision: String,
}

/// Where a risk stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(into = "&'static str")]
pub enum RiskStatus {
    /// Its drill scenarios passed in the last drill or, where no scenario injects it, the
    /// generated promtool test has its cases.
    Covered,
    /// A declared gap accepted by a named person.
    Accepted,
    /// A declared gap accepted by a placeholder seat.
    AcceptedByPlaceholder,
    /// A declared gap to close before launch.
    ToClose,
    /// Its owner has no team in the support model.
    NoTeam,
    /// A scenario injects it, but the last drill did not run it.
    DrillNotRun,
    /// A scenario that injects it failed in the last drill.
    DrillFailed,
    /// Neither a drill scenario nor a promtool case proves it.
    Unproven,
}

impl RiskStatus {
    /// The status as the review prints it.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Covered => "covered",
            Self::Accepted => "accepted",
            Self::AcceptedByPlaceholder => "acceptance by a placeholder",
            Self::ToClose => "to close",
            Self::NoTeam => "no team",
            Self::DrillNotRun => "drill not run",
            Self::DrillFailed => "drill failed",
            Self::Unproven => "no drill scenario and no promtool case",
        }
    }
}

impl From<RiskStatus> for &'static str {
    fn from(s: RiskStatus) -> Self {
        s.as_str()
    }
}

impl std::fmt::Display for RiskStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Risk {
    /// Whether the risk does not hold the review back.
    pub fn clears(&self) -> bool {
        matches!(self.status, RiskStatus::Covered | RiskStatus::Accepted)
    }
}

/// A card's dependency on an adjacent team or system.
#[derive(Debug, Clone, Serialize)]
pub struct DependencyRow {
    /// The team or system.
    pub on: String,
    /// What breaks.
    pub impact: String,
    /// The alerts that see it.
    pub watched_by: Vec<String>,
}

/// One plan step of a card with its evidence.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// The step, in the card's words.
    pub step: String,
    /// Whether the evidence satisfies it.
    pub satisfied: bool,
    /// The evidence.
    pub evidence: Vec<String>,
}

/// One task card's review.
#[derive(Debug, Clone, Serialize)]
pub struct CardReview {
    /// `000` ... `004`.
    pub card: String,
    /// The card's subject.
    pub title: String,
    /// Its catalog surfaces.
    pub surfaces: Vec<String>,
    /// The owner teams of its alerts.
    pub owners: Vec<String>,
    /// The four plan steps.
    pub steps: Vec<Step>,
    /// The risk register.
    pub risks: Vec<Risk>,
    /// The dependency map.
    pub dependencies: Vec<DependencyRow>,
    /// The playbooks that concern it.
    pub playbooks: Vec<String>,
    /// What holds the review back (empty when cleared).
    pub blockers: Vec<String>,
    /// "Review cleared", computed.
    pub review_cleared: bool,
}

/// One owner's launch-day shift checklist.
#[derive(Debug, Clone, Serialize)]
pub struct Shift {
    /// The owner team.
    pub owner: String,
    /// At the start of the shift.
    pub start: Vec<String>,
    /// During it.
    pub during: Vec<String>,
    /// At hand-off.
    pub handoff: Vec<String>,
}

/// The compiler's post-release verification.
#[derive(Debug, Clone, Serialize)]
pub struct PostRelease {
    /// The objective it reads.
    pub alert: String,
    /// Error ratio per compiler release over the last 30 minutes.
    pub ratio_by_release: String,
    /// Compiles per release over the same window (the volume the decision needs).
    pub compiles_by_release: String,
    /// The rollback decision, as a PromQL condition over `$NEW` and `$PREVIOUS`.
    pub rollback_when: String,
    /// The rule in words.
    pub rule: String,
    /// The steps.
    pub steps: Vec<String>,
}

/// The whole review.
#[derive(Debug, Clone, Serialize)]
pub struct Readiness {
    /// The pre-launch go/no-go checklist.
    pub go_no_go: Vec<Item>,
    /// One review per task card.
    pub cards: Vec<CardReview>,
    /// One shift checklist per owner team.
    pub shifts: Vec<Shift>,
    /// The compiler's post-release verification.
    pub post_release: PostRelease,
    /// The support model the review read (playbooks and message templates included).
    pub support: SupportModel,
}

/// The drill's last result of `scenario`, from `drill.json`.
fn drill_result(drill: Option<&serde_json::Value>, scenario: &str) -> String {
    let Some(d) = drill else {
        return "not run".into();
    };
    d["scenarios"]
        .as_array()
        .into_iter()
        .flatten()
        .find(|s| s["name"] == scenario)
        .map_or("not run".into(), |s| {
            if s["passed"] == true {
                "passed"
            } else {
                "failed"
            }
            .into()
        })
}

/// The generated package, by path.
type Package = Vec<(PathBuf, String)>;

/// Whether the generated promtool test of `surface` has a case expecting `alert` to fire.
fn promtool_tested(surface: &str, alert: &'static AlertSpec) -> bool {
    let links = crate::rules::RunbookLinks {
        base: "runbooks".into(),
    };
    alert_tests::cases(surface, alert, &links)
        .iter()
        .any(|c| c.kind == CaseKind::Firing)
}

fn alert_risk(alert: &'static AlertSpec, surface: &str, e: &Evidence<'_>) -> Risk {
    let drill: Vec<DrillResult> = SCENARIOS
        .iter()
        .filter(|s| s.expected.contains(&alert.name))
        .map(|s| DrillResult {
            scenario: s.name.into(),
            result: drill_result(e.drill.as_ref(), s.name),
        })
        .collect();
    let status = if e.support.team(alert.owner.id).is_none() {
        RiskStatus::NoTeam
    } else if drill.is_empty() && promtool_tested(surface, alert) {
        // No card's failure mode injects it live; its rule is proven by the generated
        // promtool test (firing, silent and edge cases), which CI runs.
        RiskStatus::Covered
    } else if drill.is_empty() {
        RiskStatus::Unproven
    } else if drill.iter().all(|d| d.result == "passed") {
        RiskStatus::Covered
    } else if drill.iter().any(|d| d.result == "failed") {
        RiskStatus::DrillFailed
    } else {
        RiskStatus::DrillNotRun
    };
    let mut drill = drill;
    if drill.is_empty() {
        drill.push(DrillResult {
            scenario: format!("none: promtool cases in alerts/tests/{surface}.test.yml"),
            result: if status == RiskStatus::Covered {
                "case generated (CI runs promtool on it)"
            } else {
                "missing"
            }
            .into(),
        });
    }
    let mut signals: Vec<String> = alert
        .objective
        .metrics()
        .map(|m| m.name.to_owned())
        .collect();
    signals.dedup();
    Risk {
        failure_mode: alert.summary.into(),
        signals,
        alert: alert.name.into(),
        severity: if alert.objective.is_burn_rate() {
            "page (fast burn), ticket (slow burn)".into()
        } else {
            alert.severity.as_str().into()
        },
        owner: alert.owner.id.into(),
        runbook: format!("runbooks/{surface}/{}.md", alert.name),
        drill,
        status,
        decision: String::new(),
    }
}

/// The review, computed from `e`.
pub fn review(e: &Evidence<'_>) -> Readiness {
    let package = crate::package(
        e.product,
        e.owners,
        e.support,
        &crate::rules::RunbookLinks {
            base: "runbooks".into(),
        },
    );
    let go_no_go = go_no_go(e, &package);
    let global_ok = go_no_go.iter().all(|i| i.satisfied);
    let cards = e
        .support
        .cards
        .iter()
        .map(|c| card_review(c, e, &go_no_go, global_ok))
        .collect();
    Readiness {
        go_no_go,
        cards,
        shifts: shifts(e),
        post_release: post_release(e.product),
        support: e.support.clone(),
    }
}

fn card_review(
    c: &crate::support::CardRisks,
    e: &Evidence<'_>,
    go: &[Item],
    global_ok: bool,
) -> CardReview {
    let mut risks = Vec::new();
    for surface in e.product.surfaces {
        if !c.surfaces.iter().any(|s| s == surface.section.surface) {
            continue;
        }
        for a in surface.alerts {
            risks.push(alert_risk(a, surface.section.surface, e));
        }
    }
    for n in &c.not_covered {
        let drill = SCENARIOS
            .iter()
            .filter(|s| s.failure == n.risk)
            .map(|s| DrillResult {
                scenario: s.name.into(),
                result: drill_result(e.drill.as_ref(), s.name),
            })
            .collect();
        let status = match n.decision {
            GapDecision::Accept if n.decided_by.is_named() => RiskStatus::Accepted,
            GapDecision::Accept => RiskStatus::AcceptedByPlaceholder,
            GapDecision::Close => RiskStatus::ToClose,
        };
        risks.push(Risk {
            failure_mode: n.risk.clone(),
            signals: Vec::new(),
            alert: String::new(),
            severity: String::new(),
            owner: n.owner.clone(),
            runbook: String::new(),
            drill,
            status,
            decision: format!(
                "{} by {}: {}",
                match n.decision {
                    GapDecision::Accept => "accepted",
                    GapDecision::Close => "to be closed before launch",
                },
                n.decided_by.label(),
                n.reason
            ),
        });
    }
    let owners: BTreeSet<String> = risks.iter().map(|r| r.owner.clone()).collect();
    let placeholders: Vec<String> = owners
        .iter()
        .flat_map(|o| e.support.placeholders(o))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    let scenarios: Vec<DrillResult> = SCENARIOS
        .iter()
        .filter(|s| s.card == c.card)
        .map(|s| DrillResult {
            scenario: s.name.into(),
            result: drill_result(e.drill.as_ref(), s.name),
        })
        .collect();
    let playbooks: Vec<String> = e
        .support
        .playbooks
        .iter()
        .filter(|p| p.cards.contains(&c.card))
        .map(|p| p.name.clone())
        .collect();
    let open: Vec<&Risk> = risks.iter().filter(|r| !r.clears()).collect();
    let runbooks = risks.iter().filter(|r| !r.runbook.is_empty()).count();
    let drilled = scenarios.iter().filter(|s| s.result == "passed").count();
    let steps = vec![
        Step {
            step: PLAN_STEPS[0].into(),
            satisfied: open.iter().all(|r| r.status != RiskStatus::NoTeam),
            evidence: vec![
                format!(
                    "{} risks: {} from alerts, {} declared gaps; {} dependencies mapped",
                    risks.len(),
                    risks.iter().filter(|r| !r.alert.is_empty()).count(),
                    c.not_covered.len(),
                    c.dependencies.len()
                ),
                format!(
                    "ownership gaps: {}",
                    risks.iter().filter(|r| r.status == RiskStatus::NoTeam).count()
                ),
            ],
        },
        Step {
            step: PLAN_STEPS[1].into(),
            satisfied: !playbooks.is_empty() && runbooks > 0,
            evidence: vec![
                format!("{runbooks} generated runbooks (escalation and communication from ops/support.yaml)"),
                format!("playbooks: {}", playbooks.join(", ")),
                "checklists: go/no-go, a shift checklist per owner, the compiler's post-release verification".into(),
            ],
        },
        Step {
            step: PLAN_STEPS[2].into(),
            satisfied: placeholders.is_empty(),
            evidence: vec![
                format!(
                    "owners: {}; dashboards: {}",
                    owners.iter().cloned().collect::<Vec<_>>().join(", "),
                    c.surfaces
                        .iter()
                        .map(|s| format!("dashboards/{s}.json"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                if placeholders.is_empty() {
                    "every seat is staffed".into()
                } else {
                    format!("placeholder seats: {}", placeholders.join("; "))
                },
            ],
        },
        Step {
            step: PLAN_STEPS[3].into(),
            satisfied: !scenarios.is_empty() && drilled == scenarios.len(),
            evidence: vec![format!(
                "{drilled}/{} drill scenarios passed in {}",
                scenarios.len(),
                if e.drill.is_some() {
                    e.drill_path.display().to_string()
                } else {
                    format!("no drill report at {}", e.drill_path.display())
                }
            )],
        },
    ];
    let mut blockers: Vec<String> = open
        .iter()
        .map(|r| {
            format!(
                "risk {:?} ({}): {}",
                r.failure_mode,
                if r.alert.is_empty() {
                    "declared"
                } else {
                    &r.alert
                },
                r.status
            )
        })
        .collect();
    for s in steps.iter().filter(|s| !s.satisfied) {
        blockers.push(format!("plan step not satisfied: {}", s.step));
    }
    if !global_ok {
        for i in go.iter().filter(|i| !i.satisfied) {
            blockers.push(format!("go/no-go: {}", i.item));
        }
    }
    CardReview {
        card: c.card.clone(),
        title: c.title.clone(),
        surfaces: c.surfaces.clone(),
        owners: owners.into_iter().collect(),
        steps,
        risks,
        dependencies: c
            .dependencies
            .iter()
            .map(|d| DependencyRow {
                on: d.on.clone(),
                impact: d.impact.clone(),
                watched_by: d.watched_by.clone(),
            })
            .collect(),
        playbooks,
        review_cleared: blockers.is_empty(),
        blockers,
    }
}

fn go_no_go(e: &Evidence<'_>, package: &Package) -> Vec<Item> {
    let mut items = Vec::new();
    let support = e.support.validate(e.product, e.owners);
    items.push(Item {
        item: "The support model is valid (every owner has a team, escalations end at a defined role, every intake names an owner)".into(),
        satisfied: support.is_ok(),
        evidence: support.map_or_else(|v| v.to_string(), |()| "ops/support.yaml: no violation".into()),
    });
    let contract = match &e.contract {
        None => (false, "ops/catalog.json could not be read".to_owned()),
        Some(old) => {
            let new: serde_json::Value =
                serde_json::from_str(&crate::json::catalog_json(e.product))
                    .expect("the catalog JSON parses");
            match crate::diff::diff(old, &new) {
                Ok(d) if d.changes.is_empty() => (true, "ops/catalog.json matches the catalog: no unreviewed change".into()),
                Ok(d) => (false, format!("{} change(s) not committed to ops/catalog.json: run `dataface-ops diff` and commit the contract", d.changes.len())),
                Err(err) => (false, err.to_string()),
            }
        }
    };
    items.push(Item {
        item: "The contract diff is clean (the catalog equals the reviewed ops/catalog.json)"
            .into(),
        satisfied: contract.0,
        evidence: contract.1,
    });
    let (drill_ok, drill_evidence) = match &e.drill {
        None => (
            false,
            format!(
                "no drill report at {}: run `dataface-ops drill --out DIR`",
                e.drill_path.display()
            ),
        ),
        Some(d) => {
            let ran: BTreeSet<&str> = d["scenarios"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|s| s["name"].as_str())
                .collect();
            let missing = SCENARIOS.iter().filter(|s| !ran.contains(s.name)).count();
            let passed = d["passed"] == true;
            (
                passed && missing == 0,
                format!(
                    "{}: {}, {} of {} scenarios ran{}",
                    e.drill_path.display(),
                    if passed { "passed" } else { "FAILED" },
                    ran.len(),
                    SCENARIOS.len(),
                    if missing > 0 {
                        " (a subset: the review needs the full drill)"
                    } else {
                        ""
                    }
                ),
            )
        }
    };
    items.push(Item {
        item: "The full launch drill is green".into(),
        satisfied: drill_ok,
        evidence: drill_evidence,
    });
    let wired: BTreeSet<&str> = e
        .owners
        .integrations
        .iter()
        .map(|i| i.receiver.as_str())
        .collect();
    let mut receivers: BTreeSet<&str> = e
        .owners
        .routes
        .iter()
        .flat_map(|r| [r.page.as_str(), r.ticket.as_str()])
        .collect();
    receivers.extend(
        [
            &e.owners.incident_commander,
            &e.owners.war_room,
            &e.owners.watchdog,
        ]
        .into_iter()
        .flatten()
        .map(String::as_str),
    );
    let unwired: Vec<&str> = receivers
        .iter()
        .copied()
        .filter(|r| !wired.contains(r))
        .collect();
    items.push(Item {
        item: "Every receiver is wired to an integration (pager, chat, e-mail or webhook), with the incident commander, war room and dead man's switch".into(),
        satisfied: unwired.is_empty()
            && e.owners.incident_commander.is_some()
            && e.owners.war_room.is_some()
            && e.owners.watchdog.is_some(),
        evidence: if unwired.is_empty() {
            format!("{} receivers, each with an integration (ops/owners.txt)", receivers.len())
        } else {
            format!("without an integration: {}", unwired.join(", "))
        },
    });
    let dashboards: Vec<&PathBuf> = package
        .iter()
        .map(|(p, _)| p)
        .filter(|p| p.starts_with("dashboards"))
        .collect();
    let without: Vec<&str> = e
        .product
        .surfaces
        .iter()
        .map(|s| s.section.surface)
        .filter(|s| !dashboards.iter().any(|p| p.ends_with(format!("{s}.json"))))
        .collect();
    items.push(Item {
        item: "A dashboard is generated for every surface, and the launch overview".into(),
        satisfied: without.is_empty()
            && dashboards
                .iter()
                .any(|p| p.ends_with("launch-overview.json")),
        evidence: format!(
            "{} dashboards generated; surfaces without one: {}",
            dashboards.len(),
            if without.is_empty() {
                "none".into()
            } else {
                without.join(", ")
            }
        ),
    });
    let ic: Vec<String> = e
        .support
        .incident_commander
        .iter()
        .filter(|p| !p.is_named())
        .map(|p| p.label())
        .collect();
    items.push(Item {
        item: "The incident-commander rotation is staffed".into(),
        satisfied: ic.is_empty() && !e.support.incident_commander.is_empty(),
        evidence: if ic.is_empty() {
            format!("{} people", e.support.incident_commander.len())
        } else {
            format!("placeholders: {}", ic.join("; "))
        },
    });
    items
}

fn shifts(e: &Evidence<'_>) -> Vec<Shift> {
    e.support
        .teams
        .iter()
        .map(|t| {
            let surfaces: BTreeSet<&str> = e
                .product
                .surfaces
                .iter()
                .filter(|s| s.alerts.iter().any(|a| a.owner.id == t.owner))
                .map(|s| s.section.surface)
                .collect();
            let pages: Vec<&str> = e
                .product
                .alerts()
                .filter(|a| a.owner.id == t.owner && (a.objective.is_burn_rate() || a.severity.as_str() == "page"))
                .map(|a| a.name)
                .collect();
            let ack = t.escalation.get(1).map_or(0, |s| s.after_minutes);
            let route = e.owners.route(&t.owner);
            Shift {
                owner: t.owner.clone(),
                start: vec![
                    format!("Hold the {} primary pager: send a test page to `{}` and acknowledge it.", t.owner, route.map_or("(no route)", |r| r.page.as_str())),
                    format!("Open the dashboards: {} and the launch overview.", surfaces.iter().map(|s| format!("dashboards/{s}.json")).collect::<Vec<_>>().join(", ")),
                    format!("List what already fires: `amtool alert query owner={}`; read the hand-off note.", t.owner),
                    format!("Join {} and the launch war room.", t.communication.channel),
                ],
                during: vec![
                    format!("Acknowledge a page within {ack} minutes: after that it escalates to {}.", t.escalation.get(1).map_or("nobody", |s| s.role.as_str())),
                    format!("First update in {} within {} minutes of a page, then every {} minutes; {} approves what users are told.", t.communication.channel, t.communication.first_update_minutes, t.communication.every_minutes, t.communication.approves),
                    format!("The alerts that page: {}. Each links its runbook.", pages.join(", ")),
                    "More than one surface or owner affected, or users unable to work: page the incident commander (label incident=\"declared\").".into(),
                ],
                handoff: vec![
                    "Write the hand-off note: open incidents, silences and when they expire, tickets taken.".into(),
                    "Expire silences nobody owns any more.".into(),
                    "Record anything done from memory instead of a runbook: it becomes a runbook change.".into(),
                ],
            }
        })
        .collect()
}

/// The compiler's post-release verification, from its compile objective.
pub fn post_release(product: &Product) -> PostRelease {
    let alert = product
        .alerts()
        .find(|a| a.name == "CompilerCompileErrorBudgetBurn")
        .expect("the compiler's compile objective exists");
    let Objective::ErrorRatio(r) = &alert.objective else {
        panic!("CompilerCompileErrorBudgetBurn is an error-ratio objective");
    };
    let by = Scope::By("dataface.compiler.version").labels();
    let label = &by[0];
    let ratio = format!(
        "{}\n/\n{}",
        promql::events_rate(&r.bad, "30m", &by),
        promql::events_rate(&r.total, "30m", &by)
    );
    let compiles = promql::events_increase(&r.total, "30m", &by);
    let budget = 1.0 - r.target;
    let of = |e: &crate::objective::Events, f: &str, v: &str| {
        format!(
            "sum({f}({}{}[30m]))",
            promql::event_series(e.metric),
            promql::selector(e.matchers, &[(label.as_str(), "=", v.to_owned())])
        )
    };
    let release_ratio =
        |v: &str| format!("({} / {})", of(&r.bad, "rate", v), of(&r.total, "rate", v));
    let rollback_when = format!(
        "{new}
  > 2 * {prev}
and
{new}
  > {budget}
and
{volume} >= {min}",
        new = release_ratio("$NEW"),
        prev = release_ratio("$PREVIOUS"),
        budget = promql::trim_float(budget),
        volume = of(&r.total, "increase", "$NEW"),
        min = r.min_events,
    );
    PostRelease {
        alert: alert.name.into(),
        ratio_by_release: ratio,
        compiles_by_release: compiles,
        rollback_when,
        rule: format!(
            "Thirty minutes after the new release takes a share of traffic, with at least {} compiles on it and the previous release still serving the rest: roll back when its error ratio is at least twice the previous release's and above the objective's budget ({}%). Otherwise keep it and watch the burn-rate alert.",
            r.min_events,
            promql::trim_float(budget * 100.0)
        ),
        steps: vec![
            "Before the release: note the previous release's error ratio (ratio_by_release) and its compile volume.".into(),
            "Release to a first share of traffic; wait 30 minutes or until the new release has the minimum compile count.".into(),
            "Evaluate rollback_when with $NEW and $PREVIOUS replaced by the release versions: a result means roll back (the playbook bad-core-release).".into(),
            "No result: widen the release; repeat at full traffic.".into(),
        ],
    }
}

/// The review as Markdown (template `templates/readiness.md`).
pub fn markdown(r: &Readiness) -> String {
    #[derive(Serialize)]
    struct View<'a> {
        r: &'a Readiness,
        /// The risks that hold each card back, by card.
        open: Vec<usize>,
    }
    let open = r
        .cards
        .iter()
        .map(|c| c.risks.iter().filter(|x| !x.clears()).count())
        .collect();
    crate::templates::render(crate::templates::READINESS, &View { r, open })
}

/// The review as a self-contained HTML page (the Markdown's content, no network).
pub fn html(r: &Readiness) -> String {
    let mut out = String::from("<!doctype html><meta charset=\"utf-8\"><title>Launch readiness review</title><style>body{font:14px sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px;vertical-align:top}.no{color:#b00}.yes{color:#070}</style><h1>Launch readiness review</h1><table><tr><th>card</th><th>title</th><th>review cleared</th><th>risks</th><th>open</th></tr>");
    for c in &r.cards {
        out.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td class=\"{}\">{}</td><td>{}</td><td>{}</td></tr>",
            esc(&c.card),
            esc(&c.title),
            if c.review_cleared { "yes" } else { "no" },
            if c.review_cleared {
                "cleared"
            } else {
                "not cleared"
            },
            c.risks.len(),
            c.risks.iter().filter(|x| !x.clears()).count()
        ));
    }
    out.push_str("</table><h2>Go / no-go</h2><ul>");
    for i in &r.go_no_go {
        out.push_str(&format!(
            "<li class=\"{}\">{}: {}</li>",
            if i.satisfied { "yes" } else { "no" },
            esc(&i.item),
            esc(&i.evidence)
        ));
    }
    out.push_str("</ul>");
    for c in &r.cards {
        out.push_str(&format!(
            "<h2>Card {}: {}</h2><ul>",
            esc(&c.card),
            esc(&c.title)
        ));
        for s in &c.steps {
            out.push_str(&format!(
                "<li class=\"{}\">{}<ul>{}</ul></li>",
                if s.satisfied { "yes" } else { "no" },
                esc(&s.step),
                s.evidence
                    .iter()
                    .map(|e| format!("<li>{}</li>", esc(e)))
                    .collect::<String>()
            ));
        }
        out.push_str("</ul><table><tr><th>failure mode</th><th>signal</th><th>alert</th><th>owner</th><th>runbook</th><th>drill</th><th>status</th></tr>");
        for x in &c.risks {
            out.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"{}\">{} {}</td></tr>",
                esc(&x.failure_mode),
                esc(&x.signals.join(", ")),
                esc(&x.alert),
                esc(&x.owner),
                esc(&x.runbook),
                esc(&x.drill.iter().map(|d| format!("{}: {}", d.scenario, d.result)).collect::<Vec<_>>().join("; ")),
                if x.clears() { "yes" } else { "no" },
                esc(x.status.as_str()),
                esc(&x.decision)
            ));
        }
        out.push_str("</table>");
        if !c.blockers.is_empty() {
            out.push_str("<h3>What holds the review back</h3><ul>");
            for b in &c.blockers {
                out.push_str(&format!("<li>{}</li>", esc(b)));
            }
            out.push_str("</ul>");
        }
    }
    out.push_str(&format!("<h2>The rest</h2><p>Shift checklists, the compiler's post-release verification, the playbooks and the support intake: readiness.md ({} shifts, {} playbooks).</p>", r.shifts.len(), r.support.playbooks.len()));
    out
}
