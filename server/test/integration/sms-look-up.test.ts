import { describe, expect, it } from 'vitest';
import { dispatchDue } from '../../src/sms/dispatcher.ts';
import { LookupError } from '../../src/sms/lookup-error.ts';
import { enroll, enrollSetup } from '../engine.ts';
import { type Harness, makeHarness } from '../harness.ts';

/** A code whose first try failed without an answer we can trust: its next try asks the provider first. */
async function afterFailedTry(h: Harness, lookUp: () => Promise<string[]>) {
  const { member, account, number } = await enrollSetup(h);
  await enroll(h, member.token, account.id, number);
  h.sms.next.push({ ok: false, retryable: true, error: 'timeout' });
  const started = await h.call('POST', `/v1/accounts/${account.id}/unlock`, { token: member.token });
  await h.settle();
  h.sms.findAccepted = async () => lookUp();
  const sent = h.sms.sent.length;
  const row = async () =>
    (
      await h.query<{ status: string; last_error: string | null; provider_id: string | null }>(
        `SELECT status, last_error, provider_id FROM outbox WHERE challenge_id = '${started.body.challenge.id}'`,
      )
    )[0]!;
  const retry = async () => {
    h.clock.advance(60_000);
    await dispatchDue(h.deps);
  };
  return { sentSince: () => h.sms.sent.length - sent, row, retry };
}

describe('the look-up before a resend', () => {
  it('does not take a message another row already holds (a notice repeated word for word): it sends', async () => {
    const h = await makeHarness();
    const code = await afterFailedTry(h, async () => ['SMother']);
    await h.query(
      `INSERT INTO outbox (id, team_id, kind, phone_id, to_number, status, tries, next_attempt_at, provider_id, created_at)
       VALUES ('earlier', 'team', 'notice', 'phone', '+4915100000000', 'sent', 1, 0, 'SMother', 0)`,
    );
    await code.retry();
    expect(code.sentSince()).toBe(1);
    expect((await code.row()).provider_id).not.toBe('SMother');
  });

  it('takes the first id no other row holds', async () => {
    const h = await makeHarness();
    const code = await afterFailedTry(h, async () => ['SMmine']);
    await code.retry();
    expect(code.sentSince()).toBe(0);
    expect(await code.row()).toMatchObject({ status: 'sent', provider_id: 'SMmine' });
  });

  it.each([401, 403, 404])('sends anyway when the look-up is refused for good (%i)', async (status) => {
    const h = await makeHarness();
    const code = await afterFailedTry(h, async () => {
      throw new LookupError(status);
    });
    await code.retry();
    expect(code.sentSince()).toBe(1);
    expect((await code.row()).status).toBe('sent');
    expect(h.logs.join('\n')).toContain('duplicate is possible');
    expect(h.logs.join('\n')).not.toContain('Twostep:');
  });

  it.each([429, 503, null])(
    'waits on a look-up that may recover (%s), and sends after the second failure',
    async (status) => {
      const h = await makeHarness();
      const code = await afterFailedTry(h, async () => {
        throw new LookupError(status);
      });
      await code.retry();
      expect(code.sentSince()).toBe(0);
      expect(await code.row()).toMatchObject({ status: 'queued', last_error: 'lookup_failed' });
      await code.retry();
      expect(code.sentSince()).toBe(1);
      expect((await code.row()).status).toBe('sent');
    },
  );
});
