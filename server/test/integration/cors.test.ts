import { describe, expect, it } from 'vitest';
import { makeHarness } from '../harness.ts';

const preflight = (origin: string) => ({
  Origin: origin,
  'Access-Control-Request-Method': 'POST',
  'Access-Control-Request-Headers': 'authorization, content-type',
});

describe('CORS', () => {
  it('answers preflights from browser-extension origins, so the extension needs no host permission', async () => {
    const h = await makeHarness();
    for (const origin of [
      'chrome-extension://abcdefghijklmnopabcdefghijklmnop',
      'moz-extension://6f1c2b9e-1d2a-4c1e-9d55-0c6a3e1f2b7a',
    ]) {
      const answer = await h.app.request('/v1/sessions', { method: 'OPTIONS', headers: preflight(origin) });
      expect(answer.status).toBe(204);
      expect(answer.headers.get('Access-Control-Allow-Origin')).toBe(origin);
      expect(answer.headers.get('Access-Control-Allow-Headers')?.toLowerCase()).toContain('authorization');
    }
  });

  it('does not let an ordinary web page call the API from a browser, unless ALLOWED_ORIGINS names it', async () => {
    const h = await makeHarness();
    const page = await h.app.request('/v1/me', { headers: { Origin: 'https://evil.example' } });
    expect(page.headers.get('Access-Control-Allow-Origin')).toBeNull();
    const allowed = await makeHarness({ settings: { allowedOrigins: ['https://admin.acme.test'] } });
    const named = await allowed.app.request('/v1/health', { headers: { Origin: 'https://admin.acme.test' } });
    expect(named.headers.get('Access-Control-Allow-Origin')).toBe('https://admin.acme.test');
  });

  it('exposes Retry-After to the extension and never uses cookies', async () => {
    const h = await makeHarness();
    const answer = await h.app.request('/v1/health', {
      headers: { Origin: 'chrome-extension://abcdefghijklmnopabcdefghijklmnop' },
    });
    expect(answer.headers.get('Access-Control-Expose-Headers')).toContain('Retry-After');
    expect(answer.headers.get('Access-Control-Allow-Credentials')).toBeNull();
    expect(answer.headers.get('Set-Cookie')).toBeNull();
    expect(answer.headers.get('Cache-Control')).toBe('no-store');
  });

  it('sends no-store and nosniff on every answer, errors and requests without an Origin included', async () => {
    const h = await makeHarness();
    for (const [path, status] of [
      ['/v1/health', 200],
      ['/v1/me', 401],
      ['/v1/nowhere', 404],
    ] as const) {
      const answer = await h.app.request(path);
      expect(answer.status, path).toBe(status);
      expect(answer.headers.get('Cache-Control'), path).toBe('no-store');
      expect(answer.headers.get('X-Content-Type-Options'), path).toBe('nosniff');
      expect(answer.headers.get('Access-Control-Allow-Origin'), path).toBeNull();
    }
  });
});
