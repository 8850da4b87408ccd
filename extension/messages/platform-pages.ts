import type { Platform } from '@twostep/shared';

/** The six platforms Twostep signs in on (not 'other'). */
export type PagePlatform = Exclude<Platform, 'other'>;

/**
 * The one https origin where each platform's accounts sign in (YouTube signs in on Google's accounts page). A fill is
 * handed only to a top frame whose origin, as the browser reports it, is exactly this string.
 */
export const platformOrigins = {
  instagram: 'https://www.instagram.com',
  facebook: 'https://www.facebook.com',
  tiktok: 'https://www.tiktok.com',
  x: 'https://x.com',
  linkedin: 'https://www.linkedin.com',
  youtube: 'https://accounts.google.com',
} as const satisfies Record<PagePlatform, string>;

/** The login and two-step pages the content script runs on: its manifest `matches`, the only host access asked. */
export const platformPageMatches = [
  'https://www.instagram.com/accounts/login/*',
  'https://www.instagram.com/challenge/*',
  'https://www.facebook.com/login*',
  'https://www.facebook.com/checkpoint/*',
  'https://www.facebook.com/two_step_verification/*',
  'https://www.tiktok.com/login*',
  'https://x.com/i/flow/login*',
  'https://www.linkedin.com/login*',
  'https://www.linkedin.com/checkpoint/*',
  'https://accounts.google.com/v3/signin/*',
  'https://accounts.google.com/signin/*',
];

const byOrigin = new Map<string, PagePlatform>(
  Object.entries(platformOrigins).map(([platform, origin]) => [origin, platform as PagePlatform]),
);

/**
 * The platform whose sign-in origin is exactly `origin` (as `MessageSender.origin` or `URL.origin` give it:
 * lowercase, no default port, no path), else null. No normalising, no subdomains: anything else is not the platform.
 */
export function platformOfOrigin(origin: string | undefined | null): PagePlatform | null {
  if (typeof origin !== 'string') return null;
  return byOrigin.get(origin) ?? null;
}

/** The https origin of `url` (the URL parser lowercases the host and drops a default port), else null. */
export function originOfUrl(url: string | undefined | null): string | null {
  if (typeof url !== 'string') return null;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'https:' ? parsed.origin : null;
  } catch {
    return null;
  }
}

/** The platform a page's URL signs in to, by its exact origin, else null. */
export const platformOfPageUrl = (url: string | undefined | null): PagePlatform | null =>
  platformOfOrigin(originOfUrl(url));
