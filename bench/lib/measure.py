#!/usr/bin/env python3
"""Runs one scenario against one target and prints one JSON record on stdout.

Scenarios: close (HTTP, new connection per request), keepalive (HTTP keep-alive), bulk (one
iperf3 stream), idle (many idle connections, then RSS), startup (exec until the port accepts) and
keepalive_xff (the same load as keepalive, against the balancer in HTTP mode adding X-Forwarded-For);
keepalive_scrape (the same load as keepalive while a scraper GETs the balancer's /metrics every
--scrape-interval seconds, a new connection each time); for scenario g, against a balancer terminating TLS:
tls_handshake (openssl s_time, a full TLS 1.3 handshake and one request per connection), tls_keepalive (wrk
over https) and tls_bulk (one curl download).
The balancer's CPU is the utime+stime delta of its process tree around the measured window.
Run it on core 0 (taskset -c 0): wrk and iperf3 inherit that; only the balancer uses core 1.
"""
import argparse
import json
import os
import re
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request

import idle
import procstat

GIB = 1 << 30
UNIT_SECONDS = {"us": 1e-6, "ms": 1e-3, "s": 1.0, "m": 60.0, "h": 3600.0}


def duration_seconds(text):
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text)
    if not m:
        raise ValueError(f"unrecognised wrk duration {text!r}")
    return float(m.group(1)) * UNIT_SECONDS[m.group(2)]


def parse_wrk(out):
    """Requests, req/s, latency percentiles (ms) and error counts from wrk --latency output."""
    result = {}
    m = re.search(r"(\d+) requests in ([\d.]+\w+)", out)
    if not m:
        raise ValueError("wrk printed no request count:\n" + out)
    result["requests"] = int(m.group(1))
    result["rps"] = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    for pct in ("50", "99"):
        p = re.search(rf"^\s+{pct}(?:\.000)?%\s+(\S+)", out, re.M)
        result[f"p{pct}_ms"] = duration_seconds(p.group(1)) * 1e3 if p else None
    errors = 0
    s = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if s:
        errors += sum(int(x) for x in s.groups())
    n = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if n:
        errors += int(n.group(1))
    result["errors"] = errors
    return result


# run.sh pins every balancer to this core and nothing else of the benchmark's.
BALANCER_CORE = 1


def core_busy_seconds(core=BALANCER_CORE):
    """Busy time of one core from /proc/stat (user, nice, system, irq, softirq), in seconds: what
    the balancer costs its core, kernel work done there outside its process (softirqs, timers) included."""
    with open("/proc/stat") as f:
        for line in f:
            if line.startswith(f"cpu{core} "):
                v = [int(x) for x in line.split()[1:]]
                return (v[0] + v[1] + v[2] + v[5] + v[6]) / procstat.CLK_TCK
    raise RuntimeError(f"no cpu{core} line in /proc/stat")


def cpu_window(pid, run):
    """Run run() and return its result with the balancer's CPU seconds spent meanwhile."""
    before = procstat.cpu_ticks(pid) if pid else None
    t0 = time.monotonic()
    value = run()
    elapsed = time.monotonic() - t0
    cpu = (procstat.cpu_ticks(pid) - before) / procstat.CLK_TCK if pid else None
    return value, cpu, elapsed


def scenario_http(args, close, scheme="http"):
    cmd = ["wrk", "-t1", f"-c{args.conns}", f"-d{args.seconds}s", "--latency", "--timeout", "5s"]
    if close:
        cmd += ["-H", "Connection: close"]
    cmd.append(f"{scheme}://127.0.0.1:{args.port}/1k")
    out, cpu, elapsed = cpu_window(args.pid, lambda: subprocess.run(
        cmd, capture_output=True, text=True, check=True, timeout=args.seconds + 30).stdout)
    metrics = parse_wrk(out)
    if cpu is not None:
        metrics["cpu_s"] = cpu
        metrics["cpu_util"] = cpu / elapsed
        metrics["cpu_us_per_req"] = cpu / metrics["requests"] * 1e6 if metrics["requests"] else None
    return metrics


class Scraper(threading.Thread):
    """GETs http://127.0.0.1:PORT/metrics every interval (from the start of one to the next), as Prometheus does."""

    def __init__(self, port, interval):
        super().__init__(daemon=True)
        self.port, self.interval = port, interval
        self.stop = threading.Event()
        self.latencies_ms, self.failures, self.bytes = [], 0, 0

    def run(self):
        next_at = time.monotonic()
        while not self.stop.is_set():
            t0 = time.monotonic()
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/metrics", timeout=5) as answer:
                    body = answer.read()
                if not body.startswith(b"#"):
                    raise ValueError("not a Prometheus exposition")
                self.latencies_ms.append((time.monotonic() - t0) * 1e3)
                self.bytes = len(body)
            except (OSError, ValueError):
                self.failures += 1
            next_at += self.interval
            self.stop.wait(max(0.0, next_at - time.monotonic()))


