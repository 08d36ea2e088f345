#!/usr/bin/env bash
# Scraping's cost on the data path, within one instance: b (keep-alive HTTP through the balancer) and b2 (the same
# while /metrics is read every 100 ms) alternate on the same scrape-mode quill and haproxy, so nothing but the
# scraper differs between the two (run.sh measures b and b2 on two separate instances).
# Usage: bench/scrape-ab.sh [--rounds N] [--seconds S]
# Prints one JSON record per window (lib/measure.py), then the medians of each target and scenario.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
LIB_DIR=$BENCH_DIR/lib
CONF_DIR=$BENCH_DIR/conf
ROUNDS=5 HTTP_SECONDS=10 WARMUP_SECONDS=2
while (($#)); do
    case $1 in
        --rounds) ROUNDS=${2:?--rounds needs a number}; shift ;;
        --seconds) HTTP_SECONDS=${2:?--seconds needs a number}; shift ;;
        -h | --help) sed -n '2,6s/^# \{0,1\}//p' "$0"; exit 0 ;;
        *) echo "scrape-ab.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
    shift
done

source "$LIB_DIR/beside.sh"
beside_setup scrape-ab 30000
RAW=$WORK/raw.jsonl
: >"$RAW"

for name in quill haproxy; do
    i=$(target_index "$name")
    SCRAPE_PORT=$((PORT_BASE + 900 + i))
    start_target "$name" $((PORT_BASE + 820 + i)) "$BACKEND1" "$BACKEND2" scrape || die "$TARGET_ERROR"
    taskset -c 0 timeout 30 wrk -t1 -c50 -d"${WARMUP_SECONDS}s" "http://127.0.0.1:$TARGET_PORT/1k" >/dev/null 2>&1 || true
    for ((round = 1; round <= ROUNDS; round++)); do
        log "$name: round $round"
        args=(--target "$name" --rep "$round" --port "$TARGET_PORT" --pid "$TARGET_PID" --conns 100 --seconds "$HTTP_SECONDS")
        # Alternate which goes first, so neither always follows the other.
        if ((round % 2)); then order=(keepalive keepalive_scrape); else order=(keepalive_scrape keepalive); fi
        for scenario in "${order[@]}"; do
            extra=()
            [[ $scenario == keepalive_scrape ]] && extra=(--scrape-port "$SCRAPE_PORT" --scrape-interval 0.1)
            taskset -c 0 python3 "$LIB_DIR/measure.py" "$scenario" "${args[@]}" "${extra[@]}" | tee -a "$RAW"
        done
    done
    stop_target
done

python3 - "$RAW" <<'PY'
import json, statistics, sys
records = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
for target in dict.fromkeys(r["target"] for r in records):
    for scenario in ("keepalive", "keepalive_scrape"):
        rows = [r["metrics"] for r in records if r["target"] == target and r["scenario"] == scenario and "metrics" in r]
        if not rows:
            continue
        def med(key):
            values = [r[key] for r in rows if r.get(key) is not None]
            return statistics.median(values) if values else float("nan")
        def span(key):
            values = [r[key] for r in rows if r.get(key) is not None]
            return f"{min(values):.2f}-{max(values):.2f}" if values else "-"
        print(f"{target:8} {scenario:17} req/s {med('rps'):>9,.0f}  p99 ms {med('p99_ms'):.2f} ({span('p99_ms')})"
              f"  CPU us/req {med('cpu_us_per_req'):.2f} ({span('cpu_us_per_req')})  n={len(rows)}")
PY
