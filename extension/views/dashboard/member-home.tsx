import { type Account, platformNames } from '@twostep/shared';
import type { Ask } from '@/messages/intents.ts';
import { backupCodesText } from '@/views/format.ts';
import { TwoStepBadge } from '@/views/two-step-badge.tsx';
import { itemsOf, Pager, pageOf, usePaged } from './paged.tsx';

/** What a member sees here: a note that the dashboard is for leads, and the accounts granted to them. */
export function MemberHome({ ask }: { ask: Ask }) {
  const paged = usePaged<Account>('mine', async (cursor) =>
    pageOf(
      await ask('dashboard.accounts', { cursor, limit: 50 }),
      (data: { accounts: Account[]; next: string | null }) => ({
        items: data.accounts,
        next: data.next,
      }),
    ),
  );
  return (
    <section class="stack" aria-labelledby="mine-title">
      <p class="note" role="note">
        The dashboard (coverage, findings, phones, grants, members) is for team leads. Here are the accounts your lead
        has given you; sign in to them from the Twostep popup.
      </p>
      <h2 id="mine-title">Your accounts</h2>
      <table class="table" aria-label="Your accounts">
        <thead>
          <tr>
            <th>Account</th>
            <th>Client</th>
            <th>Two-step</th>
            <th>Phone held by</th>
            <th>Backup codes</th>
          </tr>
        </thead>
        <tbody>
          {itemsOf(paged).map((account) => (
            <tr key={account.id}>
              <td>
                @{account.handle} <span class="meta">{platformNames[account.platform]}</span>
              </td>
              <td>{account.client ?? ''}</td>
              <td>
                <TwoStepBadge twoStep={account.twoStep} />
              </td>
              <td>{account.twoStep.phone?.holder?.name ?? '—'}</td>
              <td>{backupCodesText(account.backupCodes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager paged={paged} noun="accounts" />
    </section>
  );
}
