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
// Names that show nothing, hide characters, or carry a link or a number to call.
const deceptive = [
  '\u3164', // Hangul filler: a letter that shows nothing
  'Anna\u3164Visit',
  '\uffa0', // halfwidth Hangul filler
  '\u115f\u1160', // Hangul choseong and jungseong fillers
  'Anna\ufe0f', // variation selector
  'Anna\u{e0100}', // variation selector supplement
  'An\u034fna', // combining grapheme joiner
  'Anna\u180b', // Mongolian free variation selector
  'Anna\u17b4', // Khmer inherent vowel
  `a${'\u0301'.repeat(59)}`, // one letter under 59 combining marks
  'x\u0301\u0302\u0303\u0304', // four marks in a row (x has no precomposed form)
  '\u0301Anna', // a name starting with a mark
  'Anna \u0301x', // a mark on a space
  '12',
  'Anna evil.com',
  'Anna.Evil',
  'Go to x.co',
  'Bank call 0800 555 1234',
  'Anna. Real code 654321',
  'Anna 6 5 4',
];
const badNames = [...injections.map((char) => `Anna${char}Visit evil`), ...deceptive, 'A'.repeat(61), '...', ' - '];
const goodNames = [
  "Zoë O'Brien-Smith",
  'José María',
  '李小龍',
  'محمد علي',
  'Nguyễn Văn A',
  "'t Hooft",
  'J. R. R. Tolkien',
  'A.J. Smith',
  'สมชาย ใจดี', // Thai: vowel and tone marks
  'ประยุทธ์ จันทร์โอชา',
  'श्री कृष्ण', // Devanagari: viramas and vowel signs
  'स्त्री',
  '김대중',
  'Henry 8',
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

  it('is stored in NFC, and its length is counted after normalising', async () => {
    const h = await makeHarness();
    const decomposed = await accept(h, 'Zoe\u0308 Nguye\u0302\u0303n');
    expect(decomposed.status).toBe(201);
    expect(decomposed.body.member.name).toBe('Zoë Nguyễn');
    const sixty = await accept(h, 'e\u0301'.repeat(60));
    expect(sixty.status).toBe(201);
    expect(sixty.body.member.name).toBe('é'.repeat(60));
    const held = await h.call('POST', '/v1/phones', {
      token: h.owner.token,
      body: { number: nextMobile(), holder: { name: 'Zoe\u0308' } },
    });
    expect(held.status).toBe(201);
    expect(held.body.phone.holder.name).toBe('Zoë');
  });

  it('is refused at invite accept when an active member reads as the same name (NFKC, case-folded): 409', async () => {
    const h = await makeHarness();
    await accept(h, 'Anna Straße');
    for (const name of [
      'olivia owner',
      'OLIVIA  OWNER',
      '\uff2f\uff4c\uff49\uff56\uff49\uff41 Owner',
      'ANNA STRASSE',
    ]) {
      const refused = await accept(h, name);
      expect(refused.status).toBe(409);
      expect(refused.body.error).toMatchObject({ code: 'duplicate_member', field: 'name' });
      expect(refused.body.error.message).toMatch(/already goes by this name/);
    }
    const count = await h.query<{ n: number }>('SELECT count(*) AS n FROM members');
    expect(Number(count[0]!.n)).toBe(2);
    expect((await accept(h, 'Olivia Owner-Smith')).status).toBe(201);
    // A removed member's name is free again.
    const mia = await h.addMember('member', 'Mia');
    expect((await h.call('DELETE', `/v1/members/${mia.id}`, { token: h.owner.token })).status).toBe(200);
    expect((await accept(h, 'mia')).status).toBe(201);
  });

  it('two accepts at once under names that read alike: one member, the other 409 and its invite still open', async () => {
    const h = await makeHarness();
    const invite = async () =>
      (
        await h.call('POST', '/v1/invites', {
          token: h.owner.token,
          body: { email: `r${Math.floor(Math.random() * 1e9)}@acme.test`, role: 'member' },
        })
      ).body.token as string;
    const join = (token: string, name: string) =>
      h.call('POST', '/v1/invites/accept', { body: { token, name, password: 'member password 123' } });
    for (const [first, second] of [
      ['Anna Lee', 'ANNA  LEE'],
      ['Jana Straße', 'jana strasse'],
      ['Kai', '\uff2b\uff41\uff49'],
    ] as const) {
      const tokens = [await invite(), await invite()];
      const answers = await Promise.all([join(tokens[0]!, first), join(tokens[1]!, second)]);
      expect(statuses(answers).sort()).toEqual([201, 409]);
      const loser = answers.findIndex((answer) => answer.status === 409);
      expect(answers[loser]!.body.error).toMatchObject({ code: 'duplicate_member', field: 'name' });
      // The refused accept used nothing up: its invite takes another name.
      expect((await join(tokens[loser]!, `${first} Junior`)).status).toBe(201);
    }
    const names = await h.query<{ name: string }>('SELECT name FROM members WHERE removed_at IS NULL');
    expect(names).toHaveLength(1 + 6);
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
    // What is left once the unsafe characters are gone still holds a link, so the text names no one.
    expect(body).toMatch(/^Twostep: A team member asks to sign in to @/);
    expect(body).not.toMatch(/[\p{C}\u2028\u2029]/u);
  });
});
