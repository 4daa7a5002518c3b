//! The catalog as JSON for tooling (`ops/catalog.json`, `dataface-ops diff`): version, the
//! owners every section declares, and each section with its alerts.

use crate::alert::AlertSpec;
use crate::Product;
use serde::Serialize;
use telemetry_core::catalog::Section;

#[derive(Serialize)]
struct OwnerRecord {
    id: &'static str,
    description: &'static str,
}

#[derive(Serialize)]
struct SectionJson {
    #[serde(flatten)]
    section: &'static Section,
    alerts: &'static [AlertSpec],
}

#[derive(Serialize)]
struct CatalogJson<'a> {
    version: &'a str,
    owners: Vec<OwnerRecord>,
    sections: Vec<SectionJson>,
}

/// The JSON form of the product: the catalog, its owners and every section's alerts.
pub fn catalog_json(product: &Product) -> String {
    let catalog = product.catalog;
    serde_json::to_string_pretty(&CatalogJson {
        version: catalog.version,
        owners: catalog
            .owners()
            .into_iter()
            .map(|o| OwnerRecord {
                id: o.id,
                description: o.description,
            })
            .collect(),
        sections: catalog
            .sections
            .iter()
            .map(|&section| SectionJson {
                section,
                alerts: product.alerts_of(section),
            })
            .collect(),
    })
    .expect("the catalog serialises: it holds only strings, numbers and enums")
}
