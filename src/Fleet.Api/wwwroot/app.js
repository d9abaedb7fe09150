// Fleet dashboard: no framework, no build step. Data only ever reaches the page through textContent and
// setAttribute (never innerHTML), and every tunnel URL is checked again here before it becomes a link.
'use strict';

const SSH_USER = 'pi';
const detectors = new Map();
let source = null;
// The API's one wording table of check outcomes (GET reachability/words), the same words as /d's 503.
let words = { outcomes: {}, sources: {} };
// Events after which a row is read again: reachability and health changes.
const REFRESHING_EVENTS = ['reachable', 'degraded', 'unreachable', 'health-changed'];

const $ = (id) => document.getElementById(id);

function el(tag, attributes, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) node.setAttribute(name, value);
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

// A host as a DNS name, an IPv4 address or a bracketed IPv6 address: nothing a shell would interpret.
const HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])$/i;

// Returns { kind: 'web', href } or { kind: 'ssh', command } for a URL the contract allows, otherwise null.
function checkUrl(raw) {
  if (typeof raw !== 'string' || raw.length > 2048 || /[\u0000-\u001f\u007f\s]/.test(raw)) return null;
  let url;
  try { url = new URL(raw); } catch { return null; }
  if (url.username || url.password) return null;
  const host = url.hostname.toLowerCase();
  if (!HOST.test(host)) return null;
  // URL() gives the host in punycode; an xn-- label is an internationalised name that may imitate another.
  const idn = host.split('.').some((label) => label.startsWith('xn--'));
  if (url.protocol === 'https:' || url.protocol === 'http:') return { kind: 'web', href: url.href, idn };
  if (url.protocol === 'tcp:' || url.protocol === 'ssh:') {
    const port = url.port === '' ? 22 : Number(url.port);
    if (!Number.isInteger(port) || port < 1 || port > 65535) return null;
    return { kind: 'ssh', command: `ssh -p ${port} ${SSH_USER}@${host}`, idn };
  }
  return null;
}

