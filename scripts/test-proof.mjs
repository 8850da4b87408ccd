// `npm run test:proof`: the long forms of the proofs (kill -9 x20, 3,000 hostile requests, 40 fast-check runs over
// a slow uplink, provider faults, backup under writes, retries in workerd, 10 rounds of races under load on a file,
// on sqld and across two servers on one sqld), one file after another, then a table of
// the figures each printed. `npm test` runs the same files in their short forms.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const root = resolve(import.meta.dirname, '..');
const figures = join(tmpdir(), `twostep-proof-${process.pid}.jsonl`);
rmSync(figures, { force: true });
const files = ['keep-alive', 'crash', 'twilio', 'provider-faults', 'backup', 'serve-worker', 'races-under-load'].map(
  (name) => `server/test/node/${name}.test.ts`,
);
const started = Date.now();
const run = spawnSync(
  process.execPath,
  [join(root, 'node_modules/vitest/vitest.mjs'), 'run', '--project', 'server', '--no-file-parallelism', ...files],
  {
    cwd: root,
    stdio: 'inherit',
    env: {
      ...process.env,
      PROOF_FIGURES: figures,
      CRASH_KILLS: '20',
      FUZZ_RUNS: '40',
      KEEP_ALIVE_REQUESTS: '3000',
      RACE_ROUNDS: '10',
    },
  },
);
const rows = existsSync(figures)
  ? readFileSync(figures, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line))
  : [];
console.log('\n| proof | figures |\n| --- | --- |');
for (const { proof, figures: values } of rows) {
  console.log(
    `| ${proof} | ${Object.entries(values)
      .map(([name, value]) => `${name}: ${value}`)
      .join(', ')} |`,
  );
}
console.log(
  `\n${run.status === 0 ? 'all proofs hold' : 'A PROOF FAILED'} (${Math.round((Date.now() - started) / 1000)} s)`,
);
rmSync(figures, { force: true });
process.exit(run.status ?? 1);
