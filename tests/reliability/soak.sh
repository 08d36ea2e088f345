#!/usr/bin/env bash
# Soak with chaos: 1,000,000 short HTTP connections through quill to three nginx processes while a
# chaos loop SIGKILLs and restarts one every 2 s and SIGSTOPs one for 5 s every 15 s. Runs the
# end-to-end test Reliability/SoakTests at full size against a NativeAOT quill, writes the figures
# as markdown lines and exits non-zero when a check fails. See tests/Quill.EndToEnd.Tests/README.md,
# "Soak with chaos".
#
#   tests/reliability/soak.sh                    # full run (SOAK_CONNECTIONS=1000000)
#   SOAK_CONNECTIONS=200000 tests/reliability/soak.sh
#   QUILL_EXECUTABLE=/usr/local/bin/quill tests/reliability/soak.sh   # skip the publish
set -uo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
cd "$root"

export SOAK_CONNECTIONS=${SOAK_CONNECTIONS:-1000000}
export SOAK_SECONDS=${SOAK_SECONDS:-3600}
export SOAK_CONCURRENCY=${SOAK_CONCURRENCY:-32}
# quill with the runtime's defaults, as in production (the short run in ./test.sh sets a small gen0, no tiering).
export SOAK_QUILL_DEFAULTS=${SOAK_QUILL_DEFAULTS:-1}
out=${SOAK_OUT:-$root/tests/reliability/soak-results}
mkdir -p "$out"
export SOAK_FIGURES=$out/soak-figures.part
figures=$out/soak-figures.md

command -v nginx >/dev/null || { echo "soak: nginx is needed (apt-get install nginx-light)" >&2; exit 2; }

if [[ -z ${QUILL_EXECUTABLE:-} ]]; then
    echo "soak: publishing quill (NativeAOT, Release) to $out/quill"
    if dotnet publish src/Quill -c Release -p:PublishAot=true -o "$out/quill" >"$out/publish.log" 2>&1; then
        build="NativeAOT (dotnet publish -c Release -p:PublishAot=true)"
    elif dotnet publish src/Quill -c Release -p:PublishAot=false -o "$out/quill" >"$out/publish.log" 2>&1; then
        build="Release with JIT (NativeAOT publish failed, see $out/publish.log)"
    else
        echo "soak: dotnet publish src/Quill failed; see $out/publish.log" >&2; exit 2
    fi
    export QUILL_EXECUTABLE=$out/quill/quill
else
    build="prebuilt $QUILL_EXECUTABLE"
fi

echo "soak: building the end-to-end tests (Release)"
dotnet build tests/Quill.EndToEnd.Tests -c Release >"$out/build.log" 2>&1 || { echo "soak: build failed; see $out/build.log" >&2; exit 2; }
dotnet build-server shutdown >/dev/null 2>&1 || true

rm -f "$SOAK_FIGURES"
echo "soak: $SOAK_CONNECTIONS connections, concurrency $SOAK_CONCURRENCY, at most $SOAK_SECONDS s"
start_load=$(cut -d' ' -f1-3 /proc/loadavg)
dotnet test tests/Quill.EndToEnd.Tests -c Release --no-build \
    --filter "FullyQualifiedName~Reliability.SoakTests" --logger "console;verbosity=normal" >"$out/test.log" 2>&1
status=$?

{
    echo "Soak with chaos, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src || echo '+changes'), quill $build"
    echo "- machine: $(nproc) cores, load average $start_load at the start (1/5/15 min), $(cut -d' ' -f1-3 /proc/loadavg) at the end"
    cat "$SOAK_FIGURES" 2>/dev/null || echo "- no figures: the run stopped before them; see $out/test.log"
} >"$figures"
rm -f "$SOAK_FIGURES"
cat "$figures"
if [[ $status -ne 0 ]]; then
    echo "soak: FAILED; the failed checks are in $out/test.log" >&2
    grep -A6 "Error Message" "$out/test.log" >&2 || true
fi
exit "$status"
