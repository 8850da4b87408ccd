import { describe, expect, it } from 'vitest';
import { normalizeServerUrl } from './server-url.ts';

describe('a server address', () => {
  it('is kept as typed when it is a plain http(s) URL, without a trailing slash', () => {
    expect(normalizeServerUrl('http://127.0.0.1:8787')).toBe('http://127.0.0.1:8787');
    expect(normalizeServerUrl(' https://twostep.acme.test/api/ ')).toBe('https://twostep.acme.test/api');
  });

  it('gets http:// for this machine and https:// for any other host', () => {
    expect(normalizeServerUrl('localhost:8787')).toBe('http://localhost:8787');
    expect(normalizeServerUrl('twostep.acme.test')).toBe('https://twostep.acme.test');
  });

  it('is refused when it is not an http(s) address or carries credentials, a query or a fragment', () => {
    for (const bad of ['', 'ftp://x.test', 'javascript:alert(1)', 'http://u:p@x.test', 'http://x.test/?a=1', 'http://'])
      expect(normalizeServerUrl(bad)).toBeNull();
  });
});
