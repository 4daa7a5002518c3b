//! Every API call emits exactly the signals its catalog entry promises; the captured signals
//! conform to the catalog; the crate's tests cover all of it.

use context_probes::catalog::{self, *};
use context_probes::*;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use telemetry_testing::{Capture, Captured, Coverage, MetricValue};
use tracing::Level;

/// Runs `scenario` with fresh probes inside a fresh capture, checks conformance, and returns
/// what it emitted (untouched pre-registered handles aside).
fn run(scenario: impl FnOnce(&ContextProbes)) -> Captured {
    let capture = Capture::new();
    capture.in_scope(|| scenario(&ContextProbes::new()));
    let signals = capture.signals();
    signals.assert_conforms(&catalog::CATALOG);
    signals
}

fn now_secs() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

/// The value of the one last-success series of `source`.
fn last_success(s: &Captured, source: &str) -> f64 {
    match s
        .metric(&LAST_SUCCESS)
        .with("dataface.catalog.source.type", source)
        .one()
        .value
    {
        MetricValue::Gauge(v) => v,
        ref other => panic!("not a gauge: {other:?}"),
    }
}

fn resolution_resolved(p: &ContextProbes) {
    p.resolve(Consumer::Dashboards, "analytics.orders")
        .resolved();
}

fn resolution_stale(p: &ContextProbes) {
    p.resolve(Consumer::Mcp, "analytics.orders")
        .served_stale_profile(Duration::from_secs(7_200));
}

fn resolution_failed(p: &ContextProbes) {
    p.resolve(Consumer::Ide, "analytics.refunds")
        .fail(ContextError::SchemaNotFound);
}

fn resolution_abandoned(p: &ContextProbes) {
    let _forgotten = p.resolve(Consumer::Dashboards, "analytics.orders");
}

fn refresh_succeeded(p: &ContextProbes) {
    p.refresh(Source::WarehouseSchema, "snowflake-prod")
        .succeeded(1_840);
}

fn refresh_failed(p: &ContextProbes) {
    p.refresh(Source::Profiles, "snowflake-prod")
        .fail(ContextError::CatalogRefreshTimeout);
}

fn refresh_abandoned(p: &ContextProbes) {
    let _forgotten = p.refresh(Source::DbtManifest, "jaffle_shop");
}

fn context_within(p: &ContextProbes) {
    let check = p.context(Consumer::Ide, "analytics.orders").deliver(
        10_000,
        65_536,
        BreachAction::Truncated,
    );
    assert_eq!(check, PayloadCheck::Within);
}

fn context_truncated(p: &ContextProbes) {
    let check =
        p.context(Consumer::Mcp, "analytics")
            .deliver(300_000, 262_144, BreachAction::Truncated);
    assert_eq!(check, PayloadCheck::Breached(BreachAction::Truncated));
}

fn context_rejected(p: &ContextProbes) {
    let check =
        p.context(Consumer::Mcp, "analytics")
            .deliver(900_000, 262_144, BreachAction::Rejected);
    assert_eq!(check, PayloadCheck::Breached(BreachAction::Rejected));
}

fn context_failed(p: &ContextProbes) {
    p.context(Consumer::Dashboards, "analytics.gone")
        .fail(ContextError::SchemaNotFound);
}

fn context_abandoned(p: &ContextProbes) {
    let _forgotten = p.context(Consumer::Ide, "analytics.orders");
}

fn payload_helper(p: &ContextProbes) {
    assert_eq!(
        p.context_payload(
            Consumer::Dashboards,
            20_000,
            131_072,
            BreachAction::Rejected
        ),
        PayloadCheck::Within
    );
    assert_eq!(
        p.context_payload(
            Consumer::Dashboards,
            200_000,
            131_072,
            BreachAction::Rejected
        ),
        PayloadCheck::Breached(BreachAction::Rejected)
    );
}

