#!/usr/bin/env bash
# The real scrape, measured: each surface as its own service (the drill workload, one
# surface per process, its healthy traffic), and the launch-day demo (one process hosting
# every surface, its scripted failures included). For each scrape: the series (= samples
# per scrape: one line each), how many of them are histogram buckets, the label sets (a
# histogram's buckets, _sum and _count counted once), and the bytes.
#
#   scripts/scrape-series.sh [SECONDS]     # traffic time before each scrape, default 5
#
# Everything listens on 127.0.0.1 on ports the processes pick; each is stopped by its pid.
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_OF_TRAFFIC="${1:-5}"
cargo build -q -j2 -p launch-day --bin drill-workload
cargo build -q -j2 --example launch_day
target="${CARGO_TARGET_DIR:-target}"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# count FILE LABEL: one table row for the scrape in FILE.
count() {
    awk -v name="$2" -v bytes="$(wc -c < "$1")" '
        /^#/ || NF == 0 { next }
        {
            series++
            line = $0
            sub(/ [^ ]+( [0-9]+)?$/, "", line)       # the value (and a timestamp)
            if (line ~ /_bucket\{/) { buckets++; next }
            # _sum and _count are one label set with their histogram
            sub(/_sum\{/, "{", line); sub(/_count\{/, "{", line)
            sub(/_sum$/, "", line); sub(/_count$/, "", line)
            sets[line] = 1
        }
        END {
            n = 0; for (s in sets) n++
            printf "| %s | %d | %d | %d | %d |\n", name, series, buckets, n, bytes
        }' "$1"
}

echo "| process | series (= samples per scrape) | of which histogram buckets | label sets | bytes |"
echo "|---|---:|---:|---:|---:|"
for surface in compiler context profiler cloud integrations; do
    out="$work/$surface.out"
    "$target/debug/drill-workload" --surface "$surface" --control-port 0 > "$out" 2>"$work/$surface.err" &
    pid=$!
    for _ in $(seq 1 100); do
        grep -q '^ready ' "$out" 2>/dev/null && break
        sleep 0.1
    done
    ready="$(grep '^ready ' "$out" || true)"
    if [ -z "$ready" ]; then
        kill "$pid" 2>/dev/null || true
        echo "drill-workload --surface $surface did not start:" >&2
        cat "$work/$surface.err" >&2
        exit 1
    fi
    metrics="$(sed -E 's/.* metrics=([^ ]+).*/\1/' <<<"$ready")"
    curl -sf "http://$metrics/metrics" > "$work/$surface.start.txt"
    count "$work/$surface.start.txt" "$surface service, at start"
    sleep "$SECONDS_OF_TRAFFIC"
    curl -sf "http://$metrics/metrics" > "$work/$surface.txt"
    count "$work/$surface.txt" "$surface service, after ${SECONDS_OF_TRAFFIC} s of traffic"
    kill "$pid"
    wait "$pid" 2>/dev/null || true
done

# The demo serves its scrape on 127.0.0.1:9464 while the day runs.
demo_seconds=$((SECONDS_OF_TRAFFIC + 3))
DEMO_SECONDS="$demo_seconds" "$target/debug/examples/launch_day" > "$work/demo.out" 2>&1 &
pid=$!
sleep "$((demo_seconds - 1))"
curl -sf "http://127.0.0.1:9464/metrics" > "$work/demo.txt"
count "$work/demo.txt" "launch-day demo (every surface), near the end of the day"
wait "$pid" 2>/dev/null || true
