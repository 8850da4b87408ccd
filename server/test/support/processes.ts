import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../../..');

/** A loopback port nobody listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const probe = createServer();
    probe.once('error', fail);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      probe.close(() => (typeof address === 'object' && address ? done(address.port) : fail(new Error('no port'))));
    });
  });
}

/**
 * Runs a TypeScript entry of the repo with Node and tsx as a loader (so killing the process kills the program,
 * unlike the tsx CLI, whose child survives), resolving once it prints `listening on`. `detached` gives it its
 * own process group, for programs that start children of their own (wrangler, workerd).
 */
export async function startScript(
  script: string,
  env: Record<string, string>,
  options: { detached?: boolean; timeoutMs?: number } = {},
): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(repoRoot, script)], {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: options.detached ?? false,
  });
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  await new Promise<void>((ready, fail) => {
    const timer = setTimeout(
      () => fail(new Error(`${script} did not start: ${output.slice(-2000)}`)),
      options.timeoutMs ?? 60_000,
    );
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('listening on')) {
        clearTimeout(timer);
        ready();
      }
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      fail(new Error(`${script} exited with ${code}: ${output.slice(-2000)}`));
    });
  });
  return child;
}
