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

use crate::yaml::{map, Yaml};
use crate::Product;
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

/// The Alertmanager configuration: a route per owner and severity, pages repeating hourly,
/// tickets every 12 hours, a page silencing the ticket of the same alert, and alerts of an
/// unknown owner landing with the observability platform's tickets.
pub fn alertmanager_config(owners: &OwnersFile) -> String {
    let fallback = owners
        .route(owners::OBSERVABILITY_PLATFORM.id)
        .or_else(|| owners.routes.first())
        .map(|r| r.ticket.clone())
        .unwrap_or_else(|| "unrouted".to_owned());
    let mut routes = Vec::new();
    for r in &owners.routes {
        routes.push(map([
            (
                "matchers",
                Yaml::List(vec![
                    Yaml::from(format!("owner=\"{}\"", r.owner)),
                    Yaml::from("severity=\"page\""),
                ]),
            ),
            ("receiver", Yaml::from(r.page.clone())),
            ("repeat_interval", Yaml::from("1h")),
        ]));
        routes.push(map([
            (
                "matchers",
                Yaml::List(vec![Yaml::from(format!("owner=\"{}\"", r.owner))]),
            ),
            ("receiver", Yaml::from(r.ticket.clone())),
            ("repeat_interval", Yaml::from("12h")),
        ]));
    }
    let mut receivers: Vec<String> = Vec::new();
    for name in owners
        .routes
        .iter()
        .flat_map(|r| [r.page.clone(), r.ticket.clone()])
        .chain([fallback.clone()])
    {
        if !receivers.contains(&name) {
            receivers.push(name);
        }
    }
    let doc = map([
        (
            "route",
            map([
                ("receiver", Yaml::from(fallback)),
                (
                    "group_by",
                    Yaml::List(vec!["alertname".into(), "owner".into(), "surface".into()]),
                ),
                ("group_wait", Yaml::from("30s")),
                ("group_interval", Yaml::from("5m")),
                ("repeat_interval", Yaml::from("12h")),
                ("routes", Yaml::List(routes)),
            ]),
        ),
        (
            "inhibit_rules",
            Yaml::List(vec![map([
                (
                    "source_matchers",
                    Yaml::List(vec!["severity=\"page\"".into()]),
                ),
                (
                    "target_matchers",
                    Yaml::List(vec!["severity=\"ticket\"".into()]),
                ),
                (
                    "equal",
                    Yaml::List(vec!["alertname".into(), "owner".into()]),
                ),
            ])]),
        ),
        (
            "receivers",
            Yaml::List(
                receivers
                    .into_iter()
                    .map(|name| map([("name", Yaml::from(name))]))
                    .collect(),
            ),
        ),
    ]);
    crate::yaml::document(
        "Alertmanager routing by owner.\nGENERATED by `dataface-telemetry routing` from the catalog and ops/owners.txt: DO NOT EDIT.\nReceivers are declared by name only: attach each one's integration where Alertmanager is deployed.",
        &doc,
    )
}
