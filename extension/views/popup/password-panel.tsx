import { useRef, useState } from 'preact/hooks';
import type { Ask } from '@/messages/intents.ts';
import { fieldErrors } from '@/views/field.tsx';
import { useFocusOnMount } from '@/views/hooks.ts';
import { generatePassword, passwordStrength } from '@/views/password-tools.ts';
import { problemText } from '@/views/problem-text.ts';

type Props = { ask: Ask; accountId: string; onSaved: () => void; onCancel: () => void };

/**
 * Stores (or changes) the account's password, with a strength hint and a generator. Kept only in this form.
 * Whether one is stored already is unknown here (reading the secret needs an unlock), so the title is true either way.
 */
export function PasswordPanel({ ask, accountId, onSaved, onCancel }: Props) {
  const [password, setPassword] = useState('');
  const [shown, setShown] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const inputRef = useFocusOnMount<HTMLInputElement>();
  const errorRef = useRef<HTMLParagraphElement>(null);
  const strength = passwordStrength(password);

  async function save(event: Event) {
    event.preventDefault();
    if (busy) return;
    if (!password) {
      setError('Type the password, or generate one.');
      return inputRef.current?.focus();
    }
    setBusy(true);
    setError(null);
    const reply = await ask('secret.set', { accountId, password });
    setBusy(false);
    if (reply.ok) {
      setPassword('');
      return onSaved();
    }
    setError(fieldErrors(reply.problem).password ?? problemText(reply.problem));
    setTimeout(() => errorRef.current?.focus());
  }

  return (
    <form class="stack panel" onSubmit={save} aria-labelledby="password-title">
      <h3 id="password-title">Set a new password</h3>
      <p class="meta">Set the same password on the platform: Twostep only keeps it, encrypted.</p>
      <label for="account-password">Password</label>
      <div class="inline">
        <input
          id="account-password"
          ref={inputRef}
          type={(shown ? 'text' : 'password') as 'text'}
          autocomplete="new-password"
          spellcheck={false}
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
          aria-describedby="password-strength"
        />
        <button type="button" aria-pressed={shown} onClick={() => setShown(!shown)}>
          {shown ? 'Hide' : 'Show'}
        </button>
      </div>
      <p id="password-strength" class={`strength strength-${strength.level}`} aria-live="polite">
        {strength.text || 'A long random password is best: generate one.'}
      </p>
      {error && (
        <p class="error" role="alert" ref={errorRef} tabIndex={-1}>
          {error}
        </p>
      )}
      <div class="actions">
        <button type="submit" class="primary" aria-disabled={busy}>
          {busy ? 'Saving…' : 'Save password'}
        </button>
        <button
          type="button"
          onClick={() => {
            setPassword(generatePassword());
            setShown(true);
          }}
        >
          Generate
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
