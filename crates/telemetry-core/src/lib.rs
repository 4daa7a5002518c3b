//! # telemetry-core
//!
//! The foundation every Dataface service links: configuration from the environment, one
//! init call that installs traces, logs and metrics, and the OTLP and Prometheus pipeline
//! behind them.
//!
//! ```no_run
//! use std::time::Duration;
//!
//! let guard = telemetry_core::init("dataface-compiler")?;
//! let _span = tracing::info_span!("compile", dataface.contract.version = "v3").entered();
//! tracing::info!(rows = 12_i64, "compiled");
//! metrics::counter!("dataface.compile.outcomes", "dataface.outcome" => "success").increment(1);
//! guard.shutdown(Duration::from_secs(5))?;
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
//!
//! Everything is configured with the OpenTelemetry environment variables plus a few
//! `DATAFACE_*` ones: see [`config`] and the workspace README. The pipeline keeps the
//! promises of the architecture: it never panics into the host, never blocks it on a
//! slow collector, counts every item it drops ([`self_metrics`]), and shuts down within
//! the time it is given.
//!
//! ## Module graph
//! Each line names the modules one module uses (`use crate::...`); the graph has no cycle,
//! and `catalog` and `redact` are leaves. A test keeps this graph and the code equal.
//!
//! ```text
//! signals      -> self_metrics, release, catalog
//! pipeline     -> config, self_metrics, release, redact, catalog, signals
//! self_metrics -> config, catalog
//! release      -> config, catalog
//! config       -> redact, catalog
//! probe        -> errors, catalog
//! errors       -> catalog
//! redact, catalog: leaves
//! ```
//!
//! ## Feature flags
//! None: every exporter is always built in.
//!
//! ## Minimum supported Rust version
//! 1.85.

/// Emits one of the pipeline's own events, on a target kept out of the OTel layers.
macro_rules! internal_event {
    ($level:ident, $($arg:tt)+) => {
        tracing::$level!(target: $crate::pipeline::INTERNAL_TARGET, $($arg)+)
    };
}
pub(crate) use internal_event;

pub mod catalog;
pub mod config;
pub mod errors;
mod pipeline;
pub mod probe;
pub mod redact;
pub mod release;
pub mod self_metrics;
pub mod signals;

pub use pipeline::log_bridge::explicit_parent;
pub use pipeline::{
    enable_on_this_thread, enabled, init, init_with, FlushError, InitError, LocalEnableGuard,
    ShutdownError, StatsHandle, TelemetryGuard, DROP_SHUTDOWN_TIMEOUT,
};

/// The README's example compiles as a doc test.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
pub struct ReadmeDoctests;

#[cfg(test)]
mod module_graph {
    //! The module graph in the crate documentation is the one the code has, and it has no
    //! cycle.

    use std::collections::{BTreeMap, BTreeSet};
    use std::path::Path;

    const MODULES: &[&str] = &[
        "catalog",
        "config",
        "errors",
        "pipeline",
        "probe",
        "redact",
        "release",
        "self_metrics",
        "signals",
    ];

    type Graph = BTreeMap<String, BTreeSet<String>>;

    /// The graph the crate documentation draws.
    fn documented() -> Graph {
        let lib = include_str!("lib.rs");
        let block = lib
            .split("//! ```text\n")
            .nth(1)
            .and_then(|rest| rest.split("//! ```\n").next())
            .expect("the module graph block in lib.rs");
        let mut graph = Graph::new();
        for line in block.lines() {
            let line = line.trim_start_matches("//!").trim();
            if let Some((from, to)) = line.split_once("->") {
                let uses = to.split(',').map(|m| m.trim().to_owned()).collect();
                graph.insert(from.trim().to_owned(), uses);
            } else if let Some(leaves) = line.strip_suffix(": leaves") {
                for leaf in leaves.split(',') {
                    graph.insert(leaf.trim().to_owned(), BTreeSet::new());
                }
            }
        }
        graph
    }

    /// The `crate::<module>` paths each module's code names (tests and comments aside).
    fn actual() -> Graph {
        fn visit(path: &Path, module: &str, graph: &mut Graph) {
            if path.is_dir() {
                for entry in std::fs::read_dir(path).expect("a source directory") {
                    visit(&entry.expect("an entry").path(), module, graph);
                }
                return;
            }
            if path.file_name().is_some_and(|n| n == "tests.rs") {
                return;
            }
            let text = std::fs::read_to_string(path).expect("a source file");
            let code = text.split("#[cfg(test)]\nmod tests").next().unwrap_or("");
            for line in code.lines().filter(|l| !l.trim_start().starts_with("//")) {
                for (i, _) in line.match_indices("crate::") {
                    let used: String = line[i + "crate::".len()..]
                        .chars()
                        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                        .collect();
                    if used != module && MODULES.contains(&used.as_str()) {
                        graph.entry(module.to_owned()).or_default().insert(used);
                    }
                }
            }
        }
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut graph = Graph::new();
        for module in MODULES {
            graph.insert((*module).to_owned(), BTreeSet::new());
            let dir = src.join(module);
            let file = src.join(format!("{module}.rs"));
            visit(if dir.is_dir() { &dir } else { &file }, module, &mut graph);
        }
        graph
    }

    #[test]
    fn the_documented_graph_is_the_code_s_graph() {
        let (documented, actual) = (documented(), actual());
        for module in MODULES {
            assert_eq!(
                documented.get(*module),
                actual.get(*module),
                "lib.rs documents other uses for `{module}` than its code has"
            );
        }
    }

    #[test]
    fn the_documented_graph_has_no_cycle() {
        fn reaches(graph: &Graph, from: &str, to: &str, seen: &mut BTreeSet<String>) -> bool {
            graph.get(from).into_iter().flatten().any(|next| {
                next == to || (seen.insert(next.clone()) && reaches(graph, next, to, seen))
            })
        }
        let graph = documented();
        assert_eq!(
            graph.len(),
            MODULES.len(),
            "every module is in the graph: {graph:?}"
        );
        for module in graph.keys() {
            assert!(
                !reaches(&graph, module, module, &mut BTreeSet::new()),
                "`{module}` reaches itself"
            );
        }
    }
}
