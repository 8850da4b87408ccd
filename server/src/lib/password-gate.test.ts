import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { clientKey } from './client-key.ts';
import { verifyPassword } from './crypto.ts';
import {
  decoyPasswordHash,
  passwordGate,
  passwordHashConcurrency,
  passwordHashQueue,
  passwordPlacesPerClient,
  passwordPlacesSpare,
} from './password-gate.ts';

const capacity = passwordHashConcurrency + passwordHashQueue;
const instant = { hash: async () => 'x', verify: async () => false };
const refused = (take: () => unknown) => {
  try {
    take();
  } catch (error) {
    return (error as { code?: string }).code;
  }
  return 'taken';
};

describe('password gate fairness', () => {
  it(`lets one client hold ${passwordPlacesPerClient} places, however many requests it sends`, () => {
    const gate = passwordGate({ hashing: instant });
    const answers = Array.from({ length: 20 }, () => refused(() => gate.reserve('203.0.113.7')));
    expect(answers.filter((answer) => answer === 'taken')).toHaveLength(passwordPlacesPerClient);
    expect(answers.filter((answer) => answer === 'rate_limited')).toHaveLength(20 - passwordPlacesPerClient);
    expect(refused(() => gate.reserve('198.51.100.1'))).toBe('taken');
  });

  it('counts an IPv6 /64 as one client, and a mapped IPv4 as its IPv4', () => {
    expect(clientKey('2001:db8:1:2:aaaa::1')).toBe(clientKey('2001:0db8:0001:0002:ffff:1:2:3'));
    expect(clientKey('2001:db8:1:2::1')).not.toBe(clientKey('2001:db8:1:3::1'));
    expect(clientKey('::ffff:192.0.2.1')).toBe('192.0.2.1');
    expect(clientKey('2001:db8::1')).toBe('2001:db8:0:0::/64');
    const gate = passwordGate({ hashing: instant });
    const answers = Array.from({ length: 10 }, (_, i) => refused(() => gate.reserve(`2001:db8:1:2::${i + 1}`)));
    expect(answers.filter((answer) => answer === 'taken')).toHaveLength(passwordPlacesPerClient);
  });

  it(`keeps the last ${passwordPlacesSpare} places for clients holding none; unknown clients share the rest`, () => {
    const gate = passwordGate({ hashing: instant });
    const unknown = Array.from({ length: capacity }, () => refused(() => gate.reserve(null)));
    expect(unknown.filter((answer) => answer === 'taken')).toHaveLength(capacity - passwordPlacesSpare);
    // A client that already holds a place may not take a spare one; fresh clients take them all.
    const first = gate.reserve('192.0.2.1');
    expect(refused(() => gate.reserve('192.0.2.1'))).toBe('rate_limited');
    expect(refused(() => gate.reserve('192.0.2.2'))).toBe('taken');
    expect(refused(() => gate.reserve('192.0.2.3'))).toBe('rate_limited');
    first.release();
    expect(refused(() => gate.reserve('192.0.2.3'))).toBe('taken');
    expect(gate.outstanding()).toBe(capacity);
  });

  it('gives a released place back to its client once', () => {
    const gate = passwordGate({ hashing: instant });
    const tickets = [gate.reserve('192.0.2.9'), gate.reserve('192.0.2.9')];
    expect(refused(() => gate.reserve('192.0.2.9'))).toBe('rate_limited');
    tickets[0]!.release();
    tickets[0]!.release();
    expect(refused(() => gate.reserve('192.0.2.9'))).toBe('taken');
    expect(refused(() => gate.reserve('192.0.2.9'))).toBe('rate_limited');
  });
});

describe('the decoy', () => {
  it('is a real 100,000-iteration record that no password matches', async () => {
    expect(decoyPasswordHash).toMatch(/^pbkdf2-sha256\$100000\$[\w-]{22}\$[\w-]{43}$/);
    expect(await verifyPassword('', decoyPasswordHash)).toBe(false);
    expect(await verifyPassword('twostep decoy password', decoyPasswordHash)).toBe(false);
  });
});

describe('who may hash passwords', () => {
  it('only the gate imports the hashing functions from lib/crypto.ts', () => {
    const root = fileURLToPath(new URL('..', import.meta.url));
    const allowed = new Set([
      'lib/crypto.ts',
      'lib/crypto.test.ts',
      'lib/password-gate.ts',
      'lib/password-gate.test.ts',
    ]);
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) walk(path);
        else if (entry.name.endsWith('.ts') && !allowed.has(relative(root, path).replaceAll('\\', '/'))) {
          if (/\b(hashPassword|verifyPassword|pbkdf2|PBKDF2)\b/.test(readFileSync(path, 'utf8')))
            offenders.push(relative(root, path));
        }
      }
    };
    walk(root);
    expect(offenders).toEqual([]);
  });
});
