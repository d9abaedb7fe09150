// What the dashboard shows of one detector, shared by the list and the detail view. Data only ever reaches the page
// through textContent and setAttribute (never innerHTML), and every tunnel URL is checked again here before it becomes
// a link.

const SSH_USER = 'pi';
const STATUSES = ['online', 'offline', 'lost', 'unknown'];

// The API's one wording table of check outcomes (GET reachability/words), the same words as /d's 503.
const words = { outcomes: {}, sources: {} };

export function setWords(loaded) {
  words.outcomes = loaded.outcomes || {};
  words.sources = loaded.sources || {};
}

export function el(tag, attributes, text) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value !== undefined && value !== null && value !== false) node.setAttribute(name, value === true ? '' : value);
  }
  if (text !== undefined && text !== null) node.textContent = String(text);
  return node;
}

// A host as a DNS name, an IPv4 address or a bracketed IPv6 address: nothing a shell would interpret.
const HOST = /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])$/i;

// Returns { kind: 'web', href } or { kind: 'ssh', command } for a URL the contract allows, otherwise null.
export function checkUrl(raw) {
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

export function relativeTime(iso) {
  if (!iso) return 'never';
  const seconds = Math.round((Date.now() - Date.parse(iso)) / 1000);
  if (Number.isNaN(seconds)) return 'unknown';
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} s ago`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ago`;
  if (seconds < 86400) return `${Math.floor(seconds / 3600)} h ago`;
  return `${Math.floor(seconds / 86400)} d ago`;
}

export function statusOf(view) {
  return STATUSES.includes(view.status) ? view.status : 'unknown';
}

// A lost or offline detector's URLs are the last ones it reported: they may already belong to someone else.
export function isCurrent(view) {
  const status = statusOf(view);
  return status !== 'lost' && status !== 'offline';
}

// The summary as the view gives it; a view without one (an older API) is unknown.
export function reachabilityOf(view) {
  const state = view.reachability && view.reachability.state;
  return ['reachable', 'degraded', 'unreachable', 'unknown'].includes(state) ? state : 'unknown';
}

// "the service behind the tunnel does not answer (ERR_NGROK_8012), seen by the agent"
export function reason(failing) {
  const outcome = Object.hasOwn(words.outcomes, failing.outcome) ? words.outcomes[failing.outcome] : `the check failed (${failing.outcome})`;
  const code = failing.code ? ` (${failing.code})` : '';
  const source = Object.hasOwn(words.sources, failing.source) ? words.sources[failing.source] : `seen by ${failing.source}`;
  return `${outcome}${code}, ${source}`;
}

// The agent's health status; null when it sends none (an older agent, health off).
export function healthOf(view) {
  const status = view.health && view.health.status;
  if (typeof status !== 'string') return null;
  return ['ok', 'warn', 'fail'].includes(status) ? status : 'fail';
}

// "34.5 °C, 1.2 GiB free, load 0.42"
export function factsText(facts) {
  if (!facts || typeof facts !== 'object') return '';
  const parts = [];
  if (typeof facts.cpuTemperatureC === 'number') parts.push(`${facts.cpuTemperatureC} \u00b0C`);
  if (typeof facts.throttled === 'string' && facts.throttled !== '0x0') parts.push(`throttled ${facts.throttled}`);
  if (typeof facts.diskFreeBytes === 'number') parts.push(`${(facts.diskFreeBytes / 2 ** 30).toFixed(1)} GiB free`);
  if (Array.isArray(facts.load) && typeof facts.load[0] === 'number') parts.push(`load ${facts.load[0]}`);
  return parts.join(', ');
}

// provider.state in words (docs/CONTRACT.md lists the states); a state from a newer agent is named as it is.
const PROVIDER_STATES = {
  starting: 'starting, no URL yet',
  running: 'running',
  reconnecting: 'reconnecting to its edge (the URL is kept)',
  crashed: 'crashed, being restarted',
  stopped: 'stopped',
  error: 'failing',
};

export function providerText(provider) {
  if (!provider || typeof provider.kind !== 'string') return 'not reported';
  const state = typeof provider.state === 'string'
    ? (Object.hasOwn(PROVIDER_STATES, provider.state) ? PROVIDER_STATES[provider.state] : provider.state) : 'state not reported';
  const version = provider.version ? ` ${provider.version}` : '';
  return `${provider.kind}${version}: ${state}`;
}

