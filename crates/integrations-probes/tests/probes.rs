//! Every API call emits exactly the signals its catalog entry promises; the captured signals
//! conform to the catalog; the crate's tests cover all of it.

use integrations_probes::catalog::{self, *};
use integrations_probes::*;
use std::collections::BTreeSet;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use telemetry_testing::{AttrValue, Capture, Captured, Coverage, MetricValue, SpanStatus};
use tracing::Level;

const DAY: u64 = 86_400;

/// Runs `scenario` with fresh probes inside a fresh capture, checks conformance, and returns
/// what it emitted (untouched pre-registered handles aside).
fn run(scenario: impl FnOnce(&IntegrationsProbes)) -> Captured {
    let capture = Capture::new();
    capture.in_scope(|| scenario(&IntegrationsProbes::new()));
    let signals = capture.signals();
    signals.assert_conforms(&catalog::CATALOG);
    signals
}

/// The names of the metrics that moved.
fn moved(s: &Captured) -> BTreeSet<&str> {
    s.metrics.iter().map(|m| m.name.as_str()).collect()
}

fn samples(
    s: &Captured,
    spec: &telemetry_core::catalog::MetricSpec,
    key: &str,
    value: &str,
) -> Vec<f64> {
    s.metric(spec)
        .with(key, value)
        .all()
        .into_iter()
        .flat_map(|m| match &m.value {
            MetricValue::Histogram(v) => v.clone(),
            _ => Vec::new(),
        })
        .collect()
}

fn ago(secs: u64) -> SystemTime {
    SystemTime::now() - Duration::from_secs(secs)
}

fn in_(secs: u64) -> SystemTime {
    SystemTime::now() + Duration::from_secs(secs)
}

// --- scenarios --------------------------------------------------------------------------------

fn deploy_succeeded(p: &IntegrationsProbes) {
    p.deployment(Environment::Staging, "2.5.0").succeeded();
}

fn deploy_failed(p: &IntegrationsProbes) {
    p.deployment(Environment::Production, "2.5.0")
        .failed(DeployError::DeployFailed);
}

fn deploy_rolled_back(p: &IntegrationsProbes) {
    p.deployment(Environment::Production, "2.5.0")
        .rolled_back(DeployError::HealthCheckFailed, "2.4.0");
}

fn deploy_abandoned(p: &IntegrationsProbes) {
    let _forgotten = p.deployment(Environment::Preview, "pr-88");
}

fn webhook_accepted(p: &IntegrationsProbes) {
    let mut d = p.webhook_delivery();
    d.event(WebhookEvent::SyncEnd, ago(30), "connector_a");
    d.accepted();
}

fn webhook_outcomes(p: &IntegrationsProbes) {
    let mut d = p.webhook_delivery();
    d.event(WebhookEvent::SyncEnd, ago(600), "connector_a");
    d.duplicate();
    p.webhook_delivery().invalid_signature();
    let mut d = p.webhook_delivery();
    d.event(WebhookEvent::SyncStart, ago(5), "connector_gone");
    d.rejected(WebhookError::ConnectorUnknown);
    let mut d = p.webhook_delivery();
    d.event(WebhookEvent::ResyncTable, ago(5), "connector_b");
    d.failed(WebhookError::ProcessingFailed);
    let _forgotten = p.webhook_delivery();
}

fn billing_first_try(p: &IntegrationsProbes) {
    p.billing_event(BillingEventType::Usage, "evt_1").recorded();
}

fn billing_after_retries(p: &IntegrationsProbes) {
    let mut charge = p.billing_event(BillingEventType::Charge, "evt_2");
    charge.retrying(BillingError::ProviderUnavailable);
    charge.retrying(BillingError::ProviderUnavailable);
    charge.recorded();
}

fn billing_failed(p: &IntegrationsProbes) {
    let mut charge = p.billing_event(BillingEventType::Charge, "evt_3");
    charge.retrying(BillingError::ProviderUnavailable);
    charge.failed(BillingError::ChargeRecordFailed);
}

