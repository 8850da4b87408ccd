import type { PageFill } from '@/background/page-bridge-types.ts';
import type { FillReply } from '@/messages/page-messages.ts';
import type { PagePlatform } from '@/messages/platform-pages.ts';
import { findCodeField } from './code-field.ts';
import { isSafeField } from './field-safety.ts';
import { setFieldValue, submitField } from './fill-input.ts';
import { findLoginFields, findPasswordField } from './login-fields.ts';
import { waitForField } from './wait-for-field.ts';

/** How long a two-screen login waits for its password screen after the name was sent. */
export const secondScreenMs = 10_000;

const noField: FillReply = { filled: false, reason: 'no_field' };

function fillCode(doc: Document, platform: PagePlatform, code: string): FillReply {
  const field = findCodeField(doc, platform);
  if (!isSafeField(field)) return noField;
  setFieldValue(field, code);
  return { filled: true, submitted: submitField(field, platform) };
}

/**
 * One screen (name and password together) or two (name, Next, then the password screen): every field is checked
 * before anything is typed into it. On two screens the password waits only in this function's scope.
 */
async function fillLogin(doc: Document, platform: PagePlatform, loginName: string | null, password: string) {
  const { name, password: passwordField } = findLoginFields(doc, platform);
  if (passwordField) {
    if (!isSafeField(passwordField)) return noField;
    const withName = loginName !== null && name !== null;
    if (withName && !isSafeField(name)) return noField;
    if (withName) setFieldValue(name, loginName);
    setFieldValue(passwordField, password);
    return { filled: true, submitted: submitField(passwordField, platform) } satisfies FillReply;
  }
  if (loginName === null || !isSafeField(name)) return noField;
  setFieldValue(name, loginName);
  if (!submitField(name, platform)) return { filled: true, submitted: false } satisfies FillReply;
  const next = await waitForField(doc, () => findPasswordField(doc, platform), secondScreenMs);
  if (!isSafeField(next)) return { filled: true, submitted: false } satisfies FillReply;
  setFieldValue(next, password);
  return { filled: true, submitted: submitField(next, platform) } satisfies FillReply;
}

export async function fillPage(doc: Document, platform: PagePlatform, fill: PageFill): Promise<FillReply> {
  if (fill.kind === 'login') return fillLogin(doc, platform, fill.loginName, fill.password);
  return fillCode(doc, platform, fill.code);
}
