#!/usr/bin/env python3
"""Turns the raw records of one run into latest.md (tables of medians), latest.json and
latest.csv (every number), and the data file that plot.gp draws."""
import argparse
import csv
import json
import statistics

# (scenario, metric key, label, decimals). Order here is the order of the table.
ROWS = [
    ("close", "rps", "a. new conn/request: req/s", 0),
    ("close", "p50_ms", "a. new conn/request: p50 latency, ms", 2),
    ("close", "p99_ms", "a. new conn/request: p99 latency, ms", 2),
    ("close", "cpu_us_per_req", "a. new conn/request: balancer CPU µs/request", 1),
    ("close", "cpu_pct", "a. new conn/request: balancer core busy, %", 0),
    ("close", "errors", "a. new conn/request: wrk errors", 0),
    ("close_proxy", "rps", "a2. as a, PROXY v2 to backends: req/s", 0),
    ("close_proxy", "p50_ms", "a2. as a, PROXY v2 to backends: p50 latency, ms", 2),
    ("close_proxy", "p99_ms", "a2. as a, PROXY v2 to backends: p99 latency, ms", 2),
    ("close_proxy", "cpu_us_per_req", "a2. as a, PROXY v2 to backends: balancer CPU µs/request", 1),
    ("close_proxy", "cpu_pct", "a2. as a, PROXY v2 to backends: balancer core busy, %", 0),
    ("close_proxy", "errors", "a2. as a, PROXY v2 to backends: wrk errors", 0),
    ("keepalive", "rps", "b. keep-alive: req/s", 0),
    ("keepalive", "p99_ms", "b. keep-alive: p99 latency, ms", 2),
    ("keepalive", "cpu_us_per_req", "b. keep-alive: balancer CPU µs/request", 2),
    ("keepalive", "cpu_pct", "b. keep-alive: balancer core busy, %", 0),
    ("keepalive", "errors", "b. keep-alive: wrk errors", 0),
    ("keepalive_scrape", "rps", "b2. as b, /metrics scraped every 100 ms: req/s", 0),
    ("keepalive_scrape", "p99_ms", "b2. as b, /metrics scraped every 100 ms: p99 latency, ms", 2),
    ("keepalive_scrape", "cpu_us_per_req", "b2. as b, /metrics scraped every 100 ms: balancer CPU µs/request", 2),
    ("keepalive_scrape", "cpu_pct", "b2. as b, /metrics scraped every 100 ms: balancer core busy, %", 0),
    ("keepalive_scrape", "errors", "b2. as b, /metrics scraped every 100 ms: wrk errors", 0),
    ("keepalive_scrape", "scrapes", "b2. scrapes answered", 0),
    ("keepalive_scrape", "scrape_failures", "b2. scrapes failed", 0),
    ("keepalive_scrape", "scrape_p50_ms", "b2. scrape time, median ms", 2),
    ("keepalive_scrape", "scrape_bytes", "b2. scrape size, bytes", 0),
    ("bulk", "gbps", "c. bulk, 1 stream: Gbit/s", 2),
    ("bulk", "cpu_s_per_gib", "c. bulk: balancer CPU s/GiB", 3),
    ("bulk", "core_s_per_gib", "c. bulk: balancer's core busy s/GiB (kernel work outside the process included)", 3),
    ("bulk", "cpu_pct", "c. bulk: balancer core busy, %", 0),
    ("idle", "alive", "d. idle: connections answering (of {idle_count})", 0),
    ("idle", "rss_base_mib", "d. idle: balancer RSS before, MiB", 1),
    ("idle", "rss_mib", "d. idle: balancer RSS with {idle_count} held, MiB", 1),
    ("startup", "startup_ms", "e. start-up to accepting, ms", 1),
    ("keepalive_xff", "rps", "f. keep-alive, X-Forwarded-For: req/s", 0),
    ("keepalive_xff", "p99_ms", "f. keep-alive, X-Forwarded-For: p99 latency, ms", 2),
    ("keepalive_xff", "cpu_us_per_req", "f. keep-alive, X-Forwarded-For: balancer CPU µs/request", 2),
    ("keepalive_xff", "cpu_pct", "f. keep-alive, X-Forwarded-For: balancer core busy, %", 0),
    ("keepalive_xff", "errors", "f. keep-alive, X-Forwarded-For: wrk errors", 0),
    ("tls_handshake_ecdsa", "handshakes_per_s", "g. TLS 1.3, ECDSA P-256, new connection/request: handshakes/s", 0),
    ("tls_handshake_ecdsa", "cpu_us_per_handshake", "g. TLS 1.3, ECDSA P-256: balancer CPU µs/handshake", 0),
    ("tls_handshake_ecdsa", "handshakes_per_cpu_s", "g. TLS 1.3, ECDSA P-256: handshakes per balancer CPU-second", 0),
    ("tls_handshake_ecdsa", "cpu_pct", "g. TLS 1.3, ECDSA P-256: balancer core busy, %", 0),
    ("tls_handshake_rsa", "handshakes_per_s", "g. TLS 1.3, RSA-2048, new connection/request: handshakes/s", 0),
    ("tls_handshake_rsa", "cpu_us_per_handshake", "g. TLS 1.3, RSA-2048: balancer CPU µs/handshake", 0),
    ("tls_handshake_rsa", "handshakes_per_cpu_s", "g. TLS 1.3, RSA-2048: handshakes per balancer CPU-second", 0),
    ("tls_handshake_rsa", "cpu_pct", "g. TLS 1.3, RSA-2048: balancer core busy, %", 0),
    ("tls_keepalive", "rps", "g. TLS keep-alive: req/s", 0),
    ("tls_keepalive", "p99_ms", "g. TLS keep-alive: p99 latency, ms", 2),
    ("tls_keepalive", "cpu_us_per_req", "g. TLS keep-alive: balancer CPU µs/request", 2),
    ("tls_keepalive", "cpu_pct", "g. TLS keep-alive: balancer core busy, %", 0),
    ("tls_keepalive", "errors", "g. TLS keep-alive: wrk errors", 0),
    ("tls_bulk", "gbps", "g. TLS bulk, 1 download: Gbit/s", 2),
    ("tls_bulk", "cpu_s_per_gib", "g. TLS bulk: balancer CPU s/GiB", 3),
    ("tls_bulk", "cpu_pct", "g. TLS bulk: balancer core busy, %", 0),
]
# Chart panels: (scenario, metric key, title, label format). plot.gp draws them in this order.
PANELS = [
    ("close", "rps", "a. new connection per request: req/s", "%.0f"),
    ("close", "p99_ms", "a. new connection per request: p99 ms", "%.2f"),
    ("close", "cpu_us_per_req", "a. balancer CPU per request: µs", "%.1f"),
    ("keepalive", "rps", "b. keep-alive: req/s", "%.0f"),
    ("keepalive", "cpu_us_per_req", "b. balancer CPU per request: µs", "%.2f"),
    ("bulk", "gbps", "c. bulk, one stream: Gbit/s", "%.2f"),
    ("idle", "rss_mib", "d. balancer RSS with {idle_count} idle: MiB", "%.1f"),
    ("startup", "startup_ms", "e. start-up to accepting: ms", "%.1f"),
    ("keepalive_xff", "rps", "f. keep-alive, X-Forwarded-For: req/s", "%.0f"),
    ("keepalive_xff", "cpu_us_per_req", "f. balancer CPU per request: µs", "%.2f"),
    ("tls_handshake_ecdsa", "cpu_us_per_handshake", "g. TLS 1.3 ECDSA: balancer CPU per handshake, µs", "%.0f"),
    ("tls_bulk", "gbps", "g. TLS bulk, one download: Gbit/s", "%.2f"),
]
COLOURS = {"quill": 1, "pen": 2, "haproxy": 3, "nginx": 4, "direct": 5}


