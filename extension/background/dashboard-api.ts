import type {
  AccountPage,
  EventPage,
  Grant,
  ImportResult,
  Invite,
  InviteList,
  Member,
  MemberListItem,
  Phone,
  PhonePage,
} from '@twostep/shared';
import type { hc } from 'hono/client';
import type { DashboardIntentMap, Handover, HolderChange, ReportPage } from '@/messages/dashboard-intents.ts';
import type { App } from '../../server/src/app.ts';

type Client = ReturnType<typeof hc<App>>;
type Read = <T>(pending: Promise<Response>) => Promise<T>;
type Query<K extends keyof DashboardIntentMap> = DashboardIntentMap[K][0];

/** Query values as the URL carries them: numbers as text, nothing for what is unset. */
function asQuery<T extends Record<string, unknown>>(query: T): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(query)) if (value !== undefined && value !== '') out[key] = String(value);
  return out;
}

/** The API calls of the dashboard (for leads), over the same typed client and answer checks as the popup's. */
export function createDashboardCalls(client: Client, read: Read, headers: Record<string, string>) {
  const account = client.v1.accounts[':id'];
  return {
    report: (query: Query<'dashboard.report'>): Promise<ReportPage> =>
      read(client.v1.reports['two-step'].$get({ query: asQuery(query) })),
    reportCsv: async (): Promise<{ csv: string; filename: string }> => {
      const pending = client.v1.reports['two-step.csv'].$get() as Promise<Response>;
      const response = await pending.catch((error: unknown) => read<Response>(Promise.reject(error)));
      // Not JSON when it works: an error answer goes through `read`, which throws it in words.
      if (!response.ok) await read(Promise.resolve(response));
      const disposition = response.headers.get('Content-Disposition') ?? '';
      // A server on another origin exposes no Content-Disposition to the extension: then today's name, as it names it.
      const today = `twostep-report-${new Date().toISOString().slice(0, 10)}.csv`;
      const filename = /filename="([^"]+)"/.exec(disposition)?.[1] ?? today;
      return { csv: await response.text(), filename };
    },
    accountsPage: (query: Query<'dashboard.accounts'>): Promise<AccountPage> =>
      read(client.v1.accounts.$get({ query: asQuery(query) })),
    phonesPage: (query: Query<'dashboard.phones'>): Promise<PhonePage> =>
      read(client.v1.phones.$get({ query: asQuery(query) })),
    updatePhone: (id: string, json: { label?: string; holder?: HolderChange }) =>
      read<{ phone: Phone }>(client.v1.phones[':id'].$patch({ param: { id }, json })),
    members: (): Promise<{ members: MemberListItem[] }> => read(client.v1.members.$get()),
    invite: (json: { email: string; role: 'lead' | 'member' }): Promise<{ invite: Invite; token: string }> =>
      read(client.v1.invites.$post({ json })),
    invites: (): Promise<InviteList> => read(client.v1.invites.$get()),
    revokeInvite: (id: string): Promise<void> => read(client.v1.invites[':id'].$delete({ param: { id } })),
    setRole: (id: string, json: { role: Member['role'] }): Promise<{ member: Member }> =>
      read(client.v1.members[':id'].$patch({ param: { id }, json })),
    removeMember: (id: string): Promise<{ handover: Handover }> =>
      read(client.v1.members[':id'].$delete({ param: { id } })),
    grants: (id: string): Promise<{ grants: Grant[] }> => read(account.grants.$get({ param: { id } })),
    grant: (id: string, memberId: string): Promise<void> =>
      read(account.grants[':memberId'].$put({ param: { id, memberId } })),
    ungrant: (id: string, memberId: string): Promise<void> =>
      read(account.grants[':memberId'].$delete({ param: { id, memberId } })),
    events: (query: Query<'dashboard.events'>): Promise<EventPage> =>
      read(client.v1.events.$get({ query: asQuery(query) })),
    importCsv: (csv: string): Promise<ImportResult> =>
      read(
        client.v1.accounts.import.$post(undefined, {
          headers: { ...headers, 'Content-Type': 'text/csv' },
          init: { body: csv },
        }),
      ),
  };
}

export type DashboardCalls = ReturnType<typeof createDashboardCalls>;