fn billing_abandoned(p: &IntegrationsProbes) {
    let _lost = p.billing_event(BillingEventType::Refund, "evt_4");
}

fn certificates(p: &IntegrationsProbes) {
    p.observe_certificate("ok.example.com", in_(90 * DAY));
    p.observe_certificate("soon.example.com", in_(6 * DAY));
    p.observe_certificate("late.example.com", ago(DAY / 2));
}

fn domain_checks(p: &IntegrationsProbes) {
    p.domain_check("ok.example.com").resolved();
    p.domain_check("elsewhere.example.com").mismatch();
    p.domain_check("gone.example.com").nxdomain();
    p.domain_check("late.example.com")
        .tls_error(DomainError::CertificateExpired);
    let _forgotten = p.domain_check("slow.example.com");
}

/// Every error code once, each through the operation that raises it.
fn every_error_code(p: &IntegrationsProbes) {
    for code in DeployError::ALL {
        p.deployment(Environment::Production, "2.6.0").failed(*code);
    }
    for code in WebhookError::ALL {
        p.webhook_delivery().rejected(*code);
    }
    for code in BillingError::ALL {
        p.billing_event(BillingEventType::Invoice, "evt_e")
            .failed(*code);
    }
    for code in DomainError::ALL {
        p.domain_check("e.example.com").tls_error(*code);
    }
}

// --- deployments ------------------------------------------------------------------------------

#[test]
fn a_successful_deployment_records_its_duration_by_environment_and_outcome() {
    let s = run(deploy_succeeded);
    s.span("dataface.deploy")
        .with_attr("deployment.environment.name", "staging")
        .with_attr("dataface.deploy.release", "2.5.0")
        .with_attr("dataface.deploy.outcome", "succeeded")
        .without_attr("error.type")
        .status_not_error()
        .root()
        .one();
    s.any_span().exactly(1);
    s.metric(&DEPLOY_DURATION)
        .with("deployment.environment.name", "staging")
        .with("dataface.outcome", "succeeded")
        .histogram_count(1);
    s.metric(&DEPLOY_DURATION).exactly(1);
    assert_eq!(moved(&s), BTreeSet::from([DEPLOY_DURATION.name]));
}

#[test]
fn a_failed_deployment_sets_error_type_and_outcome_failed() {
    let s = run(deploy_failed);
    s.span("dataface.deploy")
        .with_attr("dataface.deploy.outcome", "failed")
        .error_type("deploy_failed")
        .without_attr("dataface.deploy.rollback_to")
        .one();
    s.metric(&DEPLOY_DURATION)
        .with("deployment.environment.name", "production")
        .with("dataface.outcome", "failed")
        .histogram_count(1);
    assert_eq!(moved(&s), BTreeSet::from([DEPLOY_DURATION.name]));
}

#[test]
fn a_rolled_back_deployment_names_the_release_it_went_back_to() {
    let s = run(deploy_rolled_back);
    s.span("dataface.deploy")
        .with_attr("dataface.deploy.outcome", "rolled_back")
        .with_attr("dataface.deploy.rollback_to", "2.4.0")
        .error_type("deploy_health_check_failed")
        .one();
    s.metric(&DEPLOY_DURATION)
        .with("deployment.environment.name", "production")
        .with("dataface.outcome", "rolled_back")
        .histogram_count(1);
    assert_eq!(moved(&s), BTreeSet::from([DEPLOY_DURATION.name]));
}

#[test]
fn a_deployment_dropped_without_an_outcome_records_abandoned() {
    let s = run(deploy_abandoned);
    s.span("dataface.deploy")
        .with_attr("dataface.abandoned", true)
        .with_attr("dataface.deploy.outcome", "abandoned")
        .status_error()
        .one();
    s.metric(&DEPLOY_DURATION)
        .with("deployment.environment.name", "preview")
        .with("dataface.outcome", "abandoned")
        .histogram_count(1);
}