fn contract_changes(p: &ContextProbes) {
    p.contract_change(ContractChange::Additive, "customers");
    p.contract_change(ContractChange::Breaking, "orders");
}

fn enrichment_runs(p: &ContextProbes) {
    p.enrichment("analytics").succeeded(240);
    p.enrichment("finance").partial(120, 4);
    p.enrichment("marketing")
        .fail(ContextError::EnrichmentFailed);
    let _forgotten = p.enrichment("sales");
}

fn restored_freshness(p: &ContextProbes) {
    p.restore_last_success(
        Source::Profiles,
        SystemTime::now() - Duration::from_secs(7_200),
    );
}

/// Every error code once, each through the operation that raises it.
fn every_error_code(p: &ContextProbes) {
    for code in ContextError::ALL {
        match code {
            ContextError::SchemaNotFound | ContextError::SchemaResolutionTimeout => {
                p.resolve(Consumer::Ide, "s").fail(*code)
            }
            ContextError::StaleProfileData => p
                .resolve(Consumer::Mcp, "s")
                .served_stale_profile(Duration::from_secs(4_000)),
            ContextError::ContextPayloadOverLimit => {
                p.context(Consumer::Mcp, "s")
                    .deliver(2, 1, BreachAction::Rejected);
            }
            ContextError::BreakingContractChange => {
                p.contract_change(ContractChange::Breaking, "c")
            }
            ContextError::EnrichmentFailed => p.enrichment("s").fail(*code),
            ContextError::CatalogSourceUnavailable | ContextError::CatalogRefreshTimeout => {
                p.refresh(Source::Contracts, "repo").fail(*code)
            }
        }
    }
}

// ---- schema resolution ------------------------------------------------------------------

#[test]
fn a_resolution_records_its_duration_by_consumer_and_outcome() {
    let s = run(resolution_resolved);
    let span = s
        .span("dataface.catalog.resolve")
        .with_attr("dataface.catalog.consumer", "dashboards")
        .with_attr("dataface.catalog.schema", "analytics.orders")
        .status_not_error()
        .without_attr("error.type")
        .without_attr("dataface.abandoned")
        .root()
        .one();
    assert!(!span.attributes.contains_key("dataface.catalog.profile.age"));
    s.any_span().exactly(1);
    s.metric(&RESOLUTION_DURATION)
        .with("dataface.catalog.consumer", "dashboards")
        .with("dataface.outcome", "resolved")
        .histogram_count(1);
    s.any_metric().exactly(1);
}

#[test]
fn a_resolution_serving_stale_profiles_is_a_counted_warning_with_the_age() {
    let s = run(resolution_stale);
    s.span("dataface.catalog.resolve")
        .with_attr("dataface.catalog.consumer", "mcp")
        .with_attr("error.type", "stale_profile_data")
        .with_attr("dataface.catalog.profile.age", 7_200)
        .status_not_error()
        .one();
    s.metric(&RESOLUTION_ERRORS)
        .with("dataface.catalog.consumer", "mcp")
        .with("error.type", "stale_profile_data")
        .value(1);
    s.metric(&RESOLUTION_DURATION)
        .with("dataface.catalog.consumer", "mcp")
        .with("dataface.outcome", "stale")
        .histogram_count(1);
    s.any_metric().exactly(2);
}

#[test]
fn a_failed_resolution_sets_error_type_and_counts_the_error_by_consumer() {
    let s = run(resolution_failed);
    s.span("dataface.catalog.resolve")
        .with_attr("dataface.catalog.consumer", "ide")
        .with_attr("dataface.catalog.schema", "analytics.refunds")
        .error_type("schema_not_found")
        .one();
    s.metric(&RESOLUTION_ERRORS)
        .with("dataface.catalog.consumer", "ide")
        .with("error.type", "schema_not_found")
        .value(1);
    s.metric(&RESOLUTION_DURATION)
        .with("dataface.catalog.consumer", "ide")
        .with("dataface.outcome", "failed")
        .histogram_count(1);
    s.any_metric().exactly(2);
}

