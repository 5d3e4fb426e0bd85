// The tenant dashboard: plain JavaScript over the CallCenter API and the live-events WebSocket, so the same
// files run from the local host and from any static host in Azure. Text from calls is only ever set as
// textContent, never parsed as HTML.
'use strict';

const $ = (id) => document.getElementById(id);
const el = (tag, text, attrs = {}) => {
  const e = document.createElement(tag);
  if (text !== undefined && text !== null) e.textContent = String(text);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
};
const when = (iso) => (iso ? new Date(iso).toLocaleString() : '');
const dash = (v) => (v === undefined || v === null || v === '' ? '—' : v); // a field the API leaves null
const day = (date) => date.toISOString().slice(0, 10); // yyyy-MM-dd

// Connection settings: from the URL fragment once (#tenant=…&key=…&api=…), then this tab's session storage.
const settings = (() => {
  const fragment = new URLSearchParams(location.hash.slice(1));
  for (const name of ['tenant', 'key', 'api']) {
    if (fragment.has(name)) sessionStorage.setItem(name, fragment.get(name));
  }
  if (fragment.size) history.replaceState(null, '', location.pathname + location.search);
  return {
    get tenant() { return sessionStorage.getItem('tenant') || ''; },
    get key() { return sessionStorage.getItem('key') || ''; },
    get api() { return (sessionStorage.getItem('api') || '').replace(/\/$/, ''); },
  };
})();

function showError(message) {
  const box = $('error');
  box.textContent = message;
  box.hidden = false;
  clearTimeout(showError.timer);
  showError.timer = setTimeout(() => { box.hidden = true; }, 6000);
}

