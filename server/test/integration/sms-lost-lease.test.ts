import { describe, expect, it } from 'vitest';
import type { SmsMessage, SmsSender } from '../../src/deps.ts';
import { dispatchDue, leaseMs } from '../../src/sms/dispatcher.ts';
import { enrollSetup } from '../engine.ts';
import { makeHarness } from '../harness.ts';

/**
 * A request's own delivery whose provider call stalls past the lease (then answers `firstAnswer`), while the sweep
 * takes the row as a second try and marks it sent. Resolves with the stalled try's outcome and the harness.
 */
async function stalledPastItsLease(firstAnswer: 'sent' | 'refused', lookUp: boolean) {
  const sent: (SmsMessage & { sid: string })[] = [];
  let release!: () => void;
  const gate = new Promise<void>((done) => (release = done));
  const sms: SmsSender = {
    name: 'twilio',
    async send(message) {
      const sid = `SM${sent.length + 1}`;
      sent.push({ ...message, sid });
      if (sent.length > 1) return { ok: true, providerId: sid };
      await gate;
      return firstAnswer === 'sent'
        ? { ok: true, providerId: sid }
        : { ok: false, retryable: false, error: 'twilio_400' };
    },
    ...(lookUp && {
      async findAccepted({ to, body }: { to: string; body: string }) {
        return sent.filter((m) => m.to === to && m.body === body).map((m) => m.sid);
      },
    }),
  };
  const h = await makeHarness({ sms });
  const { member, account, number } = await enrollSetup(h);
  const tasks: (() => Promise<unknown>)[] = [];
  h.deps.background = (task) => void tasks.push(task);
  const started = await h.call('POST', `/v1/accounts/${account.id}/two-step`, {
    token: member.token,
    body: { number },
  });
  expect(started.status).toBe(202);
  const own = tasks[0]!();
  await expect.poll(() => sent.length).toBe(1);
  h.clock.advance(leaseMs);
  expect(await dispatchDue(h.deps)).toEqual({ sent: 1, failed: 0 });
  release();
  return { h, sent, outcome: await own };
}

// The stalled try must then write nothing: every mark and event is conditioned on its lease and its try.
describe('a delivery that lost its lease', () => {
  it('writes no second sms.sent when the sweep marked the row sent meanwhile', async () => {
    const { h, sent, outcome } = await stalledPastItsLease('sent', true);
    expect(sent).toHaveLength(1); // the sweep's look-up found it: not sent twice
    expect(outcome).toBe('skipped');
    expect(await h.query(`SELECT status, tries, provider_id FROM outbox WHERE kind = 'code'`)).toEqual([
      { status: 'sent', tries: 2, provider_id: 'SM1' },
    ]);
    expect(await h.query(`SELECT id FROM events WHERE action = 'sms.sent'`)).toHaveLength(1);
  });

  it('writes nothing when it ends in a refusal after the sweep marked the row sent', async () => {
    const { h } = await stalledPastItsLease('refused', false);
    expect(await h.query(`SELECT status, tries FROM outbox WHERE kind = 'code'`)).toEqual([
      { status: 'sent', tries: 2 },
    ]);
    expect(await h.query(`SELECT 1 FROM events WHERE action = 'sms.failed'`)).toHaveLength(0);
  });
});
