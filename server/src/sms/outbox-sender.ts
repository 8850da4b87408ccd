import type { Db } from '../db/db.ts';
import { devOutbox } from '../db/schema.ts';
import type { Clock, SmsSender } from '../deps.ts';
import { newId } from '../lib/crypto.ts';
import { maskPhone } from '../lib/phone.ts';

/**
 * Development provider: keeps each message in the dev_outbox table (readable by the owner at
 * GET /v1/dev/outbox) instead of sending it. The one place a code is stored readable, and only in this mode.
 */
export function outboxSender(db: Db, clock: Clock, log: (line: string) => void): SmsSender {
  return {
    name: 'outbox',
    async send(message) {
      const at = clock.now();
      await db
        .insert(devOutbox)
        .values({ id: newId(at), teamId: message.teamId, toNumber: message.to, body: message.body, at });
      log(`code sent to ${maskPhone(message.to)}, read it at GET /v1/dev/outbox`);
      return { ok: true, providerId: null };
    },
  };
}
