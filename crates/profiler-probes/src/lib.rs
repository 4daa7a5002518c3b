//! # profiler-probes
//!
//! Telemetry for the warehouse profiler, semantic type detection and inspector reports
//! (task card 004: "missing or misleading data quality insights"). A profiling run that
//! times out on a large Snowflake warehouse, a semantic type analysts keep correcting, a
//! report that fails to render and a warehouse whose profiles went stale are each a series
//! an alert can watch, routed to `inspect-profiler`.
//!
//! ```
//! use profiler_probes::{Feedback, ProfileError, ProfilerProbes, RunOutcome, SemanticType, WarehouseType};
//! use std::time::Duration;
//!
//! let probes = ProfilerProbes::new();
//! let mut run = probes.profile_run(WarehouseType::Snowflake, "analytics.orders", Duration::from_secs(600));
//! run.column_profiled("customer_email");
//! run.semantic_type_detected("customer_email", SemanticType::Email, 0.97);
//! run.column_skipped("shipping_area", ProfileError::UnsupportedColumnType);
//! run.rows_profiled(1_200_000);
//! run.finish(RunOutcome::Success);
//! probes.feedback(SemanticType::Email, Feedback::Confirmed, "customer_email");
//! probes.report(WarehouseType::Snowflake, "analytics.orders").ok();
//! ```
//!
//! Every operation (a profiling run, a report) is a guard started with its context and
//! finished with an outcome; a guard dropped without one records `abandoned`. A run that
//! passes its deadline is recorded as a `timeout` as soon as the probe notices (at the next
//! progress call, at [`ProfileRunGuard::finish`], or when the guard is dropped) and never
//! counted again, even if the work completes later. Metrics go through handle families
//! registered once per label combination in [`ProfilerProbes::new`]: recording is an index
//! and an atomic update. Table and column names go on spans and logs only. When telemetry is
//! disabled a guard does no work beyond one check: no span, no clock read.

pub mod catalog;

use catalog::*;
use metrics::{Counter, Gauge, Histogram};
use std::time::{Duration, SystemTime};
use telemetry_core::errors::{ErrorCode as _, ERROR_TYPE};
use telemetry_core::probe::{saturating_i64, Family, LatestTimestamp};
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

telemetry_core::label_enum! {
    /// The kind of warehouse a profile runs against (the `dataface.warehouse.type` label).
    pub enum WarehouseType: "dataface.warehouse.type",
        "Kind of warehouse profiled (declared kinds, else `other`)." {
        /// Snowflake.
        Snowflake = "snowflake",
        /// BigQuery.
        BigQuery = "bigquery",
        /// PostgreSQL.
        PostgreSql = "postgresql",
        /// Redshift.
        Redshift = "redshift",
        /// DuckDB.
        DuckDb = "duckdb",
        /// Local files (CSV, Parquet).
        File = "file",
        /// Any other warehouse.
        Other = "other",
    }
}

impl WarehouseType {
    /// The declared warehouse type for a connection's `type:` text (`"snowflake"`,
    /// `"BigQuery"`, `"postgres"`), else `Other`.
    pub fn parse(text: &str) -> Self {
        let t = text.trim().to_ascii_lowercase();
        match t.as_str() {
            "postgres" | "pg" => WarehouseType::PostgreSql,
            "csv" | "parquet" => WarehouseType::File,
            _ => Self::ALL
                .iter()
                .copied()
                .find(|w| w.as_str() == t)
                .unwrap_or(WarehouseType::Other),
        }
    }

    /// The `db.system.name` semantic-convention value.
    pub const fn db_system_name(self) -> &'static str {
        match self {
            WarehouseType::Snowflake => "snowflake",
            WarehouseType::BigQuery => "gcp.bigquery",
            WarehouseType::PostgreSql => "postgresql",
            WarehouseType::Redshift => "aws.redshift",
            WarehouseType::DuckDb => "duckdb",
            WarehouseType::File | WarehouseType::Other => "other_sql",
        }
    }
}

