// Child processes of the bench: the servers under load, the load generator and the write ceiling.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from '../test/support/processes.ts';

const run = promisify(execFile);
let runs = 0;
const here = join(repoRoot, 'server/bench');

export type Load = {
  rps: number;
  total: number;
  p50: number;
  p99: number;
  errors: number;
  statuses: Record<string, number>;
};

/** autocannon from a separate process; a warm-up run first unless `warm` is false. */
export async function cannon(options: Record<string, unknown>, warm = true): Promise<Load> {
  if (warm) {
    const { amount: _a, list: _l, ...rest } = options;
    if (!options.list) await cannon({ ...rest, duration: 2 }, false);
  }
  const file = join(tmpdir(), `twostep-cannon-${process.pid}-${++runs}.json`);
  writeFileSync(file, JSON.stringify(options));
  const { stdout } = await run(process.execPath, [join(here, 'cannon.mjs'), file], { maxBuffer: 1 << 24 }).finally(() =>
    rmSync(file, { force: true }),
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Load;
}

export async function writeCeiling(file: string) {
  const { stdout } = await run(process.execPath, [join(here, 'write-ceiling.mjs'), file, '6']);
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as { commitsPerSecond: number; p50: number; p99: number };
}

/** Starts `node <script>` and resolves with it and the time to its first 200 on `probe`. */
export async function startNode(script: string, env: Record<string, string>, probe: string) {
  const started = performance.now();
  // BENCH_CPU_PROF=<dir>: the servers write a CPU profile there when they stop (`node --cpu-prof`).
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const child: ChildProcess = spawn(process.execPath, [...profile, script], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited with ${child.exitCode}`);
    try {
      if ((await fetch(probe)).status === 200) break;
    } catch {}
    if (performance.now() - started > 30_000) throw new Error(`${script} did not answer ${probe}`);
    await new Promise((done) => setTimeout(done, 5));
  }
  return { child, coldStartMs: performance.now() - started };
}

/** Resident memory of a process now and at its peak, in MB (Linux). */
export function memoryOf(pid: number) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) / 1024;
  return { rss: kb('VmRSS'), peak: kb('VmHWM') };
}

export { here };