async function api(path, { method = 'GET', body } = {}) {
  const response = await fetch(`${settings.api}/api/tenants/${encodeURIComponent(settings.tenant)}${path}`, {
    method,
    headers: { 'X-Api-Key': settings.key, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!response.ok) {
    let detail = response.statusText;
    try { const problem = await response.json(); detail = problem.detail || problem.title || detail; } catch { /* not JSON */ }
    const error = new Error(`${method} ${path}: ${response.status} ${detail}`);
    error.status = response.status;
    throw error;
  }
  return response.status === 204 ? null : response.json();
}

// ---- tabs
const loaders = {};
function openTab(name) {
  document.querySelectorAll('nav button').forEach((b) => b.classList.toggle('active', b.dataset.tab === name));
  document.querySelectorAll('.tab').forEach((t) => t.classList.toggle('active', t.id === name));
  loaders[name]?.().catch((e) => showError(e.message));
}
document.querySelectorAll('nav button').forEach((b) => b.addEventListener('click', () => openTab(b.dataset.tab)));

// ---- live calls, fed by the WebSocket that the negotiate route hands out
const live = new Map();

function liveCard(callSid) {
  let call = live.get(callSid);
  if (!call) {
    const card = el('div', undefined, { class: 'card', 'data-call': callSid, 'data-testid': 'live-call' });
    const title = el('h3');
    const state = el('span', 'connected', { class: 'pill', 'data-testid': 'live-call-state' });
    const open = el('button', 'Details', { class: 'small' });
    open.addEventListener('click', () => { openTab('calls'); showCall(callSid); });
    title.append(el('span', callSid + ' '), state, ' ', open);
    const lines = el('div', undefined, { 'data-testid': 'live-transcript' });
    const summary = el('p', undefined, { class: 'hint' });
    card.append(title, lines, summary);
    $('live-calls').prepend(card);
    call = { card, state, lines, summary, seen: new Set() };
    live.set(callSid, call);
  }
  $('live-empty').hidden = true;
  return call;
}

function onLiveEvent(e) {
  const call = liveCard(e.callSid);
  switch (e.kind) {
    case 'CallStarted':
      call.state.textContent = 'live';
      call.state.classList.add('online');
      break;
    case 'Transcript':
      if (call.seen.has(e.sequence)) break; // delivered at least once: the sequence makes it once on screen
      call.seen.add(e.sequence);
      const line = el('p', undefined, { class: 'line', 'data-seq': e.sequence });
      line.append(el('b', `${e.role}: `), e.text);
      const after = [...call.lines.children].find((l) => Number(l.dataset.seq) > e.sequence);
      call.lines.insertBefore(line, after || null);
      break;
    case 'CallEnded':
      call.state.textContent = 'ended: recording, transcript and summary on the way';
      call.state.classList.remove('online');
      break;
    case 'CallFinished':
      call.state.textContent = 'finished';
      call.state.classList.remove('online');
      call.summary.textContent = e.text ? `Summary: ${e.text}` : '';
      if (document.querySelector('#calls.active')) loadCalls().catch((x) => showError(x.message));
      break;
  }
}

let socket;
let retryMs = 1000;
async function connectLive() {
  if (!settings.tenant || !settings.key) return;
  try {
    const { url } = await api('/live/negotiate');
    socket = new WebSocket(url);
    socket.onopen = () => { retryMs = 1000; $('live-state').textContent = 'live'; $('live-state').classList.add('online'); };
    socket.onmessage = (m) => { const data = JSON.parse(m.data); (Array.isArray(data) ? data : [data]).forEach(onLiveEvent); };
    socket.onclose = () => { $('live-state').textContent = 'reconnecting'; $('live-state').classList.remove('online'); retryLive(); };
  } catch (e) {
    showError(e.message);
    retryLive();
  }
}
function retryLive() {
  setTimeout(connectLive, retryMs);
  retryMs = Math.min(retryMs * 2, 30000);
}

// ---- paged tables: the first page on open or refresh, the next ones with "More"
function pagedTable(name, path, row, order = () => 0, filters = () => ({}), missing = null) {
  let continuation = null;
  const load = async (more = false) => {
    const rows = $(`${name}-rows`);
    if (!more) rows.replaceChildren();
    // A filtered page may come back empty with a continuation: read on a few pages before asking for "More".
    for (let reads = 0; reads < 5; reads++) {
      const query = new URLSearchParams({ limit: '50' });
      for (const [k, v] of Object.entries(filters())) if (v) query.set(k, v);
      if ((more || reads > 0) && continuation) query.set('continuation', continuation);
      let page;
      try {
        page = await api(`${path}?${query}`);
        if (missing) $(missing).hidden = true;
      } catch (e) {
        if (!missing || e.status !== 404) throw e;
        $(missing).hidden = false; // the route is not on this API yet: say so, break nothing
        page = { items: [], continuation: null };
      }
      continuation = page.continuation;
      page.items.sort(order).forEach((item) => rows.append(row(item)));
      if (page.items.length || !continuation) break;
    }
    $(`${name}-more`).hidden = !continuation;
  };
  loaders[name] = () => load();
  $(`${name}-refresh`).addEventListener('click', () => load().catch((e) => showError(e.message)));
  $(`${name}-more`).addEventListener('click', () => load(true).catch((e) => showError(e.message)));
  return load;
}

const cells = (tr, values) => { values.forEach((v) => tr.append(el('td', v))); return tr; };

// ---- calls
// The API lists newest first across pages (its date index), so the rows keep its order.
const nextDay = (date) => day(new Date(Date.parse(date) + 86_400_000));
const loadCalls = pagedTable('calls', '/calls', (c) => {
  const tr = cells(el('tr', undefined, { 'data-call': c.id, 'data-created': c.createdAt }),
    [when(c.createdAt), c.direction, c.from, c.to, c.status ?? '', dash(c.outcome), c.durationSeconds != null ? `${c.durationSeconds} s` : '', c.transcriptSource]);
  tr.addEventListener('click', () => showCall(c.id).catch((e) => showError(e.message)));
  return tr;
}, undefined, () => ({
  status: $('calls-status').value,
  direction: $('calls-direction').value,
  from: $('calls-from').value,
  to: $('calls-to').value && nextDay($('calls-to').value), // the API's "to" is exclusive
  phone: $('calls-phone').value.trim(),
}));
$('calls-filters').addEventListener('submit', (ev) => { ev.preventDefault(); loadCalls().catch((e) => showError(e.message)); });

async function showCall(id) {
  const d = await api(`/calls/${encodeURIComponent(id)}`);
  const box = $('call-detail');
  box.hidden = false;
  box.replaceChildren(
    el('h2', `Call ${d.call.id}`),
    el('p', `${d.call.direction} · ${d.call.from} → ${d.call.to} · ${d.call.status ?? 'unknown'} · ${d.call.durationSeconds ?? '?'} s`, { class: 'hint' }),
  );
  box.append(el('h3', 'Summary'), el('p', d.summary ?? '(not yet)', { 'data-testid': 'call-summary' }));
  if (d.callerIntent || d.followUp) box.append(el('p', `Intent: ${d.callerIntent ?? '-'} · Follow-up: ${d.followUp ?? '-'}`, { class: 'hint' }));
  box.append(el('h3', 'Recording'));
  if (d.call.hasRecording) {
    const { url } = await api(`/calls/${encodeURIComponent(id)}/recording`);
    box.append(el('audio', undefined, { controls: '', preload: 'metadata', src: url, 'data-testid': 'call-recording' }));
  } else {
    box.append(el('p', '(no recording stored yet)', { class: 'hint' }));
  }
  box.append(el('h3', `Transcript (${d.transcriptSource})`));
  if (d.transcriptFailure) box.append(el('p', `Transcription failed: ${d.transcriptFailure}`, { class: 'error-inline' }));
  const transcript = el('div', undefined, { 'data-testid': 'call-transcript' });
  if (d.turns.length) {
    d.turns.forEach((t) => {
      const dtmf = t.role === 'dtmf'; // keys the caller pressed, not words
      const p = el('p', undefined, { class: dtmf ? 'line dtmf' : 'line', 'data-role': t.role });
      p.append(el('b', `${dtmf ? '⌨ keypad' : t.role}: `), t.text);
      transcript.append(p);
    });
  } else {
    transcript.append(el('pre', d.transcript ?? '(none)'));
  }
  box.append(transcript);
  appendCallNumbers(box, d);
  const workflow = el('button', 'Workflow state', { class: 'small', 'data-testid': 'call-workflow' });
  const workflowText = el('pre', undefined, { class: 'hint' });
  workflow.addEventListener('click', async () => {
    try { workflowText.textContent = JSON.stringify(await api(`/calls/${encodeURIComponent(id)}/workflow`), null, 2); } catch (e) { showError(e.message); }
  });
  box.append(el('h3', 'Post-processing'), workflow, workflowText);
}

// ---- leads
pagedTable('leads', '/leads', (l) => cells(el('tr'), [l.name ?? '', l.phone, l.status, l.source, l.notes ?? '', when(l.updatedAt)]));

// ---- prompts: versions, edit (each save is a new version), re-activate, preview
const channel = () => $('prompt-channel').value;
async function loadPrompt() {
  const p = await api(`/prompts/${channel()}`);
  $('prompt-instructions').value = p.current?.instructions ?? '';
  $('prompt-facts').value = p.current?.businessFacts ?? '';
  $('prompt-status').textContent = p.currentVersion ? `current: version ${p.currentVersion}` : 'no prompt saved yet: calls use the built-in default';
  const list = $('prompt-versions');
  list.replaceChildren();
  for (const v of [...p.versions].reverse()) {
    const li = el('li', `version ${v.version} · ${when(v.createdAt)}${v.version === p.currentVersion ? ' (current)' : ''}`);
    if (v.version !== p.currentVersion) {
      const activate = el('button', 'Make current', { class: 'small' });
      activate.addEventListener('click', async () => {
        try { await api(`/prompts/${channel()}/versions/${v.version}/activate`, { method: 'POST' }); await loadPrompt(); } catch (e) { showError(e.message); }
      });
      li.append(' ', activate);
    }
    list.append(li);
  }
}
loaders.prompts = loadPrompt;
$('prompt-channel').addEventListener('change', () => loadPrompt().catch((e) => showError(e.message)));
$('prompt-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  try {
    await api(`/prompts/${channel()}`, { method: 'PUT', body: { instructions: $('prompt-instructions').value, businessFacts: $('prompt-facts').value } });
    await loadPrompt();
  } catch (e) { showError(e.message); }
});
$('prompt-preview').addEventListener('click', async () => {
  try {
    const built = await api(`/prompts/${channel()}/preview`, { method: 'POST' });
    $('prompt-preview-text').textContent = `${built.text}\n\nvoice: ${built.voice} · language: ${built.language} · tools: ${built.tools.map((t) => t.name).join(', ') || 'none'}`;
  } catch (e) { showError(e.message); }
});