telemetry_core::label_enum! {
    /// How a profiling run ended (the run's `dataface.outcome` label).
    pub enum Outcome: "dataface.outcome",
        "How the profiling run ended; a run past its deadline is `timeout` even if it finished later." {
        /// The table was profiled within its deadline.
        Success = "success",
        /// The run failed with an error code.
        Failure = "failure",
        /// The run passed its deadline (whatever happened after).
        Timeout = "timeout",
        /// The run was cancelled (by an analyst or a shutdown) before its deadline.
        Cancelled = "cancelled",
        /// The guard was dropped without an outcome: a code path forgot to report.
        Abandoned = "abandoned",
    }
}

telemetry_core::label_enum! {
    /// How an inspector report generation ended (the report's `dataface.outcome` label).
    pub enum ReportOutcome: "dataface.outcome", "How the report generation ended." {
        /// The report was generated.
        Success = "success",
        /// Generation failed with an error code.
        Failure = "failure",
        /// The guard was dropped without an outcome.
        Abandoned = "abandoned",
    }
}

telemetry_core::label_enum! {
    /// A semantic type the profiler detects on a column (the `dataface.semantic_type` label).
    pub enum SemanticType: "dataface.semantic_type",
        "Semantic type detected on a column (declared types, else `other`)." {
        /// A primary or surrogate key.
        Identifier = "identifier",
        /// A reference to another table's key.
        ForeignKey = "foreign_key",
        /// An email address.
        Email = "email",
        /// A phone number.
        Phone = "phone",
        /// A URL.
        Url = "url",
        /// A person's name.
        PersonName = "person_name",
        /// A street address.
        Address = "address",
        /// A postal or ZIP code.
        PostalCode = "postal_code",
        /// A city.
        City = "city",
        /// A country (name or code).
        Country = "country",
        /// Latitude, longitude or a point.
        GeoCoordinate = "geo_coordinate",
        /// An amount of money.
        CurrencyAmount = "currency_amount",
        /// A currency code (ISO 4217).
        CurrencyCode = "currency_code",
        /// A percentage or rate.
        Percentage = "percentage",
        /// A count or measured quantity.
        Quantity = "quantity",
        /// A calendar date.
        Date = "date",
        /// A point in time.
        Timestamp = "timestamp",
        /// A yes/no flag.
        BooleanFlag = "boolean_flag",
        /// A low-cardinality category.
        Category = "category",
        /// Free text.
        FreeText = "free_text",
        /// Any semantic type not declared here.
        Other = "other",
    }
}

impl SemanticType {
    /// The declared semantic type named `text` (`"email"`, `"Postal Code"`,
    /// `"postal-code"`), else `Other`.
    pub fn parse(text: &str) -> Self {
        let t: String = text
            .trim()
            .chars()
            .map(|c| match c {
                ' ' | '-' => '_',
                c => c.to_ascii_lowercase(),
            })
            .collect();
        Self::ALL
            .iter()
            .copied()
            .find(|s| s.as_str() == t)
            .unwrap_or(SemanticType::Other)
    }
}

telemetry_core::label_enum! {
    /// What an analyst said about a detected semantic type (the `dataface.semantic.verdict` label).
    pub enum Verdict: "dataface.semantic.verdict", "Whether the analyst confirmed or corrected the detected type." {
        /// The detected type is right.
        Confirmed = "confirmed",
        /// The analyst changed it to another type.
        Corrected = "corrected",
    }
}

/// An analyst's feedback on a detected semantic type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Feedback {
    /// The detected type is right.
    Confirmed,
    /// The detected type is wrong; `to` is the type the analyst chose.
    Corrected {
        /// The type the analyst set.
        to: SemanticType,
    },
}

