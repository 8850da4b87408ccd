import { fileURLToPath } from 'node:url';
import { cloudflareTest, readD1Migrations } from '@cloudflare/vitest-pool-workers';
import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing/vitest-plugin';

const serverTests = ['server/test/**/*.test.ts', 'server/src/**/*.test.ts'];
const integrationTests = ['server/test/integration/**/*.test.ts'];
const serverPath = (path: string) => fileURLToPath(new URL(`./server/${path}`, import.meta.url));
const extensionDir = fileURLToPath(new URL('./extension', import.meta.url));

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'shared', include: ['shared/**/*.test.ts'] } },
      {
        test: {
          name: 'server',
          include: serverTests,
          exclude: ['server/test/workerd/**', '**/node_modules/**'],
          env: { TEST_DB: 'memory' },
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'server-file',
          include: integrationTests,
          env: { TEST_DB: 'file' },
          testTimeout: 60_000,
        },
      },
      // A real libSQL server: sqld started by the global setup, a fresh namespace per harness.
      {
        test: {
          name: 'server-sqld',
          include: integrationTests,
          env: { TEST_DB: 'sqld' },
          globalSetup: [serverPath('test/sqld-setup.ts')],
          testTimeout: 60_000,
        },
      },
      // Inside workerd with local D1, as on Cloudflare Workers: the same integration tests (the harness's database
      // module swapped for test/databases/workerd.ts), and test/workerd/ for the Workers entry itself.
      {
        plugins: [
          cloudflareTest(async () => ({
            wrangler: { configPath: serverPath('wrangler.jsonc') },
            miniflare: {
              d1Databases: ['DB_1', 'DB_2', 'DB_3', 'DB_4'],
              bindings: { TEST_MIGRATIONS: await readD1Migrations(serverPath('migrations')) },
            },
          })),
        ],
        resolve: { alias: { './databases/node.ts': serverPath('test/databases/workerd.ts') } },
        test: {
          name: 'server-workerd',
          include: [...integrationTests, 'server/test/workerd/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      // The extension's units with WXT's fake browser; root given so `@/…` and auto-imports resolve from here.
      {
        plugins: [WxtVitest({ root: extensionDir })],
        test: {
          name: 'extension',
          include: ['extension/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/.output/**'],
        },
      },
      // The built extension in real Chromium against the real Node server (tests/e2e/).
      {
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          // Each file builds the extension into the same folder: one file at a time.
          fileParallelism: false,
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
});
