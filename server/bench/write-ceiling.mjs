// The durable-write ceiling: raw @libsql/client, one batch (an UPDATE and an INSERT) per commit, on a file with
// the server's pragmas (WAL, synchronous=FULL). Prints {commitsPerSecond, p50, p99} as JSON.
import { createClient } from '@libsql/client';

const [file, seconds = '6'] = process.argv.slice(2);
const client = createClient({ url: `file:${file}`, concurrency: 1 });
for (const pragma of ['journal_mode = WAL', 'synchronous = FULL', 'foreign_keys = ON', 'busy_timeout = 5000'])
  await client.execute(`PRAGMA ${pragma}`);
await client.execute('CREATE TABLE IF NOT EXISTS counters (id INTEGER PRIMARY KEY, n INTEGER NOT NULL)');
await client.execute('CREATE TABLE IF NOT EXISTS log (id TEXT PRIMARY KEY, at INTEGER NOT NULL, note TEXT)');
await client.execute('INSERT OR IGNORE INTO counters VALUES (1, 0)');
const commit = (i) =>
  client.batch(
    [
      'UPDATE counters SET n = n + 1 WHERE id = 1',
      { sql: 'INSERT INTO log VALUES (?, ?, ?)', args: [`${process.pid}-${i}`, Date.now(), 'bench'] },
    ],
    'write',
  );
for (let i = 0; i < 200; i++) await commit(-i - 1); // warm-up
const times = [];
const end = performance.now() + Number(seconds) * 1000;
let i = 0;
while (performance.now() < end) {
  const t = performance.now();
  await commit(i++);
  times.push(performance.now() - t);
}
times.sort((a, b) => a - b);
const at = (p) => times[Math.min(times.length - 1, Math.floor(p * times.length))];
console.log(JSON.stringify({ commitsPerSecond: i / Number(seconds), p50: at(0.5), p99: at(0.99) }));
client.close();
