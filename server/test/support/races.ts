import { randomBytes } from 'node:crypto';
import { limits } from '@twostep/shared';
import { expect } from 'vitest';
import { type Answer, codeSent, type RaceClient } from './race-client.ts';

// The races of issue 11, item 4, one round each, over HTTP to one or more Node servers of one database. Each
// parallel burst sends request i to server i mod n. Every assertion is on what the clients were told and on what
// the API shows afterwards (events, counts), so a rule that stops holding in SQL fails here.

export type RaceTeam = { client: RaceClient; owner: string; seen: Set<string> };

const statuses = (answers: Answer[]) => answers.map((answer) => answer.status);
const codes = (answers: Answer[]) => answers.map((answer) => answer.body?.error?.code ?? answer.status);
/** How many answers said what, for a failing assertion's message. */
const tally = (answers: Answer[]) => {
  const all: Record<string, number> = {};
  for (const code of codes(answers)) all[code] = (all[code] ?? 0) + 1;
  return all;
};

async function eventsOf(team: RaceTeam, accountId: string) {
  const page = await team.client.call('GET', `/v1/events?accountId=${accountId}&limit=500`, team.owner);
  return (page.body?.events ?? []) as { action: string; target: string }[];
}

async function created(team: RaceTeam, handle: string) {
  const answer = await team.client.call('POST', '/v1/accounts', team.owner, { platform: 'instagram', handle });
  expect(answer.status).toBe(201);
  return answer.body!.account.id as string;
}

/** Two accounts on one platform, one number: both enrollments start, 25 answers each race; exactly one wins. */
export async function enrollmentRace(team: RaceTeam, round: number) {
  const { client, owner } = team;
  const number = `+4915124${String(100_000 + round).padStart(6, '0')}`;
  const handles = [`race${round}a`, `race${round}b`];
  const ids = await Promise.all(handles.map((handle) => created(team, handle)));
  const started = await Promise.all(
    ids.map((id, i) => client.call('POST', `/v1/accounts/${id}/two-step`, owner, { number }, i)),
  );
  expect(statuses(started)).toEqual([202, 202]);
  const given: string[] = [];
  for (const handle of handles) given.push(await codeSent(client, owner, number, `@${handle}`, team.seen));
  const answers = await client.burst(50, (i) =>
    client.call(
      'POST',
      `/v1/challenges/${started[i % 2]!.body!.challenge.id}/verify`,
      owner,
      { code: given[i % 2] },
      i,
    ),
  );
  const wins = answers.filter((answer) => answer.status === 200);
  expect(wins).toHaveLength(1);
  const winner = wins[0]!.body!.account.id as string;
  const loser = ids.find((id) => id !== winner)!;
  const mine = (id: string) => answers.filter((_, i) => ids[i % 2] === id);
  // The winner's other answers: used. The loser's: the number protects another account on the platform now.
  expect(new Set(codes(mine(winner)).filter((code) => code !== 200))).toEqual(new Set(['challenge_used']));
  expect(new Set(codes(mine(loser)))).toEqual(new Set(['number_in_use_on_platform']));
  const accounts = await Promise.all(ids.map((id) => client.call('GET', `/v1/accounts/${id}`, owner)));
  const on = accounts.filter((answer) => answer.body?.account.twoStep.status === 'on');
  expect(on.map((answer) => answer.body?.account.id)).toEqual([winner]);
  const enabled = (await Promise.all(ids.map((id) => eventsOf(team, id)))).flat();
  expect(enabled.filter((event) => event.action === 'two_step.enabled')).toHaveLength(1);
  return { winner, number, wins: wins.length };
}

/** 50 parallel right answers to one unlock code: one success, 49 told it was used, one unlock granted. */
export async function rightCodeRace(team: RaceTeam, accountId: string, number: string) {
  const { client, owner } = team;
  const started = await client.call('POST', `/v1/accounts/${accountId}/unlock`, owner);
  expect(started.status).toBe(202);
  const code = await codeSent(client, owner, number, 'to sign in', team.seen);
  const path = `/v1/challenges/${started.body!.challenge.id}/verify`;
  const answers = await client.burst(50, (i) => client.call('POST', path, owner, { code }, i));
  expect(statuses(answers).filter((status) => status === 200)).toHaveLength(1);
  expect(codes(answers).filter((answer) => answer !== 200)).toEqual(Array(49).fill('challenge_used'));
  const events = await eventsOf(team, accountId);
  expect(events.filter((event) => event.action === 'unlock.granted')).toHaveLength(1);
  expect(
    events.filter((e) => e.action === 'challenge.verified' && e.target === started.body!.challenge.id),
  ).toHaveLength(1);
  return 1;
}

