import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { reportFigure } from '../support/figures.ts';
import { codeSent, raceClient, startNodeServers } from '../support/race-client.ts';
import { startTraffic, type TrafficAccount } from '../support/race-traffic.ts';
import {
  enrollmentRace,
  inviteRace,
  type RaceTeam,
  revealRace,
  rightCodeRace,
  wrongCodeRace,
} from '../support/races.ts';
import { startSqld } from '../support/sqld.ts';

/** Rounds of every race per database in `npm test`; `npm run test:proof` sets RACE_ROUNDS. */
const rounds = Number(process.env.RACE_ROUNDS ?? 1);

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

/** A set-up team: the owner runs the races; a second lead, Bea, makes the traffic on six accounts of her own. */
async function teamWithTraffic(bases: string[]) {
  const client = raceClient(bases);
  const setup = await client.call('POST', '/v1/setup', undefined, {
    team: 'Races',
    name: 'Olivia',
    email: 'o@races.test',
    password: 'race password 1',
  });
  const team: RaceTeam = { client, owner: setup.body!.token, seen: new Set() };
  const invite = await client.call('POST', '/v1/invites', team.owner, { email: 'bea@races.test', role: 'lead' });
  const bea = await client.call('POST', '/v1/invites/accept', undefined, {
    token: invite.body!.token,
    name: 'Bea',
    password: 'race password 2',
  });
  const accounts: TrafficAccount[] = await Promise.all(
    Array.from({ length: 6 }, async (_, i) => {
      const number = `+4915125${String(100_000 + i)}`;
      const made = await client.call('POST', '/v1/accounts', team.owner, { platform: 'facebook', handle: `busy${i}` });
      const id = made.body!.account.id as string;
      const started = await client.call('POST', `/v1/accounts/${id}/two-step`, team.owner, { number });
      const code = await codeSent(client, team.owner, number, 'to protect', team.seen);
      const verified = await client.call('POST', `/v1/challenges/${started.body!.challenge.id}/verify`, team.owner, {
        code,
      });
      expect(verified.status).toBe(200);
      return { id, number };
    }),
  );
  const traffic = startTraffic(client, { lead: bea.body!.token, owner: team.owner }, accounts);
  return { team, traffic };
}

async function raceUnderLoad(where: string, bases: string[]) {
  const { team, traffic } = await teamWithTraffic(bases);
  const totals = { enrolled: 0, right: 0, wrong: 0, revealed: 0, members: 0 };
  let done = 0;
  try {
    for (let round = 0; round < rounds; round++) {
      const { winner, number, wins } = await enrollmentRace(team, round);
      totals.enrolled += wins;
      totals.right += await rightCodeRace(team, winner, number);
      totals.revealed += await revealRace(team, winner);
      totals.wrong += await wrongCodeRace(team, winner, number);
      totals.members += await inviteRace(team, round);
      done++;
    }
  } finally {
    const background = await traffic.stop();
    expect(background.errors).toEqual([]);
    // Every server dispatches the outbox: each message (its code makes it unique) was delivered once.
    const outbox = await team.client.call('GET', '/v1/dev/outbox', team.owner);
    const bodies = (outbox.body?.messages ?? []).map((m: { to: string; body: string }) => `${m.to} ${m.body}`);
    expect(bodies.length).toBeGreaterThan(0);
    expect(new Set(bodies).size).toBe(bodies.length);
    const proof = (what: string) => `races, ${where}: ${what}`;
    reportFigure(proof('50 parallel right answers'), { rounds: done, answers: done * 50, successes: totals.right });
    reportFigure(proof('50 parallel wrong answers'), { rounds: done, answers: done * 50, evaluated: totals.wrong });
    reportFigure(proof('20 parallel reveals of 25 codes'), { reveals: done * 20, 'distinct codes': totals.revealed });
    reportFigure(proof('two accounts, one number, 50 verifies'), { rounds: done, enrolled: totals.enrolled });
    reportFigure(proof('10 parallel accepts of one invite'), { accepts: done * 10, members: totals.members });
    reportFigure(proof('background traffic meanwhile'), {
      requests: background.requests,
      'errors (5xx or no answer)': background.errors.length,
    });
  }
}

const secret = randomBytes(32).toString('base64url');
const scratch = () => {
  const dir = mkdtempSync(join(tmpdir(), 'twostep-races-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
};

describe('races under mixed load, through real Node server processes', () => {
  it(
    'on a libSQL file',
    async () => {
      const dir = scratch();
      const servers = await startNodeServers(`file:${join(dir, 'races.db')}`, 1, dir, secret);
      cleanups.push(servers.stop);
      await raceUnderLoad('libSQL file', servers.bases);
    },
    60_000 + rounds * 20_000,
  );

  it(
    'on sqld, one server',
    async () => {
      const sqld = await startSqld({ namespaces: false });
      cleanups.push(sqld.stop);
      const servers = await startNodeServers(sqld.url, 1, scratch(), secret);
      cleanups.push(servers.stop);
      await raceUnderLoad('sqld', servers.bases);
    },
    60_000 + rounds * 20_000,
  );

  it(
    'across two Node servers sharing one sqld, half the parallel requests to each',
    async () => {
      const sqld = await startSqld({ namespaces: false });
      cleanups.push(sqld.stop);
      const servers = await startNodeServers(sqld.url, 2, scratch(), secret);
      cleanups.push(servers.stop);
      await raceUnderLoad('2 servers on 1 sqld', servers.bases);
    },
    60_000 + rounds * 20_000,
  );
});