// ---- WhatsApp
async function loadConversations() {
  const page = await api('/whatsapp/conversations?limit=50');
  const list = $('wa-list');
  list.replaceChildren();
  for (const c of page.items) {
    const li = el('li', `${c.contactName ?? c.phone} · ${c.provider} · ${when(c.lastMessageAt)}`);
    li.addEventListener('click', () => showConversation(c.id).catch((e) => showError(e.message)));
    list.append(li);
  }
  if (!page.items.length) list.append(el('li', 'No conversation yet.', { class: 'hint' }));
}
async function showConversation(id) {
  const d = await api(`/whatsapp/conversations/${encodeURIComponent(id)}`);
  const box = $('wa-detail');
  box.hidden = false;
  box.replaceChildren(el('h2', d.conversation.contactName ?? d.conversation.phone));
  for (const m of d.messages) {
    const p = el('p', undefined, { class: 'line' });
    p.append(el('b', `${m.direction === 'inbound' ? 'Customer' : 'Agent'} (${m.status}, ${when(m.at)}): `), m.text);
    box.append(p);
  }
}
loaders.whatsapp = loadConversations;
$('wa-refresh').addEventListener('click', () => loadConversations().catch((e) => showError(e.message)));

// ---- call detail: what the call's steps recorded (each part absent until its step ran)
const keyValues = (pairs, attrs = {}) => {
  const dl = el('dl', undefined, { class: 'kv', ...attrs });
  for (const [k, v] of pairs) dl.append(el('dt', k), el('dd', dash(v)));
  return dl;
};

