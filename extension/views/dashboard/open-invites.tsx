import type { MemberListItem, OpenInvite } from '@twostep/shared';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { Ask } from '@/messages/intents.ts';
import type { Problem } from '@/messages/problem.ts';
import { problemText } from '@/views/problem-text.ts';
import { day } from './labels.ts';
import { creatorName, expiresIn, sliceOf } from './open-invites-list.ts';

type Loaded = { state: 'loading' } | { state: 'error'; problem: Problem } | { state: 'ready'; invites: OpenInvite[] };

/**
 * The team's open invites (not used, revoked or expired), a page at a time, each with Revoke and a confirm step.
 * `version` changes when an invite was made or a member removed (their invites end too): the list loads again.
 */
export function OpenInvites({ ask, members, version }: { ask: Ask; members: MemberListItem[]; version: number }) {
  const [loaded, setLoaded] = useState<Loaded>({ state: 'loading' });
  const [page, setPage] = useState(0);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [notice, setNotice] = useState('');
  const [error, setError] = useState('');
  const [tick, setTick] = useState(0);
  const confirmButton = useRef<HTMLButtonElement>(null);
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    let live = true;
    ask('dashboard.invites', {}).then((reply) => {
      if (!live) return;
      setLoaded(
        reply.ok ? { state: 'ready', invites: reply.data.invites } : { state: 'error', problem: reply.problem },
      );
    });
    return () => {
      live = false;
    };
  }, [ask, version, tick]);
  // In the render's own task: a key pressed right after Revoke lands on the confirmation, not on the page.
  useLayoutEffect(() => confirmButton.current?.focus(), [confirming]);

  function keep(invite: OpenInvite) {
    setConfirming(null);
    // Back to the row's own Revoke button, so the keyboard stays where it was.
    requestAnimationFrame(() => document.getElementById(`revoke-${invite.id}`)?.focus());
  }
  async function revoke(invite: OpenInvite) {
    setConfirming(null);
    const reply = await ask('dashboard.inviteRevoke', { inviteId: invite.id });
    // 404: used, expired or revoked meanwhile; either way it is no longer open, as the reloaded list shows.
    const gone = !reply.ok && reply.problem.code === 'not_found';
    setError(reply.ok || gone ? '' : problemText(reply.problem));
    if (reply.ok) setNotice(`The invite for ${invite.email} is revoked: its token no longer works.`);
    else setNotice(gone ? `The invite for ${invite.email} was no longer open (accepted, expired or revoked).` : '');
    setTick((n) => n + 1);
    heading.current?.focus();
  }

  const invites = loaded.state === 'ready' ? loaded.invites : [];
  const slice = sliceOf(invites, page);
  const now = Date.now();
  return (
    <div class="card stack">
      <h3 ref={heading} tabIndex={-1}>
        Open invites{loaded.state === 'ready' ? ` (${invites.length})` : ''}
      </h3>
      {notice && (
        <p class="note" role="status">
          {notice}
        </p>
      )}
      {(error || loaded.state === 'error') && (
        <p class="error" role="alert">
          {error || (loaded.state === 'error' ? problemText(loaded.problem) : '')}{' '}
          <button type="button" class="link" onClick={() => setTick((n) => n + 1)}>
            Try again
          </button>
        </p>
      )}
      {loaded.state === 'loading' && <p class="meta">Loading…</p>}
      {loaded.state === 'ready' && invites.length === 0 && (
        <p class="meta">No open invites. An invite made above shows here until it is accepted, revoked or expires.</p>
      )}
      {slice.shown.length > 0 && (
        <table class="table" aria-label="Open invites">
          <thead>
            <tr>
              <th>Email</th>
              <th>Role</th>
              <th>Expires</th>
              <th>Created by</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {slice.shown.map((invite) => (
              <tr key={invite.id}>
                <td>{invite.email}</td>
                <td>{invite.role}</td>
                <td>
                  {day(invite.expiresAt)} <span class="meta">({expiresIn(invite.expiresAt, now)})</span>
                </td>
                <td>{creatorName(invite.createdBy, members)}</td>
                <td>
                  {confirming === invite.id ? (
                    // biome-ignore lint/a11y/noStaticElementInteractions: Escape here is a shortcut; both buttons work alone.
                    <span class="confirm" onKeyDown={(event) => event.key === 'Escape' && keep(invite)}>
                      Revoke the invite for {invite.email}?{' '}
                      <button type="button" class="danger" ref={confirmButton} onClick={() => revoke(invite)}>
                        Yes, revoke
                      </button>{' '}
                      <button type="button" onClick={() => keep(invite)}>
                        Keep
                      </button>
                    </span>
                  ) : (
                    <button
                      type="button"
                      class="link"
                      id={`revoke-${invite.id}`}
                      aria-label={`Revoke the invite for ${invite.email}`}
                      onClick={() => setConfirming(invite.id)}
                    >
                      Revoke
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {slice.pages > 1 && (
        <div class="pager">
          <button type="button" disabled={slice.page === 0} onClick={() => setPage(slice.page - 1)}>
            Previous
          </button>
          <span class="meta">
            {slice.from}–{slice.to} of {invites.length}
          </span>
          <button type="button" disabled={slice.page + 1 >= slice.pages} onClick={() => setPage(slice.page + 1)}>
            Next
          </button>
        </div>
      )}
    </div>
  );
}
