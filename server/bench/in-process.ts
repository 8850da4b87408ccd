// In-process figures on a file database: how the report and the lead's first page grow with the team, how many
// SQL statements each request runs (constant, no N+1), and imports of 5,000 rows.
import type { Client } from '@libsql/client';
import { drizzle } from 'drizzle-orm/libsql';
import { createApp } from '../src/app.ts';
import * as schema from '../src/db/schema.ts';
import { benchDeps, mobile, type Seeded } from './seed.ts';

/** The app over a client that counts the statements it is sent (a batch counts each of its statements). */
export async function countingApp(url: string) {
  const { deps, client, close } = await benchDeps(url);
  const counter = { statements: 0 };
  const counting = new Proxy(client, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver);
      if (name === 'execute')
        return (...args: unknown[]) => {
          counter.statements++;
          return (value as Client['execute']).apply(target, args as Parameters<Client['execute']>);
        };
      if (name === 'batch')
        return (statements: unknown[], mode?: unknown) => {
          counter.statements += statements.length;
          return (value as Client['batch']).call(target, statements as never, mode as never);
        };
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  const app = createApp({ ...deps, db: drizzle(counting, { schema }) });
  const call = async (path: string, token: string, init: RequestInit = {}) => {
    const response = await app.request(path, {
      ...init,
      headers: { Authorization: `Bearer ${token}`, ...init.headers },
    });
    await response.arrayBuffer();
    if (response.status >= 300) throw new Error(`${path}: ${response.status}`);
  };
  return { call, counter, close };
}

export async function timed(runs: number, task: () => Promise<unknown>) {
  for (let i = 0; i < 3; i++) await task();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await task();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export const statementProbes = (seeded: Seeded) =>
  [
    ['GET /v1/health', '/v1/health', seeded.owner],
    ['GET /v1/me', '/v1/me', seeded.owner],
    ['GET /v1/accounts (lead, 200)', '/v1/accounts?limit=200', seeded.owner],
    ['GET /v1/accounts (member, 50 granted)', '/v1/accounts', seeded.member],
    ['GET /v1/reports/two-step', '/v1/reports/two-step', seeded.owner],
    ['GET /v1/reports/two-step.csv', '/v1/reports/two-step.csv', seeded.owner],
    ['GET /v1/phones', '/v1/phones', seeded.owner],
    ['GET /v1/events', '/v1/events', seeded.owner],
  ] as const;

export async function statementsPerRequest(seeded: Seeded) {
  const app = await countingApp(seeded.url);
  const counts: Record<string, number> = {};
  for (const [name, path, token] of statementProbes(seeded)) {
    app.counter.statements = 0;
    await app.call(path, token);
    counts[name] = app.counter.statements;
  }
  app.close();
  return counts;
}

/** One team's figures at its size: report and lead's first page p50 (ms), in process. */
export async function growthAt(seeded: Seeded) {
  const app = await countingApp(seeded.url);
  const report = await timed(5, () => app.call('/v1/reports/two-step', seeded.owner));
  const firstPage = await timed(9, () => app.call('/v1/accounts?limit=200', seeded.owner));
  app.close();
  return { report, firstPage };
}

export function importCsv(rows: number, offset: number) {
  const lines = ['platform,handle,client,loginName,phone,phoneHolder'];
  for (let i = 0; i < rows; i++)
    lines.push(
      `instagram,import${offset + i},Import ${i % 40},login${i},${i % 2 ? '' : mobile(5_000_000 + offset + i)},`,
    );
  return `${lines.join('\n')}\n`;
}

/** Time of one import of 5,000 new rows through POST /v1/accounts/import. */
export async function importTime(seeded: Seeded, offset: number) {
  const app = await countingApp(seeded.url);
  const body = importCsv(5000, offset);
  const started = performance.now();
  await app.call('/v1/accounts/import', seeded.owner, {
    method: 'POST',
    headers: { 'Content-Type': 'text/csv' },
    body,
  });
  const ms = performance.now() - started;
  app.close();
  return ms;
}
