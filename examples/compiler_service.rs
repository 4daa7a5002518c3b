//! The compiler service through a release upgrade (task card 000).
//!
//! Release 2.4.0 compiles dashboards on contracts 1.0, 1.1 and 2.0 cleanly. Release 2.5.0
//! ships a migration that breaks contract 1.1: its compiles of 1.1 dashboards fail in the
//! migrate stage. The output shows the error spike confined to contract 1.1 on 2.5.0, the
//! dashboards at risk, and the rollback signal.
//!
//! ```text
//! cargo run --example compiler_service
//! ```

mod common;

use dataface_telemetry::compiler::{
    Adapter, CompileError, CompileOutcome, CompilerProbes, ContractVersion, RenderFormat, Stage,
};

fn compile(probes: &CompilerProbes, contract: ContractVersion, n: usize, breaks_1_1: bool) {
    let mut c = probes.compile(contract, &format!("dash-{n}"));
    let _in_span = c.span().clone().entered();
    c.stage(Stage::Parse).ok();
    if n % 17 == 0 {
        // A user's typo: not a release problem.
        c.stage(Stage::Resolve).fail(CompileError::UnknownQuery);
        c.finish(CompileOutcome::Failed(CompileError::UnknownQuery));
        return;
    }
    if contract == ContractVersion::V1_1 {
        let migration = probes.migration(ContractVersion::V1_1, ContractVersion::V2_0);
        if breaks_1_1 {
            migration.fail(CompileError::MigrationFailed);
            tracing::error!(dashboard = n, "contract 1.1 migration failed");
            c.stage(Stage::Migrate).fail(CompileError::MigrationFailed);
            c.finish(CompileOutcome::Failed(CompileError::MigrationFailed));
            return;
        }
        migration.ok();
        c.stage(Stage::Migrate).ok();
    }
    c.stage(Stage::Normalize).ok();
    c.stage(Stage::Resolve).ok();
    c.finish(CompileOutcome::Success);
    let adapter = Adapter::ALL[n % Adapter::ALL.len()];
    match n % 23 {
        0 => probes.query(adapter).fail(CompileError::QueryTimeout),
        1 => probes.query(adapter).truncated(10_000),
        _ => probes.query(adapter).ok((n * 37 % 5_000) as u64),
    }
    probes.render(RenderFormat::Html).ok();
}

fn main() {
    let guard = common::start("compiler-service");
    let contracts = [
        ContractVersion::V1_0,
        ContractVersion::V1_1,
        ContractVersion::V2_0,
    ];

    for (release, breaks) in [("2.4.0", false), ("2.5.0", true)] {
        let probes = CompilerProbes::new(release);
        probes.set_dashboards(ContractVersion::V1_0, 310);
        probes.set_dashboards(ContractVersion::V1_1, 1_250);
        probes.set_dashboards(ContractVersion::V2_0, 4_020);
        println!("release {release}: compiling 300 dashboards");
        for n in 0..300 {
            compile(&probes, contracts[n % 3], n, breaks);
        }
    }

    common::print_moved(
        &guard,
        "compile errors by code, stage, contract version and release:",
        &["dataface_compile_errors_total"],
    );
    common::print_moved(
        &guard,
        "dashboards per contract version (blast radius):",
        &["dataface_contract_dashboards"],
    );
    common::print_moved(
        &guard,
        "migrations:",
        &["dataface_contract_migrations_total"],
    );
    common::print_moved(
        &guard,
        "queries and renders:",
        &[
            "dataface_queries_total",
            "dataface_query_errors_total",
            "dataface_renders_total",
        ],
    );

    let spike: f64 = common::moved(&guard, &["dataface_compile_errors_total"])
        .iter()
        .filter(|(s, _)| s.contains("error_type=\"migration_failed\""))
        .map(|(s, v)| {
            assert!(
                s.contains("dataface_contract_version=\"1.1\"")
                    && s.contains("dataface_compiler_version=\"2.5.0\""),
                "the spike must be confined to contract 1.1 on 2.5.0: {s}"
            );
            v
        })
        .sum();
    println!(
        "\nverdict: {spike} migration_failed errors, all on contract 1.1 under compiler 2.5.0 \
         (1250 dashboards on 1.1 at risk); 2.4.0 had none: roll back 2.5.0."
    );
    common::finish(guard);
}
