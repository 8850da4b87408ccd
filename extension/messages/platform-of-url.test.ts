import { describe, expect, it } from 'vitest';
import { platformOfUrl } from './platform-of-url.ts';

describe('the platform of a tab', () => {
  it('is named by the host or a subdomain of it', () => {
    expect(platformOfUrl('https://www.instagram.com/accounts/login/')).toBe('instagram');
    expect(platformOfUrl('https://m.facebook.com/')).toBe('facebook');
    expect(platformOfUrl('https://twitter.com/i/flow/login')).toBe('x');
    expect(platformOfUrl('https://x.com/home')).toBe('x');
    expect(platformOfUrl('https://www.linkedin.com/login')).toBe('linkedin');
    expect(platformOfUrl('https://www.tiktok.com/login')).toBe('tiktok');
    expect(platformOfUrl('https://accounts.google.com/v3/signin/')).toBe('youtube');
  });

  it('is none for look-alike hosts, plain http, other pages and no URL at all', () => {
    expect(platformOfUrl('https://instagram.com.evil.test/')).toBeNull();
    expect(platformOfUrl('https://notinstagram.com/')).toBeNull();
    expect(platformOfUrl('http://www.instagram.com/')).toBeNull();
    expect(platformOfUrl('chrome://newtab/')).toBeNull();
    expect(platformOfUrl(undefined)).toBeNull();
    expect(platformOfUrl('not a url')).toBeNull();
  });
});