function appendCallNumbers(box, d) {
  box.append(el('h3', 'Outcome'), keyValues([['Outcome', d.outcome], ['Answered by', d.answeredBy]], { 'data-testid': 'call-outcome' }));
  if (d.transfer) {
    const t = d.transfer;
    box.append(el('h3', 'Transfer'), keyValues([
      ['Target', t.target], ['Reason', t.reason], ['Summary', t.summary], ['Requested', when(t.requestedAt)],
      ['Outcome', t.outcome], ['Ended', when(t.endedAt)],
    ], { 'data-testid': 'call-transfer' }));
  }
  if (d.latency) {
    const l = d.latency;
    box.append(el('h3', 'Latency'), el('p', `greeting ${dash(l.greetingMs)} ms · p50 ${dash(l.p50Ms)} ms · p95 ${dash(l.p95Ms)} ms · max ${dash(l.maxMs)} ms`, { class: 'hint', 'data-testid': 'call-latency-stats' }));
    const table = el('table', undefined, { 'data-testid': 'call-latency' });
    table.append(el('thead'));
    table.tHead.append(cells(el('tr'), ['At', 'Kind', 'ms']));
    const body = el('tbody');
    (l.turns || []).forEach((t) => body.append(cells(el('tr'), [when(t.at), t.kind, t.ms])));
    table.append(body);
    box.append(table);
  }
  if (d.cost) {
    const c = d.cost;
    box.append(el('h3', `Cost (${c.currency}, price table ${dash(c.priceTable)})`));
    const table = el('table', undefined, { 'data-testid': 'call-cost' });
    table.append(el('thead'));
    table.tHead.append(cells(el('tr'), ['Item', 'Quantity', 'Unit', 'Unit price', 'Amount']));
    const body = el('tbody');
    (c.lines || []).forEach((x) => body.append(cells(el('tr'), [x.item, x.quantity, x.unit, x.unitPrice, x.amount])));
    body.append(cells(el('tr', undefined, { class: 'total' }), ['Total', '', '', '', c.total]));
    table.append(body);
    box.append(table);
  }
}

