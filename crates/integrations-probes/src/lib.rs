//! # integrations-probes
//!
//! Telemetry for the integrations platform (task card 002): GCP deployments, Fivetran
//! webhooks, billing events and custom domains. A failed or rolled-back deployment, a
//! webhook that arrives late or fails its signature check, a charge that is not yet (or
//! never) recorded, and a TLS certificate about to expire each become a series to alert on.
//!
//! ```
//! use integrations_probes::*;
//! use std::time::{Duration, SystemTime};
//!
//! let probes = IntegrationsProbes::new(); // once, at start
//! probes.deployment(Environment::Production, "2.5.0")
//!     .rolled_back(DeployError::HealthCheckFailed, "2.4.0");
//! let mut delivery = probes.webhook_delivery();
//! delivery.event(WebhookEvent::parse("sync_end"), SystemTime::now(), "connector_1");
//! delivery.accepted();
//! let mut charge = probes.billing_event(BillingEventType::Charge, "evt_1");
//! charge.retrying(BillingError::ProviderUnavailable);
//! charge.recorded(); // outcome `retried`: recorded after a failed attempt
//! probes.observe_certificate("reports.example.com", SystemTime::now() + Duration::from_secs(86_400));
//! probes.domain_check("reports.example.com").resolved();
//! ```
//!
//! Every operation is a guard started with its context and finished with an outcome; a guard
//! dropped without one records `abandoned`. A billing event dropped without an outcome is
//! also a failure of its own kind: `error.type = billing_event_abandoned` on its span, an
//! error log and the billing error counter. Metrics go through handles registered once per
//! label combination in [`IntegrationsProbes::new`]: recording is an array index and an
//! atomic update. Identifiers (deployment release, connector, billing event, domain) go on
//! spans and logs only. When telemetry is disabled a guard does no work beyond one check.

pub mod catalog;

use metrics::{Counter, Gauge, Histogram};
use std::array;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use telemetry_core::errors::{ErrorCode as _, ERROR_TYPE};
use telemetry_core::probe::Operation;
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

// ---------------------------------------------------------------------------------------------
// Label values
// ---------------------------------------------------------------------------------------------

telemetry_core::label_enum! {
    /// A deployment environment (the `environment` label; `deployment.environment.name` on
    /// spans).
    pub enum Environment {
        /// Production.
        Production = "production",
        /// Staging.
        Staging = "staging",
        /// A preview environment (per branch or pull request).
        Preview = "preview",
        /// A development environment.
        Development = "development",
        /// Any environment not declared here.
        Other = "other",
    }
}

impl Environment {
    /// The declared environment for `text` (`"production"`, `"prod"`, `"Staging"`, `"dev"`),
    /// else `Other`.
    pub fn parse(text: &str) -> Self {
        match text.trim().to_ascii_lowercase().as_str() {
            "production" | "prod" | "prd" => Environment::Production,
            "staging" | "stage" | "stg" => Environment::Staging,
            "preview" => Environment::Preview,
            "development" | "dev" => Environment::Development,
            _ => Environment::Other,
        }
    }
}

telemetry_core::label_enum! {
    /// How a deployment ended (the `outcome` label of `dataface.deploy.duration`).
    pub enum DeployOutcome {
        /// The release is live.
        Succeeded = "succeeded",
        /// The rollout failed; the previous release kept serving.
        Failed = "failed",
        /// The release went out and was rolled back to the previous one.
        RolledBack = "rolled_back",
        /// The guard was dropped without an outcome: a code path forgot to report.
        Abandoned = "abandoned",
    }
}

telemetry_core::label_enum! {
    /// A Fivetran webhook event type (the `event_type` label of webhook metrics).
    pub enum WebhookEvent {
        /// A connector sync started.
        SyncStart = "sync_start",
        /// A connector sync ended (new data landed).
        SyncEnd = "sync_end",
        /// A connector's setup test passed.
        ConnectionSuccessful = "connection_successful",
        /// A connector's setup test failed.
        ConnectionFailure = "connection_failure",
        /// A connector was created.
        CreateConnector = "create_connector",
        /// A connector was edited.
        EditConnector = "edit_connector",
        /// A connector was paused.
        PauseConnector = "pause_connector",
        /// A connector was resumed.
        ResumeConnector = "resume_connector",
        /// A connector was deleted.
        DeleteConnector = "delete_connector",
        /// A connector's full resync was requested.
        ResyncConnector = "resync_connector",
        /// A table's resync was requested.
        ResyncTable = "resync_table",
        /// A transformation run succeeded.
        TransformationRunSucceeded = "transformation_run_succeeded",
        /// A transformation run failed.
        TransformationRunFailed = "transformation_run_failed",
        /// An event type Fivetran sent that is not declared here.
        Other = "other",
        /// The delivery ended before its payload was read (a bad signature, an unparsable
        /// body): its event type is not known.
        Unread = "unread",
    }
}

