//! Every API call emits exactly the signals its catalog entry promises; the captured signals
//! conform to the catalog; the crate's tests cover all of it; misuse is rejected and visible.

use cloud_probes::catalog::{self, *};
use cloud_probes::*;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use telemetry_testing::{Capture, Captured, Coverage, MetricValue};
use tracing::Level;

/// Projects a scenario still tracks when its signals are read (their gauges still count).
type Tracked = Vec<ProjectLifecycle>;

/// Runs `scenario` with fresh probes inside a fresh capture, checks conformance, and returns
/// what it emitted (untouched pre-registered handles aside). The projects it returns are
/// dropped only after the signals are read.
fn run(scenario: impl FnOnce(&CloudProbes) -> Tracked) -> Captured {
    let capture = Capture::new();
    let tracked = capture.in_scope(|| scenario(&CloudProbes::new()));
    let signals = capture.signals();
    drop(tracked);
    signals.assert_conforms(&catalog::CATALOG);
    signals
}

fn at(unix_seconds: u64) -> SystemTime {
    UNIX_EPOCH + Duration::from_secs(unix_seconds)
}

fn gauge_value(
    s: &Captured,
    spec: &telemetry_core::catalog::MetricSpec,
    key: &str,
    value: &str,
) -> f64 {
    let series = s.metric(spec).with(key, value).one();
    match series.value {
        MetricValue::Gauge(v) => v,
        ref other => panic!("{} is not a gauge: {other:?}", spec.name),
    }
}

// ---- scenarios (each also feeds the coverage test) ----

fn account_created(p: &CloudProbes) -> Tracked {
    p.account_creation(SignupMethod::Email).ok("acct-1");
    Vec::new()
}

fn account_failures(p: &CloudProbes) -> Tracked {
    p.account_creation(SignupMethod::GitHub)
        .fail(AccountFailure::IdentityProviderUnavailable);
    p.account_creation(SignupMethod::Google)
        .fail(AccountFailure::AlreadyExists);
    p.account_creation(SignupMethod::Sso)
        .fail(AccountFailure::PaymentRequired);
    Vec::new()
}

fn account_abandoned(p: &CloudProbes) -> Tracked {
    let _forgotten = p.account_creation(SignupMethod::Invitation);
    Vec::new()
}

fn provisioned_first_time(p: &CloudProbes) -> Tracked {
    let mut project = p.project("proj-1");
    project.provision().unwrap().ok();
    vec![project]
}

fn quota_then_retry(p: &CloudProbes) -> Tracked {
    let mut project = p.project("proj-2");
    project
        .provision()
        .unwrap()
        .fail(ProvisioningFailure::QuotaExceeded(QuotaKind::Projects));
    project.provision().unwrap().ok();
    vec![project]
}

fn every_provisioning_failure(p: &CloudProbes) -> Tracked {
    [
        ProvisioningFailure::Failed,
        ProvisioningFailure::TimedOut,
        ProvisioningFailure::QuotaExceeded(QuotaKind::Storage),
        ProvisioningFailure::PaymentRequired,
    ]
    .into_iter()
    .enumerate()
    .map(|(i, failure)| {
        let mut project = p.project(&format!("proj-f{i}"));
        project.provision().unwrap().fail(failure);
        project
    })
    .collect()
}

fn provisioning_abandoned(p: &CloudProbes) -> Tracked {
    let mut project = p.project("proj-stuck");
    let _forgotten = project.provision().unwrap();
    drop(_forgotten);
    vec![project]
}

fn whole_lifecycle(p: &CloudProbes) -> Tracked {
    let mut project = p.project("proj-3");
    project.provision().unwrap().ok();
    project.transition(ProjectState::Suspended).unwrap();
    project.transition(ProjectState::Active).unwrap();
    project.transition(ProjectState::Deleting).unwrap();
    project.transition(ProjectState::Deleted).unwrap();
    let mut cancelled = p.project("proj-4");
    cancelled.transition(ProjectState::Deleting).unwrap();
    vec![project, cancelled]
}

fn invalid_transitions(p: &CloudProbes) -> Tracked {
    let mut project = p.project("proj-5");
    project.provision().unwrap().ok();
    let err = project.transition(ProjectState::Requested).unwrap_err();
    assert_eq!(
        err,
        InvalidTransition {
            from: ProjectState::Active,
            to: ProjectState::Requested
        }
    );
    vec![project]
}

