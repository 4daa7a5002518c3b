//! The integrations platform's day (task card 002): deployments (a staging rollout failing
//! at 04:00, a preview one timing out at 08:00, 2.5.1 rolled back at 16:00), Fivetran
//! webhooks (a malformed payload at 07:00, a secret rotated on one side at 14:00), billing
//! events through a provider outage, custom domains and their certificates (one expired, one
//! whose certificate is not provisioned yet).

use crate::compiler::{BAD_RELEASE, BAD_RELEASE_LIVE, GOOD_RELEASE, ROLLBACK};
use crate::narrative::say;
use crate::{spread, Ctx};
use dataface_telemetry::integrations::{
    BillingError, BillingEventType, BillingGuard, DeployError, DomainError, Environment,
    IntegrationsProbes, WebhookError, WebhookEvent,
};
use std::time::{Duration, SystemTime};

const DAY_SECONDS: u64 = 86_400;
const CONNECTORS: u64 = 6;
/// Failed attempts after which a billing event is given up.
const MAX_FAILED_ATTEMPTS: u32 = 3;
const PROVIDER_DOWN: std::ops::RangeInclusive<u32> = 9..=11;
const SECRET_ROTATED: u32 = 14;
/// Custom domains and how many days their certificates have left.
const DOMAINS: [(&str, u64); 5] = [
    ("reports.acme.example", 6),
    ("bi.umbrella.example", 74),
    ("dash.globex.example", 51),
    ("metrics.hooli.example", 88),
    ("old.initech.example", 33),
];
/// A custom domain whose certificate expired a day ago.
const EXPIRED_DOMAIN: &str = "legacy.vandelay.example";
/// A custom domain just added: its certificate is not provisioned yet, so TLS fails.
const NEW_DOMAIN: &str = "new.pendant.example";
/// When a payload arrives that does not match Fivetran's schema.
const MALFORMED_PAYLOAD: u32 = 7;

/// The integrations platform at work: billing events waiting for the provider, webhook and
/// event counts.
pub(crate) struct Integrations<'p> {
    probes: &'p IntegrationsProbes,
    /// Billing events received and not yet recorded.
    waiting: Vec<BillingGuard<'p>>,
    billing_events: u64,
    webhooks: u64,
    start: SystemTime,
}

impl<'p> Integrations<'p> {
    pub(crate) fn new(probes: &'p IntegrationsProbes) -> Self {
        Self {
            probes,
            waiting: Vec::new(),
            billing_events: 0,
            webhooks: 0,
            start: SystemTime::now(),
        }
    }

    pub(crate) fn hour(&mut self, hour: u32, ctx: &mut Ctx) {
        self.deployments(hour, ctx);
        if hour == SECRET_ROTATED {
            // Fivetran's redeliveries of the hour, all signed with the new secret.
            for _ in 0..30 {
                self.webhook(hour, false, ctx);
            }
        }
        if hour == MALFORMED_PAYLOAD {
            self.malformed_webhook(ctx);
        }
        if hour == 18 || hour == 20 {
            // A delivery for a deleted connector (18:00), one that fails on our side (20:00).
            self.webhook(hour, true, ctx);
        }
        self.billing(hour, ctx);
        if hour % 6 == 0 {
            self.domains(hour, ctx);
        }
    }

    pub(crate) fn round(&mut self, hour: u32, ctx: &mut Ctx) {
        self.webhook(hour, false, ctx);
    }

    fn deployments(&mut self, hour: u32, ctx: &mut Ctx) {
        let (environment, release) = match hour {
            2 => (Environment::Staging, BAD_RELEASE),
            4 => (Environment::Staging, "2.5.1-rc.1"),
            8 => (Environment::Preview, "pr-415"),
            6 => (Environment::Preview, "pr-412"),
            BAD_RELEASE_LIVE => (Environment::Production, BAD_RELEASE),
            15 => (Environment::Staging, "2.5.1"),
            ROLLBACK => (Environment::Production, "2.5.1"),
            _ => return,
        };
        ctx.op("deployment");
        let deploy = self.probes.deployment(environment, release);
        if hour == 4 {
            let code = DeployError::DeployFailed;
            say!(
                ctx,
                deploy.span(),
                Error(code),
                "{release}: pushing the image to the registry failed; staging keeps the previous release"
            );
            deploy.failed(code);
            ctx.err(code);
        } else if hour == 8 {
            let code = DeployError::Timeout;
            say!(
                ctx,
                deploy.span(),
                Warn(code),
                "{release}: the preview rollout did not become healthy within its deadline"
            );
            deploy.failed(code);
            ctx.err(code);
        } else if hour == ROLLBACK {
            let code = DeployError::HealthCheckFailed;
            say!(
                ctx,
                deploy.span(),
                Error(code),
                "{release} fails its health checks: rolling back to {GOOD_RELEASE}"
            );
            deploy.rolled_back(code, GOOD_RELEASE);
            ctx.err(code);
        } else {
            say!(
                ctx,
                deploy.span(),
                Info,
                "{release} deployed to {environment}"
            );
            deploy.succeeded();
        }
    }

    /// A verified delivery whose payload lacks the connector id: refused.
    fn malformed_webhook(&mut self, ctx: &mut Ctx) {
        self.webhooks += 1;
        ctx.op("webhook");
        let delivery = self.probes.webhook_delivery();
        let code = WebhookError::PayloadInvalid;
        say!(
            ctx,
            delivery.span(),
            Warn(code),
            "webhook payload has no connector_id: refused"
        );
        delivery.rejected(code);
        ctx.err(code);
    }