#[test]
fn an_undeclared_environment_is_recorded_as_other() {
    assert_eq!(Environment::parse(" PROD "), Environment::Production);
    assert_eq!(Environment::parse("stg"), Environment::Staging);
    assert_eq!(Environment::parse("qa-7"), Environment::Other);
    let s = run(|p| {
        p.deployment(Environment::parse("qa-7"), "2.5.0")
            .succeeded()
    });
    s.metric(&DEPLOY_DURATION)
        .with("deployment.environment.name", "other")
        .histogram_count(1);
}

#[test]
fn logs_inside_the_deployment_span_correlate() {
    let s = run(|p| {
        let d = p.deployment(Environment::Production, "2.5.0");
        d.span()
            .in_scope(|| tracing::warn!(step = "migrate", "slow step"));
        d.succeeded();
    });
    s.log(Level::WARN)
        .in_span("dataface.deploy")
        .with_field("step", "migrate")
        .one();
}

// --- webhooks ---------------------------------------------------------------------------------

#[test]
fn an_accepted_webhook_records_its_lag_and_processing_duration() {
    let s = run(webhook_accepted);
    let span = s
        .span("dataface.webhook.receive")
        .with_attr("dataface.webhook.outcome", "accepted")
        .with_attr("dataface.webhook.event_type", "sync_end")
        .with_attr("dataface.fivetran.connector.id", "connector_a")
        .without_attr("error.type")
        .status_not_error()
        .one();
    match span.attributes["dataface.webhook.lag"] {
        AttrValue::F64(lag) => assert!((30.0..31.0).contains(&lag), "lag {lag}"),
        ref other => panic!("lag is {other:?}"),
    }
    s.metric(&WEBHOOK_DELIVERIES)
        .with("dataface.webhook.event_type", "sync_end")
        .with("dataface.outcome", "accepted")
        .value(1);
    let lag = samples(&s, &WEBHOOK_LAG, "dataface.webhook.event_type", "sync_end");
    assert_eq!(lag.len(), 1);
    assert!((30.0..31.0).contains(&lag[0]), "lag {lag:?}");
    s.metric(&WEBHOOK_DURATION)
        .with("dataface.outcome", "accepted")
        .histogram_count(1);
    assert_eq!(
        moved(&s),
        BTreeSet::from([
            WEBHOOK_DELIVERIES.name,
            WEBHOOK_LAG.name,
            WEBHOOK_DURATION.name
        ])
    );
}

#[test]
fn each_webhook_outcome_is_counted_and_failures_carry_their_code() {
    let s = run(webhook_outcomes);
    s.metric(&WEBHOOK_DELIVERIES)
        .with("dataface.webhook.event_type", "sync_end")
        .with("dataface.outcome", "duplicate")
        .value(1);
    s.span("dataface.webhook.receive")
        .with_attr("dataface.webhook.outcome", "duplicate")
        .status_not_error()
        .one();
    s.metric(&WEBHOOK_DELIVERIES)
        .with("dataface.webhook.event_type", "sync_start")
        .with("dataface.outcome", "rejected")
        .value(1);
    s.span("dataface.webhook.receive")
        .with_attr("dataface.webhook.outcome", "rejected")
        .error_type("webhook_connector_unknown")
        .one();
    s.metric(&WEBHOOK_DELIVERIES)
        .with("dataface.webhook.event_type", "resync_table")
        .with("dataface.outcome", "failed")
        .value(1);
    s.span("dataface.webhook.receive")
        .error_type("webhook_processing_failed")
        .one();
    s.metric(&WEBHOOK_DURATION).exactly(5);
    s.any_span().exactly(5);
}

