import { describe, expect, it } from 'vitest';
import { type Harness, makeHarness } from '../harness.ts';
import { enroll, seedAccounts, teamIdOf } from '../seed.ts';

type Phone = { id: string; number: string; label: string | null; holder: { name: string } | null; protects: unknown[] };

/** Phones straight into the database: ids `ph-000…` sort like their index, numbers +491512300xxxx. */
async function seedPhones(
  h: Harness,
  count: number,
  row: (i: number) => { label?: string; holder?: string } = () => ({}),
) {
  const team = await teamIdOf(h);
  const values = Array.from({ length: count }, (_, i) => {
    const { label, holder } = row(i);
    const id = `ph-${String(i).padStart(4, '0')}`;
    const quote = (v?: string) => (v === undefined ? 'NULL' : `'${v}'`);
    return `('${id}', '${team}', '+4915123${String(i).padStart(6, '0')}', ${quote(label)}, ${quote(holder)}, 0)`;
  });
  await h.query(
    `INSERT INTO phones (id, team_id, number, label, holder_member_id, created_at) VALUES ${values.join(', ')}`,
  );
}

async function allPhones(h: Harness, query: Record<string, string>, limit: number) {
  const phones: Phone[] = [];
  let cursor: string | null = null;
  let pages = 0;
  do {
    const params = new URLSearchParams({ ...query, limit: String(limit), ...(cursor ? { cursor } : {}) });
    const answer = await h.call('GET', `/v1/phones?${params}`, { token: h.owner.token });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    expect(answer.body.phones.length).toBeLessThanOrEqual(limit);
    if (answer.body.next) expect(answer.body.phones).toHaveLength(limit);
    phones.push(...answer.body.phones);
    cursor = answer.body.next;
    pages++;
  } while (cursor && pages < 1000);
  return { phones, pages };
}

describe('phones in pages', () => {
  it('answers 200 a page by default and at most 1000, every phone once, in one stable order', async () => {
    const h = await makeHarness();
    await seedPhones(h, 1005);
    const first = await h.call('GET', '/v1/phones', { token: h.owner.token });
    expect(first.body.phones).toHaveLength(200);
    expect(first.body.next).toEqual(expect.any(String));
    const { phones, pages } = await allPhones(h, {}, 1000);
    expect(pages).toBe(2);
    const ids = phones.map((p) => p.id);
    expect(ids).toEqual(Array.from({ length: 1005 }, (_, i) => `ph-${String(i).padStart(4, '0')}`));
    const small = await allPhones(h, {}, 97);
    expect(small.phones.map((p) => p.id)).toEqual(ids);
    expect(small.pages).toBe(11);
  });

  it('lists on each page the accounts each phone protects', async () => {
    const h = await makeHarness();
    await seedPhones(h, 12);
    const accounts = await seedAccounts(
      h,
      Array.from({ length: 12 }, (_, i) => ({ platform: i % 2 ? 'x' : 'tiktok', handle: `brand${i}` })),
    );
    for (const [i, id] of accounts.entries()) await enroll(h, id, `ph-${String(Math.floor(i / 2)).padStart(4, '0')}`);
    const { phones } = await allPhones(h, {}, 5);
    expect(phones.map((p) => p.protects.length)).toEqual([2, 2, 2, 2, 2, 2, 0, 0, 0, 0, 0, 0]);
    expect(phones[1]!.protects).toEqual([
      { accountId: accounts[2], platform: 'tiktok', handle: 'brand2' },
      { accountId: accounts[3], platform: 'x', handle: 'brand3' },
    ]);
  });

  it('filters by q (number, label or holder, any case) and by holder, paged', async () => {
    const h = await makeHarness();
    const anna = await h.addMember('member', 'Anna Keller');
    const ben = await h.addMember('member', 'Ben Ortiz');
    await seedPhones(h, 30, (i) => ({
      label: i % 3 === 0 ? `Office SIM ${i}` : undefined,
      holder: i % 5 === 0 ? anna.id : i % 5 === 1 ? ben.id : undefined,
    }));
    await h.query("UPDATE phones SET holder_name = 'Client Carla' WHERE id = 'ph-0002'");
    const ids = async (query: Record<string, string>) => (await allPhones(h, query, 4)).phones.map((p) => p.id);
    const pick = (test: (i: number) => boolean) =>
      Array.from({ length: 30 }, (_, i) => i)
        .filter(test)
        .map((i) => `ph-${String(i).padStart(4, '0')}`);
    expect(await ids({ q: 'office sim' })).toEqual(pick((i) => i % 3 === 0));
    expect(await ids({ q: 'ANNA' })).toEqual(pick((i) => i % 5 === 0));
    expect(await ids({ q: 'carla' })).toEqual(['ph-0002']);
    expect(await ids({ q: '+49 151 23000017' })).toEqual(['ph-0017']);
    expect(await ids({ q: '2300001' })).toEqual(pick((i) => i >= 10 && i < 20));
    expect(await ids({ holder: ben.id })).toEqual(pick((i) => i % 5 === 1));
    expect(await ids({ holder: ben.id, q: 'office' })).toEqual(pick((i) => i % 5 === 1 && i % 3 === 0));
    expect(await ids({ q: '50% off' })).toEqual([]);
  });

  it('answers 400 invalid_request to a bad cursor, limit or filter', async () => {
    const h = await makeHarness();
    await seedPhones(h, 3);
    for (const query of [
      'cursor=nope',
      `cursor=${btoa('[1,2]')}`,
      `cursor=${btoa('"ph-0001"')}`,
      'limit=0',
      'limit=1001',
      'limit=x',
      'holder=not%20an%20id',
      'status=on',
    ]) {
      const answer = await h.call('GET', `/v1/phones?${query}`, { token: h.owner.token });
      expect(answer.status, query).toBe(400);
      expect(answer.body.error.code, query).toBe('invalid_request');
    }
  });
});
