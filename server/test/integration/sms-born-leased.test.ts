import { limits } from '@twostep/shared';
import { describe, expect, it } from 'vitest';
import type { Deps } from '../../src/deps.ts';
import { dispatchDue, leaseMs } from '../../src/sms/dispatcher.ts';
import { outboxSender } from '../../src/sms/outbox-sender.ts';
import { enrollSetup } from '../engine.ts';
import { type Harness, makeHarness } from '../harness.ts';

// A code's outbox row is written already leased to the request that queued it, which delivers it after its answer.
// These are the cases where that request does not: its process dies (or stalls) in between. In outbox mode, so the
// delivered messages are the dev outbox's rows, in the same database.

const outboxHarness = () => makeHarness({ sms: ({ db, clock, log }) => outboxSender(db, clock, log) });

type Row = { id: string; status: string; tries: number; lease_until: number | null; last_error: string | null };
const rowsOf = (h: Harness, challengeId: string) =>
  h.query<Row>(
    `SELECT id, status, tries, lease_until, last_error FROM outbox WHERE challenge_id = '${challengeId}' ORDER BY created_at, id`,
  );
const delivered = (h: Harness, outboxId: string) =>
  h.query<{ body: string }>(`SELECT body FROM dev_outbox WHERE id = '${outboxId}'`);
const codeIn = (body: string | undefined) => /Code (\d{6})/.exec(body ?? '')?.[1];

/** An enrolled account (its code read from the dev outbox) and its member. */
async function enrolled(h: Harness) {
  const { member, account, number } = await enrollSetup(h);
  const started = await h.call('POST', `/v1/accounts/${account.id}/two-step`, {
    token: member.token,
    body: { number },
  });
  await h.settle();
  const [row] = await rowsOf(h, started.body.challenge.id);
  const [message] = await delivered(h, row!.id);
  const verified = await h.call('POST', `/v1/challenges/${started.body.challenge.id}/verify`, {
    token: member.token,
    body: { code: codeIn(message?.body) },
  });
  expect(verified.status).toBe(200);
  await h.settle();
  return { member, account };
}

/** Runs `request` in a process whose work after the answer never happens (it dies once it has answered). */
async function answerThenDie<T>(h: Harness, request: () => Promise<T>): Promise<T> {
  const background = h.deps.background;
  h.deps.background = () => {};
  try {
    return await request();
  } finally {
    h.deps.background = background;
  }
}

