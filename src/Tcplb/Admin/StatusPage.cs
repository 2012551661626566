namespace Tcplb.Admin;

/// <summary>The <c>/</c> page: self-contained HTML (no external assets) that renders <c>/status</c> every two seconds.</summary>
internal static class StatusPage
{
    public const string Html = """
        <!doctype html>
        <html lang="en">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>tcplb status</title>
        <style>
          body { font: 14px/1.4 system-ui, sans-serif; margin: 2em; color: #222; background: #fafafa; }
          h1 { font-size: 1.4em; margin: 0 0 .2em; }
          .summary { color: #555; margin-bottom: 1em; }
          table { border-collapse: collapse; background: #fff; box-shadow: 0 1px 3px #0002; }
          th, td { padding: .45em .9em; text-align: right; border-bottom: 1px solid #eee; white-space: nowrap; }
          th:nth-child(-n+5), td:nth-child(-n+5) { text-align: left; }
          th { background: #f0f0f0; font-weight: 600; }
          .up { color: #0a7d2c; font-weight: 600; }
          .down, .cooldown { color: #b3261e; font-weight: 600; }
          .draining, .backup { color: #8a5a00; font-weight: 600; }
          .check { color: #555; }
          .error { color: #b3261e; }
        </style>
        </head>
        <body>
        <h1>tcplb</h1>
        <div class="summary" id="summary">loading…</div>
        <table>
          <thead><tr><th>server</th><th>host</th><th>routes</th><th>state</th><th>check</th><th>weight</th><th>active</th><th>limit</th><th>total</th>
          <th>failures</th><th>sent</th><th>received</th></tr></thead>
          <tbody id="servers"></tbody>
        </table>
        <script>
        const bytes = n => n < 1024 ? n + ' B' : n < 1048576 ? (n / 1024).toFixed(1) + ' KiB'
          : n < 1073741824 ? (n / 1048576).toFixed(1) + ' MiB' : (n / 1073741824).toFixed(2) + ' GiB';
        function cell(row, text, cls) { const td = row.insertCell(); td.textContent = text; if (cls) td.className = cls; }
        async function refresh() {
          try {
            const status = await (await fetch('status', { cache: 'no-store' })).json();
            const c = status.connections;
            document.getElementById('summary').textContent =
              `${status.accepting ? 'accepting' : 'draining'} · ${c.active} active · ${c.total} total · ` +
              `${c.rejected} rejected · ${status.queue.length} queued · up ${Math.round(status.uptime_seconds)} s`;
            const body = document.getElementById('servers');
            body.replaceChildren();
            for (const s of status.servers) {
              const row = body.insertRow();
              cell(row, s.address);
              cell(row, s.host);
              cell(row, s.routes.join(', '));
              cell(row, s.state === 'cooldown' ? `cooldown (${s.cooldown_seconds} s)` : s.state, 'state ' + s.state);
              cell(row, s.check === 'none' ? '-' : `${s.check} ${s.check_ms} ms`, 'check ' + s.check);
              cell(row, s.weight);
              cell(row, s.active);
              cell(row, s.max_connections || '-');
              cell(row, s.total);
              cell(row, s.connect_failures);
              cell(row, bytes(s.bytes_sent));
              cell(row, bytes(s.bytes_received));
            }
          } catch (e) {
            document.getElementById('summary').innerHTML = '<span class="error">cannot reach tcplb</span>';
          }
        }
        refresh();
        setInterval(refresh, 2000);
        </script>
        </body>
        </html>
        """;
}
