//! Routing by owner: the owners file and the Alertmanager configuration made from it.
//!
//! The owners file (`ops/owners.txt` in the repository) names, for every owner of the
//! catalog, the Alertmanager receiver that takes its pages and the one that takes its
//! tickets:
//!
//! ```text
//! # owner               page receiver             ticket receiver
//! core-compiler         core-compiler-pager       core-compiler-tickets
//! ```
//!
//! One owner per line, three whitespace-separated columns, `#` starts a comment. Other lines
//! start with a keyword:
//!
//! ```text
//! receiver core-compiler-pager pagerduty routing_key_file=/etc/alertmanager/secrets/cc-pd
//! receiver core-compiler-tickets slack api_url_file=/etc/alertmanager/secrets/slack channel=#core-compiler
//! receiver billing-tickets email to=billing@example.com from=alerts@example.com smarthost=smtp.example.com:587 auth_password_file=/etc/alertmanager/secrets/smtp
//! receiver observability-platform-tickets webhook url=https://tickets.internal/hook credentials_file=/etc/alertmanager/secrets/tickets
//! incident-commander incident-commander-pager
//! war-room launch-war-room
//! unknown-owner observability-platform-pager
//! watchdog deadmans-switch
//! ```
//!
//! `receiver` attaches an integration (webhook, email, pagerduty, slack) to a receiver;
//! every secret is named by a file (`*_file`) read by Alertmanager where it is deployed, so
//! no secret is ever written here. The four roles name the receivers of declared
//! incidents, of the launch war room (every page, copied), of pages whose owner has no
//! line, and of the always-firing Watchdog (a dead man's switch).

use crate::Product;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use telemetry_core::catalog::owners;

/// One owner's receivers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnerRoute {
    /// The owner id (as in the catalog).
    pub owner: String,
    /// Receiver for `severity="page"`.
    pub page: String,
    /// Receiver for everything else.
    pub ticket: String,
}

/// One integration of a receiver, as the owners file declares it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Integration {
    /// The receiver it belongs to.
    pub receiver: String,
    /// `webhook`, `email`, `pagerduty` or `slack`.
    pub kind: String,
    /// Its settings (`routing_key_file=...`), in file order.
    pub settings: Vec<(String, String)>,
}

/// The settings each integration kind requires and allows (secrets only as `*_file`).
const INTEGRATIONS: &[(&str, &[&str], &[&str])] = &[
    ("webhook", &["url"], &["credentials_file"]),
    (
        "email",
        &["to", "from", "smarthost"],
        &["auth_username", "auth_password_file"],
    ),
    ("pagerduty", &["routing_key_file"], &[]),
    ("slack", &["api_url_file", "channel"], &[]),
];

/// The owners file, parsed.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct OwnersFile {
    /// One route per owner, in file order.
    pub routes: Vec<OwnerRoute>,
    /// The receivers' integrations.
    pub integrations: Vec<Integration>,
    /// Receives pages of declared incidents (`incident="declared"`).
    pub incident_commander: Option<String>,
    /// Receives a copy of every page (the launch war room).
    pub war_room: Option<String>,
    /// Receives pages whose owner has no line.
    pub unknown_owner: Option<String>,
    /// Receives the always-firing Watchdog (a dead man's switch).
    pub watchdog: Option<String>,
}

/// Why an owners file cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OwnersError {
    /// A line does not have the three columns.
    #[error("owners file line {line}: expected `<owner> <page receiver> <ticket receiver>`, found {found} column(s)")]
    Malformed {
        /// 1-based line number.
        line: usize,
        /// How many columns it had.
        found: usize,
    },
    /// A line names an owner the catalog does not know.
    #[error("owners file line {line}: unknown owner {owner:?}; the catalog's owners are: {known}")]
    UnknownOwner {
        /// 1-based line number.
        line: usize,
        /// The owner named.
        owner: String,
        /// The owners the catalog knows.
        known: String,
    },
    /// An owner appears twice.
    #[error("owners file line {line}: owner {owner:?} is already routed on an earlier line")]
    Duplicate {
        /// 1-based line number.
        line: usize,
        /// The owner.
        owner: String,
    },
    /// A `receiver` line is not `receiver <name> <kind> key=value...`, names an unknown
    /// kind, or misses or misspells a setting.
    #[error("owners file line {line}: {problem}; write `receiver <name> <webhook|email|pagerduty|slack> key=value...` (webhook: url, credentials_file; email: to, from, smarthost, auth_username, auth_password_file; pagerduty: routing_key_file; slack: api_url_file, channel)")]
    BadIntegration {
        /// 1-based line number.
        line: usize,
        /// What is wrong.
        problem: String,
    },
    /// A role line (`incident-commander`, `war-room`, `unknown-owner`, `watchdog`) does not
    /// name exactly one receiver, or appears twice.
    #[error("owners file line {line}: `{role}` takes one receiver name and appears once")]
    BadRole {
        /// 1-based line number.
        line: usize,
        /// The role.
        role: String,
    },
    /// An owner of an alert has no line.
    #[error("owners file has no line for {owner:?}, which owns alerts in the catalog; add `{owner} <page receiver> <ticket receiver>`")]
    Missing {
        /// The owner without a route.
        owner: String,
    },
}

