import { limits } from '@twostep/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatchDue } from '../../src/sms/dispatcher.ts';
import { twilioSender } from '../../src/sms/twilio.ts';
import { enrollSetup } from '../engine.ts';
import { makeHarness } from '../harness.ts';
import { reportFigure } from '../support/figures.ts';
import { type Scripted, startTwilioStandIn } from '../support/twilio-stand-in.ts';

let standIn: Awaited<ReturnType<typeof startTwilioStandIn>>;
beforeEach(async () => {
  standIn = await startTwilioStandIn();
});
afterEach(() => standIn.close());

type Row = { status: string; tries: number; next_attempt_at: number; last_error: string | null };

/** A real enrollment through the real Twilio client against the stand-in, the clock moved to each next try. */
async function deliverThrough(faults: Scripted[], options: { timeoutMs?: number; downForMs?: number } = {}) {
  const h = await makeHarness({
    sms: twilioSender({
      accountSid: standIn.credentials.sid,
      authToken: standIn.credentials.token,
      from: '+15005550006',
      apiBase: standIn.url,
      timeoutMs: options.timeoutMs ?? 2_000,
    }),
  });
  const { member, account, number } = await enrollSetup(h);
  standIn.script.push(...faults);
  const firstTry = h.clock.now();
  if (options.downForMs) standIn.state.down = true;
  const started = await h.call('POST', `/v1/accounts/${account.id}/two-step`, {
    token: member.token,
    body: { number },
  });
  await h.settle();
  const tries: number[] = [firstTry];
  const row = async () =>
    (await h.query<Row>("SELECT status, tries, next_attempt_at, last_error FROM outbox WHERE kind = 'code'"))[0]!;
  for (let i = 0; i < 10 && (await row()).status === 'queued'; i++) {
    const next = (await row()).next_attempt_at;
    h.clock.set(next);
    if (options.downForMs && next - firstTry >= options.downForMs) standIn.state.down = false;
    // A message that timed out may be taken late: wait until the stand-in has it before the next try asks.
    await new Promise((done) => setTimeout(done, options.timeoutMs ? 1_200 : 0));
    tries.push(next);
    await dispatchDue(h.deps);
  }
  return { h, member, account, number, challenge: started.body.challenge.id as string, row: await row(), tries };
}

const once = (number: string) => standIn.received.filter((message) => message.to === number).length;

describe('provider faults: every message is delivered once the provider answers again', () => {
  it.each<[string, Scripted[], number]>([
    ['429 with Retry-After', [{ status: 429, headers: { 'Retry-After': '7' }, body: { code: 20429, status: 429 } }], 2],
    ['500', [{ status: 500 }], 2],
    ['503 three times', [{ status: 503 }, { status: 503 }, { status: 503 }], 4],
    ['a slow answer (within the time-out)', [{ status: 201, delayMs: 300 }], 1],
  ])('%s: delivered once', async (_, faults, expectedTries) => {
    const { row, number, tries } = await deliverThrough(faults);
    expect(row).toMatchObject({ status: 'sent', tries: expectedTries });
    expect(once(number)).toBe(1);
    if (faults[0]?.headers?.['Retry-After']) expect(tries[1]! - tries[0]!).toBeGreaterThanOrEqual(7_000);
  });

  it('a time-out (Twilio took it, the answer came too late): the retry finds it and sends nothing more', async () => {
    const { row, number } = await deliverThrough([{ status: 201, delayMs: 900 }], { timeoutMs: 300 });
    expect(row).toMatchObject({ status: 'sent', tries: 2 });
    expect(once(number)).toBe(1);
  });

  it('down for a minute (every connection reset): delivered once it is back, within the six tries', async () => {
    const { row, number, tries } = await deliverThrough([], { downForMs: 60_000 });
    expect(row.status).toBe('sent');
    expect(row.tries).toBeLessThanOrEqual(limits.smsMaxTries);
    expect(tries.at(-1)! - tries[0]!).toBeGreaterThanOrEqual(60_000);
    expect(once(number)).toBe(1);
    reportFigure('provider down for a minute', {
      tries: row.tries,
      'delivered after, in s': (tries.at(-1)! - tries[0]!) / 1000,
    });
  });

  it('a 4xx other than 429 (400, invalid number) is not retried: dead at once', async () => {
    const { row, number } = await deliverThrough([{ status: 400, body: { code: 21211, status: 400 } }]);
    expect(row).toEqual({
      status: 'dead',
      tries: 1,
      next_attempt_at: expect.any(Number),
      last_error: 'twilio_400_21211',
    });
    expect(once(number)).toBe(0);
  });

  it(`${limits.smsMaxTries} refusals: a dead letter, shown to leads as sms.failed and to the member as delivery_failed`, async () => {
    const refusals = Array.from({ length: limits.smsMaxTries }, () => ({ status: 503 }));
    const { h, row, member, account, challenge } = await deliverThrough(refusals);
    expect(row).toMatchObject({ status: 'dead', tries: limits.smsMaxTries, last_error: 'twilio_503_20500' });
    const events = await h.call('GET', `/v1/events?accountId=${account.id}`, { token: h.owner.token });
    expect(events.body.events).toContainEqual(
      expect.objectContaining({ action: 'sms.failed', result: 'twilio_503_20500' }),
    );
    const seen = await h.call('GET', `/v1/challenges/${challenge}`, { token: member.token });
    expect(seen.body.challenge.status).toBe('delivery_failed');
    expect(standIn.received).toHaveLength(0);
  });
});
