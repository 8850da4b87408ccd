// `npm run bench` (not part of npm test): Twostep at agency scale against ceilings measured in the same run.
// Seeds 10,000 accounts on a libSQL file, starts the compiled server with plain node, a bare Hono hello-world
// and a raw @libsql/client write loop, loads each with autocannon from its own process, and prints a table of
// req/s, p50 and p99, the ratio to the ceiling and PASS or MISS against the targets of issue 10.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { freePort, repoRoot } from '../test/support/processes.ts';
import { growthAt, importTime, statementProbes, statementsPerRequest } from './in-process.ts';
import { cannon, type Load, memoryOf, startNode, writeCeiling } from './processes.ts';
import { benchSecret, seedTeam } from './seed.ts';

// `npm run bench -- --only report,csv` runs those targets alone (with the ceilings they are measured against).
const targets = ['health', 'member', 'lead', 'report', 'csv', 'phones', 'send', 'verify', 'growth', 'import'] as const;
type Target = (typeof targets)[number];
const onlyArg = process.argv.find((arg) => arg.startsWith('--only'));
const only = onlyArg
  ? new Set(
      (onlyArg.includes('=') ? onlyArg.split('=')[1]! : process.argv[process.argv.indexOf(onlyArg) + 1]!).split(','),
    )
  : null;
for (const name of only ?? []) {
  if (!targets.includes(name as Target)) throw new Error(`--only: ${name} is not one of ${targets.join(', ')}`);
}
const want = (...names: Target[]) => !only || names.some((name) => only.has(name));

const dir = mkdtempSync(join(tmpdir(), 'twostep-bench-'));
const rows: string[][] = [];
const children: { kill: (signal: NodeJS.Signals) => boolean }[] = [];
const row = (...cells: (string | number)[]) => rows.push(cells.map(String));
const ms = (n: number) => `${n.toFixed(n < 10 ? 1 : 0)} ms`;
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
const statuses = (load: Load) =>
  Object.entries(load.statuses)
    .map(([code, n]) => `${n}×${code}`)
    .join(' ');
/** A target on p50 latency: req/s, p50, p99, no ratio, the ceiling, its verdict, the answers. */
const latencyRow = (label: string, load: Load, p50Ms: number, rpsDigits = 0) =>
  row(
    label,
    load.rps.toFixed(rpsDigits),
    ms(load.p50),
    ms(load.p99),
    '',
    `p50 ≤ ${p50Ms} ms`,
    verdict(load.p50 <= p50Ms),
    statuses(load),
  );
