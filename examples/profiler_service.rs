//! The profiler service over four profiling rounds (task card 004).
//!
//! Four warehouses are profiled every round. From round 2 the large Snowflake tables start
//! passing their deadline, and in round 4 the whole Snowflake warehouse is saturated: every
//! run times out, one by the warehouse's own statement timeout and one dropped by the
//! caller's timer. Meanwhile analysts correct a rising share of `postal_code` detections
//! (store numbers typed as ZIP codes). Around that: a permission revoked on one PostgreSQL
//! table, a sampling failure on DuckDB, a BigQuery GEOGRAPHY column the profiler skips, a run
//! an analyst cancels and an inspector report that fails to render. The output shows the
//! timeout ratio confined to Snowflake, the accuracy of `postal_code` falling round by round,
//! and the freshness gauges.
//!
//! ```text
//! cargo run --example profiler_service
//! ```

mod common;

use dataface_telemetry::core::TelemetryGuard;
use dataface_telemetry::profiler::{
    Feedback, ProfileError, ProfilerProbes, RunOutcome, SemanticType, WarehouseType,
};
use std::time::Duration;

/// Columns every table draws from: name, detected type, confidence.
const COLUMNS: &[(&str, SemanticType, f64)] = &[
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

/// Warehouses, their tables, and which tables are large.
const WAREHOUSES: &[(WarehouseType, &[(&str, bool)])] = &[
    (
        WarehouseType::Snowflake,
        &[
            ("analytics.orders", true),
            ("analytics.events", true),
            ("analytics.sessions", true),
            ("analytics.customers", false),
            ("finance.invoices", false),
            ("marketing.campaigns", false),
        ],
    ),
    (
        WarehouseType::BigQuery,
        &[
            ("geo.regions", false),
            ("web.pageviews", true),
            ("ads.spend", false),
            ("crm.accounts", false),
        ],
    ),
    (
        WarehouseType::PostgreSql,
        &[
            ("app.users", false),
            ("app.subscriptions", false),
            ("hr.payroll", false),
            ("app.addresses", false),
        ],
    ),
    (
        WarehouseType::DuckDb,
        &[
            ("local.prices", false),
            ("local.fx_rates", false),
            ("local.stores", false),
        ],
    ),
];

/// The deadline of a normal run, and of a large Snowflake table in this compressed demo
/// (minutes in production), with the time a slow run takes past it.
const DEADLINE: Duration = Duration::from_secs(5);
const TIGHT_DEADLINE: Duration = Duration::from_millis(2);
const SLOW_WORK: Duration = Duration::from_millis(3);

/// What happens to one table in one round.
#[derive(PartialEq)]
enum Plan {
    Normal,
    /// Passes its deadline midway, then completes late.
    Slow,
    /// Passes its deadline and the caller's timer drops the work.
    DroppedByTimer,
    /// The warehouse's statement timeout stops it.
    StatementTimeout,
    Fails(ProfileError),
    Cancelled,
}

fn plan(round: usize, warehouse: WarehouseType, t: usize, table: &str, large: bool) -> Plan {
    match (warehouse, table) {
        (WarehouseType::Snowflake, "analytics.sessions") if round == 4 => Plan::DroppedByTimer,
        (WarehouseType::Snowflake, "finance.invoices") if round == 4 => Plan::StatementTimeout,
        // Round 4: the whole warehouse is saturated; before that, one more large table a round.
        (WarehouseType::Snowflake, _) if round == 4 || (large && t + 1 < round) => Plan::Slow,
        (WarehouseType::PostgreSql, "hr.payroll") if round >= 3 => {
            Plan::Fails(ProfileError::PermissionDenied)
        }
        (WarehouseType::DuckDb, "local.fx_rates") if round == 2 => {
            Plan::Fails(ProfileError::SamplingFailed)
        }
        (WarehouseType::BigQuery, "web.pageviews") if round == 4 => Plan::Cancelled,
        _ => Plan::Normal,
    }
}

fn profile(probes: &ProfilerProbes, round: usize, warehouse: WarehouseType, t: usize) {
    let (table, large) = WAREHOUSES
        .iter()
        .find(|(w, _)| *w == warehouse)
        .map(|(_, tables)| tables[t])
        .expect("declared warehouse");
    let plan = plan(round, warehouse, t, table, large);
    let slow = matches!(plan, Plan::Slow | Plan::DroppedByTimer);
    let deadline = if slow { TIGHT_DEADLINE } else { DEADLINE };
    let mut run = probes.profile_run(warehouse, table, deadline);
    if let Plan::Fails(code) = plan {
        run.span()
            .in_scope(|| tracing::error!(table, "profiling failed: {code}"));
        run.finish(RunOutcome::Failed(code));
        return;
    }
    for c in 0..6 {
        if slow && c == 3 {
            std::thread::sleep(SLOW_WORK);
            if plan == Plan::DroppedByTimer {
                return; // the timer drops the work, and the guard with it
            }
        }
        let (column, semantic_type, confidence) = COLUMNS[(t * 3 + c) % COLUMNS.len()];
        if table == "geo.regions" && c == 5 {
            run.column_skipped("boundary", ProfileError::UnsupportedColumnType);
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
    run.finish(match plan {
        Plan::Cancelled => RunOutcome::Cancelled,
        Plan::StatementTimeout => RunOutcome::TimedOut,
        _ => RunOutcome::Success,
    });
    if plan == Plan::Normal {
        let report = probes.report(warehouse, table);
        if round == 3 && table == "ads.spend" {
            report.fail(ProfileError::ReportRenderFailed);
        } else {
            report.ok();
        }
    }
}

/// Analysts review ten detections of each type a round; `postal_code` corrections rise.
fn analysts_review(probes: &ProfilerProbes, round: usize) {
    let corrected = |ty: SemanticType| match ty {
        SemanticType::PostalCode => [1, 3, 5, 8][round - 1],
        SemanticType::Email => [0, 1, 0, 1][round - 1],
        _ => [1, 0, 1, 0][round - 1],
    };
    for ty in [
        SemanticType::PostalCode,
        SemanticType::Email,
        SemanticType::CurrencyAmount,
    ] {
        for i in 0..10 {
            let feedback = if i < corrected(ty) {
                Feedback::Corrected {
                    to: SemanticType::Quantity,
                }
            } else {
                Feedback::Confirmed
            };
            probes.feedback(ty, feedback, "store_number");
        }
    }
}

/// The sum of the moved series starting with `prefix` whose text holds every filter.
fn total(guard: &TelemetryGuard, prefix: &str, filters: &[&str]) -> f64 {
    common::moved(guard, &[prefix])
        .iter()
        .filter(|(series, _)| filters.iter().all(|f| series.contains(f)))
        .map(|(_, v)| v)
        .sum()
}

const RUNS: &str = "dataface_profiler_run_duration_seconds_count";
const FEEDBACK: &str = "dataface_profiler_semantic_feedback_total";
const SNOWFLAKE: &str = "dataface_warehouse_type=\"snowflake\"";
const TIMEOUT: &str = "dataface_outcome=\"timeout\"";
const POSTAL: &str = "dataface_semantic_type=\"postal_code\"";
const CORRECTED: &str = "dataface_semantic_verdict=\"corrected\"";

fn main() {
    let guard = common::start("profiler-service");
    let probes = ProfilerProbes::new();

    let mut rounds = Vec::new();
    let mut accuracy = Vec::new();
    for round in 1..=4 {
        let before = |f: &[&str]| total(&guard, RUNS, f);
        let (runs0, sf0, to0) = (
            before(&[]),
            before(&[SNOWFLAKE, TIMEOUT]),
            before(&[TIMEOUT]),
        );
        let (fb0, fc0) = (
            total(&guard, FEEDBACK, &[POSTAL]),
            total(&guard, FEEDBACK, &[POSTAL, CORRECTED]),
        );
        for (warehouse, tables) in WAREHOUSES {
            for t in 0..tables.len() {
                profile(&probes, round, *warehouse, t);
            }
        }
        analysts_review(&probes, round);
        let sf_runs = 6.0;
        let runs = total(&guard, RUNS, &[]) - runs0;
        let sf = total(&guard, RUNS, &[SNOWFLAKE, TIMEOUT]) - sf0;
        let other = total(&guard, RUNS, &[TIMEOUT]) - to0 - sf;
        let reviewed = total(&guard, FEEDBACK, &[POSTAL]) - fb0;
        let corrected = total(&guard, FEEDBACK, &[POSTAL, CORRECTED]) - fc0;
        let acc = 100.0 * (reviewed - corrected) / reviewed;
        accuracy.push(acc);
        rounds.push(format!(
            "{round:>5}  {runs:>4}  {sf:>10} of {sf_runs}  {other:>14}  {acc:>19.0}%"
        ));
    }

    println!("\nper round, from the scrape (runs by outcome, feedback by verdict):");
    println!("round  runs  snowflake timeouts  other timeouts  postal_code accuracy");
    for line in &rounds {
        println!("{line}");
    }

    common::print_moved(
        &guard,
        "profiling runs by warehouse type and outcome:",
        &[RUNS],
    );
    common::print_moved(
        &guard,
        "run errors and skipped columns by code:",
        &[
            "dataface_profiler_run_errors_total",
            "dataface_profiler_columns_skipped_total",
        ],
    );
    common::print_moved(
        &guard,
        "columns and rows profiled:",
        &[
            "dataface_profiler_columns_profiled_total",
            "dataface_profiler_rows_total",
        ],
    );
    common::print_moved(
        &guard,
        "semantic type detections (confidence histogram count) and analyst feedback:",
        &["dataface_profiler_semantic_confidence_count", FEEDBACK],
    );
    common::print_moved(
        &guard,
        "inspector reports:",
        &[
            "dataface_profiler_report_duration_seconds_count",
            "dataface_profiler_report_errors_total",
        ],
    );
    common::print_moved(
        &guard,
        "freshness: last successful profile per warehouse type (Unix seconds):",
        &["dataface_profiler_last_success_seconds"],
    );

    let sf_timeouts = total(&guard, RUNS, &[SNOWFLAKE, TIMEOUT]);
    let sf_runs = total(&guard, RUNS, &[SNOWFLAKE]);
    let other_timeouts = total(&guard, RUNS, &[TIMEOUT]) - sf_timeouts;
    let fresh = common::moved(&guard, &["dataface_profiler_last_success_seconds"]);
    let newest = fresh.iter().map(|(_, v)| *v).fold(f64::MIN, f64::max);
    let snowflake = fresh
        .iter()
        .find(|(s, _)| s.contains(SNOWFLAKE))
        .map_or(0.0, |(_, v)| *v);
    let accuracy_of = |ty: &str| {
        let filter = format!("dataface_semantic_type=\"{ty}\"");
        let reviewed = total(&guard, FEEDBACK, &[&filter]);
        100.0 * (reviewed - total(&guard, FEEDBACK, &[&filter, CORRECTED])) / reviewed
    };
    println!(
        "\nverdict: {sf_timeouts} of {sf_runs} Snowflake profiling runs timed out, and \
         {other_timeouts} on every other warehouse type: large Snowflake tables first, then the \
         whole warehouse in the last round. That is Snowflake capacity, not the profiler: \
         inspect-profiler follows the profile_warehouse_timeout runbook (warehouse queue, \
         size, sample size). Snowflake's last successful profile is now {:.0} ms behind the \
         freshest warehouse type (hours in production, where the alert is \
         time() - dataface_profiler_last_success_seconds). postal_code detection accuracy fell \
         from {:.0}% to {:.0}% round by round while email ({:.0}%) and currency_amount ({:.0}%) \
         held: analysts are retyping store numbers that the postal_code detector claims.",
        (newest - snowflake) * 1_000.0,
        accuracy[0],
        accuracy[accuracy.len() - 1],
        accuracy_of("email"),
        accuracy_of("currency_amount"),
    );
    common::finish(guard);
}
