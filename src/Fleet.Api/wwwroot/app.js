// Fleet dashboard: no framework, no build step (ES modules served as they are, strict CSP). This file signs in,
// keeps the view in the URL (pushState/popstate) and applies the live stream (/events) to what is on screen.
import * as detail from './detail.js';
import { setWords } from './format.js';
import { get, SignedOut } from './http.js';
import * as list from './list.js';
import { readView, sameList, writeView } from './view-state.js';

const $ = (id) => document.getElementById(id);
// Events after which a detector is read again: reachability and health changes.
const REFRESHING_EVENTS = ['reachable', 'degraded', 'unreachable', 'health-changed'];
const COUNTS_EVERY_MS = 10000;
let source = null;
let signedIn = false;
let countsDue = null;

function setConnection(state, text) {
  $('connection').dataset.state = state;
  $('connection').textContent = text;
}

function showSignIn(message) {
  signedIn = false;
  if (source) { source.close(); source = null; }
  $('fleet').hidden = true;
  $('detail').hidden = true;
  $('sign-out').hidden = true;
  $('sign-in').hidden = false;
  $('sign-in-error').textContent = message || '';
  setConnection('idle', 'offline');
  $('api-key').focus();
}

function failed(error) {
  if (error instanceof SignedOut) showSignIn();
  else setConnection('down', String(error.message || error));
}

// Which page of the list this history entry is: the cursors of the pages before it (for "Previous page").
const trail = () => (history.state && Array.isArray(history.state.trail) ? history.state.trail : null);

// Shows what the URL says. `focus` moves focus to the new view's heading (a navigation the user asked for).
async function route(focus) {
  const state = readView(location.search);
  if (state.detector) {
    $('back-to-list').setAttribute('href', writeView({ ...state, detector: '' }));
    const loading = detail.show(state.detector);
    $('fleet').hidden = true;
    $('detail').hidden = false;
    if (focus) $('detail-title').focus();
    await loading;
    return;
  }
  const from = detail.currentId();
  if (!list.current() || !sameList(list.current(), state)) {
    const pages = trail();
    await list.load(state, pages ? pages.length * state.limit : (state.after ? null : 0));
  }
  $('detail').hidden = true;
  $('fleet').hidden = false;
  list.markCounts(state);
  const link = from ? $('detectors').querySelector(`a[data-detector="${CSS.escape(from)}"]`) : null;
  if (focus && link) link.focus();
}

function navigate(state, pages) {
  history.pushState({ trail: pages || [] }, '', writeView(state));
  return route(false);
}

// A change of filters starts again at the first page.
function filtersChanged() {
  const tags = $('tag-filter').value.split(',').map((t) => t.trim()).filter((t) => t.length > 0);
  const state = {
    ...readView(location.search), q: $('filter').value.trim(), status: $('status-filter').value, reachability: $('reachability-filter').value,
    health: $('health-filter').value, provider: $('provider-filter').value, sort: $('sort').value, tags, limit: Number($('page-size').value), after: '', detector: '',
  };
  if (sameList(state, readView(location.search))) return Promise.resolve();
  return navigate(state, []);
}

async function page(forward) {
  const state = readView(location.search);
  const pages = trail() || [];
  if (forward) {
    if (!list.nextPage()) return;
    await navigate({ ...state, after: list.nextPage() }, [...pages, state.after]);
  } else {
    await navigate({ ...state, after: pages.length ? pages[pages.length - 1] : '' }, pages.slice(0, -1));
  }
  // A pager button that just became disabled cannot keep focus: the page status (what changed) takes it.
  const button = $(forward ? 'next-page' : 'prev-page');
  if (button.disabled) $('page-status').focus();
}

function refreshCountsSoon() {
  if (countsDue !== null) return;
  countsDue = setTimeout(() => {
    countsDue = null;
    if (signedIn) list.loadCounts(readView(location.search)).catch(() => { /* the next change tries again */ });
  }, COUNTS_EVERY_MS);
}

function applyView(view) {
  if (!view || typeof view.id !== 'string') return;
  list.applyLive(view);
  detail.applyLive(view);
  refreshCountsSoon();
}

async function refresh(id) {
  const response = await get(`detectors/${encodeURIComponent(id)}`);
  if (response.ok) applyView(await response.json());
}

