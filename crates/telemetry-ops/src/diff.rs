//! `diff OLD NEW`: what changed between two catalog JSON files, each change classified as
//! breaking (a metric, label, label value, unit, instrument kind, bucket layout, span,
//! span attribute, error code or owner removed or changed) or additive. Versions are read
//! with `semver`: a breaking change needs a higher major.

use semver::Version;
use serde_json::Value;
use std::fmt;

/// How a change affects those who query, alert on or route by the catalog.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Impact {
    /// Nothing that worked stops working.
    Additive,
    /// A query, alert, dashboard or route written against the old catalog may break.
    Breaking,
}

/// One change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// Its impact.
    pub impact: Impact,
    /// What changed, in words.
    pub what: String,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let tag = match self.impact {
            Impact::Breaking => "BREAKING",
            Impact::Additive => "additive",
        };
        write!(f, "{tag}: {}", self.what)
    }
}

/// Why two catalogs cannot be compared.
#[derive(Debug, thiserror::Error)]
pub enum DiffError {
    /// A file is not catalog JSON.
    #[error("{which} catalog: {reason}; expected the JSON written by `dataface-telemetry catalog --format json`")]
    NotACatalog {
        /// `old` or `new`.
        which: &'static str,
        /// What is wrong with it.
        reason: String,
    },
}

/// The result of a comparison.
#[derive(Debug, Clone)]
pub struct Diff {
    /// Version of the old catalog.
    pub old_version: Version,
    /// Version of the new catalog.
    pub new_version: Version,
    /// Every change, breaking first.
    pub changes: Vec<Change>,
}

impl Diff {
    /// Whether anything breaking changed.
    pub fn is_breaking(&self) -> bool {
        self.changes.iter().any(|c| c.impact == Impact::Breaking)
    }

    /// Whether the new version's major is above the old one's.
    pub fn major_bumped(&self) -> bool {
        self.new_version.major > self.old_version.major
    }

    /// The version a breaking change needs: the next major after the old version.
    pub fn next_major(&self) -> Version {
        Version::new(self.old_version.major + 1, 0, 0)
    }

    /// Whether the change may land: nothing breaking, or a major version bump.
    pub fn acceptable(&self) -> bool {
        !self.is_breaking() || self.major_bumped()
    }
}

fn entries<'a>(catalog: &'a Value, list: &str, key: &str) -> Vec<(String, &'a Value)> {
    catalog["sections"]
        .as_array()
        .into_iter()
        .flatten()
        .flat_map(|s| s[list].as_array().into_iter().flatten())
        .filter_map(|e| e[key].as_str().map(|k| (k.to_owned(), e)))
        .collect()
}

