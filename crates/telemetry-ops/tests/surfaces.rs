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
            assert_eq!(
                bad.matchers,
                &[Matcher::eq("dataface.semantic.verdict", "corrected")]
            );
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
        // Payment refusals page billing; the rest is cloud-suite's.
        let owner = if a.name.contains("Payment") {
            cloud_probes::catalog::BILLING
        } else {
            cloud_probes::catalog::CLOUD_SUITE
        };
        assert_eq!(a.owner, owner, "{}", a.name);
    }
    let payment = alerts::cloud::ALERTS
        .iter()
        .find(|a| a.name == "CloudPaymentRequiredSpike")
        .unwrap();
    match payment.objective {
        Objective::ErrorRatio(r) => assert_eq!(
            r.bad.matchers,
            &[Matcher::eq("error.type", "payment_required")]
        ),
        other => panic!("a ratio, not {}", other.kind()),
    }
    let failed = alerts::cloud::ALERTS
        .iter()
        .find(|a| a.name == "CloudProjectLeftFailed")
        .unwrap();
    assert_eq!(
        (failed.objective.kind(), failed.severity),
        ("stuck", AlertSeverity::Ticket)
    );
    // "Provisioning stuck for 30 minutes" pages.
    let stuck = alerts::cloud::ALERTS
        .iter()
        .find(|a| a.name == "CloudProvisioningStuck")
        .unwrap();
    assert_eq!(stuck.severity, AlertSeverity::Page);
    const STUCK: Objective = Objective::Stuck(Stuck {
        timestamp: &cloud_probes::catalog::TRANSITIONAL_SINCE,
        matchers: &[Matcher::eq("dataface.cloud.project.state", "provisioning")],
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
        // A shared outage reads every owner's failures; the others read their owner's only.
        if a.objective.kind() != "coincidence" {
            for m in a.objective.metrics() {
                assert_eq!(m.owner, owner, "{} reads {}", a.name, m.name);
            }
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
    // Judged on the oldest pending event's age, not on the count: steady traffic always
    // has events in flight.
    const PENDING: Objective = Objective::Stuck(Stuck {
        timestamp: &integrations_probes::catalog::BILLING_OLDEST_PENDING,
        matchers: &[],
        max_age: 1800,
    });
    assert_eq!(
        (pending.objective, pending.severity),
        (PENDING, AlertSeverity::Page)
    );
    // Expired certificates are counted apart; the expiry alerts read the soonest valid one.
    for a in alerts::integrations::ALERTS {
        if let Objective::Expiry(e) = a.objective {
            assert_eq!(
                *e.timestamp,
                integrations_probes::catalog::CERTIFICATE_SOONEST_VALID_EXPIRY,
                "{}",
                a.name
            );
        }
    }
    let expired = alerts::integrations::ALERTS
        .iter()
        .find(|a| a.name == "IntegrationsCertificateExpired")
        .unwrap();
    assert_eq!(expired.severity, AlertSeverity::Ticket);
    // Fivetran going silent pages.
    let silent = alerts::integrations::ALERTS
        .iter()
        .find(|a| a.name == "IntegrationsFivetranWebhooksSilent")
        .unwrap();
    assert_eq!(
        (silent.objective.kind(), silent.severity),
        ("silence", AlertSeverity::Page)
    );
    // The domain budget leaves out customers' DNS mistakes; they get a ticket of their own.
    let budget = alerts::integrations::ALERTS
        .iter()
        .find(|a| a.name == "IntegrationsDomainChecksFailing")
        .unwrap();
    match budget.objective {
        Objective::ErrorRatio(r) => {
            for user in ["mismatch", "nxdomain"] {
                assert!(
                    r.bad
                        .matchers
                        .contains(&Matcher::ne("dataface.outcome", user)),
                    "{user} counts against the budget"
                );
            }
        }
        other => panic!("a ratio, not {}", other.kind()),
    }
    let customers = alerts::integrations::ALERTS
        .iter()
        .find(|a| a.name == "IntegrationsCustomerDomainsMisconfigured")
        .unwrap();
    assert_eq!(customers.severity, AlertSeverity::Ticket);
}

#[test]
fn runbooks_ask_for_nothing_telemetry_cannot_show_and_reconcile_outside_rollback() {
    for surface in OPERATIONS.surfaces {
        for a in surface.alerts {
            let r = &a.runbook;
            let steps = r
                .first_checks
                .iter()
                .chain(r.mitigation)
                .chain(r.rollback)
                .chain([&r.meaning, &r.escalation, &r.user_message]);
            for step in steps {
                // Spans are exported when they end: an open span cannot be looked up.
                assert!(
                    !step.contains("still open"),
                    "{}: {step:?} asks for an unfinished span",
                    a.name
                );
            }
            // Reconciling billing rolls nothing back: it is a mitigation step.
            for step in r.rollback {
                assert!(
                    !step.to_lowercase().contains("reconcil"),
                    "{}: {step:?} is a reconciliation under Roll back",
                    a.name
                );
            }
        }
    }
    let lost = alerts::integrations::ALERTS
        .iter()
        .filter(|a| {
            a.runbook
                .mitigation
                .iter()
                .any(|s| s.contains("Reconcile each against the billing provider"))
        })
        .map(|a| a.name)
        .collect::<BTreeSet<_>>();
    assert_eq!(
        lost,
        BTreeSet::from([
            "BillingChargeRecordFailed",
            "BillingEventAbandoned",
            "BillingNotReporting"
        ])
    );
}

#[test]
fn user_class_codes_are_derived_from_the_catalog_and_left_out_of_the_budgets() {
    use telemetry_core::catalog::ErrorClass;
    // Every user-class code the compile error counter declares is excluded from the compile
    // budget, and every other one from the user-error ticket; the same for resolutions.
    let cases: [(&str, &str, &[telemetry_core::catalog::ErrorCodeSpec]); 4] = [
        (
            "CompilerCompileErrorBudgetBurn",
            "budget",
            compiler_probes::CompileError::SPECS,
        ),
        (
            "CompilerUserErrorsHigh",
            "user",
            compiler_probes::CompileError::SPECS,
        ),
        (
            "CatalogResolutionErrorBudgetBurn",
            "budget",
            context_probes::ContextError::SPECS,
        ),
        (
            "CatalogUserResolutionErrorsHigh",
            "user",
            context_probes::ContextError::SPECS,
        ),
    ];
    for (name, side, codes) in cases {
        let alert = OPERATIONS
            .surfaces
            .iter()
            .flat_map(|s| s.alerts)
            .find(|a| a.name == name)
            .unwrap();
        let Objective::ErrorRatio(r) = alert.objective else {
            panic!("{name} is a ratio")
        };
        let excluded: BTreeSet<&str> = r
            .bad
            .matchers
            .iter()
            .filter(|m| m.label == "error.type")
            .map(|m| m.value)
            .collect();
        let label = r.bad.metric.label("error.type").unwrap();
        let telemetry_core::catalog::LabelValues::Enumerated(values) = label.values else {
            panic!("error.type is enumerated")
        };
        for v in values {
            let user = codes
                .iter()
                .any(|c| c.code == *v && c.class == ErrorClass::User);
            // Stale profiles are served, not failed: watched by CatalogServingStaleProfiles.
            let served = name == "CatalogResolutionErrorBudgetBurn" && *v == "stale_profile_data";
            let should_exclude = if side == "budget" {
                user || served
            } else {
                !user
            };
            assert_eq!(
                excluded.contains(v),
                should_exclude,
                "{name}: error.type {v} (user class: {user})"
            );
        }
    }
    assert!(alerts::context::ALERTS
        .iter()
        .find(|a| a.name == "CatalogResolutionErrorBudgetBurn")
        .map(|a| match a.objective {
            Objective::ErrorRatio(r) => r
                .bad
                .matchers
                .contains(&Matcher::ne("error.type", "schema_not_found")),
            _ => false,
        })
        .unwrap());
}

#[test]
fn every_inhibition_source_has_an_alert_that_carries_it() {
    use telemetry_ops::rules::{alert_rules, RunbookLinks};
    let links = RunbookLinks {
        base: "runbooks".into(),
    };
    let rules: Vec<_> = OPERATIONS
        .surfaces
        .iter()
        .flat_map(|s| alert_rules(s.section.surface, s.alerts, &links))
        .collect();
    // A shared-infrastructure outage carries scope="shared" (it inhibits the downstream
    // integrations, billing and cloud pages) ...
    let shared: Vec<&str> = rules
        .iter()
        .filter(|r| r.labels.scope.as_deref() == Some("shared"))
        .map(|r| r.alert.as_str())
        .collect();
    assert_eq!(shared, ["IntegrationsSharedInfrastructureOutage"]);
    // ... and a telemetry page (a collector outage read on the scrape path) inhibits the
    // NotReporting pages.
    let telemetry_pages: Vec<&str> = rules
        .iter()
        .filter(|r| r.labels.surface == "telemetry" && r.labels.severity == "page")
        .map(|r| r.alert.as_str())
        .collect();
    assert_eq!(telemetry_pages, ["TelemetryCollectorDown"]);
}
