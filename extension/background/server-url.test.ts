import { describe, expect, it } from 'vitest';
import { isInsecureServerUrl, normalizeServerUrl } from './server-url.ts';

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

describe('an http:// server address', () => {
  it('is allowed only for this machine: 127.0.0.1, ::1, localhost', () => {
    for (const local of ['http://127.0.0.1:8787', 'http://[::1]:8787', 'http://localhost:8787', 'localhost'])
      expect(isInsecureServerUrl(normalizeServerUrl(local)!)).toBe(false);
  });

  it('is refused for any other host, which https:// is not', () => {
    for (const remote of [
      'http://twostep.acme.test',
      'http://10.0.0.5:8787',
      'http://127.example.test',
      'http://[::2]',
    ])
      expect(isInsecureServerUrl(normalizeServerUrl(remote)!)).toBe(true);
    expect(isInsecureServerUrl(normalizeServerUrl('https://twostep.acme.test')!)).toBe(false);
    expect(isInsecureServerUrl(normalizeServerUrl('twostep.acme.test')!)).toBe(false);
  });
});
