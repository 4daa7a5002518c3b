//! Every surface's alerts, where they are declared: each surface has alerts, they read only
//! their own section's metrics, page that surface's owners, and watch its failure modes.

use std::collections::BTreeSet;
use telemetry_ops::alert::AlertSeverity;
use telemetry_ops::alerts;
use telemetry_ops::objective::{ErrorRatio, Expiry, Freshness, Matcher, Objective, Stuck};
use telemetry_ops::OPERATIONS;

#[test]
fn the_product_catalog_and_every_alert_are_valid() {
    if let Err(e) = OPERATIONS.validate() {
        panic!("{e}");
    }
}

#[test]
fn every_surface_has_alerts_that_read_only_its_own_metrics() {
    assert_eq!(
        OPERATIONS.surfaces.len(),
        OPERATIONS.catalog.sections.len(),
        "one alert module per section of the product catalog"
    );
    for (surface, section) in OPERATIONS.surfaces.iter().zip(OPERATIONS.catalog.sections) {
        assert_eq!(
            surface.section, *section,
            "surfaces follow the catalog's order"
        );
        assert!(
            !surface.alerts.is_empty(),
            "the {} section has no alert: every task card asks for alerts on its failure modes",
            section.surface
        );
        for alert in surface.alerts {
            for metric in alert.objective.metrics() {
                assert!(
                    section.metrics.contains(metric),
                    "alert {} reads {}, which the {} section does not declare",
                    alert.name,
                    metric.name,
                    section.surface
                );
            }
            assert!(
                section.owners.contains(&alert.owner),
                "alert {} pages {}, which the {} section does not declare",
                alert.name,
                alert.owner.id,
                section.surface
            );
        }
    }
}

#[test]
fn the_telemetry_alerts_page_the_observability_platform_on_drops() {
    use telemetry_core::catalog::owners::OBSERVABILITY_PLATFORM;
    for a in alerts::telemetry::ALERTS {
        assert!(a.name.starts_with("Telemetry"), "{}", a.name);
        assert_eq!(a.owner, OBSERVABILITY_PLATFORM, "{}", a.name);
        assert_eq!(
            a.objective.metrics().next(),
            Some(&telemetry_core::self_metrics::DROPPED_SPEC)
        );
    }
}

#[test]
fn the_compiler_alerts_have_its_owners_and_watch_its_failure_modes() {
    for a in alerts::compiler::ALERTS {
        assert!(a.name.starts_with("Compiler"), "{}", a.name);
        assert_eq!(
            a.owner,
            compiler_probes::catalog::CORE_COMPILER,
            "{}",
            a.name
        );
    }
    let kinds: BTreeSet<_> = alerts::compiler::ALERTS
        .iter()
        .map(|a| a.objective.kind())
        .collect();
    for kind in [
        "error_ratio",
        "latency",
        "broken_state",
        "absence",
        "threshold",
    ] {
        assert!(kinds.contains(kind), "no {kind} alert");
    }
    // A bad release is rolled back in two steps: the release and the contract version.
    let burn = alerts::compiler::ALERTS
        .iter()
        .find(|a| a.name == "CompilerCompileErrorBudgetBurn")
        .unwrap();
    assert_eq!(burn.severity, AlertSeverity::Page);
    let rollback = burn.runbook.rollback.join(" ");
    assert!(rollback.contains("previous compiler release"), "{rollback}");
    assert!(rollback.contains("previous contract version"), "{rollback}");
    let release = alerts::compiler::ALERTS
        .iter()
        .find(|a| a.name == "CompilerReleaseNotReporting")
        .unwrap();
    assert_eq!(
        release.objective.metrics().next(),
        Some(&compiler_probes::catalog::CONTRACT_SUPPORT)
    );
    assert!(telemetry_ops::json::catalog_json(&OPERATIONS)
        .contains("\"CompilerCompileErrorBudgetBurn\""));
}

