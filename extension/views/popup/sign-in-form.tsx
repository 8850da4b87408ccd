import type { Member } from '@twostep/shared';
import { useRef, useState } from 'preact/hooks';
import type { Ask } from '@/messages/intents.ts';
import type { ProblemCode } from '@/messages/problem.ts';
import { useFocusOnMount } from '@/views/hooks.ts';
import { problemText } from '@/views/problem-text.ts';

const serverProblems = new Set<ProblemCode>(['unreachable', 'timeout', 'not_twostep', 'invalid_request', 'not_found']);

type Props = {
  ask: Ask;
  serverUrl: string;
  notice?: string;
  onSignedIn: (member: Member, serverUrl: string) => void;
  onInvite: () => void;
  /** The server named has no team yet: set one up there. */
  onSetUp: (serverUrl: string) => void;
};

/** Connect to a Twostep server and sign in. The password lives in this form's state only until it is sent. */
export function SignInForm({ ask, serverUrl: initialUrl, notice, onSignedIn, onInvite, onSetUp }: Props) {
  const [serverUrl, setServerUrl] = useState(initialUrl);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [fresh, setFresh] = useState<string | null>(null);

  /** Leaving the address field asks that server whether it has a team yet: a fresh one offers the setup. */
  async function checkServer() {
    const reply = await ask('server.check', { serverUrl });
    setFresh(reply.ok && !reply.data.setUp ? reply.data.serverUrl : null);
  }
  const emailRef = useFocusOnMount<HTMLInputElement>();
  const serverRef = useRef<HTMLInputElement>(null);
  const passwordRef = useRef<HTMLInputElement>(null);

  async function submit(event: Event) {
    event.preventDefault();
    setBusy(true);
    setError(null);
    const reply = await ask('session.signIn', { serverUrl, email, password });
    setBusy(false);
    setPassword('');
    if (reply.ok && reply.data.member) return onSignedIn(reply.data.member, reply.data.serverUrl);
    setError(reply.ok ? 'The server did not sign you in.' : problemText(reply.problem));
    // The focus goes where the fix is: the address when no Twostep server answered there, else the password.
    const wrongServer = !reply.ok && serverProblems.has(reply.problem.code);
    (wrongServer ? serverRef : passwordRef).current?.focus();
  }

  return (
    <form class="stack" onSubmit={submit} aria-labelledby="sign-in-title">
      <h2 id="sign-in-title">Sign in</h2>
      {notice && !error && <p class="notice">{notice}</p>}
      <label>
        Server
        <input
          ref={serverRef}
          type="text"
          inputmode="url"
          autocomplete="url"
          spellcheck={false}
          value={serverUrl}
          onInput={(e) => setServerUrl(e.currentTarget.value)}
          onBlur={checkServer}
          required
        />
      </label>
      {fresh && (
        <div class="notice stack" role="status">
          <p>This server has no team yet.</p>
          <button type="button" class="primary" onClick={() => onSetUp(fresh)}>
            Set up your team
          </button>
        </div>
      )}
      <label>
        Email
        <input
          ref={emailRef}
          type="email"
          autocomplete="username"
          value={email}
          onInput={(e) => setEmail(e.currentTarget.value)}
          required
        />
      </label>
      <label>
        Password
        <input
          ref={passwordRef}
          type="password"
          autocomplete="current-password"
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
          required
        />
      </label>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" class="primary" disabled={busy}>
        {busy ? 'Signing in…' : 'Sign in'}
      </button>
      <button type="button" class="link" onClick={onInvite}>
        I have an invite
      </button>
    </form>
  );
}
