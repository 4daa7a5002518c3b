//! The Cloud Suite on launch day (task card 003).
//!
//! The service starts by loading the projects it owns: most are active, and one has sat in
//! `provisioning` for 47 minutes because its worker died. Then 40 people sign up (GitHub's
//! OAuth has a hiccup) and 24 projects are requested: free accounts past their 3-project
//! limit hit the quota, one trial has ended, one provisioning fails on infrastructure and is
//! retried. Some projects are suspended, resumed and deleted, and one service bug — a
//! "reactivate" endpoint that does not check the state — tries to bring a project that is
//! being deleted back to `active`. The output shows each failure mode in the series it moves
//! and a verdict computed from them.
//!
//! ```text
//! cargo run --example cloud_service
//! ```

mod common;

use dataface_telemetry::cloud::{
    AccountFailure, CloudProbes, ProjectLifecycle, ProjectState, ProvisioningFailure, QuotaKind,
    SignupMethod,
};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Free accounts may own this many projects.
const FREE_PROJECTS: usize = 3;
/// Accounts that own the requested projects: the first four are on the free plan.
const OWNERS: usize = 6;
const FREE_OWNERS: usize = 4;

fn sign_up(probes: &CloudProbes, n: usize) {
    let method = SignupMethod::ALL[n % SignupMethod::ALL.len()];
    let signup = probes.account_creation(method);
    let _in_span = signup.span().clone().entered();
    match (method, n) {
        // GitHub's OAuth endpoint times out for a few minutes.
        (SignupMethod::GitHub, 18..=30) => {
            tracing::warn!(provider = "github", "oauth token exchange timed out");
            signup.fail(AccountFailure::IdentityProviderUnavailable);
        }
        // People who already have an account sign up again.
        _ if n % 11 == 7 => signup.fail(AccountFailure::AlreadyExists),
        // A team plan bought through SSO with a declined card.
        (SignupMethod::Sso, 34) => signup.fail(AccountFailure::PaymentRequired),
        _ => signup.ok(&format!("acct-{n:04}")),
    }
}

/// Provisions project `i` of owner `owner` (its `nth` project); returns the lifecycle.
fn provision(probes: &CloudProbes, i: usize, owner: usize, nth: usize) -> ProjectLifecycle {
    let mut project = probes.project(&format!("proj-{:04}", 1000 + i));
    let Ok(provisioning) = project.provision() else {
        return project;
    };
    let _in_span = provisioning.span().clone().entered();
    std::thread::sleep(Duration::from_millis(1)); // create the database, storage, workers
    if owner < FREE_OWNERS && nth >= FREE_PROJECTS {
        provisioning.fail(ProvisioningFailure::QuotaExceeded(QuotaKind::Projects));
    } else if i == 17 {
        provisioning.fail(ProvisioningFailure::PaymentRequired); // the trial ended
    } else if i == 9 {
        tracing::error!(
            step = "create_database",
            "provisioner: database quota on the cloud provider"
        );
        provisioning.fail(ProvisioningFailure::Failed);
        drop(_in_span);
        // The operator retries once the provider's limit is raised.
        project
            .provision()
            .expect("failed -> provisioning is a retry")
            .ok();
    } else {
        provisioning.ok();
    }
    project
}

fn main() {
    let guard = common::start("cloud-service");
    let probes = CloudProbes::new();
    let now = SystemTime::now();

    // The projects this process owns, loaded at start.
    let mut projects: Vec<ProjectLifecycle> = (0..12)
        .map(|i| {
            let since = now - Duration::from_secs(86_400 * (i + 1));
            probes.resume_project(&format!("proj-{:04}", 100 + i), ProjectState::Active, since)
        })
        .collect();
    projects.push(probes.resume_project(
        "proj-0417",
        ProjectState::Provisioning,
        now - Duration::from_secs(47 * 60),
    ));

    println!("40 sign-ups, 24 projects requested");
    for n in 0..40 {
        sign_up(&probes, n);
    }
    let mut owned = [0usize; OWNERS];
    for i in 0..24 {
        let owner = i % OWNERS;
        projects.push(provision(&probes, i, owner, owned[owner]));
        owned[owner] += 1;
    }
    // Invitations beyond the free plan's seats.
    for _ in 0..3 {
        probes.quota_rejected(QuotaKind::Members);
    }

    // Day-to-day lifecycle: suspensions, a resume, deletions; the first quota-failed owner
    // upgrades and retries, the second deletes the failed project.
    let at = |projects: &[ProjectLifecycle], state: ProjectState, skip: usize| {
        projects
            .iter()
            .enumerate()
            .filter(|(_, p)| p.state() == state)
            .nth(skip)
            .map(|(i, _)| i)
            .expect("the workload has one")
    };
    for _ in 0..2 {
        let i = at(&projects, ProjectState::Active, 3);
        projects[i].transition(ProjectState::Suspended).unwrap();
    }
    let i = at(&projects, ProjectState::Suspended, 0);
    projects[i].transition(ProjectState::Active).unwrap();
    let i = at(&projects, ProjectState::Failed, 0);
    projects[i].provision().unwrap().ok();
    let i = at(&projects, ProjectState::Failed, 0);
    projects[i].transition(ProjectState::Deleting).unwrap();
    projects[i].transition(ProjectState::Deleted).unwrap();
    let deleting = at(&projects, ProjectState::Active, 5);
    projects[deleting]
        .transition(ProjectState::Deleting)
        .unwrap();

    // The bug: "reactivate" called on a project that is being deleted.
    if let Err(e) = projects[deleting].transition(ProjectState::Active) {
        println!("reactivate endpoint: {e}");
    }
    projects[deleting]
        .transition(ProjectState::Deleted)
        .unwrap();

    common::print_moved(
        &guard,
        "account creation by method and outcome, errors by code:",
        &[
            "dataface_cloud_account_creation_duration_seconds_count",
            "dataface_cloud_account_creation_errors_total",
        ],
    );
    common::print_moved(
        &guard,
        "provisioning by attempt and outcome, errors by code, quota rejections:",
        &[
            "dataface_cloud_provisioning_duration_seconds_count",
            "dataface_cloud_provisioning_errors_total",
            "dataface_cloud_quota_rejections_total",
        ],
    );
    common::print_moved(
        &guard,
        "lifecycle transitions (and the rejected one):",
        &[
            "dataface_cloud_project_transitions_total",
            "dataface_cloud_project_invalid_transitions_total",
        ],
    );
    common::print_moved(
        &guard,
        "projects per state, oldest entry into a transitional state (Unix seconds):",
        &[
            "dataface_cloud_projects",
            "dataface_cloud_project_transitional_since_seconds",
        ],
    );

    println!("\nverdict: {}", verdict(&guard));
    drop(projects);
    common::finish(guard);
}

