import { platforms } from '@twostep/shared';
import { makeHarness } from '../harness.ts';
import { addPhone, enroll, seedAccounts } from '../seed.ts';

export type LoadTeam = {
  ownerToken: string;
  leads: { id: string; token: string }[];
  accounts: { id: string; number: string }[];
};

const backupCodes = (n: number) => Array.from({ length: 50 }, (_, i) => `bk${n}-${String(i).padStart(2, '0')}xy`);

/**
 * A team on the database file at `url`, written in-process with the harness's clock a day and an hour back: its
 * own sends (none here, but sign-ins and events too) fall outside every hourly and daily budget the load spends.
 * Each account has two-step on with a phone of its own and 50 backup codes; `leads` leads do the sends.
 */
export async function seedLoadTeam(url: string, size: { accounts: number; leads: number }): Promise<LoadTeam> {
  const h = await makeHarness({ url });
  h.clock.set(Date.now() - 25 * 60 * 60_000);
  const owner = await h.call('POST', '/v1/sessions', {
    body: { email: 'owner@acme.test', password: 'owner password 123' },
  });
  const leads = [];
  for (let i = 0; i < size.leads; i++) leads.push(await h.addMember('lead'));
  const ids = await seedAccounts(
    h,
    Array.from({ length: size.accounts }, (_, i) => ({
      platform: platforms[i % platforms.length]!,
      handle: `load${i}`,
      client: `Client ${i % 12}`,
    })),
  );
  const accounts = [];
  for (const [i, id] of ids.entries()) {
    const phone = await addPhone(h);
    await enroll(h, id, phone.id);
    const put = await h.call('PUT', `/v1/accounts/${id}/backup-codes`, {
      token: h.owner.token,
      body: { codes: backupCodes(i) },
    });
    if (put.status !== 204) throw new Error(`backup codes: ${put.status} ${JSON.stringify(put.body)}`);
    accounts.push({ id, number: phone.number as string });
  }
  return { ownerToken: owner.body.token, leads: leads.map(({ id, token }) => ({ id, token })), accounts };
}