use crate::catalog::INSPECT_PROFILER;
telemetry_core::error_codes! {
    /// The profiler surface's error codes (owner: inspect-profiler).
    pub enum ProfileError for "profiler", "The profiler error code." {
        /// The run passed its deadline on the warehouse.
        WarehouseTimeout = "profile_warehouse_timeout", Timeout, retryable: true, Error, INSPECT_PROFILER,
            "Profiling a table ran past its deadline on the warehouse.",
            "Profile with a smaller sample or on a larger warehouse size, and check the warehouse's query queue; raise the deadline only for tables known to be large.";
        /// The profiler's role may not read the table.
        PermissionDenied = "profile_permission_denied", Configuration, retryable: false, Error, INSPECT_PROFILER,
            "The warehouse denied the profiler's role access to the table or its metadata.",
            "Grant the connection's role SELECT and metadata access on the schema, then re-run the profile.";
        /// A column's physical type cannot be profiled: the column is skipped.
        UnsupportedColumnType = "profile_unsupported_column_type", Internal, retryable: false, Warning, INSPECT_PROFILER,
            "A column's physical type cannot be profiled; the column was skipped and the rest of the table profiled.",
            "Cast the column in a model to profile it now; tell inspect-profiler which type it is if analysts need it.";
        /// Sampling rows from the table failed.
        SamplingFailed = "profile_sampling_failed", Dependency, retryable: true, Error, INSPECT_PROFILER,
            "Sampling rows from the table failed (the sample clause was rejected or the sample query errored).",
            "Retry; if it persists, check the adapter's sample syntax for this warehouse or profile the table without sampling.";
        /// The warehouse could not be reached.
        WarehouseUnavailable = "profile_warehouse_unavailable", Dependency, retryable: true, Error, INSPECT_PROFILER,
            "The warehouse could not be reached or refused the profiling connection.",
            "Retry with backoff; check the warehouse's status page, the network path and whether the warehouse is suspended.";
        /// Generating the inspector report failed.
        ReportRenderFailed = "inspector_report_render_failed", Internal, retryable: true, Error, INSPECT_PROFILER,
            "Generating the inspector report from a profile failed.",
            "Retry the report; if it fails again, re-run the profile and send the trace id to inspect-profiler.";
    }
}

/// The profiler's probes. Create it once at start (or inside a test capture): it registers
/// every handle.
#[derive(Debug)]
pub struct ProfilerProbes {
    run_duration: Family<(WarehouseType, Outcome), Histogram>,
    run_errors: Family<(WarehouseType, ProfileError), Counter>,
    runs_active: Family<WarehouseType, Gauge>,
    columns: Family<WarehouseType, Counter>,
    columns_skipped: Family<(WarehouseType, ProfileError), Counter>,
    rows: Family<WarehouseType, Counter>,
    last_success: Family<WarehouseType, LatestTimestamp>,
    confidence: Family<SemanticType, Histogram>,
    feedback: Family<(SemanticType, Verdict), Counter>,
    report_duration: Family<ReportOutcome, Histogram>,
    report_errors: Family<ProfileError, Counter>,
}

impl Default for ProfilerProbes {
    fn default() -> Self {
        Self::new()
    }
}

impl ProfilerProbes {
    /// Registers every handle, once per label combination.
    pub fn new() -> Self {
        Self {
            run_duration: Family::register(&RUN_DURATION),
            run_errors: Family::register(&RUN_ERRORS),
            runs_active: Family::register(&RUNS_ACTIVE),
            columns: Family::register(&COLUMNS),
            columns_skipped: Family::register(&COLUMNS_SKIPPED),
            rows: Family::register(&ROWS),
            last_success: Family::register(&LAST_SUCCESS),
            confidence: Family::register(&SEMANTIC_CONFIDENCE),
            feedback: Family::register(&SEMANTIC_FEEDBACK),
            report_duration: Family::register(&REPORT_DURATION),
            report_errors: Family::register(&REPORT_ERRORS),
        }
    }

