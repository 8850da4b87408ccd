import type { ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { afterEach, describe, expect, it } from 'vitest';
import { reportFigure } from '../support/figures.ts';
import { freePort, startScript } from '../support/processes.ts';
import { startTwilioStandIn } from '../support/twilio-stand-in.ts';

const cleanups: (() => unknown)[] = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));
/** Kills in `npm test`; `npm run test:proof` sets CRASH_KILLS=20. */
const kills = Number(process.env.CRASH_KILLS ?? 4);

/** A challenge the client saw accepted; its code is in the first message to its number, after `mark`, saying `asks`. */
type Seen = { id: string; accountId: string; number: string; purpose: 'enroll' | 'unlock'; mark: number; asks: string };

describe('a crash loses no message and sends none twice', () => {
  it(
    `${kills} kill -9 during enrollments, unlocks and verifies: every accepted code delivered once, database whole`,
    async () => {
      const standIn = await startTwilioStandIn();
      cleanups.push(() => standIn.close());
      // Twilio takes each message 80 ms before it answers: a kill in that window is the duplicate window.
      standIn.state.answerDelayMs = 80;
      const dir = mkdtempSync(join(tmpdir(), 'twostep-crash-'));
      cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
      const port = await freePort();
      const base = `http://127.0.0.1:${port}`;
      const env = {
        PORT: String(port),
        DATABASE_URL: `file:${join(dir, 'crash.db')}`,
        TWOSTEP_DATA_DIR: dir,
        SMS_PROVIDER: 'twilio',
        TWILIO_ACCOUNT_SID: standIn.credentials.sid,
        TWILIO_AUTH_TOKEN: standIn.credentials.token,
        TWILIO_FROM: '+15005550006',
        TWILIO_API_BASE: standIn.url,
      };
      let server: ChildProcess = await startScript('server/src/node.ts', env);
      cleanups.push(() => server.kill('SIGKILL'));
      const call = async (method: string, path: string, token?: string, body?: unknown) => {
        const response = await fetch(base + path, {
          method,
          headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
        // biome-ignore lint/suspicious/noExplicitAny: the test reads contract answers loosely.
        return { status: response.status, body: (await response.json().catch(() => null)) as Record<string, any> };
      };
      const owner = await call('POST', '/v1/setup', undefined, {
        team: 'Crash',
        name: 'Olivia',
        email: 'o@c.test',
        password: 'crash password 1',
      });
      const token = owner.body.token as string;

      const accepted: Seen[] = [];
      const verified = new Set<string>();
      const enrolled: Seen[] = [];
      // One unlock at a time per account, so no code is entered into the wrong challenge (that would lock it).
      const busy = new Set<string>();
      let made = 0;
      const codeFor = (seen: Seen) => {
        const sms = standIn.received.slice(seen.mark).find((m) => m.to === seen.number && m.body.includes(seen.asks));
        return /Code (\d{6})/.exec(sms?.body ?? '')?.[1];
      };
      const enroll = async () => {
        const n = made++;
        const account = await call('POST', '/v1/accounts', token, { platform: 'instagram', handle: `crash${n}` });
        if (account.status !== 201) return true;
        const accountId = account.body.account.id as string;
        const number = `+4915123${String(400_000 + n).padStart(6, '0')}`;
        const mark = standIn.received.length;
        const started = await call('POST', `/v1/accounts/${accountId}/two-step`, token, { number });
        const id = started.body?.challenge?.id as string;
        if (started.status === 202)
          accepted.push({ id, accountId, number, purpose: 'enroll', mark, asks: 'to protect' });
        return true;
      };
      const verifyOne = async () => {
        const open = accepted.filter((seen) => !verified.has(seen.id) && codeFor(seen));
        const seen = open[randomInt(Math.max(open.length, 1))];
        if (!seen) return false;
        const answer = await call('POST', `/v1/challenges/${seen.id}/verify`, token, { code: codeFor(seen) });
        if (answer.status !== 200) return true;
        verified.add(seen.id);
        if (seen.purpose === 'enroll') enrolled.push(seen);
        else busy.delete(seen.accountId);
        return true;
      };
      const unlock = async () => {
        const free = enrolled.filter((seen) => !busy.has(seen.accountId));
        const seen = free[randomInt(Math.max(free.length, 1))];
        if (!seen) return false;
        // Busy until its code is entered; for good when no answer came (a challenge may then exist unseen).
        busy.add(seen.accountId);
        const mark = standIn.received.length;
        const started = await call('POST', `/v1/accounts/${seen.accountId}/unlock`, token);
        const id = started.body?.challenge?.id as string;
        if (started.status === 202) accepted.push({ ...seen, id, purpose: 'unlock', mark, asks: 'to sign in' });
        return true;
      };

      for (let round = 0; round < kills; round++) {
        let running = true;
        const lanes = Array.from({ length: 6 }, async () => {
          while (running) {
            const step = [enroll, verifyOne, unlock][randomInt(3)]!;
            // A step with nothing to do yet (no code arrived, nothing enrolled) enrolls instead: every turn waits on I/O.
            await step()
              .then((done) => done || enroll())
              .catch(() => undefined);
          }
        });
        await sleep(1_500 + randomInt(1_500));
        server.kill('SIGKILL');
        running = false;
        await Promise.allSettled(lanes);
        server = await startScript('server/src/node.ts', env);
      }

      const db = createClient({ url: env.DATABASE_URL });
      cleanups.push(() => db.close());
      const rows = async (query: string) => (await db.execute(query)).rows;
      const count = async (query: string) => Number((await rows(query))[0]?.n);
      // As if every lease a killed server held had run out: the sweep (every 2 s) takes those rows again.
      await db.execute("UPDATE outbox SET lease_until = NULL WHERE status = 'queued'");
      for (let i = 0; i < 60; i++) {
        if ((await count("SELECT count(*) AS n FROM outbox WHERE status = 'queued'")) === 0) break;
        await sleep(500);
      }

      expect((await rows('PRAGMA integrity_check'))[0]?.integrity_check).toBe('ok');
      expect(await rows('PRAGMA foreign_key_check')).toHaveLength(0);
      // Every challenge the client saw accepted had its code delivered, by a message Twilio took.
      expect(accepted.length).toBeGreaterThan(0);
      const sids = new Set(standIn.accepted.map((message) => message.sid));
      const outbox = await rows(
        "SELECT o.challenge_id, o.status, o.provider_id, o.last_error, o.tries, c.status AS challenge FROM outbox o JOIN challenges c ON c.id = o.challenge_id WHERE o.kind = 'code'",
      );
      const byChallenge = new Map(outbox.map((row) => [String(row.challenge_id), row]));
      for (const seen of accepted) {
        expect(byChallenge.get(seen.id)?.status, JSON.stringify({ ...seen, row: byChallenge.get(seen.id) })).toBe(
          'sent',
        );
        expect(sids.has(String(byChallenge.get(seen.id)?.provider_id))).toBe(true);
      }
      // No message twice: every body (it holds its code) reached Twilio once.
      const bodies = standIn.received.map((message) => `${message.to} ${message.body}`);
      const duplicates = bodies.length - new Set(bodies).size;
      expect(duplicates).toBe(0);
      // Each change has its audit event and each event its change (same batch, so a kill keeps both or neither).
      const unpaired = [
        "SELECT count(*) AS n FROM accounts a WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.action = 'account.created' AND e.account_id = a.id)",
        "SELECT count(*) AS n FROM events e WHERE e.action = 'account.created' AND NOT EXISTS (SELECT 1 FROM accounts a WHERE a.id = e.account_id)",
        "SELECT count(*) AS n FROM enrollments x WHERE NOT EXISTS (SELECT 1 FROM events e WHERE e.action = 'two_step.enabled' AND e.account_id = x.account_id)",
        "SELECT count(*) AS n FROM events e WHERE e.action = 'two_step.enabled' AND NOT EXISTS (SELECT 1 FROM enrollments x WHERE x.account_id = e.account_id)",
        "SELECT count(*) AS n FROM challenges c WHERE c.status = 'verified' AND NOT EXISTS (SELECT 1 FROM events e WHERE e.action = 'challenge.verified' AND e.target = c.id)",
        "SELECT count(*) AS n FROM events e WHERE e.action = 'challenge.verified' AND NOT EXISTS (SELECT 1 FROM challenges c WHERE c.id = e.target AND c.status = 'verified')",
        "SELECT count(*) AS n FROM outbox o WHERE o.status = 'sent' AND o.kind = 'code' AND NOT EXISTS (SELECT 1 FROM events e WHERE e.action = 'sms.sent' AND e.target = o.phone_id)",
      ];
      for (const query of unpaired) expect(await count(query), query).toBe(0);
      const pairs = [
        [
          "SELECT count(*) AS n FROM challenges WHERE purpose = 'enroll'",
          "SELECT count(*) AS n FROM events WHERE action = 'two_step.enroll_requested'",
        ],
        [
          "SELECT count(*) AS n FROM challenges WHERE purpose = 'unlock'",
          "SELECT count(*) AS n FROM events WHERE action = 'unlock.requested'",
        ],
        ['SELECT count(*) AS n FROM unlocks', "SELECT count(*) AS n FROM events WHERE action = 'unlock.granted'"],
        [
          "SELECT count(*) AS n FROM outbox WHERE status = 'sent'",
          "SELECT count(*) AS n FROM events WHERE action = 'sms.sent'",
        ],
      ];
      for (const [changes, events] of pairs) expect(await count(changes!), changes).toBe(await count(events!));
      // Every verify the client saw succeed stuck.
      for (const id of verified) expect(byChallenge.has(id)).toBe(true);
      const verifiedRows = await count(
        `SELECT count(*) AS n FROM challenges WHERE status = 'verified' AND id IN (${[...verified].map((id) => `'${id}'`).join(',') || "''"})`,
      );
      expect(verifiedRows).toBe(verified.size);

      reportFigure('crash', {
        kills,
        'challenges accepted': accepted.length,
        'codes verified': verified.size,
        'SMS delivered': standIn.received.length,
        'asked Twilio first': standIn.state.lookups,
        duplicates,
      });
    },
    60_000 + kills * 15_000,
  );
});
