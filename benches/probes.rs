//! What a probe costs the host, beside a baseline that does nothing.
//!
//! ```text
//! cargo bench --bench probes
//! ```
//!
//! - `disabled/*`: no pipeline installed (`OTEL_SDK_DISABLED=true` installs none either):
//!   the promise is "close to nothing", one atomic load and one thread-local read per
//!   operation, so these sit within a few nanoseconds of `baseline`.
//! - `captured/*`: inside a telemetry-testing capture (a real tracing subscriber with the
//!   OpenTelemetry bridge and a recording `metrics` recorder): the cost of building and
//!   ending the span, for reference.
//!
//! Compare ratios within one run: the machine is shared and absolute numbers move.
//!
//! Measured with `cargo bench --bench probes` on the 2-core development machine
//! (2026-11-30; handles held in `telemetry_core::probe::Family` tables), medians:
//!
//! | bench | median |
//! |---|---|
//! | baseline | 0.002 ns |
//! | disabled/query_guard | 11.1 ns |
//! | disabled/render_guard | 9.9 ns |
//! | disabled/compile_guard | 32.7 ns |
//! | disabled/set_dashboards | 2.4 ns |
//! | captured/set_dashboards | 2.5 ns |
//! | captured/compile_guard | 803.1 ns |

use dataface_telemetry::compiler::{
    Adapter, CompileOutcome, CompilerProbes, ContractVersion, RenderFormat,
};
use divan::black_box;
use std::sync::OnceLock;

fn main() {
    divan::main();
}

fn probes() -> &'static CompilerProbes {
    static PROBES: OnceLock<CompilerProbes> = OnceLock::new();
    PROBES.get_or_init(|| CompilerProbes::new("2.5.0"))
}

#[divan::bench]
fn baseline() {
    black_box(ContractVersion::V1_1);
}

mod disabled {
    use super::*;

    #[divan::bench]
    fn compile_guard() {
        probes()
            .compile(black_box(ContractVersion::V1_1), black_box("dash-1"))
            .finish(CompileOutcome::Success);
    }

    #[divan::bench]
    fn query_guard() {
        probes()
            .query(black_box(Adapter::Snowflake))
            .ok(black_box(120));
    }

    #[divan::bench]
    fn render_guard() {
        probes().render(black_box(RenderFormat::Png)).ok();
    }

    #[divan::bench]
    fn set_dashboards() {
        probes().set_dashboards(black_box(ContractVersion::V2_0), black_box(40));
    }
}

mod captured {
    use super::*;
    use telemetry_testing::Capture;

    #[divan::bench]
    fn compile_guard(bencher: divan::Bencher) {
        let capture = Capture::new();
        let _entered = capture.enter();
        let probes = CompilerProbes::new("2.5.0");
        bencher.bench_local(|| {
            probes
                .compile(black_box(ContractVersion::V1_1), black_box("dash-1"))
                .finish(CompileOutcome::Success);
        });
    }

    #[divan::bench]
    fn set_dashboards(bencher: divan::Bencher) {
        let capture = Capture::new();
        let _entered = capture.enter();
        let probes = CompilerProbes::new("2.5.0");
        bencher.bench_local(|| {
            probes.set_dashboards(black_box(ContractVersion::V2_0), black_box(40));
        });
    }
}
