import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { limits } from '@twostep/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { outboxSender } from '../../src/sms/outbox-sender.ts';
import { twilioSender } from '../../src/sms/twilio.ts';
import { enrolled, enrollSetup, lastCode } from '../engine.ts';
import { type Harness, makeHarness } from '../harness.ts';
import { countingCommits } from '../support/counting-commits.ts';
import { startTwilioStandIn } from '../support/twilio-stand-in.ts';

// A send (POST …/unlock, …/two-step, …/resend) is two durable commits: the challenge's batch (the challenge, its
// outbox row already leased to this process, the audit event), then the delivery's batch (the sent mark, its
// sms.sent event and, in outbox mode, the dev outbox row itself). No claim UPDATE, no separate provider commit.

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

function databaseUrl(kind: 'memory' | 'file') {
  if (kind === 'memory') return ':memory:';
  const dir = mkdtempSync(join(tmpdir(), 'twostep-commits-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return `file:${join(dir, 'commits.db')}`;
}

describe('a send costs two write commits', () => {
  it.each(['memory', 'file'] as const)(
    'outbox mode (%s): the challenge batch, then one batch that writes the dev outbox and marks the row sent',
    async (kind) => {
      const counting = countingCommits();
      const h = await makeHarness({
        url: databaseUrl(kind),
        wrapDb: counting.wrap,
        sms: ({ db, clock, log }) => outboxSender(db, clock, log),
      });
      const { member, account } = await enrolled(h);
      counting.reset();
      const started = await h.call('POST', `/v1/accounts/${account.id}/unlock`, { token: member.token });
      expect(started.status).toBe(202);
      await h.settle();
      expect(counting.commits).toHaveLength(2);
      expect(counting.commits[0]).toEqual(
        expect.arrayContaining(['INSERT challenges', 'INSERT outbox', 'INSERT events']),
      );
      expect(counting.commits[1]).toEqual(
        expect.arrayContaining(['UPDATE outbox', 'INSERT events', 'INSERT dev_outbox']),
      );
      // What those two commits wrote: the code in the dev outbox once, the row sent, its sms.sent event.
      const challengeId = started.body.challenge.id;
      const [row] = await h.query<{ id: string; status: string; tries: number; lease_until: number | null }>(
        `SELECT id, status, tries, lease_until FROM outbox WHERE challenge_id = '${challengeId}'`,
      );
      expect(row).toMatchObject({ status: 'sent', tries: 1, lease_until: null });
      expect(await h.query(`SELECT id FROM dev_outbox WHERE id = '${row!.id}'`)).toHaveLength(1);
      const code = await lastCode(h);
      const verified = await h.call('POST', `/v1/challenges/${challengeId}/verify`, {
        token: member.token,
        body: { code },
      });
      expect(verified.status).toBe(200);
      // One sms.sent for the enrollment's code, one for this one.
      expect(await h.query("SELECT 1 FROM events WHERE action = 'sms.sent'")).toHaveLength(2);
    },
  );

  it('a resend in outbox mode: the same two commits', async () => {
    const counting = countingCommits();
    const h = await makeHarness({ wrapDb: counting.wrap, sms: ({ db, clock, log }) => outboxSender(db, clock, log) });
    const { member, account } = await enrolled(h);
    const started = await h.call('POST', `/v1/accounts/${account.id}/unlock`, { token: member.token });
    await h.settle();
    h.clock.advance(limits.resendAfterMs);
    counting.reset();
    const resent = await h.call('POST', `/v1/challenges/${started.body.challenge.id}/resend`, { token: member.token });
    expect(resent.status).toBe(202);
    await h.settle();
    expect(counting.commits).toHaveLength(2);
    expect(counting.commits[0]).toEqual(
      expect.arrayContaining(['UPDATE challenges', 'INSERT outbox', 'INSERT events']),
    );
    expect(counting.commits[1]).toEqual(expect.arrayContaining(['UPDATE outbox', 'INSERT dev_outbox']));
    expect(await h.query('SELECT 1 FROM dev_outbox')).toHaveLength(3);
  });
});

describe('a send with Twilio', () => {
  let standIn: Awaited<ReturnType<typeof startTwilioStandIn>>;
  beforeEach(async () => {
    standIn = await startTwilioStandIn();
  });
  afterEach(() => standIn.close());

  it('costs two commits too: the challenge batch, then the sent mark with its event (no claim UPDATE)', async () => {
    const counting = countingCommits();
    const h = await makeHarness({
      wrapDb: counting.wrap,
      sms: twilioSender({
        accountSid: standIn.credentials.sid,
        authToken: standIn.credentials.token,
        from: '+15005550006',
        apiBase: standIn.url,
      }),
    });
    const { member, account, number } = await enrollSetup(h);
    counting.reset();
    const started = await h.call('POST', `/v1/accounts/${account.id}/two-step`, {
      token: member.token,
      body: { number },
    });
    expect(started.status).toBe(202);
    await h.settle();
    expect(standIn.received).toHaveLength(1);
    expect(standIn.state.lookups).toBe(0);
    expect(counting.commits).toHaveLength(2);
    expect(counting.commits[1]).toEqual(['UPDATE outbox', 'INSERT events']);
  });
});
