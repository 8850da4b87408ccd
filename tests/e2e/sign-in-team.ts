import { httpClient } from './harness.ts';

type Outbox = { messages: { to: string; body: string; at: string }[] };
export type PagePlatform = 'instagram' | 'facebook' | 'tiktok' | 'x' | 'linkedin' | 'youtube';
export type AuditEvent = { action: string; target: string | null; detail?: string | null } & Record<string, unknown>;

export const signInPlatforms: PagePlatform[] = ['instagram', 'facebook', 'tiktok', 'x', 'linkedin', 'youtube'];
export const owner = { team: 'Acme Agency', name: 'Olivia', email: 'olivia@acme.test', password: 'owner password 1' };
export const backupCodes = ['1111 2222', '3333 4444'];

/** Each platform's account: its handle, and a login no other account shares (so a mix-up shows). */
export const loginOf = (platform: PagePlatform) => ({
  handle: `acme.${platform}`,
  /** The last digits of the account's phone, held by Jana: Instagram's ends in 4821. */
  last4: String(4821 + signInPlatforms.indexOf(platform)),
  // An email: LinkedIn's login field is type=email and required, as on the real page.
  loginName: `brand.${platform}@acme.test`,
  password: `Sn0wy-Owl-${platform}-Harbour-77`,
});

/**
 * A team as a lead sets it up over HTTP: one account on each of the six platforms, each protected by a team phone
 * held by Jana (Instagram's ends in 4821), with a login name and a password; Instagram's with two backup codes.
 */
export async function setUpSignInTeam(base: string) {
  const call = httpClient(base);
  const { token } = await call<{ token: string }>('POST', '/v1/setup', undefined, owner);
  const outbox = async () => (await call<Outbox>('GET', '/v1/dev/outbox', token)).messages;

  /** The code of the newest SMS once more than `seen` have arrived. */
  async function nextCode(seen: number): Promise<string> {
    for (const deadline = Date.now() + 15_000; ; ) {
      const messages = await outbox();
      const code = messages.length > seen ? /Code (\d{6})/.exec(messages[0]!.body)?.[1] : undefined;
      if (code) return code;
      if (Date.now() > deadline) throw new Error(`no SMS after the ${seen} seen`);
      await new Promise((tick) => setTimeout(tick, 25));
    }
  }

  const ids = {} as Record<PagePlatform, string>;
  for (const platform of signInPlatforms) {
    const { handle, loginName, password, last4 } = loginOf(platform);
    // A phone each: a phone takes at most 5 codes an hour, and each account here takes two (protect, sign in).
    const { phone } = await call<{ phone: { id: string } }>('POST', '/v1/phones', token, {
      number: `+49 151 2345${last4}`,
      label: `Team SIM ${last4}`,
      holder: { name: 'Jana' },
    });
    const body = { platform, handle, client: 'Acme', loginName };
    const { account } = await call<{ account: { id: string } }>('POST', '/v1/accounts', token, body);
    ids[platform] = account.id;
    const seen = (await outbox()).length;
    const { challenge } = await call<{ challenge: { id: string } }>(
      'POST',
      `/v1/accounts/${account.id}/two-step`,
      token,
      {
        phoneId: phone.id,
      },
    );
    await call('POST', `/v1/challenges/${challenge.id}/verify`, token, { code: await nextCode(seen) });
    await call('PUT', `/v1/accounts/${account.id}/secret`, token, { loginName, password });
  }
  await call('PUT', `/v1/accounts/${ids.instagram}/backup-codes`, token, { codes: backupCodes });

  return {
    ids,
    nextCode,
    sentCount: async () => (await outbox()).length,
    /** The account's audit trail as the lead reads it (GET /v1/events). */
    events: async (accountId: string) =>
      (await call<{ events: AuditEvent[] }>('GET', `/v1/events?accountId=${accountId}&limit=100`, token)).events,
  };
}