#[test]
fn a_resolution_dropped_without_an_outcome_records_abandoned() {
    let s = run(resolution_abandoned);
    s.span("dataface.catalog.resolve")
        .with_attr("dataface.abandoned", true)
        .status_error()
        .without_attr("error.type")
        .one();
    s.metric(&RESOLUTION_DURATION)
        .with("dataface.catalog.consumer", "dashboards")
        .with("dataface.outcome", "abandoned")
        .histogram_count(1);
    s.metric(&RESOLUTION_ERRORS).none();
    s.any_metric().exactly(1);
}

#[test]
fn logs_inside_the_resolution_span_correlate() {
    let s = run(|p| {
        let r = p.resolve(Consumer::Ide, "analytics.orders");
        r.span()
            .in_scope(|| tracing::warn!(column = "amount", "profile missing"));
        r.resolved();
    });
    s.log(Level::WARN)
        .in_span("dataface.catalog.resolve")
        .with_field("column", "amount")
        .one();
}

// ---- freshness --------------------------------------------------------------------------

#[test]
fn a_successful_refresh_moves_the_last_success_time_of_its_source_to_now() {
    let before = now_secs();
    let s = run(refresh_succeeded);
    let after = now_secs();
    s.span("dataface.catalog.refresh")
        .with_attr("dataface.catalog.source.type", "warehouse_schema")
        .with_attr("dataface.catalog.source.name", "snowflake-prod")
        .with_attr("dataface.catalog.refresh.entries", 1_840)
        .status_not_error()
        .one();
    s.metric(&REFRESH_DURATION)
        .with("dataface.catalog.source.type", "warehouse_schema")
        .with("dataface.outcome", "success")
        .histogram_count(1);
    let t = last_success(&s, "warehouse_schema");
    assert!(
        (before..=after).contains(&t),
        "{t} not in {before}..={after}"
    );
    s.metric(&REFRESH_ERRORS).none();
    s.any_metric().exactly(2);
}

#[test]
fn a_failed_refresh_counts_the_error_and_leaves_the_last_success_time() {
    let s = run(refresh_failed);
    s.span("dataface.catalog.refresh")
        .with_attr("dataface.catalog.source.type", "profiles")
        .error_type("catalog_refresh_timeout")
        .one();
    s.metric(&REFRESH_ERRORS)
        .with("dataface.catalog.source.type", "profiles")
        .with("error.type", "catalog_refresh_timeout")
        .value(1);
    s.metric(&REFRESH_DURATION)
        .with("dataface.catalog.source.type", "profiles")
        .with("dataface.outcome", "failed")
        .histogram_count(1);
    s.metric(&LAST_SUCCESS).none();
    s.any_metric().exactly(2);
}

#[test]
fn a_refresh_dropped_without_an_outcome_records_abandoned_and_is_no_success() {
    let s = run(refresh_abandoned);
    s.span("dataface.catalog.refresh")
        .with_attr("dataface.catalog.source.type", "dbt_manifest")
        .with_attr("dataface.abandoned", true)
        .status_error()
        .one();
    s.metric(&REFRESH_DURATION)
        .with("dataface.catalog.source.type", "dbt_manifest")
        .with("dataface.outcome", "abandoned")
        .histogram_count(1);
    s.metric(&LAST_SUCCESS).none();
    s.any_metric().exactly(1);
}

#[test]
fn staleness_keeps_growing_while_refreshes_fail() {
    let capture = Capture::new();
    let probes = capture.in_scope(ContextProbes::new);
    capture.in_scope(|| probes.refresh(Source::Profiles, "wh").succeeded(10));
    let first = last_success(&capture.signals(), "profiles");
    std::thread::sleep(Duration::from_millis(5));
    capture.in_scope(|| {
        probes
            .refresh(Source::Profiles, "wh")
            .fail(ContextError::CatalogSourceUnavailable);
        let _forgotten = probes.refresh(Source::Profiles, "wh");
    });
    let s = capture.signals();
    assert_eq!(
        last_success(&s, "profiles"),
        first,
        "only a success moves the time"
    );
    capture.in_scope(|| probes.refresh(Source::Profiles, "wh").succeeded(10));
    assert!(last_success(&capture.signals(), "profiles") > first);
    s.assert_conforms(&catalog::CATALOG);
}