#[test]
fn a_webhook_failing_its_signature_is_counted_unread_and_without_lag() {
    let s = run(|p| {
        let mut d = p.webhook_delivery();
        // Even when the handler read the claimed time, it cannot be trusted.
        d.event(WebhookEvent::SyncEnd, ago(7 * DAY), "connector_x");
        d.invalid_signature();
        p.webhook_delivery().invalid_signature();
    });
    s.metric(&WEBHOOK_DELIVERIES)
        .with("dataface.outcome", "invalid_signature")
        .value(2);
    s.metric(&WEBHOOK_DELIVERIES)
        .with("dataface.webhook.event_type", "unread")
        .with("dataface.outcome", "invalid_signature")
        .value(1);
    s.span("dataface.webhook.receive")
        .with_attr("dataface.webhook.outcome", "invalid_signature")
        .error_type("webhook_signature_invalid")
        .exactly(2);
    s.metric(&WEBHOOK_LAG).none();
    s.metric(&WEBHOOK_DURATION)
        .with("dataface.outcome", "invalid_signature")
        .histogram_count(2);
}

#[test]
fn a_webhook_dropped_without_an_outcome_records_abandoned() {
    let s = run(|p| {
        let mut d = p.webhook_delivery();
        d.event(WebhookEvent::SyncEnd, ago(10), "connector_a");
    });
    s.span("dataface.webhook.receive")
        .with_attr("dataface.abandoned", true)
        .with_attr("dataface.webhook.outcome", "abandoned")
        .status_error()
        .one();
    s.metric(&WEBHOOK_DELIVERIES)
        .with("dataface.webhook.event_type", "sync_end")
        .with("dataface.outcome", "abandoned")
        .value(1);
    s.metric(&WEBHOOK_DURATION)
        .with("dataface.outcome", "abandoned")
        .histogram_count(1);
}

#[test]
fn a_webhook_from_the_future_counts_as_no_lag_and_keeps_the_skew_on_the_span() {
    let s = run(|p| {
        let mut d = p.webhook_delivery();
        d.event(WebhookEvent::SyncEnd, in_(120), "connector_a");
        d.accepted();
    });
    assert_eq!(
        samples(&s, &WEBHOOK_LAG, "dataface.webhook.event_type", "sync_end"),
        [0.0]
    );
    let span = s.span("dataface.webhook.receive").one();
    match span.attributes["dataface.webhook.lag"] {
        AttrValue::F64(lag) => assert!(lag < -119.0, "lag {lag}"),
        ref other => panic!("lag is {other:?}"),
    }
}

#[test]
fn an_undeclared_webhook_event_type_is_recorded_as_other() {
    assert_eq!(WebhookEvent::parse("sync_end"), WebhookEvent::SyncEnd);
    assert_eq!(WebhookEvent::parse("dbt_run_failed"), WebhookEvent::Other);
    assert_eq!(WebhookEvent::parse("unread"), WebhookEvent::Other);
    assert_eq!(WebhookEvent::parse("other"), WebhookEvent::Other);
    let s = run(|p| {
        let mut d = p.webhook_delivery();
        d.event(WebhookEvent::parse("dbt_run_failed"), ago(1), "c");
        d.accepted();
    });
    s.metric(&WEBHOOK_DELIVERIES)
        .with("dataface.webhook.event_type", "other")
        .value(1);
}

// --- billing ----------------------------------------------------------------------------------

#[test]
fn a_billing_event_recorded_first_time_records_latency_and_leaves_nothing_pending() {
    let s = run(billing_first_try);
    s.span("dataface.billing.record")
        .with_attr("dataface.billing.event_type", "usage")
        .with_attr("dataface.billing.event.id", "evt_1")
        .with_attr("dataface.billing.outcome", "recorded")
        .with_attr("dataface.billing.attempts", 1)
        .without_attr("error.type")
        .status_not_error()
        .one();
    s.metric(&BILLING_EVENTS)
        .with("dataface.billing.event_type", "usage")
        .with("dataface.outcome", "recorded")
        .value(1);
    s.metric(&BILLING_LATENCY)
        .with("dataface.billing.event_type", "usage")
        .histogram_count(1);
    s.metric(&BILLING_PENDING)
        .with("dataface.billing.event_type", "usage")
        .gauge(0.0);
    s.metric(&BILLING_OLDEST_PENDING)
        .with("dataface.billing.event_type", "usage")
        .gauge(0.0);
    s.metric(&BILLING_ERRORS).none();
    assert_eq!(
        moved(&s),
        BTreeSet::from([
            BILLING_EVENTS.name,
            BILLING_LATENCY.name,
            BILLING_PENDING.name,
            BILLING_OLDEST_PENDING.name,
        ])
    );
}

