//! The launch support model: who answers, when, how they escalate and communicate, where
//! users' reports go, and the risks each task card accepts.
//!
//! It is a reviewed file (`ops/support.yaml` in the repository), parsed by
//! [`SupportModel::parse`] and checked by [`SupportModel::validate`] against the product
//! (every owner of an alert or an error code has a team) and the owners file (every team is
//! routed). The runbooks' escalation and communication sections, the pager escalation
//! policies ([`SupportModel::escalation_policies`]) and the readiness review
//! ([`crate::readiness`]) are generated from it.
//!
//! ```yaml
//! incident_commander:
//!   - placeholder: first incident commander
//! roles:
//!   finance-operations:
//!     - name: Dana Ruiz
//! teams:
//!   - owner: core-compiler
//!     hours: always
//!     coverage: pages at any hour during launch week; tickets on working days
//!     people:
//!       primary: [{placeholder: core-compiler primary}]
//!       secondary: [{placeholder: core-compiler secondary}]
//!       lead: [{name: Sam Okafor}]
//!     escalation:
//!       - {role: primary, after_minutes: 0}
//!       - {role: secondary, after_minutes: 10}
//!       - {role: lead, after_minutes: 20}
//!       - {role: incident-commander, after_minutes: 30}
//!     communication:
//!       posts: primary
//!       approves: lead
//!       channel: "#core-compiler-incidents"
//!       first_update_minutes: 15
//!       every_minutes: 30
//! ```
//!
//! A person is `{name: ...}` or an explicit `{placeholder: ...}`: a rotation may be
//! declared before it is staffed, but never silently ("TBD" as a name is an error), and the
//! readiness review does not clear a card whose rotations still hold placeholders.

use crate::drill::scenarios;
use crate::routing::OwnersFile;
use crate::Product;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The role every escalation ends at.
pub const INCIDENT_COMMANDER: &str = "incident-commander";

/// The team roles every team declares, in escalation order.
pub const TEAM_ROLES: &[&str] = &["primary", "secondary", "lead"];

/// The three channels every playbook writes a message for.
pub const MESSAGE_CHANNELS: &[&str] = &["status-page", "in-app", "support-macro"];

/// The support model, as `ops/support.yaml` declares it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupportModel {
    /// The incident-commander rotation, the role every escalation ends at.
    pub incident_commander: Vec<Person>,
    /// Roles shared across teams (`finance-operations`, `support-lead`, ...), by name.
    #[serde(default)]
    pub roles: BTreeMap<String, Vec<Person>>,
    /// One entry per owner team.
    pub teams: Vec<Team>,
    /// Which users' reports go to which owner.
    pub intake: Vec<Intake>,
    /// The status-page components of each product surface.
    pub status_page: Vec<StatusComponents>,
    /// The cross-surface incident playbooks.
    pub playbooks: Vec<Playbook>,
    /// The risks each task card declares beyond its alerts.
    pub cards: Vec<CardRisks>,
}

/// One person of a rotation or role.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "PersonFields", into = "PersonFields")]
pub enum Person {
    /// A named person.
    Name(String),
    /// A seat not staffed yet, with what it is for.
    Placeholder(String),
}

/// A person as written: `{name: ...}` or `{placeholder: ...}`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct PersonFields {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    placeholder: Option<String>,
}

impl TryFrom<PersonFields> for Person {
    type Error = String;

    fn try_from(f: PersonFields) -> Result<Self, String> {
        match (f.name, f.placeholder) {
            (Some(n), None) => Ok(Self::Name(n)),
            (None, Some(p)) => Ok(Self::Placeholder(p)),
            _ => Err("a person is `name: <Full Name>` or `placeholder: <what the seat is for>`, exactly one of them".into()),
        }
    }
}

impl From<Person> for PersonFields {
    fn from(p: Person) -> Self {
        match p {
            Person::Name(n) => Self {
                name: Some(n),
                placeholder: None,
            },
            Person::Placeholder(p) => Self {
                name: None,
                placeholder: Some(p),
            },
        }
    }
}

