import type { Member } from '@twostep/shared';
import type { Ask } from '@/messages/intents.ts';
import { signInPasswordMin } from '@/views/password-tools.ts';
import { type FieldSpec, JoinForm } from './join-form.tsx';

type Props = {
  ask: Ask;
  serverUrl: string;
  onSignedIn: (member: Member, serverUrl: string) => void;
  onBack: () => void;
};

const fields: FieldSpec[] = [
  {
    name: 'token',
    label: 'Invite token',
    spellcheck: false,
    autocomplete: 'off',
    hint: 'Your lead gave it to you; it works once, for 7 days.',
    required: true,
  },
  { name: 'name', label: 'Your name', autocomplete: 'name', required: true },
  {
    name: 'password',
    label: 'New password',
    type: 'password',
    autocomplete: 'new-password',
    hint: `At least ${signInPasswordMin} characters.`,
    required: true,
  },
];

/** Joining from an invite: the token a lead handed over, a name and a password; then signed in. */
export function InviteForm({ ask, serverUrl, onSignedIn, onBack }: Props) {
  return (
    <JoinForm
      id="invite"
      title="Join with an invite"
      fields={fields}
      serverUrl={serverUrl}
      fieldOfCode={{ invite_invalid: 'token' }}
      submit={{ label: 'Join the team', busy: 'Joining…' }}
      send={({ serverUrl = '', token = '', name = '', password = '' }) =>
        ask('session.acceptInvite', { serverUrl, token, name, password })
      }
      onSignedIn={onSignedIn}
      other={{ label: 'Back to sign in', onClick: onBack }}
    />
  );
}
