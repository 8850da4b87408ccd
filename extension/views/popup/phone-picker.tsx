import type { Account } from '@twostep/shared';
import { useEffect, useState } from 'preact/hooks';
import type { PhoneOption } from '@/messages/account-intents.ts';
import type { Ask } from '@/messages/intents.ts';
import { accountLabelOf } from '@/views/format.ts';
import { problemText } from '@/views/problem-text.ts';

type Props = { ask: Ask; account: Account; chosen: string | null; onChoose: (phone: PhoneOption | null) => void };
type State =
  | { state: 'loading' }
  | { state: 'error'; text: string }
  | { state: 'ready'; phones: PhoneOption[]; next: string | null };

/** Why a phone cannot protect this account, or null when it can. */
export function phoneRefusal(phone: PhoneOption, account: Account): string | null {
  if (phone.id === account.twoStep.phone?.id) return 'Already protects this account';
  const here = phone.protects.find((each) => each.platform === account.platform && each.accountId !== account.id);
  return here ? `Protects ${accountLabelOf(here)}: one account per number there` : null;
}

/** The team's phones (a lead's view), searched and paged on the server, never loaded whole. */
export function PhonePicker({ ask, account, chosen, onChoose }: Props) {
  const [search, setSearch] = useState('');
  const [list, setList] = useState<State>({ state: 'loading' });

  async function load(q: string, cursor?: string) {
    const reply = await ask('phones.list', { q: q || undefined, cursor });
    if (!reply.ok) return setList({ state: 'error', text: problemText(reply.problem) });
    setList((now) => ({
      state: 'ready',
      phones: cursor && now.state === 'ready' ? [...now.phones, ...reply.data.phones] : reply.data.phones,
      next: reply.data.next,
    }));
  }

  useEffect(() => {
    const timer = setTimeout(() => void load(search.trim()), search ? 250 : 0);
    return () => clearTimeout(timer);
  }, [search]);

  return (
    <fieldset class="stack picker">
      <legend>A team phone</legend>
      <input
        type="search"
        aria-label="Search team phones by number, label or holder"
        placeholder="Search number, label or holder"
        value={search}
        onInput={(e) => setSearch(e.currentTarget.value)}
      />
      <div class="picker-list">
        {list.state === 'loading' && <p class="meta">Loading phones…</p>}
        {list.state === 'error' && <p class="error">{list.text}</p>}
        {list.state === 'ready' && list.phones.length === 0 && (
          <p class="meta">{search ? 'No phone matches.' : 'No team phones yet: type a number below.'}</p>
        )}
        {list.state === 'ready' && list.phones.length > 0 && (
          <ul class="options" aria-label="Team phones">
            {list.phones.map((phone) => {
              const refusal = phoneRefusal(phone, account);
              return (
                <li key={phone.id}>
                  <button
                    type="button"
                    class="option"
                    aria-pressed={chosen === phone.id}
                    aria-disabled={refusal !== null}
                    onClick={() => refusal === null && onChoose(chosen === phone.id ? null : phone)}
                  >
                    <span class="option-main">
                      {phone.label ?? 'No label'} · {phone.masked}
                    </span>
                    <span class="meta">
                      {refusal ?? (phone.holder ? `Held by ${phone.holder.name}` : 'Holder not recorded')}
                    </span>
                  </button>
                </li>
              );
            })}
          </ul>
        )}
        {list.state === 'ready' && list.next && (
          <button type="button" class="link" onClick={() => void load(search.trim(), list.next ?? undefined)}>
            More phones
          </button>
        )}
      </div>
    </fieldset>
  );
}