impl Person {
    /// The name, or `placeholder: <what>`.
    pub fn label(&self) -> String {
        match self {
            Self::Name(n) => n.clone(),
            Self::Placeholder(p) => format!("placeholder: {p}"),
        }
    }

    /// Whether the seat is staffed.
    pub fn is_named(&self) -> bool {
        matches!(self, Self::Name(_))
    }
}

/// When a team answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Hours {
    /// Pages and tickets at any hour.
    Always,
    /// Pages at any hour, tickets on working days.
    PagesAlways,
    /// Working hours only: a team with paging alerts cannot declare it.
    WorkingHours,
}

/// One owner team.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Team {
    /// The owner id, as in the catalog and the owners file.
    pub owner: String,
    /// When it answers.
    pub hours: Hours,
    /// Coverage in words (time zones, launch-week arrangements).
    pub coverage: String,
    /// The people of each team role ([`TEAM_ROLES`]).
    pub people: BTreeMap<String, Vec<Person>>,
    /// Who is called, in order, and after how many minutes without acknowledgement.
    pub escalation: Vec<EscalationStep>,
    /// How the team communicates during an incident it leads.
    pub communication: Communication,
}

/// One step of an escalation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct EscalationStep {
    /// A team role, a shared role or [`INCIDENT_COMMANDER`].
    pub role: String,
    /// Minutes after the page without acknowledgement.
    pub after_minutes: u32,
}

/// Who posts, where, how soon and how often.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Communication {
    /// The role that posts updates.
    pub posts: String,
    /// The role that approves what users are told.
    pub approves: String,
    /// Where updates go (a chat channel).
    pub channel: String,
    /// The first update within this many minutes of the page.
    pub first_update_minutes: u32,
    /// Then an update every this many minutes until resolved.
    pub every_minutes: u32,
}

/// A kind of user report and its owner.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Intake {
    /// The report, in the user's words.
    pub report: String,
    /// The task card it belongs to.
    pub card: String,
    /// The owner team that takes it.
    pub owner: String,
    /// What support asks the user for before handing it over.
    pub ask_for: Vec<String>,
    /// The alerts support checks first (firing means the owner already knows).
    #[serde(default)]
    pub check_alerts: Vec<String>,
}

/// The status-page components of one surface.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusComponents {
    /// The catalog surface.
    pub surface: String,
    /// The components users see.
    pub components: Vec<String>,
}

/// A cross-surface incident playbook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Playbook {
    /// A short id (`bad-core-release`).
    pub name: String,
    /// The incident, in words.
    pub title: String,
    /// The task cards it concerns.
    pub cards: Vec<String>,
    /// The alerts that open it.
    pub triggers: Vec<String>,
    /// The drill scenarios that rehearse it.
    pub drill: Vec<String>,
    /// What each role does.
    pub roles: Vec<PlaybookRole>,
    /// The first 15 minutes, in order.
    pub first_15_minutes: Vec<String>,
    /// Decision points: when this, then that.
    pub decisions: Vec<Decision>,
    /// How to roll back.
    pub rollback: Vec<String>,
    /// What users are told, per channel ([`MESSAGE_CHANNELS`]).
    pub messages: Vec<Message>,
}

/// A role's part in a playbook.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlaybookRole {
    /// `<owner>/<team role>`, a shared role or [`INCIDENT_COMMANDER`].
    pub role: String,
    /// What it does.
    pub does: String,
}

/// A decision point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// The observation.
    pub when: String,
    /// The decision.
    pub then: String,
}

/// A message template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Message {
    /// One of [`MESSAGE_CHANNELS`].
    pub channel: String,
    /// The role that sends it (as in [`PlaybookRole::role`]).
    pub sender: String,
    /// Sent within this many minutes of the incident being declared.
    pub within_minutes: u32,
    /// The text.
    pub text: String,
}

/// The declared risks of one task card.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CardRisks {
    /// The card (`000` ... `004`).
    pub card: String,
    /// Its title.
    pub title: String,
    /// The catalog surfaces it covers.
    pub surfaces: Vec<String>,
    /// What it depends on.
    pub dependencies: Vec<Dependency>,
    /// What its alerts do not cover.
    pub not_covered: Vec<NotCovered>,
}

