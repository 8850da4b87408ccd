import type { Member } from '@twostep/shared';
import { useRef, useState } from 'preact/hooks';
import type { Reply, SessionView } from '@/messages/intents.ts';
import { fieldErrors } from '@/views/field.tsx';
import { problemText } from '@/views/problem-text.ts';

/**
 * A form that signs someone in by some route (setup, invite): sends once, puts the server's complaint at its
 * field (focused, so the fix is where the person looks), or under the form when it names none.
 */
export function useSignInForm(
  fields: readonly string[],
  fieldOfCode: Record<string, string>,
  onSignedIn: (member: Member, serverUrl: string) => void,
) {
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const refs = useRef<Record<string, HTMLInputElement | null>>({});

  async function send(request: () => Promise<Reply<'session.setUp'> | Reply<'session.acceptInvite'>>) {
    if (busy) return;
    setBusy(true);
    setErrors({});
    setError(null);
    const reply = await request();
    setBusy(false);
    if (reply.ok && reply.data.member) return onSignedIn(reply.data.member, (reply.data as SessionView).serverUrl);
    if (reply.ok) return setError('The server did not sign you in.');
    const byField = fieldErrors(reply.problem, fieldOfCode);
    const first = fields.find((name) => byField[name]);
    setErrors(byField);
    if (first) refs.current[first]?.focus();
    else setError(problemText(reply.problem));
  }

  const ref = (name: string) => (element: HTMLInputElement | null) => {
    refs.current[name] = element;
  };
  return { busy, errors, error, send, ref };
}
