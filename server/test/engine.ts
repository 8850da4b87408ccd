import type { Harness } from './harness.ts';

/** Reads the code out of the last SMS for a number: the fake provider's, or the dev outbox's in outbox mode. */
export async function lastCode(h: Harness, to?: string): Promise<string> {
  await h.settle();
  const sent = (h.sms as unknown as { sent?: { to: string; body: string }[] }).sent;
  const body = sent
    ? sent.filter((m) => !to || m.to === to).at(-1)?.body
    : (
        await h.query<{ body: string }>(
          `SELECT body FROM dev_outbox ${to ? `WHERE to_number = '${to}'` : ''} ORDER BY rowid DESC LIMIT 1`,
        )
      )[0]?.body;
  const match = /Code (\d{6})/.exec(body ?? '');
  if (!match) throw new Error(`No code was sent${to ? ` to ${to}` : ''}.`);
  return match[1]!;
}

export const numbers = {
  de: '+4915123456789',
  de2: '+4915123456780',
  us: '+12015550123',
};

/** A granted member, an Instagram account and a phone: the usual cast of a two-step test. */
export async function enrollSetup(h: Harness, options: { platform?: string; number?: string } = {}) {
  const member = await h.addMember('member', 'Anna');
  const account = await h.addAccount({
    platform: options.platform ?? 'instagram',
    handle: `acme${Math.floor(Math.random() * 1e9)}`,
  });
  await h.grant(account.id, member.id);
  const number = options.number ?? numbers.de;
  return { member, account, number };
}

/** Enrolls the account with a number end to end and returns the verified response. */
export async function enroll(h: Harness, token: string, accountId: string, number: string) {
  const started = await h.call('POST', `/v1/accounts/${accountId}/two-step`, { token, body: { number } });
  if (started.status !== 202) throw new Error(`enroll failed: ${started.status} ${JSON.stringify(started.body)}`);
  const code = await lastCode(h, number);
  const verified = await h.call('POST', `/v1/challenges/${started.body.challenge.id}/verify`, {
    token,
    body: { code },
  });
  if (verified.status !== 200) throw new Error(`verify failed: ${verified.status} ${JSON.stringify(verified.body)}`);
  return verified.body;
}

/** The usual cast, enrolled end to end, with the messages it left delivered. */
export async function enrolled(h: Harness) {
  const cast = await enrollSetup(h);
  await enroll(h, cast.member.token, cast.account.id, cast.number);
  await h.settle();
  return cast;
}

/** Unlocks an account for a member end to end (a code to its phone, entered). */
export async function unlock(h: Harness, token: string, accountId: string, number: string) {
  const started = await h.call('POST', `/v1/accounts/${accountId}/unlock`, { token });
  if (started.status !== 202) throw new Error(`unlock failed: ${started.status} ${JSON.stringify(started.body)}`);
  const code = await lastCode(h, number);
  const verified = await h.call('POST', `/v1/challenges/${started.body.challenge.id}/verify`, {
    token,
    body: { code },
  });
  if (verified.status !== 200) throw new Error(`verify failed: ${verified.status} ${JSON.stringify(verified.body)}`);
}
