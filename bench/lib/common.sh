# Shared helpers for the benchmark scripts: logging, a registry of the processes we start,
# and bounded waits. Sourced by run.sh; every started process is killed by cleanup on exit.

STARTED_PIDS=()

log() { printf '[%s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }

# spawn LOGFILE CMD...: start CMD in its own session (so pid == process group id and its
# children, e.g. nginx workers, can be killed with it), register it, and set SPAWNED_PID.
spawn() {
    local logfile=$1; shift
    setsid "$@" >"$logfile" 2>&1 </dev/null &
    SPAWNED_PID=$!
    STARTED_PIDS+=("$SPAWNED_PID")
}

# stop_pid PID: TERM the process group, wait at most 5 s, then KILL it.
stop_pid() {
    local pid=$1 i
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || return 0
    for ((i = 0; i < 100; i++)); do
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    kill -KILL -- "-$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    local kept=() p
    for p in "${STARTED_PIDS[@]}"; do [[ $p == "$pid" ]] || kept+=("$p"); done
    STARTED_PIDS=("${kept[@]}")
}

cleanup() {
    local pid
    for pid in "${STARTED_PIDS[@]}"; do stop_pid "$pid"; done
}

# port_accepts PORT: true when a TCP connect to 127.0.0.1:PORT succeeds.
port_accepts() {
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# wait_port PORT PID [SECONDS]: wait until PORT accepts, failing early if PID exits.
wait_port() {
    local port=$1 pid=$2 limit=${3:-10} i
    for ((i = 0; i < limit * 20; i++)); do
        port_accepts "$port" && return 0
        kill -0 "$pid" 2>/dev/null || return 1
        sleep 0.05
    done
    return 1
}

# wait_port_free PORT [SECONDS]: wait until nothing listens on PORT any more.
wait_port_free() {
    local port=$1 limit=${2:-10} i
    for ((i = 0; i < limit * 20; i++)); do
        port_accepts "$port" || return 0
        sleep 0.05
    done
    return 1
}

# render TEMPLATE OUT KEY=VALUE...: copy TEMPLATE to OUT replacing every @KEY@ with VALUE.
render() {
    local template=$1 out=$2 text pair; shift 2
    text=$(<"$template")
    for pair in "$@"; do text=${text//@${pair%%=*}@/${pair#*=}}; done
    printf '%s\n' "$text" >"$out"
}

# bench_ports SCRIPT DEFAULT_BASE: the backend ports every script shares, as PORT_BASE + a fixed offset; BENCH_PORT_BASE
# moves them all (below 32768, the start of Linux's ephemeral range). Sets PORT_BASE, BACKEND1, BACKEND2,
# PROXY_BACKEND1, PROXY_BACKEND2 and IPERF_PORT; exits 2 naming SCRIPT when BENCH_PORT_BASE is not a usable number.
bench_ports() {
    PORT_BASE=${BENCH_PORT_BASE:-$2}
    [[ $PORT_BASE =~ ^[0-9]+$ ]] && ((PORT_BASE >= 1024 && PORT_BASE <= 32000)) ||
        { echo "$1: BENCH_PORT_BASE must be a number from 1024 to 32000, not '$PORT_BASE'" >&2; exit 2; }
    BACKEND1=$((PORT_BASE + 81)) BACKEND2=$((PORT_BASE + 82)) IPERF_PORT=$((PORT_BASE + 201))
    PROXY_BACKEND1=$((PORT_BASE + 83)) PROXY_BACKEND2=$((PORT_BASE + 84))
}
