import { type SQL, sql } from 'drizzle-orm';
import { type Db, runBatch } from '../db/db.ts';
import type { Clock, SmsMessage, SmsSender } from '../deps.ts';
import { maskPhone } from '../lib/phone.ts';

const keepMs = 24 * 60 * 60_000;

/**
 * Development provider: keeps each message in the dev_outbox table (readable by the owner at
 * GET /v1/dev/outbox) instead of sending it. The one place a code is stored readable, and only in this mode:
 * kept for a day, once per outbox key however often delivery is retried. The table is in the app's own database,
 * so the dispatcher writes the message in the same batch as the row's sent mark (deliverInBatch).
 */
export function outboxSender(db: Db, clock: Clock, log: (line: string) => void): SmsSender {
  const deliverInBatch = (message: SmsMessage, marked: SQL) => {
    const at = clock.now();
    return {
      statements: [
        // A WHERE before ON CONFLICT: SQLite reads the upsert after an INSERT … SELECT only then.
        sql`INSERT INTO dev_outbox (id, team_id, to_number, body, at)
          SELECT ${message.key}, ${message.teamId}, ${message.to}, ${message.body}, ${at} WHERE ${marked}
          ON CONFLICT DO NOTHING`,
        sql`DELETE FROM dev_outbox WHERE at < ${at - keepMs}`,
      ],
      afterCommit: () => log(`code sent to ${maskPhone(message.to)}, read it at GET /v1/dev/outbox`),
    };
  };
  return {
    name: 'outbox',
    deliverInBatch,
    // For a caller outside the dispatcher: the same statements in a batch of their own.
    async send(message) {
      const { statements, afterCommit } = deliverInBatch(message, sql`1`);
      await runBatch(
        db,
        statements.map((statement) => db.run(statement)),
      );
      afterCommit();
      return { ok: true, providerId: null };
    },
  };
}
