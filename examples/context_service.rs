//! The context catalog serving its three consumers (task card 001).
//!
//! Six refresh cycles of a catalog that serves the dashboards, the MCP server and the IDE
//! extension. Two things go wrong, silently until now:
//!
//! - the `profiles` source has stopped refreshing: its last success, restored from the
//!   catalog store at start, is 2 h 10 min old, and every refresh in this run times out or
//!   cannot reach the profiler, so resolutions that need profile data serve stale profiles;
//! - an additive change to the `orders` contract adds 60 columns, and from then on the MCP
//!   server's AI context payloads exceed its 256 KiB limit: truncated, or rejected past
//!   twice the limit. A later breaking change renames a column that dashboards still use.
//!
//! The output shows the series that moved and a verdict computed from them.
//!
//! ```text
//! cargo run --example context_service
//! ```

mod common;

use dataface_telemetry::context::{
    BreachAction, Consumer, ContextError, ContextProbes, ContractChange, PayloadCheck, Source,
};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

const CYCLES: usize = 6;
const REQUESTS_PER_CYCLE: usize = 40;
/// Profile data older than this is stale for the consumers.
const PROFILE_BUDGET: Duration = Duration::from_secs(3_600);
const KIB: u64 = 1_024;
const SCHEMAS: &[&str] = &[
    "analytics.orders",
    "analytics.customers",
    "analytics.refunds",
    "finance.revenue",
    "marketing.campaigns",
];

/// The consumer's AI context limit and what it does over it, given the payload size.
fn limit_and_policy(consumer: Consumer, size: u64) -> (u64, BreachAction) {
    match consumer {
        Consumer::Dashboards => (512 * KIB, BreachAction::Rejected),
        // The MCP server truncates, but a payload past twice its limit is useless cut.
        Consumer::Mcp if size > 512 * KIB => (256 * KIB, BreachAction::Rejected),
        Consumer::Mcp => (256 * KIB, BreachAction::Truncated),
        Consumer::Ide => (128 * KIB, BreachAction::Truncated),
    }
}

/// A deterministic spread in `0..range`.
fn spread(n: usize, cycle: usize, range: u64) -> u64 {
    ((n as u64 * 7_919 + cycle as u64 * 104_729) ^ 0x5bd1) % range
}

struct World {
    /// When `profiles` last refreshed successfully (from the catalog store).
    profiles_as_of: SystemTime,
    /// Columns the `orders` contract gained in this run.
    orders_extra_columns: u64,
    /// Whether `orders.customer_id` has been renamed.
    customer_id_renamed: bool,
}

fn refresh_all(probes: &ContextProbes, world: &mut World, cycle: usize) {
    for &source in Source::ALL {
        let refresh = probes.refresh(source, "snowflake-prod");
        let _in_span = refresh.span().clone().entered();
        match source {
            Source::Profiles => {
                let code = if cycle % 3 == 2 {
                    ContextError::CatalogSourceUnavailable
                } else {
                    ContextError::CatalogRefreshTimeout
                };
                tracing::warn!(error.type = %code, "profile refresh failed; serving the last good profiles");
                refresh.fail(code);
            }
            Source::Contracts => {
                if cycle == 1 {
                    world.orders_extra_columns = 60;
                    probes.contract_change(ContractChange::Additive, "orders");
                }
                if cycle == 3 {
                    world.customer_id_renamed = true;
                    probes.contract_change(ContractChange::Breaking, "orders");
                    tracing::warn!(contract = "orders", "customer_id renamed to buyer_id");
                }
                refresh.succeeded(42);
            }
            Source::WarehouseSchema => refresh.succeeded(1_840),
            Source::DbtManifest => refresh.succeeded(312),
        }
    }
}

