//! The profiler's day (task card 004): an hourly profiling pass over every table, analysts'
//! feedback on detections, and the scripted timeouts, failures and cancellations.

use crate::narrative::say;
use crate::{Ctx, HOURS};
use dataface_telemetry::core::errors::ErrorCode;
use dataface_telemetry::profiler::{
    Feedback, ProfileError, ProfilerProbes, RunOutcome, SemanticType, WarehouseType,
};
use std::time::Duration;

/// Warehouse, table, and whether it is large.
const TABLES: [(WarehouseType, &str, bool); 17] = [
    (WarehouseType::Snowflake, "analytics.orders", true),
    (WarehouseType::Snowflake, "analytics.events", true),
    (WarehouseType::Snowflake, "analytics.sessions", true),
    (WarehouseType::Snowflake, "analytics.customers", false),
    (WarehouseType::Snowflake, "finance.invoices", false),
    (WarehouseType::Snowflake, "marketing.campaigns", false),
    (WarehouseType::BigQuery, "geo.regions", false),
    (WarehouseType::BigQuery, "web.pageviews", true),
    (WarehouseType::BigQuery, "ads.spend", false),
    (WarehouseType::BigQuery, "crm.accounts", false),
    (WarehouseType::PostgreSql, "app.users", false),
    (WarehouseType::PostgreSql, "app.subscriptions", false),
    (WarehouseType::PostgreSql, "hr.payroll", false),
    (WarehouseType::PostgreSql, "app.addresses", false),
    (WarehouseType::DuckDb, "local.prices", false),
    (WarehouseType::DuckDb, "local.fx_rates", false),
    (WarehouseType::DuckDb, "local.stores", false),
];

/// Columns every table draws from: name, detected type, confidence.
const COLUMNS: [(&str, SemanticType, f64); 10] = [
    ("id", SemanticType::Identifier, 0.99),
    ("customer_id", SemanticType::ForeignKey, 0.91),
    ("email", SemanticType::Email, 0.97),
    ("zip", SemanticType::PostalCode, 0.81),
    ("amount", SemanticType::CurrencyAmount, 0.88),
    ("created_at", SemanticType::Timestamp, 0.99),
    ("country", SemanticType::Country, 0.93),
    ("status", SemanticType::Category, 0.74),
    ("store_number", SemanticType::PostalCode, 0.58),
    ("notes", SemanticType::FreeText, 0.66),
];

/// The deadline of a profiling run.
const DEADLINE: Duration = Duration::from_secs(30);

/// What happens to one table's profiling run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Plan {
    Normal,
    /// The warehouse's statement timeout stops it.
    TimedOut,
    /// It passes its deadline and the caller's timer drops the work (and the guard).
    DroppedByTimer,
    Fails(ProfileError),
    Cancelled,
}

fn plan(hour: u32, warehouse: WarehouseType, table: &str, large: bool) -> Plan {
    let saturated = (13..16).contains(&hour);
    match (warehouse, table) {
        (WarehouseType::Snowflake, "analytics.sessions") if saturated => Plan::DroppedByTimer,
        (WarehouseType::Snowflake, _) if saturated || (large && hour >= 11) => Plan::TimedOut,
        (WarehouseType::PostgreSql, "hr.payroll") if hour >= 12 => {
            Plan::Fails(ProfileError::PermissionDenied)
        }
        (WarehouseType::DuckDb, "local.fx_rates") if hour == 9 => {
            Plan::Fails(ProfileError::SamplingFailed)
        }
        (WarehouseType::BigQuery, "web.pageviews") if hour == 14 => Plan::Cancelled,
        // BigQuery's API answers 503 for one pass: the profiler retries next hour.
        (WarehouseType::BigQuery, "ads.spend") if hour == 11 => {
            Plan::Fails(ProfileError::WarehouseUnavailable)
        }
        _ => Plan::Normal,
    }
}

/// The profiler service at work: its probes and the next table of the rolling pass.
pub(crate) struct Profiler {
    probes: ProfilerProbes,
    cursor: usize,
}