#[test]
fn a_restored_last_success_time_is_reported_as_is() {
    let before = now_secs();
    let s = run(restored_freshness);
    let t = last_success(&s, "profiles");
    assert!(
        (before - 7_200.0 - 1.0..=now_secs() - 7_200.0).contains(&t),
        "{t}"
    );
    s.any_span().none();
    s.any_metric().exactly(1);
}

#[test]
fn the_last_success_time_never_moves_backwards_nor_into_the_future() {
    let capture = Capture::new();
    let probes = capture.in_scope(ContextProbes::new);
    capture.in_scope(|| probes.refresh(Source::Contracts, "repo").succeeded(3));
    let fresh = last_success(&capture.signals(), "contracts");
    // An older record from the store, read late: ignored.
    capture.in_scope(|| {
        probes.restore_last_success(
            Source::Contracts,
            SystemTime::now() - Duration::from_secs(3_600),
        )
    });
    assert_eq!(last_success(&capture.signals(), "contracts"), fresh);
    // A clock-skewed record from the future: counts as now, never as fresher than now.
    capture.in_scope(|| {
        probes.restore_last_success(
            Source::Profiles,
            SystemTime::now() + Duration::from_secs(86_400),
        )
    });
    assert!(last_success(&capture.signals(), "profiles") <= now_secs());
    // Before the epoch: ignored.
    capture.in_scope(|| {
        probes.restore_last_success(Source::DbtManifest, UNIX_EPOCH - Duration::from_secs(1))
    });
    let s = capture.signals();
    s.metric(&LAST_SUCCESS)
        .with("dataface.catalog.source.type", "dbt_manifest")
        .none();
    s.assert_conforms(&catalog::CATALOG);
}

// ---- AI context payloads ----------------------------------------------------------------

#[test]
fn a_context_within_its_limit_records_size_limit_and_delivered() {
    let s = run(context_within);
    s.span("dataface.catalog.context.build")
        .with_attr("dataface.catalog.consumer", "ide")
        .with_attr("dataface.catalog.schema", "analytics.orders")
        .with_attr("dataface.catalog.context.size", 10_000)
        .with_attr("dataface.catalog.context.limit", 65_536)
        .without_attr("dataface.catalog.context.action")
        .without_attr("error.type")
        .status_not_error()
        .one();
    s.metric(&CONTEXT_SIZE)
        .with("dataface.catalog.consumer", "ide")
        .histogram_sum(10_000.0);
    s.metric(&CONTEXT_LIMIT)
        .with("dataface.catalog.consumer", "ide")
        .gauge(65_536.0);
    s.metric(&CONTEXT_DURATION)
        .with("dataface.catalog.consumer", "ide")
        .with("dataface.outcome", "delivered")
        .histogram_count(1);
    s.metric(&CONTEXT_BREACHES).none();
    s.any_metric().exactly(3);
}

#[test]
fn a_truncated_context_is_a_breach_and_a_warning() {
    let s = run(context_truncated);
    s.span("dataface.catalog.context.build")
        .with_attr("dataface.catalog.consumer", "mcp")
        .with_attr("dataface.catalog.context.size", 300_000)
        .with_attr("dataface.catalog.context.limit", 262_144)
        .with_attr("dataface.catalog.context.action", "truncated")
        .with_attr("error.type", "context_payload_over_limit")
        .status_not_error()
        .one();
    s.metric(&CONTEXT_BREACHES)
        .with("dataface.catalog.consumer", "mcp")
        .with("dataface.catalog.context.action", "truncated")
        .value(1);
    s.metric(&CONTEXT_SIZE)
        .with("dataface.catalog.consumer", "mcp")
        .histogram_sum(300_000.0);
    s.metric(&CONTEXT_LIMIT)
        .with("dataface.catalog.consumer", "mcp")
        .gauge(262_144.0);
    s.metric(&CONTEXT_DURATION)
        .with("dataface.catalog.consumer", "mcp")
        .with("dataface.outcome", "truncated")
        .histogram_count(1);
    s.any_metric().exactly(4);
}

