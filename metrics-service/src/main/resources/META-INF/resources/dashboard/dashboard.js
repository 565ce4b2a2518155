'use strict';
// Live fleet dashboard: one JSON frame per tick from /api/stream (Server-Sent Events).
const HISTORY = 120;
const throughput = [];
const $ = (id) => document.getElementById(id);
const fmt = (v, digits = 1) => (v === null || v === undefined || Number.isNaN(v)) ? '–' : Number(v).toFixed(digits);
const esc = (s) => String(s).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }[c]));
let servicesKnown = false;

function renderServices(services) {
  const rows = services.map((s) => `<tr data-service="${esc(s.service)}">
    <td><span class="dot ${esc(s.status)}" title="${esc(s.status)}"></span></td>
    <td>${esc(s.service)}${s.faultActive ? ' ⚡' : ''}</td>
    <td class="rps">${fmt(s.requestsPerSecond, 2)}</td>
    <td>${s.errorRatio === null ? '–' : fmt(s.errorRatio * 100, 2)}</td>
    <td>${fmt(s.p50Ms)}</td><td>${fmt(s.p95Ms)}</td><td>${fmt(s.p99Ms)}</td>
    <td>${s.cpu === null ? '–' : fmt(s.cpu * 100)}</td>
    <td>${s.heapUsedBytes === null ? '–' : fmt(s.heapUsedBytes / 1048576, 0)}</td>
    <td class="small">${esc((s.reasons || []).join('; '))}</td></tr>`);
  $('services').querySelector('tbody').innerHTML = rows.join('');
  if (!servicesKnown && services.length) {
    $('fault-service').innerHTML = services.map((s) => `<option>${esc(s.service)}</option>`).join('');
    servicesKnown = true;
  }
}

function renderThroughput(services) {
  const total = services.reduce((sum, s) => sum + (s.requestsPerSecond || 0), 0);
  throughput.push(total);
  if (throughput.length > HISTORY) throughput.shift();
  const c = $('throughput');
  const g = c.getContext('2d');
  g.clearRect(0, 0, c.width, c.height);
  const max = Math.max(1, ...throughput) * 1.1;
  g.strokeStyle = '#30363d';
  g.fillStyle = '#6e7681';
  g.font = '11px sans-serif';
  for (let i = 0; i <= 4; i++) {
    const y = c.height - (c.height - 10) * i / 4;
    g.beginPath(); g.moveTo(30, y); g.lineTo(c.width, y); g.stroke();
    g.fillText((max * i / 4).toFixed(max < 10 ? 1 : 0), 0, y);
  }
  g.strokeStyle = '#58a6ff';
  g.lineWidth = 2;
  g.beginPath();
  throughput.forEach((v, i) => {
    const x = 30 + (c.width - 30) * i / (HISTORY - 1);
    const y = c.height - (c.height - 10) * v / max;
    if (i === 0) g.moveTo(x, y); else g.lineTo(x, y);
  });
  g.stroke();
  c.dataset.last = total.toFixed(3);
}

function renderBudgets(slos) {
  $('budgets').innerHTML = slos.map((s) => {
    if (s.budgetRemaining === null) {
      return `<div class="budget-row">${esc(s.objective)} <span class="muted">no data</span></div><div class="bar"></div>`;
    }
    const used = Math.min(1, Math.max(0, s.budgetConsumed));
    const color = used > 0.9 ? '#f85149' : used > 0.7 ? '#d29922' : '#2ea043';
    const burn = s.burnRates['5m'] === null ? '–' : fmt(s.burnRates['5m'], 1) + '×';
    return `<div class="budget-row">${esc(s.objective)}: ${fmt(used * 100, 2)} % used · burn 5m ${burn} · ${esc(s.state)}</div>
      <div class="bar"><div style="width:${(used * 100).toFixed(2)}%;background:${color}"></div></div>`;
  }).join('');
}

function renderAlerts(alerts) {
  $('alerts').innerHTML = alerts.length === 0 ? '<li class="muted">none</li>' : alerts.map((a) =>
    `<li class="${esc(a.state)}">${esc(a.state)} ${esc(a.objective)} — burn 1h ${fmt(a.burnRates['1h'])}×, 5m ${fmt(a.burnRates['5m'])}×</li>`).join('');
}

function renderLag(lag) {
  if (!lag || !lag.partitions.length) {
    $('lag').innerHTML = `<span class="muted">${esc(lag && lag.error ? lag.error : 'no data')}</span>`;
    return;
  }
  const max = Math.max(1, ...lag.partitions.map((p) => p.lag));
  const groups = {};
  lag.partitions.forEach((p) => (groups[p.group] = groups[p.group] || []).push(p));
  $('lag').innerHTML = Object.entries(groups).map(([group, parts]) =>
    `<div class="small">${esc(group)}: ${lag.totalByGroup[group]} records</div>` + parts.map((p) =>
      `<div class="bar" title="${esc(p.topic)}-${p.partition}: ${p.lag}"><div style="width:${(100 * p.lag / max).toFixed(1)}%;background:#58a6ff"></div></div>`).join('')).join('');
}

