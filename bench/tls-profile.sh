#!/usr/bin/env bash
# Scenario g's TLS handshakes and TLS keep-alive only, for comparing builds of quill with haproxy:
# each round starts every target fresh on core 1 in turn (order rotating), warms it up, and measures
# full TLS 1.3 ECDSA handshakes (openssl s_time -new, 16 clients) and keep-alive requests over TLS (wrk).
# Usage: bench/tls-profile.sh [--rounds N] [--seconds S] [--syscalls] [--bulk] [--rsa] LABEL=QUILL_BINARY... [haproxy]
#   --bulk      also one TLS download (curl, g's tls_bulk) per target and round
#   --rsa       also full handshakes with an RSA-2048 certificate (g's tls_handshake_rsa) per target and round
#   --syscalls  count the target's system calls and context switches (perf stat) per handshake and per
#               request instead of measuring CPU (the window runs 0.5 s longer than the count).
# Prints one JSON line per measurement on stdout (label, round, scenario, metrics). See bench/README.md.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
LIB_DIR=$BENCH_DIR/lib
CONF_DIR=$BENCH_DIR/conf
ROUNDS=3 SECONDS_PER_WINDOW=10 WARMUP_SECONDS=2 TLS_CLIENTS=16 SYSCALLS=0 BULK=0 RSA=0
SPECS=()
while (($#)); do
    case $1 in
        --rounds) ROUNDS=${2:?--rounds needs a number}; shift ;;
        --seconds) SECONDS_PER_WINDOW=${2:?--seconds needs a number}; shift ;;
        --syscalls) SYSCALLS=1 ;;
        --bulk) BULK=1 ;;
        --rsa) RSA=1 ;;
        -h | --help) sed -n '2,10s/^# \{0,1\}//p' "$0"; exit 0 ;;
        haproxy | *=*) SPECS+=("$1") ;;
        *) echo "tls-profile.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
    shift
done
((${#SPECS[@]})) || { echo "tls-profile.sh: name at least one LABEL=QUILL_BINARY or haproxy" >&2; exit 2; }

source "$LIB_DIR/common.sh"
bench_ports tls-profile.sh 28000
source "$LIB_DIR/backends.sh"
source "$LIB_DIR/targets.sh"
source "$LIB_DIR/scenarios.sh"

WORK=$(mktemp -d /tmp/quill-tls-profile.XXXXXX)
chmod 755 "$WORK"
trap 'cleanup; rm -rf "$WORK"' EXIT
trap 'exit 130' INT TERM
taskset -cp 0 $$ >/dev/null
start_backends "$WORK" "$CONF_DIR"
TLS_DIR=$WORK/tls
mkdir -p "$TLS_DIR"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=bench \
    -keyout "$TLS_DIR/ecdsa.key" -out "$TLS_DIR/ecdsa.crt" 2>/dev/null || die "openssl could not make the certificate"
if ((RSA)); then
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=bench \
        -keyout "$TLS_DIR/rsa.key" -out "$TLS_DIR/rsa.crt" 2>/dev/null || die "openssl could not make the RSA certificate"
fi

# window LABEL ROUND SCENARIO MEASURE-ARGS...: one measure.py window, or with --syscalls one strace -c window.
window() {
    local label=$1 round=$2 scenario=$3; shift 3
    if ((SYSCALLS)); then
        local events=raw_syscalls:sys_enter,context-switches call
        for call in recvfrom sendto epoll_wait epoll_ctl futex getpid read write; do events+=,syscalls:sys_enter_$call; done
        perf stat -x, -e "$events" -p "$TARGET_PID" -o "$WORK/perf-stat.txt" &
        local counter=$!
        sleep 0.5
        python3 "$LIB_DIR/measure.py" "$scenario" --target "$label" --rep "$round" --port "$TARGET_PORT" "$@" |
            python3 -c 'import json,sys; r=json.loads(sys.stdin.read()); m=r.get("metrics",{}); print(m.get("handshakes") or m.get("requests") or 0)' \
                >"$WORK/count.txt"
        kill -INT "$counter"
        wait "$counter" 2>/dev/null || true
        python3 - "$label" "$scenario" "$(<"$WORK/count.txt")" "$WORK/perf-stat.txt" <<'EOF2'
import json, sys
label, scenario, count, path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
counts = {}
for line in open(path):
    f = line.strip().split(",")
    if len(f) > 2 and f[0].isdigit():
        counts[f[2].replace("syscalls:sys_enter_", "").replace("raw_syscalls:sys_enter", "syscalls")] = int(f[0])
print(json.dumps({"target": label, "scenario": scenario, "units": count,
                  "per_unit": {k: round(v / count, 2) for k, v in counts.items()} if count else {}}))
EOF2
    else
        python3 "$LIB_DIR/measure.py" "$scenario" --target "$label" --rep "$round" --port "$TARGET_PORT" \
            --pid "$TARGET_PID" "$@" | sed "s/^{/{\"label\": \"$label\", /"
    fi
}

for ((round = 1; round <= ROUNDS; round++)); do
    n=${#SPECS[@]}
    for ((k = 0; k < n; k++)); do
        spec=${SPECS[$(((k + round - 1) % n))]}
        name=haproxy label=haproxy
        [[ $spec == *=* ]] && name=quill label=${spec%%=*} QUILL_BIN=${spec#*=}
        log "round $round: $label"
        start_target "$name" $((PORT_BASE + 801 + k)) "$BACKEND1" "$BACKEND2" tls-ecdsa || continue
        warm_up https
        window "$label" "$round" tls_handshake_ecdsa --conns "$TLS_CLIENTS" --seconds "$SECONDS_PER_WINDOW"
        window "$label" "$round" tls_keepalive --conns 100 --seconds "$SECONDS_PER_WINDOW"
        ((BULK)) && window "$label" "$round" tls_bulk --seconds "$SECONDS_PER_WINDOW"
        stop_target
        if ((RSA)) && start_target "$name" $((PORT_BASE + 811 + k)) "$BACKEND1" "$BACKEND2" tls-rsa; then
            warm_up https
            window "$label" "$round" tls_handshake_rsa --conns "$TLS_CLIENTS" --seconds "$SECONDS_PER_WINDOW"
            stop_target
        fi
    done
done
