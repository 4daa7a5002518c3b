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
//! counted again, even if the work completes later. Metrics go through handles registered
//! once per label combination in [`ProfilerProbes::new`]: recording is an array index and
//! an atomic update. Table and column names go on spans and logs only. When telemetry is
//! disabled a guard does no work beyond one check: no span, no clock read.

pub mod catalog;

use metrics::{Counter, Gauge, Histogram};
use std::array;
use std::time::{Duration, SystemTime};
use telemetry_core::errors::ErrorCode as _;
use telemetry_core::probe::{LatestTimestamp, Operation};
use tracing_opentelemetry::OpenTelemetrySpanExt as _;

telemetry_core::label_enum! {
    /// The kind of warehouse a profile runs against (the `warehouse_type` label).
    pub enum WarehouseType {
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
    /// How a profiling run ended (the run's `outcome` label).
    pub enum Outcome {
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
    /// How an inspector report generation ended (the report's `outcome` label).
    pub enum ReportOutcome {
        /// The report was generated.
        Success = "success",
        /// Generation failed with an error code.
        Failure = "failure",
        /// The guard was dropped without an outcome.
        Abandoned = "abandoned",
    }
}

telemetry_core::label_enum! {
    /// A semantic type the profiler detects on a column (the `semantic_type` label).
    pub enum SemanticType {
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
    /// What an analyst said about a detected semantic type (the `verdict` label).
    pub enum Verdict {
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
    pub enum ProfileError for "profiler" {
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

const WAREHOUSES: usize = WarehouseType::ALL.len();
const OUTCOMES: usize = Outcome::ALL.len();
const REPORT_OUTCOMES: usize = ReportOutcome::ALL.len();
const CODES: usize = ProfileError::ALL.len();
const SEMANTIC_TYPES: usize = SemanticType::ALL.len();
const VERDICTS: usize = Verdict::ALL.len();

fn saturating_i64(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The profiler's probes. Create it once at start (or inside a test capture): it registers
/// every handle.
#[derive(Debug)]
pub struct ProfilerProbes {
    run_duration: [[Histogram; OUTCOMES]; WAREHOUSES],
    run_errors: [[Counter; CODES]; WAREHOUSES],
    runs_active: [Gauge; WAREHOUSES],
    columns: [Counter; WAREHOUSES],
    columns_skipped: [[Counter; CODES]; WAREHOUSES],
    rows: [Counter; WAREHOUSES],
    last_success: [LatestTimestamp; WAREHOUSES],
    confidence: [Histogram; SEMANTIC_TYPES],
    feedback: [[Counter; VERDICTS]; SEMANTIC_TYPES],
    report_duration: [Histogram; REPORT_OUTCOMES],
    report_errors: [Counter; CODES],
}

impl Default for ProfilerProbes {
    fn default() -> Self {
        Self::new()
    }
}

impl ProfilerProbes {
    /// Registers every handle, once per label combination.
    pub fn new() -> Self {
        use catalog::*;
        let w = |i: usize| WarehouseType::ALL[i].as_str();
        Self {
            run_duration: array::from_fn(|a| {
                array::from_fn(|o| {
                    metrics::histogram!(RUN_DURATION.name,
                        "warehouse_type" => w(a), "outcome" => Outcome::ALL[o].as_str())
                })
            }),
            run_errors: array::from_fn(|a| {
                array::from_fn(|e| {
                    metrics::counter!(RUN_ERRORS.name,
                        "warehouse_type" => w(a), "error.type" => ProfileError::CODES[e])
                })
            }),
            runs_active: array::from_fn(
                |a| metrics::gauge!(RUNS_ACTIVE.name, "warehouse_type" => w(a)),
            ),
            columns: array::from_fn(|a| metrics::counter!(COLUMNS.name, "warehouse_type" => w(a))),
            columns_skipped: array::from_fn(|a| {
                array::from_fn(|e| {
                    metrics::counter!(COLUMNS_SKIPPED.name,
                        "warehouse_type" => w(a), "error.type" => ProfileError::CODES[e])
                })
            }),
            rows: array::from_fn(|a| metrics::counter!(ROWS.name, "warehouse_type" => w(a))),
            last_success: array::from_fn(|a| {
                LatestTimestamp::new(metrics::gauge!(LAST_SUCCESS.name, "warehouse_type" => w(a)))
            }),
            confidence: array::from_fn(|s| {
                metrics::histogram!(SEMANTIC_CONFIDENCE.name,
                    "semantic_type" => SemanticType::ALL[s].as_str())
            }),
            feedback: array::from_fn(|s| {
                array::from_fn(|v| {
                    metrics::counter!(SEMANTIC_FEEDBACK.name,
                        "semantic_type" => SemanticType::ALL[s].as_str(),
                        "verdict" => Verdict::ALL[v].as_str())
                })
            }),
            report_duration: array::from_fn(|o| {
                metrics::histogram!(REPORT_DURATION.name,
                    "outcome" => ReportOutcome::ALL[o].as_str())
            }),
            report_errors: array::from_fn(
                |e| metrics::counter!(REPORT_ERRORS.name, "error.type" => ProfileError::CODES[e]),
            ),
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
        let op = if telemetry_core::enabled() {
            let op = Operation::start(tracing::info_span!(
                "dataface.profiler.run",
                "dataface.warehouse.type" = warehouse.as_str(),
                db.system.name = warehouse.db_system_name(),
                db.collection.name = table,
                dataface.profiler.deadline = deadline.as_secs_f64(),
            ));
            self.runs_active[warehouse.index()].increment(1.0);
            op
        } else {
            Operation::disabled()
        };
        ProfileRunGuard {
            probes: self,
            warehouse,
            deadline,
            op,
            columns: 0,
            columns_skipped: 0,
            rows: 0,
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
                self.feedback[detected.index()][Verdict::Corrected.index()].increment(1);
                tracing::info!(
                    dataface.semantic_type = detected.as_str(),
                    dataface.semantic.verdict = Verdict::Corrected.as_str(),
                    dataface.semantic.corrected_to = to.as_str(),
                    dataface.column.name = column,
                    "analyst corrected a detected semantic type"
                );
            }
            _ => {
                self.feedback[detected.index()][Verdict::Confirmed.index()].increment(1);
                tracing::debug!(
                    dataface.semantic_type = detected.as_str(),
                    dataface.semantic.verdict = Verdict::Confirmed.as_str(),
                    dataface.column.name = column,
                    "analyst confirmed a detected semantic type"
                );
            }
        }
    }

    /// Starts generating the inspector report for `table` (profiled on `warehouse`).
    pub fn report(&self, warehouse: WarehouseType, table: &str) -> ReportGuard<'_> {
        let op = if telemetry_core::enabled() {
            Operation::start(tracing::info_span!(
                "dataface.profiler.report",
                "dataface.warehouse.type" = warehouse.as_str(),
                db.collection.name = table,
            ))
        } else {
            Operation::disabled()
        };
        ReportGuard { probes: self, op }
    }

    /// Sets the last successful profile time of `warehouse` from a store (e.g. at start,
    /// so freshness is known before the first run): the gauge only moves forward.
    pub fn restore_last_success(&self, warehouse: WarehouseType, at: SystemTime) {
        if telemetry_core::enabled() {
            self.last_success[warehouse.index()].advance(at);
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

/// One profiling run (one table) in flight. Report progress with
/// [`column_profiled`](Self::column_profiled), [`semantic_type_detected`](Self::semantic_type_detected),
/// [`column_skipped`](Self::column_skipped) and [`rows_profiled`](Self::rows_profiled); finish
/// it with [`finish`](Self::finish). Dropped without an outcome it records `abandoned`, or
/// `timeout` when its deadline has passed (a timer that drops the work, such as
/// `tokio::time::timeout`, is a timeout).
#[derive(Debug)]
#[must_use = "finish the run with an outcome, or it records `abandoned`"]
pub struct ProfileRunGuard<'p> {
    probes: &'p ProfilerProbes,
    warehouse: WarehouseType,
    deadline: Duration,
    op: Operation,
    columns: u64,
    columns_skipped: u64,
    rows: u64,
}

impl ProfileRunGuard<'_> {
    /// The run span: enter it around the work so its logs correlate.
    pub fn span(&self) -> &tracing::Span {
        self.op.span()
    }

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
        self.op
            .span()
            .set_attribute("dataface.profiler.outcome", outcome.as_str());
    }

    /// Records the timeout once: duration and error counter, `error.type` on the span.
    fn record_timeout(&mut self) {
        if let Some(elapsed) = self.op.fail(ProfileError::WarehouseTimeout) {
            let (p, w) = (self.probes, self.warehouse.index());
            p.run_errors[w][ProfileError::WarehouseTimeout.index()].increment(1);
            p.run_duration[w][Outcome::Timeout.index()].record(elapsed.as_secs_f64());
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
        self.probes.columns[self.warehouse.index()].increment(1);
        if tracing::enabled!(tracing::Level::DEBUG) {
            self.op
                .span()
                .in_scope(|| tracing::debug!(dataface.column.name = column, "column profiled"));
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
        self.probes.columns_skipped[self.warehouse.index()][code.index()].increment(1);
        self.op.span().in_scope(|| {
            tracing::warn!(
                dataface.column.name = column,
                "error.type" = code.code(),
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
        self.probes.confidence[detected.index()].record(confidence);
        if tracing::enabled!(tracing::Level::DEBUG) {
            self.op.span().in_scope(|| {
                tracing::debug!(
                    dataface.column.name = column,
                    dataface.semantic_type = detected.as_str(),
                    dataface.semantic.confidence = confidence,
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
        self.probes.rows[self.warehouse.index()].increment(rows);
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
                self.op
                    .span()
                    .set_attribute("dataface.profiler.late_outcome", label.as_str());
            }
            self.record_timeout();
            return;
        }
        if label == Outcome::Timeout {
            self.record_timeout();
            return;
        }
        let (p, w) = (self.probes, self.warehouse.index());
        let elapsed = match outcome {
            RunOutcome::Failed(code) => {
                let elapsed = self.op.fail(code);
                if elapsed.is_some() {
                    p.run_errors[w][code.index()].increment(1);
                }
                elapsed
            }
            RunOutcome::Success | RunOutcome::Cancelled | RunOutcome::TimedOut => self.op.finish(),
        };
        let Some(elapsed) = elapsed else { return };
        p.run_duration[w][label.index()].record(elapsed.as_secs_f64());
        self.set_outcome(label);
        if label == Outcome::Success {
            p.last_success[self.warehouse.index()].advance(SystemTime::now());
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
                self.probes.run_duration[self.warehouse.index()][Outcome::Abandoned.index()]
                    .record(elapsed.as_secs_f64());
                self.set_outcome(Outcome::Abandoned);
            }
        }
        let span = self.op.span();
        span.set_attribute("dataface.profiler.columns", saturating_i64(self.columns));
        span.set_attribute(
            "dataface.profiler.columns_skipped",
            saturating_i64(self.columns_skipped),
        );
        span.set_attribute("dataface.profiler.rows", saturating_i64(self.rows));
        self.probes.runs_active[self.warehouse.index()].decrement(1.0);
    }
}

/// One inspector report generation in flight.
#[derive(Debug)]
#[must_use = "finish the report with ok() or fail(code), or it records `abandoned`"]
pub struct ReportGuard<'p> {
    probes: &'p ProfilerProbes,
    op: Operation,
}

impl ReportGuard<'_> {
    /// The report span.
    pub fn span(&self) -> &tracing::Span {
        self.op.span()
    }

    /// The report was generated.
    pub fn ok(mut self) {
        if let Some(elapsed) = self.op.finish() {
            self.probes.report_duration[ReportOutcome::Success.index()]
                .record(elapsed.as_secs_f64());
        }
    }

    /// Generation failed with `code` (usually [`ProfileError::ReportRenderFailed`]).
    pub fn fail(mut self, code: ProfileError) {
        if let Some(elapsed) = self.op.fail(code) {
            self.probes.report_errors[code.index()].increment(1);
            self.probes.report_duration[ReportOutcome::Failure.index()]
                .record(elapsed.as_secs_f64());
        }
    }
}

impl Drop for ReportGuard<'_> {
    fn drop(&mut self) {
        if let Some(elapsed) = self.op.abandon() {
            self.probes.report_duration[ReportOutcome::Abandoned.index()]
                .record(elapsed.as_secs_f64());
        }
    }
}

/// The README's example compiles and runs as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;
