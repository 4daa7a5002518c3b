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
//! error log and the billing error counter. Metrics go through handle families registered
//! once per label combination in [`IntegrationsProbes::new`]: recording is an index and an
//! atomic update. Identifiers (deployment release, connector, billing event, domain) go on
//! spans and logs only. When telemetry is disabled a guard does no work beyond one check.

pub mod catalog;

use catalog::*;
use metrics::{Counter, Gauge, Histogram};
use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Mutex;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use telemetry_core::errors::{record_warning_on_span, ErrorCode as _, ERROR_TYPE};
use telemetry_core::probe::Family;
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

// ---------------------------------------------------------------------------------------------
// Label values
// ---------------------------------------------------------------------------------------------

telemetry_core::label_enum! {
    /// A deployment environment (the `deployment.environment.name` label; `deployment.environment.name` on
    /// spans).
    pub enum Environment: "deployment.environment.name",
        "Deployment environment (declared environments, else `other`)." {
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
    /// How a deployment ended (the `dataface.outcome` label of `dataface.deploy.duration`).
    pub enum DeployOutcome: "dataface.outcome", "How the deployment ended." {
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
    /// A Fivetran webhook event type (the `dataface.webhook.event_type` label of webhook metrics).
    pub enum WebhookEvent: "dataface.webhook.event_type",
        "Fivetran webhook event type (`other`: undeclared type; `unread`: payload never read)." {
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
    /// How a webhook delivery ended (the `dataface.outcome` label of webhook metrics).
    pub enum WebhookOutcome: "dataface.outcome", "How the delivery ended." {
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
    /// A billing event type (the `dataface.billing.event_type` label of billing metrics).
    pub enum BillingEventType: "dataface.billing.event_type", "Billing event type." {
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
    /// How a billing event ended (the `dataface.outcome` label of `dataface.billing.events.handled`).
    pub enum BillingOutcome: "dataface.outcome",
        "How the billing event ended (`retried`: recorded after failed attempts)." {
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
    /// How a custom-domain check ended (the `dataface.outcome` label of `dataface.domain.checks`).
    pub enum DomainCheckOutcome: "dataface.outcome", "How the domain check ended." {
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
    /// Where a certificate stands against its expiry (the `dataface.domain.certificate.state` label of
    /// `dataface.domain.certificates`).
    pub enum CertificateState: "dataface.domain.certificate.state",
        "Where the certificate stands: `expiring` within 14 days, `expired`, else `valid`." {
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
    /// Every error code of the section: deployments, webhooks, billing, then domains.
    pub const ERROR_CODES;

    /// Why a deployment failed or was rolled back (owner: integrations-platform).
    pub enum DeployError for "integrations", "The deployment error code." {
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

    /// Why a Fivetran webhook delivery was refused or failed (owner: integrations-platform).
    pub enum WebhookError for "integrations", "The webhook error code." {
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

    /// Why recording a billing event failed (owner: billing).
    pub enum BillingError for "integrations", "The billing error code." {
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

    /// Custom-domain and certificate problems (owner: integrations-platform).
    pub enum DomainError for "integrations", "The custom-domain error code." {
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

/// The integrations platform's probes. Create them once at start (or inside a test
/// capture): they register every handle.
#[derive(Debug)]
pub struct IntegrationsProbes {
    deploy_duration: Family<(Environment, DeployOutcome), Histogram>,
    webhook_deliveries: Family<(WebhookEvent, WebhookOutcome), Counter>,
    webhook_lag: Family<WebhookEvent, Histogram>,
    webhook_duration: Family<WebhookOutcome, Histogram>,
    billing_events: Family<(BillingEventType, BillingOutcome), Counter>,
    billing_latency: Family<BillingEventType, Histogram>,
    billing_pending: Family<BillingEventType, Gauge>,
    billing_oldest_pending: Family<BillingEventType, Gauge>,
    billing_errors: Family<(BillingEventType, BillingError), Counter>,
    domain_checks: Family<DomainCheckOutcome, Counter>,
    certificate_soonest_expiry: Family<(), Gauge>,
    certificate_soonest_valid_expiry: Family<(), Gauge>,
    certificates: Family<CertificateState, Gauge>,
    observed: Mutex<HashMap<String, SystemTime>>,
    /// Receipt order of billing events: the key of each pending event.
    billing_sequence: AtomicU64,
    /// The pending billing events per type, by receipt order, with their receipt time (Unix
    /// seconds): the first entry is the oldest.
    pending_since: Mutex<[BTreeMap<u64, f64>; BillingEventType::COUNT]>,
}

impl Default for IntegrationsProbes {
    fn default() -> Self {
        Self::new()
    }
}

impl IntegrationsProbes {
    /// Registers every handle, once per label combination.
    pub fn new() -> Self {
        Self {
            deploy_duration: Family::register(&DEPLOY_DURATION),
            webhook_deliveries: Family::register(&WEBHOOK_DELIVERIES),
            webhook_lag: Family::register(&WEBHOOK_LAG),
            webhook_duration: Family::register(&WEBHOOK_DURATION),
            billing_events: Family::register(&BILLING_EVENTS),
            billing_latency: Family::register(&BILLING_LATENCY),
            billing_pending: Family::register(&BILLING_PENDING),
            billing_oldest_pending: Family::register(&BILLING_OLDEST_PENDING),
            billing_errors: Family::register(&BILLING_ERRORS),
            domain_checks: Family::register(&DOMAIN_CHECKS),
            certificate_soonest_expiry: Family::register(&CERTIFICATE_SOONEST_EXPIRY),
            certificate_soonest_valid_expiry: Family::register(&CERTIFICATE_SOONEST_VALID_EXPIRY),
            certificates: Family::register(&CERTIFICATES),
            observed: Mutex::new(HashMap::new()),
            billing_sequence: AtomicU64::new(0),
            pending_since: Mutex::new(std::array::from_fn(|_| BTreeMap::new())),
        }
    }

    // --- deployments ---------------------------------------------------------------------

    /// Starts deploying `release` (a version or image tag, on the span only) to
    /// `environment`.
    pub fn deployment(&self, environment: Environment, release: &str) -> DeploymentGuard<'_> {
        let op = telemetry_core::operation!(
            DEPLOY_SPAN,
            ENVIRONMENT_ATTR = environment.as_str(),
            RELEASE_ATTR = release,
        );
        DeploymentGuard::new(self, environment, op)
    }

    // --- Fivetran webhooks -----------------------------------------------------------------

    /// Starts handling one Fivetran webhook delivery, at its receipt. Call
    /// [`WebhookGuard::event`] once the payload is read, then finish with an outcome.
    pub fn webhook_delivery(&self) -> WebhookGuard<'_> {
        let op = telemetry_core::operation!(WEBHOOK_SPAN);
        WebhookGuard::new(self, WebhookEvent::Unread, None, op)
    }

    // --- billing ---------------------------------------------------------------------------

    /// Starts handling one billing event, at its receipt: it counts as pending
    /// (`dataface.billing.events.pending`) until it is recorded, fails, or is dropped, and
    /// while it is the oldest pending event of its type its receipt time is
    /// `dataface.billing.events.oldest_pending`. `event_id` (the provider's id) goes on the
    /// span and logs only.
    ///
    /// Not a hot path: it takes a lock (billing events arrive a few a second at most).
    pub fn billing_event(&self, event_type: BillingEventType, event_id: &str) -> BillingGuard<'_> {
        let op = telemetry_core::operation!(
            BILLING_SPAN,
            BILLING_TYPE_ATTR = event_type.as_str(),
            BILLING_EVENT_ATTR = event_id,
        );
        let mut pending_key = None;
        if op.is_recording() {
            self.billing_pending.get(event_type).increment(1.0);
            let key = self.billing_sequence.fetch_add(1, Ordering::Relaxed);
            let mut pending = self.pending_since.lock().unwrap_or_else(|p| p.into_inner());
            let of_type = &mut pending[event_type.index()];
            of_type.insert(key, unix_seconds(SystemTime::now()));
            self.set_oldest_pending(event_type, of_type);
            pending_key = Some(key);
        }
        BillingGuard::new(self, event_type, 0, pending_key, op)
    }

    /// The billing event `key` of `event_type` is no longer pending.
    fn billing_event_done(&self, event_type: BillingEventType, key: u64) {
        let mut pending = self.pending_since.lock().unwrap_or_else(|p| p.into_inner());
        let of_type = &mut pending[event_type.index()];
        of_type.remove(&key);
        self.set_oldest_pending(event_type, of_type);
    }

    fn set_oldest_pending(&self, event_type: BillingEventType, of_type: &BTreeMap<u64, f64>) {
        let oldest = of_type.first_key_value().map_or(0.0, |(_, since)| *since);
        self.billing_oldest_pending.get(event_type).set(oldest);
    }

    // --- custom domains --------------------------------------------------------------------

    /// Starts checking one custom domain (DNS and TLS). The domain goes on the span only.
    pub fn domain_check(&self, domain: &str) -> DomainCheckGuard<'_> {
        let op = telemetry_core::operation!(DOMAIN_CHECK_SPAN, DOMAIN_ATTR = domain);
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
        let span = telemetry_core::probe_span!(
            CERTIFICATE_SPAN,
            DOMAIN_ATTR = domain,
            NOT_AFTER_ATTR = expiry as i64,
            DAYS_LEFT_ATTR = days_left,
        );
        match state {
            CertificateState::Valid => {}
            CertificateState::Expiring => {
                // A warning: `error.type` says what, the status stays unset.
                let code = DomainError::CertificateExpiring;
                record_warning_on_span(&span, code);
                span.in_scope(|| {
                    tracing::event!(
                        name: CERTIFICATE_EXPIRING_EVENT.name,
                        tracing::Level::WARN,
                        {
                            { DOMAIN_ATTR.key } = domain,
                            { DAYS_LEFT_ATTR.key } = days_left,
                            { ERROR_TYPE } = code.code(),
                        },
                        "custom domain certificate expires within 14 days"
                    )
                });
            }
            CertificateState::Expired => {
                let code = DomainError::CertificateExpired;
                telemetry_core::errors::record_on_span(&span, code);
                span.in_scope(|| {
                    tracing::event!(
                        name: CERTIFICATE_EXPIRED_EVENT.name,
                        tracing::Level::ERROR,
                        {
                            { DOMAIN_ATTR.key } = domain,
                            { DAYS_LEFT_ATTR.key } = days_left,
                            { ERROR_TYPE } = code.code(),
                        },
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
        let mut counts = [0u32; CertificateState::COUNT];
        let mut soonest: Option<SystemTime> = None;
        let mut soonest_valid: Option<SystemTime> = None;
        for not_after in observed.values() {
            let state = certificate_state(*not_after, now);
            counts[state.index()] += 1;
            soonest = Some(soonest.map_or(*not_after, |s| s.min(*not_after)));
            if state != CertificateState::Expired {
                soonest_valid = Some(soonest_valid.map_or(*not_after, |s| s.min(*not_after)));
            }
        }
        let soonest = soonest.map_or(f64::INFINITY, unix_seconds);
        self.certificate_soonest_expiry.get(()).set(soonest);
        let soonest_valid = soonest_valid.map_or(f64::INFINITY, unix_seconds);
        self.certificate_soonest_valid_expiry
            .get(())
            .set(soonest_valid);
        for state in CertificateState::ALL {
            self.certificates
                .get(*state)
                .set(f64::from(counts[state.index()]));
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

telemetry_core::probe_guard! {
    /// One deployment in flight. Finish it with [`succeeded`](Self::succeeded),
    /// [`failed`](Self::failed) or [`rolled_back`](Self::rolled_back); dropped without, it
    /// records `abandoned`.
    #[must_use = "finish the deployment with succeeded(), failed(code) or rolled_back(code, to), or it records `abandoned`"]
    pub struct DeploymentGuard<'p> {
        probes: &'p IntegrationsProbes,
        environment: Environment,
    }
    drop(&mut self, elapsed) {
        self.record(DeployOutcome::Abandoned, Some(elapsed));
    }
}

impl DeploymentGuard<'_> {
    fn record(&self, outcome: DeployOutcome, elapsed: Option<Duration>) {
        if let Some(elapsed) = elapsed {
            let span = self.op.span();
            span.set_attribute(DEPLOY_OUTCOME_ATTR.key, outcome.as_str());
            let key = (self.environment, outcome);
            self.probes.deploy_duration.get(key).record(elapsed);
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
            let span = self.op.span();
            span.set_attribute(ROLLBACK_TO_ATTR.key, to_release.to_owned());
        }
        self.record(DeployOutcome::RolledBack, elapsed);
    }
}

// ---------------------------------------------------------------------------------------------
// Fivetran webhooks
// ---------------------------------------------------------------------------------------------

telemetry_core::probe_guard! {
    /// One Fivetran webhook delivery in flight, from its receipt. Finish it with
    /// [`accepted`](Self::accepted), [`duplicate`](Self::duplicate),
    /// [`invalid_signature`](Self::invalid_signature), [`rejected`](Self::rejected) or
    /// [`failed`](Self::failed); dropped without, it records `abandoned`.
    #[must_use = "finish the delivery with an outcome, or it records `abandoned`"]
    pub struct WebhookGuard<'p> {
        probes: &'p IntegrationsProbes,
        event: WebhookEvent,
        lag: Option<f64>,
    }
    drop(&mut self, elapsed) {
        self.record(WebhookOutcome::Abandoned, Some(elapsed));
    }
}

impl WebhookGuard<'_> {
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
        span.set_attribute(EVENT_TYPE_ATTR.key, event.as_str());
        span.set_attribute(CONNECTOR_ATTR.key, connector_id.to_owned());
        span.set_attribute(LAG_ATTR.key, lag);
    }

    fn record(&self, outcome: WebhookOutcome, elapsed: Option<Duration>) {
        let Some(elapsed) = elapsed else { return };
        let (p, event) = (self.probes, self.event);
        let span = self.op.span();
        span.set_attribute(WEBHOOK_OUTCOME_ATTR.key, outcome.as_str());
        p.webhook_deliveries.get((event, outcome)).increment(1);
        p.webhook_duration.get(outcome).record(elapsed);
        // A delivery that failed its signature check has an untrusted time: no lag.
        if let Some(lag) = self
            .lag
            .filter(|_| outcome != WebhookOutcome::InvalidSignature)
        {
            p.webhook_lag.get(event).record(lag.max(0.0));
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

// ---------------------------------------------------------------------------------------------
// Billing
// ---------------------------------------------------------------------------------------------

telemetry_core::probe_guard! {
    /// One billing event in flight, from its receipt to its durable record. It counts as
    /// pending until finished with [`recorded`](Self::recorded) or [`failed`](Self::failed);
    /// report each failed attempt before a retry with [`retrying`](Self::retrying). Dropped
    /// without an outcome it records `abandoned` loudly: `error.type = billing_event_abandoned`,
    /// an error log and the billing error counter.
    #[must_use = "finish the billing event with recorded() or failed(code): a dropped one is counted as possibly lost"]
    pub struct BillingGuard<'p> {
        probes: &'p IntegrationsProbes,
        event_type: BillingEventType,
        failed_attempts: u32,
        pending_key: Option<u64>,
    }
    drop(&mut self, _elapsed) {
        let code = BillingError::EventAbandoned;
        record_warning_on_span(self.op.span(), code);
        self.end(BillingOutcome::Abandoned);
        self.probes.billing_errors.get((self.event_type, code)).increment(1);
        self.op.span().in_scope(|| {
            tracing::event!(
                name: BILLING_ABANDONED_EVENT.name,
                tracing::Level::ERROR,
                {
                    { ERROR_TYPE } = code.code(),
                },
                "billing event dropped without an outcome: it may be lost. {}",
                code.spec().remedy
            )
        });
    }
}

impl BillingGuard<'_> {
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
        self.probes
            .billing_errors
            .get((self.event_type, code))
            .increment(1);
        let attempt = i64::from(self.failed_attempts);
        self.op.span().in_scope(|| {
            tracing::event!(
                name: BILLING_RETRY_EVENT.name,
                tracing::Level::WARN,
                {
                    { ERROR_TYPE } = code.code(),
                    { ATTEMPT_ATTR.key } = attempt,
                },
                "billing record attempt failed; retrying"
            )
        });
    }

    fn end(&self, outcome: BillingOutcome) {
        let (p, event_type) = (self.probes, self.event_type);
        let span = self.op.span();
        span.set_attribute(BILLING_OUTCOME_ATTR.key, outcome.as_str());
        let attempts =
            i64::from(self.failed_attempts) + i64::from(outcome != BillingOutcome::Abandoned);
        span.set_attribute(ATTEMPTS_ATTR.key, attempts);
        p.billing_events.get((event_type, outcome)).increment(1);
        p.billing_pending.get(event_type).decrement(1.0);
        if let Some(key) = self.pending_key {
            p.billing_event_done(event_type, key);
        }
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
            self.probes
                .billing_latency
                .get(self.event_type)
                .record(elapsed);
        }
    }

    /// Given up with `code` (usually [`BillingError::ChargeRecordFailed`]): the event is not
    /// recorded. Counted by code, with an error log naming the event.
    pub fn failed(mut self, code: BillingError) {
        if self.op.fail(code).is_some() {
            self.end(BillingOutcome::Failed);
            self.probes
                .billing_errors
                .get((self.event_type, code))
                .increment(1);
            let attempts = i64::from(self.failed_attempts) + 1;
            self.op.span().in_scope(|| {
                tracing::event!(
                    name: BILLING_FAILED_EVENT.name,
                    tracing::Level::ERROR,
                    {
                        { ERROR_TYPE } = code.code(),
                        { ATTEMPTS_ATTR.key } = attempts,
                    },
                    "billing event not recorded: {}",
                    code.spec().remedy
                )
            });
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Custom domains
// ---------------------------------------------------------------------------------------------

telemetry_core::probe_guard! {
    /// One custom-domain check in flight. Finish it with [`resolved`](Self::resolved),
    /// [`mismatch`](Self::mismatch), [`nxdomain`](Self::nxdomain) or
    /// [`tls_error`](Self::tls_error); dropped without, it records `abandoned`.
    #[must_use = "finish the domain check with an outcome, or it records `abandoned`"]
    pub struct DomainCheckGuard<'p> {
        probes: &'p IntegrationsProbes,
    }
    drop(&mut self, elapsed) {
        self.record(DomainCheckOutcome::Abandoned, Some(elapsed));
    }
}

impl DomainCheckGuard<'_> {
    fn record(&self, outcome: DomainCheckOutcome, elapsed: Option<Duration>) {
        if elapsed.is_some() {
            let span = self.op.span();
            span.set_attribute(CHECK_OUTCOME_ATTR.key, outcome.as_str());
            self.probes.domain_checks.get(outcome).increment(1);
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

/// The README's example compiles and runs as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
