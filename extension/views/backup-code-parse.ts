/** What a pasted list of backup codes gave: the codes in order, and any text that did not look like a code. */
export type ParsedCodes = { codes: string[]; ignored: string[] };

export const maxBackupCodes = 50;

// "1.", "2)", "•", "-", "*" before a code on its line.
const listMarker = /^(?:\d{1,2}[.)]|[-•*·])\s+/;
const group = /^[A-Za-z0-9]{3,5}$/;
const whole = /^[A-Za-z0-9-]{6,64}$/;

/**
 * The codes in a pasted list, in any common layout: one per line, separated by commas, semicolons, tabs or
 * spaces, numbered or bulleted, and a platform's grouping (`1234 5678`) kept as one code. Duplicates count once.
 */
export function parseBackupCodes(text: string): ParsedCodes {
  const codes: string[] = [];
  const ignored: string[] = [];
  for (const piece of text.split(/[\n\r,;|\t]+/)) {
    const words = piece.trim().replace(listMarker, '').split(/\s+/).filter(Boolean);
    for (let i = 0; i < words.length; i++) {
      const word = words[i]!;
      const next = words[i + 1];
      // Two short groups of the same length side by side are one grouped code: "1234 5678".
      if (group.test(word) && next !== undefined && group.test(next) && next.length === word.length) {
        codes.push(`${word} ${next}`);
        i++;
      } else if (whole.test(word) && /\d/.test(word)) codes.push(word);
      else ignored.push(word);
    }
  }
  return { codes: [...new Set(codes)], ignored };
}
