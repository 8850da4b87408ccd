import type { PagePlatform } from '@/messages/platform-pages.ts';
import { isVisibleField } from './field-safety.ts';

/** A platform's login form: its login name and password fields, per platform first, then by generic rules. */

type Selectors = { name: string; password: string };

const platformSelectors: Record<PagePlatform, Selectors> = {
  instagram: { name: 'input[name="username"]', password: 'input[name="password"]' },
  facebook: { name: 'input#email, input[name="email"]', password: 'input#pass, input[name="pass"]' },
  tiktok: { name: 'input[name="username"]', password: 'input[type="password"]' },
  x: {
    name: 'input[autocomplete="username"]:not([data-testid]), input[name="text"][autocomplete="username"]',
    password: 'input[name="password"]',
  },
  linkedin: {
    name: 'input#username, input[name="session_key"]',
    password: 'input#password, input[name="session_password"]',
  },
  youtube: { name: 'input#identifierId, input[name="identifier"]', password: 'input[name="Passwd"]' },
};

const genericName = 'input[autocomplete~="username"], input[type="email"]';
const genericPassword = 'input[type="password"]';

/** The platforms whose login asks the name on one screen and the password on the next. */
export const twoScreenPlatforms: ReadonlySet<PagePlatform> = new Set(['x', 'youtube']);

function firstVisible(doc: Document, selector: string): HTMLInputElement | null {
  for (const field of doc.querySelectorAll(selector))
    if (field instanceof HTMLInputElement && isVisibleField(field)) return field;
  return null;
}

export function findPasswordField(doc: Document, platform: PagePlatform): HTMLInputElement | null {
  const field = firstVisible(doc, platformSelectors[platform].password) ?? firstVisible(doc, genericPassword);
  return field?.type === 'password' ? field : null;
}

/** The login name field: the platform's, else a username/email field, else the text field before the password. */
export function findNameField(doc: Document, platform: PagePlatform): HTMLInputElement | null {
  const found = firstVisible(doc, platformSelectors[platform].name) ?? firstVisible(doc, genericName);
  if (found) return found;
  const password = findPasswordField(doc, platform);
  const form = password?.form;
  if (!form) return null;
  const texts = [...form.querySelectorAll('input[type=text], input[type=email], input[type=tel], input:not([type])')];
  return (texts.filter((field) => field instanceof HTMLInputElement && isVisibleField(field)).at(0) ??
    null) as HTMLInputElement | null;
}

export type LoginFields = { name: HTMLInputElement | null; password: HTMLInputElement | null };

export function findLoginFields(doc: Document, platform: PagePlatform): LoginFields {
  return { name: findNameField(doc, platform), password: findPasswordField(doc, platform) };
}