def scenario_http_scraped(args):
    scraper = Scraper(args.scrape_port, args.scrape_interval)
    scraper.start()
    try:
        metrics = scenario_http(args, False)
    finally:
        scraper.stop.set()
        scraper.join(timeout=10)
    lat = sorted(scraper.latencies_ms)
    if not lat:
        raise RuntimeError(f"no scrape of :{args.scrape_port}/metrics succeeded ({scraper.failures} failed)")
    metrics.update({"scrapes": len(lat), "scrape_failures": scraper.failures, "scrape_bytes": scraper.bytes,
                    "scrape_p50_ms": statistics.median(lat), "scrape_max_ms": lat[-1]})
    return metrics


def scenario_bulk(args):
    cmd = ["iperf3", "-c", "127.0.0.1", "-p", str(args.port), "-t", str(args.seconds), "-P", "1",
           "-J", "--connect-timeout", "5000"]
    core_before = core_busy_seconds()
    out, cpu, elapsed = cpu_window(args.pid, lambda: subprocess.run(
        cmd, capture_output=True, text=True, timeout=args.seconds + 30).stdout)
    core = core_busy_seconds() - core_before
    report = json.loads(out)
    if "error" in report:
        raise RuntimeError(f"iperf3: {report['error']}")
    received = report["end"]["sum_received"]
    metrics = {"gbps": received["bits_per_second"] / 1e9, "bytes": received["bytes"]}
    if cpu is not None:
        metrics["cpu_s"] = cpu
        metrics["cpu_util"] = cpu / elapsed
        metrics["cpu_s_per_gib"] = cpu / (received["bytes"] / GIB)
        metrics["core_s_per_gib"] = core / (received["bytes"] / GIB)
    return metrics


# Every target of g is offered the same TLS 1.3 suite; the key exchange is OpenSSL's default (X25519).
TLS_SUITE = "TLS_AES_128_GCM_SHA256"


def scenario_tls_handshake(args):
    """args.conns openssl s_time clients in parallel, each making new connections with no session reuse
    (a full handshake), fetching /1k on each. Not wrk: it keeps the session across its reconnects and resumes it."""
    cmd = ["openssl", "s_time", "-connect", f"127.0.0.1:{args.port}", "-new", "-time", str(args.seconds),
           "-www", "/1k", "-tls1_3", "-ciphersuites", TLS_SUITE]

    def run():
        procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
                 for _ in range(args.conns)]
        return [p.communicate(timeout=args.seconds + 30)[0] for p in procs]

    outs, cpu, elapsed = cpu_window(args.pid, run)
    handshakes = 0
    for out in outs:
        m = re.search(r"(\d+) connections in [\d.]+ real seconds", out)
        if not m:
            raise RuntimeError("s_time printed no connection count:\n" + out[-500:])
        handshakes += int(m.group(1))
    metrics = {"handshakes": handshakes, "handshakes_per_s": handshakes / elapsed}
    if cpu is not None and handshakes:
        metrics["cpu_s"] = cpu
        metrics["cpu_util"] = cpu / elapsed
        metrics["cpu_us_per_handshake"] = cpu / handshakes * 1e6
        metrics["handshakes_per_cpu_s"] = handshakes / cpu if cpu else None
    return metrics


def scenario_tls_bulk(args):
    """One curl download of the backends' large file through the balancer for args.seconds."""
    cmd = ["curl", "-sk", "-o", "/dev/null", "--max-time", str(args.seconds), "--tlsv1.3", "--tls13-ciphers", TLS_SUITE,
           "-w", "%{size_download} %{time_total}", f"https://127.0.0.1:{args.port}/big"]
    proc, cpu, elapsed = cpu_window(args.pid, lambda: subprocess.run(
        cmd, capture_output=True, text=True, timeout=args.seconds + 30))
    if proc.returncode not in (0, 28):  # 28: stopped by --max-time, the expected end
        raise RuntimeError(f"curl exited with {proc.returncode}: {proc.stderr.strip()}")
    size, seconds = (float(x) for x in proc.stdout.split())
    metrics = {"gbps": size * 8 / seconds / 1e9, "bytes": size}
    if cpu is not None and size:
        metrics["cpu_s"] = cpu
        metrics["cpu_util"] = cpu / elapsed
        metrics["cpu_s_per_gib"] = cpu / (size / GIB)
    return metrics


