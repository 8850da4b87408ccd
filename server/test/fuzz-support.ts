import { errorStatus } from '@twostep/shared';
import fc from 'fast-check';
import { expect } from 'vitest';
import type { Harness } from './harness.ts';

export type RawAnswer = { status: number; text: string };

/** Sends bytes as a real HTTP client would, Content-Length included (the content-type check keys on it). */
export async function send(
  h: Harness,
  method: string,
  path: string,
  options: { token?: string; contentType?: string; body?: string | Uint8Array } = {},
): Promise<RawAnswer> {
  const bytes =
    typeof options.body === 'string'
      ? new TextEncoder().encode(options.body)
      : options.body && new Uint8Array(options.body);
  const headers: Record<string, string> = {};
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  if (options.contentType !== undefined) headers['Content-Type'] = options.contentType;
  if (bytes) headers['Content-Length'] = String(bytes.byteLength);
  const response = await h.app.request(path, { method, headers, body: bytes });
  return { status: response.status, text: await response.text() };
}

const stackTrace = /\n\s+at |\bat [\w.$<>]+ \(|file:\/\/|node_modules|\/src\/|\.ts:\d+|\.js:\d+/;

/** Never a 5xx, never a stack trace; every 4xx in the contract's shape with the status its code comes with. */
export function expectContractAnswer(answer: RawAnswer): void {
  expect(answer.status, answer.text).toBeLessThan(500);
  expect(answer.text).not.toMatch(stackTrace);
  if (answer.status < 400) return;
  const body = JSON.parse(answer.text);
  expect(Object.keys(body)).toEqual(['error']);
  expect(body.error.code).toMatch(/^[a-z]+(_[a-z]+)*$/);
  expect(typeof body.error.message).toBe('string');
  expect(errorStatus[body.error.code as keyof typeof errorStatus]).toBe(answer.status);
}

const fieldNames = [
  ...['platform', 'handle', 'client', 'loginName', 'notes', 'number', 'country', 'label', 'holder', 'memberId'],
  ...['name', 'email', 'password', 'team', 'token', 'role', 'teamId', 'id', 'twoStep', '__proto__', 'constructor'],
];
const key = fc.oneof(fc.constantFrom(...fieldNames), fc.stringMatching(/^[A-Za-z_]{1,12}$/));
const nested = (depth: number, open: string, close: string) => open.repeat(depth) + close.repeat(depth);

/** Request bodies a careless or hostile client might send: bytes, since some are not even valid UTF-8. */
export const hostileBody: fc.Arbitrary<string | Uint8Array> = fc.oneof(
  fc.jsonValue().map((value) => JSON.stringify(value)),
  fc.dictionary(key, fc.jsonValue({ maxDepth: 2 }), { maxKeys: 6 }).map((value) => JSON.stringify(value)),
  fc
    .record({ platform: fc.constantFrom('x', 'instagram', 7, null), handle: fc.string({ unit: 'binary' }) })
    .map((value) => JSON.stringify(value)),
  fc.integer({ min: 1_000, max: 70_000 }).map((n) => JSON.stringify({ handle: 'a'.repeat(n), number: '1'.repeat(n) })),
  fc.integer({ min: 1, max: 20_000 }).map((n) => nested(n, '[', ']')),
  fc.integer({ min: 1, max: 5_000 }).map((n) => `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`),
  fc.uint8Array({ maxLength: 200 }),
  fc.constantFrom('{"handle":"\\ud800"}', '{"number":"\\udfff\\u0000"}', '{', '}', 'null', '"x"', '[]', ''),
  fc.string(),
);

export const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'APPLICATION/JSON',
  'text/plain',
  'text/csv',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/ld+json',
  '',
);

/** Path segments that are not ids: empty-ish, traversal, encoded slashes, SQL, huge, non-ASCII. */
export const badId = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1, maxLength: 80 }),
  fc.constantFrom('..', '%2e%2e', "' OR 1=1 --", 'a%2Fb', '%00', 'x'.repeat(65), '🙂', '*'),
);

export const queryString = fc
  .array(
    fc.tuple(
      fc.oneof(fc.constantFrom('platform', 'client', 'status', 'q', 'limit', 'cursor', 'before', 'memberId'), key),
      fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.integer().map(String), fc.constant('')),
    ),
    { maxLength: 5 },
  )
  .map((pairs) => pairs.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&'));