    /// Starts profiling `table` on a `warehouse` with a `deadline` from now. The table name
    /// goes on the span only (`db.collection.name`).
    pub fn profile_run(
        &self,
        warehouse: WarehouseType,
        table: &str,
        deadline: Duration,
    ) -> ProfileRunGuard<'_> {
        let op = telemetry_core::operation!(
            RUN_SPAN,
            WAREHOUSE_ATTR = warehouse.as_str(),
            DB_SYSTEM_ATTR = warehouse.db_system_name(),
            TABLE_ATTR = table,
            DEADLINE_ATTR = deadline.as_secs_f64(),
        );
        if op.is_recording() {
            self.runs_active.get(warehouse).increment(1.0);
        }
        ProfileRunGuard {
            probes: self,
            warehouse,
            deadline,
            columns: 0,
            columns_skipped: 0,
            rows: 0,
            op,
        }
    }

    /// Records an analyst's feedback on a column whose detected type was `detected`: the
    /// feedback counter by detected type and verdict (detection accuracy per type is
    /// `confirmed / (confirmed + corrected)` over time), and a log record with the column and,
    /// for a correction, the chosen type. A "correction" to the detected type itself is a
    /// confirmation.
    pub fn feedback(&self, detected: SemanticType, feedback: Feedback, column: &str) {
        if !telemetry_core::enabled() {
            return;
        }
        match feedback {
            Feedback::Corrected { to } if to != detected => {
                let verdict = Verdict::Corrected;
                self.feedback.get((detected, verdict)).increment(1);
                tracing::event!(
                    name: CORRECTED_EVENT.name,
                    tracing::Level::INFO,
                    {
                        { SEMANTIC_TYPE_ATTR.key } = detected.as_str(),
                        { VERDICT_ATTR.key } = verdict.as_str(),
                        { CORRECTED_TO_ATTR.key } = to.as_str(),
                        { COLUMN_ATTR.key } = column,
                    },
                    "analyst corrected a detected semantic type"
                );
            }
            _ => {
                let verdict = Verdict::Confirmed;
                self.feedback.get((detected, verdict)).increment(1);
                tracing::event!(
                    name: CONFIRMED_EVENT.name,
                    tracing::Level::DEBUG,
                    {
                        { SEMANTIC_TYPE_ATTR.key } = detected.as_str(),
                        { VERDICT_ATTR.key } = verdict.as_str(),
                        { COLUMN_ATTR.key } = column,
                    },
                    "analyst confirmed a detected semantic type"
                );
            }
        }
    }

    /// Starts generating the inspector report for `table` (profiled on `warehouse`).
    pub fn report(&self, warehouse: WarehouseType, table: &str) -> ReportGuard<'_> {
        let op = telemetry_core::operation!(
            REPORT_SPAN,
            WAREHOUSE_ATTR = warehouse.as_str(),
            TABLE_ATTR = table,
        );
        ReportGuard { probes: self, op }
    }

    /// Sets the last successful profile time of `warehouse` from a store (e.g. at start,
    /// so freshness is known before the first run): the gauge only moves forward.
    pub fn restore_last_success(&self, warehouse: WarehouseType, at: SystemTime) {
        if telemetry_core::enabled() {
            self.last_success.get(warehouse).advance(at);
        }
    }
}

/// How a profiling run ended, as the caller saw it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunOutcome {
    /// The table was profiled.
    Success,
    /// The run failed with this code (a `profile_warehouse_timeout` counts as
    /// [`TimedOut`](Self::TimedOut)).
    Failed(ProfileError),
    /// The warehouse or the caller's own timer stopped the run for time.
    TimedOut,
    /// The run was cancelled.
    Cancelled,
}

impl RunOutcome {
    /// The outcome label this outcome records.
    pub const fn label(self) -> Outcome {
        match self {
            RunOutcome::Success => Outcome::Success,
            RunOutcome::Failed(ProfileError::WarehouseTimeout) | RunOutcome::TimedOut => {
                Outcome::Timeout
            }
            RunOutcome::Failed(_) => Outcome::Failure,
            RunOutcome::Cancelled => Outcome::Cancelled,
        }
    }
}

telemetry_core::probe_guard! {
    /// One profiling run (one table) in flight. Report progress with
    /// [`column_profiled`](Self::column_profiled),
    /// [`semantic_type_detected`](Self::semantic_type_detected),
    /// [`column_skipped`](Self::column_skipped) and [`rows_profiled`](Self::rows_profiled);
    /// finish it with [`finish`](Self::finish). Dropped without an outcome it records
    /// `abandoned`, or `timeout` when its deadline has passed (a timer that drops the work,
    /// such as `tokio::time::timeout`, is a timeout).
    #[must_use = "finish the run with an outcome, or it records `abandoned`"]
    pub struct ProfileRunGuard<'p> {
        probes: &'p ProfilerProbes,
        warehouse: WarehouseType,
        deadline: Duration,
        columns: u64,
        columns_skipped: u64,
        rows: u64,
    }
}