fn stuck_projects(p: &CloudProbes) -> Tracked {
    vec![
        p.resume_project("proj-old", ProjectState::Provisioning, at(1_700_000_000)),
        p.resume_project("proj-new", ProjectState::Provisioning, at(1_700_000_600)),
        p.resume_project("proj-del", ProjectState::Deleting, at(1_700_000_300)),
        p.resume_project("proj-ok", ProjectState::Active, at(1_600_000_000)),
        p.resume_project("proj-broken", ProjectState::Failed, at(1_700_000_900)),
        p.resume_project("proj-broken-2", ProjectState::Failed, at(1_700_001_200)),
    ]
}

fn quota_rejections(p: &CloudProbes) -> Tracked {
    p.quota_rejected(QuotaKind::Members);
    p.quota_rejected(QuotaKind::Members);
    p.quota_rejected(QuotaKind::Dashboards);
    Vec::new()
}

// ---- accounts ----

#[test]
fn a_created_account_records_its_method_duration_and_id_on_the_span_only() {
    let s = run(account_created);
    s.span("dataface.cloud.account.create")
        .with_attr("dataface.cloud.signup.method", "email")
        .with_attr("dataface.account.id", "acct-1")
        .without_attr("error.type")
        .status_not_error()
        .root()
        .one();
    s.metric(&ACCOUNT_CREATION_DURATION)
        .with("dataface.cloud.signup.method", "email")
        .with("dataface.outcome", "success")
        .histogram_count(1);
    s.metric(&ACCOUNT_CREATION_DURATION).exactly(1);
    s.metric(&ACCOUNT_CREATION_ERRORS).none();
    s.any_metric().exactly(1);
    assert!(s
        .any_metric()
        .all()
        .iter()
        .all(|m| m.labels.values().all(|v| v != "acct-1")));
}

#[test]
fn a_failed_account_creation_sets_error_type_and_counts_it_by_method_and_code() {
    let s = run(account_failures);
    s.span("dataface.cloud.account.create")
        .with_attr("dataface.cloud.signup.method", "github")
        .error_type("identity_provider_unavailable")
        .without_attr("dataface.account.id")
        .one();
    s.metric(&ACCOUNT_CREATION_ERRORS)
        .with("dataface.cloud.signup.method", "github")
        .with("error.type", "identity_provider_unavailable")
        .value(1);
    s.metric(&ACCOUNT_CREATION_ERRORS)
        .with("dataface.cloud.signup.method", "google")
        .with("error.type", "account_already_exists")
        .value(1);
    s.metric(&ACCOUNT_CREATION_ERRORS)
        .with("dataface.cloud.signup.method", "sso")
        .with("error.type", "payment_required")
        .value(1);
    s.metric(&ACCOUNT_CREATION_ERRORS).exactly(3);
    s.metric(&ACCOUNT_CREATION_DURATION)
        .with("dataface.outcome", "failed")
        .histogram_count(3);
    s.metric(&ACCOUNT_CREATION_DURATION)
        .with("dataface.outcome", "success")
        .none();
}

#[test]
fn an_account_creation_dropped_without_an_outcome_records_abandoned() {
    let s = run(account_abandoned);
    s.span("dataface.cloud.account.create")
        .with_attr("dataface.cloud.signup.method", "invitation")
        .with_attr("dataface.abandoned", true)
        .status_error()
        .one();
    s.metric(&ACCOUNT_CREATION_DURATION)
        .with("dataface.cloud.signup.method", "invitation")
        .with("dataface.outcome", "abandoned")
        .histogram_count(1);
    s.metric(&ACCOUNT_CREATION_ERRORS).none();
}

// ---- provisioning ----