const step = (text: string) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${text}`);

try {
  step('seeding 10,000 accounts, 5,000 phones, 200 members, 100,000 events');
  const main = await seedTeam(`file:${join(dir, 'main.db')}`, {
    accounts: 10_000,
    members: 200,
    events: 100_000,
    sendersGrants: 15,
  });

  const skipped = Promise.resolve(null);
  step('ceilings: durable writes, then bare Hono');
  const ceiling = want('send', 'verify') ? await writeCeiling(join(dir, 'ceiling.db')) : null;
  let bare: Load | null = null;
  if (want('health', 'member')) {
    const helloPort = await freePort();
    const hello = await startNode(
      join(repoRoot, 'server/bench/hello.mjs'),
      { PORT: String(helloPort) },
      `http://127.0.0.1:${helloPort}/`,
    );
    children.push(hello.child);
    bare = await cannon({ url: `http://127.0.0.1:${helloPort}/`, connections: 20, duration: 6 });
    hello.child.kill('SIGTERM');
  }

  step('compiled server (node server/dist/node.js)');
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const server = await startNode(
    join(repoRoot, 'server/dist/node.js'),
    {
      PORT: String(port),
      DATABASE_URL: main.url,
      TWOSTEP_SECRET: benchSecret,
      TWOSTEP_DATA_DIR: dir,
      SMS_PROVIDER: 'outbox',
      NODE_ENV: 'production',
    },
    `${base}/v1/health`,
  );
  children.push(server.child);
  const auth = (token: string) => ({ Authorization: `Bearer ${token}` });
  const get = (target: Target, path: string, token: string | null, connections: number, duration = 6) =>
    want(target) ? cannon({ url: base + path, connections, duration, headers: token ? auth(token) : {} }) : skipped;

  const health = await get('health', '/v1/health', null, 20);
  const memberList = await get('member', '/v1/accounts', main.member, 20);
  const firstPage = await get('lead', '/v1/accounts?limit=200', main.owner, 1);
  const report = await get('report', '/v1/reports/two-step', main.owner, 1);
  const csv = await get('csv', '/v1/reports/two-step.csv', main.owner, 1, 8);
  const phones = await get('phones', '/v1/phones', main.owner, 1);

  let send: Load | null = null;
  let verify: Load | null = null;
  if (want('send', 'verify')) {
    step('sends (POST …/unlock) and wrong codes (POST …/verify)');
    const json = { 'Content-Type': 'application/json' };
    const sends = main.senders.flatMap((s) =>
      s.accounts.map((id) => ({ method: 'POST', path: `/v1/accounts/${id}/unlock`, headers: auth(s.token) })),
    );
    await cannon({ url: base, connections: 10, amount: 100, list: sends.slice(0, 100) }, false);
    send = await cannon({ url: base, connections: 10, amount: 1000, list: sends.slice(100, 1100) }, false);
    const reader = createClient({ url: main.url });
    const tokens = new Map(main.senders.map((s) => [s.id, s.token]));
    const challenges = (
      await reader.execute("SELECT id, member_id FROM challenges WHERE purpose = 'unlock' ORDER BY id")
    ).rows;
    reader.close();
    const verifies = challenges.map((c) => ({
      method: 'POST',
      path: `/v1/challenges/${c.id}/verify`,
      headers: { ...json, ...auth(tokens.get(String(c.member_id))!) },
      body: JSON.stringify({ code: '000000' }),
    }));
    // Four wrong codes per challenge (the fifth locks it): every request a counted wrong attempt.
    await cannon({ url: base, connections: 10, amount: 300, list: verifies.slice(0, 300) }, false);
    verify = await cannon(
      { url: base, connections: 10, amount: (verifies.length - 300) * 4, list: verifies.slice(300) },
      false,
    );
  }
  const memory = memoryOf(server.child.pid!);
  step(`loads: ${JSON.stringify({ bare, health, memberList, firstPage, report, csv, phones, send, verify, memory })}`);
  server.child.kill('SIGTERM');

  const growth: Record<number, { report: number; firstPage: number; statements: Record<string, number> }> = {};
  const sized: Record<number, Awaited<ReturnType<typeof seedTeam>>> = {};
  let statements: Record<string, number> = {};
  if (want('growth')) {
    step('statements per request and growth at 1,000 / 10,000 / 100,000 accounts (in process)');
    statements = await statementsPerRequest(main);
    for (const accounts of [1_000, 10_000, 100_000]) {
      step(`  seeding ${accounts} accounts`);
      sized[accounts] = await seedTeam(`file:${join(dir, `growth-${accounts}.db`)}`, {
        accounts,
        members: 20,
        events: 0,
        sendersGrants: 15,
      });
      growth[accounts] = {
        ...(await growthAt(sized[accounts]!)),
        statements: await statementsPerRequest(sized[accounts]!),
      };
    }
  }
  let importEmpty: number | null = null;
  let importFull: number | null = null;
  if (want('import')) {
    step('imports of 5,000 rows');
    const empty = await seedTeam(`file:${join(dir, 'empty.db')}`, {
      accounts: 0,
      members: 10,
      events: 0,
      sendersGrants: 15,
    });
    importEmpty = await importTime(empty, 0);
    sized[10_000] ??= await seedTeam(`file:${join(dir, 'growth-10000.db')}`, {
      accounts: 10_000,
      members: 20,
      events: 0,
      sendersGrants: 15,
    });
    importFull = await importTime(sized[10_000], 0);
  }

  const ratioRow = (label: string, load: Load | null, of: number | undefined, least: number, target: string) => {
    if (!load || of === undefined) return;
    const ratio = load.rps / of;
    row(
      label,
      load.rps.toFixed(0),
      ms(load.p50),
      ms(load.p99),
      ratio.toFixed(2),
      target,
      verdict(ratio >= least),
      statuses(load),
    );
  };
  const figureRow = (label: string, figure: string, peak: string, target: string, ok: boolean) =>
    row(label, '', figure, peak, '', target, verdict(ok), '');
  row('what', 'req/s', 'p50', 'p99', 'ratio', 'target', 'verdict', 'answers');
  const ceilingRow = (label: string, rate: number, p50: number, p99: number, answers: string) =>
    row(label, rate.toFixed(0), ms(p50), ms(p99), '1.00', '', '', answers);
  if (bare) ceilingRow('bare Hono hello-world (ceiling, 20 conn.)', bare.rps, bare.p50, bare.p99, statuses(bare));
  if (ceiling) {
    const { commitsPerSecond, p50, p99 } = ceiling;
    ceilingRow('durable-write loop (ceiling, 1 batch/commit)', commitsPerSecond, p50, p99, '');
  }
  ratioRow('GET /v1/health (20 conn.)', health, bare?.rps, 0.8, '≥ 0.8 of Hono');
  ratioRow('GET /v1/accounts, member 50 of 10,000 (20 conn.)', memberList, bare?.rps, 0.5, '≥ 0.5 of Hono');
  if (firstPage) latencyRow("lead's first page of 200 (1 conn.)", firstPage, 10);
  if (report) latencyRow('report at 10,000 accounts (1 conn.)', report, 50);
  if (csv) latencyRow('full CSV of 10,000 accounts (1 conn.)', csv, 300, 1);
  if (phones) latencyRow('GET /v1/phones first page (1 conn.)', phones, 10);
  ratioRow('POST …/verify, wrong code (10 conn.)', verify, ceiling?.commitsPerSecond, 0.6, '≥ 0.6 of writes');
  ratioRow('POST …/unlock, a send (10 conn.)', send, ceiling?.commitsPerSecond, 0.4, '≥ 0.4 of writes');
  if (importEmpty !== null && importFull !== null) {
    figureRow('import 5,000 rows into an empty team', ms(importEmpty), '', '≤ 3,000 ms', importEmpty <= 3000);
    figureRow('import 5,000 rows into 10,000 accounts', ms(importFull), '', '≤ 3,000 ms', importFull <= 3000);
  }
  if (want('growth')) {
    const growthRatio = growth[100_000]!.report / growth[10_000]!.report;
    row(
      'report at 100,000 / at 10,000 (in process)',
      '',
      ms(growth[100_000]!.report),
      '',
      growthRatio.toFixed(1),
      '≤ 10×',
      verdict(growthRatio <= 10),
      '',
    );
  }
  if (!only) {
    figureRow(
      'server RSS after the load (peak)',
      `${memory.rss.toFixed(0)} MB`,
      `${memory.peak.toFixed(0)} MB`,
      '≤ 150 MB',
      memory.rss <= 150,
    );
  }
  figureRow(
    'cold start to the first 200 (node server/dist/node.js)',
    ms(server.coldStartMs),
    '',
    '≤ 1,000 ms',
    server.coldStartMs <= 1000,
  );

  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
  const line = (r: string[]) => `| ${r.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(rows[0]!));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows.slice(1)) console.log(line(r));

  if (want('growth')) {
    console.log('\nGrowth (in process, p50): accounts | report | lead first page of 200');
    for (const [accounts, g] of Object.entries(growth))
      console.log(`  ${accounts.padStart(7)} | ${ms(g.report).padStart(8)} | ${ms(g.firstPage).padStart(8)}`);
    console.log('\nSQL statements per request at 1,000 / 10,000 / 100,000 accounts (main team of 10,000)');
    for (const [name] of statementProbes(main))
      console.log(
        `  ${name.padEnd(40)} ${[1_000, 10_000, 100_000].map((n) => growth[n]!.statements[name]).join(' / ')}  (${statements[name]})`,
      );
  }
} finally {
  for (const child of children) child.kill('SIGTERM');
  rmSync(dir, { recursive: true, force: true });
}
