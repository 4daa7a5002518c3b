//! The context catalog's day (task card 001): hourly refreshes of every source (`profiles`
//! failing all day), resolutions and AI context payloads for each consumer, the `orders`
//! contract growing at 08:00 and breaking at 15:00, enrichment runs.

use crate::narrative::say;
use crate::{spread, Ctx};
use dataface_telemetry::context::{
    BreachAction, Consumer, ContextError, ContextProbes, ContractChange, PayloadCheck, Source,
};
use std::time::{Duration, SystemTime};

const KIB: u64 = 1_024;
/// Profile data older than this is stale for the consumers.
const PROFILE_BUDGET: Duration = Duration::from_secs(3_600);
const SCHEMAS: [&str; 5] = [
    "analytics.orders",
    "analytics.customers",
    "analytics.refunds",
    "finance.revenue",
    "marketing.campaigns",
];
const ORDERS_GROW: u32 = 8;
const ORDERS_BREAK: u32 = 15;

/// The context-catalog service at work (the surface simulator, not the signal catalog): its
/// sources' freshness and the `orders` contract's changes.
pub(crate) struct ContextCatalog {
    probes: ContextProbes,
    /// When `profiles` last refreshed successfully (from the catalog store).
    profiles_as_of: SystemTime,
    /// Columns the `orders` contract gained today.
    orders_extra_columns: u64,
    /// Whether `orders.customer_id` has been renamed.
    customer_id_renamed: bool,
    n: u64,
}

impl ContextCatalog {
    pub(crate) fn new() -> Self {
        let probes = ContextProbes::new();
        let now = SystemTime::now();
        let profiles_as_of = now - Duration::from_secs(2 * 3_600 + 600);
        for &source in Source::ALL {
            let as_of = match source {
                Source::Profiles => profiles_as_of,
                _ => now - Duration::from_secs(12 * 60),
            };
            probes.restore_last_success(source, as_of);
        }
        Self {
            probes,
            profiles_as_of,
            orders_extra_columns: 0,
            customer_id_renamed: false,
            n: 0,
        }
    }

    pub(crate) fn hour(&mut self, hour: u32, ctx: &mut Ctx) {
        for &source in Source::ALL {
            ctx.op("refresh");
            let refresh = self.probes.refresh(source, "snowflake-prod");
            let span = refresh.span().clone();
            let _in_span = span.clone().entered();
            match source {
                Source::Profiles => {
                    let code = if hour % 3 == 2 {
                        ContextError::CatalogSourceUnavailable
                    } else {
                        ContextError::CatalogRefreshTimeout
                    };
                    say!(
                        ctx,
                        span,
                        Warn(code),
                        "profiles refresh failed ({code}); serving the last good profiles"
                    );
                    refresh.fail(code);
                    ctx.err(code);
                }
                Source::Contracts => {
                    if hour == ORDERS_GROW {
                        self.orders_extra_columns = 60;
                        self.probes
                            .contract_change(ContractChange::Additive, "orders");
                        say!(ctx, span, Info, "contract `orders` gained 60 columns");
                    }
                    if hour == ORDERS_BREAK {
                        self.customer_id_renamed = true;
                        let code = ContextError::BreakingContractChange;
                        self.probes
                            .contract_change(ContractChange::Breaking, "orders");
                        say!(
                            ctx,
                            span,
                            Warn(code),
                            "contract `orders`: customer_id renamed to buyer_id"
                        );
                        ctx.err(code);
                    }
                    refresh.succeeded(42);
                }
                Source::WarehouseSchema => refresh.succeeded(1_840),
                Source::DbtManifest => refresh.succeeded(312),
            }
        }
        // The MCP server's hourly digest of the orders schema.
        self.context(Consumer::Mcp, "analytics.orders", ctx);
        if hour % 6 == 3 {
            ctx.op("enrichment");
            let run = self
                .probes
                .enrichment(SCHEMAS[hour as usize % SCHEMAS.len()]);
            match hour {
                9 => run.partial(180, 12),
                ORDERS_BREAK => {
                    let code = ContextError::EnrichmentFailed;
                    say!(
                        ctx,
                        run.span(),
                        Error(code),
                        "enrichment failed: the provider answered 503"
                    );
                    run.fail(code);
                    ctx.err(code);
                }
                _ => run.succeeded(192),
            }
        }
    }

    pub(crate) fn round(&mut self, ctx: &mut Ctx) {
        self.n += 1;
        for &consumer in Consumer::ALL {
            let schema = SCHEMAS[(self.n as usize + consumer.index()) % SCHEMAS.len()];
            self.resolve(consumer, schema, ctx);
            // The dashboards' assistant asks for context less often than the MCP server and IDE.
            if consumer != Consumer::Dashboards || self.n % 4 == 0 {
                self.context(consumer, schema, ctx);
            }
        }
    }

    fn resolve(&mut self, consumer: Consumer, schema: &str, ctx: &mut Ctx) {
        let n = self.n;
        ctx.op("resolve");
        let resolution = self.probes.resolve(consumer, schema);
        let profile_age = SystemTime::now()
            .duration_since(self.profiles_as_of)
            .unwrap_or_default();
        if consumer == Consumer::Dashboards
            && self.customer_id_renamed
            && schema == "analytics.orders"
        {
            let code = ContextError::SchemaNotFound;
            say!(
                ctx,
                resolution.span(),
                Warn(code),
                "dashboards asked for analytics.orders.customer_id, which no longer exists"
            );
            resolution.fail(code);
            ctx.err(code);
        } else if consumer == Consumer::Ide && n % 37 == 0 {
            let code = ContextError::SchemaResolutionTimeout;
            resolution.fail(code);
            ctx.err(code);
        } else if n % 3 == 0 && profile_age > PROFILE_BUDGET {
            // Column statistics asked for: only stale ones exist.
            resolution.served_stale_profile(profile_age);
            ctx.err(ContextError::StaleProfileData);
        } else {
            resolution.resolved();
        }
    }

    fn context(&mut self, consumer: Consumer, schema: &str, ctx: &mut Ctx) {
        let n = self.n;
        ctx.op("context");
        let context = self.probes.context(consumer, schema);
        let mut size = match consumer {
            Consumer::Dashboards => 8 * KIB + spread(n, 1, 32 * KIB),
            Consumer::Mcp => 150 * KIB + spread(n, 2, 90 * KIB),
            Consumer::Ide => 20 * KIB + spread(n, 3, 70 * KIB),
        };
        if consumer == Consumer::Mcp && schema.starts_with("analytics.") {
            // The MCP server's context includes every related contract in full.
            size += self.orders_extra_columns * (2 * KIB + spread(n, 4, 4 * KIB));
        }
        let (limit, policy) = match consumer {
            Consumer::Dashboards => (512 * KIB, BreachAction::Rejected),
            // The MCP server truncates, but a payload past twice its limit is useless cut.
            Consumer::Mcp if size > 512 * KIB => (256 * KIB, BreachAction::Rejected),
            Consumer::Mcp => (256 * KIB, BreachAction::Truncated),
            Consumer::Ide => (128 * KIB, BreachAction::Truncated),
        };
        let span = context.span().clone();
        match context.deliver(size, limit, policy) {
            PayloadCheck::Within => {}
            PayloadCheck::Breached(action) => {
                let code = ContextError::ContextPayloadOverLimit;
                if action == BreachAction::Rejected {
                    say!(
                        ctx,
                        span,
                        Warn(code),
                        "{consumer} context for {schema} is {} KiB, limit {} KiB: rejected",
                        size / KIB,
                        limit / KIB
                    );
                }
                ctx.err(code);
            }
        }
    }
}