#[test]
fn a_rejected_context_is_a_breach_and_fails_the_span() {
    let s = run(context_rejected);
    s.span("dataface.catalog.context.build")
        .with_attr("dataface.catalog.context.action", "rejected")
        .error_type("context_payload_over_limit")
        .one();
    s.metric(&CONTEXT_BREACHES)
        .with("dataface.catalog.consumer", "mcp")
        .with("dataface.catalog.context.action", "rejected")
        .value(1);
    s.metric(&CONTEXT_DURATION)
        .with("dataface.catalog.consumer", "mcp")
        .with("dataface.outcome", "rejected")
        .histogram_count(1);
    s.any_metric().exactly(4);
}

#[test]
fn a_context_build_that_fails_before_a_payload_sizes_nothing() {
    let s = run(context_failed);
    s.span("dataface.catalog.context.build")
        .with_attr("dataface.catalog.consumer", "dashboards")
        .error_type("schema_not_found")
        .without_attr("dataface.catalog.context.size")
        .one();
    s.metric(&CONTEXT_DURATION)
        .with("dataface.catalog.consumer", "dashboards")
        .with("dataface.outcome", "failed")
        .histogram_count(1);
    s.any_metric().exactly(1);
}

#[test]
fn a_context_build_dropped_without_an_outcome_records_abandoned() {
    let s = run(context_abandoned);
    s.span("dataface.catalog.context.build")
        .with_attr("dataface.abandoned", true)
        .status_error()
        .one();
    s.metric(&CONTEXT_DURATION)
        .with("dataface.catalog.consumer", "ide")
        .with("dataface.outcome", "abandoned")
        .histogram_count(1);
    s.any_metric().exactly(1);
}

#[test]
fn the_payload_helper_records_size_and_limit_and_breaches_without_a_span() {
    let s = run(payload_helper);
    s.any_span().none();
    s.metric(&CONTEXT_SIZE)
        .with("dataface.catalog.consumer", "dashboards")
        .histogram_sum(220_000.0);
    s.metric(&CONTEXT_SIZE)
        .with("dataface.catalog.consumer", "dashboards")
        .histogram_count(2);
    s.metric(&CONTEXT_LIMIT)
        .with("dataface.catalog.consumer", "dashboards")
        .gauge(131_072.0);
    s.metric(&CONTEXT_BREACHES)
        .with("dataface.catalog.consumer", "dashboards")
        .with("dataface.catalog.context.action", "rejected")
        .value(1);
    s.any_metric().exactly(3);
}

#[test]
fn a_payload_exactly_at_the_limit_is_within_and_a_zero_limit_breaches_anything() {
    let s = run(|p| {
        assert!(p
            .context_payload(Consumer::Ide, 4_096, 4_096, BreachAction::Rejected)
            .is_within());
        assert!(p
            .context_payload(Consumer::Ide, 0, 0, BreachAction::Rejected)
            .is_within());
        assert_eq!(
            p.context_payload(Consumer::Ide, 1, 0, BreachAction::Truncated),
            PayloadCheck::Breached(BreachAction::Truncated)
        );
    });
    s.metric(&CONTEXT_BREACHES)
        .with("dataface.catalog.context.action", "truncated")
        .value(1);
    s.metric(&CONTEXT_BREACHES)
        .with("dataface.catalog.context.action", "rejected")
        .none();
    s.metric(&CONTEXT_LIMIT)
        .with("dataface.catalog.consumer", "ide")
        .gauge(0.0);
}