fn serve(probes: &ContextProbes, world: &World, cycle: usize, n: usize, consumer: Consumer) {
    let schema = SCHEMAS[(n + cycle) % SCHEMAS.len()];

    // Schema resolution.
    let resolution = probes.resolve(consumer, schema);
    let profile_age = SystemTime::now()
        .duration_since(world.profiles_as_of)
        .unwrap_or_default();
    if consumer == Consumer::Dashboards && world.customer_id_renamed && schema == "analytics.orders"
    {
        // Dashboards still ask for orders.customer_id.
        resolution.fail(ContextError::SchemaNotFound);
    } else if consumer == Consumer::Ide && n % 37 == 0 {
        resolution.fail(ContextError::SchemaResolutionTimeout);
    } else if n % 3 == 0 && profile_age > PROFILE_BUDGET {
        // Column statistics asked for: only stale ones exist.
        resolution.served_stale_profile(profile_age);
    } else {
        resolution.resolved();
    }

    // AI context: the dashboards' assistant asks less often than the MCP server and IDE.
    if consumer == Consumer::Dashboards && n % 4 != 0 {
        return;
    }
    let context = probes.context(consumer, schema);
    let mut size = match consumer {
        Consumer::Dashboards => 8 * KIB + spread(n, cycle, 32 * KIB),
        Consumer::Mcp => 150 * KIB + spread(n, cycle, 90 * KIB),
        Consumer::Ide => 20 * KIB + spread(n, cycle, 70 * KIB),
    };
    if schema.starts_with("analytics.") && consumer == Consumer::Mcp {
        // The MCP server's context includes every related contract in full.
        size += world.orders_extra_columns * (2 * KIB + spread(n, cycle, 4 * KIB));
    }
    let (limit, policy) = limit_and_policy(consumer, size);
    match context.deliver(size, limit, policy) {
        PayloadCheck::Within => { /* send it */ }
        PayloadCheck::Breached(BreachAction::Truncated) => { /* cut it to `limit`, send */ }
        PayloadCheck::Breached(BreachAction::Rejected) => { /* answer "context too large" */ }
    }
}

fn enrich(probes: &ContextProbes, cycle: usize) {
    let run = probes.enrichment(SCHEMAS[cycle % SCHEMAS.len()]);
    match cycle {
        2 => run.partial(180, 12),
        4 => run.fail(ContextError::EnrichmentFailed),
        _ => run.succeeded(192),
    }
}

fn main() {
    let guard = common::start("catalog-service");
    let probes = ContextProbes::new();

    // At start, the catalog store says when each source last refreshed.
    let now = SystemTime::now();
    let mut world = World {
        profiles_as_of: now - Duration::from_secs(2 * 3_600 + 600),
        orders_extra_columns: 0,
        customer_id_renamed: false,
    };
    for &source in Source::ALL {
        let as_of = match source {
            Source::Profiles => world.profiles_as_of,
            _ => now - Duration::from_secs(12 * 60),
        };
        probes.restore_last_success(source, as_of);
    }

    println!(
        "{CYCLES} refresh cycles, {REQUESTS_PER_CYCLE} requests per consumer per cycle: \
         dashboards, mcp, ide"
    );
    for cycle in 0..CYCLES {
        refresh_all(&probes, &mut world, cycle);
        for n in 0..REQUESTS_PER_CYCLE {
            for &consumer in Consumer::ALL {
                serve(&probes, &world, cycle, n, consumer);
            }
        }
        enrich(&probes, cycle);
        std::thread::sleep(Duration::from_millis(2));
    }

    common::print_moved(
        &guard,
        "schema resolutions by consumer and outcome:",
        &["dataface_catalog_resolution_duration_seconds"],
    );
    common::print_moved(
        &guard,
        "resolution errors by consumer and code:",
        &["dataface_catalog_resolution_errors_total"],
    );
    common::print_moved(
        &guard,
        "freshness: last successful refresh (Unix s) and failed refreshes:",
        &[
            "dataface_catalog_refresh_last_success_seconds",
            "dataface_catalog_refresh_errors_total",
        ],
    );
    common::print_moved(
        &guard,
        "AI context payloads: builds by outcome, limits, breaches:",
        &[
            "dataface_catalog_context_duration_seconds",
            "dataface_catalog_context_limit_bytes",
            "dataface_catalog_context_breaches_total",
        ],
    );
    common::print_moved(
        &guard,
        "contract changes and enrichment runs:",
        &[
            "dataface_catalog_contract_changes_total",
            "dataface_catalog_enrichment_duration_seconds",
        ],
    );

    verdict(&guard);
    common::finish(guard);
}

/// Sums the moved series starting with `prefix` whose labels include every `label`.
fn sum(guard: &dataface_telemetry::core::TelemetryGuard, prefix: &str, labels: &[&str]) -> f64 {
    common::moved(guard, &[prefix])
        .iter()
        .filter(|(s, _)| labels.iter().all(|l| s.contains(l)))
        .fold(0.0, |total, (_, v)| total + v)
}

