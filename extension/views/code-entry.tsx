import type { Account, Challenge } from '@twostep/shared';
import { useEffect, useRef, useState } from 'preact/hooks';
import { challengeTimes } from '@/messages/clock.ts';
import type { Ask } from '@/messages/intents.ts';
import { challengeOver, type ProblemCode } from '@/messages/problem.ts';
import { CodeBoxes, codeLength } from './code-boxes.tsx';
import { formatCountdown } from './format.ts';
import { useFocusOnMount, useNow } from './hooks.ts';
import { problemText } from './problem-text.ts';

type Props = {
  ask: Ask;
  challenge: Challenge;
  /** How far the server's clock is ahead of this one: the countdowns follow the server's. */
  skewMs: number;
  holder: string | null;
  onVerified: (account: Account) => void;
  onRestart: () => void;
};

type Message = { kind: 'error' | 'info'; text: string; code?: ProblemCode };

/** Takes the focus when it appears: the boxes it replaces are disabled, and a disabled box drops the focus. */
function RestartButton({ onRestart }: { onRestart: () => void }) {
  const ref = useFocusOnMount<HTMLButtonElement>();
  return (
    <button ref={ref} type="button" class="primary" onClick={onRestart}>
      Send a new code
    </button>
  );
}

const deliveryCheckMs = 4000;

const emptyDigits = () => Array<string>(codeLength).fill('');

export function CodeEntry({ ask, challenge: first, skewMs: firstSkew, holder, onVerified, onRestart }: Props) {
  const [challenge, setChallenge] = useState(first);
  const [skewMs, setSkewMs] = useState(firstSkew);
  const messageRef = useRef<HTMLParagraphElement>(null);
  const [digits, setDigits] = useState(emptyDigits);
  const [busy, setBusy] = useState<'verify' | 'resend' | null>(null);
  const [message, setMessage] = useState<Message | null>(null);
  const [focusKey, setFocusKey] = useState(0);
  const [deliveryFailed, setDeliveryFailed] = useState(first.status === 'delivery_failed');
  const now = useNow();

  const { expiresIn, resendIn } = challengeTimes(challenge, skewMs, now);
  // Only the server closes the entry (410 and the like): a clock that is off must not.
  const over = message?.code !== undefined && challengeOver.has(message.code);
  const expired = expiresIn <= 0 || message?.code === 'challenge_expired';
  const closed = over;
  const noWayOn = message?.code === 'account_locked' || message?.code === 'two_step_off';

  // The SMS may fail after it was queued (the provider gave up): asked every few seconds, so a resend is offered.
  useEffect(() => {
    if (closed) return;
    const timer = setInterval(async () => {
      const reply = await ask('challenge.get', { challengeId: challenge.id });
      if (reply.ok) setDeliveryFailed(reply.data.challenge.status === 'delivery_failed');
    }, deliveryCheckMs);
    return () => clearInterval(timer);
  }, [challenge.id, closed]);

  // Entry ended with nothing to press: the focus goes to the message, not to <body>.
  useEffect(() => {
    if (noWayOn) messageRef.current?.focus();
  }, [noWayOn]);

  function startAgain(next: Message) {
    setDigits(emptyDigits());
    setMessage(next);
    setFocusKey((key) => key + 1);
  }

  async function verify(code: string) {
    setBusy('verify');
    const reply = await ask('challenge.verify', { challengeId: challenge.id, code });
    setBusy(null);
    if (reply.ok) return onVerified(reply.data.account);
    const { problem } = reply;
    startAgain({ kind: 'error', text: problemText(problem), code: problem.code });
  }

  async function resend() {
    setBusy('resend');
    const reply = await ask('challenge.resend', { challengeId: challenge.id });
    setBusy(null);
    if (!reply.ok) return setMessage({ kind: 'error', text: problemText(reply.problem), code: reply.problem.code });
    setChallenge(reply.data.challenge);
    setSkewMs(reply.data.skewMs);
    setDeliveryFailed(false);
    startAgain({ kind: 'info', text: `A new code was sent to ${reply.data.challenge.sentTo}.` });
  }

  /** A full code goes to the server at once, unless it came from text where the code was not clear. */
  function change(next: string[], sure = true) {
    setDigits(next);
    if (!sure) return setMessage({ kind: 'info', text: 'Check the code against the SMS, then press Verify.' });
    if (next.every((digit) => digit !== '') && !busy) void verify(next.join(''));
  }

  const failedText = `The SMS to ${challenge.sentTo} could not be delivered. Check that the phone is on and can take texts, then resend the code.`;
  const shown: Message | null =
    deliveryFailed && !over && message?.kind !== 'error'
      ? { kind: 'error', text: failedText }
      : expired && !over && !message
        ? { kind: 'error', text: 'This code should have expired by now. Try it anyway, or ask for a new one.' }
        : message;
  const canResend = !closed && busy === null && resendIn !== null && resendIn <= 0 && message?.code !== 'resend_limit';
  return (
    <form
      class="stack code-entry"
      onSubmit={(e) => {
        e.preventDefault();
        if (digits.every((digit) => digit !== '')) void verify(digits.join(''));
      }}
    >
      <p id="code-label">
        Enter the {codeLength}-digit code sent by SMS to <strong>{challenge.sentTo}</strong>
        {holder ? ` (${holder}’s phone)` : ''}.
      </p>
      <CodeBoxes
        digits={digits}
        onChange={change}
        disabled={closed || busy === 'verify'}
        labelledBy="code-label"
        focusKey={focusKey}
      />
      {!expired && (
        <p class="meta">
          Code expires in {formatCountdown(expiresIn)}
          {busy === 'verify' && ' · Checking…'}
        </p>
      )}
      {shown && (
        <p
          ref={messageRef}
          tabIndex={-1}
          class={shown.kind === 'info' ? 'notice' : 'error'}
          role={shown.kind === 'info' ? 'status' : 'alert'}
        >
          {shown.text}
        </p>
      )}
      <div class="actions">
        {closed ? (
          !noWayOn && <RestartButton onRestart={onRestart} />
        ) : (
          <>
            <button type="submit" class="primary" disabled={busy !== null || digits.some((digit) => digit === '')}>
              Verify
            </button>
            <button type="button" onClick={resend} disabled={!canResend}>
              {resendIn === null || message?.code === 'resend_limit'
                ? 'No more resends'
                : resendIn > 0
                  ? `Resend in ${formatCountdown(resendIn)}`
                  : busy === 'resend'
                    ? 'Sending…'
                    : 'Resend code'}
            </button>
          </>
        )}
      </div>
    </form>
  );
}
