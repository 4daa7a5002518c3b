//! The rules every alert keeps, each violation named by alert and rule.

mod fixture;

use telemetry_core::catalog::{Catalog, MetricSpec, Owner};
use telemetry_ops::alert::AlertSpec;
use telemetry_ops::alerts::{validate, validate_for, AlertRule, Surface};
use telemetry_ops::native::Histograms;
use telemetry_ops::objective::{
    Absence, BrokenState, Coincidence, ErrorRatio, Events, Expiry, FleetShare, Freshness, Latency,
    Matcher, Objective, Silence, Threshold,
};

/// The fixture's section with these alerts.
fn with(alerts: Vec<AlertSpec>) -> Vec<Surface> {
    vec![Surface {
        section: &fixture::SECTION,
        alerts: alerts.leak(),
    }]
}

/// The fixture's first alert with another objective.
fn alert(objective: Objective) -> AlertSpec {
    AlertSpec {
        objective,
        ..fixture::ALERTS[0]
    }
}

#[track_caller]
fn expect(surfaces: &[Surface], entry: &str, rule: AlertRule, detail: &str) {
    let errors = match validate(&fixture::CATALOG, surfaces) {
        Ok(()) => panic!("expected {entry} to break {rule:?}"),
        Err(e) => e,
    };
    let found = errors
        .0
        .iter()
        .find(|v| v.entry == entry && v.rule == rule && v.detail.contains(detail))
        .unwrap_or_else(|| {
            panic!("no {rule:?} error for {entry} with {detail:?} among:\n{errors}")
        });
    let shown = found.to_string();
    assert!(
        shown.contains(entry) && shown.contains(&format!("{rule:?}")),
        "{shown}"
    );
}

const ENTRY: &str = "alert FxErrorBudgetBurn";

#[test]
fn the_fixture_with_one_alert_of_every_kind_is_valid() {
    validate(&fixture::CATALOG, fixture::PRODUCT.surfaces).unwrap();
    let kinds: std::collections::BTreeSet<_> =
        fixture::ALERTS.iter().map(|a| a.objective.kind()).collect();
    assert_eq!(kinds.len(), 7, "{kinds:?}");
}

#[test]
fn a_duplicate_or_non_camel_name_is_rejected() {
    let twice = with(vec![fixture::ALERTS[0], fixture::ALERTS[0]]);
    expect(&twice, ENTRY, AlertRule::UniqueName, "declared twice");
    let snake = with(vec![AlertSpec {
        name: "fx_error_budget_burn",
        ..fixture::ALERTS[0]
    }]);
    expect(
        &snake,
        "alert fx_error_budget_burn",
        AlertRule::NamingConvention,
        "UpperCamelCase",
    );
}

#[test]
fn an_owner_no_section_declares_is_rejected() {
    let nobody = with(vec![AlertSpec {
        owner: Owner {
            id: "nobody",
            description: "x",
        },
        ..fixture::ALERTS[0]
    }]);
    expect(
        &nobody,
        ENTRY,
        AlertRule::KnownOwner,
        "unknown owner \"nobody\"",
    );
}

#[test]
fn an_alert_without_runbook_text_is_rejected() {
    let mut a = fixture::ALERTS[0];
    a.runbook.user_message = " ";
    expect(&with(vec![a]), ENTRY, AlertRule::Documented, "user message");
}

#[test]
fn alerts_on_a_section_outside_the_catalog_are_rejected() {
    static OTHER: telemetry_core::catalog::Section = telemetry_core::catalog::Section {
        surface: "other",
        metrics: &[],
        spans: &[],
        events: &[],
        error_codes: &[],
        owners: &[],
        series_budget: telemetry_core::catalog::DEFAULT_SERIES_BUDGET,
    };
    let surfaces = [Surface {
        section: &OTHER,
        alerts: &[],
    }];
    expect(
        &surfaces,
        "surface other",
        AlertRule::Surface,
        "does not hold",
    );
}

