import type { PageStep } from '@/background/page-bridge-types.ts';
import type { PagePlatform } from '@/messages/platform-pages.ts';
import { findCodeField } from './code-field.ts';
import { findLoginFields, twoScreenPlatforms } from './login-fields.ts';

/**
 * Which step the page is at. The URL comes first: the content script runs only on the platforms' login and
 * two-step pages (the manifest's matches) and only where the origin is a platform's; then the fields decide.
 */
export function pageStep(doc: Document, platform: PagePlatform): PageStep {
  if (findCodeField(doc, platform)) return 'code';
  const { name, password } = findLoginFields(doc, platform);
  if (password) return 'login';
  if (name && twoScreenPlatforms.has(platform)) return 'login';
  return 'other';
}
