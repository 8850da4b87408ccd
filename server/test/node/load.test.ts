import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { testSecret } from '../harness.ts';
import { reportFigure } from '../support/figures.ts';
import { loadMix } from '../support/load-mix.ts';
import { highestSustainedRate, runAtRate, type Step } from '../support/load-rate.ts';
import { type LoadTeam, seedLoadTeam } from '../support/load-seed.ts';
import { freePort, startScript } from '../support/processes.ts';

// The long form (npm run test:proof) runs LOAD_SECONDS=120 on a bigger team; npm test a short one.
const seconds = Number(process.env.LOAD_SECONDS ?? 8);
const long = seconds >= 60;
const size = long ? { accounts: 200, leads: 6 } : { accounts: 60, leads: 2 };

let server: ChildProcess;
let port: number;
let dir: string;
let team: LoadTeam;
const logLines: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'twostep-load-'));
  const url = `file:${join(dir, 'load.db')}`;
  team = await seedLoadTeam(url, size);
  port = await freePort();
  server = await startScript('server/src/node.ts', {
    PORT: String(port),
    DATABASE_URL: url,
    TWOSTEP_DATA_DIR: dir,
    TWOSTEP_SECRET: testSecret,
    SMS_PROVIDER: 'outbox',
  });
  const collect = (chunk: Buffer) => logLines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
  server.stdout?.on('data', collect);
  server.stderr?.on('data', collect);
}, 120_000);
afterAll(() => {
  server?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** The server process's resident memory, in MiB (Linux). */
const rssMiB = () => {
  const status = readFileSync(`/proc/${server.pid}/status`, 'utf8');
  return Number(status.match(/VmRSS:\s+(\d+) kB/)![1]) / 1024;
};
/** The server process's CPU time so far (user and system), in ms: clock ticks of 10 ms in /proc. */
const cpuMs = () => {
  const fields = readFileSync(`/proc/${server.pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
const describeStep = (s: Step) =>
  `${s.opsPerSecond} ops/s: ${s.requestsPerSecond} req/s, p50 ${s.p50} ms, p99 ${s.p99} ms, server CPU ${s.serverCpuPercent} %` +
  `${s.saturated ? ', fell behind' : ''}${s.tally.errors.length ? `, ${s.tally.errors.length} errors` : ''}`;

describe('mixed traffic (lists, reports, reveals, sends and verifies) at the highest rate the machine sustains', () => {
  it(`runs ${seconds} s at that rate with 0 errors, no SQLITE_BUSY, and memory flat`, async () => {
    const mix = loadMix(port, team);
    const stepping = await highestSustainedRate(mix.operation, {
      from: long ? 10 : 15,
      stepSeconds: long ? 6 : 2,
      maxSteps: long ? 10 : 4,
      cpuMs,
    });
    for (const step of stepping.steps) console.log(`[load] step ${describeStep(step)}`);
    for (const [kind, times] of stepping.steps.at(-1)!.tally.byKind)
      console.log(
        `[load]   ${kind}: ${times.length}, median ${Math.round(times.sort((a, b) => a - b)[times.length >> 1]!)} ms`,
      );
    // No wrong answer at any rate, not even past the one the machine keeps up with.
    expect(stepping.steps.flatMap((s) => s.tally.errors)).toEqual([]);
    expect(stepping.rate, 'no rate was sustained').toBeGreaterThan(0);

    const load = loadavg()[0]!;
    const warm = rssMiB();
    const run = await runAtRate(mix.operation, stepping.rate, seconds, cpuMs);
    const end = rssMiB();
    console.log(`[load] run ${describeStep(run)}`);

    expect(run.tally.errors.slice(0, 20)).toEqual([]);
    expect(logLines.filter((line) => /SQLITE_BUSY|database is locked|^error /i.test(line))).toEqual([]);
    expect(run.tally.sends).toBeGreaterThan(0);
    expect(run.tally.reveals).toBeGreaterThan(0);
    expect(end / warm).toBeLessThan(1.2);
    expect(end / warm).toBeGreaterThan(0.8);
    reportFigure(`load, ${seconds} s of mixed traffic`, {
      'rate (ops/s)': stepping.rate,
      'requests/s': run.requestsPerSecond,
      requests: run.tally.requests,
      sends: run.tally.sends,
      reveals: run.tally.reveals,
      errors: run.tally.errors.length,
      'p50 / p99 (ms)': `${run.p50} / ${run.p99}`,
      'RSS warm → end (MiB)': `${warm.toFixed(0)} → ${end.toFixed(0)}`,
      'load average (1 min) before → after': `${load.toFixed(2)} → ${loadavg()[0]!.toFixed(2)}`,
      'server CPU (100 % = a core)': `${run.serverCpuPercent} %`,
      // Sends left in the phones' budgets at the end: at 0, lists stood in for the sends the mix asked for.
      'sends left in budget': mix.sendsLeft(),
      'kept up': run.saturated ? 'no' : 'yes',
    });
  }, 900_000);
});
