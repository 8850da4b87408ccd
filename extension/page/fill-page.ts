import type { PageFill } from '@/background/page-bridge-types.ts';
import type { FillReply } from '@/messages/page-messages.ts';
import type { PagePlatform } from '@/messages/platform-pages.ts';
import { findCodeField } from './code-field.ts';
import { isSafeField } from './field-safety.ts';
import { clearField, setFieldValue, submitField, submitGoesHere } from './fill-input.ts';
import { formOfField, formPostsHere } from './form-destination.ts';
import { findLoginFields, findPasswordField, twoScreenPlatforms } from './login-fields.ts';
import { waitForField } from './wait-for-field.ts';

/** How long a two-screen login waits for its password screen after the name was sent. */
export const secondScreenMs = 10_000;

const noField: FillReply = { filled: false, reason: 'no_field' };

/**
 * A field as checked: it, and the form it was in (null: none). Every check is asked again right before its value
 * goes in and again before anything is sent, because the page's own listeners (focus, input, change) run in
 * between and may hide the field or move it into another form.
 */
type Checked = { field: HTMLInputElement; form: HTMLFormElement | null };

const checked = (field: HTMLInputElement): Checked => ({ field, form: formOfField(field) });
const stillSafe = ({ field, form }: Checked) =>
  isSafeField(field) && formOfField(field) === form && formPostsHere(form);

/** Types each value after its check, then sends the last field's step, the checks asked again just before. */
function typeAndSend(platform: PagePlatform, entries: [Checked, string][]): 'pressed' | 'nothing' | null {
  const last = entries.at(-1)?.[0];
  if (!last || !entries.every(([entry]) => stillSafe(entry))) return null;
  if (!submitGoesHere(last.field, platform, last.form)) return null;
  const typed: HTMLInputElement[] = [];
  const undo = () => {
    for (const field of typed) clearField(field);
    return null;
  };
  for (const [entry, value] of entries) {
    if (!setFieldValue(entry.field, value, () => stillSafe(entry))) return undo();
    typed.push(entry.field);
  }
  if (!entries.every(([entry]) => stillSafe(entry))) return undo();
  const sent = submitField(last.field, platform, last.form);
  return sent === 'refused' ? undo() : sent;
}

function fillCode(doc: Document, platform: PagePlatform, code: string): FillReply {
  const field = findCodeField(doc, platform);
  if (!field) return noField;
  const sent = typeAndSend(platform, [[checked(field), code]]);
  return sent ? { filled: true, submitted: sent === 'pressed' } : noField;
}

/** The containers of the name field a second screen's password may appear in (not the whole page). */
function screenOf(field: HTMLInputElement): Element[] {
  const containers: Element[] = [];
  for (let node = field.parentElement; node && node !== node.ownerDocument.body; node = node.parentElement)
    containers.push(node);
  return containers;
}

/**
 * One screen (name and password together, in one form) or two (name, Next, then the password screen in the same
 * form or the same container as the name was). The password waits only in this function's scope. Only a login
 * whose password went in counts as filled.
 */
async function fillLogin(doc: Document, platform: PagePlatform, loginName: string | null, password: string) {
  const { name, password: passwordField } = findLoginFields(doc, platform);
  if (passwordField) {
    const secret = checked(passwordField);
    const withName = loginName !== null && name !== null;
    if (withName && formOfField(name) !== secret.form) return noField;
    const entries: [Checked, string][] = withName
      ? [
          [checked(name), loginName],
          [secret, password],
        ]
      : [];
    if (!withName) entries.push([secret, password]);
    const sent = typeAndSend(platform, entries);
    return sent ? ({ filled: true, submitted: sent === 'pressed' } satisfies FillReply) : noField;
  }
  if (loginName === null || !name || !twoScreenPlatforms.has(platform)) return noField;
  const first = checked(name);
  const screen = screenOf(name);
  if (typeAndSend(platform, [[first, loginName]]) !== 'pressed') return noField;
  const next = await waitForField(doc, () => findPasswordField(doc, platform), secondScreenMs);
  if (!next) return noField;
  const second = checked(next);
  const sameScreen = first.form
    ? second.form === first.form && first.form.isConnected
    : second.form === null && screen.some((container) => container.isConnected && container.contains(next));
  if (!sameScreen) return noField;
  const sent = typeAndSend(platform, [[second, password]]);
  return sent ? ({ filled: true, submitted: sent === 'pressed' } satisfies FillReply) : noField;
}

export async function fillPage(doc: Document, platform: PagePlatform, fill: PageFill): Promise<FillReply> {
  if (fill.kind === 'login') return fillLogin(doc, platform, fill.loginName, fill.password);
  return fillCode(doc, platform, fill.code);
}