/// The sum of the moved series named `name` whose labels include every `labels` pair.
fn sum(rows: &[(String, f64)], name: &str, labels: &[(&str, &str)]) -> f64 {
    rows.iter()
        .filter(|(series, _)| {
            series.split('{').next() == Some(name)
                && labels
                    .iter()
                    .all(|(k, v)| series.contains(&format!("{k}=\"{v}\"")))
        })
        .map(|(_, v)| v)
        .sum()
}

fn verdict(guard: &dataface_telemetry::core::TelemetryGuard) -> String {
    let rows = common::moved(guard, &["dataface_cloud_"]);
    let signups = "dataface_cloud_account_creation_duration_seconds_count";
    let signup_errors = "dataface_cloud_account_creation_errors_total";
    let provisioned = "dataface_cloud_provisioning_duration_seconds_count";
    let provisioning_errors = "dataface_cloud_provisioning_errors_total";
    let created = sum(&rows, signups, &[("dataface_outcome", "success")]);
    let all = sum(&rows, signups, &[]);
    let idp = sum(
        &rows,
        signup_errors,
        &[("error_type", "identity_provider_unavailable")],
    );
    let ok = sum(&rows, provisioned, &[("dataface_outcome", "success")]);
    let retried = sum(
        &rows,
        provisioned,
        &[
            ("dataface.cloud.provisioning.attempt", "retry"),
            ("dataface.outcome", "success"),
        ],
    );
    let quota = sum(
        &rows,
        provisioning_errors,
        &[("error_type", "quota_exceeded")],
    );
    let payment = sum(
        &rows,
        provisioning_errors,
        &[("error_type", "payment_required")],
    );
    let infra = sum(
        &rows,
        provisioning_errors,
        &[("error_type", "provisioning_failed")],
    );
    let broken = sum(
        &rows,
        "dataface_cloud_projects",
        &[("dataface_cloud_project_state", "failed")],
    );
    let invalid: Vec<String> = rows
        .iter()
        .filter(|(s, _)| s.starts_with("dataface_cloud_project_invalid_transitions_total"))
        .map(|(s, v)| {
            let label = |k: &str| {
                s.split(&format!("{k}=\""))
                    .nth(1)
                    .and_then(|r| r.split('"').next())
                    .unwrap_or("?")
                    .to_owned()
            };
            format!("{v} {} -> {}", label("from"), label("to"))
        })
        .collect();
    let since = sum(
        &rows,
        "dataface_cloud_project_transitional_since_seconds",
        &[("dataface_cloud_project_state", "provisioning")],
    );
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64();
    let stuck_minutes = if since > 0.0 {
        (now - since) / 60.0
    } else {
        0.0
    };
    format!(
        "{created}/{all} sign-ups created an account; {idp} failed on the identity provider \
         (retryable: watch the provider, not our code). Provisioning: {ok} projects active \
         ({retried} after a retry), {quota} stopped by the projects quota (a sales \
         conversation, not an outage), {payment} payment required (billing's queue), {infra} \
         infrastructure failure(s) (cloud-suite); {broken} project(s) still failed. \
         Invalid transitions: {} — a service bug, rejected and not applied. Oldest project in \
         provisioning entered it {stuck_minutes:.0} minutes ago: {}.",
        if invalid.is_empty() {
            "none".to_owned()
        } else {
            invalid.join(", ")
        },
        if stuck_minutes > 30.0 {
            "stuck past the 30-minute threshold, page cloud-suite"
        } else {
            "within the 30-minute threshold"
        }
    )
}
