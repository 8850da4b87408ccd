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

/** A person's name goes into SMS texts: letters, marks, digits, spaces and `. ' -`, at least one letter or digit. */
export const personNamePattern = /^(?=.*[\p{L}\p{N}])[\p{L}\p{M}\p{N} .'-]+$/u;
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
  .min(1)
  .max(personNameMax)
  .regex(personNamePattern, "A name is letters, digits, spaces and . ' - only.");
