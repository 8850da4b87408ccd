import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { twilioSender } from '../../src/sms/twilio.ts';
import { makeHarness } from '../harness.ts';
import { startTwilioStandIn } from '../support/twilio-stand-in.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('nothing secret is stored or logged readable', () => {
  it('after a full flow, the database file and its WAL hold no password, backup code or SMS code', async () => {
    const standIn = await startTwilioStandIn();
    const dir = mkdtempSync(join(tmpdir(), 'twostep-at-rest-'));
    dirs.push(dir);
    const path = join(dir, 'twostep.db');
    const sms = twilioSender({
      accountSid: standIn.credentials.sid,
      authToken: standIn.credentials.token,
      from: '+15005550006',
      apiBase: standIn.url,
    });
    const h = await makeHarness({ url: `file:${path}`, sms });
    const codeOf = async () => {
      await h.settle();
      return /Code (\d{6})/.exec(standIn.received.at(-1)?.body ?? '')![1]!;
    };
    const password = 'Zebra-Password-7d1f9c';
    const backupCodes = ['BKP-91827364', 'BKP-55501234', 'BKP-77766655'];

    const member = await h.addMember('member', 'Anna');
    const account = await h.addAccount({ handle: 'acme' });
    await h.grant(account.id, member.id);
    const number = '+4915123456789';
    const enrollChallenge = await h.call('POST', `/v1/accounts/${account.id}/two-step`, {
      token: member.token,
      body: { number },
    });
    const enrollCode = await codeOf();
    await h.call('POST', `/v1/challenges/${enrollChallenge.body.challenge.id}/verify`, {
      token: member.token,
      body: { code: enrollCode },
    });
    const unlock = await h.call('POST', `/v1/accounts/${account.id}/unlock`, { token: member.token });
    const unlockCode = await codeOf();
    await h.call('POST', `/v1/challenges/${unlock.body.challenge.id}/verify`, {
      token: member.token,
      body: { code: '000000' === unlockCode ? '111111' : '000000' },
    });
    await h.call('POST', `/v1/challenges/${unlock.body.challenge.id}/verify`, {
      token: member.token,
      body: { code: unlockCode },
    });
    await h.call('PUT', `/v1/accounts/${account.id}/secret`, {
      token: member.token,
      body: { loginName: 'acme.login', password },
    });
    await h.call('PUT', `/v1/accounts/${account.id}/backup-codes`, {
      token: member.token,
      body: { codes: backupCodes },
    });
    const revealed = await h.call('POST', `/v1/accounts/${account.id}/backup-codes/reveal`, {
      token: member.token,
      body: { reason: 'travel' },
    });
    expect(revealed.body.code).toBe(backupCodes[0]);
    expect((await h.call('GET', `/v1/accounts/${account.id}/secret`, { token: member.token })).body.password).toBe(
      password,
    );
    await h.settle();

    const stored = [readFileSync(path), readFileSync(`${path}-wal`)]
      .map((bytes) => bytes.toString('latin1'))
      .join('\n');
    expect(stored.length).toBeGreaterThan(10_000);
    expect(stored).toContain('acme.login'); // the scan reads real content
    for (const secret of [password, ...backupCodes]) expect(stored).not.toContain(secret);
    for (const code of [enrollCode, unlockCode]) {
      expect(stored).not.toContain(`Code ${code}`);
      // A 6-digit code may by chance be part of the stored phone number; anywhere else it must not appear.
      expect(stored.split(number).join('')).not.toContain(code);
    }
    const logs = h.logs.join('\n');
    for (const secret of [password, ...backupCodes, enrollCode, unlockCode, number]) expect(logs).not.toContain(secret);
    await standIn.close();
  });
});