#[test]
fn the_context_alerts_have_its_owners_and_watch_its_failure_modes() {
    for a in alerts::context::ALERTS {
        assert!(a.name.starts_with("Catalog"), "{}", a.name);
        assert_eq!(
            a.owner,
            context_probes::catalog::CONTEXT_CATALOG,
            "{}",
            a.name
        );
    }
    let stale = alerts::context::ALERTS
        .iter()
        .find(|a| a.name == "CatalogRefreshStale")
        .unwrap();
    assert_eq!(stale.severity, AlertSeverity::Page);
    assert!(matches!(
        stale.objective,
        Objective::Freshness(Freshness { timestamp, max_age: 3600, .. }) if *timestamp == context_probes::catalog::LAST_SUCCESS
    ));
    // Payload rejections and breaking changes must never happen unseen.
    for name in [
        "CatalogContextPayloadRejected",
        "CatalogBreakingContractChange",
    ] {
        let a = alerts::context::ALERTS
            .iter()
            .find(|a| a.name == name)
            .unwrap();
        assert_eq!(a.objective.kind(), "broken_state", "{name}");
    }
}

#[test]
fn the_profiler_alerts_have_its_owners_and_watch_its_failure_modes() {
    for a in alerts::profiler::ALERTS {
        assert!(a.name.starts_with("Profiler"), "{}", a.name);
        assert_eq!(
            a.owner,
            profiler_probes::catalog::INSPECT_PROFILER,
            "{}",
            a.name
        );
    }
    let accuracy = alerts::profiler::ALERTS
        .iter()
        .find(|a| a.name == "ProfilerSemanticTypeAccuracy")
        .unwrap();
    match accuracy.objective {
        Objective::ErrorRatio(ErrorRatio {
            bad, total, target, ..
        }) => {
            assert_eq!(*bad.metric, profiler_probes::catalog::SEMANTIC_FEEDBACK);
            assert_eq!(bad.matchers, &[Matcher::eq("verdict", "corrected")]);
            assert_eq!(
                (*total.metric, total.matchers.len()),
                (profiler_probes::catalog::SEMANTIC_FEEDBACK, 0)
            );
            assert_eq!(target, 0.9);
        }
        other => panic!("accuracy is a ratio, not {}", other.kind()),
    }
}

#[test]
fn the_cloud_alerts_have_its_owners_and_watch_its_failure_modes() {
    for a in alerts::cloud::ALERTS {
        assert!(a.name.starts_with("Cloud"), "{}", a.name);
        assert_eq!(a.owner, cloud_probes::catalog::CLOUD_SUITE, "{}", a.name);
    }
    // "Provisioning stuck for 30 minutes" pages.
    let stuck = alerts::cloud::ALERTS
        .iter()
        .find(|a| a.name == "CloudProvisioningStuck")
        .unwrap();
    assert_eq!(stuck.severity, AlertSeverity::Page);
    const STUCK: Objective = Objective::Stuck(Stuck {
        timestamp: &cloud_probes::catalog::TRANSITIONAL_SINCE,
        matchers: &[Matcher::eq("state", "provisioning")],
        max_age: 1800,
    });
    assert_eq!(stuck.objective, STUCK);
    let invalid = alerts::cloud::ALERTS
        .iter()
        .find(|a| a.name == "CloudInvalidLifecycleTransition")
        .unwrap();
    assert_eq!(invalid.objective.kind(), "broken_state");
    assert_eq!(
        invalid.objective.metrics().next(),
        Some(&cloud_probes::catalog::INVALID_TRANSITIONS)
    );
}

#[test]
fn the_integrations_alerts_have_its_owners_and_watch_its_failure_modes() {
    for a in alerts::integrations::ALERTS {
        // Billing alerts page billing; the rest integrations-platform.
        let owner = if a.name.starts_with("Billing") {
            integrations_probes::catalog::BILLING
        } else {
            assert!(a.name.starts_with("Integrations"), "{}", a.name);
            integrations_probes::catalog::INTEGRATIONS_PLATFORM
        };
        assert_eq!(a.owner, owner, "{}", a.name);
        for m in a.objective.metrics() {
            assert_eq!(m.owner, owner, "{} reads {}", a.name, m.name);
        }
    }
    // Two expiry alerts on the soonest certificate: a ticket at 14 days, a page at 3.
    let expiry: BTreeSet<_> = alerts::integrations::ALERTS
        .iter()
        .filter_map(|a| match a.objective {
            Objective::Expiry(Expiry { min_remaining, .. }) => {
                Some((min_remaining / 86_400, a.severity))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        expiry,
        BTreeSet::from([(3, AlertSeverity::Page), (14, AlertSeverity::Ticket)])
    );
    let pending = alerts::integrations::ALERTS
        .iter()
        .find(|a| a.name == "BillingEventsPending")
        .unwrap();
    assert_eq!(
        (pending.objective.kind(), pending.severity),
        ("threshold", AlertSeverity::Page)
    );
}
