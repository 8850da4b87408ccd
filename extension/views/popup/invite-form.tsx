import type { Member } from '@twostep/shared';
import { useState } from 'preact/hooks';
import type { Ask } from '@/messages/intents.ts';
import { Field } from '@/views/field.tsx';
import { useFocusOnMount } from '@/views/hooks.ts';
import { signInPasswordMin } from '@/views/password-tools.ts';
import { useSignInForm } from './use-form.ts';

type Props = {
  ask: Ask;
  serverUrl: string;
  onSignedIn: (member: Member, serverUrl: string) => void;
  onBack: () => void;
};

const fields = ['serverUrl', 'token', 'name', 'password'] as const;
const byCode = { invite_invalid: 'token', unreachable: 'serverUrl', timeout: 'serverUrl', not_twostep: 'serverUrl' };

/** Joining from an invite: the token a lead handed over, a name and a password; then signed in. */
export function InviteForm({ ask, serverUrl: initialUrl, onSignedIn, onBack }: Props) {
  const [values, setValues] = useState({ serverUrl: initialUrl, token: '', name: '', password: '' });
  const { busy, errors, error, send, ref } = useSignInForm(fields, byCode, onSignedIn);
  const tokenRef = useFocusOnMount<HTMLInputElement>();
  const set = (name: keyof typeof values) => (value: string) => setValues({ ...values, [name]: value });

  return (
    <form
      class="stack"
      aria-labelledby="invite-title"
      onSubmit={(e) => {
        e.preventDefault();
        void send(() => ask('session.acceptInvite', values));
      }}
    >
      <h2 id="invite-title">Join with an invite</h2>
      <Field
        id="invite-server"
        label="Server"
        value={values.serverUrl}
        onValue={set('serverUrl')}
        inputRef={ref('serverUrl')}
        error={errors.serverUrl}
        spellcheck={false}
        inputmode="url"
        required
      />
      <Field
        id="invite-token"
        label="Invite token"
        value={values.token}
        onValue={set('token')}
        inputRef={(element) => {
          tokenRef.current = element;
          ref('token')(element);
        }}
        error={errors.token}
        spellcheck={false}
        autocomplete="off"
        hint="Your lead gave it to you; it works once, for 7 days."
        required
      />
      <Field
        id="invite-name"
        label="Your name"
        value={values.name}
        onValue={set('name')}
        inputRef={ref('name')}
        error={errors.name}
        autocomplete="name"
        required
      />
      <Field
        id="invite-password"
        label="New password"
        type="password"
        value={values.password}
        onValue={set('password')}
        inputRef={ref('password')}
        error={errors.password}
        autocomplete="new-password"
        hint={`At least ${signInPasswordMin} characters.`}
        required
      />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="primary" aria-disabled={busy}>
        {busy ? 'Joining…' : 'Join the team'}
      </button>
      <button type="button" class="link" onClick={onBack}>
        Back to sign in
      </button>
    </form>
  );
}