/// The line without its comment: `#` starts a comment at the start of the line or after
/// whitespace, so a value such as `channel=#alerts` keeps its `#`.
fn strip_comment(line: &str) -> &str {
    let mut previous = ' ';
    for (i, c) in line.char_indices() {
        if c == '#' && previous.is_whitespace() {
            return &line[..i];
        }
        previous = c;
    }
    line
}

impl OwnersFile {
    /// Parses the owners file text and checks it against `product`: every owner one its
    /// catalog's sections declare, none twice, and every owner of an alert routed.
    ///
    /// # Errors
    /// The first problem found, naming the line and what to write instead.
    pub fn parse(text: &str, product: &Product) -> Result<Self, OwnersError> {
        let known: Vec<&str> = product.catalog.owners().iter().map(|o| o.id).collect();
        let mut routes: Vec<OwnerRoute> = Vec::new();
        let mut integrations = Vec::new();
        let (mut incident_commander, mut war_room, mut unknown_owner, mut watchdog) =
            (None, None, None, None);
        for (i, raw) in text.lines().enumerate() {
            let line = strip_comment(raw).trim();
            if line.is_empty() {
                continue;
            }
            let cols: Vec<&str> = line.split_whitespace().collect();
            if cols[0] == "receiver" {
                integrations.push(integration(i + 1, &cols)?);
                continue;
            }
            let role = match cols[0] {
                "incident-commander" => Some(&mut incident_commander),
                "war-room" => Some(&mut war_room),
                "unknown-owner" => Some(&mut unknown_owner),
                "watchdog" => Some(&mut watchdog),
                _ => None,
            };
            if let Some(slot) = role {
                if cols.len() != 2 || slot.is_some() {
                    return Err(OwnersError::BadRole {
                        line: i + 1,
                        role: cols[0].to_owned(),
                    });
                }
                *slot = Some(cols[1].to_owned());
                continue;
            }
            if cols.len() != 3 {
                return Err(OwnersError::Malformed {
                    line: i + 1,
                    found: cols.len(),
                });
            }
            if !known.contains(&cols[0]) {
                return Err(OwnersError::UnknownOwner {
                    line: i + 1,
                    owner: cols[0].to_owned(),
                    known: known.join(", "),
                });
            }
            if routes.iter().any(|r| r.owner == cols[0]) {
                return Err(OwnersError::Duplicate {
                    line: i + 1,
                    owner: cols[0].to_owned(),
                });
            }
            routes.push(OwnerRoute {
                owner: cols[0].to_owned(),
                page: cols[1].to_owned(),
                ticket: cols[2].to_owned(),
            });
        }
        let alert_owners: BTreeSet<&str> = product.alerts().map(|a| a.owner.id).collect();
        for owner in alert_owners {
            if !routes.iter().any(|r| r.owner == owner) {
                return Err(OwnersError::Missing {
                    owner: owner.to_owned(),
                });
            }
        }
        Ok(Self {
            routes,
            integrations,
            incident_commander,
            war_room,
            unknown_owner,
            watchdog,
        })
    }

    /// The route of `owner`.
    pub fn route(&self, owner: &str) -> Option<&OwnerRoute> {
        self.routes.iter().find(|r| r.owner == owner)
    }
}

