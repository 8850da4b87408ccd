import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { createApiClient } from '../api-client.ts';
import { createIntentHandler } from '../intent-handler.ts';
import { isExtensionPage, listenForIntents } from '../intent-listener.ts';
import { intentSchema } from '../intent-schema.ts';
import { sessionStore } from '../session-store.ts';

const base = 'http://127.0.0.1:8787';
const token = 'tok_abcdefghijklmnop';
const lead = { id: 'l1', name: 'Lea', email: 'lea@acme.test', role: 'lead' as const };
const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

/** The real intent handler over the real API client, with fetch answered by the test: what goes on the wire. */
async function signedInHandler(answer: (request: Request) => Response | Promise<Response>) {
  const seen: Request[] = [];
  const fetchImpl = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    seen.push(request.clone());
    return answer(request);
  }) as typeof fetch;
  await sessionStore.save({ serverUrl: base, token, member: lead });
  const handle = createIntentHandler({ session: sessionStore, api: (url, t) => createApiClient(url, t, fetchImpl) });
  return { handle, seen };
}

describe('the dashboard intents', () => {
  beforeEach(() => fakeBrowser.reset());

  it('ask for one page of findings with the filters as query parameters', async () => {
    const page = { summary: {}, byPlatform: [], byClient: [], findingCounts: [], findings: [], next: 'c2' };
    const { handle, seen } = await signedInHandler(() => json(200, page));
    const reply = await handle({
      type: 'dashboard.report',
      kind: 'two_step_off',
      client: 'Acme',
      cursor: 'c1',
      limit: 50,
    });
    expect(reply).toEqual({ ok: true, data: page });
    const url = new URL(seen[0]!.url);
    expect(url.pathname).toBe('/v1/reports/two-step');
    expect(Object.fromEntries(url.searchParams)).toEqual({
      kind: 'two_step_off',
      client: 'Acme',
      cursor: 'c1',
      limit: '50',
    });
    expect(seen[0]!.headers.get('Authorization')).toBe(`Bearer ${token}`);
  });

  it('send an import chunk as text/csv with the token, and answer the counts', async () => {
    const result = { created: 2, skipped: 1, errors: [{ line: 3, message: 'Unknown platform.' }] };
    const { handle, seen } = await signedInHandler(() => json(200, result));
    const csv = 'platform,handle,client,loginName,phone,phoneHolder\r\ninstagram,a,,,,\r\n';
    expect(await handle({ type: 'dashboard.importChunk', csv })).toEqual({ ok: true, data: result });
    expect(seen[0]!.method).toBe('POST');
    expect(new URL(seen[0]!.url).pathname).toBe('/v1/accounts/import');
    expect(seen[0]!.headers.get('Content-Type')).toBe('text/csv');
    expect(seen[0]!.headers.get('Authorization')).toBe(`Bearer ${token}`);
    expect(await seen[0]!.text()).toBe(csv);
  });

  it('hand the findings CSV over as text with the server’s file name', async () => {
    const { handle } = await signedInHandler(
      () =>
        new Response('kind,severity\r\ntwo_step_off,high\r\n', {
          status: 200,
          headers: {
            'Content-Type': 'text/csv',
            'Content-Disposition': 'attachment; filename="twostep-report-2026-12-01.csv"',
          },
        }),
    );
    expect(await handle({ type: 'dashboard.reportCsv' })).toEqual({
      ok: true,
      data: { csv: 'kind,severity\r\ntwo_step_off,high\r\n', filename: 'twostep-report-2026-12-01.csv' },
    });
  });

  it('answer a CSV refused by the server with its problem, not as a file', async () => {
    const { handle } = await signedInHandler(() => json(403, { error: { code: 'forbidden', message: 'Leads only.' } }));
    expect(await handle({ type: 'dashboard.reportCsv' })).toMatchObject({
      ok: false,
      problem: { code: 'forbidden', status: 403 },
    });
  });

  it('toggle a grant with PUT, then DELETE', async () => {
    const { handle, seen } = await signedInHandler(() => new Response(null, { status: 204 }));
    expect(await handle({ type: 'dashboard.grantSet', accountId: 'a1', memberId: 'm1', granted: true })).toEqual({
      ok: true,
      data: { granted: true },
    });
    await handle({ type: 'dashboard.grantSet', accountId: 'a1', memberId: 'm1', granted: false });
    expect(seen.map((request) => `${request.method} ${new URL(request.url).pathname}`)).toEqual([
      'PUT /v1/accounts/a1/grants/m1',
      'DELETE /v1/accounts/a1/grants/m1',
    ]);
  });

  it('gather the grants of a slice of accounts, one request each', async () => {
    const { handle, seen } = await signedInHandler((request) =>
      json(200, { grants: [{ memberId: 'm1', name: 'Mia', grantedAt: new URL(request.url).pathname }] }),
    );
    const reply = await handle({ type: 'dashboard.grants', accountIds: ['a1', 'a2'] });
    expect(reply).toEqual({
      ok: true,
      data: {
        grants: {
          a1: [{ memberId: 'm1', name: 'Mia', grantedAt: '/v1/accounts/a1/grants' }],
          a2: [{ memberId: 'm1', name: 'Mia', grantedAt: '/v1/accounts/a2/grants' }],
        },
      },
    });
    expect(seen).toHaveLength(2);
  });

  it('remove a member and answer the handover; a phone edit goes as JSON', async () => {
    const handover = {
      heldPhones: [{ id: 'p1', masked: '+49 ••• ••• 4821', label: 'Team SIM 3' }],
      recentlyUnlocked: [],
    };
    const { handle, seen } = await signedInHandler((request) =>
      request.method === 'DELETE' ? json(200, { handover }) : json(200, { phone: { id: 'p1' } }),
    );
    expect(await handle({ type: 'dashboard.memberRemove', memberId: 'm1' })).toEqual({ ok: true, data: { handover } });
    await handle({ type: 'dashboard.phoneUpdate', phoneId: 'p1', label: 'Drawer', holder: { name: 'Anna' } });
    expect(seen[1]!.method).toBe('PATCH');
    expect(await seen[1]!.json()).toEqual({ label: 'Drawer', holder: { name: 'Anna' } });
  });

  it('list the open invites, then revoke one with DELETE; an invite gone meanwhile answers its problem', async () => {
    const invites = [
      { id: 'i1', email: 'new@acme.test', role: 'member', expiresAt: '2026-12-09T09:00:00.000Z', createdBy: 'l1' },
    ];
    const { handle, seen } = await signedInHandler((request) => {
      if (request.method === 'GET') return json(200, { invites });
      if (new URL(request.url).pathname.endsWith('/i1')) return new Response(null, { status: 204 });
      return json(404, { error: { code: 'not_found', message: 'That invite does not exist.' } });
    });
    expect(await handle({ type: 'dashboard.invites' })).toEqual({ ok: true, data: { invites } });
    expect(await handle({ type: 'dashboard.inviteRevoke', inviteId: 'i1' })).toEqual({
      ok: true,
      data: { revoked: true },
    });
    expect(await handle({ type: 'dashboard.inviteRevoke', inviteId: 'i2' })).toMatchObject({
      ok: false,
      problem: { code: 'not_found', status: 404 },
    });
    expect(seen.map((request) => `${request.method} ${new URL(request.url).pathname}`)).toEqual([
      'GET /v1/invites',
      'DELETE /v1/invites/i1',
      'DELETE /v1/invites/i2',
    ]);
    expect(seen[1]!.headers.get('Authorization')).toBe(`Bearer ${token}`);
    expect(intentSchema.safeParse({ type: 'dashboard.inviteRevoke', inviteId: '../members/m1' }).success).toBe(false);
    expect(intentSchema.safeParse({ type: 'dashboard.inviteRevoke' }).success).toBe(false);
    expect(intentSchema.safeParse({ type: 'dashboard.invites', token }).success).toBe(false);
  });

  it('are refused when malformed: too many accounts at once, a limit past the contract, unknown fields', () => {
    const ids = Array.from({ length: 51 }, (_, i) => `a${i}`);
    expect(intentSchema.safeParse({ type: 'dashboard.grants', accountIds: ids }).success).toBe(false);
    expect(intentSchema.safeParse({ type: 'dashboard.grants', accountIds: ids.slice(0, 50) }).success).toBe(true);
    expect(intentSchema.safeParse({ type: 'dashboard.report', limit: 1001 }).success).toBe(false);
    expect(intentSchema.safeParse({ type: 'dashboard.report', limit: 1000 }).success).toBe(true);
    expect(intentSchema.safeParse({ type: 'dashboard.report', kind: 'everything' }).success).toBe(false);
    expect(intentSchema.safeParse({ type: 'dashboard.members', token }).success).toBe(false);
    expect(intentSchema.safeParse({ type: 'dashboard.memberRole', memberId: 'm1', role: 'admin' }).success).toBe(false);
  });

  it('are taken from the options page, as from the popup, and never from a content script', async () => {
    const root = fakeBrowser.runtime.getURL('/');
    const options = { id: fakeBrowser.runtime.id, url: `${root}options.html#members` };
    expect(isExtensionPage(options, fakeBrowser.runtime.id, root)).toBe(true);
    const handle = vi.fn(async () => ({ ok: true as const, data: { members: [] } }));
    listenForIntents(handle);
    const trigger = fakeBrowser.runtime.onMessage.trigger as (...args: unknown[]) => Promise<unknown[]>;
    const sendResponse = vi.fn();
    const [ignored] = await trigger(
      { type: 'dashboard.members' },
      { id: fakeBrowser.runtime.id, url: 'https://x.com/' },
      sendResponse,
    );
    expect(ignored).toBe(false);
    expect(handle).not.toHaveBeenCalled();
    const [kept] = await trigger({ type: 'dashboard.members' }, options, sendResponse);
    expect(kept).toBe(true);
    expect(handle).toHaveBeenCalledWith({ type: 'dashboard.members' });
  });
});
