/**
 * Where a form would send what is typed into it, as the browser itself resolves it (the prototypes' getters: an
 * element's own properties can be shadowed by inputs named so): the form's action against the document's base URL
 * (an injected <base href> counts), or the submitting button's formaction. Only this page's own origin may receive
 * a fill.
 */

const formOf = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'form')?.get;
const buttonFormOf = Object.getOwnPropertyDescriptor(HTMLButtonElement.prototype, 'form')?.get;
// The browser's own resolution of where a submission goes (the getters, not the element's properties, which an
// input named "action" can shadow): what Chromium submits to, <base href> and odd whitespace included.
const formAction = Object.getOwnPropertyDescriptor(HTMLFormElement.prototype, 'action')?.get;
const buttonFormAction = Object.getOwnPropertyDescriptor(HTMLButtonElement.prototype, 'formAction')?.get;
const inputFormAction = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'formAction')?.get;

function isHere(url: unknown): boolean {
  if (typeof url !== 'string') return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === location.protocol && parsed.origin === location.origin;
  } catch {
    return false;
  }
}

/** The field's form as the browser links it (not a property the page could define on the element). */
export function formOfField(field: HTMLInputElement): HTMLFormElement | null {
  return (formOf?.call(field) as HTMLFormElement | null | undefined) ?? null;
}

/** The form a submit button would submit (for <button> and <input type=submit>), else null. */
export function formOfButton(button: Element): HTMLFormElement | null {
  if (button instanceof HTMLButtonElement) return (buttonFormOf?.call(button) as HTMLFormElement | null) ?? null;
  if (button instanceof HTMLInputElement) return formOfField(button);
  return null;
}

/** Whether `form` (null: no form, the page's script sends it) posts to this page's origin. */
export function formPostsHere(form: HTMLFormElement | null): boolean {
  if (!form) return true;
  return isHere(formAction?.call(form));
}

/**
 * Whether pressing `button` sends its form to this page's origin. Any button or input of a form may submit it
 * (type submit or image, or a button without a type), and its formaction, when it has one, decides where: so it is
 * read for every one of them (the getter gives the document's URL when there is none).
 */
export function buttonPostsHere(button: Element, form: HTMLFormElement | null): boolean {
  const buttonForm = formOfButton(button);
  if (buttonForm !== null && buttonForm !== form) return false;
  if (!formPostsHere(buttonForm)) return false;
  if (buttonForm === null) return true;
  if (button instanceof HTMLButtonElement) return isHere(buttonFormAction?.call(button));
  if (button instanceof HTMLInputElement) return isHere(inputFormAction?.call(button));
  return true;
}
