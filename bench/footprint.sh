#!/usr/bin/env bash
# Resident memory of quill in its common configurations (plain, -C, -w, -l, -E) and of pen, idle
# and holding 9,000 idle connections, each a fresh process on core 1; plain also after the
# benchmark's HTTP load, as scenario d of run.sh measures it.
# Usage: bench/footprint.sh [--quick] [--reps N] [--count N]
# Writes bench/results/footprint.{md,json}. See bench/README.md.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(dirname "$BENCH_DIR")
LIB_DIR=$BENCH_DIR/lib
CONF_DIR=$BENCH_DIR/conf
RESULTS_DIR=${RESULTS_DIR:-$BENCH_DIR/results}

REPS=3 COUNT=9000 LOAD_SECONDS=10 QUICK=0
while (($#)); do
    case $1 in
        --quick) QUICK=1 REPS=1 COUNT=1000 LOAD_SECONDS=2 ;;
        --reps) REPS=${2:?--reps needs a number}; shift ;;
        --count) COUNT=${2:?--count needs a number}; shift ;;
        -h | --help) sed -n '2,6s/^# \{0,1\}//p' "$0"; exit 0 ;;
        *) echo "footprint.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
    shift
done
[[ $REPS =~ ^[1-9][0-9]*$ ]] || { echo "footprint.sh: --reps must be a positive integer, not '$REPS'" >&2; exit 2; }
[[ $COUNT =~ ^[1-9][0-9]*$ ]] || { echo "footprint.sh: --count must be a positive integer, not '$COUNT'" >&2; exit 2; }

source "$LIB_DIR/common.sh"
# Ports as in run.sh, and PORT_BASE + 901 and 902 for the balancer and its control port.
bench_ports footprint.sh 27000
PORT=$((PORT_BASE + 901)) CONTROL_PORT=$((PORT_BASE + 902))
source "$LIB_DIR/install.sh"
source "$LIB_DIR/build_quill.sh"
source "$LIB_DIR/backends.sh"
source "$LIB_DIR/targets.sh"
source "$LIB_DIR/machine.sh"

(($(nproc) >= 2)) || die "needs 2 cores: the client and backends on core 0, the balancer on core 1"
WORK=$(mktemp -d /tmp/quill-footprint.XXXXXX)
chmod 755 "$WORK"
trap 'rc=$?; cleanup; if ((rc == 0)) && [[ -z ${KEEP_WORK:-} ]]; then rm -rf "$WORK"; else log "work files kept in $WORK"; fi' EXIT
trap 'exit 130' INT TERM

# quill keeps 2 descriptors per connection, 64 spare and up to 256 pipes (DescriptorBudget); beyond that
# clients wait in the backlog. Where ulimit -n is too low for COUNT, every configuration holds fewer, and the report
# says so.
REQUESTED=$COUNT
FITS=$((($(ulimit -n) - 100 - 512) / 2))
((COUNT > FITS)) && COUNT=$FITS && log "ulimit -n $(ulimit -n) leaves room for $COUNT connections in quill, not $REQUESTED"

ensure_peers
build_quill "${QUILL_SRC:-$REPO_DIR}" "$WORK/quill" "$WORK"
[[ -n $QUILL_BIN ]] || die "quill was not built: $QUILL_BUILD"
taskset -cp 0 $$ >/dev/null
for port in "$BACKEND1" "$BACKEND2" "$PROXY_BACKEND1" "$PROXY_BACKEND2" "$IPERF_PORT" "$PORT" "$CONTROL_PORT"; do
    port_accepts "$port" && die "port $port is already in use on 127.0.0.1"
done
describe_machine >"$WORK/meta.tsv"
printf 'work\t%s/\n' "$WORK" >>"$WORK/meta.tsv"
printf 'busy_before\t%s\nreps\t%s\ncount\t%s\nrequested\t%s\nload_seconds\t%s\nquick\t%s\n' \
    "$(cpu_busy_percent 3)" "$REPS" "$COUNT" "$REQUESTED" "$LOAD_SECONDS" "$QUICK" >>"$WORK/meta.tsv"
start_backends "$WORK" "$CONF_DIR"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj /CN=bench \
    -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>/dev/null

Q=("$QUILL_BIN" -f -r -x 10000)
P=(pen -f -r -x 10000)
SERVERS=("127.0.0.1:$PORT" "127.0.0.1:$BACKEND1" "127.0.0.1:$BACKEND2")
# name|footprint.py options|command (one configuration a line)
CONFIGS=(
    "quill|--|${Q[*]} ${SERVERS[*]}"
    "quill, after a and b|--after-load $LOAD_SECONDS --|${Q[*]} ${SERVERS[*]}"
    "quill -C|--|${Q[*]} -C 127.0.0.1:$CONTROL_PORT ${SERVERS[*]}"
    "quill -w|--|${Q[*]} -w $WORK/status.html ${SERVERS[*]}"
    "quill -l|--|${Q[*]} -l $WORK/quill.log ${SERVERS[*]}"
    "quill -E (TLS clients)|--tls --|${Q[*]} -E $WORK/cert.pem -K $WORK/key.pem ${SERVERS[*]}"
    "pen|--|${P[*]} ${SERVERS[*]}"
    "pen, after a and b|--after-load $LOAD_SECONDS --|${P[*]} ${SERVERS[*]}"
    "pen -E (TLS clients)|--tls --|${P[*]} -E $WORK/cert.pem -K $WORK/key.pem ${SERVERS[*]}"
)
RAW=$WORK/raw.jsonl
: >"$RAW"
for ((rep = 1; rep <= REPS; rep++)); do
    for config in "${CONFIGS[@]}"; do
        IFS='|' read -r name opts command <<<"$config"
        log "rep $rep: $name"
        # shellcheck disable=SC2086 # opts and command are word lists built above
        taskset -c 0 python3 "$LIB_DIR/footprint.py" --name "$name" --port "$PORT" --count "$COUNT" \
            --log "$WORK/target.log" $opts $command >>"$RAW"
    done
done
printf 'busy_after\t%s\n' "$(cpu_busy_percent 3)" >>"$WORK/meta.tsv"
mkdir -p "$RESULTS_DIR"
python3 "$LIB_DIR/footprint_report.py" --meta "$WORK/meta.tsv" --raw "$RAW" --out "$RESULTS_DIR/footprint"
log "done: $RESULTS_DIR/footprint.md"
