#!/usr/bin/env bash
# Scenario a alone (wrk -c50, a new connection per request), alternating builds of quill and, if named, pen, haproxy
# and nginx: every target runs at once on core 1 (one at a time under load), each round measures each in turn,
# the order rotating, so a shared machine's drift falls on all alike. For an A/B of a change to the connection path.
# Usage: bench/close-ab.sh [--rounds N] [--seconds S] TARGET...
#   TARGET: LABEL=PATH-TO-QUILL (a quill build) or pen, haproxy, nginx.
# Prints one JSON record per window (lib/measure.py), then each target's median CPU per request and the median, over
# rounds, of its CPU over the first target's in the same round.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
LIB_DIR=$BENCH_DIR/lib
CONF_DIR=$BENCH_DIR/conf
ROUNDS=7 HTTP_SECONDS=5 WARMUP_SECONDS=2
TARGETS=()
while (($#)); do
    case $1 in
        --rounds) ROUNDS=${2:?--rounds needs a number}; shift ;;
        --seconds) HTTP_SECONDS=${2:?--seconds needs a number}; shift ;;
        -h | --help) sed -n '2,7s/^# \{0,1\}//p' "$0"; exit 0 ;;
        -*) echo "close-ab.sh: unknown argument '$1'" >&2; exit 2 ;;
        *) TARGETS+=("$1") ;;
    esac
    shift
done
((${#TARGETS[@]})) || { echo "close-ab.sh: name at least one target" >&2; exit 2; }
for target in "${TARGETS[@]}"; do
    case $target in
        *=*) [[ -x ${target#*=} ]] || { echo "close-ab.sh: ${target#*=} is not an executable" >&2; exit 2; } ;;
        pen | haproxy | nginx) ;;
        *) echo "close-ab.sh: unknown target '$target'" >&2; exit 2 ;;
    esac
done

# The first quill named stands in for beside_setup's build, so nothing is compiled here.
for target in "${TARGETS[@]}"; do
    [[ $target == *=* ]] && { export QUILL_PREBUILT=${target#*=}; break; }
done
[[ -n ${QUILL_PREBUILT:-} ]] || export QUILL_PREBUILT=/bin/true
source "$LIB_DIR/beside.sh"
beside_setup close-ab 31000
RAW=$WORK/raw.jsonl
: >"$RAW"

declare -A PID PORT
for index in "${!TARGETS[@]}"; do
    target=${TARGETS[$index]}
    name=${target%%=*}
    kind=$name
    [[ $target == *=* ]] && { kind=quill; QUILL_BIN=${target#*=}; }
    start_target "$kind" $((PORT_BASE + 300 + index)) "$BACKEND1" "$BACKEND2" || die "$TARGET_ERROR"
    PID[$name]=$TARGET_PID PORT[$name]=$TARGET_PORT
    taskset -c 0 timeout 30 wrk -t1 -c50 -d"${WARMUP_SECONDS}s" -H "Connection: close" \
        "http://127.0.0.1:$TARGET_PORT/1k" >/dev/null 2>&1 || true
done

names=()
for target in "${TARGETS[@]}"; do names+=("${target%%=*}"); done
for ((round = 1; round <= ROUNDS; round++)); do
    shift_by=$(((round - 1) % ${#names[@]}))
    order=("${names[@]:shift_by}" "${names[@]:0:shift_by}")
    log "round $round: ${order[*]}"
    for name in "${order[@]}"; do
        taskset -c 0 python3 "$LIB_DIR/measure.py" close --target "$name" --rep "$round" --port "${PORT[$name]}" \
            --pid "${PID[$name]}" --conns 50 --seconds "$HTTP_SECONDS" | tee -a "$RAW"
    done
done

python3 - "$RAW" "${names[@]}" <<'PY'
import json, statistics, sys
records = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
names = sys.argv[2:]
cpu = {}  # (target, round) -> CPU us per request
for r in records:
    if r.get("metrics", {}).get("cpu_us_per_req") is not None:
        cpu[(r["target"], r["rep"])] = r["metrics"]["cpu_us_per_req"]
rounds = sorted({rnd for _, rnd in cpu})
for target in names:
    mine = sorted(v for (t, _), v in cpu.items() if t == target)
    rps = statistics.median(r["metrics"]["rps"] for r in records if r["target"] == target and "metrics" in r)
    errors = sum(r["metrics"]["errors"] for r in records if r["target"] == target and "metrics" in r)
    # Paired: this target's CPU over the first's in the same round, so drift between rounds cancels.
    paired = [cpu[(target, n)] / cpu[(names[0], n)] for n in rounds if (target, n) in cpu and (names[0], n) in cpu]
    print(f"{target:10} CPU us/req median {statistics.median(mine):6.2f} ({mine[0]:.2f}-{mine[-1]:.2f})"
          f"  paired ratio to {names[0]} x{statistics.median(paired):.3f}"
          f"  req/s {rps:>8,.0f}  errors {errors}  n={len(mine)}")
PY
