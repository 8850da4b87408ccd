import { type Account, type Grant, platformNames } from '@twostep/shared';
import { useEffect, useState } from 'preact/hooks';
import type { Ask } from '@/messages/intents.ts';
import { backupCodesText } from '@/views/format.ts';
import { problemText } from '@/views/problem-text.ts';
import { TwoStepBadge } from '@/views/two-step-badge.tsx';
import { day } from './labels.ts';
import { routeHash } from './route.ts';

/** One account, where a finding, a phone or the matrix links to: its protection, who may use it, its events. */
export function AccountView({ ask, id, lead }: { ask: Ask; id: string; lead: boolean }) {
  const [account, setAccount] = useState<Account | null>(null);
  const [grants, setGrants] = useState<Grant[] | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    ask('account.get', { accountId: id }).then((reply) =>
      reply.ok ? setAccount(reply.data.account) : setError(problemText(reply.problem)),
    );
    if (lead)
      ask('dashboard.grants', { accountIds: [id] }).then((reply) => reply.ok && setGrants(reply.data.grants[id] ?? []));
  }, [ask, id, lead]);

  if (error)
    return (
      <p class="error" role="alert">
        {error}
      </p>
    );
  if (!account) return <p class="meta">Loading the account…</p>;
  const { twoStep } = account;
  return (
    <section class="stack card" aria-labelledby="account-title">
      <h2 id="account-title">
        @{account.handle} <span class="meta">on {platformNames[account.platform]}</span>{' '}
        <TwoStepBadge twoStep={twoStep} />
      </h2>
      <dl class="facts">
        <dt>Client</dt>
        <dd>{account.client ?? '—'}</dd>
        <dt>Login name</dt>
        <dd>{account.loginName ?? '—'}</dd>
        <dt>Protected by</dt>
        <dd class="mono">{twoStep.phone ? `${twoStep.phone.masked} ${twoStep.phone.label ?? ''}` : 'no number'}</dd>
        <dt>Phone held by</dt>
        <dd>{twoStep.phone?.holder?.name ?? '—'}</dd>
        <dt>Last code entered</dt>
        <dd>{day(twoStep.verifiedAt)}</dd>
        <dt>Backup codes</dt>
        <dd>{backupCodesText(account.backupCodes)}</dd>
        {grants && (
          <>
            <dt>Members who may use it</dt>
            <dd>{grants.length ? grants.map((grant) => grant.name).join(', ') : 'none (leads and owners only)'}</dd>
          </>
        )}
      </dl>
      {lead && (
        <p>
          <a href={routeHash('events', { account: account.id })}>Events for this account</a> ·{' '}
          <a href={routeHash('grants', { q: account.handle })}>Change who may use it</a>
        </p>
      )}
    </section>
  );
}