fn unix_now() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64()
}

#[test]
fn the_oldest_pending_billing_event_is_its_receipt_time_until_it_leaves_then_the_next_one() {
    let capture = Capture::new();
    capture.in_scope(|| {
        let p = IntegrationsProbes::new();
        let before = unix_now();
        let first = p.billing_event(BillingEventType::Usage, "evt_a");
        std::thread::sleep(Duration::from_millis(20));
        let second_received = unix_now();
        let mut second = p.billing_event(BillingEventType::Usage, "evt_b");
        let charge = p.billing_event(BillingEventType::Charge, "evt_c");
        let oldest = |event_type: &str| {
            capture
                .signals()
                .metric(&BILLING_OLDEST_PENDING)
                .with("dataface.billing.event_type", event_type)
                .exactly(1)[0]
                .value
                .as_f64()
        };
        // The oldest of each type: usage is evt_a's receipt, not evt_b's.
        let usage = oldest("usage");
        assert!(
            usage >= before && usage < second_received,
            "{usage} not in [{before}, {second_received})"
        );
        assert!(oldest("charge") >= second_received);
        // evt_a leaves (recorded): the oldest usage event is now evt_b, retries included.
        first.recorded();
        second.retrying(BillingError::ProviderUnavailable);
        let usage = oldest("usage");
        assert!(usage >= second_received, "{usage} < {second_received}");
        // Failing and dropping also end pending: nothing waits, 0.
        second.failed(BillingError::ChargeRecordFailed);
        assert_eq!(oldest("usage"), 0.0);
        drop(charge);
        assert_eq!(oldest("charge"), 0.0);
    });
    let s = capture.signals();
    s.assert_conforms(&catalog::CATALOG);
    for event_type in ["usage", "charge"] {
        s.metric(&BILLING_OLDEST_PENDING)
            .with("dataface.billing.event_type", event_type)
            .gauge(0.0);
    }
}

#[test]
fn a_billing_event_counts_as_pending_until_it_is_recorded() {
    let capture = Capture::new();
    capture.in_scope(|| {
        let p = IntegrationsProbes::new();
        let a = p.billing_event(BillingEventType::Charge, "evt_a");
        let mut b = p.billing_event(BillingEventType::Charge, "evt_b");
        b.retrying(BillingError::ProviderUnavailable);
        let pending = capture.signals();
        pending
            .metric(&BILLING_PENDING)
            .with("dataface.billing.event_type", "charge")
            .gauge(2.0);
        pending.metric(&BILLING_EVENTS).none();
        a.recorded();
        capture
            .signals()
            .metric(&BILLING_PENDING)
            .with("dataface.billing.event_type", "charge")
            .gauge(1.0);
        b.recorded();
    });
    let s = capture.signals();
    s.assert_conforms(&catalog::CATALOG);
    s.metric(&BILLING_PENDING)
        .with("dataface.billing.event_type", "charge")
        .gauge(0.0);
    s.metric(&BILLING_EVENTS)
        .with("dataface.outcome", "recorded")
        .value(1);
    s.metric(&BILLING_EVENTS)
        .with("dataface.outcome", "retried")
        .value(1);
}