#[test]
fn sizes_beyond_i64_saturate_on_the_span() {
    let s = run(|p| {
        p.context(Consumer::Mcp, "x")
            .deliver(u64::MAX, 1, BreachAction::Truncated);
    });
    s.span("dataface.catalog.context.build")
        .with_attr("dataface.catalog.context.size", i64::MAX)
        .one();
    s.metric(&CONTEXT_SIZE)
        .with("dataface.catalog.consumer", "mcp")
        .histogram_sum(u64::MAX as f64);
}

// ---- contract changes and enrichment ----------------------------------------------------

#[test]
fn contract_changes_are_counted_by_kind_and_breaking_ones_carry_the_code() {
    let s = run(contract_changes);
    s.metric(&CONTRACT_CHANGES)
        .with("dataface.catalog.contract.change_kind", "breaking")
        .value(1);
    s.metric(&CONTRACT_CHANGES)
        .with("dataface.catalog.contract.change_kind", "additive")
        .value(1);
    s.span("dataface.catalog.contract.change")
        .with_attr("dataface.catalog.contract.name", "orders")
        .with_attr("dataface.catalog.contract.change_kind", "breaking")
        .with_attr("error.type", "breaking_contract_change")
        .status_not_error()
        .one();
    s.span("dataface.catalog.contract.change")
        .with_attr("dataface.catalog.contract.name", "customers")
        .with_attr("dataface.catalog.contract.change_kind", "additive")
        .without_attr("error.type")
        .one();
    s.any_span().exactly(2);
    s.any_metric().exactly(2);
}

#[test]
fn a_contract_change_seen_during_a_refresh_nests_under_it() {
    let s = run(|p| {
        let refresh = p.refresh(Source::Contracts, "git@repo");
        refresh
            .span()
            .in_scope(|| p.contract_change(ContractChange::Breaking, "orders"));
        refresh.succeeded(12);
    });
    s.span("dataface.catalog.contract.change")
        .child_of("dataface.catalog.refresh")
        .one();
}

#[test]
fn enrichment_runs_record_their_outcome() {
    let s = run(enrichment_runs);
    s.span("dataface.catalog.enrichment")
        .with_attr("dataface.catalog.schema", "analytics")
        .with_attr("dataface.catalog.enrichment.entries", 240)
        .without_attr("dataface.catalog.enrichment.failed_entries")
        .status_not_error()
        .one();
    s.span("dataface.catalog.enrichment")
        .with_attr("dataface.catalog.enrichment.entries", 120)
        .with_attr("dataface.catalog.enrichment.failed_entries", 4)
        .status_not_error()
        .one();
    s.span("dataface.catalog.enrichment")
        .with_attr("dataface.catalog.schema", "marketing")
        .error_type("enrichment_failed")
        .one();
    s.span("dataface.catalog.enrichment")
        .with_attr("dataface.catalog.schema", "sales")
        .with_attr("dataface.abandoned", true)
        .one();
    for outcome in ["success", "partial", "failed", "abandoned"] {
        s.metric(&ENRICHMENT_DURATION)
            .with("dataface.outcome", outcome)
            .histogram_count(1);
    }
    s.any_metric().exactly(4);
}

// ---- disabled, threads, catalog ---------------------------------------------------------

#[test]
fn with_telemetry_disabled_nothing_is_recorded_but_checks_still_answer() {
    // No pipeline and no capture: probes stay inert, payload checks still decide.
    let p = ContextProbes::new();
    let r = p.resolve(Consumer::Ide, "s");
    assert!(r.span().is_disabled());
    r.resolved();
    let c = p.context(Consumer::Mcp, "s");
    assert!(c.span().is_disabled());
    assert_eq!(
        c.deliver(10, 5, BreachAction::Rejected),
        PayloadCheck::Breached(BreachAction::Rejected)
    );
    assert_eq!(
        p.context_payload(Consumer::Mcp, 10, 5, BreachAction::Truncated),
        PayloadCheck::Breached(BreachAction::Truncated)
    );
    p.refresh(Source::Profiles, "wh").succeeded(1);
    p.restore_last_success(Source::Profiles, SystemTime::now());
    p.contract_change(ContractChange::Breaking, "c");
    let _dropped = p.enrichment("s");
}