impl WebhookEvent {
    /// The declared event type for Fivetran's `event` field, else `Other` (never `Unread`).
    pub fn parse(text: &str) -> Self {
        let t = text.trim();
        Self::ALL
            .iter()
            .copied()
            .find(|e| !matches!(e, WebhookEvent::Other | WebhookEvent::Unread) && e.as_str() == t)
            .unwrap_or(WebhookEvent::Other)
    }
}

telemetry_core::label_enum! {
    /// How a webhook delivery ended (the `outcome` label of webhook metrics).
    pub enum WebhookOutcome {
        /// Verified and processed.
        Accepted = "accepted",
        /// The signature did not match: the delivery was refused unread.
        InvalidSignature = "invalid_signature",
        /// Verified, and already processed before (a redelivery): acknowledged, not reprocessed.
        Duplicate = "duplicate",
        /// Verified, but the payload was refused (malformed, unknown connector).
        Rejected = "rejected",
        /// Processing failed on our side; Fivetran will redeliver.
        Failed = "failed",
        /// The guard was dropped without an outcome.
        Abandoned = "abandoned",
    }
}

telemetry_core::label_enum! {
    /// A billing event type (the `event_type` label of billing metrics).
    pub enum BillingEventType {
        /// A charge to a customer.
        Charge = "charge",
        /// A refund.
        Refund = "refund",
        /// A metered usage record.
        Usage = "usage",
        /// A subscription change (plan, seats).
        Subscription = "subscription",
        /// An invoice issued or finalised.
        Invoice = "invoice",
    }
}

telemetry_core::label_enum! {
    /// How a billing event ended (the `outcome` label of `dataface.billing.events`).
    pub enum BillingOutcome {
        /// Durably recorded on the first attempt.
        Recorded = "recorded",
        /// Durably recorded after one or more failed attempts.
        Retried = "retried",
        /// Given up: the event is not recorded and needs a person.
        Failed = "failed",
        /// The guard was dropped without an outcome: the event may be lost.
        Abandoned = "abandoned",
    }
}

telemetry_core::label_enum! {
    /// How a custom-domain check ended (the `outcome` label of `dataface.domain.checks`).
    pub enum DomainCheckOutcome {
        /// The domain resolves to us and serves a valid certificate.
        Resolved = "resolved",
        /// The domain resolves, but not to the expected target.
        Mismatch = "mismatch",
        /// The domain does not exist in DNS.
        Nxdomain = "nxdomain",
        /// The TLS handshake failed or the certificate is not valid.
        TlsError = "tls_error",
        /// The guard was dropped without an outcome.
        Abandoned = "abandoned",
    }
}

telemetry_core::label_enum! {
    /// Where a certificate stands against its expiry (the `state` label of
    /// `dataface.domain.certificates`).
    pub enum CertificateState {
        /// Expires in more than [`EXPIRY_WARNING`].
        Valid = "valid",
        /// Expires within [`EXPIRY_WARNING`].
        Expiring = "expiring",
        /// Already expired.
        Expired = "expired",
    }
}

/// How close to its expiry a certificate counts as `expiring`: 14 days.
pub const EXPIRY_WARNING: Duration = Duration::from_secs(14 * 86_400);

// ---------------------------------------------------------------------------------------------
// Error codes
// ---------------------------------------------------------------------------------------------

use crate::catalog::{BILLING, INTEGRATIONS_PLATFORM};

telemetry_core::error_codes! {
    /// Why a deployment failed or was rolled back (owner: integrations-platform).
    pub enum DeployError for "integrations" {
        /// The rollout itself failed.
        DeployFailed = "deploy_failed", Dependency, retryable: true, Error, INTEGRATIONS_PLATFORM,
            "The rollout failed before the new release served traffic (build, image push or GCP apply).",
            "Read the deploy span's logs for the failing step; retry once GCP reports healthy, else fix the pipeline step.";
        /// The new release failed its health checks.
        HealthCheckFailed = "deploy_health_check_failed", Internal, retryable: false, Critical, INTEGRATIONS_PLATFORM,
            "The new release failed its health checks after going out.",
            "Keep the rollback; compare the release's error rates with the previous one and fix before redeploying.";
        /// The rollout did not converge in time.
        Timeout = "deploy_timeout", Timeout, retryable: true, Error, INTEGRATIONS_PLATFORM,
            "The rollout did not become healthy within its deadline.",
            "Check GCP quotas and instance startup logs; retry, or raise the rollout deadline if startup is legitimately slow.";
    }
}

