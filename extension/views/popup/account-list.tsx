import type { Account, Platform, Role } from '@twostep/shared';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import { backupCodesText, matchesSearch, platformLabels } from '@/views/format.ts';
import { useFocusOnMount } from '@/views/hooks.ts';
import { listMarks, mark, markNextFrame } from '@/views/perf-marks.ts';
import { TwoStepBadge } from '@/views/two-step-badge.tsx';

export type ListFilter = { search: string; platform: Platform | '' };

type Props = {
  accounts: Account[];
  complete: boolean;
  role: Role;
  /** The platform of the tab the popup was opened on: its accounts come first, under a heading. */
  activePlatform: Platform | null;
  filter: ListFilter;
  onFilter: (filter: ListFilter) => void;
  onOpen: (account: Account) => void;
};

/** Moves the focus between the search box and the rows with the arrow keys. */
function moveFocus(list: HTMLElement | null, event: KeyboardEvent, search: HTMLInputElement | null) {
  if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
  const rows = [...(list?.querySelectorAll<HTMLButtonElement>('button.row') ?? [])];
  const index = rows.indexOf(document.activeElement as HTMLButtonElement);
  const next = event.key === 'ArrowDown' ? index + 1 : index - 1;
  event.preventDefault();
  if (next < 0) search?.focus();
  else rows[Math.min(next, rows.length - 1)]?.focus();
}

/** Rows drawn at first (and per "Show more"): 1,000 accounts paint and filter as fast as 60 would. */
export const rowsPerPage = 60;

function Row({
  account,
  onOpen,
  onKeyDown,
}: {
  account: Account;
  onOpen: (a: Account) => void;
  onKeyDown: (e: KeyboardEvent) => void;
}) {
  return (
    <li>
      <button type="button" class="row" onClick={() => onOpen(account)} onKeyDown={onKeyDown}>
        <span class="row-main">
          <span class="handle">@{account.handle}</span>
          <span class="meta">
            {platformLabels[account.platform]}
            {account.client ? ` · ${account.client}` : ''}
          </span>
        </span>
        <span class="row-side">
          <TwoStepBadge twoStep={account.twoStep} />
          <span class="meta">{backupCodesText(account.backupCodes)}</span>
        </span>
      </button>
    </li>
  );
}

export function AccountList({ accounts, complete, role, activePlatform, filter, onFilter, onOpen }: Props) {
  const searchRef = useFocusOnMount<HTMLInputElement>();
  const listRef = useRef<HTMLDivElement>(null);
  const [drawn, setDrawn] = useState(rowsPerPage);
  useEffect(() => setDrawn(rowsPerPage), [filter.search, filter.platform]);
  useLayoutEffect(() => markNextFrame(listMarks.painted, listMarks.data), [accounts]);
  useLayoutEffect(() => markNextFrame(listMarks.searched, listMarks.typed), [filter.search]);
  const present = [...new Set(accounts.map((account) => account.platform))];
  const shown = accounts.filter(
    (account) => (!filter.platform || account.platform === filter.platform) && matchesSearch(account, filter.search),
  );
  const filtered = filter.search.trim() !== '' || filter.platform !== '';
  const rowKeys = (e: KeyboardEvent) => moveFocus(listRef.current, e, searchRef.current);
  // The active tab's platform first; the rows drawn are the first `drawn` of that order.
  const firstPlatform = activePlatform && !filter.platform ? activePlatform : null;
  const here = firstPlatform ? shown.filter((account) => account.platform === firstPlatform) : [];
  const ordered = here.length ? [...here, ...shown.filter((account) => account.platform !== firstPlatform)] : shown;
  const visible = ordered.slice(0, drawn);
  const groups: { title: string | null; accounts: Account[] }[] = here.length
    ? [
        { title: `On this tab: ${platformLabels[firstPlatform!]}`, accounts: visible.slice(0, here.length) },
        { title: 'Other accounts', accounts: visible.slice(here.length) },
      ].filter((group) => group.accounts.length > 0)
    : [{ title: null, accounts: visible }];

  if (accounts.length === 0) {
    return (
      <div class="empty">
        <p class="empty-title">{role === 'member' ? 'No accounts have been shared with you' : 'No accounts yet'}</p>
        <p>
          {role === 'member'
            ? 'Ask your team lead to give you access to the client accounts you work on.'
            : 'Add your team’s client accounts with the API or a CSV import; they appear here.'}
        </p>
      </div>
    );
  }

  return (
    <div class="stack">
      <div class="filters">
        <input
          ref={searchRef}
          type="search"
          aria-label="Search accounts by handle or client"
          placeholder="Search handle or client"
          value={filter.search}
          onInput={(e) => {
            mark(listMarks.typed);
            onFilter({ ...filter, search: e.currentTarget.value });
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter' && shown.length === 1) onOpen(shown[0]!);
            else moveFocus(listRef.current, e, searchRef.current);
          }}
        />
        {present.length > 1 && (
          <select
            aria-label="Platform"
            value={filter.platform}
            onChange={(e) => onFilter({ ...filter, platform: e.currentTarget.value as Platform | '' })}
          >
            <option value="">All platforms</option>
            {present.map((platform) => (
              <option key={platform} value={platform}>
                {platformLabels[platform]}
              </option>
            ))}
          </select>
        )}
      </div>
      <p class="count" aria-live="polite">
        {filtered
          ? `${shown.length} of ${accounts.length} accounts`
          : `${accounts.length} account${accounts.length === 1 ? '' : 's'}`}
        {!complete && ' (only the first 1000 are listed)'}
      </p>
      {shown.length === 0 ? (
        <p class="empty-title">No account matches your search.</p>
      ) : (
        <div ref={listRef}>
          {groups.map((group) => (
            <section key={group.title ?? 'all'} aria-label={group.title ?? 'Accounts'}>
              {group.title && <h2 class="group-title">{group.title}</h2>}
              <ul class="rows">
                {group.accounts.map((account) => (
                  <Row key={account.id} account={account} onOpen={onOpen} onKeyDown={rowKeys} />
                ))}
              </ul>
            </section>
          ))}
          {shown.length > drawn && (
            <button type="button" class="link more" onClick={() => setDrawn(drawn + rowsPerPage * 4)}>
              Show more ({shown.length - drawn} not shown)
            </button>
          )}
        </div>
      )}
    </div>
  );
}
