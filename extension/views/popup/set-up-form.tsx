import type { Member } from '@twostep/shared';
import type { Ask } from '@/messages/intents.ts';
import { signInPasswordMin } from '@/views/password-tools.ts';
import { type FieldSpec, JoinForm } from './join-form.tsx';

type Props = {
  ask: Ask;
  serverUrl: string;
  onSignedIn: (member: Member, serverUrl: string) => void;
  onSignIn: () => void;
};

const fields: FieldSpec[] = [
  { name: 'team', label: 'Team name', autocomplete: 'organization', required: true },
  {
    name: 'name',
    label: 'Your name',
    autocomplete: 'name',
    hint: 'Shown in the SMS texts: “Give it only to …”.',
    required: true,
  },
  { name: 'email', label: 'Email', type: 'email', autocomplete: 'username', required: true },
  {
    name: 'password',
    label: 'Password',
    type: 'password',
    autocomplete: 'new-password',
    hint: `At least ${signInPasswordMin} characters; a passphrase is best.`,
    required: true,
  },
];

/** First run: the server has no team yet. Whoever sets it up becomes its owner, signed in at once. */
export function SetUpForm({ ask, serverUrl, onSignedIn, onSignIn }: Props) {
  return (
    <JoinForm
      id="setup"
      title="Set up your team"
      intro="This server has no team yet. You become its owner: you can then invite your colleagues."
      fields={fields}
      serverUrl={serverUrl}
      submit={{ label: 'Set up the team', busy: 'Setting up…' }}
      send={({ serverUrl = '', team = '', name = '', email = '', password = '' }) =>
        ask('session.setUp', { serverUrl, team, name, email, password })
      }
      onSignedIn={onSignedIn}
      other={{ label: 'This team exists already: sign in', onClick: onSignIn }}
    />
  );
}
