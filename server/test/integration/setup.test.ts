import { describe, expect, it } from 'vitest';
import { makeHarness } from '../harness.ts';

describe('setup', () => {
  it('sets a fresh server up once under 6 parallel calls: one 201, five 409 already_set_up, one team', async () => {
    const h = await makeHarness({ setup: false });
    const answers = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        h.call('POST', '/v1/setup', {
          body: {
            team: `Team ${i}`,
            name: `Owner ${'ABCDEF'[i]}`,
            email: `owner${i}@acme.test`,
            password: 'owner password 123',
          },
        }),
      ),
    );
    expect(answers.map((answer) => answer.status).sort()).toEqual([201, 409, 409, 409, 409, 409]);
    for (const answer of answers.filter((answer) => answer.status === 409))
      expect(answer.body.error.code).toBe('already_set_up');
    const teams = await h.query<{ n: number }>('SELECT count(*) AS n FROM teams');
    expect(Number(teams[0]!.n)).toBe(1);
    const owners = await h.query<{ n: number }>("SELECT count(*) AS n FROM members WHERE role = 'owner'");
    expect(Number(owners[0]!.n)).toBe(1);
    const winner = answers.find((answer) => answer.status === 201)!;
    const me = await h.call('GET', '/v1/me', { token: winner.body.token });
    expect(me.body.member.email).toBe(winner.body.member.email);
  });
});