const UNDECLARED: MetricSpec = MetricSpec {
    name: "dataface.fx.undeclared",
    ..fixture::RUNS
};

const UNDECLARED_LABEL: &[Matcher] = &[Matcher::eq("dataface.compile.stage", "x")];
const UNDECLARED_VALUE: &[Matcher] = &[Matcher::ne("dataface.outcome", "cancelled")];

#[test]
fn an_objective_on_an_undeclared_metric_label_or_value_is_rejected() {
    let cases = [
        (
            Events {
                metric: &UNDECLARED,
                matchers: &[],
            },
            "which the catalog does not declare",
        ),
        (
            Events {
                metric: &fixture::RUNS,
                matchers: UNDECLARED_LABEL,
            },
            "matches label \"dataface.compile.stage\"",
        ),
        (
            Events {
                metric: &fixture::RUNS,
                matchers: UNDECLARED_VALUE,
            },
            "outside the declared values",
        ),
    ];
    for (bad, detail) in cases {
        let a = alert(Objective::ErrorRatio(ErrorRatio {
            bad,
            total: Events {
                metric: &fixture::RUNS,
                matchers: &[],
            },
            target: 0.99,
            by: &[],
            min_events: 10,
        }));
        expect(&with(vec![a]), ENTRY, AlertRule::Objective, detail);
    }
    // The same name, declared differently, is not the catalog's metric.
    let changed = MetricSpec {
        description: "Something else.",
        ..fixture::RUNS
    };
    let a = alert(Objective::BrokenState(BrokenState {
        events: Events {
            metric: Box::leak(Box::new(changed)),
            matchers: &[],
        },
        window: 60,
    }));
    expect(
        &with(vec![a]),
        ENTRY,
        AlertRule::Objective,
        "as declared elsewhere",
    );
}

#[test]
fn each_kind_keeps_its_own_rules() {
    let cases = [
        (
            Objective::ErrorRatio(ErrorRatio {
                bad: Events {
                    metric: &fixture::PENDING,
                    matchers: &[],
                },
                total: Events {
                    metric: &fixture::RUNS,
                    matchers: &[],
                },
                target: 1.0,
                by: &[],
                min_events: 10,
            }),
            vec!["a ratio counts events", "target 1 is not strictly between"],
        ),
        (
            Objective::Latency(Latency {
                histogram: &fixture::DURATION,
                matchers: &[],
                threshold: 0.75,
                target: 0.0,
                by: &[],
                min_events: 10,
            }),
            vec![
                "lies between the buckets",
                "target 0 is not strictly between",
            ],
        ),
        (
            Objective::Latency(Latency {
                histogram: &fixture::RUNS,
                matchers: &[],
                threshold: 1.0,
                target: 0.9,
                by: &[],
                min_events: 10,
            }),
            vec!["a latency objective needs a histogram"],
        ),
        (
            Objective::Freshness(Freshness {
                timestamp: &fixture::PENDING,
                matchers: &[],
                max_age: 60,
                attempts: None,
            }),
            vec!["a timestamp is in seconds"],
        ),
        (
            Objective::Expiry(Expiry {
                timestamp: &fixture::RUNS,
                matchers: &[],
                min_remaining: 60,
            }),
            vec!["a timestamp is a gauge", "a timestamp is in seconds"],
        ),
        (
            Objective::BrokenState(BrokenState {
                events: Events {
                    metric: &fixture::DURATION,
                    matchers: &[],
                },
                window: 0,
            }),
            vec!["a counter that must not move", "a zero look-back window"],
        ),
        (
            Objective::Absence(Absence {
                metric: &fixture::SUPPORT,
                matchers: &[],
                for_seconds: 0,
            }),
            vec!["a zero absence duration"],
        ),
        (
            Objective::Threshold(Threshold {
                gauge: &fixture::RUNS,
                matchers: &[],
                max: f64::INFINITY,
                for_seconds: 60,
            }),
            vec!["a threshold applies to a gauge", "not finite"],
        ),
        (
            Objective::Silence(Silence {
                events: Events {
                    metric: &fixture::PENDING,
                    matchers: &[],
                },
                window: 60,
                min_events: 0,
            }),
            vec![
                "a silence counts events",
                "the alert could never fire",
                "shorter than 5m",
            ],
        ),
        (
            Objective::Coincidence(Coincidence {
                signals: &[
                    (
                        "a",
                        Events {
                            metric: &fixture::PENDING,
                            matchers: &[],
                        },
                    ),
                    (
                        "a",
                        Events {
                            metric: &fixture::RUNS,
                            matchers: &[],
                        },
                    ),
                ],
                min_signals: 1,
                window: 900,
            }),
            vec![
                "a coincidence counts failing events",
                "min_signals 1 must be at least 2",
                "signal names must be unique",
            ],
        ),
        (
            Objective::FleetShare(FleetShare {
                events: Events {
                    metric: &fixture::PENDING,
                    matchers: &[],
                },
                window: 600,
                min_share: 1.5,
            }),
            vec![
                "a fleet share counts events",
                "min_share 1.5 is not in (0, 1]",
            ],
        ),
    ];
    for (objective, details) in cases {
        let surfaces = with(vec![alert(objective)]);
        for detail in details {
            expect(&surfaces, ENTRY, AlertRule::Objective, detail);
        }
    }
}

