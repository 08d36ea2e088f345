#!/usr/bin/env bash
# Runs every test: installs the real peers the end-to-end tests use when missing, builds, tests,
# and ends with "N passed, N failed" counted from the test results.
set -uo pipefail
cd "$(dirname "$0")"

needed=()
command -v pen >/dev/null || needed+=(pen)
command -v nginx >/dev/null || needed+=(nginx-light)
[ -x /usr/sbin/haproxy ] || needed+=(haproxy)
command -v curl >/dev/null || needed+=(curl)
command -v dig >/dev/null || needed+=(dnsutils)
[ -x /usr/sbin/dnsmasq ] || needed+=(dnsmasq-base)
command -v openssl >/dev/null || needed+=(openssl)
command -v sslscan >/dev/null || needed+=(sslscan)
command -v testssl >/dev/null || needed+=(testssl.sh)
command -v mmdblookup >/dev/null || needed+=(mmdb-bin)
[ -x /usr/bin/python3 ] || needed+=(python3) # tests run /usr/bin/python3 itself (as another uid, a pyenv shim in /root is out of reach)
[ -x /usr/bin/wrk ] || needed+=(wrk)
[ -x /usr/sbin/ip ] || needed+=(iproute2)
[ -x /usr/bin/redis-server ] || needed+=(redis-server)
# The Debian package: man pages, the unit, the .deb built, linted, installed and purged (packaging/test-deb.sh).
command -v mandoc >/dev/null || needed+=(mandoc)
command -v man >/dev/null || needed+=(man-db)
command -v systemd-analyze >/dev/null || needed+=(systemd)
command -v lintian >/dev/null || needed+=(lintian)
command -v dpkg-shlibdeps >/dev/null || needed+=(dpkg-dev)
command -v file >/dev/null || needed+=(file)
# build-deb.sh's NativeAOT publish links with clang (any clang-N does) and zlib.
compgen -c clang | grep -qxE 'clang(-[0-9]+)?' || needed+=(clang)
[ -f /usr/include/zlib.h ] || needed+=(zlib1g-dev)
command -v promtool >/dev/null || needed+=(prometheus)
command -v chromium >/dev/null || needed+=(chromium)
command -v jq >/dev/null || needed+=(jq)
# The VRRP failover test (tests/Quill.EndToEnd.Tests/Peers) runs keepalived in namespaces it makes.
[ -x /usr/sbin/keepalived ] || needed+=(keepalived)
if [ ${#needed[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ]; then
    echo "installing ${needed[*]}"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${needed[@]}" >/dev/null
  else
    echo "warning: ${needed[*]} missing and not root; tests that need them are skipped" >&2
  fi
fi

results=TestResults
rm -rf "$results"
dotnet test Quill.slnx --logger "trx" --results-directory "$results" "$@"
status=$?

passed=0; failed=0; skipped=0
for trx in "$results"/*.trx; do
  [ -f "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx")
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  t=$(sed -n 's/.* total="\([0-9]*\)".*/\1/p' <<<"$counters")
  e=$(sed -n 's/.* executed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0})); failed=$((failed + ${f:-0})); skipped=$((skipped + ${t:-0} - ${e:-0}))
done
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
echo "$passed passed, $failed failed, $skipped skipped"
exit "$status"
