import { describe, expect, it } from 'vitest';
import { enroll, enrollSetup, unlock } from '../engine.ts';
import { makeHarness } from '../harness.ts';

// libSQL reads text only up to its first NUL: a reason "\u0000…" would hand out a code while the audit detail
// read empty. Every text field refuses control characters (shared/src/schemas-text.test.ts walks them all).

describe('text with control characters', () => {
  it('is refused as a reveal reason: no code is handed out and no event is written', async () => {
    const h = await makeHarness();
    const { member, account, number } = await enrollSetup(h);
    await enroll(h, member.token, account.id, number);
    await h.call('PUT', `/v1/accounts/${account.id}/backup-codes`, {
      token: h.owner.token,
      body: { codes: ['1234 5678', '2345 6789'] },
    });
    await unlock(h, member.token, account.id, number);
    for (const reason of ['\u0000client abroad', 'client\u0000 abroad', 'client\u0007abroad', 'client\u2028abroad']) {
      const revealed = await h.call('POST', `/v1/accounts/${account.id}/backup-codes/reveal`, {
        token: member.token,
        body: { reason },
      });
      expect(revealed.status).toBe(400);
      expect(revealed.body.error.code).toBe('invalid_request');
      expect(revealed.body.code).toBeUndefined();
    }
    const events = await h.query("SELECT id FROM events WHERE action = 'backup_code.revealed'");
    expect(events).toHaveLength(0);
    const ok = await h.call('POST', `/v1/accounts/${account.id}/backup-codes/reveal`, {
      token: member.token,
      body: { reason: 'Client phone is abroad' },
    });
    expect(ok.status).toBe(200);
    const [event] = await h.query<{ detail: string }>(
      "SELECT detail FROM events WHERE action = 'backup_code.revealed'",
    );
    expect(event!.detail).toBe('Client phone is abroad');
  });

  it('is refused in a forced removal reason, and notes keep their line breaks', async () => {
    const h = await makeHarness();
    const { member, account, number } = await enrollSetup(h);
    await enroll(h, member.token, account.id, number);
    const forced = await h.call('DELETE', `/v1/accounts/${account.id}/two-step`, {
      token: h.owner.token,
      body: { force: true, reason: 'lost\u0000phone' },
    });
    expect(forced.status).toBe(400);
    const notes = await h.call('PATCH', `/v1/accounts/${account.id}`, {
      token: h.owner.token,
      body: { notes: 'Line one\r\nline two\tend' },
    });
    expect(notes.status).toBe(200);
    const nul = await h.call('PATCH', `/v1/accounts/${account.id}`, {
      token: h.owner.token,
      body: { notes: 'Line one\u0000' },
    });
    expect(nul.status).toBe(400);
  });
});
