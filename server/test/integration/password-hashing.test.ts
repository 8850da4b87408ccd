import { describe, expect, it, vi } from 'vitest';
import { hashPassword, verifyPassword } from '../../src/lib/crypto.ts';
import {
  type PasswordHashing,
  passwordGate,
  passwordHashConcurrency,
  passwordHashQueue,
} from '../../src/lib/password-gate.ts';
import { makeHarness } from '../harness.ts';

// Password hashing (PBKDF2, 100,000 iterations) is what an anonymous caller can make the server spend CPU on.
// The hasher is counted through the deps, and can be held so that a test fills the gate on purpose.

function countedHashing() {
  const counts = { hashes: 0, verifies: 0, running: 0, mostAtOnce: 0 };
  let held: Promise<void> | null = null;
  let letGo = () => {};
  const run = async <T>(task: () => Promise<T>) => {
    counts.running++;
    counts.mostAtOnce = Math.max(counts.mostAtOnce, counts.running);
    try {
      if (held) await held;
      return await task();
    } finally {
      counts.running--;
    }
  };
  const hashing: PasswordHashing = {
    hash: (password) => {
      counts.hashes++;
      return run(() => hashPassword(password, 1000));
    },
    verify: (password, stored) => {
      counts.verifies++;
      return run(() => verifyPassword(password, stored));
    },
  };
  const hold = () => {
    held = new Promise((resolve) => (letGo = resolve));
  };
  const release = () => {
    held = null;
    letGo();
  };
  return { hashing, counts, hold, release };
}

const capacity = passwordHashConcurrency + passwordHashQueue;

