import { describe, expect, it } from 'vitest';
import type { Deps } from '../../src/deps.ts';
import { dispatchWithRetries } from '../../src/sms/retry-soon.ts';
import { enroll, enrollSetup } from '../engine.ts';
import { type Harness, makeHarness } from '../harness.ts';

/** One queued code whose first try failed, then leased by another dispatcher (as if it were sending it now). */
async function leasedRow(h: Harness, leaseUntil: number) {
  const { member, account, number } = await enrollSetup(h);
  await enroll(h, member.token, account.id, number);
  h.sms.next.push({ ok: false, retryable: true, error: 'twilio_503' });
  await h.call('POST', `/v1/accounts/${account.id}/unlock`, { token: member.token });
  await h.settle();
  await h.query(`UPDATE outbox SET lease_until = ${leaseUntil}, next_attempt_at = 0 WHERE status = 'queued'`);
}

describe('retries inside a request (Workers waitUntil)', () => {
  it('does not spin on a past-due row another dispatcher holds: it waits for the lease, beyond the window', async () => {
    const h = await makeHarness();
    await leasedRow(h, h.clock.now() + 60_000);
    let reads = 0;
    // A clock that stands still, as the fake one does; after 200 reads it jumps on so a spinning loop still ends.
    const clock = { now: () => (++reads > 200 ? h.clock.now() + 600_000 : h.clock.now()) };
    const deps: Deps = { ...h.deps, clock };
    await dispatchWithRetries(deps, 20_000);
    expect(reads).toBeLessThan(10);
    const [row] = await h.query<{ status: string }>('SELECT status FROM outbox');
    expect(row!.status).toBe('queued');
  });

  it('waits for a lease that ends inside the window, then delivers, in a few rounds and within the window', async () => {
    const h = await makeHarness();
    const started = Date.now();
    const base = h.clock.now();
    let reads = 0;
    const clock = {
      now: () => {
        reads++;
        return base + (Date.now() - started);
      },
    };
    await leasedRow(h, base + 300);
    const sent = h.sms.sent.length;
    await dispatchWithRetries({ ...h.deps, clock }, 5_000);
    expect(h.sms.sent.length - sent).toBe(1);
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(reads).toBeLessThan(40);
  });
});
