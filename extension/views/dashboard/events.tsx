import type { AuditEvent } from '@twostep/shared';
import { dateTime } from './labels.ts';
import { itemsOf, Pager, pageOf, usePaged } from './paged.tsx';
import { routeHash, type SectionProps } from './route.ts';

const pageSize = 50;

/** The audit trail, newest first, one page at a time; filtered by account or member. */
export function Events({ ask, params, members }: SectionProps) {
  const accountId = params.account || undefined;
  const memberId = params.member || undefined;
  const names = new Map(members.map((member) => [member.id, member.name]));
  const paged = usePaged<AuditEvent>(`${accountId}|${memberId}`, async (before) =>
    pageOf(
      await ask('dashboard.events', { accountId, memberId, before, limit: pageSize }),
      (data: { events: AuditEvent[]; next: string | null }) => ({
        items: data.events,
        next: data.next,
      }),
    ),
  );
  const who = (id: string | null) => (id === null ? 'system' : (names.get(id) ?? 'a former member'));

  return (
    <section class="stack" aria-labelledby="events-title">
      <h2 id="events-title">Events</h2>
      <form class="filters" onSubmit={(event) => event.preventDefault()}>
        <label>
          Member
          <select
            value={memberId ?? ''}
            onChange={(e) => {
              location.hash = routeHash('events', { account: accountId, member: e.currentTarget.value });
            }}
          >
            <option value="">Anyone</option>
            {members.map((member) => (
              <option key={member.id} value={member.id}>
                {member.name}
              </option>
            ))}
          </select>
        </label>
        {accountId && (
          <span class="chip">
            <a href={routeHash('account', { id: accountId })}>This account only</a>{' '}
            <a href={routeHash('events', { member: memberId })} aria-label="Show every account">
              ×
            </a>
          </span>
        )}
      </form>
      <table class="table" aria-label="Events">
        <thead>
          <tr>
            <th>When</th>
            <th>Who</th>
            <th>What</th>
            <th>About</th>
            <th>Result</th>
          </tr>
        </thead>
        <tbody>
          {itemsOf(paged).map((event) => (
            <tr key={event.id}>
              <td class="nowrap">{dateTime(event.at)}</td>
              <td>{who(event.actor)}</td>
              <td class="mono">{event.action}</td>
              <td>
                {event.target && names.has(event.target) ? names.get(event.target) : ''}
                {event.detail ? <span class="meta"> “{event.detail}”</span> : ''}
              </td>
              <td class={event.result === 'ok' ? '' : 'error'}>{event.result}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager paged={paged} noun="events" />
    </section>
  );
}
