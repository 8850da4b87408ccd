import { type Member, type MemberListItem, platformNames, type Role, roles } from '@twostep/shared';
import { useState } from 'preact/hooks';
import type { Handover } from '@/messages/dashboard-intents.ts';
import type { Ask } from '@/messages/intents.ts';
import { copyThenClear } from '@/views/clipboard-clear.ts';
import { problemText } from '@/views/problem-text.ts';
import { day } from './labels.ts';
import { OpenInvites } from './open-invites.tsx';
import { routeHash } from './route.ts';

const perPage = 50;

function InviteForm({ ask, onInvited }: { ask: Ask; onInvited: () => void }) {
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<'member' | 'lead'>('member');
  const [made, setMade] = useState<{ email: string; token: string; expiresAt: string } | null>(null);
  const [copied, setCopied] = useState(false);
  const [error, setError] = useState('');

  async function invite(event: Event) {
    event.preventDefault();
    setError('');
    const reply = await ask('dashboard.invite', { email: email.trim(), role });
    if (!reply.ok) return setError(problemText(reply.problem));
    setMade({ email: reply.data.invite.email, token: reply.data.token, expiresAt: reply.data.invite.expiresAt });
    setCopied(false);
    setEmail('');
    onInvited();
  }

  return (
    <div class="card stack">
      <h3>Invite someone</h3>
      <form class="filters" onSubmit={invite}>
        <label>
          Email
          <input type="email" required value={email} onInput={(e) => setEmail(e.currentTarget.value)} />
        </label>
        <label>
          Role
          <select value={role} onChange={(e) => setRole(e.currentTarget.value as 'member' | 'lead')}>
            <option value="member">member</option>
            <option value="lead">lead</option>
          </select>
        </label>
        <button type="submit" class="primary">
          Create invite
        </button>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {made && (
        <div class="once" role="status">
          <p>
            Invite for <strong>{made.email}</strong>, valid until {day(made.expiresAt)}. Hand this token over now: it is
            shown only once. They enter it in the popup with the server address.
          </p>
          <code data-testid="invite-token">{made.token}</code>{' '}
          <button type="button" onClick={() => copyThenClear(made.token).then(() => setCopied(true))}>
            {copied ? 'Copied' : 'Copy token'}
          </button>{' '}
          <span class="meta">Cleared from the clipboard in 60 s.</span>
        </div>
      )}
    </div>
  );
}

function HandoverPanel({ name, handover }: { name: string; handover: Handover }) {
  return (
    <div class="card stack" role="status" aria-label="Handover">
      <h3>{name} is removed: their sessions and grants ended. What to hand over</h3>
      <p>
        <strong>Phones {name} held</strong> (give each a new holder, or move the accounts to another number):
      </p>
      {handover.heldPhones.length === 0 ? (
        <p class="meta">None.</p>
      ) : (
        <ul>
          {handover.heldPhones.map((phone) => (
            <li key={phone.id}>
              <a href={routeHash('phones', { q: phone.masked.replace(/\D/g, '').slice(-4) })}>
                {phone.masked} {phone.label ?? ''}
              </a>
            </li>
          ))}
        </ul>
      )}
      <p>
        <strong>Accounts {name} unlocked in the last 30 days</strong> (change their passwords, and the backup codes they
        may have seen):
      </p>
      {handover.recentlyUnlocked.length === 0 ? (
        <p class="meta">None.</p>
      ) : (
        <ul>
          {handover.recentlyUnlocked.map((account) => (
            <li key={account.id}>
              <a href={routeHash('account', { id: account.id })}>
                @{account.handle} on {platformNames[account.platform]}
              </a>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

/** The team: invite, change a role (owners), remove with a confirmation, then what to hand over. */
export function Members({
  ask,
  me,
  members,
  onChanged,
}: {
  ask: Ask;
  me: Member;
  members: MemberListItem[];
  onChanged: () => void;
}) {
  const [page, setPage] = useState(0);
  const [confirming, setConfirming] = useState<MemberListItem | null>(null);
  const [handover, setHandover] = useState<{ name: string; handover: Handover } | null>(null);
  const [error, setError] = useState('');
  const [invitesVersion, setInvitesVersion] = useState(0);
  const invitesChanged = () => setInvitesVersion((n) => n + 1);
  const shown = members.slice(page * perPage, (page + 1) * perPage);

  async function changeRole(member: MemberListItem, role: Role) {
    const reply = await ask('dashboard.memberRole', { memberId: member.id, role });
    setError(reply.ok ? '' : problemText(reply.problem));
    onChanged();
  }
  async function remove(member: MemberListItem) {
    setConfirming(null);
    const reply = await ask('dashboard.memberRemove', { memberId: member.id });
    if (!reply.ok) return setError(problemText(reply.problem));
    setError('');
    setHandover({ name: member.name, handover: reply.data.handover });
    invitesChanged();
    onChanged();
  }

  return (
    <section class="stack" aria-labelledby="members-title">
      <h2 id="members-title">Members</h2>
      <InviteForm ask={ask} onInvited={invitesChanged} />
      <OpenInvites ask={ask} members={members} version={invitesVersion} />
      {handover && <HandoverPanel {...handover} />}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <table class="table" aria-label="Members">
        <thead>
          <tr>
            <th>Name</th>
            <th>Email</th>
            <th>Role</th>
            <th>Since</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {shown.map((member) => (
            <tr key={member.id}>
              <td>
                <a href={routeHash('events', { member: member.id })}>{member.name}</a>
              </td>
              <td>{member.email}</td>
              <td>
                {me.role === 'owner' && member.id !== me.id ? (
                  <select
                    aria-label={`Role of ${member.name}`}
                    value={member.role}
                    onChange={(e) => changeRole(member, e.currentTarget.value as Role)}
                  >
                    {roles.map((role) => (
                      <option key={role} value={role}>
                        {role}
                      </option>
                    ))}
                  </select>
                ) : (
                  member.role
                )}
              </td>
              <td>{day(member.createdAt)}</td>
              <td>
                {member.id !== me.id &&
                  (confirming?.id === member.id ? (
                    <span class="confirm">
                      Remove {member.name}?{' '}
                      <button type="button" class="danger" onClick={() => remove(member)}>
                        Yes, remove
                      </button>{' '}
                      <button type="button" onClick={() => setConfirming(null)}>
                        Keep
                      </button>
                    </span>
                  ) : (
                    <button type="button" class="link" onClick={() => setConfirming(member)}>
                      Remove
                    </button>
                  ))}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {members.length > perPage && (
        <div class="pager">
          <button type="button" disabled={page === 0} onClick={() => setPage(page - 1)}>
            Previous
          </button>
          <span class="meta">
            {page * perPage + 1}–{Math.min(members.length, (page + 1) * perPage)} of {members.length}
          </span>
          <button type="button" disabled={(page + 1) * perPage >= members.length} onClick={() => setPage(page + 1)}>
            Next
          </button>
        </div>
      )}
    </section>
  );
}
