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
    throw new Error(`${method} ${path}: ${response.status} ${detail}`);
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
function pagedTable(name, path, row, order = () => 0) {
  let continuation = null;
  const load = async (more = false) => {
    const query = new URLSearchParams({ limit: '50' });
    if (more && continuation) query.set('continuation', continuation);
    const page = await api(`${path}?${query}`);
    continuation = page.continuation;
    $(`${name}-more`).hidden = !continuation;
    const rows = $(`${name}-rows`);
    if (!more) rows.replaceChildren();
    page.items.sort(order).forEach((item) => rows.append(row(item)));
  };
  loaders[name] = () => load();
  $(`${name}-refresh`).addEventListener('click', () => load().catch((e) => showError(e.message)));
  $(`${name}-more`).addEventListener('click', () => load(true).catch((e) => showError(e.message)));
  return load;
}

const cells = (tr, values) => { values.forEach((v) => tr.append(el('td', v))); return tr; };

// ---- calls
const loadCalls = pagedTable('calls', '/calls', (c) => {
  const tr = cells(el('tr', undefined, { 'data-call': c.id }),
    [when(c.createdAt), c.direction, c.from, c.to, c.status ?? '', c.durationSeconds != null ? `${c.durationSeconds} s` : '', c.transcriptSource]);
  tr.addEventListener('click', () => showCall(c.id).catch((e) => showError(e.message)));
  return tr;
}, (a, b) => (b.createdAt || '').localeCompare(a.createdAt || '')); // newest first within a page

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
    d.turns.forEach((t) => { const p = el('p', undefined, { class: 'line' }); p.append(el('b', `${t.role}: `), t.text); transcript.append(p); });
  } else {
    transcript.append(el('pre', d.transcript ?? '(none)'));
  }
  box.append(transcript);
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