// ---- analytics: each chart's datasets are exactly the API's numbers, one point per day
const outcomeKeys = ['completed', 'transferred', 'voicemail', 'busy', 'noAnswer', 'failed', 'canceled'];
const outcomeColors = ['#12805c', '#2f6fed', '#7a5af8', '#b54708', '#f79009', '#b42318', '#667085'];

function drawChart(id, type, labels, datasets, stacked = false) {
  const canvas = $(id);
  window.Chart.getChart(canvas)?.destroy();
  const scale = { stacked, beginAtZero: true };
  return new window.Chart(canvas, {
    type,
    data: { labels, datasets },
    options: { animation: false, responsive: true, maintainAspectRatio: false, scales: { x: { stacked }, y: scale } },
  });
}

async function loadAnalytics() {
  if (!$('analytics-from').value) {
    const today = new Date();
    $('analytics-to').value = day(today);
    $('analytics-from').value = day(new Date(today.getTime() - 6 * 86_400_000)); // the last 7 days
  }
  const status = $('analytics-status');
  if (!window.Chart) { status.textContent = 'Charts need vendor/chart.umd.js beside this page (docs/runbook.md).'; return; }
  let a;
  try {
    a = await api(`/analytics?${new URLSearchParams({ from: $('analytics-from').value, to: $('analytics-to').value })}`);
  } catch (e) {
    if (e.status !== 404) throw e;
    status.textContent = 'This API has no analytics yet.';
    return;
  }
  const labels = a.days.map((d) => d.date);
  drawChart('chart-outcomes', 'bar', labels,
    outcomeKeys.map((k, i) => ({ label: k, data: a.days.map((d) => d.outcomes[k]), backgroundColor: outcomeColors[i] })), true);
  drawChart('chart-minutes', 'bar', labels, [{ label: 'minutes', data: a.days.map((d) => d.minutes), backgroundColor: '#2f6fed' }]);
  $('chart-cost-caption').textContent = `Cost per day (${a.currency})`;
  drawChart('chart-cost', 'bar', labels, [{ label: `cost (${a.currency})`, data: a.days.map((d) => d.cost), backgroundColor: '#12805c' }]);
  drawChart('chart-latency', 'line', labels, [{ label: 'p95 latency (ms)', data: a.days.map((d) => d.p95LatencyMs), borderColor: '#b54708', spanGaps: false }]);
  const calls = a.days.reduce((n, d) => n + d.calls, 0);
  status.textContent = `${a.from} to ${a.to}: ${calls} calls`;
  status.dataset.loaded = `${a.from}/${a.to}`;
}
loaders.analytics = loadAnalytics;
$('analytics-form').addEventListener('submit', (ev) => { ev.preventDefault(); loadAnalytics().catch((e) => showError(e.message)); });

// ---- callbacks: listed by status, cancelled while still scheduled, created for a lead
const loadCallbacks = pagedTable('callbacks', '/callbacks', (c) => {
  const tr = cells(el('tr', undefined, { 'data-callback': c.id, 'data-status': c.status }),
    [when(c.scheduledFor ?? c.dueAt), c.leadId, c.phone, c.reason, c.source, c.statusReason ? `${c.status} (${c.statusReason})` : c.status, dash(c.callId)]);
  const actions = el('td');
  if (c.status === 'scheduled') {
    const cancel = el('button', 'Cancel', { class: 'small', 'data-testid': 'callback-cancel' });
    cancel.addEventListener('click', async (ev) => {
      ev.stopPropagation();
      try { await api(`/callbacks/${encodeURIComponent(c.id)}`, { method: 'DELETE' }); await loadCallbacks(); } catch (e) { showError(e.message); }
    });
    actions.append(cancel);
  }
  tr.append(actions);
  return tr;
}, undefined, () => ({ status: $('callbacks-status').value }), 'callbacks-missing');
$('callbacks-status').addEventListener('change', () => loadCallbacks().catch((e) => showError(e.message)));
$('callback-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  try {
    const at = new Date($('callback-at').value).toISOString(); // the input is local time
    await api('/callbacks', { method: 'POST', body: { leadId: $('callback-lead').value.trim(), at, reason: $('callback-reason').value } });
    $('callback-form').reset();
    await loadCallbacks();
  } catch (e) { showError(e.message); }
});

