import { describe, expect, it } from 'vitest';
import { enroll, enrollSetup, lastCode } from '../engine.ts';
import { type Harness, makeHarness } from '../harness.ts';
import { addPhone, nextMobile } from '../seed.ts';

// A person's name goes into SMS texts sent from the team's number to outside phone holders ("Give it only to
// Anna"), so a name is letters, marks, digits, spaces and . ' - and nothing that could shape the message.

const injections = [
  '\u2028', // line separator
  '\u2029', // paragraph separator
  '\u202e', // right-to-left override
  '\u2066', // left-to-right isolate
  '\u200b', // zero-width space (Cf)
  '\u200e', // left-to-right mark (Cf)
  '\u00ad', // soft hyphen (Cf)
  '\ufeff', // byte order mark (Cf)
  '\u00a0', // no-break space (not a plain space)
  '\n',
  '\r',
  '\t',
  '\u0000',
  '\u0085', // next line (Cc)
  ':',
  '/',
  '<',
  '@',
  '😀',
];
const badNames = [...injections.map((char) => `Anna${char}Visit evil`), 'A'.repeat(61), '...', ' - '];
const goodNames = [
  "Zoë O'Brien-Smith",
  'José María',
  '李小龍',
  'محمد علي',
  'Nguyễn Văn A',
  "'t Hooft",
  'J. R. R. Tolkien',
  'A'.repeat(60),
];

async function accept(h: Harness, name: string) {
  const invite = await h.call('POST', '/v1/invites', {
    token: h.owner.token,
    body: { email: `n${Math.floor(Math.random() * 1e9)}@acme.test`, role: 'member' },
  });
  return h.call('POST', '/v1/invites/accept', {
    body: { token: invite.body.token, name, password: 'member password 123' },
  });
}

const statuses = (responses: { status: number }[]) => responses.map((response) => response.status);

describe('a person’s name', () => {
  it('is refused with 400 at setup, at invite accept and as a phone holder when it holds anything else', async () => {
    const h = await makeHarness();
    const setups = [];
    const accepts = [];
    const holders = [];
    const phone = await addPhone(h);
    for (const name of badNames) {
      setups.push(
        await h.call('POST', '/v1/setup', {
          body: { team: 'Acme', name, email: 'o@acme.test', password: 'owner password 123' },
        }),
      );
      accepts.push(await accept(h, name));
      holders.push(
        await h.call('POST', '/v1/phones', {
          token: h.owner.token,
          body: { number: nextMobile(), holder: { name } },
        }),
      );
      holders.push(
        await h.call('PATCH', `/v1/phones/${phone.id}`, { token: h.owner.token, body: { holder: { name } } }),
      );
    }
    expect(statuses(setups)).toEqual(badNames.map(() => 400));
    expect(statuses(accepts)).toEqual(badNames.map(() => 400));
    expect(statuses(holders)).toEqual(holders.map(() => 400));
    expect(new Set(accepts.map((response) => response.body.error.code))).toEqual(new Set(['invalid_request']));
  });

  it("takes letters and marks of any script, digits, spaces and . ' - up to 60 characters", async () => {
    const h = await makeHarness();
    for (const name of goodNames) {
      const accepted = await accept(h, name);
      expect(accepted.status).toBe(201);
      expect(accepted.body.member.name).toBe(name);
      const held = await h.call('POST', '/v1/phones', {
        token: h.owner.token,
        body: { number: nextMobile(), holder: { name } },
      });
      expect(held.status).toBe(201);
    }
  });

  it('is refused as a free-text holder in an import, while a member’s email still names that member', async () => {
    const h = await makeHarness();
    const mia = await h.addMember('member', 'Mia');
    const csv = [
      'platform,handle,client,loginName,phone,phoneHolder',
      `x,one,,,${nextMobile()},Anna\u2028Visit evil`,
      `x,two,,,${nextMobile()},${mia.email}`,
    ].join('\n');
    const response = await h.call('POST', '/v1/accounts/import', {
      token: h.owner.token,
      body: csv,
      headers: { 'Content-Type': 'text/csv' },
    });
    expect(response.body.created).toBe(1);
    expect(response.body.errors).toEqual([{ line: 2, message: expect.stringMatching(/^phoneHolder: /) }]);
  });

  it('already stored with unsafe characters still reaches an SMS as plain text on one line', async () => {
    const h = await makeHarness();
    const { member, account, number } = await enrollSetup(h);
    await enroll(h, member.token, account.id, number);
    await h.query(
      `UPDATE members SET name = 'Anna' || char(8232) || 'Visit http://evil.test' || char(8238) || char(10) || 'x' WHERE id = '${member.id}'`,
    );
    const started = await h.call('POST', `/v1/accounts/${account.id}/unlock`, { token: member.token });
    expect(started.status).toBe(202);
    await lastCode(h, number);
    const body = h.sms.sent.at(-1)!.body;
    expect(body).toMatch(/^Twostep: Anna Visit http evil.test x asks to sign in to @/);
    expect(body).not.toMatch(/[\p{C}\u2028\u2029]/u);
  });
});
