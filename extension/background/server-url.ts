export const defaultServerUrl = 'http://127.0.0.1:8787';

/** This machine: the only hosts a plain http:// address may name (nothing then crosses a network). */
function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}

export const insecureServerText =
  'Use https:// for a server on another machine: over http:// your password and codes would travel unencrypted. ' +
  'Plain http:// is only for this computer (127.0.0.1, ::1 or localhost).';

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

/** True when a (normalized) address would send credentials unencrypted over a network: http:// to another host. */
export function isInsecureServerUrl(url: string): boolean {
  const parsed = new URL(url);
  return parsed.protocol === 'http:' && !isLoopback(parsed.hostname);
}