impl Profiler {
    pub(crate) fn new() -> Self {
        Self {
            probes: ProfilerProbes::new(),
            cursor: 0,
        }
    }

    pub(crate) fn hour(&mut self, hour: u32, ctx: &mut Ctx) {
        // The hourly profiling pass over every table.
        for t in 0..TABLES.len() {
            self.profile(t, hour, ctx);
        }
        // Analysts review ten detections of three types; postal_code corrections rise.
        for detected in [
            SemanticType::PostalCode,
            SemanticType::Email,
            SemanticType::CurrencyAmount,
        ] {
            let corrected = match detected {
                SemanticType::PostalCode => 1 + hour * 7 / (HOURS - 1),
                SemanticType::Email => hour % 2,
                _ => (hour + 1) % 2,
            };
            for i in 0..10 {
                ctx.op("feedback");
                let feedback = if i < corrected {
                    Feedback::Corrected {
                        to: SemanticType::Quantity,
                    }
                } else {
                    Feedback::Confirmed
                };
                self.probes.feedback(detected, feedback, "store_number");
            }
        }
    }

    pub(crate) fn round(&mut self, hour: u32, ctx: &mut Ctx) {
        self.cursor += 1;
        self.profile(self.cursor % TABLES.len(), hour, ctx);
    }

    fn profile(&mut self, t: usize, hour: u32, ctx: &mut Ctx) {
        let (warehouse, table, large) = TABLES[t];
        let plan = plan(hour, warehouse, table, large);
        ctx.op("profile run");
        match plan {
            Plan::DroppedByTimer => {
                let run = self.probes.profile_run(warehouse, table, Duration::ZERO);
                let code = ProfileError::WarehouseTimeout;
                say!(
                    ctx,
                    run.span(),
                    Warn(code),
                    "{table} on {warehouse}: past its deadline, dropped by the timer"
                );
                std::thread::sleep(Duration::from_micros(100));
                drop(run); // past the deadline: recorded as a timeout
                ctx.err(code);
                return;
            }
            Plan::Fails(code) => {
                let run = self.probes.profile_run(warehouse, table, DEADLINE);
                say!(
                    ctx,
                    run.span(),
                    Error(code),
                    "profiling {table} on {warehouse} failed: {}",
                    code.spec().summary
                );
                run.finish(RunOutcome::Failed(code));
                ctx.err(code);
                return;
            }
            Plan::Normal | Plan::TimedOut | Plan::Cancelled => {}
        }
        let mut run = self.probes.profile_run(warehouse, table, DEADLINE);
        for c in 0..6 {
            let (column, semantic_type, confidence) = COLUMNS[(t * 3 + c) % COLUMNS.len()];
            if table == "geo.regions" && c == 5 {
                run.column_skipped("boundary", ProfileError::UnsupportedColumnType);
                ctx.err(ProfileError::UnsupportedColumnType);
                continue;
            }
            run.column_profiled(column);
            run.semantic_type_detected(column, semantic_type, confidence);
        }
        run.rows_profiled(if large {
            2_500_000
        } else {
            40_000 + 1_000 * t as u64
        });
        match plan {
            Plan::TimedOut => {
                let code = ProfileError::WarehouseTimeout;
                say!(
                    ctx,
                    run.span(),
                    Warn(code),
                    "{table} on {warehouse}: the warehouse's statement timeout stopped the run"
                );
                run.finish(RunOutcome::TimedOut);
                ctx.err(code);
            }
            Plan::Cancelled => run.finish(RunOutcome::Cancelled),
            _ => {
                run.finish(RunOutcome::Success);
                ctx.op("report");
                let report = self.probes.report(warehouse, table);
                if hour == 15 && table == "ads.spend" {
                    let code = ProfileError::ReportRenderFailed;
                    say!(
                        ctx,
                        report.span(),
                        Error(code),
                        "inspector report for {table} failed to render"
                    );
                    report.fail(code);
                    ctx.err(code);
                } else {
                    report.ok();
                }
            }
        }
    }
}
