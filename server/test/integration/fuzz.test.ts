import fc from 'fast-check';
import { describe, it } from 'vitest';
import { badId, contentType, expectContractAnswer, hostileBody, queryString, send } from '../fuzz-support.ts';
import { type Harness, makeHarness } from '../harness.ts';
import { addPhone } from '../seed.ts';

type Target = { ids: Record<string, string>; token: string };

/** The write routes of this issue; `anonymous` ones are called without a session, the rest as the owner. */
const writeRoutes: { method: string; path: (t: Target) => string; anonymous?: boolean }[] = [
  { method: 'POST', path: () => '/v1/setup', anonymous: true },
  { method: 'POST', path: () => '/v1/sessions', anonymous: true },
  { method: 'POST', path: () => '/v1/invites/accept', anonymous: true },
  { method: 'POST', path: () => '/v1/invites' },
  { method: 'PATCH', path: (t) => `/v1/members/${t.ids.member}` },
  { method: 'DELETE', path: (t) => `/v1/members/${t.ids.member}` },
  { method: 'POST', path: () => '/v1/accounts' },
  { method: 'PATCH', path: (t) => `/v1/accounts/${t.ids.account}` },
  { method: 'DELETE', path: (t) => `/v1/accounts/${t.ids.account}` },
  { method: 'PUT', path: (t) => `/v1/accounts/${t.ids.account}/grants/${t.ids.member}` },
  { method: 'DELETE', path: (t) => `/v1/accounts/${t.ids.account}/grants/${t.ids.member}` },
  { method: 'POST', path: () => '/v1/phones' },
  { method: 'PATCH', path: (t) => `/v1/phones/${t.ids.phone}` },
  { method: 'DELETE', path: (t) => `/v1/phones/${t.ids.phone}` },
  { method: 'POST', path: (t) => `/v1/accounts/${t.ids.account}/login-filled` },
  { method: 'DELETE', path: () => '/v1/sessions/current' },
];

async function target(h: Harness): Promise<Target> {
  const member = await h.addMember();
  const account = await h.addAccount();
  const phone = await addPhone(h);
  return { ids: { member: member.id, account: account.id, phone: phone.id }, token: h.owner.token };
}

const runs = { numRuns: 150 };

describe('hostile request bodies', () => {
  it.each(
    writeRoutes.map((route) => [`${route.method} ${route.path({ ids: {}, token: '' } as unknown as Target)}`, route]),
  )('%s answers every body and content type within the contract', async (_, route) => {
    const h = await makeHarness();
    const t = await target(h);
    await fc.assert(
      fc.asyncProperty(hostileBody, contentType, async (body, type) => {
        const token = route.anonymous ? undefined : t.token;
        expectContractAnswer(await send(h, route.method, route.path(t), { token, contentType: type, body }));
      }),
      runs,
    );
  });
});

describe('hostile paths and query strings', () => {
  const idRoutes = [
    ['GET', (id: string) => `/v1/accounts/${id}`],
    ['PATCH', (id: string) => `/v1/accounts/${id}`],
    ['DELETE', (id: string) => `/v1/accounts/${id}`],
    ['GET', (id: string) => `/v1/accounts/${id}/grants`],
    ['PUT', (id: string) => `/v1/accounts/${id}/grants/${id}`],
    ['PATCH', (id: string) => `/v1/phones/${id}`],
    ['DELETE', (id: string) => `/v1/members/${id}`],
  ] as const;

  it('answers ids that are not ids with 400 or 404, never more', async () => {
    const h = await makeHarness();
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...idRoutes), badId, async ([method, path], id) => {
        const body = method === 'GET' ? {} : { contentType: 'application/json', body: '{"notes":"n","role":"lead"}' };
        const answer = await send(h, method, path(encodeURIComponent(id)), { token: h.owner.token, ...body });
        expectContractAnswer(answer);
        if (![400, 404].includes(answer.status)) throw new Error(`${method} ${id}: ${answer.status} ${answer.text}`);
      }),
      { numRuns: 200 },
    );
  });

  it.each(['/v1/accounts', '/v1/events', '/v1/members', '/v1/phones'])(
    'GET %s answers any query string within the contract',
    async (path) => {
      const h = await makeHarness();
      await h.addAccount();
      await fc.assert(
        fc.asyncProperty(queryString, async (query) => {
          expectContractAnswer(await send(h, 'GET', `${path}?${query}`, { token: h.owner.token }));
        }),
        { numRuns: 150 },
      );
    },
  );
});
