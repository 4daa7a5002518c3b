//! The integrations platform through one day of traffic (task card 002).
//!
//! Twenty-four simulated hours of deployments, Fivetran webhooks, billing events and
//! custom-domain checks, compressed into a moment. Four things go wrong:
//!
//! - 10:00: release 2.5.0 goes to production, fails its health checks and is rolled back to
//!   2.4.0; 2.5.1 goes out cleanly at 16:00;
//! - 14:00: the webhook secret is rotated on Fivetran's side only, and every delivery of the
//!   hour (with Fivetran's redeliveries) fails its signature check until ours is updated;
//! - 09:00 to 12:00: the billing provider is down; events wait and retry, those still
//!   unrecorded after three failed attempts are given up, the rest are recorded late when it
//!   returns; at 17:00 a code path returns early and drops one charge without an outcome;
//! - all day: `reports.acme.example`'s certificate expires in 6 days and is not renewing,
//!   `dash.globex.example` points its CNAME elsewhere, `old.initech.example` has lapsed.
//!
//! The output shows the series that moved and a verdict computed from them.
//!
//! ```text
//! cargo run --example integrations_service
//! ```

mod common;

use dataface_telemetry::core::TelemetryGuard;
use dataface_telemetry::integrations::{
    BillingError, BillingEventType, BillingGuard, DeployError, Environment, IntegrationsProbes,
    WebhookError, WebhookEvent,
};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const DAY: u64 = 86_400;
const CONNECTORS: usize = 6;
/// Failed attempts after which a billing event is given up.
const MAX_FAILED_ATTEMPTS: u32 = 3;
const PROVIDER_DOWN: std::ops::RangeInclusive<usize> = 9..=11;
const SECRET_ROTATED_AT: usize = 14;
/// Custom domains and how many days their certificates have left.
const DOMAINS: &[(&str, u64)] = &[
    ("reports.acme.example", 6),
    ("bi.umbrella.example", 74),
    ("dash.globex.example", 51),
    ("metrics.hooli.example", 88),
    ("old.initech.example", 33),
];

/// A deterministic spread in `0..range`.
fn spread(n: usize, hour: usize, range: u64) -> u64 {
    ((n as u64 * 7_919 + hour as u64 * 104_729) ^ 0x5bd1) % range
}

fn deployments(probes: &IntegrationsProbes, hour: usize) {
    match hour {
        2 => probes.deployment(Environment::Staging, "2.5.0").succeeded(),
        6 => probes
            .deployment(Environment::Preview, "pr-412")
            .succeeded(),
        10 => {
            let deploy = probes.deployment(Environment::parse("prod"), "2.5.0");
            deploy.span().in_scope(|| {
                tracing::error!(
                    check = "/healthz",
                    "2.5.0 failing health checks: 38% 5xx; rolling back"
                )
            });
            deploy.rolled_back(DeployError::HealthCheckFailed, "2.4.0");
        }
        15 => probes.deployment(Environment::Staging, "2.5.1").succeeded(),
        16 => probes
            .deployment(Environment::Production, "2.5.1")
            .succeeded(),
        _ => {}
    }
}

fn webhooks(probes: &IntegrationsProbes, hour: usize) {
    let deliveries = 12 + if hour == SECRET_ROTATED_AT { 30 } else { 0 };
    for n in 0..deliveries {
        let mut delivery = probes.webhook_delivery();
        if hour == SECRET_ROTATED_AT {
            // Fivetran signs with the new secret; we still verify with the old one.
            delivery.invalid_signature();
            continue;
        }
        let connector = format!("connector_{}", n % CONNECTORS);
        let kind = match n % 4 {
            0 => "sync_start",
            1 | 2 => "sync_end",
            _ if n == 11 && hour % 8 == 3 => "dbt_run_succeeded", // not a declared type
            _ => "transformation_run_succeeded",
        };
        let lag = 2 + spread(n, hour, 40);
        let redelivery = spread(n, hour, 25) == 0;
        let created =
            SystemTime::now() - Duration::from_secs(if redelivery { 300 + lag } else { lag });
        delivery.event(WebhookEvent::parse(kind), created, &connector);
        if redelivery {
            delivery.duplicate();
        } else if hour == 18 && n == 5 {
            delivery.rejected(WebhookError::ConnectorUnknown);
        } else if hour == 20 && n == 7 {
            delivery.failed(WebhookError::ProcessingFailed);
        } else {
            delivery.accepted();
        }
    }
}