fn verdict(guard: &dataface_telemetry::core::TelemetryGuard) {
    if guard.prometheus_text().is_none() {
        println!("\nverdict: no scrape endpoint in this configuration, so nothing to judge.");
        return;
    }
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_secs_f64();
    let stale: Vec<(String, f64)> =
        common::moved(guard, &["dataface_catalog_refresh_last_success_seconds"])
            .into_iter()
            .filter_map(|(series, at)| {
                let source = series
                    .split("dataface_catalog_source_type=\"")
                    .nth(1)?
                    .split('"')
                    .next()?;
                let age = now - at;
                (age > PROFILE_BUDGET.as_secs_f64()).then(|| (source.to_owned(), age))
            })
            .collect();
    let stale_text = stale
        .iter()
        .map(|(source, age)| {
            let failed = sum(
                guard,
                "dataface_catalog_refresh_errors_total",
                &[&format!("dataface_catalog_source_type=\"{source}\"")],
            );
            format!(
                "`{source}` last refreshed {}h{:02}m ago (staleness = time() - last_success, \
                 budget 1h) with {failed} failed refreshes since",
                (*age as u64) / 3_600,
                (*age as u64) % 3_600 / 60
            )
        })
        .collect::<Vec<_>>()
        .join("; ");
    let stale_served = sum(
        guard,
        "dataface_catalog_resolution_errors_total",
        &["error_type=\"stale_profile_data\""],
    );
    let resolutions = sum(guard, "dataface_catalog_resolution_duration_seconds", &[]);
    let consumer_text = |consumer: &str| {
        let c = format!("dataface_catalog_consumer=\"{consumer}\"");
        let builds = sum(guard, "dataface_catalog_context_duration_seconds", &[&c]);
        let truncated = sum(
            guard,
            "dataface_catalog_context_breaches_total",
            &[&c, "dataface_catalog_context_action=\"truncated\""],
        );
        let rejected = sum(
            guard,
            "dataface_catalog_context_breaches_total",
            &[&c, "dataface_catalog_context_action=\"rejected\""],
        );
        (builds, truncated, rejected)
    };
    let over: Vec<String> = ["dashboards", "mcp", "ide"]
        .into_iter()
        .filter_map(|consumer| {
            let (builds, truncated, rejected) = consumer_text(consumer);
            (truncated + rejected > 0.0).then(|| {
                format!(
                    "`{consumer}`: {truncated} truncated and {rejected} rejected of {builds} payloads"
                )
            })
        })
        .collect();
    let within: Vec<&str> = ["dashboards", "mcp", "ide"]
        .into_iter()
        .filter(|consumer| {
            let (_, truncated, rejected) = consumer_text(consumer);
            truncated + rejected == 0.0
        })
        .collect();
    let breaking = sum(
        guard,
        "dataface_catalog_contract_changes_total",
        &["dataface_catalog_contract_change_kind=\"breaking\""],
    );
    let not_found = sum(
        guard,
        "dataface_catalog_resolution_errors_total",
        &[
            "dataface_catalog_consumer=\"dashboards\"",
            "error_type=\"schema_not_found\"",
        ],
    );
    let runs = sum(guard, "dataface_catalog_enrichment_duration_seconds", &[]);
    let enrich_failed = sum(
        guard,
        "dataface_catalog_enrichment_duration_seconds",
        &["dataface_outcome=\"failed\""],
    );
    let enrich_partial = sum(
        guard,
        "dataface_catalog_enrichment_duration_seconds",
        &["dataface_outcome=\"partial\""],
    );
    let mut actions = Vec::new();
    for (source, _) in &stale {
        actions.push(format!(
            "fix the `{source}` source (its failed refreshes' error.type says why)"
        ));
    }
    for consumer in ["dashboards", "mcp", "ide"] {
        let (_, truncated, rejected) = consumer_text(consumer);
        if truncated + rejected > 0.0 {
            actions.push(format!(
                "narrow the `{consumer}` AI context or raise its limit"
            ));
        }
    }
    if breaking > 0.0 {
        actions.push("restore or version the broken contract".to_owned());
    }
    if enrich_failed > 0.0 {
        actions.push("rerun the failed enrichment".to_owned());
    }
    println!(
        "\nverdict: stale source(s): {}. {stale_served} of {resolutions} resolutions served stale \
         profiles. Over the AI context limit: {} (within: {}). {breaking} breaking contract \
         change(s), followed by {not_found} schema_not_found resolutions on dashboards. \
         Enrichment: {enrich_failed} failed and {enrich_partial} partial of {runs} runs. {}",
        if stale_text.is_empty() {
            "none".to_owned()
        } else {
            stale_text
        },
        if over.is_empty() {
            "none".to_owned()
        } else {
            over.join("; ")
        },
        within.join(", "),
        if actions.is_empty() {
            "The catalog is healthy.".to_owned()
        } else {
            format!("Page context-catalog: {}.", actions.join("; "))
        }
    );
}
