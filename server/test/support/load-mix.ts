import type { LoadTeam } from './load-seed.ts';

// Mixed traffic as a team makes it: lists, reports, backup-code reveals, and sends (an unlock code, read from the
// dev outbox, verified). Every answer must be the one the contract gives; anything else is an error.

/** Sends a phone takes in this run: under the 5 an hour of DESIGN.md, so no send meets a budget. */
const sendsPerPhone = 4;
const sendsPerLead = 190;
const unlockedForMs = 13 * 60_000;

export type Tally = {
  requests: number;
  errors: string[];
  latencies: number[];
  /** Latencies by request kind (method and path, ids cut). */
  byKind: Map<string, number[]>;
  sends: number;
  reveals: number;
};

export function newTally(): Tally {
  return { requests: 0, errors: [], latencies: [], byKind: new Map(), sends: 0, reveals: 0 };
}

export function loadMix(port: number, team: LoadTeam) {
  const base = `http://127.0.0.1:${port}`;
  const free = team.accounts.map((account) => ({ ...account, sends: 0 }));
  const leadSends = new Map(team.leads.map((lead) => [lead.token, 0]));
  const unlocked: { token: string; accountId: string; until: number }[] = [];
  const remaining = new Map(team.accounts.map((account) => [account.id, 50]));
  const pick = <T>(items: T[]) => items[Math.floor(Math.random() * items.length)]!;

  async function call(tally: Tally, method: string, path: string, token: string, expected: number, body?: unknown) {
    const started = performance.now();
    tally.requests++;
    try {
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
      });
      const text = await response.text();
      const took = performance.now() - started;
      tally.latencies.push(took);
      const kind = `${method} ${path.split('?')[0]!.replace(/\/[0-9a-z]{20,}|\/seed-\d+/g, '/:id')}`;
      tally.byKind.set(kind, [...(tally.byKind.get(kind) ?? []), took]);
      if (/SQLITE_BUSY|database is locked/i.test(text)) throw new Error(`SQLITE_BUSY reached the client: ${text}`);
      if (response.status !== expected) throw new Error(`${response.status} ${text.slice(0, 200)}`);
      // biome-ignore lint/suspicious/noExplicitAny: the contract's JSON, read field by field below.
      return JSON.parse(text) as any;
    } catch (error) {
      const cause = (error as { cause?: { code?: string } }).cause?.code;
      tally.errors.push(`${method} ${path.split('?')[0]}: ${cause ?? (error as Error).message}`);
      return undefined;
    }
  }

  const list = (tally: Tally, path: string) => call(tally, 'GET', path, pick(team.leads).token, 200);

  /** A send: an unlock code to the account's phone, read from the outbox, verified; then reveals may follow. */
  async function send(tally: Tally): Promise<boolean> {
    const index = free.findIndex((account) => account.sends < sendsPerPhone);
    const lead = team.leads.find((l) => (leadSends.get(l.token) ?? 0) < sendsPerLead);
    if (index < 0 || !lead) return false;
    const [account] = free.splice(index, 1);
    account!.sends++;
    leadSends.set(lead.token, (leadSends.get(lead.token) ?? 0) + 1);
    try {
      const since = Date.now() - 1_000;
      const started = await call(tally, 'POST', `/v1/accounts/${account!.id}/unlock`, lead.token, 202);
      if (!started) return true;
      tally.sends++;
      let code: string | undefined;
      for (let tries = 0; !code && tries < 100; tries++) {
        const outbox = await call(tally, 'GET', '/v1/dev/outbox', team.ownerToken, 200);
        const message = outbox?.messages.find(
          (m: { to: string; at: string }) => m.to === account!.number && Date.parse(m.at) >= since,
        );
        code = message?.body.match(/Code (\d{6})/)?.[1];
        if (!code) await new Promise((done) => setTimeout(done, 50));
      }
      if (!code) {
        tally.errors.push(`no code in the outbox for ${account!.number}`);
        return true;
      }
      const verified = await call(tally, 'POST', `/v1/challenges/${started.challenge.id}/verify`, lead.token, 200, {
        code,
      });
      if (verified) unlocked.push({ token: lead.token, accountId: account!.id, until: Date.now() + unlockedForMs });
      return true;
    } finally {
      free.push(account!);
    }
  }

  async function reveal(tally: Tally): Promise<boolean> {
    const open = unlocked.filter((u) => u.until > Date.now() && (remaining.get(u.accountId) ?? 0) > 0);
    if (open.length === 0) return false;
    const chosen = pick(open);
    remaining.set(chosen.accountId, (remaining.get(chosen.accountId) ?? 1) - 1);
    const path = `/v1/accounts/${chosen.accountId}/backup-codes/reveal`;
    const answer = await call(tally, 'POST', path, chosen.token, 200, { reason: 'load test' });
    if (answer) tally.reveals++;
    return true;
  }

  /** One operation of the mix, by weight: lists 60, reports 5, reveals 25, sends 10. */
  async function operation(tally: Tally): Promise<void> {
    const roll = Math.random() * 100;
    if (roll < 30) return void (await list(tally, '/v1/accounts?limit=50'));
    if (roll < 45) return void (await list(tally, '/v1/events?limit=50'));
    if (roll < 60) return void (await list(tally, '/v1/phones?limit=50'));
    if (roll < 65) return void (await list(tally, '/v1/reports/two-step?limit=50'));
    if (roll < 90 && (await reveal(tally))) return;
    // A send, or (when every phone has had its sends this run) a list in its place.
    if (!(await send(tally))) await list(tally, '/v1/accounts?limit=50');
  }

  return { operation, sendsLeft: () => free.reduce((n, account) => n + sendsPerPhone - account.sends, 0) };
}
