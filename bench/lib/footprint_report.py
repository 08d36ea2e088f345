#!/usr/bin/env python3
"""Turns footprint.py's records into footprint.md (medians, min-max, ratio to pen) and footprint.json."""
import argparse
import json
import statistics


def read_meta(path):
    with open(path) as f:
        return dict(line.rstrip("\n").split("\t", 1) for line in f if "\t" in line)


def cell(values, fmt):
    if not values:
        return "—"
    med = statistics.median(values)
    return fmt.format(med) if len(values) == 1 else f"{fmt.format(med)} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--meta", required=True)
    p.add_argument("--raw", required=True)
    p.add_argument("--out", required=True, help="path without extension")
    args = p.parse_args()
    meta = read_meta(args.meta)
    with open(args.raw) as f:
        records = [json.loads(line) for line in f if line.strip()]
    names, by_name = [], {}
    for r in records:
        if r["name"] not in by_name:
            names.append(r["name"])
        by_name.setdefault(r["name"], []).append(r)

    def values(name, key):
        return [r["metrics"][key] for r in by_name.get(name, []) if "metrics" in r]

    pen_held = values("pen", "rss_held_mib")
    pen_median = statistics.median(pen_held) if pen_held else None
    count = int(meta["count"])
    lines = [
        f"# Quill footprint — {meta['date']}",
        "",
        f"Machine: {meta['nproc']} cores, {meta['cpu']}, {meta['kernel']} ({meta['os']}). "
        f"Other load: the cores were {meta['busy_before']} % busy in the 3 s before the run and {meta['busy_after']} % after it.",
        f"Run: {meta['reps']} repetition(s), {count:,} idle connections"
        + (f" (not the {int(meta['requested']):,} asked for: ulimit -n is {meta['ulimit_n']}, and quill keeps 2 descriptors per connection beside its reserve and pipes)"
           if meta["requested"] != meta["count"] else "")
        + f"; load before \"after a and b\": {meta['load_seconds']} s of each. Each configuration a fresh process on core 1, the client and backends on core 0.",
        "",
        f"Versions: quill {meta['version_quill']} — {meta['quill_build']}; pen {meta['version_pen']}; wrk {meta['version_wrk']}; python {meta['version_python']}.",
        "",
        f"| configuration | answering (of {count:,}) | RSS idle, MiB | RSS with {count:,} held, MiB | held ÷ pen | command |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name in names:
        held = values(name, "rss_held_mib")
        ratio = f"×{statistics.median(held) / pen_median:.2f}" if held and pen_median else "—"
        errors = [r["error"] for r in by_name[name] if "error" in r]
        words = by_name[name][0]["argv"].split()
        command = " ".join([words[0].rsplit("/", 1)[-1]] + words[1:]).replace(meta["work"], "")
        lines.append(f"| {name} | {cell(values(name, 'alive'), '{:,.0f}')} | {cell(values(name, 'rss_idle_mib'), '{:.1f}')} | "
                     f"{cell(held, '{:.1f}')} | {ratio} | `{command}`{' — failed: ' + errors[0] if errors else ''} |")
    lines += ["", "Medians (min–max over repetitions). RSS is VmRSS from /proc/PID/status; it counts the program's "
              "file pages (its binary and shared libraries) as well as its own memory. How to run it: ../README.md."]
    with open(args.out + ".md", "w") as f:
        f.write("\n".join(lines) + "\n")
    with open(args.out + ".json", "w") as f:
        json.dump({"meta": meta, "records": records}, f, indent=1)


if __name__ == "__main__":
    main()