/// Receives the hour's billing events, then tries to record everything waiting.
fn billing<'p>(
    probes: &'p IntegrationsProbes,
    hour: usize,
    waiting: &mut Vec<BillingGuard<'p>>,
    next_id: &mut usize,
) {
    let mut arrivals = vec![BillingEventType::Usage; 6];
    if hour % 3 == 0 {
        arrivals.push(BillingEventType::Charge);
    }
    if hour == 12 {
        arrivals.push(BillingEventType::Refund);
    }
    if hour == 17 {
        arrivals.push(BillingEventType::Subscription);
    }
    for kind in arrivals {
        *next_id += 1;
        let event = probes.billing_event(kind, &format!("evt_{:05}", *next_id));
        if hour == 17 && kind == BillingEventType::Subscription {
            // A bug: the plan-change handler returns early on a missing field.
            drop(event);
            continue;
        }
        waiting.push(event);
    }
    let provider_up = !PROVIDER_DOWN.contains(&hour);
    for mut event in std::mem::take(waiting) {
        if provider_up {
            event.recorded();
        } else if event.failed_attempts() + 1 >= MAX_FAILED_ATTEMPTS {
            event.failed(BillingError::ChargeRecordFailed);
        } else {
            event.retrying(BillingError::ProviderUnavailable);
            waiting.push(event);
        }
    }
}

fn domains(probes: &IntegrationsProbes, hour: usize, start: SystemTime) {
    if hour % 6 != 0 {
        return;
    }
    for &(domain, days_left) in DOMAINS {
        let check = probes.domain_check(domain);
        match domain {
            "dash.globex.example" if hour >= 12 => check.mismatch(),
            "old.initech.example" => check.nxdomain(),
            _ => {
                let not_after = start + Duration::from_secs(days_left * DAY);
                check
                    .span()
                    .in_scope(|| probes.observe_certificate(domain, not_after));
                check.resolved();
            }
        }
    }
    probes.refresh_certificates();
}

fn total(guard: &TelemetryGuard, prefix: &str, with: &[&str]) -> f64 {
    common::moved(guard, &[prefix])
        .iter()
        .filter(|(series, _)| with.iter().all(|w| series.contains(w)))
        .fold(0.0, |sum, (_, v)| sum + v)
}