#[test]
fn a_provisioning_moves_the_project_to_active_inside_its_span() {
    let s = run(provisioned_first_time);
    s.span("dataface.cloud.project.provision")
        .with_attr("dataface.project.id", "proj-1")
        .with_attr("dataface.cloud.provisioning.attempt", "first")
        .without_attr("error.type")
        .status_not_error()
        .root()
        .one();
    for (from, to) in [("requested", "provisioning"), ("provisioning", "active")] {
        s.span("dataface.cloud.project.transition")
            .child_of("dataface.cloud.project.provision")
            .with_attr("dataface.project.id", "proj-1")
            .with_attr("dataface.cloud.project.from", from)
            .with_attr("dataface.cloud.project.to", to)
            .with_attr_present("dataface.cloud.transition.dwell_ms")
            .status_not_error()
            .one();
        s.metric(&PROJECT_TRANSITIONS)
            .with("dataface.cloud.project.from", from)
            .with("dataface.cloud.project.to", to)
            .value(1);
        s.metric(&STATE_DURATION)
            .with("dataface.cloud.project.from", from)
            .with("dataface.cloud.project.to", to)
            .histogram_count(1);
    }
    s.span("dataface.cloud.project.transition").exactly(2);
    s.metric(&PROVISIONING_DURATION)
        .with("dataface.cloud.provisioning.attempt", "first")
        .with("dataface.outcome", "success")
        .histogram_count(1);
    s.metric(&PROVISIONING_DURATION).exactly(1);
    s.metric(&PROVISIONING_ERRORS).none();
    s.metric(&INVALID_TRANSITIONS).none();
    s.metric(&QUOTA_REJECTIONS).none();
    // The gauge moved requested -> provisioning -> active.
    s.metric(&PROJECTS)
        .with("dataface.cloud.project.state", "active")
        .gauge(1.0);
    s.metric(&PROJECTS)
        .with("dataface.cloud.project.state", "requested")
        .gauge(0.0);
    s.metric(&PROJECTS)
        .with("dataface.cloud.project.state", "provisioning")
        .gauge(0.0);
    s.metric(&PROJECTS).exactly(3);
    // Nothing is left in a transitional state.
    s.metric(&TRANSITIONAL_SINCE)
        .with("dataface.cloud.project.state", "requested")
        .gauge(0.0);
    s.metric(&TRANSITIONAL_SINCE)
        .with("dataface.cloud.project.state", "provisioning")
        .gauge(0.0);
    s.metric(&TRANSITIONAL_SINCE)
        .with("dataface.cloud.project.state", "deleting")
        .none();
}

#[test]
fn a_quota_failure_names_the_quota_and_the_retry_from_failed_is_a_retry() {
    let s = run(quota_then_retry);
    s.span("dataface.cloud.project.provision")
        .with_attr("dataface.cloud.provisioning.attempt", "first")
        .with_attr("dataface.cloud.quota", "projects")
        .error_type("quota_exceeded")
        .one();
    s.span("dataface.cloud.project.provision")
        .with_attr("dataface.cloud.provisioning.attempt", "retry")
        .without_attr("dataface.cloud.quota")
        .status_not_error()
        .one();
    s.metric(&PROVISIONING_ERRORS)
        .with("error.type", "quota_exceeded")
        .value(1);
    s.metric(&QUOTA_REJECTIONS)
        .with("dataface.cloud.quota", "projects")
        .value(1);
    s.metric(&QUOTA_REJECTIONS).exactly(1);
    s.metric(&PROVISIONING_DURATION)
        .with("dataface.cloud.provisioning.attempt", "first")
        .with("dataface.outcome", "failed")
        .histogram_count(1);
    s.metric(&PROVISIONING_DURATION)
        .with("dataface.cloud.provisioning.attempt", "retry")
        .with("dataface.outcome", "success")
        .histogram_count(1);
    for (from, to) in [
        ("requested", "provisioning"),
        ("provisioning", "failed"),
        ("failed", "provisioning"),
    ] {
        s.metric(&PROJECT_TRANSITIONS)
            .with("dataface.cloud.project.from", from)
            .with("dataface.cloud.project.to", to)
            .value(1);
    }
    s.metric(&PROJECT_TRANSITIONS)
        .with("dataface.cloud.project.from", "provisioning")
        .with("dataface.cloud.project.to", "active")
        .value(1);
    s.metric(&PROJECTS)
        .with("dataface.cloud.project.state", "failed")
        .gauge(0.0);
    s.metric(&PROJECTS)
        .with("dataface.cloud.project.state", "active")
        .gauge(1.0);
}

