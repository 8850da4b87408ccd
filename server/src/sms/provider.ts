import type { Config } from '../config.ts';
import type { Db } from '../db/db.ts';
import type { Clock, SmsSender } from '../deps.ts';
import { outboxSender } from './outbox-sender.ts';
import { twilioSender } from './twilio.ts';

/** The SMS provider the configuration names: the dev outbox by default, or Twilio. */
export function smsFromConfig(config: Config, db: Db, clock: Clock, log: (line: string) => void): SmsSender {
  if (config.SMS_PROVIDER === 'twilio') {
    return twilioSender({
      accountSid: config.TWILIO_ACCOUNT_SID!,
      authToken: config.TWILIO_AUTH_TOKEN!,
      from: config.TWILIO_FROM!,
      apiBase: config.TWILIO_API_BASE,
    });
  }
  return outboxSender(db, clock, log);
}
