import { describe, expect, it } from 'vitest';
import { type AccessContext, type Rule, routeAccess, type Who } from '../access-table.ts';
import { type Harness, makeHarness } from '../harness.ts';
import { addPhone } from '../seed.ts';

const callers = ['anonymous', 'memberWithoutGrant', 'memberWithGrant', 'lead', 'owner'] as const;
type Caller = (typeof callers)[number];
const unknownAccountId = '01zzzzzzzzzzzzzzzzzzzzzzzz';

function expectedStatus(rule: Rule, caller: Caller, ok: number): number {
  if (rule === 'anyone') return ok;
  if (caller === 'anonymous') return 401;
  const isMember = caller === 'memberWithoutGrant' || caller === 'memberWithGrant';
  if (rule === 'member') return ok;
  if (rule === 'grantee') return caller === 'memberWithoutGrant' ? 404 : ok;
  if (rule === 'owner') return caller === 'owner' ? ok : 403;
  return isMember ? 403 : ok;
}

/** The router's own list of endpoints, without middleware. */
function routerRoutes(h: Harness): string[] {
  const keys = h.app.routes
    .filter((r) => r.method !== 'ALL' && !r.path.endsWith('*'))
    .map((r) => `${r.method} ${r.path}`);
  return [...new Set(keys)].sort();
}

async function accessContext(h: Harness): Promise<{ x: AccessContext; whos: Record<Caller, Who | undefined> }> {
  let counter = 0;
  const [memberWithoutGrant, memberWithGrant, lead] = [
    await h.addMember(),
    await h.addMember(),
    await h.addMember('lead'),
  ];
  const account = await h.addAccount({ handle: 'shared-account' });
  await h.grant(account.id, memberWithGrant.id);
  // The owner calls with a session of its own, so one that ends (DELETE /v1/sessions/current) leaves h's intact.
  const ownerSession = await h.call('POST', '/v1/sessions', {
    body: { email: 'owner@acme.test', password: 'owner password 123' },
  });
  const x: AccessContext = {
    h,
    account,
    memberWithoutGrant,
    memberWithGrant,
    lead,
    newAccount: () => h.addAccount(),
    newMember: () => h.addMember(),
    newPhone: () => addPhone(h),
    newInviteToken: async () =>
      (
        await h.call('POST', '/v1/invites', {
          token: h.owner.token,
          body: { email: `fresh${++counter}@acme.test`, role: 'member' },
        })
      ).body.token,
    unique: () => ++counter,
  };
  const whos = {
    anonymous: undefined,
    memberWithoutGrant,
    memberWithGrant,
    lead,
    owner: { id: h.owner.id, token: ownerSession.body.token as string },
  };
  return { x, whos };
}

const templateMatches = (template: string, path: string) =>
  new RegExp(`^${template.replace(/:[A-Za-z]+/g, '[^/]+')}$`).test(path.split('?')[0]!);

describe('the authorization matrix', () => {
  it('has exactly one expectation for every route of the router', async () => {
    const h = await makeHarness();
    const routes = routerRoutes(h);
    const table = Object.keys(routeAccess).sort();
    expect(
      routes.filter((route) => !table.includes(route)),
      'routes without an expectation',
    ).toEqual([]);
    expect(
      table.filter((route) => !routes.includes(route)),
      'expectations for routes the router lacks',
    ).toEqual([]);
  });

  it.each(Object.keys(routeAccess))('%s answers every kind of caller as the table says', async (key) => {
    const [method, template] = key.split(' ') as [string, string];
    const entry = routeAccess[key]!;
    const h = await makeHarness();
    const { x, whos } = await accessContext(h);
    for (const caller of callers) {
      const request = await entry.request(x, whos[caller]);
      expect(templateMatches(template, request.path), `${request.path} is not ${template}`).toBe(true);
      const token = whos[caller]?.token;
      const response = await h.call(method, request.path, { token, body: request.body, headers: request.headers });
      const want = expectedStatus(entry.rule, caller, entry.ok);
      expect(response.status, `${key} as ${caller}: ${JSON.stringify(response.body)}`).toBe(want);
      if (want === 401) expect(response.body.error.code).toBe('unauthorized');
      if (want === 403) expect(response.body.error.code).toBe('forbidden');
      if (entry.rule === 'grantee' || entry.rule === 'leadOnAccount') {
        if (caller !== 'memberWithoutGrant' && !(entry.rule === 'leadOnAccount' && caller === 'memberWithGrant'))
          continue;
        // An account a member may not use answers exactly like one that does not exist.
        const unknownPath = request.path.replace(/^\/v1\/accounts\/[^/?]+/, `/v1/accounts/${unknownAccountId}`);
        const unknown = await h.call(method, unknownPath, { token, body: request.body, headers: request.headers });
        expect(unknown.status, `${key} as ${caller} for an unknown id`).toBe(response.status);
        expect(unknown.body).toEqual(response.body);
      }
    }
  });
});
