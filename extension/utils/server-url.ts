export const defaultServerUrl = 'http://127.0.0.1:8787';

/**
 * The server address as typed, made into an origin plus path without a trailing slash; null when it is not an
 * http(s) address. A bare host gets http:// when it is this machine, https:// otherwise.
 */
export function normalizeServerUrl(input: string): string | null {
  const text = input.trim();
  if (!text) return null;
  const local = /^(localhost|127\.|\[::1\])/i.test(text);
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `${local ? 'http' : 'https'}://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    return null;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null;
  if (url.username || url.password || url.search || url.hash) return null;
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}
