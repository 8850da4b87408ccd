import { type Account, type Platform, platformNames, platforms } from '@twostep/shared';
import { useEffect, useState } from 'preact/hooks';
import { problemText } from '@/views/problem-text.ts';
import { itemsOf, Pager, pageOf, usePaged } from './paged.tsx';
import { PlatformSelect } from './platform-select.tsx';
import { routeHash, type SectionProps } from './route.ts';

const accountsPerSlice = 20;
const membersPerPage = 50;
type Slice = { client?: string; platform?: Platform; q?: string };

/**
 * The members × accounts matrix for one slice at a time (a client, a platform or a search; 20 accounts a page):
 * never the whole team's. A box toggles one grant in place (PUT or DELETE).
 */
export function Grants({ ask, params, members }: SectionProps) {
  const slice: Slice = {
    client: params.client || undefined,
    platform: platforms.includes(params.platform as Platform) ? (params.platform as Platform) : undefined,
    q: params.q || undefined,
  };
  const chosen = Boolean(slice.client || slice.platform || slice.q);
  const key = JSON.stringify(slice);
  const [granted, setGranted] = useState<Set<string>>(new Set());
  const [loadedFor, setLoadedFor] = useState<string | null>(null);
  const [error, setError] = useState('');
  const [memberPage, setMemberPage] = useState(0);
  const [who, setWho] = useState('');
  const paged = usePaged<Account>(key, async (cursor) =>
    chosen
      ? pageOf(
          await ask('dashboard.accounts', { ...slice, cursor, limit: accountsPerSlice }),
          (data: { accounts: Account[]; next: string | null }) => ({
            items: data.accounts,
            next: data.next,
          }),
        )
      : { items: [], next: null },
  );
  const accounts = itemsOf(paged);
  const ids = accounts.map((account) => account.id).join(',');

  useEffect(() => {
    if (!ids) {
      setGranted(new Set());
      return setLoadedFor(ids);
    }
    ask('dashboard.grants', { accountIds: ids.split(',') }).then((reply) => {
      setLoadedFor(ids);
      if (!reply.ok) return setError(problemText(reply.problem));
      const cells = Object.entries(reply.data.grants).flatMap(([accountId, list]) =>
        list.map((g) => `${g.memberId}:${accountId}`),
      );
      setGranted(new Set(cells));
    });
  }, [ask, ids]);

  async function toggle(memberId: string, accountId: string) {
    const cell = `${memberId}:${accountId}`;
    const want = !granted.has(cell);
    const flip = (on: boolean) =>
      setGranted((now) => {
        const next = new Set(now);
        if (on) next.add(cell);
        else next.delete(cell);
        return next;
      });
    flip(want);
    const reply = await ask('dashboard.grantSet', { accountId, memberId, granted: want });
    if (!reply.ok) {
      flip(!want);
      setError(problemText(reply.problem));
    } else setError('');
  }

  const set = (change: Slice) => {
    location.hash = routeHash('grants', change as Record<string, string>);
  };
  const needle = who.trim().toLowerCase();
  const rows = members.filter(
    (member) =>
      member.role === 'member' &&
      (!needle || member.name.toLowerCase().includes(needle) || member.email.includes(needle)),
  );
  const shown = rows.slice(memberPage * membersPerPage, (memberPage + 1) * membersPerPage);

  return (
    <section class="stack" aria-labelledby="grants-title">
      <h2 id="grants-title">Grants</h2>
      <form class="filters" onSubmit={(event) => event.preventDefault()}>
        <label>
          Client
          <input
            type="search"
            value={slice.client ?? ''}
            placeholder="Exact name"
            onChange={(e) => set({ client: e.currentTarget.value.trim() })}
          />
        </label>
        <PlatformSelect label="or platform" value={slice.platform} onPlatform={(platform) => set({ platform })} />
        <label>
          or search
          <input
            type="search"
            value={slice.q ?? ''}
            placeholder="Handle"
            onChange={(e) => set({ q: e.currentTarget.value.trim() })}
          />
        </label>
        <label>
          Find a member
          <input
            type="search"
            value={who}
            placeholder="Name or email"
            onInput={(e) => {
              setWho(e.currentTarget.value);
              setMemberPage(0);
            }}
          />
        </label>
      </form>
      <p class="meta">Leads and owners see every account; the boxes give a member one account each.</p>
      {!chosen && <p>Pick a client, a platform or search for accounts to see who may use them.</p>}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {chosen && (
        <div class="matrix-wrap">
          <table
            class="table matrix"
            aria-label="Grants"
            aria-busy={paged.state.state === 'loading' || loadedFor !== ids}
          >
            <thead>
              <tr>
                <th>Member</th>
                <th>Granted here</th>
                {accounts.map((account) => (
                  <th key={account.id} class="col">
                    <a href={routeHash('account', { id: account.id })}>@{account.handle}</a>
                    <span class="meta">{platformNames[account.platform]}</span>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {shown.map((member) => (
                <tr key={member.id}>
                  <th scope="row">{member.name}</th>
                  <td class="count">
                    {accounts.filter((account) => granted.has(`${member.id}:${account.id}`)).length} of{' '}
                    {accounts.length}
                  </td>
                  {accounts.map((account) => (
                    <td key={account.id} class="cell">
                      <input
                        type="checkbox"
                        checked={granted.has(`${member.id}:${account.id}`)}
                        aria-label={`${member.name} may use @${account.handle} on ${platformNames[account.platform]}`}
                        onChange={() => toggle(member.id, account.id)}
                      />
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
          {rows.length > membersPerPage && (
            <div class="pager">
              <button type="button" disabled={memberPage === 0} onClick={() => setMemberPage(memberPage - 1)}>
                Previous members
              </button>
              <span class="meta">
                Members {memberPage * membersPerPage + 1}–{Math.min(rows.length, (memberPage + 1) * membersPerPage)} of{' '}
                {rows.length}
              </span>
              <button
                type="button"
                disabled={(memberPage + 1) * membersPerPage >= rows.length}
                onClick={() => setMemberPage(memberPage + 1)}
              >
                Next members
              </button>
            </div>
          )}
          <Pager paged={paged} noun="accounts" />
        </div>
      )}
    </section>
  );
}
