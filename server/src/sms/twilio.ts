import type { SmsSender } from '../deps.ts';

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
      // Twilio filters DateSent by whole UTC days; a day earlier covers a message sent just before midnight.
      const day = new Date(message.since - 86_400_000).toISOString().slice(0, 10);
      const query = new URLSearchParams({ To: message.to, From: options.from, 'DateSent>': day, PageSize: '100' });
      const response = await doFetch(`${url}?${query}`, {
        headers: { Authorization: authorization },
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      if (response.status !== 200) throw new Error(`twilio_list_${response.status}`);
      const payload = (await response.json()) as { messages?: TwilioMessage[] };
      const found = (payload.messages ?? []).find(
        (sent) => sent.body === message.body && !notDelivered.has(sent.status ?? ''),
      );
      return found?.sid ?? null;
    },
  };
}

type TwilioMessage = { sid?: string; body?: string; status?: string };
/** Twilio took these but they reached nobody: sending again is no duplicate. */
const notDelivered = new Set(['failed', 'undelivered', 'canceled']);
