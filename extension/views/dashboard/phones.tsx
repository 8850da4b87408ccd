import { type MemberListItem, type Phone, platformNames } from '@twostep/shared';
import { useState } from 'preact/hooks';
import type { HolderChange } from '@/messages/dashboard-intents.ts';
import type { Ask } from '@/messages/intents.ts';
import { problemText } from '@/views/problem-text.ts';
import { day } from './labels.ts';
import { itemsOf, Pager, pageOf, usePaged } from './paged.tsx';
import { routeHash, type SectionProps } from './route.ts';

const pageSize = 50;

function PhoneEditor({
  ask,
  phone,
  members,
  onDone,
}: {
  ask: Ask;
  phone: Phone;
  members: MemberListItem[];
  onDone: (phone: Phone | null) => void;
}) {
  const [label, setLabel] = useState(phone.label ?? '');
  const [holderMember, setHolderMember] = useState(phone.holder?.memberId ?? (phone.holder ? '__name' : ''));
  const [holderName, setHolderName] = useState(phone.holder && !phone.holder.memberId ? phone.holder.name : '');
  const [error, setError] = useState('');

  async function save(event: Event) {
    event.preventDefault();
    const holder: HolderChange =
      holderMember === '' ? null : holderMember === '__name' ? { name: holderName.trim() } : { memberId: holderMember };
    const reply = await ask('dashboard.phoneUpdate', { phoneId: phone.id, label: label.trim(), holder });
    if (!reply.ok) return setError(problemText(reply.problem));
    onDone(reply.data.phone);
  }

  return (
    <form class="inline-edit" onSubmit={save} aria-label={`Edit ${phone.masked}`}>
      <label>
        Label
        <input value={label} maxLength={100} onInput={(e) => setLabel(e.currentTarget.value)} />
      </label>
      <label>
        Holder
        <select value={holderMember} onChange={(e) => setHolderMember(e.currentTarget.value)}>
          <option value="">Nobody recorded</option>
          {members.map((member) => (
            <option key={member.id} value={member.id}>
              {member.name}
            </option>
          ))}
          <option value="__name">Someone outside the team…</option>
        </select>
      </label>
      {holderMember === '__name' && (
        <label>
          Name
          <input value={holderName} maxLength={100} required onInput={(e) => setHolderName(e.currentTarget.value)} />
        </label>
      )}
      <button type="submit" class="primary">
        Save
      </button>
      <button type="button" onClick={() => onDone(null)}>
        Cancel
      </button>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}

/** The phone → accounts map: which number protects what, who holds it, when a code to it was last entered. */
export function Phones({ ask, params, members }: SectionProps) {
  const [q, setQ] = useState(params.q ?? '');
  const [editing, setEditing] = useState<string | null>(null);
  const [edited, setEdited] = useState<Record<string, Phone>>({});
  const paged = usePaged<Phone>(q.trim(), async (cursor) =>
    pageOf(
      await ask('dashboard.phones', { q: q.trim() || undefined, cursor, limit: pageSize }),
      (data: { phones: Phone[]; next: string | null }) => ({
        items: data.phones,
        next: data.next,
      }),
    ),
  );
  const active = new Set(members.map((member) => member.id));
  const phones = itemsOf(paged).map((phone) => edited[phone.id] ?? phone);

  return (
    <section class="stack" aria-labelledby="phones-title">
      <h2 id="phones-title">Phones</h2>
      <label class="search">
        Search number, label or holder
        <input
          type="search"
          value={q}
          placeholder="4821, Team SIM, Anna"
          onChange={(e) => setQ(e.currentTarget.value)}
        />
      </label>
      <table class="table" aria-label="Phones">
        <thead>
          <tr>
            <th>Number</th>
            <th>Label</th>
            <th>Holder</th>
            <th>Last code entered</th>
            <th>Protects</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {phones.map((phone) => {
            // Flagged once the team is known (it always has the lead who looks): a member id not in it has left.
            const left = Boolean(active.size && phone.holder?.memberId && !active.has(phone.holder.memberId));
            return editing === phone.id ? (
              <tr key={phone.id}>
                <td class="mono">{phone.masked}</td>
                <td colSpan={5}>
                  <PhoneEditor
                    ask={ask}
                    phone={phone}
                    members={members}
                    onDone={(saved) => {
                      if (saved) setEdited({ ...edited, [saved.id]: saved });
                      setEditing(null);
                    }}
                  />
                </td>
              </tr>
            ) : (
              <tr key={phone.id}>
                <td class="mono">{phone.masked}</td>
                <td>{phone.label ?? <span class="meta">none</span>}</td>
                <td>
                  {phone.holder?.name ?? <span class="meta">not recorded</span>}
                  {left && <span class="flag"> left the team</span>}
                </td>
                <td>{day(phone.verifiedAt)}</td>
                <td>
                  {phone.protects.length === 0 && <span class="meta">nothing</span>}
                  {phone.protects.map((each) => (
                    <a key={each.accountId} class="chip" href={routeHash('account', { id: each.accountId })}>
                      @{each.handle} · {platformNames[each.platform]}
                    </a>
                  ))}
                </td>
                <td>
                  <button type="button" class="link" onClick={() => setEditing(phone.id)}>
                    Edit
                  </button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <Pager paged={paged} noun="phones" />
    </section>
  );
}
