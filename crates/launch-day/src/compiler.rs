//! The compiler's day (task card 000): hourly recompiles of one dashboard per contract
//! version, traffic in between, and release 2.5.0 breaking contract 1.1 from 10:00 until the
//! 16:00 rollback.

use crate::narrative::say;
use crate::Ctx;
use dataface_telemetry::compiler::{
    Adapter, CompileError, CompileOutcome, CompilerProbes, ContractVersion, RenderFormat, Stage,
};

const CONTRACTS: [ContractVersion; 3] = [
    ContractVersion::V1_0,
    ContractVersion::V1_1,
    ContractVersion::V2_0,
];
pub(crate) const GOOD_RELEASE: &str = "2.4.0";
pub(crate) const BAD_RELEASE: &str = "2.5.0";
/// When the bad release goes live and when it is rolled back.
pub(crate) const BAD_RELEASE_LIVE: u32 = 10;
pub(crate) const ROLLBACK: u32 = 16;

/// The compiler service at work: its probes per release and which release is live.
pub(crate) struct Compiler {
    /// Probes per release: 2.4.0, then 2.5.0 from its deployment on.
    releases: Vec<CompilerProbes>,
    live: usize,
    n: u64,
}

impl Compiler {
    pub(crate) fn new() -> Self {
        let probes = CompilerProbes::new(GOOD_RELEASE);
        probes.set_dashboards(ContractVersion::V1_0, 310);
        probes.set_dashboards(ContractVersion::V1_1, 1_250);
        probes.set_dashboards(ContractVersion::V2_0, 4_020);
        Self {
            releases: vec![probes],
            live: 0,
            n: 0,
        }
    }

    pub(crate) fn hour(&mut self, hour: u32, ctx: &mut Ctx) {
        if hour == BAD_RELEASE_LIVE {
            self.releases.push(CompilerProbes::new(BAD_RELEASE));
            self.live = 1;
            say!(ctx, Info, "compiler release {BAD_RELEASE} is live");
        }
        if hour == ROLLBACK {
            self.live = 0;
            say!(ctx, Info, "compiler rolled back to {GOOD_RELEASE}");
        }
        // The hourly recompile of one dashboard per contract version.
        for contract in CONTRACTS {
            self.compile(contract, ctx);
        }
    }

    pub(crate) fn round(&mut self, ctx: &mut Ctx) {
        self.compile(CONTRACTS[(self.n % 3) as usize], ctx);
    }

    /// Compiles one dashboard; when it compiles, runs its query and renders it.
    fn compile(&mut self, contract: ContractVersion, ctx: &mut Ctx) {
        self.n += 1;
        let n = self.n;
        let breaks_1_1 = self.live == 1;
        let probes = &self.releases[self.live];
        let dashboard = format!("dash-{:04}", n % 5_000);
        ctx.op("compile");
        let mut compile = probes.compile(contract, &dashboard);
        let span = compile.span().clone();
        let _in_span = span.clone().entered();
        compile.stage(Stage::Parse).ok();
        if n % 17 == 0 {
            // Launch-day newcomers' contracts: a different mistake each time.
            let (stage, code, what) = match (n / 17) % 5 {
                0 => (
                    Stage::Resolve,
                    CompileError::UnknownQuery,
                    "chart `revenue_by_region` references an undefined query",
                ),
                1 => (
                    Stage::Parse,
                    CompileError::InvalidYaml,
                    "line 12: mapping values are not allowed in this context",
                ),
                2 => (
                    Stage::Resolve,
                    CompileError::SourceNotFound,
                    "source `analytics.orderz` does not exist",
                ),
                3 => (
                    Stage::Parse,
                    CompileError::UnsupportedContractVersion,
                    "contract version 0.9 is not supported by this release",
                ),
                _ => (
                    Stage::Normalize,
                    CompileError::TemplateOutputTooLarge,
                    "a chart template expanded past its output limit",
                ),
            };
            say!(ctx, span, Warn(code), "{dashboard}: {what}");
            compile.stage(stage).fail(code);
            compile.finish(CompileOutcome::Failed(code));
            ctx.err(code);
            return;
        }
        if contract == ContractVersion::V1_1 {
            let migration = probes.migration(ContractVersion::V1_1, ContractVersion::V2_0);
            if breaks_1_1 {
                let code = CompileError::MigrationFailed;
                migration.fail(code);
                say!(
                    ctx,
                    span,
                    Error(code),
                    "{dashboard}: contract 1.1 migration failed under {BAD_RELEASE}"
                );
                compile.stage(Stage::Migrate).fail(code);
                compile.finish(CompileOutcome::Failed(code));
                ctx.err(code);
                return;
            }
            migration.ok();
            compile.stage(Stage::Migrate).ok();
        }
        compile.stage(Stage::Normalize).ok();
        compile.stage(Stage::Resolve).ok();
        compile.finish(if n % 13 == 6 {
            CompileOutcome::Warnings(2)
        } else {
            CompileOutcome::Success
        });

        let adapter = Adapter::ALL[(n % Adapter::ALL.len() as u64) as usize];
        ctx.op("query");
        match n % 23 {
            0 => {
                let code = CompileError::QueryTimeout;
                let query = probes.query(adapter);
                say!(
                    ctx,
                    query.span(),
                    Warn(code),
                    "{dashboard}: query on {adapter} ran past its timeout"
                );
                query.fail(code);
                ctx.err(code);
            }
            1 => {
                probes.query(adapter).truncated(10_000);
                ctx.err(CompileError::ResultTruncated);
            }
            // A customer rotated its warehouse password; another warehouse was briefly down
            // (each from the first rounds on, then every 69 queries).
            2 | 3 if n % 69 == 2 || n % 69 == 26 => {
                let code = if n % 69 == 2 {
                    CompileError::WarehouseAuthFailed
                } else {
                    CompileError::WarehouseUnavailable
                };
                probes.query(adapter).fail(code);
                ctx.err(code);
            }
            _ => probes.query(adapter).ok(n * 37 % 5_000),
        }

        let format = [RenderFormat::Html, RenderFormat::Png, RenderFormat::Pdf][(n % 3) as usize];
        ctx.op("render");
        if n % 41 == 20 {
            let code = CompileError::RenderTimeout;
            probes.render(format).fail(code);
            ctx.err(code);
        } else {
            probes.render(format).ok();
        }
    }
}