impl ProfileRunGuard<'_> {
    /// The warehouse type.
    pub fn warehouse(&self) -> WarehouseType {
        self.warehouse
    }

    /// Whether the run's timeout has been recorded (its deadline passed and the probe
    /// noticed). Always false when telemetry is disabled: do not drive cancellation with it.
    pub fn timed_out(&self) -> bool {
        // Only a recorded timeout finishes the operation while the guard is still usable.
        self.op.is_finished()
    }

    fn set_outcome(&self, outcome: Outcome) {
        let span = self.op.span();
        span.set_attribute(RUN_OUTCOME_ATTR.key, outcome.as_str());
    }

    /// Records the timeout once: duration and error counter, `error.type` on the span.
    fn record_timeout(&mut self) {
        let code = ProfileError::WarehouseTimeout;
        if let Some(elapsed) = self.op.fail(code) {
            let (p, w) = (self.probes, self.warehouse);
            p.run_errors.get((w, code)).increment(1);
            p.run_duration.get((w, Outcome::Timeout)).record(elapsed);
            self.set_outcome(Outcome::Timeout);
        }
    }

    /// Records the timeout now if the deadline has passed and no outcome was recorded yet.
    /// The progress calls do this; call it from long steps that report no progress.
    pub fn check_deadline(&mut self) {
        if self.op.is_recording() && !self.op.is_finished() && self.op.elapsed() > self.deadline {
            self.record_timeout();
        }
    }

    /// One column was profiled: the columns counter, and a DEBUG event on the run span.
    pub fn column_profiled(&mut self, column: &str) {
        if !self.op.is_recording() {
            return;
        }
        self.columns += 1;
        self.probes.columns.get(self.warehouse).increment(1);
        if tracing::enabled!(tracing::Level::DEBUG) {
            self.op
                .span()
                .in_scope(|| tracing::event!(name: COLUMN_PROFILED_EVENT.name, tracing::Level::DEBUG, { { COLUMN_ATTR.key } = column }, "column profiled"));
        }
        self.check_deadline();
    }

    /// A column was skipped with `code` (usually [`ProfileError::UnsupportedColumnType`]):
    /// the skipped-columns counter by code, and a WARN event on the run span. The run goes on.
    pub fn column_skipped(&mut self, column: &str, code: ProfileError) {
        if !self.op.is_recording() {
            return;
        }
        self.columns_skipped += 1;
        let key = (self.warehouse, code);
        self.probes.columns_skipped.get(key).increment(1);
        self.op.span().in_scope(|| {
            tracing::event!(
                name: COLUMN_SKIPPED_EVENT.name,
                tracing::Level::WARN,
                {
                    { COLUMN_ATTR.key } = column,
                    { ERROR_TYPE } = code.code(),
                },
                "column skipped: {}",
                code.spec().summary
            )
        });
        self.check_deadline();
    }

    /// The semantic type `detected` on `column` with `confidence` (0 to 1; values outside
    /// are clamped, NaN counts as 0): the confidence histogram by type (its count is the
    /// detection rate), and a DEBUG event on the run span.
    pub fn semantic_type_detected(
        &mut self,
        column: &str,
        detected: SemanticType,
        confidence: f64,
    ) {
        if !self.op.is_recording() {
            return;
        }
        let confidence = if confidence.is_nan() {
            0.0
        } else {
            confidence.clamp(0.0, 1.0)
        };
        self.probes.confidence.get(detected).record(confidence);
        if tracing::enabled!(tracing::Level::DEBUG) {
            self.op.span().in_scope(|| {
                tracing::event!(
                    name: DETECTED_EVENT.name,
                    tracing::Level::DEBUG,
                    {
                        { COLUMN_ATTR.key } = column,
                        { SEMANTIC_TYPE_ATTR.key } = detected.as_str(),
                        { CONFIDENCE_ATTR.key } = confidence,
                    },
                    "semantic type detected"
                )
            });
        }
        self.check_deadline();
    }

    /// `rows` more rows were profiled (scanned or sampled): the rows counter.
    pub fn rows_profiled(&mut self, rows: u64) {
        if !self.op.is_recording() {
            return;
        }
        self.rows = self.rows.saturating_add(rows);
        self.probes.rows.get(self.warehouse).increment(rows);
        self.check_deadline();
    }

    /// Records the outcome: duration by warehouse type and outcome; on failure the error by
    /// warehouse type and code and `error.type` on the span; on success the warehouse type's
    /// last-success time. Past the deadline the run is a `timeout` whatever `outcome` says
    /// (the span keeps what was reported in `dataface.profiler.late_outcome`); after a
    /// recorded timeout nothing is counted again.
    pub fn finish(mut self, outcome: RunOutcome) {
        if !self.op.is_recording() {
            return;
        }
        let label = outcome.label();
        if self.op.is_finished() || self.op.elapsed() > self.deadline {
            if label != Outcome::Timeout {
                let span = self.op.span();
                span.set_attribute(LATE_OUTCOME_ATTR.key, label.as_str());
            }
            self.record_timeout();
            return;
        }
        if label == Outcome::Timeout {
            self.record_timeout();
            return;
        }
        let (p, w) = (self.probes, self.warehouse);
        let elapsed = match outcome {
            RunOutcome::Failed(code) => {
                let elapsed = self.op.fail(code);
                if elapsed.is_some() {
                    p.run_errors.get((w, code)).increment(1);
                }
                elapsed
            }
            RunOutcome::Success | RunOutcome::Cancelled | RunOutcome::TimedOut => self.op.finish(),
        };
        let Some(elapsed) = elapsed else { return };
        p.run_duration.get((w, label)).record(elapsed);
        self.set_outcome(label);
        if label == Outcome::Success {
            p.last_success.get(w).advance(SystemTime::now());
        }
    }
}