#[test]
fn the_product_validation_reports_catalog_and_alert_violations() {
    let catalog: &'static Catalog = Box::leak(Box::new(Catalog {
        version: "2",
        ..fixture::CATALOG
    }));
    let product = telemetry_ops::Product {
        catalog,
        surfaces: fixture::PRODUCT.surfaces,
    };
    let e = product.validate().unwrap_err().to_string();
    assert!(e.contains("catalog version \"2\""), "{e}");
    let product = telemetry_ops::Product {
        catalog: &fixture::CATALOG,
        surfaces: with(vec![fixture::ALERTS[0], fixture::ALERTS[0]]).leak(),
    };
    let e = product.validate().unwrap_err().to_string();
    assert!(e.contains("alert FxErrorBudgetBurn: declared twice"), "{e}");
}

#[test]
fn a_latency_threshold_between_buckets_needs_native_histograms() {
    // 0.75 s lies between the fixture histogram's buckets 0.5 and 1.
    let between = alert(Objective::Latency(Latency {
        histogram: &fixture::DURATION,
        matchers: &[],
        threshold: 0.75,
        target: 0.95,
        by: &[],
        min_events: 10,
    }));
    let surfaces = with(vec![between]);
    // A classic scrape cannot judge it; the error names the way out.
    expect(
        &surfaces,
        ENTRY,
        AlertRule::Objective,
        "or deploy with native histograms (DATAFACE_PROMETHEUS_HISTOGRAMS=native",
    );
    // Native histograms judge any threshold: the same alert is valid for them, and the
    // native package reads it with histogram_fraction at 0.75.
    validate_for(&fixture::CATALOG, &surfaces, Histograms::Native).unwrap();
    let names = telemetry_ops::native::histogram_names(&fixture::CATALOG);
    let rules = telemetry_ops::rules::recording_rules(surfaces[0].alerts);
    let ratio = rules
        .iter()
        .find(|r| r.record.ends_with(":bad_ratio_rate5m"))
        .expect("a burn-rate alert records its bad ratio");
    let native = telemetry_ops::native::rewrite(&ratio.expr, &names).unwrap();
    assert!(
        native.contains("histogram_fraction(0, 0.75, rate(dataface_fx_duration_seconds[5m]))"),
        "{native}"
    );
    assert!(!native.contains("_bucket"), "{native}");
    // A threshold on a boundary is valid for both.
    let on = alert(Objective::Latency(Latency {
        threshold: 1.0,
        ..match between.objective {
            Objective::Latency(l) => l,
            _ => unreachable!(),
        }
    }));
    for histograms in [Histograms::Classic, Histograms::Native] {
        validate_for(&fixture::CATALOG, &with(vec![on]), histograms).unwrap();
    }
}
