import { z } from 'zod';

// The text rules of the contract, shared by the schemas and the SMS builder.

/**
 * What no text field takes: control characters (`\p{Cc}`: libSQL cuts text at a NUL), lone surrogates, line and
 * paragraph separators, and the bidi embeddings, overrides and isolates that make text read other than it is.
 */
export const unsafeText = /[\p{Cc}\p{Cs}\u2028\u2029\u202a-\u202e\u2066-\u2069]/u;

/** One line of free text. */
export const isSafeLine = (value: string) => !unsafeText.test(value);
/** Free text over several lines: line breaks and tabs are text here. */
export const isSafeMultiLine = (value: string) => !unsafeText.test(value.replace(/[\t\n\r]/g, ''));

/**
 * A person's name goes into SMS texts sent to outside phone holders, so it must read as a name and nothing else:
 * letters, marks, digits, spaces and `. ' -`, with at least one letter; no invisible (default-ignorable)
 * characters, which include the Hangul fillers that count as letters; a mark only after a letter or mark, at most
 * three in a row; no dot directly before two letters or digits (`evil.com`); at most two digits (no phone numbers,
 * no codes). Checked after NFC normalisation.
 */
export const personNamePattern =
  /^(?!.*\p{Default_Ignorable_Code_Point})(?!(?:.*[^\p{L}\p{M}])?\p{M})(?!.*\p{M}{4})(?!.*\.[\p{L}\p{N}]{2})(?!(?:.*\p{N}){3})(?=.*\p{L})[\p{L}\p{M}\p{N} .'-]+$/u;
export const personNameMax = 60;

/** Trimmed single-line text of at most `max` characters. */
export const lineText = (max: number) =>
  z.string().trim().max(max).refine(isSafeLine, 'Use one line of text without control characters.');

/** Trimmed text of at most `max` characters that may span lines. */
export const multiLineText = (max: number) =>
  z.string().trim().max(max).refine(isSafeMultiLine, 'Use text and line breaks, without other control characters.');

export const personName = z
  .string()
  .trim()
  .normalize('NFC')
  .min(1)
  .max(personNameMax)
  .regex(
    personNamePattern,
    "A name is letters, spaces and . ' - (at most two digits), with nothing invisible and nothing like a link.",
  );