/// A dependency on an adjacent team or system.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Dependency {
    /// The team or system.
    pub on: String,
    /// What breaks here when it fails.
    pub impact: String,
    /// The alerts that see it fail (empty: it is a not-covered risk too).
    pub watched_by: Vec<String>,
}

/// A gap, owned and decided.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotCovered {
    /// The risk.
    pub risk: String,
    /// Why it is not covered.
    pub reason: String,
    /// The owner team that accepts it or closes it.
    pub owner: String,
    /// `accept` (the launch goes ahead without it) or `close` (work planned).
    pub decision: GapDecision,
    /// Who decided.
    pub decided_by: Person,
}

/// What is done about a gap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GapDecision {
    /// Launch without it.
    Accept,
    /// Close it before launch: the card is not cleared until it is covered.
    Close,
}

/// Why a support file cannot be read.
#[derive(Debug, thiserror::Error)]
#[error("support model: {0}; see the schema in telemetry_ops::support")]
pub struct ParseError(String);

/// Every violation of the support model's rules.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the support model breaks {} rule(s):\n- {}", .0.len(), .0.join("\n- "))]
pub struct SupportViolations(pub Vec<String>);

impl SupportModel {
    /// Parses the YAML text of a support file.
    ///
    /// # Errors
    /// [`ParseError`] with the YAML error (line, column, the unknown or missing field).
    pub fn parse(text: &str) -> Result<Self, ParseError> {
        yaml_serde::from_str(text).map_err(|e| ParseError(e.to_string()))
    }

    /// The team of `owner`.
    pub fn team(&self, owner: &str) -> Option<&Team> {
        self.teams.iter().find(|t| t.owner == owner)
    }

    /// The people behind `role`, read from `team`'s point of view: a team role, a shared
    /// role, [`INCIDENT_COMMANDER`], or `<owner>/<team role>`.
    pub fn people<'a>(&'a self, team: Option<&'a Team>, role: &str) -> Option<&'a [Person]> {
        if role == INCIDENT_COMMANDER {
            return Some(&self.incident_commander);
        }
        if let Some((owner, r)) = role.split_once('/') {
            return self.team(owner)?.people.get(r).map(Vec::as_slice);
        }
        team.and_then(|t| t.people.get(role))
            .or_else(|| self.roles.get(role))
            .map(Vec::as_slice)
    }

