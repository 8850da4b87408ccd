import { describe, expect, it } from 'vitest';
import { oneLine } from '../../src/lib/log-line.ts';
import { makeHarness } from '../harness.ts';

describe('one log line per event', () => {
  it('writes control characters and line separators as escapes', () => {
    expect(oneLine('a\r\nINJECTED b\u0000c\u001b[31m\u2028d\te')).toBe(
      'a\\r\\nINJECTED b\\u0000c\\u001b[31m\\u2028d\\u0009e',
    );
    expect(oneLine('code sent to +49 151 ••• 01, café')).toBe('code sent to +49 151 ••• 01, café');
  });

  // Hono decodes %0D%0A in a path to CR LF; the log line of an unexpected error names the path.
  it('an unexpected error on a path with an encoded CR LF logs one line, not two', async () => {
    const h = await makeHarness();
    (h.db as unknown as { $client: { close: () => void } }).$client.close();
    const answer = await h.call('GET', '/v1/accounts/a%0D%0AINJECTED-LINE%20x', { token: h.owner.token });
    expect(answer.status).toBe(500);
    expect(answer.body).toEqual({ error: { code: 'internal_error', message: expect.any(String) } });
    expect(h.logs).toHaveLength(1);
    expect(h.logs[0]).toMatch(/^error GET \/v1\/accounts\/a\\r\\nINJECTED-LINE x: /);
    expect(h.logs[0]).not.toMatch(/[\r\n]/);
  });
});
