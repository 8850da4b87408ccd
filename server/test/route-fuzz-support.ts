import * as schemas from '@twostep/shared';
import fc from 'fast-check';
import type { z } from 'zod';

// Requests built from the router's route table and the contract's zod schemas, as bytes for a raw socket: CR/LF,
// NUL, very long and non-UTF-8 values in paths, query strings, headers and bodies.

/** A line a request value might try to plant in the server's log: found there, it is an injection. */
export const injectedMarker = 'INJECTED-LINE';

const latin1 = (text: string) => Buffer.from(text, 'latin1');
const utf8 = (text: string) => Buffer.from(text, 'utf8');

/** Text values: plausible ones, and ones with line breaks, NUL, lone surrogates, huge or odd Unicode. */
export const hostileText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    'instagram',
    'lead',
    'owner',
    'on',
    'two_step_off',
    'high',
    '123456',
    'reason enough',
    '+4915123000001',
  ),
  fc.constantFrom('a@b.test', 'owner@acme.test', 'a long enough password', 'Anna Lee', 'DE', 'acct1', 'true', '10'),
  fc.constantFrom(`x\r\n${injectedMarker} a`, `x\n${injectedMarker}`, `x\r${injectedMarker}`, '\u0000', 'a\u0000b'),
  fc.constantFrom('\u2028', '\u2029', '\u0085', '\ud800', '\udfff', '\u001b[31m', '%0d%0a', '..%2f..', "' OR 1=1 --"),
  fc.integer({ min: 256, max: 80_000 }).map((n) => 'a'.repeat(n)),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.string({ maxLength: 40 }),
);

type Def = { type: string; [key: string]: unknown };
const defOf = (schema: unknown) => (schema as { _zod: { def: Def } })._zod.def;

/** A value shaped like what `schema` reads, its leaves hostile: the contract's own fields, fed bad values. */
function valueFor(schema: unknown, depth = 0): fc.Arbitrary<unknown> {
  const def = defOf(schema);
  const anything = fc.oneof(hostileText, fc.integer(), fc.constant(null), fc.boolean());
  switch (def.type) {
    case 'object': {
      const shape = def.shape as Record<string, unknown>;
      const fields = Object.fromEntries(Object.entries(shape).map(([key, inner]) => [key, valueFor(inner, depth + 1)]));
      return fc.oneof(
        { weight: 4, arbitrary: fc.record(fields, { requiredKeys: [] }) },
        fc.record(fields).map((value) => ({ ...value, extra: 'x' })),
      );
    }
    case 'optional':
    case 'nullable':
    case 'default':
      return valueFor(def.innerType, depth);
    case 'pipe':
      return valueFor(def.in, depth);
    case 'union':
      return fc.oneof(...(def.options as unknown[]).map((option) => valueFor(option, depth)));
    case 'enum':
      return fc.oneof(fc.constantFrom(...Object.values(def.entries as object)), anything);
    case 'literal':
      return fc.oneof(fc.constantFrom(...(def.values as unknown[])), anything);
    case 'array':
      return depth > 3 ? fc.constant([]) : fc.array(valueFor(def.element, depth + 1), { maxLength: 60 });
    case 'number':
      return fc.oneof(fc.integer(), fc.double(), fc.constantFrom(0, -1, 1e308, Number.MAX_SAFE_INTEGER + 2), anything);
    default:
      return fc.oneof({ weight: 4, arbitrary: hostileText }, anything);
  }
}

const zodSchemas = Object.entries(schemas).filter(
  ([, value]) => typeof value === 'object' && value !== null && '_zod' in value,
) as [string, z.ZodType][];
const bodySchemas = zodSchemas.filter(([name]) => name.endsWith('Body')).map(([, schema]) => schema);
const querySchemas = zodSchemas.filter(([name]) => name.endsWith('Query')).map(([, schema]) => schema);
if (bodySchemas.length < 10 || querySchemas.length < 3) throw new Error('the contract schemas were not found');

const nested = (depth: number) => `${'{"a":['.repeat(depth)}1${']}'.repeat(depth)}`;

/** A body: JSON shaped by any of the contract's body schemas, or bytes no schema would read. */
export const fuzzBody: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 6, arbitrary: fc.oneof(...bodySchemas.map((s) => valueFor(s))).map((v) => utf8(JSON.stringify(v))) },
  fc.uint8Array({ maxLength: 300 }).map((bytes) => Buffer.from(bytes)),
  fc.constantFrom('{"reason":"\\ud800"}', '{"code":"\\u0000"}', '{', 'null', '[]', '"x"', '').map(utf8),
  fc.integer({ min: 1, max: 5_000 }).map((n) => utf8(nested(n))),
  fc.constantFrom(latin1('{"name":"\xff\xfe"}'), latin1('{"reason":"\xc0\xaf\xed\xa0\x80"}')),
);

/** A value for a path segment or a query string, as it goes on the wire (percent-encoded, or raw bytes). */
const wireValue: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 4, arbitrary: hostileText.map((text) => latin1(encodeURIComponent(text.replace(/[\ud800-\udfff]/g, '')))) },
  fc.constantFrom('%', '%zz', '%FF%FE', '%C0%AF', '%ED%A0%80', '%00', '%0D%0A', '%E4%B8%AD%E6%96%87', '..').map(latin1),
  fc.constantFrom('\xff\xfe', '\xe4\xb8\xad', 'a\tb', '"<>', '{}|\\^`').map(latin1),
  fc.integer({ min: 2_000, max: 20_000 }).map((n) => latin1('b'.repeat(n))),
);

