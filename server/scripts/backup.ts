// `npm run backup [-- DEST]`: a consistent copy of the libSQL file in DATABASE_URL, taken while the server runs and
// writes (VACUUM INTO reads one snapshot; writers are not stopped). DEST defaults to
// TWOSTEP_DATA_DIR/backups/twostep-<UTC time>.db. Prints the path and the copy's row counts.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { createClient } from '@libsql/client';
import { readConfig } from '../src/config.ts';

const config = readConfig(process.env);
if (!config.DATABASE_URL.startsWith('file:')) {
  console.error('npm run backup copies a libSQL file (DATABASE_URL=file:…). For D1 and a libSQL server see DEPLOY.md.');
  process.exit(2);
}
const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*/, 'Z');
const dest = resolve(process.argv[2] ?? join(config.TWOSTEP_DATA_DIR, 'backups', `twostep-${stamp}.db`));
if (existsSync(dest)) {
  console.error(`${dest} exists already: name a new file.`);
  process.exit(2);
}
mkdirSync(dirname(dest), { recursive: true, mode: 0o700 });
const db = createClient({ url: config.DATABASE_URL });
// The server's own settings, so the copy waits for a writer instead of failing with SQLITE_BUSY.
await db.execute('PRAGMA busy_timeout = 5000');
await db.execute({ sql: 'VACUUM INTO ?', args: [dest] });
db.close();
const copy = createClient({ url: `file:${dest}` });
const check = (await copy.execute('PRAGMA integrity_check')).rows[0]?.integrity_check;
const counts = await copy.execute(
  'SELECT (SELECT count(*) FROM accounts) AS accounts, (SELECT count(*) FROM events) AS events',
);
copy.close();
if (check !== 'ok') {
  console.error(`the copy failed its integrity check: ${check}`);
  process.exit(1);
}
console.log(`backup ${dest}: integrity ok, ${counts.rows[0]?.accounts} accounts, ${counts.rows[0]?.events} events`);
