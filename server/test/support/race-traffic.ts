import { randomInt } from 'node:crypto';
import { type Answer, codeSent, type RaceClient } from './race-client.ts';

export type TrafficAccount = { id: string; number: string };

/**
 * Mixed traffic of another lead on other accounts while the races run: lists, reports, events, reads of the
 * backup-code counts, and sends (unlocks) with their verifies. Every answer counts; an error is a 5xx or a
 * request that got no answer. Budgets spent (429) are answers like any other.
 */
export function startTraffic(
  client: RaceClient,
  tokens: { lead: string; owner: string },
  accounts: TrafficAccount[],
  lanes = 4,
) {
  let running = true;
  let requests = 0;
  const errors: string[] = [];
  const seen = new Set<string>();
  const count = async (what: string, answer: Promise<Answer>) => {
    requests++;
    try {
      const { status } = await answer;
      if (status >= 500) errors.push(`${what}: ${status}`);
      return await answer;
    } catch (error) {
      errors.push(`${what}: ${error instanceof Error ? error.message : 'no answer'}`);
      return null;
    }
  };
  const { lead, owner } = tokens;
  const steps = [
    () => count('accounts', client.call('GET', '/v1/accounts?limit=50', lead)),
    () => count('phones', client.call('GET', '/v1/phones', lead)),
    () => count('report', client.call('GET', '/v1/reports/two-step', lead)),
    () => count('events', client.call('GET', '/v1/events?limit=50', lead)),
    () => count('members', client.call('GET', '/v1/members', lead)),
    async () => {
      const account = accounts[randomInt(accounts.length)]!;
      await count('backup-codes', client.call('GET', `/v1/accounts/${account.id}/backup-codes`, lead));
    },
    async () => {
      const account = accounts[randomInt(accounts.length)]!;
      const started = await count('unlock', client.call('POST', `/v1/accounts/${account.id}/unlock`, lead));
      if (started?.status !== 202) return;
      const code = await codeSent(client, owner, account.number, 'to sign in', seen).catch(() => null);
      if (!code) return void errors.push('unlock: no code delivered');
      const path = `/v1/challenges/${started.body?.challenge.id}/verify`;
      await count('verify', client.call('POST', path, lead, { code }));
    },
  ];
  const lanesDone = Array.from({ length: lanes }, async () => {
    while (running) await steps[randomInt(steps.length)]!();
  });
  return {
    stop: async () => {
      running = false;
      await Promise.all(lanesDone);
      return { requests, errors };
    },
  };
}
