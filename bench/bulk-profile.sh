#!/usr/bin/env bash
# Not part of run.sh: where scenario c's time goes. One iperf3 stream (client -> server, both on core 0), direct or
# through quill on core 1, while `perf record -a -g` samples both cores; prints Gbit/s and each core's busy seconds
# per GiB from /proc/stat, and leaves perf-MODE.data for `perf report --cpu N` (results/bulk-reconcile.md).
# Usage: bench/bulk-profile.sh direct|quill [QUILL-BINARY] (run it in a scratch directory; ports 29201 and 29301)
set -euo pipefail
mode=${1:?direct or quill} quill=${2:-quill}
[[ $mode == direct || $mode == quill ]] || { echo "bulk-profile.sh: direct or quill, not '$mode'" >&2; exit 2; }
taskset -c 0 iperf3 -s -B 127.0.0.1 -p 29201 -1 >/dev/null 2>&1 &
port=29201
if [[ $mode == quill ]]; then
    taskset -c 1 "$quill" -f -r -x 1000 127.0.0.1:29301 127.0.0.1:29201 127.0.0.1:29201 >/dev/null 2>&1 &
    balancer=$!
    trap 'kill $balancer 2>/dev/null || true' EXIT
    port=29301
fi
# Bounded waits for both listeners: a probe connection would use up the one-off iperf3 server.
for listening in 29201 $port; do
    for _ in $(seq 50); do ss -ltn "sport = :$listening" | grep -q LISTEN && break; sleep 0.1; done
done
busy() { awk -v cpu="cpu$1" '$1 == cpu { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
before0=$(busy 0) before1=$(busy 1)
perf record -q -a -g -o "perf-$mode.data" -- sleep 6 >/dev/null 2>&1 &
profiler=$!
taskset -c 0 iperf3 -c 127.0.0.1 -p "$port" -t 8 -J >"iperf-$mode.json"
wait "$profiler"
python3 - "$mode" "$before0" "$(busy 0)" "$before1" "$(busy 1)" <<'PY'
import json, sys
mode, b0, a0, b1, a1 = sys.argv[1], *map(float, sys.argv[2:])
received = json.load(open(f"iperf-{mode}.json"))["end"]["sum_received"]
gib = received["bytes"] / 2**30
core0, core1 = (a0 - b0) / 100, (a1 - b1) / 100
print(f"{mode}: {received['bytes'] * 8 / received['seconds'] / 1e9:.2f} Gbit/s; core 0 busy {core0:.2f} s = {core0 / gib:.3f} s/GiB;"
      f" core 1 busy {core1:.2f} s = {core1 / gib:.3f} s/GiB")
PY