function renderPools(services) {
  const html = services.filter((s) => s.pools && s.pools.length).map((s) => s.pools.map((p) => {
    const slots = [];
    for (let i = 0; i < p.max; i++) slots.push(`<div class="slot ${i < p.active ? 'active' : 'idle'}"></div>`);
    return `<div class="small">${esc(s.service)} (${esc(p.name)}): ${p.active}/${p.max} active, ${p.waiting} waiting</div><div class="grid">${slots.join('')}</div>`;
  }).join('')).join('');
  $('pools').innerHTML = html || '<span class="muted">no pool metrics scraped</span>';
}

function renderStatements(report) {
  if (!report || !report.available) {
    $('statements').innerHTML = `<span class="muted">not available: ${esc(report ? report.reason : '')}</span>`;
    return;
  }
  $('statements').innerHTML = '<table><tr><th>mean ms</th><th>calls</th><th>query</th></tr>' + report.statements.map((s) =>
    `<tr class="${s.slow ? 'slow' : ''}"><td>${fmt(s.meanMs)}</td><td>${s.calls}</td><td style="text-align:left">${esc(s.query.slice(0, 90))}</td></tr>`).join('') + '</table>';
}

const SERVICE_COLORS = ['#58a6ff', '#a371f7', '#3fb950', '#d29922', '#f778ba', '#79c0ff'];
function renderTrace(trace) {
  if (!trace) return;
  const services = [...new Set(trace.spans.map((s) => s.service))];
  const total = Math.max(trace.durationMs, 0.001);
  $('trace').className = '';
  $('trace').innerHTML = `<div class="small">trace ${esc(trace.traceId)} · ${fmt(trace.durationMs, 2)} ms · ${trace.services} services</div>` +
    trace.spans.map((s) => {
      const color = s.error ? '#f85149' : SERVICE_COLORS[services.indexOf(s.service) % SERVICE_COLORS.length];
      return `<div class="small" style="padding-left:${s.depth}rem">${esc(s.service)} · ${esc(s.name)} · ${fmt(s.durationMs, 2)} ms</div>
        <div class="bar"><div style="margin-left:${(100 * s.offsetMs / total).toFixed(2)}%;width:${Math.max(0.5, 100 * s.durationMs / total).toFixed(2)}%;background:${color}"></div></div>`;
    }).join('');
}

function render(frame) {
  $('clock').textContent = new Date(frame.at).toISOString();
  renderServices(frame.services);
  renderThroughput(frame.services);
  renderBudgets(frame.slos);
  renderAlerts(frame.alerts);
  renderLag(frame.lag);
  renderPools(frame.services);
  renderStatements(frame.statements);
  renderTrace(frame.trace);
  document.body.dataset.frames = String((Number(document.body.dataset.frames) || 0) + 1);
}

function connect() {
  const source = new EventSource('/api/stream');
  source.onopen = () => { $('conn').textContent = 'live'; $('conn').className = 'conn on'; };
  source.onmessage = (e) => render(JSON.parse(e.data));
  source.onerror = () => { $('conn').textContent = 'reconnecting…'; $('conn').className = 'conn off'; };
}

$('fault').addEventListener('submit', async (e) => {
  e.preventDefault();
  const body = {
    service: $('fault-service').value,
    errorRate: Number($('fault-rate').value),
    syntheticRps: Number($('fault-rps').value),
    durationSeconds: Number($('fault-seconds').value),
  };
  const r = await fetch('/api/faults', { method: 'POST', headers: { 'Content-Type': 'application/json', ...operator() }, body: JSON.stringify(body) });
  const j = await r.json();
  $('fault-result').textContent = r.ok ? `fault on ${j.service} until ${j.until}` : `refused: ${j.detail}`;
});
$('fault-clear').addEventListener('click', async () => {
  const r = await fetch('/api/faults/' + encodeURIComponent($('fault-service').value), { method: 'DELETE', headers: operator() });
  $('fault-result').textContent = r.ok ? 'cleared' : 'clear failed';
});

// The fault switch is for operators: their token stays in this tab (sessionStorage), never in a URL.
$('fault-token').value = sessionStorage.getItem('parley.operator') || '';
$('fault-token').addEventListener('change', () => sessionStorage.setItem('parley.operator', $('fault-token').value.trim()));
function operator() {
  const token = $('fault-token').value.trim();
  return token ? { Authorization: 'Bearer ' + token } : {};
}

connect();
