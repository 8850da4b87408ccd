import { httpClient } from './harness.ts';

type Challenge = { challenge: { id: string } };
type Outbox = { messages: { to: string; body: string; at: string }[] };

export const people = {
  owner: { name: 'Olivia', email: 'olivia@acme.test', password: 'owner password 1' },
  member: { name: 'Mia', email: 'mia@acme.test', password: 'member password 1' },
  newcomer: { name: 'Noah', email: 'noah@acme.test', password: 'newcomer password 1' },
};
export const brandSecret = { loginName: 'acme.brand', password: 'Sn0wy-Owl-Harbour-77' };

/**
 * A team as a lead would set it up over HTTP: an owner; @acmebrand on Instagram protected by a phone ending in
 * 4821 held by Anna, with a password and three backup codes; @acme.fb on Facebook protected by another phone;
 * @acme.tiktok with two-step off. Mia may use all three; Noah nothing.
 */
export async function setUpTeam(base: string) {
  const call = httpClient(base);
  const { token: owner } = await call<{ token: string }>('POST', '/v1/setup', undefined, {
    team: 'Acme Agency',
    ...people.owner,
  });

  /** The newest SMS, once the dispatcher has delivered one more than `seen`; gives up after `timeoutMs`. */
  async function nextSms(seen: number, timeoutMs = 15_000): Promise<{ code: string; body: string }> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { messages } = await call<Outbox>('GET', '/v1/dev/outbox', owner);
      const body = messages.length > seen ? messages[0]!.body : '';
      const code = /Code (\d{6})/.exec(body)?.[1];
      if (code) return { code, body };
      if (Date.now() > deadline)
        throw new Error(`no SMS after the ${seen} seen within ${timeoutMs} ms (outbox: ${messages.length})`);
      await new Promise((tick) => setTimeout(tick, 25));
    }
  }
  const nextCode = async (seen: number) => (await nextSms(seen)).code;
  const sentCount = async () => (await call<Outbox>('GET', '/v1/dev/outbox', owner)).messages.length;

  async function account(platform: string, handle: string, loginName?: string) {
    const body = { platform, handle, client: 'Acme', ...(loginName ? { loginName } : {}) };
    return (await call<{ account: { id: string } }>('POST', '/v1/accounts', owner, body)).account.id;
  }
  async function protect(accountId: string, number: string, label: string, holder: string) {
    const { phone } = await call<{ phone: { id: string } }>('POST', '/v1/phones', owner, {
      number,
      label,
      holder: { name: holder },
    });
    const seen = await sentCount();
    const { challenge } = await call<Challenge>('POST', `/v1/accounts/${accountId}/two-step`, owner, {
      phoneId: phone.id,
    });
    await call('POST', `/v1/challenges/${challenge.id}/verify`, owner, { code: await nextCode(seen) });
  }
  async function invite(person: { name: string; email: string; password: string }) {
    const { token } = await call<{ token: string }>('POST', '/v1/invites', owner, {
      email: person.email,
      role: 'member',
    });
    const accepted = await call<{ member: { id: string } }>('POST', '/v1/invites/accept', undefined, {
      token,
      name: person.name,
      password: person.password,
    });
    return accepted.member.id;
  }

  const brand = await account('instagram', 'acmebrand', brandSecret.loginName);
  await protect(brand, '+49 151 23454821', 'Team SIM 3', 'Anna');
  await call('PUT', `/v1/accounts/${brand}/secret`, owner, brandSecret);
  await call('PUT', `/v1/accounts/${brand}/backup-codes`, owner, { codes: ['1111 2222', '3333 4444', '5555 6666'] });
  const facebook = await account('facebook', 'acme.fb');
  await protect(facebook, '+49 151 23457777', 'Team SIM 4', 'Ben');
  const tiktok = await account('tiktok', 'acme.tiktok');

  const mia = await invite(people.member);
  await invite(people.newcomer);
  for (const id of [brand, facebook, tiktok]) await call('PUT', `/v1/accounts/${id}/grants/${mia}`, owner);

  return {
    accounts: { brand, facebook, tiktok },
    sentCount,
    nextCode,
    nextSms,
    /** A lead's forced removal, so a list the popup already shows is out of date. */
    forceOff: (id: string) =>
      call('DELETE', `/v1/accounts/${id}/two-step`, owner, { force: true, reason: 'Phone lost on a shoot' }),
  };
}
