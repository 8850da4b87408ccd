import { limits } from '@twostep/shared';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SmsSender } from '../../src/deps.ts';
import { dispatchDue, leaseMs } from '../../src/sms/dispatcher.ts';
import { twilioSender } from '../../src/sms/twilio.ts';
import { enrollSetup } from '../engine.ts';
import { makeHarness } from '../harness.ts';
import { startTwilioStandIn } from '../support/twilio-stand-in.ts';

let standIn: Awaited<ReturnType<typeof startTwilioStandIn>>;
beforeEach(async () => {
  standIn = await startTwilioStandIn();
});
afterEach(() => standIn.close());

const sender = (overrides: { authToken?: string; timeoutMs?: number } = {}) =>
  twilioSender({
    accountSid: standIn.credentials.sid,
    authToken: overrides.authToken ?? standIn.credentials.token,
    from: '+15005550006',
    apiBase: standIn.url,
    timeoutMs: overrides.timeoutMs,
  });
const message = { teamId: 't', to: '+4915123456789', body: 'Twostep: hello', key: 'k1' };

describe('the Twilio provider', () => {
  it('posts To, From and Body with Basic auth; 201 is accepted and gives the message sid', async () => {
    const result = await sender().send(message);
    expect(result).toMatchObject({ ok: true, providerId: expect.stringMatching(/^SM[0-9a-f]{32}$/) });
    expect(standIn.received).toEqual([
      { to: message.to, from: '+15005550006', body: message.body, authorization: expect.stringMatching(/^Basic /) },
    ]);
  });

  it('treats 401 as final', async () => {
    expect(await sender({ authToken: 'wrong' }).send(message)).toEqual({
      ok: false,
      retryable: false,
      error: 'twilio_401_20003',
      retryAfterMs: undefined,
    });
  });

  it('retries 429 after Retry-After', async () => {
    standIn.script.push({ status: 429, headers: { 'Retry-After': '7' }, body: { code: 20429, status: 429 } });
    expect(await sender().send(message)).toEqual({
      ok: false,
      retryable: true,
      retryAfterMs: 7000,
      error: 'twilio_429_20429',
    });
  });

  it('retries 500', async () => {
    standIn.script.push({ status: 500 });
    expect(await sender().send(message)).toMatchObject({ ok: false, retryable: true, error: 'twilio_500_20500' });
  });

  it('gives up waiting after its time-out and retries later', async () => {
    standIn.script.push({ status: 201, delayMs: 500 });
    expect(await sender({ timeoutMs: 100 }).send(message)).toEqual({ ok: false, retryable: true, error: 'timeout' });
  });

  it('carries a real enrollment end to end: the code arrives at the stand-in and turns two-step on', async () => {
    const h = await makeHarness({ sms: sender() });
    const { member, account, number } = await enrollSetup(h);
    const started = await h.call('POST', `/v1/accounts/${account.id}/two-step`, {
      token: member.token,
      body: { number },
    });
    await h.settle();
    const sms = standIn.received.at(-1);
    expect(sms?.to).toBe(number);
    const code = /Code (\d{6})/.exec(sms?.body ?? '')?.[1];
    const verified = await h.call('POST', `/v1/challenges/${started.body.challenge.id}/verify`, {
      token: member.token,
      body: { code },
    });
    expect(verified.status).toBe(200);
    const delivered = await h.query<{ status: string; provider_id: string }>('SELECT status, provider_id FROM outbox');
    expect(delivered[0]).toMatchObject({ status: 'sent', provider_id: expect.stringMatching(/^SM/) });
  });

  it('finds a message it accepted by number and exact body, and nothing for another body or number', async () => {
    const sent = await sender().send(message);
    const since = Date.now() - 1000;
    expect(standIn.accepted[0]?.sid).toBe(sent.ok ? sent.providerId : 'not sent');
    expect(await sender().findAccepted!({ to: message.to, body: message.body, since })).toEqual([
      standIn.accepted[0]?.sid,
    ]);
    expect(await sender().findAccepted!({ to: message.to, body: `${message.body}!`, since })).toEqual([]);
    expect(await sender().findAccepted!({ to: '+4915123456780', body: message.body, since })).toEqual([]);
    await expect(
      sender({ authToken: 'wrong' }).findAccepted!({ to: message.to, body: message.body, since }),
    ).rejects.toMatchObject({ name: 'LookupError', status: 401, final: true });
  });

  it('finds a message Twilio still holds (queued, no date_sent yet)', async () => {
    await sender().send(message);
    expect(standIn.accepted[0]?.dateSent).toBeNull();
    const found = await sender().findAccepted!({ to: message.to, body: message.body, since: Date.now() - 1000 });
    expect(found).toEqual([standIn.accepted[0]?.sid]);
  });

  it('does not take a message created before the row (beyond a small skew) for this one', async () => {
    await sender().send(message);
    standIn.accepted[0]!.dateSent = new Date();
    const since = Date.now() + 60_000;
    expect(await sender().findAccepted!({ to: message.to, body: message.body, since })).toEqual([]);
    expect(
      await sender().findAccepted!({ to: message.to, body: message.body, since: Date.now() + 5_000 }),
    ).toHaveLength(1);
  });

  it('a look-up Twilio cannot be reached for may recover: not final', async () => {
    standIn.state.down = true;
    await expect(sender().findAccepted!({ to: message.to, body: message.body, since: 0 })).rejects.toMatchObject({
      status: null,
      final: false,
    });
  });

  it('a send whose answer was lost (Twilio took it, the request timed out) is not sent again on retry', async () => {
    const h = await makeHarness({ sms: sender({ timeoutMs: 100 }) });
    const { member, account, number } = await enrollSetup(h);
    standIn.script.push({ status: 201, delayMs: 400 });
    await h.call('POST', `/v1/accounts/${account.id}/two-step`, { token: member.token, body: { number } });
    await h.settle();
    const [timedOut] = await h.query<{ status: string; last_error: string }>('SELECT status, last_error FROM outbox');
    expect(timedOut).toEqual({ status: 'queued', last_error: 'timeout' });
    await expect.poll(() => standIn.received.length).toBe(1);
    h.clock.advance(5_000);
    expect(await dispatchDue(h.deps)).toEqual({ sent: 1, failed: 0 });
    expect(standIn.received).toHaveLength(1);
    expect(standIn.state.lookups).toBe(1);
    const [row] = await h.query<{ status: string; provider_id: string }>('SELECT status, provider_id FROM outbox');
    expect(row).toEqual({ status: 'sent', provider_id: standIn.accepted[0]!.sid });
  });

  it('a retry after a refusal asks first, finds nothing, and sends once', async () => {
    const h = await makeHarness({ sms: sender() });
    const { member, account, number } = await enrollSetup(h);
    standIn.script.push({ status: 503 });
    await h.call('POST', `/v1/accounts/${account.id}/two-step`, { token: member.token, body: { number } });
    await h.settle();
    expect(standIn.received).toHaveLength(0);
    h.clock.advance(5_000);
    expect(await dispatchDue(h.deps)).toEqual({ sent: 1, failed: 0 });
    expect(standIn.received).toHaveLength(1);
    expect(standIn.state.lookups).toBe(1);
  });
});