#[test]
fn probes_are_shared_across_threads_and_guards_can_finish_elsewhere() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<ContextProbes>();
    send_sync::<ResolutionGuard<'static>>();
    send_sync::<ContextGuard<'static>>();

    let capture = Capture::new();
    let probes = std::sync::Arc::new(capture.in_scope(ContextProbes::new));
    let workers: Vec<_> = Consumer::ALL
        .iter()
        .map(|&consumer| {
            let probes = probes.clone();
            std::thread::spawn(capture.wrap(move || {
                for _ in 0..10 {
                    probes.resolve(consumer, "s").resolved();
                }
            }))
        })
        .collect();
    for w in workers {
        w.join().unwrap();
    }
    capture.in_scope(|| {
        let guard = probes.context(Consumer::Ide, "s");
        std::thread::scope(|t| {
            t.spawn(|| {
                let _entered = capture.enter();
                guard.deliver(1_000, 2_000, BreachAction::Rejected);
            });
        });
    });
    let s = capture.signals();
    s.metric(&CONTEXT_DURATION)
        .with("dataface.catalog.consumer", "ide")
        .with("dataface.outcome", "delivered")
        .histogram_count(1);
    for consumer in Consumer::VALUES {
        s.metric(&RESOLUTION_DURATION)
            .with("dataface.catalog.consumer", consumer)
            .with("dataface.outcome", "resolved")
            .histogram_count(10);
    }
    s.span("dataface.catalog.resolve").exactly(30);
    s.assert_conforms(&catalog::CATALOG);
}

#[test]
fn the_section_is_valid_and_shown_in_the_readme() {
    telemetry_testing::assert_section_ready(
        &catalog::CATALOG,
        &catalog::SECTION,
        include_str!("../README.md"),
    );
}

#[test]
fn alerts_can_rely_on_the_prometheus_names() {
    for (spec, name) in [
        (
            &LAST_SUCCESS,
            "dataface_catalog_refresh_last_success_seconds",
        ),
        (&CONTEXT_SIZE, "dataface_catalog_context_size_bytes"),
        (&CONTEXT_LIMIT, "dataface_catalog_context_limit_bytes"),
        (&CONTEXT_BREACHES, "dataface_catalog_context_breaches_total"),
        (
            &RESOLUTION_ERRORS,
            "dataface_catalog_resolution_errors_total",
        ),
        (&CONTRACT_CHANGES, "dataface_catalog_contract_changes_total"),
    ] {
        assert_eq!(spec.prometheus_name(), name);
    }
    // Every catalog metric and code is this surface's and this owner's.
    for m in SECTION.metrics {
        assert!(m.name.starts_with("dataface.catalog."), "{}", m.name);
        assert_eq!(m.owner.id, "context-catalog");
    }
    for e in SECTION.error_codes {
        assert_eq!((e.surface, e.owner.id), ("context", "context-catalog"));
    }
}

#[test]
fn the_tests_cover_the_whole_catalog() {
    let mut coverage = Coverage::for_section(&catalog::SECTION);
    for scenario in [
        resolution_resolved,
        resolution_stale,
        resolution_failed,
        resolution_abandoned,
        refresh_succeeded,
        refresh_failed,
        refresh_abandoned,
        restored_freshness,
        context_within,
        context_truncated,
        context_rejected,
        context_failed,
        context_abandoned,
        payload_helper,
        contract_changes,
        enrichment_runs,
        every_error_code,
    ] {
        coverage.add(&run(scenario));
    }
    coverage.assert_complete();
}