fn main() {
    let guard = common::start("integrations-service");
    let probes = IntegrationsProbes::new();
    let start = SystemTime::now();
    let mut waiting = Vec::new();
    let mut next_id = 0;
    let mut peak_pending = (0.0, 0);
    // Hours in which deliveries failed their signature check, from the scrape.
    let (mut bad_signature_hours, mut bad_signatures_so_far) = (Vec::new(), 0.0);

    for hour in 0..24 {
        deployments(&probes, hour);
        webhooks(&probes, hour);
        billing(&probes, hour, &mut waiting, &mut next_id);
        domains(&probes, hour, start);
        let pending = total(&guard, "dataface_billing_events_pending", &[]);
        if pending > peak_pending.0 {
            peak_pending = (pending, hour);
        }
        let bad = total(
            &guard,
            "dataface_webhook_deliveries_total",
            &["dataface_outcome=\"invalid_signature\""],
        );
        if bad > bad_signatures_so_far {
            bad_signature_hours.push(hour);
            bad_signatures_so_far = bad;
        }
        if hour == *PROVIDER_DOWN.end() {
            common::print_moved(
                &guard,
                "11:59, billing provider down since 09:00: events received, not yet recorded",
                &["dataface_billing_events_pending"],
            );
        }
    }

    common::print_moved(
        &guard,
        "deployments by environment and outcome:",
        &["dataface_deploy_duration_seconds_count"],
    );
    common::print_moved(
        &guard,
        "Fivetran webhook deliveries by event type and outcome:",
        &["dataface_webhook_deliveries_total"],
    );
    common::print_moved(
        &guard,
        "webhook lag (event time to receipt) and processing, sample counts:",
        &[
            "dataface_webhook_lag_seconds_count",
            "dataface_webhook_duration_seconds_count",
        ],
    );
    common::print_moved(
        &guard,
        "billing events, errors and what is still pending at midnight:",
        &[
            "dataface_billing_events_handled_total",
            "dataface_billing_errors_total",
            "dataface_billing_events_pending",
        ],
    );
    common::print_moved(
        &guard,
        "custom domains: checks, certificates by state, soonest expiry (Unix time):",
        &[
            "dataface_domain_checks_total",
            "dataface_domain_certificates",
            "dataface_domain_certificate_soonest_expiry_seconds",
        ],
    );

    let deploys = total(&guard, "dataface_deploy_duration_seconds_count", &[]);
    let rolled_back = total(
        &guard,
        "dataface_deploy_duration_seconds_count",
        &[
            "deployment_environment_name=\"production\"",
            "dataface_outcome=\"rolled_back\"",
        ],
    );
    let deliveries = total(&guard, "dataface_webhook_deliveries_total", &[]);
    let bad_signatures = total(
        &guard,
        "dataface_webhook_deliveries_total",
        &["dataface_outcome=\"invalid_signature\""],
    );
    let events = total(&guard, "dataface_billing_events_handled_total", &[]);
    let retried = total(
        &guard,
        "dataface_billing_events_handled_total",
        &["dataface_outcome=\"retried\""],
    );
    let failed = total(
        &guard,
        "dataface_billing_events_handled_total",
        &["dataface_outcome=\"failed\""],
    );
    let abandoned = total(
        &guard,
        "dataface_billing_errors_total",
        &["error_type=\"billing_event_abandoned\""],
    );
    let pending_now = total(&guard, "dataface_billing_events_pending", &[]);
    let expiring = total(
        &guard,
        "dataface_domain_certificates",
        &["dataface_domain_certificate_state=\"expiring\""],
    ) + total(
        &guard,
        "dataface_domain_certificates",
        &["dataface_domain_certificate_state=\"expired\""],
    );
    let soonest = total(
        &guard,
        "dataface_domain_certificate_soonest_expiry_seconds",
        &[],
    );
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64();
    let days_left = (soonest - now) / DAY as f64;
    let domain_failures = total(&guard, "dataface_domain_checks_total", &[])
        - total(
            &guard,
            "dataface_domain_checks_total",
            &["dataface_outcome=\"resolved\""],
        );

    let prod_ok = total(
        &guard,
        "dataface_deploy_duration_seconds_count",
        &[
            "deployment_environment_name=\"production\"",
            "dataface_outcome=\"succeeded\"",
        ],
    );
    let signatures = match bad_signature_hours.as_slice() {
        [] => "no webhook failed its signature check".to_owned(),
        [hour] => format!(
            "{bad_signatures} of {deliveries} webhook deliveries ({:.0}%) failed their \
             signature check, all in the {hour:02}:00 hour: a burst like that is a secret \
             rotated on one side, check it before suspecting an attack",
            100.0 * bad_signatures / deliveries
        ),
        hours => format!(
            "{bad_signatures} of {deliveries} webhook deliveries failed their signature check, \
             spread over {} hours: check where they come from",
            hours.len()
        ),
    };
    let unaccounted = failed + abandoned;
    println!(
        "\nverdict: of {deploys} deployments, {rolled_back} was rolled back in production \
         and {prod_ok} went out there cleanly. {signatures}. The billing outage held \
         up to {} events pending (by {:02}:59); {retried} were recorded late, {failed} were \
         given up and {abandoned} was dropped by a code path, so {unaccounted} of {events} \
         billing events need reconciling by the billing owner ({pending_now} still pending). \
         {expiring} certificate expires within 14 days, the soonest in {days_left:.1} days: \
         renew it before it turns critical. {domain_failures} domain checks failed on \
         customer DNS.",
        peak_pending.0, peak_pending.1,
    );
    common::finish(guard);
}
