#!/usr/bin/env bash
# The cost of active health checks (bench/results/health-checks.md): 1,000 servers, each checked every second.
#
#   QUILL=/path/to/quill bench/health-checks.sh [--rounds N] [--window SECONDS]
#   QUILL_BASE=/path/to/older/quill ... also measures that build's checks beside QUILL's
#
# One nginx (1 worker) listens on 127.0.0.1:20001-21000 and answers /health and /. Quill instances, each with the
# 1,000 ports as its servers: "none" (no checks, :21001, control :21101), "http" (check http /health every
# 1,000 ms, :21003, control :21103) and, with QUILL_BASE, "base" (the same checks by the older build, :21004).
# 1. CPU of each quill over a window (utime+stime from /proc/PID/stat), with the threads that used it (schedstat)
#    and how often its threads were woken (voluntary context switches); and nginx's CPU over it, the servers' share
#    of the checks' cost, which a data path beside them on the same host pays too.
# 2. The data path: wrk -t1 -c8 -d8s --latency through each in turn, ROUNDS rounds, every other quill stopped with
#    SIGSTOP (so no checks run beside a "none" round), 2 s after switching; and once more through "none" with "http"
#    left running beside it ("none+beside"): what the checks cost the servers and the kernel, outside the checking
#    process, since the one nginx answers both the checks and the data path.
# Prints markdown tables on stdout; progress on stderr.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
. "$HERE/lib/common.sh"

ROUNDS=5 WINDOW=60
while (($#)); do
    case $1 in
        --rounds) ROUNDS=$2; shift 2 ;;
        --window) WINDOW=$2; shift 2 ;;
        *) die "unknown argument '$1' (expected --rounds N or --window SECONDS)" ;;
    esac
done
[[ -x ${QUILL:-} ]] || die "QUILL=/path/to/quill is required"
[[ -z ${QUILL_BASE:-} || -x $QUILL_BASE ]] || die "QUILL_BASE=$QUILL_BASE is not an executable"
for tool in nginx wrk; do command -v $tool >/dev/null || die "$tool not found"; done

WORK=$(mktemp -d)
trap 'cleanup; rm -rf "$WORK"' EXIT

{
    echo "worker_processes 1; worker_rlimit_nofile 8192; daemon off; pid $WORK/nginx.pid; error_log $WORK/nginx.err;"
    echo "events { worker_connections 4096; } http { access_log off; server {"
    for port in $(seq 20001 21000); do echo "listen 127.0.0.1:$port;"; done
    echo 'location = /health { return 200 "ok\n"; } location / { return 200 "hello\n"; } } }'
} >"$WORK/nginx.conf"
spawn "$WORK/nginx.log" nginx -c "$WORK/nginx.conf" -p "$WORK"
NGINX=$SPAWNED_PID
wait_port 21000 "$NGINX" || die "nginx did not start"

mapfile -t SERVERS < <(seq -f '127.0.0.1:%g' 20001 21000)
declare -A PID PORT CONTROL
start_quill() { # NAME BINARY PORT CONTROL CHECK-OPTIONS...
    local name=$1 binary=$2 port=$3 control=$4; shift 4
    spawn "$WORK/$name.log" "$binary" -f -u root -C "127.0.0.1:$control" "$@" "127.0.0.1:$port" "${SERVERS[@]}"
    PID[$name]=$SPAWNED_PID PORT[$name]=$port CONTROL[$name]=$control
    wait_port "$port" "$SPAWNED_PID" 30 || die "quill $name did not start (log: $(tail -1 "$WORK/$name.log"))"
}
CHECKS=(-o "check http /health" -o "check_interval 1000")
start_quill none "$QUILL" 21001 21101
start_quill http "$QUILL" 21003 21103 "${CHECKS[@]}"
NAMES=(none http)
if [[ -n ${QUILL_BASE:-} ]]; then
    start_quill base "$QUILL_BASE" 21004 21104 "${CHECKS[@]}"
    NAMES+=(base)
fi

