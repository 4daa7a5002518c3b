#!/usr/bin/env bash
# The whole test suite: installs the real peers the tests talk to (rotel, promtool,
# amtool, nginx), then runs every test with nextest (each `init` test runs in a process of its
# own) and the doc tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-test-deps.sh
cargo nextest run -j2 --workspace --no-fail-fast
cargo test -j2 --workspace --doc
