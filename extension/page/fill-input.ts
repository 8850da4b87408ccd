import type { PagePlatform } from '@/messages/platform-pages.ts';
import { buttonPostsHere } from './form-destination.ts';

const nativeValue = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value');
const requestSubmit = HTMLFormElement.prototype.requestSubmit;

function setNative(field: HTMLInputElement, value: string) {
  if (nativeValue?.set) nativeValue.set.call(field, value);
  else field.value = value;
}

/**
 * Types `value` as a person would, for React-controlled inputs too: through the native HTMLInputElement setter
 * (React's own setter on the element would swallow it), then `input` and `change` events. focus() runs the page's
 * listeners, which may move or hide the field: `stillSafe` is asked after it, right before the value goes in.
 */
export function setFieldValue(field: HTMLInputElement, value: string, stillSafe: () => boolean): boolean {
  field.focus();
  if (!stillSafe()) return false;
  setNative(field, value);
  field.dispatchEvent(new Event('input', { bubbles: true }));
  field.dispatchEvent(new Event('change', { bubbles: true }));
  return true;
}

/** Takes back what was typed (when the page changed under the fill before it could be sent). */
export function clearField(field: HTMLInputElement) {
  setNative(field, '');
  field.dispatchEvent(new Event('input', { bubbles: true }));
}

/** The platforms' own buttons where the form has no submit button of its own. */
const platformButtons: Partial<Record<PagePlatform, string>> = {
  x: '[data-testid="LoginForm_Login_Button"], [data-testid="ocfEnterTextNextButton"]',
  youtube: '#identifierNext button, #passwordNext button, #idvPreregisteredPhoneNext button, #totpNext button',
};
const buttonWords = /^(next|log in|login|sign in|continue|confirm|submit|verify)$/i;

function shown(element: Element | null): element is HTMLElement {
  if (!(element instanceof HTMLElement) || element.matches(':disabled')) return false;
  const box = element.getBoundingClientRect();
  return box.width > 0 && box.height > 0 && getComputedStyle(element).visibility === 'visible';
}

/** The button that sends `field`'s step: the platform's, else the form's submit button, else a nearby "Next". */
export function findSubmitButton(field: HTMLInputElement, platform: PagePlatform): HTMLElement | null {
  const own = platformButtons[platform];
  if (own) for (const button of field.ownerDocument.querySelectorAll(own)) if (shown(button)) return button;
  const form = field.form;
  if (form) {
    for (const button of form.querySelectorAll('button[type=submit], input[type=submit], button:not([type])'))
      if (shown(button)) return button;
  }
  for (let node = field.parentElement, level = 0; node && level < 6; node = node.parentElement, level++) {
    for (const button of node.querySelectorAll('button, [role=button]'))
      if (shown(button) && buttonWords.test(button.textContent?.trim() ?? '')) return button;
  }
  return null;
}

/** Whether the step's button (if any) sends `form` to this page's origin and no other form. */
export function submitGoesHere(field: HTMLInputElement, platform: PagePlatform, form: HTMLFormElement | null) {
  const button = findSubmitButton(field, platform);
  return button === null || buttonPostsHere(button, form);
}

export type Submitted = 'pressed' | 'nothing' | 'refused';

/** Presses the step's button (or submits `form`, the checked one), unless it would send elsewhere. */
export function submitField(field: HTMLInputElement, platform: PagePlatform, form: HTMLFormElement | null): Submitted {
  const button = findSubmitButton(field, platform);
  if (button) {
    if (!buttonPostsHere(button, form)) return 'refused';
    button.click();
    return 'pressed';
  }
  if (form) {
    requestSubmit.call(form);
    return 'pressed';
  }
  return 'nothing';
}
