import type { Account, Role } from '@twostep/shared';
import { useRef, useState } from 'preact/hooks';
import type { Ask, ChallengeView } from '@/messages/intents.ts';
import { Field, fieldErrors } from '@/views/field.tsx';
import { useFocusOnMount } from '@/views/hooks.ts';
import { problemText } from '@/views/problem-text.ts';

type Props = {
  ask: Ask;
  account: Account;
  role: Role;
  onSent: (view: ChallengeView) => void;
  onForced: (account: Account) => void;
  onCancel: () => void;
};

/** Turning two-step off: by a code to the current phone, or (a lead, the phone lost) forced with a reason. */
export function TurnOffPanel({ ask, account, role, onSent, onForced, onCancel }: Props) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [reasonError, setReasonError] = useState<string | undefined>();
  const [confirming, setConfirming] = useState(false);
  const titleRef = useFocusOnMount<HTMLHeadingElement>();
  const reasonRef = useRef<HTMLInputElement>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);
  const phone = account.twoStep.phone;

  async function sendCode() {
    if (busy) return;
    setBusy(true);
    setError(null);
    const reply = await ask('twoStep.disable', { accountId: account.id });
    setBusy(false);
    if (reply.ok) return onSent(reply.data);
    setError(problemText(reply.problem));
  }

  function askToConfirm(event: Event) {
    event.preventDefault();
    if (reason.trim().length < 3) {
      setReasonError('Say why, in a few words (it goes into the audit trail).');
      return reasonRef.current?.focus();
    }
    setReasonError(undefined);
    setConfirming(true);
    setTimeout(() => confirmRef.current?.focus());
  }

  async function force() {
    if (busy) return;
    setBusy(true);
    setError(null);
    const reply = await ask('twoStep.forceOff', { accountId: account.id, reason: reason.trim() });
    setBusy(false);
    if (reply.ok) return onForced(reply.data.account);
    setConfirming(false);
    const byField = fieldErrors(reply.problem);
    if (byField.reason) {
      setReasonError(byField.reason);
      reasonRef.current?.focus();
    } else setError(problemText(reply.problem));
  }

  return (
    <div class="stack panel">
      <h3 ref={titleRef} tabIndex={-1}>
        Turn two-step off?
      </h3>
      <p class="warning">
        Not recommended. Without two-step, anyone who has the password of @{account.handle} (a former colleague, a
        leaked list, a phishing page) can sign in with nothing else.
      </p>
      <p class="meta">
        A code goes to {phone?.masked}
        {phone?.holder ? ` (${phone.holder.name}’s phone)` : ''}; entering it turns two-step off.
      </p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="actions">
        <button type="button" class="danger" onClick={sendCode} aria-disabled={busy}>
          {busy && !confirming ? 'Sending code…' : 'Send code to turn off'}
        </button>
        <button type="button" onClick={onCancel}>
          Keep it on
        </button>
      </div>
      {role !== 'member' && (
        <form class="stack force" onSubmit={askToConfirm} aria-labelledby="force-title">
          <h3 id="force-title">Phone lost? Force off without a code</h3>
          <Field
            id="force-reason"
            label="Reason (recorded in the audit trail)"
            placeholder="Phone lost on a shoot"
            value={reason}
            onValue={(value) => {
              setReason(value);
              setConfirming(false);
            }}
            inputRef={reasonRef}
            error={reasonError}
          />
          {confirming ? (
            <fieldset class="stack confirm picker" aria-labelledby="force-confirm">
              <p id="force-confirm" class="warning">
                Really turn two-step off for @{account.handle} without a code? Its phone is no longer asked.
              </p>
              <div class="actions">
                <button type="button" ref={confirmRef} class="danger" onClick={force} aria-disabled={busy}>
                  {busy ? 'Turning off…' : 'Yes, force off'}
                </button>
                <button
                  type="button"
                  onClick={() => {
                    setConfirming(false);
                    reasonRef.current?.focus();
                  }}
                >
                  No
                </button>
              </div>
            </fieldset>
          ) : (
            <button type="submit" class="danger">
              Force off
            </button>
          )}
        </form>
      )}
    </div>
  );
}
