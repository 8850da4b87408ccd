// `npm run restore -- BACKUP`: puts a backup made by `npm run backup` in place of the libSQL file in DATABASE_URL.
// Stop the server first. The file it replaces is kept beside it as <name>.before-restore-<UTC time>. Secrets in the
// backup stay readable only with the TWOSTEP_SECRET they were written with.
import { copyFileSync, existsSync, renameSync, rmSync } from 'node:fs';
import { resolve } from 'node:path';
import { createClient } from '@libsql/client';
import { readConfig } from '../src/config.ts';

const config = readConfig(process.env);
const source = process.argv[2] && resolve(process.argv[2]);
if (!source || !existsSync(source)) {
  console.error('usage: npm run restore -- BACKUP_FILE');
  process.exit(2);
}
if (!config.DATABASE_URL.startsWith('file:')) {
  console.error(
    'npm run restore writes a libSQL file (DATABASE_URL=file:…). For D1 and a libSQL server see DEPLOY.md.',
  );
  process.exit(2);
}
const backup = createClient({ url: `file:${source}` });
const check = (await backup.execute('PRAGMA integrity_check')).rows[0]?.integrity_check;
backup.close();
if (check !== 'ok') {
  console.error(`${source} failed its integrity check (${check}): nothing restored.`);
  process.exit(1);
}
const target = resolve(config.DATABASE_URL.slice('file:'.length));
if (existsSync(target)) {
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, 'Z');
  renameSync(target, `${target}.before-restore-${stamp}`);
}
// A write-ahead log of the replaced file must not be replayed onto the restored one.
for (const suffix of ['-wal', '-shm']) rmSync(`${target}${suffix}`, { force: true });
copyFileSync(source, target);
console.log(`restored ${source} to ${target}`);
