// Every read of the API: same-origin with the session cookie. A 401 or 403 means the session is gone.

export class SignedOut extends Error {}

export async function get(url) {
  const response = await fetch(url, { credentials: 'same-origin', headers: { Accept: 'application/json' } });
  if (response.status === 401 || response.status === 403) throw new SignedOut(`${response.status}`);
  return response;
}

// The `after` cursor of a keyset-paged answer's `Link: <…>; rel="next"`, or null on the last page.
export function nextCursor(response) {
  const match = /<([^>]*)>\s*;\s*rel="next"/.exec(response.headers.get('Link') || '');
  return match ? new URL(match[1], location.href).searchParams.get('after') : null;
}
