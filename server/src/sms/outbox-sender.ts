import { sql } from 'drizzle-orm';
import type { Db } from '../db/db.ts';
import type { Clock, SmsSender } from '../deps.ts';
import { maskPhone } from '../lib/phone.ts';

const keepMs = 24 * 60 * 60_000;

/**
 * Development provider: keeps each message in the dev_outbox table (readable by the owner at
 * GET /v1/dev/outbox) instead of sending it. The one place a code is stored readable, and only in this mode:
 * kept for a day, once per outbox key however often delivery is retried.
 */
export function outboxSender(db: Db, clock: Clock, log: (line: string) => void): SmsSender {
  return {
    name: 'outbox',
    async send(message) {
      const at = clock.now();
      await db.batch([
        db.run(sql`INSERT INTO dev_outbox (id, team_id, to_number, body, at)
          VALUES (${message.key}, ${message.teamId}, ${message.to}, ${message.body}, ${at}) ON CONFLICT DO NOTHING`),
        db.run(sql`DELETE FROM dev_outbox WHERE at < ${at - keepMs}`),
      ]);
      log(`code sent to ${maskPhone(message.to)}, read it at GET /v1/dev/outbox`);
      return { ok: true, providerId: null };
    },
  };
}
