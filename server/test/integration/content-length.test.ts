import { describe, expect, it } from 'vitest';
import { makeHarness } from '../harness.ts';

describe('a Content-Length that is not a number', () => {
  it.each(['abc', '1e3', '-1', '12 34', ''])(
    '"%s" with a 100 KB body is refused with 400 invalid_request',
    async (length) => {
      const h = await makeHarness();
      const base = JSON.stringify({ platform: 'x', handle: 'acme', notes: '' });
      const body = base.replace('"notes":""', `"notes":"${' '.repeat(100_000 - base.length)}"`);
      const answer = await h.app.request('/v1/accounts', {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${h.owner.token}`,
          'Content-Type': 'application/json',
          'Content-Length': length,
        },
        body,
      });
      expect(answer.status).toBe(400);
      expect(((await answer.json()) as { error: { code: string } }).error.code).toBe('invalid_request');
      expect(await h.query('SELECT id FROM accounts')).toHaveLength(0);
    },
  );
});