function relativeTime(iso) {
  if (!iso) return 'never';
  const seconds = Math.round((Date.now() - Date.parse(iso)) / 1000);
  if (Number.isNaN(seconds)) return 'unknown';
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86400)} d ago`;
}

// The summary as the view gives it; a view without one (an older API) is unknown.
function reachabilityOf(view) {
  const state = view.reachability && view.reachability.state;
  return ['reachable', 'degraded', 'unreachable', 'unknown'].includes(state) ? state : 'unknown';
}

// "the service behind the tunnel does not answer (ERR_NGROK_8012), seen by the agent"
function reason(failing) {
  const outcome = Object.hasOwn(words.outcomes, failing.outcome) ? words.outcomes[failing.outcome] : `the check failed (${failing.outcome})`;
  const code = failing.code ? ` (${failing.code})` : '';
  const source = Object.hasOwn(words.sources, failing.source) ? words.sources[failing.source] : `seen by ${failing.source}`;
  return `${outcome}${code}, ${source}`;
}

// The agent's health status; null when it sends none (an older agent, health off).
function healthOf(view) {
  const status = view.health && view.health.status;
  if (typeof status !== 'string') return null;
  return ['ok', 'warn', 'fail'].includes(status) ? status : 'fail';
}

// "34.5 °C, 1.2 GiB free, load 0.42"
function factsText(facts) {
  if (!facts || typeof facts !== 'object') return '';
  const parts = [];
  if (typeof facts.cpuTemperatureC === 'number') parts.push(`${facts.cpuTemperatureC} \u00b0C`);
  if (typeof facts.throttled === 'string' && facts.throttled !== '0x0') parts.push(`throttled ${facts.throttled}`);
  if (typeof facts.diskFreeBytes === 'number') parts.push(`${(facts.diskFreeBytes / 2 ** 30).toFixed(1)} GiB free`);
  if (Array.isArray(facts.load) && typeof facts.load[0] === 'number') parts.push(`load ${facts.load[0]}`);
  return parts.join(', ');
}

function healthCell(view) {
  const cell = el('td', { class: 'health' });
  const status = healthOf(view);
  if (status === null) {
    cell.append(el('span', { class: 'muted' }, '\u2013'));
    return cell;
  }
  const checks = Array.isArray(view.health.checks) ? view.health.checks : [];
  const summary = checks.map((c) => `${c.name}: ${c.outcome}${c.text ? ` (${c.text})` : ''}`).join('\n');
  cell.append(el('span', { class: `health-badge ${status}`, title: summary || 'No checks configured' }, status));
  for (const check of checks.filter((c) => c.outcome !== 'ok')) {
    cell.append(el('span', { class: 'health-check', role: 'note' }, `${check.name}: ${check.text || check.outcome}`));
  }
  const facts = factsText(view.health.facts);
  if (facts) cell.append(el('span', { class: 'facts muted' }, facts));
  return cell;
}

function tunnelCell(view) {
  const cell = el('td', { class: 'tunnels' });
  const failing = reachabilityOf(view) === 'unknown' ? [] : (view.reachability.failing || []);
  for (const tunnel of view.tunnels || []) {
    const line = el('div', { class: 'tunnel' });
    line.append(el('span', { class: 'tunnel-name' }, tunnel.name));
    const checked = checkUrl(tunnel.url);
    if (checked === null) {
      line.append(el('span', { class: 'muted' }, '(address refused)'));
    } else if (checked.kind === 'web') {
      line.append(el('a', { href: checked.href, target: '_blank', rel: 'noopener noreferrer', class: 'open' }, checked.href));
    } else {
      line.append(el('code', { class: 'ssh' }, checked.command));
      const copy = el('button', { type: 'button', class: 'copy', title: 'Copy the command' }, 'Copy');
      copy.addEventListener('click', () => {
        navigator.clipboard.writeText(checked.command).then(
          () => { copy.textContent = 'Copied'; setTimeout(() => { copy.textContent = 'Copy'; }, 1500); },
          () => { copy.textContent = 'Copy failed'; });
      });
      line.append(copy);
    }
    if (checked !== null && (checked.idn || (Array.isArray(tunnel.warnings) && tunnel.warnings.includes('idn-host')))) {
      line.append(el('span', {
        class: 'warning idn',
        title: 'The host is an internationalised name (shown in punycode, xn--): it may imitate another name. Check it before you open it or type a password.',
      }, '\u26a0 look-alike name?'));
    }
    for (const failure of failing.filter((f) => f.tunnel === tunnel.name)) {
      line.append(el('span', { class: 'reason', role: 'note' }, reason(failure)));
    }
    cell.append(line);
  }
  return cell;
}

function row(view) {
  const tr = el('tr', { 'data-id': view.id });
  const who = el('td');
  who.append(el('span', { class: 'id' }, view.id));
  if (view.name) who.append(el('span', { class: 'name' }, view.name));
  tr.append(who);
  const status = ['online', 'offline', 'lost', 'unknown'].includes(view.status) ? view.status : 'unknown';
  const statusCell = el('td');
  statusCell.append(el('span', { class: `badge ${status}` }, status));
  const reachability = reachabilityOf(view);
  tr.dataset.reachability = reachability;
  if (reachability === 'degraded' || reachability === 'unreachable') {
    // Online but not every URL answers: the mark that matters most on this page.
    statusCell.append(el('span', {
      class: `reach ${reachability}`,
      title: reachability === 'unreachable' ? 'Online, but no tunnel answers' : 'Online, but some tunnels do not answer',
    }, `\u26a0 ${reachability}`));
  } else if (reachability === 'reachable') {
    statusCell.append(el('span', { class: 'reach reachable', title: 'Every checked tunnel answers' }, 'reachable'));
  }
  tr.append(statusCell);
  tr.dataset.health = healthOf(view) || 'none';
  tr.append(healthCell(view));
  tr.append(el('td', { class: 'last-seen', 'data-at': view.lastSeenAt || '', title: view.lastSeenAt || '' }, relativeTime(view.lastSeenAt)));
  const tags = el('td');
  for (const tag of view.tags || []) tags.append(el('span', { class: 'tag' }, tag));
  tr.append(tags);
  tr.append(tunnelCell(view));
  return tr;
}

function matches(view, text) {
  if (!text) return true;
  const haystack = [view.id, view.name || '', ...(view.tags || [])].join('\n').toLowerCase();
  return haystack.includes(text);
}

function render() {
  const body = $('detectors');
  const text = $('filter').value.trim().toLowerCase();
  const reach = $('reachability-filter').value;
  const health = $('health-filter').value;
  const rows = [...detectors.values()].sort((a, b) => a.id.localeCompare(b.id));
  const shown = rows.filter((view) => matches(view, text) && (!reach || reachabilityOf(view) === reach)
    && (!health || healthOf(view) === health));
  body.replaceChildren(...shown.map(row));
  $('count').textContent = `${shown.length} of ${rows.length}`;
  $('empty').hidden = rows.length > 0;
}

function upsert(view, flash) {
  if (!view || typeof view.id !== 'string') return;
  detectors.set(view.id, view);
  render();
  if (flash) {
    const tr = $('detectors').querySelector(`tr[data-id="${CSS.escape(view.id)}"]`);
    if (tr) tr.classList.add('flash');
  }
}

function setConnection(state, text) {
  const indicator = $('connection');
  indicator.dataset.state = state;
  indicator.textContent = text;
}

function showSignIn(message) {
  if (source) { source.close(); source = null; }
  detectors.clear();
  $('fleet').hidden = true;
  $('sign-out').hidden = true;
  $('sign-in').hidden = false;
  $('sign-in-error').textContent = message || '';
  setConnection('idle', 'offline');
  $('api-key').focus();
}

async function loadWords() {
  const response = await fetch('reachability/words', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (response.ok) {
    const loaded = await response.json();
    words = { outcomes: loaded.outcomes || {}, sources: loaded.sources || {} };
  }
}

// A reachability change of one detector: read its view again (its `detector` item follows on this stream too,
// but the event alone is enough to bring the row up to date).
async function refresh(id) {
  const response = await fetch(`detectors/${encodeURIComponent(id)}`, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (response.ok) upsert(await response.json(), true);
}

// Reads the whole table; false when signed out or failed (already shown).
async function loadTable() {
  const response = await fetch('detectors?limit=1000', { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (response.status === 401 || response.status === 403) { showSignIn(); return false; }
  if (!response.ok) { setConnection('down', `error ${response.status}`); return false; }
  const list = await response.json();
  detectors.clear();
  for (const view of list) detectors.set(view.id, view);
  render();
  return true;
}

async function load() {
  await loadWords().catch(() => { /* the page still shows the outcomes by name */ });
  if (!(await loadTable())) return;
  $('sign-in').hidden = true;
  $('fleet').hidden = false;
  $('sign-out').hidden = false;
  connect();
}

// The stream could not replay what was missed (older than the history keeps): read the table again while the stream
// goes on; views arriving meanwhile are applied again after the table, as they may be newer than it.
let pendingViews = null;
async function reloadTable() {
  if (pendingViews) return;
  pendingViews = [];
  try {
    await loadTable();
  } finally {
    const views = pendingViews;
    pendingViews = null;
    for (const view of views) upsert(view, false);
  }
}

// After a blip the browser reconnects by itself (after the stream's `retry:`) and sends the id of the last event it
// got (Last-Event-ID): the API replays what was missed, so the table is never reloaded for a blip. A stream cut for
// reading too slowly (`overflow`) resumes the same way; only `reset` reloads the table.
function connect() {
  if (source) source.close();
  setConnection('connecting', 'connecting');
  source = new EventSource('events');
  source.addEventListener('open', () => setConnection('live', 'live'));
  source.addEventListener('detector', (e) => {
    let view;
    try { view = JSON.parse(e.data); } catch { return; /* a malformed item is ignored */ }
    if (pendingViews) pendingViews.push(view);
    upsert(view, true);
  });
  source.addEventListener('reset', () => {
    reloadTable().catch(() => setConnection('down', 'disconnected'));
  });
  source.addEventListener('overflow', () => setConnection('connecting', 'catching up'));
  source.addEventListener('fleet-event', (e) => {
    let event;
    try { event = JSON.parse(e.data); } catch { return; }
    if (event && REFRESHING_EVENTS.includes(event.type) && typeof event.detectorId === 'string') {
      refresh(event.detectorId).catch(() => { /* the next detector item brings it */ });
    }
  });
  source.addEventListener('error', () => {
    if (source && source.readyState === EventSource.CLOSED) {
      // Refused (the session ended) rather than interrupted: find out which.
      setConnection('down', 'disconnected');
      source = null;
      setTimeout(() => { load().catch(() => setConnection('down', 'disconnected')); }, 3000);
    } else {
      setConnection('connecting', 'reconnecting');
    }
  });
}

async function signIn(event) {
  event.preventDefault();
  const key = $('api-key').value.trim();
  const response = await fetch('auth/session', {
    method: 'POST', credentials: 'same-origin',
    headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ key }),
  });
  $('api-key').value = '';
  if (response.status === 204) { await load(); return; }
  $('sign-in-error').textContent = response.status === 401 ? 'That key is not valid.' : `Sign-in failed (${response.status}).`;
}

async function signOut() {
  await fetch('auth/session', { method: 'DELETE', credentials: 'same-origin' });
  showSignIn('Signed out.');
}

document.addEventListener('DOMContentLoaded', () => {
  $('sign-in-form').addEventListener('submit', (e) => { signIn(e).catch((err) => { $('sign-in-error').textContent = String(err); }); });
  $('sign-out').addEventListener('click', () => { signOut().catch(() => showSignIn()); });
  $('filter').addEventListener('input', render);
  $('reachability-filter').addEventListener('change', render);
  $('health-filter').addEventListener('change', render);
  setInterval(() => {
    for (const cell of document.querySelectorAll('td.last-seen')) cell.textContent = relativeTime(cell.dataset.at);
  }, 10000);
  load().catch(() => setConnection('down', 'API unreachable'));
});