telemetry_core::error_codes! {
    /// Why a Fivetran webhook delivery was refused or failed (owner: integrations-platform).
    pub enum WebhookError for "integrations" {
        /// The delivery's signature did not match the shared secret.
        SignatureInvalid = "webhook_signature_invalid", Configuration, retryable: false, Warning, INTEGRATIONS_PLATFORM,
            "A webhook's signature did not match the shared secret.",
            "A burst after a secret rotation means the two sides disagree: update the secret in Fivetran or ours; scattered ones may be probes, check the source.";
        /// The payload could not be read.
        PayloadInvalid = "webhook_payload_invalid", Dependency, retryable: false, Error, INTEGRATIONS_PLATFORM,
            "A verified webhook's payload was malformed or missing required fields.",
            "Compare the payload with Fivetran's webhook schema; a change on their side needs a parser update.";
        /// The payload names a connector we do not know.
        ConnectorUnknown = "webhook_connector_unknown", Configuration, retryable: false, Warning, INTEGRATIONS_PLATFORM,
            "A verified webhook names a connector no project owns.",
            "Check whether the connector was deleted or moved; remove the stale webhook registration in Fivetran.";
        /// Processing failed on our side.
        ProcessingFailed = "webhook_processing_failed", Internal, retryable: true, Error, INTEGRATIONS_PLATFORM,
            "Processing a verified webhook failed on our side; Fivetran will redeliver.",
            "Read the webhook span's logs; if redeliveries keep failing, the affected dashboards show stale data until fixed.";
    }
}

telemetry_core::error_codes! {
    /// Why recording a billing event failed (owner: billing).
    pub enum BillingError for "integrations" {
        /// The billing provider could not be reached.
        ProviderUnavailable = "billing_provider_unavailable", Dependency, retryable: true, Error, BILLING,
            "The billing provider could not be reached or returned a server error.",
            "Retries continue on their own; check the provider's status page and watch `dataface_billing_events_pending` drain after recovery.";
        /// Recording the charge failed for good.
        ChargeRecordFailed = "charge_record_failed", Internal, retryable: false, Critical, BILLING,
            "A billing event could not be durably recorded and retries are exhausted: money is not accounted for.",
            "Find the event id on the span or log, record it by hand from the provider's dashboard, then fix the cause.";
        /// A billing guard was dropped without an outcome.
        EventAbandoned = "billing_event_abandoned", Internal, retryable: false, Critical, BILLING,
            "A billing event's handling ended without an outcome: it may be lost (recorded by the probe, never passed by code).",
            "Find the event id on the span or log and reconcile it against the provider; fix the code path that returned early.";
    }
}

telemetry_core::error_codes! {
    /// Custom-domain and certificate problems (owner: integrations-platform).
    pub enum DomainError for "integrations" {
        /// A certificate expires within 14 days.
        CertificateExpiring = "certificate_expiring", Dependency, retryable: false, Warning, INTEGRATIONS_PLATFORM,
            "A custom domain's TLS certificate expires within 14 days and has not been renewed.",
            "Check the managed-certificate renewal for the domain (the span or log names it); renewal usually fails on a DNS change.";
        /// A certificate has expired.
        CertificateExpired = "certificate_expired", Dependency, retryable: false, Critical, INTEGRATIONS_PLATFORM,
            "A custom domain's TLS certificate has expired: browsers refuse the site.",
            "Renew or reissue the certificate now, then tell the customer; find out why renewal did not happen.";
        /// The domain does not point at us.
        DnsMismatch = "dns_mismatch", User, retryable: false, Error, INTEGRATIONS_PLATFORM,
            "A custom domain resolves, but not to the expected Dataface target.",
            "Ask the customer to point the CNAME at the target shown in their domain settings.";
        /// The domain does not exist.
        Nxdomain = "domain_nxdomain", User, retryable: false, Error, INTEGRATIONS_PLATFORM,
            "A custom domain does not exist in DNS (NXDOMAIN).",
            "Ask the customer whether the domain lapsed or was mistyped; remove it if abandoned.";
        /// The TLS handshake failed.
        TlsHandshakeFailed = "tls_handshake_failed", Dependency, retryable: true, Error, INTEGRATIONS_PLATFORM,
            "The TLS handshake with a custom domain failed (no certificate, wrong name, protocol error).",
            "Check the certificate's names and provisioning state for the domain; retry after provisioning completes.";
    }
}

// ---------------------------------------------------------------------------------------------
// The probes
// ---------------------------------------------------------------------------------------------

