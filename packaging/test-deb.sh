#!/usr/bin/env bash
# The package's full check, as root on a Debian machine (slow: builds the .deb with NativeAOT unless given one):
# lintian (no error, no warning, every info tag overridden with its reason), contents, man pages, systemd-analyze
# verify, then install, start, reload, stop, the packaged quill in a chroot, and purge on this machine, and a check
# that the purge left nothing behind. systemd need not be PID 1: the unit's ExecStart and ExecReload lines are run by
# hand, as systemd would run them, with a NOTIFY_SOCKET this script listens on. Ends with "N passed, N failed".
# The default suite runs it (tests/Quill.EndToEnd.Tests/Packaging/DebianPackageTests).
#
#   packaging/test-deb.sh                    # build-deb.sh first
#   QUILL_DEB=path.deb packaging/test-deb.sh # test that package
set -uo pipefail
here=$(cd "$(dirname "$0")" && pwd)
passed=0; failed=0
ok()   { echo "ok: $*"; passed=$((passed + 1)); }
fail() { echo "FAILED: $*"; failed=$((failed + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else fail "$what"; fi; }
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit $?; }

[ "$(id -u)" = 0 ] || { echo "test-deb: needs root (dpkg -i)" >&2; exit 2; }
# Two runs on one machine (two checkouts' suites) would install and purge the same package: one waits for the other.
mkdir -p /run/lock && exec 9>/run/lock/quill-test-deb.lock
flock -w 900 9 || { echo "test-deb: another test-deb.sh holds /run/lock/quill-test-deb.lock" >&2; exit 2; }
if dpkg -s quill >/dev/null 2>&1; then echo "test-deb: a quill package is installed already; not touching it" >&2; exit 2; fi
for tool in lintian mandoc man systemd-analyze python3 dpkg-deb; do
    command -v $tool >/dev/null || { echo "test-deb: $tool is needed" >&2; exit 2; }
done

deb=${QUILL_DEB:-}
if [ -z "$deb" ]; then
    deb=$("$here/build-deb.sh" | tail -1) || { echo "test-deb: build-deb.sh failed" >&2; exit 1; }
fi
echo "test-deb: $deb"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- the package as a file
# Informational tags too: each one kept is overridden with its reason in packaging/debian/lintian-overrides.
lintian -I --fail-on error,warning,info "$deb" >"$work/lintian" 2>&1
tags=$(grep -c '^[EWI]:' "$work/lintian")
check "lintian: no error, warning or unexplained info tag ($tags tags)" test "$tags" = 0
[ "$tags" = 0 ] || grep '^[EWI]:' "$work/lintian"
dpkg-deb -c "$deb" | awk '{print $1, $2, $6}' >"$work/contents"
for entry in "-rwxr-xr-x root/root ./usr/sbin/quill" "-rwxr-xr-x root/root ./usr/bin/quillctl" \
    "-rw-r--r-- root/root ./etc/quill/quill.cfg" "-rw-r--r-- root/root ./lib/systemd/system/quill.service" \
    "-rw-r--r-- root/root ./usr/share/man/man8/quill.8.gz" "-rw-r--r-- root/root ./usr/share/man/man8/quillctl.8.gz" \
    "-rw-r--r-- root/root ./usr/share/bash-completion/completions/quill" \
    "-rw-r--r-- root/root ./usr/share/bash-completion/completions/quillctl" \
    "-rw-r--r-- root/root ./usr/share/doc/quill/copyright"; do
    check "contains $entry" grep -qxF -- "$entry" "$work/contents"
done
dpkg-deb -e "$deb" "$work/DEBIAN"
check "conffile /etc/quill/quill.cfg" grep -qx /etc/quill/quill.cfg "$work/DEBIAN/conffiles"
check "depends on libssl3" grep -q '^Depends:.*libssl3' "$work/DEBIAN/control"
dpkg-deb -x "$deb" "$work/tree"
for page in quill quillctl; do
    warnings=$(MANWIDTH=80 man --warnings -l "$work/tree/usr/share/man/man8/$page.8.gz" 2>&1 >/dev/null)
    check "man -l $page.8: no warning${warnings:+ ($warnings)}" test -z "$warnings"
done
file "$work/tree/usr/sbin/quill" | grep -q 'ELF 64-bit' && ! ldd "$work/tree/usr/sbin/quill" | grep -qi 'dotnet\|libcoreclr'
check "quill is a native executable (no .NET runtime)" test $? = 0

# --- what is on the machine before (the purge must bring it back exactly)
snapshot() {
    { find /etc /lib/systemd /usr/sbin /usr/bin /usr/share/man/man8 /usr/share/bash-completion /usr/share/doc \
        /var/lib/systemd /var/log /run -xdev 2>/dev/null | grep -v -e '^/var/log/journal' -e '^/run/user' | grep -i quill
      getent passwd quill; getent group quill; } | sort
}
snapshot >"$work/before"

# --- install
if ! dpkg -i "$deb" >"$work/dpkg-install" 2>&1; then
    cat "$work/dpkg-install"; fail "dpkg -i"; dpkg --purge quill >/dev/null 2>&1; finish
fi
ok "dpkg -i"
check "user quill is a system user" test "$(id -u quill 2>/dev/null || echo 0)" -lt 1000 -a "$(id -u quill 2>/dev/null || echo 0)" -gt 0
check "quill --version" /usr/sbin/quill --version
check "systemd-analyze verify quill.service" systemd-analyze verify /lib/systemd/system/quill.service
check "unit enabled as dh_installsystemd would" test -L /etc/systemd/system/multi-user.target.wants/quill.service

# --- start, reload, stop: the unit's lines, run as systemd runs them (RuntimeDirectory=, Environment=, NOTIFY_SOCKET,
# WATCHDOG_USEC)
options=$(sed -n 's/^Environment="QUILL_OPTIONS=\(.*\)"$/\1/p' /lib/systemd/system/quill.service)
exec_start=$(sed -n 's/^ExecStart=//p' /lib/systemd/system/quill.service | sed "s|\$QUILL_OPTIONS|$options|")
exec_check=$(sed -n 's/^ExecReload=\(.*--check.*\)/\1/p' /lib/systemd/system/quill.service | sed "s|\$QUILL_OPTIONS|$options|")
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
backend=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
cp /etc/quill/quill.cfg "$work/quill.cfg.orig"
sed -i "s/^listen .*/listen 127.0.0.1:$port/; s/^server 0 .*/server 0 address 127.0.0.1 port $backend/" /etc/quill/quill.cfg
install -d -m 0755 /run/quill
chmod 711 "$work"
python3 - "$work/notify" "$work/messages" <<'PY' &
import socket, sys
import os
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM); s.bind(sys.argv[1]); s.settimeout(60)
os.chmod(sys.argv[1], 0o777)  # as systemd's own notify socket: quill sends after it has become user quill
with open(sys.argv[2], "w") as out:
    try:
        while True:
            out.write(s.recv(4096).decode().replace("\n", "|") + "\n"); out.flush()
    except socket.timeout:
        pass
