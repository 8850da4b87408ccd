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
  onSignIn: () => void;
};

const fields = ['serverUrl', 'team', 'name', 'email', 'password'] as const;
const byCode = { unreachable: 'serverUrl', timeout: 'serverUrl', not_twostep: 'serverUrl' };

/** First run: the server has no team yet. Whoever sets it up becomes its owner, signed in at once. */
export function SetUpForm({ ask, serverUrl: initialUrl, onSignedIn, onSignIn }: Props) {
  const [values, setValues] = useState({ serverUrl: initialUrl, team: '', name: '', email: '', password: '' });
  const { busy, errors, error, send, ref } = useSignInForm(fields, byCode, onSignedIn);
  const teamRef = useFocusOnMount<HTMLInputElement>();
  const set = (name: keyof typeof values) => (value: string) => setValues({ ...values, [name]: value });

  return (
    <form
      class="stack"
      aria-labelledby="set-up-title"
      onSubmit={(e) => {
        e.preventDefault();
        void send(() => ask('session.setUp', values));
      }}
    >
      <h2 id="set-up-title">Set up your team</h2>
      <p class="meta">This server has no team yet. You become its owner: you can then invite your colleagues.</p>
      <Field
        id="setup-server"
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
        id="setup-team"
        label="Team name"
        value={values.team}
        onValue={set('team')}
        inputRef={(element) => {
          teamRef.current = element;
          ref('team')(element);
        }}
        error={errors.team}
        autocomplete="organization"
        required
      />
      <Field
        id="setup-name"
        label="Your name"
        value={values.name}
        onValue={set('name')}
        inputRef={ref('name')}
        error={errors.name}
        autocomplete="name"
        hint="Shown in the SMS texts: “Give it only to …”."
        required
      />
      <Field
        id="setup-email"
        label="Email"
        type="email"
        value={values.email}
        onValue={set('email')}
        inputRef={ref('email')}
        error={errors.email}
        autocomplete="username"
        required
      />
      <Field
        id="setup-password"
        label="Password"
        type="password"
        value={values.password}
        onValue={set('password')}
        inputRef={ref('password')}
        error={errors.password}
        autocomplete="new-password"
        hint={`At least ${signInPasswordMin} characters; a passphrase is best.`}
        required
      />
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="primary" aria-disabled={busy}>
        {busy ? 'Setting up…' : 'Set up the team'}
      </button>
      <button type="button" class="link" onClick={onSignIn}>
        This team exists already: sign in
      </button>
    </form>
  );
}
