import type { PagePlatform } from '@/messages/platform-pages.ts';
import { isVisibleField } from './field-safety.ts';

/**
 * The page's two-step code field, by several signals in turn (selectors drift, so no single id decides):
 * autocomplete=one-time-code, the platforms' known names and ids, X's shared test id told apart from its username
 * challenge by the page's text, then a generic rule (a numeric field of 6–8 characters near words like "code").
 */

const knownNames = ['verificationCode', 'approvals_code', 'pin', 'idvPin', 'totpPin', 'backupCodePin'];
const knownSelector = knownNames.map((name) => `input[name="${name}"], input#${name}`).join(', ');
const xTestId = 'input[data-testid="ocfEnterTextTextInput"]';
const codeWords = /\b(code|digits?|verification|verify|security code|pin)\b/i;
const xCodeText = /verification code|confirmation code|backup code|login code|enter (the |your )?code|code we sent/i;
const xUsernameText = /phone number or username|phone or username|email or username|username or (phone|email)/i;

const visible = (fields: Iterable<Element>) =>
  [...fields].filter((field): field is HTMLInputElement => field instanceof HTMLInputElement && isVisibleField(field));

/** The text a person reads near the field: its labels, its own hints, and its nearby containers' text. */
export function nearbyText(field: HTMLInputElement, levels = 3): string {
  const parts = [field.placeholder, field.getAttribute('aria-label') ?? ''];
  for (const label of field.labels ?? []) parts.push(label.textContent ?? '');
  let node: HTMLElement | null = field.parentElement;
  for (let level = 0; node && level < levels; level++, node = node.parentElement)
    // biome-ignore lint/performance/useDomNodeTextContent: the text a person sees, not text hidden from them
    parts.push(node.innerText ?? '');
  return parts.join(' ');
}

function xCodeField(doc: Document): HTMLInputElement | null {
  const [field] = visible(doc.querySelectorAll(xTestId));
  if (!field) return null;
  // biome-ignore lint/performance/useDomNodeTextContent: the text a person sees, not text hidden from them
  const text = doc.body?.innerText ?? '';
  return xCodeText.test(text) && !xUsernameText.test(text) ? field : null;
}

function genericCodeField(doc: Document): HTMLInputElement | null {
  const candidates = visible(
    doc.querySelectorAll('input:not([type]), input[type=text], input[type=tel], input[type=number]'),
  );
  return (
    candidates.find((field) => {
      const numeric =
        field.inputMode === 'numeric' || field.type === 'tel' || field.type === 'number' || /\d/.test(field.pattern);
      const length = field.maxLength;
      return numeric && length >= 6 && length <= 8 && codeWords.test(nearbyText(field));
    }) ?? null
  );
}

export function findCodeField(doc: Document, platform: PagePlatform): HTMLInputElement | null {
  const [oneTime] = visible(doc.querySelectorAll('input[autocomplete~="one-time-code"]'));
  if (oneTime) return oneTime;
  const [known] = visible(doc.querySelectorAll(knownSelector));
  if (known) return known;
  if (platform === 'x') return xCodeField(doc);
  return genericCodeField(doc);
}