// ---- webhooks: endpoints (the secret is shown once, on create and rotate) and deliveries
function showSecret(id, secret) {
  const box = $('webhook-secret');
  box.textContent = `Secret of ${id} (shown only now; store it where your receiver checks signatures): ${secret}`;
  box.hidden = false;
}

async function loadWebhooks() {
  const rows = $('webhooks-rows');
  let list;
  try {
    list = await api('/webhooks');
    $('webhooks-missing').hidden = true;
  } catch (e) {
    if (e.status !== 404) throw e;
    $('webhooks-missing').hidden = false;
    rows.replaceChildren();
    return;
  }
  rows.replaceChildren();
  for (const w of list.items) {
    const tr = cells(el('tr', undefined, { 'data-webhook': w.id }), [w.url, (w.events || []).join(', '), when(w.createdAt)]);
    const actions = el('td');
    const rotate = el('button', 'Rotate secret', { class: 'small' });
    rotate.addEventListener('click', async () => {
      try { const r = await api(`/webhooks/${encodeURIComponent(w.id)}/rotate`, { method: 'POST' }); showSecret(r.id, r.secret); } catch (e) { showError(e.message); }
    });
    const remove = el('button', 'Delete', { class: 'small' });
    remove.addEventListener('click', async () => {
      if (!confirm(`Delete the endpoint ${w.url}?`)) return;
      try { await api(`/webhooks/${encodeURIComponent(w.id)}`, { method: 'DELETE' }); await loadWebhooks(); } catch (e) { showError(e.message); }
    });
    actions.append(rotate, ' ', remove);
    tr.append(actions);
    rows.append(tr);
  }
  await loadDeliveries();
}
$('webhook-form').addEventListener('submit', async (ev) => {
  ev.preventDefault();
  try {
    const events = $('webhook-events').value.split(',').map((x) => x.trim()).filter(Boolean);
    const created = await api('/webhooks', { method: 'POST', body: { url: $('webhook-url').value.trim(), events } });
    $('webhook-form').reset();
    await loadWebhooks();
    showSecret(created.id, created.secret);
  } catch (e) { showError(e.message); }
});

const loadDeliveries = pagedTable('deliveries', '/webhooks/deliveries', (d) => {
  const attempts = d.attempts || [];
  const last = attempts[attempts.length - 1];
  const tr = cells(el('tr', undefined, { 'data-delivery': d.id }),
    [when(d.createdAt), d.event, dash(d.callId), d.endpointId, d.status,
      `${attempts.length}${last ? ` (last: ${when(last.at)} ${last.statusCode ?? ''} ${last.error ?? ''})` : ''}`, when(d.deliveredAt)]);
  tr.title = attempts.map((x) => `${when(x.at)} ${x.statusCode ?? ''} ${x.error ?? ''}`).join('\n');
  const actions = el('td');
  const again = el('button', 'Redeliver', { class: 'small' });
  again.addEventListener('click', async (ev) => {
    ev.stopPropagation();
    try { await api(`/webhooks/deliveries/${encodeURIComponent(d.id)}/redeliver`, { method: 'POST' }); await loadDeliveries(); } catch (e) { showError(e.message); }
  });
  actions.append(again);
  tr.append(actions);
  return tr;
}, undefined, undefined, 'webhooks-missing');
loaders.webhooks = loadWebhooks;
$('webhooks-refresh').addEventListener('click', () => loadWebhooks().catch((e) => showError(e.message)));

// ---- settings and start
$('set-api').value = settings.api;
$('set-tenant').value = settings.tenant;
$('settings-form').addEventListener('submit', (ev) => {
  ev.preventDefault();
  sessionStorage.setItem('api', $('set-api').value.trim());
  sessionStorage.setItem('tenant', $('set-tenant').value.trim());
  sessionStorage.setItem('key', $('set-key').value.trim());
  location.reload();
});

$('tenant-name').textContent = settings.tenant ? `tenant ${settings.tenant}` : '';
if (settings.tenant && settings.key) {
  connectLive();
} else {
  openTab('settings');
}