#[test]
fn a_billing_event_recorded_after_failed_attempts_is_retried_and_counts_each_failure() {
    let s = run(billing_after_retries);
    s.span("dataface.billing.record")
        .with_attr("dataface.billing.outcome", "retried")
        .with_attr("dataface.billing.attempts", 3)
        .status_not_error()
        .one();
    s.log(Level::WARN)
        .in_span("dataface.billing.record")
        .with_field("error.type", "billing_provider_unavailable")
        .exactly(2);
    s.metric(&BILLING_ERRORS)
        .with("dataface.billing.event_type", "charge")
        .with("error.type", "billing_provider_unavailable")
        .value(2);
    s.metric(&BILLING_EVENTS)
        .with("dataface.billing.event_type", "charge")
        .with("dataface.outcome", "retried")
        .value(1);
    s.metric(&BILLING_LATENCY)
        .with("dataface.billing.event_type", "charge")
        .histogram_count(1);
    s.metric(&BILLING_PENDING)
        .with("dataface.billing.event_type", "charge")
        .gauge(0.0);
}

#[test]
fn a_billing_event_that_fails_is_counted_by_code_and_logged_as_an_error() {
    let s = run(billing_failed);
    s.span("dataface.billing.record")
        .with_attr("dataface.billing.outcome", "failed")
        .with_attr("dataface.billing.attempts", 2)
        .error_type("charge_record_failed")
        .one();
    s.metric(&BILLING_EVENTS)
        .with("dataface.billing.event_type", "charge")
        .with("dataface.outcome", "failed")
        .value(1);
    s.metric(&BILLING_ERRORS)
        .with("error.type", "charge_record_failed")
        .value(1);
    s.metric(&BILLING_ERRORS)
        .with("error.type", "billing_provider_unavailable")
        .value(1);
    s.log(Level::ERROR)
        .in_span("dataface.billing.record")
        .with_field("error.type", "charge_record_failed")
        .one();
    s.metric(&BILLING_LATENCY).none();
    s.metric(&BILLING_PENDING)
        .with("dataface.billing.event_type", "charge")
        .gauge(0.0);
}

#[test]
fn a_billing_event_dropped_without_an_outcome_is_a_failure_of_its_own_kind() {
    let s = run(billing_abandoned);
    let span = s
        .span("dataface.billing.record")
        .with_attr("dataface.abandoned", true)
        .with_attr("dataface.billing.outcome", "abandoned")
        .with_attr("dataface.billing.event.id", "evt_4")
        .with_attr("dataface.billing.attempts", 0)
        .error_type("billing_event_abandoned")
        .one();
    assert!(matches!(&span.status, SpanStatus::Error(m) if m.contains("abandoned")));
    s.metric(&BILLING_EVENTS)
        .with("dataface.billing.event_type", "refund")
        .with("dataface.outcome", "abandoned")
        .value(1);
    s.metric(&BILLING_ERRORS)
        .with("dataface.billing.event_type", "refund")
        .with("error.type", "billing_event_abandoned")
        .value(1);
    s.log(Level::ERROR)
        .in_span("dataface.billing.record")
        .with_field("error.type", "billing_event_abandoned")
        .message_contains("may be lost")
        .one();
    s.metric(&BILLING_PENDING)
        .with("dataface.billing.event_type", "refund")
        .gauge(0.0);
    s.metric(&BILLING_LATENCY).none();
}

// --- custom domains ---------------------------------------------------------------------------

