#!/usr/bin/env python3
"""Measures one balancer configuration's resident memory idle and holding many idle connections.

Starts the command given after -- on core 1, waits until PORT accepts, optionally puts the
benchmark's HTTP load through it first (--after-load: wrk with a new connection per request,
then keep-alive, as scenarios a and b do before d), reads RSS, opens --count connections
(through TLS with --tls), checks each answers, reads RSS again with all of them held, stops
the balancer and prints one JSON record. Run it on core 0 (taskset -c 0).
"""
import argparse
import json
import os
import subprocess
import sys
import time

import idle
import procstat
from measure import port_accepts, stop_group


def wait_accepting(port, proc, seconds=15):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"exited with {proc.returncode} before accepting")
        if port_accepts(port):
            return
        time.sleep(0.05)
    raise RuntimeError(f"did not accept on :{port} within {seconds} s")


def put_load(port, seconds):
    """The benchmark's a and b against this instance: wrk, new connection per request, then keep-alive."""
    url = f"http://127.0.0.1:{port}/1k"
    for extra in (["-c50", "-H", "Connection: close"], ["-c100"]):
        subprocess.run(["wrk", "-t1", *extra, f"-d{seconds}s", url], capture_output=True,
                       timeout=seconds + 30, check=True)


def measure(args, pid):
    if args.after_load:
        put_load(args.port, args.after_load)
    time.sleep(1)  # the balancer's own start-up or load work settles before the first reading
    base = procstat.rss_kib(pid) / 1024

    def while_held():
        time.sleep(1)  # let the balancer finish its work for the last replies
        return {"rss_held_mib": procstat.rss_kib(pid) / 1024}

    hold = idle.hold_and_check_tls if args.tls else idle.hold_and_check
    metrics = hold(args.port, args.count, args.seconds, while_held)
    metrics["rss_idle_mib"] = base
    metrics["count"] = args.count
    return metrics


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--name", required=True, help="configuration name for the report")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--count", type=int, default=9000)
    p.add_argument("--seconds", type=int, default=120, help="time limit for opening and checking")
    p.add_argument("--tls", action="store_true", help="the balancer terminates TLS (-E)")
    p.add_argument("--after-load", type=int, default=0, metavar="SECONDS",
                   help="first run wrk with new connections, then keep-alive, SECONDS each")
    p.add_argument("--log", default="/dev/null")
    own, argv = sys.argv[1:], []
    if "--" in own:
        own, argv = own[:own.index("--")], own[own.index("--") + 1:]
    args = p.parse_args(own)
    record = {"name": args.name, "argv": " ".join(argv)}
    with open(args.log, "ab") as log:
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log, start_new_session=True,
                                preexec_fn=lambda: os.sched_setaffinity(0, {1}))
    try:
        wait_accepting(args.port, proc)
        record["metrics"] = measure(args, proc.pid)
    except Exception as e:  # one failed configuration is reported, not fatal to the others
        record["error"] = f"{type(e).__name__}: {e}"
        print(f"footprint: {args.name}: {record['error']}", file=sys.stderr)
    finally:
        stop_group(proc)
    print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main()
