import type { DashboardIntentMap } from '@/messages/dashboard-intents.ts';
import type { ApiClient } from '../api-client.ts';

type DashboardHandlers = {
  [K in keyof DashboardIntentMap]: (payload: DashboardIntentMap[K][0]) => Promise<DashboardIntentMap[K][1]>;
};

/**
 * The background's side of the dashboard's intents. The options page, like the popup, never holds the token:
 * each intent becomes one API request (the matrix's grants one per account of its slice), never more than a page.
 */
export function createDashboardHandlers(client: () => Promise<ApiClient>): DashboardHandlers {
  return {
    'dashboard.report': async (query) => (await client()).report(query),
    'dashboard.reportCsv': async () => (await client()).reportCsv(),
    'dashboard.accounts': async (query) => (await client()).accountsPage(query),
    'dashboard.phones': async (query) => (await client()).phonesPage(query),
    'dashboard.phoneUpdate': async ({ phoneId, ...changes }) => (await client()).updatePhone(phoneId, changes),
    'dashboard.members': async () => (await client()).members(),
    'dashboard.invite': async (body) => (await client()).invite(body),
    'dashboard.invites': async () => (await client()).invites(),
    'dashboard.inviteRevoke': async ({ inviteId }) => {
      await (await client()).revokeInvite(inviteId);
      return { revoked: true };
    },
    'dashboard.memberRole': async ({ memberId, role }) => (await client()).setRole(memberId, { role }),
    'dashboard.memberRemove': async ({ memberId }) => (await client()).removeMember(memberId),
    'dashboard.grants': async ({ accountIds }) => {
      const api = await client();
      const lists = await Promise.all(accountIds.map((id) => api.grants(id)));
      return { grants: Object.fromEntries(accountIds.map((id, i) => [id, lists[i]!.grants])) };
    },
    'dashboard.grantSet': async ({ accountId, memberId, granted }) => {
      const api = await client();
      await (granted ? api.grant(accountId, memberId) : api.ungrant(accountId, memberId));
      return { granted };
    },
    'dashboard.events': async (query) => (await client()).events(query),
    'dashboard.importChunk': async ({ csv }) => (await client()).importCsv(csv),
  };
}