#[test]
fn every_provisioning_failure_is_counted_by_code_and_leaves_the_project_failed() {
    let s = run(every_provisioning_failure);
    for code in PROVISIONING_CODES {
        s.metric(&PROVISIONING_ERRORS)
            .with("error.type", code)
            .value(1);
        s.span("dataface.cloud.project.provision")
            .error_type(code)
            .one();
    }
    s.span("dataface.cloud.project.provision")
        .with_attr_present("dataface.cloud.quota")
        .exactly(1);
    s.metric(&QUOTA_REJECTIONS)
        .with("dataface.cloud.quota", "storage")
        .value(1);
    s.metric(&PROVISIONING_DURATION)
        .with("dataface.outcome", "failed")
        .histogram_count(4);
    s.metric(&PROJECT_TRANSITIONS)
        .with("dataface.cloud.project.from", "provisioning")
        .with("dataface.cloud.project.to", "failed")
        .value(4);
    s.metric(&PROJECTS)
        .with("dataface.cloud.project.state", "failed")
        .gauge(4.0);
    s.metric(&PROJECTS)
        .with("dataface.cloud.project.state", "active")
        .none();
}

#[test]
fn a_provisioning_dropped_without_an_outcome_records_abandoned_and_leaves_the_project_stuck() {
    let before = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    let s = run(provisioning_abandoned);
    let after = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs_f64();
    s.span("dataface.cloud.project.provision")
        .with_attr("dataface.project.id", "proj-stuck")
        .with_attr("dataface.abandoned", true)
        .status_error()
        .one();
    s.metric(&PROVISIONING_DURATION)
        .with("dataface.outcome", "abandoned")
        .histogram_count(1);
    s.metric(&PROVISIONING_ERRORS).none();
    s.metric(&PROJECTS)
        .with("dataface.cloud.project.state", "provisioning")
        .gauge(1.0);
    let since = gauge_value(
        &s,
        &TRANSITIONAL_SINCE,
        "dataface.cloud.project.state",
        "provisioning",
    );
    assert!(
        (before - 1.0..=after + 1.0).contains(&since),
        "{before} <= {since} <= {after}"
    );
    // Only the move into provisioning happened.
    s.span("dataface.cloud.project.transition").exactly(1);
}

// ---- the lifecycle ----

#[test]
fn every_allowed_transition_counts_once_with_the_time_spent_in_the_state_left() {
    let s = run(whole_lifecycle);
    let expected = [
        ("requested", "provisioning"),
        ("provisioning", "active"),
        ("active", "suspended"),
        ("suspended", "active"),
        ("active", "deleting"),
        ("deleting", "deleted"),
        ("requested", "deleting"),
    ];
    for (from, to) in expected {
        s.metric(&PROJECT_TRANSITIONS)
            .with("dataface.cloud.project.from", from)
            .with("dataface.cloud.project.to", to)
            .value(1);
        s.metric(&STATE_DURATION)
            .with("dataface.cloud.project.from", from)
            .with("dataface.cloud.project.to", to)
            .histogram_count(1);
    }
    s.metric(&PROJECT_TRANSITIONS).exactly(expected.len());
    s.span("dataface.cloud.project.transition")
        .with_attr("dataface.cloud.project.from", "suspended")
        .with_attr("dataface.cloud.project.to", "active")
        .with_attr_present("dataface.cloud.transition.dwell_ms")
        .root()
        .one();
    s.span("dataface.cloud.project.transition")
        .exactly(expected.len());
    s.metric(&PROJECTS)
        .with("dataface.cloud.project.state", "deleted")
        .gauge(1.0);
    s.metric(&PROJECTS)
        .with("dataface.cloud.project.state", "deleting")
        .gauge(1.0);
    s.metric(&PROJECTS)
        .with("dataface.cloud.project.state", "active")
        .gauge(0.0);
    s.metric(&PROJECTS)
        .with("dataface.cloud.project.state", "suspended")
        .gauge(0.0);
    let deleting = gauge_value(
        &s,
        &TRANSITIONAL_SINCE,
        "dataface.cloud.project.state",
        "deleting",
    );
    assert!(
        deleting > 1_700_000_000.0,
        "proj-4 is still deleting: {deleting}"
    );
    s.metric(&INVALID_TRANSITIONS).none();
}

