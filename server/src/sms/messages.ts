import { accountLabel, type Platform, type Purpose, personNameMax, personNamePattern } from '@twostep/shared';
import { maskPhone } from '../lib/phone.ts';

export type MessageContext = { requester: string; handle: string; platform: Platform };

// Every text goes from the team's own number to someone outside the team, so nothing in it may shape the message:
// no line or paragraph breaks, no bidi or other format characters, no controls. Names are checked at input, but
// rows stored before that rule may hold anything, so the builder checks again and throws on what it cannot fix.

const handlePattern = /^[a-z0-9._-]{1,100}$/;
/** Letters, marks, digits, punctuation, symbols and the plain space: the only characters an SMS text may hold. */
const smsText = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]+$/u;
const notNameText = /[^\p{L}\p{M}\p{N} .'-]+/gu;

/** The requester's name as it may appear in a text: anything a name may not hold becomes a space. */
export function smsName(name: string): string {
  if (personNamePattern.test(name) && name.length <= personNameMax) return name;
  const cleaned = name.replace(notNameText, ' ').replace(/ +/g, ' ').trim().slice(0, personNameMax).trim();
  return personNamePattern.test(cleaned) ? cleaned : 'A team member';
}

function where({ handle, platform }: MessageContext): string {
  if (!handlePattern.test(handle)) throw new Error('An SMS text was built with a handle the contract refuses.');
  return accountLabel(handle, platform);
}

function checked(text: string): string {
  if (!smsText.test(text)) throw new Error('An SMS text holds characters outside the safe set.');
  return text;
}

const asks: Record<Purpose, (context: MessageContext) => string> = {
  enroll: (context) => `asks to protect ${where(context)} with this number`,
  change_number: (context) => `asks to make this number the two-step phone of ${where(context)}`,
  disable: (context) => `asks to turn off two-step for ${where(context)}`,
  unlock: (context) => `asks to sign in to ${where(context)}`,
};

/** The SMS with a code: who asks, for what, and to whom the code may go. Nothing else. */
export function codeMessage(purpose: Purpose, context: MessageContext, code: string): string {
  const name = smsName(context.requester);
  return checked(
    `Twostep: ${name} ${asks[purpose](context)}. Code ${code}, valid 10 minutes. Give it only to ${name}.`,
  );
}

/** Sent to the old number once a number change is confirmed. */
export function numberChangedNotice(context: MessageContext, newNumber: string): string {
  const name = smsName(context.requester);
  return checked(
    `Twostep: this number no longer protects ${where(context)}. ${name} moved two-step to ${maskPhone(newNumber)}. If that is wrong, tell your team lead.`,
  );
}
