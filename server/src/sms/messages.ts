import { accountLabel, type Platform, type Purpose } from '@twostep/shared';
import { maskPhone } from '../lib/phone.ts';

export type MessageContext = { requester: string; handle: string; platform: Platform };

const where = ({ handle, platform }: MessageContext) => accountLabel(handle, platform);

const asks: Record<Purpose, (context: MessageContext) => string> = {
  enroll: (context) => `asks to protect ${where(context)} with this number`,
  change_number: (context) => `asks to make this number the two-step phone of ${where(context)}`,
  disable: (context) => `asks to turn off two-step for ${where(context)}`,
  unlock: (context) => `asks to sign in to ${where(context)}`,
};

/** The SMS with a code: who asks, for what, and to whom the code may go. Nothing else. */
export function codeMessage(purpose: Purpose, context: MessageContext, code: string): string {
  const name = context.requester;
  return `Twostep: ${name} ${asks[purpose](context)}. Code ${code}, valid 10 minutes. Give it only to ${name}.`;
}

/** Sent to the old number once a number change is confirmed. */
export function numberChangedNotice(context: MessageContext, newNumber: string): string {
  return `Twostep: this number no longer protects ${where(context)}. ${context.requester} moved two-step to ${maskPhone(newNumber)}. If that is wrong, tell your team lead.`;
}