// A code's row is born leased to the request that queued it (tries = 1): a process that dies before marking it
// leaves the row to the sweep once the lease runs out, as a second try, so Twilio is asked before it goes again.
describe('a process that dies while sending a code, with Twilio', () => {
  const row = async (h: Awaited<ReturnType<typeof makeHarness>>) =>
    (
      await h.query<{ status: string; tries: number; provider_id: string | null }>(
        "SELECT status, tries, provider_id FROM outbox WHERE kind = 'code' ORDER BY created_at DESC, id DESC LIMIT 1",
      )
    )[0];

  it('after Twilio took the code, before the row was marked: the sweep asks, finds it and marks it sent', async () => {
    const twilio = sender();
    // The send reaches Twilio, then the process is gone: no answer, no mark, nothing after.
    const dying: SmsSender = { ...twilio, send: (message) => twilio.send(message).then(() => new Promise(() => {})) };
    const h = await makeHarness({ sms: dying });
    h.deps.background = (task) => void task();
    const { member, account, number } = await enrollSetup(h);
    await h.call('POST', `/v1/accounts/${account.id}/two-step`, { token: member.token, body: { number } });
    await expect.poll(() => standIn.accepted.length).toBe(1);
    expect(await row(h)).toMatchObject({ status: 'queued', tries: 1 });
    expect(await dispatchDue(h.deps)).toEqual({ sent: 0, failed: 0 });
    h.clock.advance(leaseMs);
    expect(await dispatchDue(h.deps)).toEqual({ sent: 1, failed: 0 });
    expect(standIn.state.lookups).toBe(1);
    expect(standIn.received).toHaveLength(1);
    expect(await row(h)).toEqual({ status: 'sent', tries: 2, provider_id: standIn.accepted[0]!.sid });
  });

  it('before Twilio was called: the sweep asks, finds nothing and sends once', async () => {
    const h = await makeHarness({ sms: sender() });
    const { member, account, number } = await enrollSetup(h);
    h.deps.background = () => {};
    await h.call('POST', `/v1/accounts/${account.id}/two-step`, { token: member.token, body: { number } });
    h.clock.advance(leaseMs);
    expect(await dispatchDue(h.deps)).toEqual({ sent: 1, failed: 0 });
    expect(standIn.state.lookups).toBe(1);
    expect(standIn.received).toHaveLength(1);
    expect(await row(h)).toMatchObject({ status: 'sent', tries: 2, provider_id: standIn.accepted[0]!.sid });
  });

  it('and a resend meanwhile: the old code is never sent, the new one once', async () => {
    const h = await makeHarness({ sms: sender() });
    const { member, account, number } = await enrollSetup(h);
    const background = h.deps.background;
    h.deps.background = () => {};
    const started = await h.call('POST', `/v1/accounts/${account.id}/two-step`, {
      token: member.token,
      body: { number },
    });
    h.deps.background = background;
    h.clock.advance(limits.resendAfterMs);
    const resent = await h.call('POST', `/v1/challenges/${started.body.challenge.id}/resend`, { token: member.token });
    expect(resent.status).toBe(202);
    await h.settle();
    expect(standIn.received).toHaveLength(1);
    h.clock.advance(leaseMs);
    expect(await dispatchDue(h.deps)).toEqual({ sent: 0, failed: 0 });
    expect(standIn.received).toHaveLength(1);
    const rows = await h.query<{ status: string; last_error: string | null }>(
      "SELECT status, last_error FROM outbox WHERE kind = 'code' ORDER BY created_at, id",
    );
    expect(rows).toEqual([
      { status: 'dead', last_error: 'superseded' },
      { status: 'sent', last_error: null },
    ]);
    const code = /Code (\d{6})/.exec(standIn.received[0]!.body)?.[1];
    const verified = await h.call('POST', `/v1/challenges/${started.body.challenge.id}/verify`, {
      token: member.token,
      body: { code },
    });
    expect(verified.status).toBe(200);
  });
});
