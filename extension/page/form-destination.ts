/**
 * Where a form would send what is typed into it, read from attributes (a form's `action` and `getAttribute`
 * properties can be shadowed by inputs named so, hence the prototypes): the form's action resolved against the
 * document's base URL (an injected <base href> counts), or the submit button's formaction. Only this page's own
 * origin may receive a fill.
 */

const getAttribute = Element.prototype.getAttribute;
const formOf = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'form')?.get;
const buttonFormOf = Object.getOwnPropertyDescriptor(HTMLButtonElement.prototype, 'form')?.get;

function sameOrigin(target: string | null, fallback: string): boolean {
  try {
    const url = target === null || target.trim() === '' ? new URL(fallback) : new URL(target, document.baseURI);
    return url.protocol === location.protocol && url.origin === location.origin;
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
  return sameOrigin(getAttribute.call(form, 'action'), document.URL);
}

/** Whether pressing `button` sends its form to this page's origin (its formaction, if any, decides). */
export function buttonPostsHere(button: Element, form: HTMLFormElement | null): boolean {
  const buttonForm = formOfButton(button);
  if (buttonForm !== null && buttonForm !== form) return false;
  if (!formPostsHere(buttonForm)) return false;
  const submits = buttonForm !== null && (button as HTMLButtonElement).type === 'submit';
  const formAction = getAttribute.call(button, 'formaction');
  return !submits || formAction === null || sameOrigin(formAction, document.URL);
}