async function until(condition: () => boolean) {
  const deadline = Date.now() + 20_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('The gate never filled.');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
const owner = { email: 'owner@acme.test', password: 'owner password 123' };
// Each request says where it comes from through this header; the harness's deps.clientAddress reads it.
const fromHeader = (request: Request) => request.headers.get('x-test-address');
const from = (address: string) => ({ 'x-test-address': address });

describe('password hashing', () => {
  it('costs nothing on setup once the server is set up: 409 already_set_up before any hash', async () => {
    const counted = countedHashing();
    const passwords = passwordGate({ hashing: counted.hashing });
    const h = await makeHarness({ passwords });
    expect(counted.counts.hashes).toBe(1);
    const answers = [];
    for (let i = 0; i < 20; i++)
      answers.push(
        await h.call('POST', '/v1/setup', {
          body: { team: 'Other', name: 'Eve', email: `eve${i}@evil.test`, password: 'eve password 1234' },
        }),
      );
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 409));
    expect(new Set(answers.map((answer) => answer.body.error.code))).toEqual(new Set(['already_set_up']));
    expect(counted.counts.hashes).toBe(1);
  });

  it(`runs at most ${passwordHashConcurrency} at once, queues ${passwordHashQueue}, and answers 429 rate_limited with Retry-After past that`, async () => {
    const counted = countedHashing();
    const passwords = passwordGate({ hashing: counted.hashing });
    const h = await makeHarness({ passwords, clientAddress: fromHeader });
    counted.hold();
    const signIns = Array.from({ length: capacity + 5 }, (_, i) =>
      h.call('POST', '/v1/sessions', {
        headers: from(`10.0.${i}.1`),
        body: { email: i % 2 ? owner.email : `nobody${i}@acme.test`, password: 'wrong' },
      }),
    );
    await until(() => counted.counts.running === passwordHashConcurrency && passwords.outstanding() === capacity);
    counted.release();
    const answers = await Promise.all(signIns);
    expect(counted.counts.mostAtOnce).toBe(passwordHashConcurrency);
    expect(answers.filter((answer) => answer.status === 401)).toHaveLength(capacity);
    const busy = answers.filter((answer) => answer.status === 429);
    expect(busy).toHaveLength(5);
    for (const answer of busy) {
      expect(answer.body.error.code).toBe('rate_limited');
      expect(answer.headers.get('Retry-After')).toBe('1');
      expect(answer.body.error.retryAfter).toBe(1);
    }
    // A sign-in refused at the gate was not counted against its email, and hashed nothing.
    const failures = await h.query<{ n: number }>(
      `SELECT count(*) AS n FROM sign_in_failures WHERE email = '${owner.email}'`,
    );
    expect(Number(failures[0]!.n)).toBe(answers.filter((answer, i) => i % 2 && answer.status === 401).length);
    expect(counted.counts.verifies).toBe(capacity);
  });

  it('lets one client hold only a couple of places: 20 held sign-ins from A, and B still signs in', async () => {
    const counted = countedHashing();
    const passwords = passwordGate({ hashing: counted.hashing });
    const h = await makeHarness({ passwords, clientAddress: fromHeader });
    counted.hold();
    const loops = Array.from({ length: 20 }, (_, i) =>
      h.call('POST', '/v1/sessions', {
        headers: from('203.0.113.7'),
        body: { email: `nobody${i}@acme.test`, password: 'wrong' },
      }),
    );
    await until(() => counted.counts.running === passwordHashConcurrency);
    let answered = false;
    const signIn = h.call('POST', '/v1/sessions', { headers: from('198.51.100.2'), body: owner });
    void signIn.then(() => (answered = true));
    // B holds a place (waiting for a slot), or was already turned away: either way the test goes on.
    await until(() => answered || passwords.outstanding() === passwordHashConcurrency + 1);
    counted.release();
    const answers = await Promise.all(loops);
    expect(answers.filter((answer) => answer.status === 401)).toHaveLength(passwordHashConcurrency);
    expect(answers.filter((answer) => answer.status === 429)).toHaveLength(20 - passwordHashConcurrency);
    expect((await signIn).status).toBe(201);
  });

  it('costs an unknown email exactly one hash, the first time too, and only through the gate', async () => {
    const counted = countedHashing();
    const h = await makeHarness({ passwords: passwordGate({ hashing: counted.hashing }) });
    const deriveBits = vi.spyOn(crypto.subtle, 'deriveBits');
    try {
      const unknown = await h.call('POST', '/v1/sessions', { body: { email: 'nobody@acme.test', password: 'x' } });
      expect(unknown.status).toBe(401);
      expect(deriveBits).toHaveBeenCalledTimes(1);
      expect(counted.counts.verifies).toBe(1);
    } finally {
      deriveBits.mockRestore();
    }
  });

  it('checks an unknown email’s password as it checks a known one’s: one hash, the same answer', async () => {
    const counted = countedHashing();
    const passwords = passwordGate({ hashing: counted.hashing });
    const h = await makeHarness({ passwords });
    const unknown = await h.call('POST', '/v1/sessions', { body: { email: 'nobody@acme.test', password: 'wrong' } });
    expect(counted.counts.verifies).toBe(1);
    const known = await h.call('POST', '/v1/sessions', { body: { email: owner.email, password: 'wrong' } });
    expect(counted.counts.verifies).toBe(2);
    expect(unknown.status).toBe(401);
    expect(unknown.body).toEqual(known.body);
  });

  it('turns setup and invite accepts away at a full gate without writing anything, and serves them after', async () => {
    const counted = countedHashing();
    const passwords = passwordGate({ hashing: counted.hashing });
    const h = await makeHarness({ passwords, clientAddress: fromHeader });
    const invite = await h.call('POST', '/v1/invites', {
      token: h.owner.token,
      body: { email: 'new@acme.test', role: 'member' },
    });
    counted.hold();
    const filling = Array.from({ length: capacity }, (_, i) =>
      h.call('POST', '/v1/sessions', { headers: from(`10.1.${i}.1`), body: { email: owner.email, password: 'wrong' } }),
    );
    await until(() => counted.counts.running === passwordHashConcurrency && passwords.outstanding() === capacity);
    const body = { token: invite.body.token, name: 'Newcomer', password: 'new member password' };
    const refused = await h.call('POST', '/v1/invites/accept', { headers: from('10.2.0.1'), body });
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('rate_limited');
    expect(refused.headers.get('Retry-After')).toBe('1');
    counted.release();
    await Promise.all(filling);
    const accepted = await h.call('POST', '/v1/invites/accept', { body });
    expect(accepted.status).toBe(201);
  });
});
