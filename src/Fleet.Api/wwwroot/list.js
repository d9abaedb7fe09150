// The list: one page of GET /detectors (filtered and paged by the API, in id order), the counts per status, and live
// updates of the rows on the page. A page is rendered once per navigation; a live update patches its row in place.
import { el, healthNodes, healthOf, reachabilityOf, relativeTime, statusBadges, statusOf, tunnelLine } from './format.js';
import { get, nextCursor } from './http.js';
import { patchChildren } from './patch.js';
import { listRequest, writeView } from './view-state.js';

const $ = (id) => document.getElementById(id);
const STATUSES = ['online', 'offline', 'lost', 'unknown'];
const views = new Map();
let shown = null;
let next = null;
// Each load has a number: an answer that arrives after a newer view was asked for is dropped, so a slow page never
// overwrites a newer one (nor the filters the user has typed since).
let loads = 0;

export const current = () => shown;
export const onPage = (id) => views.has(id);
export const nextPage = () => next;

function cell(label, attributes, children) {
  const td = el('td', { 'data-label': label, ...attributes });
  td.append(...children);
  return td;
}

function row(view, state) {
  const tr = el('tr', {
    'data-id': view.id, 'data-status': statusOf(view), 'data-reachability': reachabilityOf(view), 'data-health': healthOf(view) || 'none',
  });
  const who = [el('a', { href: writeView({ ...state, detector: view.id }), class: 'id detail-link', 'data-key': 'detail', 'data-detector': view.id }, view.id)];
  if (view.name) who.push(el('span', { class: 'name' }, view.name));
  tr.append(cell('Detector', { class: 'who' }, who));
  tr.append(cell('Status', { class: 'status' }, statusBadges(view)));
  tr.append(cell('Health', { class: 'health' }, healthNodes(view)));
  tr.append(el('td', { 'data-label': 'Last seen', class: 'last-seen', 'data-at': view.lastSeenAt || '', title: view.lastSeenAt || '' }, relativeTime(view.lastSeenAt)));
  tr.append(cell('Tags', { class: 'tags' }, (view.tags || []).map((tag) => el('span', { class: 'tag' }, tag))));
  tr.append(cell('Tunnels', { class: 'tunnels' }, (view.tunnels || []).map((tunnel) => tunnelLine(view, tunnel))));
  return tr;
}

// Shows the controls as the view says (after a back/forward or a shared link).
function showControls(state) {
  $('filter').value = state.q;
  $('status-filter').value = state.status;
  $('reachability-filter').value = state.reachability;
  $('health-filter').value = state.health;
  $('tag-filter').value = state.tags.join(', ');
  $('provider-filter').value = state.provider;
  $('sort').value = state.sort;
  $('page-size').value = String(state.limit);
}

// Reads and renders the page of `state`; `offset` is how many detectors come before it when known (else null).
export async function load(state, offset) {
  const mine = ++loads;
  const response = await get(listRequest(state));
  if (mine !== loads) return;
  if (response.status === 400) {
    // A view the API refuses (e.g. a tag longer than 64 characters, a cursor from elsewhere): say why, in its words.
    const problem = await response.json().catch(() => ({}));
    const why = Object.values(problem.errors || {}).flat().join(' ');
    shown = state;
    views.clear();
    next = null;
    showControls(state);
    $('detectors').replaceChildren();
    $('empty').hidden = false;
    $('empty').textContent = `The API refused this view: ${why || problem.title || 'bad request'}`;
    $('page-status').textContent = '';
    $('prev-page').disabled = !state.after;
    $('next-page').disabled = true;
    return;
  }
  if (!response.ok) throw new Error(`GET /detectors answered ${response.status}`);
  const list = await response.json();
  if (mine !== loads) return;
  const total = Number(response.headers.get('X-Total-Count'));
  next = nextCursor(response);
  shown = state;
  views.clear();
  for (const view of list) views.set(view.id, view);
  showControls(state);
  $('detectors').replaceChildren(...list.map((view) => row(view, state)));
  const filtered = state.q || state.status || state.reachability || state.health || state.tags.length || state.provider;
  $('empty').hidden = list.length > 0;
  $('empty').textContent = filtered ? 'No detector matches this view.' : 'No detector has reported yet.';
  const range = list.length === 0 ? '0' : offset === null ? `${list.length} shown` : `${offset + 1}\u2013${offset + list.length}`;
  $('page-status').textContent = `${range} of ${Number.isFinite(total) ? total.toLocaleString('en') : '?'} detectors`;
  $('prev-page').disabled = !state.after;
  $('next-page').disabled = next === null;
  performance.mark('fleet:list-rendered');
}

// A newer view of a detector on this page: its row changes in place (focus stays where it is).
export function applyLive(view) {
  if (!shown || !views.has(view.id)) return false;
  views.set(view.id, view);
  const tr = $('detectors').querySelector(`tr[data-id="${CSS.escape(view.id)}"]`);
  if (!tr) return false;
  patchChildren(tr, row(view, shown));
  tr.classList.remove('flash');
  void tr.offsetWidth; // restarts the highlight animation
  tr.classList.add('flash');
  return true;
}

// Counts per status over the whole fleet: X-Total-Count of one-item pages (the API remembers each total while
// nothing changes, so these are cheap).
export async function loadCounts(state) {
  const totals = await Promise.all(['', ...STATUSES].map(async (status) => {
    const response = await get(status ? `detectors?limit=1&status=${status}` : 'detectors?limit=1');
    return response.ok ? Number(response.headers.get('X-Total-Count')) : NaN;
  }));
  const fresh = el('div', { id: 'counts', class: 'counts', role: 'group', 'aria-label': 'Detectors by status' });
  ['', ...STATUSES].forEach((status, i) => {
    const button = el('button', {
      type: 'button', class: `count ${status || 'all'}`, 'data-status': status, 'data-key': `count:${status || 'all'}`,
      'aria-pressed': String((state ? state.status : '') === status),
    });
    button.append(el('span', { class: 'count-label' }, status || 'all'), ' ', el('strong', {}, Number.isFinite(totals[i]) ? totals[i].toLocaleString('en') : '?'));
    fresh.append(button);
  });
  patchChildren($('counts'), fresh);
}

export function markCounts(state) {
  for (const button of $('counts').querySelectorAll('button.count')) {
    button.setAttribute('aria-pressed', String(button.dataset.status === state.status));
  }
}

export function tickLastSeen() {
  for (const td of document.querySelectorAll('td.last-seen')) td.textContent = relativeTime(td.dataset.at);
}