#[test]
fn a_forbidden_transition_is_rejected_counted_and_never_applied() {
    let s = run(invalid_transitions);
    s.metric(&INVALID_TRANSITIONS)
        .with("dataface.cloud.project.from", "active")
        .with("dataface.cloud.project.to", "requested")
        .value(1);
    s.metric(&INVALID_TRANSITIONS).exactly(1);
    let span = s
        .span("dataface.cloud.project.transition")
        .with_attr("dataface.project.id", "proj-5")
        .with_attr("dataface.cloud.project.from", "active")
        .with_attr("dataface.cloud.project.to", "requested")
        .without_attr("dataface.cloud.transition.dwell_ms")
        .error_type("invalid_lifecycle_transition")
        .one();
    assert!(span.parent_span_id.is_none());
    s.log(Level::ERROR)
        .in_span("dataface.cloud.project.transition")
        .with_field("dataface.cloud.project.from", "active")
        .with_field("dataface.cloud.project.to", "requested")
        .with_field("dataface.project.id", "proj-5")
        .message_contains("invalid project lifecycle transition")
        .one();
    // Not applied: no transition out of active, the gauge still says active.
    s.metric(&PROJECT_TRANSITIONS)
        .with("dataface.cloud.project.from", "active")
        .none();
    s.metric(&STATE_DURATION)
        .with("dataface.cloud.project.from", "active")
        .none();
    s.metric(&PROJECTS)
        .with("dataface.cloud.project.state", "active")
        .gauge(1.0);
    s.metric(&PROJECTS)
        .with("dataface.cloud.project.state", "requested")
        .gauge(0.0);
}

#[test]
fn the_project_keeps_its_state_after_a_rejected_transition() {
    let capture = Capture::new();
    capture.in_scope(|| {
        let p = CloudProbes::new();
        let mut project = p.project("proj-6");
        project.provision().unwrap().ok();
        project.transition(ProjectState::Deleting).unwrap();
        project.transition(ProjectState::Deleted).unwrap();
        let err = project.transition(ProjectState::Active).unwrap_err();
        assert_eq!(err.code(), CloudError::InvalidLifecycleTransition);
        assert_eq!(project.state(), ProjectState::Deleted);
        let text = err.to_string();
        assert!(
            text.contains("forbids deleted -> active")
                && text.contains("allowed from deleted: none"),
            "{text}"
        );
    });
    let s = capture.signals();
    s.assert_conforms(&catalog::CATALOG);
    s.metric(&INVALID_TRANSITIONS)
        .with("dataface.cloud.project.from", "deleted")
        .with("dataface.cloud.project.to", "active")
        .value(1);
}

#[test]
fn provisioning_a_project_that_cannot_provision_is_an_invalid_transition_and_provisions_nothing() {
    let s = run(|p| {
        let mut project = p.project("proj-7");
        project.provision().unwrap().ok();
        let err = project.provision().map(|_| ()).unwrap_err();
        assert_eq!(
            err,
            InvalidTransition {
                from: ProjectState::Active,
                to: ProjectState::Provisioning
            }
        );
        assert_eq!(
            err.to_string(),
            "the project lifecycle forbids active -> provisioning; the project stays active \
             (allowed from active: suspended deleting). A service bug: fix the caller, then \
             reconcile the project's state."
        );
        assert_eq!(project.state(), ProjectState::Active);
        vec![project]
    });
    s.metric(&INVALID_TRANSITIONS)
        .with("dataface.cloud.project.from", "active")
        .with("dataface.cloud.project.to", "provisioning")
        .value(1);
    s.span("dataface.cloud.project.provision").exactly(1);
    s.metric(&PROVISIONING_DURATION).histogram_count(1);
    s.span("dataface.cloud.project.transition")
        .error_type("invalid_lifecycle_transition")
        .one();
}

#[test]
fn the_oldest_project_in_each_transitional_state_is_a_timestamp() {
    let s = run(stuck_projects);
    s.metric(&TRANSITIONAL_SINCE)
        .with("dataface.cloud.project.state", "provisioning")
        .gauge(1_700_000_000.0);
    s.metric(&TRANSITIONAL_SINCE)
        .with("dataface.cloud.project.state", "deleting")
        .gauge(1_700_000_300.0);
    s.metric(&TRANSITIONAL_SINCE)
        .with("dataface.cloud.project.state", "requested")
        .none();
    s.metric(&FAILED_SINCE).gauge(1_700_000_900.0);
    s.metric(&PROJECTS)
        .with("dataface.cloud.project.state", "failed")
        .gauge(2.0);
    s.metric(&PROJECTS)
        .with("dataface.cloud.project.state", "provisioning")
        .gauge(2.0);
    s.metric(&PROJECTS)
        .with("dataface.cloud.project.state", "active")
        .gauge(1.0);
    // Resuming records no transition.
    s.metric(&PROJECT_TRANSITIONS).none();
    s.span("dataface.cloud.project.transition").none();
}

