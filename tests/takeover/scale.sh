#!/usr/bin/env bash
# Takeover at the issue's scale (issue 16): 100 plain clients streaming both ways without pause, each from its own
# address (sticky: each must keep its server), 20 TLS clients held across each takeover of a TLS quill (they finish on
# the old process), and a new connection about every millisecond, through ten takeovers in a row. Nothing may be
# refused, reset or corrupted, every takeover must move every plain connection, and the serving process's socket
# count must stay flat. Runs Takeover/TakeoverScaleTests with larger settings; the default suite runs 2 rounds of 30
# plain and 6 TLS connections.
#
#   tests/takeover/scale.sh                            # 100 plain, 20 TLS, 10 takeovers
#   PLAIN=200 TLS=40 ROUNDS=20 tests/takeover/scale.sh
#   WATCHED=1 tests/takeover/scale.sh                  # the plain quill with -H and -l: connections move with their filter
set -euo pipefail
cd "$(dirname "$0")/../.."

export QUILL_TAKEOVER_SCALE_PLAIN="${PLAIN:-100}"
export QUILL_TAKEOVER_SCALE_TLS="${TLS:-20}"
export QUILL_TAKEOVER_SCALE_ROUNDS="${ROUNDS:-10}"
export QUILL_TAKEOVER_SCALE_WATCHED="${WATCHED:-0}"

echo "takeover at scale: $QUILL_TAKEOVER_SCALE_PLAIN plain, $QUILL_TAKEOVER_SCALE_TLS TLS, $QUILL_TAKEOVER_SCALE_ROUNDS takeovers, watched $QUILL_TAKEOVER_SCALE_WATCHED," \
  "commit $(git rev-parse --short HEAD), $(date -u +%FT%TZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
dotnet test tests/Quill.EndToEnd.Tests --filter "FullyQualifiedName~Takeover.TakeoverScaleTests" \
  --logger "console;verbosity=detailed"
