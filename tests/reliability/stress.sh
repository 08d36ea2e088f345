#!/usr/bin/env bash
# Byte-exactness under stress, full campaign (issue 12 item 2): 10,000 connections per transport (TCP, -H with
# non-HTTP bytes, TLS, unix sockets), sizes log-uniform from 0 to 16 MiB each way, random half-close order, write and
# read sizes and pauses, every byte checked by SHA-256 at both ends. Runs ByteExactnessTests with larger settings and
# prints one markdown row per transport. The default suite runs the same test with 200 connections of up to 2 MiB.
#
#   tests/reliability/stress.sh                       # the full campaign
#   CONNECTIONS=1000 MAX_BYTES=1048576 tests/reliability/stress.sh
#   SEED=7 tests/reliability/stress.sh               # another draw (a failure names its connection's plan)
set -euo pipefail
cd "$(dirname "$0")/../.."

export QUILL_STRESS_CONNECTIONS="${CONNECTIONS:-10000}"
export QUILL_STRESS_MAX_BYTES="${MAX_BYTES:-16777216}"
export QUILL_STRESS_CONCURRENCY="${CONCURRENCY:-64}"
export QUILL_STRESS_SEED="${SEED:-12}"
# Stops starting connections after this long (each transport); those not started count as failures.
export QUILL_STRESS_DEADLINE_SECONDS="${DEADLINE_SECONDS:-1800}"
report=$(mktemp)
export QUILL_STRESS_REPORT="$report"
trap 'rm -f "$report"' EXIT

echo "byte-exactness: $QUILL_STRESS_CONNECTIONS connections per transport, 0 to $QUILL_STRESS_MAX_BYTES bytes each way," \
  "concurrency $QUILL_STRESS_CONCURRENCY, seed $QUILL_STRESS_SEED, commit $(git rev-parse --short HEAD), $(date -u +%FT%TZ)"
status=0
dotnet test tests/Quill.EndToEnd.Tests --filter "FullyQualifiedName~Reliability.ByteExactnessTests" \
  --logger "console;verbosity=normal" || status=$?

echo
echo "| transport | connections | bytes up | bytes down | mismatches | truncations | failures | duration |"
echo "|---|---|---|---|---|---|---|---|"
cat "$report"
exit "$status"