impl Drop for ProfileRunGuard<'_> {
    fn drop(&mut self) {
        if !self.op.is_recording() {
            return;
        }
        if !self.op.is_finished() {
            if self.op.elapsed() > self.deadline {
                self.record_timeout();
            } else if let Some(elapsed) = self.op.abandon() {
                let key = (self.warehouse, Outcome::Abandoned);
                self.probes.run_duration.get(key).record(elapsed);
                self.set_outcome(Outcome::Abandoned);
            }
        }
        let span = self.op.span();
        span.set_attribute(COLUMNS_ATTR.key, saturating_i64(self.columns));
        span.set_attribute(SKIPPED_ATTR.key, saturating_i64(self.columns_skipped));
        span.set_attribute(ROWS_ATTR.key, saturating_i64(self.rows));
        self.probes.runs_active.get(self.warehouse).decrement(1.0);
    }
}

telemetry_core::probe_guard! {
    /// One inspector report generation in flight.
    #[must_use = "finish the report with ok() or fail(code), or it records `abandoned`"]
    pub struct ReportGuard<'p> {
        probes: &'p ProfilerProbes,
    }
    drop(&mut self, elapsed) {
        self.probes.report_duration.get(ReportOutcome::Abandoned).record(elapsed);
    }
}

impl ReportGuard<'_> {
    /// The report was generated.
    pub fn ok(mut self) {
        if let Some(elapsed) = self.op.finish() {
            self.probes
                .report_duration
                .get(ReportOutcome::Success)
                .record(elapsed);
        }
    }

    /// Generation failed with `code` (usually [`ProfileError::ReportRenderFailed`]).
    pub fn fail(mut self, code: ProfileError) {
        if let Some(elapsed) = self.op.fail(code) {
            self.probes.report_errors.get(code).increment(1);
            self.probes
                .report_duration
                .get(ReportOutcome::Failure)
                .record(elapsed);
        }
    }
}

/// The README's example compiles and runs as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