const ENVIRONMENTS: usize = Environment::ALL.len();
const DEPLOY_OUTCOMES: usize = DeployOutcome::ALL.len();
const WEBHOOK_EVENTS: usize = WebhookEvent::ALL.len();
const WEBHOOK_OUTCOMES: usize = WebhookOutcome::ALL.len();
const BILLING_TYPES: usize = BillingEventType::ALL.len();
const BILLING_OUTCOMES: usize = BillingOutcome::ALL.len();
const BILLING_CODES: usize = BillingError::ALL.len();
const CHECK_OUTCOMES: usize = DomainCheckOutcome::ALL.len();
const CERT_STATES: usize = CertificateState::ALL.len();

/// The integrations platform's probes. Create them once at start (or inside a test
/// capture): they register every handle.
#[derive(Debug)]
pub struct IntegrationsProbes {
    deploy_duration: [[Histogram; DEPLOY_OUTCOMES]; ENVIRONMENTS],
    webhook_deliveries: [[Counter; WEBHOOK_OUTCOMES]; WEBHOOK_EVENTS],
    webhook_lag: [Histogram; WEBHOOK_EVENTS],
    webhook_duration: [Histogram; WEBHOOK_OUTCOMES],
    billing_events: [[Counter; BILLING_OUTCOMES]; BILLING_TYPES],
    billing_latency: [Histogram; BILLING_TYPES],
    billing_pending: [Gauge; BILLING_TYPES],
    billing_errors: [[Counter; BILLING_CODES]; BILLING_TYPES],
    domain_checks: [Counter; CHECK_OUTCOMES],
    certificate_soonest_expiry: Gauge,
    certificates: [Gauge; CERT_STATES],
    observed: Mutex<HashMap<String, SystemTime>>,
}

impl Default for IntegrationsProbes {
    fn default() -> Self {
        Self::new()
    }
}

impl IntegrationsProbes {
    /// Registers every handle, once per label combination.
    pub fn new() -> Self {
        use catalog::*;
        Self {
            deploy_duration: array::from_fn(|e| {
                array::from_fn(|o| {
                    metrics::histogram!(DEPLOY_DURATION.name,
                        "environment" => Environment::ALL[e].as_str(),
                        "outcome" => DeployOutcome::ALL[o].as_str())
                })
            }),
            webhook_deliveries: array::from_fn(|e| {
                array::from_fn(|o| {
                    metrics::counter!(WEBHOOK_DELIVERIES.name,
                        "event_type" => WebhookEvent::ALL[e].as_str(),
                        "outcome" => WebhookOutcome::ALL[o].as_str())
                })
            }),
            webhook_lag: array::from_fn(
                |e| metrics::histogram!(WEBHOOK_LAG.name, "event_type" => WebhookEvent::ALL[e].as_str()),
            ),
            webhook_duration: array::from_fn(
                |o| metrics::histogram!(WEBHOOK_DURATION.name, "outcome" => WebhookOutcome::ALL[o].as_str()),
            ),
            billing_events: array::from_fn(|t| {
                array::from_fn(|o| {
                    metrics::counter!(BILLING_EVENTS.name,
                        "event_type" => BillingEventType::ALL[t].as_str(),
                        "outcome" => BillingOutcome::ALL[o].as_str())
                })
            }),
            billing_latency: array::from_fn(|t| {
                metrics::histogram!(BILLING_LATENCY.name,
                    "event_type" => BillingEventType::ALL[t].as_str())
            }),
            billing_pending: array::from_fn(|t| {
                metrics::gauge!(BILLING_PENDING.name,
                    "event_type" => BillingEventType::ALL[t].as_str())
            }),
            billing_errors: array::from_fn(|t| {
                array::from_fn(|c| {
                    metrics::counter!(BILLING_ERRORS.name,
                        "event_type" => BillingEventType::ALL[t].as_str(),
                        "error.type" => BillingError::CODES[c])
                })
            }),
            domain_checks: array::from_fn(|o| {
                metrics::counter!(DOMAIN_CHECKS.name,
                    "outcome" => DomainCheckOutcome::ALL[o].as_str())
            }),
            certificate_soonest_expiry: metrics::gauge!(CERTIFICATE_SOONEST_EXPIRY.name),
            certificates: array::from_fn(
                |s| metrics::gauge!(CERTIFICATES.name, "state" => CertificateState::ALL[s].as_str()),
            ),
            observed: Mutex::new(HashMap::new()),
        }
    }

    // --- deployments ---------------------------------------------------------------------