    /// One Fivetran webhook delivery; `scripted` makes it the hour's scripted failure.
    fn webhook(&mut self, hour: u32, scripted: bool, ctx: &mut Ctx) {
        self.webhooks += 1;
        let n = self.webhooks;
        ctx.op("webhook");
        let mut delivery = self.probes.webhook_delivery();
        if hour == SECRET_ROTATED {
            // Fivetran signs with the new secret; we still verify with the old one.
            let code = WebhookError::SignatureInvalid;
            say!(
                ctx,
                delivery.span(),
                Warn(code),
                "webhook signature does not match the shared secret"
            );
            delivery.invalid_signature();
            ctx.err(code);
            return;
        }
        let connector = format!("connector_{}", n % CONNECTORS);
        let kind = match n % 4 {
            0 => WebhookEvent::SyncStart,
            1 | 2 => WebhookEvent::SyncEnd,
            _ => WebhookEvent::TransformationRunSucceeded,
        };
        let lag = 2 + spread(n, u64::from(hour), 40);
        let redelivery = spread(n, u64::from(hour), 25) == 0;
        let created =
            SystemTime::now() - Duration::from_secs(if redelivery { 300 + lag } else { lag });
        delivery.event(kind, created, &connector);
        let span = delivery.span().clone();
        if redelivery && !scripted {
            delivery.duplicate();
        } else if hour == 18 && (scripted || n % 5 == 0) {
            let code = WebhookError::ConnectorUnknown;
            say!(
                ctx,
                span,
                Warn(code),
                "webhook for {connector}, which no project owns"
            );
            delivery.rejected(code);
            ctx.err(code);
        } else if hour == 20 && (scripted || n % 5 == 0) {
            let code = WebhookError::ProcessingFailed;
            say!(
                ctx,
                span,
                Error(code),
                "processing the {kind} webhook of {connector} failed; Fivetran will redeliver"
            );
            delivery.failed(code);
            ctx.err(code);
        } else {
            delivery.accepted();
        }
    }

    /// Receives the hour's billing events, then tries to record everything waiting.
    fn billing(&mut self, hour: u32, ctx: &mut Ctx) {
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
            self.billing_events += 1;
            ctx.op("billing event");
            let event = self
                .probes
                .billing_event(kind, &format!("evt_{:05}", self.billing_events));
            if hour == 17 && kind == BillingEventType::Subscription {
                // A bug: the plan-change handler returns early on a missing field. The probe
                // records the loss (error log, error counter) when the guard drops.
                drop(event);
                ctx.err(BillingError::EventAbandoned);
                continue;
            }
            self.waiting.push(event);
        }
        let provider_up = !PROVIDER_DOWN.contains(&hour);
        for mut event in std::mem::take(&mut self.waiting) {
            if provider_up {
                event.recorded();
            } else if event.failed_attempts() + 1 >= MAX_FAILED_ATTEMPTS {
                event.failed(BillingError::ChargeRecordFailed);
                ctx.err(BillingError::ChargeRecordFailed);
            } else {
                event.retrying(BillingError::ProviderUnavailable);
                ctx.err(BillingError::ProviderUnavailable);
                self.waiting.push(event);
            }
        }
    }

    fn domains(&mut self, hour: u32, ctx: &mut Ctx) {
        for (domain, days_left) in DOMAINS {
            ctx.op("domain check");
            let check = self.probes.domain_check(domain);
            match domain {
                "dash.globex.example" if hour >= 12 => {
                    let code = DomainError::DnsMismatch;
                    say!(
                        ctx,
                        check.span(),
                        Warn(code),
                        "{domain} resolves, but not to the Dataface target"
                    );
                    check.mismatch();
                    ctx.err(code);
                }
                "old.initech.example" => {
                    let code = DomainError::Nxdomain;
                    say!(
                        ctx,
                        check.span(),
                        Warn(code),
                        "{domain} does not exist in DNS"
                    );
                    check.nxdomain();
                    ctx.err(code);
                }
                _ => {
                    let not_after = self.start + Duration::from_secs(days_left * DAY_SECONDS);
                    check
                        .span()
                        .in_scope(|| self.probes.observe_certificate(domain, not_after));
                    if days_left <= 14 {
                        // The probe warns on the certificate span.
                        ctx.err(DomainError::CertificateExpiring);
                    }
                    check.resolved();
                }
            }
        }
        // The domain whose certificate lapsed yesterday: the probe reports it expired, and
        // the check's TLS handshake fails on it.
        ctx.op("domain check");
        let check = self.probes.domain_check(EXPIRED_DOMAIN);
        let expired_at = self.start - Duration::from_secs(DAY_SECONDS);
        check
            .span()
            .in_scope(|| self.probes.observe_certificate(EXPIRED_DOMAIN, expired_at));
        check.tls_error(DomainError::CertificateExpired);
        ctx.err(DomainError::CertificateExpired);
        // A domain added this morning: no certificate yet.
        ctx.op("domain check");
        let check = self.probes.domain_check(NEW_DOMAIN);
        let code = DomainError::TlsHandshakeFailed;
        say!(
            ctx,
            check.span(),
            Warn(code),
            "{NEW_DOMAIN}: TLS handshake failed, its certificate is still being provisioned"
        );
        check.tls_error(code);
        ctx.err(code);
        self.probes.refresh_certificates();
    }

    /// End of day: the provider is up, everything still waiting is recorded.
    pub(crate) fn close(&mut self) {
        for event in std::mem::take(&mut self.waiting) {
            event.recorded();
        }
    }
}