#[test]
fn when_the_oldest_moves_on_the_next_oldest_takes_over_and_none_reads_zero() {
    let capture = Capture::new();
    let read = |capture: &Capture| {
        let s = capture.signals();
        gauge_value(
            &s,
            &TRANSITIONAL_SINCE,
            "dataface.cloud.project.state",
            "provisioning",
        )
    };
    let p = capture.in_scope(CloudProbes::new);
    let mut projects = capture.in_scope(|| stuck_projects(&p));
    assert_eq!(read(&capture), 1_700_000_000.0);
    capture.in_scope(|| projects[0].transition(ProjectState::Failed).unwrap());
    assert_eq!(read(&capture), 1_700_000_600.0);
    capture.in_scope(|| {
        let s = projects[1].transition(ProjectState::Active);
        s.unwrap();
    });
    assert_eq!(read(&capture), 0.0);
    // projects[0] failed after the two resumed broken projects: the oldest failed is still
    // proj-broken; once it is retried, proj-broken-2; once that is deleted, the project
    // failed just now.
    let failed = |capture: &Capture| {
        capture.signals().metric(&FAILED_SINCE).exactly(1)[0]
            .value
            .as_f64()
    };
    assert_eq!(failed(&capture), 1_700_000_900.0);
    capture.in_scope(|| projects[4].transition(ProjectState::Provisioning).unwrap());
    assert_eq!(failed(&capture), 1_700_001_200.0);
    capture.in_scope(|| projects[5].transition(ProjectState::Deleting).unwrap());
    assert!(failed(&capture) > 1_700_001_200.0);
    let s = capture.signals();
    s.assert_conforms(&catalog::CATALOG);
    s.metric(&PROJECT_TRANSITIONS)
        .with("dataface.cloud.project.from", "provisioning")
        .value(2);
    // The time in `provisioning` of a resumed project counts from `since`.
    let dwell = s
        .metric(&STATE_DURATION)
        .with("dataface.cloud.project.from", "provisioning")
        .with("dataface.cloud.project.to", "failed")
        .one();
    match &dwell.value {
        MetricValue::Histogram(samples) => assert!(samples[0] > 86_400.0, "{samples:?}"),
        other => panic!("{other:?}"),
    }
    projects.clear();
    let s = capture.signals();
    s.metric(&TRANSITIONAL_SINCE)
        .with("dataface.cloud.project.state", "deleting")
        .gauge(0.0);
    for state in ["provisioning", "deleting", "active", "failed"] {
        s.metric(&PROJECTS)
            .with("dataface.cloud.project.state", state)
            .gauge(0.0);
    }
    s.metric(&FAILED_SINCE).gauge(0.0);
}

#[test]
fn dropping_a_lifecycle_takes_the_project_out_of_the_gauges() {
    let s = run(|p| {
        drop(p.project("proj-8"));
        Vec::new()
    });
    s.metric(&PROJECTS)
        .with("dataface.cloud.project.state", "requested")
        .gauge(0.0);
    s.metric(&TRANSITIONAL_SINCE)
        .with("dataface.cloud.project.state", "requested")
        .gauge(0.0);
    s.metric(&PROJECT_TRANSITIONS).none();
    s.any_span().none();
}

#[test]
fn quota_rejections_outside_provisioning_count_by_kind() {
    let s = run(quota_rejections);
    s.metric(&QUOTA_REJECTIONS)
        .with("dataface.cloud.quota", "members")
        .value(2);
    s.metric(&QUOTA_REJECTIONS)
        .with("dataface.cloud.quota", "dashboards")
        .value(1);
    s.any_metric().exactly(2);
    s.any_span().none();
}

#[test]
fn logs_inside_the_provisioning_span_correlate() {
    let s = run(|p| {
        let mut project = p.project("proj-9");
        let provisioning = project.provision().unwrap();
        provisioning
            .span()
            .in_scope(|| tracing::warn!(region = "eu-west-1", "slow database create"));
        assert_eq!(provisioning.attempt(), Attempt::First);
        provisioning.ok();
        vec![project]
    });
    s.log(Level::WARN)
        .in_span("dataface.cloud.project.provision")
        .with_field("region", "eu-west-1")
        .one();
}