    /// Starts deploying `release` (a version or image tag, on the span only) to
    /// `environment`.
    pub fn deployment(&self, environment: Environment, release: &str) -> DeploymentGuard<'_> {
        let op = if telemetry_core::enabled() {
            Operation::start(tracing::info_span!(
                "dataface.deploy",
                deployment.environment.name = environment.as_str(),
                dataface.deploy.release = release,
            ))
        } else {
            Operation::disabled()
        };
        DeploymentGuard {
            probes: self,
            environment,
            op,
        }
    }

    // --- Fivetran webhooks -----------------------------------------------------------------

    /// Starts handling one Fivetran webhook delivery, at its receipt. Call
    /// [`WebhookGuard::event`] once the payload is read, then finish with an outcome.
    pub fn webhook_delivery(&self) -> WebhookGuard<'_> {
        let op = if telemetry_core::enabled() {
            Operation::start(tracing::info_span!("dataface.webhook.receive"))
        } else {
            Operation::disabled()
        };
        WebhookGuard {
            probes: self,
            event: WebhookEvent::Unread,
            lag: None,
            op,
        }
    }

    // --- billing ---------------------------------------------------------------------------

    /// Starts handling one billing event, at its receipt: it counts as pending
    /// (`dataface.billing.events.pending`) until it is recorded, fails, or is dropped.
    /// `event_id` (the provider's id) goes on the span and logs only.
    pub fn billing_event(&self, event_type: BillingEventType, event_id: &str) -> BillingGuard<'_> {
        let op = if telemetry_core::enabled() {
            Operation::start(tracing::info_span!(
                "dataface.billing.record",
                dataface.billing.event_type = event_type.as_str(),
                dataface.billing.event.id = event_id,
            ))
        } else {
            Operation::disabled()
        };
        if op.is_recording() {
            self.billing_pending[event_type.index()].increment(1.0);
        }
        BillingGuard {
            probes: self,
            event_type,
            failed_attempts: 0,
            op,
        }
    }

    // --- custom domains --------------------------------------------------------------------

    /// Starts checking one custom domain (DNS and TLS). The domain goes on the span only.
    pub fn domain_check(&self, domain: &str) -> DomainCheckGuard<'_> {
        let op = if telemetry_core::enabled() {
            Operation::start(tracing::info_span!(
                "dataface.domain.check",
                dataface.domain.name = domain,
            ))
        } else {
            Operation::disabled()
        };
        DomainCheckGuard { probes: self, op }
    }

    /// Records that `domain` serves a certificate valid until `not_after` (replacing what was
    /// known for it, e.g. after a renewal) and folds every known certificate into the
    /// soonest expiry and the counts by state. Emits a `dataface.domain.certificate` span
    /// naming the domain; one expiring within [`EXPIRY_WARNING`] carries
    /// `error.type = certificate_expiring` and logs a warning, an expired one
    /// `certificate_expired`, an error status and an error log.
    ///
    /// Not a hot path: it takes a lock and keeps the domain. Keep one `IntegrationsProbes`
    /// per process, or the instances overwrite each other's certificate gauges.
    pub fn observe_certificate(&self, domain: &str, not_after: SystemTime) {
        if !telemetry_core::enabled() {
            return;
        }
        let now = SystemTime::now();
        let state = certificate_state(not_after, now);
        let expiry = unix_seconds(not_after);
        // Whole days, rounded: a certificate observed 6 days before expiry says 6, however
        // many microseconds passed since the caller read its clock.
        let days_left = ((expiry - unix_seconds(now)) / 86_400.0).round() as i64;
        let span = tracing::info_span!(
            "dataface.domain.certificate",
            dataface.domain.name = domain,
            dataface.domain.certificate.not_after = expiry as i64,
            dataface.domain.certificate.days_left = days_left,
        );
        match state {
            CertificateState::Valid => {}
            CertificateState::Expiring => {
                // A warning: `error.type` says what, the status stays unset.
                span.set_attribute(ERROR_TYPE, DomainError::CertificateExpiring.code());
                span.in_scope(|| {
                    tracing::warn!(
                        dataface.domain.name = domain,
                        days_left,
                        error.type = DomainError::CertificateExpiring.code(),
                        "custom domain certificate expires within 14 days"
                    )
                });
            }
            CertificateState::Expired => {
                telemetry_core::errors::record_on_span(&span, DomainError::CertificateExpired);
                span.in_scope(|| {
                    tracing::error!(
                        dataface.domain.name = domain,
                        days_left,
                        error.type = DomainError::CertificateExpired.code(),
                        "custom domain certificate has expired"
                    )
                });
            }
        }
        let mut observed = self.observed.lock().unwrap_or_else(|p| p.into_inner());
        observed.insert(domain.to_owned(), not_after);
        self.fold_certificates(&observed, now);
    }

    /// Forgets `domain`'s certificate (the custom domain was removed), so it no longer
    /// counts. With no certificate left the soonest expiry reads `+Inf` (never).
    pub fn forget_certificate(&self, domain: &str) {
        if !telemetry_core::enabled() {
            return;
        }
        let mut observed = self.observed.lock().unwrap_or_else(|p| p.into_inner());
        observed.remove(domain);
        self.fold_certificates(&observed, SystemTime::now());
    }

    /// Recounts the known certificates by state against the current time (states move with
    /// time alone: call it periodically, e.g. with each round of checks).
    pub fn refresh_certificates(&self) {
        if !telemetry_core::enabled() {
            return;
        }
        let observed = self.observed.lock().unwrap_or_else(|p| p.into_inner());
        self.fold_certificates(&observed, SystemTime::now());
    }

    fn fold_certificates(&self, observed: &HashMap<String, SystemTime>, now: SystemTime) {
        let mut counts = [0u32; CERT_STATES];
        let mut soonest: Option<SystemTime> = None;
        for not_after in observed.values() {
            counts[certificate_state(*not_after, now).index()] += 1;
            soonest = Some(soonest.map_or(*not_after, |s| s.min(*not_after)));
        }
        self.certificate_soonest_expiry
            .set(soonest.map_or(f64::INFINITY, unix_seconds));
        for (gauge, count) in self.certificates.iter().zip(counts) {
            gauge.set(f64::from(count));
        }
    }
}

