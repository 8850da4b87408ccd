import { limits } from '@twostep/shared/limits';

const length = limits.codeDigits;

/** What to put in the code boxes from pasted or autofilled text, and whether it is surely the code. */
export type CodeFromText = { digits: string; sure: boolean };

/**
 * The code in pasted text: the digits after "Code", else the one standalone 6-digit run, else text that is only
 * the code's digits with spaces or dashes ("123 456"). Anything else (a whole SMS whose handle has digits, two
 * runs) still fills the boxes, but is not sure: the person checks it and presses Verify.
 */
export function codeFromText(text: string): CodeFromText {
  const labelled = new RegExp(`\\bcode\\W{0,3}(\\d{${length}})(?!\\d)`, 'i').exec(text);
  if (labelled) return { digits: labelled[1]!, sure: true };
  const runs = [...new Set(text.match(new RegExp(`(?<!\\d)\\d{${length}}(?!\\d)`, 'g')) ?? [])];
  if (runs.length === 1) return { digits: runs[0]!, sure: true };
  const digits = text.replace(/\D/g, '');
  if (/^[\d\s-]*$/.test(text.trim()) && digits.length <= length) return { digits, sure: true };
  return { digits: (runs[0] ?? digits).slice(0, length), sure: false };
}

/**
 * The digits one input event leaves in a box. Typing over a filled box whose selection was undone (select on
 * focus, then the mouseup puts the caret back) gives two characters: only the newly typed one counts.
 */
export function typedDigits(value: string, inputType: string | undefined, data: string | null | undefined): string {
  if (inputType === 'insertText' && typeof data === 'string' && /^\d$/.test(data)) return data;
  return value.replace(/\D/g, '');
}
