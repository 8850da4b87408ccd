import { limits } from '@twostep/shared';
import { describe, expect, it } from 'vitest';
import type { Deps } from '../../src/deps.ts';
import { dispatchDue, leaseMs } from '../../src/sms/dispatcher.ts';
import { outboxSender } from '../../src/sms/outbox-sender.ts';
import { enrolled } from '../engine.ts';
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

/** Runs `request` keeping the work it leaves for after its answer, for the test to run (or never) when it chooses. */
async function answerThenHold<T>(h: Harness, request: () => Promise<T>) {
  const tasks: (() => Promise<unknown>)[] = [];
  const background: Deps['background'] = h.deps.background;
  h.deps.background = (task) => void tasks.push(task);
  try {
    return { answer: await request(), tasks };
  } finally {
    h.deps.background = background;
  }
}

/** Runs `request` in a process whose work after the answer never happens (it dies once it has answered). */
async function answerThenDie<T>(h: Harness, request: () => Promise<T>): Promise<T> {
  return (await answerThenHold(h, request)).answer;
}

/** The database, but its first call of `method` fails as a disk would (the harness's own db is used otherwise). */
function failingOnce(db: Deps['db'], method: 'select' | 'batch'): Deps['db'] {
  let failed = false;
  return new Proxy(db, {
    get(target, name) {
      const value = Reflect.get(target, name, target);
      if (name === method && !failed)
        return () => {
          failed = true;
          throw new Error('SQLITE_IOERR: disk I/O error');
        };
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}

/**
 * Starts an unlock whose delivery fails once on `method`, runs that delivery, and returns the row it left; `before`
 * runs between the answer and the delivery.
 */
async function deliveryFailingOnce(
  h: Harness,
  method: 'select' | 'batch',
  before?: (challengeId: string) => Promise<unknown>,
) {
  const { member, account } = await enrolled(h);
  const { answer: started, tasks } = await answerThenHold(h, () =>
    h.call('POST', `/v1/accounts/${account.id}/unlock`, { token: member.token }),
  );
  await before?.(started.body.challenge.id);
  const db = h.deps.db;
  h.deps.db = failingOnce(db, method);
  try {
    await tasks[0]!();
  } finally {
    h.deps.db = db;
  }
  const [row] = await rowsOf(h, started.body.challenge.id);
  return { row: row!, account };
}

const sentEvents = (h: Harness, accountId: string) =>
  h.query(`SELECT 1 FROM events WHERE action = 'sms.sent' AND account_id = '${accountId}'`);

describe('a code born leased to its request', () => {
  it("goes back to the sweep's next round after a database error before the provider was asked, and is sent once", async () => {
    const h = await outboxHarness();
    const { row, account } = await deliveryFailingOnce(h, 'select');
    // Given back as it was born, unleased: the sweep's claim is its first try again (no look-up of an earlier one).
    expect(row).toMatchObject({ status: 'queued', tries: 0, lease_until: null });
    expect(await delivered(h, row.id)).toEqual([]);
    expect(await dispatchDue(h.deps)).toEqual({ sent: 1, failed: 0 });
    expect(await dispatchDue(h.deps)).toEqual({ sent: 0, failed: 0 });
    expect(await h.query(`SELECT status, tries FROM outbox WHERE id = '${row.id}'`)).toEqual([
      { status: 'sent', tries: 1 },
    ]);
    expect(await delivered(h, row.id)).toHaveLength(1);
    // The enrollment's code and this one.
    expect(await sentEvents(h, account.id)).toHaveLength(2);
    expect(h.logs.some((line) => line.includes(`sms ${row.id} not delivered this time: Error`))).toBe(true);
  });

  it('keeps its lease after a database error once the provider was asked: the next try waits for it', async () => {
    const h = await outboxHarness();
    const { row, account } = await deliveryFailingOnce(h, 'batch');
    // The failed batch was the one marking it sent and writing the message (outbox mode): nothing went out.
    expect(row).toMatchObject({ status: 'queued', tries: 1, lease_until: h.clock.now() + leaseMs });
    expect(await delivered(h, row.id)).toEqual([]);
    expect(await dispatchDue(h.deps)).toEqual({ sent: 0, failed: 0 });
    h.clock.advance(leaseMs);
    expect(await dispatchDue(h.deps)).toEqual({ sent: 1, failed: 0 });
    expect(await delivered(h, row.id)).toHaveLength(1);
    expect(await sentEvents(h, account.id)).toHaveLength(2);
  });

  it('gives back only a lease that is still its own', async () => {
    const h = await outboxHarness();
    // Meanwhile another dispatcher holds the row under its own lease (set here by hand).
    const other = h.clock.now() + leaseMs + 5;
    const { row } = await deliveryFailingOnce(h, 'select', (challengeId) =>
      h.query(`UPDATE outbox SET lease_until = ${other}, tries = 2 WHERE challenge_id = '${challengeId}'`),
    );
    expect(row).toMatchObject({ status: 'queued', tries: 2, lease_until: other });
  });

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
    const { answer: started, tasks: late } = await answerThenHold(h, () =>
      h.call('POST', `/v1/accounts/${account.id}/unlock`, { token: member.token }),
    );
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
    const { answer: started, tasks } = await answerThenHold(h, () =>
      h.call('POST', `/v1/accounts/${account.id}/unlock`, { token: member.token }),
    );
    // Within the lease, a sweep next to the request's own delivery claims nothing.
    const [sweep] = await Promise.all([dispatchDue(h.deps), tasks[0]!()]);
    expect(sweep).toEqual({ sent: 0, failed: 0 });
    const [row] = await rowsOf(h, started.body.challenge.id);
    expect(row).toMatchObject({ status: 'sent', tries: 1 });
    expect(await delivered(h, row!.id)).toHaveLength(1);
  });
});