fn unix_seconds(t: SystemTime) -> f64 {
    match t.duration_since(UNIX_EPOCH) {
        Ok(d) => d.as_secs_f64(),
        Err(e) => -e.duration().as_secs_f64(),
    }
}

fn certificate_state(not_after: SystemTime, now: SystemTime) -> CertificateState {
    match not_after.duration_since(now) {
        Err(_) => CertificateState::Expired,
        Ok(left) if left.is_zero() => CertificateState::Expired,
        Ok(left) if left <= EXPIRY_WARNING => CertificateState::Expiring,
        Ok(_) => CertificateState::Valid,
    }
}

// ---------------------------------------------------------------------------------------------
// Deployments
// ---------------------------------------------------------------------------------------------

/// One deployment in flight. Finish it with [`succeeded`](Self::succeeded),
/// [`failed`](Self::failed) or [`rolled_back`](Self::rolled_back); dropped without, it
/// records `abandoned`.
#[derive(Debug)]
#[must_use = "finish the deployment with succeeded(), failed(code) or rolled_back(code, to), or it records `abandoned`"]
pub struct DeploymentGuard<'p> {
    probes: &'p IntegrationsProbes,
    environment: Environment,
    op: Operation,
}

impl DeploymentGuard<'_> {
    /// The deployment span: enter it around the work so its logs correlate.
    pub fn span(&self) -> &tracing::Span {
        self.op.span()
    }

    fn record(&self, outcome: DeployOutcome, elapsed: Option<Duration>) {
        if let Some(elapsed) = elapsed {
            self.op
                .span()
                .set_attribute("dataface.deploy.outcome", outcome.as_str());
            self.probes.deploy_duration[self.environment.index()][outcome.index()]
                .record(elapsed.as_secs_f64());
        }
    }

    /// The release is live.
    pub fn succeeded(mut self) {
        let elapsed = self.op.finish();
        self.record(DeployOutcome::Succeeded, elapsed);
    }

    /// The rollout failed with `code`; the previous release kept serving.
    pub fn failed(mut self, code: DeployError) {
        let elapsed = self.op.fail(code);
        self.record(DeployOutcome::Failed, elapsed);
    }

    /// The release went out, then was rolled back to `to_release` because of `code`
    /// (usually [`DeployError::HealthCheckFailed`]).
    pub fn rolled_back(mut self, code: DeployError, to_release: &str) {
        let elapsed = self.op.fail(code);
        if elapsed.is_some() {
            self.op
                .span()
                .set_attribute("dataface.deploy.rollback_to", to_release.to_owned());
        }
        self.record(DeployOutcome::RolledBack, elapsed);
    }
}

impl Drop for DeploymentGuard<'_> {
    fn drop(&mut self) {
        let elapsed = self.op.abandon();
        self.record(DeployOutcome::Abandoned, elapsed);
    }
}

// ---------------------------------------------------------------------------------------------
// Fivetran webhooks
// ---------------------------------------------------------------------------------------------

/// One Fivetran webhook delivery in flight, from its receipt. Finish it with
/// [`accepted`](Self::accepted), [`duplicate`](Self::duplicate),
/// [`invalid_signature`](Self::invalid_signature), [`rejected`](Self::rejected) or
/// [`failed`](Self::failed); dropped without, it records `abandoned`.
#[derive(Debug)]
#[must_use = "finish the delivery with an outcome, or it records `abandoned`"]
pub struct WebhookGuard<'p> {
    probes: &'p IntegrationsProbes,
    event: WebhookEvent,
    lag: Option<f64>,
    op: Operation,
}