fn find<'a>(list: &'a [(String, &'a Value)], key: &str) -> Option<&'a Value> {
    list.iter().find(|(k, _)| k == key).map(|(_, v)| *v)
}

fn check(which: &'static str, v: &Value) -> Result<Version, DiffError> {
    let text = v["version"]
        .as_str()
        .ok_or_else(|| DiffError::NotACatalog {
            which,
            reason: "no `version` string".into(),
        })?;
    let version = Version::parse(text).map_err(|e| DiffError::NotACatalog {
        which,
        reason: format!("version {text:?} is not a semantic version ({e})"),
    })?;
    if !v["sections"].is_array() {
        return Err(DiffError::NotACatalog {
            which,
            reason: "no `sections` list".into(),
        });
    }
    Ok(version)
}

/// Compares two catalogs in their JSON form.
///
/// # Errors
/// [`DiffError`] when either is not catalog JSON.
pub fn diff(old: &Value, new: &Value) -> Result<Diff, DiffError> {
    let old_version = check("old", old)?;
    let new_version = check("new", new)?;
    let mut changes = Vec::new();
    let mut push = |impact, what: String| changes.push(Change { impact, what });

    let (om, nm) = (
        entries(old, "metrics", "name"),
        entries(new, "metrics", "name"),
    );
    for (name, o) in &om {
        let Some(n) = find(&nm, name) else {
            push(Impact::Breaking, format!("metric {name} removed"));
            continue;
        };
        for field in ["kind", "unit"] {
            if o[field] != n[field] {
                push(
                    Impact::Breaking,
                    format!(
                        "metric {name}: {field} changed from {} to {}",
                        o[field], n[field]
                    ),
                );
            }
        }
        if o["buckets"] != n["buckets"] {
            push(
                Impact::Breaking,
                format!(
                    "metric {name}: buckets changed from {} to {}",
                    o["buckets"], n["buckets"]
                ),
            );
        }
        if o["description"] != n["description"] {
            push(
                Impact::Additive,
                format!("metric {name}: description changed"),
            );
        }
        if o["owner"] != n["owner"] {
            push(
                Impact::Additive,
                format!(
                    "metric {name}: owner changed from {} to {}",
                    o["owner"], n["owner"]
                ),
            );
        }
        let ol = labels(o);
        let nl = labels(n);
        for (key, ov) in &ol {
            match nl.iter().find(|(k, _)| k == key) {
                None => push(
                    Impact::Breaking,
                    format!("metric {name}: label {key} removed"),
                ),
                Some((_, nv)) => compare_values(name, key, ov, nv, &mut push),
            }
        }
        for (key, _) in &nl {
            if !ol.iter().any(|(k, _)| k == key) {
                push(
                    Impact::Additive,
                    format!("metric {name}: label {key} added"),
                );
            }
        }
    }
    for (name, _) in &nm {
        if find(&om, name).is_none() {
            push(Impact::Additive, format!("metric {name} added"));
        }
    }

    let (os, ns) = (entries(old, "spans", "name"), entries(new, "spans", "name"));
    for (name, o) in &os {
        let Some(n) = find(&ns, name) else {
            push(Impact::Breaking, format!("span {name} removed"));
            continue;
        };
        let keys = |v: &Value| -> Vec<String> {
            v["attributes"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|a| a["key"].as_str().map(str::to_owned))
                .collect()
        };
        let (ok, nk) = (keys(o), keys(n));
        for k in &ok {
            if !nk.contains(k) {
                push(
                    Impact::Breaking,
                    format!("span {name}: attribute {k} removed"),
                );
            }
        }
        for k in &nk {
            if !ok.contains(k) {
                push(
                    Impact::Additive,
                    format!("span {name}: attribute {k} added"),
                );
            }
        }
    }
    for (name, _) in &ns {
        if find(&os, name).is_none() {
            push(Impact::Additive, format!("span {name} added"));
        }
    }

    let (oe, ne) = (
        entries(old, "error_codes", "code"),
        entries(new, "error_codes", "code"),
    );
    for (code, o) in &oe {
        let Some(n) = find(&ne, code) else {
            push(Impact::Breaking, format!("error code {code} removed"));
            continue;
        };
        for field in ["class", "retryable", "severity", "owner", "surface"] {
            if o[field] != n[field] {
                push(
                    Impact::Breaking,
                    format!(
                        "error code {code}: {field} changed from {} to {}",
                        o[field], n[field]
                    ),
                );
            }
        }
        for field in ["summary", "remedy"] {
            if o[field] != n[field] {
                push(
                    Impact::Additive,
                    format!("error code {code}: {field} reworded"),
                );
            }
        }
    }
    for (code, _) in &ne {
        if find(&oe, code).is_none() {
            push(Impact::Additive, format!("error code {code} added"));
        }
    }

    let (oa, na) = (
        entries(old, "alerts", "name"),
        entries(new, "alerts", "name"),
    );
    for (name, o) in &oa {
        match find(&na, name) {
            None => push(Impact::Additive, format!("alert {name} removed")),
            Some(n) if n != *o => push(Impact::Additive, format!("alert {name} changed")),
            Some(_) => {}
        }
    }
    for (name, _) in &na {
        if find(&oa, name).is_none() {
            push(Impact::Additive, format!("alert {name} added"));
        }
    }

    let owner_ids = |catalog: &Value| -> Vec<String> {
        catalog["owners"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|o| o["id"].as_str().map(str::to_owned))
            .collect()
    };
    let (oo, no) = (owner_ids(old), owner_ids(new));
    for id in &oo {
        if !no.contains(id) {
            push(
                Impact::Breaking,
                format!("owner {id} removed (its routes in the owners file no longer validate)"),
            );
        }
    }
    for id in &no {
        if !oo.contains(id) {
            push(Impact::Additive, format!("owner {id} added"));
        }
    }
    let (old_sections, new_sections) = (section_owners(old), section_owners(new));
    for (surface, ids) in &new_sections {
        let before = old_sections
            .iter()
            .find(|(s, _)| s == surface)
            .map(|(_, ids)| ids.as_slice())
            .unwrap_or_default();
        for id in ids.iter().filter(|id| !before.contains(id)) {
            push(
                Impact::Additive,
                format!("section {surface}: declares owner {id}"),
            );
        }
        for id in before.iter().filter(|id| !ids.contains(id)) {
            push(
                Impact::Additive,
                format!("section {surface}: no longer declares owner {id}"),
            );
        }
    }

    changes.sort_by_key(|c| std::cmp::Reverse(c.impact));
    Ok(Diff {
        old_version,
        new_version,
        changes,
    })
}

/// Each section's surface and the owner ids it declares (none in catalogs written before
/// sections listed their owners).
fn section_owners(catalog: &Value) -> Vec<(String, Vec<String>)> {
    catalog["sections"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|s| {
            let ids = s["owners"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(|o| o.as_str().map(str::to_owned))
                .collect();
            s["surface"]
                .as_str()
                .map(|surface| (surface.to_owned(), ids))
        })
        .collect()
}

fn labels(metric: &Value) -> Vec<(String, Value)> {
    metric["labels"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|l| {
            l["key"]
                .as_str()
                .map(|k| (k.to_owned(), l["values"].clone()))
        })
        .collect()
}

fn compare_values(
    metric: &str,
    key: &str,
    old: &Value,
    new: &Value,
    push: &mut impl FnMut(Impact, String),
) {
    match (old.get("enumerated"), new.get("enumerated")) {
        (Some(o), Some(n)) => {
            let (o, n) = (
                o.as_array().cloned().unwrap_or_default(),
                n.as_array().cloned().unwrap_or_default(),
            );
            for v in &o {
                if !n.contains(v) {
                    push(
                        Impact::Breaking,
                        format!("metric {metric}: label {key} value {v} removed"),
                    );
                }
            }
            for v in &n {
                if !o.contains(v) {
                    push(
                        Impact::Additive,
                        format!("metric {metric}: label {key} value {v} added"),
                    );
                }
            }
        }
        _ => match (
            old.get("bounded").and_then(Value::as_u64),
            new.get("bounded").and_then(Value::as_u64),
        ) {
            (Some(o), Some(n)) if n < o => push(
                Impact::Breaking,
                format!("metric {metric}: label {key} bound lowered from {o} to {n}"),
            ),
            (Some(o), Some(n)) if n > o => push(
                Impact::Additive,
                format!("metric {metric}: label {key} bound raised from {o} to {n}"),
            ),
            (Some(_), Some(_)) => {}
            _ => push(
                Impact::Breaking,
                format!("metric {metric}: label {key} value set changed from {old} to {new}"),
            ),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn catalog(version: &str, owners: &[&str]) -> Value {
        json!({
            "version": version,
            "owners": owners.iter().map(|id| json!({"id": id, "description": "x"})).collect::<Vec<_>>(),
            "sections": [],
        })
    }

    #[test]
    fn versions_are_semantic_and_a_major_bump_lets_a_breaking_change_through() {
        let d = diff(
            &catalog("1.4.2", &["a", "b"]),
            &catalog("1.5.0", &["a", "c"]),
        )
        .unwrap();
        let lines: Vec<String> = d.changes.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            [
                "BREAKING: owner b removed (its routes in the owners file no longer validate)",
                "additive: owner c added"
            ]
        );
        assert!(!d.major_bumped() && !d.acceptable());
        assert_eq!(d.next_major().to_string(), "2.0.0");
        let d = diff(
            &catalog("1.4.2", &["a", "b"]),
            &catalog("2.0.0-rc.1", &["a"]),
        )
        .unwrap();
        assert!(d.major_bumped() && d.acceptable());
    }

    #[test]
    fn owners_declared_by_a_section_are_reported() {
        let with = |owners: &[&str]| {
            json!({
                "version": "1.0.0",
                "sections": [{"surface": "compiler", "owners": owners}],
            })
        };
        let d = diff(
            &with(&["core-compiler"]),
            &with(&["core-compiler", "billing"]),
        )
        .unwrap();
        let lines: Vec<String> = d.changes.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            ["additive: section compiler: declares owner billing"]
        );
        let d = diff(&with(&["core-compiler", "billing"]), &with(&["billing"])).unwrap();
        let lines: Vec<String> = d.changes.iter().map(ToString::to_string).collect();
        assert_eq!(
            lines,
            ["additive: section compiler: no longer declares owner core-compiler"]
        );
        assert!(d.acceptable());
    }

    #[test]
    fn a_version_that_is_not_semantic_is_not_a_catalog() {
        for bad in ["1.4", "v1.4.0", "01.4.0"] {
            let err = diff(&catalog("1.4.0", &[]), &catalog(bad, &[])).unwrap_err();
            assert!(
                err.to_string().contains("new catalog: version") && err.to_string().contains(bad),
                "{err}"
            );
        }
    }
}
