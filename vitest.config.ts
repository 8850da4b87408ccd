import { defineConfig } from 'vitest/config';

const serverTests = ['server/test/**/*.test.ts', 'server/src/**/*.test.ts'];

export default defineConfig({
  test: {
    projects: [
      { test: { name: 'shared', include: ['shared/**/*.test.ts'] } },
      { test: { name: 'server', include: serverTests, env: { TEST_DB: 'memory' }, testTimeout: 30_000 } },
      {
        test: {
          name: 'server-file',
          include: ['server/test/integration/**/*.test.ts'],
          env: { TEST_DB: 'file' },
          testTimeout: 60_000,
        },
      },
    ],
  },
});
