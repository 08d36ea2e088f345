#!/usr/bin/env bash
# Sockmap on vs off: scenarios a (a new connection per request), b (keep-alive HTTP, CPU per request) and c (one bulk
# stream) with quill --sockmap relaying in the kernel, quill as it starts by default (the event loop), pen and direct,
# on the same backends as run.sh.
# Usage: bench/sockmap.sh [--reps N] [--seconds S]
# Prints one JSON record per measurement (lib/measure.py) with kworker_s added: the CPU time all kworker threads
# spent in the window, where the kernel's sockmap sends run (charged to no balancer process).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
LIB_DIR=$BENCH_DIR/lib
CONF_DIR=$BENCH_DIR/conf
REPS=3 HTTP_SECONDS=10 BULK_SECONDS=10 WARMUP_SECONDS=2
while (($#)); do
    case $1 in
        --reps) REPS=${2:?--reps needs a number}; shift ;;
        --seconds) HTTP_SECONDS=${2:?--seconds needs a number} BULK_SECONDS=$2; shift ;;
        -h | --help) sed -n '2,6s/^# \{0,1\}//p' "$0"; exit 0 ;;
        *) echo "sockmap.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
    shift
done

source "$LIB_DIR/beside.sh"
beside_setup sockmap 29000
LOOP_BIN=$QUILL_BIN
SOCKMAP_BIN=$WORK/quill-sockmap
printf '#!/bin/sh\nexec %q --sockmap "$@"\n' "$QUILL_BIN" >"$SOCKMAP_BIN"
chmod +x "$SOCKMAP_BIN"

kworker_ticks() {
    local total=0 f fields
    for f in /proc/[0-9]*/stat; do
        { read -r -a fields <"$f"; } 2>/dev/null || continue
        [[ ${fields[1]} == "(kworker"* ]] && total=$((total + fields[13] + fields[14]))
    done
    echo "$total"
}

# measure_one LABEL SCENARIO ARGS...: one measurement, tagged with LABEL and the kworkers' CPU meanwhile.
measure_one() {
    local label=$1 before after record; shift
    before=$(kworker_ticks)
    record=$(taskset -c 0 python3 "$LIB_DIR/measure.py" "$@" --target "$label")
    after=$(kworker_ticks)
    python3 -c 'import json, sys; r = json.loads(sys.argv[1]); r["kworker_s"] = (int(sys.argv[3]) - int(sys.argv[2])) / 100; print(json.dumps(r))' \
        "$record" "$before" "$after"
}

for ((rep = 1; rep <= REPS; rep++)); do
    for label in quill-sockmap quill pen direct; do
        name=$label
        case $label in
            quill) QUILL_BIN=$LOOP_BIN ;;
            quill-sockmap) QUILL_BIN=$SOCKMAP_BIN name=quill ;;
        esac
        log "rep $rep: $label"
        start_target "$name" $((PORT_BASE + 301)) "$BACKEND1" "$BACKEND2" || continue
        pid_args=(--rep "$rep" --port "$TARGET_PORT")
        [[ -n $TARGET_PID ]] && pid_args+=(--pid "$TARGET_PID")
        taskset -c 0 timeout 30 wrk -t1 -c50 -d"${WARMUP_SECONDS}s" "http://127.0.0.1:$TARGET_PORT/1k" >/dev/null 2>&1 || true
        measure_one "$label" close "${pid_args[@]}" --conns 50 --seconds "$HTTP_SECONDS"
        measure_one "$label" keepalive "${pid_args[@]}" --conns 100 --seconds "$HTTP_SECONDS"
        stop_target
        start_target "$name" $((PORT_BASE + 401)) "$IPERF_PORT" "$IPERF_PORT" || continue
        pid_args=(--rep "$rep" --port "$TARGET_PORT")
        [[ -n $TARGET_PID ]] && pid_args+=(--pid "$TARGET_PID")
        measure_one "$label" bulk "${pid_args[@]}" --seconds "$BULK_SECONDS"
        stop_target
    done
done
