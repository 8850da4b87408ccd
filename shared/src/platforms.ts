import type { Platform } from './schemas.ts';

/** How each platform is named to people: in the popup, in SMS texts and in report findings. */
export const platformNames = {
  instagram: 'Instagram',
  facebook: 'Facebook',
  tiktok: 'TikTok',
  x: 'X',
  linkedin: 'LinkedIn',
  youtube: 'YouTube',
  other: 'Other',
} as const satisfies Record<Platform, string>;

/** `@acme on Instagram`; an account on no listed platform is `@acme on another platform`. */
export function accountLabel(handle: string, platform: string): string {
  const name = platform === 'other' ? 'another platform' : (platformNames[platform as Platform] ?? platform);
  return `@${handle} on ${name}`;
}
