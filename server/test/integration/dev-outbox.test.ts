import { describe, expect, it } from 'vitest';
import { outboxSender } from '../../src/sms/outbox-sender.ts';
import { twilioSender } from '../../src/sms/twilio.ts';
import { enrollSetup } from '../engine.ts';
import { makeHarness } from '../harness.ts';

const outboxHarness = () => makeHarness({ sms: ({ db, clock, log }) => outboxSender(db, clock, log) });

describe('the dev outbox (SMS_PROVIDER=outbox)', () => {
  it('keeps each message for the owner, newest first, and logs only the masked number', async () => {
    const h = await outboxHarness();
    const { member, account, number } = await enrollSetup(h);
    await h.call('POST', `/v1/accounts/${account.id}/two-step`, { token: member.token, body: { number } });
    await h.settle();
    const outbox = await h.call('GET', '/v1/dev/outbox', { token: h.owner.token });
    expect(outbox.status).toBe(200);
    expect(outbox.body.messages).toHaveLength(1);
    expect(outbox.body.messages[0]).toMatchObject({
      to: number,
      body: expect.stringMatching(/Code \d{6}, valid 10 minutes/),
    });
    expect(h.logs).toContain('code sent to +49 ••• ••• 6789, read it at GET /v1/dev/outbox');
  });

  it('is for the owner only', async () => {
    const h = await outboxHarness();
    const lead = await h.addMember('lead');
    expect((await h.call('GET', '/v1/dev/outbox', { token: lead.token })).status).toBe(403);
  });

  it('does not exist with another provider', async () => {
    const h = await makeHarness({
      sms: twilioSender({ accountSid: 'AC1', authToken: 't', from: '+1', apiBase: 'http://127.0.0.1:9' }),
    });
    const missing = await h.call('GET', '/v1/dev/outbox', { token: h.owner.token });
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('not_found');
  });
});