// A Copy button for text; `key` keeps keyboard focus on it across live updates.
export function copyButton(text, label, key) {
  const button = el('button', { type: 'button', class: 'copy', 'data-key': key, 'aria-label': label }, 'Copy');
  button.addEventListener('click', () => {
    navigator.clipboard.writeText(text).then(
      () => { button.textContent = 'Copied'; setTimeout(() => { button.textContent = 'Copy'; }, 1500); },
      () => { button.textContent = 'Copy failed'; });
  });
  return button;
}

// One tunnel: a link (or the ssh command) when current, the last known address marked as such when not.
export function tunnelLine(view, tunnel, options) {
  const current = isCurrent(view);
  const line = el('div', { class: current ? 'tunnel' : 'tunnel stale' });
  line.append(el('span', { class: 'tunnel-name' }, tunnel.name));
  const checked = checkUrl(tunnel.url);
  const key = `tunnel:${tunnel.name}`;
  if (checked === null) {
    line.append(el('span', { class: 'muted' }, '(address refused)'));
  } else if (!current) {
    const text = checked.kind === 'web' ? checked.href : checked.command;
    line.append(el(checked.kind === 'web' ? 'span' : 'code', { class: 'stale-url' }, text));
    line.append(el('span', { class: 'not-current' }, `not current: last known while ${statusOf(view)}`));
  } else if (checked.kind === 'web') {
    line.append(el('a', { href: checked.href, target: '_blank', rel: 'noopener noreferrer', class: 'open', 'data-key': `${key}:open` }, checked.href));
    if (options && options.copyLinks) line.append(copyButton(checked.href, `Copy the URL of tunnel ${tunnel.name}`, `${key}:copy`));
  } else {
    line.append(el('code', { class: 'ssh' }, checked.command));
    line.append(copyButton(checked.command, `Copy the ssh command of tunnel ${tunnel.name}`, `${key}:copy`));
  }
  if (checked !== null && (checked.idn || (Array.isArray(tunnel.warnings) && tunnel.warnings.includes('idn-host')))) {
    line.append(el('span', {
      class: 'warning idn',
      title: 'The host is an internationalised name (shown in punycode, xn--): it may imitate another name. Check it before you open it or type a password.',
    }, '\u26a0 look-alike name?'));
  }
  const failing = reachabilityOf(view) === 'unknown' ? [] : (view.reachability.failing || []);
  for (const failure of failing.filter((f) => f.tunnel === tunnel.name)) {
    line.append(el('span', { class: 'reason', role: 'note' }, reason(failure)));
  }
  return line;
}

export function statusBadges(view) {
  const status = statusOf(view);
  const nodes = [el('span', { class: `badge ${status}` }, status)];
  const reachability = reachabilityOf(view);
  if (reachability === 'degraded' || reachability === 'unreachable') {
    // Online but not every URL answers: the mark that matters most on this page.
    nodes.push(el('span', {
      class: `reach ${reachability}`,
      title: reachability === 'unreachable' ? 'Online, but no tunnel answers' : 'Online, but some tunnels do not answer',
    }, `\u26a0 ${reachability}`));
  } else if (reachability === 'reachable') {
    nodes.push(el('span', { class: 'reach reachable', title: 'Every checked tunnel answers' }, 'reachable'));
  }
  return nodes;
}

export function healthNodes(view) {
  const status = healthOf(view);
  if (status === null) return [el('span', { class: 'muted', 'aria-label': 'no health reported' }, '\u2013')];
  const checks = Array.isArray(view.health.checks) ? view.health.checks : [];
  const summary = checks.map((c) => `${c.name}: ${c.outcome}${c.text ? ` (${c.text})` : ''}`).join('\n');
  const nodes = [el('span', { class: `health-badge ${status}`, title: summary || 'No checks configured' }, status)];
  for (const check of checks.filter((c) => c.outcome !== 'ok')) {
    nodes.push(el('span', { class: 'health-check', role: 'note' }, `${check.name}: ${check.text || check.outcome}`));
  }
  const facts = factsText(view.health.facts);
  if (facts) nodes.push(el('span', { class: 'facts muted' }, facts));
  return nodes;
}
