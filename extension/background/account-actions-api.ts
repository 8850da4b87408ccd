import type { Account, Challenge, FillStep, Phone, Session } from '@twostep/shared';
import type { hc } from 'hono/client';
import type { App } from '../../server/src/app.ts';
import { read } from './api-client.ts';

type Client = ReturnType<typeof hc<App>>;
type RawJson = <T>(
  method: string,
  path: string,
  query: Record<string, string | undefined>,
  body?: unknown,
) => Promise<T>;

export type PhoneChoice = { phoneId: string } | { number: string; country?: string };
export type BackupCodeStatus = { remaining: number; total: number; updatedAt: string | null };
export type PhonePage = { phones: Phone[]; next: string | null };

/** The routes behind the popup's account actions: first run, invites, two-step, backup codes, password, report. */
export function accountActionsApi(baseUrl: string, client: Client, rawJson: RawJson) {
  const accounts = client.v1.accounts[':id'];
  return {
    setUp: (body: { team: string; name: string; email: string; password: string }): Promise<Session> =>
      read(baseUrl, client.v1.setup.$post({ json: body })),
    acceptInvite: (body: { token: string; name: string; password: string }): Promise<Session> =>
      read(baseUrl, client.v1.invites.accept.$post({ json: body })),
    startTwoStep: (id: string, choice: PhoneChoice): Promise<{ challenge: Challenge }> =>
      read(baseUrl, accounts['two-step'].$post({ param: { id }, json: choice })),
    disableTwoStep: (id: string): Promise<{ challenge: Challenge }> =>
      read(baseUrl, accounts['two-step'].$delete({ param: { id } })) as Promise<{ challenge: Challenge }>,
    forceOff: (id: string, reason: string): Promise<{ account: Account }> =>
      rawJson('DELETE', `/v1/accounts/${encodeURIComponent(id)}/two-step`, {}, { force: true, reason }),
    backupCodes: (id: string): Promise<BackupCodeStatus> =>
      read(baseUrl, accounts['backup-codes'].$get({ param: { id } })),
    replaceBackupCodes: (id: string, codes: string[]): Promise<void> =>
      read(baseUrl, accounts['backup-codes'].$put({ param: { id }, json: { codes } })).then(() => undefined),
    revealBackupCode: (id: string, reason: string): Promise<{ code: string; remaining: number }> =>
      read(baseUrl, accounts['backup-codes'].reveal.$post({ param: { id }, json: { reason } })),
    setSecret: (id: string, body: { loginName?: string; password: string }): Promise<void> =>
      read(baseUrl, accounts.secret.$put({ param: { id }, json: body })).then(() => undefined),
    /** The login.filled audit event of one fill made in the platform's page (never the value filled). */
    loginFilled: (id: string, step: FillStep): Promise<void> =>
      read(baseUrl, accounts['login-filled'].$post({ param: { id }, json: { step } })).then(() => undefined),
    listPhones: (query: { q?: string; cursor?: string; limit?: number }): Promise<PhonePage> =>
      rawJson<{ phones: Phone[]; next?: string | null }>('GET', '/v1/phones', {
        q: query.q,
        cursor: query.cursor,
        limit: query.limit?.toString(),
      }).then(({ phones, next }) => ({ phones, next: next ?? null })),
    challenge: (id: string): Promise<{ challenge: Challenge }> =>
      read(baseUrl, client.v1.challenges[':id'].$get({ param: { id } })),
    reportSummary: (): Promise<{ summary: { accounts: number; off: number } }> =>
      rawJson('GET', '/v1/reports/two-step', { limit: '1' }),
  };
}