/// Parses `receiver <name> <kind> key=value...`.
fn integration(line: usize, cols: &[&str]) -> Result<Integration, OwnersError> {
    let bad = |problem: String| OwnersError::BadIntegration { line, problem };
    if cols.len() < 3 {
        return Err(bad(
            "a receiver name and an integration kind are missing".into()
        ));
    }
    let Some((_, required, optional)) = INTEGRATIONS.iter().find(|(k, _, _)| *k == cols[2]) else {
        return Err(bad(format!("unknown integration kind {:?}", cols[2])));
    };
    let mut settings = Vec::new();
    for kv in &cols[3..] {
        let Some((k, v)) = kv.split_once('=') else {
            return Err(bad(format!("{kv:?} is not key=value")));
        };
        if !required.contains(&k) && !optional.contains(&k) {
            return Err(bad(format!(
                "{k:?} is not a setting of {} (secrets are given as files: *_file)",
                cols[2]
            )));
        }
        settings.push((k.to_owned(), v.to_owned()));
    }
    for r in *required {
        if !settings.iter().any(|(k, _)| k == r) {
            return Err(bad(format!("{} needs {r}", cols[2])));
        }
    }
    Ok(Integration {
        receiver: cols[1].to_owned(),
        kind: cols[2].to_owned(),
        settings,
    })
}

/// An Alertmanager configuration: the routing tree, inhibitions and receivers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AlertmanagerConfig {
    /// The routing tree.
    pub route: Route,
    /// Alerts that silence others.
    pub inhibit_rules: Vec<InhibitRule>,
    /// Receivers, by name only.
    pub receivers: Vec<Receiver>,
}

/// A node of the routing tree.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Route {
    /// Which alerts the node takes (`owner="billing"`); none on the root.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub matchers: Vec<String>,
    /// Where they go.
    pub receiver: String,
    /// Labels that group alerts into one notification.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub group_by: Vec<String>,
    /// How long to wait before the first notification of a group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_wait: Option<String>,
    /// How long to wait before notifying about new alerts of a group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_interval: Option<String>,
    /// How often a firing alert is sent again.
    pub repeat_interval: String,
    /// Whether matching goes on to the next sibling after this node matched.
    #[serde(
        rename = "continue",
        default,
        skip_serializing_if = "std::ops::Not::not"
    )]
    pub continue_matching: bool,
    /// Child routes, first match wins.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub routes: Vec<Route>,
}

/// An alert matching `source_matchers` silences those matching `target_matchers` with the
/// same `equal` labels.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InhibitRule {
    /// The silencing alerts.
    pub source_matchers: Vec<String>,
    /// The silenced alerts.
    pub target_matchers: Vec<String>,
    /// Labels both must share.
    pub equal: Vec<String>,
}

/// A receiver: its name and the integrations the owners file attaches (none: attached
/// where Alertmanager is deployed). Every integration sends resolved notifications.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receiver {
    /// The receiver's name.
    pub name: String,
    /// Webhook integrations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub webhook_configs: Vec<serde_json::Map<String, serde_json::Value>>,
    /// Email integrations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub email_configs: Vec<serde_json::Map<String, serde_json::Value>>,
    /// PagerDuty integrations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pagerduty_configs: Vec<serde_json::Map<String, serde_json::Value>>,
    /// Slack integrations.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub slack_configs: Vec<serde_json::Map<String, serde_json::Value>>,
}

impl Receiver {
    fn new(name: String, integrations: &[Integration]) -> Self {
        let mut r = Receiver {
            name,
            webhook_configs: Vec::new(),
            email_configs: Vec::new(),
            pagerduty_configs: Vec::new(),
            slack_configs: Vec::new(),
        };
        for i in integrations.iter().filter(|i| i.receiver == r.name) {
            let mut config = serde_json::Map::new();
            config.insert("send_resolved".into(), true.into());
            for (k, v) in &i.settings {
                if i.kind == "webhook" && k == "credentials_file" {
                    config.insert(
                        "http_config".into(),
                        serde_json::json!({"authorization": {"credentials_file": v}}),
                    );
                } else {
                    config.insert(k.clone(), v.clone().into());
                }
            }
            match i.kind.as_str() {
                "webhook" => r.webhook_configs.push(config),
                "email" => r.email_configs.push(config),
                "pagerduty" => r.pagerduty_configs.push(config),
                _ => r.slack_configs.push(config),
            }
        }
        r
    }
}