    /// Checks the model against `product` and `owners`.
    ///
    /// # Errors
    /// [`SupportViolations`] listing every rule broken, each naming what to change.
    pub fn validate(
        &self,
        product: &Product,
        owners: &OwnersFile,
    ) -> Result<(), SupportViolations> {
        let mut v = Vec::new();
        let catalog_owners: BTreeSet<&str> =
            product.catalog.owners().iter().map(|o| o.id).collect();
        let mut needed: BTreeMap<&str, String> = BTreeMap::new();
        for a in product.alerts() {
            needed
                .entry(a.owner.id)
                .or_insert_with(|| format!("alert {}", a.name));
        }
        for code in product.catalog.sections.iter().flat_map(|s| s.error_codes) {
            needed
                .entry(code.owner.id)
                .or_insert_with(|| format!("error code {}", code.code));
        }
        for (owner, what) in &needed {
            if self.team(owner).is_none() {
                v.push(format!(
                    "owner {owner:?} ({what} and maybe more) has no team: add `- owner: {owner}` under teams"
                ));
            }
        }
        let mut seen = BTreeSet::new();
        for t in &self.teams {
            if !seen.insert(t.owner.as_str()) {
                v.push(format!("team {:?} is declared twice", t.owner));
            }
            if !catalog_owners.contains(t.owner.as_str()) {
                v.push(format!(
                    "team {:?} is no owner of the catalog (its owners: {})",
                    t.owner,
                    catalog_owners
                        .iter()
                        .copied()
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
            }
            if owners.route(&t.owner).is_none() {
                v.push(format!(
                    "team {:?} has no line in the owners file: nothing routes its alerts",
                    t.owner
                ));
            }
            self.check_team(t, product, &mut v);
        }
        check_people("incident_commander", &self.incident_commander, &mut v);
        for (role, people) in &self.roles {
            if role == INCIDENT_COMMANDER || TEAM_ROLES.contains(&role.as_str()) {
                v.push(format!(
                    "shared role {role:?} shadows a built-in role: rename it"
                ));
            }
            check_people(&format!("role {role}"), people, &mut v);
        }
        let surfaces: BTreeSet<&str> = product
            .surfaces
            .iter()
            .filter(|s| !s.alerts.is_empty())
            .map(|s| s.section.surface)
            .collect();
        let alerts: BTreeSet<&str> = product.alerts().map(|a| a.name).collect();
        let cards: BTreeSet<&str> = self.cards.iter().map(|c| c.card.as_str()).collect();
        for i in &self.intake {
            let at = format!("intake {:?}", i.report);
            self.check_owner(&at, &i.owner, &mut v);
            check_card(&at, &i.card, &cards, &mut v);
            check_alerts(&at, &i.check_alerts, &alerts, &mut v);
            if i.ask_for.is_empty() {
                v.push(format!(
                    "{at}: ask_for is empty: name what support collects"
                ));
            }
        }
        for s in &surfaces {
            if *s != "telemetry" && !self.status_page.iter().any(|c| c.surface == *s) {
                v.push(format!(
                    "surface {s:?} has no status-page components: add it under status_page"
                ));
            }
        }
        for c in &self.status_page {
            if !surfaces.contains(c.surface.as_str()) || c.components.is_empty() {
                v.push(format!(
                    "status_page {:?}: no such surface with alerts, or no component",
                    c.surface
                ));
            }
        }
        self.check_playbooks(&alerts, &cards, &mut v);
        self.check_cards(product, &alerts, &mut v);
        if v.is_empty() {
            Ok(())
        } else {
            Err(SupportViolations(v))
        }
    }

    fn check_owner(&self, at: &str, owner: &str, v: &mut Vec<String>) {
        if self.team(owner).is_none() {
            v.push(format!("{at}: owner {owner:?} has no team"));
        }
    }

    fn check_role(&self, at: &str, team: Option<&Team>, role: &str, v: &mut Vec<String>) {
        if self.people(team, role).is_none() {
            v.push(format!(
                "{at}: role {role:?} is defined nowhere (a team role {TEAM_ROLES:?}, `<owner>/<team role>`, a shared role under roles, or {INCIDENT_COMMANDER})"
            ));
        }
    }

    fn check_team(&self, t: &Team, product: &Product, v: &mut Vec<String>) {
        let at = format!("team {}", t.owner);
        for r in TEAM_ROLES {
            match t.people.get(*r) {
                Some(p) => check_people(&format!("{at} {r}"), p, v),
                None => v.push(format!("{at}: no {r} role: declare its people")),
            }
        }
        for r in t.people.keys() {
            if !TEAM_ROLES.contains(&r.as_str()) {
                v.push(format!(
                    "{at}: {r:?} is not a team role ({TEAM_ROLES:?}); shared roles go under roles"
                ));
            }
        }
        match t.escalation.first() {
            Some(first) if first.role == "primary" && first.after_minutes == 0 => {}
            _ => v.push(format!(
                "{at}: the escalation starts with `{{role: primary, after_minutes: 0}}`"
            )),
        }
        if t.escalation.last().map(|s| s.role.as_str()) != Some(INCIDENT_COMMANDER) {
            v.push(format!(
                "{at}: the escalation ends at {INCIDENT_COMMANDER}, the role that can declare an incident"
            ));
        }
        for w in t.escalation.windows(2) {
            if w[1].after_minutes <= w[0].after_minutes {
                v.push(format!(
                    "{at}: escalation to {} after {} min is not later than {} after {} min",
                    w[1].role, w[1].after_minutes, w[0].role, w[0].after_minutes
                ));
            }
        }
        for s in &t.escalation {
            self.check_role(&format!("{at} escalation"), Some(t), &s.role, v);
        }
        let c = &t.communication;
        self.check_role(&format!("{at} communication posts"), Some(t), &c.posts, v);
        self.check_role(
            &format!("{at} communication approves"),
            Some(t),
            &c.approves,
            v,
        );
        if c.first_update_minutes == 0 || c.every_minutes == 0 {
            v.push(format!(
                "{at}: first_update_minutes and every_minutes are at least 1"
            ));
        }
        if !c.channel.starts_with('#') {
            v.push(format!("{at}: channel {:?} is not a #channel", c.channel));
        }
        let pages = product.alerts().any(|a| {
            a.owner.id == t.owner && (a.severity.as_str() == "page" || a.objective.is_burn_rate())
        });
        if pages && t.hours == Hours::WorkingHours {
            v.push(format!(
                "{at}: it owns paging alerts, so its hours are `always` or `pages-always`"
            ));
        }
    }

    fn check_playbooks(
        &self,
        alerts: &BTreeSet<&str>,
        cards: &BTreeSet<&str>,
        v: &mut Vec<String>,
    ) {
        let scenarios: BTreeSet<&str> = scenarios::SCENARIOS.iter().map(|s| s.name).collect();
        for p in &self.playbooks {
            let at = format!("playbook {}", p.name);
            for c in &p.cards {
                check_card(&at, c, cards, v);
            }
            check_alerts(&at, &p.triggers, alerts, v);
            for d in &p.drill {
                if !scenarios.contains(d.as_str()) {
                    v.push(format!(
                        "{at}: drill scenario {d:?} does not exist (`dataface-ops drill --list`)"
                    ));
                }
            }
            for r in &p.roles {
                self.check_role(&at, None, &r.role, v);
            }
            if !p.roles.iter().any(|r| r.role == INCIDENT_COMMANDER) {
                v.push(format!("{at}: no part for the {INCIDENT_COMMANDER}"));
            }
            for (what, list) in [
                ("first_15_minutes", &p.first_15_minutes),
                ("rollback", &p.rollback),
            ] {
                if list.is_empty() {
                    v.push(format!("{at}: {what} is empty"));
                }
            }
            if p.decisions.is_empty() {
                v.push(format!("{at}: no decision point"));
            }
            for ch in MESSAGE_CHANNELS {
                if !p.messages.iter().any(|m| m.channel == *ch) {
                    v.push(format!("{at}: no {ch} message"));
                }
            }
            for m in &p.messages {
                if !MESSAGE_CHANNELS.contains(&m.channel.as_str()) {
                    v.push(format!(
                        "{at}: message channel {:?} is none of {MESSAGE_CHANNELS:?}",
                        m.channel
                    ));
                }
                self.check_role(&format!("{at} {} sender", m.channel), None, &m.sender, v);
                if m.within_minutes == 0 || m.text.trim().is_empty() {
                    v.push(format!(
                        "{at}: the {} message needs a text and a deadline",
                        m.channel
                    ));
                }
            }
        }
    }

    fn check_cards(&self, product: &Product, alerts: &BTreeSet<&str>, v: &mut Vec<String>) {
        let surfaces: BTreeSet<&str> = product.surfaces.iter().map(|s| s.section.surface).collect();
        // Every task card the drill rehearses is reviewed (the pipeline's scenarios serve
        // every card and belong to none).
        let drilled: BTreeSet<&str> = scenarios::SCENARIOS
            .iter()
            .map(|s| s.card)
            .filter(|c| *c != "pipeline")
            .collect();
        for card in drilled {
            if !self.cards.iter().any(|c| c.card == card) {
                v.push(format!(
                    "task card {card} has drill scenarios but no entry under cards: declare its title, surfaces, dependencies and gaps"
                ));
            }
        }
        for c in &self.cards {
            let at = format!("card {}", c.card);
            if c.surfaces.is_empty() || c.dependencies.is_empty() {
                v.push(format!(
                    "{at}: name its surfaces and its dependencies on adjacent teams and systems"
                ));
            }
            for s in &c.surfaces {
                if !surfaces.contains(s.as_str()) {
                    v.push(format!("{at}: surface {s:?} has no alerts in the product"));
                }
            }
            for d in &c.dependencies {
                check_alerts(
                    &format!("{at} dependency {:?}", d.on),
                    &d.watched_by,
                    alerts,
                    v,
                );
                if d.watched_by.is_empty() && !c.not_covered.iter().any(|n| n.risk.contains(&d.on))
                {
                    v.push(format!(
                        "{at}: the dependency on {:?} is watched by no alert and no not_covered risk names it",
                        d.on
                    ));
                }
            }
            for n in &c.not_covered {
                self.check_owner(&format!("{at} not_covered {:?}", n.risk), &n.owner, v);
                if n.reason.trim().is_empty() {
                    v.push(format!("{at}: not_covered {:?} gives no reason", n.risk));
                }
            }
        }
        for m in scenarios::UNREHEARSED {
            let declared = self
                .cards
                .iter()
                .filter(|c| c.card == m.card)
                .flat_map(|c| &c.not_covered)
                .any(|n| n.risk == m.failure);
            if !declared {
                v.push(format!(
                    "card {}: the failure mode {:?} has no drill scenario; declare it under not_covered with its owner and decision",
                    m.card, m.failure
                ));
            }
        }
    }

    /// The escalation policies for the pager, one per team, in PagerDuty's
    /// escalation-policy shape (rules with a delay and their targets, named by role).
    pub fn escalation_policies(&self) -> serde_json::Value {
        let policies: Vec<serde_json::Value> = self
            .teams
            .iter()
            .map(|t| {
                let rules: Vec<serde_json::Value> = t
                    .escalation
                    .iter()
                    .zip(t.escalation.iter().skip(1).map(|s| Some(s.after_minutes)).chain([None]))
                    .map(|(step, next)| {
                        serde_json::json!({
                            "escalation_delay_in_minutes": next.map(|n| n - step.after_minutes),
                            "targets": self
                                .people(Some(t), &step.role)
                                .unwrap_or_default()
                                .iter()
                                .map(|p| serde_json::json!({"role": step.role, "person": p.label()}))
                                .collect::<Vec<_>>(),
                        })
                    })
                    .collect();
                serde_json::json!({
                    "name": format!("{} escalation", t.owner),
                    "owner": t.owner,
                    "escalation_rules": rules,
                })
            })
            .collect();
        serde_json::json!({"escalation_policies": policies})
    }

    /// Every placeholder seat of `owner`'s team roles and of the incident commander.
    pub fn placeholders(&self, owner: &str) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(t) = self.team(owner) {
            for (role, people) in &t.people {
                for p in people.iter().filter(|p| !p.is_named()) {
                    out.push(format!("{owner}/{role}: {}", p.label()));
                }
            }
        }
        for p in self.incident_commander.iter().filter(|p| !p.is_named()) {
            out.push(format!("{INCIDENT_COMMANDER}: {}", p.label()));
        }
        out
    }
}

fn check_people(at: &str, people: &[Person], v: &mut Vec<String>) {
    if people.is_empty() {
        v.push(format!(
            "{at}: nobody; name people or write explicit placeholders"
        ));
    }
    for p in people {
        if let Person::Name(n) = p {
            let l = n.trim().to_ascii_lowercase();
            if l.is_empty() || ["tbd", "todo", "tba", "?", "n/a", "none"].contains(&l.as_str()) {
                v.push(format!(
                    "{at}: {n:?} is not a name: write `placeholder: <what the seat is for>` until it is staffed"
                ));
            }
        }
    }
}

fn check_card(at: &str, card: &str, cards: &BTreeSet<&str>, v: &mut Vec<String>) {
    if !cards.contains(card) {
        v.push(format!("{at}: card {card:?} is not declared under cards"));
    }
}

fn check_alerts(at: &str, names: &[String], alerts: &BTreeSet<&str>, v: &mut Vec<String>) {
    for a in names {
        if !alerts.contains(a.as_str()) {
            v.push(format!("{at}: alert {a:?} does not exist in the product"));
        }
    }
}