describe('a code born leased to its request', () => {
  it('is delivered by the sweep once the lease has run out when the process died before delivering it, exactly once', async () => {
    const h = await outboxHarness();
    const { member, account } = await enrolled(h);
    const started = await answerThenDie(h, () =>
      h.call('POST', `/v1/accounts/${account.id}/unlock`, { token: member.token }),
    );
    expect(started.status).toBe(202);
    const [born] = await rowsOf(h, started.body.challenge.id);
    expect(born).toMatchObject({ status: 'queued', tries: 1, lease_until: h.clock.now() + leaseMs });
    expect(await delivered(h, born!.id)).toEqual([]);
    // The lease is the dead process's: no sweep takes the row before it runs out.
    expect(await dispatchDue(h.deps)).toEqual({ sent: 0, failed: 0 });
    h.clock.advance(leaseMs - 1);
    expect(await dispatchDue(h.deps)).toEqual({ sent: 0, failed: 0 });
    h.clock.advance(1);
    expect(await dispatchDue(h.deps)).toEqual({ sent: 1, failed: 0 });
    expect(await dispatchDue(h.deps)).toEqual({ sent: 0, failed: 0 });
    expect((await rowsOf(h, started.body.challenge.id))[0]).toMatchObject({
      status: 'sent',
      tries: 2,
      lease_until: null,
    });
    const messages = await delivered(h, born!.id);
    expect(messages).toHaveLength(1);
    const events = await h.query(`SELECT 1 FROM events WHERE action = 'sms.sent' AND account_id = '${account.id}'`);
    expect(events).toHaveLength(2);
    const verified = await h.call('POST', `/v1/challenges/${started.body.challenge.id}/verify`, {
      token: member.token,
      body: { code: codeIn(messages[0]!.body) },
    });
    expect(verified.status).toBe(200);
  });

  it('is left to the sweep by a request that gets to it only after its lease ran out (a stalled process)', async () => {
    const h = await outboxHarness();
    const { member, account } = await enrolled(h);
    const late: (() => Promise<unknown>)[] = [];
    const background = h.deps.background;
    h.deps.background = (task) => void late.push(task);
    const started = await h.call('POST', `/v1/accounts/${account.id}/unlock`, { token: member.token });
    h.deps.background = background;
    const [born] = await rowsOf(h, started.body.challenge.id);
    h.clock.advance(leaseMs);
    // The stalled request's delivery finds its lease over and sends nothing: the row is the sweep's now.
    await late[0]!();
    expect(await delivered(h, born!.id)).toEqual([]);
    expect((await rowsOf(h, started.body.challenge.id))[0]).toMatchObject({ status: 'queued', tries: 1 });
    expect(await dispatchDue(h.deps)).toEqual({ sent: 1, failed: 0 });
    expect(await delivered(h, born!.id)).toHaveLength(1);
  });

  it('is superseded by a resend: after a crash, the old code is never delivered, the new one once', async () => {
    const h = await outboxHarness();
    const { member, account } = await enrolled(h);
    const started = await answerThenDie(h, () =>
      h.call('POST', `/v1/accounts/${account.id}/unlock`, { token: member.token }),
    );
    const challengeId = started.body.challenge.id;
    h.clock.advance(limits.resendAfterMs);
    const resent = await h.call('POST', `/v1/challenges/${challengeId}/resend`, { token: member.token });
    expect(resent.status).toBe(202);
    await h.settle();
    const [old, fresh] = await rowsOf(h, challengeId);
    expect(fresh).toMatchObject({ status: 'sent', tries: 1 });
    expect(await delivered(h, fresh!.id)).toHaveLength(1);
    // The dead process's lease runs out: the sweep takes the old row and drops it, a code nobody waits for.
    h.clock.advance(leaseMs);
    expect(await dispatchDue(h.deps)).toEqual({ sent: 0, failed: 0 });
    expect((await rowsOf(h, challengeId))[0]).toMatchObject({ id: old!.id, status: 'dead', last_error: 'superseded' });
    expect(await delivered(h, old!.id)).toEqual([]);
    expect(await h.query(`SELECT 1 FROM dev_outbox WHERE id IN ('${old!.id}', '${fresh!.id}')`)).toHaveLength(1);
    const [message] = await delivered(h, fresh!.id);
    const verified = await h.call('POST', `/v1/challenges/${challengeId}/verify`, {
      token: member.token,
      body: { code: codeIn(message!.body) },
    });
    expect(verified.status).toBe(200);
  });

  it('is delivered by one dispatcher only when the sweep and the request race for it', async () => {
    const h = await outboxHarness();
    const { member, account } = await enrolled(h);
    const tasks: (() => Promise<unknown>)[] = [];
    const background: Deps['background'] = h.deps.background;
    h.deps.background = (task) => void tasks.push(task);
    const started = await h.call('POST', `/v1/accounts/${account.id}/unlock`, { token: member.token });
    h.deps.background = background;
    // Within the lease, a sweep next to the request's own delivery claims nothing.
    const [sweep] = await Promise.all([dispatchDue(h.deps), tasks[0]!()]);
    expect(sweep).toEqual({ sent: 0, failed: 0 });
    const [row] = await rowsOf(h, started.body.challenge.id);
    expect(row).toMatchObject({ status: 'sent', tries: 1 });
    expect(await delivered(h, row!.id)).toHaveLength(1);
  });
});
