import type { SmsSender } from '../deps.ts';
import { LookupError } from './lookup-error.ts';

export type TwilioOptions = {
  accountSid: string;
  authToken: string;
  from: string;
  apiBase: string;
  timeoutMs?: number;
  fetch?: typeof fetch;
};

function retryAfterMs(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * Twilio's Messages API: POST {base}/2010-04-01/Accounts/{sid}/Messages.json, form fields To, From, Body,
 * HTTP Basic auth. 201 means accepted; 429, 5xx and time-outs are worth retrying, other answers are not.
 */
export function twilioSender(options: TwilioOptions): SmsSender {
  const doFetch = options.fetch ?? fetch;
  const url = `${options.apiBase.replace(/\/+$/, '')}/2010-04-01/Accounts/${encodeURIComponent(options.accountSid)}/Messages.json`;
  const authorization = `Basic ${btoa(`${options.accountSid}:${options.authToken}`)}`;
  return {
    name: 'twilio',
    async send(message) {
      let response: Response;
      try {
        response = await doFetch(url, {
          method: 'POST',
          headers: { Authorization: authorization, 'Content-Type': 'application/x-www-form-urlencoded' },
          body: new URLSearchParams({ To: message.to, From: options.from, Body: message.body }),
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
      } catch (error) {
        const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
        return { ok: false, retryable: true, error: timedOut ? 'timeout' : 'network_error' };
      }
      const payload = (await response.json().catch(() => null)) as { sid?: string; code?: number } | null;
      if (response.status === 201) return { ok: true, providerId: payload?.sid ?? null };
      const error = `twilio_${response.status}${payload?.code ? `_${payload.code}` : ''}`;
      const retryable = response.status === 429 || response.status >= 500;
      return { ok: false, retryable, retryAfterMs: retryAfterMs(response.headers.get('Retry-After')), error };
    },
    async findAccepted(message) {
      // No DateSent filter: a message Twilio still holds (queued, accepted) has no date_sent yet. The newest page
      // for this To and From is enough: a look-up follows a failed try by seconds to minutes.
      const query = new URLSearchParams({ To: message.to, From: options.from, PageSize: '100' });
      let response: Response;
      try {
        response = await doFetch(`${url}?${query}`, {
          headers: { Authorization: authorization },
          signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
        });
      } catch {
        throw new LookupError(null);
      }
      if (response.status !== 200) throw new LookupError(response.status);
      const payload = (await response.json().catch(() => null)) as { messages?: TwilioMessage[] } | null;
      const after = message.since - clockSkewMs;
      return (payload?.messages ?? [])
        .filter(
          (sent) =>
            sent.sid &&
            sent.body === message.body &&
            !notDelivered.has(sent.status ?? '') &&
            Date.parse(sent.date_created ?? '') >= after,
        )
        .map((sent) => sent.sid!);
    },
  };
}

type TwilioMessage = { sid?: string; body?: string; status?: string; date_created?: string };
/** How far Twilio's clock may run behind ours: a message created before its row is another message. */
const clockSkewMs = 30_000;
/** Twilio took these but they reached nobody: sending again is no duplicate. */
const notDelivered = new Set(['failed', 'undelivered', 'canceled']);
