import type { Account } from '@twostep/shared';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { PageReport } from '@/background/page-bridge-types.ts';
import type { Ask } from '@/messages/intents.ts';
import type { PagePlatform } from '@/messages/platform-pages.ts';
import { signInPlace } from '@/views/page-text.ts';
import { problemText } from '@/views/problem-text.ts';

type Props = {
  ask: Ask;
  account: Account & { platform: PagePlatform };
  onLocked: () => void;
  /** The active tab is this platform's code step: its own screen takes the code. */
  onCodeStep: (page: PageReport) => void;
};

const recheckMs = 1000;

type State =
  | { step: 'checking' }
  | { step: 'ready'; page: PageReport | null }
  | { step: 'filling'; page: PageReport }
  | { step: 'filled'; page: PageReport; submitted: boolean };

/**
 * "Fill login on this page": offered only when the background says the active tab's top frame is this account's
 * platform page; otherwise a line says where to go first. The password never reaches the popup.
 */
export function FillLogin({ ask, account, onLocked, onCodeStep }: Props) {
  const [state, setState] = useState<State>({ step: 'checking' });
  const [error, setError] = useState<string | null>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const { name, where } = signInPlace(account.platform);
  const page = state.step === 'checking' ? null : state.page;
  const here = page?.platform === account.platform ? page : null;

  async function check() {
    const reply = await ask('page.status', {});
    setState({ step: 'ready', page: reply.ok ? reply.data.page : null });
  }

  useEffect(() => {
    void check();
  }, [account.id]);

  // A page still loading has no content script yet, and the member may switch tabs: asked again until it is here.
  useEffect(() => {
    if (state.step !== 'ready' || here) return;
    const timer = setTimeout(check, recheckMs);
    return () => clearTimeout(timer);
  }, [state, here]);

  // The code step's button takes the focus when it appears. The fill button does not: a key already on its way
  // (an Enter typed after the SMS code, a key held down) must not become the press that fills. It is one Tab
  // away from Copy password.
  useEffect(() => {
    if (state.step === 'ready' && here?.step === 'code') buttonRef.current?.focus();
  }, [state.step, here]);

  async function fill() {
    if (state.step !== 'ready' || !state.page || !here) return;
    setState({ step: 'filling', page: state.page });
    setError(null);
    const reply = await ask('page.fill', { accountId: account.id, kind: 'login' });
    if (reply.ok) return setState({ step: 'filled', page: state.page, submitted: reply.data.submitted });
    if (reply.problem.code === 'unlock_required') return onLocked();
    setError(problemText(reply.problem));
    setState({ step: 'ready', page: state.page });
  }

  if (state.step === 'checking') return <p class="meta">Looking at the active tab…</p>;
  if (state.step === 'filled')
    return (
      <p class="notice" role="status">
        Login filled in on {name}
        {state.submitted ? ' and sent' : ': press its Log in button'}. When {name} asks for its code, open Twostep
        again.
      </p>
    );
  return (
    <div class="stack fill-login">
      {here?.step === 'code' ? (
        <button ref={buttonRef} type="button" class="primary" onClick={() => onCodeStep(here)}>
          Enter {name}’s code
        </button>
      ) : (
        <button
          type="button"
          class="primary"
          onClick={fill}
          disabled={!here}
          aria-disabled={state.step === 'filling'}
          aria-describedby="fill-where"
        >
          {state.step === 'filling' ? 'Filling…' : 'Fill login on this page'}
        </button>
      )}
      <p id="fill-where" class="meta">
        {here
          ? `Fills @${account.handle}’s login name and password into ${name} in this tab, and sends it.`
          : `To fill it, open ${name}’s login page (${where}) in this tab first, then open Twostep again.`}
      </p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </div>
  );
}
