import { describe, expect, it } from 'vitest';
import { type Harness, makeHarness } from '../harness.ts';
import { addPhone, enroll, pendingEnroll, seedAccounts } from '../seed.ts';

type Page = { accounts: { id: string; handle: string; platform: string }[]; next: string | null };

async function list(h: Harness, query = '', token = h.owner.token): Promise<Page> {
  const response = await h.call('GET', `/v1/accounts${query}`, { token });
  expect(response.status).toBe(200);
  return response.body;
}

const handles = (page: Page) => page.accounts.map((account) => account.handle);

describe('filtering the account list', () => {
  it('filters by platform and by client (case-insensitive, exact)', async () => {
    const h = await makeHarness();
    await h.addAccount({ platform: 'instagram', handle: 'a', client: 'Acme' });
    await h.addAccount({ platform: 'tiktok', handle: 'b', client: 'Acme Foods' });
    await h.addAccount({ platform: 'tiktok', handle: 'c', client: 'Bolt' });
    expect(handles(await list(h, '?platform=tiktok'))).toEqual(['b', 'c']);
    expect(handles(await list(h, '?client=acme'))).toEqual(['a']);
    expect(handles(await list(h, '?platform=tiktok&client=BOLT'))).toEqual(['c']);
  });

  it('filters by two-step status: on, pending (open enroll challenge) and off (none, or expired)', async () => {
    const h = await makeHarness();
    const on = await h.addAccount({ handle: 'on' });
    const pending = await h.addAccount({ handle: 'pending' });
    const expired = await h.addAccount({ handle: 'expired' });
    await h.addAccount({ handle: 'off' });
    const phone = await addPhone(h);
    await enroll(h, on.id, phone.id);
    await pendingEnroll(h, pending.id, phone.id, 10 * 60_000);
    await pendingEnroll(h, expired.id, phone.id, -1);
    expect(handles(await list(h, '?status=on'))).toEqual(['on']);
    expect(handles(await list(h, '?status=pending'))).toEqual(['pending']);
    expect(handles(await list(h, '?status=off'))).toEqual(['expired', 'off']);
    const shown = (await list(h)).accounts.find((account) => account.id === on.id) as unknown as {
      twoStep: { status: string; phone: { id: string; masked: string } };
    };
    expect(shown.twoStep.status).toBe('on');
    expect(shown.twoStep.phone).toMatchObject({ id: phone.id, masked: phone.masked });
    h.clock.advance(10 * 60_000);
    expect(handles(await list(h, '?status=pending'))).toEqual([]);
  });

  it('searches handle, client and login name with q, ignoring a leading @ and treating % and _ literally', async () => {
    const h = await makeHarness();
    await h.addAccount({ handle: 'acme_shop', client: 'Acme' });
    await h.addAccount({ handle: 'acmexshop', client: 'Other' });
    await h.addAccount({ handle: 'zeta', client: 'Bolt Energy', loginName: 'ops@zeta.test' });
    expect(handles(await list(h, '?q=%40ACME'))).toEqual(['acme_shop', 'acmexshop']);
    expect(handles(await list(h, '?q=acme_'))).toEqual(['acme_shop']);
    expect(handles(await list(h, '?q=%25'))).toEqual([]);
    expect(handles(await list(h, '?q=energy'))).toEqual(['zeta']);
    expect(handles(await list(h, '?q=ops%40zeta'))).toEqual(['zeta']);
  });

  it('applies the filters to a member only within the granted accounts', async () => {
    const h = await makeHarness();
    const member = await h.addMember();
    const mine = await h.addAccount({ platform: 'x', handle: 'mine' });
    await h.addAccount({ platform: 'x', handle: 'mine2' });
    await h.grant(mine.id, member.id);
    expect(handles(await list(h, '?platform=x&q=mine', member.token))).toEqual(['mine']);
  });

  it('rejects unknown filters and values with 400 invalid_request', async () => {
    const h = await makeHarness();
    for (const query of ['?status=maybe', '?platform=myspace', '?teamId=x', '?cursor=not-a-cursor', '?limit=abc']) {
      const response = await h.call('GET', `/v1/accounts${query}`, { token: h.owner.token });
      expect(response.status, query).toBe(400);
      expect(response.body.error.code).toBe('invalid_request');
    }
  });
});

describe('paging through the account list', () => {
  const seed = (h: Harness, n: number) =>
    seedAccounts(
      h,
      Array.from({ length: n }, (_, i) => ({ platform: i % 2 ? 'instagram' : 'tiktok', handle: `h${i}` })),
    );

  it('returns 200 accounts by default', async () => {
    const h = await makeHarness();
    await seed(h, 201);
    const page = await list(h);
    expect(page.accounts).toHaveLength(200);
    expect(page.next).not.toBeNull();
  });

  it('walks 450 accounts in pages of 200, 200 and 50 with no duplicates or gaps', async () => {
    const h = await makeHarness();
    const ids = await seed(h, 450);
    const sizes: number[] = [];
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: Page = await list(h, `?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`);
      sizes.push(page.accounts.length);
      seen.push(...page.accounts.map((account) => account.id));
      cursor = page.next;
    } while (cursor && sizes.length < 10);
    expect(sizes).toEqual([200, 200, 50]);
    expect(new Set(seen).size).toBe(450);
    expect([...seen].sort()).toEqual([...ids].sort());
  });

  it('keeps filters across pages', async () => {
    const h = await makeHarness();
    await seed(h, 30);
    const first = await list(h, '?platform=tiktok&limit=10');
    const second = await list(h, `?platform=tiktok&limit=10&cursor=${encodeURIComponent(first.next!)}`);
    expect(first.accounts).toHaveLength(10);
    expect(second.accounts).toHaveLength(5);
    expect(second.next).toBeNull();
    expect([...first.accounts, ...second.accounts].every((account) => account.platform === 'tiktok')).toBe(true);
  });

  it('returns at most 1000 per page and refuses limit=1001 or 0 with 400', async () => {
    const h = await makeHarness();
    await seed(h, 1001);
    const page = await list(h, '?limit=1000');
    expect(page.accounts).toHaveLength(1000);
    expect(page.next).not.toBeNull();
    for (const limit of [1001, 0, -1, 1.5]) {
      const response = await h.call('GET', `/v1/accounts?limit=${limit}`, { token: h.owner.token });
      expect(response.status, `limit=${limit}`).toBe(400);
      expect(response.body.error.code).toBe('invalid_request');
    }
  });
});