impl WebhookGuard<'_> {
    /// The delivery span: enter it around the processing so its logs correlate.
    pub fn span(&self) -> &tracing::Span {
        self.op.span()
    }

    /// The payload was read: its event type, the event's own time (Fivetran's `created`)
    /// and the connector it concerns (on the span only). The lag from `created` to now is
    /// recorded when the delivery finishes, unless its signature fails (its time cannot be
    /// trusted then). A `created` in the future (clock skew) counts as no lag; the span keeps
    /// the negative value.
    pub fn event(&mut self, event: WebhookEvent, created: SystemTime, connector_id: &str) {
        self.event = event;
        if !self.op.is_recording() {
            return;
        }
        let lag = unix_seconds(SystemTime::now()) - unix_seconds(created);
        self.lag = Some(lag);
        let span = self.op.span();
        span.set_attribute("dataface.webhook.event_type", event.as_str());
        span.set_attribute("dataface.fivetran.connector.id", connector_id.to_owned());
        span.set_attribute("dataface.webhook.lag", lag);
    }

    fn record(&self, outcome: WebhookOutcome, elapsed: Option<Duration>) {
        let Some(elapsed) = elapsed else { return };
        let p = self.probes;
        let e = self.event.index();
        self.op
            .span()
            .set_attribute("dataface.webhook.outcome", outcome.as_str());
        p.webhook_deliveries[e][outcome.index()].increment(1);
        p.webhook_duration[outcome.index()].record(elapsed.as_secs_f64());
        // A delivery that failed its signature check has an untrusted time: no lag.
        if let Some(lag) = self
            .lag
            .filter(|_| outcome != WebhookOutcome::InvalidSignature)
        {
            p.webhook_lag[e].record(lag.max(0.0));
        }
    }

    /// Verified and processed.
    pub fn accepted(mut self) {
        let elapsed = self.op.finish();
        self.record(WebhookOutcome::Accepted, elapsed);
    }

    /// Verified, and already processed before: acknowledged without reprocessing.
    pub fn duplicate(mut self) {
        let elapsed = self.op.finish();
        self.record(WebhookOutcome::Duplicate, elapsed);
    }

    /// The signature did not match: refused
    /// (`error.type = webhook_signature_invalid`).
    pub fn invalid_signature(mut self) {
        let elapsed = self.op.fail(WebhookError::SignatureInvalid);
        self.record(WebhookOutcome::InvalidSignature, elapsed);
    }

    /// Verified, but the payload was refused with `code` (usually
    /// [`WebhookError::PayloadInvalid`] or [`WebhookError::ConnectorUnknown`]).
    pub fn rejected(mut self, code: WebhookError) {
        let elapsed = self.op.fail(code);
        self.record(WebhookOutcome::Rejected, elapsed);
    }

    /// Processing failed on our side with `code` (usually
    /// [`WebhookError::ProcessingFailed`]); Fivetran will redeliver.
    pub fn failed(mut self, code: WebhookError) {
        let elapsed = self.op.fail(code);
        self.record(WebhookOutcome::Failed, elapsed);
    }
}

impl Drop for WebhookGuard<'_> {
    fn drop(&mut self) {
        let elapsed = self.op.abandon();
        self.record(WebhookOutcome::Abandoned, elapsed);
    }
}

// ---------------------------------------------------------------------------------------------
// Billing
// ---------------------------------------------------------------------------------------------

/// One billing event in flight, from its receipt to its durable record. It counts as
/// pending until finished with [`recorded`](Self::recorded) or [`failed`](Self::failed);
/// report each failed attempt before a retry with [`retrying`](Self::retrying). Dropped
/// without an outcome it records `abandoned` loudly: `error.type = billing_event_abandoned`,
/// an error log and the billing error counter.
#[derive(Debug)]
#[must_use = "finish the billing event with recorded() or failed(code): a dropped one is counted as possibly lost"]
pub struct BillingGuard<'p> {
    probes: &'p IntegrationsProbes,
    event_type: BillingEventType,
    failed_attempts: u32,
    op: Operation,
}

