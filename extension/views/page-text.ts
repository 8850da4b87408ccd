import { type PagePlatform, platformOrigins } from '@/messages/platform-pages.ts';
import { platformLabels } from './format.ts';

/** Whose sign-in page an account is filled on, in words: YouTube accounts sign in on Google's. */
export function signInPlace(platform: PagePlatform): { name: string; where: string } {
  const name = platform === 'youtube' ? 'Google' : platformLabels[platform];
  return { name, where: new URL(platformOrigins[platform]).host };
}