/** 50 parallel wrong answers: 5 evaluated (4 told wrong, the 5th locked), the other 45 refused unevaluated. */
export async function wrongCodeRace(team: RaceTeam, accountId: string, number: string) {
  const { client, owner } = team;
  const started = await client.call('POST', `/v1/accounts/${accountId}/unlock`, owner);
  expect(started.status).toBe(202);
  const id = started.body!.challenge.id as string;
  const code = Number(await codeSent(client, owner, number, 'to sign in', team.seen));
  const answers = await client.burst(50, (i) =>
    client.call(
      'POST',
      `/v1/challenges/${id}/verify`,
      owner,
      { code: String((code + 1 + i) % 1e6).padStart(6, '0') },
      i,
    ),
  );
  const max = limits.wrongAnswersPerChallenge;
  const told = JSON.stringify(tally(answers));
  expect(
    codes(answers).filter((answer) => answer === 'code_invalid'),
    told,
  ).toHaveLength(max - 1);
  expect(
    codes(answers).filter((answer) => answer === 'challenge_locked'),
    told,
  ).toHaveLength(50 - (max - 1));
  // Each counted answer was told the tries it left: 4, 3, 2, 1 (the fifth locked it).
  const left = answers.filter((answer) => answer.status === 400).map((answer) => answer.body?.error.attemptsLeft);
  expect(left.sort()).toEqual(Array.from({ length: max - 1 }, (_, i) => i + 1));
  const events = (await eventsOf(team, accountId)).filter((event) => event.target === id);
  const failed = events.filter((event) => event.action === 'challenge.failed').length;
  expect(failed).toBe(max);
  expect(events.filter((event) => event.action === 'challenge.locked')).toHaveLength(1);
  return failed;
}

/** 20 parallel reveals of a set of 25: 20 distinct codes of the set, and the counts each answer gave add up. */
export async function revealRace(team: RaceTeam, accountId: string) {
  const { client, owner } = team;
  const total = 25;
  const stored = Array.from({ length: total }, () => randomBytes(6).toString('hex'));
  const put = await client.call('PUT', `/v1/accounts/${accountId}/backup-codes`, owner, { codes: stored });
  expect(put.status).toBe(204);
  const path = `/v1/accounts/${accountId}/backup-codes/reveal`;
  const answers = await client.burst(20, (i) => client.call('POST', path, owner, { reason: `race ${i}` }, i));
  expect(statuses(answers)).toEqual(Array(20).fill(200));
  const handed = answers.map((answer) => answer.body!.code as string);
  expect(new Set(handed).size).toBe(20);
  for (const code of handed) expect(stored).toContain(code);
  // The j-th largest `remaining` is at most total - j: each reveal counts after its own claim, so the k-th claim
  // to commit sees at least k used; the last one sees all 20. A code handed out twice would leave one more.
  const remaining = answers.map((answer) => answer.body!.remaining as number).sort((a, b) => b - a);
  for (const [j, left] of remaining.entries()) expect(left).toBeLessThanOrEqual(total - 1 - j);
  expect(remaining.at(-1)).toBe(total - 20);
  const counts = await client.call('GET', `/v1/accounts/${accountId}/backup-codes`, owner);
  expect(counts.body).toMatchObject({ remaining: total - 20, total });
  const events = await eventsOf(team, accountId);
  expect(events.filter((event) => event.action === 'backup_code.revealed')).toHaveLength(20);
  return new Set(handed).size;
}

/** 10 parallel accepts of one invite token, each from its own address: one member, nine told it is used. */
export async function inviteRace(team: RaceTeam, round: number) {
  const { client, owner } = team;
  const email = `race${round}@invite.test`;
  const invite = await client.call('POST', '/v1/invites', owner, { email, role: 'member' });
  expect(invite.status).toBe(201);
  const token = invite.body!.token as string;
  const answers = await client.burst(10, (i) =>
    client.from(
      `127.0.0.${10 + i}`,
      'POST',
      '/v1/invites/accept',
      { token, name: `Racer ${round}-${i}`, password: 'race password 1' },
      i,
    ),
  );
  expect(statuses(answers).filter((status) => status === 201)).toHaveLength(1);
  expect(codes(answers).filter((answer) => answer !== 201)).toEqual(Array(9).fill('invite_invalid'));
  const members = await client.call('GET', '/v1/members', owner);
  const joined = (members.body?.members ?? []).filter((member: { email: string }) => member.email === email);
  expect(joined).toHaveLength(1);
  return joined.length;
}