PY
listener=$!
for _ in $(seq 100); do [ -S "$work/notify" ] && break; sleep 0.05; done
accepts() { python3 -c "import socket,sys; socket.create_connection(('127.0.0.1',$port),1)" 2>/dev/null; }
wait_for() { # wait_for PATTERN: up to 10 s for a notification matching it
    for _ in $(seq 200); do grep -q "$1" "$work/messages" 2>/dev/null && return 0; sleep 0.05; done; return 1; }
# systemd sets WATCHDOG_USEC from WatchdogSec= (30 s in the unit); 1 s here, so that a ping comes within the test.
NOTIFY_SOCKET=$work/notify WATCHDOG_USEC=1000000 $exec_start >"$work/quill.out" 2>&1 &
quill=$!
if wait_for 'READY=1'; then
    accepts; check "READY=1 arrives once the port accepts" test $? = 0
else
    fail "READY=1 within 10 s"; cat "$work/quill.out"
fi
check "WATCHDOG=1 pings" wait_for '^WATCHDOG=1$'
check "STATUS says what it listens on" grep -q "STATUS=listening on 127.0.0.1:$port with 1 servers" "$work/messages"
check "pid file /run/quill/quill.pid written before -u quill" test "$(cat /run/quill/quill.pid 2>/dev/null)" = "$quill"
check "control socket 0600, owned by quill" test "$(stat -c '%a %U' /run/quill/quill.ctl 2>/dev/null)" = "600 quill"
check "quill runs as user quill" test "$(ps -o user= -p $quill)" = quill
check "quillctl reaches it" test "$(/usr/bin/quillctl /run/quill/quill.ctl pid)" = "$quill"
printf 'server 1 address 127.0.0.1 port %s\n' "$backend" >>/etc/quill/quill.cfg
check "ExecReload's check accepts the file" $exec_check
echo "listen nowhere:port:x" >"$work/bad.cfg"
! ${exec_check/\/etc\/quill\/quill.cfg/$work/bad.cfg} >/dev/null 2>&1
check "ExecReload's check refuses a bad file" test $? = 0
kill -HUP $quill
wait_for 'READY=1.*STATUS=listening on .* with 2 servers'
reloading_at=$(grep -n '^RELOADING=1' "$work/messages" | head -1 | cut -d: -f1)
ready_at=$(grep -n 'READY=1.*with 2 servers' "$work/messages" | head -1 | cut -d: -f1)
check "HUP: RELOADING=1 then READY=1" test "${reloading_at:-0}" -gt 1 -a "${ready_at:-0}" -gt "${reloading_at:-0}"
check "HUP: RELOADING=1 carries MONOTONIC_USEC" grep -q 'RELOADING=1|MONOTONIC_USEC=[0-9]*|' "$work/messages"
kill -TERM $quill
check "TERM: STOPPING=1" wait_for 'STOPPING=1'
wait $quill; check "quill exits 0 on TERM" test $? = 0
kill $listener 2>/dev/null; wait $listener 2>/dev/null
rm -rf /run/quill   # RuntimeDirectory= does this when the unit stops
cp "$work/quill.cfg.orig" /etc/quill/quill.cfg

# --- the packaged (NativeAOT) quill in a chroot as user quill, its pid file outside the jail
install -d -m 0755 "$work/jail"
/usr/sbin/quill -f -j "$work/jail" -u quill -p "$work/jail.pid" "127.0.0.1:$port" "127.0.0.1:$backend" >"$work/jail.out" 2>&1 &
jailed=$!
for _ in $(seq 200); do accepts && break; sleep 0.05; done
before_jail=$failed
check "-j -u quill: listens, chrooted, pid file written" \
    test "$(readlink /proc/$jailed/root 2>/dev/null)" = "$work/jail" -a "$(cat "$work/jail.pid" 2>/dev/null)" = "$jailed"
kill -TERM $jailed 2>/dev/null; wait $jailed; check "-j -u quill: exits 0 on TERM" test $? = 0
[ "$failed" = "$before_jail" ] || cat "$work/jail.out"

# --- purge
dpkg --purge quill >"$work/dpkg-purge" 2>&1; check "dpkg --purge" test $? = 0
snapshot >"$work/after"
check "the purge left nothing behind" diff "$work/before" "$work/after"
finish
