#!/usr/bin/env python3
"""Cost of one /metrics scrape with many servers and many open connections.

Starts quill with SERVERS server entries (all pointing at one holding backend in this script), opens CONNECTIONS
client connections through it and keeps them open, then scrapes /metrics SCRAPES times with curl and reports the
scrape's size, its wall time (curl's time_total) and quill's CPU time per scrape (utime+stime from /proc/PID/stat).

usage: bench/scrape-cost.py QUILL_EXECUTABLE [SERVERS [CONNECTIONS [SCRAPES]]]
Each connection costs quill two descriptors (client and server, its budget), and this script two more: the client
socket here and the held backend socket in a forked holder process, so each process needs one per connection. Under a
descriptor limit of 20,000 quill holds about 9,680; ask for more and the rest wait in the backlog (the report says how
many were held).
"""
import multiprocessing, os, resource, socket, statistics, subprocess, sys, time

quill = sys.argv[1]
servers = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
connections = int(sys.argv[3]) if len(sys.argv) > 3 else 9600
scrapes = int(sys.argv[4]) if len(sys.argv) > 4 else 20
resource.setrlimit(resource.RLIMIT_NOFILE, resource.getrlimit(resource.RLIMIT_NOFILE)[1:] * 2)

def free_port():
    s = socket.socket(); s.bind(("127.0.0.1", 0)); p = s.getsockname()[1]; s.close(); return p

backend = socket.socket(); backend.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
backend.bind(("127.0.0.1", 0)); backend.listen(4096); bport = backend.getsockname()[1]
held_count = multiprocessing.Value("i", 0)
def hold():  # in its own process, so the held sockets do not share this process's descriptor limit with the clients
    held = []
    while True:
        try: held.append(backend.accept()[0])
        except OSError: return
        with held_count.get_lock(): held_count.value = len(held)
holder = multiprocessing.get_context("fork").Process(target=hold, daemon=True); holder.start()
backend.close()

listen, web = free_port(), free_port()
args = [quill, "-f", "-r", "-x", str(connections + 100), "--web-listen", f"127.0.0.1:{web}", f"127.0.0.1:{listen}"]
args += [f"127.0.0.1:{bport}"] * servers
proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
deadline = time.time() + 30
while time.time() < deadline:  # the web endpoint opens (with -o) before the listener: wait for both
    try:
        socket.create_connection(("127.0.0.1", web), timeout=1).close()
        socket.create_connection(("127.0.0.1", listen), timeout=1).close()
        break
    except OSError: time.sleep(0.1)

clients = []
for i in range(connections):
    c = socket.socket(); c.bind((f"127.0.0.{2 + i % 200}", 0)); c.connect(("127.0.0.1", listen)); clients.append(c)
deadline = time.time() + 60
while held_count.value < connections and time.time() < deadline: time.sleep(0.1)

def cpu_seconds():
    fields = open(f"/proc/{proc.pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

def scrape():
    out = subprocess.run(["curl", "-s", "--noproxy", "*", "-o", "/tmp/quill-scrape.txt", "-w", "%{time_total} %{size_download}",
                          f"http://127.0.0.1:{web}/metrics"], capture_output=True, text=True, check=True).stdout.split()
    return float(out[0]), int(out[1])

for _ in range(3): scrape()  # warm-up (JIT, first allocations)
before, started = cpu_seconds(), time.time()
times = [scrape() for _ in range(scrapes)]
after, took = cpu_seconds(), time.time() - started
# What quill spends anyway in that time (the once-a-second traffic sweep over every connection...), measured after.
time.sleep(took)
idle = cpu_seconds() - after
open_line = next(l for l in open("/tmp/quill-scrape.txt") if l.startswith("quill_connections_open "))
print(f"servers {servers}, connections held {held_count.value} ({open_line.strip()}), scrape {times[0][1]} bytes, "
      f"{sum(1 for _ in open('/tmp/quill-scrape.txt'))} lines")
print(f"wall per scrape (curl time_total): median {statistics.median(t for t, _ in times) * 1000:.1f} ms, "
      f"max {max(t for t, _ in times) * 1000:.1f} ms; quill CPU per scrape: {(after - before - idle) / scrapes * 1000:.1f} ms "
      f"({scrapes} scrapes in {took:.1f} s; {idle * 1000:.0f} ms of CPU spent without scrapes in as long, subtracted)")
proc.terminate(); proc.wait(10); holder.terminate()
