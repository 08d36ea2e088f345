namespace Quill.Observation;

/// <summary>
/// The live status page at /: one self-contained HTML file (no framework, no external resource, so it works offline)
/// whose script reads /api/status every few seconds (?refresh=S, default 2) and draws servers, rates, the client
/// table, connections and recent errors. Rows are built with textContent, so nothing from the JSON is read as HTML.
/// </summary>
internal static class LivePage
{
    public const string Html = """
<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>quill status</title>
<style>
body{font-family:system-ui,sans-serif;margin:0;padding:0.8em;background:#fafafa;color:#222}
h1{font-size:1.3em;margin:0 0 0.3em}
h2{font-size:1.05em;margin:1em 0 0.3em}
.meta{color:#555;font-size:0.9em}
.wrap{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:0.9em;background:#fff}
th,td{padding:0.3em 0.5em;border-bottom:1px solid #ddd;text-align:right;white-space:nowrap}
th:first-child,td:first-child,.addr,.state{text-align:left}
.state-up{color:#176b2c;font-weight:bold}
.state-blacklisted,.state-down{color:#b00020;font-weight:bold}
.state-unused,.state-draining,.state-maint{color:#8a6d00;font-weight:bold}
#errors li{font-family:monospace;font-size:0.85em;margin:0.2em 0}
#stale{color:#b00020}
</style>
</head>
<body>
<h1>quill</h1>
<div class="meta"><span id="listen">-</span> · <span id="mode">-</span> · up <span id="uptime">-</span> · <span id="version"></span> <span id="stale"></span></div>
<h2>Servers</h2>
<div class="wrap"><table>
<thead><tr><th>#</th><th class="addr">address</th><th class="state">state</th><th>conn</th><th>total</th><th>sent</th><th>received</th><th>sent/s</th><th>received/s</th><th>max</th><th>weight</th><th>prio</th></tr></thead>
<tbody id="servers"></tbody>
</table></div>
<h2>Clients and connections</h2>
<div class="meta" id="clients">-</div>
<h2>Recent errors</h2>
<ul id="errors"></ul>
<script>
"use strict";
const refresh = Math.max(0.5, Number(new URLSearchParams(location.search).get("refresh")) || 2) * 1000;
let previous = null;
function bytes(n) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? n.toFixed(0) : n.toFixed(1)) + " " + units[i];
}
function cell(row, text, cls) {
  const td = document.createElement("td");
  td.textContent = text;
  if (cls) td.className = cls;
  row.appendChild(td);
}
function render(status) {
  const now = Date.parse(status.time);
  const seconds = previous ? Math.max(0.001, (now - previous.at) / 1000) : 0;
  document.getElementById("listen").textContent = (status.listen || "not listening") + " (" + status.transport + (status.http ? ", http" : "") + ")";
  document.getElementById("mode").textContent = Object.keys(status.mode).filter(m => status.mode[m]).join(" ") || "roundrobin scan";
  document.getElementById("uptime").textContent = Math.floor(status.uptime_seconds) + " s";
  document.getElementById("version").textContent = "quill " + status.version;
  const body = document.getElementById("servers");
  const rows = [];
  for (const s of status.servers) {
    const row = document.createElement("tr");
    row.className = "server";
    row.dataset.index = s.index;
    row.dataset.state = s.state;
    const before = previous && previous.servers[s.index];
    cell(row, s.index);
    cell(row, s.address + ":" + s.port, "addr");
    cell(row, s.state, "state state-" + s.state);
    cell(row, s.connections);
    cell(row, s.connections_total);
    cell(row, bytes(s.sent));
    cell(row, bytes(s.received));
    cell(row, before ? bytes(Math.max(0, s.sent - before.sent) / seconds) + "/s" : "-");
    cell(row, before ? bytes(Math.max(0, s.received - before.received) / seconds) + "/s" : "-");
    cell(row, s.max);
    cell(row, s.weight);
    cell(row, s.prio);
    rows.push(row);
  }
  body.replaceChildren(...rows);
  const c = status.connections;
  document.getElementById("clients").textContent =
    "client table " + status.clients.size + " of " + status.clients.capacity +
    " · connections open " + c.open + " of " + c.max + " · accepted " + c.accepted_total +
    " · refused by ACL " + c.refused_by_acl_total + (c.udp_sessions_total ? " · UDP sessions " + c.udp_sessions_total : "");
  const errors = document.getElementById("errors");
  const items = status.errors.slice().reverse().map(e => {
    const li = document.createElement("li");
    li.textContent = e.time.replace("T", " ").replace(/\..*$/, "") + " " + e.message;
    return li;
  });
  if (items.length === 0) { const li = document.createElement("li"); li.textContent = "none"; items.push(li); }
  errors.replaceChildren(...items);
  previous = { at: now, servers: status.servers };
  document.body.dataset.updated = String(Number(document.body.dataset.updated || 0) + 1);
}
async function tick() {
  try {
    const response = await fetch("api/status", { cache: "no-store" });
    render(await response.json());
    document.getElementById("stale").textContent = "";
  } catch (e) {
    document.getElementById("stale").textContent = "(no answer: " + e.message + ")";
  }
  setTimeout(tick, refresh);
}
tick();
</script>
</body>
</html>
""";
}