/** Bytes that break an HTTP/1.1 request's head: such a request goes alone on a connection of its own. */
const breaksHead = fc
  .constantFrom(`\r\n${injectedMarker}: x`, `\n${injectedMarker} y`, '\r', '\u0000', ' x ')
  .map(latin1);

export type Ids = Record<'account' | 'member' | 'phone' | 'invite' | 'challenge', string> & { token: string };

function idFor(template: string, param: string, ids: Ids): string {
  if (param === 'memberId') return ids.member;
  const base = template.split('/')[2];
  if (base === 'members') return ids.member;
  if (base === 'phones') return ids.phone;
  if (base === 'invites') return ids.invite;
  if (base === 'challenges') return ids.challenge;
  return ids.account;
}

export type FuzzRequest = { bytes: Buffer; method: string; alone: boolean; label: string };

/** Requests for one route of the table: its method mostly, its path with real or hostile ids, hostile rest. */
export function requestsFor(method: string, template: string, ids: Ids): fc.Arbitrary<FuzzRequest> {
  const params = template.match(/:[A-Za-z]+/g) ?? [];
  const segment = (param: string) =>
    fc.oneof({ weight: 2, arbitrary: fc.constant(latin1(idFor(template, param.slice(1), ids))) }, wireValue);
  const queryKeys = [...new Set(querySchemas.flatMap((s) => Object.keys(defOf(s).shape as object)))];
  const query = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...queryKeys).map(latin1), wireValue), wireValue), {
    maxLength: 4,
  });
  // The owner's own session ends with DELETE /v1/sessions/current: that route never gets it.
  const ownToken = template === '/v1/sessions/current' ? 'not-a-session-token' : ids.token;
  const authorization = fc.oneof(
    { weight: 6, arbitrary: fc.constant(latin1(`Bearer ${ownToken}`)) },
    fc.constant(undefined),
    wireValue.map((v) => Buffer.concat([latin1('Bearer '), v])),
    hostileText.map((text) => utf8(text.replace(/[\r\n\0]/g, ''))),
  );
  const header = fc.tuple(
    fc.constantFrom('Content-Type', 'Origin', 'Accept', 'User-Agent', 'X-Forwarded-For', 'Cookie', 'X-Note', 'Range'),
    fc.oneof(
      hostileText.map((text) => utf8(text.replace(/[\r\n\0]/g, ''))),
      wireValue,
    ),
  );
  const type = fc.constantFrom('application/json', 'application/json; charset=utf-8', 'text/csv', 'text/plain', '');
  return fc
    .record({
      method: fc.oneof({ weight: 6, arbitrary: fc.constant(method) }, fc.constantFrom('HEAD', 'OPTIONS', 'PUT', 'GET')),
      segments: fc.tuple(...params.map(segment)),
      query,
      authorization,
      type,
      headers: fc.array(header, { maxLength: 3 }),
      broken: fc.oneof(
        { weight: 6, arbitrary: fc.constant(undefined) },
        fc.tuple(fc.constantFrom('path', 'query', 'header', 'name'), breaksHead),
      ),
      body: fc.option(fuzzBody, { freq: 4 }),
    })
    .map((r) => {
      let i = 0;
      const pathParts = template
        .split(/(:[A-Za-z]+)/)
        .map((part) => (part.startsWith(':') ? r.segments[i++]! : latin1(part)));
      const pairs = r.query.map(([k, v]) => Buffer.concat([k, latin1('='), v]));
      const queryBytes = pairs.length
        ? Buffer.concat([latin1('?'), ...pairs.flatMap((p, n) => (n ? [latin1('&'), p] : [p]))])
        : latin1('');
      const at = r.broken?.[0];
      const bad = r.broken?.[1] ?? latin1('');
      const headers: Buffer[] = [latin1('Host: 127.0.0.1')];
      if (r.authorization) headers.push(Buffer.concat([latin1('Authorization: '), r.authorization]));
      if (r.type) headers.push(latin1(`Content-Type: ${r.type}`));
      for (const [name, value] of r.headers) headers.push(Buffer.concat([latin1(`${name}: `), value]));
      if (at === 'header') headers.push(Buffer.concat([latin1('X-Note: a'), bad]));
      if (at === 'name') headers.push(Buffer.concat([latin1('X-'), bad, latin1(': a')]));
      const body = r.method === 'GET' || r.method === 'HEAD' ? undefined : (r.body ?? undefined);
      if (body) headers.push(latin1(`Content-Length: ${body.length}`));
      const target = Buffer.concat([
        ...pathParts,
        ...(at === 'path' ? [bad] : []),
        queryBytes,
        ...(at === 'query' ? [latin1('?q='), bad] : []),
      ]);
      const head = Buffer.concat([
        latin1(`${r.method} `),
        target,
        latin1(' HTTP/1.1\r\n'),
        ...headers.flatMap((h) => [h, latin1('\r\n')]),
        latin1('\r\n'),
      ]);
      const label = head
        .toString('latin1')
        .replace(/a{20,}|b{20,}/g, (run) => `${run[0]}×${run.length}`)
        .slice(0, 400);
      const bytes = body ? Buffer.concat([head, body]) : head;
      return {
        bytes,
        method: r.method,
        alone: at !== undefined,
        label,
        [fc.toStringMethod]: () => JSON.stringify(label),
      };
    });
}