/// The Alertmanager configuration: the Watchdog to the dead man's switch, a copy of every
/// page to the launch war room (`continue`), declared incidents to the incident commander,
/// a route per owner and severity (pages repeat hourly, tickets every 12 hours), pages of an
/// unknown owner to a pager, everything else to the observability platform's tickets;
/// grouped by incident (alert name and owner) and inhibited so one incident pages once.
pub fn alertmanager(owners: &OwnersFile) -> AlertmanagerConfig {
    let fallback = owners
        .route(owners::OBSERVABILITY_PLATFORM.id)
        .or_else(|| owners.routes.first())
        .map(|r| r.ticket.clone())
        .unwrap_or_else(|| "unrouted".to_owned());
    let unknown_pager = owners.unknown_owner.clone().unwrap_or_else(|| {
        owners
            .route(owners::OBSERVABILITY_PLATFORM.id)
            .or_else(|| owners.routes.first())
            .map(|r| r.page.clone())
            .unwrap_or_else(|| fallback.clone())
    });
    let child = |matchers: Vec<String>, receiver: &str, repeat: &str| Route {
        matchers,
        receiver: receiver.to_owned(),
        group_by: Vec::new(),
        group_wait: None,
        group_interval: None,
        repeat_interval: repeat.to_owned(),
        continue_matching: false,
        routes: Vec::new(),
    };
    let mut routes = Vec::new();
    if let Some(deadman) = &owners.watchdog {
        let mut r = child(vec!["alertname=\"Watchdog\"".into()], deadman, "1m");
        r.group_wait = Some("0s".into());
        r.group_interval = Some("1m".into());
        routes.push(r);
    }
    if let Some(room) = &owners.war_room {
        let mut r = child(vec!["severity=\"page\"".into()], room, "1h");
        r.continue_matching = true;
        routes.push(r);
    }
    if let Some(ic) = &owners.incident_commander {
        let mut r = child(vec!["incident=\"declared\"".into()], ic, "1h");
        r.continue_matching = true;
        routes.push(r);
    }
    for r in &owners.routes {
        let owner = format!("owner=\"{}\"", r.owner);
        routes.push(child(
            vec![owner.clone(), "severity=\"page\"".to_owned()],
            &r.page,
            "1h",
        ));
        routes.push(child(vec![owner], &r.ticket, "12h"));
    }
    routes.push(child(
        vec!["severity=\"page\"".into()],
        &unknown_pager,
        "1h",
    ));
    let mut names: Vec<String> = Vec::new();
    for name in owners
        .routes
        .iter()
        .flat_map(|r| [r.page.clone(), r.ticket.clone()])
        .chain([fallback.clone(), unknown_pager.clone()])
        .chain(owners.watchdog.clone())
        .chain(owners.war_room.clone())
        .chain(owners.incident_commander.clone())
    {
        if !names.contains(&name) {
            names.push(name);
        }
    }
    let receivers = names
        .into_iter()
        .map(|n| Receiver::new(n, &owners.integrations))
        .collect();
    let strings = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    AlertmanagerConfig {
        route: Route {
            matchers: Vec::new(),
            receiver: fallback,
            group_by: strings(&["alertname", "owner"]),
            group_wait: Some("30s".into()),
            group_interval: Some("5m".into()),
            repeat_interval: "12h".into(),
            continue_matching: false,
            routes,
        },
        inhibit_rules: vec![
            // A page silences the ticket of the same alert (and a certificate page its
            // ticket).
            InhibitRule {
                source_matchers: strings(&["severity=\"page\""]),
                target_matchers: strings(&["severity=\"ticket\""]),
                equal: strings(&["alertname", "owner"]),
            },
            InhibitRule {
                source_matchers: strings(&["alertname=\"IntegrationsCertificateExpiryImminent\""]),
                target_matchers: strings(&["alertname=\"IntegrationsCertificateExpiring\""]),
                equal: Vec::new(),
            },
            // A telemetry pipeline outage silences the NotReporting pages it causes.
            InhibitRule {
                source_matchers: strings(&["surface=\"telemetry\"", "severity=\"page\""]),
                target_matchers: strings(&["alertname=~\".*NotReporting\""]),
                equal: Vec::new(),
            },
            // A shared-infrastructure outage (label `scope="shared"`) silences the
            // downstream integrations, billing and domain pages: one page for one
            // incident.
            InhibitRule {
                source_matchers: strings(&["scope=\"shared\""]),
                target_matchers: strings(&[
                    "owner=~\"integrations-platform|billing|cloud-suite\"",
                    "severity=\"page\"",
                ]),
                equal: Vec::new(),
            },
        ],
        receivers,
    }
}

/// The Alertmanager configuration as YAML (see [`alertmanager`]).
pub fn alertmanager_config(owners: &OwnersFile) -> String {
    crate::yaml_document(
        "Alertmanager routing by owner.\nGENERATED by `dataface-telemetry routing` from the catalog and ops/owners.txt: DO NOT EDIT.\nSecrets are read from the files the owners file names, where Alertmanager is deployed.",
        &alertmanager(owners),
    )
}