impl BillingGuard<'_> {
    /// The billing span: enter it around the work so its logs correlate.
    pub fn span(&self) -> &tracing::Span {
        self.op.span()
    }

    /// Failed attempts reported with [`retrying`](Self::retrying) so far (counted also when
    /// telemetry is disabled, so a retry budget can rely on it).
    pub fn failed_attempts(&self) -> u32 {
        self.failed_attempts
    }

    /// An attempt to record failed with `code` (usually
    /// [`BillingError::ProviderUnavailable`]) and will be retried: counted by code, logged
    /// as a warning inside the span; the event stays pending.
    pub fn retrying(&mut self, code: BillingError) {
        // Counted whether or not telemetry records: a retry budget may depend on it.
        self.failed_attempts = self.failed_attempts.saturating_add(1);
        if !self.op.is_recording() {
            return;
        }
        self.probes.billing_errors[self.event_type.index()][code.index()].increment(1);
        let attempt = i64::from(self.failed_attempts);
        self.op.span().in_scope(|| {
            tracing::warn!(
                error.type = code.code(),
                attempt,
                "billing record attempt failed; retrying"
            )
        });
    }

    fn end(&self, outcome: BillingOutcome) {
        let p = self.probes;
        let t = self.event_type.index();
        let span = self.op.span();
        span.set_attribute("dataface.billing.outcome", outcome.as_str());
        span.set_attribute(
            "dataface.billing.attempts",
            i64::from(self.failed_attempts) + i64::from(outcome != BillingOutcome::Abandoned),
        );
        p.billing_events[t][outcome.index()].increment(1);
        p.billing_pending[t].decrement(1.0);
    }

    /// Durably recorded: outcome `recorded`, or `retried` after failed attempts; the
    /// latency from receipt is recorded.
    pub fn recorded(mut self) {
        if let Some(elapsed) = self.op.finish() {
            let outcome = if self.failed_attempts == 0 {
                BillingOutcome::Recorded
            } else {
                BillingOutcome::Retried
            };
            self.end(outcome);
            self.probes.billing_latency[self.event_type.index()].record(elapsed.as_secs_f64());
        }
    }

    /// Given up with `code` (usually [`BillingError::ChargeRecordFailed`]): the event is not
    /// recorded. Counted by code, with an error log naming the event.
    pub fn failed(mut self, code: BillingError) {
        if self.op.fail(code).is_some() {
            self.end(BillingOutcome::Failed);
            self.probes.billing_errors[self.event_type.index()][code.index()].increment(1);
            let attempts = i64::from(self.failed_attempts) + 1;
            self.op.span().in_scope(|| {
                tracing::error!(
                    error.type = code.code(),
                    attempts,
                    "billing event not recorded: {}",
                    code.spec().remedy
                )
            });
        }
    }
}

impl Drop for BillingGuard<'_> {
    fn drop(&mut self) {
        if self.op.abandon().is_some() {
            let code = BillingError::EventAbandoned;
            self.op.span().set_attribute(ERROR_TYPE, code.code());
            self.end(BillingOutcome::Abandoned);
            self.probes.billing_errors[self.event_type.index()][code.index()].increment(1);
            self.op.span().in_scope(|| {
                tracing::error!(
                    error.type = code.code(),
                    "billing event dropped without an outcome: it may be lost. {}",
                    code.spec().remedy
                )
            });
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Custom domains
// ---------------------------------------------------------------------------------------------

/// One custom-domain check in flight. Finish it with [`resolved`](Self::resolved),
/// [`mismatch`](Self::mismatch), [`nxdomain`](Self::nxdomain) or
/// [`tls_error`](Self::tls_error); dropped without, it records `abandoned`.
#[derive(Debug)]
#[must_use = "finish the domain check with an outcome, or it records `abandoned`"]
pub struct DomainCheckGuard<'p> {
    probes: &'p IntegrationsProbes,
    op: Operation,
}

impl DomainCheckGuard<'_> {
    /// The check span.
    pub fn span(&self) -> &tracing::Span {
        self.op.span()
    }

    fn record(&self, outcome: DomainCheckOutcome, elapsed: Option<Duration>) {
        if elapsed.is_some() {
            self.op
                .span()
                .set_attribute("dataface.domain.check.outcome", outcome.as_str());
            self.probes.domain_checks[outcome.index()].increment(1);
        }
    }

    /// The domain resolves to us and serves a valid certificate.
    pub fn resolved(mut self) {
        let elapsed = self.op.finish();
        self.record(DomainCheckOutcome::Resolved, elapsed);
    }

    /// The domain resolves elsewhere (`error.type = dns_mismatch`).
    pub fn mismatch(mut self) {
        let elapsed = self.op.fail(DomainError::DnsMismatch);
        self.record(DomainCheckOutcome::Mismatch, elapsed);
    }

    /// The domain does not exist (`error.type = domain_nxdomain`).
    pub fn nxdomain(mut self) {
        let elapsed = self.op.fail(DomainError::Nxdomain);
        self.record(DomainCheckOutcome::Nxdomain, elapsed);
    }

    /// TLS failed with `code` ([`DomainError::TlsHandshakeFailed`] or
    /// [`DomainError::CertificateExpired`]).
    pub fn tls_error(mut self, code: DomainError) {
        let elapsed = self.op.fail(code);
        self.record(DomainCheckOutcome::TlsError, elapsed);
    }
}

impl Drop for DomainCheckGuard<'_> {
    fn drop(&mut self) {
        let elapsed = self.op.abandon();
        self.record(DomainCheckOutcome::Abandoned, elapsed);
    }
}

/// The README's example compiles and runs as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