def scenario_idle(args):
    base = procstat.rss_kib(args.pid) / 1024 if args.pid else None

    def while_held():
        time.sleep(1)  # let the balancer finish its own work for the last replies before reading RSS
        return {"rss_mib": procstat.rss_kib(args.pid) / 1024} if args.pid else {}

    metrics = idle.hold_and_check(args.port, args.count, args.seconds, while_held)
    if base is not None:
        metrics["rss_base_mib"] = base
    metrics["count"] = args.count
    return metrics


def port_accepts(port):
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def stop_group(proc):
    """TERM the process group, KILL it after 5 s."""
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=5)
    except ProcessLookupError:
        proc.wait(timeout=5)


def scenario_startup(args):
    """Median time from exec to the first accepted connection, over args.runs starts on core 1."""
    samples = []
    with open(args.log, "ab") as log:
        for _ in range(args.runs):
            if port_accepts(args.port):
                raise RuntimeError(f"port {args.port} is already in use before start")
            t0 = time.perf_counter()
            proc = subprocess.Popen(args.argv, stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                    start_new_session=True,
                                    preexec_fn=lambda: os.sched_setaffinity(0, {1}))
            try:
                while True:
                    if port_accepts(args.port):
                        samples.append((time.perf_counter() - t0) * 1e3)
                        break
                    if proc.poll() is not None:
                        raise RuntimeError(f"{args.argv[0]} exited with {proc.returncode} before accepting")
                    if time.perf_counter() - t0 > 15:
                        raise RuntimeError(f"{args.argv[0]} did not accept within 15 s")
                    time.sleep(0.0002)
            finally:
                stop_group(proc)
            deadline = time.monotonic() + 5
            while port_accepts(args.port) and time.monotonic() < deadline:
                time.sleep(0.01)
    return {"startup_ms": statistics.median(samples), "samples_ms": samples}


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("scenario", choices=["close", "keepalive", "bulk", "idle", "startup", "keepalive_xff", "close_proxy",
                                        "tls_handshake_ecdsa", "tls_handshake_rsa", "tls_keepalive", "tls_bulk",
                                        "keepalive_scrape"])
    p.add_argument("--target", required=True)
    p.add_argument("--rep", type=int, required=True)
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--pid", type=int, default=None, help="balancer pid (none for direct)")
    p.add_argument("--seconds", type=int, default=10, help="measured window (idle: time limit)")
    p.add_argument("--conns", type=int, default=50, help="wrk connections; tls_handshake: s_time clients")
    p.add_argument("--count", type=int, default=9000, help="idle connections")
    p.add_argument("--runs", type=int, default=5, help="starts for the startup scenario")
    p.add_argument("--log", default="/dev/null", help="startup: where the target's output goes")
    p.add_argument("--scrape-port", type=int, default=None, help="keepalive_scrape: the balancer's /metrics port")
    p.add_argument("--scrape-interval", type=float, default=0.1, help="keepalive_scrape: seconds between scrapes")
    p.epilog = "startup takes the target's command line after --"
    own, sep, target_argv = [], False, []
    for word in sys.argv[1:]:
        if sep:
            target_argv.append(word)
        elif word == "--":
            sep = True
        else:
            own.append(word)
    args = p.parse_args(own)
    args.argv = target_argv
    run = {"close": lambda: scenario_http(args, True), "close_proxy": lambda: scenario_http(args, True),
           "keepalive": lambda: scenario_http(args, False),
           "keepalive_xff": lambda: scenario_http(args, False),
           "keepalive_scrape": lambda: scenario_http_scraped(args),
           "bulk": lambda: scenario_bulk(args), "idle": lambda: scenario_idle(args),
           "startup": lambda: scenario_startup(args),
           "tls_handshake_ecdsa": lambda: scenario_tls_handshake(args),
           "tls_handshake_rsa": lambda: scenario_tls_handshake(args),
           "tls_keepalive": lambda: scenario_http(args, False, "https"),
           "tls_bulk": lambda: scenario_tls_bulk(args)}[args.scenario]
    record = {"rep": args.rep, "target": args.target, "scenario": args.scenario}
    try:
        record["metrics"] = run()
    except Exception as e:  # one failed scenario is reported, not fatal to the whole run
        record["error"] = f"{type(e).__name__}: {e}"
        print(f"measure: {args.target} {args.scenario}: {record['error']}", file=sys.stderr)
    print(json.dumps(record), flush=True)


if __name__ == "__main__":
    main()
