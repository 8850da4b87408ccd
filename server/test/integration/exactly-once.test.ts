import { limits } from '@twostep/shared';
import { describe, expect, it } from 'vitest';
import { enroll, enrollSetup, lastCode } from '../engine.ts';
import { makeHarness } from '../harness.ts';

const parallel = 50;
const runs = 20;

describe('a code is consumed exactly once', () => {
  it(`${parallel} parallel right answers give exactly one success, ${runs} runs out of ${runs}`, async () => {
    const h = await makeHarness();
    const { member, account, number } = await enrollSetup(h);
    await enroll(h, member.token, account.id, number);
    for (let run = 0; run < runs; run++) {
      const started = await h.call('POST', `/v1/accounts/${account.id}/unlock`, { token: member.token });
      expect(started.status).toBe(202);
      const code = await lastCode(h, number);
      const answers = await Promise.all(
        Array.from({ length: parallel }, () =>
          h.call('POST', `/v1/challenges/${started.body.challenge.id}/verify`, { token: member.token, body: { code } }),
        ),
      );
      const statuses = answers.map((answer) => answer.status);
      expect(statuses.filter((status) => status === 200)).toHaveLength(1);
      expect(statuses.filter((status) => status !== 200).every((status) => status === 409)).toBe(true);
      // Send budgets are not the subject here: the next run starts after they have freed up.
      h.clock.advance(2 * 60 * 60_000);
    }
    const granted = await h.query<{ n: number }>(
      `SELECT count(*) AS n FROM unlocks WHERE account_id = '${account.id}'`,
    );
    expect(Number(granted[0]?.n)).toBe(runs);
    const events = await h.query<{ n: number }>("SELECT count(*) AS n FROM events WHERE action = 'unlock.granted'");
    expect(Number(events[0]?.n)).toBe(runs);
  });

  it(`${parallel} parallel wrong answers: at most ${limits.wrongAnswersPerChallenge} are evaluated, then the challenge is locked`, async () => {
    const h = await makeHarness();
    const { member, account, number } = await enrollSetup(h);
    await enroll(h, member.token, account.id, number);
    const started = await h.call('POST', `/v1/accounts/${account.id}/unlock`, { token: member.token });
    const code = await lastCode(h, number);
    const guesses = Array.from({ length: parallel }, (_, i) =>
      String((Number(code) + 1 + i) % 1_000_000).padStart(6, '0'),
    );
    const answers = await Promise.all(
      guesses.map((guess) =>
        h.call('POST', `/v1/challenges/${started.body.challenge.id}/verify`, {
          token: member.token,
          body: { code: guess },
        }),
      ),
    );
    expect(answers.filter((answer) => answer.status === 200)).toHaveLength(0);
    // Each counted answer hears its own outcome: told wrong with the tries its answer left (4, 3, 2, 1), the fifth
    // told locked, like every answer that came too late to be counted (a read after the batch told some counted
    // answers "a newer code was sent" or "locked", once a parallel answer had stamped the challenge after them).
    const wrong = answers.filter((answer) => answer.body.error?.code === 'code_invalid');
    const left = wrong.map((answer) => answer.body.error.attemptsLeft).sort();
    expect(left).toEqual([1, 2, 3, 4].slice(0, limits.wrongAnswersPerChallenge - 1));
    expect(wrong.every((answer) => answer.body.error.message === 'That code is not right.')).toBe(true);
    expect(answers.filter((answer) => answer.status === 423)).toHaveLength(parallel - wrong.length);
    const failed = await h.query<{ n: number }>("SELECT count(*) AS n FROM events WHERE action = 'challenge.failed'");
    expect(Number(failed[0]?.n)).toBe(limits.wrongAnswersPerChallenge);
    const [row] = await h.query<{ status: string; attempts: number }>(
      `SELECT status, attempts FROM challenges WHERE id = '${started.body.challenge.id}'`,
    );
    expect(row).toEqual({ status: 'locked', attempts: limits.wrongAnswersPerChallenge });
  });
});
