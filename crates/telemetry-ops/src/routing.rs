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
//! One owner per line, three whitespace-separated columns, `#` starts a comment. The
//! generated configuration declares each receiver by name only: the integration behind it
//! (a paging service, a chat channel, a ticket queue) is attached where Alertmanager is
//! deployed, so no endpoint or secret is ever written here.

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

/// The owners file, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OwnersFile {
    /// One route per owner, in file order.
    pub routes: Vec<OwnerRoute>,
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
    /// An owner of an alert has no line.
    #[error("owners file has no line for {owner:?}, which owns alerts in the catalog; add `{owner} <page receiver> <ticket receiver>`")]
    Missing {
        /// The owner without a route.
        owner: String,
    },
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
        for (i, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let cols: Vec<&str> = line.split_whitespace().collect();
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
        Ok(Self { routes })
    }

    /// The route of `owner`.
    pub fn route(&self, owner: &str) -> Option<&OwnerRoute> {
        self.routes.iter().find(|r| r.owner == owner)
    }
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

/// A receiver, declared by name; its integration is attached where Alertmanager runs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receiver {
    /// The receiver's name.
    pub name: String,
}

/// The Alertmanager configuration: a route per owner and severity, pages repeating hourly,
/// tickets every 12 hours, a page silencing the ticket of the same alert, and alerts of an
/// unknown owner landing with the observability platform's tickets.
pub fn alertmanager(owners: &OwnersFile) -> AlertmanagerConfig {
    let fallback = owners
        .route(owners::OBSERVABILITY_PLATFORM.id)
        .or_else(|| owners.routes.first())
        .map(|r| r.ticket.clone())
        .unwrap_or_else(|| "unrouted".to_owned());
    let child = |matchers: Vec<String>, receiver: &str, repeat: &str| Route {
        matchers,
        receiver: receiver.to_owned(),
        group_by: Vec::new(),
        group_wait: None,
        group_interval: None,
        repeat_interval: repeat.to_owned(),
        routes: Vec::new(),
    };
    let mut routes = Vec::new();
    for r in &owners.routes {
        let owner = format!("owner=\"{}\"", r.owner);
        routes.push(child(
            vec![owner.clone(), "severity=\"page\"".to_owned()],
            &r.page,
            "1h",
        ));
        routes.push(child(vec![owner], &r.ticket, "12h"));
    }
    let mut receivers: Vec<Receiver> = Vec::new();
    for name in owners
        .routes
        .iter()
        .flat_map(|r| [r.page.clone(), r.ticket.clone()])
        .chain([fallback.clone()])
    {
        if !receivers.iter().any(|r| r.name == name) {
            receivers.push(Receiver { name });
        }
    }
    let strings = |items: &[&str]| items.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    AlertmanagerConfig {
        route: Route {
            matchers: Vec::new(),
            receiver: fallback,
            group_by: strings(&["alertname", "owner", "surface"]),
            group_wait: Some("30s".into()),
            group_interval: Some("5m".into()),
            repeat_interval: "12h".into(),
            routes,
        },
        inhibit_rules: vec![InhibitRule {
            source_matchers: strings(&["severity=\"page\""]),
            target_matchers: strings(&["severity=\"ticket\""]),
            equal: strings(&["alertname", "owner"]),
        }],
        receivers,
    }
}

/// The Alertmanager configuration as YAML (see [`alertmanager`]).
pub fn alertmanager_config(owners: &OwnersFile) -> String {
    crate::yaml_document(
        "Alertmanager routing by owner.\nGENERATED by `dataface-telemetry routing` from the catalog and ops/owners.txt: DO NOT EDIT.\nReceivers are declared by name only: attach each one's integration where Alertmanager is deployed.",
        &alertmanager(owners),
    )
}
