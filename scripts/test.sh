#!/usr/bin/env bash
# The whole test suite: installs the real peers the tests talk to (rotel, promtool,
# amtool, nginx), then runs every test with nextest (each `init` test runs in a process of its
# own) and the doc tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-test-deps.sh
cargo nextest run -j2 --workspace --no-fail-fast
cargo test -j2 --workspace --doc
# The stress binaries, short (full length: add --full); each prints its figures and fails
# when its promise does not hold (docs/reliability.md); throughput and series_memory print
# their figures beside their anchors (docs/performance.md).
cargo build -j2 -p stress
for bin in redactor shutdown_accounting drop_in_async stderr_blocked throughput series_memory; do
    cargo run -q -j2 -p stress --bin "$bin"
done
