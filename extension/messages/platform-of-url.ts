import type { Platform } from '@twostep/shared';

/** The sites where each platform's accounts sign in (YouTube signs in at Google's accounts page). */
const hosts: [Platform, string[]][] = [
  ['instagram', ['instagram.com']],
  ['facebook', ['facebook.com', 'fb.com', 'messenger.com']],
  ['tiktok', ['tiktok.com']],
  ['x', ['x.com', 'twitter.com']],
  ['linkedin', ['linkedin.com']],
  ['youtube', ['youtube.com', 'accounts.google.com']],
];

/** The platform an https page belongs to (the host or one of its subdomains), else null. */
export function platformOfUrl(url: string | undefined): Platform | null {
  if (!url) return null;
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:') return null;
  const host = parsed.hostname.toLowerCase();
  for (const [platform, names] of hosts)
    if (names.some((name) => host === name || host.endsWith(`.${name}`))) return platform;
  return null;
}
