// The view lives in the page's query string, so a view can be shared and the back button restores it:
// ?q=&status=&reachability=&health=&tag=&provider=&sort=&limit=&after= for the list (the same names as GET /detectors), and
// ?detector=ID for one detector's detail (the list's parameters are kept so "back to the list" returns to the same page).

const LIST_KEYS = ['q', 'status', 'reachability', 'health', 'tag', 'provider', 'sort', 'limit', 'after'];
export const PAGE_SIZES = [50, 100, 500, 1000];
export const DEFAULT_LIMIT = 100;

export function readView(search) {
  const params = new URLSearchParams(search);
  const limit = Number(params.get('limit'));
  return {
    q: params.get('q') || '',
    status: params.get('status') || '',
    reachability: params.get('reachability') || '',
    health: params.get('health') || '',
    tags: params.getAll('tag').filter((t) => t.length > 0),
    provider: params.get('provider') || '',
    sort: params.get('sort') || '',
    limit: PAGE_SIZES.includes(limit) ? limit : DEFAULT_LIMIT,
    after: params.get('after') || '',
    detector: params.get('detector') || '',
  };
}

function listParams(view) {
  const params = new URLSearchParams();
  if (view.q) params.set('q', view.q);
  for (const key of ['status', 'reachability', 'health']) if (view[key]) params.set(key, view[key]);
  for (const tag of view.tags) params.append('tag', tag);
  if (view.provider) params.set('provider', view.provider);
  if (view.sort) params.set('sort', view.sort);
  if (view.after) params.set('after', view.after);
  return params;
}

// The query string of a view; defaults are left out so shared links stay short.
export function writeView(view) {
  const params = listParams(view);
  if (view.limit !== DEFAULT_LIMIT) params.set('limit', String(view.limit));
  if (view.detector) params.set('detector', view.detector);
  const text = params.toString();
  return text ? `?${text}` : location.pathname;
}

// GET /detectors for a view: the same parameters, nothing else.
export function listRequest(view) {
  const params = listParams(view);
  params.set('limit', String(view.limit));
  return `detectors?${params}`;
}

export function sameList(a, b) {
  return LIST_KEYS.every((key) => (key === 'tag' ? a.tags.join('\n') === b.tags.join('\n') : a[key] === b[key]));
}
