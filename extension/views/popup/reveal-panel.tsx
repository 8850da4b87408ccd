import type { Account } from '@twostep/shared';
import { useRef, useState } from 'preact/hooks';
import type { Ask } from '@/messages/intents.ts';
import { Field, fieldErrors } from '@/views/field.tsx';
import { useFocusOnMount } from '@/views/hooks.ts';
import { problemText } from '@/views/problem-text.ts';

// A closed popup runs nothing, so the clipboard cannot be cleared later: the person is told so.
const staysOnClipboard = ' It stays on your clipboard until you copy something else.';

/** Offered on the platform's code step: the revealed code goes into the page, and what happened is said. */
type FillOption = { label: string; run: (code: string) => Promise<{ kind: 'info' | 'error'; text: string }> };
type Props = {
  ask: Ask;
  account: Account;
  onRevealed: (remaining: number) => void;
  onClose: () => void;
  fill?: FillOption;
};

/** Reveals one backup code, with a reason for the audit trail; the code is then used up on the server. */
export function RevealPanel({ ask, account, onRevealed, onClose, fill }: Props) {
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | undefined>();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [revealed, setRevealed] = useState<{ code: string; remaining: number } | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const [filled, setFilled] = useState<{ kind: 'info' | 'error'; text: string } | null>(null);
  const reasonRef = useFocusOnMount<HTMLInputElement>();
  const copyRef = useRef<HTMLButtonElement>(null);

  async function reveal(event: Event) {
    event.preventDefault();
    if (busy) return;
    if (reason.trim().length < 3) {
      setReasonError('Say why you need a backup code (it goes into the audit trail).');
      return reasonRef.current?.focus();
    }
    setBusy(true);
    setReasonError(undefined);
    setError(null);
    const reply = await ask('backupCodes.reveal', { accountId: account.id, reason: reason.trim() });
    setBusy(false);
    if (!reply.ok) {
      const byField = fieldErrors(reply.problem);
      if (byField.reason) return setReasonError(byField.reason);
      return setError(problemText(reply.problem));
    }
    setRevealed(reply.data);
    onRevealed(reply.data.remaining);
    setTimeout(() => copyRef.current?.focus());
  }

  if (revealed) {
    const left = `${revealed.remaining} unused backup code${revealed.remaining === 1 ? '' : 's'} left.`;
    return (
      <div class="stack panel">
        <h3>Backup code</h3>
        <p class="backup-code">{revealed.code}</p>
        <p class="meta">It counts as used now. {left}</p>
        <div class="actions">
          {fill && (
            <button
              ref={copyRef}
              type="button"
              class="primary"
              aria-disabled={filled?.kind === 'info'}
              onClick={async () => filled?.kind !== 'info' && setFilled(await fill.run(revealed.code))}
            >
              {fill.label}
            </button>
          )}
          <button
            ref={fill ? undefined : copyRef}
            type="button"
            class={fill ? undefined : 'primary'}
            onClick={() =>
              navigator.clipboard.writeText(revealed.code).then(
                () => setCopied(`Backup code copied.${staysOnClipboard}`),
                () => setCopied('The browser did not let Twostep copy the code.'),
              )
            }
          >
            Copy code
          </button>
          <button type="button" onClick={onClose}>
            Done
          </button>
        </div>
        {copied && (
          <p class="notice" role="status">
            {copied}
          </p>
        )}
        {filled && (
          <p class={filled.kind === 'info' ? 'notice' : 'error'} role={filled.kind === 'info' ? 'status' : 'alert'}>
            {filled.text}
          </p>
        )}
      </div>
    );
  }

  return (
    <form class="stack panel" onSubmit={reveal} aria-labelledby="reveal-title">
      <h3 id="reveal-title">Reveal a backup code</h3>
      <p class="meta">For when no SMS can arrive (travelling, phone away). Each code works once on the platform.</p>
      <Field
        id="reveal-reason"
        label="Why do you need it?"
        placeholder="Client phone is abroad"
        value={reason}
        onValue={setReason}
        inputRef={reasonRef}
        error={reasonError}
        hint="Shown in the audit trail."
      />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="actions">
        <button type="submit" class="primary" aria-disabled={busy}>
          {busy ? 'Revealing…' : 'Reveal one code'}
        </button>
        <button type="button" onClick={onClose}>
          Cancel
        </button>
      </div>
    </form>
  );
}