def read_meta(path):
    meta = {}
    with open(path) as f:
        for line in f:
            key, _, value = line.rstrip("\n").partition("\t")
            meta[key] = value
    return meta


def read_records(path):
    with open(path) as f:
        return [json.loads(line) for line in f if line.strip()]


def derived(metrics):
    """Adds cpu_pct (balancer core busy) next to cpu_util."""
    if metrics.get("cpu_util") is not None:
        metrics["cpu_pct"] = metrics["cpu_util"] * 100
    return metrics


def collect(records):
    """values[(target, scenario, key)] = list of per-repetition numbers."""
    values = {}
    for r in records:
        for key, v in derived(dict(r.get("metrics", {}))).items():
            if isinstance(v, (int, float)):
                values.setdefault((r["target"], r["scenario"], key), []).append(float(v))
    return values


def fmt(v, decimals):
    return f"{v:,.{decimals}f}"


def cell(vals, decimals):
    if not vals:
        return "—"
    med = fmt(statistics.median(vals), decimals)
    if len(vals) == 1:
        return med
    return f"{med} ({fmt(min(vals), decimals)}–{fmt(max(vals), decimals)})"


def ratio(vals, ref):
    if not vals or not ref or statistics.median(ref) == 0:
        return "—"
    return f"×{statistics.median(vals) / statistics.median(ref):.2f}"


