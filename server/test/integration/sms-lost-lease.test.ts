import { describe, expect, it } from 'vitest';
import type { SmsMessage, SmsSender } from '../../src/deps.ts';
import { dispatchDue, leaseMs } from '../../src/sms/dispatcher.ts';
import { enrollSetup } from '../engine.ts';
import { makeHarness } from '../harness.ts';

// A request's own delivery that stalls past its lease: the sweep takes the row as a second try and decides it. The
// stalled try must then write nothing (every mark and event is conditioned on its lease and its try).
describe('a delivery that lost its lease', () => {
  it('writes no second sms.sent when the sweep marked the row sent meanwhile', async () => {
    const sent: (SmsMessage & { sid: string })[] = [];
    let release!: () => void;
    const gate = new Promise<void>((done) => (release = done));
    const sms: SmsSender = {
      name: 'twilio',
      async send(message) {
        const sid = `SM${sent.length + 1}`;
        sent.push({ ...message, sid });
        if (sent.length === 1) await gate; // the request's try: Twilio took it, the answer is slow
        return { ok: true, providerId: sid };
      },
      async findAccepted({ to, body }) {
        return sent.filter((m) => m.to === to && m.body === body).map((m) => m.sid);
      },
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
    expect(sent).toHaveLength(1); // the look-up found it: not sent twice
    release();
    expect(await own).toBe('skipped');
    expect(await h.query(`SELECT status, tries, provider_id FROM outbox WHERE kind = 'code'`)).toEqual([
      { status: 'sent', tries: 2, provider_id: 'SM1' },
    ]);
    const events = await h.query(`SELECT id, at FROM events WHERE action = 'sms.sent'`);
    expect(events).toHaveLength(1);
  });
  it('writes nothing when it ends in a refusal after the sweep marked the row sent', async () => {
    const sent: (SmsMessage & { sid: string })[] = [];
    let release!: () => void;
    const gate = new Promise<void>((done) => (release = done));
    const sms: SmsSender = {
      name: 'twilio',
      async send(message) {
        const sid = `SM${sent.length + 1}`;
        sent.push({ ...message, sid });
        if (sent.length === 1) {
          await gate;
          return { ok: false, retryable: false, error: 'twilio_400' };
        }
        return { ok: true, providerId: sid };
      },
    };
    const h = await makeHarness({ sms });
    const { member, account, number } = await enrollSetup(h);
    const tasks: (() => Promise<unknown>)[] = [];
    h.deps.background = (task) => void tasks.push(task);
    await h.call('POST', `/v1/accounts/${account.id}/two-step`, { token: member.token, body: { number } });
    const own = tasks[0]!();
    await expect.poll(() => sent.length).toBe(1);
    h.clock.advance(leaseMs);
    expect(await dispatchDue(h.deps)).toEqual({ sent: 1, failed: 0 });
    release();
    await own;
    expect(await h.query(`SELECT status, tries FROM outbox WHERE kind = 'code'`)).toEqual([
      { status: 'sent', tries: 2 },
    ]);
    expect(await h.query(`SELECT 1 FROM events WHERE action = 'sms.failed'`)).toHaveLength(0);
  });
});