#[test]
fn with_telemetry_disabled_nothing_is_recorded_but_the_lifecycle_is_still_enforced() {
    // No pipeline and no capture: probes stay inert, the state machine does not.
    let p = CloudProbes::new();
    let account = p.account_creation(SignupMethod::Email);
    assert!(account.span().is_disabled());
    account.ok("acct-x");
    let mut project = p.project("proj-x");
    {
        let provisioning = project.provision().unwrap();
        assert!(provisioning.span().is_disabled());
        provisioning.fail(ProvisioningFailure::Failed);
    }
    assert_eq!(project.state(), ProjectState::Failed);
    assert!(project.transition(ProjectState::Active).is_err());
    assert_eq!(project.state(), ProjectState::Failed);
    project.provision().unwrap().ok();
    assert_eq!(project.state(), ProjectState::Active);
}

// ---- the declarations ----

#[test]
fn the_lifecycle_table_is_consistent() {
    use ProjectState::*;
    // Declared once; the helpers agree with it.
    for from in ProjectState::ALL {
        for to in ProjectState::ALL {
            assert_eq!(
                from.can_become(*to),
                TRANSITIONS.contains(&(*from, *to)),
                "{from} -> {to}"
            );
        }
    }
    assert_eq!(Deleted.next_states().count(), 0, "deleted is terminal");
    assert_eq!(
        Failed.next_states().collect::<Vec<_>>(),
        [Provisioning, Deleting]
    );
    // Every state is reachable from requested, and deleted from every state but itself.
    let mut reached = vec![Requested];
    while let Some(next) = reached
        .iter()
        .flat_map(|s| s.next_states())
        .find(|s| !reached.contains(s))
    {
        reached.push(next);
    }
    assert_eq!(reached.len(), ProjectState::ALL.len());
    // The transitional states and their label values.
    let transitional: Vec<_> = ProjectState::ALL
        .iter()
        .copied()
        .filter(|s| s.is_transitional())
        .collect();
    assert_eq!(transitional, TRANSITIONAL_STATES);
    let values: Vec<_> = TRANSITIONAL_STATES.iter().map(|s| s.as_str()).collect();
    assert_eq!(values, catalog::TRANSITIONAL_VALUES);
}

#[test]
fn typed_failures_map_to_declared_codes() {
    use telemetry_core::errors::ErrorCode as _;
    for f in AccountFailure::ALL {
        assert_eq!(f.code().code(), f.as_str());
        assert_eq!(CloudError::from(*f), f.code());
    }
    let failures = [
        ProvisioningFailure::Failed,
        ProvisioningFailure::TimedOut,
        ProvisioningFailure::QuotaExceeded(QuotaKind::Members),
        ProvisioningFailure::PaymentRequired,
    ];
    for (f, code) in failures.iter().zip(PROVISIONING_CODES) {
        assert_eq!(f.code().code(), *code);
        assert_eq!(CloudError::from(*f), f.code());
    }
    assert_eq!(
        CloudError::PaymentRequired.spec().owner,
        cloud_probes::catalog::BILLING
    );
    assert!(CloudError::ALL.iter().all(|c| !c.spec().remedy.is_empty()));
}

#[test]
fn lifecycles_and_probes_move_across_threads() {
    fn send_sync<T: Send + Sync>() {}
    fn send<T: Send>() {}
    send_sync::<CloudProbes>();
    send::<ProjectLifecycle>();
    let capture = Capture::new();
    let p = capture.in_scope(CloudProbes::new);
    let project = capture.in_scope(|| p.project("proj-t"));
    let project = std::thread::spawn(capture.wrap(move || {
        let mut project = project;
        project.provision().unwrap().ok();
        project
    }))
    .join()
    .unwrap();
    assert_eq!(project.state(), ProjectState::Active);
    let s = capture.signals();
    s.metric(&PROJECTS)
        .with("dataface.cloud.project.state", "active")
        .gauge(1.0);
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
fn the_tests_cover_the_whole_catalog() {
    let mut coverage = Coverage::for_section(&catalog::SECTION);
    for scenario in [
        account_created,
        account_failures,
        account_abandoned,
        provisioned_first_time,
        quota_then_retry,
        every_provisioning_failure,
        provisioning_abandoned,
        whole_lifecycle,
        invalid_transitions,
        stuck_projects,
        quota_rejections,
    ] {
        coverage.add(&run(scenario));
    }
    coverage.assert_complete();
}