def markdown(meta, targets, values, records):
    n = f"{int(meta.get('idle_count', '9000')):,}"

    def label(text):
        return text.format(idle_count=n)

    out = [f"# Quill benchmark — {meta['date']}", ""]
    reps = f"{meta['reps']} repetition" + ("" if str(meta['reps']) == "1" else "s")
    mode = f"quick smoke run, {reps} of short windows" if meta.get("quick") == "1" else reps
    out += [f"Machine: {meta['nproc']} cores, {meta['cpu']}, {meta['kernel']} ({meta['os']}). "
            f"Other load: the cores were {meta.get('busy_before', '?')} % busy in the 3 s before the run and "
            f"{meta.get('busy_after', '?')} % after it.",
            f"Run: {mode}, targets alternating; HTTP windows {meta['http_seconds']} s, bulk "
            f"{meta['bulk_seconds']} s, {n} idle connections, "
            f"{meta['startup_runs']} starts per repetition; took {meta.get('duration_seconds', '?')} s.",
            "Load generator and backends on core 0, the balancer alone on core 1.", "",
            "Versions: " + "; ".join([
                f"quill {meta['version_quill']} — {meta['quill_build']}",
                f"pen {meta['version_pen']}", f"haproxy {meta['version_haproxy']}",
                f"nginx {meta['version_nginx']}", f"wrk {meta['version_wrk']}",
                f"iperf3 {meta['version_iperf3']}", f"gnuplot {meta['version_gnuplot']}",
                f".NET SDK {meta['version_dotnet']}", f"python {meta['version_python']}"]) + ".", ""]
    busy = [int(meta[k]) for k in ("busy_before", "busy_after") if meta.get(k, "").isdigit()]
    if busy and max(busy) > 10:
        out += [f"**The machine was busy around this run (up to {max(busy)} % of the cores with nothing of the "
                "benchmark's running): other processes competed for the cores, so expect wide ranges and treat "
                "differences that the ranges do not separate as noise.**", ""]
    if "quill" not in targets:
        out += [f"**quill is not in this run: {meta['quill_build']}.**", ""]
    out += ["## Medians (min–max over repetitions)", "",
            "| metric | " + " | ".join(targets) + " |", "|---|" + "---:|" * len(targets)]
    for scenario, key, text, dec in ROWS:
        cells = [cell(values.get((t, scenario, key), []), dec) for t in targets]
        if all(c == "—" for c in cells):
            continue
        out.append(f"| {label(text)} | " + " | ".join(cells) + " |")
    others = [t for t in targets if t != "direct"]
    out += ["", "## Ratios of medians: target ÷ direct / target ÷ pen", "",
            "Above 1 is better for req/s, Gbit/s and connections; below 1 is better for latency, CPU, RSS "
            "and start-up. Direct has no balancer, so CPU, RSS and start-up have no direct ratio.", "",
            "| metric | " + " | ".join(others) + " |", "|---|" + "---:|" * len(others)]
    for scenario, key, text, _ in ROWS:
        if key in ("errors", "cpu_pct", "alive", "rss_base_mib", "handshakes_per_cpu_s"):
            continue
        cells = []
        for t in others:
            v = values.get((t, scenario, key), [])
            cells.append(f"{ratio(v, values.get(('direct', scenario, key)))} / "
                         f"{ratio(v, values.get(('pen', scenario, key)))}")
        if all(c == "— / —" for c in cells):
            continue
        out.append(f"| {label(text)} | " + " | ".join(cells) + " |")
    failures = [r for r in records if "error" in r]
    if failures:
        out += ["", "## Failed measurements", ""]
        out += [f"- rep {r['rep']}, {r['target']}, {r['scenario']}: {r['error']}" for r in failures]
    out += ["", "Raw numbers: latest.json and latest.csv beside this file; chart: latest.png. "
            "How to read this: ../README.md.", ""]
    return "\n".join(out)


def write_plot_data(path, meta, targets, values):
    """One block per panel with rows: target median min max colour; titles in PATH.gp."""
    n = f"{int(meta.get('idle_count', '9000')):,}"
    blocks, header = [], []
    for scenario, key, title, label_fmt in PANELS:
        rows = []
        for t in targets:
            v = values.get((t, scenario, key))
            if v:
                rows.append(f'"{t}" {statistics.median(v):.6g} {min(v):.6g} {max(v):.6g} {COLOURS[t]}')
        if rows:
            blocks.append("\n".join(rows))
            i = len(blocks)
            header.append(f'title_{i} = "{title.format(idle_count=n)}"')
            header.append(f'fmt_{i} = "{label_fmt}"')
    with open(path, "w") as f:
        f.write("\n\n\n".join(blocks) + "\n")
    build = meta["quill_build"].split(" (")[0]  # e.g. "NativeAOT", or why quill is missing
    header += [f"npanels = {len(blocks)}",
               f'suptitle = "Quill benchmark {meta["date"]}, {meta["nproc"]} cores, quill: {build}; '
               f'bars: median, lines: min-max over {meta["reps"]} repetition(s)"']
    with open(path + ".gp", "w") as f:
        f.write("\n".join(header) + "\n")


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--meta", required=True)
    p.add_argument("--raw", required=True)
    p.add_argument("--targets", required=True, help="space-separated, in column order")
    p.add_argument("--out", required=True, help="path prefix: writes PREFIX.md, .json, .csv")
    p.add_argument("--plot-data", required=True)
    args = p.parse_args()
    meta, records = read_meta(args.meta), read_records(args.raw)
    targets = args.targets.split()
    values = collect(records)
    with open(args.out + ".md", "w") as f:
        f.write(markdown(meta, targets, values, records))
    with open(args.out + ".json", "w") as f:
        json.dump({"meta": meta, "records": records}, f, indent=1)
        f.write("\n")
    with open(args.out + ".csv", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["rep", "target", "scenario", "metric", "value"])
        for r in records:
            for key, v in r.get("metrics", {}).items():
                if isinstance(v, (int, float)):
                    w.writerow([r["rep"], r["target"], r["scenario"], key, v])
    write_plot_data(args.plot_data, meta, targets, values)


if __name__ == "__main__":
    main()
