import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Ask } from '@/messages/intents.ts';
import { formatTime } from '@/views/format.ts';
import { useFocusOnMount } from '@/views/hooks.ts';
import { problemText } from '@/views/problem-text.ts';

const showForMs = 30_000;
const staysOnClipboard = ' It stays on your clipboard until you copy something else.';

type Props = {
  ask: Ask;
  accountId: string;
  loginName: string | null;
  unlockedUntil: string;
  onLocked: () => void;
  /** Shown under the heading: the fill into the platform's page, when there is one. */
  children?: ComponentChildren;
};

/**
 * The unlocked account's login. The password is fetched on demand for each copy and dropped right after; it is
 * kept in state only while the person has asked to see it, and hidden again after 30 seconds. Buttons say
 * aria-disabled while a request runs, not disabled: a disabled button would drop the keyboard focus.
 */
export function Credentials({ ask, accountId, loginName, unlockedUntil, onLocked, children }: Props) {
  const [status, setStatus] = useState<{ kind: 'info' | 'error'; text: string } | null>(null);
  const [shown, setShown] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const copyRef = useFocusOnMount<HTMLButtonElement>();

  useEffect(() => {
    if (shown === null) return;
    const timer = setTimeout(() => setShown(null), showForMs);
    return () => clearTimeout(timer);
  }, [shown]);

  async function withPassword(use: (password: string) => Promise<void> | void) {
    if (busy) return;
    setBusy(true);
    setStatus(null);
    const reply = await ask('secret.get', { accountId });
    setBusy(false);
    if (!reply.ok) {
      if (reply.problem.code === 'unlock_required') return onLocked();
      return setStatus({ kind: 'error', text: problemText(reply.problem) });
    }
    if (reply.data.password === null)
      return setStatus({ kind: 'error', text: 'No password is stored for this account yet. Ask your team lead.' });
    await use(reply.data.password);
  }

  // The extension cannot clear the clipboard later without more permissions (and a closed popup runs nothing):
  // the person is told the password stays there.
  const copy = (text: string, what: string, after = '') =>
    navigator.clipboard.writeText(text).then(
      () => setStatus({ kind: 'info', text: `${what} copied.${after}` }),
      () => setStatus({ kind: 'error', text: `The browser did not let Twostep copy the ${what.toLowerCase()}.` }),
    );

  return (
    <section class="stack credentials" aria-labelledby="credentials-title">
      <h3 id="credentials-title">Unlocked until {formatTime(unlockedUntil)}</h3>
      {children}
      <dl class="facts">
        <dt>Login name</dt>
        <dd>
          {loginName ? <code class="login-name">{loginName}</code> : 'None stored'}
          {loginName && (
            <button type="button" class="link" onClick={() => copy(loginName, 'Login name', staysOnClipboard)}>
              Copy
            </button>
          )}
        </dd>
        <dt>Password</dt>
        <dd>
          {/* Not in a live region: a screen reader must not read the password aloud unasked. */}
          <code class="password">{shown ?? '••••••••••••'}</code>
        </dd>
      </dl>
      <div class="actions">
        <button
          ref={copyRef}
          type="button"
          class="primary"
          aria-disabled={busy}
          onClick={() => withPassword((password) => copy(password, 'Password', staysOnClipboard))}
        >
          Copy password
        </button>
        <button
          type="button"
          aria-disabled={busy}
          aria-pressed={shown !== null}
          onClick={() => (shown === null ? withPassword(setShown) : setShown(null))}
        >
          {shown === null ? 'Show' : 'Hide'}
        </button>
      </div>
      {status && (
        <p class={status.kind === 'info' ? 'notice' : 'error'} role={status.kind === 'info' ? 'status' : 'alert'}>
          {status.text}
        </p>
      )}
    </section>
  );
}
