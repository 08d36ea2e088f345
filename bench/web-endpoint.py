#!/usr/bin/env python3
"""Kestrel or quill's own web server for /metrics? Measures both serving the same scrape.

Publishes two NativeAOT programs from bench/web-endpoint/ that render the same /metrics with quill's
MetricsExposition (48 counter families, two servers each): handwritten-metrics (quill's web server,
src/Quill.Net/Web) and kestrel-metrics (ASP.NET Core's slim builder, logging off). quill itself
(with --web-listen) is measured beside them. For each: the executable's size, start-up from exec to
the first /metrics answer (median of --runs), RSS after that first answer, requests/s and CPU per
request under wrk (a new connection per request, as quill's endpoint answers one request per
connection; and keep-alive, which only Kestrel keeps), and RSS after the load.

The program runs alone on core 1, wrk on core 0, as in bench/run.sh; /metrics is on port
BENCH_PORT_BASE+950 (27950), quill also listens on +951. Run as root from anywhere:
  bench/web-endpoint.py [--quill BIN] [--built DIR] [--runs 5] [--seconds 5] [--out bench/results/web-endpoint.md]
"""
import argparse
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

BENCH = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(BENCH)
sys.path.insert(0, os.path.join(BENCH, "lib"))
import measure  # noqa: E402  (parse_wrk)
import procstat  # noqa: E402

PORT = int(os.environ.get("BENCH_PORT_BASE", "27000")) + 950


def publish(project, out, log):
    cmd = ["dotnet", "publish", project, "-c", "Release", "-o", out]
    with open(log, "w") as f:
        done = subprocess.run(cmd, stdout=f, stderr=subprocess.STDOUT, timeout=1200)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed; see {log}")


def scrape(port, timeout=1.0):
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=timeout) as answer:
        return answer.read()


def start(argv):
    return subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True, preexec_fn=lambda: os.sched_setaffinity(0, {1}))


def first_answer(proc, port):
    """Waits until /metrics answers (the caller started proc just before)."""
    t0 = time.perf_counter()
    while True:
        try:
            scrape(port, 0.5)
            return
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError(f"exited with {proc.returncode} before answering")
            if time.perf_counter() - t0 > 15:
                raise RuntimeError("no /metrics answer within 15 s")
            time.sleep(0.0005)


def wrk(port, pid, seconds, close):
    cmd = ["taskset", "-c", "0", "wrk", "-t1", "-c10", f"-d{seconds}s", "--latency", "--timeout", "5s"]
    if close:
        cmd += ["-H", "Connection: close"]
    cmd.append(f"http://127.0.0.1:{port}/metrics")
    before = procstat.cpu_ticks(pid)
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, timeout=seconds + 30).stdout
    result = measure.parse_wrk(out)
    cpu = (procstat.cpu_ticks(pid) - before) / procstat.CLK_TCK
    result["cpu_us_per_req"] = cpu / result["requests"] * 1e6 if result["requests"] else None
    return result


def measure_one(name, argv, executable, runs, seconds):
    startups = []
    for _ in range(runs):
        t0 = time.perf_counter()
        proc = start(argv)
        try:
            first_answer(proc, PORT)
            startups.append((time.perf_counter() - t0) * 1e3)
        finally:
            measure.stop_group(proc)
    proc = start(argv)
    try:
        first_answer(proc, PORT)
        size = len(scrape(PORT))
        time.sleep(1)
        rss_idle = procstat.rss_kib(proc.pid) / 1024
        close = wrk(PORT, proc.pid, seconds, close=True)
        keep = wrk(PORT, proc.pid, seconds, close=False)
        rss_loaded = procstat.rss_kib(proc.pid) / 1024
    finally:
        measure.stop_group(proc)
    return {"name": name, "binary_mib": os.path.getsize(executable) / (1 << 20), "startup_ms": statistics.median(startups),
            "startups": startups, "rss_idle_mib": rss_idle, "rss_loaded_mib": rss_loaded, "scrape_bytes": size,
            "close": close, "keep": keep}


def row(r):
    c, k = r["close"], r["keep"]
    return (f"| {r['name']} | {r['binary_mib']:.1f} | {r['startup_ms']:.1f} | {r['rss_idle_mib']:.1f} | "
            f"{c['rps']:,.0f} | {c['p99_ms']:.2f} | {c['cpu_us_per_req']:.0f} | {k['rps']:,.0f} | {k['cpu_us_per_req']:.0f} | "
            f"{r['rss_loaded_mib']:.1f} | {c['errors'] + k['errors']} |")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--quill", help="a quill executable (default: publish src/Quill with NativeAOT)")
    p.add_argument("--built", help="a directory with handwritten/ and kestrel/ published already (default: publish now)")
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--seconds", type=int, default=5)
    p.add_argument("--out", help="also write the markdown table here")
    args = p.parse_args()
    work = tempfile.mkdtemp(prefix="quill-web-endpoint-")
    try:
        bins = {}
        for name, project in (("handwritten", "HandWritten"), ("kestrel", "Kestrel")):
            out = os.path.join(args.built or work, name)
            if not args.built:
                publish(os.path.join(BENCH, "web-endpoint", project), out, os.path.join(work, f"{name}.log"))
            bins[name] = os.path.join(out, f"{name}-metrics")
        quill = args.quill
        if not quill:
            publish(os.path.join(REPO, "src", "Quill"), os.path.join(work, "quill"), os.path.join(work, "quill.log"))
            quill = os.path.join(work, "quill", "quill")
        listen = PORT + 1
        results = [
            measure_one("quill's web server alone (handwritten-metrics)", [bins["handwritten"], str(PORT)], bins["handwritten"], args.runs, args.seconds),
            measure_one("Kestrel, slim builder (kestrel-metrics)", [bins["kestrel"], str(PORT)], bins["kestrel"], args.runs, args.seconds),
            measure_one("quill itself, --web-listen (its own /metrics)",
                        [quill, "-f", "--web-listen", f"127.0.0.1:{PORT}", f"127.0.0.1:{listen}", f"127.0.0.1:{listen + 1}"],
                        quill, args.runs, args.seconds),
        ]
    finally:
        shutil.rmtree(work, ignore_errors=True)
    lines = [f"Machine: {os.cpu_count()} cores, {platform.machine()}, Linux {platform.release()}; "
             f"the program on core 1, wrk on core 0; {args.runs} starts, wrk windows of {args.seconds} s with 10 connections.",
             "",
             "| server | executable, MiB | start-up to first /metrics answer, ms | RSS after it, MiB | "
             "req/s, new connection each | p99, ms | CPU µs/req | req/s, keep-alive | CPU µs/req | RSS after load, MiB | wrk errors |",
             "|---|---|---|---|---|---|---|---|---|---|---|"] + [row(r) for r in results]
    lines += ["", "Scrape sizes: " + ", ".join(f"{r['name'].split(' (')[0]} {r['scrape_bytes']:,} bytes" for r in results) + ".",
              "Start-up samples, ms: " + "; ".join(f"{r['name'].split(' (')[0]}: " + ", ".join(f"{s:.1f}" for s in r["startups"]) for r in results) + "."]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text)


if __name__ == "__main__":
    main()
