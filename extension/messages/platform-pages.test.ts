import { platforms } from '@twostep/shared';
import { describe, expect, it } from 'vitest';
import { platformOfOrigin, platformOfPageUrl, platformOrigins, platformPageMatches } from './platform-pages.ts';

describe('the platforms’ sign-in origins', () => {
  it('name each of the six platforms by its exact https origin', () => {
    expect(platformOfOrigin('https://www.instagram.com')).toBe('instagram');
    expect(platformOfOrigin('https://www.facebook.com')).toBe('facebook');
    expect(platformOfOrigin('https://www.tiktok.com')).toBe('tiktok');
    expect(platformOfOrigin('https://x.com')).toBe('x');
    expect(platformOfOrigin('https://www.linkedin.com')).toBe('linkedin');
    expect(platformOfOrigin('https://accounts.google.com')).toBe('youtube');
    expect(Object.keys(platformOrigins).sort()).toEqual(platforms.filter((each) => each !== 'other').sort());
  });

  it('name nothing for look-alikes, http, other ports, subdomains, paths and odd spellings', () => {
    for (const origin of [
      'https://www.instagram.com.evil.test',
      'http://www.instagram.com',
      'https://evil.test/www.instagram.com',
      'https://evil.test',
      'https://instagram.com',
      'https://m.facebook.com',
      'https://twitter.com',
      'https://www.x.com',
      'https://www.youtube.com',
      'https://www.instagram.com:8443',
      'https://www.instagram.com:443',
      'https://www.instagram.com/',
      'https://WWW.INSTAGRAM.COM',
      'HTTPS://www.instagram.com',
      ' https://www.instagram.com',
      'https://user@www.instagram.com',
      'null',
      '',
      undefined,
      null,
    ])
      expect(platformOfOrigin(origin), String(origin)).toBeNull();
  });

  it('read a page URL by its origin, as the URL parser spells it', () => {
    expect(platformOfPageUrl('https://www.instagram.com/accounts/login/?next=%2F')).toBe('instagram');
    expect(platformOfPageUrl('https://WWW.Instagram.COM:443/accounts/login/')).toBe('instagram');
    expect(platformOfPageUrl('https://www.instagram.com.evil.test/accounts/login/')).toBeNull();
    expect(platformOfPageUrl('http://www.instagram.com/accounts/login/')).toBeNull();
    expect(platformOfPageUrl('https://www.instagram.com:8443/accounts/login/')).toBeNull();
    expect(platformOfPageUrl('https://evil.test/www.instagram.com')).toBeNull();
    expect(platformOfPageUrl('not a url')).toBeNull();
    expect(platformOfPageUrl(undefined)).toBeNull();
  });

  it('match only pages on those origins, over https', () => {
    for (const pattern of platformPageMatches) {
      expect(pattern.startsWith('https://')).toBe(true);
      const origin = pattern.slice(0, pattern.indexOf('/', 'https://'.length));
      expect(platformOfOrigin(origin), pattern).not.toBeNull();
    }
    for (const origin of Object.values(platformOrigins))
      expect(platformPageMatches.some((pattern) => pattern.startsWith(`${origin}/`))).toBe(true);
  });
});
