#!/usr/bin/env bash
# The fuzz campaign: every target (or those named) for N inputs each, then one line per target with inputs, time,
# exec/s and failures. Exits non-zero when a target failed; its shrunk input and seed are in the report.
#   tests/fuzz/run.sh [--iterations N | --seconds S] [--target NAME]... [--parallel K] [--seed SEED]
# Targets: cmdline penctl config http acl mmdb geoip proxy.
set -uo pipefail
cd "$(dirname "$0")/../.."

declare -A classes=(
  [cmdline]=CommandLineFuzz [penctl]=PenctlFuzz [config]=ConfigFileFuzz [http]=HttpFilterFuzz
  [acl]=AclParserFuzz [mmdb]=MaxMindFuzz [geoip]=GeoIpFuzz [proxy]=ProxyHeaderFuzz
)
order=(cmdline acl penctl config http mmdb geoip proxy)
iterations=10000000
parallel=1
targets=()
while [ $# -gt 0 ]; do
  case "$1" in
    --iterations) iterations=$2; shift 2 ;;
    --seconds) export QUILL_FUZZ_SECONDS=$2; shift 2 ;;
    --target) targets+=("$2"); shift 2 ;;
    --parallel) parallel=$2; shift 2 ;;
    --seed) export QUILL_FUZZ_SEED=$2; shift 2 ;;
    *) echo "usage: $0 [--iterations N | --seconds S] [--target NAME]... [--parallel K] [--seed SEED]" >&2; exit 2 ;;
  esac
done
[ ${#targets[@]} -eq 0 ] && targets=("${order[@]}")
for t in "${targets[@]}"; do
  [ -n "${classes[$t]:-}" ] || { echo "unknown target '$t' (known: ${order[*]})" >&2; exit 2; }
done

out=TestResults/fuzz
mkdir -p "$out"
report="$PWD/$out/report.txt"
: > "$report"
dotnet build tests/Quill.Fuzz.Tests -c Release -v q -nologo | grep -E "error|Warn" || true

# Two targets at once share the machine's cores; each then samples on one thread.
[ "$parallel" -gt 1 ] && export QUILL_FUZZ_THREADS=1
run_round() {
  local target=$1 count=$2
  QUILL_FUZZ_ITERATIONS=$count QUILL_FUZZ_REPORT=$report \
    dotnet test tests/Quill.Fuzz.Tests -c Release --no-build \
      --filter "FullyQualifiedName=Quill.Fuzz.Tests.Targets.${classes[$target]}.Fuzz" >>"$out/$target.log" 2>&1
}
# MaxMind.Db keeps the memory mapping of every file it refuses, so one process reaches vm.max_map_count (65530)
# after some 60,000 refusals: mmdb runs in rounds of 40,000 inputs, one process each, a report line each.
# With --seconds it runs one round.
mmdb_round=40000
run_one() {
  local target=$1
  : >"$out/$target.log"
  if [ "$target" != mmdb ] || [ "$iterations" -le "$mmdb_round" ]; then run_round "$target" "$iterations"; return; fi
  if [ -n "${QUILL_FUZZ_SECONDS:-}" ]; then run_round "$target" "$mmdb_round"; return; fi
  local left=$iterations
  while [ "$left" -gt 0 ]; do
    run_round "$target" $((left < mmdb_round ? left : mmdb_round)) || return 1
    left=$((left - mmdb_round))
  done
}
status=0
running=0
for t in "${targets[@]}"; do
  echo "fuzzing $t: ${QUILL_FUZZ_SECONDS:+$QUILL_FUZZ_SECONDS s, at most }$iterations inputs"
  run_one "$t" &
  running=$((running + 1))
  if [ "$running" -ge "$parallel" ]; then
    wait -n || status=1
    running=$((running - 1))
  fi
done
while [ "$running" -gt 0 ]; do
  wait -n || status=1
  running=$((running - 1))
done

echo
cat "$report"
for t in "${targets[@]}"; do
  grep -q "^$t " "$report" || { echo "$t: no report line (crashed or hung; see $out/$t.log)"; status=1; }
done
exit "$status"
