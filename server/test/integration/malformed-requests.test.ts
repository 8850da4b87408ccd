import { describe, expect, it } from 'vitest';
import { expectContractAnswer, send } from '../fuzz-support.ts';
import { makeHarness } from '../harness.ts';

const json = 'application/json';

describe('requests the API cannot read', () => {
  it.each([
    ['POST', '/v1/accounts'],
    ['POST', '/v1/phones'],
    ['POST', '/v1/invites'],
    ['POST', '/v1/sessions'],
  ])('%s %s answers malformed JSON with 400 invalid_request', async (method, path) => {
    const h = await makeHarness();
    for (const body of ['{"platform":', "{'platform':'x'}", '{"a":1,}', '\u00ff\u00fe']) {
      const answer = await send(h, method, path, { token: h.owner.token, contentType: json, body });
      expectContractAnswer(answer);
      expect(answer.status, body).toBe(400);
      expect(JSON.parse(answer.text).error.code).toBe('invalid_request');
    }
  });

  it.each(['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'text/csv', ''])(
    'answers a JSON body sent as "%s" with 415 unsupported_media_type and changes nothing',
    async (type) => {
      const h = await makeHarness();
      const body = JSON.stringify({ platform: 'x', handle: 'acme' });
      const answer = await send(h, 'POST', '/v1/accounts', { token: h.owner.token, contentType: type, body });
      expect(answer.status).toBe(415);
      expect(JSON.parse(answer.text).error.code).toBe('unsupported_media_type');
      expect(await h.query('SELECT id FROM accounts')).toHaveLength(0);
    },
  );

  it('accepts a JSON body with a charset parameter', async () => {
    const h = await makeHarness();
    const body = JSON.stringify({ platform: 'x', handle: 'acme' });
    const answer = await send(h, 'POST', '/v1/accounts', {
      token: h.owner.token,
      contentType: `${json}; charset=utf-8`,
      body,
    });
    expect(answer.status).toBe(201);
  });

  it('reads a body of 64 KiB (65,536 bytes) and refuses one byte more with 413 payload_too_large', async () => {
    const h = await makeHarness();
    const padded = (size: number) => {
      const base = JSON.stringify({ platform: 'x', handle: 'acme', notes: '' });
      return base.replace('"notes":""', `"notes":"${' '.repeat(size - base.length)}"`);
    };
    expect(padded(65_536)).toHaveLength(65_536);
    const atLimit = await send(h, 'POST', '/v1/accounts', {
      token: h.owner.token,
      contentType: json,
      body: padded(65_536),
    });
    expect(atLimit.status).toBe(201); // read in full: the padding is whitespace that the schema trims
    const over = await send(h, 'POST', '/v1/accounts', {
      token: h.owner.token,
      contentType: json,
      body: padded(65_536 + 1),
    });
    expect(over.status).toBe(413);
    expect(JSON.parse(over.text).error.code).toBe('payload_too_large');
  });

  it('answers a malformed id with 400 and a well-formed unknown one with 404', async () => {
    const h = await makeHarness();
    for (const id of ['a%20b', 'x'.repeat(65), '%27%20OR%201%3D1', 'caf%C3%A9']) {
      const answer = await send(h, 'GET', `/v1/accounts/${id}`, { token: h.owner.token });
      expect(answer.status, id).toBe(400);
      expect(JSON.parse(answer.text).error.code).toBe('invalid_request');
    }
    const unknown = await send(h, 'DELETE', '/v1/phones/no-such-phone', { token: h.owner.token });
    expect(unknown.status).toBe(404);
    expect(JSON.parse(unknown.text).error.code).toBe('not_found');
  });

  it('answers an unknown endpoint with 404 not_found in the contract shape', async () => {
    const h = await makeHarness();
    const answer = await send(h, 'GET', '/v1/nothing-here', { token: h.owner.token });
    expectContractAnswer(answer);
    expect(answer.status).toBe(404);
  });
});