#[test]
fn certificates_fold_into_the_soonest_expiry_and_counts_by_state() {
    let before = SystemTime::now();
    let s = run(certificates);
    let soonest = s.metric(&CERTIFICATE_SOONEST_EXPIRY).exactly(1)[0]
        .value
        .as_f64();
    let expected = (before - Duration::from_secs(DAY / 2))
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    assert!((soonest - expected).abs() < 5.0, "{soonest} vs {expected}");
    // The expired certificate is counted apart: the soonest valid expiry is the next one.
    let soonest_valid = s.metric(&CERTIFICATE_SOONEST_VALID_EXPIRY).exactly(1)[0]
        .value
        .as_f64();
    let in_6 = (before + Duration::from_secs(6 * DAY))
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    assert!(
        (soonest_valid - in_6).abs() < 5.0,
        "{soonest_valid} vs {in_6}"
    );
    s.metric(&CERTIFICATES)
        .with("dataface.domain.certificate.state", "valid")
        .gauge(1.0);
    s.metric(&CERTIFICATES)
        .with("dataface.domain.certificate.state", "expiring")
        .gauge(1.0);
    s.metric(&CERTIFICATES)
        .with("dataface.domain.certificate.state", "expired")
        .gauge(1.0);
    s.span("dataface.domain.certificate")
        .with_attr("dataface.domain.name", "ok.example.com")
        .with_attr("dataface.domain.certificate.days_left", 90)
        .without_attr("error.type")
        .one();
    s.span("dataface.domain.certificate")
        .with_attr("dataface.domain.name", "soon.example.com")
        .with_attr("dataface.domain.certificate.days_left", 6)
        .with_attr("error.type", "certificate_expiring")
        .status_not_error()
        .one();
    s.span("dataface.domain.certificate")
        .with_attr("dataface.domain.name", "late.example.com")
        .with_attr("dataface.domain.certificate.days_left", -1)
        .error_type("certificate_expired")
        .one();
    s.log(Level::WARN)
        .in_span("dataface.domain.certificate")
        .with_field("dataface.domain.name", "soon.example.com")
        .one();
    s.log(Level::ERROR)
        .in_span("dataface.domain.certificate")
        .with_field("dataface.domain.name", "late.example.com")
        .one();
    // The domain is never a metric label.
    assert!(s
        .metrics
        .iter()
        .all(|m| m.labels.values().all(|v| !v.contains("example.com"))));
    assert_eq!(
        moved(&s),
        BTreeSet::from([
            CERTIFICATE_SOONEST_EXPIRY.name,
            CERTIFICATE_SOONEST_VALID_EXPIRY.name,
            CERTIFICATES.name
        ])
    );
}

#[test]
fn a_renewed_certificate_replaces_the_old_expiry() {
    let s = run(|p| {
        p.observe_certificate("soon.example.com", in_(6 * DAY));
        p.observe_certificate("soon.example.com", in_(90 * DAY));
    });
    s.metric(&CERTIFICATES)
        .with("dataface.domain.certificate.state", "expiring")
        .gauge(0.0);
    s.metric(&CERTIFICATES)
        .with("dataface.domain.certificate.state", "valid")
        .gauge(1.0);
    let soonest = s.metric(&CERTIFICATE_SOONEST_EXPIRY).exactly(1)[0]
        .value
        .as_f64();
    let in_90 = in_(90 * DAY)
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    assert!((soonest - in_90).abs() < 5.0);
}

#[test]
fn forgetting_the_last_certificate_leaves_no_expiry_and_no_counts() {
    let s = run(|p| {
        p.observe_certificate("a.example.com", ago(DAY));
        p.forget_certificate("a.example.com");
        p.forget_certificate("never-seen.example.com");
        p.refresh_certificates();
    });
    s.metric(&CERTIFICATE_SOONEST_EXPIRY).gauge(f64::INFINITY);
    s.metric(&CERTIFICATE_SOONEST_VALID_EXPIRY)
        .gauge(f64::INFINITY);
    for state in CertificateState::VALUES {
        s.metric(&CERTIFICATES)
            .with("dataface.domain.certificate.state", state)
            .gauge(0.0);
    }
}

