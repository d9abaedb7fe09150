// One detector (?detector=ID): every tunnel with copyable links and ssh commands, provider, agent and health, and a
// timeline of its history (GET /detectors/{id}/history) with "URL at time T". Live updates patch it in place.
import { el, healthNodes, providerText, reason, relativeTime, statusBadges, tunnelLine } from './format.js';
import { get, nextCursor } from './http.js';
import { patchChildren } from './patch.js';

const $ = (id) => document.getElementById(id);
const TUNNEL_EVENTS = ['tunnel-added', 'url-changed', 'tunnel-removed'];
let detectorId = null;
let older = null;

export const currentId = () => detectorId;

const historyUrl = (id) => `detectors/${encodeURIComponent(id)}/history`;

function when(iso) {
  const at = Date.parse(iso);
  return Number.isNaN(at) ? String(iso) : new Date(at).toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}

function fact(list, term, ...values) {
  list.append(el('dt', {}, term));
  const dd = el('dd');
  dd.append(...values.map((v) => (typeof v === 'string' ? document.createTextNode(v) : v)));
  list.append(dd);
}

function body(view) {
  const root = el('div', { id: 'detail-body' });
  const facts = el('dl', { class: 'facts-list' });
  fact(facts, 'Status', ...statusBadges(view), ` since ${view.statusSince ? when(view.statusSince) : 'unknown'}`);
  fact(facts, 'Last seen', el('span', { title: view.lastSeenAt || '' }, relativeTime(view.lastSeenAt)));
  const provider = view.provider || null;
  fact(facts, 'Provider', providerText(provider));
  if (provider && provider.error) fact(facts, 'Provider error', el('span', { class: 'provider-error' }, provider.error));
  if (provider && provider.reason) fact(facts, 'Why this provider', provider.reason);
  if (provider && provider.restarts) fact(facts, 'Provider restarts', String(provider.restarts));
  const agent = view.agent || {};
  fact(facts, 'Agent', agent.version ? `fleet-agent ${agent.version}` : 'version not reported');
  fact(facts, 'Host', [agent.hostname, agent.os, agent.arch].filter(Boolean).join(', ') || 'not reported');
  fact(facts, 'Health', ...healthNodes(view));
  if (view.tags && view.tags.length) fact(facts, 'Tags', ...view.tags.map((tag) => el('span', { class: 'tag' }, tag)));
  if (view.location) fact(facts, 'Location', view.location);
  if (view.notes) fact(facts, 'Notes', view.notes);
  root.append(facts);
  root.append(el('h3', {}, 'Tunnels'));
  const tunnels = el('div', { class: 'tunnel-list' });
  for (const tunnel of view.tunnels || []) {
    const line = tunnelLine(view, tunnel, { copyLinks: true });
    line.append(el('span', { class: 'muted since' }, `since ${when(tunnel.since)}`));
    tunnels.append(line);
  }
  if (!(view.tunnels || []).length) tunnels.append(el('p', { class: 'muted' }, 'No tunnel reported.'));
  root.append(tunnels);
  return root;
}

function describe(event) {
  const d = event.data || {};
  switch (event.type) {
    case 'url-changed': return `${d.tunnel}: ${d.from} \u2192 ${d.to}`;
    case 'tunnel-added': return `${d.tunnel}: ${d.url}`;
    case 'tunnel-removed': return `${d.tunnel}${d.url ? `: ${d.url}` : ''}`;
    case 'provider-switched': return `${d.from} \u2192 ${d.to}${d.reason ? ` (${d.reason})` : ''}`;
    case 'reachable': case 'degraded': case 'unreachable':
      return [d.from ? `from ${d.from}` : '', ...(Array.isArray(d.failing) ? d.failing.map((f) => `${f.tunnel}: ${reason(f)}`) : [])].filter(Boolean).join('; ');
    case 'health-changed': return `${d.from || 'none'} \u2192 ${d.to || 'none'}`;
    default: return Object.keys(d).length ? JSON.stringify(d).slice(0, 300) : '';
  }
}

function entry(event) {
  const li = el('li', { class: `event ${event.type}` });
  li.append(el('time', { datetime: event.at }, when(event.at)), ' ', el('span', { class: 'event-type' }, event.type));
  const text = describe(event);
  if (text) li.append(' ', el('span', { class: 'event-text' }, text));
  return li;
}

async function loadHistory(id, after) {
  const response = await get(`${historyUrl(id)}?limit=50${after ? `&after=${encodeURIComponent(after)}` : ''}`);
  if (!response.ok) return;
  const events = await response.json();
  if (id !== detectorId) return;
  older = nextCursor(response);
  $('timeline').append(...events.map(entry));
  $('older-events').hidden = older === null;
  $('timeline-empty').hidden = $('timeline').children.length > 0;
}

// Shows detector `id`; false when it is not known.
export async function show(id) {
  detectorId = id;
  older = null;
  $('detail-title').textContent = id;
  $('timeline').replaceChildren();
  $('url-at-result').replaceChildren();
  const response = await get(`detectors/${encodeURIComponent(id)}`);
  if (!response.ok) {
    $('detail-body').replaceChildren(el('p', { class: 'error' }, response.status === 404 ? `No detector with id ${id} is known.` : `Error ${response.status}.`));
    $('older-events').hidden = true;
    return false;
  }
  const view = await response.json();
  $('detail-title').textContent = view.name ? `${view.id} \u2013 ${view.name}` : view.id;
  $('detail-body').replaceWith(body(view));
  await loadHistory(id, null);
  return true;
}

export function applyLive(view) {
  if (view.id !== detectorId) return;
  patchChildren($('detail-body'), body(view));
}

export function applyEvent(event) {
  if (event.detectorId !== detectorId) return;
  $('timeline').prepend(entry(event));
  $('timeline-empty').hidden = true;
}

export function showOlder() {
  if (detectorId && older) loadHistory(detectorId, older).catch(() => { /* the button stays */ });
}

// The detector's tunnels at time T, from its tunnel events before T: for each tunnel, its newest one decides.
export async function urlAt(localTime) {
  const at = new Date(localTime);
  const result = $('url-at-result');
  if (Number.isNaN(at.getTime())) { result.replaceChildren(el('p', { class: 'error' }, 'Enter a date and time.')); return; }
  const types = TUNNEL_EVENTS.map((t) => `&type=${t}`).join('');
  const response = await get(`${historyUrl(detectorId)}?until=${encodeURIComponent(at.toISOString())}${types}&limit=1000`);
  if (!response.ok) { result.replaceChildren(el('p', { class: 'error' }, `Error ${response.status}.`)); return; }
  const latest = new Map();
  for (const event of await response.json()) {
    const name = event.data && event.data.tunnel;
    if (typeof name === 'string' && !latest.has(name)) latest.set(name, event);
  }
  const list = el('ul', { class: 'url-at-list' });
  for (const [name, event] of [...latest.entries()].sort(([a], [b]) => a.localeCompare(b))) {
    if (event.type === 'tunnel-removed') continue;
    const url = event.type === 'url-changed' ? event.data.to : event.data.url;
    list.append(el('li', { 'data-tunnel': name }, `${name}: ${url} (since ${when(event.at)})`));
  }
  result.replaceChildren(el('p', {}, `At ${when(at.toISOString())}:`),
    list.children.length ? list : el('p', { class: 'muted' }, 'No tunnel was known then.'));
}
