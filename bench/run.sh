#!/usr/bin/env bash
# Benchmarks quill beside pen, haproxy, nginx and direct, on loopback only: as TCP balancers
# (scenarios a-e), adding X-Forwarded-For to keep-alive HTTP (f), terminating TLS (g), and keep-alive while
# /metrics is scraped every 100 ms (b2).
# Usage: bench/run.sh [--quick] [--reps N] [--targets "quill pen ..."]
# Writes bench/results/latest.{md,json,csv,png}. See bench/README.md.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
LIB_DIR=$BENCH_DIR/lib
CONF_DIR=$BENCH_DIR/conf
RESULTS_DIR=${RESULTS_DIR:-$BENCH_DIR/results}

REPS=3 HTTP_SECONDS=10 BULK_SECONDS=10 WARMUP_SECONDS=2 IDLE_COUNT=9000 STARTUP_RUNS=5 QUICK=0
# openssl s_time clients in parallel for g's handshakes: each waits for its round trips, so one cannot load a balancer.
TLS_CLIENTS=16
TARGETS_WANTED=""
while (($#)); do
    case $1 in
        --quick) QUICK=1 REPS=1 HTTP_SECONDS=2 BULK_SECONDS=2 WARMUP_SECONDS=1 IDLE_COUNT=1000 STARTUP_RUNS=2 ;;
        --reps) REPS=${2:?--reps needs a number}; shift ;;
        --targets) TARGETS_WANTED=${2:?--targets needs a list}; shift ;;
        -h | --help) sed -n '2,5s/^# \{0,1\}//p' "$0"; exit 0 ;;
        *) echo "run.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
    shift
done
[[ $REPS =~ ^[1-9][0-9]*$ ]] || { echo "run.sh: --reps must be a positive integer, not '$REPS'" >&2; exit 2; }

source "$LIB_DIR/common.sh"
# Every port is PORT_BASE + a fixed offset (bench_ports). Targets use +301.., their bulk instances +401.., their
# start-up runs +501.., their HTTP-mode instances (scenario f) +601.., proxy-mode (a2) +701.., TLS instances (g)
# +801.. and +811.., scrape-mode (b2) +821.. with /metrics on +901.. (see lib/scenarios.sh).
bench_ports run.sh 27000
source "$LIB_DIR/install.sh"
source "$LIB_DIR/build_quill.sh"
source "$LIB_DIR/backends.sh"
source "$LIB_DIR/targets.sh"
source "$LIB_DIR/scenarios.sh"
source "$LIB_DIR/machine.sh"

(($(nproc) >= 2)) || die "needs 2 cores: load generator and backends on core 0, the balancer on core 1"
WORK=$(mktemp -d /tmp/quill-bench.XXXXXX)
chmod 755 "$WORK" # nginx workers run as nobody and must read the backend's files
# Stop everything we started; keep the logs and configs only when asked (KEEP_WORK=1) or on failure.
trap 'rc=$?; cleanup; if ((rc == 0)) && [[ -z ${KEEP_WORK:-} ]]; then rm -rf "$WORK"; else log "work files kept in $WORK"; fi' EXIT
trap 'exit 130' INT TERM

ensure_peers
WANTED=(${TARGETS_WANTED:-${ALL_TARGETS[*]}})
QUILL_BIN="" QUILL_BUILD="not requested (--targets)"
# QUILL_SRC builds quill from another checkout (default: this one).
[[ " ${WANTED[*]} " == *" quill "* ]] && build_quill "${QUILL_SRC:-$REPO_DIR}" "$WORK/quill" "$WORK"
# From here on everything this script starts runs on core 0 unless it says otherwise;
# balancers get core 1. (The build above may use both cores.)
taskset -cp 0 $$ >/dev/null
for port in "$BACKEND1" "$BACKEND2" "$PROXY_BACKEND1" "$PROXY_BACKEND2" "$IPERF_PORT" $(seq $((PORT_BASE + 301)) $((PORT_BASE + 305))) \
    $(seq $((PORT_BASE + 401)) $((PORT_BASE + 405))) $(seq $((PORT_BASE + 501)) $((PORT_BASE + 505))) \
    $(seq $((PORT_BASE + 601)) $((PORT_BASE + 605))) $(seq $((PORT_BASE + 701)) $((PORT_BASE + 705))) \
    $(seq $((PORT_BASE + 801)) $((PORT_BASE + 805))) $(seq $((PORT_BASE + 811)) $((PORT_BASE + 815))) \
    $(seq $((PORT_BASE + 821)) $((PORT_BASE + 825))) $(seq $((PORT_BASE + 901)) $((PORT_BASE + 905))); do
    port_accepts "$port" && die "port $port is already in use on 127.0.0.1"
done

TARGETS=()
for t in "${WANTED[@]}"; do
    target_index "$t" >/dev/null
    if [[ $t == quill && -z $QUILL_BIN ]]; then
        log "quill left out: $QUILL_BUILD"
        continue
    fi
    TARGETS+=("$t")
done
((${#TARGETS[@]})) || die "no target to run"

describe_machine >"$WORK/meta.tsv"
printf 'busy_before\t%s\n' "$(cpu_busy_percent 3)" >>"$WORK/meta.tsv"
printf 'reps\t%s\nquick\t%s\nhttp_seconds\t%s\nbulk_seconds\t%s\nidle_count\t%s\nstartup_runs\t%s\ntls_clients\t%s\n' \
    "$REPS" "$QUICK" "$HTTP_SECONDS" "$BULK_SECONDS" "$IDLE_COUNT" "$STARTUP_RUNS" "$TLS_CLIENTS" >>"$WORK/meta.tsv"
start_backends "$WORK" "$CONF_DIR"
# g's certificates: one self-signed certificate per key type, the same files for every target.
TLS_DIR=$WORK/tls
mkdir -p "$TLS_DIR"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=bench \
    -keyout "$TLS_DIR/ecdsa.key" -out "$TLS_DIR/ecdsa.crt" 2>/dev/null || die "openssl could not make the ECDSA certificate"
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=bench \
    -keyout "$TLS_DIR/rsa.key" -out "$TLS_DIR/rsa.crt" 2>/dev/null || die "openssl could not make the RSA certificate"

RAW=$WORK/raw.jsonl
: >"$RAW"
started=$SECONDS
for ((rep = 1; rep <= REPS; rep++)); do
    # Rotate the order each repetition so no target always runs first or last.
    n=${#TARGETS[@]}
    for ((k = 0; k < n; k++)); do
        run_target_rep "${TARGETS[$(((k + rep - 1) % n))]}" "$rep"
    done
done
printf 'duration_seconds\t%s\n' "$((SECONDS - started))" >>"$WORK/meta.tsv"
printf 'busy_after\t%s\n' "$(cpu_busy_percent 3)" >>"$WORK/meta.tsv" # the backends are up but idle

mkdir -p "$RESULTS_DIR"
python3 "$LIB_DIR/report.py" --meta "$WORK/meta.tsv" --raw "$RAW" --targets "${TARGETS[*]}" \
    --out "$RESULTS_DIR/latest" --plot-data "$WORK/plot.dat"
gnuplot -e "datafile='$WORK/plot.dat'; outfile='$RESULTS_DIR/latest.png'" "$LIB_DIR/plot.gp"
log "done in $((SECONDS - started)) s: $RESULTS_DIR/latest.md, latest.png"