#[test]
fn domain_checks_count_by_outcome_with_the_domain_on_the_span_only() {
    let s = run(domain_checks);
    for outcome in ["resolved", "mismatch", "nxdomain", "tls_error", "abandoned"] {
        s.metric(&DOMAIN_CHECKS)
            .with("dataface.outcome", outcome)
            .value(1);
    }
    s.span("dataface.domain.check")
        .with_attr("dataface.domain.name", "ok.example.com")
        .with_attr("dataface.domain.check.outcome", "resolved")
        .status_not_error()
        .one();
    s.span("dataface.domain.check")
        .with_attr("dataface.domain.name", "elsewhere.example.com")
        .error_type("dns_mismatch")
        .one();
    s.span("dataface.domain.check")
        .error_type("domain_nxdomain")
        .one();
    s.span("dataface.domain.check")
        .with_attr("dataface.domain.check.outcome", "tls_error")
        .error_type("certificate_expired")
        .one();
    s.span("dataface.domain.check")
        .with_attr("dataface.domain.name", "slow.example.com")
        .with_attr("dataface.abandoned", true)
        .status_error()
        .one();
    assert_eq!(moved(&s), BTreeSet::from([DOMAIN_CHECKS.name]));
}

#[test]
fn a_certificate_observed_during_a_check_is_a_child_of_the_check() {
    let s = run(|p| {
        let check = p.domain_check("soon.example.com");
        check
            .span()
            .in_scope(|| p.observe_certificate("soon.example.com", in_(3 * DAY)));
        check.resolved();
    });
    s.span("dataface.domain.certificate")
        .child_of("dataface.domain.check")
        .with_attr("error.type", "certificate_expiring")
        .one();
}

// --- the whole crate --------------------------------------------------------------------------

#[test]
fn with_telemetry_disabled_nothing_is_recorded() {
    // No pipeline and no capture: probes stay inert, and nothing is kept.
    let p = IntegrationsProbes::new();
    let d = p.deployment(Environment::Production, "2.5.0");
    assert!(d.span().is_disabled());
    d.succeeded();
    let mut charge = p.billing_event(BillingEventType::Charge, "evt");
    charge.retrying(BillingError::ProviderUnavailable);
    assert_eq!(
        charge.failed_attempts(),
        1,
        "a retry budget must not depend on telemetry"
    );
    drop(charge);
    p.observe_certificate("a.example.com", ago(DAY));
    p.forget_certificate("a.example.com");
    p.refresh_certificates();
    drop(p.webhook_delivery());
    drop(p.domain_check("a.example.com"));
}

#[test]
fn guards_can_cross_threads_and_awaits() {
    fn send<T: Send>() {}
    fn sync<T: Sync>() {}
    send::<DeploymentGuard<'static>>();
    send::<WebhookGuard<'static>>();
    send::<BillingGuard<'static>>();
    send::<DomainCheckGuard<'static>>();
    sync::<IntegrationsProbes>();
}

#[test]
fn the_section_is_valid_and_shown_in_the_readme() {
    telemetry_testing::assert_section_ready(
        &catalog::CATALOG,
        &catalog::SECTION,
        include_str!("../README.md"),
    );
    assert_eq!(
        catalog::SECTION.error_codes.len(),
        DeployError::ALL.len()
            + WebhookError::ALL.len()
            + BillingError::ALL.len()
            + DomainError::ALL.len()
    );
    for spec in catalog::SECTION.error_codes {
        assert_eq!(spec.surface, "integrations");
    }
    // Billing answers for its own signals; the rest is the integrations platform's.
    for m in catalog::SECTION.metrics {
        let billing = m.name.starts_with("dataface.billing.");
        assert_eq!(m.owner.id == "billing", billing, "{}", m.name);
    }
}

#[test]
fn the_tests_cover_the_whole_catalog() {
    let mut coverage = Coverage::for_section(&catalog::SECTION);
    for scenario in [
        deploy_succeeded,
        deploy_failed,
        deploy_rolled_back,
        deploy_abandoned,
        webhook_accepted,
        webhook_outcomes,
        billing_first_try,
        billing_after_retries,
        billing_failed,
        billing_abandoned,
        certificates,
        domain_checks,
        every_error_code,
    ] {
        coverage.add(&run(scenario));
    }
    coverage.assert_complete();
}
