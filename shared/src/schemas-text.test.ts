import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import * as schemas from './schemas.ts';

// Walks every schema of the contract and tries control characters in every string field it finds, so a field
// added later without the text rules fails here (libSQL cuts text at a NUL: an audit detail would read empty).

type Leaf = { path: string; schema: z.ZodType };

/** Fields whose text is never stored or shown as text: hashed or sealed, so any character is the user's own. */
const passwords = ['setupBody.password', 'signInBody.password', 'acceptInviteBody.password', 'secretBody.password'];
/** Multi-line free text: line breaks and tabs are text there; every other control character is refused. */
const multiLine = ['accountCreateBody.notes', 'accountPatchBody.notes'];
const lineBreaks = ['\n', '\r', '\r\n', '\t'];

const noText = new Set(['enum', 'literal', 'number', 'boolean', 'transform']);
const wrappers = new Set(['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional']);

const def = (schema: z.ZodType) => (schema as unknown as { _zod: { def: Record<string, unknown> } })._zod.def;
const kind = (schema: z.ZodType) => def(schema).type as string;
const takesText = (schema: z.ZodType): boolean =>
  kind(schema) === 'string' || (kind(schema) === 'pipe' && takesText(def(schema).in as z.ZodType));

function stringFields(schema: z.ZodType, path: string): Leaf[] {
  const type = kind(schema);
  if (takesText(schema)) return [{ path, schema }];
  if (wrappers.has(type)) return stringFields(def(schema).innerType as z.ZodType, path);
  if (type === 'object') {
    const shape = def(schema).shape as Record<string, z.ZodType>;
    return Object.entries(shape).flatMap(([key, field]) => stringFields(field, `${path}.${key}`));
  }
  if (type === 'union') return (def(schema).options as z.ZodType[]).flatMap((option) => stringFields(option, path));
  if (type === 'array') return stringFields(def(schema).element as z.ZodType, `${path}[]`);
  if (type === 'pipe')
    return [def(schema).in, def(schema).out].flatMap((part) => stringFields(part as z.ZodType, path));
  if (noText.has(type)) return [];
  throw new Error(`${path}: a ${type} schema; teach this walk to look inside it.`);
}

const contract = Object.entries(schemas as Record<string, unknown>).filter(
  (entry): entry is [string, z.ZodType] => entry[1] instanceof z.ZodType,
);
const fields = contract.flatMap(([name, schema]) => stringFields(schema, name));

/** Valid values of the contract's kinds of text; each field takes the first it accepts. */
const samples = [
  'Anna Example',
  'owner@acme.test',
  '01jbx5k2m9qk3h7w8c0e4r6t2y',
  'aB3dE5gH7jK9mN1pQ2rS4t',
  '123456',
  '+49 151 23456789',
  'DE',
  '1234 5678',
  'correct horse battery',
  'two_step_off',
  'high',
  'instagram',
];

const controls = Array.from({ length: 0xa0 }, (_, code) => String.fromCharCode(code)).filter((char) =>
  /\p{Cc}/u.test(char),
);
const alsoRefused = ['\u2028', '\u2029', '\u202e', '\u2066', '\ud800'];

describe('the contract refuses control characters in text', () => {
  it('walks every schema and finds the string fields', () => {
    expect(contract.length).toBeGreaterThan(15);
    expect(fields.map((field) => field.path)).toEqual(expect.arrayContaining([...passwords, ...multiLine]));
    expect(fields.length).toBeGreaterThan(40);
  });

  for (const { path, schema } of fields) {
    if (passwords.includes(path)) continue;
    it(`${path} refuses every \\p{Cc}${multiLine.includes(path) ? ' but line breaks and tabs' : ''}`, () => {
      const sample = samples.find((value) => schema.safeParse(value).success);
      if (sample === undefined) throw new Error(`${path} accepts none of the samples: add a valid one.`);
      const middle = Math.ceil(sample.length / 2);
      const withChar = (char: string) => sample.slice(0, middle) + char + sample.slice(middle);
      const breaks = multiLine.includes(path) ? lineBreaks : [];
      const accepted = [...controls, ...alsoRefused]
        .filter((char) => !breaks.includes(char))
        .filter((char) => schema.safeParse(withChar(char)).success)
        .map((char) => `U+${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
      expect(accepted).toEqual([]);
      for (const char of breaks) expect(schema.safeParse(withChar(char)).success).toBe(true);
    });
  }

  it('takes any character in a password, which is only ever hashed or sealed', () => {
    for (const path of passwords) {
      const field = fields.find((leaf) => leaf.path === path)!;
      expect(field.schema.safeParse('correct\u0000horse\tbattery\u2028staple').success).toBe(true);
    }
  });
});