// After a blip the browser reconnects by itself and sends Last-Event-ID: the API replays what was missed. Only
// `reset` (too much was missed) reads the page again.
function connect() {
  if (source) source.close();
  setConnection('connecting', 'connecting');
  source = new EventSource('events');
  source.addEventListener('open', () => setConnection('live', 'live'));
  source.addEventListener('detector', (e) => {
    try { applyView(JSON.parse(e.data)); } catch { /* a malformed item is ignored */ }
  });
  source.addEventListener('reset', () => {
    const state = readView(location.search);
    const reload = state.detector ? detail.show(state.detector) : list.load(state, null);
    reload.catch(failed);
  });
  source.addEventListener('overflow', () => setConnection('connecting', 'catching up'));
  source.addEventListener('fleet-event', (e) => {
    let event;
    try { event = JSON.parse(e.data); } catch { return; }
    if (!event || typeof event.detectorId !== 'string') return;
    detail.applyEvent(event);
    const shown = list.onPage(event.detectorId) || detail.currentId() === event.detectorId;
    if (shown && REFRESHING_EVENTS.includes(event.type)) refresh(event.detectorId).catch(() => { /* the next item brings it */ });
  });
  source.addEventListener('error', () => {
    if (source && source.readyState === EventSource.CLOSED) {
      setConnection('down', 'disconnected');
      source = null;
      setTimeout(() => { start().catch(failed); }, 3000);
    } else {
      setConnection('connecting', 'reconnecting');
    }
  });
}

async function start() {
  const words = await get('reachability/words').catch((error) => { if (error instanceof SignedOut) throw error; return null; });
  if (words && words.ok) setWords(await words.json());
  await route(false);
  signedIn = true;
  $('sign-in').hidden = true;
  $('sign-out').hidden = false;
  await list.loadCounts(readView(location.search));
  connect();
}

async function signIn(event) {
  event.preventDefault();
  const key = $('api-key').value.trim();
  const response = await fetch('auth/session', {
    method: 'POST', credentials: 'same-origin', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ key }),
  });
  $('api-key').value = '';
  if (response.status === 204) {
    await start();
    $(readView(location.search).detector ? 'detail-title' : 'fleet-title').focus();
    return;
  }
  $('sign-in-error').textContent = response.status === 401 ? 'That key is not valid.' : `Sign-in failed (${response.status}).`;
}

async function signOut() {
  await fetch('auth/session', { method: 'DELETE', credentials: 'same-origin' });
  showSignIn('Signed out.');
}

function wire() {
  $('sign-in-form').addEventListener('submit', (e) => { signIn(e).catch((err) => { $('sign-in-error').textContent = String(err); }); });
  $('sign-out').addEventListener('click', () => { signOut().catch(() => showSignIn()); });
  $('filters').addEventListener('submit', (e) => { e.preventDefault(); filtersChanged().catch(failed); });
  for (const id of ['status-filter', 'reachability-filter', 'health-filter', 'provider-filter', 'sort', 'page-size']) {
    $(id).addEventListener('change', () => { filtersChanged().catch(failed); });
  }
  $('tag-filter').addEventListener('change', () => { filtersChanged().catch(failed); });
  let typing = null;
  $('filter').addEventListener('input', () => {
    clearTimeout(typing);
    typing = setTimeout(() => { filtersChanged().catch(failed); }, 300);
  });
  $('prev-page').addEventListener('click', () => { page(false).catch(failed); });
  $('next-page').addEventListener('click', () => { page(true).catch(failed); });
  $('counts').addEventListener('click', (e) => {
    const button = e.target.closest('button.count');
    if (!button) return;
    const state = readView(location.search);
    navigate({ ...state, status: button.dataset.status, after: '', detector: '' }, []).catch(failed);
  });
  // Links to a view of this page (a detector, back to the list) change the URL without reloading the page; a
  // modified click (new tab) is left to the browser.
  document.addEventListener('click', (e) => {
    const link = e.target.closest('a.detail-link, #back-to-list, #home');
    if (!link || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
    e.preventDefault();
    history.pushState({ trail: link.id === 'home' ? [] : trail() }, '', link.getAttribute('href'));
    route(true).catch(failed);
  });
  window.addEventListener('popstate', () => { route(true).catch(failed); });
  $('older-events').addEventListener('click', () => detail.showOlder());
  $('url-at-form').addEventListener('submit', (e) => { e.preventDefault(); detail.urlAt($('url-at').value).catch(failed); });
  setInterval(list.tickLastSeen, 10000);
}

wire();
start().catch(failed);
