#!/usr/bin/env bash
# The full TLS scan of quill's default configuration (-E with no ssl_* command): sslscan, then every testssl.sh check
# (protocols, cipher categories, forward secrecy, server preferences, headers, vulnerabilities). The default suite
# runs the short version (tests/Quill.EndToEnd.Tests/Security/TlsScanTests.cs); this one takes minutes.
# Usage: tests/security/tls-scan.sh [output-dir]   (QUILL_EXECUTABLE=... to scan another build)
# Ends with "N passed, N failed": testssl findings of severity OK or INFO pass, any other fails (the test certificate's
# and the demo backend's HTTP header findings are listed but not counted).
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
quill=${QUILL_EXECUTABLE:-$root/src/Quill/bin/Debug/net10.0/quill}
out=${1:-$(mktemp -d /tmp/quill-tls-scan-XXXXXX)}
mkdir -p "$out"
[ -x "$quill" ] || { echo "no quill at $quill: run dotnet build Quill.slnx first" >&2; exit 2; }
for tool in openssl sslscan testssl python3; do command -v "$tool" >/dev/null || { echo "$tool is missing (apt-get install sslscan testssl.sh)" >&2; exit 2; }; done

work=$(mktemp -d)
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$work/key.pem" -out "$work/cert.pem" -days 2 \
  -subj /CN=localhost -addext subjectAltName=DNS:localhost,IP:127.0.0.1 2>/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$quill" --demo -f -E "$work/cert.pem" -K "$work/key.pem" "127.0.0.1:$port" >"$out/quill.log" 2>&1 &
pid=$!
trap 'kill $pid 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do grep -qi ":$(printf %04X "$port") 00000000:0000 0A" /proc/net/tcp && break; sleep 0.1; done

start=$(date +%s)
sslscan --no-colour "127.0.0.1:$port" >"$out/sslscan.txt" 2>&1
echo "sslscan: $(($(date +%s) - start)) s, $out/sslscan.txt"
start=$(date +%s)
testssl --quiet --color 0 --warnings off --nodns none --jsonfile "$out/testssl.json" "127.0.0.1:$port" >"$out/testssl.txt" 2>&1 || true
echo "testssl.sh: $(($(date +%s) - start)) s, $out/testssl.txt"

python3 - "$out/testssl.json" <<'PY'
import json, sys
# The throwaway self-signed certificate (cert_*) and the demo backend's HTTP headers (HSTS and the like) are not
# quill's TLS: listed, not counted.
findings = json.load(open(sys.argv[1]))
theirs = [f for f in findings if f["id"].startswith("cert_") or f["id"] in ("HSTS", "security_headers")]
for f in theirs:
    if f["severity"] not in ("OK", "INFO"): print(f"  not counted: {f['id']}: {f['severity']} {f['finding']}")
findings = [f for f in findings if f not in theirs]
bad = [f for f in findings if f["severity"] not in ("OK", "INFO")]
for f in bad: print(f"  {f['severity']}: {f['id']}: {f['finding']}")
print(f"{len(findings) - len(bad)} passed, {len(bad)} failed")
sys.exit(1 if bad else 0)
PY