cpu() { awk '{print $14 + $15}' "/proc/$1/stat"; }                 # process CPU, 1/100 s
system_cpu() { awk '{print $15}' "/proc/$1/stat"; }                 # of which in the kernel
group_cpu() { # PGID: CPU and kernel CPU (1/100 s) of every process in the group (nginx's master and worker)
    local pid used=0 kernel=0
    for pid in $(pgrep -g "$1"); do
        used=$((used + $(cpu "$pid"))) kernel=$((kernel + $(system_cpu "$pid")))
    done
    echo "$used $kernel"
}
wakeups() { cat /proc/"$1"/task/*/status | awk '/^voluntary_ctxt/ {n += $2} END {print n}'; }
threads() { # PID: "name ns" per thread name, summed, from schedstat; sorted as join wants
    local task name ns
    for task in /proc/"$1"/task/*; do
        # A thread may end between the listing and the reading (the runtime's pool workers come and go).
        name=$(tr ' ' _ <"$task/comm" 2>/dev/null) && ns=$(cut -d' ' -f1 "$task/schedstat" 2>/dev/null) || continue
        printf '%s %s\n' "$name" "$ns"
    done | awk '{ns[$1] += $2} END {for (n in ns) print n, ns[n]}' | LC_ALL=C sort
}
control() { # NAME COMMAND: the control port's reply
    exec 3<>"/dev/tcp/127.0.0.1/${CONTROL[$1]}"
    printf '%s\n' "$2" >&3
    timeout 5 cat <&3 || true
    exec 3<&-
}

log "quills started; waiting 25 s before the CPU window"
sleep 25
declare -A CPU0 SYS0 WAKE0 THREADS0
for name in "${NAMES[@]}"; do
    CPU0[$name]=$(cpu "${PID[$name]}") SYS0[$name]=$(system_cpu "${PID[$name]}") WAKE0[$name]=$(wakeups "${PID[$name]}") THREADS0[$name]=$(threads "${PID[$name]}")
done
read -r NGINX_CPU0 NGINX_SYS0 < <(group_cpu "$NGINX")
log "CPU window: $WINDOW s"
sleep "$WINDOW"
echo "## CPU over $WINDOW s (machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"
echo
echo "| quill | CPU | of which kernel | % of a core | per check | thread wake-ups/s | CPU by thread (ms/s) |"
echo "|---|---|---|---|---|---|---|"
for name in "${NAMES[@]}"; do
    pid=${PID[$name]}
    used=$(($(cpu "$pid") - CPU0[$name])) kernel=$(($(system_cpu "$pid") - SYS0[$name]))
    woken=$((($(wakeups "$pid") - WAKE0[$name]) / WINDOW))
    by_thread=$(LC_ALL=C join <(echo "${THREADS0[$name]}") <(threads "$pid") \
        | awk -v w="$WINDOW" '{ms = ($3 - $2) / w / 1e6; if (ms >= 0.1) printf "%s %.1f, ", $1, ms}' | sed 's/, $//')
    per_check=""
    [[ $name == none ]] || per_check=$(awk -v u="$used" -v w="$WINDOW" 'BEGIN {printf "%.0f µs", u * 10000 / (w * 1000)}')
    awk -v n="$name" -v u="$used" -v s="$kernel" -v w="$WINDOW" -v p="$per_check" -v k="$woken" -v t="$by_thread" \
        'BEGIN {printf "| %s | %.2f s | %.2f s | %.1f %% | %s | %d | %s |\n", n, u / 100, s / 100, u / w, p, k, t}'
done
# The servers' side of the checks: the one nginx answers every check of every checking quill (and nothing else here).
read -r used kernel < <(group_cpu "$NGINX")
awk -v u="$((used - NGINX_CPU0))" -v s="$((kernel - NGINX_SYS0))" -v w="$WINDOW" \
    'BEGIN {printf "| nginx, answering the checks | %.2f s | %.2f s | %.1f %% | | | |\n", u / 100, s / 100, u / w}'
echo
for name in "${NAMES[@]}"; do
    [[ $name == none ]] && continue
    reply=$(control "$name" health)
    echo "- \`health\` on $name: $(grep -c 'state up' <<<"$reply") of $(grep -c . <<<"$reply") servers up, $(grep -c 'check ok' <<<"$reply") with \`check ok\`"
done
echo

log "data path: $ROUNDS rounds of wrk -t1 -c8 -d8s through ${NAMES[*]}"
declare -A RESULTS
COLUMNS=("${NAMES[@]}" none+beside)
for ((round = 1; round <= ROUNDS; round++)); do
    for name in "${COLUMNS[@]}"; do
        for other in "${NAMES[@]}"; do kill -STOP "${PID[$other]}"; done
        kill -CONT "${PID[${name%+beside}]}"
        [[ $name == *+beside ]] && kill -CONT "${PID[http]}"
        sleep 2
        out=$(wrk -t1 -c8 -d8s --latency "http://127.0.0.1:${PORT[${name%+beside}]}/")
        rps=$(awk '/^Requests\/sec/ {printf "%.0f", $2}' <<<"$out")
        p50=$(awk '$1 == "50%" {print $2}' <<<"$out")
        p99=$(awk '$1 == "99%" {print $2}' <<<"$out")
        errors=$(awk '/Non-2xx|Socket errors/' <<<"$out" | tr '\n' ' ')
        RESULTS[$round,$name]="$rps req/s, p50 $p50, p99 $p99${errors:+ ($errors)}"
        log "round $round $name: ${RESULTS[$round,$name]}"
    done
done
for name in "${NAMES[@]}"; do kill -CONT "${PID[$name]}"; done

echo "## Data path: wrk -t1 -c8 -d8s --latency, $ROUNDS rounds"
echo
printf '| round |'; printf ' %s |' "${COLUMNS[@]}"; echo
printf '|---|'; printf -- '---|%.0s' "${COLUMNS[@]}"; echo
for ((round = 1; round <= ROUNDS; round++)); do
    printf '| %d |' "$round"
    for name in "${COLUMNS[@]}"; do printf ' %s |' "${RESULTS[$round,$name]}"; done
    echo
done
