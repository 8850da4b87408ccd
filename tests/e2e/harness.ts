import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type BrowserContext, chromium, type Worker } from 'playwright-core';

export const root = resolve(import.meta.dirname, '../..');
/** The extension as the end-to-end tests build it: WXT's mode `e2e` (its own output dir; see buildExtension). */
export const extensionDir = join(root, 'extension/.output/chrome-mv3-e2e');
const chromiumPath = '/usr/bin/chromium';

export function tempDir(prefix: string): { path: string; remove: () => void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Runs a command to its end; rejects with its output when it fails. */
export function run(command: string, args: string[], cwd: string, env?: NodeJS.ProcessEnv): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk));
    child.on('error', fail);
    child.on('close', (code) => (code === 0 ? done() : fail(new Error(`${command} exited ${code}:\n${output}`))));
  });
}

/**
 * The built Chrome extension, by WXT's own CLI (what `npm run build:chrome -w extension` runs) in mode `e2e`: the
 * release build (NODE_ENV production) plus the test hook on the service worker's scope (entrypoints/background.ts),
 * into .output/chrome-mv3-e2e, so a test build is never the one `npm start` or a release loads.
 */
export const buildExtension = () =>
  run(
    process.execPath,
    [join(root, 'node_modules/wxt/bin/wxt.mjs'), 'build', '--mode', 'e2e'],
    join(root, 'extension'),
    // A mode other than production would otherwise build Preact's development JSX and devtools.
    { ...process.env, NODE_ENV: 'production' },
  );

/** A loopback port nobody listens on (for the "server unreachable" case). */
export function closedPort(): Promise<number> {
  return new Promise((done) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => done(port));
    });
  });
}

export type RunningServer = { url: string; stop: () => Promise<void> };
/** Registers a cleanup the moment its resource exists, so a setup that fails later still ends it. */
export type Defer = (cleanup: () => unknown) => void;

/** Rejects with `what` when `promise` takes longer than `ms`. */
export function within<T>(ms: number, what: string, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, fail) => {
    timer = setTimeout(() => fail(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

/**
 * The real Node entry in its own process (node --import tsx, not the tsx CLI, so a kill ends the server itself),
 * on a port the OS picks, with a temp libSQL file and the outbox SMS provider. Its stop is deferred as soon as
 * the process exists; it must say where it listens within `startMs`.
 */
export async function startServer(dataDir: string, defer: Defer, startMs = 30_000): Promise<RunningServer> {
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', join(root, 'server/src/node.ts')], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: 'development',
      HOST: '127.0.0.1',
      PORT: '0',
      DATABASE_URL: `file:${join(dataDir, 'twostep.db')}`,
      TWOSTEP_DATA_DIR: dataDir,
      SMS_PROVIDER: 'outbox',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stop = () =>
    new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('close', () => done());
      child.kill('SIGTERM');
    });
  defer(stop);
  let output = '';
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk));
  const listening = new Promise<string>((ready, fail) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      output += chunk;
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match) ready(match[1]!);
    });
    child.on('error', fail);
    child.on('close', (code) => fail(new Error(`the server exited with ${code}:\n${output.slice(-2000)}`)));
  });
  const url = await within(startMs, 'the server start-up', listening);
  return { url, stop };
}

/** A JSON client for setting up data over HTTP, as the README's curl walk-through does. */
export function httpClient(base: string) {
  return async function call<T = Record<string, unknown>>(
    method: string,
    path: string,
    token?: string,
    body?: unknown,
  ): Promise<T> {
    const response = await fetch(base + path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'Content-Type': 'application/json' }),
        ...(token ? { Authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };
}

/**
 * Chromium with the unpacked extension, as STACK.md says: Debian's binary, extensions allowed, no network
 * chatter, a fresh profile. The extension id comes from its service worker's URL.
 */
export async function launchBrowser(
  profileDir: string,
  defer: Defer,
): Promise<{ context: BrowserContext; worker: Worker; id: string }> {
  if (!existsSync(chromiumPath)) throw new Error(`No Chromium at ${chromiumPath}: apt-get install -y chromium`);
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: chromiumPath,
    headless: true,
    ignoreDefaultArgs: ['--disable-extensions'],
    args: [
      `--disable-extensions-except=${extensionDir}`,
      `--load-extension=${extensionDir}`,
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
    viewport: { width: 360, height: 600 },
  });
  defer(() => context.close());
  const worker =
    context.serviceWorkers().find((each) => each.url().startsWith('chrome-extension://')) ??
    (await context.waitForEvent('serviceworker', {
      predicate: (each) => each.url().startsWith('chrome-extension://'),
      timeout: 15_000,
    }));
  const id = new URL(worker.url()).host;
  return { context, worker, id };
}
