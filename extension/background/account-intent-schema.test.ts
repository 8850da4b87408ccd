import { describe, expect, it } from 'vitest';
import { intentSchema } from './intent-schema.ts';

describe('the account actions’ messages', () => {
  it('are accepted in their shape', () => {
    for (const intent of [
      { type: 'server.check', serverUrl: 'http://127.0.0.1:8787' },
      { type: 'session.setUp', serverUrl: 'x', team: 'Acme', name: 'Olivia', email: 'o@acme.test', password: 'p' },
      { type: 'session.acceptInvite', serverUrl: 'x', token: 't', name: 'Mia', password: 'p' },
      { type: 'phones.list', q: 'SIM' },
      { type: 'twoStep.start', accountId: 'a1', phoneId: 'p1' },
      { type: 'twoStep.start', accountId: 'a1', number: '+49 151 23456789', country: 'DE' },
      { type: 'twoStep.forceOff', accountId: 'a1', reason: 'Phone lost' },
      { type: 'backupCodes.replace', accountId: 'a1', codes: ['1234 5678'] },
      { type: 'challenge.get', challengeId: 'c1' },
      { type: 'tab.platform' },
    ])
      expect(intentSchema.safeParse(intent).success).toBe(true);
  });

  it('are refused with unknown fields, bad ids or sizes past the contract’s', () => {
    for (const intent of [
      { type: 'twoStep.disable', accountId: 'a1', force: true },
      { type: 'twoStep.start', accountId: '../../members', phoneId: 'p1' },
      { type: 'backupCodes.replace', accountId: 'a1', codes: Array(51).fill('1234 5678') },
      { type: 'backupCodes.reveal', accountId: 'a1', reason: 'x'.repeat(501) },
      { type: 'secret.set', accountId: 'a1', password: 'x'.repeat(1001) },
      { type: 'tab.platform', url: 'https://www.instagram.com/' },
    ])
      expect(intentSchema.safeParse(intent).success).toBe(false);
  });
});
